"""简体中文: messages of the degradation area (see explainer/locales/zh_CN/__init__.py for the terms)."""

MESSAGES: dict[str, str] = {
    # "‖∂L/∂W‖ per layer" is shared with the UI and lives in ui.py.
    "PyTorch default":
        "PyTorch 默认",
    "Depth must be a whole number of layers (6n+2, e.g. 20, 56, 110), got {depth!r}.":
        "深度必须是整数层数（6n+2，例如 20、56、110），当前为 {depth!r}。",
    "Depth must be between {lo} and {hi} layers here, got {depth}.":
        "这里深度必须在 {lo} 到 {hi} 层之间，当前为 {depth}。",
    "CIFAR-style nets have 6n+2 layers (a stem conv, 3 stages of n two-conv blocks, an fc); {depth} is not of that form -- try {below} or {above}.":
        "CIFAR 风格的网络有 6n+2 层（1 个主干卷积层、3 个阶段各 n 个含两个卷积层的块、1 个全连接层）；{depth} 不符合这个形式——试试 {below} 或 {above}。",
    "Unknown initialization {init!r}: choose one of {choices}.":
        "未知的初始化方法 {init!r}：请从 {choices} 中选择。",
    "Unknown initialization {name}: choose one of {choices}.":
        "未知的初始化方法 {name}：请从 {choices} 中选择。",
    "The batch must hold between 1 and {hi} images, got {n}.":
        "一个批量必须包含 1 到 {hi} 张图像，当前为 {n}。",
    "The batch must be x (N, 1, H, W) with N labels, got {x_shape} and {y_shape}.":
        "批量必须是形状为 (N, 1, H, W) 的 x 加上 N 个标签，当前为 {x_shape} 和 {y_shape}。",
    " The gradient is last non-zero at the output of {block} (‖∂L/∂h‖ = {norm})":
        "梯度最后一次非零是在 {block} 的输出处（‖∂L/∂h‖ = {norm}）",
    ": there every ReLU output is 0 for every image (a dead layer), so the backward pass multiplies by 0 and nothing reaches the layers below.":
        "：在那里，每张图像的每个 ReLU 输出都是 0（一个“死”层），所以反向传播乘以 0，下面的层什么也收不到。",
    ": below that, the values fall under float32's smallest number (≈ 1e-45) and round to 0.":
        "：再往下，数值小于 float32 能表示的最小数（≈ 1e-45），被舍入为 0。",
    "; {share:.0%} of its ReLU outputs are 0, and the tiny remainder does not survive the next layers in float32.":
        "；其中 {share:.0%} 的 ReLU 输出为 0，剩下的极小数值在 float32 中撑不过接下来的几层。",
    "**Setting:** depth {depth}, {bn}, {init} initialization{zero_init}, one batch of {batch} real Fashion-MNIST images. Chance-level loss is ln 10 ≈ 2.30.":
        "**设置**：深度 {depth}，{bn}，初始化方法：{init}{zero_init}，一个批量含 {batch} 张真实的 Fashion-MNIST 图像。随机猜测水平的损失为 ln 10 ≈ 2.30。",
    "with batch norm":
        "使用批量规范化",
    "without batch norm":
        "不使用批量规范化",
    ", zero-initialized last BN in each residual branch":
        "，每个残差分支的最后一个 BN 零初始化",
    "- Zero-init of the last BN has no effect here: without batch norm there is no BN γ to zero.":
        "- 这里最后一个 BN 的零初始化不起作用：没有批量规范化，也就没有可以置零的 BN γ。",
    "- Zero-init: every residual branch ends in a BN with γ = 0, so each block starts as the identity and the convs inside the branches get exactly zero gradient at this first step (only γ, not plotted, and the stem and fc do); after one update γ ≠ 0 and they start learning. Applied to the residual net only.":
        "- 零初始化：每个残差分支都以 γ = 0 的 BN 结尾，所以每个块一开始都是恒等映射，分支内的卷积层在第一步得到的梯度恰好为 0（只有 γ（未画出）以及主干和全连接层有梯度）；更新一次后 γ ≠ 0，它们就开始学习。只用于残差网络。",
    " The loss is not finite: the forward pass overflowed float32.":
        "损失不是有限值：前向传播在 float32 中溢出了。",
    " **The loss exploded**: the logits are huge, so the activations grew with depth (each layer multiplied their scale by more than 1).":
        "**损失爆炸了**：logits 非常大，说明激活值随深度增长（每一层都把它们的尺度放大了 1 倍以上）。",
    " **The first layer's weight gradient is exactly 0 -- it underflowed to zero**: {zeros} of {layers} layers receive no gradient at all, so they cannot learn.":
        "**第一层的权重梯度恰好为 0——它下溢成了零**：{layers} 层中有 {zeros} 层完全得不到梯度，所以无法学习。",
    " {zeros} layer(s) receive an exactly zero gradient.":
        "有 {zeros} 层得到的梯度恰好为 0。",
    " **Underflow:** the first layer's gradient is not 0 but {first}; computed in float32 its norm underflows to exactly 0 (the squared entries are below float32's smallest number, ≈ 1e-45), which is where the often-quoted \"the gradient is 0\" comes from. We compute norms in float64.":
        "**下溢**：第一层的梯度不是 0，而是 {first}；但若用 float32 计算，它的范数会下溢为恰好 0（各元素的平方小于 float32 能表示的最小数，≈ 1e-45），常说的“梯度为 0”就是这么来的。我们用 float64 计算范数。",
    " For {lost} of {layers} layers an SGD step with lr {lr} is smaller than float32's resolution at the size of their weights: W − lr·∂L/∂W rounds back to exactly W":
        "在 {layers} 层中有 {lost} 层，学习率为 {lr} 的一步 SGD 更新小于 float32 在其权重大小处的分辨率：W − lr·∂L/∂W 被舍入回恰好等于 W",
    ", the first layer included -- it cannot learn at all.":
        "，其中包括第一层——它根本无法学习。",
    ".":
        "。",
    "**Why the residual net blows up here:** without BN each block adds F(x) to x, and with an init that keeps F(x) as large as x the variance roughly doubles per block -- over many blocks the activations (and the loss) explode. BN, zero-init of the last layer of each branch, or a smaller init avoid it.":
        "**为什么残差网络在这里会爆炸**：没有批量规范化时，每个块都把 F(x) 加到 x 上，而如果初始化使 F(x) 与 x 一样大，方差每经过一个块大约翻一倍——经过许多块后，激活值（以及损失）就会爆炸。批量规范化、把每个分支最后一层零初始化，或者更小的初始化都能避免这一点。",
    "{label}: exactly 0":
        "{label}：恰好为 0",
    "‖∂L/∂h‖ at block outputs":
        "各块输出处的 ‖∂L/∂h‖",
    "{name}: loss at init {loss}":
        "{name}：初始化时的损失 {loss}",
    "layer index (1 = stem conv, {depth} = fc)":
        "层序号（1 = 主干卷积层，{depth} = 全连接层）",
    "gradient norm (log scale)":
        "梯度范数（对数刻度）",
    "Gradients at initialization, depth {depth}, {bn}, {init} init":
        "初始化时的梯度，深度 {depth}，{bn}，初始化方法：{init}",
    "BN on":
        "开启 BN",
    "BN off":
        "关闭 BN",
    ", zero-init last BN":
        "，最后一个 BN 零初始化",
    "The sweep needs between 16 and 1024 points, got {points}.":
        "扫描需要 16 到 1024 个点，当前为 {points}。",
    "max_lag must be between 1 and {hi}, got {max_lag}.":
        "max_lag 必须在 1 到 {hi} 之间，当前为 {max_lag}。",
    "span must be in (0, 1] (a fraction of the way from image a to image b), got {span}.":
        "span 必须在 (0, 1] 内（从图像 a 到图像 b 的路程比例），当前为 {span}。",
    "pair must name two different images among the first {n}, got {pair}.":
        "pair 必须指定前 {n} 张图像中两张不同的图像，当前为 {pair}。",
    "{name}: d logit / dt along the sweep":
        "{name}：沿扫描路径的 d logit / dt",
    "t (x = (1-t)·a + t·b; 0 = image a, 1 = image b)":
        "t（x = (1-t)·a + t·b；0 = 图像 a，1 = 图像 b）",
    "gradient (standardized)":
        "梯度（标准化）",
    "lag (sweep steps)":
        "滞后（扫描步数）",
    "autocorrelation":
        "自相关",
    "1×1 projection":
        "1×1 投影",
    "identity":
        "恒等",
    "The gradient highway needs a residual net (a plain net has no shortcut term).":
        "梯度高速公路需要残差网络（普通网络没有快捷连接项）。",
    "branch term (∂F/∂x)ᵀ∂L/∂z":
        "分支项 (∂F/∂x)ᵀ∂L/∂z",
    "‖∂L/∂x‖ (sum)":
        "‖∂L/∂x‖（总和）",
    "block (input side → output side)":
        "块（输入端 → 输出端）",
    "norm":
        "范数",
    "ResNet-{depth}: the two terms of ∂L/∂x":
        "ResNet-{depth}：∂L/∂x 的两项",
    "‖shortcut‖ / (‖shortcut‖ + ‖branch‖)":
        "‖快捷连接‖ / (‖快捷连接‖ + ‖分支‖)",
    "shortcut share of the gradient":
        "快捷连接在梯度中所占的份额",
    "epoch":
        "轮次",
    "step":
        "步",
    "{name} train":
        "{name} 训练误差",
    "{name} test":
        "{name} 测试误差",
    "plain nets":
        "普通网络",
    "residual nets":
        "残差网络",
    "error (%)":
        "误差（%）",
    "the {n} bundled Fashion-MNIST test images (the training split is not installed here; fine for watching optimization, not for measuring generalization)":
        "随附的 {n} 张 Fashion-MNIST 测试图像（这里没有安装训练集；用来观察优化过程没问题，但不能用来衡量泛化能力）",
    "The number of steps must be a whole number between 1 and {hi}, got {steps!r}.":
        "步数必须是 1 到 {hi} 之间的整数，当前为 {steps!r}。",
    "The live run needs at least {batch} images, got {n}.":
        "实时训练至少需要 {batch} 张图像，当前为 {n}。",
    "step (batch of {batch})":
        "步（每批 {batch} 张）",
    "training loss (mean of last 10 steps)":
        "训练损失（最近 10 步的平均）",
    "training error % (mean of last 10 steps)":
        "训练误差 %（最近 10 步的平均）",
    "Live: step {step}/{total}, {seconds:.0f} s":
        "实时：第 {step}/{total} 步，{seconds:.0f} 秒",
    "downsampling: 1×1 projection kept":
        "下采样块：保留 1×1 投影",
    "plain block → identity":
        "普通块 → 恒等映射",
    "skipped: shape changes (no shortcut to keep)":
        "跳过：形状会改变（没有可保留的快捷连接）",
    "{path} is missing: the lesion study compares with the {model} trained by the degradation experiment. Regenerate it with `python -m explainer.training.fig6_experiment`.":
        "缺少 {path}：损伤研究要与退化实验训练出的 {model} 作比较。请用 `python -m explainer.training.fig6_experiment` 重新生成。",
    "n/a":
        "不适用",
    "intact {accuracy:.1%}":
        "完整网络 {accuracy:.1%}",
    "chance {chance:.0%}":
        "随机猜测 {chance:.0%}",
    "{name}: delete one block":
        "{name}：删除一个块",
    "accuracy on {n} test images (%)":
        "在 {n} 张测试图像上的准确率（%）",
    "- **{name}** (intact {accuracy:.1%})":
        "- **{name}**（完整网络 {accuracy:.1%}）",
    "; not deletable (shape changes, no shortcut): {blocks}":
        "；无法删除（形状会改变，没有快捷连接）：{blocks}",
    "{source} is malformed: {problem}. {regenerate}":
        "{source} 的格式有误：{problem}。{regenerate}",
    "the top level must be an object, not {kind}":
        "顶层必须是一个对象，而不是 {kind}",
    "it needs a non-empty top-level \"runs\" list":
        "顶层需要一个非空的 \"runs\" 列表",
    "run {i} is not an object":
        "第 {i} 个 run 不是对象",
    "{run} has no {kind} field \"{key}\"":
        "{run} 缺少 {kind} 类型的字段 \"{key}\"",
    "{run} needs a true/false field \"{key}\"":
        "{run} 需要一个 true/false 字段 \"{key}\"",
    "{run} needs a positive integer \"depth\"":
        "{run} 需要一个正整数字段 \"depth\"",
    "{run} needs a non-negative number \"wall_time_seconds\"":
        "{run} 需要一个非负数字段 \"wall_time_seconds\"",
    "{run} needs a non-empty list of numbers \"x\" (the {x_axis} of each point)":
        "{run} 需要一个非空的数字列表 \"x\"（每个点的 {x_axis}）",
    "{run} has no list \"{key}\"":
        "{run} 缺少列表 \"{key}\"",
    "{run} has {n} \"{key}\" values but {nx} x values":
        "{run} 有 {n} 个 \"{key}\" 值，却有 {nx} 个 x 值",
    "{run}: \"{key}\" holds {value!r}, not a finite number":
        "{run}：\"{key}\" 中有 {value!r}，不是有限数",
    "{run}: \"{key}\" holds {value}, but errors are fractions between 0 and 1":
        "{run}：\"{key}\" 中有 {value}，但误差应是 0 到 1 之间的比例",
    "{path} is missing. {regenerate}":
        "缺少 {path}。{regenerate}",
    "{path} is not valid JSON ({error}). {regenerate}":
        "{path} 不是有效的 JSON（{error}）。{regenerate}",
    "within {flat:g}× of constant ({factor:.2f}×)":
        "与常数相差不到 {flat:g} 倍（{factor:.2f} 倍）",
    "growing toward the input by {factor}×":
        "朝输入方向增大 {factor} 倍",
    "shrinking toward the input by {factor}×":
        "朝输入方向缩小 {factor} 倍",
    "‖∂L/∂W‖ of a conv layer is its input activations times the gradient at its output, so it also carries the activations' scale; the direction of gradient flow is read from ‖∂L/∂h‖ above, not from the first and last ‖∂L/∂W‖.":
        "卷积层的 ‖∂L/∂W‖ 是其输入激活值与其输出处梯度的乘积，因此也带有激活值的尺度；梯度流动的方向应从上面的 ‖∂L/∂h‖ 读出，而不是从第一层和最后一层的 ‖∂L/∂W‖ 读出。",
    "The plain net's gradient vanishes on its way down the {depth} layers, while the shortcuts give the residual net's first layer a usable gradient ({first}): each skip adds an identity term to the backward pass, so the gradient does not have to survive every layer's multiplication.":
        "普通网络的梯度在向下穿过 {depth} 层的途中消失了，而快捷连接让残差网络的第一层得到可用的梯度（{first}）：每条跳跃连接都在反向传播中加上一个恒等项，所以梯度不必熬过每一层的乘法。",
    "- **{name}**: loss at init {loss}; weight-gradient norm of the first conv {first}, of the last conv {last} (fc {fc}).":
        "- **{name}**：初始化时的损失 {loss}；第一个卷积层的权重梯度范数 {first}，最后一个卷积层的 {last}（全连接层 {fc}）。",
    "**Reading:** from the last block to the first, ‖∂L/∂h‖ stays within {flat:g}× of constant in both nets ({plain}× plain, {residual}× residual): at this setting the gradient neither vanishes nor explodes on its way to the input, with or without shortcuts.":
        "**解读**：从最后一个块到第一个块，两个网络的 ‖∂L/∂h‖ 都与常数相差不到 {flat:g} 倍（普通网络 {plain} 倍，残差网络 {residual} 倍）：在这个设置下，无论有没有快捷连接，梯度在传向输入的途中既不消失也不爆炸。",
    "**Reading:** on its way from the last block to the first, ‖∂L/∂h‖ is {plain} in {plain_name} and {residual} in {residual_name}.":
        "**解读**：从最后一个块到第一个块，{plain_name} 的 ‖∂L/∂h‖ {plain}，{residual_name} 的 {residual}。",
    "He et al. (2015, §4.1) write that with BN the backward-propagated gradients of their plain nets \"exhibit healthy norms\"; they do not say at which point of training they measured. This plot is at initialization, where Plain-{depth}'s ‖∂L/∂h‖ grows {factor}× toward the input: Yang et al. (2019) showed that batch norm itself makes gradients explode with depth at initialization. Both can hold -- they describe different moments of training.":
        "He 等人（2015，§4.1）写道，使用批量规范化时，他们的普通网络反向传播的梯度“范数正常”；他们没有说是在训练的哪个时刻测量的。这张图是初始化时的情形，Plain-{depth} 的 ‖∂L/∂h‖ 朝输入方向增大了 {factor} 倍：Yang 等人（2019）证明了批量规范化本身会让梯度在初始化时随深度爆炸。两者可以同时成立——它们描述的是训练的不同时刻。",
    " ‖∂L/∂h‖ goes from {last} at the last block to {first} at the first ({how}).":
        "‖∂L/∂h‖ 从最后一个块的 {last} 变为第一个块的 {first}（{how}）。",
    " stage {stage}: {width} channels, stride 2":
        " 第 {stage} 阶段：{width} 个通道，步幅 2",
    "The two nets' changes are within {flat:g}× of each other.":
        "两个网络的变化相差不到 {flat:g} 倍。",
    "Here the residual net's ‖∂L/∂h‖ at the first block is {k}× larger, relative to the last block, than the plain net's: each block adds its branch's gradient to the one arriving through the shortcut, and nothing on the shortcut rescales the sum.":
        "这里，相对于最后一个块，残差网络在第一个块的 ‖∂L/∂h‖ 比普通网络大 {k} 倍：每个块都把其分支的梯度加到经快捷连接传来的梯度上，而快捷连接上没有任何东西对这个和重新缩放。",
    "The shortcuts carry the gradient down: at the first block the residual net keeps {k}× more of it, relative to the last block, than the plain net does.":
        "快捷连接把梯度传了下去：相对于最后一个块，残差网络在第一个块保留的梯度是普通网络的 {k} 倍。",
    "At the first block the residual net's ‖∂L/∂h‖ is {k}× larger, relative to the last block, than the plain net's.":
        "相对于最后一个块，残差网络在第一个块的 ‖∂L/∂h‖ 比普通网络大 {k} 倍。",
    "The shortcuts temper the growth: the plain net's gradient grows {k}× more than the residual net's.":
        "快捷连接抑制了增长：普通网络的梯度比残差网络的多增大 {k} 倍。",
    "At the first block the plain net's ‖∂L/∂h‖ is {k}× larger, relative to the last block, than the residual net's.":
        "相对于最后一个块，普通网络在第一个块的 ‖∂L/∂h‖ 比残差网络大 {k} 倍。",
    "zero-pad (subsample, add zero channels)":
        "零填充（下采样，补零通道）",
    "In each block y = relu(z), z = x + F(x), so ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z: the first term skips the branch's convolutions. Across the {n} identity blocks the shortcut carries {lo:.0%}–{hi:.0%} of the gradient magnitude (median {med:.0%}). The two terms sum exactly to autograd's ∂L/∂x (largest relative error {err:.1e}).":
        "在每个块中 y = relu(z)，z = x + F(x)，所以 ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z：第一项跳过了分支中的卷积层。在 {n} 个恒等块中，快捷连接承载了梯度大小的 {lo:.0%}–{hi:.0%}（中位数 {med:.0%}）。两项之和恰好等于自动微分算出的 ∂L/∂x（最大相对误差 {err:.1e}）。",
    "**Conclusion:** at initialization the shortcut term is the larger one in {k} of the {n} identity blocks and the branch term in the rest: part of the gradient skips the convolutions in every block, but it is not the main route everywhere.":
        "**结论**：初始化时，在 {n} 个恒等块中有 {k} 个是快捷连接项更大，其余是分支项更大：每个块中都有一部分梯度跳过了卷积层，但它并非处处都是主要通路。",
    "Shortcut vs branch at init, {bn}, {init} init, loss {loss:.3g}":
        "初始化时的快捷连接与分支，{bn}，初始化方法：{init}，损失 {loss:.3g}",
    " In the {n} downsampling block(s) ({blocks}) the shape changes, so the \"identity\" term goes through the shortcut that changes it ({kinds}): only part of x's gradient takes it.":
        "在 {n} 个下采样块（{blocks}）中形状发生变化，所以“恒等”项要经过改变形状的快捷连接（{kinds}）：只有 x 的一部分梯度走这条路。",
    " \"Gradient highway\" is a metaphor: the shortcut's term ∂L/∂z has already passed through the block's final ReLU, which lets it through only where z > 0 -- here at {lo:.0%}–{hi:.0%} of positions.":
        "“梯度高速公路”只是一个比喻：快捷连接项 ∂L/∂z 已经经过了块末尾的 ReLU，它只在 z > 0 处放行——这里是 {lo:.0%}–{hi:.0%} 的位置。",
    "**Conclusion:** this net has no identity block to measure.":
        "**结论**：这个网络没有可测量的恒等块。",
    "**Conclusion:** at initialization, in every one of the {n} identity blocks more of the gradient reaching the block's input comes through the shortcut than through the block's convolutions: the early layers get a gradient that did not have to pass through every later block's convolutions.":
        "**结论**：初始化时，在全部 {n} 个恒等块中，到达块输入的梯度经快捷连接而来的都多于经块内卷积层而来的：前面的层得到的梯度不必穿过后面每个块的卷积层。",
    "**Conclusion:** at initialization, in all {n} identity blocks the branch term is the larger one: at this setting most of the gradient does go through the convolutions.":
        "**结论**：初始化时，在全部 {n} 个恒等块中都是分支项更大：在这个设置下，大部分梯度确实经过了卷积层。",
    "shortcut term (∂s/∂x)ᵀ∂L/∂z":
        "快捷连接项 (∂s/∂x)ᵀ∂L/∂z",
    "block (purple = downsampling block, shortcut: {kinds})":
        "块（紫色 = 下采样块，快捷连接：{kinds}）",
    "Autocorrelation at lag 1: plain {p1:.2f}, residual {r1:.2f}; the correlation drops below 1/2 after {pl} step(s) for the plain net and {rl} for the residual net ({points} points on the first {span:.0%} of the line from one real image to another). Near 0 at lag 1 is white noise (neighbouring inputs get unrelated gradients), near 1 is brown noise (a random walk: neighbours agree).":
        "滞后 1 的自相关：普通网络 {p1:.2f}，残差网络 {r1:.2f}；普通网络的相关性在 {pl} 步后降到 1/2 以下，残差网络则是 {rl} 步（在从一张真实图像到另一张的直线上，取前 {span:.0%} 段中的 {points} 个点）。滞后 1 接近 0 是白噪声（相邻的输入得到互不相关的梯度），接近 1 是布朗噪声（随机游走：相邻的点彼此一致）。",
    "The contrast depends on the scale of the sweep: the steps here are {step:.2%} of the way from a to b. With larger steps every trace looks less correlated -- over the whole line from a to b even ResNet-56's gradient decorrelates within a few steps -- and with smaller ones every trace looks smoother.":
        "这种对比取决于扫描的尺度：这里每一步是从 a 到 b 路程的 {step:.2%}。步子越大，每条曲线看起来越不相关——在从 a 到 b 的整条直线上，连 ResNet-56 的梯度也在几步之内就不再相关——步子越小，每条曲线看起来越平滑。",
    "Gradient along a sweep of inputs at depth {depth} (BN on, at initialization), first {span:.0%} of the line from image a to image b":
        "深度 {depth} 时沿输入扫描的梯度（开启 BN，初始化时），从图像 a 到图像 b 直线的前 {span:.0%}",
    "**Reading:** at depth {depth} the residual net's gradient is the more correlated one (lag 1 higher by {diff:.2f}; correlation length {rl} vs {pl} steps): the plain net's is nearer to white noise. This is the pattern Balduzzi et al. describe -- a gradient that changes erratically from one input to the next carries little information about which way to move the weights.":
        "**解读**：在深度 {depth}，残差网络的梯度相关性更强（滞后 1 高 {diff:.2f}；相关长度 {rl} 步对 {pl} 步）：普通网络的梯度更接近白噪声。这正是 Balduzzi 等人描述的模式——从一个输入到下一个输入变化无常的梯度，几乎不包含权重该往哪个方向调整的信息。",
    "lag 1: {lag1:.2f}; correlation length {steps} step(s)":
        "滞后 1：{lag1:.2f}；相关长度 {steps} 步",
    "**Reading:** at depth {depth} the *plain* net's gradient is the more correlated one (lag 1 higher by {diff:.2f}; correlation length {pl} vs {rl} steps), the opposite of Balduzzi et al.'s pattern. Their effect grows with depth; at this depth and scale the sweep does not show it.":
        "**解读**：在深度 {depth}，*普通*网络的梯度相关性更强（滞后 1 高 {diff:.2f}；相关长度 {pl} 步对 {rl} 步），与 Balduzzi 等人描述的模式相反。他们的效应随深度增强；在这个深度和尺度下，这次扫描没有显示出来。",
    "**Reading:** at depth {depth} the two traces are about equally correlated: lag-1 values within {tol:.2f} of each other (2/√{points}, the resolution of {points} points) and correlation lengths within {length_tol:.0%} ({pl} vs {rl} steps). This sweep shows no difference between the nets.":
        "**解读**：在深度 {depth}，两条曲线的相关程度大致相同：滞后 1 的值相差不到 {tol:.2f}（2/√{points}，即 {points} 个点的分辨率），相关长度相差不到 {length_tol:.0%}（{pl} 步对 {rl} 步）。这次扫描没有显示出两个网络的差别。",
    "**Reading:** at depth {depth} the two measures disagree (lag 1 differs by {diff:.2f}, correlation length {pl} steps plain vs {rl} residual): neither trace is clearly the more correlated one.":
        "**解读**：在深度 {depth}，两个指标结论不一致（滞后 1 相差 {diff:.2f}，相关长度普通网络 {pl} 步、残差网络 {rl} 步）：哪条曲线都不明显地更相关。",
    ": deleting one block costs {lo:.1f} to {hi:.1f} points (median {med:.1f}; largest: {block}, {acc:.1%} left)":
        "：删掉一个块损失 {lo:.1f} 到 {hi:.1f} 个百分点（中位数 {med:.1f}；最大：{block}，剩 {acc:.1%}）",
    "**Conclusion:** on the {n} blocks both 20-layer nets can lose, the median costs ({plain:.1f} points plain, {residual:.1f} residual) differ by less than the sampling noise ({tol:.1f} points): this run does not separate them.":
        "**结论**：在两个 20 层网络都能删掉的 {n} 个块上，损失的中位数（普通网络 {plain:.1f} 个百分点，残差网络 {residual:.1f}）相差小于抽样噪声（{tol:.1f} 个百分点）：这次运行分不出两者。",
    "Lesion study (Veit et al. 2016): hatched = downsampling block (its shortcut kept), n/a = cannot be deleted":
        "损伤研究（Veit 等人，2016）：斜线 = 下采样块（保留其快捷连接），n/a = 无法删除",
    ". Every single deletion stays within {tol:.1f} points, the sampling noise of {n} images: no block is essential on its own.":
        "。每一次删除的损失都在 {tol:.1f} 个百分点以内，即 {n} 张图像的抽样噪声：没有哪个块单独来看是不可缺少的。",
    "**Conclusion:** on the {n} blocks both 20-layer nets can lose, deleting one costs the plain net more (median {plain:.1f} points) than the residual net ({residual:.1f}): with shortcuts, the other blocks still carry the signal past the hole.":
        "**结论**：在两个 20 层网络都能删掉的 {n} 个块上，删掉一个块对普通网络的损失（中位数 {plain:.1f} 个百分点）大于对残差网络的损失（{residual:.1f}）：有了快捷连接，其余的块仍能把信号传过这个缺口。",
    "**Conclusion:** on the {n} blocks both 20-layer nets can lose, deleting one costs the residual net more (median {residual:.1f} points) than the plain net ({plain:.1f}): this run does not show Veit et al.'s contrast.":
        "**结论**：在两个 20 层网络都能删掉的 {n} 个块上，删掉一个块对残差网络的损失（中位数 {residual:.1f} 个百分点）大于对普通网络的损失（{plain:.1f}）：这次运行没有显示出 Veit 等人的对比。",
    "downsampling: zero-pad shortcut kept":
        "下采样：保留零填充快捷连接",
    "{path} is missing: the lesion study needs the shipped ResNet-18. Regenerate it with `python -m explainer.training.trainer`.":
        "缺少 {path}：损伤研究需要随附的 ResNet-18。请用 `python -m explainer.training.trainer` 重新生成。",
    ": no block can be deleted.":
        "：没有可以删除的块。",
    "; every downsampling block costs more than every other block":
        "；每个下采样块的损失都大于其他任何块",
    ". {k} of {total} deletions leave it near chance ({blocks}): the net cannot do without those blocks.":
        "。{total} 次删除中有 {k} 次使它接近随机猜测（{blocks}）：网络离不开这些块。",
    ". No single deletion takes it near chance.":
        "。没有哪一次单独的删除使它接近随机猜测。",
    "; downsampling blocks cost more on median ({down:.1f} vs {ident:.1f} points)":
        "；下采样块损失的中位数更大（{down:.1f} 对 {ident:.1f} 个百分点）",
    "; downsampling blocks cost no more than the others":
        "；下采样块的损失不比其他块大",
    "Over the last {k} steps Plain-{depth} got {plain:.1f} % of its training batches wrong, ResNet-{depth} {residual:.1f} %.":
        "在最后 {k} 步中，Plain-{depth} 在训练批量上的错误率为 {plain:.1f} %，ResNet-{depth} 为 {residual:.1f} %。",
    "**Stopped** at step {step} of {total} ({seconds:.0f} s).":
        "**已停止**于第 {step} 步（共 {total} 步，{seconds:.0f} 秒）。",
    "**Finished:** {step} steps in {seconds:.0f} s.":
        "**完成**：{step} 步，用时 {seconds:.0f} 秒。",
    "The difference, {diff:.1f} points, is within the batch-to-batch noise ({tol:.1f}): this run does not separate the two nets.":
        "两者相差 {diff:.1f} 个百分点，在批量之间的噪声（{tol:.1f}）以内：这次运行分不出两个网络。",
    "Fashion-MNIST training split ({n} images)":
        "Fashion-MNIST 训练集（{n} 张图像）",
    "Too few steps to compare the two nets.":
        "步数太少，无法比较两个网络。",
    "The residual net is ahead by {diff:.1f} points, more than the batch-to-batch noise ({tol:.1f}): with the same steps, the shortcuts made the {depth}-layer net easier to train.":
        "残差网络领先 {diff:.1f} 个百分点，超过批量之间的噪声（{tol:.1f}）：在同样的步数下，快捷连接让 {depth} 层的网络更容易训练。",
    "The plain net is ahead by {diff:.1f} points, more than the batch-to-batch noise ({tol:.1f}): in this run the shortcuts did not help.":
        "普通网络领先 {diff:.1f} 个百分点，超过批量之间的噪声（{tol:.1f}）：在这次运行中快捷连接没有帮上忙。",
    "Regenerate it with `{command}` (the recorded run took {minutes:.0f} min).":
        "请用 `{command}` 重新生成（记录下的那次运行用了 {minutes:.0f} 分钟）。",
    "Regenerate it with `{command}`.":
        "请用 `{command}` 重新生成。",
    "**Test error** ({images} images): Plain-20 {tp20:.2%}, Plain-56 {tp56:.2%}, ResNet-20 {tr20:.2%}, ResNet-56 {tr56:.2%}. **One seed per net:** this run shows that these outcomes can happen with this recipe; it cannot show how often, nor whether a gap like ResNet-56 vs ResNet-20's {gap} test images is larger than the spread between seeds -- that needs several runs per net (He et al. report the mean ± std of 5 runs for ResNet-110).":
        "**测试误差**（{images} 张图像）：Plain-20 {tp20:.2%}，Plain-56 {tp56:.2%}，ResNet-20 {tr20:.2%}，ResNet-56 {tr56:.2%}。**每个网络只有一个随机种子**：这次运行说明用这套配置会出现这些结果；它不能说明出现的频率，也不能说明像 ResNet-56 与 ResNet-20 之间 {gap} 张测试图像这样的差距是否大于不同种子之间的波动——那需要每个网络多次运行（何恺明等人对 ResNet-110 报告了 5 次运行的均值 ± 标准差）。",
    "**Plain nets:** Plain-56 ends with {p56:.1%} training error, Plain-20 with {p20:.1%}: the deeper plain net gets {d} more of its {n} training images wrong -- it fits its own training data worse (degradation), in this run.":
        "**普通网络**：Plain-56 最终训练误差 {p56:.1%}，Plain-20 为 {p20:.1%}：在它的 {n} 张训练图像中，更深的普通网络多错了 {d} 张——它对自己训练数据的拟合更差（退化），在这次运行中如此。",
    "**Residual nets:** ResNet-20 and ResNet-56 both classify every one of the {n} training images correctly (0.0% training error), so on training error this run cannot rank them.":
        "**残差网络**：ResNet-20 和 ResNet-56 都把 {n} 张训练图像全部分类正确（训练误差 0.0%），所以按训练误差这次运行无法给它们排出高下。",
    "With the same depth, recipe and parameter count ({params}), ResNet-56 ends at {r56:.1%} where Plain-56 ends at {p56:.1%}: the shortcuts are what differs.":
        "在深度、训练配置和参数量（{params}）都相同的情况下，ResNet-56 最终为 {r56:.1%}，而 Plain-56 为 {p56:.1%}：两者的区别就在快捷连接。",
    "**Plain nets:** Plain-56 and Plain-20 end with the same training error ({p56:.1%}): no degradation in this run.":
        "**普通网络**：Plain-56 和 Plain-20 最终训练误差相同（{p56:.1%}）：这次运行没有出现退化。",
    "**Plain nets:** Plain-56 fits its training data better than Plain-20 ({p56:.1%} vs {p20:.1%}, {d} fewer of {n} images wrong): no degradation in this run.":
        "**普通网络**：Plain-56 对训练数据的拟合比 Plain-20 好（{p56:.1%} 对 {p20:.1%}，{n} 张图像中少错 {d} 张）：这次运行没有出现退化。",
    "**Residual nets:** ResNet-56 {r56:.1%} vs ResNet-20 {r20:.1%} training error: the deeper residual net fits its training data at least as well, in this run.":
        "**残差网络**：训练误差 ResNet-56 {r56:.1%} 对 ResNet-20 {r20:.1%}：更深的残差网络对训练数据的拟合至少一样好，在这次运行中如此。",
    "**Residual nets:** ResNet-56 {r56:.1%} vs ResNet-20 {r20:.1%} training error: here the deeper residual net has not caught up.":
        "**残差网络**：训练误差 ResNet-56 {r56:.1%} 对 ResNet-20 {r20:.1%}：这里更深的残差网络还没有赶上。",
    "With the same depth and recipe, ResNet-56 ends at {r56:.1%} where Plain-56 ends at {p56:.1%}.":
        "在深度和训练配置相同的情况下，ResNet-56 最终为 {r56:.1%}，而 Plain-56 为 {p56:.1%}。",
    "linear warm-up, then cosine decay to 0":
        "线性预热，然后余弦衰减到 0",
    "none":
        "无",
    "**Recipe (the same for every net):** {subset} training images (a fixed, seeded subset of the 60k), {epochs} epochs, batch {batch}, SGD momentum {momentum}, weight decay {wd}, peak lr {lr} ({schedule}), augmentation: {augmentation}, bf16 autocast. As in He et al. Fig. 6, dashed: training error (running mean over each epoch, training mode); bold: test error on the 10 000 test images.":
        "**训练配置（每个网络都相同）**：{subset} 张训练图像（从 6 万张中按固定种子抽取的子集），{epochs} 轮，批量大小 {batch}，SGD 动量 {momentum}，权重衰减 {wd}，峰值学习率 {lr}（{schedule}），数据增广：{augmentation}，bf16 自动混合精度。与何恺明等人的图 6 一样，虚线：训练误差（每轮内的滑动平均，训练模式）；粗线：在 10 000 张测试图像上的测试误差。",
    "## 2. Real training curves (He et al. Fig. 6 on Fashion-MNIST)\nFour nets trained once each with one shared recipe; the numbers are the recorded ones, nothing is recomputed here. Look at the **training** error (训练误差): if the deeper plain net is worse on the data it was trained on, the cause cannot be overfitting -- it is harder to optimize.":
        "## 2. 真实的训练曲线（在 Fashion-MNIST 上重现何恺明等人论文图 6）\n四个网络用同一套配置各训练一次；数字是记录下来的结果，这里不重新计算。请看**训练误差**：如果更深的普通网络在它自己的训练数据上都更差，原因就不可能是过拟合——而是更难优化。",
    "## 3. Train them yourself (live)\nPlain and residual nets of the same depth train side by side, one step each in turn (batch 64, SGD + momentum, BN, warm-up). The status line shows the elapsed time as it goes, and the run ends with what its numbers show.":
        "## 3. 亲手训练（实时）\n同样深度的普通网络和残差网络并排训练，轮流各走一步（批量大小 64，SGD + 动量，批量规范化，预热）。状态行会随时显示已用时间，运行结束时给出它的数字所说明的结论。",
    "## 4. Shattered gradients (Balduzzi et al. 2017)\nMove an input image a little at a time toward another image and record how one output's gradient changes. Balduzzi et al. found that in deep plain nets neighbouring inputs get unrelated gradients (white noise) while in residual nets they stay correlated (brown noise); a gradient that looks like noise is a poor guide for learning. The reading below says what this sweep shows at the chosen depth.":
        "## 4. 破碎梯度（Balduzzi 等人，2017）\n把一张输入图像一点点地移向另一张图像，记录某个输出的梯度如何变化。Balduzzi 等人发现，在深的普通网络里相邻输入的梯度互不相关（白噪声），而在残差网络里它们保持相关（布朗噪声）；像噪声一样的梯度很难指引学习。下面的解读说明这次扫描在所选深度下显示了什么。",
    "## 5. The \"gradient highway\" (a metaphor)\nIn a residual block y = relu(z) with z = x + F(x), so ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z: part of the gradient skips the branch's convolutions -- though not the block's final ReLU, which ∂L/∂z has already passed. Here both terms are computed separately with autograd for every block of the residual net (at initialization, BN on) and compared.":
        "## 5. “梯度高速公路”（一个比喻）\n残差块中 y = relu(z)，z = x + F(x)，所以 ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z：一部分梯度跳过了分支中的卷积层——但没有跳过块末尾的 ReLU，∂L/∂z 已经经过了它。这里用自动微分对残差网络的每个残差块分别算出这两项（初始化时，打开批量规范化）并加以比较。",
    "## 6. Lesion study (Veit et al. 2016)\nDelete one block at a time from *trained* nets and re-measure accuracy on 2000 test images. In a residual net the block's shortcut survives; a plain block has nothing to fall back on. Veit et al. found residual nets robust to such deletions and plain nets not; the reading below says what these nets do. Downsampling blocks keep their shortcut (hatched bars).":
        "## 6. 损伤研究（Veit 等人，2016）\n从*训练好的*网络中每次删掉一个残差块，在 2000 张测试图像上重新测准确率。残差网络中该块的快捷连接还在；普通网络的块则没有退路。Veit 等人发现残差网络经得起这样的删除，而普通网络不行；下面的解读说明这些网络的表现。下采样块保留其快捷连接（带斜线的柱）。",
    "Stopped before the first measurement.":
        "在第一次测量之前就停止了。",
    "**Training curves, Plain-20 and ResNet-20 of the lesion study:** `{command}`":
        "**训练曲线，以及损伤研究中的 Plain-20 和 ResNet-20**：`{command}`",
    "**ResNet-18 of the lesion study:** `python -m explainer.training.trainer`":
        "**损伤研究中的 ResNet-18**：`python -m explainer.training.trainer`",
    "_The lesion study is still being computed on this server; press the button to wait for it._":
        "_本服务器仍在计算损伤研究；按下按钮即可等待结果。_",
    "(the recorded run took {minutes:.0f} min).":
        "（记录下的那次运行用了 {minutes:.0f} 分钟）。",
    "training (dashed) and test (bold) error":
        "训练误差（虚线）和测试误差（粗线）",
    "**The shipped training curves are not available on this server** (their results file is missing or damaged); the *Reproduce* note at the bottom of this tab says how to make them.":
        "**本服务器上没有随附的训练曲线**（结果文件缺失或已损坏）；本标签页底部的*复现*说明介绍了如何生成它们。",
    "**What it shows** (final model, eval mode, whole training subset):":
        "**它说明了什么**（最终模型，评估模式，整个训练子集）：",
    "PyTorch default (Kaiming-uniform, a = √5)": "PyTorch 默认（Kaiming 均匀分布，a = √5）",
    "Kaiming (He) normal": "Kaiming（何恺明）正态分布",
    "Xavier (Glorot) normal": "Xavier（Glorot）正态分布",
    # The pre-activation ResNet as a third net (issue 14 item 4).
    "**Pre-activation:** {preact_name} has the same convs with the same weights as {residual_name}; only BN-ReLU moves in front of each conv, leaving nothing after the add. From the last block to the first its ‖∂L/∂h‖ is {preact_flow}; in {residual_name} it is {residual_flow}.":
        "**预激活**：{preact_name} 的卷积层与 {residual_name} 完全相同、权重也相同；只是 BN-ReLU 移到了每个卷积层之前，相加之后不再有任何运算。从最后一个块到第一个块，它的 ‖∂L/∂h‖ {preact_flow}；在 {residual_name} 中则{residual_flow}。",
    "**Pre-activation:** ‖∂L/∂h‖ is 0 or not finite at the first or last block of {preact_name} or {residual_name}, so their gradient flow cannot be compared here.":
        "**预激活**：{preact_name} 或 {residual_name} 在第一个或最后一个块处的 ‖∂L/∂h‖ 为 0 或不是有限值，所以这里无法比较两者的梯度流动。",
    "The two changes are within {flat:g}× of each other ({k}×): at initialization the clean identity path does not make the gradient measurably more even here.":
        "两者的变化幅度相差不到 {flat:g} 倍（{k} 倍）：在初始化时，干净的恒等路径并没有让这里的梯度明显更均匀。",
    "The post-activation ResNet's gradient is the more even one: its change is {k}× smaller. At initialization the clean identity path does not make the gradient more even here.":
        "后激活 ResNet 的梯度更均匀：它的变化幅度小 {k} 倍。在初始化时，干净的恒等路径并没有让这里的梯度更均匀。",
    "The pre-activation net's gradient is the more even one: its change is {k}× smaller. With nothing after the add, each block's gradient reaches every earlier block through the identity term unchanged -- He et al.'s (2016) argument for this design.":
        "预激活网络的梯度更均匀：它的变化幅度小 {k} 倍。相加之后没有任何运算，每个块的梯度都能经由恒等项原封不动地传到前面的每一个块——这正是 He 等人（2016）支持这种设计的理由。",
    "He et al. (2016) report the gain of pre-activation in *training* very deep nets -- their 1001-layer pre-activation ResNet trains to lower loss and test error on CIFAR-10 than the original design -- not in gradient norms at initialization, which is all this plot measures.":
        "He 等人（2016）报告的预激活的好处在于*训练*非常深的网络——他们的 1001 层预激活 ResNet 在 CIFAR-10 上训练得到的损失和测试误差都低于原始设计——而不在于初始化时的梯度范数，而这张图测的只是后者。",
    "Loss at init: {preact_name} {preact_loss}, {residual_name} {residual_loss} (chance: ln 10 ≈ 2.30); {nearer} is nearer chance.":
        "初始化时的损失：{preact_name} 为 {preact_loss}，{residual_name} 为 {residual_loss}（随机猜测水平：ln 10 ≈ 2.30）；{nearer} 更接近随机猜测水平。",
    "The pre-activation net ends with one more BN-ReLU, which normalizes the features before the pooling and fc; in the post-activation net nothing rescales the sum the blocks build up along the identity path: the fc's input is {k}× larger there (root mean square {residual_rms} vs {preact_rms}), and so are the logits it makes.":
        "预激活网络最后多了一个 BN-ReLU，它在汇聚层和全连接层之前对特征做规范化；而在后激活网络中，没有任何运算会重新缩放各个块沿恒等路径累加起来的和：那里全连接层的输入大 {k} 倍（均方根 {residual_rms} 对 {preact_rms}），它算出的 logits 也随之更大。",
    "- Zero-init: every residual branch ends in a BN with γ = 0, so each block starts as the identity and the convs inside the branches get exactly zero gradient at this first step (only γ, not plotted, and the stem and fc do); after one update γ ≠ 0 and they start learning. Applied to both residual nets, not to the plain one.":
        "- 零初始化：每个残差分支都以 γ = 0 的 BN 结尾，所以每个块一开始都是恒等映射，分支内的卷积层在第一步得到的梯度恰好为 0（只有 γ（未画出）以及主干和全连接层有梯度）；更新一次后 γ ≠ 0，它们就开始学习。用于两个残差网络，不用于普通网络。",
    "The pre-activation net must have as many blocks as the residual net, got {n} and {m}.":
        "预激活网络的块数必须与残差网络相同，当前为 {n} 和 {m}。",
    "**Pre-activation:** PreAct ResNet-{depth} (the same convs, BN-ReLU before each conv, nothing after the add) has lag-1 autocorrelation {q1:.2f} and correlation length {ql} step(s); ResNet-{depth} {r1:.2f} and {rl}.":
        "**预激活**：PreAct ResNet-{depth}（卷积层相同，BN-ReLU 位于每个卷积层之前，相加之后没有任何运算）滞后 1 的自相关为 {q1:.2f}，相关长度为 {ql} 步；ResNet-{depth} 则分别为 {r1:.2f} 和 {rl}。",
    "By these measures its gradient is the more correlated of the two residual nets: at this depth moving BN-ReLU in front of the convs keeps neighbouring inputs' gradients more alike.":
        "按这些指标，它的梯度是两个残差网络中相关性更强的：在这个深度，把 BN-ReLU 移到卷积层之前让相邻输入的梯度更加相似。",
    "The post-activation ResNet's gradient is the more correlated one: at this depth pre-activation does not make the gradient less shattered.":
        "后激活 ResNet 的梯度相关性更强：在这个深度，预激活并没有让梯度不那么破碎。",
    "The two residual nets' traces are about equally correlated (lag 1 within {tol:.2f}, correlation lengths within {length_tol:.0%} or one step): at this depth this sweep shows no difference between pre- and post-activation.":
        "两个残差网络的曲线相关程度差不多（滞后 1 相差不到 {tol:.2f}，相关长度相差不到 {length_tol:.0%} 或一步）：在这个深度，这次扫描显示不出预激活与后激活的差别。",
    "For the two residual nets the two measures disagree: neither trace is clearly the more correlated one.":
        "对这两个残差网络，两个指标的结论不一致：哪条曲线都不明显更相关。",
    "He et al. (2016) did not measure shattering: the gain they report for pre-activation is in training very deep nets (up to 1001 layers), which a sweep at initialization does not show.":
        "He 等人（2016）并没有测量梯度破碎：他们报告的预激活的好处在于训练非常深的网络（最多 1001 层），而初始化时的扫描显示不出这一点。",
    "The pre-activation sweep must have the residual sweep's points and lags, got {got} and {expected}.":
        "预激活网络的扫描必须与残差网络的扫描有相同的点数和滞后数，当前为 {got} 和 {expected}。",
    "pre-activation":
        "预激活",
    "pre-activation ‖∂L/∂h‖":
        "预激活 ‖∂L/∂h‖",
    "also the pre-activation ResNet (He et al. 2016)":
        "同时显示预激活 ResNet（He 等人 2016）",
    "Adds a third net: the residual net's very convs, with BN-ReLU moved in front of each conv and nothing after the add.":
        "加入第三个网络：卷积层与残差网络完全相同，只是 BN-ReLU 移到了每个卷积层之前，相加之后没有任何运算。",
}

"""简体中文: messages of the shapes area (see explainer/locales/zh_CN/__init__.py for the terms)."""

MESSAGES: dict[str, str] = {
    # Field labels shared with the UI ("Height", "Width", "Input channels", ...) are in ui.py.
    "Unknown block type {name}: choose one of {choices}.":
        "未知的块类型 {name}：请从 {choices} 中选择。",
    "Unknown shortcut {name}: choose one of {choices}.":
        "未知的快捷连接类型 {name}：请从 {choices} 中选择。",
    "x has {cin} channels but F(x) has {cout}":
        "x 有 {cin} 个通道，而 F(x) 有 {cout} 个",
    "stride {stride} makes F(x) {stride}× smaller in height and width":
        "步幅 {stride} 使 F(x) 的高和宽都缩小为 1/{stride}",
    "{first} and {second}":
        "{first}，并且{second}",
    "An identity shortcut adds x to F(x) element by element, so both must have the same shape; here {reason}. Fix: use a 1×1 projection shortcut (conv1x1({cin}, {cout}, stride={stride}) + BatchNorm, D2L's use_1x1conv=True), or keep stride 1 and equal channels.":
        "恒等快捷连接把 x 与 F(x) 逐元素相加，所以二者的形状必须相同；而在这里，{reason}。解决办法：改用 1×1 卷积的投影快捷连接（conv1x1({cin}, {cout}, stride={stride}) + BatchNorm，即 D2L 中的 use_1x1conv=True），或者保持步幅为 1 且输入输出通道数相同。",
    "{name} needs inputs of at least {smallest}×{smallest} pixels; {height}×{width} is too small: a convolution or pooling window would no longer fit inside the shrinking feature map.":
        "{name} 的输入至少要有 {smallest}×{smallest} 像素；{height}×{width} 太小了：特征图不断缩小，卷积窗口或汇聚窗口将放不进去。",
    "{name} needs larger inputs; {height}×{width} is too small: a convolution or pooling window would no longer fit inside the shrinking feature map.":
        "{name} 需要更大的输入；{height}×{width} 太小了：特征图不断缩小，卷积窗口或汇聚窗口将放不进去。",
    "torchvision ResNet":
        "torchvision 的 ResNet",
    "D2L":
        "D2L（《动手学深度学习》）",
    "CIFAR ResNet (He et al. §4.2)":
        "CIFAR 版 ResNet（He 等人 §4.2）",
    "plain twin (no shortcuts)":
        "普通网络孪生版（没有快捷连接）",
    "D2L modern CNNs":
        "D2L 中的现代卷积神经网络",
    "whole input":
        "整个输入",
    "Input {c}×{h}×{w} → output {out}. {params:,} parameters ({mb:.1f} MB in fp32), {macs} multiply-adds per image, {act_mb:.1f} MB of activations per image (fp32, every layer's output).":
        "输入 {c}×{h}×{w} → 输出 {out}。参数量 {params:,}（fp32 下占 {mb:.1f} MB），每张图像的乘加运算量为 {macs}，激活值每张图像 {act_mb:.1f} MB（fp32，所有层的输出）。",
    "add: F(x) + shortcut":
        "相加：F(x) + 快捷连接",
    "stage":
        "阶段",
    "BatchNorm2d ({channels} ch)":
        "BatchNorm2d（{channels} 个通道）",
    "stride {stride}":
        "步幅 {stride}",
    "{cin}→{cout} ch":
        "{cin}→{cout} 通道",
    "groups {groups}":
        "分组 {groups}",
    "this network":
        "这个网络",
    "{label} cannot run on a {c}×{h}×{w} input: {error}":
        "{label}无法处理 {c}×{h}×{w} 的输入：{error}",
    "{label} cannot run on a {c}×{h}×{w} input: layer '{where}'{what} received {before} and failed ({error}).":
        "{label}无法处理 {c}×{h}×{w} 的输入：层 '{where}'{what} 收到的是 {before}，运行失败（{error}）。",
    "A {c}×{h}×{w} input is too small for {label}: at layer '{where}'{what} the feature map is already {before}, and this layer would shrink it below 1×1. Use a larger input.":
        "{c}×{h}×{w} 的输入对{label}来说太小了：在层 '{where}'{what} 处特征图已经只有 {before}，这一层会把它缩小到 1×1 以下。请使用更大的输入。",
    "The feature map is already 1×1 at '{layer}' (stride {stride} from the {h}×{w} input), yet {convs} convolution(s) follow: they see no spatial layout any more. This network downsamples more than a {h}×{w} input allows.":
        "在 '{layer}' 处特征图已经是 1×1（相对 {h}×{w} 的输入，步幅为 {stride}），但后面还有 {convs} 个卷积层：它们再也看不到任何空间布局。这个网络的下采样超出了 {h}×{w} 的输入所能承受的程度。",
    "**{name}** ({family}). {summary}":
        "**{name}**（{family}）。{summary}",
    "Spatial size shrinks by ×{factor} overall; the first layer's receptive field is {first_rf}, the last convolution's is {last_rf} pixels.":
        "空间尺寸总共缩小为 1/{factor}；第一层的感受野是 {first_rf}，最后一个卷积层的感受野是 {last_rf} 像素。",
    "basic block":
        "基本残差块",
    "bottleneck block":
        "瓶颈块",
    "identity shortcut":
        "恒等快捷连接",
    "this {block}":
        "这个{block}",
    "### ✗ This block cannot add its shortcut\nThe identity shortcut carries **x = {x}**, but the main path outputs **F(x) = {fx}**. Element-wise addition needs identical shapes, so `out + identity` would fail.\n\n{mismatch}\n\nThe table and the diagram below show the main path alone (the plain twin).":
        "### ✗ 这个块无法加上它的快捷连接\n恒等快捷连接传递的是 **x = {x}**，而主路径输出的是 **F(x) = {fx}**。逐元素相加要求形状完全相同，所以 `out + identity` 会出错。\n\n{mismatch}\n\n下面的表格和示意图只显示主路径（即对应的普通网络版本）。",
    "**Basic block**: two 3×3 convolutions of {planes} channels (ResNet-18/34).":
        "**基本残差块**：两个 {planes} 通道的 3×3 卷积层（ResNet-18/34）。",
    "**Bottleneck block**: a 1×1 conv squeezes {c} channels to {planes}, a 3×3 conv works at that cheap width, and a 1×1 conv expands to {out} (**expansion 4**) — ResNet-50/101/152. This keeps the cost of the 3×3 conv small while the block stays wide.":
        "**瓶颈块**：先用 1×1 卷积层把 {c} 个通道压缩到 {planes} 个，3×3 卷积层在这个较窄、计算便宜的宽度上工作，再用 1×1 卷积层扩展到 {out} 个通道（**扩展系数 4**）——ResNet-50/101/152 使用的就是它。这样 3×3 卷积层的计算代价很小，而整个块仍然很宽。",
    "**Stride 2** halves height and width ({h}×{w} → {oh}×{ow}, i.e. ⌈H/2⌉) so deeper layers see a larger part of the image; it is usually paired with more channels.":
        "**步幅 2** 使高和宽减半（{h}×{w} → {oh}×{ow}，即 ⌈H/2⌉），这样更深的层能看到图像中更大的区域；通常同时增加通道数。",
    "**Stride 1** keeps height and width (3×3 convs have padding 1).":
        "**步幅 1** 保持高和宽不变（3×3 卷积层的填充为 1）。",
    "**No shortcut** — the *plain twin*: the same layers without `out + identity`. Stack many of these and training gets harder (the degradation problem, see the Degradation tab).":
        "**没有快捷连接**——即对应的*普通网络*版本：层完全相同，只是没有 `out + identity`。把很多这样的块堆叠起来，训练就会变难（退化问题，见“退化”选项卡）。",
    "**Without batch normalization** every BN becomes the identity and the convs get a bias.":
        "**不使用批量规范化**时，每个 BN 层都变成恒等映射，卷积层则带上偏置。",
    "Parameters: **{params:,}**; multiply-adds: **{macs:,}** per image; receptive field of one output: **{rf}** input pixels.":
        "参数量：**{params:,}**；每张图像的乘加运算量：**{macs:,}**；一个输出元素的感受野：**{rf}**（以输入像素计）。",
    "input x  ({shape})":
        "输入 x  ({shape})",
    "no shortcut\n(plain twin)":
        "没有快捷连接\n（普通网络版本）",
    "(no add)":
        "（不相加）",
    "1×1 conv + BN\n(projection)":
        "1×1 卷积 + BN\n（投影）",
    "identity x: {shape}":
        "恒等 x：{shape}",
    "✗ cannot add {x} to {fx}":
        "✗ 无法把 {x} 加到 {fx} 上",
    "output {shape}":
        "输出 {shape}",
    "{block}, {shortcut}":
        "{block}，{shortcut}",
    "{title} — invalid":
        "{title}——无效",
    "✗ identity shortcut: shapes differ":
        "✗ 恒等快捷连接：形状不同",
    "{x} vs {fx}":
        "{x} 与 {fx}",
    "projection shortcut (1×1 conv)":
        "投影快捷连接（1×1 卷积）",
    "zero-padding shortcut (option A)":
        "零填充快捷连接（选项 A）",
    "no shortcut (plain twin)":
        "无快捷连接（普通网络版本）",
    "**Identity shortcut**: x is added unchanged, costing no parameters: the block only has to learn the *residual* F(x) = H(x) − x. With F = 0 the block computes relu(x) — the identity only where x ≥ 0, which is what a block inside a ResNet receives (the previous block ends in a ReLU).":
        "**恒等快捷连接**：x 原样加到输出上，不需要任何参数：这个块只需学习*残差映射* F(x) = H(x) − x。当 F = 0 时，这个块计算的是 relu(x)——只有在 x ≥ 0 处它才是恒等映射；而 ResNet 内部的块收到的正是这样的输入（前一个块以 ReLU 结尾）。",
    "**Projection shortcut** (He et al.'s option B, D2L's `use_1x1conv=True`): a 1×1 conv (with the block's stride){bn} reshapes x to F(x)'s shape so the two can be added; it costs {params:,} parameters. Needed whenever stride or channels change — unless zeros may fill the new channels (option A, the zero-padding shortcut).":
        "**投影快捷连接**（He 等人的选项 B，即 D2L 中的 `use_1x1conv=True`）：一个 1×1 卷积层（步幅与块相同）{bn}把 x 变换成 F(x) 的形状，二者才能相加；它需要 {params:,} 个参数。只要步幅或通道数发生变化就需要它——除非允许用零来填充新增的通道（选项 A，即零填充快捷连接）。",
    " + BN":
        "加批量规范化",
    "**Zero-padding shortcut** (He et al.'s option A): x and F(x) already have the same shape, so nothing is subsampled or padded: here it is the identity shortcut.":
        "**零填充快捷连接**（He 等人的选项 A）：x 与 F(x) 的形状已经相同，所以既不用下采样也不用填充：这里它就是恒等快捷连接。",
    "keeps every second pixel ({h}×{w} → {oh}×{ow})":
        "每隔一个像素取一个（{h}×{w} → {oh}×{ow}）",
    "keeps its {h}×{w} size":
        "保持 {h}×{w} 的大小",
    "gets {zeros} channels of zeros after its {cin}":
        "在它的 {cin} 个通道之后补上 {zeros} 个全零通道",
    "keeps its {cin} channels":
        "保持 {cin} 个通道",
    "**Zero-padding shortcut** (He et al.'s option A, §4.2): x {size} and {channels}, so it matches F(x)'s shape with **no parameters**.":
        "**零填充快捷连接**（He 等人的选项 A，§4.2）：x {size}，并{channels}，这样它就与 F(x) 形状相同，而且**不需要任何参数**。",
    "Only the first {cin} channels of F(x) get a shortcut; the other {zeros} have nothing added, as in a plain layer.":
        "只有 F(x) 的前 {cin} 个通道得到快捷连接；其余 {zeros} 个通道什么也没有加上，和普通网络的层一样。",
    "A zero-padding shortcut can only add channels: x has {cin} channels but F(x) has {cout}. Use a 1×1 projection shortcut to reduce channels.":
        "零填充快捷连接只能增加通道：x 有 {cin} 个通道，而 F(x) 只有 {cout} 个。要减少通道数，请使用 1×1 卷积的投影快捷连接。",
    "subsample ::{stride}":
        "下采样 ::{stride}",
    "+{zeros} zero ch.":
        "+{zeros} 个全零通道",
    "{how}\n(no parameters)":
        "{how}\n（没有参数）",
    "1×1 conv, no BN\n(projection)":
        "1×1 卷积，无 BN\n（投影）",
    "The receptive field ({rf}) is at least as large as the {h}×{w} input: an output near the middle sees all of the input, one near the border sees only the part of its window inside the image (the rest is zero padding).":
        "感受野（{rf}）至少和 {h}×{w} 的输入一样大：靠近中间的输出能看到整个输入，靠近边缘的输出只能看到窗口中落在图像内的那部分（其余部分是零填充）。",
    "The receptive field ({rf}) is larger than the {h}×{w} input (at least 2×size − 1), so every output's window covers the whole input; the rest of the window is zero padding. That is the theoretical field: in practice the pixels near the window's centre dominate (the effective receptive field, Luo et al. 2016).":
        "感受野（{rf}）比 {h}×{w} 的输入还大（至少为 2×尺寸 − 1），所以每个输出的窗口都覆盖整个输入；窗口的其余部分是零填充。这是理论感受野：实际上起主导作用的是靠近窗口中心的像素（有效感受野，Luo 等人 2016）。",
    "pre-activation basic block":
        "预激活基本残差块",
    "pre-activation bottleneck block":
        "预激活瓶颈块",
    "ResNeXt block":
        "ResNeXt 块",
    "pre-activation ResNet (He et al. 2016)":
        "预激活 ResNet（He 等人 2016）",
    "CIFAR pre-activation ResNet (He et al. 2016)":
        "CIFAR 版预激活 ResNet（He 等人 2016）",
    "A {block} outputs 4 × planes channels (expansion 4), so its output channels must be a multiple of 4; {channels} is not. Try {suggestion}.":
        "{block}输出 4 × planes 个通道（扩展系数 4），所以输出通道数必须是 4 的倍数；{channels} 不是。试试 {suggestion}。",
    "Only the ResNeXt block splits its 3×3 conv into groups; a {block} has groups = 1, got {groups}.":
        "只有 ResNeXt 块才把 3×3 卷积分组；{block}的分组数为 1，收到的是 {groups}。",
    "The ResNeXt block's grouped 3×3 conv has {width} channels (2 × {planes}), which cannot be split into {groups} equal groups: the number of groups must divide {width} (e.g. {nearest}).":
        "ResNeXt 块的分组 3×3 卷积有 {width} 个通道（2 × {planes}），无法平均分成 {groups} 组：组数必须整除 {width}（例如 {nearest}）。",
    "**Pre-activation basic block** (He et al. 2016, Fig. 1(b)): BN → ReLU → 3×3 conv, twice, at {planes} channels, and nothing after the add: the block outputs x + F(x) itself, so the sum passes to the next block untouched (a network of these ends with one BN-ReLU before pooling).":
        "**预激活基本残差块**（He 等人 2016，图 1(b)）：BN → ReLU → 3×3 卷积，重复两次，通道数为 {planes}，相加之后什么也没有：块直接输出 x + F(x)，所以这个和原封不动地传给下一个块（由这种块组成的网络在汇聚之前以一个 BN-ReLU 结尾）。",
    "**Pre-activation bottleneck** (He et al. 2016): BN → ReLU → conv for each of 1×1 ({c}→{planes}), 3×3 ({planes}→{planes}) and 1×1 ({planes}→{out}, **expansion 4**); nothing after the add.":
        "**预激活瓶颈块**（He 等人 2016）：1×1（{c}→{planes}）、3×3（{planes}→{planes}）和 1×1（{planes}→{out}，**扩展系数 4**）三个卷积层之前各有 BN → ReLU；相加之后什么也没有。",
    "**ResNeXt block** (Xie et al. 2017, D2L's `ResNeXtBlock`): a 1×1 conv takes {c} channels to {width}, a **grouped** 3×3 conv splits them into {groups} groups of {per} channels (the cardinality) that never mix, and a 1×1 conv expands to {out}. The grouped conv has {grouped:,} weights where an ungrouped 3×3 conv at this width would have {full:,} (1/{groups}).":
        "**ResNeXt 块**（Xie 等人 2017，即 D2L 中的 `ResNeXtBlock`）：1×1 卷积层把 {c} 个通道变为 {width} 个，**分组** 3×3 卷积把它们分成 {groups} 组、每组 {per} 个通道（组数即基数），组与组之间互不混合，再由 1×1 卷积层扩展到 {out} 个通道。分组卷积有 {grouped:,} 个权重，而同样宽度的不分组 3×3 卷积有 {full:,} 个（1/{groups}）。",
    "**Identity shortcut**: x is added unchanged, costing no parameters, and nothing follows the add: with F = 0 the block is exactly the identity, for every x — the clean path He et al. (2016) moved BN and ReLU into the branch for.":
        "**恒等快捷连接**：x 原样相加，不需要任何参数，而且相加之后什么也没有：当 F = 0 时，这个块对任何 x 都恰好是恒等映射——He 等人（2016）正是为了这条干净的通路，才把 BN 和 ReLU 移进了残差分支。",
    " without BN":
        "（没有批量规范化）",
    "In a pre-activation block it takes x after the first BN-ReLU (the branch's input), and has no BN: the next block's BN normalizes the sum.":
        "在预激活块中，它作用于经过第一个 BN-ReLU 之后的 x（即残差分支的输入），并且没有 BN：由下一个块的 BN 来规范化这个和。",
    "output {shape} (nothing after the add)":
        "输出 {shape}（相加之后什么也没有）",
    "1×1 conv of relu1(bn1(x))\n(projection, no BN)":
        "对 relu1(bn1(x)) 的 1×1 卷积\n（投影，无 BN）",
    "part":
        "部分",
    "A: output":
        "A：输出",
    "B: output":
        "B：输出",
    "A params":
        "A 参数量",
    "B params":
        "B 参数量",
    "params B/A":
        "参数量 B/A",
    "A MACs":
        "A 乘加次数",
    "B MACs":
        "B 乘加次数",
    "MACs B/A":
        "乘加次数 B/A",
    "total":
        "合计",
    "{block} {cin}→{cout}":
        "{block} {cin}→{cout}",
    "Inception block {cin}→{cout}":
        "Inception 块 {cin}→{cout}",
    "**{b_name}** has {pr} **{a_name}** ({pb:,} vs {pa:,}) and {mr} ({mb} vs {ma} per image).":
        "**{b_name}** 与 **{a_name}** 相比：{pr}（{pb:,} 对 {pa:,}），{mr}（每张图像 {mb} 对 {ma}）。",
    "{r} more parameters than":
        "参数量多 {r}",
    "{r} fewer parameters than":
        "参数量少 {r}",
    "as many parameters as":
        "参数量相同",
    "{r} more multiply-adds":
        "乘加次数多 {r}",
    "{r} fewer multiply-adds":
        "乘加次数少 {r}",
    "as many multiply-adds":
        "乘加次数相同",
    "Both map {x} to {out}.":
        "二者都把 {x} 映射为 {out}。",
    "Their outputs differ ({oa} vs {ob}), so one cannot simply replace the other.":
        "二者的输出不同（{oa} 对 {ob}），所以不能直接互相替换。",
    "{share:.0%} of the difference in parameters is in {part} ({pa:,} vs {pb:,}).":
        "参数量之差的 {share:.0%} 来自 {part}（{pa:,} 对 {pb:,}）。",
    "A k×k conv has k·k·C_in·C_out / groups weights (and as many multiply-adds per output pixel): {a_name} runs {convs_a} ({share_a:.0%} of its parameters), {b_name} runs {convs_b} ({share_b:.0%}).":
        "一个 k×k 卷积层有 k·k·C_in·C_out / 组数 个权重（每个输出像素的乘加次数也是这么多）：{a_name} 使用 {convs_a}（占其参数量的 {share_a:.0%}），{b_name} 使用 {convs_b}（{share_b:.0%}）。",
    "no such conv":
        "没有这样的卷积层",
    "Basic vs bottleneck block, both 256→256 (exercise 3)":
        "基本残差块对比瓶颈块，均为 256→256（练习 3）",
    "Inception block vs residual block, both 192→256 at 28×28 (exercise 1)":
        "Inception 块对比残差块，均为 192→256，28×28（练习 1）",
    "ResNet-18 vs ResNet-34 (deeper, same widths)":
        "ResNet-18 对比 ResNet-34（更深，宽度相同）",
    "ResNet-34 vs ResNet-50 (basic vs bottleneck blocks in a network)":
        "ResNet-34 对比 ResNet-50（网络中的基本残差块对比瓶颈块）",
    "ResNet-18 vs pre-activation ResNet-18 (exercise 4)":
        "ResNet-18 对比预激活 ResNet-18（练习 4）",
    "ResNet-50 vs ResNeXt-50 (32x4d)":
        "ResNet-50 对比 ResNeXt-50 (32x4d)",
    "How many groups the ResNeXt block's 3×3 conv is split into (the cardinality); it must divide that conv's width, half the output channels.":
        "ResNeXt 块的 3×3 卷积被分成多少组（基数）；它必须整除该卷积层的宽度，即输出通道数的一半。",
    "Groups (cardinality)":
        "分组数（基数）",
    "*Nothing to show for these settings — the message on the page says why.*":
        "*这些设置下没有可显示的块——页面上的提示说明了原因。*",
    "*No network to show for these settings — the message on the page says why.*":
        "*这些设置下没有可显示的网络——页面上的提示说明了原因。*",
    "Unknown comparison {name}: choose one of {choices}.":
        "未知的对比 {name}：请从 {choices} 中选择。",
    "③ Compare two":
        "③ 两两对比",
    "D2L's exercises, side by side":
        "D2L 的练习，并排对比",
    "Network A":
        "网络 A",
    "Network B":
        "网络 B",
    "Compare A and B":
        "对比 A 和 B",
    "Side by side (ratios are B/A)":
        "并排对比（比值为 B/A）",
    "{name} splits {n} of its convolutions into groups (the first, {layer}: {op}); a conv with g groups has 1/g of the weights of an ungrouped conv of the same widths{beside}.":
        "{name} 把其中 {n} 个卷积层分组（第一个是 {layer}：{op}）；分成 g 组的卷积层，其权重只有同样宽度的不分组卷积层的 1/g{beside}。",
    ", so it can be wider: {other}'s {layer} is {op}":
        "，所以它可以更宽：{other} 的 {layer} 是 {op}",
    "Both run the same {n} convolutions with the same widths; they differ in where normalization and activation sit: {a_name} has {bn_a} BatchNorms and {relu_a} ReLUs, {b_name} {bn_b} and {relu_b}.":
        "二者运行的是同样的 {n} 个卷积层，宽度也相同；不同之处在于规范化和激活函数的位置：{a_name} 有 {bn_a} 个 BatchNorm 和 {relu_a} 个 ReLU，{b_name} 有 {bn_b} 个和 {relu_b} 个。",
}

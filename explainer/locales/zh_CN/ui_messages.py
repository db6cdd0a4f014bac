"""简体中文: static and server-made text of the three tabs (explainer/ui/*_tab.py)."""

MESSAGES: dict[str, str] = {
    # --- Blocks & shapes ---------------------------------------------------------------------------
    "layer": "层",
    "operation": "运算",
    "output shape": "输出形状",
    "params": "参数量",
    "MACs": "乘加运算量",
    "receptive field": "感受野",
    "stride from input": "相对输入的步幅",
    "Pick a block and watch what it does to a tensor — or pick a whole network and get the table D2L prints with "
    "`for layer in net: print(layer.__class__.__name__, 'output shape:', X.shape)`, but for *every* layer, "
    "including the residual **add** that hook-based tools (torchinfo) cannot see.":
        "选一个残差块，看它对张量做了什么——或者选一整个网络，得到 D2L 用 "
        "`for layer in net: print(layer.__class__.__name__, 'output shape:', X.shape)` 打印的那张表，"
        "而且包括*每一*层，连基于钩子的工具（torchinfo）看不到的残差**相加**也在内。",
    "basic: two 3×3 convs (ResNet-18/34). bottleneck: 1×1 squeeze → 3×3 → 1×1 expand ×4 (ResNet-50+). "
    "pre-activation: BN → ReLU before each conv, nothing after the add (He et al. 2016). ResNeXt: a bottleneck "
    "whose 3×3 conv is split into groups.":
        "基本残差块：两个 3×3 卷积层（ResNet-18/34）。瓶颈块：1×1 压缩 → 3×3 → 1×1 扩展 ×4（ResNet-50 及以上）。"
        "预激活：每个卷积层之前是 BN → ReLU，相加之后什么也没有（He 等人 2016）。ResNeXt：3×3 卷积分组的瓶颈块。",
    "identity: add x unchanged. projection: 1×1 conv + BN reshapes x first (D2L's use_1x1conv). zero-pad: keep "
    "every stride-th pixel and append zero channels, no parameters (He et al.'s option A). none: the plain twin, "
    "no add.":
        "恒等：原样加上 x。投影：先用 1×1 卷积层 + 批量规范化变换 x 的形状（即 D2L 的 use_1x1conv）。零填充：按步幅"
        "隔点取像素并补上全零通道，没有参数（He 等人的选项 A）。无：没有快捷连接的普通网络版本，不做相加。",
    "2 halves height and width (⌈H/2⌉); 1 keeps them.": "2 把高和宽减半（⌈H/2⌉）；1 保持不变。",
    "Channels the block outputs. A bottleneck's inner width is a quarter of this (expansion 4).":
        "残差块输出的通道数。瓶颈块内部的宽度是它的四分之一（扩展倍数 4）。",
    "Input channels": "输入通道数",
    "Output channels": "输出通道数",
    "Height": "高度",
    "Width": "宽度",
    "Number of classes": "类别数",
    "Stride": "步幅",
    "Unknown network {name}. Choose one of: {choices}.": "未知的网络 {name}。请从以下选择：{choices}。",
    "① One block": "① 一个残差块",
    "② A whole network": "② 一整个网络",
    "Every layer of the block": "残差块的每一层",
    "This block in PyTorch (copy and run it)": "这个残差块的 PyTorch 代码（可复制运行）",
    "Show shapes": "显示形状",
    "Download CSV": "下载 CSV",
    "Stage by stage (D2L's printout)": "逐个阶段（即 D2L 的打印结果）",
    "Every layer": "每一层",
    "Network": "网络",
    "Classes": "类别数",
    "Block": "残差块",
    "Shortcut": "快捷连接",
    "Batch normalization": "批量规范化",
    "The block: main path, shortcut, and the add": "残差块：主路径、快捷连接与相加",
    # --- Degradation ---------------------------------------------------------------------------------
    "### Why can't we just stack more plain layers? (退化问题)\nHe et al. (2015) found that a deeper **plain** net "
    "(普通网络) reaches a *higher training error* than a shallower one -- not overfitting, an optimization failure "
    "-- and that adding shortcuts (快捷连接) fixes it. Each section below measures one piece of the explanation on "
    "real networks and real Fashion-MNIST images.":
        "### 为什么不能一直堆叠普通层？（退化问题）\n何恺明等人（2015）发现：更深的**普通网络**反而比浅的网络"
        "*训练误差更高*——这不是过拟合，而是优化失败；加上快捷连接就解决了。下面每一节都在真实网络和真实的 "
        "Fashion-MNIST 图像上测量这一解释中的一环。",
    "plain": "普通网络",
    "residual": "残差网络",
    "block output": "残差块输出",
    "plain ‖∂L/∂h‖": "普通网络 ‖∂L/∂h‖",
    "residual ‖∂L/∂h‖": "残差网络 ‖∂L/∂h‖",
    "block": "残差块",
    "shortcut": "快捷连接",
    "‖shortcut term‖": "‖快捷连接项‖",
    "‖branch term‖": "‖分支项‖",
    "‖∂L/∂x‖": "‖∂L/∂x‖",
    "shortcut share": "快捷连接占比",
    "model": "模型",
    "deleted block": "删除的残差块",
    "kind": "类型",
    "accuracy %": "准确率 %",
    "drop (points)": "下降（百分点）",
    "net": "网络",
    "final train error % (eval, whole subset)": "最终训练误差 %（评估模式，整个子集）",
    "last-epoch running train error %": "最后一轮的滑动训练误差 %",
    "final test error %": "最终测试误差 %",
    "wall time s": "耗时（秒）",
    "_Measured in {seconds:.2f} s on this server._": "_在本服务器上测量用时 {seconds:.2f} 秒。_",
    "## 1. Gradient norms at initialization\nOne backward pass on 64 real images through Plain-n and its residual "
    "twin (same weights, only the `out = out + identity` line differs). Vanishing / exploding gradients (梯度消失 / "
    "梯度爆炸) show up as slopes on this log plot. Try: BN off + PyTorch default at depth 56; BN on at depth 110; BN "
    "off + Kaiming at 110.":
        "## 1. 初始化时的梯度范数\n用 64 张真实图像，对 Plain-n 和它的残差版本各做一次反向传播（权重相同，只差 "
        "`out = out + identity` 这一行）。梯度消失 / 梯度爆炸在这张对数坐标图上表现为斜率。试试：深度 56、关闭批量"
        "规范化、PyTorch 默认初始化；深度 110、打开批量规范化；深度 110、关闭批量规范化、Kaiming 初始化。",
    "Steps": "步数",
    "Step {step}/{steps} ({seconds:.0f} s). Mean training error over the last 10 steps: Plain-{depth} {plain:.1f} "
    "%, ResNet-{depth} {residual:.1f} %. Data: {note}.":
        "第 {step}/{steps} 步（{seconds:.0f} 秒）。最近 10 步的平均训练误差：Plain-{depth} {plain:.1f} %，"
        "ResNet-{depth} {residual:.1f} %。数据：{note}。",
    "Measure gradients": "测量梯度",
    "Run the lesion study": "运行损伤研究",
    "Depth": "深度",
    "building the nets": "正在构建网络",
    "gradient norms": "梯度范数",
    "‖∂L/∂W‖ per layer": "每层的 ‖∂L/∂W‖",
    "‖∂L/∂h‖ at each block output": "每个残差块输出处的 ‖∂L/∂h‖",
    "final numbers": "最终数值",
    "Start training": "开始训练",
    "Stop": "停止",
    "live training curves": "实时训练曲线",
    "Sweep": "扫描",
    "gradient along the sweep and its autocorrelation": "扫描路径上的梯度及其自相关",
    "Split the gradient": "拆分梯度",
    "shortcut vs branch term per block": "每个残差块的快捷连接项与分支项",
    "accuracy after deleting each block": "删除每个残差块后的准确率",
    "step {step}/{steps}": "第 {step}/{steps} 步",
    "depth (6n+2 layers)": "深度（6n+2 层）",
    "batch norm (批量规范化)": "批量规范化",
    "initialization (初始化)": "初始化",
    "zero-init last BN of each residual branch": "把每个残差分支最后的批量规范化层初始化为零",
    "depth": "深度",
    "steps": "步数",
    # --- Inside ResNet-18 ---------------------------------------------------------------------------
    "## Inside ResNet-18\nWhat has a trained ResNet-18 learned, and why did it decide that? Pick an example, upload a "
    "photo or draw; see the prediction, the feature maps, what each residual block adds to its input, and "
    "attribution maps with a faithfulness score and a sanity check.":
        "## 深入 ResNet-18\n训练好的 ResNet-18 学到了什么？它为什么这样判断？选一个示例、上传照片或者自己画；"
        "看预测结果、特征图、每个残差块给输入加上了什么，以及带忠实度评分和合理性检验的归因图。",
    "Input {width}×{height} → model input {shape}. {notes}": "输入 {width}×{height} → 模型输入 {shape}。{notes}",
    "Unknown model {name}.": "未知的模型 {name}。",
    "Preprocessed as the training images were.": "已按训练图像的方式预处理。",
    "**Sanity check** (Adebayo et al. 2018) for *{class_name}*: weights re-initialised from fc down to the stem; ρ = "
    "Spearman rank correlation of |map| with the trained model's map.":
        "*{class_name}* 的**合理性检验**（Adebayo 等人，2018）：从全连接层往下直到主干（stem）逐层重新初始化权重；"
        "ρ = |归因图| 与训练好的模型的归因图之间的 Spearman 秩相关系数。",
    "### Feature maps": "### 特征图",
    "### Branch F(x) vs shortcut x\nEach residual block computes ReLU(F(x) + x). Small ‖F(x)‖/‖x‖: the block stays "
    "close to the identity.":
        "### 分支 F(x) 与快捷连接 x\n每个残差块计算 ReLU(F(x) + x)。‖F(x)‖/‖x‖ 很小：这个残差块接近恒等映射。",
    "### Attributions\nWhich pixels made the model choose this class? Computed by Captum.":
        "### 归因\n是哪些像素让模型选了这个类别？由 Captum 计算。",
    "Compute attributions": "计算归因",
    "### Can we trust these maps? (sanity check)\nRandomise the weights from the top layer down and watch whether "
    "each map changes. Takes a few seconds per method.":
        "### 这些图可信吗？（合理性检验）\n从最顶层开始逐层随机化权重，看每张图是否随之改变。每种方法需要几秒钟。",
    "Run sanity check": "运行合理性检验",
    "No image yet: pick an example, upload a picture or draw on the sketchpad.":
        "还没有图像：请选一个示例、上传一张图片或在画板上画。",
    "Unknown target class {name}.": "未知的目标类别 {name}。",
    "Choose at least one attribution method.": "请至少选择一种归因方法。",
    "Unknown method {name}; choose one of {choices}.": "未知的方法 {name}；请从以下选择：{choices}。",
    "Most active channels": "最活跃的通道",
    "Channel (−1 = mean over channels)": "通道（−1 = 所有通道的平均）",
    "Attribution maps": "归因图",
    "Maps as layers are randomised": "逐层随机化时的归因图",
    "Stage or block": "阶段或残差块",
    "stem, a stage (layerK), a block (layerK.i) or a part of a block":
        "主干（stem）、一个阶段（layerK）、一个残差块（layerK.i）或残差块的一部分",
    "Colour scale": "颜色标尺",
    "Branch, shortcut, sum": "分支、快捷连接与和",
    "‖F(x)‖ / ‖x‖ per block": "每个残差块的 ‖F(x)‖ / ‖x‖",
    "Methods": "方法",
    "Target class": "目标类别",
    "Grad-CAM layer": "类激活图（Grad-CAM）所用的层",
    "SmoothGrad over": "SmoothGrad 基于",
    "Overlay opacity": "叠加不透明度",
    "Rank correlation with the trained map": "与训练好的模型的归因图的秩相关",
    "Model": "模型",
    "Upload": "上传",
    "Draw": "绘制",
    "Invert (dark object on light background)": "反色（浅色背景上的深色物体）",
    "Fashion-MNIST shows light objects on black; 'auto' inverts when the border is light.":
        "Fashion-MNIST 是黑底浅色物体；“auto”会在边缘较亮时自动反色。",
    "What the model sees (96×96, each pixel shown 3×3)": "模型看到的图像（96×96，每个像素显示为 3×3）",
    "Prediction": "预测",
    "Image": "图像",
    "Draw a piece of clothing": "画一件服饰",
    "Examples from the Fashion-MNIST test split": "Fashion-MNIST 测试集中的示例",
    # --- the input boundary (explainer/ui/widgets.py) -------------------------------------------------
    "{name} must be one of {choices}, got {value}.": "{name}必须是 {choices} 之一，收到的是 {value}。",
    "{name} must be a name or a number, got {value}.": "{name}必须是名称或数字，收到的是 {value}。",
    "This field": "此项",
    "Example number": "示例编号",
}

"""简体中文: messages of the Lesson tab, nested function classes and links (see explainer/locales/zh_CN/__init__.py)."""

MESSAGES: dict[str, str] = {
    # --- the tab ---
    "Lesson":
        "课程",
    "## Lesson: residual networks in eight steps\nFollows the ResNet section of D2L (动手学深度学习 §8.6). Pick a step, read it, **guess the answer to its question first**, then press *Show it* and *Reveal* — every answer is computed by the app, on the same networks the other tabs use.":
        "## 课程：八步学懂残差网络\n按照《动手学深度学习》（D2L）§8.6 残差网络一节的顺序。选一个步骤，读一读，**先猜一猜问题的答案**，再点击“展示”和“揭晓答案”——每个答案都由应用在其他标签页所用的同一批网络上计算得出。",
    "Exercises (D2L §8.6)":
        "练习（D2L §8.6）",
    "[Explore this in its tab with the same settings]({link})":
        "[在对应标签页中用相同设置继续探索]({link})",
    "[open the view]({link})":
        "[打开对应视图]({link})",
    "Step":
        "步骤",
    "Your guess":
        "你的猜测",
    "Show it":
        "展示",
    "Reveal the answer":
        "揭晓答案",
    "The step's figure":
        "本步骤的图",
    "No example images are shipped with this copy of the app.":
        "此应用副本没有附带示例图像。",
    "**Prediction:** {top}. **Grad-CAM deletion test:** area {auc:.3f} vs {random:.3f} for a random order — {verdict}.":
        "**预测**：{top}。**类激活图（Grad-CAM）删除测试**：曲线下面积 {auc:.3f}，随机顺序为 {random:.3f}——{verdict}。",
    "the map finds pixels that matter":
        "该图找到了重要的像素",
    "no better than random here":
        "这里并不比随机顺序好",
    # --- steps ---
    "1. Nested function classes":
        "1. 嵌套函数类",
    "A bigger model class only helps if it *contains* the smaller one: then the best function it can reach is at least as good. A residual layer h + g(h) contains the identity (g = 0), so a deeper residual net contains the shallower one; a plain layer must learn the identity. Here plain and residual MLPs of 1–8 hidden layers fit the same curve with the same training budget.":
        "更大的模型类只有在*包含*较小的模型类时才有帮助：这样它能达到的最佳函数至少一样好。残差层 h + g(h) 包含恒等映射（g = 0），所以更深的残差网络包含较浅的残差网络；而普通层必须自己学会恒等映射。这里，1–8 个隐藏层的普通多层感知机和残差多层感知机，以相同的训练预算拟合同一条曲线。",
    "As hidden layers are added (1 → 8), whose training error never gets worse?":
        "随着隐藏层增加（1 → 8），谁的训练误差从不变差？",
    "2. The residual block":
        "2. 残差块",
    "A basic residual block computes F(x) with two 3×3 convolutions (each with batch normalization) and adds its input back: ReLU(F(x) + x). With stride 1 and equal channels, x can be added unchanged — an identity shortcut.":
        "基本残差块用两个 3×3 卷积层（各带批量规范化）计算 F(x)，再把输入加回来：ReLU(F(x) + x)。步幅为 1 且通道数相同时，x 可以原样相加——这就是恒等快捷连接。",
    "A 64×56×56 tensor enters a basic block with an identity shortcut (stride 1, 64 channels). What shape leaves it?":
        "一个 64×56×56 的张量进入带恒等快捷连接的基本残差块（步幅 1，64 个通道）。输出形状是什么？",
    "3. The 1×1 projection and the stride":
        "3. 1×1 投影与步幅",
    "When a block halves height and width (stride 2) and doubles the channels, x no longer has F(x)'s shape. D2L's use_1x1conv=True reshapes it with a 1×1 convolution of the same stride, followed by batch normalization.":
        "当残差块把高和宽减半（步幅 2）并把通道数加倍时，x 的形状就与 F(x) 不同了。D2L 的 use_1x1conv=True 用一个相同步幅的 1×1 卷积层（后接批量规范化）来改变它的形状。",
    "Block 64→128 channels, stride 2, on 64×56×56: how many parameters does the 1×1 projection shortcut (conv + BN) add?":
        "残差块 64→128 通道，步幅 2，输入 64×56×56：1×1 投影快捷连接（卷积 + 批量规范化）增加多少参数？",
    "4. ResNet-18, stage by stage":
        "4. ResNet-18，逐个阶段",
    "D2L's ResNet-18 is a stem (b1: 7×7 conv and max pooling), four stages of two residual blocks (b2–b5), global average pooling and one fully connected layer. Every stage after the first halves height and width and doubles the channels.":
        "D2L 的 ResNet-18 由主干（b1：7×7 卷积层和最大汇聚层）、四个各含两个残差块的阶段（b2–b5）、全局平均汇聚层和一个全连接层组成。第一个阶段之后的每个阶段都把高和宽减半、通道数加倍。",
    "D2L's ResNet-18 on a 1×224×224 image: what shape leaves b3?":
        "D2L 的 ResNet-18 输入 1×224×224 的图像：b3 的输出形状是什么？",
    "5. Gradients at initialization":
        "5. 初始化时的梯度",
    "One backward pass through Plain-56 and ResNet-56 (the same weights; only the add differs), without batch normalization and with PyTorch's default initialization. The plot shows ‖∂L/∂W‖ for every layer, from the input (left) to the output (right).":
        "对 Plain-56 和 ResNet-56（权重相同，只差那一次相加）各做一次反向传播，不用批量规范化，使用 PyTorch 默认初始化。图中显示每一层的 ‖∂L/∂W‖，从输入（左）到输出（右）。",
    "Depth 56, no batch normalization: which net's first convolution gets the larger gradient?":
        "深度 56，无批量规范化：哪个网络的第一个卷积层得到的梯度更大？",
    "6. Real training curves":
        "6. 真实的训练曲线",
    "He et al. trained plain and residual nets of 20 and 56 layers and found the deeper *plain* net worse on its own training data — an optimization failure, not overfitting. These curves are the same experiment on Fashion-MNIST, trained once with one recipe and shipped with the app.":
        "He 等人训练了 20 层和 56 层的普通网络与残差网络，发现更深的*普通*网络在自己的训练数据上反而更差——这是优化的失败，而不是过拟合。这些曲线是在 Fashion-MNIST 上做的同一个实验，用同一套配置训练一次，随应用一起提供。",
    "After training, which plain net has the higher training error?":
        "训练之后，哪个普通网络的训练误差更高？",
    "7. Shattered gradients":
        "7. 破碎梯度",
    "Walk an input image a little at a time toward another and record the gradient of one output. In a deep plain net neighbouring inputs get nearly unrelated gradients (white noise); the shortcuts keep them correlated, so a gradient step means the same thing nearby.":
        "把一张输入图像一点一点地移向另一张，并记录某个输出的梯度。在深的普通网络中，相邻输入的梯度几乎毫不相关（白噪声）；快捷连接让它们保持相关，于是在附近一步梯度的含义不变。",
    "Depth 56: whose gradient stays correlated over more steps of the walk?":
        "深度 56：谁的梯度在移动过程中保持相关的步数更多？",
    "8. What a trained ResNet-18 looks at":
        "8. 训练好的 ResNet-18 在看什么",
    "Our ResNet-18 was trained on Fashion-MNIST. Grad-CAM weights the last stage's feature maps by their gradients and shows which regions raised the predicted class; the deletion test checks whether removing those pixels first hurts the prediction faster than a random order.":
        "我们的 ResNet-18 在 Fashion-MNIST 上训练。类激活图（Grad-CAM）用梯度为最后一个阶段的特征图加权，显示哪些区域提高了预测类别；删除测试检验先删除这些像素是否比随机顺序更快地破坏预测。",
    "What will the model predict for this example?":
        "模型会把这个示例预测成什么？",
    "Unknown lesson step {name}: choose one of {choices}.":
        "未知的课程步骤 {name}：请从 {choices} 中选择。",
    # --- choices and verdicts ---
    "the plain net":
        "普通网络",
    "the residual net":
        "残差网络",
    "both":
        "两者都是",
    "neither":
        "两者都不是",
    "equal":
        "一样",
    "**Answer: {answer}.**":
        "**答案：{answer}。**",
    "✅ **Right: {answer}.**":
        "✅ **答对了：{answer}。**",
    "❌ **Not {guess}: it is {answer}.**":
        "❌ **不是{guess}，而是{answer}。**",
    "The table is empty.":
        "表格是空的。",
    "No stage {stage} in this table.":
        "此表中没有阶段 {stage}。",
    "The prediction is empty.":
        "预测结果是空的。",
    "Training MSE plain/residual at {depths} hidden layers: {errors}.":
        "{depths} 个隐藏层时普通/残差网络的训练均方误差：{errors}。",
    "The last row of the block's layer table, traced on this server.":
        "残差块逐层表格的最后一行，在本服务器上追踪得到。",
    "The params column summed over the shortcut's rows of the traced table (downsample.0: the 1×1 convolution, downsample.1: its batch normalization).":
        "追踪得到的表格中快捷连接各行的参数量之和（downsample.0：1×1 卷积层，downsample.1：它的批量规范化）。",
    "b3 is the first stage of residual blocks that halves height and width and doubles the channels.":
        "b3 是第一个把高和宽减半、通道数加倍的残差块阶段。",
    "‖∂L/∂W‖ of the first convolution: plain {plain:.3g}, residual {residual:.3g}.":
        "第一个卷积层的 ‖∂L/∂W‖：普通网络 {plain:.3g}，残差网络 {residual:.3g}。",
    "Final training error: Plain-20 {p20:.1%}, Plain-56 {p56:.1%} (shipped run).":
        "最终训练误差：Plain-20 {p20:.1%}，Plain-56 {p56:.1%}（随应用提供的运行结果）。",
    "Correlation length: plain {plain} step(s), residual {residual} step(s).":
        "相关长度：普通网络 {plain} 步，残差网络 {residual} 步。",
    "The model gives it {p:.0%}.":
        "模型给它的概率是 {p:.0%}。",
    # --- exercises ---
    "What are the major differences between the Inception block and the residual block? Compare their computation (multiply-adds) and parameters.":
        "Inception 块与残差块之间的主要区别是什么？比较它们的计算量（乘加运算量）和参数量。",
    "The bottleneck block: a 1×1 convolution squeezes the channels, a 3×3 works on fewer of them, a 1×1 expands again. Compare its parameters with a basic block of the same output.":
        "瓶颈块：1×1 卷积层压缩通道，3×3 卷积层在较少的通道上计算，再由 1×1 卷积层扩展回来。与输出相同的基本残差块比较参数量。",
    "Deeper variants (ResNet-34, -50, -101, -152 of He et al. Table 1): how do parameters and multiply-adds grow?":
        "更深的变体（He 等人表 1 中的 ResNet-34、-50、-101、-152）：参数量和乘加运算量如何增长？",
    "Why can't we just increase the complexity of functions without bound, even if the function classes are nested? Look at the plain net without shortcuts at depth 110.":
        "即使函数类是嵌套的，为什么也不能无限制地增加函数的复杂度？看看深度 110 的无快捷连接的普通网络。",
    "Pre-activation (BN → ReLU → conv, He et al. 2016) and ResNeXt blocks are the variants D2L discusses; they will appear in the block list as the variants issue adds them.":
        "预激活（批量规范化 → ReLU → 卷积，He 等人 2016）和 ResNeXt 块是 D2L 讨论的变体；随着变体相关的议题加入，它们会出现在残差块列表中。",
    # --- nested function classes ---
    "Depths must be at least 1 and the step count positive.":
        "深度至少为 1，步数必须为正。",
    "| hidden layers | plain MSE | residual MSE |":
        "| 隐藏层数 | 普通网络均方误差 | 残差网络均方误差 |",
    "Adding residual layers kept (or improved) the fit at every depth: each deeper residual net contains the shallower one (its new layers can be the identity).":
        "增加残差层在每个深度都保持（或改善）了拟合：每个更深的残差网络都包含较浅的那个（新加的层可以是恒等映射）。",
    "In this run a deeper residual net fitted worse than a shallower one.":
        "在这次运行中，更深的残差网络拟合得比较浅的更差。",
    "Adding plain layers made it worse: {depth} plain layers end {ratio:.1f}× above the best shallower plain net, although that bigger class contains a better function.":
        "增加普通层反而更差：{depth} 个普通层最终的误差是更浅普通网络中最好者的 {ratio:.1f}×，尽管这个更大的函数类包含更好的函数。",
    "Here the plain nets did not get worse with depth either.":
        "这里普通网络也没有随深度变差。",
    "_{steps} full-batch SGD steps per net, seeded; measured in {seconds:.1f} s on this server._":
        "_每个网络 {steps} 步全批量随机梯度下降，固定随机种子；在本服务器上用时 {seconds:.1f} 秒。_",
    "target":
        "目标函数",
    "plain, {depth} layers":
        "普通网络，{depth} 层",
    "residual, {depth} layers":
        "残差网络，{depth} 层",
    "The fits of the deepest nets":
        "最深网络的拟合结果",
    "hidden layers":
        "隐藏层数",
    "training MSE after the same budget":
        "相同预算下的训练均方误差",
    "Nested function classes: error against depth":
        "嵌套函数类：误差随深度的变化",
    # --- links ---
    "Copy link":
        "复制链接",
    "Link to this view":
        "此视图的链接",
    "Ignored from the link: {items}.":
        "链接中被忽略的设置：{items}。",
    "{key} (no such tab)":
        "{key}（没有这个标签页）",
    "{key} (unknown setting)":
        "{key}（未知设置）",
    "{key} ({reason})":
        "{key}（{reason}）",
    "the rest of the link (too many settings)":
        "链接的其余部分（设置太多）",
    "too long":
        "太长",
    "not a yes/no value":
        "不是是/否值",
    "not one of the choices":
        "不在可选项中",
    "not a number":
        "不是数字",
    "out of range":
        "超出范围",
}

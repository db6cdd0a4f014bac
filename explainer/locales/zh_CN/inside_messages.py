"""简体中文: messages of the inside area (see explainer/locales/zh_CN/__init__.py for the terms)."""

MESSAGES: dict[str, str] = {
    # --- explainer/images.py: uploads, decoding, preprocessing -------------------------------------
    "This file is not an image we can read (or it is damaged). Please upload a PNG, JPEG, WebP, BMP or GIF file.":
        "无法读取这个文件：它不是图像，或者已经损坏。请上传 PNG、JPEG、WebP、BMP 或 GIF 文件。",
    "This image file is damaged and cannot be read.": "这个图像文件已损坏，无法读取。",
    "{format} images are not supported here; please upload a PNG, JPEG, WebP, BMP or GIF file.":
        "这里不支持 {format} 格式的图像；请上传 PNG、JPEG、WebP、BMP 或 GIF 文件。",
    "This image format is not supported here; please upload a PNG, JPEG, WebP, BMP or GIF file.":
        "这里不支持这种图像格式；请上传 PNG、JPEG、WebP、BMP 或 GIF 文件。",
    "This image is too large: the limit is {limit:.0f} megapixels. Please resize it before uploading.":
        "图像太大：上限是 {limit:.0f} 百万像素。请先缩小再上传。",
    "This image is too large ({width}×{height} = {megapixels:.0f} megapixels): the limit is {limit:.0f} megapixels. "
    "Please resize it before uploading.":
        "图像太大（{width}×{height} = {megapixels:.0f} 百万像素）：上限是 {limit:.0f} 百万像素。请先缩小再上传。",
    "This image has no pixels ({width}×{height}).": "这张图像没有像素（{width}×{height}）。",
    "The file is empty (0 bytes); please upload an image.": "文件是空的（0 字节）；请上传一张图像。",
    "The file is too big ({size:.1f} MB); the limit is {limit:.0f} MB.": "文件太大（{size:.1f} MB）；上限是 {limit:.0f} MB。",
    "This image file is damaged or truncated and cannot be decoded.": "这个图像文件已损坏或不完整，无法解码。",
    "Images in colour mode {mode!r} are not supported.": "不支持颜色模式为 {mode!r} 的图像。",
    # --- explainer/ui/file_inputs.py: which files a request may open ---------------------------------
    "This file is not available on the server (uploads expire after a while); please upload it again.":
        "服务器上没有这个文件（上传的文件过一段时间会失效）；请重新上传。",
    "The image must be an uploaded file (a Gradio file object with a path).":
        "图像必须是上传的文件（带路径的 Gradio 文件对象）。",
    "This data URL does not hold a base64-encoded image; please upload the file instead.":
        "这个 data URL 里没有 base64 编码的图像；请改为上传文件。",
    # --- explainer/ui/inside_handlers.py: names sent by a client -------------------------------------
    "Unknown model {name}: choose one of {choices}.": "未知的模型 {name}；请从以下选择：{choices}。",
    "Unknown layer {name}: choose one of {choices}.": "未知的层 {name}；请从以下选择：{choices}。",
    "Unknown Grad-CAM layer {name}: choose one of {choices}.": "未知的 Grad-CAM 层 {name}；请从以下选择：{choices}。",
    "Invert must be one of {choices}, got {name}.": "反色选项必须是 {choices} 之一，收到的是 {name}。",
    "Unknown colour scale {name}: choose one of {choices}.": "未知的颜色刻度 {name}；请从以下选择：{choices}。",
    "SmoothGrad averages one of {choices}, not {name}.": "SmoothGrad 只能对 {choices} 之一求平均，不能是 {name}。",
    "The image contains NaN or infinite values.": "图像中含有 NaN 或无穷大的值。",
    "An image array must be (H, W), (H, W, 3) or (H, W, 4); got shape {shape}.":
        "图像数组的形状必须是 (H, W)、(H, W, 3) 或 (H, W, 4)，收到的是 {shape}。",
    "An image array must hold numbers, not {dtype}.": "图像数组必须由数值组成，而不是 {dtype}。",
    "No image was given: upload a picture, pick an example or draw one.": "还没有图像：请上传图片、选一个示例，或者画一张。",
    "The file {name!r} does not exist (the upload may have expired); please upload it again.":
        "文件 {name!r} 不存在（上传可能已过期）；请重新上传。",
    "Cannot read an image from a {kind}.": "无法从 {kind} 类型的对象中读取图像。",
    "The sketchpad is empty: draw something first.": "画板是空的：请先画点东西。",
    "fit must be 'pad' or 'crop', got {fit!r}.": "fit 必须是 'pad' 或 'crop'，收到的是 {fit!r}。",
    "invert must be 'auto', 'yes' or 'no', got {invert!r}.": "invert 必须是 'auto'、'yes' 或 'no'，收到的是 {invert!r}。",
    "Inverted automatically: the background was light, Fashion-MNIST has light objects on black.":
        "已自动反色：背景是浅色的，而 Fashion-MNIST 的图像是黑底上的浅色物体。",
    "The image is uniform (a single grey level): the prediction means little.":
        "这张图像只有一个灰度值：它的预测没有什么意义。",
    "PNG, JPEG, WebP, BMP or GIF (first frame); at most {mb:.0f} MB and {megapixels:.0f} megapixels.":
        "PNG、JPEG、WebP、BMP 或 GIF（只取第一帧）；最大 {mb:.0f} MB、{megapixels:.0f} 百万像素。",
    # --- explainer/inside.py: feature maps, branch vs shortcut --------------------------------------
    "branch F(x)": "分支 F(x)",
    "shortcut": "快捷连接",
    "sum (before ReLU)": "和（ReLU 之前）",
    "Unknown layer {name!r}; choose one of: {choices}, …": "没有名为 {name!r} 的层；可选的有：{choices}，…",
    "scale must be 'shared' or 'per-map', got {scale!r}.": "scale 必须是 'shared' 或 'per-map'，收到的是 {scale!r}。",
    "ch {c}": "通道 {c}",
    "activation": "激活值",
    "{title} — {n} most active of {c} channels, {h}×{w} (shared scale)":
        "{title} — {c} 个通道中最活跃的 {n} 个，{h}×{w}（共用色标）",
    "{title} — {n} most active of {c} channels, {h}×{w} (per-map scale)":
        "{title} — {c} 个通道中最活跃的 {n} 个，{h}×{w}（每张图各用自己的色标）",
    "{title}: {n} most active of {c} channels, {h}x{w}": "{title}：{c} 个通道中最活跃的 {n} 个，{h}x{w}",
    "shared colour scale: {lo:.3g} to {hi:.3g} (blue < 0 < red)": "共用色标：{lo:.3g} 到 {hi:.3g}（蓝 < 0 < 红）",
    "shared colour scale: {lo:.3g} to {hi:.3g} (dark = low, bright = high)":
        "共用色标：{lo:.3g} 到 {hi:.3g}（暗 = 低，亮 = 高）",
    "per-map colour scale: each tile stretched to its own range": "各图独立色标：每个小图按自己的取值范围拉伸",
    "mean over channels": "各通道的平均",
    "channel {ch}": "通道 {ch}",
    "1×1 projection of x": "x 的 1×1 投影",
    "shortcut x (identity)": "快捷连接 x（恒等映射）",
    "sum F(x)+x": "和 F(x)+x",
    "output = ReLU(sum)": "输出 = ReLU(和)",
    "Each block adds its branch F(x) to its shortcut ({what}); red > 0 > blue":
        "每个残差块把分支 F(x) 加到快捷连接上（{what}）；红 > 0 > 蓝",
    "‖F(x)‖ / ‖shortcut‖": "‖F(x)‖ / ‖快捷连接‖",
    "How much each block changes its input (orange: 1×1 projection shortcut)":
        "每个残差块把输入改变了多少（橙色：1×1 投影快捷连接）",
    # --- explainer/attributions.py: methods, deletion curves, sanity check -------------------------
    "Saliency": "显著图",
    "Integrated Gradients": "积分梯度",
    "Grad-CAM": "Grad-CAM 类激活图",
    "Occlusion": "遮挡",
    "SmoothGrad": "SmoothGrad 平滑梯度",
    "trained": "已训练",
    "stem (conv1, bn1)": "stem 层（conv1, bn1）",
    "The target class must be a class index or 'predicted', got {target!r}.":
        "目标类别必须是类别编号或 'predicted'，收到的是 {target!r}。",
    "The target class must be between 0 and {hi}, got {t}.": "目标类别必须在 0 到 {hi} 之间，收到的是 {t}。",
    "{base} · F(x)+x, before the final ReLU": "{base} · F(x)+x，最后的 ReLU 之前",
    "{base} · branch F(x), before the add": "{base} · 分支 F(x)，相加之前",
    "{base} · block output (after the add and ReLU)": "{base} · 残差块输出（相加并经过 ReLU 之后）",
    "Unknown Grad-CAM layer {name!r}; choose a block such as 'layer4.1'.":
        "没有名为 {name!r} 的 Grad-CAM 层；请选择一个残差块，例如 'layer4.1'。",
    "Grad-CAM cannot use the {part!r} of a block; choose its output, sum or branch.":
        "Grad-CAM 不能使用残差块的 {part!r}；请选择它的输出、和或分支。",
    "Unknown method {method!r}; choose one of {choices}.": "没有 {method!r} 这种方法；可选：{choices}。",
    "SmoothGrad averages Saliency or Integrated Gradients, not {base!r}.":
        "SmoothGrad 只能对显著图（Saliency）或积分梯度（Integrated Gradients）取平均，不能用 {base!r}。",
    "Choose at least one attribution method.": "请至少选择一种归因方法。",
    "done": "完成",
    "fraction of pixels deleted (most attributed first)": "删除的像素比例（归因最大的先删）",
    "Opacity must be between 0 and 1, got {opacity}.": "不透明度必须在 0 到 1 之间，收到的是 {opacity}。",
    "input": "输入",
    "deletion AUC {auc:.3f}": "删除 AUC {auc:.3f}",
    "What made the model say {class_name!r}": "是什么让模型判断为“{class_name}”",
    "Attributions": "归因",
    "Choose methods among {choices}; got {methods!r}.": "请从 {choices} 中选择方法；收到的是 {methods!r}。",
    "trained model": "训练好的模型",
    "randomized down to {name}": "随机化到 {name}",
    "undefined (the map became flat)": "无定义（图变成了常数）",
    "- **{method}** passes: its map changes as the model is destroyed (mean |ρ| over the randomized steps "
    "{sim:.2f} < {threshold}; with all layers random ρ = {final}).":
        "- **{method}** 通过：模型被破坏时，它的图随之改变（随机化各步的平均 |ρ| 为 {sim:.2f} < {threshold}；"
        "所有层都随机时 ρ = {final}）。",
    "- **{method}** does **not** decorrelate: with the weights randomized its map keeps a mean |ρ| of {sim:.2f} ≥ "
    "{threshold} with the trained one (all layers random: ρ = {final}) — it reflects the input more than what the "
    "model learned.":
        "- **{method}** **没有**去相关：权重随机化之后，它的图与训练好的模型的图仍保持平均 |ρ| 为 {sim:.2f} ≥ "
        "{threshold}（所有层都随机时 ρ = {final}）——它反映的更多是输入，而不是模型学到的东西。",
    "  (ρ of {method} jumps from step to step, std {spread:.2f}: a coarse map gives a noisy correlation on one "
    "image — try a few images before concluding.)":
        "  （{method} 的 ρ 在各步之间跳动很大，标准差 {spread:.2f}：粗糙的图在单张图像上的相关系数噪声很大——"
        "多试几张图像再下结论。）",
    "Cascading randomization (top → bottom): maps should change as weights are randomized":
        "级联随机化（从顶层到底层）：权重被随机化后，图应当随之改变",
    "Spearman ρ with trained map (|map|)": "与训练好的图的 Spearman ρ（|图|）",
    "Sanity check: a trustworthy map decorrelates when the model is destroyed":
        "合理性检验：可信的图在模型被破坏后应当失去相关性",
    # --- explainer/data.py: Fashion-MNIST class names for display ------------------------------------
    "T-shirt/top": "T恤/上衣",
    "Trouser": "裤子",
    "Pullover": "套头衫",
    "Dress": "连衣裙",
    "Coat": "外套",
    "Sandal": "凉鞋",
    "Shirt": "衬衫",
    "Sneaker": "运动鞋",
    "Bag": "包",
    "Ankle boot": "短靴",
    # --- explainer/checkpoint.py, imagenet.py, samples.py: missing or broken files -----------------
    "Regenerate it with `python -m explainer.training.trainer` (well over an hour on 2 CPU cores: the shipped run took 85 min, see its card).":
        "请用 `python -m explainer.training.trainer` 重新生成（在 2 个 CPU 核上要一个多小时：随附的那次训练用了 85 分钟，见其说明卡片）。",
    "Checkpoint {path} is missing. {how}": "找不到检查点文件 {path}。{how}",
    "Checkpoint {path} cannot be read ({error}); it is probably truncated or corrupt. {how}":
        "无法读取检查点文件 {path}（{error}）；它可能不完整或已损坏。{how}",
    "Checkpoint {path} does not match the model: missing {missing}, unexpected {unexpected}.":
        "检查点文件 {path} 与模型不匹配：缺少 {missing}，多出 {unexpected}。",
    "Checkpoint {path} does not match the model: {key} has shape {shape}, the model expects {expected}.":
        "检查点文件 {path} 与模型不匹配：{key} 的形状是 {shape}，而模型需要 {expected}。",
    "Model card {path} is missing. {how}": "找不到模型卡 {path}。{how}",
    "Model card {path} is not valid JSON ({error}). {how}": "模型卡 {path} 不是有效的 JSON（{error}）。{how}",
    "The ImageNet ResNet-18 could not be loaded ({error}).": "无法加载 ImageNet ResNet-18（{error}）。",
    "Bundled sample {path} is missing. Regenerate it with `python -m explainer.training.samples`.":
        "找不到随附的样本文件 {path}。请用 `python -m explainer.training.samples` 重新生成。",
    "Bundled sample {path} is unreadable ({error}). Regenerate it with `python -m explainer.training.samples`.":
        "无法读取随附的样本文件 {path}（{error}）。请用 `python -m explainer.training.samples` 重新生成。",
    "Bundled sample {path} has unexpected arrays {images}/{labels}.": "随附的样本文件 {path} 中的数组形状不对：{images}/{labels}。",
    # --- issue 13: readings of the Inside tab (faithfulness, completeness, sanity check, ratios, labels) ---
    "**Integrated Gradients, completeness**: Σ attributions = {total:.3f}; logit(x) − logit(black image) = "
    "{diff:.3f}; gap {gap:+.3f} ({rel:.1%}) with {steps} path steps.":
        "**积分梯度的完备性**：归因之和 Σ = {total:.3f}；logit(x) − logit(全黑图像) = {diff:.3f}；"
        "差距 {gap:+.3f}（{rel:.1%}），路径步数 {steps}。",
    "Within {tol:.0%}: the attributions account for the whole change of the logit, as the axiom requires.":
        "差距在 {tol:.0%} 以内：归因解释了 logit 的全部变化，符合完备性公理的要求。",
    "More than {tol:.0%} apart: the path integral is too coarse here; more steps would close the gap "
    "(Sundararajan et al.).":
        "差距超过 {tol:.0%}：这里的路径积分太粗糙；增加步数可以缩小差距（Sundararajan 等人）。",
    "⚠️ The model gives *{class_name}* only {p:.1%} (below {limit:.0%}): these maps explain evidence for a class "
    "the model does not see in this image. Read them as what would push it towards *{class_name}*, not as why it "
    "decided.":
        "⚠️ 模型给 *{class_name}* 的概率只有 {p:.1%}（低于 {limit:.0%}）：这些图解释的是模型在这张图像里并没有看到的"
        "类别的证据。应把它们理解为“什么会把模型推向 *{class_name}*”，而不是“模型为什么这样判断”。",
    "Every block stays close to the identity on this image: the shortcut carries most of the signal and each "
    "branch adds a small correction.":
        "在这张图像上，每个残差块都接近恒等映射：信号主要由快捷连接传递，每个分支只加上一个小的修正。",
    "No block is close to the identity on this image: every branch is about as large as the input it is added "
    "to, so each block changes its input substantially, while the shortcut still passes the input on unchanged "
    "(or projected, orange) beside it.":
        "在这张图像上，没有哪个残差块接近恒等映射：每个分支都和它所加到的输入差不多大，所以每个残差块都大幅改变了"
        "它的输入；与此同时，快捷连接仍在旁边把输入原样（或经过投影，橙色）传下去。",
    "In some blocks the branch outweighs the shortcut: there the block rewrites its input rather than correcting "
    "it.":
        "在某些残差块中，分支比快捷连接还大：这些残差块是在改写输入，而不是修正输入。",
    "Some blocks stay close to the identity while others change their input substantially.":
        "有些残差块接近恒等映射，另一些则大幅改变了它们的输入。",
    "**Reading the ratios.** ‖F(x)‖/‖shortcut‖ ranges from {lo:.2f} ({lo_block}) to {hi:.2f} ({hi_block}) over "
    "the {n} blocks: {small} below {small_cut} (close to the identity), {comparable} between {small_cut} and "
    "{large_cut} (branch about as large as its input), {large} above {large_cut} (branch dominates). These cut-offs "
    "are this app's convention.":
        "**如何读这些比值。** 在 {n} 个残差块中，‖F(x)‖/‖快捷连接‖ 从 {lo:.2f}（{lo_block}）到 {hi:.2f}（{hi_block}）："
        "{small} 个低于 {small_cut}（接近恒等映射），{comparable} 个介于 {small_cut} 和 {large_cut} 之间"
        "（分支和输入差不多大），{large} 个高于 {large_cut}（分支占主导）。这些分界值是本应用的约定。",
    "A ratio says how much a block changes the signal on this one image, not how much the network needs that "
    "block: deleting blocks (the lesion study on the Degradation tab) answers that.":
        "比值说明的是残差块在这一张图像上把信号改变了多少，而不是网络有多需要这个残差块："
        "后者要靠删除残差块来回答（“退化”标签页中的消融实验）。",
    "channel {ch} where the block has it; narrower blocks show their last channel, named on the left":
        "有该通道的残差块显示通道 {ch}；通道数较少的残差块显示其最后一个通道，见左侧标注",
    "ch {c} of {n}": "通道 {c}（共 {n} 个）",
    "deletion": "删除",
    "insertion": "插入",
    "random order": "随机顺序",
    "brightness order (no model)": "按亮度排序（不用模型）",
    "fails the necessary check: on at least one curve it is not better than random order":
        "没有通过必要检验：至少在一条曲线上不优于随机顺序",
    "beats random only: no better than ranking pixels by brightness, which needs no model":
        "只优于随机顺序：不比按亮度给像素排序更好，而后者根本不需要模型",
    "beats the brightness order on one curve only: weak evidence": "只在一条曲线上优于按亮度排序：证据很弱",
    "beats both references on both curves: evidence (not proof) that it ranks pixels the model uses":
        "在两条曲线上都优于两个参照：这是它排出了模型所用像素的证据（但不是证明）",
    "Beating random order is necessary, not sufficient: a map should also beat the brightness order":
        "优于随机顺序是必要条件而非充分条件：归因图还应当优于按亮度排序",
    "Deletion: a low area is good": "删除：面积越小越好",
    "fraction of pixels restored into the blurred image": "放回模糊图像中的像素比例",
    "Insertion: a high area is good": "插入：面积越大越好",
    "The ImageNet ResNet-18 is installed.": "ImageNet ResNet-18 已安装。",
    "The ImageNet ResNet-18 is unavailable: its weights are not installed on this server.":
        "ImageNet ResNet-18 不可用：这台服务器上没有安装它的权重。",
    "The ImageNet ResNet-18 is unavailable: its weights file on this server cannot be used.":
        "ImageNet ResNet-18 不可用：这台服务器上的权重文件无法使用。",
    "passes": "通过",
    "does not decorrelate": "没有去相关",
    "map collapsed": "图塌缩了",
    "map flat: ρ undefined": "图变成常数：ρ 无定义",
    "flat (no ρ)": "常数图（无 ρ）",
    "±{threshold}: this app's cut-off": "±{threshold}：本应用的分界值",
    "The cut-off {threshold} is this app's convention: Adebayo et al. compare the maps by eye and by rank "
    "correlation, and give no threshold.":
        "分界值 {threshold} 是本应用的约定：Adebayo 等人用肉眼和秩相关来比较归因图，并没有给出阈值。",
    "- **{method}**: map collapsed — the trained model's map is already flat (all pixels equal), so there is no "
    "ranking to compare.":
        "- **{method}**：图塌缩了——训练好的模型的图本身就是常数（所有像素相等），没有排序可以比较。",
    "- **{method}**: map collapsed — from the first randomized step on, its map is flat (all pixels equal). It does "
    "depend on the weights, but a flat map has no ranking, so ρ is undefined: counted neither as passing nor as "
    "failing.":
        "- **{method}**：图塌缩了——从第一步随机化开始，它的图就是常数（所有像素相等）。它确实依赖于权重，"
        "但常数图没有排序，ρ 无定义：既不算通过，也不算失败。",
    "  (Its map is flat (collapsed) at {n} of {total} randomized steps ({steps}); the mean |ρ| uses the other steps "
    "only.)":
        "  （在 {total} 个随机化步骤中，有 {n} 步它的图是常数（塌缩了）：{steps}；平均 |ρ| 只用其余各步计算。）",
    "the predicted class": "预测的类别",
    "beats both": "优于两者",
    "beats random only": "只优于随机",
    "beats brightness only": "只优于亮度排序",
    "beats neither": "都不优于",
    "**Faithfulness** for *{class_name}*. Deletion: area under the probability curve as the most attributed "
    "pixels are blacked out (lower is better). Insertion: area as they are put back into a blurred copy (higher "
    "is better). References — random order: deletion **{dr:.3f}**, insertion **{ir:.3f}**; brightness order (no "
    "model at all): deletion **{di:.3f}**, insertion **{ii:.3f}**.":
        "*{class_name}* 的**忠实度**。删除：把归因最大的像素先涂黑时概率曲线下的面积（越低越好）。"
        "插入：把它们先放回模糊副本时的面积（越高越好）。参照——随机顺序：删除 **{dr:.3f}**，插入 **{ir:.3f}**；"
        "按亮度排序（完全不用模型）：删除 **{di:.3f}**，插入 **{ii:.3f}**。",
    "| method | deletion AUC ↓ | insertion AUC ↑ | verdict |": "| 方法 | 删除 AUC ↓ | 插入 AUC ↑ | 结论 |",
    "Beating random order is necessary, not sufficient: on a black background, blacking out the brightest pixels "
    "first removes the object with no model at all. Differences under {margin} count as ties.":
        "优于随机顺序是必要条件而非充分条件：在黑色背景上，先把最亮的像素涂黑，不需要任何模型就能去掉物体。"
        "差异小于 {margin} 视为持平。",
    "deletion and insertion curves…": "删除与插入曲线……",
    "> ⚠️ **The trained Fashion-MNIST model is not available yet.** The other tabs work; this one needs the shipped "
    "checkpoint (see *Reproduce* at the bottom of this tab).":
        "> ⚠️ **训练好的 Fashion-MNIST 模型暂时不可用。** 其他标签页可以正常使用；这个标签页需要随附的检查点"
        "（见本页底部的“复现”）。",
    "Every number on this tab comes from the shipped model and the code in this repository:\n\n"
    "- train the Fashion-MNIST ResNet-18: `python -m explainer.training.trainer`\n"
    "- measure its test accuracy: `python -m explainer.training.evaluate`\n"
    "- regenerate the example images: `python -m explainer.training.samples`\n\n"
    "The optional ImageNet ResNet-18 appears here when torchvision's weights file `resnet18-f37072fd.pth` is in "
    "the server's torch hub cache; nothing is downloaded at run time.":
        "本页的每个数字都来自随附的模型和本仓库中的代码：\n\n"
        "- 训练 Fashion-MNIST 上的 ResNet-18：`python -m explainer.training.trainer`\n"
        "- 测量它的测试准确率：`python -m explainer.training.evaluate`\n"
        "- 重新生成示例图像：`python -m explainer.training.samples`\n\n"
        "可选的 ImageNet ResNet-18 只有在服务器的 torch hub 缓存中有 torchvision 的权重文件 "
        "`resnet18-f37072fd.pth` 时才会出现在这里；运行时不会下载任何东西。",
    "Saliency map": "显著图",
    "Integrated Gradients (IG)": "积分梯度（IG）",
    "Grad-CAM (class activation map)": "Grad-CAM 类激活图",
    "Occlusion (sliding patch)": "遮挡（滑动方块）",
    "SmoothGrad (average over noisy copies)": "SmoothGrad（对加噪副本取平均）",
    "automatic (when the border is light)": "自动（边缘较亮时反色）",
    "always invert": "总是反色",
    "never invert": "从不反色",
    "one scale for all maps": "所有图共用一个色标",
    "each map its own scale": "每张图各用自己的色标",
    "Reproduce": "复现",
    "Deletion and insertion curves": "删除与插入曲线",
}

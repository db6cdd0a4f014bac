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
    "random order (mean of {repeats})": "随机顺序（{repeats} 次的平均）",
    "fraction of pixels deleted (most attributed first)": "删除的像素比例（归因最大的先删）",
    "Deletion curves: lower area than random = the map finds what the model uses":
        "删除曲线：面积比随机顺序小 = 这张图找到了模型真正依赖的像素",
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
    "Regenerate it with `python -m explainer.training.trainer` (about an hour on 2 cores).":
        "请用 `python -m explainer.training.trainer` 重新生成（在 2 个 CPU 核上大约需要一小时）。",
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
    "ImageNet ResNet-18 loaded from {path}.": "已从 {path} 加载 ImageNet ResNet-18。",
    "The ImageNet ResNet-18 is unavailable: its weights {file} are not in the torch hub cache ({folder}) and this "
    "app does not download at run time. To enable it, fetch {url} once into that folder (or set TORCH_HOME).":
        "ImageNet ResNet-18 不可用：它的权重文件 {file} 不在 torch hub 缓存（{folder}）中，而本应用运行时不会下载。"
        "要启用它，请先把 {url} 下载到那个文件夹（或设置 TORCH_HOME）。",
    "The ImageNet weights {path} cannot be read ({error}).": "无法读取 ImageNet 权重文件 {path}（{error}）。",
    "The ImageNet weights {path} do not hold a state dict.": "ImageNet 权重文件 {path} 里没有 state dict。",
    "The ImageNet weights {path} do not fit ResNet-18 ({error}).": "ImageNet 权重文件 {path} 与 ResNet-18 不匹配（{error}）。",
    "Bundled sample {path} is missing. Regenerate it with `python -m explainer.training.samples`.":
        "找不到随附的样本文件 {path}。请用 `python -m explainer.training.samples` 重新生成。",
    "Bundled sample {path} is unreadable ({error}). Regenerate it with `python -m explainer.training.samples`.":
        "无法读取随附的样本文件 {path}（{error}）。请用 `python -m explainer.training.samples` 重新生成。",
    "Bundled sample {path} has unexpected arrays {images}/{labels}.": "随附的样本文件 {path} 中的数组形状不对：{images}/{labels}。",
}

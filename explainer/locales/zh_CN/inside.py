"""简体中文: messages of the inside area (see explainer/locales/zh_CN/__init__.py for the terms)."""

MESSAGES: dict[str, str] = {
    # --- explainer/images.py: uploads, decoding, preprocessing -------------------------------------
    "This file is not an image we can read (or it is damaged). Please upload a PNG, JPEG, WebP, BMP or GIF file.":
        "无法读取这个文件：它不是图像，或者已经损坏。请上传 PNG、JPEG、WebP、BMP 或 GIF 文件。",
    "This image file is damaged and cannot be read ({error}).": "这个图像文件已损坏，无法读取（{error}）。",
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
    "This image file is damaged or truncated and cannot be decoded ({error}).":
        "这个图像文件已损坏或不完整，无法解码（{error}）。",
    "Images in colour mode {mode!r} are not supported ({error}).": "不支持颜色模式为 {mode!r} 的图像（{error}）。",
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
}

"""简体中文: messages of the UI boundary shared by every tab (explainer/ui/boundary.py, explainer/ui/app.py)."""

MESSAGES: dict[str, str] = {
    "Something went wrong on the server ({error}); the app keeps running — please try other settings.":
        "服务器出了点问题（{error}）；应用仍在运行——请换一组设置再试。",
    "{name} must be a number, got NaN.": "{name}必须是数字，收到的是 NaN。",
    "{name} must be a whole number, got {value}.": "{name}必须是整数，收到的是 {value}。",
    "{name} must be between {lo} and {hi}, got {value}.": "{name}必须在 {lo} 到 {hi} 之间，收到的是 {value}。",
    "{name} must be a number, got {value}.": "{name}必须是数字，收到的是 {value}。",
    "{name} must be true or false, got {value}.": "{name}必须是 true 或 false，收到的是 {value}。",
    "{name} must be a list of names, got {value}.": "{name}必须是名称列表，收到的是 {value}。",
    "{name}: at most {limit} names, got {count}.": "{name}：最多 {limit} 个名称，收到了 {count} 个。",
    "That request needs more memory than this server has; try smaller sizes.":
        "这个请求需要的内存超出了服务器的容量；请把尺寸调小一些。",
    "⚠️ This tab is unavailable: {error}": "⚠️ 此标签页暂不可用：{error}",
    "Blocks & shapes": "残差块与形状",
    "Degradation": "退化问题",
    "Inside ResNet-18": "深入 ResNet-18",
    "Residual networks, hands on: build a block and watch the tensor, see why deep *plain* nets train worse, and "
    "look inside a ResNet-18 we trained on Fashion-MNIST. Companion to the ResNet chapter of [Dive into Deep "
    "Learning](https://d2l.ai/chapter_convolutional-modern/resnet.html) "
    "([动手学深度学习](https://zh.d2l.ai/chapter_convolutional-modern/resnet.html)).":
        "动手玩残差网络：搭一个残差块，看张量如何变化；看看为什么更深的*普通网络*反而训练得更差；"
        "再深入我们在 Fashion-MNIST 上训练的 ResNet-18 内部。本应用配合"
        "[《动手学深度学习》](https://zh.d2l.ai/chapter_convolutional-modern/resnet.html)的残差网络（ResNet）一节使用"
        "（[英文版](https://d2l.ai/chapter_convolutional-modern/resnet.html)）。",
    "You already have {n} computations waiting or running. Please wait for their results, then try again.":
        "你已有 {n} 个计算在排队或进行中；请等它们的结果出来后再试。",
    "Presenter mode": "演示模式",
    "for a projector: larger text, one column": "用于投影：字更大，单栏排列",
}

"""简体中文 catalogue: English message id → Chinese, split by area so each stays readable.

Terms follow the Chinese edition of D2L (动手学深度学习): 残差块, 残差映射, 恒等映射, 快捷连接,
批量规范化, 卷积层, 汇聚层, 全局平均汇聚, 全连接层, 步幅, 填充, 通道, 输出形状, 特征图, 感受野,
瓶颈块, 普通网络, 退化问题, 梯度消失 / 梯度爆炸, 训练误差 / 测试误差, 显著图, 积分梯度, 类激活图,
遮挡, 归因, 合理性检验, 参数量, 乘加运算量, 初始化.
"""

from __future__ import annotations

from explainer.locales.zh_CN import common_messages, degradation_messages, inside_messages, shapes_messages, ui_messages
from explainer.locales.zh_CN import lesson_messages


def _merge(*parts: dict[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in parts:
        for key, value in part.items():
            if key in merged and merged[key] != value:
                raise ValueError(f"Two different translations of {key!r}: {merged[key]!r} and {value!r}.")
            merged[key] = value
    return merged


MESSAGES: dict[str, str] = _merge(common_messages.MESSAGES, ui_messages.MESSAGES, shapes_messages.MESSAGES,
                                  degradation_messages.MESSAGES, inside_messages.MESSAGES,
                                  lesson_messages.MESSAGES)

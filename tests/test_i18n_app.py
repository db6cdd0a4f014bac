"""Both languages through the running app: the request's language reaches the server-made text.

The browser sends its language as ``Accept-Language`` and the page's explicit choice as a cookie;
gradio_client can send the same headers, so these tests drive the real endpoints.
"""

from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from explainer.i18n import COOKIE


def _client(app_client, headers: dict[str, str]) -> Client:  # noqa: ANN001
    return Client(app_client.src, headers=headers, verbose=False)


@pytest.fixture(scope="module")
def zh_client(app_client):  # noqa: ANN001
    client = _client(app_client, {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    yield client
    client.close()


def test_chinese_browser_gets_chinese_tables_and_explanations(zh_client, app_client) -> None:  # noqa: ANN001
    zh = zh_client.predict("basic", "projection", 64, 128, 2, True, 56, 56, api_name="/block_shapes")
    en = app_client.predict("basic", "projection", 64, 128, 2, True, 56, 56, api_name="/block_shapes")
    assert zh[0]["headers"][:3] == ["层", "运算", "输出形状"]
    assert en[0]["headers"][:3] == ["layer", "operation", "output shape"]
    numbers = lambda rows: [(r[0], r[2], r[3], r[4]) for r in rows]  # noqa: E731 -- name, shape, params, MACs
    assert numbers(zh[0]["data"]) == numbers(en[0]["data"])  # same numbers, only the words differ
    assert any("\u4e00" <= c <= "\u9fff" for c in zh[2]) and zh[2] != en[2]
    assert zh[3] == en[3]  # the generated PyTorch code is code


def test_errors_come_in_the_requests_language(zh_client, app_client) -> None:  # noqa: ANN001
    with pytest.raises(AppError, match="必须是整数"):
        zh_client.predict("ResNet-18", 3.5, 224, 224, 10, api_name="/network_shapes")
    with pytest.raises(AppError, match="whole number"):
        app_client.predict("ResNet-18", 3.5, 224, 224, 10, api_name="/network_shapes")


def test_the_pages_choice_beats_the_browser_language(app_client) -> None:  # noqa: ANN001
    client = _client(app_client, {"Accept-Language": "zh-CN", "Cookie": f"{COOKIE}=en"})
    try:
        _, summary, stages, _ = client.predict("ResNet-20", 3, 32, 32, 10, api_name="/network_shapes")
    finally:
        client.close()
    assert stages["headers"][0] == "layer"
    assert not any("\u4e00" <= c <= "\u9fff" for c in summary)


@pytest.mark.parametrize(("args", "words"), [
    (("basic", "projection", 0, 128, 2, True, 56, 56), "输入通道数必须在 1 到"),   # below the widget's minimum
    (("basic", "projection", 64, 128, 2, True, 5000, 56), "高度必须在 1 到"),      # above its maximum
    (("basic", "projection", 64, 128, 2, True, "abc", 56), "高度必须是数字"),      # not a number at all
])
def test_out_of_range_numbers_are_explained_in_chinese_too(zh_client, args: tuple, words: str) -> None:  # noqa: ANN001
    # Our handlers check every number (explainer/ui/widgets.py, explainer/ui/validation.py), so Gradio's English-only bound
    # message never reaches a Chinese page.
    with pytest.raises(AppError, match=words):
        zh_client.predict(*args, api_name="/block_shapes")


def test_english_and_chinese_users_at_the_same_time_do_not_mix(zh_client, app_client) -> None:  # noqa: ANN001
    # The language lives in a per-call context, and caches (traces) hold no text: concurrent users
    # in two languages each get their own, request after request.
    from concurrent.futures import ThreadPoolExecutor

    def ask(client: Client, i: int) -> list[str]:
        stride = 1 + i % 2
        table = client.predict("bottleneck", "projection", 64, 256, stride, True, 32, 32, api_name="/block_shapes")[0]
        _, _, stages, _ = client.predict("ResNet-20", 3, 32, 32, 10, api_name="/network_shapes")
        return [table["headers"][0], stages["headers"][0]]

    jobs = [(client, i) for i in range(6) for client in (zh_client, app_client)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda job: (job[0] is zh_client, ask(*job)), jobs))
    for is_zh, headers in answers:
        assert headers == (["层", "层"] if is_zh else ["layer", "layer"])

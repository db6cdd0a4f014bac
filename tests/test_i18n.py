"""The translation machinery and the completeness of the Chinese catalogue.

The catalogue test is an oracle over the source itself: every literal passed to ``tr``, ``N_``
or the UI's ``T`` must have a Chinese entry with the same ``str.format`` fields, and every entry
must still be used somewhere.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from explainer import i18n
from explainer.i18n import CHINESE, ENGLISH, N_, fields_of, pick_language, tr, use_language
from explainer.locales import zh_CN

ROOT = Path(__file__).resolve().parent.parent
MARKERS = {"tr", "N_", "T"}


def _literals() -> dict[str, list[str]]:
    """Message id → places ("file:line:marker") where a marker is called with a string literal."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "explainer").rglob("*.py")):
        if "locales" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            arg = node.args[0]
            if name in MARKERS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}:{name}")
    return found


LITERALS = _literals()


def test_the_code_has_translatable_text() -> None:
    # Guards the scan itself: a broken AST walk would make the next tests pass vacuously.
    assert len(LITERALS) > 100


def test_every_message_has_a_chinese_translation() -> None:
    missing = {k: v for k, v in LITERALS.items() if k not in zh_CN.MESSAGES}
    assert not missing, "untranslated: " + "\n".join(f"{v[0]}: {k!r}" for k, v in missing.items())


def test_translations_keep_the_format_fields() -> None:
    wrong = {k: (fields_of(k), fields_of(v)) for k, v in zh_CN.MESSAGES.items() if fields_of(k) != fields_of(v)}
    assert not wrong


def test_no_stale_entries() -> None:
    stale = sorted(set(zh_CN.MESSAGES) - set(LITERALS))
    assert not stale, f"catalogue entries no code uses: {stale}"


def test_static_ui_text_has_no_icu_syntax() -> None:
    # The browser formats gr.I18n strings with ICU MessageFormat: braces would be placeholders.
    static = [k for k, places in LITERALS.items() if any(p.endswith(":T") for p in places)]
    assert static
    bad = [k for k in static if set("{}") & set(k + zh_CN.MESSAGES.get(k, ""))]
    assert not bad


def test_chinese_entries_are_chinese() -> None:
    # A copy-pasted English "translation" would pass the completeness test; real ones contain Han
    # characters unless the message is only symbols/terms (e.g. "ReLU", "‖F(x)‖/‖x‖").
    english_only = [k for k, v in zh_CN.MESSAGES.items()
                    if v == k and any(c.isalpha() and c.isascii() for c in k) and len(k.split()) > 2]
    assert not english_only


def test_tr_translates_in_the_current_language_only() -> None:
    key = next(k for k in zh_CN.MESSAGES if not fields_of(k))
    assert tr(key) == key
    with use_language(CHINESE):
        assert tr(key) == zh_CN.MESSAGES[key]
    assert tr(key) == key


def test_tr_fills_fields_in_both_languages() -> None:
    key = next(k for k in zh_CN.MESSAGES if fields_of(k))
    values = {f: 12345 for f in fields_of(key)}
    assert "12345" in tr(key, **values)
    with use_language(CHINESE):
        assert "12345" in tr(key, **values)


def test_language_is_per_thread_of_work() -> None:
    # Two requests served at once must not see each other's language (contextvars, not a global).
    key = next(k for k in zh_CN.MESSAGES if not fields_of(k))
    seen: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def serve(lang: str) -> None:
        with use_language(lang):
            barrier.wait()
            seen[lang] = tr(key)

    threads = [threading.Thread(target=serve, args=(lang,)) for lang in (ENGLISH, CHINESE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {ENGLISH: key, CHINESE: zh_CN.MESSAGES[key]}


@pytest.mark.parametrize(("cookie", "header", "expected"), [
    (None, None, ENGLISH),
    (None, "zh-CN,zh;q=0.9,en;q=0.8", CHINESE),
    (None, "en-US,en;q=0.9,zh-CN;q=0.8", ENGLISH),
    (None, "fr-FR,zh-TW;q=0.5", CHINESE),
    (None, "de,fr;q=0.5", ENGLISH),
    ("en", "zh-CN", ENGLISH),
    ("zh-CN", "en-US", CHINESE),
    ("klingon", "zh", CHINESE),
    (None, "en;q=0.1,zh;q=0.9", CHINESE),
    # q=0 means "not acceptable" (RFC 9110 §12.5.4): never picked, whatever else is listed
    (None, "fr, zh;q=0", ENGLISH),
    (None, "zh;q=0, en;q=0", ENGLISH),
    (None, "zh-CN;q=0.000,en;q=0.001", ENGLISH),
    (None, "en;q=0,zh;q=0.5", CHINESE),
    # malformed elements are ignored, not guessed
    (None, "zh;q=abc", ENGLISH),
    (None, "zh;q=1.5", ENGLISH),
    (None, "zh;q=-1", ENGLISH),
    (None, "zhx,en;q=0.5", ENGLISH),
    (None, "zh_CN", ENGLISH),
    (None, "<script>,zh;q=0.3", CHINESE),
    (None, "zh-CN; q=0.9, en; q=0.8", CHINESE),
    (None, "*;q=0.5, zh;q=0.6", CHINESE),
    (None, ";;;,,,", ENGLISH),
    (None, "zh" + ",fr" * 10_000, CHINESE),
    ("zh-Hant", None, CHINESE),
    ("zhx", "en", ENGLISH),
])
def test_pick_language(cookie: str | None, header: str | None, expected: str) -> None:
    assert pick_language(cookie, header) == expected


def test_unknown_language_falls_back_to_english() -> None:
    with use_language("tlh"):
        assert i18n.current_language() == ENGLISH


def test_gr_i18n_keys_are_the_static_texts_in_both_languages() -> None:
    import app  # noqa: F401 -- building the demo registers every T() key
    from explainer.ui.boundary import I18N

    d = I18N.translations
    assert set(d) == {ENGLISH, CHINESE}
    assert d[ENGLISH].keys() == d[CHINESE].keys()
    static = {k for k, places in LITERALS.items() if any(p.endswith(":T") for p in places)}
    assert static <= d[ENGLISH].keys()
    assert all(d[CHINESE][k] == zh_CN.MESSAGES[k] for k in d[CHINESE])


def test_no_choice_value_is_a_translation_key() -> None:
    # Gradio's frontend translates every displayed string equal to a key, choice values too: a key
    # equal to a value would send the translated word to the handler (it happened with "identity").
    import app
    from explainer.ui.boundary import I18N

    keys = set(I18N.translations[ENGLISH])
    values = set()
    for block in app.demo.blocks.values():
        for choice in getattr(block, "choices", None) or []:
            values.update(c for c in (choice if isinstance(choice, (tuple, list)) else [choice]) if isinstance(c, str))
    assert len(values) > 20
    assert not keys & values


def test_n_marker_returns_the_id() -> None:
    assert N_("anything") == "anything"


def test_plots_can_draw_chinese_when_a_cjk_font_is_installed() -> None:
    from matplotlib import font_manager

    cjk = [p for p in font_manager.findSystemFonts() if "wqy" in p.lower() or "cjk" in p.lower()]
    if not cjk:
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei; .ci/run installs it)")
    assert i18n.has_cjk_font()
    import warnings

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    fig.suptitle("残差块 ResNet")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        FigureCanvasAgg(fig).draw()


def test_chinese_markdown_renders_its_emphasis() -> None:
    # CommonMark does not close ** after full-width punctuation when a Han character follows
    # ("**设置：**深度" shows the asterisks), so such entries must put the punctuation outside.
    import re

    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")

    def stray_asterisks(text: str) -> bool:
        html = md.render(re.sub(r"\{[^{}]*\}", "X", text))
        html = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
        return "*" in re.sub(r"<[^>]+>", "", html)

    bad = [v for k, v in zh_CN.MESSAGES.items() if "*" in v and stray_asterisks(v) and not stray_asterisks(k)]
    assert not bad

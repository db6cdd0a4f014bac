"""Two languages, English and 简体中文, for everything a user reads.

Two kinds of text, two mechanisms:

* **Static UI text** (labels, headings, the Markdown written in the tab modules) is sent to the
  browser as ``gr.I18n`` keys and translated there, so it follows the browser's language from the
  first paint. ``explainer.ui.boundary.T`` makes those keys from this module's catalogue.
* **Text computed on the server** (explanations with numbers, plot titles, error sentences) is
  translated here with :func:`tr`, in the language of the request being served. The UI boundary
  (``explainer.ui.boundary.ui_errors``) sets that language with :func:`use_language` for the
  duration of one handler call; logic modules just call ``tr("...")`` and never see a request.

Message ids are the English sentences themselves (gettext style), with ``str.format`` fields:
``tr("Depth must be between {lo} and {hi}.", lo=8, hi=110)``. The Chinese catalogue lives in
``explainer/locales/zh_CN/`` and uses the vocabulary of the Chinese D2L edition (残差块,
批量规范化, 特征图, ...). ``tests/test_i18n.py`` checks that every ``tr``/``T`` literal in the code
has a translation with the same fields. This module imports neither gradio nor torch.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

ENGLISH = "en"
CHINESE = "zh-CN"
LANGUAGES: dict[str, str] = {ENGLISH: "English", CHINESE: "简体中文"}
# Name of the cookie the page sets when the language changes (see explainer/ui/boundary.py).
COOKIE = "resnet_explainer_lang"

_language: ContextVar[str] = ContextVar("resnet_explainer_language", default=ENGLISH)


def _catalogues() -> dict[str, dict[str, str]]:
    from explainer.locales import zh_CN

    return {CHINESE: zh_CN.MESSAGES}


_CATALOGUES: dict[str, dict[str, str]] | None = None


def catalogue(lang: str) -> dict[str, str]:
    """English message id → translation for ``lang`` (empty for English)."""
    global _CATALOGUES
    if _CATALOGUES is None:
        _CATALOGUES = _catalogues()
    return _CATALOGUES.get(lang, {})


def current_language() -> str:
    """The language of the request being served ("en" outside any request)."""
    return _language.get()


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Translate every ``tr`` call inside the block into ``lang``."""
    token = _language.set(lang if lang in LANGUAGES else ENGLISH)
    try:
        yield
    finally:
        _language.reset(token)


def tr(msgid: str, /, **fields: Any) -> str:
    """``msgid`` in the current language, with ``fields`` filled in (``str.format``).

    Untranslated ids fall back to English, so a missing entry degrades to English text rather
    than an error; the test suite keeps the catalogue complete.
    """
    template = catalogue(current_language()).get(msgid, msgid)
    return template.format(**fields) if fields else template


def N_(msgid: str, /) -> str:
    """Mark a literal as translatable without translating it yet (gettext's ``N_``).

    For ids kept in tables and translated later with ``tr(variable)``; the catalogue test finds
    these literals the same way it finds ``tr("...")``.
    """
    return msgid


def pick_language(cookie: str | None = None, accept_language: str | None = None) -> str:
    """The language to answer in: the page's explicit choice (cookie), else the browser's
    ``Accept-Language`` preference order, else English.

    ``Accept-Language`` is read as RFC 9110 §12.5.4 defines it: comma-separated language ranges, each with
    an optional ``;q=`` weight from 0 to 1 (at most three decimals). ``q=0`` means "not acceptable", so
    such a range is never picked; an element whose range or weight is malformed is ignored, not guessed.

    >>> pick_language(None, "zh-CN,zh;q=0.9,en;q=0.8")
    'zh-CN'
    >>> pick_language("en", "zh-CN")
    'en'
    >>> pick_language(None, "fr, zh;q=0")
    'en'
    """
    if cookie:
        lang = _normalise(cookie)
        if lang:
            return lang
    if accept_language:
        weighted = []
        for i, element in enumerate(accept_language[:_MAX_HEADER].split(",")):
            parsed = _language_range(element)
            if parsed is not None and parsed[1] > 0:
                weighted.append((-parsed[1], i, parsed[0]))
        for _w, _i, tag in sorted(weighted):
            lang = _normalise(tag)
            if lang:
                return lang
    return ENGLISH


_MAX_HEADER = 1000  # browsers send a few dozen characters; a longer header is cut, not parsed whole
_RANGE = re.compile(r"^(\*|[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)$")
_QVALUE = re.compile(r"^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$")


def _language_range(element: str) -> tuple[str, float] | None:
    """``"zh-CN;q=0.8"`` → ``("zh-CN", 0.8)``; None if the range or its weight is malformed."""
    tag, *params = (part.strip() for part in element.split(";"))
    if not _RANGE.match(tag):
        return None
    weight = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() != "q":
            continue  # other parameters carry no preference
        value = value.strip()
        if not _QVALUE.match(value):
            return None
        weight = float(value)
    return tag, weight


def _normalise(tag: str) -> str | None:
    """Our language for a tag: by its primary subtag (``zh-TW`` → Simplified Chinese, which still reads
    better than English; we have no Traditional catalogue)."""
    primary = tag.strip().lower().split("-", 1)[0]
    if primary == "zh":
        return CHINESE
    if primary == "en":
        return ENGLISH
    return None


_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")


def fields_of(template: str) -> set[str]:
    """The ``str.format`` field names used in ``template`` (for the catalogue tests)."""
    return set(_FIELD.findall(template))


def has_cjk_font() -> bool:
    """Whether plots can show Chinese characters (a CJK font is installed and registered by
    ``explainer.runtime.use_cjk_font_fallback``)."""
    from matplotlib import rcParams

    return any("Hei" in f or "CJK" in f or "Han" in f for f in rcParams["font.family"])


"""The whole page: a language switch and the tabs, each built by its own module (`build_demo`)."""

from __future__ import annotations

import importlib
import logging
from typing import Any

import gradio as gr

from explainer.i18n import COOKIE, LANGUAGES, N_, tr, use_language
from explainer.ui import deep_links, presenter
from explainer.ui.boundary import Refresh, T, request_language, ui_errors

log = logging.getLogger("resnet_explainer")

TITLE = "ResNet Explainer"
HEADER = N_("Residual networks, hands on: build a block and watch the tensor, see why deep *plain* nets "
            "train worse, and look inside a ResNet-18 we trained on Fashion-MNIST. Companion to the ResNet "
            "chapter of [Dive into Deep Learning](https://d2l.ai/chapter_convolutional-modern/resnet.html) "
            "([动手学深度学习](https://zh.d2l.ai/chapter_convolutional-modern/resnet.html)).")

# (tab label, module in explainer.ui). Each module has ``build()``, which may return the
# server-rendered outputs to redraw when the language changes (``Refresh``).
TABS: tuple[tuple[str, str], ...] = (
    (N_("Lesson"), "lesson_tab"),
    (N_("Blocks & shapes"), "blocks_tab"),
    (N_("Degradation"), "degradation_tab"),
    (N_("Inside ResNet-18"), "inside_tab"),
)

# Gradio has no server-side API to switch the page language. Its own Settings panel calls
# `changeLocale` from the frontend's core module; we import that same module (ES modules are
# singletons per URL, so this is the running app's store) and call it. The cookie tells the
# server which language to answer in (explainer.ui.boundary.request_language).
# (a raw string: the JS regex keeps its backslashes)
_SET_LANGUAGE_JS = r"""
async (lang) => {
  document.cookie = `%(cookie)s=${lang}; path=/; max-age=31536000; SameSite=Lax`;
  const core = performance.getEntriesByType("resource").map((e) => e.name)
    .find((n) => /\/assets\/core-[\w-]+\.js(\?|$)/.test(n));
  if (core) {
    try { (await import(core)).changeLocale(lang); } catch (err) { console.warn("language switch:", err); }
  }
  return lang;
}
""" % {"cookie": COOKIE}

# On page load: a saved choice wins over the browser language; otherwise the language Gradio picked
# from the browser (mirrored in <html lang>) is remembered. An observer keeps the cookie in step
# when the language is changed in Gradio's own Settings panel.
_LOAD_LANGUAGE_JS = """
async () => {
  const saved = (document.cookie.match(/(?:^|; )%(cookie)s=([^;]+)/) || [])[1];
  const current = () => (document.documentElement.lang || navigator.language || "en");
  const norm = (tag) => (tag.toLowerCase().startsWith("zh") ? "zh-CN" : "en");
  const lang = norm(saved || current());
  await (%(set)s)(lang);
  if (!window.__resnetLangObserver) {
    window.__resnetLangObserver = new MutationObserver(() => {
      document.cookie = `%(cookie)s=${norm(current())}; path=/; max-age=31536000; SameSite=Lax`;
    });
    window.__resnetLangObserver.observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
  }
  return lang;
}
""" % {"cookie": COOKIE, "set": _SET_LANGUAGE_JS.strip()}

# Presenter mode (explainer.ui.presenter): a class on <body> for the CSS, a cookie for the server's figures,
# and ``present=1`` in the URL once the page's link has been applied (see deep_links).
# Remember the mode (the cookie the server reads) and show it (the class the CSS reads); ``on`` is a boolean.
_APPLY_PRESENTER = """
  document.cookie = `%(cookie)s=${on ? "1" : "0"}; path=/; max-age=31536000; SameSite=Lax`;
  document.body.classList.toggle("presenter", on);""" % {"cookie": presenter.COOKIE}

_SET_PRESENTER_JS = """
(on) => {
  on = !!on;%(apply)s
  if (window.__resnetLinkApplied) {
    const url = new URL(window.location.href);
    if (on) url.searchParams.set("%(key)s", "1"); else url.searchParams.delete("%(key)s");
    window.history.replaceState(null, "", url);
  }
  return on;
}
""" % {"apply": _APPLY_PRESENTER, "key": presenter.QUERY_KEY}

# On load: ?present=1 / ?present=0 in the link wins over the remembered choice.
_LOAD_PRESENTER_JS = r"""
() => {
  const asked = new URL(window.location.href).searchParams.get("%(key)s");
  const saved = (document.cookie.match(/(?:^|; )%(cookie)s=([^;]+)/) || [])[1];
  const on = asked !== null ? ["1", "true", "yes", "on"].includes(asked.toLowerCase()) : saved === "1";%(apply)s
  return on;
}
""" % {"cookie": presenter.COOKIE, "key": presenter.QUERY_KEY, "apply": _APPLY_PRESENTER}


@ui_errors
def _tab_labels() -> list[Any]:
    return [gr.Tab(label=tr(label)) for label, _ in TABS]


def _link_handler(linked: list[deep_links.Linked], tab_ids: dict[str, str]) -> Any:
    """The page-load handler that applies the URL's query (``deep_links``): tab, controls, a note."""

    def apply_link(request: gr.Request) -> tuple[Any, ...]:
        skip = tuple(gr.skip() for _ in range(2 + len(linked)))
        try:
            with use_language(request_language(request)):
                query = dict(request.query_params) if request is not None else {}
                tab, values, ignored = deep_links.apply_query(query, linked, tab_ids)
                note = tr("Ignored from the link: {items}.", items="; ".join(ignored)) if ignored else ""
            return (gr.Tabs(selected=tab) if tab else gr.skip(), gr.update(value=note, visible=bool(note)),
                    *(gr.skip() if v is None else v for v in values))
        except Exception:  # a link is a convenience: it may never break a page load
            log.exception("applying a link failed")
            return skip

    return apply_link


def build_demo() -> gr.Blocks:
    """Assemble the Blocks app. A tab that fails to build shows why instead of taking the app down."""
    refreshes: list[Refresh] = []
    tabs: list[gr.Tab] = []
    linked: list[deep_links.Linked] = []
    with gr.Blocks(title=TITLE, delete_cache=(3600, 3600)) as demo:
        with gr.Row(equal_height=True):
            gr.Markdown("# ResNet Explainer", elem_id="title")
            with gr.Column(scale=0, min_width=200):
                copy = gr.Button(T("Copy link"), size="sm", elem_id="copy-link")
            present = gr.Checkbox(value=False, label=T("Presenter mode"), elem_id="presenter", scale=0,
                                  min_width=170, info=T("for a projector: larger text, one column"))
            language = gr.Radio([(name, code) for code, name in LANGUAGES.items()], value="en",
                                label="Language / 语言", elem_id="language", scale=0, min_width=300)
        gr.Markdown(T(HEADER))
        link_box = gr.Textbox(label=T("Link to this view"), visible=False, interactive=False, buttons=["copy"],
                              elem_id="link-box")
        link_note = gr.Markdown(visible=False, elem_id="link-note")
        with gr.Tabs() as tab_bar:
            for label, module_name in TABS:
                with gr.Tab(T(label), id=module_name) as tab:
                    tabs.append(tab)
                    try:
                        refreshes += importlib.import_module(f"explainer.ui.{module_name}").build() or []
                    except Exception as err:  # noqa: BLE001 -- keep the other tabs serving
                        log.exception("tab %s failed to build", label)
                        gr.Markdown(tr("⚠️ This tab is unavailable: {error}", error=err))
                # The address bar follows the tab and its controls (JS only: no server round trip).
                tab_linked = deep_links.collect(tab, module_name)
                linked += tab_linked
                key = deep_links.tab_key(module_name)
                tab.select(None, js=deep_links.tab_script(key), api_visibility="private", queue=False)
                if tab_linked:
                    gr.on([item.component.change for item in tab_linked], None,
                          inputs=[item.component for item in tab_linked],
                          js=deep_links.url_script(key, [item.key for item in tab_linked]),
                          api_visibility="private", queue=False)
        copy.click(None, None, link_box, js=deep_links.COPY_SCRIPT, api_visibility="private", queue=False).then(
            lambda: gr.update(visible=True), None, link_box, api_visibility="private", queue=False)
        # Server-rendered text (explanations with numbers, plot titles) is redrawn in the new
        # language after a switch, and after page load when the browser is not English.
        switched = language.input(None, inputs=language, outputs=language, js=_SET_LANGUAGE_JS,
                                  api_visibility="private", queue=False)
        # A link's settings are applied first, so that every section opens computed with them.
        tab_ids = {deep_links.tab_key(m): m for _, m in TABS}
        presented = present.input(None, inputs=present, outputs=present, js=_SET_PRESENTER_JS,
                                  api_visibility="private", queue=False)
        loaded = demo.load(None, outputs=language, js=_LOAD_LANGUAGE_JS, api_visibility="private", queue=False).then(
            None, outputs=present, js=_LOAD_PRESENTER_JS, api_visibility="private", queue=False).then(
            _link_handler(linked, tab_ids), None, [tab_bar, link_note, *(item.component for item in linked)],
            api_visibility="private", queue=False)
        loaded.then(None, js=deep_links.LINK_APPLIED_SCRIPT, api_visibility="private", queue=False)
        for r in refreshes:
            switched.then(r.fn, r.inputs, r.outputs, api_visibility="private")
            presented.then(r.fn, r.inputs, r.outputs, api_visibility="private")  # figures redrawn for the mode
            loaded.then(r.on_load, r.inputs, r.outputs, api_visibility="private")
        # Gradio's tab bar keeps the labels it translated first (the browser's language, before a saved
        # choice is applied); send the translated text itself, after loading too.
        for event in (switched, loaded):
            event.then(_tab_labels, None, tabs, api_visibility="private", queue=False)
    demo.linked_controls = linked  # type: ignore[attr-defined]  # for tests and the docs: what a link can carry
    return demo


def warm_up() -> None:
    """Compute every tab's default results once, right after the server listens (``app.py``).

    Requests that arrive meanwhile wait for the same computations (``compute_once``) and get the same
    answers; nothing here changes state that other threads use (issue 11: the tracer installs no
    process-wide hooks any more). The first shape trace also pays torch._dynamo's one-time import.
    """
    for _label, module_name in TABS:
        module = importlib.import_module(f"explainer.ui.{module_name}")
        if hasattr(module, "warm_up"):
            try:
                module.warm_up()
            except Exception:  # noqa: BLE001 -- a tab that cannot warm up still serves on demand
                log.exception("warm-up of %s failed", module_name)

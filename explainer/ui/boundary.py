"""The error/language boundary every tab goes through: static text as gr.I18n keys, the request's language,
exceptions turned into translated ``gr.Error`` sentences, and redraws after a language switch."""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import gradio as gr

from explainer.i18n import COOKIE, ENGLISH, LANGUAGES, catalogue, current_language, pick_language, tr, use_language
from explainer.ui.presenter import cookie_presenting, presenting, restyle_outputs, use_presenter

log = logging.getLogger("resnet_explainer")
F = TypeVar("F", bound=Callable[..., Any])

# Static UI text goes to the browser as gr.I18n keys (the English sentence is the key) and is
# translated there; launch(i18n=I18N) hands it the dictionaries. Only ids made with T() become keys:
# Gradio's frontend translates *every* displayed string that equals a key, choice values included,
# so a key like "identity" would turn a Radio's value into "恒等" and break the handler.
I18N = gr.I18n(**{lang: {} for lang in LANGUAGES})


def T(msgid: str) -> Any:
    """A static UI string (label, heading, Markdown) that the browser shows in the user's language."""
    for lang in LANGUAGES:
        I18N.translations[lang][msgid] = catalogue(lang).get(msgid, msgid)
    return I18N(msgid)


def request_language(request: gr.Request | None) -> str:
    """The language to answer ``request`` in: the page's choice (cookie), else the browser's.

    Without a request (a handler called by another handler, or directly in tests) the language
    already in effect is kept.
    """
    if request is None:
        return current_language()
    cookies = getattr(request, "cookies", None) or {}
    headers = getattr(request, "headers", None) or {}
    return pick_language(cookies.get(COOKIE), headers.get("accept-language"))


def request_presenting(request: gr.Request | None) -> bool:
    """Whether ``request`` comes from a page in presenter mode (its cookie); without a request, the mode in effect."""
    if request is None:
        return presenting()
    return cookie_presenting(getattr(request, "cookies", None))


def table(headers: Sequence[str], rows: list[list[Any]]) -> dict[str, Any]:
    """A Dataframe value whose column names (message ids) are in the request's language."""
    return {"headers": [tr(h) for h in headers], "data": rows}


@dataclass(frozen=True)
class Refresh:
    """Outputs a tab renders on the server that must be redrawn when the language changes.

    ``fn`` is a ``ui_errors`` handler computing ``outputs`` from ``inputs``; the app calls it after
    a language switch, and after page load unless the page is in English (the build-time values
    already are) -- or on every page load when ``every_load`` is set.
    """

    fn: Callable[..., Any]
    inputs: Sequence[Any]
    outputs: Sequence[Any]
    every_load: bool = False  # also compute on every page load (outputs left empty at build time)

    @property
    def on_load(self) -> Callable[..., Any]:
        if self.every_load:
            return self.fn
        fn, n = self.fn, len(self.outputs)

        @functools.wraps(fn)
        def refresh_if_translated(*args: Any, **kwargs: Any) -> Any:
            _, _, lang, present = _split_request(args, dict(kwargs))
            if lang == ENGLISH and not present:  # the page as built is already right
                return gr.skip() if n == 1 else tuple(gr.skip() for _ in range(n))
            return fn(*args, **kwargs)

        # Same signature as fn (a ui_errors handler, so it already asks for the request).
        refresh_if_translated.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
        return refresh_if_translated


def _with_request(fn: Callable[..., Any], wrapper: Callable[..., Any]) -> None:
    """Give ``wrapper`` the signature of ``fn`` plus a trailing ``request: gr.Request``.

    Gradio inspects the signature to inject the request; the request is not an input, so the
    public API signature (and ``gradio_client`` calls) stay the same.
    """
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if not any(p.name == "request" for p in params):
        params.append(inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                        annotation=gr.Request))
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**getattr(fn, "__annotations__", {}), "request": gr.Request}


def _split_request(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any], str, bool]:
    # Gradio inserts the request at its parameter's index, which is not the last position when a
    # handler's optional arguments are not wired to inputs: find it by type, not by position.
    request = kwargs.pop("request", None)
    rest = []
    for a in args:
        if isinstance(a, gr.Request):
            request = a
        else:
            rest.append(a)
    return rest, kwargs, request_language(request), request_presenting(request)


@contextlib.contextmanager
def _boundary(fn: Callable[..., Any], lang: str, present: bool) -> Iterator[None]:
    """Run a piece of a handler in ``lang`` (and presenter mode or not); its exceptions leave as ``gr.Error``
    sentences."""
    with use_language(lang), use_presenter(present):
        try:
            yield
        except gr.Error:
            raise
        except ValueError as err:  # the logic's and validation's sentences, already translated
            raise gr.Error(str(err)) from err
        except MemoryError as err:
            raise gr.Error(tr("That request needs more memory than this server has; try smaller sizes.")) from err
        except Exception as err:  # noqa: BLE001 -- the UI boundary: nothing may crash the app
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(tr("Something went wrong on the server ({error}); the app keeps running — please try "
                              "other settings.", error=type(err).__name__)) from err


def ui_errors(fn: F) -> F:
    """Run a handler in the request's language and turn its ``ValueError`` into a ``gr.Error``.

    The logic's sentences are already translated (``tr`` inside ``use_language``). Anything other
    than ``ValueError`` (a ``TypeError`` included: its text is Python's, not a sentence) is a bug: it is
    logged with its traceback on the server and the user gets a short apology instead of a stack trace.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        args_, kwargs_, lang, present = _split_request(args, kwargs)
        with _boundary(fn, lang, present):
            result = fn(*args_, **kwargs_)
            return restyle_outputs(result) if present else result

    _with_request(fn, wrapper)
    return wrapper  # type: ignore[return-value]


def ui_errors_gen(fn: F) -> F:
    """``ui_errors`` for generator handlers (streaming updates, e.g. live training).

    Gradio may advance the generator from different worker threads, so the language is set
    around every step rather than once.
    """
    done = object()

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        args_, kwargs_, lang, present = _split_request(args, kwargs)
        with _boundary(fn, lang, present):
            gen = fn(*args_, **kwargs_)
        while True:
            with _boundary(fn, lang, present):
                item = next(gen, done)
                if item is not done and present:
                    item = restyle_outputs(item)
            if item is done:
                return
            yield item

    _with_request(fn, wrapper)
    return wrapper  # type: ignore[return-value]

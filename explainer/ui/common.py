"""What every tab shares: error translation at the UI boundary and the queue groups."""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, TypeVar

import gradio as gr

log = logging.getLogger("resnet_explainer")
F = TypeVar("F", bound=Callable[..., Any])

# CPU-heavy events (training, attributions, gradient norms) share one queue group sized for a
# 2-vCPU Space: two at a time, the rest wait in line. Cheap events (shape tables) keep Gradio's
# default and are not stuck behind them.
HEAVY: dict[str, Any] = {"concurrency_id": "heavy", "concurrency_limit": 2}


def ui_errors(fn: F) -> F:
    """Turn the logic's ``ValueError`` into a ``gr.Error`` with the same sentence.

    Anything else is a bug: it is logged with its traceback on the server and the user gets a
    short apology instead of a stack trace.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except (ValueError, TypeError) as err:
            raise gr.Error(str(err)) from err
        except MemoryError as err:
            raise gr.Error("That request needs more memory than this server has; try smaller sizes.") from err
        except Exception as err:  # noqa: BLE001 -- the UI boundary: nothing may crash the app
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(f"Something went wrong on the server ({type(err).__name__}); the app keeps running — please try other settings.") from err

    return wrapper  # type: ignore[return-value]


def ui_errors_gen(fn: F) -> F:
    """``ui_errors`` for generator handlers (streaming updates, e.g. live training)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            yield from fn(*args, **kwargs)
        except gr.Error:
            raise
        except (ValueError, TypeError) as err:
            raise gr.Error(str(err)) from err
        except Exception as err:  # noqa: BLE001
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(f"Something went wrong on the server ({type(err).__name__}); the app keeps running.") from err

    return wrapper  # type: ignore[return-value]


def as_int(value: Any, name: str, *, lo: int, hi: int) -> int:
    """Server-side check of a numeric widget value: a whole number within [lo, hi] or ``ValueError``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if number != number:  # NaN
        raise ValueError(f"{name} must be a number, got NaN.")
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number, got {value}.")
    number_i = int(number)
    if not lo <= number_i <= hi:
        raise ValueError(f"{name} must be between {lo} and {hi}, got {number_i}.")
    return number_i

"""The app's queue (explainer/ui/queues.py): heavy events limited per session, abandoned events dropped.

A tiny Blocks app with one heavy handler that waits for the test to release it, served with
``configure_queue`` exactly as app.py serves the real one, driven over Gradio's raw HTTP protocol.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import gradio as gr
import pytest

from explainer.i18n import CHINESE, catalogue
from explainer.ui.queues import (
    HEAVY,
    HEAVY_LIMIT_MESSAGE,
    MAX_HEAVY_PER_SESSION,
    configure_queue,
    limit_heavy_per_session,
)
from tests.conftest import free_port

RELEASE = threading.Event()


def _slow(x: float) -> float:
    RELEASE.wait(30)
    return x


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[gr.Blocks, str]]:
    with gr.Blocks() as demo:
        number = gr.Number()
        out = gr.Number()
        number.submit(_slow, number, out, api_name="slow", **HEAVY)
        number.change(lambda x: x, number, out, api_name="quick")
    configure_queue(demo)
    port = free_port()
    demo.launch(prevent_thread_lock=True, quiet=True, server_name="127.0.0.1", server_port=port)
    yield demo, f"http://127.0.0.1:{port}/gradio_api"
    RELEASE.set()
    demo.close()


def _fn_index(demo: gr.Blocks, api_name: str) -> int:
    return next(i for i, fn in demo.fns.items() if fn.api_name == api_name)


def _join(api: str, fn_index: int, session: str, language: str | None = None) -> tuple[int, dict]:
    body = json.dumps({"data": [1], "fn_index": fn_index, "session_hash": session,
                       "event_data": None, "trigger_id": None}).encode()
    headers = {"Content-Type": "application/json", **({"Accept-Language": language} if language else {})}
    req = urllib.request.Request(api + "/queue/join", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def _heavy_waiting(demo: gr.Blocks, session: str) -> int:
    queue = demo._queue.event_queue_per_concurrency_id.get(HEAVY["concurrency_id"])
    return sum(e.session_hash == session for e in (queue.queue if queue else []))


def test_the_limit_is_installed_on_this_gradio_release(served: tuple[gr.Blocks, str]) -> None:
    """Fails on a Gradio release the limit was not checked against (it is skipped there, with a warning)."""
    demo, _ = served
    assert limit_heavy_per_session(demo) is True
    assert demo._queue.push.heavy_limit == MAX_HEAVY_PER_SESSION


def test_a_session_cannot_queue_more_heavy_events_than_the_limit(served: tuple[gr.Blocks, str]) -> None:
    demo, api = served
    slow, quick = _fn_index(demo, "slow"), _fn_index(demo, "quick")
    session = uuid.uuid4().hex
    RELEASE.clear()
    try:
        answers = [_join(api, slow, session) for _ in range(MAX_HEAVY_PER_SESSION)]
        assert all(status == 200 for status, _ in answers), answers
        status, body = _join(api, slow, session)
        assert status == 400 and body["detail"] == HEAVY_LIMIT_MESSAGE.format(n=MAX_HEAVY_PER_SESSION)
        status, body = _join(api, slow, session, language="zh-CN,zh;q=0.9")
        assert status == 400
        assert body["detail"] == catalogue(CHINESE)[HEAVY_LIMIT_MESSAGE].format(n=MAX_HEAVY_PER_SESSION)
        assert _join(api, quick, session)[0] == 200, "cheap events are not limited"
        assert _join(api, slow, uuid.uuid4().hex)[0] == 200, "another session is not limited"
    finally:
        RELEASE.set()
    # Once its events are answered, the session may queue heavy work again.
    deadline = time.monotonic() + 20
    while _heavy_waiting(demo, session) and time.monotonic() < deadline:
        time.sleep(0.1)
    RELEASE.clear()
    try:
        time.sleep(0.5)  # the running event finishes
        assert _join(api, slow, session)[0] == 200
    finally:
        RELEASE.set()


def test_events_of_a_client_that_left_are_dropped(served: tuple[gr.Blocks, str]) -> None:
    """Gradio drops a session's waiting events when its event stream closes: a class leaving the page
    does not leave its clicks to be computed for nobody."""
    demo, api = served
    slow = _fn_index(demo, "slow")
    leaver = uuid.uuid4().hex
    RELEASE.clear()
    try:
        for _ in range(HEAVY["concurrency_limit"]):  # other sessions' events run and hold every heavy slot
            assert _join(api, slow, uuid.uuid4().hex)[0] == 200
        time.sleep(0.3)
        for _ in range(2):
            assert _join(api, slow, leaver)[0] == 200
        time.sleep(0.3)
        assert _heavy_waiting(demo, leaver) == 2
        stream = urllib.request.urlopen(f"{api}/queue/data?session_hash={leaver}", timeout=10)
        stream.readline()  # the stream is open
        stream.close()  # the client leaves
        deadline = time.monotonic() + 15
        while _heavy_waiting(demo, leaver) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _heavy_waiting(demo, leaver) == 0
    finally:
        RELEASE.set()

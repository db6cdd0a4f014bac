"""Shared test setup: no analytics, deterministic torch, the app's library settings, the app served once."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
import torch

from explainer import runtime
from explainer.training.checkpoint import load_model
from explainer.ui.gradio_patches import apply_gradio_patches
from tests.support.factories import tiny_image, tiny_model

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
torch.manual_seed(0)
runtime.configure_libraries()  # the library settings app.py applies (Pillow limits, CJK plot font)
apply_gradio_patches()  # and its Gradio patches


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    """One intra-op thread: on a machine shared with other jobs, 2-thread OpenMP convolutions stall at
    their barriers (10× slower here, measured); alone on 2 cores, one thread costs < 2×."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def app_client() -> Iterator[object]:
    """The real app (``app.demo``) served on a free local port, and a gradio_client for it."""
    from gradio_client import Client

    import app
    from explainer.ui.launch import launch_kwargs
    from explainer.ui.queues import configure_queue

    port = free_port()
    kwargs = {**launch_kwargs(), "server_name": "127.0.0.1", "server_port": port}
    configure_queue(app.demo).launch(prevent_thread_lock=True, quiet=True, **kwargs)
    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    yield client
    client.close()
    app.demo.close()


# The tiny seeded ResNet and image most Inside tests share; module scope: each test module gets its own.
@pytest.fixture(scope="module")
def model() -> torch.nn.Module:
    return tiny_model()


@pytest.fixture(scope="module")
def x() -> torch.Tensor:
    return tiny_image()


@pytest.fixture(scope="module")
def shipped() -> torch.nn.Module:
    """The shipped ResNet-18 (tests that use it are marked SHIPPED: skipped without the checkpoint)."""
    return load_model()


@pytest.fixture
def served_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Inside tab's served instances: the shipped model, or untrained twins (equal weights) without it."""
    from explainer.models.resnet import build_resnet, d2l_resnet18_spec
    from explainer.training.artifacts import DEFAULT_WEIGHTS
    from explainer.ui import inside_models

    if not DEFAULT_WEIGHTS.is_file():
        torch.manual_seed(0)
        twin = build_resnet(d2l_resnet18_spec())
        for work in inside_models.WORKS:
            copy = build_resnet(d2l_resnet18_spec())
            copy.load_state_dict(twin.state_dict())
            monkeypatch.setitem(inside_models._CACHE, ("fashion", work), inside_models._served(copy))

"""A class at once on the Inside tab (issue 11): concurrent requests get the single-user answers, and the
same request from many users is computed once."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from explainer.inside import features, images
from explainer.inside.attribution_methods import FASHION_BASELINE, GRADCAM, SALIENCY, attribute
from explainer.inside.attribution_overlays import overlay
from explainer.inside.deletion_metric import deletion_curve, random_deletion_curve
from explainer.models.resnet import build_resnet, d2l_resnet18_spec
from explainer.training.fashion_mnist import CLASS_NAMES
from explainer.training.samples import example_paths
from explainer.ui import compute_once, inside_handlers, inside_models, inside_results
from explainer.ui.inside_models import HEAVY_WORK, QUICK_WORK

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def cold(served_models: None) -> None:
    """The served models (conftest's ``served_models``) and empty result caches."""
    compute_once.NUMBERS.clear()
    compute_once.VIEWS.clear()


def _single_user(path: str, method: str) -> tuple[dict[str, float], np.ndarray, dict]:
    """What one user got before the caches: the logic called directly on a private model."""
    model = inside_models._served(build_resnet(d2l_resnet18_spec()))
    model.load_state_dict(inside_models.fashion_model(QUICK_WORK).state_dict())
    prep = images.prepare_fashion(path, invert="auto")
    label = features.top_classes(features.predict(model, prep.x), CLASS_NAMES)
    a = attribute(model, prep.x, method, baseline=FASHION_BASELINE)
    curve = deletion_curve(model, prep.x, a.map, a.target, baseline=FASHION_BASELINE)
    rand = random_deletion_curve(model, prep.x, a.target, baseline=FASHION_BASELINE)
    score = {"method": method, "target": CLASS_NAMES[a.target], "deletion_auc": round(curve.auc, 4),
             "random_auc": round(rand.auc, 4), "better_than_random": bool(curve.auc < rand.auc)}
    return label, overlay(prep.display, a.map, opacity=0.6, signed=a.signed), score


def test_concurrent_predictions_and_attributions_equal_single_user_answers(cold: None) -> None:
    paths = [str(p) for p in example_paths()[:3]]
    expected = {(p, m): _single_user(p, m) for p in paths for m in (SALIENCY, GRADCAM)}
    jobs = [(p, m) for _ in range(4) for p in paths for m in (SALIENCY, GRADCAM)]

    def one(job: tuple[str, str]) -> tuple[tuple[str, str], tuple]:
        path, method = job
        label = inside_handlers.api_predict(path)
        image, score = inside_handlers.api_attribute(path, method)
        return job, (label, image, score)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one, jobs))  # an exception in any request fails here
    assert len(answers) == len(jobs)
    for job, (label, image, score) in answers:
        want_label, want_image, want_score = expected[job]
        assert label == want_label
        np.testing.assert_array_equal(image, want_image)
        assert {k: score[k] for k in want_score} == want_score  # /attribute adds the references (issue 13)


def test_the_same_request_from_many_users_is_computed_once(cold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def counting(name: str, fn):
        def wrapper(*args, **kwargs):
            with lock:
                calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(inside_results, "attribute", counting("attribute", inside_results.attribute))
    monkeypatch.setattr(inside_results, "deletion_curve", counting("deletion", inside_results.deletion_curve))
    monkeypatch.setattr(features, "predict", counting("predict", features.predict))
    path = str(example_paths()[4])
    first = inside_handlers.api_attribute(path, GRADCAM), inside_handlers.api_predict(path)
    assert calls == Counter(attribute=1, deletion=1, predict=1)

    # 40 students, same step, same moment: no more model work, the same answers.
    with ThreadPoolExecutor(max_workers=40) as pool:
        again = list(pool.map(lambda _: (inside_handlers.api_attribute(path, GRADCAM),
                                         inside_handlers.api_predict(path)), range(40)))
    assert calls == Counter(attribute=1, deletion=1, predict=1)
    for (image, score), label in again:
        np.testing.assert_array_equal(image, first[0][0])
        assert score == first[0][1] and label == first[1]


def test_simultaneous_first_requests_wait_for_one_computation(cold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Barrier(12)
    calls: list[int] = []
    real = inside_results.attribute

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(inside_results, "attribute", counted)
    path = str(example_paths()[5])

    def one(_: int):
        started.wait()
        return inside_handlers.api_attribute(path, SALIENCY)[1]

    with ThreadPoolExecutor(max_workers=12) as pool:
        scores = list(pool.map(one, range(12)))
    assert len(calls) == 1 and all(s == scores[0] for s in scores)


def test_a_quick_request_does_not_wait_for_the_heavy_instance(cold: None) -> None:
    """The HEAVY instance's lock held (an attribution running) does not block a prediction."""
    heavy = inside_models.fashion_model(HEAVY_WORK)
    path = str(example_paths()[6])
    with inside_models.instance_lock(heavy):
        done = threading.Event()
        result: list = []
        worker = threading.Thread(target=lambda: (result.append(inside_handlers.api_predict(path)), done.set()))
        worker.start()
        assert done.wait(timeout=30), "the prediction waited for the heavy instance"
    worker.join()
    assert set(result[0]) == set(CLASS_NAMES)

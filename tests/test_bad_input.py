"""Bad input, everywhere: every endpoint and control gets malformed values, through the real app.

One table (``tests.support.bad_inputs.build_table``): non-image bytes named .png, truncated JPEG, 0-byte
file, a complete 30000×30000 PNG bomb (110 kB on disk), a 49-megapixel PNG, an upload over 10 MB,
animated GIF, CMYK JPEG, 16-bit and palette PNGs, 1×1 images; negative, zero, NaN, huge,
non-integer, text, 400-digit, ``true`` and "64" numbers; unknown preset/method/layer/class names.
Issue 12 adds what only a hand-made request sends (``build_boundary_table``, over raw HTTP): file
payloads without ``meta`` naming server files, ``data:`` URLs (valid, oversize, not an image, a
1×50M strip), 1×16000 / 60000×1 / 1×39M strips, zTXt/iTXt text bombs (also asked in Chinese), lists,
dicts and a 1 MB string where names belong, "false" for a checkbox, duplicated and unknown method
lists, and the private triggers the page calls by ``fn_index``. Each must get a clear sentence (or,
for images the app converts, a valid result) -- never a stack trace, Gradio's generic error, or more
than ~60 characters of the request echoed back; a request in Chinese gets its answer in Chinese --
and the endpoint must answer its next valid request. ``scripts/bad_input_report.py``
runs the same table against ``python app.py`` and reports seconds per case and the server's peak RSS.

Cost: the cases go over raw HTTP (a browser's requests: 0.3-0.4 s a call where ``gradio_client`` took 2-4 s
in a probe on the loaded 2-core machine, 0.5-1.3 s in a full run), one test per endpoint sends its cases in turn and lists every failing case by id (sending
them from 4 sessions at once was 5× slower here: the cases' real work competes for 2 cores); each file is
uploaded once. ``gradio_client`` still sends one refused case per public endpoint and every valid request.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import pytest

from tests.support import bad_inputs as bad

# Gradio opens an upload's header before our handler refuses a 49-megapixel image; Pillow warns there.
pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")

TABLE = bad.build_table()
ENDPOINTS = list(dict.fromkeys(c.endpoint for c in TABLE))
# Cheap endpoints get a valid request right after each bad upload or NaN (the unusual paths: a failed
# decode, the raw protocol); after the other cases -- refused in validation, before any work -- one valid
# request per endpoint follows its whole batch.
FOLLOW_EVERY_UPLOAD = ("/predict", "/feature_maps", "/analyse", "/update_feature_maps")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return bad.write_bad_files(tmp_path_factory.mktemp("bad_inputs"))


@pytest.fixture(scope="module")
def raw(app_client) -> bad.RawClient:  # noqa: ANN001
    return bad.RawClient(app_client.src)


def answer_problem(case: bad.Case, result: bad.Result) -> str | None:
    """What is wrong with ``result`` as the answer to ``case``, or None."""
    if result.kind == "error":
        if case.expect == "ok":
            return f"a valid input was refused: {result.message[:300]!r}"
        problem = bad.message_problem(result.message, case.args)
        if problem:
            return f"{problem}: {result.message[:300]!r}"
        if case.language and case.language.startswith("zh") and not bad.in_chinese(result.message):
            return f"asked in Chinese, answered {result.message[:300]!r}"
        return None
    if case.expect == "error":
        return f"accepted instead of refused; returned {str(result.value)[:200]}"
    return None if result.value is not None else "no value returned"


def _unusual(case: bad.Case) -> bool:
    return case.raw or bad.has_nan(case.args) or any(isinstance(a, (bad.BadFile, bad.Sketch)) for a in case.args)


def _valid_call_problem(raw: bad.RawClient, endpoint: str, files: dict[str, Path]) -> str | None:
    result = bad.run_case(None, raw, endpoint, bad.VALID[endpoint], files)
    return None if result.kind == "ok" else f"the next valid request to {endpoint} failed: {result.message[:300]!r}"


def _one_case(raw: bad.RawClient, case: bad.Case, files: dict[str, Path]) -> str | None:
    """The problem with ``case`` (its answer, or the valid request right after it), or None. A case with a
    ``known_gap`` must still fail (a strict xfail): when it passes, that is the problem to report."""
    problem = answer_problem(case, bad.run(None, raw, case, files))
    if problem is None and case.endpoint in FOLLOW_EVERY_UPLOAD and _unusual(case):
        problem = _valid_call_problem(raw, case.endpoint, files)
    if case.known_gap:
        return None if problem else f"known gap fixed, remove known_gap ({case.known_gap})"
    return problem


def run_batch(raw: bad.RawClient, cases: list[bad.Case], files: dict[str, Path]) -> list[str]:
    """Every case of ``cases`` sent in turn; '<case id>: <problem>' for each failure (all cases run)."""
    failures = []
    for case in cases:
        try:
            problem = _one_case(raw, case, files)
        except Exception as err:  # noqa: BLE001 -- a broken connection is this case's failure, not the batch's
            problem = f"{type(err).__name__}: {err}"
        if problem is not None:
            failures.append(f"{case.id}: {problem}")
    return failures


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_bad_input_gets_a_sentence_and_the_app_keeps_serving(raw, files, endpoint: str) -> None:
    """Every case of the table for ``endpoint`` (ids in the failure message), then a valid request."""
    cases = [c for c in TABLE if c.endpoint == endpoint]
    failures = run_batch(raw, cases, files)
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)
    assert _valid_call_problem(raw, endpoint, files) is None


#: One refused case per endpoint ``gradio_client`` lists, sent through it: the Python client shows the
#: same sentence as the raw protocol (gradio_client's calls cost more, so only these).
CLIENT_CASES = [next(c for c in TABLE if c.endpoint == e and c.expect == "error" and not c.raw and not c.language
                     and c.endpoint not in bad.PRIVATE and not bad.has_nan(c.args)
                     and (e != "/predict" or isinstance(c.args[0], bad.BadFile)))
                for e in ENDPOINTS if e not in bad.PRIVATE]


@pytest.mark.parametrize("case", CLIENT_CASES, ids=[c.id for c in CLIENT_CASES])
def test_the_python_client_gets_the_same_sentence(app_client, raw, files, case: bad.Case) -> None:
    through_client = bad.run(app_client, raw, case, files)
    assert through_client.kind == "error" and answer_problem(case, through_client) is None, through_client.message
    assert through_client.message == bad.run(None, raw, case, files).message


@pytest.mark.parametrize("endpoint", [pytest.param(e, marks=pytest.mark.slow) if e == "/lesion" else e
                                      for e in bad.VALID])
def test_every_endpoint_answers_a_valid_request_after_the_bad_ones(app_client, raw, files, endpoint: str) -> None:  # noqa: ANN001
    """Through ``gradio_client`` where it can call the endpoint (the documented way), raw HTTP otherwise."""
    result = bad.run_case(app_client, raw, endpoint, bad.VALID[endpoint], files)
    assert result.kind == "ok", f"the next valid request to {endpoint} failed: {result.message!r}"


def test_the_table_covers_every_endpoint_and_every_control(raw: bad.RawClient) -> None:
    """Every endpoint a request can call -- public, undocumented, and private (the page calls those by
    ``fn_index``, so anyone can) -- is in the table, and every one of its inputs is varied."""
    ours = {"/lesion": []}  # public, no inputs: its valid call is in the table
    for api_name, (_, is_state) in raw.deps.items():
        if api_name.rstrip("0123456789").endswith("_") or not any(not s for s in is_state):
            continue  # "/analyse_1" etc. are more triggers of the same function; no input to vary
        if api_name not in bad.NOT_IN_TABLE:
            ours[api_name] = [not s for s in is_state]
    assert set(ours) == set(bad.VALID)
    for endpoint, is_input in ours.items():
        valid = bad.VALID[endpoint]
        assert len(valid) == sum(is_input), endpoint
        varied = {i for c in TABLE if c.endpoint == endpoint for i, (a, b) in enumerate(zip(c.args, valid)) if a != b}
        assert varied == set(range(len(valid))), f"{endpoint}: inputs {set(range(len(valid))) - varied} never varied"


def test_readme_documents_the_server_limits() -> None:
    from explainer.degradation import live_run, nets
    from explainer.inside import images
    from explainer.ui.launch import MAX_FILE_SIZE
    from explainer.ui.validation import MAX_CHANNELS, MAX_CLASSES, MAX_DEPTH, MAX_SIDE

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    limits = readme.split("## Limits", 1)[1].split("\n## ", 1)[0]
    assert MAX_FILE_SIZE == f"{images.MAX_UPLOAD_BYTES // 2**20}mb"
    for text in (f"1…{MAX_SIDE}", f"1…{MAX_CHANNELS}", f"1…{MAX_CLASSES:,}", "1 or 2",
                 f"{nets.MIN_DEPTH}…{MAX_DEPTH}", f"{nets.MIN_DEPTH}…{live_run.LIVE_MAX_DEPTH}", f"10…{live_run.LIVE_MAX_STEPS} steps",
                 f"{images.MAX_UPLOAD_BYTES // 2**20} MB", f"{images.MAX_PIXELS // 10**6} megapixels"):
        assert text in limits, text


# --- the live mini-run: a private generator (over raw HTTP in the table too), also called directly ----


def _first_update(depth: object, steps: object) -> Iterator[object]:
    from explainer.ui.degradation_tab import live_handler

    return next(live_handler(depth, steps))


@pytest.mark.parametrize("label, depth, steps", bad.LIVE_CASES, ids=[c[0] for c in bad.LIVE_CASES])
def test_live_run_refuses_bad_settings_with_a_sentence(label: str, depth: object, steps: object) -> None:
    with pytest.raises(gr.Error) as info:
        _first_update(depth, steps)
    problem = bad.message_problem(info.value.message)
    assert problem is None, f"{problem}: {info.value.message!r}"


@pytest.mark.usefixtures("one_thread")
def test_live_run_still_runs_after_bad_settings() -> None:
    from explainer.ui.degradation_tab import live_handler

    updates = list(live_handler(*bad.LIVE_VALID))
    assert updates and "Step 10/10" in updates[-1][1]

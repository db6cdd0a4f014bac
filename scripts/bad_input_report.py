"""Bad input against the real server: ``python scripts/bad_input_report.py``.

Starts ``python app.py`` in a subprocess (``benchmarks.endpoints.cold_start``: free port, no analytics),
sends every case of ``tests.support.bad_inputs.build_table()`` -- through ``gradio_client``, or over raw
HTTP for what a client library would never send (NaN, oversized uploads, file payloads without
``meta`` naming server files, data URLs, wrong JSON types, requests in Chinese, private triggers) --
then the endpoint's valid request (for the slow endpoints once, after their last case), and prints
one line per case:

    <endpoint> <case> <seconds> <ok|OVER> (1 s target) <expectation PASS|FAIL> next=<ok|FAIL|-> rss=<MB> <message>

and a summary: cases, the slowest, those over 1 s, whether every server path got the same answer per
image input, and the server's peak RSS over its idle RSS (VmRSS sampled every 20 ms; VmHWM from
/proc/<pid>/status). Timing lives here, not in the tests: machines are shared.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.endpoints import cold_start
from tests.support import bad_inputs as bad

TARGET_S = 1.0


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak so far) of ``pid`` in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(pid: int, window: float = 3.0, busy: float = 0.05, limit: float = 300.0) -> float:
    """Wait until the process used less than ``busy`` of one core over ``window`` seconds; seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            break
    return time.monotonic() - t0


def reset_peak(pid: int) -> None:
    """Reset the process's VmHWM (``/proc/<pid>/clear_refs``, Linux ≥ 4.0) so it measures from now on."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        print("note: VmHWM could not be reset; it includes the warm-up", flush=True)


class RssSampler(threading.Thread):
    """Highest VmRSS of a process since the last ``reset``, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, memory_mb(self.pid)["VmRSS"])
            except (OSError, KeyError):
                return
            time.sleep(0.02)

    def reset(self) -> float:
        peak, self.peak = self.peak, 0.0
        return peak


def main() -> int:
    from gradio_client import Client

    seconds, proc, url = cold_start(ROOT / "app.py")
    # The page is served at once, but the warm-up (models loaded, every tab's defaults computed) goes on
    # for a while and takes ~500 MB: idle means after it, or the warm-up would be charged to the first cases.
    settled = wait_until_quiet(proc.pid)
    idle = memory_mb(proc.pid)["VmRSS"]
    reset_peak(proc.pid)
    print(f"server pid {proc.pid} up in {seconds:.1f} s at {url}; warm-up done after {settled:.0f} s; "
          f"idle RSS {idle:.0f} MB", flush=True)
    sampler = RssSampler(proc.pid)
    sampler.start()
    table = bad.build_table()
    last_of = {case.endpoint: i for i, case in enumerate(table)}
    failures, gaps, overs, worst, peak = [], [], [], (0.0, ""), (0.0, "")
    path_answers: dict[tuple[str, int, str | None], set[str]] = {}
    try:
        client, raw = Client(url, verbose=False), bad.RawClient(url)
        with tempfile.TemporaryDirectory() as tmp:
            files = bad.write_bad_files(tmp)
            for i, case in enumerate(table):
                sampler.reset()
                r = bad.run(client, raw, case, files)
                rss = sampler.reset()
                problem = bad.message_problem(r.message, case.args) if r.kind == "error" else None
                if not problem and r.kind == "error" and (case.language or "").startswith("zh") \
                        and not bad.in_chinese(r.message):
                    problem = "asked in Chinese, answered in another language"
                expected = not problem and (case.expect == "either" or case.expect == r.kind)
                follow = case.endpoint not in bad.SLOW or last_of[case.endpoint] == i
                nxt = bad.run_case(client, raw, case.endpoint, bad.VALID[case.endpoint], files) if follow else None
                for slot, a in enumerate(case.args):
                    if isinstance(a, (bad.ServerPath, bad.Composite)):
                        key = (case.endpoint, slot, case.language)
                        path_answers.setdefault(key, set()).add(r.message if r.kind == "error" else repr(r.value))
                over = r.seconds > TARGET_S
                if over:
                    overs.append(f"{case.id} ({r.seconds:.2f} s)")
                worst = max(worst, (r.seconds, case.id))
                peak = max(peak, (rss, case.id))
                if case.known_gap and not expected:
                    expected, problem = True, f"KNOWN GAP ({case.known_gap}): {problem}"
                    gaps.append(case.id)
                if not expected or (nxt is not None and nxt.kind != "ok"):
                    failures.append(case.id)
                text = problem or r.message or f"(valid result: {str(r.value)[:60]})"
                print(f"{case.endpoint:<26} {case.case[:44]:<44} {r.seconds:6.2f}s {'OVER' if over else 'ok':<4} "
                      f"{'PASS' if expected else 'FAIL'} next={'-' if nxt is None else 'ok' if nxt.kind == 'ok' else 'FAIL'} "
                      f"rss={rss:5.0f}MB  {text.replace(chr(10), ' ')[:80]}", flush=True)
            table_mem = memory_mb(proc.pid)  # before the lesion study loads its nets and 2000 images
            t0 = time.perf_counter()
            lesion = bad.run_case(client, raw, "/lesion", (), files)
            print(f"{'/lesion':<20} {'valid call (no inputs to break)':<42} {time.perf_counter() - t0:6.2f}s "
                  f"{'-':<4} {'PASS' if lesion.kind == 'ok' else 'FAIL'}", flush=True)
        client.close()
        mem = memory_mb(proc.pid)
    finally:
        sampler.stop.set()
        proc.terminate()
        proc.wait()
    raw_cases = sum(c.raw or c.language is not None or c.endpoint in bad.PRIVATE for c in table)
    print(f"\ncases: {len(table)} ({raw_cases} over raw HTTP); slowest {worst[0]:.2f} s ({worst[1]}); "
          f"over {TARGET_S:.0f} s: {len(overs)} {overs if overs else ''}")
    differing = {k: v for k, v in path_answers.items() if len(v) != 1}
    print(f"server paths: {len(path_answers)} image inputs × languages, each one answer for every path: "
          f"{'yes' if not differing else 'NO ' + str(differing)}")
    print(f"server memory: idle RSS {idle:.0f} MB; highest RSS during a case {peak[0]:.0f} MB "
          f"(+{peak[0] - idle:.0f} MB over idle, {peak[1]}); VmHWM over the table {table_mem['VmHWM']:.0f} MB "
          f"(+{table_mem['VmHWM'] - idle:.0f} MB); after the lesion study too {mem['VmHWM']:.0f} MB; "
          f"RSS at the end {mem['VmRSS']:.0f} MB")
    print(f"known gaps (Gradio's own checks, see the table): {len(gaps)} {gaps if gaps else ''}")
    print(f"failed expectations or next valid request: {len(failures)} {failures if failures else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

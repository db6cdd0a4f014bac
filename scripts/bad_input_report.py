"""Bad input against the real server: ``python scripts/bad_input_report.py``.

Starts ``python app.py`` in a subprocess (``benchmarks.endpoints.cold_start``: free port, no analytics),
sends every case of ``explainer.badinput.build_table()`` through ``gradio_client`` (NaN and the
oversized upload over raw HTTP), then the endpoint's valid request, and prints one line per case:

    <endpoint> <case> <seconds> <ok|OVER> (1 s target) <expectation PASS|FAIL> next=<ok|FAIL> rss=<MB> <message>

and a summary with the slowest case and the server's peak RSS (VmHWM from /proc/<pid>/status,
sampled every 20 ms as VmRSS too). Timing lives here, not in the tests: machines are shared.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.endpoints import cold_start  # noqa: E402
from tests.support import bad_inputs as bad  # noqa: E402

TARGET_S = 1.0


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak so far) of ``pid`` in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


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
    print(f"server pid {proc.pid} up in {seconds:.1f} s at {url}; RSS {memory_mb(proc.pid)['VmRSS']:.0f} MB", flush=True)
    sampler = RssSampler(proc.pid)
    sampler.start()
    failures, overs, worst = [], [], (0.0, "")
    try:
        client, raw = Client(url, verbose=False), bad.RawClient(url)
        with tempfile.TemporaryDirectory() as tmp:
            files = bad.write_bad_files(tmp)
            for case in bad.build_table():
                sampler.reset()
                r = bad.run_case(client, raw, case.endpoint, case.args, files)
                problem = bad.message_problem(r.message) if r.kind == "error" else None
                expected = not problem and (case.expect == "either" or case.expect == r.kind)
                nxt = bad.run_case(client, raw, case.endpoint, bad.VALID[case.endpoint], files)
                rss = sampler.reset()
                over = r.seconds > TARGET_S
                if over:
                    overs.append(case.id)
                if r.seconds > worst[0]:
                    worst = (r.seconds, case.id)
                if not expected or nxt.kind != "ok":
                    failures.append(case.id)
                text = problem or r.message or f"(valid result: {str(r.value)[:60]})"
                print(f"{case.endpoint:<20} {case.case:<42} {r.seconds:6.2f}s {'OVER' if over else 'ok':<4} "
                      f"{'PASS' if expected else 'FAIL'} next={'ok' if nxt.kind == 'ok' else 'FAIL'} "
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
    print(f"\ncases: {len(bad.build_table())}; slowest {worst[0]:.2f} s ({worst[1]}); over {TARGET_S:.0f} s: "
          f"{len(overs)} {overs if overs else ''}")
    print(f"server memory: peak RSS (VmHWM) over the table {table_mem['VmHWM']:.0f} MB; "
          f"after the lesion study too {mem['VmHWM']:.0f} MB; RSS at the end {mem['VmRSS']:.0f} MB")
    print(f"failed expectations or next valid request: {len(failures)} {failures if failures else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

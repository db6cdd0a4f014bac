"""The server under load: how the load scripts start ``app.py``, find an already running one, and read its RSS.

Shared by ``scripts/load_test.py`` (the weighted mix) and ``scripts/load_classroom.py`` (the class).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
RSS_SMOOTH_S = 5.0  # an RSS reading = median of the samples within ± this many seconds (see rss_growth)


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, kb, _ = line.split()
            fields[name] = int(kb) / 1024
    return fields["VmRSS:"], fields["VmHWM:"]


def rss_growth(samples: list[tuple[float, int, float]], first: int, last: int) -> tuple[float, float] | None:
    """RSS growth (MB) from when ``first`` requests were done to when ``last`` were: (smoothed, instantaneous).

    Smoothed = difference of the medians of the samples within ± RSS_SMOOTH_S seconds of each moment: a single
    reading also holds whatever the one heavy request in flight allocated (up to ~300 MB here), which
    would otherwise decide the result. None if fewer than ``last`` requests were done.
    """
    def at(done: int) -> tuple[float, float] | None:
        hit = next((s for s in samples if s[1] >= done), None)
        if hit is None:
            return None
        near = sorted(r for t, _, r in samples if abs(t - hit[0]) <= RSS_SMOOTH_S)
        return near[len(near) // 2], hit[2]

    a, b = at(first), at(last)
    if a is None or b is None or last <= first:
        return None
    return b[0] - a[0], b[1] - a[1]


class RssSampler:
    """Samples a process's VmRSS every ``interval`` seconds in a thread: ``samples`` = [(seconds, MB)]."""

    def __init__(self, pid: int | None, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        t0 = time.perf_counter()
        while self.pid is not None and not self._stop.wait(self.interval):
            try:
                self.samples.append((time.perf_counter() - t0, rss_mb(self.pid)[0]))
            except (OSError, KeyError):
                return

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def max_mb(self) -> float:
        return max((r for _, r in self.samples), default=float("nan"))


def server_script(heavy_limit: int | None) -> Path:
    """``app.py`` itself, or a launcher that changes the heavy group's queue limit first."""
    if heavy_limit is None:
        return ROOT / "app.py"
    lines = ["import runpy, sys", f"sys.path.insert(0, {str(ROOT)!r})",
             "from explainer.ui.queues import HEAVY", f"HEAVY['concurrency_limit'] = {heavy_limit}"]
    lines.append(f"runpy.run_path({str(ROOT / 'app.py')!r}, run_name='__main__')")
    path = Path(tempfile.mkdtemp(prefix="load_server_")) / "serve.py"
    path.write_text("\n".join(lines) + "\n")
    return path


class Running:
    """Stands in for the Popen of a server this script did not start: it is left running."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def terminate(self) -> None:
        pass

    def wait(self) -> None:
        pass


def listening_pid(url: str) -> int:
    """Pid of the local process listening on ``url``'s port (for its RSS), from /proc/net/tcp."""
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    inodes = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
              if int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A"}
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes:
                return int(fd.parts[2])
        except OSError:
            continue
    raise RuntimeError(f"no local process listens on {url}")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, for the report (the machine is shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())

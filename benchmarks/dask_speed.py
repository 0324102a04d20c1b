"""Batch throughput on Dask against local worker processes, on one generated archive, in one run.

    python benchmarks/dask_speed.py [--bodies 52] [--runs 3]

Measured, each a median over --runs (every run redoes every input: --force), as wall time and as
CPU time (every process of the run: client, scheduler, workers and their children). On a machine
shared with other work the wall times are noise; the CPU seconds say what the run costs:
- local --jobs 2 against a Dask cluster of 2 single-threaded workers, already running (as a cluster
  is when a batch is sent to it). Goal: Dask overhead <= 15%.
- the same cluster with 1 worker against 2 workers. Goal: >= 1.8x.
- --scheduler local:2 as one command (the LocalCluster's start-up included), for the record.
- seconds per input by format, from summary.csv (the figures the README's estimate starts from).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
sys.path.insert(0, str(ROOT / "benchmarks"))

PARENT = """
import json, resource, sys, time
from pathlib import Path
from report_extract.batch import Options, run
scheduler = sys.argv[4] or None
start = time.perf_counter()
outcome = run([sys.argv[1]], Options(outdir=Path(sys.argv[2]), jobs=int(sys.argv[3]), force=True,
                                     scheduler=scheduler))
cpu = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
          for field in ("ru_utime", "ru_stime"))
print(json.dumps({"seconds": time.perf_counter() - start, "inputs": outcome.total, "cpu": cpu}))
"""


def measure(archive: Path, jobs: int = 2, scheduler: str = "", keep: Path | None = None,
            cluster: Cluster | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the client and, given the cluster, of the cluster's processes)."""
    before = cluster.cpu() if cluster else 0.0
    with tempfile.TemporaryDirectory() as tmp:
        out = keep or Path(tmp)
        result = subprocess.run([sys.executable, "-c", PARENT, str(archive), str(out), str(jobs), scheduler],
                                capture_output=True, text=True, check=True, cwd=ROOT)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return figures["seconds"], figures["cpu"] + (cluster.cpu() - before if cluster else 0.0)


class Cluster:
    """A scheduler and N single-threaded workers, as separate processes (`dask scheduler`, `dask worker`)."""

    def __init__(self, workers: int, folder: Path):
        self.file = folder / f"scheduler-{workers}.json"
        self.scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file",
                                           str(self.file), "--port", "0", "--no-dashboard"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:  # the file appears before its content
            try:
                self.address = json.loads(self.file.read_text())["address"]
                break
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        self.workers = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                         "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from distributed import Client

        with Client(self.address) as client:
            client.wait_for_workers(workers, timeout=120)

    def cpu(self) -> float:
        """CPU seconds used so far by the scheduler, the workers and the workers' children."""
        import psutil

        total = 0.0
        for pid in (self.scheduler.pid, self.workers.pid):
            root = psutil.Process(pid)
            for process in [root, *root.children(recursive=True)]:
                try:
                    times = process.cpu_times()
                    total += times.user + times.system
                except psutil.NoSuchProcess:
                    pass
        return total

    def close(self) -> None:
        for process in (self.workers, self.scheduler):
            process.terminate()
            process.wait()


def per_format(summary: Path) -> dict[str, tuple[int, float]]:
    seconds: dict[str, list[float]] = {}
    with open(summary, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["status"] != "failed":
                seconds.setdefault(Path(row["path"]).suffix.lstrip("."), []).append(float(row["seconds"]))
    return {fmt: (len(values), sorted(values)[len(values) // 2]) for fmt, values in sorted(seconds.items())}


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    from batch_speed import make_archive

    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=52, help="bodies x 5 years (+ PDF/DOCX copies) in the archive")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        count = make_archive(archive, args.bodies)
        print(f"{count} inputs", flush=True)
        two, one = Cluster(2, Path(tmp)), Cluster(1, Path(tmp))
        try:
            measure(archive, scheduler=two.address)  # the workers' first children start here
            measure(archive, scheduler=one.address)
            idle = two.cpu()
            time.sleep(5)
            idle = (two.cpu() - idle) / 5  # CPU seconds a second the idle cluster spends (heartbeats, monitors)
            local, dask2, dask1, whole = [], [], [], []
            for _ in range(args.runs):
                local.append(measure(archive, jobs=2))
                dask2.append(measure(archive, scheduler=two.address, cluster=two))
                dask1.append(measure(archive, scheduler=one.address, cluster=one))
                whole.append(measure(archive, scheduler="local:2"))
                print(f"--jobs 2 {local[-1][0]:.2f} s (CPU {local[-1][1]:.2f} s); Dask 2 workers {dask2[-1][0]:.2f} s "
                      f"(CPU {dask2[-1][1]:.2f} s), 1 worker {dask1[-1][0]:.2f} s (CPU {dask1[-1][1]:.2f} s); "
                      f"--scheduler local:2 (start-up included) {whole[-1][0]:.2f} s", flush=True)
            keep = Path(tmp) / "kept"
            measure(archive, scheduler=two.address, keep=keep)
        finally:
            two.close()
            one.close()
        wall = {name: median([r[0] for r in runs]) for name, runs in (("local", local), ("dask2", dask2),
                                                                       ("dask1", dask1), ("whole", whole))}
        cpu = {name: median([r[1] for r in runs]) for name, runs in (("local", local), ("dask2", dask2))}
        net = median([r[1] - idle * r[0] for r in dask2])
        print(f"Dask (2 workers) against --jobs 2: {wall['dask2'] / wall['local'] - 1:+.1%} time, "
              f"{cpu['dask2'] / cpu['local'] - 1:+.1%} CPU (goal <= +15%); {net / cpu['local'] - 1:+.1%} CPU net of "
              f"what the idle cluster spends ({idle:.3f} CPU s/s)")
        print(f"Dask 2 workers against 1: {wall['dask1'] / wall['dask2']:.2f}x throughput (goal >= 1.8x)")
        print(f"--scheduler local:2 as one command against --jobs 2: {wall['whole'] / wall['local'] - 1:+.1%} time")
        for fmt, (n, seconds) in per_format(keep / "summary.csv").items():
            print(f"  .{fmt}: {n} inputs, median {seconds * 1000:.0f} ms each (in the worker)")


if __name__ == "__main__":
    main()

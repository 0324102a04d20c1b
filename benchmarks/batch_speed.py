"""Batch throughput (--jobs 2 against --jobs 1) and the parent's peak memory (300 against 1,000
inputs), on a generated archive, all in one run.

    python benchmarks/batch_speed.py [--bodies 60]

Goals: >= 1.85x throughput with two workers; the parent's peak memory the same for 300 and 1,000
inputs (results stream to disk; the parent keeps one summary line per input).

Beside each run's wall times, the CPU seconds the run cost (the parent and its workers): on a
machine shared with other work the wall times are noise, the CPU seconds much less so. Their
ratio (--jobs 2 over --jobs 1) says how much more CPU the same inputs took on two workers (a second
worker's start-up, and both cores busy at once); the parent's own share is the part that competes
with the workers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

PARENT = """
import json, resource, sys, time
from pathlib import Path
from report_extract.batch import Options, run
before = resource.getrusage(resource.RUSAGE_SELF)
cpu_before = before.ru_utime + before.ru_stime  # the imports above are not the run's
start = time.perf_counter()
outcome = run([sys.argv[1]], Options(outdir=Path(sys.argv[2]), jobs=int(sys.argv[3]), force=True))
seconds = time.perf_counter() - start
own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"seconds": seconds, "inputs": outcome.total, "peak_kib": own.ru_maxrss,
                  "parent_cpu": own.ru_utime + own.ru_stime - cpu_before,
                  "workers_cpu": children.ru_utime + children.ru_stime}))
"""


def make_archive(root: Path, bodies: int) -> int:
    from generate import ARCHIVE_FORMATS, chain, render_html, render_mhtml, render_text

    count = 0
    for b in range(bodies):
        for i, report in enumerate(chain(5000 + b, f"示例县第{b + 1}社区", [2021, 2022, 2023, 2024, 2025])):
            ext = ARCHIVE_FORMATS[(b + i) % 3]
            path = root / str(report.year) / f"{b}-{report.year}.{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            html = render_html(report)
            path.write_bytes({"txt": render_text(report).encode(), "html": html, "mht": render_mhtml(html)}[ext])
            count += 1
    for name in ("v2021-clean.pdf", "v2019-clean.pdf", "v2021-split-group.pdf", "v2021-clean.docx"):
        for copy in range(bodies // 6):
            target = root / "documents" / f"{copy}-{name}"
            target.parent.mkdir(exist_ok=True)
            target.write_bytes((ROOT / "tests" / "fixtures" / name).read_bytes())
            count += 1
    return count


def measure(archive: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run([sys.executable, "-c", PARENT, str(archive), out, str(jobs)], capture_output=True,
                                text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=52, help="bodies x 5 years (+ PDF/DOCX copies) in the archive")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small", Path(tmp) / "large"
        n_small = make_archive(small, args.bodies)
        n_large = make_archive(large, args.bodies * 10 // 3)
        ratios, cpu_ratios, parent_cpu = [], [], []
        for _ in range(args.runs):
            one, two = measure(small, 1), measure(small, 2)
            ratios.append(one["seconds"] / two["seconds"])
            cpu_one, cpu_two = (run["parent_cpu"] + run["workers_cpu"] for run in (one, two))
            cpu_ratios.append(cpu_two / cpu_one)
            parent_cpu.append(two["parent_cpu"])
            print(f"{n_small} inputs: --jobs 1 {one['seconds']:.2f} s, --jobs 2 {two['seconds']:.2f} s, "
                  f"speed-up {ratios[-1]:.2f}x; CPU --jobs 1 {cpu_one:.2f} s (parent {one['parent_cpu']:.2f} s), "
                  f"--jobs 2 {cpu_two:.2f} s (parent {two['parent_cpu']:.2f} s)", flush=True)
        ratios.sort()
        print(f"throughput --jobs 2 / --jobs 1: median {ratios[len(ratios) // 2]:.2f}x (goal >= 1.85x)")
        print(f"CPU --jobs 2 / --jobs 1: median {sorted(cpu_ratios)[len(cpu_ratios) // 2]:.3f}; the parent's CPU "
              f"with --jobs 2: median {sorted(parent_cpu)[len(parent_cpu) // 2] * 1000 / n_small:.2f} ms an input")
        peak_small, peak_large = measure(small, 2)["peak_kib"], measure(large, 2)["peak_kib"]
        print(f"parent peak memory: {n_small} inputs {peak_small / 1024:.1f} MiB, {n_large} inputs "
              f"{peak_large / 1024:.1f} MiB, ratio {peak_large / peak_small:.3f}")


if __name__ == "__main__":
    main()

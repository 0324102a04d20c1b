"""How long index.html of `batch --html` takes to open in headless chromium, on the generated
archive (300+ inputs by default), against the page of one report opened in the same run.

    python benchmarks/dashboard_open.py [--bodies 60] [--runs 5]

Goal: the dashboard opens (load event, by the page's own clock) in under a second. Needs Debian's
chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "fixtures"), str(ROOT / "src")]

from browser import Chromium, find  # noqa: E402
from generate import build_archive  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not find():
        sys.exit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        archive, out = Path(tmp) / "archive", Path(tmp) / "out"
        inputs = len(build_archive(archive, bodies=args.bodies)["expected"])
        subprocess.run([sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out), "--html"],
                       cwd=ROOT, check=False, capture_output=True, env={"PYTHONPATH": str(ROOT / "src"),
                                                                        "PATH": "/usr/bin:/bin"})
        one = next(out.rglob("*.txt.html"))
        size = (out / "index.html").stat().st_size
        browser = Chromium(find())
        try:
            index, page = [], []
            for _ in range(args.runs):
                index.append(browser.load(out / "index.html")["seconds"])
                page.append(browser.load(one)["seconds"])
        finally:
            browser.close()
    print(f"{inputs} inputs; index.html {size / 1024:.0f} KiB")
    print(f"index.html opens in {statistics.median(index):.3f} s (median of {args.runs}); "
          f"one report's page in {statistics.median(page):.3f} s; ratio {statistics.median(index) / statistics.median(page):.1f}x")


if __name__ == "__main__":
    main()

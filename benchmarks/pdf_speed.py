"""PDF extraction speed, as a ratio to pdfplumber's extract_tables() over the same pages.

    python benchmarks/pdf_speed.py [--runs 5] [--profile] [PDF ...]

Without PDFs it measures the generated fixtures (and hongze-2023.pdf where the corpus is beside the
project); with PDFs, those (your own archive, say).

Both are timed in the same run on the same machine, alternately file by file, so the noise of a
shared machine falls on both alike; the figure is the median of the runs' ratios (sum of our times
over sum of pdfplumber's). Goal: our whole extraction (reading, sections, tables, checks) at most
0.1 x the baseline. The source tree is measured, not an installed copy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "src"))


def inputs() -> list[Path]:
    files = sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))
    if (CORPUS / "hongze-2023.pdf").exists():
        files.append(CORPUS / "hongze-2023.pdf")
    return files


def ours(files: list[Path]) -> float:
    import report_extract

    start = time.perf_counter()
    for path in files:
        report_extract.extract(path)
    return time.perf_counter() - start


def baseline(files: list[Path]) -> float:
    import pdfplumber

    start = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where our time goes")
    parser.add_argument("pdfs", nargs="*", type=Path, help="PDFs to measure instead of the fixtures")
    args = parser.parse_args()
    files = args.pdfs or inputs()
    import pypdfium2

    pages = sum(len(pypdfium2.PdfDocument(str(p))) for p in files)
    ours(files[:1]), baseline(files[:1])  # warm imports and caches
    ratios, mine, theirs = [], [], []
    for _ in range(args.runs):
        pairs = [(ours([path]), baseline([path])) for path in files]
        a, b = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        mine.append(a)
        theirs.append(b)
        ratios.append(a / b)
    print(f"{len(files)} PDFs, {pages} pages, {args.runs} runs")
    print(f"report-extract (whole extraction): median {statistics.median(mine) * 1000 / pages:.1f} ms/page")
    print(f"pdfplumber extract_tables():       median {statistics.median(theirs) * 1000 / pages:.1f} ms/page")
    print(f"ratio: median {statistics.median(ratios):.3f}  (min {min(ratios):.3f}, max {max(ratios):.3f}); "
          f"goal <= 0.1")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        ours(files)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()

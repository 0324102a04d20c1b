"""PDF extraction speed, as ratios to baselines measured in the same run.

    python benchmarks/pdf_speed.py [--runs 5] [--profile] [--no-plumber] [PDF ...]

Without PDFs it measures the mix the issue names: the generated fixtures (ruled tables drawn by
LibreOffice), the unruled ones of fixtures/rules/ (horizontal rules only, three-line tables, no
rules: one of each layout and style) and, where the corpus is beside the project, the real
hongze-2023.pdf; with PDFs, those (your own archive, say).

Baselines, each timed alternately with ours, file by file, so that the noise of a shared machine
falls on both alike (the figure is the median of the runs' ratios, sum of our times over sum of
theirs):
- **the pdfium text pass**: the floor for reading a text layer: the document opened, and on each
  page its text and every character's box, through pypdfium2's own API (no tables, no rules, no
  checks). Goal: our whole extraction (reading, rules, sections, tables, identity, checks) at most
  1.5x this.
- pdfplumber's ``extract_tables()`` over the same pages (a table reader in Python; the test extra
  installs it). Goal: at most 0.1x.
- **whole process** (``report-extract extract FILE -o OUT`` as a user runs it: start-up, imports,
  the reading process, the result written) against a Python process that runs the pdfium text
  pass on the same file (start-up and pypdfium2's import included), on the longest PDF of the mix.
  The issue's guide: 200 ms for a 5-page PDF on its machine.

Beside the ratio, the share of it no Python can cut: the pdfium calls our reader makes (characters,
their boxes, path objects), timed in turns with the text pass.

The source tree is measured, not an installed copy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "src"))

TEXT_PASS = """
import sys
import pypdfium2

def text_pass(path):
    pdf = pypdfium2.PdfDocument(path)
    for page in pdf:
        text = page.get_textpage()
        text.get_text_range()
        for i in range(text.count_chars()):
            text.get_charbox(i)
        text.close()
        page.close()
    pdf.close()
"""
exec(TEXT_PASS)  # noqa: S102 - the same code in process and in the whole-process baseline


def inputs() -> list[Path]:
    files = sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))
    rules = ROOT / "tests" / "fixtures" / "rules"
    for layout in ("v2021-clean", "v2019-clean", "v2021-outcome-sum", "pagebreak-fill12", "pagebreak-rep6"):
        files += sorted(rules.glob(f"{layout}.*.pdf"))
    if (CORPUS / "hongze-2023.pdf").exists():
        files.append(CORPUS / "hongze-2023.pdf")
    return files


def timed(function, path: Path) -> float:
    start = time.perf_counter()
    function(path)
    return time.perf_counter() - start


def ours(path: Path) -> None:
    import report_extract

    report_extract.extract(path)


def plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()


def pdfium_text(path: Path) -> None:
    text_pass(str(path))  # noqa: F821 - defined by exec(TEXT_PASS) above


def pdfium_calls(path: Path) -> None:
    """The pdfium calls our reader makes (every character and its box, the path objects and their
    bounds), with none of the Python that reads tables on top: the share of ours no Python can cut."""
    import pypdfium2

    from report_extract.readers import pdf as reader

    document = pypdfium2.PdfDocument(str(path))
    for page in document:
        reader._chars(page)
        reader._edges(page)
        page.close()
    document.close()


def whole_process(path: Path, runs: int) -> tuple[float, float]:
    """Median wall seconds of ``report-extract extract`` and of the text pass in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    ours_command = [sys.executable, "-m", "report_extract", "extract", str(path), "-o"]
    baseline = [sys.executable, "-c", TEXT_PASS + "\ntext_pass(sys.argv[1])\n", str(path)]
    mine, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs + 1):  # the first pair warms the file cache and the bytecode
            start = time.perf_counter()
            subprocess.run([*ours_command, str(Path(tmp) / "out.json")], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            middle = time.perf_counter()
            subprocess.run(baseline, env=env, check=True, stdout=subprocess.DEVNULL)
            end = time.perf_counter()
            if run:
                mine.append(middle - start)
                theirs.append(end - middle)
    return statistics.median(mine), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where our time goes")
    parser.add_argument("--no-plumber", action="store_true", help="leave pdfplumber's baseline out")
    parser.add_argument("pdfs", nargs="*", type=Path, help="PDFs to measure instead of the mix")
    args = parser.parse_args()
    files = args.pdfs or inputs()
    import pypdfium2

    pages = {path: len(pypdfium2.PdfDocument(str(path))) for path in files}
    baselines = {"pdfium text pass": pdfium_text}
    if not args.no_plumber:
        baselines["pdfplumber extract_tables()"] = plumber
    goals = {"pdfium text pass": 1.5, "pdfplumber extract_tables()": 0.1}
    for function in (ours, *baselines.values()):  # warm imports and caches
        function(files[0])
    # each baseline in a pass of its own, alternating with ours file by file (pdfplumber's memory
    # traffic between two of our files slowed ours by a few percent: it would bias the other ratio)
    ratios: dict[str, list[float]] = {name: [] for name in baselines}
    seconds: dict[str, list[float]] = {name: [] for name in ("ours", *baselines)}
    for name, function in baselines.items():
        for _ in range(args.runs):
            mine = theirs = 0.0
            for path in files:
                mine += timed(ours, path)
                theirs += timed(function, path)
            seconds["ours"].append(mine)
            seconds[name].append(theirs)
            ratios[name].append(mine / theirs)
    total_pages = sum(pages.values())
    print(f"{len(files)} PDFs, {total_pages} pages, {args.runs} runs a baseline (in process, after imports)")
    for name, values in seconds.items():
        label = "report-extract (whole extraction)" if name == "ours" else name
        print(f"  {label:36s} median {statistics.median(values) * 1000 / total_pages:6.2f} ms/page")
    for name, values in ratios.items():
        print(f"ratio to the {name}: median {statistics.median(values):.3f} (min {min(values):.3f}, "
              f"max {max(values):.3f}); goal <= {goals[name]}")
    shares = []
    for _ in range(args.runs):  # in turns with the text pass, file by file, like the ratios above
        calls = text = 0.0
        for path in files:
            calls += timed(pdfium_calls, path)
            text += timed(pdfium_text, path)
        shares.append(calls / text)
    print(f"  of which pdfium's own work as our reader calls it: {statistics.median(shares):.2f}x the text pass "
          f"(min {min(shares):.2f}, max {max(shares):.2f}); the rest is Python")
    longest = max(files, key=lambda path: (pages[path], path.stat().st_size))
    mine, theirs = whole_process(longest, args.runs)
    print(f"whole process, {longest.name} ({pages[longest]} pages): report-extract extract {mine * 1000:.0f} ms, "
          f"a Python process running the pdfium text pass {theirs * 1000:.0f} ms, ratio {mine / theirs:.2f} "
          f"(medians of {args.runs})")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for path in files:
            ours(path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()

"""OCR on the real corpus: each real report that has a printable form, printed, rendered to page
images "the same way" as the scanned fixtures (tests/fixtures/scans.py: 150, 200 and 300 dpi, grey,
skewed, noisy, blurred, JPEG'd; as image-only PDF, multi-page TIFF or JPG pages), read by OCR and
compared with the born-digital reading of the same source.

    python benchmarks/ocr_corpus.py [--corpus DIR] [--containers rotate|all] [--seeds N] [--only NAME] [-v]

Issue 9 asks: the same values and problems as the born-digital file, or each difference carrying an
``ocr_*`` problem on its cell. Per scan and against each born-digital reading it prints: values
equal; values that differ with an ``ocr_*`` problem on their cell (or their row); values that
differ with none (**silent**: must be 0); the other problems (codes not ``ocr_*``) missing or extra;
title/organisation/year and the section headings equal. ``-v`` lists every difference.

The corpus is read where it lies (``../shared/corpus`` by default) and everything printed or
rendered from it goes to a temporary folder (or ``--keep DIR``): none of it belongs in the project.

Which reports have a printable form:
- ``hongze-2023.pdf``: the published PDF, as it is (truth: its own text layer);
- ``pingtan-2024.page.html``: the saved web page printed to PDF by headless chromium, as a reader
  printing the page would (navigation and all); truths: the HTML page's reading, and the printed
  PDF's own text layer. Skipped with a message where chromium is absent.
Skipped, and why:
- the text and markdown files (``*.page.txt``, ``000_*.txt``, ``*.pdf-extract.md``): they are text
  that a crawler or an extractor already took out of the report, their tables glued
  (``713000074``) or broken into pieces. Printed, they would be a page of that broken text, not the
  report's ruled tables: OCR of it would measure the text reader again, not the scan reader;
- ``official-template-2021-blank.docx``: the blank template has no values to compare.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

DPIS = (150, 200, 300)
CONTAINERS = ("pdf", "tiff", "jpg")
SKIPPED = {
    "*.page.txt, 000_*.txt, *.pdf-extract.md": "text already taken out of a report, tables glued or broken: "
                                               "printed, it is that broken text, not ruled tables",
    "official-template-2021-blank.docx": "the blank template: no values to compare",
}


@dataclass
class Source:
    name: str
    printed: Path  # the PDF the scans are rendered from
    truths: dict = field(default_factory=dict)  # what the born-digital reading is called -> Report


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_page(html: Path, out: Path) -> Path | None:
    """The web page printed to PDF by headless chromium (no header or footer line: the page only)."""
    browser = chromium()
    if browser is None:
        return None
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", html.resolve().as_uri()],
                   check=True, capture_output=True, timeout=300)
    return out


def sources(corpus: Path, folder: Path, only: str | None) -> list[Source]:
    import report_extract

    out = []
    hongze = corpus / "hongze-2023.pdf"
    if hongze.exists() and (only is None or only in hongze.name):
        out.append(Source("hongze-2023", hongze, {"text layer": report_extract.extract(hongze)}))
    page = corpus / "pingtan-2024.page.html"
    if page.exists() and (only is None or only in page.name):
        printed = print_page(page, folder / "pingtan-2024.printed.pdf")
        if printed is None:
            print("skipped pingtan-2024.page.html: chromium is not installed (apt-get install chromium)",
                  file=sys.stderr)
        else:
            out.append(Source("pingtan-2024", printed, {"HTML page": report_extract.extract(page),
                                                        "printed text layer": report_extract.extract(printed)}))
    for what, why in SKIPPED.items():
        print(f"skipped {what}: {why}", file=sys.stderr)
    return out


def variants(source: Source, containers: str, seed: int = 0):
    """The source's scans, drawn as tests/fixtures/scans.py full_set() draws the fixtures': each dpi
    with a skew of either sign (0.3–1.5°), noise, blur and JPEG quality drawn from the same ranges;
    the container rotating over the dpis, or (``all``) every container at every dpi. Seed 0 is the
    standing draw; other seeds draw other damage."""
    from scans import Variant

    rng = random.Random(source.name if seed == 0 else f"{source.name}-{seed}")
    out = []
    for i, dpi in enumerate(DPIS):
        skew = round(rng.choice([-1, 1]) * rng.uniform(0.3, 1.5), 2)
        noise, blur, quality = round(rng.uniform(2, 8), 1), rng.choice([0.0, 0.5, 0.8]), rng.choice([0, 40, 60, 80])
        kinds = CONTAINERS if containers == "all" else (CONTAINERS[i % 3],)
        for kind in kinds:
            name = f"{source.name}-{dpi}" + (f"-{kind}" if containers == "all" else "") + (f"-s{seed}" if seed else "")
            out.append(Variant(name, str(source.printed), dpi, skew, noise, blur, quality, kind))
    return out


def compare(report, truth) -> dict:
    """The scan's reading against a born-digital reading."""
    flagged = {(p.table, p.row, p.column) for p in report.problems if p.code.startswith("ocr_")}
    got, expected = report.flat(), truth.flat()
    equal, caught, silent = 0, [], []
    for key in sorted(set(expected) | {k for k, v in got.items() if v is not None}):
        if got.get(key) == expected.get(key):
            equal += 1
            continue
        table, row, column = key.split(".")
        difference = (key, got.get(key), expected.get(key))
        if (table, row, column) in flagged or (table, row, None) in flagged:
            caught.append(difference)
        else:
            silent.append(difference)

    def others(r):
        return sorted((p.code, p.table or "", p.row or "", p.column or "") for p in r.problems
                      if not p.code.startswith("ocr_"))

    mine, theirs = others(report), others(truth)
    headings = [s.heading for s in report.sections]
    truth_headings = [s.heading for s in truth.sections]
    return {
        "values": len(set(expected) | {k for k, v in got.items() if v is not None}), "equal": equal,
        "caught": caught, "silent": silent,
        "missing_problems": [p for p in theirs if p not in mine], "extra_problems": [p for p in mine if p not in theirs],
        "info": (report.report.title, report.report.organization, report.report.year)
        == (truth.report.title, truth.report.organization, truth.report.year),
        "info_got": (report.report.title, report.report.organization, report.report.year),
        "info_truth": (truth.report.title, truth.report.organization, truth.report.year),
        "headings": headings == truth_headings, "headings_got": headings, "headings_truth": truth_headings,
        "ocr_problems": sum(p.code.startswith("ocr_") for p in report.problems),
    }


def read(variant, folder: Path):
    """The scan written and read as the command line would read it (JPG pages together)."""
    from scans import write

    import report_extract

    paths = write(variant, folder)
    start = time.perf_counter()
    report = report_extract.extract_pages(paths) if variant.container == "jpg" else report_extract.extract(paths[0])
    return report, paths, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--containers", choices=("rotate", "all"), default="rotate",
                        help="rotate: one container a dpi, as the fixture set; all: every container at every dpi")
    parser.add_argument("--seeds", type=int, default=1, help="draw the damage this many ways (seed 0, 1, …)")
    parser.add_argument("--only", default=None, help="only the corpus files whose name contains this")
    parser.add_argument("--keep", type=Path, default=None, help="write the printed PDFs and scans here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus} (--corpus DIR)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        run(sources(args.corpus, folder, args.only), folder, args.containers, args.seeds, args.verbose)


def run(found: list[Source], folder: Path, containers: str, seeds: int, verbose: bool) -> None:
    header = (f"{'scan':<30} {'against':<19} {'pages':>5} {'s/page':>6} {'equal':>9} {'flagged':>7} {'silent':>6} "
              f"{'problems -/+':>12} {'info':>4} {'headings':>8} {'ocr_*':>5}")
    totals = {"values": 0, "equal": 0, "caught": 0, "silent": 0, "missing": 0, "extra": 0, "info": 0,
              "headings": 0, "readings": 0, "pages": 0, "seconds": 0.0, "failed": 0}
    print(header)
    for source in found:
        for variant in [v for seed in range(seeds) for v in variants(source, containers, seed)]:
            from report_extract.errors import ReportError

            try:
                report, paths, seconds = read(variant, folder)
            except ReportError as exc:
                totals["failed"] += 1
                print(f"{variant.name:<30} unread: {exc.reason}")
                continue
            label = f"{variant.name}.{ {'pdf': 'pdf', 'tiff': 'tif', 'jpg': 'jpg'}[variant.container]}"
            pages = report.source.pages or len(paths)
            totals["pages"] += pages
            totals["seconds"] += seconds
            for against, truth in source.truths.items():
                c = compare(report, truth)
                totals["readings"] += 1
                totals["values"] += c["values"]
                totals["equal"] += c["equal"]
                totals["caught"] += len(c["caught"])
                totals["silent"] += len(c["silent"])
                totals["missing"] += len(c["missing_problems"])
                totals["extra"] += len(c["extra_problems"])
                totals["info"] += c["info"]
                totals["headings"] += c["headings"]
                problems = f"{len(c['missing_problems'])}/{len(c['extra_problems'])}"
                print(f"{label:<30} {against:<19} {pages:>5} {seconds / pages:>6.2f} "
                      f"{c['equal']:>4}/{c['values']:<4} {len(c['caught']):>7} {len(c['silent']):>6} {problems:>12} "
                      f"{'ok' if c['info'] else 'NO':>4} {'ok' if c['headings'] else 'NO':>8} {c['ocr_problems']:>5}")
                if verbose:
                    details(c)
    share = totals["equal"] / max(totals["values"], 1)
    print(f"\ntotal: {totals['equal']}/{totals['values']} values equal ({100 * share:.2f}%); "
          f"{totals['caught']} differ with an ocr_* problem on their cell; {totals['silent']} differ silently (goal 0); "
          f"other problems {totals['missing']} missing, {totals['extra']} extra (goal 0/0); "
          f"title/organisation/year equal in {totals['info']}/{totals['readings']}, headings in "
          f"{totals['headings']}/{totals['readings']}; {totals['failed']} scans unread; "
          f"{totals['seconds'] / max(totals['pages'], 1):.2f} s/page over {totals['pages']} pages")


def details(c: dict) -> None:
    for key, got, expected in c["silent"]:
        print(f"    SILENT  {key}: read {got!r}, born-digital {expected!r}")
    for key, got, expected in c["caught"]:
        print(f"    flagged {key}: read {got!r}, born-digital {expected!r}")
    for problem in c["missing_problems"]:
        print(f"    problem missing: {problem}")
    for problem in c["extra_problems"]:
        print(f"    problem extra:   {problem}")
    if not c["info"]:
        print(f"    info: read {c['info_got']}, born-digital {c['info_truth']}")
    if not c["headings"]:
        print(f"    headings: read {c['headings_got']}\n              born-digital {c['headings_truth']}")


if __name__ == "__main__":
    main()

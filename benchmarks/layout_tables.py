"""Tables with partial or no rules: our text-layout reader against pdfplumber's text strategies.

    python benchmarks/layout_tables.py [--plumber]

Over every PDF of tests/fixtures/rules (each DOCX fixture with horizontal rules only, top and bottom
rules only, no rules; then those with narrow label columns, whose labels wrap over several lines
beside one line of numbers, as ``narrow STYLE``), counts the values read right, wrong and missing
against the fixture's text twin, the reports with a problem code their twin has not (``extra``),
and the time. With ``--plumber``, the same again with pdfplumber's table finder in place of
ours (its tables go through the same pipeline: the lines they cover are taken out of the page's
text), for each of its text-based settings. pdfplumber is in the ``test`` extra only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

SETTINGS = {
    "text/text": {"vertical_strategy": "text", "horizontal_strategy": "text"},
    "text/lines": {"vertical_strategy": "text", "horizontal_strategy": "lines"},
    "lines/text": {"vertical_strategy": "lines", "horizontal_strategy": "text"},
}


def leaves(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from leaves(value, prefix + key + ".")
        else:
            yield prefix + key, value


def compare(report, twin) -> tuple[int, int, int]:
    """(right, wrong, missing) of the twin's values; a value the twin leaves null must be null."""
    ours = dict(leaves(report.tables))
    right = wrong = missing = 0
    for key, value in leaves(twin.tables):
        found = ours.get(key)
        if found == value:
            right += 1
        elif found is None:
            missing += 1
        else:
            wrong += 1
    return right, wrong, missing


def codes(report) -> set[str]:
    return {p.code for p in report.problems}


def run(label: str, variants: dict) -> None:
    import report_extract

    totals: dict[str, list[float]] = {}
    for name, (twin, style) in variants.items():
        expected = report_extract.extract(ROOT / "tests" / "fixtures" / f"{twin}.txt")
        start = time.perf_counter()
        report = report_extract.extract(ROOT / "tests" / "fixtures" / "rules" / f"{name}.pdf")
        seconds = time.perf_counter() - start
        row = totals.setdefault(style, [0, 0, 0, 0, 0.0])
        extra = int(bool(codes(report) - codes(expected)))
        for k, n in enumerate((*compare(report, expected), extra, seconds)):
            row[k] += n
    for style, (right, wrong, missing, extra, seconds) in totals.items():
        share = 100 * right / (right + wrong + missing)
        print(f"{label:12} {style:18} right {right:5d} ({share:6.2f}%)  wrong {wrong:4d}  missing {missing:5d}  "
              f"extra {extra:3d}  {seconds:6.2f} s")


def plumber_reader(settings: dict):
    """layout.read replaced by pdfplumber's table finder on the same page."""
    import pdfplumber

    from report_extract import layout
    from report_extract.document import Cell, Table

    state: dict = {}

    def read(lines, page=None, continued=None):
        pdf = state["pdf"]
        plumber_page = pdf.pages[page - 1]
        height = plumber_page.height
        tables, kept = [], list(lines)
        for found in plumber_page.find_tables(settings):
            x0, top, x1, bottom = found.bbox
            rows = [[Cell(text or "", col=k) for k, text in enumerate(row)] for row in found.extract()]
            if not rows:
                continue
            tables.append((height - top, Table(rows, page=page, pages=[page] * len(rows))))
            kept = [ln for ln in kept if not (height - bottom - 1 <= ln.top <= height - top + 1)]
        return layout.PageTables(tables, kept)

    def open_pdf(path):
        if "pdf" in state:
            state["pdf"].close()
        state["pdf"] = pdfplumber.open(path)

    return read, open_pdf, layout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plumber", action="store_true", help="also measure pdfplumber's text strategies")
    args = parser.parse_args()
    from narrow_labels import narrow_variant_fixtures

    from generate import rule_variant_fixtures

    variants = rule_variant_fixtures()
    variants.update({name: (twin, f"narrow {style}") for name, (twin, _, style) in narrow_variant_fixtures().items()})
    run("ours", variants)
    if not args.plumber:
        return
    import report_extract
    from report_extract.readers import pdf as pdf_reader

    original = pdf_reader.layout.read
    for label, settings in SETTINGS.items():
        read, open_pdf, layout = plumber_reader(settings)
        extract = report_extract.extract

        def traced(path, *rest, _extract=extract, _open=open_pdf):
            if str(path).endswith(".pdf"):
                _open(path)
            return _extract(path, *rest)

        layout.read = read
        report_extract.extract = traced
        try:
            run(label, variants)
        finally:
            layout.read = original
            report_extract.extract = extract


if __name__ == "__main__":
    main()

"""Invariants of the code's shape, stated as absences and checked on the source (issue 19): the
PDF and scan readers share their page model without importing each other, no module takes
another's private name, and each rule of numbering and template labels has one home."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "report_extract"
# the numerals of an ordinal, written out: only labels.py writes them as a rule of numbering
NUMERALS = "一二三四五六七八九十"
# where the numerals stand for another rule than numbering
NUMERALS_ELSEWHERE = {
    "identity/sources.py": "dates written in numerals (二〇二三年十二月三十一日)",
    "narrative.py": "months of a period (前三个月)",
    "messages_zh.py": "labels stripped to their words for a message (owned by the messages work)",
}


def imported(path: Path) -> set[str]:
    """Every module of the package that ``path`` imports, at its top or inside a function, as a
    dotted name (report_extract.readers.page), with the names it takes from each."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_scan_reader_never_imports_the_pdf_reader_and_the_page_model_neither():
    assert not {"report_extract.readers.pdf"} & imported(PACKAGE / "readers" / "scan.py")
    page = imported(PACKAGE / "readers" / "page.py")
    assert not {"report_extract.readers.pdf", "report_extract.readers.scan"} & page


def test_no_module_takes_a_private_name_of_another():
    taken = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in imported(path):
            module, _, last = name.rpartition(".")
            if module.startswith("report_extract") and last.startswith("_") and not last.startswith("__"):
                taken.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert taken == []


def test_the_numerals_of_an_ordinal_are_written_only_in_labels_py():
    writing = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                     if NUMERALS in path.read_text(encoding="utf-8"))
    assert writing == sorted(["labels.py", *NUMERALS_ELSEWHERE])


def test_the_views_take_the_applications_header_from_the_templates():
    from report_extract.templates import APPLICATIONS_NOTE, LEGAL_PERSONS_GROUP, OUTCOME_GROUP

    for view in ("html.py", "terminal.py"):
        text = (PACKAGE / "views" / view).read_text(encoding="utf-8")
        assert not [label for label in (APPLICATIONS_NOTE, LEGAL_PERSONS_GROUP, OUTCOME_GROUP) if label in text]

"""Shared test helpers. Real reports are read from ../shared/corpus/ (never copied here); tests that
need them skip cleanly where that folder is absent."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(FIXTURES))  # the generator, for variants made in memory


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    return path


def codes(report) -> set[str]:
    return {p.code for p in report.problems}


def problems_of(report, code: str) -> list:
    return [p for p in report.problems if p.code == code]


def zip_bomb_docx(path: Path) -> Path:
    """A DOCX whose document.xml says it unzips to 300 MB (a few hundred kilobytes of blanks): the
    fixture's other members as they are. Returns ``path``."""
    import zipfile

    source = zipfile.ZipFile(FIXTURES / "v2021-clean.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, source.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as handle:
            for _ in range(300):
                handle.write(b" " * (1 << 20))
    return path

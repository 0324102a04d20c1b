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

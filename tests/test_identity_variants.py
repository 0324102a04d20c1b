"""The report's identity (title, organisation, year, publishing date) over fictional openings and
endings in the layouts real reports use: ``fixtures/identity_variants.py`` (classes A-J there)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from identity_variants import CLASSES, HEADINGS, HEADINGS_TRAD, VARIANTS

import report_extract.pipeline


def _squeezed(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", "", text)


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_identity(variant):
    report = report_extract.pipeline.extract(variant.filename, data=variant.data, ocr="never")
    info = report.report
    published = getattr(info, "published", None)
    got = {"title": _squeezed(info.title), "organization": info.organization, "year": info.year,
           "published": None if published is None else str(published)}
    expected = {"title": _squeezed(variant.title), "organization": variant.organization, "year": variant.year,
                "published": variant.published}
    assert got == expected


def test_variant_counts():
    counts = Counter(v.klass for v in VARIANTS)
    assert set(counts) == set(CLASSES)
    assert sum(counts.values()) >= 150, counts
    assert all(n >= 8 for n in counts.values()), counts


def test_variants_are_whole_reports():
    """Unique names; each variant holds the six headings (in its script) and decodes as UTF-8."""
    assert len({v.name for v in VARIANTS}) == len(VARIANTS)
    for v in VARIANTS:
        text = v.data.decode("utf-8")
        headings = HEADINGS_TRAD if v.klass == "J" else HEADINGS
        assert all(h in text for h in headings), v.name
        assert v.published is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.published), v.name

"""Tables drawn with horizontal rules only, top and bottom rules only, or none, whose label columns
are narrow (issue 22 §1): table 三's long labels and table 二's 行政事业性收费 wrap over two to seven
lines beside one line of numbers, set at the top, the middle or the bottom of their row, in rows as
tall as their text or taller. Every value right, none wrong, no problem the report has not."""

from __future__ import annotations

import sys

import pytest
from narrow_labels import narrow_variant_fixtures

import report_extract
from conftest import FIXTURES, ROOT, codes
from generate import RULE_VARIANTS, RULES_DIR
from report_extract import layout
from report_extract.templates import begins_label, ends_label
from report_extract.text_lines import lines

sys.path.insert(0, str(ROOT / "benchmarks"))
from layout_tables import compare  # noqa: E402

NARROW = narrow_variant_fixtures()


@pytest.mark.parametrize("name", sorted(NARROW))
def test_labels_wrapped_in_narrow_columns_read_like_the_text_twin(name):
    """Each fixture against its text twin: every value, every problem code (a broken fixture's
    own problem found, none added), every section's text (no table text left in the prose)."""
    twin_name = NARROW[name][0]
    report = report_extract.extract(RULES_DIR / f"{name}.pdf")
    twin = report_extract.extract(FIXTURES / f"{twin_name}.txt")
    right, wrong, missing = compare(report, twin)
    assert (wrong, missing) == (0, 0)
    assert right == (198 if twin_name.startswith("v2019") else 200 - (twin_name == "v2021-missing-row") * 7)
    assert report.tables == twin.tables
    assert codes(report) == codes(twin)
    assert [(s.key, s.text) for s in report.sections] == [(s.key, s.text) for s in twin.sections]


def test_every_narrow_fixture_in_every_rule_style_counted_right_wrong_missing():
    """The benchmark's figures (benchmarks/layout_tables.py, 'narrow STYLE'): before this reader
    used the rules and joined the wrapped labels, 2870 of 3187 right with horizontal rules and
    2884 in the other styles (90%), 15 of 16 reports with a problem their twin has not."""
    totals = {style: [0, 0, 0] for style in RULE_VARIANTS}
    added = []
    for name, (twin_name, _, style) in NARROW.items():
        report = report_extract.extract(RULES_DIR / f"{name}.pdf")
        twin = report_extract.extract(FIXTURES / f"{twin_name}.txt")
        for k, n in enumerate(compare(report, twin)):
            totals[style][k] += n
        if codes(report) - codes(twin):
            added.append(name)
    assert totals == {style: [3187, 0, 0] for style in RULE_VARIANTS}
    assert added == []


@pytest.mark.parametrize("style", RULE_VARIANTS)
def test_the_long_labels_of_table_three_and_the_fee_row_come_back(style):
    """The rows hidden reports lost: （三）不予公开 …, （五）不予处理 …, （六）其他处理 1.… and 2.…
    (seven lines each in a 2.6 cm column, the numbers on the fourth), and the fee, whose number
    stands alone on a line between 行政事业 and 性收费."""
    report = report_extract.extract(RULES_DIR / f"v2021-clean.narrow-centre.{style}.pdf")
    applications = report.tables["applications"]
    zeros = dict.fromkeys(("commercial_enterprise", "research_institution", "social_welfare_org",
                           "legal_service_agency", "other_org"), 0)
    assert applications["other_no_correction_overdue"] == {"natural_person": 1, **zeros, "total": 1}
    assert applications["other_fee_unpaid"] == {"natural_person": 40, **zeros, "total": 40}
    assert applications["unable_needs_creation"] == {"natural_person": 12, **zeros, "total": 12}
    assert applications["withheld_state_secret"] == {**zeros, "natural_person": 0, "other_org": 5, "total": 5}
    assert applications["not_processed_excessive_repeated"]["total"] == 8
    assert str(report.tables["proactive"]["administrative_fees"]["amount_10k_yuan"]) == "36.92"
    assert report.tables["proactive"]["administrative_penalty"] == {"decisions": 428}
    label = report.provenance["applications.other_fee_unpaid.total"].label.replace(" ", "")
    assert label.endswith("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    assert report.provenance["proactive.administrative_fees.amount_10k_yuan"].label == "行政事业性收费"
    assert codes(report) == set()


def test_a_text_cell_wrapped_above_its_numbers_is_one_cell_of_their_row():
    """见附件 in a narrow column, set at the bottom of its row: 见附 stands a line above the
    numbers, 件 beside them; the cell is read whole, and its row is the report's not_a_number."""
    for style in RULE_VARIANTS:
        report = report_extract.extract(RULES_DIR / f"v2021-not-a-number.narrow-bottom.{style}.pdf")
        assert report.tables["applications"]["withheld_state_secret"]["research_institution"] is None
        [bad] = [p for p in report.problems if p.code == "not_a_number"]
        assert (bad.row, bad.column) == ("withheld_state_secret", "research_institution")
        assert report.provenance["applications.withheld_state_secret.other_org"].label.replace(" ", "").endswith(
            "1.属于国家秘密")


# --- the pieces, on positioned text of our own -----------------------------------------------
def _chars(text: str, x: float, y: float, size: float = 10.0):
    """Glyph boxes as a PDF gives them (y: the foot of a CJK character's box): a CJK character a
    full em, a digit from the baseline up, a full stop or comma a small mark on the baseline."""
    out, at = [], x
    for ch in text:
        if ch in ".,":
            out.append((at, y + 1, at + 2, y + 2.5, ch))
            at += 3
        elif ch.isascii():
            out.append((at, y + 1, at + 5, y + 8, ch))
            at += 5.5
        else:
            out.append((at, y, at + size - 1, y + size, ch))
            at += size
    return out


def test_a_full_stop_goes_with_the_digits_beside_it_not_a_label_set_half_a_line_lower():
    chars = _chars("行政事业", 50, 706) + _chars("36.92", 200, 700) + _chars("性收费", 50, 694)
    assert [ln.text for ln in lines(chars)] == ["行政事业", "36.92", "性收费"]
    # 2. beside a label of the next column half a line lower: the mark stays with its ordinal
    chars = _chars("2.没有现成", 100, 700) + _chars("(四)无", 50, 694)
    assert [ln.text.replace(" ", "") for ln in layout.split_offset(lines(chars))] == ["2.没有现成", "(四)无"]


def test_words_of_side_by_side_cells_set_half_a_line_apart_make_lines_of_their_own():
    # (六)其 stands 5 points above 2.申请人 beside it: their boxes overlap by half, one line of
    # the page; taken apart, each word on a line of its own, top to bottom
    chars = _chars("(六)其", 50, 705) + _chars("2.申请人", 100, 700) + _chars("40", 200, 700)
    [page_line] = lines(chars)
    split = layout.split_offset([page_line])
    assert [ln.text.replace(" ", "") for ln in split] == ["(六)其", "2.申请人40"]
    # a line of one word, or of words at one height, is left as it is
    same = lines(_chars("规章", 50, 600) + _chars("7", 200, 600))
    assert layout.split_offset(same) == same


def test_the_template_tells_where_a_label_ends_and_where_one_begins():
    assert ends_label("二、上年结转政府信息公开申请数量", "三")  # 三 under it begins 三、本年度办理结果
    assert ends_label("行政强制", "行政事业")
    assert not ends_label("其他", "对外")  # 其他对外管理服务事项 goes on
    assert not ends_label("1.属于国家秘", "密")  # not yet a whole label
    assert begins_label("2.重复申请") and begins_label("规章") and begins_label("行政事业")
    assert not begins_label("国家秘密") and not begins_label("予公开")  # ends of labels a page break cut


def _row_texts(found) -> list[list[str]]:
    [(_, table)] = found.tables
    return [[c.text for c in row] for row in table.rows]


def test_between_two_rules_the_label_and_the_numbers_are_one_row_whatever_their_alignment():
    """Rows drawn apart by horizontal rules, each 40 points high: the label at the top of its
    row, the numbers at the bottom (nearer the label of the row below than their own); a row of
    a label alone between two rules is a row of its own."""
    chars, rules = [], [(760.0, 40.0, 300.0)]
    for k, (label, a, b) in enumerate([("甲类事项", "7", "12"), ("乙类事项", "", ""), ("丙类事项", "5", "6")]):
        top = 760 - 40 * k
        chars += _chars(label, 50, top - 12) + _chars(a, 200, top - 39) + _chars(b, 260, top - 39)
        rules.append((top - 40, 40.0, 300.0))
    expected = [["甲类事项", "7", "12"], ["乙类事项"], ["丙类事项", "5", "6"]]
    assert _row_texts(layout.read(lines(chars), 1, rules=rules)) == expected
    # without rules, two lines of numbers 80 points apart with a label between are no table
    assert layout.read(lines(chars), 1).tables == []


def test_without_rules_labels_go_with_the_numbers_on_the_side_that_pairs_them_all():
    """Rows 30 points high, no rules: each label at the top of its row, its numbers at the
    bottom, nearer the label below; (乙) the middle row's label is nearer the numbers above."""
    chars = []
    for k, (label, a, b) in enumerate([("甲类事项", "7", "12"), ("乙类事项", "3", "4"), ("丙类事项", "5", "6")]):
        top = 760 - 30 * k
        chars += _chars(label, 50, top - 11) + _chars(a, 200, top - 29) + _chars(b, 260, top - 29)
    assert _row_texts(layout.read(lines(chars), 1)) == [
        ["甲类事项", "7", "12"], ["乙类事项", "3", "4"], ["丙类事项", "5", "6"]]


def test_a_label_of_a_merged_cell_between_rules_heads_the_first_row_it_stands_in():
    """（三）不予公开 centred in a cell over three rows that rules part (none drawn across its
    own column): it heads the second row, the one it stands in; each leaf label its own row."""
    chars, rules = [], [(700.0, 10.0, 300.0)]
    for k, (leaf, a) in enumerate([("1.甲", "7"), ("2.乙", "3"), ("3.丙", "5")]):
        top = 700 - 20 * k
        chars += _chars(leaf, 100, top - 15) + _chars(a, 200, top - 15) + _chars(a, 260, top - 15)
        rules.append((top - 20, 90.0 if k < 2 else 10.0, 300.0))  # the group's column is merged
    chars += _chars("(三)不予公开", 20, 665)
    found = layout.read(lines(chars), 1, rules=rules)
    assert _row_texts(found) == [["1.甲", "7", "7"], ["(三)不予公开", "2.乙", "3", "3"], ["3.丙", "5", "5"]]


@pytest.mark.parametrize("style", RULE_VARIANTS)
def test_a_header_at_the_foot_of_a_page_is_the_first_rows_of_the_table_overleaf(style):
    """Table 四's header (行政复议 … 结|果|维|持 set a character a line) ends page 2, its one row of
    numbers begins page 3: the header lines are the table's first rows, not section 四's prose."""
    report = report_extract.extract(RULES_DIR / f"v2019-clean.narrower-top.{style}.pdf")
    [review] = [s for s in report.sections if s.key == "review_litigation"]
    assert review.text == ""
    assert report.tables["review_litigation"]["administrative_review"] == {
        "upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1}
    assert report.provenance["review_litigation.administrative_review.total"].page == 3


def test_a_rule_drawn_cell_by_cell_bounds_rows_as_one_drawn_in_one_stroke():
    """Word draws a row's rule as one piece a cell; the pieces meet and make one rule (no piece
    alone runs across half the cells). Without the rules, 乙类事项 (a row of a label alone) would
    be nearer 甲类事项's numbers than 甲类事项 is."""
    chars, whole, pieces = [], [], []
    for k, (label, cells, low) in enumerate([("甲类事项", "7 12 3", 39), ("乙类事项", "", 0), ("丙类事项", "5 6 8", 12)]):
        top = 760 - 40 * k
        chars += _chars(label, 50, top - 12)
        for x, number in zip((200, 240, 280), cells.split()):
            chars += _chars(number, x, top - low)
    for k in range(4):
        y = 760.0 - 40 * k
        whole.append((y, 40.0, 310.0))
        pieces += [(y, 40.0, 190.0), (y, 190.0, 230.0), (y, 230.0, 270.0), (y, 270.0, 310.0)]
    expected = [["甲类事项", "7", "12", "3"], ["乙类事项"], ["丙类事项", "5", "6", "8"]]
    assert _row_texts(layout.read(lines(chars), 1, rules=whole)) == expected
    assert _row_texts(layout.read(lines(chars), 1, rules=pieces)) == expected

from decimal import Decimal

import pytest

from report_extract.numbers import BLANK, NUMBER, PLACEHOLDER, TEXT, agreed, parse, split_glued
from report_extract.templates import COUNT, MONEY, SIGNED


@pytest.mark.parametrize("text", ["", "  ", "\u3000"])
def test_blank_is_none_not_zero(text):
    assert parse(text).value is None and parse(text).status == BLANK


@pytest.mark.parametrize("text", ["/", "-", "—", "——", "–", "无", "／"])
def test_placeholders_are_none(text):
    parsed = parse(text)
    assert parsed.value is None and parsed.status == PLACEHOLDER


def test_number_with_note_is_that_number():
    parsed = parse("22（其中修订16件）")
    assert (parsed.value, parsed.status, parsed.note) == (22, NUMBER, "(其中修订16件)")
    assert parse("55（含自然失效29件）").value == 55


def test_full_width_digits_separators_units_and_signs():
    assert parse("１２３").value == 123
    assert parse("1,234").value == 1234
    assert parse("1，234").value == 1234
    assert parse("+21", SIGNED).value == 21
    assert parse("-8", SIGNED).value == -8
    money = parse("251000元", MONEY)
    assert (money.value, money.unit) == (251000, "元")
    assert parse("0.35", MONEY).value == Decimal("0.35")


def test_text_and_fractions_in_counts_are_not_numbers():
    assert parse("见附件").status == TEXT
    assert parse("3.5").status == TEXT
    assert parse("12 34").value == 1234  # digits a cell wrapped over two lines


def test_glued_row_split_by_its_total():
    row_sum = lambda v: v[6] == sum(v[:6])  # noqa: E731
    assert split_glued("713000074", [COUNT] * 7, row_sum) == [[71, 3, 0, 0, 0, 0, 74]]
    assert split_glued("200 000121", [COUNT] * 7, row_sum) == [[20, 0, 0, 0, 0, 1, 21]]


def test_glued_review_row_split_by_group_totals():
    def accept(v):
        return all(v[g + 4] == sum(v[g:g + 4]) for g in (0, 5, 10))

    assert split_glued("25380363300630003", [COUNT] * 15, accept) == [
        [25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3]]


def test_ambiguous_glued_run_keeps_only_what_every_reading_agrees_on():
    readings = split_glued("2648-18538", [COUNT, SIGNED, COUNT])
    assert len(readings) == 4
    assert agreed(readings) == [2648, None, None]
    assert split_glued("35-15", [COUNT, SIGNED]) == [[35, -15]]
    assert split_glued("007", [COUNT] * 3) == [[0, 0, 7]]

"""The consistency checks (勾稽关系) R1–R4 and the template/year check -> Problems.

A report that contradicts itself is reported, never corrected. Blank cells are read as 0 by the
arithmetic, and the message says so; a relation whose cells are all blank is not checked (a blank
form is not wrong).
"""

from __future__ import annotations

from .model import Problem
from .problems import problem
from .templates import APPLICANT_COLUMNS, OUTCOME_ROWS, REVIEW

Tables = dict[str, dict[str, dict]]
# A relation that needs a cell whose number could not be read (text, digits that cannot be
# split, cells that cannot be placed) is not checked: that cell's problem is already reported.


def _sum(values: list) -> int | float:
    """The sum, a blank read as 0."""
    return sum(v or 0 for v in values)


def _fmt(value) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def check_applications(table: dict, pages: dict, unknown: set[str] = frozenset()) -> list[Problem]:
    problems: list[Problem] = []
    blocked = {k for k in unknown if k.startswith("applications.")}

    def readable(rows, col):
        return not blocked or not any(f"applications.{r}.{col}" in blocked for r in rows)
    outcome_rows = [r for r in OUTCOME_ROWS if r in table]
    for col in (c.key for c in APPLICANT_COLUMNS):
        def cell(row, col=col):
            return table.get(row, {}).get(col)
        # R1: new + carried over = outcome total + carried forward
        r1_rows = ("new_received", "carried_over", "outcome_total", "carried_forward")
        if all(r in table for r in r1_rows) and readable(r1_rows, col):
            parts = [cell("new_received"), cell("carried_over"), cell("outcome_total")]
            found = cell("carried_forward")
            if any(v is not None for v in parts + [found]):
                expected = (parts[0] or 0) + (parts[1] or 0) - (parts[2] or 0)
                if expected != (found or 0):
                    problems.append(problem(
                        "balance", table="applications", row="carried_forward", column=col, expected=_fmt(expected),
                        found=found, page=pages.get("carried_forward"), new=parts[0], carried_over=parts[1],
                        outcome_total=parts[2]))
        # R2: outcome total = sum of every outcome row
        if "outcome_total" in table and outcome_rows and readable(outcome_rows + ["outcome_total"], col):
            values = [cell(r) for r in outcome_rows]
            found = cell("outcome_total")
            if any(v is not None for v in values + [found]):
                expected = _sum(values)
                if expected != (found or 0):
                    problems.append(problem(
                        "outcome_sum", table="applications", row="outcome_total", column=col,
                        expected=_fmt(expected), found=found, page=pages.get("outcome_total"), parts=values))
    # R3: each row's total = the six applicant columns
    six = [c.key for c in APPLICANT_COLUMNS[:-1]]
    for row, cols in table.items():
        if not row.startswith("extra_"):
            problems += _total_of_parts("row_total", "applications", row, cols, six, pages, unknown)
    return problems


def check_review(table: dict, pages: dict, unknown: set[str] = frozenset()) -> list[Problem]:
    problems: list[Problem] = []
    for group in (r.key for r in REVIEW.rows):
        if table.get(group):
            problems += _total_of_parts("review_total", "review_litigation", group, table[group],
                                        ["upheld", "corrected", "other", "pending"], pages, unknown)
    return problems


def _total_of_parts(code: str, table: str, row: str, cols: dict, parts: list[str], pages: dict,
                    unknown: set[str]) -> list[Problem]:
    """R3/R4: a row's ``total`` cell against the sum of its ``parts`` cells."""
    if unknown and any(f"{table}.{row}.{c}" in unknown for c in parts + ["total"]):
        return []
    values = [cols.get(c) for c in parts]
    found = cols.get("total")
    if all(v is None for v in values + [found]):
        return []
    expected = _sum(values)
    if expected == (found or 0):
        return []
    return [problem(code, table=table, row=row, column="total", expected=_fmt(expected), found=found,
                    page=pages.get(row), parts=values)]


def check_template_year(template: str, year: int | None) -> list[Problem]:
    if year is None or template not in ("v2021", "v2019"):
        return []
    fits = (template == "v2021" and year >= 2021) or (template == "v2019" and 2019 <= year <= 2020)
    if fits:
        return []
    return [problem("template_year_mismatch", template=template, year=year)]


def run_checks(tables: Tables, pages: dict[str, dict], template: str, year: int | None,
               unknown: set[str] = frozenset()) -> list[Problem]:
    problems = check_template_year(template, year)
    if "applications" in tables:
        problems += check_applications(tables["applications"], pages.get("applications", {}), unknown)
    if "review_litigation" in tables:
        problems += check_review(tables["review_litigation"], pages.get("review_litigation", {}), unknown)
    return problems

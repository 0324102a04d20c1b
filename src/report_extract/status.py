"""What an input came to, in one place: the five statuses a batch gives an input, the three
severities and two kinds of a problem (each with its Chinese name), and the one count of a report's problems that every count
is made by (the wide row, a batch's summary line, the counts after the cross-year checks, a
report's page, ``check``, ``--strict``).

A problem's kind says whom it is about: ``report``, the report as written breaks a rule of the
template; ``reading``, we could not read something of it (``problems.CODES`` gives each code its
kind, with the reason). An error of kind reading is a *reading limit*: it leaves cells without a
value (``limited_cells``), and a report whose only errors are reading limits is READ_PARTLY, not
PROBLEMS: it may be right; we could not read all of it.

A problem a reviewer set aside (a verdict in ``SET_ASIDE``: dismissed or fixed) stays listed but is
counted nowhere: ``problems.counts`` leaves it out before it hands the rest to ``counts``.

Knows no report and no file: it counts what it is handed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

OK = "ok"  # read; no error
PROBLEMS = "problems"  # read; at least one error of the report's own (kind report)
READ_PARTLY = "read_partly"  # read; its only errors are reading limits: cells we could not read
NOT_A_REPORT = "not_a_report"  # read, but not an annual report: reported, not a failure
FAILED = "failed"  # could not be read (or its worker crashed or ran out of time)
STATUSES = (OK, PROBLEMS, READ_PARTLY, NOT_A_REPORT, FAILED)

SEVERITIES = ("error", "warning", "info")  # worst first
REPORT, READING = "report", "reading"  # a problem's kind: the report breaks a rule; we could not read it
KINDS = (REPORT, READING)

# the counts of a report, as the summary and wide rows name them: by severity (of either kind), then
# the errors apart by kind, and the value cells the reading limits leave without a value
COUNTS = ("errors", "warnings", "infos", "report_errors", "reading_limits", "limited_cells")

# as a reader sees them: the dashboard, the pages, the terminal views and report.xlsx
STATUS_ZH = {OK: "通过", PROBLEMS: "有错误", READ_PARTLY: "读取受限", FAILED: "无法读取", NOT_A_REPORT: "不是年度报告"}
KIND_ZH = {REPORT: "报告问题", READING: "读取受限"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

# a reviewer's verdicts after which a problem stays listed but is no longer counted (误报, 已更正)
SET_ASIDE = ("dismissed", "fixed")


def set_aside(verdict) -> bool:
    """Whether a problem whose ``verdict`` this is (``Problem.verdict``, or its dict as a result holds
    it; None: no verdict) is left out of every count (``problems.counts`` asks it)."""
    if verdict is None:
        return False
    return (verdict.get("verdict") if isinstance(verdict, dict) else verdict.verdict) in SET_ASIDE


def tally(severities: Iterable[str]) -> dict[str, int]:
    """How many of each severity, e.g. ``tally(p.severity for p in report.problems)`` ->
    ``{"error": 1, "warning": 0, "info": 2}`` (every severity present, in SEVERITIES order)."""
    counted = Counter(severities)
    return {severity: counted[severity] for severity in SEVERITIES}


def counts(problems: Iterable[tuple[str, str, int | None]]) -> dict[str, int]:
    """The COUNTS of a report from each problem's ``(severity, kind, limited_cells)``, e.g.
    ``{"errors": 1, "warnings": 0, "infos": 2, "report_errors": 0, "reading_limits": 1,
    "limited_cells": 3}``: one ambiguous run of glued digits that leaves three cells null."""
    problems = list(problems)
    by_severity = tally(severity for severity, _, _ in problems)
    limits = [cells for severity, kind, cells in problems if severity == "error" and kind == READING]
    return {"errors": by_severity["error"], "warnings": by_severity["warning"], "infos": by_severity["info"],
            "report_errors": by_severity["error"] - len(limits), "reading_limits": len(limits),
            "limited_cells": sum(cells or 0 for cells in limits)}


def status_of(counts: dict[str, int]) -> str:
    """The status of a report that was read, from its ``counts``: PROBLEMS with an error of its own,
    else READ_PARTLY with a reading limit, else OK."""
    if counts["report_errors"]:
        return PROBLEMS
    return READ_PARTLY if counts["reading_limits"] else OK

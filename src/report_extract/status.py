"""What an input came to, in one place: the four statuses a batch gives an input, the three
severities of a problem (each with its Chinese name), and the one tally of problems by severity that every count is made by
(the wide row, a batch's summary line, the counts after the cross-year checks, a report's page).

Knows no report and no file: it counts the severities it is handed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

OK = "ok"  # read; no problem of severity error
PROBLEMS = "problems"  # read; at least one error
NOT_A_REPORT = "not_a_report"  # read, but not an annual report: reported, not a failure
FAILED = "failed"  # could not be read (or its worker crashed or ran out of time)
STATUSES = (OK, PROBLEMS, NOT_A_REPORT, FAILED)

SEVERITIES = ("error", "warning", "info")  # worst first

# as a reader sees them: the dashboard, the pages, the terminal views and report.xlsx
STATUS_ZH = {OK: "通过", PROBLEMS: "有错误", FAILED: "无法读取", NOT_A_REPORT: "不是年度报告"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def tally(severities: Iterable[str]) -> dict[str, int]:
    """How many of each severity, e.g. ``tally(p.severity for p in report.problems)`` ->
    ``{"error": 1, "warning": 0, "info": 2}`` (every severity present, in SEVERITIES order)."""
    counted = Counter(severities)
    return {severity: counted[severity] for severity in SEVERITIES}


def status_of(counts: dict[str, int]) -> str:
    """The status of a report that was read, from its ``tally``: PROBLEMS with an error, else OK."""
    return PROBLEMS if counts["error"] else OK

"""What an input came to, in one place: the four statuses a batch gives an input, the three
severities of a problem, and the one tally of problems by severity that every count is made by
(the wide row, a batch's summary line, the counts after the cross-year checks, a report's page).

Knows no report and no file: it counts the severities it is handed (a problem a reviewer set aside,
``set_aside``, is not handed to it).
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
# a reviewer's verdicts after which a problem stays listed but is no longer counted (误报, 已更正)
SET_ASIDE = ("dismissed", "fixed")


def set_aside(verdict) -> bool:
    """Whether a problem whose ``verdict`` this is (``Problem.verdict``, or its dict as a result holds
    it; None: no verdict) is left out of every count: ``tally(p.severity for p in problems if not
    set_aside(p.verdict))``."""
    if verdict is None:
        return False
    return (verdict.get("verdict") if isinstance(verdict, dict) else verdict.verdict) in SET_ASIDE


def tally(severities: Iterable[str]) -> dict[str, int]:
    """How many of each severity, e.g. ``tally(p.severity for p in report.problems)`` ->
    ``{"error": 1, "warning": 0, "info": 2}`` (every severity present, in SEVERITIES order)."""
    counted = Counter(severities)
    return {severity: counted[severity] for severity in SEVERITIES}


def status_of(counts: dict[str, int]) -> str:
    """The status of a report that was read, from its ``tally``: PROBLEMS with an error, else OK."""
    return PROBLEMS if counts["error"] else OK

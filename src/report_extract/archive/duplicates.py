"""Which files of an archive hold the same report: one body and year (the body as ``--bodies``
settles it) in several files, such as a PDF, a DOCX and a web page of one report, or a web text
and the page it was saved from. One copy is used for the grid and the cross-year checks: the one
read most completely (fewest cells we could not read, then fewest reading limits), then with the
fewest problems of its own, then the first in the archive's order. Every other copy names it.

Reads the finished summaries only; fills ``Finished.duplicates``, which the summaries then carry
(``duplicate_of``: the path of the copy used, empty for the copy used itself; ``copies``: how many
files hold the body and year). An input without a body or a year is no one's duplicate.
"""

from __future__ import annotations

from ..status import FAILED, NOT_A_REPORT
from .jobs import Job
from .spool import Finished


def mark(finished: Finished) -> None:
    """Each read report's ``duplicate_of`` and ``copies`` into ``finished.duplicates``."""
    groups: dict[tuple[str, int], list[tuple[Job, dict]]] = {}
    for job, summary in finished.summaries():
        if summary["status"] in (FAILED, NOT_A_REPORT) or not summary.get("body") or not summary.get("year"):
            continue
        groups.setdefault((summary["body"], int(summary["year"])), []).append((job, summary))
    for copies in groups.values():
        used_job, used = min(copies, key=completeness)
        for job, _ in copies:
            finished.duplicates[job.index] = {"duplicate_of": None if job is used_job else used["path"],
                                              "copies": len(copies)}


def completeness(copy: tuple[Job, dict]) -> tuple:
    """How a copy ranks, best (smallest) first: cells we could not read, reading limits, errors of
    its own, warnings, its place in the archive's order. Of two readings of one report, the one
    whose sums hold is likelier the one read right: a misread cell rarely keeps every sum."""
    job, summary = copy
    return tuple(summary.get(key) or 0 for key in ("limited_cells", "reading_limits", "report_errors",
                                                      "warnings")) + (job.index,)

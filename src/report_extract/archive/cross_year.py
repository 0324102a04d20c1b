"""The cross-year checks over a run's finished results (``crossyear``: R5 carry-over, R6 documents in
force, R7 item counts): warnings across consecutive years of a body, written into the later year's
result file, with the reviewer's verdicts on them. Earlier cross-year warnings there are replaced, so
a repeated run adds nothing twice.

Reads the spool's brief lines to pair the years (of a report held in several files, the copy
``duplicates`` chose), and a result file only where its cross-year problems change; fills
``Finished.cross`` and ``Finished.counts`` for the sheets and the pages.
"""

from __future__ import annotations

from .. import crossyear, identity
from ..problems import counts
from ..review import judge
from .outfolder import load_result, result_path, rewrite_result
from .spool import Finished


def check(finished: Finished) -> None:
    """Every input's cross-year problems into ``finished.cross``, and the new problem counts of the
    results they changed into ``finished.counts``."""
    spool, options = finished.spool, finished.options
    records, had = [], set()  # (index, {body, year}) only: the numbers stay in the spool
    for job in finished.jobs:
        brief = spool.brief(job.index)
        if brief is None:
            continue
        if brief["essentials"] and not finished.duplicates.get(job.index, {}).get("duplicate_of"):
            essentials = brief["essentials"]
            body = identity.settled_body(essentials["organization"], options.bodies) if options.bodies else \
                essentials["body"]
            records.append((job.index, {"body": body, "year": essentials["year"]}))
        if any(code in crossyear.CROSS_YEAR_CODES for code in brief["codes"]):
            had.add(job.index)
    found: dict[int, list] = {}
    for earlier, later in crossyear.pairs(records):
        essentials = spool.brief(later)["essentials"]
        problems = crossyear.check(spool.brief(earlier)["essentials"], essentials)
        judge(problems, finished.review.about(essentials.get("sha256")))  # a reviewer's verdicts on them
        if problems:
            found.setdefault(later, []).extend(p.model_dump(mode="json") for p in problems)
    finished.cross = found
    for job in finished.jobs:
        if job.index not in had and job.index not in found:
            continue
        path = result_path(options.outdir, job.rel, options.fmt)
        data = load_result(path, options.fmt)
        if data is None:
            continue
        kept = [p for p in data.get("problems", []) if p["code"] not in crossyear.CROSS_YEAR_CODES]
        fresh = kept + found.get(job.index, [])
        if fresh != data.get("problems", []):
            data["problems"] = fresh
            rewrite_result(path, data, options.fmt)
        finished.counts[job.index] = counts(fresh)

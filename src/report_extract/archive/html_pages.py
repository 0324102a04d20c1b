"""``batch --html`` once a run is finished: the page of each result that has none yet or whose
problems the cross-year checks changed, and index.html, a row per input (``views.dashboard``
renders it from the rows handed to it).

Reads the summaries and problem codes from the spool and a result file only where its page must be
made again (and then its input, where the page shows crops of its scan: ``crops``); writes through
``outfolder`` and ``files``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from .. import files
from ..crossyear import CROSS_YEAR_CODES
from ..status import FAILED
from ..views.dashboard import index_page
from .executor import read_source
from .outfolder import load_result, page_path, result_path, write_result
from .spool import Finished
from .unit import page_html


def write(finished: Finished) -> Path:
    """The pages still to write, then index.html (returned)."""
    options = finished.options
    rows = []
    for job, row in finished.summaries():
        brief = finished.spool.brief(job.index)
        if brief is not None:  # its codes as read, the cross-year ones as this run found them
            row["codes"] = sorted({c for c in brief["codes"] if c not in CROSS_YEAR_CODES}
                                  | {p["code"] for p in finished.cross.get(job.index, [])})
        if row["status"] != FAILED:
            result = result_path(options.outdir, job.rel, options.fmt)
            # its cross-year problems changed, or no worker wrote its page
            if job.index in finished.counts or not page_path(result).exists():
                data = load_result(result, options.fmt)
                if data is not None:  # its crops cut again from its input, if that is still the same
                    write_result(result, None, page_html(data, lambda job=job: read_source(job)))
            if page_path(result).exists():
                row["page"] = page_path(result)
        rows.append(row)
    return write_index(options.outdir, rows + list(finished.missing))


def write_index(outdir: Path, rows: list[dict]) -> Path:
    """index.html in ``outdir``; each row's ``page`` (an absolute path) made a link relative to it."""
    shown = []
    for row in rows:
        row = dict(row)
        if row.get("page"):
            row["page"] = quote(Path(os.path.relpath(row["page"], outdir)).as_posix())
        shown.append(row)
    target = outdir / "index.html"
    files.write_text(target, index_page(shown))
    return target

"""``report_extract.batch``: the names the command line, the tests and the benchmarks have always
imported from here, and the local worker process's entry point (``python -m report_extract.batch
--worker OPTIONS``). The archive path itself lives in the ``archive`` package, one job a module
(see its ``__init__``); nothing in the package imports this module.
"""

from __future__ import annotations

import sys

from .archive.discovery import EXTENSIONS, Skipped, discover, relative_path
from .archive.executor import OCR_PAGE_TIMEOUT, crash_reason
from .archive.jobs import Job, Options
from .archive.outfolder import LOCK_NAME, OutputBusy, current, result_path, reusable, take_lock, write_result
from .archive.run import Outcome, run
from .archive.unit import LONG_COLUMNS, PROBLEM_COLUMNS, SUMMARY_COLUMNS, work

_relative = relative_path  # the name tests/test_batch.py imports (the tests stay as they were)

__all__ = ["EXTENSIONS", "LOCK_NAME", "LONG_COLUMNS", "OCR_PAGE_TIMEOUT", "PROBLEM_COLUMNS", "SUMMARY_COLUMNS", "Job",
           "Options", "Outcome", "OutputBusy", "Skipped", "crash_reason", "current", "discover", "result_path",
           "reusable", "run", "take_lock", "work", "write_result"]

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        import os

        from . import janitor
        from .archive.local import worker_main

        worker_main(sys.argv[2])
        # its results and spool are written and closed, its last line flushed: it leaves without
        # tearing the interpreter down (tens of ms a worker, at the end of every batch), once what
        # its janitor holds is gone
        janitor.at_exit()
        sys.stdout.flush()
        os._exit(0)
    else:
        sys.exit("this is report-extract's batch worker; use: report-extract batch")

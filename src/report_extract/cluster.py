"""``report_extract.cluster``: the names of batch on a Dask cluster as they were imported from here,
and the entry point of a Dask worker's child process (``python -m report_extract.cluster --child``).
The client is ``archive.dask_client``, the worker's side ``archive.dask_worker``; nothing in the
package imports this module. Dask is imported only when a batch runs on it.
"""

from __future__ import annotations

import sys

from .archive.dask_client import MAX_SEND_MB, ClusterError, connect, local_workers_at_most, run_jobs
from .archive.dask_worker import child_main, task

__all__ = ["MAX_SEND_MB", "ClusterError", "child_main", "connect", "local_workers_at_most", "run_jobs", "task"]

if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        child_main()
    else:
        sys.exit("this is report-extract's cluster worker child; use: report-extract batch --scheduler")

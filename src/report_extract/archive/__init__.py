"""The archive path: ``report-extract batch``, many inputs into one output folder, with sheets.

One way through, one job a module::

    discovery   the inputs: folders walked, page images grouped, output folders skipped -> Jobs
    run         the run: lock, discovery, an executor, then the finishing steps below
    executor    what an executor is (``executor(jobs, options, done, spool)``) and the rules both
                apply: reuse of a current result, the deadline (OCR pages), why a worker failed
      local       worker processes on this machine (forked, or ``python -m report_extract.batch --worker``)
      dask_client the jobs on a Dask cluster, from the client (``--scheduler``)
      dask_worker on a Dask worker: a task's inputs through a child process
                  (``python -m report_extract.cluster --child``)
    unit        the unit of work for one input, wherever it runs: bytes in; summary, result text,
                page out (``work``); the summary line and sheet rows of a result
    outfolder   the output folder: result and page paths, reading results back, whether one is
                current, writing them (through ``files``), the lock, half-written files
    spool       what each finished input leaves for the end of the run, and ``Finished``
    part        each worker's rows of report.sqlite, put in a scratch SQLite file as it reads
    duplicates  which files hold the same report (body and year), and which copy is used
    cross_year  the cross-year checks over the finished results
    sheets      summary/wide/long/problems.csv and report.xlsx
    database    report.sqlite: the same results as tables an analyst queries (the parts copied)
    html_pages  ``--html``: the pages still to write and index.html (rendered by views.dashboard)
    jobs        the records every module reads: Job, Options
    review_store  OUT/review.json, a reviewer's decisions: read as a run begins, applied by the
                executors to each result (``review.apply``), followed to renamed reports at the end

What is absent, on purpose:

- No module of the package imports ``run``, an executor imports no other executor, and nothing
  below the executors (unit, outfolder, spool, part, duplicates, sheets, database, html_pages,
  cross_year) imports one.
- No view imports this package: ``views.dashboard`` renders the rows it is handed.
- No name starting with ``_`` is imported from another module; what two modules share is public
  and documented where it lives.
- Dask is imported in ``dask_client`` only, inside functions: a local batch never loads it.

``report_extract.batch`` and ``report_extract.cluster`` keep the names they always exported, and
the worker processes' command lines.
"""

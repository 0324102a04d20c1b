"""Archives: many inputs, in worker processes, into one output folder with spreadsheet summaries.

Each input is read in a worker process that writes its own result file (atomically) and sends
back one summary line, so the parent never holds the reports. A worker that crashes (even inside
a native library) or hangs past the timeout is replaced; its input is recorded as failed and the
batch goes on. A result whose input has not changed (same sha256) is reused unless ``force``.
When every input is done, the cross-year checks run over the results, then the CSVs (and XLSX)
are written by streaming over the result files, in input order, so a batch that was killed and
run again leaves the same folder as one that was not.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path, PurePath

from . import crossyear, files, guard, identity, janitor, limits, pages
from .guard import printable
from .writers import WIDE_META, csv_cell, read_back_csv, wide_columns

# Imported where used, not here: a worker process imports this module first thing, and what it
# imports here every worker pays for at start-up, on the batch's critical path. ``views.dashboard``
# only with --html; ``multiprocessing.connection`` only in the parent.

EXTENSIONS = (".pdf", ".docx", ".doc", ".wps", ".txt", ".md", ".html", ".htm", ".xhtml", ".mht", ".mhtml",
              ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # page images: read by OCR
# seconds each page read by OCR may take at least, whatever --timeout says (loading the OCR models
# and a page of a slow scan take longer than a text file); a --timeout above it raises it
OCR_PAGE_TIMEOUT = 60.0
LOCK_NAME = ".report-extract.lock"  # in the output folder: held while a batch writes into it
MAX_NAME_BYTES = 200  # a result's file name, before .json and .html (file systems allow 255)
SUMMARY_COLUMNS = ("path", "status", "template", "organization", "body", "year", "errors", "warnings", "infos", "error",
                   "ocr_pages", "seconds")  # ocr_pages: how many pages were read by OCR (empty: none)
LONG_COLUMNS = ("path", "organization", "body", "year", "field", "value")
PROBLEM_COLUMNS = ("path", "organization", "body", "year", "code", "severity", "table", "row", "column", "page",
                   "expected", "found", "label", "message", "message_zh")


@dataclass
class Job:
    index: int
    path: str  # as found (what the user named, joined with the walk); a group of page images: its label
    rel: str  # relative path inside the output folder, without the result suffix
    parts: list | None = None  # the page image files of one report (pages.group), in page order


@dataclass
class Options:
    outdir: Path
    fmt: str = "json"
    force: bool = False
    timeout: float = 60.0
    jobs: int = 0
    xlsx: bool = False
    memory_mb: int = 0  # each worker's memory limit (0: limits.MEMORY)
    html: bool = False  # a page per report and index.html (views.dashboard)
    scheduler: str | None = None  # a Dask scheduler's address, or local:N; None: local worker processes
    shared_fs: bool = False  # cluster workers can read the inputs' paths themselves
    ocr: str = "auto"
    bodies: dict | None = None  # --bodies: a name as written -> its canonical name (identity.read_bodies)


@dataclass
class Outcome:
    total: int = 0  # inputs found (and paths that do not exist)
    done: int = 0  # inputs finished, read or failed
    failed: int = 0
    not_reports: int = 0  # read, but not annual reports: reported, not failures
    reused: int = 0  # results already current (same input, version and OCR mode): not read again
    interrupted: int = 0  # the signal that stopped the batch (SIGINT for Ctrl-C), 0: it was not
    missing: list = None  # the paths named that do not exist


# --- which inputs ------------------------------------------------------------------------------
def discover(paths: list[str], outdir: Path | None = None) -> tuple[list[Job], list[dict]]:
    """Files under the given folders (recursively, by extension) and the given files, in a stable
    order, each with its place in the output folder. Also the summaries of inputs skipped. Output
    folders (``outdir``, and any folder an earlier batch wrote into: it holds LOCK_NAME) are never
    walked: the tool never reads back what it wrote."""
    found: list[tuple[str, str]] = []
    named: set[str] = set()  # files the user named one by one: never grouped as page images
    skipped: list[dict] = []
    roots = [Path(p) for p in paths]
    base = _common_base(roots)
    for root in roots:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                if LOCK_NAME in filenames or outdir is not None and _resolved(Path(dirpath)) == outdir:
                    dirnames.clear()  # an output folder: ours, not the archive's
                    continue
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    if name.lower().endswith(EXTENSIONS) and not name.startswith((".", "~$")):
                        found.append((str(path), _relative(path, base)))
        elif root.is_file():
            found.append((str(root), _relative(root, base)))
            named.add(str(root))
        else:
            reason = "a symbolic link loop" if root.is_symlink() else "no such file or folder"
            skipped.append(_summary(str(root), "failed", error=reason))
    seen, jobs, paths_seen = set(), [], set()
    unique_found = []
    for path, rel in found:
        if path not in paths_seen:  # the same file named twice
            paths_seen.add(path)
            unique_found.append((path, rel))
    rels = dict(unique_found)
    order = {path: i for i, (path, _) in enumerate(unique_found)}
    walked = pages.group([path for path, _ in unique_found if path not in named])
    inputs = sorted(walked + [[path] for path in named], key=lambda parts: order[parts[0]])
    for parts in inputs:
        path, rel = parts[0], rels[parts[0]]
        if len(parts) > 1:  # page images of one report: one input, named by the group
            path, rel = pages.label(parts), "/".join([*rel.split("/")[:-1], PurePath(pages.label(parts)).name])
        unique, n = rel, 1
        while unique in seen:  # two inputs that would share a result file (links from elsewhere)
            n += 1
            unique = f"{rel}~{n}"
        seen.add(unique)
        jobs.append(Job(len(jobs), path, unique, parts if len(parts) > 1 else None))
    return jobs, skipped


def _resolved(path: Path) -> Path:
    """The real path, or the absolute one where links loop (resolve() raises on a loop)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def _common_base(roots: list[Path]) -> Path:
    folders = [_resolved(r) if r.is_dir() else _resolved(r).parent for r in roots if r.exists()]
    if not folders:
        return Path.cwd()
    if len(folders) == 1 and roots[0].is_dir():
        return folders[0]
    return Path(os.path.commonpath([str(f) for f in folders]))


def _relative(path: Path, base: Path) -> str:
    """A path inside the output folder: never absolute, never climbing out of it."""
    try:
        rel = _resolved(path).relative_to(base)
    except ValueError:
        rel = Path(path.name)
    parts = [_fitted(p) for p in rel.parts if p not in ("", ".", "..") and not p.startswith("/")]
    return "/".join(parts) or _fitted(path.name)


def _fitted(name: str) -> str:
    """A name that fits a file system's 255 bytes with what the output adds (``.json``, ``.html``,
    a temporary file's ``.NAME.XXXXXXXX.tmp``): a longer one is cut, and told apart by a digest."""
    encoded = os.fsencode(name)
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha1(encoded).hexdigest()[:10]
    cut = encoded[:MAX_NAME_BYTES - 12].decode("utf-8", errors="ignore")
    return f"{cut}~{digest}"


def result_path(outdir: Path, rel: str, fmt: str, root: Path | None = None) -> Path:
    """``root``: ``outdir`` resolved, when the caller resolved it once for many inputs."""
    target = _resolved(outdir / f"{rel}.{fmt}")
    if (root or _resolved(outdir)) not in target.parents:
        raise ValueError(f"its result would be written outside the output folder, at {printable(str(target))} "
                         "(a symbolic link inside the output folder points elsewhere)")
    return target


# --- one input, in a worker --------------------------------------------------------------------
def process(job: Job, options: Options, on_ocr_page=None) -> dict:
    """Read one input and write its result; return its summary line. ``on_ocr_page``: see ``work``."""
    start = time.perf_counter()
    from .errors import ReportError
    from .guard import read_input

    try:
        data = pages.read_group(job.parts) if job.parts else read_input(job.path)
    except ReportError as exc:
        return _summary(job.path, "failed", error=exc.reason, start=start)
    digest = hashlib.sha256(data).hexdigest()
    try:
        out = result_path(options.outdir, job.rel, options.fmt)
    except ValueError as exc:
        return _summary(job.path, "failed", error=str(exc), start=start)
    if not options.force:
        existing = current(out, options.fmt, digest, options.ocr)
        if existing is not None:
            if options.html and not _dashboard().page_path(out).exists():
                _dashboard().write_page(out, existing)
            return {**_summary_of(job.path, existing, start), "reused": True}
    summary, text, page = work(job.path, data, digest, options.fmt, start, page=options.html, ocr=options.ocr,
                               on_ocr_page=on_ocr_page)
    write_result(out, text, page)
    return summary


def write_result(out: Path, text: str | None, page: str | None) -> None:
    """An input's result file and its page (None: not written); files.OutputError when one cannot
    be: a folder or a socket in its place fails that input, a failing disk (``exc.disk``: full,
    read-only) stops the batch."""
    if text is not None:
        files.write_text(out, text)
    if page is not None:
        files.write_text(_dashboard().page_path(out), page)


def work(path: str, data: bytes, digest: str, fmt: str, start: float, page: bool = False,
         ocr: str = "auto", on_ocr_page=None) -> tuple[dict, str | None, str | None]:
    """The unit of work, wherever it runs (a local worker process or a cluster worker): one input's
    bytes in; its summary line (what the spreadsheets need under ``data``), the text of its result
    file and, when ``page``, its HTML page out (None when it failed). Reads and writes no files of
    its own. ``on_ocr_page()`` is called as OCR starts on each page."""
    guard.fault_injection(path)
    from .errors import NotAReport, ReportError
    from .pipeline import extract
    from .writers import as_data, to_json, to_yaml

    try:
        report = extract(path, data, sha256=digest, ocr=ocr, on_ocr_page=on_ocr_page)
    except NotAReport as exc:
        return _summary(path, "not_a_report", error=exc.reason, start=start), None, None
    except ReportError as exc:
        return _summary(path, "failed", error=exc.reason, start=start), None, None
    except MemoryError:
        return _summary(path, "failed", error=guard.memory_error().reason, start=start), None, None
    except RecursionError:
        return _summary(path, "failed", error=limits.NESTING.error("nested too deeply to read").reason,
                        start=start), None, None
    except Exception as exc:  # a bug of ours: recorded, the batch goes on
        return _summary(path, "failed", error=f"internal error ({type(exc).__name__}: {exc})", start=start), None, None
    text = to_json(report) + "\n" if fmt == "json" else to_yaml(report)
    return _summary_of(path, as_data(report), start), text, _dashboard().report_page(report) if page else None


def _dashboard():
    from .views import dashboard

    return dashboard


def current(out: Path, fmt: str, digest: str, ocr: str) -> dict | None:
    """The result already in the output folder when it was made from these same bytes, by this
    version of report-extract, with the same OCR mode (what changes a result)."""
    existing = _load(out, fmt)
    if existing is not None and reusable(existing, ocr) and existing.get("source", {}).get("sha256") == digest:
        return existing
    return None


def reusable(result: dict, ocr: str) -> bool:
    """Whether a result was made by this version with this OCR mode (its input's digest aside)."""
    from . import __version__

    made = (result.get("source") or {}).get("read_with") or {}
    return made.get("version") == __version__ and made.get("ocr") == ocr


def _load(path: Path, fmt: str) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        if fmt == "json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except Exception:
        return None  # a damaged result is made again


def _summary_of(path: str, data: dict, start: float) -> dict:
    """The summary line of a result, and (under ``data``) what the spreadsheets and the cross-year
    checks need of it, so that the parent never parses the result files again."""
    problems = data.get("problems", [])
    counts = {s: sum(p["severity"] == s for p in problems) for s in ("error", "warning", "info")}
    info = data.get("report", {})
    flat = {f"{t}.{r}.{c}": v for t, rows in data.get("tables", {}).items() for r, cols in rows.items()
            for c, v in cols.items()}
    summary = {"path": printable(path), "status": "problems" if counts["error"] else "ok", "template": info.get("template"),
               "organization": info.get("organization"), "body": info.get("body"), "year": info.get("year"),
               "errors": counts["error"],
               "warnings": counts["warning"], "infos": counts["info"], "error": ""}
    rows = sheet_rows(summary, flat, problems)
    summary["seconds"] = round(time.perf_counter() - start, 3)
    summary["ocr_pages"] = len(data.get("source", {}).get("ocr_pages") or []) or None
    summary["data"] = {"essentials": crossyear.essentials(data), "codes": sorted({p["code"] for p in problems}),
                       "rows": rows}
    return summary


_SHEET_COLUMNS: dict[str, list[str]] = {}


def sheet_rows(summary: dict, flat: dict, problems: list[dict]) -> dict[str, str]:
    """An input's rows of wide.csv, long.csv and problems.csv (but for the cross-year ones) as CSV
    text, made where the input was read, in parallel: the parent only copies them into the sheets."""
    if not _SHEET_COLUMNS:
        wide = wide_columns()
        _SHEET_COLUMNS.update(wide=wide, fields=wide[len(WIDE_META):])
    meta = {"path": summary["path"], "organization": summary["organization"], "body": summary["body"],
            "year": summary["year"], "template": summary["template"]}
    tally = {k: summary[k] for k in ("status", "errors", "warnings", "infos")}  # wide rows carry them
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def text(rows) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[csv_cell(v) for v in row] for row in rows])
        return buffer.getvalue()

    wide_row = {**meta, **tally, **flat}
    return {"wide": text([[wide_row.get(c) for c in _SHEET_COLUMNS["wide"]]]),
            "long": text([meta["path"], meta["organization"], meta["body"], meta["year"], key, flat[key]]
                         for key in _SHEET_COLUMNS["fields"] if key in flat),
            "problems": text([row.get(c) for c in PROBLEM_COLUMNS] for row in (
                {**meta, **p} for p in problems if p["code"] not in crossyear.CROSS_YEAR_CODES))}


def _summary(path: str, status: str, error: str = "", start: float | None = None) -> dict:
    return {"path": printable(path), "status": status, "template": None, "organization": None, "body": None, "year": None,
            "errors": None,
            "warnings": None, "infos": None, "error": error,
            "seconds": round(time.perf_counter() - start, 3) if start is not None else 0.0}


def worker_main(options_json: str) -> None:
    """A worker process: one job a line on stdin, one summary a line on stdout. A plain
    ``python -m report_extract.batch --worker`` process, so nothing depends on how the parent was
    started (multiprocessing's spawn would re-import the parent's main script)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    # the parent gone (killed): take the worker's whole process group (LibreOffice too) with it
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(0, signal.SIGKILL))
    guard.die_with_parent(signal.SIGTERM)
    config = json.loads(options_json)
    guard.set_memory_limit(config.pop("memory_mb", 0) or limits.MEMORY.value)
    spool_path = Path(config.pop("spool"))
    ocr_pages = _OcrPages()
    options = Options(**{**config, "outdir": Path(config["outdir"])})
    with files.open_spool(spool_path, "a", encoding="utf-8", errors="backslashreplace") as spool:
        for line in sys.stdin:
            job = Job(**json.loads(line))
            ocr_pages.count = 0
            try:
                summary = process(job, options, on_ocr_page=ocr_pages)
                data = summary.pop("data", None)
                # the bulk goes to this worker's spool file, not through the pipe
                where = None if data is None else spool_write(spool, spool_path, data)
            except MemoryError:  # over the worker's memory limit, anywhere: this input fails, not the batch
                summary, where = _summary(job.path, "failed", error=guard.memory_error().reason), None
            except files.OutputError as exc:  # its result or page cannot be written
                if exc.disk:  # the output disk itself fails (full, read-only): the batch stops
                    _tell_output_failure(exc.errno, None)
                    return
                summary, where = _summary(job.path, "failed", error=str(exc)), None  # it fails, not the batch
            except OSError as exc:  # the spool cannot be written (a full disk): the batch stops
                _tell_output_failure(exc.errno, exc.filename)
                return
            sys.stdout.write(json.dumps([job.index, summary, where]) + "\n")  # ASCII: any file name passes
            sys.stdout.flush()


def _tell_output_failure(number: int | None, filename) -> None:
    """Tell the parent that the output folder cannot be written (no input's fault): it stops."""
    message = ["output", number, os.strerror(number) if number else "a write error", filename and printable(str(filename))]
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def spool_write(handle, path: Path, data: dict) -> list:
    """Append an input's spool lines to an open spool file; returns where they start."""
    where = [str(path), handle.tell()]
    # first what the cross-year checks need, so that they need not parse the rest; then the sheets' rows
    brief = {"essentials": data["essentials"], "codes": data["codes"]}
    handle.write(json.dumps(brief, ensure_ascii=False) + "\n")
    handle.write(json.dumps(data["rows"], ensure_ascii=False) + "\n")
    handle.flush()
    return where


class _OcrPages:
    """In a worker: each page OCR starts on is told to the parent (``["ocr", pages so far]``), whose
    timeout for the input grows with it: ``--timeout`` holds for each page read by OCR. ``count``
    is set to 0 for each input."""

    def __init__(self):
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        sys.stdout.write(json.dumps(["ocr", self.count]) + "\n")
        sys.stdout.flush()


class _Slot:
    """One worker process and the job it holds."""

    def __init__(self, options: Options, spool: Path):
        config = json.dumps({"outdir": str(options.outdir), "fmt": options.fmt, "force": options.force,
                             "html": options.html, "ocr": options.ocr, "spool": str(spool),
                             "memory_mb": options.memory_mb})
        # its own temporary folder (LibreOffice's copies of inputs), removed with the worker
        self.tmp = janitor.temporary_folder("report-extract-worker-")
        # its own process group, so that a timeout kills what it started (LibreOffice) too, and so
        # does the janitor if the batch is killed; unbuffered: what the worker wrote and was not yet
        # read is either in the pipe (select() sees it) or in ``pending`` (``has_line``), never in
        # a buffer of Python's
        self.process = subprocess.Popen([sys.executable, "-m", "report_extract.batch", "--worker", config],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        bufsize=0, start_new_session=True, env={**os.environ, "TMPDIR": self.tmp})
        janitor.watch_group(self.process.pid)
        self.job: Job | None = None
        self.started = 0.0
        self.ocr_pages = 0  # pages of the current input that OCR has started on
        self.pending = b""  # read from the worker, not yet taken: the start of a line, or whole lines

    def give(self, job: Job) -> None:
        self.job, self.started, self.ocr_pages = job, time.monotonic(), 0
        try:
            self.process.stdin.write((json.dumps(job.__dict__) + "\n").encode())  # ASCII: any file name passes
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # a worker that died: seen as its stdout closes

    def _kill_group(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass

    def has_line(self) -> bool:
        return b"\n" in self.pending

    def receive(self) -> tuple[int, dict, list | None] | str | None:
        """The job's result; None when the worker died; "ocr" when it told how many pages of
        the input OCR has started on. Reads what the pipe holds at once (readline on an unbuffered
        pipe reads a byte a call)."""
        while b"\n" not in self.pending:
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            if not chunk:
                return None
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        message = json.loads(line)
        if message[0] == "ocr":
            self.ocr_pages = message[1]
            return "ocr"
        if message[0] == "output":  # the worker could not write into the output folder: no input's fault
            raise OSError(message[1], message[2], message[3])
        index, summary, where = message
        return index, summary, where

    def timeout(self, options: Options) -> float:
        """--timeout for the input; for an input read by OCR, --timeout (at least OCR_PAGE_TIMEOUT)
        for each page OCR has started on."""
        if self.ocr_pages:
            return max(options.timeout, OCR_PAGE_TIMEOUT) * self.ocr_pages
        return options.timeout

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self._kill_group()
            else:
                self.process.stdin.close()
            self.process.wait(timeout=5)
        except (subprocess.TimeoutExpired, OSError):
            self._kill_group()
            self.process.wait()
        self._kill_group()  # what the worker left running in its group, if anything
        janitor.release_group(self.process.pid)
        janitor.remove_folder(self.tmp)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class _Spool:
    """What each result contributes to the spreadsheets: two JSON lines per input in the workers'
    temporary spool files (a brief one for the cross-year checks and the pages, then its rows of the
    sheets as CSV text), found again by (file, offset). The parent holds offsets, not reports."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        for stale in outdir.glob(".report-extract-spool-*.jsonl"):  # left by a run that was killed
            stale.unlink(missing_ok=True)
        self.where: dict[int, tuple[str, int]] = {}
        self.handles: dict[str, object] = {}
        self.count = 0
        self.summaries = files.open_spool(self.new_file(), "w+", encoding="utf-8")  # the parent's own spool
        self.summary_at: dict[int, int] = {}

    def put_summary(self, index: int, summary: dict) -> None:
        self.summaries.seek(0, os.SEEK_END)
        self.summary_at[index] = self.summaries.tell()
        self.summaries.write(json.dumps(summary, ensure_ascii=False) + "\n")

    def get_summary(self, index: int) -> dict | None:
        if index not in self.summary_at:
            return None
        self.summaries.seek(self.summary_at[index])
        return json.loads(self.summaries.readline())

    def new_file(self) -> Path:
        """A new spool file, made (empty) under a unique name: nothing planted there is followed."""
        self.count += 1
        return files.new_spool(self.outdir, f".report-extract-spool-{os.getpid()}-{self.count}-", ".jsonl")

    def put(self, index: int, where: list | None) -> None:
        if where is not None:
            self.where[index] = (where[0], where[1])

    def rows(self, index: int) -> dict | None:
        """The input's rows of wide.csv, long.csv and problems.csv, as CSV text."""
        handle = self._at(index)
        if handle is None:
            return None
        handle.readline()
        return json.loads(handle.readline())

    def brief(self, index: int) -> dict | None:
        """The input's cross-year essentials and problem codes only."""
        handle = self._at(index)
        return None if handle is None else json.loads(handle.readline())

    def _at(self, index: int):
        if index not in self.where:
            return None
        path, offset = self.where[index]
        if path not in self.handles:
            self.handles[path] = files.open_spool(path, "r", encoding="utf-8")
        handle = self.handles[path]
        handle.seek(offset)
        return handle

    def close(self) -> None:
        self.summaries.close()
        for handle in self.handles.values():
            handle.close()
        for path in self.outdir.glob(f".report-extract-spool-{os.getpid()}-*.jsonl"):
            path.unlink(missing_ok=True)


def run(paths: list[str], options: Options, progress=None) -> Outcome:
    """Process every input, then the cross-year checks and the spreadsheets. ``progress(done,
    total, failed, summary)`` is called after each input. The parent keeps a status a job; the
    summaries and what the spreadsheets need wait in spool files."""
    options.outdir.mkdir(parents=True, exist_ok=True)
    lock = take_lock(options.outdir)
    try:
        return _run(paths, options, progress)
    finally:
        lock.close()


def _run(paths: list[str], options: Options, progress) -> Outcome:
    _remove_half_written(options.outdir)
    jobs, missing = discover(paths, _resolved(options.outdir))
    outcome = Outcome(total=len(jobs) + len(missing), failed=len(missing), missing=missing)
    statuses: dict[int, str] = {}
    spool = _Spool(options.outdir)

    def done(index: int, summary: dict, where: list | None = None) -> None:
        outcome.reused += bool(summary.pop("reused", False))
        spool.put(index, where)
        spool.put_summary(index, summary)
        statuses[index] = summary["status"]
        outcome.done += 1
        outcome.failed += summary["status"] == "failed"
        outcome.not_reports += summary["status"] == "not_a_report"
        if progress:
            progress(outcome.done, len(jobs), outcome.failed, summary)

    try:
        if jobs:
            _executor(options)(jobs, options, done, spool)
        finish(jobs, statuses, missing, spool, options)
    except (KeyboardInterrupt, guard.Interrupted) as exc:  # Ctrl-C, SIGTERM, SIGHUP: resumable
        outcome.interrupted = getattr(exc, "number", signal.SIGINT)
    finally:
        spool.close()
    if outcome.interrupted:  # the workers are gone: what they or the sheets left half-written goes
        _remove_half_written(options.outdir)
    return outcome


class OutputBusy(OSError):
    """Another batch is writing into the same output folder."""


def take_lock(outdir: Path):
    """An exclusive lock on the output folder, held while the batch runs (released when the process
    ends, however it ends); OutputBusy where another batch holds it. Its file also marks the
    folder as an output folder, which no later batch walks as part of an archive."""
    import fcntl

    handle = open(outdir / LOCK_NAME, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputBusy(errno.EBUSY, "another batch is writing into this folder; run one batch at a time on an "
                                      "output folder") from None
    return handle


def _remove_half_written(outdir: Path) -> None:
    """Temporary files of atomic writes (``.NAME.XXXX.tmp``) that a killed run left behind: its
    workers die with it, possibly in the middle of a write."""
    for path in outdir.rglob(".*.tmp"):
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
        except OSError:
            pass


def _executor(options: Options):
    """Where the jobs run: local worker processes, or a Dask cluster (``options.scheduler``). Either
    calls ``done(index, summary, where)`` once per job, in completion order, with the input's spool
    lines at ``where``; results are in the output folder by then."""
    if options.scheduler:
        from .cluster import run_jobs

        return run_jobs
    return _pool


def _pool(jobs: list[Job], options: Options, done, spool: _Spool) -> None:
    """Run the jobs on worker processes; ``done(index, summary)`` for each, in completion order."""
    from multiprocessing.connection import wait

    size = max(1, min(options.jobs or os.cpu_count() or 1, len(jobs)))
    queue = list(reversed(jobs))
    slots = [_Slot(options, spool.new_file()) for _ in range(size)]
    try:
        for slot in slots:
            if queue:
                slot.give(queue.pop())
        while any(slot.job for slot in slots):
            busy = [s for s in slots if s.job]
            # a line already read (after another, in one read) is taken without waiting
            ready = wait([s.process.stdout for s in busy], timeout=0 if any(s.has_line() for s in busy) else 0.2)
            for slot in busy:
                failure = None
                if slot.has_line() or slot.process.stdout in ready:
                    received = slot.receive()
                    if received is None:
                        failure = _death(slot, options.memory_mb)
                    elif received == "ocr":
                        continue
                    else:
                        slot.job = None
                        done(*received)
                elif time.monotonic() - slot.started > slot.timeout(options):
                    pages = f", {slot.ocr_pages} pages read by OCR" if slot.ocr_pages else ""
                    failure = f"timed out after {slot.timeout(options):g} s{pages} (the worker was stopped)"
                if failure:
                    job = slot.job
                    summary = _summary(job.path, "failed", error=failure)
                    summary["seconds"] = round(time.monotonic() - slot.started, 3)
                    done(job.index, summary)
                    slot.stop(kill=True)
                    slots[slots.index(slot)] = slot = _Slot(options, spool.new_file())
                if slot.job is None and queue:
                    slot.give(queue.pop())
    finally:
        for slot in slots:
            slot.stop(kill=bool(slot.job))


def _death(slot: _Slot, memory_mb: int = 0) -> str:
    try:
        code = slot.process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        code = None
    return crash_reason(code, memory_mb)


def crash_reason(code: int | None, memory_mb: int = 0) -> str:
    """Why an input failed whose worker process ended with ``code`` while reading it."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return (f"the worker crashed ({name}) while reading this file (over its memory limit of "
                f"{memory_mb or limits.MEMORY.value:,} MB? {limits.MEMORY.how_to_raise()})")
    return f"the worker stopped unexpectedly (exit code {code}) while reading this file"


# --- after the inputs: cross-year checks, then the summaries ----------------------------------------
def finish(jobs: list[Job], statuses: dict[int, str], missing: list[dict], spool: _Spool,
           options: Options) -> None:
    cross, counts = _cross_year(jobs, spool, options)
    _write_tables(jobs, statuses, missing, spool, cross, counts, options)
    if options.html:
        _dashboard().write_batch(jobs, statuses, missing, spool, counts, options, cross)


def _cross_year(jobs: list[Job], spool: _Spool, options: Options) -> tuple[dict[int, list], dict[int, dict]]:
    """Warnings across consecutive years of an organisation, written into the later year's result;
    earlier cross-year warnings there are replaced, so a repeated run adds nothing twice.
    Returns every input's cross-year problems and the new problem counts of the results changed."""
    records, had = [], set()  # (index, {organization, year}) only: the numbers stay in the spool
    for job in jobs:
        brief = spool.brief(job.index)
        if brief is None:
            continue
        if brief["essentials"]:
            essentials = brief["essentials"]
            body = identity.settled_body(essentials["organization"], options.bodies) if options.bodies else \
                essentials["body"]
            records.append((job.index, {"body": body, "year": essentials["year"]}))
        if any(code in crossyear.CROSS_YEAR_CODES for code in brief["codes"]):
            had.add(job.index)
    found: dict[int, list] = {}
    counts: dict[int, dict] = {}
    for earlier, later in crossyear.pairs(records):
        problems = crossyear.check(spool.brief(earlier)["essentials"], spool.brief(later)["essentials"])
        if problems:
            found.setdefault(later, []).extend(p.model_dump(mode="json") for p in problems)
    for job in jobs:
        if job.index not in had and job.index not in found:
            continue
        path = result_path(options.outdir, job.rel, options.fmt)
        data = _load(path, options.fmt)
        if data is None:
            continue
        kept = [p for p in data.get("problems", []) if p["code"] not in crossyear.CROSS_YEAR_CODES]
        fresh = kept + found.get(job.index, [])
        if fresh != data.get("problems", []):
            data["problems"] = fresh
            _write_data(path, data, options.fmt)
        counts[job.index] = {f"{s}s": sum(p["severity"] == s for p in fresh) for s in ("error", "warning", "info")}
    return found, counts


def _write_data(path: Path, data: dict, fmt: str) -> None:
    if fmt == "json":
        files.write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        import yaml

        files.write_text(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _write_tables(jobs: list[Job], statuses: dict[int, str], missing: list[dict], spool: _Spool,
                  cross: dict[int, list], counts: dict[int, dict], options: Options) -> None:
    """summary.csv, wide.csv, long.csv, problems.csv (UTF-8 with BOM), and report.xlsx on request,
    in input order, from the spool."""
    sheets: dict[str, _CsvSheet] = {}
    try:
        for name, columns in (("summary", SUMMARY_COLUMNS), ("wide", wide_columns()), ("long", LONG_COLUMNS),
                              ("problems", PROBLEM_COLUMNS)):
            sheets[name] = _CsvSheet(options.outdir / f"{name}.csv", columns)
        _fill_sheets(sheets, jobs, statuses, missing, spool, cross, counts, options)
        for sheet in sheets.values():
            sheet.close()
    finally:  # a sheet not closed (an error, Ctrl-C) leaves no temporary file; a closed one is kept
        for sheet in sheets.values():
            sheet.discard()
    if options.xlsx:
        from .workbook import write_xlsx

        write_xlsx(options.outdir, [(name, sheets[name].path) for name in ("summary", "wide", "long", "problems")])


def _fill_sheets(sheets: dict, jobs: list[Job], statuses: dict[int, str], missing: list[dict], spool: _Spool,
                 cross: dict[int, list], counts: dict[int, dict], options: Options) -> None:
    """Every input's rows into the open sheets, in input order."""
    for job in jobs:
        if job.index not in statuses:
            continue
        summary = {**spool.get_summary(job.index), **counts.get(job.index, {})}
        if options.bodies:
            summary["body"] = identity.settled_body(summary.get("organization"), options.bodies)
        sheets["summary"].add(summary)
        rows = spool.rows(job.index)
        if rows is None:
            continue
        for name in ("wide", "long", "problems"):  # made by the workers: copied here
            text = rows[name]
            if options.bodies and text:
                text = _with_body(text, sheets[name].columns, summary["body"])
            sheets[name].add_text(text)
        meta = {"path": printable(job.path), "organization": summary["organization"], "body": summary.get("body"),
                "year": summary["year"], "template": summary["template"]}
        for problem in cross.get(job.index, []):
            sheets["problems"].add({**meta, **problem})
    for summary in missing:
        sheets["summary"].add(summary)


def _with_body(text: str, columns: list[str], body: str | None) -> str:
    """An input's sheet rows with the body column settled by --bodies (the workers wrote the key the
    report gives; the user's table is the parent's)."""
    at = columns.index("body")
    rows = list(read_back_csv(io.StringIO(text)))
    for row in rows:
        if len(row) > at:
            row[at] = csv_cell(body)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


class _CsvSheet:
    """A CSV written as rows come (files.AtomicFile: a temporary file of a unique name), put in
    place by ``close``, removed by ``discard``; each cell by ``csv_cell``."""

    def __init__(self, path: Path, columns):
        self.path, self.columns = path, list(columns)
        self.handle = files.AtomicFile(path)
        # the BOM by hand: the utf-8-sig codec encodes each write in Python, a long sheet has many
        self.handle.write("\ufeff")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(self.columns)

    def add(self, row: dict) -> None:
        self.writer.writerow([csv_cell(row.get(c)) for c in self.columns])

    def add_text(self, text: str) -> None:
        """Rows already written as CSV text with ``csv_cell`` (``sheet_rows``, in a worker)."""
        self.handle.write(text)

    def close(self) -> None:
        self.handle.commit()

    def discard(self) -> None:
        self.handle.discard()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2])
    else:
        sys.exit("this is report-extract's batch worker; use: report-extract batch")

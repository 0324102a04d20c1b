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
import hashlib
import io
import json
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from . import crossyear
from .writers import write_atomic

EXTENSIONS = (".pdf", ".docx", ".doc", ".wps", ".txt", ".md", ".html", ".htm", ".mht", ".mhtml")
SUMMARY_COLUMNS = ("path", "status", "template", "organization", "year", "errors", "warnings", "infos", "error",
                   "seconds")
PROBLEM_COLUMNS = ("path", "organization", "year", "code", "severity", "table", "row", "column", "page",
                   "expected", "found", "label", "message")
META = ("path", "organization", "year", "template")


@dataclass
class Job:
    index: int
    path: str  # as found (what the user named, joined with the walk)
    rel: str  # relative path inside the output folder, without the result suffix


@dataclass
class Options:
    outdir: Path
    fmt: str = "json"
    force: bool = False
    timeout: float = 60.0
    jobs: int = 0
    xlsx: bool = False


@dataclass
class Outcome:
    summaries: list[dict] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return sum(1 for s in self.summaries if s["status"] == "failed")


# --- which inputs ------------------------------------------------------------------------------
def discover(paths: list[str]) -> tuple[list[Job], list[dict]]:
    """Files under the given folders (recursively, by extension) and the given files, in a stable
    order, each with its place in the output folder. Also the summaries of inputs skipped."""
    found: list[tuple[str, str]] = []
    skipped: list[dict] = []
    roots = [Path(p) for p in paths]
    base = _common_base(roots)
    for root in roots:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    if name.lower().endswith(EXTENSIONS) and not name.startswith((".", "~$")):
                        found.append((str(path), _relative(path, base)))
        elif root.is_file():
            found.append((str(root), _relative(root, base)))
        else:
            skipped.append(_summary(str(root), "failed", error="no such file or folder"))
    seen, jobs = set(), []
    for path, rel in found:
        if rel in seen:
            continue
        seen.add(rel)
        jobs.append(Job(len(jobs), path, rel))
    return jobs, skipped


def _common_base(roots: list[Path]) -> Path:
    folders = [r.resolve() if r.is_dir() else r.resolve().parent for r in roots if r.exists()]
    if not folders:
        return Path.cwd()
    if len(folders) == 1 and roots[0].is_dir():
        return folders[0]
    return Path(os.path.commonpath([str(f) for f in folders]))


def _relative(path: Path, base: Path) -> str:
    """A path inside the output folder: never absolute, never climbing out of it."""
    try:
        rel = path.resolve().relative_to(base)
    except ValueError:
        rel = Path(path.name)
    parts = [p for p in rel.parts if p not in ("", ".", "..") and not p.startswith("/")]
    return "/".join(parts) or path.name


def result_path(outdir: Path, rel: str, fmt: str) -> Path:
    target = (outdir / f"{rel}.{fmt}").resolve()
    if outdir.resolve() not in target.parents:
        raise ValueError(f"output path {target} would leave {outdir}")
    return target


# --- one input, in a worker --------------------------------------------------------------------
def process(job: Job, options: Options) -> dict:
    """Read one input and write its result; return its summary line."""
    start = time.perf_counter()
    _fault_injection(job.path)
    try:
        data = Path(job.path).read_bytes()
    except OSError as exc:
        return _summary(job.path, "failed", error=f"cannot be read ({exc.strerror or exc})", start=start)
    digest = hashlib.sha256(data).hexdigest()
    out = result_path(options.outdir, job.rel, options.fmt)
    if not options.force:
        existing = _load(out, options.fmt)
        if existing is not None and existing.get("source", {}).get("sha256") == digest:
            return _summary_of(job.path, existing, start)
    from .errors import ReportError
    from .pipeline import extract
    from .writers import as_data, to_json, to_yaml

    try:
        report = extract(job.path, data)
    except ReportError as exc:
        return _summary(job.path, "failed", error=exc.reason, start=start)
    except Exception as exc:  # a bug of ours: recorded, the batch goes on
        return _summary(job.path, "failed", error=f"internal error ({type(exc).__name__}: {exc})", start=start)
    write_atomic(out, to_json(report) + "\n" if options.fmt == "json" else to_yaml(report))
    return _summary_of(job.path, as_data(report), start)


def _fault_injection(path: str) -> None:
    """For tests of the batch itself: REPORT_EXTRACT_FAULTS="hang:NAME,crash:NAME" makes the worker
    hang or die (as a native library would) on inputs whose path contains NAME."""
    faults = os.environ.get("REPORT_EXTRACT_FAULTS", "")
    for fault in filter(None, faults.split(",")):
        kind, _, needle = fault.partition(":")
        if needle and needle in path:
            if kind == "hang":
                time.sleep(10 ** 6)
            elif kind == "crash":
                os.kill(os.getpid(), signal.SIGSEGV)


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
    problems = data.get("problems", [])
    counts = {s: sum(p["severity"] == s for p in problems) for s in ("error", "warning", "info")}
    info = data.get("report", {})
    return {"path": path, "status": "problems" if counts["error"] else "ok", "template": info.get("template"),
            "organization": info.get("organization"), "year": info.get("year"), "errors": counts["error"],
            "warnings": counts["warning"], "infos": counts["info"], "error": "",
            "seconds": round(time.perf_counter() - start, 3)}


def _summary(path: str, status: str, error: str = "", start: float | None = None) -> dict:
    return {"path": path, "status": status, "template": None, "organization": None, "year": None, "errors": None,
            "warnings": None, "infos": None, "error": error,
            "seconds": round(time.perf_counter() - start, 3) if start is not None else 0.0}


def _worker(conn, options: Options) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send((job.index, process(job, options)))


# --- the pool ----------------------------------------------------------------------------------
class _Slot:
    def __init__(self, ctx, options: Options):
        self.parent_end, child_end = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child_end, options), daemon=True)
        self.process.start()
        child_end.close()
        self.job: Job | None = None
        self.started = 0.0

    def give(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        self.parent_end.send(job)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.parent_end.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.parent_end.close()


def run(paths: list[str], options: Options, progress=None) -> Outcome:
    """Process every input; returns the summaries in input order. ``progress(done, total, failed,
    summary)`` is called after each input."""
    options.outdir.mkdir(parents=True, exist_ok=True)
    jobs, skipped = discover(paths)
    outcome = Outcome()
    results: dict[int, dict] = {}
    total = len(jobs)
    if jobs:
        try:
            _pool(jobs, options, results, lambda s: progress and progress(len(results), total, _failures(results), s))
        except KeyboardInterrupt:
            outcome.interrupted = True
    outcome.summaries = [results[j.index] for j in jobs if j.index in results] + skipped
    if not outcome.interrupted:
        finish(jobs, results, options)
    return outcome


def _failures(results: dict[int, dict]) -> int:
    return sum(1 for s in results.values() if s["status"] == "failed")


def _pool(jobs: list[Job], options: Options, results: dict[int, dict], notify) -> None:
    ctx = multiprocessing.get_context("spawn")
    size = max(1, min(options.jobs or os.cpu_count() or 1, len(jobs)))
    queue = list(reversed(jobs))
    slots = [_Slot(ctx, options) for _ in range(size)]
    try:
        for slot in slots:
            if queue:
                slot.give(queue.pop())
        while any(slot.job for slot in slots):
            busy = [s for s in slots if s.job]
            ready = wait([s.parent_end for s in busy] + [s.process.sentinel for s in busy], timeout=0.2)
            for slot in busy:
                failure = None
                if slot.parent_end in ready:
                    try:
                        index, summary = slot.parent_end.recv()
                        results[index] = summary
                        notify(summary)
                        slot.job = None
                    except (EOFError, OSError):
                        failure = _death(slot)
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    failure = _death(slot)
                elif time.monotonic() - slot.started > options.timeout:
                    failure = f"timed out after {options.timeout:g} s (the worker was stopped)"
                if failure:
                    job = slot.job
                    results[job.index] = _summary(job.path, "failed", error=failure)
                    results[job.index]["seconds"] = round(time.monotonic() - slot.started, 3)
                    notify(results[job.index])
                    slot.stop(kill=True)
                    slots[slots.index(slot)] = slot = _Slot(ctx, options)
                if slot.job is None and queue:
                    slot.give(queue.pop())
    finally:
        for slot in slots:
            slot.stop(kill=bool(slot.job))


def _death(slot: _Slot) -> str:
    slot.process.join(timeout=1)
    code = slot.process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker crashed ({name}) while reading this file"
    return f"the worker stopped unexpectedly (exit code {code}) while reading this file"


# --- after the inputs: cross-year checks, then the summaries ----------------------------------------
def finish(jobs: list[Job], results: dict[int, dict], options: Options) -> None:
    done = [j for j in jobs if results.get(j.index, {}).get("status") in ("ok", "problems")]
    _cross_year(done, results, options)
    _write_tables(jobs, results, options)


def _cross_year(done: list[Job], results: dict[int, dict], options: Options) -> None:
    """Warnings across consecutive years of an organisation, written into the later year's result
    (earlier cross-year warnings there are replaced, so a run repeated adds nothing twice)."""
    records = []
    for job in done:
        data = _load(result_path(options.outdir, job.rel, options.fmt), options.fmt)
        record = crossyear.essentials(data) if data else None
        if record:
            records.append((job.rel, record))
    by_rel = dict(records)
    found: dict[str, list[dict]] = {}
    for earlier, later in crossyear.pairs(records):
        problems = crossyear.check(by_rel[earlier], by_rel[later])
        if problems:
            found.setdefault(later, []).extend(p.model_dump(mode="json") for p in problems)
    for job in done:
        path = result_path(options.outdir, job.rel, options.fmt)
        data = _load(path, options.fmt)
        if data is None:
            continue
        kept = [p for p in data.get("problems", []) if p["code"] not in crossyear.CROSS_YEAR_CODES]
        fresh = kept + found.get(job.rel, [])
        if fresh != data.get("problems", []):
            data["problems"] = fresh
            _write_data(path, data, options.fmt)
            counts = {s: sum(p["severity"] == s for p in fresh) for s in ("error", "warning", "info")}
            results[job.index].update(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])


def _write_data(path: Path, data: dict, fmt: str) -> None:
    if fmt == "json":
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        import yaml

        write_atomic(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _fields() -> list[str]:
    from .templates import iter_fields

    return [f["field"] for f in iter_fields()]


def _write_tables(jobs: list[Job], results: dict[int, dict], options: Options) -> None:
    """summary.csv, wide.csv, long.csv, problems.csv (UTF-8 with BOM), and report.xlsx on request;
    the result files are read one at a time."""
    fields = _fields()
    sheets = {name: _CsvSheet(options.outdir / f"{name}.csv", columns) for name, columns in (
        ("summary", SUMMARY_COLUMNS), ("wide", META + tuple(fields)), ("long", META[:3] + ("field", "value")),
        ("problems", PROBLEM_COLUMNS))}
    for job in jobs:
        summary = results.get(job.index)
        if summary is None:
            continue
        sheets["summary"].add(summary)
        if summary["status"] not in ("ok", "problems"):
            continue
        data = _load(result_path(options.outdir, job.rel, options.fmt), options.fmt) or {}
        info = data.get("report", {})
        meta = {"path": job.path, "organization": info.get("organization"), "year": info.get("year"),
                "template": info.get("template")}
        flat = {f"{t}.{r}.{c}": v for t, rows in data.get("tables", {}).items() for r, cols in rows.items()
                for c, v in cols.items()}
        sheets["wide"].add({**meta, **{k: v for k, v in flat.items() if k in sheets["wide"].columns}})
        for key in fields:
            if key in flat:
                sheets["long"].add({**meta, "field": key, "value": flat[key]})
        for problem in data.get("problems", []):
            sheets["problems"].add({**meta, **problem})
    for sheet in sheets.values():
        sheet.close()
    if options.xlsx:
        write_xlsx(options.outdir, [(name, sheets[name].path) for name in ("summary", "wide", "long", "problems")])


class _CsvSheet:
    """A CSV written to a temporary file as rows come, renamed into place when closed."""

    def __init__(self, path: Path, columns):
        self.path, self.columns = path, list(columns)
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.handle = open(self.tmp, "w", encoding="utf-8-sig", newline="")
        self.writer = csv.DictWriter(self.handle, fieldnames=self.columns, extrasaction="ignore",
                                     lineterminator="\n")
        self.writer.writeheader()

    def add(self, row: dict) -> None:
        self.writer.writerow({k: ("" if v is None else v) for k, v in row.items()})

    def close(self) -> None:
        self.handle.close()
        os.replace(self.tmp, self.path)


def write_xlsx(outdir: Path, sheets: list[tuple[str, Path]]) -> None:
    """The CSVs as sheets of one workbook (openpyxl, an optional extra), numbers as numbers."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise RuntimeError("writing report.xlsx needs openpyxl: pip install 'report-extract[xlsx]'") from None
    book = Workbook(write_only=True)
    for name, path in sheets:
        sheet = book.create_sheet(name)
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for i, row in enumerate(csv.reader(handle)):
                sheet.append(row if i == 0 else [_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    target = outdir / "report.xlsx"
    tmp = target.with_name(".report.xlsx.tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, target)


def _cell(value: str):
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: report-extract batch")

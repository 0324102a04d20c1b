"""The command line: a thin layer over the Python API. stdout carries data only; messages go to
stderr. Format libraries are imported only when a file needs them, so ``--help`` stays fast."""

from __future__ import annotations

import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn Chinese government information-disclosure annual reports "
                       "(政府信息公开工作年度报告) into structured data.")


class Ocr(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


OCR_HELP = ("auto: read scanned PDF pages and images (PNG, JPEG, TIFF) by OCR; always: every PDF page too; "
            "never: no OCR (needs pip install 'report-extract[ocr]')")


class Format(str, Enum):
    json = "json"
    yaml = "yaml"
    csv = "csv"
    jsonl = "jsonl"
    html = "html"


def _say(message: str) -> None:
    print(f"report-extract: {message}", file=sys.stderr)


def _read_one(path: str, ocr: str = "auto"):
    """(report, None) or (None, error line)."""
    from . import extract as api_extract
    from .errors import ReportError

    try:
        if path == "-":
            return api_extract("<stdin>", sys.stdin.buffer.read(), ocr=ocr), None
        return api_extract(path, ocr=ocr), None
    except ReportError as exc:
        return None, str(exc) if exc.path else f"{path}: {exc}"
    except Exception as exc:  # a bug of ours must not take a batch down or print a traceback
        if os.environ.get("REPORT_EXTRACT_DEBUG"):
            raise
        return None, f"{path}: internal error while reading ({type(exc).__name__}: {exc}); please report it"


@app.command()
def extract(
    paths: List[str] = typer.Argument(..., help="report files (PDF, DOCX, HTML, text, PNG/JPEG/TIFF); "
                                                "'-' reads stdin"),
    fmt: Format = typer.Option(Format.json, "-f", "--format", help="output format"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write here instead of stdout"),
    strict: bool = typer.Option(False, "--strict", help="exit 1 when a report has error-level problems"),
    ocr: Ocr = typer.Option(Ocr.auto, "--ocr", help=OCR_HELP),
):
    """Extract one or more reports. One report: one JSON document; several: one JSON object per line."""
    from .writers import render, write_atomic

    reports, failures = [], 0
    for path in _progress(paths):
        report, error = _read_one(path, ocr.value)
        if error:
            failures += 1
            _say(error)
        else:
            reports.append(report)
    if reports:
        text = render(reports, fmt.value, several=len(paths) > 1)
        if output:
            write_atomic(output, text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    if failures:
        if len(paths) > 1:
            _say(f"{failures} of {len(paths)} inputs could not be read")
        raise typer.Exit(EXIT_UNREADABLE)
    if strict and any(p.severity == "error" for r in reports for p in r.problems):
        raise typer.Exit(EXIT_PROBLEMS)


def _progress(paths: list[str]):
    if len(paths) < 2 or not sys.stderr.isatty():
        yield from paths
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("extracting", total=len(paths))
        for path in paths:
            yield path
            progress.advance(task)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@app.command()
def check(paths: List[str] = typer.Argument(..., help="report files, or result JSON of extract/batch; '-' reads stdin")):
    """Show reports to a person: their problems in Chinese and their tables as the template draws
    them. Exit 1 when a report has an error-level problem, 3 when an input cannot be read."""
    from .views import terminal

    out = terminal.console()
    failures, errors = 0, False
    for i, path in enumerate(paths):
        report, error = _read_report_or_result(path)
        if error:
            failures += 1
            _say(error)
            continue
        if i:
            out.print("\n" + "═" * 40 + "\n")
        terminal.show(report, out)
        errors = errors or any(p.severity == "error" for p in report.problems)
    if failures:
        raise typer.Exit(EXIT_UNREADABLE)
    if errors:
        raise typer.Exit(EXIT_PROBLEMS)


class CompareFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


@app.command()
def compare(
    a: str = typer.Argument(..., help="the earlier report (a report file, or a result JSON of extract/batch)"),
    b: str = typer.Argument(..., help="the later report"),
    fmt: CompareFormat = typer.Option(CompareFormat.text, "-f", "--format", help="output format"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write here instead of stdout"),
):
    """Two reports side by side: every table value with its change, the cross-year relations
    (carry-over, documents in force), and the sentences of B that repeat A's, per section."""
    import json

    from .compare import compare as run_compare
    from .views import compare_view, terminal
    from .writers import write_atomic

    reports = []
    for path in (a, b):
        report, error = _read_report_or_result(path)
        if error:
            _say(error)
            raise typer.Exit(EXIT_UNREADABLE)
        reports.append(report)
    result = run_compare(*reports)
    if fmt == CompareFormat.text and not output:
        compare_view.show(result, terminal.console())
        return
    text = {"json": lambda: json.dumps(result, ensure_ascii=False, indent=2) + "\n",
            "html": lambda: compare_view.html_page(result, reports[1])}.get(fmt.value, lambda: _plain(compare_view.show, result))()
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def _plain(show, result) -> str:
    import io

    from .views.terminal import console

    buffer = io.StringIO()
    show(result, console(buffer))
    return buffer.getvalue()


def _read_report_or_result(path: str):
    """A report file, or a result JSON that extract or batch wrote (read back, not re-extracted)."""
    if path.endswith(".json"):
        import json

        from pydantic import ValidationError

        from .model import Report

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if isinstance(data, dict) and "schema_version" in data:
                return Report.model_validate(data), None
        except (OSError, ValueError, ValidationError) as exc:
            return None, f"{path}: not a result of report-extract ({type(exc).__name__})"
    return _read_one(path)


class BatchFormat(str, Enum):
    json = "json"
    yaml = "yaml"


@app.command()
def batch(
    paths: List[str] = typer.Argument(..., help="folders (searched recursively) and files"),
    outdir: Path = typer.Option(..., "-o", "--output", help="the output folder"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="worker processes (default: the number of CPUs)"),
    fmt: BatchFormat = typer.Option(BatchFormat.json, "-f", "--format", help="format of each result file"),
    xlsx: bool = typer.Option(False, "--xlsx", help="also write report.xlsx (needs openpyxl)"),
    html: bool = typer.Option(False, "--html", help="also write a page per report and index.html to browse them"),
    force: bool = typer.Option(False, "--force", help="redo inputs whose result is current"),
    timeout: float = typer.Option(60.0, "--timeout", min=1, help="seconds one input may take (an input read by "
                                                                  "OCR: this much, at least 60, a page)"),
    ocr: Ocr = typer.Option(Ocr.auto, "--ocr", help=OCR_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="run on a Dask cluster: the scheduler's "
                                            "address (tcp://HOST:8786), or local:N for N local Dask workers"),
    shared_fs: bool = typer.Option(False, "--shared-fs", help="with --scheduler: the workers can read the inputs' "
                                   "paths (a shared file system), so only paths are sent"),
):
    """Extract a whole archive into OUTDIR: one result per input, summary/wide/long/problems CSV,
    and the cross-year checks. Inputs already done (same content) are reused; failures never
    stop the batch."""
    from .batch import Options, run
    from .cluster import ClusterError  # Dask itself is imported only for --scheduler

    if xlsx:
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            _say("--xlsx needs openpyxl: pip install 'report-extract[xlsx]'")
            raise typer.Exit(EXIT_USAGE) from None
    if shared_fs and not scheduler:
        _say("--shared-fs goes with --scheduler")
        raise typer.Exit(EXIT_USAGE)
    options = Options(outdir=outdir, fmt=fmt.value, force=force, timeout=timeout, jobs=jobs, xlsx=xlsx,
                      html=html, ocr=ocr.value,
                      scheduler=scheduler, shared_fs=shared_fs)
    with _batch_progress() as progress:
        try:
            outcome = run(paths, options, progress)
        except ClusterError as exc:
            progress.stop()
            _say(str(exc))
            raise typer.Exit(EXIT_USAGE if exc.usage else EXIT_UNREADABLE) from None
    failed = outcome.failed
    if outcome.interrupted:
        _say(f"interrupted: {outcome.done} inputs finished and kept in {outdir}; run the same command again "
             "to go on")
        raise typer.Exit(130)
    _say(f"{outcome.total} inputs: {outcome.total - failed} read, {failed} failed; results in {outdir}")
    if failed:
        raise typer.Exit(EXIT_UNREADABLE)


class _batch_progress:
    """A rich progress bar on a terminal; plain lines when stderr is a pipe or a file."""

    def __enter__(self):
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn(),
                                TextColumn("failed: {task.fields[failed]}"), TextColumn("OCR: {task.fields[ocr]}"),
                                console=_stderr_console())
            self.bar.start()
            self.task = None
        self.ocr = 0  # inputs read by OCR
        self.start = time.monotonic()
        return self

    def __call__(self, done: int, total: int, failed: int, summary: dict) -> None:
        rate = done / max(time.monotonic() - self.start, 1e-6)
        if self.bar is None:
            note = f" ({summary['error']})" if summary["error"] else ""
            if summary.get("ocr_pages"):
                pages = summary["ocr_pages"]
                note += f" [{pages} page{'s' if pages > 1 else ''} read by OCR]"
            print(f"[{done}/{total}] {summary['status']}: {summary['path']}{note}", file=sys.stderr, flush=True)
            return
        self.ocr += bool(summary.get("ocr_pages"))
        if self.task is None:
            self.task = self.bar.add_task("extracting", total=total, rate="0.0", failed=0, ocr=0)
        self.bar.update(self.task, completed=done, rate=f"{rate:.1f}", failed=failed, ocr=self.ocr)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __exit__(self, *exc):
        self.stop()
        return False


@app.command()
def fields(as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table")):
    """The canonical keys (table.row.column) with their Chinese labels."""
    import json

    from .templates import iter_fields

    for field in iter_fields():
        if as_json:
            print(json.dumps(field, ensure_ascii=False))
        else:
            print("\t".join([field["field"], field["row"], field["column"], ",".join(field["templates"])]))


@app.command()
def schema():
    """The JSON Schema of the output."""
    import json

    from .model import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `report-extract … | head`
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:  # Ctrl-C outside the batch's own handling: no traceback either
        _say("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()

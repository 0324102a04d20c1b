"""The command line: a thin layer over the Python API. stdout carries data only; messages go to
stderr. Format libraries are imported only when a file needs them, so ``--help`` stays fast."""

from __future__ import annotations

import csv
import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNREADABLE, EXIT_OUTPUT = 0, 1, 2, 3, 4

app = typer.Typer(add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Turn Chinese government information-disclosure annual reports "
                       "(政府信息公开工作年度报告) into structured data.",
                  epilog="\b\nExamples:\n  report-extract extract report.pdf\n  report-extract batch archive/ -o out/\n"
                         "  report-extract schema > schema.json\n  report-extract --install-completion")
_settings = {"quiet": False, "verbose": False}


def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"report-extract {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr: no progress, no summary."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Tracebacks of internal errors (for bug reports)."),
):
    _settings.update(quiet=quiet, verbose=verbose)


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
    """One line on stderr, control characters and undecodable bytes of file names escaped."""
    from .guard import shown

    try:
        print(f"report-extract: {shown(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr gone (a closed terminal after SIGHUP): no one to tell
        pass


def _read_one(path: str, ocr: str = "auto"):
    """(report, None) or (None, error line). The reading runs in a child process under the memory
    and time limits (guard.bounded), so no input can take the machine down or hang the command."""
    from . import limits
    from .errors import ReportError
    from .guard import InternalError, bounded, printable, read_stream
    from .pipeline import extract as api_extract

    name = "<stdin>" if path == "-" else printable(path)
    try:
        data = read_stream(getattr(sys.stdin, "buffer", None) if sys.stdin else None) if path == "-" else None
        return bounded(api_extract, name if path == "-" else path, data, None, ocr, memory_mb=limits.MEMORY.value,
                       timeout=limits.TIME.value, name=name), None
    except ReportError as exc:
        return None, str(exc) if exc.path else f"{name}: {exc}"
    except Exception as exc:  # a bug of ours must not take a batch down or print a traceback
        if _settings["verbose"] or os.environ.get("REPORT_EXTRACT_DEBUG"):
            if isinstance(exc, InternalError):
                print(exc.trace, file=sys.stderr)
            else:
                raise
        what = str(exc) if isinstance(exc, InternalError) else f"{type(exc).__name__}: {exc}"
        return None, f"{name}: internal error while reading ({what}); please report it"


def _examples(*lines: str) -> str:
    """An ``Examples:`` block for a command's help, kept as written (click's \\b)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


_EXTRACT_EXAMPLES = _examples(
    "report-extract extract report.pdf                 # one JSON document",
    "report-extract extract a.pdf b.docx > all.json    # several: one JSON array",
    "report-extract extract -f jsonl *.pdf             # one JSON object a line",
    "report-extract extract *.pdf -o out/              # one file per input in out/",
    "report-extract extract report.pdf -o report.yaml  # format from the suffix",
    "cat report.txt | report-extract extract -         # stdin",
)


@app.command(epilog=_EXTRACT_EXAMPLES)
def extract(
    paths: List[str] = typer.Argument(..., metavar="FILE", help="Report files (PDF, DOCX, HTML, text, PNG/JPEG/TIFF); '-' reads stdin."),
    fmt: Optional[Format] = typer.Option(None, "-f", "--format", show_default="json, or from the -o suffix",
                                         metavar="json|jsonl|yaml|csv|html",
                                         help="Output format: json (one document; an array for several "
                                              "inputs), jsonl (one object a line), yaml, csv (one row a report)."),
    output: Optional[str] = typer.Option(None, "-o", "--output", show_default="stdout", metavar="FILE|FOLDER",
                                         help="Write to this file (atomically; '-': stdout), or one file per "
                                              "input into this folder (an existing one, or a name ending in /)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when a report has error-level problems, "
                                                        "saying which on stderr."),
    max_memory: int = typer.Option(None, "--max-memory", min=64, metavar="MB", show_default="1536",
                                   help="Memory limit of reading one input, in MB (REPORT_EXTRACT_MAX_MEMORY_MB)."),
    timeout: float = typer.Option(None, "--timeout", min=1, metavar="SECONDS", show_default="900",
                                  help="Seconds one input may take (REPORT_EXTRACT_TIMEOUT)."),
    ocr: Ocr = typer.Option(Ocr.auto, "--ocr", metavar="auto|always|never", help=OCR_HELP),
):
    """Extract one or more reports to JSON, JSON lines, YAML or CSV on stdout (or -o)."""
    from . import files, outputs
    from .writers import render

    _apply_limits(max_memory, timeout)
    try:
        plan = outputs.plan(output, fmt.value if fmt else None)
    except outputs.OutputError as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_USAGE if exc.usage else EXIT_OUTPUT) from None
    try:
        if plan.target is not None:  # a block device or a socket: refused before any input is read
            files.refuse_unwritable(plan.target)
    except outputs.OutputError as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_OUTPUT) from None
    # each file named is a report of its own (page images of one report: a zip of them, or batch
    # on their folder, reads them as one)
    inputs = paths
    reports, failures, taken = [], 0, set()
    try:
        for path in _progress(inputs):
            report, error = _read_one(path, ocr.value)
            if error:
                failures += 1
                _say(error)
                continue
            if plan.folder is not None:  # one file per input, written as each is read
                files.write_text(plan.file_for(path, taken), render([report], plan.fmt))
            reports.append(report)
        if reports and plan.folder is None:
            text = render(reports, plan.fmt, several=len(inputs) > 1)
            if plan.target is not None:
                files.write_text(plan.target, text)
            else:
                outputs.write_stdout(text)
    except outputs.OutputError as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_OUTPUT) from None
    if failures:
        if len(inputs) > 1:
            _say(f"{failures} of {len(inputs)} inputs could not be read")
        raise typer.Exit(EXIT_UNREADABLE)
    if strict:
        flagged = [line for line in map(_strict_line, reports) if line]
        for line in flagged:
            _say(line)
        if flagged:
            raise typer.Exit(EXIT_PROBLEMS)


def _strict_line(report) -> str | None:
    """Why --strict fails a report: its error-level problems counted by code."""
    from collections import Counter

    counts = Counter(p.code for p in report.problems if p.severity == "error")
    if not counts:
        return None
    total = sum(counts.values())
    codes = ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{report.source.path}: --strict: {total} error-level problem{'s' if total > 1 else ''} ({codes})"


def _apply_limits(max_memory: int | None, timeout: float | None) -> None:
    """Options that set a limit override its environment variable (limits.py)."""
    from . import limits

    if max_memory:
        os.environ[limits.MEMORY.env] = str(int(max_memory))
    if timeout:
        os.environ[limits.TIME.env] = str(max(1, int(round(timeout))))


def _progress(paths: list[str]):
    if len(paths) < 2 or not sys.stderr.isatty() or _settings["quiet"]:
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

    return Console(stderr=True, markup=False, emoji=False, highlight=False)


@app.command(epilog=_examples("report-extract check report.pdf          # problems in Chinese, tables as drawn",
                              "report-extract check out/2023/x.pdf.json  # a result of extract or batch"))
def check(paths: List[str] = typer.Argument(..., metavar="FILE",
                                            help="Report files, or result JSON of extract/batch; '-' reads stdin.")):
    """Show reports to a person: their problems in Chinese and their tables as the template draws
    them. Exit 1 when a report has an error-level problem, 3 when an input cannot be read."""
    from .views import terminal

    out = terminal.console()
    failures, errors = 0, False
    for i, path in enumerate(paths):  # each file named is a report of its own, as in extract
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


@app.command(epilog=_examples("report-extract compare 2023.pdf 2024.pdf             # side by side",
                              "report-extract compare a.pdf b.pdf -f html -o c.html   # a page to open",
                              "report-extract compare a.json b.json -f json           # results of extract"))
def compare(
    a: str = typer.Argument(..., help="the earlier report (a report file, or a result JSON of extract/batch)"),
    b: str = typer.Argument(..., help="the later report"),
    fmt: CompareFormat = typer.Option(CompareFormat.text, "-f", "--format", metavar="text|json|html",
                                      help="Output format."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="FILE", show_default="stdout",
                                         help="Write here (atomically; '-': stdout) instead of stdout."),
):
    """Two reports side by side: every table value with its change, the cross-year relations
    (carry-over, documents in force), and the sentences of B that repeat A's, per section."""
    import json

    from . import files, outputs
    from .compare import compare as run_compare
    from .views import compare_view, terminal

    if output == outputs.STDOUT:
        output = None
    try:
        if output is not None:  # a folder, a block device or a socket: refused before reading
            files.refuse_unwritable(output)
    except outputs.OutputError as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_OUTPUT) from None
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
    try:
        if output:
            files.write_text(output, text)
        else:
            outputs.write_stdout(text)
    except outputs.OutputError as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_OUTPUT) from None


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

        from .errors import ReportError
        from .guard import printable, read_input
        from .model import Report

        try:  # the input guards, as for a report: a FIFO, a device, the size limit
            data = json.loads(read_input(path).decode("utf-8"))
            if isinstance(data, dict) and "schema_version" in data:
                return Report.model_validate(data), None
        except ReportError as exc:
            return None, str(exc)
        except (ValueError, ValidationError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) and exc.errors() else type(exc).__name__
            return None, f"{printable(path)}: not a result of report-extract ({reason})"
    return _read_one(path)


class BatchFormat(str, Enum):
    json = "json"
    yaml = "yaml"


_BATCH_EXAMPLES = _examples(
    "report-extract batch archive/ -o out/                # every report under archive/",
    "report-extract batch archive/ -o out/ -j 4 --xlsx    # 4 workers, and report.xlsx",
    "report-extract batch a/ b.pdf -o out/ --timeout 120  # folders and files",
    "report-extract batch archive/ -o out/ --force        # redo what is current",
    "report-extract batch archive/ -o out/ --bodies bodies.csv  # names of one body settled by you",
)


@app.command(epilog=_BATCH_EXAMPLES)
def batch(
    paths: List[str] = typer.Argument(..., metavar="PATH", help="Folders (searched recursively) and files."),
    outdir: Path = typer.Option(..., "-o", "--output", metavar="FOLDER", help="The output folder (made if missing)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, metavar="N", show_default="the number of CPUs",
                             help="Worker processes."),
    fmt: BatchFormat = typer.Option(BatchFormat.json, "-f", "--format", metavar="json|yaml",
                                    help="Format of each result file."),
    xlsx: bool = typer.Option(False, "--xlsx", help="Also write report.xlsx (needs openpyxl)."),
    html: bool = typer.Option(False, "--html", help="Also write a page per report and index.html to browse them."),
    force: bool = typer.Option(False, "--force", help="Redo inputs whose result is current."),
    timeout: float = typer.Option(60.0, "--timeout", min=1, metavar="SECONDS",
                                  help="Seconds one input may take, its worker then stopped (an input read by "
                                       "OCR: this much, at least 60, a page)."),
    max_memory: int = typer.Option(None, "--max-memory", min=64, metavar="MB", show_default="1536",
                                   help="Memory limit of each worker, in MB (REPORT_EXTRACT_MAX_MEMORY_MB)."),
    ocr: Ocr = typer.Option(Ocr.auto, "--ocr", metavar="auto|always|never", help=OCR_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Run on a Dask cluster: the scheduler's address "
                                                 "(tcp://HOST:8786), or local:N for N local Dask workers."),
    shared_fs: bool = typer.Option(False, "--shared-fs", help="With --scheduler: the workers can read the inputs' "
                                   "paths (a shared file system), so only paths are sent."),
    bodies: Optional[Path] = typer.Option(None, "--bodies", metavar="FILE",
                                          help="A CSV of two columns, a name as written and the canonical name it "
                                               "stands for: reports of one body under several names are grouped "
                                               "as one (grid, cross-year checks, sheets' body column)."),
):
    """Extract a whole archive into OUTDIR: one result per input, summary/wide/long/problems CSV,
    and the cross-year checks. Inputs already done (same content) are reused; failures never
    stop the batch."""
    from .archive.dask_client import ClusterError  # Dask itself is imported only for --scheduler
    from .archive.jobs import Options
    from .archive.run import run
    from .files import OutputError
    from .guard import Interrupted

    if outdir.exists() and not outdir.is_dir():
        _say(f"-o {outdir}: is a file; batch writes into a folder (give a folder name)")
        raise typer.Exit(EXIT_USAGE)
    if xlsx:
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            _say("--xlsx needs openpyxl: pip install 'report-extract[xlsx]'")
            raise typer.Exit(EXIT_USAGE) from None
    if shared_fs and not scheduler:
        _say("--shared-fs goes with --scheduler")
        raise typer.Exit(EXIT_USAGE)
    body_table = None
    if bodies is not None:
        from .identity import read_bodies

        try:
            body_table = read_bodies(str(bodies))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            _say(f"--bodies {bodies}: cannot be read as a UTF-8 CSV ({getattr(exc, 'strerror', None) or exc})")
            raise typer.Exit(EXIT_USAGE) from None
    _apply_limits(max_memory, None)  # the workers inherit it, and the messages name it
    for path in paths:  # said at once, not only in summary.csv at the end
        if not os.path.exists(path):
            _say(f"{path}: {'a symbolic link loop' if os.path.islink(path) else 'no such file or folder'}")
    options = Options(outdir=outdir, fmt=fmt.value, force=force, timeout=timeout, jobs=jobs, xlsx=xlsx, html=html,
                      ocr=ocr.value, scheduler=scheduler, shared_fs=shared_fs, bodies=body_table)
    with _batch_progress() as progress:
        try:
            outcome = run(paths, options, progress)
        except ClusterError as exc:
            progress.stop()
            _say(str(exc))
            raise typer.Exit(EXIT_USAGE if exc.usage else EXIT_UNREADABLE) from None
        except OutputError as exc:  # a sheet, report.xlsx or index.html cannot be written
            progress.stop()
            _say(str(exc))
            raise typer.Exit(EXIT_OUTPUT) from None
        except OSError as exc:  # the output folder cannot be made or written
            progress.stop()
            _say(f"cannot write into {outdir} ({exc.strerror or exc}); what is finished is kept: make room and "
                 "run the same command again")
            raise typer.Exit(EXIT_OUTPUT) from None
    failed = outcome.failed
    if outcome.interrupted:
        _say(f"{_interrupted(outcome.interrupted)}: {outcome.done} inputs finished and kept in {outdir}; run the "
             "same command again to go on")
        raise typer.Exit(Interrupted(outcome.interrupted).exit_code)
    if not _settings["quiet"]:
        read = outcome.total - failed - outcome.not_reports
        reused = f" ({outcome.reused} of them reused: unchanged since the last run)" if outcome.reused else ""
        _say(f"{outcome.total} inputs: {read} read{reused}, {outcome.not_reports} not reports, {failed} failed; "
             f"results in {outdir}")
    if failed:
        raise typer.Exit(EXIT_UNREADABLE)


class _batch_progress:
    """A rich progress bar on a terminal, each failure listed above it; plain lines when stderr
    is a pipe or a file; with --quiet, each failure only."""

    def __enter__(self):
        self.bar = None
        if sys.stderr.isatty() and not _settings["quiet"]:
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
        from .guard import shown
        from .status import FAILED

        rate = done / max(time.monotonic() - self.start, 1e-6)
        if _settings["quiet"]:  # quiet is not silent: what failed is still said
            if summary["status"] == "failed":
                print(shown(f"failed: {summary['path']}: {summary['error']}"), file=sys.stderr, flush=True)
            return
        if self.bar is None:
            note = f" ({summary['error']})" if summary["error"] else ""
            if summary.get("ocr_pages"):
                pages = summary["ocr_pages"]
                note += f" [{pages} page{'s' if pages > 1 else ''} read by OCR]"
            print(shown(f"[{done}/{total}] {summary['status']}: {summary['path']}{note}"), file=sys.stderr,
                  flush=True)
            return
        self.ocr += bool(summary.get("ocr_pages"))
        if self.task is None:
            self.task = self.bar.add_task("extracting", total=total, rate="0.0", failed=0, ocr=0)
        if summary["status"] == FAILED:  # above the bar, which stays at the bottom
            self.bar.console.print(shown(f"failed: {summary['path']}: {summary['error']}"), markup=False,
                                   highlight=False, soft_wrap=True)
        self.bar.update(self.task, completed=done, rate=f"{rate:.1f}", failed=failed, ocr=self.ocr)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __exit__(self, *exc):
        self.stop()
        return False


@app.command(epilog=_examples("report-extract fields                 # key, row label, column label, templates",
                               "report-extract fields --json | jq .   # one JSON object a key"))
def fields(as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table.")):
    """The canonical keys (table.row.column) with their Chinese labels."""
    import json

    from .outputs import OutputError, write_stdout
    from .templates import iter_fields

    lines = [json.dumps(field, ensure_ascii=False) if as_json else
             "\t".join([field["field"], field["row"], field["column"], ",".join(field["templates"])])
             for field in iter_fields()]
    _emit("".join(line + "\n" for line in lines), write_stdout, OutputError)


@app.command(epilog=_examples("report-extract schema > schema.json",
                              "report-extract schema | jq '.\"$defs\".Problem.properties.code.oneOf'"))
def schema():
    """The JSON Schema of the output, problem codes as an enum with their severity and meaning."""
    import json

    from .model import json_schema
    from .outputs import OutputError, write_stdout

    _emit(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", write_stdout, OutputError)


@app.command(epilog=_examples("report-extract limits",
                              "REPORT_EXTRACT_MAX_PAGES=5000 report-extract extract big.pdf"))
def limits():
    """The limits on hostile input in force, and the environment variable that raises each."""
    from . import limits as named
    from .outputs import OutputError, write_stdout

    rows = [f"{limit.key:18} {limit.value:>10,} {limit.unit:16} {limit.env}"
            + (f" or {limit.option}" if limit.option else "") for limit in named.ALL]
    _emit("".join(row + "\n" for row in rows), write_stdout, OutputError)


def _emit(text: str, write, error) -> None:
    try:
        write(text)
    except error as exc:
        _say(str(exc))
        raise typer.Exit(EXIT_OUTPUT) from None


def _interrupted(number: int) -> str:
    """How a stop by a signal is said: Ctrl-C is "interrupted", another signal is named."""
    import signal

    return "interrupted" if number == signal.SIGINT else f"interrupted by {signal.Signals(number).name}"


_GLOBAL_OPTIONS = ("-q", "--quiet", "-v", "--verbose")


def global_options_first(args: list[str]) -> list[str]:
    """-q and -v where a user puts them (``extract -q x``): moved before the command, where the
    parser takes them (not after ``--``, where they are file names)."""
    end = args.index("--") if "--" in args else len(args)
    moved = [a for a in args[:end] if a in _GLOBAL_OPTIONS]
    return moved + [a for a in args[:end] if a not in _GLOBAL_OPTIONS] + args[end:]


def main() -> None:
    from .guard import Interrupted, stop_on_signals

    stop_on_signals()  # SIGINT, SIGTERM, SIGHUP: children stopped, temporary files removed, one line
    try:
        app(args=global_options_first(sys.argv[1:]), prog_name="report-extract")
    except BrokenPipeError:  # `report-extract … | head`
        sys.stderr.close()
        sys.exit(0)
    except OSError as exc:  # stdout itself cannot be written (`--help > /dev/full`)
        from .outputs import silence_stdout

        silence_stdout()
        _say(f"cannot write to standard output ({exc.strerror or exc})")
        sys.exit(EXIT_OUTPUT)
    except Interrupted as exc:  # outside the batch's own handling: no traceback either
        _say(_interrupted(exc.number))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _say("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()

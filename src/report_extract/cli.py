"""The command line: a thin layer over the Python API. stdout carries data only; messages go to
stderr. Format libraries are imported only when a file needs them, so ``--help`` stays fast."""

from __future__ import annotations

import csv
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .cli_support import (
    EXIT_OUTPUT,
    EXIT_PROBLEMS,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    BatchProgress,
    apply_limits,
    batch_summary,
    emit,
    global_options_first,
    has_errors,
    ignored_line,
    interrupted_facts,
    plain_text,
    progress,
    read_one,
    read_report_or_result,
    review_file,
    reviewed,
    said,
    say,
    say_reason,
    settings,
    strict_lines,
)
from .review_cli import app as review_app
from .serve_cli import EXAMPLES as SERVE_EXAMPLES
from .serve_cli import serve

app = typer.Typer(add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Turn Chinese government information-disclosure annual reports "
                       "(政府信息公开工作年度报告) into structured data.",
                  epilog="\b\nExamples:\n  report-extract extract report.pdf\n  report-extract batch archive/ -o out/\n"
                         "  report-extract schema > schema.json\n  report-extract --install-completion")


app.add_typer(review_app, name="review")
app.command(epilog=SERVE_EXAMPLES)(serve)
REVIEW_HELP = ("A reviewer's decisions to apply (an output folder's review.json, or review export): corrected "
               "values, checks run again on them, verdicts on problems.")


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
    settings.update(quiet=quiet, verbose=verbose)


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
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when a report has error-level problems of its "
                                                        "own, saying which on stderr (reading limits, cells we "
                                                        "could not read, are said apart and do not fail it)."),
    max_memory: int = typer.Option(None, "--max-memory", min=64, metavar="MB", show_default="1536",
                                   help="Memory limit of reading one input, in MB (REPORT_EXTRACT_MAX_MEMORY_MB)."),
    timeout: float = typer.Option(None, "--timeout", min=1, metavar="SECONDS", show_default="900",
                                  help="Seconds one input may take (REPORT_EXTRACT_TIMEOUT)."),
    ocr: Ocr = typer.Option(Ocr.auto, "--ocr", metavar="auto|always|never", help=OCR_HELP),
    review: Optional[str] = typer.Option(None, "--review", metavar="FILE", help=REVIEW_HELP),
):
    """Extract one or more reports to JSON, JSON lines, YAML or CSV on stdout (or -o)."""
    from . import files, outputs
    from .writers import render

    apply_limits(max_memory, timeout)
    decisions = review_file(review)
    try:
        plan = outputs.plan(output, fmt.value if fmt else None)
    except outputs.OutputError as exc:
        say(said(exc))
        raise typer.Exit(EXIT_USAGE if exc.usage else EXIT_OUTPUT) from None
    try:
        if plan.target is not None:  # a block device or a socket: refused before any input is read
            files.refuse_unwritable(plan.target)
    except outputs.OutputError as exc:
        say(said(exc))
        raise typer.Exit(EXIT_OUTPUT) from None
    # each file named is a report of its own (page images of one report: a zip of them, or batch
    # on their folder, reads them as one)
    inputs = paths
    reports, failures, taken = [], 0, set()
    try:
        for path in progress(inputs):
            report, error = read_one(path, ocr.value, page=plan.fmt == "html")
            if error:
                failures += 1
                say(error)
                continue
            report = reviewed(report, decisions)
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
        say(said(exc))
        raise typer.Exit(EXIT_OUTPUT) from None
    if failures:
        if len(inputs) > 1:
            say_reason("inputs_unread", failed=failures, total=len(inputs))
        raise typer.Exit(EXIT_UNREADABLE)
    if strict:  # the report's own errors fail it; its reading limits are said apart and do not
        for line in (line for report in reports for line in strict_lines(report) if line):
            say(line)
        if any(map(has_errors, reports)):
            raise typer.Exit(EXIT_PROBLEMS)


@app.command(epilog=_examples("report-extract check report.pdf          # problems in Chinese, tables as drawn",
                              "report-extract check out/2023/x.pdf.json  # a result of extract or batch"))
def check(paths: List[str] = typer.Argument(..., metavar="FILE",
                                            help="Report files, or result JSON of extract/batch; '-' reads stdin."),
          review: Optional[str] = typer.Option(None, "--review", metavar="FILE", help=REVIEW_HELP)):
    """Show reports to a person: their problems in Chinese with their ids and verdicts, and their
    tables as the template draws them. Exit 1 when a report has an error-level problem of its own
    (a reading limit, cells we could not read, is shown apart and does not count; nor does one a
    reviewer dismissed or fixed), 3 when an input cannot be read."""
    from .views import terminal

    decisions = review_file(review)
    out = terminal.console()
    failures, errors = 0, False
    for i, path in enumerate(paths):  # each file named is a report of its own, as in extract
        report, error = read_report_or_result(path)
        if error:
            failures += 1
            say(error)
            continue
        report = reviewed(report, decisions)
        if i:
            out.print("\n" + "═" * 40 + "\n")
        terminal.show(report, out)
        errors = errors or has_errors(report)
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
        say(said(exc))
        raise typer.Exit(EXIT_OUTPUT) from None
    reports = []
    for path in (a, b):
        report, error = read_report_or_result(path)
        if error:
            say(error)
            raise typer.Exit(EXIT_UNREADABLE)
        reports.append(report)
    result = run_compare(*reports)
    if fmt == CompareFormat.text and not output:
        compare_view.show(result, terminal.console())
        return
    text = {"json": lambda: json.dumps(result, ensure_ascii=False, indent=2) + "\n",
            "html": lambda: compare_view.html_page(result, reports[1])}.get(fmt.value, lambda: plain_text(compare_view.show, result))()
    try:
        if output:
            files.write_text(output, text)
        else:
            outputs.write_stdout(text)
    except outputs.OutputError as exc:
        say(said(exc))
        raise typer.Exit(EXIT_OUTPUT) from None


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
    report.sqlite, and the cross-year checks. Inputs already done (same content) are reused; failures never
    stop the batch."""
    from .archive.dask_client import ClusterError  # Dask itself is imported only for --scheduler
    from .archive.jobs import Options
    from .archive.outfolder import OutputBusy
    from .archive.review_store import ReviewFileError
    from .archive.run import run
    from .errors import ReportError
    from .files import OutputError
    from .guard import Interrupted

    if outdir.exists() and not outdir.is_dir():
        say_reason("batch_into_file", outdir=str(outdir))
        raise typer.Exit(EXIT_USAGE)
    if xlsx:
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            say_reason("xlsx_needs_openpyxl")
            raise typer.Exit(EXIT_USAGE) from None
    if shared_fs and not scheduler:
        say_reason("shared_fs_alone")
        raise typer.Exit(EXIT_USAGE)
    body_table = None
    if bodies is not None:
        from .identity import read_bodies

        try:
            body_table = read_bodies(str(bodies))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            say_reason("bodies_unreadable", file=str(bodies), detail=getattr(exc, "strerror", None) or str(exc))
            raise typer.Exit(EXIT_USAGE) from None
    apply_limits(max_memory, None)  # the workers inherit it, and the messages name it
    for path in paths:  # said at once, not only in summary.csv at the end
        if not os.path.exists(path):
            say(said(ReportError("link_loop" if os.path.islink(path) else "no_such_path", path)))
    options = Options(outdir=outdir, fmt=fmt.value, force=force, timeout=timeout, jobs=jobs, xlsx=xlsx, html=html,
                      ocr=ocr.value, scheduler=scheduler, shared_fs=shared_fs, bodies=body_table)
    with BatchProgress() as progress:
        try:
            outcome = run(paths, options, progress)
        except ClusterError as exc:
            progress.stop()
            say(said(exc))
            raise typer.Exit(EXIT_USAGE if exc.usage else EXIT_UNREADABLE) from None
        except ReviewFileError as exc:  # the folder's review.json: the reviewer's work is never passed over
            progress.stop()
            say(f"{exc}（请修复或移走该文件；batch 未开始）")
            raise typer.Exit(EXIT_USAGE) from None
        except OutputError as exc:  # a sheet, report.xlsx, report.sqlite or index.html cannot be written
            progress.stop()
            say(said(exc))
            raise typer.Exit(EXIT_OUTPUT) from None
        except OSError as exc:  # the output folder cannot be made or written, or another batch holds it
            progress.stop()
            if isinstance(exc, OutputBusy):
                say_reason("output_busy", outdir=str(outdir))
            else:
                say_reason("output_folder_failed", outdir=str(outdir), errno=exc.errno, strerror=exc.strerror or str(exc))
            raise typer.Exit(EXIT_OUTPUT) from None
    failed = outcome.failed
    for path, count in (outcome.dropped or {}).items():  # said even with --quiet: the reviewer's work
        say(f"{path}：文件内容已改变，{count} 条审核决定不再适用（已移入 {outdir}/review.json 的 dropped）")
    if outcome.interrupted:
        say_reason("batch_interrupted", done=outcome.done, outdir=str(outdir), **interrupted_facts(outcome.interrupted))
        raise typer.Exit(Interrupted(outcome.interrupted).exit_code)
    if not settings["quiet"]:
        say(batch_summary(outcome, outdir))
        if outcome.ignored:
            say(ignored_line(outcome.ignored))
    if failed:
        raise typer.Exit(EXIT_UNREADABLE)


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
    emit("".join(line + "\n" for line in lines), write_stdout, OutputError)


@app.command(epilog=_examples("report-extract schema > schema.json",
                              "report-extract schema | jq '.\"$defs\".Problem.properties.code.oneOf'"))
def schema():
    """The JSON Schema of the output, problem codes as an enum with their severity and meaning."""
    import json

    from .outputs import OutputError, write_stdout
    from .schema import json_schema

    emit(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", write_stdout, OutputError)


@app.command(epilog=_examples("report-extract limits",
                              "REPORT_EXTRACT_MAX_PAGES=5000 report-extract extract big.pdf"))
def limits():
    """The limits on hostile input in force, and the environment variable that raises each."""
    from . import limits as named
    from .outputs import OutputError, write_stdout

    rows = [f"{limit.key:18} {limit.value:>10,} {limit.unit:16} {limit.env}"
            + (f" or {limit.option}" if limit.option else "") for limit in named.ALL]
    emit("".join(row + "\n" for row in rows), write_stdout, OutputError)


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
        say_reason("stdout_failed", errno=exc.errno, strerror=exc.strerror or str(exc))
        sys.exit(EXIT_OUTPUT)
    except Interrupted as exc:  # outside the batch's own handling: no traceback either
        say_reason("interrupted", **interrupted_facts(exc.number))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        say_reason("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()

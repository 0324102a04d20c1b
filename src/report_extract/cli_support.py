"""What the commands share: the global options, one-line messages on stderr, reading one input in
a bounded process, a report or a result JSON read back, the batch's progress on a terminal, and
writing to stdout. No command is defined here; cli.py's commands call these."""

from __future__ import annotations

import os
import sys
import time

import typer

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNREADABLE, EXIT_OUTPUT = 0, 1, 2, 3, 4
settings = {"quiet": False, "verbose": False}  # -q, -v: set by the command line's callback


def say(message: str) -> None:
    """One line on stderr, control characters and undecodable bytes of file names escaped."""
    from .guard import shown

    try:
        print(f"report-extract: {shown(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr gone (a closed terminal after SIGHUP): no one to tell
        pass


def said(error, name: str | None = None) -> str:
    """The Chinese line of a failure (``errors.Failure``): an input's names its file (``name`` where
    the error has no path of its own); an output's names it in its sentence."""
    return error.said_zh(name) if hasattr(error, "said_zh") else error.reason_zh


def say_reason(code: str, **facts) -> None:
    """A command's own line (usage, interruption), in Chinese: a code of ``reasons.REASONS``."""
    from .reasons import chinese

    say(chinese(code, **facts))


def read_one(path: str, ocr: str = "auto", page: bool = False):
    """(report, None) or (None, error line in Chinese). The reading runs in a child process under
    the memory and time limits (guard.bounded), so no input can take the machine down or hang the
    command. ``page``: for a page, with the crops of the scan beside its doubtful OCR cells
    (``crops``)."""
    from . import limits
    from .crops import extract_for_page
    from .errors import ReportError
    from .guard import InternalError, bounded, printable, read_stream
    from .pipeline import extract as api_extract

    name = "<stdin>" if path == "-" else printable(path)
    try:
        data = read_stream(getattr(sys.stdin, "buffer", None) if sys.stdin else None) if path == "-" else None
        return bounded(extract_for_page if page else api_extract, name if path == "-" else path, data, None, ocr,
                       memory_mb=limits.MEMORY.value, timeout=limits.TIME.value, name=name), None
    except ReportError as exc:
        return None, said(exc, name)
    except Exception as exc:  # a bug of ours must not take a batch down or print a traceback
        if settings["verbose"] or os.environ.get("REPORT_EXTRACT_DEBUG"):
            if isinstance(exc, InternalError):
                print(exc.trace, file=sys.stderr)
            else:
                raise
        what = str(exc) if isinstance(exc, InternalError) else f"{type(exc).__name__}: {exc}"
        return None, said(ReportError("internal_reading", name, detail=what))


def strict_lines(report) -> tuple[str | None, str | None]:
    """What --strict says of a report, in Chinese: its errors of its own counted by code (they fail
    it); and apart, its reading limits with the cells they leave unread, which do not fail it (the
    report may be right; we could not read those cells). None for either that it has none of. A
    problem a reviewer set aside (误报 or 已更正) is in neither (``problems.counted``)."""
    from collections import Counter

    from .problems import counted, counts, is_reading_limit

    def by_code(problems) -> str:
        tally = Counter(p.code for p in problems)
        return ", ".join(f"{code} ×{n}" for code, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))

    live = counted(report.problems)
    limits = [p for p in live if is_reading_limit(p)]
    errors = [p for p in live if p.severity == "error" and not is_reading_limit(p)]
    path = report.source.path
    failing = f"{path}：--strict：报告有 {len(errors)} 个错误（{by_code(errors)}）" if errors else None
    cells = counts(report.problems)["limited_cells"]
    limited = (f"{path}：--strict：读取受限，不计为错误：{len(limits)} 处读取受限（{by_code(limits)}），"
               f"{cells} 格未能读取") if limits else None
    return failing, limited


def has_errors(report) -> bool:
    """Whether a report has an error of its own (kind report) that a reviewer did not set aside:
    what makes check and --strict exit 1."""
    from .problems import counts

    return counts(report.problems)["report_errors"] > 0


def review_file(path: str | None):
    """The decisions of ``--review FILE`` (an output folder's review.json, or ``review export``), or
    None without one; a file that cannot be read is one line and exit 2."""
    if path is None:
        return None
    from .archive.review_store import ReviewFileError, read_file

    try:
        return read_file(path)
    except ReviewFileError as exc:
        say(str(exc))
        raise typer.Exit(EXIT_USAGE) from None


def reviewed(report, store):
    """The report with the decisions of ``store`` about its content applied (``review.apply``);
    decisions made about its path when the file had another content are said not to apply."""
    if store is None:
        return report
    from .review import apply

    stale = store.changed_at(report.source.path, report.source.sha256)
    if stale:
        say(f"{report.source.path}：文件内容已改变，--review 中关于它的 {stale} 条审核决定不再适用")
    return apply(report, store.about(report.source.sha256))


def apply_limits(max_memory: int | None, timeout: float | None) -> None:
    """Options that set a limit override its environment variable (limits.py)."""
    from . import limits

    if max_memory:
        os.environ[limits.MEMORY.env] = str(int(max_memory))
    if timeout:
        os.environ[limits.TIME.env] = str(max(1, int(round(timeout))))


def progress(paths: list[str]):
    if len(paths) < 2 or not sys.stderr.isatty() or settings["quiet"]:
        yield from paths
        return
    from rich.progress import Progress

    with Progress(transient=True, console=stderr_console()) as progress:
        task = progress.add_task("extracting", total=len(paths))
        for path in paths:
            yield path
            progress.advance(task)


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, markup=False, emoji=False, highlight=False)


def plain_text(show, result) -> str:
    import io

    from .views.terminal import console

    buffer = io.StringIO()
    show(result, console(buffer))
    return buffer.getvalue()


def read_report_or_result(path: str):
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
            return None, said(exc)
        except (ValueError, ValidationError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) and exc.errors() else type(exc).__name__
            return None, said(ReportError("not_a_result", printable(path), detail=reason))
    return read_one(path)


class BatchProgress:
    """A rich progress bar on a terminal, each failure listed above it; plain lines when stderr
    is a pipe or a file; with --quiet, each failure only."""

    def __enter__(self):
        self.bar = None
        if sys.stderr.isatty() and not settings["quiet"]:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            # drawn again at each input done, not by a thread of rich's: the workers are forked after
            # this, and only from a process of one thread (``forked``); shown at once, so that a first
            # input that takes long (the largest are read first) leaves no blank terminal
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn(),
                                TextColumn("failed: {task.fields[failed]}"), TextColumn("OCR: {task.fields[ocr]}"),
                                console=stderr_console(), auto_refresh=False)
            self.task = self.bar.add_task("extracting", total=None, rate="0.0", failed=0, ocr=0)
            self.bar.start()
            self.bar.refresh()
        self.ocr = 0  # inputs read by OCR
        self.start = time.monotonic()
        return self

    def __call__(self, done: int, total: int, failed: int, summary: dict) -> None:
        from .guard import shown
        from .status import FAILED

        rate = done / max(time.monotonic() - self.start, 1e-6)
        if settings["quiet"]:  # quiet is not silent: what failed is still said
            if summary["status"] == "failed":
                print(shown(_failed_line(summary)), file=sys.stderr, flush=True)
            return
        if self.bar is None:
            note = f"（{summary['error_zh']}）" if summary["error"] else ""
            if summary.get("ocr_pages"):
                pages = summary["ocr_pages"]
                note += f" [{pages} page{'s' if pages > 1 else ''} read by OCR]"
            print(shown(f"[{done}/{total}] {summary['status']}: {summary['path']}{note}"), file=sys.stderr,
                  flush=True)
            return
        self.ocr += bool(summary.get("ocr_pages"))
        if summary["status"] == FAILED:  # above the bar, which stays at the bottom
            self.bar.console.print(shown(_failed_line(summary)), markup=False, highlight=False, soft_wrap=True)
        self.bar.update(self.task, total=total, completed=done, rate=f"{rate:.1f}", failed=failed, ocr=self.ocr,
                        refresh=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __exit__(self, *exc):
        self.stop()
        return False


def _failed_line(summary: dict) -> str:
    """An input that failed, as a batch says it above its progress: 无法读取：path：why."""
    return f"无法读取：{summary['path']}：{summary['error_zh']}"


def emit(text: str, write, error) -> None:
    try:
        write(text)
    except error as exc:
        say(said(exc))
        raise typer.Exit(EXIT_OUTPUT) from None


def interrupted_facts(number: int) -> dict:
    """How a stop by a signal is said (``reasons``' ``interrupted``): Ctrl-C is not named, another
    signal is."""
    import signal

    return {} if number == signal.SIGINT else {"signal": signal.Signals(number).name}


GLOBAL_OPTIONS = ("-q", "--quiet", "-v", "--verbose")


def global_options_first(args: list[str]) -> list[str]:
    """-q and -v where a user puts them (``extract -q x``): moved before the command, where the
    parser takes them (not after ``--``, where they are file names)."""
    end = args.index("--") if "--" in args else len(args)
    moved = [a for a in args[:end] if a in GLOBAL_OPTIONS]
    return moved + [a for a in args[:end] if a not in GLOBAL_OPTIONS] + args[end:]


def batch_summary(outcome, outdir) -> str:
    """The batch's last line, in Chinese: what was read (the reports with errors of their own,
    those read partly with the cells we could not read, the results reused, duplicates), what was
    not a report, what failed, how long it took."""
    read = outcome.total - outcome.failed - outcome.not_reports
    if outcome.total == 0:
        return f"没有找到输入（读取的格式：.pdf .ofd .docx .doc .wps .txt .md .html .mht 页面图片）；{outdir}"
    notes = [f"{outcome.with_errors} 个报告有错误"] if outcome.with_errors else []
    notes += [f"{outcome.read_partly} 个读取受限：{outcome.limited_cells} 格未能读取，不计为错误"] \
        if outcome.read_partly else []
    notes += [f"{outcome.reused} 个沿用上次的结果（内容未变）"] if outcome.reused else []
    notes += [f"{outcome.duplicates} 个与另一文件是同一报告，未采用"] if outcome.duplicates else []
    detail = f"（{'；'.join(notes)}）" if notes else ""
    return (f"共 {outcome.total} 个输入：读取 {read} 个{detail}，不是年度报告 {outcome.not_reports} 个，"
            f"无法读取 {outcome.failed} 个；用时 {outcome.seconds:.1f} 秒；结果在 {outdir}")


def ignored_line(ignored: dict) -> str:
    """The files in the folders batch walked that it does not read, counted by their ending."""
    counted = sorted(ignored.items(), key=lambda kv: (-kv[1], kv[0]))
    return "未读取（report-extract 不读取的格式）：" + "，".join(f"{n} 个 {ending}" for ending, n in counted)

"""``report-extract review``: a reviewer's decisions about the reports of a batch's output folder,
kept in its review store (``archive.review_store``, ``OUT/review.json``): a verdict on a problem
(confirm, dismiss, fixed), a corrected value of a cell, undone, exported and imported to share
between reviewers. Each decision takes effect in the folder's results, sheets and pages at the next
``batch`` into it (``review.apply``); the command says so.

Data (``list``, ``export``) goes to stdout; what was done, and errors, to stderr in Chinese. A
problem id, field or path that is not in the folder is exit 2; a folder a batch is writing into,
exit 4.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from .cli_support import EXIT_OUTPUT, EXIT_USAGE, emit, say

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]},
                  help="A reviewer's decisions about a batch's reports: verdicts on problems, corrected values. "
                       "They take effect at the next batch into the folder.")
TAKES_EFFECT = "将在下次运行 report-extract batch（输出到该文件夹）时写入其结果、表格和页面。"


def _examples(*lines: str) -> str:
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def _fail(message: str, code: int = EXIT_USAGE):
    say(message)
    raise typer.Exit(code)


def _results_folder(out: Path) -> None:
    if not out.is_dir():
        _fail(f"{out}：不是文件夹（应为 report-extract batch 的输出文件夹）")


def _results(out: Path) -> Iterator[tuple[Path, dict]]:
    from .archive.outfolder import results

    _results_folder(out)
    yield from results(out)


@contextmanager
def _editing(out: Path):
    """The folder's review store to change, under its lock; errors said in one line."""
    from .archive.outfolder import OutputBusy
    from .archive.review_store import ReviewFileError, editing
    from .files import OutputError

    try:
        with editing(out) as store:
            yield store
    except OutputBusy:
        _fail(f"{out}：另一个 batch 正在写入该文件夹，请在它结束后再记录审核决定", EXIT_OUTPUT)
    except ReviewFileError as exc:
        _fail(f"{exc}（请修复或移走该文件）")
    except (OutputError, OSError) as exc:
        _fail(f"无法写入 {out} 的审核记录（{getattr(exc, 'strerror', None) or exc}）", EXIT_OUTPUT)


def _store(out: Path):
    from .archive.review_store import ReviewFileError, load

    try:
        return load(out)
    except ReviewFileError as exc:
        _fail(f"{exc}（请修复或移走该文件）")


def _found(find, *args):
    """A lookup of review_store (find_problem, find_report, a record), its ReviewError one line, exit 2."""
    from .archive.review_store import ReviewError

    try:
        return find(*args)
    except ReviewError as exc:
        _fail(str(exc))


@app.command("list", epilog=_examples("report-extract review list out/", "report-extract review list out/ --code balance",
                                      "report-extract review list out/ --verdict dismissed --json"))
def list_problems(
    out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder."),
    code: Optional[str] = typer.Option(None, "--code", metavar="CODE", help="Only problems of this code."),
    verdict: Optional[str] = typer.Option(None, "--verdict", metavar="confirmed|dismissed|fixed|none",
                                          help="Only problems with this verdict (none: without one)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object a line."),
):
    """Every problem of the folder's results, with its id and verdict (a decision recorded since the
    last batch included): tab-separated id, verdict, severity, code, path, field, message."""
    from .outputs import OutputError, write_stdout
    from .review import VERDICTS

    if verdict is not None and verdict not in (*VERDICTS, "none"):
        _fail(f"--verdict 应为 {'、'.join(VERDICTS)} 或 none")
    store = _store(out)
    lines = [] if as_json else ["\t".join(("id", "verdict", "severity", "code", "path", "field", "message_zh"))]
    for _, data in _results(out):
        about = store.about(data["source"]["sha256"])
        for p in data["problems"]:
            # the store is what was decided: a verdict in the result that the store no longer holds was
            # undone since the batch, but for a fixed one that a correction still standing gave
            result = p.get("verdict") or {}
            cell = ".".join(x for x in (p.get("table"), p.get("row"), p.get("column")) if x)
            derived = result if result.get("verdict") == "fixed" and any(
                key == cell or key.startswith(cell + ".") for key in about.corrections) else {}
            record = about.verdicts.get(p.get("id") or "") or derived
            said = record.get("verdict") or "none"
            if (code and p["code"] != code) or (verdict and said != verdict):
                continue
            field = ".".join(x for x in (p.get("table"), p.get("row"), p.get("column")) if x)
            if as_json:
                lines.append(json.dumps({"id": p.get("id"), "verdict": record.get("verdict"), "note": record.get("note"),
                                         "severity": p["severity"], "code": p["code"], "path": data["source"]["path"],
                                         "sha256": data["source"]["sha256"], "field": field or None,
                                         "message_zh": p.get("message_zh")}, ensure_ascii=False))
            else:
                lines.append("\t".join((p.get("id") or "", said, p["severity"], p["code"], data["source"]["path"],
                                        field, re.sub(r"[\t\r\n]+", " ", p.get("message_zh") or p["message"]))))
    emit("".join(line + "\n" for line in lines), write_stdout, OutputError)


def _decide(out: Path, problem_id: str, verdict: str, note: str | None) -> None:
    from .archive.review_store import find_problem, verdict_record
    from .review import VERDICTS_ZH

    _results_folder(out)
    data, problem = _found(find_problem, out, problem_id)
    record = _found(verdict_record, data, problem, verdict, note)
    with _editing(out) as store:
        store.put(record)
    say(f"已记录：#{problem['id'][:8]}（{data['source']['path']}，{problem['code']}）{VERDICTS_ZH[verdict]}。{TAKES_EFFECT}")


@app.command(epilog=_examples("report-extract review confirm out/ 3f2a9c1b --note '已向该机关核实'"))
def confirm(out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder."),
            problem_id: str = typer.Argument(..., metavar="ID", help="The problem's id (at least 6 hex digits)."),
            note: Optional[str] = typer.Option(None, "--note", help="Why.")):
    """Confirm a problem (确认): it is real, and keeps counting."""
    _decide(out, problem_id, "confirmed", note)


@app.command(epilog=_examples("report-extract review dismiss out/ 3f2a9c1b --note '原件此处为合并单元格'"))
def dismiss(out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder."),
            problem_id: str = typer.Argument(..., metavar="ID", help="The problem's id (at least 6 hex digits)."),
            note: str = typer.Option(..., "--note", help="Why it is a false alarm (required).")):
    """Dismiss a problem as a false alarm (误报): listed as such, no longer counted anywhere."""
    _decide(out, problem_id, "dismissed", note)


@app.command(epilog=_examples("report-extract review fixed out/ 3f2a9c1b --note '机关已重新发布'"))
def fixed(out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder."),
          problem_id: str = typer.Argument(..., metavar="ID", help="The problem's id (at least 6 hex digits)."),
          note: Optional[str] = typer.Option(None, "--note", help="How it was settled.")):
    """Mark a problem fixed (已更正): listed as such, no longer counted."""
    _decide(out, problem_id, "fixed", note)


@app.command(epilog=_examples("report-extract review correct out/ archive/x.pdf applications.new_received.total 12 "
                              "--reason '原件为12，OCR误读'"))
def correct(out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder."),
            path: str = typer.Argument(..., metavar="PATH", help="The input, as summary.csv names it (or its result "
                                                                 "file)."),
            field: str = typer.Argument(..., metavar="FIELD", help="The cell: table.row.column, as in long.csv."),
            value: str = typer.Argument(..., metavar="VALUE", help="The right value (空 for no number; a negative "
                                                                   "本年增/减 after --: -- -3)."),
            reason: str = typer.Option(..., "--reason", help="Why (required).")):
    """Correct the value of one cell of one report: it replaces the read value in every output, with
    provenance ``corrected``, and the report's checks run again on it."""
    from .archive.review_store import correction_record, find_report

    _results_folder(out)
    _, data = _found(find_report, out, path)
    record = _found(correction_record, data, field, value, reason)
    with _editing(out) as store:
        store.put(record)
    said = "空" if record["value"] is None else record["value"]
    say(f"已记录：{data['source']['path']} 的 {field} 更正为 {said}。{TAKES_EFFECT}")


@app.command(epilog=_examples("report-extract review undo out/ 3f2a9c1b",
                              "report-extract review undo out/ archive/x.pdf applications.new_received.total"))
def undo(out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder."),
         target: str = typer.Argument(..., metavar="ID|PATH|FIELD", help="A problem id; or the input's path "
                                                                        "followed by FIELD; or a FIELD alone when "
                                                                        "one report only has a correction of it."),
         field: Optional[str] = typer.Argument(None, metavar="[FIELD]", help="The corrected cell (after PATH).")):
    """Take back a verdict or a correction."""
    from .archive.review_store import MIN_ID, find_report

    _results_folder(out)
    with _editing(out) as store:
        if field is not None:
            _, data = _found(find_report, out, target)
            taken = store.undo(data["source"]["sha256"], field)
            what = f"{data['source']['path']} 的 {field} 的更正"
        elif target.count(".") == 2:
            held = [r for r in store.records() if r.get("field") == target]
            if len(held) != 1:
                _fail(f"{'没有' if not held else f'{len(held)} 份报告有'} {target} 的更正" +
                      ("" if not held else "：请在字段前写明路径（review undo OUT PATH FIELD）"))
            taken = store.undo(held[0]["sha256"], target)
            what = f"{held[0].get('path')} 的 {target} 的更正"
        else:
            wanted = target.lstrip("#").lower()
            held = [r for r in store.records() if r.get("problem", "").startswith(wanted)] if len(wanted) >= MIN_ID \
                else []
            if len(held) != 1:
                _fail(f"审核记录中{'没有' if not held else '有多个'}编号为 {wanted} 的问题的决定")
            taken = store.undo(held[0]["sha256"], held[0]["problem"])
            what = f"#{held[0]['problem'][:8]} 的审核结论"
        if taken is None:
            _fail(f"审核记录中没有{what}")
    say(f"已撤销{what}。{TAKES_EFFECT}")


@app.command(epilog=_examples("report-extract review export out/ > decisions.json"))
def export(out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder.")):
    """The folder's decisions as JSON on stdout (the review store's format), to share with another
    reviewer (``review import``) or to apply with ``extract --review``."""
    from .archive.review_store import text_of
    from .outputs import OutputError, write_stdout

    _results_folder(out)
    emit(text_of(_store(out), with_dropped=False), write_stdout, OutputError)


@app.command("import", epilog=_examples("report-extract review import out/ decisions.json"))
def import_decisions(out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder."),
                     source: Path = typer.Argument(..., metavar="FILE", help="Decisions (review export, or another "
                                                                            "folder's review.json).")):
    """Merge another reviewer's decisions into the folder's; where both decided the same problem or
    cell differently, the newer decision stays (each such case is said)."""
    from .archive.review_store import ReviewFileError, read_file

    _results_folder(out)
    try:
        incoming = read_file(source)
    except ReviewFileError as exc:
        _fail(str(exc))
    with _editing(out) as store:
        before = sum(1 for _ in store.records())
        conflicts = store.merge(incoming)
        after = sum(1 for _ in store.records())
    for line in conflicts:
        say(line)
    total = sum(1 for _ in incoming.records())
    say(f"已导入 {source}：{total} 条决定，新增 {after - before} 条，{len(conflicts)} 条与已有决定不同。{TAKES_EFFECT}")

"""What ``report-extract serve`` does with an output folder, HTTP aside: the file at a path asked
for (only inside the folder), a page as served (a report's page rendered from its result with the
folder's decisions applied, and the review controls), and a decision a page posts, recorded in the
review store through the functions the ``review`` commands use (``find_problem``,
``verdict_record``, ``correction_record``, ``editing``).

A report's page is rendered again from its result on every request, not read from its file: the
page then shows a decision as soon as it is recorded, a correction's checks run again included
(``review.apply``), which a page patching itself from an answer could not show. The dashboard is
served as the last batch wrote it: its rows come from the batch's spool, so its counts change at
the next batch (its bar says so).

Whatever is refused is ``Refused``: an HTTP status and a Chinese sentence.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from .archive.outfolder import RESULT_SUFFIXES, OutputBusy, load_result
from .archive.review_store import (
    FILE_NAME,
    ReviewError,
    ReviewFileError,
    Store,
    correction_record,
    editing,
    find_problem,
    load,
    verdict_record,
)
from .files import OutputError
from .model import Report
from .review import VERDICTS, VERDICTS_ZH, apply
from .templates import iter_fields
from .views.html import report_page
from .views.served import served_page
from .writers import as_data

MAX_TEXT = 2000  # characters of a note, reason or value a page may post
NEXT_BATCH = "总览页的计数在下次运行 batch 时更新。"


class Refused(Exception):
    """A request that is not served: ``status`` (HTTP) and ``said`` (Chinese, for the page)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.said = status, message


def inside(root: Path, rel: str) -> Path:
    """The regular file at ``rel`` (a decoded URL path) in the output folder ``root`` (resolved);
    Refused 403 for ``..``, a NUL byte, a backslash or a link that leads out of the folder, 404 for
    what is not there, a folder (no listing) or a hidden file (the folder's lock)."""
    if "\x00" in rel or "\\" in rel:
        raise Refused(403, "路径无效（含 NUL 或反斜杠）")
    parts = [part for part in rel.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise Refused(403, "路径不能含 . 或 ..：只提供输出文件夹内的文件")
    if any(part.startswith(".") for part in parts):
        raise Refused(404, f"没有 {rel}")
    try:
        real = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a link loop, a name too long
        raise Refused(404, f"没有 {rel}") from None
    if root not in real.parents:
        raise Refused(403, "拒绝：该路径通向输出文件夹之外（只提供输出文件夹内的文件）")
    if not real.is_file():
        raise Refused(404, f"没有 {rel}（不列出文件夹的内容）")
    return real


def result_of(page: Path) -> tuple[Path, dict] | None:
    """(the result file, its data) of a report's page (``x.pdf.html`` -> ``x.pdf.json`` or
    ``.yaml``, as ``outfolder.page_path`` names pages), or None: the page is not a result's."""
    for suffix in RESULT_SUFFIXES:
        result = page.with_suffix(suffix)
        if result.is_file() and not result.is_symlink():
            data = load_result(result, suffix[1:])
            if isinstance(data, dict) and "schema_version" in data and isinstance(data.get("problems"), list):
                return result, data
    return None


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    return {f["field"]: f"“{f['row']}”“{f['column']}”" for f in iter_fields()}


def cell_said(field: str) -> str:
    """A cell as a reviewer reads it: its row and column as the template labels them, and its key."""
    label = _labels().get(field)
    return f"{label}（{field}）" if label else field


def _store(root: Path) -> Store:
    try:
        return load(root)
    except ReviewFileError as exc:
        raise Refused(500, f"{exc}（请修复或移走该文件）") from None


def _reviewed(data: dict, store: Store) -> Report:
    """The report of a result as the folder's decisions have it now."""
    try:
        report = Report.model_validate(data)
    except ValidationError:
        raise Refused(500, "该报告的结果文件无法读取（请重新运行 batch）") from None
    return apply(report, store.about(report.source.sha256))


def served(root: Path, rel: str, page: Path, token: str) -> str:
    """The page at ``page`` (``rel`` in the folder) as served: a report's rendered from its result
    with the folder's decisions, with the controls; another page as its file holds it, with the bar."""
    store = _store(root)
    context = {"token": token, "page": rel, "store": FILE_NAME, "decisions": sum(1 for _ in store.records()),
               "report": False, "dashboard": page == root / "index.html", "index": None}
    index = root / "index.html"
    if index.is_file() and page != index:
        context["index"] = Path(os.path.relpath(index, page.parent)).as_posix()
    found = result_of(page)
    if found is None:
        return served_page(page.read_text(encoding="utf-8", errors="replace"), context)
    report = _reviewed(found[1], store)
    decided = store.about(report.source.sha256)
    context.update(report=True, verdicts=sorted(decided.verdicts), corrections=[
        {"field": key, "label": cell_said(key), "value": report.value(key), "read": report.provenance[key].corrected.read,
         "reason": report.provenance[key].corrected.reason}
        for key in sorted(decided.corrections) if key in report.provenance and report.provenance[key].corrected])
    return served_page(report_page(report), context)


def _text(body: dict, key: str, required: str | None = None) -> str:
    value = body.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise Refused(400, f"{key} 应为不超过 {MAX_TEXT} 字的文字")
    if required and not value.strip():
        raise Refused(400, required)
    return value


def decide(root: Path, action: str, body: dict) -> dict:
    """Record what a page posted: ``action`` ``verdict`` (``problem``, ``verdict``, ``note``),
    ``correct`` (``field``, ``value``, ``reason``) or ``undo`` (``problem`` or ``field``), about the
    report of the page at ``body["page"]``; the answer: ``ok``, ``message`` (Chinese), ``record``."""
    rel = _text(body, "page", "缺少 page（记录决定的页面）")
    found = result_of(inside(root, rel))
    if found is None:
        raise Refused(404, f"{rel} 不是某份报告的页面，不能在此记录审核决定")
    result, data = found
    report = _reviewed(data, _store(root))
    now = as_data(report)  # its problems as shown: a correction's checks run again included
    sha = report.source.sha256
    try:
        if action == "verdict":
            verdict = _text(body, "verdict")
            if verdict not in VERDICTS:
                raise Refused(400, f"verdict 应为 {'、'.join(VERDICTS)} 之一")
            note = _text(body, "note", "请写明为何是误报" if verdict == "dismissed" else None)
            _, problem = find_problem(root, _text(body, "problem", "缺少 problem（问题编号）"), [(result, now)])
            record = verdict_record(now, problem, verdict, note)
            said = f"已记录：问题 #{problem['id'][:8]}（{problem['code']}）{VERDICTS_ZH[verdict]}。"
        elif action == "correct":
            field = _text(body, "field", "缺少 field（要更正的格）")
            value = _text(body, "value")
            record = correction_record(now, field, value, _text(body, "reason", "请写明更正的依据"))
            said = f"已记录：{cell_said(field)}更正为 {'空' if record['value'] is None else record['value']}。"
        elif action == "undo":
            key = _text(body, "problem") or _text(body, "field", "缺少 problem 或 field（要撤销的决定）")
            record = None
        else:
            raise Refused(404, "没有这个操作")
    except ReviewError as exc:
        raise Refused(400, str(exc)) from None
    try:
        with editing(root) as store:
            if record is not None:
                store.put(record)
            else:
                record = store.undo(sha, key)
                if record is None:
                    raise Refused(404, f"审核记录中没有本报告关于 {key} 的决定")
                said = f"已撤销问题 #{key[:8]} 的审核结论。" if "problem" in record else f"已撤销{cell_said(key)}的更正。"
    except OutputBusy:
        raise Refused(409, "另一个 batch 正在写入该文件夹，请在它结束后再记录审核决定") from None
    except ReviewFileError as exc:
        raise Refused(500, f"{exc}（请修复或移走该文件）") from None
    except (OutputError, OSError) as exc:
        raise Refused(500, f"无法写入 {FILE_NAME}（{getattr(exc, 'strerror', None) or exc}）") from None
    return {"ok": True, "message": f"{said}{NEXT_BATCH}", "record": record}

"""The review store of an output folder: ``OUT/review.json``, a reviewer's decisions about the
archive's reports (docs/OUTPUT.md, *Review*), kept apart from the results because the results are
made again from the inputs and the reviewer's work is not.

A decision is keyed by the content it was made about (the input's ``sha256``) and what it is about:
a problem's id (a verdict) or a cell's flat key (a correction). So it follows a report renamed or
moved (a batch notes where it found the content: ``seen``), and no longer applies when the file
itself changes: a batch then moves it to ``dropped`` and says so (``Store.follow``). The file is
written atomically (``files``) under the output folder's lock (``editing``), so a batch and a
``review`` command never write at once.

``decisions_for(outdir, sha256)`` is what a writer of another output (a database) asks for one
report's decisions; ``review.apply`` puts them into a report. ``find_problem``, ``find_report``,
``verdict_record`` and ``correction_record`` make a decision about the folder's results from what a
reviewer gives (an id, a path, a field and a value as typed), whatever asks (the ``review``
commands, a page); ReviewError says in Chinese what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import files, numbers
from ..review import VERDICTS, Decisions, column_kind, is_cell
from ..templates import MONEY, SIGNED
from .outfolder import results, take_lock

FORMAT = 1  # the version of review.json's layout; a file of another version is refused, never guessed at
FILE_NAME = "review.json"
_SHA = re.compile(r"[0-9a-f]{64}")
_ID = re.compile(r"[0-9a-f]{16}")
_FIELD = re.compile(r"[^.\s]+\.[^.\s]+\.[^.\s]+")


class ReviewError(ValueError):
    """A decision that cannot be recorded (an unknown problem id, path or field, a value that is not
    one for its column); its text says which and why, in Chinese."""


class ReviewFileError(ReviewError):
    """A review file (review.json, or decisions to import) that cannot be read; says which and why."""


def now() -> str:
    """The time of a decision: ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _when(record: dict) -> datetime:
    try:
        moment = datetime.fromisoformat(record.get("time") or "")
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass
class Store:
    """The decisions of one output folder: sha256 -> problem id -> verdict record, and sha256 ->
    flat key -> correction record; ``dropped``, the records whose report changed."""

    verdicts: dict[str, dict[str, dict]] = field(default_factory=dict)
    corrections: dict[str, dict[str, dict]] = field(default_factory=dict)
    dropped: list[dict] = field(default_factory=list)

    def about(self, sha256: str | None) -> Decisions:
        """The decisions about the report of this content (none: empty)."""
        return Decisions(dict(self.verdicts.get(sha256 or "", {})), dict(self.corrections.get(sha256 or "", {})))

    def records(self) -> Iterator[dict]:
        """Every live record, verdicts first."""
        for kind in (self.verdicts, self.corrections):
            for by_key in kind.values():
                yield from by_key.values()

    def put(self, record: dict) -> dict | None:
        """A verdict or a correction, in place of the one on the same problem or cell; returns that one."""
        kind, key = _slot(self, record)
        by_key = kind.setdefault(record["sha256"], {})
        before = by_key.get(key)
        by_key[key] = record
        return before

    def undo(self, sha256: str, key: str) -> dict | None:
        """Take back the verdict on problem ``key`` or the correction of cell ``key``; returns it."""
        for kind in (self.verdicts, self.corrections):
            by_key = kind.get(sha256, {})
            if key in by_key:
                record = by_key.pop(key)
                if not by_key:
                    del kind[sha256]
                return record
        return None

    def merge(self, other: Store) -> list[str]:
        """Another store's decisions into this one; where both decided the same problem or cell
        differently, the newer decision stays. Returns a line (Chinese) for each such conflict."""
        said = []
        for record in other.records():
            kind, key = _slot(self, record)
            mine = kind.get(record["sha256"], {}).get(key)
            if mine is not None and _decided(mine) == _decided(record):
                continue  # the same decision (where a batch last found its report aside)
            if mine is not None:
                newer = record if _when(record) > _when(mine) else mine
                said.append(f"{record.get('path') or mine.get('path') or record['sha256'][:12]}：{key} 两边的决定不同，"
                            f"采用较新的（{newer.get('time') or '时间不明'}，{_said(newer)}）")
                if newer is mine:
                    continue
            self.put(record)
        return said

    def follow(self, found: dict[str, str], when: str | None = None) -> dict[str, int]:
        """Where each report decided about is now, from a run that found ``found`` (path -> the
        sha256 of its file): a decision's ``seen`` becomes the path its content is at (a report
        renamed or moved); decisions whose path (``seen``, else ``path``) now holds other content,
        found nowhere else in the run, no longer apply: moved to ``dropped``. Returns path -> how
        many were dropped."""
        paths: dict[str, list[str]] = {}
        for path, sha256 in sorted(found.items()):
            paths.setdefault(sha256, []).append(path)
        counted: dict[str, int] = {}
        for kind in (self.verdicts, self.corrections):
            for sha256 in list(kind):
                by_key = kind[sha256]
                for key in list(by_key):
                    at = where(by_key[key])
                    if sha256 in paths:
                        if at not in paths[sha256]:
                            by_key[key]["seen"] = paths[sha256][0]
                    elif at in found:
                        self.dropped.append({**by_key.pop(key), "dropped": when or now(), "now": found[at]})
                        counted[at] = counted.get(at, 0) + 1
                if not by_key:
                    del kind[sha256]
        return counted

    def changed_at(self, path: str, sha256: str) -> int:
        """How many decisions were made about the file at ``path`` when it had other content than
        ``sha256``: they do not apply to it now."""
        return sum(1 for r in self.records() if where(r) == path and r["sha256"] != sha256)

    def to_data(self, with_dropped: bool = True) -> dict:
        data = {"format": FORMAT,
                "verdicts": sorted((r for by in self.verdicts.values() for r in by.values()), key=_order),
                "corrections": sorted((r for by in self.corrections.values() for r in by.values()), key=_order)}
        if with_dropped:
            data["dropped"] = self.dropped
        return data


def where(record: dict) -> str | None:
    """Where a decision's report was last found: the path a batch last found its content at
    (``seen``), else the path it was decided at."""
    return record.get("seen") or record.get("path")


def _slot(store: Store, record: dict) -> tuple[dict, str]:
    """(the store's table for the record, its key): a verdict's problem id, a correction's field."""
    if "problem" in record:
        return store.verdicts, record["problem"]
    return store.corrections, record["field"]


def _decided(record: dict) -> dict:
    """A record without what a batch notes on it: what the reviewer decided."""
    return {k: v for k, v in record.items() if k != "seen"}


def _order(record: dict) -> tuple:
    return record.get("path") or "", record.get("time") or "", record.get("problem") or record.get("field") or ""


def _said(record: dict) -> str:
    if "problem" in record:
        return record["verdict"]
    return f"更正为 {record['value']}"


def from_data(data, name: str) -> Store:
    """A store from a review file's data; ReviewFileError naming ``name`` and the bad record."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise ReviewFileError(f"{name}：不是第 {FORMAT} 版的审核记录文件（format 为 {found!r}）")
    store = Store()
    for part, check in (("verdicts", _verdict_error), ("corrections", _correction_error)):
        records = data.get(part, [])
        if not isinstance(records, list):
            raise ReviewFileError(f"{name}：{part} 应为列表")
        for n, record in enumerate(records, 1):
            error = "不是对象" if not isinstance(record, dict) else check(record)
            if error:
                raise ReviewFileError(f"{name}：{part} 第 {n} 条无效（{error}）")
            store.put(dict(record))
    dropped = data.get("dropped", [])
    store.dropped = [r for r in dropped if isinstance(r, dict)] if isinstance(dropped, list) else []
    return store


def _common_error(record: dict) -> str | None:
    if not isinstance(record.get("sha256"), str) or not _SHA.fullmatch(record["sha256"]):
        return "sha256 应为 64 位十六进制数字"
    for key in ("time", "path", "seen", "note", "code", "reason"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return f"{key} 应为文字"
    return None


def _verdict_error(record: dict) -> str | None:
    if not isinstance(record.get("problem"), str) or not _ID.fullmatch(record["problem"]):
        return "problem 应为 16 位十六进制的问题编号"
    if record.get("verdict") not in VERDICTS:
        return f"verdict 应为 {'、'.join(VERDICTS)} 之一"
    return _common_error(record)


def _correction_error(record: dict) -> str | None:
    if not isinstance(record.get("field"), str) or not _FIELD.fullmatch(record["field"]):
        return "field 应为 table.row.column 形式的字段名"
    value = record.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "value 应为数字或 null"
    if not isinstance(record.get("reason"), str) or not record["reason"].strip():
        return "reason（更正理由）不能为空"
    return _common_error(record)


def read_file(path: str | Path) -> Store:
    """A review file (an output folder's review.json, or one ``review export`` wrote)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReviewFileError(f"{name}：无法读取（{exc.strerror or exc}）") from None
    except UnicodeDecodeError:
        raise ReviewFileError(f"{name}：不是 UTF-8 文本") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReviewFileError(f"{name}：不是 JSON（{exc}）") from None
    return from_data(data, name)


def load(outdir: Path) -> Store:
    """The output folder's store (empty where it has none); ReviewFileError where it cannot be read:
    a reviewer's work is never taken for nothing, nor written over."""
    path = Path(outdir) / FILE_NAME
    if not path.exists():
        return Store()
    return read_file(path)


def save(outdir: Path, store: Store) -> None:
    """The store into the output folder, atomically (hold the folder's lock: ``editing``, or a batch's)."""
    files.write_text(Path(outdir) / FILE_NAME, text_of(store))


def text_of(store: Store, with_dropped: bool = True) -> str:
    return json.dumps(store.to_data(with_dropped), ensure_ascii=False, indent=2) + "\n"


@contextmanager
def editing(outdir: Path) -> Iterator[Store]:
    """The output folder's store to change, under its lock (outfolder.OutputBusy while a batch writes
    into the folder); written back when the block ends without an error and something changed."""
    lock = take_lock(Path(outdir))
    try:
        store = load(outdir)
        before = text_of(store)
        yield store
        if text_of(store) != before:
            save(outdir, store)
    finally:
        lock.close()


# --- decisions about the folder's results (the review commands; a page that records them) -----------
MIN_ID = 6  # hex digits of a problem id that name it (views show 8)


def find_problem(outdir: Path, wanted: str, among: Iterable[tuple[Path, dict]] | None = None) -> tuple[dict, dict]:
    """(the result, the problem) of the one problem of the folder's results whose id is or starts
    with ``wanted`` (``#`` allowed); ReviewError for none, several, or an id that is not one.
    ``among``: the (file, result) pairs to look in instead (``serve``: the one report of a page, as
    the decisions have it now, its checks run again on corrected values)."""
    wanted = wanted.lstrip("#").lower()
    if len(wanted) < MIN_ID or any(c not in "0123456789abcdef" for c in wanted):
        raise ReviewError(f"问题编号“{wanted}”无效：应为至少 {MIN_ID} 位十六进制数字（如 check 或页面上的 #3f2a9c1b）")
    found = [(data, p) for _, data in (results(outdir) if among is None else among) for p in data["problems"]
             if (p.get("id") or "").startswith(wanted)]
    if not found:
        raise ReviewError(f"{outdir} 的结果中没有编号为 {wanted} 的问题（先运行 batch；report-extract review list "
                          f"{outdir} 列出全部问题）")
    if len({p["id"] for _, p in found}) > 1:
        raise ReviewError(f"编号 {wanted} 对应 {len(found)} 个问题，请多写几位")
    return found[0]


def find_report(outdir: Path, path: str) -> tuple[Path, dict]:
    """(its result file, the result) of the input at ``path``: as the batch named it (summary.csv's
    path), or its result file; ReviewError where the folder has none."""
    named = Path(path)
    for result, data in results(outdir):
        if data.get("source", {}).get("path") == path or result in (named, Path(outdir) / named) or \
                result.resolve() == named.resolve():
            return result, data
    raise ReviewError(f"{outdir} 中没有 {path} 的结果（路径应与 summary.csv 的 path 列一致，或为结果文件）")


def verdict_record(data: dict, problem: dict, verdict: str, note: str | None) -> dict:
    """The record of a verdict on ``problem`` of the result ``data``."""
    if verdict not in VERDICTS:
        raise ReviewError(f"审核结论应为 {'、'.join(VERDICTS)} 之一")
    if verdict == "dismissed" and not (note or "").strip():
        raise ReviewError("请写明为何是误报（--note 不能为空）")
    return _record(data, problem=problem["id"], verdict=verdict, note=(note or "").strip() or None,
                   code=problem["code"])


def correction_record(data: dict, field: str, value: str, reason: str) -> dict:
    """The record of a correction of cell ``field`` of the result ``data`` to ``value`` as a
    reviewer types it; ReviewError for a cell the report's tables lack or a value that is not one
    for its column (a count: an integer ≥ 0; 本年增/减: an integer; money: a number ≥ 0; 空 or -: no
    number)."""
    from ..model import Report

    if not (reason or "").strip():
        raise ReviewError("请写明更正的依据（--reason 不能为空）")
    report = Report.model_validate(data)
    if not is_cell(report, field):
        raise ReviewError(f"{data['source']['path']} 的表格中没有 {field} 这一格（字段名见 report-extract fields 或 "
                          "long.csv 的 field 列）")
    return _record(data, field=field, value=value_of(value, column_kind(report.report.template, field)),
                   reason=reason.strip())


def value_of(text: str, kind: str):
    """A value as a reviewer types it, for a column of this kind (templates.COUNT, SIGNED, MONEY),
    as the tables hold it: an int, a float for money with a fraction, None for no number."""
    parsed = numbers.parse(text, kind)
    if parsed.status in (numbers.BLANK, numbers.PLACEHOLDER) or text.strip().lower() in ("null", "none"):
        return None
    if parsed.unit or re.search(r"\d\s+\d", text):  # 12元 in a column of 万元 would be 12 万元; "1 2" is not 12
        raise ReviewError(f"“{text}”：请只写数字，按该栏的单位（表头写的单位，如万元）；数字中间不要有空格")
    if parsed.status != numbers.NUMBER or parsed.note or (parsed.value < 0 and kind != SIGNED):
        wanted = "金额（不小于 0 的数）" if kind == MONEY else "整数" if kind == SIGNED else "不小于 0 的整数"
        raise ReviewError(f"“{text}”不是该栏的数值：应为{wanted}，或“空”表示没有数字")
    if kind == MONEY:
        return parsed.value if isinstance(parsed.value, int) else float(parsed.value)
    return int(parsed.value)


def _record(data: dict, **fields) -> dict:
    return {"sha256": data["source"]["sha256"], **fields, "time": now(), "path": data["source"]["path"]}


def decisions_for(outdir: Path, sha256: str) -> Decisions:
    """The decisions about the report of this content in the output folder (for a writer that keeps
    copies of them beside the results, such as a database rebuilt on each run)."""
    return load(outdir).about(sha256)

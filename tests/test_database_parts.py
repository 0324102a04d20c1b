"""report.sqlite from the workers' parts (archive.database): each worker puts the rows of the
inputs it reads into a part of its own; the parent copies them in report order. The database is
the same, byte for byte, whichever worker read which input; a part whose worker was killed, or
beyond what SQLite can attach, is not used: its inputs' rows are read from their spool lines, and
the database is the same again."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from conftest import FIXTURES
from generate import chain, render_text
from report_extract.archive import database, part
from report_extract.archive import spool as spool_module
from report_extract.archive.jobs import Options
from report_extract.archive.run import run

TABLES = ("reports", "cells", "problems", "sections")


def make_archive(root: Path) -> Path:
    """Six reports of two fictional bodies, and one that breaks its balance (its problems)."""
    root.mkdir()
    for b in range(2):
        for report in chain(7100 + b, f"示例县第{b + 1}社区居民委员会", [2023, 2024, 2025]):
            (root / f"{b}-{report.year}.txt").write_text(render_text(report), encoding="utf-8")
    (root / "2-balance.txt").write_bytes((FIXTURES / "v2021-balance.txt").read_bytes())
    return root


def batch(root: Path, out: Path, jobs: int) -> None:
    run([str(root)], Options(outdir=out, jobs=jobs, force=True))


def rows(out: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(out / "report.sqlite")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() if table != "cells" else
                db.execute("SELECT * FROM cells ORDER BY report_id, key").fetchall() for table in TABLES}
    finally:
        db.close()


def spool_reads(monkeypatch) -> list[int]:
    """The inputs whose rows the parent reads from their spool lines (their part not used)."""
    calls: list[int] = []
    record = spool_module.Spool.record

    def counted(self, index):
        calls.append(index)
        return record(self, index)

    monkeypatch.setattr(spool_module.Spool, "record", counted)
    return calls


def test_parts_give_the_same_database_for_one_worker_or_two(tmp_path, monkeypatch):
    root = make_archive(tmp_path / "in")
    reads = spool_reads(monkeypatch)
    batch(root, tmp_path / "one", 1)
    batch(root, tmp_path / "two", 2)
    assert reads == []  # every input's rows came from a part
    one = (tmp_path / "one" / "report.sqlite").read_bytes()
    assert (tmp_path / "two" / "report.sqlite").read_bytes() == one
    got = rows(tmp_path / "one")
    assert [r[1].rsplit("/", 1)[1] for r in got["reports"]] == [
        *(f"{b}-{y}.txt" for b in range(2) for y in (2023, 2024, 2025)), "2-balance.txt"]
    assert len(got["cells"]) == sum(1 for _ in open(tmp_path / "one" / "long.csv", encoding="utf-8-sig")) - 1
    assert len(got["sections"]) == 42
    assert [(p[0], p[1], p[3], p[4], p[11], p[12], p[13], p[15], p[16]) for p in got["problems"]] == [  # id, report, code, severity, cell, expected, found
        (1, 7, "balance", "error", "applications", "carried_forward", "natural_person", 2, 3),
        (2, 7, "balance", "error", "applications", "carried_forward", "total", 5, 6)]
    assert not list((tmp_path / "two").glob(".report-extract-spool-*"))  # parts and spool files gone


def test_a_killed_workers_inputs_are_read_from_their_spool_lines(tmp_path, monkeypatch):
    root = make_archive(tmp_path / "in")
    batch(root, tmp_path / "clean", 1)
    clean = rows(tmp_path / "clean")
    # the smallest input is read last (largest first): the worker has read the seven reports, then dies
    (root / "9-CRASHES.txt").write_text("通知", encoding="utf-8")
    monkeypatch.setenv("REPORT_EXTRACT_FAULTS", "crash:CRASHES")
    reads = spool_reads(monkeypatch)
    batch(root, tmp_path / "crashed", 1)
    assert sorted(reads) == [0, 1, 2, 3, 4, 5, 6]  # its part never completed: not used
    got = rows(tmp_path / "crashed")
    assert got["reports"][:7] == clean["reports"]
    assert got["reports"][7][1].endswith("9-CRASHES.txt") and got["reports"][7][6] == "failed"
    assert {table: got[table] for table in TABLES[1:]} == {table: clean[table] for table in TABLES[1:]}


def test_parts_beyond_what_sqlite_attaches_are_read_from_their_spool_lines(tmp_path, monkeypatch):
    root = make_archive(tmp_path / "in")
    batch(root, tmp_path / "one", 1)
    monkeypatch.setattr(database, "PARTS_AT_ONCE", 1)
    reads = spool_reads(monkeypatch)
    batch(root, tmp_path / "two", 2)
    assert 0 < len(reads) < 7  # the second worker's inputs
    assert (tmp_path / "two" / "report.sqlite").read_bytes() == (tmp_path / "one" / "report.sqlite").read_bytes()


def test_a_part_is_written_only_into_the_empty_file_made_for_it(tmp_path):
    spool = spool_module.Spool(tmp_path)
    try:
        assert spool.part_of(spool.summaries_path) is None  # the parent's own summaries: no part
        made = spool.new_file(with_part=True)
        beside = spool.part_of(made)
        assert beside == part.part_path(made) and beside.stat().st_size == 0
        assert stat.S_IMODE(beside.stat().st_mode) == stat.S_IMODE(made.stat().st_mode) == 0o600
        cell = ["applications.new_received.total", 1, "1", "本年新收", 2, None, "read", None, None]
        elsewhere = tmp_path / "elsewhere.db"
        elsewhere.write_bytes(b"")
        beside.unlink()
        os.symlink(elsewhere, beside)  # planted: a link in the part's place
        linked = part.Part(beside)
        linked.add(0, {"cells": [cell]})
        linked.close()
        assert linked.connection is None and elsewhere.read_bytes() == b""
        beside.unlink()
        os.link(elsewhere, beside)  # a second name of a file elsewhere
        assert part.Part(beside).connection is None and elsewhere.read_bytes() == b""
        beside.unlink()
        beside.write_bytes(b"not empty")
        assert part.Part(beside).connection is None and beside.read_bytes() == b"not empty"
        beside.unlink()
        assert part.Part(beside).connection is None and not beside.exists()  # gone: none made
        taken = spool.new_file()
        part.part_path(taken).write_bytes(b"")  # its name taken before the spool could make it
        assert not spool_module.files.new_spool_at(part.part_path(taken))
    finally:
        spool.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.db"]


def test_parts_are_used_in_an_output_folder_of_any_name(tmp_path, monkeypatch):
    """Its path percent-encoded in the URI SQLite attaches: ``?``, ``#``, ``%``, a space, Chinese,
    bytes that are not UTF-8 (a folder unzipped from a GBK archive)."""
    root = make_archive(tmp_path / "in")
    batch(root, tmp_path / "plain", 2)
    odd = Path(os.fsdecode(bytes(tmp_path) + "/输出 ?#%25&x?mode=rw-".encode() + b"\xff\xfe"))
    reads = spool_reads(monkeypatch)
    batch(root, odd, 2)
    assert reads == []
    assert (odd / "report.sqlite").read_bytes() == (tmp_path / "plain" / "report.sqlite").read_bytes()

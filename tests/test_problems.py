"""Problems carry their facts, and both texts are worded from them (problems.problem,
problems.WORDING, messages_zh.WORDING): neither text is read back or edited, so rewording one cannot
blank the other. problem_id names a problem stably across runs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import FIXTURES, problems_of
from report_extract import extract, problems
from report_extract.model import Problem
from report_extract.problems import CODES, WORDING, problem, problem_id, restate

SOURCE = Path(problems.__file__).parent
SHA = "0" * 64


def test_every_registered_code_has_an_english_wording():
    assert set(WORDING) == set(CODES)


def test_a_problem_takes_its_severity_from_the_registry_and_keeps_its_facts_out_of_the_output():
    made = problem("blank_cells", table="applications", count=3)
    assert (made.severity, made.kind, made.facts) == ("info", "report", {"count": 3})
    assert made.message == "3 value cells are blank or hold a placeholder (read as no number)"
    assert made.model_dump() == Problem(code="blank_cells", severity="info", kind="report", table="applications",
                                        message=made.message).model_dump()
    read_back = Problem.model_validate_json(made.model_dump_json())
    assert read_back == made and read_back.facts == {}  # equal: the facts are not what it says


def test_restating_a_problem_words_it_again_from_its_new_facts():
    made = problem("ambiguous_digits", table="applications", row="total", run="1234", count=2, ways=3)
    made.message_zh = "旧的说法"
    made.limited_cells = 2
    restate(made, "glued_digits", values=[12, 34], by="column")
    assert (made.code, made.severity, made.kind, made.limited_cells) == ("glued_digits", "info", "reading", None)
    assert made.message == "'1234' read as 12 | 34: the only split the column sums allow"
    assert made.message_zh is None  # worded again by the next messages_zh.fill
    copy = made.model_copy()
    restate(copy, values=[1, 234])
    assert made.facts["values"] == [12, 34] and "1 | 234" in copy.message  # a copy restated alone


def test_rewording_the_english_leaves_the_chinese_whole(monkeypatch):
    """The issue: messages_zh read numbers back out of the English text, so a new English wording
    blanked the Chinese one. Now every English wording may change and no Chinese sentence does."""
    paths = sorted(FIXTURES.glob("v2021-*.txt"))
    before = [[p.message_zh for p in extract(path).problems] for path in paths]
    for code in CODES:
        monkeypatch.setitem(WORDING, code, lambda p: "reworded")
    after = [extract(path).problems for path in paths]
    assert all(p.message == "reworded" for found in after for p in found)
    assert [[p.message_zh for p in found] for found in after] == before
    assert {p.code for found in after for p in found} >= {"blank_cells", "missing_section", "not_a_number",
                                                          "template_year_mismatch", "missing_row"}


def test_no_module_edits_or_parses_a_problems_text():
    """The texts are made in one place each: problems.py (message) and messages_zh.fill (message_zh)."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Attribute) and name.attr in ("message", "message_zh"):
                            allowed = {"problems.py": {"message", "message_zh"}, "messages_zh.py": {"message_zh"}}
                            assert name.attr in allowed.get(path.name, ()), (path.name, node.lineno)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "re":
                for arg in node.args:
                    assert not (isinstance(arg, ast.Attribute) and arg.attr in ("message", "message_zh")), (
                        path.name, node.lineno)


def test_a_problem_id_is_the_same_in_every_run_and_names_one_problem():
    pinned = problem_id(problem("missing_title"), SHA)
    assert re.fullmatch(r"[0-9a-f]{16}", pinned)
    assert pinned == "ebb59683214d4a0a"  # the recipe is a contract: ids written once must come back
    for path in sorted(FIXTURES.glob("*.txt")):
        first, second = extract(path), extract(path)
        ids = [problem_id(p, first.source.sha256) for p in first.problems]
        assert ids == [problem_id(p, second.source.sha256) for p in second.problems], path.name
        assert len(set(ids)) == len(ids), path.name


def test_a_problem_id_follows_what_the_problem_is_about_not_its_wording():
    cell = problem("not_a_number", table="applications", row="new_received", column="total", raw="x")
    other_cell = problem("not_a_number", table="applications", row="new_received", column="natural_person",
                         raw="x")
    assert problem_id(cell, SHA) != problem_id(other_cell, SHA)
    assert problem_id(cell, SHA) != problem_id(cell, "1" * 64)  # another input
    read_back = Problem.model_validate({**cell.model_dump(), "message": "reworded", "message_zh": "另一种说法"})
    assert problem_id(read_back, SHA) == problem_id(cell, SHA)  # a cell's problem needs no facts for its id
    sections = [problem("missing_section", section=key, number=n) for n, key in ((5, "issues_and_improvements"),
                                                                                 (6, "other_matters"))]
    assert len({problem_id(p, SHA) for p in sections}) == 2


def test_prose_problems_of_one_cell_are_told_apart_by_their_sentence():
    report = extract(FIXTURES / "v2021-narrative.txt")
    found = problems_of(report, "narrative_mismatch")
    assert found and all(p.facts["sentence"] in p.message for p in found)
    twin = problem("narrative_mismatch", table=found[0].table, row=found[0].row, column=found[0].column,
                   expected=1, found=2, heading="", claim="", sentence="另一句话。")
    assert problem_id(twin, report.source.sha256) != problem_id(found[0], report.source.sha256)

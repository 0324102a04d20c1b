"""Row alignment and values, on rows as readers give them."""

from __future__ import annotations

from report_extract.mapping import map_table
from report_extract.tables import ObservedRow, read_stream, split_row
from report_extract.templates import APPLICATIONS_V2021, PROACTIVE_V2021, REVIEW


def rows_of(lines: list[list[str]], table_index: int = 0) -> list[ObservedRow]:
    return [ObservedRow(*split_row(cells), table_index=table_index) for cells in lines]


def test_review_row_broken_into_two_rows_is_joined():
    rows = rows_of([["行政复议", "行政诉讼"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
                    ["1", "0", "0", "1", "2"], ["0", "0", "0", "0", "0", "3", "1", "0", "0", "4"]])
    result = map_table(rows, REVIEW)
    assert list(result.values["administrative_review"].values()) == [1, 0, 0, 1, 2]
    assert list(result.values["litigation_after_review"].values()) == [3, 1, 0, 0, 4]
    assert result.problems == []


def test_rows_without_labels_fill_exactly_the_gap_they_stand_in():
    labelled = [[r.label] + [str(i)] * 6 + [str(6 * i)] for i, r in enumerate(APPLICATIONS_V2021.rows, 1)
                if not r.replaces]
    lines = [line if i not in (3, 19) else line[1:] for i, line in enumerate(labelled)]  # two labels lost
    result = map_table(rows_of(lines), APPLICATIONS_V2021)
    assert result.values["partially_disclosed"]["natural_person"] == 4
    assert result.values["not_processed_confirm_or_reissue"]["total"] == 6 * 20
    assert not [p for p in result.problems if p.code == "missing_row"]


def test_two_unlabelled_rows_in_a_one_row_gap_are_not_guessed():
    labelled = [[r.label] + ["1"] * 6 + ["6"] for r in APPLICATIONS_V2021.rows if not r.replaces]
    lines = labelled[:3] + [["2"] * 6 + ["12"], ["3"] * 6 + ["18"]] + labelled[4:]
    result = map_table(rows_of(lines), APPLICATIONS_V2021)
    assert "partially_disclosed" not in result.values
    assert {p.row for p in result.problems if p.code == "missing_row"} == {"partially_disclosed"}


def test_a_row_broken_by_a_page_break_is_glued_back():
    first = rows_of([["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "0"],
                     ["行政规范", "1", "2", "30"]], table_index=0)
    second = rows_of([["性文件", "", "", ""], ["第二十条第（五）项"], ["行政许可", "7"]], table_index=1)
    result = map_table(first + second, PROACTIVE_V2021)
    assert result.values["normative_documents"] == {"issued": 1, "repealed": 2, "in_force": 30}
    assert result.provenance["proactive.normative_documents.issued"]["label"] == "行政规范性文件"
    assert result.values["administrative_licensing"] == {"decisions": 7}


def test_a_label_cut_by_a_page_break_is_glued_though_the_row_under_it_has_no_numbers():
    """Atop the next page the end of 2.其他法律…'s label, then 3.危及… whose numbers a scan lost: the
    row under the label's end starts a row of its own (its ordinal), so the label's end is not a
    repeated header to pass over; it goes back to its row."""
    first = rows_of([["(三)不予公开", "1.属于国家秘密"] + ["17"] + ["0"] * 5 + ["17"],
                     ["2.其他法律"] + ["5"] + ["0"] * 5 + ["5"]], table_index=0)
    second = rows_of([["行政法规禁止公开"] + [""] * 7, ["3.危及“三安全一稳定”"] + [""] * 7,
                      ["4.保护第三方合法权益"] + ["40"] + ["0"] * 5 + ["40"]], table_index=1)
    result = map_table(first + second, APPLICATIONS_V2021)
    assert result.values["withheld_prohibited_by_law"]["natural_person"] == 5
    assert result.provenance["applications.withheld_prohibited_by_law.total"]["label"] == "2.其他法律行政法规禁止公开"
    assert set(result.values["withheld_security_stability"].values()) == {None}
    assert not [p for p in result.problems if p.code == "unknown_row"]


def test_a_row_with_a_cell_for_every_column_and_one_number_is_not_glued_digits():
    """A scanned row OCR read blank but for its total: the number stands in its own cell."""
    result = map_table(rows_of([["3.危及“三安全一稳定”"] + [""] * 6 + ["41"]]), APPLICATIONS_V2021)
    assert result.values["withheld_security_stability"]["total"] == 41
    assert not [p for p in result.problems if p.code in ("ambiguous_digits", "glued_digits", "not_a_number")]
    glued = map_table(rows_of([["3.危及“三安全一稳定”", "1000001"]]), APPLICATIONS_V2021)  # a web text's run
    assert list(glued.values["withheld_security_stability"].values()) == [1, 0, 0, 0, 0, 0, 1]


def test_a_label_cut_short_does_not_take_a_row_of_another_ordinal():
    # "2.其他法律行政法规禁止公开" cut short to "2.其他" (its cell wrapped, its rest lost) must not
    # be read as the row "3.其他" of group (六): the ordinals disagree
    text = "（三）不予公开 1.属于国家秘密 0 0 0 0 0 5 5 2.其他 0 40 0 0 0 8 48 3.危 0 0 0 0 0 0 0"
    rows, _, _ = read_stream(text, APPLICATIONS_V2021)
    assert [(r.labels, r.values) for r in rows] == [(["1.属于国家秘密"], ["0 0 0 0 0 5 5"])]
    # glued digits before an ordinal are the previous row's last value: "…0002.其他法律…" is row 2
    rows, _, _ = read_stream("1.属于国家秘密00000002.其他法律行政法规禁止公开0000000", APPLICATIONS_V2021)
    assert len(rows) == 2 and rows[1].labels[0].endswith("2.其他法律行政法规禁止公开")

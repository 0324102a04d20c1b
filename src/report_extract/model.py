"""The output models (schema version 1, see shared/spec/SCHEMA.md); their JSON Schema is schema.py's."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

SCHEMA_VERSION = 1
Value = Union[int, float, None]
Severity = Literal["error", "warning", "info"]
Kind = Literal["report", "reading"]


class Verdict(BaseModel):
    """A reviewer's decision on a problem (``report-extract review``; docs/OUTPUT.md, *Review*)."""
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["confirmed", "dismissed", "fixed"] = Field(
        description="confirmed (确认: the problem is real), dismissed (误报: a false alarm; listed, never counted), "
                    "fixed (已更正: a reviewer's correction of its cell settled it; listed, never counted)")
    note: Optional[str] = Field(None, description="the reviewer's note (for fixed by a correction: its value and "
                                                  "reason)")
    time: Optional[str] = Field(None, description="when it was decided (ISO 8601, UTC)")


class Problem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Optional[str] = Field(None, description="a stable id of the problem (16 hex digits): the same in every run "
                                                "while the input and what the problem is about are the same "
                                                "(problems.problem_id); the key of a reviewer's verdict")
    code: str
    severity: Severity
    # always written (problems.problem); optional here only so that a result written before kinds
    # existed is still read back: problems.kind_of then takes its code's kind
    kind: Optional[Kind] = Field(None, description="whom the problem is about: report (the report as written breaks a "
                                                   "rule of the template) or reading (we could not read something of "
                                                   "it; the report may be right)")
    message: str
    message_zh: Optional[str] = Field(None, description="the same finding in Chinese, as a reviewer writes it, "
                                                        "with rows and columns named as the report labels them")
    table: Optional[str] = None
    row: Optional[str] = None
    column: Optional[str] = None
    page: Optional[int] = None
    expected: Optional[Union[int, float]] = None
    found: Optional[Union[int, float]] = None
    label: Optional[str] = Field(None, description="the row label as the report writes it")
    limited_cells: Optional[int] = Field(None, description="a reading limit (an error of kind reading): how many "
                                                           "value cells it leaves null because we could not read or "
                                                           "place them; null for every other problem")
    verdict: Optional[Verdict] = Field(None, description="a reviewer's decision on it, where one was made")
    # what the problem found, as values (counts, cells, the sentence): both texts are worded from
    # them (problems.problem, messages_zh). Not part of the output, so schema 1 stays as it is; a
    # problem read back from a result has none.
    _facts: dict = PrivateAttr(default_factory=dict)

    @property
    def facts(self) -> dict:
        """The values the problem's texts are worded from (empty for a problem read back)."""
        return self._facts

    def __eq__(self, other: object) -> bool:
        """Two problems are equal when they say the same (their fields): the facts they were worded
        from are not compared, so a problem equals itself read back from its JSON."""
        if not isinstance(other, Problem):
            return NotImplemented
        return self.__dict__ == other.__dict__


class ReadWith(BaseModel):
    version: str = Field(description="the report-extract version that read the input")
    ocr: str = Field(description="the OCR mode it was read with: auto, always or never")


class Source(BaseModel):
    path: str
    format: Literal["pdf", "ofd", "docx", "doc", "html", "text", "image"]
    sha256: str
    pages: Optional[int] = None
    ocr_pages: Optional[list[int]] = Field(None, description="pages read by OCR (1-based); absent where none was")
    page_files: Optional[list[str]] = Field(None, description="a report read from several page images (or a zip "
                                            "of them): the image file of each page, in page order; absent otherwise")
    read_with: Optional[ReadWith] = Field(None, description="how the input was read: batch reuses a result only "
                                                            "when its input, version and OCR mode are the same")


class ReportInfo(BaseModel):
    title: Optional[str] = None
    organization: Optional[str] = None
    year: Optional[int] = None
    template: Literal["v2021", "v2019", "pre2019", "unknown"] = "unknown"
    units: dict[str, str] = Field(default_factory=dict, description="flat key -> unit as written (money cells)")
    published: Optional[str] = Field(None, description="the publishing date (YYYY-MM-DD): the signature's date at "
                                                       "the report's end, else the page's 发布时间; never the year")
    body: Optional[str] = Field(None, description="the key that groups one body's reports across years and "
                                                  "names (发改局 / 发展和改革局): see docs/OUTPUT.md; not a name to print")
    found_in: dict[str, str] = Field(default_factory=dict, description="field (title, organization, year, "
                                     "published) -> the source that gave it: title, cover, opening, page_title, "
                                     "page_metadata, file_name, signature, section_one, statistics_period")


class Section(BaseModel):
    key: Literal["general", "proactive", "applications", "review_litigation", "issues_and_improvements",
                 "other_matters"]
    number: int
    heading: str
    text: str
    page: Optional[int] = None


class OcrProvenance(BaseModel):
    """How OCR read a cell."""
    confidence: Optional[float] = Field(None, description="the recogniser's confidence (0–1) in the cell's "
                                                          "text; null where no text was found in the cell")
    box: Optional[list[int]] = Field(None, min_length=4, max_length=4,
                                     description="[x0, y0, x1, y1]: the text's box in pixels of the upright "
                                                 "page image (y down)")


class Correction(BaseModel):
    """A reviewer's correction of a cell: the value in ``tables`` is the reviewer's; this keeps the
    value as it was read, so that a correction undone gives it back."""
    model_config = ConfigDict(extra="forbid")
    read: Value = Field(description="the value as read (null: no number was read)")
    reason: str = Field(description="why it was corrected, as the reviewer wrote it")
    time: Optional[str] = Field(None, description="when it was corrected (ISO 8601, UTC)")


class Provenance(BaseModel):
    """Where a value came from: the cell as written, its row label as written, page and table."""
    raw: str
    label: str
    page: Optional[int] = None
    table: Optional[int] = Field(None, description="index of the table block in the document, 0-based")
    note: Optional[str] = Field(None, description="a note written after the number, e.g. （其中修订16件）")
    ocr: Optional[OcrProvenance] = Field(None, description="the cell was read by OCR: how")
    unread: Optional[bool] = Field(None, description="true where the cell's number could not be read (text that is "
                                                     "not a number, digits that cannot be split, a cell that cannot "
                                                     "be placed): the checks leave out the relations it is in")
    corrected: Optional[Correction] = Field(None, description="a reviewer corrected the value: the value as read "
                                                              "and the reason")


class Report(BaseModel):
    schema_version: Literal[1] = SCHEMA_VERSION
    source: Source
    report: ReportInfo
    sections: list[Section]
    tables: dict[str, dict[str, dict[str, Value]]]
    problems: list[Problem]
    provenance: dict[str, Provenance] = Field(default_factory=dict, description="flat key -> provenance")
    # the crops of the scan beside its doubtful OCR cells (crops.Crops), cut for its page when a page
    # is written (crops.attach); not part of the output: a report read back has none
    _crops: Any = PrivateAttr(default=None)

    @property
    def crops(self):
        """The crops its page shows (a ``crops.Crops``), or None where none were cut."""
        return self._crops

    @crops.setter
    def crops(self, value) -> None:
        self._crops = value

    def __eq__(self, other: object) -> bool:
        """Two reports are equal when their fields are: the crops cut for a page are not compared."""
        if not isinstance(other, Report):
            return NotImplemented
        return self.__dict__ == other.__dict__

    @model_validator(mode="after")
    def _keys_are_keys(self) -> "Report":
        """Table, row and column keys hold no '.', and flat keys are table.row.column: a result read
        back (check, compare) is split on '.', so a key that is not one is refused here, in one line."""
        for table, rows in self.tables.items():
            for row, columns in rows.items():
                for column in (table, row, *columns):
                    if "." in column or not column:
                        raise ValueError(f"a table, row or column key {column!r} that is not a key")
        for flat in self.provenance:
            if flat.count(".") != 2 or "" in flat.split("."):
                raise ValueError(f"a provenance key {flat!r} that is not table.row.column")
        return self

    def value(self, flat_key: str) -> Value:
        table, row, column = flat_key.split(".")
        return self.tables.get(table, {}).get(row, {}).get(column)

    def flat(self) -> dict[str, Value]:
        return {f"{t}.{r}.{c}": v for t, rows in self.tables.items() for r, cols in rows.items()
                for c, v in cols.items()}

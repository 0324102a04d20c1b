"""Every problem code the output may carry: its severity and what it means (the output contract).

One place for the codes, read by the JSON Schema (an enum with meanings), the docs and the views for
a person. A new check adds its code here first; a code is never renamed or removed in schema 1.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    severity: str  # error | warning | info
    meaning: str


CODES: dict[str, Code] = {
    "balance": Code("error", "applications, per column: new_received + carried_over ≠ outcome_total + carried_forward"),
    "outcome_sum": Code("error", "applications, per column: outcome_total ≠ sum of every outcome row"),
    "row_total": Code("error", "applications, per row: total ≠ sum of the six applicant columns"),
    "review_total": Code("error", "review_litigation, per row: total ≠ upheld + corrected + other + pending"),
    "missing_section": Code("error", "a numbered section of the template is not in the report (or could not be read)"),
    "missing_table": Code("error", "a table of the template is not in the report (or could not be read)"),
    "missing_row": Code("error", "a row of the template is not in its table (or could not be read)"),
    "extra_cells": Code("error", "a row holds more numbers than its columns"),
    "missing_cells": Code("error", "a row holds fewer numbers than its columns"),
    "not_a_number": Code("error", "a value cell holds text that is not a number"),
    "negative_value": Code("error", "a count below zero (net_change excepted)"),
    "unknown_row": Code("warning", "a row label the template does not have"),
    "glued_digits": Code("info", "cells whose separators were lost were split by the arithmetic relations, "
                                 "which allowed exactly one split"),
    "ambiguous_digits": Code("error", "glued cells that the relations do not split uniquely; their values are null"),
    "blank_cells": Code("info", "how many value cells were blank or placeholders in a table (one problem per table)"),
    "template_year_mismatch": Code("warning", "the tables' template does not fit the report year"),
    "unit_converted": Code("warning", "a money cell written in another unit than its column's (元 in a column of "
                                      "万元): the value is given in the column's unit; found keeps the number as written"),
    "narrative_mismatch": Code("warning", "the prose states a figure the table contradicts"),
    "carryover_mismatch": Code("warning", "across years of one organization: carried_over ≠ last year's "
                                          "carried_forward"),
    "in_force_drift": Code("warning", "across years: in_force ≠ last year's in_force + issued − repealed"),
    "missing_title": Code("info", "no title line names the report (the organisation and year may still come from "
                                  "its opening or other sources); the title is null"),
    "missing_organization": Code("warning", "nothing in the report, its page or its file name names the body that "
                                            "made it; the organization is null"),
    "missing_year": Code("warning", "neither the title, the statistics period nor the opening states the report "
                                    "year; the year is null"),
    "academic_year": Code("warning", "the report covers an academic year (学年), not a calendar year on the "
                                     "government template; the year is null"),
    "ocr_corrected": Code("warning", "a value read by OCR was corrected by one character because exactly that "
                                     "correction makes every relation hold; found keeps the raw reading"),
    "ocr_uncertain": Code("warning", "a value read by OCR whose confidence is low or that breaks a relation no "
                                     "single correction repairs; the reading is kept"),
}

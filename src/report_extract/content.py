"""What the national format asks two prose sections to say, and whether they say it.

- Section 五 (存在的主要问题及改进情况) asks for the problems found in the year's work and how they
  are being improved. A section that holds nothing (empty), only a placeholder (无、暂无、（文字描述）)
  or a few characters of its own (fewer than ``FEW_CHARACTERS``) says neither: ``thin_section``.
- Section 六 (其他需要报告的事项), on the 2021 format (国办公开办函〔2021〕30号: 收取信息处理费情况在此处
  报告), must state the 信息处理费: charged or not, in any wording. A section 六 that states no fee
  at all (e.g. only 无其他需要报告的事项): ``missing_fee_statement``. The 2019 format asked no such
  statement, and a report on its tables is not checked for it.

Precision first: a fee is stated by any wording that names a fee or charging (信息处理费、处理费、
收费、收取…费、费用、缴费), charged or not; only a section with none of them is flagged. A report
whose section 六 is missing has ``missing_section`` already and gets nothing here.
"""

from __future__ import annotations

import re

from .labels import compact
from .model import Problem, Section
from .problems import problem

FEW_CHARACTERS = 20  # a statement of a problem and its improvement takes more than this
# the template's own instructions, left in a report that was never filled in
_INSTRUCTION = re.compile(r"[（(]文字描述[^）)]*[）)]")
_NOT_CONTENT = re.compile(r"[\s\W_]+")  # spaces, punctuation and symbols: no content of their own
_FEE = re.compile(r"信息处理费|处理费|收费|收取[^。；;]{0,12}费|费用|缴费|缴纳")


def check(sections: list[Section], template: str | None) -> list[Problem]:
    """``thin_section`` for a section 五 that says too little; on the 2021 format,
    ``missing_fee_statement`` for a section 六 that states no 信息处理费."""
    problems = []
    by_key = {s.key: s for s in sections}
    improvements = by_key.get("issues_and_improvements")
    if improvements is not None and template in ("v2021", "v2019"):
        said = _content(improvements.text)
        if len(said) < FEW_CHARACTERS:  # 无, 暂无, 无此项, 略: all shorter
            problems.append(problem("thin_section", section=improvements.key, number=improvements.number,
                                    page=improvements.page, text=improvements.text.strip(), length=len(said)))
    other = by_key.get("other_matters")
    if other is not None and template == "v2021" and not _FEE.search(compact(_INSTRUCTION.sub("", other.text))):
        problems.append(problem("missing_fee_statement", section=other.key, number=other.number,
                                page=other.page, text=other.text.strip()))
    return problems


def _content(text: str) -> str:
    """The section's own words: no template instruction, no space or punctuation."""
    return _NOT_CONTENT.sub("", compact(_INSTRUCTION.sub("", text)))

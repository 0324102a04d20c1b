"""Who and when: the report's title, organisation, year and publishing date, and the body key.

Each value comes from what the document states, in this order of trust:

1. a **title line** near the top (over one, two or three lines; printed twice; among page furniture);
   or a **cover** (the body's name over a date, ``示例市林业局`` / ``2024年1月``);
2. the **opening sentences** before section 一 (``现公布XX2023年…报告``, ``由XX编制``), with the notices
   they cite (``《XX办公厅关于做好…的通知》``) taken out first;
3. the **container's own title** (a web page's ``<title>`` or ``ArticleTitle``, a crawler's header);
4. the **file name** (downloads are often named by the report's title);
5. the **signature** at the report's end (``XX局`` over ``2024年1月26日``);
6. the **first sentence of section 一** (``2024年，XX局坚持…``);
7. for the year only, the **statistics period** (``统计期限为2023年1月1日至2023年12月31日``), which comes
   right after the title.

Every value records the source that gave it (``found_in``). Nothing here guesses: a value that no
source states is None, with a problem that says so. The publishing date is never the year.

Wordings (report words, opening verbs, page furniture, body suffixes) are data at the top of each
module; the functions combine them. Text is matched in simplified script with no whitespace, and
given back as written: a span of the plain text maps back to the text it came from (text.Plain).

The modules: ``text`` (plain text, the record a source gives), ``names`` (what a body's name is),
``titles`` (title lines, page titles, file names), ``sources`` (opening, cover, signature, section
一, statistics period, publishing date), ``bodies`` (the body key, --bodies); this module runs them
in their order of trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Block
from ..model import Problem
from ..problems import problem
from .bodies import body_key, read_bodies, same_body, settled_body
from .sources import from_cover, from_opening, from_section_one, from_signature, page_date_of, statistics_year
from .titles import (
    FIRST_LINES,
    file_stem,
    find_title,
    mentions_academic,
    preamble_lines,
    read_title,
    title_hint,
)

__all__ = ["Identity", "identify", "problems", "body_key", "read_bodies", "settled_body", "read_title",
           "statistics_year"]


@dataclass
class Identity:
    title: str | None = None
    organization: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date: the signature's date, else the page's publishing date
    body: str | None = None
    found_in: dict[str, str] = field(default_factory=dict)  # field -> the source that gave it
    academic: bool = False  # the report covers an academic year (学年): not the government template
    signature: tuple[Block, int] | None = None  # where the signature starts (block, its source line): not section 六's text


def identify(before: list[Block], sections: list, blocks: list[Block], name: str | None,
             page_title: str | None, page_date: str | None = None) -> Identity:
    """The identity of one report. ``before``: the blocks before section 一; ``sections``: the
    outline's section spans; ``blocks``: the whole document; ``name``: its file name (None for
    stdin); ``page_title`` and ``page_date``: the container's title and publishing date, where it
    gives them (a web page's metadata, a crawler's header)."""
    found = Identity()
    lines = preamble_lines(before if sections else blocks[:FIRST_LINES])
    opening = from_opening(before, sections)
    title = find_title(lines, opening.organization if opening else None)
    hint = title_hint(page_title)
    file_title = title_hint(file_stem(name)) if name else None
    signature = from_signature(sections[-1].blocks if sections else blocks)
    subject = from_section_one(sections)
    cover = from_cover(lines)
    if title and title.banner:  # a name line over a title that names no body: the site's banner, where
        named = next((s.organization for s in (opening, cover, signature, subject) if s and s.organization), None)
        if named and not same_body(named, title.organization):  # another source names another body
            title = title.banner
    found.academic = any(t is not None and t.academic for t in (title, hint, file_title)) or mentions_academic(lines)

    if title:
        found.title, found.found_in["title"] = title.title, "title"
    elif hint and hint.title:
        found.title, found.found_in["title"] = hint.title, "page_title"
    candidates = [("title", title), ("cover", cover), ("opening", opening), ("page_title", hint),
                  ("file_name", file_title), ("signature", signature), ("section_one", subject)]
    for source, got in candidates:
        if got is not None and got.organization:
            found.organization, found.found_in["organization"] = got.organization, source
            break
    if not found.academic:
        period = statistics_year(before + [b for s in sections[:1] for b in s.blocks][:12])
        years = [("title", title), ("statistics_period", period), ("opening", opening), ("page_title", hint),
                 ("file_name", file_title), ("section_one", subject)]
        for source, got in years:
            if got is not None and got.year is not None:
                found.year, found.found_in["year"] = got.year, source
                break
    published = page_date_of(lines + ([f"发布时间:{page_date}"] if page_date else []))
    if signature is not None:  # not section 六's text, whoever signs it
        found.signature = signature.block
    if signature and signature.published and (signature.organization or not published):
        found.published, found.found_in["published"] = signature.published, "signature"
    elif published:  # a date alone at the end may be a related link's: the page's own date first
        found.published, found.found_in["published"] = published, "page_metadata"
    found.body = body_key(found.organization)
    return found


def problems(found: Identity) -> list[Problem]:
    """What the identity could not establish, each a problem."""
    out = []
    if found.title is None:
        out.append(problem("missing_title"))
    if found.organization is None:
        out.append(problem("missing_organization"))
    if found.academic:
        out.append(problem("academic_year"))
    elif found.year is None:
        out.append(problem("missing_year"))
    return out

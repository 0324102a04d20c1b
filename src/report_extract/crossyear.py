"""Checks across years of one organisation (warnings): R5 carry-over, R6 documents in force, R7
v2019 item counts. They need several reports, so they run in ``batch``, never in ``extract``."""

from __future__ import annotations

from . import messages_zh
from .identity import body_key
from .model import Problem
from .problems import assign_ids, problem
from .templates import APPLICANT_COLUMNS

CROSS_YEAR_CODES = ("carryover_mismatch", "in_force_drift")
_ITEM_ROWS = ("administrative_licensing", "other_external_services", "administrative_penalty",
              "administrative_coercion", "administrative_fees")


def essentials(data: dict) -> dict | None:
    """What the cross-year checks need of one report (a few dozen numbers), or None."""
    info = data.get("report", {})
    if not info.get("organization") or not info.get("year"):
        return None
    tables = data.get("tables", {})
    proactive = tables.get("proactive", {})
    return {"organization": info["organization"], "body": info.get("body") or body_key(info["organization"]),
            "sha256": (data.get("source") or {}).get("sha256"),
            "year": info["year"], "template": info.get("template"),
            "applications": {r: tables.get("applications", {}).get(r) for r in ("carried_over", "carried_forward")},
            "proactive": {r: proactive[r] for r in ("rules", "normative_documents") + _ITEM_ROWS if r in proactive}}


def check(previous: dict, current: dict) -> list[Problem]:
    """Problems of ``current`` (year Y) against ``previous`` (year Y-1) of the same organisation."""
    problems: list[Problem] = []
    year = previous["year"]
    carried_over = current["applications"].get("carried_over") or {}
    forward = previous["applications"].get("carried_forward") or {}
    for col in (c.key for c in APPLICANT_COLUMNS):
        now, then = carried_over.get(col), forward.get(col)
        if now is not None and then is not None and now != then:
            problems.append(problem("carryover_mismatch", table="applications", row="carried_over", column=col,
                                    expected=then, found=now, previous_year=year))
    if current["template"] == previous["template"] == "v2021":
        for row in ("rules", "normative_documents"):
            now, then = current["proactive"].get(row) or {}, previous["proactive"].get(row) or {}
            parts = (then.get("in_force"), now.get("issued"), now.get("repealed"))
            if now.get("in_force") is None or any(v is None for v in parts):
                continue
            expected = parts[0] + parts[1] - parts[2]
            if expected != now["in_force"]:
                problems.append(problem("in_force_drift", table="proactive", row=row, column="in_force",
                                        expected=expected, found=now["in_force"], previous_year=year,
                                        in_force=parts[0], issued=parts[1], repealed=parts[2]))
    if current["template"] == previous["template"] == "v2019":
        for row in _ITEM_ROWS:
            now, then = current["proactive"].get(row) or {}, previous["proactive"].get(row) or {}
            if None in (now.get("prior_year_items"), then.get("prior_year_items"), then.get("net_change")):
                continue
            expected = then["prior_year_items"] + then["net_change"]
            if expected != now["prior_year_items"]:
                problems.append(problem("carryover_mismatch", table="proactive", row=row, column="prior_year_items",
                                        expected=expected, found=now["prior_year_items"], previous_year=year,
                                        prior_year_items=then["prior_year_items"], net_change=then["net_change"]))
    if current.get("sha256"):  # the later report's: its problems are listed there
        assign_ids(problems, current["sha256"])
    return messages_zh.fill(problems)


def pairs(records: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    """(earlier key, later key) for every body's consecutive years (records grouped by their
    ``body`` key, identity.body_key). Where one body has two reports for one year, neither is
    paired (which one is right cannot be told)."""
    by_org: dict[str, dict[int, list[str]]] = {}
    for key, record in records:
        by_org.setdefault(record["body"], {}).setdefault(record["year"], []).append(key)
    out = []
    for years in by_org.values():
        for year, keys in years.items():
            earlier = years.get(year - 1)
            if len(keys) == 1 and earlier and len(earlier) == 1:
                out.append((earlier[0], keys[0]))
    return sorted(out)

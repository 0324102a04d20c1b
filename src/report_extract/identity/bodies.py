"""One body across years and names: the body key, and the user's table of names (``--bodies``)."""

from __future__ import annotations

import re

from ..labels import nfkc, simplified
from .names import NOT_A_GOVERNMENT, PLACE_ONLY


def same_body(one: str, other: str) -> bool:
    """Whether two names are one body's, perhaps one with the places above it (淮安市洪泽区人民政府 and
    洪泽区人民政府)."""
    a, b = sorted((body_key(one) or "", body_key(other) or ""), key=len)
    return a == b or len(a) >= 4 and b.endswith(a)


# short forms and their full names, as written in titles and signatures across China
ABBREVIATIONS = (
    ("发改委", "发展改革委员会"), ("发改局", "发展改革局"), ("卫健委", "卫生健康委员会"), ("卫健局", "卫生健康局"),
    ("人社局", "人力资源社会保障局"), ("住建局", "住房城乡建设局"), ("住建委", "住房城乡建设委员会"),
    ("市监局", "市场监督管理局"), ("市场监管局", "市场监督管理局"), ("文旅局", "文化旅游局"),
    ("文广旅局", "文化广电旅游局"), ("教体局", "教育体育局"), ("应急局", "应急管理局"), ("医保局", "医疗保障局"),
    ("退役军人局", "退役军人事务局"), ("民宗局", "民族宗教事务局"), ("民宗委", "民族宗教事务委员会"),
    ("交通局", "交通运输局"), ("农业局", "农业农村局"), ("农农局", "农业农村局"), ("科技局", "科学技术局"),
    ("工信局", "工业信息化局"), ("规资局", "规划自然资源局"), ("环保局", "环境保护局"), ("数据局", "数据管理局"), ("政数局", "政务服务数据管理局"),
    ("管委会", "管理委员会"), ("政府办", "政府办公室"),
)


# words written with and without 和 (发展和改革 / 发展改革): the key drops it
_AND_FORMS = ("发展和改革", "住房和城乡建设", "人力资源和社会保障", "文化和旅游", "工业和信息化", "规划和自然资源",
              "商务和投资促进", "农业和农村", "科学技术和")


def body_key(organization: str | None) -> str | None:
    """The key that groups one body's reports across years and formats: simplified script, no
    bracketed second name, 政府 as 人民政府, short forms written out (发改局 → 发展改革局), 和 dropped
    from compound names, a town as its 人民政府 and a 街道 as its 办事处. A key for grouping, not a
    name to print; ``batch --bodies`` settles what these rules cannot."""
    if not organization:
        return None
    key = simplified(nfkc(re.sub(r"\s+", "", organization)))
    bare = re.sub(r"\([^()]*\)", "", key)
    key = bare or key
    for form in _AND_FORMS:
        key = key.replace(form, form.replace("和", ""))
    for short, full in ABBREVIATIONS:
        if key.endswith(short) and not key.endswith(full):
            key = key[: -len(short)] + full
    key = re.sub(r"(?<=[省市县区镇乡旗州盟])政府", "人民政府", key)
    if key.endswith("委") and not re.search(r"(?:党|工|市|县|区|镇|乡)委$", key):
        key += "员会"
    if re.search(r"[镇乡]$", key):
        key += "人民政府"
    elif key.endswith("街道"):
        key += "办事处"
    elif PLACE_ONLY.fullmatch(key) and not NOT_A_GOVERNMENT.search(key):
        key += "人民政府"
    return key


def read_bodies(path: str) -> dict[str, str]:
    """``--bodies FILE``: a CSV of two columns, a name as written and the canonical name it stands
    for (a header row ``name,canonical`` is optional). Keys are the names' body keys too, so a
    listed name matches however it is spaced or bracketed."""
    import csv

    out: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            cells = [c.strip() for c in row]
            if len(cells) < 2 or not cells[0] or not cells[1] or cells[0].startswith("#"):
                continue
            if (cells[0].lower(), cells[1].lower()) in (("name", "canonical"), ("名称", "规范名称")):
                continue
            out[cells[0]] = cells[1]
            out.setdefault(body_key(cells[0]) or cells[0], cells[1])
    return out


def settled_body(organization: str | None, bodies: dict[str, str] | None) -> str | None:
    """The body key of an organisation, the user's table (``--bodies``) first."""
    if organization and bodies:
        canonical = bodies.get(organization) or bodies.get(body_key(organization) or "")
        if canonical:
            return body_key(canonical)
    return body_key(organization)

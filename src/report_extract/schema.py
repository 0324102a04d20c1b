"""The JSON Schema of the output: the models' schema, with Problem.code as an enum of the registered
codes (problems.CODES), each with its severity, kind and meaning, and Problem.kind always written.
Apart from model.py so that the models and the registry of codes do not import each other."""

from __future__ import annotations

from .model import Report
from .problems import CODES
from .status import KINDS


def json_schema() -> dict:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "report-extract report (schema_version 1)"
    _problem_codes(schema)
    return schema


def _problem_codes(schema: dict) -> None:
    """Problem.code as an enum of the registered codes, each with its severity and meaning
    (problems.CODES, the one registry)."""
    problem = schema.get("$defs", {}).get("Problem", {})
    code = problem.get("properties", {}).get("code")
    if code is None:
        return
    code["enum"] = list(CODES)
    code["oneOf"] = [{"const": key, "title": f"{key} ({c.severity}, {c.kind})", "description": c.meaning}
                     for key, c in CODES.items()]
    code["description"] = "one of the registered problem codes; see oneOf for each one's severity, kind and meaning"
    kind = problem["properties"].get("kind")
    if kind is not None:  # the model reads a result that has none (an older one); every output has it
        problem["properties"]["kind"] = {"enum": list(KINDS), "title": "Kind", "description": kind["description"]}
        problem["required"] = [*problem.get("required", []), "kind"]

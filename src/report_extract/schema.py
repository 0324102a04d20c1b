"""The JSON Schema of the output: the models' schema, with Problem.code as an enum of the registered
codes (problems.CODES), each with its severity and meaning. Apart from model.py so that the models
and the registry of codes do not import each other."""

from __future__ import annotations

from .model import Report
from .problems import CODES


def json_schema() -> dict:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "report-extract report (schema_version 1)"
    _problem_codes(schema)
    return schema


def _problem_codes(schema: dict) -> None:
    """Problem.code as an enum of the registered codes, each with its severity and meaning
    (problems.CODES, the one registry)."""
    code = schema.get("$defs", {}).get("Problem", {}).get("properties", {}).get("code")
    if code is None:
        return
    code["enum"] = list(CODES)
    code["oneOf"] = [{"const": key, "title": f"{key} ({c.severity})", "description": c.meaning}
                     for key, c in CODES.items()]
    code["description"] = "one of the registered problem codes; see oneOf for each one's severity and meaning"

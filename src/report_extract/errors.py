"""The failures report-extract raises, each made from a code of ``reasons.REASONS`` and facts.

``ReportError``: an input that cannot be read as a report (``ReportError("empty", path)``,
``ReportError("pdf_damaged_page", path, page=3, detail=…)``); ``files.OutputError``: an output that
cannot be written; ``archive.dask_client.ClusterError``: a cluster that cannot be used. Each is a
``Failure``: ``reason`` is its English sentence (``str()``, the ``error`` column of summary.csv),
``reason_zh`` its Chinese one (what a person is shown: stderr, ``check``, the dashboard), both
worded from the facts by ``reasons.word``; ``code`` and ``facts`` stay on it, and it crosses
processes (pickled) whole."""

from __future__ import annotations

from . import reasons


class Failure(Exception):
    """Something report-extract could not do, said in English (``reason``) and Chinese
    (``reason_zh``) from its ``code`` and ``facts``."""

    def __init__(self, code: str, **facts):
        self.code, self.facts = code, facts
        self.reason, self.reason_zh = reasons.word(code, facts)
        super().__init__(self.reason)

    def __reduce__(self):  # pickled with its attributes: a subclass's own (path, errno) come along
        return _remade, (type(self), dict(self.__dict__))


def _remade(kind: type, state: dict) -> Failure:
    made = kind.__new__(kind)
    made.__dict__.update(state)
    made.args = (state["reason"],)
    return made


class ReportError(Failure):
    """An input that cannot be read as a report. ``str()`` is the reason, in plain words, after the
    file's name (``path``) where it is known."""

    def __init__(self, code: str, path: str | None = None, **facts):
        self.path = path
        super().__init__(code, **facts)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason

    def said_zh(self, name: str | None = None) -> str:
        """The Chinese line for a person: the file (``path``, else ``name``), then why."""
        path = self.path or name
        return f"{path}：{self.reason_zh}" if path else self.reason_zh


class UsageError(ReportError, ValueError):
    """A call of the Python API with an argument it cannot take (an unknown ``ocr`` mode, no page
    images): a ReportError, and a ValueError as Python's own functions raise for a bad value."""


class NotAReport(ReportError):
    """An input that was read but is not an annual report (a notice, a README): batch gives it
    the status ``not_a_report``, which is not a failure."""

"""The one error a reader or the pipeline raises for an input it cannot read as a report."""


class ReportError(Exception):
    """An input that cannot be read as a report. ``str()`` is the reason, in plain words."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class UsageError(ReportError, ValueError):
    """A call of the Python API with an argument it cannot take (an unknown ``ocr`` mode, no page
    images): a ReportError, and a ValueError as Python's own functions raise for a bad value."""


class NotAReport(ReportError):
    """An input that was read but is not an annual report (a notice, a README): batch gives it
    the status ``not_a_report``, which is not a failure."""

"""Exit codes of the nightly job and the errors it reports in one line (the README lists them)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PUBLISHED = 0
    UNEXPECTED = 1  # a bug: the traceback is in the run's summarize.log
    USAGE = 2
    INPUT = 3
    MODEL = 4
    PUBLISH = 5
    SKIPPED = 6  # not a failure: inputs, config and model are those of the brief already published
    BUSY = 7

    @classmethod
    def of_status(cls, status: str) -> ExitCode:
        """The code of a run that ended with manifest status `status` ("published" or "skipped")."""
        return cls.SKIPPED if status == "skipped" else cls.PUBLISHED

    @staticmethod
    def is_failure(code: int) -> bool:
        return code not in (ExitCode.PUBLISHED, ExitCode.SKIPPED)


class SummarizeError(Exception):
    exit_code = ExitCode.UNEXPECTED

    def __init__(self, message: str, *, counts: dict | None = None):
        super().__init__(message)
        # What the stage that gave up had counted (every block clean dropped, by reason): the
        # runner logs and records them, so the log says why nothing was left.
        self.counts = counts


class UsageError(SummarizeError):
    """The command line or the configuration is wrong: no or unknown event, an invalid event config."""

    exit_code = ExitCode.USAGE


class InputError(SummarizeError):
    """The event's articles cannot be read or leave nothing to summarise."""

    exit_code = ExitCode.INPUT


class ModelError(SummarizeError):
    """A model's weights cannot be found or loaded."""

    exit_code = ExitCode.MODEL


class PublishError(SummarizeError):
    """The brief cannot be written into the shared folder; the previous one is left in place."""

    exit_code = ExitCode.PUBLISH


class BusyError(SummarizeError):
    """Another run of the same event held its lock for longer than publish.lock_timeout_s."""

    exit_code = ExitCode.BUSY

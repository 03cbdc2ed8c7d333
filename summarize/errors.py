"""Errors the job reports in one line, each with the exit code the README documents."""


class SummarizeError(Exception):
    exit_code = 1


class UsageError(SummarizeError):
    """The command line is wrong (no event given). Hydra's own errors exit 1 before we run."""

    exit_code = 2


class InputError(SummarizeError):
    """The event's articles cannot be read or leave nothing to summarise."""

    exit_code = 3


class ModelError(SummarizeError):
    """A model's weights cannot be found or loaded."""

    exit_code = 4


class PublishError(SummarizeError):
    """The brief cannot be written into the shared folder; the previous one is left in place."""

    exit_code = 5

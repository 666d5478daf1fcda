"""Exceptions the CLI turns into one-line messages and a non-zero exit."""


class AnalysisError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    exit_code = 2


class StudyConfigError(AnalysisError):
    """A study.toml that cannot be parsed or fails validation."""


class DataNotFoundError(AnalysisError):
    """A dataset file is in neither the data home nor a mirror and cannot be downloaded."""


class InputFileError(AnalysisError):
    """A user-supplied article file (JSONL/CSV/text) is malformed."""


class StageInputError(AnalysisError):
    """A stage needs a table that an earlier stage has not produced yet."""


class SchemaError(AnalysisError):
    """A table does not match its documented contract."""


class DownloadError(AnalysisError):
    """A download failed (HTTP error, timeout, too large, bad scheme)."""


class BusyError(AnalysisError):
    """Another process holds the lock this one needs (a study being collected or run); try again later."""

    exit_code = 75  # EX_TEMPFAIL (sysexits.h): temporary, run it again later


class MissingExtraError(AnalysisError):
    """An optional instrument needs packages that are not installed (the message gives the install command)."""

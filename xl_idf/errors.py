"""The package's one exception family: an exception means "cannot continue", never "bad data".

Problems found in the data are findings (see `xl_idf.findings`); exceptions are for a programme
file that cannot be used, or a value that an edge reader cannot turn into a typed value.
"""


class XlIdfError(Exception):
    """Base of every exception raised on purpose by xl-idf; its message is French."""


class ProgrammeError(XlIdfError):
    """A programme file cannot be loaded: it names the file and the key at fault."""


class ValueRejected(XlIdfError):
    """An input value cannot be read as the type its column expects."""

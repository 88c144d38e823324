"""The exception that every data loading function raises for bad input."""


class DataError(ValueError):
    """Invalid data source or loading option.

    The message names the problem, the value that caused it and a way to fix it.
    It subclasses ValueError, so callers that already catch ValueError keep working.
    """

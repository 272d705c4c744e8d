"""Spreadsheet exports (CSV) of the supervisors' pages."""


def csv_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell never starts with = + - @, a tab
    or a carriage return, whoever wrote the text (a department's or service's name included)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

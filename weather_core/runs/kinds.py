"""The kinds of value a run's JSON files hold (a text, a whole number ...) and the one test of each,
which the settings table and the checks on config.json, status.json and evaluation.json share."""

import math

TEXT, WHOLE, NUMBER, FLAG, TEXTS, TABLE = "a text", "a whole number", "a number", "true or false", \
    "a list of texts", "a table"
KIND_OF_TYPE = {str: TEXT, int: WHOLE, float: NUMBER, bool: FLAG, tuple: TEXTS}  # a setting's Python type


def is_kind(value, kind) -> bool:
    if kind == TEXT:
        return isinstance(value, str) and len(value) <= 4096
    if kind == FLAG:
        return isinstance(value, bool)
    if kind == WHOLE:
        return type(value) is int and abs(value) < 10**15  # seeds reach 2**31 - 1
    if kind == NUMBER:
        return finite(value)
    if kind == TEXTS:
        return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
    return isinstance(value, dict)


def finite(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) \
        and abs(value) < 1e15

"""The session languages SET LANGUAGE knows (a part of sys.syslanguages).

A language sets @@LANGUAGE, the date order strings are read in (DATEFORMAT) and the first day
of the week (DATEFIRST); month and day names come from the matching culture (`functions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SqlError


@dataclass(frozen=True, slots=True)
class Language:
    name: str  # as @@LANGUAGE reports it
    alias: str  # the English name SET LANGUAGE also takes
    dateformat: str
    datefirst: int


LANGUAGES = (
    Language("us_english", "English", "mdy", 7),
    Language("British", "British English", "dmy", 1),
    Language("Deutsch", "German", "dmy", 1),
    Language("Français", "French", "dmy", 1),
    Language("Español", "Spanish", "dmy", 1),
    Language("Italiano", "Italian", "dmy", 1),
    Language("日本語", "Japanese", "ymd", 7),
    Language("简体中文", "Simplified Chinese", "ymd", 7),
)


def find(name: str) -> Language:
    """A language by its name or alias (case-insensitive), or error 2734."""
    lowered = name.strip().lower()
    for language in LANGUAGES:
        if lowered in (language.name.lower(), language.alias.lower()):
            return language
    raise SqlError(2734, 16, 1, f"'{name}' is not an official language name.")

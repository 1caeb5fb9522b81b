"""Configuration files: ``[tool.refcheck]`` in ``pyproject.toml``, or a ``refcheck.toml``.

The command line wins over the file. The file is found by walking up from the current
directory (as ruff and black do): the first ``refcheck.toml``, or ``pyproject.toml`` with a
``[tool.refcheck]`` table, is used; ``--config PATH`` names one explicitly. Every key is
checked: an unknown key or a bad value is an error naming the file and the key.

    [tool.refcheck]
    paths = ["paper.md"]
    select = ["RC1", "RC2"]
    ignore = ["reference-order"]
    fail-on = "warning"
    manuscript-date = "2023-07-14"
    mailto = "editor@example.org"
    cache = "~/.cache/refcheck/crossref.sqlite"
    bib = ["references.bib"]
    metadata-files = ["metadata.yaml"]   # pandoc --metadata-file: bibliography, references, nocite, date
    defaults = ["pandoc.yaml"]           # pandoc -d: its metadata files, metadata, bibliography, input files
    lock = "refcheck.lock.json"

    [tool.refcheck.severity]
    reference-never-cited = "error"
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from refcheck.model import Severity

FAIL_ON = ("error", "warning", "info", "never")
_LISTS = ("paths", "select", "ignore", "bib", "metadata-files", "defaults")
_STRINGS = ("fail-on", "manuscript-date", "mailto", "cache", "lock", "crossref-url")
_BOOLS = ("offline",)
_INTS = ("jobs",)
KEYS = (*_LISTS, *_STRINGS, *_BOOLS, *_INTS, "severity")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class FileConfig:
    """What a configuration file says (None / empty: not said). Paths are relative to its directory."""

    path: Path | None = None
    values: dict = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.values.get(key, default)


def find(start: Path) -> Path | None:
    """The nearest ``refcheck.toml``, or ``pyproject.toml`` with ``[tool.refcheck]``, at or above ``start``."""
    for directory in (start, *start.parents):
        candidate = directory / "refcheck.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "[tool.refcheck" in text:
                return candidate  # ours, even if broken: load() says what is wrong
            try:
                if "refcheck" in tomllib.loads(text).get("tool", {}):
                    return candidate
            except tomllib.TOMLDecodeError:
                continue  # a broken pyproject.toml that is not meant for us
    return None


def load(path: Path) -> FileConfig:
    """Read and check one configuration file; ConfigError says what is wrong where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    table = data.get("tool", {}).get("refcheck", {}) if path.name == "pyproject.toml" else data
    where = f"{path}: [tool.refcheck]" if path.name == "pyproject.toml" else str(path)
    return FileConfig(path, validate(table, where, path.parent))


def validate(table: dict, where: str, base: Path) -> dict:
    """The table's values, checked and normalised (relative paths resolved against ``base``)."""
    from refcheck.rules import lookup

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    out: dict = {}
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(KEYS)})")
        if key in _LISTS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{where}: {key!r} must be a list of strings")
            if key in ("select", "ignore"):
                for pattern in value:
                    upper = pattern.strip().upper()
                    if not (lookup(pattern.strip()) or upper == "ALL" or (upper.startswith("RC") and upper[2:].isdigit())):
                        raise ConfigError(f"{where}: {key!r}: unknown rule {pattern!r} (see `refcheck rules`)")
            if key in ("paths", "bib", "metadata-files", "defaults"):
                value = [str(base / Path(v).expanduser()) for v in value]
        elif key in _STRINGS:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: {key!r} must be a non-empty string")
            if key == "fail-on" and value not in FAIL_ON:
                raise ConfigError(f"{where}: 'fail-on' must be one of {', '.join(FAIL_ON)}, not {value!r}")
            if key == "manuscript-date":
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise ConfigError(f"{where}: 'manuscript-date' {value!r} is not an ISO date (YYYY-MM-DD)") from None
            if key in ("lock",) or (key == "cache" and "://" not in value):
                value = str(base / Path(value).expanduser())
        elif key in _BOOLS:
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {key!r} must be true or false")
        elif key in _INTS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{where}: {key!r} must be a whole number of at least 1")
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'severity' must be a table of rule = \"error\" | \"warning\" | \"info\"")
            severities: dict[str, Severity] = {}
            for rule_name, level in value.items():
                found = lookup(rule_name)
                if found is None:
                    raise ConfigError(f"{where}: severity: unknown rule {rule_name!r} (see `refcheck rules`)")
                try:
                    severities[found.name] = Severity.parse(str(level))
                except KeyError:
                    raise ConfigError(f"{where}: severity.{rule_name} must be error, warning or info, not {level!r}") from None
            value = severities
        out[key] = value
    return out

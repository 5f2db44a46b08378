"""The kit's YAML files as parsed at an earlier start, so that a start does not parse them again.

Parsing the bundled kit's YAML (twenty files, 230 KB) takes more than 0.1 s at every start, even
with libyaml: PyYAML builds every node in Python. What it gives is kept in a JSON file, keyed by
the SHA-256 of each file's text: a file whose text is unchanged is read back from there (JSON
reads in a few milliseconds), any other is parsed and added. Only what JSON gives back exactly
is kept (strings, numbers, booleans, null, lists, objects with text keys: a date, a set or a
number key in some YAML file is parsed every time). The file is only a cache: unreadable,
damaged or impossible to write, it is ignored and the YAML is parsed as if it were absent.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)
FORMAT = 1
_MISSING = object()


class ParsedYamlCache:
    """{SHA-256 of a YAML text: what `yaml.load` gave for it}, read from and saved to `path`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._known: dict[str, Any] = {}
        self._used: dict[str, Any] = {}
        self._changed = False
        try:
            data = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return  # no cache yet, or one that cannot be read: parse the YAML
        if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("files"), dict):
            self._known = data["files"]

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, text: str) -> Any:
        """What the YAML `text` was parsed into, or `MISSING`."""
        key = self.key(text)
        found = self._known.get(key, _MISSING)
        if found is not _MISSING:
            self._used[key] = found
        return found

    def put(self, text: str, data: Any) -> None:
        """Keep `data` parsed from `text`, when JSON gives it back exactly."""
        try:
            if orjson.loads(orjson.dumps(data)) != data:
                return
        except TypeError:  # not JSON (a date, a set, a number as a key…)
            return
        key = self.key(text)
        self._used[key] = self._known[key] = data
        self._changed = True

    def save(self) -> None:
        """Write the entries used by this load (the ones of files no longer there are dropped)."""
        if not self._changed and set(self._used) == set(self._known):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(orjson.dumps({"format": FORMAT, "files": self._used}))
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:  # a full disk, a read-only folder: the next start parses again
            log.warning("kit cache not written (%s): %s", self.path, exc)
            return
        self._known = dict(self._used)
        self._changed = False


MISSING = _MISSING

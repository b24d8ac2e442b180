"""The analysis cache behind ``kg build --update``: what each text yielded, by content hash.

Analysing a text (extraction, sentences, relations) is the costly step of a build and depends
only on the text's bytes and on the lexicon.  The cache keeps each text's result in
``OUT/analysis/`` under the SHA-256 of its bytes, with an index of which path held which
content, so an update re-analyses only new or changed files and still resolves documents over
the whole corpus.  A change of kg's version, code or lexicon files empties the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kg.resolve import TextCitations

INDEX = "index.json"


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """kg's version and a digest of its code and lexicon files: results made under another
    are stale."""
    from kg import __version__  # the package imports this module: no import at the top

    return _digest_of(__version__, Path(str(resources.files("kg"))))


def _digest_of(version: str, package: Path) -> str:
    """A digest of ``version`` and of every ``.py`` and ``.toml`` file under ``package``.

    The code counts, not only the version: a fix to the extractor changes what a text yields
    while the version number stays, and a cache that outlived it would hand back the old
    results.  Any change of kg's code empties the cache, which is the safe side."""
    digest = hashlib.sha256(version.encode())
    files = sorted(
        p for p in package.rglob("*")
        if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts
    )
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class AnalysisCache:
    """Per-text analysis results on disk, keyed by content hash."""

    folder: Path
    paths: dict[str, str] = field(default_factory=dict)
    """Path of each text analysed so far → SHA-256 of its content."""
    fingerprint: str = field(default_factory=lambda: _fingerprint())
    hits: int = 0
    misses: int = 0

    @classmethod
    def open(cls, folder: Path) -> AnalysisCache:
        """The cache in ``folder`` (created when missing; emptied when stale)."""
        cache = cls(folder=folder)
        fingerprint = cache.fingerprint
        index = folder / INDEX
        if index.exists():
            try:
                data = json.loads(index.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if data.get("fingerprint") == fingerprint:
                cache.paths = dict(data.get("paths", {}))
        if folder.is_dir():  # results made under another version or lexicon are stale
            for old in folder.iterdir():
                if old.is_dir() and old.name != fingerprint:
                    shutil.rmtree(old, ignore_errors=True)
                elif old.suffix == ".pickle":  # the layout of earlier versions
                    old.unlink(missing_ok=True)
        return cache

    def get(self, path: str, sha256: str) -> TextCitations | None:
        """The cached result for this content, or None."""
        found = self.load(path, sha256)
        return found[0] if found is not None else None

    def load(self, path: str, sha256: str) -> tuple[TextCitations, bytes] | None:
        """The cached result for this content and the bytes it is kept in, or None."""
        file = self._file(sha256)
        if not sha256 or not file.exists():
            return None
        try:
            blob = file.read_bytes()
            result = pickle.loads(blob)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        # The same content may have been read under another name: its offsets and sentences
        # hold, but its path and file fields do not, so it is analysed again.
        if not isinstance(result, TextCitations) or result.source.path != path:
            return None
        return result, blob

    def _file(self, sha256: str) -> Path:
        # Results of another kg version or lexicon live in another folder, never read.
        return self.folder / self.fingerprint / f"{sha256}.pickle"

    def put(self, result: TextCitations) -> None:
        """Keep one text's result (written atomically) and remember its path."""
        self.write(result)
        self.note(result)

    def write(self, result: TextCitations) -> None:
        """Keep one text's result on disk, written atomically."""
        self.write_bytes(result, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    def write_bytes(self, result: TextCitations, blob: bytes) -> None:
        """Keep one text's result, already pickled (worker processes do this, so the main
        process only notes paths)."""
        sha = result.source.sha256
        if not sha:
            return
        file = self._file(sha)
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
            tmp.write_bytes(blob)
            os.replace(tmp, file)

    def note(self, result: TextCitations) -> None:
        """Remember which content the result's path held (written by :meth:`save_index`)."""
        if result.source.sha256:
            self.paths[result.source.path] = result.source.sha256

    def previous(self, exclude: set[str]) -> list[TextCitations]:
        """The cached results of texts analysed before and not among ``exclude`` (paths)."""
        out = []
        for path, sha in sorted(self.paths.items()):
            if path in exclude:
                continue
            result = self.get(path, sha)
            if result is not None:
                out.append(result)
        return out

    def save_index(self) -> None:
        """Write the path index (atomically): the cache is consistent after every build."""
        self.folder.mkdir(parents=True, exist_ok=True)
        index = self.folder / INDEX
        tmp = index.with_name(f".{INDEX}.{os.getpid()}.tmp")
        tmp.write_text(
            json.dumps({"fingerprint": self.fingerprint, "paths": self.paths},
                       ensure_ascii=False, indent=1, sort_keys=True),
            encoding="utf-8",
        )
        os.replace(tmp, index)

"""Live reload of ``flows/`` and ``content/`` while the bot serves users: what a reload
reads, how its result reads, and how changes to the files are noticed.

A reload (:meth:`bot.app.App.reload`) loads and validates everything first; only a
version without a single error is swapped into the engine (one
:class:`~bot.engine.snapshot.Snapshot`, atomic for turns). Otherwise the bot keeps
serving the last good version, and the result lists the ``file:line`` errors for the
logs and for the administrators.

Changes to the files are noticed by :class:`FileWatcher`, a small polling loop
over modification times: a handful of files, checked every few seconds, do not
justify a dependency or an inotify thread.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.i18n import Translator
from bot.yamlsrc import Problem

log = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 10  # in chat; the log has them all
PATTERNS = ("*.yaml", "*.yml")


def source_files(settings: Settings) -> list[Path]:
    """The files a reload reads (not flows/tests/: scripts are not served)."""
    files: list[Path] = []
    for directory in (settings.flows_dir, settings.content_dir):
        for pattern in PATTERNS:
            files += sorted(Path(directory).glob(pattern))
    return files


def content_version(settings: Settings) -> str:
    digest = hashlib.sha256()
    for path in source_files(settings):
        if Path(path).is_relative_to(settings.content_dir):
            digest.update(path.name.encode() + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                continue
    return digest.hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    trigger: str  # "files", "chat", "signal"
    problems: list[Problem] = field(default_factory=list)  # the errors, when not ok
    versions: dict[str, str] = field(default_factory=dict)  # flow id -> digest, when ok
    content: str = ""

    def summary(self) -> str:
        flows = ", ".join(f"{flow_id} ({version})" for flow_id, version in
                          sorted(self.versions.items()))
        return f"flows {flows}; content ({self.content})"

    def log_lines(self) -> list[str]:
        if self.ok:
            return [f"live reload ({self.trigger}): now serving {self.summary()}"]
        return [f"live reload ({self.trigger}) refused, {len(self.problems)} error(s); "
                "still serving the previous version:", *(str(p) for p in self.problems)]

    def message(self, t: Translator) -> str:
        """What the administrators read in chat."""
        if self.ok:
            return t._("Nouvelle version chargée : {summary}.").format(summary=self.summary())
        lines = [t._("La nouvelle version des parcours ou du contenu a {n} erreur(s) : je "
                     "continue avec la version précédente. À corriger :").format(
                         n=len(self.problems))]
        lines += [f"• {p}" for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(t._("… et {n} autre(s), dans le journal du bot.").format(
                n=len(self.problems) - MAX_PROBLEMS_SHOWN))
        lines.append(t._("Vérifiez avec « essbot flows validate » et « essbot content "
                         "validate », puis enregistrez à nouveau ou tapez /recharger."))
        return "\n".join(lines)


FileSnapshot = tuple[tuple[str, int, int], ...]


class FileWatcher:
    """Notices that flow or content files changed, once the change has settled.

    :meth:`poll` is called every interval; it reports a change only when two polls in a
    row see the same new snapshot, so that an editor saving in several steps (or an
    administrator copying several files) causes one reload, of the finished version.
    """

    def __init__(self, files: Callable[[], list[Path]]):
        self.files = files
        self.current = self.snapshot()
        self._pending: FileSnapshot | None = None

    def snapshot(self) -> FileSnapshot:
        entries = []
        for path in self.files():
            try:
                status = path.stat()
            except OSError:  # removed between the listing and the stat
                continue
            entries.append((str(path), status.st_mtime_ns, status.st_size))
        return tuple(sorted(entries))

    def poll(self) -> bool:
        snapshot = self.snapshot()
        if snapshot == self.current:
            self._pending = None
            return False
        if snapshot != self._pending:
            self._pending = snapshot
            return False
        self.current, self._pending = snapshot, None
        return True

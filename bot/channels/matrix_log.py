"""Logs of the Matrix channel and of matrix-nio without Matrix ids.

matrix-nio logs room and user ids at INFO and WARNING ("Received new group
session key for room !abc:example.org from @alice:example.org", "no session
found ... for room !abc:example.org"), and an exception can carry one in its
message. :func:`install` puts a filter on every ``nio`` logger and on this
channel's loggers that replaces each ``@user:server``, ``!room:server``,
``#alias:server`` and ``!hash`` (the room ids of room version 12) by its sigil
followed by ``…`` before any handler sees the record, at every level. The
filter rewrites the record; it never drops one.
"""

from __future__ import annotations

import logging
import re

# A sigil, a localpart (no blank, no colon) and a server name with an optional port:
# the grammar of Matrix ids (spec: "Common identifier format"), loosely.
MATRIX_ID = re.compile(r"(?<!\w)([@!#])[^\s:'\"<>@!#,/]+:[A-Za-z0-9.\-\[\]]+(?::\d+)?")
# Room ids of room version 12 and later have no server name: "!" and a hash (43 characters of
# unpadded URL-safe base64).
HASH_ROOM_ID = re.compile(r"(?<!\w)(!|%21)[A-Za-z0-9_\-]{20,}", re.I)
# The same in a URL path (``/rooms/%21abc%3Aexample.org/send``), as nio's request logs show.
QUOTED_ID = re.compile(r"(%40|%21|%23)[^\s/?&%]+%3A[A-Za-z0-9.\-]+(?:%3A\d+)?", re.I)

_OWN_LOGGERS = ("bot.channels.matrix", "bot.channels.matrix_crypto")


def redact(text: str) -> str:
    """``text`` with every Matrix user, room and alias id replaced by its sigil and ``…``."""
    text = MATRIX_ID.sub(lambda match: match.group(1) + "…", text)
    text = HASH_ROOM_ID.sub(lambda match: match.group(1) + "…", text)
    return QUOTED_ID.sub(lambda match: match.group(1) + "…", text)


class RedactMatrixIds(logging.Filter):
    """Rewrites a record's message (and traceback) without Matrix ids."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format: leave it to the handler to report
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactMatrixIds()


def install() -> None:
    """Put the filter on every logger of matrix-nio and of this channel (idempotent).

    A logger's filters apply only to records made on that very logger, so each
    ``nio.*`` logger gets its own; nio creates them all when it is imported.
    """
    import nio  # noqa: F401 - its modules create their loggers on import

    names = [name for name in list(logging.Logger.manager.loggerDict)
             if name == "nio" or name.startswith("nio.")]
    for name in (*names, *_OWN_LOGGERS):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)

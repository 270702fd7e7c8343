"""Warnings about the web address of a source: a malformed host, or a known copy of a page.

The list of copies and mirrors lives in ``content/sources_policy.yaml`` (``copy_hosts:``),
so that administrators keep it up to date without touching Python.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from bot.yamlsrc import MarkedDict, MarkedList, Position, Problem, load_marked_file

SOURCES_POLICY_FILE = "sources_policy.yaml"
HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def load_copy_hosts(path: Path, root: Path) -> tuple[frozenset[str], list[Problem]]:
    """``copy_hosts:``, a list of host names whose pages copy others' (optional file)."""
    if not path.exists():
        return frozenset(), []
    try:
        document = load_marked_file(path, root)
    except Problem as problem:
        return frozenset(), [problem]
    raw = document.get("copy_hosts") if isinstance(document, MarkedDict) else None
    if not isinstance(raw, MarkedList):
        return frozenset(), [Problem(Position(str(path), 1, 1),
                                     f"{SOURCES_POLICY_FILE} needs 'copy_hosts:', a list of "
                                     "host names such as issuu.com")]
    hosts, problems = set(), []
    for i, host in enumerate(raw):
        if not isinstance(host, str) or malformed_host(host.strip().lower()):
            problems.append(Problem(raw.at(i), f"'{host}' in copy_hosts is not a host name "
                                               "such as issuu.com"))
            continue
        hosts.add(host.strip().lower())
    return frozenset(hosts), problems


def malformed_host(host: str) -> bool:
    """True for a host no browser reaches: no dot, a trailing dot, spaces or odd characters."""
    labels = host.split(".")
    return len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels)


def url_warning(url: str, copy_hosts: frozenset[str]) -> str | None:
    """Why a source's address is doubtful, or None when it looks like a primary page."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return f"the address '{url}' cannot be read; give the page's canonical address"
    if malformed_host(host):
        return (f"the host '{host}' of '{url}' is malformed (a trailing dot, no dot or a "
                "space?); give the page's canonical address")
    for copy in copy_hosts:
        if host == copy or host.endswith("." + copy):
            return (f"'{host}' copies pages published elsewhere ({SOURCES_POLICY_FILE}); cite "
                    "the primary source instead")
    return None

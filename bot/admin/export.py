"""``essbot export events``: the anonymised log as CSV (spreadsheets) or JSON Lines.

The log holds pseudonyms and categorical values only (docs/data-model.md), so it
can be opened in a spreadsheet or Datasette as it is.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from typing import TextIO

COLUMNS = ("id", "ts", "conversation", "channel", "kind", "flow", "state", "target", "slot",
           "value", "items", "detail")
FORMATS = ("csv", "jsonl")


def event_rows(conn: sqlite3.Connection, since: str | None = None) -> Iterator[dict]:
    sql = f"SELECT {', '.join(COLUMNS)} FROM events"
    params: tuple = ()
    if since:
        sql += " WHERE ts >= ?"
        params = (since,)
    for row in conn.execute(sql + " ORDER BY id", params):
        yield dict(zip(COLUMNS, row, strict=True))


def export_events(conn: sqlite3.Connection, out: TextIO, fmt: str,
                  since: str | None = None) -> int:
    """Write every event to ``out``; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for row in event_rows(conn, since):
            writer.writerow(row)
            count += 1
    else:
        for row in event_rows(conn, since):
            if row["items"]:
                row["items"] = json.loads(row["items"])
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count

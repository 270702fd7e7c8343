"""``essbot export events``: the anonymised log as CSV (spreadsheets) or JSON Lines.

The log holds pseudonyms and categorical values only (docs/data-model.md), so it
can be opened in a spreadsheet or Datasette as it is.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from bot.store.log import EVENT_COLUMNS, LogReader

FORMATS = ("csv", "jsonl")


def export_events(log: LogReader, out: TextIO, fmt: str, since: str | None = None) -> int:
    """Write every event to ``out``; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS)
        writer.writeheader()
        for row in log.events(since):
            writer.writerow(row)
            count += 1
    else:
        for row in log.events(since):
            if row["items"]:
                row["items"] = json.loads(row["items"])
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count

"""Exactly-once handling: the updates already handled, and the replies not yet delivered.

The engine saves, in the transaction of a turn's new conversation state, that the turn's
update was handled (``handled_updates``: the channel and a hash of the network's id,
never the id itself) and the turn's replies (``reply_outbox``: the sealed address, the
serialized messages). An update delivered again (a crash before the network was told)
is then recognised and not handled twice; its replies, if they were not delivered yet,
are still here. The channel deletes a row once it has sent its replies
(:meth:`ReplyOutbox.acknowledge`); rows left by a crash are sent when the channel starts
again. See docs/reliability.md, "Exactly-once handling".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.store.crypto import AddressCipher, AddressUnreadable
from bot.store.db import Store, Transaction, utc_now

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours, and starts its update ids afresh
# only after a week without updates; Matrix redeliveries are older sync batches. Three
# days of records cover every redelivery, and purge themselves well before a reused id.
HANDLED_RETENTION_DAYS = 3


@dataclass(frozen=True, slots=True)
class PendingRow:
    """The replies of one handled update, not yet acknowledged by the channel."""

    receipt: int  # what the channel gives back once they are delivered
    channel: str
    event: str  # the hashed id of the update they answer
    address: str  # opened: where to send them (in memory only)
    replies: str  # JSON, as the engine wrote it


class ReplyOutbox:
    """The ``handled_updates`` and ``reply_outbox`` tables."""

    def __init__(self, store: Store, cipher: AddressCipher):
        self.store = store
        self._cipher = cipher

    @staticmethod
    def _aad(channel: str, event: str) -> str:
        return f"{channel}\x1f{event}"

    def is_handled(self, channel: str, event: str) -> bool:
        with self.store.reading() as db:
            return db.execute("SELECT 1 FROM handled_updates WHERE channel = ? AND event = ?",
                              (channel, event)).fetchone() is not None

    def record(self, tx: Transaction, channel: str, event: str, conversation: str | None,
               address: str, replies: str | None) -> int | None:
        """Inside the turn's transaction: the update is handled, its replies wait.

        Returns the receipt of the replies (None when there are none to send). A second
        record of the same update fails (primary key): the transaction rolls back.
        """
        now = utc_now()
        tx.execute("INSERT INTO handled_updates (channel, event, handled_at) VALUES (?, ?, ?)",
                   (channel, event, now))
        if replies is None:
            return None
        sealed = self._cipher.seal(self._aad(channel, event), address)
        cursor = tx.execute(
            "INSERT INTO reply_outbox (channel, event, conversation, address, replies,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (channel, event, conversation, sealed, replies, now))
        return cursor.lastrowid

    def pending_of(self, channel: str, event: str) -> PendingRow | None:
        """The replies of a handled update that are still waiting, if any."""
        with self.store.reading() as db:
            rows = db.execute("SELECT id, channel, event, address, replies FROM reply_outbox "
                              "WHERE channel = ? AND event = ?", (channel, event)).fetchall()
        opened = self._open(rows)
        return opened[0] if opened else None

    def pending(self, channel: str) -> list[PendingRow]:
        """Every waiting row of ``channel``, oldest first (the order they were handled)."""
        with self.store.reading() as db:
            rows = db.execute("SELECT id, channel, event, address, replies FROM reply_outbox "
                              "WHERE channel = ? ORDER BY id", (channel,)).fetchall()
        return self._open(rows)

    def _open(self, rows: list[tuple]) -> list[PendingRow]:
        opened, unreadable = [], []
        for receipt, channel, event, sealed, replies in rows:
            try:
                address = self._cipher.open(self._aad(channel, event), sealed)
            except AddressUnreadable:  # another ESSBOT_SECRET: nobody can be reached
                unreadable.append(receipt)
                continue
            opened.append(PendingRow(receipt, channel, event, address, replies))
        if unreadable:
            log.warning("%d undelivered reply row(s) could not be opened (ESSBOT_SECRET "
                        "changed?) and were dropped", len(unreadable))
            for receipt in unreadable:
                self.acknowledge(receipt)
        return opened

    def acknowledge(self, *receipts: int) -> None:
        """The channel delivered these replies (or gave up on them): forget them."""
        with self.store.transaction() as tx:
            tx.conn.executemany("DELETE FROM reply_outbox WHERE id = ?",
                                [(receipt,) for receipt in receipts])


def purge_handled(tx: Transaction, cutoff: str, dry_run: bool = False) -> int:
    """Records of updates handled before ``cutoff``, and replies left since then."""
    total = 0
    for table, column in (("handled_updates", "handled_at"), ("reply_outbox", "created_at")):
        where = f"FROM {table} WHERE {column} < ?"
        if dry_run:
            total += tx.execute(f"SELECT count(*) {where}", (cutoff,)).fetchone()[0]
        else:
            total += tx.execute(f"DELETE {where}", (cutoff,)).rowcount
    return total

"""Settings from the environment (and ``.env``). Secrets come from nowhere else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path("var") / "essbot.db"


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path
    secret: str | None
    flows_dir: Path
    content_dir: Path
    main_flow: str
    default_language: str
    log_level: str
    admins: tuple[str, ...] = ()  # "channel:user_id" (ESSBOT_ADMINS); never stored anywhere
    retention_days: int = 365  # events and idle conversations older than this are purged
    reload_interval: float = 2.0  # seconds between checks of flows/ and content/; 0: off
    publishers: tuple[str, ...] = ()  # "channel:user_id" (ESSBOT_PUBLISHERS); never stored
    broadcast_rate: float = 30.0  # messages per second per channel, replies included
    broadcast_chat_interval: float = 1.0  # seconds between two broadcast messages to a chat
    broadcast_concurrency: int = 8  # broadcast sends in flight at once, per channel

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            db_path=Path(env.get("ESSBOT_DB") or DEFAULT_DB),
            secret=env.get("ESSBOT_SECRET") or None,
            flows_dir=Path(env.get("ESSBOT_FLOWS_DIR") or PROJECT_ROOT / "flows"),
            content_dir=Path(env.get("ESSBOT_CONTENT_DIR") or PROJECT_ROOT / "content"),
            main_flow=env.get("ESSBOT_MAIN_FLOW") or "parcours",
            default_language=env.get("ESSBOT_DEFAULT_LANGUAGE") or "fr",
            log_level=(env.get("ESSBOT_LOG_LEVEL") or "WARNING").upper(),
            admins=_accounts(env, "ESSBOT_ADMINS"),
            retention_days=_number(env, "ESSBOT_RETENTION_DAYS", 365, int),
            reload_interval=_number(env, "ESSBOT_RELOAD_INTERVAL", 2.0, float),
            publishers=_accounts(env, "ESSBOT_PUBLISHERS"),
            broadcast_rate=_number(env, "ESSBOT_BROADCAST_RATE", 30.0, float) or 30.0,
            broadcast_chat_interval=_number(env, "ESSBOT_BROADCAST_CHAT_INTERVAL", 1.0, float),
            broadcast_concurrency=_number(env, "ESSBOT_BROADCAST_CONCURRENCY", 8, int) or 1,
        )


def _accounts(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma list of "channel:user_id" accounts; blanks are ignored."""
    return tuple(a.strip() for a in (env.get(name) or "").split(",") if a.strip())


def _number(env: Mapping[str, str], name: str, default, kind: type):
    """A numeric setting; a value that is not a number is refused at start, with its name."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative ({raw})")
    return value

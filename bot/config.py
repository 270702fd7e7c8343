"""Settings from the environment (and ``.env``). Secrets come from nowhere else.

Every variable is validated by :mod:`bot.settings` before anything starts:
:meth:`Settings.from_env` raises :class:`~bot.settings.SettingsProblem` (one line per
problem) rather than let a bad value fail later, at the first message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.settings import SettingsProblem, validate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path("var") / "essbot.db"

__all__ = ["DEFAULT_DB", "PROJECT_ROOT", "Settings", "SettingsProblem"]


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
    questions_retention_days: int = 90  # days an unanswered question is kept

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The validated settings; :class:`SettingsProblem` lists every bad variable."""
        validated = validate(os.environ if env is None else env)
        model = validated.model
        if model is None:
            raise SettingsProblem(validated.problems)
        return cls(
            db_path=model.db,
            secret=model.secret,
            flows_dir=model.flows_dir or PROJECT_ROOT / "flows",
            content_dir=model.content_dir or PROJECT_ROOT / "content",
            main_flow=model.main_flow,
            default_language=model.default_language,
            log_level=model.log_level,
            admins=model.admins,
            retention_days=model.retention_days,
            reload_interval=model.reload_interval,
            publishers=model.publishers,
            broadcast_rate=model.broadcast_rate,
            broadcast_chat_interval=model.broadcast_chat_interval,
            broadcast_concurrency=model.broadcast_concurrency,
            questions_retention_days=model.questions_retention_days,
        )

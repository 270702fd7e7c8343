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
        )

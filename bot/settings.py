"""Every ``ESSBOT_*``, ``TELEGRAM_*`` and ``MATRIX_*`` variable, validated once, up front.

Each variable has a type, a range and a sentence saying what is expected; a value that
does not fit, or a variable with one of these prefixes that essbot does not know (a typo
that would otherwise be ignored), is a :class:`Problem`: one line naming the variable,
never echoing a secret. :func:`validate` returns the settings and the problems;
``essbot`` refuses to start on any problem (exit status 2), and ``essbot config check``
prints the effective settings with secrets masked.

The validation is pydantic's (a model with one field per variable, constraints and
validators), fed from a plain mapping: the environment, after python-dotenv has added
``.env`` (see :mod:`bot.config`), or a dictionary in tests. pydantic-settings was
considered and not used: what it adds to pydantic is reading ``os.environ`` and ``.env``
itself, which essbot already does, and tests need to validate a mapping without touching
the process environment.

Channels still read their own variables (``bot.channels.*.from_env``) but only after
this module has refused anything they could not use.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

PREFIXES = ("ESSBOT_", "TELEGRAM_", "MATRIX_")
CHANNELS = ("telegram", "matrix", "console")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TRUE = ("1", "true", "yes", "on", "oui")
FALSE = ("0", "false", "no", "off", "non")
MIN_SECRET = 16  # characters of ESSBOT_SECRET (the pseudonyms' HMAC key)

_TELEGRAM_ID = re.compile(r"-?\d{1,20}")
_MATRIX_ID = re.compile(r"@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(?::\d{1,5})?|@[^:\s]+:[^\s]+")
_CONSOLE_ID = re.compile(r"[\w.@-]{1,64}")
_TELEGRAM_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,200}")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # Bot API setWebhook secret_token
_SERVER_NAME = re.compile(r"[A-Za-z0-9.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
_DEVICE_ID = re.compile(r"[A-Za-z0-9_.+=/-]{1,64}")
_FLOW_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}")


def _anchored(pattern: re.Pattern[str]) -> str:
    """pydantic's ``pattern`` searches: anchor it to match the whole value."""
    return f"^(?:{pattern.pattern})$"


class SettingsProblem(ValueError):
    """The environment has settings essbot cannot use; ``problems`` says which."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Problem:
    variable: str
    message: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.message}"


def _account(entry: str) -> str:
    """One ``channel:user_id`` entry, checked against the channel's form of user ids."""
    channel, sep, user_id = entry.partition(":")
    channel, user_id = channel.strip().lower(), user_id.strip()
    if not sep or not channel or not user_id:
        raise ValueError(f"{entry!r} is not channel:user_id (e.g. telegram:12345, "
                         "matrix:@alice:example.org)")
    if channel not in CHANNELS:
        raise ValueError(f"{entry!r}: unknown channel {channel!r} (expected one of "
                         f"{', '.join(CHANNELS)})")
    pattern = {"telegram": _TELEGRAM_ID, "matrix": _MATRIX_ID, "console": _CONSOLE_ID}[channel]
    if not pattern.fullmatch(user_id):
        shape = {"telegram": "a number (the user id, e.g. telegram:12345)",
                 "matrix": "a Matrix id (e.g. matrix:@alice:example.org)",
                 "console": "a name of letters and digits (e.g. console:local)"}[channel]
        raise ValueError(f"{entry!r}: a {channel} user id must be {shape}")
    return f"{channel}:{user_id}"


def _comma_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (tuple, list)):
        return tuple(str(v) for v in value)
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def _http_url(value: str, https_only: bool = False) -> str:
    parts = urlsplit(value)
    schemes = ("https",) if https_only else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname:
        expected = "an https:// URL" if https_only else "an http:// or https:// URL"
        raise ValueError(f"must be {expected} with a host name (e.g. "
                         "https://bot.example.org/essbot)")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number or out of range)
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    return value.rstrip("/") if not https_only else value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, not {value}")
    return value


class EnvModel(BaseModel):
    """The variables, by name (aliases), with their defaults, types and ranges."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False,
                              str_strip_whitespace=True, hide_input_in_errors=True)

    # -- essbot ------------------------------------------------------------------------------
    db: Path = Field(Path("var") / "essbot.db", alias="ESSBOT_DB",
                     description="path of the SQLite database file")
    secret: str | None = Field(None, alias="ESSBOT_SECRET", min_length=MIN_SECRET,
                               max_length=4096,
                               description=f"the pseudonym key, at least {MIN_SECRET} "
                                           "characters (e.g. python3 -c \"import secrets; "
                                           "print(secrets.token_hex(32))\")")
    flows_dir: Path | None = Field(None, alias="ESSBOT_FLOWS_DIR",
                                   description="an existing folder of flow files")
    content_dir: Path | None = Field(None, alias="ESSBOT_CONTENT_DIR",
                                     description="an existing folder of content files")
    main_flow: str = Field("parcours", alias="ESSBOT_MAIN_FLOW", pattern=_anchored(_FLOW_ID),
                           description="a flow id (letters, digits, - and _)")
    default_language: str = Field("fr", alias="ESSBOT_DEFAULT_LANGUAGE",
                                  description="fr or en")
    log_level: str = Field("WARNING", alias="ESSBOT_LOG_LEVEL",
                           description=", ".join(LOG_LEVELS))
    admins: tuple[str, ...] = Field((), alias="ESSBOT_ADMINS",
                                    description="comma-separated channel:user_id")
    publishers: tuple[str, ...] = Field((), alias="ESSBOT_PUBLISHERS",
                                        description="comma-separated channel:user_id")
    retention_days: int = Field(365, alias="ESSBOT_RETENTION_DAYS", ge=0, le=36500,
                                description="a whole number of days from 0 (never purge) "
                                            "to 36500")
    questions_retention_days: int = Field(90, alias="ESSBOT_QUESTIONS_RETENTION_DAYS",
                                          ge=1, le=3650,
                                          description="a whole number of days from 1 to 3650")
    reload_interval: float = Field(2.0, alias="ESSBOT_RELOAD_INTERVAL", ge=0, le=86400,
                                   allow_inf_nan=False,
                                   description="seconds from 0 (off) to 86400")
    broadcast_rate: float = Field(30.0, alias="ESSBOT_BROADCAST_RATE", ge=0.01, le=1000,
                                  allow_inf_nan=False,
                                  description="messages per second, from 0.01 to 1000")
    broadcast_chat_interval: float = Field(1.0, alias="ESSBOT_BROADCAST_CHAT_INTERVAL", ge=0,
                                           le=3600, allow_inf_nan=False,
                                           description="seconds from 0 to 3600")
    broadcast_concurrency: int = Field(8, alias="ESSBOT_BROADCAST_CONCURRENCY", ge=1, le=256,
                                       description="a whole number from 1 to 256")
    broadcast_test_hold: str | None = Field(None, alias="ESSBOT_BROADCAST_TEST_HOLD",
                                            description="a test hook: point:count:file")
    http_host: str = Field("127.0.0.1", alias="ESSBOT_HTTP_HOST",
                           description="an IP address or a host name to listen on")
    http_port: int = Field(8080, alias="ESSBOT_HTTP_PORT", ge=1, le=65535,
                           description="a port number from 1 to 65535")

    # -- Telegram ----------------------------------------------------------------------------
    telegram_bot_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN",
                                           pattern=_anchored(_TELEGRAM_TOKEN),
                                           description="the token BotFather gave "
                                                       "(digits:letters)")
    telegram_api_base_url: str | None = Field(None, alias="TELEGRAM_API_BASE_URL",
                                              description="an http(s) URL")
    telegram_webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL",
                                             description="an https URL")
    telegram_webhook_secret: str | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET",
                                                pattern=_anchored(_WEBHOOK_SECRET),
                                                description="1 to 256 characters among "
                                                            "A-Z, a-z, 0-9, _ and -")
    telegram_remove_old_keyboards: bool = Field(False, alias="TELEGRAM_REMOVE_OLD_KEYBOARDS",
                                                description="1 or 0 (yes/no, on/off)")

    # -- Matrix ------------------------------------------------------------------------------
    matrix_homeserver: str | None = Field(None, alias="MATRIX_HOMESERVER",
                                          description="an http(s) URL")
    matrix_user_id: str | None = Field(None, alias="MATRIX_USER_ID",
                                       description="a Matrix id such as @essbot:example.org")
    matrix_password: str | None = Field(None, alias="MATRIX_PASSWORD", max_length=4096,
                                        description="the bot account's password")
    matrix_access_token: str | None = Field(None, alias="MATRIX_ACCESS_TOKEN",
                                            max_length=4096,
                                            description="an access token of the bot's account")
    matrix_device_id: str | None = Field(None, alias="MATRIX_DEVICE_ID",
                                         pattern=_anchored(_DEVICE_ID),
                                         description="a device id (letters and digits)")
    matrix_allowed_servers: tuple[str, ...] = Field((), alias="MATRIX_ALLOWED_SERVERS",
                                                    description="comma-separated server names")
    matrix_store_key: str | None = Field(None, alias="MATRIX_STORE_KEY", min_length=16,
                                         max_length=4096,
                                         description="the secret of the crypto store, 16 "
                                                     "characters or more")
    matrix_trust: Literal["tofu", "verified"] = Field("tofu", alias="MATRIX_TRUST",
                                                      description="tofu or verified")
    matrix_verified_devices: str | None = Field(None, alias="MATRIX_VERIFIED_DEVICES",
                                                max_length=100_000,
                                                description="Ed25519 device keys, separated by "
                                                            "commas")
    matrix_reset_cross_signing: bool = Field(False, alias="MATRIX_RESET_CROSS_SIGNING",
                                             description="1 or 0 (yes/no, on/off)")

    # -- the checks that a type and a range do not say ----------------------------------------

    @field_validator("admins", "publishers", "matrix_allowed_servers", mode="before")
    @classmethod
    def _split(cls, value: Any) -> tuple[str, ...]:
        return _comma_list(value)

    @field_validator("admins", "publishers")
    @classmethod
    def _accounts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_account(entry) for entry in value)

    @field_validator("matrix_allowed_servers")
    @classmethod
    def _servers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for server in value:
            if not _SERVER_NAME.fullmatch(server):
                raise ValueError(f"{server!r} is not a server name (e.g. example.org)")
        return tuple(server.lower() for server in value)

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        from bot.i18n import SUPPORTED_LANGUAGES

        value = value.lower()
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("flows_dir", "content_dir")
    @classmethod
    def _folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError("is not an existing folder")
        return value

    @field_validator("db")
    @classmethod
    def _database(cls, value: Path) -> Path:
        if str(value) == ":memory:":
            return value
        if value.exists() and not value.is_file():
            raise ValueError("is not a file")
        parent = value.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise ValueError("is inside a path that is not a folder")
        return value

    @field_validator("reload_interval", "broadcast_rate", "broadcast_chat_interval")
    @classmethod
    def _finite_number(cls, value: float) -> float:
        return _finite(value)

    @field_validator("http_host")
    @classmethod
    def _http_host(cls, value: str) -> str:
        try:
            ipaddress.ip_address(value.strip("[]"))
        except ValueError:
            if not _HOST.fullmatch(value):
                raise ValueError("must be an IP address or a host name") from None
        return value

    @field_validator("matrix_trust", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("telegram_remove_old_keyboards", "matrix_reset_cross_signing",
                     mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError("must be 1 or 0 (yes/no, true/false, on/off)")

    @field_validator("telegram_api_base_url", "matrix_homeserver")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value, https_only=True)

    @field_validator("matrix_user_id")
    @classmethod
    def _matrix_id(cls, value: str | None) -> str | None:
        if value is not None and not _MATRIX_ID.fullmatch(value):
            raise ValueError("must be a Matrix id such as @essbot:example.org")
        return value

    @field_validator("broadcast_test_hold")
    @classmethod
    def _hold(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"(after_sent|before_sent):\d+:.+", value):
            raise ValueError("must be after_sent|before_sent:count:file")
        return value


SECRETS = frozenset({"ESSBOT_SECRET", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
                     "MATRIX_PASSWORD", "MATRIX_ACCESS_TOKEN", "MATRIX_STORE_KEY"})
FIELDS: dict[str, str] = {info.alias: name for name, info in EnvModel.model_fields.items()
                          if info.alias}
KNOWN = frozenset(FIELDS)


@dataclass(frozen=True, slots=True)
class Validated:
    """The outcome of :func:`validate`: the model (None if any problem) and the problems."""

    model: EnvModel | None
    problems: list[Problem]
    given: dict[str, str]  # the variables that were set (non-empty), by name

    @property
    def ok(self) -> bool:
        return self.model is not None and not self.problems


def _describe(variable: str, error: ErrorDetails, raw: str | None) -> str:
    """One sentence for one pydantic error; a secret's value is never shown."""
    info = EnvModel.model_fields[FIELDS[variable]]
    expected = info.description or "a valid value"
    kind = error.get("type", "")
    if kind == "value_error":
        detail = str(error.get("ctx", {}).get("error", error.get("msg", "")))
        if raw is not None and variable not in SECRETS and len(raw) <= 60 \
                and repr(raw) not in detail:
            return f"{raw!r} {detail}"
        return detail
    shown = "" if raw is None or variable in SECRETS else f"{raw[:60]!r} "
    if kind == "string_too_short" and variable == "ESSBOT_SECRET":
        return f"is too short: {expected}"
    return f"{shown}is not valid: expected {expected}".strip()


def validate(env: Mapping[str, str]) -> Validated:
    """Validate every essbot variable of ``env``; unset and empty variables take defaults."""
    given = {name: value for name, value in env.items()
             if name.startswith(PREFIXES) and value is not None and value.strip() != ""}
    problems: list[Problem] = []
    for name in sorted(given):
        if name not in KNOWN:
            guess = difflib.get_close_matches(name, KNOWN, n=1)
            hint = f" (did you mean {guess[0]}?)" if guess else ""
            problems.append(Problem(name, f"unknown setting{hint}; see .env.example"))
    values = {name: value for name, value in given.items() if name in KNOWN}
    try:
        model = EnvModel.model_validate(values)
    except ValidationError as invalid:
        for error in invalid.errors(include_input=False):
            variable = str(error["loc"][0]) if error["loc"] else "settings"
            problems.append(Problem(variable, _describe(variable, error, values.get(variable))))
        return Validated(None, sorted(problems, key=lambda p: p.variable), given)
    problems += _cross_checks(model)
    return Validated(None if problems else model, problems, given)


def _cross_checks(model: EnvModel) -> list[Problem]:
    """What one variable alone cannot tell."""
    problems = []
    matrix = {"MATRIX_HOMESERVER": model.matrix_homeserver, "MATRIX_USER_ID": model.matrix_user_id,
              "MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN": model.matrix_password
              or model.matrix_access_token}
    if any(matrix.values()) and not all(matrix.values()):
        missing = [name for name, value in matrix.items() if not value]
        problems.append(Problem("MATRIX_*", f"the Matrix channel needs {', '.join(missing)} "
                                            "as well (or none of the MATRIX_ variables)"))
    if model.telegram_webhook_secret and not model.telegram_webhook_url:
        problems.append(Problem("TELEGRAM_WEBHOOK_SECRET", "is set without "
                                                           "TELEGRAM_WEBHOOK_URL"))
    if (model.telegram_webhook_url or model.telegram_api_base_url) \
            and not model.telegram_bot_token:
        problems.append(Problem("TELEGRAM_BOT_TOKEN", "is needed by the other TELEGRAM_ "
                                                      "variables that are set"))
    return problems


def mask(variable: str, value: str) -> str:
    """How ``essbot config check`` shows a value: secrets never, only that they are set."""
    if variable in SECRETS:
        return f"(set, {len(value)} characters, hidden)"
    return value


def effective(validated: Validated) -> list[tuple[str, str, str]]:
    """(variable, value shown, origin) for every known variable, secrets masked."""
    model = validated.model
    rows = []
    for variable, name in sorted(FIELDS.items()):
        if variable in validated.given:
            shown, origin = mask(variable, validated.given[variable]), "set"
        else:
            default = EnvModel.model_fields[name].default
            if isinstance(default, tuple):
                default = ",".join(default)
            shown, origin = ("" if default is None else str(default)), "default"
        if model is not None and variable in validated.given and variable not in SECRETS:
            value = getattr(model, name)
            shown = ",".join(value) if isinstance(value, tuple) else str(value)
        rows.append((variable, shown, origin))
    return rows


def secret_values(env: Mapping[str, str]) -> list[str]:
    """The secrets present in ``env`` (to scrub them from any message), longest first."""
    values = [env[name].strip() for name in SECRETS if (env.get(name) or "").strip()]
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)

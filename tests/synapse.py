"""A real Synapse homeserver for the Matrix end-to-end tests.

:class:`Synapse` writes a small configuration into a temporary folder (SQLite,
one client listener on 127.0.0.1, no TLS, no federation, no key servers, rate
limits raised for tests, cheap password hashing), starts
``python -m synapse.app.homeserver`` from the ``matrix-synapse`` package of the
test extras, and registers users through the shared-secret admin API.

It is a plain object so that a session-scoped fixture can pay the start-up
once, and a test can :meth:`restart` it (same folder, same port, same
database) to check that clients reconnect.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVER_NAME = "localhost"


class SynapseUnavailable(RuntimeError):
    """Synapse is not installed or did not start; the message says why and what to do."""


@dataclass(frozen=True)
class RegisteredUser:
    user_id: str
    password: str
    access_token: str
    device_id: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(directory: Path, port: int, shared_secret: str) -> str:
    """The homeserver.yaml of the tests, as JSON (a subset of YAML, so no PyYAML dance)."""
    lots = {"per_second": 1000, "burst_count": 1000}
    config = {
        "server_name": SERVER_NAME,
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [{
            "port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
            "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}],
        }],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "log_config": str(directory / "log.config"),
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "registration_shared_secret": shared_secret,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "report_stats": False,
        "enable_registration": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],  # no federation, in or out
        "url_preview_enabled": False,
        "enable_metrics": False,
        "presence": {"enabled": False},
        "bcrypt_rounds": 4,  # logins in milliseconds, not a quarter of a second
        "rc_message": lots,
        "rc_registration": lots,
        "rc_login": {"address": lots, "account": lots, "failed_attempts": lots},
        "rc_joins": {"local": lots, "remote": lots},
        "rc_joins_per_room": lots,
        "rc_invites": {"per_room": lots, "per_user": lots, "per_issuer": lots},
        "rc_admin_redaction": lots,
        "rc_3pid_validation": lots,
        "rc_presence": {"per_user": lots},
        "rc_delayed_event_mgmt": lots,
        "rc_room_creation": lots,
        "rc_reports": lots,
        "rc_media_create": lots,
        "rc_key_requests": lots,
    }
    return json.dumps(config, indent=1)


_LOG_CONFIG = """\
version: 1
formatters:
  precise:
    format: '%(asctime)s %(name)s %(levelname)s %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: {path}
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


class Synapse:
    """One homeserver process in ``directory``; :meth:`start`, :meth:`stop`, :meth:`restart`."""

    def __init__(self, directory: Path, start_timeout: float = 120.0):
        self.directory = directory
        self.start_timeout = start_timeout
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server_name = SERVER_NAME
        self.shared_secret = secrets.token_hex(16)
        self.process: subprocess.Popen | None = None
        self.startup_seconds: list[float] = []  # measured, for the report of each start
        self._counter = 0

    # -- process --------------------------------------------------------------------------

    def _write_config(self) -> Path:
        config = self.directory / "homeserver.yaml"
        if config.exists():
            return config
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "media").mkdir(exist_ok=True)
        (self.directory / "log.config").write_text(
            _LOG_CONFIG.format(path=self.directory / "homeserver.log"), encoding="utf-8")
        from signedjson.key import generate_signing_key, write_signing_keys  # synapse's dep

        with open(self.directory / "signing.key", "w", encoding="utf-8") as handle:
            write_signing_keys(handle, [generate_signing_key("a_test")])
        config.write_text(_config(self.directory, self.port, self.shared_secret),
                          encoding="utf-8")
        return config

    def start(self) -> None:
        if importlib.util.find_spec("synapse") is None:
            raise SynapseUnavailable(
                "matrix-synapse is not installed in this environment, so the Matrix end-to-end "
                "tests cannot run. Install the test extras: .venv/bin/pip install -e '.[test]'")
        config = self._write_config()
        began = time.monotonic()
        output = open(self.directory / "stdout.log", "ab")  # noqa: SIM115 - kept by the process
        env = {**os.environ, "SYNAPSE_CACHE_FACTOR": "0.5"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config)],
            cwd=self.directory, stdout=output, stderr=subprocess.STDOUT, env=env)
        output.close()
        deadline = began + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SynapseUnavailable(
                    f"Synapse exited with status {self.process.returncode} while starting.\n"
                    + self.log_tail())
            if self._healthy():
                self.startup_seconds.append(time.monotonic() - began)
                return
            time.sleep(0.1)
        self.stop()
        raise SynapseUnavailable(
            f"Synapse did not answer on {self.url} within {self.start_timeout:.0f} s.\n"
            + self.log_tail())

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        text = ""
        for name in ("stdout.log", "homeserver.log"):
            path = self.directory / name
            if path.exists():
                tail = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                text += f"--- {path} (last lines)\n" + "\n".join(tail) + "\n"
        return text

    # -- HTTP -----------------------------------------------------------------------------

    def request(self, method: str, path: str, body: dict | None = None,
                token: str | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{method} {path}: {error.code} {error.read()!r}") from None

    def register(self, localpart: str | None = None, admin: bool = False) -> RegisteredUser:
        """A new user, through the shared-secret registration API; a unique name by default."""
        if localpart is None:
            self._counter += 1
            localpart = f"user{self._counter}-{secrets.token_hex(3)}"
        password = secrets.token_hex(12)
        nonce = self.request("GET", "/_synapse/admin/v1/register")["nonce"]
        signed = "\x00".join((nonce, localpart, password, "admin" if admin else "notadmin"))
        mac = hmac.new(self.shared_secret.encode(), signed.encode(), digestmod=hashlib.sha1)
        answer = self.request("POST", "/_synapse/admin/v1/register", {
            "nonce": nonce, "username": localpart, "password": password, "admin": admin,
            "mac": mac.hexdigest(),
        })
        return RegisteredUser(answer["user_id"], password, answer["access_token"],
                              answer["device_id"])

    def override_ratelimit(self, admin_token: str, user_id: str,
                           per_second: float | None, burst_count: int | None = None) -> None:
        """Set (or with ``per_second=None`` remove) a user's message rate limit."""
        path = f"/_synapse/admin/v1/users/{urllib.request.quote(user_id)}/override_ratelimit"
        if per_second is None:
            with contextlib.suppress(RuntimeError):
                self.request("DELETE", path, token=admin_token)
            return
        self.request("POST", path, {"messages_per_second": per_second,
                                    "burst_count": burst_count or 1}, token=admin_token)


_SHARED: Synapse | None = None


def shared_synapse(directory: Path) -> Synapse:
    """One homeserver for the whole test session, whichever test file asks first.

    The ``synapse`` fixture of tests/conftest.py asks for it once per session.
    Raises :class:`SynapseUnavailable` if it cannot start.
    """
    global _SHARED
    if _SHARED is None or _SHARED.process is None:
        server = Synapse(directory)
        server.start()
        _SHARED = server
    return _SHARED

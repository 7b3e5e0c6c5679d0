"""Black-box harness for the integration tests: starts the real `tradingroom` binary on a free
port with a temporary data folder and talks to it over HTTP (stdlib only).

    with Server() as srv:
        owner = new_user(srv, "owner")
        org = owner.create_org("Acme")
        status, body, headers = owner.api("GET", f"/api/v1/organizations/{org['id']}")

By default a server is started with `--trust-proxy --rate-limit-auth 1000 --rate-limit-api
100000` and every Client sends its own `X-Forwarded-For`, so that only the rate-limit tests
(which pass default_limits=True) see the blueprint's numbers.
"""
from __future__ import annotations

import base64
import http.client
import itertools
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("TR_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
BIN = os.environ.get("TRADINGROOM_BIN", "/work/main/build/src/app/tradingroom")

PASSWORD = "Correct-Horse-Battery-42"
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0

ROLES = ["owner", "admin", "host", "co-host", "moderator", "viewer"]
PLANS = ["starter", "professional", "business", "enterprise"]


# --------------------------------------------------------------------------------------------
# small utilities

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_ip_counter = itertools.count(1)
_ip_lock = threading.Lock()


def next_ip() -> str:
    """A distinct client address for each simulated client (sent as X-Forwarded-For)."""
    with _ip_lock:
        n = next(_ip_counter)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def unique_name(tag: str = "name") -> str:
    return f"{tag} {uuid.uuid4().hex[:8]}"


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decode_jwt(token: str) -> tuple[dict, dict]:
    """(header, payload) of a compact JWS, without verifying it."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AssertionError(f"not a compact JWT (3 parts): {token[:40]}...")
    return json.loads(b64url_decode(parts[0])), json.loads(b64url_decode(parts[1]))


def binary_available() -> bool:
    return os.path.isfile(BIN) and os.access(BIN, os.X_OK)


def require_binary():
    if not binary_available():
        raise AssertionError(
            f"server binary not found at {BIN!r} (set TRADINGROOM_BIN or build target tradingroom)")


def run_cli(args, env=None, timeout=30, cwd=None, input_bytes=None) -> subprocess.CompletedProcess:
    """Runs `tradingroom <args>` and returns the CompletedProcess (text output)."""
    require_binary()
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([BIN, *args], env=full_env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, input=input_bytes)


def fmt(status, body) -> str:
    text = json.dumps(body) if body is not None else "<no json body>"
    if len(text) > 1500:
        text = text[:1500] + "..."
    return f"status={status} body={text}"


ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")


def assert_iso(value, what="timestamp"):
    if not isinstance(value, str) or not ISO_RE.match(value):
        raise AssertionError(f"{what} must be an ISO 8601 UTC string like 2026-11-26T04:02:33Z, got {value!r}")


def parse_iso(value: str) -> float:
    import datetime
    v = value[:-1]
    if "." in v:
        v = v.split(".")[0]
    return datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()


_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def verify_rs256(token: str, jwk: dict) -> bool:
    """Verifies an RS256 compact JWS with an RSA JWK (PKCS#1 v1.5, stdlib only)."""
    import hashlib
    head, payload, sig = token.split(".")
    n = int.from_bytes(b64url_decode(jwk["n"]), "big")
    e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    k = (n.bit_length() + 7) // 8
    s = int.from_bytes(b64url_decode(sig), "big")
    if s >= n:
        return False
    em = pow(s, e, n).to_bytes(k, "big")
    t = _SHA256_DIGEST_INFO + hashlib.sha256(f"{head}.{payload}".encode()).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return em == expected


def feature(limits: dict, name: str):
    """A plan feature from Limits: nested under `features` (as in openapi.yaml) or flat."""
    if isinstance(limits.get("features"), dict) and name in limits["features"]:
        return limits["features"][name]
    if name in limits:
        return limits[name]
    raise AssertionError(f"plan feature {name!r} not found in limits {limits}")


# --------------------------------------------------------------------------------------------
# assertions shared by all tests

def assert_error(resp, status: int, code: str | None = None, what: str = ""):
    """resp = (status, json, headers). Checks the status, the error envelope
    {"error": {"code", "message", ...}}, the code (when given) and X-Request-Id."""
    got_status, body, headers = resp
    ctx = f"{what}: " if what else ""
    if got_status != status:
        raise AssertionError(f"{ctx}expected {status} {code or ''}, got {fmt(got_status, body)}")
    assert_error_shape(resp, what)
    if code is not None and body["error"]["code"] != code:
        raise AssertionError(f"{ctx}expected error code {code!r}, got {fmt(got_status, body)}")
    return body["error"]


def expect_error(tc, resp, status: int, code: str | None = None, what: str = ""):
    """Like assert_error, but a wrong error *code* (right status and shape) is reported as a
    failed subTest and the test goes on, so that one naming difference does not hide the
    behaviour checked after it."""
    got_status, body, headers = resp
    ctx = f"{what}: " if what else ""
    if got_status != status:
        raise AssertionError(f"{ctx}expected {status} {code or ''}, got {fmt(got_status, body)}")
    assert_error_shape(resp, what)
    if code is not None:
        with tc.subTest(error_code=code, request=what):
            if body["error"]["code"] != code:
                tc.fail(f"{ctx}expected error code {code!r}, got {fmt(got_status, body)}")
    return body["error"]


def plan_feature(plan: dict, name: str):
    """A feature of a Plan (GET /plans): `features` beside `limits`, or inside `limits`."""
    if isinstance(plan.get("features"), dict) and name in plan["features"]:
        return plan["features"][name]
    return feature(plan["limits"], name)


def assert_error_shape(resp, what: str = ""):
    got_status, body, headers = resp
    ctx = f"{what}: " if what else ""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        raise AssertionError(f"{ctx}error body must be {{\"error\": {{...}}}}, got {fmt(got_status, body)}")
    err = body["error"]
    if not isinstance(err.get("code"), str) or not err["code"]:
        raise AssertionError(f"{ctx}error.code must be a non-empty string, got {fmt(got_status, body)}")
    if not isinstance(err.get("message"), str) or not err["message"]:
        raise AssertionError(f"{ctx}error.message must be a non-empty string, got {fmt(got_status, body)}")
    if headers is None or not headers.get("X-Request-Id"):
        raise AssertionError(f"{ctx}response lacks X-Request-Id ({fmt(got_status, body)})")


def assert_status(resp, status: int, what: str = ""):
    got_status, body, headers = resp
    if got_status != status:
        raise AssertionError(f"{what + ': ' if what else ''}expected {status}, got {fmt(got_status, body)}")
    if headers is None or not headers.get("X-Request-Id"):
        raise AssertionError(f"{what + ': ' if what else ''}response lacks X-Request-Id")
    return body


def error_details(resp) -> dict:
    d = resp[1]["error"].get("details")
    return d if isinstance(d, dict) else {}


# --------------------------------------------------------------------------------------------
# HTTP client

class Response(tuple):
    """(status, json_or_None, headers) plus .raw (the body bytes)."""
    raw: bytes = b""

    def __new__(cls, status, body, headers, raw):
        obj = super().__new__(cls, (status, body, headers))
        obj.raw = raw
        return obj

    @property
    def status(self):
        return self[0]

    @property
    def json(self):
        return self[1]

    @property
    def headers(self):
        return self[2]


class Client:
    """One simulated client: one keep-alive connection and one source address."""

    def __init__(self, server: "Server", ip: str | None = None, token: str | None = None):
        self.server = server
        self.ip = ip if ip is not None else next_ip()
        self.token = token
        self._conn: http.client.HTTPConnection | None = None
        self._fresh = False
        server._clients.append(self)

    def close(self):
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None

    def _connection(self):
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
            self._fresh = True
        return self._conn

    def request(self, method: str, path: str, body=None, token=None, headers=None, raw=None) -> Response:
        """body: JSON-serializable value; raw: bytes sent as they are. token None → the
        client's default token, "" → no Authorization header."""
        hdrs = {}
        if self.ip and self.server.trust_proxy:
            hdrs["X-Forwarded-For"] = self.ip
        tok = self.token if token is None else token
        if tok:
            hdrs["Authorization"] = f"Bearer {tok}"
        payload = None
        if raw is not None:
            payload = raw
            hdrs["Content-Type"] = "application/octet-stream"
        elif body is not None:
            payload = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if headers:
            for k, v in headers.items():
                # replace case-insensitively
                for existing in [h for h in hdrs if h.lower() == k.lower()]:
                    del hdrs[existing]
                if v is not None:
                    hdrs[k] = v
        for attempt in (0, 1):
            conn = self._connection()
            reused = not self._fresh
            self._fresh = False
            try:
                conn.request(method, path, body=payload, headers=hdrs)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.HTTPException, OSError) as e:
                self.close()
                if attempt == 0 and reused and not isinstance(e, TimeoutError):
                    continue  # the server closed an idle keep-alive connection: retry once
                raise AssertionError(f"{method} {path}: connection failed: {e!r}"
                                     f"{self.server.crash_report()}") from e
            if resp.will_close:
                self.close()
            parsed = None
            ctype = resp.headers.get("Content-Type", "") or ""
            if data and "json" in ctype.lower():
                try:
                    parsed = json.loads(data)
                except ValueError:
                    parsed = None
            return Response(resp.status, parsed, resp.headers, data)
        raise AssertionError("unreachable")

    def api(self, method, path, body=None, token=None, headers=None, raw=None) -> Response:
        return self.request(method, path, body=body, token=token, headers=headers, raw=raw)

    # auth helpers (return the Response)
    def signup(self, email, password=PASSWORD, name="Test User"):
        return self.api("POST", "/api/v1/auth/signup",
                        {"email": email, "password": password, "displayName": name}, token="")

    def login(self, email, password=PASSWORD):
        return self.api("POST", "/api/v1/auth/login", {"email": email, "password": password}, token="")

    def refresh(self, refresh_token, organization_id=None):
        body = {"refreshToken": refresh_token}
        if organization_id is not None:
            body["organizationId"] = organization_id
        return self.api("POST", "/api/v1/auth/refresh", body, token="")

    def logout(self, refresh_token):
        return self.api("POST", "/api/v1/auth/logout", {"refreshToken": refresh_token}, token="")


# --------------------------------------------------------------------------------------------
# a signed-in user

class User:
    def __init__(self, server: "Server", email: str, password: str, name: str, auth: dict,
                 client: Client):
        self.server = server
        self.email = email
        self.password = password
        self.name = name
        self.client = client
        self.id = auth["user"]["id"]
        self.user = auth["user"]
        self._set_auth(auth)

    def _set_auth(self, auth: dict):
        self.auth = auth
        self.access = auth["accessToken"]
        self.refresh_token = auth["refreshToken"]

    def api(self, method, path, body=None, token=None, headers=None, raw=None) -> Response:
        return self.client.api(method, path, body=body, token=self.access if token is None else token,
                               headers=headers, raw=raw)

    def claims(self) -> dict:
        return decode_jwt(self.access)[1]

    def use_org(self, org_id: str) -> dict:
        """Refreshes the session so that the access token names `org_id`."""
        r = self.client.refresh(self.refresh_token, org_id)
        body = assert_status(r, 200, f"refresh for {org_id}")
        self._set_auth(body)
        return body

    def relogin(self) -> dict:
        r = self.client.login(self.email, self.password)
        body = assert_status(r, 200, "login")
        self._set_auth(body)
        return body

    # resources ------------------------------------------------------------------------------
    def create_org(self, name: str | None = None, plan: str | None = None) -> dict:
        r = self.api("POST", "/api/v1/organizations", {"name": name or unique_name("Org")})
        org = assert_status(r, 201, "create organization")
        self.use_org(org["id"])
        if plan and plan != "starter":
            self.set_plan(org["id"], plan)
            org["plan"] = plan
        return org

    def set_plan(self, org_id: str, plan: str, accept_over_limit: bool | None = None) -> dict:
        body = {"plan": plan}
        if accept_over_limit is not None:
            body["acceptOverLimit"] = accept_over_limit
        r = self.api("PUT", f"/api/v1/organizations/{org_id}/plan", body)
        return assert_status(r, 200, f"set plan {plan}")

    def create_workspace(self, org_id: str, name: str | None = None, description: str | None = None) -> dict:
        body = {"name": name or unique_name("Workspace")}
        if description is not None:
            body["description"] = description
        r = self.api("POST", f"/api/v1/organizations/{org_id}/workspaces", body)
        return assert_status(r, 201, "create workspace")

    def create_room(self, workspace_id: str, name: str | None = None, description: str | None = None) -> dict:
        body = {"name": name or unique_name("Room")}
        if description is not None:
            body["description"] = description
        r = self.api("POST", f"/api/v1/workspaces/{workspace_id}/rooms", body)
        return assert_status(r, 201, "create room")

    def invite(self, org_id: str, email: str, role: str) -> Response:
        return self.api("POST", f"/api/v1/organizations/{org_id}/invitations", {"email": email, "role": role})

    def accept(self, token: str) -> Response:
        return self.api("POST", f"/api/v1/invitations/{urllib.parse.quote(token, safe='')}/accept")

    def upload(self, room_id: str, name: str, data: bytes, content_type="application/octet-stream") -> Response:
        return self.api("POST", f"/api/v1/rooms/{room_id}/files?name={urllib.parse.quote(name)}",
                        raw=data, headers={"Content-Type": content_type})

    def list_all(self, path: str, limit: int = 100) -> list:
        """Follows nextCursor until the end and returns all items."""
        items, cursor, pages = [], None, 0
        while True:
            sep = "&" if "?" in path else "?"
            url = f"{path}{sep}limit={limit}"
            if cursor:
                url += f"&cursor={urllib.parse.quote(cursor, safe='')}"
            body = assert_status(self.api("GET", url), 200, f"list {path}")
            items.extend(body["items"])
            cursor = body.get("nextCursor")
            pages += 1
            if not cursor:
                return items
            if pages > 1000:
                raise AssertionError(f"pagination of {path} does not end")

    def members(self, org_id: str) -> list:
        return self.list_all(f"/api/v1/organizations/{org_id}/members")


def new_user(server: "Server", tag: str = "user", email: str | None = None, name: str | None = None,
             password: str = PASSWORD, client: Client | None = None) -> User:
    client = client or server.client()
    email = email or unique_email(tag)
    name = name or f"{tag.capitalize()} {uuid.uuid4().hex[:4]}"
    r = client.signup(email, password, name)
    body = assert_status(r, 201, f"signup {email}")
    return User(server, email, password, name, body, client)


def join_org(server: "Server", owner: User, org_id: str, role: str, tag: str | None = None) -> User:
    """A new user invited by `owner` with `role`, who signs up and accepts."""
    email = unique_email(tag or role)
    r = owner.invite(org_id, email, role)
    inv = assert_status(r, 201, f"invite {role}")
    user = new_user(server, tag or role, email=email)
    assert_status(user.accept(inv["token"]), 200, f"accept invitation as {role}")
    user.use_org(org_id)
    return user


# --------------------------------------------------------------------------------------------
# raw sockets (for malformed HTTP)

def parse_http_response(data: bytes):
    """(status, headers dict lower-case, body bytes) of the first response in data, or None."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end].decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        return None
    status = int(parts[1])
    headers = {}
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    body = data[end + 4:]
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        out, rest = b"", body
        while True:
            nl = rest.find(b"\r\n")
            if nl < 0:
                break
            size = int(rest[:nl].split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out += rest[nl + 2: nl + 2 + size]
            rest = rest[nl + 2 + size + 2:]
        body = out
    return status, headers, body


def _response_complete(data: bytes) -> bool:
    parsed = parse_http_response(data)
    if parsed is None:
        return False
    status, headers, body = parsed
    end = data.find(b"\r\n\r\n") + 4
    if "content-length" in headers:
        return len(data) - end >= int(headers["content-length"])
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return data.endswith(b"0\r\n\r\n")
    return False


class _Answered(Exception):
    pass


def raw_exchange(port: int, chunks, half_close: bool = False, timeout: float = 10.0):
    """Sends the byte chunks on a fresh TCP connection, reading whatever the server answers
    meanwhile (a server may answer 413 before the body is fully sent). Returns
    (status, headers, body_bytes) of the first response, or None when the server closed the
    connection without answering."""
    if isinstance(chunks, (bytes, bytearray)):
        chunks = [bytes(chunks)]
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    received = b""
    deadline = time.monotonic() + timeout
    try:
        try:
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    r, w, _ = select.select([sock], [sock], [], max(0.0, deadline - time.monotonic()))
                    if r:
                        data = sock.recv(65536)
                        if not data:
                            raise ConnectionResetError("closed by server")
                        received += data
                        if _response_complete(received):
                            raise _Answered
                    if w:
                        n = sock.send(view[:65536])
                        view = view[n:]
                    if time.monotonic() > deadline:
                        raise TimeoutError("sending timed out")
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except _Answered:
            pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        while not _response_complete(received) and time.monotonic() < deadline:
            r, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
            if not r:
                break
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, OSError):
                break
            if not data:
                break
            received += data
    finally:
        sock.close()
    return parse_http_response(received)


def raw_response(parsed) -> Response | None:
    """The result of raw_exchange as a Response (status, json_or_None, headers)."""
    if parsed is None:
        return None
    import email.message
    status, headers, body = parsed
    msg = email.message.Message()
    for k, v in headers.items():
        msg[k] = v
    data = None
    if body and "json" in headers.get("content-type", "").lower():
        try:
            data = json.loads(body)
        except ValueError:
            data = None
    return Response(status, data, msg, body)


def run_concurrently(functions, timeout: float = 60.0) -> list:
    """Runs the callables at the same moment (one thread each) and returns their results in
    order; an exception in a callable is returned as the result."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(i, fn):
        try:
            barrier.wait(timeout)
            results[i] = fn()
        except BaseException as e:  # noqa: BLE001 - reported to the caller
            results[i] = e

    threads = [threading.Thread(target=worker, args=(i, fn), daemon=True) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results


# --------------------------------------------------------------------------------------------
# the server process

class Server:
    def __init__(self, extra_args=(), env: dict | None = None, trust_proxy: bool = True,
                 default_limits: bool = False, data_dir: str | None = None, port: int | None = None,
                 pass_port: bool = True, log_level: str | None = "warn", cwd: str | None = None):
        require_binary()
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self.trust_proxy = trust_proxy
        self.default_limits = default_limits
        self.port = port or free_port()
        self.pass_port = pass_port
        self.log_level = log_level
        self._own_data_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="tr-data-")
        self._log_dir = tempfile.mkdtemp(prefix="tr-log-")
        self.cwd = cwd or self._log_dir
        self.proc: subprocess.Popen | None = None
        self._stderr_path = None
        self._starts = 0
        self._clients: list[Client] = []

    # process control --------------------------------------------------------------------------
    def argv(self) -> list[str]:
        args = [BIN, "serve"]
        if self.pass_port:
            args += ["--port", str(self.port)]
        args += ["--data-dir", self.data_dir]
        if self.log_level:
            args += ["--log-level", self.log_level]
        if self.trust_proxy:
            args += ["--trust-proxy"]
        if not self.default_limits:
            args += ["--rate-limit-auth", "1000", "--rate-limit-api", "100000"]
        if "--rtc-port-min" not in self.extra_args:
            # Any free media ports and one worker, so servers can run side by side.
            args += ["--rtc-port-min", "0", "--media-workers", "1"]
        return args + self.extra_args

    def start(self):
        self._starts += 1
        self._stderr_path = os.path.join(self._log_dir, f"stderr-{self._starts}.log")
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("TRADINGROOM_") and k != "TRADINGROOM_BIN":
                del env[k]
        env.update(self.env)
        with open(self._stderr_path, "wb") as err, open(os.devnull, "rb") as devnull:
            self.proc = subprocess.Popen(self.argv(), stdin=devnull, stdout=err, stderr=err,
                                         env=env, cwd=self.cwd)
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"server exited with code {self.proc.returncode} before /ready "
                    f"(argv={self.argv()})\n--- stderr tail ---\n{self.stderr_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/ready")
                resp = conn.getresponse()
                resp.read()
                conn.close()
                last = resp.status
                if resp.status == 200:
                    return
            except OSError as e:
                last = repr(e)
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"server not ready within {timeout}s (last: {last})\n"
                             f"--- stderr tail ---\n{self.stderr_tail()}")

    def stop(self, expect_clean: bool = True, close_clients: bool = True) -> int | None:
        """SIGTERM; asserts exit code 0 within 10 s (when expect_clean)."""
        if close_clients:
            for c in self._clients:
                c.close()
        if self.proc is None or self.proc.poll() is not None:
            rc = None if self.proc is None else self.proc.returncode
            self.proc = None
            if expect_clean and rc not in (None, 0):
                raise AssertionError(f"server had already exited with code {rc}\n{self.stderr_tail()}")
            return rc
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            stacks = self.thread_dump()
            self.kill()
            raise AssertionError(f"server did not exit within {STOP_TIMEOUT}s of SIGTERM\n"
                                 f"--- stderr tail ---\n{self.stderr_tail()}\n{stacks}")
        self.proc = None
        if expect_clean and rc != 0:
            raise AssertionError(f"server exited with code {rc} after SIGTERM (expected 0)\n"
                                 f"--- stderr tail ---\n{self.stderr_tail()}")
        return rc

    def thread_dump(self) -> str:
        """Stacks of the (hung) server's threads, when gdb is available, for failure messages."""
        gdb = shutil.which("gdb")
        if not gdb or self.proc is None or self.proc.poll() is not None:
            return ""
        try:
            out = subprocess.run([gdb, "-q", "-batch", "-p", str(self.proc.pid), "-ex", "thread apply all bt 12"],
                                 capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""
        frames = [line for line in out.splitlines() if line.startswith(("Thread ", "#"))]
        frames = [re.sub(r"<[^<>]*(<[^<>]*>[^<>]*)*>", "<…>", f)[:200] for f in frames]
        return "--- server threads (gdb) ---\n" + "\n".join(frames[:150])

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self.proc = None

    def restart(self):
        """Stops the server (asserting a clean exit) and starts it again on the same data dir."""
        self.stop()
        return self.start()

    def cleanup(self):
        """Kills a still-running server (no assertion) and removes the temporary folders."""
        self.kill()
        if os.environ.get("TR_KEEP_DATA"):
            return
        if self._own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.rmtree(self._log_dir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.stop()
            else:
                try:
                    self.stop()
                except AssertionError as e:
                    print(f"[harness] while handling another failure: {e}")
        finally:
            self.cleanup()
        return False

    # logs -------------------------------------------------------------------------------------
    def stderr_text(self, which: int | None = None) -> str:
        path = self._stderr_path if which is None else os.path.join(self._log_dir, f"stderr-{which}.log")
        if not path or not os.path.exists(path):
            return ""
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def crash_report(self) -> str:
        """A note for failure messages when the server process has died."""
        if self.proc is not None and self.proc.poll() is not None:
            return (f"\n*** the server process exited with code {self.proc.returncode} ***\n"
                    f"--- stderr tail ---\n{self.stderr_tail()}")
        return ""

    def stderr_tail(self, lines: int = 40) -> str:
        return "\n".join(self.stderr_text().splitlines()[-lines:])

    # clients ----------------------------------------------------------------------------------
    def client(self, ip: str | None = None, token: str | None = None) -> Client:
        return Client(self, ip=ip, token=token)

    def get(self, path: str, headers=None) -> Response:
        c = Client(self)
        try:
            return c.api("GET", path, headers=headers)
        finally:
            c.close()
            self._clients.remove(c)


def server_test_main():
    import unittest
    unittest.main(verbosity=2)

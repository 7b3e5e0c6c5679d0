"""The command line: help texts, `migrate`, `admin create-user` / `admin create-org`,
configuration precedence (TOML file < environment < flags), flags that take effect, and the
structured JSON logs on stderr."""
import http.client
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    expect_error, PASSWORD, Server, assert_iso, assert_status, decode_jwt, free_port, new_user,
    require_binary, run_cli, unique_email, unique_name)
import harness  # noqa: E402

CONFIG_MD = os.path.join(harness.SOURCE_DIR, "docs", "configuration.md")


def documented_flags() -> list[str]:
    flags = []
    with open(CONFIG_MD, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\|\s*`(--[a-z0-9-]+)`", line)
            if m:
                flags.append(m.group(1))
    return flags


def mentions(text: str, flag: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text) is not None


def find_ids(value, prefix: str) -> list[str]:
    out = []
    if isinstance(value, str) and value.startswith(prefix):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            out += find_ids(v, prefix)
    elif isinstance(value, list):
        for v in value:
            out += find_ids(v, prefix)
    return out


def parse_json_output(tc, proc, what):
    tc.assertEqual(proc.returncode, 0, f"{what} failed: rc={proc.returncode} stderr={proc.stderr[-2000:]}")
    try:
        return json.loads(proc.stdout)
    except ValueError:
        tc.fail(f"{what} must print JSON on stdout, got {proc.stdout[:500]!r}")


def port_open(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/health")
        conn.getresponse().read()
        conn.close()
        return True
    except OSError:
        return False


class Cli(unittest.TestCase):
    def setUp(self):
        require_binary()
        self.tmp = tempfile.mkdtemp(prefix="tr-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_help_mentions_every_flag(self):
        flags = documented_flags()
        self.assertGreaterEqual(len(flags), 20, "parsed the table of docs/configuration.md")
        for args in (["--help"], ["serve", "--help"]):
            with self.subTest(command=" ".join(args)):
                proc = run_cli(args, timeout=10)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                text = proc.stdout + proc.stderr
                missing = [f for f in flags + ["--config"] if not mentions(text, f)]
                self.assertEqual(missing, [], f"`tradingroom {' '.join(args)}` does not mention these flags")
        top = run_cli(["--help"], timeout=10)
        for sub in ("serve", "migrate", "admin", "routes"):
            self.assertIn(sub, top.stdout + top.stderr, f"--help lists the {sub} command")

    def test_bad_invocations_fail_fast(self):
        bad_toml = os.path.join(self.tmp, "bad.toml")
        with open(bad_toml, "w") as f:
            f.write("port = [unclosed\n")
        data = os.path.join(self.tmp, "data")
        for args in (["serve", "--no-such-flag", "--data-dir", data],
                     ["serve", "--log-level", "loud", "--data-dir", data, "--port", str(free_port())],
                     ["serve", "--port", "70000", "--data-dir", data],
                     ["serve", "--port", "abc", "--data-dir", data],
                     ["serve", "--config", bad_toml, "--data-dir", data],
                     ["serve", "--config", os.path.join(self.tmp, "missing.toml"), "--data-dir", data],
                     ["no-such-command"]):
            with self.subTest(args=args):
                proc = run_cli(args, timeout=10)
                self.assertNotEqual(proc.returncode, 0, f"{args} should fail")
                self.assertTrue(proc.stderr.strip(), f"{args}: explain the error on stderr")
                self.assertNotIn("terminate called", proc.stderr, f"{args}: no uncaught exception")
                self.assertGreater(proc.returncode, 0, f"{args}: exits with an error code, not a signal")

    def test_migrate_creates_the_database(self):
        data = os.path.join(self.tmp, "data")
        proc = run_cli(["migrate", "--data-dir", data], timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        dbs = []
        for dirpath, _, files in os.walk(data):
            for name in files:
                with open(os.path.join(dirpath, name), "rb") as f:
                    if f.read(16) == b"SQLite format 3\x00":
                        dbs.append(name)
        self.assertTrue(dbs, f"no SQLite database in {data}: {os.listdir(data) if os.path.isdir(data) else None}")
        again = run_cli(["migrate", "--data-dir", data], timeout=30)
        self.assertEqual(again.returncode, 0, f"migrate is idempotent: {again.stderr}")
        with Server(data_dir=data) as srv:
            ready = assert_status(srv.get("/ready"), 200)
            self.assertGreaterEqual(ready["migrations"], 1)

    def test_admin_create_user_and_org(self):
        data = os.path.join(self.tmp, "data")
        self.assertEqual(run_cli(["migrate", "--data-dir", data]).returncode, 0)
        email = unique_email("admin-cli")
        out = parse_json_output(self, run_cli(["admin", "create-user", "--data-dir", data, "--email", email,
                                               "--password", PASSWORD, "--display-name", "Cli User"]),
                                "admin create-user")
        user_ids = find_ids(out, "usr_")
        self.assertEqual(len(set(user_ids)), 1, f"create-user prints the new user id: {out}")
        uid = user_ids[0]
        dup = run_cli(["admin", "create-user", "--data-dir", data, "--email", email, "--password", PASSWORD,
                       "--display-name", "Again"])
        self.assertNotEqual(dup.returncode, 0, "duplicate email is refused")
        self.assertGreater(dup.returncode, 0)

        name = unique_name("Cli Org")
        out = parse_json_output(self, run_cli(["admin", "create-org", "--data-dir", data, "--name", name,
                                               "--owner-email", email, "--plan", "business"]),
                                "admin create-org")
        org_ids = find_ids(out, "org_")
        self.assertEqual(len(set(org_ids)), 1, f"create-org prints the new organization id: {out}")
        oid = org_ids[0]
        out2 = parse_json_output(self, run_cli(["admin", "create-org", "--data-dir", data, "--name", name + " 2",
                                                "--owner-email", email]), "admin create-org without --plan")
        oid2 = find_ids(out2, "org_")[0]
        missing = run_cli(["admin", "create-org", "--data-dir", data, "--name", "X",
                           "--owner-email", unique_email("ghost")])
        self.assertGreater(missing.returncode, 0, "unknown owner email is refused")
        bad_plan = run_cli(["admin", "create-org", "--data-dir", data, "--name", "X", "--owner-email", email,
                            "--plan", "platinum"])
        self.assertGreater(bad_plan.returncode, 0, "unknown plan is refused")

        with Server(data_dir=data) as srv:
            c = srv.client()
            auth = assert_status(c.login(email, PASSWORD), 200, "the CLI-created user logs in")
            self.assertEqual(auth["user"]["id"], uid)
            self.assertEqual(auth["user"]["displayName"], "Cli User")
            orgs = {o["id"]: o for o in assert_status(
                c.api("GET", "/api/v1/organizations", token=auth["accessToken"]), 200)["items"]}
            self.assertEqual(set(orgs), {oid, oid2})
            self.assertEqual((orgs[oid]["name"], orgs[oid]["plan"], orgs[oid]["role"], orgs[oid]["ownerId"]),
                             (name, "business", "owner", uid))
            self.assertEqual(orgs[oid2]["plan"], "starter")

    def test_admin_create_user_on_a_fresh_data_dir(self):
        data = os.path.join(self.tmp, "fresh")
        out = parse_json_output(self, run_cli(["admin", "create-user", "--data-dir", data, "--email",
                                               unique_email("fresh"), "--password", PASSWORD,
                                               "--display-name", "Fresh"]), "create-user without migrate")
        self.assertTrue(find_ids(out, "usr_"))

    # configuration precedence ---------------------------------------------------------------
    def start_on(self, expect_port, extra_args=(), env=None, cwd=None):
        srv = Server(port=expect_port, pass_port=False, extra_args=extra_args, env=env, cwd=cwd)
        self.addCleanup(srv.cleanup)
        srv.start()  # waits for /ready on expect_port
        return srv

    def test_config_precedence_file_env_flag(self):
        p_file, p_env, p_flag = free_port(), free_port(), free_port()
        toml = os.path.join(self.tmp, "tr.toml")
        with open(toml, "w") as f:
            f.write(f"port = {p_file}\n")
        srv = self.start_on(p_file, ["--config", toml])
        srv.stop()
        srv = self.start_on(p_env, ["--config", toml], env={"TRADINGROOM_PORT": str(p_env)})
        self.assertFalse(port_open(p_file), "environment wins over the file")
        srv.stop()
        srv = self.start_on(p_flag, ["--config", toml, "--port", str(p_flag)], env={"TRADINGROOM_PORT": str(p_env)})
        self.assertFalse(port_open(p_env), "flag wins over the environment")
        self.assertFalse(port_open(p_file))
        srv.stop()

    def test_tradingroom_toml_in_working_dir(self):
        port = free_port()
        cwd = os.path.join(self.tmp, "cwd")
        os.makedirs(cwd)
        with open(os.path.join(cwd, "tradingroom.toml"), "w") as f:
            f.write(f"port = {port}\n")
        self.start_on(port, cwd=cwd).stop()

    def test_toml_sections_and_env_override(self):
        toml = os.path.join(self.tmp, "limits.toml")
        with open(toml, "w") as f:
            f.write('jwt_issuer = "from-file"\n\n[rate_limits]\nauth = 2\n')
        for env, allowed in (({}, 2), ({"TRADINGROOM_RATE_LIMIT_AUTH": "3"}, 3)):
            with self.subTest(env=env):
                srv = Server(extra_args=["--config", toml], env=env, default_limits=True, trust_proxy=False)
                self.addCleanup(srv.cleanup)
                srv.start()
                c = srv.client()
                email = unique_email("toml")
                first = c.signup(email, PASSWORD, "Toml")
                statuses = [first.status]
                statuses += [c.login(email, PASSWORD).status for _ in range(allowed)]
                self.assertEqual(statuses[:allowed], [201] + [200] * (allowed - 1), statuses)
                self.assertEqual(statuses[allowed], 429, f"auth limit {allowed} from config: {statuses}")
                self.assertEqual(decode_jwt(first.json["accessToken"])[1].get("iss"), "from-file",
                                 "top-level TOML key jwt_issuer")
                srv.stop()

    def test_flags_take_effect(self):
        srv = Server(extra_args=["--public-url", "https://trading.example.com", "--jwt-issuer", "issuer-under-test",
                                 "--max-body-bytes", "2000", "--access-token-ttl", "120"])
        self.addCleanup(srv.cleanup)
        srv.start()
        u = new_user(srv, "flags")
        self.assertEqual(u.auth["expiresIn"], 120)
        claims = decode_jwt(u.access)[1]
        self.assertEqual(claims.get("iss"), "issuer-under-test")
        self.assertEqual(claims["exp"] - claims.get("iat", claims["exp"] - 120), 120)
        org = u.create_org(unique_name("Flags"))
        inv = assert_status(u.invite(org["id"], unique_email("inv"), "viewer"), 201)
        self.assertTrue(inv["acceptUrl"].startswith("https://trading.example.com/"), inv["acceptUrl"])
        expect_error(self, u.api("PATCH", f"/api/v1/organizations/{org['id']}", {"name": "x" * 3000}),
                     413, "payload_too_large", "body over --max-body-bytes")
        srv.stop()

    # logs ---------------------------------------------------------------------------------------
    def test_logs_are_json_lines(self):
        srv = Server(log_level="info")
        self.addCleanup(srv.cleanup)
        srv.start()
        c = srv.client()
        email = unique_email("logs")
        auth = assert_status(c.signup(email, PASSWORD, "Logger"), 201)
        c.login(email, "wrong-password-123")
        c.api("GET", "/api/v1/does-not-exist")
        c.api("POST", "/api/v1/auth/refresh", {"refreshToken": auth["refreshToken"]}, token="")
        c.api("GET", "/api/v1/me", token=auth["accessToken"])
        srv.stop()
        text = srv.stderr_text()
        lines = [line for line in text.splitlines() if line.strip()]
        self.assertTrue(lines, "the server logs something at info level (at least that it listens)")
        for line in lines:
            try:
                obj = json.loads(line)
            except ValueError:
                self.fail(f"log line is not JSON: {line[:300]!r}")
            self.assertIsInstance(obj, dict, line)
            for key in ("time", "level", "component", "msg"):
                self.assertIn(key, obj, f"log line lacks {key}: {line[:300]}")
            assert_iso(obj["time"], "log time")
            self.assertIn(obj["level"], ("info", "warn", "error"), f"no debug lines at info level: {line[:200]}")
            self.assertIsInstance(obj["component"], str)
            self.assertIsInstance(obj["msg"], str)
        for secret, what in ((PASSWORD, "password"), (auth["refreshToken"], "refresh token"),
                             (auth["accessToken"], "access token"), ("wrong-password-123", "wrong password")):
            self.assertNotIn(secret, text, f"the {what} must never be logged")

    def test_warn_level_is_quiet(self):
        srv = Server(log_level="warn")
        self.addCleanup(srv.cleanup)
        srv.start()
        c = srv.client()
        assert_status(c.signup(unique_email("quiet"), PASSWORD, "Quiet"), 201)
        srv.stop()
        for line in srv.stderr_text().splitlines():
            if line.strip():
                obj = json.loads(line)
                self.assertIn(obj["level"], ("warn", "error"), f"--log-level warn printed {line[:200]}")


if __name__ == "__main__":
    unittest.main(verbosity=2)

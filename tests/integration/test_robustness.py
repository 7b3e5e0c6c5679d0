"""Hostile and broken input: bad JSON, wrong types, missing fields, unknown enum values, oversized
bodies, invalid UTF-8, huge URLs and headers, unknown routes and methods, garbage on the socket,
truncated requests, forged tokens and races on plan limits. Each gets a clear 4xx with
{"error": {"code", "message"}} and X-Request-Id; the server stays healthy and the data intact."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    expect_error, PASSWORD, Server, assert_error_shape, assert_status, b64url_decode, b64url_encode,
    decode_jwt, new_user, raw_exchange, raw_response, run_concurrently, unique_email, unique_name)

MiB = 1024 * 1024


class Robustness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.owner = new_user(cls.server, "robust")
        cls.org = cls.owner.create_org(unique_name("Robust"))
        cls.oid = cls.org["id"]
        cls.ws = cls.owner.create_workspace(cls.oid, "Main")
        cls.room = cls.owner.create_room(cls.ws["id"], "Lobby")
        cls.baseline = cls.snapshot()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    @classmethod
    def snapshot(cls):
        o = cls.owner
        return {
            "org": {k: v for k, v in assert_status(o.api("GET", f"/api/v1/organizations/{cls.oid}"), 200).items()},
            "workspaces": o.list_all(f"/api/v1/organizations/{cls.oid}/workspaces"),
            "rooms": o.list_all(f"/api/v1/organizations/{cls.oid}/rooms"),
            "members": o.members(cls.oid),
            "usage": assert_status(o.api("GET", f"/api/v1/organizations/{cls.oid}/usage"), 200),
        }

    def healthy(self):
        assert_status(self.server.get("/health"), 200, "health after abuse")

    def json_raw(self, method, path, raw: bytes, token=None, content_type="application/json"):
        return self.owner.api(method, path, raw=raw, token=token, headers={"Content-Type": content_type})

    def raw(self, data, **kw):
        return raw_response(raw_exchange(self.server.port, data, **kw))

    def auth_header(self):
        return f"Authorization: Bearer {self.owner.access}\r\n"

    # JSON -------------------------------------------------------------------------------------
    def json_endpoints(self):
        return [
            ("POST", "/api/v1/auth/signup", ""),
            ("POST", "/api/v1/auth/login", ""),
            ("POST", "/api/v1/organizations", None),
            ("PATCH", f"/api/v1/organizations/{self.oid}", None),
            ("POST", f"/api/v1/workspaces/{self.ws['id']}/rooms", None),
            ("PATCH", f"/api/v1/rooms/{self.room['id']}", None),
            ("PUT", f"/api/v1/organizations/{self.oid}/plan", None),
            ("POST", f"/api/v1/organizations/{self.oid}/invitations", None),
        ]

    def test_malformed_json(self):
        for body in (b'{"name":', b"{name: 1}", b'{"name": "x",}', b"", b"   ", b"{'name': 'x'}",
                     b'{"name": "x"} trailing', b"\x00\x01\x02"):
            for method, path, token in self.json_endpoints():
                with self.subTest(request=f"{method} {path}", body=body):
                    expect_error(self, self.json_raw(method, path, body, token), 400, "invalid_json", f"{method} {path}")
        self.healthy()

    def test_json_that_is_not_an_object(self):
        for body in (b"[]", b'[{"name": "x"}]', b'"name"', b"42", b"null", b"true"):
            for method, path, token in self.json_endpoints():
                with self.subTest(request=f"{method} {path}", body=body):
                    expect_error(self, self.json_raw(method, path, body, token), 400, "invalid_json", f"{method} {path}")

    def validation(self, r, field, what):
        err = expect_error(self, r, 400, "validation_failed", what)
        if field is not None:
            self.assertEqual((err.get("details") or {}).get("field"), field, f"{what}: details.field in {err}")

    def test_wrong_field_types(self):
        o, oid, ws, room = self.owner, self.oid, self.ws["id"], self.room["id"]
        anon = self.server.client()
        cases = [
            (anon, "POST", "/api/v1/auth/signup", {"email": 42, "password": PASSWORD, "displayName": "x"}, "email"),
            (anon, "POST", "/api/v1/auth/signup", {"email": unique_email(), "password": 12345678, "displayName": "x"}, "password"),
            (anon, "POST", "/api/v1/auth/signup", {"email": unique_email(), "password": PASSWORD, "displayName": ["x"]}, "displayName"),
            (anon, "POST", "/api/v1/auth/login", {"email": ["a"], "password": PASSWORD}, "email"),
            (anon, "POST", "/api/v1/auth/refresh", {"refreshToken": 123}, "refreshToken"),
            (o, "POST", "/api/v1/organizations", {"name": 42}, "name"),
            (o, "POST", "/api/v1/organizations", {"name": None}, "name"),
            (o, "POST", "/api/v1/organizations", {"name": {"first": "x"}}, "name"),
            (o, "PATCH", f"/api/v1/organizations/{oid}", {"name": True}, "name"),
            (o, "POST", f"/api/v1/workspaces/{ws}/rooms", {"name": ["a", "b"]}, "name"),
            (o, "POST", f"/api/v1/workspaces/{ws}/rooms", {"name": "ok", "description": 7}, "description"),
            (o, "PATCH", f"/api/v1/rooms/{room}", {"status": 3}, "status"),
            (o, "PATCH", f"/api/v1/workspaces/{ws}", {"name": 1.5}, "name"),
            (o, "PUT", f"/api/v1/organizations/{oid}/plan", {"plan": 5}, "plan"),
            (o, "PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "starter", "acceptOverLimit": "yes"}, "acceptOverLimit"),
            (o, "POST", f"/api/v1/organizations/{oid}/invitations", {"email": 5, "role": "viewer"}, "email"),
            (o, "POST", f"/api/v1/organizations/{oid}/invitations", {"email": unique_email(), "role": 1}, "role"),
        ]
        for who, method, path, body, field in cases:
            with self.subTest(request=f"{method} {path}", body=body):
                self.validation(who.api(method, path, body, token="" if who is anon else None), field,
                                f"{method} {path} {body}")

    def test_out_of_range_values(self):
        o, oid, ws = self.owner, self.oid, self.ws["id"]
        anon = self.server.client()
        cases = [
            (anon, "POST", "/api/v1/auth/signup", {"email": "not-an-email", "password": PASSWORD, "displayName": "x"}, "email"),
            (anon, "POST", "/api/v1/auth/signup", {"email": unique_email(), "password": "a", "displayName": "x"}, "password"),
            (anon, "POST", "/api/v1/auth/signup", {"email": unique_email(), "password": PASSWORD, "displayName": ""}, "displayName"),
            (o, "POST", "/api/v1/organizations", {"name": ""}, "name"),
            (o, "POST", "/api/v1/organizations", {"name": "x" * 10000}, "name"),
            (o, "POST", f"/api/v1/workspaces/{ws}/rooms", {"name": ""}, "name"),
            (o, "POST", f"/api/v1/organizations/{oid}/invitations", {"email": "nobody", "role": "viewer"}, "email"),
        ]
        for who, method, path, body, field in cases:
            with self.subTest(request=f"{method} {path}", body=str(body)[:80]):
                self.validation(who.api(method, path, body, token="" if who is anon else None), field,
                                f"{method} {path}")
        for query, field in (("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"),
                             ("limit=-1", "limit"), ("cursor=garbage!!", "cursor"),
                             ("cursor=bm90LWEtY3Vyc29y", "cursor")):
            with self.subTest(query=query):
                self.validation(o.api("GET", f"/api/v1/organizations/{oid}/rooms?{query}"), field, query)

    def test_missing_fields(self):
        o, oid, ws = self.owner, self.oid, self.ws["id"]
        anon = self.server.client()
        cases = [
            (anon, "POST", "/api/v1/auth/signup", {"password": PASSWORD, "displayName": "x"}, "email"),
            (anon, "POST", "/api/v1/auth/signup", {"email": unique_email(), "displayName": "x"}, "password"),
            (anon, "POST", "/api/v1/auth/signup", {"email": unique_email(), "password": PASSWORD}, "displayName"),
            (anon, "POST", "/api/v1/auth/login", {"email": unique_email()}, "password"),
            (anon, "POST", "/api/v1/auth/refresh", {}, "refreshToken"),
            (anon, "POST", "/api/v1/auth/logout", {}, "refreshToken"),
            (o, "POST", "/api/v1/organizations", {}, "name"),
            (o, "POST", f"/api/v1/organizations/{oid}/workspaces", {"description": "no name"}, "name"),
            (o, "POST", f"/api/v1/workspaces/{ws}/rooms", {"description": "no name"}, "name"),
            (o, "PUT", f"/api/v1/organizations/{oid}/plan", {}, "plan"),
            (o, "POST", f"/api/v1/organizations/{oid}/invitations", {"email": unique_email()}, "role"),
            (o, "POST", f"/api/v1/organizations/{oid}/invitations", {"role": "viewer"}, "email"),
        ]
        for who, method, path, body, field in cases:
            with self.subTest(request=f"{method} {path}", body=body):
                self.validation(who.api(method, path, body, token="" if who is anon else None), field,
                                f"{method} {path} {body}")

    def test_unknown_enum_values(self):
        o, oid = self.owner, self.oid
        self.validation(o.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "platinum"}), "plan", "plan")
        self.validation(o.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "Starter "}), "plan", "plan")
        self.validation(o.invite(oid, unique_email(), "emperor"), "role", "invitation role")
        self.validation(o.invite(oid, unique_email(), "Viewer"), "role", "role is case-sensitive")
        self.validation(o.api("PATCH", f"/api/v1/rooms/{self.room['id']}", {"status": "exploded"}), "status", "status")
        self.validation(o.api("GET", f"/api/v1/organizations/{oid}/rooms?status=bogus"), "status", "status filter")
        self.validation(o.api("GET", f"/api/v1/organizations/{oid}/members?role=king"), "role", "role filter")
        self.assertEqual(assert_status(o.api("GET", f"/api/v1/organizations/{oid}"), 200)["plan"], "starter")

    # sizes ------------------------------------------------------------------------------------
    def test_body_over_1_mib(self):
        body = json.dumps({"name": "x" * (2 * MiB)}).encode()
        # a raw socket: the server may answer before it has read the body (http.client would then
        # fail while sending)
        head = (f"POST /api/v1/organizations HTTP/1.1\r\nHost: localhost\r\n{self.auth_header()}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        r = self.raw([head, body])
        self.assertIsNotNone(r, "the server must answer 413, not just close the connection")
        expect_error(self, r, 413, "payload_too_large", "2 MiB JSON body")
        # the same without Content-Length (chunked): the limit must hold while streaming
        chunk = b"x" * 65536
        chunks = [(f"POST /api/v1/organizations HTTP/1.1\r\nHost: localhost\r\n{self.auth_header()}"
                   f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode(),
                  b"a\r\n{\"name\": \"\r\n"]
        chunks += [f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"] * 32
        chunks += [b"2\r\n\"}\r\n0\r\n\r\n"]
        r = self.raw(chunks)
        self.assertIsNotNone(r, "the server must answer 413 to a 2 MiB chunked body")
        expect_error(self, r, 413, "payload_too_large", "2 MiB chunked JSON body")
        # just under the limit is parsed (and then fails validation, not size)
        near = json.dumps({"name": "x" * (MiB - 100)}).encode()
        self.assertLessEqual(len(near), MiB)
        self.validation(self.json_raw("POST", "/api/v1/organizations", near), "name", "1 MiB minus a bit")
        self.healthy()

    def test_upload_over_25_mib(self):
        size = 26 * MiB
        head = (f"POST /api/v1/rooms/{self.room['id']}/files?name=huge.bin HTTP/1.1\r\nHost: localhost\r\n"
                f"{self.auth_header()}Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n").encode()
        block = b"\0" * MiB
        r = self.raw([head] + [block] * 26, timeout=30)
        self.assertIsNotNone(r, "the server must answer 413 to a 26 MiB upload")
        expect_error(self, r, 413, "payload_too_large", "26 MiB upload")
        self.assertEqual(self.owner.list_all(f"/api/v1/rooms/{self.room['id']}/files"), [], "nothing stored")
        self.healthy()

    # encodings, URLs, headers -----------------------------------------------------------------
    def test_invalid_utf8(self):
        r = self.json_raw("POST", "/api/v1/organizations", b'{"name": "bad \xff\xfe bytes"}')
        assert_error_shape(r, "invalid UTF-8 in JSON")
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.json["error"]["code"], ("invalid_json", "validation_failed"))
        other = new_user(self.server, "surrogate")
        r = other.api("POST", "/api/v1/organizations", raw=b'{"name": "lone surrogate \\ud800"}',
                      headers={"Content-Type": "application/json"})
        self.assertIn(r.status, (201, 400), r)  # accepted (replaced) or refused, never a 500
        r = self.owner.api("POST", f"/api/v1/rooms/{self.room['id']}/files?name=%FF%FE.txt", raw=b"data",
                           headers={"Content-Type": "text/plain"})
        expect_error(self, r, 400, "validation_failed", "invalid UTF-8 file name")
        r = self.owner.api("GET", "/api/v1/rooms/%FF%FE")
        self.assertIn(r.status, (400, 404), r)
        assert_error_shape(r, "invalid UTF-8 in the path")
        self.healthy()

    def test_very_long_url_and_headers(self):
        r = self.owner.api("GET", "/api/v1/rooms/" + "a" * 4000)
        expect_error(self, r, 404, "not_found", "4 KB unknown room id")
        for what, data in (
                ("100 KB URL", b"GET /api/v1/rooms/" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                ("100 KB header", b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 100_000 + b"\r\n\r\n"),
                ("10000 headers", b"GET /health HTTP/1.1\r\nHost: localhost\r\n" + b"X-A: 1\r\n" * 10000 + b"\r\n")):
            with self.subTest(what=what):
                r = self.raw(data)
                self.assertIsNotNone(r, f"{what}: the server must answer, not just close")
                if what == "10000 headers" and r.status == 200:
                    continue  # a generous header limit is allowed; the server just must not break
                self.assertIn(r.status, (400, 404, 414, 431), f"{what}: {r}")
                assert_error_shape(r, what)
        self.healthy()

    def test_unknown_route_and_wrong_method(self):
        for path in ("/api/v1/nope", "/nope", "/api/v2/me", "/api/v1/organizations/x/y/z/w"):
            with self.subTest(path=path):
                expect_error(self, self.owner.api("GET", path), 404, "not_found", path)
        for method, path, allowed in (("POST", "/health", {"GET"}), ("DELETE", "/api/v1/plans", {"GET"}),
                                      ("PUT", f"/api/v1/rooms/{self.room['id']}", {"GET", "PATCH", "DELETE"}),
                                      ("GET", "/api/v1/auth/login", {"POST"})):
            with self.subTest(request=f"{method} {path}"):
                r = self.owner.api(method, path, {} if method in ("POST", "PUT") else None)
                expect_error(self, r, 405, "method_not_allowed", f"{method} {path}")
                allow = {m.strip() for m in (r.headers.get("Allow") or "").split(",") if m.strip()}
                self.assertTrue(allowed <= allow, f"{method} {path}: Allow header {allow} should list {allowed}")
        self.assertEqual(self.owner.api("GET", f"/api/v1/rooms/{self.room['id']}").status, 200)

    # the socket ---------------------------------------------------------------------------------
    def test_garbage_on_the_socket(self):
        cases = [
            ("binary junk", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64) + b"\r\n\r\n"),
            ("not http", b"HELLO THERE\r\n\r\n"),
            ("no version", b"GET /health\r\n\r\n"),
            ("header without colon", b"GET /health HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n"),
            ("bad content-length", b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n"),
            ("negative content-length", b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n"),
            ("smuggling", b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            ("bad chunk size", b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                               b"Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
        ]
        for what, data in cases:
            with self.subTest(what=what):
                r = self.raw(data)
                self.assertIsNotNone(r, f"{what}: expected a 400 answer, the server closed silently")
                self.assertIn(r.status, (400, 505) if what == "no version" else (400,), f"{what}: {r}")
                assert_error_shape(r, what)
            self.healthy()

    def test_truncated_requests_and_slow_clients(self):
        # body shorter than Content-Length, then the client half-closes
        r = self.raw([b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 100\r\n\r\n{\"email\":"], half_close=True, timeout=5)
        if r is not None:
            self.assertEqual(r.status, 400, r)
            assert_error_shape(r, "truncated body")
        # headers cut in the middle
        r = self.raw([b"GET /api/v1/me HTTP/1.1\r\nHost: loc"], half_close=True, timeout=5)
        if r is not None:
            self.assertEqual(r.status, 400, r)
        # a client that sends half a request and then waits must not block anybody else
        import socket
        idle = [socket.create_connection(("127.0.0.1", self.server.port)) for _ in range(20)]
        try:
            for s in idle:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            t0 = time.monotonic()
            self.healthy()
            assert_status(self.owner.api("GET", f"/api/v1/organizations/{self.oid}"), 200)
            self.assertLess(time.monotonic() - t0, 2.0, "slow clients delay others")
        finally:
            for s in idle:
                s.close()
        self.healthy()

    # tokens -------------------------------------------------------------------------------------
    def test_forged_and_malformed_tokens(self):
        victim = new_user(self.server, "victim")
        header, claims = decode_jwt(self.owner.access)
        h, p, s = self.owner.access.split(".")
        forged_claims = dict(claims, sub=victim.id, email=victim.email)
        forged_payload = b64url_encode(json.dumps(forged_claims).encode())
        none_header = b64url_encode(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        jwks = assert_status(self.server.get("/.well-known/jwks.json"), 200)
        key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
        import hashlib
        import hmac
        hs_header = b64url_encode(json.dumps({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}).encode())
        confusion_secret = json.dumps(key).encode()
        hs_sig = b64url_encode(hmac.new(confusion_secret, f"{hs_header}.{p}".encode(), hashlib.sha256).digest())
        n_secret = b64url_decode(key["n"])
        hs_sig2 = b64url_encode(hmac.new(n_secret, f"{hs_header}.{p}".encode(), hashlib.sha256).digest())
        bad_sig = s[:-4] + ("AAAA" if not s.endswith("AAAA") else "BBBB")
        cases = {
            "swapped payload": f"{h}.{forged_payload}.{s}",
            "alg none": f"{none_header}.{forged_payload}.",
            "alg none with signature": f"{none_header}.{p}.{s}",
            "HS256 with the JWK as secret": f"{hs_header}.{p}.{hs_sig}",
            "HS256 with the modulus as secret": f"{hs_header}.{p}.{hs_sig2}",
            "bad signature": f"{h}.{p}.{bad_sig}",
            "two parts": f"{h}.{p}",
            "four parts": f"{h}.{p}.{s}.{s}",
            "garbage base64": "!!!.@@@.###",
            "empty": " ",
            "refresh token as access token": self.owner.refresh_token,
        }
        for what, token in cases.items():
            with self.subTest(token=what):
                expect_error(self, self.owner.api("GET", "/api/v1/me", token=token), 401, "unauthorized", what)
        for what, value in (("Basic scheme", "Basic dXNlcjpwYXNz"), ("no token", "Bearer"),
                            ("lower-case junk", "bearer junk")):
            with self.subTest(authorization=what):
                expect_error(self, self.owner.api("GET", "/api/v1/me", token="", headers={"Authorization": value}),
                             401, "unauthorized", what)
        self.assertEqual(assert_status(victim.api("GET", "/api/v1/me"), 200)["user"]["id"], victim.id)

    def test_expired_access_token(self):
        # 30 s is the shortest lifetime the configuration accepts, and verification allows up to
        # 30 s of clock skew past `exp`: after 61 s the token must be refused.
        with Server(extra_args=["--access-token-ttl", "30"]) as short:
            u = new_user(short, "shortlived")
            self.assertEqual(u.auth["expiresIn"], 30)
            assert_status(u.api("GET", "/api/v1/me"), 200)
            time.sleep(61.5)
            expect_error(self, u.api("GET", "/api/v1/me"), 401, "unauthorized", "expired access token")
            fresh = assert_status(u.client.refresh(u.refresh_token), 200, "refresh still works")
            assert_status(u.api("GET", "/api/v1/me", token=fresh["accessToken"]), 200)

    def test_token_of_another_server(self):
        with Server() as other:
            stranger = new_user(other, "stranger")
            stranger.create_org(unique_name("Elsewhere"))
            token = stranger.access
            assert_status(stranger.api("GET", "/api/v1/me"), 200)
        # signed by another server's key (another data dir): not accepted here
        expect_error(self, self.owner.api("GET", "/api/v1/me", token=token), 401, "unauthorized", "token of another server")

    # races --------------------------------------------------------------------------------------
    def test_concurrent_creations_respect_plan_limits(self):
        owner = new_user(self.server, "racer")
        org = owner.create_org(unique_name("Race"))
        oid = org["id"]
        srv = self.server
        ws_results = run_concurrently([
            (lambda i=i: srv.client(token=owner.access).api(
                "POST", f"/api/v1/organizations/{oid}/workspaces", {"name": f"ws {i}"})) for i in range(8)])
        statuses = sorted(r.status if not isinstance(r, BaseException) else repr(r) for r in ws_results)
        self.assertEqual(statuses, [201] + [402] * 7, f"8 concurrent workspaces on starter: {statuses}")
        ws = next(r.json for r in ws_results if r.status == 201)
        room_results = run_concurrently([
            (lambda i=i: srv.client(token=owner.access).api(
                "POST", f"/api/v1/workspaces/{ws['id']}/rooms", {"name": f"room {i}"})) for i in range(12)])
        statuses = sorted(r.status if not isinstance(r, BaseException) else repr(r) for r in room_results)
        self.assertEqual(statuses, [201] * 3 + [402] * 9, f"12 concurrent rooms on starter: {statuses}")
        for r in room_results:
            if r.status == 402:
                self.assertEqual(r.json["error"]["code"], "room_limit_exceeded")
        self.assertEqual(len(owner.list_all(f"/api/v1/organizations/{oid}/rooms")), 3)
        self.assertEqual(len(owner.list_all(f"/api/v1/organizations/{oid}/workspaces")), 1)

    def test_concurrent_host_acceptances(self):
        owner = new_user(self.server, "hostrace")
        org = owner.create_org(unique_name("HostRace"))
        invited = []
        for i in range(4):
            email = unique_email(f"host{i}")
            r = owner.invite(org["id"], email, "host")
            if r.status == 201:
                invited.append((new_user(self.server, "host", email=email), r.json["token"]))
            else:
                expect_error(self, r, 402, "host_limit_exceeded", "host invitation over the limit")
        results = run_concurrently([(lambda u=u, t=t: u.accept(t)) for u, t in invited])
        ok = [r for r in results if not isinstance(r, BaseException) and r.status == 200]
        self.assertEqual(len(ok), 1, f"exactly one host gets in: {[getattr(r, 'status', r) for r in results]}")
        hosts = [m for m in owner.members(org["id"]) if m["role"] in ("host", "co-host")]
        self.assertEqual(len(hosts), 1)

    def test_concurrent_signup_same_email(self):
        email = unique_email("twin")
        results = run_concurrently([(lambda: self.server.client().signup(email, PASSWORD, "Twin")) for _ in range(8)])
        statuses = sorted(r.status if not isinstance(r, BaseException) else repr(r) for r in results)
        self.assertEqual(statuses, [201] + [409] * 7, statuses)

    def test_concurrent_refresh_same_token(self):
        u = new_user(self.server, "refreshrace")
        results = run_concurrently([(lambda: self.server.client().refresh(u.refresh_token)) for _ in range(6)])
        statuses = [r.status if not isinstance(r, BaseException) else repr(r) for r in results]
        self.assertLessEqual(statuses.count(200), 1, f"one refresh token is exchanged at most once: {statuses}")
        self.assertTrue(all(s in (200, 401) for s in statuses), statuses)

    # finally ------------------------------------------------------------------------------------
    def test_zz_data_unchanged(self):
        """Runs last (alphabetical order): nothing above changed the fixture organization."""
        now = self.snapshot()
        self.assertEqual(now["org"], self.baseline["org"])
        self.assertEqual(now["workspaces"], self.baseline["workspaces"])
        self.assertEqual([(r["id"], r["name"], r["status"]) for r in now["rooms"]],
                         [(r["id"], r["name"], r["status"]) for r in self.baseline["rooms"]])
        self.assertEqual(now["members"], self.baseline["members"])
        self.assertEqual(now["usage"], self.baseline["usage"])
        self.healthy()


if __name__ == "__main__":
    unittest.main(verbosity=2)

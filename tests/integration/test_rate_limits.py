"""Rate limits of blueprint section 6 with the DEFAULT configuration: auth 5/min per IP,
API 100/min per user, uploads 10/hour per user. Over the limit: 429 `rate_limited`, a
`Retry-After` header (seconds, >= 1) and `details.retryAfter`."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    PASSWORD, Server, assert_error_shape, assert_status, expect_error, join_org, new_user, unique_email, unique_name)


def check_rate_limited(tc, r, what, max_retry=60):
    err = expect_error(tc, r, 429, "rate_limited", what)
    retry = r.headers.get("Retry-After")
    tc.assertIsNotNone(retry, f"{what}: Retry-After header")
    tc.assertRegex(retry, r"^\d+$", f"{what}: Retry-After is a number of seconds")
    tc.assertGreaterEqual(int(retry), 1, what)
    tc.assertLessEqual(int(retry), max_retry, what)
    details = err.get("details") or {}
    tc.assertIsInstance(details.get("retryAfter"), int, f"{what}: details.retryAfter")
    tc.assertGreaterEqual(details["retryAfter"], 1, what)
    tc.assertLessEqual(details["retryAfter"], max_retry, what)


class DefaultRateLimits(unittest.TestCase):
    """One server with the blueprint's limits; --trust-proxy so that each simulated client has
    its own address (X-Forwarded-For)."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(default_limits=True, trust_proxy=True)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_auth_5_per_minute_per_ip(self):
        user = new_user(self.server, "ratelimited")  # signed up from its own address
        c = self.server.client()  # a fresh address
        # failed attempts count as much as successful ones (brute-force protection)
        for i in range(5):
            password = PASSWORD if i % 2 else "wrong-password-123"
            r = c.login(user.email, password)
            self.assertEqual(r.status, 200 if i % 2 else 401, f"auth request {i + 1} of 5: {r}")
        check_rate_limited(self, c.login(user.email, PASSWORD), "6th auth request from one IP")
        check_rate_limited(self, c.signup(unique_email("blocked"), PASSWORD, "Blocked"),
                           "signup from the same IP (auth endpoints share the limit)")
        check_rate_limited(self, c.refresh(user.refresh_token), "refresh from the same IP")
        # another address is unaffected
        other = self.server.client()
        assert_status(other.login(user.email, PASSWORD), 200, "login from another IP")
        # the API is not an auth endpoint: the blocked address can still use its token
        assert_status(c.api("GET", "/api/v1/me", token=user.access), 200, "API from the blocked IP")

    def test_api_100_per_minute_per_user(self):
        u = new_user(self.server, "busy")
        v = new_user(self.server, "calm")
        for i in range(100):
            r = u.api("GET", "/api/v1/me")
            if r.status != 200:
                self.fail(f"API request {i + 1} of 100 should pass: {r}")
        check_rate_limited(self, u.api("GET", "/api/v1/me"), "101st API request of one user")
        # per user, not per connection or address
        elsewhere = self.server.client()
        check_rate_limited(self, elsewhere.api("GET", "/api/v1/organizations", token=u.access),
                           "same user from another address")
        assert_status(v.api("GET", "/api/v1/me"), 200, "another user is unaffected")
        assert_status(self.server.get("/health"), 200, "health is not rate limited")

    def test_uploads_10_per_hour_per_user(self):
        owner = new_user(self.server, "uploader")
        org = owner.create_org(unique_name("Uploads"))
        ws = owner.create_workspace(org["id"])
        room = owner.create_room(ws["id"])
        admin = join_org(self.server, owner, org["id"], "admin")
        for i in range(10):
            assert_status(owner.upload(room["id"], f"f{i}.txt", f"file {i}".encode(), "text/plain"), 201,
                          f"upload {i + 1} of 10")
        r = owner.upload(room["id"], "f10.txt", b"one too many", "text/plain")
        check_rate_limited(self, r, "11th upload within an hour", max_retry=3600)
        files = owner.list_all(f"/api/v1/rooms/{room['id']}/files")
        self.assertEqual(len(files), 10, "the refused upload stored nothing")
        assert_status(admin.upload(room["id"], "admin.txt", b"admin", "text/plain"), 201,
                      "another user can still upload")
        assert_status(owner.api("GET", f"/api/v1/rooms/{room['id']}/files"), 200,
                      "other API calls of the upload-limited user still pass")


class ForwardedForIgnoredWithoutTrustProxy(unittest.TestCase):
    """Without --trust-proxy a client cannot dodge the per-IP limit by inventing X-Forwarded-For."""

    def test_spoofed_forwarded_for_does_not_reset_the_limit(self):
        with Server(default_limits=True, trust_proxy=False) as srv:
            c = srv.client()
            for i in range(5):
                r = c.api("POST", "/api/v1/auth/login",
                          {"email": unique_email("spoof"), "password": "wrong-password-123"},
                          token="", headers={"X-Forwarded-For": f"192.0.2.{i + 1}"})
                self.assertEqual(r.status, 401, f"failed login {i + 1} of 5: {r}")  # code: test_tenant_story
                assert_error_shape(r, "failed login")
            r = c.api("POST", "/api/v1/auth/login", {"email": unique_email("spoof"), "password": PASSWORD},
                      token="", headers={"X-Forwarded-For": "192.0.2.99"})
            check_rate_limited(self, r, "6th auth request from loopback with a new X-Forwarded-For")


if __name__ == "__main__":
    unittest.main(verbosity=2)

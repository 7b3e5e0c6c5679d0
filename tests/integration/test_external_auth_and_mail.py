"""Tokens of an external Supabase project (HS256 secret and JWKS file: signature, expiry,
issuer and audience checked; the organization comes from app_metadata), and invitation
emails through a real SMTP server on loopback."""
import base64
import hashlib
import hmac
import json
import os
import smtpd  # noqa: deprecated in 3.11 but present; a real SMTP server for the test
import asyncore  # noqa
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    Server, assert_status, expect_error, free_port, new_user, run_cli, unique_email)

SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
ISSUER = "https://project-ref.supabase.co/auth/v1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(payload: dict, secret: str = SECRET, header: dict | None = None) -> str:
    head = b64url(json.dumps(header or {"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def claims(sub, email, org_id="", org_role="", exp_in=600, iss=ISSUER, aud="authenticated"):
    c = {"sub": sub, "email": email, "role": "authenticated", "iss": iss, "aud": aud,
         "exp": int(time.time()) + exp_in, "iat": int(time.time())}
    if org_id:
        c["app_metadata"] = {"organization_id": org_id, "organization_role": org_role}
    return c


class SupabaseHs256(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--supabase-jwt-secret", SECRET, "--supabase-issuer", ISSUER])
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        # An organization created by a local user; the Supabase user is vouched for by the
        # token's app_metadata.
        cls.owner = new_user(cls.server, "owner")
        cls.org = cls.owner.create_org("Supabase Desk", plan="business")
        ws = cls.owner.create_workspace(cls.org["id"])
        cls.room = cls.owner.create_room(ws["id"])

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def get(self, path, token):
        return self.server.client().api("GET", path, token=token)

    def test_valid_token_is_accepted_and_org_comes_from_app_metadata(self):
        email = unique_email("supa")
        token = hs256(claims("2d6c0f4e-supabase-user-1", email, self.org["id"], "moderator"))
        me = assert_status(self.get("/api/v1/me", token), 200, "me with a Supabase token")
        self.assertEqual(me["user"]["email"], email)
        # the organization and role come from the token, not from a local membership
        room = assert_status(self.get(f"/api/v1/rooms/{self.room['id']}", token), 200)
        self.assertEqual(room["id"], self.room["id"])
        r = self.server.client().api("POST", f"/api/v1/workspaces/{self.room['workspaceId']}/rooms",
                                     {"name": "nope"}, token=token)
        expect_error(self, r, 403, "forbidden", "a moderator may not create rooms")
        # the same subject maps to the same local user
        again = assert_status(self.get("/api/v1/me", token), 200)
        self.assertEqual(again["user"]["id"], me["user"]["id"])

    def test_other_organizations_stay_invisible(self):
        other_owner = new_user(self.server, "other")
        other = other_owner.create_org("Elsewhere")
        token = hs256(claims("2d6c0f4e-supabase-user-2", unique_email("supa2"), self.org["id"], "admin"))
        expect_error(self, self.get(f"/api/v1/organizations/{other['id']}", token), 404, "not_found")

    def test_rejections(self):
        email = unique_email("bad")
        cases = {
            "expired": hs256(claims("s-exp", email, exp_in=-120)),
            "wrong secret": hs256(claims("s-sec", email), secret="x" * 40),
            "wrong issuer": hs256(claims("s-iss", email, iss="https://evil.example/auth/v1")),
            "wrong audience": hs256(claims("s-aud", email, aud="anon")),
            "alg none": b64url(b'{"alg":"none","typ":"JWT"}') + "." +
                        b64url(json.dumps(claims("s-none", email)).encode()) + ".",
        }
        for what, token in cases.items():
            with self.subTest(what):
                expect_error(self, self.get("/api/v1/me", token), 401, "unauthorized", what)


class SupabaseJwksFile(unittest.TestCase):
    """RS256 tokens signed by a key listed in a JWKS file (OpenSSL CLI signs them)."""

    def test_rs256_with_jwks_file(self):
        tmp = tempfile.mkdtemp()
        key = os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                        "-out", key], check=True, capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-modulus"], check=True,
                                 capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        jwk = {"kty": "RSA", "kid": "supa-key-1", "use": "sig", "alg": "RS256",
               "n": b64url(bytes.fromhex(modulus)), "e": "AQAB"}
        jwks_path = os.path.join(tmp, "jwks.json")
        with open(jwks_path, "w") as fh:
            json.dump({"keys": [jwk]}, fh)

        def rs256(payload):
            head = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "supa-key-1"}).encode())
            body = b64url(json.dumps(payload).encode())
            signing_input = f"{head}.{body}".encode()
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input,
                                 check=True, capture_output=True).stdout
            return f"{head}.{body}.{b64url(sig)}"

        with Server(extra_args=["--supabase-jwks-file", jwks_path, "--supabase-issuer", ISSUER]) as srv:
            token = rs256(claims("rs-user-1", unique_email("rs")))
            me = assert_status(srv.client().api("GET", "/api/v1/me", token=token), 200)
            self.assertTrue(me["user"]["id"].startswith("usr_"))
            bad = rs256(claims("rs-user-2", unique_email("rs"), iss="https://other/auth/v1"))
            expect_error(self, srv.client().api("GET", "/api/v1/me", token=bad), 401, "unauthorized")


class Sink(smtpd.SMTPServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = []

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.messages.append((mailfrom, rcpttos, data.decode() if isinstance(data, bytes) else data))


class InvitationEmail(unittest.TestCase):
    def test_invitation_is_emailed_through_smtp(self):
        port = free_port()
        sink = Sink(("127.0.0.1", port), None, decode_data=True)
        loop = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1, "count": 600}, daemon=True)
        loop.start()
        try:
            with Server(extra_args=["--smtp-url", f"smtp://127.0.0.1:{port}",
                                    "--smtp-from", "rooms@tradingroom.test"]) as srv:
                owner = new_user(srv, "mailer")
                org = owner.create_org("Mail Desk")
                invitee = unique_email("invitee")
                inv = assert_status(owner.invite(org["id"], invitee, "viewer"), 201)
                self.assertTrue(inv["emailed"], inv)
                deadline = time.time() + 5
                while not sink.messages and time.time() < deadline:
                    time.sleep(0.05)
                self.assertEqual(len(sink.messages), 1)
                mailfrom, rcpttos, data = sink.messages[0]
                self.assertEqual(mailfrom, "rooms@tradingroom.test")
                self.assertEqual(rcpttos, [invitee])
                self.assertIn(inv["acceptUrl"], data)
                self.assertIn("Mail Desk", data)
        finally:
            sink.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)

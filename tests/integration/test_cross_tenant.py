"""Tenant isolation: a user (or API key) of organization B never sees or touches organization A's
resources. Every such request answers 404 `not_found` (never 403, never data), listings never
show A's items, and A's data is unchanged afterwards."""
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    expect_error, Server, assert_status, join_org, new_user, unique_email)


class CrossTenant(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        srv = cls.server
        # organization A, with one of everything (business: audit log and API keys available)
        cls.a = new_user(srv, "alice")
        cls.secret = "SECRET-" + os.urandom(6).hex()
        cls.org_a = cls.a.create_org(f"Org A {cls.secret}", plan="business")
        A = cls.org_a["id"]
        cls.ws_a = cls.a.create_workspace(A, f"WS A {cls.secret}", cls.secret)
        cls.room_a = cls.a.create_room(cls.ws_a["id"], f"Room A {cls.secret}", cls.secret)
        cls.member_a = join_org(srv, cls.a, A, "host", tag="amember")
        cls.inv_a = assert_status(cls.a.invite(A, unique_email("apending"), "viewer"), 201)
        cls.key_a = assert_status(cls.a.api("POST", f"/api/v1/organizations/{A}/api-keys", {"name": "A key"}), 201)
        cls.file_a = assert_status(cls.a.upload(cls.room_a["id"], f"{cls.secret}.txt", cls.secret.encode(),
                                                "text/plain"), 201)
        # organization B, same plan, its owner has every permission in B
        cls.b = new_user(srv, "bob")
        cls.org_b = cls.b.create_org("Org B", plan="business")
        B = cls.org_b["id"]
        cls.ws_b = cls.b.create_workspace(B, "WS B")
        cls.room_b = cls.b.create_room(cls.ws_b["id"], "Room B")
        cls.key_b = assert_status(cls.b.api("POST", f"/api/v1/organizations/{B}/api-keys", {"name": "B key"}), 201)
        # a user without any organization
        cls.loner = new_user(srv, "loner")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def foreign_requests(self):
        A, B = self.org_a["id"], self.org_b["id"]
        ws, room, f = self.ws_a["id"], self.room_a["id"], self.file_a["id"]
        inv, key, member = self.inv_a["id"], self.key_a["id"], self.member_a.id
        return [
            ("GET", f"/api/v1/organizations/{A}", None),
            ("PATCH", f"/api/v1/organizations/{A}", {"name": "pwned"}),
            ("POST", f"/api/v1/organizations/{A}/workspaces", {"name": "pwned"}),
            ("GET", f"/api/v1/organizations/{A}/workspaces", None),
            ("GET", f"/api/v1/workspaces/{ws}", None),
            ("PATCH", f"/api/v1/workspaces/{ws}", {"name": "pwned"}),
            ("DELETE", f"/api/v1/workspaces/{ws}", None),
            ("POST", f"/api/v1/workspaces/{ws}/rooms", {"name": "pwned"}),
            ("GET", f"/api/v1/workspaces/{ws}/rooms", None),
            ("GET", f"/api/v1/organizations/{A}/rooms", None),
            ("GET", f"/api/v1/organizations/{A}/rooms?workspaceId={ws}", None),
            ("GET", f"/api/v1/rooms/{room}", None),
            ("PATCH", f"/api/v1/rooms/{room}", {"name": "pwned", "status": "closed"}),
            ("DELETE", f"/api/v1/rooms/{room}", None),
            ("GET", f"/api/v1/organizations/{A}/members", None),
            ("PATCH", f"/api/v1/organizations/{A}/members/{member}", {"role": "viewer"}),
            ("DELETE", f"/api/v1/organizations/{A}/members/{member}", None),
            ("POST", f"/api/v1/organizations/{A}/invitations", {"email": unique_email("x"), "role": "admin"}),
            ("GET", f"/api/v1/organizations/{A}/invitations", None),
            ("DELETE", f"/api/v1/organizations/{A}/invitations/{inv}", None),
            ("GET", f"/api/v1/organizations/{A}/usage", None),
            ("PUT", f"/api/v1/organizations/{A}/plan", {"plan": "starter", "acceptOverLimit": True}),
            ("POST", f"/api/v1/organizations/{A}/api-keys", {"name": "pwned"}),
            ("GET", f"/api/v1/organizations/{A}/api-keys", None),
            ("DELETE", f"/api/v1/organizations/{A}/api-keys/{key}", None),
            ("GET", f"/api/v1/organizations/{A}/audit-log", None),
            ("GET", f"/api/v1/organizations/{A}/analytics", None),
            ("POST", f"/api/v1/rooms/{room}/files?name=pwned.txt", b"pwned"),
            ("GET", f"/api/v1/rooms/{room}/files", None),
            ("GET", f"/api/v1/files/{f}", None),
            ("GET", f"/api/v1/files/{f}/content", None),
            ("DELETE", f"/api/v1/files/{f}", None),
            # A's ids under B's organization
            ("PATCH", f"/api/v1/organizations/{B}/members/{member}", {"role": "viewer"}),
            ("DELETE", f"/api/v1/organizations/{B}/members/{member}", None),
            ("DELETE", f"/api/v1/organizations/{B}/members/{self.a.id}", None),
            ("DELETE", f"/api/v1/organizations/{B}/invitations/{inv}", None),
            ("DELETE", f"/api/v1/organizations/{B}/api-keys/{key}", None),
            ("GET", f"/api/v1/organizations/{B}/rooms?workspaceId={ws}", "404-or-empty"),
        ]

    def send(self, client_or_user, method, path, body, token=None):
        if isinstance(body, bytes):
            return client_or_user.api(method, path, raw=body, headers={"Content-Type": "text/plain"}, token=token)
        if body == "404-or-empty":
            body = None
        return client_or_user.api(method, path, body, token=token)

    def assert_no_leak(self, r, what):
        self.assertNotIn(self.secret.encode(), r.raw, f"{what}: response leaks A's data")

    def run_as(self, actor, label, token=None, only_a_paths=False):
        for method, path, body in self.foreign_requests():
            if only_a_paths and self.org_b["id"] in path:
                continue
            with self.subTest(actor=label, request=f"{method} {path}"):
                r = self.send(actor, method, path, body, token=token)
                self.assert_no_leak(r, f"{label} {method} {path}")
                if body == "404-or-empty" and r.status == 200:
                    self.assertEqual(r.json["items"], [], f"{label} {method} {path}")
                    continue
                expect_error(self, r, 404, "not_found", f"{label} {method} {path}")
        self.assert_a_unchanged()

    def assert_a_unchanged(self):
        A = self.org_a["id"]
        a = self.a
        org = assert_status(a.api("GET", f"/api/v1/organizations/{A}"), 200)
        self.assertEqual((org["name"], org["plan"]), (self.org_a["name"], "business"))
        ws = assert_status(a.api("GET", f"/api/v1/workspaces/{self.ws_a['id']}"), 200)
        self.assertEqual(ws["name"], self.ws_a["name"])
        room = assert_status(a.api("GET", f"/api/v1/rooms/{self.room_a['id']}"), 200)
        self.assertEqual((room["name"], room["status"]), (self.room_a["name"], "idle"))
        self.assertEqual(len(a.list_all(f"/api/v1/organizations/{A}/workspaces")), 1)
        self.assertEqual(len(a.list_all(f"/api/v1/organizations/{A}/rooms")), 1)
        members = {m["userId"]: m["role"] for m in a.members(A)}
        self.assertEqual(members, {a.id: "owner", self.member_a.id: "host"})
        invs = [i for i in a.list_all(f"/api/v1/organizations/{A}/invitations") if i["status"] == "pending"]
        self.assertEqual([i["id"] for i in invs], [self.inv_a["id"]])
        keys = [k for k in a.list_all(f"/api/v1/organizations/{A}/api-keys") if not k.get("revokedAt")]
        self.assertEqual([k["id"] for k in keys], [self.key_a["id"]])
        files = a.list_all(f"/api/v1/rooms/{self.room_a['id']}/files")
        self.assertEqual([f["id"] for f in files], [self.file_a["id"]])
        self.assertEqual(a.api("GET", f"/api/v1/files/{self.file_a['id']}/content").raw, self.secret.encode())
        keyc = self.server.client(token=self.key_a["key"])
        assert_status(keyc.api("GET", f"/api/v1/organizations/{A}/rooms"), 200, "A's key still works")

    # ------------------------------------------------------------------------------------------
    def test_other_owner_gets_404_everywhere(self):
        self.run_as(self.b, "owner of B")

    def test_user_without_organization_gets_404_everywhere(self):
        self.run_as(self.loner, "user without organization")

    def test_api_key_of_b_gets_404_everywhere(self):
        # (requests on B's own organization are left out: what a key may do there is not the point)
        self.run_as(self.server.client(), "api key of B", token=self.key_b["key"], only_a_paths=True)

    def test_listings_never_show_a(self):
        b = self.b
        for path in ("/api/v1/organizations", f"/api/v1/organizations/{self.org_b['id']}/rooms",
                     f"/api/v1/organizations/{self.org_b['id']}/workspaces",
                     f"/api/v1/organizations/{self.org_b['id']}/members",
                     f"/api/v1/organizations/{self.org_b['id']}/invitations",
                     f"/api/v1/organizations/{self.org_b['id']}/api-keys",
                     f"/api/v1/organizations/{self.org_b['id']}/audit-log",
                     f"/api/v1/workspaces/{self.ws_b['id']}/rooms",
                     f"/api/v1/rooms/{self.room_b['id']}/files"):
            with self.subTest(path=path):
                r = b.api("GET", path)
                assert_status(r, 200, path)
                self.assert_no_leak(r, path)
                for forbidden_id in (self.org_a["id"], self.ws_a["id"], self.room_a["id"], self.a.id,
                                     self.member_a.id, self.inv_a["id"], self.key_a["id"], self.file_a["id"]):
                    self.assertNotIn(forbidden_id.encode(), r.raw, f"{path} shows A's {forbidden_id}")
        me = assert_status(b.api("GET", "/api/v1/me"), 200)
        self.assertEqual([o["id"] for o in me["organizations"]], [self.org_b["id"]])
        keyc = self.server.client(token=self.key_b["key"])
        r = keyc.api("GET", f"/api/v1/organizations/{self.org_b['id']}/rooms")
        self.assertEqual([x["id"] for x in assert_status(r, 200)["items"]], [self.room_b["id"]])

    def test_foreign_ids_in_bodies(self):
        # refresh naming an organization the user is not a member of
        b = new_user(self.server, "bodyref")
        r = b.client.refresh(b.refresh_token, self.org_a["id"])
        expect_error(self, r, 404, "not_found", "refresh with a foreign organizationId")
        self.assertNotIn("accessToken", r.json or {})
        # a refused refresh has no side effect: the same refresh token still works (and is not
        # treated as a replayed one)
        again = b.client.refresh(b.refresh_token)
        assert_status(again, 200, "the refresh token after a refused refresh")
        b._set_auth(again.json)
        assert_status(b.client.refresh(b.refresh_token), 200, "the session family is intact")
        # accepting A's invitation (made for another email) from B
        r = self.b.accept(self.inv_a_token())
        self.assertIn(r.status, (403, 404), r)
        self.assertNotIn(self.b.id, [m["userId"] for m in self.a.members(self.org_a["id"])])

    def inv_a_token(self):
        return self.inv_a["token"]

    def test_guessed_ids(self):
        guesses = {
            "org": "org_" + "a" * 20, "wsp": "wsp_" + "b" * 20, "room": "room_" + "c" * 20,
            "usr": "usr_" + "d" * 20, "inv": "inv_" + "e" * 20, "key": "key_" + "f" * 20,
        }
        B = self.org_b["id"]
        paths = [
            f"/api/v1/organizations/{guesses['org']}", f"/api/v1/organizations/{guesses['org']}/rooms",
            f"/api/v1/organizations/{guesses['org']}/usage", f"/api/v1/workspaces/{guesses['wsp']}",
            f"/api/v1/rooms/{guesses['room']}", f"/api/v1/rooms/{guesses['room']}/files",
            f"/api/v1/files/file_{'g' * 20}", f"/api/v1/files/file_{'g' * 20}/content",
            f"/api/v1/invitations/{'h' * 43}", f"/api/v1/organizations/{B}/rooms?workspaceId={guesses['wsp']}",
            "/api/v1/organizations/x", "/api/v1/rooms/..%2F..%2Fetc%2Fpasswd",
            f"/api/v1/organizations/{urllib.parse.quote(B + chr(39) + ' OR 1=1 --')}",
        ]
        for actor, label in ((self.b, "owner of B"), (self.a, "owner of A")):
            for path in paths:
                with self.subTest(actor=label, path=path):
                    r = actor.api("GET", path)
                    if "workspaceId=" in path and r.status == 200:
                        self.assertEqual(r.json["items"], [])
                        continue
                    expect_error(self, r, 404, "not_found", f"{label} GET {path}")
            for method, path, body in (
                    ("DELETE", f"/api/v1/organizations/{B}/members/{guesses['usr']}", None),
                    ("PATCH", f"/api/v1/organizations/{B}/members/{guesses['usr']}", {"role": "viewer"}),
                    ("DELETE", f"/api/v1/organizations/{B}/invitations/{guesses['inv']}", None),
                    ("DELETE", f"/api/v1/organizations/{B}/api-keys/{guesses['key']}", None),
                    ("POST", f"/api/v1/workspaces/{guesses['wsp']}/rooms", {"name": "x"}),
                    ("POST", f"/api/v1/invitations/{'h' * 43}/accept", None)):
                with self.subTest(actor=label, request=f"{method} {path}"):
                    expect_error(self, actor.api(method, path, body), 404, "not_found", f"{label} {method} {path}")


if __name__ == "__main__":
    unittest.main(verbosity=2)

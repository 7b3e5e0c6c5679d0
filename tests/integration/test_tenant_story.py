"""The life of one tenant, end to end over HTTP: accounts and tokens, organization, plan limits,
workspaces and rooms, invitations and members, plans, API keys, audit log, files, analytics.
Every test uses its own users and organization on one shared server."""
import json
import os
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    expect_error, PASSWORD, Server, assert_iso, assert_status, decode_jwt, feature,
    join_org, new_user, parse_iso, plan_feature, unique_email, unique_name, verify_rs256)

GiB = 1024 ** 3


def ids(items):
    return [x["id"] for x in items]


def over_limit_names(value) -> set:
    """Names of exceeded limits in an overLimits list / 409 details, whatever the exact shape."""
    names = set()

    def walk(v):
        if isinstance(v, str):
            names.add(v)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for key in ("limit", "resource", "name"):
                if isinstance(v.get(key), str):
                    names.add(v[key])
            for key, x in v.items():
                if key in ("workspaces", "rooms", "hosts", "storageBytes"):
                    names.add(key)
                if isinstance(x, (list, dict)):
                    walk(x)

    walk(value)
    return names


class TenantStory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    # helpers ----------------------------------------------------------------------------------
    def owner_with_org(self, plan="starter", tag="owner"):
        owner = new_user(self.server, tag)
        org = owner.create_org(unique_name("Acme Trading"), plan=plan)
        return owner, org

    def usage(self, user, org_id):
        return assert_status(user.api("GET", f"/api/v1/organizations/{org_id}/usage"), 200, "usage")

    def jwks(self):
        body = assert_status(self.server.get("/.well-known/jwks.json"), 200, "jwks")
        self.assertIsInstance(body.get("keys"), list)
        return body

    def check_user(self, user, email, name):
        self.assertTrue(user["id"].startswith("usr_"), user)
        self.assertEqual(user["email"], email)
        self.assertEqual(user["displayName"], name)
        assert_iso(user["createdAt"], "user.createdAt")
        self.assertNotIn("password", json.dumps(user).lower())

    def check_claims(self, token, user, org_id, role):
        header, claims = decode_jwt(token)
        self.assertEqual(header.get("alg"), "RS256", header)
        self.assertTrue(header.get("kid"), header)
        self.assertTrue({"sub", "email", "role", "app_metadata", "exp"} <= set(claims), claims)
        self.assertEqual(set(claims) - {"sub", "email", "role", "app_metadata", "exp", "iat", "iss"},
                         set(), f"unexpected claims in {claims}")
        self.assertEqual(claims["sub"], user.id)
        self.assertEqual(claims["email"], user.email)
        self.assertEqual(claims["role"], "authenticated")
        self.assertEqual(claims["app_metadata"], {"organization_id": org_id, "organization_role": role})
        self.assertIsInstance(claims["exp"], int)
        self.assertGreater(claims["exp"], time.time())
        self.assertLessEqual(claims["exp"], time.time() + 900 + 60, "default access TTL is 900 s")
        if "iat" in claims:
            self.assertEqual(claims["exp"] - claims["iat"], 900)
        if "iss" in claims:
            self.assertEqual(claims["iss"], "tradingroom")
        return header, claims

    # accounts ---------------------------------------------------------------------------------
    def test_01_signup_login_me(self):
        c = self.server.client()
        email = unique_email("alice")
        r = c.signup(email, PASSWORD, "Alice Trader")
        auth = assert_status(r, 201, "signup")
        self.assertEqual(set(auth) >= {"accessToken", "refreshToken", "expiresIn", "tokenType", "user"}, True, auth)
        self.assertEqual(auth["tokenType"], "Bearer")
        self.assertEqual(auth["expiresIn"], 900)
        self.assertIsInstance(auth["refreshToken"], str)
        self.assertGreaterEqual(len(auth["refreshToken"]), 20)
        self.check_user(auth["user"], email, "Alice Trader")

        expect_error(self, c.signup(email, PASSWORD, "Again"), 409, "email_taken", "duplicate signup")
        expect_error(self, c.login(email, "wrong-password-123"), 401, "invalid_credentials", "wrong password")
        expect_error(self, c.login(unique_email("nobody"), PASSWORD), 401, "invalid_credentials", "unknown email")

        login = assert_status(c.login(email, PASSWORD), 200, "login")
        self.assertEqual(login["user"]["id"], auth["user"]["id"])
        self.assertEqual(login["tokenType"], "Bearer")

        me = assert_status(c.api("GET", "/api/v1/me", token=login["accessToken"]), 200, "me")
        self.check_user(me["user"], email, "Alice Trader")
        self.assertEqual(me["organizations"], [])
        expect_error(self, c.api("GET", "/api/v1/me", token=""), 401, "unauthorized", "me without token")
        expect_error(self, c.api("GET", "/api/v1/me", token="not-a-jwt"), 401, "unauthorized", "me with garbage")

    def test_02_create_organization_and_token_claims(self):
        owner = new_user(self.server, "owner")
        name = unique_name("Acme Trading")
        r = owner.api("POST", "/api/v1/organizations", {"name": name})
        org = assert_status(r, 201, "create organization")
        self.assertTrue(org["id"].startswith("org_"), org)
        self.assertEqual(org["name"], name)
        self.assertIsInstance(org["slug"], str)
        self.assertTrue(org["slug"])
        self.assertEqual(org["plan"], "starter")
        self.assertEqual(org["ownerId"], owner.id)
        self.assertEqual(org["role"], "owner")
        self.assertIn("stripeCustomerId", org)
        assert_iso(org["createdAt"])

        me = assert_status(owner.api("GET", "/api/v1/me"), 200, "me")
        mine = [o for o in me["organizations"] if o["id"] == org["id"]]
        self.assertEqual(len(mine), 1, me)
        self.assertEqual(mine[0]["role"], "owner")
        self.assertEqual(mine[0]["plan"], "starter")

        listed = assert_status(owner.api("GET", "/api/v1/organizations"), 200, "list orgs")
        self.assertIn("nextCursor", listed)
        self.assertEqual(ids(listed["items"]), [org["id"]])

        got = assert_status(owner.api("GET", f"/api/v1/organizations/{org['id']}"), 200, "get org")
        self.assertEqual(got["id"], org["id"])
        self.assertEqual(got["role"], "owner")
        renamed = assert_status(owner.api("PATCH", f"/api/v1/organizations/{org['id']}",
                                          {"name": name + " Renamed"}), 200, "rename")
        self.assertEqual(renamed["name"], name + " Renamed")
        self.assertEqual(assert_status(owner.api("GET", f"/api/v1/organizations/{org['id']}"), 200)["name"],
                         name + " Renamed")

        # refresh: the new access token names the organization just created, with role owner
        r = owner.client.refresh(owner.refresh_token)
        auth = assert_status(r, 200, "refresh")
        self.assertNotEqual(auth["refreshToken"], owner.refresh_token, "refresh token rotates")
        header, _ = self.check_claims(auth["accessToken"], owner, org["id"], "owner")
        owner._set_auth(auth)

        # the JWKS publishes the RSA key that signed it
        keys = [k for k in self.jwks()["keys"] if k.get("kid") == header["kid"]]
        self.assertEqual(len(keys), 1, f"kid {header['kid']} in JWKS")
        key = keys[0]
        self.assertEqual(key["kty"], "RSA")
        self.assertTrue(key.get("n") and key.get("e"))
        self.assertNotIn("d", key, "JWKS must not publish the private exponent")
        self.assertTrue(verify_rs256(auth["accessToken"], key), "access token verifies with the JWKS key")
        self.assertGreaterEqual(len(decode_jwt(auth["accessToken"])[0]["kid"]), 1)

    def test_03_refresh_rotation_and_family_revocation(self):
        u = new_user(self.server, "rotator")
        c = u.client
        rt0 = u.refresh_token
        first = assert_status(c.refresh(rt0), 200, "first refresh")
        rt1 = first["refreshToken"]
        self.assertNotEqual(rt0, rt1)
        expect_error(self, c.refresh(rt0), 401, "invalid_refresh_token", "reusing a rotated refresh token")
        expect_error(self, c.refresh(rt1), 401, "invalid_refresh_token",
                     "the newest refresh token of a family whose old token was replayed")
        # a fresh login starts a new family
        again = assert_status(c.login(u.email, PASSWORD), 200, "login after family revocation")
        assert_status(c.refresh(again["refreshToken"]), 200, "refresh of the new family")
        expect_error(self, c.refresh("definitely-not-a-refresh-token"), 401, "invalid_refresh_token", "unknown refresh token")

    def test_04_refresh_selects_organization(self):
        u = new_user(self.server, "multi")
        org1 = u.create_org(unique_name("First"))
        org2 = u.create_org(unique_name("Second"))
        auth = assert_status(u.client.refresh(u.refresh_token), 200, "refresh without organizationId")
        u._set_auth(auth)
        self.check_claims(auth["accessToken"], u, org2["id"], "owner")
        auth = assert_status(u.client.refresh(u.refresh_token, org1["id"]), 200, "refresh for org1")
        u._set_auth(auth)
        self.check_claims(auth["accessToken"], u, org1["id"], "owner")
        # joining an organization makes it the most recent one
        other, org3 = self.owner_with_org(tag="other")
        inv = assert_status(other.invite(org3["id"], u.email, "viewer"), 201, "invite")
        assert_status(u.accept(inv["token"]), 200, "accept")
        auth = assert_status(u.client.refresh(u.refresh_token), 200, "refresh after joining")
        u._set_auth(auth)
        self.check_claims(auth["accessToken"], u, org3["id"], "viewer")
        me = assert_status(u.api("GET", "/api/v1/me"), 200)
        roles = {o["id"]: o["role"] for o in me["organizations"]}
        self.assertEqual(roles, {org1["id"]: "owner", org2["id"]: "owner", org3["id"]: "viewer"})

    def test_05_logout_revokes_refresh_token(self):
        u = new_user(self.server, "leaver")
        rt = u.refresh_token
        r = u.client.logout(rt)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.raw, b"")
        self.assertTrue(r.headers.get("X-Request-Id"))
        expect_error(self, u.client.refresh(rt), 401, "invalid_refresh_token", "refresh after logout")

    # workspaces and rooms -----------------------------------------------------------------------
    def test_06_starter_limits_workspaces_and_rooms(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        ws = owner.create_workspace(oid, "Day Trading", "equities")
        self.assertTrue(ws["id"].startswith("wsp_"), ws)
        self.assertEqual(ws["organizationId"], oid)
        self.assertEqual(ws["name"], "Day Trading")
        self.assertEqual(ws["description"], "equities")
        assert_iso(ws["createdAt"])
        self.assertEqual(assert_status(owner.api("GET", f"/api/v1/workspaces/{ws['id']}"), 200)["id"], ws["id"])

        err = expect_error(self, owner.api("POST", f"/api/v1/organizations/{oid}/workspaces", {"name": "Forex"}),
                           402, "workspace_limit_exceeded", "second workspace on starter")
        self.assertEqual(err.get("details"), {"limit": "workspaces", "max": 1, "current": 1, "plan": "starter"})

        rooms = []
        for i in range(3):
            room = owner.create_room(ws["id"], f"Room {i}", f"desc {i}")
            self.assertTrue(room["id"].startswith("room_"), room)
            self.assertEqual(room["organizationId"], oid)
            self.assertEqual(room["workspaceId"], ws["id"])
            self.assertEqual(room["name"], f"Room {i}")
            self.assertEqual(room["description"], f"desc {i}")
            self.assertEqual(room["status"], "idle")
            self.assertEqual(room["createdBy"], owner.id)
            self.assertEqual(room["viewerCount"], 0)
            assert_iso(room["createdAt"])
            assert_iso(room["updatedAt"])
            rooms.append(room)
        err = expect_error(self, owner.api("POST", f"/api/v1/workspaces/{ws['id']}/rooms", {"name": "Room 4"}),
                           402, "room_limit_exceeded", "fourth room on starter")
        self.assertEqual(err.get("details"), {"limit": "rooms", "max": 3, "current": 3, "plan": "starter"})
        listed = owner.list_all(f"/api/v1/organizations/{oid}/rooms")
        self.assertEqual(sorted(ids(listed)), sorted(ids(rooms)))

        usage = self.usage(owner, oid)
        self.assertEqual(usage["plan"], "starter")
        self.assertEqual(usage["usage"], {"workspaces": 1, "rooms": 3, "hosts": 0, "members": 1,
                                          "storageBytes": 0})
        limits = usage["limits"]
        self.assertEqual((limits["workspaces"], limits["rooms"], limits["hosts"], limits["viewers"]),
                         (1, 3, 1, 50))
        self.assertIn(limits["storageBytes"], (5 * GiB, 5 * 10 ** 9), "5 GB storage on starter")
        self.assertEqual(feature(limits, "recording"), False)
        self.assertEqual(feature(limits, "analytics"), "basic")
        self.assertEqual(feature(limits, "apiAccess"), False)
        self.assertEqual(feature(limits, "customBranding"), False)
        self.assertEqual(feature(limits, "sso"), False)
        self.assertEqual(feature(limits, "auditLogs"), False)

    def test_07_room_pagination(self):
        owner, org = self.owner_with_org()
        ws = owner.create_workspace(org["id"])
        created = [owner.create_room(ws["id"], f"P{i}")["id"] for i in range(3)]
        for base in (f"/api/v1/organizations/{org['id']}/rooms", f"/api/v1/workspaces/{ws['id']}/rooms"):
            with self.subTest(list=base):
                page1 = assert_status(owner.api("GET", f"{base}?limit=2"), 200, "page 1")
                self.assertEqual(len(page1["items"]), 2, page1)
                self.assertIsInstance(page1["nextCursor"], str)
                self.assertTrue(page1["nextCursor"])
                cur = urllib.parse.quote(page1["nextCursor"], safe="")
                page2 = assert_status(owner.api("GET", f"{base}?limit=2&cursor={cur}"), 200, "page 2")
                self.assertEqual(len(page2["items"]), 1, page2)
                self.assertIsNone(page2["nextCursor"])
                got = ids(page1["items"]) + ids(page2["items"])
                self.assertEqual(len(set(got)), 3, "no duplicates across pages")
                self.assertEqual(set(got), set(created))
                whole = assert_status(owner.api("GET", base), 200, "default page")
                self.assertEqual(len(whole["items"]), 3)
                self.assertIsNone(whole["nextCursor"])

    def test_08_room_filters_updates_and_deletes(self):
        owner, org = self.owner_with_org(plan="professional")
        oid = org["id"]
        wa = owner.create_workspace(oid, "A")
        wb = owner.create_workspace(oid, "B")
        a1 = owner.create_room(wa["id"], "a1")
        a2 = owner.create_room(wa["id"], "a2")
        b1 = owner.create_room(wb["id"], "b1")

        def listed(path):
            return set(ids(owner.list_all(path)))

        self.assertEqual(listed(f"/api/v1/organizations/{oid}/rooms?workspaceId={wa['id']}"), {a1["id"], a2["id"]})
        self.assertEqual(listed(f"/api/v1/organizations/{oid}/rooms?workspaceId={wb['id']}"), {b1["id"]})
        self.assertEqual(listed(f"/api/v1/workspaces/{wb['id']}/rooms"), {b1["id"]})

        time.sleep(1.1)  # so that updatedAt can differ from createdAt at one-second resolution
        live = assert_status(owner.api("PATCH", f"/api/v1/rooms/{a1['id']}",
                                       {"status": "live", "name": "a1 live", "description": "now"}), 200)
        self.assertEqual((live["status"], live["name"], live["description"]), ("live", "a1 live", "now"))
        self.assertGreater(parse_iso(live["updatedAt"]), parse_iso(live["createdAt"]))
        got = assert_status(owner.api("GET", f"/api/v1/rooms/{a1['id']}"), 200)
        self.assertEqual((got["status"], got["name"]), ("live", "a1 live"))
        self.assertEqual(listed(f"/api/v1/organizations/{oid}/rooms?status=live"), {a1["id"]})
        self.assertEqual(listed(f"/api/v1/organizations/{oid}/rooms?status=idle"), {a2["id"], b1["id"]})
        self.assertEqual(listed(f"/api/v1/workspaces/{wa['id']}/rooms?status=live"), {a1["id"]})
        self.assertEqual(listed(f"/api/v1/organizations/{oid}/rooms?workspaceId={wa['id']}&status=idle"),
                         {a2["id"]})
        err = expect_error(self, owner.api("PATCH", f"/api/v1/rooms/{a1['id']}", {"status": "bogus"}),
                           400, "validation_failed", "unknown room status")
        self.assertEqual((err.get("details") or {}).get("field"), "status")

        wsp = assert_status(owner.api("PATCH", f"/api/v1/workspaces/{wa['id']}",
                                      {"name": "A2", "description": "renamed"}), 200)
        self.assertEqual((wsp["name"], wsp["description"]), ("A2", "renamed"))
        self.assertEqual(set(ids(owner.list_all(f"/api/v1/organizations/{oid}/workspaces"))), {wa["id"], wb["id"]})

        expect_error(self, owner.api("DELETE", f"/api/v1/workspaces/{wa['id']}"), 409, "workspace_not_empty",
                     "deleting a workspace that has rooms")
        for room in (a1, a2):
            r = owner.api("DELETE", f"/api/v1/rooms/{room['id']}")
            self.assertEqual(r.status, 204, r)
            expect_error(self, owner.api("GET", f"/api/v1/rooms/{room['id']}"), 404, "not_found", "deleted room")
        r = owner.api("DELETE", f"/api/v1/workspaces/{wa['id']}")
        self.assertEqual(r.status, 204, r)
        expect_error(self, owner.api("GET", f"/api/v1/workspaces/{wa['id']}"), 404, "not_found", "deleted workspace")
        self.assertEqual(listed(f"/api/v1/organizations/{oid}/rooms"), {b1["id"]})
        self.assertEqual(self.usage(owner, oid)["usage"]["workspaces"], 1)
        self.assertEqual(self.usage(owner, oid)["usage"]["rooms"], 1)

    # invitations and members ------------------------------------------------------------------
    def test_09_invite_viewer_accept_role_change_remove(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        ws = owner.create_workspace(oid)
        room = owner.create_room(ws["id"])
        email = unique_email("viewer")

        inv = assert_status(owner.invite(oid, email, "viewer"), 201, "invite viewer")
        self.assertTrue(inv["id"].startswith("inv_"), inv)
        self.assertEqual((inv["organizationId"], inv["email"], inv["role"], inv["status"], inv["invitedBy"]),
                         (oid, email, "viewer", "pending", owner.id))
        self.assertIsInstance(inv["token"], str)
        self.assertGreaterEqual(len(inv["token"]), 16)
        self.assertIsInstance(inv["acceptUrl"], str)
        self.assertIn(inv["token"], inv["acceptUrl"])
        self.assertTrue(inv["acceptUrl"].startswith(f"http://localhost:{self.server.port}"), inv["acceptUrl"])
        assert_iso(inv["createdAt"])
        assert_iso(inv["expiresAt"])
        self.assertGreater(parse_iso(inv["expiresAt"]), time.time())
        token = inv["token"]

        anon = self.server.client()
        preview = assert_status(anon.api("GET", f"/api/v1/invitations/{token}"), 200, "invitation preview")
        self.assertEqual((preview["organizationName"], preview["email"], preview["role"], preview["status"]),
                         (org["name"], email, "viewer", "pending"))
        assert_iso(preview["expiresAt"])
        expect_error(self, anon.api("GET", "/api/v1/invitations/not-a-real-token"), 404, "not_found", "unknown token")

        pending = owner.list_all(f"/api/v1/organizations/{oid}/invitations")
        mine = [i for i in pending if i["id"] == inv["id"]]
        self.assertEqual(len(mine), 1)
        self.assertIsNone(mine[0].get("token"), "token only on creation")
        self.assertIsNone(mine[0].get("acceptUrl"), "acceptUrl only on creation")
        self.assertNotIn(token, json.dumps(pending), "token never listed")

        # someone else cannot accept it
        intruder = new_user(self.server, "intruder")
        r = intruder.accept(token)
        self.assertIn(r.status, (403, 404), r)
        expect_error(self, r, r.status, "invitation_email_mismatch" if r.status == 403 else "not_found", "accept someone else's invitation")
        self.assertNotIn(intruder.id, [m["userId"] for m in owner.members(oid)])
        self.assertEqual(assert_status(anon.api("GET", f"/api/v1/invitations/{token}"), 200)["status"], "pending")

        # the invitee signs up and accepts
        viewer = new_user(self.server, "viewer", email=email)
        member = assert_status(viewer.accept(token), 200, "accept")
        self.assertEqual((member["userId"], member["organizationId"], member["email"], member["role"]),
                         (viewer.id, oid, email, "viewer"))
        self.assertEqual(member["displayName"], viewer.name)
        assert_iso(member["joinedAt"])
        r = viewer.accept(token)
        expect_error(self, r, 409, None, "accepting twice")
        with self.subTest(error_code="already_member|conflict", request="accepting twice"):
            self.assertIn(r.json["error"]["code"], ("already_member", "conflict", "invitation_not_pending"), r.json)
        self.assertEqual(assert_status(anon.api("GET", f"/api/v1/invitations/{token}"), 200)["status"], "accepted")
        expect_error(self, owner.invite(oid, email, "viewer"), 409, "already_member", "inviting a member")
        expect_error(self, owner.invite(oid, owner.email, "admin"), 409, "already_member", "inviting the owner")

        members = owner.members(oid)
        self.assertEqual({m["userId"]: m["role"] for m in members}, {owner.id: "owner", viewer.id: "viewer"})
        only_viewers = owner.list_all(f"/api/v1/organizations/{oid}/members?role=viewer")
        self.assertEqual([m["userId"] for m in only_viewers], [viewer.id])
        viewer.use_org(oid)
        self.check_claims(viewer.access, viewer, oid, "viewer")
        me = assert_status(viewer.api("GET", "/api/v1/me"), 200)
        self.assertEqual([(o["id"], o["role"]) for o in me["organizations"]], [(oid, "viewer")])

        # what a viewer may and may not do
        err = expect_error(self, viewer.api("POST", f"/api/v1/workspaces/{ws['id']}/rooms", {"name": "nope"}),
                           403, "forbidden", "viewer creates a room")
        self.assertEqual((err.get("details") or {}).get("permission"), "create_rooms")
        err = expect_error(self, viewer.api("POST", f"/api/v1/organizations/{oid}/workspaces", {"name": "nope"}),
                           403, "forbidden", "viewer creates a workspace")
        self.assertEqual((err.get("details") or {}).get("permission"), "create_workspaces")
        expect_error(self, viewer.invite(oid, unique_email("x"), "viewer"), 403, "forbidden", "viewer invites")
        expect_error(self, viewer.api("GET", f"/api/v1/organizations/{oid}/invitations"), 403, "forbidden",
                     "viewer lists invitations")
        expect_error(self, viewer.api("PATCH", f"/api/v1/organizations/{oid}/members/{owner.id}", {"role": "viewer"}),
                     403, "forbidden", "viewer changes a role")
        self.assertEqual(ids(viewer.list_all(f"/api/v1/organizations/{oid}/rooms")), [room["id"]])
        self.assertEqual(ids(viewer.list_all(f"/api/v1/workspaces/{ws['id']}/rooms")), [room["id"]])
        assert_status(viewer.api("GET", f"/api/v1/rooms/{room['id']}"), 200, "viewer reads a room")
        assert_status(viewer.api("GET", f"/api/v1/organizations/{oid}"), 200, "viewer reads the org")
        self.assertEqual(len(viewer.members(oid)), 2, "members are visible to members")

        # role change, then removal
        changed = assert_status(owner.api("PATCH", f"/api/v1/organizations/{oid}/members/{viewer.id}",
                                          {"role": "moderator"}), 200, "change role")
        self.assertEqual((changed["userId"], changed["role"]), (viewer.id, "moderator"))
        self.assertEqual({m["userId"]: m["role"] for m in owner.members(oid)}[viewer.id], "moderator")
        expect_error(self, owner.api("PATCH", f"/api/v1/organizations/{oid}/members/{viewer.id}", {"role": "emperor"}),
                     400, "validation_failed", "unknown role")
        expect_error(self, viewer.api("POST", f"/api/v1/workspaces/{ws['id']}/rooms", {"name": "nope"}),
                     403, "forbidden", "moderator creates a room")
        r = owner.api("DELETE", f"/api/v1/organizations/{oid}/members/{viewer.id}")
        self.assertEqual(r.status, 204, r)
        self.assertEqual([m["userId"] for m in owner.members(oid)], [owner.id])
        # the removed member loses access at once (same access token)
        expect_error(self, viewer.api("GET", f"/api/v1/organizations/{oid}"), 404, "not_found", "removed member: org")
        expect_error(self, viewer.api("GET", f"/api/v1/rooms/{room['id']}"), 404, "not_found", "removed member: room")
        self.assertEqual(assert_status(viewer.api("GET", "/api/v1/me"), 200)["organizations"], [])
        expect_error(self, owner.api("DELETE", f"/api/v1/organizations/{oid}/members/{viewer.id}"), 404, "not_found",
                     "removing a non-member")

    def test_10_revoke_invitation(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        email = unique_email("revoked")
        inv = assert_status(owner.invite(oid, email, "viewer"), 201)
        r = owner.api("DELETE", f"/api/v1/organizations/{oid}/invitations/{inv['id']}")
        self.assertEqual(r.status, 204, r)
        preview = self.server.client().api("GET", f"/api/v1/invitations/{inv['token']}")
        if preview.status == 200:
            self.assertEqual(preview.json["status"], "revoked")
        else:
            expect_error(self, preview, 404, "not_found", "preview of a revoked invitation")
        invitee = new_user(self.server, "revoked", email=email)
        r = invitee.accept(inv["token"])
        self.assertIn(r.status, (404, 409, 410), r)
        self.assertNotIn(invitee.id, [m["userId"] for m in owner.members(oid)])
        expect_error(self, owner.api("DELETE", f"/api/v1/organizations/{oid}/invitations/inv_doesnotexist0000000"),
                     404, "not_found", "revoking an unknown invitation")

    def test_11_leave_and_owner_protection(self):
        owner, org = self.owner_with_org(plan="enterprise")
        oid = org["id"]
        admin = join_org(self.server, owner, oid, "admin")
        viewer = join_org(self.server, owner, oid, "viewer")
        r = viewer.api("DELETE", f"/api/v1/organizations/{oid}/members/{viewer.id}")
        self.assertEqual(r.status, 204, r)
        self.assertNotIn(viewer.id, [m["userId"] for m in owner.members(oid)])
        # a viewer cannot remove someone else
        v2 = join_org(self.server, owner, oid, "viewer")
        expect_error(self, v2.api("DELETE", f"/api/v1/organizations/{oid}/members/{admin.id}"), 403, "forbidden",
                     "viewer removes an admin")
        # nobody removes or demotes the owner, and the owner cannot leave (one owner per org)
        for actor, what in ((admin, "admin removes owner"), (owner, "owner leaves")):
            r = actor.api("DELETE", f"/api/v1/organizations/{oid}/members/{owner.id}")
            self.assertIn(r.status, (403, 409), f"{what}: {r}")
        r = admin.api("PATCH", f"/api/v1/organizations/{oid}/members/{owner.id}", {"role": "viewer"})
        self.assertIn(r.status, (403, 409), f"admin demotes owner: {r}")
        r = admin.invite(oid, unique_email("o2"), "owner")
        self.assertIn(r.status, (400, 403), f"inviting a second owner: {r}")
        self.assertEqual({m["userId"]: m["role"] for m in owner.members(oid)}[owner.id], "owner")

    # plans ----------------------------------------------------------------------------------------
    def test_12_plans_catalogue(self):
        body = assert_status(self.server.get("/api/v1/plans"), 200, "plans")
        plans = {}
        for p in body["items"]:
            pid = p.get("id") or p.get("plan")
            plans[pid] = p
        self.assertEqual(list(plans), ["starter", "professional", "business", "enterprise"], "cheapest first")
        expected = {
            "starter": (1, 3, 1, 50, False, "basic", False, False, False, False),
            "professional": (3, 10, 3, 200, True, "advanced", True, False, False, False),
            "business": (10, 50, 10, 1000, True, "full", True, True, True, True),
            "enterprise": (None, None, None, None, True, "full", True, True, True, True),
        }
        for pid, exp in expected.items():
            lim, pl = plans[pid]["limits"], plans[pid]
            got = (lim["workspaces"], lim["rooms"], lim["hosts"], lim["viewers"],
                   plan_feature(pl, "recording"), plan_feature(pl, "analytics"), plan_feature(pl, "apiAccess"),
                   plan_feature(pl, "customBranding"), plan_feature(pl, "sso"), plan_feature(pl, "auditLogs"))
            self.assertEqual(got, exp, pid)
        storage = [plans[p]["limits"]["storageBytes"] for p in ("starter", "professional", "business", "enterprise")]
        self.assertIn(storage, ([5 * GiB, 25 * GiB, 100 * GiB, 1024 * GiB],
                                [5 * 10 ** 9, 25 * 10 ** 9, 100 * 10 ** 9, 10 ** 12]), storage)

    def test_13_upgrade_then_downgrade_over_limits(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        ws1 = owner.create_workspace(oid)
        rooms = [owner.create_room(ws1["id"]) for _ in range(3)]

        res = owner.set_plan(oid, "professional")
        self.assertEqual(res["organization"]["id"], oid)
        self.assertEqual(res["organization"]["plan"], "professional")
        self.assertEqual(res["usage"]["plan"], "professional")
        lim = res["usage"]["limits"]
        self.assertEqual((lim["workspaces"], lim["rooms"], lim["hosts"], lim["viewers"]), (3, 10, 3, 200))
        self.assertEqual(res["overLimits"], [])
        self.assertEqual(assert_status(owner.api("GET", f"/api/v1/organizations/{oid}"), 200)["plan"], "professional")

        ws2 = owner.create_workspace(oid)
        rooms.append(owner.create_room(ws2["id"]))

        r = owner.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "starter"})
        expect_error(self, r, 409, "plan_usage_exceeds_limits", "downgrade while over the limits")
        self.assertTrue({"workspaces", "rooms"} <= over_limit_names(r.json["error"].get("details")),
                        f"409 details list the exceeded limits: {r.json}")
        self.assertEqual(assert_status(owner.api("GET", f"/api/v1/organizations/{oid}"), 200)["plan"],
                         "professional", "refused downgrade changes nothing")
        r = owner.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "starter", "acceptOverLimit": False})
        expect_error(self, r, 409, "plan_usage_exceeds_limits", "acceptOverLimit false")

        res = owner.set_plan(oid, "starter", accept_over_limit=True)
        self.assertEqual(res["organization"]["plan"], "starter")
        self.assertEqual(over_limit_names(res["overLimits"]), {"workspaces", "rooms"}, res["overLimits"])
        for entry in res["overLimits"]:
            if isinstance(entry, dict) and entry.get("limit") == "rooms":
                self.assertEqual((entry.get("max"), entry.get("current")), (3, 4), entry)
            if isinstance(entry, dict) and entry.get("limit") == "workspaces":
                self.assertEqual((entry.get("max"), entry.get("current")), (1, 2), entry)
        self.assertEqual(self.usage(owner, oid)["usage"]["rooms"], 4, "existing rooms are kept")

        # over the limit: nothing new until usage drops below it
        err = expect_error(self, owner.api("POST", f"/api/v1/workspaces/{ws1['id']}/rooms", {"name": "x"}),
                           402, "room_limit_exceeded", "room while over the limit")
        self.assertEqual(err.get("details"), {"limit": "rooms", "max": 3, "current": 4, "plan": "starter"})
        expect_error(self, owner.api("POST", f"/api/v1/organizations/{oid}/workspaces", {"name": "x"}),
                     402, "workspace_limit_exceeded", "workspace while over the limit")
        self.assertEqual(owner.api("DELETE", f"/api/v1/rooms/{rooms[0]['id']}").status, 204)
        expect_error(self, owner.api("POST", f"/api/v1/workspaces/{ws1['id']}/rooms", {"name": "x"}),
                     402, "room_limit_exceeded", "room at the limit")
        self.assertEqual(owner.api("DELETE", f"/api/v1/rooms/{rooms[1]['id']}").status, 204)
        owner.create_room(ws1["id"], "fits again")
        # upgrade is always allowed; unknown plan is a validation error
        self.assertEqual(owner.set_plan(oid, "enterprise")["overLimits"], [])
        err = expect_error(self, owner.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "platinum"}),
                           400, "validation_failed", "unknown plan")
        self.assertEqual((err.get("details") or {}).get("field"), "plan")

    def test_14_host_limit_on_starter(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        outcomes = []
        invitations = []
        for role in ("host", "co-host"):
            email = unique_email(role)
            r = owner.invite(oid, email, role)
            if r.status == 402:
                err = expect_error(self, r, 402, "host_limit_exceeded", f"invite {role}")
                self.assertEqual((err.get("details") or {}).get("limit"), "hosts")
                self.assertEqual((err.get("details") or {}).get("max"), 1)
                outcomes.append("refused at invitation")
                continue
            inv = assert_status(r, 201, f"invite {role}")
            invitations.append((role, email, inv))
        self.assertGreaterEqual(len(invitations), 1, "the first host invitation is accepted")
        accepted = 0
        for role, email, inv in invitations:
            user = new_user(self.server, role, email=email)
            r = user.accept(inv["token"])
            if accepted == 0:
                assert_status(r, 200, f"first host ({role}) accepts")
                accepted += 1
            else:
                err = expect_error(self, r, 402, "host_limit_exceeded", f"second host ({role}) accepts")
                self.assertEqual((err.get("details") or {}).get("limit"), "hosts")
                outcomes.append("refused at acceptance")
        self.assertEqual(len(outcomes), 1, "the second host is refused exactly once")
        hosts = [m for m in owner.members(oid) if m["role"] in ("host", "co-host")]
        self.assertEqual(len(hosts), 1, hosts)

        # promotions count too; owner and admins do not
        viewer = join_org(self.server, owner, oid, "viewer")
        for role in ("host", "co-host"):
            expect_error(self, owner.api("PATCH", f"/api/v1/organizations/{oid}/members/{viewer.id}", {"role": role}),
                         402, "host_limit_exceeded", f"promote viewer to {role}")
        join_org(self.server, owner, oid, "admin")
        members = owner.members(oid)
        self.assertEqual({m["userId"]: m["role"] for m in members}[viewer.id], "viewer")
        self.assertEqual(len([m for m in members if m["role"] in ("host", "co-host")]), 1)
        usage = self.usage(owner, oid)["usage"]
        self.assertEqual((usage["hosts"], usage["members"]), (1, 4))
        # more hosts after an upgrade
        owner.set_plan(oid, "professional")
        promoted = assert_status(owner.api("PATCH", f"/api/v1/organizations/{oid}/members/{viewer.id}",
                                           {"role": "co-host"}), 200, "promotion after upgrade")
        self.assertEqual(promoted["role"], "co-host")

    # API keys -------------------------------------------------------------------------------------
    def test_15_api_keys(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        ws = owner.create_workspace(oid)
        room = owner.create_room(ws["id"])
        err = expect_error(self, owner.api("POST", f"/api/v1/organizations/{oid}/api-keys", {"name": "ci"}),
                           403, "plan_feature_unavailable", "api key on starter")
        self.assertEqual((err.get("details") or {}).get("feature"), "api_access")

        owner.set_plan(oid, "professional")
        r = owner.api("POST", f"/api/v1/organizations/{oid}/api-keys", {"name": "ci"})
        created = assert_status(r, 201, "create api key")
        key = created["key"]
        self.assertTrue(created["id"].startswith("key_"), created)
        self.assertTrue(key.startswith("trk_"), "key has the trk_ prefix")
        self.assertGreaterEqual(len(key), 24)
        self.assertEqual((created["organizationId"], created["name"], created["createdBy"]), (oid, "ci", owner.id))
        self.assertTrue(key.startswith(created["prefix"]), created)
        self.assertLess(len(created["prefix"]), len(key))
        self.assertIsNone(created["revokedAt"])
        self.assertIsNone(created["lastUsedAt"])

        r = owner.api("GET", f"/api/v1/organizations/{oid}/api-keys")
        listed = assert_status(r, 200, "list api keys")
        self.assertEqual(ids(listed["items"]), [created["id"]])
        self.assertNotIn("key", listed["items"][0], "plaintext key is never listed")
        self.assertNotIn(key.encode(), r.raw, "plaintext key is never listed")

        keyc = self.server.client(token=key)
        rooms = assert_status(keyc.api("GET", f"/api/v1/organizations/{oid}/rooms"), 200, "api key lists rooms")
        self.assertEqual(ids(rooms["items"]), [room["id"]])
        item = owner.list_all(f"/api/v1/organizations/{oid}/api-keys")[0]
        self.assertIsNotNone(item["lastUsedAt"], "lastUsedAt is set once the key is used")
        expect_error(self, keyc.api("GET", f"/api/v1/organizations/{oid}/rooms", token=key[:-1] + ("A" if key[-1] != "A" else "B")),
                     401, "unauthorized", "tampered api key")

        r = owner.api("DELETE", f"/api/v1/organizations/{oid}/api-keys/{created['id']}")
        self.assertEqual(r.status, 204, r)
        expect_error(self, keyc.api("GET", f"/api/v1/organizations/{oid}/rooms"), 401, "unauthorized", "revoked api key")

        # a key stops working when the plan loses API access
        second = assert_status(owner.api("POST", f"/api/v1/organizations/{oid}/api-keys", {"name": "two"}), 201)
        k2 = self.server.client(token=second["key"])
        assert_status(k2.api("GET", f"/api/v1/organizations/{oid}/rooms"), 200)
        owner.set_plan(oid, "starter")
        r = k2.api("GET", f"/api/v1/organizations/{oid}/rooms")
        self.assertIn(r.status, (401, 403), f"api key after downgrade to starter: {r}")
        expect_error(self, r, r.status, "unauthorized" if r.status == 401 else "plan_feature_unavailable")

    # audit log ------------------------------------------------------------------------------------
    def test_16_audit_log(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        path = f"/api/v1/organizations/{oid}/audit-log"
        err = expect_error(self, owner.api("GET", path), 403, "plan_feature_unavailable", "audit log on starter")
        self.assertEqual((err.get("details") or {}).get("feature"), "audit_logs")
        owner.set_plan(oid, "professional")
        expect_error(self, owner.api("GET", path), 403, "plan_feature_unavailable", "audit log on professional")
        owner.set_plan(oid, "business")

        ws = owner.create_workspace(oid)
        room = owner.create_room(ws["id"])
        viewer = join_org(self.server, owner, oid, "viewer")
        assert_status(owner.api("PATCH", f"/api/v1/organizations/{oid}/members/{viewer.id}", {"role": "moderator"}), 200)
        key = assert_status(owner.api("POST", f"/api/v1/organizations/{oid}/api-keys", {"name": "audit"}), 201)

        entries = owner.list_all(path)
        self.assertTrue(entries)
        for e in entries:
            self.assertEqual(e["organizationId"], oid, e)
            self.assertIsInstance(e["action"], str)
            self.assertTrue(e["action"])
            assert_iso(e["createdAt"], "audit createdAt")
            self.assertIn("ip", e)
        norm = lambda a: a.lower().replace("-", "_").replace(".", "_")  # noqa: E731
        mine = [e for e in entries if e.get("actorId") == owner.id]
        for e in mine:
            self.assertEqual(e["ip"], owner.client.ip, f"client address from X-Forwarded-For: {e}")
            if "actorEmail" in e and e["actorEmail"] is not None:
                self.assertEqual(e["actorEmail"], owner.email)

        def find(pred, what):
            found = [e for e in entries if pred(norm(e["action"]), e)]
            self.assertTrue(found, f"audit log has {what}: {[e['action'] for e in entries]}")
            return found

        find(lambda a, e: "room" in a and e.get("targetId") == room["id"] and e.get("actorId") == owner.id,
             "the room creation")
        find(lambda a, e: "plan" in a and e.get("actorId") == owner.id, "the plan change")
        find(lambda a, e: ("role" in a or ("member" in a and ("update" in a or "change" in a)))
             and e.get("targetId") in (viewer.id, None), "the role change")
        find(lambda a, e: "invit" in a or "join" in a or "accept" in a
             or ("member" in a and ("add" in a or "creat" in a)), "the membership change")
        find(lambda a, e: ("api_key" in a or "apikey" in a) and e.get("targetId") in (key["id"], None),
             "the api key creation")
        self.assertNotIn(key["key"], json.dumps(entries), "the plaintext key is not in the audit log")

        action = next(e["action"] for e in entries if "room" in norm(e["action"]))
        filtered = owner.list_all(f"{path}?action={urllib.parse.quote(action)}")
        self.assertTrue(filtered)
        self.assertEqual({e["action"] for e in filtered}, {action})
        expect_error(self, viewer.api("GET", path), 403, "forbidden", "moderator reads the audit log")

    # files ----------------------------------------------------------------------------------------
    def test_17_files(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        ws = owner.create_workspace(oid)
        room = owner.create_room(ws["id"])
        viewer = join_org(self.server, owner, oid, "viewer")
        data = bytes(range(256)) * 40
        r = owner.upload(room["id"], "report Q3.pdf", data, "application/pdf")
        f = assert_status(r, 201, "upload")
        self.assertEqual((f["organizationId"], f["roomId"], f["name"], f["contentType"], f["sizeBytes"],
                          f["uploadedBy"]), (oid, room["id"], "report Q3.pdf", "application/pdf", len(data), owner.id))
        self.assertIsInstance(f["id"], str)
        assert_iso(f["createdAt"])

        self.assertEqual(ids(owner.list_all(f"/api/v1/rooms/{room['id']}/files")), [f["id"]])
        self.assertEqual(ids(viewer.list_all(f"/api/v1/rooms/{room['id']}/files")), [f["id"]])
        meta = assert_status(owner.api("GET", f"/api/v1/files/{f['id']}"), 200)
        self.assertEqual(meta["sizeBytes"], len(data))
        for who in (owner, viewer):
            r = who.api("GET", f"/api/v1/files/{f['id']}/content")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.raw, data, "downloaded bytes equal the uploaded ones")
            self.assertTrue((r.headers.get("Content-Type") or "").startswith("application/pdf"), r.headers)
        self.assertEqual(self.usage(owner, oid)["usage"]["storageBytes"], len(data))

        big = os.urandom(1536 * 1024)  # over the 1 MiB JSON limit, under the 25 MiB file limit
        g = assert_status(owner.upload(room["id"], "tape.bin", big), 201, "1.5 MiB upload")
        self.assertEqual(g["sizeBytes"], len(big))
        self.assertEqual(owner.api("GET", f"/api/v1/files/{g['id']}/content").raw, big)
        self.assertEqual(self.usage(owner, oid)["usage"]["storageBytes"], len(data) + len(big))

        err = expect_error(self, viewer.upload(room["id"], "v.txt", b"hi", "text/plain"), 403, "forbidden",
                           "viewer uploads")
        self.assertEqual((err.get("details") or {}).get("permission"), "upload_files")
        expect_error(self, viewer.api("DELETE", f"/api/v1/files/{f['id']}"), 403, "forbidden", "viewer deletes a file")
        err = expect_error(self, owner.api("POST", f"/api/v1/rooms/{room['id']}/files", raw=b"x",
                                     headers={"Content-Type": "text/plain"}),
                           400, "validation_failed", "upload without ?name=")
        self.assertEqual((err.get("details") or {}).get("field"), "name")
        expect_error(self, owner.upload("room_doesnotexist00000000", "x.txt", b"x"), 404, "not_found", "unknown room")

        for fid in (f["id"], g["id"]):
            r = owner.api("DELETE", f"/api/v1/files/{fid}")
            self.assertEqual(r.status, 204, r)
            expect_error(self, owner.api("GET", f"/api/v1/files/{fid}"), 404, "not_found", "deleted file")
            expect_error(self, owner.api("GET", f"/api/v1/files/{fid}/content"), 404, "not_found", "deleted file content")
        self.assertEqual(owner.list_all(f"/api/v1/rooms/{room['id']}/files"), [])
        self.assertEqual(self.usage(owner, oid)["usage"]["storageBytes"], 0, "deleted files free storage")

    # analytics ------------------------------------------------------------------------------------
    def test_18_analytics(self):
        owner, org = self.owner_with_org()
        oid = org["id"]
        path = f"/api/v1/organizations/{oid}/analytics"
        ws = owner.create_workspace(oid)
        r1 = owner.create_room(ws["id"])
        owner.create_room(ws["id"])
        assert_status(owner.api("PATCH", f"/api/v1/rooms/{r1['id']}", {"status": "live"}), 200)
        host = join_org(self.server, owner, oid, "host")
        viewer = join_org(self.server, owner, oid, "viewer")
        moderator = join_org(self.server, owner, oid, "moderator")

        a = assert_status(owner.api("GET", path), 200, "owner analytics")
        self.assertEqual(a["level"], "basic")
        self.assertEqual(a["rooms"], {"total": 2, "live": 1, "idle": 1, "closed": 0})
        self.assertEqual(a["workspaces"], 1)
        self.assertEqual(a["members"]["total"], 4)
        by_role = {k: v for k, v in a["members"]["byRole"].items() if v}
        self.assertEqual(by_role, {"owner": 1, "host": 1, "viewer": 1, "moderator": 1})
        self.assertEqual(a["storageBytes"], 0)
        self.assertEqual(assert_status(host.api("GET", path), 200, "host analytics")["level"], "basic")
        for who, role in ((viewer, "viewer"), (moderator, "moderator")):
            err = expect_error(self, who.api("GET", path), 403, "forbidden", f"{role} analytics")
            self.assertEqual((err.get("details") or {}).get("permission"), "view_analytics")
        owner.set_plan(oid, "professional")
        self.assertEqual(assert_status(owner.api("GET", path), 200)["level"], "advanced")
        owner.set_plan(oid, "business")
        self.assertEqual(assert_status(owner.api("GET", path), 200)["level"], "full")


if __name__ == "__main__":
    unittest.main(verbosity=2)

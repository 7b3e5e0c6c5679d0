"""The permission matrix of blueprint section 3, cell by cell, for every permission reachable over
HTTP and all six roles, on an Enterprise organization (so no plan limit or plan feature gets in
the way). Denied = 403 `forbidden` with `details.permission`. Streaming, screen sharing, muting,
removing participants and chat are signaling permissions, covered by a C++ unit test."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    expect_error, ROLES, Server, assert_status, join_org, new_user, unique_email, unique_name)

# Blueprint section 3, the HTTP-reachable rows.
MATRIX = {
    "manage_billing":      {"owner"},
    "manage_organization": {"owner", "admin"},
    "create_workspaces":   {"owner", "admin"},
    "create_rooms":        {"owner", "admin", "host"},
    "upload_files":        {"owner", "admin", "host", "co-host"},
    "view_analytics":      {"owner", "admin", "host"},
    "manage_integrations": {"owner", "admin"},
    "view":                set(ROLES),
}


class PermissionMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        owner = new_user(cls.server, "owner")
        cls.org = owner.create_org(unique_name("Matrix"), plan="enterprise")
        cls.oid = cls.org["id"]
        cls.ws = owner.create_workspace(cls.oid, "Main")
        cls.room = owner.create_room(cls.ws["id"], "Lobby")
        cls.users = {"owner": owner}
        for role in ROLES[1:]:
            cls.users[role] = join_org(cls.server, owner, cls.oid, role)
        cls.target = join_org(cls.server, owner, cls.oid, "viewer", tag="target")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def check(self, permission, action, success_status, what):
        """Runs action(user, role) for all six roles; asserts success or 403 forbidden."""
        allowed = MATRIX[permission]
        for role in ROLES:
            user = self.users[role]
            with self.subTest(permission=permission, action=what, role=role):
                r = action(user, role)
                if role in allowed:
                    self.assertEqual(r.status, success_status,
                                     f"{role} should be allowed to {what} ({permission}): {r}")
                else:
                    err = expect_error(self, r, 403, "forbidden", f"{role} must not {what} ({permission})")
                    self.assertEqual((err.get("details") or {}).get("permission"), permission, err)

    # each role really holds its role ----------------------------------------------------------
    def test_roles_are_as_invited(self):
        members = {m["userId"]: m["role"] for m in self.users["owner"].members(self.oid)}
        for role in ROLES:
            self.assertEqual(members[self.users[role].id], role)
            org = assert_status(self.users[role].api("GET", f"/api/v1/organizations/{self.oid}"), 200)
            self.assertEqual(org["role"], role, "Organization.role is the caller's role")

    # rows of the matrix -------------------------------------------------------------------------
    def test_manage_billing(self):
        self.check("manage_billing",
                   lambda u, role: u.api("PUT", f"/api/v1/organizations/{self.oid}/plan", {"plan": "enterprise"}),
                   200, "change the plan")
        org = assert_status(self.users["owner"].api("GET", f"/api/v1/organizations/{self.oid}"), 200)
        self.assertEqual(org["plan"], "enterprise")

    def test_manage_organization(self):
        self.check("manage_organization",
                   lambda u, role: u.api("PATCH", f"/api/v1/organizations/{self.oid}",
                                         {"name": f"Matrix renamed by {role}"}),
                   200, "rename the organization")
        self.check("manage_organization",
                   lambda u, role: u.invite(self.oid, unique_email(f"by-{role}"), "viewer"),
                   201, "invite")
        self.check("manage_organization",
                   lambda u, role: u.api("GET", f"/api/v1/organizations/{self.oid}/invitations"),
                   200, "list invitations")

        def revoke(u, role):
            inv = assert_status(self.users["owner"].invite(self.oid, unique_email("revoke"), "viewer"), 201)
            return u.api("DELETE", f"/api/v1/organizations/{self.oid}/invitations/{inv['id']}")

        self.check("manage_organization", revoke, 204, "revoke an invitation")
        self.check("manage_organization",
                   lambda u, role: u.api("PATCH", f"/api/v1/organizations/{self.oid}/members/{self.target.id}",
                                         {"role": "viewer"}),
                   200, "change a member's role")
        self.check("manage_organization",
                   lambda u, role: u.api("GET", f"/api/v1/organizations/{self.oid}/audit-log"),
                   200, "read the audit log")

        def remove(u, role):
            victim = join_org(self.server, self.users["owner"], self.oid, "viewer", tag=f"victim-{role}")
            return u.api("DELETE", f"/api/v1/organizations/{self.oid}/members/{victim.id}")

        self.check("manage_organization", remove, 204, "remove a member")
        org = assert_status(self.users["owner"].api("GET", f"/api/v1/organizations/{self.oid}"), 200)
        self.assertEqual(org["name"], "Matrix renamed by admin", "denied renames changed nothing")

    def test_create_workspaces(self):
        self.check("create_workspaces",
                   lambda u, role: u.api("POST", f"/api/v1/organizations/{self.oid}/workspaces",
                                         {"name": f"WS of {role}"}),
                   201, "create a workspace")
        self.check("create_workspaces",
                   lambda u, role: u.api("PATCH", f"/api/v1/workspaces/{self.ws['id']}",
                                         {"description": f"edited by {role}"}),
                   200, "edit a workspace")

        def delete(u, role):
            ws = self.users["owner"].create_workspace(self.oid, f"doomed {role}")
            return u.api("DELETE", f"/api/v1/workspaces/{ws['id']}")

        self.check("create_workspaces", delete, 204, "delete a workspace")

    def test_create_rooms(self):
        self.check("create_rooms",
                   lambda u, role: u.api("POST", f"/api/v1/workspaces/{self.ws['id']}/rooms",
                                         {"name": f"Room of {role}"}),
                   201, "create a room")
        self.check("create_rooms",
                   lambda u, role: u.api("PATCH", f"/api/v1/rooms/{self.room['id']}",
                                         {"description": f"edited by {role}"}),
                   200, "edit a room")

        def delete(u, role):
            room = self.users["owner"].create_room(self.ws["id"], f"doomed {role}")
            return u.api("DELETE", f"/api/v1/rooms/{room['id']}")

        self.check("create_rooms", delete, 204, "delete a room")

    def test_upload_files(self):
        self.check("upload_files",
                   lambda u, role: u.upload(self.room["id"], f"{role}.txt", f"from {role}".encode(), "text/plain"),
                   201, "upload a file")

    def test_delete_files(self):
        """DELETE /files/{id}: the uploader (with upload_files) or manage_organization."""
        owner, admin, host, cohost, mod, viewer = (self.users[r] for r in ROLES)
        f = assert_status(host.upload(self.room["id"], "host.txt", b"host data", "text/plain"), 201)
        for who, role in ((cohost, "co-host"), (mod, "moderator"), (viewer, "viewer")):
            expect_error(self, who.api("DELETE", f"/api/v1/files/{f['id']}"), 403, "forbidden",
                         f"{role} deletes a file someone else uploaded")
        self.assertEqual(admin.api("DELETE", f"/api/v1/files/{f['id']}").status, 204, "admin (manage_organization)")
        g = assert_status(cohost.upload(self.room["id"], "cohost.txt", b"co-host data", "text/plain"), 201)
        self.assertEqual(cohost.api("DELETE", f"/api/v1/files/{g['id']}").status, 204, "uploader deletes own file")
        h = assert_status(cohost.upload(self.room["id"], "cohost2.txt", b"more", "text/plain"), 201)
        self.assertEqual(owner.api("DELETE", f"/api/v1/files/{h['id']}").status, 204, "owner deletes any file")

    def test_view_analytics(self):
        self.check("view_analytics",
                   lambda u, role: u.api("GET", f"/api/v1/organizations/{self.oid}/analytics"),
                   200, "view analytics")

    def test_manage_integrations(self):
        self.check("manage_integrations",
                   lambda u, role: u.api("POST", f"/api/v1/organizations/{self.oid}/api-keys", {"name": role}),
                   201, "create an api key")
        self.check("manage_integrations",
                   lambda u, role: u.api("GET", f"/api/v1/organizations/{self.oid}/api-keys"),
                   200, "list api keys")

        def revoke(u, role):
            key = assert_status(self.users["owner"].api("POST", f"/api/v1/organizations/{self.oid}/api-keys",
                                                        {"name": f"revoke-{role}"}), 201)
            return u.api("DELETE", f"/api/v1/organizations/{self.oid}/api-keys/{key['id']}")

        self.check("manage_integrations", revoke, 204, "revoke an api key")

    def test_view(self):
        rid, wid = self.room["id"], self.ws["id"]
        for path in (f"/api/v1/rooms/{rid}", f"/api/v1/workspaces/{wid}", f"/api/v1/organizations/{self.oid}",
                     f"/api/v1/organizations/{self.oid}/rooms", f"/api/v1/workspaces/{wid}/rooms",
                     f"/api/v1/organizations/{self.oid}/workspaces", f"/api/v1/organizations/{self.oid}/members",
                     f"/api/v1/organizations/{self.oid}/usage", f"/api/v1/rooms/{rid}/files"):
            self.check("view", lambda u, role, p=path: u.api("GET", p), 200, f"GET {path}")


if __name__ == "__main__":
    unittest.main(verbosity=2)

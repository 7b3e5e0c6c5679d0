"""Durability: stop the server with SIGTERM (exit 0, even with idle and half-sent connections or
under load), start it again on the same data dir, and everything is still there: accounts,
organizations, rooms, members, files, API keys, refresh-token state and the signing key."""
import os
import socket
import stat
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    expect_error, PASSWORD, Server, assert_status, decode_jwt, join_org, new_user, unique_name, verify_rs256)


class Restart(unittest.TestCase):
    def test_data_survives_restart(self):
        srv = Server()
        self.addCleanup(srv.cleanup)
        srv.start()
        ready = assert_status(srv.get("/ready"), 200, "ready")
        self.assertEqual((ready["status"], ready["database"]), ("ready", "ok"))
        self.assertIsInstance(ready["migrations"], int)
        self.assertGreaterEqual(ready["migrations"], 1)
        jwks_before = assert_status(srv.get("/.well-known/jwks.json"), 200)

        owner = new_user(srv, "durable")
        org = owner.create_org(unique_name("Durable"), plan="business")
        oid = org["id"]
        ws = owner.create_workspace(oid, "Desk")
        room = owner.create_room(ws["id"], "Morning call", "pre-market")
        viewer = join_org(srv, owner, oid, "viewer")
        data = os.urandom(200_000)
        f = assert_status(owner.upload(room["id"], "chart.png", data, "image/png"), 201)
        key = assert_status(owner.api("POST", f"/api/v1/organizations/{oid}/api-keys", {"name": "bot"}), 201)
        old_access = owner.access
        # refresh-token state, one login session each: rotated out, logged out, live
        c = owner.client
        rotated_out = assert_status(c.login(owner.email, PASSWORD), 200)["refreshToken"]
        assert_status(c.refresh(rotated_out), 200, "rotate")
        logged_out = assert_status(c.login(owner.email, PASSWORD), 200)["refreshToken"]
        self.assertEqual(c.logout(logged_out).status, 204)
        live_refresh = assert_status(c.login(owner.email, PASSWORD), 200)["refreshToken"]

        # the private signing key must not be readable by others
        for dirpath, _, files in os.walk(srv.data_dir):
            for name in files:
                path = os.path.join(dirpath, name)
                with open(path, "rb") as fh:
                    head = fh.read(4096)
                if b"PRIVATE KEY" in head:
                    mode = stat.S_IMODE(os.stat(path).st_mode)
                    self.assertEqual(mode & 0o077, 0, f"{path} has mode {oct(mode)}")

        # SIGTERM with an idle keep-alive connection and a half-sent request open
        assert_status(owner.api("GET", "/api/v1/me"), 200)  # owner.client keeps its connection
        half = socket.create_connection(("127.0.0.1", srv.port))
        half.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nAuthoriz")
        try:
            srv.stop(close_clients=False)
        finally:
            half.close()
        srv.start()

        ready2 = assert_status(srv.get("/ready"), 200, "ready after restart")
        self.assertEqual(ready2["migrations"], ready["migrations"], "no migration re-applied or lost")
        jwks_after = assert_status(srv.get("/.well-known/jwks.json"), 200)
        self.assertEqual(sorted(k["kid"] for k in jwks_after["keys"]), sorted(k["kid"] for k in jwks_before["keys"]))
        kid = decode_jwt(old_access)[0]["kid"]
        jwk = next(k for k in jwks_after["keys"] if k["kid"] == kid)
        self.assertTrue(verify_rs256(old_access, jwk), "old access token verifies with the published key")

        me = assert_status(owner.api("GET", "/api/v1/me", token=old_access), 200, "old access token")
        self.assertEqual([o["id"] for o in me["organizations"]], [oid])
        assert_status(owner.client.login(owner.email, PASSWORD), 200, "owner logs in")
        assert_status(viewer.client.login(viewer.email, PASSWORD), 200, "viewer logs in")
        self.assertEqual(owner.client.login(owner.email, "wrong-password-123").status, 401, "wrong password")

        expect_error(self, owner.client.refresh(rotated_out), 401, "invalid_refresh_token", "rotated-out refresh token")
        expect_error(self, owner.client.refresh(logged_out), 401, "invalid_refresh_token", "logged-out refresh token")
        assert_status(owner.client.refresh(live_refresh), 200, "live refresh token")

        got = assert_status(owner.api("GET", f"/api/v1/organizations/{oid}"), 200)
        self.assertEqual((got["name"], got["plan"], got["ownerId"]), (org["name"], "business", owner.id))
        self.assertEqual(assert_status(owner.api("GET", f"/api/v1/workspaces/{ws['id']}"), 200)["name"], "Desk")
        r = assert_status(owner.api("GET", f"/api/v1/rooms/{room['id']}"), 200)
        self.assertEqual((r["name"], r["description"], r["workspaceId"]), ("Morning call", "pre-market", ws["id"]))
        members = {m["userId"]: m["role"] for m in owner.members(oid)}
        self.assertEqual(members, {owner.id: "owner", viewer.id: "viewer"})
        assert_status(viewer.api("GET", f"/api/v1/rooms/{room['id']}"), 200, "viewer's token after restart")
        content = owner.api("GET", f"/api/v1/files/{f['id']}/content")
        self.assertEqual((content.status, content.raw), (200, data), "file bytes after restart")
        usage = assert_status(owner.api("GET", f"/api/v1/organizations/{oid}/usage"), 200)
        self.assertEqual(usage["usage"]["storageBytes"], len(data))
        keyc = srv.client(token=key["key"])
        assert_status(keyc.api("GET", f"/api/v1/organizations/{oid}/rooms"), 200, "api key after restart")
        audit = owner.list_all(f"/api/v1/organizations/{oid}/audit-log")
        self.assertTrue(any("room" in e["action"].lower() for e in audit), "audit log after restart")
        owner.create_room(ws["id"], "after restart")
        self.assertEqual(len(owner.list_all(f"/api/v1/organizations/{oid}/rooms")), 2)
        srv.stop()

    def test_sigterm_under_load_exits_cleanly(self):
        srv = Server()
        self.addCleanup(srv.cleanup)
        srv.start()
        u = new_user(srv, "load")
        u.create_org(unique_name("Load"))
        stop = threading.Event()
        errors = []

        def hammer():
            c = srv.client(token=u.access)
            while not stop.is_set():
                try:
                    c.api("GET", "/api/v1/me")
                except AssertionError:
                    c.close()  # the server went away: expected during shutdown
                    time.sleep(0.01)
                except Exception as e:  # noqa: BLE001
                    errors.append(e)
                    return

        threads = [threading.Thread(target=hammer, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        try:
            srv.stop(close_clients=False)  # asserts exit code 0 within 10 s
        finally:
            stop.set()
            for t in threads:
                t.join(5)
        self.assertEqual(errors, [])
        srv.start()  # and the database is fine afterwards
        assert_status(srv.client().login(u.email, PASSWORD), 200)
        srv.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""docs/api/openapi.yaml describes exactly the routes the server registers (`tradingroom routes`)
and the routes of docs/api.md; the document itself is a well-formed OpenAPI 3.0.3 file."""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import yaml  # noqa: E402  (python3-yaml; allowed for this test only)

SPEC_PATH = os.path.join(harness.SOURCE_DIR, "docs", "api", "openapi.yaml")
API_MD_PATH = os.path.join(harness.SOURCE_DIR, "docs", "api.md")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Path parameter names the contract uses (docs/api.md).
PARAM_NAMES = {"orgId", "workspaceId", "roomId", "userId", "invitationId", "token", "keyId", "fileId"}

REQUIRED_SCHEMAS = ["User", "Organization", "Workspace", "Room", "Member", "Invitation", "ApiKey",
                    "AuditEntry", "File", "Analytics", "Usage", "Plan", "AuthResult", "Error",
                    "ListEnvelope"]


def load_spec():
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def spec_routes(spec) -> set[tuple[str, str]]:
    out = set()
    for path, item in spec["paths"].items():
        for method in item:
            if method in METHODS:
                out.add((method.upper(), path))
    return out


def doc_routes() -> set[tuple[str, str]]:
    """Routes of the table in docs/api.md: | METHOD | `/path?query` | ..."""
    out = set()
    with open(API_MD_PATH, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`", line)
            if m:
                out.add((m.group(1), m.group(2).split("?")[0]))
    return out


def resolve(spec, ref: str):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


class OpenApiDocument(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = load_spec()

    def test_version_and_info(self):
        self.assertEqual(self.spec["openapi"], "3.0.3")
        self.assertIn("title", self.spec["info"])
        self.assertIn("version", self.spec["info"])

    def test_bearer_security_scheme(self):
        schemes = self.spec["components"]["securitySchemes"]
        bearer = [s for s in schemes.values() if s.get("type") == "http" and s.get("scheme") == "bearer"]
        self.assertTrue(bearer, "a bearer security scheme")
        self.assertEqual(bearer[0].get("bearerFormat"), "JWT")
        self.assertTrue(self.spec.get("security"), "global security requirement")

    def test_required_schemas(self):
        schemas = self.spec["components"]["schemas"]
        for name in REQUIRED_SCHEMAS:
            self.assertIn(name, schemas, f"components/schemas/{name}")
        envelope = schemas["ListEnvelope"]
        self.assertEqual(set(envelope["required"]), {"items", "nextCursor"})
        err = schemas["Error"]["properties"]["error"]
        self.assertEqual(set(err["required"]), {"code", "message"})

    def test_all_refs_resolve(self):
        refs = []

        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "$ref":
                        refs.append(v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for x in node:
                    walk(x)

        walk(self.spec)
        self.assertTrue(refs)
        for ref in refs:
            with self.subTest(ref=ref):
                resolve(self.spec, ref)

    def test_operations_well_formed(self):
        op_ids = set()
        for path, item in self.spec["paths"].items():
            names = set(re.findall(r"\{([^}]+)\}", path))
            self.assertTrue(names <= PARAM_NAMES, f"{path}: parameter names {names - PARAM_NAMES}")
            path_level = item.get("parameters", [])
            for method in item:
                if method not in METHODS:
                    continue
                op = item[method]
                with self.subTest(route=f"{method.upper()} {path}"):
                    self.assertIn("responses", op)
                    self.assertTrue(any(str(c).startswith("2") for c in op["responses"]),
                                    "has a success response")
                    oid = op.get("operationId")
                    self.assertTrue(oid)
                    self.assertNotIn(oid, op_ids, "operationId unique")
                    op_ids.add(oid)
                    declared = set()
                    for p in path_level + op.get("parameters", []):
                        if "$ref" in p:
                            p = resolve(self.spec, p["$ref"])
                        if p["in"] == "path":
                            self.assertTrue(p.get("required"), f"path parameter {p['name']} required")
                            declared.add(p["name"])
                    self.assertEqual(declared, names, "path parameters declared = path template")
                    if method in ("post", "put", "patch") and path.startswith("/api/v1/") \
                            and not path.endswith("/accept"):
                        self.assertIn("requestBody", op, "body documented")
                    if path.startswith("/api/v1/") and op.get("security", None) != []:
                        self.assertIn("401", op["responses"], "authenticated route documents 401")

    def test_routes_match_api_md(self):
        doc = doc_routes()
        self.assertGreater(len(doc), 40, "parsed the routes table of docs/api.md")
        spec = spec_routes(self.spec)
        self.assertEqual(sorted(doc - spec), [], "routes of docs/api.md missing in openapi.yaml")
        self.assertEqual(sorted(spec - doc), [], "routes of openapi.yaml not in docs/api.md")


def validate(spec, schema, value, path="$") -> list[str]:
    """A small validator for the subset of OpenAPI 3.0 schemas used by openapi.yaml: $ref,
    allOf, type, nullable, required, properties, items, enum, additionalProperties."""
    if "$ref" in schema:
        return validate(spec, resolve(spec, schema["$ref"]), value, path)
    errors = []
    for sub in schema.get("allOf", []):
        errors += validate(spec, sub, value, path)
    if value is None:
        if schema.get("nullable") or not schema.get("type") and "allOf" not in schema and "properties" not in schema:
            return errors
        return errors + [f"{path}: null is not allowed"]
    kind = schema.get("type")
    checks = {"string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list)}
    if kind and not checks[kind](value):
        return errors + [f"{path}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing required property {name!r}")
        props = schema.get("properties", {})
        for name, sub in props.items():
            if name in value:
                errors += validate(spec, sub, value[name], f"{path}.{name}")
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for name, v in value.items():
                if name not in props:
                    errors += validate(spec, extra, v, f"{path}.{name}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict) and schema["items"]:
        for i, v in enumerate(value):
            errors += validate(spec, schema["items"], v, f"{path}[{i}]")
    return errors


class ResponsesMatchTheDocument(unittest.TestCase):
    """Drives the real server through most routes and validates every JSON response against
    the schema openapi.yaml documents for that route and status (undocumented statuses fail)."""

    def setUp(self):
        self.spec = load_spec()
        self.problems = []

    def check(self, method, template, resp):
        op = self.spec["paths"][template][method.lower()]
        documented = op["responses"].get(str(resp.status))
        where = f"{method} {template} -> {resp.status}"
        if documented is None:
            self.problems.append(f"{where}: status not documented ({json.dumps(resp.json)[:200]})")
            return resp
        if "$ref" in documented:
            documented = resolve(self.spec, documented["$ref"])
        content = documented.get("content", {})
        if "application/json" in content:
            if resp.json is None:
                self.problems.append(f"{where}: documented JSON body missing")
            else:
                for err in validate(self.spec, content["application/json"]["schema"], resp.json):
                    err = re.sub(r"\[\d+\]", "[*]", err)
                    if f"{where}: {err}" not in self.problems:
                        self.problems.append(f"{where}: {err}")
        elif resp.status == 204 and resp.raw:
            self.problems.append(f"{where}: 204 with a body")
        return resp

    def test_response_shapes(self):
        from harness import PASSWORD, Server, join_org, new_user, unique_email
        with Server() as srv:
            c = srv.client()
            chk = self.check
            chk("GET", "/health", srv.get("/health"))
            chk("GET", "/ready", srv.get("/ready"))
            chk("GET", "/.well-known/jwks.json", srv.get("/.well-known/jwks.json"))
            chk("GET", "/api/v1/plans", srv.get("/api/v1/plans"))
            o = new_user(srv, "spec")
            chk("POST", "/api/v1/auth/signup", c.signup(o.email, PASSWORD, "Again"))
            chk("POST", "/api/v1/auth/signup", c.signup("not-an-email", PASSWORD, "Bad"))
            chk("POST", "/api/v1/auth/login", c.login(o.email, PASSWORD))
            chk("POST", "/api/v1/auth/login", c.login(o.email, "wrong-password-123"))
            chk("GET", "/api/v1/me", c.api("GET", "/api/v1/me", token=""))
            org = chk("POST", "/api/v1/organizations", o.api("POST", "/api/v1/organizations", {"name": "Spec"})).json
            oid = org["id"]
            o.use_org(oid)
            chk("POST", "/api/v1/auth/refresh", c.refresh(o.refresh_token, oid))
            o.relogin()
            chk("GET", "/api/v1/me", o.api("GET", "/api/v1/me"))
            chk("GET", "/api/v1/organizations", o.api("GET", "/api/v1/organizations"))
            chk("GET", "/api/v1/organizations/{orgId}", o.api("GET", f"/api/v1/organizations/{oid}"))
            chk("PATCH", "/api/v1/organizations/{orgId}", o.api("PATCH", f"/api/v1/organizations/{oid}", {"name": "S2"}))
            ws = chk("POST", "/api/v1/organizations/{orgId}/workspaces",
                     o.api("POST", f"/api/v1/organizations/{oid}/workspaces", {"name": "W"})).json
            chk("POST", "/api/v1/organizations/{orgId}/workspaces",
                o.api("POST", f"/api/v1/organizations/{oid}/workspaces", {"name": "W2"}))
            chk("GET", "/api/v1/organizations/{orgId}/workspaces", o.api("GET", f"/api/v1/organizations/{oid}/workspaces"))
            chk("GET", "/api/v1/workspaces/{workspaceId}", o.api("GET", f"/api/v1/workspaces/{ws['id']}"))
            chk("PATCH", "/api/v1/workspaces/{workspaceId}", o.api("PATCH", f"/api/v1/workspaces/{ws['id']}", {"name": "W3"}))
            room = chk("POST", "/api/v1/workspaces/{workspaceId}/rooms",
                       o.api("POST", f"/api/v1/workspaces/{ws['id']}/rooms", {"name": "R"})).json
            chk("DELETE", "/api/v1/workspaces/{workspaceId}", o.api("DELETE", f"/api/v1/workspaces/{ws['id']}"))
            chk("GET", "/api/v1/workspaces/{workspaceId}/rooms", o.api("GET", f"/api/v1/workspaces/{ws['id']}/rooms"))
            chk("GET", "/api/v1/organizations/{orgId}/rooms", o.api("GET", f"/api/v1/organizations/{oid}/rooms"))
            chk("GET", "/api/v1/rooms/{roomId}", o.api("GET", f"/api/v1/rooms/{room['id']}"))
            chk("PATCH", "/api/v1/rooms/{roomId}", o.api("PATCH", f"/api/v1/rooms/{room['id']}", {"status": "live"}))
            inv = chk("POST", "/api/v1/organizations/{orgId}/invitations", o.invite(oid, unique_email(), "viewer")).json
            chk("GET", "/api/v1/organizations/{orgId}/invitations", o.api("GET", f"/api/v1/organizations/{oid}/invitations"))
            chk("GET", "/api/v1/invitations/{token}", c.api("GET", f"/api/v1/invitations/{inv['token']}", token=""))
            chk("DELETE", "/api/v1/organizations/{orgId}/invitations/{invitationId}",
                o.api("DELETE", f"/api/v1/organizations/{oid}/invitations/{inv['id']}"))
            v = join_org(srv, o, oid, "viewer")
            stranger = new_user(srv, "stranger")
            inv2 = o.invite(oid, unique_email(), "viewer").json
            chk("POST", "/api/v1/invitations/{token}/accept", stranger.accept(inv2["token"]))
            chk("GET", "/api/v1/organizations/{orgId}/members", o.api("GET", f"/api/v1/organizations/{oid}/members"))
            chk("PATCH", "/api/v1/organizations/{orgId}/members/{userId}",
                o.api("PATCH", f"/api/v1/organizations/{oid}/members/{v.id}", {"role": "host"}))
            chk("PATCH", "/api/v1/organizations/{orgId}/members/{userId}",
                o.api("PATCH", f"/api/v1/organizations/{oid}/members/{v.id}", {"role": "moderator"}))
            chk("POST", "/api/v1/workspaces/{workspaceId}/rooms",
                v.api("POST", f"/api/v1/workspaces/{ws['id']}/rooms", {"name": "nope"}))
            chk("GET", "/api/v1/organizations/{orgId}/usage", o.api("GET", f"/api/v1/organizations/{oid}/usage"))
            chk("GET", "/api/v1/organizations/{orgId}/analytics", o.api("GET", f"/api/v1/organizations/{oid}/analytics"))
            chk("POST", "/api/v1/organizations/{orgId}/api-keys",
                o.api("POST", f"/api/v1/organizations/{oid}/api-keys", {"name": "k"}))
            chk("GET", "/api/v1/organizations/{orgId}/audit-log", o.api("GET", f"/api/v1/organizations/{oid}/audit-log"))
            chk("PUT", "/api/v1/organizations/{orgId}/plan",
                o.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "business"}))
            key = chk("POST", "/api/v1/organizations/{orgId}/api-keys",
                      o.api("POST", f"/api/v1/organizations/{oid}/api-keys", {"name": "k"})).json
            chk("GET", "/api/v1/organizations/{orgId}/api-keys", o.api("GET", f"/api/v1/organizations/{oid}/api-keys"))
            chk("GET", "/api/v1/organizations/{orgId}/audit-log", o.api("GET", f"/api/v1/organizations/{oid}/audit-log"))
            chk("DELETE", "/api/v1/organizations/{orgId}/api-keys/{keyId}",
                o.api("DELETE", f"/api/v1/organizations/{oid}/api-keys/{key['id']}"))
            f = chk("POST", "/api/v1/rooms/{roomId}/files", o.upload(room["id"], "a.txt", b"hello", "text/plain")).json
            chk("GET", "/api/v1/rooms/{roomId}/files", o.api("GET", f"/api/v1/rooms/{room['id']}/files"))
            chk("GET", "/api/v1/files/{fileId}", o.api("GET", f"/api/v1/files/{f['id']}"))
            chk("DELETE", "/api/v1/files/{fileId}", o.api("DELETE", f"/api/v1/files/{f['id']}"))
            chk("POST", "/api/v1/organizations/{orgId}/workspaces",
                o.api("POST", f"/api/v1/organizations/{oid}/workspaces", {"name": 5}))
            chk("PUT", "/api/v1/organizations/{orgId}/plan",
                o.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "starter"}))
            chk("PUT", "/api/v1/organizations/{orgId}/plan",
                v.api("PUT", f"/api/v1/organizations/{oid}/plan", {"plan": "starter"}))
            chk("DELETE", "/api/v1/rooms/{roomId}", o.api("DELETE", f"/api/v1/rooms/{room['id']}"))
            chk("GET", "/api/v1/rooms/{roomId}", o.api("GET", f"/api/v1/rooms/{room['id']}"))
            chk("DELETE", "/api/v1/organizations/{orgId}/members/{userId}",
                o.api("DELETE", f"/api/v1/organizations/{oid}/members/{v.id}"))
            chk("POST", "/api/v1/auth/logout", c.logout(o.refresh_token))
        self.assertEqual(self.problems, [], "responses that do not match docs/api/openapi.yaml:\n" +
                         "\n".join(self.problems))


class RegisteredRoutes(unittest.TestCase):
    def test_server_routes_equal_openapi(self):
        harness.require_binary()
        proc = harness.run_cli(["routes"])
        self.assertEqual(proc.returncode, 0, f"`tradingroom routes` failed: {proc.stderr[-2000:]}")
        registered = set()
        for line in proc.stdout.splitlines():
            line = line.strip()
            if not line:
                continue
            parts = line.split()
            self.assertEqual(len(parts), 2, f"route line must be 'METHOD /path': {line!r}")
            method, path = parts
            self.assertRegex(method, r"^[A-Z]+$", line)
            self.assertTrue(path.startswith("/"), line)
            self.assertNotIn((method, path), registered, f"route printed twice: {line}")
            registered.add((method, path))
        documented = spec_routes(load_spec())
        missing_in_spec = sorted(registered - documented)
        missing_in_server = sorted(documented - registered)
        self.assertEqual(missing_in_spec, [], "registered by the server but not in openapi.yaml")
        self.assertEqual(missing_in_server, [], "in openapi.yaml but not registered by the server")


if __name__ == "__main__":
    unittest.main(verbosity=2)

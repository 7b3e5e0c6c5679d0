"""docs/api/openapi.yaml describes exactly the routes the server registers (`tradingroom routes`)
and the routes of docs/api.md; the document itself is a well-formed OpenAPI 3.0.3 file."""
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

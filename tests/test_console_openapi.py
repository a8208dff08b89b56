#!/usr/bin/env python3
"""The console's API description (issue 19): docs/console-openapi.yaml is valid OpenAPI 3.0 in its
outline (every $ref resolves, every operation answers something) and names exactly the routes of
src/console/console_route.c's table, each with the right method; the routes open without a login
say so (security: []) and every other one does not; every change documents the CSRF token; and
docs/console.md mentions every route."""
import os, re, sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import check, finish  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ROUTES = os.path.join(ROOT, "src", "console", "console_route.c")
SPEC = os.path.join(ROOT, "docs", "console-openapi.yaml")
DOC = os.path.join(ROOT, "docs", "console.md")

table = open(ROUTES, encoding="utf-8").read().split("k_routes[] = {", 1)[1].split("};", 1)[0]
routes = re.findall(r'\{\s*"(\w+)",\s*"([^"]+)",\s*(OPEN|LOGIN|CHANGE),', table)
check(len(routes) >= 20, "the route table read (%d routes)" % len(routes))

spec = yaml.safe_load(open(SPEC, encoding="utf-8"))
check(str(spec.get("openapi", "")).startswith("3.0"), "openapi 3.0.x: %r" % spec.get("openapi"))
check("title" in spec.get("info", {}) and "version" in spec.get("info", {}), "info has title and version")
paths = spec.get("paths", {})


def norm(p):
    return re.sub(r"\{[^}]*\}", "{}", p)


documented = {}
for p, ops in paths.items():
    for method, op in ops.items():
        if method in ("get", "post", "patch", "put", "delete"):
            documented[(method.upper(), norm(p))] = (p, op)

for method, pattern, need in routes:
    key = (method, pattern)
    check(key in documented, "%s %s is in docs/console-openapi.yaml" % key)
    if key not in documented:
        continue
    p, op = documented[key]
    open_route = op.get("security") == []
    check(open_route == (need == "OPEN"), "%s %s: security %s (the route: %s)" % (method, p, op.get("security"), need))
    check(op.get("responses"), "%s %s: documents its responses" % (method, p))
    if need == "CHANGE":
        text = yaml.safe_dump(op) + yaml.safe_dump(paths[p].get("parameters", []))
        check("CsrfToken" in text or "X-CSRF-Token" in text or "csrf" in text,
              "%s %s: documents the X-CSRF-Token it needs" % (method, p))
api_routes = {(m, pt) for m, pt, _ in routes}
for (method, p) in documented:
    if p.startswith("/api/"):
        check((method, p) in api_routes, "%s %s (documented) is served by the route table" % (method, p))

# Every $ref resolves.
text = yaml.safe_dump(spec)
for kind, name in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
    check(name in spec.get("components", {}).get(kind, {}), "$ref #/components/%s/%s resolves" % (kind, name))

doc = open(DOC, encoding="utf-8").read()
for method, pattern, _ in routes:
    base = pattern.split("{}")[0].rstrip("/")
    check(base in doc, "docs/console.md mentions %s" % base)
finish("test_console_openapi")

#!/usr/bin/env python3
"""The layering of the code, checked (doc/architecture.md → "Layers").

Reads two blocks of doc/architecture.md and checks every C++ file of the
source tree against them:

  ```layers      which folder may include which (allow-list)
  ```once        helpers that must be defined exactly once in a folder

A quoted include names a file from the project root ("server/domain/x.h")
or a generated header; each is mapped to a layer by the longest matching
prefix of the `layers` block. Third-party headers count as the layers
`grpc`, `protobuf`, `mysql` (Connector/C++), `openssl` and `prometheus`
(prometheus-cpp); the
standard library and Abseil are open to everyone.

Exit status 0 when everything holds; 1 with one line per violation.

  scripts/check_layers.py [ROOT]     (CTest runs it as `layering`)
  scripts/check_layers.py --self-test (CTest: `layering_self_test`): shows
      on a made-up tree that a forbidden include and a second definition
      are caught, and that a clean tree passes.
"""

import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DOC = os.path.join(ROOT, "doc", "architecture.md")

# Folders that are never source (build trees, corpora, packages).
SKIP_DIRS = {".git", "node_modules", ".run", "corpus"}

# Headers that are not in the source tree, by prefix → the layer they
# belong to. Generated protobuf headers of the API are `proto`; those of
# the policy text format belong to scoring (scoring/policy_text).
EXTERNAL = [
    ("envcredit/policy/", "scoring"),
    ("envcredit/v1/", "proto"),
    ("google/rpc/", "proto"),
    ("grpcpp/", "grpc"),
    ("grpc/", "grpc"),
    ("google/protobuf/", "protobuf"),
    ("cppconn/", "mysql"),
    ("mysql_connection.h", "mysql"),
    ("mysql_driver.h", "mysql"),
    ("mysql/", "mysql"),
    ("openssl/", "openssl"),
    ("prometheus/", "prometheus"),
]
OPEN = ("absl/", "gtest/", "gmock/", "benchmark/")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')


def read_block(text, tag):
    m = re.search(r"^```" + tag + r"\n(.*?)^```", text, re.S | re.M)
    if not m:
        sys.exit(f"check_layers: no ```{tag} block in {DOC}")
    rows = []
    for line in m.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, rest = line.partition(":")
        rows.append((name.strip(), rest.split()))
    return rows


def source_files():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel = os.path.relpath(dirpath, ROOT)
        dirnames[:] = [d for d in dirnames
                       if d not in SKIP_DIRS and not d.startswith("build")
                       and not (rel == "." and d.startswith("."))]
        for f in filenames:
            if f.endswith((".cc", ".h")):
                yield os.path.normpath(os.path.join(rel, f))


def layer_of(path, layers):
    """The layer of a project-relative path: the longest prefix."""
    best = None
    for name in layers:
        prefix = name.rstrip("/")
        if path == prefix or path.startswith(prefix + "/"):
            if best is None or len(prefix) > len(best.rstrip("/")):
                best = name
    return best


def check_includes(layers, errors):
    allowed = dict(layers)
    names = list(allowed)
    for path in source_files():
        own = layer_of(path, names)
        if own is None:
            errors.append(f"{path}: in no layer of doc/architecture.md")
            continue
        may = set(allowed[own])
        if "*" in may:
            continue
        with open(os.path.join(ROOT, path), encoding="utf-8",
                  errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(2)
                if target.startswith(OPEN):
                    continue
                layer = None
                for prefix, ext_layer in EXTERNAL:
                    if target.startswith(prefix):
                        layer = ext_layer
                        break
                if layer is None:
                    if m.group(1) == "<" and "/" not in target:
                        continue  # the standard library and the C library
                    if m.group(1) == "<" and target.startswith(("sys/", "linux/", "arpa/", "netinet/")):
                        continue
                    if os.path.exists(os.path.join(ROOT, target)):
                        layer = layer_of(target, names)
                    elif os.path.exists(os.path.join(ROOT, os.path.dirname(path), target)):
                        layer = own  # a neighbour, included relatively
                    else:
                        errors.append(f"{path}:{number}: cannot place "
                                      f"#include {m.group(1)}{target}")
                        continue
                if layer is None:
                    errors.append(f"{path}:{number}: {target} is in no layer")
                elif layer != own and layer not in may:
                    errors.append(f"{path}:{number}: {own} may not include "
                                  f"{target} ({layer})")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def check_once(rows, errors):
    """A definition: at column 0 (or `inline`/`static`), a return type and
    the name, then `(`, and the declaration ends in `{`, not `;`."""
    files = [p for p in source_files()]
    for name, folders in rows:
        pattern = re.compile(
            r"^(?:template\s*<[^>]*>\s*)?(?:static\s+|inline\s+|constexpr\s+)*"
            r"[A-Za-z_][\w:<>,\s\*&]*?[\s\*&](?:\w+::)*" + re.escape(name) +
            r"\s*\(", re.M)
        for folder in folders:
            found = []
            for path in files:
                if folder != "." and not (
                        path == folder or path.startswith(folder.rstrip("/") + "/")):
                    continue
                with open(os.path.join(ROOT, path), encoding="utf-8",
                          errors="replace") as f:
                    text = strip_comments(f.read())
                for m in pattern.finditer(text):
                    tail = text[m.end():]
                    end = re.search(r"[;{]", tail)
                    if end and end.group(0) == "{":
                        line = text.count("\n", 0, m.start()) + 1
                        found.append(f"{path}:{line}")
            if len(found) != 1:
                errors.append(f"{name} is defined {len(found)} times in "
                              f"{folder} (once expected): {', '.join(found) or '-'}")


def violations():
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    errors = []
    check_includes(read_block(text, "layers"), errors)
    check_once(read_block(text, "once"), errors)
    return errors


def self_test():
    """Runs the checks on made-up trees; returns the number of failures."""
    import tempfile
    global ROOT, DOC
    doc = ("```layers\ncommon : common\nserver/domain : server/domain common\n"
           "server/storage : server/storage server/domain common mysql\n"
           "server/api : server/api server/domain common grpc\n```\n"
           "```once\nDayText : server/storage\n```\n")
    clean = {
        "common/a.h": "#include <string>\n#include \"absl/strings/str_cat.h\"\n",
        "server/domain/port.h": "#include \"common/a.h\"\n",
        "server/storage/rows.cc": "#include <cppconn/driver.h>\n"
            "#include \"server/domain/port.h\"\n"
            "std::string DayText(int day) {\n  return \"\";\n}\n",
        "server/storage/rows.h": "// std::string DayText(int day) { in a comment }\n"
            "std::string DayText(int day);\n",
        "server/api/service.cc": "#include <grpcpp/grpcpp.h>\n"
            "#include \"server/domain/port.h\"\n",
    }
    cases = [
        ("a clean tree", {}, []),
        ("api includes storage", {"server/api/bad.cc": "#include \"server/storage/rows.h\"\n"},
         ["server/api/bad.cc:1: server/api may not include server/storage/rows.h"]),
        ("domain includes Connector/C++", {"server/domain/bad.h": "#include <cppconn/driver.h>\n"},
         ["server/domain/bad.h:1: server/domain may not include cppconn/driver.h"]),
        ("a second definition", {"server/storage/copy.cc":
             "namespace {\nstd::string DayText(int d) {\n  return \"\";\n}\n}\n"},
         ["DayText is defined 2 times in server/storage"]),
        ("a file outside every layer", {"other/x.cc": "\n"},
         ["other/x.cc: in no layer"]),
    ]
    failures = 0
    saved = (ROOT, DOC)
    for title, extra, expected in cases:
        with tempfile.TemporaryDirectory() as root:
            ROOT, DOC = root, os.path.join(root, "doc", "architecture.md")
            for path, text in {"doc/architecture.md": doc, **clean, **extra}.items():
                os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
                with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                    f.write(text)
            got = violations()
            ok = len(got) == len(expected) and all(
                any(g.startswith(e) for g in got) for e in expected)
            print(f"{'ok  ' if ok else 'FAIL'} {title}: {got or 'no violations'}")
            failures += 0 if ok else 1
    ROOT, DOC = saved
    return failures


def main():
    if sys.argv[1:] == ["--self-test"]:
        return 1 if self_test() else 0
    errors = violations()
    for e in errors:
        print(e)
    if errors:
        print(f"check_layers: {len(errors)} violation(s) of doc/architecture.md")
        return 1
    print("check_layers: every include and helper as doc/architecture.md says")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Every handler checks access first (doc/access.md "Where the check runs").

The access check runs inline at the top of each gRPC handler through
ServiceGuard (server/api/guard.h). This script reads every
server/api/*_service.cc and fails when a handler

  grpc::Status SomeService::Method(grpc::ServerContext* context, ...) {

does not begin with exactly

  const Admission admitted = guard_.Admit(context, "Method");
  if (!admitted.ok()) return admitted.denial();

(its own method name: a copy-pasted name would check another method's
roles). The role matrix of tests/e2e/access_e2e_test.cc checks the same
thing at run time, method by method.

  scripts/check_guards.py [ROOT]        (CTest: `access_guards`)
  scripts/check_guards.py --self-test   (CTest: `access_guards_self_test`)
"""

import glob
import os
import re
import sys

HANDLER = re.compile(
    r"grpc::Status\s+(\w+)::(\w+)\(\s*grpc::ServerContext\s*\*\s*(\w*)[^{;]*\)\s*\{",
    re.S)


def check_text(path, text):
    problems = []
    handlers = 0
    for m in HANDLER.finditer(text):
        handlers += 1
        method, param = m.group(2), m.group(3)
        line = text.count("\n", 0, m.start()) + 1
        body = text[m.end():].lstrip()
        expected = (
            f'const Admission admitted = guard_.Admit({param or "context"}, "{method}");'
        )
        first, _, rest = body.partition("\n")
        second = rest.lstrip().partition("\n")[0]
        if not param:
            problems.append(f"{path}:{line}: {m.group(1)}::{method} does not name "
                            "its ServerContext, so it cannot be checked")
        elif first.strip() != expected:
            problems.append(f"{path}:{line}: {m.group(1)}::{method} must begin with "
                            f"`{expected}`")
        elif second.strip() != "if (!admitted.ok()) return admitted.denial();":
            problems.append(f"{path}:{line}: {m.group(1)}::{method}: the admission "
                            "must be followed by "
                            "`if (!admitted.ok()) return admitted.denial();`")
    return handlers, problems


def check_tree(root):
    problems = []
    handlers = 0
    for path in sorted(glob.glob(os.path.join(root, "server", "api", "*_service.cc"))):
        with open(path, encoding="utf-8") as f:
            n, p = check_text(os.path.relpath(path, root), f.read())
        handlers += n
        problems += p
    if handlers == 0:
        problems.append("no handlers found under server/api/*_service.cc")
    return handlers, problems


def self_test():
    good = '''grpc::Status S::Get(grpc::ServerContext* context,
                    const R* request, P* response) {
  const Admission admitted = guard_.Admit(context, "Get");
  if (!admitted.ok()) return admitted.denial();
  return grpc::Status::OK;
}'''
    forgot = '''grpc::Status S::Get(grpc::ServerContext*, const R* request, P* response) {
  return grpc::Status::OK;
}'''
    wrong_name = good.replace('Admit(context, "Get")', 'Admit(context, "List")')
    ignored = good.replace("if (!admitted.ok()) return admitted.denial();", "")
    assert check_text("good", good) == (1, []), check_text("good", good)
    for name, text in (("forgot", forgot), ("wrong_name", wrong_name),
                       ("ignored", ignored)):
        n, p = check_text(name, text)
        assert n == 1 and len(p) == 1, (name, p)
    print("check_guards self-test: ok")
    return 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    handlers, problems = check_tree(os.path.abspath(root))
    for p in problems:
        print(p)
    if not problems:
        print(f"check_guards: {handlers} handlers, each checks access first")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

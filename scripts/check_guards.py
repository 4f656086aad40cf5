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
roles). A method served with the asynchronous API (WatchRatingChanges,
server/api/watch_calls.h) has no handler; its admission function

  grpc::Status SomeService::AdmitMethod(grpc::ServerContext* context, ...) {

runs first for every matched call and must begin with the same two lines,
naming Method. A callback (reactor) handler

  grpc::ServerWriteReactor<R>* SomeService::Method(
      grpc::CallbackServerContext* context, ...) {

must begin with the same admission, followed by

  if (!admitted.ok()) return Refused<R>(admitted.denial());

(a reactor that only finishes with the refusal). Any function of those files
that takes a grpc::CallbackServerContext is a handler: whatever it returns,
it is held to this rule. The role matrix of tests/e2e/access_e2e_test.cc checks the same
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
# Any return type: a reactor handler that returned something unexpected must
# not slip past the check.
CALLBACK_HANDLER = re.compile(
    r"(\S+)\s+(\w+)::(\w+)\(\s*grpc::CallbackServerContext\s*\*\s*(\w*)[^{;]*\)\s*\{",
    re.S)
REACTOR_TYPE = re.compile(r"grpc::Server\w*Reactor<\s*([\w:]+)\s*>\*")


def check_text(path, text):
    problems = []
    handlers = 0
    matches = [(m, m.group(1), m.group(2), m.group(3),
                "if (!admitted.ok()) return admitted.denial();")
               for m in HANDLER.finditer(text)]
    for m in CALLBACK_HANDLER.finditer(text):
        reactor = REACTOR_TYPE.fullmatch(m.group(1))
        if not reactor:
            line = text.count("\n", 0, m.start()) + 1
            handlers += 1
            problems.append(f"{path}:{line}: {m.group(2)}::{m.group(3)} takes a "
                            "CallbackServerContext but does not return a "
                            "grpc::Server…Reactor<R>*, so it cannot be checked")
            continue
        matches.append((m, m.group(2), m.group(3), m.group(4),
                        f"if (!admitted.ok()) return Refused<{reactor.group(1)}>"
                        "(admitted.denial());"))
    for m, service, method, param, refusal in matches:
        handlers += 1
        line = text.count("\n", 0, m.start()) + 1
        body = text[m.end():].lstrip()
        # The admission function of an asynchronously served method.
        checked = method[len("Admit"):] if re.fullmatch(r"Admit[A-Z]\w*", method) else method
        # The request goes with it: the row-level rule of an ENTERPRISE
        # caller reads it (server/api/enterprise_scope.h).
        expected = [
            f'const Admission admitted = guard_.Admit({param or "context"}, "{checked}", '
            f'{request});' for request in ("*request", "request")
        ]
        first, _, rest = body.partition("\n")
        second = rest.lstrip().partition("\n")[0]
        if not param:
            problems.append(f"{path}:{line}: {service}::{method} does not name "
                            "its ServerContext, so it cannot be checked")
        elif first.strip() not in expected:
            problems.append(f"{path}:{line}: {service}::{method} must begin with "
                            f"`{expected[0]}`")
        elif second.strip() != refusal:
            problems.append(f"{path}:{line}: {service}::{method}: the admission "
                            f"must be followed by `{refusal}`")
    return handlers, problems


# Services that are public by design, with the reason (doc/access.md).
PUBLIC = {
    "health_service.cc": "grpc.health.v1.Health answers probes with no token, "
                         "as gRPC's own health service does",
    "reflection_v1_service.cc": "grpc.reflection.v1 describes the API with no token, "
                                "as v1alpha (Debian's) does",
}


def check_tree(root):
    problems = []
    handlers = 0
    for path in sorted(glob.glob(os.path.join(root, "server", "api", "*_service.cc"))):
        if os.path.basename(path) in PUBLIC:
            continue
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
  const Admission admitted = guard_.Admit(context, "Get", *request);
  if (!admitted.ok()) return admitted.denial();
  return grpc::Status::OK;
}'''
    forgot = '''grpc::Status S::Get(grpc::ServerContext*, const R* request, P* response) {
  return grpc::Status::OK;
}'''
    wrong_name = good.replace('Admit(context, "Get"', 'Admit(context, "List"')
    no_request = good.replace(', *request);', ');')
    ignored = good.replace("if (!admitted.ok()) return admitted.denial();", "")
    reactor = '''grpc::ServerWriteReactor<v1::R>* S::Watch(
    grpc::CallbackServerContext* context, const Q* request) {
  const Admission admitted = guard_.Admit(context, "Watch", *request);
  if (!admitted.ok()) return Refused<v1::R>(admitted.denial());
  return new W();
}'''
    reactor_forgot = '''grpc::ServerWriteReactor<v1::R>* S::Watch(
    grpc::CallbackServerContext* context, const Q* request) {
  return new W();
}'''
    reactor_wrong_name = reactor.replace('"Watch"', '"Get"')
    reactor_ignored = reactor.replace(
        "if (!admitted.ok()) return Refused<v1::R>(admitted.denial());", "")
    reactor_sync_refusal = reactor.replace(
        "return Refused<v1::R>(admitted.denial());", "return admitted.denial();")
    reactor_other_type = reactor.replace("Refused<v1::R>", "Refused<v1::X>")
    reactor_unnamed = reactor_forgot.replace("CallbackServerContext* context",
                                             "CallbackServerContext*")
    odd_return = reactor.replace("grpc::ServerWriteReactor<v1::R>*", "void*", 1)
    async_admit = good.replace("S::Get(", "S::AdmitWatch(").replace('"Get"', '"Watch"')
    async_wrong_name = async_admit.replace('"Watch"', '"AdmitWatch"')
    assert check_text("good", good) == (1, []), check_text("good", good)
    assert check_text("async_admit", async_admit) == (1, []), check_text("async", async_admit)
    assert check_text("reactor", reactor) == (1, []), check_text("reactor", reactor)
    for name, text in (("forgot", forgot), ("wrong_name", wrong_name),
                       ("no_request", no_request),
                       ("async_wrong_name", async_wrong_name),
                       ("ignored", ignored), ("reactor_forgot", reactor_forgot),
                       ("reactor_wrong_name", reactor_wrong_name),
                       ("reactor_ignored", reactor_ignored),
                       ("reactor_sync_refusal", reactor_sync_refusal),
                       ("reactor_other_type", reactor_other_type),
                       ("reactor_unnamed", reactor_unnamed),
                       ("odd_return", odd_return)):
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

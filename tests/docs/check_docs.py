#!/usr/bin/env python3
"""Checks that the docs name only things that exist (issue 18, "Docs that are true").

    check_docs.py [ROOT]        check README.md, doc/*.md and examples/README.md of
                                ROOT (default: the repository this file is in)
    check_docs.py --self-test   run the checker on a made-up tree with one bad
                                path, one bad flag and one bad reason, and fail
                                unless exactly those three are reported

Exit 0 when nothing is wrong; 1 with one line per problem, `FILE:LINE: what`.
Standard library only. The rules are deliberately simple:

1. Paths. A token that starts with a top-level folder of the repository
   (TOP_DIRS below: `server/…`, `doc/x.md`, `scripts/x.sh`, `tests/…`, …) must
   name a file or folder that exists, and so must the target of a relative
   markdown link `[text](target)` (resolved from the doc's folder; `#anchor`
   dropped; `http:`, `mailto:` and pure anchors skipped). Skipped:
   - a token right after `/`, `.`, `$`, `~` or a word character: it lies under
     another folder (`build/server/…`, `.run/publications/black/1/`,
     `/tmp/…`, `$RUN/…`), so it is a build output or a run folder, not a
     repository path;
   - a token holding a glob or placeholder character (`* ? < > { } [ ] $ …`
     or `...`) or a component that is all capitals (`N`, `NNNN_x.sql`, `DIR`):
     it stands for many paths.
   A token ends at white space, a quote, a bracket, a comma, a semicolon, a
   colon, `#` or `|`; trailing dots are dropped. Also accepted: a module named
   by its stem (`common/log` for common/log.h or .cc) and a program named by
   its build folder (`bench/rating-dataset`: `add_executable(rating-dataset`
   in bench/CMakeLists.txt).

2. Flags. Every `--flag` (a token `--[a-z][a-z0-9_-]+` not preceded by a word
   character or `-`) must be defined somewhere: `ABSL_FLAG(type, name, …)` in
   a .cc/.h file of the repository (the server's are in server/main.cc; bench/
   and demo/ programs have theirs), a flag spec `{"name", "VALUE", …}` or
   `Has("name")` of admin-cli/, a `--flag` written in a file of admin-cli/,
   scripts/ (the .sh scripts), bench/ or examples/ (the Python examples'
   argparse flags), Abseil's standard flags (ABSL_STANDARD_FLAGS),
   or another program's flag the docs show being passed to it
   (OTHER_PROGRAMS_FLAGS, each with its program). `-` and `_` are equal.
   NOT_FLAGS lists the flags the docs name to say they do not exist.

3. Error reasons. An UPPER_SNAKE_CASE token in backticks (4 characters or
   more) in a table row of doc/api.md's "Errors" section, or anywhere in
   doc/access.md, must appear as a string literal ("REASON") in a .cc/.h file
   under server/ or common/, or be a canonical gRPC code name (a reason the
   server falls back to, grpc_status.cc). And every reason in the reason
   column of that table has its Chinese sentence in
   server/api/localized_messages.cc (the zh-CN LocalizedMessage).
"""
import os
import re
import sys
import tempfile

TOP_DIRS = ("admin-cli", "bench", "cmake", "common", "demo", "doc", "examples",
            "fuzz", "packaging", "policies", "proto", "scoring", "scripts", "server",
            "tests")

ABSL_STANDARD_FLAGS = {
    "flagfile", "fromenv", "tryfromenv", "undefok", "help", "helpfull",
    "helpshort", "helpon", "helpmatch", "helppackage", "version",
    "only_check_args",
}

# Flags of other programs that the docs show on their command lines and no
# script of ours passes (cmake's, ctest's and mariadbd's are in scripts/).
OTHER_PROGRAMS_FLAGS = {
    "gtest_filter": "GoogleTest", "gtest_output": "GoogleTest",
    "benchmark_min_time": "Google Benchmark",
    "benchmark_repetitions": "Google Benchmark",
    "benchmark_report_aggregates_only": "Google Benchmark",
    "check": "sha256sum", "strict": "sha256sum",
    # doc/operations.md, restoring a Galera node (no cluster script yet)
    "wsrep_new_cluster": "mariadbd (Galera)", "wsrep_recover": "mariadbd (Galera)",
    "wsrep_start_position": "mariadbd (Galera)", "galera_info": "mariadb-backup",
    "install": "cmake", "config": "cpack", "now": "systemctl",
}

# Flags the docs name in order to say they were not added.
NOT_FLAGS = {
    "insecure": "doc/access.md, doc/decisions.md: the plain-text override "
                "we did not add",
}

GRPC_CODES = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
    "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
}

PATH_RE = re.compile(r"(?<![\w./$~-])((?:%s)/[^\s`'\"()\[\],;:|#]*)" %
                     "|".join(re.escape(d) for d in TOP_DIRS))
LINK_RE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FLAG_RE = re.compile(r"(?<![\w-])--([a-z][a-z0-9_-]+)")
ABSL_FLAG_RE = re.compile(r"ABSL_FLAG\(\s*[^,]+?,\s*(\w+)\s*,")
SPEC_RE = re.compile(r"\{\s*\"([a-z][a-z0-9-]*)\"\s*,\s*\"")
HAS_RE = re.compile(r"\b(?:Has|Get|GetAll)\(\s*\"([a-z][a-z0-9-]*)\"\s*\)")
LITERAL_RE = re.compile(r"\"([A-Z][A-Z0-9_]{3,})\"")
BACKTICK_RE = re.compile(r"`([^`]+)`")
REASON_RE = re.compile(r"^[A-Z][A-Z0-9_]{3,}$")
PLACEHOLDER_CHARS = set("*?<>{}[]$…")
SOURCE_EXTS = (".cc", ".h", ".py", ".sh", ".cmake", ".txt", ".md", ".sql")


def norm_flag(name):
    return name.replace("-", "_").strip("_")


def walk_files(root, top, exts):
    base = os.path.join(root, top)
    if os.path.isfile(base):
        yield base
        return
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith(exts):
                yield os.path.join(dirpath, name)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def doc_files(root):
    docs = []
    for rel in ["README.md", "examples/README.md"]:
        if os.path.isfile(os.path.join(root, rel)):
            docs.append(rel)
    doc_dir = os.path.join(root, "doc")
    if os.path.isdir(doc_dir):
        docs += sorted("doc/" + n for n in os.listdir(doc_dir) if n.endswith(".md"))
    return docs


def known_flags(root):
    flags = set(ABSL_STANDARD_FLAGS) | set(OTHER_PROGRAMS_FLAGS) | set(NOT_FLAGS)
    for top in TOP_DIRS:
        if top == "doc":
            continue
        for path in walk_files(root, top, (".cc", ".h")):
            flags.update(ABSL_FLAG_RE.findall(read(path)))
    for path in walk_files(root, "admin-cli", (".cc", ".h")):
        text = read(path)
        flags.update(SPEC_RE.findall(text))
        flags.update(HAS_RE.findall(text))
    for top in ("admin-cli", "scripts", "bench", "examples"):
        for path in walk_files(root, top, SOURCE_EXTS):
            if path.endswith(".md"):
                continue  # a doc does not define a flag
            flags.update(FLAG_RE.findall(read(path)))
    return {norm_flag(f) for f in flags}


def known_reasons(root):
    reasons = set(GRPC_CODES)
    for top in ("server", "common"):
        for path in walk_files(root, top, (".cc", ".h")):
            reasons.update(LITERAL_RE.findall(read(path)))
    return reasons


def is_placeholder(token):
    if any(c in PLACEHOLDER_CHARS for c in token) or "..." in token:
        return True
    return any(re.fullmatch(r"[A-Z][A-Z0-9_]*", part) or "NNNN" in part
               for part in token.split("/"))


def path_exists(root, token):
    path = os.path.join(root, token.rstrip("/"))
    if os.path.exists(path) or any(os.path.isfile(path + ext) for ext in (".h", ".cc")):
        return True
    cmake = os.path.join(os.path.dirname(path), "CMakeLists.txt")
    program = re.escape(os.path.basename(path))
    return os.path.isfile(cmake) and re.search(
        r"add_executable\(\s*%s\s" % program, read(cmake)) is not None


def check_paths(root, doc, lineno, line, problems):
    for match in PATH_RE.finditer(line):
        token = match.group(1).rstrip(".")
        if is_placeholder(token):
            continue
        if not path_exists(root, token):
            problems.append("%s:%d: path `%s` does not exist" % (doc, lineno, token))
    for match in LINK_RE.finditer(line):
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        target = target.split("#", 1)[0]
        if not target or is_placeholder(target):
            continue
        resolved = os.path.normpath(os.path.join(root, os.path.dirname(doc), target))
        if not os.path.exists(resolved):
            problems.append("%s:%d: link target `%s` does not exist" % (doc, lineno, target))


def check_flags(flags, doc, lineno, line, problems):
    for match in FLAG_RE.finditer(line):
        if norm_flag(match.group(1)) not in flags:
            problems.append("%s:%d: flag `--%s` is defined by no ABSL_FLAG, CLI, script, "
                            "bench or example source" % (doc, lineno, match.group(1)))


def check_reasons(reasons, doc, lineno, line, problems):
    for span in BACKTICK_RE.findall(line):
        span = span.strip()
        if REASON_RE.match(span) and span not in reasons:
            problems.append("%s:%d: reason `%s` appears in no string literal under "
                            "server/ or common/" % (doc, lineno, span))


CHINESE_SENTENCES = "server/api/localized_messages.cc"


def chinese_reasons(root):
    """Reasons with a zh-CN sentence of their own (gRPC code names fall back
    to the code's sentence)."""
    path = os.path.join(root, CHINESE_SENTENCES)
    found = set(GRPC_CODES)
    if os.path.isfile(path):
        found.update(re.findall(r'\{"([A-Z][A-Z0-9_]+)",', read(path)))
    return found


def check_chinese(chinese, doc, lineno, line, problems):
    # The reason column of the errors table: every reason there has its
    # Chinese sentence (the LocalizedMessage every error carries).
    cells = line.split("|")
    if len(cells) < 4:
        return
    for span in BACKTICK_RE.findall(cells[2]):
        span = span.strip()
        if REASON_RE.match(span) and span not in chinese:
            problems.append("%s:%d: reason `%s` has no Chinese sentence in %s"
                            % (doc, lineno, span, CHINESE_SENTENCES))


def check(root):
    problems = []
    flags = known_flags(root)
    reasons = known_reasons(root)
    chinese = chinese_reasons(root)
    for doc in doc_files(root):
        in_errors = False
        for lineno, line in enumerate(read(os.path.join(root, doc)).splitlines(), 1):
            if line.startswith("#"):
                in_errors = bool(re.match(r"^##\s+Errors\b", line))
            check_paths(root, doc, lineno, line, problems)
            check_flags(flags, doc, lineno, line, problems)
            if doc == "doc/access.md" or (doc == "doc/api.md" and in_errors
                                          and line.startswith("|")):
                check_reasons(reasons, doc, lineno, line, problems)
            if doc == "doc/api.md" and in_errors and line.startswith("|"):
                check_chinese(chinese, doc, lineno, line, problems)
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as root:
        def write(rel, text):
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        write("server/main.cc",
              'ABSL_FLAG(int, good_flag, 0, "x");\n'
              'return MakeError(kNotFound, "GOOD_REASON", "m");\n')
        write("server/api/localized_messages.cc", '{"GOOD_REASON", "好"},\n')
        write("doc/api.md",
              "# API\n"
              "Code in `server/main.cc`, outputs in `build/server/nope` and\n"
              "`.run/publications/black/1/`, one per `server/<module>/N.cc`.\n"
              "Also see `server/missing.cc`.\n"
              "Run with `--good_flag` or `--good-flag`, `--help`, `--bad_flag=1`.\n"
              "See [the API](api.md) and [the web](https://example.org/x.md).\n"
              "## Errors\n"
              "| code | reason |\n"
              "|---|---|\n"
              "| NOT_FOUND | `GOOD_REASON` |\n"
              "| ABORTED | `BAD_REASON` |\n"
              "## Later\n"
              "`ANOTHER_REASON` outside the table is not checked.\n")
        problems = check(root)
    expected = [
        "doc/api.md:4: path `server/missing.cc` does not exist",
        "doc/api.md:5: flag `--bad_flag`",
        "doc/api.md:11: reason `BAD_REASON` appears",
        "doc/api.md:11: reason `BAD_REASON` has no Chinese sentence",
    ]
    ok = len(problems) == len(expected) and all(
        any(p.startswith(e) for p in problems) for e in expected)
    for p in problems:
        print("reported: " + p)
    if not ok:
        print("self-test FAILED: expected exactly these problems:\n  " +
              "\n  ".join(expected))
        return 1
    print("self-test passed: the bad path, flag and reason were reported, nothing else")
    return 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    root = argv[1] if len(argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print("%d problem(s) in the docs (rules: tests/docs/check_docs.py)" % len(problems))
        return 1
    print("docs check: %d docs, no problems" % len(doc_files(root)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

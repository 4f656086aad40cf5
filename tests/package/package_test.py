#!/usr/bin/python3
"""The Debian package, built and used as an operator would (issue 17 item 3).

Run by CTest (tests/package/CMakeLists.txt) with:
  package_test.py CPACK BUILD_DIR SOURCE_DIR VERSION DB_ENV_FILE WORK_DIR

1. `cpack -G DEB` from BUILD_DIR's CPackConfig.cmake into WORK_DIR/cpack.
2. The .deb's files (`dpkg-deb -c`): the programs, every policy of
   SOURCE_DIR/policies, the unit, the flag and environment files, the docs;
   nothing else (no tests, benches, libraries).
3. Its control fields (`dpkg-deb -f`, `-e`): Package, Version, Depends,
   conffiles, the postinst's adduser.
4. Unpacked (`dpkg -x`): the unit's keys (user, ExecStart, hardening);
   `systemd-analyze verify` when it works here (reported, never failed).
5. The flag file: a comment line above every flag; a copy edited only where a
   test must differ starts the unpacked envcredit-server against a fresh
   schema of the test database; the unpacked envcredit-admin lists the tokens
   with the first-start ADMIN token; SIGTERM ends the server with exit 0.
   A flag file with an unknown flag must make the server refuse to start.
Everything it starts it stops; the schema it makes it drops. Exit 0 when all
holds, 1 with one line per problem.
"""
import functools
import glob
import os
import shutil
import signal
import subprocess
import sys
import time

CPACK, BUILD_DIR, SOURCE_DIR, VERSION, DB_ENV_FILE, WORK_DIR = sys.argv[1:7]
SCHEMA = "package_test_%d" % os.getpid()
PROBLEMS = []


def problem(text):
    print("FAIL: " + text, flush=True)
    PROBLEMS.append(text)


def check(condition, text):
    if not condition:
        problem(text)
    return condition


def run(args, timeout=120, **kwargs):
    print("+ " + " ".join(args), flush=True)
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from db_env import read_env  # noqa: E402  (tests/support/db_env.py)


DB = read_env(DB_ENV_FILE)


def mariadb(sql):
    subprocess.run(["mariadb", "--no-defaults", "-h", DB["ENVCREDIT_DB_HOST"],
                    "-P", DB["ENVCREDIT_DB_PORT"], "-u", DB["ENVCREDIT_DB_USER"],
                    "--protocol=TCP", "-e", sql], check=True, timeout=60,
                   env=dict(os.environ, MYSQL_PWD=DB.get("ENVCREDIT_DB_PASSWORD", "")))


# --- 1. Build the package ---------------------------------------------------
def build_package():
    out = os.path.join(WORK_DIR, "cpack")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    result = run([CPACK, "--config", os.path.join(BUILD_DIR, "CPackConfig.cmake"),
                  "-G", "DEB", "-B", out], timeout=240)
    if result.returncode != 0:
        sys.exit("cpack failed:\n" + result.stdout + result.stderr)
    debs = glob.glob(os.path.join(out, "*.deb"))
    if len(debs) != 1:
        sys.exit("cpack made %d .deb files in %s, not one" % (len(debs), out))
    print("package: " + debs[0], flush=True)
    return debs[0]


# --- 2. Its files -----------------------------------------------------------
POLICIES = sorted(os.path.basename(p)
                  for p in glob.glob(os.path.join(SOURCE_DIR, "policies", "*.textproto")))
REQUIRED_FILES = [
    "/usr/bin/envcredit-server",
    "/usr/bin/envcredit-admin",
    "/lib/systemd/system/envcredit-server.service",
    "/etc/envcredit/server.flags",
    "/etc/envcredit/server.env",
    "/usr/share/doc/envcredit/README.md",
    "/usr/share/doc/envcredit/doc/operations.md",
] + ["/usr/share/envcredit/policies/" + name for name in POLICIES]
# Every file lies under one of these; nothing else (tests, benches, static
# libraries, headers) belongs in the package.
ALLOWED_FILES = ("/usr/bin/envcredit-server", "/usr/bin/envcredit-admin",
                 "/usr/share/envcredit/policies/", "/usr/share/doc/envcredit/",
                 "/lib/systemd/system/envcredit-server.service",
                 "/etc/envcredit/server.flags", "/etc/envcredit/server.env")


def check_files(deb):
    listing = run(["dpkg-deb", "-c", deb]).stdout.splitlines()
    files = {}
    for line in listing:
        fields = line.split(None, 5)
        if len(fields) == 6 and not fields[0].startswith("d"):
            files[fields[5].removeprefix(".")] = fields[0]
    check(POLICIES, "no policies/*.textproto in " + SOURCE_DIR)
    for path in REQUIRED_FILES:
        check(path in files, "the package lacks " + path)
    for path in files:
        check(path.startswith(ALLOWED_FILES), "the package holds an unexpected file " + path)
    for program in ("/usr/bin/envcredit-server", "/usr/bin/envcredit-admin"):
        check(files.get(program, "").startswith("-rwxr-xr-x"),
              program + " is not mode 0755: " + files.get(program, "missing"))
    check(files.get("/etc/envcredit/server.env", "").startswith("-rw-------"),
          "/etc/envcredit/server.env (the database password) is not mode 0600")


# --- 3. Its control fields --------------------------------------------------
def check_control(deb):
    fields = {}
    for name in ("Package", "Version", "Depends", "Architecture", "Maintainer",
                 "Description"):
        fields[name] = run(["dpkg-deb", "-f", deb, name]).stdout.strip()
        check(fields[name], "control field %s is empty" % name)
    check(fields["Package"] == "envcredit", "Package is %r, not envcredit" % fields["Package"])
    check(fields["Version"] == VERSION,
          "Version is %r, not the project's %s" % (fields["Version"], VERSION))
    depends = [d.strip().split(" ")[0] for d in fields["Depends"].split(",")]
    for needed in ("adduser", "libgrpc++1.51", "libprotobuf32", "libmysqlcppconn7v5",
                   "libabsl20220623", "libssl3"):
        check(needed in depends, "Depends lacks %s: %s" % (needed, fields["Depends"]))
    control = os.path.join(WORK_DIR, "control")
    shutil.rmtree(control, ignore_errors=True)
    run(["dpkg-deb", "-e", deb, control], timeout=60).check_returncode()
    conffiles = open(os.path.join(control, "conffiles")).read().split() \
        if os.path.exists(os.path.join(control, "conffiles")) else []
    for path in ("/etc/envcredit/server.flags", "/etc/envcredit/server.env"):
        check(path in conffiles, path + " is not a conffile")
    postinst = os.path.join(control, "postinst")
    check(os.path.exists(postinst) and os.access(postinst, os.X_OK),
          "no executable postinst")
    if os.path.exists(postinst):
        text = open(postinst).read()
        check("adduser --system --group --no-create-home" in text and "envcredit" in text,
              "the postinst does not add the system user envcredit")


# --- 4. The unit ------------------------------------------------------------
EXPECTED_UNIT = {
    ("Unit", "After"): "network-online.target mariadb.service",
    ("Unit", "Wants"): "network-online.target",
    ("Service", "User"): "envcredit",
    ("Service", "Group"): "envcredit",
    ("Service", "ExecStart"):
        "/usr/bin/envcredit-server --flagfile=/etc/envcredit/server.flags",
    ("Service", "Restart"): "on-failure",
    ("Service", "StateDirectory"): "envcredit",
    ("Service", "LimitNOFILE"): "65536",
    ("Service", "NoNewPrivileges"): "yes",
    ("Service", "ProtectSystem"): "strict",
    ("Service", "ProtectHome"): "yes",
    ("Service", "PrivateTmp"): "yes",
    ("Service", "PrivateDevices"): "yes",
    ("Service", "ProtectKernelTunables"): "yes",
    ("Service", "ProtectKernelModules"): "yes",
    ("Service", "ProtectControlGroups"): "yes",
    ("Service", "RestrictAddressFamilies"): "AF_UNIX AF_INET AF_INET6",
    ("Service", "LockPersonality"): "yes",
    ("Service", "MemoryDenyWriteExecute"): "yes",
    ("Service", "RestrictRealtime"): "yes",
    ("Service", "SystemCallArchitectures"): "native",
    ("Service", "CapabilityBoundingSet"): "",
    ("Install", "WantedBy"): "multi-user.target",
}


def parse_unit(path):
    """{(section, key): value}, the last assignment winning (as systemd's
    does for these keys)."""
    keys, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif "=" in line:
                key, value = line.split("=", 1)
                keys[(section, key.strip())] = value.strip()
    return keys


def check_unit(root):
    unit = os.path.join(root, "lib/systemd/system/envcredit-server.service")
    if not check(os.path.exists(unit), "no unit in the unpacked package"):
        return
    keys = parse_unit(unit)
    for (section, key), value in EXPECTED_UNIT.items():
        check(keys.get((section, key)) == value,
              "unit [%s] %s is %r, expected %r" % (section, key, keys.get((section, key)),
                                                   value))
    state_dir = "/var/lib/" + keys.get(("Service", "StateDirectory"), "?")
    flags = read_flags(os.path.join(root, "etc/envcredit/server.flags"))
    check(dict(flags).get("admin_token_file", "").startswith(state_dir + "/"),
          "--admin_token_file is not in the unit's StateDirectory " + state_dir)
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("note: no systemd-analyze here; the unit is not verified by systemd",
              flush=True)
        return
    result = run([analyze, "verify", "--root=" + root,
                  "/lib/systemd/system/envcredit-server.service"], timeout=60)
    output = (result.stdout + result.stderr).strip()
    if result.returncode == 0 and not output:
        print("systemd-analyze verify --root: clean", flush=True)
        return
    # The unpacked tree has none of systemd's own units (sysinit.target, ...),
    # so --root usually cannot work: report it, then verify, against this
    # machine's units, a copy of the unit that differs only in naming the
    # unpacked program in ExecStart.
    print("note: systemd-analyze verify --root exit %d (reported, not failed):\n%s"
          % (result.returncode, output), flush=True)
    copy_dir = os.path.join(WORK_DIR, "unit-check")
    os.makedirs(copy_dir, exist_ok=True)
    copy = os.path.join(copy_dir, "envcredit-server.service")
    with open(unit, encoding="utf-8") as f:
        text = f.read().replace("ExecStart=/usr/bin/envcredit-server",
                                "ExecStart=" + os.path.join(root, "usr/bin/envcredit-server"))
    with open(copy, "w", encoding="utf-8") as f:
        f.write(text)
    result = run([analyze, "verify", copy], timeout=60)
    output = (result.stdout + result.stderr).strip()
    # What systemd says about the unit's own lines fails the test; anything
    # else (no systemd as PID 1 in a container, ...) is only reported.
    own = [line for line in output.splitlines()
           if "envcredit-server.service" in line
           and any(word in line for word in ("Unknown key", "Unknown section",
                                              "Failed to parse", "Invalid", "bad-setting"))]
    for line in own:
        problem("systemd-analyze verify: " + line)
    print("systemd-analyze verify (copy): exit %d%s" % (
        result.returncode, ":\n" + output if output else ", clean"), flush=True)


# --- 5. The flag file, and a server started with it -------------------------
@functools.lru_cache(maxsize=None)  # read (and its problems reported) once
def read_flags(path):
    """[(name, value)] of the flag lines; a comment line must precede each."""
    flags, previous = [], ""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("--"):
                name, _, value = line[2:].partition("=")
                check(previous.startswith("#"),
                      "%s:%d: --%s has no comment line above it" % (path, number, name))
                flags.append((name, value))
            else:
                check(not line.strip() or line.startswith("#"),
                      "%s:%d: neither a flag nor a comment: %r" % (path, number, line))
            previous = line
    return flags


def write_flags(path, flags, comments):
    with open(path, "w", encoding="utf-8") as f:
        for name, value in flags:
            if name in comments:
                f.write("# test: %s\n" % comments[name])
            f.write("--%s=%s\n" % (name, value))


def stop(process, timeout=30):
    """SIGTERM, then SIGKILL after `timeout` s; returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            problem("the server did not stop within %d s of SIGTERM; killed" % timeout)
            process.kill()
            process.wait()
    return process.returncode


def check_server(root):
    packaged = read_flags(os.path.join(root, "etc/envcredit/server.flags"))
    names = [name for name, _ in packaged]
    check(len(set(names)) == len(names), "a flag appears twice in server.flags")
    policies = dict(packaged).get("policy_dir")
    check(policies == "/usr/share/envcredit/policies",
          "--policy_dir is %r, not where the package puts the policies" % policies)
    token_file = os.path.join(WORK_DIR, "admin.token")
    port_file = os.path.join(WORK_DIR, "port")
    # Only what must differ in a test is edited; why, line by line:
    edits = {
        "listen": ("127.0.0.1:0",
                   "port 0: the production port may be taken here (still loopback)"),
        "db_host": (DB["ENVCREDIT_DB_HOST"], "the fixture's private MariaDB"),
        "db_port": (DB["ENVCREDIT_DB_PORT"], "the fixture's private MariaDB"),
        "db_user": (DB["ENVCREDIT_DB_USER"], "the fixture's database user"),
        "db_name": (SCHEMA, "a schema of this test's own, dropped afterwards"),
        "policy_dir": (os.path.join(root, policies.lstrip("/")) if policies else "",
                       "the policies of the unpacked package, not of /usr"),
        "metrics_listen": ("127.0.0.1:0",
                           "port 0: the production metrics port may be taken here"),
        "admin_token_file": (token_file,
                             "/var/lib/envcredit is the unit's StateDirectory, "
                             "absent here"),
    }
    for name in edits:
        check(name in names, "server.flags lacks --" + name)
    flags = [(name, edits[name][0] if name in edits else value) for name, value in packaged]
    # Added: the file a test waits for (the server writes it once ready).
    flags.append(("port_file", port_file))
    comments = {name: why for name, (_, why) in edits.items()}
    comments["port_file"] = "added: written once the server is ready"
    flag_file = os.path.join(WORK_DIR, "server.flags")
    write_flags(flag_file, flags, comments)

    server_bin = os.path.join(root, "usr/bin/envcredit-server")
    admin_bin = os.path.join(root, "usr/bin/envcredit-admin")
    # The database password, as the unit's EnvironmentFile would give it.
    env = dict(os.environ, ENVCREDIT_DB_PASSWORD=DB.get("ENVCREDIT_DB_PASSWORD", ""))
    for stale in (token_file, port_file):
        if os.path.exists(stale):
            os.remove(stale)

    # A flag the server does not know makes it refuse to start.
    bad_flags = os.path.join(WORK_DIR, "bad.flags")
    write_flags(bad_flags, flags + [("no_such_flag", "1")], {})
    refused = run([server_bin, "--flagfile=" + bad_flags], timeout=30, env=env)
    check(refused.returncode != 0 and "no_such_flag" in refused.stderr,
          "the server started with an unknown flag (exit %d): %s"
          % (refused.returncode, refused.stderr[-500:]))

    # The operator creates the database before the first start.
    mariadb("CREATE DATABASE `%s` CHARACTER SET utf8mb4" % SCHEMA)
    log_path = os.path.join(WORK_DIR, "server.log")
    with open(log_path, "w") as log:
        print("+ %s --flagfile=%s" % (server_bin, flag_file), flush=True)
        server = subprocess.Popen([server_bin, "--flagfile=" + flag_file], stdout=log,
                                  stderr=log, env=env, cwd=WORK_DIR)
        try:
            deadline = time.time() + 60
            while not os.path.exists(port_file):
                if server.poll() is not None or time.time() > deadline:
                    problem("the packaged server did not become ready (exit %s); log:\n%s"
                            % (server.poll(), open(log_path).read()[-3000:]))
                    return
                time.sleep(0.1)
            port = open(port_file).read().strip()
            check(os.path.exists(token_file), "no first-start ADMIN token in " + token_file)
            answer = run([admin_bin, "--server", "127.0.0.1:" + port, "--token-file",
                          token_file, "--timeout", "10", "--output", "json", "tokens",
                          "list"], timeout=30)
            check(answer.returncode == 0 and "bootstrap-admin" in answer.stdout,
                  "envcredit-admin tokens list: exit %d, stdout %r, stderr %r"
                  % (answer.returncode, answer.stdout[-500:], answer.stderr[-500:]))
        finally:
            code = stop(server)
        check(code == 0, "the server exited %s on SIGTERM, not 0; log:\n%s"
              % (code, open(log_path).read()[-3000:]))


def main():
    os.makedirs(WORK_DIR, exist_ok=True)
    deb = build_package()
    check_files(deb)
    check_control(deb)
    root = os.path.join(WORK_DIR, "root")
    shutil.rmtree(root, ignore_errors=True)
    run(["dpkg", "-x", deb, root], timeout=120).check_returncode()
    check_unit(root)
    try:
        check_server(root)
    finally:
        try:
            mariadb("DROP DATABASE IF EXISTS `%s`" % SCHEMA)
        except (subprocess.SubprocessError, OSError) as error:
            print("note: could not drop %s: %s" % (SCHEMA, error), flush=True)
    if PROBLEMS:
        print("%d problem(s)" % len(PROBLEMS), flush=True)
        return 1
    print("package OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

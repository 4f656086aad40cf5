#!/usr/bin/env python3
"""A network partition of one database node (issue 16, doc/deployment.md).

Everything runs inside network namespaces this test creates: three Galera
nodes (scripts/cluster.sh with ENVCREDIT_CLUSTER_NETNS), one in each of
namespaces n1, n2 and n3, each namespace joined to a bridge in a fourth
("hub") by one veth pair; an envcredit-server in n1 (the majority side) and
one in n3 (the minority side), each on its namespace's own loopback; and the
clients, envcredit-admin run with `ip netns exec` beside their server. The
partition takes node 3's link down at the hub.

What it asserts (counts and states, never times):
  - before: writes through both servers are acknowledged;
  - partitioned: node 3 reports non-Primary, nodes 1 and 2 a Primary
    component of 2; every write through the minority's server is refused
    with UNAVAILABLE, every write through the majority's is acknowledged;
  - healed: node 3 is Synced in a cluster of 3 again, the minority's server
    takes writes, no refused write was stored anywhere, every acknowledged
    one is on all three nodes, and the tables' checksums agree.

Skipped (exit 77, reason printed) when network namespaces cannot be made
(not root, no `ip`, a container without CAP_NET_ADMIN), or when `ip route
get` shows that an address the test would use does not go through the
test's own links: such an address would route off the machine.

Usage (CTest runs it, tests/cluster/CMakeLists.txt):
  partition_test.py SOURCE_DIR SERVER_BIN ADMIN_BIN RUN_DIR
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from uscc import uscc  # noqa: E402  (tests/support/uscc.py)

SKIP = 77
NODES = (1, 2, 3)
MINORITY = 3
WRITES = 5  # per side and phase
STATE_TIMEOUT_S = 120  # an upper bound for a state to appear, not a figure
DB_USER = "partition_test"  # the servers' database user, from the namespaces
DB_PASSWORD = "partition-test-only"


class Skip(Exception):
    pass


def run(argv, check=True, timeout=120, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr.strip()}")
    return result


class Network:
    """The namespaces, the bridge and one veth pair per node namespace."""

    def __init__(self):
        tag = os.getpid() % 100000
        self.hub = f"ecp{tag}hub"
        self.ns = {n: f"ecp{tag}n{n}" for n in NODES}
        self.node_link = {n: f"ec{tag}v{n}" for n in NODES}  # inside nsN
        self.hub_link = {n: f"ec{tag}h{n}" for n in NODES}   # inside the hub
        subnet = random.Random(os.getpid()).randrange(200, 250)
        self.address = {n: f"10.{subnet}.{tag % 250}.{n}" for n in NODES}
        self.created = []

    def create(self):
        if os.geteuid() != 0:
            raise Skip("network namespaces need root (CAP_SYS_ADMIN, CAP_NET_ADMIN)")
        if shutil.which("ip") is None:
            raise Skip("no `ip` command (iproute2)")
        for name in [self.hub, *self.ns.values()]:
            result = run(["ip", "netns", "add", name], check=False)
            if result.returncode != 0:
                raise Skip(f"cannot create network namespace {name}: {result.stderr.strip()}")
            self.created.append(name)
        try:
            self._links()
        except RuntimeError as error:
            raise Skip(f"cannot link the namespaces: {error}")

    def _links(self):
        hub = ["ip", "-n", self.hub]
        run(hub + ["link", "add", "br0", "type", "bridge"])
        run(hub + ["link", "set", "br0", "up"])
        for n in NODES:
            inside = ["ip", "-n", self.ns[n]]
            run(hub + ["link", "add", self.hub_link[n], "type", "veth", "peer", "name",
                       self.node_link[n], "netns", self.ns[n]])
            run(hub + ["link", "set", self.hub_link[n], "master", "br0", "up"])
            run(inside + ["link", "set", "lo", "up"])
            run(inside + ["addr", "add", f"{self.address[n]}/24", "dev", self.node_link[n]])
            run(inside + ["link", "set", self.node_link[n], "up"])

    def check_routes(self):
        """Every address, seen from every namespace, goes through its own veth
        (or is its own address, on its loopback)."""
        for n in NODES:
            for m in NODES:
                out = run(["ip", "-n", self.ns[n], "-o", "route", "get", self.address[m]]).stdout
                words = out.split()
                dev = words[words.index("dev") + 1] if "dev" in words else "?"
                own = m == n and words[:1] == ["local"] and dev == "lo"
                if not own and dev != self.node_link[n]:
                    raise Skip(f"from {self.ns[n]}, {self.address[m]} routes via {dev}, "
                               f"not the test's link {self.node_link[n]}: {out.strip()}")

    def cut(self, n):
        run(["ip", "-n", self.hub, "link", "set", self.hub_link[n], "down"])

    def heal(self, n):
        run(["ip", "-n", self.hub, "link", "set", self.hub_link[n], "up"])

    def exec_in(self, n):
        return ["ip", "netns", "exec", self.ns[n]]

    def destroy(self):
        # Deleting a namespace deletes its links; processes still in it would
        # keep it alive, so the caller stops them first.
        for name in reversed(self.created):
            run(["ip", "netns", "del", name], check=False)
        self.created = []


class Cluster:
    def __init__(self, source_dir, run_dir, network):
        self.script = os.path.join(source_dir, "scripts", "cluster.sh")
        self.run_dir = run_dir
        self.network = network
        self.env = {}

    def start(self):
        spec = " ".join(f"{self.network.ns[n]}={self.network.address[n]}" for n in NODES)
        env = dict(os.environ, ENVCREDIT_CLUSTER_NETNS=spec)
        result = run(["bash", self.script, "start", self.run_dir, "--fast"], check=False,
                     timeout=600, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"cluster.sh start failed:\n{result.stdout}\n{result.stderr}")
        with open(os.path.join(self.run_dir, "cluster", "db.env")) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                self.env[key] = value

    def stop(self):
        run(["bash", self.script, "stop", self.run_dir], check=False, timeout=300)

    def endpoint(self, n):
        return self.env["ENVCREDIT_DB_HOSTS"].split(",")[n - 1]

    def sql(self, n, statement):
        # Over node n's socket: a Unix socket is a file, reachable from here.
        result = run(["mariadb", "--no-defaults", f"--socket={self.env[f'ENVCREDIT_CLUSTER_SOCKET_{n}']}",
                      "-uroot", "--connect-timeout=2", "-NBe", statement], check=False, timeout=30)
        return result.stdout if result.returncode == 0 else None

    def status(self, n, name):
        out = self.sql(n, f"SHOW STATUS LIKE '{name}'")
        return out.split("\t")[1].strip() if out and "\t" in out else ""


def wait_until(what, predicate, timeout_s=STATE_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"not reached within {timeout_s} s: {what}")


class Server:
    """envcredit-server inside a node's namespace, on that namespace's loopback."""

    def __init__(self, binary, source_dir, network, n, hosts, schema, scratch):
        self.dir = tempfile.mkdtemp(prefix=f"server{n}-", dir=scratch)
        self.port_file = os.path.join(self.dir, "port")
        self.token_file = os.path.join(self.dir, "admin.token")
        today = os.path.join(self.dir, "today")
        with open(today, "w") as f:
            f.write("2025-01-01\n")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.process = subprocess.Popen(
            network.exec_in(n) + [
                binary, "--listen=127.0.0.1:0", f"--port_file={self.port_file}",
                f"--db_hosts={','.join(hosts)}", f"--db_user={DB_USER}", f"--db_name={schema}",
                "--db_create", f"--policy_dir={os.path.join(source_dir, 'policies')}",
                f"--admin_token_file={self.token_file}", f"--today_file={today}",
                "--metrics_listen=", "--rate_limit_per_second=1000000",
                "--rate_limit_burst=1000000"],
            stdout=self.log, stderr=subprocess.STDOUT, env=dict(os.environ, ENVCREDIT_DB_PASSWORD=DB_PASSWORD))
        wait_until(f"server in namespace n{n} ready", self._ready, 120)
        with open(self.port_file) as f:
            self.address = f"127.0.0.1:{f.read().strip()}"

    def _ready(self):
        if self.process.poll() is not None:
            with open(self.log.name) as f:
                raise RuntimeError(f"server exited {self.process.returncode}:\n{f.read()[-3000:]}")
        return os.path.exists(self.port_file)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Test:
    def __init__(self, source_dir, server_bin, admin_bin, run_dir):
        self.source_dir = source_dir
        self.server_bin = server_bin
        self.admin_bin = admin_bin
        self.run_dir = run_dir
        self.schema = f"cl_partition_{os.getpid()}"
        self.network = Network()
        self.cluster = Cluster(source_dir, run_dir, self.network)
        self.servers = {}
        self.token = ""
        self.failures = []
        self.serial = 0

    def expect(self, condition, message):
        if not condition:
            self.failures.append(message)
            print(f"FAILED: {message}", flush=True)

    def code(self, tag, serial):
        """A valid credit code of a Nanjing enterprise, body TAG + serial."""
        return uscc("320100", f"{tag}{serial:07d}")

    def create(self, n, code):
        """One enterprise created through the server of namespace n: the CLI's
        exit code and its stderr."""
        argv = self.network.exec_in(n) + [
            self.admin_bin, "--server", self.servers[n].address, "--token", self.token,
            "--timeout", "30", "enterprises", "create", "--credit-code", code,
            "--name", f"Partition test {code}", "--industry", "OTHER",
            "--request-id", f"partition-{code}"]
        result = run(argv, check=False, timeout=300)
        return result.returncode, result.stderr.strip()

    def stored(self, n, codes):
        listed = ",".join(f"'{c}'" for c in codes)  # test-made codes, not input
        out = self.cluster.sql(n, f"SELECT credit_code FROM {self.schema}.enterprises "
                                  f"WHERE credit_code IN ({listed})")
        return set(out.split()) if out is not None else None

    def write_phase(self, n, tag):
        codes, acked, refused_unavailable = [], [], 0
        for _ in range(WRITES):
            self.serial += 1
            code = self.code(tag, self.serial)
            codes.append(code)
            status, stderr = self.create(n, code)
            if status == 0:
                acked.append(code)
            elif "UNAVAILABLE" in stderr:
                refused_unavailable += 1
            if status != 0 and len(codes) == 1:
                print(f"[ partition ] n{n} {tag}: first refusal: {stderr.splitlines()[0] if stderr else status}",
                      flush=True)
        return codes, acked, refused_unavailable

    def run(self):
        self.network.create()
        self.network.check_routes()
        print(f"[ partition ] namespaces {self.network.hub} + {list(self.network.ns.values())}, "
              f"addresses {list(self.network.address.values())}: routes checked", flush=True)
        self.cluster.start()
        print("[ partition ] three nodes Synced inside their namespaces", flush=True)
        # root may connect from localhost only; the servers come from the
        # namespaces' addresses (the statement replicates to every node).
        created = self.cluster.sql(1, f"CREATE USER IF NOT EXISTS '{DB_USER}'@'%' "
                                      f"IDENTIFIED BY '{DB_PASSWORD}'; "
                                      f"GRANT ALL ON *.* TO '{DB_USER}'@'%'")
        if created is None:
            raise RuntimeError(f"cannot create the database user {DB_USER}")
        hosts = [self.cluster.endpoint(n) for n in NODES]
        scratch = tempfile.mkdtemp(prefix="servers-", dir=self.run_dir)
        # The majority's server prefers node 1; the minority's its own node 3.
        self.servers[1] = Server(self.server_bin, self.source_dir, self.network, 1, hosts,
                                 self.schema, scratch)
        with open(self.servers[1].token_file) as f:
            self.token = f.read().strip()
        self.servers[MINORITY] = Server(self.server_bin, self.source_dir, self.network, MINORITY,
                                        [hosts[2], hosts[0], hosts[1]], self.schema, scratch)

        acked_all, refused_all = [], []
        for n in (1, MINORITY):
            codes, acked, _ = self.write_phase(n, "B")
            self.expect(len(acked) == WRITES, f"before the partition, {len(acked)} of {WRITES} "
                                              f"writes through n{n}'s server acknowledged")
            acked_all += acked

        cut = time.monotonic()
        self.network.cut(MINORITY)
        wait_until("node 3 non-Primary", lambda: self.cluster.status(3, "wsrep_cluster_status") == "non-Primary")
        to_non_primary = time.monotonic() - cut
        wait_until("nodes 1 and 2 a Primary component of 2", lambda: all(
            self.cluster.status(n, "wsrep_cluster_status") == "Primary"
            and self.cluster.status(n, "wsrep_cluster_size") == "2" for n in (1, 2)))
        print(f"[ partition ] node 3 cut off: non-Primary after {to_non_primary:.1f} s; "
              f"nodes 1 and 2 Primary, size 2 after {time.monotonic() - cut:.1f} s", flush=True)

        codes, acked, unavailable = self.write_phase(MINORITY, "M")
        refused_all += codes
        self.expect(not acked, f"the minority acknowledged {len(acked)} writes: {acked}")
        self.expect(unavailable == WRITES,
                    f"{unavailable} of {WRITES} minority writes refused with UNAVAILABLE")
        codes, acked, _ = self.write_phase(1, "J")
        acked_all += acked
        self.expect(len(acked) == WRITES,
                    f"the majority acknowledged {len(acked)} of {WRITES} writes")
        print(f"[ partition ] minority: {unavailable} of {WRITES} writes refused UNAVAILABLE; "
              f"majority: {len(acked)} of {WRITES} acknowledged", flush=True)

        healed = time.monotonic()
        self.network.heal(MINORITY)
        wait_until("three nodes Synced in a cluster of 3", lambda: all(
            self.cluster.status(n, "wsrep_local_state_comment") == "Synced"
            and self.cluster.status(n, "wsrep_cluster_size") == "3" for n in NODES))
        print(f"[ partition ] healed: three nodes Synced, size 3, after "
              f"{time.monotonic() - healed:.1f} s", flush=True)

        # The minority's server serves again (it may first fail back to its
        # node: its client retries, as a client does).
        self.serial += 1
        code = self.code("H", self.serial)
        deadline = time.monotonic() + STATE_TIMEOUT_S
        status, stderr = self.create(MINORITY, code)
        while status != 0 and time.monotonic() < deadline:
            time.sleep(1)
            status, stderr = self.create(MINORITY, code)
        self.expect(status == 0, f"after the heal the minority's server still refuses: {stderr}")
        print(f"[ partition ] the minority's server acknowledged a write "
              f"{time.monotonic() - healed:.1f} s after the heal", flush=True)
        if status == 0:
            acked_all.append(code)

        for n in NODES:
            stored = self.stored(n, acked_all + refused_all)
            self.expect(stored is not None, f"node {n} does not answer")
            if stored is None:
                continue
            self.expect(stored.isdisjoint(refused_all),
                        f"node {n} holds refused writes: {sorted(stored & set(refused_all))}")
            self.expect(set(acked_all) <= stored,
                        f"node {n} lacks acknowledged writes: {sorted(set(acked_all) - stored)}")
        tables = ", ".join(f"{self.schema}.{t}" for t in ("enterprises", "ratings", "audit_log"))
        sums = {n: self.cluster.sql(n, f"CHECKSUM TABLE {tables}") for n in NODES}
        self.expect(sums[1] is not None and sums[1] == sums[2] == sums[3],
                    f"the nodes' checksums differ: {sums}")
        print(f"[ partition ] {len(acked_all)} acknowledged writes on all three nodes, "
              f"0 of {len(refused_all)} refused ones stored; checksums agree", flush=True)

    def cleanup(self):
        for server in self.servers.values():
            server.stop()
        if self.cluster.env:
            self.cluster.sql(1, f"DROP DATABASE IF EXISTS {self.schema}")
        self.cluster.stop()
        self.network.destroy()
        shutil.rmtree(os.path.join(self.run_dir, "cluster"), ignore_errors=True)


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    source_dir, server_bin, admin_bin, run_dir = sys.argv[1:]
    os.makedirs(run_dir, exist_ok=True)
    test = Test(source_dir, server_bin, admin_bin, run_dir)
    try:
        test.run()
    except Skip as reason:
        print(f"SKIPPED: {reason}", flush=True)
        return SKIP
    except (AssertionError, RuntimeError, subprocess.TimeoutExpired) as error:
        test.failures.append(str(error))
        print(f"FAILED: {error}", flush=True)
    finally:
        test.cleanup()
    if test.failures:
        print(f"{len(test.failures)} failure(s)", flush=True)
        return 1
    print("PASSED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""An integrator's client in another language: Python with Debian's
python3-grpcio and stubs generated from proto/ as it is. Proves that the
proto alone is enough to call envcredit, errors included.

Run by CTest (tests/python/CMakeLists.txt) with:
  client_test.py SERVER_BIN PROTO_DIR DB_ENV_FILE WORK_DIR
It starts its own envcredit-server on a free port against a fresh schema
of the test database, calls it, and always stops the server and drops the
schema it made.
"""
import os
import signal
import subprocess
import sys
import time
import unittest

SERVER_BIN, PROTO_DIR, DB_ENV_FILE, WORK_DIR = sys.argv[1:5]
del sys.argv[1:5]

os.makedirs(WORK_DIR, exist_ok=True)
GEN_DIR = os.path.join(WORK_DIR, "gen")
os.makedirs(GEN_DIR, exist_ok=True)
from grpc_tools import protoc  # noqa: E402  (Debian's python3-grpc-tools)
import pkg_resources  # noqa: E402

protos = ["envcredit/v1/common.proto", "envcredit/v1/enterprise.proto",
          "google/rpc/status.proto", "google/rpc/error_details.proto"]
well_known = pkg_resources.resource_filename("grpc_tools", "_proto")
if protoc.main(["protoc", "-I" + PROTO_DIR, "-I" + well_known,
                "--python_out=" + GEN_DIR, "--grpc_python_out=" + GEN_DIR]
               + protos) != 0:
    sys.exit("protoc failed on " + PROTO_DIR)
sys.path.insert(0, GEN_DIR)

import grpc  # noqa: E402
from envcredit.v1 import enterprise_pb2, enterprise_pb2_grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from db_env import read_env  # noqa: E402  (tests/support/db_env.py)


DB = read_env(DB_ENV_FILE)
SCHEMA = "py_client_%d" % os.getpid()


def mariadb(sql):
    subprocess.run(["mariadb", "--no-defaults", "-h", DB["ENVCREDIT_DB_HOST"],
                    "-P", DB["ENVCREDIT_DB_PORT"], "-u", DB["ENVCREDIT_DB_USER"],
                    "--protocol=TCP", "-e", sql], check=True,
                   env=dict(os.environ, MYSQL_PWD=DB.get("ENVCREDIT_DB_PASSWORD", "")))


def error_info(error):
    """The google.rpc.ErrorInfo a failed call carries, decoded by hand."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info
    return None


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        port_file = os.path.join(WORK_DIR, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        cls.log = open(os.path.join(WORK_DIR, "server.log"), "w")
        env = dict(os.environ, ENVCREDIT_DB_PASSWORD=DB.get("ENVCREDIT_DB_PASSWORD", ""))
        cls.server = subprocess.Popen(
            [SERVER_BIN, "--listen=127.0.0.1:0", "--port_file=" + port_file,
             "--db_host=" + DB["ENVCREDIT_DB_HOST"],
             "--db_port=" + DB["ENVCREDIT_DB_PORT"],
             "--db_user=" + DB["ENVCREDIT_DB_USER"],
             "--db_name=" + SCHEMA, "--db_create",
             "--policy_dir=" + os.path.join(os.path.dirname(PROTO_DIR), "policies"),
             "--admin_token_file=" + os.path.join(WORK_DIR, "admin.token")],
            stdout=cls.log, stderr=cls.log, env=env)
        deadline = time.time() + 30
        while not os.path.exists(port_file):
            if cls.server.poll() is not None or time.time() > deadline:
                cls.tearDownClass()
                raise RuntimeError("server did not start; see " + cls.log.name)
            time.sleep(0.05)
        with open(port_file) as f:
            cls.address = "127.0.0.1:" + f.read().strip()
        with open(os.path.join(WORK_DIR, "admin.token")) as f:
            # Every call carries the bearer token, as any integrator's would.
            cls.md = (("authorization", "Bearer " + f.read().strip()),)
        cls.channel = grpc.insecure_channel(cls.address)
        cls.stub = enterprise_pb2_grpc.EnterpriseServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "server", None) and cls.server.poll() is None:
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
        cls.log.close()
        mariadb("DROP DATABASE IF EXISTS `%s`" % SCHEMA)

    def test_create_get_list(self):
        created = self.stub.CreateEnterprise(enterprise_pb2.CreateEnterpriseRequest(
            enterprise=enterprise_pb2.Enterprise(
                credit_code="91320100MA1N2B3C8C",
                display_name="（虚构）南京示例化工有限公司",
                industry=enterprise_pb2.CHEMICALS),
            request_id="py-create-1"), timeout=10, metadata=self.md)
        self.assertEqual(created.name, "enterprises/91320100MA1N2B3C8C")
        self.assertEqual(created.region_code, "320100")

        got = self.stub.GetEnterprise(
            enterprise_pb2.GetEnterpriseRequest(name=created.name), timeout=10,
            metadata=self.md)
        self.assertEqual(got.display_name, "（虚构）南京示例化工有限公司")

        listed = self.stub.ListEnterprises(
            enterprise_pb2.ListEnterprisesRequest(region_prefix="32"), timeout=10,
            metadata=self.md)
        self.assertIn(created.name, [e.name for e in listed.enterprises])

    def test_invalid_credit_code_names_field_and_reason(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.CreateEnterprise(enterprise_pb2.CreateEnterpriseRequest(
                enterprise=enterprise_pb2.Enterprise(
                    credit_code="91350100M000100Y4Y",  # wrong check character
                    display_name="（虚构）示例", industry=enterprise_pb2.OTHER)),
                timeout=10, metadata=self.md)
        error = caught.exception
        self.assertEqual(error.code(), grpc.StatusCode.INVALID_ARGUMENT)
        info = error_info(error)
        self.assertIsNotNone(info, "no google.rpc.ErrorInfo in the details")
        self.assertEqual(info.reason, "INVALID_CREDIT_CODE")
        self.assertEqual(info.metadata["field"], "enterprise.credit_code")

    def test_no_token_is_unauthenticated(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.ListEnterprises(enterprise_pb2.ListEnterprisesRequest(), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAUTHENTICATED)


if __name__ == "__main__":
    unittest.main(verbosity=2)

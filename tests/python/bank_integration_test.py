#!/usr/bin/python3
"""examples/python/bank_integration.py against a live server: the batch
lookup, the as-of lookup and the change feed resumed from a saved cursor,
as a bank would run them.

Run by CTest (tests/python/CMakeLists.txt) with:
  bank_integration_test.py SERVER_BIN PROTO_DIR DB_ENV_FILE WORK_DIR SCRIPT
It starts its own envcredit-server on a free port against a fresh schema
of the test database, makes enterprises and penalty decisions, runs SCRIPT
as a subprocess and checks what it prints and the cursor it saves. It always
stops the server and drops the schema it made.

Rules checked (SPEC §5.1, default policy): 9 points to start; a fine deducts
3 for 6 months from the decision date; BLUE 6-10, YELLOW 3-5, BLACK <= 0.
"Today" is the server's: China time (UTC+8).
"""
import datetime
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

SERVER_BIN, PROTO_DIR, DB_ENV_FILE, WORK_DIR, SCRIPT = sys.argv[1:6]
del sys.argv[1:6]

os.makedirs(WORK_DIR, exist_ok=True)
# The test makes its own stubs with the example's helper; the script makes
# its own too (in STUBS_DIR, emptied first), as on a bank's first run.
sys.path.insert(0, os.path.dirname(os.path.abspath(SCRIPT)))
import envcredit_stubs  # noqa: E402

envcredit_stubs.ensure(PROTO_DIR, os.path.join(WORK_DIR, "test-stubs"))
STUBS_DIR = os.path.join(WORK_DIR, "script-stubs")
shutil.rmtree(STUBS_DIR, ignore_errors=True)

import grpc  # noqa: E402
from envcredit.v1 import (access_pb2, access_pb2_grpc, common_pb2,  # noqa: E402
                          enterprise_pb2, enterprise_pb2_grpc, ratings_pb2,
                          ratings_pb2_grpc, records_pb2, records_pb2_grpc)

CHINA = datetime.timezone(datetime.timedelta(hours=8))
TODAY = datetime.datetime.now(CHINA).date()
RUN_TIMEOUT = 90  # seconds for one run of the script


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from db_env import read_env  # noqa: E402  (tests/support/db_env.py)
from uscc import uscc  # noqa: E402  (tests/support/uscc.py)

FINED = uscc("320100", "MA1N2B31")    # a fine 30 days ago: 6 points, BLUE
CLEAN = uscc("320100", "MA1N2B32")    # no records: 9 points, BLUE
FEED = uscc("320200", "MA1N2B33")     # the change feed's enterprise
UNKNOWN = uscc("320300", "MA1N2B34")  # valid, never registered
INVALID = UNKNOWN[:-1] + ("0" if UNKNOWN[-1] != "0" else "1")  # bad check char


def date_pb(day):
    return common_pb2.Date(year=day.year, month=day.month, day=day.day)


DB = read_env(DB_ENV_FILE)
SCHEMA = "py_bank_%d" % os.getpid()


def mariadb(sql):
    subprocess.run(["mariadb", "--no-defaults", "-h", DB["ENVCREDIT_DB_HOST"],
                    "-P", DB["ENVCREDIT_DB_PORT"], "-u", DB["ENVCREDIT_DB_USER"],
                    "--protocol=TCP", "-e", sql], check=True, timeout=60,
                   env=dict(os.environ, MYSQL_PWD=DB.get("ENVCREDIT_DB_PASSWORD", "")))


def section(stdout, heading):
    """The data lines under the '== heading...' line, split on tabs."""
    rows, inside = [], False
    for line in stdout.splitlines():
        if line.startswith("=="):
            inside = line.startswith("== " + heading)
        elif inside and line:
            rows.append(line.split("\t"))
    return rows


class BankIntegrationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        port_file = os.path.join(WORK_DIR, "port")
        admin_token_file = os.path.join(WORK_DIR, "admin.token")
        for stale in (port_file, admin_token_file):
            if os.path.exists(stale):
                os.remove(stale)
        cls.log = open(os.path.join(WORK_DIR, "server.log"), "w")
        env = dict(os.environ, ENVCREDIT_DB_PASSWORD=DB.get("ENVCREDIT_DB_PASSWORD", ""))
        cls.server = subprocess.Popen(
            [SERVER_BIN, "--listen=127.0.0.1:0", "--port_file=" + port_file,
             "--db_host=" + DB["ENVCREDIT_DB_HOST"],
             "--db_port=" + DB["ENVCREDIT_DB_PORT"],
             "--db_user=" + DB["ENVCREDIT_DB_USER"],
             "--db_name=" + SCHEMA, "--db_create",
             "--policy_dir=" + os.path.join(os.path.dirname(PROTO_DIR), "policies"),
             "--admin_token_file=" + admin_token_file],
            stdout=cls.log, stderr=cls.log, env=env)
        try:
            deadline = time.time() + 30
            while not os.path.exists(port_file):
                if cls.server.poll() is not None or time.time() > deadline:
                    raise RuntimeError("server did not start; see " + cls.log.name)
                time.sleep(0.05)
            with open(port_file) as f:
                cls.address = "127.0.0.1:" + f.read().strip()
            # The test writes records as ADMIN; the bank reads as INTEGRATOR.
            with open(admin_token_file) as f:
                admin_token = f.read().strip()
            credentials = grpc.composite_channel_credentials(
                grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP),
                grpc.access_token_call_credentials(admin_token))
            cls.channel = grpc.secure_channel(cls.address, credentials)
            cls.enterprises = enterprise_pb2_grpc.EnterpriseServiceStub(cls.channel)
            cls.records = records_pb2_grpc.RecordServiceStub(cls.channel)
            cls.ratings = ratings_pb2_grpc.RatingServiceStub(cls.channel)
            cls.token = access_pb2_grpc.TokenServiceStub(cls.channel).CreateToken(
                access_pb2.CreateTokenRequest(token=access_pb2.Token(
                    role=access_pb2.INTEGRATOR, label="bank-of-example-green-credit")),
                timeout=10).secret
            cls.token_file = os.path.join(WORK_DIR, "bank.token")
            with open(cls.token_file, "w") as f:
                f.write(cls.token + "\n")
            cls.decisions = 0
            for code in (FINED, CLEAN, FEED):
                cls.create_enterprise(code)
            cls.fine(FINED, TODAY - datetime.timedelta(days=30))
            cls.fine(FEED, TODAY - datetime.timedelta(days=40))  # 6 points, BLUE
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "channel", None):
            cls.channel.close()
        if getattr(cls, "server", None) and cls.server.poll() is None:
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
        cls.log.close()
        mariadb("DROP DATABASE IF EXISTS `%s`" % SCHEMA)

    @classmethod
    def create_enterprise(cls, code):
        cls.enterprises.CreateEnterprise(enterprise_pb2.CreateEnterpriseRequest(
            enterprise=enterprise_pb2.Enterprise(
                credit_code=code, display_name="（虚构）示例企业 " + code,
                industry=enterprise_pb2.CHEMICALS),
            request_id="bank-test-enterprise-" + code), timeout=10)

    @classmethod
    def fine(cls, code, day):
        """A FINE decision (−3 points for 6 months); returns its number."""
        cls.decisions += 1
        number = "宁环罚〔%d〕%d号" % (day.year, cls.decisions)
        cls.records.CreatePenaltyDecision(records_pb2.CreatePenaltyDecisionRequest(
            parent="enterprises/" + code,
            penalty_decision=records_pb2.PenaltyDecision(
                authority="南京市生态环境局", decision_number=number,
                violation_type=records_pb2.EXCEEDING_DISCHARGE_STANDARDS,
                decision_date=date_pb(day), measures=[records_pb2.FINE],
                fine_amount_fen=5_000_000),
            request_id="bank-test-decision-%d" % cls.decisions), timeout=10)
        return number

    def run_script(self, *args, token_env=False, expect_ok=True):
        command = [sys.executable, SCRIPT, "--server", self.address,
                   "--proto-dir", PROTO_DIR, "--stubs-dir", STUBS_DIR]
        env = {k: v for k, v in os.environ.items()
               if k not in ("ENVCREDIT_TOKEN", "PYTHONPATH")}
        if token_env:
            env["ENVCREDIT_TOKEN"] = self.token
        else:
            command += ["--token-file", self.token_file]
        started = time.monotonic()
        run = subprocess.run(command + list(args), capture_output=True, text=True,
                             timeout=RUN_TIMEOUT, env=env)
        run.elapsed = time.monotonic() - started
        if expect_ok:
            self.assertEqual(run.returncode, 0, "stdout:\n%s\nstderr:\n%s"
                             % (run.stdout, run.stderr))
        return run

    def write_codes(self, name, codes):
        path = os.path.join(WORK_DIR, name)
        with open(path, "w") as f:
            f.write("# loan book\n" + "".join(code + "\n" for code in codes))
        return path

    def test_batch_lookup(self):
        codes = self.write_codes("codes.txt", [FINED, CLEAN, UNKNOWN, INVALID])
        run = self.run_script("--codes-file", codes, token_env=True)
        rows = section(run.stdout, "current ratings")
        self.assertEqual([row[:4] for row in rows[:2]],
                         [[FINED, "BLUE", "6", "NATIONAL_GOOD"],
                          [CLEAN, "BLUE", "9", "NATIONAL_GOOD"]])
        self.assertEqual(rows[2][:3], [UNKNOWN, "ERROR", "ENTERPRISE_NOT_FOUND"])
        self.assertEqual(rows[3][:3], [INVALID, "ERROR", "INVALID_CREDIT_CODE"])
        self.assertEqual(len(rows), 4, run.stdout)

    def test_batch_lookup_in_chunks_of_1000(self):
        # 2,500 codes: three calls; one result line per code, in file order.
        unknown = [uscc("330100", "%08d" % i) for i in range(2497)]
        codes = unknown[:999] + [FINED] + unknown[999:1998] + [CLEAN, INVALID] + unknown[1998:]
        run = self.run_script("--codes-file", self.write_codes("book.txt", codes))
        rows = section(run.stdout, "current ratings")
        self.assertEqual([row[0] for row in rows], codes)
        self.assertEqual(rows[999][:3], [FINED, "BLUE", "6"])
        self.assertEqual(rows[1999][:3], [CLEAN, "BLUE", "9"])
        self.assertEqual(rows[2000][:3], [INVALID, "ERROR", "INVALID_CREDIT_CODE"])
        self.assertEqual(sum(row[2] == "ENTERPRISE_NOT_FOUND" for row in rows), 2497)

    def test_as_of_lookup(self):
        codes = self.write_codes("asof.txt", [FINED, CLEAN, UNKNOWN, INVALID])
        before = TODAY - datetime.timedelta(days=60)  # before the fine
        run = self.run_script("--codes-file", codes, "--loan-date", before.isoformat())
        rows = section(run.stdout, "ratings on")
        self.assertEqual(rows[:2], [
            [FINED, "on %s: BLUE 9" % before, "today: BLUE 6"],
            [CLEAN, "on %s: BLUE 9" % before, "today: BLUE 9"]])
        self.assertEqual([row[:3] for row in rows[2:]],
                         [[UNKNOWN, "ERROR", "ENTERPRISE_NOT_FOUND"],
                          [INVALID, "ERROR", "INVALID_CREDIT_CODE"]])

        after = TODAY - datetime.timedelta(days=10)  # the fine counts
        run = self.run_script("--codes-file", codes, "--loan-date", after.isoformat(),
                              "--as-of-limit", "1")
        self.assertEqual(section(run.stdout, "ratings on"),
                         [[FINED, "on %s: BLUE 6" % after, "today: BLUE 6"]])

    def test_failures_exit_nonzero_with_status_and_reason(self):
        codes = self.write_codes("fail.txt", [FINED])
        future = TODAY + datetime.timedelta(days=2)
        run = self.run_script("--codes-file", codes, "--loan-date", future.isoformat(),
                              expect_ok=False)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("GetRating failed: INVALID_ARGUMENT", run.stderr)
        self.assertIn("(reason DATE_OUT_OF_RANGE)", run.stderr)

        bad_token = os.path.join(WORK_DIR, "bad.token")
        with open(bad_token, "w") as f:
            f.write("not-a-token\n")
        run = self.run_script("--codes-file", codes, "--token-file", bad_token,
                              expect_ok=False)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("BatchGetRatings failed: UNAUTHENTICATED", run.stderr)
        self.assertIn("(reason TOKEN_UNKNOWN)", run.stderr)

        # A cursor file that holds no cursor is bad input (exit 2), not a
        # reason to start over silently.
        bad_cursor = os.path.join(WORK_DIR, "bad.cursor")
        with open(bad_cursor, "w") as f:
            f.write("twelve\n")
        run = self.run_script("--cursor-file", bad_cursor, expect_ok=False)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("not a cursor", run.stderr)

    def test_change_feed_resumes_from_saved_cursor(self):
        cursor_file = os.path.join(WORK_DIR, "feed.cursor")
        if os.path.exists(cursor_file):
            os.remove(cursor_file)

        def saved():
            with open(cursor_file) as f:
                return int(f.read())

        def changes(run):
            return section(run.stdout, "rating changes")

        # 1. No cursor yet: starts at the end of the feed, prints nothing old.
        run = self.run_script("--cursor-file", cursor_file, "--follow-seconds", "2")
        self.assertEqual(changes(run), [], run.stdout)
        start = saved()
        self.assertFalse(os.path.exists(cursor_file + ".tmp"))

        # 2. Two fines: 6 -> 3 points (YELLOW), 3 -> 0 (BLACK).
        first = self.fine(FEED, TODAY - datetime.timedelta(days=20))
        second = self.fine(FEED, TODAY - datetime.timedelta(days=10))
        run = self.run_script("--cursor-file", cursor_file, "--max-events", "2",
                              "--follow-seconds", "60")
        self.assertLess(run.elapsed, 30, "did not stop after --max-events 2")
        rows = changes(run)
        self.assertEqual(len(rows), 2, run.stdout)
        self.assertEqual([row[1:4] for row in rows],
                         [[FEED, "BLUE -> YELLOW", "6 -> 3 points"],
                          [FEED, "YELLOW -> BLACK", "3 -> 0 points"]])
        cursors = [int(row[0]) for row in rows]
        self.assertTrue(start < cursors[0] < cursors[1], (start, cursors))
        for row in rows:
            self.assertIn(row[4], ["effective %s" % TODAY,
                                   "effective %s" % (TODAY + datetime.timedelta(days=1))])
        self.assertIn(first, rows[0][5])
        self.assertIn(second, rows[1][5])
        self.assertEqual(saved(), cursors[1])
        rating = self.ratings.GetRating(ratings_pb2.GetRatingRequest(
            name="enterprises/%s/rating" % FEED), timeout=10)
        self.assertEqual((rating.level, rating.points, rating.revision),
                         (ratings_pb2.BLACK, 0, cursors[1]))

        # 3. Resumed from the saved cursor: nothing twice.
        run = self.run_script("--cursor-file", cursor_file, "--follow-seconds", "2")
        self.assertEqual(changes(run), [], run.stdout)
        self.assertEqual(saved(), cursors[1])

        # 4. Changes of points within BLACK, one per run: stopping in the
        # middle saves the printed change's cursor, so the next run starts
        # with the one after it.
        self.fine(FEED, TODAY - datetime.timedelta(days=5))
        self.fine(FEED, TODAY - datetime.timedelta(days=4))
        points = []
        for _ in range(2):
            run = self.run_script("--cursor-file", cursor_file, "--max-events", "1",
                                  "--include-point-changes", "--follow-seconds", "30")
            rows = changes(run)
            self.assertEqual(len(rows), 1, run.stdout)
            self.assertEqual(saved(), int(rows[0][0]))
            points.append(rows[0][1:4])
        self.assertEqual(points, [[FEED, "BLACK -> BLACK", "0 -> -3 points"],
                                  [FEED, "BLACK -> BLACK", "-3 -> -6 points"]])
        last = saved()
        run = self.run_script("--cursor-file", cursor_file, "--follow-seconds", "2",
                              "--include-point-changes")
        self.assertEqual(changes(run), [], run.stdout)
        self.assertEqual(saved(), last)


if __name__ == "__main__":
    unittest.main(verbosity=2)

#!/usr/bin/python3
"""How a bank uses envcredit's environmental credit ratings, in three parts:

  a) --codes-file: the current rating of every borrower in the loan book
     (BatchGetRatings, 1,000 credit codes per call);
  b) --loan-date: each borrower's rating on the day the loan was granted,
     next to today's (GetRating with as_of);
  c) --cursor-file: the changes of rating since the last run, from the change
     feed (WatchRatingChanges), resuming where the last run stopped.

Each part runs when its option is given. Example:

  ENVCREDIT_TOKEN=... bank_integration.py --server 127.0.0.1:50051 \\
      --proto-dir envcredit/proto --codes-file loans.txt \\
      --loan-date 2025-03-01 --cursor-file feed.cursor --follow-seconds 60

Exit codes: 0 success; 1 a call failed (its gRPC status and ErrorInfo reason
are printed); 2 bad usage or input.
"""
import argparse
import datetime
import json
import os
import re
import sys

import grpc

import envcredit_stubs

BATCH_LIMIT = 1000     # BatchGetRatings takes at most 1,000 codes
CALL_TIMEOUT = 30      # seconds; every unary call has a deadline
# Errors that concern one credit code, not the whole run.
PER_CODE_REASONS = {"ENTERPRISE_NOT_FOUND", "INVALID_CREDIT_CODE"}


def error_info(status):
    """The google.rpc.ErrorInfo in a google.rpc.Status, or None."""
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info
    return None


def rpc_error_reason(error):
    """The ErrorInfo reason of a failed call, from the trailing metadata.
    Token checks cannot send details: their reason starts the message
    ("TOKEN_UNKNOWN: unknown token", doc/access.md)."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            info = error_info(status_pb2.Status.FromString(value))
            if info is not None:
                return info.reason
    prefix = (error.details() or "").split(":", 1)[0]
    return prefix if re.fullmatch(r"[A-Z][A-Z_]+", prefix) else None


# Several servers ("--server 10.0.0.1:50051,10.0.0.2:50051"): gRPC balances
# the calls round-robin and sends a call that failed UNAVAILABLE (a server
# down) again, to the next server; the reads here are safe to repeat.
CLUSTER_SERVICE_CONFIG = json.dumps({
    "loadBalancingConfig": [{"round_robin": {}}],
    "methodConfig": [{
        "name": [{"service": "envcredit.v1.RatingService"}],
        "retryPolicy": {
            "maxAttempts": 4,
            "initialBackoff": "0.2s",
            "maxBackoff": "2s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": ["UNAVAILABLE"],
        },
    }],
})


def channel_target(server):
    """The gRPC target and channel options of one server or of a list of IP:PORT."""
    if "," not in server:
        return server, []
    servers = [s.strip() for s in server.split(",") if s.strip()]
    scheme = "ipv6:" if servers[0].startswith("[") else "ipv4:"
    return scheme + ",".join(servers), [("grpc.service_config", CLUSTER_SERVICE_CONFIG),
                                        ("grpc.enable_retries", 1)]


def connect(server, token, root_certificates):
    # The token goes with every call as "authorization: Bearer ...", and only
    # over a protected channel: gRPC local credentials on loopback (what the
    # server uses without certificates), TLS anywhere else.
    hosts = [s.rsplit(":", 1)[0] for s in server.split(",")]
    if all(h in ("localhost", "[::1]") or h.startswith("127.") for h in hosts):
        channel_creds = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
    else:
        channel_creds = grpc.ssl_channel_credentials(root_certificates)
    creds = grpc.composite_channel_credentials(
        channel_creds, grpc.access_token_call_credentials(token))
    target, options = channel_target(server)
    return ratings_pb2_grpc.RatingServiceStub(
        grpc.secure_channel(target, creds, options=options))


def rating_text(r):
    return "%s\t%d\t%s" % (ratings_pb2.RatingLevel.Name(r.level), r.points,
                           ratings_pb2.NationalLevel.Name(r.national_level))


def batch_lookup(stub, codes):
    """a) Current ratings of the whole loan book: {code: BatchGetRatingResult}."""
    results = {}
    for start in range(0, len(codes), BATCH_LIMIT):
        chunk = codes[start:start + BATCH_LIMIT]
        response = stub.BatchGetRatings(
            ratings_pb2.BatchGetRatingsRequest(credit_codes=chunk), timeout=CALL_TIMEOUT)
        # One result per code, in request order; an unknown or invalid code
        # is an error in its own result, not a failed call.
        for result in response.results:
            results[result.credit_code] = result
            if result.HasField("rating"):
                print("%s\t%s" % (result.credit_code, rating_text(result.rating)))
            else:
                info = error_info(result.error)
                print("%s\tERROR\t%s\t%s" % (result.credit_code,
                                             info.reason if info else result.error.code,
                                             result.error.message))
    return results


def as_of_lookup(stub, codes, loan_date, today):
    """b) The rating on the day each loan was granted, next to today's."""
    as_of = common_pb2.Date(year=loan_date.year, month=loan_date.month, day=loan_date.day)
    for code in codes:
        try:
            then = stub.GetRating(ratings_pb2.GetRatingRequest(
                name="enterprises/%s/rating" % code, as_of=as_of), timeout=CALL_TIMEOUT)
        except grpc.RpcError as e:
            reason = rpc_error_reason(e)
            if reason not in PER_CODE_REASONS:
                raise  # e.g. a loan date in the future: the whole run is wrong
            print("%s\tERROR\t%s\t%s" % (code, reason, e.details()))
            continue
        now = today.get(code)
        now_text = ("%s %d" % (ratings_pb2.RatingLevel.Name(now.rating.level),
                               now.rating.points)
                    if now is not None and now.HasField("rating") else "?")
        print("%s\ton %s: %s %d\ttoday: %s" % (
            code, loan_date.isoformat(), ratings_pb2.RatingLevel.Name(then.level),
            then.points, now_text))


def read_cursor(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except FileNotFoundError:
        return None
    if not text.isdigit():
        raise ValueError("%s holds %r, not a cursor" % (path, text[:40]))
    return int(text)


def save_cursor(path, cursor):
    # Write a new file and rename it over the old one: a crash leaves either
    # the old cursor or the new one, never a torn file.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % cursor)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def follow_feed(stub, cursor, cursor_file, max_events, follow_seconds, point_changes):
    """c) Rating changes after `cursor` (None: from now on), saving the
    position in cursor_file as it goes. Returns how many were printed."""
    if cursor is None:
        # First run: what happened before is in the batch lookup; follow
        # only what happens from now on.
        request = ratings_pb2.WatchRatingChangesRequest(
            start_at_end=True, include_point_changes=point_changes)
    else:
        request = ratings_pb2.WatchRatingChangesRequest(
            after_cursor=cursor, include_point_changes=point_changes)
    # The stream never ends by itself: its deadline is how long we follow.
    call = stub.WatchRatingChanges(request, timeout=follow_seconds)
    printed, started = 0, False
    try:
        for response in call:
            started = True
            for change in response.changes:
                print("%d\t%s\t%s -> %s\t%d -> %d points\teffective %04d-%02d-%02d\t%s" % (
                    change.cursor, change.credit_code,
                    ratings_pb2.RatingLevel.Name(change.old_level),
                    ratings_pb2.RatingLevel.Name(change.new_level),
                    change.old_points, change.new_points, change.effective_date.year,
                    change.effective_date.month, change.effective_date.day,
                    change.reason))
                printed += 1
                if max_events and printed >= max_events:
                    # Stop mid-response: save this change's cursor, not the
                    # response's, so the rest comes next time.
                    save_cursor(cursor_file, change.cursor)
                    call.cancel()
                    return printed
            # Saved once the response is handled: a restart resumes after it,
            # with no gap and nothing twice (keep-alives move it on too).
            save_cursor(cursor_file, response.cursor)
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.DEADLINE_EXCEEDED and started:
            return printed  # followed for the time asked: a normal end
        raise
    return printed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True,
                        help="host:port, or several IP:PORT separated by commas")
    parser.add_argument("--token-file", help="bearer token (else $ENVCREDIT_TOKEN)")
    parser.add_argument("--ca-file", help="PEM roots for TLS (non-loopback servers)")
    parser.add_argument("--proto-dir", help="envcredit's proto/, to generate stubs")
    parser.add_argument("--stubs-dir", help="where generated stubs are cached")
    parser.add_argument("--codes-file", help="credit codes, one per line")
    parser.add_argument("--loan-date", type=datetime.date.fromisoformat,
                        help="YYYY-MM-DD: ratings on that day, with --codes-file")
    parser.add_argument("--as-of-limit", type=int, default=0,
                        help="as-of lookup for the first N codes only")
    parser.add_argument("--cursor-file", help="saved position in the change feed")
    parser.add_argument("--max-events", type=int, default=0,
                        help="stop after N changes")
    parser.add_argument("--follow-seconds", type=float, default=60,
                        help="stop following the feed after S seconds")
    parser.add_argument("--include-point-changes", action="store_true",
                        help="also changes of points that keep the level")
    args = parser.parse_args()

    if args.loan_date and not args.codes_file:
        parser.error("--loan-date needs --codes-file")
    if args.follow_seconds <= 0:
        parser.error("--follow-seconds must be positive")
    try:
        # Not a command-line token: it would show in `ps` and shell history.
        if args.token_file:
            with open(args.token_file) as f:
                token = f.read().strip()
        else:
            token = os.environ.get("ENVCREDIT_TOKEN", "").strip()
        codes = []
        if args.codes_file:
            with open(args.codes_file) as f:
                codes = [line.strip() for line in f
                         if line.strip() and not line.startswith("#")]
        cursor = read_cursor(args.cursor_file) if args.cursor_file else None
        roots = None  # None: the system's roots
        if args.ca_file:
            with open(args.ca_file, "rb") as f:
                roots = f.read()
        envcredit_stubs.ensure(args.proto_dir, args.stubs_dir)
    except (OSError, ValueError, envcredit_stubs.StubsError) as e:
        print("bank_integration: %s" % e, file=sys.stderr)
        return 2
    if not token:
        parser.error("no token: give --token-file or set ENVCREDIT_TOKEN")
    # The stubs exist only now; the functions above use these module names.
    global common_pb2, ratings_pb2, ratings_pb2_grpc, status_pb2, error_details_pb2
    from envcredit.v1 import common_pb2, ratings_pb2, ratings_pb2_grpc
    from google.rpc import error_details_pb2, status_pb2

    stub = connect(args.server, token, roots)
    method = "BatchGetRatings"
    try:
        today = {}
        if codes:
            print("== current ratings: %d credit codes ==" % len(codes))
            today = batch_lookup(stub, codes)
        if args.loan_date:
            subset = codes[:args.as_of_limit] if args.as_of_limit else codes
            print("== ratings on %s, the loan date ==" % args.loan_date.isoformat())
            method = "GetRating"
            as_of_lookup(stub, subset, args.loan_date, today)
        if args.cursor_file:
            print("== rating changes ==")
            method = "WatchRatingChanges"
            n = follow_feed(stub, cursor, args.cursor_file, args.max_events,
                            args.follow_seconds, args.include_point_changes)
            print("== %d changes; cursor %d saved in %s ==" % (
                n, read_cursor(args.cursor_file), args.cursor_file))
    except grpc.RpcError as e:
        reason = rpc_error_reason(e)
        print("bank_integration: %s failed: %s: %s (reason %s)" % (
            method, e.code().name, e.details(), reason or "none"), file=sys.stderr)
        if reason == "CURSOR_EXPIRED":
            print("bank_integration: changes were missed; refresh the whole book "
                  "with --codes-file, then delete %s to follow from now on"
                  % args.cursor_file, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

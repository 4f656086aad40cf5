"""Python stubs for the envcredit API, generated from its .proto files.

envcredit publishes its API as .proto files only (proto/ in the source tree),
so a client makes its own stubs. A bank would normally generate them once in
its build and ship them; this helper does it on first use instead, so the
example runs from a plain checkout:

    import envcredit_stubs
    envcredit_stubs.ensure("/path/to/envcredit/proto")
    from envcredit.v1 import ratings_pb2, ratings_pb2_grpc

When the stubs are importable already (installed, or on PYTHONPATH) nothing
is generated. Otherwise they are generated into a cache folder named after
a hash of the .proto files, so a changed API gets fresh stubs and an
unchanged one is generated only once.

The generator: protoc with grpc_python_plugin when both are on PATH (Debian:
protobuf-compiler, protobuf-compiler-grpc; same versions as python3-protobuf
and python3-grpcio), else grpc_tools.protoc (pip: grpcio-tools). Debian 12's
python3-grpc-tools bundles a protoc too old for proto3 `optional` fields;
proto/ uses none, so it works, but it is only the fallback.
"""
import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

# Everything a client of envcredit's services needs.
# google/rpc/*.proto come with envcredit's proto/ (the error details);
# google/protobuf/*.proto (Timestamp, FieldMask) come with the generator.
PROTOS = (
    "envcredit/v1/common.proto",
    "envcredit/v1/enterprise.proto",
    "envcredit/v1/records.proto",
    "envcredit/v1/ratings.proto",
    "envcredit/v1/access.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
)


class StubsError(Exception):
    pass


def _importable():
    try:
        for module in ("envcredit.v1.ratings_pb2", "envcredit.v1.ratings_pb2_grpc",
                       "google.rpc.status_pb2", "google.rpc.error_details_pb2"):
            importlib.import_module(module)
        return True
    except ImportError:
        return False


def _well_known_proto_dir():
    """google/protobuf/*.proto as shipped inside grpc_tools."""
    try:
        from importlib.resources import files
        return str(files("grpc_tools") / "_proto")
    except (ImportError, TypeError):  # older Pythons
        import pkg_resources
        return pkg_resources.resource_filename("grpc_tools", "_proto")


def _generate(proto_dir, out_dir):
    outputs = ["-I" + proto_dir, "--python_out=" + out_dir,
               "--grpc_python_out=" + out_dir]
    protoc_bin, plugin = shutil.which("protoc"), shutil.which("grpc_python_plugin")
    if protoc_bin and plugin:
        try:
            run = subprocess.run(
                [protoc_bin, "--plugin=protoc-gen-grpc_python=" + plugin] + outputs
                + list(PROTOS), stderr=subprocess.PIPE, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise StubsError("protoc did not finish in 120 s") from None
        failed, errors = run.returncode != 0, run.stderr
    else:
        try:
            from grpc_tools import protoc
        except ImportError:
            raise StubsError("no generator: install protobuf-compiler and "
                             "protobuf-compiler-grpc (Debian), or grpcio-tools "
                             "(pip)") from None
        # protoc prints its errors itself here.
        failed = protoc.main(["protoc", "-I" + _well_known_proto_dir()] + outputs
                             + list(PROTOS)) != 0
        errors = ""
    if failed:
        raise StubsError("protoc failed on the .proto files in %s\n%s"
                         % (proto_dir, errors.strip()))


def _default_cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return os.path.join(base, "envcredit", "python-stubs")


def ensure(proto_dir=None, cache_dir=None):
    """Makes `from envcredit.v1 import ratings_pb2` (and the other stubs)
    work. Returns the folder added to sys.path, or None when the stubs were
    importable already. Raises StubsError when they cannot be made."""
    if _importable():
        return None
    if not proto_dir:
        raise StubsError("the envcredit stubs are not importable; give the "
                         "folder of envcredit's .proto files (--proto-dir)")
    digest = hashlib.sha256()
    for proto in PROTOS:
        path = os.path.join(proto_dir, proto)
        try:
            with open(path, "rb") as f:
                digest.update(proto.encode() + b"\0" + f.read() + b"\0")
        except OSError as e:
            raise StubsError("cannot read %s: %s" % (path, e.strerror)) from None
    cache_dir = cache_dir or _default_cache_dir()
    out_dir = os.path.join(cache_dir, digest.hexdigest()[:16])

    if not os.path.isdir(out_dir):
        os.makedirs(cache_dir, exist_ok=True)
        # Generate into a private folder and rename it into place, so a
        # second process starting at the same time never imports half a set.
        tmp_dir = tempfile.mkdtemp(prefix=".gen-", dir=cache_dir)
        try:
            _generate(proto_dir, tmp_dir)
            try:
                os.rename(tmp_dir, out_dir)
            except OSError:
                if not os.path.isdir(out_dir):  # not just another process first
                    raise
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)

    sys.path.insert(0, out_dir)
    importlib.invalidate_caches()
    if not _importable():
        raise StubsError("stubs generated in %s do not import" % out_dir)
    return out_dir

"""The private test database's connection settings, for the Python tests.

The CTest fixture envcredit_db writes them as `export NAME=value` lines
(scripts/db.sh env); read_env turns such a file into a dict.
"""


def read_env(path):
    """NAME -> value of every `[export] NAME=value` line of `path`."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                env[key.removeprefix("export ").strip()] = value.strip().strip("'\"")
    return env

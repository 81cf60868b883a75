"""Backup and restore of the whole database with PostgreSQL's own pg_dump and pg_restore."""
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connection


def _major(binary: str) -> int:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return int(re.search(r"\(PostgreSQL\) (\d+)", out).group(1))


def pg_binary(name: str) -> str:
    """The `pg_dump`/`pg_restore` that fits the server: the same major version, else a newer one."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    candidates = []
    try:
        import pgserver  # the embedded server ships its own tools

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"))
    if found := shutil.which(name):
        candidates.append(Path(found))
    usable = [(str(c), _major(str(c))) for c in candidates if c.is_file()]
    usable = [(path, major) for path, major in usable if major >= server_major]
    if not usable:
        raise FileNotFoundError(f"No {name} of PostgreSQL {server_major} or newer was found.")
    return min(usable, key=lambda item: item[1] - server_major)[0]


def _connection_env(settings_dict: dict) -> tuple[list[str], dict]:
    """libpq arguments and environment (password kept out of the command line) for a database."""
    args = ["--dbname", settings_dict["NAME"], "--username", settings_dict["USER"] or "postgres"]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def dump_database(output: Path, settings_dict: dict | None = None) -> None:
    """Write the whole database to `output` in pg_dump's custom format."""
    args, env = _connection_env(settings_dict or connection.settings_dict)
    subprocess.run([pg_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(output), *args],  # noqa: S603
                   env=env, check=True, capture_output=True, text=True)


def restore_database(archive: Path, settings_dict: dict) -> None:
    """Restore `archive` into the (empty) database described by `settings_dict`."""
    args, env = _connection_env(settings_dict)
    subprocess.run([pg_binary("pg_restore"), "--no-owner", "--exit-on-error", *args, str(archive)],  # noqa: S603
                   env=env, check=True, capture_output=True, text=True)

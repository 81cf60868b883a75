"""The embedded PostgreSQL used when DATABASE_URL is unset (a newcomer needs only Python)."""
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATABASE_NAME = "mrd_ngo"


def embedded_database(pgdata: Path) -> dict:
    """Start (or join) the pgserver PostgreSQL kept in `pgdata`; Django's settings for its database."""
    pgdata.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI) and falls back to /tmp: fine.
        warnings.simplefilter("ignore")
        import pgserver  # imported here: production, with DATABASE_URL set, never loads it

        # "stop": the server shuts down when the last process using it exits.
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'mrd_ngo';")
    if "(1 row)" not in exists:
        server.psql("CREATE DATABASE mrd_ngo;")
    socket_dir = parse_qs(urlsplit(server.get_uri(DATABASE_NAME)).query)["host"][0]
    return {"NAME": DATABASE_NAME, "USER": "postgres", "PASSWORD": "", "HOST": socket_dir, "PORT": ""}


def stop_embedded_database(pgdata: Path) -> bool:
    """Stop the embedded server kept in `pgdata` if it runs, whoever started it; True if it was running.

    pgserver stops the server when the last Python process using it exits normally, but a process
    killed by a signal never says it left, and the server would outlive `bin/demo`.
    """
    if not (pgdata / "postmaster.pid").is_file():
        return False
    import os
    import subprocess

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as above: platformdirs and XDG_RUNTIME_DIR
        from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None  # pgserver runs the server as this user under root
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    except subprocess.CalledProcessError:
        return False  # a stale postmaster.pid: nothing was running
    finally:
        (pgdata / ".handle_pids.json").unlink(missing_ok=True)  # the processes it lists are gone
    return True


if __name__ == "__main__":
    # `python -m mrd_ngo.embedded_db stop`: used by bin/demo when it stops.
    import sys

    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m mrd_ngo.embedded_db stop")
    folder = Path(__file__).resolve().parent.parent / "var" / "pgdata"
    print("Embedded PostgreSQL stopped." if stop_embedded_database(folder) else "Embedded PostgreSQL was not running.")

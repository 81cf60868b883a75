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

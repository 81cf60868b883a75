"""The embedded PostgreSQL used when DATABASE_URL is unset (a newcomer needs only Python)."""
import warnings
from pathlib import Path

DATABASE_NAME = "mrd_ngo"


def embedded_database_url(pgdata: Path) -> str:
    """Start (or join) the pgserver PostgreSQL kept in `pgdata` and return a URL to its database."""
    pgdata.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI) and falls back to /tmp: fine.
        warnings.simplefilter("ignore")
        import pgserver  # imported here: production, with DATABASE_URL set, never loads it

        # "stop": the server shuts down when the last process using it exits.
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)

"""Opening a store: engine and pragmas, sanity check of the file, backup, Alembic upgrade.

`open_store(target)` is the one way in. `target` is a file path (SQLite) or an SQLAlchemy URL
(`sqlite:///…`, `postgresql+psycopg://…`). Before any migration the SQLite file is copied to the
backup directory; a file that is not a SQLite database is refused and left untouched.
"""

from __future__ import annotations

import ast
import json
import logging
import re
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

import desktop_app.store.registry  # noqa: F401  (every feature area's tables)

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a database has to be checked in depth or migrated: opening an
# up-to-date database (every start-up) compares its revisions with the version files directly.

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
KEEP_BACKUPS = 10


from desktop_app.store.errors import StoreError  # noqa: E402  (re-exported: desktop_app.store.db.StoreError)

LOCKED_MESSAGE = (
    "La base est utilisée par un autre programme (une autre fenêtre d'EvalKit Quartiers, une "
    "synchronisation en cours…) : rien n'a été modifié. Attendez qu'il ait fini, puis réessayez."
)
# PostgreSQL: lock_not_available, deadlock_detected, serialization_failure
_PG_LOCK_STATES = frozenset({"55P03", "40P01", "40001"})


def is_lock_error(exc: BaseException) -> bool:
    """True when the error is another program holding the database (SQLite "database is
    locked" / "busy", a PostgreSQL lock timeout or deadlock), not a problem with the data."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    return getattr(orig, "sqlstate", None) in _PG_LOCK_STATES or getattr(orig, "pgcode", None) in _PG_LOCK_STATES


@dataclass
class Store:
    engine: Engine
    sessions: sessionmaker[Session]
    url: str
    path: Path | None  # the SQLite file, None for a server database
    # the write transaction open on each thread (`write`)
    _writing: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction, committed at the end of the block, rolled back on error.

        It holds the database's write lock from its start (BEGIN IMMEDIATE on SQLite, an advisory
        lock on PostgreSQL): a read-modify-write inside it cannot interleave with another writer,
        in this process or another one. A write opened inside another one on the same thread (a
        service calling another) joins it as a savepoint: a second connection would wait for
        the lock its own thread holds."""
        outer = getattr(self._writing, "session", None)
        if outer is not None:
            with outer.begin_nested():
                yield outer
            return
        with self.sessions() as session, session.begin():
            session.connection(execution_options=self._write_options())
            self._writing.session = session
            try:
                yield session
            finally:
                self._writing.session = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session to read with; inside a write on the same thread, that write's session (what
        it has written so far is seen, and its lock keeps the rest as read)."""
        outer = getattr(self._writing, "session", None)
        if outer is not None:
            yield outer
            return
        with self.sessions() as session:
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """`write` for Core statements."""
        outer = getattr(self._writing, "session", None)
        if outer is not None:
            with outer.begin_nested():
                yield outer.connection()
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(**self._write_options())
            with conn.begin():
                yield conn

    @contextmanager
    def waiting(self, ms: int) -> Iterator[None]:
        """Write transactions begun in this block (on this thread) wait at most `ms` for another
        writer, then fail ("database is locked") rather than wait the whole busy timeout."""
        before = getattr(self._writing, "wait_ms", None)
        self._writing.wait_ms = ms
        try:
            yield
        finally:
            self._writing.wait_ms = before

    def _write_options(self) -> dict:
        wait = getattr(self._writing, "wait_ms", None)
        return {WRITE: True} if wait is None else {WRITE: True, WAIT_MS: wait}


def to_url(target: str | Path) -> str:
    text = str(target)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError:
            raise StoreError(f"Adresse de base de données invalide : {text}") from None
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def check_sqlite_file(path: Path) -> None:
    """Refuse, without touching it, a file that exists and is not a SQLite database."""
    if path.is_dir():
        raise StoreError(f"« {path} » est un dossier, pas un fichier de base de données.")
    if not path.exists() or path.stat().st_size == 0:
        if not path.parent.exists():
            raise StoreError(f"Le dossier « {path.parent} » n'existe pas.")
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"Impossible de lire « {path} » : {exc.strerror}.") from None
    if header != SQLITE_HEADER:
        raise StoreError(
            f"« {path} » n'est pas une base de données EvalKit (fichier SQLite attendu). "
            "Le fichier n'a pas été modifié."
        )


# How long a statement waits for another connection's write lock before failing with
# "database is locked" (SQLite's busy timeout, in milliseconds).
BUSY_TIMEOUT_MS = 5000

# The execution option that marks a write transaction (`Store.write`): its lock is taken when it
# begins, before its first read, so that what it reads is still true when it writes.
WRITE = "evalkit_write"

# With it, how long (ms) the write transaction waits for the lock, instead of the busy timeout
# (`Store.waiting`: a save from a window that would rather be retried than freeze the window).
WAIT_MS = "evalkit_wait_ms"

# PostgreSQL: the transaction-scoped advisory lock every write transaction takes first (the same
# one writer at a time as SQLite's BEGIN IMMEDIATE, across processes and machines).
PG_WRITE_LOCK = 0x45564B51  # "EVKQ"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # SQLAlchemy emits BEGIN itself (`_sqlite_begin`): pysqlite would otherwise start the
    # transaction only at the first write, after the reads a read-modify-write depends on.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn) -> None:
    """SQLAlchemy's documented recipe for SQLite transactions: a write transaction takes the
    write lock at once (BEGIN IMMEDIATE: it waits up to the busy timeout, or its own `WAIT_MS`,
    for another writer to finish); a read transaction is deferred and never blocks (WAL)."""
    options = conn.get_execution_options()
    if not options.get(WRITE):
        conn.exec_driver_sql("BEGIN")
        return
    wait = options.get(WAIT_MS)
    if wait is None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait)}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")


def _pg_begin(conn) -> None:
    """A write transaction first waits for the other writers to finish (released at commit or
    rollback): its reads then see their last commits, and nothing it read changes before it
    writes. With `WAIT_MS`, it waits that long at most ("lock timeout")."""
    options = conn.get_execution_options()
    if not options.get(WRITE):
        return
    wait = options.get(WAIT_MS)
    if wait is not None:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait)}ms'")
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
    if wait is not None:
        conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")


_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def json_text(value: object) -> str:
    """How JSON columns are written (SQLite and PostgreSQL alike): the values `json.dumps` writes,
    written by orjson (about 8× quicker), compact and in UTF-8 rather than escaped to ASCII, which
    reads back the same. Whatever orjson would write otherwise goes to `json.dumps`: what it
    refuses (non-string keys, integers beyond 64 bits, datetimes, dataclasses: `json.dumps`
    writes the first two and refuses the others, as before) and NaN or infinities (orjson writes
    `null` for them)."""
    try:
        out = orjson.dumps(value, option=_ORJSON_OPTIONS)
    except TypeError:
        return json.dumps(value)
    if b"null" in out and orjson.loads(out) != value:  # a NaN or an infinity became null
        return json.dumps(value)
    return out.decode("utf-8")


_INT64 = 2.0**63


def _may_be_big_int(value: object) -> bool:
    """Whether a decoded value holds a float that may be an integer beyond 64 bits, which orjson
    reads as a float (walking the value costs less than searching the text for long numbers)."""
    kind = type(value)
    if kind is float:
        return abs(value) >= _INT64 and value.is_integer()
    if kind is dict:
        return any(_may_be_big_int(v) for v in value.values())
    if kind is list:
        return any(_may_be_big_int(v) for v in value)
    return False


def json_value(text: str) -> object:
    """How JSON columns are read: by orjson (the 11,000 small amount dicts of the Actions screen
    decode in 4 ms instead of 12, long answer sets 1.25× quicker), or by `json.loads` for
    what orjson refuses (NaN, infinities) or reads differently: an integer beyond 64 bits, which
    orjson turns into a float."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    return json.loads(text) if _may_be_big_int(value) else value


def make_engine(url: str) -> Engine:
    """The engine; `hide_parameters`: an error's message never carries the values written (they
    end up in logs and crash reports)."""
    from desktop_app.store import text_guard

    text_guard.install()  # every text is cleaned and checked before a flush
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, json_serializer=json_text, json_deserializer=json_value,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(
        url, pool_pre_ping=True, json_serializer=json_text, json_deserializer=json_value, hide_parameters=True
    )
    if engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _pg_begin)
    return engine


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revisions() -> set[str]:
    """The heads of the migration graph (feature areas may add their own branch from 0002)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


_ASSIGNMENT = r"^{name}\s*(?::[^=\n]*)?=\s*(.+?)\s*$"


def _script_heads_fast() -> set[str] | None:
    """The heads read from the version files' plain `revision = "…"` / `down_revision = …` lines,
    without importing Alembic; None when a file does not have that plain form."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = [re.findall(_ASSIGNMENT.format(name=name), text, re.M) for name in ("revision", "down_revision")]
        if any(len(f) != 1 for f in found):
            return None
        try:
            revision, down = (ast.literal_eval(f[0]) for f in found)
        except (ValueError, SyntaxError):
            return None
        downs = [down] if isinstance(down, str) else list(down) if isinstance(down, (tuple, list)) else []
        if not isinstance(revision, str) or (down is not None and not downs) or not all(isinstance(d, str) for d in downs):
            return None
        revisions.add(revision)
        parents.update(downs)
    return (revisions - parents) or None


def _up_to_date(engine: Engine) -> bool:
    """True when the database is at the heads of the version files (checked without Alembic)."""
    heads = _script_heads_fast()
    if heads is None:
        return False
    try:
        with engine.connect() as conn:
            current = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except (OperationalError, ProgrammingError):
        return False
    return current == heads


def private_sqlite_files(path: Path) -> None:
    """The database file and its WAL and shared-memory files, readable by their owner only."""
    from desktop_app.paths import private_file

    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            private_file(p)


def backup_sqlite(path: Path, backup_dir: Path, reason: str = "avant-migration") -> Path:
    """Copy a live SQLite database with the online backup API; keep the last KEEP_BACKUPS.
    The backups and their folder are readable by their owner only."""
    from desktop_app.paths import create_private_file, private_dir

    private_dir(backup_dir)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{path.stem}-{reason}-{stamp}.db"
    create_private_file(target)  # SQLite writes into it and keeps its mode
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    olds = sorted(backup_dir.glob(f"{path.stem}-{reason}-*.db"))
    for old in olds[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    log.info("backup of %s written to %s", path, target)
    return target


def upgrade(engine: Engine, url: str, revision: str = "heads") -> None:
    """Apply the migrations; a database created or upgraded gets its device id in the same
    transaction (the identity its changes carry to other machines), rather than in a write of
    its own in the middle of the first thing done with it."""
    from alembic import command

    cfg = alembic_config(url)
    with engine.connect() as conn, conn.execution_options(**{WRITE: True}).begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if revision == "heads":
            ensure_device_row(conn)


def ensure_device_row(conn) -> str:
    """The database's device id (meta row `device_id`), written when missing, with the device's
    label (meta row `device_label`: a random « Poste-7F3A » its user may rename, what other
    machines see of this one instead of its host name)."""
    found = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'device_id'").scalar()
    if found:
        return found
    value = str(uuid.uuid4())
    conn.execute(text("INSERT INTO meta (key, value) VALUES ('device_id', :value)"), {"value": value})
    if not conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'device_label'").scalar():
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('device_label', :value)"), {"value": new_device_label()})
    return value


def new_device_label() -> str:
    """A random device label, « Poste-7F3A »."""
    return f"Poste-{secrets.token_hex(2).upper()}"


def open_store(target: str | Path, backup_dir: Path | None = None, migrate: bool = True) -> Store:
    url = to_url(target)
    path: Path | None = None
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(make_url(url).database or "")
        check_sqlite_file(path)
        from desktop_app.paths import create_private_file

        # created empty and private before SQLite opens it: its WAL and shared-memory files take
        # the database file's mode; an existing database is made private too
        try:
            create_private_file(path)
        except OSError as exc:
            raise StoreError(f"Impossible de créer la base de données « {path} » : {exc.strerror}.") from None
        private_sqlite_files(path)
    engine = make_engine(url)
    try:
        if migrate and not _up_to_date(engine):
            from alembic.script import ScriptDirectory

            current = current_revisions(engine)
            if current != head_revisions():
                known = {s.revision for s in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}
                if current - known:
                    raise StoreError(
                        "Cette base de données a été créée par une version plus récente d'EvalKit Quartiers. "
                        "Mettez l'application à jour pour l'ouvrir."
                    )
                if path is not None and current and backup_dir is not None:
                    backup_sqlite(path, backup_dir)
                upgrade(engine, url)
    except sqlite3.DatabaseError as exc:  # pragma: no cover - depends on sqlite build
        engine.dispose()
        raise StoreError(f"Base de données illisible « {path} » : {exc}") from None
    except OperationalError as exc:
        engine.dispose()
        detail = str(exc.orig) if exc.orig else str(exc)
        if "not a database" in detail or "malformed" in detail:
            raise StoreError(f"« {path} » est endommagé ou n'est pas une base de données EvalKit.") from None
        raise StoreError(f"Impossible d'ouvrir la base de données : {detail}") from None
    except StoreError:
        engine.dispose()
        raise
    return Store(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False), url=url, path=path)

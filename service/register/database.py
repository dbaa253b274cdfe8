"""The register's database: the engine from the settings, its migrations, explicit sessions.

Embedded default: ``WENPING_STATE_DIR/register.sqlite3`` (WAL, foreign keys on, every transaction
``BEGIN IMMEDIATE`` so that two writers queue instead of failing mid-way). Production:
``WENPING_DATABASE_URL=postgresql+psycopg://…``. The tables are made by the Alembic migrations in
``migrations/``: ``upgrade(engine)`` (``wenping db upgrade``) runs them, and ``open_engine`` runs them
itself on an empty database; a database behind the code is refused (``RegisterOutdated``).
"""

from __future__ import annotations

import time

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.register.errors import RegisterOutdated, RegisterUnavailable
from service.settings import Settings, mask_url

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_NAME = "register.sqlite3"
SQLITE_BUSY_SECONDS = 60
#: Any fixed number: the PostgreSQL advisory lock that one migrating process holds.
MIGRATION_LOCK = 0x77656E70


def database_url(settings: Settings) -> str:
    """The URL in force: WENPING_DATABASE_URL, else the SQLite file in WENPING_STATE_DIR."""
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return f"sqlite:///{Path(settings.state_dir).expanduser() / SQLITE_NAME}"


def create(url: str) -> Engine:
    """An engine for ``url`` with the register's connection rules (SQLite: WAL, FKs, BEGIN IMMEDIATE)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise RegisterUnavailable(f"WENPING_DATABASE_URL 的值「{mask_url(url)}」不是数据库地址") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() != "postgresql":
        raise RegisterUnavailable(f"台账只支持 SQLite 和 PostgreSQL，WENPING_DATABASE_URL 是「{mask_url(url)}」")
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a missing driver or a bad option in the URL
        raise RegisterUnavailable(f"无法使用数据库「{mask_url(url)}」（{exc}）") from None


def _sqlite_engine(url: str, path: str | None) -> Engine:
    if path and path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RegisterUnavailable(f"无法创建台账文件夹 {Path(path).parent}（{exc.strerror}）") from None
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Take the write lock at the start: a writer that read the version counter cannot then
        # find another writer holding the lock (SQLite would fail it instead of waiting).
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _lock_for_migration(connection: Connection) -> None:
    """Serialise migrating processes (SQLite: BEGIN IMMEDIATE already holds the write lock)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the tables to the newest revision, in one transaction; (revision before, revision after)."""
    with Reachable(engine), engine.begin() as connection:
        _lock_for_migration(connection)
        before = current_revision(connection)
        command.upgrade(alembic_config(connection), "head")
        return before, current_revision(connection) or ""


FIRST_USE_ATTEMPTS = 5


def ensure_current(engine: Engine) -> None:
    """Migrate an empty database; refuse one whose tables are older than the code.

    Processes that meet a new SQLite file at the same moment may find it locked while another one switches it
    to WAL (SQLite answers that at once, without waiting): such a first use is tried again a few times.
    """
    for attempt in range(1, FIRST_USE_ATTEMPTS + 1):
        try:
            return _ensure_current(engine)
        except RegisterUnavailable as exc:
            if engine.dialect.name != "sqlite" or "locked" not in str(exc) or attempt == FIRST_USE_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)


def _ensure_current(engine: Engine) -> None:
    with Reachable(engine), engine.connect() as connection:
        revision = current_revision(connection)
        empty = revision is None and not inspect(connection).get_table_names()
        connection.rollback()
    if revision == head_revision():
        return
    if empty:
        upgrade(engine)
        return
    raise RegisterOutdated(
        f"台账数据库的版本是「{revision or '未知'}」，本程序需要「{head_revision()}」：请先运行 wenping db upgrade"
    )


class Reachable:
    """Turn a database that cannot be reached into a ``RegisterUnavailable`` naming it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError):  # the caller may retry those
            where = self.engine.url.render_as_string(hide_password=True)
            raise RegisterUnavailable(f"无法使用台账数据库 {where}（{exc.orig}）") from None
        return False


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Explicit sessions: each unit of work opens its own (``with factory.begin() as session``)."""
    return sessionmaker(engine, expire_on_commit=False)

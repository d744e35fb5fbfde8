"""SQLAlchemy 2 with mssql+pyodbc (ODBC Driver 18) and mssql+pymssql: the ORM with relationships,
transactions rolled back, reflection (MetaData.reflect and the inspector), a Core bulk insert of
10,000 rows, and a pandas to_sql / read_sql round trip of every common column type."""

from __future__ import annotations

import datetime as dt
import urllib.parse
import uuid
from decimal import Decimal

import pytest

from harness import Server, odbc_driver_path

pytestmark = pytest.mark.clients

sqlalchemy = pytest.importorskip("sqlalchemy")
from sqlalchemy import (  # noqa: E402
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship  # noqa: E402


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "orm_customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    balance: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    orders: Mapped[list[Order]] = relationship(back_populates="customer", cascade="all, delete-orphan")


class Order(Base):
    __tablename__ = "orm_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("orm_customers.id"))
    item: Mapped[str] = mapped_column(String(100))
    customer: Mapped[Customer] = relationship(back_populates="orders")


@pytest.fixture(params=["pyodbc", "pymssql"])
def engine(request: pytest.FixtureRequest, server: Server):
    """Each dialect in a database of its own, so parallel tests do not share tables."""
    database = f"sa_{request.param}_{uuid.uuid4().hex[:8]}"
    admin = _engine(request.param, server, "master")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE DATABASE {database}"))
    made = _engine(request.param, server, database)
    yield made
    made.dispose()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"DROP DATABASE {database}"))
    admin.dispose()


def _engine(dialect: str, server: Server, database: str):
    if dialect == "pymssql":
        pytest.importorskip("pymssql")
        password = urllib.parse.quote_plus(server.sa_password)
        return create_engine(f"mssql+pymssql://sa:{password}@{server.host}:{server.port}/{database}")
    driver = odbc_driver_path()
    if driver is None:
        pytest.skip("the ODBC Driver 18 library from the mssql-python wheel was not found")
    odbc = f"Driver={{{driver}}};" + server.odbc(Database=database)
    return create_engine("mssql+pyodbc:///?odbc_connect=" + urllib.parse.quote_plus(odbc))


def test_orm_crud_and_relationships(engine) -> None:
    Base.metadata.create_all(engine)
    assert engine.dialect.server_version_info[:2] == (16, 0)
    with Session(engine) as session:
        alice = Customer(name="alice", balance=Decimal("10.50"), orders=[Order(item="book"), Order(item="pen")])
        session.add_all([alice, Customer(name="bob")])
        session.commit()
        assert alice.id is not None and alice.orders[0].id is not None

    with Session(engine) as session:
        found = session.scalars(select(Customer).where(Customer.name == "alice")).one()
        assert found.balance == Decimal("10.50")
        assert sorted(o.item for o in found.orders) == ["book", "pen"]
        assert found.orders[0].customer is found
        found.balance = Decimal("20.25")
        session.commit()

    with Session(engine) as session:
        session.delete(session.scalars(select(Customer).where(Customer.name == "bob")).one())
        session.commit()
        rows = session.execute(select(Customer.name, Customer.balance).order_by(Customer.id)).all()
        assert rows == [("alice", Decimal("20.25"))]


def test_transactions_roll_back(engine) -> None:
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.begin()
        session.add(Customer(name="carol"))
        session.flush()
        session.rollback()
        assert session.scalars(select(Customer.name)).all() == []
    with pytest.raises(sqlalchemy.exc.IntegrityError), engine.begin() as conn:  # a duplicate key: all undone
        conn.execute(Customer.__table__.insert(), [{"id": 1, "name": "dan"}, {"id": 1, "name": "dup"}])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Customer.__table__)) == 0


def test_reflection(engine) -> None:
    metadata = MetaData()
    parent = Table(
        "parent",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("code", String(10), nullable=False, unique=True),
        Column("score", Numeric(7, 3), server_default=text("0")),
    )
    Table(
        "child",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("parent_id", Integer, ForeignKey("parent.id", ondelete="CASCADE"), nullable=False),
        Column("note", sqlalchemy.Unicode(200)),
        Index("ix_child_parent", "parent_id"),
    )
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE VIEW parent_codes AS SELECT id, code FROM parent"))

    reflected = MetaData()
    reflected.reflect(engine, views=True)
    assert {"parent", "child", "parent_codes"} <= set(reflected.tables)
    assert [c.name for c in reflected.tables["child"].columns] == ["id", "parent_id", "note"]

    inspector = inspect(engine)
    columns = {c["name"]: c for c in inspector.get_columns("parent")}
    assert isinstance(columns["code"]["type"], sqlalchemy.String) and columns["code"]["type"].length == 10
    assert columns["code"]["nullable"] is False
    assert (columns["score"]["type"].precision, columns["score"]["type"].scale) == (7, 3)
    assert "0" in str(columns["score"]["default"])
    assert inspector.get_columns("child")[0]["autoincrement"] is True
    assert inspector.get_pk_constraint("parent")["constrained_columns"] == ["id"]
    (foreign,) = inspector.get_foreign_keys("child")
    assert (foreign["constrained_columns"], foreign["referred_table"], foreign["referred_columns"]) == (
        ["parent_id"],
        "parent",
        ["id"],
    )
    assert foreign["options"].get("ondelete") == "CASCADE"
    indexes = {i["name"]: i for i in inspector.get_indexes("child")}
    assert indexes["ix_child_parent"]["column_names"] == ["parent_id"]
    assert any(i["unique"] and i["column_names"] == ["code"] for i in inspector.get_indexes("parent"))
    assert inspector.get_view_names() == ["parent_codes"]
    assert "SELECT id, code FROM parent" in inspector.get_view_definition("parent_codes")
    assert parent.name in inspector.get_table_names()


def test_core_bulk_insert_of_10000_rows(engine) -> None:
    metadata = MetaData()
    bulk = Table(
        "bulk_rows",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("label", String(40)),
        Column("amount", Numeric(12, 2)),
    )
    metadata.create_all(engine)
    rows = [{"id": n, "label": f"row {n}", "amount": Decimal(n) / 100} for n in range(10_000)]
    with engine.begin() as conn:
        conn.execute(bulk.insert(), rows)
    with engine.connect() as conn:
        count, total = conn.execute(select(func.count(), func.sum(bulk.c.amount))).one()
    assert count == 10_000
    assert total == sum(Decimal(n) / 100 for n in range(10_000))


def test_pandas_round_trip(engine) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {
            "i32": pandas.array([1, -2, None], dtype="Int32"),
            "i64": [2**40, -(2**40), 0],
            "f": [1.5, -2.25, 3.0e10],
            "flag": [True, False, True],
            "s": ["alpha", "béta", None],  # pandas makes it varchar(max): Latin-1 letters survive
            "ts": [dt.datetime(2024, 1, 2, 3, 4, 5, 123000), dt.datetime(1999, 12, 31, 23, 59, 59), None],
            "d": [dt.date(2024, 2, 29), dt.date(1900, 1, 1), dt.date(9999, 12, 31)],
            "money": [Decimal("12.34"), Decimal("-0.01"), None],
            "blob": [b"\x00\x01", b"", None],
        }
    )
    types = {"money": sqlalchemy.Numeric(10, 2), "d": sqlalchemy.Date(), "blob": sqlalchemy.LargeBinary()}
    frame.to_sql("frame", engine, index=False, dtype=types)
    back = pandas.read_sql("SELECT * FROM frame ORDER BY f", engine)
    expected = frame.sort_values("f").reset_index(drop=True)
    assert list(back.columns) == list(frame.columns)
    assert back["i32"].tolist()[:2] == [-2, 1] and pandas.isna(back["i32"].tolist()[2])
    assert back["i64"].tolist() == expected["i64"].tolist()
    assert back["f"].tolist() == expected["f"].tolist()
    assert [bool(v) for v in back["flag"]] == expected["flag"].tolist()
    assert [None if pandas.isna(v) else v for v in back["s"]] == [None if pandas.isna(v) else v for v in expected["s"]]
    assert [None if pandas.isna(v) else v.to_pydatetime() for v in back["ts"]] == [
        None if pandas.isna(v) else v.to_pydatetime() for v in expected["ts"]
    ]
    assert [v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10]) for v in back["d"]] == list(
        expected["d"]
    )
    # read_sql turns decimals into floats (coerce_float): compare at the column's scale
    assert [None if pandas.isna(v) else round(Decimal(str(v)), 2) for v in back["money"]] == [
        None if pandas.isna(v) else v for v in expected["money"]
    ]
    assert [None if v is None else bytes(v) for v in back["blob"]] == list(expected["blob"])

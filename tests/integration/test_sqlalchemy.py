"""[core] acceptance: SQLAlchemy 2 with mssql+pyodbc (ODBC Driver 18): create_all, ORM
insert, query, update, delete, with the dialect's own connect-time probes answered."""

from __future__ import annotations

import urllib.parse
from decimal import Decimal

import pytest

from harness import Server, odbc_driver_path

pytestmark = pytest.mark.clients

sqlalchemy = pytest.importorskip("sqlalchemy")
from sqlalchemy import ForeignKey, Numeric, String, create_engine, select  # noqa: E402
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


@pytest.fixture
def engine(server: Server):
    driver = odbc_driver_path()
    if driver is None:
        pytest.skip("the ODBC Driver 18 library from the mssql-python wheel was not found")
    odbc = f"Driver={{{driver}}};" + server.odbc()
    made = create_engine("mssql+pyodbc:///?odbc_connect=" + urllib.parse.quote_plus(odbc))
    yield made
    made.dispose()


def test_orm_crud(engine) -> None:
    Base.metadata.drop_all(engine)
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
        found.balance = Decimal("20.25")
        session.commit()

    with Session(engine) as session:
        session.delete(session.scalars(select(Customer).where(Customer.name == "bob")).one())
        session.commit()
        rows = session.execute(select(Customer.name, Customer.balance).order_by(Customer.id)).all()
        assert rows == [("alice", Decimal("20.25"))]

    with Session(engine) as session:
        session.begin()
        session.add(Customer(name="carol"))
        session.flush()
        session.rollback()
        assert session.scalars(select(Customer.name).order_by(Customer.name)).all() == ["alice"]
    Base.metadata.drop_all(engine)

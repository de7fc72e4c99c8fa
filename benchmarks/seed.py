"""Seed a PostgreSQL database fast with COPY: companies, orders, invoices (+ lines, credit
notes). Every order is closed (or `unknown`): the sync benchmark opens its own 10,000."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
from social_scale_adapters.db.analytics.rollup import rebuild
from social_scale_adapters.db.engine import make_engine
from social_scale_adapters.db.migrate import upgrade
from social_scale_adapters.fampage.catalog import raw_catalog
from social_scale_core.panel.networks import network_of
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

SCALE = 10**8  # Money is stored as integers of 1e-8
CENT = 10**6  # one cent in those units
BLOCK = 20_000
ORDER_COLS = ("id", "company_id", "api_order_id", "service_id", "service_name", "service_type",
              "network", "rate", "link", "target_key", "quantity", "cost", "charge",
              "currency", "status", "provider_status", "remains", "source", "created_at",
              "updated_at", "completed_at", "last_checked_at")
INVOICE_COLS = ("id", "kind", "number", "order_id", "credited_invoice_id", "company_id",
                "status", "currency", "multiplier", "order_cost", "base_cost", "subtotal",
                "tax_total", "total", "tax_mode", "tax_inclusive", "ordered_quantity",
                "billed_quantity", "seller_name", "buyer_name", "issued_at", "due_at",
                "paid_at", "updated_at")
LINE_COLS = ("invoice_id", "position", "description", "quantity", "unit_price", "amount")
FINAL = [("completed", 82), ("partial", 8), ("canceled", 6), ("failed", 3), ("unknown", 1)]


def recreate_database(url: str) -> None:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def _ts(moment: datetime) -> str:
    return moment.isoformat()


def _row(values: tuple[object, ...]) -> str:
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


class Book:
    """Generates the rows; ids and targets are kept for the benchmarks to pick from."""

    def __init__(self, companies: int, orders: int, seed: int = 6, start: int = 0) -> None:
        """Orders number `start` to `orders - 1`: a book with `start` > 0 extends the data
        that a book of `start` orders seeded (same companies, new order ids and numbers)."""
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.company_ids = [str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
                            for _ in range(companies)]
        self.start, self.n_orders = start, orders
        if start:  # the companies drew the same numbers; the new orders draw others
            self.rng = random.Random(seed * 1_000_003 + start)
        self.targets = max(10, orders // 10)
        self.services = [(int(s["service"]), s["name"], s["type"],
                          network_of(s["category"], s["name"]),
                          int(Decimal(str(s["rate"])) * SCALE)) for s in raw_catalog(0)]
        self.order_ids: list[str] = []
        self.invoice_ids: list[str] = []

    def companies(self) -> Iterator[str]:
        for k, cid in enumerate(self.company_ids):
            yield _row((cid, f"Company {k:04d}", _ts(self.now), _ts(self.now)))

    def orders(self) -> Iterator[tuple[str, str, str]]:
        """Yields (order row, invoice rows, line rows) per order."""
        rng, statuses = self.rng, [s for s, w in FINAL for _ in range(w)]
        for i in range(self.start, self.n_orders):
            oid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            self.order_ids.append(oid)
            company = self.company_ids[rng.randrange(len(self.company_ids))]
            sid, name, stype, network, rate = self.services[rng.randrange(len(self.services))]
            quantity = rng.randrange(100, 10_000)
            cost = rate * quantity // 1000
            status = statuses[rng.randrange(len(statuses))]
            charge = {"completed": cost, "partial": cost // 2, "canceled": 0}.get(status)
            created = self.now - timedelta(seconds=rng.randrange(365 * 86400))
            target = f"instagram.com/user{rng.randrange(self.targets)}"
            currency = "USD" if rng.random() < 0.05 else "INR"
            api_id = None if status in ("failed", "unknown") else 10_000_000 + i
            done = None if status == "unknown" else _ts(created + timedelta(hours=2))
            order = _row((oid, company, api_id, sid, name, stype, network, rate,
                          f"https://www.{target}/", target, quantity, _m(cost), _m(charge),
                          currency, status, status.title(), 0, "api", _ts(created),
                          _ts(created), done, done))
            if status in ("failed", "unknown"):
                yield order, "", ""
                continue
            yield (order, *self._invoice(i, oid, company, currency, cost, quantity, status,
                                         created))

    def _invoice(self, i: int, oid: str, company: str, currency: str, cost: int,
                 quantity: int, status: str, created: datetime) -> tuple[str, str]:
        iid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self.invoice_ids.append(iid)
        total = (cost * 8 + CENT // 2) // CENT * CENT
        state = "void" if status == "canceled" else self.rng.choice(
            ("paid", "paid", "sent", "draft"))
        paid = _ts(created + timedelta(days=2)) if state == "paid" else None
        rows = [_row((iid, "invoice", f"SS{i:010d}", oid, None, company, state, currency,
                      8 * SCALE, cost, cost, total, 0, total, "off", "f", quantity, quantity,
                      "Social Scale", "Client", _ts(created), _ts(created + timedelta(days=7)),
                      paid, _ts(created)))]
        lines = [_row((iid, 0, "Instagram service", quantity, total // quantity, total))]
        if state == "paid" and self.rng.random() < 0.02:
            note = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            credit = -(total // 2 // CENT * CENT)
            rows.append(_row((note, "credit_note", f"CN{i:010d}", None, iid, company,
                              "issued", currency, None, None, None, credit, 0, credit, "off",
                              "f", None, None, "Social Scale", "Client", _ts(created),
                              None, None, _ts(created))))
            lines.append(_row((note, 0, "Credit", quantity // 2, credit // max(1, quantity // 2),
                               credit)))
        return "".join(rows), "".join(lines)


def _m(raw: int | None) -> str | None:
    return None if raw is None else str(raw)


def _copy(cur: psycopg.Cursor[tuple[object, ...]], table: str, cols: tuple[str, ...],
          data: str) -> None:
    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        copy.write(data)


def seed(url: str, companies: int = 1000, orders: int = 1_000_000) -> Book:
    """Recreate the database at `url` and fill it; prints the time taken."""
    t0 = time.perf_counter()
    recreate_database(url)
    book = Book(companies, orders)
    _load(url, book, with_companies=True)
    print(f"seed: {companies} companies, {orders} orders with invoices in "
          f"{time.perf_counter() - t0:.1f}s", flush=True)
    return book


def extend(url: str, companies: int, start: int, orders: int) -> Book:
    """Grow a database that `seed(url, companies, start)` filled to `orders` orders."""
    t0 = time.perf_counter()
    book = Book(companies, orders, start=start)
    _load(url, book, with_companies=False)
    print(f"seed: extended {start} to {orders} orders with invoices in "
          f"{time.perf_counter() - t0:.1f}s", flush=True)
    return book


def _load(url: str, book: Book, with_companies: bool) -> None:
    """COPY the book's rows, then rebuild the rollup and VACUUM ANALYZE."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        # No FK or rollup triggers while loading: the rollup is rebuilt once at the end.
        cur.execute("SET session_replication_role = replica")
        if with_companies:
            _copy(cur, "companies", ("id", "name", "created_at", "updated_at"),
                  "".join(book.companies()))
        blocks: tuple[list[str], list[str], list[str]] = ([], [], [])
        for n, parts in enumerate(book.orders(), book.start + 1):
            for block, part in zip(blocks, parts, strict=True):
                block.append(part)
            if n % BLOCK == 0 or n == book.n_orders:
                _copy(cur, "orders", ORDER_COLS, "".join(blocks[0]))
                _copy(cur, "invoices", INVOICE_COLS, "".join(blocks[1]))
                _copy(cur, "invoice_lines", LINE_COLS, "".join(blocks[2]))
                for block in blocks:
                    block.clear()
        conn.commit()
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        rebuild(session)
    engine.dispose()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")

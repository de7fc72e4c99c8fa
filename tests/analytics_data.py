"""A generated book of companies, orders, invoices and credit notes for analytics tests,
with an independent oracle: the figures every analytics endpoint should report.

`dataset()` is a hypothesis strategy; `store(engine, data)` writes it straight into the
tables; `Oracle(data, start, end)` computes the expected figures in plain Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import strategies as st
from social_scale_adapters.db.companies import companies
from social_scale_adapters.db.invoices.invoice_tables import invoices
from social_scale_adapters.db.orders.order_table import orders
from social_scale_core.money import round_cents
from sqlalchemy import Engine, delete, insert

BASE = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ("pending", "submitting", "unknown", "in_progress", "processing", "awaiting",
            "completed", "partial", "canceled", "failed")
SERVICES = {101: ("IG Followers", "Instagram"), 202: ("TT Views", "TikTok"),
            303: ("IG Likes", "Instagram")}
# Target keys and spellings of each (the stored link uses one, lookups another).
TARGETS = {
    "instagram.com/alpha": ["https://www.instagram.com/alpha/", "instagram.com/alpha",
                            "HTTP://Instagram.com/alpha"],
    "tiktok.com/@beta": ["https://m.tiktok.com/@beta", "tiktok.com/@beta/"],
    "instagram.com/p/xyz": ["https://instagram.com/p/xyz?utm_source=a", "instagram.com/p/xyz"],
}
NOTHING_SPENT = ("canceled", "failed")


@dataclass
class Note:
    id: str
    currency: str
    total: Decimal


@dataclass
class Bill:
    id: str
    status: str
    currency: str
    total: Decimal
    notes: list[Note] = field(default_factory=list)

    def revenue(self) -> dict[str, Decimal]:
        """Revenue per currency; a void invoice and its notes count nothing."""
        if self.status == "void":
            return {}
        out: dict[str, Decimal] = defaultdict(Decimal)
        out[self.currency] += self.total
        for note in self.notes:
            out[note.currency] += note.total
        return out


@dataclass
class Ord:
    id: str
    company: int
    service: int
    target: str
    link: str
    quantity: int
    runs: int | None
    status: str
    currency: str
    cost: Decimal
    charge: Decimal | None
    created_at: datetime
    bill: Bill | None

    @property
    def units(self) -> int:
        return self.quantity * (self.runs or 1)

    def real_cost(self) -> Decimal:
        if self.charge is not None:
            return self.charge
        return Decimal(0) if self.status in NOTHING_SPENT else self.cost


@dataclass
class Data:
    companies: list[str]
    orders: list[Ord]


def _money(places: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, high).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def _bill(draw: st.DrawFn, n: int, currency: str) -> Bill | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    status = draw(st.sampled_from(("draft", "sent", "paid", "void")))
    # Rarely billed in another currency: figures must keep the two apart.
    bill_currency = draw(st.sampled_from((currency, currency, currency, "EUR")))
    bill = Bill(f"i-{n}", status, bill_currency, draw(_money(2, 10**7)))
    if status in ("paid", "void"):
        for k in range(draw(st.integers(0, 2))):
            bill.notes.append(Note(f"c-{n}-{k}", bill_currency, -draw(_money(2, 10**6))))
    return bill


@st.composite
def dataset(draw: st.DrawFn) -> Data:
    n_companies = draw(st.integers(1, 3))
    ids = [f"00000000-0000-0000-0000-{k:012d}" for k in range(n_companies)]
    items: list[Ord] = []
    for n in range(draw(st.integers(0, 14))):
        target = draw(st.sampled_from(sorted(TARGETS)))
        currency = draw(st.sampled_from(("INR", "INR", "USD")))
        items.append(Ord(
            id=f"10000000-0000-0000-0000-{n:012d}", company=draw(st.integers(0, n_companies - 1)),
            service=draw(st.sampled_from(sorted(SERVICES))), target=target,
            link=draw(st.sampled_from(TARGETS[target])), quantity=draw(st.integers(1, 5000)),
            runs=draw(st.one_of(st.none(), st.integers(1, 4))),
            status=draw(st.sampled_from(STATUSES)), currency=currency,
            cost=draw(_money(8, 10**11)), charge=draw(st.one_of(st.none(), _money(5, 10**8))),
            created_at=BASE + timedelta(days=draw(st.integers(0, 150)), seconds=n),
            bill=draw(_bill(n, currency)),
        ))
    return Data(ids, items)


def store(engine: Engine, data: Data) -> None:
    with engine.begin() as conn:
        for k, company_id in enumerate(data.companies):
            conn.execute(insert(companies).values(
                id=company_id, name=f"Company {k}", created_at=BASE, updated_at=BASE))
        for o in data.orders:
            name, network = SERVICES[o.service]
            conn.execute(insert(orders).values(
                id=o.id, company_id=data.companies[o.company], service_id=o.service,
                service_name=name, service_type="Default", network=network, rate=Decimal(1),
                link=o.link, target_key=o.target, quantity=o.quantity, runs=o.runs,
                cost=o.cost, charge=o.charge, currency=o.currency, status=o.status,
                source="api", created_at=o.created_at, updated_at=o.created_at))
            if o.bill is not None:
                _insert_bill(conn, data.companies[o.company], o)


def _insert_bill(conn: object, company_id: str, o: Ord) -> None:
    bill = o.bill
    assert bill is not None
    common = {"company_id": company_id, "tax_total": Decimal(0), "tax_mode": "off",
              "tax_inclusive": False, "seller_name": "Agency", "buyer_name": "Client",
              "issued_at": o.created_at, "updated_at": o.created_at}
    conn.execute(insert(invoices).values(  # type: ignore[attr-defined]
        id=bill.id, kind="invoice", number=bill.id, order_id=o.id, status=bill.status,
        currency=bill.currency, subtotal=bill.total, total=bill.total, **common))
    for note in bill.notes:
        conn.execute(insert(invoices).values(  # type: ignore[attr-defined]
            id=note.id, kind="credit_note", number=note.id, credited_invoice_id=bill.id,
            status="issued", currency=note.currency, subtotal=note.total, total=note.total,
            **common))


def wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(invoices).where(invoices.c.kind == "credit_note"))
        conn.execute(delete(invoices))
        conn.execute(delete(orders))
        conn.execute(delete(companies))


def margin(revenue: Decimal, profit: Decimal) -> Decimal | None:
    if revenue == 0:
        return None
    return (profit * 100 / revenue).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


Expected = tuple[int, int, dict[str, tuple[Decimal, Decimal, Decimal, Decimal | None]]]


def figures(group: Iterable[Ord]) -> Expected:
    """(orders, units, {currency: (real cost, revenue, profit, margin)})."""
    count = units = 0
    cost: dict[str, Decimal] = defaultdict(Decimal)
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for o in group:
        count += 1
        units += o.units
        cost[o.currency] += o.real_cost()
        if o.bill is not None:
            for currency, amount in o.bill.revenue().items():
                revenue[currency] += amount
    money = {}
    for currency in set(cost) | set(revenue):
        profit = revenue[currency] - cost[currency]
        # Profit is invoiced money: shown to the cent (its margin from the exact figure).
        money[currency] = (cost[currency], revenue[currency], round_cents(profit),
                           margin(revenue[currency], profit))
    return count, units, money


class Oracle:
    """The figures expected for the orders created in [start, end]."""

    def __init__(self, data: Data, start: datetime | None, end: datetime | None) -> None:
        self.data = data
        self.orders = [o for o in data.orders
                       if (start is None or o.created_at >= start)
                       and (end is None or o.created_at <= end)]

    def by(self, key: object) -> dict[str, Expected]:
        groups: dict[str, list[Ord]] = defaultdict(list)
        for o in self.orders:
            groups[key(o)].append(o)  # type: ignore[operator]
        return {k: figures(v) for k, v in groups.items()}

    def history(self, orders: Iterable[Ord]) -> list[Ord]:
        return sorted(orders, key=lambda o: (o.created_at, o.id), reverse=True)

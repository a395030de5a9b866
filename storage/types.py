"""Column types that behave the same on SQLite and PostgreSQL: aware UTC times, exact decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from scoring.storable import QUANTITY_PRECISION, QUANTITY_SCALE

# Quantities keep QUANTITY_SCALE decimal places (rulebook points have at most 4); the bound is
# set once, in scoring.storable, which the CSV reader and the bot check against.
_SCALE = 10**QUANTITY_SCALE
_SCALE_FACTOR = Decimal(_SCALE)

# Surrogate keys: 64-bit on PostgreSQL; SQLite only auto-numbers an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utc_from_db(value: dt.datetime | str) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite keeps naive UTC text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def quantity_from_db(value: int | Decimal) -> Decimal:
    """A stored quantity (millionths on SQLite, NUMERIC on PostgreSQL) as a canonical Decimal."""
    if isinstance(value, int):
        whole, fraction = divmod(value, _SCALE)
        if not fraction:
            return Decimal(whole)
        return Decimal(value).scaleb(-QUANTITY_SCALE).normalize()
    return canonical_decimal(Decimal(value))


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC; naive datetimes are refused, results come back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: times must carry their offset")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else utc_from_db(value)


def canonical_decimal(value: Decimal) -> Decimal:
    """The shortest exact spelling: ``Decimal('2.500000')`` becomes ``Decimal('2.5')``."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal that round-trips exactly: NUMERIC on PostgreSQL, scaled integer on SQLite."""

    # SQLite has no decimal type (NUMERIC columns hold floats), so the value is stored as
    # an integer count of 10**-QUANTITY_SCALE; SUM() over it stays exact.

    impl = Numeric(QUANTITY_PRECISION, QUANTITY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(QUANTITY_PRECISION, QUANTITY_SCALE))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(value)
        scaled = value * _SCALE_FACTOR
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {QUANTITY_SCALE} decimal places")
        if dialect.name == "sqlite":
            return int(scaled)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else quantity_from_db(value)

"""money in each currency's own minor units: every amount holds three decimals (KWD, BHD, OMR)

Existing amounts keep their exact values (two decimals widen to three on every database); amounts
are now rounded to their currency's minor unit as they are written, never here.

Revision ID: d02a37071d2e
Revises: fa08794cf6bf
Create Date: 2026-12-01 20:06:17.719736
"""
from alembic import op
import sqlalchemy as sa


revision = 'd02a37071d2e'
down_revision = 'fa08794cf6bf'
branch_labels = None
depends_on = None

OLD, NEW = sa.NUMERIC(precision=14, scale=2), sa.Numeric(precision=15, scale=3)
# table -> [(column, nullable)]
MONEY_COLUMNS = {
    "invoice_lines": [("rate", False), ("amount", False), ("tax_amount", False)],
    "quote_lines": [("rate", False), ("amount", False), ("tax_amount", False)],
    "invoices": [("amount_paid", False), ("balance_due", False), ("subtotal", False), ("tax_total", False),
                 ("total", False)],
    "quotes": [("subtotal", False), ("tax_total", False), ("total", False)],
    "payments": [("amount", False)],
    "payment_attempts": [("amount", False)],
    "projects": [("fixed_cost", True), ("hourly_rate", True)],
}


def _retype(old, new):
    for table, columns in MONEY_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=nullable)


def upgrade():
    _retype(OLD, NEW)


def downgrade():
    # a three-decimal amount (KWD 30.375) would be rounded to the cent here: refuse instead of losing it
    bind = op.get_bind()
    for table, columns in MONEY_COLUMNS.items():
        for column, _ in columns:
            found = bind.execute(sa.text(
                f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL "
                f"AND ROUND({column} * 100) <> {column} * 100")).scalar()
            if found:
                raise RuntimeError(f"{table}.{column} holds amounts with three decimals; "
                                   "downgrading would change them.")
    _retype(NEW, OLD)

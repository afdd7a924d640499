"""email templates per language

Revision ID: 5b1e0c7a9d21
Revises: c106250b0c0a
Create Date: 2026-12-02 02:40:00

Templates saved before there were languages were written for an English-speaking Portico: they
become the English ones. The primary key gains the language, so the table is made anew and the
rows copied (the same on SQLite and PostgreSQL).
"""
from alembic import op
import sqlalchemy as sa


revision = '5b1e0c7a9d21'
down_revision = 'c106250b0c0a'
branch_labels = None
depends_on = None


def _table(name, with_language):
    columns = [sa.Column('org_id', sa.String(length=36), nullable=False),
               sa.Column('kind', sa.String(length=50), nullable=False)]
    if with_language:
        columns.append(sa.Column('language', sa.String(length=5), server_default='en', nullable=False))
    columns += [sa.Column('subject', sa.String(length=1000), nullable=False),
                sa.Column('body', sa.Text(), nullable=False),
                sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
                sa.Column('updated_by', sa.String(length=200), nullable=True),
                sa.PrimaryKeyConstraint('org_id', 'kind', *(['language'] if with_language else []))]
    op.create_table(name, *columns)


def upgrade():
    _table('email_templates_new', True)
    op.execute("INSERT INTO email_templates_new (org_id, kind, language, subject, body, updated_at, updated_by) "
               "SELECT org_id, kind, 'en', subject, body, updated_at, updated_by FROM email_templates")
    op.drop_table('email_templates')
    op.rename_table('email_templates_new', 'email_templates')


def downgrade():
    _table('email_templates_old', False)
    op.execute("INSERT INTO email_templates_old (org_id, kind, subject, body, updated_at, updated_by) "
               "SELECT org_id, kind, subject, body, updated_at, updated_by FROM email_templates WHERE language = 'en'")
    op.drop_table('email_templates')
    op.rename_table('email_templates_old', 'email_templates')

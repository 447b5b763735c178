"""The inventory database: SQLAlchemy Core tables, Alembic migrations, and the repository."""

"""Local store: SQLAlchemy models, engine and pragmas, migrations, backups."""

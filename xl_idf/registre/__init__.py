"""The programme's register: every quarter's files, dossiers, lines and payments in a database.

SQLAlchemy Core over SQLite (the default, one file) or PostgreSQL (a team's shared register),
its schema versioned by Alembic (`migrations/`). Nothing of the rules core imports this package:
`xl-idf validate` loads it only with `--registre`.
"""

"""Storage: the Store port, its schema and migrations, the SQLite and PostgreSQL adapters and an
in-memory fake."""

"""Storage: the Store port, its schema and migrations, the SQLite adapter and an in-memory fake."""

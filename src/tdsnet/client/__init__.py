"""Client network library (connection strings, aliases, protocol order, DB-API driver)."""

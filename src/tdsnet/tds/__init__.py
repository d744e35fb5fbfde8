"""Sans-IO TDS codec: bytes in, events out; no sockets, no SQL."""

"""Transports (SNI): TCP and TLS streams; later named pipes, shared memory and the Browser socket."""

"""The tdsnet command line."""

"""Errors that configgen reports to the user and exits 1 on."""


class ConfigError(Exception):
    """A user-facing error: the message names file:line, symbol and value."""

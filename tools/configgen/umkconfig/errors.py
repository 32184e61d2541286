"""Errors and warnings that configgen reports to the user.

A ConfigError carries one message or several (every value that did not
take is reported, not just the first); the CLI prints each on its own line
as "configgen COMMAND: error: MESSAGE" and exits 1.
"""
import sys


class ConfigError(Exception):
    """A user-facing error: each message names file:line, symbol and value."""

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


_command = ["configgen"]


def set_command(name):
    _command[0] = f"configgen {name}"


def warn(message):
    print(f"{_command[0]}: warning: {message}", file=sys.stderr)


def note(message):
    print(f"{_command[0]}: note: {message}", file=sys.stderr)

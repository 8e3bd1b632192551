"""Lifecycle log lines on stdout, prefixed so the engine can tell them from the deployment's own output."""

import sys

PREFIX = "[vast-worker] "


def log(message: str) -> None:
    for line in str(message).splitlines() or [""]:
        sys.stdout.write(PREFIX + line + "\n")
    sys.stdout.flush()

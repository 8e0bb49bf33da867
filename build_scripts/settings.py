"""Settings, each with its help text. Everything else is derived from the data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    """Address `portal serve` listens on (loopback: the portal is served to this machine only)."""

    port: int = 8000
    """Port `portal serve` listens on."""

    strict: bool = True
    """MkDocs strict mode: any warning (broken link, missing page) fails the build."""

    debug: bool = False
    """Show tracebacks instead of the one-line error report."""

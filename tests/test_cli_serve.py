"""`portal serve` (the README's first command, through `make serve`) builds the site, then serves it."""

from __future__ import annotations

import http.server
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_IDS, copy_inputs

from build_scripts import cli


class _Server:
    """Stands in for the HTTP server: records what it would serve and returns at once."""

    served: list[str] = []

    def __init__(self, address: tuple[str, int], handler: Any) -> None:
        self.directory = handler.keywords["directory"]

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def serve_forever(self) -> None:
        _Server.served.append(self.directory)


def test_serve_builds_then_serves_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    paths = copy_inputs(tmp_path / "repo")
    monkeypatch.setattr(http.server, "ThreadingHTTPServer", _Server)
    assert cli.main(["--root", str(paths.root), "serve", "--port", "8765"]) == 0
    out = capsys.readouterr().out
    assert f"built {len(SEED_IDS)} replies" in out and "site at http://127.0.0.1:8765/" in out
    assert _Server.served == [str(paths.site)]
    assert (paths.site / "index.html").is_file()

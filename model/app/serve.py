"""Serve the what-if panel as a local web app on 127.0.0.1 (``feasibility app``, ``make app``).

Each browser session gets its own :class:`~model.app.whatif_panel.WhatIfPanel` on the one
baseline posterior; the server runs in a background thread so a caller (the command line, a
test, the benchmark) keeps control and stops it when done.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import panel as pn

from model.app.whatif_panel import WhatIfPanel
from model.constants import SCENARIO_DIR
from model.errors import InputError
from model.inference.fit import Fit

ADDRESS = "127.0.0.1"
MAX_PORT = 65535
LISTEN_WAIT_SECONDS = 30.0
"""How long ``serve`` waits for the server to accept connections before giving up."""


def free_port(address: str = ADDRESS) -> int:
    """A port nothing listens on now (asked of the operating system)."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


@dataclass
class App:
    """A running app: its address, the panels of its sessions, and how to stop it."""

    url: str
    thread: object
    panels: list[WhatIfPanel] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the server and release the port."""
        self.thread.stop()
        self.thread.join(timeout=10)


def serve(
    fit: Fit,
    *,
    port: int = 0,
    scenario_dir: Path = SCENARIO_DIR,
    address: str = ADDRESS,
    user_dir: Path | None = None,
) -> App:
    """Start the panel on ``address:port`` (a free port when 0) in a background thread.

    Parameters
    ----------
    fit : Fit
        The baseline posterior every session answers from.
    port : int
        TCP port; 0 picks a free one.
    scenario_dir : Path
        The scenario picker's folder.
    user_dir : Path, optional
        Where "Save as scenario" writes (default ``priors/user``, git-ignored).
    address : str
        Interface to listen on (the local machine only, by default).

    Returns
    -------
    App
    """
    check_port(port, address)
    port = port or free_port(address)
    panels: list[WhatIfPanel] = []

    def session():
        pn.extension()
        panel = WhatIfPanel(fit, scenario_dir=scenario_dir, user_dir=user_dir)
        panels.append(panel)
        return panel.view()

    thread = pn.serve(
        session,
        port=port,
        address=address,
        websocket_origin=[f"{address}:{port}", f"localhost:{port}"],
        show=False,
        threaded=True,
        start=True,
        title=f"What if: {fit.priors.case.get('name', 'the deal')}",
        verbose=False,
    )
    _wait_listening(thread, address, port)
    return App(f"http://{address}:{port}/", thread, panels)


def check_port(port: int, address: str = ADDRESS) -> None:
    """Refuse a port outside ``0 .. 65535`` or one this machine cannot listen on now.

    Raises
    ------
    model.errors.InputError
        The port, what is wrong and what to give instead.
    """
    if not 0 <= port <= MAX_PORT:
        raise InputError(
            "--port", str(port), f"must be in [0, {MAX_PORT}]", "use e.g. 5006, or 0 for any"
        )
    if port == 0:
        return
    with socket.socket() as sock:
        try:
            sock.bind((address, port))
        except OSError as exc:
            raise InputError(
                "--port",
                str(port),
                f"cannot listen on {address}:{port} ({exc.strerror})",
                "give a free port, or 0 for any free one",
            ) from None


def _wait_listening(thread, address: str, port: int) -> None:
    """Return once the server accepts connections; refuse when its thread died first."""
    deadline = time.monotonic() + LISTEN_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=0.2):
                return
        except OSError:
            if not thread.is_alive():
                break
            time.sleep(0.05)
    raise InputError(
        "--port",
        str(port),
        f"the panel did not start listening on {address}:{port}",
        "give another port, or 0 for any free one",
    )

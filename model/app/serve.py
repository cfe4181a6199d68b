"""Serve the what-if panel as a local web app on 127.0.0.1 (``feasibility app``, ``make app``).

Each browser session gets its own :class:`~model.app.whatif_panel.WhatIfPanel` on the one
baseline posterior; the server runs in a background thread so a caller (the command line, a
test, the benchmark) keeps control and stops it when done.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

import panel as pn

from model.app.whatif_panel import WhatIfPanel
from model.constants import SCENARIO_DIR
from model.inference.fit import Fit

ADDRESS = "127.0.0.1"


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
    return App(f"http://{address}:{port}/", thread, panels)

"""The command: start the explorer's web server and say where it is.

``scamsim explore [--port 8765] [--host localhost] [--show] [--outputs outputs]``.
``--port 0`` takes any free port; the address printed is the one really
bound (the tests read it).  The server binds before the address is printed,
so a line on stdout means the page can be loaded.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

DEFAULT_PORT = 8765


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scamsim explore",
        description="Serve the scamsim explorer: an interactive page over the model, in the browser.",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to serve on (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument(
        "--host",
        default="localhost",
        help="address to listen on (default localhost: this machine only; 0.0.0.0 serves a classroom network)",
    )
    p.add_argument("--show", action="store_true", help="open the page in the default web browser")
    p.add_argument(
        "--outputs",
        type=Path,
        default=Path("outputs"),
        help="where 'Save run files' writes run folders (default: outputs, as the CLI)",
    )
    return p


def free_port(host: str) -> int:
    """A port nobody listens on now (for ``--port 0``: the browser origin must name the port before binding)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host if host != "localhost" else "127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        import panel as pn

        from sim.explore.app import create_app
    except ImportError as err:
        print(f"scamsim: the explorer needs Panel: python -m pip install 'scamsim[explore]' ({err})", file=sys.stderr)
        return 2
    outputs = args.outputs.resolve()
    port = args.port or free_port(args.host)
    local = args.host in ("localhost", "127.0.0.1")
    # a classroom server (--host 0.0.0.0) is reached under names this machine cannot know: accept any origin there
    origins = sorted({f"{args.host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"}) if local else ["*"]
    try:
        server = pn.serve(
            {"/": lambda: create_app(outputs)},
            port=port,
            address=args.host,
            websocket_origin=origins,
            show=False,
            start=False,
            title="scamsim explorer",
            verbose=False,
        )
    except OSError as err:
        print(f"scamsim: cannot serve on {args.host}:{port}: {err.strerror or err}", file=sys.stderr)
        return 1
    url = f"http://{args.host}:{server.port}/"
    print(f"scamsim explorer: serving on {url}  (Ctrl+C to stop; saved runs go to {outputs})", flush=True)
    if args.show:
        server.io_loop.add_callback(server.show, "/")
    try:
        server.start()
        server.io_loop.start()
    except KeyboardInterrupt:
        print("scamsim explorer: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

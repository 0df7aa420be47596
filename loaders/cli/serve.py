"""`serve`: the review pages in a browser (loaders/web), on the CLI's database
and roles."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import socket
import webbrowser
from typing import Annotated

import typer

from ..db import resolve
from ..errors import ConfigError, UsageError
from .app import app, handled

PASSWORD_ENV = "CPPA_IDENTITY_SERVE_PASSWORD"
PASSWORD_MIN = 12


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bound_socket(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the URL is printed (port 0: any free one)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@app.command()
@handled
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8765,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the address; open no browser.")
    ] = False,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help=f"Listen on an address other hosts reach; needs a password in {PASSWORD_ENV}.",
        ),
    ] = False,
) -> None:
    """Review in a browser: the candidate queue, identities, search, decisions
    and runs, as this login's roles allow. Prints the address to open (it
    carries a one-time token); Ctrl-C stops it.

    Example: cppa-identity serve --port 8765
    """
    import uvicorn

    from ..web.app import create_app

    password = None
    if not is_loopback(host):
        if not allow_remote:
            raise UsageError(
                f"{host} is not a loopback address: other hosts could reach the review pages;"
                f" pass --allow-remote and set {PASSWORD_ENV} to allow it"
            )
        password = os.environ.get(PASSWORD_ENV, "")
        if len(password) < PASSWORD_MIN:
            raise ConfigError(
                f"--allow-remote needs a password of at least {PASSWORD_MIN} characters"
                f" in {PASSWORD_ENV}"
            )
    database = resolve()
    sock = bound_socket(host, port)
    actual = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    url = f"http://{shown}:{actual}/?token={token}"
    hosts = ["127.0.0.1", "localhost", "[::1]"] if is_loopback(host) else ["*"]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(database, token, password, hosts),
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
        )
    )
    typer.echo(f"serving on {url}", err=False)
    if not no_browser:
        webbrowser.open(url)
    # uvicorn stops cleanly, then re-raises Ctrl-C: stopping is how serve ends
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    typer.echo("stopped")

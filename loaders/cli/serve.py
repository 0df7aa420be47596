"""`serve`: the review pages in a browser (loaders/web), on the CLI's database
and roles."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import webbrowser
from pathlib import Path
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
            help=f"Listen on an address other hosts reach; needs a password in {PASSWORD_ENV}"
            " and --tls-cert/--tls-key.",
        ),
    ] = False,
    tls_cert: Annotated[
        Path | None,
        typer.Option(help="PEM certificate chain: serve over HTTPS (with --tls-key)."),
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="PEM private key of --tls-cert.")] = None,
) -> None:
    """Review in a browser: the candidate queue, identities, search, decisions
    and runs, as this login's roles allow. Prints the address to open (it
    carries a token that signs one browser in, once); Ctrl-C stops it.

    Example: cppa-identity serve --port 8765
    """
    import uvicorn

    from ..web.app import create_app, server_config

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
        if tls_cert is None or tls_key is None:
            raise UsageError(
                "--allow-remote needs --tls-cert and --tls-key: the password and the session"
                " cookie must not cross the network in clear"
            )
    if (tls_cert is None) != (tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together")
    for given in (tls_cert, tls_key):
        if given is not None and not given.is_file():
            raise UsageError(f"{given} is not a readable file")
    tls = tls_cert is not None
    database = resolve()
    sock = bound_socket(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    base = f"{'https' if tls else 'http'}://{shown}:{actual}"
    hosts = ["127.0.0.1", "localhost", "[::1]"] if is_loopback(host) else ["*"]
    application = create_app(database, None, password, hosts, secure=tls)
    server = uvicorn.Server(
        server_config(
            application,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
            ssl_certfile=str(tls_cert) if tls_cert else None,
            ssl_keyfile=str(tls_key) if tls_key else None,
        )
    )
    # each address signs one browser in, once: the one printed and the one the
    # browser is given (its command line) are different tokens
    typer.echo(f"serving on {base}/?token={application.state.review.issue()}", err=False)
    if not no_browser:
        webbrowser.open(f"{base}/?token={application.state.review.issue()}")
    # uvicorn stops cleanly, then re-raises Ctrl-C: stopping is how serve ends
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    typer.echo("stopped")

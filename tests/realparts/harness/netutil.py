"""Loopback ports and tiny HTTP(S) helpers. Nothing here ever addresses anything but 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.client
import random
import socket
import ssl

LOOPBACK = "127.0.0.1"

_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A loopback TCP port nobody listens on right now (the kernel picks it; never handed out twice)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((LOOPBACK, 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def closed_port() -> int:
    """A loopback port that stays closed: taken below the kernel's ephemeral range (32768+ by default), so
    no bind(port 0) by another daemon or test worker can ever be handed it while the tests run."""
    while True:
        port = random.randint(20000, 32000)
        if port not in _HANDED_OUT and not is_listening(port):
            _HANDED_OUT.add(port)
            return port


def is_listening(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((LOOPBACK, port)) == 0


def connection(
    port: int, tls_context: ssl.SSLContext | None, timeout: float = 10.0
) -> http.client.HTTPConnection:
    if tls_context is None:
        return http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    return http.client.HTTPSConnection(LOOPBACK, port, timeout=timeout, context=tls_context)

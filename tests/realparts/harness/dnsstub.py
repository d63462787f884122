"""A loopback DNS stub that answers NXDOMAIN to every query and logs the names asked (stdlib only).

Run as a script: `python3 dnsstub.py ADDRESS LOGFILE`. It binds UDP ADDRESS:53 (any 127/8 address works on
Linux without configuring it). Answers follow RFC 1035 section 4.1: same ID and question, QR=1, AA=1, RA=1,
RCODE=3 (NXDOMAIN), which Go's resolver turns into `no such host` (net/dnsclient_unix.go checkHeader).
Used two ways: as the resolver of a containerd in a private network namespace (the DNS-failure scenario),
and as a safety net for every other containerd (its private mount namespace's resolv.conf points here, so a
broken hosts.toml can never send a lookup to the machine's real resolver, and the log shows it happened).
"""

from __future__ import annotations

import ctypes
import signal
import socket
import struct
import sys


def qname(packet: bytes) -> tuple[str, int]:
    """The question's name and the offset just past the question (qtype+qclass)."""
    labels, pos = [], 12
    while pos < len(packet) and packet[pos] != 0:
        length = packet[pos]
        labels.append(packet[pos + 1 : pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length
    return ".".join(labels), pos + 1 + 4


def nxdomain(query: bytes) -> bytes | None:
    if len(query) < 12:
        return None
    ident, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qdcount != 1:
        return None
    _, end = qname(query)
    rd = flags & 0x0100
    header = struct.pack("!HHHHHH", ident, 0x8000 | 0x0400 | rd | 0x0080 | 3, 1, 0, 0, 0)
    return header + query[12:end]


def die_with_parent() -> None:
    """PR_SET_PDEATHSIG(SIGKILL): the stub goes away with the containerd/shell that started it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG (linux/prctl.h)
    except (OSError, AttributeError):
        pass


def serve(address: str, log_path: str) -> None:
    die_with_parent()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, 53))
    with open(log_path, "a", buffering=1) as log:
        log.write("ready\n")
        while True:
            query, peer = sock.recvfrom(4096)
            answer = nxdomain(query)
            if answer is None:
                continue
            name, _ = qname(query)
            log.write(f"query {name}\n")
            sock.sendto(answer, peer)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])

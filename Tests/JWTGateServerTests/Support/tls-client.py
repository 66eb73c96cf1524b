#!/usr/bin/env python3
"""A TLS client for the listener tests (Python's ssl module: a third client beside curl and openssl s_client).

    tls-client.py pipeline PORT CAFILE            two requests in one write; prints each status line
    tls-client.py keepalive PORT CAFILE WAITFILE  GET /healthz, print status and the server certificate's CN;
                                                  wait for WAITFILE; GET again on the same connection; print
    tls-client.py slow-head PORT CAFILE           handshake, half a request head, then silence; prints what the
                                                  server answers and when it closed ("closed after S s")
    tls-client.py slow-read PORT CAFILE PATH SECONDS  GET PATH, read nothing for SECONDS, then all of it; prints
                                                  "pattern ok N" when byte i is i % 251 throughout
    tls-client.py stall-hello PORT DELAY         sends a real ClientHello one byte per DELAY seconds; prints
                                                  "closed after N bytes" when the server closes
"""
import os
import socket
import ssl
import sys
import time


def context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


def read_response(sock, buffer):
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("closed before a head: %r" % buffer)
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("closed mid-body")
        rest += chunk
    return head.split(b"\r\n")[0].decode(), rest[length:]


def read_response_body(sock):
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, body = buffer.partition(b"\r\n\r\n")
    length = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(1 << 20)
        if not chunk:
            break
        body += chunk
    for i in range(0, len(body), 4096):
        expected = bytes((j % 251) for j in range(i, min(i + 4096, len(body))))
        if body[i:i + 4096] != expected:
            return "pattern broken near byte %d of %d" % (i, len(body)), body
    return "pattern ok %d" % len(body), body


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "stall-hello":
        delay = float(sys.argv[3])
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
        try:
            obj.do_handshake()
        except ssl.SSLWantReadError:
            pass
        hello = outgoing.read()
        sock = socket.create_connection(("127.0.0.1", port))
        sent = 0
        try:
            for byte in hello:
                sock.send(bytes([byte]))
                sent += 1
                time.sleep(delay)
            sock.settimeout(30)
            sock.recv(1)
        except OSError:
            pass
        print("closed after %d bytes of %d" % (sent, len(hello)), flush=True)
        return
    ctx = context(sys.argv[3])
    raw = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock = ctx.wrap_socket(raw, server_hostname="localhost")
    if mode == "pipeline":
        request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
        sock.sendall(request + request)
        buffer = b""
        for _ in range(2):
            status, buffer = read_response(sock, buffer)
            print(status, flush=True)
    elif mode == "slow-read":
        path, pause = sys.argv[4], float(sys.argv[5])
        sock.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode())
        time.sleep(pause)
        status, _ = read_response_body(sock)
        print(status, flush=True)
    elif mode == "slow-head":
        start = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: loc")
        answer = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except (OSError, ssl.SSLError):
            pass
        print(answer.split(b"\r\n")[0].decode() if answer else "(nothing)", flush=True)
        print("closed after %.1f s" % (time.monotonic() - start), flush=True)
    elif mode == "keepalive":
        waitfile = sys.argv[4]
        cn = dict(x[0] for x in sock.getpeercert()["subject"]).get("commonName")
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, _ = read_response(sock, b"")
        print("first", status, cn, flush=True)
        for _ in range(400):
            if os.path.exists(waitfile):
                break
            time.sleep(0.05)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, _ = read_response(sock, b"")
        print("second", status, cn, flush=True)


if __name__ == "__main__":
    main()

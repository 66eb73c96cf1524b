#!/usr/bin/env python3
"""An HTTPS upstream for the tests. Makes a throwaway CA and a server certificate for SERVER_NAME
(default localhost, which also covers IP 127.0.0.1), serves GET with a JSON echo of the path, the Host
header, the identity header, the TLS version and the client certificate's CN (if any), and writes its
port to DIR/port once it listens.

    https-upstream.py DIR [SERVER_NAME] [--require-client-cert] [--max-tls 1.2]

DIR/ca.pem is the CA to trust. --require-client-cert: mutual TLS, a handshake without a client
certificate signed by DIR/ca.pem fails; also makes DIR/client.pem + client.key (CN jwtgate-client, signed
by DIR/ca.pem) and DIR/other-client.pem + other-client.key (CN other-client, signed by another CA,
DIR/other-ca.pem). --max-tls 1.2: the server speaks TLS 1.2 at most.
"""
import argparse
import http.server
import json
import os
import signal
import ssl
import subprocess
import sys

# A test process may hand down SIGTERM blocked or ignored: take the default back, so `kill` ends us.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
signal.signal(signal.SIGTERM, signal.SIG_DFL)

arguments = argparse.ArgumentParser()
arguments.add_argument("folder")
arguments.add_argument("name", nargs="?", default="localhost")
arguments.add_argument("--require-client-cert", action="store_true")
arguments.add_argument("--max-tls", choices=["1.2", "1.3"])
options = arguments.parse_args()
folder = options.folder
name = options.name


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def path(file):
    return os.path.join(folder, file)


ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=jwtgate test CA", "-keyout", path("ca.key"),
        "-out", path("ca.pem"), "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign")
openssl("req", *ec, "-subj", f"/CN={name}", "-keyout", path("server.key"), "-out", path("server.csr"))
with open(path("ext.cnf"), "w") as f:
    f.write(f"subjectAltName=DNS:{name}" + (",IP:127.0.0.1" if name == "localhost" else "") + "\n")
openssl("x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
        "-CAcreateserial", "-days", "2", "-out", path("server.pem"), "-extfile", path("ext.cnf"))


def client_certificate(prefix, common_name, ca):
    """PREFIX.pem and PREFIX.key: a client certificate for COMMON_NAME signed by CA.pem/CA.key."""
    openssl("req", *ec, "-subj", f"/CN={common_name}", "-keyout", path(prefix + ".key"), "-out", path(prefix + ".csr"))
    with open(path(prefix + ".cnf"), "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")
    openssl("x509", "-req", "-in", path(prefix + ".csr"), "-CA", path(ca + ".pem"), "-CAkey", path(ca + ".key"),
            "-CAcreateserial", "-days", "2", "-out", path(prefix + ".pem"), "-extfile", path(prefix + ".cnf"))


if options.require_client_cert:
    client_certificate("client", "jwtgate-client", "ca")
    openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=another test CA", "-keyout", path("other-ca.key"),
            "-out", path("other-ca.pem"), "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign")
    client_certificate("other-client", "other-client", "other-ca")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        peer = self.connection.getpeercert() or {}
        client = next((value for rdn in peer.get("subject", ()) for key, value in rdn if key == "commonName"), None)
        body = json.dumps({"path": self.path, "host": self.headers.get("Host"),
                           "user": self.headers.get("X-Auth-Username"),
                           "tls": self.connection.version(), "client": client}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(path("server.pem"), path("server.key"))
if options.require_client_cert:
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(path("ca.pem"))
if options.max_tls == "1.2":
    context.maximum_version = ssl.TLSVersion.TLSv1_2
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(path("port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(path("port.tmp"), path("port"))
server.serve_forever()

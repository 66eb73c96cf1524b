#!/usr/bin/env python3
"""An HTTPS upstream for the tests. Makes a throwaway CA and a server certificate for SERVER_NAME
(default localhost, which also covers IP 127.0.0.1), serves GET with a JSON echo of the path, the Host
header and the identity header, and writes its port to DIR/port once it listens.

    https-upstream.py DIR [SERVER_NAME]      (DIR/ca.pem is the CA to trust)
"""
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

folder = sys.argv[1]
name = sys.argv[2] if len(sys.argv) > 2 else "localhost"


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


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = json.dumps({"path": self.path, "host": self.headers.get("Host"),
                           "user": self.headers.get("X-Auth-Username")}).encode()
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
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(path("port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(path("port.tmp"), path("port"))
server.serve_forever()

#!/usr/bin/env python3
"""A stand-in for your legacy API, for trying jwtgate out: answers every request with the
identity jwtgate forwarded. Standard library only.

    python3 deploy/demo-upstream.py [PORT]        # default 9001, as config/routes.yaml expects
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        data = json.dumps({
            "upstream": "demo",
            "method": self.command,
            "path": self.path,
            "user": {
                "id": self.headers.get("X-Auth-User-Id"),
                "username": self.headers.get("X-Auth-Username"),
                "email": self.headers.get("X-Auth-Email"),
            },
            "request_id": self.headers.get("X-Request-Id"),
            "body_bytes": len(body),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

    def log_message(self, fmt, *args):
        sys.stderr.write("demo-upstream: " + fmt % args + "\n")


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9001
    print("demo upstream on http://127.0.0.1:%d" % port, flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()

#!/usr/bin/python3
"""A dead man's switch receiver for tests, as healthchecks.io answers:
GET (or HEAD, POST) /PATH answers 200 "OK" and appends "TIME PATH" to
--log.  Listens on 127.0.0.1, writing its port to --port-file."""
import argparse, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--log", required=True)
ap.add_argument("--port-file", required=True)
A = ap.parse_args()


class H(BaseHTTPRequestHandler):
    def answer(self):
        with open(A.log, "a") as f:
            f.write("%.3f %s\n" % (time.time(), self.path))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    do_GET = do_HEAD = do_POST = answer

    def log_message(self, *a):
        pass


s = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(A.port_file + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(A.port_file + ".tmp", A.port_file)
s.serve_forever()

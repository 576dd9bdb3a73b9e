"""A real SMTP server on loopback for tickerd's tests (aiosmtpd).

    /usr/bin/python3 tests/smtpd.py --dir DIR --port-file FILE [--port N]
        [--auth USER:PASSWORD] [--cert PEM --key PEM [--starttls | --smtps]]

Each message is stored byte for byte as DIR/new/N.eml (as it came over the
wire, dot-unstuffed), with its envelope in DIR/new/N.env ("from ADDR" and
one "rcpt ADDR" line per recipient).  The port is written to FILE once the
server accepts connections.  Stops on SIGTERM.

--auth requires AUTH (PLAIN or LOGIN, allowed without TLS) with that user
and password; the .env then has an "auth USER" line.  --starttls offers
STARTTLS with the certificate, --smtps speaks TLS from the first byte.
"""
import argparse
import warnings
import os
import signal
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, directory, smtps=False):
        self.dir = directory
        self.smtps = smtps
        os.makedirs(os.path.join(directory, "new"), exist_ok=True)
        # a restarted server goes on numbering after what is there
        self.n = len([f for f in os.listdir(os.path.join(directory, "new"))
                      if f.endswith(".eml")])
        os.makedirs(os.path.join(directory, "tmp"), exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = "%d" % self.n
        tmp = os.path.join(self.dir, "tmp", base)
        with open(tmp + ".env", "w") as f:
            f.write("from %s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("rcpt %s\n" % r)
            if session.auth_data is not None:
                f.write("auth %s\n" % session.auth_data.login.decode())
            f.write("tls %s\n" % ("yes" if session.ssl or self.smtps
                                   else "no"))
        with open(tmp + ".eml", "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp + ".env", os.path.join(self.dir, "new", base + ".env"))
        os.rename(tmp + ".eml", os.path.join(self.dir, "new", base + ".eml"))
        return "250 2.0.0 Ok: queued as %s" % base


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--auth")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--smtps", action="store_true")
    a = ap.parse_args()
    warnings.simplefilter("ignore")     # AUTH without TLS is what we test
    port = a.port or free_port()
    kw = {"decode_data": False}
    if a.auth:
        user, password = a.auth.split(":", 1)

        def check(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword) and
                  data.login.decode() == user and
                  data.password.decode() == password)
            return AuthResult(success=ok, handled=False, auth_data=data)
        kw.update(auth_required=True, auth_require_tls=False,
                  authenticator=check)
    if a.starttls or a.smtps:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        if a.starttls:
            kw.update(tls_context=ctx, require_starttls=True)
        else:
            kw.update(ssl_context=ctx)
    ctl = Controller(Store(a.dir, a.smtps), hostname="127.0.0.1", port=port, **kw)
    if a.smtps:
        def trigger():
            # the controller's own readiness probe, over TLS
            c = ssl.create_default_context()
            c.check_hostname = False
            c.verify_mode = ssl.CERT_NONE
            with socket.create_connection(("127.0.0.1", port), 2) as raw:
                with c.wrap_socket(raw) as t:
                    t.recv(1024)
        ctl._trigger_server = trigger
    ctl.start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(a.port_file + ".tmp", a.port_file)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    ctl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

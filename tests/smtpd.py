"""A real SMTP server on loopback for tickerd's tests (aiosmtpd).

    /usr/bin/python3 tests/smtpd.py --dir DIR --port-file FILE [--port N]

Each message is stored byte for byte as DIR/new/N.eml (as it came over the
wire, dot-unstuffed), with its envelope in DIR/new/N.env ("from ADDR" and
one "rcpt ADDR" line per recipient).  The port is written to FILE once the
server accepts connections.  Stops on SIGTERM.
"""
import argparse
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory):
        self.dir = directory
        self.n = 0
        os.makedirs(os.path.join(directory, "new"), exist_ok=True)
        os.makedirs(os.path.join(directory, "tmp"), exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = "%d" % self.n
        tmp = os.path.join(self.dir, "tmp", base)
        with open(tmp + ".env", "w") as f:
            f.write("from %s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("rcpt %s\n" % r)
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
    a = ap.parse_args()
    port = a.port or free_port()
    ctl = Controller(Store(a.dir), hostname="127.0.0.1", port=port,
                     decode_data=False)
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

"""An SMTP server that takes a message and then never answers its end:
what a stalled or overloaded server does after DATA.  For tests only:
binds 127.0.0.1, writes its port to a file, and counts the messages it
was sent (complete DATA sections) in a second file."""
import socket
import sys
import threading

portfile, countfile = sys.argv[1], sys.argv[2]
count = 0
lock = threading.Lock()


def serve(conn):
    global count
    f = conn.makefile("rwb", buffering=0)
    f.write(b"220 stall.example ESMTP\r\n")
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line[:4].upper()
        if cmd in (b"EHLO", b"HELO"):
            f.write(b"250-stall.example\r\n250 8BITMIME\r\n")
        elif cmd in (b"MAIL", b"RCPT"):
            f.write(b"250 OK\r\n")
        elif cmd == b"DATA":
            f.write(b"354 go ahead\r\n")
            while f.readline() not in (b".\r\n", b""):
                pass
            with lock:
                count += 1
                open(countfile, "w").write("%d\n" % count)
            threading.Event().wait()    # and never say 250
        elif cmd == b"QUIT":
            f.write(b"221 bye\r\n")
            return
        else:
            f.write(b"250 OK\r\n")


s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(portfile, "w").write("%d\n" % s.getsockname()[1])
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()

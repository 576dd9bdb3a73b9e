#!/usr/bin/env python3
"""Benchmark, not a test: streamed trades, side by side in one run.

    bench_stream.py TICKERD WORKDIR [SAMPLES]

A local feed in Finnhub's shape (python3-websockets) and a real SMTP
server (aiosmtpd) in this process, one clock for all:

  latency   LAT is sent at 98.00 (re-arming `above 100'), then at 101.00,
            SAMPLES times, 100-200 ms apart, amid 200 trades a second of
            100 other symbols; from the crossing trade's send to the
            alert line on the subject's stderr/stdout, and to the mail
            handed to the SMTP server;
  CPU       100, 1,000 and 10,000 trades a second over the 100 symbols
            for 10 s (a message every 10 ms, as a feed batches them), no
            alert: the subject's user+system CPU over the time, as a
            share of one core.

Subjects: tickerd (`stream yes', a real state directory, mail through its
outbox); the Python script a user would write (tests/bench/stream_peer.py:
websockets, json, a threshold per symbol, smtplib); and the floor, a bare
client that prints every message as it comes and does nothing else.
"""
import asyncio
import json
import os
import random
import socket
import sys
import time

import websockets
from aiosmtpd.controller import Controller

TICKERD, WORK = sys.argv[1], sys.argv[2]
SAMPLES = int(sys.argv[3]) if len(sys.argv) > 3 else 200
HERE = os.path.dirname(os.path.abspath(__file__))
NOISE = ["N%d" % i for i in range(100)]
RATES = [int(r) for r in os.environ.get("BENCH_RATES",
                                        "100 1000 10000").split()]
ONLY = os.environ.get("BENCH_ONLY")     # one subject: tickerd, peer, floor
PY = "/usr/bin/python3"

clients = {}          # websocket -> set of symbols
mails = []            # arrival times (monotonic)


class Mailbox:
    async def handle_DATA(self, server, session, envelope):
        mails.append(time.monotonic())
        return "250 OK"


async def feed(ws, path):
    clients[ws] = set()
    try:
        async for msg in ws:
            m = json.loads(msg)
            if m.get("type") == "subscribe":
                clients[ws].add(m["symbol"])
    except websockets.ConnectionClosed:
        pass
    finally:
        clients.pop(ws, None)


async def send(trades):
    """One message of trades [(symbol, price)] to every client."""
    t = int(time.time() * 1000)
    msg = json.dumps({"type": "trade", "data": [
        {"c": None, "p": p, "s": s, "t": t, "v": 10} for s, p in trades]})
    for ws in list(clients):
        try:
            await ws.send(msg)
        except websockets.ConnectionClosed:
            pass


async def noise(rate, stop):
    """rate trades a second over NOISE, a message every 10 ms."""
    per = rate / 100.0
    due = 0.0
    nxt = time.monotonic()
    while not stop.is_set():
        due += per
        n, due = int(due), due - int(due)
        if n:
            await send([(random.choice(NOISE),
                         round(random.uniform(10, 20), 2))
                        for _ in range(n)])
        nxt += 0.01
        await asyncio.sleep(max(0, nxt - time.monotonic()))


def config(wport, sport, state):
    os.makedirs(WORK, exist_ok=True)
    key = os.path.join(WORK, "key")
    with open(key, "w") as f:
        f.write("bench\n")
    os.chmod(key, 0o600)
    path = os.path.join(WORK, "stream.conf")
    with open(path, "w") as f:
        f.write('''provider finnhub { url "http://127.0.0.1:9" key-file "%s"
    stream yes stream-url "ws://127.0.0.1:%d/" stream-symbols 200 }
poll 600s
timeout 2s
state-dir %s
control none
notifier mail "me" {
    to "alice@example.com"
    from "tickerd <tickerd@example.com>"
    smtp "smtp://127.0.0.1:%d"
}
notify "me"
watch LAT { above 100 }
watch %s { above 1000 }
''' % (key, wport, state, sport, ", ".join(NOISE)))
    return path


class Subject:
    def __init__(self, name, argv, out_is_stderr):
        self.name, self.argv, self.err = name, argv, out_is_stderr
        self.lines = asyncio.Queue()

    async def start(self):
        kw = {"stderr": asyncio.subprocess.PIPE,
              "stdout": asyncio.subprocess.DEVNULL} if self.err else \
            {"stdout": asyncio.subprocess.PIPE,
             "stderr": asyncio.subprocess.DEVNULL}
        self.proc = await asyncio.create_subprocess_exec(*self.argv, **kw)
        self.reader = asyncio.ensure_future(self.read(
            self.proc.stderr if self.err else self.proc.stdout))

    async def read(self, stream):
        log = open(os.path.join(WORK, self.name.split()[0] + ".log"), "ab")
        while True:
            line = await stream.readline()
            if not line:
                return
            log.write(line)
            if line.startswith(b"alert LAT"):
                await self.lines.put(time.monotonic())

    def cpu(self):
        """Seconds on a CPU so far, to the nanosecond (schedstat), all
        threads (libcurl's resolver's included)."""
        total = 0
        for t in os.listdir("/proc/%d/task" % self.proc.pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (
                        self.proc.pid, t)) as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
        return total / 1e9

    async def stop(self):
        self.proc.terminate()
        await self.proc.wait()
        self.reader.cancel()


async def subscribed(n):
    for _ in range(1200):
        if any(len(s) >= n for s in clients.values()):
            return True
        await asyncio.sleep(0.05)
    return False


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


async def latency(subj, mail):
    stop = asyncio.Event()
    bg = asyncio.ensure_future(noise(200, stop))
    line, smtp, missed = [], [], 0
    await asyncio.sleep(1)
    for _ in range(SAMPLES):
        await send([("LAT", 98.00)])
        await asyncio.sleep(0.1)
        while not subj.lines.empty():
            subj.lines.get_nowait()
        nmail = len(mails)
        t0 = time.monotonic()
        await send([("LAT", 101.00)])
        try:
            line.append((await asyncio.wait_for(subj.lines.get(), 2)) - t0)
        except asyncio.TimeoutError:
            missed += 1
            continue
        if mail:
            for _ in range(200):
                if len(mails) > nmail:
                    smtp.append(mails[nmail] - t0)
                    break
                await asyncio.sleep(0.001)
        await asyncio.sleep(random.uniform(0.1, 0.2))
    stop.set()
    await bg
    return line, smtp, missed


def ms(v):
    if not v:
        return "-"
    return "p50 %6.2f  p90 %6.2f  p99 %6.2f  max %7.2f ms" % (
        pct(v, 50) * 1e3, pct(v, 90) * 1e3, pct(v, 99) * 1e3, max(v) * 1e3)


async def cpu_at(subj, rate, secs=10.0):
    stop = asyncio.Event()
    await asyncio.sleep(0.5)
    c0, t0 = subj.cpu(), time.monotonic()
    bg = asyncio.ensure_future(noise(rate, stop))
    await asyncio.sleep(secs)
    stop.set()
    await bg
    return (subj.cpu() - c0) / (time.monotonic() - t0) * 100


async def main():
    server = await websockets.serve(feed, "127.0.0.1", 0, max_size=2**20)
    wport = server.sockets[0].getsockname()[1]
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sport = s.getsockname()[1]
    s.close()
    smtpd = Controller(Mailbox(), hostname="127.0.0.1", port=sport)
    smtpd.start()		# its own thread: mails.append is atomic
    state = os.environ.get("BENCH_STATE", '"%s"' % os.path.join(WORK,
                                                                "state"))
    conf = config(wport, sport, state)
    url = "ws://127.0.0.1:%d/" % wport
    subjects = [
        ("tickerd", [TICKERD, "-d", "-f", conf], True, True),
        ("Python script (websockets+smtplib)", [PY, os.path.join(
            HERE, "stream_peer.py"), url, str(sport)], False, True),
        ("floor (a bare client)", [PY, os.path.join(HERE, "stream_peer.py"),
                                   url, "0"], False, False),
    ]
    print("streamed trades: latency over %d crossings amid 200 trades/s, "
          "CPU at 100/1k/10k trades/s (100 symbols)" % SAMPLES)
    for name, argv, err, mail in subjects:
        if ONLY and not name.startswith({"peer": "Python", "floor": "floor"}
                                        .get(ONLY, ONLY)):
            continue
        clients.clear()
        subj = Subject(name, argv, err)
        await subj.start()
        if not await subscribed(101):
            print("  %s: never subscribed" % name)
            await subj.stop()
            continue
        line, smtp, missed = await latency(subj, mail)
        print("  %s" % name)
        print("    trade -> alert line   %s%s" % (
            ms(line), "  (%d missed)" % missed if missed else ""))
        if mail:
            print("    trade -> SMTP server  %s" % ms(smtp))
        for rate in RATES:
            c = await cpu_at(subj, rate)
            print("    CPU at %5d trades/s  %6.2f%% of a core" % (rate, c))
        await subj.stop()
    smtpd.stop()
    server.close()

asyncio.run(main())

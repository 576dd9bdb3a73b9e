#!/usr/bin/env python3
"""The script a user would write for streamed alerts, for the benchmark
(tests/bench/bench_stream.py): subscribe every symbol of the watchlist to
a Finnhub-shaped feed, check each trade against its threshold (fire once,
re-arm 0.5% below), print the alert and mail it with smtplib.

    stream_peer.py URL SMTP_PORT      SMTP_PORT 0: the floor, a bare
                                      client printing every message
"""
import asyncio
import json
import smtplib
import sys
from email.message import EmailMessage

import websockets

URL, SMTP = sys.argv[1], int(sys.argv[2])
WATCH = {"LAT": 100.0}
WATCH.update({"N%d" % i: 1000.0 for i in range(100)})


def mail(text):
    m = EmailMessage()
    m["From"] = "peer@example.com"
    m["To"] = "alice@example.com"
    m["Subject"] = text
    m.set_content(text)
    with smtplib.SMTP("127.0.0.1", SMTP) as s:
        s.send_message(m)


async def main():
    fired = {s: False for s in WATCH}
    async with websockets.connect(URL, max_size=2**20) as ws:
        for s in WATCH:
            await ws.send(json.dumps({"type": "subscribe", "symbol": s}))
        async for msg in ws:
            if SMTP == 0:               # the floor
                if '"LAT"' in msg:
                    print("alert LAT", flush=True)
                continue
            for t in json.loads(msg).get("data", []):
                s, p = t["s"], t["p"]
                if s not in WATCH:
                    continue
                if not fired[s] and p >= WATCH[s]:
                    fired[s] = True
                    text = "alert %s above %g: price %.2f" % (s, WATCH[s], p)
                    print(text, flush=True)
                    mail(text)
                elif fired[s] and p < WATCH[s] * 0.995:
                    fired[s] = False

asyncio.run(main())

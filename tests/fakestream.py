#!/usr/bin/env python3
"""fakestream: a local stand-in for the two streaming feeds tickerd reads,
on Debian's python3-websockets.

  fakestream.py PORTFILE LOG [--token T] [--limit N] [--ping S] [--ws-ping S]

Listens on 127.0.0.1 on a free port, written to PORTFILE when ready.

  ws://127.0.0.1:PORT/?token=T         Finnhub's trade stream: a client
      sends {"type":"subscribe","symbol":"AAPL"} per symbol, and gets
      {"type":"trade","data":[{"s":..,"p":..,"t":ms,"v":..,"c":null}]},
      {"type":"ping"} every --ping seconds, and, past --limit symbols,
      {"type":"error","msg":"Subscribing to too many symbols"}.  A wrong
      token is refused with HTTP 401, as Finnhub does.
  ws://127.0.0.1:PORT/yahoo/?version=2  Yahoo's streamer: {"subscribe":
      [...]}, then {"type":"pricing","message":BASE64} (without version=2:
      the base64 text alone), BASE64 being a PricingData protobuf, encoded
      here by hand from its published field numbers.

  ws://127.0.0.1:PORT/alpaca/v2/iex    Alpaca's stream: greets with
      [{"T":"success","msg":"connected"}], takes {"action":"auth",
      "key":K,"secret":S} (K:S must be --token, else 402 auth failed and
      the connection closes), then {"action":"subscribe","trades":[..]}
      (past --limit symbols: 405 symbol limit exceeded); trades come as
      [{"T":"t","S":..,"p":..,"s":..,"t":RFC3339,"c":["@"],..}].
  ws://127.0.0.1:PORT/tiingo/iex       Tiingo's IEX stream: {"eventName":
      "subscribe","authorization":K,"eventData":{"thresholdLevel":N,
      "tickers":[..]}} (a wrong K: response code 401); then "H"
      heartbeats every --ping seconds and "A" rows, 16 fields wide (or
      6 with thresholdLevel 6 and --narrow).
  ws://127.0.0.1:PORT/coinbase         Coinbase Exchange: {"type":
      "subscribe","product_ids":[..],"channels":["ticker","heartbeat"]};
      {"type":"ticker",..} a trade, {"type":"heartbeat",..} every --ping
      seconds a product.

All send WebSocket pings every --ws-ping seconds (the library's own).
Tests drive it over plain HTTP on the same port:

  /ctl/trade?sym=S&price=P[&v=V][&t=MS][&mh=H][&c=C,C]
                                           one trade to S's subscribers;
                                           H: Yahoo's market_hours (0 pre,
                                           1 regular, 2 post), C: Finnhub's
                                           conditions
  /ctl/noise?sym=S&rate=R&lo=L&hi=H        R random trades a second in
                                           [L, H] until /ctl/noise?stop=1
  /ctl/drop                                cut every connection, no close
  /ctl/refuse?secs=N                       refuse handshakes N seconds
  /ctl/silence?on=1                        send nothing (on=0: talk again)
  /ctl/raw?text=T[&n=N]                    T as a text frame, to everyone
                                           (N times: a flood)
  /ctl/subs                                the subscriptions, as JSON

LOG gets a line per event: "EPOCH.MS conn N subscribe S", "... trade S P",
"... connect PATH", "... closed", "... drop".
"""
import asyncio
import base64
import json
import random
import struct
import sys
import time
import urllib.parse

import websockets

args = sys.argv[1:]
portfile, logfile = args[0], args[1]
opts = {"--token": None, "--limit": "0", "--ping": "5", "--ws-ping": "20",
        "--narrow": "0"}
i = 2
while i < len(args):
    opts[args[i]] = args[i + 1]
    i += 2
TOKEN = opts["--token"]
LIMIT = int(opts["--limit"])
APP_PING = float(opts["--ping"])
WS_PING = float(opts["--ws-ping"])
NARROW = opts["--narrow"] == "1"


def iso(t_ms):
    """RFC 3339 in UTC with milliseconds, as Alpaca and Coinbase send."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t_ms / 1000)) + \
        ".%03dZ" % (t_ms % 1000)

log = open(logfile, "a", buffering=1)
clients = {}          # websocket -> {"shape", "v2", "subs", "n"}
refuse_until = 0.0
silent = False
noise = {}            # symbol -> task
nconn = 0


def say(line):
    log.write("%.3f %s\n" % (time.time(), line))


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    return varint(num << 3 | wire) + payload


def pricing(sym, price, t_ms, volume=None, prev=None, mh=1):
    """A PricingData message, as Yahoo's streamer encodes one."""
    zz = lambda n: (n << 1) ^ (n >> 63)
    s = sym.encode()
    b = field(1, 2, varint(len(s)) + s)
    b += field(2, 5, struct.pack("<f", price))
    b += field(3, 0, varint(zz(t_ms)))
    b += field(4, 2, varint(3) + b"USD")
    b += field(5, 2, varint(3) + b"NMS")
    b += field(6, 0, varint(8))                   # EQUITY
    if mh != 0:                                   # 0, PRE_MARKET: left
        b += field(7, 0, varint(mh))              # out, as protobuf 3 does
    if volume is not None:
        b += field(9, 0, varint(zz(int(volume))))
    if prev is not None:
        b += field(16, 5, struct.pack("<f", prev))
    b += field(27, 0, varint(zz(2)))              # price_hint
    return b


def frame(c, sym, price, t_ms, v, mh=1, cond=None):
    if c["shape"] == "alpaca":
        return json.dumps([{"T": "t", "S": sym, "i": int(t_ms), "x": "V",
                            "p": price, "s": v, "c": cond or ["@"],
                            "z": "C", "t": iso(t_ms)}])
    if c["shape"] == "tiingo":
        ns = int(t_ms) * 1000000
        if NARROW:
            data = ["T", iso(t_ms), ns, sym, price, v]
        else:
            data = ["T", iso(t_ms), ns, sym, None, None, None, None, None,
                    price, v, 0, 1 if mh == 2 else 0, 0, 0, 0]
        return json.dumps({"messageType": "A", "service": "iex",
                           "data": data})
    if c["shape"] == "coinbase":
        return json.dumps({"type": "ticker", "sequence": int(t_ms),
                           "product_id": sym, "price": "%.2f" % price,
                           "open_24h": "90000.00", "volume_24h": "1234.5",
                           "low_24h": "89000.00", "high_24h": "96000.00",
                           "side": "buy", "time": iso(t_ms),
                           "trade_id": int(t_ms), "last_size": str(v)})
    if c["shape"] == "finnhub":
        return json.dumps({"type": "trade", "data": [
            {"c": cond, "p": price, "s": sym, "t": t_ms, "v": v}]})
    b64 = base64.b64encode(pricing(sym, price, t_ms, volume=v,
                                   mh=mh)).decode()
    if c["v2"]:
        return json.dumps({"type": "pricing", "message": b64})
    return b64


async def send_trade(sym, price, v=100, t_ms=None, mh=1, cond=None):
    if silent:
        return 0
    t_ms = t_ms or int(time.time() * 1000)
    n = 0
    for ws, c in list(clients.items()):
        if sym in c["subs"]:
            try:
                await ws.send(frame(c, sym, price, t_ms, v, mh, cond))
                n += 1
            except websockets.ConnectionClosed:
                pass
    say("trade %s %s" % (sym, price))
    return n


async def noise_task(sym, rate, lo, hi):
    gap = 1.0 / rate
    nxt = time.monotonic()
    while True:
        await send_trade(sym, round(random.uniform(lo, hi), 2), v=10)
        nxt += gap
        await asyncio.sleep(max(0, nxt - time.monotonic()))


async def app_pings(ws, c):
    while True:
        await asyncio.sleep(APP_PING)
        if silent:
            continue
        if c["shape"] == "finnhub":
            await ws.send('{"type":"ping"}')
        elif c["shape"] == "tiingo" and c.get("authed"):
            await ws.send(json.dumps({"messageType": "H", "response": {
                "code": 200, "message": "HeartBeat"}}))
        elif c["shape"] == "coinbase":
            for p in sorted(c["subs"]):
                await ws.send(json.dumps({"type": "heartbeat",
                                          "last_trade_id": 1,
                                          "product_id": p, "sequence": 1,
                                          "time": iso(time.time() * 1000)}))


async def control(path):
    global refuse_until, silent
    u = urllib.parse.urlparse(path)
    q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
    cmd = u.path[len("/ctl/"):]
    body = "ok"
    if cmd == "trade":
        n = await send_trade(q["sym"], float(q["price"]), float(q.get(
            "v", 100)), int(q["t"]) if "t" in q else None,
            int(q.get("mh", "1")), q["c"].split(",") if "c" in q else None)
        body = str(n)
    elif cmd == "noise":
        for t in ([noise.pop(q["sym"])] if "sym" in q and q["sym"] in noise
                  else []) + ([noise.pop(k) for k in list(noise)]
                              if "stop" in q and "sym" not in q else []):
            t.cancel()
        if "stop" not in q:
            noise[q["sym"]] = asyncio.ensure_future(noise_task(
                q["sym"], float(q["rate"]), float(q["lo"]), float(q["hi"])))
    elif cmd == "drop":
        for ws in list(clients):
            ws.transport.abort()
        say("drop %d" % len(clients))
    elif cmd == "refuse":
        refuse_until = time.time() + float(q["secs"])
    elif cmd == "silence":
        silent = q.get("on", "1") == "1"
        say("silence %s" % silent)
    elif cmd == "raw":
        for ws in list(clients):
            try:
                for _ in range(int(q.get("n", "1"))):
                    await ws.send(q["text"])
            except websockets.ConnectionClosed:
                pass
        say("raw %r x%s" % (q["text"][:60], q.get("n", "1")))
    elif cmd == "subs":
        body = json.dumps([sorted(c["subs"]) for c in clients.values()])
    else:
        return (404, [], b"unknown command\n")
    return (200, [("Content-Type", "text/plain")], (body + "\n").encode())


async def process_request(path, headers):
    if path.startswith("/ctl/"):
        return await control(path)
    if time.time() < refuse_until:
        return (503, [], b"Service Unavailable\n")
    q = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
    if path.startswith("/alpaca") or path.startswith("/tiingo") or \
            path.startswith("/coinbase"):
        return None                   # their keys go in messages
    if not path.startswith("/yahoo") and TOKEN is not None and \
            q.get("token", [""])[0] != TOKEN:
        return (401, [], b"Unauthorized\n")
    return None


async def other_shapes(ws, c, m):
    """Alpaca's, Tiingo's and Coinbase's messages; False: close."""
    n = c["n"]
    if c["shape"] == "alpaca" and m.get("action") == "auth":
        if TOKEN is not None and "%s:%s" % (m.get("key"), m.get(
                "secret")) != TOKEN:
            await ws.send('[{"T":"error","code":402,"msg":"auth failed"}]')
            say("conn %d auth failed" % n)
            return False
        c["authed"] = True
        say("conn %d auth ok" % n)
        await ws.send('[{"T":"success","msg":"authenticated"}]')
    elif c["shape"] == "alpaca" and m.get("action") == "subscribe":
        if not c.get("authed"):
            await ws.send('[{"T":"error","code":401,'
                          '"msg":"not authenticated"}]')
            return True
        syms = m.get("trades", [])
        if LIMIT and len(c["subs"]) + len(syms) > LIMIT:
            await ws.send('[{"T":"error","code":405,'
                          '"msg":"symbol limit exceeded"}]')
            return True
        for s in syms:
            c["subs"].add(s)
            say("conn %d subscribe %s" % (n, s))
        await ws.send(json.dumps([{"T": "subscription", "trades":
                                   sorted(c["subs"]), "quotes": [],
                                   "bars": []}]))
    elif c["shape"] == "tiingo" and m.get("eventName") == "subscribe":
        if TOKEN is not None and m.get("authorization") != TOKEN:
            await ws.send(json.dumps({"messageType": "I", "response": {
                "code": 401, "message": "Invalid token"}}))
            say("conn %d auth failed" % n)
            return False
        c["authed"] = True
        for s in m.get("eventData", {}).get("tickers", []):
            c["subs"].add(s)
            say("conn %d subscribe %s" % (n, s))
        await ws.send(json.dumps({"messageType": "I", "response": {
            "code": 200, "message": "Success"}, "data": {
            "subscriptionId": 4242}}))
    elif c["shape"] == "coinbase" and m.get("type") == "subscribe":
        for s in m.get("product_ids", []):
            c["subs"].add(s)
            say("conn %d subscribe %s" % (n, s))
        await ws.send(json.dumps({"type": "subscriptions", "channels": [
            {"name": ch, "product_ids": sorted(c["subs"])}
            for ch in m.get("channels", [])]}))
    return True


async def handler(ws, path):
    global nconn
    nconn += 1
    n = nconn
    shape = "finnhub"
    for s in ("yahoo", "alpaca", "tiingo", "coinbase"):
        if path.startswith("/" + s):
            shape = s
    c = {"shape": shape, "v2": "version=2" in path, "subs": set(), "n": n}
    clients[ws] = c
    say("conn %d connect %s" % (n, path.split("?")[0]))
    pinger = asyncio.ensure_future(app_pings(ws, c))
    try:
        if shape == "alpaca":
            await ws.send('[{"T":"success","msg":"connected"}]')
        async for msg in ws:
            try:
                m = json.loads(msg)
            except ValueError:
                continue
            if shape in ("alpaca", "tiingo", "coinbase"):
                if not await other_shapes(ws, c, m):
                    break
                continue
            if c["shape"] == "finnhub" and m.get("type") == "subscribe":
                if LIMIT and len(c["subs"]) >= LIMIT:
                    await ws.send(json.dumps({"type": "error", "msg":
                                  "Subscribing to too many symbols"}))
                    continue
                c["subs"].add(m["symbol"])
                say("conn %d subscribe %s" % (n, m["symbol"]))
            elif c["shape"] == "yahoo" and "subscribe" in m:
                for s in m["subscribe"]:
                    c["subs"].add(s)
                    say("conn %d subscribe %s" % (n, s))
    except websockets.ConnectionClosed:
        pass
    finally:
        pinger.cancel()
        clients.pop(ws, None)
        say("conn %d closed" % n)


async def main():
    server = await websockets.serve(handler, "127.0.0.1", 0,
                                    process_request=process_request,
                                    ping_interval=WS_PING, max_size=2**20)
    port = server.sockets[0].getsockname()[1]
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    import os
    os.rename(portfile + ".tmp", portfile)
    await asyncio.Future()

asyncio.run(main())

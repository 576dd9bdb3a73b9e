#!/usr/bin/env python3
"""A person's browser for the tests: headless Chromium, driven over the
DevTools protocol (python3-websockets), at a given width.

    browser.py URL WIDTH EXPRESSION...

loads URL in a window WIDTH pixels wide (a phone's at 390, touch and
all), waits for the page to load and settle, and prints the value of
each JavaScript EXPRESSION as JSON, one a line.  Exits 2 when the browser
cannot be run or the page cannot be loaded.
"""
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websockets

URL, WIDTH, EXPRS = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def start(profile):
    proc = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0", "--user-data-dir=" + profile,
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(200):
        if os.path.exists(port_file):
            with open(port_file) as f:
                lines = f.read().split()
            if lines:
                return proc, int(lines[0])
        time.sleep(0.05)
    proc.kill()
    sys.exit("browser.py: chromium did not start")


async def drive(port):
    req = urllib.request.Request("http://127.0.0.1:%d/json/new?about:blank"
                                 % port, method="PUT")
    with urllib.request.urlopen(req, timeout=10) as r:
        target = json.load(r)
    async with websockets.connect(target["webSocketDebuggerUrl"],
                                  max_size=None) as ws:
        ids = iter(range(1, 1 << 30))
        events = []

        async def call(method, **params):
            i = next(ids)
            await ws.send(json.dumps({"id": i, "method": method,
                                      "params": params}))
            while True:
                m = json.loads(await asyncio.wait_for(ws.recv(), 20))
                if m.get("id") == i:
                    if "error" in m:
                        raise RuntimeError("%s: %s" % (method, m["error"]))
                    return m.get("result", {})
                events.append(m)

        await call("Emulation.setDeviceMetricsOverride", width=WIDTH,
                   height=800, deviceScaleFactor=1, mobile=WIDTH < 600)
        await call("Page.enable")
        await call("Page.navigate", url=URL)
        deadline = time.time() + 20
        while not any(e.get("method") == "Page.loadEventFired"
                      for e in events):
            if time.time() > deadline:
                sys.exit("browser.py: %s did not load" % URL)
            events.append(json.loads(await asyncio.wait_for(ws.recv(), 20)))
        await asyncio.sleep(0.5)        # layout, fonts
        for e in EXPRS:
            r = await call("Runtime.evaluate", expression=e,
                           returnByValue=True)
            print(json.dumps(r.get("result", {}).get("value")))


def main():
    if CHROMIUM is None:
        sys.exit(2)
    profile = tempfile.mkdtemp(prefix="tickerd-browser.")
    proc, port = start(profile)
    try:
        asyncio.run(drive(port))
    except (OSError, RuntimeError, asyncio.TimeoutError) as e:
        print("browser.py: %s" % e, file=sys.stderr)
        sys.exit(2)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


main()

#!/usr/bin/python3
"""The poller a user would write: a 16-thread pool, urllib, one request a
symbol to Yahoo's chart API, each answer read and its rule judged.

    poll_threads.py BASE_URL SYMBOLS_FILE THRESHOLD [THREADS]

Prints how many symbols were quoted and how many are above THRESHOLD."""
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

base, path, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 16
symbols = open(path).read().split()


def quote(sym):
    url = f"{base}/v8/finance/chart/{sym}?interval=1d&range=1d"
    req = urllib.request.Request(url, headers={"User-Agent": "script/1.0"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            meta = json.load(r)["chart"]["result"][0]["meta"]
        return meta["regularMarketPrice"]
    except Exception:
        return None


with ThreadPoolExecutor(threads) as pool:
    prices = list(pool.map(quote, symbols))
quoted = [p for p in prices if p is not None]
print(f"quoted {len(quoted)} above {sum(p > threshold for p in quoted)}")

#!/usr/bin/env python3
"""A fake SEC EDGAR for tests, on recorded answers (tests/data/edgar).

    edgarserve.py PORTFILE DIR        (binds 127.0.0.1, any port)

/files/company_tickers.json           DIR/company_tickers.json
/submissions/CIK##########.json        DIR/submissions_CIK##########.json,
                                       with the filings added (below)
                                       first; 404 for a CIK with neither
/Archives/edgar/data/CIK/ACC/DOC       the document of an added filing

As the SEC does, a request whose User-Agent names no email address gets
the 403 page "Undeclared Automated Tool" (DIR/sec_403_rate.html); so
does every request while DIR/mode holds "refuse", and every one but
company_tickers.json's while it holds "refuse-data".

DIR/added.json, read at each request, is a list of filings to put at the
head of a CIK's filings.recent, newest last:
  {"cik": 1318605, "accession": "...", "form": "8-K", "items": "1.01",
   "accepted": "2026-04-28T16:05:11.000Z", "date": "2026-04-28",
   "doc": "xslF345X05/wk-form4.xml", "file": "form4_snow_buy.xml"}
where "file" (in DIR) answers the raw document (the doc's name without
its xsl folder).

Each request is appended to PORTFILE.log as "TIME STATUS PATH UA".
"""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

PORTFILE, DIR = sys.argv[1], sys.argv[2]
COLUMNS = ["accessionNumber", "filingDate", "reportDate",
           "acceptanceDateTime", "act", "form", "fileNumber", "filmNumber",
           "items", "size", "isXBRL", "isInlineXBRL", "primaryDocument",
           "primaryDocDescription"]


def read(name, mode="r"):
    with open(os.path.join(DIR, name), mode) as f:
        return f.read()


def added():
    try:
        return json.loads(read("added.json"))
    except (OSError, ValueError):
        return []


def submissions(cik):
    name = "submissions_CIK%010d.json" % cik
    if os.path.exists(os.path.join(DIR, name)):
        d = json.loads(read(name))
    elif any(f["cik"] == cik for f in added()):
        d = {"cik": str(cik), "name": "", "filings": {"recent": {},
                                                    "files": []}}
    else:
        return None
    recent = d["filings"]["recent"]
    for f in added():
        if f["cik"] != cik:
            continue
        row = {"accessionNumber": f["accession"],
               "filingDate": f.get("date", f["accepted"][:10]),
               "reportDate": "", "acceptanceDateTime": f["accepted"],
               "act": "34", "form": f["form"], "fileNumber": "",
               "filmNumber": "", "items": f.get("items", ""),
               "size": 4000, "isXBRL": 0, "isInlineXBRL": 0,
               "primaryDocument": f.get("doc", "d.htm"),
               "primaryDocDescription": f["form"]}
        for c in COLUMNS:
            recent.setdefault(c, []).insert(0, row[c])
    return json.dumps(d).encode()


def document(path):
    """The raw document of an added filing at /Archives/edgar/data/..."""
    parts = path.split("/")
    if len(parts) < 7:
        return None
    cik, acc, doc = parts[4], parts[5], "/".join(parts[6:])
    for f in added():
        if str(f["cik"]) == cik and f["accession"].replace("-", "") == acc \
                and f.get("doc", "").split("/")[-1] == doc and "file" in f:
            return read(f["file"], "rb")
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with open(PORTFILE + ".log", "a") as log:
            log.write("%.3f %d %s %s\n" % (time.time(), status, self.path,
                                          self.headers.get("User-Agent", "")))

    def do_GET(self):
        path = urlparse(self.path).path
        ua = self.headers.get("User-Agent", "")
        try:
            mode = read("mode").strip()
        except OSError:
            mode = ""
        if "@" not in ua or mode == "refuse" or (
                mode == "refuse-data" and not path.startswith("/files/")):
            return self.answer(403, read("sec_403_rate.html", "rb"),
                               "text/html")
        body = None
        if path == "/files/company_tickers.json":
            body = read("company_tickers.json", "rb")
        elif path.startswith("/submissions/CIK") and path.endswith(".json"):
            try:
                body = submissions(int(path[len("/submissions/CIK"):-5]))
            except ValueError:
                body = None
        elif path.startswith("/Archives/edgar/data/"):
            body = document(path)
            if body is not None:
                return self.answer(200, body, "application/xml")
        if body is None:
            return self.answer(404, b"<html><body>Not Found</body></html>",
                               "text/html")
        return self.answer(200, body, "application/json")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()

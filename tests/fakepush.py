#!/usr/bin/python3
"""Six phone services on one port, for tests: Telegram's Bot API, Discord's
and Slack's webhooks, ntfy, Pushover and Gotify.  Each checks a request as
its service documents it and answers in its shapes, errors included:

  Telegram  POST /bot<token>/sendMessage      core.telegram.org/bots/api
            {"ok":false,"error_code":400,"description":"Bad Request: ..."},
            429 with parameters.retry_after; HTML parse mode checked tag by
            tag, 4096 characters after entities are parsed.
  Discord   POST /api/webhooks/<id>/<token>    discord.com/developers/docs
            204; {"message":..., "code":...}; 429 {"message": "You are being
            rate limited.", "retry_after": 1.5, "global": false} with
            Retry-After and X-RateLimit-* headers; embed limits.
  Slack     POST /services/T../B../...         api.slack.com/messaging/webhooks
            200 "ok"; 400 invalid_payload / invalid_blocks / no_text,
            404 no_service, 429 with Retry-After.
  ntfy      POST /<topic>                      docs.ntfy.sh/publish
            Title/Priority/Tags/Click headers, Bearer tokens; errors
            {"code":40101,"http":401,"error":"unauthorized",...}.
  Pushover  POST /1/messages.json              pushover.net/api
            {"status":1,"request":...}; {"token":"invalid","errors":[...],
            "status":0,...}; limits of message, title, url.
  Gotify    POST /message                      gotify.net/api-docs
            X-Gotify-Key; {"error":"Unauthorized","errorCode":401,
            "errorDescription":...}.

Every request is logged as a JSON line (--log): the service, the status
answered, and for a delivered message the text a person would see (markup
rendered the way the service renders it).  POST /_fake/plan with lines
"SERVICE STATUS [SECONDS]" makes the next requests to SERVICE fail so
(429 with SECONDS to wait, 500, 503, or "drop" to close the connection).
"""
import argparse, email.header, html.parser, json, re, sys, threading, time
import urllib.parse, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

A = None
LOCK = threading.Lock()
PLANS = {}
IDS = {"n": 0}


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


class TelegramHTML(html.parser.HTMLParser):
    """Telegram's HTML parse mode: its tags only, balanced, entities
    escaped; the text a person sees."""
    TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
            "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.error = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag not in self.TAGS:
            self.error = self.error or 'Unsupported start tag "%s"' % tag
        if tag == "a" and not dict(attrs).get("href"):
            self.error = self.error or "a tag without href"
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or \
                'Can\'t find end tag corresponding to start tag "%s"' % tag
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def telegram_visible(text):
    # a bare & or < that is not markup is refused, as Telegram does
    for m in re.finditer(r"&[^;\s]{0,10};?", text):
        if not re.fullmatch(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);",
                            m.group(0)):
            return None, "Can't parse entities: unsupported entity"
    for m in re.finditer(r"<", text):
        if not re.match(r"</?[a-z-]+(\s[^<>]*)?>", text[m.start():]):
            return None, "Can't parse entities: unexpected <"
    p = TelegramHTML()
    p.feed(text)
    p.close()
    if p.error or p.stack:
        return None, "Can't parse entities: " + (p.error or "unclosed tag")
    return "".join(p.text), None


def discord_render(s):
    """Markdown as Discord shows it: a backslash shows the character
    after it; unescaped markers vanish into formatting."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and not s[i + 1].isalnum() \
                and not s[i + 1].isspace():
            out.append(s[i + 1])
            i += 2
            continue
        if c in "*_~`|":
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def slack_render(obj):
    """A Slack text object as shown: entities decoded; mrkdwn's markers
    and <url|text> links rendered."""
    t = obj.get("text", "")
    if obj.get("type") == "mrkdwn":
        t = re.sub(r"<([^<>|]*)\|([^<>]*)>", r"\2", t)
        t = re.sub(r"<([^<>]*)>", r"\1", t)
        t = re.sub(r"[*_~`]", "", t)
    return t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class Fail(Exception):
    def __init__(self, status, body, headers=None, ctype="application/json"):
        self.status, self.body, self.headers, self.ctype = \
            status, body, headers or {}, ctype


def need(cond, status, body, ctype="application/json"):
    if not cond:
        raise Fail(status, body, ctype=ctype)


def json_body(h, raw, fail):
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise fail


def telegram(h, path, raw):
    m = re.fullmatch(r"/bot([^/]+)/sendMessage", path)
    err = lambda code, d: Fail(code, {"ok": False, "error_code": code,
                                      "description": d})
    if not m:
        raise err(404, "Not Found")
    if m.group(1) != A.telegram_token:
        raise err(401, "Unauthorized")
    if not h.headers.get("Content-Type", "").startswith("application/json"):
        raise err(400, "Bad Request: message text is empty")
    j = json_body(h, raw, err(400, "Bad Request: can't parse JSON"))
    if "chat_id" not in j:
        raise err(400, "Bad Request: chat_id is empty")
    if str(j["chat_id"]) != A.telegram_chat:
        raise err(400, "Bad Request: chat not found")
    text = j.get("text")
    if not isinstance(text, str) or not text.strip():
        raise err(400, "Bad Request: message text is empty")
    if j.get("parse_mode") not in (None, "HTML", "MarkdownV2", "Markdown"):
        raise err(400, "Bad Request: unsupported parse_mode")
    visible = text
    if j.get("parse_mode") == "HTML":
        visible, why = telegram_visible(text)
        if why:
            raise err(400, "Bad Request: " + why)
    if utf16_len(visible) > 4096:
        raise err(400, "Bad Request: message is too long")
    IDS["n"] += 1
    return 200, {"ok": True, "result": {"message_id": IDS["n"],
                 "date": int(time.time()), "chat": {"id": j["chat_id"]},
                 "text": visible}}, visible, {}


def discord(h, path, raw):
    if path != "/api/webhooks/%s" % A.discord_path:
        if path.startswith("/api/webhooks/"):
            raise Fail(401, {"message": "Invalid Webhook Token",
                             "code": 50027})
        raise Fail(404, {"message": "Unknown Webhook", "code": 10015})
    form = lambda what: Fail(400, {"message": "Invalid Form Body",
                                   "code": 50035, "errors": what})
    j = json_body(h, raw, Fail(400, {"message": "Cannot send an empty "
                                     "message", "code": 50006}))
    content = j.get("content") or ""
    embeds = j.get("embeds") or []
    if not content and not embeds:
        raise Fail(400, {"message": "Cannot send an empty message",
                         "code": 50006})
    if utf16_len(content) > 2000:
        raise form({"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                    "message": "Must be 2000 or fewer in length."}]}})
    need(len(embeds) <= 10, 400, {"message": "Invalid Form Body",
                                  "code": 50035})
    total, seen = 0, [discord_render(content)]
    for e in embeds:
        limits = {"title": 256, "description": 4096}
        for k, lim in limits.items():
            v = e.get(k, "")
            if utf16_len(v) > lim:
                raise form({"embeds": {k: "Must be %d or fewer in length."
                                       % lim}})
            total += utf16_len(v)
            seen.append(discord_render(v))
        c = e.get("color", 0)
        need(isinstance(c, int) and 0 <= c <= 0xFFFFFF, 400,
             {"message": "Invalid Form Body", "code": 50035})
        fields = e.get("fields", [])
        need(len(fields) <= 25, 400, {"message": "Invalid Form Body",
                                      "code": 50035})
        for f in fields:
            n, v = f.get("name", ""), f.get("value", "")
            if not n or not v or utf16_len(n) > 256 or utf16_len(v) > 1024:
                raise form({"embeds": {"fields": "bad field"}})
            total += utf16_len(n) + utf16_len(v)
            seen.append(discord_render(n) + ": " + discord_render(v))
        total += utf16_len(e.get("footer", {}).get("text", ""))
    if total > 6000:
        raise form({"embeds": "Embed size exceeds maximum size of 6000"})
    hdr = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
           "X-RateLimit-Reset-After": "1", "X-RateLimit-Bucket": "abcd"}
    return 204, None, "\n".join(seen), hdr


def slack(h, path, raw):
    if path != "/services/%s" % A.slack_path:
        raise Fail(404 if path.startswith("/services/") else 404,
                   "no_service", ctype="text/plain")
    j = json_body(h, raw, Fail(400, "invalid_payload", ctype="text/plain"))
    blocks = j.get("blocks")
    if not j.get("text") and not blocks:
        raise Fail(400, "no_text", ctype="text/plain")
    bad = Fail(400, "invalid_blocks", ctype="text/plain")
    seen = [slack_render({"type": "mrkdwn", "text": j.get("text", "")})]
    if blocks is not None:
        if not isinstance(blocks, list) or len(blocks) > 50:
            raise bad
        for b in blocks:
            t = b.get("type")
            if t == "header":
                o = b.get("text", {})
                if o.get("type") != "plain_text" or not o.get("text") or \
                        len(o["text"]) > 150:
                    raise bad
                seen.append(slack_render(o))
            elif t == "section":
                objs = ([b["text"]] if "text" in b else []) + \
                    b.get("fields", [])
                if not objs or len(b.get("fields", [])) > 10:
                    raise bad
                for i, o in enumerate(objs):
                    lim = 3000 if i == 0 and "text" in b else 2000
                    if o.get("type") not in ("plain_text", "mrkdwn") or \
                            not o.get("text") or len(o["text"]) > lim:
                        raise bad
                    seen.append(slack_render(o))
            elif t == "context":
                els = b.get("elements", [])
                if not els or len(els) > 10:
                    raise bad
                for o in els:
                    if o.get("type") not in ("plain_text", "mrkdwn") or \
                            not o.get("text"):
                        raise bad
                    seen.append(slack_render(o))
            elif t != "divider":
                raise bad
    return 200, "ok", "\n".join(seen), {}


def ntfy(h, path, raw):
    topic = path.lstrip("/")
    if not re.fullmatch(r"[-_A-Za-z0-9]{1,64}", topic) or topic != A.ntfy_topic:
        raise Fail(404, {"code": 40401, "http": 404, "error": "page not found"})
    auth = h.headers.get("Authorization")
    if A.ntfy_token and auth != "Bearer " + A.ntfy_token:
        raise Fail(401 if auth is None else 401, {"code": 40101, "http": 401,
                   "error": "unauthorized",
                   "link": "https://ntfy.sh/docs/publish/#authentication"})
    prio = h.headers.get("Priority", "3")
    if prio not in ("1", "2", "3", "4", "5", "min", "low", "default", "high",
                    "max", "urgent"):
        raise Fail(400, {"code": 40007, "http": 400,
                         "error": "invalid priority"})
    if len(raw) > 4096:
        raise Fail(413, {"code": 41301, "http": 413,
                         "error": "message too large for a text message"})
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Fail(400, {"code": 40000, "http": 400, "error": "not UTF-8"})
    title = h.headers.get("Title", "")
    title = str(email.header.make_header(email.header.decode_header(title)))
    click = h.headers.get("Click")
    if click and not re.match(r"https?://", click):
        raise Fail(400, {"code": 40013, "http": 400,
                         "error": "invalid click URL"})
    IDS["n"] += 1
    return 200, {"id": "m%d" % IDS["n"], "time": int(time.time()),
                 "event": "message", "topic": topic, "title": title,
                 "message": body}, title + "\n" + body, {}


def pushover(h, path, raw):
    rid = str(uuid.uuid4())
    if path != "/1/messages.json":
        raise Fail(404, {"status": 0, "errors": ["not found"], "request": rid})
    f = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("utf-8"),
                                                   keep_blank_values=True).items()}
    def bad(field, what):
        return Fail(400, {field: "invalid", "errors": [what], "status": 0,
                          "request": rid})
    if f.get("token") != A.pushover_token:
        raise bad("token", "application token is invalid, see "
                  "https://pushover.net/api")
    if f.get("user") != A.pushover_user:
        raise bad("user", "user identifier is not a valid user, group, or "
                  "subscribed user key, see https://pushover.net/api#identifiers")
    msg = f.get("message", "")
    if not msg:
        raise bad("message", "message cannot be blank")
    for k, lim in (("message", 1024), ("title", 250), ("url", 512),
                   ("url_title", 100)):
        if len(f.get(k, "")) > lim:
            raise bad(k, "%s is too long (%d characters at most)" % (k, lim))
    prio = int(f.get("priority", "0"))
    if prio not in (-2, -1, 0, 1, 2):
        raise bad("priority", "priority is invalid")
    if prio == 2 and (int(f.get("retry", "0")) < 30 or
                      not 0 < int(f.get("expire", "0")) <= 10800):
        raise bad("retry", "retry and expire are required with priority 2")
    if f.get("html") == "1":
        msg = re.sub(r"<[^>]*>", "", msg)
    return 200, {"status": 1, "request": rid}, \
        f.get("title", "") + "\n" + msg, {"X-Limit-App-Remaining": "9999"}


def gotify(h, path, raw):
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(h.path).query)
    tok = h.headers.get("X-Gotify-Key") or (q.get("token") or [None])[0]
    auth = h.headers.get("Authorization", "")
    if not tok and auth.startswith("Bearer "):
        tok = auth[7:]
    if path != "/message":
        raise Fail(404, {"error": "Not Found", "errorCode": 404,
                         "errorDescription": "page not found"})
    if tok != A.gotify_token:
        raise Fail(401, {"error": "Unauthorized", "errorCode": 401,
                         "errorDescription": "you need to provide a valid "
                         "access token or user credentials to access this api"})
    j = json_body(h, raw, Fail(400, {"error": "Bad Request", "errorCode": 400,
                                     "errorDescription": "invalid JSON"}))
    if not isinstance(j.get("message"), str) or not j["message"]:
        raise Fail(400, {"error": "Bad Request", "errorCode": 400,
                         "errorDescription": "Field 'message' is required"})
    if "priority" in j and not isinstance(j["priority"], int):
        raise Fail(400, {"error": "Bad Request", "errorCode": 400,
                         "errorDescription": "Field 'priority' is not a number"})
    IDS["n"] += 1
    return 200, {"id": IDS["n"], "appid": 1, "message": j["message"],
                 "title": j.get("title", ""), "priority": j.get("priority", 0),
                 "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, \
        j.get("title", "") + "\n" + j["message"], {}


def service_of(path):
    if path.startswith("/bot"):
        return "telegram", telegram
    if path.startswith("/api/webhooks/"):
        return "discord", discord
    if path.startswith("/services/"):
        return "slack", slack
    if path == "/1/messages.json":
        return "pushover", pushover
    if path == "/message":
        return "gotify", gotify
    return "ntfy", ntfy


def rate_limited(service, secs):
    """A 429 in the service's own shape."""
    if service == "telegram":
        return Fail(429, {"ok": False, "error_code": 429, "description":
                          "Too Many Requests: retry after %d" % secs,
                          "parameters": {"retry_after": secs}})
    if service == "discord":
        return Fail(429, {"message": "You are being rate limited.",
                          "retry_after": float(secs), "global": False},
                    {"Retry-After": str(secs), "X-RateLimit-Limit": "5",
                     "X-RateLimit-Remaining": "0",
                     "X-RateLimit-Reset-After": str(secs),
                     "X-RateLimit-Scope": "user"})
    if service == "slack":
        return Fail(429, "rate_limited", {"Retry-After": str(secs)},
                    "text/plain")
    if service == "ntfy":
        return Fail(429, {"code": 42901, "http": 429, "error":
                          "limit reached: too many requests"},
                    {"Retry-After": str(secs)})
    if service == "pushover":
        return Fail(429, {"status": 0, "errors": ["application is over its "
                          "message limit"], "request": str(uuid.uuid4())},
                    {"Retry-After": str(secs)})
    return Fail(429, {"error": "Too Many Requests", "errorCode": 429,
                      "errorDescription": "slow down"},
                {"Retry-After": str(secs)})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers, ctype="application/json"):
        data = b"" if body is None else (body.encode() if isinstance(body, str)
                                        else json.dumps(body).encode())
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_fake/plan":
            with LOCK:
                for line in raw.decode().splitlines():
                    w = line.split()
                    if w:
                        PLANS.setdefault(w[0], []).append(w[1:])
            return self.answer(200, {"ok": True}, {})
        service, fn = service_of(path)
        entry = {"service": service, "time": time.time()}
        with LOCK:
            plan = PLANS.get(service, [])
            step = plan.pop(0) if plan else None
        try:
            if step and step[0] == "drop":
                entry["status"] = "drop"
                self.log(entry)
                self.close_connection = True
                return
            if step and step[0] == "429":
                raise rate_limited(service, int(step[1]) if len(step) > 1
                                   else 1)
            if step:
                raise Fail(int(step[0]), {"error": "planned failure"})
            status, body, visible, hdr = fn(self, path, raw)
            entry.update(status=status, visible=visible,
                         body=raw.decode("utf-8", "replace"),
                         headers=dict(self.headers.items()))
            self.log(entry)
            self.answer(status, body, hdr)
        except Fail as f:
            entry.update(status=f.status, error=f.body,
                         body=raw.decode("utf-8", "replace"))
            self.log(entry)
            self.answer(f.status, f.body, f.headers, f.ctype)

    def log(self, entry):
        with LOCK, open(A.log, "a") as fp:
            fp.write(json.dumps(entry) + "\n")


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log", required=True)
    ap.add_argument("--telegram-token", default="")
    ap.add_argument("--telegram-chat", default="")
    ap.add_argument("--discord-path", default="")
    ap.add_argument("--slack-path", default="")
    ap.add_argument("--ntfy-topic", default="")
    ap.add_argument("--ntfy-token", default="")
    ap.add_argument("--pushover-token", default="")
    ap.add_argument("--pushover-user", default="")
    ap.add_argument("--gotify-token", default="")
    A = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", A.port), Handler)
    if A.port_file:
        with open(A.port_file + ".tmp", "w") as fp:
            fp.write("%d\n" % srv.server_address[1])
        import os
        os.rename(A.port_file + ".tmp", A.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()

"""Strict checks of a message as tickerd sent it, byte for byte.

    /usr/bin/python3 tests/mailcheck.py FILE.eml [--subject S] [--to ADDR]
        [--text S]... [--no-header NAME]... [--stored]

Fails (exit 1, one line per problem) unless the message has CRLF line
endings only, lines within 998 octets, 7-bit bytes only, exactly one each
of From, To, Date, Message-ID, Subject, MIME-Version and Auto-Submitted,
a valid Date and Message-ID, a multipart/alternative body with a UTF-8
text/plain part and a text/html part, no parsing defect under Python's
strict email policy, and what the options ask for.
"""
import argparse
import email
import email.policy
import email.utils
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--subject")
    ap.add_argument("--to")
    ap.add_argument("--text", action="append", default=[])
    ap.add_argument("--no-header", action="append", default=[])
    ap.add_argument("--stored", action="store_true",
                    help="as an MTA stored it: LF line endings")
    a = ap.parse_args()
    raw = open(a.file, "rb").read()
    if a.stored:
        if b"\r" in raw:
            print("FAIL: %s: CR in a stored message" % a.file)
            return 1
        raw = raw.replace(b"\n", b"\r\n")
    bad = []

    if not raw.endswith(b"\r\n"):
        bad.append("does not end with CRLF")
    for i, line in enumerate(raw.split(b"\r\n")):
        if b"\n" in line or b"\r" in line:
            bad.append("line %d: bare CR or LF" % (i + 1))
        if len(line) > 998:
            bad.append("line %d: %d octets" % (i + 1, len(line)))
    if any(b > 0x7f for b in raw):
        bad.append("8-bit bytes in the message")

    try:
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
    except Exception as e:          # strict: a defect raises
        print("FAIL: strict parser: %s" % e)
        return 1
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    names = [m.group(1).lower() for m in
             re.finditer(r"^([!-9;-~]+):", head, re.M)]
    for h in ("from", "to", "date", "message-id", "subject", "mime-version",
              "auto-submitted"):
        if names.count(h) != 1:
            bad.append("header %s appears %d times" % (h, names.count(h)))
    for h in a.no_header:
        if h.lower() in names:
            bad.append("unexpected header %s" % h)
    if msg.get("Auto-Submitted") != "auto-generated":
        bad.append("Auto-Submitted is %r" % msg.get("Auto-Submitted"))
    if msg.get("MIME-Version") != "1.0":
        bad.append("MIME-Version is %r" % msg.get("MIME-Version"))
    try:
        email.utils.parsedate_to_datetime(msg["Date"])
    except Exception:
        bad.append("Date %r does not parse" % msg["Date"])
    if not re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", str(msg["Message-ID"])):
        bad.append("Message-ID %r" % msg["Message-ID"])
    if a.subject is not None and str(msg["Subject"]) != a.subject:
        bad.append("Subject %r, not %r" % (str(msg["Subject"]), a.subject))
    if a.to is not None:
        got = [addr for _, addr in email.utils.getaddresses(
            [str(msg["To"])])]
        if got != [a.to]:
            bad.append("To %r, not %r" % (got, a.to))
    if msg.get_content_type() != "multipart/alternative":
        bad.append("Content-Type %s" % msg.get_content_type())
    else:
        parts = list(msg.iter_parts())
        types = [p.get_content_type() for p in parts]
        if types != ["text/plain", "text/html"]:
            bad.append("parts %r" % types)
        else:
            if parts[0].get_content_charset() != "utf-8":
                bad.append("text charset %r" % parts[0].get_content_charset())
            text = parts[0].get_content()
            for t in a.text:
                if t not in text:
                    bad.append("text part lacks %r" % t)
    for part in msg.walk():
        if part.defects:
            bad.append("defects: %r" % part.defects)
    for b in bad:
        print("FAIL: %s: %s" % (a.file, b))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

/*
 * Mail messages: RFC 5322 headers and a MIME multipart/alternative body
 * (UTF-8 text, and HTML that draws the 52-week range as a bar), with CRLF
 * line endings only and lines well within 998 octets.  Pure: no I/O.
 *
 * Nothing from a quote, a note or a configuration string can add or break
 * a header: header values are stripped of control characters and encoded
 * (RFC 2047) when not plain ASCII; bodies are quoted-printable, so a
 * newline in a note is body text.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

#define HEADER_PLAIN_MAX	200	/* longer plain text is encoded */

/* Replace control characters (CR, LF, ...) with spaces. */
static char *
header_clean(const char *s)
{
	char	*c = xstrdup(s), *p;

	for (p = c; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

static int
needs_encoding(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/*
 * Append a header value: as it is when plain ASCII of a sensible length,
 * else as RFC 2047 encoded-words of at most 45 octets each (never
 * splitting a UTF-8 sequence), folded onto continuation lines, so that
 * no line comes near the 998 octets RFC 5322 allows.
 */
static void
header_text(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), n;

	if (!needs_encoding(s) && len <= HEADER_PLAIN_MAX) {
		buf_puts(b, s);
		return;
	}
	while (len > 0) {
		n = len > 45 ? 45 : len;
		while (n < len && n > 0 && (p[n] & 0xc0) == 0x80)
			n--;		/* do not split a character */
		if (n == 0)
			n = len > 45 ? 45 : len;
		buf_puts(b, "=?UTF-8?B?");
		buf_base64(b, p, n);
		buf_puts(b, "?=");
		p += n;
		len -= n;
		if (len > 0)
			buf_puts(b, "\r\n ");
	}
}

/* A mailbox: "Display Name <addr>", the name encoded when needed. */
static void
header_mailbox(struct buf *b, const char *raw)
{
	char	*s = header_clean(raw), *lt, *name;

	lt = strrchr(s, '<');
	if (lt != NULL && lt != s && (needs_encoding(s) ||
	    (size_t)(lt - s) > HEADER_PLAIN_MAX)) {
		name = xstrndup(s, (size_t)(lt - s));
		while (*name && name[strlen(name) - 1] == ' ')
			name[strlen(name) - 1] = '\0';
		header_text(b, name);
		buf_puts(b, " ");
		buf_puts(b, lt);
		free(name);
	} else
		buf_puts(b, s);
	free(s);
}

/*
 * Quoted-printable (RFC 2045): text with \n line breaks becomes CRLF
 * lines of at most 76 characters.
 */
static void
qp(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 enc[4];
	size_t			 col = 0, need;

	for (; *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		if ((*p == ' ' || *p == '\t') &&
		    (p[1] == '\n' || p[1] == '\0' ||
		    (p[1] == '\r' && p[2] == '\n')))
			need = 3;	/* trailing white space is encoded */
		else if ((*p >= 33 && *p <= 126 && *p != '=') || *p == ' ' ||
		    *p == '\t')
			need = 1;
		else
			need = 3;
		if (col + need > 75) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		if (need == 1)
			buf_add(b, p, 1);
		else {
			snprintf(enc, sizeof(enc), "=%02X", *p);
			buf_add(b, enc, 3);
		}
		col += need;
	}
}

/* Text for the inside of HTML: what markup would take is escaped. */
void
mail_html_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		case '\n': buf_puts(b, "<br>\n"); break;
		case '\r': break;
		default: buf_add(b, s, 1);
		}
	}
}

/* The 52-week range as a text bar: [#########|-----]. */
static void
text_bar(struct buf *b, double pos)
{
	int	 i, mark = (int)lround(pos / 100 * 29);

	buf_puts(b, "[");
	for (i = 0; i < 30; i++)
		buf_puts(b, i == mark ? "|" : i < mark ? "#" : "-");
	buf_puts(b, "]");
}

static void
text_alert(struct buf *b, const struct alert *a)
{
	char	 price[32], pc[32], lo[32], hi[32], when[64], qt[64], desc[512];
	char	 late[160], age[32];
	const struct quote *q = &a->quote;

	fmt_price(q->price, price, sizeof(price));
	fmt_price(q->prev_close, pc, sizeof(pc));
	fmt_price(q->low52, lo, sizeof(lo));
	fmt_price(q->high52, hi, sizeof(hi));
	exchange_fmt_time(q->ex, a->time, 1, when, sizeof(when));
	exchange_fmt_time(q->ex, q->time, 0, qt, sizeof(qt));
	fmt_age((long long)(a->time - q->time), age, sizeof(age));
	alert_describe(a, desc, sizeof(desc));

	buf_printf(b, "%s\n\n", desc);
	buf_printf(b, "  Symbol:    %s\n", a->symbol);
	if (q->ex != NULL)
		buf_printf(b, "  Exchange:  %s (%s)\n", q->ex->title,
		    q->ex->name);
	buf_printf(b, "  Price:     %s%s%s\n", price, q->currency[0] ? " " : "",
	    q->currency);
	if (isfinite(a->change_pct))
		buf_printf(b, "  Change:    %+.2f%% from the previous close of "
		    "%s\n", a->change_pct, pc);
	buf_printf(b, "  Rule:      %s%s\n", a->rule_text,
	    a->once ? " (once)" : "");
	if (a->late)
		buf_printf(b, "  Late:      %s\n", alert_late(a, late,
		    sizeof(late)));
	buf_printf(b, "  Time:      %s; the quote's, %s, %s old\n", when, qt,
	    age);
	if (isfinite(q->low52) && isfinite(q->high52))
		buf_printf(b, "  52 weeks:  %s - %s\n", lo, hi);
	if (isfinite(a->range_pos)) {
		buf_puts(b, "  Position:  ");
		text_bar(b, a->range_pos);
		buf_printf(b, " %.0f%% of the 52-week range\n", a->range_pos);
	}
	if (a->note != NULL && *a->note != '\0')
		buf_printf(b, "  Note:      %s\n", a->note);
}

#define BAR_PX	320	/* the range bar's width */
#define MARK_PX	4	/* the price's mark on it */

/*
 * The 52-week range as a bar: filled up to the price, a red mark at the
 * price.  Widths are in pixels, so the mark keeps its width at 0% and at
 * 100% (a cell sized in percent would take it all), and empty cells are
 * left out.
 */
static void
html_bar(struct buf *b, double pos, const char *lo, const char *price,
    const char *hi)
{
	int	 fill = (int)lround(pos / 100 * (BAR_PX - MARK_PX));
	int	 rest = BAR_PX - MARK_PX - fill;

	buf_printf(b, "<table width=\"%d\" cellpadding=\"0\" cellspacing="
	    "\"0\" style=\"table-layout:fixed;width:%dpx;margin-top:6px\" "
	    "title=\"%.0f%% of the 52-week range\"><tr>\n", BAR_PX, BAR_PX,
	    pos);
	if (fill > 0)
		buf_printf(b, "<td width=\"%d\" style=\"width:%dpx;background:"
		    "#8cb4e0;height:12px\"></td>\n", fill, fill);
	buf_printf(b, "<td width=\"%d\" style=\"width:%dpx;background:"
	    "#c0392b;height:18px\"></td>\n", MARK_PX, MARK_PX);
	if (rest > 0)
		buf_printf(b, "<td width=\"%d\" style=\"width:%dpx;background:"
		    "#e6e6e6;height:12px\"></td>\n", rest, rest);
	buf_printf(b, "</tr></table>\n<table width=\"%d\" cellpadding=\"0\" "
	    "cellspacing=\"0\"><tr><td align=\"left\" style=\"font-size:"
	    "small\">52w low %s</td><td align=\"center\" style=\"font-size:"
	    "small\">%s (%.0f%%)</td><td align=\"right\" style=\"font-size:"
	    "small\">52w high %s</td></tr></table>\n", BAR_PX, lo, price, pos,
	    hi);
}

static void
html_alert(struct buf *b, const struct alert *a)
{
	char	 price[32], pc[32], lo[32], hi[32], when[64], qt[64], desc[512];
	char	 late[160], age[32];
	const struct quote *q = &a->quote;
	double	 pos = a->range_pos;

	fmt_price(q->price, price, sizeof(price));
	fmt_price(q->prev_close, pc, sizeof(pc));
	fmt_price(q->low52, lo, sizeof(lo));
	fmt_price(q->high52, hi, sizeof(hi));
	exchange_fmt_time(q->ex, a->time, 1, when, sizeof(when));
	exchange_fmt_time(q->ex, q->time, 1, qt, sizeof(qt));
	fmt_age((long long)(a->time - q->time), age, sizeof(age));
	alert_describe(a, desc, sizeof(desc));

	buf_puts(b, "<div style=\"margin:0 0 1.5em 0\">\n<p><b>");
	mail_html_escape(b, desc);
	buf_puts(b, "</b></p>\n<table cellpadding=\"2\" cellspacing=\"0\">\n");
	buf_puts(b, "<tr><td>Symbol</td><td><b>");
	mail_html_escape(b, a->symbol);
	buf_puts(b, "</b></td></tr>\n");
	if (q->ex != NULL) {
		buf_puts(b, "<tr><td>Exchange</td><td>");
		mail_html_escape(b, q->ex->title);
		buf_printf(b, " (%s)</td></tr>\n", q->ex->name);
	}
	buf_printf(b, "<tr><td>Price</td><td>%s ", price);
	mail_html_escape(b, q->currency);
	buf_puts(b, "</td></tr>\n");
	if (isfinite(a->change_pct))
		buf_printf(b, "<tr><td>Change</td><td>%+.2f%% from the "
		    "previous close of %s</td></tr>\n", a->change_pct, pc);
	buf_puts(b, "<tr><td>Rule</td><td>");
	mail_html_escape(b, a->rule_text);
	if (a->late)
		buf_printf(b, "</td></tr>\n<tr><td>Late</td><td>%s",
		    alert_late(a, late, sizeof(late)));
	buf_printf(b, "</td></tr>\n<tr><td>Time</td><td style=\"white-space:"
	    "nowrap\">%s</td></tr>\n<tr><td>Quote</td><td>%s, %s old</td>"
	    "</tr>\n", when, qt, age);
	if (isfinite(q->low52) && isfinite(q->high52))
		buf_printf(b, "<tr><td>52 weeks</td><td>%s &ndash; %s"
		    "</td></tr>\n", lo, hi);
	if (a->note != NULL && *a->note != '\0') {
		buf_puts(b, "<tr><td>Note</td><td>");
		mail_html_escape(b, a->note);
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</table>\n");
	if (isfinite(pos))
		html_bar(b, pos, lo, price, hi);
	buf_puts(b, "</div>\n");
}

/*
 * A composed message (CRLF line endings) with LF endings, for local
 * mail; with quote_from, lines starting with "From " (after any '>')
 * get one more '>', as an mbox needs.
 */
void
mail_lf(struct buf *out, const char *msg, size_t len, int quote_from)
{
	const char	*p, *e, *end = msg + len;
	size_t		 gt;

	for (p = msg; p < end; p = e + 2) {
		if ((e = strstr(p, "\r\n")) == NULL)
			e = end;
		gt = strspn(p, ">");
		if (quote_from && strncmp(p + gt, "From ", 5) == 0 &&
		    (size_t)(e - p) >= gt + 5)
			buf_puts(out, ">");
		buf_add(out, p, (size_t)(e - p));
		buf_puts(out, "\n");
		if (e == end)
			break;
	}
}

/* The address of a mailbox: the part in <...>, or the whole, trimmed. */
char *
mail_addr(const char *mailbox)
{
	const char	*lt = strrchr(mailbox, '<'), *gt;
	const char	*s = mailbox, *e;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL) {
		s = lt + 1;
		e = gt;
	} else
		e = mailbox + strlen(mailbox);
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

/* The Subject of a message of n alerts, before "[tickerd] ". */
static void
subject(const struct alert *a, size_t n, char *subj, size_t len)
{
	size_t	 i, l;

	if (n == 1) {
		alert_subject(&a[0], subj, len);
		return;
	}
	snprintf(subj, len, "%zu alerts:", n);
	for (i = 0; i < n && strlen(subj) < 180; i++) {
		l = strlen(subj);
		snprintf(subj + l, len - l, "%s %s", i ? "," : "", a[i].symbol);
	}
}

/* From, To (folded), Date, Message-ID, Subject and the MIME headers. */
static void
headers(struct buf *b, const char *from, const struct strlist *to,
    const char *date, const char *msgid, const char *subj,
    const char *boundary)
{
	char	*s, *tagged;
	size_t	 i, col;

	buf_puts(b, "From: ");
	header_mailbox(b, from);
	buf_puts(b, "\r\nTo: ");
	col = 4;
	for (i = 0; i < to->n; i++) {
		if (i > 0) {
			buf_puts(b, ",");
			if (col + strlen(to->v[i]) > 70) {
				buf_puts(b, "\r\n");
				col = 0;
			}
			buf_puts(b, " ");
		}
		header_mailbox(b, to->v[i]);
		col += strlen(to->v[i]) + 2;
	}
	buf_printf(b, "\r\nDate: %s\r\n", date);
	s = header_clean(msgid);
	buf_printf(b, "Message-ID: %s\r\n", s);
	free(s);
	buf_puts(b, "Subject: ");
	s = header_clean(subj);
	if (needs_encoding(s)) {
		xasprintf(&tagged, "[tickerd] %s", s);
		header_text(b, tagged);
		free(tagged);
	} else {
		buf_puts(b, "[tickerd] ");
		buf_puts(b, s);
	}
	free(s);
	buf_puts(b, "\r\nMIME-Version: 1.0\r\n");
	buf_puts(b, "Auto-Submitted: auto-generated\r\n");
	buf_puts(b, "X-Mailer: tickerd " PACKAGE_VERSION "\r\n");
	buf_printf(b, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"%s\"\r\n\r\n", boundary);
	buf_puts(b, "This is a MIME message.\r\n\r\n");
}

/* One part of the multipart/alternative, quoted-printable. */
static void
part(struct buf *b, const char *boundary, const char *type, const char *body)
{
	buf_printf(b, "--%s\r\nContent-Type: %s; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary,
	    type);
	qp(b, body);
	buf_puts(b, "\r\n");
}

/*
 * A mail of subj (tagged "[tickerd]") with a plain-text and an HTML
 * alternative, into b; now is the Date.
 */
void
mail_wrap(struct buf *b, const char *from, const struct strlist *to,
    time_t now, const char *msgid, const char *subj, const char *text,
    const char *html)
{
	char		 date[64], boundary[64];
	struct tm	 tm;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	snprintf(boundary, sizeof(boundary), "=_tickerd_%08lx%08lx",
	    (unsigned long)now, (unsigned long)(strlen(msgid) * 2654435761u ^
	    (unsigned long)getpid()));
	headers(b, from, to, date, msgid, subj, boundary);
	part(b, boundary, "text/plain", text);
	part(b, boundary, "text/html", html);
	buf_printf(b, "--%s--\r\n", boundary);
}

/*
 * Compose one message announcing n alerts (n > 1 is a digest) into b.
 * from and to are as configured; now is the Date.
 */
void
mail_compose(struct buf *b, const char *from, const struct strlist *to,
    const struct alert *a, size_t n, time_t now, const char *msgid)
{
	struct buf	 text = { 0 }, html = { 0 };
	char		 subj[256];
	size_t		 i;

	subject(a, n, subj, sizeof(subj));
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&text, "\n");
		text_alert(&text, &a[i]);
	}
	buf_puts(&text, "\n-- \ntickerd " PACKAGE_VERSION "\n");

	buf_puts(&html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>tickerd</title></head>\n<body style=\"font-family:"
	    "sans-serif\">\n");
	for (i = 0; i < n; i++)
		html_alert(&html, &a[i]);
	buf_puts(&html, "<p style=\"color:#888;font-size:small\">tickerd "
	    PACKAGE_VERSION "</p>\n</body></html>\n");
	mail_wrap(b, from, to, now, msgid, subj, text.data, html.data);

	buf_free(&text);
	buf_free(&html);
}

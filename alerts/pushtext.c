/*
 * Texts for the phone services: each has its markup (Telegram's HTML,
 * Discord's Markdown, Slack's mrkdwn) and its limit, counted its own way
 * (UTF-16 units, characters or bytes).  A text is built piece by piece:
 * each character goes in with its escape or not at all, so a cut never
 * splits an escape sequence or a UTF-8 character, and a piece marked
 * whole (a tag and what it encloses) goes in whole or not at all.
 * What the user wrote (a note, a symbol) is escaped, so that a note
 * full of markup arrives as the plain text it was.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026, one unit in any count */

void
ptext_init(struct text *t, size_t limit, enum text_unit unit)
{
	memset(t, 0, sizeof(*t));
	t->limit = limit;
	t->unit = unit;
}

/* The length of the UTF-8 character at s (1 for a stray byte). */
static size_t
char_bytes(const char *s)
{
	unsigned char	 c = (unsigned char)*s;
	size_t		 n, i;

	n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* How many of t's units the n bytes of UTF-8 at s take. */
static size_t
units(const struct text *t, const char *s, size_t n)
{
	size_t	 u = 0, l;

	if (t->unit == TEXT_BYTES)
		return n;
	while (n > 0) {
		l = char_bytes(s);
		if (l > n)
			l = n;
		/* beyond the BMP: a surrogate pair in UTF-16 */
		u += t->unit == TEXT_UTF16 && l == 4 ? 2 : 1;
		s += l;
		n -= l;
	}
	return u;
}

/* One character's escaped form, into out (at least 16 bytes). */
static size_t
escape_char(enum text_markup m, const char *c, size_t n, char *out)
{
	const char	*rep = NULL;

	if (n == 1) {
		switch (m) {
		case MARKUP_HTML:
		case MARKUP_SLACK:
			rep = *c == '&' ? "&amp;" : *c == '<' ? "&lt;" :
			    *c == '>' ? "&gt;" : NULL;
			if (m == MARKUP_HTML && *c == '"')
				rep = "&quot;";
			break;
		case MARKUP_DISCORD:
			if (strchr("\\*_~`|<>#-[]()", *c) != NULL) {
				out[0] = '\\';
				out[1] = *c;
				return 2;
			}
			break;
		case MARKUP_NONE:
			break;
		}
		/* control characters but the line's ends: a space */
		if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t')
			rep = " ";
		else if (*c == 0x7f)
			rep = " ";
	}
	if (rep != NULL) {
		n = strlen(rep);
		memcpy(out, rep, n);
		return n;
	}
	memcpy(out, c, n);
	return n;
}

/*
 * Append s escaped for markup m: all of it, or as much as fits and an
 * ellipsis.  Once a piece has been cut, nothing more goes in.  Returns 0
 * when all of s went in, -1 when it was cut.
 */
int
ptext_put(struct text *t, const char *s, enum text_markup m)
{
	char	 e[16];
	size_t	 n, el, eu, ell = units(t, ELLIPSIS, 3);

	if (t->cut)
		return -1;
	while (*s != '\0') {
		n = char_bytes(s);
		el = escape_char(m, s, n, e);
		eu = units(t, e, el);
		/* room for the ellipsis, unless this is the last of it */
		if (t->used + eu + (s[n] != '\0' ? ell : 0) > t->limit) {
			if (t->used + ell <= t->limit) {
				buf_puts(&t->b, ELLIPSIS);
				t->used += ell;
			}
			t->cut = 1;
			return -1;
		}
		buf_add(&t->b, e, el);
		t->used += eu;
		s += n;
	}
	return 0;
}

/*
 * Append the pieces of a whole (markup and what it marks up: "<b>", s,
 * "</b>"), each piece raw or escaped as its flag says, only if all of it
 * fits.  Returns 0, or -1 when it did not fit (nothing more goes in).
 */
int
ptext_whole(struct text *t, const char *const *piece, const int *escaped,
    size_t n, enum text_markup m)
{
	struct text	 x;
	size_t		 i;

	if (t->cut)
		return -1;
	ptext_init(&x, t->limit - t->used, t->unit);
	for (i = 0; i < n; i++) {
		if (escaped[i] ? ptext_put(&x, piece[i], m) :
		    ptext_put(&x, piece[i], MARKUP_NONE)) {
			buf_free(&x.b);
			t->cut = 1;
			return -1;
		}
	}
	if (x.b.len > 0)
		buf_add(&t->b, x.b.data, x.b.len);
	t->used += x.used;
	buf_free(&x.b);
	return 0;
}

/* Raw text (our own markup, no escapes), if it fits whole. */
int
ptext_raw(struct text *t, const char *s)
{
	static const int	 no[] = { 0 };

	return ptext_whole(t, &s, no, 1, MARKUP_NONE);
}

/* The text so far; t keeps owning it. */
const char *
ptext_str(struct text *t)
{
	if (t->b.data == NULL)
		buf_add(&t->b, "", 0);
	return t->b.data;
}

void
ptext_free(struct text *t)
{
	buf_free(&t->b);
}

/*
 * s as an HTTP header's value: on one line, and as an RFC 2047 encoded
 * word when it is not plain ASCII.
 */
void
ptext_header(struct buf *b, const char *s)
{
	const char	*p;
	size_t		 start = b->len, i;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			break;
	if (*p == '\0') {
		buf_puts(b, s);
		for (i = start; i < b->len; i++)
			if ((unsigned char)b->data[i] < 0x20 ||
			    b->data[i] == 0x7f)
				b->data[i] = ' ';
		return;
	}
	buf_puts(b, "=?UTF-8?B?");
	buf_base64(b, s, strlen(s));
	buf_puts(b, "?=");
}

/*
 * Which way an alert points: +1 up (a rise, a high), -1 down, 0 neither
 * (a test, a move or target whose direction is not known).
 */
int
alert_direction(const struct alert *a)
{
	if (a->test || a->notice != NULL)
		return 0;
	switch (a->kind) {
	case RULE_ABOVE:
	case RULE_NEAR_HIGH:
	case RULE_NEW_HIGH:
	case RULE_CLOSE_ABOVE:
	case RULE_CROSS_ABOVE:
	case RULE_MA_ABOVE:
	case RULE_RSI_ABOVE:
	case RULE_INSIDER_BUY:	/* an insider's purchase: a bet on a rise */
		return 1;
	case RULE_BELOW:
	case RULE_NEAR_LOW:
	case RULE_NEW_LOW:
	case RULE_CLOSE_BELOW:
	case RULE_CROSS_BELOW:
	case RULE_MA_BELOW:
	case RULE_RSI_BELOW:
	case RULE_TRAILING:
	case RULE_INSIDER_SELL:
		return -1;
	case RULE_FILING:	/* news, of either way */
	case RULE_VOLUME:
	case RULE_EARNINGS:
	case RULE_NEAR_MA:
		return 0;
	case RULE_GAP:
	case RULE_MOVE_IN:	/* the way it went */
		return a->ind[0] > 0 ? 1 : a->ind[0] < 0 ? -1 : 0;
	default:
		if (!isfinite(a->change_pct) || a->change_pct == 0)
			return 0;
		return a->change_pct > 0 ? 1 : -1;
	}
}

/*
 * The figures of an alert as label and value pairs, for the services
 * that show fields: price, change, threshold, 52-week range, exchange
 * and time.  Returns how many were filled (at most FACTS_MAX).
 */
size_t
alert_facts(const struct alert *a, struct fact *f)
{
	const struct quote	*q = &a->quote;
	char			 p[32], lo[32], hi[32];
	const char		*cur = q->currency;
	size_t			 n = 0;

	if (a->notice != NULL)	/* a problem notice: its text says all */
		return 0;
	fmt_price(q->price, p, sizeof(p));
	if (isfinite(q->price))
		snprintf(f[n].value, sizeof(f[n].value), "%s%s%s", p,
		    *cur ? " " : "", cur);
	else
		snprintf(f[n].value, sizeof(f[n].value), "no quote");
	snprintf(f[n++].label, sizeof(f[0].label), "Price");
	if (isfinite(a->change_pct)) {
		snprintf(f[n].label, sizeof(f[0].label), "Change");
		snprintf(f[n++].value, sizeof(f[0].value), "%+.2f%%",
		    a->change_pct);
	}
	if (!a->test) {
		snprintf(f[n].label, sizeof(f[0].label), "Rule");
		snprintf(f[n++].value, sizeof(f[0].value), "%s%s",
		    a->rule_text, a->once ? " (once)" : "");
	}
	if (isfinite(q->low52) && isfinite(q->high52)) {
		fmt_price(q->low52, lo, sizeof(lo));
		fmt_price(q->high52, hi, sizeof(hi));
		snprintf(f[n].label, sizeof(f[0].label), "52 weeks");
		snprintf(f[n++].value, sizeof(f[0].value), "%s - %s", lo, hi);
	}
	if (q->ex != NULL) {
		snprintf(f[n].label, sizeof(f[0].label), "Exchange");
		snprintf(f[n++].value, sizeof(f[0].value), "%s", q->ex->title);
	}
	snprintf(f[n].label, sizeof(f[0].label), "Time");
	exchange_fmt_time(q->ex, a->time, 1, f[n].value, sizeof(f[0].value));
	return n + 1;
}

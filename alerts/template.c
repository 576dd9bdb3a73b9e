/*
 * A webhook's body template: text with TradingView-style placeholders,
 * "{\"text\":\"{{symbol}} {{price}} {{rule}}\"}", filled from an alert.
 * Values go in JSON-escaped when the body is JSON (the template supplies
 * the quotes), as they are otherwise.  An unknown placeholder is found
 * when the configuration is read, not when an alert is sent.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

static const char *const names[] = {
	"symbol", "price", "change_pct", "rule", "threshold", "high52",
	"low52", "time", "note", "message", "currency", "id",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

/* The placeholder at p ("{{name}}"): its index, and *len its length;
 * -1 when p does not start one, -2 when it names nothing known. */
static int
placeholder(const char *p, size_t *len)
{
	const char	*end;
	size_t		 i, n;

	if (strncmp(p, "{{", 2) != 0 || (end = strstr(p + 2, "}}")) == NULL)
		return -1;
	n = (size_t)(end - (p + 2));
	*len = n + 4;
	for (i = 0; i < NNAMES; i++)
		if (strlen(names[i]) == n && strncmp(p + 2, names[i], n) == 0)
			return (int)i;
	return -2;
}

/*
 * Whether a template names only known placeholders; if not, err says
 * which one, and the ones there are.
 */
int
template_check(const char *t, char *err, size_t errlen)
{
	size_t	 len, i, off = 0;
	int	 k;

	for (; *t != '\0'; t++) {
		if ((k = placeholder(t, &len)) == -1)
			continue;
		if (k == -2) {
			off = (size_t)snprintf(err, errlen, "unknown placeholder "
			    "%.*s (known:", (int)(len > 40 ? 40 : len), t);
			for (i = 0; i < NNAMES && off < errlen; i++)
				off += (size_t)snprintf(err + off, errlen - off,
				    " {{%s}}", names[i]);
			if (off < errlen)
				snprintf(err + off, errlen - off, ")");
			return -1;
		}
		t += len - 1;
	}
	return 0;
}

/* s into b, escaped for the inside of a JSON string when json. */
static void
put(struct buf *b, const char *s, int json)
{
	char	 u[8];

	if (!json) {
		buf_puts(b, s);
		return;
	}
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f) {
				snprintf(u, sizeof(u), "\\u%04x",
				    (unsigned char)*s);
				buf_puts(b, u);
			} else
				buf_add(b, s, 1);
		}
	}
}

/* A number as the placeholders give it; "" when unknown. */
static void
num(double v, char *out, size_t len)
{
	if (isfinite(v))
		fmt_price(v, out, len);
	else
		*out = '\0';
}

/* The value of placeholder k for alert a. */
static void
value_of(int k, const struct alert *a, char *out, size_t len)
{
	switch (k) {
	case 0: snprintf(out, len, "%s", a->symbol); break;
	case 1: num(a->quote.price, out, len); break;
	case 2:
		if (isfinite(a->change_pct))
			snprintf(out, len, "%.2f", a->change_pct);
		else
			*out = '\0';
		break;
	case 3: snprintf(out, len, "%s", a->rule_text); break;
	case 4: num(a->threshold, out, len); break;
	case 5: num(a->quote.high52, out, len); break;
	case 6: num(a->quote.low52, out, len); break;
	case 7: fmt_time(a->time, FMT_ISO, out, len); break;
	case 9: alert_line(a, out, len); break;
	case 11: snprintf(out, len, "%s", a->msg_id ? a->msg_id : ""); break;
	default: snprintf(out, len, "%s", a->quote.currency); break;
	}
}

/* The template t filled from alert a, into b. */
void
template_render(struct buf *b, const char *t, const struct alert *a,
    int json)
{
	char	 v[1024];
	size_t	 len;
	int	 k;

	for (; *t != '\0'; t++) {
		if ((k = placeholder(t, &len)) < 0) {
			buf_add(b, t, 1);
			continue;
		}
		if (k == 8)	/* a note may be long: as it is */
			put(b, a->note ? a->note : "", json);
		else {
			value_of(k, a, v, sizeof(v));
			put(b, v, json);
		}
		t += len - 1;
	}
}

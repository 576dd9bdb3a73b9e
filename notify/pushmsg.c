/*
 * The messages of the phone services, made when an alert fires (or a
 * digest window closes) and kept in the outbox as they will be sent:
 * the request's own header lines, an empty line, and its body.  What
 * identifies the sender (a bot token, a webhook URL, an app token) is
 * not in them: push.c adds it from the configuration of the moment.
 *
 *	telegram	sendMessage's JSON, HTML parse mode, 4096 UTF-16 units
 *	discord		an execute-webhook JSON: content (2000) and an embed
 *			coloured by direction, with fields
 *	slack		an incoming-webhook JSON: fallback text and blocks
 *	ntfy		Title, Priority, Tags, Click; a plain body, 4096 bytes
 *	pushover	a form: message (1024 characters), title, url, priority
 *	gotify		a message JSON, plain text, with a click URL
 *
 * Every one carries the note.  A digest is one message: the alerts
 * listed, each with its note, as many as the limit takes, then how many
 * more there were.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define DEFAULT_LINK	"https://finance.yahoo.com/quote/{{symbol}}"
#define DIGEST_NOTE	600	/* units of each note in a digest */
#define COLOR_UP	0x2e7d32
#define COLOR_DOWN	0xc62828
#define COLOR_NONE	0x607d8b

/* The page an alert links to ("" for none): the template, URL-safe. */
static void
link_of(const struct notifier *n, const struct alert *a, char *out,
    size_t len)
{
	struct buf	 b = { 0 };
	const char	*p;
	size_t		 o = 0;

	*out = '\0';
	if ((n->link != NULL && *n->link == '\0') || a->symbol[0] == '\0')
		return;
	template_render(&b, n->link ? n->link : DEFAULT_LINK, a, 0);
	for (p = b.data; p != NULL && *p != '\0' && o + 4 < len; p++) {
		if ((unsigned char)*p <= ' ' || strchr("^\"<>\\`{|}", *p) ||
		    (unsigned char)*p >= 0x7f)
			o += (size_t)snprintf(out + o, len - o, "%%%02X",
			    (unsigned char)*p);
		else
			out[o++] = *p;
	}
	out[o] = '\0';
	buf_free(&b);
}

/* Header lines of the request, then the empty line, then the body. */
static void
request(struct buf *b, const char *headers, const char *body)
{
	buf_puts(b, headers);
	buf_puts(b, "\n");
	buf_puts(b, body);
}

/* A JSON body (stolen), with its Content-Type. */
static void
request_json(struct buf *b, json_t *j)
{
	char	*s;

	/* the texts are made valid first (pushtext.c): this is no more
	 * than out of memory, and costs the one message, which its service
	 * will refuse and the queue will report */
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		log_warnx("push: a message's JSON body could not be made");
		s = xstrdup("{}");
	}
	json_decref(j);
	request(b, "Content-Type: application/json\n", s);
	free(s);
}

/* The last line of a digest that did not take all its alerts. */
static void
more(struct text *t, size_t left, size_t reserved)
{
	char	 s[64];

	if (left == 0)
		return;
	snprintf(s, sizeof(s), "\n\xe2\x80\xa6 and %zu more alert%s", left,
	    left == 1 ? "" : "s");
	t->cut = 0;
	t->limit += reserved;
	ptext_raw(t, s);
	t->cut = 1;
}

/* A note, cut to at most max units of t's, escaped for markup m. */
static void
note_put(struct text *t, const char *prefix, const char *note, size_t max,
    enum text_markup m)
{
	struct text	 x;

	if (note == NULL || *note == '\0' || t->cut)
		return;
	if (ptext_raw(t, prefix) == -1)
		return;
	ptext_init(&x, max < t->limit - t->used ? max : t->limit - t->used,
	    t->unit);
	ptext_put(&x, note, m);
	ptext_raw(t, ptext_str(&x));
	ptext_free(&x);
}

/* An alert in plain text: what happened, the figures, the link. */
static void
plain_alert(struct text *t, const struct alert *a, const char *link,
    enum text_markup m)
{
	struct fact	 f[FACTS_MAX];
	char		 line[512];
	size_t		 i, nf = alert_facts(a, f);

	alert_describe(a, line, sizeof(line));
	ptext_put(t, line, m);
	ptext_raw(t, "\n\n");
	for (i = 0; i < nf; i++) {
		snprintf(line, sizeof(line), "%.15s: %.127s\n", f[i].label,
		    f[i].value);
		ptext_put(t, line, m);
	}
	if (*link != '\0') {
		ptext_put(t, link, m);
		ptext_raw(t, "\n");
	}
}

/* Telegram: HTML, the note last and cut to what is left of 4096. */
static void
telegram_text(struct text *t, const struct notifier *n,
    const struct alert *a, size_t na)
{
	static const int esc[] = { 0, 1, 0 };
	const char	*piece[3];
	char		 subj[256], link[512], head[64];
	size_t		 i;

	if (na == 1) {
		alert_subject(&a[0], subj, sizeof(subj));
		link_of(n, &a[0], link, sizeof(link));
		piece[0] = "<b>", piece[1] = subj, piece[2] = "</b>\n";
		ptext_whole(t, piece, esc, 3, MARKUP_HTML);
		plain_alert(t, &a[0], "", MARKUP_HTML);
		if (*link != '\0') {
			piece[0] = "<a href=\"", piece[1] = link;
			piece[2] = "\">Quote page</a>\n";
			ptext_whole(t, piece, esc, 3, MARKUP_HTML);
		}
		note_put(t, "\n<b>Note:</b> ", a[0].note, t->limit,
		    MARKUP_HTML);
		return;
	}
	t->limit -= 40;		/* for "and N more" */
	snprintf(head, sizeof(head), "<b>tickerd: %zu alerts</b>\n", na);
	ptext_raw(t, head);
	for (i = 0; i < na && !t->cut; i++) {
		alert_subject(&a[i], subj, sizeof(subj));
		piece[0] = "\n<b>", piece[1] = subj, piece[2] = "</b>\n";
		if (ptext_whole(t, piece, esc, 3, MARKUP_HTML) == -1)
			break;
		note_put(t, "", a[i].note, DIGEST_NOTE, MARKUP_HTML);
		ptext_raw(t, "\n");
	}
	more(t, na - i, 40);
}

static void
telegram(struct buf *b, const struct notifier *n, const struct alert *a,
    size_t na)
{
	struct text	 t;
	json_t		*j;
	char		*end;
	long long	 id;

	ptext_init(&t, 4096, TEXT_UTF16);
	telegram_text(&t, n, a, na);
	id = strtoll(n->chat_id, &end, 10);
	j = json_pack("{s:o, s:s, s:s, s:{s:b}}", "chat_id", *end == '\0' ?
	    json_integer(id) : json_string(n->chat_id), "text", ptext_str(&t),
	    "parse_mode", "HTML", "link_preview_options", "is_disabled", 1);
	if (j != NULL && n->thread_id > 0)
		json_object_set_new(j, "message_thread_id",
		    json_integer(n->thread_id));
	if (j != NULL && n->silent)
		json_object_set_new(j, "disable_notification", json_true());
	ptext_free(&t);
	request_json(b, j);
}

/* Discord's embed fields: the figures, inline. */
static json_t *
discord_fields(const struct alert *a)
{
	struct fact	 f[FACTS_MAX];
	struct text	 v;
	json_t		*arr = json_array();
	size_t		 i, nf = alert_facts(a, f);

	for (i = 0; i < nf; i++) {
		ptext_init(&v, 1024, TEXT_UTF16);
		ptext_put(&v, f[i].value, MARKUP_DISCORD);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "name",
		    f[i].label, "value", ptext_str(&v), "inline", 1));
		ptext_free(&v);
	}
	return arr;
}

static void
discord(struct buf *b, const struct notifier *n, const struct alert *a,
    size_t na)
{
	struct text	 content, title, desc;
	json_t		*embed, *j;
	char		 s[512], when[32], link[512];
	size_t		 i;
	int		 dir = na == 1 ? alert_direction(&a[0]) : 0;

	ptext_init(&content, 2000, TEXT_UTF16);
	ptext_init(&title, 256, TEXT_UTF16);
	ptext_init(&desc, 4096, TEXT_UTF16);
	if (na == 1) {
		alert_subject(&a[0], s, sizeof(s));
		ptext_put(&content, s, MARKUP_DISCORD);
		ptext_put(&title, s, MARKUP_DISCORD);
		alert_describe(&a[0], s, sizeof(s));
		ptext_put(&desc, s, MARKUP_DISCORD);
		note_put(&desc, "\n\n**Note:** ", a[0].note, desc.limit,
		    MARKUP_DISCORD);
	} else {
		snprintf(s, sizeof(s), "tickerd: %zu alerts", na);
		ptext_put(&content, s, MARKUP_DISCORD);
		ptext_put(&title, s, MARKUP_DISCORD);
		desc.limit -= 40;
		for (i = 0; i < na && !desc.cut; i++) {
			alert_subject(&a[i], s, sizeof(s));
			if (ptext_raw(&desc, i ? "\n\n**" : "**") == -1 ||
			    ptext_put(&desc, s, MARKUP_DISCORD) == -1 ||
			    ptext_raw(&desc, "**") == -1)
				break;
			note_put(&desc, "\n", a[i].note, DIGEST_NOTE,
			    MARKUP_DISCORD);
		}
		more(&desc, na - i, 40);
	}
	fmt_time(a[na - 1].time, FMT_ISO, when, sizeof(when));
	embed = json_pack("{s:s, s:s, s:i, s:s, s:{s:s}}", "title",
	    ptext_str(&title), "description", ptext_str(&desc), "color",
	    dir > 0 ? COLOR_UP : dir < 0 ? COLOR_DOWN : COLOR_NONE,
	    "timestamp", when, "footer", "text", "tickerd");
	if (embed != NULL && na == 1) {
		json_object_set_new(embed, "fields", discord_fields(&a[0]));
		link_of(n, &a[0], link, sizeof(link));
		if (*link != '\0')
			json_object_set_new(embed, "url", json_string(link));
	}
	j = json_pack("{s:s, s:[o], s:{s:[]}}", "content", ptext_str(&content),
	    "embeds", embed, "allowed_mentions", "parse");
	if (j != NULL && n->silent)	/* SUPPRESS_NOTIFICATIONS */
		json_object_set_new(j, "flags", json_integer(1 << 12));
	ptext_free(&content);
	ptext_free(&title);
	ptext_free(&desc);
	request_json(b, j);
}

/* A Slack text object of the given type, escaped, within max. */
static json_t *
slack_text(const char *type, const char *s, size_t max)
{
	struct text	 t;
	json_t		*j;

	ptext_init(&t, max, TEXT_CHARS);
	ptext_put(&t, s, MARKUP_SLACK);
	j = json_pack("{s:s, s:s}", "type", type, "text", ptext_str(&t));
	if (j != NULL && strcmp(type, "plain_text") == 0)
		json_object_set_new(j, "emoji", json_false());
	ptext_free(&t);
	return j;
}

/* Slack's blocks for one alert: header, what and figures, note, link. */
static void
slack_one(json_t *blocks, const struct notifier *n, const struct alert *a)
{
	struct fact	 f[FACTS_MAX];
	json_t		*fields = json_array(), *sec;
	char		 s[640], link[512];
	size_t		 i, nf = alert_facts(a, f);

	alert_subject(a, s, sizeof(s));
	json_array_append_new(blocks, json_pack("{s:s, s:o}", "type",
	    "header", "text", slack_text("plain_text", s, 150)));
	for (i = 0; i < nf; i++) {
		snprintf(s, sizeof(s), "*%.15s*\n%.127s", f[i].label,
		    f[i].value);
		json_array_append_new(fields, slack_text("mrkdwn", s, 2000));
	}
	alert_describe(a, s, sizeof(s));
	sec = json_pack("{s:s, s:o, s:o}", "type", "section", "text",
	    slack_text("mrkdwn", s, 3000), "fields", fields);
	json_array_append_new(blocks, sec);
	if (a->note != NULL && *a->note != '\0')
		json_array_append_new(blocks, json_pack("{s:s, s:o}", "type",
		    "section", "text", slack_text("plain_text", a->note,
		    3000)));
	link_of(n, a, link, sizeof(link));
	snprintf(s, sizeof(s), "<%s|%s quote page> \xc2\xb7 tickerd", link,
	    a->symbol);
	if (*link != '\0')
		json_array_append_new(blocks, json_pack("{s:s, s:[{s:s, s:s}]}",
		    "type", "context", "elements", "type", "mrkdwn", "text", s));
}

static void
slack(struct buf *b, const struct notifier *n, const struct alert *a,
    size_t na)
{
	json_t		*blocks = json_array();
	struct text	 fb;
	char		 s[256];
	size_t		 i;

	ptext_init(&fb, 3000, TEXT_CHARS);	/* the notification's text */
	if (na == 1) {
		slack_one(blocks, n, &a[0]);
		alert_subject(&a[0], s, sizeof(s));
		ptext_put(&fb, s, MARKUP_SLACK);
		note_put(&fb, "\n", a[0].note, fb.limit, MARKUP_SLACK);
	} else {
		snprintf(s, sizeof(s), "tickerd: %zu alerts", na);
		ptext_put(&fb, s, MARKUP_SLACK);
		json_array_append_new(blocks, json_pack("{s:s, s:o}", "type",
		    "header", "text", slack_text("plain_text", s, 150)));
		/* at most 50 blocks: two an alert, one for the rest */
		for (i = 0; i < na && i < 24; i++) {
			alert_subject(&a[i], s, sizeof(s));
			json_array_append_new(blocks, json_pack("{s:s, s:o}",
			    "type", "section", "text", slack_text("mrkdwn",
			    s, 3000)));
			if (a[i].note != NULL && *a[i].note != '\0')
				json_array_append_new(blocks, json_pack(
				    "{s:s, s:o}", "type", "context",
				    "elements", json_pack("[o]", slack_text(
				    "plain_text", a[i].note, DIGEST_NOTE))));
		}
		if (i < na) {
			snprintf(s, sizeof(s), "\xe2\x80\xa6 and %zu more "
			    "alerts", na - i);
			json_array_append_new(blocks, json_pack("{s:s, s:o}",
			    "type", "section", "text", slack_text("mrkdwn",
			    s, 3000)));
		}
	}
	request_json(b, json_pack("{s:s, s:o}", "text", ptext_str(&fb),
	    "blocks", blocks));
	ptext_free(&fb);
}

/* A plain body of the alerts, within limit units (ntfy, pushover). */
static void
plain_body(struct text *t, const struct notifier *n, const struct alert *a,
    size_t na)
{
	char	 s[512], link[512];
	size_t	 i;

	if (na == 1) {
		link_of(n, &a[0], link, sizeof(link));
		plain_alert(t, &a[0], link, MARKUP_NONE);
		note_put(t, "\nNote: ", a[0].note, t->limit, MARKUP_NONE);
		return;
	}
	t->limit -= 40;
	for (i = 0; i < na && !t->cut; i++) {
		alert_subject(&a[i], s, sizeof(s));
		if (ptext_raw(t, i ? "\n\n" : "") == -1 ||
		    ptext_put(t, s, MARKUP_NONE) == -1)
			break;
		note_put(t, "\nNote: ", a[i].note, DIGEST_NOTE, MARKUP_NONE);
	}
	more(t, na - i, 40);
}

/* The title of a message: the alert's subject, or the digest's. */
static void
title_of(const struct alert *a, size_t na, char *out, size_t len)
{
	if (na == 1)
		alert_subject(&a[0], out, len);
	else
		snprintf(out, len, "tickerd: %zu alerts", na);
}

static void
ntfy(struct buf *b, const struct notifier *n, const struct alert *a,
    size_t na)
{
	struct buf	 h = { 0 };
	struct text	 t;
	char		 title[256], link[512];
	int		 dir = na == 1 ? alert_direction(&a[0]) : 0;

	title_of(a, na, title, sizeof(title));
	buf_puts(&h, "Title: ");
	ptext_header(&h, title);
	buf_puts(&h, "\n");
	if (n->has_priority)
		buf_printf(&h, "Priority: %d\n", n->push_priority);
	buf_printf(&h, "Tags: %s\n", dir > 0 ? "chart_with_upwards_trend" :
	    dir < 0 ? "chart_with_downwards_trend" : "bell");
	link_of(n, &a[0], link, sizeof(link));
	if (na == 1 && *link != '\0')
		buf_printf(&h, "Click: %s\n", link);
	buf_puts(&h, "Content-Type: text/plain; charset=utf-8\n");
	ptext_init(&t, 4096, TEXT_BYTES);	/* more is an attachment */
	plain_body(&t, n, a, na);
	request(b, h.data, ptext_str(&t));
	ptext_free(&t);
	buf_free(&h);
}

/* s percent-encoded as a form value. */
static void
form(struct buf *b, const char *name, const char *s)
{
	buf_printf(b, "%s%s=", b->len > 0 ? "&" : "", name);
	for (; *s != '\0'; s++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"
		    "Z0123456789-._~", *s) != NULL)
			buf_add(b, s, 1);
		else
			buf_printf(b, "%%%02X", (unsigned char)*s);
	}
}

static void
pushover(struct buf *b, const struct notifier *n, const struct alert *a,
    size_t na)
{
	struct buf	 f = { 0 };
	struct text	 t, title;
	char		 s[256], link[512];

	ptext_init(&t, 1024, TEXT_CHARS);
	plain_body(&t, n, a, na);
	ptext_init(&title, 250, TEXT_CHARS);
	title_of(a, na, s, sizeof(s));
	ptext_put(&title, s, MARKUP_NONE);
	form(&f, "message", ptext_str(&t));
	form(&f, "title", ptext_str(&title));
	link_of(n, &a[0], link, sizeof(link));
	if (na == 1 && *link != '\0' && strlen(link) <= 512) {
		form(&f, "url", link);
		snprintf(s, sizeof(s), "%.90s quote page", a[0].symbol);
		form(&f, "url_title", s);
	}
	if (n->has_priority) {
		snprintf(s, sizeof(s), "%d", n->push_priority);
		form(&f, "priority", s);
		if (n->push_priority == 2) {	/* emergency: until seen */
			form(&f, "retry", "60");
			form(&f, "expire", "3600");
		}
	}
	snprintf(s, sizeof(s), "%lld", (long long)a[na - 1].time);
	form(&f, "timestamp", s);
	request(b, "Content-Type: application/x-www-form-urlencoded\n",
	    f.data);
	ptext_free(&t);
	ptext_free(&title);
	buf_free(&f);
}

static void
gotify(struct buf *b, const struct notifier *n, const struct alert *a,
    size_t na)
{
	struct text	 t;
	json_t		*j;
	char		 title[256], link[512];

	title_of(a, na, title, sizeof(title));
	ptext_init(&t, 16384, TEXT_BYTES);
	plain_body(&t, n, a, na);
	j = json_pack("{s:s, s:s, s:{s:{s:s}}}", "title", title, "message",
	    ptext_str(&t), "extras", "client::display", "contentType",
	    "text/plain");
	link_of(n, &a[0], link, sizeof(link));
	if (j != NULL && na == 1 && *link != '\0')
		json_object_set_new(json_object_get(j, "extras"),
		    "client::notification", json_pack("{s:{s:s}}", "click",
		    "url", link));
	if (j != NULL && n->has_priority)
		json_object_set_new(j, "priority",
		    json_integer(n->push_priority));
	ptext_free(&t);
	request_json(b, j);
}

/* The request announcing na alerts (na > 1: a digest) through n. */
void
push_compose(struct buf *b, const struct notifier *n, const struct alert *a,
    size_t na)
{
	switch (n->type) {
	case NOTIFIER_TELEGRAM:	telegram(b, n, a, na); break;
	case NOTIFIER_DISCORD:	discord(b, n, a, na); break;
	case NOTIFIER_SLACK:	slack(b, n, a, na); break;
	case NOTIFIER_NTFY:	ntfy(b, n, a, na); break;
	case NOTIFIER_PUSHOVER:	pushover(b, n, a, na); break;
	default:		gotify(b, n, a, na); break;
	}
}

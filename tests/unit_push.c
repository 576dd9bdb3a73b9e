/*
 * The phone services' messages (notify/pushmsg.c) and the texts they are
 * built of (alerts/pushtext.c): cuts between characters and escapes,
 * never inside; each service's limit kept, counted its way (Telegram's
 * 4096 and Discord's 2000 in UTF-16 units, ntfy's 4096 bytes, Pushover's
 * 1024 characters); a digest as one message; no secret in what is kept.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"
#include "unit.h"

#define NOW	1772480400

/* UTF-16 units of a UTF-8 string, as Telegram and Discord count. */
static size_t
utf16(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) == 0x80)
			continue;
		n += ((unsigned char)*s >= 0xf0) ? 2 : 1;
	}
	return n;
}

/* A note of n bytes of markup, entities-to-be and wide characters. */
static char *
long_note(size_t n)
{
	static const char	 unit[] = "<b>&amp; *x* \xc3\xa9\xf0\x9f\x98\x80 ";
	char			*s = xmalloc(n + 1);
	size_t			 i, k = strlen(unit);

	for (i = 0; i + k <= n; i += k)
		memcpy(s + i, unit, k);
	s[i] = '\0';
	return s;
}

static void
make_alert(struct alert *a, const char *symbol, const char *note)
{
	struct quote	 q = { .price = 45.12, .prev_close = 43.72,
			    .high52 = 44.53, .low52 = 27.73, .volume = -1,
			    .time = NOW, .currency = "USD" };
	struct rule	 r = { .kind = RULE_ABOVE, .value = 44.53,
			    .text = (char *)"above 44.53",
			    .id = (char *)"above 44.53",
			    .valtext = (char *)"44.53" };
	struct symref	 ref;

	tk_strlcpy(q.symbol, symbol, sizeof(q.symbol));
	symref_init(&ref);
	alert_init(a, symbol, note, &r, &q, &ref, NOW);
}

/* The body of a composed request, past its header lines. */
static const char *
body_of(const struct buf *b)
{
	const char	*p = strstr(b->data, "\n\n");

	if (b->data[0] == '\n')
		return b->data + 1;
	ck_assert_ptr_nonnull(p);
	return p + 2;
}

static json_t *
compose_json(const struct notifier *n, struct alert *a, size_t na,
    struct buf *b)
{
	json_t	*j;

	push_compose(b, n, a, na);
	ck_assert_ptr_nonnull(j = json_loads(body_of(b), 0, NULL));
	return j;
}

START_TEST(test_cut_between_characters)
{
	struct text	 t;

	ptext_init(&t, 8, TEXT_UTF16);
	ck_assert_int_eq(ptext_put(&t, "ab\xf0\x9f\x98\x80" "cdefgh",
	    MARKUP_NONE), -1);
	ck_assert_str_eq(ptext_str(&t), "ab\xf0\x9f\x98\x80" "cde\xe2\x80\xa6");
	ck_assert_uint_eq(t.used, 8);
	ck_assert_int_eq(ptext_put(&t, "more", MARKUP_NONE), -1);
	ptext_free(&t);

	/* an escape goes in whole or not at all */
	ptext_init(&t, 12, TEXT_UTF16);
	ptext_put(&t, "&&&&", MARKUP_HTML);
	ck_assert_str_eq(ptext_str(&t), "&amp;&amp;\xe2\x80\xa6");
	ptext_free(&t);
	ptext_init(&t, 6, TEXT_UTF16);
	ptext_put(&t, "a*b*c", MARKUP_DISCORD);
	ck_assert_str_eq(ptext_str(&t), "a\\*b\xe2\x80\xa6");
	ptext_free(&t);

	/* bytes: the ellipsis is three */
	ptext_init(&t, 5, TEXT_BYTES);
	ptext_put(&t, "\xc3\xa9\xc3\xa9\xc3\xa9", MARKUP_NONE);
	ck_assert_str_eq(ptext_str(&t), "\xc3\xa9\xe2\x80\xa6");
	ptext_free(&t);

	/* what fits exactly is not cut */
	ptext_init(&t, 3, TEXT_CHARS);
	ck_assert_int_eq(ptext_put(&t, "\xc3\xa9\xc3\xa9\xc3\xa9",
	    MARKUP_NONE), 0);
	ptext_free(&t);
}
END_TEST

START_TEST(test_header_value)
{
	struct buf	 b = { 0 };

	ptext_header(&b, "Z\xc3\xbcrich");
	ck_assert_str_eq(b.data, "=?UTF-8?B?WsO8cmljaA==?=");
	buf_free(&b);
	ptext_header(&b, "a\r\nInjected: yes");
	ck_assert_str_eq(b.data, "a  Injected: yes");
	buf_free(&b);
}
END_TEST

/* Telegram: a 5000-byte note; 4096 units; entities whole; tags closed. */
START_TEST(test_telegram_limit)
{
	struct notifier	 n = { .type = NOTIFIER_TELEGRAM,
			    .chat_id = (char *)"@tickerd_alerts" };
	struct buf	 b = { 0 };
	struct alert	 a;
	json_t		*j;
	const char	*text, *p;
	char		*note = long_note(5000);

	make_alert(&a, "CALX", note);
	j = compose_json(&n, &a, 1, &b);
	ck_assert_str_eq(json_string_value(json_object_get(j, "chat_id")),
	    "@tickerd_alerts");
	text = json_string_value(json_object_get(j, "text"));
	ck_assert_uint_le(utf16(text), 4096);
	ck_assert_uint_ge(utf16(text), 4000);
	ck_assert(utf8_valid(text, strlen(text)));
	ck_assert_ptr_nonnull(strstr(text, "\xe2\x80\xa6"));
	for (p = text; (p = strchr(p, '&')) != NULL; p++)
		ck_assert(strncmp(p, "&amp;", 5) == 0 ||
		    strncmp(p, "&lt;", 4) == 0 || strncmp(p, "&gt;", 4) == 0 ||
		    strncmp(p, "&quot;", 6) == 0);
	ck_assert_ptr_nonnull(strstr(text, "&lt;b&gt;&amp;amp;"));
	ck_assert_ptr_nonnull(strstr(text, "<b>Note:</b>"));
	json_decref(j);
	alert_clear(&a);
	buf_free(&b);
	free(note);
}
END_TEST

/* Discord: a digest of 40 alerts is one message within every limit. */
START_TEST(test_discord_digest)
{
	struct notifier	 n = { .type = NOTIFIER_DISCORD };
	struct alert	 a[40];
	struct buf	 b = { 0 };
	json_t		*j, *e;
	const char	*desc;
	char		*note = long_note(700), sym[8];
	size_t		 i;

	for (i = 0; i < 40; i++) {
		snprintf(sym, sizeof(sym), "S%zu", i);
		make_alert(&a[i], sym, note);
	}
	j = compose_json(&n, a, 40, &b);
	ck_assert_str_eq(json_string_value(json_object_get(j, "content")),
	    "tickerd: 40 alerts");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "embeds")), 1);
	e = json_array_get(json_object_get(j, "embeds"), 0);
	desc = json_string_value(json_object_get(e, "description"));
	ck_assert_uint_le(utf16(desc), 4096);
	ck_assert(utf8_valid(desc, strlen(desc)));
	ck_assert_ptr_nonnull(strstr(desc, "**S0 45.12 USD crossed above 44.53**"));
	ck_assert_ptr_nonnull(strstr(desc, "more alerts"));
	ck_assert_ptr_nonnull(strstr(desc, "\\<b\\>&amp; \\*x\\*"));
	ck_assert_int_eq(json_integer_value(json_object_get(e, "color")),
	    0x607d8b);
	json_decref(j);
	for (i = 0; i < 40; i++)
		alert_clear(&a[i]);
	buf_free(&b);
	free(note);
}
END_TEST

/* Slack: at most 50 blocks, and the rest counted. */
START_TEST(test_slack_digest)
{
	struct notifier	 n = { .type = NOTIFIER_SLACK };
	struct alert	 a[60];
	struct buf	 b = { 0 };
	json_t		*j, *blocks, *last;
	char		 sym[8];
	size_t		 i;

	for (i = 0; i < 60; i++) {
		snprintf(sym, sizeof(sym), "S%zu", i);
		make_alert(&a[i], sym, "a <note> & more");
	}
	j = compose_json(&n, a, 60, &b);
	blocks = json_object_get(j, "blocks");
	ck_assert_uint_le(json_array_size(blocks), 50);
	last = json_array_get(blocks, json_array_size(blocks) - 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(last,
	    "text"), "text")), "\xe2\x80\xa6 and 36 more alerts");
	ck_assert_ptr_nonnull(strstr(b.data, "a &lt;note&gt; &amp; more"));
	json_decref(j);
	for (i = 0; i < 60; i++)
		alert_clear(&a[i]);
	buf_free(&b);
}
END_TEST

/* ntfy: headers, and a body of at most 4096 bytes. */
START_TEST(test_ntfy)
{
	struct notifier	 n = { .type = NOTIFIER_NTFY, .topic = (char *)"t",
			    .push_priority = 5, .has_priority = 1,
			    .link = (char *)"https://example.com/q/{{symbol}}" };
	struct buf	 b = { 0 };
	struct alert	 a;
	const char	*body;
	char		*note = long_note(6000);

	make_alert(&a, "^GSPC", note);
	push_compose(&b, &n, &a, 1);
	ck_assert(strncmp(b.data, "Title: ^GSPC 45.12 USD crossed above "
	    "44.53\nPriority: 5\nTags: chart_with_upwards_trend\n"
	    "Click: https://example.com/q/%5EGSPC\n", 120) == 0);
	body = body_of(&b);
	ck_assert_uint_le(strlen(body), 4096);
	ck_assert_uint_ge(strlen(body), 4090);
	ck_assert(utf8_valid(body, strlen(body)));
	ck_assert_ptr_nonnull(strstr(body, "Note: <b>&amp; *x*"));
	alert_clear(&a);
	buf_free(&b);
	free(note);
}
END_TEST

/* Pushover: a form of 1024 characters at most, and no secret in it. */
START_TEST(test_pushover)
{
	struct notifier	 n = { .type = NOTIFIER_PUSHOVER,
			    .token = (char *)"azGDORePK8gMaC0QOYAMyEEuzJnyUi",
			    .user_key = (char *)"uQiRzpo4DXghDmr9QzzfQu27cmVRsG",
			    .push_priority = 2, .has_priority = 1 };
	struct buf	 b = { 0 };
	struct alert	 a;
	char		*note = long_note(3000), *msg, *p, *q;
	size_t		 chars = 0;

	make_alert(&a, "CALX", note);
	push_compose(&b, &n, &a, 1);
	ck_assert_ptr_null(strstr(b.data, n.token));
	ck_assert_ptr_null(strstr(b.data, n.user_key));
	ck_assert_ptr_nonnull(strstr(b.data, "&priority=2&retry=60&"
	    "expire=3600&timestamp=1772480400"));
	/* the message, decoded, in characters */
	p = strstr(b.data, "message=") + 8;
	msg = xstrndup(p, strcspn(p, "&"));
	for (p = q = msg; *p != '\0'; p++, q++) {
		if (*p == '%') {
			*q = (char)strtol((char[3]){ p[1], p[2], 0 }, NULL, 16);
			p += 2;
		} else
			*q = *p;
	}
	*q = '\0';
	ck_assert(utf8_valid(msg, strlen(msg)));
	for (p = msg; *p != '\0'; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	ck_assert_uint_le(chars, 1024);
	ck_assert_uint_ge(chars, 1000);
	free(msg);
	alert_clear(&a);
	buf_free(&b);
	free(note);
}
END_TEST

/* Gotify: plain text, a click URL, the priority; no link when "". */
START_TEST(test_gotify)
{
	struct notifier	 n = { .type = NOTIFIER_GOTIFY, .link = (char *)"",
			    .push_priority = 8, .has_priority = 1 };
	struct buf	 b = { 0 };
	struct alert	 a;
	json_t		*j, *x;

	make_alert(&a, "CALX", "*not bold*");
	j = compose_json(&n, &a, 1, &b);
	x = json_object_get(j, "extras");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(x,
	    "client::display"), "contentType")), "text/plain");
	ck_assert_ptr_null(json_object_get(x, "client::notification"));
	ck_assert_int_eq(json_integer_value(json_object_get(j, "priority")), 8);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j,
	    "message")), "Note: *not bold*"));
	json_decref(j);
	alert_clear(&a);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("push");
	TCase	*tc = tcase_create("push");

	tcase_add_test(tc, test_cut_between_characters);
	tcase_add_test(tc, test_header_value);
	tcase_add_test(tc, test_telegram_limit);
	tcase_add_test(tc, test_discord_digest);
	tcase_add_test(tc, test_slack_digest);
	tcase_add_test(tc, test_ntfy);
	tcase_add_test(tc, test_pushover);
	tcase_add_test(tc, test_gotify);
	suite_add_tcase(s, tc);
	return unit_run(s);
}

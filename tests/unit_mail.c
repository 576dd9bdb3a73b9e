/*
 * Mail composition: RFC 5322 headers, MIME structure, CRLF only, line
 * lengths, RFC 2047, and no header injection from a note or config string.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"
#include "unit.h"

static struct rule	 rule_above = { .kind = RULE_ABOVE, .value = 44.53,
    .text = (char *)"above 44.53", .valtext = (char *)"44.53" };

static void
make_alert(struct alert *a, const char *note)
{
	struct watch	 w;
	struct quote	 q;
	struct symref	 ref;

	memset(&w, 0, sizeof(w));
	w.symbol = (char *)"CALX";
	w.note = (char *)note;
	memset(&q, 0, sizeof(q));
	snprintf(q.symbol, sizeof(q.symbol), "CALX");
	q.price = 45.12;
	q.prev_close = 43.72;
	q.high52 = 44.53;
	q.low52 = 27.73;
	q.time = 1772480400;
	snprintf(q.currency, sizeof(q.currency), "USD");
	memset(&ref, 0, sizeof(ref));
	alert_init(a, w.symbol, w.note, &rule_above, &q, &ref, 1772480400);
}

/* The header block: everything before the first empty line. */
static char *
headers_of(const char *msg)
{
	const char	*e = strstr(msg, "\r\n\r\n");

	ck_assert_ptr_nonnull(e);
	return xstrndup(msg, (size_t)(e - msg) + 2);
}

static void
check_crlf(const struct buf *b)
{
	size_t	 i, col = 0;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\n')
			ck_assert_msg(i > 0 && b->data[i - 1] == '\r',
			    "bare LF at offset %zu", i);
		if (b->data[i] == '\r')
			ck_assert_msg(i + 1 < b->len && b->data[i + 1] == '\n',
			    "bare CR at offset %zu", i);
		if (b->data[i] == '\n')
			col = 0;
		else if (++col > 998)
			ck_assert_msg(0, "line longer than 998 octets");
		ck_assert_msg(b->data[i] != '\0', "NUL in message");
	}
}

/* How many header fields (not continuation lines) start with name: */
static int
count_header(const char *hdrs, const char *name)
{
	const char	*p = hdrs;
	size_t		 n = strlen(name);
	int		 count = 0;

	while (*p != '\0') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			count++;
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
	}
	return count;
}

START_TEST(test_structure)
{
	struct buf	 b = { 0 };
	struct strlist	 to = { 0 };
	struct alert	 a;
	char		*h;
	static const char *const want[] = { "From", "To", "Date",
	    "Message-ID", "Subject", "MIME-Version", "Auto-Submitted",
	    "Content-Type" };
	size_t		 i;

	strlist_add(&to, "alice@example.com");
	make_alert(&a, "BEAD rural buildouts");
	mail_compose(&b, "tickerd <tickerd@example.com>", &to, &a, 1,
	    1772480400, "<1.2.3@host>");
	check_crlf(&b);
	h = headers_of(b.data);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(count_header(h, want[i]) == 1,
		    "header %s: %d times", want[i], count_header(h, want[i]));
	ck_assert(strstr(h, "From: tickerd <tickerd@example.com>\r\n"));
	ck_assert(strstr(h, "To: alice@example.com\r\n"));
	ck_assert(strstr(h, "Subject: [tickerd] CALX 45.12 USD crossed above "
	    "44.53\r\n"));
	ck_assert(strstr(h, "Message-ID: <1.2.3@host>\r\n"));
	ck_assert(strstr(h, "MIME-Version: 1.0\r\n"));
	ck_assert(strstr(h, "Auto-Submitted: auto-generated\r\n"));
	ck_assert(strstr(h, "Content-Type: multipart/alternative;\r\n "
	    "boundary=\""));
	/* a Date of RFC 5322 form */
	ck_assert_msg(strstr(h, "Date: ") && strstr(h, " 2026 ") &&
	    strstr(h, "Mar"), "%s", h);
	/* the parts, and the closing boundary */
	ck_assert(strstr(b.data, "Content-Type: text/plain; charset=utf-8"));
	ck_assert(strstr(b.data, "Content-Type: text/html; charset=utf-8"));
	{
		const char *bp = strstr(h, "boundary=\"") + 10;
		char bound[128], close[160];
		size_t n = strcspn(bp, "\"");
		snprintf(bound, sizeof(bound), "%.*s", (int)n, bp);
		snprintf(close, sizeof(close), "\r\n--%s--\r\n", bound);
		ck_assert_msg(strstr(b.data, close) != NULL, "no closing "
		    "boundary %s", close);
		ck_assert_str_eq(b.data + b.len - strlen(close), close);
	}
	/* the body names what matters */
	ck_assert(strstr(b.data, "CALX rose to 45.12 USD, at or above your "
	    "threshold of 44.53 USD."));
	ck_assert(strstr(b.data, "Note:      BEAD rural buildouts"));
	ck_assert(strstr(b.data, "52 weeks:  27.73 - 44.53"));
	ck_assert(strstr(b.data, "+3.20% from the previous close of 43.72"));
	ck_assert(strstr(b.data, "100% of the 52-week range"));
	free(h);
	alert_clear(&a);
	strlist_free(&to);
	buf_free(&b);
}
END_TEST

/* A note, a recipient or a sender cannot add a header. */
START_TEST(test_injection)
{
	struct buf	 b = { 0 };
	struct strlist	 to = { 0 };
	struct alert	 a;
	char		*h;

	strlist_add(&to, "alice@example.com\r\nBcc: evil@example.com");
	strlist_add(&to, "bob@example.com");
	make_alert(&a, "first line\nBcc: evil@example.com\r\n"
	    "Subject: pwned\n\n<script>alert(1)</script>");
	mail_compose(&b, "x\nBcc: evil2@example.com <t@example.com>", &to,
	    &a, 1, 1772480400, "<id\r\nBcc: e3@example.com@host>");
	check_crlf(&b);
	h = headers_of(b.data);
	ck_assert_int_eq(count_header(h, "Bcc"), 0);
	ck_assert_int_eq(count_header(h, "Subject"), 1);
	ck_assert_int_eq(count_header(h, "To"), 1);
	ck_assert_int_eq(count_header(h, "From"), 1);
	ck_assert_int_eq(count_header(h, "Message-ID"), 1);
	/* in the body, the note is quoted-printable text and escaped HTML */
	ck_assert(strstr(b.data, "Note:      first line\r\nBcc: evil@"));
	{
		const char *html = strstr(b.data, "Content-Type: text/html");
		ck_assert_ptr_nonnull(html);
		ck_assert(strstr(html, "&lt;script&gt;") != NULL);
		ck_assert(strstr(html, "<script>") == NULL);
	}
	free(h);
	alert_clear(&a);
	strlist_free(&to);
	buf_free(&b);
}
END_TEST

/* Non-ASCII header text is RFC 2047 encoded; long lines are folded. */
START_TEST(test_encoding)
{
	struct buf	 b = { 0 };
	struct strlist	 to = { 0 };
	struct alert	 a;
	char		*h, note[2048];
	size_t		 i;

	strlist_add(&to, "J\xc3\xbcrgen M\xc3\xbcller <j@example.com>");
	memset(note, 'x', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	make_alert(&a, note);
	mail_compose(&b, "B\xc3\xb6rse <b@example.com>", &to, &a, 1,
	    1772480400, "<1@h>");
	check_crlf(&b);
	h = headers_of(b.data);
	ck_assert_msg(strstr(h, "From: =?UTF-8?B?QsO2cnNl?= <b@example.com>"),
	    "%s", h);
	ck_assert_msg(strstr(h, "To: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= "
	    "<j@example.com>"), "%s", h);
	for (i = 0; i < b.len; i++)
		ck_assert_msg((unsigned char)b.data[i] < 0x80,
		    "8-bit byte at %zu", i);
	free(h);
	alert_clear(&a);
	strlist_free(&to);
	buf_free(&b);
}
END_TEST

/* A display name of 1,500 octets: folded, no line over 998 octets. */
/* The text part gives the exchange's time, its zone, and UTC. */
START_TEST(test_times)
{
	struct buf	 b = { 0 };
	struct strlist	 to = { 0 };
	struct alert	 a;

	strlist_add(&to, "a@example.com");
	make_alert(&a, "note");
	mail_compose(&b, "t@example.com", &to, &a, 1, 1772480400, "<1@h>");
	ck_assert_msg(strstr(b.data, "Time:      2026-03-02 14:40 EST (19:40 "
	    "UTC)") != NULL, "%s", b.data);
	alert_clear(&a);
	strlist_free(&to);
	buf_free(&b);
}
END_TEST

START_TEST(test_long_names)
{
	struct buf	 b = { 0 };
	struct strlist	 to = { 0 };
	struct alert	 a;
	char		 from[1600], *h;

	memset(from, 'n', 1500);
	snprintf(from + 1500, sizeof(from) - 1500, " <t@example.com>");
	strlist_add(&to, from);
	make_alert(&a, "note");
	mail_compose(&b, from, &to, &a, 1, 1772480400, "<1@h>");
	check_crlf(&b);
	h = headers_of(b.data);
	ck_assert_msg(strstr(h, "From: =?UTF-8?B?bm5u") != NULL, "%.200s", h);
	ck_assert_ptr_nonnull(strstr(h, " <t@example.com>\r\nTo: "));
	ck_assert_int_eq(count_header(h, "From"), 1);
	free(h);
	alert_clear(&a);
	strlist_free(&to);
	buf_free(&b);
}
END_TEST

/* A listing abroad: its exchange named, its times in its own zone. */
START_TEST(test_abroad)
{
	struct alert	 a;
	struct strlist	 to = { 0 };
	struct buf	 b = { 0 };

	make_alert(&a, NULL);
	a.quote.ex = exchange_find("LSE");
	tk_strlcpy(a.quote.currency, "GBp", sizeof(a.quote.currency));
	a.quote.price = 71.86;
	strlist_add(&to, "alice@example.com");
	mail_compose(&b, "tickerd <tickerd@example.com>", &to, &a, 1,
	    1772480400, "<1.2.3@host>");
	ck_assert_msg(strstr(b.data, "Exchange:  London Stock Exchange (LSE)"),
	    "%s", b.data);
	ck_assert(strstr(b.data, "Price:     71.86 GBp"));
	/* 19:40 UTC on 2 March 2026 is 19:40 GMT in London */
	ck_assert_msg(strstr(b.data, "2026-03-02 19:40 GMT (19:40 UTC)"), "%s",
	    b.data);
	ck_assert(strstr(b.data, "<td>Exchange</td><td>London Stock Exchange "
	    "(LSE)</td>"));
	alert_clear(&a);
	strlist_free(&to);
	buf_free(&b);
}
END_TEST

/* A webhook's body template: every placeholder, JSON-escaped or not. */
START_TEST(test_template)
{
	struct alert	 a;
	struct buf	 b = { 0 };
	char		 err[512];

	make_alert(&a, "say \"buy\" <b>now</b> & C:\\tmp\nline two\t\x01");
	template_render(&b, "{\"text\":\"{{symbol}} {{price}} {{currency}} "
	    "{{rule}} {{threshold}} {{change_pct}} {{high52}} {{low52}} "
	    "{{time}}\",\"note\":\"{{note}}\"}", &a, 1);
	ck_assert_str_eq(b.data, "{\"text\":\"CALX 45.12 USD above 44.53 "
	    "44.53 3.20 44.53 27.73 2026-03-02T19:40:00Z\",\"note\":"
	    "\"say \\\"buy\\\" <b>now</b> & C:\\\\tmp\\nline two\\t"
	    "\\u0001\"}");
	/* and as text: the note as it is; an unknown value is empty */
	b.len = 0;
	b.data[0] = '\0';
	a.quote.high52 = NAN;
	template_render(&b, "{{symbol}}|{{high52}}|{{message}}|{{note}}|{{x}}",
	    &a, 0);
	ck_assert_str_eq(b.data, "CALX||alert CALX above 44.53: price 45.12 USD "
	    "(+3.2% today)|say \"buy\" <b>now</b> & C:\\tmp\nline two\t\x01|"
	    "{{x}}");
	/* {{id}}: the message's, empty outside one */
	b.len = 0;
	template_render(&b, "[{{id}}]", &a, 0);
	buf_add(&b, "", 1);
	ck_assert_str_eq(b.data, "[]");
	b.len = 0;
	a.msg_id = "CALX-1772480400-42-1-0";
	template_render(&b, "{{id}}", &a, 1);
	buf_add(&b, "", 1);
	ck_assert_str_eq(b.data, "CALX-1772480400-42-1-0");
	a.msg_id = NULL;
	/* the configuration is told what is unknown, and what is known */
	ck_assert_int_eq(template_check("{{symbol}} {{price}}", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(template_check("{{symbol}} {{ticker}}", err,
	    sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "unknown placeholder {{ticker}} (known: "
	    "{{symbol}} {{price}}", 59) == 0, "%s", err);
	alert_clear(&a);
	buf_free(&b);
}
END_TEST

START_TEST(test_subjects)
{
	struct alert	 a;
	struct rule	 r = rule_above;
	char		 s[256];

	make_alert(&a, NULL);
	alert_subject(&a, s, sizeof(s));
	ck_assert_str_eq(s, "CALX 45.12 USD crossed above 44.53");
	alert_line(&a, s, sizeof(s));
	ck_assert_str_eq(s, "alert CALX above 44.53: price 45.12 USD (+3.2% "
	    "today), 52w 27.73-44.53");
	r.kind = RULE_TARGET;
	r.text = (char *)"target 45";
	r.valtext = (char *)"45";
	a.rule = &r;
	tk_strlcpy(a.valtext, "45", sizeof(a.valtext));
	a.kind = RULE_TARGET;
	alert_subject(&a, s, sizeof(s));
	ck_assert_str_eq(s, "CALX 45.12 USD price target reached (45)");
	a.kind = RULE_MOVE;
	alert_subject(&a, s, sizeof(s));
	ck_assert_str_eq(s, "CALX 45.12 USD moved +3.2% today");
	/* unknown values are left out of the line */
	a.change_pct = NAN;
	a.quote.high52 = NAN;
	snprintf(a.rule_text, sizeof(a.rule_text), "above 44.53");
	alert_line(&a, s, sizeof(s));
	ck_assert_str_eq(s, "alert CALX above 44.53: price 45.12 USD");
	/* pence, as London quotes them; no currency: the bare number */
	tk_strlcpy(a.quote.currency, "GBp", sizeof(a.quote.currency));
	a.quote.price = 260.4;
	alert_line(&a, s, sizeof(s));
	ck_assert_str_eq(s, "alert CALX above 44.53: price 260.40 GBp");
	a.quote.currency[0] = '\0';
	alert_line(&a, s, sizeof(s));
	ck_assert_str_eq(s, "alert CALX above 44.53: price 260.40");
	alert_clear(&a);
}
END_TEST

START_TEST(test_addr)
{
	char	*a;

	a = mail_addr("tickerd <tickerd@example.com>");
	ck_assert_str_eq(a, "tickerd@example.com");
	free(a);
	a = mail_addr("  alice@example.com ");
	ck_assert_str_eq(a, "alice@example.com");
	free(a);
	a = mail_addr("alice");
	ck_assert_str_eq(a, "alice");
	free(a);
}
END_TEST

START_TEST(test_msgid_unique)
{
	char	 a[512], b[512];

	mail_msgid(a, sizeof(a));
	mail_msgid(b, sizeof(b));
	ck_assert_str_ne(a, b);
	ck_assert(a[0] == '<' && a[strlen(a) - 1] == '>' && strchr(a, '@'));
}
END_TEST

/* The outbox keeps an alert as JSON; a digest is composed from it later. */
START_TEST(test_alert_json)
{
	struct alert	 a, b[2];
	struct strlist	 to = { 0 };
	struct buf	 m = { 0 };
	char		*j, s1[256], s2[256], *h;

	make_alert(&a, "line one\nBcc: evil@example.com");
	j = alert_json(&a);
	ck_assert_msg(strstr(j, "\"symbol\":\"CALX\"") &&
	    strstr(j, "\"rule\":\"above 44.53\"") &&
	    strstr(j, "\"price\":45.12") && strstr(j, "\"threshold\":44.53") &&
	    strstr(j, "\"time\":\"2026-03-02T19:40:00Z\"") &&
	    strstr(j, "\"message\":\"alert CALX above 44.53: price 45.12"),
	    "%s", j);
	ck_assert_int_eq(alert_from_json(j, &b[0]), 0);
	ck_assert_int_eq(alert_from_json(j, &b[1]), 0);
	alert_subject(&a, s1, sizeof(s1));
	alert_subject(&b[0], s2, sizeof(s2));
	ck_assert_str_eq(s1, s2);
	alert_line(&a, s1, sizeof(s1));
	alert_line(&b[0], s2, sizeof(s2));
	ck_assert_str_eq(s1, s2);
	ck_assert_str_eq(b[0].note, a.note);
	ck_assert_int_eq(b[0].time, a.time);
	ck_assert_int_eq(b[0].quote.time, a.quote.time);
	alert_clear(&b[0]);
	ck_assert_int_eq(alert_from_json("{\"symbol\":\"X\"}", &b[0]) , -1);
	ck_assert_int_eq(alert_from_json("not json", &b[0]), -1);

	/* a digest of the two: one message, both alerts, no injection */
	ck_assert_int_eq(alert_from_json(j, &b[0]), 0);
	strlist_add(&to, "alice@example.com");
	mail_compose(&m, "tickerd <t@example.com>", &to, b, 2, a.time,
	    "<digest.x@host>");
	check_crlf(&m);
	h = headers_of(m.data);
	ck_assert_msg(strstr(h, "Subject: [tickerd] 2 alerts: CALX, CALX\r\n"),
	    "%s", h);
	ck_assert_int_eq(count_header(h, "Bcc"), 0);
	free(h);
	free(j);
	alert_clear(&a);
	alert_clear(&b[0]);
	alert_clear(&b[1]);
	strlist_free(&to);
	buf_free(&m);
}
END_TEST

START_TEST(test_msgid_from)
{
	char	 a[512], b[512];

	mail_msgid_from(a, sizeof(a), "CALX-1772480400-77-1-0");
	mail_msgid_from(b, sizeof(b), "CALX-1772480400-77-1-0");
	ck_assert_str_eq(a, b);
	ck_assert_msg(strncmp(a, "<digest.CALX-1772480400-77-1-0@", 31) == 0,
	    "%s", a);
	mail_msgid_from(b, sizeof(b), "a b<c>@d");
	ck_assert_msg(strncmp(b, "<digest.a-b-c--d@", 17) == 0, "%s", b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mail");
	TCase	*tc = tcase_create("compose");

	tcase_add_test(tc, test_structure);
	tcase_add_test(tc, test_injection);
	tcase_add_test(tc, test_encoding);
	tcase_add_test(tc, test_subjects);
	tcase_add_test(tc, test_abroad);
	tcase_add_test(tc, test_template);
	tcase_add_test(tc, test_long_names);
	tcase_add_test(tc, test_times);
	tcase_add_test(tc, test_addr);
	tcase_add_test(tc, test_msgid_unique);
	tcase_add_test(tc, test_alert_json);
	tcase_add_test(tc, test_msgid_from);
	suite_add_tcase(s, tc);
	return unit_run(s);
}

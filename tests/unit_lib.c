/*
 * lib/: UTF-8 checks and cuts, clock_backoff with jitter, time formats, the
 * JSON getters.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "unit.h"

START_TEST(test_utf8)
{
	char	 s[64], d[8];

	ck_assert(utf8_valid("CALX caf\xc3\xa9 \xe2\x82\xac", 14));
	ck_assert(!utf8_valid("x\xff", 2));
	ck_assert(!utf8_valid("caf\xe9", 4));		/* Latin-1 */
	ck_assert(!utf8_valid("\xc0\xaf", 2));		/* overlong */
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));	/* a surrogate */
	ck_assert(!utf8_valid("\xe2\x82", 2));		/* cut short */
	ck_assert(!utf8_valid("a\0b", 3));		/* NUL */
	/* eight ASCII bytes at a time: what hides in a word is found */
	ck_assert(utf8_valid("abcdefghijklmnopq", 17));
	ck_assert(!utf8_valid("abcdefghij\0lmnopq", 17));
	ck_assert(!utf8_valid("abcdefg\x80ijklmnopq", 17));
	ck_assert(!utf8_valid("abcdefghijklmno\xff", 16));
	ck_assert(utf8_valid("abcdefg\xc3\xa9ijklmnop", 17));
	strcpy(s, "x\xff y \xe2\x82");
	utf8_clean(s);
	ck_assert_str_eq(s, "x? y ??");
	/* a cut never splits a character: the euro sign is 3 bytes */
	text_take(d, sizeof(d), "ab\xe2\x82\xac\xe2\x82\xac", 8);
	ck_assert_str_eq(d, "ab\xe2\x82\xac");
	text_take(d, sizeof(d), "\xff\xfe", 2);
	ck_assert_str_eq(d, "??");
	/* a control character never starts a line, a NUL never ends one */
	text_take(d, sizeof(d), "a\nb\0c", 5);
	ck_assert_str_eq(d, "a b?c");
	/* the item of issue 28: a currency of three euro signs in 8 bytes */
	text_take(d, 8, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 9);
	ck_assert_str_eq(d, "\xe2\x82\xac\xe2\x82\xac");
	ck_assert(utf8_valid(d, strlen(d)));
	text_printf(d, sizeof(d), "%s:%d", "x\xc3", 7);
	ck_assert_str_eq(d, "x?:7");
}
END_TEST

/* Every run of 8 bytes of a secret is hidden, a cut one included. */
START_TEST(test_secret)
{
	const char	*tok = "7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
	struct buf	 b = { 0 };
	char		 cut[600], *s, d[64];

	secret_register(tok);
	secret_register("https://discord.com/api/webhooks/1234/"
	    "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345");
	secret_register("pw42xy");
	secret_register("demo");	/* too short: a word */
	/* whole, inside other words */
	s = secret_hidden("url /bot7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x");
	ck_assert_str_eq(s, "url /botREDACTED/x");
	free(s);
	/* in part, cut at the end of a text */
	snprintf(cut, sizeof(cut), "answer %.*s", 20, tok);
	s = secret_hidden(cut);
	ck_assert_str_eq(s, "answer REDACTED");
	free(s);
	/* seven bytes are no run; the host of a webhook is no secret */
	s = secret_hidden("7312345 https://discord.com/x aBcDeFgHiJk");
	ck_assert_str_eq(s, "7312345 https://discord.com/x REDACTED");
	free(s);
	/* a short secret, whole */
	secret_hide("a pw42xy b demo", 15, &b);
	ck_assert_str_eq(b.data, "a REDACTED b demo");
	buf_free(&b);
	/* text_take scrubs before it cuts */
	text_printf(d, 20, "token %s", tok);
	ck_assert_str_eq(d, "token REDACTED");
	secret_forget();
	ck_assert(!secret_any());
}
END_TEST

START_TEST(test_backoff)
{
	double	 d;
	int	 i;

	for (i = 0; i < 200; i++) {
		d = clock_backoff(30, 0, 3600);
		ck_assert(d >= 27 && d <= 33);
		d = clock_backoff(30, 3, 3600);
		ck_assert(d >= 216 && d <= 264);
		d = clock_backoff(30, 40, 3600);
		ck_assert(d >= 3240 && d <= 3960);
	}
}
END_TEST

START_TEST(test_formats)
{
	char	 s[64];

	fmt_time(1772461800, FMT_ISO, s, sizeof(s));
	ck_assert_str_eq(s, "2026-03-02T14:30:00Z");
	ck_assert_int_eq(fmt_parse_iso_time(s), 1772461800);
	ck_assert_int_eq(fmt_parse_iso_time("2026-03-02 14:30"), -1);
	fmt_time(1772461800, FMT_UTC, s, sizeof(s));
	ck_assert_str_eq(s, "2026-03-02 14:30:00 UTC");
	fmt_price(45.123, s, sizeof(s));
	ck_assert_str_eq(s, "45.12");
	fmt_price(0.01234, s, sizeof(s));
	ck_assert_str_eq(s, "0.0123");
	fmt_price(NAN, s, sizeof(s));
	ck_assert_str_eq(s, "n/a");
}
END_TEST

/* The map against a plain array, through puts, deletes and growth. */
START_TEST(test_strmap)
{
	struct strmap	*m = strmap_new();
	static char	 keys[3000][12];
	static int	 in[3000];
	int		 i, k, n = 0;

	for (i = 0; i < 3000; i++)
		snprintf(keys[i], sizeof(keys[i]), "K%d", i * 7919 % 10007);
	srandom(3);
	for (i = 0; i < 40000; i++) {
		k = (int)(random() % 3000);
		if (random() % 3 == 0) {
			strmap_del(m, keys[k]);
			n -= in[k];
			in[k] = 0;
		} else {
			strmap_put(m, keys[k], keys[k]);
			n += !in[k];
			in[k] = 1;
		}
		if (i % 1000 == 0)
			for (k = 0; k < 3000; k++)
				ck_assert_ptr_eq(strmap_get(m, keys[k]),
				    in[k] ? keys[k] : NULL);
	}
	ck_assert_uint_eq(strmap_count(m), (size_t)n);
	ck_assert_ptr_eq(strmap_getn(m, "K0xyz", 2), in[0] ? keys[0] : NULL);
	strmap_free(m);
}
END_TEST

START_TEST(test_json)
{
	json_t	*o = json_pack("{s:f, s:I, s:s, s:n}", "p", 1.5, "i",
		    (json_int_t)7, "s", "x", "z");

	ck_assert_double_eq(jget(o, "p"), 1.5);
	ck_assert_double_eq(jget(o, "i"), 7);
	ck_assert(isnan(jget(o, "z")) && isnan(jget(o, "none")));
	ck_assert_int_eq(jint(o, "i"), 7);
	ck_assert_int_eq(jint(o, "p"), 0);
	ck_assert_str_eq(jstr(o, "s"), "x");
	ck_assert_str_eq(jstr(o, "i"), "");
	json_decref(o);
}
END_TEST

/*
 * The selective pass takes exactly the texts Jansson takes, for the
 * grammar's corners; what it decodes is what Jansson decodes.
 */
START_TEST(test_jscan)
{
	static const char *const texts[] = {
		"{}", "[]", " { \"a\" : [1, -0.5e+3, true, false, null] } ",
		"{\"a\":\"x\\\"y\\u00e9\\n\"}", "[{\"a\":{\"b\":[[]]}}]",
		"{\"a\":1,}", "[1,]", "{\"a\"}", "{\"a\":01}", "[1.]",
		"[.5]", "[-]", "[1e]", "[tru]", "[\"\\x\"]", "[\"\\u12\"]",
		"{\"a\":1} x", "{\"a\":1}}", "[\"a\tb\"]", "[\"\xff\"]",
		"{\"a\" 1}", "[1 2]", "", "  ", "{", "[[[",
	};
	static const char *const keys[] = { "price", "sym", NULL };
	struct jscan	 it;
	struct jspan	 k, v;
	json_t		*j, *o;
	size_t		 i;
	int		 mine, theirs, n;
	const char	*text;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		j = json_loads(texts[i], 0, NULL);
		theirs = j != NULL;
		mine = jscan_open(&it, texts[i], strlen(texts[i]),
		    strchr(texts[i], '[') == texts[i] ? '[' : '{') == 0 ||
		    jscan_open(&it, texts[i], strlen(texts[i]), '[') == 0;
		ck_assert_msg(mine == theirs, "%s: jscan %d, jansson %d",
		    texts[i], mine, theirs);
		json_decref(j);
	}
	/* members in order, each its slice; only those asked decoded */
	text = "{\"sym\":\"CALX\",\"x\":{\"deep\":[1,{\"price\":9}]},"
	    "\"price\":45.12,\"price\":45.2}";
	ck_assert_int_eq(jscan_open(&it, text, strlen(text), '{'), 0);
	for (n = 0; jscan_next(&it, &k, &v) == 1; n++)
		;
	ck_assert_int_eq(n, 4);
	k.p = text;
	k.len = strlen(text);
	ck_assert_ptr_nonnull(o = jscan_pick(&k, keys));
	ck_assert_uint_eq(json_object_size(o), 2);
	ck_assert_str_eq(jstr(o, "sym"), "CALX");
	ck_assert_double_eq(jget(o, "price"), 45.2);	/* the last, as Jansson */
	json_decref(o);
	/* a key with escapes is not guessed at */
	text = "{\"pr\\u0069ce\":1}";
	ck_assert_int_eq(jscan_open(&it, text, strlen(text), '{'), 0);
	ck_assert_int_eq(jscan_next(&it, &k, &v), -1);
}
END_TEST

/* fmt_price() writes what printf("%.2f") (or "%.4f") writes, for
 * every kind of price: random ones, exact halves, their neighbours. */
START_TEST(test_fmt_price)
{
	char		 got[64], want[64];
	double		 v, vals[] = { 0, -0.0, 0.125, 1.005, 2.675, 44.53,
			    -0.00004, 0.99995, 9999999.995, 1e7, 123.455 };
	size_t		 i;
	unsigned	 seed = 7;

	for (i = 0; i < 400000; i++) {
		if (i < sizeof(vals) / sizeof(vals[0]))
			v = vals[i];
		else {
			seed = seed * 1103515245u + 12345u;
			v = (double)(seed % 100000000u) / (i % 3 == 0 ? 1e6 :
			    i % 3 == 1 ? 1e4 : 1e3);
			if (i % 7 == 0)
				v = nextafter(v, i % 2 ? 0 : 1e9);
			if (i % 11 == 0)
				v = -v;
		}
		fmt_price(v, got, sizeof(got));
		snprintf(want, sizeof(want), fabs(v) < 1 ? "%.4f" : "%.2f", v);
		ck_assert_msg(strcmp(got, want) == 0, "%.17g: %s, printf %s",
		    v, got, want);
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("lib");
	TCase	*tc = tcase_create("lib");

	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_secret);
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_strmap);
	tcase_add_test(tc, test_jscan);
	tcase_add_test(tc, test_fmt_price);
	suite_add_tcase(s, tc);
	return unit_run(s);
}

/*
 * The configuration parser: every error path says FILE:LINE: and what is
 * wrong, and a good configuration reads into the expected structures.
 */
#include "config.h"

#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "unit.h"

struct ecase {
	const char	*text;
	const char	*expect;	/* ":LINE: message", a substring */
};

static const struct ecase errors[] = {
	/* lexical */
	{ "watch CALX { note \"a\\qb\" above 1 }\n", ":1: invalid escape \\q in string" },
	{ "watch CALX {\n note \"abc\n above 1 }\n", ":2: unterminated string" },
	{ "poll 60s }\n", ":1: unexpected '}'" },
	{ ", poll 60s\n", ":1: unexpected ','" },
	/* addresses */
	{ "notifier mail \"m\" { to \"J\xc3\xbcrgen <j\xc3\xbc@example.com>\" mbox \"x\" }\n", ":1: notifier mail \"m\": to \"j\xc3\xbc@example.com\": the address must be 1 to 254 characters of printable ASCII" },
	{ "notifier mail \"m\" { to \"a\" from \"me <>\" mbox \"x\" }\n", ":1: notifier mail \"m\": from \"\": the address must be" },
	/* unknown keywords */
	{ "frobnicate 1\n", ":1: unknown keyword \"frobnicate\"" },
	{ "watch CALX { sideways 5% }\n", ":1: watch: unknown keyword \"sideways\"" },
	{ "notifier mail \"m\" { to \"a\" mbox \"x\" colour red }\n", ":1: notifier mail \"m\": unknown keyword \"colour\"" },
	{ "notifier syslog \"s\" { to \"a\" }\n", ":1: notifier syslog \"s\": unknown keyword \"to\"" },
	{ "provider yahoo { colour red }\n", ":1: provider yahoo: unknown keyword \"colour\"" },
	{ "above 10\n", ":1: above: only allowed inside a watch block" },
	/* missing values */
	{ "poll\n", ":1: poll: missing value" },
	{ "watch CALX {\n above\n}\n", ":2: above: missing value" },
	{ "watch CALX { within 2% of }\n", ":1: within: missing value" },
	{ "watch CALX { new }\n", ":1: new: missing value" },
	{ "watch { above 1 }\n", ":1: watch: missing value" },
	{ "notifier\n", ":1: notifier: missing value" },
	{ "include\n", ":1: include: missing value" },
	{ "notify\n", ":1: notify: missing value" },
	{ "notifier syslog \"s\" { facility }\n", ":1: facility: missing value" },
	/* bad numbers, durations, percentages, words */
	{ "watch CALX { above -1 }\n", ":1: above: invalid price \"-1\"" },
	{ "watch CALX { above 0 }\n", ":1: above: invalid price \"0\"" },
	{ "watch CALX { above 1e3 }\n", ":1: above: invalid price \"1e3\"" },
	{ "watch CALX { below 1.2.3 }\n", ":1: below: invalid price \"1.2.3\"" },
	{ "watch CALX { target abc }\n", ":1: target: invalid price \"abc\"" },
	{ "watch CALX { move 5 }\n", ":1: move: invalid percentage \"5\"" },
	{ "watch CALX { move 0% }\n", ":1: move: 0% is out of range" },
	{ "watch CALX { within 200% of 52w-high }\n", ":1: within: 200% is out of range" },
	{ "watch CALX { within 2% to 52w-high }\n", ":1: within: expected \"of\", got \"to\"" },
	{ "watch CALX { within 2% of 52w-mid }\n", ":1: within: expected 52w-high or 52w-low, got \"52w-mid\"" },
	{ "watch CALX { new 52w-mid }\n", ":1: new: expected 52w-high or 52w-low, got \"52w-mid\"" },
	{ "watch CALX { close sideways 40 }\n", ":1: close: expected above or below, got \"sideways\"" },
	{ "watch CALX { close above x }\n", ":1: close above: invalid price \"x\"" },
	{ "watch N225 {\n above 1\n exchange TOKYO }\n",
	    ":3: exchange: unknown exchange \"TOKYO\" (known: NYSE, NASDAQ, "
	    "NYSEAMERICAN, NYSEARCA, CBOE, OTC, TSX, LSE, "
	    "XETRA, EURONEXT, SIX, MILAN, MADRID, WARSAW, STOCKHOLM, OSLO, "
	    "COPENHAGEN, JPX, HKEX, SGX, KRX, ASX, NSE, HELSINKI, VIENNA, "
	    "DUBLIN, ATHENS, ISTANBUL, JSE, B3, BMV, CHINA, TWSE, IDX, SET, "
	    "BURSA, NZX, CRYPTO, FX)" },
	{ "stale 0s\n", ":1: stale: must be at least 1s" },
	{ "watch CALX { above 1 stale 5 }\n", ":1: stale: invalid duration \"5\"" },
	{ "state-dir\n", ":1: state-dir: missing value" },
	{ "state-dir /var/lib/x\n", ":1: state-dir: expected a double-quoted string, got /var/lib/x" },
	{ "notifier mail \"m\" { to \"a\" mbox \"x\" retry 30 }\n", ":1: retry: invalid duration \"30\"" },
	{ "watch CALX { above 1 cooldown 4 }\n", ":1: cooldown: invalid duration \"4\"" },
	{ "watch CALX { above 1 hysteresis 60% }\n", ":1: hysteresis: 60% is out of range" },
	{ "poll 60\n", ":1: poll: invalid duration \"60\"" },
	{ "poll 5x\n", ":1: poll: invalid duration \"5x\"" },
	{ "poll 0s\n", ":1: poll: must be at least 1s" },
	{ "timeout 1.5s\n", ":1: timeout: invalid duration \"1.5s\"" },
	{ "market-hours maybe\n", ":1: market-hours: expected yes or no, got \"maybe\"" },
	{ "notifier syslog \"s\" { facility kern2 }\n", ":1: facility: unknown facility \"kern2\"" },
	{ "notifier syslog \"s\" { priority loud }\n", ":1: priority: unknown priority \"loud\"" },
	{ "provider yahoo { url \"ftp://x\" }\n", ":1: url: \"ftp://x\" is not an http:// or https:// URL" },
	{ "provider yahoo { url http://x }\n", ":1: url: expected a double-quoted string, got http://x" },
	{ "notifier mail \"m\" { to \"a\" smtp \"http://x\" }\n", ":1: smtp: \"http://x\" is not an smtp:// or smtps:// URL" },
	{ "provider replay { speed fast file \"x\" }\n", ":1: speed: invalid number \"fast\"" },
	/* symbols */
	{ "watch CA$LX { above 1 }\n", ":1: watch: invalid symbol \"CA$LX\"" },
	{ "watch ABCDEFGHIJKLMNOPQRSTUVWXYZ { above 1 }\n", ":1: watch: invalid symbol" },
	{ "watch CALX, calx { above 1 }\n", ":1: watch: CALX is listed twice" },
	/* duplicates */
	{ "watch CALX { above 1 }\nwatch CALX { below 1 }\n", ":2: watch CALX: duplicate watch (first at " },
	{ "watch CALX { above 1\n above 1 }\n", ":2: above 1: duplicate rule (first at line 1)" },
	{ "notifier syslog \"a\" { }\nnotifier syslog \"a\" { }\n", ":2: notifier \"a\": duplicate name (first at " },
	{ "provider yahoo\nprovider yahoo\n", ":2: provider yahoo: duplicate (first at " },
	{ "notifier syslog \"a\" { }\nnotify \"a\"\nnotify \"a\"\n", ":3: notify: the default notifiers are already set" },
	{ "notifier syslog \"a\" { }\nwatch X { notify \"a\" notify \"a\" above 1 }\n", ":2: notify: given twice in one watch" },
	/* structure */
	{ "watch CALX { }\n", ":1: watch CALX: no rules" },
	{ "watch CALX\n", ":2: watch: expected '{', got end of file" },
	{ "watch CALX {\n above 1\n", ":3: watch: missing '}' for the block opened at line 1" },
	{ "notifier mail \"m\" { mbox \"x\" }\n", ":1: notifier mail \"m\": to is required" },
	{ "notifier mail \"m\" { to \"a\" }\n", ":1: notifier mail \"m\": one of smtp, sendmail or mbox is required" },
	{ "notifier mail \"m\" { to \"a\" mbox \"x\" smtp \"smtp://h\" }\n", ":1: notifier mail \"m\": smtp, sendmail and mbox exclude each other" },
	{ "notifier mail \"m\" { to \"a\" smtp \"smtp://h\" user \"u\" }\n", ":1: notifier mail \"m\": user and password-file go together" },
	{ "notifier pager \"p\" { }\n", ":1: notifier: unknown type \"pager\"" },
	{ "notifier mail \"\" { }\n", ":1: notifier: empty name" },
	{ "provider bloomberg\n", ":1: provider: unknown provider \"bloomberg\"" },
	{ "provider replay\n", ":1: provider replay: file is required" },
	{ "provider yahoo { key-file \"k\" }\n", ":1: provider yahoo: takes no key-file" },
	{ "session overnight\n", ":1: session: expected regular or extended, got \"overnight\"" },
	{ "watch CALX { above 1 session always }\n", ":1: session: expected regular or extended, got \"always\"" },
	{ "notify \"nobody\"\n", ":1: notify: no notifier named \"nobody\"" },
	{ "watch CALX { above 1 notify \"x\", \"y\" }\nnotifier syslog \"x\" { }\n", ":1: notify: no notifier named \"y\"" },
	{ "watch CALX { note \"\" above 1 }\n", ":1: note: empty string" },
	{ "include \"/nonexistent/tickerd.conf\"\n", ":1: include /nonexistent/tickerd.conf: No such file or directory" },
	/* providers */
	{ "provider finnhub\n", ":1: provider finnhub: key-file is required" },
	{ "provider twelvedata { key-file \"/nonexistent/k\" }\n", ":1: provider twelvedata: key-file /nonexistent/k: No such file or directory" },
	{ "provider yahoo { fallback finnhub }\n", ":1: fallback: provider finnhub needs its own block with a key-file" },
	{ "provider yahoo { fallback yahoo }\n", ":1: fallback: provider yahoo cannot be its own fallback" },
	{ "provider yahoo { fallback bloomberg }\n", ":1: fallback: unknown provider \"bloomberg\"" },
	{ "provider yahoo { fallback stooq }\nprovider stooq { fallback yahoo }\n", ": fallback: the providers fall back on each other in a loop" },
	{ "provider yahoo { rate 60 }\n", ":1: rate: \"60\" is not N/s, N/m, N/h or N/d" },
	{ "provider yahoo { rate 0/m }\n", ":1: rate: invalid number of requests \"0\"" },
	{ "provider yahoo { rate 5/week }\n", ":1: rate: \"5/week\" is not N/s, N/m, N/h or N/d" },
	{ "provider stooq { map \"BRK-B\" }\n", ":1: map: missing value" },
	{ "provider replay { file \"x\" fallback yahoo }\n", ":1: provider replay: unknown keyword \"fallback\"" },
	{ "control \"/run/tickerd/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\"\n", ":1: control: path too long for a socket (at most 99 bytes)" },
	/* delivery */
	{ "notifier webhook \"w\" { }\n", ":1: notifier webhook \"w\": url is required" },
	{ "notifier webhook \"w\" { url \"ftp://x\" }\n", ":1: url: \"ftp://x\" is not an http:// or https:// URL" },
	{ "notifier webhook \"w\" { url \"https://x\"\n header \"Bad: name\" file \"f\" }\n", ":2: header: \"Bad: name\" is not a header name" },
	{ "notifier webhook \"w\" { url \"https://x\" header \"X-Token\" \"abc\" }\n", ":1: header: expected file PATH after the name, not \"abc\" (the value comes from a file)" },
	{ "notifier webhook \"w\" { url \"https://x\" header \"X-Token\" file \"/nonexistent/token\" }\n", ":1: notifier webhook \"w\": header file /nonexistent/token: No such file or directory" },
	{ "notifier webhook \"w\" { url \"https://x\" digest 2m }\n", ":1: notifier webhook \"w\": unknown keyword \"digest\"" },
	{ "notifier mail \"m\" { to \"a\" sendmail \"sendmail\" }\n", ":1: sendmail: \"sendmail\" is not an absolute path" },
	{ "notifier mail \"m\" { to \"a\" sendmail \"/usr/sbin/sendmail\" mbox \"x\" }\n", ":1: notifier mail \"m\": smtp, sendmail and mbox exclude each other" },
	{ "notifier mail \"m\" { to \"a\" smtp \"smtp://h\" starttls always }\n", ":1: starttls: \"always\" is neither required nor optional" },
	{ "notifier mail \"m\" { to \"a\" smtp \"smtps://h\" starttls required }\n", ":1: notifier mail \"m\": starttls required is for smtp://; smtps:// is always encrypted" },
	{ "notifier mail \"m\" { to \"a\" mbox \"x\" starttls required }\n", ":1: notifier mail \"m\": starttls and ca-file need smtp" },
	{ "notifier mail \"m\" { to \"a\" mbox \"x\" digest soon }\n", ":1: digest: invalid duration \"soon\" (a whole number with a unit: 30s, 5m, 4h, 2d)" },
};

/* Providers, their fallbacks, budgets, maps and keys. */
START_TEST(test_providers)
{
	struct config		*conf;
	struct providerconf	*pc;
	char			*path, *key;

	key = unit_write("fh.key", "c0ffee-not-a-real-key\n");
	chmod(key, 0600);
	path = unit_write("p.conf",
	    "provider finnhub { key-file \"fh.key\" rate 30/m\n"
	    "    map \"BRK-B\" \"BRK.B\" }\n"
	    "provider stooq { fallback finnhub }\n"
	    "market-hours yes\n"
	    "control none\n"
	    "watch CALX { above 1 }\n");
	unit_reset_errors();
	conf = config_load(path, unit_errfn);
	ck_assert_msg(conf != NULL, "errors: %s", unit_errors);
	pc = config_provider(conf);
	/* the one nobody falls back on is the one used */
	ck_assert_str_eq(pc->name, "stooq");
	ck_assert_str_eq(pc->fallback, "finnhub");
	pc = config_provider_named(conf, "finnhub");
	ck_assert_str_eq(pc->key, "c0ffee-not-a-real-key");
	ck_assert_double_eq(pc->rate, 30);
	ck_assert_int_eq(pc->rate_period, 60);
	ck_assert_uint_eq(pc->nmaps, 1);
	ck_assert_str_eq(pc->maps[0].to, "BRK.B");
	ck_assert_int_eq(conf->market_hours, 1);
	ck_assert_str_eq(conf->control, "none");
	config_free(conf);
	free(path);

	/* a keyless fallback needs no block of its own */
	path = unit_write("p2.conf", "provider yahoo { fallback stooq }\n");
	conf = config_load(path, unit_errfn);
	ck_assert_msg(conf != NULL, "errors: %s", unit_errors);
	ck_assert_str_eq(config_provider(conf)->name, "yahoo");
	ck_assert_ptr_nonnull(config_provider_named(conf, "stooq"));
	config_free(conf);
	free(path);

	/* a key others may read is refused, naming the file, not the key */
	chmod(key, 0644);
	path = unit_write("p3.conf", "provider finnhub { key-file \"fh.key\" }\n");
	unit_reset_errors();
	ck_assert_ptr_null(config_load(path, unit_errfn));
	ck_assert_msg(strstr(unit_errors, "fh.key: secret file is accessible "
	    "by others (mode 0644)") != NULL, "%s", unit_errors);
	ck_assert_msg(strstr(unit_errors, "c0ffee") == NULL, "%s", unit_errors);
	free(path);
	free(key);
}
END_TEST

START_TEST(test_errors)
{
	const struct ecase	*c = &errors[_i];
	struct config		*conf;
	char			*path;

	unit_reset_errors();
	path = unit_write("bad.conf", c->text);
	conf = config_load(path, unit_errfn);
	ck_assert_msg(conf == NULL, "accepted: %s", c->text);
	ck_assert_msg(strncmp(unit_errors, path, strlen(path)) == 0,
	    "error does not start with the file name: %s", unit_errors);
	ck_assert_msg(strstr(unit_errors, c->expect) != NULL,
	    "for:\n%sexpected: %s\ngot: %s", c->text, c->expect, unit_errors);
	free(path);
}
END_TEST

/* Errors in several statements are all reported, in order. */
START_TEST(test_recovery)
{
	struct config	*conf;
	char		*path;

	unit_reset_errors();
	path = unit_write("multi.conf",
	    "poll 0s\n"
	    "watch CALX {\n"
	    "    above x\n"
	    "    below 10\n"
	    "    sideways 3\n"
	    "}\n"
	    "watch QCOM { move 5% }\n"
	    "bogus\n");
	conf = config_load(path, unit_errfn);
	ck_assert(conf == NULL);
	ck_assert_msg(strstr(unit_errors, ":1: poll: must be at least 1s\n") &&
	    strstr(unit_errors, ":3: above: invalid price \"x\"\n") &&
	    strstr(unit_errors, ":5: watch: unknown keyword \"sideways\"\n") &&
	    strstr(unit_errors, ":8: unknown keyword \"bogus\"\n"),
	    "got: %s", unit_errors);
	/* nothing else: the good lines in between are read as they are */
	{
		int lines = 0;
		for (const char *p = unit_errors; *p; p++)
			lines += *p == '\n';
		ck_assert_int_eq(lines, 4);
	}
	free(path);
}
END_TEST

/* The good configuration of the tests below; *wl gets its watchlist. */
static struct config *
good_config(char **wlp)
{
	struct config		*conf;
	char			*path, *wl;

	unit_reset_errors();
	{
		char *d;
		xasprintf(&d, "%s/wl.d", unit_tmpdir());
		mkdir(d, 0700);
		free(d);
	}
	wl = unit_write("wl.d/a.conf",
	    "watch CALX {\n"
	    "    note \"BEAD \\\"rural\\\"\\tbuild\\\\outs\\nline two\"\n"
	    "    above 44.53\n"
	    "    below 27.73 once\n"
	    "    move 5%\n"
	    "    within 2% of 52w-high\n"
	    "    within 2% of 52w-low\n"
	    "    new 52w-high\n"
	    "    new 52w-low\n"
	    "    target 50\n"
	    "    notify \"phone\"\n"
	    "    cooldown 4h\n"
	    "    hysteresis 1%\n"
	    "}\n"
	    "watch qcom, AMBA,\n  PLTR { move 7%  new 52w-low }\n"
	    "watch BRK-B { below 400 once }\n"
	    "watch ^GSPC { move 2% exchange xnys }\n");
	path = unit_write("good.conf",
	    "# comment\n"
	    "provider yahoo { url \"http://127.0.0.1:8080/\" }\n"
	    "poll 90s\n"
	    "timeout 5s\n"
	    "market-hours no\n"
	    "hysteresis 0.25%\n"
	    "notifier mail \"me\" {\n"
	    "    to \"alice@example.com\", \"bob@example.com\"\n"
	    "    from \"tickerd <tickerd@example.com>\"\n"
	    "    smtp \"smtps://127.0.0.1:465\"\n"
	    "}\n"
	    "notifier mail \"demo\" { to \"alice\" mbox \"demo.mbox\" }\n"
	    "notifier syslog \"log\" { facility local3 priority warning }\n"
	    "notifier syslog \"phone\" { }\n"
	    "notifier mail \"tls\" { to \"a\" smtp \"smtp://mx\" starttls required\n"
	    "    ca-file \"ca.pem\" digest 2m retry 5s retry-for 1h }\n"
	    "notifier mail \"local\" { to \"alice\" sendmail \"/usr/sbin/sendmail\" }\n"
	    "notifier webhook \"hook\" { url \"https://ntfy.example/alerts\" retry 10s }\n"
	    "notify \"me\", \"log\"\n"
	    "include \"wl.d/*.conf\"\n"
	    "include \"empty.d/*.conf\"\n");
	conf = config_load(path, unit_errfn);
	ck_assert_msg(conf != NULL, "errors: %s", unit_errors);
	free(path);
	*wlp = wl;
	return conf;
}

START_TEST(test_good)
{
	char			*wl;
	struct config		*conf = good_config(&wl);

	ck_assert_int_eq(conf->poll, 90);
	ck_assert_int_eq(conf->timeout, 5);
	ck_assert_double_eq_tol(conf->hysteresis, 0.0025, 1e-12);
	ck_assert_str_eq(config_provider(conf)->name, "yahoo");
	ck_assert_str_eq(config_provider(conf)->url, "http://127.0.0.1:8080");
	ck_assert_uint_eq(conf->default_notify.n, 2);

	config_free(conf);
	free(wl);
}
END_TEST

START_TEST(test_good_notifiers)
{
	char			*wl;
	struct config		*conf = good_config(&wl);
	struct notifier		*n;

	n = config_notifier(conf, "me");
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->to.n, 2);
	ck_assert_str_eq(n->to.v[1], "bob@example.com");
	ck_assert_str_eq(n->smtp, "smtps://127.0.0.1:465");
	n = config_notifier(conf, "demo");
	ck_assert_msg(n->mbox[0] == '/' && strstr(n->mbox, "/demo.mbox"),
	    "mbox path not made relative to the file: %s", n->mbox);
	n = config_notifier(conf, "log");
	ck_assert_int_eq(n->facility, log_facility("local3"));
	ck_assert_int_eq(n->priority, log_priority("warning"));
	n = config_notifier(conf, "phone");
	ck_assert_int_eq(n->facility, log_facility("daemon"));
	ck_assert_int_eq(n->priority, log_priority("notice"));
	n = config_notifier(conf, "tls");
	ck_assert_int_eq(n->starttls, STARTTLS_REQUIRED);
	ck_assert_int_eq(n->digest, 120);
	ck_assert_int_eq(n->retry, 5);
	ck_assert_int_eq(n->retry_for, 3600);
	ck_assert_msg(n->ca_file[0] == '/' && strstr(n->ca_file, "/ca.pem"),
	    "ca-file not made relative to the file: %s", n->ca_file);
	n = config_notifier(conf, "local");
	ck_assert_str_eq(n->sendmail, "/usr/sbin/sendmail");
	ck_assert_int_eq(n->digest, 0);
	ck_assert_int_eq(n->starttls, STARTTLS_OPTIONAL);
	n = config_notifier(conf, "hook");
	ck_assert_int_eq(n->type, NOTIFIER_WEBHOOK);
	ck_assert_str_eq(n->url, "https://ntfy.example/alerts");
	ck_assert_int_eq(n->retry, 10);
	ck_assert_ptr_null(n->header_name);
	config_free(conf);
	free(wl);
}
END_TEST

START_TEST(test_good_watches)
{
	char			*wl;
	struct config		*conf = good_config(&wl);
	struct watch		*w;
	struct rule		*r;
	int			 nw = 0;

	TAILQ_FOREACH(w, &conf->watches, entry)
		nw++;
	ck_assert_int_eq(nw, 6);
	ck_assert_uint_eq(conf->nwatches, 6);
	w = TAILQ_FIRST(&conf->watches);
	ck_assert_str_eq(w->symbol, "CALX");
	ck_assert_str_eq(w->note,
	    "BEAD \"rural\"\tbuild\\outs\nline two");
	ck_assert_int_eq(w->cooldown, 4 * 3600);
	ck_assert_double_eq_tol(watch_hysteresis(conf, w), 0.01, 1e-12);
	ck_assert(w->has_notify);
	ck_assert_str_eq(watch_notifiers(conf, w)->v[0], "phone");
	ck_assert_int_eq(w->line, 1);
	ck_assert_str_eq(w->file, wl);
	{
		static const char *const want[] = { "above 44.53",
		    "below 27.73", "move 5%", "within 2% of 52w-high",
		    "within 2% of 52w-low", "new 52w-high", "new 52w-low",
		    "target 50" };
		size_t i = 0;
		TAILQ_FOREACH(r, &w->rules, entry) {
			ck_assert_uint_lt(i, 8);
			ck_assert_str_eq(r->text, want[i]);
			ck_assert_int_eq(r->once, i == 1);
			i++;
		}
		ck_assert_uint_eq(i, 8);
	}
	r = TAILQ_FIRST(&w->rules);
	ck_assert_int_eq(r->kind, RULE_ABOVE);
	ck_assert_double_eq(r->value, 44.53);
	ck_assert_str_eq(r->valtext, "44.53");
	ck_assert_int_eq(r->line, 3);
	ck_assert_ptr_null(w->ex);		/* found when polled */
	w = TAILQ_LAST(&conf->watches, watchlist);
	ck_assert_str_eq(w->symbol, "^GSPC");
	ck_assert_ptr_eq(w->ex, exchange_default());	/* by its MIC */
	config_free(conf);
	free(wl);
}
END_TEST

/* `session': global, a watch's, a rule's; each the nearest's. */
START_TEST(test_sessions)
{
	struct config	*conf;
	struct watch	*w;
	struct rule	*r;
	char		*path;

	path = unit_write("s.conf",
	    "session extended\n"
	    "control none\n"
	    "watch AAPL { above 300\n below 200 session regular once }\n"
	    "watch CALX { session regular\n above 50 session extended\n"
	    "    below 20 }\n");
	unit_reset_errors();
	conf = config_load(path, unit_errfn);
	ck_assert_msg(conf != NULL, "errors: %s", unit_errors);
	ck_assert_int_eq(conf->hours, HOURS_EXTENDED);
	w = config_watch(conf, "AAPL");
	r = TAILQ_FIRST(&w->rules);
	ck_assert_int_eq(watch_rule_hours(conf, w, r), HOURS_EXTENDED);
	r = TAILQ_NEXT(r, entry);
	ck_assert_int_eq(watch_rule_hours(conf, w, r), HOURS_REGULAR);
	ck_assert_int_eq(r->once, 1);
	ck_assert_str_eq(r->text, "below 200");
	w = config_watch(conf, "CALX");
	r = TAILQ_FIRST(&w->rules);
	ck_assert_int_eq(watch_rule_hours(conf, w, r), HOURS_EXTENDED);
	r = TAILQ_NEXT(r, entry);
	ck_assert_int_eq(watch_rule_hours(conf, w, r), HOURS_REGULAR);
	config_free(conf);
	free(path);
	/* the default: regular hours */
	path = unit_write("s2.conf", "control none\nwatch X { above 1 }\n");
	conf = config_load(path, unit_errfn);
	ck_assert_ptr_nonnull(conf);
	w = config_watch(conf, "X");
	ck_assert_int_eq(watch_rule_hours(conf, w, TAILQ_FIRST(&w->rules)),
	    HOURS_REGULAR);
	config_free(conf);
	free(path);
}
END_TEST

/* `notify' after a rule: its alerts go there, the others the watch's. */
START_TEST(test_rule_notify)
{
	struct config	*conf;
	struct watch	*w;
	struct rule	*r;
	char		*path;

	path = unit_write("rn.conf",
	    "control none\n"
	    "notifier syslog \"a\" { }\nnotifier syslog \"b\" { }\n"
	    "notifier syslog \"c\" { }\n"
	    "watch CALX { notify \"a\"\n above 50 notify \"b\", \"c\" once\n"
	    "    below 20 }\n");
	unit_reset_errors();
	conf = config_load(path, unit_errfn);
	ck_assert_msg(conf != NULL, "errors: %s", unit_errors);
	w = config_watch(conf, "CALX");
	r = TAILQ_FIRST(&w->rules);
	ck_assert_uint_eq(watch_rule_notifiers(conf, w, r)->n, 2);
	ck_assert_str_eq(watch_rule_notifiers(conf, w, r)->v[1], "c");
	ck_assert_int_eq(r->once, 1);
	r = TAILQ_NEXT(r, entry);
	ck_assert_str_eq(watch_rule_notifiers(conf, w, r)->v[0], "a");
	config_free(conf);
	free(path);
	/* a name no notifier has: FILE:LINE */
	path = unit_write("rn2.conf", "control none\n"
	    "watch CALX { above 50 notify \"nobody\" }\n");
	unit_reset_errors();
	ck_assert_ptr_null(config_load(path, unit_errfn));
	ck_assert_msg(strstr(unit_errors, "rn2.conf:2:") != NULL &&
	    strstr(unit_errors, "nobody") != NULL, "%s", unit_errors);
	free(path);
}
END_TEST

START_TEST(test_good_lists)
{
	char			*wl;
	struct config		*conf = good_config(&wl);
	struct watch		*w;
	struct rule		*r;

	w = TAILQ_FIRST(&conf->watches);
	/* one watch per symbol of a list, each with its own rules */
	w = TAILQ_NEXT(w, entry);
	ck_assert_str_eq(w->symbol, "QCOM");
	ck_assert(!w->has_notify);
	ck_assert_str_eq(watch_notifiers(conf, w)->v[0], "me");
	ck_assert_double_eq_tol(watch_hysteresis(conf, w), 0.0025, 1e-12);
	w = TAILQ_NEXT(w, entry);
	ck_assert_str_eq(w->symbol, "AMBA");
	r = TAILQ_FIRST(&w->rules);
	ck_assert_str_eq(r->text, "move 7%");
	ck_assert_str_eq(TAILQ_NEXT(r, entry)->text, "new 52w-low");
	w = TAILQ_NEXT(w, entry);
	ck_assert_str_eq(w->symbol, "PLTR");
	w = TAILQ_NEXT(w, entry);
	ck_assert_str_eq(w->symbol, "BRK-B");
	ck_assert(TAILQ_FIRST(&w->rules)->once);
	w = TAILQ_NEXT(w, entry);
	ck_assert_str_eq(w->symbol, "^GSPC");
	config_free(conf);
	free(wl);
}
END_TEST

/* Defaults when the file says nothing. */
START_TEST(test_defaults)
{
	struct config	*conf;
	char		*path;

	unit_reset_errors();
	path = unit_write("empty.conf", "# nothing\n\n");
	conf = config_load(path, unit_errfn);
	ck_assert_ptr_nonnull(conf);
	ck_assert_int_eq(conf->poll, 60);
	ck_assert_int_eq(conf->timeout, 10);
	ck_assert_double_eq_tol(conf->hysteresis, 0.005, 1e-12);
	ck_assert_str_eq(config_provider(conf)->name, "yahoo");
	ck_assert_ptr_null(config_provider(conf)->url);
	ck_assert_uint_eq(conf->nwatches, 0);
	config_free(conf);
	free(path);
}
END_TEST

/* An include loop ends with a clear error, not a crash. */
START_TEST(test_include_loop)
{
	struct config	*conf;
	char		*path;

	unit_reset_errors();
	path = unit_write("loop.conf", "include \"loop.conf\"\n");
	conf = config_load(path, unit_errfn);
	ck_assert(conf == NULL);
	ck_assert_msg(strstr(unit_errors, "nested too deeply") != NULL,
	    "got: %s", unit_errors);
	free(path);
}
END_TEST

START_TEST(test_values)
{
	time_t	 d;
	double	 v;

	ck_assert_int_eq(parse_duration("30s", &d), 0);
	ck_assert_int_eq(d, 30);
	ck_assert_int_eq(parse_duration("5m", &d), 0);
	ck_assert_int_eq(d, 300);
	ck_assert_int_eq(parse_duration("4h", &d), 0);
	ck_assert_int_eq(d, 14400);
	ck_assert_int_eq(parse_duration("2d", &d), 0);
	ck_assert_int_eq(d, 172800);
	ck_assert_int_eq(parse_duration("2", &d), -1);
	ck_assert_int_eq(parse_duration("s", &d), -1);
	ck_assert_int_eq(parse_duration("-1s", &d), -1);
	ck_assert_int_eq(parse_duration("1ss", &d), -1);
	ck_assert_int_eq(parse_duration("1w", &d), -1);
	ck_assert_int_eq(parse_duration("99999999999s", &d), -1);
	ck_assert_int_eq(parse_price("44.53", &v), 0);
	ck_assert_double_eq(v, 44.53);
	ck_assert_int_eq(parse_price(".5", &v), 0);
	ck_assert_int_eq(parse_price("400", &v), 0);
	ck_assert_int_eq(parse_price("", &v), -1);
	ck_assert_int_eq(parse_price(".", &v), -1);
	ck_assert_int_eq(parse_price("+4", &v), -1);
	ck_assert_int_eq(parse_price("nan", &v), -1);
	ck_assert_int_eq(parse_price("inf", &v), -1);
	ck_assert_int_eq(parse_price("0x10", &v), -1);
	ck_assert_int_eq(parse_percent("5%", &v), 0);
	ck_assert_double_eq(v, 5);
	ck_assert_int_eq(parse_percent("0.5%", &v), 0);
	ck_assert_double_eq(v, 0.5);
	ck_assert_int_eq(parse_percent("%", &v), -1);
	ck_assert_int_eq(parse_percent("5", &v), -1);
	ck_assert_int_eq(parse_percent("5%%", &v), -1);
	ck_assert(symbol_valid("BRK-B"));
	ck_assert(symbol_valid("BRK.B"));
	ck_assert(symbol_valid("^GSPC"));
	ck_assert(symbol_valid("EURUSD=X"));
	ck_assert(!symbol_valid(""));
	ck_assert(!symbol_valid("-X"));
	ck_assert(!symbol_valid("A B"));
	ck_assert(!symbol_valid("A/B"));
}
END_TEST

START_TEST(test_secret_file)
{
	char	*path, *secret = NULL, err[512];

	path = unit_write("key", "s3cr3t-value\nignored\n");
	chmod(path, 0644);
	ck_assert_int_eq(values_secret_read(path, &secret, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "accessible by others") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "s3cr3t") == NULL, "secret leaked: %s",
	    err);
	chmod(path, 0640);
	ck_assert_int_eq(values_secret_read(path, &secret, err, sizeof(err)),
	    0);
	ck_assert_str_eq(secret, "s3cr3t-value");
	free(secret);
	free(path);
	path = unit_write("emptykey", "\n");
	chmod(path, 0600);
	ck_assert_int_eq(values_secret_read(path, &secret, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "empty secret file") != NULL, "%s", err);
	free(path);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("parse");
	TCase	*tc = tcase_create("config");

	tcase_add_test(tc, test_providers);
	tcase_add_loop_test(tc, test_errors, 0,
	    (int)(sizeof(errors) / sizeof(errors[0])));
	tcase_add_test(tc, test_recovery);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_good_notifiers);
	tcase_add_test(tc, test_good_watches);
	tcase_add_test(tc, test_good_lists);
	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_rule_notify);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_include_loop);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_secret_file);
	suite_add_tcase(s, tc);
	return unit_run(s);
}

/*
 * The periodic review mail (`review weekly "me"', `review monthly "me"'):
 * when a period ends (a week from Monday 00:00 UTC, a calendar month),
 * the alerts it saw and what followed each go out as one mail through
 * the mail notifier, an HTML table whose cells are coloured by outcome
 * and a plain-text table that reads well on its own, then a summary per
 * rule.  Once per period: the period is marked in review.json after its
 * message is in the outbox, and a message of that period still in the
 * outbox (a crash between the two) is not made again.
 */
#include "config.h"

#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define CHECK_EVERY	600.0	/* seconds between looks */
#define GREEN		"#d4edda"
#define RED		"#f8d7da"

static struct event	*timer;
static struct config	*rconf;

/* The first day of the period holding day (weekly or monthly). */
static long
period_start(long day, int every)
{
	int	 y, m, d;

	if (every == 7)
		return day - (day + 3) % 7;	/* 1970-01-01 was a Thursday */
	cal_date(day, &y, &m, &d);
	return cal_days(y, m, 1);
}

/* A cell of a return, coloured by its sign; label names it on a phone. */
static void
html_pct(struct buf *h, const char *label, double v)
{
	char	 x[32];

	fmt_pct(v, x, sizeof(x));
	buf_printf(h, "<td class=\"n\" data-l=\"%s\" style=\"text-align:right;"
	    "padding:2px 8px;%s\">%s</td>", label, !isfinite(v) || v == 0 ? "" :
	    v > 0 ? "background:" GREEN : "background:" RED, x);
}

/*
 * Below 600 px (a phone) each row of a table is a card of its own, each
 * cell on a line with its column's name: nothing runs off the right.
 * Days never wrap.  Mail readers that drop the style keep the table.
 */
static const char style[] =
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1"
    "\">\n<style>\n"
    "td.d { white-space: nowrap }\n"
    "td, th { overflow-wrap: anywhere }\n"
    "@media (max-width: 600px) {\n"
    "  table.rv, table.rv tbody, table.rv tr, table.rv td { display: block;"
    " width: auto !important }\n"
    "  table.rv tr.h { display: none }\n"
    "  table.rv tr { border: 1px solid #ccc; border-radius: 6px;"
    " margin: 0 0 10px 0; padding: 4px 0 }\n"
    "  table.rv td { text-align: left !important; padding: 1px 8px !important"
    " }\n"
    "  table.rv td[data-l]::before { content: attr(data-l) \": \";"
    " color: #555 }\n"
    "}\n</style>\n";

static void
day_text(long day, char *out, size_t len)
{
	int	 y, m, d;

	cal_date(day, &y, &m, &d);
	snprintf(out, len, "%04d-%02d-%02d", y, m, d);
}

/* One alert: a line of the text, a row of the table. */
static void
row(struct buf *t, struct buf *h, const struct review *r)
{
	char	 day[16], p[32], x[32], label[32];
	int	 i;

	day_text(r->day0, day, sizeof(day));
	fmt_price(r->price, p, sizeof(p));
	buf_printf(t, "%-10s  %-8s %-26s %9s", day, r->symbol, r->rule, p);
	buf_printf(h, "<tr><td class=\"d\" style=\"padding:2px 8px\">%s</td>"
	    "<td style=\"padding:2px 8px\"><b>", day);
	mail_html_escape(h, r->symbol);
	buf_puts(h, "</b></td><td data-l=\"Rule\" style=\"padding:2px 8px\">");
	mail_html_escape(h, r->rule);
	buf_printf(h, "</td><td class=\"n\" data-l=\"Price\" style=\""
	    "text-align:right;padding:2px 8px;white-space:nowrap\">%s %s</td>",
	    p, r->currency);
	for (i = 0; i < r->o.n; i++) {
		fmt_pct(r->o.ret[i], x, sizeof(x));
		buf_printf(t, " %9s", x);
		snprintf(label, sizeof(label), "+%d sessions", r->o.days[i]);
		html_pct(h, label, r->o.ret[i]);
	}
	fmt_pct(r->o.rise, x, sizeof(x));
	buf_printf(t, " %8s", x);
	html_pct(h, "Rise", r->o.rise);
	fmt_pct(r->o.fall, x, sizeof(x));
	buf_printf(t, " %8s\n", x);
	html_pct(h, "Fall", r->o.fall);
	if (r->note != NULL && *r->note != '\0')
		buf_printf(t, "            note: %s\n", r->note);
	buf_puts(h, "<td data-l=\"Note\" style=\"padding:2px 8px;color:#555\">");
	mail_html_escape(h, r->note ? r->note : "");
	buf_puts(h, "</td></tr>\n");
}

/* The summary per rule of the period's alerts v[0..n). */
static void
summary(struct buf *t, struct buf *h, const struct review **v, size_t n)
{
	const struct outcome	**o = xcalloc(n, sizeof(*o));
	struct summary		 s;
	int			*dir = xcalloc(n, sizeof(*dir));
	size_t			 i, j, k;
	int			 d;

	buf_puts(t, "\nBy rule: alerts, how many the move followed, outcome_median "
	    "returns\n");
	buf_puts(h, "<h3>By rule</h3>\n<table class=\"rv\" style=\""
	    "border-collapse:collapse\"><tr class=\"h\"><th>Rule</th><th>"
	    "Alerts</th><th>Followed</th>");
	for (d = 0; n > 0 && d < v[0]->o.n; d++)
		buf_printf(h, "<th>Median +%dd</th>", v[0]->o.days[d]);
	buf_puts(h, "</tr>\n");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(v[j]->rule, v[i]->rule) != 0; j++)
			;
		if (j < i)
			continue;	/* its rule is done */
		for (j = i, k = 0; j < n; j++)
			if (strcmp(v[j]->rule, v[i]->rule) == 0) {
				o[k] = &v[j]->o;
				dir[k++] = v[j]->dir;
			}
		outcome_summary(o, dir, k, &s);
		buf_printf(t, "  %-26s %4zu  %zu/%zu", v[i]->rule, s.count,
		    s.followed, s.judged);
		buf_puts(h, "<tr><td style=\"padding:2px 8px\">");
		mail_html_escape(h, v[i]->rule);
		buf_printf(h, "</td><td data-l=\"Alerts\" style=\"text-align:"
		    "right;padding:2px 8px\">%zu</td><td data-l=\"Followed\" "
		    "style=\"text-align:right;padding:2px 8px\">%zu/%zu</td>",
		    s.count, s.followed, s.judged);
		for (d = 0; d < s.n; d++) {
			char	 x[32], label[32];

			fmt_pct(s.median[d], x, sizeof(x));
			buf_printf(t, "  %8s", x);
			snprintf(label, sizeof(label), "Median +%dd",
			    v[i]->o.days[d]);
			html_pct(h, label, s.median[d]);
		}
		buf_puts(t, "\n");
		buf_puts(h, "</tr>\n");
	}
	buf_puts(h, "</table>\n");
	buf_printf(h, "<p style=\"font-size:small;color:#555\"><b>Followed"
	    "</b>: of a rule's alerts that point up or down (a rise above a "
	    "threshold, a fall below one, an insider's purchase...), how many "
	    "the price followed their way %d sessions after the alert, out of "
	    "those whose return is known.</p>\n", n > 0 && v[0]->o.n > 0 ?
	    v[0]->o.days[v[0]->o.n / 2] : 0);
	buf_printf(t, "\nFollowed: of a rule's alerts that point up or down, "
	    "how many the price followed their way %d sessions after the alert, "
	    "out of those whose return is known.\n", n > 0 && v[0]->o.n > 0 ?
	    v[0]->o.days[v[0]->o.n / 2] : 0);
	free(o);
	free(dir);
}

/* The mail of the alerts v[0..n) of the period from..to (days). */
static void
compose(struct buf *b, const struct notifier *nt, const struct review **v,
    size_t n, const char *title, time_t now, const char *msgid)
{
	struct buf	 t = { 0 }, h = { 0 };
	char		*from, subj[160], head[16];
	size_t		 i;
	int		 d;

	snprintf(subj, sizeof(subj), "review of %s: %zu alert%s", title, n,
	    n == 1 ? "" : "s");
	buf_printf(&t, "What followed the alerts of %s: the return after each "
	    "number of sessions, the largest rise and fall since (\"-\": not "
	    "known yet).\n\n%-10s  %-8s %-26s %9s", title, "DAY", "SYMBOL",
	    "RULE", "PRICE");
	buf_puts(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">");
	buf_puts(&h, style);
	buf_puts(&h, "<title>tickerd review</title></head>\n<body style=\""
	    "font-family:sans-serif\">\n<h2>");
	mail_html_escape(&h, subj);
	buf_puts(&h, "</h2>\n<table class=\"rv\" style=\"border-collapse:"
	    "collapse\"><tr class=\"h\"><th>Day</th><th>Symbol</th><th>Rule"
	    "</th><th>Price</th>");
	for (d = 0; d < v[0]->o.n; d++) {
		snprintf(head, sizeof(head), "+%dd", v[0]->o.days[d]);
		buf_printf(&t, " %9s", head);
		buf_printf(&h, "<th>+%d sessions</th>", v[0]->o.days[d]);
	}
	buf_printf(&t, " %8s %8s\n", "RISE", "FALL");
	buf_puts(&h, "<th>Rise</th><th>Fall</th><th>Note</th></tr>\n");
	for (i = 0; i < n; i++)
		row(&t, &h, v[i]);
	buf_puts(&h, "</table>\n");
	summary(&t, &h, v, n);
	buf_puts(&t, "\n-- \ntickerd " PACKAGE_VERSION "\n");
	buf_puts(&h, "<p style=\"color:#888;font-size:small\">tickerd "
	    PACKAGE_VERSION "</p>\n</body></html>\n");
	from = nt->from ? xstrdup(nt->from) : mail_default_from();
	mail_wrap(b, from, &nt->to, now, msgid, subj, t.data, h.data);
	free(from);
	buf_free(&t);
	buf_free(&h);
}

/* Whether the outbox still holds the message of id (made, not sent). */
static int
in_outbox(const char *id)
{
	struct stat	 st;
	char		*path;
	int		 rc;

	if (store_dir() == NULL)
		return 0;
	xasprintf(&path, "%s/outbox/%s.json", store_dir(), id);
	rc = stat(path, &st) == 0;
	free(path);
	return rc;
}

/* The period from..to (days) is over: its mail, once. */
static void
send_period(const struct notifier *nt, long from, long to, time_t now)
{
	const struct review	**v = xcalloc(review_count() + 1, sizeof(*v));
	const struct review	*r;
	struct outmsg		*m;
	char			 id[64], title[64], msgid[256], day[16];
	size_t			 i, n = 0;
	int			 y, mo, d;

	for (i = 0; (r = review_at(i)) != NULL; i++)
		if (r->day0 >= from && r->day0 < to)
			v[n++] = r;
	day_text(from, day, sizeof(day));
	snprintf(id, sizeof(id), "review-%s", day);
	cal_date(from, &y, &mo, &d);
	if (rconf->review_every == 7)
		snprintf(title, sizeof(title), "the week of %s", day);
	else
		snprintf(title, sizeof(title), "%04d-%02d", y, mo);
	if (n == 0 || in_outbox(id)) {
		if (n == 0)
			log_info("review: no alerts in %s, no mail", title);
		review_set_mailed(from);
		review_save();
		free(v);
		return;
	}
	m = outmsg_alone(id, nt, "review", now);
	xasprintf(&m->subject, "review of %s", title);
	mail_msgid_from(msgid, sizeof(msgid), id);
	compose(&m->payload, nt, v, n, title, now, msgid);
	free(v);
	if (outbox_write(m) == -1) {
		log_warnx("review: the mail of %s cannot be written to the "
		    "outbox; tried again later", title);
		outmsg_free(m);
		return;
	}
	review_set_mailed(from);
	review_save();
	log_info("review: %s, %zu alert%s, to %s", title, n, n == 1 ? "" :
	    "s", nt->name);
	notify_queue(m);
}

/* Every ten minutes: has a period ended that was not mailed? */
static void
check(evutil_socket_t fd, short ev, void *arg)
{
	const struct notifier	*nt;
	time_t			 now = clock_now();
	long			 today = (long)(now / 86400), cur, prev;

	timer_in(timer, CHECK_EVERY);
	if (rconf == NULL || rconf->review_to == NULL ||
	    (nt = config_notifier(rconf, rconf->review_to)) == NULL)
		return;
	cur = period_start(today, rconf->review_every);
	prev = period_start(cur - 1, rconf->review_every);
	if (review_mailed() >= prev)
		return;
	send_period(nt, prev, cur, now);
}

void
reviewmail_start(struct event_base *base)
{
	if ((timer = evtimer_new(base, check, NULL)) == NULL)
		fatalx("evtimer_new");
	timer_in(timer, 5);
}

void
reviewmail_reconfigure(struct config *c)
{
	rconf = c;
}

void
reviewmail_stop(void)
{
	if (timer != NULL)
		event_free(timer);
	timer = NULL;
}

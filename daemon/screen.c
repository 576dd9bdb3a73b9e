/*
 * Screens (config/parse_screen.c): each symbol of a screen is judged by
 * its condition as its quotes come, and every `every' the screen sends
 * one message of the symbols that entered it (its condition became true)
 * and of those that left, each with its price and day's move, through
 * its notifiers and the outbox, as a notice.  Its first judgement of a
 * symbol is silent, and so is a screen whose symbols did not change; a
 * symbol that came and went between two messages is in neither.  Whom a
 * screen has seen is kept in memory: a restart or a reload starts it
 * silent again.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define SCREEN_TEXT_MAX	8000	/* bytes of a message's list */

struct member {
	int		 in;		/* its condition, now */
	int		 told;		/* what the last message said */
	double		 price, chg;
	char		 currency[8];
};

struct scr {
	const struct screen	*s;
	struct strmap		*members;	/* symbol -> member */
	struct event		*timer;
};

static struct {
	struct config	*conf;
	struct event_base *base;
	struct scr	*v;
	size_t		 n;
} S;

static void	report_cb(evutil_socket_t, short, void *);

static void
screens_free(void)
{
	size_t		 i, k;
	struct member	*m;

	for (i = 0; i < S.n; i++) {
		for (k = 0; k < S.v[i].s->symbols.n; k++)
			if ((m = strmap_get(S.v[i].members,
			    S.v[i].s->symbols.v[k])) != NULL)
				free(m);
		strmap_free(S.v[i].members);
		if (S.v[i].timer != NULL)
			event_free(S.v[i].timer);
	}
	free(S.v);
	S.v = NULL;
	S.n = 0;
}

/* The screens of conf, each silent until its symbols have been seen. */
void
screen_reconfigure(struct config *conf)
{
	size_t	 i;

	screens_free();
	S.conf = conf;
	if (S.base == NULL || conf->nscreens == 0)
		return;
	S.v = xcalloc(conf->nscreens, sizeof(*S.v));
	S.n = conf->nscreens;
	for (i = 0; i < S.n; i++) {
		S.v[i].s = &conf->screens[i];
		S.v[i].members = strmap_new();
		if ((S.v[i].timer = event_new(S.base, -1, EV_PERSIST,
		    report_cb, &S.v[i])) == NULL)
			fatalx("event_new");
		timer_in(S.v[i].timer, (double)S.v[i].s->every);
	}
}

void
screen_start(struct event_base *base, struct config *conf)
{
	S.base = base;
	screen_reconfigure(conf);
}

void
screen_stop(void)
{
	screens_free();
	S.base = NULL;
}

/* A judged quote of symbol: where it stands in each screen of it. */
void
screen_quote(const char *symbol, const struct quote *q,
    const struct symref *ref)
{
	struct rule_state	 none;
	struct member		*m;
	size_t			 i;
	int			 known, in;

	for (i = 0; i < S.n; i++) {
		if (!strlist_has(&S.v[i].s->symbols, symbol))
			continue;
		memset(&none, 0, sizeof(none));
		in = rule_condition(S.v[i].s->cond, q, ref, &none, &known) != 0;
		if (!known)
			continue;
		if ((m = strmap_get(S.v[i].members, symbol)) == NULL) {
			m = xcalloc(1, sizeof(*m));
			m->told = in;		/* the first look: silent */
			strmap_put(S.v[i].members, symbol, m);
		}
		m->in = in;
		m->price = q->price;
		m->chg = rule_change_pct(q);
		memcpy(m->currency, q->currency, sizeof(m->currency));
	}
}

/* The lines of the symbols that joined (want 1) or left (0). */
static size_t
changes(struct scr *c, int want, struct buf *b)
{
	struct member	*m;
	size_t		 k, n = 0;
	char		 p[32];

	for (k = 0; k < c->s->symbols.n; k++) {
		if ((m = strmap_get(c->members, c->s->symbols.v[k])) == NULL ||
		    m->in == m->told || m->in != want)
			continue;
		if (b->len < SCREEN_TEXT_MAX) {
			fmt_price(m->price, p, sizeof(p));
			buf_printf(b, "  %s %s %s", c->s->symbols.v[k], p,
			    m->currency);
			if (isfinite(m->chg))
				buf_printf(b, " (%+.1f%% today)", m->chg);
			buf_puts(b, "\n");
		}
		n++;
	}
	return n;
}

/* What the last message said is what is now. */
static void
told(struct scr *c)
{
	struct member	*m;
	size_t		 k;

	for (k = 0; k < c->s->symbols.n; k++)
		if ((m = strmap_get(c->members, c->s->symbols.v[k])) != NULL)
			m->told = m->in;
}

/* Every `every': the screen's message, if anything changed. */
static void
report_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct scr	*c = arg;
	struct buf	 joined = { 0 }, left = { 0 }, text = { 0 };
	char		 subj[300];
	size_t		 nj, nl;

	nj = changes(c, 1, &joined);
	nl = changes(c, 0, &left);
	if (nj + nl > 0) {
		text_printf(subj, sizeof(subj), "screen %s: %zu joined, %zu "
		    "left", c->s->name, nj, nl);
		buf_printf(&text, "The screen \"%s\" (%s):\n", c->s->name,
		    c->s->cond->text);
		if (nj > 0)
			buf_printf(&text, "\nJoined:\n%.*s", (int)joined.len,
			    joined.data);
		if (nl > 0)
			buf_printf(&text, "\nLeft:\n%.*s", (int)left.len,
			    left.data);
		buf_add(&text, "", 1);
		if (notice_screen(S.conf, c->s, subj, text.data) == 0)
			told(c);	/* else: the next time, with more */
	}
	buf_free(&joined);
	buf_free(&left);
	buf_free(&text);
}

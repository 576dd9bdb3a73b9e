/*
 * tickerctl review [SYMBOL] [--since DATE]: each alert the daemon keeps
 * for the review, with what followed it, then a summary per rule and per
 * symbol: how many, how many the move went the alert's way, and the
 * median return at each horizon (alerts/outcome.c).  With -j the same as
 * one JSON object: the rows as the daemon gave them, and the summaries.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "ctl/ctl.h"

/* A row's outcome as the daemon gave it. */
static void
row_outcome(json_t *r, struct outcome *o, int *dir)
{
	json_t		*ret = json_object_get(r, "returns"), *v;
	const char	*k;
	int		 days[HORIZONS_MAX], n = 0;

	json_object_foreach(ret, k, v)
		if (n < HORIZONS_MAX)
			days[n++] = atoi(k);
	outcome_init(o, days, n);
	n = 0;
	json_object_foreach(ret, k, v)
		if (n < HORIZONS_MAX)
			o->ret[n++] = json_is_number(v) ? json_number_value(v) :
			    NAN;
	o->rise = jget(r, "rise");
	o->fall = jget(r, "fall");
	*dir = (int)jint(r, "direction");
}

/* The summaries of the rows grouped by key (rule or symbol), as JSON. */
static json_t *
summaries(json_t *rows, const char *key)
{
	struct outcome	*o;
	const struct outcome **po;
	struct summary	 s;
	json_t		*out = json_array(), *r, *med;
	const char	*name;
	char		 k[16];
	size_t		 i, j, n, cnt = json_array_size(rows);
	int		*dir, *pd, h;

	o = xcalloc(cnt + 1, sizeof(*o));
	dir = xcalloc(cnt + 1, sizeof(*dir));
	po = xcalloc(cnt + 1, sizeof(*po));
	pd = xcalloc(cnt + 1, sizeof(*pd));
	json_array_foreach(rows, i, r)
		row_outcome(r, &o[i], &dir[i]);
	for (i = 0; i < cnt; i++) {
		name = jstr(json_array_get(rows, i), key);
		for (j = 0; j < i; j++)		/* the first of its group */
			if (strcmp(jstr(json_array_get(rows, j), key),
			    name) == 0)
				break;
		if (j < i)
			continue;
		for (j = i, n = 0; j < cnt; j++)
			if (strcmp(jstr(json_array_get(rows, j), key),
			    name) == 0) {
				po[n] = &o[j];
				pd[n++] = dir[j];
			}
		outcome_summary(po, pd, n, &s);
		med = json_object();
		for (h = 0; h < s.n; h++) {
			snprintf(k, sizeof(k), "%d", s.days[h]);
			json_object_set_new(med, k, jnum(s.median[h]));
		}
		json_array_append_new(out, json_pack("{s:s, s:I, s:I, s:I, "
		    "s:o, s:o}", key, name, "alerts", (json_int_t)s.count,
		    "judged", (json_int_t)s.judged, "followed",
		    (json_int_t)s.followed, "share", s.judged ?
		    jnum((double)s.followed / (double)s.judged) : json_null(),
		    "median", med));
	}
	free(o);
	free(dir);
	free(po);
	free(pd);
	return out;
}

/* The rows the arguments ask for: the symbol's, since the date. */
static json_t *
chosen(json_t *all, const char *symbol, const char *since)
{
	json_t	*rows = json_array(), *r;
	size_t	 i;

	json_array_foreach(all, i, r) {
		if (symbol != NULL && strcasecmp(jstr(r, "symbol"), symbol) != 0)
			continue;
		if (since != NULL && strcmp(jstr(r, "day"), since) < 0)
			continue;
		json_array_append(rows, r);
	}
	return rows;
}

static void
print_rows(json_t *rows)
{
	json_t		*r, *ret, *v;
	const char	*k;
	char		 p[32], x[16];
	size_t		 i;

	printf("%-10s  %-8s %-26s %9s", "DAY", "SYMBOL", "RULE", "PRICE");
	r = json_array_get(rows, 0);
	json_object_foreach(json_object_get(r, "returns"), k, v) {
		snprintf(x, sizeof(x), "+%sd", k);
		printf(" %9s", x);
	}
	printf(" %8s %8s  %s\n", "RISE", "FALL", "NOTE");
	json_array_foreach(rows, i, r) {
		fmt_price(jget(r, "price"), p, sizeof(p));
		printf("%-10s  %-8s %-26s %9s", jstr(r, "day"),
		    jstr(r, "symbol"), jstr(r, "rule"), p);
		ret = json_object_get(r, "returns");
		json_object_foreach(ret, k, v) {
			fmt_pct(json_is_number(v) ? json_number_value(v) : NAN, x,
			    sizeof(x));
			printf(" %9s", x);
		}
		fmt_pct(jget(r, "rise"), x, sizeof(x));
		printf(" %8s", x);
		fmt_pct(jget(r, "fall"), x, sizeof(x));
		printf(" %8s  %s\n", x, jstr(r, "note"));
	}
}

static void
print_summaries(json_t *sums, const char *key, const char *title)
{
	json_t		*s, *v;
	const char	*k;
	char		 x[16], share[16];
	size_t		 i;

	printf("\n%-36s %6s %10s", title, "ALERTS", "FOLLOWED");
	s = json_array_get(sums, 0);
	json_object_foreach(json_object_get(s, "median"), k, v)
		printf("  MEDIAN+%-3s", k);
	printf("\n");
	json_array_foreach(sums, i, s) {
		if (json_is_number(json_object_get(s, "share")))
			snprintf(share, sizeof(share), "%.0f%%",
			    jget(s, "share") * 100);
		else
			snprintf(share, sizeof(share), "-");
		printf("%-36s %6lld %4lld/%-4lld%-5s", jstr(s, key),
		    jint(s, "alerts"), jint(s, "followed"), jint(s, "judged"),
		    share);
		json_object_foreach(json_object_get(s, "median"), k, v) {
			fmt_pct(json_is_number(v) ? json_number_value(v) : NAN, x,
			    sizeof(x));
			printf("  %10s", x);
		}
		printf("\n");
	}
}

/* The answer to "review": as text, or (json) as one JSON object. */
void
ctl_review_print(json_t *j, const char *symbol, const char *since, int json)
{
	json_t	*rows = chosen(json_object_get(j, "alerts"), symbol, since);
	json_t	*out;
	char	*text;

	out = json_pack("{s:o, s:o, s:o}", "alerts", rows, "by_rule",
	    summaries(rows, "rule"), "by_symbol", summaries(rows, "symbol"));
	if (json) {
		text = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(12));
		printf("%s\n", text);
		free(text);
	} else if (json_array_size(rows) == 0)
		printf("no alerts to review%s%s\n", since ? " since " : "",
		    since ? since : "");
	else {
		print_rows(rows);
		print_summaries(json_object_get(out, "by_rule"), "rule",
		    "BY RULE");
		print_summaries(json_object_get(out, "by_symbol"), "symbol",
		    "BY SYMBOL");
	}
	json_decref(out);
}

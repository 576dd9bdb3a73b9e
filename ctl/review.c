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
	json_t		*r, *v;
	const char	*k;
	char		 p[32], x[16], heads[HORIZONS_MAX][16];
	struct table	 t;
	size_t		 i, n = 0;

	memset(&t, 0, sizeof(t));
	table_col(&t, "DAY", 0, 0, 0);
	table_col(&t, "SYMBOL", 0, 0, 0);
	table_col(&t, "RULE", TABLE_SHRINK, 0, 16);
	table_col(&t, "PRICE", TABLE_RIGHT, 0, 0);
	json_object_foreach(json_object_get(json_array_get(rows, 0), "returns"),
	    k, v) {
		if (n == HORIZONS_MAX)
			break;
		snprintf(heads[n], sizeof(heads[n]), "+%sd", k);
		table_col(&t, heads[n], TABLE_RIGHT, (int)(HORIZONS_MAX - n + 2),
		    0);
		n++;
	}
	table_col(&t, "RISE", TABLE_RIGHT, 2, 0);
	table_col(&t, "FALL", TABLE_RIGHT, 1, 0);
	table_col(&t, "NOTE", TABLE_SHRINK, 0, 8);
	json_array_foreach(rows, i, r) {
		fmt_price(jget(r, "price"), p, sizeof(p));
		table_cell(&t, "%s", jstr(r, "day"));
		table_cell(&t, "%s", jstr(r, "symbol"));
		table_cell(&t, "%s", jstr(r, "rule"));
		table_cell(&t, "%s", p);
		json_object_foreach(json_object_get(r, "returns"), k, v) {
			fmt_pct(json_is_number(v) ? json_number_value(v) : NAN, x,
			    sizeof(x));
			table_cell(&t, "%s", x);
		}
		fmt_pct(jget(r, "rise"), x, sizeof(x));
		table_cell(&t, "%s", x);
		fmt_pct(jget(r, "fall"), x, sizeof(x));
		table_cell(&t, "%s", x);
		table_cell(&t, "%s", jstr(r, "note"));
	}
	table_print(&t, table_width());
}

static void
print_summaries(json_t *sums, const char *key, const char *title)
{
	json_t		*s, *v;
	const char	*k;
	char		 x[16], share[16] = "", heads[HORIZONS_MAX][16];
	struct table	 t;
	size_t		 i, n = 0;

	memset(&t, 0, sizeof(t));
	table_col(&t, title, TABLE_SHRINK, 0, 16);
	table_col(&t, "ALERTS", TABLE_RIGHT, 0, 0);
	table_col(&t, "FOLLOWED", TABLE_RIGHT, 0, 0);
	json_object_foreach(json_object_get(json_array_get(sums, 0), "median"),
	    k, v) {
		if (n == HORIZONS_MAX)
			break;
		snprintf(heads[n], sizeof(heads[n]), "MEDIAN +%sd", k);
		table_col(&t, heads[n], TABLE_RIGHT, (int)(HORIZONS_MAX - n), 0);
		n++;
	}
	json_array_foreach(sums, i, s) {
		if (json_is_number(json_object_get(s, "share")))
			snprintf(share, sizeof(share), " %.0f%%",
			    jget(s, "share") * 100);
		else
			share[0] = '\0';
		table_cell(&t, "%s", jstr(s, key));
		table_cell(&t, "%lld", jint(s, "alerts"));
		table_cell(&t, "%lld/%lld%s", jint(s, "followed"),
		    jint(s, "judged"), share);
		json_object_foreach(json_object_get(s, "median"), k, v) {
			fmt_pct(json_is_number(v) ? json_number_value(v) : NAN, x,
			    sizeof(x));
			table_cell(&t, "%s", x);
		}
	}
	printf("\n");
	table_print(&t, table_width());
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
		printf("\nFOLLOWED: of the alerts that point up or down, how "
		    "many the price\nfollowed their way at the middle horizon; "
		    "the share of them.\n");
	}
	json_decref(out);
}

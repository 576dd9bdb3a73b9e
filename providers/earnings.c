/*
 * Earnings dates, for `earnings in Nd' rules, from the providers that
 * publish them on a plan a user can have for free:
 *
 *   finnhub      GET /api/v1/calendar/earnings?from=D&to=D&symbol=SYM&token=K
 *                {"earningsCalendar":[{"date":"2026-01-29","hour":"amc",
 *                "symbol":"AAPL","epsEstimate":2.35,...}]}
 *   alphavantage GET /query?function=EARNINGS_CALENDAR&symbol=SYM&
 *                horizon=3month&apikey=K
 *                symbol,name,reportDate,fiscalDateEnding,estimate,currency
 *                IBM,International Business Machines,2026-01-21,...
 *
 * Yahoo's v7 quote answer carries earningsTimestampStart itself, read
 * with the quote (yahoo.c).  Pure: a URL out, a date in.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

/* "2026-01-29" as cal_days(); 0 when it is not a date. */
static long
iso_day(const char *s)
{
	int	 y, m, d, n = 0;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return cal_days(y, m, d);
}

/* Whether provider publishes earnings dates here. */
int
earnings_served(const char *provider)
{
	return strcmp(provider, "finnhub") == 0 ||
	    strcmp(provider, "alphavantage") == 0;
}

/* The request for sym's earnings dates from day on (about 3 months). */
char *
earnings_url(const char *provider, const char *base, const char *key,
    const char *sym, long day)
{
	char	*s = fmt_urlencode(sym), *k = fmt_urlencode(key ? key : ""), *url;
	int	 y, m, d, y2, m2, d2;

	cal_date(day, &y, &m, &d);
	cal_date(day + 100, &y2, &m2, &d2);
	if (strcmp(provider, "finnhub") == 0)
		xasprintf(&url, "%s/api/v1/calendar/earnings?from=%04d-%02d-%02d"
		    "&to=%04d-%02d-%02d&symbol=%s&token=%s", base, y, m, d, y2,
		    m2, d2, s, k);
	else
		xasprintf(&url, "%s/query?function=EARNINGS_CALENDAR&symbol=%s"
		    "&horizon=3month&apikey=%s", base, s, k);
	free(s);
	free(k);
	return url;
}

/* The earliest date of Finnhub's calendar for sym on or after day. */
static long
finnhub_next(const char *body, size_t len, const char *sym, long day,
    char *err, size_t errlen)
{
	json_t		*root, *cal, *e;
	const char	*s;
	size_t		 i;
	long		 d, best = 0;

	if ((root = json_loadb(body, len, 0, NULL)) == NULL ||
	    !json_is_array(cal = json_object_get(root, "earningsCalendar"))) {
		s = root != NULL ? json_string_value(json_object_get(root,
		    "error")) : NULL;
		text_printf(err, errlen, "%s", s != NULL ? s : "not an earnings "
		    "calendar");
		json_decref(root);
		return -1;
	}
	json_array_foreach(cal, i, e) {
		s = json_string_value(json_object_get(e, "symbol"));
		d = iso_day(json_string_value(json_object_get(e, "date")));
		if (s != NULL && strcasecmp(s, sym) != 0)
			continue;
		if (d >= day && (best == 0 || d < best))
			best = d;
	}
	json_decref(root);
	return best;
}

/* The earliest reportDate of Alpha Vantage's CSV for sym on or after day. */
static long
av_next(const char *body, size_t len, const char *sym, long day, char *err,
    size_t errlen)
{
	char	*copy = xstrndup(body, len), *line, *cur = copy, *f[4];
	long	 d, best = 0;
	size_t	 n;

	if (strncmp(copy, "symbol,name,reportDate", 22) != 0) {
		text_printf(err, errlen, "not an earnings calendar: %.80s", copy);
		free(copy);
		return -1;
	}
	while ((line = strsep(&cur, "\n")) != NULL) {
		line[strcspn(line, "\r")] = '\0';
		/* a company's name may hold a comma: the date is then later */
		for (n = 0; n < 4 && line != NULL; n++)
			f[n] = strsep(&line, ",");
		if (n < 3 || strcasecmp(f[0], sym) != 0)
			continue;
		if ((d = iso_day(f[2])) == 0 && n == 4)
			d = iso_day(f[3]);
		if (d >= day && (best == 0 || d < best))
			best = d;
	}
	free(copy);
	return best;
}

/*
 * The next earnings date of sym on or after day in provider's answer:
 * its day, 0 when none is published, -1 with err when the answer is not
 * one.
 */
long
earnings_parse(const char *provider, long status, const char *body,
    size_t len, const char *sym, long day, char *err, size_t errlen)
{
	if (status != 200) {
		text_printf(err, errlen, "HTTP %ld", status);
		return -1;
	}
	if (strcmp(provider, "finnhub") == 0)
		return finnhub_next(body, len, sym, day, err, errlen);
	return av_next(body, len, sym, day, err, errlen);
}

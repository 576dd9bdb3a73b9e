/*
 * The holidays of the exchanges of Asia and the Pacific (see holidays.c
 * for what a rule answers): Japan's national holidays by the law's
 * rules, Hong Kong's, Singapore's and Korea's from the lunisolar dates
 * as published, Australia's by rule, India's from NSE's circular.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>

#include "lib/lib.h"
#include "market/market.h"
#include "market/holidays.h"

/* ---- Tokyo (the Act on National Holidays, and JPX's year end) ---- */

/* The equinox days, by the formula of the National Astronomical
 * Observatory of Japan (1980-2099). */
static int
equinox(int y, double base)
{
	return (int)floor(base + 0.242194 * (y - 1980)) - (y - 1980) / 4;
}

/* A national holiday by its own date, before substitutes. */
static const char *
jp_named(long t)
{
	int	 y, m, d;

	cal_date(t, &y, &m, &d);
	switch (m * 100 + d) {
	case 101: return "New Year's Day";
	case 211: return "National Foundation Day";
	case 223: return y >= 2020 ? "Emperor's Birthday" : NULL;
	case 429: return "Showa Day";
	case 503: return "Constitution Memorial Day";
	case 504: return "Greenery Day";
	case 505: return "Children's Day";
	case 1103: return "Culture Day";
	case 1123: return "Labour Thanksgiving Day";
	case 1223: return y <= 2018 ? "Emperor's Birthday" : NULL;
	}
	if (t == cal_nth_weekday(y, 1, MON, 2))
		return "Coming of Age Day";
	if (m == 3 && d == equinox(y, 20.8431))
		return "Vernal Equinox Day";
	if (m == 9 && d == equinox(y, 23.2488))
		return "Autumnal Equinox Day";
	if (t == cal_nth_weekday(y, 9, MON, 3))
		return "Respect for the Aged Day";
	/* moved for the Tokyo Olympics in 2020 and 2021 */
	if (y == 2020 || y == 2021) {
		if (m == 7 && d == (y == 2020 ? 23 : 22))
			return "Marine Day";
		if (m == 7 && d == (y == 2020 ? 24 : 23))
			return "Sports Day";
		if (m == 8 && d == (y == 2020 ? 10 : 9))
			return "Mountain Day";
		return NULL;
	}
	if (t == cal_nth_weekday(y, 7, MON, 3))
		return "Marine Day";
	if (y >= 2016 && m == 8 && d == 11)
		return "Mountain Day";
	if (t == cal_nth_weekday(y, 10, MON, 2))
		return "Sports Day";
	return NULL;
}

int
hol_jpx(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d), u;
	const char	*name;

	if ((m == 1 && d <= 3) || (m == 12 && d == 31))
		return hol_closed(why, "year-end holidays");
	if ((name = jp_named(t)) != NULL)
		return hol_closed(why, name);
	/* a holiday on a Sunday: the next day that is not one */
	for (u = t - 1; jp_named(u) != NULL; u--)
		if (cal_weekday(u) == SUN)
			return hol_closed(why, "substitute holiday");
	/* a day between two holidays */
	if (jp_named(t - 1) != NULL && jp_named(t + 1) != NULL)
		return hol_closed(why, "Citizens' Holiday");
	if (t < cal_days(2024, 11, 5))	/* the afternoon was 30 min shorter */
		return hol_early(why, HM(15, 0));
	return HOL_REGULAR;
}

/* ---- Hong Kong (the General Holidays Ordinance, HKEX's calendar) ---- */

/*
 * The lunisolar festivals, by their Gregorian dates: Lunar New Year's
 * Day, Ching Ming (April), Buddha's Birthday, Tuen Ng, the Mid-Autumn
 * Festival and Chung Yeung, as the Hong Kong Observatory publishes them.
 */
static const struct {
	short		 y;
	unsigned char	 lny[2], qm, buddha[2], tuen[2], mid[2], chung[2];
} hk_lunar[] = {
	{ 2024, { 2, 10 }, 4, { 5, 15 }, { 6, 10 }, { 9, 17 }, { 10, 11 } },
	{ 2025, { 1, 29 }, 4, { 5, 5 }, { 5, 31 }, { 10, 6 }, { 10, 29 } },
	{ 2026, { 2, 17 }, 5, { 5, 24 }, { 6, 19 }, { 9, 25 }, { 10, 18 } },
	{ 2027, { 2, 6 }, 5, { 5, 13 }, { 6, 9 }, { 9, 15 }, { 10, 8 } },
	{ 2028, { 1, 26 }, 4, { 5, 2 }, { 5, 28 }, { 10, 3 }, { 10, 26 } },
	{ 2029, { 2, 13 }, 4, { 5, 20 }, { 6, 16 }, { 9, 22 }, { 10, 16 } },
	{ 2030, { 2, 3 }, 5, { 5, 9 }, { 6, 5 }, { 9, 12 }, { 10, 5 } },
};
#define HK_MAX	24

static int
taken(const long *v, size_t n, long t)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i] == t)
			return 1;
	return 0;
}

/*
 * The year's general holidays, each on its own date unless that is a
 * Sunday or already a holiday, when it moves to the next day that is
 * neither.  Returns how many; *lny the Lunar New Year's Day (0: none).
 */
static size_t
hk_year(int y, long *v, long *lny)
{
	long		 nominal[HK_MAX], easter = cal_easter(y), t;
	size_t		 n = 0, k = 0, i;

	*lny = 0;
	nominal[n++] = cal_days(y, 1, 1);
	for (i = 0; i < sizeof(hk_lunar) / sizeof(hk_lunar[0]); i++) {
		if (hk_lunar[i].y != y)
			continue;
		*lny = cal_days(y, hk_lunar[i].lny[0], hk_lunar[i].lny[1]);
		nominal[n++] = *lny;
		nominal[n++] = *lny + 1;
		nominal[n++] = *lny + 2;
	}
	nominal[n++] = easter - 2;		/* Good Friday */
	nominal[n++] = easter - 1;		/* the day following */
	nominal[n++] = easter + 1;		/* Easter Monday */
	for (i = 0; i < sizeof(hk_lunar) / sizeof(hk_lunar[0]); i++) {
		if (hk_lunar[i].y != y)
			continue;
		nominal[n++] = cal_days(y, 4, hk_lunar[i].qm);
		nominal[n++] = cal_days(y, hk_lunar[i].buddha[0],
		    hk_lunar[i].buddha[1]);
		nominal[n++] = cal_days(y, hk_lunar[i].tuen[0],
		    hk_lunar[i].tuen[1]);
		nominal[n++] = cal_days(y, hk_lunar[i].mid[0],
		    hk_lunar[i].mid[1]) + 1;	/* the day following */
		nominal[n++] = cal_days(y, hk_lunar[i].chung[0],
		    hk_lunar[i].chung[1]);
	}
	nominal[n++] = cal_days(y, 5, 1);
	nominal[n++] = cal_days(y, 7, 1);
	nominal[n++] = cal_days(y, 10, 1);
	nominal[n++] = cal_days(y, 12, 25);
	nominal[n++] = cal_days(y, 12, 26);	/* the first weekday after */
	for (i = 0; i < n; i++) {
		t = nominal[i];
		while (cal_weekday(t) == SUN || taken(v, k, t))
			t++;
		v[k++] = t;
	}
	return k;
}

int
hol_hkex(int y, int m, int d, const char **why)
{
	static int	 year;
	static long	 v[HK_MAX], lny;
	static size_t	 n;
	long		 t = cal_days(y, m, d);

	if (year != y) {
		n = hk_year(y, v, &lny);
		year = y;
	}
	if (taken(v, n, t))
		return hol_closed(why, "general holiday");
	/* no afternoon on the eves of Christmas, New Year, Lunar New Year */
	if ((m == 12 && (d == 24 || d == 31)) || (lny != 0 && t == lny - 1))
		return hol_early(why, HM(12, 0));
	return HOL_REGULAR;
}

/* A lunisolar date of year y (0 Lunar New Year, 1 Buddha's Birthday,
 * 2 Mid-Autumn); 0 beyond the table. */
static int
lunar(int y, int which, long *t)
{
	size_t	 i;

	for (i = 0; i < sizeof(hk_lunar) / sizeof(hk_lunar[0]); i++) {
		if (hk_lunar[i].y != y)
			continue;
		switch (which) {
		case 0:
			*t = cal_days(y, hk_lunar[i].lny[0], hk_lunar[i].lny[1]);
			break;
		case 1:
			*t = cal_days(y, hk_lunar[i].buddha[0],
			    hk_lunar[i].buddha[1]);
			break;
		default:
			*t = cal_days(y, hk_lunar[i].mid[0], hk_lunar[i].mid[1]);
			break;
		}
		return 1;
	}
	return 0;
}

/*
 * Singapore (SGX): New Year's Day, the first two days of the Lunar New
 * Year, Good Friday, Labour Day, National Day, Christmas; a Sunday's on
 * the Monday.  Vesak, Hari Raya Puasa and Haji and Deepavali follow
 * calendars tickerd has no table of.
 */
int
hol_sgx(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d), lny;

	if (t == hol_next_monday(y, 1, 1) || t == hol_next_monday(y, 5, 1) ||
	    t == hol_next_monday(y, 8, 9) || t == hol_next_monday(y, 12, 25))
		return hol_closed(why, "public holiday");
	if (t == cal_easter(y) - 2)
		return hol_closed(why, "Good Friday");
	if (lunar(y, 0, &lny) && (t == lny || t == lny + 1 ||
	    (t == lny + 2 && (cal_weekday(lny) == SUN ||
	    cal_weekday(lny + 1) == SUN))))
		return hol_closed(why, "Lunar New Year");
	return HOL_REGULAR;
}

/*
 * Korea (KRX): New Year's Day, Seollal and Chuseok (three days each),
 * Independence Movement Day, Labour Day, Children's Day, Buddha's
 * Birthday, Memorial Day, Liberation Day, National Foundation Day,
 * Hangul Day, Christmas and the year-end closing day.  Substitute
 * holidays and election days are decided by decree: not known here.
 */
int
hol_krx(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d), l;

	switch (m * 100 + d) {
	case 101: case 301: case 501: case 505: case 606: case 815:
	case 1003: case 1009: case 1225:
		return hol_closed(why, "public holiday");
	case 1231:
		return hol_closed(why, "year-end closing");
	}
	if (lunar(y, 0, &l) && t >= l - 1 && t <= l + 1)
		return hol_closed(why, "Seollal");
	if (lunar(y, 1, &l) && t == l)
		return hol_closed(why, "Buddha's Birthday");
	if (lunar(y, 2, &l) && t >= l - 1 && t <= l + 1)
		return hol_closed(why, "Chuseok");
	return HOL_REGULAR;
}

/* ---- Australia (ASX trading calendar) ---- */

int
hol_asx(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d), easter = cal_easter(y);

	if (t == hol_next_monday(y, 1, 1))
		return hol_closed(why, "New Year's Day");
	if (t == hol_next_monday(y, 1, 26))
		return hol_closed(why, "Australia Day");
	if (t == easter - 2)
		return hol_closed(why, "Good Friday");
	if (t == easter + 1)
		return hol_closed(why, "Easter Monday");
	if (m == 4 && d == 25)
		return hol_closed(why, "Anzac Day");
	if (t == cal_nth_weekday(y, 6, MON, 2))
		return hol_closed(why, "King's Birthday");
	if (hol_christmas_pair(t, y))
		return hol_closed(why, "Christmas Day, Boxing Day");
	if (t == hol_weekday_before(y, 12, 25) || t == hol_weekday_before(y + 1, 1, 1))
		return hol_early(why, HM(14, 10));
	return HOL_REGULAR;
}

/* ---- India (NSE's circular of trading holidays) ---- */

/* The festival holidays, by date: NSE circular NSE/CMTR/65587 (2025). */
static const struct {
	short		 y;
	unsigned char	 m, d;
} nse_festivals[] = {
	{ 2025, 2, 26 }, { 2025, 3, 14 }, { 2025, 3, 31 }, { 2025, 4, 10 },
	{ 2025, 4, 14 }, { 2025, 4, 18 }, { 2025, 8, 27 }, { 2025, 10, 21 },
	{ 2025, 10, 22 }, { 2025, 11, 5 },
};

int
hol_nse(int y, int m, int d, const char **why)
{
	size_t	 i;

	switch (m * 100 + d) {
	case 126: return hol_closed(why, "Republic Day");
	case 501: return hol_closed(why, "Maharashtra Day");
	case 815: return hol_closed(why, "Independence Day");
	case 1002: return hol_closed(why, "Gandhi Jayanti");
	case 1225: return hol_closed(why, "Christmas");
	}
	for (i = 0; i < sizeof(nse_festivals) / sizeof(nse_festivals[0]); i++)
		if (nse_festivals[i].y == y && nse_festivals[i].m == m &&
		    nse_festivals[i].d == d)
			return hol_closed(why, "festival holiday");
	return HOL_REGULAR;
}

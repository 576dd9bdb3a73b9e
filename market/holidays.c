/*
 * Each exchange's holidays and early closes, by rule where a rule gives
 * them and from the exchange's published table where none does (the
 * lunisolar holidays of Hong Kong, the festival holidays of India).
 *
 * A rule is asked about one local date of a weekday (Saturdays and
 * Sundays are the exchange table's business) and answers HOL_REGULAR,
 * 0 when the exchange is closed, or the minute after local midnight at
 * which it closes early; *why says why.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>

#include "lib/lib.h"
#include "market/market.h"

#define HM(h, m)	((h) * 60 + (m))
#define SUN		0
#define MON		1
#define SAT		6

static int
closed(const char **why, const char *name)
{
	*why = name;
	return 0;
}

static int
early(const char **why, int minute)
{
	*why = "early close";
	return minute;
}

/* Saturday or Sunday moves to the Monday after. */
static long
next_monday(int y, int m, int d)
{
	long	 t = cal_days(y, m, d);

	switch (cal_weekday(t)) {
	case SAT:
		return t + 2;
	case SUN:
		return t + 1;
	}
	return t;
}

/* Christmas and Boxing Day where both move off the weekend: the first
 * two weekdays from December 25 on. */
static int
christmas_pair(long t, int y)
{
	long	 c = cal_days(y, 12, 25);

	while (cal_weekday(c) == SAT || cal_weekday(c) == SUN)
		c++;
	return t == c || t == c + 1 + (cal_weekday(c) == 5 ? 2 : 0);
}

/* The last weekday before a date: where Christmas Eve and New Year's
 * Eve close early when they fall on a weekend. */
static long
weekday_before(int y, int m, int d)
{
	long	 t = cal_days(y, m, d) - 1;

	while (cal_weekday(t) == SAT || cal_weekday(t) == SUN)
		t--;
	return t;
}

/* ---- NYSE and Nasdaq (NYSE Rule 7.2) ---- */

/*
 * New Year's Day (a Sunday moves to Monday; a Saturday is not kept),
 * Martin Luther King Jr. Day (third Monday of January), Washington's
 * Birthday (third Monday of February), Good Friday, Memorial Day (last
 * Monday of May), Juneteenth (June 19, since 2022), Independence Day,
 * Labor Day (first Monday of September), Thanksgiving (fourth Thursday
 * of November), Christmas; fixed dates are kept on the Friday before
 * when on a Saturday, the Monday after when on a Sunday.  Early closes
 * at 13:00: July 3 and December 24 from Monday to Thursday, and the day
 * after Thanksgiving.  Closures no rule predicts are listed.
 */
static const struct {
	int		 y, m, d;
	const char	*why;
} nyse_special[] = {
	{ 2025, 1, 9, "National Day of Mourning for President Carter" },
};

int
hol_nyse(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d);
	size_t	 i;

	for (i = 0; i < sizeof(nyse_special) / sizeof(nyse_special[0]); i++)
		if (nyse_special[i].y == y && nyse_special[i].m == m &&
		    nyse_special[i].d == d)
			return closed(why, nyse_special[i].why);
	if (cal_weekday(cal_days(y, 1, 1)) != SAT && t == cal_observed(y, 1, 1))
		return closed(why, "New Year's Day");
	if (t == cal_nth_weekday(y, 1, MON, 3))
		return closed(why, "Martin Luther King Jr. Day");
	if (t == cal_nth_weekday(y, 2, MON, 3))
		return closed(why, "Washington's Birthday");
	if (t == cal_easter(y) - 2)
		return closed(why, "Good Friday");
	if (t == cal_nth_weekday(y, 5, MON, -1))
		return closed(why, "Memorial Day");
	if (y >= 2022 && t == cal_observed(y, 6, 19))
		return closed(why, "Juneteenth");
	if (t == cal_observed(y, 7, 4))
		return closed(why, "Independence Day");
	if (t == cal_nth_weekday(y, 9, MON, 1))
		return closed(why, "Labor Day");
	if (t == cal_nth_weekday(y, 11, 4, 4))
		return closed(why, "Thanksgiving Day");
	if (t == cal_observed(y, 12, 25))
		return closed(why, "Christmas Day");
	if ((m == 7 && d == 3) || (m == 12 && d == 24) ||
	    t == cal_nth_weekday(y, 11, 4, 4) + 1)
		return early(why, HM(13, 0));
	return HOL_REGULAR;
}

/* ---- Toronto (TMX: Holidays and trading hours) ---- */

int
hol_tsx(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d), may24 = cal_days(y, 5, 24);

	if (t == next_monday(y, 1, 1))
		return closed(why, "New Year's Day");
	if (y >= 2008 && t == cal_nth_weekday(y, 2, MON, 3))
		return closed(why, "Family Day");
	if (t == cal_easter(y) - 2)
		return closed(why, "Good Friday");
	if (t == may24 - (cal_weekday(may24) + 6) % 7)
		return closed(why, "Victoria Day");
	if (t == next_monday(y, 7, 1))
		return closed(why, "Canada Day");
	if (t == cal_nth_weekday(y, 8, MON, 1))
		return closed(why, "Civic Holiday");
	if (t == cal_nth_weekday(y, 9, MON, 1))
		return closed(why, "Labour Day");
	if (t == cal_nth_weekday(y, 10, MON, 2))
		return closed(why, "Thanksgiving Day");
	if (christmas_pair(t, y))
		return closed(why, "Christmas Day, Boxing Day");
	if (m == 12 && d == 24)
		return early(why, HM(13, 0));
	return HOL_REGULAR;
}

/* ---- London (England and Wales bank holidays) ---- */

static const struct {
	int		 y, m, d;
	const char	*why;	/* NULL: a day a rule closes that was open */
} lse_special[] = {
	{ 2011, 4, 29, "Royal Wedding" },
	{ 2012, 5, 28, NULL },
	{ 2012, 6, 4, "Spring Bank Holiday" },
	{ 2012, 6, 5, "Diamond Jubilee" },
	{ 2020, 5, 4, NULL },
	{ 2020, 5, 8, "Early May Bank Holiday (VE Day)" },
	{ 2022, 5, 30, NULL },
	{ 2022, 6, 2, "Spring Bank Holiday" },
	{ 2022, 6, 3, "Platinum Jubilee" },
	{ 2022, 9, 19, "State Funeral of Queen Elizabeth II" },
	{ 2023, 5, 8, "Coronation of King Charles III" },
};

int
hol_lse(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d), easter = cal_easter(y);
	size_t	 i;

	for (i = 0; i < sizeof(lse_special) / sizeof(lse_special[0]); i++)
		if (lse_special[i].y == y && lse_special[i].m == m &&
		    lse_special[i].d == d)
			return lse_special[i].why == NULL ? HOL_REGULAR :
			    closed(why, lse_special[i].why);
	if (t == next_monday(y, 1, 1))
		return closed(why, "New Year's Day");
	if (t == easter - 2)
		return closed(why, "Good Friday");
	if (t == easter + 1)
		return closed(why, "Easter Monday");
	if (t == cal_nth_weekday(y, 5, MON, 1))
		return closed(why, "Early May Bank Holiday");
	if (t == cal_nth_weekday(y, 5, MON, -1))
		return closed(why, "Spring Bank Holiday");
	if (t == cal_nth_weekday(y, 8, MON, -1))
		return closed(why, "Summer Bank Holiday");
	if (christmas_pair(t, y))
		return closed(why, "Christmas Day, Boxing Day");
	if (t == weekday_before(y, 12, 25) || t == weekday_before(y + 1, 1, 1))
		return early(why, HM(12, 30));
	return HOL_REGULAR;
}

/* ---- the continent: New Year's Day, Easter, May 1, Christmas ---- */

/* The holidays Xetra, Euronext and SIX share; NULL on other days. */
static const char *
continental(int y, int m, int d)
{
	long	 t = cal_days(y, m, d), easter = cal_easter(y);

	if (m == 1 && d == 1)
		return "New Year's Day";
	if (t == easter - 2)
		return "Good Friday";
	if (t == easter + 1)
		return "Easter Monday";
	if (m == 5 && d == 1)
		return "Labour Day";
	if (m == 12 && (d == 25 || d == 26))
		return "Christmas";
	return NULL;
}

/* Xetra (Deutsche Börse trading calendar): and December 24 and 31. */
int
hol_xetra(int y, int m, int d, const char **why)
{
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	if (m == 12 && (d == 24 || d == 31))
		return closed(why, d == 31 ? "New Year's Eve" : "Christmas Eve");
	return HOL_REGULAR;
}

/* Euronext (its trading calendar: Paris, Amsterdam, Brussels, Lisbon):
 * early closes on December 24 and 31. */
int
hol_euronext(int y, int m, int d, const char **why)
{
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	if (m == 12 && (d == 24 || d == 31))
		return early(why, HM(14, 5));
	return HOL_REGULAR;
}

/* SIX Swiss Exchange (its trading calendar): and Berchtoldstag, the
 * Ascension, Whit Monday, the National Day, December 24 and 31. */
int
hol_six(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d), easter = cal_easter(y);
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	if (m == 1 && d == 2)
		return closed(why, "Berchtoldstag");
	if (t == easter + 39)
		return closed(why, "Ascension Day");
	if (t == easter + 50)
		return closed(why, "Whit Monday");
	if (m == 8 && d == 1)
		return closed(why, "Swiss National Day");
	if (m == 12 && (d == 24 || d == 31))
		return closed(why, d == 31 ? "New Year's Eve" : "Christmas Eve");
	return HOL_REGULAR;
}

/* Borsa Italiana (Euronext Milan): and August 15, December 24 and 31. */
int
hol_milan(int y, int m, int d, const char **why)
{
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	if (m == 8 && d == 15)
		return closed(why, "Ferragosto");
	if (m == 12 && (d == 24 || d == 31))
		return closed(why, d == 31 ? "New Year's Eve" : "Christmas Eve");
	return HOL_REGULAR;
}

/* Bolsa de Madrid (BME): the continent's holidays only. */
int
hol_madrid(int y, int m, int d, const char **why)
{
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	return HOL_REGULAR;
}

/* Warsaw (GPW): and Epiphany, May 3, Corpus Christi, August 15,
 * November 1 and 11, December 24 and 31. */
int
hol_warsaw(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d);
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	switch (m * 100 + d) {
	case 106: case 503: case 815: case 1101: case 1111: case 1224:
	case 1231:
		return closed(why, "public holiday");
	}
	if (t == cal_easter(y) + 60)
		return closed(why, "Corpus Christi");
	return HOL_REGULAR;
}

/* ---- the Nordic exchanges (Nasdaq Stockholm and Copenhagen, Oslo
 * Børs): early closes are not kept ---- */

/* The Friday from June 19 to 25: Midsummer Eve. */
static long
midsummer_eve(int y)
{
	long	 t = cal_days(y, 6, 19);

	return t + (5 - cal_weekday(t) + 7) % 7;
}

/* Christmas Eve to Boxing Day, and New Year's Eve, all Nordic. */
static int
nordic_year_end(int m, int d)
{
	return m == 12 && (d == 24 || d == 25 || d == 26 || d == 31);
}

int
hol_stockholm(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d), easter = cal_easter(y);
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	if (m == 1 && d == 6)
		return closed(why, "Epiphany");
	if (t == easter + 39)
		return closed(why, "Ascension Day");
	if (m == 6 && d == 6)
		return closed(why, "National Day");
	if (t == midsummer_eve(y))
		return closed(why, "Midsummer Eve");
	if (nordic_year_end(m, d))
		return closed(why, "Christmas, New Year's Eve");
	return HOL_REGULAR;
}

int
hol_oslo(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d), easter = cal_easter(y);
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return closed(why, name);
	if (t == easter - 3)
		return closed(why, "Maundy Thursday");
	if (m == 5 && d == 17)
		return closed(why, "Constitution Day");
	if (t == easter + 39)
		return closed(why, "Ascension Day");
	if (t == easter + 50)
		return closed(why, "Whit Monday");
	if (nordic_year_end(m, d))
		return closed(why, "Christmas, New Year's Eve");
	return HOL_REGULAR;
}

/* Copenhagen: May 1 is a trading day; Great Prayer Day until 2023. */
int
hol_copenhagen(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d), easter = cal_easter(y);
	const char	*name;

	if ((name = continental(y, m, d)) != NULL && !(m == 5 && d == 1))
		return closed(why, name);
	if (t == easter - 3)
		return closed(why, "Maundy Thursday");
	if (y <= 2023 && t == easter + 26)
		return closed(why, "Great Prayer Day");
	if (t == easter + 39 || t == easter + 40)
		return closed(why, "Ascension Day");
	if (m == 6 && d == 5)
		return closed(why, "Constitution Day");
	if (t == easter + 50)
		return closed(why, "Whit Monday");
	if (nordic_year_end(m, d))
		return closed(why, "Christmas, New Year's Eve");
	return HOL_REGULAR;
}

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
		return closed(why, "year-end holidays");
	if ((name = jp_named(t)) != NULL)
		return closed(why, name);
	/* a holiday on a Sunday: the next day that is not one */
	for (u = t - 1; jp_named(u) != NULL; u--)
		if (cal_weekday(u) == SUN)
			return closed(why, "substitute holiday");
	/* a day between two holidays */
	if (jp_named(t - 1) != NULL && jp_named(t + 1) != NULL)
		return closed(why, "Citizens' Holiday");
	if (t < cal_days(2024, 11, 5))	/* the afternoon was 30 min shorter */
		return early(why, HM(15, 0));
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
		return closed(why, "general holiday");
	/* no afternoon on the eves of Christmas, New Year, Lunar New Year */
	if ((m == 12 && (d == 24 || d == 31)) || (lny != 0 && t == lny - 1))
		return early(why, HM(12, 0));
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

	if (t == next_monday(y, 1, 1) || t == next_monday(y, 5, 1) ||
	    t == next_monday(y, 8, 9) || t == next_monday(y, 12, 25))
		return closed(why, "public holiday");
	if (t == cal_easter(y) - 2)
		return closed(why, "Good Friday");
	if (lunar(y, 0, &lny) && (t == lny || t == lny + 1 ||
	    (t == lny + 2 && (cal_weekday(lny) == SUN ||
	    cal_weekday(lny + 1) == SUN))))
		return closed(why, "Lunar New Year");
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
		return closed(why, "public holiday");
	case 1231:
		return closed(why, "year-end closing");
	}
	if (lunar(y, 0, &l) && t >= l - 1 && t <= l + 1)
		return closed(why, "Seollal");
	if (lunar(y, 1, &l) && t == l)
		return closed(why, "Buddha's Birthday");
	if (lunar(y, 2, &l) && t >= l - 1 && t <= l + 1)
		return closed(why, "Chuseok");
	return HOL_REGULAR;
}

/* ---- Australia (ASX trading calendar) ---- */

int
hol_asx(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d), easter = cal_easter(y);

	if (t == next_monday(y, 1, 1))
		return closed(why, "New Year's Day");
	if (t == next_monday(y, 1, 26))
		return closed(why, "Australia Day");
	if (t == easter - 2)
		return closed(why, "Good Friday");
	if (t == easter + 1)
		return closed(why, "Easter Monday");
	if (m == 4 && d == 25)
		return closed(why, "Anzac Day");
	if (t == cal_nth_weekday(y, 6, MON, 2))
		return closed(why, "King's Birthday");
	if (christmas_pair(t, y))
		return closed(why, "Christmas Day, Boxing Day");
	if (t == weekday_before(y, 12, 25) || t == weekday_before(y + 1, 1, 1))
		return early(why, HM(14, 10));
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
	case 126: return closed(why, "Republic Day");
	case 501: return closed(why, "Maharashtra Day");
	case 815: return closed(why, "Independence Day");
	case 1002: return closed(why, "Gandhi Jayanti");
	case 1225: return closed(why, "Christmas");
	}
	for (i = 0; i < sizeof(nse_festivals) / sizeof(nse_festivals[0]); i++)
		if (nse_festivals[i].y == y && nse_festivals[i].m == m &&
		    nse_festivals[i].d == d)
			return closed(why, "festival holiday");
	return HOL_REGULAR;
}

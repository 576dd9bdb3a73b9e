/*
 * Each exchange's holidays and early closes, by rule where a rule gives
 * them and from the exchange's published table where none does: the
 * Americas and Europe here, Asia and the Pacific in holidays_asia.c
 * (with the lunisolar holidays of Hong Kong, the festivals of India).
 *
 * A rule is asked about one local date of a weekday (Saturdays and
 * Sundays are the exchange table's business) and answers HOL_REGULAR,
 * 0 when the exchange is closed, or the minute after local midnight at
 * which it closes early; *why says why.
 */
#include "config.h"

#include <stddef.h>

#include "lib/lib.h"
#include "market/market.h"
#include "market/holidays.h"

/* The answers: closed, and why; an early close at minute. */
int
hol_closed(const char **why, const char *name)
{
	*why = name;
	return 0;
}

int
hol_early(const char **why, int minute)
{
	*why = "early close";
	return minute;
}

/* Saturday or Sunday moves to the Monday after. */
long
hol_next_monday(int y, int m, int d)
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
int
hol_christmas_pair(long t, int y)
{
	long	 c = cal_days(y, 12, 25);

	while (cal_weekday(c) == SAT || cal_weekday(c) == SUN)
		c++;
	return t == c || t == c + 1 + (cal_weekday(c) == 5 ? 2 : 0);
}

/* The last weekday before a date: where Christmas Eve and New Year's
 * Eve close early when they fall on a weekend. */
long
hol_weekday_before(int y, int m, int d)
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
			return hol_closed(why, nyse_special[i].why);
	if (cal_weekday(cal_days(y, 1, 1)) != SAT && t == cal_observed(y, 1, 1))
		return hol_closed(why, "New Year's Day");
	if (t == cal_nth_weekday(y, 1, MON, 3))
		return hol_closed(why, "Martin Luther King Jr. Day");
	if (t == cal_nth_weekday(y, 2, MON, 3))
		return hol_closed(why, "Washington's Birthday");
	if (t == cal_easter(y) - 2)
		return hol_closed(why, "Good Friday");
	if (t == cal_nth_weekday(y, 5, MON, -1))
		return hol_closed(why, "Memorial Day");
	if (y >= 2022 && t == cal_observed(y, 6, 19))
		return hol_closed(why, "Juneteenth");
	if (t == cal_observed(y, 7, 4))
		return hol_closed(why, "Independence Day");
	if (t == cal_nth_weekday(y, 9, MON, 1))
		return hol_closed(why, "Labor Day");
	if (t == cal_nth_weekday(y, 11, 4, 4))
		return hol_closed(why, "Thanksgiving Day");
	if (t == cal_observed(y, 12, 25))
		return hol_closed(why, "Christmas Day");
	if ((m == 7 && d == 3) || (m == 12 && d == 24) ||
	    t == cal_nth_weekday(y, 11, 4, 4) + 1)
		return hol_early(why, HM(13, 0));
	return HOL_REGULAR;
}

/* ---- Toronto (TMX: Holidays and trading hours) ---- */

int
hol_tsx(int y, int m, int d, const char **why)
{
	long	 t = cal_days(y, m, d), may24 = cal_days(y, 5, 24);

	if (t == hol_next_monday(y, 1, 1))
		return hol_closed(why, "New Year's Day");
	if (y >= 2008 && t == cal_nth_weekday(y, 2, MON, 3))
		return hol_closed(why, "Family Day");
	if (t == cal_easter(y) - 2)
		return hol_closed(why, "Good Friday");
	if (t == may24 - (cal_weekday(may24) + 6) % 7)
		return hol_closed(why, "Victoria Day");
	if (t == hol_next_monday(y, 7, 1))
		return hol_closed(why, "Canada Day");
	if (t == cal_nth_weekday(y, 8, MON, 1))
		return hol_closed(why, "Civic Holiday");
	if (t == cal_nth_weekday(y, 9, MON, 1))
		return hol_closed(why, "Labour Day");
	if (t == cal_nth_weekday(y, 10, MON, 2))
		return hol_closed(why, "Thanksgiving Day");
	if (hol_christmas_pair(t, y))
		return hol_closed(why, "Christmas Day, Boxing Day");
	if (m == 12 && d == 24)
		return hol_early(why, HM(13, 0));
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
			    hol_closed(why, lse_special[i].why);
	if (t == hol_next_monday(y, 1, 1))
		return hol_closed(why, "New Year's Day");
	if (t == easter - 2)
		return hol_closed(why, "Good Friday");
	if (t == easter + 1)
		return hol_closed(why, "Easter Monday");
	if (t == cal_nth_weekday(y, 5, MON, 1))
		return hol_closed(why, "Early May Bank Holiday");
	if (t == cal_nth_weekday(y, 5, MON, -1))
		return hol_closed(why, "Spring Bank Holiday");
	if (t == cal_nth_weekday(y, 8, MON, -1))
		return hol_closed(why, "Summer Bank Holiday");
	if (hol_christmas_pair(t, y))
		return hol_closed(why, "Christmas Day, Boxing Day");
	if (t == hol_weekday_before(y, 12, 25) || t == hol_weekday_before(y + 1, 1, 1))
		return hol_early(why, HM(12, 30));
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
		return hol_closed(why, name);
	if (m == 12 && (d == 24 || d == 31))
		return hol_closed(why, d == 31 ? "New Year's Eve" : "Christmas Eve");
	return HOL_REGULAR;
}

/* Euronext (its trading calendar: Paris, Amsterdam, Brussels, Lisbon):
 * early closes on December 24 and 31. */
int
hol_euronext(int y, int m, int d, const char **why)
{
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return hol_closed(why, name);
	if (m == 12 && (d == 24 || d == 31))
		return hol_early(why, HM(14, 5));
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
		return hol_closed(why, name);
	if (m == 1 && d == 2)
		return hol_closed(why, "Berchtoldstag");
	if (t == easter + 39)
		return hol_closed(why, "Ascension Day");
	if (t == easter + 50)
		return hol_closed(why, "Whit Monday");
	if (m == 8 && d == 1)
		return hol_closed(why, "Swiss National Day");
	if (m == 12 && (d == 24 || d == 31))
		return hol_closed(why, d == 31 ? "New Year's Eve" : "Christmas Eve");
	return HOL_REGULAR;
}

/* Borsa Italiana (Euronext Milan): and August 15, December 24 and 31. */
int
hol_milan(int y, int m, int d, const char **why)
{
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return hol_closed(why, name);
	if (m == 8 && d == 15)
		return hol_closed(why, "Ferragosto");
	if (m == 12 && (d == 24 || d == 31))
		return hol_closed(why, d == 31 ? "New Year's Eve" : "Christmas Eve");
	return HOL_REGULAR;
}

/* Bolsa de Madrid (BME): the continent's holidays only. */
int
hol_madrid(int y, int m, int d, const char **why)
{
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return hol_closed(why, name);
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
		return hol_closed(why, name);
	switch (m * 100 + d) {
	case 106: case 503: case 815: case 1101: case 1111: case 1224:
	case 1231:
		return hol_closed(why, "public holiday");
	}
	if (t == cal_easter(y) + 60)
		return hol_closed(why, "Corpus Christi");
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
		return hol_closed(why, name);
	if (m == 1 && d == 6)
		return hol_closed(why, "Epiphany");
	if (t == easter + 39)
		return hol_closed(why, "Ascension Day");
	if (m == 6 && d == 6)
		return hol_closed(why, "National Day");
	if (t == midsummer_eve(y))
		return hol_closed(why, "Midsummer Eve");
	if (nordic_year_end(m, d))
		return hol_closed(why, "Christmas, New Year's Eve");
	return HOL_REGULAR;
}

int
hol_oslo(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d), easter = cal_easter(y);
	const char	*name;

	if ((name = continental(y, m, d)) != NULL)
		return hol_closed(why, name);
	if (t == easter - 3)
		return hol_closed(why, "Maundy Thursday");
	if (m == 5 && d == 17)
		return hol_closed(why, "Constitution Day");
	if (t == easter + 39)
		return hol_closed(why, "Ascension Day");
	if (t == easter + 50)
		return hol_closed(why, "Whit Monday");
	if (nordic_year_end(m, d))
		return hol_closed(why, "Christmas, New Year's Eve");
	return HOL_REGULAR;
}

/* Copenhagen: May 1 is a trading day; Great Prayer Day until 2023. */
int
hol_copenhagen(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d), easter = cal_easter(y);
	const char	*name;

	if ((name = continental(y, m, d)) != NULL && !(m == 5 && d == 1))
		return hol_closed(why, name);
	if (t == easter - 3)
		return hol_closed(why, "Maundy Thursday");
	if (y <= 2023 && t == easter + 26)
		return hol_closed(why, "Great Prayer Day");
	if (t == easter + 39 || t == easter + 40)
		return hol_closed(why, "Ascension Day");
	if (m == 6 && d == 5)
		return hol_closed(why, "Constitution Day");
	if (t == easter + 50)
		return hol_closed(why, "Whit Monday");
	if (nordic_year_end(m, d))
		return hol_closed(why, "Christmas, New Year's Eve");
	return HOL_REGULAR;
}


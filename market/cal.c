/*
 * Civil dates: day numbers since 1970-01-01 (proleptic Gregorian), their
 * weekdays, and the dates holidays are made of (the n-th weekday of a
 * month, Easter, a fixed date moved off the weekend).  Pure arithmetic,
 * below the exchanges, their holidays and their calendars.
 */
#include "config.h"

#include "lib/lib.h"
#include "market/market.h"

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
long
cal_days(int y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The civil date of a day number. */
void
cal_date(long days, int *y, int *m, int *d)
{
	long	 z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 Sunday .. 6 Saturday. */
int
cal_weekday(long days)
{
	long	 w = (days + 4) % 7;	/* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

/* The n-th (1-based) weekday wd of a month; n = -1: the last. */
long
cal_nth_weekday(int y, int m, int wd, int n)
{
	long	 first, last;

	if (n > 0) {
		first = cal_days(y, m, 1);
		return first + (wd - cal_weekday(first) + 7) % 7 + 7 * (n - 1);
	}
	last = cal_days(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
	return last - (cal_weekday(last) - wd + 7) % 7;
}

/* Easter Sunday (the anonymous Gregorian algorithm). */
long
cal_easter(int y)
{
	int	 a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int	 f = (b + 8) / 25, g = (b - f + 1) / 3;
	int	 h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int	 l = (32 + 2 * e + 2 * i - h - k) % 7;
	int	 m = (a + 11 * h + 22 * l) / 451;
	int	 month = (h + l - 7 * m + 114) / 31;
	int	 day = (h + l - 7 * m + 114) % 31 + 1;

	return cal_days(y, month, day);
}

/* A fixed-date holiday, moved off the weekend. */
long
cal_observed(int y, int m, int d)
{
	long	 t = cal_days(y, m, d);

	switch (cal_weekday(t)) {
	case 6:
		return t - 1;
	case 0:
		return t + 1;
	}
	return t;
}

/*
 * The exchanges beyond New York: where a symbol trades, the time zones
 * read from tzdata, sessions with lunch breaks, and each exchange's
 * holidays for 2026 against its own published calendar (TMX, LSE,
 * Deutsche Börse, Euronext, SIX, JPX, HKEX, ASX).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/lib.h"
#include "market/market.h"
#include "unit.h"

static time_t
utc(int y, int m, int d, int hh, int mm)
{
	return (time_t)cal_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

START_TEST(test_lookup)
{
	ck_assert_str_eq(exchange_of_symbol("7203.T")->name, "JPX");
	ck_assert_str_eq(exchange_of_symbol("VOD.L")->name, "LSE");
	ck_assert_str_eq(exchange_of_symbol("0700.HK")->name, "HKEX");
	ck_assert_str_eq(exchange_of_symbol("RY.TO")->name, "TSX");
	ck_assert_str_eq(exchange_of_symbol("SAP.DE")->name, "XETRA");
	ck_assert_str_eq(exchange_of_symbol("MC.PA")->name, "EURONEXT");
	ck_assert_str_eq(exchange_of_symbol("BHP.AX")->name, "ASX");
	ck_assert_str_eq(exchange_of_symbol("INFY.NS")->name, "NSE");
	ck_assert_str_eq(exchange_of_symbol("NESN.SW")->name, "SIX");
	ck_assert_str_eq(exchange_of_symbol("BTC-USD")->name, "CRYPTO");
	ck_assert_str_eq(exchange_of_symbol("EURUSD=X")->name, "FX");
	ck_assert_ptr_null(exchange_of_symbol("BRK-B"));
	ck_assert_ptr_null(exchange_of_symbol("BRK.B"));
	ck_assert_ptr_null(exchange_of_symbol("CALX"));
	/* providers' names for them, any case; zones */
	ck_assert_str_eq(exchange_find("NMS")->name, "NASDAQ");
	ck_assert_str_eq(exchange_find("NYQ")->name, "NYSE");
	/* the US markets keep NYSE's calendar; New York's zone is NYSE's */
	ck_assert_ptr_eq(exchange_find("NASDAQ")->day, exchange_find("NYSE")->day);
	ck_assert_str_eq(exchange_of_zone("America/New_York")->name, "NYSE");
	ck_assert_str_eq(exchange_find("hkg")->name, "HKEX");
	ck_assert_str_eq(exchange_find("XTKS")->name, "JPX");
	ck_assert_str_eq(exchange_find("CCC")->name, "CRYPTO");
	ck_assert_ptr_null(exchange_find("NOWHERE"));
	ck_assert_str_eq(exchange_of_zone("Asia/Tokyo")->name, "JPX");
	ck_assert_ptr_null(exchange_of_zone("Asia/Manila"));
	/* the exchanges known by their sessions only */
	ck_assert_str_eq(exchange_of_symbol("600519.SS")->name, "CHINA");
	ck_assert_str_eq(exchange_find("JNB")->currency, "ZAc");
	ck_assert_ptr_null(exchange_find("JNB")->day);
	/* currencies when the answer has none */
	ck_assert_str_eq(exchange_currency(exchange_find("LSE"), "VOD.L"),
	    "GBp");
	ck_assert_str_eq(exchange_currency(exchange_find("CRYPTO"),
	    "ETH-EUR"), "EUR");
	ck_assert_str_eq(exchange_currency(NULL, "CALX"), "USD");
}
END_TEST

/* Offsets from tzdata, on both sides of each clock change of 2026. */
START_TEST(test_zones)
{
	struct zone	*ldn = zone_get("Europe/London");
	struct zone	*syd = zone_get("Australia/Sydney");
	struct zone	*tyo = zone_get("Asia/Tokyo");
	const char	*abbr;

	ck_assert_ptr_nonnull(ldn);
	ck_assert_ptr_null(zone_get("Nowhere/Atlantis"));
	/* BST from 29 March 2026, 01:00 UTC, to 25 October, 01:00 UTC */
	ck_assert_int_eq(zone_offset(ldn, utc(2026, 3, 29, 0, 59), &abbr), 0);
	ck_assert_str_eq(abbr, "GMT");
	ck_assert_int_eq(zone_offset(ldn, utc(2026, 3, 29, 1, 0), &abbr),
	    3600);
	ck_assert_str_eq(abbr, "BST");
	ck_assert_int_eq(zone_offset(ldn, utc(2026, 10, 25, 1, 0), NULL), 0);
	/* Sydney: summer time ends 5 April 2026, 03:00 local (16:00 UTC) */
	ck_assert_int_eq(zone_offset(syd, utc(2026, 4, 4, 15, 59), NULL),
	    11 * 3600);
	ck_assert_int_eq(zone_offset(syd, utc(2026, 4, 4, 16, 0), NULL),
	    10 * 3600);
	ck_assert_int_eq(zone_offset(tyo, utc(2026, 7, 1, 0, 0), NULL),
	    9 * 3600);
	/* local wall time to UTC and back */
	ck_assert_int_eq(zone_utc(ldn, cal_days(2026, 7, 1), 8 * 60),
	    utc(2026, 7, 1, 7, 0));
	ck_assert_int_eq(zone_day(tyo, utc(2026, 3, 1, 15, 0)),
	    cal_days(2026, 3, 2));
	ck_assert_int_eq(zone_minute(tyo, utc(2026, 3, 1, 15, 0)), 0);
}
END_TEST

START_TEST(test_lunch)
{
	const struct exchange	*jpx = exchange_find("JPX");
	const struct exchange	*hk = exchange_find("HKEX");
	time_t			 o, c;

	/* Tokyo, Monday 2 March 2026: 09:00-11:30, 12:30-15:30 JST */
	ck_assert_int_eq(market_open(jpx, utc(2026, 3, 1, 23, 59)), 0);
	ck_assert_int_eq(market_open(jpx, utc(2026, 3, 2, 0, 0)), 1);
	ck_assert_int_eq(market_open(jpx, utc(2026, 3, 2, 2, 30)), 0);
	ck_assert_int_eq(market_session(jpx, utc(2026, 3, 2, 2, 45), &o, &c),
	    0);
	ck_assert_int_eq(o, utc(2026, 3, 2, 3, 30));
	ck_assert_int_eq(c, utc(2026, 3, 2, 6, 30));
	ck_assert_int_eq(market_open(jpx, utc(2026, 3, 2, 6, 29)), 1);
	ck_assert_int_eq(market_open(jpx, utc(2026, 3, 2, 6, 30)), 0);
	/* before 5 November 2024 the afternoon ended at 15:00 */
	ck_assert_int_eq(market_open(jpx, utc(2024, 11, 1, 6, 15)), 0);
	ck_assert_int_eq(market_open(jpx, utc(2024, 11, 5, 6, 15)), 1);
	/* lunch is not a close: the poll after the close is at 15:30 */
	ck_assert_int_eq(market_last_close(jpx, utc(2026, 3, 2, 2, 45)),
	    utc(2026, 2, 27, 6, 30));
	/* Hong Kong: 09:30-12:00, 13:00-16:00; the Lunar New Year's eve
	 * (16 February 2026) has no afternoon */
	ck_assert_int_eq(market_open(hk, utc(2026, 3, 2, 4, 30)), 0);
	ck_assert_int_eq(market_open(hk, utc(2026, 3, 2, 5, 0)), 1);
	ck_assert_int_eq(market_open(hk, utc(2026, 2, 16, 3, 59)), 1);
	ck_assert_int_eq(market_open(hk, utc(2026, 2, 16, 5, 30)), 0);
	/* crypto never closes; its day is the UTC day */
	ck_assert_int_eq(market_open(exchange_find("CRYPTO"),
	    utc(2026, 3, 8, 3, 0)), 1);
	ck_assert_int_eq(market_next_poll(exchange_find("CRYPTO"),
	    utc(2026, 3, 8, 23, 59) + 30, 60, 120), utc(2026, 3, 9, 0, 0) + 30);
}
END_TEST

/* Each exchange's closed weekdays of 2026, as it published them. */
static const struct {
	const char	*ex;
	const char	*days;		/* MMDD ... */
} closed2026[] = {
	{ "TSX", "0101 0216 0403 0518 0701 0803 0907 1012 1225 1228" },
	{ "LSE", "0101 0403 0406 0504 0525 0831 1225 1228" },
	{ "XETRA", "0101 0403 0406 0501 1224 1225 1231" },
	{ "EURONEXT", "0101 0403 0406 0501 1225" },
	{ "SIX", "0101 0102 0403 0406 0501 0514 0525 1224 1225 1231" },
	{ "JPX", "0101 0102 0112 0211 0223 0320 0429 0504 0505 0506 0720 "
	  "0811 0921 0922 0923 1012 1103 1123 1231" },
	{ "HKEX", "0101 0217 0218 0219 0403 0406 0407 0501 0525 0619 0701 "
	  "1001 1019 1225" },
	{ "ASX", "0101 0126 0403 0406 0608 1225 1228" },
	{ "MILAN", "0101 0403 0406 0501 1224 1225 1231" },
	{ "MADRID", "0101 0403 0406 0501 1225" },
	{ "WARSAW", "0101 0106 0403 0406 0501 0604 1111 1224 1225 1231" },
	{ "STOCKHOLM", "0101 0106 0403 0406 0501 0514 0619 1224 1225 1231" },
	{ "OSLO", "0101 0402 0403 0406 0501 0514 0525 1224 1225 1231" },
	{ "COPENHAGEN", "0101 0402 0403 0406 0514 0515 0525 0605 1224 1225 "
	  "1231" },
};

START_TEST(test_holidays_2026)
{
	const struct exchange	*ex;
	const char		*why;
	char			 mmdd[8];
	size_t			 i;
	long			 t;
	int			 y, m, d, c, want;

	for (i = 0; i < sizeof(closed2026) / sizeof(closed2026[0]); i++) {
		ex = exchange_find(closed2026[i].ex);
		ck_assert_ptr_nonnull(ex);
		for (t = cal_days(2026, 1, 1); t <= cal_days(2026, 12, 31);
		    t++) {
			if (cal_weekday(t) == 0 || cal_weekday(t) == 6)
				continue;
			cal_date(t, &y, &m, &d);
			snprintf(mmdd, sizeof(mmdd), "%02d%02d", m, d);
			want = strstr(closed2026[i].days, mmdd) != NULL;
			c = exchange_close_minute(ex, y, m, d, &why);
			ck_assert_msg((c == 0) == want, "%s 2026-%s: %s (%s)",
			    ex->name, mmdd, c == 0 ? "closed" : "open",
			    why ? why : "regular");
		}
	}
}
END_TEST

/* Where the rules are partial (see tickerd.conf(5)), the days they do
 * know: Seollal and Chuseok 2026 in Seoul, the Lunar New Year and the
 * National Day (a Sunday) in Singapore. */
START_TEST(test_partial_calendars)
{
	const struct exchange	*krx = exchange_find("KSC");
	const struct exchange	*sgx = exchange_of_symbol("D05.SI");

	ck_assert_int_eq(exchange_close_minute(krx, 2026, 2, 16, NULL), 0);
	ck_assert_int_eq(exchange_close_minute(krx, 2026, 2, 18, NULL), 0);
	ck_assert_int_eq(exchange_close_minute(krx, 2026, 2, 19, NULL),
	    15 * 60 + 30);
	ck_assert_int_eq(exchange_close_minute(krx, 2026, 9, 24, NULL), 0);
	ck_assert_int_eq(exchange_close_minute(krx, 2026, 9, 25, NULL), 0);
	ck_assert_int_eq(exchange_close_minute(sgx, 2026, 2, 17, NULL), 0);
	ck_assert_int_eq(exchange_close_minute(sgx, 2026, 2, 18, NULL), 0);
	ck_assert_int_eq(exchange_close_minute(sgx, 2026, 2, 19, NULL),
	    17 * 60);
	ck_assert_int_eq(exchange_close_minute(sgx, 2026, 8, 10, NULL), 0);
	ck_assert_str_eq(exchange_of_symbol("005930.KS")->name, "KRX");
	ck_assert_str_eq(exchange_of_symbol("EQNR.OL")->name, "OSLO");
}
END_TEST

START_TEST(test_early_closes)
{
	/* London 12:30 on Christmas Eve and New Year's Eve (Thursdays in
	 * 2026); on the Friday before when they fall on a weekend */
	ck_assert_int_eq(exchange_close_minute(exchange_find("LSE"), 2026,
	    12, 24, NULL), 12 * 60 + 30);
	ck_assert_int_eq(exchange_close_minute(exchange_find("LSE"), 2022,
	    12, 23, NULL), 12 * 60 + 30);
	ck_assert_int_eq(exchange_close_minute(exchange_find("EURONEXT"),
	    2026, 12, 31, NULL), 14 * 60 + 5);
	ck_assert_int_eq(exchange_close_minute(exchange_find("HKEX"), 2026,
	    12, 24, NULL), 12 * 60);
	/* the special closures London published */
	ck_assert_int_eq(exchange_close_minute(exchange_find("LSE"), 2022, 9,
	    19, NULL), 0);
	ck_assert_int_eq(exchange_close_minute(exchange_find("LSE"), 2022, 5,
	    30, NULL), 16 * 60 + 30);
}
END_TEST

START_TEST(test_exchange_time)
{
	char	 s[64];

	exchange_fmt_time(exchange_find("JPX"), utc(2026, 3, 2, 5, 40), 1, s,
	    sizeof(s));
	ck_assert_str_eq(s, "2026-03-02 14:40 JST (05:40 UTC)");
	exchange_fmt_time(exchange_find("LSE"), utc(2026, 7, 1, 15, 30), 0, s,
	    sizeof(s));
	ck_assert_str_eq(s, "16:30 BST (15:30 UTC)");
	exchange_fmt_time(exchange_find("CRYPTO"), utc(2026, 3, 8, 3, 0), 1,
	    s, sizeof(s));
	ck_assert_str_eq(s, "2026-03-08 03:00 UTC");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("exchange");
	TCase	*tc = tcase_create("world");

	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_zones);
	tcase_add_test(tc, test_lunch);
	tcase_add_test(tc, test_holidays_2026);
	tcase_add_test(tc, test_partial_calendars);
	tcase_add_test(tc, test_early_closes);
	tcase_add_test(tc, test_exchange_time);
	suite_add_tcase(s, tc);
	return unit_run(s);
}

/*
 * The replay reader (providers/replay.c): its CSV, the spellings of a
 * symbol, order per symbol, gzip, and the exactness of its fast number
 * parser.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "unit.h"

START_TEST(test_replay)
{
	struct replay		*r;
	struct replay_sym	*rs;
	struct quote		 q;
	char			 err[512], *path;

	path = unit_write("q.csv",
	    "time,symbol,price,prev_close,high52,low52,volume\n"
	    "2026-03-02T14:30:00Z,CALX,41.20,40.95,44.53,27.73,812000\n"
	    "2026-03-02T14:30:00Z,qcom,150,,,,\n"
	    "\n"
	    "# a comment\n"
	    "2026-03-02T14:35:00Z,CALX,41.50,40.95,44.53,27.73,900000\r\n");
	r = replay_open(path, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(replay_next(r, &q, &rs, err, sizeof(err)), 1);
	ck_assert_int_eq(q.time, 1772461800);
	ck_assert_str_eq(q.symbol, "CALX");
	ck_assert_double_eq(q.price, 41.20);
	ck_assert_double_eq(q.prev_close, 40.95);
	ck_assert_int_eq(q.volume, 812000);
	ck_assert_int_eq(replay_next(r, &q, &rs, err, sizeof(err)), 1);
	ck_assert_str_eq(q.symbol, "QCOM");
	ck_assert_str_eq(rs->symbol, "QCOM");
	ck_assert(isnan(q.prev_close) && isnan(q.high52));
	ck_assert_int_eq(q.volume, -1);
	ck_assert_int_eq(replay_next(r, &q, &rs, err, sizeof(err)), 1);
	ck_assert_int_eq(q.time, 1772461800 + 300);
	ck_assert_double_eq(q.price, 41.50);
	ck_assert_uint_eq(rs->count, 2);
	ck_assert_int_eq(replay_next(r, &q, &rs, err, sizeof(err)), 0);
	ck_assert_ptr_eq(replay_symbol(r, "QCOM"), replay_symbol(r, "qcom"));
	ck_assert_ptr_null(replay_symbol(r, "AMBA"));
	replay_free(r);
	free(path);

	path = unit_write("bad1.csv", "2026-03-02T14:30:00Z,CALX\n");
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "bad1.csv:1: expected 7 fields"), "%s", err);
	free(path);
	path = unit_write("bad2.csv", "2026-13-02T14:30:00Z,CALX,1,1,1,1,1\n");
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "bad2.csv:1: invalid time"), "%s", err);
	free(path);
	path = unit_write("bad3.csv", "time,symbol\n2026-03-02T14:30:00Z,CALX,0,1,1,1,1\n");
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "bad3.csv:2: invalid number"), "%s", err);
	free(path);
	path = unit_write("bad4.csv", "2026-03-02T14:30:00Z,CA LX,1,1,1,1,1\n");
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "bad4.csv:1: invalid symbol"), "%s", err);
	free(path);
	path = unit_write("empty.csv", "time,symbol,price,prev_close,high52,low52,volume\n");
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "no quotes"), "%s", err);
	free(path);
}
END_TEST

/* The i-th of a mix of spellings: the common ones, and the rare. */
static void
random_number(char *num, size_t len, int i)
{
	switch (i % 4) {
	case 0: snprintf(num, len, "%ld.%02ld", random() % 100000,
	    random() % 100); break;
	case 1: snprintf(num, len, "%ld", random()); break;
	case 2: snprintf(num, len, "0.%09ld", random() % 1000000000); break;
	default: snprintf(num, len, "%ld.%ld5e-1", random() % 1000 + 1,
	    random() % 1000); break;
	}
}

/* The stream: order per symbol, gzip, and the fast parsers' exactness. */
START_TEST(test_replay_stream)
{
	struct replay		*r;
	struct replay_sym	*rs;
	struct quote		 q;
	char			 err[512], *path, line[128], num[32];
	gzFile			 gz;
	double			 want;
	int			 i;

	path = unit_write("order.csv",
	    "2026-03-02T14:35:00Z,CALX,41,,,,\n"
	    "2026-03-02T14:30:00Z,QCOM,150,,,,\n"	/* another's: fine */
	    "2026-03-02 14:31,calx,41,,,,\n");
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "order.csv:3: CALX is earlier than its "
	    "quote of 2026-03-02T14:35:00Z on line 1"), "%s", err);
	free(path);
	path = unit_write("comma.csv", "2026-03-02T14:30:00Z,CALX,1,1,1,1,1,\n");
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "comma.csv:1: expected 7 fields"), "%s", err);
	ck_assert_msg(strstr(err, "got 8"), "%s", err);
	free(path);

	/* gzipped; prices as written, compared with strtod's reading */
	path = unit_write("q.csv.gz", "");
	ck_assert_ptr_nonnull(gz = gzopen(path, "wb"));
	srandom(7);
	for (i = 0; i < 20000; i++) {
		random_number(num, sizeof(num), i);
		snprintf(line, sizeof(line), "2026-03-%02dT14:%02d:%02dZ,S,"
		    "%s,,,,\n", 2 + i / 3600, i / 60 % 60, i % 60, num);
		gzputs(gz, line);
	}
	gzclose(gz);
	ck_assert_ptr_nonnull(r = replay_open(path, err, sizeof(err)));
	srandom(7);
	for (i = 0; i < 20000; i++) {
		ck_assert_int_eq(replay_next(r, &q, &rs, err, sizeof(err)), 1);
		ck_assert_int_eq(q.time, 1772409600 + (i / 3600) * 86400 +
		    14 * 3600 + (i / 60 % 60) * 60 + i % 60);
		random_number(num, sizeof(num), i);
		want = strtod(num, NULL);
		if (want == 0)		/* a price must be positive */
			continue;
		ck_assert_msg(q.price == want, "%s: %.17g", num, q.price);
	}
	replay_free(r);
	free(path);

	/* a gzip file cut short is an error, not a quiet end */
	path = unit_write("cut.csv.gz", "");
	ck_assert_ptr_nonnull(gz = gzopen(path, "wb"));
	for (i = 0; i < 1000; i++)
		gzprintf(gz, "2026-03-02T14:30:00Z,S%d,%d.25,,,,\n", i, i + 1);
	gzclose(gz);
	ck_assert_int_eq(truncate(path, 2000), 0);
	ck_assert_int_eq(replay_check(path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cut.csv.gz: "), "%s", err);
	free(path);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("replay");
	TCase	*tc = tcase_create("files");

	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_replay_stream);
	suite_add_tcase(s, tc);
	return unit_run(s);
}

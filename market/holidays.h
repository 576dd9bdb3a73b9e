/*
 * What the holiday rules of holidays.c and holidays_asia.c share: the
 * answers and the moves of a holiday off the weekend.  Private to
 * market/.
 */
#ifndef TICKERD_HOLIDAYS_H
#define TICKERD_HOLIDAYS_H

#define HM(h, m)	((h) * 60 + (m))
#define SUN		0
#define MON		1
#define SAT		6

int		 hol_closed(const char **, const char *);
int		 hol_early(const char **, int);
long		 hol_next_monday(int, int, int);
int		 hol_christmas_pair(long, int);
long		 hol_weekday_before(int, int, int);

#endif /* TICKERD_HOLIDAYS_H */

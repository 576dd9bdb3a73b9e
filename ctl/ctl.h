/*
 * ctl/: tickerctl, the control socket's client.  Uses lib/ and alerts/.
 */
#ifndef TICKERD_CTL_H
#define TICKERD_CTL_H

#include <jansson.h>

/* ctl/review.c: tickerctl review */
void		 ctl_review_print(json_t *, const char *, const char *, int);

#endif /* TICKERD_CTL_H */

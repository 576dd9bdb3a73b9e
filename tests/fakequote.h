/*
 * fakequote's parts: the server and its scenario (fakequote.c), Yahoo's
 * answers (fakeyahoo.c), and those of the other APIs (fakeapis.c).
 */
#ifndef FAKEQUOTE_H
#define FAKEQUOTE_H

#include <sys/queue.h>

#include <event2/event.h>
#include <event2/http.h>

struct line {
	char	 symbol[64];
	char	 price[32], prev[32], high[32], low[32];
	char	 value[64];
	long	 time;
	int	 status;
	int	 retry_after;
	int	 truncated, malformed, nullprice, throttle;
	int	 delay;
};

struct pending {
	TAILQ_ENTRY(pending)	 entry;		/* while it waits */
	struct evhttp_request	*req;
	struct evbuffer		*body;
	int			 status;
	struct event		*ev;
};

extern struct event_base *base;

/* fakequote.c */
int	 find_line(const char *, struct line *);
void	 send_pending(struct pending *);
void	 answer_later(struct pending *, int);
void	 log_request(const char *, struct evhttp_request *, const char *,
	    const char *);

/* fakeyahoo.c */
int	 yahoo_api(struct evhttp_request *, const char *);

/* fakeapis.c */
int	 other_api(struct evhttp_request *, const char *);
char	*query_param(struct evhttp_request *, const char *);

#endif

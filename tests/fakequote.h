/*
 * fakequote's parts: the scenario, the answers Yahoo's chart API gives
 * (fakequote.c), and those of the other APIs (fakeapis.c).
 */
#ifndef FAKEQUOTE_H
#define FAKEQUOTE_H

#include <event2/event.h>
#include <event2/http.h>

struct line {
	char	 symbol[64];
	char	 price[32], prev[32], high[32], low[32];
	long	 time;
	int	 status;
	int	 retry_after;
	int	 truncated, malformed, nullprice, throttle;
	int	 delay;
};

struct pending {
	struct evhttp_request	*req;
	struct evbuffer		*body;
	int			 status;
	struct event		*ev;
};

extern struct event_base *base;

/* fakequote.c */
int	 find_line(const char *, struct line *);
void	 send_pending(struct pending *);
void	 delayed_cb(evutil_socket_t, short, void *);
void	 log_request(const char *, struct evhttp_request *, const char *,
	    const char *);

/* fakeapis.c */
int	 other_api(struct evhttp_request *, const char *);

#endif

/*
 * The listener of an HTTP server in the loop (evhttp): on HOST:PORT
 * ("127.0.0.1:9464", "[::1]:9464") or on a UNIX socket path, made anew
 * for the daemon's user and group.  /metrics (daemon/metrics.c) and the
 * dashboard (daemon/dashboard.c) listen through it.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "lib/lib.h"

static int
bind_path(struct event_base *base, struct evhttp *http, const char *path)
{
	struct sockaddr_un	 sun;
	struct evconnlistener	*l;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	tk_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 16) == -1 ||
	    evutil_make_socket_nonblocking(fd) == -1 ||
	    (l = evconnlistener_new(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE,
	    -1, fd)) == NULL) {
		close(fd);
		return -1;
	}
	if (evhttp_bind_listener(http, l) == NULL) {
		evconnlistener_free(l);
		return -1;
	}
	return 0;
}

static int
bind_host(struct evhttp *http, const char *addr)
{
	const char	*colon = strrchr(addr, ':');
	char		*host = xstrndup(addr, (size_t)(colon - addr));
	size_t		 l = strlen(host);
	int		 rc;

	if (l >= 2 && host[0] == '[' && host[l - 1] == ']') {
		memmove(host, host + 1, l - 2);
		host[l - 2] = '\0';
	}
	rc = evhttp_bind_socket(http, host, (ev_uint16_t)atoi(colon + 1));
	free(host);
	return rc;
}

/*
 * Make http listen on where (checked by the configuration): 0, or -1
 * with errno set.  A socket path made is put in *made (the caller
 * unlinks and frees it when done).
 */
int
httpd_bind(struct event_base *base, struct evhttp *http, const char *where,
    char **made)
{
	*made = NULL;
	if (where[0] != '/')
		return bind_host(http, where);
	if (bind_path(base, http, where) == -1)
		return -1;
	*made = xstrdup(where);
	return 0;
}

/*
 * libFuzzer: control requests, as a client sends them, through the
 * control module itself (included, as the unit tests do): one line, its
 * answer written to a socket pair and read back as JSON.
 */
#include "../../daemon/control.c"

#include <event2/bufferevent.h>

#include "fuzz.h"

static struct event_base	*fbase;

static int
no_reload(void *arg)
{
	return -1;
}

static void
info(void *arg, struct control_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->config = "fuzz.conf";
	ci->reload_error = "not in a fuzz run";
}

static void
setup(void)
{
	static const struct control_hooks h = { no_reload, info, NULL };
	struct config	*conf;

	fbase = event_base_new();
	conf = config_load(fuzz_file("c.conf", (const uint8_t *)
	    "state-dir memory\nwatch CALX { above 1 }\n", 40), NULL);
	if (fbase == NULL || conf == NULL)
		abort();
	symstate_sync(conf);
	notify_init(fbase, 0);
	notify_reconfigure(conf);
	ctl_base = fbase;
	ctl_conf = conf;
	hooks = h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bufferevent	*pair[2];
	struct client		*c;
	char			*line;

	if (fbase == NULL)
		setup();
	if (size > LINE_MAX_CTL || bufferevent_pair_new(fbase,
	    BEV_OPT_CLOSE_ON_FREE, pair) == -1)
		return 0;
	c = xcalloc(1, sizeof(*c));
	c->bev = pair[0];
	TAILQ_INSERT_TAIL(&clients, c, entry);
	line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	if (memchr(line, '\n', size) == NULL) {
		if (!utf8_valid(line, size))
			reply_error(c, "the request is not valid UTF-8");
		else
			command(c, line);
	}
	free(line);
	event_base_loop(fbase, EVLOOP_NONBLOCK);
	client_free(c);
	bufferevent_free(pair[1]);
	return 0;
}

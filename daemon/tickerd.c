/*
 * tickerd: main(), the flags, and the event loop's start and end.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "tickerd.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define TICKERD_CONF	SYSCONFDIR "/tickerd/tickerd.conf"

static struct config		*conf;
static struct event_base	*base;
static int			 once;
static int			 exit_when_idle;
static size_t			 pending;
static int			 delivery_failed;
static int			 stopping;

struct config *
tickerd_conf(void)
{
	return conf;
}

int
tickerd_once(void)
{
	return once;
}

void
tickerd_delivery_failed(void)
{
	delivery_failed = 1;
}

/*
 * Work the loop must finish before --once (or a replay) may exit: a
 * request in flight, a message being delivered, a replay still running.
 */
void
work_begin(void)
{
	pending++;
}

void
work_end(void)
{
	if (pending == 0)
		fatalx("work_end: nothing pending");
	if (--pending == 0 && exit_when_idle && base != NULL)
		event_base_loopexit(base, NULL);
	else if (exit_when_idle && pending == notify_held())
		notify_flush();		/* only digests wait: send them now */
}

/*
 * A test hook: with TICKERD_CRASHPOINT=name in the environment, the
 * daemon kills itself (SIGKILL, as kill -9 would) the first time it
 * passes that point, so tests can crash it exactly between two writes.
 */
void
crashpoint(const char *name)
{
	static const char	*want;
	static int		 checked;

	if (!checked) {
		want = getenv("TICKERD_CRASHPOINT");
		checked = 1;
	}
	if (want != NULL && strcmp(want, name) == 0)
		raise(SIGKILL);
}

static void
usage(void)
{
	fprintf(stderr, "usage: tickerd [-dnV1v] [-f file] [--once] "
	    "[--replay file]\n");
	exit(1);
}

/*
 * Tell systemd (Type=notify) how we are doing: sd_notify(3), or, built
 * without libsystemd, the same datagram to $NOTIFY_SOCKET.
 */
static void
sd_say(const char *what)
{
#ifdef HAVE_SYSTEMD
	sd_notify(0, what);
#else
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	size_t			 len;
	int			 fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	(void)sendto(fd, what, strlen(what), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + len));
	close(fd);
#endif
}

static void
signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (stopping++)
			return;
		log_info("received %s, stopping", sig == SIGTERM ? "SIGTERM" :
		    "SIGINT");
		sd_say("STOPPING=1");
		event_base_loopexit(base, NULL);
		break;
	case SIGHUP:
		log_warnx("received SIGHUP: reloading is not supported yet; "
		    "restart tickerd to apply configuration changes");
		break;
	}
}

/* An absolute path, so that nothing depends on the working directory. */
static char *
absolute(const char *path)
{
	char	 cwd[PATH_MAX], *out;

	if (path[0] == '/')
		return xstrdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal("getcwd");
	xasprintf(&out, "%s/%s", cwd, path);
	return out;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "replay", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct event	*sigterm, *sigint, *sighup;
	struct poll_opts po;
	char		*path, *replay = NULL, err[1024];
	const char	*file = TICKERD_CONF;
	int		 ch, debug = 0, noaction = 0, verbose = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "1df:hnvV", longopts, NULL))
	    != -1) {
		switch (ch) {
		case '1':
			once = 1;
			break;
		case 'd':
			debug = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("tickerd %s\n", PACKAGE_VERSION);
			return 0;
		case 'R':
			replay = absolute(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	path = absolute(file);
	if ((conf = config_load(path, NULL)) == NULL) {
		free(path);
		free(replay);
		return 1;
	}
	free(path);
	if (noaction) {
		if (replay != NULL) {
			struct replay *r = replay_open(replay, err,
			    sizeof(err));
			if (r == NULL) {
				fprintf(stderr, "%s\n", err);
				config_free(conf);
				free(replay);
				return 1;
			}
			replay_free(r);
		}
		printf("configuration OK\n");
		config_free(conf);
		free(replay);
		return 0;
	}

	log_init(debug, verbose);
	if (!debug && !once && getenv("NOTIFY_SOCKET") == NULL &&
	    daemon(0, 0) == -1)
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	sigterm = evsignal_new(base, SIGTERM, signal_cb, NULL);
	sigint = evsignal_new(base, SIGINT, signal_cb, NULL);
	sighup = evsignal_new(base, SIGHUP, signal_cb, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	evsignal_add(sighup, NULL);
	if (net_init(base) == -1)
		fatalx("cannot initialize libcurl");
	notify_init(base);
	mail_init(base);

	/* a backtest keeps its state in memory and leaves the folder alone */
	if (state_open(conf, once && replay != NULL ? NULL : conf->state_dir,
	    notify_queue, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return 2;
	}
	po.once = once;
	po.replay = replay;
	exit_when_idle = once || replay != NULL ||
	    strcmp(config_provider(conf)->name, "replay") == 0;
	log_info("tickerd %s starting: %zu watched symbol%s, provider %s, "
	    "poll every %llds%s", PACKAGE_VERSION, conf->nwatches,
	    conf->nwatches == 1 ? "" : "s", replay ? "replay" :
	    config_provider(conf)->name, (long long)conf->poll,
	    once ? ", once" : "");
	if (poll_start(base, conf, &po) == -1)
		rc = 2;
	else {
		sd_say("READY=1");
		if (pending > 0 || !exit_when_idle)
			event_base_dispatch(base);
		if (once && replay != NULL)
			poll_summary();
		else if (!once && exit_when_idle && !stopping)
			log_info("replay finished");
		if (once && (!poll_all_quoted() || delivery_failed))
			rc = 2;
	}
	poll_stop();
	notify_stop();
	net_shutdown();
	mail_shutdown();
	notify_free();
	state_close();
	event_free(sigterm);
	event_free(sigint);
	event_free(sighup);
	event_base_free(base);
	config_free(conf);
	free(replay);
	return rc;
}

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

#define STOP_GRACE	2	/* seconds for deliveries in flight at exit */

static struct config		*conf;
static char			*conf_path;
static struct event_base	*base;
static struct poll_opts		 po;
static int			 once;
static int			 exit_when_idle;
static size_t			 pending;
static int			 delivery_failed;
static int			 stopping;
static struct event		*tick_ev;	/* watchdog, status, stop */
static long			 watchdog_usec;
static struct tickerd_info	 info;

const struct tickerd_info *
tickerd_info(void)
{
	return &info;
}

void
tickerd_alerted(void)
{
	info.alerts++;
}

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

/* Re-read every file; swap the new configuration in only if it is valid. */
static void
reload_errfn(const char *file, int line, const char *msg)
{
	size_t	 l = strlen(info.reload_error);

	log_warnx("%s:%d: %s", file, line, msg);
	if (l == 0)
		snprintf(info.reload_error, sizeof(info.reload_error),
		    "%s:%d: %s", file, line, msg);
}

int
tickerd_reload(void)
{
	struct config	*new, *old = conf;
	size_t		 kept, rules = 0;
	struct watch	*w;
	struct rule	*r;

	info.reload_error[0] = '\0';
	if (exit_when_idle) {
		snprintf(info.reload_error, sizeof(info.reload_error),
		    "a replay or --once run does not reload");
		log_warnx("reload: %s", info.reload_error);
		return -1;
	}
	sd_say("RELOADING=1");
	log_info("reloading %s", conf_path);
	if ((new = config_load(conf_path, reload_errfn)) == NULL) {
		log_warnx("reload failed: keeping the configuration in use");
		sd_say("READY=1");
		return -1;
	}
	if (!state_same_dir(new->state_dir, old->state_dir)) {
		log_warnx("reload: state-dir cannot change while running; "
		    "keeping %s until a restart", old->state_dir ?
		    old->state_dir : "memory");
		free(new->state_dir);
		new->state_dir = old->state_dir ? xstrdup(old->state_dir) :
		    NULL;
	}
	kept = config_carry(new, old);
	poll_stop();
	conf = new;
	control_reconfigure(conf);
	if (state_save(conf) == -1)
		log_warnx("reload: the state could not be saved");
	if (poll_start(base, conf, &po) == -1)
		fatalx("reload: cannot start polling");
	config_free(old);
	TAILQ_FOREACH(w, &conf->watches, entry)
		TAILQ_FOREACH(r, &w->rules, entry)
			rules++;
	info.reloads++;
	info.last_reload = time(NULL);
	log_info("reloaded: %zu watched symbol%s, %zu rule%s (%zu kept their "
	    "state)", conf->nwatches, conf->nwatches == 1 ? "" : "s", rules,
	    rules == 1 ? "" : "s", kept);
	sd_say("READY=1");
	return 0;
}

/* Every second: the watchdog, systemd's STATUS=, and a stop's deadline. */
static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	static time_t	 last_ping;
	static char	 last_status[256];
	char		 status[300];
	time_t		 now = time(NULL);

	if (stopping) {
		if (net_running() == 0 && mail_children() == 0)
			event_base_loopexit(base, NULL);
		else if (now - info.stopping >= STOP_GRACE) {
			log_warnx("stopping: %zu deliver%s still in flight "
			    "after %ds; they stay in the outbox",
			    net_running() + mail_children(),
			    net_running() + mail_children() == 1 ? "y" : "ies",
			    STOP_GRACE);
			event_base_loopexit(base, NULL);
		}
		return;
	}
	if (watchdog_usec > 0 && (now - last_ping) * 2000000 >= watchdog_usec) {
		sd_say("WATCHDOG=1");
		last_ping = now;
	}
	snprintf(status, sizeof(status), "STATUS=watching %zu symbol%s; %u "
	    "alert%s since start; %zu message%s waiting", conf->nwatches,
	    conf->nwatches == 1 ? "" : "s", info.alerts, info.alerts == 1 ?
	    "" : "s", notify_waiting(), notify_waiting() == 1 ? "" : "s");
	if (strcmp(status, last_status) != 0) {
		sd_say(status);
		tk_strlcpy(last_status, status, sizeof(last_status));
	}
}

/* SIGTERM: stop polling, give deliveries in flight a short deadline. */
static void
stop(const char *why)
{
	struct timeval	 tv = { 0, 100000 };

	if (stopping++)
		return;
	log_info("received %s, stopping", why);
	sd_say("STOPPING=1");
	info.stopping = time(NULL);
	poll_stop();
	notify_stop();
	control_stop();
	if (net_running() == 0 && mail_children() == 0) {
		event_base_loopexit(base, NULL);
		return;
	}
	/* tick faster now, until they are done or the deadline */
	event_add(tick_ev, &tv);
}

static void
signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		stop(sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	case SIGHUP:
		if (!stopping)
			(void)tickerd_reload();
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
	struct timeval	 one = { 1, 0 };
	const char	*wd, *wdpid;
	char		*replay = NULL, err[1024], chain[256];
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

	conf_path = absolute(file);
	if ((conf = config_load(conf_path, NULL)) == NULL) {
		free(conf_path);
		free(replay);
		return 1;
	}
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
		free(conf_path);
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
	info.started = time(NULL);
	info.config = conf_path;
	if ((wd = getenv("WATCHDOG_USEC")) != NULL &&
	    ((wdpid = getenv("WATCHDOG_PID")) == NULL ||
	    strtol(wdpid, NULL, 10) == (long)getpid()))
		watchdog_usec = strtol(wd, NULL, 10);
	if ((tick_ev = event_new(base, -1, EV_PERSIST, tick_cb, NULL)) == NULL)
		fatalx("event_new");
	if (!once)
		event_add(tick_ev, &one);
	if (!once && !(replay != NULL))
		control_start(base, conf);
	config_chain(conf, chain, sizeof(chain));
	log_info("tickerd %s starting: %zu watched symbol%s, provider %s, "
	    "poll every %llds%s", PACKAGE_VERSION, conf->nwatches,
	    conf->nwatches == 1 ? "" : "s", replay ? "replay" : chain,
	    (long long)conf->poll,
	    once ? ", once" : "");
	if (poll_start(base, conf, &po) == -1)
		rc = 2;
	else {
		sd_say("READY=1");
		tick_cb(-1, 0, NULL);	/* the first STATUS= and ping */
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
	control_stop();
	net_shutdown();
	mail_shutdown();
	notify_free();
	state_close();
	event_free(tick_ev);
	event_free(sigterm);
	event_free(sigint);
	event_free(sighup);
	event_base_free(base);
	config_free(conf);
	free(conf_path);
	free(replay);
	return rc;
}

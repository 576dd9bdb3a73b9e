/*
 * tickerd: main(), the flags, the event loop's start and end, signals,
 * reloads, and what systemd hears.  Everything else is a library below;
 * main() pushes the configuration into it at start and at each reload,
 * and hears back only through the callbacks it gives.
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

#include "lib/lib.h"
#include "daemon/daemon.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define TICKERD_CONF	SYSCONFDIR "/tickerd/tickerd.conf"

#define STOP_GRACE	2	/* seconds for deliveries in flight at exit */
#define WATCHFILE_LOOK	10	/* seconds between looks at watch files */

/* What the command line asked for. */
struct args {
	const char	*file;
	char		*replay;	/* absolute, or NULL */
	int		 debug;
	int		 noaction;
	int		 verbose;
	int		 once;
	int		 fetch;		/* --fetch-history: symbols are args */
	const char	*range;
	const char	*interval;
	const char	*out;
	char		**syms;
	size_t		 nsyms;
};

static struct config		*conf;
static char			*conf_path;
static struct event_base	*base;
static struct pipeline		*pipeline;
static struct poll_opts		 po;
static int			 exit_when_idle;
static int			 stopping;
static time_t			 stop_time;
static int			 finished;	/* the loop has returned */
static struct event		*tick_ev;	/* the watchdog, a stop */
static struct event		*files_ev;	/* looks at the watch files */
static struct event		*status_ev;	/* STATUS=, when it changes */
static long			 watchdog_usec;
static struct control_info	 info;
static unsigned			 alerts_before;	/* of pollers stopped */
static char			 reload_error[512];

static unsigned
alerts(void)
{
	return alerts_before + (pipeline ? pipeline_alerts(pipeline) : 0);
}

/*
 * Work ended (lib/work.c): a --once run or a replay exits when none is
 * left; when only digests wait, they are sent now.
 */
static void
work_changed(size_t pending, void *arg)
{
	/* alerts commit and messages wait or go: what STATUS= says */
	if (status_ev != NULL && !finished)
		event_active(status_ev, EV_TIMEOUT, 1);
	if (!exit_when_idle || finished)
		return;
	if (pending == 0)
		event_base_loopexit(base, NULL);
	else if (!stopping && pending == digest_held())
		digest_flush();
}

/* The usage: on stdout and 0 when asked for (--help), else stderr, 1. */
static void
usage_to(FILE *f, int rc)
{
	fprintf(f, "usage: tickerd [-dhnvV1] [-f file] [--once] "
	    "[--replay file]\n"
	    "       tickerd [-v] [-f file] --fetch-history symbol ... "
	    "[--range 1y]\n"
	    "               [--interval 1d|1m] -o file\n"
	    "  -d             stay in the foreground, log to stderr\n"
	    "  -f file        the configuration (default %s)\n"
	    "  -n             check the configuration and exit\n"
	    "  -v             say more (twice: debug lines)\n"
	    "  -V             the version\n"
	    "  -1, --once     poll every symbol once, deliver, exit\n"
	    "  --replay file  quotes from a recorded file (with --once: a "
	    "backtest)\n"
	    "  --fetch-history symbol ...  daily or minute bars into -o file\n"
	    "  --range, --interval         how far back (5d, 2w, 3mo, 1y) and "
	    "the bars (1d, 1m)\n"
	    "  -h, --help     this\n", TICKERD_CONF);
	exit(rc);
}

static void
usage(void)
{
	usage_to(stderr, 1);
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

/* The control socket's view of the daemon. */
static void
control_info(void *arg, struct control_info *ci)
{
	*ci = info;
	ci->alerts = alerts();
	ci->reload_error = reload_error;
}

static void
reload_errfn(const char *file, int line, const char *msg)
{
	log_warnx("%s:%d: %s", file, line, msg);
	if (reload_error[0] == '\0')
		snprintf(reload_error, sizeof(reload_error), "%s:%d: %s", file,
		    line, msg);
}

/* Push a configuration into every module that keeps one. */
static void
reconfigure(struct config *c)
{
	conf = c;
	notify_reconfigure(c);
	reviewmail_reconfigure(c);
	control_reconfigure(c);
	if (!exit_when_idle) {
		health_reconfigure(c);
		screen_reconfigure(c);
		heartbeat_reconfigure(c);
		metrics_reconfigure(c);
	}
	dashboard_reconfigure(c);
}

/*
 * The symbols of list a that list b has not (nor, when c is given, a
 * watch of c), "X, Y" cut to out.
 */
static size_t
missing(const struct strlist *a, const struct strlist *b,
    const struct config *c, char *out, size_t len)
{
	size_t	 i, n = 0, at = 0;

	out[0] = '\0';
	for (i = 0; i < a->n; i++) {
		if ((b != NULL && strlist_has(b, a->v[i])) ||
		    (c != NULL && config_watch(c, a->v[i]) != NULL))
			continue;
		if (at < len)
			at += (size_t)snprintf(out + at, len - at, "%s%s",
			    n > 0 ? ", " : "", a->v[i]);
		n++;
	}
	if (at >= len && len > 4)
		memcpy(out + len - 4, "...", 4);
	return n;
}

/* What a reload changed in each `watch file': the symbols added, dropped. */
static void
watchfiles_said(const struct config *old, const struct config *new)
{
	const struct watchfile	*o, *f;
	char			 added[512], dropped[512];
	size_t			 i, k, na, nd;

	for (i = 0; i < new->nwatchfiles; i++) {
		f = &new->watchfiles[i];
		for (o = NULL, k = 0; k < old->nwatchfiles; k++)
			if (strcmp(old->watchfiles[k].path, f->path) == 0)
				o = &old->watchfiles[k];
		na = missing(&f->syms, o ? &o->syms : NULL, NULL, added,
		    sizeof(added));
		nd = o ? missing(&o->syms, &f->syms, new, dropped,
		    sizeof(dropped)) : 0;
		if (na > 0 || nd > 0)
			log_info("watch file %s: %zu symbols; %zu added%s%s, "
			    "%zu dropped%s%s", f->path, f->syms.n, na, na ? ": " :
			    "", na ? added : "", nd, nd ? ": " : "", nd ? dropped :
			    "");
	}
}

/* Re-read every file; swap the new configuration in only if it is valid. */
static int
reload(void *arg)
{
	struct config	*new, *old = conf;
	size_t		 kept, rules = 0;
	struct watch	*w;
	struct rule	*r;

	reload_error[0] = '\0';
	if (exit_when_idle) {
		snprintf(reload_error, sizeof(reload_error), "a replay or "
		    "--once run does not reload");
		log_warnx("reload: %s", reload_error);
		return -1;
	}
	sd_say("RELOADING=1");
	log_info("reloading %s", conf_path);
	if ((new = config_load(conf_path, reload_errfn)) == NULL) {
		log_warnx("reload failed: keeping the configuration in use");
		health_reload(reload_error);
		sd_say("READY=1");
		return -1;
	}
	if (!store_same_dir(new->state_dir, old->state_dir)) {
		log_warnx("reload: state-dir cannot change while running; "
		    "keeping %s until a restart", old->state_dir ?
		    old->state_dir : "memory");
		free(new->state_dir);
		new->state_dir = old->state_dir ? xstrdup(old->state_dir) :
		    NULL;
	}
	alerts_before += pipeline_alerts(pipeline);
	pipeline_stop(pipeline);
	store_thaw();	/* what waited for room is dropped, as before */
	kept = symstate_sync(new);
	reconfigure(new);
	review_horizons(conf->review_days, conf->nreview_days);
	if (store_snapshot(conf) == -1)
		log_warnx("reload: the state could not be saved");
	if ((pipeline = pipeline_start(base, conf, &po)) == NULL)
		fatalx("reload: cannot start polling");
	watchfiles_said(old, conf);
	config_free(old);
	TAILQ_FOREACH(w, &conf->watches, entry)
		TAILQ_FOREACH(r, &w->rules, entry)
			rules++;
	info.reloads++;
	info.last_reload = clock_now();
	health_reload(NULL);
	notify_retry_held();	/* a notifier fixed delivers what waits */
	log_info("reloaded: %zu watched symbol%s, %zu rule%s (%zu kept their "
	    "state)", conf->nwatches, conf->nwatches == 1 ? "" : "s", rules,
	    rules == 1 ? "" : "s", kept);
	sd_say("READY=1");
	event_active(status_ev, EV_TIMEOUT, 1);
	return 0;
}

/* Deliveries still in flight: transfers and sendmail children. */
static size_t
in_flight(void)
{
	return net_running() + children_running();
}

/*
 * The watchdog's ping, at half its interval, and a stop's deadline.  No
 * timer runs otherwise: between polls the daemon sleeps.
 */
static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	time_t	 now = clock_now();

	if (stopping) {
		if (in_flight() == 0)
			event_base_loopexit(base, NULL);
		else if (now - stop_time >= STOP_GRACE) {
			log_warnx("stopping: %zu deliver%s still in flight "
			    "after %ds; they stay in the outbox", in_flight(),
			    in_flight() == 1 ? "y" : "ies", STOP_GRACE);
			event_base_loopexit(base, NULL);
		}
		return;
	}
	if (watchdog_usec > 0)
		sd_say("WATCHDOG=1");
}

/* systemd's STATUS=, said when it changes (work_changed() asks). */
static void
status_cb(evutil_socket_t fd, short ev, void *arg)
{
	static char	 last_status[256];
	char		 status[300];
	size_t		 waiting = notify_waiting();

	if (stopping)
		return;
	snprintf(status, sizeof(status), "STATUS=watching %zu symbol%s; %u "
	    "alert%s since start; %zu message%s waiting", conf->nwatches,
	    conf->nwatches == 1 ? "" : "s", alerts(), alerts() == 1 ? "" :
	    "s", waiting, waiting == 1 ? "" : "s");
	if (strcmp(status, last_status) != 0) {
		sd_say(status);
		tk_strlcpy(last_status, status, sizeof(last_status));
	}
}

/* SIGTERM: stop polling, give deliveries in flight a short deadline. */
static void
stop(const char *why)
{
	if (stopping++)
		return;
	stop_time = clock_now();
	log_info("received %s, stopping", why);
	sd_say("STOPPING=1");
	alerts_before += pipeline_alerts(pipeline);
	pipeline_stop(pipeline);
	pipeline = NULL;
	notify_stop();
	control_stop();
	if (in_flight() == 0) {
		event_base_loopexit(base, NULL);
		return;
	}
	/* tick faster now, until they are done or the deadline */
	timer_in(tick_ev, 0.1);
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
			(void)reload(NULL);
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

static void
parse_args(int argc, char *argv[], struct args *a)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "replay", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "fetch-history", no_argument, NULL, 'H' },
		{ "range", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->file = TICKERD_CONF;
	a->range = "1y";
	a->interval = "1d";
	while ((ch = getopt_long(argc, argv, "1df:hno:vV", longopts, NULL))
	    != -1) {
		switch (ch) {
		case '1': a->once = 1; break;
		case 'd': a->debug = 1; break;
		case 'f': a->file = optarg; break;
		case 'n': a->noaction = 1; break;
		case 'H': a->fetch = 1; break;
		case 'r': a->range = optarg; break;
		case 'i': a->interval = optarg; break;
		case 'o': a->out = optarg; break;
		case 'v': a->verbose++; break;
		case 'R':
			free(a->replay);
			a->replay = absolute(optarg);
			break;
		case 'V':
			printf("tickerd %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage_to(stdout, 0);
			break;
		default:
			usage();
		}
	}
	if (a->fetch) {		/* the symbols, and where they go */
		if (optind == argc || a->out == NULL || a->once ||
		    a->replay != NULL)
			usage();
		a->syms = argv + optind;
		a->nsyms = (size_t)(argc - optind);
	} else if (optind != argc || a->out != NULL)
		usage();
}

/* -n: the configuration (and the replay file, if any) is readable. */
static int
check_only(const struct args *a)
{
	char		 err[1024];

	if (a->replay != NULL && replay_check(a->replay, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("configuration OK\n");
	if (a->verbose > 0)
		printf("%zu watched symbol%s\n", conf->nwatches,
		    conf->nwatches == 1 ? "" : "s");
	return 0;
}

/* The loop, its signals, and the modules that live in it. */
static void
loop_setup(const struct args *a, struct event **sigs)
{
	static const int	 signals[] = { SIGTERM, SIGINT, SIGHUP };
	const char		*wd, *wdpid;
	size_t			 i;

	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	for (i = 0; i < 3; i++)
		if ((sigs[i] = evsignal_new(base, signals[i], signal_cb,
		    NULL)) == NULL || evsignal_add(sigs[i], NULL) == -1)
			fatalx("cannot watch signal %d", signals[i]);
	if (net_init(base) == -1)
		fatalx("cannot initialize libcurl");
	ws_init(base);
	notify_init(base, a->once);
	if (!a->once)
		reviewmail_start(base);
	work_on_change(work_changed, NULL);
	if ((wd = getenv("WATCHDOG_USEC")) != NULL &&
	    ((wdpid = getenv("WATCHDOG_PID")) == NULL ||
	    strtol(wdpid, NULL, 10) == (long)getpid()))
		watchdog_usec = strtol(wd, NULL, 10);
	if ((tick_ev = event_new(base, -1, EV_PERSIST, tick_cb, NULL)) == NULL ||
	    (status_ev = event_new(base, -1, 0, status_cb, NULL)) == NULL)
		fatalx("event_new");
}

/*
 * Whether a --once run failed: a symbol not quoted (stale, of an earlier
 * session, unknown, unanswered) or a message not delivered.  Each is
 * said in one line: the symbols with why, the messages by count.
 */
static int
once_failed(const struct pipeline *L)
{
	char		 syms[1024];
	size_t		 n = L != NULL ? pipeline_unquoted(L, syms,
			    sizeof(syms)) : 0;
	unsigned	 undelivered = notify_failures();

	if (n > 0)
		log_warnx("--once: %zu symbol%s not quoted: %s; exit status 2",
		    n, n == 1 ? "" : "s", syms);
	if (undelivered > 0)
		log_warnx("--once: %u message%s not delivered; exit status 2",
		    undelivered, undelivered == 1 ? "" : "s");
	return n > 0 || undelivered > 0;
}

/* A `watch file' changed on disk: read the configuration again. */
static void
watchfiles_look(evutil_socket_t fd, short ev, void *arg)
{
	size_t		 i;

	if (stopping || conf == NULL)
		return;
	for (i = 0; i < conf->nwatchfiles; i++)
		if (watchfile_changed(&conf->watchfiles[i], 1)) {
			log_info("watch file %s changed: reloading",
			    conf->watchfiles[i].path);
			(void)reload(NULL);	/* a failed one: once a change */
			return;
		}
}

/* Start everything, run the loop; the exit status of the run. */
static int
run(const struct args *a)
{
	static const struct control_hooks hooks = { reload, control_info,
	    NULL };
	const char	*fake;
	char		 chain[256];
	int		 rc = 0;

	if (!a->once && watchdog_usec > 0)
		timer_in(tick_ev, (double)watchdog_usec / 2e6);
	if (!exit_when_idle) {
		if ((files_ev = event_new(base, -1, EV_PERSIST, watchfiles_look,
		    NULL)) == NULL)
			fatalx("event_new");
		timer_in(files_ev, WATCHFILE_LOOK);
	}
	reconfigure(conf);
	if (!a->once && a->replay == NULL)
		control_start(base, conf, &hooks);
	if (!exit_when_idle) {
		health_start(base, conf);
		screen_start(base, conf);
		heartbeat_start(base);
		metrics_start(base, conf);
		heartbeat_reconfigure(conf);
	}
	if (!a->once)		/* a replay's too: a demo to look at */
		dashboard_start(base, conf);
	config_chain(conf, chain, sizeof(chain));
	log_info("tickerd %s starting: %zu watched symbol%s, provider %s, "
	    "poll every %llds%s", PACKAGE_VERSION, conf->nwatches,
	    conf->nwatches == 1 ? "" : "s", a->replay ? "replay" : chain,
	    (long long)conf->poll, a->once ? ", once" : "");
	if ((fake = getenv("TICKERD_MARKET_CLOCK")) != NULL) {
		clock_market_set((time_t)strtoll(fake, NULL, 10));
		log_info("market hours judged by a clock set to %s", fake);
	}
	if ((pipeline = pipeline_start(base, conf, &po)) == NULL)
		return 2;
	sd_say("READY=1");
	status_cb(-1, 0, NULL);	/* the first STATUS= */
	tick_cb(-1, 0, NULL);	/* and ping */
	if (work_pending() > 0 || !exit_when_idle)
		event_base_dispatch(base);
	finished = 1;
	if (a->once && a->replay != NULL && pipeline != NULL)
		pipeline_summary(pipeline);
	else if (!a->once && exit_when_idle && !stopping)
		log_info("replay finished");
	if (a->once && once_failed(pipeline))
		rc = 2;
	if (pipeline != NULL && pipeline_replay_failed(pipeline))
		rc = 1;		/* a fault in the replay file, said */
	return rc;
}

int
main(int argc, char *argv[])
{
	struct args	 a;
	struct event	*sigs[3];
	char		 err[1024];
	int		 rc;

	parse_args(argc, argv, &a);
	conf_path = absolute(a.file);
	if ((conf = config_load(conf_path, NULL)) == NULL)
		rc = 1;
	else if (a.noaction)
		rc = check_only(&a);
	else if (a.fetch) {
		log_init(1, a.verbose);
		exchange_zones_load();
		signal(SIGPIPE, SIG_IGN);
		rc = fetchhist_run(conf, a.syms, a.nsyms, a.range, a.interval,
		    a.out);
	} else
		rc = -1;
	if (rc != -1) {
		config_free(conf);
		free(conf_path);
		free(a.replay);
		return rc;
	}

	log_init(a.debug, a.verbose);
	exchange_zones_load();	/* before any thread may read the environment */
	if (!a.debug && !a.once && getenv("NOTIFY_SOCKET") == NULL &&
	    daemon(0, 0) == -1)
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	loop_setup(&a, sigs);
	notify_reconfigure(conf);
	reviewmail_reconfigure(conf);
	symstate_sync(conf);

	/* a backtest keeps its state in memory and leaves the folder alone */
	if (store_open(conf, a.once && a.replay != NULL ? NULL :
	    conf->state_dir, notify_queue, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return 2;
	}
	po.once = a.once;
	po.replay = a.replay;
	exit_when_idle = a.once || a.replay != NULL ||
	    strcmp(config_provider(conf)->name, "replay") == 0;
	info.started = clock_now();
	info.config = conf_path;
	rc = run(&a);

	pipeline_stop(pipeline);
	notify_stop();
	control_stop();
	metrics_stop();
	dashboard_stop();
	heartbeat_stop();
	health_stop();
	screen_stop();
	ws_shutdown();
	net_shutdown();
	children_shutdown();
	reviewmail_stop();
	notify_free();
	store_close(conf);
	event_free(tick_ev);
	if (files_ev != NULL)
		event_free(files_ev);
	event_free(status_ev);
	status_ev = NULL;
	for (size_t i = 0; i < 3; i++)
		event_free(sigs[i]);
	event_base_free(base);
	config_free(conf);
	free(conf_path);
	free(a.replay);
	return rc;
}

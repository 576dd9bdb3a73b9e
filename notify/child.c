/*
 * Children that make one delivery attempt outside the event loop: a
 * program run with fork and execv (no shell), like sendmail, or a
 * function run in a forked child, like an SMTP transfer, whose library
 * may wait on the server.  The loop feeds a child's stdin through a
 * non-blocking pipe, keeps the first words of its output, reaps it on
 * SIGCHLD, and stops it at its deadline; so nothing a child waits for
 * can stall the loop, and SIGTERM is never held up by one.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

/* One child. */
struct child {
	TAILQ_ENTRY(child)	 entry;
	struct outmsg		*m;
	deliver_done_fn		 done;
	char			*name;		/* the program, or what it does */
	int			 output_why;	/* its output is the reason */
	int			 permanent_exit;
	int			 exit_enough;
	int			 log_output;
	time_t			 timeout;
	pid_t			 pid;
	int			 in;		/* the child's stdin */
	int			 out;		/* its stdout and stderr */
	struct event		*wev, *rev, *timer;
	struct buf		 data;		/* the message, LF endings */
	size_t			 off;
	char			 output[256];	/* its first words */
	size_t			 outlen;
	int			 killed;
};

static struct event_base	*child_base;
static struct event		*sigchld;
static TAILQ_HEAD(, child)	 children = TAILQ_HEAD_INITIALIZER(children);

static void
child_close_in(struct child *c)
{
	if (c->wev != NULL)
		event_free(c->wev);
	c->wev = NULL;
	if (c->in != -1)
		close(c->in);
	c->in = -1;
}

static void
child_write(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;
	ssize_t		 w;

	while (c->off < c->data.len) {
		w = write(c->in, c->data.data + c->off, c->data.len - c->off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN)
			return;
		if (w == -1) {		/* EPIPE: it exited; its status says why */
			child_close_in(c);
			return;
		}
		c->off += (size_t)w;
	}
	child_close_in(c);	/* EOF ends the message (-t -i) */
}

static void
child_read(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;
	char		 tmp[512];
	ssize_t		 r;
	size_t		 n;

	while ((r = read(c->out, tmp, sizeof(tmp))) > 0) {
		n = (size_t)r;
		if (n > sizeof(c->output) - 1 - c->outlen)
			n = sizeof(c->output) - 1 - c->outlen;
		memcpy(c->output + c->outlen, tmp, n);
		c->outlen += n;
	}
	if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR)) {
		event_del(c->rev);
	}
}

static void
child_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;

	c->killed = 1;
	kill(c->pid, SIGTERM);
}

static void
child_free(struct child *c)
{
	child_close_in(c);
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->out != -1)
		close(c->out);
	buf_free(&c->data);
	free(c->name);
	free(c);
}

static void
child_exited(struct child *c, int status)
{
	char			 why[512], *p;

	child_read(c->out, EV_READ, c);	/* what it said last */
	c->output[c->outlen] = '\0';
	for (p = c->output; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	TAILQ_REMOVE(&children, c, entry);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    (c->off == c->data.len || c->exit_enough)) {
		if (c->log_output && c->outlen > 0) {
			utf8_clean(c->output);
			log_info("%s said: %s", c->name, c->output);
		}
		c->done(c->m, 1, NULL);
		child_free(c);
		return;
	}
	if (c->killed)
		snprintf(why, sizeof(why), "%s took longer than %llds and was "
		    "stopped", c->name, (long long)c->timeout);
	else if (WIFEXITED(status) && c->output_why && c->outlen > 0)
		snprintf(why, sizeof(why), "%s", c->output);
	else if (WIFEXITED(status))
		snprintf(why, sizeof(why), "%s exited with status %d%s%s",
		    c->name, WEXITSTATUS(status), c->outlen ? ": " : "",
		    c->output);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "%s was killed by signal %d",
		    c->name, WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "%s did not take the whole message",
		    c->name);
	utf8_clean(why);
	c->m->permanent = c->permanent_exit != 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == c->permanent_exit;
	c->done(c->m, 0, why);
	child_free(c);
}

static void
sigchld_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct child	*c, *next;
	int		 status;
	pid_t		 pid;

	for (c = TAILQ_FIRST(&children); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if ((pid = waitpid(c->pid, &status, WNOHANG)) == c->pid)
			child_exited(c, status);
	}
}

/* Children running (deliveries outside the loop). */
size_t
children_running(void)
{
	struct child	*c;
	size_t		 n = 0;

	TAILQ_FOREACH(c, &children, entry)
		n++;
	return n;
}

void
children_init(struct event_base *base)
{
	child_base = base;
	if ((sigchld = evsignal_new(base, SIGCHLD, sigchld_cb, NULL)) == NULL ||
	    evsignal_add(sigchld, NULL) == -1)
		fatalx("cannot watch SIGCHLD");
}

/* At exit: children still running are stopped, not waited for. */
void
children_shutdown(void)
{
	struct child	*c;
	int		 status;

	while ((c = TAILQ_FIRST(&children)) != NULL) {
		TAILQ_REMOVE(&children, c, entry);
		kill(c->pid, SIGKILL);
		(void)waitpid(c->pid, &status, 0);
		c->done(c->m, 0, "stopping");
		child_free(c);
	}
	if (sigchld != NULL)
		event_free(sigchld);
	sigchld = NULL;
}

/* In the child: stdin, stdout and stderr on the pipes, nothing else. */
static void
child_setup(int in, int out)
{
	sigset_t	 all;
	int		 fd;

	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1)
		_exit(75);
	for (fd = 3; fd < 1024; fd++)
		(void)close(fd);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/*
 * Start a child with pipes for its stdin and for its stdout and stderr:
 * it runs argv (execv, no shell), or else fn(arg) and exits with what fn
 * returns.  Returns its pid, or -1 with why set.
 */
static pid_t
spawn(char *const *argv, char *const *envp, int (*fn)(void *), void *arg,
    int *in, int *out, char *why, size_t whylen)
{
	int	 ip[2], op[2] = { -1, -1 };
	pid_t	 pid;

	if (pipe2(ip, O_CLOEXEC) == -1) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(op, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		snprintf(why, whylen, "%s: %s", op[0] == -1 ? "pipe" : "fork",
		    strerror(errno));
		close(ip[0]);
		close(ip[1]);
		if (op[0] != -1) {
			close(op[0]);
			close(op[1]);
		}
		return -1;
	}
	if (pid == 0) {
		child_setup(ip[0], op[1]);
		if (argv == NULL)
			_exit(fn(arg));
		if (envp != NULL)
			execve(argv[0], argv, envp);
		else
			execv(argv[0], argv);
		(void)!write(2, "cannot execute it", 17);
		_exit(75);	/* EX_TEMPFAIL: try again later */
	}
	close(ip[0]);
	close(op[1]);
	*in = ip[1];
	*out = op[0];
	(void)fcntl(*in, F_SETFL, O_NONBLOCK);
	(void)fcntl(*out, F_SETFL, O_NONBLOCK);
	return pid;
}

/*
 * One delivery attempt of m in a child (see struct child_spec), fed
 * input on its stdin; done(m, ok, why) says how it went.
 */
void
child_deliver(const struct child_spec *cs, const struct buf *input,
    struct outmsg *m, deliver_done_fn done)
{
	struct child	*c;
	char		 why[512];

	if (child_base == NULL)
		fatalx("children_init was not called");
	c = xcalloc(1, sizeof(*c));
	if ((c->pid = spawn(cs->argv, cs->envp, cs->fn, cs->arg, &c->in,
	    &c->out, why, sizeof(why))) == -1) {
		free(c);
		done(m, 0, why);
		return;
	}
	c->m = m;
	c->done = done;
	c->name = xstrdup(cs->name);
	c->output_why = cs->output_why;
	c->permanent_exit = cs->permanent_exit;
	c->exit_enough = cs->exit_enough;
	c->log_output = cs->log_output;
	c->timeout = cs->timeout;
	if (input != NULL)
		buf_add(&c->data, input->data, input->len);
	if ((c->wev = event_new(child_base, c->in, EV_WRITE | EV_PERSIST,
	    child_write, c)) == NULL ||
	    (c->rev = event_new(child_base, c->out, EV_READ | EV_PERSIST,
	    child_read, c)) == NULL ||
	    (c->timer = evtimer_new(child_base, child_timeout, c)) == NULL)
		fatalx("event_new");
	event_add(c->wev, NULL);
	event_add(c->rev, NULL);
	timer_in(c->timer, (double)cs->timeout);
	TAILQ_INSERT_TAIL(&children, c, entry);
}

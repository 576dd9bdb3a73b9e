/*
 * store/: the state directory, written by this layer only.
 *
 *   journal		what each commit changed, appended and synced
 *			(journal.c); the files below are its snapshot
 *   state.json		rule states, 52-week references and the newest quote
 *			time per symbol, keyed by symbol and rule identity
 *   review.json	each alert and what followed it
 *   history.jsonl	the alerts that fired, newest last (bounded)
 *   problems.json	the problems announced and not over (problem.c)
 *   filings.json	the SEC filings seen of each symbol (filing.c)
 *   company_tickers.json  EDGAR's tickers and CIKs, a week at most
 *   outbox/ID.json	messages not yet delivered, one file each
 *   outbox/failed/	messages given up on after retry-for
 *   daily/SYMBOL.csv	each symbol's daily history
 *   lock		held while a daemon uses the folder
 *
 * A commit is one append to the journal and one fdatasync(2) of it; the
 * snapshot's files follow without a sync, and are made durable together
 * when the journal is compacted.  Every file is written atomically (a
 * temporary file and a rename: file.c, below everything else here).
 * Above it, journal.c, dailystore.c, review.c, history.c, symstate.c,
 * state.c, outbox.c, each calling only those before it; dir.c, on top,
 * opens, commits, compacts and closes them.
 * The store owns the outbox message: it makes, writes, reads back and
 * frees it; notify/ only delivers it.  Uses config/, alerts/, market/
 * and lib/.
 */
#ifndef TICKERD_STORE_H
#define TICKERD_STORE_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"

/*
 * A message: one alert for one notifier, or (in memory) a digest of
 * several.  It waits in the outbox until its notifier has taken it.
 */
struct outmsg;
TAILQ_HEAD(outlist, outmsg);
struct outmsg {
	TAILQ_ENTRY(outmsg)	 entry;
	char			*id;		/* unique, the outbox file name */
	char			*notifier;	/* looked up at each attempt */
	enum notifier_type	 type;
	time_t			 created;
	char			*symbol;
	char			*rule;		/* the rule's identity */
	unsigned		 count;		/* the rule's count after firing */
	char			*batch;		/* the alerts of one evaluation */
	int			 batch_size;
	char			*snapshot;	/* the symbol's state after it */
	char			*history;	/* its alert's history line */
	char			*alert;		/* the alert, alert_json() */
	char			*subject;	/* for logs */
	struct buf		 payload;	/* a mail, syslog line, or JSON */
	/* delivery, in memory (notify/) */
	int			 attempts;
	double			 retry_after;	/* the service asked to wait */
	int			 permanent;	/* the last failure will not pass
						   by itself (a bad chat id) */
	struct event		*timer;
	struct outlist		 members;	/* a digest's messages */
	int			 is_digest;
	int			 is_test;	/* tickerctl test: no outbox */
	int			 in_memory;	/* never staged: no outbox file,
						   nothing to remove (notice.c) */
	void			(*test_cb)(void *, int, const char *);
	void			*test_arg;
};

/* A rule's state, kept by the rule's identity. */
struct rulestate {
	char			*id;
	struct rule_state	 st;
	time_t			 first_fired;	/* for summaries */
	time_t			 last_fired;
};

/*
 * How one provider fares with a symbol: its failures and backoff.  It
 * outlives reloads (a reload must not undo a Retry-After), not restarts.
 */
#define PROV_SLOTS	5	/* a chain's worth (CHAIN_MAX) */
struct provstate {
	char			 provider[16];	/* "": a free slot */
	int			 fails;
	int			 unknown;
	int			 reported;	/* its failure was logged */
	time_t			 not_before;	/* not asked again before */
};

/* What tickerd knows of a watched symbol; it outlives reloads. */
struct symstate {
	TAILQ_ENTRY(symstate)	 entry;		/* in the list of all */
	unsigned		 generation;
	char			 symbol[SYMBOL_MAX + 1];
	struct symref		 ref;
	time_t			 last_time;	/* newest quote evaluated */
	const struct exchange	*ex;		/* where it trades */
	int			 stale_logged;
	int			 old_logged;	/* a quote of an old session */
	int			 future_logged;	/* a quote from the future */
	int			 untimed_logged; /* one with no time */
	unsigned		 refs_said;	/* REFS_*: what its rules were
						   said to wait for */
	struct quote		 last;		/* for tickerctl quotes */
	time_t			 last_seen;	/* when it came; 0: none yet */
	struct quote		*ext;		/* the last price outside the
						   regular session, newer
						   than last; NULL: none */
	const char		*feed;		/* the stream it comes on now;
						   NULL: polled */
	char			*problem;	/* the last poll's, or NULL */
#define PROBLEM_UNKNOWN	"unknown or delisted symbol"
	struct rulestate	*rules;		/* in the order of the watch's */
	size_t			 nrules;
	struct provstate	 prov[PROV_SLOTS];
	unsigned		 prov_next;	/* the slot to reuse next */
	/* state.c: its entry of state.json as last written, and of what */
	char			*saved;
	struct buf		 saved_of;
	uint64_t		 journaled;	/* what the journal has of it,
						   its quote time aside */
};

/* store/problem.c: the problems announced, and when each kind last was */
struct problem {
	char			*key;		/* "provider yahoo" */
	char			*kind;		/* "provider" */
	char			*text;		/* the notice */
	time_t			 since;		/* when it began */
	time_t			 told;		/* when it was announced */
};
const struct problem *problem_find(const char *);
const struct problem *problem_at(size_t);
time_t		 problem_last(const char *);
void		 problem_told(const char *, const char *, const char *,
		    time_t, time_t);
void		 problem_held(const char *, const char *, const char *,
		    time_t, time_t);
void		 problem_ended(const char *);
void		 problem_apply(json_t *);
void		 problem_load(void);
int		 problem_save(void);
void		 problem_clear(void);

/* store/filing.c: the filings seen of each symbol (daemon/filings.c) */
#define FILING_SEEN_MAX	100	/* kept a symbol, newest first */
struct seenfiling {
	char			 accession[24];
	char			 form[16];
	char			 date[12];
	char			 accepted[32];
	char			 items[48];
	char			 fired[96];	/* the rules it fired; "": none */
};
struct filingrec {
	char			 symbol[SYMBOL_MAX + 1];
	long			 cik;
	struct seenfiling	 v[FILING_SEEN_MAX];
	size_t			 n;
};
struct filing;
const struct filingrec *filing_rec(const char *);
const struct filingrec *filing_at(size_t);
int		 filing_seen(const char *, const char *);
void		 filing_keep(const char *, long, const struct filing *,
		    char *const *, size_t);
void		 filing_looked(const char *, long);
void		 filing_apply(json_t *);
void		 filing_load(void);
int		 filing_save(void);
void		 filing_clear(void);
int		 filing_tickers_save(const char *, size_t);
time_t		 filing_tickers_load(struct buf *);

/* store/symstate.c: each watched symbol's state, by symbol */
struct symstate	*symstate_find(const char *);
struct rulestate *symstate_rule(struct symstate *, const char *);
struct provstate *symstate_prov(struct symstate *, const char *);
void		 symstate_set_problem(struct symstate *, const char *,
		    const char *);
const char	*symstate_problem(const struct symstate *);
size_t		 symstate_sync(const struct config *);
void		 symstate_daily_load(void);
void		 symstate_follow(struct symstate *);
void		 symstate_clear(void);

/* store/dir.c: the state directory's life: made, locked, read,
 * committed to, compacted, closed */
typedef void	(*store_queue_fn)(struct outmsg *);
int		 store_open(struct config *, const char *, store_queue_fn,
		    char *, size_t);
int		 store_commit(struct config *);
#define STORE_COMMIT_BUCKETS	10
void		 store_commit_times(const double **, const unsigned long **,
		    double *);
int		 store_snapshot(struct config *);
int		 store_snapshot_due(int);
void		 store_freeze(void);
void		 store_thaw(void);
void		 store_close(struct config *);

/* store/journal.c: the journal of commits */
typedef void	(*journal_apply_fn)(const char *, json_t *, int);
long		 journal_open(journal_apply_fn);
void		 journal_add(const char *, const char *, size_t);
void		 journal_add_string(const char *, const char *);
void		 journal_abort(void);
size_t		 journal_mark(void);
void		 journal_rewind(size_t);
int		 journal_record(const char *, const char *, int);
int		 journal_commit(int);
off_t		 journal_size(double *);
int		 journal_reset(void);
int		 journal_lost(void);
void		 journal_close(void);

/* store/file.c: the folder, its lock, its files written atomically and
 * read within bounds */
const char	*store_dir(void);
int		 store_take(const char *, char *, size_t);
void		 store_release(void);
void		 store_check(void);
unsigned	 store_generation(void);
int		 store_same_dir(const char *, const char *);
void		 store_failed(const char *, const char *);
void		 store_ok(void);
const char	*store_problem(void);
int		 store_file(const char *, int, mode_t);
/* the most tickerd reads of each file at start (it writes far less) */
#define STATE_FILE_MAX	(64u << 20)	/* state.json */
#define REVIEW_FILE_MAX	(16u << 20)	/* review.json */
#define HISTORY_FILE_MAX	(16u << 20)	/* history.jsonl */
#define OUTMSG_FILE_MAX	(4u << 20)	/* an outbox message */
#define DAILY_FILE_MAX	(4u << 20)	/* daily/SYMBOL.csv */
FILE		*store_fopen(const char *, size_t);
json_t		*store_json(const char *, size_t, size_t, json_error_t *);
const char	*store_strerror(int, size_t);
int		 store_write(const char *, const char *, const void *, size_t);
int		 store_write_later(const char *, const char *, const void *,
		    size_t);
int		 store_sync(void);
void		 store_owe(void);
int		 store_fsync_dir(const char *);
off_t		 store_size(const char *);
void		 store_quarantine(const char *, const char *);

/* store/review.c: review.json, each alert and what followed it */
struct review {
	char			 symbol[SYMBOL_MAX + 1];
	char			 currency[8];
	char			*rule;
	char			*note;
	time_t			 time;
	long			 day0;		/* its session */
	double			 price;
	int			 dir;		/* alert_direction() */
	struct outcome		 o;
	unsigned long		 seq;		/* ascending, in memory */
};
void		 review_horizons(const int *, int);
unsigned long	 review_add(const struct alert *, long);
int		 review_pending(const char *);
long		 review_oldest_pending(const char *);
void		 review_update(const char *, const struct daily *, long);
void		 review_session(const struct daily *);
void		 review_follow(struct daily *, long);
void		 review_update_all(struct daily *(*)(const char *), long);
size_t		 review_count(void);
const struct review *review_at(size_t);
json_t		*review_entry_json(const struct review *);
void		 review_load(void);
void		 review_journal(void);
void		 review_unjournal(void);
void		 review_apply(json_t *);
long		 review_mailed(void);
void		 review_set_mailed(long);
int		 review_save(void);
void		 review_free(void);

/* store/dailystore.c: daily/SYMBOL.csv, each symbol's daily history */
void		 dailystore_load(const char *, struct daily *);
int		 dailystore_save(const char *, struct daily *);

/* store/state.c: state.json */
void		 state_journal(struct config *);
void		 state_unjournal(struct config *);
int		 state_write(struct config *);
void		 state_apply(json_t *);
void		 state_load(struct config *);
int		 state_restore(struct symstate *, const char *);

/* store/history.c: history.jsonl, and the newest alerts in memory */
char		*history_line(const struct alert *, const char *,
		    const char *);
void		 history_open(void);
int		 history_add(const char *);
int		 history_add_lines(char *const *, size_t);
int		 history_stage(char *const *, size_t);
void		 history_flush(int);
void		 history_apply(const char *);
int		 history_has(const char *);
json_t		*history_tail(size_t);
void		 history_close(void);

/* store/outbox.c: messages waiting for delivery */
struct outmsg	*outmsg_new(void);
struct outmsg	*outmsg_alone(const char *, const struct notifier *,
		    const char *, time_t);
void		 outmsg_free(struct outmsg *);
int		 outbox_write(const struct outmsg *);
int		 outbox_stage(const struct outmsg *);
void		 outbox_remove(const struct outmsg *);
void		 outbox_unwrite(struct outlist *, const struct outmsg *);
void		 outlist_free(struct outlist *);
void		 outbox_fail(const struct outmsg *);
void		 outbox_flush(int);
void		 outbox_apply(const char *, json_t *);
size_t		 outbox_recover(struct config *, store_queue_fn);

#endif /* TICKERD_STORE_H */

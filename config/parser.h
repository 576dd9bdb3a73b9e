/*
 * The parser's own declarations, shared by the files of config/ only.
 *
 * Statements are a keyword and a fixed number of arguments, so they need
 * no terminator.  Each block (the top level, provider, notifier, watch)
 * is a table of keywords; a keyword names the reader of its value and
 * where in the block's object the value goes.  Most readers are generic
 * (a string, a path, a URL, a duration); the few that are not are small
 * functions of their own.  See parse.c for the top level.
 */
#ifndef TICKERD_CONFIG_PARSER_H
#define TICKERD_CONFIG_PARSER_H

#include <stddef.h>

#include "config/conf.h"

#define CONF_FILE_MAX	(4 * 1024 * 1024)
#define MAX_ERRORS	50

enum toktype {
	T_EOF,
	T_WORD,
	T_STRING,
	T_LBRACE,
	T_RBRACE,
	T_COMMA,
	T_NL,
	T_BAD,		/* a lexical error, already reported */
};

struct token {
	enum toktype	 type;
	char		*text;		/* words and strings; owned */
	int		 line;
};

struct lexer {
	const char	*file;
	char		*src;
	size_t		 len;
	size_t		 pos;
	int		 line;
	struct token	 peek;
	int		 peeked;
};

/* A notifier name used by `notify', checked once every file is read. */
struct noteref {
	char		*name;
	const char	*file;
	int		 line;
};

struct parser {
	struct config	*conf;
	config_errfn	 errfn;
	struct lexer	*lx;
	int		 depth;		/* include depth */
	struct noteref	*refs;
	size_t		 nrefs;
};

/*
 * A keyword of a block: fn reads its value into the block's object at
 * offset off; arg is the reader's own (a minimum, a maximum, a URL's
 * schemes).  fn returns 0, or -1 after reporting the error.
 */
struct keyword;
typedef int	(*kw_fn)(struct parser *, const struct keyword *, void *obj,
		    int line);
struct keyword {
	const char	*name;
	kw_fn		 fn;
	size_t		 off;
	long		 arg;
	const char	*schemes[2];	/* kw_url: the two it accepts */
};

/* config/lexer.c: tokens, errors, recovery, and reading files */
void		 lex_error(struct parser *, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
void		 lex_error_file(struct parser *, const char *, int, const char *,
		    ...) __attribute__((__format__(printf, 4, 5)));
void		 lex_next(struct parser *, struct token *);
const struct token *lex_peek(struct parser *);
const struct token *lex_peek_nonl(struct parser *);
int		 lex_peek_word(struct parser *, const char *);
void		 lex_drop(struct parser *);
const char	*lex_tokname(const struct token *);
void		 lex_recover(struct parser *);
int		 lex_open_block(struct parser *, const char *);
char		*lex_block_keyword(struct parser *, const char *, int, int *,
		    int *);
char		*lex_read_file(struct parser *, const char *, const char *, int,
		    size_t *);
const char	*lex_intern_file(struct parser *, const char *);
char		*lex_relpath(struct parser *, const char *);
void		 lex_add_ref(struct parser *, const char *, int);

/* config/readers.c: values, and the generic readers of keyword tables */
char		*read_value(struct parser *, const char *, int *);
char		*read_string(struct parser *, const char *);
int		 read_list(struct parser *, const char *, struct strlist *,
		    int *, size_t);
int		 read_duration(struct parser *, const char *, time_t,
		    time_t *);
int		 read_percent(struct parser *, const char *, double, char **,
		    double *);
int		 read_hysteresis(struct parser *, double *);
const struct keyword *read_keyword(const struct keyword *, const char *);
int		 kw_string(struct parser *, const struct keyword *, void *, int);
int		 kw_path(struct parser *, const struct keyword *, void *, int);
int		 kw_abspath(struct parser *, const struct keyword *, void *,
		    int);
int		 kw_url(struct parser *, const struct keyword *, void *, int);
int		 kw_duration(struct parser *, const struct keyword *, void *,
		    int);
int		 kw_yesno(struct parser *, const struct keyword *, void *, int);
int		 kw_hours(struct parser *, const struct keyword *, void *, int);
int		 parse_quiet(struct parser *, const struct keyword *, void *, int);
struct rule	*parse_when(struct parser *, int, size_t);
void		 parse_watch_bare(struct parser *, const char *, const char *,
		    int);
int		 parse_screen(struct parser *, const struct keyword *, void *,
		    int);
int		 kw_count(struct parser *, const struct keyword *, void *, int);
int		 kw_list(struct parser *, const struct keyword *, void *, int);
int		 kw_hysteresis(struct parser *, const struct keyword *, void *,
		    int);
int		 read_block(struct parser *, const char *, int,
		    const struct keyword *, void *,
		    void (*)(struct parser *, const char *, int, void *));

/* config/parse_health.c: problems, heartbeat, metrics */
int		 parse_problems(struct parser *, const struct keyword *, void *,
		    int);
int		 parse_heartbeat(struct parser *, const struct keyword *, void *,
		    int);
int		 parse_metrics(struct parser *, const struct keyword *, void *,
		    int);
int		 parse_dashboard(struct parser *, const struct keyword *, void *,
		    int);
int		 parse_loopback(const char *);
/* config/parse_provider.c, parse_notifier.c, parse_push.c, parse_watch.c:
 * the blocks */
int		 parse_provider(struct parser *, const struct keyword *, void *,
		    int);
int		 parse_notifier(struct parser *, const struct keyword *, void *,
		    int);
int		 parse_watch(struct parser *, const struct keyword *, void *,
		    int);
int		 watch_keyword(const char *);
struct rule	*(*watch_rule_reader(const char *))(struct parser *, const char *,
		    int);
const struct keyword *push_keywords(enum notifier_type);

/* config/parse_rules.c: a rule, and the rules on the daily history */
struct rule	*rule_new(struct parser *, enum rule_kind, double,
		    const char *, int);
struct rule	*rule_cross(struct parser *, const char *, int);
struct rule	*rule_ma_cross(struct parser *, const char *, int);
struct rule	*rule_within_ma(struct parser *, const char *, double,
		    const char *, int);
struct rule	*rule_rsi(struct parser *, const char *, int);
struct rule	*rule_volume(struct parser *, const char *, int);
struct rule	*rule_percent(struct parser *, const char *, int);
struct rule	*rule_move_in(struct parser *, double, const char *, int);
struct rule	*rule_earnings(struct parser *, const char *, int);
void		 parse_check_earnings(struct config *, config_errfn);
int		 kw_review_days(struct parser *, const struct keyword *, void *,
		    int);
int		 kw_review(struct parser *, const struct keyword *, void *, int);
void		 parse_check_review(struct config *, config_errfn);
void		 parse_check_push(struct parser *, struct notifier *);

/* config/parse_filing.c: the rules on SEC EDGAR's filings */
struct rule	*rule_filing(struct parser *, const char *, int);
struct rule	*rule_insider(struct parser *, const char *, int);
int		 kw_edgar_poll(struct parser *, const struct keyword *, void *,
		    int);
void		 parse_check_filings(struct config *, config_errfn);

/* config/parse.c */
int		 parse_file(struct parser *, const char *, const char *, int);

#endif /* TICKERD_CONFIG_PARSER_H */

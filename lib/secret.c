/*
 * The secrets tickerd holds (API keys, tokens, passwords, webhook URLs),
 * hidden wherever they would appear: in a log line, a control answer, a
 * reason a service gave.  Hiding only a whole secret is not enough: an
 * answer cut to a buffer's size, or a token split by an escape, still
 * shows most of it.  So every run of SECRET_RUN or more bytes of any
 * secret is hidden, wherever it stands and whatever surrounds it.
 *
 * Every SECRET_RUN-byte window of every secret goes into a hash set;
 * a text is scanned one window at a time, and the bytes of each window
 * found are hidden.  A run of SECRET_RUN or more bytes of a secret is
 * exactly a union of such windows, so nothing of it is left; a shorter
 * run (a common prefix, a word) is left alone.  A secret shorter than a
 * window is looked for whole, if it has SHORT_MIN bytes: a shorter one
 * (Alpha Vantage's key "demo") is a word that would hide others.
 *
 * Secrets are registered when they are read (config/values.c) and kept
 * until exit: a reload that drops a key leaves answers in flight that
 * may still quote it.  The set holds the windows, not the secrets.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

#define SHORT_MAX	32	/* secrets shorter than a window, kept whole */
#define SHORT_MIN	6	/* and at least this long */

static uint64_t	*set;		/* windows; 0 is a free slot */
static size_t	 setcap, setlen;
static char	*shorts[SHORT_MAX];
static size_t	 nshorts;

static size_t
slot(uint64_t w, size_t cap)
{
	return (size_t)((w * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static int
set_has(uint64_t w)
{
	size_t	 i;

	if (setcap == 0)
		return 0;
	for (i = slot(w, setcap); set[i] != 0; i = (i + 1) & (setcap - 1))
		if (set[i] == w)
			return 1;
	return 0;
}

static void
set_put(uint64_t w)
{
	uint64_t	*old = set;
	size_t		 oldcap = setcap, i;

	if (set_has(w))
		return;
	if ((setlen + 1) * 2 > setcap) {
		setcap = setcap ? setcap * 2 : 64;
		set = xcalloc(setcap, sizeof(*set));
		setlen = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i] != 0)
				set_put(old[i]);
		free(old);
	}
	for (i = slot(w, setcap); set[i] != 0; i = (i + 1) & (setcap - 1))
		;
	set[i] = w;
	setlen++;
}

static uint64_t
window(const char *s)
{
	uint64_t	 w;

	memcpy(&w, s, sizeof(w));
	return w;
}

/*
 * Where a secret is a URL (a Discord or Slack webhook), its scheme and
 * host are no secret and stand in many harmless lines: the rest is.
 */
static const char *
secret_part(const char *s)
{
	const char	*p;

	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return s;
	p = strchr(s, ':') + 3;
	p += strcspn(p, "/?#");
	return *p != '\0' ? p : s;
}

/* Hide s, and every run of SECRET_RUN of its bytes, from now on. */
void
secret_register(const char *s)
{
	size_t	 n, i;

	if (s == NULL)
		return;
	s = secret_part(s);
	if ((n = strlen(s)) >= SECRET_RUN) {
		for (i = 0; i + SECRET_RUN <= n; i++)
			set_put(window(s + i));
		return;
	}
	if (n < SHORT_MIN)	/* too short to tell from any text */
		return;
	for (i = 0; i < nshorts; i++)
		if (strcmp(shorts[i], s) == 0)
			return;
	if (nshorts < SHORT_MAX)
		shorts[nshorts++] = xstrdup(s);
}

/* Whether any secret is registered: the scan is skipped when none is. */
int
secret_any(void)
{
	return setlen > 0 || nshorts > 0;
}

static void
mark_shorts(const char *s, size_t n, unsigned char *mask)
{
	const char	*at, *from;
	size_t		 i, len;

	for (i = 0; i < nshorts; i++) {
		len = strlen(shorts[i]);
		for (from = s; (at = memmem(from, n - (size_t)(from - s),
		    shorts[i], len)) != NULL; from = at + 1)
			memset(mask + (at - s), 1, len);
	}
}

/*
 * The n bytes at s, with each run of a secret replaced by "REDACTED",
 * appended to out.  Returns how many runs were hidden.
 */
size_t
secret_hide(const char *s, size_t n, struct buf *out)
{
	unsigned char	*mask;
	size_t		 i, j, runs = 0;

	if (!secret_any() || n < 4) {
		buf_add(out, s, n);
		return 0;
	}
	mask = xcalloc(n, 1);
	for (i = 0; setlen > 0 && i + SECRET_RUN <= n; i++)
		if (set_has(window(s + i)))
			memset(mask + i, 1, SECRET_RUN);
	mark_shorts(s, n, mask);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && mask[j] == mask[i]; j++)
			;
		if (mask[i]) {
			buf_puts(out, "REDACTED");
			runs++;
		} else
			buf_add(out, s + i, j - i);
	}
	free(mask);
	return runs;
}

/* s with its secrets hidden, as a new string (caller frees). */
char *
secret_hidden(const char *s)
{
	struct buf	 b = { 0 };

	buf_add(&b, "", 0);
	secret_hide(s, strlen(s), &b);
	return b.data;
}

/*
 * s as it may be shown: s itself when no secret is registered (no copy
 * on the common path), else a copy with its secrets hidden, left in
 * *copy for the caller to free (NULL otherwise).
 */
const char *
secret_shown(const char *s, char **copy)
{
	*copy = secret_any() ? secret_hidden(s) : NULL;
	return *copy != NULL ? *copy : s;
}

/* Forget every secret (at exit, for leak checkers). */
void
secret_forget(void)
{
	size_t	 i;

	if (set != NULL)
		explicit_bzero(set, setcap * sizeof(*set));
	free(set);
	set = NULL;
	setcap = setlen = 0;
	for (i = 0; i < nshorts; i++) {
		explicit_bzero(shorts[i], strlen(shorts[i]));
		free(shorts[i]);
	}
	nshorts = 0;
}

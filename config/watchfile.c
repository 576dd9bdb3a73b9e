/*
 * Universes: `watch file "PATH" { rules }' watches every symbol a file
 * lists, in any of the shapes people export them in:
 *
 *   one a line, with # comments		CALX
 *						QCOM   # handsets
 *   a TradingView watchlist export		###Tech,NASDAQ:AAPL,NYSE:CALX
 *   a CSV with a Symbol column (Yahoo's	Symbol,Current Price,...
 *   portfolio export)				CALX,45.12,...
 *
 * TradingView's EXCHANGE: prefix is dropped (the exchange is found as
 * for any symbol), its ###section names skipped.  What the file was when
 * it was read (its size and time) is kept, so that the daemon can read
 * it again when it changes (tickerd.c) and say what came and went.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/lib.h"
#include "config/conf.h"

#define WATCHFILE_MAX	(4 * 1024 * 1024)	/* bytes read, at most */

/* One field: trimmed of blanks and quotes, TradingView's prefix gone. */
static void
take(struct strlist *out, struct strmap *seen, char *f)
{
	char	*e, *colon;

	f += strspn(f, " \t\"'");
	e = f + strlen(f);
	while (e > f && strchr(" \t\r\"'", e[-1]) != NULL)
		*--e = '\0';
	if (*f == '\0' || f[0] == '#')
		return;			/* empty, or a ###section */
	if ((colon = strchr(f, ':')) != NULL && colon[1] != '\0')
		f = colon + 1;		/* NASDAQ:AAPL */
	for (e = f; *e != '\0'; e++)
		*e = (char)toupper((unsigned char)*e);
	if (strmap_get(seen, f) != NULL)
		return;
	strmap_put(seen, f, f);
	strlist_add(out, f);
}

/* The column named Symbol (or Ticker) of a CSV header; -1: none. */
static int
symbol_column(char *header)
{
	char	*f, *save = NULL;
	int	 i = 0;

	for (f = strtok_r(header, ",", &save); f != NULL;
	    f = strtok_r(NULL, ",", &save), i++) {
		f += strspn(f, " \t\"");
		if (strncasecmp(f, "symbol", 6) == 0 ||
		    strncasecmp(f, "ticker", 6) == 0)
			return i;
	}
	return -1;
}

/* The col-th field of a CSV line (no quoted commas in these exports). */
static char *
field(char *line, int col)
{
	char	*f = line, *c;

	while (col-- > 0 && f != NULL)
		f = (c = strchr(f, ',')) != NULL ? c + 1 : NULL;
	if (f != NULL && (c = strchr(f, ',')) != NULL)
		*c = '\0';
	return f;
}

/*
 * The symbols of the file at path into out, in order, each once; its
 * size and time into *st.  -1 with why in err when it cannot be read.
 */
int
watchfile_read(const char *path, struct strlist *out, struct stat *st,
    char *err, size_t errlen)
{
	FILE		*fp;
	char		*buf, *line, *next, *hash, *f, *save, *copy;
	size_t		 n;
	int		 col = -1, first = 1;
	struct strmap	*seen;

	if ((fp = fopen(path, "r")) == NULL || fstat(fileno(fp), st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	buf = xmalloc(WATCHFILE_MAX + 1);
	n = fread(buf, 1, WATCHFILE_MAX, fp);
	fclose(fp);
	buf[n] = '\0';
	seen = strmap_new();
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (first && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			line += 3;		/* a BOM */
		if (first && strchr(line, ',') != NULL) {
			copy = xstrdup(line);
			col = symbol_column(copy);
			free(copy);
			if (col >= 0) {
				first = 0;
				continue;	/* a CSV's header */
			}
		}
		first = 0;
		if (col >= 0) {
			if ((f = field(line, col)) != NULL)
				take(out, seen, f);
			continue;
		}
		if ((hash = strstr(line, " #")) != NULL ||
		    (hash = strstr(line, "\t#")) != NULL)
			*hash = '\0';		/* a comment */
		if (line[strspn(line, " \t")] == '#' &&
		    strchr(line, ',') == NULL)
			continue;		/* a comment line */
		for (f = strtok_r(line, ",", &save); f != NULL;
		    f = strtok_r(NULL, ",", &save))
			take(out, seen, f);
	}
	strmap_free(seen);
	free(buf);
	return 0;
}

/*
 * Whether a watch file is no longer what it was when read; with take,
 * what it is now is taken as seen (a reload that fails is not tried
 * again until it changes once more).
 */
int
watchfile_changed(struct watchfile *f, int take)
{
	struct stat	 st;
	int		 changed;

	if (stat(f->path, &st) == -1)
		return 0;	/* gone: kept as it was, said by a reload */
	changed = st.st_mtime != f->mtime || st.st_size != f->size;
	if (changed && take) {
		f->mtime = st.st_mtime;
		f->size = st.st_size;
	}
	return changed;
}

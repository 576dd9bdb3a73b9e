/*
 * The syntax of configuration values: durations, prices, percentages and
 * symbols; and secret files, which only their owner may read.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "config/conf.h"

/*
 * A duration is a whole number followed by one unit: s, m, h or d.
 * Returns 0 and the number of seconds, or -1.
 */
int
parse_duration(const char *s, time_t *out)
{
	unsigned long long	 n = 0, mult;
	const char		*p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (unsigned long long)(*p - '0');
		if (n > 100000000ULL)
			return -1;
		p++;
	}
	switch (*p) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: return -1;
	}
	if (p[1] != '\0')
		return -1;
	*out = (time_t)(n * mult);
	return 0;
}

/* A plain decimal: digits, at most one point, no sign, no exponent. */
static int
parse_decimal(const char *s, size_t len, double *out)
{
	char	 tmp[64];
	size_t	 i, digits = 0, points = 0;
	char	*end;
	double	 v;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (s[i] == '.')
			points++;
		else
			return -1;
	}
	if (digits == 0 || points > 1)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* A price: a decimal greater than zero. */
int
parse_price(const char *s, double *out)
{
	double	 v;

	if (parse_decimal(s, strlen(s), &v) == -1 || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* A percentage: a decimal followed by '%'; returns the number (5 for 5%). */
int
parse_percent(const char *s, double *out)
{
	size_t	 len = strlen(s);

	if (len < 2 || s[len - 1] != '%')
		return -1;
	return parse_decimal(s, len - 1, out);
}

/*
 * The whole of a secret file into buf (NUL-terminated), checked: a
 * regular file that others may neither read nor write.  On error, a
 * message that names the file but never its contents, and -1.
 */
static int
secret_file(const char *path, char *buf, size_t size, char *err,
    size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errlen, "%s: secret file is accessible by others "
		    "(mode %04o); run chmod o-rw on it", path,
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

/* The next line of *p, cut at its line ending; "" at the end. */
static char *
secret_line(char **p)
{
	char	*line = *p;
	size_t	 len = strcspn(line, "\r\n");

	*p = line + len;
	if (**p != '\0') {
		**p = '\0';
		(*p)++;
		*p += strspn(*p, "\r\n");
	}
	return line;
}

/* A secret to keep: copied, and hidden from every log line and answer. */
static char *
secret_keep(const char *s)
{
	secret_register(s);
	return xstrdup(s);
}

/*
 * Read a secret (password, API key) from a file.  The file must not be
 * readable or writable by others.  The secret is the first line, without
 * its line ending.  On error, writes a message that names the file but
 * never its contents, and returns -1.
 */
int
values_secret_read(const char *path, char **out, char *err, size_t errlen)
{
	char	 buf[4096], *p = buf, *line;
	int	 rc = -1;

	if (secret_file(path, buf, sizeof(buf), err, errlen) == -1)
		return -1;
	line = secret_line(&p);
	if (*line == '\0')
		snprintf(err, errlen, "%s: empty secret file", path);
	else {
		*out = secret_keep(line);
		rc = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/*
 * A key id and its secret from a file: two lines, or one line ID:SECRET
 * (Alpaca's key pair).  Both are secrets.  As values_secret_read().
 */
int
values_secret_pair(const char *path, char **id, char **secret, char *err,
    size_t errlen)
{
	char	 buf[4096], *p = buf, *first, *second, *colon;
	int	 rc = -1;

	if (secret_file(path, buf, sizeof(buf), err, errlen) == -1)
		return -1;
	first = secret_line(&p);
	second = secret_line(&p);
	if (*second == '\0' && (colon = strchr(first, ':')) != NULL) {
		*colon = '\0';
		second = colon + 1;
	}
	if (*first == '\0' || *second == '\0')
		snprintf(err, errlen, "%s: wants a key id and a secret, on two "
		    "lines or as ID:SECRET", path);
	else {
		*id = secret_keep(first);
		*secret = secret_keep(second);
		rc = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/* Forget a secret: overwritten, then freed.  NULL is fine. */
void
values_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

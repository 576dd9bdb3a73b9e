/*
 * Support for the unit tests: error capture, temporary files, test data.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "unit.h"

char	 unit_errors[16384];

void
unit_errfn(const char *file, int line, const char *msg)
{
	size_t	 l = strlen(unit_errors);

	snprintf(unit_errors + l, sizeof(unit_errors) - l, "%s:%d: %s\n",
	    file, line, msg);
}

void
unit_reset_errors(void)
{
	unit_errors[0] = '\0';
}

const char *
unit_tmpdir(void)
{
	static char	 dir[256];

	if (dir[0] == '\0') {
		const char *t = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/tickerd-unit.XXXXXX",
		    t ? t : "/tmp");
		if (mkdtemp(dir) == NULL) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return dir;
}

char *
unit_write(const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/%s", unit_tmpdir(), name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

char *
unit_data(const char *name, size_t *len)
{
	const char	*top = getenv("top_srcdir");
	char		*path, *data;
	FILE		*f;
	long		 n;

	xasprintf(&path, "%s/tests/data/%s", top ? top : ".", name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = xmalloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: short read\n", path);
		exit(1);
	}
	data[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return data;
}

int
unit_run(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

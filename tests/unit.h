/* Shared helpers of the unit tests (tests/unit_support.c). */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stddef.h>

/* Errors reported by config_load, one "FILE:LINE: msg" per line. */
extern char	 unit_errors[16384];
void		 unit_errfn(const char *, int, const char *);
void		 unit_reset_errors(void);

/* A fresh temporary folder, and a file written into it. */
const char	*unit_tmpdir(void);
char		*unit_write(const char *name, const char *text);
/* A file of tests/data, read whole; *len gets its length. */
char		*unit_data(const char *name, size_t *len);
int		 unit_run(Suite *);

#endif

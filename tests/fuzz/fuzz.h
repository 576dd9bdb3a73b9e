/* What the fuzz harnesses share: files in a folder of their own. */
#ifndef TICKERD_FUZZ_H
#define TICKERD_FUZZ_H

#include <sys/stat.h>

#include <dirent.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A folder of this process's, made once. */
static const char *
fuzz_dir(void)
{
	static char	 dir[64];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/tickerd-fuzz.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	return dir;
}

/* Write dir/name (in its subfolder, made if need be). */
static void
fuzz_put(const char *dir, const char *name, const uint8_t *data,
    size_t size)
{
	char	 path[256], *slash;
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((slash = strrchr(path, '/')) != NULL && slash > path +
	    strlen(dir)) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

/* The input as a file of that name in the folder; its path. */
static const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char	 path[256];

	fuzz_put(fuzz_dir(), name, data, size);
	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	return path;
}

/* Remove what was moved aside (name.corrupt-TIME) from a folder. */
static void
fuzz_clean(const char *dir)
{
	struct dirent	*de;
	char		 path[512];
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".corrupt-") != NULL) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	closedir(d);
}

#ifdef TICKERD_STORE_H
/* The state directory of a harness, opened on one watch of CALX. */
static void
fuzz_store_queued(struct outmsg *m)
{
	outmsg_free(m);
}

static int
fuzz_store_open(void)
{
	static struct config	*conf;
	char			 err[512];

	if (conf == NULL) {
		conf = config_load(fuzz_file("calx.conf", (const uint8_t *)
		    "watch CALX { above 1 }\n", 23), NULL);
		if (conf == NULL)
			abort();
	}
	symstate_sync(conf);
	return store_open(conf, fuzz_dir(), fuzz_store_queued, err,
	    sizeof(err));
}
#endif

#endif

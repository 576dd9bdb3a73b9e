/*
 * Who the mail tickerd sends is from, and its Message-IDs: what asks the
 * host's name and the system's randomness, kept out of the pure mail
 * composition in alerts/mailmsg.c.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

/* "tickerd <tickerd@HOSTNAME>" (caller frees). */
char *
mail_default_from(void)
{
	char	 host[256], *from;

	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		tk_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	xasprintf(&from, "tickerd <tickerd@%s>", host);
	return from;
}

/* The envelope address of a notifier's `from' (NULL: the default). */
char *
mail_envelope(const char *from)
{
	char	*f = from ? xstrdup(from) : mail_default_from();
	char	*a = mail_addr(f);

	free(f);
	return a;
}

/* A unique Message-ID: time, pid, a counter and random bits. */
static void
msgid_host(char *host, size_t len)
{
	if (gethostname(host, len) == -1 || host[0] == '\0')
		tk_strlcpy(host, "localhost", len);
	host[len - 1] = '\0';
	/* a Message-ID's right side is a dot-atom */
	for (; *host != '\0'; host++)
		if (!isalnum((unsigned char)*host) && *host != '.' &&
		    *host != '-')
			*host = '-';
}

void
mail_msgid(char *out, size_t len)
{
	static unsigned	 counter;
	char		 host[256];
	unsigned	 r = 0;
	FILE		*f;

	msgid_host(host, sizeof(host));
	if ((f = fopen("/dev/urandom", "re")) != NULL) {
		if (fread(&r, sizeof(r), 1, f) != 1)
			r = 0;
		fclose(f);
	}
	snprintf(out, len, "<%lld.%ld.%u.%08x@%s>", (long long)clock_now(),
	    (long)getpid(), ++counter, r, host);
}

/*
 * A Message-ID that depends only on seed (an outbox id): the same digest
 * composed again after a crash gets the same one.
 */
void
mail_msgid_from(char *out, size_t len, const char *seed)
{
	char	 host[256], left[200];
	size_t	 i;

	msgid_host(host, sizeof(host));
	for (i = 0; seed[i] != '\0' && i < sizeof(left) - 1; i++)
		left[i] = isalnum((unsigned char)seed[i]) || seed[i] == '.' ||
		    seed[i] == '-' ? seed[i] : '-';
	left[i] = '\0';
	snprintf(out, len, "<digest.%s@%s>", left, host);
}

/*
 * The dashboard's one way to put a text into its pages: every text from
 * outside or from the configuration goes through it (dashpage.c,
 * dashchart.c).
 */
#include "config.h"

#include <event2/buffer.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

/* s into b, as HTML text or an attribute's value. */
void
dashhtml_esc(struct evbuffer *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&': evbuffer_add(b, "&amp;", 5); break;
		case '<': evbuffer_add(b, "&lt;", 4); break;
		case '>': evbuffer_add(b, "&gt;", 4); break;
		case '"': evbuffer_add(b, "&quot;", 6); break;
		case '\'': evbuffer_add(b, "&#39;", 5); break;
		default: evbuffer_add(b, s, 1); break;
		}
}

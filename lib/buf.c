/*
 * A growable byte buffer, always NUL-terminated past its length.
 */
#include "config.h"

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xreallocarray(b->data, cap, 1);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1)
		fatal("buf_printf");
	buf_add(b, s, (size_t)n);
	free(s);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/*
 * Whether needle occurs in the last max bytes of the file open on fd
 * (used to make appends idempotent: an mbox, the history).
 */
int
buf_tail_contains(int fd, const char *needle, size_t max)
{
	off_t	 size, from;
	ssize_t	 n;
	char	*tail;
	int	 found;

	if ((size = lseek(fd, 0, SEEK_END)) <= 0)
		return 0;
	from = (size_t)size > max ? size - (off_t)max : 0;
	tail = xmalloc((size_t)(size - from) + 1);
	if ((n = pread(fd, tail, (size_t)(size - from), from)) < 0)
		n = 0;
	tail[n] = '\0';
	found = strstr(tail, needle) != NULL;
	free(tail);
	return found;
}

/* The n bytes at p in base64 (RFC 4648), padded. */
void
buf_base64(struct buf *b, const void *data, size_t n)
{
	static const char	 chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = data;
	unsigned		 v;
	char			 o[4];

	while (n > 0) {
		v = (unsigned)p[0] << 16;
		if (n > 1)
			v |= (unsigned)p[1] << 8;
		if (n > 2)
			v |= p[2];
		o[0] = chars[(v >> 18) & 63];
		o[1] = chars[(v >> 12) & 63];
		o[2] = n > 1 ? chars[(v >> 6) & 63] : '=';
		o[3] = n > 2 ? chars[v & 63] : '=';
		buf_add(b, o, 4);
		p += n > 3 ? 3 : n;
		n -= n > 3 ? 3 : n;
	}
}

/*
 * Append the bytes of the base64 text s (RFC 4648, padded or not; no
 * white space).  Returns -1, with b as it was, when s is not base64.
 */
int
buf_unbase64(struct buf *b, const char *s, size_t n)
{
	size_t		 len = b->len, i, pad = 0;
	unsigned	 v = 0, k = 0;
	unsigned char	 o;
	int		 d;

	while (n > 0 && s[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if ((n + pad) % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
		return -1;
	for (i = 0; i < n; i++) {
		d = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' :
		    s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 26 :
		    s[i] >= '0' && s[i] <= '9' ? s[i] - '0' + 52 :
		    s[i] == '+' ? 62 : s[i] == '/' ? 63 : -1;
		if (d < 0) {
			b->len = len;
			return -1;
		}
		v = v << 6 | (unsigned)d;
		if (++k == 4) {
			o = (unsigned char)(v >> 16);
			buf_add(b, &o, 1);
			o = (unsigned char)(v >> 8);
			buf_add(b, &o, 1);
			o = (unsigned char)v;
			buf_add(b, &o, 1);
			v = k = 0;
		}
	}
	if (k == 3) {
		o = (unsigned char)(v >> 10);
		buf_add(b, &o, 1);
		o = (unsigned char)(v >> 2);
		buf_add(b, &o, 1);
	} else if (k == 2) {
		o = (unsigned char)(v >> 4);
		buf_add(b, &o, 1);
	}
	return 0;
}

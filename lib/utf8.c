/*
 * UTF-8, checked where text enters: a configuration string, a provider's
 * message, a control request.  Jansson refuses to hold invalid UTF-8, so
 * a stray byte that got in could otherwise stop the daemon at the first
 * JSON it is put in.  And text cut to a buffer's size is cut between
 * characters, never inside one.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "lib/lib.h"

/* The length of the character at s (of at most n bytes); 0: invalid. */
static size_t
char_len(const unsigned char *s, size_t n)
{
	size_t		 len, i;
	unsigned	 c = s[0], min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else
		return 0;
	if (len > n)
		return 0;
	c &= 0x3f >> (len - 1);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/* Whether the n bytes at s are valid UTF-8 (NUL bytes are not). */
int
utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, l;
	uint64_t		 w;

	while (i < n) {
		/* eight ASCII bytes, none of them NUL, at a time */
		if (n - i >= 8) {
			memcpy(&w, p + i, 8);
			if (((w | ~((w | 0x8080808080808080ULL) -
			    0x0101010101010101ULL)) & 0x8080808080808080ULL)
			    == 0) {
				i += 8;
				continue;
			}
		}
		if (p[i] == '\0' || (l = char_len(p + i, n - i)) == 0)
			return 0;
		i += l;
	}
	return 1;
}

/* Make s valid UTF-8 in place: each byte that is not becomes '?'. */
void
utf8_clean(char *s)
{
	utf8_clean_n(s, strlen(s));
}

/* The same for n bytes, a NUL among them becoming '?' too. */
void
utf8_clean_n(char *s, size_t n)
{
	unsigned char	*p = (unsigned char *)s;
	size_t		 i = 0, l;

	while (i < n) {
		if (p[i] == '\0' || (l = char_len(p + i, n - i)) == 0) {
			p[i++] = '?';
			continue;
		}
		i += l;
	}
}

/*
 * The one way in for text from outside (a provider's field or error, a
 * service's answer, a stream's message, a file of the state directory):
 * the n bytes at src, their secrets hidden first (lib/secret.c), then
 * made valid UTF-8 (each byte that is not becomes '?', and each control
 * character a space, so that nothing from outside starts a log line or
 * a header), and cut between characters to fit dst of size len (len > 0).
 * Returns dst.
 */
char *
text_take(char *dst, size_t len, const char *src, size_t n)
{
	struct buf		 hidden = { 0 };
	const unsigned char	*p;
	size_t			 i = 0, o = 0, l;

	if (secret_any()) {
		buf_add(&hidden, "", 0);
		secret_hide(src, n, &hidden);
		src = hidden.data;
		n = hidden.len;
	}
	p = (const unsigned char *)src;
	while (i < n && o < len - 1) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			dst[o++] = p[i] == '\0' ? '?' : ' ';
			i++;
			continue;
		}
		if ((l = char_len(p + i, n - i)) == 0) {
			dst[o++] = '?';
			i++;
			continue;
		}
		if (o + l > len - 1)
			break;
		memcpy(dst + o, src + i, l);
		o += l;
		i += l;
	}
	dst[o] = '\0';
	buf_free(&hidden);
	return dst;
}

/* text_take() of a formatted text: an error that quotes outside words. */
char *
text_vprintf(char *dst, size_t len, const char *fmt, va_list ap)
{
	char	*s;
	int	 n;

	if ((n = vasprintf(&s, fmt, ap)) == -1) {
		dst[0] = '\0';
		return dst;
	}
	text_take(dst, len, s, (size_t)n);
	free(s);
	return dst;
}

char *
text_printf(char *dst, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	text_vprintf(dst, len, fmt, ap);
	va_end(ap);
	return dst;
}

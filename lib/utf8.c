/*
 * UTF-8, checked where text enters: a configuration string, a provider's
 * message, a control request.  Jansson refuses to hold invalid UTF-8, so
 * a stray byte that got in could otherwise stop the daemon at the first
 * JSON it is put in.  And text cut to a buffer's size is cut between
 * characters, never inside one.
 */
#include "config.h"

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

	while (i < n) {
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
	unsigned char	*p = (unsigned char *)s;
	size_t		 n = strlen(s), i = 0, l;

	while (i < n) {
		if ((l = char_len(p + i, n - i)) == 0) {
			p[i++] = '?';
			continue;
		}
		i += l;
	}
}

/*
 * Copy src into dst of size len (len > 0), cut between characters, and
 * valid UTF-8 whatever src was.  Returns dst.
 */
char *
utf8_copy(char *dst, const char *src, size_t len)
{
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 i = 0, l, n = strlen(src);

	while (i < n && i < len - 1) {
		if ((l = char_len(p + i, n - i)) == 0) {
			dst[i] = '?';
			i++;
			continue;
		}
		if (i + l > len - 1)
			break;
		memcpy(dst + i, src + i, l);
		i += l;
	}
	dst[i] = '\0';
	return dst;
}

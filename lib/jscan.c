/*
 * A selective pass over JSON text: the whole text is checked against the
 * grammar (RFC 8259) as it is walked, but only the members asked for are
 * decoded, by Jansson, each from its own slice.  A provider's answer of a
 * hundred quotes of eighty fields each is mostly fields nobody reads;
 * building all of them as a DOM costs ten times what this does.
 *
 * Anything unusual (a text that is not valid UTF-8, nesting deeper than
 * Jansson's own limit, a key written with escapes) makes the pass fail
 * rather than guess: the caller then reads the text with json_loadb(),
 * whose errors say what is wrong.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"

#define DEPTH_MAX	2048	/* as Jansson's parser */

static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

static int
hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* A string at p ('"'): the byte after it, or NULL; *esc: it has escapes. */
static const char *
string(const char *p, const char *end, int *esc)
{
	int	 i;

	*esc = 0;
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p != '\\')
			continue;
		*esc = 1;
		if (++p == end)
			return NULL;
		if (*p == 'u') {
			for (i = 0; i < 4; i++)
				if (++p == end || !hex(*p))
					return NULL;
		} else if (strchr("\"\\/bfnrt", *p) == NULL || *p == '\0')
			return NULL;
	}
	return NULL;
}

static const char *
digits(const char *p, const char *end)
{
	const char	*q = p;

	while (q < end && *q >= '0' && *q <= '9')
		q++;
	return q > p ? q : NULL;
}

static const char *
number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if ((p = digits(p, end)) == NULL)
		return NULL;
	if (p < end && *p == '.' && (p = digits(p + 1, end)) == NULL)
		return NULL;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if ((p = digits(p, end)) == NULL)
			return NULL;
	}
	return p;
}

static const char *
word(const char *p, const char *end, const char *w)
{
	size_t	 n = strlen(w);

	return (size_t)(end - p) >= n && memcmp(p, w, n) == 0 ? p + n : NULL;
}

/* The value at p (no space before it): the byte after it, or NULL. */
static const char *
value(const char *p, const char *end, int depth)
{
	int	 esc;
	char	 close;

	if (p >= end)
		return NULL;
	switch (*p) {
	case '"':
		return string(p, end, &esc);
	case 't':
		return word(p, end, "true");
	case 'f':
		return word(p, end, "false");
	case 'n':
		return word(p, end, "null");
	case '{':
	case '[':
		break;
	default:
		return number(p, end);
	}
	if (depth >= DEPTH_MAX)
		return NULL;
	close = *p == '{' ? '}' : ']';
	if ((p = ws(p + 1, end)) < end && *p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			if (p >= end || *p != '"' ||
			    (p = string(p, end, &esc)) == NULL ||
			    (p = ws(p, end)) >= end || *p != ':')
				return NULL;
			p = ws(p + 1, end);
		}
		if ((p = value(p, end, depth + 1)) == NULL ||
		    (p = ws(p, end)) >= end)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = ws(p + 1, end);
	}
}

/*
 * The end of the value at p, in text already checked: strings skipped
 * with memchr(), brackets counted.  Much faster than value().
 */
static const char *
skip(const char *p, const char *end)
{
	const char	*q;
	int		 depth = 0;

	do {
		switch (*p) {
		case '"':
			for (q = p + 1;; q++) {
				q = memchr(q, '"', (size_t)(end - q));
				if (q == NULL)
					return end;
				for (p = q; p[-1] == '\\'; p--)
					;
				if ((q - p) % 2 == 0)	/* not escaped */
					break;
			}
			p = q + 1;
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			depth--;
			p++;
			break;
		default:
			if (depth == 0) {	/* a number or a word */
				while (p < end && *p != ',' && *p != '}' &&
				    *p != ']' && *p != ' ' && *p != '\n' &&
				    *p != '\t' && *p != '\r')
					p++;
				return p;
			}
			p++;
		}
	} while (depth > 0 && p < end);
	return p;
}

/*
 * Start a pass over the object or array that is the whole of text (len
 * bytes): checks all of it.  Returns 0, or -1 when it is not valid JSON
 * of that kind ('{' or '[').
 */
int
jscan_open(struct jscan *it, const char *text, size_t len, int kind)
{
	const char	*end = text + len, *p = ws(text, end), *q;

	if (!utf8_valid(text, len) || p >= end || *p != kind ||
	    (q = value(p, end, 0)) == NULL || ws(q, end) != end)
		return -1;
	it->p = ws(p + 1, end);
	it->end = q - 1;	/* its closing bracket */
	it->kind = kind;
	return 0;
}

/*
 * The next member of an object (key, its value's slice) or element of an
 * array (key NULL): 1, or 0 at the end.  The text was checked whole by
 * jscan_open(), so what is walked here is known to be well formed; -1
 * only for a key written with escapes, which this pass does not decode.
 */
int
jscan_next(struct jscan *it, struct jspan *key, struct jspan *val)
{
	const char	*p = it->p, *q;

	if (p >= it->end)
		return 0;
	if (it->kind == '{') {
		q = skip(p, it->end);
		key->p = p + 1;
		key->len = (size_t)(q - p - 2);
		if (memchr(key->p, '\\', key->len) != NULL)
			return -1;
		p = ws(ws(q, it->end) + 1, it->end);
	}
	q = skip(p, it->end);
	val->p = p;
	val->len = (size_t)(q - p);
	q = ws(q, it->end);
	it->p = q < it->end ? ws(q + 1, it->end) : q;	/* past the comma */
	return 1;
}

/* A pass over the object or array of a value's slice (from
 * jscan_next(), so checked already); -1 when it is neither. */
int
jscan_enter(struct jscan *it, const struct jspan *val)
{
	if (val->len < 2 || (val->p[0] != '{' && val->p[0] != '['))
		return -1;
	it->kind = val->p[0];
	it->end = val->p + val->len - 1;
	it->p = ws(val->p + 1, it->end);
	return 0;
}

/* Whether a key's slice is that key. */
int
jscan_is(const struct jspan *key, const char *name)
{
	return key->len == strlen(name) && memcmp(key->p, name, key->len) == 0;
}

/*
 * A value's slice, decoded as Jansson would; NULL when Jansson refuses
 * it.  Numbers, words and strings without escapes are made here, the
 * rest by json_loadb().
 */
json_t *
jscan_decode(const struct jspan *val)
{
	char		 num[64], *e;
	const char	*p = val->p;
	long long	 i;
	double		 d;

	switch (*p) {
	case 't':
		return json_true();
	case 'f':
		return json_false();
	case 'n':
		return json_null();
	case '"':
		if (memchr(p, '\\', val->len) == NULL)
			return json_stringn(p + 1, val->len - 2);
		break;
	case '{':
	case '[':
		break;
	default:
		if (val->len >= sizeof(num))
			break;
		memcpy(num, p, val->len);
		num[val->len] = '\0';
		errno = 0;
		if (strpbrk(num, ".eE") == NULL) {
			i = strtoll(num, &e, 10);
			if (errno == 0 && *e == '\0')
				return json_integer(i);
		} else {
			d = strtod(num, &e);
			if (errno == 0 && *e == '\0' && isfinite(d))
				return json_real(d);
		}
		break;		/* too big: Jansson says so */
	}
	return json_loadb(p, val->len, JSON_DECODE_ANY, NULL);
}

/*
 * Of the object in the slice (a value jscan_next() gave, so checked
 * already), a new object of only the members named in keys (a
 * NULL-terminated list), decoded; a later duplicate replaces an earlier
 * one, as Jansson does.  NULL when the slice is not an object, or a
 * member asked for cannot be decoded.
 */
json_t *
jscan_pick(const struct jspan *obj, const char *const *keys)
{
	struct jscan	 it;
	struct jspan	 k, v;
	json_t		*o, *x;
	size_t		 i;
	int		 r;

	if (obj->p[0] != '{' || jscan_enter(&it, obj) == -1)
		return NULL;
	o = json_object();
	while ((r = jscan_next(&it, &k, &v)) == 1) {
		for (i = 0; keys[i] != NULL && (keys[i][0] != k.p[0] ||
		    !jscan_is(&k, keys[i])); i++)
			;
		if (keys[i] == NULL)
			continue;
		if ((x = jscan_decode(&v)) == NULL)
			break;
		json_object_set_new_nocheck(o, keys[i], x);	/* ours */
	}
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

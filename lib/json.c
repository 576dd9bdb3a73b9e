/*
 * Small Jansson getters, the only ones tickerd uses: a member that is
 * missing or of another type reads as NaN, 0 or "", never as an error,
 * so callers check what they need and no more.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

/* A JSON number, or null for NaN (unknown values). */
json_t *
jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* A number member, NaN when missing, null or not a number. */
double
jget(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* An integer member, 0 when missing or not an integer. */
long long
jint(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* A string member, "" when missing or not a string. */
const char *
jstr(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/*
 * A JSON string of the n bytes at s, whatever they are: Jansson refuses
 * invalid UTF-8 and a NUL, so a text it would refuse is held with each
 * such byte as '?'.  Never NULL: a record is never lost to its text.
 */
json_t *
jtextn(const char *s, size_t n)
{
	json_t	*j;
	char	*copy;

	if (s == NULL)
		return json_string("");
	if (utf8_valid(s, n))
		return json_stringn(s, n);
	copy = xmalloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	utf8_clean_n(copy, n);
	j = json_stringn(copy, n);
	free(copy);
	return j;
}

json_t *
jtext(const char *s)
{
	return jtextn(s, s != NULL ? strlen(s) : 0);
}

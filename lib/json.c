/*
 * Small Jansson getters, the only ones tickerd uses: a member that is
 * missing or of another type reads as NaN, 0 or "", never as an error,
 * so callers check what they need and no more.
 */
#include "config.h"

#include <math.h>

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

/*
 * What a ticker symbol may look like.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "market/market.h"

/*
 * Ticker symbols: letters, digits and . - ^ = (BRK-B, BRK.B, ^GSPC,
 * EURUSD=X), at most SYMBOL_MAX characters, starting with a letter,
 * digit or caret.
 */
int
symbol_valid(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len > SYMBOL_MAX)
		return 0;
	if (!isalnum((unsigned char)s[0]) && s[0] != '^')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '.' && c != '-' && c != '^' && c != '=')
			return 0;
	}
	return 1;
}

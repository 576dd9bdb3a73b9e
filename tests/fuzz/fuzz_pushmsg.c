/*
 * libFuzzer, a property: any valid UTF-8 as a note, a symbol's currency
 * and a rule's text, through every phone service's composer (one alert,
 * and a digest of three), gives a request whose body is valid UTF-8,
 * whose JSON parses, and whose text is within the service's limit:
 * Telegram 4096 and Discord's content 2000 UTF-16 units, ntfy 4096
 * bytes.  Inputs that are not valid UTF-8 are made so first, as
 * text_take() does where such text enters.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"
#include "fuzz.h"

static size_t
utf16(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n += (unsigned char)*s >= 0xf0 ? 2 : 1;
	return n;
}

static void
check(enum notifier_type t, const struct buf *b)
{
	const char	*body = b->data[0] == '\n' ? b->data + 1 :
			    strstr(b->data, "\n\n");
	json_t		*j;
	const char	*text;

	if (body == NULL)
		abort();
	if (body != b->data + 1)
		body += 2;
	if (!utf8_valid(b->data, b->len))
		abort();
	if (t == NOTIFIER_NTFY) {
		if (strlen(body) > 4096)
			abort();
		return;
	}
	if (t == NOTIFIER_PUSHOVER)
		return;		/* a form */
	if ((j = json_loads(body, 0, NULL)) == NULL)
		abort();
	if (t == NOTIFIER_TELEGRAM && ((text = json_string_value(
	    json_object_get(j, "text"))) == NULL || utf16(text) > 4096))
		abort();
	if (t == NOTIFIER_DISCORD && (text = json_string_value(
	    json_object_get(j, "content"))) != NULL && utf16(text) > 2000)
		abort();
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum notifier_type types[] = { NOTIFIER_TELEGRAM,
	    NOTIFIER_DISCORD, NOTIFIER_SLACK, NOTIFIER_NTFY,
	    NOTIFIER_PUSHOVER, NOTIFIER_GOTIFY };
	struct quote	 q = { .price = 45.12, .prev_close = 43.72,
			    .high52 = 44.53, .low52 = 27.73, .volume = -1,
			    .time = 1772480400, .symbol = "CALX" };
	struct rule	 r = { .kind = RULE_ABOVE, .value = 44.53 };
	struct notifier	 n = { .chat_id = (char *)"42" };
	struct symref	 ref;
	struct alert	 a[3];
	struct buf	 b = { 0 };
	char		*s, *note, text[96];
	size_t		 i, k, cut;

	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	utf8_clean_n(s, size);
	cut = size / 3;
	note = xstrdup(s + cut);	/* valid from its first byte too */
	utf8_clean(note);
	text_take(q.currency, sizeof(q.currency), s, cut < 8 ? cut : 8);
	text_take(text, sizeof(text), s, cut);
	r.text = r.id = r.valtext = text[0] ? text : (char *)"above 44.53";
	symref_init(&ref);
	for (i = 0; i < 3; i++)
		alert_init(&a[i], "CALX", note, &r, &q, &ref, 1772480400);
	for (k = 0; k < 6; k++) {
		n.type = types[k];
		for (i = 1; i <= 3; i += 2) {
			b.len = 0;
			push_compose(&b, &n, a, i);
			check(n.type, &b);
		}
	}
	for (i = 0; i < 3; i++)
		alert_clear(&a[i]);
	buf_free(&b);
	free(note);
	free(s);
	return 0;
}

/*
 * SEC EDGAR, the filings of US issuers, free and without a key (the
 * FILINGS section of tickerd.conf(5)).  Pure: URLs out, answers in.
 *
 *   GET https://www.sec.gov/files/company_tickers.json
 *	{"0":{"cik_str":789019,"ticker":"MSFT","title":"MICROSOFT CORP"},...}
 *   GET https://data.sec.gov/submissions/CIK0000320193.json
 *	{"cik":"320193","name":"Apple Inc.","filings":{"recent":{
 *	"accessionNumber":["0000320193-26-000011",...],"form":["8-K",...],
 *	"filingDate":[...],"acceptanceDateTime":["2026-04-28T16:05:11.000Z"],
 *	"items":["2.02,9.01",...],"primaryDocument":[...]}}}, newest first
 *   GET https://www.sec.gov/Archives/edgar/data/CIK/ACCESSION/DOC.xml
 *	a Form 4's <ownershipDocument>
 *
 * acceptanceDateTime ends in "Z" but is New York's wall clock, as EDGAR
 * accepts filings by it (an earnings 8-K "accepted 16:05" is 16:05 EDT).
 * Every request names a contact in its User-Agent, or the SEC answers
 * 403; its fair-access limit (10 requests a second) answers the same 403
 * with a page of its own, which edgar_refused() knows.  The XML is read
 * by libxml2 without entity expansion or network access: a DOCTYPE's
 * entities stay unexpanded references, whose text is not read.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

/* The items of Form 8-K, by number (the SEC's Form 8-K, General
 * Instructions B). */
static const struct {
	const char	*item;
	const char	*name;
} items_8k[] = {
	{ "1.01", "Entry into a Material Definitive Agreement" },
	{ "1.02", "Termination of a Material Definitive Agreement" },
	{ "1.03", "Bankruptcy or Receivership" },
	{ "1.04", "Mine Safety - Reporting of Shutdowns and Patterns of "
	    "Violations" },
	{ "1.05", "Material Cybersecurity Incidents" },
	{ "2.01", "Completion of Acquisition or Disposition of Assets" },
	{ "2.02", "Results of Operations and Financial Condition" },
	{ "2.03", "Creation of a Direct Financial Obligation" },
	{ "2.04", "Triggering Events That Accelerate or Increase a Direct "
	    "Financial Obligation" },
	{ "2.05", "Costs Associated with Exit or Disposal Activities" },
	{ "2.06", "Material Impairments" },
	{ "3.01", "Notice of Delisting or Failure to Satisfy a Continued "
	    "Listing Rule" },
	{ "3.02", "Unregistered Sales of Equity Securities" },
	{ "3.03", "Material Modification to Rights of Security Holders" },
	{ "4.01", "Changes in Registrant's Certifying Accountant" },
	{ "4.02", "Non-Reliance on Previously Issued Financial Statements" },
	{ "5.01", "Changes in Control of Registrant" },
	{ "5.02", "Departure or Election of Directors or Officers" },
	{ "5.03", "Amendments to Articles of Incorporation or Bylaws" },
	{ "5.04", "Temporary Suspension of Trading Under Employee Benefit "
	    "Plans" },
	{ "5.05", "Amendments to the Code of Ethics" },
	{ "5.06", "Change in Shell Company Status" },
	{ "5.07", "Submission of Matters to a Vote of Security Holders" },
	{ "5.08", "Shareholder Director Nominations" },
	{ "6.01", "ABS Informational and Computational Material" },
	{ "6.02", "Change of Servicer or Trustee" },
	{ "6.03", "Change in Credit Enhancement or Other External Support" },
	{ "6.04", "Failure to Make a Required Distribution" },
	{ "6.05", "Securities Act Updating Disclosure" },
	{ "7.01", "Regulation FD Disclosure" },
	{ "8.01", "Other Events" },
	{ "9.01", "Financial Statements and Exhibits" },
};

/* The name of 8-K item "N.NN", or NULL when there is none. */
const char *
edgar_item_name(const char *item)
{
	size_t	 i;

	for (i = 0; i < sizeof(items_8k) / sizeof(items_8k[0]); i++)
		if (strcmp(items_8k[i].item, item) == 0)
			return items_8k[i].name;
	return NULL;
}

/* Whether s is an item number as the rules write it: "1.01". */
int
edgar_item_valid(const char *s)
{
	return strlen(s) == 4 && isdigit((unsigned char)s[0]) && s[1] == '.' &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]);
}

/*
 * A ticker as EDGAR spells it, from a watched symbol: upper case, a
 * class share's dot a dash ("BRK.B" -> "BRK-B").  Symbols of other
 * exchanges than the US ones ("7203.T", "VOD.L") keep their suffix, and
 * are then not found.
 */
void
edgar_ticker(const char *sym, char *out, size_t len)
{
	size_t	 i;

	for (i = 0; sym[i] != '\0' && i + 1 < len; i++)
		out[i] = sym[i] == '.' && strlen(sym + i) == 2 ? '-' :
		    (char)toupper((unsigned char)sym[i]);
	out[i] = '\0';
}

/*
 * company_tickers.json: each ticker and its CIK, to fn.  Returns how
 * many, or -1 (err says) when it is not that file.
 */
long
edgar_tickers_parse(const char *body, size_t len,
    void (*fn)(const char *, long, void *), void *arg, char *err,
    size_t errlen)
{
	json_t		*root, *e, *t, *c;
	const char	*k;
	long		 n = 0;

	if ((root = json_loadb(body, len, 0, NULL)) == NULL ||
	    !json_is_object(root)) {
		text_printf(err, errlen, "not company_tickers.json (%s)",
		    api_html(body, len) ? "an HTML page" : "not a JSON object");
		json_decref(root);
		return -1;
	}
	json_object_foreach(root, k, e) {
		t = json_object_get(e, "ticker");
		c = json_object_get(e, "cik_str");
		if (!json_is_string(t) || !json_is_integer(c) ||
		    json_integer_value(c) <= 0 ||
		    json_integer_value(c) > 9999999999LL ||
		    json_string_length(t) == 0 || json_string_length(t) > 15)
			continue;
		fn(json_string_value(t), (long)json_integer_value(c), arg);
		n++;
	}
	json_decref(root);
	if (n == 0)
		text_printf(err, errlen, "company_tickers.json names no ticker");
	return n > 0 ? n : -1;
}

/* The i-th string of the array `name' of recent, into out; "" if none. */
static void
column(json_t *recent, const char *name, size_t i, char *out, size_t len)
{
	const char	*s = json_string_value(json_array_get(
			    json_object_get(recent, name), i));

	if (s == NULL)
		s = "";
	text_take(out, len, s, strlen(s));
}

/*
 * The newest filings of a submissions answer, at most max, newest first.
 * Returns how many, or -1 (err says) when it is not one.
 */
long
edgar_submissions_parse(const char *body, size_t len, struct filing *out,
    size_t max, char *err, size_t errlen)
{
	json_t		*root, *recent, *acc;
	size_t		 i, n = 0;

	root = json_loadb(body, len, 0, NULL);
	recent = json_object_get(json_object_get(root, "filings"), "recent");
	if (!json_is_array(acc = json_object_get(recent, "accessionNumber")) ||
	    !json_is_array(json_object_get(recent, "form"))) {
		text_printf(err, errlen, "not a submissions answer (%s)",
		    root == NULL ? (api_html(body, len) ? "an HTML page" :
		    "not JSON") : "no filings.recent");
		json_decref(root);
		return -1;
	}
	for (i = 0; i < json_array_size(acc) && n < max; i++) {
		struct filing	*f = &out[n];

		memset(f, 0, sizeof(*f));
		column(recent, "accessionNumber", i, f->accession,
		    sizeof(f->accession));
		column(recent, "form", i, f->form, sizeof(f->form));
		column(recent, "filingDate", i, f->date, sizeof(f->date));
		column(recent, "acceptanceDateTime", i, f->accepted,
		    sizeof(f->accepted));
		column(recent, "items", i, f->items, sizeof(f->items));
		column(recent, "primaryDocument", i, f->doc, sizeof(f->doc));
		/* "0000320193-26-000011": digits and two dashes only */
		if (strlen(f->accession) != 20 || f->accession[10] != '-' ||
		    f->accession[13] != '-' || f->accession[strspn(f->accession,
		    "0123456789-")] != '\0' || f->form[0] == '\0')
			continue;
		n++;
	}
	json_decref(root);
	return (long)n;
}

/* The time of an acceptanceDateTime, New York's wall clock; 0: none. */
time_t
edgar_accepted_time(const char *s)
{
	struct zone	*z = exchange_zone(exchange_find("NYSE"));
	int		 y, mo, d, h, mi, sec = 0, n = 0;
	time_t		 t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) < 5 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || y < 1993 || y > 2200)
		return 0;
	if (z == NULL)
		return 0;
	t = zone_utc(z, cal_days(y, mo, d), h * 60 + mi);
	return t + sec;
}

/*
 * The raw XML of a Form 4 whose primaryDocument is its rendering:
 * "xslF345X05/wk-form4_1.xml" is "wk-form4_1.xml" rendered.
 */
static const char *
raw_doc(const char *doc)
{
	const char	*slash = strchr(doc, '/');

	if (strncmp(doc, "xsl", 3) == 0 && slash != NULL)
		return slash + 1;
	return doc;
}

/* "0000320193-26-000011" without its dashes, into out[19]. */
static void
nodash(const char *acc, char *out)
{
	size_t	 i, k = 0;

	for (i = 0; acc[i] != '\0' && k < 18; i++)
		if (acc[i] != '-')
			out[k++] = acc[i];
	out[k] = '\0';
}

/* The page of a filing, its index: what an alert links to. */
char *
edgar_index_url(const char *base, long cik, const char *acc)
{
	char	 nd[19], *url;

	nodash(acc, nd);
	xasprintf(&url, "%s/Archives/edgar/data/%ld/%s/%s-index.htm",
	    base ? base : EDGAR_WWW, cik, nd, acc);
	return url;
}

/* The XML of a Form 4 (or any ownership form) f of cik. */
char *
edgar_doc_url(const char *base, long cik, const struct filing *f)
{
	char	 nd[19], *url, *doc = fmt_urlencode(raw_doc(f->doc));
	char	*p;

	/* fmt_urlencode() encodes the slashes of a path too */
	while ((p = strstr(doc, "%2F")) != NULL) {
		*p = '/';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
	}
	nodash(f->accession, nd);
	xasprintf(&url, "%s/Archives/edgar/data/%ld/%s/%s", base ? base :
	    EDGAR_WWW, cik, nd, doc);
	free(doc);
	return url;
}

char *
edgar_submissions_url(const char *base, long cik)
{
	char	*url;

	xasprintf(&url, "%s/submissions/CIK%010ld.json", base ? base :
	    EDGAR_DATA, cik);
	return url;
}

char *
edgar_tickers_url(const char *base)
{
	char	*url;

	xasprintf(&url, "%s/files/company_tickers.json", base ? base :
	    EDGAR_WWW);
	return url;
}

/*
 * Whether an answer is the SEC refusing tickerd (its fair-access page:
 * "Request Rate Threshold Exceeded", "Undeclared Automated Tool"), and
 * why, in words that name the fix.
 */
int
edgar_refused(long status, const char *body, size_t len, char *why,
    size_t whylen)
{
	int	 rate, tool;

	if (status != 403 && status != 429)
		return 0;
	rate = memmem(body, len, "Request Rate Threshold Exceeded", 31) != NULL;
	tool = memmem(body, len, "Undeclared Automated Tool", 25) != NULL;
	if (rate || tool)
		text_printf(why, whylen, "the SEC refused the request (HTTP %ld, "
		    "\"%s\"): it limits each address to 10 requests a second "
		    "and refuses a User-Agent that names no one; tickerd stays "
		    "under the limit, so another program on this address may be "
		    "asking too, and the contact of provider edgar must be your "
		    "name and email address", status, rate ?
		    "Request Rate Threshold Exceeded" :
		    "Undeclared Automated Tool");
	else
		text_printf(why, whylen, "the SEC refused the request (HTTP "
		    "%ld)%s", status, api_html(body, len) ? ", with a page" :
		    "");
	return 1;
}

/* ---- Form 4 ---- */

/* The text of n's children (entity references not read), trimmed. */
static void
node_text(xmlNode *n, char *out, size_t len)
{
	xmlNode	*c;
	char	 raw[512];
	size_t	 k = 0, l, s;

	if (len > sizeof(raw))
		len = sizeof(raw);

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next) {
		if ((c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE) || c->content == NULL)
			continue;
		l = strlen((const char *)c->content);
		if (k + l >= len)
			l = len - k - 1;
		memcpy(raw + k, c->content, l);
		k += l;
	}
	raw[k] = '\0';
	for (s = 0; isspace((unsigned char)raw[s]); s++)
		;
	while (k > s && isspace((unsigned char)raw[k - 1]))
		k--;
	text_take(out, len, raw + s, k - s);	/* whole characters */
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	xmlNode	*c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* The text of n/a/b (b NULL: n/a), or "". */
static void
path_text(xmlNode *n, const char *a, const char *b, char *out, size_t len)
{
	n = child(n, a);
	if (b != NULL)
		n = child(n, b);
	if (n == NULL)
		*out = '\0';
	else
		node_text(n, out, len);
}

static int
flag(xmlNode *rel, const char *name)
{
	char	 v[16];

	path_text(rel, name, NULL, v, sizeof(v));
	return strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
}

/* An owner's name and what the owner is: "director", "CFO, 10% owner". */
static void
owner(xmlNode *o, struct form4 *f)
{
	xmlNode	*rel = child(o, "reportingOwnerRelationship");
	char	 name[128], title[96], role[160] = "";

	path_text(o, "reportingOwnerId", "rptOwnerName", name, sizeof(name));
	if (flag(rel, "isDirector"))
		snprintf(role, sizeof(role), "director");
	path_text(rel, "officerTitle", NULL, title, sizeof(title));
	if (flag(rel, "isOfficer") || title[0] != '\0')
		snprintf(role + strlen(role), sizeof(role) - strlen(role),
		    "%s%s", role[0] ? ", " : "", title[0] ? title : "officer");
	if (flag(rel, "isTenPercentOwner"))
		snprintf(role + strlen(role), sizeof(role) - strlen(role),
		    "%s10%% owner", role[0] ? ", " : "");
	path_text(rel, "otherText", NULL, title, sizeof(title));
	if (flag(rel, "isOther"))
		snprintf(role + strlen(role), sizeof(role) - strlen(role),
		    "%s%s", role[0] ? ", " : "", title[0] ? title : "other");
	if (name[0] == '\0')
		return;
	if (f->owner[0] == '\0') {
		text_printf(f->owner, sizeof(f->owner), "%s", name);
		text_printf(f->role, sizeof(f->role), "%s", role);
	} else {
		f->owners++;
		if (strlen(f->owner) + strlen(name) + 6 < sizeof(f->owner))
			snprintf(f->owner + strlen(f->owner), sizeof(f->owner) -
			    strlen(f->owner), " and %s", name);
	}
}

/* A number of a Form 4 value: "10000", "40.12"; NaN when none. */
static double
number(xmlNode *n, const char *a, const char *b)
{
	char	 v[64], *end;
	double	 d;

	path_text(n, a, b, v, sizeof(v));
	if (b != NULL && v[0] == '\0')	/* <x><value>..</value></x> */
		return NAN;
	d = strtod(v, &end);
	return end == v || *end != '\0' || !isfinite(d) || d < 0 ? NAN : d;
}

/* One non-derivative transaction: a purchase (P) or a sale (S) counts. */
static void
transaction(xmlNode *t, struct form4 *f)
{
	xmlNode		*amounts = child(t, "transactionAmounts");
	struct form4_side *s;
	char		 code[8], date[16];
	double		 shares, price;

	path_text(t, "transactionCoding", "transactionCode", code,
	    sizeof(code));
	if (strcmp(code, "P") == 0)
		s = &f->buy;
	else if (strcmp(code, "S") == 0)
		s = &f->sell;
	else
		return;
	shares = number(child(amounts, "transactionShares"), "value", NULL);
	price = number(child(amounts, "transactionPricePerShare"), "value",
	    NULL);
	if (!isfinite(shares) || shares <= 0)
		return;
	s->n++;
	s->shares += shares;
	if (isfinite(price))
		s->value += shares * price;
	path_text(t, "transactionDate", "value", date, sizeof(date));
	if (date[0] != '\0' && (s->date[0] == '\0' ||
	    strcmp(date, s->date) < 0))
		text_take(s->date, sizeof(s->date), date, strlen(date));
}

/*
 * A Form 4 (or 4/A, 5): its owners, and its open-market purchases and
 * sales summed.  Returns 0, or -1 (err says) when it is not one.
 */
int
edgar_form4_parse(const char *body, size_t len, struct form4 *f, char *err,
    size_t errlen)
{
	xmlDoc	*doc;
	xmlNode	*root, *n, *table;
	xmlErrorPtr e;

	memset(f, 0, sizeof(*f));
	if (len > INT32_MAX)
		len = INT32_MAX;
	doc = xmlReadMemory(body, (int)len, "form4.xml", NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlGetLastError();
		text_printf(err, errlen, "not XML%s%.120s", e && e->message ?
		    ": " : "", e && e->message ? e->message : "");
		err[strcspn(err, "\n")] = '\0';
		return -1;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name,
	    "ownershipDocument") != 0) {
		text_printf(err, errlen, "not an ownershipDocument (<%.40s>)",
		    root != NULL ? (const char *)root->name : "");
		xmlFreeDoc(doc);
		return -1;
	}
	path_text(root, "documentType", NULL, f->type, sizeof(f->type));
	path_text(root, "issuer", "issuerTradingSymbol", f->symbol,
	    sizeof(f->symbol));
	for (n = root->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "reportingOwner") == 0)
			owner(n, f);
	table = child(root, "nonDerivativeTable");
	for (n = table != NULL ? table->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name,
		    "nonDerivativeTransaction") == 0)
			transaction(n, f);
	xmlFreeDoc(doc);
	return 0;
}

/* 401200 as "401,200"; fractions of shares as "10,000.5". */
void
edgar_amount(double v, int decimals, char *out, size_t len)
{
	char	 digits[64], *dot;
	size_t	 i, k = 0, whole;

	snprintf(digits, sizeof(digits), "%.*f", decimals, v);
	if (decimals == 0 || ((dot = strchr(digits, '.')) != NULL &&
	    strspn(dot + 1, "0") == strlen(dot + 1)))
		snprintf(digits, sizeof(digits), "%.0f", v);
	dot = strchr(digits, '.');
	whole = dot != NULL ? (size_t)(dot - digits) : strlen(digits);
	for (i = 0; digits[i] != '\0' && k + 2 < len; i++) {
		if (i > 0 && i < whole && (whole - i) % 3 == 0 &&
		    digits[i - 1] != '-')
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
}

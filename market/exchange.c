/*
 * The exchanges tickerd knows, as data: each one's time zone (an IANA
 * name, read from the tz database), its regular session in local time
 * with its lunch break where it has one, the weekdays it is closed, the
 * currency of its quotes, the names providers give it and the symbol
 * suffixes that place a listing on it.  Its holidays are a rule in
 * holidays.c.  A symbol's exchange is found here from what a provider
 * answers, from its suffix, or from `exchange NAME' in its watch.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/lib.h"
#include "market/market.h"

#define SAT_SUN		((1 << 0) | (1 << 6))
#define FRI_SAT		((1 << 5) | (1 << 6))
#define HM(h, m)	((h) * 60 + (m))

/*
 * The delay is how many minutes free quote services (Yahoo's list of
 * exchanges and data providers) lag behind the exchange: a quote that
 * old is not stale there.
 *
 * The codes are those of Yahoo (exchange, e.g. "NMS", "JPX"), Twelve
 * Data (exchange and mic_code) and ISO 10383 market identifier codes;
 * matching ignores case.
 */
static const struct exchange exchanges[] = {
	{ "NYSE", "New York Stock Exchange", "America/New_York",
	  "NYSE NYQ NYS XNYS", ".US", "USD",
	  HM(9, 30), HM(16, 0), 0, 0, 0, SAT_SUN, hol_nyse },
	/* the other US markets: their own names, NYSE's calendar */
	{ "NASDAQ", "Nasdaq", "America/New_York",
	  "NASDAQ NMS NGM NCM NAS NasdaqGS NasdaqGM NasdaqCM NasdaqNM XNAS "
	  "XNGS XNMS XNCM XBOS XPHL", "", "USD",
	  HM(9, 30), HM(16, 0), 0, 0, 0, SAT_SUN, hol_nyse },
	{ "NYSEAMERICAN", "NYSE American", "America/New_York",
	  "ASE AMEX NYSEAMERICAN NYSEMKT XASE", "", "USD",
	  HM(9, 30), HM(16, 0), 0, 0, 0, SAT_SUN, hol_nyse },
	{ "NYSEARCA", "NYSE Arca", "America/New_York",
	  "PCX NYSEARCA ARCA ARCX", "", "USD",
	  HM(9, 30), HM(16, 0), 0, 0, 0, SAT_SUN, hol_nyse },
	{ "CBOE", "Cboe", "America/New_York",
	  "CBOE BTS BATS BZX CboeBZX XCBO EDGX EDGA", "", "USD",
	  HM(9, 30), HM(16, 0), 0, 0, 0, SAT_SUN, hol_nyse },
	{ "OTC", "OTC Markets", "America/New_York",
	  "OTC PNK OTCM XOTC OQB OQX OEM OTCQB OTCQX OTCBB", "", "USD",
	  HM(9, 30), HM(16, 0), 0, 0, 0, SAT_SUN, hol_nyse },
	{ "TSX", "Toronto Stock Exchange", "America/Toronto",
	  "TSX TOR XTSE TSXV VAN XTSX CNQ CSE XCNQ NEO NEOE", ".TO .V .CN .NE",
	  "CAD", HM(9, 30), HM(16, 0), 0, 0, 15, SAT_SUN, hol_tsx },
	{ "LSE", "London Stock Exchange", "Europe/London",
	  "LSE XLON IOB", ".L .IL", "GBp",
	  HM(8, 0), HM(16, 30), 0, 0, 20, SAT_SUN, hol_lse },
	{ "XETRA", "Deutsche Börse Xetra", "Europe/Berlin",
	  "XETRA XETR GER ETR DE", ".DE", "EUR",
	  HM(9, 0), HM(17, 30), 0, 0, 15, SAT_SUN, hol_xetra },
	{ "EURONEXT", "Euronext Paris, Amsterdam, Brussels, Lisbon",
	  "Europe/Paris", "EURONEXT ENX PAR XPAR AMS XAMS BRU XBRU LIS XLIS",
	  ".PA .AS .BR .LS", "EUR",
	  HM(9, 0), HM(17, 30), 0, 0, 15, SAT_SUN, hol_euronext },
	{ "SIX", "SIX Swiss Exchange", "Europe/Zurich",
	  "SIX XSWX EBS VTX XVTX", ".SW", "CHF",
	  HM(9, 0), HM(17, 30), 0, 0, 30, SAT_SUN, hol_six },
	{ "MILAN", "Borsa Italiana (Euronext Milan)", "Europe/Rome",
	  "MIL XMIL BIT", ".MI", "EUR",
	  HM(9, 0), HM(17, 30), 0, 0, 15, SAT_SUN, hol_milan },
	{ "MADRID", "Bolsa de Madrid", "Europe/Madrid",
	  "MCE XMAD BME", ".MC", "EUR",
	  HM(9, 0), HM(17, 30), 0, 0, 15, SAT_SUN, hol_madrid },
	{ "WARSAW", "Warsaw Stock Exchange", "Europe/Warsaw",
	  "WSE GPW XWAR", ".WA", "PLN",
	  HM(9, 0), HM(17, 0), 0, 0, 15, SAT_SUN, hol_warsaw },
	{ "STOCKHOLM", "Nasdaq Stockholm", "Europe/Stockholm",
	  "STO XSTO", ".ST", "SEK",
	  HM(9, 0), HM(17, 30), 0, 0, 15, SAT_SUN, hol_stockholm },
	{ "OSLO", "Oslo Børs", "Europe/Oslo",
	  "OSL XOSL", ".OL", "NOK",
	  HM(9, 0), HM(16, 20), 0, 0, 15, SAT_SUN, hol_oslo },
	{ "COPENHAGEN", "Nasdaq Copenhagen", "Europe/Copenhagen",
	  "CPH XCSE", ".CO", "DKK",
	  HM(9, 0), HM(17, 0), 0, 0, 15, SAT_SUN, hol_copenhagen },
	{ "JPX", "Tokyo Stock Exchange", "Asia/Tokyo",
	  "JPX TYO XTKS XJPX OSA XOSE", ".T", "JPY",
	  HM(9, 0), HM(15, 30), HM(11, 30), HM(12, 30), 20, SAT_SUN, hol_jpx },
	{ "HKEX", "Hong Kong Exchanges", "Asia/Hong_Kong",
	  "HKEX HKG XHKG HKSE", ".HK", "HKD",
	  HM(9, 30), HM(16, 0), HM(12, 0), HM(13, 0), 15, SAT_SUN, hol_hkex },
	{ "SGX", "Singapore Exchange", "Asia/Singapore",
	  "SGX SES XSES", ".SI", "SGD",
	  HM(9, 0), HM(17, 0), 0, 0, 20, SAT_SUN, hol_sgx },
	{ "KRX", "Korea Exchange", "Asia/Seoul",
	  "KRX KSC KOE XKRX KOSPI KOSDAQ", ".KS .KQ", "KRW",
	  HM(9, 0), HM(15, 30), 0, 0, 20, SAT_SUN, hol_krx },
	{ "ASX", "Australian Securities Exchange", "Australia/Sydney",
	  "ASX XASX", ".AX", "AUD",
	  HM(10, 0), HM(16, 0), 0, 0, 20, SAT_SUN, hol_asx },
	{ "NSE", "National Stock Exchange of India and BSE",
	  "Asia/Kolkata", "NSE NSI XNSE BSE BOM XBOM", ".NS .BO", "INR",
	  HM(9, 15), HM(15, 30), 0, 0, 15, SAT_SUN, hol_nse },
	/* sessions only: their holidays are not known (NULL) */
	{ "HELSINKI", "Nasdaq Helsinki", "Europe/Helsinki",
	  "HEL XHEL", ".HE", "EUR",
	  HM(10, 0), HM(18, 30), 0, 0, 15, SAT_SUN, NULL },
	{ "VIENNA", "Wiener Börse", "Europe/Vienna",
	  "VIE XWBO", ".VI", "EUR",
	  HM(9, 0), HM(17, 30), 0, 0, 15, SAT_SUN, NULL },
	{ "DUBLIN", "Euronext Dublin", "Europe/Dublin",
	  "ISE XDUB", ".IR", "EUR",
	  HM(8, 0), HM(16, 30), 0, 0, 15, SAT_SUN, NULL },
	{ "ATHENS", "Athens Exchange", "Europe/Athens",
	  "ATH XATH", ".AT", "EUR",
	  HM(10, 0), HM(17, 20), 0, 0, 15, SAT_SUN, NULL },
	{ "ISTANBUL", "Borsa Istanbul", "Europe/Istanbul",
	  "IST XIST", ".IS", "TRY",
	  HM(10, 0), HM(18, 0), 0, 0, 15, SAT_SUN, NULL },
	{ "JSE", "Johannesburg Stock Exchange", "Africa/Johannesburg",
	  "JNB XJSE", ".JO", "ZAc",
	  HM(9, 0), HM(17, 0), 0, 0, 15, SAT_SUN, NULL },
	{ "B3", "B3 (São Paulo)", "America/Sao_Paulo",
	  "SAO BVMF", ".SA", "BRL",
	  HM(10, 0), HM(17, 0), 0, 0, 15, SAT_SUN, NULL },
	{ "BMV", "Bolsa Mexicana de Valores", "America/Mexico_City",
	  "MEX XMEX", ".MX", "MXN",
	  HM(8, 30), HM(15, 0), 0, 0, 20, SAT_SUN, NULL },
	{ "CHINA", "Shanghai and Shenzhen stock exchanges", "Asia/Shanghai",
	  "SHH SHZ XSHG XSHE SSE SZSE", ".SS .SZ", "CNY",
	  HM(9, 30), HM(15, 0), HM(11, 30), HM(13, 0), 15, SAT_SUN, NULL },
	{ "TWSE", "Taiwan Stock Exchange", "Asia/Taipei",
	  "TAI TWO XTAI ROCO", ".TW .TWO", "TWD",
	  HM(9, 0), HM(13, 30), 0, 0, 20, SAT_SUN, NULL },
	{ "IDX", "Indonesia Stock Exchange", "Asia/Jakarta",
	  "JKT XIDX", ".JK", "IDR",
	  HM(9, 0), HM(16, 0), HM(12, 0), HM(13, 30), 10, SAT_SUN, NULL },
	{ "SET", "Stock Exchange of Thailand", "Asia/Bangkok",
	  "SET XBKK", ".BK", "THB",
	  HM(10, 0), HM(16, 30), HM(12, 30), HM(14, 30), 15, SAT_SUN, NULL },
	{ "BURSA", "Bursa Malaysia", "Asia/Kuala_Lumpur",
	  "KLS XKLS", ".KL", "MYR",
	  HM(9, 0), HM(17, 0), HM(12, 30), HM(14, 30), 15, SAT_SUN, NULL },
	{ "NZX", "New Zealand's Exchange", "Pacific/Auckland",
	  "NZE XNZE", ".NZ", "NZD",
	  HM(10, 0), HM(16, 45), 0, 0, 20, SAT_SUN, NULL },
	{ "CRYPTO", "cryptocurrencies, around the clock", "UTC",
	  "CRYPTO CCC COINBASE BINANCE KRAKEN BITSTAMP", "", NULL,
	  0, HM(24, 0), 0, 0, 0, 0, NULL },
	{ "FX", "currencies, around the clock", "UTC",
	  "FX CCY FOREX PHYSICAL CURRENCY", "=X", NULL,
	  0, HM(24, 0), 0, 0, 0, 0, NULL },
};
#define NEXCHANGES	(sizeof(exchanges) / sizeof(exchanges[0]))
_Static_assert(NEXCHANGES <= EXCHANGES_MAX, "EXCHANGES_MAX is too small");

/* Whether `word' is one of the space-separated words of `list'. */
static int
listed(const char *list, const char *word, size_t len, int icase)
{
	const char	*p = list;
	size_t		 n;

	if (len == 0)
		return 0;
	while (*p != '\0') {
		n = strcspn(p, " ");
		if (n == len && (icase ? strncasecmp(p, word, n) :
		    strncmp(p, word, n)) == 0)
			return 1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

/* The default: where a symbol with no other sign trades. */
const struct exchange *
exchange_default(void)
{
	return &exchanges[0];
}

/* The exchange of a name or of a provider's code for it; NULL if none. */
const struct exchange *
exchange_find(const char *name)
{
	size_t	 i;

	if (name == NULL || *name == '\0')
		return NULL;
	for (i = 0; i < NEXCHANGES; i++)
		if (strcasecmp(exchanges[i].name, name) == 0 ||
		    listed(exchanges[i].codes, name, strlen(name), 1))
			return &exchanges[i];
	return NULL;
}

/* Whether two rows keep one calendar (the US markets keep NYSE's). */
static int
same_calendar(const struct exchange *a, const struct exchange *b)
{
	return strcmp(a->zone, b->zone) == 0 && a->open == b->open &&
	    a->close == b->close && a->lunch == b->lunch &&
	    a->lunch_end == b->lunch_end && a->weekend == b->weekend &&
	    a->day == b->day;
}

/*
 * The exchange whose time zone is `zone' (a provider's answer, such as
 * Yahoo's exchangeTimezoneName), when the rows of that zone keep one
 * calendar: the first of them (New York's is NYSE).
 */
const struct exchange *
exchange_of_zone(const char *zone)
{
	const struct exchange	*found = NULL;
	size_t			 i;

	if (zone == NULL)
		return NULL;
	for (i = 0; i < NEXCHANGES; i++) {
		if (strcmp(exchanges[i].zone, zone) != 0)
			continue;
		if (found == NULL)
			found = &exchanges[i];
		else if (!same_calendar(found, &exchanges[i]))
			return NULL;
	}
	return found;
}

/* The codes of a currency pair's quote side that mark a crypto pair. */
static const char crypto_quotes[] = "USD USDT USDC EUR GBP JPY BTC ETH";

/*
 * The exchange a symbol's spelling places it on: its suffix (7203.T,
 * VOD.L), EURUSD=X for a currency pair, BTC-USD for a crypto pair; NULL
 * when the spelling does not say.
 */
const struct exchange *
exchange_of_symbol(const char *sym)
{
	const char	*dot = strrchr(sym, '.'), *dash = strrchr(sym, '-');
	size_t		 i;

	if (dot != NULL && dot != sym)
		for (i = 0; i < NEXCHANGES; i++)
			if (listed(exchanges[i].suffixes, dot, strlen(dot), 1))
				return &exchanges[i];
	if (strlen(sym) > 2 && strcmp(sym + strlen(sym) - 2, "=X") == 0)
		return exchange_find("FX");
	if (dash != NULL && dash != sym && strlen(dash + 1) >= 3 &&
	    listed(crypto_quotes, dash + 1, strlen(dash + 1), 1))
		return exchange_find("CRYPTO");
	return NULL;
}

/*
 * The currency of a quote of sym on ex when the provider does not say:
 * the quote side of a crypto pair, the exchange's own; "" when unknown.
 */
const char *
exchange_currency(const struct exchange *ex, const char *sym)
{
	const char	*dash = strrchr(sym, '-');

	if (ex == NULL)
		ex = exchange_default();
	if (ex->currency != NULL)
		return ex->currency;
	if (dash != NULL && listed(crypto_quotes, dash + 1, strlen(dash + 1),
	    1))
		return dash + 1;
	return "";
}

/* Every exchange's name, for error messages: "NYSE, TSX, ..." */
const char *
exchange_names(void)
{
	static char	 names[512];
	size_t		 i, len = 0;

	if (names[0] == '\0')
		for (i = 0; i < NEXCHANGES && len < sizeof(names); i++)
			len += (size_t)snprintf(names + len, sizeof(names) - len,
			    "%s%s", i > 0 ? ", " : "", exchanges[i].name);
	return names;
}

/* The i-th exchange of the table (tickerd.conf(5), tests); NULL past it. */
const struct exchange *
exchange_at(size_t i)
{
	return i < NEXCHANGES ? &exchanges[i] : NULL;
}

/* Open around the clock, every day. */
int
exchange_always(const struct exchange *ex)
{
	return ex != NULL && ex->weekend == 0 && ex->open == 0 &&
	    ex->close >= HM(24, 0) && ex->day == NULL;
}

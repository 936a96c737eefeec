/* geo.c — levels of the place hierarchy, ONS headers, entries, resolving. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "geo.h"

#define B(lv)	(1u << (lv))

/*
 * Each level, the ONS header prefixes that give it, and the levels it
 * lies wholly inside.  A pair not listed is never made parent and child
 * even when one row names both: ONS best-fits an MSOA to a ward and
 * the 2020 CCGs to districts, and neither nests in the other.
 */
static const struct {
	const char	*name;
	const char	*prefix[3];
	uint32_t	up;
} levels[GEO_NLEVEL] = {
	[GEO_LSOA] = { "lsoa", { "LSOA" },
	    B(GEO_MSOA) | B(GEO_WARD) | B(GEO_LAD) | B(GEO_COUNTY) |
	    B(GEO_REGION) | B(GEO_COUNTRY) | B(GEO_PFA) | B(GEO_FRA) |
	    B(GEO_CSP) | B(GEO_CCG) | B(GEO_STP) | B(GEO_CAUTH) },
	[GEO_MSOA] = { "msoa", { "MSOA" },
	    B(GEO_LAD) | B(GEO_COUNTY) | B(GEO_REGION) | B(GEO_COUNTRY) |
	    B(GEO_PFA) | B(GEO_FRA) | B(GEO_CSP) | B(GEO_CCG) | B(GEO_STP) |
	    B(GEO_CAUTH) },
	[GEO_WARD] = { "ward", { "WD" },
	    B(GEO_LAD) | B(GEO_COUNTY) | B(GEO_REGION) | B(GEO_COUNTRY) |
	    B(GEO_PFA) | B(GEO_FRA) | B(GEO_CSP) | B(GEO_CAUTH) },
	[GEO_LAD] = { "lad", { "LAD", "LTLA" },
	    B(GEO_COUNTY) | B(GEO_REGION) | B(GEO_COUNTRY) | B(GEO_PFA) |
	    B(GEO_FRA) | B(GEO_CSP) | B(GEO_CAUTH) },
	[GEO_COUNTY] = { "county", { "CTY", "CTYUA", "UTLA" },
	    B(GEO_REGION) | B(GEO_COUNTRY) },
	[GEO_REGION] = { "region", { "RGN" }, B(GEO_COUNTRY) },
	[GEO_COUNTRY] = { "country", { "CTRY" }, 0 },
	[GEO_PFA] = { "pfa", { "PFA" }, B(GEO_COUNTRY) },
	[GEO_FRA] = { "fra", { "FRA" }, B(GEO_COUNTRY) },
	[GEO_CSP] = { "csp", { "CSP" }, B(GEO_PFA) | B(GEO_COUNTRY) },
	[GEO_CCG] = { "ccg", { "CCG" }, B(GEO_STP) | B(GEO_COUNTRY) },
	[GEO_STP] = { "stp", { "STP" }, B(GEO_COUNTRY) },
	[GEO_CAUTH] = { "cauth", { "CAUTH" }, B(GEO_REGION) | B(GEO_COUNTRY) },
};

/* Finest first, and every level before the levels it lies in (see
 * geo_resolve). */
static const enum geo_level order[] = {
	GEO_LSOA, GEO_MSOA, GEO_WARD, GEO_LAD, GEO_CSP, GEO_CCG, GEO_COUNTY,
	GEO_CAUTH, GEO_STP, GEO_PFA, GEO_FRA, GEO_REGION, GEO_COUNTRY
};

const char *
geo_level_name(enum geo_level lv)
{
	return (lv > GEO_NONE && lv < GEO_NLEVEL ? levels[lv].name : NULL);
}

enum geo_level
geo_level_find(const char *name, size_t n)
{
	for (int lv = 1; lv < GEO_NLEVEL; lv++)
		if (strlen(levels[lv].name) == n &&
		    strncasecmp(levels[lv].name, name, n) == 0)
			return ((enum geo_level)lv);
	return (GEO_NONE);
}

int
geo_nests(enum geo_level lv, enum geo_level up)
{
	return (lv > GEO_NONE && lv < GEO_NLEVEL && up > GEO_NONE &&
	    up < GEO_NLEVEL && (levels[lv].up & B(up)) != 0);
}

int
geo_column(const char *h, size_t n, enum geo_level *lv, int *isname)
{
	while (n > 0 && isspace((unsigned char)h[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*h)) {
		h++;
		n--;
	}
	if (n < 5 || !isdigit((unsigned char)h[n - 4]) ||
	    !isdigit((unsigned char)h[n - 3]))
		return (0);
	if (strncasecmp(h + n - 2, "CD", 2) == 0)
		*isname = 0;
	else if (strncasecmp(h + n - 2, "NM", 2) == 0)
		*isname = 1;
	else
		return (0);
	n -= 4;
	for (int l = 1; l < GEO_NLEVEL; l++)
		for (int i = 0; i < 3 && levels[l].prefix[i]; i++)
			if (strlen(levels[l].prefix[i]) == n &&
			    strncasecmp(levels[l].prefix[i], h, n) == 0) {
				*lv = (enum geo_level)l;
				return (1);
			}
	return (0);
}

int
geo_code_ok(const char *s, size_t n)
{
	if (n == 0 || n >= GEO_CODEMAX)
		return (0);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return (0);
	return (1);
}

/* Entries ------------------------------------------------------------ */

#define GEO_HDR		4
#define GEO_SLOTS	(GEO_NLEVEL - 1)

size_t
geo_encode(const struct geo_place *p, uint8_t *buf, size_t sz)
{
	size_t nl = strnlen(p->name, GEO_NAMEMAX - 1);
	size_t len = GEO_HDR + GEO_SLOTS * GEO_CODEMAX + nl;

	if (sz < len)
		return (0);
	buf[0] = GEO_FORMAT;
	buf[1] = (uint8_t)p->level;
	buf[2] = GEO_SLOTS;
	buf[3] = (uint8_t)nl;
	for (int lv = 1; lv < GEO_NLEVEL; lv++)
		strncpy((char *)buf + GEO_HDR + (lv - 1) * GEO_CODEMAX,
		    p->up[lv], GEO_CODEMAX);
	memcpy(buf + GEO_HDR + GEO_SLOTS * GEO_CODEMAX, p->name, nl);
	return (len);
}

int
geo_decode(const void *data, size_t len, struct geo_place *p)
{
	const uint8_t *b = data;
	size_t ns;

	if (len < GEO_HDR || b[0] != GEO_FORMAT)
		return (-EPROTO);
	ns = b[2];
	if (len != GEO_HDR + ns * GEO_CODEMAX + b[3])
		return (-EPROTO);
	memset(p, 0, sizeof(*p));
	p->level = b[1] < GEO_NLEVEL ? (enum geo_level)b[1] : GEO_NONE;
	for (size_t lv = 1; lv <= ns && lv < GEO_NLEVEL; lv++)
		memcpy(p->up[lv], b + GEO_HDR + (lv - 1) * GEO_CODEMAX,
		    GEO_CODEMAX - 1);
	memcpy(p->name, b + GEO_HDR + ns * GEO_CODEMAX, b[3]);
	return (0);
}

int
geo_get(store_t *st, MDB_txn *txn, const char *code, struct geo_place *p)
{
	const void *data;
	size_t len;
	int rc;

	if ((rc = store_geo_get(st, txn, code, strlen(code), &data,
	    &len)) != 0)
		return (rc);
	return (geo_decode(data, len, p));
}

/*
 * One pass, finest level first: every parent lies later in order than
 * its child, so by the time a level's code is reached it has been filled
 * from the finer parents, and its own entry fills what is still missing.
 * One read per ancestor, and a loop in the files cannot loop here.
 */
int
geo_resolve(store_t *st, MDB_txn *txn, const char *code,
    struct geo_place *p)
{
	struct geo_place q;
	uint32_t want = 0;
	int rc;

	if ((rc = geo_get(st, txn, code, p)) != 0)
		return (rc);
	for (int lv = 1; lv < GEO_NLEVEL; lv++)
		if (p->up[lv][0] == '\0' && (p->level == GEO_NONE ||
		    geo_nests(p->level, (enum geo_level)lv)))
			want |= B(lv);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && want;
	    i++) {
		const char *up = p->up[order[i]];

		if (up[0] == '\0' || strcmp(up, code) == 0 ||
		    geo_get(st, txn, up, &q) != 0)
			continue;
		for (int lv = 1; lv < GEO_NLEVEL; lv++)
			if ((want & B(lv)) && q.up[lv][0] &&
			    strcmp(q.up[lv], code) != 0) {
				memcpy(p->up[lv], q.up[lv], GEO_CODEMAX);
				want &= ~B(lv);
			}
	}
	return (0);
}

const char *
geo_at(const struct geo_place *p, const char *code, enum geo_level lv)
{
	if (lv <= GEO_NONE || lv >= GEO_NLEVEL)
		return ("");
	return (p->level == lv ? code : p->up[lv]);
}

int
geo_within(const struct geo_place *p, const char *code, const char *area)
{
	if (strcmp(code, area) == 0)
		return (1);
	for (int lv = 1; p && lv < GEO_NLEVEL; lv++)
		if (strcmp(p->up[lv], area) == 0)
			return (1);
	return (0);
}

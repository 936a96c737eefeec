/* demo.c — generate Chigley: residents, falls, contacts, spend, services. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "batch.h"
#include "classify.h"
#include "demo.h"
#include "partners.h"
#include "value.h"

#define GEN_VERSION	"chigley-4"
#define YEARS		3		/* fy2023, fy2024, fy2025 */
#define FIRST_FY	2023
#define MONTHS		(YEARS * 12)

enum place { AG, RS, NPLACES };
enum cohort { OLDER, ADULT, CHILD, NCOHORTS };

static const char *place_code[NPLACES] = { "CHG-AG", "CHG-RS" };
static const char *place_name[NPLACES] = { "Arden Grove", "Ramstone" };
static const char *cohort_name[NCOHORTS] = { "65+", "18-64", "0-17" };

enum { ORG_COUNCIL, ORG_ACUTE, ORG_ICB, ORG_AMB, ORG_FIRE, ORG_POLICE,
    ORG_CHARITY, NORGS };
static const char *org_id[NORGS] = { "chigley-council", "chigley-acute",
    "chigley-icb", "trumpton-ambulance", "chigley-fire", "chigley-police",
    "age-chigley" };
static const char *org_name[NORGS] = { "Chigley Borough Council",
    "Chigley Hospitals NHS Trust", "Chigley and District ICB",
    "Trumpton Ambulance Service", "Chigley Fire and Rescue",
    "Chigley Police", "Age Chigley" };

/* What each contact is; unit costs are in pence. */
enum svc { S_HSV, S_SB, S_CALLOUT, S_AE, S_ADMIT, S_HIP, S_REABLE, S_OT,
    S_CFS, S_WELFARE, S_BEFRIEND, S_AE_OTHER, NSVC };
static const struct svc_def {
	const char	*name;
	int		org;
	const char	*need;
	const char	*type;
	int64_t		cost;
	const char	*account;
	const char	*supplier;
} svcs[NSVC] = {
	[S_HSV] = { "Home fire safety visits", ORG_FIRE, "home safety",
	    "visit", 9500, "FR210 Community fire safety", "Staff costs" },
	[S_SB] = { "Strength and balance classes", ORG_CHARITY,
	    "falls prevention",
	    "class", 650, "AC01 Falls prevention classes", "Staff costs" },
	[S_CALLOUT] = { "Falls call-outs", ORG_AMB, "falls", "call-out",
	    27500, "AMB300 Emergency response", "Staff costs" },
	[S_AE] = { "Emergency department", ORG_ACUTE, "falls", "attendance",
	    18500, "ED100 Emergency department", "Staff costs" },
	[S_ADMIT] = { "Acute admissions", ORG_ACUTE, "falls", "admission",
	    43000, "IP200 Inpatient bed days", "Staff costs" },
	[S_HIP] = { "Hip fracture surgery", ORG_ACUTE, "falls", "admission",
	    1500000, "TO410 Trauma and orthopaedics", "Staff costs" },
	[S_REABLE] = { "Reablement", ORG_COUNCIL, "falls", "visit", 250000,
	    "C4410 Reablement", "Chigley Homecare Ltd" },
	[S_OT] = { "Falls assessment (council OT)", ORG_COUNCIL, "falls",
	    "assessment", 16000, "C4120 Occupational therapy",
	    "Staff costs" },
	[S_CFS] = { "Community falls service", ORG_ICB, "falls",
	    "assessment", 21000, "ICB550 Community falls service",
	    "Chigley Community Health CIC" },
	[S_WELFARE] = { "Concern for welfare", ORG_POLICE, "welfare",
	    "call-out", 9000, "POL120 Response policing", "Staff costs" },
	[S_BEFRIEND] = { "Befriending", ORG_CHARITY, "isolation", "visit",
	    1200, "AC02 Befriending", "Volunteer expenses" },
	[S_AE_OTHER] = { "Emergency department", ORG_ACUTE, "injury",
	    "attendance", 18500, "ED100 Emergency department",
	    "Staff costs" },
};

struct gen {
	const struct demo_opts *o;
	int32_t		fy0;		/* 2023-04-01 */
	/* monthly cost per service, place and cohort, for spend lines */
	int64_t		cost[NSVC][NPLACES][NCOHORTS][MONTHS];
	uint64_t	falls[YEARS][NPLACES];
	uint64_t	older[NPLACES];
	batch_t		*b;
	kind_t		kind;
	/* field name (a literal) → column, so each row does no lookups */
	const char	*cname[SCHEMA_MAXCOLS * 2];
	int		ccol[SCHEMA_MAXCOLS * 2], ncache;
	int		rc;
	/* The current row as text, for classification. */
	struct classify	*cls;
	struct partners	*parts;		/* NULL: no transfers marked */
	const char	*tv[SCHEMA_MAXCOLS];
	size_t		tl[SCHEMA_MAXCOLS];
	char		text[SCHEMA_MAXCOLS][64];
	char		why[512];
};

/* splitmix64: small, fast and the same everywhere. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* 1 with probability pct/1000. */
static int
chance(uint64_t *s, unsigned permille)
{
	return (rnd(s) % 1000 < permille);
}

static int
between(uint64_t *s, int lo, int hi)
{
	return (lo + (int)(rnd(s) % (uint64_t)(hi - lo + 1)));
}

static int
month_of(const struct gen *g, int32_t day)
{
	int y, m, d, fy = date_fy(day);

	date_to_ymd(day, &y, &m, &d);
	return ((fy - FIRST_FY) * 12 + (m + 8) % 12);
}

static int
col(struct gen *g, const char *field)
{
	int c;

	for (int i = 0; i < g->ncache; i++)
		if (g->cname[i] == field)
			return (g->ccol[i]);
	c = schema_field_find(g->kind, field, strlen(field));
	if (g->ncache < SCHEMA_MAXCOLS * 2) {
		g->cname[g->ncache] = field;
		g->ccol[g->ncache++] = c;
	}
	return (c);
}

/* Keep a value of the current row as text, for classification. */
static void
keep(struct gen *g, int c, const char *s, size_t n)
{
	if ((g->cls == NULL && g->parts == NULL) || c < 0)
		return;
	n = n < sizeof(g->text[c]) - 1 ? n : sizeof(g->text[c]) - 1;
	memcpy(g->text[c], s, n);
	g->text[c][n] = '\0';
	g->tv[c] = g->text[c];
	g->tl[c] = n;
}

static void
str(struct gen *g, const char *field, const char *s)
{
	int c = col(g, field);

	if (g->rc == 0 && s && *s) {
		g->rc = batch_str(g->b, c, s, strlen(s));
		keep(g, c, s, strlen(s));
	}
}

static void
i64(struct gen *g, const char *field, int64_t v)
{
	int c = col(g, field);
	char buf[32];

	batch_i64(g->b, c, v);
	if (g->cls)
		keep(g, c, buf, schema_coltype(g->kind, c) == FT_MONEY ?
		    value_money_format(v, buf) : value_num_format(v, buf));
}

static void
date(struct gen *g, const char *field, int32_t v)
{
	int c = col(g, field);
	char buf[32];

	batch_i32(g->b, c, v);
	if (g->cls)
		keep(g, c, buf, value_date_format(v, buf));
}

/* A spend line paid to another partner is a transfer, as at load. */
static void
transfer(struct gen *g)
{
	int o = col(g, "org"), su = col(g, "supplier");
	const struct partner *to;

	if (g->tv[su] == NULL || (to = partners_transfer(g->parts,
	    g->tv[o] ? g->tv[o] : "", g->tv[o] ? g->tl[o] : 0, g->tv[su],
	    g->tl[su])) == NULL)
		return;
	str(g, "transfer", "yes");
	str(g, "transfer_to", to->id);
}

static void
row(struct gen *g)
{
	uint32_t line = (uint32_t)(batch_rows(g->b) + 1);
	struct class_out co;

	if (g->rc == 0 && g->parts && g->kind == KIND_SPEND)
		transfer(g);
	if (g->rc == 0 && g->cls) {
		if (classify_record(g->cls, g->tv, g->tl, line, &co, g->why,
		    sizeof(g->why)) != 0)
			g->rc = -EINVAL;
		for (int c = 0; c < SCHEMA_MAXCOLS && g->rc == 0; c++)
			if (co.val[c])
				g->rc = batch_str(g->b, c, co.val[c],
				    co.len[c]);
	}
	memset(g->tv, 0, sizeof(g->tv));
	if (g->rc == 0)
		g->rc = batch_row(g->b, line);
}

struct person {
	uint64_t	i;
	enum place	place;
	enum cohort	cohort;
	char		id[PSEUDO_HEXLEN + 1];
	char		episode[32];
};

/* One contact: an activity row, and its cost counted for spend. */
static void
contact(struct gen *g, const struct person *p, enum svc s, int32_t day,
    int64_t cost)
{
	const struct svc_def *d = &svcs[s];
	int m = month_of(g, day);

	if (m < 0 || m >= MONTHS)
		return;
	if (g->kind == KIND_ACTIVITY) {
		date(g, "date", day);
		str(g, "org", org_id[d->org]);
		str(g, "service", d->name);
		str(g, "person", p->id);
		str(g, "place", place_code[p->place]);
		str(g, "need", d->need);
		str(g, "type", d->type);
		str(g, "episode", p->episode);
		i64(g, "cost", cost);
		row(g);
	}
	g->cost[s][p->place][p->cohort][m] += cost;
}

/* A person's spend lines that name them: reablement packages. */
static void
package(struct gen *g, const struct person *p, int32_t day, int weeks)
{
	for (int w = 0; w < weeks && g->kind == KIND_SPEND; w++) {
		date(g, "date", day + 7 * w);
		str(g, "org", org_id[ORG_COUNCIL]);
		str(g, "service", "Adult social care - reablement");
		str(g, "supplier", svcs[S_REABLE].supplier);
		str(g, "description", "Reablement package after hip fracture");
		str(g, "account", svcs[S_REABLE].account);
		i64(g, "amount", svcs[S_REABLE].cost);
		str(g, "place", place_code[p->place]);
		str(g, "cohort", cohort_name[p->cohort]);
		str(g, "person", p->id);
		row(g);
	}
}

/*
 * A fall and what follows it: the ambulance, A&E, perhaps a stay or a hip
 * fracture with reablement after, and assessments by the council and the
 * ICB's community service, often both within a month: the duplication
 * the handbook found.
 */
static void
fall(struct gen *g, uint64_t *r, struct person *p, int32_t day, int k)
{
	int nights;

	/* From the pseudonym, never the resident's number. */
	snprintf(p->episode, sizeof(p->episode), "F%.8s-%d", p->id, k);
	contact(g, p, S_CALLOUT, day, svcs[S_CALLOUT].cost);
	contact(g, p, S_AE, day, svcs[S_AE].cost);
	if (chance(r, 70)) {
		nights = between(r, 10, 21);
		contact(g, p, S_HIP, day, svcs[S_HIP].cost);
		contact(g, p, S_ADMIT, day, nights * svcs[S_ADMIT].cost);
		for (int w = 0; w < 6; w++)
			contact(g, p, S_REABLE, day + nights + 7 * w,
			    svcs[S_REABLE].cost);
		package(g, p, day + nights, 6);
	} else if (chance(r, 350)) {
		nights = between(r, 1, 12);
		contact(g, p, S_ADMIT, day, nights * svcs[S_ADMIT].cost);
	}
	if (chance(r, 700))
		contact(g, p, S_OT, day + between(r, 3, 20), svcs[S_OT].cost);
	if (chance(r, 550))
		contact(g, p, S_CFS, day + between(r, 5, 28), svcs[S_CFS].cost);
	if (p->place == RS && chance(r, 150))
		contact(g, p, S_WELFARE, day, svcs[S_WELFARE].cost);
	p->episode[0] = '\0';
}

/* Everything that happens to resident i, the same on every pass. */
static void
resident(struct gen *g, uint64_t i)
{
	uint64_t r = g->o->seed * 0x100000001b3ULL + i;
	struct person p = { .i = i };
	char raw[32];
	unsigned pf;

	p.place = chance(&r, 450) ? AG : RS;
	p.cohort = chance(&r, 300) ? OLDER : chance(&r, 700) ? ADULT : CHILD;
	snprintf(raw, sizeof(raw), "CHG%07llu", (unsigned long long)i + 1);
	if (pseudo_hash(g->o->key, raw, strlen(raw), p.id) != 0)
		p.id[0] = '\0';
	if (p.cohort != OLDER) {
		for (int y = 0; y < YEARS; y++)
			if (chance(&r, 60)) {
				int32_t d = g->fy0 + 365 * y + between(&r, 0,
				    364);

				contact(g, &p, S_AE_OTHER, d,
				    svcs[S_AE_OTHER].cost);
			}
		return;
	}
	g->older[p.place]++;
	if (chance(&r, p.place == AG ? 450 : 200))
		contact(g, &p, S_HSV, g->fy0 + between(&r, 0, 1000),
		    svcs[S_HSV].cost);
	/* Ramstone has no strength-and-balance class: the gap. */
	if (p.place == AG && chance(&r, 300)) {
		int32_t d = g->fy0 + between(&r, 0, 900);

		for (int w = 0; w < between(&r, 6, 12); w++)
			contact(g, &p, S_SB, d + 7 * w, svcs[S_SB].cost);
	}
	if (p.place == AG && chance(&r, 100))
		for (int w = 0; w < 10; w++)
			contact(g, &p, S_BEFRIEND, g->fy0 + 30 * w + 3,
			    svcs[S_BEFRIEND].cost);
	pf = p.place == AG ? 110 : 280;
	for (int y = 0, k = 0; y < YEARS; y++)
		if (chance(&r, pf)) {
			int32_t d = g->fy0 + 365 * y + between(&r, 0, 330);

			g->falls[y][p.place]++;
			fall(g, &r, &p, d, k++);
		}
}

static int32_t
month_start(const struct gen *g, int m)
{
	int y = FIRST_FY + m / 12, mm = m % 12 + 4;

	if (mm > 12) {
		mm -= 12;
		y++;
	}
	return (date_from_ymd(y, mm, 1));
}

/* Monthly spend lines from the contacts, plus payments that are not
 * contacts: locum cover, a block contract inside the place, a grant. */
static void
spend_lines(struct gen *g)
{
	char desc[160];

	for (int m = 0; m < MONTHS; m++) {
		int32_t d = month_start(g, m) + 27;

		for (int s = 0; s < NSVC; s++)
			for (int pl = 0; pl < NPLACES; pl++)
				for (int c = 0; c < NCOHORTS; c++) {
					int64_t amt = g->cost[s][pl][c][m];

					if (amt == 0 || s == S_REABLE)
						continue;
					snprintf(desc, sizeof(desc), "%s: %s",
					    svcs[s].name, place_name[pl]);
					date(g, "date", d);
					str(g, "org", org_id[svcs[s].org]);
					str(g, "service", svcs[s].name);
					str(g, "supplier", svcs[s].supplier);
					str(g, "description", desc);
					str(g, "account", svcs[s].account);
					i64(g, "amount", amt);
					str(g, "place", place_code[pl]);
					str(g, "cohort", cohort_name[c]);
					row(g);
				}
		date(g, "date", d);
		str(g, "org", org_id[ORG_ACUTE]);
		str(g, "service", svcs[S_AE].name);
		str(g, "supplier", "Locum Partners Ltd");
		str(g, "description", "Agency locum cover - emergency "
		    "department");
		str(g, "account", "ED190 Agency staff");
		i64(g, "amount", 1850000 + 12345 * (m % 7));
		row(g);
		date(g, "date", month_start(g, m));
		str(g, "org", org_id[ORG_ICB]);
		str(g, "service", "Acute commissioning");
		str(g, "supplier", org_name[ORG_ACUTE]);
		str(g, "description", "Block contract payment");
		str(g, "account", "ICB100 Acute contracts");
		i64(g, "amount", 4500000);
		row(g);
		if (m % 3 == 0) {
			date(g, "date", month_start(g, m) + 5);
			str(g, "org", org_id[ORG_COUNCIL]);
			str(g, "service", "Prevention grants");
			str(g, "supplier", org_name[ORG_CHARITY]);
			str(g, "description", "Grant: strength and balance "
			    "classes, Arden Grove");
			str(g, "account", "C1300 Voluntary sector grants");
			i64(g, "amount", 625000);
			str(g, "place", place_code[AG]);
			str(g, "cohort", cohort_name[OLDER]);
			str(g, "funder", org_id[ORG_COUNCIL]);
			row(g);
			date(g, "date", month_start(g, m) + 12);
			str(g, "org", org_id[ORG_FIRE]);
			str(g, "service", svcs[S_HSV].name);
			str(g, "supplier", "Brigade Safety Supplies");
			str(g, "description", "Smoke alarms for home safety "
			    "visits");
			str(g, "account", "FR215 Safety equipment");
			i64(g, "amount", 480000);
			row(g);
		}
	}
}

static void
outcome_lines(struct gen *g)
{
	for (int y = 0; y < YEARS; y++)
		for (int pl = 0; pl < NPLACES; pl++) {
			int32_t s = date_from_ymd(FIRST_FY + y, 4, 1),
			    e = date_from_ymd(FIRST_FY + y + 1, 3, 31);
			uint64_t n = g->older[pl] ? g->older[pl] : 1;

			date(g, "period_start", s);
			date(g, "period_end", e);
			str(g, "place", place_code[pl]);
			str(g, "cohort", cohort_name[OLDER]);
			str(g, "indicator", "falls_treated");
			i64(g, "value", (int64_t)g->falls[y][pl] * NUM_SCALE);
			str(g, "unit", "falls");
			row(g);
			date(g, "period_start", s);
			date(g, "period_end", e);
			str(g, "place", place_code[pl]);
			str(g, "cohort", cohort_name[OLDER]);
			str(g, "indicator", "falls_per_1000");
			/* rounded to 4 decimals, half up */
			i64(g, "value", (int64_t)((g->falls[y][pl] * 1000 *
			    NUM_SCALE * 2 / n + 1) / 2));
			str(g, "unit", "per 1,000 residents 65+");
			row(g);
		}
}

/* The provision map: who offers what where.  No class in Ramstone. */
static void
service_lines(struct gen *g)
{
	static const struct { enum svc s; int ag, rs; int cap; } map[] = {
		{ S_HSV, 1, 1, 400 }, { S_SB, 1, 0, 60 },
		{ S_CALLOUT, 1, 1, 0 }, { S_AE, 1, 1, 0 },
		{ S_ADMIT, 1, 1, 0 }, { S_HIP, 1, 1, 0 },
		{ S_REABLE, 1, 1, 40 }, { S_OT, 1, 1, 120 },
		{ S_CFS, 1, 1, 150 }, { S_WELFARE, 0, 1, 0 },
		{ S_BEFRIEND, 1, 0, 30 },
	};
	char id[64];

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		for (int pl = 0; pl < NPLACES; pl++) {
			const struct svc_def *d = &svcs[map[i].s];

			if (!(pl == AG ? map[i].ag : map[i].rs))
				continue;
			snprintf(id, sizeof(id), "chg-%02d-%s", (int)map[i].s,
			    pl == AG ? "ag" : "rs");
			str(g, "id", id);
			str(g, "org", org_id[d->org]);
			str(g, "name", d->name);
			str(g, "need", d->need);
			str(g, "cohort", map[i].s == S_AE ||
			    map[i].s == S_WELFARE ? "" : cohort_name[OLDER]);
			str(g, "place", place_code[pl]);
			if (map[i].cap)
				i64(g, "capacity",
				    (int64_t)map[i].cap * NUM_SCALE);
			row(g);
		}
}

static int
one_batch(store_t *st, struct gen *g, kind_t kind, struct demo_batch *out,
    char *err, size_t errsz)
{
	struct batch_opts bo = { 0 };
	struct batch_result res;
	crypto_generichash_state hs;
	uint8_t hash[32];
	char params[128];
	int rc;

	bo.source = out->source;
	bo.who = g->o->who;
	/* Another size or seed replaces the demo; it never adds to it. */
	bo.replace = 1;
	snprintf(params, sizeof(params), "%s %s %llu %llu", GEN_VERSION,
	    schema_kind(kind)->name, (unsigned long long)g->o->people,
	    (unsigned long long)g->o->seed);
	/* The content follows from the parameters: hash them first, and an
	 * unchanged demo is found without writing anything. */
	crypto_generichash_init(&hs, NULL, 0, sizeof(hash));
	crypto_generichash_update(&hs, (const uint8_t *)params,
	    strlen(params));
	crypto_generichash_update(&hs, g->o->key->key,
	    sizeof(g->o->key->key));
	crypto_generichash_final(&hs, hash, sizeof(hash));
	if (batch_find_live(st, kind, hash, &out->same_as) == 0)
		return (0);
	if ((rc = batch_begin(st, kind, &bo, &g->b, err, errsz)) != 0)
		return (rc);
	batch_hash(g->b, params, strlen(params));
	batch_hash(g->b, g->o->key->key, sizeof(g->o->key->key));
	g->kind = kind;
	g->ncache = 0;
	g->rc = 0;
	memset(g->tv, 0, sizeof(g->tv));
	if (g->o->plugins && (rc = classify_open(g->o->plugins, g->o->rules,
	    kind, &g->cls, err, errsz)) != 0) {
		batch_abort(g->b);
		return (rc);
	}
	if (g->cls && !classify_any(g->cls)) {
		classify_free(g->cls);
		g->cls = NULL;
	}
	if (kind == KIND_SPEND && g->o->partners) {
		if ((rc = partners_load_dir(g->o->partners, &g->parts, err,
		    errsz)) != 0) {
			classify_free(g->cls);
			g->cls = NULL;
			batch_abort(g->b);
			return (rc);
		}
		if (partners_count(g->parts) == 0) {
			partners_free(g->parts);
			g->parts = NULL;
		}
	}
	memset(g->cost, 0, sizeof(g->cost));
	memset(g->falls, 0, sizeof(g->falls));
	memset(g->older, 0, sizeof(g->older));
	if (kind != KIND_SERVICE)
		for (uint64_t i = 0; i < g->o->people && g->rc == 0; i++)
			resident(g, i);
	if (kind == KIND_SPEND)
		spend_lines(g);
	else if (kind == KIND_OUTCOME)
		outcome_lines(g);
	else if (kind == KIND_SERVICE)
		service_lines(g);
	classify_free(g->cls);
	g->cls = NULL;
	partners_free(g->parts);
	g->parts = NULL;
	if (g->rc) {
		if (g->rc == -EINVAL)
			snprintf(err, errsz, "demo: classification: %s",
			    g->why);
		else
			snprintf(err, errsz, "demo: %s",
			    store_strerror(g->rc));
		batch_abort(g->b);
		return (g->rc);
	}
	if ((rc = batch_commit(g->b, &res, err, errsz)) != 0)
		return (rc);
	out->id = res.same_as ? 0 : res.id;
	out->same_as = res.same_as;
	out->rows = res.rows;
	return (0);
}

int
demo_load(store_t *st, const struct demo_opts *o,
    struct demo_batch out[DEMO_BATCHES], char *err, size_t errsz)
{
	static const struct { kind_t kind; const char *source; } order[] = {
		{ KIND_ACTIVITY, "chigley-activity" },
		{ KIND_SPEND, "chigley-spend" },
		{ KIND_OUTCOME, "chigley-outcomes" },
		{ KIND_SERVICE, "chigley-services" },
	};
	struct gen *g;
	int rc = 0;

	/* The per-month cost table is too big for the stack. */
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return (-ENOMEM);
	g->o = o;
	g->fy0 = date_from_ymd(FIRST_FY, 4, 1);
	for (int i = 0; i < DEMO_BATCHES && rc == 0; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].source = order[i].source;
		rc = one_batch(st, g, order[i].kind, &out[i], err, errsz);
	}
	free(g);
	return (rc);
}

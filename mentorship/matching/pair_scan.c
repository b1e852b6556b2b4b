/*
 * The engine's pair scan: every valid (mentee, mentor) pair of the given mentees, with its value
 * computed from the score's parts, ranked by adjusted value = value - mentor price - mentee price.
 * Loaded through ctypes like augmenting_paths.c (plain C, no Python API, no allocation the caller
 * must free); the caller runs one call per core on disjoint mentees, since ctypes releases the GIL.
 *
 * Pairs come in blocks, one per skill the mentee wishes to learn (mentors coaching it, sorted by
 * level, so a level rule is a range found by binary search). A pair sharing several skills belongs
 * to the block of its first shared skill in scan order only, so every valid pair is seen once.
 * Per (mentee, block) the best `keep` are kept; the best value not kept (the left-behind bound of
 * the pricing loop) is an upper bound on every valid pair of the mentee outside the kept lists.
 * With a `spread`, pairs are ranked at value + spread * h(mentee, mentor), h a fixed hash in
 * [0, 1): at near-optimal prices a mentee has dozens of mentors within a hair of its best, and an
 * exact ranking sends every such mentee to the same few of them (the same prices tip the
 * balance for all), where the hash spreads them over the whole near-tie class. The left-behind
 * bound stays exact: it is taken over the true values of every pair not kept.
 *
 * A pair's value (scoring.py defines the parts):
 *   base + sum over the mentee's skill terms of fit * proficiency + goal * [mentor coaches it]
 *        + cross_department * [both departments known and different] + zone_gain[zones]
 *        + tie_break * (1 + cos(angle difference))  (a mentee-specific nudge that spreads ties)
 * Rules: the level range, the optional shared-manager, time-zone and language rules, and the
 * mentee's exceptions (self, reporting chain, history), a sorted list of mentor columns.
 *
 * Each (mentee, block) runs in two passes: pass 1 computes every pair's adjusted value into a
 * buffer, one vectorised loop per part of the value or rule; pass 2 ranks them, judging a chunk
 * of 16 at once by its best value. At 100,000 employees a rescan runs at about 550M pairs/s on
 * the two cores of one development machine, against 240M/s for the one-pass loop before; on a
 * 2.0 GHz Xeon with AVX-512, 450M/s (380M valid pairs in 0.85 s), 270M/s before pass 1 looked
 * its tables up in registers (see wide_add_lookup).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef int64_t i64;

/* The two passes' loops are written for the vectoriser; on x86-64 they are built three times, for
 * AVX-512 (x86-64-v4), AVX2 and the baseline, and the loader picks what the CPU has (every Lambda
 * x86 host has AVX2; on a Xeon with AVX-512 that clone scans 100,000 employees' pairs about 15%
 * faster, with identical results: floating-point order is the source's either way).
 * arm64 builds vectorise with NEON, which every arm64 CPU has. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__)
#define VECTORISED __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#define WIDE_LOOKUPS 1
#else
#define VECTORISED
#define WIDE_LOOKUPS 0
#endif

/* Pass 1's table lookups (a skill term's value by proficiency code, the zone gain by zone) are
 * built lane by lane by the vectoriser: a load and an insert per pair. With AVX-512 a table of up
 * to 8 (two registers: 16) doubles fits in registers and one permute looks up 8 pairs (GCC's
 * vector extensions: __builtin_shuffle). At 100,000 employees a full scan then takes 0.85-0.94 s
 * instead of 1.42 s on the 2.0 GHz Xeon, with identical values (a lookup is exact either way).
 * GCC builds the same code for AVX2 and the baseline too, but slower than the plain lookup there
 * (1.6 s -> 2.4 s on AVX2), so only the AVX-512 clone takes this path: the scan asks the CPU
 * once, by the same test that picks that clone. */
#if WIDE_LOOKUPS
typedef double wide_doubles __attribute__((vector_size(64)));
typedef int64_t wide_indices __attribute__((vector_size(64)));
typedef double wide_doubles_at __attribute__((vector_size(64), aligned(8))); /* within v[] */
enum { WIDE = 8, LOOKUP_TILE = 64 };

/* v[k] += table[code[k]] for k below a multiple of LOOKUP_TILE (returned); code_count <= WIDE. */
static inline __attribute__((always_inline)) i64 wide_add_lookup(double *restrict v, const uint8_t *restrict code,
                                                                 const double *table, i64 code_count, i64 n) {
    wide_doubles entries; /* a fixed-length fill: a variable one becomes a call to memcpy */
    for (i64 x = 0; x < WIDE; x++) entries[x] = x < code_count ? table[x < code_count ? x : 0] : 0.0;
    i64 k = 0;
    for (; k + LOOKUP_TILE <= n; k += LOOKUP_TILE) {
        i64 index[LOOKUP_TILE] __attribute__((aligned(64)));
        for (int x = 0; x < LOOKUP_TILE; x++) index[x] = code[k + x];
        for (int x = 0; x < LOOKUP_TILE; x += WIDE)
            *(wide_doubles_at *)(v + k + x) += __builtin_shuffle(entries, *(const wide_indices *)(index + x));
    }
    return k;
}

/* v[k] = base + gain_row[zone[k]] (zone >= -1) for k below a multiple of LOOKUP_TILE (returned);
 * zone_width (the zones + 1) <= 2 * WIDE. */
static inline __attribute__((always_inline)) i64 wide_set_gains(double *restrict v, const int32_t *restrict zone,
                                                                const double *gain_row, i64 zone_width, double base,
                                                                i64 n) {
    wide_doubles low, high;
    for (i64 x = 0; x < WIDE; x++) {
        low[x] = x < zone_width ? gain_row[(x < zone_width ? x : 0) - 1] : 0.0;
        high[x] = x + WIDE < zone_width ? gain_row[(x + WIDE < zone_width ? x + WIDE : 0) - 1] : 0.0;
    }
    i64 k = 0;
    for (; k + LOOKUP_TILE <= n; k += LOOKUP_TILE) {
        i64 index[LOOKUP_TILE] __attribute__((aligned(64)));
        for (int x = 0; x < LOOKUP_TILE; x++) index[x] = (i64)zone[k + x] + 1;
        for (int x = 0; x < LOOKUP_TILE; x += WIDE)
            *(wide_doubles_at *)(v + k + x) = base + __builtin_shuffle(low, high, *(const wide_indices *)(index + x));
    }
    return k;
}
#endif

typedef struct {
    /* mentees, by row */
    const i64 *wish_start;        /* [mentees + 1] into wish_block */
    const i64 *wish_block;        /* the blocks of the mentee's wished skills, ascending */
    const i64 *term_start;        /* [mentees + 1] into term_skill, term_fit, term_goal */
    const i64 *term_skill;
    const double *term_fit;       /* value += fit * proficiency value of the mentor in the skill */
    const double *term_goal;      /* value += goal when the mentor coaches the skill */
    const i64 *mentee_department; /* -1 when unknown */
    const i64 *mentee_zone;       /* -1 when unknown */
    const double *mentee_cos;
    const double *mentee_sin;
    const i64 *level_low;         /* allowed mentor levels, inclusive */
    const i64 *level_high;
    const i64 *mentee_boss;       /* NULL when the shared-manager rule is off */
    const i64 *mentee_language;
    const i64 *except_start;      /* [mentees + 1] into except_mentor */
    const i64 *except_mentor;
    /* mentors, by column */
    i64 skill_count;
    const uint8_t *proficiency_code; /* [mentor][skill]; 0 = does not coach it */
    const double *code_value;        /* proficiency value per code */
    i64 code_count;
    i64 max_terms;                   /* the most skill terms any mentee has */
    i64 max_wishes;                  /* the most wished skills any mentee has */
    const i64 *mentor_entry_start;   /* [mentors + 1] into mentor_entry: a mentor's block entries */
    const i64 *mentor_entry;
    /* block entries (one per mentor and coached skill), block by block: read in sequence */
    i64 entry_count;
    const i64 *block_start;       /* [blocks + 1] into the entries */
    const i64 *block_level;       /* ascending within a block */
    const i64 *block_skill;
    const int32_t *entry_mentor;
    const uint8_t *entry_code;    /* [skill][entry]: the entries' codes skill by skill, so a block's
                                     codes in one skill are read in sequence; NULL: gather them from
                                     the mentors' rows instead */
    const int32_t *entry_department;
    const int32_t *entry_zone;
    const int32_t *entry_language;
    const int32_t *entry_boss;    /* NULL when the shared-manager rule is off */
    const float *entry_cos;
    const float *entry_sin;
    /* tables and weights */
    i64 zone_width;               /* zones + 1: tables are indexed by zone + 1 */
    const double *zone_gain;      /* [zone_width][zone_width] */
    const uint8_t *zone_allowed;  /* NULL when there is no time-zone rule */
    i64 language_sets;
    const uint8_t *language_allowed; /* NULL when there is no language rule */
    double base;
    double cross_department;
    double tie_break;
} Cohort;

typedef struct {
    i64 count;                    /* mentees to scan */
    const i64 *rows;
    const double *entry_price;    /* per entry, its mentor's price; NULL: no price */
    const double *mentee_price;   /* NULL: no price */
    i64 keep;
    i64 mentor_keep;              /* 0: no per-mentor lists */
    double spread;                /* 0: rank by adjusted value alone */
} Request;

typedef struct {
    const i64 *out_start;         /* [count]: where each scanned mentee's kept pairs go */
    i64 *out_count;               /* [count] */
    i64 *out_mentor;
    double *left_behind;          /* [mentees], by row: max-ed, never lowered */
    i64 *valid_count;             /* [mentees], by row: added to */
    double *side_value;           /* [mentors][mentor_keep], best first; -inf when empty */
    i64 *side_mentee;
    double *side_floor;           /* [mentors]: the last value of a full list, -inf before */
} Result;

/* Is (v, col) better than (w, other)? Higher value first, then lower column. */
static int better(double v, i64 col, double w, i64 other) { return v > w || (v == w && col < other); }

/* A fixed hash of the pair in [0, 1) (splitmix64's finaliser): deterministic, and uncorrelated
 * between mentees, so each spreads its near-ties differently. */
static double pair_hash(i64 row, i64 col) {
    uint64_t z = (uint64_t)row * 0x9E3779B97F4A7C15ULL + (uint64_t)col;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static i64 lower_bound(const i64 *a, i64 lo, i64 hi, i64 x) {
    while (lo < hi) {
        i64 mid = lo + (hi - lo) / 2;
        if (a[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static i64 upper_bound(const i64 *a, i64 lo, i64 hi, i64 x) {
    while (lo < hi) {
        i64 mid = lo + (hi - lo) / 2;
        if (a[mid] <= x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* Offer (v, mentee) to mentor col's best list (mentor_keep long, best first; ties: lower row).
 * Most offers lose to a full list: the compact floor turns them away without reading the list.
 * Always inlined: rank_block's AVX2 clone calling a separately built (SSE) function with its
 * vector registers' upper halves in use paid Intel's SSE/AVX transition on every offer; at 100,000
 * employees that made the first scan 12 s instead of 2.7 s on a Xeon (AMD CPUs do not pay it). */
static inline __attribute__((always_inline)) void offer_mentor(const Request *q, Result *r, i64 col, double v, i64 mentee) {
    if (v < r->side_floor[col]) return;
    i64 k = q->mentor_keep;
    double *value = r->side_value + col * k;
    i64 *who = r->side_mentee + col * k;
    if (who[k - 1] >= 0 && !better(v, mentee, value[k - 1], who[k - 1])) return;
    i64 at = k - 1;
    while (at > 0 && (who[at - 1] < 0 || better(v, mentee, value[at - 1], who[at - 1]))) {
        value[at] = value[at - 1];
        who[at] = who[at - 1];
        at--;
    }
    value[at] = v;
    who[at] = mentee;
    if (who[k - 1] >= 0) r->side_floor[col] = value[k - 1];
}


enum { CHUNK = 16 };

/* What pass 1 needs to know of the mentee being scanned. */
typedef struct {
    i64 row, terms, earlier, department, boss;
    const i64 *term_skill, *earlier_skill;
    const double *term_table;     /* [terms][code_count]: a term's value for each proficiency code */
    const double *gain_row;       /* zone_gain from the mentee's zone, by mentor zone + 1 */
    const uint8_t *allowed_row, *language_row; /* NULL when the rule is off */
    double cos, sin, price;
} Mentee;

/* The proficiency codes in `skill` of the entries [lo, hi): in place from the skill-major copy,
 * or gathered from the mentors' rows into `buffer` when there is none (large skill catalogues). */
static const uint8_t *skill_codes(const Cohort *c, i64 skill, i64 lo, i64 hi, uint8_t *buffer) {
    if (c->entry_code) return c->entry_code + skill * c->entry_count + lo;
    for (i64 at = lo; at < hi; at++)
        buffer[at - lo] = c->proficiency_code[(i64)c->entry_mentor[at] * c->skill_count + skill];
    return buffer;
}

/* Pass 1: the adjusted value of the mentee's pair with each entry in [lo, hi) into v, -inf where
 * the pair is not valid in this block. One simple loop per part of the score or rule, over arrays
 * read in sequence, so the compiler vectorises them; the sums run in the value's documented order. */
VECTORISED static void block_values(const Cohort *c, const Request *q, const Mentee *m, i64 lo, i64 hi, double *restrict v,
                         uint8_t *codes_buffer, int wide) {
    const i64 n = hi - lo, code_count = c->code_count;
    const int32_t *restrict zone = c->entry_zone + lo;
    const double *restrict gain_row = m->gain_row;
    const double base = c->base;
    i64 done = 0;
#if WIDE_LOOKUPS
    if (wide && c->zone_width <= 2 * WIDE) done = wide_set_gains(v, zone, gain_row, c->zone_width, base, n);
#endif
    for (i64 k = done; k < n; k++) v[k] = base + gain_row[zone[k]];
    for (i64 t = 0; t < m->terms; t++) {
        const uint8_t *restrict code = skill_codes(c, m->term_skill[t], lo, hi, codes_buffer);
        const double *restrict table = m->term_table + t * code_count;
        done = 0;
#if WIDE_LOOKUPS
        if (wide && code_count <= WIDE) done = wide_add_lookup(v, code, table, code_count, n);
#endif
        for (i64 k = done; k < n; k++) v[k] += table[code[k]];
    }
    if (m->department >= 0) {
        const int32_t *restrict department = c->entry_department + lo;
        const i64 own = m->department;
        const double cross = c->cross_department;
        for (i64 k = 0; k < n; k++) v[k] += department[k] >= 0 && department[k] != own ? cross : 0.0;
    }
    const float *restrict cosine = c->entry_cos + lo, *restrict sine = c->entry_sin + lo;
    const double tie_break = c->tie_break, ec = m->cos, es = m->sin;
    for (i64 k = 0; k < n; k++) v[k] += tie_break * (1.0 + ec * cosine[k] + es * sine[k]);
    if (q->entry_price) {
        const double *restrict price = q->entry_price + lo;
        for (i64 k = 0; k < n; k++) v[k] -= price[k];
    }
    const double mentee_price = m->price;
    for (i64 k = 0; k < n; k++) v[k] -= mentee_price;
    /* Not valid here: pairs of an earlier block, then the rules, then the mentee's exceptions. */
    for (i64 e = 0; e < m->earlier; e++) {
        const uint8_t *restrict code = skill_codes(c, m->earlier_skill[e], lo, hi, codes_buffer);
        for (i64 k = 0; k < n; k++) v[k] = code[k] ? -INFINITY : v[k];
    }
    if (m->boss >= 0) {
        const int32_t *restrict boss = c->entry_boss + lo;
        for (i64 k = 0; k < n; k++) v[k] = boss[k] == m->boss ? -INFINITY : v[k];
    }
    if (m->allowed_row)
        for (i64 k = 0; k < n; k++) v[k] = m->allowed_row[zone[k]] ? v[k] : -INFINITY;
    if (m->language_row) {
        const int32_t *restrict language = c->entry_language + lo;
        for (i64 k = 0; k < n; k++) v[k] = m->language_row[language[k]] ? v[k] : -INFINITY;
    }
    for (i64 x = c->except_start[m->row]; x < c->except_start[m->row + 1]; x++) {
        const i64 col = c->except_mentor[x];
        for (i64 e = c->mentor_entry_start[col]; e < c->mentor_entry_start[col + 1]; e++) {
            const i64 at = c->mentor_entry[e];
            if (at >= lo && at < hi) v[at - lo] = -INFINITY;
        }
    }
}

/* A block's ranking: the best `ranked` pairs by ranking value (spread in), best first. */
typedef struct {
    i64 ranked, filled;
    double *value, *true_value; /* ranking value, adjusted value */
    i64 *mentor;
    double dropped;             /* the best adjusted value not in the ranking */
    double *chunk_best;         /* per whole chunk of the block: its best adjusted value */
    double *cut;                /* the best `ranked` of those, best first */
    double *entry_floor;        /* per block entry: its mentor's side_floor as last seen here, so at
                                   or below it (read in sequence where side_floor[mentor] was a gather;
                                   +inf without mentor lists) */
} Ranking;

static void release(double *values, uint8_t *codes_buffer, Ranking *top, double *term_table, i64 *earlier_skill) {
    free(values), free(codes_buffer), free(term_table), free(earlier_skill);
    free(top->value), free(top->true_value), free(top->mentor), free(top->chunk_best), free(top->cut);
    free(top->entry_floor);
}

/* Pass 2: rank the valid pairs of the block (values from pass 1, by entry from lo), offer each to
 * its mentor's list when there are such lists, and return how many were valid. Most of a block
 * cannot enter the ranking: a whole chunk is judged by its best value against a bar, the
 * ranked-th best chunk's best to begin with (at least `ranked` pairs are worth that much, so the
 * ranking ends at or above it) and the ranking's own last place once it is full. */
VECTORISED static i64 rank_block(const Cohort *c, const Request *q, Result *r, i64 row, i64 lo, i64 hi, const double *values,
                      Ranking *top) {
    const i64 n = hi - lo, chunks = n / CHUNK, ranked = top->ranked, last = ranked - 1;
    const double spread = q->spread;
    const int32_t *const entry_mentor = c->entry_mentor;
    i64 valid = 0, cuts = 0;
    for (i64 k = 0; k < n; k++) valid += values[k] != -INFINITY;
    for (i64 chunk = 0; chunk < chunks; chunk++) {
        const double *restrict v = values + chunk * CHUNK;
        double best = -INFINITY;
        for (int k = 0; k < CHUNK; k++) best = v[k] > best ? v[k] : best;
        top->chunk_best[chunk] = best;
        if (cuts == ranked && best <= top->cut[last]) continue;
        i64 place = cuts < ranked ? cuts++ : last;
        for (; place > 0 && top->cut[place - 1] < best; place--) top->cut[place] = top->cut[place - 1];
        top->cut[place] = best;
    }
    const double floor = cuts == ranked ? top->cut[last] : -INFINITY;
    top->filled = 0;
    top->dropped = -INFINITY;
    for (i64 k0 = 0; k0 < n; k0 += CHUNK) {
        const i64 k1 = k0 + CHUNK <= n ? k0 + CHUNK : n;
        if (k1 - k0 == CHUNK) {
            const double best = top->chunk_best[k0 / CHUNK];
            const double bar = top->filled == ranked && top->value[last] > floor ? top->value[last] : floor;
            int offered = 0;
            if (q->mentor_keep) {
                const double *restrict v = values + k0, *restrict floor_seen = top->entry_floor + lo + k0;
                for (int k = 0; k < CHUNK; k++) offered |= v[k] >= floor_seen[k];
            }
            /* strictly below: a pair tied with the last place may still win it on its column */
            if (!offered && best + spread < bar) {
                if (best > top->dropped) top->dropped = best;
                continue;
            }
        }
        /* The chunk's ranking values, hashed all at once, and the lanes that need a closer look:
         * valid, and to be offered to their mentor or not surely behind the ranking's last place
         * as it stands (it only rises). The others are dropped together; both are vector loops. */
        double spread_rank[CHUNK];
        const double *rank_of = values + k0;
        if (spread > 0.0) {
            for (i64 k = k0; k < k1; k++) spread_rank[k - k0] = values[k] + spread * pair_hash(row, entry_mentor[lo + k]);
            rank_of = spread_rank;
        }
        uint32_t pending = (1u << (k1 - k0)) - 1;
        if (k1 - k0 == CHUNK && top->filled == ranked) {
            const double bar = top->value[last];
            const double *restrict v = values + k0, *restrict floor_seen = top->entry_floor + lo + k0;
            uint8_t look[CHUNK];
            double behind = -INFINITY;
            const int hashed = spread > 0.0;
            for (int k = 0; k < CHUNK; k++) {
                const int in_reach = (rank_of[k] >= bar) & (!hashed | (v[k] + spread > bar));
                look[k] = (v[k] != -INFINITY) & (in_reach | (v[k] >= floor_seen[k]));
            }
            for (int k = 0; k < CHUNK; k++) {
                const double left = look[k] ? -INFINITY : v[k];
                behind = left > behind ? left : behind;
            }
            if (behind > top->dropped) top->dropped = behind;
            pending = 0;
            for (int k = 0; k < CHUNK; k++) pending |= (uint32_t)look[k] << k;
        }
        for (; pending; pending &= pending - 1) {
            const i64 k = k0 + __builtin_ctz(pending);
            const double v = values[k];
            const i64 col = entry_mentor[lo + k];
            if (q->mentor_keep) {
                if (v != -INFINITY) offer_mentor(q, r, col, v, row);
                top->entry_floor[lo + k] = r->side_floor[col];
            }
            if (v == -INFINITY) continue;
            /* h < 1, so a pair more than `spread` behind a full ranking needs no hash. */
            const int far = top->filled == ranked && spread > 0.0 && v + spread <= top->value[last];
            const double rank = !far ? rank_of[k - k0] : v;
            if (top->filled == ranked) {
                if (far || !better(rank, col, top->value[last], top->mentor[last])) {
                    if (v > top->dropped) top->dropped = v;
                    continue;
                }
                if (top->true_value[last] > top->dropped) top->dropped = top->true_value[last];
            }
            i64 place = top->filled < ranked ? top->filled++ : last;
            for (; place > 0 && better(rank, col, top->value[place - 1], top->mentor[place - 1]); place--) {
                top->value[place] = top->value[place - 1];
                top->true_value[place] = top->true_value[place - 1];
                top->mentor[place] = top->mentor[place - 1];
            }
            top->value[place] = rank;
            top->true_value[place] = v;
            top->mentor[place] = col;
        }
    }
    return valid;
}

i64 scan_pairs(const Cohort *c, const Request *q, Result *r) {
    const i64 ranked = q->keep + 1; /* the kept and the best left behind */
    const size_t entries = (size_t)(c->entry_count > 0 ? c->entry_count : 1);
    double *values = malloc(entries * sizeof(double));
    uint8_t *codes_buffer = malloc(entries);
    Ranking top = {.ranked = ranked,
                   .value = malloc((size_t)ranked * sizeof(double)),
                   .true_value = malloc((size_t)ranked * sizeof(double)),
                   .mentor = malloc((size_t)ranked * sizeof(i64)),
                   .chunk_best = malloc((entries / CHUNK + 1) * sizeof(double)),
                   .cut = malloc((size_t)ranked * sizeof(double)),
                   .entry_floor = malloc(entries * sizeof(double))};
    /* Per skill term: its value for each proficiency code, so a pair costs a lookup per term. */
    double *term_table = malloc((size_t)(c->max_terms * c->code_count + 1) * sizeof(double));
    i64 *earlier_skill = malloc((size_t)(c->max_wishes + 1) * sizeof(i64));
    int ok = values && codes_buffer && top.value && top.true_value && top.mentor && top.chunk_best && top.cut &&
             term_table && earlier_skill && top.entry_floor;
    if (!ok) {
        release(values, codes_buffer, &top, term_table, earlier_skill);
        return -1;
    }
    /* no floor seen yet; without mentor lists, none a pair could reach */
    for (size_t e = 0; e < entries; e++) top.entry_floor[e] = q->mentor_keep ? -INFINITY : INFINITY;
    const i64 zw = c->zone_width, code_count = c->code_count;
#if WIDE_LOOKUPS
    const int wide = __builtin_cpu_supports("x86-64-v4"); /* as the resolver that picks the clone */
#else
    const int wide = 0;
#endif
    for (i64 n = 0; n < q->count; n++) {
        const i64 row = q->rows[n];
        const i64 t0 = c->term_start[row], terms = c->term_start[row + 1] - t0;
        for (i64 t = 0; t < terms; t++)
            for (i64 code = 0; code < code_count; code++) {
                double prof = c->code_value[code];
                term_table[t * code_count + code] =
                    c->term_fit[t0 + t] * prof + (prof > 0.0 ? c->term_goal[t0 + t] : 0.0);
            }
        Mentee m = {
            .row = row,
            .terms = terms,
            .earlier = 0,
            .department = c->mentee_department[row],
            .boss = c->entry_boss ? c->mentee_boss[row] : -1,
            .term_skill = c->term_skill + t0,
            .earlier_skill = earlier_skill,
            .term_table = term_table,
            .gain_row = c->zone_gain + (c->mentee_zone[row] + 1) * zw + 1,
            .allowed_row = c->zone_allowed ? c->zone_allowed + (c->mentee_zone[row] + 1) * zw + 1 : NULL,
            .language_row =
                c->language_allowed ? c->language_allowed + c->mentee_language[row] * c->language_sets : NULL,
            .cos = c->mentee_cos[row],
            .sin = c->mentee_sin[row],
            .price = q->mentee_price ? q->mentee_price[row] : 0.0,
        };
        const i64 w0 = c->wish_start[row], w1 = c->wish_start[row + 1];
        i64 written = 0, valid = 0;
        double left_behind = r->left_behind[row];
        for (i64 w = w0; w < w1; w++) {
            const i64 block = c->wish_block[w];
            const i64 end = c->block_start[block + 1];
            const i64 lo = lower_bound(c->block_level, c->block_start[block], end, c->level_low[row]);
            const i64 hi = upper_bound(c->block_level, lo, end, c->level_high[row]);
            block_values(c, q, &m, lo, hi, values, codes_buffer, wide);
            valid += rank_block(c, q, r, row, lo, hi, values, &top);
            if (top.dropped > left_behind) left_behind = top.dropped;
            earlier_skill[m.earlier++] = c->block_skill[block];
            const i64 kept = top.filled < q->keep ? top.filled : q->keep;
            for (i64 k = 0; k < kept; k++) r->out_mentor[r->out_start[n] + written++] = top.mentor[k];
            /* Not kept: the ranked one past `keep` too. */
            if (top.filled == ranked && top.true_value[ranked - 1] > left_behind)
                left_behind = top.true_value[ranked - 1];
        }
        r->out_count[n] = written;
        r->left_behind[row] = left_behind;
        r->valid_count[row] += valid;
    }
    release(values, codes_buffer, &top, term_table, earlier_skill);
    return 0;
}

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
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef int64_t i64;

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
    const uint8_t *entry_code;    /* [entry][skill] (its mentor's proficiency_code row), read in
                                     sequence; NULL: read the mentor's row instead */
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
 * Most offers lose to a full list: the compact floor turns them away without reading the list. */
static void offer_mentor(const Request *q, Result *r, i64 col, double v, i64 mentee) {
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


/* Mark (or clear) the mentee's ruled-out mentors among the entries [lo, hi) of one block. */
static void mark_exceptions(const Cohort *c, i64 row, i64 lo, i64 hi, uint8_t *blocked, uint8_t mark) {
    for (i64 x = c->except_start[row]; x < c->except_start[row + 1]; x++) {
        i64 col = c->except_mentor[x];
        for (i64 e = c->mentor_entry_start[col]; e < c->mentor_entry_start[col + 1]; e++)
            if (c->mentor_entry[e] >= lo && c->mentor_entry[e] < hi) blocked[c->mentor_entry[e]] = mark;
    }
}

i64 scan_pairs(const Cohort *c, const Request *q, Result *r) {
    const i64 ranked = q->keep + 1; /* the kept and the best left behind */
    uint8_t *blocked = calloc((size_t)(c->entry_count > 0 ? c->entry_count : 1), 1);
    double *top_value = malloc((size_t)ranked * sizeof(double)); /* ranking value (spread in) */
    double *top_true = malloc((size_t)ranked * sizeof(double));  /* adjusted value */
    i64 *top_mentor = malloc((size_t)ranked * sizeof(i64));
    /* Per skill term: its value for each proficiency code, so a pair costs a lookup per term. */
    double *term_table = malloc((size_t)(c->max_terms * c->code_count + 1) * sizeof(double));
    i64 *earlier_skill = malloc((size_t)(c->max_wishes + 1) * sizeof(i64));
    if (!blocked || !top_value || !top_true || !top_mentor || !term_table || !earlier_skill) {
        free(blocked); free(top_value); free(top_true); free(top_mentor); free(term_table); free(earlier_skill);
        return -1;
    }
    const i64 zw = c->zone_width, code_count = c->code_count, skill_count = c->skill_count;
    const uint8_t *const proficiency_code = c->proficiency_code;
    const int32_t *const entry_mentor = c->entry_mentor, *const entry_department = c->entry_department;
    const uint8_t *const entry_code = c->entry_code;
    const int32_t *const entry_zone = c->entry_zone, *const entry_language = c->entry_language;
    const int32_t *const entry_boss = c->entry_boss;
    const float *const entry_cos = c->entry_cos, *const entry_sin = c->entry_sin;
    const double *const entry_price = q->entry_price, *const zone_gain = c->zone_gain;
    const uint8_t *const zone_allowed = c->zone_allowed;
    const double base = c->base, cross_department = c->cross_department, tie_break = c->tie_break;
    const i64 mentor_keep = q->mentor_keep;
    const double spread = q->spread;
    for (i64 n = 0; n < q->count; n++) {
        const i64 row = q->rows[n];
        const double mentee_price = q->mentee_price ? q->mentee_price[row] : 0.0;
        const i64 t0 = c->term_start[row], terms = c->term_start[row + 1] - t0;
        for (i64 t = 0; t < terms; t++)
            for (i64 code = 0; code < code_count; code++) {
                double prof = c->code_value[code];
                term_table[t * code_count + code] =
                    c->term_fit[t0 + t] * prof + (prof > 0.0 ? c->term_goal[t0 + t] : 0.0);
            }
        const i64 *const term_skill = c->term_skill + t0;
        const i64 department = c->mentee_department[row];
        const double *const gain_row = zone_gain + (c->mentee_zone[row] + 1) * zw + 1;
        const uint8_t *const allowed_row =
            zone_allowed ? zone_allowed + (c->mentee_zone[row] + 1) * zw + 1 : NULL;
        const double ec = c->mentee_cos[row], es = c->mentee_sin[row];
        const i64 boss = entry_boss ? c->mentee_boss[row] : -1;
        const uint8_t *const language_row =
            c->language_allowed ? c->language_allowed + c->mentee_language[row] * c->language_sets : NULL;
        const i64 w0 = c->wish_start[row], w1 = c->wish_start[row + 1];
        i64 written = 0, valid = 0, earlier = 0;
        double left_behind = r->left_behind[row];
        for (i64 w = w0; w < w1; w++) {
            const i64 block = c->wish_block[w];
            const i64 end = c->block_start[block + 1];
            const i64 lo = lower_bound(c->block_level, c->block_start[block], end, c->level_low[row]);
            const i64 hi = upper_bound(c->block_level, lo, end, c->level_high[row]);
            mark_exceptions(c, row, lo, hi, blocked, 1);
            i64 filled = 0;
            double dropped = -INFINITY; /* the best adjusted value pushed out of the ranking */
            for (i64 at = lo; at < hi; at++) {
                if (blocked[at]) continue;
                const i64 col = entry_mentor[at];
                const uint8_t *const codes =
                    entry_code ? entry_code + at * skill_count : proficiency_code + col * skill_count;
                int seen_before = 0; /* the pair belongs to the block of an earlier shared skill */
                for (i64 k = 0; k < earlier; k++) seen_before |= codes[earlier_skill[k]];
                if (seen_before) continue;
                if (boss >= 0 && entry_boss[at] == boss) continue;
                if (allowed_row && !allowed_row[entry_zone[at]]) continue;
                if (language_row && !language_row[entry_language[at]]) continue;
                valid++;
                double v = base + gain_row[entry_zone[at]];
                for (i64 t = 0; t < terms; t++) v += term_table[t * code_count + codes[term_skill[t]]];
                const i64 mentor_department = entry_department[at];
                if (department >= 0 && mentor_department >= 0 && mentor_department != department)
                    v += cross_department;
                v += tie_break * (1.0 + ec * entry_cos[at] + es * entry_sin[at]);
                if (entry_price) v -= entry_price[at];
                v -= mentee_price;
                if (mentor_keep) offer_mentor(q, r, col, v, row);
                const i64 last = ranked - 1;
                /* h < 1, so a pair more than `spread` behind a full ranking needs no hash. */
                const int far = filled == ranked && spread > 0.0 && v + spread <= top_value[last];
                const double rank = spread > 0.0 && !far ? v + spread * pair_hash(row, col) : v;
                if (filled == ranked) {
                    if (far || !better(rank, col, top_value[last], top_mentor[last])) {
                        if (v > dropped) dropped = v;
                        continue;
                    }
                    if (top_true[last] > dropped) dropped = top_true[last];
                }
                i64 place = filled < ranked ? filled++ : last;
                while (place > 0 && better(rank, col, top_value[place - 1], top_mentor[place - 1])) {
                    top_value[place] = top_value[place - 1];
                    top_true[place] = top_true[place - 1];
                    top_mentor[place] = top_mentor[place - 1];
                    place--;
                }
                top_value[place] = rank;
                top_true[place] = v;
                top_mentor[place] = col;
            }
            mark_exceptions(c, row, lo, hi, blocked, 0);
            earlier_skill[earlier++] = c->block_skill[block];
            const i64 kept = filled < q->keep ? filled : q->keep;
            for (i64 k = 0; k < kept; k++) r->out_mentor[r->out_start[n] + written++] = top_mentor[k];
            /* Not kept: the ranked one past `keep`, and every pair pushed out of the ranking. */
            if (filled == ranked && top_true[ranked - 1] > left_behind) left_behind = top_true[ranked - 1];
            if (dropped > left_behind) left_behind = dropped;
        }
        r->out_count[n] = written;
        r->left_behind[row] = left_behind;
        r->valid_count[row] += valid;
    }
    free(blocked); free(top_value); free(top_true); free(top_mentor); free(term_table); free(earlier_skill);
    return 0;
}

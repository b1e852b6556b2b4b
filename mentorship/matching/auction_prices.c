/*
 * b-matching by an auction with epsilon-scaling: near-optimal prices for the pricing loop's
 * early rounds, in a fraction of an exact solve's time, and, run on to an epsilon below one unit
 * over the mentee count (auction.py scales the values for that), the exact optimum. The kernel
 * reports the gap between its duals and its assignment, so exactness is checked, not assumed.
 *
 * Objects are mentor slots: slot k of mentor j (k < residual[j]) costs slot_cost[j][k] and has a
 * price; its ask is cost + price. A mentee's net for a mentor is value - the mentor's lowest ask,
 * and its own bypass (staying unmatched) nets 0 at no price. An unassigned mentee takes its best
 * object, raising that slot's price by its margin over the second best plus epsilon, and
 * displaces the slot's holder. Every mentee then ends within epsilon of its best object
 * (epsilon-complementary slackness), so the assignment is within epsilon per mentee of optimal.
 * A slot nobody holds but still priced (a starting price too high, or a holder gone) then bids
 * the other way, a reverse auction step: it drops its price to just below what its second most
 * interested mentee would pay and takes the most interested one, or to 0 if nobody would come.
 * Every step keeps each mentee within epsilon of its best; at the end an unused slot costs
 * nothing above its cost (its dual is 0), so a starting price that was too high does not stick.
 * With `relaxing`, when a phase starts (a finer epsilon, or new candidates) every seated mentee
 * netting less than its best (by more than the call's last epsilon) first has its slot's price
 * lowered until it does, all at once (lower_together below); one still not within the phase's
 * epsilon then tries a lower price on its own (relax below), and only if that would leave
 * another mentee too far from its best does it give the slot up and bid. auction.py relaxes in
 * exact rounds only: lower prices in the early rounds steer the pricing loop to worse candidates
 * (at 100,000 employees it then never settled).
 *
 * State (in/out, so a round starts from the last round's assignment and prices): holder[j][k]
 * (mentee or -1), slot_price[j][k], mate_slot[i] (j * width + k, -1 on its bypass, -2 not yet
 * seated).
 * Integer units throughout; ties go to the lower mentor, so results are reproducible. With
 * `lookahead`, a second thread sorts half the arcs by mentor (see Placing below), then works out
 * bids ahead of the bidding (see Lookahead below); every bid placed is still the one this thread
 * would have worked out, so results do not change.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

typedef int64_t i64;

/* The asks are read by the lookahead thread while the bidding thread writes them: relaxed atomic
 * accesses (plain moves on x86-64 and arm64) keep each read whole; the clock orders the rest. */
static inline i64 peek(const i64 *at) { return __atomic_load_n(at, __ATOMIC_RELAXED); }
static inline void poke(i64 *at, i64 value) { __atomic_store_n(at, value, __ATOMIC_RELAXED); }

enum { ON_BYPASS = -1, BIDDING = -2 };

typedef struct {
    i64 w, width;
    const i64 *residual, *slot_cost;
    i64 *slot_price;
    i64 *lowest, *second, *lowest_slot;  // per mentor: its lowest and second-lowest ask, and where
} Asks;

static i64 ask(const Asks *a, i64 slot) { return a->slot_cost[slot] + a->slot_price[slot]; }

static void refresh(Asks *a, i64 j) {
    i64 low = INT64_MAX, next = INT64_MAX, at = -1;
    for (i64 k = 0; k < a->residual[j]; k++) {
        const i64 slot = j * a->width + k, x = ask(a, slot);
        if (x < low) next = low, low = x, at = slot;
        else if (x < next) next = x;
    }
    poke(&a->lowest[j], low), poke(&a->second[j], next), poke(&a->lowest_slot[j], at);
}

/* A forward bid as best_net finds it: the best net, where (-1: the bypass), and the runner-up,
 * with the mentors they came from (-1: the bypass), which a lookahead bid is checked against. */
typedef struct {
    i64 best, slot, second, best_mentor, second_mentor;
} Bid;

/* Mentee i's best and second-best net over its arcs and its bypass; the runner-up's mentor only
 * when `checked` (a lookahead bid): inlined, so the bidding thread's loop is built without it. */
static inline __attribute__((always_inline)) Bid best_net(const Asks *a, const i64 *row_start, const i64 *arc_mentor,
                                                         const i64 *arc_value, i64 i, int checked) {
    i64 best = 0, second = 0, best_mentor = -1, second_mentor = -1, best_value = 0;  // the bypass nets 0
    for (i64 e = row_start[i]; e < row_start[i + 1]; e++) {
        const i64 j = arc_mentor[e], lowest = peek(&a->lowest[j]);
        if (lowest == INT64_MAX) continue;
        const i64 net = arc_value[e] - lowest;
        if (net > best) {
            if (checked) second_mentor = best_mentor;
            second = best, best = net, best_mentor = j, best_value = arc_value[e];
        } else if (net > second) {
            if (checked) second_mentor = j;
            second = net;
        }
    }
    i64 slot = -1;
    if (best_mentor >= 0) {
        const i64 next = peek(&a->second[best_mentor]);
        if (next != INT64_MAX && best_value - next > second) second = best_value - next, second_mentor = best_mentor;
        slot = peek(&a->lowest_slot[best_mentor]);
    }
    return (Bid){best, slot, second, best_mentor, second_mentor};
}

/*
 * Lookahead: with a second core, a helper thread works out the bids of the mentees further down
 * the queue while this one places bids, at the prices of the moment. During the forward loop
 * asks only rise, so a bid worked out earlier is still the bid best_net would find now as long as
 * the mentors of its best and runner-up nets have not changed since (every other net could only
 * have fallen); otherwise it is worked out again. Every bid placed is therefore the one the
 * single-threaded auction places, in the same order: results are identical, only sooner. Mentor
 * changes are stamped with a clock, which the helper reads (acquire) before each bid it works out.
 */
enum {
    LEAD = 32,      /* the helper works from 32 places past the bidding thread's (the nearer ones are
                       the bidding thread's own: a race for the next place costs both) */
    LOOKAHEAD = 256, /* ... to at most 256 places past it (further ahead, more bids go stale) */
    PUBLISH = 16,   /* where the bidding thread is, and the clock, are published every 16 places:
                       each store costs the helper a cache line, and a late clock only means more
                       bids checked as stale */
    PATIENCE = 256, /* spins the bidding thread waits for a claimed bid (a few microseconds, a bid
                       takes well under one) before it works the bid out itself: the helper may
                       have lost its core (more threads than cores, as under pytest-xdist) */
    IDLE_SPINS = 1024, /* the helper's spins with nothing to do before it gives its core up */
};

typedef struct {
    _Alignas(64) i64 position; /* the queue place it was worked out for (-1: none); a cache line each */
    i64 claimed;               /* the queue place being worked out (-1: none) */
    i64 mentee, seen;
    Bid bid;
} Ahead;

typedef struct {
    const Asks *a;
    const i64 *row_start, *arc_mentor, *arc_value, *queue;
    i64 size;
    /* atomic, each on its own cache line: the place being bid for, the queue's end, the clock of
     * mentor changes, and the end of the forward loop */
    _Alignas(64) i64 taken;
    _Alignas(64) i64 queued;
    _Alignas(64) i64 clock;
    _Alignas(64) int stop;
    Ahead ahead[LOOKAHEAD];
} Lookahead;

static inline void spin(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void *look_ahead(void *argument) {
    Lookahead *l = argument;
    i64 next = 0, idle = 0;
    while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
        const i64 taken = __atomic_load_n(&l->taken, __ATOMIC_ACQUIRE);
        const i64 queued = __atomic_load_n(&l->queued, __ATOMIC_ACQUIRE);
        if (next < taken + LEAD) next = taken + LEAD;
        if (next >= queued || next >= taken + LOOKAHEAD) {
            if (++idle % IDLE_SPINS == 0) sched_yield();
            else spin();
            continue;
        }
        idle = 0;
        Ahead *at = &l->ahead[next % LOOKAHEAD];
        __atomic_store_n(&at->claimed, next, __ATOMIC_RELEASE);  // the bidding thread waits for it now
        const i64 seen = __atomic_load_n(&l->clock, __ATOMIC_ACQUIRE), i = l->queue[next % l->size];
        at->mentee = i, at->seen = seen;
        at->bid = best_net(l->a, l->row_start, l->arc_mentor, l->arc_value, i, 1);
        __atomic_store_n(&at->position, next, __ATOMIC_RELEASE);
        next++;
    }
    return NULL;
}

/* The bid of mentee i at queue place `taken`: the helper's when it still holds (waited for if the
 * helper is on it: it is nearly done, and working it out here too would race it), else worked out. */
static Bid next_bid(const Lookahead *l, const i64 *changed_at, const Asks *a, const i64 *row_start,
                    const i64 *arc_mentor, const i64 *arc_value, i64 taken, i64 i) {
    if (l) {
        const Ahead *at = &l->ahead[taken % LOOKAHEAD];
        if (__atomic_load_n(&at->claimed, __ATOMIC_ACQUIRE) == taken)
            for (int waited = 0; waited < PATIENCE && __atomic_load_n(&at->position, __ATOMIC_ACQUIRE) != taken; waited++)
                spin();
        if (__atomic_load_n(&at->position, __ATOMIC_ACQUIRE) == taken && at->mentee == i) {
            const Bid bid = at->bid;
            if ((bid.best_mentor < 0 || changed_at[bid.best_mentor] <= at->seen) &&
                (bid.second_mentor < 0 || changed_at[bid.second_mentor] <= at->seen))
                return bid;
        }
    }
    return best_net(a, row_start, arc_mentor, arc_value, i, 0);
}

/* Mentee i's best net (as best_net) and, in *own, its net at `seated`: 0 on the bypass or while
 * bidding, INT64_MIN when it has no arc to that slot's mentor any more. One pass over its arcs. */
static i64 best_and_own(const Asks *a, const i64 *row_start, const i64 *arc_mentor, const i64 *arc_value, i64 i,
                        i64 seated, i64 *own) {
    const i64 seated_mentor = seated >= 0 ? seated / a->width : -1;
    i64 best = 0, mine = seated >= 0 ? INT64_MIN : 0;
    for (i64 e = row_start[i]; e < row_start[i + 1]; e++) {
        const i64 j = arc_mentor[e];
        if (j == seated_mentor) mine = arc_value[e] - ask(a, seated);
        if (a->lowest[j] == INT64_MAX) continue;
        const i64 net = arc_value[e] - a->lowest[j];
        if (net > best) best = net;
    }
    *own = mine;
    return best;
}

/* Phase start: seated mentee i is `shortfall` short of being within eps of its best. Lowering its
 * own slot's price by that much keeps it seated (no bid, no chain of displacements) if every
 * other seated mentee with an arc to the mentor stays within eps of its own best; returns whether
 * it did. Nets are exact at a phase's start, so the check is too. At 100,000 employees, after
 * lower_together, it still keeps about 2,000 mentees a phase of the first exact round seated. */
static int relax(Asks *a, const i64 *by_mentor, const i64 *by_mentor_start, const i64 *mate_slot, i64 *net, i64 i,
                 i64 slot, i64 shortfall, i64 eps) {
    if (a->slot_price[slot] < shortfall) return 0;
    const i64 j = slot / a->width, lowered = ask(a, slot) - shortfall;
    if (lowered < a->lowest[j])  // the others see the mentor's ask fall: each must stay within eps
        for (i64 e = by_mentor_start[j]; e < by_mentor_start[j + 1]; e++) {
            const i64 k = by_mentor[2 * e];
            if (k != i && mate_slot[k] != BIDDING && by_mentor[2 * e + 1] - lowered > net[k] + eps) return 0;
        }
    a->slot_price[slot] -= shortfall;
    refresh(a, j);
    net[i] += shortfall;
    return 1;
}

/* Phase start, before relax: every seated mentee not netting its best has its own slot's price
 * lowered until it does (as far as the price goes), every shortfall measured at the asks the phase
 * found. The last phase's price wars leave the slots of mentors tied for many mentees staggered up
 * to its epsilon apart; lowered one at a time, each is refused as soon as a mentee of a slot still
 * high would be out of reach, where lowered together most are not. Whoever is still short of eps
 * afterwards tries relax, then bids. At 100,000 employees this cuts the bidders of each phase of
 * the first exact round from about 22,000 to 8,000 (lowering only those short of eps, to within
 * it: 11,000, and the whole match slower). A shortfall within `settled` (the call's last epsilon)
 * already meets the call's end condition and is left alone: lowered, an exact auction resumed
 * from its own end would move prices down a part at a time, and each fall sends the pricing loop
 * to rescan against that mentor. */
static void lower_together(Asks *a, const i64 *row_start, const i64 *arc_mentor, const i64 *arc_value,
                           const i64 *mate_slot, i64 n, i64 settled, i64 *shortfall) {
    for (i64 i = 0; i < n; i++) {
        shortfall[i] = 0;
        if (mate_slot[i] < 0) continue;
        i64 own;
        const i64 best = best_and_own(a, row_start, arc_mentor, arc_value, i, mate_slot[i], &own);
        if (own != INT64_MIN && best - own > settled) shortfall[i] = best - own;
    }
    for (i64 i = 0; i < n; i++) {
        if (shortfall[i] == 0) continue;
        i64 *price = &a->slot_price[mate_slot[i]];
        *price -= shortfall[i] < *price ? shortfall[i] : *price;
    }
    for (i64 j = 0; j < a->w; j++) refresh(a, j);
}

/* The arcs again by mentor, for the reverse steps: (mentee, value) at each mentor's cursor, for
 * the mentors in [from, to). The writes scatter over the whole table and are the cost (at 100,000
 * employees, 35 ms of a round's 40 ms setup); reading every arc once per thread is not, so with a
 * second core each thread places the arcs of half the mentors. */
typedef struct {
    const i64 *row_start, *arc_mentor, *arc_value;
    i64 mentees, from, to;
    i64 *cursor, *by_mentor;
} Placing;

enum { PLACING_SPLIT = 1 << 16 };  // fewer arcs than this are placed on one thread

static void *place_by_mentor(void *argument) {
    const Placing *p = argument;
    for (i64 i = 0; i < p->mentees; i++)
        for (i64 e = p->row_start[i]; e < p->row_start[i + 1]; e++) {
            const i64 j = p->arc_mentor[e];
            if (j < p->from || j >= p->to) continue;
            i64 *at = &p->by_mentor[2 * p->cursor[j]++];
            at[0] = i, at[1] = p->arc_value[e];
        }
    return NULL;
}

/*
 * Arcs in CSR by mentee, as for solve_b_matching; slot_cost and slot_price row-major
 * [mentor_count x width]. Runs one phase per entry of epsilon (decreasing), relaxing seated mentees
 * at phase starts when `relaxing`, with a helper thread when `lookahead`. Returns the number of
 * bids, or -1 when memory ran out. *gap is then the dual objective (each mentee's best net, plus
 * every open slot's price) less the assignment's objective: sum over mentees of best net less
 * own net, plus the prices of open slots nobody holds; below 1 per mentee times the last epsilon.
 */
int64_t auction_b_matching(i64 mentee_count, i64 mentor_count, const i64 *row_start, const i64 *arc_mentor,
                           const i64 *arc_value, const i64 *residual, const i64 *slot_cost, i64 width,
                           const i64 *epsilon, i64 phases, i64 relaxing, i64 lookahead, i64 *holder, i64 *slot_price,
                           i64 *mate_slot, i64 *gap) {
    const i64 n = mentee_count, w = mentor_count, arcs = row_start[n], slots = w * width;
    Asks a = {w, width, residual, slot_cost, slot_price, malloc(sizeof(i64) * (w + 1)),
              malloc(sizeof(i64) * (w + 1)), malloc(sizeof(i64) * (w + 1))};
    i64 *queue = malloc(sizeof(i64) * (n + 1)), *net = malloc(sizeof(i64) * (n + 1));
    i64 *unheld = malloc(sizeof(i64) * (slots + 1)), *shortfall = relaxing ? malloc(sizeof(i64) * (n + 1)) : NULL;
    // with `lookahead`: the helper's state, and per mentor the clock at its last change
    Lookahead *look = lookahead ? aligned_alloc(64, sizeof(Lookahead)) : NULL;
    i64 *changed_at = lookahead ? calloc((size_t)w + 1, sizeof(i64)) : NULL, clock = 0;
    // the arcs again by mentor, for the reverse steps: (mentee, value) per mentor
    i64 *by_mentor_start = calloc((size_t)w + 1, sizeof(i64)), *by_mentor = malloc(sizeof(i64) * 2 * (arcs + 1));
    if (!a.lowest || !a.second || !a.lowest_slot || !queue || !net || !unheld || !by_mentor_start || !by_mentor ||
        (relaxing && !shortfall) || (lookahead && (!look || !changed_at))) {
        free(a.lowest), free(a.second), free(a.lowest_slot), free(queue), free(net), free(unheld);
        free(by_mentor_start), free(by_mentor), free(look), free(changed_at), free(shortfall);
        return -1;
    }
    for (i64 e = 0; e < arcs; e++) by_mentor_start[arc_mentor[e] + 1]++;
    for (i64 j = 0; j < w; j++) by_mentor_start[j + 1] += by_mentor_start[j];
    {  // by_mentor_start is each mentor's cursor while placing, its end after
        Placing lower = {row_start, arc_mentor, arc_value, n, 0, w, by_mentor_start, by_mentor}, upper = lower;
        pthread_t helper;
        int helped = 0;
        if (lookahead && arcs >= PLACING_SPLIT) {  // the upper half of the arcs' mentors on the helper
            i64 middle = 0;
            while (by_mentor_start[middle + 1] < arcs / 2) middle++;
            lower.to = upper.from = middle;
            helped = pthread_create(&helper, NULL, place_by_mentor, &upper) == 0;
            if (!helped) lower.to = w;
        }
        place_by_mentor(&lower);
        if (helped) pthread_join(helper, NULL);
    }
    for (i64 j = w; j > 0; j--) by_mentor_start[j] = by_mentor_start[j - 1];
    by_mentor_start[0] = 0;
    for (i64 j = 0; j < w; j++) {
        for (i64 k = residual[j]; k < width; k++) holder[j * width + k] = -1, slot_price[j * width + k] = 0;
        refresh(&a, j);
    }
    for (i64 i = 0; i < n; i++) {  // a kept assignment must still be an arc to a slot it holds
        const i64 slot = mate_slot[i];
        best_and_own(&a, row_start, arc_mentor, arc_value, i, slot, &net[i]);
        if (slot >= 0 && (holder[slot] != i || net[i] == INT64_MIN)) mate_slot[i] = BIDDING, net[i] = 0;
    }
    for (i64 slot = 0; slot < slots; slot++)
        if (holder[slot] >= 0 && mate_slot[holder[slot]] != slot) holder[slot] = -1;
    i64 bids = 0, quiet = 0, widest = 0;  // quiet: the last phase changed nothing; widest: its largest slack
    for (i64 phase = 0; phase < phases; phase++) {
        const i64 eps = epsilon[phase];
        // A phase after a quiet one whose eps is no finer than every mentee's slack changes nothing
        // either: skipped, with its scan of every mentee (an exact round on settled candidates).
        if (quiet && widest <= eps) continue;
        if (relaxing) lower_together(&a, row_start, arc_mentor, arc_value, mate_slot, n, epsilon[phases - 1], shortfall);
        // Everyone not within eps of its best bids again (the first phase also seats newcomers).
        i64 queued = 0, relaxed = 0;
        const i64 size = n + 1;
        widest = 0;
        for (i64 i = 0; i < n; i++) {
            const i64 best = best_and_own(&a, row_start, arc_mentor, arc_value, i, mate_slot[i], &net[i]);
            if (mate_slot[i] != BIDDING) {
                if (net[i] >= best - eps) {
                    if (best - net[i] > widest) widest = best - net[i];
                    continue;
                }
                if (relaxing && mate_slot[i] >= 0 &&
                    relax(&a, by_mentor, by_mentor_start, mate_slot, net, i, mate_slot[i], best - eps - net[i], eps)) {
                    relaxed++;
                    continue;
                }
            }
            if (mate_slot[i] >= 0) holder[mate_slot[i]] = -1;
            mate_slot[i] = BIDDING;
            queue[queued++] = i;
        }
        const i64 starters = queued;
        // forward: the bidders; queue places count on (the queue is a ring of size n + 1). A bid
        // queues at most the one it displaces, so the queue never outgrows its starters: with
        // fewer than twice the helper's lead there is little for it to do.
        Lookahead *l = NULL;
        pthread_t helper;
        if (lookahead && starters >= 2 * LEAD) {
            *look = (Lookahead){.a = &a, .row_start = row_start, .arc_mentor = arc_mentor, .arc_value = arc_value,
                                .queue = queue, .size = size, .taken = 0, .queued = queued, .clock = clock};
            for (i64 x = 0; x < LOOKAHEAD; x++) look->ahead[x].position = look->ahead[x].claimed = -1;
            if (pthread_create(&helper, NULL, look_ahead, look) == 0) l = look;
        }
        for (i64 taken = 0, at = 0, end = queued; taken != queued; taken++, at = at + 1 == size ? 0 : at + 1) {
            const i64 i = queue[at];
            if (l && taken % PUBLISH == 0) {
                __atomic_store_n(&l->queued, queued, __ATOMIC_RELEASE);
                __atomic_store_n(&l->clock, clock, __ATOMIC_RELEASE);
                __atomic_store_n(&l->taken, taken, __ATOMIC_RELEASE);
            }
            const Bid bid = next_bid(l, changed_at, &a, row_start, arc_mentor, arc_value, taken, i);
            if (bid.slot < 0) {
                mate_slot[i] = ON_BYPASS, net[i] = 0;
                continue;
            }
            const i64 slot = bid.slot, j = slot / width;
            bids++;
            slot_price[slot] += bid.best - bid.second + eps;
            if (holder[slot] >= 0) {
                mate_slot[holder[slot]] = BIDDING;
                queue[end] = holder[slot], end = end + 1 == size ? 0 : end + 1, queued++;
            }
            holder[slot] = i, mate_slot[i] = slot, net[i] = bid.second - eps;
            refresh(&a, j);
            if (l) changed_at[j] = ++clock;  // stamped after the asks changed
        }
        if (l) {
            __atomic_store_n(&l->stop, 1, __ATOMIC_RELEASE);
            pthread_join(helper, NULL);
        }
        i64 pending = 0;  // reverse: the priced slots nobody holds
        for (i64 slot = 0; slot < slots; slot++)
            if (holder[slot] < 0 && slot_price[slot] > 0) unheld[pending++] = slot;
        quiet = starters == 0 && relaxed == 0 && pending == 0;
        while (pending > 0) {
            const i64 slot = unheld[--pending], j = slot / width, cost = slot_cost[slot];
            if (holder[slot] >= 0 || slot_price[slot] == 0) continue;
            // (the slot is unheld, so none of these mentees sits in it)
            i64 first = INT64_MIN, second = INT64_MIN, taker = -1, taker_value = 0;
            for (i64 e = by_mentor_start[j]; e < by_mentor_start[j + 1]; e++) {
                const i64 i = by_mentor[2 * e], room = by_mentor[2 * e + 1] - cost - net[i];
                if (room > first) second = first, first = room, taker = i, taker_value = by_mentor[2 * e + 1];
                else if (room > second) second = room;
            }
            bids++;
            if (taker < 0 || first <= 0) {  // nobody would come even for nothing
                slot_price[slot] = 0;
                refresh(&a, j);
                continue;
            }
            const i64 price = second - eps > 0 ? second - eps : 0;
            slot_price[slot] = price < first - eps ? price : (first - eps > 0 ? first - eps : 0);
            const i64 left = mate_slot[taker];
            if (left >= 0) {
                holder[left] = -1;
                if (slot_price[left] > 0) unheld[pending++] = left;
            }
            holder[slot] = taker, mate_slot[taker] = slot;
            net[taker] = taker_value - cost - slot_price[slot];
            refresh(&a, j);
            if (left >= 0) refresh(&a, left / width);
        }
    }
    i64 slack = 0;
    for (i64 i = 0; i < n; i++) {
        i64 own;
        slack += best_and_own(&a, row_start, arc_mentor, arc_value, i, mate_slot[i], &own) - own;
    }
    for (i64 j = 0; j < w; j++)
        for (i64 k = 0; k < residual[j]; k++)
            if (holder[j * width + k] < 0) slack += slot_price[j * width + k];
    *gap = slack;
    free(a.lowest), free(a.second), free(a.lowest_slot), free(queue), free(net), free(unheld);
    free(by_mentor_start), free(by_mentor), free(look), free(changed_at), free(shortfall);
    return bids;
}

/* x rounded to the nearest integer, ties to even: np.rint's result, without a call into libm
 * (adding and taking away 1.5 x 2^52 leaves no bits below the point; from 2^52 on every double
 * is an integer already). */
static double round_to_even(double x) {
    const double shift = 0x1.8p52;
    return x > -0x1p52 && x < 0x1p52 ? (x + shift) - shift : x;
}

/*
 * The candidate pairs as auction_b_matching reads them, in one pass where numpy took a dozen (at
 * 100,000 employees, about 45 ms a round). A pair is usable when its value rounds to a positive
 * number of units (value x scale) and its mentor has room; usable pairs must come grouped by
 * mentee, mentors ascending (as the engine's candidates do), and become the arcs: mentor, value
 * in parts (units x fine), each mentee's first arc in row_start. usable[pair] says which they were.
 * Returns the number of arcs; -1 when the usable pairs are out of that order (nothing is
 * written but usable), -2 when a value in parts would not fit: |units| x fine >= 2^60 for some pair.
 */
int64_t auction_arcs(i64 pairs, i64 mentee_count, i64 mentor_count, const i64 *pair_mentee, const i64 *pair_mentor,
                     const double *value, const i64 *residual, double scale, i64 fine, uint8_t *usable,
                     i64 *row_start, i64 *arc_mentor, i64 *arc_value) {
    const i64 width = mentor_count > 1 ? mentor_count : 1;
    i64 arcs = 0, last_key = -1;
    for (i64 e = 0; e < pairs; e++) {
        const double units = round_to_even(value[e] * scale);
        if ((units < 0 ? -units : units) * (double)fine >= 0x1p60) return -2;
        usable[e] = units > 0 && residual[pair_mentor[e]] > 0;
        if (!usable[e]) continue;
        const i64 key = pair_mentee[e] * width + pair_mentor[e];
        if (key < last_key) return -1;
        last_key = key, arcs++;
    }
    for (i64 i = 0; i <= mentee_count; i++) row_start[i] = 0;
    for (i64 e = 0, arc = 0; e < pairs; e++) {
        if (!usable[e]) continue;
        row_start[pair_mentee[e] + 1]++;
        arc_mentor[arc] = pair_mentor[e];
        arc_value[arc++] = (i64)round_to_even(value[e] * scale) * fine;
    }
    for (i64 i = 0; i < mentee_count; i++) row_start[i + 1] += row_start[i];
    return arcs;
}

/*
 * After auction_b_matching, from its mate_slot (mentor x width + slot, or < 0): per pair whether it
 * is chosen (usable, to the mentee's mentor), per mentee its dual u, the best of value - price over
 * its usable pairs and 0 (its bypass), in the double arithmetic numpy would use, and per mentor its
 * load.
 */
void auction_outcome(i64 pairs, i64 mentee_count, i64 mentor_count, i64 width, const i64 *pair_mentee,
                     const i64 *pair_mentor, const double *value, const uint8_t *usable, const i64 *mate_slot,
                     const double *price, uint8_t *chosen, double *u, i64 *load) {
    for (i64 i = 0; i < mentee_count; i++) u[i] = 0.0;
    for (i64 j = 0; j < mentor_count; j++) load[j] = 0;
    for (i64 i = 0; i < mentee_count; i++)
        if (mate_slot[i] >= 0) load[mate_slot[i] / width]++;
    for (i64 e = 0; e < pairs; e++) {
        const i64 i = pair_mentee[e], j = pair_mentor[e];
        chosen[e] = usable[e] && mate_slot[i] >= 0 && mate_slot[i] / width == j;
        if (!usable[e]) continue;
        const double net = value[e] - price[j];
        if (net > u[i]) u[i] = net;
    }
}

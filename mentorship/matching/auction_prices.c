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
 * With `relaxing`, when a phase starts (a finer epsilon, or new candidates) a seated mentee no
 * longer within it first tries to keep its slot at a lower price (relax below); only if that would
 * leave another mentee too far from its best does it give the slot up and bid. auction.py relaxes
 * in exact rounds only: lower prices in the early rounds steer the pricing loop to worse
 * candidates (at 100,000 employees it then never settled).
 *
 * State (in/out, so a round starts from the last round's assignment and prices): holder[j][k]
 * (mentee or -1), slot_price[j][k], mate_slot[i] (j * width + k, -1 on its bypass, -2 not yet
 * seated).
 * Integer units throughout; ties go to the lower mentor, so results are reproducible.
 */
#include <stdint.h>
#include <stdlib.h>

typedef int64_t i64;

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
    a->lowest[j] = low, a->second[j] = next, a->lowest_slot[j] = at;
}

/* Mentee i's best and second-best net over its arcs and its bypass; *slot is where the best is
 * (-1: the bypass). */
static i64 best_net(const Asks *a, const i64 *row_start, const i64 *arc_mentor, const i64 *arc_value, i64 i,
                    i64 *slot, i64 *runner_up) {
    i64 best = 0, second = 0, best_mentor = -1, best_value = 0;  // the bypass nets 0
    for (i64 e = row_start[i]; e < row_start[i + 1]; e++) {
        const i64 j = arc_mentor[e];
        if (a->lowest[j] == INT64_MAX) continue;
        const i64 net = arc_value[e] - a->lowest[j];
        if (net > best) second = best, best = net, best_mentor = j, best_value = arc_value[e];
        else if (net > second) second = net;
    }
    if (best_mentor >= 0 && a->second[best_mentor] != INT64_MAX && best_value - a->second[best_mentor] > second)
        second = best_value - a->second[best_mentor];
    *slot = best_mentor < 0 ? -1 : a->lowest_slot[best_mentor];
    *runner_up = second;
    return best;
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
 * it did. Nets are exact at a phase's start, so the check is too. At 100,000 employees this
 * spares a fifth of the first exact round's bids and most of the next one's. */
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

/*
 * Arcs in CSR by mentee, as for solve_b_matching; slot_cost and slot_price row-major
 * [mentor_count x width]. Runs one phase per entry of epsilon (decreasing). Returns the number of
 * bids, or -1 when memory ran out. *gap is then the dual objective (each mentee's best net, plus
 * every open slot's price) less the assignment's objective: sum over mentees of best net less
 * own net, plus the prices of open slots nobody holds; below 1 per mentee times the last epsilon.
 */
int64_t auction_b_matching(i64 mentee_count, i64 mentor_count, const i64 *row_start, const i64 *arc_mentor,
                           const i64 *arc_value, const i64 *residual, const i64 *slot_cost, i64 width,
                           const i64 *epsilon, i64 phases, i64 relaxing, i64 *holder, i64 *slot_price,
                           i64 *mate_slot, i64 *gap) {
    const i64 n = mentee_count, w = mentor_count, arcs = row_start[n], slots = w * width;
    Asks a = {w, width, residual, slot_cost, slot_price, malloc(sizeof(i64) * (w + 1)),
              malloc(sizeof(i64) * (w + 1)), malloc(sizeof(i64) * (w + 1))};
    i64 *queue = malloc(sizeof(i64) * (n + 1)), *net = malloc(sizeof(i64) * (n + 1));
    i64 *unheld = malloc(sizeof(i64) * (slots + 1));
    // the arcs again by mentor, for the reverse steps: (mentee, value) per mentor
    i64 *by_mentor_start = calloc((size_t)w + 1, sizeof(i64)), *by_mentor = malloc(sizeof(i64) * 2 * (arcs + 1));
    if (!a.lowest || !a.second || !a.lowest_slot || !queue || !net || !unheld || !by_mentor_start || !by_mentor) {
        free(a.lowest), free(a.second), free(a.lowest_slot), free(queue), free(net), free(unheld);
        free(by_mentor_start), free(by_mentor);
        return -1;
    }
    for (i64 e = 0; e < arcs; e++) by_mentor_start[arc_mentor[e] + 1]++;
    for (i64 j = 0; j < w; j++) by_mentor_start[j + 1] += by_mentor_start[j];
    for (i64 i = 0; i < n; i++)
        for (i64 e = row_start[i]; e < row_start[i + 1]; e++) {
            i64 *at = &by_mentor[2 * by_mentor_start[arc_mentor[e]]++];
            at[0] = i, at[1] = arc_value[e];
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
        // Everyone not within eps of its best bids again (the first phase also seats newcomers).
        i64 head = 0, tail = 0, relaxed = 0;
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
            queue[tail++] = i;
        }
        const i64 starters = tail;  // (the queue is a ring: tail wraps)
        while (head != tail) {  // forward: the bidders
            const i64 i = queue[head];
            head = (head + 1) % size;
            i64 slot, second;
            const i64 best = best_net(&a, row_start, arc_mentor, arc_value, i, &slot, &second);
            if (slot < 0) {
                mate_slot[i] = ON_BYPASS, net[i] = 0;
                continue;
            }
            bids++;
            slot_price[slot] += best - second + eps;
            if (holder[slot] >= 0) {
                mate_slot[holder[slot]] = BIDDING;
                queue[tail] = holder[slot];
                tail = (tail + 1) % size;
            }
            holder[slot] = i, mate_slot[i] = slot, net[i] = second - eps;
            refresh(&a, slot / width);
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
    free(by_mentor_start), free(by_mentor);
    return bids;
}

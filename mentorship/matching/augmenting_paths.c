/*
 * Exact b-matching with rising slot costs by successive shortest augmenting paths (Dijkstra on
 * reduced costs), the engine's flow kernel. Loaded through ctypes: plain C, no Python API, so one
 * build serves every Python version, and cross-compiling it for the Lambda runtime needs a C
 * compiler only.
 *
 * Problem: mentee i may take one mentor j over a candidate arc worth value[a] (whole units);
 * mentor j takes at most residual[j] mentees, its k-th costing slot_cost[j][k] (non-decreasing in k);
 * maximise total value minus slot costs, leaving a mentee unmatched when nothing gains.
 *
 * As a flow: every mentee sends one unit to the sink T, through a mentor and one of its slots, or
 * through its own bypass (unmatched). Potentials: u[i] per mentee, price[j] per mentor and t for
 * T, with the reduced cost of each residual arc non-negative:
 *   mentee i -> mentor j (not its mate)   u[i] + price[j] - value          >= 0
 *   mentor j -> its mentee i              value - price[j] - u[i]          >= 0 (so = 0)
 *   mentee i -> T (bypass, if matched)    u[i] + t                         >= 0
 *   T -> mentee i (if unmatched)          -u[i] - t                        >= 0
 *   mentor j -> T (its next slot)         slot_cost[j][load] - price[j] + t >= 0
 *   T -> mentor j (its last slot)         price[j] - slot_cost[j][load-1] - t >= 0
 * A mentee not yet routed (an excess) finds the cheapest way to a node still owed a unit (a
 * deficit): the sink while mentees are unrouted, or a mentor holding a slot for a mentee that left.
 * Moving the potentials of the nodes settled short of the end by their shortfall keeps every
 * reduced cost non-negative, so each path is an optimal augmentation and the last leaves an
 * optimal matching. The Python side recovers the certificate's duals itself; these potentials
 * serve the search and a warm start.
 *
 * Warm start: given the previous call's matching and potentials (the same mentees and mentors),
 * only arcs new since then can have a negative reduced cost. Their mentees are unrouted, leaving a
 * deficit behind (their mentor's slot, or the sink for an unmatched one), and routed again; the
 * rest of the matching stays. When few mentees have new improving arcs this costs a few searches
 * instead of a full solve.
 * Integer units and tie-breaks by node number make the result reproducible.
 */
#include <stdint.h>
#include <stdlib.h>

typedef int64_t i64;

typedef struct {
    i64 key;
    i64 node;
} Entry;

static int before(Entry a, Entry b) { return a.key < b.key || (a.key == b.key && a.node < b.node); }

static void push(Entry *heap, i64 *size, Entry item) {
    i64 at = (*size)++;
    while (at > 0 && before(item, heap[(at - 1) / 2])) {
        heap[at] = heap[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    heap[at] = item;
}

static Entry pop(Entry *heap, i64 *size) {
    Entry top = heap[0], last = heap[--(*size)];
    i64 at = 0;
    for (;;) {
        i64 child = 2 * at + 1;
        if (child >= *size) break;
        if (child + 1 < *size && before(heap[child + 1], heap[child])) child++;
        if (!before(heap[child], last)) break;
        heap[at] = heap[child];
        at = child;
    }
    heap[at] = last;
    return top;
}

/* What a search reads of a node together, in one place: the searches are bound by memory reads,
 * and a relaxation then costs one cache line instead of one per array. `pot` is the potential:
 * u for a mentee, price for a mentor, t for the sink; `mate_value` is a mentee's pair's value. */
typedef struct {
    i64 dist, pot, mate_value, settled;
} Node;

/* A candidate arc, its mentor and value side by side (one read per arc, not two). */
typedef struct {
    i64 mentor, value;
} Arc;

typedef struct {
    i64 n, sink, width;
    Node *node;
    i64 *pred, *pred_value, *touched, *path, *members, *member_count;
    char *routed;
    Entry *heap;
    i64 heap_size, touched_count, target_key, target_node;
} Search;

static void release(Search *s) {
    free(s->node), free(s->pred), free(s->pred_value), free(s->touched), free(s->path);
    free(s->members), free(s->member_count), free(s->routed), free(s->heap);
}

/* Relax `node` to `key` from `from` (over an arc worth `value`, for mentor nodes). A node no closer
 * than the best end found so far could only be settled after the search ends: not queued. */
static void relax(Search *s, i64 node, i64 key, i64 from, i64 value, int is_target) {
    Node *const x = &s->node[node];
    if (key >= x->dist || key >= s->target_key) return;
    if (x->dist == INT64_MAX) s->touched[s->touched_count++] = node;
    x->dist = key;
    s->pred[node] = from;
    s->pred_value[node] = value;
    if (is_target) s->target_key = key, s->target_node = node;
    push(s->heap, &s->heap_size, (Entry){key, node});
}

typedef struct {
    i64 candidates, prior, node;
} Routing;

static int routing_order(const void *a, const void *b) {
    const Routing *x = a, *y = b;
    if (x->candidates != y->candidates) return x->candidates < y->candidates ? -1 : 1;
    if (x->prior != y->prior) return x->prior < y->prior ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

/* Mentees with fewer candidates are routed first: the flexible ones, routed later, find a way
 * round them cheaply, where the reverse order makes late searches cross a crowded market (about
 * 40% less time on the engine's 100k-employee candidate sets). Among equals, the lower potential
 * on entry first (a previous solve's: the mentees with least to spare), then the lower index. */
static int order_for_routing(i64 *mentees, i64 count, const i64 *row_start, const i64 *prior) {
    Routing *order = malloc(sizeof(Routing) * (size_t)(count + 1));
    if (!order) return -1;
    for (i64 k = 0; k < count; k++) {
        const i64 i = mentees[k];
        order[k] = (Routing){row_start[i + 1] - row_start[i], prior[i], i};
    }
    qsort(order, (size_t)count, sizeof(Routing), routing_order);
    for (i64 k = 0; k < count; k++) mentees[k] = order[k].node;
    free(order);
    return 0;
}

static void remove_member(Search *s, i64 j, i64 mentee) {
    i64 *row = s->members + j * s->width, k = 0;
    while (row[k] != mentee) k++;
    row[k] = row[--s->member_count[j]];
}

/*
 * Arcs in CSR by mentee: arcs of mentee i are arc_mentor/arc_value[row_start[i] .. row_start[i+1]).
 * slot_cost is row-major [mentor_count x width] with width >= max(residual).
 * State mate[i] (mentor or -1), u[i], price[j], sink_price[0]: read when `warm` is positive, then
 * written; load[j] is written. Starting cold, u on entry only orders the routing (see
 * order_for_routing) and price on entry gives the mentors' starting potentials (the sink's is
 * raised to keep every slot arc non-negative): a previous solve's, or zeros. Searches then start
 * from prices near the new optimum (about 10% less time on the engine's later pricing rounds;
 * any prices give the same optimum). A warm start re-routes at most
 * `warm` mentees. Returns the number of searches, -1 when memory ran out, -2 when a warm state
 * does not fit the arcs or needs more re-routing than that (the caller then starts cold), or -3 if
 * a search found no node owed a unit (a broken invariant: never seen, but reported rather than
 * looped on).
 */
int64_t solve_b_matching(i64 mentee_count, i64 mentor_count, const i64 *row_start, const i64 *arc_mentor,
                         const i64 *arc_value, const i64 *residual, const i64 *slot_cost, i64 width, i64 warm,
                         i64 *mate, i64 *u, i64 *price, i64 *sink_price, i64 *load) {
    const i64 n = mentee_count, w = mentor_count, sink = n + w, nodes = sink + 1;
    const i64 arcs = row_start[n];
    Search s = {
        .n = n,
        .sink = sink,
        .width = width,
        .node = malloc(sizeof(Node) * nodes),
        .pred = malloc(sizeof(i64) * nodes),
        .pred_value = malloc(sizeof(i64) * nodes),
        .touched = malloc(sizeof(i64) * nodes),
        .path = malloc(sizeof(i64) * nodes),
        .members = malloc(sizeof(i64) * (w * width + 1)),
        .member_count = calloc((size_t)w + 1, sizeof(i64)),
        .routed = calloc((size_t)n + 1, 1),
        .heap = malloc(sizeof(Entry) * (arcs + 3 * nodes + 1)),  // one entry per relaxation, at most
    };
    i64 *excess = malloc(sizeof(i64) * (n + 1));
    Arc *arc = malloc(sizeof(Arc) * (arcs + 1));
    if (!s.node || !s.pred || !s.pred_value || !s.touched || !s.path || !s.members ||
        !s.member_count || !s.routed || !s.heap || !excess || !arc) {
        release(&s), free(excess), free(arc);
        return -1;
    }
    Node *const node = s.node;
    for (i64 v = 0; v < nodes; v++) node[v] = (Node){INT64_MAX, 0, 0, 0};
    i64 sink_potential = 0, sink_deficit = 0, excess_count = 0, searches = 0;
    for (i64 j = 0; j < w; j++) load[j] = 0;
    if (warm) {
        sink_potential = sink_price[0];
        for (i64 i = 0; i < n; i++) {
            s.routed[i] = 1;
            if (mate[i] < 0) continue;
            i64 j = mate[i], a = row_start[i];
            while (a < row_start[i + 1] && arc_mentor[a] != j) a++;
            if (a == row_start[i + 1] || load[j] >= residual[j]) {
                release(&s), free(excess), free(arc);
                return -2;
            }
            node[i].mate_value = arc_value[a];
            s.members[j * width + s.member_count[j]++] = i;
            load[j]++;
        }
        for (i64 i = 0; i < n; i++) {
            i64 a = row_start[i];
            while (a < row_start[i + 1] && u[i] + price[arc_mentor[a]] >= arc_value[a]) a++;
            if (a == row_start[i + 1]) continue;  // no new arc improves on its place
            if (mate[i] >= 0)
                remove_member(&s, mate[i], i);  // its slot stays held: a deficit at the mentor
            else
                sink_deficit++;  // its bypass unit is withdrawn: a deficit at the sink
            mate[i] = -1, node[i].mate_value = 0, s.routed[i] = 0;
            excess[excess_count++] = i;
        }
        if (excess_count > warm) {  // too many to re-route one by one: a cold start is cheaper
            release(&s), free(excess), free(arc);
            return -2;
        }
    } else {
        for (i64 i = 0; i < n; i++) mate[i] = -1, excess[excess_count++] = i;
    }
    if (order_for_routing(excess, excess_count, row_start, u) < 0) {
        release(&s), free(excess), free(arc);
        return -1;
    }
    if (!warm) {  // u on entry only ordered the routing
        for (i64 i = 0; i < n; i++) u[i] = 0;
        // mentor j -> T: slot_cost[j][0] - price[j] + t >= 0 for every mentor with a slot
        sink_potential = 0;
        for (i64 j = 0; j < w; j++)
            if (residual[j] > 0 && price[j] - slot_cost[j * width] > sink_potential)
                sink_potential = price[j] - slot_cost[j * width];
        sink_deficit = n;
    }
    for (i64 i = 0; i < n; i++) node[i].pot = u[i];
    for (i64 j = 0; j < w; j++) node[n + j].pot = price[j];
    node[sink].pot = sink_potential;
    for (i64 a = 0; a < arcs; a++) arc[a] = (Arc){arc_mentor[a], arc_value[a]};

    for (i64 e = 0; e < excess_count; e++) {
        const i64 root = excess[e];
        // An unrouted mentee's potential starts at its best gain (or its bypass), so its arcs are >= 0.
        i64 best = -node[sink].pot;
        for (i64 a = row_start[root]; a < row_start[root + 1]; a++)
            if (arc[a].value - node[n + arc[a].mentor].pot > best) best = arc[a].value - node[n + arc[a].mentor].pot;
        node[root].pot = best;
        s.routed[root] = 1;
        if (best == -node[sink].pot && sink_deficit > 0) {  // nothing gains: straight to its bypass
            sink_deficit--;
            continue;
        }
        searches++;
        s.heap_size = 0, s.touched_count = 0, s.target_key = INT64_MAX;
        relax(&s, root, 0, -1, 0, 0);
        i64 reached = 0, end = -1;
        while (s.heap_size > 0) {
            Entry top = pop(s.heap, &s.heap_size);
            const i64 v = top.node, d = top.key;
            if (node[v].settled || d != node[v].dist) continue;
            node[v].settled = 1;
            if ((v == sink && sink_deficit > 0) || (v >= n && v < sink && s.member_count[v - n] < load[v - n])) {
                reached = d, end = v;
                break;
            }
            const i64 t = node[sink].pot;
            if (v < n) {  // mentee: out through its bypass (if it is matched, or new), or to any other mentor
                const i64 here = d + node[v].pot, own = mate[v];
                if (own >= 0 || v == root) relax(&s, sink, here + t, v, 0, sink_deficit > 0);
                for (i64 a = row_start[v]; a < row_start[v + 1]; a++) {
                    const i64 j = arc[a].mentor;
                    if (j == own) continue;
                    const i64 key = here + node[n + j].pot - arc[a].value;
                    // the target test reads two more arrays: only for a relaxation that improves
                    if (key < node[n + j].dist && key < s.target_key)
                        relax(&s, n + j, key, v, arc[a].value, s.member_count[j] < load[j]);
                }
            } else if (v < sink) {  // mentor: open its next slot, or hand one of its mentees on
                const i64 j = v - n, price_j = node[v].pot;
                if (load[j] < residual[j])
                    relax(&s, sink, d + slot_cost[j * width + load[j]] - price_j + t, v, 0, sink_deficit > 0);
                for (i64 k = 0; k < s.member_count[j]; k++) {
                    const i64 other = s.members[j * width + k];
                    relax(&s, other, d + node[other].mate_value - price_j - node[other].pot, v, 0, 0);
                }
            } else {  // the sink, owed nothing: a mentor may give up its last slot, or an unmatched mentee come in
                for (i64 j = 0; j < w; j++)
                    if (load[j] > 0)
                        relax(&s, n + j, d + node[n + j].pot - slot_cost[j * width + load[j] - 1] - t, v, 0,
                              s.member_count[j] < load[j]);
                for (i64 i = 0; i < n; i++)
                    if (s.routed[i] && mate[i] < 0 && i != root) relax(&s, i, d - node[i].pot - t, v, 0, 0);
            }
            if (s.target_key == d) {  // a node owed a unit is as close as any still queued: done
                reached = d, end = s.target_node;
                break;
            }
        }
        if (end < 0) {  // unreachable while the potentials hold: every deficit is reachable
            release(&s), free(excess), free(arc);
            return -3;
        }
        // Potentials: every node settled short of the end moves by its shortfall (a mentee's down,
        // a mentor's and the sink's up: reduced costs keep their signs).
        for (i64 k = 0; k < s.touched_count; k++) {
            const i64 v = s.touched[k];
            if (!node[v].settled || v == end || node[v].dist >= reached) continue;
            if (v < n)
                node[v].pot -= reached - node[v].dist;
            else
                node[v].pot += reached - node[v].dist;
        }
        // Augment along root = path[len-1] ... path[0] = end.
        i64 length = 0;
        for (i64 v = end; v != -1; v = s.pred[v]) s.path[length++] = v;
        for (i64 k = length - 2; k >= 0; k--) {
            const i64 from = s.path[k + 1], v = s.path[k], next = k > 0 ? s.path[k - 1] : -1;
            if (v >= n && v < sink) {  // a mentor: who arrives (mentee or closed slot), who leaves
                const i64 j = v - n;
                if (next >= 0 && next < n) {
                    remove_member(&s, j, next);
                    mate[next] = -1, node[next].mate_value = 0;
                }
                if (from < n) {
                    s.members[j * width + s.member_count[j]++] = from;
                    mate[from] = j, node[from].mate_value = s.pred_value[v];
                } else {
                    load[j]--;  // came from the sink: its last slot closes
                }
                if (next == sink) load[j]++;  // goes on to the sink: its next slot opens
            } else if (v == sink) {
                if (k == 0) sink_deficit--;
                if (from < n) mate[from] = -1, node[from].mate_value = 0;  // arrived by a bypass
            }
        }
        for (i64 k = 0; k < s.touched_count; k++) {
            node[s.touched[k]].dist = INT64_MAX;
            node[s.touched[k]].settled = 0;
        }
    }
    for (i64 i = 0; i < n; i++) u[i] = node[i].pot;
    for (i64 j = 0; j < w; j++) price[j] = node[n + j].pot;
    sink_price[0] = node[sink].pot;
    release(&s), free(excess), free(arc);
    return searches;
}

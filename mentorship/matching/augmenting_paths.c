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
 * Invariant (the duals): u[i] >= 0 per mentee, price[j] >= 0 per mentor, with
 *   u[i] + price[j] >= value(i, j)      on every arc, with equality on chosen arcs;
 *   u[i] = 0                            for unmatched mentees already routed;
 *   slot_cost[j][load-1] <= price[j] <= slot_cost[j][load]   (the slots used are the cheapest).
 * Each free mentee then finds the cheapest way to be placed (a new slot, displacing a chain of
 * mentees, or staying out) as a shortest path over non-negative reduced costs; moving the
 * potentials of the nodes it settled by their distance keeps the invariant. Every path is an
 * optimal augmentation, so the last one leaves an optimal matching and its duals.
 * Integer units and deterministic tie-breaks (by node number) make the result reproducible.
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

typedef struct {
    i64 sink;
    i64 *dist, *pred, *pred_value, *touched, *path, *mate_value, *members;
    char *settled;
    Entry *heap;
} Work;

static void release(Work *work) {
    free(work->dist), free(work->pred), free(work->pred_value), free(work->touched);
    free(work->path), free(work->mate_value), free(work->members), free(work->settled), free(work->heap);
}

/* Relax `node` to `key` from `from` (over an arc worth `value`, for mentor nodes). A node no closer
 * than the sink's best distance so far could only be settled after the search ends: not queued. */
static void relax(Work *work, i64 *heap_size, i64 *touched_count, i64 node, i64 key, i64 from, i64 value) {
    if (key >= work->dist[node] || key >= work->dist[work->sink]) return;
    if (work->dist[node] == INT64_MAX) work->touched[(*touched_count)++] = node;
    work->dist[node] = key;
    work->pred[node] = from;
    work->pred_value[node] = value;
    push(work->heap, heap_size, (Entry){key, node});
}

/*
 * Arcs in CSR by mentee: arcs of mentee i are arc_mentor/arc_value[row_start[i] .. row_start[i+1]).
 * slot_cost is row-major [mentor_count x width] with width >= max(residual).
 * Out: mate[i] (mentor or -1), u[i], price[j], load[j]. Returns 0, or -1 when memory ran out.
 */
int64_t solve_b_matching(i64 mentee_count, i64 mentor_count, const i64 *row_start, const i64 *arc_mentor,
                         const i64 *arc_value, const i64 *residual, const i64 *slot_cost, i64 width, i64 *mate,
                         i64 *u, i64 *price, i64 *load) {
    const i64 n = mentee_count, sink = mentee_count + mentor_count, nodes = sink + 1;
    const i64 arcs = row_start[n];
    Work work = {
        .sink = sink,
        .dist = malloc(sizeof(i64) * nodes),
        .pred = malloc(sizeof(i64) * nodes),
        .pred_value = malloc(sizeof(i64) * nodes),
        .touched = malloc(sizeof(i64) * nodes),
        .path = malloc(sizeof(i64) * nodes),
        .mate_value = malloc(sizeof(i64) * (n + 1)),
        .members = malloc(sizeof(i64) * (mentor_count * width + 1)),
        .settled = calloc((size_t)nodes, 1),
        .heap = malloc(sizeof(Entry) * (arcs + 2 * nodes + 1)),  // one entry per relaxation, at most
    };
    if (!work.dist || !work.pred || !work.pred_value || !work.touched || !work.path || !work.mate_value ||
        !work.members || !work.settled || !work.heap) {
        release(&work);
        return -1;
    }
    for (i64 v = 0; v < nodes; v++) work.dist[v] = INT64_MAX;
    for (i64 i = 0; i < n; i++) mate[i] = -1, u[i] = 0, work.mate_value[i] = 0;
    for (i64 j = 0; j < mentor_count; j++) price[j] = 0, load[j] = 0;

    for (i64 root = 0; root < n; root++) {
        // A free mentee's dual starts at its best gain, so its own arcs have reduced cost >= 0.
        i64 best = 0;
        for (i64 a = row_start[root]; a < row_start[root + 1]; a++)
            if (arc_value[a] - price[arc_mentor[a]] > best) best = arc_value[a] - price[arc_mentor[a]];
        u[root] = best;
        if (best == 0) continue;  // nothing gains: routed straight to "unmatched"

        i64 heap_size = 0, touched_count = 0, reached = 0;
        relax(&work, &heap_size, &touched_count, root, 0, -1, 0);
        while (heap_size > 0) {
            Entry top = pop(work.heap, &heap_size);
            i64 v = top.node, d = top.key;
            if (work.settled[v] || d != work.dist[v]) continue;
            work.settled[v] = 1;
            if (v == sink) {
                reached = d;
                break;
            }
            if (v < n) {  // mentee: stay out (bypass), or go to any mentor but its own
                relax(&work, &heap_size, &touched_count, sink, d + u[v], v, 0);
                for (i64 a = row_start[v]; a < row_start[v + 1]; a++) {
                    i64 j = arc_mentor[a];
                    if (j != mate[v])
                        relax(&work, &heap_size, &touched_count, n + j, d + u[v] + price[j] - arc_value[a], v,
                              arc_value[a]);
                }
            } else {  // mentor: open its next slot, or hand one of its mentees on
                i64 j = v - n;
                if (load[j] < residual[j])
                    relax(&work, &heap_size, &touched_count, sink, d + slot_cost[j * width + load[j]] - price[j], v,
                          0);
                for (i64 k = 0; k < load[j]; k++) {
                    i64 other = work.members[j * width + k];
                    relax(&work, &heap_size, &touched_count, other,
                          d + work.mate_value[other] - price[j] - u[other], v, 0);
                }
            }
        }
        // Potentials: every node settled short of the sink moves by its shortfall.
        for (i64 t = 0; t < touched_count; t++) {
            i64 v = work.touched[t];
            if (work.settled[v] && v != sink && work.dist[v] < reached) {
                if (v < n)
                    u[v] -= reached - work.dist[v];
                else
                    price[v - n] += reached - work.dist[v];
            }
        }
        // Augment along root -> mentor -> mentee -> ... -> sink: each mentee takes the next mentor,
        // which hands over the mentee after it (or opens a slot); a path ending at a mentee's
        // bypass leaves that mentee unmatched.
        i64 length = 0;
        for (i64 v = work.pred[sink]; v != -1; v = work.pred[v]) work.path[length++] = v;
        for (i64 t = length - 1; t >= 1; t -= 2) {
            i64 i = work.path[t], j = work.path[t - 1] - n;
            i64 handed_on = t >= 2 ? work.path[t - 2] : -1;
            if (handed_on >= 0) {
                i64 k = 0;
                while (work.members[j * width + k] != handed_on) k++;
                work.members[j * width + k] = i;
            } else {
                work.members[j * width + load[j]++] = i;
            }
            mate[i] = j;
            work.mate_value[i] = work.pred_value[n + j];
        }
        if (work.path[0] < n) mate[work.path[0]] = -1, work.mate_value[work.path[0]] = 0;
        for (i64 t = 0; t < touched_count; t++) {
            work.dist[work.touched[t]] = INT64_MAX;
            work.settled[work.touched[t]] = 0;
        }
    }
    release(&work);
    return 0;
}

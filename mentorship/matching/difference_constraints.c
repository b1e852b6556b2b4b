/*
 * Shortest distances from node 0 over difference constraints (Bellman-Ford with a FIFO queue of
 * improved nodes): the certificate's mentor prices are the largest meeting every constraint
 * price[dst] <= price[src] + weight (solver.py, mentor_prices). Kept apart from the flow kernel so
 * the certificate does not trust it: the edges come from the pairs and the chosen ones, never from
 * the kernel's potentials.
 *
 * Weights are whole units held in doubles (exact below 2^53), so a distance improves only by at
 * least one unit: a step under half a unit is not progress. A shortest path of as many edges as
 * there are nodes goes round a negative cycle, which an optimal matching cannot have: reported,
 * not looped on.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef int64_t i64;

/*
 * Edges (src[e], dst[e], weight[e]) for e < edge_count, nodes 0 .. node_count-1. Writes
 * distance[v] (INFINITY where unreachable). Returns 0, -1 when memory ran out, or -2 on a
 * negative cycle.
 */
i64 shortest_distances(i64 node_count, i64 edge_count, const i64 *src, const i64 *dst, const double *weight,
                       double *distance) {
    i64 *start = calloc((size_t)node_count + 1, sizeof(i64));
    i64 *out_dst = malloc(sizeof(i64) * (size_t)(edge_count + 1));
    double *out_weight = malloc(sizeof(double) * (size_t)(edge_count + 1));
    i64 *queue = malloc(sizeof(i64) * (size_t)(node_count + 1));
    i64 *edges_on_path = calloc((size_t)node_count + 1, sizeof(i64));
    char *queued = calloc((size_t)node_count + 1, 1);
    i64 status = 0;
    if (!start || !out_dst || !out_weight || !queue || !edges_on_path || !queued) {
        status = -1;
        goto done;
    }
    /* Edges grouped by source (a counting sort): a node's edges are read in one run. */
    for (i64 e = 0; e < edge_count; e++) start[src[e] + 1]++;
    for (i64 v = 0; v < node_count; v++) start[v + 1] += start[v];
    for (i64 e = 0; e < edge_count; e++) {
        const i64 at = start[src[e]]++;
        out_dst[at] = dst[e];
        out_weight[at] = weight[e];
    }
    for (i64 v = node_count; v > 0; v--) start[v] = start[v - 1];
    start[0] = 0;
    for (i64 v = 0; v < node_count; v++) distance[v] = INFINITY;
    if (node_count == 0) goto done;
    distance[0] = 0.0;
    /* The queue holds each node at most once, so a ring of node_count places is enough. */
    i64 head = 0, count = 1;
    queue[0] = 0, queued[0] = 1;
    while (count > 0) {
        const i64 v = queue[head];
        head = (head + 1) % node_count, count--;
        queued[v] = 0;
        for (i64 a = start[v]; a < start[v + 1]; a++) {
            const i64 next = out_dst[a];
            const double candidate = distance[v] + out_weight[a];
            if (!(candidate < distance[next] - 0.5)) continue;
            distance[next] = candidate;
            edges_on_path[next] = edges_on_path[v] + 1;
            if (edges_on_path[next] >= node_count) {
                status = -2;
                goto done;
            }
            if (!queued[next]) {
                queue[(head + count) % node_count] = next;
                queued[next] = 1, count++;
            }
        }
    }
done:
    free(start), free(out_dst), free(out_weight), free(queue), free(edges_on_path), free(queued);
    return status;
}

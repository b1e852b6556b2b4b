/*
 * Exact pair values, from the score's definitions (scoring.py), for a batch of pairs: the values
 * the flow problem and every reported score use. numpy needs several passes and a ragged
 * expansion per batch for the same sums; at 100,000 employees the pricing loop values about two
 * million new candidates, about 0.8 s that way. Built with -ffp-contract=off and summed in the
 * order numpy sums them (scoring.components, then the weighted sum term by term), so the results
 * are the same doubles, bit for bit (the tests check it).
 *
 *   skill_fit        = sum over the mentee's terms t of wish[t] * proficiency[mentor][skill[t]]
 *   goal_overlap     = sum over t of goal[t] * [proficiency > 0]
 *   cross_department = [both known and different]
 *   location         = shared_hours[zone_e][zone_m] / workday_hours (0 when a zone is unknown)
 *   value = load_spread + w_fit * skill_fit + w_goal * goal_overlap + w_cross * cross_department
 *           + w_location * location
 */
#include <stdint.h>

typedef int64_t i64;

typedef struct {
    const i64 *term_start;        /* [mentees + 1] into term_skill, term_wish, term_goal */
    const i64 *term_skill;
    const double *term_wish;
    const double *term_goal;
    const double *proficiency;    /* [mentor][skill] */
    i64 skill_count;
    const i64 *mentee_department; /* -1: unknown */
    const i64 *mentor_department;
    const i64 *mentee_zone;       /* -1: unknown */
    const i64 *mentor_zone;
    const double *shared_hours;   /* [zone][zone] */
    i64 zone_count;
    double workday_hours;
    double load_spread, skill_fit, goal_overlap, cross_department, location; /* the weights */
} Definitions;

void pair_values(const Definitions *d, i64 count, const i64 *rows, const i64 *cols, double *value) {
    for (i64 n = 0; n < count; n++) {
        const i64 row = rows[n], col = cols[n];
        const double *const proficiency = d->proficiency + col * d->skill_count;
        double fit = 0.0, goal = 0.0;
        for (i64 t = d->term_start[row]; t < d->term_start[row + 1]; t++) {
            const double coached = proficiency[d->term_skill[t]];
            fit += d->term_wish[t] * coached;
            goal += d->term_goal[t] * (coached > 0.0 ? 1.0 : 0.0);
        }
        const i64 de = d->mentee_department[row], dm = d->mentor_department[col];
        const double cross = de >= 0 && dm >= 0 && de != dm ? 1.0 : 0.0;
        const i64 ze = d->mentee_zone[row], zm = d->mentor_zone[col];
        const double hours = ze >= 0 && zm >= 0 ? d->shared_hours[ze * d->zone_count + zm] : 0.0;
        double total = d->load_spread;
        total += d->skill_fit * fit;
        total += d->goal_overlap * goal;
        total += d->cross_department * cross;
        total += d->location * (hours / d->workday_hours);
        value[n] = total;
    }
}

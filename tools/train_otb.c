/* siamcl train --data otb: SiamFC fine-tuning on OTB sequences with the
 * balanced logistic loss. Each item of a batch is a pair of frames of one
 * sequence at most 100 apart; the template is cut from the first as the
 * tracker cuts it (side sqrt((w+p)(h+p)), p = context * (w+h), resized to the
 * exemplar size, mean-colour padding), the search crop from the second,
 * exemplar side x instance/exemplar, with a small random scale jitter (+-5%)
 * and shift (+-4 search pixels, half a response cell, so the labels stay
 * centred). --val SEQ...: the tracker's OTB AUC on those sequences with the
 * model before and after training. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "train_cli.h"

typedef struct otb_seq {
    siamcl_sequence *seq;
    int n;        /* frames with ground truth */
} otb_seq;

typedef struct otb_src {
    const siamcl_tracker_desc *d;
    otb_seq *s;
    int ns, batch;
    float *z, *x;
    const float *in[2];
} otb_src;

static double uniform(uint64_t *rng) { return (double)(cli_rand_next(rng) >> 11) / 9007199254740992.0; }

static int valid_gt(const siamcl_sequence *s, int i, siamcl_box *b) {
    return siamcl_sequence_groundtruth(s, i, b) && b->w > 1 && b->h > 1 && isfinite(b->x) && isfinite(b->y);
}

/* out (3 x S x S, the network's channel order) = the square of side `side`
 * centred on (cx, cy), bilinear with half-pixel centres; mean colour outside. */
static void crop(const siamcl_image *img, double cx, double cy, double side, int S, int bgr, float *out) {
    double mean[3] = {0, 0, 0};
    size_t np = (size_t)img->width * img->height;
    for (size_t i = 0; i < np; i++)
        for (int c = 0; c < 3; c++) mean[c] += img->data[3 * i + c];
    for (int c = 0; c < 3; c++) mean[c] /= (double)np;
    double scale = side / S, x0 = cx - side / 2, y0 = cy - side / 2;
    for (int v = 0; v < S; v++)
        for (int u = 0; u < S; u++) {
            double sx = x0 + (u + 0.5) * scale - 0.5, sy = y0 + (v + 0.5) * scale - 0.5;
            int ix = (int)floor(sx), iy = (int)floor(sy);
            double fx = sx - ix, fy = sy - iy;
            for (int c = 0; c < 3; c++) {
                double acc = 0;
                for (int k = 0; k < 4; k++) {
                    int px = ix + (k & 1), py = iy + (k >> 1);
                    double w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
                    int in = px >= 0 && py >= 0 && px < img->width && py < img->height;
                    acc += w * (in ? img->data[((size_t)py * img->width + px) * 3 + c] : mean[c]);
                }
                out[((size_t)(bgr ? 2 - c : c) * S + v) * S + u] = (float)acc;
            }
        }
}

static double exemplar_side(const siamcl_tracker_desc *d, siamcl_box b) {
    double p = d->context * (b.w + b.h);
    return sqrt((b.w + p) * (b.h + p));
}

/* One pair: template from frame i, search from a frame at most 100 away. */
static int sample_pair(otb_src *s, uint64_t *rng, int item) {
    const siamcl_tracker_desc *d = s->d;
    for (int tries = 0; tries < 1000; tries++) {
        const otb_seq *q = &s->s[cli_rand_next(rng) % (uint64_t)s->ns];
        int i = (int)(cli_rand_next(rng) % (uint64_t)q->n), j = i + (int)(cli_rand_next(rng) % 201) - 100;
        siamcl_box bi, bj;
        if (j < 0 || j >= q->n || !valid_gt(q->seq, i, &bi) || !valid_gt(q->seq, j, &bj)) continue;
        siamcl_image fi = {0}, fj = {0};
        siamcl_status st = siamcl_sequence_load_frame(q->seq, i, &fi);
        if (st == SIAMCL_OK) st = siamcl_sequence_load_frame(q->seq, j, &fj);
        if (st != SIAMCL_OK) {
            siamcl_image_free(&fi);
            return cli_fail(st, siamcl_last_error()), 0;
        }
        size_t zs = (size_t)3 * d->exemplar_size * d->exemplar_size, xs = (size_t)3 * d->instance_size * d->instance_size;
        crop(&fi, bi.x - 1 + bi.w / 2, bi.y - 1 + bi.h / 2, exemplar_side(d, bi), d->exemplar_size, d->bgr,
             s->z + item * zs);
        double sx = exemplar_side(d, bj) * d->instance_size / d->exemplar_size * exp(0.1 * uniform(rng) - 0.05);
        double px = sx / d->instance_size, dx = (8 * uniform(rng) - 4) * px, dy = (8 * uniform(rng) - 4) * px;
        crop(&fj, bj.x - 1 + bj.w / 2 + dx, bj.y - 1 + bj.h / 2 + dy, sx, d->instance_size, d->bgr, s->x + item * xs);
        siamcl_image_free(&fi);
        siamcl_image_free(&fj);
        return 1;
    }
    fprintf(stderr, "siamcl train: no pair of frames with ground truth found in the --seqs sequences\n");
    return 0;
}

static int otb_next(void *ctx, uint64_t *rng) {
    otb_src *s = ctx;
    for (int b = 0; b < s->batch; b++)
        if (!sample_pair(s, rng, b)) return 0;
    return 1;
}

/* The tracker's AUC on one sequence with description d. */
static int track_auc(siamcl_context *ctx, const siamcl_tracker_desc *d, const char *dir, double *auc) {
    siamcl_sequence *seq = NULL;
    siamcl_tracker *t = NULL;
    siamcl_status st = siamcl_sequence_open(dir, 0, &seq);
    if (st == SIAMCL_OK) st = siamcl_tracker_create(ctx, 0, d, &t);
    int n = seq ? siamcl_sequence_groundtruth_count(seq) : 0;
    if (seq && n > siamcl_sequence_length(seq)) n = siamcl_sequence_length(seq);
    siamcl_box *res = calloc((size_t)(n > 0 ? n : 1), sizeof *res), *gt = calloc((size_t)(n > 0 ? n : 1), sizeof *gt);
    for (int i = 0; st == SIAMCL_OK && i < n; i++) {
        siamcl_image img = {0};
        st = siamcl_sequence_load_frame(seq, i, &img);
        siamcl_sequence_groundtruth(seq, i, &gt[i]);
        if (st == SIAMCL_OK) st = i == 0 ? siamcl_tracker_init(t, &img, gt[0]) : siamcl_tracker_update(t, &img, &res[i], NULL);
        if (i == 0) res[0] = gt[0];
        siamcl_image_free(&img);
    }
    siamcl_eval_curves c;
    if (st == SIAMCL_OK) st = siamcl_eval_sequence(res, gt, n, NULL, &c);
    if (st == SIAMCL_OK) *auc = c.auc;
    free(res);
    free(gt);
    siamcl_tracker_free(t);
    siamcl_sequence_free(seq);
    return st == SIAMCL_OK ? 1 : (cli_fail(st, siamcl_last_error()), 0);
}

static int validate(const train_opts *o, const siamcl_tracker_desc *d, const char *label, double *mean) {
    siamcl_context *ctx = NULL;
    siamcl_status st = siamcl_context_create(NULL, &ctx);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error()), 0;
    double sum = 0;
    int ok = 1;
    for (int i = 0; ok && i < o->nval; i++) {
        double auc = 0;
        ok = track_auc(ctx, d, o->val[i], &auc);
        if (ok) printf("  %-7s %-28s AUC %.3f\n", label, o->val[i], auc);
        sum += auc;
    }
    siamcl_context_free(ctx);
    *mean = o->nval ? sum / o->nval : 0;
    return ok;
}

static int open_seqs(const train_opts *o, otb_src *s) {
    s->s = calloc((size_t)o->nseqs, sizeof *s->s);
    s->ns = o->nseqs;
    long frames = 0;
    for (int i = 0; s->s && i < o->nseqs; i++) {
        siamcl_status st = siamcl_sequence_open(o->seqs[i], 0, &s->s[i].seq);
        if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error()), 0;
        int n = siamcl_sequence_groundtruth_count(s->s[i].seq), len = siamcl_sequence_length(s->s[i].seq);
        s->s[i].n = n < len ? n : len;
        if (s->s[i].n < 2) {
            fprintf(stderr, "siamcl train: %s has no two frames with ground truth\n", o->seqs[i]);
            return 0;
        }
        frames += s->s[i].n;
    }
    printf("training sequences: %d (%ld frames)\n", o->nseqs, frames);
    return s->s != NULL;
}

int train_otb(siamcl_trainer *t, const train_opts *o, const train_files *f, float lr0, const siamcl_tracker_desc *d,
              double *before) {
    otb_src s = {d, NULL, 0, o->global_batch, NULL, NULL, {NULL, NULL}};
    int rc = open_seqs(o, &s) ? 0 : 1;
    s.z = malloc((size_t)s.batch * 3 * d->exemplar_size * d->exemplar_size * sizeof(float));
    s.x = malloc((size_t)s.batch * 3 * d->instance_size * d->instance_size * sizeof(float));
    s.in[0] = s.z, s.in[1] = s.x;
    if (rc == 0 && (!s.z || !s.x)) rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training crops");
    if (rc == 0 && o->nval && dist_rank() == 0 && !validate(o, d, "before", before)) rc = 1;
    size_t zi = (size_t)3 * d->exemplar_size * d->exemplar_size, xi = (size_t)3 * d->instance_size * d->instance_size;
    train_source src = {otb_next, &s, s.in, NULL, {zi, xi, 0}};
    if (rc == 0) rc = train_run(t, o, f, lr0, o->steps ? o->steps : 50, &src);
    for (int i = 0; s.s && i < s.ns; i++) siamcl_sequence_free(s.s[i].seq);
    free(s.s);
    free(s.z);
    free(s.x);
    return rc;
}

int train_otb_validate(const train_opts *o, const siamcl_tracker_desc *d, const char *trained, double before) {
    if (!o->nval || dist_rank() != 0) return 0;
    siamcl_tracker_desc tuned = *d;
    snprintf(tuned.backbone, sizeof tuned.backbone, "%.1000s", trained); /* --out is at most 1000 characters */
    double after = 0;
    if (!validate(o, &tuned, "after", &after)) return 1;
    printf("validation: mean AUC %.3f before, %.3f after training (%d sequences)\n", before, after, o->nval);
    return 0;
}

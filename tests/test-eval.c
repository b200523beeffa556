/* lib/eval unit tests: IoU and centre error against plain C transcriptions of
 * the OTB toolkit formulas, curve edge cases (thresholds hit exactly, zero-size
 * ground truth under each policy, first-row and invalid-row handling), name
 * matching, sets, frame ranges and alignment, attributes, malformed inputs
 * (errors naming file and line), the failing allocator, plots, and the
 * `siamcl eval` command on small made-up benchmarks. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clirun.h"

#include "eval/eval_impl.h"
#include "siamcl/eval.h"

static siamcl_box B(float x, float y, float w, float h) {
    siamcl_box b = {x, y, w, h};
    return b;
}

/* ---- reference formulas (plain C transcriptions of the OTB toolkit) ---- */

/* calcRectInt.m: inclusive pixel extents. */
static double ref_iou_toolkit(siamcl_box a, siamcl_box b) {
    double la = a.x, ba = a.y, ra = la + a.w - 1, ta = ba + a.h - 1;
    double lb = b.x, bb = b.y, rb = lb + b.w - 1, tb = bb + b.h - 1;
    double iw = fmax(0, fmin(ra, rb) - fmax(la, lb) + 1), ih = fmax(0, fmin(ta, tb) - fmax(ba, bb) + 1);
    double inter = iw * ih;
    return inter / ((double)a.w * a.h + (double)b.w * b.h - inter);
}

/* calcSeqErrRobust.m: centres x + (w-1)/2. */
static double ref_center_toolkit(siamcl_box a, siamcl_box b) {
    double ax = a.x + (a.w - 1) / 2.0, ay = a.y + (a.h - 1) / 2.0;
    double bx = b.x + (b.w - 1) / 2.0, by = b.y + (b.h - 1) / 2.0;
    return sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
}

static void test_iou(void) {
    CHECK(siamcl_eval_iou(B(1, 1, 10, 10), B(1, 1, 10, 10)) == 1.0);
    CHECK(fabs(siamcl_eval_iou(B(1, 1, 10, 10), B(6, 1, 10, 10)) - 1.0 / 3) < 1e-12);
    CHECK(fabs(siamcl_eval_iou(B(1, 1, 10, 10), B(3, 3, 4, 4)) - 0.16) < 1e-12);
    CHECK(siamcl_eval_iou(B(1, 1, 10, 10), B(11, 1, 10, 10)) == 0.0); /* touching */
    CHECK(siamcl_eval_iou(B(1, 1, 10, 10), B(50, 50, 10, 10)) == 0.0);
    CHECK(siamcl_eval_iou(B(1, 1, 10, 10), B(1, 1, 20, 10)) == 0.5);
    CHECK(siamcl_eval_iou(B(1, 1, 0, 10), B(1, 1, 0, 10)) == 0.0); /* zero size */
    CHECK(siamcl_eval_iou(B(1, 1, 10, 10), B(1, 1, 10, -5)) == 0.0);
    CHECK(siamcl_eval_iou(B(1, 1, 10, 10), B(NAN, 1, 10, 10)) == 0.0);
    /* against the toolkit's inclusive-pixel form on random boxes (integer and fractional) */
    tu_seed(7);
    double worst = 0;
    for (int i = 0; i < 20000; i++) {
        int frac = i & 1;
        siamcl_box a = B(tu_rand(-20, 200), tu_rand(-20, 200), tu_rand(1, 120), tu_rand(1, 120));
        siamcl_box b = B(a.x + tu_rand(-60, 60), a.y + tu_rand(-60, 60), tu_rand(1, 120), tu_rand(1, 120));
        if (!frac) {
            a = B(roundf(a.x), roundf(a.y), roundf(a.w), roundf(a.h));
            b = B(roundf(b.x), roundf(b.y), roundf(b.w), roundf(b.h));
        }
        double got = siamcl_eval_iou(a, b), want = ref_iou_toolkit(a, b);
        CHECK(got >= 0 && got <= 1);
        CHECK(fabs(got - siamcl_eval_iou(b, a)) < 1e-15);
        if (fabs(got - want) > worst) worst = fabs(got - want);
    }
    CHECK(worst < 1e-12);
}

static void test_center(void) {
    CHECK(siamcl_eval_center_error(B(1, 1, 10, 10), B(4, 5, 10, 10)) == 5.0);
    CHECK(fabs(siamcl_eval_center_error(B(0, 0, 10, 10), B(0, 0, 20, 20)) - sqrt(50.0)) < 1e-12);
    CHECK(isnan(siamcl_eval_center_error(B(NAN, 0, 10, 10), B(0, 0, 20, 20))));
    tu_seed(11);
    double worst = 0;
    for (int i = 0; i < 20000; i++) {
        siamcl_box a = B(tu_rand(-20, 300), tu_rand(-20, 300), tu_rand(1, 150), tu_rand(1, 150));
        siamcl_box b = B(tu_rand(-20, 300), tu_rand(-20, 300), tu_rand(1, 150), tu_rand(1, 150));
        double d = fabs(siamcl_eval_center_error(a, b) - ref_center_toolkit(a, b));
        if (d > worst) worst = d;
    }
    CHECK(worst < 1e-9); /* the (w-1)/2 convention cancels in the distance */
    /* normalised: the offset divided by the GT size per axis */
    CHECK(fabs(siamcl_eval_norm_center_error(B(3, 1, 10, 20), B(1, 1, 10, 20)) - 0.2) < 1e-12);
    CHECK(fabs(siamcl_eval_norm_center_error(B(1, 5, 10, 20), B(1, 1, 10, 20)) - 0.2) < 1e-12);
    CHECK(isnan(siamcl_eval_norm_center_error(B(1, 5, 10, 20), B(1, 1, 0, 20))));
}

#define N 10
static void fill_same(siamcl_box *r, siamcl_box *g, int n) {
    for (int i = 0; i < n; i++) g[i] = r[i] = B(10.0f + i, 20.0f + 2 * i, 30, 40);
}

static void test_curves(void) {
    siamcl_box r[N], g[N];
    siamcl_eval_curves c;
    /* perfect: IoU 1 passes every threshold but 1 (strict), every error threshold */
    fill_same(r, g, N);
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    for (int t = 0; t < 20; t++) CHECK(c.success[t] == 1.0);
    CHECK(c.success[20] == 0.0);
    CHECK(fabs(c.auc - 20.0 / 21) < 1e-12);
    for (int t = 0; t <= 50; t++) CHECK(c.precision[t] == 1.0);
    CHECK(c.precision20 == 1.0 && c.success50 == 1.0 && c.frames == N && c.sequences == 1 && c.invalid_gt == 0);
    CHECK(c.mean_iou == 1.0 && c.mean_error == 0.0);

    /* IoU exactly 0.5 and exactly 0.25 on every frame but the first */
    fill_same(r, g, N);
    for (int i = 1; i < N; i++) r[i].w = g[i].w * 2;
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(fabs(c.success[9] - 1.0) < 1e-12);          /* 0.5 > 0.45 */
    CHECK(fabs(c.success[10] - 1.0 / N) < 1e-12);     /* 0.5 > 0.5 is false: only frame 1 (= GT) */
    fill_same(r, g, N);
    for (int i = 1; i < N; i++) r[i].w = g[i].w * 4;
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(fabs(c.success[4] - 1.0) < 1e-12);
    CHECK(fabs(c.success[5] - 1.0 / N) < 1e-12);
    CHECK(fabs(c.success[3] - 1.0) < 1e-12);          /* 0.15: the arange value 0.15000000000000002 agrees */
    /* centre error exactly 20 px (a 12-16-20 triangle): a hit at 20, a miss at 19 */
    fill_same(r, g, N);
    for (int i = 1; i < N; i++) r[i].x += 12, r[i].y += 16;
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(c.precision[20] == 1.0);
    CHECK(fabs(c.precision[19] - 1.0 / N) < 1e-12);
    CHECK(fabs(c.mean_error - 20.0 * (N - 1) / N) < 1e-9);
    /* normalised error exactly 0.2 (6 px of a 30 px width) */
    fill_same(r, g, N);
    for (int i = 1; i < N; i++) r[i].x += 6;
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(c.norm_precision[20] == 1.0 && c.norm_precision20 == 1.0);
    CHECK(fabs(c.norm_precision[19] - 1.0 / N) < 1e-12);

    /* first row: replaced by the GT unless asked */
    fill_same(r, g, N);
    r[0] = B(500, 500, 5, 5);
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(c.precision20 == 1.0);
    siamcl_eval_params p = {0};
    p.keep_first_row = 1;
    CHECK_OK(siamcl_eval_sequence(r, g, N, &p, &c));
    CHECK(fabs(c.precision20 - (N - 1.0) / N) < 1e-12);
    CHECK(fabs(c.success[0] - (N - 1.0) / N) < 1e-12);

    /* a NaN row is a failure; a zero-size row takes the previous row (toolkit) unless asked */
    fill_same(r, g, N);
    r[4] = B(NAN, NAN, NAN, NAN);
    r[5] = B(27, 44, 0, 0); /* its centre is the centre of g[2] (12, 24, 30, 40) */
    for (int i = 3; i < 6; i++) g[i] = g[2];
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(fabs(c.success[0] - (N - 1.0) / N) < 1e-12 && fabs(c.precision20 - (N - 1.0) / N) < 1e-12);
    r[4] = g[4];
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(c.success[0] == 1.0 && c.precision20 == 1.0);
    r[4] = B(NAN, NAN, NAN, NAN);
    p = (siamcl_eval_params){0};
    p.keep_invalid_rows = 1;
    CHECK_OK(siamcl_eval_sequence(r, g, N, &p, &c));
    CHECK(fabs(c.success[0] - (N - 2.0) / N) < 1e-12);
    CHECK(fabs(c.precision20 - (N - 1.0) / N) < 1e-12); /* the NaN row misses; the 0-size one's centre is near */

    /* zero-size GT (Board, Twinnings "0 0 0 0"), under each policy */
    fill_same(r, g, N);
    g[3] = B(0, 0, 0, 0);
    g[6] = B(50, 60, 0, 10);
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c)); /* FAIL: in the denominator, a miss for both */
    CHECK(c.frames == N && c.invalid_gt == 2);
    CHECK(fabs(c.success[0] - (N - 2.0) / N) < 1e-12 && fabs(c.precision[50] - (N - 2.0) / N) < 1e-12);
    p = (siamcl_eval_params){0};
    p.invalid_gt = SIAMCL_EVAL_GT_TOOLKIT; /* IoU -1 (miss), error -1 (hit) */
    CHECK_OK(siamcl_eval_sequence(r, g, N, &p, &c));
    CHECK(c.frames == N && c.invalid_gt == 2);
    CHECK(fabs(c.success[0] - (N - 2.0) / N) < 1e-12 && c.precision[0] == 1.0 && c.precision20 == 1.0);
    p.invalid_gt = SIAMCL_EVAL_GT_SKIP;
    CHECK_OK(siamcl_eval_sequence(r, g, N, &p, &c));
    CHECK(c.frames == N - 2 && c.invalid_gt == 2 && c.success[0] == 1.0 && c.precision20 == 1.0);
    /* a GT partly outside the image (Biker: y <= 0) is a normal frame, except for the toolkit rule */
    fill_same(r, g, N);
    g[2].y = r[2].y = -3;
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c));
    CHECK(c.invalid_gt == 0 && c.success[0] == 1.0);
    p.invalid_gt = SIAMCL_EVAL_GT_TOOLKIT;
    CHECK_OK(siamcl_eval_sequence(r, g, N, &p, &c));
    CHECK(c.invalid_gt == 1 && fabs(c.success[0] - (N - 1.0) / N) < 1e-12);
    /* every GT invalid and skipped: zero frames, zero curves, no division by zero */
    for (int i = 0; i < N; i++) g[i] = B(1, 1, 0, 0);
    p.invalid_gt = SIAMCL_EVAL_GT_SKIP;
    CHECK_OK(siamcl_eval_sequence(r, g, N, &p, &c));
    CHECK(c.frames == 0 && c.auc == 0 && c.precision20 == 0);

    /* bad arguments */
    CHECK_STATUS(siamcl_eval_sequence(NULL, g, N, NULL, &c), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_eval_sequence(r, NULL, N, NULL, &c), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_eval_sequence(r, g, 0, NULL, &c), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_eval_sequence(r, g, N, NULL, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    p.invalid_gt = (siamcl_eval_invalid_gt)7;
    CHECK_STATUS(siamcl_eval_sequence(r, g, N, &p, &c), SIAMCL_ERR_INVALID_ARGUMENT);

    /* aggregate: plain mean over sequences; AUC of the mean = mean of AUCs; empty entries skipped */
    siamcl_eval_curves s[3], tot;
    fill_same(r, g, N);
    CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &s[0]));
    for (int i = 1; i < N; i++) r[i].x += 25;
    CHECK_OK(siamcl_eval_sequence(r, g, 4, NULL, &s[1]));
    memset(&s[2], 0, sizeof s[2]);
    CHECK_OK(siamcl_eval_aggregate(s, 3, &tot));
    CHECK(tot.sequences == 2 && tot.frames == N + 4);
    CHECK(fabs(tot.auc - (s[0].auc + s[1].auc) / 2) < 1e-12);
    CHECK(fabs(tot.precision20 - (1.0 + 0.25) / 2) < 1e-12); /* per-sequence mean, not per frame */
    CHECK_OK(siamcl_eval_aggregate(s, 0, &tot));
    CHECK(tot.sequences == 0 && tot.auc == 0);
    CHECK_STATUS(siamcl_eval_aggregate(NULL, 2, &tot), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_eval_aggregate(s, 2, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
}

static void test_names_sets_ranges(void) {
    CHECK(siamcl_eval_name_equal("Jogging-1", "jogging_1"));
    CHECK(siamcl_eval_name_equal("Jogging-1", "JOGGING.1.txt"));
    CHECK(siamcl_eval_name_equal("Skating2.1", "Skating2-1"));
    CHECK(siamcl_eval_name_equal("skating2_2.TXT", "Skating2.2"));
    CHECK(siamcl_eval_name_equal("Human4", "Human4.2"));
    CHECK(siamcl_eval_name_equal("human4-2", "Human4_2.txt"));
    CHECK(siamcl_eval_name_equal("carDark", "CarDark"));
    CHECK(!siamcl_eval_name_equal("Car2", "Car24"));
    CHECK(!siamcl_eval_name_equal("Jogging", "Jogging-1"));
    CHECK(!siamcl_eval_name_equal("Skating2", "Skating2-1"));
    CHECK(!siamcl_eval_name_equal("", ""));
    CHECK(!siamcl_eval_name_equal(NULL, "x"));

    const char *const *v;
    CHECK(siamcl_eval_set_builtin("OTB2015", &v) == 100);
    for (int i = 0; i < 100; i++)
        for (int j = i + 1; j < 100; j++) CHECK(!siamcl_eval_name_equal(v[i], v[j]));
    CHECK(siamcl_eval_set_builtin("otb100", NULL) == 100);
    const char *const *v13;
    CHECK(siamcl_eval_set_builtin("OTB-2013", &v13) == 51);
    for (int i = 0; i < 51; i++) {
        int found = 0;
        for (int j = 0; j < 100; j++) found += siamcl_eval_name_equal(v13[i], v[j]);
        CHECK(found == 1);
    }
    v = v13;
    CHECK(siamcl_eval_set_builtin("OTB50", NULL) == 0);
    CHECK(siamcl_eval_set_builtin(NULL, NULL) == 0);
    /* the built-in OTB-2013 list is exactly the names of OTB2013.txt */
    char path[1024];
    snprintf(path, sizeof path, "%s/data/otb-anno/OTB2013.txt", tu_shared());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int n = 0;
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        char name[128];
        if (sscanf(line, "%127s", name) != 1) continue;
        int found = 0;
        for (int i = 0; i < 51; i++) found += siamcl_eval_name_equal(v[i], name);
        if (found != 1) fprintf(stderr, "OTB2013.txt name %s: %d matches in the built-in set\n", name, found);
        CHECK(found == 1);
        n++;
    }
    if (f) fclose(f);
    CHECK(n == 51);

    siamcl_eval_range r;
    CHECK(siamcl_eval_frame_range("david", &r) && r.first == 300 && r.last == 770 && r.init_omit == 0);
    CHECK(siamcl_eval_frame_range("Tiger1", &r) && r.first == 1 && r.last == 354 && r.init_omit == 5);
    CHECK(siamcl_eval_frame_range("BlurCar1", &r) && r.first == 247 && r.last == 988);
    CHECK(siamcl_eval_frame_range("blurcar3", &r) && r.first == 3 && r.last == 359);
    CHECK(siamcl_eval_frame_range("BlurCar4", &r) && r.first == 18 && r.last == 397);
    CHECK(siamcl_eval_frame_range("football1", &r) && r.last == 74);
    CHECK(siamcl_eval_frame_range("Freeman3", &r) && r.last == 460);
    CHECK(siamcl_eval_frame_range("Freeman4", &r) && r.last == 283);
    CHECK(siamcl_eval_frame_range("Diving", &r) && r.last == 215);
    CHECK(!siamcl_eval_frame_range("Couple", &r) && r.first == 0);
    CHECK(!siamcl_eval_frame_range("Football", NULL));

    int go, ro, k;
    CHECK_OK(siamcl_eval_align("Tiger1", 354, 349, 0, "t.txt", &go, &ro, &k));
    CHECK(go == 5 && ro == 0 && k == 349);
    CHECK_OK(siamcl_eval_align("tiger1", 354, 349, 1, "t.txt", &go, &ro, &k));
    CHECK(go == 5 && ro == 0 && k == 349);
    CHECK_OK(siamcl_eval_align("Tiger1", 354, 354, 0, "t.txt", &go, &ro, &k));
    CHECK(go == 5 && ro == 5 && k == 349);
    CHECK_OK(siamcl_eval_align("Tiger1", 354, 354, 1, "t.txt", &go, &ro, &k));
    CHECK(go == 0 && ro == 0 && k == 354);
    CHECK_OK(siamcl_eval_align("David", 471, 471, 0, "d.txt", &go, &ro, &k));
    CHECK(go == 0 && ro == 0 && k == 471);
    CHECK_OK(siamcl_eval_align("David", 471, 770, 0, "d.txt", &go, &ro, &k));
    CHECK(go == 0 && ro == 299 && k == 471);
    CHECK_OK(siamcl_eval_align("BlurCar1", 742, 988, 0, "b.txt", &go, &ro, &k));
    CHECK(ro == 246 && k == 742);
    CHECK_OK(siamcl_eval_align("Football1", 74, 81, 0, "f.txt", &go, &ro, &k));
    CHECK(go == 0 && ro == 0 && k == 74);
    CHECK_STATUS(siamcl_eval_align("David", 471, 500, 0, "res/David.txt", &go, &ro, &k), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "res/David.txt") && strstr(siamcl_last_error(), "300-770"));
    CHECK_STATUS(siamcl_eval_align("Couple", 140, 139, 0, "res/Couple.txt", &go, &ro, &k), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "res/Couple.txt") && strstr(siamcl_last_error(), "too short"));
    CHECK_STATUS(siamcl_eval_align("Couple", 140, 141, 0, "res/Couple.txt", &go, &ro, &k), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "too long"));
    CHECK_STATUS(siamcl_eval_align("Couple", 140, 0, 0, "res/Couple.txt", &go, &ro, &k), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_eval_align("Couple", 140, 140, 0, NULL, NULL, &ro, &k), SIAMCL_ERR_INVALID_ARGUMENT);

    for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++) CHECK(siamcl_eval_attr_name(a) && siamcl_eval_attr_title(a));
    CHECK(!siamcl_eval_attr_name(-1) && !siamcl_eval_attr_name(SIAMCL_EVAL_ATTR_COUNT));
}

/* att/ column order: in the toolkit order the 2015 flags agree with OTB2013.txt
 * but for three flags the 2015 annotation dropped (Coke BC, Crossing FM, OPR). */
static void test_attribute_order(void) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/otb-anno", tu_shared());
    const char *const *v;
    int n = siamcl_eval_set_builtin("OTB2013", &v), differ = 0;
    for (int i = 0; i < n; i++) {
        unsigned m15 = 0, m13 = 0;
        int f15 = 0, f13 = 0;
        CHECK_OK(scl_eval_attributes(dir, v[i], 0, &m15, &f15));
        CHECK_OK(scl_eval_attributes(dir, v[i], 1, &m13, &f13));
        CHECK(f15 && f13);
        unsigned d = m15 ^ m13;
        for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++) differ += d >> a & 1u;
        if (!strcmp(v[i], "Coke")) CHECK(d == 1u << SIAMCL_EVAL_ATTR_BC);
        if (!strcmp(v[i], "Crossing")) CHECK(d == ((1u << SIAMCL_EVAL_ATTR_FM) | (1u << SIAMCL_EVAL_ATTR_OPR)));
        if (!strcmp(v[i], "Basketball")) /* IV, OCC, DEF, OPR, BC */
            CHECK(m15 == ((1u << SIAMCL_EVAL_ATTR_IV) | (1u << SIAMCL_EVAL_ATTR_OCC) | (1u << SIAMCL_EVAL_ATTR_DEF) |
                          (1u << SIAMCL_EVAL_ATTR_OPR) | (1u << SIAMCL_EVAL_ATTR_BC)));
    }
    CHECK(differ == 3);
}

/* ---- made-up benchmarks on disk ---- */

static char g_tmp[512];

static void put(const char *rel, const char *text) {
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", g_tmp, rel);
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static void mk(const char *rel) {
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", g_tmp, rel);
    mkdir(p, 0777);
}

static char *path_of(const char *rel) {
    static char p[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", g_tmp, rel);
    return p[k];
}

/* GT "gt/" with three sequences in mixed formats, result folders a/ (good) and others. */
static void make_bench(void) {
    mk("gt");
    mk("gt/att");
    mk("a");
    mk("b");
    /* commas, tabs, spaces; trailing blank lines; CRLF; a last line without newline */
    put("gt/jogging-1.txt", "10,10,20,20\n12,10,20,20\n14,10,20,20\n16,10,20,20\n\n\n");
    put("gt/Skating2.1.txt", "5\t5\t10\t10\r\n6\t5\t10\t10\r\n7\t5\t10\t10\r\n");
    put("gt/couple.txt", "1 1 30 30\n2 2 30 30\n0 0 0 0\n4 4 30 30");
    put("gt/att/Jogging-1.txt", "0,1,0,1,1,0,0,0,0,0,0\n"); /* OPR, OCC, DEF */
    put("gt/att/Couple.txt", "1,0,1,0,0,0,0,0,0,0,0\n");   /* IV, SV */
    put("gt/att/Skating2-1.txt", "0,0,0,0,0,0,0,0,0,0,1\n"); /* LR */
    /* tracker a: perfect, names spelled differently */
    put("a/Jogging_1.txt", "10,10,20,20\n12,10,20,20\n14,10,20,20\n16,10,20,20\n");
    put("a/skating2-1.txt", "5,5,10,10\n6,5,10,10\n7,5,10,10\n");
    put("a/Couple.txt", "1,1,30,30\n2,2,30,30\n3,3,30,30\n4,4,30,30\n");
    /* tracker b: off by 25 px after frame 1 */
    put("b/JOGGING-1.TXT", "10,10,20,20\n37,10,20,20\n39,10,20,20\n41,10,20,20\n");
    put("b/Skating2_1.txt", "5,5,10,10\n31,5,10,10\n32,5,10,10\n");
    put("b/couple.txt", "1,1,30,30\n27,2,30,30\n28,3,30,30\n29,4,30,30\n");
}

static siamcl_status bench(const char *set, const char *r0, const char *r1, siamcl_eval_report **out) {
    const char *dirs[2] = {path_of(r0), r1 ? path_of(r1) : NULL};
    siamcl_eval_options o = {0};
    o.gt_dir = path_of("gt");
    o.result_dirs = dirs;
    o.ntrackers = r1 ? 2 : 1;
    o.set = set;
    return siamcl_eval_benchmark(&o, out);
}

static void test_benchmark(void) {
    make_bench();
    siamcl_eval_report *r = NULL;
    CHECK_OK(bench(NULL, "a", "b", &r));
    if (r) {
        CHECK(r->nseq == 3 && r->ntrackers == 2);
        CHECK(!strcmp(r->tracker[0], "a") && !strcmp(r->tracker[1], "b"));
        CHECK(!strcmp(r->seq[0].name, "Couple") && !strcmp(r->seq[1].name, "Jogging-1") &&
              !strcmp(r->seq[2].name, "Skating2-1"));
        CHECK(r->seq[0].frames == 4 && r->seq[1].frames == 4 && r->seq[2].frames == 3);
        /* a: perfect except Couple's zero-size GT frame (a miss) */
        CHECK(fabs(r->curves[0].precision20 - 0.75) < 1e-12);
        CHECK(fabs(r->curves[1].auc - 20.0 / 21) < 1e-12);
        CHECK(fabs(r->total[0].precision20 - (0.75 + 1 + 1) / 3) < 1e-12);
        /* b: only frame 1 is right */
        CHECK(fabs(r->curves[3 + 1].precision20 - 0.25) < 1e-12);
        CHECK(fabs(r->curves[3 + 2].precision20 - 1.0 / 3) < 1e-12);
        CHECK(r->total[0].invalid_gt == 1);
        CHECK(r->attr_count[SIAMCL_EVAL_ATTR_IV] == 1 && r->attr_count[SIAMCL_EVAL_ATTR_OPR] == 1 &&
              r->attr_count[SIAMCL_EVAL_ATTR_LR] == 1 && r->attr_count[SIAMCL_EVAL_ATTR_MB] == 0);
        CHECK(fabs(r->by_attr[SIAMCL_EVAL_ATTR_LR].auc - r->curves[2].auc) < 1e-12);
        CHECK(r->by_attr[SIAMCL_EVAL_ATTR_MB].sequences == 0);
        siamcl_eval_report_free(r);
    }
    /* a set file, with a comment and a blank line */
    put("set.txt", "# two of them\nSKATING2.1\n\njogging-1\tOCC, DEF\n");
    r = NULL;
    CHECK_OK(bench(path_of("set.txt"), "a", NULL, &r));
    if (r) {
        CHECK(r->nseq == 2 && !strcmp(r->seq[0].name, "Skating2-1"));
        siamcl_eval_report_free(r);
    }
    /* tracker names */
    const char *dirs[1] = {path_of("a")}, *names[1] = {"Mine"};
    siamcl_eval_options o = {0};
    o.gt_dir = path_of("gt");
    o.result_dirs = dirs;
    o.tracker_names = names;
    o.ntrackers = 1;
    r = NULL;
    CHECK_OK(siamcl_eval_benchmark(&o, &r));
    if (r) CHECK(!strcmp(r->tracker[0], "Mine"));
    siamcl_eval_report_free(r);

    /* the OTB layout as ground truth: Jogging/groundtruth_rect.1.txt for Jogging-1 */
    mk("otb");
    mk("otb/Jogging");
    mk("otb/Human4");
    put("otb/Jogging/groundtruth_rect.1.txt", "10,10,20,20\n12,10,20,20\n14,10,20,20\n16,10,20,20\n");
    put("otb/Human4/groundtruth_rect.2.txt", "1,1,5,5\n");
    char found[1024];
    CHECK_OK(siamcl_eval_find_file(path_of("otb"), "jogging_1", found, sizeof found));
    CHECK(strstr(found, "Jogging/groundtruth_rect.1.txt") != NULL);
    CHECK_OK(siamcl_eval_find_file(path_of("otb"), "Human4", found, sizeof found));
    CHECK(strstr(found, "Human4/groundtruth_rect.2.txt") != NULL);
    CHECK_STATUS(siamcl_eval_find_file(path_of("otb"), "Jogging-2", found, sizeof found), SIAMCL_ERR_IO);
    CHECK_STATUS(siamcl_eval_find_file(path_of("nowhere"), "Jogging-2", found, sizeof found), SIAMCL_ERR_IO);
}

static void expect_error(const char *what, siamcl_status st, siamcl_status want, const char *needle1,
                         const char *needle2) {
    if (st != want) fprintf(stderr, "%s: status %d, wanted %d\n", what, (int)st, (int)want);
    CHECK(st == want);
    const char *m = siamcl_last_error();
    if ((needle1 && !strstr(m, needle1)) || (needle2 && !strstr(m, needle2)))
        fprintf(stderr, "%s: message '%s' lacks '%s' / '%s'\n", what, m, needle1 ? needle1 : "",
                needle2 ? needle2 : "");
    CHECK(!needle1 || strstr(m, needle1));
    CHECK(!needle2 || strstr(m, needle2));
}

static void test_malformed(void) {
    siamcl_eval_report *r = NULL;
    /* malformed line 3 */
    mk("m1");
    put("m1/Jogging-1.txt", "10,10,20,20\n12,10,20,20\n14,10,20\n16,10,20,20\n");
    put("m1/Skating2-1.txt", "5,5,10,10\n6,5,10,10\n7,5,10,10\n");
    put("m1/Couple.txt", "1,1,30,30\n2,2,30,30\n3,3,30,30\n4,4,30,30\n");
    expect_error("malformed line", bench(NULL, "m1", NULL, &r), SIAMCL_ERR_FORMAT, "m1/Jogging-1.txt:3", NULL);
    CHECK(r == NULL);
    /* not a number */
    put("m1/Jogging-1.txt", "10,10,20,20\n12,10,20,20\n14,10,abc,20\n16,10,20,20\n");
    expect_error("not a number", bench(NULL, "m1", NULL, &r), SIAMCL_ERR_FORMAT, "m1/Jogging-1.txt:3", NULL);
    /* too short / too long */
    /* a short result: the missing frame is a failure (toolkit), or refused with strict_length */
    put("m1/Jogging-1.txt", "10,10,20,20\n12,10,20,20\n14,10,20,20\n");
    CHECK_OK(bench(NULL, "m1", NULL, &r));
    for (int s = 0; r && s < r->nseq; s++)
        if (!strcmp(r->seq[s].name, "Jogging-1"))
            CHECK(r->curves[s].frames == 4 && fabs(r->curves[s].precision20 - 0.75) < 1e-12 &&
                  fabs(r->curves[s].success[0] - 0.75) < 1e-12);
    siamcl_eval_report_free(r);
    r = NULL;
    {
        const char *dirs[1] = {path_of("m1")};
        siamcl_eval_options o = {0};
        o.gt_dir = path_of("gt");
        o.result_dirs = dirs;
        o.ntrackers = 1;
        o.params.strict_length = 1;
        expect_error("short", siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_FORMAT, "m1/Jogging-1.txt", "too short");
    }
    put("m1/Jogging-1.txt", "10,10,20,20\n12,10,20,20\n14,10,20,20\n1,1,1,1\n1,1,1,1\n");
    expect_error("long", bench(NULL, "m1", NULL, &r), SIAMCL_ERR_FORMAT, "m1/Jogging-1.txt", "too long");
    /* empty result file */
    put("m1/Jogging-1.txt", "\n\n");
    expect_error("empty", bench(NULL, "m1", NULL, &r), SIAMCL_ERR_FORMAT, "m1/Jogging-1.txt", NULL);
    /* a blank line between boxes (io's rule) */
    put("m1/Jogging-1.txt", "10,10,20,20\n\n14,10,20,20\n1,1,1,1\n");
    expect_error("blank", bench(NULL, "m1", NULL, &r), SIAMCL_ERR_FORMAT, "m1/Jogging-1.txt:2", NULL);
    /* a second tracker lacking a sequence the set asks for */
    mk("m2");
    put("m2/Couple.txt", "1,1,30,30\n2,2,30,30\n3,3,30,30\n4,4,30,30\n");
    expect_error("missing result", bench(NULL, "a", "m2", &r), SIAMCL_ERR_IO, "m2", "Jogging-1");
    /* a set naming an unknown sequence */
    put("set2.txt", "Couple\nNoSuchSeq\n");
    expect_error("missing gt", bench(path_of("set2.txt"), "a", NULL, &r), SIAMCL_ERR_IO, "NoSuchSeq", NULL);
    put("set3.txt", "Couple\ncouple\n");
    expect_error("duplicate", bench(path_of("set3.txt"), "a", NULL, &r), SIAMCL_ERR_FORMAT, "set3.txt:2", NULL);
    expect_error("unknown set", bench("OTB2099", "a", NULL, &r), SIAMCL_ERR_IO, "OTB2099", NULL);
    /* a malformed ground-truth line */
    mk("gtbad");
    put("gtbad/Couple.txt", "1,1,30,30\n2,2,30\n");
    {
        const char *dirs[1] = {path_of("a")};
        siamcl_eval_options o = {0};
        o.gt_dir = path_of("gtbad");
        o.result_dirs = dirs;
        o.ntrackers = 1;
        expect_error("gt line", siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_FORMAT, "gtbad/Couple.txt:2", NULL);
        /* malformed attribute flags */
        put("gtbad/Couple.txt", "1 1 30 30\n2 2 30 30\n0 0 0 0\n4 4 30 30");
        mk("gtbad/att");
        put("gtbad/att/Couple.txt", "1,0,2,0,0,0,0,0,0,0,0\n");
        expect_error("att", siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_FORMAT, "att/Couple.txt:1", NULL);
        put("gtbad/att/Couple.txt", "1,0,1,0,0,0,0\n");
        expect_error("att count", siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_FORMAT, "att/Couple.txt", "7 attribute");
        put("gtbad/att/Couple.txt", "1,0,1,0,0,0,0,0,0,0,0\n");
        put("gtbad/OTB2013.txt", "Couple\tIV, XX\n");
        o.set = NULL;
        CHECK_OK(siamcl_eval_benchmark(&o, &r)); /* att/ first outside OTB2013 */
        siamcl_eval_report_free(r);
        r = NULL;
        o.set = "OTB2013"; /* the built-in set: every one of its sequences must have ground truth */
        expect_error("set vs gt", siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_IO, "Basketball", NULL);
        /* missing folders, bad options */
        o.set = NULL;
        o.gt_dir = path_of("nope");
        expect_error("no gt dir", siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_IO, "nope", NULL);
        o.gt_dir = path_of("gt");
        dirs[0] = path_of("nope2");
        expect_error("no result dir", siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_IO, "nope2", NULL);
        o.ntrackers = 0;
        CHECK_STATUS(siamcl_eval_benchmark(&o, &r), SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(siamcl_eval_benchmark(NULL, &r), SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(siamcl_eval_benchmark(&o, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    }
    /* a result folder with nothing matching */
    mk("empty");
    expect_error("nothing", bench(NULL, "empty", NULL, &r), SIAMCL_ERR_IO, "empty", NULL);
    CHECK(r == NULL);
    siamcl_eval_report_free(NULL);
}

/* Every allocation of a benchmark run fails in turn: a clean error each time
 * (ASan checks for leaks), then success. */
static void test_failing_alloc(void) {
    int ok = 0;
    long n;
    for (n = 1; n < 2000 && !ok; n++) {
        siamcl_eval_report *r = NULL;
        siamcl_test_fail_alloc(n);
        siamcl_status st = bench(NULL, "a", "b", &r);
        siamcl_test_fail_alloc(0);
        if (st == SIAMCL_OK) {
            ok = 1;
            CHECK(r && r->nseq == 3);
        } else {
            CHECK(r == NULL);
            CHECK(st == SIAMCL_ERR_OUT_OF_MEMORY);
        }
        siamcl_eval_report_free(r);
    }
    CHECK(ok);
    printf("failing allocator: %ld allocation sites walked\n", n - 2);
}

static int count_color(const siamcl_image *img, const uint8_t c[3]) {
    int k = 0;
    for (long i = 0; i < (long)img->width * img->height; i++)
        k += img->data[i * 3] == c[0] && img->data[i * 3 + 1] == c[1] && img->data[i * 3 + 2] == c[2];
    return k;
}

static void test_plot(void) {
    siamcl_eval_curves c[12];
    const char *names[12];
    char buf[12][32];
    siamcl_box r[N], g[N];
    for (int t = 0; t < 12; t++) {
        fill_same(r, g, N);
        for (int i = 1; i < N; i++) r[i].x += (float)(t * 3 * i) / N;
        CHECK_OK(siamcl_eval_sequence(r, g, N, NULL, &c[t]));
        snprintf(buf[t], sizeof buf[t], "tracker-%d", t);
        names[t] = buf[t];
    }
    const char *p = path_of("plot.png");
    CHECK_OK(siamcl_eval_plot(p, SIAMCL_EVAL_PLOT_SUCCESS, NULL, c, names, 12, 0, 0));
    siamcl_image img = {0};
    CHECK_OK(siamcl_image_load(p, &img));
    CHECK(img.width > 800 && img.height == 600); /* 12 trackers: the legend gets a column of its own */
    static const uint8_t red[3] = {214, 39, 40}, blue[3] = {31, 119, 180};
    if (img.data) CHECK(count_color(&img, red) > 200 && count_color(&img, blue) > 200);
    siamcl_image_free(&img);
    CHECK_OK(siamcl_eval_plot(p, SIAMCL_EVAL_PLOT_PRECISION, "t", c, names, 2, 1024, 768));
    CHECK_OK(siamcl_image_load(p, &img));
    CHECK(img.width == 1024 && img.height == 768);
    siamcl_image_free(&img);
    CHECK_OK(siamcl_eval_plot(p, SIAMCL_EVAL_PLOT_NORM_PRECISION, NULL, c, names, 1, 0, 0));
    CHECK_OK(siamcl_image_load(p, &img));
    CHECK(img.width == 800 && img.height == 600);
    siamcl_image_free(&img);
    CHECK_STATUS(siamcl_eval_plot(p, (siamcl_eval_plot_kind)9, NULL, c, names, 1, 0, 0), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_eval_plot(p, SIAMCL_EVAL_PLOT_SUCCESS, NULL, c, names, 0, 0, 0), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_eval_plot(p, SIAMCL_EVAL_PLOT_SUCCESS, NULL, c, names, 1, 100, 100),
                 SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_eval_plot(NULL, SIAMCL_EVAL_PLOT_SUCCESS, NULL, c, names, 1, 0, 0),
                 SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK(siamcl_eval_plot(path_of("no/such/dir/x.png"), SIAMCL_EVAL_PLOT_SUCCESS, NULL, c, names, 1, 0, 0) !=
          SIAMCL_OK);
    /* failing allocator on a plot */
    int ok = 0;
    for (long n = 1; n < 200 && !ok; n++) {
        siamcl_test_fail_alloc(n);
        siamcl_status st = siamcl_eval_plot(p, SIAMCL_EVAL_PLOT_SUCCESS, NULL, c, names, 3, 0, 0);
        siamcl_test_fail_alloc(0);
        ok = st == SIAMCL_OK;
    }
    CHECK(ok);
}

/* ---- the command ---- */

static int cli(const char *args, char *out, size_t cap) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' --shared '%s' eval %s", SIAMCL_CLI, tu_shared(), args);
    return cr_run(cmd, out, cap);
}

static void test_cli(void) {
    static char out[1 << 16];
    char args[2048];
    CHECK(cli("--help", out, sizeof out) == 0 && strstr(out, "--results") && strstr(out, "--run"));
    snprintf(args, sizeof args, "--gt '%s' --results '%s' --results '%s' --name B --csv '%s' --json '%s' --plot '%s'",
             path_of("gt"), path_of("a"), path_of("b"), path_of("r.csv"), path_of("r.json"), path_of("pl"));
    int rc = cli(args, out, sizeof out);
    if (rc) fprintf(stderr, "%s\n", out);
    CHECK(rc == 0);
    CHECK(strstr(out, "Jogging-1") && strstr(out, "Skating2-1") && strstr(out, "success AUC"));
    CHECK(strstr(out, "IV Illumination variation"));
    size_t n;
    char *csv = tu_read_file(path_of("r.csv"), &n);
    CHECK(csv != NULL);
    if (csv) {
        int lines = 0;
        for (size_t i = 0; i < n; i++) lines += csv[i] == '\n';
        /* header + per tracker: total + 6 attributes present + 3 sequences */
        CHECK(lines == 1 + 2 * (1 + 6 + 3));
        CHECK(strstr(csv, "B,total,all,3,11,") != NULL);
        free(csv);
    }
    char *js = tu_read_file(path_of("r.json"), &n);
    CHECK(js && strstr(js, "\"name\": \"B\"") && strstr(js, "\"success\": ["));
    free(js);
    siamcl_image img = {0};
    CHECK_OK(siamcl_image_load(path_of("pl_success.png"), &img));
    siamcl_image_free(&img);
    CHECK_OK(siamcl_image_load(path_of("pl_precision.png"), &img));
    siamcl_image_free(&img);

    /* bad inputs: a message with file and line, non-zero exit */
    snprintf(args, sizeof args, "--gt '%s' --results '%s'", path_of("gt"), path_of("m1"));
    put("m1/Jogging-1.txt", "10,10,20,20\n12,10,20,20\n14,10,20\n16,10,20,20\n");
    rc = cli(args, out, sizeof out);
    CHECK(rc != 0 && strstr(out, "m1/Jogging-1.txt:3"));
    put("m1/Jogging-1.txt", "10,10,20,20\n");
    rc = cli(args, out, sizeof out);
    CHECK(rc == 0 && strstr(out, "m1/Jogging-1.txt: 1 boxes for the 4 frames of Jogging-1: the last 3 count as failures"));
    snprintf(args, sizeof args, "--gt '%s' --results '%s' --strict", path_of("gt"), path_of("m1"));
    rc = cli(args, out, sizeof out);
    CHECK(rc != 0 && strstr(out, "m1/Jogging-1.txt") && strstr(out, "too short"));
    snprintf(args, sizeof args, "--gt '%s' --results '%s'", path_of("gt"), path_of("m1"));
    snprintf(args, sizeof args, "--gt '%s' --results '%s'", path_of("gt"), path_of("missing"));
    CHECK(cli(args, out, sizeof out) != 0 && strstr(out, "missing"));
    CHECK(cli("", out, sizeof out) == 2);
    CHECK(cli("--results", out, sizeof out) == 2);
    CHECK(cli("--bogus", out, sizeof out) == 2);
    CHECK(cli("--run --out /tmp/x", out, sizeof out) == 2 && strstr(out, "--model"));
    snprintf(args, sizeof args, "--results '%s' --invalid-gt maybe", path_of("a"));
    CHECK(cli(args, out, sizeof out) == 2);
}

/* --run on a tiny OTB-layout dataset (frames of Couple): results written with
 * the benchmark's frame ranges (Tiger1 starts at GT row 6), row 1 = the GT,
 * resumed on a second call. Tracking accuracy is the tracker's tests' job. */
static void copy_file(const char *from, const char *to) {
    size_t n;
    void *p = tu_read_file(from, &n);
    CHECK(p != NULL);
    FILE *f = fopen(to, "wb");
    CHECK(f != NULL);
    if (p && f) CHECK(fwrite(p, 1, n, f) == n);
    if (f) fclose(f);
    free(p);
}

static void make_seq(const char *name, int frames, int gt_rows) {
    char d[1024], src[1024], dst[1024];
    snprintf(d, sizeof d, "run-data/%s", name);
    mk(d);
    snprintf(d, sizeof d, "run-data/%s/img", name);
    mk(d);
    for (int i = 1; i <= frames; i++) {
        snprintf(src, sizeof src, "%s/data/otb/Couple/img/%04d.jpg", tu_shared(), i);
        snprintf(dst, sizeof dst, "%s/run-data/%s/img/%04d.jpg", g_tmp, name, i);
        copy_file(src, dst);
    }
    static const char *rows[] = {"51\t47\t25\t62\n", "47\t42\t24\t62\n", "34\t36\t24\t65\n", "33\t41\t24\t67\n",
                                 "39\t37\t26\t66\n", "30\t38\t25\t66\n", "31\t41\t28\t62\n"};
    char text[512] = "";
    for (int i = 0; i < gt_rows; i++) strcat(text, rows[i]);
    snprintf(d, sizeof d, "run-data/%s/groundtruth_rect.txt", name);
    put(d, text);
}

static void test_run(void) {
    char model[1024];
    snprintf(model, sizeof model, "%s", __FILE__);
    char *slash = strrchr(model, '/');
    if (slash) *slash = 0;
    slash = strrchr(model, '/');
    if (slash) *slash = 0;
    strcat(model, "/models/siamfc-alexnet.model");
    if (access(model, R_OK) != 0) {
        printf("--run: skipped (%s not found)\n", model);
        return;
    }
    mk("run-data");
    make_seq("Couple", 3, 3);
    make_seq("Tiger1", 7, 7); /* OTB-2015 Tiger1: frames 6.. (initOmit 5) */
    static char out[1 << 16];
    char args[2048];
    snprintf(args, sizeof args, "--run --model '%s' --dataset '%s' --out '%s' --no-seq", model, path_of("run-data"),
             path_of("run-out"));
    int rc = cli(args, out, sizeof out);
    if (rc) fprintf(stderr, "%s\n", out);
    CHECK(rc == 0);
    CHECK(strstr(out, "2 sequences, 0 already done, 2 to track") != NULL);
    siamcl_box *b = NULL;
    int n = 0;
    CHECK_OK(siamcl_boxes_read(path_of("run-out/Couple.txt"), &b, &n));
    CHECK(n == 3);
    if (b && n == 3) {
        CHECK(b[0].x == 51 && b[0].y == 47 && b[0].w == 25 && b[0].h == 62);
        for (int i = 1; i < n; i++) CHECK(isfinite(b[i].x) && isfinite(b[i].y) && b[i].w > 0 && b[i].h > 0);
    }
    siamcl_boxes_free(b);
    b = NULL;
    CHECK_OK(siamcl_boxes_read(path_of("run-out/Tiger1.txt"), &b, &n));
    CHECK(n == 2);
    if (b && n == 2) CHECK(b[0].x == 30 && b[0].y == 38 && b[0].w == 25 && b[0].h == 66); /* GT row 6 */
    siamcl_boxes_free(b);
    /* resumed: nothing left to track, the same table */
    rc = cli(args, out, sizeof out);
    CHECK(rc == 0 && strstr(out, "2 sequences, 2 already done, 0 to track"));
    /* a truncated result is tracked again */
    put("run-out/Couple.txt", "51,47,25,62\n");
    rc = cli(args, out, sizeof out);
    CHECK(rc == 0 && strstr(out, "1 already done, 1 to track"));
}

/* --json is valid JSON when a value does not exist: scores over no frames (every GT
 * row zero-size, --invalid-gt skip) are null, never inf, nan or a made-up 0. */
static void test_json_degenerate(void) {
    static char out[1 << 14];
    mk("deg");
    mk("deg/gt");
    mk("deg/gt/Foo");
    mk("deg/res");
    put("deg/gt/Foo/groundtruth_rect.txt", "0,0,0,0\n0,0,0,0\n0,0,0,0\n");
    put("deg/res/Foo.txt", "1,1,10,10\n2,2,10,10\n3,3,10,10\n");
    char args[2048];
    snprintf(args, sizeof args, "--gt '%s' --results '%s' --json '%s' --invalid-gt skip", path_of("deg/gt"),
             path_of("deg/res"), path_of("deg/r.json"));
    int rc = cli(args, out, sizeof out);
    CHECK(rc == 0);
    size_t n = 0;
    char *j = tu_read_file(path_of("deg/r.json"), &n);
    CHECK(j != NULL);
    if (!j) return;
    char *text = realloc(j, n + 1);
    if (!text) return free(j);
    text[n] = 0;
    CHECK(strstr(text, "\"mean_error\": null") != NULL && strstr(text, "\"auc\": null") != NULL);
    for (char *p = text; *p; p++) /* no bare inf/nan token anywhere */
        CHECK(!((p == text || !isalpha((unsigned char)p[-1])) && (!strncmp(p, "inf", 3) || !strncmp(p, "nan", 3) ||
                                                                  !strncmp(p, "-inf", 4))));
    free(text);
}

int main(void) {
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR);
    snprintf(g_tmp, sizeof g_tmp, "/tmp/siamcl-test-eval-%d", (int)getpid());
    mkdir(g_tmp, 0777);
    test_iou();
    test_center();
    test_curves();
    test_names_sets_ranges();
    test_attribute_order();
    test_benchmark();
    test_malformed();
    test_failing_alloc();
    test_plot();
    test_cli();
    test_json_degenerate();
    test_run();
    if (!tu_failures) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    }
    return tu_finish("test-eval");
}

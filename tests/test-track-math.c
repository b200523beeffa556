/* Host tracking math: rounding, Hann windows, bicubic response upsampling
 * against a plain kernel-formula reference, crop windows, init-box checks, and
 * the SiamFC decoder against a literal transcription of the reference
 * algorithm (../shared/golden/tracking/README.md) plus synthetic responses
 * whose answer is known. */
#include "testutil.h"
#include "track/track.h"

static void rounding(void) {
    CHECK(scl_round_half_even(0.5) == 0.0);
    CHECK(scl_round_half_even(1.5) == 2.0);
    CHECK(scl_round_half_even(2.5) == 2.0);
    CHECK(scl_round_half_even(-0.5) == 0.0);
    CHECK(scl_round_half_even(-1.5) == -2.0);
    CHECK(scl_round_half_even(-2.5) == -2.0);
    CHECK(scl_round_half_even(2.4999) == 2.0);
    CHECK(scl_round_half_even(2.5001) == 3.0);
    CHECK(scl_round_half_even(130.384) == 130.0);
    CHECK(scl_round_half_even(-7.2) == -7.0);
}

static void hann(void) {
    double h[272];
    scl_hann(272, h);
    CHECK(fabs(h[0]) < 1e-15 && fabs(h[271]) < 1e-15);
    for (int i = 0; i < 272; i++) CHECK(fabs(h[i] - h[271 - i]) < 1e-12);
    CHECK(fabs(h[135] - (0.5 - 0.5 * cos(2 * 3.14159265358979323846 * 135 / 271))) < 1e-15);
    double h16[16];
    scl_hann(16, h16);
    /* np.hanning(16)[8] */
    CHECK(fabs(h16[8] - 0.9890738003669028) < 1e-12);
    double one;
    scl_hann(1, &one);
    CHECK(one == 1.0);
}

/* Keys kernel, a = -0.75, as a function of distance. */
static double keys(double d) {
    const double a = -0.75;
    d = fabs(d);
    if (d <= 1) return (a + 2) * d * d * d - (a + 3) * d * d + 1;
    if (d < 2) return a * d * d * d - 5 * a * d * d + 8 * a * d - 4 * a;
    return 0;
}

static void cubic(void) {
    const int h = 17, w = 13, oh = 272, ow = 208;
    float src[17 * 13];
    tu_seed(7);
    tu_fill(src, (size_t)h * w, -3, 3);
    double *out = malloc(sizeof(double) * oh * ow), *tmp = malloc(sizeof(double) * 17 * 272);
    scl_resize_cubic(src, h, w, out, oh, ow, tmp);
    double worst = 0;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            double fy = (y + 0.5) * h / oh - 0.5, fx = (x + 0.5) * w / ow - 0.5;
            double ref = 0;
            for (int i = (int)floor(fy) - 1; i <= (int)floor(fy) + 2; i++)
                for (int j = (int)floor(fx) - 1; j <= (int)floor(fx) + 2; j++) {
                    int ci = i < 0 ? 0 : (i >= h ? h - 1 : i), cj = j < 0 ? 0 : (j >= w ? w - 1 : j);
                    ref += keys(fy - i) * keys(fx - j) * src[ci * w + cj];
                }
            worst = fmax(worst, fabs(out[y * ow + x] - ref));
        }
    CHECK(worst < 1e-12);
    /* a constant map stays constant */
    float c[17 * 17], ramp[17 * 17];
    for (int i = 0; i < 17 * 17; i++) {
        c[i] = 1.25f;
        ramp[i] = (float)(i % 17) * 0.5f - (float)(i / 17);
    }
    double *o2 = malloc(sizeof(double) * 272 * 272);
    scl_resize_cubic(c, 17, 17, o2, 272, 272, tmp);
    for (int i = 0; i < 272 * 272; i++) CHECK(fabs(o2[i] - 1.25) < 1e-12);
    /* a ramp stays monotonic along it away from the borders (Keys with a = -0.75 does not reproduce it exactly) */
    scl_resize_cubic(ramp, 17, 17, o2, 272, 272, tmp);
    int mono = 1;
    for (int y = 0; y < 272; y++)
        for (int x = 48; x < 224; x++) mono &= o2[y * 272 + x] >= o2[y * 272 + x - 1] - 1e-12;
    CHECK(mono);
    free(o2);
    free(out);
    free(tmp);
}

static void windows(void) {
    /* Crossing's first box: centre (212, 174.5), s_z = 64.94 -> side 65 */
    scl_crop_req r = scl_window_siamfc(212.0, 174.5, sqrt(50.5 * 83.5));
    CHECK(r.side == 65 && r.x0 == 180 && r.y0 == 143);
    r = scl_window_siamfc(10.0, 10.0, 4.5); /* side 5 -> c = 2 */
    CHECK(r.side == 5 && r.x0 == 8 && r.y0 == 8);
    r = scl_window_pysot(213.0, 175.5, 65); /* floor(213 - 33 + 0.5) */
    CHECK(r.side == 65 && r.x0 == 180 && r.y0 == 143);
    r = scl_window_siamdw(212.5, 175.5, 65); /* round(212.5 - 33) = round(179.5) = 180, round(142.5) = 142 */
    CHECK(r.side == 65 && r.x0 == 180 && r.y0 == 142);
    r = scl_window_siamfc(-1e12, 1e12, 1e12); /* absurd values stay representable */
    CHECK(r.side >= 1 && r.x0 < 0 && r.y0 > 0);
    r = scl_window_siamfc(NAN, 0, NAN);
    CHECK(r.side >= 1);
}

static void box_checks(void) {
    siamcl_box ok = {1, 1, 10, 10}, partly = {-5, -5, 10, 10}, out = {400, 10, 10, 10}, zero = {5, 5, 0, 10},
               neg = {5, 5, 10, -1}, nan = {NAN, 5, 10, 10}, left = {-9, 5, 10, 10}, edge = {-8, 5, 10, 10};
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR);
    CHECK_OK(scl_box_check(ok, 320, 240));
    CHECK_OK(scl_box_check(partly, 320, 240));
    CHECK_STATUS(scl_box_check(out, 320, 240), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(scl_box_check(zero, 320, 240), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(scl_box_check(neg, 320, 240), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(scl_box_check(nan, 320, 240), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(scl_box_check(left, 320, 240), SIAMCL_ERR_OUT_OF_RANGE); /* pixels -10..-1 */
    CHECK_OK(scl_box_check(edge, 320, 240));                            /* reaches pixel 0 */
}

static siamcl_tracker_desc siamfc_desc(void) {
    siamcl_tracker_desc d;
    memset(&d, 0, sizeof d);
    d.kind = SIAMCL_TRACKER_SIAMFC;
    d.flavour = SIAMCL_SIAMFC_ORIGINAL;
    d.exemplar_size = 127;
    d.instance_size = 255;
    d.stride = 8;
    d.score_size = 17;
    d.context = 0.5;
    d.scale_count = 3;
    d.scale_step = 1.0375;
    d.scale_penalty = 0.9745;
    d.scale_lr = 0.59;
    d.response_up = 16;
    d.window_influence = 0.176;
    d.scale_min = 0.2;
    d.scale_max = 5;
    d.min_size = 10;
    return d;
}

/* The reference algorithm, steps 3-5, written out literally (float64). */
typedef struct ref_state {
    double cx, cy, w, h, s_x, s_x0;
} ref_state;

static void ref_update(ref_state *s, const float *resp) {
    static double maps[3][272 * 272], win[272 * 272];
    const double pi = 3.14159265358979323846;
    double sum = 0;
    for (int y = 0; y < 272; y++)
        for (int x = 0; x < 272; x++)
            sum += win[y * 272 + x] = (0.5 - 0.5 * cos(2 * pi * y / 271)) * (0.5 - 0.5 * cos(2 * pi * x / 271));
    for (int i = 0; i < 272 * 272; i++) win[i] /= sum;
    double ks[3] = {1 / 1.0375, 1.0, 1.0375}, best_v = -1e300;
    int best = 0;
    for (int k = 0; k < 3; k++) {
        double peak = -1e300;
        for (int y = 0; y < 272; y++)
            for (int x = 0; x < 272; x++) {
                double fy = (y + 0.5) / 16 - 0.5, fx = (x + 0.5) / 16 - 0.5, v = 0;
                for (int i = (int)floor(fy) - 1; i <= (int)floor(fy) + 2; i++)
                    for (int j = (int)floor(fx) - 1; j <= (int)floor(fx) + 2; j++) {
                        int ci = i < 0 ? 0 : (i > 16 ? 16 : i), cj = j < 0 ? 0 : (j > 16 ? 16 : j);
                        v += keys(fy - i) * keys(fx - j) * resp[k * 289 + ci * 17 + cj];
                    }
                maps[k][y * 272 + x] = v;
                if (v > peak) peak = v;
            }
        double pv = peak * (k != 1 ? 0.9745 : 1.0);
        if (pv > best_v) best_v = pv, best = k;
    }
    double *m = maps[best], mn = 1e300, tot = 0, top = -1e300;
    for (int i = 0; i < 272 * 272; i++) mn = fmin(mn, m[i]);
    for (int i = 0; i < 272 * 272; i++) tot += m[i] - mn;
    int py = 0, px = 0;
    for (int i = 0; i < 272 * 272; i++) {
        double r = 0.824 * ((m[i] - mn) / tot) + 0.176 * win[i];
        if (r > top) top = r, py = i / 272, px = i % 272;
    }
    double f = 8.0 / 16.0 * (s->s_x * ks[best]) / 255.0;
    s->cy += (py - 135.5) * f;
    s->cx += (px - 135.5) * f;
    s->s_x = fmin(fmax((1 - 0.59) * s->s_x + 0.59 * s->s_x * ks[best], 0.2 * s->s_x0), 5 * s->s_x0);
    s->w = (1 - 0.59) * s->w + 0.59 * s->w * ks[best];
    s->h = (1 - 0.59) * s->h + 0.59 * s->h * ks[best];
}

static void siamfc_reference(void) {
    siamcl_tracker_desc d = siamfc_desc();
    scl_sfc s;
    CHECK_OK(scl_sfc_alloc(&s, &d));
    siamcl_box b0 = {205, 151, 17, 50};
    scl_crop_req z;
    scl_sfc_start(&s, b0, &z);
    CHECK(s.cx == 212.0 && s.cy == 174.5 && z.side == 65 && z.x0 == 180 && z.y0 == 143);
    siamcl_box back = scl_sfc_box(&s);
    CHECK(back.x == 205 && back.y == 151 && back.w == 17 && back.h == 50);
    ref_state r = {s.cx, s.cy, s.w, s.h, s.s_x, s.s_x};
    CHECK(fabs(s.s_x - sqrt(50.5 * 83.5) * 255 / 127) < 1e-12);
    float resp[3 * 289];
    tu_seed(11);
    for (int frame = 0; frame < 6; frame++) {
        /* a smooth bump somewhere plus noise, around the real bias level */
        double by = tu_rand(3, 13), bx = tu_rand(3, 13);
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < 289; i++) {
                double dy = i / 17 - by, dx = i % 17 - bx;
                resp[k * 289 + i] = (float)(-2.15 + (1.0 + 0.1 * k) * exp(-(dy * dy + dx * dx) / 8.0) +
                                            tu_rand(-0.05f, 0.05f));
            }
        scl_crop_req reqs[3];
        scl_sfc_search(&s, reqs);
        for (int k = 0; k < 3; k++) {
            scl_crop_req w = scl_window_siamfc(s.cx, s.cy, s.s_x * s.scales[k]);
            CHECK(reqs[k].x0 == w.x0 && reqs[k].y0 == w.y0 && reqs[k].side == w.side);
        }
        scl_track_debug dbg;
        scl_sfc_decode(&s, resp, 360, 240, &dbg);
        ref_update(&r, resp);
        double err = fmax(fmax(fabs(s.cx - r.cx), fabs(s.cy - r.cy)), fmax(fabs(s.w - r.w), fabs(s.h - r.h)));
        CHECK(err < 1e-9 && fabs(s.s_x - r.s_x) < 1e-9);
    }
    scl_sfc_release(&s);
}

static void siamfc_synthetic(void) {
    siamcl_tracker_desc d = siamfc_desc();
    scl_sfc s;
    CHECK_OK(scl_sfc_alloc(&s, &d));
    siamcl_box b0 = {100, 100, 40, 40};
    scl_crop_req z;
    scl_sfc_start(&s, b0, &z);
    double cx0 = s.cx, cy0 = s.cy, sx0 = s.s_x;
    /* a peak in the grow scale at cell (row 8-3, col 8+2), the other scales flat */
    float resp[3 * 289];
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 289; i++) {
            double dy = i / 17 - 5.0, dx = i % 17 - 10.0;
            resp[k * 289 + i] = (float)(k == 2 ? 5.0 * exp(-(dy * dy + dx * dx) / 2.0) : 0.0);
        }
    scl_track_debug dbg;
    scl_sfc_decode(&s, resp, 320, 240, &dbg);
    CHECK(dbg.best == 2);
    /* the peak moves 2 cells right and 3 up: 8 px per cell in the 255 crop,
     * x s_x*1.0375/255 in the frame; the window pulls it < 1 upsampled px back */
    double f = 8.0 * sx0 * 1.0375 / 255.0;
    CHECK(fabs((s.cx - cx0) - 2 * f) < f / 16 * 1.5);
    CHECK(fabs((s.cy - cy0) + 3 * f) < f / 16 * 1.5);
    CHECK(fabs(s.s_x - sx0 * (0.41 + 0.59 * 1.0375)) < 1e-9);
    CHECK(fabs(s.w - 40 * (0.41 + 0.59 * 1.0375)) < 1e-9);
    /* negative peaks: the penalty raises them, so a slightly lower side peak wins */
    scl_sfc_start(&s, b0, &z);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 289; i++) resp[k * 289 + i] = (float)(i == 144 ? (k == 1 ? -2.10 : -2.11) : -3.0);
    scl_sfc_decode(&s, resp, 320, 240, &dbg);
    CHECK(dbg.best == 0);
    /* flat and non-finite responses: no NaN, state kept or moved to the window peak */
    scl_sfc_start(&s, b0, &z);
    for (int i = 0; i < 3 * 289; i++) resp[i] = -2.0f;
    scl_sfc_decode(&s, resp, 320, 240, &dbg);
    CHECK(isfinite(s.cx) && isfinite(s.cy) && fabs(s.cx - cx0) < 1.0 && fabs(s.cy - cy0) < 1.0);
    resp[17] = NAN;
    double keep = s.cx;
    scl_sfc_decode(&s, resp, 320, 240, &dbg);
    CHECK(s.cx == keep && dbg.best == -1);
    siamcl_box b = scl_sfc_box(&s);
    CHECK(isfinite(b.x) && b.w > 0 && b.h > 0);
    /* the search side is clamped to [0.2, 5] x its initial value */
    for (int i = 0; i < 3 * 289; i++) resp[i] = (float)(i / 289 == 0 ? 1.0 : 0.0) * (i % 289 == 144 ? 10.0f : 0.0f);
    for (int it = 0; it < 200; it++) scl_sfc_decode(&s, resp, 320, 240, &dbg);
    CHECK(dbg.best == 0 && fabs(s.s_x - 0.2 * sx0) < 1e-9 && s.w > 0 && s.h > 0);
    scl_sfc_release(&s);

    /* SiamDW flavour: centre x-1+w/2, rounded s_z, clamps to the frame */
    d.flavour = SIAMCL_SIAMFC_SIAMDW;
    CHECK_OK(scl_sfc_alloc(&s, &d));
    scl_sfc_start(&s, b0, &z);
    CHECK(s.cx == 119.0 && s.cy == 119.0 && s.s_z == scl_round_half_even(80.0));
    CHECK(z.side == 80 && z.x0 == (int)scl_round_half_even(119.0 - 40.5));
    b = scl_sfc_box(&s);
    CHECK(b.x == 100 && b.y == 100 && b.w == 40);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 289; i++) resp[k * 289 + i] = (float)(k == 1 && i == 0 ? 50.0 : 0.0);
    for (int it = 0; it < 40; it++) scl_sfc_decode(&s, resp, 320, 240, &dbg);
    CHECK(s.cx >= 0 && s.cy >= 0 && s.w >= 10 && s.h >= 10);
    scl_sfc_release(&s);
}

int main(void) {
    rounding();
    hann();
    cubic();
    windows();
    box_checks();
    siamfc_reference();
    siamfc_synthetic();
    return tu_finish("test-track-math");
}

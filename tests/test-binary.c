/* Broadcasting add/mul/sub/div with fused activations against a plain C reference. */
#include "ops/ops.h"
#include "refops.h"
#include "testutil.h"

static float ref_op(float a, float b, scl_binary_op op) {
    switch (op) {
    case SCL_BIN_MUL: return a * b;
    case SCL_BIN_SUB: return a - b;
    case SCL_BIN_DIV: return a / b;
    default: return a + b;
    }
}

typedef struct { int d[4]; } shp;

static size_t count(shp s) { return (size_t)s.d[0] * s.d[1] * s.d[2] * s.d[3]; }

/* index into t (shape s) for y coordinates i[4], broadcasting dims of extent 1 */
static size_t bidx(shp s, const int i[4]) {
    size_t k = 0;
    for (int d = 0; d < 4; d++) k = k * s.d[d] + (s.d[d] == 1 ? 0 : i[d]);
    return k;
}

static void run(scl_device *dev, shp sa, shp sb, shp sy, scl_binary_op op, scl_act_params act) {
    size_t na = count(sa), nb = count(sb), ny = count(sy);
    float *a = malloc(na * 4), *b = malloc(nb * 4), *ref = malloc(ny * 4);
    tu_fill(a, na, -4, 4);
    tu_fill(b, nb, -4, 4);
    if (op == SCL_BIN_DIV) /* keep the divisor away from 0: |b| in [0.5, 4] */
        for (size_t i = 0; i < nb; i++) b[i] = b[i] < 0 ? b[i] - 0.5f : b[i] + 0.5f;
    int i[4];
    size_t k = 0;
    for (i[0] = 0; i[0] < sy.d[0]; i[0]++)
        for (i[1] = 0; i[1] < sy.d[1]; i[1]++)
            for (i[2] = 0; i[2] < sy.d[2]; i[2]++)
                for (i[3] = 0; i[3] < sy.d[3]; i[3]++)
                    ref[k++] = ref_act(ref_op(a[bidx(sa, i)], b[bidx(sb, i)], op), act.act, act.a, act.b);
    const size_t ao = 5, bo = 11, yo = 2;
    cl_mem da = tu_upload(dev, NULL, na + ao), db = tu_upload(dev, NULL, nb + bo), dy = tu_upload(dev, NULL, ny + yo);
    CHECK_OK(scl_buffer_write(dev, da, ao * 4, na * 4, a));
    CHECK_OK(scl_buffer_write(dev, db, bo * 4, nb * 4, b));
    scl_view ta = {da, ao, sa.d[0], sa.d[1], sa.d[2], sa.d[3]}, tb = {db, bo, sb.d[0], sb.d[1], sb.d[2], sb.d[3]},
               ty = {dy, yo, sy.d[0], sy.d[1], sy.d[2], sy.d[3]};
    CHECK_OK(scl_binary_fwd(dev, op, &act, &ta, &tb, &ty));
    float *all = tu_download(dev, dy, ny + yo);
    char what[160];
    snprintf(what, sizeof what, "binary op%d act%d %dx%dx%dx%d . %dx%dx%dx%d", (int)op, (int)act.act, sa.d[0],
             sa.d[1], sa.d[2], sa.d[3], sb.d[0], sb.d[1], sb.d[2], sb.d[3]);
    tu_compare(what, all + yo, ref, ny);
    free(all);
    /* in place: y = a when a has y's shape */
    if (!memcmp(&sa, &sy, sizeof sa)) {
        CHECK_OK(scl_binary_fwd(dev, op, &act, &ta, &tb, &ta));
        all = tu_download(dev, da, na + ao);
        strcat(what, " in place");
        tu_compare(what, all + ao, ref, ny);
        free(all);
    }
    free(a);
    free(b);
    free(ref);
    scl_buffer_free(dev, da);
    scl_buffer_free(dev, db);
    scl_buffer_free(dev, dy);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    const scl_act_params acts[] = {{SCL_ACT_NONE, 0, 0},        {SCL_ACT_RELU, 0, 0},
                                   {SCL_ACT_CLIP, 0, 6},        {SCL_ACT_HARDSWISH, 0, 0},
                                   {SCL_ACT_HARDSIGMOID, 0.2f, 0.5f}, {SCL_ACT_SIGMOID, 0, 0},
                                   {SCL_ACT_EXP, 0, 0}};
    const int nacts = (int)(sizeof acts / sizeof acts[0]);
    const shp full = {{2, 5, 7, 3}}, chan = {{2, 5, 1, 1}}, chan1 = {{1, 5, 1, 1}}, scalar = {{1, 1, 1, 1}},
              row = {{1, 1, 1, 3}}, nh = {{2, 1, 7, 1}}, cw = {{1, 5, 1, 3}};
    for (int op = SCL_BIN_ADD; op <= SCL_BIN_DIV; op++)
        for (int k = 0; k < nacts; k++) {
            run(dev, full, full, full, (scl_binary_op)op, acts[k]);
            run(dev, full, chan, full, (scl_binary_op)op, acts[k]);
        }
    for (int op = SCL_BIN_ADD; op <= SCL_BIN_DIV; op++) {
        run(dev, full, chan1, full, (scl_binary_op)op, acts[0]);
        run(dev, full, scalar, full, (scl_binary_op)op, acts[1]);
        run(dev, scalar, full, full, (scl_binary_op)op, acts[0]);
        run(dev, chan, full, full, (scl_binary_op)op, acts[4]);
        run(dev, full, row, full, (scl_binary_op)op, acts[0]);
        run(dev, nh, cw, full, (scl_binary_op)op, acts[3]); /* both sides broadcast */
        run(dev, scalar, scalar, scalar, (scl_binary_op)op, acts[0]);
    }
    /* NanoTrack-like sizes: [1,48,16,16] * [1,48,1,1] with hardsigmoid gate, odd big plane */
    const shp nt = {{1, 48, 16, 16}}, ntc = {{1, 48, 1, 1}}, big = {{1, 3, 127, 129}}, bigc = {{1, 3, 1, 1}};
    run(dev, nt, ntc, nt, SCL_BIN_MUL, acts[0]);
    run(dev, big, bigc, big, SCL_BIN_SUB, acts[0]);

    /* bad inputs */
    cl_mem d = tu_upload(dev, NULL, 1024);
    scl_view a = scl_view_make(d, 2, 3, 4, 5), b2 = scl_view_make(d, 2, 2, 4, 5),
               y = scl_view_make(d, 2, 3, 4, 5), yb = scl_view_make(d, 2, 3, 4, 6), b1 = scl_view_make(d, 1, 3, 1, 1),
               s = scl_view_make(d, 1, 1, 1, 1);
    scl_act_params none = {SCL_ACT_NONE, 0, 0}, badact = {(scl_act)99, 0, 0};
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, &none, &a, &b2, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, &none, &a, &b1, &yb), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, &none, &s, &b1, &y), SIAMCL_ERR_SHAPE); /* y bigger than both */
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, NULL, &a, &b1, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, &badact, &a, &b1, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_binary_fwd(dev, (scl_binary_op)7, &none, &a, &b1, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_binary_fwd(NULL, SCL_BIN_ADD, &none, &a, &b1, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, &none, NULL, &b1, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, &none, &a, &b1, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view zero = scl_view_make(d, 2, 0, 4, 5);
    CHECK_STATUS(scl_binary_fwd(dev, SCL_BIN_ADD, &none, &a, &zero, &y), SIAMCL_ERR_SHAPE);
    scl_buffer_free(dev, d);
    siamcl_context_free(ctx);
    return tu_finish("test-binary");
}

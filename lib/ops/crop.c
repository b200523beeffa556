/* Crop launcher (cl/crop.cl): M square sub-windows of an 8-bit frame on the
 * device, resampled to S x S floats in one launch. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "ops/ops.h"

/* Largest window side accepted: keeps every index of the kernels in int range. */
#define CROP_MAX_SIDE (1 << 20)
#define CROP_MAX_OUT 8192
/* CPU: a work-item's output columns (vector width) and rows (band) */
#define CROP_V 8
#define CROP_B 64
/* largest work-group (along a band's column groups) */
#define CROP_LX 64

siamcl_status scl_crop_fwd(scl_device *dev, const scl_crop_params *p, cl_mem frame, size_t foff, int width,
                           int height, int channels, const scl_crop_req *reqs, int m, cl_mem reqbuf,
                           scl_view *y) {
    if (!dev || !p || !frame || !reqs || !reqbuf || !y || !y->mem)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "crop: NULL argument");
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3) || width > INT_MAX / channels)
        return scl_fail(SIAMCL_ERR_SHAPE, "crop: invalid frame %dx%dx%d", width, height, channels);
    if (m <= 0) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "crop: %d requests", m);
    if (p->out <= 0 || p->out > CROP_MAX_OUT)
        return scl_fail(SIAMCL_ERR_SHAPE, "crop: output side %d not in 1..%d", p->out, CROP_MAX_OUT);
    if (y->n != m || y->c != 3 || y->h != p->out || y->w != p->out)
        return scl_fail(SIAMCL_ERR_SHAPE, "crop: output %dx%dx%dx%d, expected %dx3x%dx%d", y->n, y->c, y->h, y->w, m,
                        p->out, p->out);
    size_t fbytes = (size_t)width * (size_t)height * (size_t)channels, fsize = scl_buffer_size(frame);
    if (fsize < foff || fsize - foff < fbytes)
        return scl_fail(SIAMCL_ERR_SHAPE, "crop: frame buffer of %zu bytes holds no %dx%dx%d image at offset %zu",
                        fsize, width, height, channels, foff);
    if (scl_buffer_size(reqbuf) < (size_t)m * sizeof(scl_crop_req))
        return scl_fail(SIAMCL_ERR_SHAPE, "crop: request buffer too small for %d requests", m);
    if (scl_buffer_size(y->mem) / sizeof(float) < y->off + scl_view_count(y))
        return scl_fail(SIAMCL_ERR_SHAPE, "crop: output buffer too small for %dx3x%dx%d at offset %zu", m, p->out,
                        p->out, y->off);
    for (int i = 0; i < m; i++) {
        const scl_crop_req *r = &reqs[i];
        if (r->side <= 0 || r->side > CROP_MAX_SIDE || r->x0 < -(1 << 30) || r->x0 > (1 << 30) ||
            r->y0 < -(1 << 30) || r->y0 > (1 << 30))
            return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "crop: request %d (x0 %d, y0 %d, side %d) out of range", i,
                            r->x0, r->y0, r->side);
    }
    /* a work-item: cv columns (vectors along the row) x cb rows; on a CPU the
     * widest that measured fastest, elsewhere smaller for more work-items */
    const int cpu = dev->info.type == SIAMCL_DEVICE_CPU;
    int cv = cpu ? CROP_V : 4, cb = cpu ? CROP_B : 8;
    const int *tile = p->tile[0] ? p->tile : dev->crop_tile[0] ? dev->crop_tile : NULL;
    if (tile) cv = tile[0], cb = tile[1];
    if ((cv != 4 && cv != 8 && cv != 16) || cb < 1 || cb > 256)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "crop: tile %dx%d is not VxB (V 4, 8 or 16; B 1..256)", cv, cb);
    /* one program per (tile, u8, channels, swap): no per-pixel branches on them */
    char defs[160];
    snprintf(defs, sizeof defs,
             "#define CROP_V %d\n#define CROP_B %d\n#define CROP_U8 %d\n#define CROP_CH %d\n#define CROP_SWAP %d\n",
             cv, cb, p->u8_exact ? 1 : 0, channels, p->swap_rb ? 1 : 0);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "crop", defs, "crop", &k));
    if (p->reqs_kept)
        SCL_CL(scl_queue_write(dev, SCL_Q_MAIN, reqbuf, 0, (size_t)m * sizeof(scl_crop_req), reqs), "crop requests");
    else
        SCL_TRY(scl_buffer_write(dev, reqbuf, 0, (size_t)m * sizeof(scl_crop_req), reqs));
    cl_ulong fo = foff, yo = y->off;
    cl_int W = width, H = height, CH = channels, S = p->out, swap = p->swap_rb ? 1 : 0, u8 = p->u8_exact ? 1 : 0;
    int e = SCL_ARG(k, 0, frame) | SCL_ARG(k, 1, fo) | SCL_ARG(k, 2, W) | SCL_ARG(k, 3, H) | SCL_ARG(k, 4, CH) |
            SCL_ARG(k, 5, reqbuf) | SCL_ARG(k, 6, y->mem) | SCL_ARG(k, 7, yo) | SCL_ARG(k, 8, S) |
            SCL_ARG(k, 9, swap) | SCL_ARG(k, 10, p->pad[0]) | SCL_ARG(k, 11, p->pad[1]) | SCL_ARG(k, 12, p->pad[2]) |
            SCL_ARG(k, 13, u8);
    SCL_CL(e, "crop arguments");
    /* a work-group: the column groups of one band */
    size_t kmax = scl_kernel_wg_max(dev, k);
    size_t ng = ((size_t)p->out + cv - 1) / cv, lx = ng < CROP_LX ? ng : CROP_LX;
    if (lx > kmax) lx = kmax;
    size_t l[3] = {lx, 1, 1};
    size_t g[3] = {(ng + lx - 1) / lx * lx, ((size_t)p->out + cb - 1) / cb, (size_t)m};
    return scl_launch(dev, k, 3, g, l, "crop");
}

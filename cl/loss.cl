/* Training losses over a batch of N items. Each kernel writes the loss of
 * item i to loss[i] and the gradient of the batch mean (1/N of the item's)
 * into the output gradient rows it owns (written, not accumulated: the loss
 * is the first thing of the reverse pass). One work-item per item. */

/* Contrastive (Hadsell, Chopra, LeCun 2006): e = [a_0..a_{N-1}, b_0..b_{N-1}]
 * rows of D floats, y[i] = 0 similar, 1 dissimilar, d = ||a - b||:
 * L = (1-y) d^2/2 + y max(0, m - d)^2/2. */
__kernel void loss_contrastive(__global const float *e, const ulong eoff, __global const float *lab,
                               __global float *de, const ulong deoff, __global float *loss, const int N, const int D,
                               const float margin) {
    const int i = get_global_id(0);
    if (i >= N) return;
    __global const float *a = e + eoff + (ulong)i * D, *b = a + (ulong)N * D;
    __global float *da = de + deoff + (ulong)i * D, *db = da + (ulong)N * D;
    float d2 = 0.0f;
    for (int k = 0; k < D; k++) d2 += (a[k] - b[k]) * (a[k] - b[k]);
    const float d = sqrt(d2), y = lab[i], h = fmax(0.0f, margin - d);
    loss[i] = 0.5f * (1.0f - y) * d2 + 0.5f * y * h * h;
    /* dL/da = (1-y)(a-b) - y h (a-b)/d */
    const float f = ((1.0f - y) - (d > 0.0f ? y * h / d : 0.0f)) / N;
    for (int k = 0; k < D; k++) {
        const float g = f * (a[k] - b[k]);
        da[k] = g;
        db[k] = -g;
    }
}

/* Triplet margin (PyTorch: p = 2, eps added to the difference before the norm):
 * e = [anchors, positives, negatives], L = max(0, d(a,p) - d(a,n) + m). */
__kernel void loss_triplet(__global const float *e, const ulong eoff, __global float *de, const ulong deoff,
                           __global float *loss, const int N, const int D, const float margin, const float eps) {
    const int i = get_global_id(0);
    if (i >= N) return;
    const ulong s = (ulong)N * D;
    __global const float *a = e + eoff + (ulong)i * D, *p = a + s, *n = a + 2 * s;
    __global float *da = de + deoff + (ulong)i * D, *dp = da + s, *dn = da + 2 * s;
    float sp = 0.0f, sn = 0.0f;
    for (int k = 0; k < D; k++) {
        const float u = a[k] - p[k] + eps, w = a[k] - n[k] + eps;
        sp += u * u;
        sn += w * w;
    }
    const float dap = sqrt(sp), dan = sqrt(sn), l = dap - dan + margin;
    loss[i] = fmax(l, 0.0f);
    const float fp = l > 0.0f && dap > 0.0f ? 1.0f / (dap * N) : 0.0f;
    const float fn = l > 0.0f && dan > 0.0f ? 1.0f / (dan * N) : 0.0f;
    for (int k = 0; k < D; k++) {
        const float u = (a[k] - p[k] + eps) * fp, w = (a[k] - n[k] + eps) * fn;
        da[k] = u - w;
        dp[k] = -u;
        dn[k] = w;
    }
}

/* SiamFC balanced logistic over N response maps of P cells: labels y = +-1
 * and weights w per cell (the same for every map), L = sum w log(1 + exp(-y r)). */
__kernel void loss_logistic(__global const float *r, const ulong roff, __global const float *lab,
                            __global const float *wt, __global float *dr, const ulong droff, __global float *loss,
                            const int N, const int P) {
    const int i = get_global_id(0);
    if (i >= N) return;
    __global const float *ri = r + roff + (ulong)i * P;
    __global float *di = dr + droff + (ulong)i * P;
    float acc = 0.0f;
    for (int k = 0; k < P; k++) {
        const float t = -lab[k] * ri[k];
        /* softplus(t) = max(t, 0) + log1p(exp(-|t|)); d/dt = sigmoid(t) */
        acc += wt[k] * (fmax(t, 0.0f) + log1p(exp(-fabs(t))));
        const float sg = t >= 0.0f ? 1.0f / (1.0f + exp(-t)) : exp(t) / (1.0f + exp(t));
        di[k] = -lab[k] * wt[k] * sg / N;
    }
    loss[i] = acc;
}

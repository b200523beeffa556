/* Optimisers over a flat parameter vector, PyTorch semantics. */

/* SGD with momentum and weight decay: g += wd p; v = first ? g : mom v + g
 * (plain g when mom = 0); p -= lr v. */
__kernel void sgd_step(__global float *p, __global const float *g, __global float *v, const uint n, const float lr,
                       const float mom, const float wd, const int first) {
    const uint i = get_global_id(0);
    if (i >= n) return;
    const float gi = g[i] + wd * p[i];
    float vi = gi;
    if (mom != 0.0f) {
        vi = first ? gi : mom * v[i] + gi;
        v[i] = vi;
    }
    p[i] -= lr * vi;
}

/* Adam: g += wd p; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps), bc = 1 - beta^t. */
__kernel void adam_step(__global float *p, __global const float *g, __global float *m, __global float *v,
                        const uint n, const float lr, const float b1, const float b2, const float eps, const float wd,
                        const float bc1, const float bc2) {
    const uint i = get_global_id(0);
    if (i >= n) return;
    const float gi = g[i] + wd * p[i];
    const float mi = b1 * m[i] + (1.0f - b1) * gi, vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= (lr / bc1) * mi / (sqrt(vi) / sqrt(bc2) + eps);
}

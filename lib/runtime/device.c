/* Platform/device discovery and selection, contexts and queues.
 * Selection: API params first, then SIAMCL_PLATFORM / SIAMCL_DEVICE /
 * SIAMCL_DEVICE_TYPE. Devices are admitted by capability, never by vendor. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

static void copy_env(char *dst, size_t cap, const char *api, const char *env) {
    const char *v = api ? api : getenv(env);
    snprintf(dst, cap, "%s", v ? v : "");
}

static siamcl_status parse_type(const char *s, siamcl_device_type *t) {
    if (!s || !*s || !strcasecmp(s, "all")) { *t = SIAMCL_DEVICE_ALL; return SIAMCL_OK; }
    if (!strcasecmp(s, "gpu")) { *t = SIAMCL_DEVICE_GPU; return SIAMCL_OK; }
    if (!strcasecmp(s, "cpu")) { *t = SIAMCL_DEVICE_CPU; return SIAMCL_OK; }
    if (!strcasecmp(s, "accelerator")) { *t = SIAMCL_DEVICE_ACCELERATOR; return SIAMCL_OK; }
    return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT,
                    "SIAMCL_DEVICE_TYPE=%s: expected gpu, cpu, accelerator or all", s);
}

static void default_cache_dir(char *dst, size_t cap) {
    const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (x && *x) snprintf(dst, cap, "%s/siamcl", x);
    else if (h && *h) snprintf(dst, cap, "%s/.cache/siamcl", h);
    else snprintf(dst, cap, "0");
}

/* "VxB": the crop kernel's tile (tuning and tests); NULL or "" leaves the default. */
static siamcl_status parse_crop_tile(const char *s, int tile[2]) {
    tile[0] = tile[1] = 0;
    if (!s || !*s) return SIAMCL_OK;
    char tail = 0;
    int v = 0, b = 0;
    if (sscanf(s, "%dx%d%c", &v, &b, &tail) != 2 || (v != 4 && v != 8 && v != 16) || b < 1 || b > 256)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "SIAMCL_CROP_TILE=%s is not VxB (V 4, 8 or 16; B 1..256)", s);
    tile[0] = v, tile[1] = b;
    return SIAMCL_OK;
}

siamcl_status scl_config_read(const siamcl_context_params *p, scl_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    copy_env(cfg->platform, sizeof cfg->platform, p ? p->platform : NULL, "SIAMCL_PLATFORM");
    copy_env(cfg->device, sizeof cfg->device, p ? p->device : NULL, "SIAMCL_DEVICE");
    copy_env(cfg->cache_dir, sizeof cfg->cache_dir, p ? p->cache_dir : NULL, "SIAMCL_CACHE_DIR");
    if (!cfg->cache_dir[0]) default_cache_dir(cfg->cache_dir, sizeof cfg->cache_dir);
    if (p && p->type != SIAMCL_DEVICE_ALL) cfg->type = p->type;
    else SCL_TRY(parse_type(getenv("SIAMCL_DEVICE_TYPE"), &cfg->type));
    return parse_crop_tile(getenv("SIAMCL_CROP_TILE"), cfg->crop_tile);
}

static siamcl_device_type map_type(cl_device_type t) {
    if (t & CL_DEVICE_TYPE_GPU) return SIAMCL_DEVICE_GPU;
    if (t & CL_DEVICE_TYPE_ACCELERATOR) return SIAMCL_DEVICE_ACCELERATOR;
    if (t & CL_DEVICE_TYPE_CPU) return SIAMCL_DEVICE_CPU;
    return SIAMCL_DEVICE_ALL;
}

static void fill_info(cl_platform_id p, cl_device_id d, int pi, int di, siamcl_device_info *in) {
    memset(in, 0, sizeof *in);
    in->platform_index = pi;
    in->device_index = di;
    clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof in->platform_name - 1, in->platform_name, NULL);
    clGetPlatformInfo(p, CL_PLATFORM_VENDOR, sizeof in->platform_vendor - 1, in->platform_vendor, NULL);
    clGetPlatformInfo(p, CL_PLATFORM_VERSION, sizeof in->platform_version - 1, in->platform_version, NULL);
    clGetDeviceInfo(d, CL_DEVICE_NAME, sizeof in->name - 1, in->name, NULL);
    clGetDeviceInfo(d, CL_DEVICE_VENDOR, sizeof in->vendor - 1, in->vendor, NULL);
    clGetDeviceInfo(d, CL_DRIVER_VERSION, sizeof in->driver_version - 1, in->driver_version, NULL);
    clGetDeviceInfo(d, CL_DEVICE_OPENCL_C_VERSION, sizeof in->opencl_c_version - 1, in->opencl_c_version, NULL);
    cl_device_type t = 0;
    clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof t, &t, NULL);
    in->type = map_type(t);
    cl_uint cu = 0;
    clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL);
    in->compute_units = cu;
    cl_ulong g = 0, l = 0, a = 0;
    clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof g, &g, NULL);
    clGetDeviceInfo(d, CL_DEVICE_LOCAL_MEM_SIZE, sizeof l, &l, NULL);
    clGetDeviceInfo(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof a, &a, NULL);
    in->global_mem_bytes = g;
    in->local_mem_bytes = l;
    in->max_alloc_bytes = a;
    size_t wg = 0;
    clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL);
    in->max_work_group_size = wg;
}

typedef struct found {
    cl_platform_id p;
    cl_device_id d;
    siamcl_device_info info;
} found;

/* Every device of every platform, in platform then device order. */
static siamcl_status discover(found *out, int cap, int *n) {
    cl_platform_id plats[MAX_PLATFORMS];
    cl_uint np = 0;
    cl_int e = clGetPlatformIDs(MAX_PLATFORMS, plats, &np);
    *n = 0;
    if (e == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (e == CL_SUCCESS && np == 0))
        return scl_fail(SIAMCL_ERR_NO_PLATFORM,
                        "no OpenCL platform found: install an OpenCL driver "
                        "(e.g. pocl-opencl-icd for CPUs) and the ICD loader");
    SCL_CL(e, "clGetPlatformIDs");
    for (cl_uint pi = 0; pi < np && pi < MAX_PLATFORMS; pi++) {
        cl_device_id devs[MAX_DEVICES];
        cl_uint nd = 0;
        if (clGetDeviceIDs(plats[pi], CL_DEVICE_TYPE_ALL, MAX_DEVICES, devs, &nd) != CL_SUCCESS) continue;
        for (cl_uint di = 0; di < nd && di < MAX_DEVICES; di++) {
            if (*n >= cap) return SIAMCL_OK;
            out[*n].p = plats[pi];
            out[*n].d = devs[di];
            fill_info(plats[pi], devs[di], (int)pi, (int)di, &out[*n].info);
            (*n)++;
        }
    }
    return SIAMCL_OK;
}

siamcl_status siamcl_devices_list(siamcl_device_info *out, int cap, int *count) {
    if (!count || (cap > 0 && !out)) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_devices_list: NULL argument");
    found all[MAX_DEVICES];
    int n = 0;
    SCL_TRY(discover(all, MAX_DEVICES, &n));
    for (int i = 0; i < n && i < cap; i++) out[i] = all[i].info;
    *count = n;
    return SIAMCL_OK;
}

static int is_index(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

static int contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n)) return 1;
    return n == 0;
}

static void trim(char *s) {
    char *b = s;
    while (isspace((unsigned char)*b)) b++;
    memmove(s, b, strlen(b) + 1);
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
}

static const char *type_name(siamcl_device_type t) {
    switch (t) {
    case SIAMCL_DEVICE_GPU: return "gpu";
    case SIAMCL_DEVICE_CPU: return "cpu";
    case SIAMCL_DEVICE_ACCELERATOR: return "accelerator";
    default: return "other";
    }
}

static siamcl_status no_match(const found *all, int n, const char *what, const char *value) {
    char list[2048] = "";
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof list - 1; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "\n  platform %d device %d: %s (%s, %s)",
                                 all[i].info.platform_index, all[i].info.device_index, all[i].info.name,
                                 all[i].info.platform_name, type_name(all[i].info.type));
    return scl_fail(SIAMCL_ERR_NO_DEVICE, "%s=%s matches no OpenCL device; devices present:%s", what, value,
                    n ? list : " none");
}

/* Resolve the configuration to a list of devices (indices into all[]). */
static siamcl_status select_devices(const scl_config *cfg, const found *all, int n, int *sel, int *nsel) {
    int cand[MAX_DEVICES], nc = 0;
    for (int i = 0; i < n; i++) {
        const siamcl_device_info *in = &all[i].info;
        if (cfg->platform[0]) {
            if (is_index(cfg->platform) ? in->platform_index != atoi(cfg->platform)
                                        : !(contains_ci(in->platform_name, cfg->platform) ||
                                            contains_ci(in->platform_vendor, cfg->platform)))
                continue;
        }
        if (cfg->type != SIAMCL_DEVICE_ALL && in->type != cfg->type) continue;
        cand[nc++] = i;
    }
    *nsel = 0;
    if (nc == 0) {
        if (cfg->platform[0]) return no_match(all, n, "SIAMCL_PLATFORM", cfg->platform);
        return no_match(all, n, "SIAMCL_DEVICE_TYPE", type_name(cfg->type));
    }
    if (!cfg->device[0]) {
        sel[(*nsel)++] = cand[0];
        return SIAMCL_OK;
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s", cfg->device);
    int entry = 0;
    for (char *tok = buf, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = 0;
        trim(tok);
        entry++;
        if (!*tok)
            return scl_fail(SIAMCL_ERR_NO_DEVICE, "SIAMCL_DEVICE='%s': entry %d is empty (a comma list of device "
                            "indices or name substrings, e.g. 0,1)", cfg->device, entry);
        int hit = -1, taken = -1;
        for (int c = 0; c < nc && hit < 0; c++) {
            const siamcl_device_info *in = &all[cand[c]].info;
            int match = is_index(tok) ? in->device_index == atoi(tok)
                                      : contains_ci(in->name, tok) || contains_ci(in->vendor, tok);
            if (!match) continue;
            int dup = 0;
            for (int s = 0; s < *nsel; s++) dup |= sel[s] == cand[c];
            if (!dup) hit = cand[c];
            else if (taken < 0) taken = cand[c];
        }
        if (hit < 0 && taken >= 0)
            return scl_fail(SIAMCL_ERR_NO_DEVICE, "SIAMCL_DEVICE='%s': entry %d ('%s') names device %d (%s) again, "
                            "and no other device; each device can be selected once", cfg->device, entry, tok,
                            all[taken].info.device_index, all[taken].info.name);
        if (hit < 0) return no_match(all, n, "SIAMCL_DEVICE", tok);
        if (*nsel < MAX_DEVICES) sel[(*nsel)++] = hit;
    }
    return SIAMCL_OK;
}

static siamcl_status device_open(scl_device *d, const found *f, const scl_config *cfg, int index) {
    memset(d, 0, sizeof *d);
    d->crop_tile[0] = cfg->crop_tile[0], d->crop_tile[1] = cfg->crop_tile[1];
    d->platform = f->p;
    d->id = f->d;
    d->info = f->info;
    d->index = index;
    if (strcmp(cfg->cache_dir, "0") != 0) snprintf(d->cache_dir, sizeof d->cache_dir, "%s", cfg->cache_dir);
    scl_cache_prepare(d);
    if (!scl_alloc_tick()) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "context creation: allocation failed (test hook)");
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)f->p, 0};
    cl_int e = CL_SUCCESS;
    d->ctx = clCreateContext(props, 1, &f->d, NULL, NULL, &e);
    SCL_CL(e, "clCreateContext");
    d->queue = clCreateCommandQueue(d->ctx, f->d, CL_QUEUE_PROFILING_ENABLE, &e);
    SCL_CL(e, "clCreateCommandQueue");
    d->lane = clCreateCommandQueue(d->ctx, f->d, CL_QUEUE_PROFILING_ENABLE, &e);
    SCL_CL(e, "clCreateCommandQueue (second queue)");
    scl_log(SIAMCL_LOG_INFO, "siamcl: device %d = platform %d device %d: %s (%s, %s, %u CUs)", index,
            f->info.platform_index, f->info.device_index, f->info.name, f->info.platform_name,
            type_name(f->info.type), f->info.compute_units);
    return SIAMCL_OK;
}

static void device_close(scl_device *d) {
    scl_programs_release(d);
    if (d->lane) {
        clFinish(d->lane);
        clReleaseCommandQueue(d->lane);
    }
    if (d->queue) {
        clFinish(d->queue);
        clReleaseCommandQueue(d->queue);
    }
    if (d->ctx) clReleaseContext(d->ctx);
    memset(d, 0, sizeof *d);
}

siamcl_status siamcl_context_create(const siamcl_context_params *params, siamcl_context **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_context_create: out is NULL");
    *out = NULL;
    scl_config cfg;
    SCL_TRY(scl_config_read(params, &cfg));
    found all[MAX_DEVICES];
    int n = 0, sel[MAX_DEVICES], nsel = 0;
    SCL_TRY(discover(all, MAX_DEVICES, &n));
    if (n == 0) return scl_fail(SIAMCL_ERR_NO_DEVICE, "OpenCL platforms found but no device on any of them");
    SCL_TRY(select_devices(&cfg, all, n, sel, &nsel));
    siamcl_context *ctx = scl_calloc(1, sizeof *ctx);
    if (!ctx) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_context_create: out of memory");
    ctx->dev = scl_calloc((size_t)nsel, sizeof *ctx->dev);
    if (!ctx->dev) {
        scl_free(ctx);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_context_create: out of memory");
    }
    for (int i = 0; i < nsel; i++) {
        siamcl_status st = device_open(&ctx->dev[i], &all[sel[i]], &cfg, i);
        ctx->ndev = i + 1;
        if (st != SIAMCL_OK) {
            siamcl_context_free(ctx);
            return st;
        }
    }
    *out = ctx;
    return SIAMCL_OK;
}

void siamcl_context_free(siamcl_context *ctx) {
    if (!ctx) return;
    for (int i = 0; i < ctx->ndev; i++) device_close(&ctx->dev[i]);
    scl_free(ctx->dev);
    scl_free(ctx);
}

int siamcl_context_device_count(const siamcl_context *ctx) { return ctx ? ctx->ndev : 0; }

siamcl_status siamcl_context_device_info(const siamcl_context *ctx, int i, siamcl_device_info *out) {
    if (!ctx || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_context_device_info: NULL argument");
    if (i < 0 || i >= ctx->ndev)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "device %d does not exist (context has %d)", i, ctx->ndev);
    *out = ctx->dev[i].info;
    return SIAMCL_OK;
}

size_t siamcl_context_device_bytes(const siamcl_context *ctx, int i) {
    return ctx && i >= 0 && i < ctx->ndev ? ctx->dev[i].bytes_allocated : 0;
}

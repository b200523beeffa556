/* siamcl devices: every platform and device, and which the environment selects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *type_name(siamcl_device_type t) {
    switch (t) {
    case SIAMCL_DEVICE_GPU: return "GPU";
    case SIAMCL_DEVICE_CPU: return "CPU";
    case SIAMCL_DEVICE_ACCELERATOR: return "accelerator";
    default: return "other";
    }
}

int cmd_devices(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: siamcl devices\n\n"
                   "Lists every OpenCL platform and device with type, compute units, memory,\n"
                   "work-group size and OpenCL C version, and marks with '*' the device(s)\n"
                   "that SIAMCL_PLATFORM / SIAMCL_DEVICE / SIAMCL_DEVICE_TYPE select.\n");
            return 0;
        }
        fprintf(stderr, "siamcl devices: unknown option %s\n", argv[i]);
        return 2;
    }
    siamcl_device_info infos[64];
    int n = 0;
    siamcl_status st = siamcl_devices_list(infos, 64, &n);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    if (n > 64) n = 64;
    /* which devices does the environment select? */
    siamcl_context *ctx = NULL;
    siamcl_status cst = siamcl_context_create(NULL, &ctx);
    int prev_platform = -1;
    for (int i = 0; i < n; i++) {
        const siamcl_device_info *d = &infos[i];
        if (d->platform_index != prev_platform) {
            printf("platform %d: %s (%s) %s\n", d->platform_index, d->platform_name, d->platform_vendor,
                   d->platform_version);
            prev_platform = d->platform_index;
        }
        int selected = -1;
        for (int k = 0; ctx && k < siamcl_context_device_count(ctx); k++) {
            siamcl_device_info s;
            if (siamcl_context_device_info(ctx, k, &s) == SIAMCL_OK && s.platform_index == d->platform_index &&
                s.device_index == d->device_index)
                selected = k;
        }
        printf("  %c device %d: %s\n", selected >= 0 ? '*' : ' ', d->device_index, d->name);
        printf("      type %s, vendor %s, driver %s, %s\n", type_name(d->type), d->vendor, d->driver_version,
               d->opencl_c_version);
        printf("      %u compute units, global memory %.1f GiB (max buffer %.1f GiB), local memory %llu KiB, "
               "max work-group %zu\n",
               d->compute_units, (double)d->global_mem_bytes / (1 << 30), (double)d->max_alloc_bytes / (1 << 30),
               (unsigned long long)(d->local_mem_bytes / 1024), d->max_work_group_size);
        if (selected >= 0) printf("      selected as context device %d\n", selected);
    }
    if (cst != SIAMCL_OK) {
        fprintf(stderr, "siamcl devices: the environment selects no device: %s\n", siamcl_last_error());
        return 1;
    }
    siamcl_context_free(ctx);
    return 0;
}

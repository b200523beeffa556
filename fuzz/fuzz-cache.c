/* libFuzzer: the kernel cache loader (the entry is verified before any driver sees it).
 * A device is faked: the loader reads only the cache folder and the device identity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static scl_device dev;
    static const uint64_t key[2] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
    if (!dev.cache_dir[0]) {
        snprintf(dev.cache_dir, sizeof dev.cache_dir, "/tmp/siamcl-fuzz-cache-%ld", (long)getpid());
        mkdir(dev.cache_dir, 0755);
        snprintf(dev.info.name, sizeof dev.info.name, "fuzz device");
        snprintf(dev.info.driver_version, sizeof dev.info.driver_version, "1.0");
        snprintf(dev.info.platform_version, sizeof dev.info.platform_version, "OpenCL 1.2 fuzz");
    }
    char path[700];
    snprintf(path, sizeof path, "%s/%016llx%016llx.bin", dev.cache_dir, (unsigned long long)key[0],
             (unsigned long long)key[1]);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    unsigned char *bin = NULL;
    size_t len = 0;
    if (scl_cache_load(&dev, key, &bin, &len)) scl_free(bin);
    return 0;
}

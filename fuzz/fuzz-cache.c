/* libFuzzer: the kernel cache loader (the entry is verified before any driver sees it).
 * A device is faked: the loader reads only the cache folder and the device identity. */
#include <stdio.h>
#include <unistd.h>

#include "fake_device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static scl_device dev;
    if (!dev.cache_dir[0]) {
        char dir[128];
        snprintf(dir, sizeof dir, "/tmp/siamcl-fuzz-cache-%ld", (long)getpid());
        fuzz_fake_device(&dev, dir);
    }
    char path[700];
    fuzz_entry_path(&dev, path, sizeof path);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    unsigned char *bin = NULL;
    size_t len = 0;
    if (scl_cache_load(&dev, FUZZ_CACHE_KEY, &bin, &len)) scl_free(bin);
    return 0;
}

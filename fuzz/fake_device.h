/* The device fuzz-cache pretends to be, and the key it loads: seeds.c writes its seed
 * entry for the same identity, so the fuzzer starts from an entry that verifies. */
#ifndef FUZZ_FAKE_DEVICE_H
#define FUZZ_FAKE_DEVICE_H
#include <stdio.h>
#include <sys/stat.h>

#include "runtime/runtime.h"

static const uint64_t FUZZ_CACHE_KEY[2] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};

/* A device with only what the cache reads: its cache folder (made here) and identity. */
static inline void fuzz_fake_device(scl_device *dev, const char *cache_dir) {
    snprintf(dev->cache_dir, sizeof dev->cache_dir, "%s", cache_dir);
    mkdir(dev->cache_dir, 0755);
    snprintf(dev->info.name, sizeof dev->info.name, "fuzz device");
    snprintf(dev->info.driver_version, sizeof dev->info.driver_version, "1.0");
    snprintf(dev->info.platform_version, sizeof dev->info.platform_version, "OpenCL 1.2 fuzz");
}

/* The entry file for FUZZ_CACHE_KEY. */
static inline void fuzz_entry_path(const scl_device *dev, char *out, size_t cap) {
    snprintf(out, cap, "%s/%016llx%016llx.bin", dev->cache_dir, (unsigned long long)FUZZ_CACHE_KEY[0],
             (unsigned long long)FUZZ_CACHE_KEY[1]);
}
#endif

/* libFuzzer: IDX files (MNIST / Fashion-MNIST; plain or gzip, as siamcl train reads them). */
#include "fuzz_file.h"
#include "siamcl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(data, size, ".idx");
    if (!path) return 0;
    siamcl_idx x;
    if (siamcl_idx_read(path, &x) == SIAMCL_OK) {
        unsigned sum = 0; /* touch every byte the reader says it filled */
        for (size_t i = 0; i < x.count; i++) sum += x.data[i];
        (void)sum;
        siamcl_idx_free(&x);
    }
    return 0;
}

/* libFuzzer: ground-truth / result box files, and the ground-truth checks. */
#include "fuzz_file.h"
#include "io/io.h"
#include "siamcl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(data, size, ".txt");
    if (!path) return 0;
    siamcl_box *b = NULL;
    int n = 0;
    if (siamcl_boxes_read(path, &b, &n) == SIAMCL_OK) {
        scl_boxes_check_gt(path, b, n);
        siamcl_boxes_free(b);
    }
    return 0;
}

/* libFuzzer: PNG and JPEG decoding (format chosen by magic bytes). */
#include <stddef.h>
#include <stdint.h>

#include "siamcl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    siamcl_image img = {0, 0, NULL};
    if (siamcl_image_load_memory(data, size, &img) == SIAMCL_OK) siamcl_image_free(&img);
    return 0;
}

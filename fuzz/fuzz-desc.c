/* libFuzzer: model description parsing (the text of a .model file). */
#include <stdlib.h>
#include <string.h>

#include "siamcl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    siamcl_tracker_desc d;
    siamcl_tracker_desc_parse(text, "fuzz.model", "/nonexistent", &d);
    free(text);
    return 0;
}

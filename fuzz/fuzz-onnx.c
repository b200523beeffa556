/* libFuzzer: ONNX import (protobuf parse, graph building, shape checks, BN folding, sort). */
#include <stddef.h>
#include <stdint.h>

#include "siamcl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    siamcl_model *m = NULL;
    if (siamcl_model_load_memory(data, size, "fuzz.onnx", &m) == SIAMCL_OK) siamcl_model_free(m);
    return 0;
}

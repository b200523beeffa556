/* libFuzzer: video demuxing and decoding (at most 8 frames per input). */
#include "fuzz_file.h"
#include "siamcl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(data, size, ".vid");
    if (!path) return 0;
    siamcl_video *v = NULL;
    if (siamcl_video_open(path, &v) != SIAMCL_OK) return 0;
    siamcl_image img = {0, 0, NULL};
    int got = 1;
    for (int i = 0; i < 8 && got && siamcl_video_read(v, &img, &got) == SIAMCL_OK; i++) {
    }
    siamcl_image_free(&img);
    siamcl_video_free(v);
    return 0;
}

/* Sequences: the OTB folders of ../shared/data/otb (Crossing, Jogging's two
 * targets, Football1's short ground truth, Dog1's grayscale frames), OTB-like
 * and plain folders made here (numbering that starts late, natural order,
 * non-frame files), missing/empty folders, malformed ground truth, failing
 * allocations. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char g_tmp[256];

static const char *otb(const char *seq) {
    static char buf[4][512];
    static int k;
    char *p = buf[k++ & 3];
    snprintf(p, 512, "%s/data/otb/%s", tu_shared(), seq);
    return p;
}

static const char *tmp(const char *rel) {
    static char buf[8][512];
    static int k;
    char *p = buf[k++ & 7];
    snprintf(p, 512, "%s/%s", g_tmp, rel);
    return p;
}

static void put_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, strlen(text), f) != strlen(text)) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

/* A w x h PNG whose first pixel encodes `tag`. */
static void put_png(const char *path, int w, int h, int tag) {
    siamcl_image im;
    if (siamcl_image_alloc(&im, w, h) != SIAMCL_OK) exit(1);
    im.data[0] = (uint8_t)tag;
    if (siamcl_image_save_png(path, &im) != SIAMCL_OK) {
        fprintf(stderr, "cannot write %s: %s\n", path, siamcl_last_error());
        exit(1);
    }
    siamcl_image_free(&im);
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = s ? strlen(s) : 0, b = strlen(suffix);
    return s && a >= b && strcmp(s + a - b, suffix) == 0;
}

static int box_is(siamcl_box b, float x, float y, float w, float h) {
    return b.x == x && b.y == y && b.w == w && b.h == h;
}

static void test_crossing(void) {
    siamcl_sequence *s = NULL;
    CHECK_OK(siamcl_sequence_open(otb("Crossing"), 0, &s));
    if (!s) return;
    CHECK(strcmp(siamcl_sequence_name(s), "Crossing") == 0);
    CHECK(siamcl_sequence_length(s) == 120);
    CHECK(siamcl_sequence_groundtruth_count(s) == 120);
    CHECK(siamcl_sequence_target_count(s) == 1);
    CHECK(ends_with(siamcl_sequence_frame_path(s, 0), "/Crossing/img/0001.jpg"));
    CHECK(ends_with(siamcl_sequence_frame_path(s, 9), "/Crossing/img/0010.jpg"));
    CHECK(ends_with(siamcl_sequence_frame_path(s, 119), "/Crossing/img/0120.jpg"));
    CHECK(siamcl_sequence_frame_path(s, 120) == NULL);
    CHECK(siamcl_sequence_frame_path(s, -1) == NULL);
    siamcl_box b;
    CHECK(siamcl_sequence_groundtruth(s, 0, &b) == 1 && box_is(b, 205, 151, 17, 50));
    CHECK(siamcl_sequence_groundtruth(s, 119, &b) == 1 && box_is(b, 56, 93, 14, 36));
    CHECK(siamcl_sequence_groundtruth(s, 120, &b) == 0);
    CHECK(siamcl_sequence_groundtruth(s, -1, &b) == 0);
    CHECK(siamcl_sequence_groundtruth(s, 0, NULL) == 0);
    siamcl_image im;
    CHECK_OK(siamcl_sequence_load_frame(s, 119, &im));
    CHECK(im.width == 360 && im.height == 240);
    siamcl_image_free(&im);
    CHECK_STATUS(siamcl_sequence_load_frame(s, 120, &im), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_sequence_load_frame(s, -1, &im), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_sequence_load_frame(s, 0, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    /* target 1 of a single-target sequence is its ground truth; target 2 does not exist */
    siamcl_sequence *t = NULL;
    CHECK_OK(siamcl_sequence_open(otb("Crossing"), 1, &t));
    CHECK(t && strcmp(siamcl_sequence_name(t), "Crossing") == 0 && siamcl_sequence_groundtruth_count(t) == 120);
    siamcl_sequence_free(t);
    t = (siamcl_sequence *)1;
    CHECK_STATUS(siamcl_sequence_open(otb("Crossing"), 2, &t), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK(t == NULL);
    /* a trailing slash does not change the name */
    char slash[600];
    snprintf(slash, sizeof slash, "%s//", otb("Crossing"));
    CHECK_OK(siamcl_sequence_open(slash, 0, &t));
    CHECK(t && strcmp(siamcl_sequence_name(t), "Crossing") == 0 && siamcl_sequence_length(t) == 120);
    siamcl_sequence_free(t);
    siamcl_sequence_free(s);
    siamcl_sequence_free(NULL);
}

static void test_jogging(void) {
    static const struct {
        int target;
        const char *name;
        float first[4];
    } c[] = {{0, "Jogging-1", {111, 98, 25, 101}}, {1, "Jogging-1", {111, 98, 25, 101}}, {2, "Jogging-2", {180, 79, 37, 114}}};
    for (int k = 0; k < 3; k++) {
        siamcl_sequence *s = NULL;
        CHECK_OK(siamcl_sequence_open(otb("Jogging"), c[k].target, &s));
        if (!s) continue;
        if (strcmp(siamcl_sequence_name(s), c[k].name) != 0)
            fprintf(stderr, "Jogging target %d: name %s, want %s\n", c[k].target, siamcl_sequence_name(s), c[k].name);
        CHECK(strcmp(siamcl_sequence_name(s), c[k].name) == 0);
        CHECK(siamcl_sequence_target_count(s) == 2);
        CHECK(siamcl_sequence_length(s) == 307);
        CHECK(siamcl_sequence_groundtruth_count(s) == 307);
        siamcl_box b;
        CHECK(siamcl_sequence_groundtruth(s, 0, &b) && box_is(b, c[k].first[0], c[k].first[1], c[k].first[2], c[k].first[3]));
        CHECK(siamcl_sequence_groundtruth(s, 306, &b) == 1);
        siamcl_sequence_free(s);
    }
    siamcl_sequence *s = NULL;
    CHECK_STATUS(siamcl_sequence_open(otb("Jogging"), 3, &s), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK(strstr(siamcl_last_error(), "target 3") != NULL);
    CHECK_STATUS(siamcl_sequence_open(otb("Jogging"), -1, &s), SIAMCL_ERR_INVALID_ARGUMENT);
}

static void test_football_dog(void) {
    siamcl_sequence *s = NULL;
    CHECK_OK(siamcl_sequence_open(otb("Football1"), 0, &s));
    if (s) {
        CHECK(strcmp(siamcl_sequence_name(s), "Football1") == 0);
        CHECK(siamcl_sequence_length(s) == 81);
        CHECK(siamcl_sequence_groundtruth_count(s) == 74);
        siamcl_box b;
        CHECK(siamcl_sequence_groundtruth(s, 0, &b) == 1 && box_is(b, 153, 105, 26, 43));
        CHECK(siamcl_sequence_groundtruth(s, 73, &b) == 1 && box_is(b, 212, 136, 31, 43));
        CHECK(siamcl_sequence_groundtruth(s, 74, &b) == 0);
        CHECK(siamcl_sequence_groundtruth(s, 80, &b) == 0);
        siamcl_image im;
        CHECK_OK(siamcl_sequence_load_frame(s, 80, &im)); /* frames without ground truth still load */
        siamcl_image_free(&im);
        siamcl_sequence_free(s);
    }
    s = NULL;
    CHECK_OK(siamcl_sequence_open(otb("Dog1"), 0, &s));
    if (s) {
        CHECK(strcmp(siamcl_sequence_name(s), "Dog1") == 0);
        CHECK(siamcl_sequence_length(s) == 1350 && siamcl_sequence_groundtruth_count(s) == 1350);
        CHECK(ends_with(siamcl_sequence_frame_path(s, 999), "/Dog1/img/1000.jpg"));
        CHECK(ends_with(siamcl_sequence_frame_path(s, 1349), "/Dog1/img/1350.jpg"));
        siamcl_image im;
        CHECK_OK(siamcl_sequence_load_frame(s, 1349, &im));
        CHECK(im.width == 320 && im.height == 240);
        long unequal = 0;
        for (int i = 0; im.data && i < im.width * im.height; i++)
            unequal += im.data[3 * i] != im.data[3 * i + 1] || im.data[3 * i] != im.data[3 * i + 2];
        CHECK(im.data && unequal == 0);
        siamcl_image_free(&im);
        siamcl_sequence_free(s);
    }
}

static void test_made_folders(void) {
    /* OTB-like: numbering starts at 0098 and crosses 0100; several targets; a short GT */
    mkdir(tmp("Seq"), 0755);
    mkdir(tmp("Seq/img"), 0755);
    for (int i = 98; i <= 103; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "Seq/img/%04d.png", i);
        put_png(tmp(rel), 4, 3, i);
    }
    put_text(tmp("Seq/img/readme.txt"), "not a frame\n");
    put_text(tmp("Seq/groundtruth_rect.3.txt"), "1,2,3,4\n5 6\t7,8\n");
    put_text(tmp("Seq/groundtruth_rect.10.txt"), "9,9,9,9\n");
    put_text(tmp("Seq/groundtruth_rect.x.txt"), "not ground truth\n");
    siamcl_sequence *s = NULL;
    CHECK_OK(siamcl_sequence_open(tmp("Seq"), 0, &s));
    if (s) {
        CHECK(strcmp(siamcl_sequence_name(s), "Seq-3") == 0);
        CHECK(siamcl_sequence_target_count(s) == 2);
        CHECK(siamcl_sequence_length(s) == 6);
        CHECK(siamcl_sequence_groundtruth_count(s) == 2);
        CHECK(ends_with(siamcl_sequence_frame_path(s, 0), "/0098.png") && ends_with(siamcl_sequence_frame_path(s, 5), "/0103.png"));
        siamcl_box b;
        CHECK(siamcl_sequence_groundtruth(s, 1, &b) && box_is(b, 5, 6, 7, 8));
        CHECK(siamcl_sequence_groundtruth(s, 2, &b) == 0);
        siamcl_image im;
        CHECK_OK(siamcl_sequence_load_frame(s, 2, &im));
        CHECK(im.data && im.data[0] == 100);
        siamcl_image_free(&im);
        siamcl_sequence_free(s);
    }
    CHECK_OK(siamcl_sequence_open(tmp("Seq"), 10, &s));
    CHECK(s && strcmp(siamcl_sequence_name(s), "Seq-10") == 0 && siamcl_sequence_groundtruth_count(s) == 1);
    siamcl_sequence_free(s);
    CHECK_STATUS(siamcl_sequence_open(tmp("Seq"), 1, &s), SIAMCL_ERR_OUT_OF_RANGE);

    /* malformed ground truth: the error names file:line */
    put_text(tmp("Seq/groundtruth_rect.10.txt"), "9,9,9,9\n1,2,three,4\n");
    CHECK_STATUS(siamcl_sequence_open(tmp("Seq"), 10, &s), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "groundtruth_rect.10.txt:2") != NULL);
    CHECK(s == NULL);

    /* plain folder: natural name order (frame2 before frame10), any case of extension,
     * no ground truth; text files, hidden files and folders named like frames are skipped */
    mkdir(tmp("plain"), 0755);
    put_png(tmp("plain/frame10.png"), 3, 3, 10);
    put_png(tmp("plain/frame2.png"), 3, 3, 2);
    put_png(tmp("plain/frame1.PNG"), 3, 3, 1);
    put_png(tmp("plain/frame3.jpeg"), 3, 3, 3); /* PNG bytes under a .jpeg name: decoded by magic */
    put_png(tmp("plain/.hidden.png"), 3, 3, 99);
    put_text(tmp("plain/notes.txt"), "hello\n");
    /* a folder named like a frame is an error naming it, not a frame silently left out */
    mkdir(tmp("plain/dir.png"), 0755);
    CHECK_STATUS(siamcl_sequence_open(tmp("plain"), 0, &s), SIAMCL_ERR_FORMAT);
    CHECK(s == NULL && strstr(siamcl_last_error(), "dir.png") && strstr(siamcl_last_error(), "not a regular file"));
    rmdir(tmp("plain/dir.png"));
    CHECK_OK(siamcl_sequence_open(tmp("plain"), 0, &s));
    if (s) {
        CHECK(strcmp(siamcl_sequence_name(s), "plain") == 0);
        CHECK(siamcl_sequence_length(s) == 4);
        CHECK(siamcl_sequence_target_count(s) == 0 && siamcl_sequence_groundtruth_count(s) == 0);
        static const int order[4] = {1, 2, 3, 10};
        for (int i = 0; i < 4 && i < siamcl_sequence_length(s); i++) {
            siamcl_image im;
            CHECK_OK(siamcl_sequence_load_frame(s, i, &im));
            if (!im.data || im.data[0] != order[i])
                fprintf(stderr, "plain folder frame %d: %s\n", i, siamcl_sequence_frame_path(s, i));
            CHECK(im.data && im.data[0] == order[i]);
            siamcl_image_free(&im);
        }
        siamcl_box b;
        CHECK(siamcl_sequence_groundtruth(s, 0, &b) == 0);
        siamcl_sequence_free(s);
    }
    CHECK_STATUS(siamcl_sequence_open(tmp("plain"), 1, &s), SIAMCL_ERR_OUT_OF_RANGE);

    /* "." names the real folder */
    char cwd[1024];
    if (getcwd(cwd, sizeof cwd) && chdir(tmp("plain")) == 0) {
        CHECK_OK(siamcl_sequence_open(".", 0, &s));
        CHECK(s && strcmp(siamcl_sequence_name(s), "plain") == 0);
        siamcl_sequence_free(s);
        CHECK(chdir(cwd) == 0);
    }

    /* missing folder, a file, an empty folder, img/ without frames */
    CHECK_STATUS(siamcl_sequence_open(tmp("missing"), 0, &s), SIAMCL_ERR_IO);
    CHECK(strstr(siamcl_last_error(), tmp("missing")) != NULL);
    CHECK_STATUS(siamcl_sequence_open(tmp("plain/notes.txt"), 0, &s), SIAMCL_ERR_IO);
    mkdir(tmp("empty"), 0755);
    CHECK_STATUS(siamcl_sequence_open(tmp("empty"), 0, &s), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "no frames") != NULL);
    mkdir(tmp("noimg"), 0755);
    mkdir(tmp("noimg/img"), 0755);
    put_text(tmp("noimg/groundtruth_rect.txt"), "1,2,3,4\n");
    CHECK_STATUS(siamcl_sequence_open(tmp("noimg"), 0, &s), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_sequence_open(NULL, 0, &s), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_sequence_open("", 0, &s), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_sequence_open(tmp("plain"), 0, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);
    /* NULL sequence accessors */
    CHECK(siamcl_sequence_name(NULL) == NULL && siamcl_sequence_length(NULL) == 0);
    CHECK(siamcl_sequence_frame_path(NULL, 0) == NULL && siamcl_sequence_groundtruth_count(NULL) == 0);
}

static void test_alloc_walk(void) {
    siamcl_status st = SIAMCL_ERR_OUT_OF_MEMORY;
    long n;
    for (n = 1; n < 100000 && st != SIAMCL_OK; n++) {
        siamcl_test_fail_alloc(n);
        siamcl_sequence *s = (siamcl_sequence *)1;
        st = siamcl_sequence_open(otb("Jogging"), 2, &s);
        if (st == SIAMCL_OK) {
            CHECK(siamcl_sequence_length(s) == 307 && strcmp(siamcl_sequence_name(s), "Jogging-2") == 0);
            siamcl_sequence_free(s);
        } else {
            if (st != SIAMCL_ERR_OUT_OF_MEMORY)
                fprintf(stderr, "sequence open: failing allocation %ld -> %d (%s)\n", n, (int)st, siamcl_last_error());
            CHECK(st == SIAMCL_ERR_OUT_OF_MEMORY && s == NULL);
            if (st != SIAMCL_ERR_OUT_OF_MEMORY) break;
        }
    }
    siamcl_test_fail_alloc(0);
    CHECK(st == SIAMCL_OK);
    printf("sequence open: %ld allocation sites walked\n", n - 1);
}

int main(void) {
    snprintf(g_tmp, sizeof g_tmp, "%s/siamcl-test-seq-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_tmp)) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    test_crossing();
    test_jogging();
    test_football_dog();
    test_made_folders();
    test_alloc_walk();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    return tu_finish("test-sequence");
}

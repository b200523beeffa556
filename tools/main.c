/* siamcl: command dispatch and shared helpers. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dist.h"

#ifndef SIAMCL_SHARED_DEFAULT
#define SIAMCL_SHARED_DEFAULT "../shared"
#endif

static const char *g_shared;

const char *cli_shared_dir(void) {
    if (g_shared) return g_shared;
    const char *e = getenv("SIAMCL_SHARED");
    return e && *e ? e : SIAMCL_SHARED_DEFAULT;
}

/* --shared also reaches the library's default ONNX search (lib/track/desc.c). */
void cli_set_shared_dir(const char *dir) {
    g_shared = dir;
    setenv("SIAMCL_SHARED", dir, 1);
}

void cli_log(siamcl_log_level level, const char *msg, void *user) {
    (void)user;
    static const char *names[] = {"error", "warning", "info", "debug"};
    fprintf(stderr, "siamcl: %s: %s\n", names[level], msg);
}

int cli_fail(siamcl_status st, const char *what) {
    /* the log callback has already printed the library's message: do not repeat it */
    if (what && (what == siamcl_last_error() || !strcmp(what, siamcl_last_error())))
        fprintf(stderr, "siamcl: %s (status %d)\n", siamcl_status_string(st), (int)st);
    else
        fprintf(stderr, "siamcl: %s: %s (status %d)\n", what ? what : "failed", siamcl_status_string(st), (int)st);
    return 1;
}

static char cli_msg[1024];

siamcl_status cli_error(siamcl_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cli_msg, sizeof cli_msg, fmt, ap);
    va_end(ap);
    return st;
}

const char *cli_error_text(void) {
    static char out[sizeof cli_msg];
    if (!cli_msg[0]) return siamcl_last_error();
    memcpy(out, cli_msg, sizeof out);
    cli_msg[0] = 0;
    return out;
}

double cli_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

double cli_now_s(void) { return cli_now_ms() * 1e-3; }

static const struct {
    const char *name;
    cli_cmd_fn fn;
    const char *help;
} commands[] = {
    {"devices", cmd_devices, "list OpenCL platforms and devices, and which the environment selects"},
    {"track", cmd_track, "track a target through an image sequence (OTB layout or a folder of frames)"},
    {"eval", cmd_eval, "OTB one-pass evaluation: success/precision, AUC, per attribute, plots"},
    {"info", cmd_info, "describe an ONNX model: ops, shapes, parameters, MACs, plan memory"},
    {"bench", cmd_bench, "time every stage and layer of a tracker on a device"},
    {"train", cmd_train, "train a Siamese network (contrastive / triplet / SiamFC logistic) and export ONNX"},
    {"tune", cmd_tune, "search a tracker's settings on tuning sequences, score them on held-out ones"},
};

static void usage(FILE *f) {
    fprintf(f,
            "usage: siamcl [--shared DIR] [-v] <command> [options]\n\n"
            "siamcl runs fully-convolutional Siamese trackers (SiamFC, SiamFC+, NanoTrack)\n"
            "on any OpenCL device, and trains Siamese networks on the same op layer.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(f,
            "\nglobal options:\n"
            "  --shared DIR  data folder with models/, golden/, data/ (default: $SIAMCL_SHARED or %s)\n"
            "  -v            verbose log (chosen devices, kernel builds)\n"
            "\nenvironment:\n"
            "  SIAMCL_PLATFORM     platform index or name/vendor substring\n"
            "  SIAMCL_DEVICE       device index or name substring; comma list selects several\n"
            "  SIAMCL_DEVICE_TYPE  gpu | cpu | accelerator | all\n"
            "  SIAMCL_CACHE_DIR    kernel binary cache folder (0 disables; default ~/.cache/siamcl)\n"
            "  SIAMCL_CONV         conv path: direct | gemm | winograd | auto | tune (default tune on GPUs, auto on CPUs)\n"
            "  SIAMCL_SCHEDULE     multi-target placement: auto | single[:D] | split | twin[:Z,X]\n"
            "  SIAMCL_CROP_TILE    crop kernel tile VxB (V 4|8|16 columns, B 1..256 rows; default 8x64 on CPUs, 4x8 else)\n"
            "  SIAMCL_SHARED       data folder (models/, golden/, data/), like --shared\n"
            "  SIAMCL_MODELS       folders (':' list) searched first for a model named M (M.model)\n"
            "\nover MPI (%s): mpirun -n N siamcl eval --run | tune | train ... spreads the work over N\n"
            "ranks, each on the device of its local rank modulo the devices SIAMCL_DEVICE selects.\n"
            "\n'siamcl <command> --help' describes a command.\n",
            SIAMCL_SHARED_DEFAULT, dist_built() ? "built in" : "not in this build: cmake -DSIAMCL_MPI=ON");
}

int main(int argc, char **argv) {
    siamcl_log_level level = SIAMCL_LOG_WARN;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-v")) {
            level = SIAMCL_LOG_DEBUG;
        } else if (!strcmp(argv[i], "--shared") && i + 1 < argc) {
            cli_set_shared_dir(argv[++i]);
        } else {
            fprintf(stderr, "siamcl: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    siamcl_log_set(cli_log, NULL, level);
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (!strcmp(argv[i], commands[c].name)) {
            int rc = dist_start(&argc, &argv);
            if (rc) return rc;
            rc = commands[c].fn(argc - i, argv + i);
            dist_stop(rc);
            return rc;
        }
    fprintf(stderr, "siamcl: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return 2;
}

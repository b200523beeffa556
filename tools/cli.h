/* The siamcl command: one file per subcommand, each exporting cmd_<name>. */
#ifndef SIAMCL_CLI_H
#define SIAMCL_CLI_H

#include <stdio.h>

#include "siamcl.h"

typedef int (*cli_cmd_fn)(int argc, char **argv); /* argv[0] = subcommand name */

int cmd_devices(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_track(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_tune(int argc, char **argv);

int cli_bench_targets(int argc, char **argv); /* siamcl bench --targets N (bench_targets.c) */
int cli_bench_train(int argc, char **argv);   /* siamcl bench --train (bench_train.c) */
int cli_track_multi(int argc, char **argv);   /* siamcl track, several targets (track_multi.c) */

/* Shared by subcommands (main.c). */
const char *cli_shared_dir(void); /* --shared, SIAMCL_SHARED, or ../shared */
void cli_set_shared_dir(const char *dir);
void cli_log(siamcl_log_level level, const char *msg, void *user); /* stderr logger */
int cli_fail(siamcl_status st, const char *what);                   /* print error, return exit code */
/* Return a failing status at once. */
#define CLI_TRY(expr)                                                                                                  \
    do {                                                                                                               \
        siamcl_status cli_st_ = (expr);                                                                                \
        if (cli_st_ != SIAMCL_OK) return cli_st_;                                                                      \
    } while (0)
/* A command's own error (not the library's): kept for cli_error_text, returns st. */
siamcl_status cli_error(siamcl_status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message of the last failure: a cli_error one if pending (then cleared), else the library's. */
const char *cli_error_text(void);
double cli_now_s(void);  /* monotonic clock, seconds (durations) */
double cli_now_ms(void); /* the same in milliseconds */

/* cli_util.c. Option values are parsed whole and range-checked; on a bad one a
 * message naming the option goes to stderr and 0 is returned. */
int cli_parse_int(const char *opt, const char *s, long lo, long hi, int *out);
int cli_parse_box(const char *opt, const char *s, siamcl_box *b); /* "x,y,w,h", w, h > 0 */
int cli_parse_float(const char *opt, const char *s, double lo, double hi, float *out); /* decimal, finite */
/* cli_opts.c: a command's options as a table, ended by {NULL}. dst: int * (FLAG
 * sets 1, INT, CHOICE gets the index in "a|b|c"), const char ** (STR), float *
 * (FLOAT); INT and FLOAT are range-checked [lo, hi]; FN calls fn(name, value,
 * dst), 1 = taken (a refusal prints its message). */
typedef enum cli_opt_kind { CLI_FLAG, CLI_STR, CLI_INT, CLI_FLOAT, CLI_CHOICE, CLI_FN, CLI_LIST } cli_opt_kind;
/* CLI_LIST: the values up to the next "--option" (at least one). */
typedef struct cli_list {
    const char *const *v;
    int n;
} cli_list;
typedef struct cli_opt {
    const char *name;
    cli_opt_kind kind;
    void *dst;
    double lo, hi;
    const char *choices;
    int (*fn)(const char *name, const char *value, void *dst);
} cli_opt;
#define CLI_OPT_FLAG(n, d) {.name = (n), .kind = CLI_FLAG, .dst = (d)}
#define CLI_OPT_STR(n, d) {.name = (n), .kind = CLI_STR, .dst = (d)}
#define CLI_OPT_INT(n, d, l, h) {.name = (n), .kind = CLI_INT, .dst = (d), .lo = (l), .hi = (h)}
#define CLI_OPT_FLOAT(n, d, l, h) {.name = (n), .kind = CLI_FLOAT, .dst = (d), .lo = (l), .hi = (h)}
#define CLI_OPT_CHOICE(n, d, c) {.name = (n), .kind = CLI_CHOICE, .dst = (d), .choices = (c)}
#define CLI_OPT_FN(n, d, f) {.name = (n), .kind = CLI_FN, .dst = (d), .fn = (f)}
#define CLI_OPT_LIST(n, d) {.name = (n), .kind = CLI_LIST, .dst = (d)}
/* An argument that is not an option goes to the entry named "" (else it is refused). */
#define CLI_OPT_POSITIONAL(d, f) {.name = "", .kind = CLI_FN, .dst = (d), .fn = (f)}
#define CLI_OPT_END {.name = NULL}
/* 1: parsed; 0: refused (an unknown option, a missing or bad value: a message
 * naming it went to stderr); -1: --help printed. */
int cli_parse_opts(const char *cmd, int argc, char **argv, const cli_opt *opts, void (*usage)(FILE *));

/* order[0..n) = 0..n-1 sorted by key descending, equal keys in index order. */
void cli_order_desc(const double *key, int n, int *order);
/* A progress bar of `width` characters, '#' for done of total, '.' for the rest. */
void cli_bar(char *out, int width, long done, long total);

int cli_make_dirs(const char *path);     /* mkdir -p; 0 (with a message) on failure */
int cli_is_video_name(const char *path); /* .mp4, .mkv, .avi, ... */

/* train_plot.c: a line over n points; a scatter with a class legend (PNG). 1 on success. */
int cli_plot_curve(const char *path, const char *title, const char *ylabel, const double *y, int n, double xscale,
                   const char *xlabel);
int cli_plot_scatter(const char *path, const char *title, const float *xy, const uint8_t *cls, int n,
                     const char *const *names, int ncls, int dot); /* dot: side in pixels */

/* frames.c: where frames come from (an image sequence or a video file). */
typedef struct cli_frames cli_frames;
siamcl_status cli_frames_open(const char *seq_dir, const char *video, int target, cli_frames **out);
void cli_frames_free(cli_frames *f);
const char *cli_frames_name(const cli_frames *f);
int cli_frames_count(const cli_frames *f);         /* -1 when unknown (a video without a frame count) */
double cli_frames_fps(const cli_frames *f);        /* the video's rate, else 30 */
const siamcl_sequence *cli_frames_sequence(const cli_frames *f); /* NULL for a video */
/* Frame i (sequential use only for videos); *got = 0 past the end. */
siamcl_status cli_frames_read(cli_frames *f, int i, siamcl_image *img, int *got);
int cli_frames_groundtruth(const cli_frames *f, int i, siamcl_box *box);

/* vis.c: drawn frames, to a folder of PNGs + contact sheet, or to a video file. */
typedef struct cli_vis cli_vis;
/* path: a folder, or a file named .mp4/.mkv/.avi/... for a video; n: frames expected
 * (-1 unknown: no contact sheet); fps: the video's rate. */
siamcl_status cli_vis_open(const char *path, int n, int every, double fps, cli_vis **out);
siamcl_status cli_vis_frame(cli_vis *v, siamcl_image *img, int i, const siamcl_box *box, const siamcl_box *gt,
                            float score);
siamcl_status cli_vis_close(cli_vis *v); /* writes the contact sheet / finishes the video; frees */
void cli_vis_describe(const cli_vis *v, int n, FILE *out);

#endif

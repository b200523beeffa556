/* The siamcl command: one file per subcommand, each exporting cmd_<name>. */
#ifndef SIAMCL_CLI_H
#define SIAMCL_CLI_H

#include "siamcl.h"

typedef int (*cli_cmd_fn)(int argc, char **argv); /* argv[0] = subcommand name */

int cmd_devices(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_track(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cli_bench_targets(int argc, char **argv); /* siamcl bench --targets N (bench_targets.c) */
int cli_track_multi(int argc, char **argv);   /* siamcl track, several targets (track_multi.c) */

/* Shared by subcommands (main.c). */
const char *cli_shared_dir(void); /* --shared, SIAMCL_SHARED, or the build-time default */
void cli_set_shared_dir(const char *dir);
void cli_log(siamcl_log_level level, const char *msg, void *user); /* stderr logger */
int cli_fail(siamcl_status st, const char *what);                   /* print error, return exit code */
/* A model description path for M: as given, M.model, models/M.model, then
 * ../models/M.model and ../../models/M.model next to the executable. 1 if found. */
int cli_find_model(const char *m, char *out, size_t cap);
double cli_now_s(void); /* wall clock, seconds */

#endif

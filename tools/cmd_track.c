/* siamcl track (placeholder until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_track(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "siamcl track: not implemented yet\n");
    return 2;
}

/* siamcl bench (placeholder until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_bench(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "siamcl bench: not implemented yet\n");
    return 2;
}

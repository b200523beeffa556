/* siamcl eval (placeholder until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_eval(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "siamcl eval: not implemented yet\n");
    return 2;
}

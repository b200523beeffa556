/* siamcl train --data otb: SiamFC fine-tuning on OTB sequences. */
#include <stdio.h>

#include "train_cli.h"

int train_otb(siamcl_trainer *t, const train_opts *o, const train_files *f, float lr0) {
    (void)t, (void)f, (void)lr0;
    fprintf(stderr, "siamcl train: --data otb (%d sequences) is not built yet\n", o->nseqs);
    return 1;
}

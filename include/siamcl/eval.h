/* siamcl eval API (filled in by its issue). */
#ifndef SIAMCL_EVAL_H
#define SIAMCL_EVAL_H

#include "siamcl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif

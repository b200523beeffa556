/* siamcl model API (filled in by its issue). */
#ifndef SIAMCL_MODEL_H
#define SIAMCL_MODEL_H

#include "siamcl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif

/* siamcl tracker API (filled in by its issue). */
#ifndef SIAMCL_TRACKER_H
#define SIAMCL_TRACKER_H

#include "siamcl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif

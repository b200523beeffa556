/* siamcl image API (filled in by its issue). */
#ifndef SIAMCL_IMAGE_H
#define SIAMCL_IMAGE_H

#include "siamcl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif

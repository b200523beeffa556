/* siamcl: fully-convolutional Siamese trackers on any OpenCL device.
 *
 * The public C API. Conventions:
 *  - opaque handles, created by siamcl_<thing>_create/_load and released by
 *    siamcl_<thing>_free (free(NULL) is a no-op);
 *  - every fallible call returns siamcl_status (0 = success); negative OpenCL
 *    error codes pass through unchanged, library errors live in their own range;
 *  - the library never prints and never exits: messages go to the log callback.
 *
 * One header per concern lives in siamcl/; this file includes them all. */
#ifndef SIAMCL_H
#define SIAMCL_H

#include "siamcl/core.h"    /* status codes, logging, contexts and devices */
#include "siamcl/model.h"   /* ONNX models, plans, device tensors */
#include "siamcl/image.h"   /* images, PNG/JPEG, OTB sequences */
#include "siamcl/tracker.h" /* SiamFC / SiamFC+ / NanoTrack trackers */
#include "siamcl/group.h"   /* many targets over the devices of a context */
#include "siamcl/eval.h"    /* OTB one-pass evaluation */
#include "siamcl/video.h"   /* video files in and out (FFmpeg; optional at build time) */
#include "siamcl/train.h"   /* training: losses, optimisers, ONNX export */

#endif

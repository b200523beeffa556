/* SiamFC AlexNet on the first 30 frames of OTB Crossing: within 0.5 px of the
 * reference tracker (see track_siamfc_golden.h). */
#define SEQ "Crossing"
#include "track_siamfc_golden.h"

/* SiamFC AlexNet on the first 30 frames of OTB Couple: within 0.5 px of the
 * reference tracker (see track_siamfc_golden.h). */
#define SEQ "Couple"
#include "track_siamfc_golden.h"

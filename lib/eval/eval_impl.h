/* Room lib/eval: the OTB evaluation (metrics, data sets, plots, running a
 * benchmark over the public tracker API). May call lib/io and lib/runtime.
 *
 * Internal helpers shared by the lib/eval files. */
#ifndef SCL_EVAL_IMPL_H
#define SCL_EVAL_IMPL_H

#include <stddef.h>

#include "runtime/runtime.h"

/* dataset.c */
/* Matching key of a sequence name: lower case, without -, _, . and ".txt". */
void scl_eval_name_key(const char *name, char *key, size_t cap);
/* 2015, 2013 for the built-in set names, else 0. */
int scl_eval_set_kind(const char *set);
/* The OTB-2015 table's spelling of name, or NULL. */
const char *scl_eval_canonical(const char *name);
/* "Jogging-1" -> base "Jogging", returns 1; "Human4" -> "Human4", 2; "Dog1" -> "Dog1", 0. */
int scl_eval_split_target(const char *name, char *base, size_t cap);
/* <dir>/<file>.txt whose name matches; 0 if found (path in out), else -1. Logs nothing. */
int scl_eval_find_flat(const char *dir, const char *name, char *out, size_t cap);
/* Attributes of name from dir/att/<Seq>.txt or dir/OTB2013.txt (prefer_2013:
 * OTB2013.txt first). *found = 0 when neither lists it. */
siamcl_status scl_eval_attributes(const char *dir, const char *name, int prefer_2013, unsigned *mask, int *found);

#endif

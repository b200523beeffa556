/* Room lib/onnx: ONNX in and out, and the public model loaders (load.c).
 * May call lib/graph (the IR it builds), lib/ops and lib/runtime; train calls
 * it to write trained weights back.
 *
 * ONNX import (protobuf-c, onnx.proto of libonnx-dev) into the graph IR:
 * initializers and Constant nodes become host constants, nodes become graph
 * nodes with their attributes checked and resolved (constant shape/slice/clip
 * inputs read at import). The result is finalized (BN folded, sorted). */
#ifndef SCL_ONNX_H
#define SCL_ONNX_H

#include "graph/graph.h"

/* name is used in messages (NULL = "(memory)"). Errors: SIAMCL_ERR_FORMAT for a
 * truncated or non-ONNX buffer or an inconsistent graph, SIAMCL_ERR_UNSUPPORTED
 * naming op, node and file for anything not handled. */
siamcl_status scl_onnx_import(const void *data, size_t size, const char *name, scl_graph **out);
siamcl_status scl_onnx_import_file(const char *path, scl_graph **out);
/* keep_bn = 1: BatchNormalization stays a node (training), not folded into its Conv. */
siamcl_status scl_onnx_import_file_ex(const char *path, int keep_bn, scl_graph **out);

/* export.c: write src's model to dst with the float initializers named in
 * names[0..n) replaced by data[i] (counts[i] floats, which must equal the
 * initializer's element count); every name must be a float initializer of
 * src (SIAMCL_ERR_FORMAT naming it otherwise). dst = NULL checks only (data
 * may then be NULL). dst must not be src's file (SIAMCL_ERR_INVALID_ARGUMENT).
 * Written to a temporary file and renamed. */
siamcl_status scl_onnx_export(const char *src, const char *dst, int n, const char *const *names,
                              const float *const *data, const size_t *counts);

#endif

/* ONNX import (protobuf-c, onnx.proto of libonnx-dev) into the graph IR:
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

#endif

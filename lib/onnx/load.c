/* The public model loaders: import an ONNX file or buffer (onnx.c) and make
 * it a model (graph/model.c). Lives beside the importer so that the graph
 * room never calls up into onnx. */
#include "graph/model_impl.h"
#include "onnx/onnx.h"

siamcl_status siamcl_model_load(const char *path, siamcl_model **out) {
    if (!path || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_model_load: NULL argument");
    *out = NULL;
    scl_graph *g;
    SCL_TRY(scl_onnx_import_file(path, &g));
    return scl_model_from_graph(g, out);
}

siamcl_status siamcl_model_load_memory(const void *data, size_t size, const char *name, siamcl_model **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_model_load_memory: out is NULL");
    *out = NULL;
    if (!data && size) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_model_load_memory: data is NULL");
    scl_graph *g;
    SCL_TRY(scl_onnx_import(data, size, name, &g));
    return scl_model_from_graph(g, out);
}

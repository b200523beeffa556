/* The model object behind siamcl_model: the graph, a reference count held by
 * the caller and by every plan, and the per-device weight sets.
 *
 * Weight set lifetime: the first plan of a model on a device uploads every
 * constant the graph reads as data into one buffer (a weight set) and keeps a
 * reference; later plans on the same device take another reference to the same
 * set; the set is released with the last plan that uses it. Plans also hold a
 * reference to the model, so the graph outlives them. */
#ifndef SCL_GRAPH_MODEL_IMPL_H
#define SCL_GRAPH_MODEL_IMPL_H

#include "graph/graph.h"

typedef struct scl_weight_set {
    scl_device *dev;
    cl_mem mem;
    size_t bytes;
    int refs;
    struct scl_weight_set *next;
} scl_weight_set;

struct siamcl_model {
    scl_graph *g;
    int refs;               /* 1 for the caller until siamcl_model_free, +1 per plan */
    size_t *woff;           /* per value: float offset in a weight set, SIZE_MAX if not uploaded */
    size_t wfloats;         /* floats in a weight set */
    long long params;
    scl_weight_set *sets;   /* one per device with live plans */
};

/* Take ownership of g (freed on failure) and lay out its weights. */
siamcl_status scl_model_from_graph(scl_graph *g, siamcl_model **out);
/* Get (upload on first use) the weights on dev, with one more reference. */
siamcl_status scl_model_weights_acquire(siamcl_model *m, scl_device *dev, scl_weight_set **out);
void scl_model_weights_release(siamcl_model *m, scl_weight_set *w);
void scl_model_retain(siamcl_model *m);
void scl_model_release(siamcl_model *m);

#endif

/* The siamcl command over MPI (tools/dist.c): ranks, the device each rank
 * uses, collectives, and tagged messages. MPI is started only when the
 * process was launched by mpirun (Open MPI, or a PMI/PMIx launcher); a plain
 * run, or a build without MPI (-DSIAMCL_MPI=OFF), is rank 0 of 1 and every
 * collective is a no-op. The library itself never uses MPI. */
#ifndef SIAMCL_DIST_H
#define SIAMCL_DIST_H

#include <stddef.h>

#include "siamcl.h"

/* MPI_Init when launched by mpirun; 0, or an exit code with a message printed
 * (launched with several ranks by a siamcl built without MPI). */
int dist_start(int *argc, char ***argv);
/* MPI_Finalize after the command returned rc; a rank that failed (rc != 0)
 * ends the whole job with MPI_Abort, so that no rank waits for it forever. */
void dist_stop(int rc);
/* settled = 1: from here on every rank knows how the job ends (the ranks fail
 * alike, or none waits for another), so a failure needs no MPI_Abort; 0: a
 * failing rank may leave others waiting (the default). */
void dist_settled(int settled);
int dist_built(void);      /* 1 when built with MPI */
int dist_rank(void);       /* 0 .. dist_size() - 1 */
int dist_size(void);
int dist_local_rank(void); /* rank on this node (OMPI_COMM_WORLD_LOCAL_RANK), else the rank */

/* The device a rank uses: `requested` (>= 0, an explicit --device) as given,
 * else the local rank modulo the context's devices (SIAMCL_DEVICE selects them). */
int dist_device(const siamcl_context *ctx, int requested);

/* Collectives over every rank (no-ops with one). */
void dist_sum_f64(double *v, int n); /* in place */
void dist_sum_f32(float *v, size_t n);
int dist_max_int(int v);
void dist_bcast(void *buf, size_t bytes); /* from rank 0 */
void dist_barrier(void);

/* Tagged messages between ranks (bytes < 2 GiB). dist_poll: a waiting message
 * (block = 1 waits for one): 1 with its source, tag and size, else 0. */
void dist_send(int to, int tag, const void *buf, size_t bytes);
int dist_poll(int block, int *from, int *tag, size_t *bytes);
void dist_recv(int from, int tag, void *buf, size_t bytes);

#endif

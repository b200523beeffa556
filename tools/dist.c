/* MPI for the siamcl command; see dist.h. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"

#ifdef SIAMCL_HAVE_MPI
#include <mpi.h>
#endif

static int g_rank, g_size = 1, g_local;
#ifdef SIAMCL_HAVE_MPI
static int g_on, g_settled;
#endif

static int env_int(const char *name, int def) {
    const char *e = getenv(name);
    return e && *e ? atoi(e) : def;
}

#ifndef SIAMCL_HAVE_MPI
/* The world size a launcher announced (1 when none did). */
static int launched_size(void) {
    int n = env_int("OMPI_COMM_WORLD_SIZE", 0);
    if (n <= 0) n = env_int("PMI_SIZE", 0);
    if (n <= 0) n = env_int("PMIX_SIZE", 0);
    return n > 0 ? n : 1;
}
#endif

static int launched(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

int dist_built(void) {
#ifdef SIAMCL_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

int dist_start(int *argc, char ***argv) {
#ifdef SIAMCL_HAVE_MPI
    if (!launched()) return 0;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        fprintf(stderr, "siamcl: MPI_Init failed\n");
        return 1;
    }
    g_on = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    g_local = env_int("OMPI_COMM_WORLD_LOCAL_RANK", env_int("MPI_LOCALRANKID", g_rank));
    return 0;
#else
    (void)argc, (void)argv;
    int n = launched() ? launched_size() : 1;
    if (n > 1) {
        if (env_int("OMPI_COMM_WORLD_RANK", env_int("PMI_RANK", 0)) == 0)
            fprintf(stderr, "siamcl: launched as %d MPI ranks, but this siamcl was built without MPI "
                            "(cmake -DSIAMCL_MPI=ON with libopenmpi-dev): each rank would do the whole job; "
                            "run it without mpirun\n", n);
        return 2;
    }
    return 0;
#endif
}

void dist_stop(int rc) {
    (void)rc;
#ifdef SIAMCL_HAVE_MPI
    if (!g_on) return;
    g_on = 0;
    /* a rank that failed may leave the others waiting for its messages: end the job */
    if (rc != 0 && g_size > 1 && !g_settled) {
        fflush(stdout);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, rc);
    }
    MPI_Finalize();
#endif
}

void dist_settled(int settled) {
#ifdef SIAMCL_HAVE_MPI
    g_settled = settled;
#else
    (void)settled;
#endif
}
int dist_rank(void) { return g_rank; }
int dist_size(void) { return g_size; }
int dist_local_rank(void) { return g_local; }

int dist_device(const siamcl_context *ctx, int requested) {
    if (requested >= 0) return requested;
    int n = ctx ? siamcl_context_device_count(ctx) : 0;
    return n > 0 ? g_local % n : 0;
}

#ifdef SIAMCL_HAVE_MPI
/* MPI counts are ints: big buffers go in pieces. */
#define PIECE (INT_MAX / 8)
#endif

void dist_sum_f64(double *v, int n) {
#ifdef SIAMCL_HAVE_MPI
    if (g_size > 1) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
#else
    (void)v, (void)n;
#endif
}

void dist_sum_f32(float *v, size_t n) {
#ifdef SIAMCL_HAVE_MPI
    for (size_t i = 0; g_size > 1 && i < n; i += PIECE) {
        size_t k = n - i < PIECE ? n - i : PIECE;
        MPI_Allreduce(MPI_IN_PLACE, v + i, (int)k, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }
#else
    (void)v, (void)n;
#endif
}

int dist_max_int(int v) {
#ifdef SIAMCL_HAVE_MPI
    if (g_size > 1) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
#endif
    return v;
}

void dist_bcast(void *buf, size_t bytes) {
#ifdef SIAMCL_HAVE_MPI
    for (size_t i = 0; g_size > 1 && i < bytes; i += PIECE) {
        size_t k = bytes - i < PIECE ? bytes - i : PIECE;
        MPI_Bcast((char *)buf + i, (int)k, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
#else
    (void)buf, (void)bytes;
#endif
}

void dist_barrier(void) {
#ifdef SIAMCL_HAVE_MPI
    if (g_size > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void dist_send(int to, int tag, const void *buf, size_t bytes) {
#ifdef SIAMCL_HAVE_MPI
    MPI_Send(buf, (int)bytes, MPI_BYTE, to, tag, MPI_COMM_WORLD);
#else
    (void)to, (void)tag, (void)buf, (void)bytes;
#endif
}

int dist_poll(int block, int *from, int *tag, size_t *bytes) {
#ifdef SIAMCL_HAVE_MPI
    if (g_size < 2) return 0;
    MPI_Status s;
    int flag = 1;
    if (block) MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &s);
    else MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &s);
    if (!flag) return 0;
    int count = 0;
    MPI_Get_count(&s, MPI_BYTE, &count);
    *from = s.MPI_SOURCE;
    *tag = s.MPI_TAG;
    *bytes = (size_t)count;
    return 1;
#else
    (void)block, (void)from, (void)tag, (void)bytes;
    return 0;
#endif
}

void dist_recv(int from, int tag, void *buf, size_t bytes) {
#ifdef SIAMCL_HAVE_MPI
    MPI_Recv(buf, (int)bytes, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
#else
    (void)from, (void)tag, (void)buf, (void)bytes;
#endif
}

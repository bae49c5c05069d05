/* vs-store-job.h: store work on a worker thread, its result on the main
 * thread.
 *
 * A VsStore is used by one thread at a time (vs-store.h), so a job runs on
 * a GTask worker with a connection of its own: the one the caller lends
 * (`*worker`, opened at the first job and kept for the next ones; jobs that
 * share it must run one at a time) or one opened for this job alone
 * (vs_store_open_another()). What the job writes is announced to every
 * VsStoreMonitor as usual, so views follow without being told.
 *
 * A database in memory has one connection: its jobs run on the calling
 * thread (it is small, and nobody else can write to it), the callback still
 * at a later main loop iteration.
 */
#pragma once

#include <gio/gio.h>
#include "vs-store.h"

G_BEGIN_DECLS

/* Runs on the worker with its own connection; returns the job's result (a
 * pointer, freed with result_free when nobody takes it) or NULL with error
 * set. */
typedef gpointer (*VsStoreJobFunc) (VsStore       *store,
                                    gpointer       data,
                                    GCancellable  *cancellable,
                                    GError       **error);

/* store: the caller's (main thread) connection; only its address is read
 * on the worker. worker: NULL, or where the caller keeps a worker
 * connection between jobs (may hold NULL: opened then); it is taken for
 * the job's time and put back before callback runs. The callback runs in
 * the thread-default main context of the caller. */
void      vs_store_job_run    (VsStore             *store,
                               VsStore            **worker,
                               VsStoreJobFunc       func,
                               gpointer             data,
                               GDestroyNotify       data_free,
                               GDestroyNotify       result_free,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* The job's result (owned by the caller), or NULL with error. */
gpointer  vs_store_job_finish (GAsyncResult        *result,
                               GError             **error);

/* Makes the calling thread yield to the main thread when CPUs are short
 * (nice +10 for this thread alone; Linux keeps a nice value per thread):
 * background work (recognition, store jobs) must not take the CPU the
 * window needs to draw and answer. Once per thread; a no-op elsewhere. */
void      vs_thread_set_background (void);

G_END_DECLS

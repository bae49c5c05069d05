/* vs-store-job.c: store work on a worker thread (vs-store-job.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-store-job.h"

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define BACKGROUND_NICE 10

void
vs_thread_set_background (void)
{
#ifdef __linux__
  static GPrivate done;
  id_t tid = (id_t) syscall (SYS_gettid);
  int nice_value;

  if (g_private_get (&done) != NULL)
    return;
  g_private_set (&done, GINT_TO_POINTER (1));
  errno = 0;
  nice_value = getpriority (PRIO_PROCESS, tid);
  if (errno == 0 && setpriority (PRIO_PROCESS, tid, MIN (nice_value + BACKGROUND_NICE, 19)) != 0)
    g_debug ("Cannot lower the priority of a worker thread: %s", g_strerror (errno));
#endif
}

typedef struct {
  VsStore        *store;        /* the caller's: only to open another */
  VsStore       **worker_slot;  /* the caller's slot, or NULL */
  VsStore        *worker;       /* the connection the job runs on */
  VsStoreJobFunc  func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->worker);
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gpointer result;

  vs_thread_set_background ();
  if (job->worker == NULL)
    {
      job->worker = vs_store_open_another (job->store, &error);
      if (job->worker == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  result = job->func (job->worker, job->data, cancellable, &error);
  /* A connection that has no slot to go back to is closed here, on the
   * worker: closing a database (unmapping its WAL index, releasing its
   * locks) takes milliseconds that the caller's thread, the main thread
   * for the GUI, must not spend. */
  if (job->worker_slot == NULL)
    g_clear_object (&job->worker);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, job->result_free);
}

/* In the caller's context, before its callback: the worker connection goes
 * back to the caller's slot for the next job. */
static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *outer = user_data;
  GTask *inner = G_TASK (result);
  Job *job = g_task_get_task_data (inner);
  GError *error = NULL;
  gpointer value;

  if (job->worker_slot != NULL && *job->worker_slot == NULL)
    *job->worker_slot = g_steal_pointer (&job->worker);
  value = g_task_propagate_pointer (inner, &error);
  if (error != NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, value, job->result_free);
  g_object_unref (outer);
}

void
vs_store_job_run (VsStore             *store,
                  VsStore            **worker,
                  VsStoreJobFunc       func,
                  gpointer             data,
                  GDestroyNotify       data_free,
                  GDestroyNotify       result_free,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  Job *job;

  g_return_if_fail (VS_IS_STORE (store));
  g_return_if_fail (func != NULL);

  outer = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_store_job_run);
  g_task_set_name (outer, "[visage] store job");

  if (!vs_store_is_shared (store))
    {
      GError *error = NULL;
      gpointer value = func (store, data, cancellable, &error);

      if (data_free != NULL && data != NULL)
        data_free (data);
      /* GTask defers the callback to a later iteration: never re-entrant. */
      if (error != NULL)
        g_task_return_error (outer, error);
      else
        g_task_return_pointer (outer, value, result_free);
      return;
    }

  job = g_new0 (Job, 1);
  job->store = g_object_ref (store);
  job->worker_slot = worker;
  if (worker != NULL && *worker != NULL)
    job->worker = g_steal_pointer (worker);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;

  /* The inner task runs the job; the outer one is the caller's, completed
   * after the worker connection is back in its slot. */
  inner = g_task_new (NULL, cancellable, job_done_cb, g_steal_pointer (&outer));
  g_task_set_name (inner, "[visage] store job (worker)");
  g_task_set_task_data (inner, job, (GDestroyNotify) job_free);
  g_task_set_check_cancellable (inner, FALSE);
  g_task_run_in_thread (inner, job_thread);
}

gpointer
vs_store_job_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

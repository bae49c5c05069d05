/* vs-frame-worker.c: slot + thread + delivery, for the recognizer and the
 * enrollment session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-frame-worker.h"
#include "vs-store-job.h"

void
vs_frame_worker_init (VsFrameWorker            *worker,
                      GObject                  *owner,
                      const char               *name,
                      VsFrameWorkerProcessFunc  process,
                      VsFrameWorkerDeliverFunc  deliver)
{
  g_return_if_fail (worker != NULL);
  g_return_if_fail (G_IS_OBJECT (owner));
  g_return_if_fail (process != NULL && deliver != NULL);

  vs_frame_slot_init (&worker->slot);
  worker->thread = NULL;
  worker->owner = owner;
  worker->name = name;
  worker->process = process;
  worker->deliver = deliver;
  worker->context = g_main_context_ref_thread_default ();
  worker->load = NULL;
  worker->loaded = NULL;
  g_mutex_init (&worker->lock);
  g_cond_init (&worker->load_cond);
  worker->delivery_scheduled = FALSE;
  worker->state = VS_FRAME_WORKER_LOADING;
  worker->load_error = NULL;
  worker->loaded_pending = FALSE;
}

void
vs_frame_worker_set_loader (VsFrameWorker           *worker,
                            VsFrameWorkerLoadFunc    load,
                            VsFrameWorkerLoadedFunc  loaded)
{
  g_return_if_fail (worker != NULL);
  g_return_if_fail (worker->thread == NULL);

  worker->load = load;
  worker->loaded = loaded;
}

VsFrameWorkerState
vs_frame_worker_get_state (VsFrameWorker *worker)
{
  VsFrameWorkerState state;

  g_mutex_lock (&worker->lock);
  state = worker->state;
  g_mutex_unlock (&worker->lock);
  return state;
}

gboolean
vs_frame_worker_wait_loaded (VsFrameWorker  *worker,
                             GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (worker != NULL, FALSE);
  g_return_val_if_fail (worker->thread == NULL || worker->thread != g_thread_self (), FALSE);

  g_mutex_lock (&worker->lock);
  /* Never started: nothing would ever end the wait. */
  while (worker->state == VS_FRAME_WORKER_LOADING && worker->thread != NULL)
    g_cond_wait (&worker->load_cond, &worker->lock);
  ok = worker->state == VS_FRAME_WORKER_READY;
  if (!ok && worker->load_error != NULL)
    g_propagate_error (error, g_error_copy (worker->load_error));
  g_mutex_unlock (&worker->lock);
  return ok;
}

void
vs_frame_worker_clear (VsFrameWorker *worker)
{
  vs_frame_worker_stop (worker);
  vs_frame_slot_clear (&worker->slot);
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_clear_error (&worker->load_error);
  g_cond_clear (&worker->load_cond);
  g_mutex_clear (&worker->lock);
}

static gpointer
worker_thread (gpointer data)
{
  VsFrameWorker *worker = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  /* Recognition and capture yield to the window when CPUs are short. */
  vs_thread_set_background ();

  /* The load first, here: the thread that creates the worker (the window's)
   * goes on at once, and learns the outcome from loaded(). */
  if (worker->load != NULL)
    {
      ok = worker->load (worker->owner, &error);
      if (!ok)
        g_debug ("%s: could not load: %s", worker->name,
                 error ? error->message : "no reason given");
    }
  g_mutex_lock (&worker->lock);
  worker->state = ok ? VS_FRAME_WORKER_READY : VS_FRAME_WORKER_FAILED;
  worker->load_error = g_steal_pointer (&error);
  worker->loaded_pending = worker->loaded != NULL;
  g_cond_broadcast (&worker->load_cond);
  g_mutex_unlock (&worker->lock);
  if (worker->loaded != NULL)
    vs_frame_worker_post (worker);

  for (;;)
    {
      g_autoptr(VsImage) frame = NULL;
      gint64 time_us;
      guint64 number;

      frame = vs_frame_slot_take (&worker->slot, &time_us, &number);
      if (frame == NULL)
        break;
      /* Without what the load was for there is nothing to do with it; the
       * slot is still emptied, so that drain() returns. */
      if (ok)
        worker->process (worker->owner, frame, time_us,
                         vs_frame_slot_get_arrival (&worker->slot), number);
      vs_frame_slot_done (&worker->slot);
    }
  return NULL;
}

gboolean
vs_frame_worker_start (VsFrameWorker  *worker,
                       GError        **error)
{
  g_return_val_if_fail (worker != NULL, FALSE);
  g_return_val_if_fail (worker->thread == NULL, FALSE);

  worker->thread = g_thread_try_new (worker->name, worker_thread, worker, error);
  return worker->thread != NULL;
}

VsFrameSlotPush
vs_frame_worker_push (VsFrameWorker *worker,
                      VsImage       *frame,
                      gint64         time_us,
                      guint64        number)
{
  return vs_frame_slot_push (&worker->slot, frame, time_us, number);
}

/* A posted delivery: the owner stays alive, and so does the worker embedded
 * in it, until it has run. */
typedef struct {
  VsFrameWorker *worker;
  GObject       *owner;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_object_unref (delivery->owner);
  g_free (delivery);
}

static gboolean
deliver_cb (gpointer data)
{
  Delivery *delivery = data;
  VsFrameWorker *worker = delivery->worker;
  gboolean loaded;
  g_autoptr(GError) error = NULL;

  /* Cleared first: what is posted while deliver() runs gets its own turn. */
  g_mutex_lock (&worker->lock);
  worker->delivery_scheduled = FALSE;
  loaded = worker->loaded_pending;
  worker->loaded_pending = FALSE;
  if (loaded && worker->load_error != NULL)
    error = g_error_copy (worker->load_error);
  g_mutex_unlock (&worker->lock);

  /* Before any result: the owner is ready (or failed) first. */
  if (loaded)
    worker->loaded (delivery->owner, error);
  worker->deliver (delivery->owner);
  return G_SOURCE_REMOVE;
}

void
vs_frame_worker_post (VsFrameWorker *worker)
{
  GSource *source;
  Delivery *delivery;

  g_mutex_lock (&worker->lock);
  if (worker->delivery_scheduled)
    {
      g_mutex_unlock (&worker->lock);
      return;
    }
  worker->delivery_scheduled = TRUE;
  g_mutex_unlock (&worker->lock);

  delivery = g_new (Delivery, 1);
  delivery->worker = worker;
  delivery->owner = g_object_ref (worker->owner);
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, delivery, delivery_free);
  g_source_set_static_name (source, worker->name);
  g_source_attach (source, worker->context);
  g_source_unref (source);
}

void
vs_frame_worker_drain (VsFrameWorker *worker)
{
  vs_frame_slot_drain (&worker->slot);
}

void
vs_frame_worker_stop (VsFrameWorker *worker)
{
  vs_frame_slot_stop (&worker->slot);
  if (worker->thread != NULL)
    {
      g_thread_join (g_steal_pointer (&worker->thread));
      g_debug ("%s: worker stopped", worker->name);
    }
}

/* Workers being joined in the background, for vs_frame_worker_wait_stopping(). */
static GMutex stopping_lock;
static GCond  stopping_cond;
static guint  n_stopping;

typedef struct {
  GThread      *thread;
  GObject      *owner;
  GMainContext *context;
  const char   *name;
} Joining;

static gboolean
release_owner_cb (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static gpointer
joining_thread (gpointer data)
{
  Joining *joining = data;
  GSource *source;

  g_thread_join (joining->thread);
  g_debug ("%s: worker stopped (in the background)", joining->name);

  /* The owner's last reference may go with this one: on its own context,
   * where it was made and where its other handlers run. */
  source = g_idle_source_new ();
  g_source_set_callback (source, release_owner_cb, joining->owner, NULL);
  g_source_set_static_name (source, "[visage] frame worker stopped");
  g_source_attach (source, joining->context);
  g_source_unref (source);
  g_main_context_unref (joining->context);
  g_free (joining);

  g_mutex_lock (&stopping_lock);
  if (--n_stopping == 0)
    g_cond_broadcast (&stopping_cond);
  g_mutex_unlock (&stopping_lock);
  return NULL;
}

void
vs_frame_worker_stop_in_background (VsFrameWorker *worker)
{
  Joining *joining;

  vs_frame_slot_stop (&worker->slot);
  if (worker->thread == NULL)
    return;

  joining = g_new0 (Joining, 1);
  joining->thread = g_steal_pointer (&worker->thread);
  joining->owner = g_object_ref (worker->owner);
  joining->context = g_main_context_ref (worker->context);
  joining->name = worker->name;
  g_mutex_lock (&stopping_lock);
  n_stopping++;
  g_mutex_unlock (&stopping_lock);
  g_thread_unref (g_thread_new ("frame-worker-join", joining_thread, joining));
}

void
vs_frame_worker_wait_stopping (void)
{
  g_mutex_lock (&stopping_lock);
  while (n_stopping > 0)
    g_cond_wait (&stopping_cond, &stopping_lock);
  g_mutex_unlock (&stopping_lock);
}

void
vs_frame_worker_set_paused (VsFrameWorker *worker,
                            gboolean       paused)
{
  vs_frame_slot_set_paused (&worker->slot, paused);
}

gboolean
vs_frame_worker_set_lossless (VsFrameWorker *worker,
                              gboolean       lossless)
{
  return vs_frame_slot_set_lossless (&worker->slot, lossless);
}

gboolean
vs_frame_worker_get_lossless (VsFrameWorker *worker)
{
  return vs_frame_slot_get_lossless (&worker->slot);
}

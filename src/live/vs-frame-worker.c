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
  g_mutex_init (&worker->lock);
  worker->delivery_scheduled = FALSE;
}

void
vs_frame_worker_clear (VsFrameWorker *worker)
{
  vs_frame_worker_stop (worker);
  vs_frame_slot_clear (&worker->slot);
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_mutex_clear (&worker->lock);
}

static gpointer
worker_thread (gpointer data)
{
  VsFrameWorker *worker = data;

  /* Recognition and capture yield to the window when CPUs are short. */
  vs_thread_set_background ();
  for (;;)
    {
      g_autoptr(VsImage) frame = NULL;
      gint64 time_us;
      guint64 number;

      frame = vs_frame_slot_take (&worker->slot, &time_us, &number);
      if (frame == NULL)
        break;
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

  /* Cleared first: what is posted while deliver() runs gets its own turn. */
  g_mutex_lock (&worker->lock);
  worker->delivery_scheduled = FALSE;
  g_mutex_unlock (&worker->lock);

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

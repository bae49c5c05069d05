/* vs-frame-slot.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "vs-frame-slot.h"

void
vs_frame_slot_init (VsFrameSlot *slot)
{
  memset (slot, 0, sizeof *slot);
  g_mutex_init (&slot->lock);
  g_cond_init (&slot->cond);
}

void
vs_frame_slot_clear (VsFrameSlot *slot)
{
  g_clear_pointer (&slot->image, vs_image_unref);
  g_mutex_clear (&slot->lock);
  g_cond_clear (&slot->cond);
}

/* Producer: keeps a reference to frame for the worker. In lossless mode,
 * blocks until the worker has taken the previous frame. */
VsFrameSlotPush
vs_frame_slot_push (VsFrameSlot *slot,
                    VsImage     *frame,
                    gint64       time_us,
                    guint64      number)
{
  VsFrameSlotPush result = VS_FRAME_SLOT_STORED;

  g_mutex_lock (&slot->lock);
  while (slot->lossless && slot->image != NULL && !slot->stopped && !slot->paused)
    g_cond_wait (&slot->cond, &slot->lock);
  if (slot->stopped || slot->paused)
    {
      g_mutex_unlock (&slot->lock);
      return VS_FRAME_SLOT_REFUSED;
    }
  if (slot->image != NULL)
    {
      g_clear_pointer (&slot->image, vs_image_unref);
      result = VS_FRAME_SLOT_REPLACED;
    }
  slot->image = vs_image_ref (frame);
  slot->time_us = time_us;
  slot->number = number;
  slot->arrival_us = g_get_monotonic_time ();
  g_cond_broadcast (&slot->cond);
  g_mutex_unlock (&slot->lock);

  return result;
}

/* Worker: waits for a frame and returns it (full transfer), or NULL once the
 * slot is stopped. Call vs_frame_slot_done() when finished with it. */
VsImage *
vs_frame_slot_take (VsFrameSlot *slot,
                    gint64      *time_us,
                    guint64     *number)
{
  VsImage *frame = NULL;

  g_mutex_lock (&slot->lock);
  while (slot->image == NULL && !slot->stopped)
    g_cond_wait (&slot->cond, &slot->lock);
  if (!slot->stopped)
    {
      frame = g_steal_pointer (&slot->image);
      *time_us = slot->time_us;
      *number = slot->number;
      slot->taken_arrival_us = slot->arrival_us;
      slot->busy = TRUE;
      g_cond_broadcast (&slot->cond);   /* a lossless pusher may go on */
    }
  g_mutex_unlock (&slot->lock);

  return frame;
}

gint64
vs_frame_slot_get_arrival (VsFrameSlot *slot)
{
  gint64 arrival;

  g_mutex_lock (&slot->lock);
  arrival = slot->taken_arrival_us;
  g_mutex_unlock (&slot->lock);
  return arrival;
}

void
vs_frame_slot_done (VsFrameSlot *slot)
{
  g_mutex_lock (&slot->lock);
  slot->busy = FALSE;
  g_cond_broadcast (&slot->cond);   /* drain() */
  g_mutex_unlock (&slot->lock);
}

/* Waits until the worker has finished every frame pushed so far. */
void
vs_frame_slot_drain (VsFrameSlot *slot)
{
  g_mutex_lock (&slot->lock);
  while ((slot->image != NULL || slot->busy) && !slot->stopped)
    g_cond_wait (&slot->cond, &slot->lock);
  g_mutex_unlock (&slot->lock);
}

/* For good: drops the waiting frame and wakes everyone; take() returns NULL. */
void
vs_frame_slot_stop (VsFrameSlot *slot)
{
  g_mutex_lock (&slot->lock);
  slot->stopped = TRUE;
  g_clear_pointer (&slot->image, vs_image_unref);
  g_cond_broadcast (&slot->cond);
  g_mutex_unlock (&slot->lock);
}

/* Returns: whether the mode changed. */
gboolean
vs_frame_slot_set_lossless (VsFrameSlot *slot,
                            gboolean     lossless)
{
  gboolean changed;

  g_mutex_lock (&slot->lock);
  changed = slot->lossless != !!lossless;
  slot->lossless = !!lossless;
  g_cond_broadcast (&slot->cond);   /* release a waiting pusher */
  g_mutex_unlock (&slot->lock);
  return changed;
}

gboolean
vs_frame_slot_get_lossless (VsFrameSlot *slot)
{
  gboolean lossless;

  g_mutex_lock (&slot->lock);
  lossless = slot->lossless;
  g_mutex_unlock (&slot->lock);
  return lossless;
}

/* While paused, the waiting frame is dropped and new ones are refused. */
void
vs_frame_slot_set_paused (VsFrameSlot *slot,
                          gboolean     paused)
{
  g_mutex_lock (&slot->lock);
  slot->paused = !!paused;
  if (slot->paused)
    g_clear_pointer (&slot->image, vs_image_unref);
  g_cond_broadcast (&slot->cond);
  g_mutex_unlock (&slot->lock);
}

/* vs-frame-slot.h: the newest frame, handed from a producer to one worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "vs-image.h"

G_BEGIN_DECLS

/* One frame waiting for a worker thread. A new frame replaces the one still
 * waiting (the worker always gets the newest), unless the slot is lossless:
 * then the pusher waits until the worker has taken the previous one. Not a
 * GObject: embed it in the owner and call init/clear. The fields are
 * private; they are here only so that the slot can be embedded. */
typedef struct {
  GMutex   lock;
  GCond    cond;
  VsImage *image;
  gint64   time_us;
  guint64  number;
  gint64   arrival_us;       /* monotonic time of the push */
  gint64   taken_arrival_us; /* of the frame the worker took last */
  gboolean busy;       /* the worker holds a frame it took */
  gboolean stopped;
  gboolean lossless;
  gboolean paused;     /* frames pushed now are dropped */
} VsFrameSlot;

typedef enum {
  VS_FRAME_SLOT_REFUSED,   /* stopped or paused: the frame was not kept */
  VS_FRAME_SLOT_STORED,
  VS_FRAME_SLOT_REPLACED,  /* stored, and an older waiting frame was dropped */
} VsFrameSlotPush;

void            vs_frame_slot_init         (VsFrameSlot *slot);
void            vs_frame_slot_clear        (VsFrameSlot *slot);
VsFrameSlotPush vs_frame_slot_push         (VsFrameSlot *slot,
                                            VsImage     *frame,
                                            gint64       time_us,
                                            guint64      number);
VsImage        *vs_frame_slot_take         (VsFrameSlot *slot,
                                            gint64      *time_us,
                                            guint64     *number);
/* Worker: g_get_monotonic_time() when the frame it took last was pushed
 * (time_us is whatever clock the producer uses, often the frame's own). */
gint64          vs_frame_slot_get_arrival  (VsFrameSlot *slot);
void            vs_frame_slot_done         (VsFrameSlot *slot);
void            vs_frame_slot_drain        (VsFrameSlot *slot);
void            vs_frame_slot_stop         (VsFrameSlot *slot);
gboolean        vs_frame_slot_set_lossless (VsFrameSlot *slot,
                                            gboolean     lossless);
gboolean        vs_frame_slot_get_lossless (VsFrameSlot *slot);
void            vs_frame_slot_set_paused   (VsFrameSlot *slot,
                                            gboolean     paused);

G_END_DECLS

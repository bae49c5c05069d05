/* vs-frame-worker.h: a thread that processes the newest frame, and the way
 * its results reach the main thread. What the recognizer and the enrollment
 * session have in common, written once: the newest-frame slot, the worker
 * loop, stop/join, and one coalesced delivery to the owner's main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "vs-frame-slot.h"

G_BEGIN_DECLS

/* Worker thread: one frame, transfer none (ref it to keep it). time_us and
 * number are what the producer pushed; arrival_us is g_get_monotonic_time()
 * at the push. The owner is not referenced by the thread: the owner stops
 * the worker (vs_frame_worker_stop) before it goes. */
typedef void (*VsFrameWorkerProcessFunc) (gpointer  owner,
                                          VsImage  *frame,
                                          gint64    time_us,
                                          gint64    arrival_us,
                                          guint64   number);
/* Main context: what the worker posted since the last delivery is ready. */
typedef void (*VsFrameWorkerDeliverFunc) (gpointer  owner);
/* Worker thread, once, before the first frame: loads what process() needs
 * (the models: hundreds of ms, which the main thread must not wait for). */
typedef gboolean (*VsFrameWorkerLoadFunc) (gpointer   owner,
                                           GError   **error);
/* Main context, once: the load is over; error is NULL when it worked. Runs
 * before deliver() in the same delivery. */
typedef void (*VsFrameWorkerLoadedFunc) (gpointer      owner,
                                         const GError *error);

/* Where the worker is with its load (without a load function: READY as
 * soon as it starts). */
typedef enum {
  VS_FRAME_WORKER_LOADING,
  VS_FRAME_WORKER_READY,
  VS_FRAME_WORKER_FAILED,
} VsFrameWorkerState;

/* Not a GObject: embed it in the owner (a GObject) and call init/clear, as
 * with VsFrameSlot. The fields are private. */
typedef struct {
  VsFrameSlot               slot;
  GThread                  *thread;
  GObject                  *owner;          /* not referenced */
  VsFrameWorkerProcessFunc  process;
  VsFrameWorkerDeliverFunc  deliver;
  GMainContext             *context;        /* where deliver runs */
  const char               *name;           /* static */
  VsFrameWorkerLoadFunc     load;
  VsFrameWorkerLoadedFunc   loaded;
  GMutex                    lock;
  GCond                     load_cond;
  gboolean                  delivery_scheduled;
  /* Under lock: */
  VsFrameWorkerState        state;
  GError                   *load_error;
  gboolean                  loaded_pending;  /* loaded() still to run */
} VsFrameWorker;

/* name: a static string, for the thread and the delivery source. The
 * delivery goes to the caller's thread-default main context. */
void            vs_frame_worker_init          (VsFrameWorker            *worker,
                                               GObject                  *owner,
                                               const char               *name,
                                               VsFrameWorkerProcessFunc  process,
                                               VsFrameWorkerDeliverFunc  deliver);
/* Stops (see below) and frees what init made. */
void            vs_frame_worker_clear         (VsFrameWorker            *worker);
/* Before start: load() runs first thing on the worker thread, and loaded()
 * on the main context once it is over. Frames pushed meanwhile wait in the
 * slot (the newest one); after a failed load they are dropped unprocessed. */
void            vs_frame_worker_set_loader    (VsFrameWorker            *worker,
                                               VsFrameWorkerLoadFunc     load,
                                               VsFrameWorkerLoadedFunc   loaded);
/* Any thread: as the worker thread knows it (loaded() may still be on its
 * way to the main context). */
VsFrameWorkerState vs_frame_worker_get_state  (VsFrameWorker            *worker);
/* Any thread but the worker's: blocks until the load is over (for callers
 * without a main loop, such as the CLI). FALSE with the load's error. */
gboolean        vs_frame_worker_wait_loaded   (VsFrameWorker            *worker,
                                               GError                  **error);
/* Starts the thread; from now on process() runs there for each frame. */
gboolean        vs_frame_worker_start         (VsFrameWorker            *worker,
                                               GError                  **error);
/* Any thread (the camera's streaming thread): hands a frame to the worker,
 * replacing one still waiting unless lossless (then it waits its turn). */
VsFrameSlotPush vs_frame_worker_push          (VsFrameWorker            *worker,
                                               VsImage                  *frame,
                                               gint64                    time_us,
                                               guint64                   number);
/* Any thread, usually the worker after process(): runs deliver(owner) once,
 * later, on the main context; calls before it runs are merged into that
 * one. Never runs deliver() right away on the calling thread (unlike
 * g_main_context_invoke(), which does when nobody iterates the context).
 * The pending delivery holds a reference on the owner. */
void            vs_frame_worker_post          (VsFrameWorker            *worker);
/* Waits until every frame pushed so far is processed. */
void            vs_frame_worker_drain         (VsFrameWorker            *worker);
/* No more frames (pushes are refused); waits for the frame being processed
 * and joins the thread. Idempotent. A delivery already posted still runs. */
void            vs_frame_worker_stop          (VsFrameWorker            *worker);
/* The same without waiting (for the main thread: the frame being processed,
 * or the models still loading, can take hundreds of ms): pushes are refused
 * at once; the thread is joined on a thread of its own, and until then the
 * owner is kept alive by a reference, dropped on the owner's main context.
 * A later stop() or clear() does not wait. */
void            vs_frame_worker_stop_in_background (VsFrameWorker       *worker);
/* Blocks until every worker stopped in the background has ended: for the
 * end of the program, which must not exit under a thread still running. */
void            vs_frame_worker_wait_stopping      (void);
/* Frames pushed while paused are dropped (the one waiting too). */
void            vs_frame_worker_set_paused    (VsFrameWorker            *worker,
                                               gboolean                  paused);
/* Lossless: every frame is processed, pushers wait. TRUE when it changed. */
gboolean        vs_frame_worker_set_lossless  (VsFrameWorker            *worker,
                                               gboolean                  lossless);
gboolean        vs_frame_worker_get_lossless  (VsFrameWorker            *worker);

G_END_DECLS

/* vs-recognizer.h: the recognition worker.
 *
 * One thread with its own engine takes the newest frame pushed (a slot, never
 * a queue), detects, tracks, embeds the tracks that need it, identifies them
 * against the current gallery snapshot and votes. Results reach the main
 * context the recognizer was created in, where the live model is updated and
 * the signals are emitted. Independent of the camera: whoever has frames
 * pushes them.
 */
#pragma once

#include <glib-object.h>
#include "vs-gallery.h"
#include "vs-image.h"
#include "vs-live-model.h"
#include "vs-tracker.h"

G_BEGIN_DECLS

/* What one processed frame produced, as delivered on the main thread. When
 * the main thread lags, the results of several frames are merged: the tracks
 * are the newest, the events are all of them in order. */
typedef struct {
  guint64      frame_number;       /* of the newest frame covered */
  gint64       frame_time_us;      /* its time (the frame's clock, as pushed) */
  gint64       capture_time_us;    /* g_get_monotonic_time() when it was pushed */
  gint64       processed_time_us;  /* when the worker was done with it */
  int          frame_width;
  int          frame_height;
  guint        n_faces;            /* detections in that frame */
  guint        n_frames;           /* frames covered: > 1 when merged */
  GArray      *tracks;             /* VsTrackInfo, boxes normalised 0..1 */
  GArray      *events;             /* VsTrackerEvent, oldest first */
} VsRecognitionResults;

#define VS_TYPE_RECOGNITION_RESULTS (vs_recognition_results_get_type ())
GType                 vs_recognition_results_get_type (void);
VsRecognitionResults *vs_recognition_results_ref      (VsRecognitionResults *self);
void                  vs_recognition_results_unref    (VsRecognitionResults *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsRecognitionResults, vs_recognition_results_unref)

typedef struct {
  guint64 frames_pushed;
  guint64 frames_dropped;     /* replaced in the slot before the worker took them */
  guint64 frames_processed;
  guint64 embeddings;         /* faces embedded */
  guint64 errors;             /* frames the engine failed on */
  double  recognition_fps;    /* frames processed in the last second */
  double  average_fps;        /* frames processed / time from first to last */
  double  process_mean_ms;    /* worker time per frame */
  double  detect_mean_ms;     /* of which detection */
  double  embed_mean_ms;      /* per embedding (align + network + identify) */
  double  match_mean_ms;      /* of which identify: per match against the gallery */
  double  cpu_mean_ms;        /* the worker thread's CPU time per frame */
  guint64 full_detections;    /* frames searched whole… */
  guint64 region_detections;  /* …or only around the faces being followed */
  guint   faces_last;         /* detections in the last processed frame */
  guint   faces_max;
  guint   tracks_last;
  /* Capture → results delivered on the main thread, over the last 1024
   * deliveries. */
  guint64 latency_count;
  double  latency_last_ms;
  double  latency_p50_ms;
  double  latency_p95_ms;
  double  latency_max_ms;
} VsRecognizerStats;

#define VS_RECOGNIZER_ERROR (vs_recognizer_error_quark ())
GQuark vs_recognizer_error_quark (void);

typedef enum {
  VS_RECOGNIZER_ERROR_THREAD,
  VS_RECOGNIZER_ERROR_GALLERY,   /* gallery of another embedder */
} VsRecognizerError;

/* Where the recognizer is with its models (loaded on its worker). */
typedef enum {
  VS_RECOGNIZER_STATE_STARTING,  /* loading: frames wait (the newest one) */
  VS_RECOGNIZER_STATE_RUNNING,
  VS_RECOGNIZER_STATE_FAILED,    /* the models could not be loaded: frames
                                  * are dropped, see get_error() */
} VsRecognizerState;

GType vs_recognizer_state_get_type (void);
#define VS_TYPE_RECOGNIZER_STATE (vs_recognizer_state_get_type ())

#define VS_TYPE_RECOGNIZER (vs_recognizer_get_type ())
G_DECLARE_FINAL_TYPE (VsRecognizer, vs_recognizer, VS, RECOGNIZER, GObject)

/* Starts the worker, which loads the models first thing: the caller does
 * not wait for them (hundreds of ms). An unknown embedder id is reported
 * here; a model that cannot be loaded (missing, corrupt) by "failed" and
 * the state FAILED. The results go to the thread-default main context of
 * the caller. Signals (main thread):
 *   "failed"        (const GError *)  the models could not be loaded: no
 *                                     frame will be processed
 *   "results"       (VsRecognitionResults *)  after the model is updated
 *   "track-added"   (guint id)
 *   "track-decided" (guint id, VsTrackState state, gint64 person_id,
 *                    const char *name (NULL unless known), float score)
 *   "track-removed" (guint id)
 * Properties: "model" (VsLiveModel), "lossless" (gboolean), "embedder" (string),
 * "state" (VsRecognizerState, notified on the main thread). */
VsRecognizer *vs_recognizer_new            (const char     *models_dir,
                                            const char     *embedder_id,
                                            GError        **error);

/* Main thread: STARTING until the worker's load is delivered. */
VsRecognizerState vs_recognizer_get_state  (VsRecognizer   *self);
/* Main thread: why it FAILED, else NULL. */
const GError *vs_recognizer_get_error      (VsRecognizer   *self);
/* Blocks until the models are loaded (for callers without a main loop:
 * the CLI). FALSE with the load's error. The state changes only when the
 * main context delivers it. */
gboolean      vs_recognizer_wait_ready     (VsRecognizer   *self,
                                            GError        **error);

/* The embedder's model id: load the gallery for this one. */
const char   *vs_recognizer_get_embedder   (VsRecognizer   *self);
VsLiveModel  *vs_recognizer_get_model      (VsRecognizer   *self);

/* Any thread. The newest frame replaces one the worker has not taken yet;
 * in lossless mode this blocks until the worker took the previous one.
 * time_us is the frame's own time (its timestamp: VsCamera passes it), on
 * which tracking, voting and box expiry run, so a file gives the same events
 * however fast it is processed. A frame earlier than the one before, or later
 * by the tracker's max_gap_us or more, starts new tracks (a discontinuity). */
void          vs_recognizer_push_frame     (VsRecognizer   *self,
                                            VsImage        *frame,
                                            gint64          capture_time_us,
                                            guint64         frame_number);
void          vs_recognizer_set_lossless   (VsRecognizer   *self,
                                            gboolean        lossless);
gboolean      vs_recognizer_get_lossless   (VsRecognizer   *self);
/* Main thread. While paused (e.g. another window watches the camera),
 * pushed frames are dropped, results still on their way are discarded and
 * the live model is empty. */
void          vs_recognizer_set_paused     (VsRecognizer   *self,
                                            gboolean        paused);

/* Main thread or any: the source changed (another camera): every track ends
 * at the next frame, whatever its time. */
void          vs_recognizer_reset          (VsRecognizer   *self);

/* Swaps the snapshot (NULL: nobody is known); the worker takes it at its next
 * frame, where every track already embedded is decided again from its
 * aggregate (vs_tracker_redecide()), and votes go on from there. FALSE (and
 * the old one kept) when the gallery comes from another embedder. Any
 * thread. */
gboolean      vs_recognizer_set_gallery    (VsRecognizer   *self,
                                            VsGallery      *gallery,
                                            GError        **error);
/* Defaults come from the embedder's manifest entry. */
void          vs_recognizer_set_match_params (VsRecognizer        *self,
                                              const VsMatchParams *params);
/* Before the first frame; NULL restores the defaults (same_face_similarity:
 * the embedder's verify threshold). */
void          vs_recognizer_set_tracker_params (VsRecognizer          *self,
                                                const VsTrackerParams *params);

/* At most max_per_frame faces are embedded per frame (0: no limit), and
 * only faces whose box is at least min_face_size pixels (in the frame
 * pushed) on its short side: smaller ones stay "identifying" until they come
 * closer. */
#define VS_RECOGNIZER_DEFAULT_MAX_EMBEDDINGS 4
#define VS_RECOGNIZER_DEFAULT_MIN_FACE_SIZE  20.f
void          vs_recognizer_set_embed_policy (VsRecognizer *self,
                                              guint         max_per_frame,
                                              float         min_face_size);

/* Before the first frame. The classic loop, for comparison (bench live,
 * watch --classic): every frame searched whole and every face found embedded
 * and matched on its own, nothing saved by tracking. The tracker still turns
 * the matches into the same events. */
void          vs_recognizer_set_classic    (VsRecognizer *self,
                                            gboolean      classic);

/* Blocks until every pushed frame has been processed (its results are then
 * on their way to the main context). */
void          vs_recognizer_drain          (VsRecognizer   *self);
/* Stops and joins the worker; later frames are ignored. Idempotent. */
void          vs_recognizer_stop           (VsRecognizer   *self);
/* The same without waiting for the frame being processed (or the models
 * still loading): for the main thread (vs_frame_worker_stop_in_background). */
void          vs_recognizer_stop_in_background (VsRecognizer *self);

void          vs_recognizer_get_stats      (VsRecognizer      *self,
                                            VsRecognizerStats *stats);

G_END_DECLS

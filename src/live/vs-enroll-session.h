/* vs-enroll-session.h: guided capture of face samples for enrollment.
 *
 * A worker thread with its own engine takes the newest frame pushed (a slot,
 * never a queue), detects the faces, checks the quality (vs-quality.h) and,
 * when the face is good, far enough in time from the last capture and not a
 * near-duplicate of a sample already taken (same pose and embedding), makes a
 * sample of it — until the target count is reached. A sample is kept only
 * when it is the same person as the samples already taken in this capture:
 * a face that disagrees is refused, and when another person stays in front
 * of the camera, capture drops what it took and starts over with them. What it saw and what it
 * captured reach the main context the session was created in as signals.
 * Nothing is written anywhere: the caller saves the samples.
 */
#pragma once

#include <glib-object.h>
#include "vs-engine.h"
#include "vs-image.h"
#include "vs-quality.h"
#include "vs-store.h"

G_BEGIN_DECLS

/* What the session did with a frame. */
typedef enum {
  VS_ENROLL_VERDICT_REJECTED,   /* the quality check failed: see report.issue */
  VS_ENROLL_VERDICT_WAIT,       /* good, but too soon after the last capture */
  VS_ENROLL_VERDICT_DUPLICATE,  /* good, but too much like a sample taken: move a little */
  VS_ENROLL_VERDICT_CAPTURED,   /* this frame became a sample */
  VS_ENROLL_VERDICT_COMPLETE,   /* the target is reached: nothing more is taken */
  VS_ENROLL_VERDICT_ERROR,      /* the engine failed on this frame */
  VS_ENROLL_VERDICT_OTHER_PERSON, /* good, but not the person of the samples taken */
  VS_ENROLL_VERDICT_RESTARTED,  /* another person stayed in front: the samples
                                 * taken were dropped, this frame is the first
                                 * of a new capture */
} VsEnrollVerdict;

GType vs_enroll_verdict_get_type (void);
#define VS_TYPE_ENROLL_VERDICT (vs_enroll_verdict_get_type ())

/* One processed frame, as delivered on the main thread. */
typedef struct {
  VsEnrollVerdict  verdict;
  VsQualityReport  report;
  gboolean         has_face;
  float            x, y, width, height;   /* the face judged, normalised 0..1 */
  int              frame_width;
  int              frame_height;
  guint64          frame_number;
} VsEnrollFeedback;

/* One sample taken. Immutable once delivered; reference counted. */
typedef struct {
  guint            id;        /* unique in its session, never reused */
  VsSample        *sample;    /* embedding, PNG crop, quality, source */
  VsQualityReport  report;
  gint64           time_us;   /* capture time (monotonic) */
  /*< private >*/
  gatomicrefcount  ref_count;
} VsEnrollCapture;

#define VS_TYPE_ENROLL_CAPTURE (vs_enroll_capture_get_type ())
GType            vs_enroll_capture_get_type (void);
VsEnrollCapture *vs_enroll_capture_ref      (VsEnrollCapture *self);
void             vs_enroll_capture_unref    (VsEnrollCapture *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsEnrollCapture, vs_enroll_capture_unref)

/* Rules for what counts as a new sample. */
typedef struct {
  gint64 min_interval_us;   /* between two captures (default 300 ms) */
  float  max_similarity;    /* cosine to a sample taken: at or above… */
  float  min_pose_change;   /* …and a pose closer than this (degrees, yaw and
                             * pitch) makes a near-duplicate */
  float  min_agreement;     /* cosine to the mean of the samples taken that a
                             * new one needs (<= 0: the embedder's
                             * open-set match threshold) */
  guint  restart_after;     /* consecutive good faces of one other person
                             * that make capture start over (default 2) */
} VsEnrollParams;

#define VS_ENROLL_ERROR (vs_enroll_error_quark ())
GQuark vs_enroll_error_quark (void);

typedef enum {
  VS_ENROLL_ERROR_THREAD,
  VS_ENROLL_ERROR_QUALITY,   /* a photo failed the checks: the message says why */
} VsEnrollError;

#define VS_TYPE_ENROLL_SESSION (vs_enroll_session_get_type ())
G_DECLARE_FINAL_TYPE (VsEnrollSession, vs_enroll_session, VS, ENROLL_SESSION, GObject)

/* Starts the worker; the models are loaded there, before the first frame,
 * so the caller does not wait for them (an unknown embedder id is reported
 * here, a model that cannot be loaded by "failed"). Signals go to the
 * thread-default main context of the caller:
 *   "failed" (const char *message)   the models could not be loaded: no
 *                                    frame will be processed
 *   "feedback" (VsEnrollFeedback *)  each processed frame (the newest only
 *                                    when the main thread lags)
 *   "captured" (VsEnrollCapture *)   a sample was taken
 *   "complete"                       the target was reached
 *   "restarted" (guint n_dropped)    another person stayed in front: the
 *                                    samples taken were dropped (each one
 *                                    reported, unlike "feedback")
 * Properties: "target" (guint, default 5), "n-captured" (guint, notified),
 * "embedder" (string, read-only). */
VsEnrollSession *vs_enroll_session_new          (const char            *models_dir,
                                                 const char            *embedder_id,
                                                 GError               **error);

const char      *vs_enroll_session_get_embedder (VsEnrollSession       *self);

void             vs_enroll_session_set_target   (VsEnrollSession       *self,
                                                 guint                  target);
guint            vs_enroll_session_get_target   (VsEnrollSession       *self);
/* NULL params: the defaults. Takes effect at the next frame. */
void             vs_enroll_session_set_params   (VsEnrollSession       *self,
                                                 const VsEnrollParams  *params);
void             vs_enroll_session_set_quality  (VsEnrollSession       *self,
                                                 const VsQualityParams *params);
/* Pausing keeps the samples; frames pushed meanwhile are dropped. */
void             vs_enroll_session_set_paused   (VsEnrollSession       *self,
                                                 gboolean               paused);

/* Any thread (a VsCamera frame function): the newest frame replaces one the
 * worker has not taken yet. */
void             vs_enroll_session_push_frame   (VsEnrollSession       *self,
                                                 VsImage               *frame,
                                                 gint64                 capture_time_us,
                                                 guint64                frame_number);

/* Main thread. The samples taken so far, oldest first (VsEnrollCapture *,
 * new references). */
GPtrArray       *vs_enroll_session_dup_captures (VsEnrollSession       *self);
guint            vs_enroll_session_get_n_captured (VsEnrollSession     *self);
/* Forgets a sample (it will be taken again: capture resumes when below the
 * target). FALSE when there is no such id. */
gboolean         vs_enroll_session_remove_capture (VsEnrollSession     *self,
                                                   guint                id);
void             vs_enroll_session_clear        (VsEnrollSession       *self);

/* Blocks until the frame in the slot (if any) has been processed. */
void             vs_enroll_session_drain        (VsEnrollSession       *self);
/* Stops and joins the worker; later frames are ignored. Idempotent. */
void             vs_enroll_session_stop         (VsEnrollSession       *self);
/* The same without waiting for the frame being processed (or the models
 * still loading): for the main thread (vs_frame_worker_stop_in_background). */
void             vs_enroll_session_stop_in_background (VsEnrollSession *self);

/* Photos, any thread (each thread its own engine): loads `path`, detects,
 * checks with `params` (NULL: vs_quality_params_init_photo) and makes the
 * sample (source = path). face_index -1: the photo must show one face;
 * otherwise that face of the detection is taken and checked alone (the
 * person picked it among several). On a quality failure returns NULL with
 * VS_ENROLL_ERROR_QUALITY and report->issue set (VS_QUALITY_MANY_FACES:
 * offer a choice); a picture that cannot be read gives the image error.
 * report may be NULL; faces_out (may be NULL) receives the faces found
 * (VsFace, in the photo's pixels) once the picture is read, and
 * size_out its width and height. */
VsEnrollCapture *vs_enroll_check_photo          (VsEngine              *engine,
                                                 const char            *path,
                                                 int                    face_index,
                                                 const VsQualityParams *params,
                                                 VsQualityReport       *report,
                                                 GArray               **faces_out,
                                                 int                   *size_out,
                                                 GError               **error);

/* Agreement between photos of one person. `photos` holds, per photo, the
 * candidate embeddings (GPtrArray of VsSample*: one per face found; may be
 * empty). Returns one index per photo: the face that agrees best with the
 * faces chosen in the other photos, or -1 when the photo has no candidate or
 * no candidate agrees (cosine to the mean of the others' choices below
 * `threshold`, or below `pair_threshold` when there is only one other
 * photo): such a photo looks like a different person. A photo with a
 * single face is judged only against two others or more (between two photos
 * that disagree nothing says which is wrong); with a single photo a lone
 * candidate is taken and several give -1. g_free() the result. */
int             *vs_enroll_pick_agreeing        (GPtrArray             *photos,
                                                 float                  threshold,
                                                 float                  pair_threshold);

/* Samples of the captures as the store takes them (borrowed: the array does
 * not own them, keep the captures alive while using it). */
GPtrArray       *vs_enroll_captures_to_samples  (GPtrArray             *captures);

G_END_DECLS

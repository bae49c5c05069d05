/* vs-enroll-session.c
 *
 * Threads (VsFrameWorker): the camera's streaming thread pushes into the
 * worker's slot; the worker owns the engine and does everything expensive;
 * the main thread reads the captures, removes some, and receives the
 * signals from the worker's delivery.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vs-enroll-session.h"
#include "vs-frame-worker.h"
#include "vs-models.h"

#define DEFAULT_TARGET            5
#define DEFAULT_MIN_INTERVAL_US   (300 * G_TIME_SPAN_MILLISECOND)
#define DEFAULT_MAX_SIMILARITY    0.95f
#define DEFAULT_MIN_POSE_CHANGE   8.0f
#define DEFAULT_RESTART_AFTER     2

G_DEFINE_QUARK (vs-enroll-error-quark, vs_enroll_error)

G_DEFINE_ENUM_TYPE (VsEnrollVerdict, vs_enroll_verdict,
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_REJECTED, "rejected"),
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_WAIT, "wait"),
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_DUPLICATE, "duplicate"),
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_CAPTURED, "captured"),
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_COMPLETE, "complete"),
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_ERROR, "error"),
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_OTHER_PERSON, "other-person"),
                    G_DEFINE_ENUM_VALUE (VS_ENROLL_VERDICT_RESTARTED, "restarted"))

G_DEFINE_BOXED_TYPE (VsEnrollCapture, vs_enroll_capture,
                     vs_enroll_capture_ref, vs_enroll_capture_unref)

static VsEnrollCapture *
capture_new (VsSample              *sample,
             const VsQualityReport *report,
             gint64                 time_us)
{
  VsEnrollCapture *self = g_new0 (VsEnrollCapture, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->sample = sample;
  self->report = *report;
  self->time_us = time_us;
  return self;
}

VsEnrollCapture *
vs_enroll_capture_ref (VsEnrollCapture *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vs_enroll_capture_unref (VsEnrollCapture *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_pointer (&self->sample, vs_sample_free);
  g_free (self);
}

struct _VsEnrollSession
{
  GObject          parent_instance;

  VsEngine        *engine;          /* the worker's, loaded there (worker_load) */
  char            *models_dir;
  char            *embedder;
  float            match_threshold; /* the embedder's open-set threshold */
  VsFrameWorker    worker;          /* the newest frame, the thread, delivery */

  GMutex           lock;
  /* Under lock: */
  guint            target;
  VsEnrollParams   params;
  VsQualityParams  quality;
  GPtrArray       *captures;        /* VsEnrollCapture*, the samples kept */
  guint            next_id;
  gint64           last_capture_us;
  gboolean         has_last_capture;
  guint            generation;      /* bumped by clear(): late captures dropped */
  VsSample        *stranger;        /* the last good face that was not the
                                     * person of the captures */
  guint            n_strangers;     /* consecutive such faces, one person */
  guint            pending_dropped; /* to announce with "restarted" */
  gboolean         has_pending_restart;
  VsEnrollFeedback pending_feedback;
  gboolean         has_pending_feedback;
  GPtrArray       *pending_captures; /* to announce */
  gboolean         complete_announced;
};

G_DEFINE_FINAL_TYPE (VsEnrollSession, vs_enroll_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TARGET,
  PROP_N_CAPTURED,
  PROP_EMBEDDER,
  N_PROPS
};

enum {
  FEEDBACK,
  CAPTURED,
  COMPLETE,
  RESTARTED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
deliver_cb (gpointer data)
{
  VsEnrollSession *self = data;
  g_autoptr(GPtrArray) captures = NULL;
  VsEnrollFeedback feedback;
  gboolean has_feedback, complete = FALSE, restarted;
  guint dropped;

  g_mutex_lock (&self->lock);
  restarted = self->has_pending_restart;
  dropped = self->pending_dropped;
  self->has_pending_restart = FALSE;
  self->pending_dropped = 0;
  captures = g_steal_pointer (&self->pending_captures);
  self->pending_captures = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_enroll_capture_unref);
  feedback = self->pending_feedback;
  has_feedback = self->has_pending_feedback;
  self->has_pending_feedback = FALSE;
  if (self->captures->len >= self->target && !self->complete_announced)
    {
      self->complete_announced = TRUE;
      complete = TRUE;
    }
  g_mutex_unlock (&self->lock);

  /* First: the captures announced next belong to the new capture. */
  if (restarted)
    g_signal_emit (self, signals[RESTARTED], 0, dropped);
  for (guint i = 0; i < captures->len; i++)
    g_signal_emit (self, signals[CAPTURED], 0, g_ptr_array_index (captures, i));
  if (captures->len > 0 || restarted)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CAPTURED]);
  if (has_feedback)
    g_signal_emit (self, signals[FEEDBACK], 0, &feedback);
  if (complete)
    g_signal_emit (self, signals[COMPLETE], 0);
}

static float
pose_distance (const VsQualityReport *a,
               const VsQualityReport *b)
{
  return MAX (fabsf (a->yaw - b->yaw), fabsf (a->pitch - b->pitch));
}

/* Under lock: is this a near-duplicate of a sample already kept? Both the
 * embedding and the pose must be close: a new pose or a clearly different
 * picture is worth keeping. */
static gboolean
is_duplicate (VsEnrollSession       *self,
              const VsSample        *sample,
              const VsQualityReport *report)
{
  for (guint i = 0; i < self->captures->len; i++)
    {
      VsEnrollCapture *other = g_ptr_array_index (self->captures, i);
      float cosine = vs_cosine (other->sample->embedding, sample->embedding, sample->dim);

      if (cosine >= self->params.max_similarity &&
          pose_distance (&other->report, report) < self->params.min_pose_change)
        return TRUE;
    }

  return FALSE;
}

/* Under lock: is the sample the person of the captures (cosine to their
 * mean at or above the agreement threshold)? Anything agrees with nothing. */
static gboolean
agrees_with_captures (VsEnrollSession *self,
                      const VsSample  *sample)
{
  g_autofree float *mean = NULL;
  float threshold = self->params.min_agreement > 0 ? self->params.min_agreement
                                                   : self->match_threshold;

  if (self->captures->len == 0)
    return TRUE;

  mean = g_new0 (float, sample->dim);
  for (guint i = 0; i < self->captures->len; i++)
    {
      VsEnrollCapture *capture = g_ptr_array_index (self->captures, i);

      for (guint d = 0; d < sample->dim; d++)
        mean[d] += capture->sample->embedding[d];
    }
  vs_l2_normalize (mean, sample->dim);
  return vs_cosine (mean, sample->embedding, sample->dim) >= threshold;
}

/* Under lock: a good face that is not the person of the captures. Counts
 * how many came in a row from one other person; once there are enough,
 * that person is the one in front now: the captures are dropped and this
 * face starts the new capture. Returns OTHER_PERSON (the sample is taken, to
 * compare the next face with) or RESTARTED (the sample is left to capture). */
static VsEnrollVerdict
other_person (VsEnrollSession  *self,
              VsSample        **sample_inout)
{
  VsSample *sample = *sample_inout;
  float threshold = self->params.min_agreement > 0 ? self->params.min_agreement
                                                   : self->match_threshold;

  if (self->stranger != NULL &&
      vs_cosine (self->stranger->embedding, sample->embedding, sample->dim) >= threshold)
    self->n_strangers++;
  else
    self->n_strangers = 1;
  g_clear_pointer (&self->stranger, vs_sample_free);

  if (self->n_strangers < MAX (self->params.restart_after, 1))
    {
      self->stranger = g_steal_pointer (sample_inout);
      return VS_ENROLL_VERDICT_OTHER_PERSON;
    }

  g_debug ("Another person in front for %u faces: dropping %u samples, starting over",
           self->n_strangers, self->captures->len);
  self->pending_dropped += self->captures->len;
  self->has_pending_restart = TRUE;
  g_ptr_array_set_size (self->captures, 0);
  g_ptr_array_set_size (self->pending_captures, 0);
  self->n_strangers = 0;
  self->complete_announced = FALSE;
  return VS_ENROLL_VERDICT_RESTARTED;
}

static void
process_frame (VsEnrollSession *self,
               VsImage         *frame,
               gint64           time_us,
               guint64          frame_number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = NULL;
  g_autoptr(VsSample) sample = NULL;
  VsEnrollFeedback feedback = { 0 };
  VsQualityParams quality;
  guint generation;
  gboolean want;


  g_mutex_lock (&self->lock);
  quality = self->quality;
  g_mutex_unlock (&self->lock);

  feedback.frame_width = frame->width;
  feedback.frame_height = frame->height;
  feedback.frame_number = frame_number;
  feedback.report.face_index = -1;

  faces = vs_engine_detect (self->engine, frame, &error);
  if (faces == NULL)
    {
      g_debug ("Enrollment frame %" G_GUINT64_FORMAT ": %s", frame_number, error->message);
      feedback.verdict = VS_ENROLL_VERDICT_ERROR;
      goto deliver;
    }

  /* Pose needs the landmark model's points: the detector's understate a
   * tilted head by half. */
  vs_engine_refine_landmarks (self->engine, frame, faces);
  vs_quality_check (frame, faces, &quality, &feedback.report);
  if (feedback.report.face_index >= 0)
    {
      const VsFace *face = &g_array_index (faces, VsFace, feedback.report.face_index);

      feedback.has_face = TRUE;
      feedback.x = face->x / frame->width;
      feedback.y = face->y / frame->height;
      feedback.width = face->width / frame->width;
      feedback.height = face->height / frame->height;
    }

  g_mutex_lock (&self->lock);
  generation = self->generation;
  if (self->captures->len >= self->target)
    feedback.verdict = VS_ENROLL_VERDICT_COMPLETE;
  else if (feedback.report.issue != VS_QUALITY_OK)
    feedback.verdict = VS_ENROLL_VERDICT_REJECTED;
  else if (self->has_last_capture &&
           time_us - self->last_capture_us < self->params.min_interval_us)
    feedback.verdict = VS_ENROLL_VERDICT_WAIT;
  else
    feedback.verdict = VS_ENROLL_VERDICT_CAPTURED;   /* unless a duplicate */
  want = feedback.verdict == VS_ENROLL_VERDICT_CAPTURED;
  g_mutex_unlock (&self->lock);

  if (!want)
    goto deliver;

  sample = vs_engine_make_sample (self->engine, frame,
                                  &g_array_index (faces, VsFace, feedback.report.face_index),
                                  "camera", &error);
  if (sample == NULL)
    {
      g_debug ("Enrollment frame %" G_GUINT64_FORMAT ": %s", frame_number, error->message);
      feedback.verdict = VS_ENROLL_VERDICT_ERROR;
      goto deliver;
    }

  g_mutex_lock (&self->lock);
  if (generation != self->generation || self->captures->len >= self->target)
    {
      /* Cleared or completed meanwhile. */
      feedback.verdict = self->captures->len >= self->target ? VS_ENROLL_VERDICT_COMPLETE
                                                             : VS_ENROLL_VERDICT_WAIT;
    }
  else if (is_duplicate (self, sample, &feedback.report))
    feedback.verdict = VS_ENROLL_VERDICT_DUPLICATE;
  else
    {
      if (agrees_with_captures (self, sample))
        {
          g_clear_pointer (&self->stranger, vs_sample_free);
          self->n_strangers = 0;
        }
      else
        feedback.verdict = other_person (self, &sample);
    }

  /* A sample of the person of this capture (maybe a new one). */
  if (sample != NULL &&
      (feedback.verdict == VS_ENROLL_VERDICT_CAPTURED || feedback.verdict == VS_ENROLL_VERDICT_RESTARTED))
    {
      VsEnrollCapture *capture = capture_new (g_steal_pointer (&sample), &feedback.report, time_us);

      capture->id = ++self->next_id;
      g_ptr_array_add (self->captures, capture);
      g_ptr_array_add (self->pending_captures, vs_enroll_capture_ref (capture));
      self->last_capture_us = time_us;
      self->has_last_capture = TRUE;
      g_debug ("Captured sample %u (%u of %u): yaw %.0f pitch %.0f sharpness %.0f",
               capture->id, self->captures->len, self->target,
               feedback.report.yaw, feedback.report.pitch, feedback.report.sharpness);
    }
  g_mutex_unlock (&self->lock);

deliver:
  g_mutex_lock (&self->lock);
  self->pending_feedback = feedback;
  self->has_pending_feedback = TRUE;
  vs_frame_worker_post (&self->worker);
  g_mutex_unlock (&self->lock);
}

/* The frame worker's load function (worker thread, before the first
 * frame): opening the enrollment window does not wait for the models. */
static gboolean
worker_load (gpointer   data,
             GError   **error)
{
  VsEnrollSession *self = data;

  self->engine = vs_engine_new (self->models_dir, self->embedder, error);
  return self->engine != NULL;
}

/* Main context: no frame will be processed without the models. */
static void
worker_loaded (gpointer      data,
               const GError *error)
{
  VsEnrollSession *self = data;

  if (error != NULL)
    {
      g_debug ("Face capture is unavailable: %s", error->message);
      g_signal_emit (self, signals[FAILED], 0, error->message);
    }
}

/* The frame worker's process function (worker thread). */
static void
worker_process (gpointer  data,
                VsImage  *frame,
                gint64    time_us,
                gint64    arrival_us,
                guint64   number)
{
  process_frame (data, frame, time_us, number);
}

VsEnrollSession *
vs_enroll_session_new (const char  *models_dir,
                       const char  *embedder_id,
                       GError     **error)
{
  g_autoptr(VsEnrollSession) self = g_object_new (VS_TYPE_ENROLL_SESSION, NULL);
  const VsModelInfo *info;

  /* Only the manifest here; the models themselves are loaded (and checked)
   * on the worker: "failed" tells when they cannot be. */
  info = vs_models_lookup (embedder_id ? embedder_id : vs_models_get_default_embedder (), error);
  if (info == NULL)
    return NULL;
  if (info->role != VS_MODEL_ROLE_EMBEDDER)
    {
      g_set_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_UNKNOWN_ID,
                   _("“%s” is not a face embedder"), info->id);
      return NULL;
    }
  self->models_dir = g_strdup (models_dir);
  self->embedder = g_strdup (info->id);
  self->match_threshold = info->threshold;

  if (!vs_frame_worker_start (&self->worker, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
vs_enroll_session_get_embedder (VsEnrollSession *self)
{
  g_return_val_if_fail (VS_IS_ENROLL_SESSION (self), NULL);

  return self->embedder;
}

void
vs_enroll_session_set_target (VsEnrollSession *self,
                              guint            target)
{
  gboolean changed;

  g_return_if_fail (VS_IS_ENROLL_SESSION (self));
  g_return_if_fail (target > 0);

  g_mutex_lock (&self->lock);
  changed = self->target != target;
  self->target = target;
  self->complete_announced = self->captures->len >= target;
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

guint
vs_enroll_session_get_target (VsEnrollSession *self)
{
  guint target;

  g_return_val_if_fail (VS_IS_ENROLL_SESSION (self), 0);

  g_mutex_lock (&self->lock);
  target = self->target;
  g_mutex_unlock (&self->lock);
  return target;
}

static void
default_params (VsEnrollParams *params)
{
  params->min_interval_us = DEFAULT_MIN_INTERVAL_US;
  params->max_similarity = DEFAULT_MAX_SIMILARITY;
  params->min_pose_change = DEFAULT_MIN_POSE_CHANGE;
  params->min_agreement = 0;   /* the embedder's */
  params->restart_after = DEFAULT_RESTART_AFTER;
}

void
vs_enroll_session_set_params (VsEnrollSession      *self,
                              const VsEnrollParams *params)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));

  g_mutex_lock (&self->lock);
  if (params != NULL)
    self->params = *params;
  else
    default_params (&self->params);
  g_mutex_unlock (&self->lock);
}

void
vs_enroll_session_set_quality (VsEnrollSession       *self,
                               const VsQualityParams *params)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));

  g_mutex_lock (&self->lock);
  if (params != NULL)
    self->quality = *params;
  else
    vs_quality_params_init_camera (&self->quality);
  g_mutex_unlock (&self->lock);
}

void
vs_enroll_session_set_paused (VsEnrollSession *self,
                              gboolean         paused)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));

  vs_frame_worker_set_paused (&self->worker, paused);
}

void
vs_enroll_session_push_frame (VsEnrollSession *self,
                              VsImage         *frame,
                              gint64           capture_time_us,
                              guint64          frame_number)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));
  g_return_if_fail (frame != NULL);

  vs_frame_worker_push (&self->worker, frame, capture_time_us, frame_number);
}

GPtrArray *
vs_enroll_session_dup_captures (VsEnrollSession *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (VS_IS_ENROLL_SESSION (self), NULL);

  g_mutex_lock (&self->lock);
  copy = g_ptr_array_new_full (self->captures->len, (GDestroyNotify) vs_enroll_capture_unref);
  for (guint i = 0; i < self->captures->len; i++)
    g_ptr_array_add (copy, vs_enroll_capture_ref (g_ptr_array_index (self->captures, i)));
  g_mutex_unlock (&self->lock);

  return copy;
}

guint
vs_enroll_session_get_n_captured (VsEnrollSession *self)
{
  guint n;

  g_return_val_if_fail (VS_IS_ENROLL_SESSION (self), 0);

  g_mutex_lock (&self->lock);
  n = self->captures->len;
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
vs_enroll_session_remove_capture (VsEnrollSession *self,
                                  guint            id)
{
  gboolean found = FALSE;

  g_return_val_if_fail (VS_IS_ENROLL_SESSION (self), FALSE);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->captures->len; i++)
    {
      VsEnrollCapture *capture = g_ptr_array_index (self->captures, i);

      if (capture->id == id)
        {
          g_ptr_array_remove_index (self->captures, i);
          found = TRUE;
          break;
        }
    }
  if (found)
    self->complete_announced = self->captures->len >= self->target;
  g_mutex_unlock (&self->lock);

  if (found)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CAPTURED]);
  return found;
}

void
vs_enroll_session_clear (VsEnrollSession *self)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->captures, 0);
  g_ptr_array_set_size (self->pending_captures, 0);
  self->generation++;
  self->has_last_capture = FALSE;
  g_clear_pointer (&self->stranger, vs_sample_free);
  self->n_strangers = 0;
  self->complete_announced = FALSE;
  g_mutex_unlock (&self->lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CAPTURED]);
}

void
vs_enroll_session_drain (VsEnrollSession *self)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));

  vs_frame_worker_drain (&self->worker);
}

void
vs_enroll_session_stop (VsEnrollSession *self)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));

  vs_frame_worker_stop (&self->worker);
}

void
vs_enroll_session_stop_in_background (VsEnrollSession *self)
{
  g_return_if_fail (VS_IS_ENROLL_SESSION (self));

  vs_frame_worker_stop_in_background (&self->worker);
}

static void
vs_enroll_session_dispose (GObject *object)
{
  VsEnrollSession *self = VS_ENROLL_SESSION (object);

  vs_enroll_session_stop (self);

  G_OBJECT_CLASS (vs_enroll_session_parent_class)->dispose (object);
}

static void
vs_enroll_session_finalize (GObject *object)
{
  VsEnrollSession *self = VS_ENROLL_SESSION (object);

  g_clear_pointer (&self->engine, vs_engine_free);
  g_clear_pointer (&self->embedder, g_free);
  g_clear_pointer (&self->models_dir, g_free);
  g_clear_pointer (&self->stranger, vs_sample_free);
  g_clear_pointer (&self->captures, g_ptr_array_unref);
  g_clear_pointer (&self->pending_captures, g_ptr_array_unref);
  vs_frame_worker_clear (&self->worker);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vs_enroll_session_parent_class)->finalize (object);
}

static void
vs_enroll_session_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VsEnrollSession *self = VS_ENROLL_SESSION (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_uint (value, vs_enroll_session_get_target (self));
      break;

    case PROP_N_CAPTURED:
      g_value_set_uint (value, vs_enroll_session_get_n_captured (self));
      break;

    case PROP_EMBEDDER:
      g_value_set_string (value, self->embedder);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_enroll_session_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VsEnrollSession *self = VS_ENROLL_SESSION (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      vs_enroll_session_set_target (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_enroll_session_class_init (VsEnrollSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_enroll_session_dispose;
  object_class->finalize = vs_enroll_session_finalize;
  object_class->get_property = vs_enroll_session_get_property;
  object_class->set_property = vs_enroll_session_set_property;

  properties[PROP_TARGET] =
    g_param_spec_uint ("target", NULL, NULL,
                       1, 100, DEFAULT_TARGET,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CAPTURED] =
    g_param_spec_uint ("n-captured", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMBEDDER] =
    g_param_spec_string ("embedder", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The feedback is only valid during the emission. */
  signals[FEEDBACK] =
    g_signal_new ("feedback",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[CAPTURED] =
    g_signal_new ("captured",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VS_TYPE_ENROLL_CAPTURE);
  signals[COMPLETE] =
    g_signal_new ("complete",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[RESTARTED] =
    g_signal_new ("restarted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vs_enroll_session_init (VsEnrollSession *self)
{
  vs_frame_worker_init (&self->worker, G_OBJECT (self), "visage-enroll",
                        worker_process, deliver_cb);
  vs_frame_worker_set_loader (&self->worker, worker_load, worker_loaded);
  g_mutex_init (&self->lock);
  self->target = DEFAULT_TARGET;
  default_params (&self->params);
  vs_quality_params_init_camera (&self->quality);
  self->captures = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_enroll_capture_unref);
  self->pending_captures = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_enroll_capture_unref);
}

/* Photos. */

static const char *
photo_issue_message (VsQualityIssue issue)
{
  switch (issue)
    {
    case VS_QUALITY_NO_FACE:
      return _("No face found");
    case VS_QUALITY_MANY_FACES:
      return _("More than one face");
    case VS_QUALITY_CUT_OFF:
      return _("The face is cut off");
    case VS_QUALITY_TOO_SMALL:
      return _("The face is too small");
    case VS_QUALITY_TOO_DARK:
      return _("Too dark");
    case VS_QUALITY_TOO_BRIGHT:
      return _("Too bright");
    case VS_QUALITY_BLURRY:
      return _("Blurry");
    case VS_QUALITY_TILTED:
      return _("The head is tilted");
    case VS_QUALITY_TURNED:
      return _("Not facing the camera");
    case VS_QUALITY_OK:
    case VS_QUALITY_N_ISSUES:
    default:
      return _("Good");
    }
}

VsEnrollCapture *
vs_enroll_check_photo (VsEngine              *engine,
                       const char            *path,
                       int                    face_index,
                       const VsQualityParams *params,
                       VsQualityReport       *report,
                       GArray               **faces_out,
                       int                   *size_out,
                       GError               **error)
{
  g_autoptr(VsImage) image = NULL;
  g_autoptr(GArray) faces = NULL;
  g_autoptr(GArray) checked = NULL;
  VsQualityParams photo;
  VsQualityReport local;
  VsSample *sample;

  g_return_val_if_fail (engine != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (report == NULL)
    report = &local;
  memset (report, 0, sizeof *report);
  report->face_index = -1;

  if (params == NULL)
    {
      vs_quality_params_init_photo (&photo);
      params = &photo;
    }

  image = vs_image_load (path, error);
  if (image == NULL)
    return NULL;

  faces = vs_engine_detect (engine, image, error);
  if (faces == NULL)
    return NULL;
  if (faces_out != NULL)
    *faces_out = g_array_ref (faces);
  if (size_out != NULL)
    {
      size_out[0] = image->width;
      size_out[1] = image->height;
    }

  /* A face the person picked is checked alone: the others are not theirs. */
  checked = g_array_ref (faces);
  if (face_index >= 0)
    {
      g_clear_pointer (&checked, g_array_unref);
      checked = g_array_new (FALSE, FALSE, sizeof (VsFace));
      if ((guint) face_index < faces->len)
        g_array_append_val (checked, g_array_index (faces, VsFace, face_index));
    }

  vs_engine_refine_landmarks (engine, image, checked);
  if (!vs_quality_check (image, checked, params, report))
    {
      g_set_error_literal (error, VS_ENROLL_ERROR, VS_ENROLL_ERROR_QUALITY,
                           photo_issue_message (report->issue));
      return NULL;
    }

  sample = vs_engine_make_sample (engine, image,
                                  &g_array_index (checked, VsFace, report->face_index),
                                  path, error);
  if (sample == NULL)
    return NULL;

  return capture_new (sample, report, g_get_monotonic_time ());
}

GPtrArray *
vs_enroll_captures_to_samples (GPtrArray *captures)
{
  GPtrArray *samples;

  g_return_val_if_fail (captures != NULL, NULL);

  samples = g_ptr_array_sized_new (captures->len);
  for (guint i = 0; i < captures->len; i++)
    g_ptr_array_add (samples, ((VsEnrollCapture *) g_ptr_array_index (captures, i))->sample);
  return samples;
}

/* Agreement between photos. */

/* Best cosine of `sample` to any candidate of `photo`. */
static float
best_cosine (const VsSample *sample,
             GPtrArray      *photo)
{
  float best = -1.0f;

  for (guint i = 0; i < photo->len; i++)
    {
      const VsSample *other = g_ptr_array_index (photo, i);

      if (other->dim == sample->dim)
        best = MAX (best, vs_cosine (other->embedding, sample->embedding, sample->dim));
    }
  return best;
}

int *
vs_enroll_pick_agreeing (GPtrArray *photos,
                         float      threshold,
                         float      pair_threshold)
{
  int *picks;

  g_return_val_if_fail (photos != NULL, NULL);

  picks = g_new (int, MAX (photos->len, 1));

  /* First guess: in each photo, the face most like some face of every other
   * photo (the person is in all of them; a bystander rarely is). */
  for (guint p = 0; p < photos->len; p++)
    {
      GPtrArray *photo = g_ptr_array_index (photos, p);
      float best_score = -G_MAXFLOAT;

      picks[p] = photo->len == 1 ? 0 : -1;
      if (photo->len < 2 || photos->len < 2)
        continue;
      for (guint f = 0; f < photo->len; f++)
        {
          float score = 0;

          for (guint q = 0; q < photos->len; q++)
            if (q != p && ((GPtrArray *) g_ptr_array_index (photos, q))->len > 0)
              score += best_cosine (g_ptr_array_index (photo, f), g_ptr_array_index (photos, q));
          if (score > best_score)
            {
              best_score = score;
              picks[p] = f;
            }
        }
    }

  if (photos->len < 2)
    return picks;

  /* Then each photo against the mean of the others' choices: the face that
   * agrees with it, or none. Two rounds, so that a photo first judged by a
   * wrong guess elsewhere is judged again by the settled choices. */
  for (guint round = 0; round < 2; round++)
    {
      g_autofree int *next = g_new (int, photos->len);

      for (guint p = 0; p < photos->len; p++)
        {
          GPtrArray *photo = g_ptr_array_index (photos, p);
          g_autofree float *mean = NULL;
          float best_score = -G_MAXFLOAT;
          guint dim = 0, n_others = 0;

          next[p] = -1;
          for (guint q = 0; q < photos->len; q++)
            {
              const VsSample *chosen;

              if (q == p || picks[q] < 0)
                continue;
              chosen = g_ptr_array_index ((GPtrArray *) g_ptr_array_index (photos, q), picks[q]);
              if (mean == NULL)
                {
                  dim = chosen->dim;
                  mean = g_new0 (float, dim);
                }
              if (chosen->dim != dim)
                continue;
              for (guint d = 0; d < dim; d++)
                mean[d] += chosen->embedding[d];
              n_others++;
            }
          /* A photo with one face is judged only by two others or more:
           * between two photos that disagree, nothing says which is wrong. */
          if (mean != NULL)
            vs_l2_normalize (mean, dim);
          if (n_others == 0 || (photo->len == 1 && n_others < 2))
            {
              next[p] = photo->len == 1 ? 0 : next[p];
              continue;
            }

          for (guint f = 0; f < photo->len; f++)
            {
              const VsSample *face = g_ptr_array_index (photo, f);
              float score = face->dim == dim ? vs_cosine (mean, face->embedding, dim) : -1.0f;
              /* One other photo is a 1:1 comparison; a mean of several is
               * steadier and held to the stricter threshold. */
              float needed = n_others == 1 ? pair_threshold : threshold;

              g_debug ("Photo %u face %u: %.3f to the others", p, f, score);
              if (score >= needed && score > best_score)
                {
                  best_score = score;
                  next[p] = f;
                }
            }
        }
      memcpy (picks, next, photos->len * sizeof (int));
    }

  return picks;
}

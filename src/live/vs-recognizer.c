/* vs-recognizer.c: the recognition worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vs-cv.h"
#include "vs-engine.h"
#include "vs-frame-worker.h"
#include "vs-models.h"
#include "vs-recognizer.h"

#define LATENCY_RING 1024
#define FPS_RING     256

/* The whole frame is searched at least this often (the frames' time): a new
 * face is found within it. Between, only the regions around the faces being
 * followed are searched, a fraction of the work; with no face followed, the
 * whole frame. A camera's 10 fps or fewer is searched whole on every frame. */
#define FULL_DETECTION_INTERVAL_US (100 * 1000)
/* A track not seen for this many processed frames is left to the next full
 * search. */
#define REGION_MAX_MISSED 2
/* The region around a face: this many times its size, so that it is still
 * inside at the next frame. */
#define REGION_FACE_FACTOR 2.5f

G_DEFINE_QUARK (vs-recognizer-error-quark, vs_recognizer_error)

G_DEFINE_ENUM_TYPE (VsRecognizerState, vs_recognizer_state,
                    G_DEFINE_ENUM_VALUE (VS_RECOGNIZER_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (VS_RECOGNIZER_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (VS_RECOGNIZER_STATE_FAILED, "failed"))

/* Results */

typedef struct {
  VsRecognitionResults pub;
  gatomicrefcount      ref_count;
} Results;

static VsRecognitionResults *
results_new (void)
{
  Results *self = g_new0 (Results, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->pub.n_frames = 1;
  self->pub.tracks = g_array_new (FALSE, TRUE, sizeof (VsTrackInfo));
  g_array_set_clear_func (self->pub.tracks, (GDestroyNotify) vs_track_info_clear);
  return &self->pub;
}

VsRecognitionResults *
vs_recognition_results_ref (VsRecognitionResults *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&((Results *) self)->ref_count);
  return self;
}

void
vs_recognition_results_unref (VsRecognitionResults *self)
{
  if (self == NULL)
    return;
  if (g_atomic_ref_count_dec (&((Results *) self)->ref_count))
    {
      g_clear_pointer (&self->tracks, g_array_unref);
      g_clear_pointer (&self->events, g_array_unref);
      g_free (self);
    }
}

G_DEFINE_BOXED_TYPE (VsRecognitionResults, vs_recognition_results,
                     vs_recognition_results_ref, vs_recognition_results_unref)

/* The recognizer */

struct _VsRecognizer
{
  GObject        parent_instance;

  VsLiveModel   *model;        /* main thread */
  gboolean       paused;       /* main thread: drop results on arrival */
  char          *embedder_id;
  char          *models_dir;
  guint          dim;
  VsRecognizerState state;     /* main thread, notified */
  GError        *error;        /* main thread: why it failed */

  /* Owned by the worker thread once it runs. */
  VsEngine      *engine;       /* loaded there (worker_load) */
  VsTracker     *tracker;
  guint          worker_serial;   /* gallery_serial the tracker voted with */
  float         *embedding;       /* scratch buffers, reused every frame */
  GArray        *candidates;      /* EmbedCandidate */
  GArray        *to_embed;        /* guint track ids */
  gboolean       have_full;       /* last_full_us is set */
  gint64         last_full_us;    /* frame time of the last full search */

  VsFrameWorker  worker;       /* the newest frame, the thread, delivery */

  /* Guards the parameters below. */
  GMutex         lock;
  VsGallery     *gallery;
  guint          gallery_serial;
  VsMatchParams  match_params;
  guint          max_embeds;
  float          min_face_size;
  VsTrackerParams tracker_params;
  gboolean       tracker_params_changed;
  float          verify_threshold;  /* the embedder's: "the same face" */
  gboolean       reset_requested;
  gboolean       classic;

  /* Results waiting for the main context; merged when it lags. */
  GMutex         results_lock;
  VsRecognitionResults *pending;

  /* Statistics. */
  GMutex         stats_lock;
  VsRecognizerStats stats;
  gint64         done_times[FPS_RING];   /* when frames were finished */
  guint          done_pos;
  gint64         first_start_us;
  gint64         last_done_us;
  double         process_total_ms;
  double         detect_total_ms;
  double         embed_total_ms;
  double         match_total_ms;
  guint64        matches;
  double         cpu_total_ms;
  double         latencies[LATENCY_RING];
  guint          latency_pos;
};

G_DEFINE_FINAL_TYPE (VsRecognizer, vs_recognizer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_LOSSLESS,
  PROP_EMBEDDER,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  RESULTS,
  TRACK_ADDED,
  TRACK_DECIDED,
  TRACK_REMOVED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Main thread: deliver */

static void
deliver_cb (gpointer data)
{
  VsRecognizer *self = data;
  g_autoptr(VsRecognitionResults) results = NULL;
  double latency_ms;

  g_mutex_lock (&self->results_lock);
  results = g_steal_pointer (&self->pending);
  g_mutex_unlock (&self->results_lock);

  /* Results of frames taken before a pause are stale: nobody shows them. */
  if (results == NULL || self->paused)
    return;

  latency_ms = (g_get_monotonic_time () - results->capture_time_us) / 1000.0;
  g_mutex_lock (&self->stats_lock);
  self->latencies[self->latency_pos] = latency_ms;
  self->latency_pos = (self->latency_pos + 1) % LATENCY_RING;
  self->stats.latency_count++;
  self->stats.latency_last_ms = latency_ms;
  g_mutex_unlock (&self->stats_lock);

  vs_live_model_set_capture_time (self->model, results->capture_time_us);
  vs_live_model_update (self->model,
                        (const VsTrackInfo *) (gpointer) results->tracks->data,
                        results->tracks->len,
                        results->frame_width, results->frame_height);

  for (guint i = 0; i < results->events->len; i++)
    {
      const VsTrackerEvent *event = &g_array_index (results->events, VsTrackerEvent, i);

      switch (event->type)
        {
        case VS_TRACKER_EVENT_ADDED:
          g_signal_emit (self, signals[TRACK_ADDED], 0, event->track_id);
          break;
        case VS_TRACKER_EVENT_DECIDED:
          g_signal_emit (self, signals[TRACK_DECIDED], 0, event->track_id, event->state,
                         event->person_id, event->name, event->score);
          break;
        case VS_TRACKER_EVENT_REMOVED:
          g_signal_emit (self, signals[TRACK_REMOVED], 0, event->track_id);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  g_signal_emit (self, signals[RESULTS], 0, results);
}

/* Worker thread */

static void
post_results (VsRecognizer         *self,
              VsRecognitionResults *results)
{
  g_mutex_lock (&self->results_lock);
  if (self->pending != NULL)
    {
      /* The main thread has not caught up: keep every event, newest tracks. */
      g_array_prepend_vals (results->events, self->pending->events->data,
                            self->pending->events->len);
      /* The events moved: forget them in the old results without clearing. */
      g_array_set_clear_func (self->pending->events, NULL);
      results->n_frames += self->pending->n_frames;
      vs_recognition_results_unref (self->pending);
    }
  self->pending = results;
  g_mutex_unlock (&self->results_lock);

  vs_frame_worker_post (&self->worker);
}

/* CPU time of the calling thread: the work of one frame, however loaded
 * the machine is. */
static gint64
thread_cpu_time_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static const char *
gallery_name_lookup (gint64   person_id,
                     gpointer user_data)
{
  return vs_gallery_get_name (user_data, person_id);
}

typedef struct {
  guint  id;
  int    priority;    /* 0: still identifying (new first), 1: checking again */
  gint64 last_embed_us;
} EmbedCandidate;

static int
embed_candidate_compare (gconstpointer a,
                         gconstpointer b)
{
  const EmbedCandidate *ca = a, *cb = b;

  if (ca->priority != cb->priority)
    return ca->priority - cb->priority;
  if (ca->last_embed_us != cb->last_embed_us)
    return ca->last_embed_us < cb->last_embed_us ? -1 : 1;
  return ca->id < cb->id ? -1 : (ca->id > cb->id);
}

/* The tracks to embed in this frame: those the tracker asks for, big enough
 * to be recognised at all, at most max_embeds of them so that a crowd does
 * not make one frame take ages — undecided ones first, then the ones waiting
 * longest. The others wait for the next frames. */
static void
pick_embeddings (VsRecognizer *self,
                 gint64        time_us,
                 guint         max_embeds,
                 float         min_face_size,
                 GArray       *out)
{
  GArray *candidates = self->candidates;

  g_array_set_size (candidates, 0);
  g_array_set_size (out, 0);

  for (guint i = 0; i < vs_tracker_get_n_tracks (self->tracker); i++)
    {
      const VsTrackerTrack *track = vs_tracker_get_track (self->tracker, i);
      EmbedCandidate c;

      if (!track->confirmed ||
          MIN (track->face.width, track->face.height) < min_face_size ||
          !vs_tracker_needs_embed (self->tracker, track->id, time_us))
        continue;
      c.id = track->id;
      c.priority = track->state == VS_TRACK_IDENTIFYING ? 0 : 1;
      c.last_embed_us = track->last_embed_us;
      g_array_append_val (candidates, c);
    }

  g_array_sort (candidates, embed_candidate_compare);
  for (guint i = 0; i < candidates->len && (max_embeds == 0 || i < max_embeds); i++)
    g_array_append_val (out, g_array_index (candidates, EmbedCandidate, i).id);
}

/* How much one embedding counts in its track's aggregate: confident
 * detections of big faces most; a small or doubtful face still counts a
 * little. */
static float
embedding_weight (const VsFace *face)
{
  float size = MIN (face->width, face->height);

  return CLAMP (face->score, 0.05f, 1.f) * CLAMP (size / 80.f, 0.25f, 1.f);
}

/* The gallery's answer about a track's aggregate, as a vote (the name
 * belongs to the gallery, which the caller holds). */
typedef struct {
  VsVoteKind  kind;
  gint64      person_id;
  const char *name;
  float       score;
} Answer;

static Answer
identify_aggregate (VsGallery           *gallery,
                    const float         *aggregate,
                    const VsMatchParams *params)
{
  VsIdentity identity;

  if (gallery == NULL || vs_gallery_get_n_people (gallery) == 0)
    return (Answer) { VS_VOTE_UNKNOWN, 0, NULL, 0.f };

  identity = vs_gallery_identify (gallery, aggregate, params);
  switch (identity.kind)
    {
    case VS_IDENTITY_KNOWN:
      return (Answer) { VS_VOTE_PERSON, identity.best.person_id, identity.best.name, identity.best.score };
    case VS_IDENTITY_UNKNOWN:
      return (Answer) { VS_VOTE_UNKNOWN, 0, NULL, identity.best.score };
    case VS_IDENTITY_AMBIGUOUS:
    default:
      return (Answer) { VS_VOTE_ABSTAIN, 0, NULL, identity.best.score };
    }
}

/* Matches one embedding against the gallery (timed) and casts the track's
 * vote; a face without a track (id 0) is only matched. */
static void
identify_and_vote (VsRecognizer        *self,
                   VsGallery           *gallery,
                   const VsMatchParams *match_params,
                   guint                id,
                   const float         *embedding,
                   gint64               time_us)
{
  gint64 start_us = g_get_monotonic_time ();
  Answer answer = identify_aggregate (gallery, embedding, match_params);

  if (gallery != NULL && vs_gallery_get_n_people (gallery) > 0)
    {
      g_mutex_lock (&self->stats_lock);
      self->match_total_ms += (g_get_monotonic_time () - start_us) / 1000.0;
      self->matches++;
      g_mutex_unlock (&self->stats_lock);
    }
  if (id != 0)
    vs_tracker_vote (self->tracker, id, answer.kind, answer.person_id, answer.name,
                     answer.score, time_us);
}

/* The regions to search in a frame between full searches: around every
 * track seen lately, tentative ones too (they need a second sighting).
 * G_MAXUINT when there are too many to be worth it, 0 when there is none. */
static guint
pick_regions (VsRecognizer *self,
              VsRegion     *regions)
{
  guint n = 0;

  for (guint i = 0; i < vs_tracker_get_n_tracks (self->tracker); i++)
    {
      const VsTrackerTrack *track = vs_tracker_get_track (self->tracker, i);
      const VsFace *f = &track->face;
      float side;

      if (track->missed > REGION_MAX_MISSED)
        continue;
      if (n == VS_ENGINE_MAX_REGIONS)
        return G_MAXUINT;
      side = MAX (REGION_FACE_FACTOR * MAX (f->width, f->height), VS_ENGINE_REGION_TILE);
      regions[n].x = f->x + f->width / 2 - side / 2;
      regions[n].y = f->y + f->height / 2 - side / 2;
      regions[n].side = side;
      n++;
    }
  return n;
}

/* Where to look in this frame: everywhere now and then, else around the
 * faces already followed. Decided on the frames' time alone, so that a file
 * gives the same events on every run. */
static GArray *
detect (VsRecognizer  *self,
        VsImage       *frame,
        gint64         time_us,
        gboolean       classic,
        GError       **error)
{
  VsRegion regions[VS_ENGINE_MAX_REGIONS];
  gboolean full = classic || !self->have_full || time_us < self->last_full_us ||
                  time_us - self->last_full_us >= FULL_DETECTION_INTERVAL_US;
  guint n = 0;
  GArray *faces;

  if (!full)
    {
      /* Nobody followed: nothing to search around, look everywhere. */
      n = pick_regions (self, regions);
      full = n == 0 || n == G_MAXUINT;
    }

  if (full)
    {
      self->have_full = TRUE;
      self->last_full_us = time_us;
      faces = vs_engine_detect (self->engine, frame, error);
    }
  else
    faces = vs_engine_detect_regions (self->engine, frame, regions, n, error);

  g_mutex_lock (&self->stats_lock);
  if (full)
    self->stats.full_detections++;
  else
    self->stats.region_detections++;
  g_mutex_unlock (&self->stats_lock);
  return faces;
}

static gboolean
same_face (const VsFace *a,
           const VsFace *b)
{
  return a->x == b->x && a->y == b->y && a->width == b->width && a->height == b->height;
}

/* The classic loop: every face of the frame embedded and matched on its
 * own. A face the tracker confirmed votes for its track with it. */
static guint
embed_every_face (VsRecognizer        *self,
                  VsImage             *frame,
                  GArray              *faces,
                  VsGallery           *gallery,
                  const VsMatchParams *match_params,
                  gint64               time_us,
                  gboolean            *failed)
{
  guint n_embedded = 0;

  for (guint f = 0; f < faces->len; f++)
    {
      const VsFace *face = &g_array_index (faces, VsFace, f);
      g_autoptr(GError) error = NULL;
      guint id = 0;

      if (!vs_engine_embed_face (self->engine, frame, face, self->embedding, NULL, &error))
        {
          g_debug ("Embedding a face failed: %s", error->message);
          *failed = TRUE;
          continue;
        }
      n_embedded++;

      for (guint i = 0; i < vs_tracker_get_n_tracks (self->tracker) && id == 0; i++)
        {
          const VsTrackerTrack *track = vs_tracker_get_track (self->tracker, i);

          if (track->confirmed && track->missed == 0 && same_face (&track->face, face))
            id = vs_tracker_add_embedding (self->tracker, track->id, self->embedding, self->dim,
                                           embedding_weight (face), time_us);
        }
      identify_and_vote (self, gallery, match_params, id, self->embedding, time_us);
    }
  return n_embedded;
}

static void
process_frame (VsRecognizer *self,
               VsImage      *frame,
               gint64        time_us,
               gint64        arrival_us,
               guint64       frame_number,
               gint64        start_us)
{
  const VsTrackerParams *tracker_params;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = NULL;
  g_autoptr(VsGallery) gallery = NULL;
  float *embedding = self->embedding;
  VsRecognitionResults *results;
  VsMatchParams match_params;
  guint serial;
  guint n_embedded = 0;
  gboolean failed = FALSE;
  gboolean classic;
  gint64 done_us, detect_us, embed_start_us, embed_end_us, cpu_start_us;
  GArray *to_embed = self->to_embed;
  guint max_embeds;
  float min_face_size;

  cpu_start_us = thread_cpu_time_us ();

  g_mutex_lock (&self->lock);
  if (self->tracker_params_changed || self->tracker == NULL)
    {
      g_clear_pointer (&self->tracker, vs_tracker_free);
      self->tracker = vs_tracker_new (&self->tracker_params);
      self->tracker_params_changed = FALSE;
      self->have_full = FALSE;
    }
  if (self->reset_requested)
    {
      vs_tracker_clear (self->tracker, time_us);
      self->reset_requested = FALSE;
      self->have_full = FALSE;
    }
  tracker_params = vs_tracker_get_params (self->tracker);
  gallery = self->gallery != NULL ? vs_gallery_ref (self->gallery) : NULL;
  serial = self->gallery_serial;
  match_params = self->match_params;
  max_embeds = self->max_embeds;
  min_face_size = self->min_face_size;
  classic = self->classic;
  g_mutex_unlock (&self->lock);

  if (serial != self->worker_serial)
    {
      /* A new snapshot: every track is voted on again against it, and the
       * ones already embedded are decided again at once from what the
       * track as a whole looks like: someone enrolled while standing in
       * view is named in this frame, a deleted person's name goes now. */
      vs_tracker_reset_votes (self->tracker, gallery != NULL ? gallery_name_lookup : NULL, gallery);
      for (guint i = 0; i < vs_tracker_get_n_tracks (self->tracker); i++)
        {
          const VsTrackerTrack *track = vs_tracker_get_track (self->tracker, i);
          const float *aggregate = track->confirmed ? vs_tracker_get_aggregate (self->tracker, track->id) : NULL;
          Answer answer;

          if (aggregate == NULL)
            continue;
          answer = identify_aggregate (gallery, aggregate, &match_params);
          vs_tracker_redecide (self->tracker, track->id, answer.kind, answer.person_id,
                               answer.name, answer.score, time_us);
        }
      self->worker_serial = serial;
    }

  faces = detect (self, frame, time_us, classic, &error);
  detect_us = g_get_monotonic_time ();
  if (faces == NULL)
    {
      g_debug ("Detection failed on frame %" G_GUINT64_FORMAT ": %s",
               frame_number, error->message);
      g_clear_error (&error);
      failed = TRUE;
      faces = g_array_new (FALSE, FALSE, sizeof (VsFace));
    }

  vs_tracker_update (self->tracker, faces, time_us);

  embed_start_us = g_get_monotonic_time ();
  if (classic)
    {
      n_embedded = embed_every_face (self, frame, faces, gallery, &match_params, time_us, &failed);
      g_array_set_size (to_embed, 0);
    }
  else
    pick_embeddings (self, time_us, max_embeds, min_face_size, to_embed);
  for (guint i = 0; i < to_embed->len; i++)
    {
      guint id = g_array_index (to_embed, guint, i);
      VsFace face = vs_tracker_lookup (self->tracker, id)->face;

      if (!vs_engine_embed_face (self->engine, frame, &face, embedding, NULL, &error))
        {
          g_debug ("Embedding track %u failed: %s", id, error->message);
          g_clear_error (&error);
          failed = TRUE;
          continue;
        }
      n_embedded++;

      /* The track as a whole is identified, not this one frame: noise of
       * single frames averages out, and a face that changed is caught here
       * (a new track id). */
      id = vs_tracker_add_embedding (self->tracker, id, embedding, self->dim,
                                     embedding_weight (&face), time_us);
      identify_and_vote (self, gallery, &match_params, id,
                         vs_tracker_get_aggregate (self->tracker, id), time_us);
    }

  embed_end_us = g_get_monotonic_time ();

  results = results_new ();
  results->frame_number = frame_number;
  results->frame_time_us = time_us;
  results->capture_time_us = arrival_us;
  results->frame_width = frame->width;
  results->frame_height = frame->height;
  results->n_faces = faces->len;
  results->events = vs_tracker_take_events (self->tracker);
  for (guint i = 0; i < results->events->len; i++)
    g_array_index (results->events, VsTrackerEvent, i).frame_number = frame_number;

  for (guint i = 0; i < vs_tracker_get_n_tracks (self->tracker); i++)
    {
      const VsTrackerTrack *track = vs_tracker_get_track (self->tracker, i);
      float sx = 1.f / MAX (frame->width, 1), sy = 1.f / MAX (frame->height, 1);
      VsTrackInfo info;

      /* A face not seen for a moment has left, or the detector missed it:
       * either way its box would now be in the wrong place. */
      if (!track->confirmed || time_us - track->last_seen_us > tracker_params->box_timeout_us)
        continue;
      info = (VsTrackInfo) {
        .id = track->id,
        .state = track->state,
        .person_id = track->state == VS_TRACK_KNOWN ? track->person_id : 0,
        .name = track->state == VS_TRACK_KNOWN ? g_strdup (track->name) : NULL,
        .score = track->score,
        .x = track->face.x * sx,
        .y = track->face.y * sy,
        .width = track->face.width * sx,
        .height = track->face.height * sy,
      };

      for (guint l = 0; l < 5; l++)
        {
          info.landmarks[l][0] = track->face.landmarks[l][0] * sx;
          info.landmarks[l][1] = track->face.landmarks[l][1] * sy;
        }
      g_array_append_val (results->tracks, info);
    }

  done_us = g_get_monotonic_time ();
  results->processed_time_us = done_us;

  g_mutex_lock (&self->stats_lock);
  if (self->stats.frames_processed == 0)
    self->first_start_us = start_us;
  self->stats.frames_processed++;
  self->stats.embeddings += n_embedded;
  if (failed)
    self->stats.errors++;
  self->stats.faces_last = faces->len;
  self->stats.faces_max = MAX (self->stats.faces_max, faces->len);
  self->stats.tracks_last = results->tracks->len;
  self->process_total_ms += (done_us - start_us) / 1000.0;
  self->detect_total_ms += (detect_us - start_us) / 1000.0;
  self->embed_total_ms += (embed_end_us - embed_start_us) / 1000.0;
  self->cpu_total_ms += (thread_cpu_time_us () - cpu_start_us) / 1000.0;
  self->done_times[self->done_pos] = done_us;
  self->done_pos = (self->done_pos + 1) % FPS_RING;
  self->last_done_us = done_us;
  g_mutex_unlock (&self->stats_lock);

  post_results (self, results);
}

/* The frame worker's load function (worker thread, before the first frame):
 * the models take hundreds of ms, which the window does not wait for. */
static gboolean
worker_load (gpointer   data,
             GError   **error)
{
  VsRecognizer *self = data;
  g_autoptr(VsEngine) engine = NULL;

  engine = vs_engine_new (self->models_dir, self->embedder_id, error);
  if (engine == NULL)
    return FALSE;
  /* The manifest said what new() took from it; the engine agrees. */
  g_warn_if_fail (vs_engine_get_dim (engine) == self->dim);
  self->engine = g_steal_pointer (&engine);
  return TRUE;
}

/* Main context: the models are loaded, or will never be. */
static void
worker_loaded (gpointer      data,
               const GError *error)
{
  VsRecognizer *self = data;

  if (error != NULL)
    {
      self->error = g_error_copy (error);
      self->state = VS_RECOGNIZER_STATE_FAILED;
    }
  else
    self->state = VS_RECOGNIZER_STATE_RUNNING;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (error != NULL)
    g_signal_emit (self, signals[FAILED], 0, self->error);
}

/* The frame worker's process function (worker thread). */
static void
worker_process (gpointer  data,
                VsImage  *frame,
                gint64    time_us,
                gint64    arrival_us,
                guint64   number)
{
  process_frame (data, frame, time_us, arrival_us, number, g_get_monotonic_time ());
}

/* GObject */

void
vs_recognizer_stop (VsRecognizer *self)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  vs_frame_worker_stop (&self->worker);
}

void
vs_recognizer_stop_in_background (VsRecognizer *self)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  vs_frame_worker_stop_in_background (&self->worker);
}

static void
vs_recognizer_dispose (GObject *object)
{
  VsRecognizer *self = VS_RECOGNIZER (object);

  vs_recognizer_stop (self);

  G_OBJECT_CLASS (vs_recognizer_parent_class)->dispose (object);
}

static void
vs_recognizer_finalize (GObject *object)
{
  VsRecognizer *self = VS_RECOGNIZER (object);

  g_clear_pointer (&self->engine, vs_engine_free);
  g_clear_pointer (&self->tracker, vs_tracker_free);
  g_clear_pointer (&self->embedding, g_free);
  g_clear_pointer (&self->candidates, g_array_unref);
  g_clear_pointer (&self->to_embed, g_array_unref);
  g_clear_pointer (&self->gallery, vs_gallery_unref);
  g_clear_pointer (&self->pending, vs_recognition_results_unref);
  vs_frame_worker_clear (&self->worker);
  g_clear_object (&self->model);
  g_free (self->embedder_id);
  g_free (self->models_dir);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->results_lock);
  g_mutex_clear (&self->stats_lock);

  G_OBJECT_CLASS (vs_recognizer_parent_class)->finalize (object);
}

static void
vs_recognizer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VsRecognizer *self = VS_RECOGNIZER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_LOSSLESS:
      g_value_set_boolean (value, vs_recognizer_get_lossless (self));
      break;
    case PROP_EMBEDDER:
      g_value_set_string (value, self->embedder_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_recognizer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VsRecognizer *self = VS_RECOGNIZER (object);

  switch (prop_id)
    {
    case PROP_LOSSLESS:
      vs_recognizer_set_lossless (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_recognizer_class_init (VsRecognizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_recognizer_dispose;
  object_class->finalize = vs_recognizer_finalize;
  object_class->get_property = vs_recognizer_get_property;
  object_class->set_property = vs_recognizer_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, VS_TYPE_LIVE_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOSSLESS] =
    g_param_spec_boolean ("lossless", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMBEDDER] =
    g_param_spec_string ("embedder", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VS_TYPE_RECOGNIZER_STATE,
                       VS_RECOGNIZER_STATE_STARTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RESULTS] =
    g_signal_new ("results", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  VS_TYPE_RECOGNITION_RESULTS | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[TRACK_ADDED] =
    g_signal_new ("track-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[TRACK_DECIDED] =
    g_signal_new ("track-decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_UINT, VS_TYPE_TRACK_STATE, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_FLOAT);
  signals[TRACK_REMOVED] =
    g_signal_new ("track-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
vs_recognizer_init (VsRecognizer *self)
{
  vs_frame_worker_init (&self->worker, G_OBJECT (self), "vs-recognizer",
                        worker_process, deliver_cb);
  vs_frame_worker_set_loader (&self->worker, worker_load, worker_loaded);
  g_mutex_init (&self->lock);
  g_mutex_init (&self->results_lock);
  g_mutex_init (&self->stats_lock);
  vs_tracker_params_init (&self->tracker_params);
  self->max_embeds = VS_RECOGNIZER_DEFAULT_MAX_EMBEDDINGS;
  self->min_face_size = VS_RECOGNIZER_DEFAULT_MIN_FACE_SIZE;
  self->model = vs_live_model_new ();
  self->candidates = g_array_new (FALSE, FALSE, sizeof (EmbedCandidate));
  self->to_embed = g_array_new (FALSE, FALSE, sizeof (guint));
}

VsRecognizer *
vs_recognizer_new (const char  *models_dir,
                   const char  *embedder_id,
                   GError     **error)
{
  g_autoptr(VsRecognizer) self = NULL;
  const VsModelInfo *embedder;

  /* Only the manifest here; the models themselves are loaded (and checked)
   * on the worker: "failed" tells when they cannot be. */
  embedder = vs_models_lookup (embedder_id ? embedder_id : vs_models_get_default_embedder (), error);
  if (embedder == NULL)
    return NULL;
  if (embedder->role != VS_MODEL_ROLE_EMBEDDER)
    {
      g_set_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_UNKNOWN_ID,
                   _("“%s” is not a face embedder"), embedder->id);
      return NULL;
    }

  self = g_object_new (VS_TYPE_RECOGNIZER, NULL);
  self->models_dir = g_strdup (models_dir);
  self->embedder_id = g_strdup (embedder->id);
  self->dim = embedder->dim;
  self->embedding = g_new0 (float, MAX (self->dim, 1));
  self->match_params.threshold = embedder->threshold;
  self->match_params.margin = embedder->margin;
  self->verify_threshold = embedder->verify_threshold;
  self->tracker_params.same_face_similarity = self->verify_threshold;

  /* One OpenCV thread: the recognizer's engine runs beside the camera's
   * decoding and, in the app, beside an enrolment's engine; OpenCV's own
   * pool on every core would make them fight for the same cores (and burn
   * CPU time in waits) rather than overlap. OpenCV's setting is the
   * process's. */
  vs_cv_set_num_threads (1);

  /* The engine is loaded by, and belongs to, the worker. */
  if (!vs_frame_worker_start (&self->worker, error))
    {
      g_prefix_error (error, "%s", _("Could not start the recognition thread: "));
      return NULL;
    }

  return g_steal_pointer (&self);
}

VsRecognizerState
vs_recognizer_get_state (VsRecognizer *self)
{
  g_return_val_if_fail (VS_IS_RECOGNIZER (self), VS_RECOGNIZER_STATE_FAILED);
  return self->state;
}

const GError *
vs_recognizer_get_error (VsRecognizer *self)
{
  g_return_val_if_fail (VS_IS_RECOGNIZER (self), NULL);
  return self->error;
}

gboolean
vs_recognizer_wait_ready (VsRecognizer  *self,
                          GError       **error)
{
  g_return_val_if_fail (VS_IS_RECOGNIZER (self), FALSE);
  return vs_frame_worker_wait_loaded (&self->worker, error);
}

const char *
vs_recognizer_get_embedder (VsRecognizer *self)
{
  g_return_val_if_fail (VS_IS_RECOGNIZER (self), NULL);
  return self->embedder_id;
}

VsLiveModel *
vs_recognizer_get_model (VsRecognizer *self)
{
  g_return_val_if_fail (VS_IS_RECOGNIZER (self), NULL);
  return self->model;
}

void
vs_recognizer_push_frame (VsRecognizer *self,
                          VsImage      *frame,
                          gint64        capture_time_us,
                          guint64       frame_number)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));
  g_return_if_fail (frame != NULL);

  switch (vs_frame_worker_push (&self->worker, frame, capture_time_us, frame_number))
    {
    case VS_FRAME_SLOT_REFUSED:
      return;
    case VS_FRAME_SLOT_REPLACED:
      g_mutex_lock (&self->stats_lock);
      self->stats.frames_dropped++;
      self->stats.frames_pushed++;
      g_mutex_unlock (&self->stats_lock);
      break;
    case VS_FRAME_SLOT_STORED:
    default:
      g_mutex_lock (&self->stats_lock);
      self->stats.frames_pushed++;
      g_mutex_unlock (&self->stats_lock);
      break;
    }
}

void
vs_recognizer_set_lossless (VsRecognizer *self,
                            gboolean      lossless)
{
  gboolean changed;

  g_return_if_fail (VS_IS_RECOGNIZER (self));

  changed = vs_frame_worker_set_lossless (&self->worker, lossless);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOSSLESS]);
}

void
vs_recognizer_set_paused (VsRecognizer *self,
                          gboolean      paused)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  vs_frame_worker_set_paused (&self->worker, paused);
  self->paused = paused;
  if (paused)
    vs_live_model_clear (self->model);
}

gboolean
vs_recognizer_get_lossless (VsRecognizer *self)
{
  g_return_val_if_fail (VS_IS_RECOGNIZER (self), FALSE);

  return vs_frame_worker_get_lossless (&self->worker);
}

void
vs_recognizer_reset (VsRecognizer *self)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  g_mutex_lock (&self->lock);
  self->reset_requested = TRUE;
  g_mutex_unlock (&self->lock);
}

gboolean
vs_recognizer_set_gallery (VsRecognizer  *self,
                           VsGallery     *gallery,
                           GError       **error)
{
  g_return_val_if_fail (VS_IS_RECOGNIZER (self), FALSE);

  /* An empty gallery may not know its dimension yet. */
  if (gallery != NULL &&
      (g_strcmp0 (vs_gallery_get_embedder (gallery), self->embedder_id) != 0 ||
       (vs_gallery_get_n_samples (gallery) > 0 && vs_gallery_get_dim (gallery) != self->dim)))
    {
      g_set_error (error, VS_RECOGNIZER_ERROR, VS_RECOGNIZER_ERROR_GALLERY,
                   _("The gallery was made with “%s” (%u values), the recognizer uses “%s” (%u values)"),
                   vs_gallery_get_embedder (gallery), vs_gallery_get_dim (gallery),
                   self->embedder_id, self->dim);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  if (gallery != self->gallery)
    {
      g_clear_pointer (&self->gallery, vs_gallery_unref);
      self->gallery = gallery != NULL ? vs_gallery_ref (gallery) : NULL;
      self->gallery_serial++;
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
vs_recognizer_set_match_params (VsRecognizer        *self,
                                const VsMatchParams *params)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));
  g_return_if_fail (params != NULL);

  g_mutex_lock (&self->lock);
  self->match_params = *params;
  g_mutex_unlock (&self->lock);
}

void
vs_recognizer_set_tracker_params (VsRecognizer          *self,
                                  const VsTrackerParams *params)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  g_mutex_lock (&self->lock);
  if (params != NULL)
    self->tracker_params = *params;
  else
    {
      vs_tracker_params_init (&self->tracker_params);
      self->tracker_params.same_face_similarity = self->verify_threshold;
    }
  self->tracker_params_changed = TRUE;
  g_mutex_unlock (&self->lock);
}

void
vs_recognizer_set_embed_policy (VsRecognizer *self,
                                guint         max_per_frame,
                                float         min_face_size)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  g_mutex_lock (&self->lock);
  self->max_embeds = max_per_frame;
  self->min_face_size = MAX (min_face_size, 0.f);
  g_mutex_unlock (&self->lock);
}

void
vs_recognizer_set_classic (VsRecognizer *self,
                           gboolean      classic)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  g_mutex_lock (&self->lock);
  self->classic = classic;
  g_mutex_unlock (&self->lock);
}

void
vs_recognizer_drain (VsRecognizer *self)
{
  g_return_if_fail (VS_IS_RECOGNIZER (self));

  vs_frame_worker_drain (&self->worker);
}

static int
compare_double (const void *a,
                const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;
  return (da > db) - (da < db);
}

void
vs_recognizer_get_stats (VsRecognizer      *self,
                         VsRecognizerStats *stats)
{
  double sorted[LATENCY_RING];
  guint n;
  gint64 now = g_get_monotonic_time ();
  guint recent = 0;

  g_return_if_fail (VS_IS_RECOGNIZER (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->stats_lock);
  *stats = self->stats;

  for (guint i = 0; i < FPS_RING && i < self->stats.frames_processed; i++)
    if (now - self->done_times[i] <= G_USEC_PER_SEC)
      recent++;
  stats->recognition_fps = recent;
  if (self->stats.frames_processed > 1 && self->last_done_us > self->first_start_us)
    stats->average_fps = self->stats.frames_processed * (double) G_USEC_PER_SEC /
                         (self->last_done_us - self->first_start_us);
  if (self->stats.frames_processed > 0)
    {
      stats->process_mean_ms = self->process_total_ms / self->stats.frames_processed;
      stats->detect_mean_ms = self->detect_total_ms / self->stats.frames_processed;
    }
  if (self->stats.frames_processed > 0)
    stats->cpu_mean_ms = self->cpu_total_ms / self->stats.frames_processed;
  if (self->stats.embeddings > 0)
    stats->embed_mean_ms = self->embed_total_ms / self->stats.embeddings;
  if (self->matches > 0)
    stats->match_mean_ms = self->match_total_ms / self->matches;

  n = MIN (self->stats.latency_count, LATENCY_RING);
  memcpy (sorted, self->latencies, n * sizeof (double));
  g_mutex_unlock (&self->stats_lock);

  if (n > 0)
    {
      qsort (sorted, n, sizeof (double), compare_double);
      stats->latency_p50_ms = sorted[(n - 1) / 2];
      stats->latency_p95_ms = sorted[MIN (n - 1, (guint) ceil (0.95 * n) - 1)];
      stats->latency_max_ms = sorted[n - 1];
    }
}

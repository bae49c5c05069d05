/* test-recognizer.c: the recognition worker on real faces.
 *
 * LFW photos are pushed by hand as frames (the deep-funneled photos keep the
 * face at the same place, so consecutive photos of one person form one
 * track, like a person standing in front of a camera). */
#include "config.h"

#include <string.h>

#include <math.h>

#include "vs-engine.h"
#include "vs-gallery.h"
#include "vs-gallery-monitor.h"
#include "vs-recognizer.h"
#include "vs-store.h"
#include "vs-test-util.h"

#define ENROLLED_A "Colin_Powell"
#define ENROLLED_B "Tony_Blair"
#define STRANGER   "Gerhard_Schroeder"
#define ID_A 11
#define ID_B 22

static VsImage *
load_lfw (const char *person, guint number)
{
  g_autofree char *path = vs_test_lfw_path (person, number);
  g_autoptr(GError) error = NULL;
  VsImage *image = vs_image_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

static void
enroll (VsEngine   *engine,
        VsGallery  *gallery,
        gint64      person_id,
        const char *person)
{
  g_autofree float *embedding = g_new0 (float, vs_engine_get_dim (engine));

  vs_gallery_add_person (gallery, person_id, person);
  /* Photos 1–5 enroll; the frames come from photos 10 onwards. */
  for (guint n = 1; n <= 5; n++)
    {
      g_autoptr(VsImage) image = load_lfw (person, n);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
      int pick;

      g_assert_no_error (error);
      pick = vs_faces_pick_central (faces, image);
      g_assert_cmpint (pick, >=, 0);
      g_assert_true (vs_engine_embed_face (engine, image, &g_array_index (faces, VsFace, pick),
                                           embedding, NULL, &error));
      g_assert_no_error (error);
      vs_gallery_add_sample (gallery, person_id, embedding);
    }
}

/* A gallery with A and B, or with B only. */
static VsGallery *
make_gallery (gboolean with_a)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEngine) engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  VsGallery *gallery;

  g_assert_no_error (error);
  gallery = vs_gallery_new (vs_engine_get_embedder (engine)->id, vs_engine_get_dim (engine));
  if (with_a)
    enroll (engine, gallery, ID_A, ENROLLED_A);
  enroll (engine, gallery, ID_B, ENROLLED_B);
  return gallery;
}

static VsRecognizer *
make_recognizer (void)
{
  g_autoptr(GError) error = NULL;
  VsRecognizer *rec = vs_recognizer_new (vs_test_models_dir (), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rec);
  return rec;
}

typedef struct {
  VsRecognizer *rec;
  guint    n_results;
  guint64  last_frame;
  GArray  *decisions;   /* Decision */
  guint    added, removed;
} Log;

typedef struct {
  guint        id;
  VsTrackState state;
  gint64       person_id;
  char        *name;
  guint64      frame_number;
} Decision;

static void
on_results (VsRecognizer         *rec,
            VsRecognitionResults *results,
            Log                  *log)
{
  log->n_results++;
  log->last_frame = results->frame_number;
  for (guint i = 0; i < results->events->len; i++)
    {
      const VsTrackerEvent *ev = &g_array_index (results->events, VsTrackerEvent, i);

      if (ev->type == VS_TRACKER_EVENT_DECIDED)
        {
          Decision d = { ev->track_id, ev->state, ev->person_id, g_strdup (ev->name), ev->frame_number };
          g_array_append_val (log->decisions, d);
        }
    }
}

static void
on_added (VsRecognizer *rec, guint id, Log *log)
{
  log->added++;
}

static void
on_removed (VsRecognizer *rec, guint id, Log *log)
{
  log->removed++;
}

static void
decision_clear (Decision *d)
{
  g_free (d->name);
}

static void
log_init (Log *log, VsRecognizer *rec)
{
  memset (log, 0, sizeof *log);
  log->rec = rec;
  log->decisions = g_array_new (FALSE, TRUE, sizeof (Decision));
  g_array_set_clear_func (log->decisions, (GDestroyNotify) decision_clear);
  g_signal_connect (rec, "results", G_CALLBACK (on_results), log);
  g_signal_connect (rec, "track-added", G_CALLBACK (on_added), log);
  g_signal_connect (rec, "track-removed", G_CALLBACK (on_removed), log);
}

/* Deliveries still queued keep the recognizer alive after the test: they
 * must not reach a log that is gone. */
static void
log_clear (Log *log)
{
  g_signal_handlers_disconnect_by_data (log->rec, log);
  g_clear_pointer (&log->decisions, g_array_unref);
}

/* Runs the main context until the results of frame_number arrived. */
static void
wait_for_frame (Log *log, guint64 frame_number)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (log->n_results == 0 || log->last_frame < frame_number)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* The track of the face in the middle of the picture. */
static VsTrack *
central_track (VsRecognizer *rec)
{
  GListModel *model = G_LIST_MODEL (vs_recognizer_get_model (rec));
  VsTrack *best = NULL;
  float best_d = G_MAXFLOAT;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsTrack) track = g_list_model_get_item (model, i);
      float x, y, w, h, d;

      vs_track_get_box (track, &x, &y, &w, &h);
      d = hypotf (x + w / 2 - 0.5f, y + h / 2 - 0.5f);
      if (d < best_d && d < 0.2f)
        {
          best_d = d;
          best = track;
        }
    }
  return best;
}

static guint64
push_photos (VsRecognizer *rec,
             const char   *person,
             guint         first,
             guint         count,
             guint64       frame_number)
{
  for (guint n = first; n < first + count; n++)
    {
      g_autoptr(VsImage) frame = load_lfw (person, n);
      vs_recognizer_push_frame (rec, frame, g_get_monotonic_time (), frame_number++);
      /* Like a camera: frames come apart in time. */
      g_usleep (20 * 1000);
    }
  return frame_number;
}

static const Decision *
first_decision_for (Log *log, guint track_id)
{
  for (guint i = 0; i < log->decisions->len; i++)
    if (g_array_index (log->decisions, Decision, i).id == track_id)
      return &g_array_index (log->decisions, Decision, i);
  return NULL;
}

static void
test_known (void)
{
  g_autoptr(VsGallery) gallery = make_gallery (TRUE);
  g_autoptr(VsRecognizer) rec = make_recognizer ();
  g_autoptr(GError) error = NULL;
  VsTrack *track;
  const Decision *d;
  Log log;

  log_init (&log, rec);
  g_assert_true (vs_recognizer_set_gallery (rec, gallery, &error));
  g_assert_no_error (error);
  vs_recognizer_set_lossless (rec, TRUE);

  push_photos (rec, ENROLLED_A, 10, 8, 0);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, 7);

  track = central_track (rec);
  g_assert_nonnull (track);
  g_assert_cmpint (vs_track_get_state (track), ==, VS_TRACK_KNOWN);
  g_assert_cmpint (vs_track_get_person_id (track), ==, ID_A);
  g_assert_cmpstr (vs_track_get_name (track), ==, ENROLLED_A);
  g_assert_cmpstr (vs_track_get_label (track), ==, ENROLLED_A);
  g_assert_cmpfloat (vs_track_get_score (track), >=, 0.3f);

  /* Decided within a few frames, once, and never anything else. */
  d = first_decision_for (&log, vs_track_get_id (track));
  g_assert_nonnull (d);
  g_assert_cmpint (d->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpuint (d->frame_number, <=, 4);
  for (guint i = 0; i < log.decisions->len; i++)
    if (g_array_index (log.decisions, Decision, i).id == vs_track_get_id (track))
      g_assert_cmpint (g_array_index (log.decisions, Decision, i).person_id, ==, ID_A);
  g_assert_cmpuint (log.added, >=, 1);

  /* Another person at the same place after a pause: the first track dies,
   * Tony Blair gets a new one and his own name. */
  {
    g_autoptr(VsImage) blank = vs_image_new (250, 250);
    guint old_id = vs_track_get_id (track);
    guint64 frame = 8;
    VsTrack *other;

    for (guint i = 0; i < 10; i++)
      vs_recognizer_push_frame (rec, blank, g_get_monotonic_time (), frame++);
    frame = push_photos (rec, ENROLLED_B, 10, 6, frame);
    vs_recognizer_drain (rec);
    wait_for_frame (&log, frame - 1);

    g_assert_cmpuint (log.removed, >=, 1);
    other = central_track (rec);
    g_assert_nonnull (other);
    g_assert_cmpuint (vs_track_get_id (other), >, old_id);
    g_assert_cmpint (vs_track_get_state (other), ==, VS_TRACK_KNOWN);
    g_assert_cmpstr (vs_track_get_name (other), ==, ENROLLED_B);
  }

  log_clear (&log);
}

/* The events of every processed frame (results may be merged when the main
 * thread lags, events never are), and the boxes of the newest results. */
typedef struct {
  GArray  *events;       /* VsTrackerEvent copies (names owned) */
  guint    last_boxes;
} Shown;

static void
on_results_shown (VsRecognizer         *rec,
                  VsRecognitionResults *results,
                  Shown                *shown)
{
  for (guint i = 0; i < results->events->len; i++)
    {
      VsTrackerEvent copy = g_array_index (results->events, VsTrackerEvent, i);

      copy.name = g_strdup (copy.name);
      g_array_append_val (shown->events, copy);
    }
  shown->last_boxes = results->tracks->len;
}

/* Replays the events up to frame: is a track named `name` on it? */
static gboolean
shows (Shown *shown, guint64 frame, const char *name)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < shown->events->len; i++)
    {
      const VsTrackerEvent *ev = &g_array_index (shown->events, VsTrackerEvent, i);
      gpointer key = GUINT_TO_POINTER (ev->track_id);

      if (ev->frame_number > frame)
        break;
      if (ev->type == VS_TRACKER_EVENT_REMOVED)
        g_hash_table_remove (names, key);
      else if (ev->type == VS_TRACKER_EVENT_ADDED)
        g_hash_table_replace (names, key, NULL);
      else
        g_hash_table_replace (names, key, ev->state == VS_TRACK_KNOWN ? g_strdup (ev->name) : NULL);
    }
  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (value, name) == 0)
      return TRUE;
  return FALSE;
}

/* A queue: one person, then the next at the same place with no gap in the
 * frames' time (no discontinuity to help): the first name is gone on the
 * very frame the face changed; then nobody, and the box goes within 250 ms
 * of frame time. The frames' times are given, so this does not depend on how
 * fast the machine is. */
static void
test_queue (void)
{
  g_autoptr(VsGallery) gallery = make_gallery (TRUE);
  g_autoptr(VsRecognizer) rec = make_recognizer ();
  g_autoptr(VsImage) blank = vs_image_new (250, 250);
  Shown shown = { g_array_new (FALSE, TRUE, sizeof (VsTrackerEvent)), 0 };
  const gint64 step = 40 * 1000;
  guint64 frame = 0;
  guint64 first_b, first_blank, last;
  gboolean a_named = FALSE, b_named = FALSE;
  Log log;

  log_init (&log, rec);
  g_signal_connect (rec, "results", G_CALLBACK (on_results_shown), &shown);
  g_assert_true (vs_recognizer_set_gallery (rec, gallery, NULL));
  vs_recognizer_set_lossless (rec, TRUE);

  for (guint n = 10; n < 16; n++, frame++)
    {
      g_autoptr(VsImage) photo = load_lfw (ENROLLED_A, n);
      vs_recognizer_push_frame (rec, photo, (gint64) frame * step, frame);
    }
  first_b = frame;
  for (guint n = 10; n < 16; n++, frame++)
    {
      g_autoptr(VsImage) photo = load_lfw (ENROLLED_B, n);
      vs_recognizer_push_frame (rec, photo, (gint64) frame * step, frame);
    }
  first_blank = frame;
  /* 280 ms without the face: past the box timeout, not yet the track's end
   * (8 missed frames). */
  for (guint i = 0; i < 7; i++, frame++)
    vs_recognizer_push_frame (rec, blank, (gint64) frame * step, frame);
  last = frame - 1;
  vs_recognizer_drain (rec);
  wait_for_frame (&log, last);

  for (guint64 f = 0; f < first_b; f++)
    a_named |= shows (&shown, f, ENROLLED_A);
  for (guint64 f = first_b; f < first_blank; f++)
    {
      g_assert_false (shows (&shown, f, ENROLLED_A));
      b_named |= shows (&shown, f, ENROLLED_B);
    }
  g_assert_true (a_named);
  g_assert_true (b_named);

  /* The face left: the track still lives (Tony Blair is still named in the
   * events), but its box is gone after 250 ms of frame time. */
  g_assert_true (shows (&shown, last, ENROLLED_B));
  g_assert_cmpuint (shown.last_boxes, ==, 0);

  g_array_set_clear_func (shown.events, (GDestroyNotify) vs_tracker_event_clear);
  g_array_unref (shown.events);
  g_signal_handlers_disconnect_by_data (rec, &shown);
  log_clear (&log);
}

static void
test_stranger (void)
{
  g_autoptr(VsGallery) gallery = make_gallery (TRUE);
  g_autoptr(VsRecognizer) rec = make_recognizer ();
  VsTrack *track;
  const Decision *d;
  Log log;

  log_init (&log, rec);
  g_assert_true (vs_recognizer_set_gallery (rec, gallery, NULL));
  vs_recognizer_set_lossless (rec, TRUE);

  push_photos (rec, STRANGER, 10, 8, 0);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, 7);

  track = central_track (rec);
  g_assert_nonnull (track);
  g_assert_cmpint (vs_track_get_state (track), ==, VS_TRACK_UNKNOWN);
  g_assert_cmpint (vs_track_get_person_id (track), ==, 0);
  g_assert_null (vs_track_get_name (track));
  d = first_decision_for (&log, vs_track_get_id (track));
  g_assert_nonnull (d);
  g_assert_cmpint (d->state, ==, VS_TRACK_UNKNOWN);
  g_assert_cmpuint (d->frame_number, <=, 4);

  log_clear (&log);
}

/* Paused, the recognizer shows nothing: results of frames already taken are
 * dropped on arrival and new frames are not processed. */
static void
test_pause (void)
{
  g_autoptr(VsGallery) gallery = make_gallery (TRUE);
  g_autoptr(VsRecognizer) rec = make_recognizer ();
  GListModel *model = G_LIST_MODEL (vs_recognizer_get_model (rec));
  guint n_results;
  Log log;

  log_init (&log, rec);
  g_assert_true (vs_recognizer_set_gallery (rec, gallery, NULL));
  vs_recognizer_set_lossless (rec, TRUE);

  /* A frame still on its way when the pause comes. */
  push_photos (rec, STRANGER, 10, 3, 0);
  vs_recognizer_drain (rec);
  vs_recognizer_set_paused (rec, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  n_results = log.n_results;
  push_photos (rec, STRANGER, 13, 3, 3);
  for (int i = 0; i < 200; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpuint (log.n_results, ==, n_results);

  vs_recognizer_set_paused (rec, FALSE);
  push_photos (rec, STRANGER, 16, 2, 6);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, 7);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);

  log_clear (&log);
}

static void
test_gallery_swap (void)
{
  g_autoptr(VsGallery) without_a = make_gallery (FALSE);
  g_autoptr(VsGallery) with_a = make_gallery (TRUE);
  g_autoptr(VsRecognizer) rec = make_recognizer ();
  VsTrack *track;
  const Decision *d;
  guint id, n_decisions;
  guint64 frame, swap_frame;
  Log log;

  log_init (&log, rec);
  g_assert_true (vs_recognizer_set_gallery (rec, without_a, NULL));
  vs_recognizer_set_lossless (rec, TRUE);

  frame = push_photos (rec, ENROLLED_A, 10, 6, 0);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, frame - 1);
  track = central_track (rec);
  g_assert_nonnull (track);
  g_assert_cmpint (vs_track_get_state (track), ==, VS_TRACK_UNKNOWN);
  id = vs_track_get_id (track);

  /* Enrolled meanwhile (a new snapshot): the same track is named by the
   * very next frame, from what it looked like so far (no new votes
   * needed), keeping its object; the following frames agree. */
  g_assert_true (vs_recognizer_set_gallery (rec, with_a, NULL));
  swap_frame = frame;
  n_decisions = log.decisions->len;
  frame = push_photos (rec, ENROLLED_A, 16, 1, frame);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, frame - 1);
  g_assert_true (central_track (rec) == track);
  g_assert_cmpuint (vs_track_get_id (track), ==, id);
  g_assert_cmpint (vs_track_get_state (track), ==, VS_TRACK_KNOWN);
  g_assert_cmpstr (vs_track_get_name (track), ==, ENROLLED_A);
  g_assert_cmpuint (log.decisions->len, ==, n_decisions + 1);
  d = &g_array_index (log.decisions, Decision, n_decisions);
  g_assert_cmpuint (d->id, ==, id);
  g_assert_cmpuint (d->frame_number, ==, swap_frame);
  g_assert_cmpint (d->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpint (d->person_id, ==, ID_A);

  frame = push_photos (rec, ENROLLED_A, 17, 4, frame);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, frame - 1);
  g_assert_true (central_track (rec) == track);
  g_assert_cmpstr (vs_track_get_name (track), ==, ENROLLED_A);
  g_assert_cmpuint (log.decisions->len, ==, n_decisions + 1);

  /* Deleted meanwhile: the name is gone at the very next frame. */
  g_assert_true (vs_recognizer_set_gallery (rec, without_a, NULL));
  swap_frame = frame;
  frame = push_photos (rec, ENROLLED_A, 21, 1, frame);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, frame - 1);
  g_assert_true (central_track (rec) == track);
  g_assert_cmpint (vs_track_get_state (track), ==, VS_TRACK_UNKNOWN);
  g_assert_null (vs_track_get_name (track));
  g_assert_cmpuint (log.decisions->len, ==, n_decisions + 2);
  d = &g_array_index (log.decisions, Decision, n_decisions + 1);
  g_assert_cmpuint (d->id, ==, id);
  g_assert_cmpuint (d->frame_number, ==, swap_frame);
  g_assert_cmpint (d->state, ==, VS_TRACK_UNKNOWN);

  /* A gallery from another embedder is refused. */
  {
    g_autoptr(VsGallery) other = vs_gallery_new ("mobilefacenet_foamliu", 128);
    g_autoptr(GError) error = NULL;

    g_assert_false (vs_recognizer_set_gallery (rec, other, &error));
    g_assert_error (error, VS_RECOGNIZER_ERROR, VS_RECOGNIZER_ERROR_GALLERY);
  }

  log_clear (&log);
}

static void
on_gallery_changed (VsGalleryMonitor *monitor,
                    VsGallery        *gallery,
                    gpointer          user_data)
{
  VsRecognizer *rec = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_gallery_monitor_get_gallery (monitor) == gallery);
  g_assert_true (vs_recognizer_set_gallery (rec, gallery, &error));
  g_assert_no_error (error);
}

static void
count_cb (gpointer instance, gpointer arg, guint *count)
{
  (*count)++;
}

static void
test_gallery_monitor (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (path, &error);
  g_autoptr(VsRecognizer) rec = make_recognizer ();
  g_autoptr(VsGalleryMonitor) monitor = NULL;
  g_autoptr(VsStore) other = NULL;
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(VsPerson) person = NULL;
  guint changes = 0;
  gint64 person_id, deadline;
  guint64 frame;
  VsTrack *track;
  Log log;

  g_assert_no_error (error);
  monitor = vs_gallery_monitor_new (store, vs_recognizer_get_embedder (rec), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)), ==, 0);
  g_signal_connect (monitor, "gallery-changed", G_CALLBACK (on_gallery_changed), rec);
  g_signal_connect (monitor, "gallery-changed", G_CALLBACK (count_cb), &changes);
  g_assert_true (vs_recognizer_set_gallery (rec, vs_gallery_monitor_get_gallery (monitor), &error));
  g_assert_false (vs_gallery_monitor_check (monitor, &error));
  g_assert_no_error (error);

  log_init (&log, rec);
  vs_recognizer_set_lossless (rec, TRUE);
  frame = push_photos (rec, ENROLLED_A, 10, 5, 0);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, frame - 1);
  track = central_track (rec);
  g_assert_nonnull (track);
  g_assert_cmpint (vs_track_get_state (track), ==, VS_TRACK_UNKNOWN);

  /* Enrolled through another connection (as visage-cli would): the poll
   * notices within a second and the same track gets the name. */
  engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_assert_no_error (error);
  for (guint n = 1; n <= 5; n++)
    {
      g_autoptr(VsImage) image = load_lfw (ENROLLED_A, n);
      g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
      int pick = vs_faces_pick_central (faces, image);
      VsSample *sample;

      g_assert_cmpint (pick, >=, 0);
      sample = vs_engine_make_sample (engine, image, &g_array_index (faces, VsFace, pick), "test", &error);
      g_assert_no_error (error);
      g_ptr_array_add (samples, sample);
    }
  other = vs_store_open (path, &error);
  g_assert_no_error (error);
  person_id = vs_store_add_samples (other, 0, "Colin Powell", samples, &error);
  g_assert_no_error (error);
  g_assert_cmpint (person_id, >, 0);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (changes == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)), ==, 1);

  frame = push_photos (rec, ENROLLED_A, 15, 6, frame);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, frame - 1);
  g_assert_true (central_track (rec) == track);
  g_assert_cmpint (vs_track_get_state (track), ==, VS_TRACK_KNOWN);
  g_assert_cmpint (vs_track_get_person_id (track), ==, person_id);
  g_assert_cmpstr (vs_track_get_name (track), ==, "Colin Powell");

  /* Last seen: written once a minute at most, and our own write does not
   * reload the gallery. */
  g_assert_true (vs_gallery_monitor_record_seen (monitor, person_id, &error));
  g_assert_no_error (error);
  g_assert_false (vs_gallery_monitor_record_seen (monitor, person_id, &error));
  g_assert_no_error (error);
  g_assert_false (vs_gallery_monitor_check (monitor, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);
  person = vs_store_get_person (other, person_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (person->last_seen, >=, g_get_real_time () / G_USEC_PER_SEC - 60);

  /* A rename elsewhere reaches the live track without a new decision. */
  g_assert_true (vs_store_rename_person (other, person_id, "General Powell", &error));
  g_assert_no_error (error);
  g_assert_true (vs_gallery_monitor_check (monitor, &error));
  g_assert_cmpuint (changes, ==, 2);
  frame = push_photos (rec, ENROLLED_A, 21, 2, frame);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, frame - 1);
  g_assert_true (central_track (rec) == track);
  g_assert_cmpstr (vs_track_get_name (track), ==, "General Powell");

  log_clear (&log);
}

typedef struct {
  VsRecognizer *rec;
  VsImage      *frame;
  guint         count;
} PushJob;

static gpointer
push_thread (gpointer data)
{
  PushJob *job = data;

  for (guint i = 0; i < job->count; i++)
    vs_recognizer_push_frame (job->rec, job->frame, g_get_monotonic_time (), i);
  return NULL;
}

static void
test_lossless (void)
{
  g_autoptr(VsRecognizer) rec = make_recognizer ();
  g_autoptr(VsImage) frame = load_lfw (ENROLLED_B, 20);
  VsRecognizerStats stats;
  PushJob job = { rec, frame, 40 };
  GThread *thread;
  Log log;

  log_init (&log, rec);

  /* Lossless, from another thread as the camera does: every frame is
   * processed. */
  vs_recognizer_set_lossless (rec, TRUE);
  thread = g_thread_new ("pusher", push_thread, &job);
  g_thread_join (thread);
  vs_recognizer_drain (rec);
  wait_for_frame (&log, job.count - 1);
  vs_recognizer_get_stats (rec, &stats);
  g_assert_cmpuint (stats.frames_pushed, ==, job.count);
  g_assert_cmpuint (stats.frames_processed, ==, job.count);
  g_assert_cmpuint (stats.frames_dropped, ==, 0);
  g_assert_cmpuint (stats.faces_max, >=, 1);
  g_assert_cmpuint (stats.latency_count, >=, 1);
  g_assert_cmpfloat (stats.latency_p95_ms, >, 0);
  g_assert_cmpfloat (stats.average_fps, >, 0);
  /* The same face all along: one track, one identity question; with an
   * empty gallery it is unknown. */
  g_assert_cmpuint (log.added, ==, 1);
  g_assert_cmpuint (log.decisions->len, ==, 1);
  g_assert_cmpint (g_array_index (log.decisions, Decision, 0).state, ==, VS_TRACK_UNKNOWN);
  /* Not every frame embeds once decided. */
  g_assert_cmpuint (stats.embeddings, <, job.count);
  g_assert_cmpuint (stats.embeddings, >=, 3);

  /* Newest-frame mode: a burst faster than the worker replaces frames in
   * the slot instead of queueing them. */
  vs_recognizer_set_lossless (rec, FALSE);
  push_thread (&job);
  vs_recognizer_drain (rec);
  vs_recognizer_get_stats (rec, &stats);
  g_assert_cmpuint (stats.frames_pushed, ==, 2 * job.count);
  g_assert_cmpuint (stats.frames_dropped, >, 0);
  g_assert_cmpuint (stats.frames_processed + stats.frames_dropped, ==, 2 * job.count);

  log_clear (&log);
}

static void
test_shutdown (void)
{
  g_autoptr(VsImage) frame = load_lfw (ENROLLED_A, 30);

  /* Dropped while busy, with results still on their way to the main
   * context: dispose joins the worker, the pending deliveries keep the
   * object alive until they ran. ASan/valgrind see no leak or race. */
  for (guint round = 0; round < 3; round++)
    {
      VsRecognizer *rec = make_recognizer ();
      GWeakRef weak;
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      g_weak_ref_init (&weak, rec);
      vs_recognizer_set_lossless (rec, round == 1);
      for (guint i = 0; i < 5; i++)
        vs_recognizer_push_frame (rec, frame, g_get_monotonic_time (), i);
      if (round == 2)
        vs_recognizer_stop (rec);
      g_object_unref (rec);

      while (TRUE)
        {
          g_autoptr(GObject) alive = g_weak_ref_get (&weak);
          if (alive == NULL)
            break;
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, FALSE);
        }
      g_weak_ref_clear (&weak);
    }

  /* A stopped recognizer ignores frames, where a running one processes
   * every frame it is given (lossless): drained, the counts differ. */
  {
    g_autoptr(VsRecognizer) running = make_recognizer ();
    g_autoptr(VsRecognizer) rec = make_recognizer ();
    VsRecognizerStats stats;

    vs_recognizer_set_lossless (running, TRUE);
    vs_recognizer_push_frame (running, frame, g_get_monotonic_time (), 0);
    vs_recognizer_push_frame (running, frame, g_get_monotonic_time (), 1);
    vs_recognizer_drain (running);
    vs_recognizer_get_stats (running, &stats);
    g_assert_cmpuint (stats.frames_processed, ==, 2);

    vs_recognizer_stop (rec);
    vs_recognizer_set_lossless (rec, TRUE);
    vs_recognizer_push_frame (rec, frame, g_get_monotonic_time (), 0);
    vs_recognizer_push_frame (rec, frame, g_get_monotonic_time (), 1);
    vs_recognizer_drain (rec);
    vs_recognizer_get_stats (rec, &stats);
    g_assert_cmpuint (stats.frames_processed, ==, 0);
  }
}

/* Runs the main context until the recognizer leaves STARTING. */
static VsRecognizerState
wait_for_load (VsRecognizer *rec)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (vs_recognizer_get_state (rec) == VS_RECOGNIZER_STATE_STARTING)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return vs_recognizer_get_state (rec);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
on_failed (VsRecognizer *rec,
           const GError *error,
           GError      **out)
{
  g_assert_null (*out);
  *out = g_error_copy (error);
}

/* The models load on the recognizer's worker, not in vs_recognizer_new():
 * the caller (the window) never waits for them. Until the main context
 * hears of the load the recognizer says STARTING, then RUNNING, once. */
static void
test_starting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsRecognizer) rec = vs_recognizer_new (vs_test_models_dir (), NULL, &error);
  VsRecognizerState state;
  guint notified = 0;

  g_assert_no_error (error);
  g_signal_connect (rec, "notify::state", G_CALLBACK (count_notify), &notified);
  /* The outcome reaches this thread only through the main context. */
  g_assert_cmpint (vs_recognizer_get_state (rec), ==, VS_RECOGNIZER_STATE_STARTING);
  g_object_get (rec, "state", &state, NULL);
  g_assert_cmpint (state, ==, VS_RECOGNIZER_STATE_STARTING);
  g_assert_true (vs_recognizer_wait_ready (rec, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vs_recognizer_get_state (rec), ==, VS_RECOGNIZER_STATE_STARTING);
  g_assert_cmpuint (notified, ==, 0);

  g_assert_cmpint (wait_for_load (rec), ==, VS_RECOGNIZER_STATE_RUNNING);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_null (vs_recognizer_get_error (rec));
}

static void
test_models_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsRecognizer) rec = vs_recognizer_new (vs_test_models_dir (), "no-such-embedder", &error);

  g_assert_null (rec);
  /* An unknown id is in the manifest: still refused at once. The error
   * names what is wrong, for the message the window shows. */
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_UNKNOWN_ID);
  g_assert_nonnull (strstr (error->message, "no-such-embedder"));
  g_clear_error (&error);

  /* A models folder without the files: the recognizer is made (the files
   * are opened on its worker, so new() cannot know), then FAILED with
   * MISSING, naming the file, by "failed" and get_error(). */
  {
    g_autofree char *empty = vs_test_make_tmpdir ();
    g_autoptr(VsRecognizer) none = vs_recognizer_new (empty, NULL, &error);
    g_autoptr(VsImage) frame = vs_image_new (64, 48);
    g_autoptr(GError) failed = NULL;
    VsRecognizerStats stats;

    g_assert_no_error (error);
    g_assert_nonnull (none);
    g_assert_cmpint (vs_recognizer_get_state (none), ==, VS_RECOGNIZER_STATE_STARTING);
    g_signal_connect (none, "failed", G_CALLBACK (on_failed), &failed);
    g_assert_cmpint (wait_for_load (none), ==, VS_RECOGNIZER_STATE_FAILED);
    g_assert_error (failed, VS_MODEL_ERROR, VS_MODEL_ERROR_MISSING);
    g_assert_error (vs_recognizer_get_error (none), VS_MODEL_ERROR, VS_MODEL_ERROR_MISSING);
    g_assert_nonnull (strstr (vs_recognizer_get_error (none)->message, ".onnx"));

    /* The same error for a caller without a main loop (the CLI). */
    g_assert_false (vs_recognizer_wait_ready (none, &error));
    g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_MISSING);
    g_clear_error (&error);

    /* Frames are dropped, not processed, and drain() still returns. */
    vs_recognizer_push_frame (none, frame, 0, 1);
    vs_recognizer_drain (none);
    vs_recognizer_get_stats (none, &stats);
    g_assert_cmpuint (stats.frames_processed, ==, 0);
  }
}

static float
box_overlap (const VsFace *a,
             const VsFace *b)
{
  float ix = MIN (a->x + a->width, b->x + b->width) - MAX (a->x, b->x);
  float iy = MIN (a->y + a->height, b->y + b->height) - MAX (a->y, b->y);

  if (ix <= 0 || iy <= 0)
    return 0;
  return ix * iy / (a->width * a->height + b->width * b->height - ix * iy);
}

/* Searching only the regions around faces already found (what the worker
 * does between full searches) finds each of them again, in the same place,
 * once; a region without a face gives nothing. */
static void
test_regions (void)
{
  g_autofree char *path = vs_test_data_path ("groups/multiface.jpg");
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = vs_image_load (path, &error);
  g_autoptr(VsEngine) engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_autoptr(GArray) faces = NULL;
  g_autoptr(GArray) again = NULL;
  g_autoptr(GArray) nothing = NULL;
  VsRegion regions[VS_ENGINE_MAX_REGIONS];
  VsRegion empty = { .x = -200, .y = -200, .side = 160 };  /* off the picture */
  guint n;

  g_assert_no_error (error);
  faces = vs_engine_detect (engine, image, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (faces->len, >=, 4);
  n = MIN (faces->len, VS_ENGINE_MAX_REGIONS);
  for (guint i = 0; i < n; i++)
    {
      const VsFace *f = &g_array_index (faces, VsFace, i);
      float side = MAX (2.5f * MAX (f->width, f->height), VS_ENGINE_REGION_TILE);

      regions[i] = (VsRegion) { f->x + f->width / 2 - side / 2, f->y + f->height / 2 - side / 2, side };
    }

  again = vs_engine_detect_regions (engine, image, regions, n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const VsFace *f = &g_array_index (faces, VsFace, i);
      float best = 0;

      for (guint k = 0; k < again->len; k++)
        best = MAX (best, box_overlap (f, &g_array_index (again, VsFace, k)));
      g_test_message ("face %u (%.0f px): found again at IoU %.2f", i, f->width, best);
      g_assert_cmpfloat (best, >=, 0.6f);
    }

  nothing = vs_engine_detect_regions (engine, image, &empty, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nothing->len, ==, 0);
}

int
main (int argc, char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/recognizer/known", test_known);
  g_test_add_func ("/recognizer/stranger", test_stranger);
  g_test_add_func ("/recognizer/queue", test_queue);
  g_test_add_func ("/recognizer/pause", test_pause);
  g_test_add_func ("/recognizer/gallery-swap", test_gallery_swap);
  g_test_add_func ("/recognizer/gallery-monitor", test_gallery_monitor);
  g_test_add_func ("/recognizer/lossless", test_lossless);
  g_test_add_func ("/recognizer/shutdown", test_shutdown);
  g_test_add_func ("/recognizer/starting", test_starting);
  g_test_add_func ("/recognizer/models-error", test_models_error);
  g_test_add_func ("/recognizer/regions", test_regions);

  return g_test_run ();
}

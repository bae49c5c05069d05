/* test-enroll.c: enrollment end to end, under xvfb-run.
 *
 * The capture session on LFW frames (captures, waits, refuses duplicates and
 * blurred faces, takes a removed sample again); then the real window over an
 * images: slideshow of one LFW person: the action opens it, a name is typed,
 * capture completes by itself, Save writes the person with N samples in one
 * go and the live view names them; Cancel leaves the database content as it
 * was; a look-alike is offered; photos are checked one by one; samples are
 * added to an enrolled person. */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <sqlite3.h>

#include "visage-application.h"
#include "visage-enroll-window.h"
#include "visage-live-page.h"
#include "visage-people-page.h"
#include "visage-window-private.h"
#include "visage-window.h"
#include "vs-cv.h"
#include "vs-engine.h"
#include "vs-enroll-session.h"
#include "vs-gui-test-util.h"
#include "vs-live-model.h"
#include "vs-quality.h"
#include "vs-store.h"
#include "vs-test-util.h"

#define PERSON        "George_W_Bush"
#define PERSON_NAME   "George W Bush"
#define OTHER         "Colin_Powell"
#define OTHER_NAME    "Colin Powell"
#define SLIDESHOW_FPS 2.0     /* the default setting */
#define CAPTURE_TIMEOUT_MS 30000

static VisageApplication *app;
static VsEngine *engine;
static guint good_photos[12];   /* photo numbers of PERSON that pass the checks */
static guint n_good_photos;
static guint other_good_photos[4];   /* of OTHER, from 10 on (1–5 are enrolled) */
static guint n_other_good_photos;

static VsImage *
load_lfw (const char *person,
          guint       number)
{
  g_autofree char *path = vs_test_lfw_path (person, number);
  g_autoptr(GError) error = NULL;
  VsImage *image = vs_image_load (path, &error);

  g_assert_no_error (error);
  return image;
}

static gboolean
passes (const VsImage *image)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
  VsQualityReport report;

  g_assert_no_error (error);
  vs_engine_refine_landmarks (engine, image, faces);   /* as the session does */
  return vs_quality_check (image, faces, NULL, &report);
}

static void
failed_cb (VsEnrollSession *session,
           const char      *message,
           char           **out)
{
  *out = g_strdup (message);
}

static gboolean
message_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* The models load on the session's worker, not in vs_enroll_session_new():
 * missing ones are reported by "failed" (the load runs before the first
 * frame; the frame pushed here is dropped). */
static void
test_enroll_session_models_missing (void)
{
  g_autofree char *empty = vs_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEnrollSession) session = vs_enroll_session_new (empty, NULL, &error);
  g_autoptr(VsImage) frame = load_lfw (PERSON, 1);
  g_autofree char *message = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (vs_enroll_session_get_embedder (session));
  g_signal_connect (session, "failed", G_CALLBACK (failed_cb), &message);
  vs_enroll_session_push_frame (session, frame, g_get_monotonic_time (), 1);
  g_assert_true (vs_gui_test_wait_for (message_set, &message, 10000));
  g_test_message ("failed: %s", message);
  vs_enroll_session_stop (session);

  /* An unknown embedder is still refused at once. */
  g_assert_null (vs_enroll_session_new (empty, "no-such-embedder", &error));
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_UNKNOWN_ID);
}

/* Photos first..last of a person, as the CLI would store them, embedded
 * by `with`. */
static gint64
enroll_with (VsEngine   *with,
             VsStore    *store,
             const char *person,
             const char *name,
             guint       first,
             guint       last)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GError) error = NULL;
  gint64 id;

  for (guint n = first; n <= last; n++)
    {
      g_autoptr(VsImage) image = load_lfw (person, n);
      g_autoptr(GArray) faces = vs_engine_detect (with, image, &error);
      int pick;

      g_assert_no_error (error);
      pick = vs_faces_pick_central (faces, image);
      g_assert_cmpint (pick, >=, 0);
      g_ptr_array_add (samples, vs_engine_make_sample (with, image,
                                                       &g_array_index (faces, VsFace, pick),
                                                       NULL, &error));
      g_assert_no_error (error);
    }

  id = vs_store_add_samples (store, 0, name, samples, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
enroll (VsStore    *store,
        const char *person,
        const char *name,
        guint       first,
        guint       last)
{
  return enroll_with (engine, store, person, name, first, last);
}

/* A fresh database in a private folder, with OTHER enrolled (and PERSON too
 * when asked, from photos the slideshows never show). */
static char *
make_database (gboolean with_person)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (path, &error);

  g_assert_no_error (error);
  enroll (store, OTHER, OTHER_NAME, 1, 5);
  if (with_person)
    enroll (store, PERSON, PERSON_NAME, 101, 105);
  return path;
}

/* Every row of every table, in a fixed order: equal strings mean equal
 * content, whatever the pages look like. */
static char *
dump_database (const char *path)
{
  GString *dump = g_string_new (NULL);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name, sql FROM sqlite_schema ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *sql = (const char *) sqlite3_column_text (stmt, 1);

      g_string_append_printf (dump, "schema %s: %s\n", name, sql ? sql : "");
      if (sql != NULL && g_str_has_prefix (sql, "CREATE TABLE") && !g_str_has_prefix (name, "sqlite_"))
        g_ptr_array_add (tables, g_strdup (name));
    }
  sqlite3_finalize (stmt);

  for (guint t = 0; t < tables->len; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY rowid",
                                              (char *) g_ptr_array_index (tables, t));
      guint rows = 0;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_string_append_printf (dump, "%s:", (char *) g_ptr_array_index (tables, t));
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const guint8 *blob = sqlite3_column_blob (stmt, c);
              int len = sqlite3_column_bytes (stmt, c);
              g_autofree char *hash = blob ? g_compute_checksum_for_data (G_CHECKSUM_SHA256, blob, len)
                                           : NULL;

              g_string_append_printf (dump, " %s", hash ? hash : "NULL");
            }
          g_string_append_c (dump, '\n');
          rows++;
        }
      sqlite3_finalize (stmt);
      g_string_append_printf (dump, "%s: %u rows\n", (char *) g_ptr_array_index (tables, t), rows);
    }

  sqlite3_close (db);
  return g_string_free (dump, FALSE);
}

/* A folder with photos first..last of a person. */
static char *
make_slideshow (const char *person,
                guint       first,
                guint       last)
{
  char *dir = vs_test_make_tmpdir ();

  vs_test_copy_lfw (dir, person, first, last);
  return dir;
}

/* A window whose camera looks at a slideshow of @images_dir, @fps
 * pictures a second. */
static VisageWindow *
open_window_at_rate (const char *images_dir,
                     const char *db_path,
                     double      fps)
{
  g_autofree char *source = g_strconcat ("images:", images_dir, NULL);
  g_autoptr(VisageSession) session = visage_application_dup_session (app, db_path, NULL, NULL);
  VisageWindow *window;

  window = g_object_new (VISAGE_TYPE_WINDOW,
                         "application", app,
                         "session", session,
                         "source", source,
                         "images-fps", fps,
                         NULL);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static VisageWindow *
open_window (const char *images_dir,
             const char *db_path)
{
  return open_window_at_rate (images_dir, db_path, SLIDESHOW_FPS);
}

static gboolean
window_gone (gpointer data)
{
  return vs_gui_test_find_window (GPOINTER_TO_SIZE (data)) == NULL;
}

static void
close_all (void)
{
  vs_gui_test_destroy_all_windows ();
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (GTK_TYPE_WINDOW), 5000));
}

static gboolean
has_samples (gpointer data)
{
  VisageEnrollWindow *enroll = data;

  return visage_enroll_window_get_n_samples (enroll) >= visage_enroll_window_get_target (enroll);
}

static gboolean
has_four_samples (gpointer data)
{
  return visage_enroll_window_get_n_samples (data) >= 4;
}

static gboolean
has_two_samples (gpointer data)
{
  return visage_enroll_window_get_n_samples (data) >= 2;
}

/* Capture session alone. */

typedef struct {
  guint            feedbacks;
  VsEnrollFeedback last;
  guint            captured;
  guint            complete;
} Seen;

static void
feedback_cb (VsEnrollSession        *session,
             const VsEnrollFeedback *feedback,
             Seen                   *seen)
{
  seen->feedbacks++;
  seen->last = *feedback;
}

static void
captured_cb (VsEnrollSession *session,
             VsEnrollCapture *capture,
             Seen            *seen)
{
  g_assert_nonnull (capture->sample);
  g_assert_nonnull (capture->sample->crop);
  seen->captured++;
}

static void
complete_cb (VsEnrollSession *session,
             Seen            *seen)
{
  seen->complete++;
}

static gboolean
feedback_count_is (gpointer data)
{
  Seen *seen = ((gpointer *) data)[0];

  return seen->feedbacks >= GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

/* Pushes one frame and returns the verdict on it. */
static VsEnrollVerdict
push (VsEnrollSession *session,
      Seen            *seen,
      VsImage         *frame,
      gint64           time_ms)
{
  gpointer wait[2] = { seen, GUINT_TO_POINTER (seen->feedbacks + 1) };
  static guint64 number;

  vs_enroll_session_push_frame (session, frame, time_ms * 1000, number++);
  vs_enroll_session_drain (session);
  g_assert_true (vs_gui_test_wait_for (feedback_count_is, wait, 5000));
  return seen->last.verdict;
}

static VsImage *
blur (const VsImage *src)
{
  /* Downscale by 6 and back: a strong, cheap blur. */
  g_autoptr(VsImage) small = vs_cv_resize (src, src->width / 6, src->height / 6);

  return vs_cv_resize (small, src->width, src->height);
}

static void
test_enroll_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEnrollSession) session = vs_enroll_session_new (vs_test_models_dir (), NULL, &error);
  g_autoptr(GPtrArray) captures = NULL;
  g_autoptr(VsImage) first = NULL;
  g_autoptr(VsImage) blurred = NULL;
  Seen seen = { 0 };
  gint64 t = 0;
  guint next = 1;

  g_assert_no_error (error);
  g_assert_cmpuint (n_good_photos, >=, 8);
  g_assert_cmpuint (vs_enroll_session_get_target (session), ==, 5);
  g_signal_connect (session, "feedback", G_CALLBACK (feedback_cb), &seen);
  g_signal_connect (session, "captured", G_CALLBACK (captured_cb), &seen);
  g_signal_connect (session, "complete", G_CALLBACK (complete_cb), &seen);

  first = load_lfw (PERSON, good_photos[0]);
  g_assert_cmpint (push (session, &seen, first, t), ==, VS_ENROLL_VERDICT_CAPTURED);
  g_assert_true (seen.last.has_face);
  g_assert_cmpfloat (seen.last.width, >, 0.2);

  /* Another good face 100 ms later: too soon. */
  {
    g_autoptr(VsImage) second = load_lfw (PERSON, good_photos[1]);

    g_assert_cmpint (push (session, &seen, second, t + 100), ==, VS_ENROLL_VERDICT_WAIT);
  }

  /* The same picture again, later: a near-duplicate, refused. */
  t += 500;
  g_assert_cmpint (push (session, &seen, first, t), ==, VS_ENROLL_VERDICT_DUPLICATE);

  /* Blurred: refused by the quality check, saying why. */
  blurred = blur (first);
  t += 500;
  g_assert_cmpint (push (session, &seen, blurred, t), ==, VS_ENROLL_VERDICT_REJECTED);
  g_assert_cmpint (seen.last.report.issue, ==, VS_QUALITY_BLURRY);
  g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 1);

  /* Four more pictures complete the set. */
  while (vs_enroll_session_get_n_captured (session) < 5)
    {
      g_autoptr(VsImage) frame = load_lfw (PERSON, good_photos[next++]);

      t += 400;
      g_assert_cmpint (push (session, &seen, frame, t), ==, VS_ENROLL_VERDICT_CAPTURED);
    }
  g_assert_cmpuint (seen.captured, ==, 5);
  g_assert_cmpuint (seen.complete, ==, 1);

  /* Complete: nothing more is taken. */
  {
    g_autoptr(VsImage) frame = load_lfw (PERSON, good_photos[next]);

    t += 400;
    g_assert_cmpint (push (session, &seen, frame, t), ==, VS_ENROLL_VERDICT_COMPLETE);
    g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 5);
  }

  /* The samples differ from each other. */
  captures = vs_enroll_session_dup_captures (session);
  for (guint i = 0; i < captures->len; i++)
    for (guint j = i + 1; j < captures->len; j++)
      {
        VsEnrollCapture *a = g_ptr_array_index (captures, i);
        VsEnrollCapture *b = g_ptr_array_index (captures, j);
        float cosine = vs_cosine (a->sample->embedding, b->sample->embedding, a->sample->dim);

        g_assert_cmpuint (a->id, !=, b->id);
        g_assert_true (cosine < 0.95f ||
                       MAX (fabsf (a->report.yaw - b->report.yaw),
                            fabsf (a->report.pitch - b->report.pitch)) >= 8.0f);
        /* Same person all along. */
        g_assert_cmpfloat (cosine, >, 0.2f);
      }

  /* A removed sample is taken again. */
  g_assert_true (vs_enroll_session_remove_capture (session, ((VsEnrollCapture *) g_ptr_array_index (captures, 2))->id));
  g_assert_false (vs_enroll_session_remove_capture (session, 9999));
  g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 4);
  {
    g_autoptr(VsImage) frame = load_lfw (PERSON, good_photos[next]);

    t += 400;
    g_assert_cmpint (push (session, &seen, frame, t), ==, VS_ENROLL_VERDICT_CAPTURED);
    g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 5);
    g_assert_cmpuint (seen.complete, ==, 2);
  }

  vs_enroll_session_clear (session);
  g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 0);
  vs_enroll_session_stop (session);
}

typedef struct {
  guint restarts;
  guint dropped;
} Restarts;

static void
restarted_cb (VsEnrollSession *session,
              guint            n_dropped,
              Restarts        *restarts)
{
  restarts->restarts++;
  restarts->dropped += n_dropped;
}

/* The mean embedding of photos of a person (central faces), normalised. */
static float *
reference (const char  *person,
           const guint *numbers,
           guint        n)
{
  float *mean = g_new0 (float, vs_engine_get_dim (engine));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsImage) image = load_lfw (person, numbers[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
      g_autofree float *embedding = g_new (float, vs_engine_get_dim (engine));

      g_assert_no_error (error);
      g_assert_true (vs_engine_embed_face (engine, image,
                                           &g_array_index (faces, VsFace, vs_faces_pick_central (faces, image)),
                                           embedding, NULL, &error));
      for (guint d = 0; d < vs_engine_get_dim (engine); d++)
        mean[d] += embedding[d];
    }
  vs_l2_normalize (mean, vs_engine_get_dim (engine));
  return mean;
}

/* Another person in front of the camera: a single face of theirs is
 * refused; once they stay, the samples taken are dropped and capture
 * starts over with them. A sample is never of two people. */
static void
test_enroll_session_person_switch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEnrollSession) session = vs_enroll_session_new (vs_test_models_dir (), NULL, &error);
  g_autoptr(GPtrArray) captures = NULL;
  g_autofree float *other_ref = NULL;
  Seen seen = { 0 };
  Restarts restarts = { 0 };
  gint64 t = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (n_other_good_photos, >=, 3);
  g_signal_connect (session, "feedback", G_CALLBACK (feedback_cb), &seen);
  g_signal_connect (session, "restarted", G_CALLBACK (restarted_cb), &restarts);

#define PUSH(person, number, verdict) \
  G_STMT_START { \
    g_autoptr(VsImage) frame_ = load_lfw (person, number); \
    t += 400; \
    g_assert_cmpint (push (session, &seen, frame_, t), ==, verdict); \
  } G_STMT_END

  PUSH (PERSON, good_photos[0], VS_ENROLL_VERDICT_CAPTURED);
  PUSH (PERSON, good_photos[1], VS_ENROLL_VERDICT_CAPTURED);
  /* Someone else passes by: refused, the capture goes on. */
  PUSH (OTHER, other_good_photos[0], VS_ENROLL_VERDICT_OTHER_PERSON);
  PUSH (PERSON, good_photos[2], VS_ENROLL_VERDICT_CAPTURED);
  g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 3);
  g_assert_cmpuint (restarts.restarts, ==, 0);

  /* They stay: capture starts over, with them. */
  PUSH (OTHER, other_good_photos[1], VS_ENROLL_VERDICT_OTHER_PERSON);
  g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 3);
  PUSH (OTHER, other_good_photos[2], VS_ENROLL_VERDICT_RESTARTED);
  g_assert_cmpuint (restarts.restarts, ==, 1);
  g_assert_cmpuint (restarts.dropped, ==, 3);
  g_assert_cmpuint (vs_enroll_session_get_n_captured (session), ==, 1);

  /* The first person again is now the other one. */
  PUSH (PERSON, good_photos[3], VS_ENROLL_VERDICT_OTHER_PERSON);
#undef PUSH

  captures = vs_enroll_session_dup_captures (session);
  other_ref = reference (OTHER, other_good_photos, 3);
  g_assert_cmpuint (captures->len, ==, 1);
  g_assert_cmpfloat (vs_cosine (other_ref, ((VsEnrollCapture *) captures->pdata[0])->sample->embedding,
                                vs_engine_get_dim (engine)), >, 0.5f);
  vs_enroll_session_stop (session);
}

/* The live view names someone. */
typedef struct {
  VisageLivePage *page;
  const char     *name;
} LiveWatch;

static gboolean
live_names (gpointer data)
{
  LiveWatch *watch = data;
  GListModel *model = G_LIST_MODEL (visage_live_page_get_live_model (watch->page));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsTrack) track = g_list_model_get_item (model, i);

      if (vs_track_get_state (track) == VS_TRACK_KNOWN &&
          g_strcmp0 (vs_track_get_name (track), watch->name) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
saved_cb (VisageEnrollWindow *enroll,
          gint64              person_id,
          const char         *name,
          guint               n_samples,
          gint64             *saved_id)
{
  *saved_id = person_id;
}

static gboolean
saved_id_set (gpointer data)
{
  return *(gint64 *) data > 0;
}

/* A label showing exactly `text` somewhere under `widget` (a toast's title). */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

static VisageEnrollWindow *
open_enroll_window (VisageWindow *window)
{
  VisageEnrollWindow *enroll;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-person", NULL));
  enroll = VISAGE_ENROLL_WINDOW (vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW));
  g_assert_nonnull (enroll);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (enroll)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (enroll)) == GTK_WINDOW (window));
  return enroll;
}

static void
test_enroll_window_save (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = make_slideshow (PERSON, 1, 40);
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree char *png = NULL;
  LiveWatch watch = { visage_window_get_live_page (window), PERSON_NAME };
  gint64 saved_id = 0;
  gint64 start, captured_us, saved_us;

  /* Nobody is named before the enrollment. */
  vs_gui_test_run_for (1500);
  g_assert_false (live_names (&watch));

  start = g_get_monotonic_time ();
  enroll = open_enroll_window (window);
  g_signal_connect (enroll, "saved", G_CALLBACK (saved_cb), &saved_id);
  g_assert_cmpstr (visage_enroll_window_get_mode (enroll), ==, "camera");
  g_assert_cmpuint (visage_enroll_window_get_target (enroll), ==, 5);
  g_assert_false (visage_enroll_window_get_can_save (enroll));

  /* Typed with stray spaces: trimmed. */
  visage_enroll_window_set_name (enroll, "  " PERSON_NAME " ");
  g_assert_cmpstr (visage_enroll_window_get_name (enroll), ==, PERSON_NAME);
  g_assert_null (visage_enroll_window_get_name_message (enroll));

  /* The enrollment watches the live view's own camera: the video behind it
   * keeps playing, with recognition paused (no boxes). */
  g_assert_cmpint (visage_live_page_get_state (watch.page), ==, VISAGE_LIVE_STATE_VIDEO);

  /* Mid-capture: a screenshot. */
  g_assert_true (vs_gui_test_wait_for (has_two_samples, enroll, CAPTURE_TIMEOUT_MS));
  g_assert_cmpint (visage_live_page_get_state (watch.page), ==, VISAGE_LIVE_STATE_VIDEO);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (visage_live_page_get_live_model (watch.page))), ==, 0);
  g_test_message ("hint mid-capture: %s", vs_gui_test_label_text (GTK_WIDGET (enroll), "hint_label"));
  png = vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll.png");
  g_clear_pointer (&png, g_free);

  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, CAPTURE_TIMEOUT_MS));
  captured_us = g_get_monotonic_time ();
  g_test_message ("hint when done: %s", vs_gui_test_label_text (GTK_WIDGET (enroll), "hint_label"));
  g_assert_true (visage_enroll_window_get_can_save (enroll));
  g_assert_true (g_str_has_prefix (vs_gui_test_label_text (GTK_WIDGET (enroll), "hint_label"), "All samples taken"));
  vs_gui_test_run_for (200);
  png = vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll-done.png");

  /* A sample removed is taken again. */
  visage_enroll_window_remove_sample (enroll, 1);
  g_assert_cmpuint (visage_enroll_window_get_n_samples (enroll), ==, 4);
  g_assert_false (visage_enroll_window_get_can_save (enroll));
  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, CAPTURE_TIMEOUT_MS));
  g_assert_true (visage_enroll_window_get_can_save (enroll));

  saved_us = g_get_monotonic_time ();
  visage_enroll_window_save (enroll);
  /* Saved on a worker: the window stays responsive meanwhile. */
  g_assert_true (vs_gui_test_wait_for (saved_id_set, &saved_id, 10000));
  saved_us = g_get_monotonic_time () - saved_us;
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));

  /* The time a person waits: the action to all samples, plus saving (a
   * figure, not a test: timing belongs in benchmarks). */
  g_test_message ("enrollment wall time: %.2f s from the action to 5 samples, save %.0f ms",
                  (captured_us - start) / 1e6, saved_us / 1e3);

  /* Saving confirms in the main window, with a way to the person. */
  g_assert_true (shows_label (GTK_WIDGET (window), PERSON_NAME " added"));
  vs_gui_test_run_for (300);
  g_free (vs_gui_test_save_png (GTK_WIDGET (window), "visage-enroll-saved-toast.png"));

  /* In the database: the person and five samples, from the camera. */
  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  person = vs_store_find_person_by_name (store, PERSON_NAME, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  g_assert_cmpint (person->id, ==, saved_id);
  g_assert_cmpuint (person->n_samples, ==, 5);
  samples = vs_store_list_samples (store, person->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 5);
  for (guint i = 0; i < samples->len; i++)
    g_assert_cmpstr (((VsSample *) g_ptr_array_index (samples, i))->source, ==, "camera");

  /* The person stands at the desk now: each photo stays 2 s. Under load
   * the recognizer may look at a half-second photo only once or twice,
   * and each new photo starts a new track that needs agreeing answers.
   * Going to People and back restarts the camera with the new hold (and
   * the gallery learnt meanwhile must survive that). */
  {
    g_autofree char *spec = g_strconcat ("images:", images, NULL);
    VsCamera *camera = visage_session_lookup_camera (visage_window_get_session (window), spec);

    g_assert_nonnull (camera);
    vs_camera_set_hold (camera, 2.0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "people"));
    vs_gui_test_run_for (300);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "live"));
  }

  /* The live view names them now, without a restart of the app. */
  start = g_get_monotonic_time ();
  g_assert_true (vs_gui_test_wait_for (live_names, &watch, 20000));
  g_test_message ("named live %.2f s after saving", (g_get_monotonic_time () - start) / 1e6);

  /* The toast's button opens the person. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-person", "x", saved_id));
  g_assert_cmpint (visage_people_page_get_state (window->people_page), ==, VISAGE_PEOPLE_STATE_PERSON);

  close_all ();
}

/* Copies an LFW photo into `dir` as NNN.jpg: the slideshow's order. */
static void
add_slide (const char *dir,
           guint      *slide,
           const char *person,
           guint       number)
{
  g_autofree char *src = vs_test_lfw_path (person, number);
  g_autofree char *name = g_strdup_printf ("%03u.jpg", (*slide)++);
  g_autofree char *dst = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (src, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (dst, contents, len, &error);
  g_assert_no_error (error);
}

static gboolean
has_restart_notice (gpointer data)
{
  return visage_enroll_window_get_restart_notice (data) != NULL;
}

/* Guided capture on a slideshow that switches person mid-capture: the
 * window says why capture started over, and what is saved is one person,
 * the one in front when the capture completes — the first one again. */
static void
test_enroll_window_person_switch (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = vs_test_make_tmpdir ();
  g_autofree float *person_ref = NULL;
  g_autofree float *other_ref = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  VisageWindow *window;
  VisageEnrollWindow *enroll;
  gint64 saved_id = 0;
  guint slide = 0;
  static const guint reference_photos[] = { 101, 102, 103, 104, 105 };

  /* Two of PERSON, three of OTHER, then PERSON again. */
  add_slide (images, &slide, PERSON, good_photos[0]);
  add_slide (images, &slide, PERSON, good_photos[1]);
  for (guint i = 0; i < 3; i++)
    add_slide (images, &slide, OTHER, other_good_photos[i]);
  for (guint i = 2; i < n_good_photos; i++)
    add_slide (images, &slide, PERSON, good_photos[i]);

  window = open_window (images, db_path);
  enroll = open_enroll_window (window);
  g_signal_connect (enroll, "saved", G_CALLBACK (saved_cb), &saved_id);
  visage_enroll_window_set_name (enroll, PERSON_NAME);

  g_assert_true (vs_gui_test_wait_for (has_restart_notice, enroll, CAPTURE_TIMEOUT_MS));
  g_test_message ("notice: %s; hint: %s", visage_enroll_window_get_restart_notice (enroll),
                  vs_gui_test_label_text (GTK_WIDGET (enroll), "hint_label"));
  g_assert_nonnull (strstr (visage_enroll_window_get_restart_notice (enroll), "Someone else"));
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (enroll), "hint_label"), ==, visage_enroll_window_get_restart_notice (enroll));
  vs_gui_test_run_for (300);
  g_free (vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll-person-switch.png"));

  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, CAPTURE_TIMEOUT_MS));
  visage_enroll_window_save (enroll);
  g_assert_true (vs_gui_test_wait_for (saved_id_set, &saved_id, 10000));
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));

  /* Every sample saved is PERSON's (compared with photos the slideshow
   * never showed), none OTHER's. */
  person_ref = reference (PERSON, reference_photos, G_N_ELEMENTS (reference_photos));
  other_ref = reference (OTHER, (const guint[]) { 1, 2, 3, 4, 5 }, 5);
  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  person = vs_store_get_person (store, saved_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person->name, ==, PERSON_NAME);
  samples = vs_store_list_samples (store, saved_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 5);
  for (guint i = 0; i < samples->len; i++)
    {
      VsSample *sample = g_ptr_array_index (samples, i);
      float to_person = vs_cosine (person_ref, sample->embedding, sample->dim);
      float to_other = vs_cosine (other_ref, sample->embedding, sample->dim);

      g_test_message ("sample %u: %.2f to %s, %.2f to %s", i, to_person, PERSON_NAME, to_other, OTHER_NAME);
      g_assert_cmpfloat (to_person, >, 0.45f);
      g_assert_cmpfloat (to_other, <, 0.3f);
    }

  close_all ();
}

static void
test_enroll_window_cancel (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = make_slideshow (PERSON, 1, 40);
  g_autofree char *before = dump_database (db_path);
  g_autofree char *after = NULL;
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll = open_enroll_window (window);
  gint64 saved_id = 0;

  g_signal_connect (enroll, "saved", G_CALLBACK (saved_cb), &saved_id);
  visage_enroll_window_set_name (enroll, "Nobody Saved");
  g_assert_true (vs_gui_test_wait_for (has_two_samples, enroll, CAPTURE_TIMEOUT_MS));

  /* Escape, like the Cancel button, closes without saving. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (enroll), "window.close", NULL));
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));
  g_assert_cmpint (saved_id, ==, 0);

  close_all ();
  after = dump_database (db_path);
  g_assert_cmpstr (before, ==, after);
  g_assert_nonnull (strstr (after, "people: 1 rows"));
}

/* The enrollment window waiting, not shown, for "Add Person": the first
 * hidden one among GTK's toplevels, or NULL. */
static VisageEnrollWindow *
find_spare_enroll_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (VISAGE_IS_ENROLL_WINDOW (window) && !gtk_widget_get_visible (GTK_WIDGET (window)))
        return VISAGE_ENROLL_WINDOW (window);
    }
  return NULL;
}

static gboolean
has_spare_enroll_window (gpointer data)
{
  VisageEnrollWindow *spare = find_spare_enroll_window ();

  return spare != NULL && spare != data;
}

static gboolean
in_application (GtkWindow *window)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  return g_list_find (windows, window) != NULL;
}

/* "Add Person" shows a window built ahead, while nobody waited for it:
 * until then it is nobody's window (not the application's: never the
 * "active window"), takes no camera and loads no model (the live view is
 * not paused for a capture); shown, it captures as any other; the next one
 * is built once it is closed; after a change of source the one waiting is
 * not shown (it would capture from the old source). */
static void
test_enroll_made_ahead (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = make_slideshow (PERSON, 1, 40);
  g_autofree char *other_images = make_slideshow (OTHER, 1, 40);
  g_autofree char *other_source = g_strconcat ("images:", other_images, NULL);
  g_autofree char *shown_source = NULL;
  VisageWindow *window = open_window (images, db_path);
  VisageSession *session = NULL;
  VisageEnrollWindow *spare = NULL, *enroll;
  gboolean capturing = TRUE;

  g_object_get (window, "session", &session, NULL);
  g_assert_true (vs_gui_test_wait_for (has_spare_enroll_window, NULL, 10000));
  g_set_weak_pointer (&spare, find_spare_enroll_window ());
  g_assert_false (in_application (GTK_WINDOW (spare)));
  g_assert_null (vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW));
  vs_gui_test_run_for (500);
  g_object_get (session, "capturing", &capturing, NULL);
  g_assert_false (capturing);
  g_assert_cmpuint (visage_enroll_window_get_n_samples (spare), ==, 0);

  /* Taken: the same window, now the application's, capturing. */
  enroll = open_enroll_window (window);
  g_assert_true (enroll == spare);
  g_clear_weak_pointer (&spare);
  g_assert_true (in_application (GTK_WINDOW (enroll)));
  g_object_get (session, "capturing", &capturing, NULL);
  g_assert_true (capturing);
  g_assert_null (find_spare_enroll_window ());   /* not while one is open */
  g_assert_true (vs_gui_test_wait_for (has_two_samples, enroll, CAPTURE_TIMEOUT_MS));

  /* Closed: another is built. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (enroll), "window.close", NULL));
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));
  g_assert_true (vs_gui_test_wait_for (has_spare_enroll_window, NULL, 10000));
  /* Weak: a window freed can leave its address to the next one. */
  g_set_weak_pointer (&spare, find_spare_enroll_window ());

  /* Another source meanwhile: the one waiting is dropped, and the window
   * shown captures from the new source. */
  visage_window_set_source (window, other_source);
  enroll = open_enroll_window (window);
  g_assert_null (spare);
  g_object_get (enroll, "source", &shown_source, NULL);
  g_assert_cmpstr (shown_source, ==, other_source);
  g_assert_null (find_spare_enroll_window ());
  g_assert_true (vs_gui_test_wait_for (has_two_samples, enroll, CAPTURE_TIMEOUT_MS));

  g_object_unref (session);
  close_all ();
}

static void
test_enroll_name_checks (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = make_slideshow (PERSON, 1, 3);
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll = open_enroll_window (window);
  g_autofree char *long_name = g_strnfill (101, 'a');

  visage_enroll_window_set_name (enroll, "   ");
  g_assert_null (visage_enroll_window_get_name (enroll));
  g_assert_null (visage_enroll_window_get_name_message (enroll));

  visage_enroll_window_set_name (enroll, "Tab\tName");
  g_assert_null (visage_enroll_window_get_name (enroll));
  g_assert_nonnull (visage_enroll_window_get_name_message (enroll));
  g_test_message ("control character: %s", visage_enroll_window_get_name_message (enroll));

  visage_enroll_window_set_name (enroll, long_name);
  g_assert_null (visage_enroll_window_get_name (enroll));
  g_assert_nonnull (visage_enroll_window_get_name_message (enroll));

  /* Names that show nothing, or display as another text. */
  visage_enroll_window_set_name (enroll, "\xe2\x80\x8b\xe2\x80\x8b");   /* U+200B */
  g_assert_null (visage_enroll_window_get_name (enroll));
  g_assert_nonnull (visage_enroll_window_get_name_message (enroll));
  visage_enroll_window_set_name (enroll, "\xe2\x80\xae" "llewoP niloC");   /* U+202E */
  g_assert_null (visage_enroll_window_get_name (enroll));
  g_assert_nonnull (strstr (visage_enroll_window_get_name_message (enroll), "direction"));

  /* A name already enrolled, in any case or accents, means that person:
   * the window says saving adds to them, under their own spelling. */
  visage_enroll_window_set_name (enroll, "COLIN POW\xc3\x89LL");   /* É */
  g_assert_nonnull (visage_enroll_window_get_name (enroll));
  g_assert_nonnull (visage_enroll_window_get_name_message (enroll));
  g_assert_nonnull (strstr (visage_enroll_window_get_name_message (enroll), "“" OTHER_NAME "” is already enrolled"));
  g_assert_nonnull (strstr (visage_enroll_window_get_name_message (enroll), "adds these samples to them"));

  visage_enroll_window_set_name (enroll, "Somebody New");
  g_assert_null (visage_enroll_window_get_name_message (enroll));
  /* No samples yet: nothing to save. */
  g_assert_false (visage_enroll_window_get_can_save (enroll));

  close_all ();
}

static gboolean
find_message_dialog (gpointer data)
{
  return vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
test_enroll_look_alike (void)
{
  g_autofree char *db_path = make_database (TRUE);
  g_autofree char *images = make_slideshow (PERSON, 1, 40);
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll = open_enroll_window (window);
  AdwMessageDialog *dialog;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(VsPerson) mystery = NULL;
  gint64 saved_id = 0;

  g_signal_connect (enroll, "saved", G_CALLBACK (saved_cb), &saved_id);
  visage_enroll_window_set_name (enroll, "Mystery Man");
  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, CAPTURE_TIMEOUT_MS));

  visage_enroll_window_save (enroll);
  g_assert_true (vs_gui_test_wait_for (find_message_dialog, NULL, 2000));
  dialog = ADW_MESSAGE_DIALOG (vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_test_message ("%s — %s", adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "This Looks Like " PERSON_NAME);
  g_assert_cmpint (saved_id, ==, 0);
  vs_gui_test_run_for (300);
  g_free (vs_gui_test_save_png (GTK_WIDGET (dialog), "visage-enroll-look-alike.png"));
  adw_message_dialog_response (dialog, "add");
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));

  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  person = vs_store_find_person_by_name (store, PERSON_NAME, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  g_assert_cmpint (person->id, ==, saved_id);
  g_assert_cmpuint (person->n_samples, ==, 10);
  mystery = vs_store_find_person_by_name (store, "Mystery Man", &error);
  g_assert_no_error (error);
  g_assert_null (mystery);

  close_all ();
}

/* The name of someone enrolled, typed in another case, with their face:
 * saving adds to them, as the window said, without asking whether to save
 * a new person. */
static void
test_enroll_existing_name (void)
{
  g_autofree char *db_path = make_database (TRUE);
  g_autofree char *images = make_slideshow (PERSON, 1, 40);
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll = open_enroll_window (window);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GPtrArray) people = NULL;
  gint64 saved_id = 0;

  g_signal_connect (enroll, "saved", G_CALLBACK (saved_cb), &saved_id);
  visage_enroll_window_set_name (enroll, "george w. bush");
  visage_enroll_window_set_name (enroll, "george w bush");
  g_assert_nonnull (strstr (visage_enroll_window_get_name_message (enroll), "adds these samples to them"));
  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, CAPTURE_TIMEOUT_MS));

  visage_enroll_window_save (enroll);
  vs_gui_test_run_for (300);
  g_assert_null (vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));

  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  person = vs_store_find_person_by_name (store, PERSON_NAME, &error);
  g_assert_nonnull (person);
  g_assert_cmpint (person->id, ==, saved_id);
  g_assert_cmpstr (person->name, ==, PERSON_NAME);
  g_assert_cmpuint (person->n_samples, ==, 10);
  people = vs_store_list_people (store, &error);
  g_assert_cmpuint (people->len, ==, 2);
  g_assert_true (shows_label (GTK_WIDGET (window), PERSON_NAME " added"));

  close_all ();
}

/* The embedder belongs to the database: one whose faces are in another
 * embedder than the default (as after `visage-cli reembed --embedder X`)
 * is recognised by the app without being told. */
static void
test_database_embedder (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db_path = g_build_filename (dir, "visage.db", NULL);
  g_autofree char *images = make_slideshow (OTHER, 10, 20);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEngine) foamliu = vs_engine_new (vs_test_models_dir (), "mobilefacenet_foamliu", &error);
  VisageWindow *window;
  LiveWatch watch = { NULL, OTHER_NAME };

  g_assert_no_error (error);
  {
    g_autoptr(VsStore) store = vs_store_open (db_path, &error);

    g_assert_no_error (error);
    enroll_with (foamliu, store, OTHER, OTHER_NAME, 1, 5);
    enroll_with (foamliu, store, PERSON, PERSON_NAME, 101, 105);
  }

  /* Each photo stays 2 s, as a person standing at the desk: the claim is
   * about the embedder, and a loaded machine must still get to a vote
   * before the picture changes (each change starts a new track). */
  window = open_window_at_rate (images, db_path, 0.5);
  watch.page = visage_window_get_live_page (window);
  g_assert_cmpstr (visage_live_page_get_embedder (watch.page), ==, "mobilefacenet_foamliu");
  g_assert_true (vs_gui_test_wait_for (live_names, &watch, 20000));

  /* Enrollment embeds in the database's embedder too. */
  {
    VisageEnrollWindow *enroll = open_enroll_window (window);
    g_autoptr(VisageSession) session = NULL;

    g_object_get (enroll, "session", &session, NULL);
    g_assert_true (session == visage_window_get_session (window));
    g_assert_cmpstr (visage_session_get_embedder (session), ==, "mobilefacenet_foamliu");
  }
  close_all ();
}

/* Subtitles of the rows shown (the photo list). */
static void
collect_subtitles (GtkWidget *widget,
                   GPtrArray *out)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (ADW_IS_ACTION_ROW (widget))
    g_ptr_array_add (out, g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget))));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_subtitles (child, out);
}

/* Titles of the rows shown (the photo list), in order. */
static void
collect_titles (GtkWidget *widget,
                GPtrArray *out)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (ADW_IS_ACTION_ROW (widget))
    g_ptr_array_add (out, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_titles (child, out);
}

typedef struct {
  VisageEnrollWindow *enroll;
  guint               n_rows;
  const char         *subtitle;   /* one row says this */
} PhotosWait;

static gboolean
photos_settled (gpointer data)
{
  PhotosWait *wait = data;
  g_autoptr(GPtrArray) subtitles = g_ptr_array_new_with_free_func (g_free);
  gboolean found = wait->subtitle == NULL;

  collect_subtitles (GTK_WIDGET (wait->enroll), subtitles);
  for (guint i = 0; i < subtitles->len; i++)
    found |= g_strcmp0 (g_ptr_array_index (subtitles, i), wait->subtitle) == 0;
  return found && subtitles->len == wait->n_rows && visage_enroll_window_get_can_save (wait->enroll);
}

static guint
count_subtitles (VisageEnrollWindow *enroll,
                 const char         *subtitle)
{
  g_autoptr(GPtrArray) subtitles = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  collect_subtitles (GTK_WIDGET (enroll), subtitles);
  for (guint i = 0; i < subtitles->len; i++)
    n += g_str_equal (g_ptr_array_index (subtitles, i), subtitle);
  return n;
}

/* From Photos: rows in the order given, each with the reason it is not used;
 * a photo of someone else flagged; a row removed; in a photo of two people
 * the face clicked is the one enrolled. */
static void
test_enroll_photos (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = make_slideshow (OTHER, 10, 12);
  g_autofree char *photos = vs_test_make_tmpdir ();
  g_autofree char *two = g_build_filename (photos, "two.png", NULL);
  g_autofree char *text = g_build_filename (photos, "notes.jpg", NULL);
  g_autofree float *person_ref = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPerson) person = NULL;
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll;
  PhotosWait wait = { NULL, 6, NULL };
  int person_face = -1;
  static const guint reference_photos[] = { 101, 102, 103, 104, 105 };

  /* Given in this order: PERSON, the two-face photo, PERSON, someone else,
   * PERSON, a text file. */
  g_ptr_array_add (paths, vs_test_lfw_path (PERSON, good_photos[0]));
  /* Two people side by side: PERSON on the left. */
  {
    g_autoptr(VsImage) a = load_lfw (PERSON, good_photos[3]);
    g_autoptr(VsImage) b = load_lfw (OTHER, 1);
    g_autoptr(VsImage) both = vs_image_new (a->width + b->width, a->height);
    g_autoptr(GArray) faces = NULL;

    for (int y = 0; y < a->height; y++)
      {
        memcpy (both->data + (gsize) y * both->stride, a->data + (gsize) y * a->stride, (gsize) a->width * 3);
        memcpy (both->data + (gsize) y * both->stride + a->width * 3,
                b->data + (gsize) y * b->stride, (gsize) b->width * 3);
      }
    g_assert_true (vs_image_save (both, two, &error));
    g_assert_no_error (error);
    g_ptr_array_add (paths, g_strdup (two));

    faces = vs_engine_detect (engine, both, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (faces->len, ==, 2);
    person_face = g_array_index (faces, VsFace, 0).x < a->width ? 0 : 1;
  }
  g_ptr_array_add (paths, vs_test_lfw_path (PERSON, good_photos[1]));
  g_ptr_array_add (paths, vs_test_lfw_path (OTHER, other_good_photos[0]));
  g_ptr_array_add (paths, vs_test_lfw_path (PERSON, good_photos[2]));
  g_assert_true (g_file_set_contents (text, "not a picture", -1, &error));
  g_ptr_array_add (paths, g_strdup (text));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-person", NULL));
  enroll = VISAGE_ENROLL_WINDOW (vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW));
  wait.enroll = enroll;
  visage_enroll_window_set_name (enroll, PERSON_NAME);
  visage_enroll_window_add_photos (enroll, paths);
  g_assert_cmpstr (visage_enroll_window_get_mode (enroll), ==, "photos");
  wait.subtitle = "Looks like a different person";
  g_assert_true (vs_gui_test_wait_for (photos_settled, &wait, 20000));

  /* The order given. */
  collect_titles (GTK_WIDGET (enroll), titles);
  g_assert_cmpuint (titles->len, ==, paths->len);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (paths, i));

      g_assert_cmpstr (g_ptr_array_index (titles, i), ==, base);
    }

  g_assert_cmpuint (count_subtitles (enroll, "Good"), ==, 3);
  g_assert_cmpuint (count_subtitles (enroll, "2 faces: click the one to add"), ==, 1);
  g_assert_cmpuint (count_subtitles (enroll, "Looks like a different person"), ==, 1);
  g_assert_cmpuint (count_subtitles (enroll, "Not a picture Visage can read"), ==, 1);
  g_assert_cmpuint (visage_enroll_window_get_n_samples (enroll), ==, 3);
  vs_gui_test_run_for (200);
  g_free (vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll-photos-two-faces.png"));

  /* The text file's row goes. */
  visage_enroll_window_remove_photo (enroll, 5);
  wait.n_rows = 5;
  wait.subtitle = NULL;
  g_assert_true (photos_settled (&wait));
  g_assert_cmpuint (count_subtitles (enroll, "Not a picture Visage can read"), ==, 0);

  /* The face on the left is clicked: its photo becomes good, in place. */
  visage_enroll_window_pick_face (enroll, 1, person_face);
  g_assert_true (vs_gui_test_wait_for (photos_settled, &wait, 20000));
  g_assert_true (vs_gui_test_wait_for (has_four_samples, enroll, 20000));
  g_clear_pointer (&titles, g_ptr_array_unref);
  titles = g_ptr_array_new_with_free_func (g_free);
  collect_titles (GTK_WIDGET (enroll), titles);
  g_assert_cmpstr (g_ptr_array_index (titles, 1), ==, "two.png");
  g_assert_cmpuint (count_subtitles (enroll, "Good"), ==, 4);
  vs_gui_test_run_for (100);
  g_free (vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll-photos.png"));

  visage_enroll_window_save (enroll);
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));

  /* Four samples, the two-face photo's being PERSON's face. */
  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  person = vs_store_find_person_by_name (store, PERSON_NAME, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  g_assert_cmpuint (person->n_samples, ==, 4);
  samples = vs_store_list_samples (store, person->id, &error);
  person_ref = reference (PERSON, reference_photos, G_N_ELEMENTS (reference_photos));
  for (guint i = 0; i < samples->len; i++)
    {
      VsSample *sample = g_ptr_array_index (samples, i);
      float cosine = vs_cosine (person_ref, sample->embedding, sample->dim);

      g_test_message ("%s: %.2f to %s", sample->source, cosine, PERSON_NAME);
      g_assert_cmpfloat (cosine, >, 0.45f);
    }

  close_all ();
}

static void
test_enroll_photos_closed (void)
{
  g_autofree char *db_path = make_database (FALSE);
  /* Nobody enrolled in view: the live view records no sighting either. */
  g_autofree char *images = make_slideshow (PERSON, 50, 52);
  g_autofree char *before = dump_database (db_path);
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll;

  for (guint n = 1; n <= 12; n++)
    g_ptr_array_add (paths, vs_test_lfw_path (PERSON, n));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-person", NULL));
  enroll = VISAGE_ENROLL_WINDOW (vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW));
  visage_enroll_window_set_name (enroll, PERSON_NAME);
  visage_enroll_window_add_photos (enroll, paths);
  vs_gui_test_run_for (150);
  gtk_window_close (GTK_WINDOW (enroll));
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));
  /* Let the thread finish with nobody listening. */
  vs_gui_test_run_for (2000);

  close_all ();
  after = dump_database (db_path);
  g_assert_cmpstr (before, ==, after);
}


static gboolean
shows_person_name (gpointer data)
{
  GtkWidget *row = vs_gui_test_find_by_id (GTK_WIDGET (data), "person_row");

  return row != NULL && gtk_widget_get_visible (row) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), OTHER_NAME) == 0;
}

static void
test_enroll_for_person (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = make_slideshow (OTHER, 20, 50);
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (db_path, &error);
  g_autoptr(VsPerson) before = NULL;
  g_autoptr(VsPerson) after = NULL;
  g_autoptr(GPtrArray) people = NULL;
  gint64 saved_id = 0;

  g_assert_no_error (error);
  before = vs_store_find_person_by_name (store, OTHER_NAME, &error);
  g_assert_nonnull (before);

  /* As the People page does it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-samples", "x", before->id));
  enroll = VISAGE_ENROLL_WINDOW (vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW));
  g_assert_nonnull (enroll);
  g_assert_cmpint (visage_enroll_window_get_person_id (enroll), ==, before->id);
  g_assert_null (visage_enroll_window_get_name (enroll));
  g_signal_connect (enroll, "saved", G_CALLBACK (saved_cb), &saved_id);
  /* Whose samples these are, where the name entry would be. */
  g_assert_true (vs_gui_test_wait_for (shows_person_name, enroll, 5000));

  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, CAPTURE_TIMEOUT_MS));
  g_free (vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll-person.png"));
  visage_enroll_window_save (enroll);
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));
  g_assert_cmpint (saved_id, ==, before->id);

  after = vs_store_get_person (store, before->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->n_samples, ==, before->n_samples + 5);
  people = vs_store_list_people (store, &error);
  g_assert_cmpuint (people->len, ==, 1);

  close_all ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  vs_test_init (&argc, &argv);
  vs_gui_test_init (&argc, &argv);

  engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_assert_no_error (error);

  for (guint n = 10; n <= 40 && n_other_good_photos < G_N_ELEMENTS (other_good_photos); n++)
    {
      g_autoptr(VsImage) image = load_lfw (OTHER, n);

      if (passes (image))
        other_good_photos[n_other_good_photos++] = n;
    }

  /* The photos of PERSON that pass the checks, for the session test. */
  for (guint n = 1; n <= 40 && n_good_photos < G_N_ELEMENTS (good_photos); n++)
    {
      g_autoptr(VsImage) image = load_lfw (PERSON, n);

      if (passes (image))
        good_photos[n_good_photos++] = n;
    }

  app = visage_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/enroll/session", test_enroll_session);
  g_test_add_func ("/enroll/session-models-missing", test_enroll_session_models_missing);
  g_test_add_func ("/enroll/session-person-switch", test_enroll_session_person_switch);
  g_test_add_func ("/enroll/window-save", test_enroll_window_save);
  g_test_add_func ("/enroll/window-cancel", test_enroll_window_cancel);
  g_test_add_func ("/enroll/made-ahead", test_enroll_made_ahead);
  g_test_add_func ("/enroll/window-person-switch", test_enroll_window_person_switch);
  g_test_add_func ("/enroll/name-checks", test_enroll_name_checks);
  g_test_add_func ("/enroll/look-alike", test_enroll_look_alike);
  g_test_add_func ("/enroll/existing-name", test_enroll_existing_name);
  g_test_add_func ("/enroll/database-embedder", test_database_embedder);
  g_test_add_func ("/enroll/photos", test_enroll_photos);
  g_test_add_func ("/enroll/photos-closed", test_enroll_photos_closed);
  g_test_add_func ("/enroll/for-person", test_enroll_for_person);

  status = g_test_run ();

  vs_gui_test_destroy_all_windows ();
  g_clear_object (&app);
  vs_engine_free (engine);
  return status;
}

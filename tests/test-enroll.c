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
  return vs_quality_check (image, faces, NULL, &report);
}

/* Photos first..last of a person, as the CLI would store them. */
static gint64
enroll (VsStore    *store,
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
      g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
      int pick;

      g_assert_no_error (error);
      pick = vs_faces_pick_central (faces, image);
      g_assert_cmpint (pick, >=, 0);
      g_ptr_array_add (samples, vs_engine_make_sample (engine, image,
                                                       &g_array_index (faces, VsFace, pick),
                                                       NULL, &error));
      g_assert_no_error (error);
    }

  id = vs_store_add_samples (store, 0, name, samples, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
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

static VisageWindow *
open_window (const char *images_dir,
             const char *db_path)
{
  g_autofree char *source = g_strconcat ("images:", images_dir, NULL);
  VisageWindow *window;

  window = g_object_new (VISAGE_TYPE_WINDOW,
                         "application", app,
                         "settings", visage_application_get_settings (app),
                         "source", source,
                         "images-fps", SLIDESHOW_FPS,
                         "db-path", db_path,
                         NULL);
  gtk_window_present (GTK_WINDOW (window));
  return window;
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
  g_assert_cmpstr (visage_live_page_get_state (watch.page), ==, "video");

  /* Mid-capture: a screenshot. */
  g_assert_true (vs_gui_test_wait_for (has_two_samples, enroll, CAPTURE_TIMEOUT_MS));
  g_assert_cmpstr (visage_live_page_get_state (watch.page), ==, "video");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (visage_live_page_get_live_model (watch.page))), ==, 0);
  g_test_message ("hint mid-capture: %s", visage_enroll_window_get_hint (enroll));
  png = vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll.png");
  g_clear_pointer (&png, g_free);

  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, CAPTURE_TIMEOUT_MS));
  captured_us = g_get_monotonic_time ();
  g_test_message ("hint when done: %s", visage_enroll_window_get_hint (enroll));
  g_assert_true (visage_enroll_window_get_can_save (enroll));
  g_assert_true (g_str_has_prefix (visage_enroll_window_get_hint (enroll), "All samples taken"));
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
  saved_us = g_get_monotonic_time () - saved_us;
  g_assert_cmpint (saved_id, >, 0);
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));

  /* The time a person waits: the action to all samples, plus saving. */
  g_test_message ("enrollment wall time: %.2f s from the action to 5 samples, save %.0f ms",
                  (captured_us - start) / 1e6, saved_us / 1e3);
  g_assert_cmpfloat ((captured_us - start + saved_us) / 1e6, <, 10.0);

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

  /* The live view names them now, without a restart. */
  start = g_get_monotonic_time ();
  g_assert_true (vs_gui_test_wait_for (live_names, &watch, 20000));
  g_test_message ("named live %.2f s after saving", (g_get_monotonic_time () - start) / 1e6);

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

  /* A name already enrolled is allowed, with a warning. */
  visage_enroll_window_set_name (enroll, OTHER_NAME);
  g_assert_cmpstr (visage_enroll_window_get_name (enroll), ==, OTHER_NAME);
  g_assert_nonnull (visage_enroll_window_get_name_message (enroll));
  g_assert_nonnull (strstr (visage_enroll_window_get_name_message (enroll), "already enrolled"));

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

static gboolean
photos_done (gpointer data)
{
  g_autoptr(GPtrArray) subtitles = g_ptr_array_new_with_free_func (g_free);

  collect_subtitles (data, subtitles);
  return subtitles->len == 5 && visage_enroll_window_get_can_save (data);
}

static void
test_enroll_photos (void)
{
  g_autofree char *db_path = make_database (FALSE);
  g_autofree char *images = make_slideshow (OTHER, 10, 12);
  g_autofree char *photos = vs_test_make_tmpdir ();
  g_autofree char *two = g_build_filename (photos, "two.png", NULL);
  g_autofree char *text = g_build_filename (photos, "notes.jpg", NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) subtitles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPerson) person = NULL;
  VisageWindow *window = open_window (images, db_path);
  VisageEnrollWindow *enroll;
  guint good = 0, many = 0, unreadable = 0;

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (paths, vs_test_lfw_path (PERSON, good_photos[i]));

  /* Two people side by side. */
  {
    g_autoptr(VsImage) a = load_lfw (PERSON, good_photos[0]);
    g_autoptr(VsImage) b = load_lfw (OTHER, 1);
    g_autoptr(VsImage) both = vs_image_new (a->width + b->width, a->height);

    for (int y = 0; y < a->height; y++)
      {
        memcpy (both->data + (gsize) y * both->stride, a->data + (gsize) y * a->stride, (gsize) a->width * 3);
        memcpy (both->data + (gsize) y * both->stride + a->width * 3,
                b->data + (gsize) y * b->stride, (gsize) b->width * 3);
      }
    g_assert_true (vs_image_save (both, two, &error));
    g_assert_no_error (error);
    g_ptr_array_add (paths, g_strdup (two));
  }
  g_assert_true (g_file_set_contents (text, "not a picture", -1, &error));
  g_ptr_array_add (paths, g_strdup (text));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-person", NULL));
  enroll = VISAGE_ENROLL_WINDOW (vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW));
  visage_enroll_window_set_name (enroll, PERSON_NAME);
  visage_enroll_window_add_photos (enroll, paths);
  g_assert_cmpstr (visage_enroll_window_get_mode (enroll), ==, "photos");
  g_assert_true (vs_gui_test_wait_for (photos_done, enroll, 20000));

  collect_subtitles (GTK_WIDGET (enroll), subtitles);
  for (guint i = 0; i < subtitles->len; i++)
    {
      const char *subtitle = g_ptr_array_index (subtitles, i);

      g_test_message ("photo %u: %s", i, subtitle);
      good += g_str_equal (subtitle, "Good");
      many += g_str_equal (subtitle, "More than one face");
      unreadable += g_str_equal (subtitle, "Not a picture Visage can read");
    }
  g_assert_cmpuint (good, ==, 3);
  g_assert_cmpuint (many, ==, 1);
  g_assert_cmpuint (unreadable, ==, 1);
  g_assert_cmpuint (visage_enroll_window_get_n_samples (enroll), ==, 3);

  vs_gui_test_run_for (100);
  g_free (vs_gui_test_save_png (GTK_WIDGET (enroll), "visage-enroll-photos.png"));

  visage_enroll_window_save (enroll);
  g_assert_true (vs_gui_test_wait_for (window_gone, GSIZE_TO_POINTER (VISAGE_TYPE_ENROLL_WINDOW), 5000));

  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  person = vs_store_find_person_by_name (store, PERSON_NAME, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  g_assert_cmpuint (person->n_samples, ==, 3);

  close_all ();
}

/* Closing while photos are being checked: nothing is saved, nothing breaks. */
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
  g_test_add_func ("/enroll/window-save", test_enroll_window_save);
  g_test_add_func ("/enroll/window-cancel", test_enroll_window_cancel);
  g_test_add_func ("/enroll/name-checks", test_enroll_name_checks);
  g_test_add_func ("/enroll/look-alike", test_enroll_look_alike);
  g_test_add_func ("/enroll/photos", test_enroll_photos);
  g_test_add_func ("/enroll/photos-closed", test_enroll_photos_closed);
  g_test_add_func ("/enroll/for-person", test_enroll_for_person);

  status = g_test_run ();

  vs_gui_test_destroy_all_windows ();
  g_clear_object (&app);
  vs_engine_free (engine);
  return status;
}

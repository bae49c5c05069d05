/* test-live.c: the live view names enrolled people and calls a stranger
 * Unknown, end to end: LFW photos as an images: slideshow → camera →
 * recognizer → live model, in the real window; plus a screenshot. Runs
 * under xvfb-run. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "visage-application.h"
#include "visage-live-page.h"
#include "visage-people-page.h"
#include "visage-window-private.h"
#include "vs-engine.h"
#include "vs-gui-test-util.h"
#include "vs-live-model.h"
#include "vs-store.h"
#include "vs-test-util.h"

#define ENROLLED_A "Colin_Powell"
#define ENROLLED_B "Tony_Blair"
#define STRANGER   "Gerhard_Schroeder"
#define NAME_A     "Colin Powell"
#define NAME_B     "Tony Blair"
#define SLIDESHOW_FPS 1.5
#define RECOGNIZE_TIMEOUT_MS 30000

static VisageApplication *app;
static char *db_path;

/* Photos 1–5 of a person, stored as the CLI would: engine + store. */
static void
enroll (VsEngine   *engine,
        VsStore    *store,
        const char *person,
        const char *name)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GError) error = NULL;
  guint dim = vs_engine_get_dim (engine);

  for (guint n = 1; n <= 5; n++)
    {
      g_autofree char *path = vs_test_lfw_path (person, n);
      g_autoptr(VsImage) image = vs_image_load (path, &error);
      g_autoptr(GArray) faces = NULL;
      g_autoptr(VsImage) aligned = NULL;
      g_autoptr(GBytes) crop = NULL;
      g_autofree float *embedding = g_new0 (float, dim);
      const VsFace *face;
      int pick;

      g_assert_no_error (error);
      faces = vs_engine_detect (engine, image, &error);
      g_assert_no_error (error);
      pick = vs_faces_pick_central (faces, image);
      g_assert_cmpint (pick, >=, 0);
      face = &g_array_index (faces, VsFace, pick);
      g_assert_true (vs_engine_embed_face (engine, image, face, embedding, &aligned, &error));
      g_assert_no_error (error);
      crop = vs_image_encode_png (aligned, &error);
      g_assert_no_error (error);

      g_ptr_array_add (samples, vs_sample_new (vs_engine_get_embedder (engine)->id,
                                               embedding, dim, face->score, crop, path));
    }

  g_assert_cmpint (vs_store_add_samples (store, 0, name, samples, &error), >, 0);
  g_assert_no_error (error);
}

static void
make_database (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(VsStore) store = NULL;

  db_path = g_build_filename (dir, "visage.db", NULL);
  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_assert_no_error (error);

  enroll (engine, store, ENROLLED_A, NAME_A);
  enroll (engine, store, ENROLLED_B, NAME_B);
}

/* A folder with photos first..last of each person (never the enrolled ones). */
static char *
make_slideshow (const char * const *people,
                guint               first,
                guint               last)
{
  char *dir = vs_test_make_tmpdir ();

  for (guint p = 0; people[p] != NULL; p++)
    vs_test_copy_lfw (dir, people[p], first, last);

  return dir;
}

static VisageWindow *
open_window (const char *images_dir)
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

/* What the live model showed over time. */
typedef struct {
  VisageLivePage *page;
  GHashTable     *known;          /* names seen KNOWN */
  guint           unknown;        /* polls with an UNKNOWN track */
  guint           max_faces;
  const char    **wanted;         /* names to wait for, or NULL */
  gboolean        want_unknown;
} Watch;

static gboolean
watch_cb (gpointer data)
{
  Watch *watch = data;
  GListModel *model = G_LIST_MODEL (visage_live_page_get_live_model (watch->page));
  guint n = g_list_model_get_n_items (model);

  watch->max_faces = MAX (watch->max_faces, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsTrack) track = g_list_model_get_item (model, i);

      switch (vs_track_get_state (track))
        {
        case VS_TRACK_KNOWN:
          g_assert_nonnull (vs_track_get_name (track));
          g_assert_cmpstr (vs_track_get_label (track), ==, vs_track_get_name (track));
          g_hash_table_add (watch->known, g_strdup (vs_track_get_name (track)));
          break;

        case VS_TRACK_UNKNOWN:
          g_assert_null (vs_track_get_name (track));
          watch->unknown++;
          break;

        case VS_TRACK_IDENTIFYING:
        default:
          break;
        }
    }

  if (watch->want_unknown)
    return watch->unknown >= 3;

  for (guint i = 0; watch->wanted[i] != NULL; i++)
    if (!g_hash_table_contains (watch->known, watch->wanted[i]))
      return FALSE;
  return TRUE;
}

static void
recognized_cb (VisageLivePage *page,
               gint64          person_id,
               const char     *name,
               GHashTable     *names)
{
  g_assert_cmpint (person_id, >, 0);
  g_hash_table_add (names, g_strdup (name));
}

static gboolean
is_video (gpointer data)
{
  return g_str_equal (visage_live_page_get_state (data), "video");
}

static void
test_live_names_enrolled (void)
{
  static const char *people[] = { ENROLLED_A, ENROLLED_B, NULL };
  static const char *wanted[] = { NAME_A, NAME_B, NULL };
  g_autofree char *images = make_slideshow (people, 10, 13);
  VisageWindow *window = open_window (images);
  Watch watch = { 0 };
  g_autoptr(GHashTable) recognized = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *status = NULL;
  g_autofree char *png = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 start = g_get_monotonic_time ();

  watch.page = visage_window_get_live_page (window);
  watch.known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  watch.wanted = wanted;
  g_signal_connect (watch.page, "recognized", G_CALLBACK (recognized_cb), recognized);

  g_assert_true (vs_gui_test_wait_for (is_video, watch.page, 10000));
  g_assert_true (vs_gui_test_wait_for (watch_cb, &watch, RECOGNIZE_TIMEOUT_MS));
  g_test_message ("both named after %.1f s", (g_get_monotonic_time () - start) / 1e6);

  /* Nobody else was named (a face in the background stays a stranger). */
  g_test_message ("at most %u faces at once", watch.max_faces);
  g_assert_cmpuint (watch.max_faces, >=, 1);
  g_assert_cmpuint (g_hash_table_size (watch.known), ==, 2);

  /* Each person named was announced (and recorded as seen). */
  g_assert_true (g_hash_table_contains (recognized, NAME_A));
  g_assert_true (g_hash_table_contains (recognized, NAME_B));
  g_assert_true (g_str_has_suffix (visage_live_page_get_announcement (watch.page), " recognized"));

  status = visage_live_page_dup_status_text (watch.page);
  g_test_message ("status line: %s", status);
  g_assert_nonnull (strstr (status, "1 face"));
  g_assert_nonnull (strstr (status, "Recognition"));

  /* Wait for a frame with its label on screen, then keep a screenshot. */
  vs_gui_test_run_for (300);
  png = vs_gui_test_save_png (GTK_WIDGET (window), "visage-live.png");
  texture = gdk_texture_new_from_filename (png, NULL);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (window)));

  /* The People page lists the two, by name. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "people"));
  g_assert_cmpstr (visage_window_get_visible_page_name (window), ==, "people");
  g_assert_cmpuint (visage_people_page_get_n_people (window->people_page), ==, 2);
  g_clear_pointer (&png, g_free);
  vs_gui_test_run_for (300);
  png = vs_gui_test_save_png (GTK_WIDGET (window), "visage-people.png");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (100);
  g_hash_table_unref (watch.known);
}

static void
test_live_stranger_unknown (void)
{
  static const char *people[] = { STRANGER, NULL };
  g_autofree char *images = make_slideshow (people, 10, 15);
  VisageWindow *window = open_window (images);
  Watch watch = { 0 };

  watch.page = visage_window_get_live_page (window);
  watch.known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  watch.want_unknown = TRUE;

  g_assert_true (vs_gui_test_wait_for (is_video, watch.page, 10000));
  g_assert_true (vs_gui_test_wait_for (watch_cb, &watch, RECOGNIZE_TIMEOUT_MS));
  /* Keep watching a few more seconds: the stranger is never given a name. */
  for (guint i = 0; i < 30; i++)
    {
      watch_cb (&watch);
      vs_gui_test_run_for (100);
    }
  g_assert_cmpuint (g_hash_table_size (watch.known), ==, 0);
  g_assert_null (visage_live_page_get_announcement (watch.page));

  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (100);
  g_hash_table_unref (watch.known);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  vs_test_init (&argc, &argv);
  vs_gui_test_init (&argc, &argv);

  make_database ();

  app = visage_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/live/names-enrolled", test_live_names_enrolled);
  g_test_add_func ("/live/stranger-unknown", test_live_stranger_unknown);

  status = g_test_run ();

  vs_gui_test_destroy_all_windows ();
  g_clear_object (&app);
  g_free (db_path);
  return status;
}

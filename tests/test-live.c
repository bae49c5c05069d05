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
#include "visage-preferences-window.h"
#include "visage-window-private.h"
#include "vs-engine.h"
#include "vs-gui-test-util.h"
#include "vs-live-model.h"
#include "vs-store.h"
#include "vs-test-band.h"
#include "vs-test-util.h"

#define ENROLLED_A "Colin_Powell"
#define ENROLLED_B "Tony_Blair"
#define STRANGER   "Gerhard_Schroeder"
#define NAME_A     "Colin Powell"
#define NAME_B     "Tony Blair"
/* Each photo 2.5 s in front of the camera, as a person at a desk. */
#define SLIDESHOW_FPS 0.4
#define RECOGNIZE_TIMEOUT_MS 30000

static VisageApplication *app;
static char *db_path;

/* Pictures of one person, stored as the CLI would: engine + store. */
static void
enroll_pictures (VsEngine          *engine,
                 VsStore           *store,
                 const char * const *paths,
                 const char        *name)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GError) error = NULL;
  guint dim = vs_engine_get_dim (engine);

  for (guint n = 0; paths[n] != NULL; n++)
    {
      const char *path = paths[n];
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

/* Photos 1–5 of an LFW person. */
static void
enroll (VsEngine   *engine,
        VsStore    *store,
        const char *person,
        const char *name)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint n = 1; n <= 5; n++)
    g_ptr_array_add (paths, vs_test_lfw_path (person, n));
  g_ptr_array_add (paths, NULL);
  enroll_pictures (engine, store, (const char * const *) paths->pdata, name);
}

/* Besides A and B, the enrolled picture of a band pair, if any. */
static void
make_database (const VsTestBandPair *band)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(VsStore) store = NULL;

  /* Each test its own database: none sees what another left. */
  g_free (db_path);
  db_path = g_build_filename (dir, "visage.db", NULL);
  store = vs_store_open (db_path, &error);
  g_assert_no_error (error);
  engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_assert_no_error (error);

  enroll (engine, store, ENROLLED_A, NAME_A);
  enroll (engine, store, ENROLLED_B, NAME_B);
  if (band != NULL)
    {
      const char *paths[] = { band->enrolled, NULL };
      enroll_pictures (engine, store, paths, "Band Person");
    }
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
open_window (const char          *images_dir,
             const VsTestBandPair *band)
{
  g_autofree char *source = g_strconcat ("images:", images_dir, NULL);
  g_autoptr(VisageSession) session = NULL;
  VisageWindow *window;

  /* Every window (one per test) on a database of its own. */
  make_database (band);
  session = visage_application_dup_session (app, db_path, NULL, NULL);
  window = g_object_new (VISAGE_TYPE_WINDOW,
                         "application", app,
                         "session", session,
                         "source", source,
                         "images-fps", SLIDESHOW_FPS,
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
  return visage_live_page_get_state (data) == VISAGE_LIVE_STATE_VIDEO;
}

/* Waits until the model holds a known, an unknown and an identifying face. */
typedef struct {
  VisageLivePage *page;
  guint           n_faces;
} StatesWatch;

static gboolean
states_cb (gpointer data)
{
  StatesWatch *watch = data;
  GListModel *model = G_LIST_MODEL (visage_live_page_get_live_model (watch->page));
  guint counts[3] = { 0 };
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsTrack) track = g_list_model_get_item (model, i);
      counts[vs_track_get_state (track)]++;
    }
  /* The boxes drawn (none while they lag the picture too much). */
  watch->n_faces = vs_face_overlay_get_n_boxes (visage_live_page_get_face_overlay (watch->page));
  /* LFW photos hold bits of other faces at their edges: more than three
   * boxes is fine, the three people must be there. */
  return watch->n_faces == n && counts[VS_TRACK_KNOWN] == 1 && counts[VS_TRACK_UNKNOWN] >= 1 &&
         counts[VS_TRACK_IDENTIFYING] >= 1;
}

static void
test_live_names_enrolled (void)
{
  static const char *people[] = { ENROLLED_A, ENROLLED_B, NULL };
  static const char *wanted[] = { NAME_A, NAME_B, NULL };
  g_autofree char *images = make_slideshow (people, 10, 13);
  VisageWindow *window = open_window (images, NULL);
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
  g_assert_true (strstr (status, NAME_A) != NULL || strstr (status, NAME_B) != NULL);

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
  VisageWindow *window = open_window (images, NULL);
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

/* The live view compares with the open-set threshold from the settings
 * (by default the manifest's): an enrolled person's face that scores
 * between the 1:1 and the open-set thresholds stays Unknown. */
static void
test_live_band_face_unnamed (void)
{
  g_auto(VsTestBandPair) band = { 0 };
  g_autofree char *images = vs_test_make_tmpdir ();
  VisageWindow *window;
  Watch watch = { 0 };

  vs_test_find_band_pair (NULL, &band);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *copy = g_strdup_printf ("%s/probe-%u.jpg", images, i);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (band.probe, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
    }
  window = open_window (images, &band);
  watch.page = visage_window_get_live_page (window);
  watch.known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  watch.want_unknown = TRUE;

  g_assert_true (vs_gui_test_wait_for (is_video, watch.page, 10000));
  g_assert_true (vs_gui_test_wait_for (watch_cb, &watch, RECOGNIZE_TIMEOUT_MS));
  for (guint i = 0; i < 30; i++)
    {
      watch_cb (&watch);
      vs_gui_test_run_for (100);
    }
  g_assert_cmpuint (g_hash_table_size (watch.known), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (100);
  g_hash_table_unref (watch.known);
}

/* Three people side by side in one picture: someone enrolled, a stranger,
 * and someone enrolled twice under two names, whom the gallery cannot tell
 * apart (within the margin): that face stays "identifying" for good. */
static void
test_live_overlay_states (void)
{
  static const char * const people[] = { ENROLLED_A, STRANGER, ENROLLED_B };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *images = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "visage.db", NULL);
  g_autofree char *scene = g_build_filename (images, "scene.jpg", NULL);
  g_autofree char *source = g_strconcat ("images:", images, NULL);
  g_autoptr(GdkPixbuf) canvas = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 750, 250);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *png = NULL;
  g_autoptr(VisageSession) session = NULL;
  VisageWindow *window;
  VisageLivePage *page;
  StatesWatch watch = { 0 };

  {
    g_autoptr(VsStore) store = vs_store_open (db, &error);
    g_autoptr(VsEngine) engine = vs_engine_new (vs_test_models_dir (), NULL, &error);

    g_assert_no_error (error);
    enroll (engine, store, ENROLLED_A, NAME_A);
    enroll (engine, store, ENROLLED_B, NAME_B);
    enroll (engine, store, ENROLLED_B, "Tony Blair’s Double");
  }
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *path = vs_test_lfw_path (people[i], 10);
      g_autoptr(GdkPixbuf) photo = gdk_pixbuf_new_from_file (path, &error);

      g_assert_no_error (error);
      gdk_pixbuf_copy_area (photo, 0, 0, 250, 250, canvas, 250 * i, 0);
    }
  g_assert_true (gdk_pixbuf_save (canvas, scene, "jpeg", &error, "quality", "95", NULL));

  session = visage_application_dup_session (app, db, NULL, NULL);
  window = g_object_new (VISAGE_TYPE_WINDOW,
                         "application", app,
                         "session", session,
                         "source", source,
                         "images-fps", SLIDESHOW_FPS,
                         NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 520);
  gtk_window_present (GTK_WINDOW (window));
  page = visage_window_get_live_page (window);
  watch.page = page;
  g_assert_true (vs_gui_test_wait_for (is_video, page, 10000));
  /* A still picture: boxes are right however late they come (on a loaded
   * test machine recognition can lag the picture by seconds). */
  vs_face_overlay_set_max_lag (visage_live_page_get_face_overlay (page), 0);
  g_assert_true (vs_gui_test_wait_for (states_cb, &watch, RECOGNIZE_TIMEOUT_MS));

  /* The status line counts the boxes drawn and says who is there. */
  status = visage_live_page_dup_status_text (page);
  g_test_message ("status line: %s", status);
  {
    g_autofree char *faces = g_strdup_printf ("%u faces", watch.n_faces);
    g_assert_nonnull (strstr (status, faces));
  }
  g_assert_nonnull (strstr (status, NAME_A));
  g_assert_nonnull (strstr (status, "unknown"));
  g_assert_nonnull (strstr (status, "being identified"));
  /* Frame rates and latency are in the statistics popover, not the line. */
  g_assert_null (strstr (status, "fps"));

  vs_gui_test_run_for (300);
  png = vs_gui_test_save_png (GTK_WIDGET (window), "visage-live-states.png");

  /* Usable at 360 px wide: the window gets that narrow, the line still
   * fits (its labels ellipsize). */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  vs_gui_test_run_for (500);
  g_test_message ("narrow window: %d px", gtk_widget_get_width (GTK_WIDGET (window)));
  g_clear_pointer (&png, g_free);
  png = vs_gui_test_save_png (GTK_WIDGET (window), "visage-live-narrow.png");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (100);
}

static GtkWidget *
find_button_with_tooltip (GtkWidget  *widget,
                          const char *tooltip)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with_tooltip (child, tooltip);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Strictness in words, tied to the manifest's measured thresholds. */
static void
test_preferences_strictness (void)
{
  GSettings *settings = visage_application_get_settings (app);
  const VsModelInfo *info = vs_models_lookup (vs_models_get_default_embedder (), NULL);
  GtkWidget *prefs;
  GtkWidget *reset;
  VsMatchParams params;
  g_autofree char *png = NULL;

  g_assert_nonnull (info);
  g_assert_cmpfloat (info->far_thresholds[0], >, 0);
  g_assert_cmpfloat (info->far_thresholds[0], <, info->threshold);
  g_assert_cmpfloat (info->far_thresholds[2], >, info->threshold);

  prefs = visage_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_true (vs_gui_test_wait_allocated (prefs, 5000));
  reset = find_button_with_tooltip (prefs, "Back to the Default (Balanced)");
  g_assert_nonnull (reset);

  /* Balanced by default: the manifest's default threshold, no reset. */
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat (params.threshold, ==, info->threshold);
  g_assert_false (gtk_widget_get_visible (reset));

  /* Strict, then lenient: the thresholds measured at 1e-6 and 1e-4. */
  g_settings_set_string (settings, "match-strictness", "strict");
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat (params.threshold, ==, info->far_thresholds[2]);
  g_assert_true (gtk_widget_get_visible (reset));
  vs_gui_test_run_for (200);
  png = vs_gui_test_save_png (prefs, "visage-preferences-strictness.png");

  g_settings_set_string (settings, "match-strictness", "lenient");
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat (params.threshold, ==, info->far_thresholds[0]);

  /* Custom takes the threshold set; 0 stands for the default. */
  g_settings_set_string (settings, "match-strictness", "custom");
  g_settings_set_double (settings, "match-threshold", 0.6);
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat_with_epsilon (params.threshold, 0.6, 1e-6);

  /* One click back to the default. */
  g_signal_emit_by_name (reset, "clicked");
  g_assert_cmpstr (g_settings_get_string (settings, "match-strictness"), ==, "balanced");
  g_assert_cmpfloat (g_settings_get_double (settings, "match-threshold"), ==, 0.0);
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat (params.threshold, ==, info->threshold);

  gtk_window_destroy (GTK_WINDOW (prefs));
  vs_gui_test_run_for (100);
}

/* What the live view showed on a picture without faces. */
typedef struct {
  VisageLivePage *page;
  gint64          first_us;      /* capture time of the first recognized frame */
  guint           max_boxes;
  guint           max_tracks;
} EmptyWatch;

static gboolean
three_seconds_recognized (gpointer data)
{
  EmptyWatch *watch = data;
  VsLiveModel *model = visage_live_page_get_live_model (watch->page);
  gint64 now_us = vs_live_model_get_capture_time (model);

  watch->max_boxes = MAX (watch->max_boxes,
                          vs_face_overlay_get_n_boxes (visage_live_page_get_face_overlay (watch->page)));
  watch->max_tracks = MAX (watch->max_tracks, g_list_model_get_n_items (G_LIST_MODEL (model)));
  if (now_us <= 0)
    return FALSE;
  if (watch->first_us <= 0)
    watch->first_us = now_us;
  return now_us - watch->first_us >= 3 * G_USEC_PER_SEC;
}

/* A covered lens (black) and the test pattern: 3 s of frames recognized,
 * and never a box or a track on screen (a phantom face in the dark drew
 * two red boxes before the detector changed). */
static void
test_live_no_face_no_box (void)
{
  const char *sources[] = { "test:black", "test" };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr(VisageSession) session = NULL;
      EmptyWatch watch = { 0 };
      VisageWindow *window;

      make_database (NULL);
      session = visage_application_dup_session (app, db_path, NULL, NULL);
      window = g_object_new (VISAGE_TYPE_WINDOW,
                             "application", app,
                             "session", session,
                             "source", sources[i],
                             NULL);
      gtk_window_present (GTK_WINDOW (window));
      watch.page = visage_window_get_live_page (window);
      g_assert_true (vs_gui_test_wait_for (is_video, watch.page, 20000));
      g_assert_true (vs_gui_test_wait_for (three_seconds_recognized, &watch, 60000));
      g_test_message ("%s: %.1f s of frames recognized, at most %u boxes and %u tracks",
                      sources[i],
                      (vs_live_model_get_capture_time (visage_live_page_get_live_model (watch.page)) - watch.first_us) / 1e6,
                      watch.max_boxes, watch.max_tracks);
      g_assert_cmpuint (watch.max_boxes, ==, 0);
      g_assert_cmpuint (watch.max_tracks, ==, 0);
      if (i == 0)
        g_free (vs_gui_test_save_png (GTK_WIDGET (window), "visage-live-black.png"));
      gtk_window_destroy (GTK_WINDOW (window));
      vs_gui_test_run_for (200);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  vs_test_init (&argc, &argv);
  vs_gui_test_init (&argc, &argv);

  app = visage_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/live/names-enrolled", test_live_names_enrolled);
  g_test_add_func ("/live/stranger-unknown", test_live_stranger_unknown);
  g_test_add_func ("/live/band-face-unnamed", test_live_band_face_unnamed);
  g_test_add_func ("/live/overlay-states", test_live_overlay_states);
  g_test_add_func ("/live/preferences-strictness", test_preferences_strictness);
  g_test_add_func ("/live/no-face-no-box", test_live_no_face_no_box);

  status = g_test_run ();

  vs_gui_test_destroy_all_windows ();
  g_clear_object (&app);
  g_free (db_path);
  return status;
}

/* test-session.c: the VisageSession the application shares between the
 * windows on one database (issue 11), and the camera that runs only while
 * someone looks: the live view or the enrollment window. The People page
 * shown, or the window hidden, stops the pipeline; the live view shown
 * again brings video back. Screenshots of both pages go to the build
 * folder. Runs under xvfb-run (suite gui); with -m slow (suite slow) the
 * video must also be back within a second.
 */
#include "config.h"

#include <adwaita.h>

#include "visage-application.h"
#include "visage-enroll-window.h"
#include "visage-session.h"
#include "visage-window.h"
#include "vs-gui-test-util.h"
#include "vs-test-util.h"

#define WAIT_MS        10000
/* How long the People page stays in front: the camera must be off all along. */
#define PEOPLE_SHOWN_MS 5000
#define BACK_WITHIN_US (1 * G_USEC_PER_SEC)

static VisageApplication *app;

typedef struct {
  VisageWindow  *window;
  VisageSession *session;
  VsCamera      *camera;
  guint          frames;     /* display frames of the camera since the start */
} Fixture;

static void
display_frame_cb (VsCamera     *camera,
                  VsVideoFrame *frame,
                  gpointer      data)
{
  Fixture *f = data;

  f->frames++;
}

static VisageWindow *
open_window (VisageSession *session,
             const char    *source)
{
  VisageWindow *window = g_object_new (VISAGE_TYPE_WINDOW,
                                       "application", app,
                                       "session", session,
                                       "source", source,
                                       NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "visage.db", NULL);

  f->session = visage_application_dup_session (app, db, NULL, NULL);
  f->window = open_window (f->session, "test");
  /* The live page took the session's camera of the source. */
  f->camera = visage_session_lookup_camera (f->session, "test");
  g_assert_nonnull (f->camera);
  g_object_ref (f->camera);
  g_signal_connect (f->camera, "display-frame", G_CALLBACK (display_frame_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->camera, f);
  g_clear_object (&f->camera);
  vs_gui_test_destroy_all_windows ();
  g_clear_object (&f->session);
}

static gboolean
frames_at_least (gpointer data)
{
  Fixture *f = data;
  guint wanted = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->camera), "wanted-frames"));

  return f->frames >= wanted;
}

/* Iterates the main loop until the camera has shown n more frames. */
static gboolean
wait_for_frames (Fixture *f,
                 guint    n)
{
  g_object_set_data (G_OBJECT (f->camera), "wanted-frames", GUINT_TO_POINTER (f->frames + n));
  return vs_gui_test_wait_for (frames_at_least, f, WAIT_MS);
}

static gboolean
camera_stopped (gpointer data)
{
  return vs_camera_get_state (VS_CAMERA (data)) == VS_CAMERA_STATE_STOPPED;
}

static gboolean
camera_playing (gpointer data)
{
  return vs_camera_get_state (VS_CAMERA (data)) == VS_CAMERA_STATE_PLAYING;
}

static void
show_page (VisageWindow *window,
           const char   *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", name));
  g_assert_cmpstr (visage_window_get_visible_page_name (window), ==, name);
}

/* Keeps the main loop running for ms, asserting the camera stays stopped
 * and shows nothing all along. */
static void
assert_stays_stopped (Fixture *f,
                      guint    ms)
{
  guint frames = f->frames;
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;

  while (g_get_monotonic_time () < end)
    {
      vs_gui_test_run_for (100);
      g_assert_cmpint (vs_camera_get_state (f->camera), ==, VS_CAMERA_STATE_STOPPED);
    }
  g_assert_cmpuint (f->frames, ==, frames);
}

/* People page in front for 5 s: pipeline stopped (no frame, no light), no
 * face recognised; Live again: a new frame arrives. */
static void
test_camera_off_behind_people (Fixture       *f,
                               gconstpointer  data)
{
  VisageLivePage *page = visage_window_get_live_page (f->window);
  g_autofree char *png = NULL;
  gint64 start;
  double latency_ms;

  g_assert_true (wait_for_frames (f, 5));
  g_assert_true (vs_gui_test_wait_for (camera_playing, f->camera, WAIT_MS));
  g_assert_cmpint (visage_live_page_get_state (page), ==, VISAGE_LIVE_STATE_VIDEO);
  png = vs_gui_test_save_png (GTK_WIDGET (f->window), "session-live.png");
  g_test_message ("screenshot: %s", png);
  g_clear_pointer (&png, g_free);

  show_page (f->window, "people");
  /* Stopped as the page changed (the state changes synchronously). */
  g_assert_true (camera_stopped (f->camera));
  assert_stays_stopped (f, PEOPLE_SHOWN_MS);
  /* The recognizer is paused: no track left over either. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (visage_live_page_get_live_model (page))), ==, 0);
  png = vs_gui_test_save_png (GTK_WIDGET (f->window), "session-people.png");
  g_test_message ("screenshot: %s", png);

  start = g_get_monotonic_time ();
  show_page (f->window, "live");
  g_assert_true (wait_for_frames (f, 1));
  latency_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_test_message ("camera back: first new frame %.0f ms after the live page was shown", latency_ms);
  /* PLAYING comes through the bus, maybe after the first frame. */
  g_assert_true (vs_gui_test_wait_for (camera_playing, f->camera, WAIT_MS));
  g_assert_cmpint (visage_live_page_get_state (page), ==, VISAGE_LIVE_STATE_VIDEO);
  if (g_test_slow ())
    g_assert_cmpfloat (latency_ms, <, BACK_WITHIN_US / 1000.0);
}

/* The window hidden: nobody looks. Shown again: video. */
static void
test_camera_off_when_hidden (Fixture       *f,
                             gconstpointer  data)
{
  gint64 start;

  g_assert_true (wait_for_frames (f, 3));
  gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
  g_assert_true (vs_gui_test_wait_for (camera_stopped, f->camera, WAIT_MS));
  assert_stays_stopped (f, 1000);

  start = g_get_monotonic_time ();
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for_frames (f, 1));
  g_test_message ("camera back after the window was shown: %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_true (vs_gui_test_wait_for (camera_playing, f->camera, WAIT_MS));
}

/* The enrollment window looks too: opened from the People page, it runs
 * the camera; closed, the camera stops again. */
static void
test_enroll_window_looks (Fixture       *f,
                          gconstpointer  data)
{
  GtkWindow *enroll;
  VsCamera *enroll_camera = NULL;
  g_autoptr(VisageSession) enroll_session = NULL;

  g_assert_true (wait_for_frames (f, 3));
  show_page (f->window, "people");
  g_assert_true (camera_stopped (f->camera));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-person", NULL));
  enroll = vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW);
  g_assert_nonnull (enroll);
  /* The same session, hence the same camera: one pipeline per source. */
  g_object_get (enroll, "session", &enroll_session, NULL);
  g_assert_true (enroll_session == f->session);
  g_assert_true (visage_session_get_capturing (f->session));
  enroll_camera = visage_session_lookup_camera (f->session, "test");
  g_assert_true (enroll_camera == f->camera);
  g_assert_true (wait_for_frames (f, 3));
  g_assert_true (vs_gui_test_wait_for (camera_playing, f->camera, WAIT_MS));

  gtk_window_close (enroll);
  g_assert_true (vs_gui_test_wait_for (camera_stopped, f->camera, WAIT_MS));
  g_assert_false (visage_session_get_capturing (f->session));
  assert_stays_stopped (f, 1000);

  show_page (f->window, "live");
  g_assert_true (wait_for_frames (f, 1));
}

/* A second window on the same database: the same session (store, gallery
 * monitor, models), the same camera for the same source. The session goes
 * with the last window. */
static void
test_shared_by_windows (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "visage.db", NULL);
  g_autofree char *other_db = g_build_filename (dir, "other.db", NULL);
  VisageSession *session = visage_application_dup_session (app, db, NULL, NULL);
  g_autoptr(VisageSession) again = visage_application_dup_session (app, db, NULL, NULL);
  g_autoptr(VisageSession) other = visage_application_dup_session (app, other_db, NULL, NULL);
  VisageWindow *first, *second;
  VsCamera *camera;

  g_assert_true (session == again);
  g_assert_true (session != other);
  g_assert_nonnull (visage_session_get_store (session));
  g_assert_nonnull (visage_session_get_gallery_monitor (session));
  g_assert_true (visage_session_get_store (session) != visage_session_get_store (other));
  g_clear_object (&other);

  first = open_window (session, "test");
  second = open_window (again, "test");
  g_assert_true (visage_window_get_session (first) == visage_window_get_session (second));
  camera = visage_session_lookup_camera (session, "test");
  g_assert_nonnull (camera);
  g_assert_true (vs_frame_paintable_get_camera (visage_live_page_get_paintable (visage_window_get_live_page (first))) == camera);
  g_assert_true (vs_frame_paintable_get_camera (visage_live_page_get_paintable (visage_window_get_live_page (second))) == camera);
  g_assert_true (vs_gui_test_wait_for (camera_playing, camera, WAIT_MS));

  /* One window looks away: the other still does. */
  show_page (first, "people");
  vs_gui_test_run_for (300);
  g_assert_true (camera_playing (camera));
  show_page (second, "people");
  g_assert_true (camera_stopped (camera));

  /* The application lets the session go with its last window. */
  g_clear_object (&again);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  g_object_unref (session);
  g_assert_nonnull (session);
  gtk_window_destroy (GTK_WINDOW (first));
  vs_gui_test_run_for (100);
  g_assert_nonnull (session);
  gtk_window_destroy (GTK_WINDOW (second));
  vs_gui_test_run_for (100);
  g_assert_null (session);
}

/* The settings are the session's, bound to the widgets that show them. */
static void
test_settings_bound (Fixture       *f,
                     gconstpointer  data)
{
  GSettings *settings = visage_session_get_settings (f->session);
  VsFaceOverlay *overlay = visage_live_page_get_face_overlay (visage_window_get_live_page (f->window));
  gboolean shown = TRUE;

  g_assert_true (settings == visage_application_get_settings (app));
  g_settings_set_boolean (settings, "show-scores", FALSE);
  g_object_get (overlay, "show-scores", &shown, NULL);
  g_assert_false (shown);
  g_settings_set_boolean (settings, "show-scores", TRUE);
  g_object_get (overlay, "show-scores", &shown, NULL);
  g_assert_true (shown);
  g_settings_reset (settings, "show-scores");
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

  g_test_add ("/session/camera-off-behind-people-page", Fixture, NULL,
              fixture_set_up, test_camera_off_behind_people, fixture_tear_down);
  g_test_add ("/session/camera-off-when-hidden", Fixture, NULL,
              fixture_set_up, test_camera_off_when_hidden, fixture_tear_down);
  g_test_add ("/session/enroll-window-looks", Fixture, NULL,
              fixture_set_up, test_enroll_window_looks, fixture_tear_down);
  g_test_add_func ("/session/shared-by-windows", test_shared_by_windows);
  g_test_add ("/session/settings-bound", Fixture, NULL,
              fixture_set_up, test_settings_bound, fixture_tear_down);

  status = g_test_run ();

  vs_gui_test_destroy_all_windows ();
  g_clear_object (&app);
  return status;
}

/* test-hotplug.c: a camera unplugged and plugged back while the window
 * shows it, with test cameras (vs-test-cameras.c) on a machine without any.
 * Hot-plug is handled once: the camera of the live view, which watches the
 * process's one device list, reports "disconnected" and plays again by
 * itself — the window neither stops it nor makes a new one. Runs under
 * xvfb-run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "visage-application.h"
#include "visage-live-page.h"
#include "visage-window-private.h"
#include "vs-devices.h"
#include "vs-gui-test-util.h"
#include "vs-test-cameras.h"
#include "vs-test-util.h"

#define TIMEOUT_MS 60000

typedef struct {
  VisageApplication *app;
  guint              stage;
  gboolean           done;
  gboolean           timed_out;
  gint64             deadline;
  VsTestDevice      *device;
  VsCamera          *camera;      /* the live view's, when first seen playing (weak) */
  char              *trail;       /* the live states seen, in order */
} Run;

static VsCamera *
live_camera (VisageLivePage *page)
{
  VsFramePaintable *paintable = visage_live_page_get_paintable (page);

  return paintable != NULL ? vs_frame_paintable_get_camera (paintable) : NULL;
}

static void
note_state (Run             *run,
            VisageLiveState  live_state)
{
  const char *state = vs_gui_test_enum_nick (VISAGE_TYPE_LIVE_STATE, live_state);
  const char *last = strrchr (run->trail, ' ');

  if (g_strcmp0 (last != NULL ? last + 1 : run->trail, state) != 0)
    {
      char *trail = g_strconcat (run->trail, " ", state, NULL);

      g_free (run->trail);
      run->trail = trail;
    }
}

/* Playing → unplugged → disconnected, same camera → plugged → playing,
 * same camera. */
static gboolean
unplug_and_return (Run          *run,
                   VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);
  VisageLiveState state = visage_live_page_get_state (page);

  note_state (run, state);
  switch (run->stage)
    {
    case 0:
      if (state != VISAGE_LIVE_STATE_VIDEO)
        return FALSE;
      g_set_weak_pointer (&run->camera, live_camera (page));
      g_assert_nonnull (run->camera);
      vs_test_cameras_unplug (run->device);
      run->device = NULL;
      run->stage++;
      return FALSE;
    case 1:
      if (state != VISAGE_LIVE_STATE_DISCONNECTED)
        return FALSE;
      /* The camera waits for its device; nobody stopped it. */
      g_assert_nonnull (run->camera);
      g_assert_true (live_camera (page) == run->camera);
      g_assert_cmpint (vs_camera_get_state (run->camera), ==, VS_CAMERA_STATE_DISCONNECTED);
      run->device = vs_test_cameras_plug (TEST_PATH, WORKING_CAMERA);
      run->stage++;
      return FALSE;
    case 2:
      if (state != VISAGE_LIVE_STATE_VIDEO || vs_camera_get_frames_delivered (run->camera) == 0)
        return FALSE;
      g_assert_true (live_camera (page) == run->camera);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* Remembered, not plugged in at start: disconnected, then playing once it
 * is plugged in. */
static gboolean
plugged_in_later (Run          *run,
                  VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);
  VisageLiveState state = visage_live_page_get_state (page);

  note_state (run, state);
  switch (run->stage)
    {
    case 0:
      if (state != VISAGE_LIVE_STATE_DISCONNECTED)
        return FALSE;
      g_set_weak_pointer (&run->camera, live_camera (page));
      run->device = vs_test_cameras_plug (TEST_PATH, WORKING_CAMERA);
      run->stage++;
      return FALSE;
    case 1:
      return state == VISAGE_LIVE_STATE_VIDEO && live_camera (page) != NULL &&
             vs_camera_get_frames_delivered (live_camera (page)) > 0;
    default:
      g_assert_not_reached ();
    }
}

typedef gboolean (*Check) (Run *run, VisageWindow *window);

typedef struct {
  Run   *run;
  Check  check;
} Poll;

static gboolean
poll_cb (gpointer data)
{
  Poll *poll = data;
  Run *run = poll->run;
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (run->app));
  GList *windows;

  if (active != NULL && VISAGE_IS_WINDOW (active) && poll->check (run, VISAGE_WINDOW (active)))
    run->done = TRUE;
  else if (g_get_monotonic_time () > run->deadline)
    run->timed_out = TRUE;
  else
    return G_SOURCE_CONTINUE;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (run->app))) != NULL)
    gtk_window_destroy (windows->data);
  return G_SOURCE_REMOVE;
}

static void
run_app (Run   *run,
         Check  check)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "visage.db", NULL);
  char *argv[] = { (char *) "visage", (char *) "--source", (char *) "device:" TEST_PATH,
                   (char *) "--db", db, NULL };
  Poll poll = { run, check };
  guint poll_id;

  run->trail = g_strdup ("");
  run->app = visage_application_new (G_APPLICATION_NON_UNIQUE);
  run->deadline = g_get_monotonic_time () + (gint64) TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  poll_id = g_timeout_add (50, poll_cb, &poll);
  g_assert_cmpint (g_application_run (G_APPLICATION (run->app), G_N_ELEMENTS (argv) - 1, argv), ==, 0);
  if (run->timed_out || !run->done)
    g_clear_handle_id (&poll_id, g_source_remove);
  g_test_message ("live states:%s", run->trail);
  g_assert_false (run->timed_out);
  g_assert_true (run->done);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->app);
  g_clear_weak_pointer (&run->camera);
  g_clear_pointer (&run->trail, g_free);
  vs_test_cameras_unplug_all ();
}

static void
test_unplug_and_return (void)
{
  Run run = { 0 };

  run.device = vs_test_cameras_plug (TEST_PATH, WORKING_CAMERA);
  run_app (&run, unplug_and_return);
  run_clear (&run);
}

static void
test_plugged_in_later (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  Run run = { 0 };

  /* Used here before, so "disconnected", not "not found". */
  g_settings_set_string (settings, "camera", "device:" TEST_PATH);
  run_app (&run, plugged_in_later);
  g_settings_reset (settings, "camera");
  run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  vs_test_init (&argc, &argv);
  vs_gui_test_init (&argc, &argv);
  vs_test_cameras_register ();

  g_test_add_func ("/hotplug/unplug-and-return", test_unplug_and_return);
  g_test_add_func ("/hotplug/plugged-in-later", test_plugged_in_later);

  return g_test_run ();
}

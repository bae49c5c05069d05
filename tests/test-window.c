/* test-window.c: the window as `visage` opens it (g_application_run with a
 * command line), its states and its actions. Runs under xvfb-run. */
#include "config.h"

#include <adwaita.h>

#include "visage-application.h"
#include "visage-live-page.h"
#include "visage-preferences-window.h"
#include "visage-window-private.h"
#include "vs-devices.h"
#include "vs-gui-test-util.h"
#include "vs-models.h"
#include "vs-test-util.h"

#define STARTUP_TIMEOUT_MS 20000
/* How long a window may take to appear: long, for a loaded machine. */
#define WAIT_MS 20000

typedef struct _Run Run;
typedef gboolean (*RunCheck) (Run *run, VisageWindow *window);

/* One g_application_run(): check() is polled in the running main loop until
 * it returns TRUE (done) or the timeout; then the windows are closed. */
struct _Run {
  VisageApplication *app;
  RunCheck           check;
  gint64             deadline;
  gboolean           timed_out;
  gboolean           done;
  /* What the checks saw */
  char              *page_name;
  VisageLiveState    live_state;
  char              *camera;
  char              *status_title;
  char              *status_description;
  char              *primary;      /* label of the blue button */
  char              *buttons;      /* labels of the buttons shown, in order */
  char              *in_use;       /* the camera menu's item for a source not listed */
  const char        *png_name;     /* screenshot of the status page */
  gboolean           flag;
  guint              poll_id;
};

static void
run_clear (Run *run)
{
  g_clear_object (&run->app);
  g_clear_pointer (&run->page_name, g_free);
  g_clear_pointer (&run->camera, g_free);
  g_clear_pointer (&run->status_title, g_free);
  g_clear_pointer (&run->status_description, g_free);
  g_clear_pointer (&run->primary, g_free);
  g_clear_pointer (&run->buttons, g_free);
  g_clear_pointer (&run->in_use, g_free);
}

static gboolean
poll_cb (gpointer data)
{
  Run *run = data;
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (run->app));
  GList *windows;

  if (active != NULL && VISAGE_IS_WINDOW (active) && run->check (run, VISAGE_WINDOW (active)))
    run->done = TRUE;
  else if (g_get_monotonic_time () > run->deadline)
    run->timed_out = TRUE;
  else
    return G_SOURCE_CONTINUE;

  run->poll_id = 0;

  /* The application quits when its last window goes. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (run->app))) != NULL)
    gtk_window_destroy (windows->data);
  return G_SOURCE_REMOVE;
}

static int
run_app (Run         *run,
         RunCheck     check,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;
  int status;

  g_ptr_array_add (argv, (char *) "visage");
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  run->app = visage_application_new (G_APPLICATION_NON_UNIQUE);
  run->check = check;
  run->deadline = g_get_monotonic_time () + STARTUP_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  run->poll_id = g_timeout_add (50, poll_cb, run);

  status = g_application_run (G_APPLICATION (run->app), argv->len - 1, (char **) argv->pdata);
  /* Still there when the run ended without a window. */
  g_clear_handle_id (&run->poll_id, g_source_remove);
  return status;
}

static char *
make_db_path (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();

  return g_build_filename (dir, "visage.db", NULL);
}

/* The AdwStatusPage of the live page shown now, or NULL. */
static AdwStatusPage *
find_mapped_status_page (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwStatusPage *found;

      if (ADW_IS_STATUS_PAGE (child) && gtk_widget_get_mapped (child))
        return ADW_STATUS_PAGE (child);
      if ((found = find_mapped_status_page (child)))
        return found;
    }

  return NULL;
}

/* --source test: the Live page shows the test pattern. */
static gboolean
check_video (Run          *run,
             VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);

  if (visage_live_page_get_state (page) != VISAGE_LIVE_STATE_VIDEO ||
      !gtk_widget_get_mapped (GTK_WIDGET (page)))
    return FALSE;

  run->page_name = g_strdup (visage_window_get_visible_page_name (window));
  run->camera = g_strdup (visage_window_get_camera (window));
  run->live_state = visage_live_page_get_state (page);
  return TRUE;
}

static void
test_window_source_test (void)
{
  g_autofree char *db = make_db_path ();
  Run run = { 0 };
  int status;

  status = run_app (&run, check_video, "--source", "test", "--db", db, NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_false (run.timed_out);
  g_assert_true (run.done);
  g_assert_cmpstr (run.page_name, ==, "live");
  g_assert_cmpstr (run.camera, ==, "test");
  g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_VIDEO);
  /* The database was created where --db said. */
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  run_clear (&run);
}

/* The window is built and shown before the models are loaded: they load
 * on the recognizer's own thread. Right when the window joins the
 * application (its live page configured, no main loop iteration since),
 * the live page says "Starting…"; later recognition runs. */
typedef struct {
  VsRecognizerState at_start;
  char             *status_at_start;
  gboolean          seen;
} StartLog;

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 StartLog       *log)
{
  VisageLivePage *page;

  if (!VISAGE_IS_WINDOW (window) || log->seen)
    return;
  page = visage_window_get_live_page (VISAGE_WINDOW (window));
  log->seen = TRUE;
  g_object_get (page, "recognition", &log->at_start, NULL);
  log->status_at_start = visage_live_page_dup_status_text (page);
}

static gboolean
check_recognition_running (Run          *run,
                           VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);

  if (visage_live_page_get_state (page) != VISAGE_LIVE_STATE_VIDEO ||
      visage_live_page_get_recognition (page) != VS_RECOGNIZER_STATE_RUNNING)
    return FALSE;

  run->status_description = visage_live_page_dup_status_text (page);
  run->live_state = visage_live_page_get_state (page);
  return TRUE;
}

static void
test_window_starting (void)
{
  g_autofree char *db = make_db_path ();
  StartLog log = { 0 };
  Run run = { 0 };
  int status;

  /* run_app() makes the application: connect once it exists. */
  run.app = NULL;
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();

    g_ptr_array_add (argv, (char *) "visage");
    g_ptr_array_add (argv, (char *) "--source");
    g_ptr_array_add (argv, (char *) "test");
    g_ptr_array_add (argv, (char *) "--db");
    g_ptr_array_add (argv, db);
    g_ptr_array_add (argv, NULL);
    run.app = visage_application_new (G_APPLICATION_NON_UNIQUE);
    g_signal_connect (run.app, "window-added", G_CALLBACK (window_added_cb), &log);
    run.check = check_recognition_running;
    run.deadline = g_get_monotonic_time () + STARTUP_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
    run.poll_id = g_timeout_add (50, poll_cb, &run);
    status = g_application_run (G_APPLICATION (run.app), argv->len - 1, (char **) argv->pdata);
    g_clear_handle_id (&run.poll_id, g_source_remove);
  }

  g_assert_cmpint (status, ==, 0);
  g_assert_true (log.seen);
  g_test_message ("At construction: %s", log.status_at_start);
  g_assert_cmpint (log.at_start, ==, VS_RECOGNIZER_STATE_STARTING);
  g_assert_nonnull (strstr (log.status_at_start, "Starting…"));
  g_assert_null (strstr (log.status_at_start, "0 faces"));
  g_assert_false (run.timed_out);
  g_assert_true (run.done);
  g_test_message ("Running: %s", run.status_description);
  g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_VIDEO);
  g_assert_null (strstr (run.status_description, "Starting…"));
  g_free (log.status_at_start);
  run_clear (&run);
}

static GtkLabel *find_label_containing (GtkWidget  *widget,
                                        const char *text);

static gboolean
check_recognition_failed (Run          *run,
                          VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);

  if (visage_live_page_get_state (page) != VISAGE_LIVE_STATE_VIDEO ||
      visage_live_page_get_recognition (page) != VS_RECOGNIZER_STATE_FAILED)
    return FALSE;
  /* The hint over the picture says why (its revealer takes a moment). */
  if (find_label_containing (GTK_WIDGET (page), "Face recognition is unavailable") == NULL)
    return FALSE;

  run->status_description = visage_live_page_dup_status_text (page);
  run->live_state = visage_live_page_get_state (page);
  return TRUE;
}

/* A models folder without the files: the window comes up all the same
 * ("Starting…" while the worker tries), then the picture shows with the
 * reason recognition is missing, as when the load was in the window. */
static void
test_window_models_missing (void)
{
  g_autofree char *db = make_db_path ();
  g_autofree char *empty = vs_test_make_tmpdir ();
  Run run = { 0 };
  int status;

  g_test_expect_message ("Visage", G_LOG_LEVEL_WARNING, "Face recognition is unavailable:*.onnx*");
  status = run_app (&run, check_recognition_failed, "--source", "test", "--db", db,
                    "--models", empty, NULL);
  g_test_assert_expected_messages ();

  g_assert_cmpint (status, ==, 0);
  g_assert_false (run.timed_out);
  g_assert_true (run.done);
  g_test_message ("Status: %s", run.status_description);
  g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_VIDEO);
  g_assert_null (strstr (run.status_description, "Starting…"));
  run_clear (&run);
}

static gboolean
width_is (gpointer data)
{
  GtkWidget *window = data;

  return gtk_widget_get_width (window) <= 360;
}

/* 360 px wide (a phone, a narrow side-by-side window): the window goes
 * that narrow, the view switcher moves to the bottom. Screenshots of the
 * live view and the People page. */
static gboolean
check_narrow (Run          *run,
              VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);

  if (visage_live_page_get_state (page) != VISAGE_LIVE_STATE_VIDEO ||
      !gtk_widget_get_mapped (GTK_WIDGET (page)))
    return FALSE;

  /* GNOME's title bars have only a close button; bare Xvfb adds minimise and
   * maximise buttons, which a phone-sized window has no room for. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "icon:close", NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  run->flag = vs_gui_test_wait_for (width_is, window, 2000);
  g_test_message ("Window width asked 360 px, got %d px", gtk_widget_get_width (GTK_WIDGET (window)));
  vs_gui_test_run_for (500);
  g_free (vs_gui_test_save_png (GTK_WIDGET (window), "visage-narrow-live.png"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "people"));
  vs_gui_test_run_for (500);
  g_free (vs_gui_test_save_png (GTK_WIDGET (window), "visage-narrow-people.png"));
  return TRUE;
}

static void
test_window_narrow (void)
{
  g_autofree char *db = make_db_path ();
  Run run = { 0 };

  g_assert_cmpint (run_app (&run, check_narrow, "--source", "test", "--db", db, NULL), ==, 0);
  g_assert_true (run.done);
  g_assert_true (run.flag);   /* the window really got 360 px wide */
  run_clear (&run);
}

/* No --source: the remembered camera or the first one found; with none at
 * all, "No Camera Found" with its two buttons. */
static gboolean
check_no_camera (Run          *run,
                 VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);
  VisageLiveState state = visage_live_page_get_state (page);
  AdwStatusPage *status_page;

  if (state == VISAGE_LIVE_STATE_STARTING)
    return FALSE;

  run->live_state = state;
  run->camera = g_strdup (visage_window_get_camera (window));
  run->page_name = g_strdup (visage_window_get_visible_page_name (window));

  /* Wait for the stack to map the page shown. */
  status_page = find_mapped_status_page (GTK_WIDGET (page));
  if (state == VISAGE_LIVE_STATE_NO_CAMERA && status_page == NULL)
    return FALSE;

  if (status_page != NULL)
    {
      g_autofree char *png = NULL;

      vs_gui_test_run_for (300);   /* the stack's crossfade */
      png = vs_gui_test_save_png (GTK_WIDGET (window), "visage-no-camera.png");
      run->status_title = g_strdup (adw_status_page_get_title (status_page));

      /* Retry with still no camera stays here. */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "live.retry", NULL));
      run->flag = visage_live_page_get_state (page) == VISAGE_LIVE_STATE_NO_CAMERA;
    }

  return TRUE;
}

static void
test_window_no_camera (void)
{
  g_autoptr(VsDevices) devices = vs_devices_new ();
  g_autofree char *db = make_db_path ();
  guint n_cameras;
  Run run = { 0 };
  int status;

  /* Let the device monitor report what is plugged in. */
  vs_gui_test_run_for (200);
  n_cameras = g_list_model_get_n_items (G_LIST_MODEL (devices));
  g_test_message ("%u camera(s) on this machine", n_cameras);

  status = run_app (&run, check_no_camera, "--db", db, NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.done);
  g_assert_cmpstr (run.page_name, ==, "live");

  if (n_cameras == 0)
    {
      g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_NO_CAMERA);
      g_assert_null (run.camera);
      g_assert_cmpstr (run.status_title, ==, "No Camera Found");
      g_assert_true (run.flag);
    }
  else
    {
      /* A camera is plugged in: it is chosen by itself. */
      g_assert_true (g_str_has_prefix (run.camera, "device:"));
    }

  run_clear (&run);
}

/* The buttons of a status page: labels of those shown, in order, and the
 * one with the suggested (blue) style. */
static void
read_buttons (GtkWidget  *widget,
              GString    *labels,
              char      **primary)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) != NULL)
        {
          const char *label = gtk_button_get_label (GTK_BUTTON (child));

          g_string_append_printf (labels, "%s%s", labels->len > 0 ? ", " : "", label);
          if (gtk_widget_has_css_class (child, "suggested-action"))
            {
              g_assert_null (*primary);   /* one blue button at most */
              *primary = g_strdup (label);
            }
          continue;
        }
      read_buttons (child, labels, primary);
    }
}

/* Waits for a status page on the live page (not "starting"), reads it and
 * saves a screenshot of the window. */
static gboolean
check_status_page (Run          *run,
                   VisageWindow *window)
{
  VisageLivePage *page = visage_window_get_live_page (window);
  AdwStatusPage *status_page = find_mapped_status_page (GTK_WIDGET (page));
  GString *labels;

  if (status_page == NULL || visage_live_page_get_state (page) == VISAGE_LIVE_STATE_STARTING)
    return FALSE;

  vs_gui_test_run_for (400);   /* the stack's crossfade */
  status_page = find_mapped_status_page (GTK_WIDGET (page));
  run->live_state = visage_live_page_get_state (page);
  run->status_title = g_strdup (adw_status_page_get_title (status_page));
  run->status_description = g_strdup (adw_status_page_get_description (status_page));
  run->camera = g_strdup (visage_window_get_camera (window));
  labels = g_string_new (NULL);
  read_buttons (GTK_WIDGET (status_page), labels, &run->primary);
  run->buttons = g_string_free (labels, FALSE);
  {
    GMenuModel *menu = gtk_menu_button_get_menu_model (window->camera_button);
    g_autoptr(GMenuModel) in_use = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);

    if (g_menu_model_get_n_items (in_use) > 0)
      g_menu_model_get_item_attribute (in_use, 0, G_MENU_ATTRIBUTE_LABEL, "s", &run->in_use);
  }
  g_test_message ("%s: “%s” — %s [%s] blue: %s", vs_gui_test_enum_nick (VISAGE_TYPE_LIVE_STATE, run->live_state), run->status_title,
                  run->status_description, run->buttons, run->primary);
  if (run->png_name != NULL)
    g_free (vs_gui_test_save_png (GTK_WIDGET (window), run->png_name));
  return TRUE;
}

static guint
count_cameras (void)
{
  g_autoptr(VsDevices) devices = vs_devices_new ();

  /* Let the device monitor report what is plugged in. */
  vs_gui_test_run_for (200);
  return g_list_model_get_n_items (G_LIST_MODEL (devices));
}

/* A camera this computer never had: "Camera Not Found" with a way forward,
 * not "disconnected, it comes back" with none. */
static void
test_window_camera_not_found (void)
{
  g_autofree char *db = make_db_path ();
  guint n_cameras = count_cameras ();
  Run run = { .png_name = "visage-camera-not-found.png" };

  g_assert_cmpint (run_app (&run, check_status_page,
                            "--source", "device:/dev/nothing", "--db", db, NULL), ==, 0);
  g_assert_true (run.done);
  g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_CAMERA_NOT_FOUND);
  g_assert_cmpstr (run.status_title, ==, "Camera Not Found");
  g_assert_nonnull (strstr (run.status_description, "/dev/nothing"));
  g_assert_cmpstr (run.camera, ==, "device:/dev/nothing");
  /* With no camera at all, a video file is the way forward. */
  g_assert_cmpstr (run.primary, ==, n_cameras == 0 ? "_Open Video File…" : "_Choose Camera…");
  /* The camera menu says which camera was asked for. */
  g_assert_cmpstr (run.in_use, ==, "Camera “/dev/nothing” (not connected)");
  run_clear (&run);
}

/* The camera used last time, not plugged in now: "Camera Disconnected". */
static void
test_window_disconnected (void)
{
  g_autofree char *db = make_db_path ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  Run run = { .png_name = "visage-camera-disconnected.png" };

  g_settings_set_string (settings, "camera", "device:/dev/video-visage-test");
  g_assert_cmpint (run_app (&run, check_status_page,
                            "--source", "device:/dev/video-visage-test", "--db", db, NULL), ==, 0);
  g_settings_reset (settings, "camera");
  g_assert_true (run.done);
  g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_DISCONNECTED);
  g_assert_cmpstr (run.status_title, ==, "Camera Disconnected");
  g_assert_cmpstr (run.camera, ==, "device:/dev/video-visage-test");
  run_clear (&run);
}

/* A text file: not a video, and trying again will not make it one: "Open
 * Video File…" is the blue button and there is no Retry. The message is
 * two sentences, not glued with a colon. */
static void
test_window_text_file (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "visage.db", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *source = NULL;
  Run run = { .png_name = "visage-error-text-file.png" };

  g_assert_true (g_file_set_contents (text, "Visage front desk notes\nnot a video at all\n", -1, NULL));
  source = g_strconcat ("file:", text, NULL);
  g_assert_cmpint (run_app (&run, check_status_page, "--source", source, "--db", db, NULL), ==, 0);
  g_assert_true (run.done);
  g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_ERROR);
  g_assert_cmpstr (run.status_title, ==, "Not a Video");
  g_assert_true (g_str_has_prefix (run.status_description, "This file is not a video Visage can play. "));
  g_assert_null (strstr (run.status_description, "play:"));
  g_assert_cmpstr (run.primary, ==, "_Open Video File…");
  g_assert_cmpstr (run.buttons, ==, "_Open Video File…");
  run_clear (&run);
}

/* A file that is not there: "Open Video File…" first and blue, Retry
 * second (a drive may be plugged in again). */
static void
test_window_missing_file (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "visage.db", NULL);
  g_autofree char *source = g_strconcat ("file:", dir, "/no-such-video.mp4", NULL);
  Run run = { .png_name = "visage-error-missing-file.png" };

  g_assert_cmpint (run_app (&run, check_status_page, "--source", source, "--db", db, NULL), ==, 0);
  g_assert_true (run.done);
  g_assert_cmpint (run.live_state, ==, VISAGE_LIVE_STATE_ERROR);
  g_assert_cmpstr (run.status_title, ==, "Video File Not Found");
  g_assert_nonnull (strstr (run.status_description, "no-such-video.mp4"));
  g_assert_cmpstr (run.primary, ==, "_Open Video File…");
  g_assert_cmpstr (run.buttons, ==, "_Open Video File…, _Retry");
  run_clear (&run);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      /* The about window's titles have mnemonics ("_Legal"). */
      if (ADW_IS_ACTION_ROW (w))
        {
          g_autofree char *plain = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)));

          g_strdelimit (plain, "_", ' ');
          g_strstrip (plain);
          if (g_str_equal (plain, title) ||
              g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title))
            return w;
        }
      if ((found = find_row (w, title)) != NULL)
        return found;
    }
  return NULL;
}

/* A label shown (mapped) whose text contains text. */
static GtkLabel *
find_label_containing (GtkWidget  *widget,
                       const char *text)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) &&
          strstr (gtk_label_get_text (GTK_LABEL (w)), text) != NULL)
        return GTK_LABEL (w);
      if ((found = find_label_containing (w, text)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_toplevel (gpointer data)
{
  return vs_gui_test_find_window (GPOINTER_TO_SIZE (data)) != NULL;
}

/* Every item of the primary menu activates, and opens its window. */
static gboolean
check_actions (Run          *run,
               VisageWindow *window)
{
  GMenuModel *menu = gtk_menu_button_get_menu_model (window->primary_menu_button);
  GMenuModel *section;
  guint n_items = 0;

  if (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    return FALSE;

  section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_nonnull (section);
  for (int i = 0; i < g_menu_model_get_n_items (section); i++)
    {
      g_autofree char *action = NULL;
      const char *dot;

      g_assert_true (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      dot = strchr (action, '.');
      g_assert_nonnull (dot);
      g_test_message ("menu action %s", action);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
      n_items++;
    }
  g_object_unref (section);
  g_assert_cmpuint (n_items, ==, 4);

  g_assert_true (vs_gui_test_wait_for (has_toplevel, GSIZE_TO_POINTER (VISAGE_TYPE_PREFERENCES_WINDOW), WAIT_MS));
  {
    GtkWidget *prefs = GTK_WIDGET (vs_gui_test_find_window (VISAGE_TYPE_PREFERENCES_WINDOW));
    g_autofree char *png = NULL;

    g_assert_true (vs_gui_test_wait_allocated (prefs, WAIT_MS));
    png = vs_gui_test_save_png (prefs, "visage-preferences.png");
  }
  /* No user help installed in the build tree: Help shows the short help. */
  g_assert_true (vs_gui_test_wait_for (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), WAIT_MS));
  {
    GtkWidget *help = GTK_WIDGET (vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG));

    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (help)), ==, "Using Visage");
    g_free (vs_gui_test_save_png (help, "visage-help.png"));
  }
  g_assert_true (vs_gui_test_wait_for (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), WAIT_MS));
  {
    GtkWidget *about = GTK_WIDGET (vs_gui_test_find_window (ADW_TYPE_ABOUT_WINDOW));
    GtkWidget *legal_row = find_row (about, "Legal");
    GtkLabel *label = NULL;

    g_assert_true (vs_gui_test_wait_allocated (about, WAIT_MS));
    g_free (vs_gui_test_save_png (about, "visage-about.png"));
    /* Legal lists every model of the manifest with its licence. */
    g_assert_nonnull (legal_row);
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (legal_row)), ==, "about.subpage");
    g_assert_true (gtk_widget_activate_action_variant (legal_row, "about.subpage",
                                                       gtk_actionable_get_action_target_value (GTK_ACTIONABLE (legal_row))));
    vs_gui_test_run_for (600);   /* the slide */
    g_free (vs_gui_test_save_png (about, "visage-about-legal.png"));
    {
      g_autoptr(GPtrArray) models = vs_models_list ();

      /* Every model of the manifest, with its licence as written. */
      for (guint i = 0; i < models->len; i++)
        {
          const VsModelInfo *info = g_ptr_array_index (models, i);

          label = find_label_containing (about, info->id);
          g_assert_nonnull (label);
          g_assert_nonnull (find_label_containing (about, info->license));
        }
    }
    /* The end of the page: the optional, restricted ones. */
    {
      GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      vs_gui_test_run_for (300);
      g_free (vs_gui_test_save_png (about, "visage-about-legal-end.png"));
    }
  }
  g_assert_true (vs_gui_test_wait_for (has_toplevel, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), WAIT_MS));
  {
    GtkWidget *shortcuts = GTK_WIDGET (vs_gui_test_find_window (GTK_TYPE_SHORTCUTS_WINDOW));
    g_autofree char *png = vs_gui_test_save_png (shortcuts, "visage-shortcuts.png");
  }

  /* F9's action opens the camera menu: the cameras (here none, or the
   * ones plugged in) and "Open Video File…". */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.choose-camera", NULL));
  {
    GtkPopover *popover = gtk_menu_button_get_popover (window->camera_button);
    GMenuModel *camera_menu = gtk_menu_button_get_menu_model (window->camera_button);
    g_autoptr(GMenuModel) cameras = g_menu_model_get_item_link (camera_menu, 0, G_MENU_LINK_SECTION);
    g_autoptr(GMenuModel) in_use = g_menu_model_get_item_link (camera_menu, 1, G_MENU_LINK_SECTION);
    g_autoptr(GMenuModel) files = g_menu_model_get_item_link (camera_menu, 2, G_MENU_LINK_SECTION);
    g_autofree char *action = NULL;
    g_autofree char *images_action = NULL;
    g_autofree char *label = NULL;
    g_autofree char *in_use_action = NULL;
    g_autoptr(GVariant) target = NULL;
    g_autofree char *png = NULL;

    g_assert_nonnull (popover);
    g_assert_true (vs_gui_test_wait_allocated (GTK_WIDGET (popover), WAIT_MS));
    png = vs_gui_test_save_png (GTK_WIDGET (popover), "visage-camera-menu.png");

    g_assert_cmpint (g_menu_model_get_n_items (cameras), >=, 1);
    g_assert_true (g_menu_model_get_item_attribute (files, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
    g_assert_cmpstr (action, ==, "win.open-video");
    g_assert_true (g_menu_model_get_item_attribute (files, 1, G_MENU_ATTRIBUTE_ACTION, "s", &images_action));
    g_assert_cmpstr (images_action, ==, "win.open-images");
    /* The source in use (here the test pattern) is a radio item of
     * win.camera: checked, since the action's state is its target. */
    g_assert_cmpint (g_menu_model_get_n_items (in_use), ==, 1);
    g_assert_true (g_menu_model_get_item_attribute (in_use, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_cmpstr (label, ==, "Test Pattern");
    g_assert_true (g_menu_model_get_item_attribute (in_use, 0, G_MENU_ATTRIBUTE_ACTION, "s", &in_use_action));
    g_assert_cmpstr (in_use_action, ==, "win.camera");
    target = g_menu_model_get_item_attribute_value (in_use, 0, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
    g_assert_cmpstr (g_variant_get_string (target, NULL), ==, visage_window_get_camera (window));
    gtk_popover_popdown (popover);
  }

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (run->app), "quit"));

  /* Quitting by the action ends g_application_run() with the windows open. */
  run->flag = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return TRUE;
}

static void
test_window_actions (void)
{
  g_autofree char *db = make_db_path ();
  Run run = { 0 };
  int status;
  struct { const char *action; const char *accel; } accels[] = {
    { "app.quit", "<Control>q" },
    { "window.close", "<Control>w" },
    { "win.preferences", "<Control>comma" },
    { "win.show-help-overlay", "<Control>question" },
    { "win.fullscreen", "F11" },
    { "win.help", "F1" },
  };

  status = run_app (&run, check_actions, "--source", "test", "--db", db, NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.done);
  g_assert_true (run.flag);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      g_auto(GStrv) set = gtk_application_get_accels_for_action (GTK_APPLICATION (run.app),
                                                                 accels[i].action);

      g_assert_nonnull (set);
      g_assert_cmpstr (set[0], ==, accels[i].accel);
    }

  run_clear (&run);
}

/* Bad arguments fail in the launching process, with no window. */
static gboolean
check_never (Run          *run,
             VisageWindow *window)
{
  run->flag = TRUE;
  return TRUE;
}

static void
test_window_bad_arguments (void)
{
  Run run = { 0 };

  g_assert_cmpint (run_app (&run, check_never, "--source", "webcam", NULL), ==, 1);
  g_assert_false (run.flag);
  run_clear (&run);

  g_assert_cmpint (run_app (&run, check_never, "--source", "file:", NULL), ==, 1);
  run_clear (&run);

  g_assert_cmpint (run_app (&run, check_never, "--source", "test", "--fps", "-2", NULL), ==, 1);
  run_clear (&run);
}

static void
test_window_source_spec (void)
{
  const char *good[] = { "test", "file:/x.mp4", "images:/tmp", "device:/dev/video0" };
  const char *bad[] = { "", "video", "file:", "images:", "device:", "File:/x" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (visage_source_spec_validate (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (visage_source_spec_validate (bad[i], &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    }
}

/* The live view and enrollment's look-alike check both take their match
 * parameters from the settings: by default the manifest's open-set
 * threshold (never the 1:1 one) and margin; a chosen threshold wins. */
static void
test_window_match_params (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const VsModelInfo *info = vs_models_lookup (vs_models_get_default_embedder (), NULL);
  VsMatchParams params = { 0 };

  g_assert_nonnull (info);
  g_assert_cmpfloat (info->verify_threshold, <, info->threshold);
  g_settings_reset (settings, "match-threshold");
  g_assert_cmpfloat (g_settings_get_double (settings, "match-threshold"), ==, 0);
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat (params.threshold, ==, info->threshold);
  g_assert_cmpfloat (params.margin, ==, info->margin);

  /* A typed threshold counts only at the "custom" level. */
  g_settings_set_double (settings, "match-threshold", 0.6);
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat (params.threshold, ==, info->threshold);
  g_settings_set_string (settings, "match-strictness", "custom");
  g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
  g_assert_cmpfloat_with_epsilon (params.threshold, 0.6, 1e-6);
  g_assert_cmpfloat (params.margin, ==, info->margin);

  /* Every level stays above the 1:1 threshold: none names a face in the band. */
  for (guint i = 0; i < 3; i++)
    {
      static const char *levels[] = { "strict", "balanced", "lenient" };

      g_settings_set_string (settings, "match-strictness", levels[i]);
      g_assert_true (visage_match_params_from_settings (settings, info->id, &params));
      g_assert_cmpfloat (params.threshold, >, info->verify_threshold);
    }
  g_settings_reset (settings, "match-strictness");
  g_settings_reset (settings, "match-threshold");
}

int
main (int   argc,
      char *argv[])
{
  vs_test_init (&argc, &argv);
  vs_gui_test_init (&argc, &argv);

  g_test_add_func ("/window/source-spec", test_window_source_spec);
  g_test_add_func ("/window/bad-arguments", test_window_bad_arguments);
  g_test_add_func ("/window/source-test", test_window_source_test);
  g_test_add_func ("/window/starting", test_window_starting);
  g_test_add_func ("/window/models-missing", test_window_models_missing);
  g_test_add_func ("/window/no-camera", test_window_no_camera);
  g_test_add_func ("/window/camera-not-found", test_window_camera_not_found);
  g_test_add_func ("/window/disconnected", test_window_disconnected);
  g_test_add_func ("/window/text-file", test_window_text_file);
  g_test_add_func ("/window/missing-file", test_window_missing_file);
  g_test_add_func ("/window/actions", test_window_actions);
  g_test_add_func ("/window/narrow", test_window_narrow);
  g_test_add_func ("/window/match-params", test_window_match_params);

  return g_test_run ();
}

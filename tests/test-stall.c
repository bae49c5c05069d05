/* test-stall.c: the main loop's longest stall (issue 11), under xvfb-run.
 *
 * The Visage window on a database of 10,000 people with 5 samples each, an
 * images: slideshow as its camera. A G_PRIORITY_HIGH timer ticks every 5 ms
 * and records the largest gap between two ticks once the window is shown,
 * while a person is enrolled and saved, two people are deleted through the
 * People page (confirm, then the undo toast expires), and a `visage-cli
 * import` of 50 LFW people writes to the same database from another
 * process. When the window has caught up (the People page counts everyone),
 * the longest gap must be at most 50 ms: whatever the main thread waits for
 * (the database, a model, a gallery) shows up here, with the step it
 * happened in.
 *
 * A wall-clock bound: suite slow only. */
#include "config.h"

#include <adwaita.h>
#include <execinfo.h>
#include <math.h>
#include <signal.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <sqlite3.h>
#include <unistd.h>

#include "visage-application.h"
#include "visage-enroll-window.h"
#include "visage-people-page.h"
#include "visage-session.h"
#include "visage-window-private.h"
#include "visage-window.h"
#include "vs-gui-test-util.h"
#include "vs-store.h"
#include "vs-test-bulk.h"
#include "vs-test-util.h"

#define N_PEOPLE        10000
#define N_SAMPLES       5
#define DIM             128
#define N_IMPORT        50
#define PERSON          "George_W_Bush"
#define PERSON_NAME     "George W Bush"
#define MAX_GAP_MS      50
#define REPORT_GAP_MS   30   /* gaps this long are listed, to see what is near the bound */
#define TICK_MS         5
#define WAIT_MS         30000

static VisageApplication *app;

/* ---- The stall meter ---------------------------------------------------- */

typedef struct {
  gboolean    recording;
  gint64      start;       /* when recording began */
  gint64      last;        /* the previous tick */
  gint64      max_gap;
  gint64      max_at;      /* since start */
  const char *phase;       /* what the test is doing now */
  const char *tick_phase;  /* what it was doing at the previous tick */
  const char *max_phase;   /* from the step at the tick before the gap… */
  const char *max_phase_end;  /* …to the one after it */
  gboolean    importing;
  gboolean    max_importing;
  guint       n_over;      /* gaps over the bound */
  gint64      last_run_ns, last_wait_ns;  /* schedstat at the previous tick */
  gint64      max_run_ns, max_wait_ns;    /* of the longest gap */
  gint64      max_work;    /* the longest time on a CPU within one gap */
  const char *max_work_phase;
} Meter;

static Meter meter;

/* ---- Where a stall is (VISAGE_STALL_TRACE=1) ---------------------------- */

/* A diagnostic for whoever hunts a stall: a watchdog thread that, when the
 * main loop has not ticked for 35 ms, interrupts the main thread and has it
 * print its stack (resolve "test-stall(+0x…)" lines with addr2line -f -e).
 * Off by default: a signal in the middle of a system call changes timing. */
static pid_t main_tid;
static gint64 last_tick_atomic;  /* meter.last, for the watchdog */

static void
print_stack (int signum G_GNUC_UNUSED)
{
  void *frames[48];
  int n = backtrace (frames, G_N_ELEMENTS (frames));
  static const char header[] = "---- main thread stalled here:\n";

  if (write (STDERR_FILENO, header, sizeof header - 1) < 0)
    return;
  backtrace_symbols_fd (frames, n, STDERR_FILENO);
}

static gpointer
watchdog_thread (gpointer data G_GNUC_UNUSED)
{
  gint64 reported = 0;

  for (;;)
    {
      gint64 last = __atomic_load_n (&last_tick_atomic, __ATOMIC_RELAXED);

      g_usleep (2000);
      if (last != 0 && last != reported && g_get_monotonic_time () - last > 35000)
        {
          reported = last;
          syscall (SYS_tgkill, getpid (), main_tid, SIGPROF);
        }
    }
  return NULL;
}

static void
start_watchdog (void)
{
  if (g_strcmp0 (g_getenv ("VISAGE_STALL_TRACE"), "1") != 0)
    return;
  main_tid = (pid_t) syscall (SYS_gettid);
  signal (SIGPROF, print_stack);
  g_thread_unref (g_thread_new ("stall-watchdog", watchdog_thread, NULL));
}

/* The main thread's time on a CPU and waiting for one (ns), from the
 * scheduler: what a gap was made of. A gap with little CPU time and a long
 * wait is a machine too busy to run the window, not work the window did. */
static void
read_schedstat (gint64 *run_ns,
                gint64 *wait_ns)
{
  g_autofree char *text = NULL;
  gint64 run = 0, wait = 0;

  if (g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    sscanf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &run, &wait);
  *run_ns = run;
  *wait_ns = wait;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 run_ns, wait_ns;

  read_schedstat (&run_ns, &wait_ns);
  if (meter.recording && meter.last != 0)
    {
      gint64 gap = now - meter.last;
      gint64 run = run_ns - meter.last_run_ns;
      gint64 wait = wait_ns - meter.last_wait_ns;

      /* The step that was running when the main loop stopped answering:
       * the one at the previous tick (the test moves on only when the main
       * loop runs again). */
      if (gap > MAX_GAP_MS * 1000)
        meter.n_over++;
      if (gap > REPORT_GAP_MS * 1000)
        {
          g_test_message ("gap of %.0f ms (on a CPU %.0f ms, waiting for one %.0f ms) at %.2f s, "
                          "from \"%s\" to \"%s\"%s", gap / 1000.0, run / 1e6, wait / 1e6,
                          (now - meter.start) / 1e6, meter.tick_phase, meter.phase,
                          meter.importing ? " (visage-cli import running)" : "");
        }
      if (gap > meter.max_gap)
        {
          meter.max_gap = gap;
          meter.max_at = now - meter.start;
          meter.max_phase = meter.tick_phase;
          meter.max_phase_end = meter.phase;
          meter.max_importing = meter.importing;
          meter.max_run_ns = run;
          meter.max_wait_ns = wait;
        }
      if (run / 1000 > meter.max_work)
        {
          meter.max_work = run / 1000;
          meter.max_work_phase = meter.tick_phase;
        }
    }
  meter.last = now;
  __atomic_store_n (&last_tick_atomic, meter.recording ? now : 0, __ATOMIC_RELAXED);
  meter.last_run_ns = run_ns;
  meter.last_wait_ns = wait_ns;
  meter.tick_phase = meter.phase;
  return G_SOURCE_CONTINUE;
}

static void
meter_start (void)
{
  meter.start = g_get_monotonic_time ();
  meter.last = 0;
  meter.recording = TRUE;
}

/* The test's own synchronous work (reading the database to know what to
 * expect) is not the window's: not measured. */
static void
meter_pause (void)
{
  meter.recording = FALSE;
}

/* The tick that ends the pause starts the next gap: a stall right after
 * the pause still counts (with last = 0 the first gap went unmeasured). */
static void
meter_resume (void)
{
  gint64 run_ns, wait_ns;

  read_schedstat (&run_ns, &wait_ns);
  meter.last = g_get_monotonic_time ();
  meter.last_run_ns = run_ns;
  meter.last_wait_ns = wait_ns;
  meter.recording = TRUE;
}

static void
phase (const char *name)
{
  meter.phase = name;
}

static const char *
load_average (void)
{
  static char text[64];
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return "unknown";
  g_strlcpy (text, g_strstrip (contents), sizeof text);
  return text;
}

/* ---- The database ------------------------------------------------------- */

static GBytes *
small_png (void)
{
  g_autofree guint8 *pixels = g_malloc (112 * 112 * 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (guint i = 0; i < 112 * 112; i++)
    {
      pixels[i * 4 + 0] = (guint8) (i % 112 * 2);
      pixels[i * 4 + 1] = (guint8) (i / 112 * 2);
      pixels[i * 4 + 2] = 160;
      pixels[i * 4 + 3] = 255;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&pixels), 112 * 112 * 4);
  texture = gdk_memory_texture_new (112, 112, GDK_MEMORY_R8G8B8A8, bytes, 112 * 4);
  return gdk_texture_save_to_png_bytes (texture);
}

/* 10,000 people with 5 samples each (random unit-ish embeddings of the
 * default embedder, one small crop), written directly in one transaction:
 * seconds instead of the minutes an import would take. */
static char *
make_big_db (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GBytes) png = small_png ();
  gint64 start = g_get_monotonic_time ();

  vs_test_bulk_insert_people (path, N_PEOPLE, N_SAMPLES, "mobilefacenet_paddlex", DIM, png, 11);
  g_test_message ("database of %u people × %u samples made in %.1f s", N_PEOPLE, N_SAMPLES,
                  (g_get_monotonic_time () - start) / 1e6);
  return path;
}

static guint
count_people (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open_existing (path, &error);
  g_autoptr(GPtrArray) people = NULL;

  g_assert_no_error (error);
  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  return people->len;
}

/* ---- The import ----------------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* A folder of N_IMPORT LFW people (the first two photos of each, linked),
 * skipping the enrolled person. */
static char *
make_import_folder (void)
{
  g_autofree char *lfw = vs_test_data_path ("lfw");
  g_autofree char *dir = vs_test_make_tmpdir ();
  char *photos = g_build_filename (dir, "photos", NULL);
  g_autoptr(GDir) folder = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;
  guint taken = 0;

  folder = g_dir_open (lfw, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (folder)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len && taken < N_IMPORT; i++)
    {
      const char *person = g_ptr_array_index (names, i);
      g_autofree char *pdir = g_build_filename (photos, person, NULL);
      g_autofree char *src_dir = g_build_filename (lfw, person, NULL);

      if (g_str_equal (person, PERSON) || !g_file_test (src_dir, G_FILE_TEST_IS_DIR))
        continue;
      g_assert_cmpint (g_mkdir_with_parents (pdir, 0700), ==, 0);
      for (guint n = 1; n <= 2; n++)
        {
          g_autofree char *base = g_strdup_printf ("%s_%04u.jpg", person, n);
          g_autofree char *src = g_build_filename (src_dir, base, NULL);
          g_autofree char *dst = g_build_filename (pdir, base, NULL);

          if (g_file_test (src, G_FILE_TEST_EXISTS))
            g_assert_cmpint (symlink (src, dst), ==, 0);
        }
      taken++;
    }
  g_assert_cmpuint (taken, ==, N_IMPORT);
  return photos;
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  gboolean *done = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("visage-cli import exited with %d", g_subprocess_get_exit_status (G_SUBPROCESS (source)));
  if (g_subprocess_get_exit_status (G_SUBPROCESS (source)) != 0)
    g_test_message ("%s", err);
  meter.importing = FALSE;
  *done = TRUE;
}

/* ---- Conditions ------------------------------------------------------- */

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
has_samples (gpointer data)
{
  VisageEnrollWindow *enroll = data;

  return visage_enroll_window_get_n_samples (enroll) >= visage_enroll_window_get_target (enroll);
}

static gboolean
enroll_gone (gpointer data)
{
  return vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW) == NULL;
}

static gboolean
saved_is_set (gpointer data)
{
  return *(gint64 *) data > 0;
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

typedef struct {
  VisagePeoplePage *page;
  guint             n;
} WantPeople;

static gboolean
n_people_is (gpointer data)
{
  WantPeople *want = data;

  return visage_people_page_get_n_people (want->page) == want->n;
}

static gboolean
nothing_staged (gpointer data)
{
  VisagePeoplePage *page = data;
  VsPeopleModel *model = visage_people_page_get_model (page);

  return model != NULL && vs_people_model_get_n_staged (model) == 0;
}

static gboolean
dialog_shown (gpointer data)
{
  return vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* ---- The test ------------------------------------------------------------ */

static void
test_stall (void)
{
  g_autofree char *db = make_big_db ();
  g_autofree char *photos = make_import_folder ();
  g_autofree char *slideshow = vs_test_make_tmpdir ();
  g_autofree char *source = g_strconcat ("images:", slideshow, NULL);
  g_autoptr(GSubprocess) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VisageSession) session = NULL;
  VisageWindow *window;
  VisageEnrollWindow *enroll;
  VisagePeoplePage *page;
  gboolean import_done = FALSE;
  gint64 saved_id = 0;
  guint tick, expected;
  WantPeople want;

  vs_test_copy_lfw (slideshow, PERSON, 1, 40);

  start_watchdog ();
  tick = g_timeout_add_full (G_PRIORITY_HIGH, TICK_MS, tick_cb, NULL, NULL);

  phase ("opening the window");
  session = visage_application_dup_session (app, db, NULL, NULL);
  window = g_object_new (VISAGE_TYPE_WINDOW,
                         "application", app,
                         "session", session,
                         "source", source,
                         "images-fps", 2.0,
                         NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (vs_gui_test_wait_allocated (GTK_WIDGET (window), WAIT_MS));
  page = window->people_page;

  /* From here on, every gap counts. */
  meter_start ();
  phase ("live view, idle");
  vs_gui_test_run_for (2000);

  /* Another process writes while everything below happens. */
  phase ("starting visage-cli import");
  import = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                             g_getenv ("VISAGE_CLI"), "import", "--largest", "--db", db, photos, NULL);
  g_assert_no_error (error);
  meter.importing = TRUE;
  g_subprocess_communicate_utf8_async (import, NULL, NULL, import_done_cb, &import_done);

  /* Enroll a person from the slideshow and save. */
  phase ("opening the enrollment window");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-person", NULL));
  enroll = VISAGE_ENROLL_WINDOW (vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW));
  g_assert_nonnull (enroll);
  g_signal_connect (enroll, "saved", G_CALLBACK (saved_cb), &saved_id);
  visage_enroll_window_set_name (enroll, PERSON_NAME);
  phase ("capturing");
  g_assert_true (vs_gui_test_wait_for (has_samples, enroll, 4 * WAIT_MS));
  phase ("saving the enrollment");
  visage_enroll_window_save (enroll);
  g_assert_true (vs_gui_test_wait_for (saved_is_set, &saved_id, WAIT_MS));
  g_assert_true (vs_gui_test_wait_for (enroll_gone, NULL, WAIT_MS));
  phase ("after saving");
  vs_gui_test_run_for (1000);

  /* Delete two people from the People page: select, Delete…, confirm;
   * the undo toast expires after a second and the deletion commits. */
  phase ("showing the People page");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "people"));
  vs_gui_test_run_for (500);
  g_object_set (page, "undo-timeout", 1, NULL);
  phase ("selecting two people");
  visage_people_page_set_selection_mode (page, TRUE);
  {
    GtkSelectionModel *selection = GTK_SELECTION_MODEL (visage_people_page_get_shown_model (page));

    g_assert_true (gtk_selection_model_select_item (selection, 0, FALSE));
    g_assert_true (gtk_selection_model_select_item (selection, 1, FALSE));
  }
  vs_gui_test_run_for (200);
  phase ("deleting two people");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "people.delete-selected", NULL));
  g_assert_true (vs_gui_test_wait_for (dialog_shown, NULL, WAIT_MS));
  /* A person reads the question before answering: answered in the same
   * main loop iteration as it appeared, the dialog's first frame and the
   * deletion would be one gap that no user can cause. */
  phase ("reading the confirmation");
  vs_gui_test_run_for (300);
  phase ("deleting two people");
  {
    GtkWindow *dialog = vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG);

    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
    gtk_window_destroy (dialog);
  }
  phase ("undo toast, then the deletion commits");
  vs_gui_test_run_for (500);
  g_assert_true (vs_gui_test_wait_for (nothing_staged, page, WAIT_MS));

  /* The import ends; the window catches up with everything. */
  phase ("waiting for visage-cli import");
  g_assert_true (vs_gui_test_wait_for (is_true, &import_done, 300000));
  g_assert_cmpint (g_subprocess_get_exit_status (import), ==, 0);

  meter_pause ();
  expected = count_people (db);
  meter_resume ();
  g_test_message ("expecting %u people (10,000 + 1 enrolled − 2 deleted + imported)", expected);
  g_assert_cmpuint (expected, >, N_PEOPLE);

  phase ("catching up");
  want.page = page;
  want.n = expected;
  g_assert_true (vs_gui_test_wait_for (n_people_is, &want, WAIT_MS));
  phase ("after catching up");
  vs_gui_test_run_for (1000);
  meter.recording = FALSE;
  g_source_remove (tick);

  g_test_message ("longest main-loop gap: %.0f ms (on a CPU %.0f ms, waiting for one %.0f ms) at %.2f s, "
                  "from \"%s\" to \"%s\"%s; %u gaps over %d ms",
                  meter.max_gap / 1000.0, meter.max_run_ns / 1e6, meter.max_wait_ns / 1e6,
                  meter.max_at / 1e6, meter.max_phase, meter.max_phase_end,
                  meter.max_importing ? " (visage-cli import running)" : "",
                  meter.n_over, MAX_GAP_MS);
  g_test_message ("longest time on a CPU within one gap: %.0f ms, from \"%s\"; load average %s",
                  meter.max_work / 1000.0, meter.max_work_phase, load_average ());
  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (200);
  g_assert_cmpint (meter.max_gap, <=, MAX_GAP_MS * 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  vs_test_init (&argc, &argv);
  vs_gui_test_init (&argc, &argv);

  if (g_getenv ("VISAGE_CLI") == NULL)
    g_error ("VISAGE_CLI must name the built visage-cli (meson sets it)");

  app = visage_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/stall/main-loop", test_stall);

  status = g_test_run ();

  vs_gui_test_destroy_all_windows ();
  g_clear_object (&app);
  return status;
}

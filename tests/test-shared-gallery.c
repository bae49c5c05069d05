/* test-shared-gallery.c: several front desks on one PostgreSQL server, as
 * programs. Two `visage-cli watch` stations watch the same slideshow (Colin
 * Powell standing at the desk, a new picture of him every 2 s, so a new
 * track starts every 2 s); a third station enrolls and deletes with
 * visage-cli. Runs under tests/with-postgres, in the slow suite: it measures
 * how soon a change at one desk shows at the others and what happens when
 * the server dies. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "vs-test-pg.h"
#include "vs-test-util.h"

/* The bounds: a change at one desk shows at the others within 2 s
 * (of which the gallery swap is a fraction), updates resume within 5 s of
 * the server coming back. Wall-clock, hence the slow suite. */
#define GALLERY_BOUND_S 1.0
#define CHANGE_BOUND_S 2.0
#define RESUME_BOUND_S 5.0

typedef struct {
  gint64      when;      /* monotonic µs when the line arrived */
  JsonObject *event;     /* stdout: one JSON object */
} Line;

typedef struct {
  const char       *label;
  GSubprocess      *process;
  GDataInputStream *out;
  GDataInputStream *err;
  GArray           *lines;   /* Line; stderr lines as {"event": "stderr", "text": …} */
  gboolean          eof;
} Station;

typedef struct {
  Station  *station;
  gboolean  is_stderr;
} Reader;

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("VISAGE_CLI");

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("$VISAGE_CLI must name the built visage-cli (set by meson)");
  return cli;
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Reader *reader = user_data;
  Station *station = reader->station;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
                                                                result, NULL, &error);
  g_autoptr(JsonNode) node = NULL;

  if (text == NULL)
    {
      station->eof = station->eof || !reader->is_stderr;
      g_free (reader);
      return;
    }
  if (reader->is_stderr)
    {
      JsonObject *event = json_object_new ();
      Line line = { g_get_monotonic_time (), event };

      json_object_set_string_member (event, "event", "stderr");
      json_object_set_string_member (event, "text", text);
      g_array_append_val (station->lines, line);
      g_printerr ("%s: %s\n", station->label, text);
      g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL,
                                           read_line_cb, reader);
      return;
    }
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  {
    Line line = { g_get_monotonic_time (), json_object_ref (json_node_get_object (node)) };
    g_array_append_val (station->lines, line);
  }
  if (g_test_verbose ())
    g_printerr ("%s: %s\n", station->label, text);
  g_data_input_stream_read_line_async (station->out, G_PRIORITY_DEFAULT, NULL, read_line_cb, reader);
}

static void
line_clear (gpointer data)
{
  json_object_unref (((Line *) data)->event);
}

static void
station_start (Station    *station,
               const char *label,
               const char *db,
               const char *slides)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_arg = g_strdup_printf ("--db=%s", db);
  g_autofree char *models_arg = g_strdup_printf ("--models=%s", vs_test_models_dir ());
  g_autofree char *source = g_strdup_printf ("images:%s", slides);

  station->label = label;
  station->lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_array_set_clear_func (station->lines, line_clear);
  station->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                       cli_path (), "watch", db_arg, models_arg, "--json",
                                       "--fps=5", source, NULL);
  g_assert_no_error (error);
  station->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (station->process));
  station->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (station->process));
  for (guint i = 0; i < 2; i++)
    {
      Reader *reader = g_new0 (Reader, 1);

      reader->station = station;
      reader->is_stderr = i == 1;
      g_data_input_stream_read_line_async (i == 1 ? station->err : station->out, G_PRIORITY_DEFAULT,
                                           NULL, read_line_cb, reader);
    }
}

static void
station_stop (Station *station)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (station->process, SIGTERM);
  g_subprocess_wait (station->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (station->process));
  g_assert_cmpint (g_subprocess_get_exit_status (station->process), ==, 0);
  while (!station->eof)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&station->out);
  g_clear_object (&station->err);
  g_clear_object (&station->process);
  g_clear_pointer (&station->lines, g_array_unref);
}

/* The name a "decided" line gives (NULL: nobody, or none yet). */
static const char *
line_name (const Line *line)
{
  JsonNode *name = json_object_get_member (line->event, "name");

  return name != NULL && JSON_NODE_HOLDS_VALUE (name) ? json_node_get_string (name) : NULL;
}

/* What a line says: "decided:Colin Powell", "decided:unknown" (the state:
 * nobody is a null name), "offline", "changed" (the station swapped in a
 * new gallery)… */
static gboolean
line_is (const Line *line,
         const char *what)
{
  const char *event = json_object_get_string_member_with_default (line->event, "event", "");

  if (g_str_equal (what, "changed"))
    return g_str_equal (event, "stderr") &&
           strstr (json_object_get_string_member (line->event, "text"), "the database changed") != NULL;
  if (g_str_equal (what, "decided:unknown"))
    return g_str_equal (event, "decided") &&
           g_str_equal (json_object_get_string_member_with_default (line->event, "state", ""), "unknown");
  if (g_str_has_prefix (what, "decided:"))
    return g_str_equal (event, "decided") &&
           g_strcmp0 (line_name (line), what + strlen ("decided:")) == 0;
  return g_str_equal (event, what);
}

/* Waits until the station prints `what` after `since` (monotonic µs); the
 * time it arrived, or fails after timeout_s. */
static gint64
wait_for (Station    *station,
          const char *what,
          gint64      since,
          double      timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  for (;;)
    {
      for (guint i = 0; i < station->lines->len; i++)
        {
          const Line *line = &g_array_index (station->lines, Line, i);
          if (line->when >= since && line_is (line, what))
            return line->when;
        }
      g_assert_false (station->eof);
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: no “%s” within %.0f s", station->label, what, timeout_s);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
}

/* How soon after a change both stations swapped in a new gallery: the
 * part of the delay that is the shared store's. The change committed
 * between `before` (the command started) and `t` (it exited); the delay is
 * counted from t, so it is at most that much after the commit. */
static void
report_gallery_latency (Station    *b,
                        Station    *c,
                        gint64      before,
                        gint64      t,
                        const char *what)
{
  gint64 changed_b = MAX (wait_for (b, "changed", before, 30), t);
  gint64 changed_c = MAX (wait_for (c, "changed", before, 30), t);

  g_test_message ("%s → gallery updated at B after %.2f s, at C after %.2f s",
                  what, (changed_b - t) / 1e6, (changed_c - t) / 1e6);
  g_assert_cmpfloat ((MAX (changed_b, changed_c) - t) / 1e6, <, GALLERY_BOUND_S);
}

static void
run_cli (const char *db,
         char      **args,
         char      **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *stdout_text = NULL;
  int status;

  g_ptr_array_add (argv, g_strdup (cli_path ()));
  g_ptr_array_add (argv, g_strdup (args[0]));
  g_ptr_array_add (argv, g_strdup_printf ("--db=%s", db));
  g_ptr_array_add (argv, g_strdup_printf ("--models=%s", vs_test_models_dir ()));
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &stdout_text, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("visage-cli %s failed: %s", args[0], err);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
}

static gint64
enroll_colin (const char *db)
{
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = NULL;

  g_ptr_array_add (args, g_strdup ("enroll"));
  g_ptr_array_add (args, g_strdup ("--name=Colin Powell"));
  g_ptr_array_add (args, g_strdup ("--central"));
  g_ptr_array_add (args, g_strdup ("--json"));
  for (guint n = 1; n <= 5; n++)
    g_ptr_array_add (args, g_strdup_printf ("%s/lfw/Colin_Powell/Colin_Powell_%04u.jpg",
                                            vs_test_data_dir (), n));
  g_ptr_array_add (args, NULL);
  run_cli (db, (char **) args->pdata, &out);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  return json_object_get_int_member (json_node_get_object (node), "person_id");
}

static void
delete_person (const char *db,
               gint64      id)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  char *args[] = { "people", "delete", id_text, NULL };

  run_cli (db, args, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* 50 people of LFW, one picture each, in a folder per person. */
static char *
make_import_folder (guint first)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lfw = g_build_filename (vs_test_data_dir (), "lfw", NULL);
  g_autoptr(GDir) people = g_dir_open (lfw, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while ((name = g_dir_read_name (people)) != NULL)
    if (!g_str_equal (name, "Colin_Powell"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = first; i < first + 50; i++)
    {
      const char *person = g_ptr_array_index (names, i * 37 % names->len);
      g_autofree char *folder = g_build_filename (dir, person, NULL);
      g_autofree char *target = g_strdup_printf ("%s/%s/%s_0001.jpg", lfw, person, person);
      g_autofree char *link = g_build_filename (folder, "1.jpg", NULL);

      g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
      g_assert_cmpint (symlink (target, link), ==, 0);
    }
  return g_steal_pointer (&dir);
}

/* He stands at the desk: at 5 frames a second, each picture held 2 s (the
 * images: default), and every picture is a new scene, so a new track
 * starts every 2 s and is decided with the gallery of the moment, while the
 * track in view when the gallery changes is decided again at once. No gap
 * without him: a person who is not there cannot be recognised, and the
 * time until he comes back is not the shared gallery's. */
static char *
make_slideshow (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *face = g_strdup_printf ("%s/lfw/Colin_Powell/Colin_Powell_0010.jpg", vs_test_data_dir ());

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *link = g_strdup_printf ("%s/slide_%02u.jpg", dir, i);
      g_assert_cmpint (symlink (face, link), ==, 0);
    }
  return g_steal_pointer (&dir);
}

/* After a deletion at `t`: watches until `window_s` after t and returns how
 * long after t the station last showed his name on any track — a track
 * keeps a name from its decision until it is decided otherwise or leaves —
 * (0 if it showed none by then); fails if it still shows it at the end or
 * stopped deciding at all. */
static double
named_after_deletion (Station *station,
                      gint64   t,
                      double   window_s)
{
  gint64 end = t + (gint64) (window_s * G_USEC_PER_SEC);
  g_autoptr(GHashTable) named = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 unnamed_at = t;
  gboolean decided_late = FALSE;

  while (g_get_monotonic_time () < end)
    {
      g_assert_false (station->eof);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
  for (guint i = 0; i < station->lines->len; i++)
    {
      const Line *line = &g_array_index (station->lines, Line, i);
      const char *event = json_object_get_string_member_with_default (line->event, "event", "");
      gint64 track;
      gboolean was_named = g_hash_table_size (named) > 0;

      if (!g_str_equal (event, "decided") && !g_str_equal (event, "left"))
        continue;
      track = json_object_get_int_member (line->event, "track");
      if (g_str_equal (event, "decided") && g_strcmp0 (line_name (line), "Colin Powell") == 0)
        g_hash_table_add (named, g_memdup2 (&track, sizeof track));
      else
        g_hash_table_remove (named, &track);
      if (line->when >= t && (was_named || g_hash_table_size (named) > 0))
        unnamed_at = line->when;
      if (line_is (line, "decided:unknown") && line->when > t + CHANGE_BOUND_S * G_USEC_PER_SEC)
        decided_late = TRUE;
    }
  g_assert_cmpuint (g_hash_table_size (named), ==, 0);
  g_assert_true (decided_late);   /* it was still deciding, just not him */
  return (unnamed_at - t) / 1e6;
}

static void
test_three_desks (void)
{
  g_autofree char *db = vs_test_pg_new_database ();
  g_autofree char *slides = make_slideshow ();
  g_autofree char *import_a = make_import_folder (0);
  g_autofree char *import_b = make_import_folder (50);
  Station b = { 0 }, c = { 0 };
  gint64 colin, before, t, seen_b, seen_c;
  double latency_b, latency_c;

  /* The schema exists before the stations start (as after set-up). */
  g_assert_cmpint (vs_test_pg_query (db, "SELECT 1"), ==, 1);
  {
    char *args[] = { "people", "list", NULL };
    run_cli (db, args, NULL);
  }
  station_start (&b, "B", db, slides);
  station_start (&c, "C", db, slides);
  /* Both run and know nobody: his face is unknown. */
  wait_for (&b, "decided:unknown", 0, 120);
  wait_for (&c, "decided:unknown", 0, 120);

  /* Enrolled at desk A: recognised at B and C. */
  before = g_get_monotonic_time ();
  colin = enroll_colin (db);
  t = g_get_monotonic_time ();
  report_gallery_latency (&b, &c, before, t, "enrolled at A");
  seen_b = wait_for (&b, "decided:Colin Powell", t, 30);
  seen_c = wait_for (&c, "decided:Colin Powell", t, 30);
  latency_b = (seen_b - t) / 1e6;
  latency_c = (seen_c - t) / 1e6;
  /* Where the time goes: the swap, then the frame that names him. */
  g_test_message ("enrolled at A → named at B after %.2f s (%.2f s after its swap), "
                  "at C after %.2f s (%.2f s after its swap)",
                  latency_b, (seen_b - MAX (wait_for (&b, "changed", before, 0), t)) / 1e6,
                  latency_c, (seen_c - MAX (wait_for (&c, "changed", before, 0), t)) / 1e6);
  g_assert_cmpfloat (MAX (latency_b, latency_c), <, CHANGE_BOUND_S);

  /* Deleted (from B's desk): no longer named anywhere. */
  before = g_get_monotonic_time ();
  delete_person (db, colin);
  t = g_get_monotonic_time ();
  report_gallery_latency (&b, &c, before, t, "deleted");
  latency_b = named_after_deletion (&b, t, 3 * CHANGE_BOUND_S);
  latency_c = named_after_deletion (&c, t, 0);
  g_test_message ("deleted → last named at B %.2f s after, at C %.2f s after", latency_b, latency_c);
  g_assert_cmpfloat (MAX (latency_b, latency_c), <, CHANGE_BOUND_S);

  /* Two desks enroll 50 people each at the same time: nothing is lost. */
  {
    g_autoptr(GSubprocess) a1 = NULL;
    g_autoptr(GSubprocess) a2 = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *db_arg = g_strdup_printf ("--db=%s", db);
    g_autofree char *models_arg = g_strdup_printf ("--models=%s", vs_test_models_dir ());

    a1 = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, cli_path (), "import",
                           db_arg, models_arg, "--largest", import_a, NULL);
    g_assert_no_error (error);
    a2 = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, cli_path (), "import",
                           db_arg, models_arg, "--largest", import_b, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (a1, NULL, &error));
    g_assert_true (g_subprocess_wait_check (a2, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (vs_test_pg_query (db, "SELECT count(*) FROM people"), ==, 100);
    g_assert_cmpint (vs_test_pg_query (db, "SELECT count(DISTINCT name) FROM people"), ==, 100);
    g_assert_cmpint (vs_test_pg_query (db, "SELECT count(*) FROM samples"), ==, 100);
  }

  /* The server dies while the desks run: they keep naming the people they
   * know, say they are offline, and catch up when it is back. */
  colin = enroll_colin (db);
  t = g_get_monotonic_time ();
  wait_for (&b, "decided:Colin Powell", t, 30);
  wait_for (&c, "decided:Colin Powell", t, 30);

  vs_test_pg_server ("stop");
  t = g_get_monotonic_time ();
  seen_b = wait_for (&b, "offline", t, 30);
  seen_c = wait_for (&c, "offline", t, 30);
  g_test_message ("server killed → offline at B after %.2f s, at C after %.2f s",
                  (seen_b - t) / 1e6, (seen_c - t) / 1e6);
  wait_for (&b, "decided:Colin Powell", MAX (seen_b, seen_c), 30);
  wait_for (&c, "decided:Colin Powell", MAX (seen_b, seen_c), 30);

  vs_test_pg_server ("start");
  t = g_get_monotonic_time ();
  seen_b = wait_for (&b, "online", t, 30);
  seen_c = wait_for (&c, "online", t, 30);
  g_test_message ("server back → online at B after %.2f s, at C after %.2f s",
                  (seen_b - t) / 1e6, (seen_c - t) / 1e6);
  g_assert_cmpfloat ((MAX (seen_b, seen_c) - t) / 1e6, <, RESUME_BOUND_S);

  /* Updates flow again: a deletion reaches both. */
  before = g_get_monotonic_time ();
  delete_person (db, colin);
  t = g_get_monotonic_time ();
  report_gallery_latency (&b, &c, before, t, "after the outage, deleted");
  latency_b = named_after_deletion (&b, t, 3 * CHANGE_BOUND_S);
  latency_c = named_after_deletion (&c, t, 0);
  g_test_message ("after the outage, deleted → last named at B %.2f s after, at C %.2f s after",
                  latency_b, latency_c);
  g_assert_cmpfloat (MAX (latency_b, latency_c), <, CHANGE_BOUND_S);

  station_stop (&b);
  station_stop (&c);
}

int
main (int argc, char **argv)
{
  /* The stations load pictures with GdkPixbuf, which needs the system's
   * MIME database from XDG_DATA_DIRS: isolated folders, but not that. */
  g_autofree char *data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));

  vs_test_init (&argc, &argv);
  if (data_dirs != NULL)
    g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);
  else
    g_unsetenv ("XDG_DATA_DIRS");

  g_test_add_func ("/shared-gallery/three-desks", test_three_desks);

  return g_test_run ();
}

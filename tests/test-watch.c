/* test-watch.c: `visage-cli watch`, the live pipeline without a window, run
 * as a program on the street video and on LFW slideshows. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "vs-test-band.h"
#include "vs-test-util.h"

typedef struct {
  int        status;     /* exit status, or -signal */
  char      *out;
  char      *err;
  GPtrArray *lines;      /* JsonObject* (referenced), one per stdout line */
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->lines, g_ptr_array_unref);
}

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("VISAGE_CLI");

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("$VISAGE_CLI must name the built visage-cli (set by meson)");
  return cli;
}

static GPtrArray *
base_argv (const char *command, const char *db)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (cli_path ()));
  g_ptr_array_add (argv, g_strdup (command));
  g_ptr_array_add (argv, g_strdup_printf ("--db=%s", db));
  g_ptr_array_add (argv, g_strdup_printf ("--models=%s", vs_test_models_dir ()));
  return argv;
}

/* Every stdout line must be one JSON object. */
static void
parse_lines (Run *run)
{
  g_auto(GStrv) lines = g_strsplit (run->out, "\n", -1);

  run->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root;

      if (lines[i][0] == '\0')
        {
          /* Only the very end may be empty (the final newline). */
          g_assert_null (lines[i + 1]);
          break;
        }
      if (!json_parser_load_from_data (parser, lines[i], -1, &error))
        g_error ("Line %u of the output is not JSON (%s): %s", i + 1, error->message, lines[i]);
      root = json_parser_get_root (parser);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      g_ptr_array_add (run->lines, json_object_ref (json_node_get_object (root)));
    }
}

static void
run_sync (GPtrArray *argv, Run *run)
{
  g_autoptr(GError) error = NULL;
  int wait_status;

  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -WTERMSIG (wait_status);
  if (g_test_verbose ())
    g_printerr ("%s%s", run->err, run->out);
}

static char *
make_db (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  return g_build_filename (dir, "visage.db", NULL);
}

static JsonObject *
last_line (Run *run)
{
  g_assert_cmpuint (run->lines->len, >, 0);
  return g_ptr_array_index (run->lines, run->lines->len - 1);
}

/* Checks the events: known kinds, track ids, times, each track appears
 * once before anything else happens to it and leaves exactly once. Returns
 * the number of tracks. */
static guint
check_events (Run *run, double max_time)
{
  g_autoptr(GHashTable) appeared = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) left = g_hash_table_new (NULL, NULL);
  double last_time = 0;

  for (guint i = 0; i + 1 < run->lines->len; i++)
    {
      JsonObject *ev = g_ptr_array_index (run->lines, i);
      const char *kind = json_object_get_string_member (ev, "event");
      gint64 track = json_object_get_int_member (ev, "track");
      double time = json_object_get_double_member (ev, "time");

      g_assert_cmpint (track, >, 0);
      g_assert_cmpfloat (time, >=, 0);
      g_assert_cmpfloat (time, <=, max_time);
      /* Events come in frame order. */
      g_assert_cmpfloat (time, >=, last_time - 1e-9);
      last_time = time;

      if (g_str_equal (kind, "appeared"))
        {
          g_assert_false (g_hash_table_contains (appeared, GINT_TO_POINTER (track)));
          g_hash_table_add (appeared, GINT_TO_POINTER (track));
        }
      else if (g_str_equal (kind, "decided"))
        {
          const char *name = json_object_get_string_member (ev, "name");
          const char *state = json_object_get_string_member (ev, "state");

          g_assert_true (g_hash_table_contains (appeared, GINT_TO_POINTER (track)));
          g_assert_false (g_hash_table_contains (left, GINT_TO_POINTER (track)));
          g_assert_true (json_object_has_member (ev, "name"));
          g_assert_true (json_object_has_member (ev, "person_id"));
          g_assert_true (json_object_has_member (ev, "score"));
          if (g_str_equal (state, "unknown"))
            {
              /* Nobody is null, never the name "unknown". */
              g_assert_true (json_object_get_null_member (ev, "name"));
              g_assert_true (json_object_get_null_member (ev, "person_id"));
            }
          else
            {
              g_assert_cmpstr (state, ==, "known");
              g_assert_nonnull (name);
              g_assert_cmpint (json_object_get_int_member (ev, "person_id"), >, 0);
            }
        }
      else if (g_str_equal (kind, "left"))
        {
          g_assert_true (g_hash_table_contains (appeared, GINT_TO_POINTER (track)));
          g_assert_false (g_hash_table_contains (left, GINT_TO_POINTER (track)));
          g_hash_table_add (left, GINT_TO_POINTER (track));
        }
      else
        g_error ("Unknown event “%s”", kind);
    }

  g_assert_cmpuint (g_hash_table_size (left), ==, g_hash_table_size (appeared));
  return g_hash_table_size (appeared);
}

static void
test_street (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *video = vs_test_data_path ("video/street.mp4");
  g_autoptr(GPtrArray) argv = base_argv ("watch", db);
  Run run = { 0 };
  JsonObject *stats;
  guint n_tracks, n_decided = 0;

  g_ptr_array_add (argv, g_strdup ("--fast"));
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup_printf ("file:%s", video));
  run_sync (argv, &run);
  g_assert_cmpint (run.status, ==, 0);
  parse_lines (&run);

  /* The last line: the benchmark figures. Every one of the 105 frames went
   * through the worker. */
  stats = last_line (&run);
  g_assert_cmpstr (json_object_get_string_member (stats, "event"), ==, "stats");
  g_assert_cmpint (json_object_get_int_member (stats, "frames"), ==, 105);
  g_assert_cmpint (json_object_get_int_member (stats, "frames_dropped"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "faces_max"), >=, 3);
  g_assert_cmpfloat (json_object_get_double_member (stats, "source_fps"), ==, 25.0);
  g_assert_cmpfloat (json_object_get_double_member (stats, "recognition_fps"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (stats, "latency_p95_ms"), >, 0);

  /* Walkers appear, are decided (nobody is enrolled: unknown), and leave. */
  n_tracks = check_events (&run, 4.2 + 1e-6);
  g_assert_cmpuint (n_tracks, >=, 3);
  g_assert_cmpint (json_object_get_int_member (stats, "tracks"), ==, n_tracks);
  for (guint i = 0; i + 1 < run.lines->len; i++)
    {
      JsonObject *ev = g_ptr_array_index (run.lines, i);
      if (g_str_equal (json_object_get_string_member (ev, "event"), "decided"))
        {
          g_assert_true (json_object_get_null_member (ev, "name"));
          n_decided++;
        }
    }
  g_assert_cmpuint (n_decided, >=, 3);

  /* At 25 fps the whole frame is searched every 100 ms of the video's time
   * (every third frame), between only around the walkers followed. */
  g_assert_cmpint (json_object_get_int_member (stats, "full_detections"), >=, 105 / 3);
  g_assert_cmpint (json_object_get_int_member (stats, "full_detections"), <, 105 / 2);
  g_assert_cmpint (json_object_get_int_member (stats, "region_detections"), >, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "full_detections") +
                   json_object_get_int_member (stats, "region_detections"), <=, 105);
  g_assert_false (json_object_get_boolean_member (stats, "classic"));
  g_assert_cmpfloat (json_object_get_double_member (stats, "cpu_per_frame_ms"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (stats, "worker_cpu_ms"), >, 0);

  run_clear (&run);
}

/* The events of a file are the same on every run, however fast the worker:
 * where to search is decided on the frames' time, never the clock's. */
static void
test_street_repeatable (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *video = vs_test_data_path ("video/street.mp4");
  g_autofree char *first = NULL;
  Run run = { 0 };

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GPtrArray) argv = base_argv ("watch", db);
      g_autoptr(GString) events = g_string_new (NULL);
      g_auto(GStrv) lines = NULL;

      g_ptr_array_add (argv, g_strdup ("--fast"));
      g_ptr_array_add (argv, g_strdup ("--json"));
      g_ptr_array_add (argv, g_strdup ("--max-frames=40"));
      g_ptr_array_add (argv, g_strdup_printf ("file:%s", video));
      run_sync (argv, &run);
      g_assert_cmpint (run.status, ==, 0);
      lines = g_strsplit (run.out, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), >, 3);
      for (guint l = 0; lines[l] != NULL; l++)
        g_string_append_printf (events, "%s\n", lines[l]);
      if (first == NULL)
        first = g_string_free (g_steal_pointer (&events), FALSE);
      else
        g_assert_cmpstr (events->str, ==, first);
      run_clear (&run);
    }
}

/* bench live runs both, one after the other, and compares them. */
static void
test_bench_live (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *video = vs_test_data_path ("video/street.mp4");
  g_autoptr(GPtrArray) argv = base_argv ("bench", db);
  Run run = { 0 };
  JsonObject *result, *tracked, *classic;

  g_ptr_array_insert (argv, 2, g_strdup ("live"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("--max-frames=8"));
  g_ptr_array_add (argv, g_strdup (video));
  run_sync (argv, &run);
  g_assert_cmpint (run.status, ==, 0);
  parse_lines (&run);
  g_assert_cmpuint (run.lines->len, ==, 1);

  result = last_line (&run);
  tracked = json_object_get_object_member (result, "tracked");
  classic = json_object_get_object_member (result, "classic");
  g_assert_nonnull (tracked);
  g_assert_nonnull (classic);
  g_assert_false (json_object_get_boolean_member (tracked, "classic"));
  g_assert_true (json_object_get_boolean_member (classic, "classic"));
  g_assert_cmpint (json_object_get_int_member (tracked, "frames"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (classic, "frames"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (classic, "full_detections"), ==, 8);
  g_assert_cmpfloat (json_object_get_double_member (result, "fps_ratio"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (result, "cpu_ratio"), >, 0);
  /* Nobody enrolled: neither names anyone. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "named_tracked")), ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "same_names"));

  run_clear (&run);
}

/* The classic loop, the yardstick of bench live: every frame searched
 * whole, every face found embedded, the same kind of events. */
static void
test_classic (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *video = vs_test_data_path ("video/street.mp4");
  g_autoptr(GPtrArray) argv = base_argv ("watch", db);
  Run run = { 0 };
  JsonObject *stats;

  g_ptr_array_add (argv, g_strdup ("--fast"));
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("--classic"));
  g_ptr_array_add (argv, g_strdup ("--max-frames=12"));
  g_ptr_array_add (argv, g_strdup_printf ("file:%s", video));
  run_sync (argv, &run);
  g_assert_cmpint (run.status, ==, 0);
  parse_lines (&run);

  stats = last_line (&run);
  g_assert_cmpstr (json_object_get_string_member (stats, "event"), ==, "stats");
  g_assert_true (json_object_get_boolean_member (stats, "classic"));
  g_assert_cmpint (json_object_get_int_member (stats, "frames"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (stats, "full_detections"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (stats, "region_detections"), ==, 0);
  /* Several walkers in every frame, each embedded in every frame. */
  g_assert_cmpint (json_object_get_int_member (stats, "embeddings"), >=,
                   12 * json_object_get_int_member (stats, "faces_max") / 2);
  check_events (&run, 12 / 25.0 + 1e-6);

  run_clear (&run);
}

static void
test_known_person (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *slides = vs_test_make_tmpdir ();
  g_autoptr(GPtrArray) enroll = base_argv ("enroll", db);
  g_autoptr(GPtrArray) argv = base_argv ("watch", db);
  g_autofree char *name = NULL;
  Run run = { 0 };
  gint64 known_track = 0;
  guint n_known = 0;

  /* Enroll Colin Powell from photos 1–5 with the CLI… */
  g_ptr_array_add (enroll, g_strdup ("--name=Colin Powell"));
  g_ptr_array_add (enroll, g_strdup ("--central"));
  for (guint n = 1; n <= 5; n++)
    g_ptr_array_add (enroll, g_strdup_printf ("%s/lfw/Colin_Powell/Colin_Powell_%04u.jpg",
                                              vs_test_data_dir (), n));
  run_sync (enroll, &run);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  /* …then watch a slideshow of other photos of him. */
  for (guint n = 10; n < 18; n++)
    {
      g_autofree char *target = g_strdup_printf ("%s/lfw/Colin_Powell/Colin_Powell_%04u.jpg",
                                                 vs_test_data_dir (), n);
      g_autofree char *link = g_strdup_printf ("%s/slide_%02u.jpg", slides, n);
      g_assert_cmpint (symlink (target, link), ==, 0);
    }
  /* Each photo half a second in front of a 10 fps camera: 5 frames each. */
  g_ptr_array_add (argv, g_strdup ("--fast"));
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("--fps=10"));
  g_ptr_array_add (argv, g_strdup ("--hold=0.5"));
  g_ptr_array_add (argv, g_strdup_printf ("images:%s", slides));
  run_sync (argv, &run);
  g_assert_cmpint (run.status, ==, 0);
  parse_lines (&run);
  check_events (&run, 100);
  g_assert_cmpint (json_object_get_int_member (last_line (&run), "frames"), ==, 40);

  /* A new picture is a new track; he is named on every one, within the
   * first 5 frames of each. */
  for (guint i = 0; i + 1 < run.lines->len; i++)
    {
      JsonObject *ev = g_ptr_array_index (run.lines, i);

      if (g_str_equal (json_object_get_string_member (ev, "event"), "decided") &&
          g_str_equal (json_object_get_string_member (ev, "state"), "known"))
        {
          gint64 frame = json_object_get_int_member (ev, "frame");

          g_assert_cmpint (json_object_get_int_member (ev, "track"), >, known_track);
          known_track = json_object_get_int_member (ev, "track");
          g_free (name);
          name = g_strdup (json_object_get_string_member (ev, "name"));
          g_assert_cmpstr (name, ==, "Colin Powell");
          g_assert_cmpint (frame % 5, <=, 4);
          n_known++;
        }
    }
  g_assert_cmpint (n_known, ==, 8);
  g_assert_cmpstr (name, ==, "Colin Powell");

  /* He was seen: the database says so. */
  run_clear (&run);
  {
    g_autoptr(GPtrArray) people = base_argv ("people", db);
    g_autoptr(JsonNode) node = NULL;
    JsonArray *list;
    JsonObject *person;

    g_ptr_array_add (people, g_strdup ("--json"));
    run_sync (people, &run);
    g_assert_cmpint (run.status, ==, 0);
    node = json_from_string (run.out, NULL);
    g_assert_nonnull (node);
    list = json_object_get_array_member (json_node_get_object (node), "people");
    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    person = json_array_get_object_element (list, 0);
    g_assert_cmpstr (json_object_get_string_member (person, "name"), ==, "Colin Powell");
    g_assert_cmpint (json_object_get_int_member (person, "last_seen"), >=,
                     g_get_real_time () / G_USEC_PER_SEC - 120);
  }
  run_clear (&run);
}

/* The front desk: a queue of people stepping, one after the other, to the
 * same place in front of the camera. */

#define DESK_ENROLLED   5
#define DESK_STRANGERS  15
#define DESK_FPS        10
#define DESK_HOLD       2     /* seconds per person */

typedef struct {
  char     *name;      /* LFW folder name */
  gboolean  enrolled;
} DeskVisit;

static void
desk_visit_clear (DeskVisit *visit)
{
  g_free (visit->name);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static guint
count_photos (const char *lfw, const char *person)
{
  g_autofree char *dir = g_build_filename (lfw, person, NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* The first 5 LFW people (by name) with at least 4 photos, and the first 15
 * with just one; the queue: an enrolled person, three strangers, and so on. */
static GArray *
desk_queue (void)
{
  g_autofree char *lfw = g_build_filename (vs_test_data_dir (), "lfw", NULL);
  g_autoptr(GDir) dir = g_dir_open (lfw, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) enrolled = g_ptr_array_new ();
  g_autoptr(GPtrArray) strangers = g_ptr_array_new ();
  GArray *queue = g_array_new (FALSE, TRUE, sizeof (DeskVisit));
  const char *name;

  g_array_set_clear_func (queue, (GDestroyNotify) desk_visit_clear);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      guint n;

      if (enrolled->len == DESK_ENROLLED && strangers->len == DESK_STRANGERS)
        break;
      n = count_photos (lfw, names->pdata[i]);
      if (n >= 4 && enrolled->len < DESK_ENROLLED)
        g_ptr_array_add (enrolled, names->pdata[i]);
      else if (n == 1 && strangers->len < DESK_STRANGERS)
        g_ptr_array_add (strangers, names->pdata[i]);
    }
  g_assert_cmpuint (enrolled->len, ==, DESK_ENROLLED);
  g_assert_cmpuint (strangers->len, ==, DESK_STRANGERS);

  for (guint i = 0; i < DESK_ENROLLED; i++)
    {
      DeskVisit visit = { g_strdup (enrolled->pdata[i]), TRUE };

      g_array_append_val (queue, visit);
      for (guint j = 0; j < DESK_STRANGERS / DESK_ENROLLED; j++)
        {
          DeskVisit stranger = { g_strdup (strangers->pdata[i * (DESK_STRANGERS / DESK_ENROLLED) + j]), FALSE };
          g_array_append_val (queue, stranger);
        }
    }
  return queue;
}

static char *
display_name (const char *lfw_name)
{
  return g_strdelimit (g_strdup (lfw_name), "_", ' ');
}

typedef struct {
  guint stranger_named_max;     /* most frames one stranger carried a name */
  guint strangers_named;        /* strangers with a name on more than one frame */
  guint wrong_name_frames;      /* an enrolled person under another's name */
  guint named_in_time;          /* enrolled people named right within 1 s */
  guint named_at_max;           /* latest frame (of their visit) they were named at */
} DeskCounts;

/* Replays the events frame by frame: which names are on screen on each
 * frame, against who stands there. */
static void
desk_replay (Run *run, GArray *queue, DeskCounts *counts)
{
  const guint per_visit = DESK_FPS * DESK_HOLD;
  g_autoptr(GHashTable) names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autofree guint *named_frames = g_new0 (guint, queue->len);
  g_autofree gint *named_at = g_new0 (gint, queue->len);
  guint next = 0;

  memset (counts, 0, sizeof *counts);
  for (guint v = 0; v < queue->len; v++)
    named_at[v] = -1;

  for (guint frame = 0; frame < per_visit * queue->len; frame++)
    {
      const DeskVisit *visit = &g_array_index (queue, DeskVisit, frame / per_visit);
      g_autofree char *truth = display_name (visit->name);
      GHashTableIter iter;
      gpointer value;

      /* Events of this frame take effect on it. */
      for (; next < run->lines->len; next++)
        {
          JsonObject *ev = g_ptr_array_index (run->lines, next);
          const char *kind;
          gpointer track;

          if (!json_object_has_member (ev, "frame") ||
              json_object_get_int_member (ev, "frame") > (gint64) frame)
            break;
          g_assert_cmpint (json_object_get_int_member (ev, "frame"), ==, frame);
          kind = json_object_get_string_member (ev, "event");
          track = GINT_TO_POINTER (json_object_get_int_member (ev, "track"));
          if (g_str_equal (kind, "left"))
            g_hash_table_remove (names, track);
          else if (g_str_equal (kind, "appeared"))
            g_hash_table_insert (names, track, NULL);
          else if (g_str_equal (json_object_get_string_member (ev, "state"), "known"))
            g_hash_table_insert (names, track, g_strdup (json_object_get_string_member (ev, "name")));
          else
            g_hash_table_insert (names, track, NULL);
        }

      g_hash_table_iter_init (&iter, names);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          const char *shown = value;

          if (shown == NULL)
            continue;
          if (!visit->enrolled)
            named_frames[frame / per_visit]++;
          else if (!g_str_equal (shown, truth))
            counts->wrong_name_frames++;
          else if (named_at[frame / per_visit] < 0)
            named_at[frame / per_visit] = frame % per_visit;
        }
    }
  g_assert_cmpuint (next, ==, run->lines->len);

  for (guint v = 0; v < queue->len; v++)
    {
      const DeskVisit *visit = &g_array_index (queue, DeskVisit, v);

      if (!visit->enrolled)
        {
          counts->stranger_named_max = MAX (counts->stranger_named_max, named_frames[v]);
          counts->strangers_named += named_frames[v] > 1;
        }
      else if (named_at[v] >= 0 && named_at[v] < DESK_FPS)
        {
          counts->named_in_time++;
          counts->named_at_max = MAX (counts->named_at_max, (guint) named_at[v]);
        }
      g_test_message ("%2u %-10s %-28s named %s%d", v, visit->enrolled ? "enrolled" : "stranger",
                      visit->name, visit->enrolled ? "at frame " : "on frames ",
                      visit->enrolled ? named_at[v] : (int) named_frames[v]);
    }
}

static void
test_desk_queue (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *slides = vs_test_make_tmpdir ();
  g_autoptr(GArray) queue = desk_queue ();
  g_autofree char *first_out = NULL;
  DeskCounts counts;

  /* The enrolled people from their first photo; they come to the desk with
   * their second. */
  for (guint v = 0; v < queue->len; v++)
    {
      const DeskVisit *visit = &g_array_index (queue, DeskVisit, v);
      g_autofree char *photo = vs_test_lfw_path (visit->name, visit->enrolled ? 2 : 1);
      g_autofree char *link = g_strdup_printf ("%s/%02u.jpg", slides, v);

      g_assert_cmpint (symlink (photo, link), ==, 0);
      if (visit->enrolled)
        {
          g_autoptr(GPtrArray) enroll = base_argv ("enroll", db);
          g_autofree char *name = display_name (visit->name);
          Run run = { 0 };

          g_ptr_array_add (enroll, g_strdup_printf ("--name=%s", name));
          g_ptr_array_add (enroll, vs_test_lfw_path (visit->name, 1));
          run_sync (enroll, &run);
          g_assert_cmpint (run.status, ==, 0);
          run_clear (&run);
        }
    }

  /* Twice: the events depend on the frames only, not on how fast the
   * machine happened to be. */
  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GPtrArray) argv = base_argv ("watch", db);
      Run run = { 0 };

      g_ptr_array_add (argv, g_strdup ("--fast"));
      g_ptr_array_add (argv, g_strdup ("--json"));
      g_ptr_array_add (argv, g_strdup_printf ("--fps=%d", DESK_FPS));
      g_ptr_array_add (argv, g_strdup_printf ("--hold=%d", DESK_HOLD));
      g_ptr_array_add (argv, g_strdup_printf ("images:%s", slides));
      run_sync (argv, &run);
      g_assert_cmpint (run.status, ==, 0);
      if (pass == 0)
        {
          parse_lines (&run);
          desk_replay (&run, queue, &counts);
          g_test_message ("desk queue: strangers named on >1 frame %u (most frames %u), "
                          "wrong-name frames %u, enrolled named right within 1 s %u of %u "
                          "(latest at frame %u)",
                          counts.strangers_named, counts.stranger_named_max, counts.wrong_name_frames,
                          counts.named_in_time, DESK_ENROLLED, counts.named_at_max);
          first_out = g_steal_pointer (&run.out);
        }
      else
        g_assert_cmpstr (run.out, ==, first_out);
      run_clear (&run);
    }

  g_assert_cmpuint (counts.stranger_named_max, <=, 1);
  g_assert_cmpuint (counts.wrong_name_frames, ==, 0);
  /* At least 90 %. */
  g_assert_cmpuint (counts.named_in_time * 10, >=, DESK_ENROLLED * 9);
}

/* A face of an enrolled person that scores between the 1:1 and the open-set
 * thresholds is decided "unknown", frame after frame: the live pipeline
 * compares against the open-set threshold (read from the manifest). */
static void
test_band_face_unnamed (void)
{
  g_auto(VsTestBandPair) pair = { 0 };
  g_autofree char *db = make_db ();
  g_autofree char *slides = vs_test_make_tmpdir ();
  g_autoptr(GPtrArray) enroll = base_argv ("enroll", db);
  g_autoptr(GPtrArray) argv = base_argv ("watch", db);
  Run run = { 0 };
  guint decided = 0;

  vs_test_find_band_pair (NULL, &pair);
  g_ptr_array_add (enroll, g_strdup ("--name=Band Person"));
  g_ptr_array_add (enroll, g_strdup (pair.enrolled));
  run_sync (enroll, &run);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  /* The same picture for eight frames: every vote goes the same way. */
  {
    g_autofree char *link = g_strdup_printf ("%s/slide.jpg", slides);
    g_assert_cmpint (symlink (pair.probe, link), ==, 0);
  }
  g_ptr_array_add (argv, g_strdup ("--fast"));
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("--fps=10"));
  g_ptr_array_add (argv, g_strdup ("--hold=0.8"));
  g_ptr_array_add (argv, g_strdup_printf ("images:%s", slides));
  run_sync (argv, &run);
  g_assert_cmpint (run.status, ==, 0);
  parse_lines (&run);
  check_events (&run, 100);
  g_assert_cmpint (json_object_get_int_member (last_line (&run), "frames"), ==, 8);

  for (guint i = 0; i + 1 < run.lines->len; i++)
    {
      JsonObject *ev = g_ptr_array_index (run.lines, i);

      if (!g_str_equal (json_object_get_string_member (ev, "event"), "decided"))
        continue;
      decided++;
      g_assert_cmpstr (json_object_get_string_member (ev, "state"), ==, "unknown");
      g_assert_true (json_object_get_null_member (ev, "name"));
      /* It was compared with Band Person and scored in the band: a 1:1
       * comparison would have named it. */
      g_assert_cmpfloat (json_object_get_double_member (ev, "score"), >=, pair.verify_threshold);
      g_assert_cmpfloat (json_object_get_double_member (ev, "score"), <, pair.threshold);
    }
  g_assert_cmpuint (decided, >=, 1);
  run_clear (&run);
}

/* A covered lens, lights off, a test pattern: nobody appears, not even for
 * a frame. */
static void
test_no_faces (void)
{
  static const char * const sources[] = { "test", "test:black", "test:snow", "test:smpte" };
  g_autofree char *db = make_db ();

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr(GPtrArray) argv = base_argv ("watch", db);
      Run run = { 0 };

      g_ptr_array_add (argv, g_strdup ("--json"));
      g_ptr_array_add (argv, g_strdup ("--max-frames=15"));
      g_ptr_array_add (argv, g_strdup (sources[i]));
      run_sync (argv, &run);
      g_assert_cmpint (run.status, ==, 0);
      parse_lines (&run);
      g_test_message ("%s: %u events", sources[i], run.lines->len);
      g_assert_cmpuint (run.lines->len, ==, 0);
      run_clear (&run);
    }
}

static void
test_max_frames (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *video = vs_test_data_path ("video/street.mp4");
  Run run = { 0 };

  /* Benchmark mode: exactly N frames. */
  {
    g_autoptr(GPtrArray) argv = base_argv ("watch", db);

    g_ptr_array_add (argv, g_strdup ("--fast"));
    g_ptr_array_add (argv, g_strdup ("--stats"));
    g_ptr_array_add (argv, g_strdup ("--json"));
    g_ptr_array_add (argv, g_strdup ("--max-frames=20"));
    g_ptr_array_add (argv, g_strdup (video));   /* a bare path is a file: */
    run_sync (argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    parse_lines (&run);
    check_events (&run, 20 / 25.0 + 1e-6);
    g_assert_cmpint (json_object_get_int_member (last_line (&run), "frames"), ==, 20);
    run_clear (&run);
  }

  /* Real time on the test pattern: stops by itself, frames may be skipped
   * but never more than N processed. */
  {
    g_autoptr(GPtrArray) argv = base_argv ("watch", db);
    gint64 frames;

    g_ptr_array_add (argv, g_strdup ("--stats"));
    g_ptr_array_add (argv, g_strdup ("--json"));
    g_ptr_array_add (argv, g_strdup ("--max-frames=10"));
    g_ptr_array_add (argv, g_strdup ("test"));
    run_sync (argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    parse_lines (&run);
    frames = json_object_get_int_member (last_line (&run), "frames");
    g_assert_cmpint (frames, >=, 1);
    g_assert_cmpint (frames, <=, 10);
    run_clear (&run);
  }
}

static void
test_interrupt (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *video = vs_test_data_path ("video/street.mp4");
  g_autoptr(GPtrArray) argv = base_argv ("watch", db);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) out_channel = NULL;
  g_autoptr(GString) before = g_string_new (NULL);
  g_autofree char *rest = NULL;
  GPid pid;
  int out_fd, wait_status;
  Run run = { 0 };
  gsize len;

  /* Real time (looping video) until Ctrl+C. */
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup_printf ("file:%s", video));
  g_ptr_array_add (argv, NULL);
  g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  /* Interrupt once it is working: when the first face appeared (no clock:
   * how fast that happens is the benchmark's business). */
  out_channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out_channel, TRUE);
  while (strstr (before->str, "\"appeared\"") == NULL)
    {
      g_autofree char *line = NULL;

      g_assert_cmpint (g_io_channel_read_line (out_channel, &line, NULL, NULL, &error), ==, G_IO_STATUS_NORMAL);
      g_assert_no_error (error);
      g_string_append (before, line);
    }
  g_assert_cmpint (kill (pid, SIGINT), ==, 0);
  g_io_channel_read_to_end (out_channel, &rest, &len, &error);
  g_assert_no_error (error);
  run.out = g_strconcat (before->str, rest, NULL);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);

  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
  parse_lines (&run);
  check_events (&run, 60);
  /* The summary line counts what was seen before the interrupt. */
  g_assert_cmpint (json_object_get_int_member (last_line (&run), "frames"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (last_line (&run), "faces_max"), >=, 1);
  run_clear (&run);
}

static void
test_errors (void)
{
  g_autofree char *db = make_db ();
  g_autofree char *empty_dir = vs_test_make_tmpdir ();
  Run run = { 0 };

  /* A missing file: a message and status 3. */
  {
    g_autoptr(GPtrArray) argv = base_argv ("watch", db);

    g_ptr_array_add (argv, g_strdup ("file:/nonexistent/video.mp4"));
    run_sync (argv, &run);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "visage-cli:"));
    run_clear (&run);
  }

  /* Not a video. */
  {
    g_autoptr(GPtrArray) argv = base_argv ("watch", db);

    g_ptr_array_add (argv, g_strdup ("--fast"));
    g_ptr_array_add (argv, vs_test_data_path ("pairs.txt"));
    run_sync (argv, &run);
    /* 3: a file that could not be read (README, exit status). */
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "visage-cli: This file is not a video Visage can play"));
    run_clear (&run);
  }

  /* A folder without pictures. */
  {
    g_autoptr(GPtrArray) argv = base_argv ("watch", db);

    g_ptr_array_add (argv, g_strdup_printf ("images:%s", empty_dir));
    run_sync (argv, &run);
    g_assert_cmpint (run.status, ==, 3);
    run_clear (&run);
  }

  /* No source, or a source string nobody understands: usage. */
  {
    g_autoptr(GPtrArray) argv = base_argv ("watch", db);

    run_sync (argv, &run);
    g_assert_cmpint (run.status, ==, 2);
    run_clear (&run);
  }
  {
    g_autoptr(GPtrArray) argv = base_argv ("watch", db);

    g_ptr_array_add (argv, g_strdup ("bogus:thing"));
    run_sync (argv, &run);
    g_assert_cmpint (run.status, ==, 2);
    run_clear (&run);
  }
}

int
main (int argc, char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/watch/street", test_street);
  g_test_add_func ("/watch/street-repeatable", test_street_repeatable);
  g_test_add_func ("/watch/classic", test_classic);
  g_test_add_func ("/watch/bench-live", test_bench_live);
  g_test_add_func ("/watch/known-person", test_known_person);
  g_test_add_func ("/watch/desk-queue", test_desk_queue);
  g_test_add_func ("/watch/band-face-unnamed", test_band_face_unnamed);
  g_test_add_func ("/watch/no-faces", test_no_faces);
  g_test_add_func ("/watch/max-frames", test_max_frames);
  g_test_add_func ("/watch/interrupt", test_interrupt);
  g_test_add_func ("/watch/errors", test_errors);

  return g_test_run ();
}

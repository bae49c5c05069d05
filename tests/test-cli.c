/* test-cli.c: visage-cli run as a program ($VISAGE_CLI, set by meson): exit
 * codes, JSON output, error messages on bad input, and the database
 * commands end to end on LFW photos.
 *
 * Each test has its own $HOME and $XDG_DATA_HOME (vs_test_init), so that a
 * command run without --db never touches the real database. */
#define _GNU_SOURCE 1   /* memmem */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <signal.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-gallery.h"
#include "vs-image.h"
#include "vs-models.h"
#include "vs-store.h"
#include "vs-test-band.h"
#include "vs-engine.h"
#include "vs-test-images.h"
#include "vs-test-util.h"

static const char *cli;

/* ── running the CLI ────────────────────────────────────────────────── */

typedef struct {
  int   status;   /* exit status */
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_argv (Run        *r,
          GPtrArray  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (args, i));
  g_ptr_array_add (argv, NULL);
  line = g_strjoinv (" ", (char **) argv->pdata);

  run_clear (r);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &r->out, &r->err, &wait_status, &error);
  g_assert_no_error (error);

  if (g_spawn_check_wait_status (wait_status, &error))
    r->status = 0;
  else if (error->domain == G_SPAWN_EXIT_ERROR)
    r->status = error->code;
  else
    g_error ("“%s” did not exit normally (%s); stderr:\n%s", line, error->message, r->err);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, r->status);
  g_test_message ("$ %s → %d\n%s", line, r->status, r->err);
}

/* Runs `visage-cli first …` (NULL-terminated) into r and checks the exit
 * status. */
static void
run_expect (Run        *r,
            int         expected,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);

  run_argv (r, args);
  if (r->status != expected)
    g_error ("expected exit status %d, got %d; stdout:\n%s\nstderr:\n%s", expected, r->status, r->out, r->err);
}

/* stdout as one JSON object (the commands print one document on one line). */
static JsonObject *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_nonnull (text);
  /* One line, ending with a newline. */
  g_assert_true (g_str_has_suffix (text, "\n"));
  g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* stderr is exactly one line "visage-cli: …" that names `what`. */
static void
assert_one_line_error (const char *err,
                       const char *what)
{
  g_assert_true (g_str_has_prefix (err, "visage-cli: "));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  if (what != NULL && strstr (err, what) == NULL)
    g_error ("the message “%s” does not name “%s”", err, what);
}

static char *
lfw (const char *person,
     guint       number)
{
  return vs_test_lfw_path (person, number);
}

/* ── what the database files hold ───────────────────────────────────── */

/* Every stored embedding of a person (float bytes), read before a change. */
static GPtrArray *
stored_embeddings (const char *db,
                   gint64      person_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (db, &error);
  g_autoptr(GPtrArray) samples = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_assert_no_error (error);
  samples = vs_store_list_samples (store, person_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, >, 0);
  for (guint i = 0; i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      g_ptr_array_add (out, g_bytes_new (sample->embedding, sample->dim * sizeof (float)));
    }
  return out;
}

/* How many of these embeddings occur whole in the database, its WAL, its
 * shared memory or its journal. */
static guint
embeddings_in_files (const char *db,
                     GPtrArray  *embeddings)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  guint found = 0;

  for (guint e = 0; e < embeddings->len; e++)
    {
      gsize size;
      gconstpointer needle = g_bytes_get_data (g_ptr_array_index (embeddings, e), &size);
      gboolean seen = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (suffixes) && !seen; i++)
        {
          g_autofree char *file = g_strconcat (db, suffixes[i], NULL);
          g_autofree char *contents = NULL;
          gsize length = 0;

          if (!g_file_get_contents (file, &contents, &length, NULL))
            continue;
          /* A blob can straddle an overflow page, so look for each 32-byte
           * piece: one piece found means the embedding is (partly) there. */
          for (gsize at = 0; at + 32 <= size && !seen; at += 32)
            seen = memmem (contents, length, (const char *) needle + at, 32) != NULL;
        }
      found += seen;
    }
  return found;
}

/* ── help and usage ─────────────────────────────────────────────────── */

static void
test_help (void)
{
  static const char * const required[] = {
    "detect", "verify", "enroll", "import", "identify", "people", "reembed", "bench",
  };
  g_auto(Run) r = { 0 };
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = NULL;
  gboolean in_commands = FALSE;

  run_expect (&r, 0, "--help", NULL);
  g_assert_nonnull (strstr (r.out, "Exit status"));
  lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_equal (lines[i], "Commands:"))
        in_commands = TRUE;
      else if (in_commands && g_str_has_prefix (lines[i], "  "))
        {
          g_auto(GStrv) words = g_strsplit (g_strstrip (lines[i]), " ", 2);
          g_ptr_array_add (commands, g_strdup (words[0]));
        }
      else if (in_commands)
        in_commands = FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (commands, required[i], g_str_equal, NULL));

  /* Every command listed, and the two benchmarks. */
  for (guint i = 0; i < commands->len; i++)
    {
      const char *command = g_ptr_array_index (commands, i);

      run_expect (&r, 0, command, "--help", NULL);
      g_assert_nonnull (strstr (r.out, command));
      g_assert_nonnull (strstr (r.out, "--json"));
      if (g_str_equal (command, "bench"))
        continue;   /* a dispatcher: its two commands are below */
      g_assert_nonnull (strstr (r.out, "--db"));
      g_assert_nonnull (strstr (r.out, "--models"));
      g_assert_nonnull (strstr (r.out, "--embedder"));
    }
  run_expect (&r, 0, "bench", "lfw", "--help", NULL);
  g_assert_nonnull (strstr (r.out, "--pairs"));
  g_assert_nonnull (strstr (r.out, "--models"));
  run_expect (&r, 0, "bench", "speed", "--help", NULL);
  g_assert_nonnull (strstr (r.out, "--embedder"));
  run_expect (&r, 0, "--version", NULL);
}

static void
test_usage (void)
{
  g_autofree char *a = lfw ("Tony_Blair", 2);
  g_autofree char *default_db = g_build_filename (g_getenv ("XDG_DATA_HOME"), "visage", "visage.db", NULL);
  g_auto(Run) r = { 0 };

  run_expect (&r, 2, NULL);
  run_expect (&r, 2, "frobnicate", NULL);
  assert_one_line_error (r.err, "frobnicate");
  run_expect (&r, 2, "detect", "--no-such-option", a, NULL);
  g_assert_nonnull (strstr (r.err, "--no-such-option"));
  run_expect (&r, 2, "detect", NULL);
  run_expect (&r, 2, "verify", a, NULL);
  run_expect (&r, 2, "verify", a, a, a, NULL);
  run_expect (&r, 2, "identify", "--top", "0", a, NULL);
  run_expect (&r, 2, "identify", "--top", "many", a, NULL);
  run_expect (&r, 2, "enroll", a, NULL);              /* no --name */
  run_expect (&r, 2, "enroll", "--name", "   ", a, NULL);
  run_expect (&r, 2, "import", NULL);
  run_expect (&r, 2, "people", "frobnicate", NULL);
  g_assert_nonnull (strstr (r.err, "frobnicate"));
  run_expect (&r, 2, "people", "show", "abc", NULL);
  run_expect (&r, 2, "people", "rename", "1", NULL);
  run_expect (&r, 2, "people", "delete", NULL);
  run_expect (&r, 2, "reembed", "extra", NULL);
  run_expect (&r, 2, "bench", "frobnicate", NULL);
  /* Nothing was created on the way. */
  g_assert_false (g_file_test (default_db, G_FILE_TEST_EXISTS));
}

/* ── pictures ───────────────────────────────────────────────────────── */

static void
assert_face_json (JsonObject *face)
{
  JsonArray *box = json_object_get_array_member (face, "box");
  JsonArray *landmarks = json_object_get_array_member (face, "landmarks");
  double score = json_object_get_double_member (face, "score");

  g_assert_cmpuint (json_array_get_length (box), ==, 4);
  g_assert_cmpfloat (json_array_get_double_element (box, 2), >, 10);
  g_assert_cmpfloat (json_array_get_double_element (box, 3), >, 10);
  g_assert_cmpuint (json_array_get_length (landmarks), ==, 5);
  for (guint p = 0; p < 5; p++)
    g_assert_cmpuint (json_array_get_length (json_array_get_array_element (landmarks, p)), ==, 2);
  g_assert_cmpfloat (score, >, 0.5);
  g_assert_cmpfloat (score, <=, 1.0);
}

static void
test_detect_json (void)
{
  g_autofree char *single = lfw ("Colin_Powell", 1);
  g_autofree char *group = vs_test_data_path ("groups/2008_002506.jpg");
  g_autofree char *negative = vs_test_data_path ("negatives/dlib/horses.jpg");
  g_auto(Run) r = { 0 };
  g_autoptr(JsonObject) doc = NULL;
  JsonArray *images;
  const char *paths[] = { single, group, negative };
  guint expected[] = { 1, 3, 0 };

  run_expect (&r, 0, "detect", "--json", single, group, negative, NULL);
  doc = parse_json (r.out);
  images = json_object_get_array_member (doc, "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *image = json_array_get_object_element (images, i);
      JsonArray *faces = json_object_get_array_member (image, "faces");

      g_assert_cmpstr (json_object_get_string_member (image, "path"), ==, paths[i]);
      g_assert_cmpint (json_object_get_int_member (image, "width"), >, 0);
      g_assert_cmpint (json_object_get_int_member (image, "height"), >, 0);
      g_assert_cmpuint (json_array_get_length (faces), ==, expected[i]);
      for (guint f = 0; f < json_array_get_length (faces); f++)
        assert_face_json (json_array_get_object_element (faces, f));
    }
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (images, 0), "width"), ==, 250);

  /* The plain text form says the same. */
  run_expect (&r, 0, "detect", group, NULL);
  g_assert_nonnull (strstr (r.out, "3 faces"));
}

static void
test_verify (void)
{
  g_autofree char *a = lfw ("Tony_Blair", 2);
  g_autofree char *b = lfw ("Tony_Blair", 10);
  g_autofree char *c = lfw ("Colin_Powell", 1);
  g_auto(Run) r = { 0 };
  g_autoptr(JsonObject) same = NULL, different = NULL;

  run_expect (&r, 0, "verify", "--json", a, b, NULL);
  same = parse_json (r.out);
  g_assert_true (json_object_get_boolean_member (same, "same"));
  g_assert_cmpfloat (json_object_get_double_member (same, "similarity"), >=,
                     json_object_get_double_member (same, "threshold"));
  /* 1:1 uses the manifest's verify_threshold (1:N uses its threshold). */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (same, "threshold"),
                                  vs_models_lookup ("mobilefacenet_paddlex", NULL)->verify_threshold, 1e-6);
  g_assert_cmpstr (json_object_get_string_member (same, "embedder"), ==, "mobilefacenet_paddlex");

  run_expect (&r, 1, "verify", "--json", a, c, NULL);
  different = parse_json (r.out);
  g_assert_false (json_object_get_boolean_member (different, "same"));
  g_assert_cmpfloat (json_object_get_double_member (different, "similarity"), <,
                     json_object_get_double_member (different, "threshold"));

  run_expect (&r, 0, "verify", a, b, NULL);
  g_assert_nonnull (strstr (r.out, "Same person"));
  run_expect (&r, 1, "verify", a, c, NULL);
  run_expect (&r, 0, "verify", "--embedder", "mobilefacenet_foamliu", "--json", a, b, NULL);
  run_expect (&r, 1, "verify", "--embedder", "mobilefacenet_foamliu", a, c, NULL);
  run_expect (&r, 4, "verify", "--embedder", "no_such_model", a, c, NULL);
  assert_one_line_error (r.err, "no_such_model");
}

static const char * const bad_kinds[] = { "missing", "empty", "truncated", "text", "folder", "huge" };

static void
test_bad_input (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *good = lfw ("Tony_Blair", 2);

  for (guint i = 0; i < G_N_ELEMENTS (bad_kinds); i++)
    {
      g_autofree char *path = vs_test_make_bad_input (tmp, bad_kinds[i]);
      g_auto(Run) r = { 0 };
      g_autoptr(JsonObject) doc = NULL;
      JsonObject *image;

      run_expect (&r, 3, "detect", path, NULL);
      assert_one_line_error (r.err, path);

      run_expect (&r, 3, "detect", "--json", path, NULL);
      assert_one_line_error (r.err, path);
      doc = parse_json (r.out);
      image = json_array_get_object_element (json_object_get_array_member (doc, "images"), 0);
      g_assert_cmpstr (json_object_get_string_member (image, "path"), ==, path);
      g_assert_nonnull (strstr (json_object_get_string_member (image, "error"), path));

      /* The good picture beside it is still read. */
      run_expect (&r, 3, "detect", good, path, NULL);
      g_assert_nonnull (strstr (r.out, "1 face"));

      run_expect (&r, 3, "verify", good, path, NULL);
      assert_one_line_error (r.err, path);
    }
}

/* ── the database ───────────────────────────────────────────────────── */

static JsonArray *
list_people (Run        *r,
             const char *db)
{
  g_autoptr(JsonObject) doc = NULL;

  run_expect (r, 0, "people", "list", "--json", "--db", db, NULL);
  doc = parse_json (r->out);
  return json_array_ref (json_object_get_array_member (doc, "people"));
}

/* The name identify gives the only face of `picture`, "unknown" included. */
static char *
identify_one (Run        *r,
              int         expected,
              const char *db,
              const char *embedder,
              const char *picture)
{
  g_autoptr(JsonObject) doc = NULL;
  JsonArray *faces;
  JsonObject *face;

  if (embedder != NULL)
    run_expect (r, expected, "identify", "--json", "--db", db, "--embedder", embedder, picture, NULL);
  else
    run_expect (r, expected, "identify", "--json", "--db", db, picture, NULL);
  doc = parse_json (r->out);
  faces = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (doc, "images"), 0),
                                        "faces");
  g_assert_cmpuint (json_array_get_length (faces), ==, 1);
  face = json_array_get_object_element (faces, 0);
  g_assert_cmpstr (json_object_get_string_member (face, "identity"), ==, expected == 0 ? "known" : "unknown");
  return g_strdup (json_object_get_string_member (face, "name"));
}

static void
assert_private (const char *db)
{
  g_autofree char *dir = g_path_get_dirname (db);
  GStatBuf st;

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_enroll_identify (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "new", "folder", "visage.db", NULL);
  g_autofree char *t2 = lfw ("Tony_Blair", 2), *t3 = lfw ("Tony_Blair", 3), *t4 = lfw ("Tony_Blair", 4);
  g_autofree char *t5 = lfw ("Tony_Blair", 5), *t10 = lfw ("Tony_Blair", 10);
  g_autofree char *stranger = lfw ("Colin_Powell", 1);
  g_autofree char *name = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonArray) people = NULL;
  g_auto(Run) r = { 0 };

  run_expect (&r, 0, "enroll", "--json", "--db", db, "--name", "Tony Blair", t2, t3, t4, NULL);
  doc = parse_json (r.out);
  g_assert_cmpstr (json_object_get_string_member (doc, "name"), ==, "Tony Blair");
  g_assert_cmpint (json_object_get_int_member (doc, "added"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (doc, "person_id"), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (doc, "skipped")), ==, 0);
  assert_private (db);

  name = identify_one (&r, 0, db, NULL, t10);
  g_assert_cmpstr (name, ==, "Tony Blair");
  g_clear_pointer (&name, g_free);
  name = identify_one (&r, 1, db, NULL, stranger);
  g_assert_null (name);   /* nobody: null, never a name */

  /* Plain text, and --top. */
  run_expect (&r, 0, "identify", "--db", db, "--top", "3", t10, NULL);
  g_assert_nonnull (strstr (r.out, "Tony Blair"));
  run_expect (&r, 1, "identify", "--db", db, stranger, NULL);
  g_assert_nonnull (strstr (r.out, "unknown"));

  /* More samples for the same name go to the same person. */
  run_expect (&r, 0, "enroll", "--db", db, "--name", "Tony Blair", t5, NULL);
  people = list_people (&r, db);
  g_assert_cmpuint (json_array_get_length (people), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (people, 0), "samples"), ==, 4);

  /* The default database, under $XDG_DATA_HOME, is private too. */
  {
    g_autofree char *default_db = g_build_filename (g_getenv ("XDG_DATA_HOME"), "visage", "visage.db", NULL);

    run_expect (&r, 0, "enroll", "--name", "Tony Blair", t2, NULL);
    assert_private (default_db);
  }
}

/* identify compares with the open-set threshold: a face of an enrolled
 * person that scores between the 1:1 and the open-set thresholds (both read
 * from the manifest) is "unknown", exit 1, with its score reported. */
static void
test_identify_band (void)
{
  g_auto(VsTestBandPair) pair = { 0 };
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autofree char *name = NULL;
  g_autoptr(JsonObject) doc = NULL;
  JsonObject *face;
  g_auto(Run) r = { 0 };

  vs_test_find_band_pair (NULL, &pair);
  run_expect (&r, 0, "enroll", "--db", db, "--name", "Band Person", pair.enrolled, NULL);

  name = identify_one (&r, 1, db, NULL, pair.probe);
  g_assert_null (name);   /* nobody: null, never a name */
  doc = parse_json (r.out);
  face = json_array_get_object_element (
      json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (doc, "images"), 0),
                                    "faces"), 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (doc, "threshold"), pair.threshold, 1e-6);
  g_assert_cmpfloat (json_object_get_double_member (face, "similarity"), >=, pair.verify_threshold);
  g_assert_cmpfloat (json_object_get_double_member (face, "similarity"), <, pair.threshold);

  /* The picture itself is recognised: the test is not vacuous. */
  g_clear_pointer (&name, g_free);
  name = identify_one (&r, 0, db, NULL, pair.enrolled);
  g_assert_cmpstr (name, ==, "Band Person");
}

/* The faces identify finds in a picture (box and name), in its order. */
static JsonArray *
identify_faces (const char *db,
                const char *picture)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, "identify");
  g_ptr_array_add (args, "--json");
  g_ptr_array_add (args, "--db");
  g_ptr_array_add (args, (gpointer) db);
  g_ptr_array_add (args, (gpointer) picture);
  run_argv (&r, args);
  g_assert_cmpint (r.status, <=, 1);
  doc = parse_json (r.out);
  return json_array_ref (json_object_get_array_member (
      json_array_get_object_element (json_object_get_array_member (doc, "images"), 0), "faces"));
}

/* Index of the only face identify names `name`. */
static int
face_named (const char *db,
            const char *picture,
            const char *name)
{
  g_autoptr(JsonArray) faces = identify_faces (db, picture);
  int found = -1;

  g_assert_cmpuint (json_array_get_length (faces), >=, 2);
  for (guint i = 0; i < json_array_get_length (faces); i++)
    /* Nobody's name is null. */
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (faces, i), "name"), name) == 0)
      {
        g_assert_cmpint (found, ==, -1);
        found = (int) i;
      }
  g_assert_cmpint (found, >=, 0);
  return found;
}

/* Index of the largest face, or of the one nearest the picture's centre,
 * computed here from the boxes identify reports. */
static int
pick_face (const char *db,
           const char *picture,
           gboolean    central)
{
  g_autoptr(JsonArray) faces = identify_faces (db, picture);
  g_autoptr(VsImage) image = vs_image_load (picture, NULL);
  double best = G_MAXDOUBLE;
  int pick = -1;

  g_assert_nonnull (image);
  for (guint i = 0; i < json_array_get_length (faces); i++)
    {
      JsonArray *box = json_object_get_array_member (json_array_get_object_element (faces, i), "box");
      double x = json_array_get_double_element (box, 0), y = json_array_get_double_element (box, 1);
      double w = json_array_get_double_element (box, 2), h = json_array_get_double_element (box, 3);
      double dx = x + w / 2 - image->width / 2.0, dy = y + h / 2 - image->height / 2.0;
      double key = central ? dx * dx + dy * dy : -w * h;

      if (key < best)
        {
          best = key;
          pick = (int) i;
        }
    }
  return pick;
}

/* A picture holding only face `index` of picture (its box, grown by half on
 * every side), written to path. */
static void
crop_face (const char *picture,
           JsonArray  *faces,
           guint       index,
           const char *path)
{
  JsonArray *box = json_object_get_array_member (json_array_get_object_element (faces, index), "box");
  double w = json_array_get_double_element (box, 2), h = json_array_get_double_element (box, 3);
  double x = MAX (0, json_array_get_double_element (box, 0) - w / 2);
  double y = MAX (0, json_array_get_double_element (box, 1) - h / 2);
  g_autofree char *geometry = g_strdup_printf ("%.0fx%.0f+%.0f+%.0f", 2 * w, 2 * h, x, y);

  vs_test_convert (picture, "-crop", geometry, "+repage", path, NULL);
}

/* verify takes the most central face of a picture with several: the same
 * person as a crop of that face, not as a crop of the largest one. */
static void
test_verify_central (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "unused.db", NULL);
  g_autofree char *group = vs_test_data_path ("groups/2008_002506.jpg");
  g_autofree char *central_crop = g_build_filename (tmp, "central.png", NULL);
  g_autofree char *largest_crop = g_build_filename (tmp, "largest.png", NULL);
  g_autoptr(JsonObject) detected = NULL;
  JsonArray *faces;
  int central = pick_face (db, group, TRUE), largest = pick_face (db, group, FALSE);
  g_auto(Run) r = { 0 };

  g_assert_cmpint (central, !=, largest);
  run_expect (&r, 0, "detect", "--json", group, NULL);
  detected = parse_json (r.out);
  faces = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (detected, "images"), 0),
                                        "faces");
  crop_face (group, faces, (guint) central, central_crop);
  crop_face (group, faces, (guint) largest, largest_crop);

  run_expect (&r, 0, "verify", group, central_crop, NULL);
  run_expect (&r, 1, "verify", group, largest_crop, NULL);

  /* import --central takes that face too. */
  {
    g_autofree char *root = g_build_filename (tmp, "import", NULL);
    g_autofree char *person = g_build_filename (root, "Group_Person", NULL);
    g_autofree char *link = g_build_filename (person, "group.jpg", NULL);
    g_autofree char *import_db = g_build_filename (tmp, "import.db", NULL);

    g_assert_cmpint (g_mkdir_with_parents (person, 0700), ==, 0);
    g_assert_cmpint (symlink (group, link), ==, 0);
    run_expect (&r, 3, "import", "--db", import_db, root, NULL);   /* several faces, no choice */
    run_expect (&r, 0, "import", "--db", import_db, "--central", root, NULL);
    g_assert_cmpint (face_named (import_db, group, "Group Person"), ==, central);
  }
}

static void
test_enroll_many_faces (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autofree char *group = vs_test_data_path ("groups/2008_002506.jpg");
  g_autofree char *one = lfw ("Colin_Powell", 2);
  g_autofree char *another = lfw ("Colin_Powell", 3);
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonArray) people = NULL;
  JsonArray *skipped;
  JsonObject *skip;
  g_auto(Run) r = { 0 };

  /* One usable picture: saved, the group photo reported and skipped. */
  run_expect (&r, 0, "enroll", "--json", "--db", db, "--name", "Colin Powell", group, one, NULL);
  doc = parse_json (r.out);
  g_assert_cmpint (json_object_get_int_member (doc, "added"), ==, 1);
  skipped = json_object_get_array_member (doc, "skipped");
  g_assert_cmpuint (json_array_get_length (skipped), ==, 1);
  skip = json_array_get_object_element (skipped, 0);
  g_assert_cmpstr (json_object_get_string_member (skip, "path"), ==, group);
  g_assert_nonnull (strstr (json_object_get_string_member (skip, "reason"), "3 faces"));

  run_expect (&r, 0, "enroll", "--db", db, "--name", "Colin Powell", group, another, NULL);
  g_assert_nonnull (strstr (r.err, group));
  g_assert_nonnull (strstr (r.err, "--largest"));

  /* The same picture again adds nothing and is no error. */
  g_clear_pointer (&doc, json_object_unref);
  run_expect (&r, 0, "enroll", "--json", "--db", db, "--name", "Colin Powell", one, NULL);
  doc = parse_json (r.out);
  g_assert_cmpint (json_object_get_int_member (doc, "added"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (doc, "person_id"), ==, 1);
  skip = json_array_get_object_element (json_object_get_array_member (doc, "skipped"), 0);
  g_assert_cmpstr (json_object_get_string_member (skip, "reason"), ==, "already enrolled");

  /* Nothing usable: nothing saved, input error. */
  run_expect (&r, 3, "enroll", "--db", db, "--name", "Somebody", group, NULL);
  people = list_people (&r, db);
  g_assert_cmpuint (json_array_get_length (people), ==, 1);
  g_clear_pointer (&people, json_array_unref);

  /* --largest takes one: the biggest box, as identify then shows. */
  run_expect (&r, 0, "enroll", "--db", db, "--name", "Somebody", "--largest", group, NULL);
  people = list_people (&r, db);
  g_assert_cmpuint (json_array_get_length (people), ==, 2);
  g_assert_cmpint (face_named (db, group, "Somebody"), ==, pick_face (db, group, FALSE));

  /* --central takes the box nearest the centre (another database: the
   * same face twice would be ambiguous). */
  {
    g_autofree char *central_db = g_build_filename (tmp, "central.db", NULL);

    run_expect (&r, 0, "enroll", "--db", central_db, "--name", "Central", "--central", group, NULL);
    g_assert_cmpint (face_named (central_db, group, "Central"), ==, pick_face (central_db, group, TRUE));
    g_assert_cmpint (pick_face (central_db, group, TRUE), !=, pick_face (central_db, group, FALSE));
  }
}

/* DIR/Person_Name/ holding symbolic links to LFW photos. */
static void
make_person_folder (const char *root,
                    const char *person,
                    guint       first,
                    guint       n)
{
  g_autofree char *dir = g_build_filename (root, person, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *target = lfw (person, i);
      g_autofree char *base = g_path_get_basename (target);
      g_autofree char *link = g_build_filename (dir, base, NULL);

      g_assert_cmpint (symlink (target, link), ==, 0);
    }
}

static gint64
person_id_named (JsonArray  *people,
                 const char *name)
{
  for (guint i = 0; i < json_array_get_length (people); i++)
    {
      JsonObject *p = json_array_get_object_element (people, i);

      if (g_str_equal (json_object_get_string_member (p, "name"), name))
        return json_object_get_int_member (p, "id");
    }
  return 0;
}

static void
test_import_and_people (void)
{
  static const char * const folders[] = { "Colin_Powell", "George_W_Bush", "Gloria_Macapagal_Arroyo" };
  static const char * const names[] = { "Colin Powell", "George W Bush", "Gloria Macapagal Arroyo" };
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *root = g_build_filename (tmp, "people", NULL);
  g_autofree char *bad_root = g_build_filename (tmp, "bad", NULL);
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  /* Photos 4–6 of each are enrolled (one face each); 1 is identified. */
  g_autofree char *colin = lfw ("Colin_Powell", 1);
  g_autofree char *gloria = lfw ("Gloria_Macapagal_Arroyo", 1);
  g_autofree char *id_text = NULL, *name = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonArray) people = NULL;
  JsonArray *report;
  g_auto(Run) r = { 0 };
  gint64 id;

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    make_person_folder (root, folders[i], 4, 3);

  run_expect (&r, 0, "import", "--json", "--db", db, root, NULL);
  doc = parse_json (r.out);
  report = json_object_get_array_member (doc, "people");
  g_assert_cmpuint (json_array_get_length (report), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *p = json_array_get_object_element (report, i);

      g_assert_cmpstr (json_object_get_string_member (p, "folder"), ==, folders[i]);
      g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, names[i]);
      g_assert_cmpint (json_object_get_int_member (p, "added"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (p, "person_id"), >, 0);
    }
  g_assert_cmpint (json_object_get_int_member (doc, "imported_people"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (doc, "imported_samples"), ==, 9);

  /* A folder of somebody without a usable face is reported, with an error. */
  {
    g_autofree char *nobody = g_build_filename (bad_root, "Nobody_Here", NULL);
    g_autofree char *dog = vs_test_data_path ("negatives/dlib/dog.jpg");
    g_autofree char *link = g_build_filename (nobody, "dog.jpg", NULL);

    g_assert_cmpint (g_mkdir_with_parents (nobody, 0700), ==, 0);
    g_assert_cmpint (symlink (dog, link), ==, 0);
    run_expect (&r, 3, "import", "--db", db, bad_root, NULL);
    g_assert_nonnull (strstr (r.out, "Nobody Here"));
    g_assert_nonnull (strstr (r.out, "not imported"));
  }

  people = list_people (&r, db);
  g_assert_cmpuint (json_array_get_length (people), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *p = json_array_get_object_element (people, i);

      g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, names[i]);   /* by name */
      g_assert_cmpint (json_object_get_int_member (p, "samples"), ==, 3);
    }

  /* show */
  id = person_id_named (people, "Colin Powell");
  g_assert_cmpint (id, >, 0);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_clear_pointer (&doc, json_object_unref);
  run_expect (&r, 0, "people", "show", id_text, "--json", "--db", db, NULL);
  doc = parse_json (r.out);
  g_assert_cmpstr (json_object_get_string_member (doc, "name"), ==, "Colin Powell");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (doc, "sample_list")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (doc, "sample_list"), 0), "embedder"), ==, "mobilefacenet_paddlex");
  run_expect (&r, 0, "people", "show", id_text, "--db", db, NULL);
  g_assert_nonnull (strstr (r.out, "Colin Powell"));

  /* rename: identify uses the new name. */
  run_expect (&r, 0, "people", "rename", id_text, "General Powell", "--db", db, NULL);
  name = identify_one (&r, 0, db, NULL, colin);
  g_assert_cmpstr (name, ==, "General Powell");
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&people, json_array_unref);
  people = list_people (&r, db);
  g_assert_cmpint (person_id_named (people, "General Powell"), ==, id);
  g_assert_cmpint (person_id_named (people, "Colin Powell"), ==, 0);

  /* Names a desk cannot tell apart, or that display as another text, are
   * refused, and nothing changes. */
  run_expect (&r, 2, "people", "rename", id_text, "gloria MACAPAGAL arroyo", "--db", db, NULL);
  assert_one_line_error (r.err, "Gloria Macapagal Arroyo");
  run_expect (&r, 2, "people", "rename", id_text, "\xe2\x80\x8b", "--db", db, NULL);   /* U+200B */
  run_expect (&r, 2, "people", "rename", id_text, "\xe2\x80\xae" "llewoP", "--db", db, NULL);   /* U+202E */
  run_expect (&r, 2, "enroll", "--db", db, "--name", "\xe2\x80\x8b\xe2\x80\x8b", colin, NULL);
  g_clear_pointer (&people, json_array_unref);
  people = list_people (&r, db);
  g_assert_cmpint (person_id_named (people, "General Powell"), ==, id);
  g_assert_cmpuint (json_array_get_length (people), ==, 3);

  /* delete: nobody names him any more; the others stay. */
  run_expect (&r, 0, "people", "delete", id_text, "--db", db, NULL);
  name = identify_one (&r, 1, db, NULL, colin);
  g_assert_null (name);   /* nobody: null, never a name */
  g_clear_pointer (&name, g_free);
  name = identify_one (&r, 0, db, NULL, gloria);
  g_assert_cmpstr (name, ==, "Gloria Macapagal Arroyo");
  g_clear_pointer (&people, json_array_unref);
  people = list_people (&r, db);
  g_assert_cmpuint (json_array_get_length (people), ==, 2);

  /* A person that is not there: an error naming the id, no crash. */
  run_expect (&r, 3, "people", "show", id_text, "--db", db, NULL);
  assert_one_line_error (r.err, id_text);
  run_expect (&r, 3, "people", "delete", id_text, "--db", db, NULL);
  run_expect (&r, 3, "people", "rename", id_text, "Whoever", "--db", db, NULL);
}

/* `people delete ID…` with several ids: all of them go, in one go, and
 * their embeddings with them; an unknown id among them deletes nobody. */
static void
test_delete_several (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  const char *names[] = { "Tony_Blair", "Colin_Powell", "Gerhard_Schroeder" };
  g_autofree char *ids[3] = { NULL };
  GPtrArray *embeddings[3] = { NULL };
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonArray) people = NULL;
  JsonArray *deleted;
  g_auto(Run) r = { 0 };

  for (guint p = 0; p < 3; p++)
    {
      g_autofree char *a = lfw (names[p], 1), *b = lfw (names[p], 2);
      gint64 id;

      run_expect (&r, 0, "enroll", "--json", "--db", db, "--name", names[p], "--central", a, b, NULL);
      g_clear_pointer (&doc, json_object_unref);
      doc = parse_json (r.out);
      id = json_object_get_int_member (doc, "person_id");
      ids[p] = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      embeddings[p] = stored_embeddings (db, id);
      g_assert_cmpuint (embeddings_in_files (db, embeddings[p]), ==, 2);
    }

  /* identify --top K lists K candidates, best first, the right one on top. */
  {
    g_autofree char *probe = lfw ("Colin_Powell", 3);
    g_autoptr(JsonObject) top = NULL;
    JsonObject *face;
    JsonArray *candidates;

    for (guint k = 1; k <= 3; k++)
      {
        g_autofree char *k_text = g_strdup_printf ("%u", k);

        run_expect (&r, 0, "identify", "--json", "--db", db, "--top", k_text, probe, NULL);
        g_clear_pointer (&top, json_object_unref);
        top = parse_json (r.out);
        face = json_array_get_object_element (
            json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (top, "images"), 0),
                                          "faces"), 0);
        candidates = json_object_get_array_member (face, "candidates");
        g_assert_cmpuint (json_array_get_length (candidates), ==, k);
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (candidates, 0), "name"), ==,
                         "Colin_Powell");
        for (guint c = 1; c < k; c++)
          g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (candidates, c - 1), "similarity"),
                             >=,
                             json_object_get_double_member (json_array_get_object_element (candidates, c), "similarity"));
      }
  }

  /* An unknown id among them: nobody is deleted. */
  run_expect (&r, 3, "people", "delete", "--db", db, ids[0], "999999", NULL);
  assert_one_line_error (r.err, "999999");
  people = list_people (&r, db);
  g_assert_cmpuint (json_array_get_length (people), ==, 3);
  g_clear_pointer (&people, json_array_unref);

  run_expect (&r, 0, "people", "delete", "--json", "--db", db, ids[0], ids[2], NULL);
  g_clear_pointer (&doc, json_object_unref);
  doc = parse_json (r.out);
  deleted = json_object_get_array_member (doc, "deleted");
  g_assert_cmpuint (json_array_get_length (deleted), ==, 2);
  g_assert_cmpint (json_array_get_int_element (deleted, 0), ==, g_ascii_strtoll (ids[0], NULL, 10));
  g_assert_cmpint (json_array_get_int_element (deleted, 1), ==, g_ascii_strtoll (ids[2], NULL, 10));

  people = list_people (&r, db);
  g_assert_cmpuint (json_array_get_length (people), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (people, 0), "name"), ==,
                   "Colin_Powell");
  g_assert_cmpuint (embeddings_in_files (db, embeddings[0]), ==, 0);
  g_assert_cmpuint (embeddings_in_files (db, embeddings[2]), ==, 0);
  g_assert_cmpuint (embeddings_in_files (db, embeddings[1]), ==, 2);
  for (guint p = 0; p < 3; p++)
    g_ptr_array_unref (embeddings[p]);
}

/* people export: a new folder inside DIR; an unknown id is exit 3; a DIR
 * that is not a folder is "anything else", exit 6. */
static void
test_export (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autofree char *target = g_build_filename (tmp, "exports", NULL);
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  g_autofree char *picture = lfw ("Tony_Blair", 2);
  g_autofree char *id = NULL, *parent = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_auto(Run) r = { 0 };

  g_assert_cmpint (g_mkdir (target, 0700), ==, 0);
  run_expect (&r, 0, "enroll", "--json", "--db", db, "--name", "Tony/Blair", picture, NULL);
  doc = parse_json (r.out);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (doc, "person_id"));

  run_expect (&r, 0, "people", "export", "--json", "--db", db, id, target, NULL);
  g_clear_pointer (&doc, json_object_unref);
  doc = parse_json (r.out);
  parent = g_path_get_dirname (json_object_get_string_member (doc, "folder"));
  g_assert_cmpstr (parent, ==, target);
  g_assert_true (g_file_test (json_object_get_string_member (doc, "folder"), G_FILE_TEST_IS_DIR));

  run_expect (&r, 3, "people", "export", "--db", db, "999999", target, NULL);
  assert_one_line_error (r.err, "999999");
  run_expect (&r, 6, "people", "export", "--db", db, id, missing, NULL);
  assert_one_line_error (r.err, missing);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

/* Every file under a folder, relative to it. */
static void
list_files (const char *root,
            const char *relative,
            GPtrArray  *out)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative[0] ? g_build_filename (relative, name, NULL) : g_strdup (name);
      g_autofree char *full = g_build_filename (root, child, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR) && !g_file_test (full, G_FILE_TEST_IS_SYMLINK))
        list_files (root, child, out);
      else
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
}

/* "The database is the only place Visage writes biometric data": after a
 * session of commands on the default database, the test's home, data,
 * config, cache, state and runtime folders and its $TMPDIR hold that
 * database and nothing else. */
static void
test_writes_only_the_database (void)
{
  g_autofree char *dirs = g_path_get_dirname (g_get_home_dir ());   /* …/.dirs */
  g_autofree char *tmpdir = g_build_filename (dirs, "tmp", NULL);
  g_autofree char *saved_tmpdir = g_strdup (g_getenv ("TMPDIR"));
  g_autofree char *slides = g_build_filename (dirs, "slides", NULL);
  g_autofree char *t2 = lfw ("Tony_Blair", 2), *t3 = lfw ("Tony_Blair", 3), *t10 = lfw ("Tony_Blair", 10);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_auto(Run) r = { 0 };

  g_assert_cmpint (g_mkdir (tmpdir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (slides, 0700), ==, 0);
  vs_test_copy_lfw (slides, "Tony_Blair", 11, 13);
  g_setenv ("TMPDIR", tmpdir, TRUE);

  run_expect (&r, 0, "enroll", "--name", "Tony Blair", t2, t3, NULL);
  run_expect (&r, 0, "identify", t10, NULL);
  run_expect (&r, 0, "people", "show", "1", NULL);
  run_expect (&r, 0, "reembed", "--embedder", "mobilefacenet_foamliu", NULL);
  run_expect (&r, 0, "reembed", NULL);
  {
    g_autofree char *source = g_strconcat ("images:", slides, NULL);
    run_expect (&r, 0, "watch", "--fast", source, NULL);
  }

  if (saved_tmpdir != NULL)
    g_setenv ("TMPDIR", saved_tmpdir, TRUE);
  else
    g_unsetenv ("TMPDIR");

  list_files (dirs, "", files);
  for (guint i = 0; i < files->len; i++)
    g_test_message ("written: %s", (char *) g_ptr_array_index (files, i));
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *data_relative = g_build_filename ("data", "visage", "visage.db", NULL);

      if (g_str_has_prefix (file, "slides" G_DIR_SEPARATOR_S))
        continue;   /* the test's own pictures */
      g_assert_cmpstr (file, ==, data_relative);
    }
}

/* The nice value of every thread of process `pid` (field 19 of
 * /proc/PID/task/TID/stat, after the command name in parentheses). */
static GArray *
thread_nice_values (GPid pid)
{
  g_autofree char *dir_path = g_strdup_printf ("/proc/%d/task", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (int));
  const char *tid;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, tid, "stat", NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after_name;
      int nice_value;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;  /* a thread that has just ended */
      after_name = strrchr (text, ')');
      g_assert_nonnull (after_name);
      /* After ") ": state is field 3, so nice (19) is the 17th. */
      fields = g_strsplit (after_name + 2, " ", 0);
      g_assert_cmpuint (g_strv_length (fields), >, 16);
      nice_value = atoi (fields[16]);
      g_array_append_val (values, nice_value);
    }
  return values;
}

/* Issue 11: a bulk import gives way to the window on the same computer.
 * Read while it imports: every thread of `import` runs at nice +10 (the
 * engine's threads included), and with --foreground at the caller's. */
static void
test_import_gives_way (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *root = g_build_filename (tmp, "people", NULL);
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  int own_nice;

  make_person_folder (root, "George_W_Bush", 1, 30);
  errno = 0;
  own_nice = getpriority (PRIO_PROCESS, 0);
  g_assert_cmpint (errno, ==, 0);

  for (guint foreground = 0; foreground <= 1; foreground++)
    {
      const char *argv[] = { cli, "import", "--db", db, root, foreground ? "--foreground" : NULL, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) nice_values = NULL;
      int expected = foreground ? own_nice : MIN (own_nice + 10, 19);
      GPid pid;
      int err_fd, wait_status;
      char buf[256];

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &pid, NULL, NULL, &err_fd, &error);
      g_assert_no_error (error);
      /* The first progress line: the engine has run on the first picture,
       * and the process is kept (unreaped) until it has been read. */
      g_assert_cmpint (read (err_fd, buf, sizeof buf), >, 0);
      nice_values = thread_nice_values (pid);
      g_test_message ("import%s: %u threads", foreground ? " --foreground" : "", nice_values->len);
      g_assert_cmpuint (nice_values->len, >, 0);
      for (guint i = 0; i < nice_values->len; i++)
        g_assert_cmpint (g_array_index (nice_values, int, i), ==, expected);

      g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
      g_spawn_close_pid (pid);
      close (err_fd);
      g_assert_true (WIFEXITED (wait_status));
      /* Every photo was imported or, once the person exists, reported. */
      g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
    }
}

/* "A crash or a kill leaves the database as it was": reembed killed in the
 * middle of its transaction changes nothing. */
static void
test_kill_during_reembed (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autofree char *photos = g_build_filename (tmp, "photos", NULL);
  g_autofree char *integrity = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GString) progress = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { cli, "reembed", "--db", db, "--embedder", "mobilefacenet_foamliu", NULL };
  gint64 person;
  GPid pid;
  int err_fd, wait_status;
  g_auto(Run) r = { 0 };

  /* Enough samples that reembed reports progress before it is done. */
  g_assert_cmpint (g_mkdir (photos, 0700), ==, 0);
  vs_test_copy_lfw (photos, "George_W_Bush", 1, 120);
  run_expect (&r, 0, "enroll", "--json", "--db", db, "--name", "George W Bush", "--central", photos, NULL);
  doc = parse_json (r.out);
  person = json_object_get_int_member (doc, "person_id");
  g_assert_cmpint (json_object_get_int_member (doc, "added"), >, 100);
  before = stored_embeddings (db, person);

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                            NULL, NULL, &pid, NULL, NULL, &err_fd, &error);
  g_assert_no_error (error);
  /* The first progress line ("Re-embedding samples: 0 of N"): inside the
   * transaction, long before its end. */
  while (strstr (progress->str, "Re-embedding samples: 0 of") == NULL)
    {
      char buf[256];
      gssize n = read (err_fd, buf, sizeof buf);

      g_assert_cmpint (n, >, 0);
      g_string_append_len (progress, buf, n);
    }
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  close (err_fd);
  g_assert_true (WIFSIGNALED (wait_status));

  /* Every embedding as it was, the database whole. */
  after = stored_embeddings (db, person);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_true (g_bytes_equal (g_ptr_array_index (before, i), g_ptr_array_index (after, i)));
  {
    g_autoptr(VsStore) store = vs_store_open (db, &error);
    g_autoptr(VsGallery) gallery = NULL;

    g_assert_no_error (error);
    gallery = vs_store_load_gallery (store, "mobilefacenet_paddlex", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (vs_gallery_get_n_samples (gallery), ==, before->len);
  }
  run_expect (&r, 0, "people", "list", "--db", db, NULL);
}

/* The face of `picture` nearest its centre, embedded: in LFW the person a
 * photo is filed under is the one in the middle. */
static float *
central_embedding (VsEngine   *engine,
                   const char *picture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = vs_image_load (picture, &error);
  g_autoptr(GArray) faces = NULL;
  float *embedding = g_new (float, vs_engine_get_dim (engine));

  g_assert_no_error (error);
  faces = vs_engine_detect (engine, image, &error);
  g_assert_no_error (error);
  g_assert_true (vs_engine_embed_face (engine, image,
                                       &g_array_index (faces, VsFace, vs_faces_pick_central (faces, image)),
                                       embedding, NULL, &error));
  g_assert_no_error (error);
  return embedding;
}

/* Folders whose photos show bystanders too: the person's own face is taken
 * in each (the one their other photos agree with), and a photo of someone
 * else, or of strangers only, is reported instead of saved. */
static void
test_import_extra_faces (void)
{
  /* Every photo of Abdel Nasser Assidi has two faces; Abdullah Gul 0003,
   * 0006, 0008… and Adrien Brody 0002, 0003… have several too. */
  static const struct { const char *folder; guint n; } people[] = {
    { "Abdel_Nasser_Assidi", 2 }, { "Abdullah_Gul", 12 }, { "Adrien_Brody", 8 },
  };
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *root = g_build_filename (tmp, "people", NULL);
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autofree char *intruder = lfw ("Colin_Powell", 1);
  g_autofree char *group = vs_test_data_path ("groups/2008_002506.jpg");
  g_autofree char *brody = g_build_filename (root, "Adrien_Brody", NULL);
  g_autofree char *intruder_link = g_build_filename (brody, "intruder.jpg", NULL);
  g_autofree char *group_link = g_build_filename (brody, "group.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEngine) engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_auto(Run) r = { 0 };
  JsonArray *report;
  guint n_multi = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    make_person_folder (root, people[i].folder, 1, people[i].n);
  g_assert_cmpint (symlink (intruder, intruder_link), ==, 0);
  g_assert_cmpint (symlink (group, group_link), ==, 0);

  /* Pictures reported, every person imported: success. */
  run_expect (&r, 0, "import", "--json", "--db", db, root, NULL);
  doc = parse_json (r.out);
  g_assert_cmpint (json_object_get_int_member (doc, "imported_people"), ==, G_N_ELEMENTS (people));
  report = json_object_get_array_member (doc, "people");
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      JsonObject *p = json_array_get_object_element (report, i);
      JsonArray *skipped = json_object_get_array_member (p, "skipped");
      gboolean brody_folder = g_str_equal (people[i].folder, "Adrien_Brody");

      g_assert_cmpstr (json_object_get_string_member (p, "folder"), ==, people[i].folder);
      g_assert_cmpint (json_object_get_int_member (p, "added"), ==, people[i].n);
      /* Only the two pictures that are not Adrien Brody are left out. */
      g_assert_cmpuint (json_array_get_length (skipped), ==, brody_folder ? 2 : 0);
      for (guint k = 0; k < json_array_get_length (skipped); k++)
        {
          JsonObject *skip = json_array_get_object_element (skipped, k);
          const char *path = json_object_get_string_member (skip, "path");
          const char *reason = json_object_get_string_member (skip, "reason");

          g_test_message ("skipped %s: %s", path, reason);
          if (g_str_has_suffix (path, "group.jpg"))
            g_assert_nonnull (strstr (reason, "none looks like the person"));
          else
            {
              g_assert_true (g_str_has_suffix (path, "intruder.jpg"));
              g_assert_nonnull (strstr (reason, "looks like a different person"));
            }
        }
    }

  /* Each sample is the face in the middle of its photo. */
  store = vs_store_open (db, &error);
  g_assert_no_error (error);
  listed = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, G_N_ELEMENTS (people));
  for (guint i = 0; i < listed->len; i++)
    {
      g_autoptr(GPtrArray) samples = vs_store_list_samples (store, ((VsPerson *) listed->pdata[i])->id, &error);

      g_assert_no_error (error);
      for (guint k = 0; k < samples->len; k++)
        {
          VsSample *sample = g_ptr_array_index (samples, k);
          g_autoptr(VsImage) image = vs_image_load (sample->source, &error);
          g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
          g_autofree float *central = central_embedding (engine, sample->source);
          float cosine = vs_cosine (central, sample->embedding, sample->dim);

          g_assert_no_error (error);
          if (faces->len > 1)
            {
              n_multi++;
              g_test_message ("%s: %u faces, cosine to the central one %.3f", sample->source, faces->len, cosine);
            }
          g_assert_cmpfloat (cosine, >, 0.99f);
        }
    }
  g_test_message ("%u photos with several faces, the person's taken in each", n_multi);
  g_assert_cmpuint (n_multi, >=, 6);
}

static void
test_reembed (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autofree char *t2 = lfw ("Tony_Blair", 2), *t3 = lfw ("Tony_Blair", 3), *t4 = lfw ("Tony_Blair", 4);
  g_autofree char *t10 = lfw ("Tony_Blair", 10), *t5 = lfw ("Tony_Blair", 5);
  g_autofree char *name = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonArray) people = NULL;
  g_auto(Run) r = { 0 };
  g_autofree char *id_text = NULL;
  JsonArray *samples;

  g_autoptr(GPtrArray) before = NULL;

  run_expect (&r, 0, "enroll", "--db", db, "--name", "Tony Blair", t2, t3, t4, NULL);
  people = list_people (&r, db);
  before = stored_embeddings (db, json_object_get_int_member (json_array_get_object_element (people, 0), "id"));
  g_clear_pointer (&people, json_array_unref);
  g_assert_cmpuint (embeddings_in_files (db, before), ==, 3);

  run_expect (&r, 0, "reembed", "--json", "--db", db, "--embedder", "mobilefacenet_foamliu", NULL);
  doc = parse_json (r.out);
  g_assert_cmpstr (json_object_get_string_member (doc, "embedder"), ==, "mobilefacenet_foamliu");
  /* The old embeddings are gone from the files, not just replaced. */
  g_assert_cmpuint (embeddings_in_files (db, before), ==, 0);

  name = identify_one (&r, 0, db, "mobilefacenet_foamliu", t10);
  g_assert_cmpstr (name, ==, "Tony Blair");
  g_clear_pointer (&name, g_free);
  /* The embedder belongs to the database: a plain identify uses it… */
  name = identify_one (&r, 0, db, NULL, t10);
  g_assert_cmpstr (name, ==, "Tony Blair");
  g_clear_pointer (&name, g_free);
  /* …and --embedder still overrides it for one command. */
  name = identify_one (&r, 1, db, "mobilefacenet_paddlex", t10);
  g_assert_null (name);   /* nobody: null, never a name */
  g_assert_nonnull (strstr (r.err, "mobilefacenet_paddlex"));
  g_clear_pointer (&name, g_free);

  /* A plain enroll adds in the database's embedder, and a name typed in
   * another case is the same person. */
  run_expect (&r, 0, "enroll", "--db", db, "--name", "TONY BLAIR", t5, NULL);
  g_assert_nonnull (strstr (r.out, "Tony Blair"));

  people = list_people (&r, db);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                             json_object_get_int_member (json_array_get_object_element (people, 0), "id"));
  g_clear_pointer (&doc, json_object_unref);
  run_expect (&r, 0, "people", "show", id_text, "--json", "--db", db, NULL);
  doc = parse_json (r.out);
  g_assert_cmpuint (json_array_get_length (people), ==, 1);
  samples = json_object_get_array_member (doc, "sample_list");
  g_assert_cmpuint (json_array_get_length (samples), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (samples, i), "embedder"), ==,
                     "mobilefacenet_foamliu");

  /* And back (reembed without --embedder: the built-in default). */
  run_expect (&r, 0, "reembed", "--db", db, NULL);
  g_clear_pointer (&name, g_free);
  name = identify_one (&r, 0, db, NULL, t10);
  g_assert_cmpstr (name, ==, "Tony Blair");
}

/* ── models and database errors ─────────────────────────────────────── */

static void
copy_file (const char *src,
           const char *dst,
           gssize      keep)   /* bytes to keep, -1 for all */
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_file_get_contents (src, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (dst, contents, keep >= 0 ? (gssize) MIN ((gsize) keep, len) : (gssize) len, &error);
  g_assert_no_error (error);
}

static void
test_models (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *picture = lfw ("Tony_Blair", 2);
  g_auto(Run) r = { 0 };
  static const char * const files[] = {
    "face_detection_yunet_2023mar.onnx", "mobilefacenet_paddlex.onnx", "mobilefacenet_foamliu.onnx",
    "face_detection_yunet_2022mar.onnx",
  };

  run_expect (&r, 4, "detect", "--models", "/nonexistent", picture, NULL);
  assert_one_line_error (r.err, "face_detection_yunet_2023mar.onnx");
  g_assert_nonnull (strstr (r.err, "/nonexistent"));
  g_assert_nonnull (strstr (r.err, "models/fetch"));
  run_expect (&r, 4, "verify", "--models", "/nonexistent", picture, picture, NULL);
  assert_one_line_error (r.err, "models/fetch");

  /* A models folder whose default embedder is cut in half. */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *src = g_build_filename (vs_test_models_dir (), files[i], NULL);
      g_autofree char *dst = g_build_filename (tmp, files[i], NULL);
      gsize size = 0;
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (src, &contents, &size, NULL));
      copy_file (src, dst, i == 1 ? (gssize) size / 2 : -1);
    }
  run_expect (&r, 4, "verify", "--models", tmp, picture, picture, NULL);
  assert_one_line_error (r.err, "mobilefacenet_paddlex.onnx");
  /* The other embedder in that folder is fine. */
  run_expect (&r, 0, "verify", "--models", tmp, "--embedder", "mobilefacenet_foamliu", picture, picture, NULL);
}

static void
test_database_errors (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *a_file = g_build_filename (tmp, "a-file", NULL);
  g_autofree char *under_file = g_build_filename (a_file, "visage.db", NULL);
  g_autofree char *text = g_build_filename (tmp, "notes.db", NULL);
  g_autofree char *picture = lfw ("Tony_Blair", 2);
  g_auto(Run) r = { 0 };

  g_assert_true (g_file_set_contents (a_file, "x", -1, NULL));
  g_assert_true (g_file_set_contents (text, "This is not a database, it is a shopping list.\n", -1, NULL));

  /* Nowhere to create it. */
  run_expect (&r, 5, "people", "list", "--db", under_file, NULL);
  assert_one_line_error (r.err, a_file);
  run_expect (&r, 5, "enroll", "--name", "Tony Blair", "--db", "/proc/visage-test/visage.db", picture, NULL);
  assert_one_line_error (r.err, "/proc/visage-test");
  /* A folder where the file should be. */
  run_expect (&r, 5, "people", "list", "--db", tmp, NULL);
  assert_one_line_error (r.err, tmp);

  /* Not a database: refused, and left as it was. */
  run_expect (&r, 5, "people", "list", "--db", text, NULL);
  assert_one_line_error (r.err, text);
  run_expect (&r, 5, "identify", "--db", text, picture, NULL);
  run_expect (&r, 5, "enroll", "--name", "Tony Blair", "--db", text, picture, NULL);
  {
    g_autofree char *contents = NULL;
    g_assert_true (g_file_get_contents (text, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "This is not a database, it is a shopping list.\n");
  }

  /* A read-only folder (meaningless as root, who may write anywhere). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (tmp, "read-only", NULL);
      g_autofree char *db = g_build_filename (ro, "visage.db", NULL);

      g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
      run_expect (&r, 5, "people", "list", "--db", db, NULL);
      assert_one_line_error (r.err, ro);
      g_chmod (ro, 0700);
    }
}

/* Issue 12: partial success has its own exit status and the JSON says what
 * happened to each person; file names that are not UTF-8 keep --json valid;
 * read-only commands create nothing; erase-all asks, then erases. */
static void
test_partial_import_and_erase (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *root = g_build_filename (tmp, "people", NULL);
  g_autofree char *nobody = g_build_filename (root, "Nobody", NULL);
  g_autofree char *nobody_pic = g_build_filename (nobody, "a.jpg", NULL);
  g_autofree char *latin1 = g_build_filename (root, "Tony_Blair", "caf\xe9.jpg", NULL);
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autofree char *missing_dir = g_build_filename (tmp, "not-yet", NULL);
  g_autofree char *missing_db = g_build_filename (missing_dir, "visage.db", NULL);
  g_autoptr(JsonObject) doc = NULL;
  JsonArray *report;
  JsonObject *tony = NULL, *nob = NULL;
  g_auto(Run) r = { 0 };

  /* Read-only commands on a database that is not there: empty, and
   * nothing created. */
  run_expect (&r, 0, "people", "list", "--json", "--db", missing_db, NULL);
  g_assert_false (g_file_test (missing_dir, G_FILE_TEST_EXISTS));
  run_expect (&r, 5, "people", "list", "--db", "https://example.com/visage.db", NULL);
  assert_one_line_error (r.err, "not a path");

  make_person_folder (root, "Tony_Blair", 2, 2);
  g_assert_cmpint (g_mkdir_with_parents (nobody, 0700), ==, 0);
  g_assert_true (g_file_set_contents (nobody_pic, "not a picture", -1, NULL));
  g_assert_true (g_file_set_contents (latin1, "not a picture either", -1, NULL));

  run_expect (&r, 7, "import", "--json", "--db", db, root, NULL);
  g_assert_true (g_utf8_validate (r.out, -1, NULL));
  /* The progress lines name the Latin-1 file as text, not raw bytes. */
  g_assert_true (g_utf8_validate (r.err, -1, NULL));
  doc = parse_json (r.out);
  g_assert_cmpint (json_object_get_int_member (doc, "imported_people"), ==, 1);
  report = json_object_get_array_member (doc, "people");
  for (guint i = 0; i < json_array_get_length (report); i++)
    {
      JsonObject *p = json_array_get_object_element (report, i);
      if (g_str_equal (json_object_get_string_member (p, "folder"), "Tony_Blair"))
        tony = p;
      else
        nob = p;
    }
  g_assert_nonnull (tony);
  g_assert_nonnull (nob);
  g_assert_cmpstr (json_object_get_string_member (tony, "status"), ==, "imported");
  g_assert_cmpstr (json_object_get_string_member (nob, "status"), ==, "failed");
  {
    JsonArray *skipped = json_object_get_array_member (tony, "skipped");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (skipped); i++)
      {
        JsonObject *sk = json_array_get_object_element (skipped, i);
        if (json_object_has_member (sk, "path_raw"))
          {
            g_assert_true (g_str_has_suffix (json_object_get_string_member (sk, "path_raw"),
                                             "caf\\xe9.jpg"));
            g_assert_true (g_str_has_suffix (json_object_get_string_member (sk, "path"),
                                             "caf\xef\xbf\xbd.jpg"));
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* Nothing happens without confirmation (stdin is not a terminal). */
  run_expect (&r, 2, "erase-all", "--db", db, NULL);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_clear_pointer (&doc, json_object_unref);
  run_expect (&r, 0, "erase-all", "--yes", "--json", "--db", db, NULL);
  doc = parse_json (r.out);
  g_assert_cmpint (json_object_get_int_member (doc, "people_erased"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (doc, "samples_erased"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (doc, "files_removed")), >=, 1);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  }
}

/* ── issue 13: the habits of a command-line tool ──────────────────────── */

/* `visage-cli` alone is a usage error on stderr; `help CMD` is CMD --help;
 * progress goes to stderr as plain lines when it is not a terminal, and
 * --quiet silences it; JSON numbers are rounded to what they mean. */
static void
test_habits (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "habits.db", NULL);
  g_autofree char *a = lfw ("Colin_Powell", 1);
  g_autofree char *b = lfw ("Colin_Powell", 2);
  g_autofree char *c = lfw ("Colin_Powell", 3);
  g_autofree char *probe = lfw ("Colin_Powell", 10);
  g_autoptr(GRegex) long_number = g_regex_new ("[0-9]\\.[0-9]{5,}", 0, 0, NULL);
  g_autoptr(GRegex) similarity = g_regex_new ("\"similarity\":-?[0-9]+(\\.[0-9]{1,4})?[,}]", 0, 0, NULL);
  g_auto(Run) r = { 0 };

  run_expect (&r, 2, NULL);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "Usage"));
  g_assert_nonnull (strstr (r.err, "enroll"));

  run_expect (&r, 0, "help", "enroll", NULL);
  g_assert_nonnull (strstr (r.out, "--name"));
  run_expect (&r, 0, "help", "people", NULL);
  g_assert_nonnull (strstr (r.out, "import"));
  run_expect (&r, 0, "help", "bench", "lfw", NULL);
  g_assert_nonnull (strstr (r.out, "--pairs"));
  run_expect (&r, 2, "help", "frobnicate", NULL);
  g_assert_cmpstr (r.out, ==, "");
  assert_one_line_error (r.err, "frobnicate");

  /* Progress of a folder's worth: one plain line per picture here (3 < 20),
   * naming it, without carriage returns; the result stays alone on stdout. */
  run_expect (&r, 0, "enroll", "--json", "--db", db, "--name", "Colin Powell", a, b, NULL);
  g_assert_null (strchr (r.err, '\r'));
  g_assert_nonnull (strstr (r.err, "2 of 2"));
  g_assert_nonnull (strstr (r.err, b));
  g_clear_pointer (&r.out, g_free);
  run_expect (&r, 0, "enroll", "--quiet", "--db", db, "--name", "Colin Powell", c, a, NULL);
  g_assert_cmpstr (r.err, ==, "");

  /* On a terminal (script(1) gives it one) the line is redrawn in place. */
  {
    g_autofree char *command = g_strdup_printf ("'%s' enroll --db '%s' --name 'Colin Powell' '%s' '%s'",
                                                cli, db, b, c);
    const char *argv[] = { "script", "-qec", command, "/dev/null", NULL };
    g_autofree char *terminal = NULL;
    g_autoptr(GError) error = NULL;
    int wait_status = 0;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                  &terminal, NULL, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    g_assert_nonnull (strstr (terminal, "\r\033[KEnrolling: 2 of 2"));
  }

  /* Rounded numbers: similarity to 4 places, nothing with 17 digits. */
  run_expect (&r, 0, "identify", "--json", "--top", "2", "--db", db, probe, NULL);
  g_assert_false (g_regex_match (long_number, r.out, 0, NULL));
  g_assert_true (g_regex_match (similarity, r.out, 0, NULL));
  run_expect (&r, 0, "verify", "--json", a, probe, NULL);
  g_assert_false (g_regex_match (long_number, r.out, 0, NULL));
  g_assert_true (g_regex_match (similarity, r.out, 0, NULL));
  run_expect (&r, 0, "detect", "--json", a, NULL);
  g_assert_false (g_regex_match (long_number, r.out, 0, NULL));
}

/* A JSON array of numbers as doubles (exported embeddings). */
static GArray *
json_numbers (JsonArray *array)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      double v = json_array_get_double_element (array, i);
      g_array_append_val (out, v);
    }
  return out;
}

static JsonObject *
read_json_file (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* `people export` then `people import` into an empty database: the same
 * name, the same samples (embedder, embedding, quality, source) and the same
 * face crops; a second import adds nothing; a hostile export is refused
 * whole. */
static void
test_export_import (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db_a = g_build_filename (tmp, "a.db", NULL);
  g_autofree char *db_b = g_build_filename (tmp, "b.db", NULL);
  g_autofree char *out_a = g_build_filename (tmp, "out-a", NULL);
  g_autofree char *out_b = g_build_filename (tmp, "out-b", NULL);
  g_autofree char *p1 = lfw ("Colin_Powell", 1);
  g_autofree char *p2 = lfw ("Colin_Powell", 2);
  g_autofree char *p3 = lfw ("Colin_Powell", 3);
  g_autofree char *probe = lfw ("Colin_Powell", 10);
  const char *name = "Colin “Ü” Powell";
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) json_a = NULL;
  g_autoptr(JsonObject) json_b = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_autofree char *folder_a = NULL;
  g_autofree char *folder_b = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  JsonArray *samples_a, *samples_b;
  g_auto(Run) r = { 0 };

  g_assert_cmpint (g_mkdir (out_a, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (out_b, 0700), ==, 0);
  run_expect (&r, 0, "enroll", "--json", "--quiet", "--db", db_a, "--name", name, p1, p2, p3, NULL);
  doc = parse_json (r.out);
  id_a = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (doc, "person_id"));
  g_clear_pointer (&doc, json_object_unref);

  run_expect (&r, 0, "people", "export", "--json", "--db", db_a, id_a, out_a, NULL);
  doc = parse_json (r.out);
  folder_a = g_strdup (json_object_get_string_member (doc, "folder"));
  g_clear_pointer (&doc, json_object_unref);

  /* Into an empty database: out_a holds the exported folder. */
  run_expect (&r, 0, "people", "import", "--json", "--db", db_b, out_a, NULL);
  doc = parse_json (r.out);
  {
    JsonObject *one = json_array_get_object_element (json_object_get_array_member (doc, "people"), 0);

    g_assert_cmpstr (json_object_get_string_member (one, "name"), ==, name);
    g_assert_cmpint (json_object_get_int_member (one, "added"), ==, 3);
    id_b = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (one, "person_id"));
  }
  g_clear_pointer (&doc, json_object_unref);

  /* Export again from the new database and compare the two exports. */
  run_expect (&r, 0, "people", "export", "--json", "--db", db_b, id_b, out_b, NULL);
  doc = parse_json (r.out);
  folder_b = g_strdup (json_object_get_string_member (doc, "folder"));
  g_clear_pointer (&doc, json_object_unref);
  path_a = g_build_filename (folder_a, "person.json", NULL);
  path_b = g_build_filename (folder_b, "person.json", NULL);
  json_a = read_json_file (path_a);
  json_b = read_json_file (path_b);
  g_assert_cmpstr (json_object_get_string_member (json_b, "name"), ==, name);
  samples_a = json_object_get_array_member (json_a, "samples");
  samples_b = json_object_get_array_member (json_b, "samples");
  g_assert_cmpuint (json_array_get_length (samples_a), ==, 3);
  g_assert_cmpuint (json_array_get_length (samples_b), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *sa = json_array_get_object_element (samples_a, i);
      JsonObject *sb = json_array_get_object_element (samples_b, i);
      g_autoptr(GArray) ea = json_numbers (json_object_get_array_member (sa, "embedding"));
      g_autoptr(GArray) eb = json_numbers (json_object_get_array_member (sb, "embedding"));
      g_autofree char *crop_a = g_build_filename (folder_a, json_object_get_string_member (sa, "crop"), NULL);
      g_autofree char *crop_b = g_build_filename (folder_b, json_object_get_string_member (sb, "crop"), NULL);
      g_autofree char *bytes_a = NULL;
      g_autofree char *bytes_b = NULL;
      gsize len_a = 0, len_b = 0;

      g_assert_cmpstr (json_object_get_string_member (sa, "embedder"), ==,
                       json_object_get_string_member (sb, "embedder"));
      g_assert_cmpstr (json_object_get_string_member (sa, "source"), ==,
                       json_object_get_string_member (sb, "source"));
      g_assert_cmpfloat (json_object_get_double_member (sa, "quality"), ==,
                         json_object_get_double_member (sb, "quality"));
      g_assert_cmpuint (ea->len, ==, eb->len);
      g_assert_cmpuint (ea->len, >, 0);
      g_assert_cmpmem (ea->data, ea->len * sizeof (double), eb->data, eb->len * sizeof (double));
      g_assert_true (g_file_get_contents (crop_a, &bytes_a, &len_a, NULL));
      g_assert_true (g_file_get_contents (crop_b, &bytes_b, &len_b, NULL));
      g_assert_cmpuint (len_a, >, 100);
      g_assert_cmpmem (bytes_a, len_a, bytes_b, len_b);
    }

  /* The imported person is recognised. */
  run_expect (&r, 0, "identify", "--json", "--db", db_b, probe, NULL);
  g_assert_nonnull (strstr (r.out, "Powell"));

  /* The same export once more adds nothing. */
  run_expect (&r, 0, "people", "import", "--json", "--db", db_b, folder_a, NULL);
  g_assert_nonnull (strstr (r.out, "\"added\":0"));
  run_expect (&r, 0, "people", "show", "--json", "--db", db_b, id_b, NULL);
  doc = parse_json (r.out);
  g_assert_cmpint (json_object_get_int_member (doc, "samples"), ==, 3);
  g_clear_pointer (&doc, json_object_unref);

  /* A crop that points outside its folder: refused, nothing added. */
  {
    g_autofree char *evil = g_build_filename (tmp, "evil", NULL);
    g_autofree char *evil_json = g_build_filename (evil, "person.json", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GString) edited = NULL;
    g_autofree char *db_c = g_build_filename (tmp, "c.db", NULL);

    g_assert_cmpint (g_mkdir (evil, 0700), ==, 0);
    g_assert_true (g_file_get_contents (path_a, &text, NULL, NULL));
    edited = g_string_new (text);
    g_string_replace (edited, "\"sample-", "\"../../sample-", 1);
    g_assert_true (g_file_set_contents (evil_json, edited->str, -1, NULL));
    run_expect (&r, 3, "people", "import", "--db", db_c, evil, NULL);
    assert_one_line_error (r.err, "sample-");
    run_expect (&r, 0, "people", "list", "--json", "--db", db_c, NULL);
    g_assert_cmpstr (r.out, ==, "{\"people\":[]}\n");
  }
}

/* Runs a Debian tool that makes test pictures; fails naming its package. */
static void
make_picture (const char *package,
              const char *first,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;
  va_list ap;

  if (g_find_program_in_path (first) == NULL)
    g_error ("%s is missing: install %s (build-aux/setup does)", first, package);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &wait_status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, &error))
    g_error ("%s failed: %s\n%s", first, error->message, err);
}

/* Phone pictures: a HEIC and an AVIF of an LFW face, made here with
 * Debian's heif-enc, are enrolled and identified; an AVIF that asks to be
 * rotated (irot) is read upright; one announcing 30000×30000 pixels is
 * refused before it is decoded. */
static void
test_phone_pictures (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "phone.db", NULL);
  g_autofree char *j1 = lfw ("Colin_Powell", 1);
  g_autofree char *j2 = lfw ("Colin_Powell", 2);
  g_autofree char *j10 = lfw ("Colin_Powell", 10);
  g_autofree char *heic = g_build_filename (tmp, "colin-1.heic", NULL);
  g_autofree char *avif = g_build_filename (tmp, "colin-2.avif", NULL);
  g_autofree char *probe = g_build_filename (tmp, "colin-10.heic", NULL);
  g_autofree char *sideways = g_build_filename (tmp, "sideways.png", NULL);
  g_autofree char *turned = g_build_filename (tmp, "turned.avif", NULL);
  g_autofree char *bomb = g_build_filename (tmp, "bomb.heic", NULL);
  g_autoptr(JsonObject) doc = NULL;
  g_auto(Run) r = { 0 };

  make_picture ("libheif-examples", "heif-enc", "-q", "85", "-o", heic, j1, NULL);
  make_picture ("libheif-examples", "heif-enc", "-q", "85", "-o", avif, j2, NULL);
  make_picture ("libheif-examples", "heif-enc", "-q", "85", "-o", probe, j10, NULL);

  run_expect (&r, 0, "enroll", "--json", "--quiet", "--central", "--db", db, "--name", "Colin Powell",
              heic, avif, NULL);
  doc = parse_json (r.out);
  g_assert_cmpint (json_object_get_int_member (doc, "added"), ==, 2);
  g_clear_pointer (&doc, json_object_unref);
  run_expect (&r, 0, "identify", "--db", db, probe, NULL);
  g_assert_nonnull (strstr (r.out, "Colin Powell"));
  /* And the other way round: a JPEG named from the phone pictures. */
  run_expect (&r, 0, "identify", "--db", db, j10, NULL);
  g_assert_nonnull (strstr (r.out, "Colin Powell"));

  /* 250×200 upright, stored lying on its side with irot = 270°. */
  make_picture ("imagemagick", "convert", j10, "-crop", "250x200+0+25", "+repage", "-rotate", "-90",
                sideways, NULL);
  make_picture ("libavif-bin", "avifenc", "--irot", "3", sideways, turned, NULL);
  run_expect (&r, 0, "detect", "--json", turned, NULL);
  doc = parse_json (r.out);
  {
    JsonObject *image = json_array_get_object_element (json_object_get_array_member (doc, "images"), 0);

    g_assert_cmpint (json_object_get_int_member (image, "width"), ==, 250);
    g_assert_cmpint (json_object_get_int_member (image, "height"), ==, 200);
  }
  g_clear_pointer (&doc, json_object_unref);
  run_expect (&r, 0, "identify", "--db", db, turned, NULL);
  g_assert_nonnull (strstr (r.out, "Colin Powell"));

  /* The same HEIC claiming 30000×30000: refused from its header. */
  {
    g_autofree char *data = NULL;
    gsize len = 0;
    guint n = 0;

    g_assert_true (g_file_get_contents (probe, &data, &len, NULL));
    for (gsize i = 4; i + 16 <= len; i++)
      if (memcmp (data + i, "ispe", 4) == 0)
        {
          static const guint8 big[] = { 0, 0, 0x75, 0x30 };   /* 30000 */
          memcpy (data + i + 8, big, 4);
          memcpy (data + i + 12, big, 4);
          n++;
        }
    g_assert_cmpuint (n, >, 0);
    g_assert_true (g_file_set_contents (bomb, data, (gssize) len, NULL));
  }
  run_expect (&r, 3, "detect", bomb, NULL);
  assert_one_line_error (r.err, "30000×30000");
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);

  cli = g_getenv ("VISAGE_CLI");
  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("$VISAGE_CLI must name the built visage-cli (meson test sets it), not “%s”",
             cli ? cli : "(unset)");
  vs_test_models_dir ();   /* fails when there are none */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/detect-json", test_detect_json);
  g_test_add_func ("/cli/verify", test_verify);
  g_test_add_func ("/cli/verify-central", test_verify_central);
  g_test_add_func ("/cli/bad-input", test_bad_input);
  g_test_add_func ("/cli/enroll-identify", test_enroll_identify);
  g_test_add_func ("/cli/identify-band", test_identify_band);
  g_test_add_func ("/cli/enroll-many-faces", test_enroll_many_faces);
  g_test_add_func ("/cli/import-and-people", test_import_and_people);
  g_test_add_func ("/cli/delete-several", test_delete_several);
  g_test_add_func ("/cli/export", test_export);
  g_test_add_func ("/cli/import-extra-faces", test_import_extra_faces);
  g_test_add_func ("/cli/reembed", test_reembed);
  g_test_add_func ("/cli/kill-during-reembed", test_kill_during_reembed);
  g_test_add_func ("/cli/import-gives-way", test_import_gives_way);
  g_test_add_func ("/cli/writes-only-the-database", test_writes_only_the_database);
  g_test_add_func ("/cli/models", test_models);
  g_test_add_func ("/cli/database-errors", test_database_errors);
  g_test_add_func ("/cli/habits", test_habits);
  g_test_add_func ("/cli/export-import", test_export_import);
  g_test_add_func ("/cli/phone-pictures", test_phone_pictures);
  g_test_add_func ("/cli/partial-import-and-erase", test_partial_import_and_erase);

  return g_test_run ();
}

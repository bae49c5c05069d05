/* test-export.c: a person's data exported into a folder of their own
 * (vs_export_person, behind the People page's Export and `visage-cli people
 * export`): whatever the name, the folder lands inside the chosen folder
 * with a safe name; an existing folder is never reused; a failure leaves
 * nothing behind; what is written is exactly what the database holds. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-export.h"
#include "vs-store.h"
#include "vs-test-util.h"

#define DIM 128
#define N_SAMPLES 3
#define CROP_SIZE 6000

typedef struct {
  char     *dir;        /* the test's temporary folder */
  char     *target;     /* where exports go: dir/exports */
  VsStore  *store;
} Fixture;

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->target, g_free);
  g_clear_pointer (&f->dir, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static void
fixture_init (Fixture *f)
{
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = vs_test_make_tmpdir ();
  f->target = g_build_filename (f->dir, "exports", NULL);
  g_assert_cmpint (g_mkdir (f->target, 0700), ==, 0);
  db = g_build_filename (f->dir, "visage.db", NULL);
  f->store = vs_store_open (db, &error);
  g_assert_no_error (error);
}

/* A person with N_SAMPLES random embeddings and random "PNG" crops. */
static gint64
add_person (Fixture    *f,
            const char *name,
            guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GError) error = NULL;
  gint64 id;

  for (guint s = 0; s < N_SAMPLES; s++)
    {
      float embedding[DIM];
      g_autofree guint8 *crop = g_malloc (CROP_SIZE);
      g_autoptr(GBytes) bytes = NULL;

      for (guint i = 0; i < DIM; i++)
        embedding[i] = (float) g_rand_double_range (rand, -0.2, 0.2);
      for (guint i = 0; i < CROP_SIZE; i++)
        crop[i] = (guint8) g_rand_int_range (rand, 0, 256);
      bytes = g_bytes_new (crop, CROP_SIZE);
      g_ptr_array_add (samples, vs_sample_new ("synthetic", embedding, DIM, 0.5 + s / 10.0, bytes, "test"));
    }
  id = vs_store_add_samples (f->store, 0, name, samples, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* What makes a folder name safe to create inside another folder. */
static void
assert_safe_folder_name (const char *folder,
                         gint64      id)
{
  g_autofree char *suffix = g_strdup_printf ("-%" G_GINT64_FORMAT, id);

  g_test_message ("folder name: “%s”", folder);
  g_assert_true (g_utf8_validate (folder, -1, NULL));
  g_assert_null (strchr (folder, '/'));
  g_assert_null (strchr (folder, '\\'));
  g_assert_cmpstr (folder, !=, ".");
  g_assert_cmpstr (folder, !=, "..");
  g_assert_true (folder[0] != '.');
  /* NAME_MAX is 255 bytes on Linux file systems, whatever the characters. */
  g_assert_cmpuint (strlen (folder), <=, 255);
  g_assert_cmpuint (strlen (folder), >, strlen (suffix));
  g_assert_true (g_str_has_suffix (folder, suffix));
  for (const char *p = folder; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

static void
test_folder_names (void)
{
  g_autoptr(GString) emoji = g_string_new (NULL);
  g_autoptr(GString) accents = g_string_new (NULL);
  const char *names[] = {
    "Ada/Lovelace", "..", ".", "../../etc/passwd", "/", "Ada\\Lovelace",
    "a\nb\tc\x01\x7f" "d", "C1 \xc2\x85 control", ".hidden", "",
    NULL, NULL,   /* very long names, below */
  };
  g_autofree char *plain = vs_export_folder_name ("Ada Lovelace", 7);
  g_autofree char *slash = vs_export_folder_name ("Ada/Lovelace", 7);
  g_autofree char *dots = vs_export_folder_name ("..", 7);
  g_autofree char *empty = vs_export_folder_name ("", 7);

  /* A plain name is kept as it is. */
  g_assert_cmpstr (plain, ==, "Ada Lovelace-7");
  g_assert_cmpstr (slash, ==, "Ada_Lovelace-7");
  g_assert_cmpstr (dots, ==, "_.-7");
  g_assert_cmpstr (empty, ==, "person-7");

  /* 100 characters, the longest name a person may have, of 4 and 2 bytes. */
  for (guint i = 0; i < 100; i++)
    {
      g_string_append (emoji, "\xf0\x9f\x98\x80");   /* U+1F600 */
      g_string_append (accents, "\xc3\xa9");         /* é */
    }
  names[G_N_ELEMENTS (names) - 2] = emoji->str;
  names[G_N_ELEMENTS (names) - 1] = accents->str;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *folder = vs_export_folder_name (names[i], 1234567890123);
      assert_safe_folder_name (folder, 1234567890123);
    }
}

/* Every name lands as one new folder directly inside the target, private,
 * with person.json holding the name as given and the samples as stored. */
static void
test_export_person (void)
{
  g_auto(Fixture) f = { 0 };
  const char *names[] = { "../../Ada/Lovelace", "..", "..\\Grace: \"Hopper\"?", "Alan Turing" };

  fixture_init (&f);
  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      gint64 id = add_person (&f, names[n], n + 1);
      g_autoptr(GError) error = NULL;
      g_autofree char *folder = vs_export_person (f.store, id, f.target, &error);
      g_autofree char *parent = NULL, *base = NULL, *json_path = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GPtrArray) stored = NULL;
      JsonObject *root;
      JsonArray *samples;
      GStatBuf st;

      g_assert_no_error (error);
      g_assert_nonnull (folder);
      parent = g_path_get_dirname (folder);
      base = g_path_get_basename (folder);
      g_assert_cmpstr (parent, ==, f.target);
      assert_safe_folder_name (base, id);
      g_assert_cmpint (g_lstat (folder, &st), ==, 0);
      g_assert_true (S_ISDIR (st.st_mode));
      g_assert_cmpint (st.st_mode & 0777, ==, 0700);
      /* One file per sample and person.json. */
      g_assert_cmpuint (count_entries (folder), ==, N_SAMPLES + 1);

      json_path = g_build_filename (folder, "person.json", NULL);
      g_assert_cmpint (g_stat (json_path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      json_parser_load_from_file (parser, json_path, &error);
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, names[n]);
      g_assert_cmpint (json_object_get_int_member (root, "id"), ==, id);

      stored = vs_store_list_samples (f.store, id, &error);
      g_assert_no_error (error);
      samples = json_object_get_array_member (root, "samples");
      g_assert_cmpuint (json_array_get_length (samples), ==, stored->len);
      for (guint s = 0; s < stored->len; s++)
        {
          const VsSample *sample = g_ptr_array_index (stored, s);
          JsonObject *js = json_array_get_object_element (samples, s);
          JsonArray *embedding = json_object_get_array_member (js, "embedding");
          g_autofree char *png = g_build_filename (folder, json_object_get_string_member (js, "crop"), NULL);
          g_autofree char *contents = NULL;
          gsize length;

          g_assert_cmpint (json_object_get_int_member (js, "id"), ==, sample->id);
          g_assert_cmpuint (json_array_get_length (embedding), ==, sample->dim);
          for (guint k = 0; k < sample->dim; k++)
            g_assert_cmpfloat ((float) json_array_get_double_element (embedding, k), ==, sample->embedding[k]);
          g_assert_cmpint (g_stat (png, &st), ==, 0);
          g_assert_cmpint (st.st_mode & 0777, ==, 0600);
          g_file_get_contents (png, &contents, &length, &error);
          g_assert_no_error (error);
          g_assert_cmpmem (contents, length, g_bytes_get_data (sample->crop, NULL), g_bytes_get_size (sample->crop));
        }
    }
  /* Nothing but the four folders. */
  g_assert_cmpuint (count_entries (f.target), ==, G_N_ELEMENTS (names));
}

/* An existing folder of that name is left alone: the export takes "-2". */
static void
test_existing_folder (void)
{
  g_auto(Fixture) f = { 0 };
  gint64 id;
  g_autofree char *taken = NULL, *marker = NULL;
  g_autofree char *first = NULL, *second = NULL;
  g_autofree char *expected = NULL, *base = NULL;
  g_autoptr(GError) error = NULL;

  fixture_init (&f);
  id = add_person (&f, "Ada Lovelace", 1);
  base = vs_export_folder_name ("Ada Lovelace", id);
  taken = g_build_filename (f.target, base, NULL);
  g_assert_cmpint (g_mkdir (taken, 0700), ==, 0);
  marker = g_build_filename (taken, "mine.txt", NULL);
  g_file_set_contents (marker, "not Visage's", -1, &error);
  g_assert_no_error (error);

  first = vs_export_person (f.store, id, f.target, &error);
  g_assert_no_error (error);
  expected = g_strconcat (taken, "-2", NULL);
  g_assert_cmpstr (first, ==, expected);
  g_assert_cmpuint (count_entries (taken), ==, 1);

  second = vs_export_person (f.store, id, f.target, &error);
  g_assert_no_error (error);
  g_clear_pointer (&expected, g_free);
  expected = g_strconcat (taken, "-3", NULL);
  g_assert_cmpstr (second, ==, expected);
  g_assert_cmpuint (count_entries (first), ==, N_SAMPLES + 1);
}

/* A target that cannot take the data: a clear error and nothing left. */
static void
test_unwritable_target (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL, *missing = NULL;
  g_autofree char *folder = NULL;
  struct rlimit saved, small;
  gint64 id;

  fixture_init (&f);
  id = add_person (&f, "Ada Lovelace", 1);

  /* A missing folder, and a file, are not folders. */
  missing = g_build_filename (f.dir, "missing", NULL);
  g_assert_null (vs_export_person (f.store, id, missing, &error));
  g_assert_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_NOT_A_FOLDER);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
  file = g_build_filename (f.dir, "visage.db", NULL);
  g_assert_null (vs_export_person (f.store, id, file, &error));
  g_assert_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_NOT_A_FOLDER);
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* A disk that fills up half-way (root ignores permissions, a file size
   * limit does not): the files written so far and the folder go again. */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = CROP_SIZE / 2;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  /* The first crop is cut off half-way. */
  folder = vs_export_person (f.store, id, f.target, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  g_assert_null (folder);
  g_assert_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_WRITE);
  g_assert_cmpuint (count_entries (f.target), ==, 0);
  g_clear_error (&error);

  /* A folder without write permission (for a user other than root). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (f.target, 0500), ==, 0);
      g_assert_null (vs_export_person (f.store, id, f.target, &error));
      g_assert_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_WRITE);
      g_assert_nonnull (strstr (error->message, f.target));
      g_assert_cmpint (g_chmod (f.target, 0700), ==, 0);
      g_assert_cmpuint (count_entries (f.target), ==, 0);
    }
}

static void
test_unknown_id (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 id;

  fixture_init (&f);
  id = add_person (&f, "Ada Lovelace", 1);
  g_assert_null (vs_export_person (f.store, id + 1, f.target, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (count_entries (f.target), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/export/folder-names", test_folder_names);
  g_test_add_func ("/export/person", test_export_person);
  g_test_add_func ("/export/existing-folder", test_existing_folder);
  g_test_add_func ("/export/unwritable-target", test_unwritable_target);
  g_test_add_func ("/export/unknown-id", test_unknown_id);

  return g_test_run ();
}

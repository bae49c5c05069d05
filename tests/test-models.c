/* test-models.c: the compiled-in manifest and verifying model files. */
#include "config.h"

#include <glib/gstdio.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "vs-models.h"
#include "vs-test-util.h"

static void
test_manifest (void)
{
  g_autoptr(GPtrArray) list = vs_models_list ();
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  const VsModelInfo *detector = vs_models_get_detector ();
  const VsModelInfo *embedder, *foamliu, *again;
  const char *default_id = vs_models_get_default_embedder ();

  g_assert_cmpuint (list->len, >=, 3);
  for (guint i = 0; i < list->len; i++)
    {
      const VsModelInfo *info = g_ptr_array_index (list, i);

      g_assert_false (g_hash_table_contains (ids, info->id));
      g_hash_table_add (ids, info->id);
      g_assert_cmpuint (strlen (info->sha256), ==, 64);
      g_assert_true (g_str_has_suffix (info->file, ".onnx"));
      g_assert_true (g_str_has_prefix (info->url, "https://"));
      g_assert_nonnull (info->license);
      g_assert_cmpfloat (info->scale, >, 0);
      /* lookup hands out the very same record */
      again = vs_models_lookup (info->id, NULL);
      g_assert_true (again == info);
    }

  g_assert_nonnull (detector);
  g_assert_cmpstr (detector->id, ==, "yunet_2023mar");
  g_assert_cmpint (detector->role, ==, VS_MODEL_ROLE_DETECTOR);
  g_assert_cmpfloat_with_epsilon (detector->score_threshold, 0.6, 1e-6);
  g_assert_cmpfloat_with_epsilon (detector->nms_threshold, 0.3, 1e-6);
  g_assert_cmpint (detector->working_size, ==, 640);
  g_assert_false (detector->optional);

  g_assert_cmpstr (default_id, ==, "mobilefacenet_paddlex");
  embedder = vs_models_lookup (default_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (embedder->role, ==, VS_MODEL_ROLE_EMBEDDER);
  g_assert_cmpuint (embedder->dim, ==, 128);
  g_assert_cmpint (embedder->input_width, ==, 112);
  g_assert_cmpint (embedder->input_height, ==, 112);
  g_assert_false (embedder->swap_rb);           /* measured best with BGR */
  g_assert_cmpfloat_with_epsilon (embedder->mean[0], 127.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (embedder->scale, 1 / 127.5, 1e-9);
  g_assert_cmpfloat (embedder->threshold, >, 0);
  g_assert_cmpfloat (embedder->threshold, <, 1);
  g_assert_cmpfloat (embedder->verify_threshold, >, 0);
  g_assert_cmpfloat (embedder->verify_threshold, <=, embedder->threshold);
  g_assert_cmpfloat (embedder->margin, >=, 0);
  g_assert_false (embedder->optional);

  foamliu = vs_models_lookup ("mobilefacenet_foamliu", &error);
  g_assert_no_error (error);
  g_assert_true (foamliu->swap_rb);             /* trained on RGB */
  g_assert_cmpuint (foamliu->dim, ==, 128);
  g_assert_false (foamliu->optional);

  /* The 512-d embedder: non-commercial, so optional and fetched on request. */
  again = vs_models_lookup ("w600k_mbf", &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->role, ==, VS_MODEL_ROLE_EMBEDDER);
  g_assert_cmpuint (again->dim, ==, 512);
  g_assert_true (again->swap_rb);               /* RGB, as InsightFace feeds it */
  g_assert_true (again->optional);
  g_assert_true (again->on_request);
  g_assert_nonnull (strstr (again->license, "on-commercial"));
  g_assert_cmpstr (again->id, !=, default_id);
  g_assert_false (embedder->on_request);

  again = vs_models_lookup ("sface_2021dec", &error);
  g_assert_no_error (error);
  g_assert_true (again->optional);
  g_assert_true (again->swap_rb);               /* FaceRecognizerSF feeds RGB */

  again = vs_models_lookup ("no_such_model", &error);
  g_assert_null (again);
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_UNKNOWN_ID);
  g_assert_nonnull (strstr (error->message, "no_such_model"));
}

/* README.md's table of thresholds (Models → Thresholds) states exactly the
 * manifest's values for every embedder: changing either alone fails. */
static void
test_readme_thresholds (void)
{
  g_autofree char *readme = vs_test_source_path ("README.md");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) list = vs_models_list ();
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  gboolean in_table = FALSE;
  guint n_embedders = 0;

  g_file_get_contents (readme, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = NULL;
      g_autofree char *id = NULL;
      const VsModelInfo *info;

      if (g_str_has_prefix (lines[i], "| embedder | `verify_threshold` | `threshold` | `margin` |"))
        {
          in_table = TRUE;
          continue;
        }
      if (!in_table || g_str_has_prefix (lines[i], "| ---"))
        continue;
      if (!g_str_has_prefix (lines[i], "| `"))
        break;   /* the end of the table */

      /* "| `id` (optional) | 0.282 | 0.45 | 0.05 |" → "", id, numbers…, "" */
      cells = g_strsplit (lines[i], "|", -1);
      g_assert_cmpuint (g_strv_length (cells), ==, 6);
      id = g_strdup (g_strstrip (cells[1]));
      g_assert_true (g_str_has_prefix (id, "`"));
      g_assert_nonnull (strchr (id + 1, '`'));
      *strchr (id + 1, '`') = '\0';
      info = vs_models_lookup (id + 1, &error);
      g_assert_no_error (error);
      g_assert_cmpint (info->role, ==, VS_MODEL_ROLE_EMBEDDER);
      g_assert_true ((strstr (cells[1], "(optional)") != NULL) == info->optional);
      g_assert_false (g_hash_table_contains (rows, info->id));
      g_hash_table_add (rows, info->id);
      g_test_message ("README %s: %s %s %s", info->id, cells[2], cells[3], cells[4]);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cells[2], NULL), info->verify_threshold, 1e-6);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cells[3], NULL), info->threshold, 1e-6);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cells[4], NULL), info->margin, 1e-6);
    }
  g_assert_true (in_table);

  /* Every embedder of the manifest has its row. */
  for (guint i = 0; i < list->len; i++)
    {
      const VsModelInfo *info = g_ptr_array_index (list, i);

      if (info->role != VS_MODEL_ROLE_EMBEDDER)
        continue;
      n_embedders++;
      if (!g_hash_table_contains (rows, info->id))
        g_error ("README.md's threshold table has no row for %s", info->id);
    }
  g_assert_cmpuint (g_hash_table_size (rows), ==, n_embedders);
}

static void
test_locate_real (void)
{
  g_autoptr(GPtrArray) list = vs_models_list ();
  const char *dir = vs_test_models_dir ();

  for (guint i = 0; i < list->len; i++)
    {
      const VsModelInfo *info = g_ptr_array_index (list, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *again = NULL;

      if (info->optional)
        continue;
      path = vs_models_locate (dir, info, &error);
      g_assert_no_error (error);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_str_has_suffix (path, info->file));

      /* the second time comes from the verified cache */
      again = vs_models_locate (dir, info, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, path);
    }
}

/* A copy of the real detector file in a fresh folder. */
static char *
copy_detector (const char *dir,
               gsize       keep)
{
  const VsModelInfo *info = vs_models_get_detector ();
  g_autofree char *src = g_build_filename (vs_test_models_dir (), info->file, NULL);
  char *dst = g_build_filename (dir, info->file, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (src, &data, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (dst, data, MIN (len, keep), &error);
  g_assert_no_error (error);
  return dst;
}

static void
test_locate_missing (void)
{
  const VsModelInfo *info = vs_models_get_detector ();
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *gone = g_build_filename (dir, "no-such-folder", NULL);
  g_autoptr(GError) error = NULL;
  char *path;

  path = vs_models_locate (dir, info, &error);
  g_assert_null (path);
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, info->file));
  g_assert_nonnull (strstr (error->message, "models/fetch"));
  g_clear_error (&error);

  path = vs_models_locate (gone, info, &error);
  g_assert_null (path);
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, gone));
}

static void
test_locate_truncated (void)
{
  const VsModelInfo *info = vs_models_get_detector ();
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *copy = copy_detector (dir, 100000);
  g_autofree char *empty_dir = vs_test_make_tmpdir ();
  g_autofree char *empty = copy_detector (empty_dir, 0);
  g_autoptr(GError) error = NULL;
  char *path;

  path = vs_models_locate (dir, info, &error);
  g_assert_null (path);
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, info->file));
  g_clear_error (&error);

  path = vs_models_locate (empty_dir, info, &error);
  g_assert_null (path);
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, info->file));
}

/* Rewrites the file with one byte changed, same size, the way a damaged
 * download or an edit would land (new file renamed over the old one). */
static void
flip_byte (const char *path,
           gsize       at)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (at, <, len);
  data[at] ^= 0x5a;
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
test_locate_wrong_bytes (void)
{
  const VsModelInfo *info = vs_models_get_detector ();
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *copy = copy_detector (dir, G_MAXSIZE);
  g_autofree char *path = NULL;
  g_autofree char *restored = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf before, after;
  char *bad;

  /* a good copy verifies (and lands in the cache) ... */
  path = vs_models_locate (dir, info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, copy);
  g_assert_cmpint (g_stat (copy, &before), ==, 0);

  /* ... and one changed byte, same size, straight away, is still caught:
   * the cache must not hide it */
  flip_byte (copy, (gsize) before.st_size / 2);
  g_assert_cmpint (g_stat (copy, &after), ==, 0);
  g_assert_cmpint (after.st_size, ==, before.st_size);

  bad = vs_models_locate (dir, info, &error);
  g_assert_null (bad);
  g_assert_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, info->file));
  g_assert_nonnull (strstr (error->message, info->sha256));
  g_clear_error (&error);

  /* restored, it verifies again */
  flip_byte (copy, (gsize) before.st_size / 2);
  restored = vs_models_locate (dir, info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (restored, ==, copy);
}

static gpointer
locate_thread (gpointer data)
{
  const char *dir = data;
  g_autoptr(GPtrArray) list = vs_models_list ();
  guint found = 0;

  for (guint i = 0; i < list->len; i++)
    {
      const VsModelInfo *info = g_ptr_array_index (list, i);
      g_autofree char *path = NULL;

      if (info->optional)
        continue;
      path = vs_models_locate (dir, info, NULL);
      found += path != NULL;
    }
  return GUINT_TO_POINTER (found);
}

static void
test_locate_threads (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autoptr(GPtrArray) list = vs_models_list ();
  GThread *threads[8];
  guint required = 0;

  /* fresh copies, so every thread races to hash them for the first time */
  for (guint i = 0; i < list->len; i++)
    {
      const VsModelInfo *info = g_ptr_array_index (list, i);
      g_autofree char *src = NULL;
      g_autofree char *dst = NULL;
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;

      if (info->optional)
        continue;
      required++;
      src = g_build_filename (vs_test_models_dir (), info->file, NULL);
      dst = g_build_filename (dir, info->file, NULL);
      g_file_get_contents (src, &data, &len, &error);
      g_assert_no_error (error);
      g_file_set_contents (dst, data, len, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("locate", locate_thread, dir);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, required);
}

/* Changes $VISAGE_MODELS_DIR: runs in a child process, so that neither the
 * variable nor anything cached from it outlives the test, pass or fail. */
static void
test_find_dir (void)
{
  g_autofree char *tmp = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *dir = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  tmp = vs_test_make_tmpdir ();
  gone = g_build_filename (tmp, "missing", NULL);

  /* an override is returned as is, even when missing, so errors name it */
  dir = vs_models_find_dir (gone);
  g_assert_cmpstr (dir, ==, gone);
  g_clear_pointer (&dir, g_free);

  g_setenv ("VISAGE_MODELS_DIR", tmp, TRUE);
  dir = vs_models_find_dir (NULL);
  g_assert_cmpstr (dir, ==, tmp);
  g_clear_pointer (&dir, g_free);

  /* a missing $VISAGE_MODELS_DIR is still the one told: its error names it */
  g_setenv ("VISAGE_MODELS_DIR", gone, TRUE);
  dir = vs_models_find_dir ("");
  g_assert_cmpstr (dir, ==, gone);
  g_clear_pointer (&dir, g_free);

  /* untold, only the installed folder: never a build tree */
  g_unsetenv ("VISAGE_MODELS_DIR");
  dir = vs_models_find_dir (NULL);
  g_assert_cmpstr (dir, ==, VS_INSTALLED_MODELS_DIR);
  g_clear_pointer (&dir, g_free);
}

/* README: "missing data or models fail the tests, with a message saying
 * where to get them". */
static void
test_missing_test_data (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *missing = g_build_filename (g_get_home_dir (), "no-faces-here", NULL);

      g_setenv ("VISAGE_TEST_DATA", missing, TRUE);
      vs_test_data_dir ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*no-faces-here*");
  g_test_trap_assert_stderr ("*../shared/faces*$VISAGE_TEST_DATA*");
}

/* The isolation guard: a path in the user's real home aborts the test;
 * the test's own folders do not. */
static void
test_real_home_guard (void)
{
  const struct passwd *pw = getpwuid (getuid ());

  g_assert_nonnull (pw);
  vs_test_assert_not_in_real_home (g_get_user_data_dir ());
  if (g_test_subprocess ())
    {
      g_autofree char *real = g_build_filename (pw->pw_dir, ".local", "share", "visage", "visage.db", NULL);
      vs_test_assert_not_in_real_home (real);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*in the real home folder*");
}

int
main (int   argc,
      char *argv[])
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/models/manifest", test_manifest);
  g_test_add_func ("/models/readme-thresholds", test_readme_thresholds);
  g_test_add_func ("/models/locate/real", test_locate_real);
  g_test_add_func ("/models/locate/missing", test_locate_missing);
  g_test_add_func ("/models/locate/truncated", test_locate_truncated);
  g_test_add_func ("/models/locate/wrong-bytes", test_locate_wrong_bytes);
  g_test_add_func ("/models/locate/threads", test_locate_threads);
  g_test_add_func ("/models/find-dir", test_find_dir);
  g_test_add_func ("/models/missing-test-data", test_missing_test_data);
  g_test_add_func ("/models/real-home-guard", test_real_home_guard);

  return g_test_run ();
}

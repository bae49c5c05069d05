#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "vs-test-util.h"

const char *
vs_test_data_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *env = g_getenv ("VISAGE_TEST_DATA");
      g_autofree char *beside = g_build_filename (VS_SOURCE_ROOT, "..", "shared", "faces", NULL);
      g_autofree char *pairs = NULL;

      if (env != NULL && *env != '\0')
        dir = g_strdup (env);
      else
        dir = g_canonicalize_filename (beside, NULL);

      pairs = g_build_filename (dir, "pairs.txt", NULL);
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || !g_file_test (pairs, G_FILE_TEST_EXISTS))
        g_error ("Test data not found in “%s”. The tests need the shared face data "
                 "(LFW with pairs.txt, groups/, negatives/, video/): put it in "
                 "../shared/faces beside the checkout or point $VISAGE_TEST_DATA at it.",
                 dir);
    }
  return dir;
}

char *
vs_test_data_path (const char *relative)
{
  char *path = g_build_filename (vs_test_data_dir (), relative, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_error ("Test data file “%s” is missing from %s", relative, vs_test_data_dir ());
  return path;
}

char *
vs_test_lfw_path (const char *person,
                  guint       number)
{
  g_autofree char *relative = g_strdup_printf ("lfw/%s/%s_%04u.jpg", person, person, number);

  return vs_test_data_path (relative);
}

void
vs_test_copy_lfw (const char *dir,
                  const char *person,
                  guint       first,
                  guint       last)
{
  for (guint n = first; n <= last; n++)
    {
      g_autofree char *src = vs_test_lfw_path (person, n);
      g_autofree char *base = g_path_get_basename (src);
      g_autofree char *dst = g_build_filename (dir, base, NULL);
      g_autofree char *contents = NULL;
      gsize len;
      g_autoptr(GError) error = NULL;

      g_file_get_contents (src, &contents, &len, &error);
      g_assert_no_error (error);
      g_file_set_contents (dst, contents, len, &error);
      g_assert_no_error (error);
    }
}

const char *
vs_test_models_dir (void)
{
  const char *dir = g_getenv ("VISAGE_MODELS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_error ("No models folder (“%s”): build the project first, it fetches the models "
             "into the build tree (models/fetch)", dir ? dir : "$VISAGE_MODELS_DIR unset");
  return dir;
}

static GPtrArray *tmpdirs;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
remove_tmpdirs (void)
{
  for (guint i = 0; tmpdirs != NULL && i < tmpdirs->len; i++)
    remove_tree (g_ptr_array_index (tmpdirs, i));
}

char *
vs_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("visage-test-XXXXXX", &error);

  g_assert_no_error (error);
  if (tmpdirs == NULL)
    {
      tmpdirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_tmpdirs);
    }
  g_ptr_array_add (tmpdirs, g_strdup (dir));
  return dir;
}

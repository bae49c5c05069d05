/* test-layers.c: the layers hold in the built programs (issue 11):
 * visage-cli is a headless program and loads no GTK, Pango or Cairo, not
 * even through a library it links; the app does (so the check can see
 * them). ldd lists the whole tree of shared libraries, as the loader
 * resolves it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "vs-test-util.h"

/* The sonames ldd resolved for program, one per element. */
static GPtrArray *
shared_libraries (const char *program)
{
  const char *argv[] = { "ldd", program, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *libs = g_ptr_array_new_with_free_func (g_free);
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      char *end = strpbrk (line, " \t");

      if (*line == '\0')
        continue;
      /* A library that is not found would hide what it pulls in. */
      g_assert_null (strstr (line, "not found"));
      if (end != NULL)
        *end = '\0';
      g_ptr_array_add (libs, g_path_get_basename (line));
    }
  return libs;
}

static gboolean
has_library (GPtrArray  *libs,
             const char *prefix)
{
  for (guint i = 0; i < libs->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (libs, i), prefix))
      return TRUE;
  return FALSE;
}

static const char * const toolkit[] = {
  "libgtk-4", "libadwaita-1", "libpango", "libcairo", "libgraphene", "libharfbuzz",
};

static void
test_cli_links_no_toolkit (void)
{
  const char *cli = g_getenv ("VISAGE_CLI");
  g_autoptr(GPtrArray) libs = NULL;

  g_assert_nonnull (cli);
  libs = shared_libraries (cli);
  for (guint i = 0; i < libs->len; i++)
    g_test_message ("visage-cli needs %s", (const char *) g_ptr_array_index (libs, i));

  /* What it does need: the list is real. */
  g_assert_true (has_library (libs, "libglib-2.0"));
  g_assert_true (has_library (libs, "libgstreamer-1.0"));
  g_assert_true (has_library (libs, "libsqlite3"));
  /* Decoding pictures is allowed; it must not drag the toolkit in. */
  g_assert_true (has_library (libs, "libgdk_pixbuf-2.0"));

  for (guint i = 0; i < G_N_ELEMENTS (toolkit); i++)
    if (has_library (libs, toolkit[i]))
      g_error ("visage-cli loads %s: a GTK dependency leaked below src/app", toolkit[i]);
}

/* The same check sees GTK where it is: in the app. */
static void
test_app_links_toolkit (void)
{
  const char *app = g_getenv ("VISAGE_APP");
  g_autoptr(GPtrArray) libs = NULL;

  g_assert_nonnull (app);
  libs = shared_libraries (app);
  g_assert_true (has_library (libs, "libgtk-4"));
  g_assert_true (has_library (libs, "libpango"));
  g_assert_true (has_library (libs, "libcairo"));
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/layers/cli-links-no-toolkit", test_cli_links_no_toolkit);
  g_test_add_func ("/layers/app-links-toolkit", test_app_links_toolkit);

  return g_test_run ();
}

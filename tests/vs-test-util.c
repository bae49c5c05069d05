#include "config.h"

#include <glib/gstdio.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-test-util.h"

/* The process's private folder (per-test isolated folders and
 * vs_test_make_tmpdir folders live in it), and whether this process made it
 * and so removes it. */
static char *test_root;
static gboolean owns_test_root;
/* The same path in a static buffer: the signal handler may not allocate. */
static char test_root_for_signal[PATH_MAX];
/* The real home folders, before isolation ($HOME and the passwd entry). */
static char *real_homes[2];

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

char *
vs_test_source_path (const char *relative)
{
  char *path = g_build_filename (VS_SOURCE_ROOT, relative, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_error ("“%s” is missing from the source tree %s", relative, VS_SOURCE_ROOT);
  return path;
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

/* Tests may leave read-only folders behind (they test unwritable targets). */
static void
make_writable (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return;
  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      make_writable (child);
    }
}

static void
remove_test_root (void)
{
  if (owns_test_root && test_root != NULL)
    {
      make_writable (test_root);
      remove_tree (test_root);
    }
}

/* fork and execve are async-signal-safe; nothing else here allocates. */
static void
remove_test_root_and_die (int signum)
{
  pid_t pid = fork ();

  if (pid == 0)
    {
      /* chmod first: rm cannot descend into a folder left read-only. */
      execl ("/bin/sh", "sh", "-c", "chmod -R u+rwx \"$0\" 2>/dev/null; rm -rf \"$0\"",
             test_root_for_signal, (char *) NULL);
      _exit (127);
    }
  if (pid > 0)
    waitpid (pid, NULL, 0);
  signal (signum, SIG_DFL);
  raise (signum);
}

static gboolean
is_inside (const char *path,
           const char *folder)
{
  gsize n = strlen (folder);

  return folder[0] != '\0' && strncmp (path, folder, n) == 0 &&
         (path[n] == '/' || path[n] == '\0');
}

void
vs_test_assert_not_in_real_home (const char *path)
{
  g_autofree char *canonical = NULL;

  g_assert_nonnull (test_root);   /* vs_test_init first */
  canonical = g_canonicalize_filename (path, NULL);
  if (is_inside (canonical, test_root))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (real_homes); i++)
    if (real_homes[i] != NULL && strcmp (real_homes[i], "/") != 0 && is_inside (canonical, real_homes[i]))
      g_error ("Test %s reached “%s” in the real home folder %s: tests may only use "
               "their own temporary folders", g_test_get_path (), canonical, real_homes[i]);
}

/* Every folder the code under test resolves by default must be this test's. */
static void
assert_isolated (void)
{
  const char *resolved[] = {
    g_get_home_dir (), g_get_user_data_dir (), g_get_user_config_dir (),
    g_get_user_cache_dir (), g_get_user_state_dir (), g_get_user_runtime_dir (),
    g_getenv ("HOME"), g_getenv ("XDG_DATA_HOME"), g_getenv ("XDG_CONFIG_HOME"),
    g_getenv ("XDG_CACHE_HOME"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (resolved); i++)
    {
      g_autofree char *canonical = NULL;

      if (resolved[i] == NULL)
        g_error ("Test %s runs without its own folders: use vs_test_init", g_test_get_path ());
      canonical = g_canonicalize_filename (resolved[i], NULL);
      vs_test_assert_not_in_real_home (canonical);
      if (!is_inside (canonical, test_root))
        g_error ("Test %s would use “%s”, outside its own folders in %s",
                 g_test_get_path (), canonical, test_root);
    }
}

/* GLib 2.74 gives the test its folders in-process only (g_set_user_dirs):
 * the environment still names the real ones, and a program the test runs
 * (visage-cli) would use them. */
static void
export_isolated_dirs (void)
{
  g_setenv ("HOME", g_get_home_dir (), TRUE);
  g_setenv ("XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_setenv ("XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_setenv ("XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_setenv ("XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  g_setenv ("XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
}

static void
run_isolated (gconstpointer data)
{
  GTestFunc test_func = (GTestFunc) data;

  export_isolated_dirs ();
  assert_isolated ();
  test_func ();
}

#undef g_test_add_func
void
vs_test_add_func (const char *testpath,
                  GTestFunc   test_func)
{
  g_test_add_data_func (testpath, (gconstpointer) test_func, run_isolated);
}

void
vs_test_init (int    *argc,
              char ***argv)
{
  static const int fatal_signals[] = { SIGABRT, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                                       SIGTERM, SIGINT, SIGHUP };
  const struct passwd *pw = getpwuid (getuid ());
  const char *inherited = g_getenv ("G_TEST_TMPDIR");

  real_homes[0] = g_canonicalize_filename (g_getenv ("HOME") ? g_getenv ("HOME") : "/", NULL);
  real_homes[1] = g_canonicalize_filename (pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/", NULL);

  /* A g_test_trap_subprocess child shares its parent's folder. */
  if (inherited != NULL && *inherited != '\0')
    test_root = g_canonicalize_filename (inherited, NULL);
  else
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *made = g_dir_make_tmp ("visage-test-XXXXXX", &error);

      g_assert_no_error (error);
      test_root = g_canonicalize_filename (made, NULL);
      owns_test_root = TRUE;
      g_strlcpy (test_root_for_signal, test_root, sizeof test_root_for_signal);
      atexit (remove_test_root);
      for (guint i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
        signal (fatal_signals[i], remove_test_root_and_die);
      /* GLib puts each test's HOME and XDG folders in here. */
      g_setenv ("G_TEST_TMPDIR", test_root, TRUE);
    }

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

void
vs_test_run_main_context_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

char *
vs_test_make_tmpdir (void)
{
  g_autofree char *template = NULL;
  char *dir;

  if (test_root == NULL)
    g_error ("vs_test_make_tmpdir: call vs_test_init first");
  template = g_build_filename (test_root, "tmp-XXXXXX", NULL);
  dir = g_mkdtemp_full (g_steal_pointer (&template), 0700);
  g_assert_nonnull (dir);
  return dir;
}

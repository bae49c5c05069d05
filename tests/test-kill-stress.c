/* test-kill-stress.c: visage-cli killed at every sync and at random moments
 * during import, reembed and people delete, and five processes on one
 * database at once. Suite `stress`.
 *
 * After every kill: the database opens, passes SQLite's integrity check,
 * and every change is all or nothing — an imported person has all their
 * samples or is absent (and import goes in name order, so the people present
 * are the first ones), a re-embedding is done for every sample or none,
 * people deleted together are all gone or all there. */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "vs-test-util.h"

static const char *cli;
static const char *preload;
static char *root_a;      /* people folders */
static char *root_b;
static char *template_db; /* root_a imported, closed */
static GHashTable *expected;   /* name → samples, from an import not killed */

static const char * const people_a[] = { "Colin_Powell", "Donald_Rumsfeld", "George_W_Bush" };
static const char * const people_b[] = { "Gerhard_Schroeder", "Tony_Blair" };

/* ── running visage-cli ─────────────────────────────────────────────── */

typedef struct {
  gboolean killed;
  int      status;
  char    *out;
  char    *err;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

static GSubprocess *
spawn (int          kill_at_sync,
       const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  if (kill_at_sync > 0)
    {
      g_autofree char *n = g_strdup_printf ("%d", kill_at_sync);
      g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", preload, TRUE);
      g_subprocess_launcher_setenv (launcher, "VISAGE_KILL_AT_SYNC", n, TRUE);
    }
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return proc;
}

static void
finish (GSubprocess *proc,
        Run         *r)
{
  g_autoptr(GError) error = NULL;

  run_clear (r);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->killed = g_subprocess_get_if_signaled (proc);
  if (r->killed)
    g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
  else
    r->status = g_subprocess_get_exit_status (proc);
}

/* visage-cli ARGS…, killed at its Nth sync when kill_at_sync > 0. */
static void
run_cli (Run        *r,
         int         kill_at_sync,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) cli);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = spawn (kill_at_sync, (const char * const *) argv->pdata);
  finish (proc, r);
}

typedef struct {
  GSubprocess *proc;
  guint        delay_ms;
} Killer;

static gpointer
kill_later (gpointer data)
{
  Killer *k = data;

  g_usleep ((gulong) k->delay_ms * 1000);
  /* A no-op once the process has exited. */
  g_subprocess_send_signal (k->proc, SIGKILL);
  return NULL;
}

/* Starts visage-cli and kills it after delay_ms (if still running). */
static void
run_cli_killed_after (Run                 *r,
                      guint                delay_ms,
                      const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  Killer killer;
  GThread *thread;

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = spawn (0, (const char * const *) argv->pdata);
  killer.proc = proc;
  killer.delay_ms = delay_ms;
  thread = g_thread_new ("killer", kill_later, &killer);
  finish (proc, r);
  g_thread_join (thread);
}

/* ── checking the database ──────────────────────────────────────────── */

static void
assert_integrity (const char *db)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (conn, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
}

static gint64
query (const char *db,
       const char *sql)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (conn, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
  return value;
}

/* name → n_samples, through `people list --json` (a Visage process that
 * opens the database after the kill, as a user would). */
static GHashTable *
list_people (const char *db)
{
  GHashTable *people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Run r = { 0 };
  JsonArray *array;

  run_cli (&r, 0, "people", "list", "--json", "--db", db, NULL);
  g_assert_false (r.killed);
  if (r.status == 5 && strstr (r.err, "older version") != NULL)
    {
      /* Killed between two schema migrations of a new database: a
       * read-only command does not finish them (it writes nothing, and says
       * how to upgrade). What is there is what was: nobody. */
      g_assert_cmpint (query (db, "SELECT count(*) FROM people"), ==, 0);
      run_clear (&r);
      return people;
    }
  if (r.status != 0)
    g_error ("people list failed (%d): %s", r.status, r.err);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "people");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *p = json_array_get_object_element (array, i);
      g_hash_table_insert (people, g_strdup (json_object_get_string_member (p, "name")),
                           GINT_TO_POINTER ((int) json_object_get_int_member (p, "samples")));
    }
  run_clear (&r);
  return people;
}

static char *
display_name (const char *folder)
{
  return g_strdelimit (g_strdup (folder), "_", ' ');
}

/* After a killed import of root_a: the people present are the first ones in
 * name order, each with all their samples. */
static void
assert_import_all_or_nothing (const char *db)
{
  g_autoptr(GHashTable) people = NULL;
  gboolean gap = FALSE;

  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    return;   /* killed before the database was made */
  people = list_people (db);
  assert_integrity (db);
  for (guint i = 0; i < G_N_ELEMENTS (people_a); i++)
    {
      g_autofree char *name = display_name (people_a[i]);
      gpointer n;

      if (!g_hash_table_lookup_extended (people, name, NULL, &n))
        {
          gap = TRUE;
          continue;
        }
      g_assert_false (gap);
      g_assert_cmpint (GPOINTER_TO_INT (n), ==, GPOINTER_TO_INT (g_hash_table_lookup (expected, name)));
    }
}

static char *
copy_template (const char *dir)
{
  g_autofree char *contents = NULL;
  gsize len;
  char *db = g_build_filename (dir, "visage.db", NULL);

  g_assert_true (g_file_get_contents (template_db, &contents, &len, NULL));
  g_assert_true (g_file_set_contents_full (db, contents, len, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  return db;
}

static void
assert_reembed_all_or_nothing (const char *db)
{
  g_autoptr(GHashTable) people = NULL;

  people = list_people (db);
  assert_integrity (db);
  g_assert_cmpuint (g_hash_table_size (people), ==, G_N_ELEMENTS (people_a));
  g_assert_cmpint (query (db, "SELECT count(DISTINCT embedder) FROM samples"), ==, 1);
}

static gint64 delete_ids[2];

static void
assert_delete_all_or_nothing (const char *db)
{
  g_autoptr(GHashTable) people = NULL;
  guint n;

  people = list_people (db);
  assert_integrity (db);
  n = g_hash_table_size (people);
  g_assert_true (n == G_N_ELEMENTS (people_a) || n == G_N_ELEMENTS (people_a) - 2);
  g_assert_cmpint (query (db, "SELECT count(*) FROM samples WHERE person_id NOT IN (SELECT id FROM people)"), ==, 0);
}

/* ── kills at every sync ────────────────────────────────────────────── */

typedef enum { OP_IMPORT, OP_REEMBED, OP_DELETE } Op;

static void
op_argv (Op          op,
         const char *db,
         GPtrArray  *argv)
{
  static char id_a[32], id_b[32];

  switch (op)
    {
    case OP_IMPORT:
      g_ptr_array_add (argv, "import");
      g_ptr_array_add (argv, "--db");
      g_ptr_array_add (argv, (gpointer) db);
      g_ptr_array_add (argv, root_a);
      break;
    case OP_REEMBED:
      g_ptr_array_add (argv, "reembed");
      g_ptr_array_add (argv, "--embedder");
      g_ptr_array_add (argv, "mobilefacenet_foamliu");
      g_ptr_array_add (argv, "--db");
      g_ptr_array_add (argv, (gpointer) db);
      break;
    case OP_DELETE:
      g_snprintf (id_a, sizeof id_a, "%" G_GINT64_FORMAT, delete_ids[0]);
      g_snprintf (id_b, sizeof id_b, "%" G_GINT64_FORMAT, delete_ids[1]);
      g_ptr_array_add (argv, "people");
      g_ptr_array_add (argv, "delete");
      g_ptr_array_add (argv, id_a);
      g_ptr_array_add (argv, id_b);
      g_ptr_array_add (argv, "--db");
      g_ptr_array_add (argv, (gpointer) db);
      break;
    }
  g_ptr_array_add (argv, NULL);
}

static void
check_after (Op          op,
             const char *db)
{
  switch (op)
    {
    case OP_IMPORT: assert_import_all_or_nothing (db); break;
    case OP_REEMBED: assert_reembed_all_or_nothing (db); break;
    case OP_DELETE: assert_delete_all_or_nothing (db); break;
    }
}

static void
test_kill_at_every_sync (gconstpointer data)
{
  Op op = GPOINTER_TO_INT (data);
  guint kills = 0;

  for (int at = 1;; at++)
    {
      g_autofree char *dir = vs_test_make_tmpdir ();
      g_autofree char *db = op == OP_IMPORT ? g_build_filename (dir, "visage.db", NULL)
                                            : copy_template (dir);
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(GSubprocess) proc = NULL;
      Run r = { 0 };

      g_ptr_array_add (argv, (gpointer) cli);
      op_argv (op, db, argv);
      proc = spawn (at, (const char * const *) argv->pdata);
      finish (proc, &r);
      if (!r.killed)
        {
          if (r.status != 0)
            g_error ("exit %d without a kill: %s", r.status, r.err);
          g_test_message ("%u kills, one at each of the %d syncs; then it finished", kills, at - 1);
          run_clear (&r);
          break;
        }
      kills++;
      g_debug ("killed at sync %d", at);
      check_after (op, db);
      run_clear (&r);
    }
  g_assert_cmpuint (kills, >=, 2);
}

/* ── kills at random moments ────────────────────────────────────────── */

static void
test_kill_at_random (gconstpointer data)
{
  Op op = GPOINTER_TO_INT (data);
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = op == OP_IMPORT ? g_build_filename (dir, "visage.db", NULL) : copy_template (dir);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  gint64 start;
  guint full_ms, kills = 0;
  Run r = { 0 };

  /* How long the whole run takes here, now. */
  op_argv (op, db, argv);
  start = g_get_monotonic_time ();
  {
    g_autoptr(GSubprocess) proc = NULL;
    g_ptr_array_insert (argv, 0, (gpointer) cli);
    proc = spawn (0, (const char * const *) argv->pdata);
    finish (proc, &r);
  }
  g_assert_false (r.killed);
  full_ms = (guint) ((g_get_monotonic_time () - start) / 1000);
  run_clear (&r);

  for (guint round = 0; round < 12; round++)
    {
      g_autofree char *rdir = vs_test_make_tmpdir ();
      g_autofree char *rdb = op == OP_IMPORT ? g_build_filename (rdir, "visage.db", NULL) : copy_template (rdir);
      g_autoptr(GPtrArray) rargv = g_ptr_array_new ();
      guint delay = g_test_rand_int_range (1, (gint32) full_ms + 1);

      op_argv (op, rdb, rargv);
      run_cli_killed_after (&r, delay, (const char * const *) rargv->pdata);
      if (r.killed)
        kills++;
      check_after (op, rdb);
      run_clear (&r);
    }
  g_test_message ("12 runs killed at random within %u ms: %u kills landed", full_ms, kills);
  g_assert_cmpuint (kills, >=, 6);
}

/* ── five processes at once ─────────────────────────────────────────── */

static void
test_concurrent (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = copy_template (dir);
  g_autofree char *video = vs_test_data_path ("video/street.mp4");
  g_autofree char *source = g_strconcat ("file:", video, NULL);
  g_autofree char *renamer = g_strdup_printf (
    "for i in $(seq 1 15); do \"%s\" people rename %" G_GINT64_FORMAT " \"Name $i\" --db \"%s\" || exit 9; done",
    cli, delete_ids[0], db);
  g_autofree char *reader = g_strdup_printf (
    "for i in $(seq 1 30); do \"%s\" people list --json --db \"%s\" >/dev/null || exit 9; done", cli, db);
  const char *import_a[] = { cli, "import", "--db", db, root_b, NULL };
  g_autofree char *root_b2 = g_build_filename (dir, "more", NULL);
  const char *import_b[] = { cli, "enroll", "--name", "Second Writer", "--db", db, NULL, NULL };
  const char *rename_argv[] = { "/bin/sh", "-c", renamer, NULL };
  const char *read_argv[] = { "/bin/sh", "-c", reader, NULL };
  const char *watch_argv[] = { cli, "watch", "--fast", "--max-frames", "100", "--db", db, source, NULL };
  g_autofree char *picture = vs_test_lfw_path ("Tony_Blair", 2);
  GSubprocess *procs[5];
  const char *names[] = { "import", "enroll", "renamer", "reader", "watch" };
  g_autoptr(GHashTable) people = NULL;

  import_b[6] = picture;
  procs[0] = spawn (0, import_a);
  procs[1] = spawn (0, import_b);
  procs[2] = spawn (0, rename_argv);
  procs[3] = spawn (0, read_argv);
  procs[4] = spawn (0, watch_argv);
  for (guint i = 0; i < G_N_ELEMENTS (procs); i++)
    {
      Run r = { 0 };

      finish (procs[i], &r);
      g_test_message ("%s: exit %d", names[i], r.status);
      g_assert_false (r.killed);
      if (r.status != 0)
        g_error ("%s exited %d: %s", names[i], r.status, r.err);
      g_assert_null (strstr (r.err, "locked"));
      g_assert_null (strstr (r.err, "busy"));
      run_clear (&r);
      g_object_unref (procs[i]);
    }

  people = list_people (db);
  assert_integrity (db);
  g_assert_true (g_hash_table_contains (people, "Name 15"));
  g_assert_true (g_hash_table_contains (people, "Second Writer"));
  for (guint i = 0; i < G_N_ELEMENTS (people_b); i++)
    {
      g_autofree char *name = display_name (people_b[i]);
      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (people, name)), >, 0);
    }
  g_assert_cmpuint (g_hash_table_size (people), ==, G_N_ELEMENTS (people_a) + G_N_ELEMENTS (people_b) + 1);
}

/* ── set-up ─────────────────────────────────────────────────────────── */

static char *
make_root (const char         *parent,
           const char         *name,
           const char * const *people,
           guint               n)
{
  char *root = g_build_filename (parent, name, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dir = g_build_filename (root, people[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      for (guint k = 2; k <= 5; k++)
        {
          g_autofree char *target = vs_test_lfw_path (people[i], k);
          g_autofree char *base = g_path_get_basename (target);
          g_autofree char *link = g_build_filename (dir, base, NULL);
          g_assert_cmpint (symlink (target, link), ==, 0);
        }
    }
  return root;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr(GHashTable) people = NULL;
  Run r = { 0 };

  vs_test_init (&argc, &argv);
  cli = g_getenv ("VISAGE_CLI");
  preload = g_getenv ("VISAGE_KILL_AT_SYNC_LIB");
  g_assert_nonnull (cli);
  g_assert_nonnull (preload);

  dir = vs_test_make_tmpdir ();
  root_a = make_root (dir, "a", people_a, G_N_ELEMENTS (people_a));
  root_b = make_root (dir, "b", people_b, G_N_ELEMENTS (people_b));
  template_db = g_build_filename (dir, "template.db", NULL);
  run_cli (&r, 0, "import", "--db", template_db, root_a, NULL);
  g_assert_false (r.killed);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  people = list_people (template_db);
  expected = g_hash_table_ref (people);
  g_assert_cmpuint (g_hash_table_size (expected), ==, G_N_ELEMENTS (people_a));
  delete_ids[0] = query (template_db, "SELECT min(id) FROM people");
  delete_ids[1] = query (template_db, "SELECT max(id) FROM people");

  g_test_add_data_func ("/kill/import/every-sync", GINT_TO_POINTER (OP_IMPORT), test_kill_at_every_sync);
  g_test_add_data_func ("/kill/reembed/every-sync", GINT_TO_POINTER (OP_REEMBED), test_kill_at_every_sync);
  g_test_add_data_func ("/kill/delete/every-sync", GINT_TO_POINTER (OP_DELETE), test_kill_at_every_sync);
  g_test_add_data_func ("/kill/import/random", GINT_TO_POINTER (OP_IMPORT), test_kill_at_random);
  g_test_add_data_func ("/kill/reembed/random", GINT_TO_POINTER (OP_REEMBED), test_kill_at_random);
  g_test_add_data_func ("/kill/delete/random", GINT_TO_POINTER (OP_DELETE), test_kill_at_random);
  g_test_add_func ("/concurrent/writers-renamer-reader-watcher", test_concurrent);
  return g_test_run ();
}

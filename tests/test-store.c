/* test-store.c: the store: schema, transactions, names, permissions,
 * secure deletion, concurrency. The same tests run on SQLite and, with
 * VISAGE_TEST_STORE_BACKEND=postgresql under tests/with-postgres, on a
 * private PostgreSQL server (the file-only ones are left out there). */
#include "config.h"

#include <math.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vs-store.h"
#include "vs-store-monitor.h"
#include "vs-store-pg.h"
#include "vs-store-private.h"
#include "vs-test-pg.h"
#include "vs-test-util.h"

#define DIM 128

/* ---- helpers ---------------------------------------------------------- */

static char *
new_db_path (void)
{
  if (vs_test_pg_enabled ())
    return vs_test_pg_new_database ();

  g_autofree char *dir = vs_test_make_tmpdir ();
  return g_build_filename (dir, "visage.db", NULL);
}

static void
random_unit (float *v,
             guint  dim)
{
  double sum = 0;

  for (guint i = 0; i < dim; i++)
    {
      v[i] = (float) g_test_rand_double_range (-1.0, 1.0);
      sum += v[i] * v[i];
    }
  for (guint i = 0; i < dim; i++)
    v[i] /= (float) sqrt (sum);
}

/* A sample with a random embedding and a random “crop” large enough to
 * need SQLite overflow pages (the store never decodes it). */
static VsSample *
make_sample (const char *embedder,
             guint       dim)
{
  g_autofree float *v = g_new (float, dim);
  g_autoptr(GBytes) crop = NULL;
  guint8 *bytes = g_malloc (6000);

  random_unit (v, dim);
  memcpy (bytes, "\x89PNG\r\n\x1a\n", 8);
  for (guint i = 8; i < 6000; i++)
    bytes[i] = g_test_rand_int_range (0, 256);
  crop = g_bytes_new_take (bytes, 6000);
  return vs_sample_new (embedder, v, dim, 0.9, crop, "test");
}

static GPtrArray *
make_samples (const char *embedder,
              guint       dim,
              guint       n)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (samples, make_sample (embedder, dim));
  return samples;
}

/* Reads a number straight from the file with a separate SQLite connection. */
static gint64
raw_query (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (vs_store_pg_is_conninfo (path))
    return vs_test_pg_query (path, sql);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  if (vs_store_pg_is_conninfo (path))
    {
      vs_test_pg_exec (path, sql);
      return;
    }
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gboolean
bytes_contain (const guint8 *haystack,
               gsize         len,
               const guint8 *needle,
               gsize         needle_len)
{
  for (gsize i = 0; i + needle_len <= len; i++)
    if (haystack[i] == needle[0] && memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

/* Whether the exact bytes occur in the database or any of its side files. */
static gboolean
files_contain (const char *path,
               const void *needle,
               gsize       needle_len)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_test (file, G_FILE_TEST_EXISTS))
        continue;
      g_assert_true (g_file_get_contents (file, &contents, &len, NULL));
      if (bytes_contain ((const guint8 *) contents, len, needle, needle_len))
        return TRUE;
    }
  return FALSE;
}

static VsStore *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  VsStore *store = vs_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static gint64
add_ok (VsStore    *store,
        gint64      person_id,
        const char *name,
        GPtrArray  *samples)
{
  g_autoptr(GError) error = NULL;
  gint64 id = vs_store_add_samples (store, person_id, name, samples, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* ---- tests ------------------------------------------------------------ */

static void
test_store_open_reopen (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GPtrArray) samples = make_samples ("sface", DIM, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  VsStore *store = open_ok (path);
  gint64 id;

  g_assert_cmpstr (vs_store_get_path (store), ==, path);
  g_assert_true (vs_test_pg_enabled () || g_file_test (path, G_FILE_TEST_IS_REGULAR));
  id = add_ok (store, 0, "Ada Lovelace", samples);
  /* The samples learnt their ids. */
  for (guint i = 0; i < samples->len; i++)
    {
      VsSample *s = g_ptr_array_index (samples, i);
      g_assert_cmpint (s->id, >, 0);
      g_assert_cmpint (s->person_id, ==, id);
    }
  g_object_unref (store);

  store = open_ok (path);
  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 1);
  g_assert_cmpstr (((VsPerson *) people->pdata[0])->name, ==, "Ada Lovelace");
  g_assert_cmpuint (((VsPerson *) people->pdata[0])->n_samples, ==, 3);
  g_assert_cmpint (((VsPerson *) people->pdata[0])->created, >, 1600000000);

  stored = vs_store_list_samples (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      VsSample *a = g_ptr_array_index (samples, i);
      VsSample *b = g_ptr_array_index (stored, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpstr (b->embedder, ==, "sface");
      g_assert_cmpuint (b->dim, ==, DIM);
      g_assert_cmpmem (a->embedding, DIM * sizeof (float), b->embedding, DIM * sizeof (float));
      g_assert_true (g_bytes_equal (a->crop, b->crop));
      g_assert_cmpstr (b->source, ==, "test");
      g_assert_cmpfloat_with_epsilon (b->quality, 0.9, 1e-9);
    }
  g_object_unref (store);
}

static void
test_store_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "visage", "visage.db", NULL);
  g_autofree char *path = vs_store_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;

  g_assert_cmpstr (path, ==, expected);
  /* G_TEST_OPTION_ISOLATE_DIRS: this is a throwaway data dir. */
  store = vs_store_open (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_store_get_path (store), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
}

static void
test_store_migrate_empty_file (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;

  /* A zero-byte file is an SQLite database at version 0. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  store = vs_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_query (path, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('people','samples','events','generation')"), ==, 4);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), ==, 1);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'samples'"), ==, 2);
  g_clear_object (&store);

  /* Opening again does not migrate twice. */
  store = vs_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_query (path, "PRAGMA user_version"), ==, 2);
}

static void
test_store_newer_schema (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  VsStore *store = open_ok (path);

  g_object_unref (store);
  raw_exec (path, vs_test_pg_enabled () ? "UPDATE schema_version SET version = 999"
                                        : "PRAGMA user_version = 999");

  store = vs_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA);
  g_test_message ("newer schema: %s", error->message);
  g_assert_nonnull (strstr (error->message, "newer version of Visage"));
  /* Refused, not touched. */
  g_assert_cmpint (raw_query (path, vs_test_pg_enabled () ? "SELECT version FROM schema_version"
                                                          : "PRAGMA user_version"), ==, 999);
}

/* A negative schema version (the field is signed; the fuzzer found one):
 * refused as damaged, with an error, and left as it was. */
static void
test_store_negative_schema (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  VsStore *store = open_ok (path);

  g_object_unref (store);
  raw_exec (path, "PRAGMA user_version = -5");

  store = vs_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA);
  g_test_message ("negative schema: %s", error->message);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_cmpint (raw_query (path, "PRAGMA user_version"), ==, -5);
}

static void
test_store_not_a_database (void)
{
  g_autofree char *path = new_db_path ();
  g_autofree char *foreign = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  VsStore *store;

  for (guint i = 0; i < 200; i++)
    g_string_append (text, "This is a shopping list, not a database.\n");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  store = vs_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA);
  g_test_message ("text file: %s", error->message);
  g_assert_nonnull (strstr (error->message, "not a Visage database"));
  g_clear_error (&error);

  /* Someone else's SQLite database is not migrated into ours. */
  raw_exec (foreign, "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)");
  store = vs_store_open (foreign, &error);
  g_assert_null (store);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA);
  g_test_message ("foreign database: %s", error->message);
  g_assert_cmpint (raw_query (foreign, "SELECT count(*) FROM sqlite_schema WHERE name = 'people'"), ==, 0);
  g_clear_error (&error);

  /* A folder where the file should be. */
  g_clear_pointer (&path, g_free);
  path = vs_test_make_tmpdir ();
  store = vs_store_open (path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_true (error->domain == VS_STORE_ERROR);
}

static void
test_store_add_is_atomic (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GPtrArray) bad = make_samples ("sface", DIM, 3);
  g_autoptr(GPtrArray) good = make_samples ("sface", DIM, 2);
  g_autoptr(GPtrArray) wrong_dim = make_samples ("sface", 64, 1);
  VsSample *no_embedding;
  gint64 id;

  /* The last of three samples has the wrong dimension. */
  vs_sample_free (g_ptr_array_steal_index (bad, 2));
  g_ptr_array_add (bad, make_sample ("sface", 64));
  g_assert_cmpint (vs_store_add_samples (store, 0, "Grace Hopper", bad, &error), ==, 0);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
  g_test_message ("dim mismatch: %s", error->message);
  g_clear_error (&error);
  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 0);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 0);
  g_assert_cmpint (((VsSample *) bad->pdata[0])->id, ==, 0);

  /* A NULL embedding. */
  no_embedding = make_sample ("sface", DIM);
  g_clear_pointer (&no_embedding->embedding, g_free);
  g_ptr_array_add (good, no_embedding);
  g_assert_cmpint (vs_store_add_samples (store, 0, "Grace Hopper", good, &error), ==, 0);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 0);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 0);

  /* Now stored properly; then a sample whose size contradicts the stored
   * ones of the same model leaves the person as they were. */
  vs_sample_free (g_ptr_array_steal_index (good, 2));
  id = add_ok (store, 0, "Grace Hopper", good);
  g_assert_cmpint (vs_store_add_samples (store, id, NULL, wrong_dim, &error), ==, 0);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 2);

  /* Another model may have its own size. */
  {
    g_autoptr(GPtrArray) other = make_samples ("other-model", 64, 1);
    g_assert_cmpint (add_ok (store, id, NULL, other), ==, id);
    g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 3);
  }

  /* Unknown person. */
  {
    g_autoptr(GPtrArray) more = make_samples ("sface", DIM, 1);
    g_assert_cmpint (vs_store_add_samples (store, 4242, NULL, more, &error), ==, 0);
    g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
    g_assert_cmpstr (error->message, ==, "No person with id 4242");
    g_clear_error (&error);
  }

  /* A bad name creates nothing. */
  {
    g_autoptr(GPtrArray) more = make_samples ("sface", DIM, 1);
    g_assert_cmpint (vs_store_add_samples (store, 0, "   ", more, &error), ==, 0);
    g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 1);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 3);
}

static void
test_store_reuse_by_name (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GPtrArray) s1 = make_samples ("sface", DIM, 1);
  g_autoptr(GPtrArray) s2 = make_samples ("sface", DIM, 2);
  g_autoptr(GPtrArray) s3 = make_samples ("sface", DIM, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPerson) found = NULL;
  g_autoptr(VsPerson) missing = NULL;
  gint64 a, b, c;

  a = add_ok (store, 0, "Ada Lovelace", s1);
  b = add_ok (store, 0, "  Ada   Lovelace\n", s2);
  g_assert_cmpint (a, ==, b);
  /* Case, accents and invisible characters do not make another person. */
  c = add_ok (store, 0, "ADA LOVEL\xc3\x81" "CE\xe2\x80\x8b", s3);   /* Á, U+200B */
  g_assert_cmpint (c, ==, a);

  found = vs_store_find_person_by_name (store, " ada lovelace ", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpint (found->id, ==, a);
  g_assert_cmpstr (found->name, ==, "Ada Lovelace");
  g_assert_cmpuint (found->n_samples, ==, 4);

  missing = vs_store_find_person_by_name (store, "Charles Babbage", &error);
  g_assert_no_error (error);
  g_assert_null (missing);
}

static void
test_store_cascade_delete (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GPtrArray) s1 = make_samples ("sface", DIM, 3);
  g_autoptr(GPtrArray) s2 = make_samples ("sface", DIM, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPerson) gone = NULL;
  gint64 a, b, ids[2];

  a = add_ok (store, 0, "Alice", s1);
  b = add_ok (store, 0, "Bob", s2);
  g_assert_true (vs_store_record_seen (store, a, 1700000000, &error));
  g_assert_true (vs_store_record_seen (store, a, 1700000100, &error));
  g_assert_true (vs_store_record_seen (store, b, 1700000200, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM events"), ==, 3);

  /* One unknown id cancels the whole deletion. */
  ids[0] = a;
  ids[1] = 999;
  g_assert_false (vs_store_delete_people (store, ids, 2, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No person with id 999");
  g_clear_error (&error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 2);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 5);

  g_assert_true (vs_store_delete_person (store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 1);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 2);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM events"), ==, 1);

  gone = vs_store_get_person (store, a, &error);
  g_assert_null (gone);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (vs_store_record_seen (store, a, 0, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (vs_store_list_samples (store, a, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Single samples. */
  g_assert_true (vs_store_delete_sample (store, ((VsSample *) s2->pdata[0])->id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 1);
  g_assert_false (vs_store_delete_sample (store, ((VsSample *) s2->pdata[0])->id, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Both ids listed twice still delete once. */
  ids[0] = b;
  ids[1] = b;
  g_assert_true (vs_store_delete_people (store, ids, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 0);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 0);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM events"), ==, 0);
}

static void
test_store_rename (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GPtrArray) s1 = make_samples ("sface", DIM, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPerson) person = NULL;
  gint64 id = add_ok (store, 0, "Alan Turing", s1);

  g_assert_true (vs_store_rename_person (store, id, "  Alan M. Turing ", &error));
  g_assert_no_error (error);
  person = vs_store_get_person (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person->name, ==, "Alan M. Turing");
  g_assert_cmpuint (person->n_samples, ==, 1);

  g_assert_false (vs_store_rename_person (store, id, "\t", &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vs_store_rename_person (store, id, "\xe2\x80\xae" "gniruT", &error));   /* U+202E */
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vs_store_rename_person (store, id + 100, "Someone", &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_pointer (&person, vs_person_free);
  person = vs_store_get_person (store, id, &error);
  g_assert_cmpstr (person->name, ==, "Alan M. Turing");
}

/* Two people cannot be renamed to names a desk cannot tell apart; renaming
 * a person to another spelling of their own name is fine. */
static void
test_store_rename_same_name (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GPtrArray) s1 = make_samples ("sface", DIM, 1);
  g_autoptr(GPtrArray) s2 = make_samples ("sface", DIM, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPerson) person = NULL;
  gint64 emile = add_ok (store, 0, "\xc3\x89mile Zola", s1);   /* Émile */
  gint64 other = add_ok (store, 0, "Someone Else", s2);

  g_assert_cmpint (emile, !=, other);
  g_assert_false (vs_store_rename_person (store, other, "EMILE ZOLA", &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "\xc3\x89mile Zola"));
  g_clear_error (&error);
  g_assert_false (vs_store_rename_person (store, other, "emile \xe2\x80\x8bzola", &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  person = vs_store_get_person (store, other, &error);
  g_assert_cmpstr (person->name, ==, "Someone Else");

  g_assert_true (vs_store_rename_person (store, emile, "Emile Zola", &error));
  g_assert_no_error (error);
}

/* The embedder is a property of the database: the one its samples use. */
static void
test_store_embedder (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GPtrArray) a = make_samples ("sface", DIM, 3);
  g_autoptr(GPtrArray) b = make_samples ("other", DIM, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *first = NULL;
  g_autofree char *mixed = NULL;

  none = vs_store_dup_embedder (store, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  add_ok (store, 0, "Ada", a);
  first = vs_store_dup_embedder (store, &error);
  g_assert_cmpstr (first, ==, "sface");

  /* One sample of another embedder does not move the database. */
  add_ok (store, 0, "Bob", b);
  mixed = vs_store_dup_embedder (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mixed, ==, "sface");
}

static void
expect_invalid_name (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = vs_person_name_normalize (name, &error);

  g_assert_null (normalized);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
}

static void
expect_name (const char *name,
             const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = vs_person_name_normalize (name, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, expected);
}

static void
test_store_names (void)
{
  g_autoptr(GString) longest = g_string_new (NULL);
  g_autoptr(GString) too_long = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg_name = NULL;

  expect_invalid_name (NULL);
  expect_invalid_name ("");
  expect_invalid_name ("   ");
  expect_invalid_name ("\t\n \r");
  expect_invalid_name ("\xc2\xa0\xe2\x80\x83");      /* no-break space, em space */
  expect_invalid_name ("Bad\xff" "UTF-8");
  expect_invalid_name ("Tab\tinside");
  expect_invalid_name ("New\nline");
  expect_invalid_name ("Bell\x07");
  expect_invalid_name ("C1\xc2\x85" "control");      /* U+0085 */
  expect_invalid_name ("\xe2\x80\x8b");                /* only U+200B */
  expect_invalid_name ("\xe2\x80\x8b \xe2\x80\x8b\xe2\x81\xa0");   /* U+200B, U+2060 */
  expect_invalid_name ("\xcc\x81");                    /* a lone combining accent */
  expect_invalid_name ("\xe2\x80\xae" "ecilA");        /* U+202E override */
  expect_invalid_name ("Al\xe2\x81\xa6" "ice");          /* U+2066 isolate */

  expect_name ("  Ada Lovelace  ", "Ada Lovelace");
  expect_name ("\xc2\xa0" "Ada\xe2\x80\x83Lovelace\n", "Ada Lovelace");
  expect_name ("Ada    Lovelace", "Ada Lovelace");
  expect_name ("X", "X");
  /* NFC: e + combining acute becomes é (U+00E9). */
  expect_name ("Jose\xcc\x81", "Jos\xc3\xa9");
  expect_name ("Zoë 李", "Zoë 李");

  /* 100 characters (of 2 bytes each) pass, 101 fail: characters, not bytes. */
  for (guint i = 0; i < VS_PERSON_NAME_MAX_CHARS; i++)
    g_string_append (longest, "é");
  expect_name (longest->str, longest->str);
  too_long = g_string_new (longest->str);
  g_string_append_c (too_long, 'x');
  expect_invalid_name (too_long->str);
  /* Combining marks count after NFC composition. */
  {
    g_autoptr(GString) decomposed = g_string_new (NULL);
    for (guint i = 0; i < VS_PERSON_NAME_MAX_CHARS; i++)
      g_string_append (decomposed, "e\xcc\x81");
    expect_name (decomposed->str, longest->str);
  }

  msg_name = vs_person_name_normalize ("", &error);
  g_assert_null (msg_name);
  g_assert_cmpstr (error->message, ==, "The name is empty");
}

static void
test_store_list_people (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = NULL;
  const char *names[] = { "zoe", "Bob", "alice", "Émile", "Carl", "Bobby" };
  const char *sorted[] = { "alice", "Bob", "Bobby", "Carl", "Émile", "zoe" };
  gint64 ids[G_N_ELEMENTS (names)];

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GPtrArray) s = make_samples ("sface", DIM, i + 1);
      ids[i] = add_ok (store, 0, names[i], s);
    }
  g_assert_true (vs_store_record_seen (store, ids[2], 1700000000, &error));
  g_assert_true (vs_store_record_seen (store, ids[2], 1700000500, &error));
  g_assert_true (vs_store_record_seen (store, ids[2], 1700000300, &error));
  g_assert_no_error (error);

  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < people->len; i++)
    {
      VsPerson *p = g_ptr_array_index (people, i);
      guint original = 0;

      g_assert_cmpstr (p->name, ==, sorted[i]);
      while (ids[original] != p->id)
        original++;
      g_assert_cmpuint (p->n_samples, ==, original + 1);
      g_assert_cmpint (p->last_seen, ==, original == 2 ? 1700000500 : 0);
    }

  /* vs_person_copy */
  {
    g_autoptr(VsPerson) copy = vs_person_copy (people->pdata[0]);
    g_assert_cmpstr (copy->name, ==, "alice");
    g_assert_true (copy->name != ((VsPerson *) people->pdata[0])->name);
  }
}

static void
test_store_permissions (void)
{
  g_autofree char *top = vs_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (top, "data", "visage", NULL);
  g_autofree char *path = g_build_filename (dir, "visage.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *loose = g_build_filename (top, "loose.db", NULL);
  g_autoptr(GPtrArray) s = make_samples ("sface", DIM, 1);
  GStatBuf st;
  VsStore *store;
  mode_t old_umask;

  /* The worst umask: everything readable and writable by everyone. */
  old_umask = umask (0);
  store = open_ok (path);
  add_ok (store, 0, "Someone", s);

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (shm, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_object_unref (store);

  /* An existing database open to others is tightened. */
  g_assert_true (g_file_set_contents (loose, "", 0, NULL));
  g_assert_cmpint (g_chmod (loose, 0666), ==, 0);
  store = open_ok (loose);
  g_assert_cmpint (g_stat (loose, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_object_unref (store);

  umask (old_umask);
}

static void
test_store_delete_erases_bytes (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GPtrArray) doomed = make_samples ("sface", DIM, 3);
  g_autoptr(GPtrArray) kept = make_samples ("sface", DIM, 3);
  g_autoptr(GError) error = NULL;
  VsStore *store = open_ok (path);
  VsStore *reader;
  gint64 doomed_id;

  doomed_id = add_ok (store, 0, "Doomed", doomed);
  add_ok (store, 0, "Kept", kept);

  /* Before: every embedding is somewhere in the files (WAL or database). */
  for (guint i = 0; i < 3; i++)
    {
      VsSample *d = g_ptr_array_index (doomed, i);
      g_assert_true (files_contain (path, d->embedding, DIM * sizeof (float)));
    }

  /* Checkpointed into the main file by closing, then reopened. */
  g_object_unref (store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
  for (guint i = 0; i < 3; i++)
    {
      VsSample *d = g_ptr_array_index (doomed, i);
      g_assert_true (files_contain (path, d->embedding, DIM * sizeof (float)));
    }
  store = open_ok (path);
  /* A second connection stays open, as the GUI would while the CLI deletes:
   * the WAL is not removed at close then, the checkpoint must do it. */
  reader = open_ok (path);
  {
    g_autoptr(GPtrArray) people = vs_store_list_people (reader, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (people->len, ==, 2);
  }

  g_assert_true (vs_store_delete_person (store, doomed_id, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      VsSample *d = g_ptr_array_index (doomed, i);
      VsSample *k = g_ptr_array_index (kept, i);
      gsize crop_len;
      const guint8 *crop = g_bytes_get_data (d->crop, &crop_len);

      g_assert_false (files_contain (path, d->embedding, DIM * sizeof (float)));
      /* Not even a 16-byte piece of the embedding or the face picture. */
      g_assert_false (files_contain (path, (guint8 *) d->embedding + 200, 16));
      g_assert_false (files_contain (path, crop + 3000, 32));
      /* The search does find what is still there. */
      g_assert_true (files_contain (path, k->embedding, DIM * sizeof (float)));
    }

  g_object_unref (reader);
  g_object_unref (store);
  for (guint i = 0; i < 3; i++)
    {
      VsSample *d = g_ptr_array_index (doomed, i);
      g_assert_false (files_contain (path, d->embedding, DIM * sizeof (float)));
    }
}

/* A reader holding an old snapshot (another process in the middle of a
 * query) blocks the checkpoint: the deletion still succeeds promptly, and the
 * bytes are gone as soon as the reader lets go and this store closes. */
static void
test_store_delete_while_reading (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GPtrArray) doomed = make_samples ("sface", DIM, 2);
  g_autoptr(GPtrArray) kept = make_samples ("sface", DIM, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) other = NULL;
  VsStore *store = open_ok (path);
  sqlite3 *reader = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 doomed_id, start;

  doomed_id = add_ok (store, 0, "Doomed", doomed);
  add_ok (store, 0, "Kept", kept);
  other = open_ok (path);   /* keeps the WAL alive after `store` closes */

  g_assert_cmpint (sqlite3_open_v2 (path, &reader, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (reader, "SELECT embedding FROM samples", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);

  start = g_get_monotonic_time ();
  g_assert_true (vs_store_delete_person (store, doomed_id, &error));
  g_assert_no_error (error);
  g_test_message ("deletion with a reader holding the WAL took %.1f s",
                  (g_get_monotonic_time () - start) / 1e6);

  sqlite3_finalize (stmt);
  sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (reader);

  g_object_unref (store);
  for (guint i = 0; i < doomed->len; i++)
    {
      VsSample *d = g_ptr_array_index (doomed, i);
      VsSample *k = g_ptr_array_index (kept, i);
      g_assert_false (files_contain (path, d->embedding, DIM * sizeof (float)));
      g_assert_true (files_contain (path, k->embedding, DIM * sizeof (float)));
    }
}

typedef struct {
  guint calls;
  guint fail_at;      /* 0: never */
  guint progress_done;
  guint progress_total;
} ReembedData;

static gboolean
reembed_func (GBytes   *crop,
              float    *embedding_out,
              gpointer  user_data,
              GError  **error)
{
  ReembedData *data = user_data;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (crop, &len);

  data->calls++;
  if (data->calls == data->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no face in the crop");
      return FALSE;
    }
  /* A deterministic “embedding” of the crop: 64 of its bytes. */
  for (guint i = 0; i < 64; i++)
    embedding_out[i] = bytes[100 + i] + 1.0f;
  return TRUE;
}

static void
reembed_progress (guint    done,
                  guint    total,
                  gpointer user_data)
{
  ReembedData *data = user_data;

  g_assert_cmpuint (done, <=, total);
  data->progress_done = done;
  data->progress_total = total;
}

static void
test_store_reembed (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GPtrArray) s1 = make_samples ("sface", DIM, 3);
  g_autoptr(GPtrArray) s2 = make_samples ("old-model", 32, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) after = NULL;
  ReembedData data = { 0, 4, 0, 0 };
  gint64 a, b;

  a = add_ok (store, 0, "A", s1);
  b = add_ok (store, 0, "B", s2);

  /* The fourth of five fails: nothing changes. */
  g_assert_false (vs_store_reembed (store, "new-model", 64, reembed_func, reembed_progress, &data, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (data.calls, ==, 4);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples WHERE embedder = 'new-model'"), ==, 0);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples WHERE embedder = 'sface' AND dim = 128"), ==, 3);
  after = vs_store_list_samples (store, a, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpmem (((VsSample *) after->pdata[i])->embedding, DIM * sizeof (float),
                     ((VsSample *) s1->pdata[i])->embedding, DIM * sizeof (float));
  g_clear_pointer (&after, g_ptr_array_unref);

  /* All succeed: every sample, whatever its model, is recomputed. */
  data = (ReembedData) { 0, 0, 0, 0 };
  g_assert_true (vs_store_reembed (store, "new-model", 64, reembed_func, reembed_progress, &data, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (data.calls, ==, 5);
  g_assert_cmpuint (data.progress_done, ==, 5);
  g_assert_cmpuint (data.progress_total, ==, 5);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples WHERE embedder = 'new-model' AND dim = 64 AND length(embedding) = 256"), ==, 5);
  {
    g_autofree char *embedder = vs_store_dup_embedder (store, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (embedder, ==, "new-model");   /* the database's embedder now */
  }

  after = vs_store_list_samples (store, b, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      VsSample *s = g_ptr_array_index (after, i);
      const guint8 *crop = g_bytes_get_data (s->crop, NULL);
      g_assert_cmpuint (s->dim, ==, 64);
      g_assert_cmpfloat (s->embedding[5], ==, crop[105] + 1.0f);
    }

  /* A sample without a picture cannot be recomputed: refused, unchanged. */
  {
    g_autoptr(GPtrArray) bare = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
    float v[64] = { 1.0f };
    g_ptr_array_add (bare, vs_sample_new ("new-model", v, 64, 0.5, NULL, NULL));
    add_ok (store, a, NULL, bare);
  }
  data = (ReembedData) { 0, 0, 0, 0 };
  g_assert_false (vs_store_reembed (store, "newer-model", 64, reembed_func, NULL, &data, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
  g_test_message ("no crop: %s", error->message);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples WHERE embedder = 'newer-model'"), ==, 0);
}

static void
test_store_data_version (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) a = open_ok (path);
  g_autoptr(VsStore) b = open_ok (path);
  g_autoptr(GPtrArray) s1 = make_samples ("sface", DIM, 1);
  g_autoptr(GPtrArray) s2 = make_samples ("sface", DIM, 1);
  g_autoptr(GError) error = NULL;
  gint64 va0, va1, vb0, vb1;

  va0 = vs_store_get_data_version (a);
  vb0 = vs_store_get_data_version (b);
  g_assert_cmpint (vs_store_get_data_version (a), ==, va0);   /* stable */

  /* Another connection commits. */
  add_ok (b, 0, "From B", s1);
  va1 = vs_store_get_data_version (a);
  g_assert_cmpint (va1, !=, va0);
  /* Its own commit changes its own value too. */
  vb1 = vs_store_get_data_version (b);
  g_assert_cmpint (vb1, !=, vb0);

  add_ok (a, 0, "From A", s2);
  g_assert_cmpint (vs_store_get_data_version (a), !=, va1);
  g_assert_cmpint (vs_store_get_data_version (b), !=, vb1);

  /* A failed change is no change. */
  va1 = vs_store_get_data_version (a);
  g_assert_false (vs_store_rename_person (a, 777, "Nobody", &error));
  g_clear_error (&error);
  g_assert_cmpint (vs_store_get_data_version (a), ==, va1);
}

typedef struct {
  const char *path;
  guint       thread;
  guint       n_done;
  GError     *error;
} WriterData;

static gpointer
writer_thread (gpointer user_data)
{
  WriterData *data = user_data;
  g_autoptr(VsStore) store = vs_store_open (data->path, &data->error);

  if (store == NULL)
    return NULL;
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("Writer %u person %u", data->thread, i);
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
      float v[DIM];
      gint64 id;

      for (guint j = 0; j < 2; j++)
        {
          for (guint d = 0; d < DIM; d++)
            v[d] = (float) ((d + i + j + data->thread) % 7) + 0.5f;
          g_ptr_array_add (samples, vs_sample_new ("sface", v, DIM, 0.5, NULL, "thread"));
        }
      id = vs_store_add_samples (store, 0, name, samples, &data->error);
      if (id == 0)
        return NULL;
      if (!vs_store_record_seen (store, id, 0, &data->error))
        return NULL;
      data->n_done++;
    }
  return NULL;
}

/* Threads of one process that open a new database at the same moment (the
 * app's worker connections on its first run): every open must succeed, and
 * none may take the file for someone else's while the first one is still
 * creating it — nor delete that connection's -wal as "created by a failed
 * open", which loses its commits. The window is a few microseconds wide, so
 * it is raced many times from a common start. */
typedef struct {
  const char *path;
  gint       *start;
  GError     *error;
} RacerData;

static gpointer
racer_thread (gpointer user_data)
{
  RacerData *data = user_data;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  float v[DIM];

  for (guint d = 0; d < DIM; d++)
    v[d] = (float) (d % 5) + 0.5f;
  g_ptr_array_add (samples, vs_sample_new ("sface", v, DIM, 0.5, NULL, "racer"));
  while (!g_atomic_int_get (data->start))
    ;
  store = vs_store_open (data->path, &data->error);
  if (store != NULL)
    vs_store_add_samples (store, 0, "Racer", samples, &data->error);
  return NULL;
}

static void
test_store_racing_first_opens (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();

  for (guint round = 0; round < 200; round++)
    {
      g_autofree char *name = g_strdup_printf ("race-%u.db", round);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gint start = 0;
      RacerData data[3];
      GThread *threads[3];
      g_autoptr(VsStore) store = NULL;
      g_autoptr(GPtrArray) people = NULL;
      g_autoptr(GError) error = NULL;

      for (guint t = 0; t < 3; t++)
        {
          data[t] = (RacerData) { path, &start, NULL };
          threads[t] = g_thread_new ("racer", racer_thread, &data[t]);
        }
      g_atomic_int_set (&start, 1);
      for (guint t = 0; t < 3; t++)
        {
          g_thread_join (threads[t]);
          if (data[t].error != NULL)
            g_test_message ("round %u, thread %u: %s", round, t, data[t].error->message);
          g_assert_no_error (data[t].error);
        }
      /* Every commit is there: none went into a WAL that was unlinked. */
      store = open_ok (path);
      people = vs_store_list_people (store, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (people->len, ==, 1);
      g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 3);
    }
}

static void
test_store_concurrent_writers (void)
{
  g_autofree char *path = new_db_path ();
  WriterData data[2] = { { path, 0, 0, NULL }, { path, 1, 0, NULL } };
  GThread *threads[2];
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;

  /* Both open a database that does not exist yet, then write at once. */
  for (guint t = 0; t < 2; t++)
    threads[t] = g_thread_new ("writer", writer_thread, &data[t]);
  for (guint t = 0; t < 2; t++)
    {
      g_thread_join (threads[t]);
      g_assert_no_error (data[t].error);
      g_assert_cmpuint (data[t].n_done, ==, 25);
    }

  store = open_ok (path);
  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 50);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM samples"), ==, 100);
  /* PostgreSQL has schema 1, SQLite 2 (the generation row). */
  g_assert_cmpint (raw_query (path, vs_test_pg_enabled () ? "SELECT version FROM schema_version"
                                                          : "PRAGMA user_version"), ==,
                   vs_test_pg_enabled () ? 1 : 2);
}

static void
test_store_load_gallery (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = open_ok (path);
  g_autoptr(GPtrArray) s1 = make_samples ("sface", DIM, 3);
  g_autoptr(GPtrArray) s2 = make_samples ("sface", DIM, 2);
  g_autoptr(GPtrArray) s3 = make_samples ("other", 64, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsGallery) gallery = NULL;
  g_autoptr(VsGallery) empty = NULL;
  VsMatch out[3];
  gint64 a, b, c;

  a = add_ok (store, 0, "Alice", s1);
  b = add_ok (store, 0, "Bob", s2);
  c = add_ok (store, 0, "Carol", s3);
  /* A corrupt row of the wrong size, written behind the store's back. */
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO samples (person_id, embedder, dim, embedding, created)"
                                            " VALUES (%" G_GINT64_FORMAT ", 'sface', 3, %s, 0)", c,
                                            vs_test_pg_enabled () ? "'\\x0000803f0000803f0000803f'::bytea"
                                                                  : "x'0000803f0000803f0000803f'");
    raw_exec (path, sql);
  }

  gallery = vs_store_load_gallery (store, "sface", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_gallery_get_embedder (gallery), ==, "sface");
  g_assert_cmpuint (vs_gallery_get_dim (gallery), ==, DIM);
  g_assert_cmpuint (vs_gallery_get_n_samples (gallery), ==, 5);
  g_assert_cmpuint (vs_gallery_get_n_people (gallery), ==, 2);
  g_assert_cmpstr (vs_gallery_get_name (gallery, a), ==, "Alice");
  g_assert_null (vs_gallery_get_name (gallery, c));

  /* Each stored embedding finds its person first, with a score of 1. */
  for (guint i = 0; i < s2->len; i++)
    {
      VsSample *s = g_ptr_array_index (s2, i);
      g_assert_cmpuint (vs_gallery_search (gallery, s->embedding, out, 3), ==, 2);
      g_assert_cmpint (out[0].person_id, ==, b);
      g_assert_cmpstr (out[0].name, ==, "Bob");
      g_assert_cmpfloat_with_epsilon (out[0].score, 1.0, 1e-5);
    }

  empty = vs_store_load_gallery (store, "no-such-model", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_gallery_get_n_samples (empty), ==, 0);
}

/* ---- Hands off what is not ours (issue 12) ----------------------------- */

/* Every file of a folder: name → "mode:bytes", to compare before and after. */
static GHashTable *
snapshot_folder (const char *dir)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      GStatBuf st;
      GString *entry;

      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      entry = g_string_new (NULL);
      g_string_printf (entry, "%o:", (guint) st.st_mode);
      if (S_ISREG (st.st_mode))
        {
          g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
          g_string_append_len (entry, contents, (gssize) len);
        }
      g_hash_table_insert (files, g_strdup (name), g_string_free (entry, FALSE));
    }
  return files;
}

static void
assert_same_folder (GHashTable *before,
                    GHashTable *after)
{
  GHashTableIter iter;
  gpointer name, entry;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &name, &entry))
    {
      const char *old = g_hash_table_lookup (before, name);
      if (old == NULL)
        g_error ("“%s” appeared", (char *) name);
      if (strcmp (old, entry) != 0)
        g_error ("“%s” changed (mode or bytes)", (char *) name);
    }
  g_assert_cmpuint (g_hash_table_size (before), ==, g_hash_table_size (after));
}

static void
copy_prefix (const char *from,
             const char *to,
             gsize       n)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, MIN (n, len), NULL));
}

/* Files that are not Visage databases (random bytes, text, a Visage
 * database cut short, other programs' SQLite databases in both journal
 * modes, one with another application id) are refused by both opens and
 * left byte- and mode-identical, with no -wal, -shm or -journal beside. */
static void
test_store_hands_off (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *ours = new_db_path ();
  g_autofree char *random_path = g_build_filename (dir, "random.db", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.db", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.db", NULL);
  g_autofree char *cut_header = g_build_filename (dir, "cut-header.db", NULL);
  g_autofree char *foreign = g_build_filename (dir, "recipes.db", NULL);
  g_autofree char *foreign_wal = g_build_filename (dir, "recipes-wal-mode.db", NULL);
  g_autofree char *other_app = g_build_filename (dir, "other-app.db", NULL);
  g_autofree char *versioned = g_build_filename (dir, "versioned.db", NULL);
  const char *victims[] = { random_path, text, cut, cut_header, foreign, foreign_wal, other_app, versioned };
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GPtrArray) samples = make_samples ("sface", DIM, 20);
  guint8 noise[8192];

  {
    VsStore *store = open_ok (ours);
    add_ok (store, 0, "Someone", samples);
    g_object_unref (store);
  }
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_test_rand_int ();
  g_assert_true (g_file_set_contents (random_path, (char *) noise, sizeof noise, NULL));
  g_assert_true (g_file_set_contents (text, "Milk, eggs, bread.\n", -1, NULL));
  copy_prefix (ours, cut, 3 * 4096 + 100);
  copy_prefix (ours, cut_header, 60);
  raw_exec (foreign, "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT);"
                     "INSERT INTO recipes (title) VALUES ('bread')");
  raw_exec (foreign_wal, "PRAGMA journal_mode = WAL;"
                         "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT);"
                         "INSERT INTO recipes (title) VALUES ('bread')");
  raw_exec (other_app, "PRAGMA application_id = 1234; CREATE TABLE t (x)");
  raw_exec (versioned, "PRAGMA user_version = 7");
  for (guint i = 0; i < G_N_ELEMENTS (victims); i++)
    g_assert_cmpint (g_chmod (victims[i], i % 2 ? 0644 : 0666), ==, 0);

  before = snapshot_folder (dir);
  for (guint i = 0; i < G_N_ELEMENTS (victims); i++)
    for (int existing = 0; existing < 2; existing++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(VsStore) store = existing ? vs_store_open_existing (victims[i], &error)
                                            : vs_store_open (victims[i], &error);
        g_autoptr(GHashTable) after = NULL;

        g_test_message ("%s: %s", victims[i], error ? error->message : "opened");
        g_assert_null (store);
        g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA);
        after = snapshot_folder (dir);
        assert_same_folder (before, after);
      }
}

/* A command that only reads never converts a database: ours in rollback
 * journal mode stays so, byte for byte, with no side file left. */
static void
test_store_read_only_converts_nothing (void)
{
  g_autofree char *path = new_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GPtrArray) samples = make_samples ("sface", DIM, 2);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = NULL;
  VsStore *store = open_ok (path);

  add_ok (store, 0, "Reader", samples);
  g_object_unref (store);
  raw_exec (path, "PRAGMA journal_mode = DELETE");
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'delete'"), ==, 1);

  before = snapshot_folder (dir);
  store = vs_store_open_existing (path, &error);
  g_assert_no_error (error);
  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 1);
  g_object_unref (store);
  after = snapshot_folder (dir);
  assert_same_folder (before, after);
}

/* Read-only opens create nothing; a path that is a URL is refused before
 * any folder is made (SQLite or mkdir would have made one in the working
 * directory). */
static void
test_store_no_creation (void)
{
  g_autofree char *top = vs_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (top, "not", "there", "visage.db", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  const char *not_paths[] = { "https://example.com/visage.db", "file:visage.db?mode=memory",
                              ":memory:", "", "folder/" };
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  VsStore *store;

  store = vs_store_open_existing (missing, &error);
  g_assert_null (store);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NO_DATABASE);
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  {
    g_autofree char *not = g_build_filename (top, "not", NULL);
    g_assert_false (g_file_test (not, G_FILE_TEST_EXISTS));
  }

  g_assert_cmpint (g_chdir (top), ==, 0);
  before = snapshot_folder (top);
  for (guint i = 0; i < G_N_ELEMENTS (not_paths); i++)
    {
      store = vs_store_open (not_paths[i], &error);
      g_test_message ("“%s”: %s", not_paths[i], error ? error->message : "opened");
      g_assert_null (store);
      g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN);
      g_clear_error (&error);
    }
  after = snapshot_folder (top);
  assert_same_folder (before, after);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* The default folder is Visage's: an existing one open to everyone is
 * made private. */
static void
test_store_default_folder_private (void)
{
  g_autofree char *path = vs_store_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  GStatBuf st;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0777), ==, 0);
  store = vs_store_open (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Even a read-only open tightens it. */
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  store = vs_store_open_existing (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

/* ---- Transactions and change notifications ------------------------------ */

static gint64
count_people (VsStore *store)
{
  g_autoptr(GPtrArray) people = vs_store_list_people (store, NULL);

  g_assert_nonnull (people);
  return people->len;
}

/* Writes a person inside a transaction, then leaves early when told to, as
 * any store function does on an error. */
static gboolean
insert_then_maybe_leave (VsStore  *store,
                         gboolean  leave_early,
                         GError  **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (store, VS_TXN_WRITE, error);

  if (txn == NULL ||
      !vs_sql_exec (store, "INSERT INTO people (name, created, updated) VALUES ('Txn', 1, 1)", error))
    return FALSE;
  if (leave_early)
    return FALSE;   /* txn goes out of scope uncommitted */
  return vs_txn_commit (txn, error);
}

static void
test_store_txn_rolls_back (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = vs_store_open (path, NULL);
  g_autoptr(GError) error = NULL;
  gint64 generation, before, data_version;

  g_assert_nonnull (store);
  g_assert_true (vs_store_read_generation (store, &before, &data_version));

  /* An early return rolls back: nothing written, generation unmoved, and
   * the connection is usable again (no transaction left open). */
  g_assert_false (insert_then_maybe_leave (store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_people (store), ==, 0);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 0);
  g_assert_true (vs_store_read_generation (store, &generation, &data_version));
  g_assert_cmpint (generation, ==, before);

  /* Committed: there, and the generation moved by one. */
  g_assert_true (insert_then_maybe_leave (store, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 1);
  g_assert_true (vs_store_read_generation (store, &generation, &data_version));
  g_assert_cmpint (generation, ==, before + 1);

  /* A store function that fails half-way (the second id is unknown) leaves
   * the first deletion undone. */
  {
    gint64 ids[2] = { 1, 999 };
    g_assert_false (vs_store_delete_people (store, ids, 2, &error));
    g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_cmpint (raw_query (path, "SELECT count(*) FROM people"), ==, 1);
  }
}

static void
collect_changes_cb (GObject  *emitter,
                    GArray   *changes,
                    GArray   *all)
{
  VsStoreChange marker = { -1, 0, 0 };   /* between batches */

  g_array_append_vals (all, changes->data, changes->len);
  g_array_append_val (all, marker);
}

/* The collected changes as text, "kind:person:sample" with "|" between
 * batches, and empties them. */
static char *
take_changes_text (GArray *all)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < all->len; i++)
    {
      const VsStoreChange *c = &g_array_index (all, VsStoreChange, i);

      if ((int) c->kind == -1)
        g_string_append (out, "|");
      else
        g_string_append_printf (out, "%s%d:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                out->len > 0 && out->str[out->len - 1] != '|' ? " " : "",
                                c->kind, c->person_id, c->sample_id);
    }
  g_array_set_size (all, 0);
  return g_string_free (out, FALSE);
}

#define ASSERT_CHANGES(all, ...) \
  G_STMT_START { \
    g_autofree char *got_ = take_changes_text (all); \
    g_autofree char *want_ = g_strdup_printf (__VA_ARGS__); \
    g_assert_cmpstr (got_, ==, want_); \
  } G_STMT_END

static gboolean
double_crop (GBytes   *crop,
             float    *embedding_out,
             gpointer  user_data,
             GError  **error)
{
  const guint8 *bytes = g_bytes_get_data (crop, NULL);

  for (guint i = 0; i < DIM; i++)
    embedding_out[i] = bytes[100 + i] + 1.0f;
  return TRUE;
}

/* Each write announces exactly what it changed, once; a failed one
 * announces nothing. */
static void
test_store_changes (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = vs_store_open (path, NULL);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (VsStoreChange));
  g_autoptr(GPtrArray) two = make_samples ("sface", DIM, 2);
  g_autoptr(GPtrArray) one = make_samples ("sface", DIM, 1);
  g_autoptr(GPtrArray) again = make_samples ("sface", DIM, 1);
  g_autoptr(GPtrArray) other = make_samples ("sface", DIM, 1);
  g_autoptr(GPtrArray) wrong = make_samples ("sface", DIM / 2, 1);
  g_autoptr(GError) error = NULL;
  gint64 ada, bob, ids[3];
  gint64 s0, s1;

  g_assert_nonnull (store);
  g_signal_connect (store, "changed", G_CALLBACK (collect_changes_cb), all);

  ada = vs_store_add_samples (store, 0, "Ada", two, &error);
  g_assert_no_error (error);
  s0 = ((VsSample *) two->pdata[0])->id;
  s1 = ((VsSample *) two->pdata[1])->id;
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":0 %d:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
                  " %d:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "|",
                  VS_STORE_CHANGE_PERSON_ADDED, ada,
                  VS_STORE_CHANGE_SAMPLES_ADDED, ada, s0,
                  VS_STORE_CHANGE_SAMPLES_ADDED, ada, s1);

  /* Enrolling under the same name (by key) reuses the person. */
  g_assert_cmpint (vs_store_add_samples (store, 0, "ADA", one, &error), ==, ada);
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "|",
                  VS_STORE_CHANGE_SAMPLES_ADDED, ada, ((VsSample *) one->pdata[0])->id);
  g_assert_cmpint (vs_store_add_samples (store, ada, NULL, again, &error), ==, ada);
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "|",
                  VS_STORE_CHANGE_SAMPLES_ADDED, ada, ((VsSample *) again->pdata[0])->id);

  bob = vs_store_add_samples (store, 0, "Bob", other, &error);
  g_assert_no_error (error);
  take_changes_text (all);

  g_assert_true (vs_store_rename_person (store, ada, "Ada Lovelace", &error));
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":0|", VS_STORE_CHANGE_PERSON_RENAMED, ada);

  g_assert_true (vs_store_delete_sample (store, s0, &error));
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "|",
                  VS_STORE_CHANGE_SAMPLES_REMOVED, ada, s0);

  g_assert_true (vs_store_record_seen (store, bob, 0, &error));
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":0|", VS_STORE_CHANGE_PERSON_SEEN, bob);

  g_assert_true (vs_store_reembed (store, "sface", DIM, double_crop, NULL, NULL, &error));
  ASSERT_CHANGES (all, "%d:0:0|", VS_STORE_CHANGE_EMBEDDER_CHANGED);
  g_assert_no_error (error);

  /* Failures announce nothing. */
  g_assert_false (vs_store_rename_person (store, ada, "bob", &error));
  g_clear_error (&error);
  g_assert_false (vs_store_rename_person (store, 9999, "Nobody", &error));
  g_clear_error (&error);
  g_assert_false (vs_store_delete_sample (store, s0, &error));
  g_clear_error (&error);
  g_assert_cmpint (vs_store_add_samples (store, ada, NULL, wrong, &error), ==, 0);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vs_store_record_seen (store, 9999, 0, &error));
  g_clear_error (&error);
  ASSERT_CHANGES (all, "%s", "");

  /* One deletion of several people (one listed twice): one batch. */
  ids[0] = ada;
  ids[1] = bob;
  ids[2] = ada;
  g_assert_true (vs_store_delete_people (store, ids, 3, &error));
  g_assert_no_error (error);
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":0 %d:%" G_GINT64_FORMAT ":0|",
                  VS_STORE_CHANGE_PERSON_DELETED, ada, VS_STORE_CHANGE_PERSON_DELETED, bob);
  (void) s1;
}

typedef struct {
  const char *path;
  gint64      person_id;
} ThreadWriter;

static gpointer
thread_writer (gpointer user_data)
{
  ThreadWriter *data = user_data;
  g_autoptr(VsStore) store = vs_store_open (data->path, NULL);
  g_autoptr(GPtrArray) samples = make_samples ("sface", DIM, 1);

  g_assert_nonnull (store);
  data->person_id = vs_store_add_samples (store, 0, "From a thread", samples, NULL);
  return NULL;
}

/* Iterates the default main context until `all` holds at least one batch or
 * 10 s passed, then a little longer to catch a duplicate. */
static void
wait_for_batches (GArray *all)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint64 settle;

  while (all->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (5000), TRUE);
  /* A second notice of the same write would come within the file
   * monitor's rate limit (100 ms) or the listener's next read. */
  settle = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < settle)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (5000), TRUE);
}

/* Writes by other stores of this process (another thread) reach the
 * monitor exactly, once; the monitor is one per database and context. */
static void
test_store_monitor_this_process (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = vs_store_open (path, NULL);
  g_autoptr(VsStoreMonitor) monitor = NULL;
  g_autoptr(VsStoreMonitor) same = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (VsStoreChange));
  ThreadWriter data = { path, 0 };
  GThread *thread;

  g_assert_nonnull (store);
  monitor = vs_store_monitor_get_for_store (store);
  same = vs_store_monitor_get_for_store (store);
  g_assert_true (monitor == same);
  g_signal_connect (monitor, "changed", G_CALLBACK (collect_changes_cb), all);

  thread = g_thread_new ("writer", thread_writer, &data);
  g_thread_join (thread);
  g_assert_cmpint (data.person_id, >, 0);
  wait_for_batches (all);
  {
    g_autofree char *text = take_changes_text (all);
    g_autofree char *added = g_strdup_printf ("%d:%" G_GINT64_FORMAT ":0 ",
                                              VS_STORE_CHANGE_PERSON_ADDED, data.person_id);
    g_test_message ("changes: %s", text);
    /* Exactly one batch, named, not a resync. */
    g_assert_true (g_str_has_prefix (text, added));
    g_assert_cmpint (strchr (text, '|') - text, ==, strlen (text) - 1);
  }

  /* Our own "last seen": one PERSON_SEEN, which touches no gallery. */
  g_assert_true (vs_store_record_seen (store, data.person_id, 0, NULL));
  g_assert_true (vs_store_monitor_flush (monitor));
  ASSERT_CHANGES (all, "%d:%" G_GINT64_FORMAT ":0|", VS_STORE_CHANGE_PERSON_SEEN, data.person_id);
  g_assert_false (vs_store_monitor_flush (monitor));
}

static void
test_store_monitor_other_process_child (void)
{
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  if (!g_test_subprocess ())
    return;   /* only as the other process of the test above */
  store = vs_store_open (g_getenv ("VS_TEST_MONITOR_DB"), NULL);
  samples = make_samples ("sface", DIM, 1);
  g_assert_nonnull (store);
  g_assert_cmpint (vs_store_add_samples (store, 0, "From another process", samples, NULL), >, 0);
}

/* Another process's write is noticed once, without a timer: one RESYNC
 * (SQLite) or the changes named by the server (PostgreSQL). */
static void
test_store_monitor_other_process (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = vs_store_open (path, NULL);
  g_autoptr(VsStoreMonitor) monitor = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (VsStoreChange));
  g_autofree char *text = NULL;

  g_assert_nonnull (store);
  monitor = vs_store_monitor_get_for_store (store);
  g_signal_connect (monitor, "changed", G_CALLBACK (collect_changes_cb), all);

  g_setenv ("VS_TEST_MONITOR_DB", path, TRUE);
  g_test_trap_subprocess ("/store/monitor-other-process/child", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  wait_for_batches (all);
  text = take_changes_text (all);
  g_test_message ("changes: %s", text);

  if (vs_test_pg_enabled ())
    {
      g_autoptr(VsPerson) person = vs_store_find_person_by_name (store, "From another process", NULL);
      g_autofree char *added = NULL;

      g_assert_nonnull (person);
      added = g_strdup_printf ("%d:%" G_GINT64_FORMAT ":0", VS_STORE_CHANGE_PERSON_ADDED, person->id);
      g_assert_nonnull (strstr (text, added));
      g_assert_null (strstr (strstr (text, added) + 1, added));   /* once */
    }
  else
    {
      g_autofree char *resync = g_strdup_printf ("%d:0:0|", VS_STORE_CHANGE_RESYNC);
      g_assert_cmpstr (text, ==, resync);
    }
}

/* Whether another process sees a lock on SQLite's shared range of the
 * database file (what every WAL connection holds while open): a child
 * asks, since a process never sees its own POSIX locks. */
static gboolean
file_shared_lock_seen (const char *path)
{
  pid_t pid = fork ();
  int status = 0;

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
                          .l_start = 0x40000002, .l_len = 510 };
      int fd = open (path, O_RDONLY);

      if (fd < 0 || fcntl (fd, F_GETLK, &fl) != 0)
        _exit (2);
      _exit (fl.l_type == F_UNLCK ? 1 : 0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 2);
  return WEXITSTATUS (status) == 0;
}

/* A second connection on the same file (a worker's, vs_store_open_another)
 * opens and closes without dropping the first one's locks: close() on any
 * descriptor of a file drops all of the process's POSIX locks on it, and
 * another process would then take the database as unused (checkpoint it,
 * delete the WAL under us). */
static void
test_store_second_connection_keeps_locks (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (path, &error);
  g_autoptr(GPtrArray) people = NULL;

  g_assert_no_error (error);
  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_true (file_shared_lock_seen (path));

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(VsStore) other = i == 0 ? vs_store_open (path, &error)
                                        : vs_store_open_another (store, &error);
      g_autoptr(GPtrArray) more = NULL;

      g_assert_no_error (error);
      more = vs_store_list_people (other, &error);
      g_assert_no_error (error);
      g_clear_object (&other);
      g_assert_true (file_shared_lock_seen (path));
    }
}

/* Tests of the file itself (paths, modes, SQLite's own files and version
 * counter): the server has its own in test-store-pg.c. */
static void
add_file_test (const char *path,
               GTestFunc   func)
{
  if (!vs_test_pg_enabled ())
    g_test_add_func (path, func);
}

int
main (int argc, char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/store/open-reopen", test_store_open_reopen);
  add_file_test ("/store/default-path", test_store_default_path);
  add_file_test ("/store/migrate-empty-file", test_store_migrate_empty_file);
  g_test_add_func ("/store/newer-schema", test_store_newer_schema);
  add_file_test ("/store/negative-schema", test_store_negative_schema);
  add_file_test ("/store/not-a-database", test_store_not_a_database);
  add_file_test ("/store/hands-off", test_store_hands_off);
  add_file_test ("/store/read-only-converts-nothing", test_store_read_only_converts_nothing);
  add_file_test ("/store/no-creation", test_store_no_creation);
  add_file_test ("/store/default-folder-private", test_store_default_folder_private);
  g_test_add_func ("/store/add-is-atomic", test_store_add_is_atomic);
  g_test_add_func ("/store/reuse-by-name", test_store_reuse_by_name);
  g_test_add_func ("/store/cascade-delete", test_store_cascade_delete);
  g_test_add_func ("/store/rename", test_store_rename);
  g_test_add_func ("/store/names", test_store_names);
  g_test_add_func ("/store/rename-same-name", test_store_rename_same_name);
  g_test_add_func ("/store/embedder", test_store_embedder);
  g_test_add_func ("/store/list-people", test_store_list_people);
  add_file_test ("/store/permissions", test_store_permissions);
  add_file_test ("/store/delete-erases-bytes", test_store_delete_erases_bytes);
  add_file_test ("/store/delete-while-reading", test_store_delete_while_reading);
  g_test_add_func ("/store/reembed", test_store_reembed);
  add_file_test ("/store/data-version", test_store_data_version);
  g_test_add_func ("/store/concurrent-writers", test_store_concurrent_writers);
  add_file_test ("/store/racing-first-opens", test_store_racing_first_opens);
  g_test_add_func ("/store/load-gallery", test_store_load_gallery);
  add_file_test ("/store/txn-rolls-back", test_store_txn_rolls_back);
  add_file_test ("/store/second-connection-keeps-locks", test_store_second_connection_keeps_locks);
  g_test_add_func ("/store/changes", test_store_changes);
  g_test_add_func ("/store/monitor-this-process", test_store_monitor_this_process);
  g_test_add_func ("/store/monitor-other-process", test_store_monitor_other_process);
  g_test_add_func ("/store/monitor-other-process/child", test_store_monitor_other_process_child);

  return g_test_run ();
}

/* test-store-pg.c: what only the server store has — errors a user can act
 * on, roles, notifications of every change, going offline and coming back.
 * Runs under tests/with-postgres (a private PostgreSQL 15 server). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vs-store.h"
#include "vs-store-copy.h"
#include "vs-store-pg.h"
#include "vs-test-pg.h"
#include "vs-test-util.h"

#define DIM 128

/* The role set-up of README.md, "A shared gallery" (keep them the same):
 * roles belong to the server, grants to each database. */
#define ROLES_SQL \
  "CREATE ROLE visage_station LOGIN PASSWORD 'station-secret';" \
  "CREATE ROLE visage_admin LOGIN PASSWORD 'admin-secret';"
#define GRANTS_SQL \
  "GRANT SELECT, INSERT, UPDATE ON people, samples, events TO visage_station, visage_admin;" \
  "GRANT USAGE ON SEQUENCE people_id_seq, samples_id_seq, events_id_seq TO visage_station, visage_admin;" \
  "GRANT SELECT ON schema_version TO visage_station, visage_admin;" \
  "GRANT DELETE ON people, samples, events TO visage_admin;"

static GPtrArray *
make_samples (guint n)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);

  for (guint i = 0; i < n; i++)
    {
      float v[DIM];
      double sum = 0;
      guint8 png[300];

      for (guint d = 0; d < DIM; d++)
        {
          v[d] = (float) g_test_rand_double_range (-1.0, 1.0);
          sum += v[d] * v[d];
        }
      for (guint d = 0; d < DIM; d++)
        v[d] /= (float) sqrt (sum);
      for (guint b = 0; b < sizeof png; b++)
        png[b] = g_test_rand_int_range (0, 256);
      g_autoptr(GBytes) crop = g_bytes_new (png, sizeof png);
      g_ptr_array_add (samples, vs_sample_new ("sface", v, DIM, 0.8, crop, "test"));
    }
  return samples;
}

static void
grant_roles (const char *conninfo)
{
  static gboolean created;

  if (!created)
    vs_test_pg_exec (conninfo, ROLES_SQL);
  created = TRUE;
  vs_test_pg_exec (conninfo, GRANTS_SQL);
}

static VsStore *
open_ok (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  VsStore *store = vs_store_open (conninfo, &error);

  g_assert_no_error (error);
  return store;
}

/* The libpq string for `user` over TCP, where passwords are checked. */
static char *
tcp_conninfo (const char *conninfo,
              const char *user,
              const char *password)
{
  const char *dbname = strstr (conninfo, "dbname=visage_test");

  g_assert_nonnull (dbname);
  return g_strdup_printf ("host=%s port=%s user=%s password=%s %s",
                          g_getenv ("VISAGE_TEST_PG_HOST"), g_getenv ("VISAGE_TEST_PG_PORT"),
                          user, password, dbname);
}

static void
expect_open_error (const char *conninfo,
                   int         code,
                   const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (conninfo, &error);

  g_assert_null (store);
  g_assert_error (error, VS_STORE_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
  /* A password never shows in a message. */
  g_assert_null (strstr (error->message, "secret"));
}

static void
test_conninfo (void)
{
  g_autofree char *described = NULL;

  g_assert_true (vs_store_pg_is_conninfo ("postgresql://desk@db.example/visage"));
  g_assert_true (vs_store_pg_is_conninfo ("postgres://db.example/visage"));
  g_assert_true (vs_store_pg_is_conninfo ("host=db.example dbname=visage"));
  g_assert_true (vs_store_pg_is_conninfo ("  dbname = visage"));
  g_assert_false (vs_store_pg_is_conninfo ("/home/ada/visage.db"));
  g_assert_false (vs_store_pg_is_conninfo ("visage.db"));
  g_assert_false (vs_store_pg_is_conninfo ("my=folder/visage.db"));
  g_assert_false (vs_store_pg_is_conninfo (NULL));

  described = vs_store_pg_describe ("host=db.example port=5433 user=desk password=s3cret dbname=visage sslmode=require");
  g_assert_cmpstr (described, ==, "postgresql://desk@db.example:5433/visage");
}

static void
test_errors (void)
{
  g_autofree char *db = vs_test_pg_new_database ();
  g_autofree char *foreign = vs_test_pg_new_database ();
  g_autofree char *wrong = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *unreachable = g_strdup_printf ("host=127.0.0.1 port=1 dbname=visage password=secret");
  g_autoptr(VsStore) store = open_ok (db);

  grant_roles (db);

  expect_open_error (unreachable, VS_STORE_ERROR_OFFLINE, "Cannot reach the database server");

  wrong = tcp_conninfo (db, "visage_station", "not-the-secret");
  expect_open_error (wrong, VS_STORE_ERROR_DENIED, "Wrong user name or password");

  missing = g_strdup_printf ("host=%s port=%s user=visage_station password=station-secret dbname=nowhere",
                             g_getenv ("VISAGE_TEST_PG_HOST"), g_getenv ("VISAGE_TEST_PG_PORT"));
  expect_open_error (missing, VS_STORE_ERROR_OPEN, "no such database");

  /* Someone else's tables are not migrated into ours. */
  vs_test_pg_exec (foreign, "CREATE TABLE recipes (id serial PRIMARY KEY, title text)");
  expect_open_error (foreign, VS_STORE_ERROR_SCHEMA, "another program");
  g_assert_cmpint (vs_test_pg_query (foreign, "SELECT count(*) FROM pg_tables WHERE tablename = 'people'"), ==, 0);

  /* A newer schema is refused and left alone. */
  vs_test_pg_exec (db, "UPDATE schema_version SET version = 999");
  expect_open_error (db, VS_STORE_ERROR_SCHEMA, "newer version of Visage");
  g_assert_cmpint (vs_test_pg_query (db, "SELECT version FROM schema_version"), ==, 999);
}

static void
test_roles (void)
{
  g_autofree char *db = vs_test_pg_new_database ();
  g_autofree char *station_info = NULL;
  g_autofree char *admin_info = NULL;
  g_autoptr(VsStore) setup = open_ok (db);
  g_autoptr(VsStore) station = NULL;
  g_autoptr(VsStore) admin = NULL;
  g_autoptr(GPtrArray) samples = make_samples (2);
  g_autoptr(GError) error = NULL;
  gint64 id;

  grant_roles (db);
  station_info = tcp_conninfo (db, "visage_station", "station-secret");
  admin_info = tcp_conninfo (db, "visage_admin", "admin-secret");

  /* A station enrolls, renames, records sightings… */
  station = open_ok (station_info);
  id = vs_store_add_samples (station, 0, "Ada Lovelace", samples, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (vs_store_rename_person (station, id, "Ada King", &error));
  g_assert_true (vs_store_record_seen (station, id, 0, &error));
  g_assert_no_error (error);

  /* …but may not delete: the admin role does. */
  g_assert_false (vs_store_delete_person (station, id, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_DENIED);
  g_test_message ("station deletes: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Permission denied"));
  g_clear_error (&error);
  g_assert_false (vs_store_delete_sample (station, ((VsSample *) samples->pdata[0])->id, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (vs_test_pg_query (db, "SELECT count(*) FROM samples"), ==, 2);

  admin = open_ok (admin_info);
  g_assert_true (vs_store_delete_person (admin, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vs_test_pg_query (db, "SELECT count(*) FROM people"), ==, 0);
  g_assert_cmpint (vs_test_pg_query (db, "SELECT count(*) FROM samples"), ==, 0);
  g_assert_cmpint (vs_test_pg_query (db, "SELECT count(*) FROM events"), ==, 0);
}

/* Collects the store's changes until one of `kind` about `person_id` has
 * come (or 10 s passed: the test then fails on the missing change). */
static gboolean
wait_for_change (VsStore           *store,
                 VsStoreChangeKind  kind,
                 gint64             person_id)
{
  VsStorePg *pg = vs_store_get_pg (store);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GArray) changes = vs_store_pg_take_changes (pg);

      for (guint i = 0; i < changes->len; i++)
        {
          VsStoreChange *c = &g_array_index (changes, VsStoreChange, i);
          g_test_message ("change %d person %" G_GINT64_FORMAT, c->kind, c->person_id);
          if (c->kind == kind && c->person_id == person_id)
            return TRUE;
        }
      g_usleep (20 * 1000);
    }
  return FALSE;
}

static gboolean
wait_for_online (VsStore  *store,
                 gboolean  online)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      if (vs_store_pg_is_online (vs_store_get_pg (store)) == online)
        return TRUE;
      g_usleep (20 * 1000);
    }
  return FALSE;
}

static gboolean
fake_reembed (GBytes   *crop,
              float    *embedding_out,
              gpointer  user_data,
              GError  **error)
{
  const guint8 *bytes = g_bytes_get_data (crop, NULL);

  for (guint i = 0; i < DIM; i++)
    embedding_out[i] = bytes[i] + 1.0f;
  return TRUE;
}

static void
test_notifications (void)
{
  g_autofree char *db = vs_test_pg_new_database ();
  g_autoptr(VsStore) station_a = open_ok (db);
  g_autoptr(VsStore) station_b = open_ok (db);
  g_autoptr(GPtrArray) samples = make_samples (3);
  g_autoptr(GError) error = NULL;
  gint64 id, version;

  vs_store_pg_watch_changes (vs_store_get_pg (station_a));
  g_assert_true (vs_store_pg_is_online (vs_store_get_pg (station_a)));
  version = vs_store_get_data_version (station_a);

  id = vs_store_add_samples (station_b, 0, "Grace Hopper", samples, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_change (station_a, VS_STORE_CHANGE_SAMPLES_ADDED, id));
  g_assert_cmpint (vs_store_get_data_version (station_a), >, version);

  g_assert_true (vs_store_rename_person (station_b, id, "Grace B. Hopper", &error));
  g_assert_true (wait_for_change (station_a, VS_STORE_CHANGE_PERSON_RENAMED, id));

  g_assert_true (vs_store_delete_sample (station_b, ((VsSample *) samples->pdata[0])->id, &error));
  g_assert_true (wait_for_change (station_a, VS_STORE_CHANGE_SAMPLES_REMOVED, id));

  g_assert_true (vs_store_reembed (station_b, "sface", DIM, fake_reembed, NULL, NULL, &error));
  g_assert_true (wait_for_change (station_a, VS_STORE_CHANGE_EMBEDDER_CHANGED, 0));

  g_assert_true (vs_store_delete_person (station_b, id, &error));
  g_assert_true (wait_for_change (station_a, VS_STORE_CHANGE_PERSON_DELETED, id));
  g_assert_no_error (error);

  /* A change that failed announces nothing. */
  {
    g_autoptr(GArray) none = NULL;
    g_assert_false (vs_store_rename_person (station_b, id, "Ghost", &error));
    g_clear_error (&error);
    g_assert_true (vs_store_add_samples (station_b, 0, "Marker", NULL, &error) > 0);
    g_assert_true (wait_for_change (station_a, VS_STORE_CHANGE_PERSON_ADDED, id + 1));
    none = vs_store_pg_take_changes (vs_store_get_pg (station_a));
    g_assert_cmpuint (none->len, ==, 0);
  }
}

/* The server goes away under a station and comes back. */
static void
test_offline (void)
{
  g_autofree char *db = vs_test_pg_new_database ();
  g_autoptr(VsStore) station = open_ok (db);
  g_autoptr(GPtrArray) before = make_samples (1);
  g_autoptr(GPtrArray) offline = make_samples (1);
  g_autoptr(GPtrArray) after = make_samples (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) stale = NULL;
  g_autoptr(VsGallery) gallery = NULL;

  g_assert_cmpint (vs_store_add_samples (station, 0, "Before", before, &error), >, 0);
  g_assert_no_error (error);
  vs_store_pg_watch_changes (vs_store_get_pg (station));
  g_assert_true (vs_store_pg_is_online (vs_store_get_pg (station)));

  vs_test_pg_server ("stop");
  g_assert_true (wait_for_online (station, FALSE));

  /* Enrolling is refused with words a user understands, and nothing is
   * queued to be written later. */
  g_assert_cmpint (vs_store_add_samples (station, 0, "Offline", offline, &error), ==, 0);
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OFFLINE);
  g_test_message ("offline: %s", error->message);
  g_assert_nonnull (strstr (error->message, "cannot be reached"));
  g_clear_error (&error);
  g_assert_cmpint (((VsSample *) offline->pdata[0])->id, ==, 0);

  vs_test_pg_server ("start");
  g_assert_true (wait_for_online (station, TRUE));
  /* Back: the station is told to catch up. */
  g_assert_true (wait_for_change (station, VS_STORE_CHANGE_RESYNC, 0));

  vs_store_add_samples (station, 0, "After", after, &error);
  g_assert_no_error (error);
  gallery = vs_store_load_gallery (station, "sface", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_gallery_get_n_people (gallery), ==, 2);
  g_assert_cmpint (vs_test_pg_query (db, "SELECT count(*) FROM people WHERE name = 'Offline'"), ==, 0);
  stale = vs_store_pg_take_changes (vs_store_get_pg (station));
}

static void
read_all_ok (VsStore         *store,
             VsStoreContents *contents)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_store_read_all (store, contents, &error));
  g_assert_no_error (error);
}

static void
assert_same_contents (const VsStoreContents *a,
                      const VsStoreContents *b)
{
  for (VsStorePart part = 0; part < VS_STORE_N_PARTS; part++)
    {
      g_autofree char *sum_a = vs_store_contents_checksum (a, part);
      g_autofree char *sum_b = vs_store_contents_checksum (b, part);
      g_assert_cmpstr (sum_a, ==, sum_b);
    }
}

/* `db copy`: SQLite → server → SQLite gives the same rows, ids and bytes. */
static void
test_copy_round_trip (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "a.db", NULL);
  g_autofree char *back = g_build_filename (dir, "b.db", NULL);
  g_autofree char *server = vs_test_pg_new_database ();
  g_autoptr(VsStore) sqlite = open_ok (file);
  g_autoptr(VsStore) pg = open_ok (server);
  g_autoptr(VsStore) sqlite_back = open_ok (back);
  g_autoptr(GPtrArray) s1 = make_samples (3);
  g_autoptr(GPtrArray) s2 = make_samples (2);
  g_autoptr(GPtrArray) bare = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GError) error = NULL;
  g_auto(VsStoreContents) original = { 0 };
  g_auto(VsStoreContents) on_server = { 0 };
  g_auto(VsStoreContents) returned = { 0 };
  g_auto(VsStoreContents) broken = { 0 };
  gint64 a, b;

  a = vs_store_add_samples (sqlite, 0, "Ada Lovelace", s1, &error);
  b = vs_store_add_samples (sqlite, 0, "Émile Zola", s2, &error);
  g_assert_no_error (error);
  {
    float v[DIM] = { 1.0f };
    g_ptr_array_add (bare, vs_sample_new ("sface", v, DIM, 0.25, NULL, NULL));   /* no crop */
  }
  g_assert_cmpint (vs_store_add_samples (sqlite, b, NULL, bare, &error), ==, b);
  /* A gap in the ids, and sightings. */
  g_assert_true (vs_store_delete_sample (sqlite, ((VsSample *) s1->pdata[1])->id, &error));
  g_assert_true (vs_store_record_seen (sqlite, a, 1700000000, &error));
  g_assert_true (vs_store_record_seen (sqlite, b, 1700000100, &error));
  g_assert_no_error (error);
  read_all_ok (sqlite, &original);
  g_assert_cmpuint (original.people->len, ==, 2);
  g_assert_cmpuint (original.samples->len, ==, 5);
  g_assert_cmpuint (original.events->len, ==, 2);

  g_assert_true (vs_store_write_all (pg, &original, &error));
  g_assert_no_error (error);
  read_all_ok (pg, &on_server);
  assert_same_contents (&original, &on_server);
  g_assert_cmpuint (on_server.samples->len, ==, 5);

  /* New rows on the server continue after the copied ids. */
  {
    g_autoptr(GPtrArray) more = make_samples (1);
    gint64 c = vs_store_add_samples (pg, 0, "Charles Babbage", more, &error);
    g_assert_no_error (error);
    g_assert_cmpint (c, >, b);
    g_assert_true (vs_store_delete_person (pg, c, &error));
  }

  g_assert_true (vs_store_write_all (sqlite_back, &on_server, &error));
  g_assert_no_error (error);
  read_all_ok (sqlite_back, &returned);
  assert_same_contents (&original, &returned);

  /* A target that holds people is refused and left alone. */
  g_assert_false (vs_store_write_all (pg, &original, &error));
  g_assert_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (vs_test_pg_query (server, "SELECT count(*) FROM samples"), ==, 5);

  /* One transaction: a row that cannot be written (its person is not in
   * the copy) leaves an empty target empty. */
  {
    g_autofree char *empty = vs_test_pg_new_database ();
    g_autoptr(VsStore) target = open_ok (empty);

    read_all_ok (sqlite, &broken);
    g_ptr_array_remove_index (broken.people, 1);
    g_assert_false (vs_store_write_all (target, &broken, &error));
    g_assert_nonnull (error);
    g_test_message ("broken copy: %s", error->message);
    g_assert_cmpint (vs_test_pg_query (empty, "SELECT count(*) FROM people"), ==, 0);
    g_assert_cmpint (vs_test_pg_query (empty, "SELECT count(*) FROM samples"), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/store-pg/conninfo", test_conninfo);
  g_test_add_func ("/store-pg/errors", test_errors);
  g_test_add_func ("/store-pg/roles", test_roles);
  g_test_add_func ("/store-pg/notifications", test_notifications);
  g_test_add_func ("/store-pg/offline", test_offline);
  g_test_add_func ("/store-pg/copy-round-trip", test_copy_round_trip);

  return g_test_run ();
}

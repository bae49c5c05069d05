/* vs-test-pg.c: databases on the private test server. */
#include "config.h"

#include <unistd.h>

#include <libpq-fe.h>

#include "vs-test-pg.h"

gboolean
vs_test_pg_enabled (void)
{
  return g_strcmp0 (g_getenv ("VISAGE_TEST_STORE_BACKEND"), "postgresql") == 0;
}

static const char *
admin_conninfo (void)
{
  const char *conninfo = g_getenv ("VISAGE_TEST_PG");

  if (conninfo == NULL)
    g_error ("VISAGE_TEST_PG is not set: run this test through tests/with-postgres "
             "(meson test does), which starts a private PostgreSQL 15 server");
  return conninfo;
}

static PGconn *
connect_ok (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test server (%s): %s", conninfo, PQerrorMessage (conn));
  PQexec (conn, "SET client_min_messages = warning");
  return conn;
}

void
vs_test_pg_exec (const char *conninfo,
                 const char *sql)
{
  PGconn *conn = connect_ok (conninfo);
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (res);
  PQfinish (conn);
}

gint64
vs_test_pg_query (const char *conninfo,
                  const char *sql)
{
  PGconn *conn = connect_ok (conninfo);
  PGresult *res = PQexec (conn, sql);
  gint64 value = -1;

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  if (PQntuples (res) > 0 && !PQgetisnull (res, 0, 0))
    value = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  PQfinish (conn);
  return value;
}

char *
vs_test_pg_new_database (void)
{
  static guint counter;
  const char *admin = admin_conninfo ();
  g_autofree char *name = g_strdup_printf ("visage_test_%d_%u", (int) getpid (), ++counter);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);

  vs_test_pg_exec (admin, create);
  return g_strdup_printf ("%s dbname=%s", admin, name);
}

void
vs_test_pg_server (const char *action)
{
  const char *control = g_getenv ("VISAGE_TEST_PG_CONTROL");
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (control);
  command = g_strdup_printf ("%s %s", control, action);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

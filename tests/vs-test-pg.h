/* vs-test-pg.h: the private PostgreSQL server of tests/with-postgres. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether the tests run on the server (VISAGE_TEST_STORE_BACKEND=postgresql). */
gboolean  vs_test_pg_enabled      (void);
/* A new empty database on the server: its connection string. Fails the
 * test when tests/with-postgres did not start a server. */
char     *vs_test_pg_new_database (void);
/* The first column of the first row as a number (-1 when no row). */
gint64    vs_test_pg_query        (const char *conninfo,
                                   const char *sql);
void      vs_test_pg_exec         (const char *conninfo,
                                   const char *sql);
/* Stops (immediately, as a crash would) or starts the server. */
void      vs_test_pg_server       (const char *action);

G_END_DECLS

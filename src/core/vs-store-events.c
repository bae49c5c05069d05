/* vs-store-events.c: when people were seen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-store-private.h"

static gboolean
sqlite_record_seen (VsStore  *self,
                    gint64    person_id,
                    gint64    when,
                    GError  **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (txn == NULL)
    return FALSE;
  stmt = vs_sql_prepare (self, "INSERT INTO events (person_id, seen) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int64 (stmt, 2, when);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return vs_store_set_not_found (error, FALSE, person_id);
  if (rc != SQLITE_DONE)
    return vs_sql_error (self, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);
  return vs_txn_commit (txn, error);
}

gboolean
vs_store_record_seen (VsStore  *self,
                      gint64    person_id,
                      gint64    when,
                      GError  **error)
{
  gboolean ok;
  GArray *changes;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  if (person_id <= 0)
    return vs_store_set_not_found (error, FALSE, person_id);
  if (when <= 0)
    when = vs_store_now ();
  ok = self->pg != NULL ? vs_store_pg_record_seen (self->pg, person_id, when, error)
                        : sqlite_record_seen (self, person_id, when, error);
  if (!ok)
    return FALSE;

  changes = vs_store_changes_new ();
  vs_store_changes_add (changes, VS_STORE_CHANGE_PERSON_SEEN, person_id, 0);
  vs_store_announce (self, changes);
  return TRUE;
}

/* vs-store-people.c: people — listing, finding, renaming, deleting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vs-store-private.h"

#define PERSON_COLUMNS \
  "SELECT p.id, p.name, p.created, p.updated," \
  " (SELECT count(*) FROM samples s WHERE s.person_id = p.id)," \
  " coalesce((SELECT max(e.seen) FROM events e WHERE e.person_id = p.id), 0)" \
  " FROM people p "

static VsPerson *
person_from_row (sqlite3_stmt *stmt)
{
  VsPerson *person = g_new0 (VsPerson, 1);

  person->id = sqlite3_column_int64 (stmt, 0);
  person->name = vs_sql_column_text (stmt, 1, "");
  person->created = sqlite3_column_int64 (stmt, 2);
  person->updated = sqlite3_column_int64 (stmt, 3);
  person->n_samples = sqlite3_column_int (stmt, 4);
  person->last_seen = sqlite3_column_int64 (stmt, 5);
  return person;
}

GPtrArray *
vs_store_sqlite_list_people (VsStore  *self,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = vs_sql_prepare (self, PERSON_COLUMNS, error);

  if (stmt == NULL)
    return NULL;
  return vs_sql_collect_rows (self, stmt, (VsRowFunc) person_from_row,
                              (GDestroyNotify) vs_person_free, error);
}

VsPerson *
vs_store_sqlite_get_person (VsStore     *self,
                            gint64       person_id,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = vs_sql_prepare (self, PERSON_COLUMNS "WHERE p.id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return person_from_row (stmt);
  if (rc == SQLITE_DONE)
    vs_store_set_not_found (error, FALSE, person_id);
  else
    vs_sql_error (self, rc, error);
  return NULL;
}

/* The lowest id whose name is the same as `name` by vs_name_key() (case,
 * accents and invisible characters ignored), other than `except_id`; 0 when
 * none, -1 on error. The keys are computed here, not in SQL: SQLite folds
 * only ASCII, and a desk has hundreds of people, not millions. */
gint64
vs_store_sqlite_find_person_id (VsStore     *self,
                                const char  *name,
                                gint64       except_id,
                                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = vs_sql_prepare (self, "SELECT id, name FROM people ORDER BY id", error);
  g_autofree char *key = vs_name_key (name);
  int rc;

  if (stmt == NULL)
    return -1;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *other = vs_name_key ((const char *) sqlite3_column_text (stmt, 1));
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (id != except_id && strcmp (key, other) == 0)
        return id;
    }
  if (rc == SQLITE_DONE)
    return 0;
  vs_sql_error (self, rc, error);
  return -1;
}

static gboolean
sqlite_rename_person (VsStore     *self,
                      gint64       person_id,
                      const char  *normalized,
                      GError     **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 same;

  if (txn == NULL)
    return FALSE;
  /* Two people with one name (or names a desk cannot tell apart) would be
   * confused on screen and when enrolling by name. */
  same = vs_store_sqlite_find_person_id (self, normalized, person_id, error);
  if (same < 0)
    return FALSE;
  if (same > 0)
    {
      g_autoptr(VsPerson) other = vs_store_sqlite_get_person (self, same, NULL);

      vs_store_set_name_taken (error, normalized, other ? other->name : NULL);
      return FALSE;
    }
  stmt = vs_sql_prepare (self, "UPDATE people SET name = ?, updated = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  vs_sql_bind_text (stmt, 1, normalized);
  sqlite3_bind_int64 (stmt, 2, vs_store_now ());
  sqlite3_bind_int64 (stmt, 3, person_id);
  if (!vs_sql_step_changed (self, stmt, FALSE, person_id, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  return vs_txn_commit (txn, error);
}

/* `ids` has no duplicates. */
static gboolean
sqlite_delete_people (VsStore      *self,
                      GArray       *ids,
                      GError      **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (txn == NULL)
    return FALSE;
  stmt = vs_sql_prepare (self, "DELETE FROM people WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      /* All or nothing: one unknown id cancels the whole deletion. */
      if (!vs_sql_step_changed (self, stmt, FALSE, id, error))
        return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  vs_txn_set_checkpoint (txn);
  return vs_txn_commit (txn, error);
}

/* ---- The public calls ------------------------------------------------- */

typedef struct {
  char     *base_key;   /* case and accents ignored */
  char     *key;        /* case ignored */
  VsPerson *person;
} SortEntry;

static int
sort_entry_compare (const void *pa,
                    const void *pb)
{
  const SortEntry *a = pa, *b = pb;
  int cmp = strcmp (a->base_key, b->base_key);

  if (cmp == 0)
    cmp = strcmp (a->key, b->key);
  if (cmp != 0)
    return cmp;
  return a->person->id < b->person->id ? -1 : a->person->id > b->person->id;
}

GPtrArray *
vs_store_list_people (VsStore  *self,
                      GError  **error)
{
  g_autoptr(GPtrArray) people = NULL;
  g_autofree SortEntry *entries = NULL;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  people = self->pg != NULL ? vs_store_pg_list_people (self->pg, error)
                            : vs_store_sqlite_list_people (self, error);
  if (people == NULL)
    return NULL;

  /* Sorted for people, not for bytes: case-folded, locale collation
   * (COLLATE NOCASE only folds ASCII); ties by id, so the order is stable. */
  entries = g_new (SortEntry, MAX (people->len, 1));
  for (guint i = 0; i < people->len; i++)
    {
      VsPerson *person = g_ptr_array_index (people, i);
      g_autofree char *folded = g_utf8_casefold (person->name, -1);
      g_autofree char *base = vs_name_key (person->name);

      entries[i].base_key = g_utf8_collate_key (base, -1);
      entries[i].key = g_utf8_collate_key (folded, -1);
      entries[i].person = person;
    }
  qsort (entries, people->len, sizeof (SortEntry), sort_entry_compare);
  for (guint i = 0; i < people->len; i++)
    {
      people->pdata[i] = entries[i].person;
      g_free (entries[i].base_key);
      g_free (entries[i].key);
    }
  return g_steal_pointer (&people);
}

VsPerson *
vs_store_get_person (VsStore  *self,
                     gint64    person_id,
                     GError  **error)
{
  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  if (self->pg != NULL)
    return vs_store_pg_get_person (self->pg, person_id, error);
  return vs_store_sqlite_get_person (self, person_id, error);
}

VsPerson *
vs_store_find_person_by_name (VsStore     *self,
                              const char  *name,
                              GError     **error)
{
  g_autofree char *normalized = NULL;
  gint64 id;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  normalized = vs_person_name_normalize (name, error);
  if (normalized == NULL)
    return NULL;
  if (self->pg != NULL)
    return vs_store_pg_find_person_by_name (self->pg, normalized, error);
  id = vs_store_sqlite_find_person_id (self, normalized, 0, error);
  if (id <= 0)
    return NULL;
  return vs_store_sqlite_get_person (self, id, error);
}

gboolean
vs_store_rename_person (VsStore     *self,
                        gint64       person_id,
                        const char  *new_name,
                        GError     **error)
{
  g_autofree char *normalized = NULL;
  GArray *changes;
  gboolean ok;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  normalized = vs_person_name_normalize (new_name, error);
  if (normalized == NULL)
    return FALSE;
  if (person_id <= 0)
    return vs_store_set_not_found (error, FALSE, person_id);

  ok = self->pg != NULL ? vs_store_pg_rename_person (self->pg, person_id, normalized, error)
                        : sqlite_rename_person (self, person_id, normalized, error);
  if (!ok)
    return FALSE;

  changes = vs_store_changes_new ();
  vs_store_changes_add (changes, VS_STORE_CHANGE_PERSON_RENAMED, person_id, 0);
  vs_store_announce (self, changes);
  return TRUE;
}

gboolean
vs_store_delete_people (VsStore      *self,
                        const gint64 *person_ids,
                        guint         n_ids,
                        GError      **error)
{
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GArray) ids = NULL;
  GArray *changes;
  gboolean ok;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  g_return_val_if_fail (person_ids != NULL || n_ids == 0, FALSE);

  if (n_ids == 0)
    return TRUE;

  /* Each id once, in the order given; an id listed twice is not unknown
   * the second time. */
  seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  for (guint i = 0; i < n_ids; i++)
    if (g_hash_table_add (seen, (gpointer) &person_ids[i]))
      g_array_append_val (ids, person_ids[i]);

  ok = self->pg != NULL ? vs_store_pg_delete_people (self->pg, (const gint64 *) ids->data, ids->len, error)
                        : sqlite_delete_people (self, ids, error);
  if (!ok)
    return FALSE;

  changes = vs_store_changes_new ();
  for (guint i = 0; i < ids->len; i++)
    vs_store_changes_add (changes, VS_STORE_CHANGE_PERSON_DELETED, g_array_index (ids, gint64, i), 0);
  vs_store_announce (self, changes);
  return TRUE;
}

gboolean
vs_store_delete_person (VsStore  *self,
                        gint64    person_id,
                        GError  **error)
{
  return vs_store_delete_people (self, &person_id, 1, error);
}

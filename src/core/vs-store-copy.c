/* vs-store-copy.c: the contents of a store as one value, and its checksums. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vs-store-copy.h"
#include "vs-store-private.h"

void
vs_store_contents_clear (VsStoreContents *contents)
{
  g_clear_pointer (&contents->people, g_ptr_array_unref);
  g_clear_pointer (&contents->samples, g_ptr_array_unref);
  g_clear_pointer (&contents->events, g_array_unref);
}

static void
update_int (GChecksum *sum,
            gint64     value)
{
  guint64 le = GUINT64_TO_LE ((guint64) value);

  g_checksum_update (sum, (const guchar *) &le, sizeof le);
}

/* Length first, so that ("ab", "c") and ("a", "bc") differ; -1 for NULL. */
static void
update_bytes (GChecksum  *sum,
              const void *data,
              gssize      size)
{
  update_int (sum, data != NULL ? size : -1);
  if (data != NULL && size > 0)
    g_checksum_update (sum, data, size);
}

static void
update_text (GChecksum  *sum,
             const char *text)
{
  update_bytes (sum, text, text != NULL ? (gssize) strlen (text) : 0);
}

char *
vs_store_contents_checksum (const VsStoreContents *contents,
                            VsStorePart            part)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  switch (part)
    {
    case VS_STORE_PART_PEOPLE:
      for (guint i = 0; i < contents->people->len; i++)
        {
          const VsPerson *p = g_ptr_array_index (contents->people, i);
          update_int (sum, p->id);
          update_text (sum, p->name);
          update_int (sum, p->created);
          update_int (sum, p->updated);
        }
      break;

    case VS_STORE_PART_SAMPLES:
      for (guint i = 0; i < contents->samples->len; i++)
        {
          const VsSample *s = g_ptr_array_index (contents->samples, i);
          guint32 le[1];

          update_int (sum, s->id);
          update_int (sum, s->person_id);
          update_text (sum, s->embedder);
          update_int (sum, s->dim);
          for (guint d = 0; d < s->dim; d++)
            {
              memcpy (le, &s->embedding[d], 4);
              le[0] = GUINT32_TO_LE (le[0]);
              g_checksum_update (sum, (const guchar *) le, 4);
            }
          update_int (sum, (gint64) (s->quality * 1e9));
          update_text (sum, s->source);
          update_int (sum, s->created);
        }
      break;

    case VS_STORE_PART_CROPS:
      for (guint i = 0; i < contents->samples->len; i++)
        {
          const VsSample *s = g_ptr_array_index (contents->samples, i);
          gsize size = 0;
          const void *data = s->crop != NULL ? g_bytes_get_data (s->crop, &size) : NULL;

          update_int (sum, s->id);
          update_bytes (sum, s->crop != NULL ? (data != NULL ? data : "") : NULL, size);
        }
      break;

    case VS_STORE_PART_EVENTS:
      for (guint i = 0; i < contents->events->len; i++)
        {
          const VsStoreEvent *e = &g_array_index (contents->events, VsStoreEvent, i);
          update_int (sum, e->id);
          update_int (sum, e->person_id);
          update_int (sum, e->seen);
        }
      break;

    default:
      g_return_val_if_reached (NULL);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* ---- Everything at once (vs-store-copy.h) -------------------------------- */

static VsPerson *
plain_person_from_row (sqlite3_stmt *stmt)
{
  VsPerson *person = g_new0 (VsPerson, 1);

  person->id = sqlite3_column_int64 (stmt, 0);
  person->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  person->created = sqlite3_column_int64 (stmt, 2);
  person->updated = sqlite3_column_int64 (stmt, 3);
  return person;
}

static gboolean
sqlite_read_all (VsStore          *self,
                 VsStoreContents  *contents,
                 GError          **error)
{
  /* One read transaction: one snapshot of the three tables. */
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_READ, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (txn == NULL)
    return FALSE;
  stmt = vs_sql_prepare (self, "SELECT id, name, created, updated FROM people ORDER BY id", error);
  if (stmt == NULL ||
      (contents->people = vs_sql_collect_rows (self, stmt, (VsRowFunc) plain_person_from_row,
                                               (GDestroyNotify) vs_person_free, error)) == NULL)
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  contents->samples = vs_store_sqlite_list_all_samples (self, error);
  if (contents->samples == NULL)
    return FALSE;
  stmt = vs_sql_prepare (self, "SELECT id, person_id, seen FROM events ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  contents->events = g_array_new (FALSE, FALSE, sizeof (VsStoreEvent));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VsStoreEvent event = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2)
      };
      g_array_append_val (contents->events, event);
    }
  if (rc != SQLITE_DONE)
    return vs_sql_error (self, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);
  return vs_txn_commit (txn, error);
}

gboolean
vs_store_read_all (VsStore          *self,
                   VsStoreContents  *contents,
                   GError          **error)
{
  gboolean ok;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  ok = self->pg != NULL ? vs_store_pg_read_all (self->pg, contents, error)
                        : sqlite_read_all (self, contents, error);
  if (!ok)
    vs_store_contents_clear (contents);
  return ok;
}

static gboolean
sqlite_write_all (VsStore                *self,
                  const VsStoreContents  *contents,
                  GError                **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 n_people;

  if (txn == NULL)
    return FALSE;
  n_people = vs_sql_query_int64 (self, "SELECT count(*) FROM people", -1, error);
  if (n_people < 0)
    return FALSE;
  if (n_people > 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS,
                   _("“%s” already holds %" PRId64 " people; copy only into an empty "
                     "database"), self->path, n_people);
      return FALSE;
    }

  stmt = vs_sql_prepare (self, "INSERT INTO people (id, name, created, updated) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < contents->people->len; i++)
    {
      const VsPerson *p = g_ptr_array_index (contents->people, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, p->id);
      vs_sql_bind_text (stmt, 2, p->name);
      sqlite3_bind_int64 (stmt, 3, p->created);
      sqlite3_bind_int64 (stmt, 4, p->updated);
      if (!vs_sql_step_done (self, stmt, error))
        return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = vs_sql_prepare (self,
                         "INSERT INTO samples (id, person_id, embedder, dim, embedding, quality, crop, source, created)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < contents->samples->len; i++)
    {
      const VsSample *s = g_ptr_array_index (contents->samples, i);

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int64 (stmt, 1, s->id);
      sqlite3_bind_int64 (stmt, 2, s->person_id);
      vs_sql_bind_text (stmt, 3, s->embedder);
      sqlite3_bind_int (stmt, 4, s->dim);
      vs_sql_bind_embedding (stmt, 5, s->embedding, s->dim);
      sqlite3_bind_double (stmt, 6, s->quality);
      if (s->crop != NULL)
        {
          gsize size;
          const void *data = g_bytes_get_data (s->crop, &size);
          sqlite3_bind_blob64 (stmt, 7, data ? data : "", size, SQLITE_STATIC);
        }
      vs_sql_bind_text (stmt, 8, s->source);
      sqlite3_bind_int64 (stmt, 9, s->created);
      if (!vs_sql_step_done (self, stmt, error))
        return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = vs_sql_prepare (self, "INSERT INTO events (id, person_id, seen) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < contents->events->len; i++)
    {
      const VsStoreEvent *e = &g_array_index (contents->events, VsStoreEvent, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, e->id);
      sqlite3_bind_int64 (stmt, 2, e->person_id);
      sqlite3_bind_int64 (stmt, 3, e->seen);
      if (!vs_sql_step_done (self, stmt, error))
        return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return vs_txn_commit (txn, error);
}

gboolean
vs_store_write_all (VsStore                *self,
                    const VsStoreContents  *contents,
                    GError                **error)
{
  GArray *changes;
  gboolean ok;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  ok = self->pg != NULL ? vs_store_pg_write_all (self->pg, contents, error)
                        : sqlite_write_all (self, contents, error);
  if (!ok)
    return FALSE;

  /* Everything is new: listeners read it all again. */
  changes = vs_store_changes_new ();
  vs_store_changes_add (changes, VS_STORE_CHANGE_RESYNC, 0, 0);
  vs_store_announce (self, changes);
  return TRUE;
}

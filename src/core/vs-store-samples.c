/* vs-store-samples.c: face samples — adding, listing, deleting,
 * recomputing — and the gallery snapshots made of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vs-store-private.h"

/* ---- Checks shared by both backends ------------------------------------ */

/* What vs_store_add_samples() promises its backend: every sample has a
 * valid embedding, and samples of one embedder have one size. The size the
 * database already uses for an embedder is checked by the backend, inside
 * its transaction. */
static gboolean
check_samples (GPtrArray  *samples,
               GError    **error)
{
  g_autoptr(GHashTable) dims = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      gpointer known;

      if (!vs_store_embedding_check (sample, i, error))
        return FALSE;
      known = g_hash_table_lookup (dims, sample->embedder);
      if (known == NULL)
        g_hash_table_insert (dims, sample->embedder, GUINT_TO_POINTER (sample->dim));
      else if (GPOINTER_TO_UINT (known) != sample->dim)
        {
          vs_store_set_dim_mismatch (error, i, sample, GPOINTER_TO_UINT (known));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
vs_store_reembed_one (gint64          sample_id,
                      GBytes         *crop,
                      guint           dim,
                      VsReembedFunc   func,
                      gpointer        user_data,
                      float          *embedding,
                      GError        **error)
{
  if (crop == NULL || g_bytes_get_size (crop) == 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                   _("Sample %" PRId64 " has no stored face picture, so it cannot be "
                     "recomputed; delete it and try again"), sample_id);
      return FALSE;
    }
  memset (embedding, 0, (gsize) dim * sizeof (float));
  if (!func (crop, embedding, user_data, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                     _("Sample %" PRId64 " could not be recomputed"), sample_id);
      return FALSE;
    }
  if (!vs_store_embedding_is_valid (embedding, dim))
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                   _("Sample %" PRId64 " gave an invalid embedding"), sample_id);
      return FALSE;
    }
  return TRUE;
}

/* ---- SQLite ------------------------------------------------------------ */

/* The size the database already uses for each embedder of the batch. */
static gboolean
sqlite_check_dims (VsStore     *self,
                   GPtrArray   *samples,
                   GError     **error)
{
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      gint64 dim = vs_sql_query_int64_text (self, "SELECT dim FROM samples WHERE embedder = ? LIMIT 1",
                                            sample->embedder, error);
      if (dim < 0)
        return FALSE;
      if (dim > 0 && dim != sample->dim)
        {
          vs_store_set_dim_mismatch (error, i, sample, (guint) dim);
          return FALSE;
        }
    }
  return TRUE;
}

static gint64
sqlite_insert_person (VsStore     *self,
                      const char  *normalized,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    vs_sql_prepare (self, "INSERT INTO people (name, created, updated) VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return 0;
  vs_sql_bind_text (stmt, 1, normalized);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!vs_sql_step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

/* Writes the samples; their ids go to ids_out (only handed to the samples
 * once committed). */
static gint64
sqlite_add_samples (VsStore     *self,
                    gint64       person_id,
                    const char  *normalized,
                    GPtrArray   *samples,
                    gint64       now,
                    gint64      *ids_out,
                    gboolean    *created,
                    GError     **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) touch = NULL;
  guint n = samples != NULL ? samples->len : 0;

  if (txn == NULL || !sqlite_check_dims (self, samples, error))
    return 0;

  if (person_id == 0)
    {
      person_id = vs_store_sqlite_find_person_id (self, normalized, 0, error);
      if (person_id < 0)
        return 0;
      if (person_id == 0)
        {
          person_id = sqlite_insert_person (self, normalized, now, error);
          if (person_id == 0)
            return 0;
          *created = TRUE;
        }
    }

  touch = vs_sql_prepare (self, "UPDATE people SET updated = ? WHERE id = ?", error);
  if (touch == NULL)
    return 0;
  sqlite3_bind_int64 (touch, 1, now);
  sqlite3_bind_int64 (touch, 2, person_id);
  if (!vs_sql_step_changed (self, touch, FALSE, person_id, error))
    return 0;

  insert = vs_sql_prepare (self,
                           "INSERT INTO samples (person_id, embedder, dim, embedding, quality, crop, source, created)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);

      sqlite3_reset (insert);
      sqlite3_clear_bindings (insert);
      sqlite3_bind_int64 (insert, 1, person_id);
      vs_sql_bind_text (insert, 2, sample->embedder);
      sqlite3_bind_int (insert, 3, sample->dim);
      vs_sql_bind_embedding (insert, 4, sample->embedding, sample->dim);
      sqlite3_bind_double (insert, 5, sample->quality);
      if (sample->crop != NULL)
        {
          gsize size;
          const void *data = g_bytes_get_data (sample->crop, &size);
          sqlite3_bind_blob64 (insert, 6, data ? data : "", size, SQLITE_STATIC);
        }
      vs_sql_bind_text (insert, 7, sample->source);
      sqlite3_bind_int64 (insert, 8, sample->created > 0 ? sample->created : now);
      if (!vs_sql_step_done (self, insert, error))
        return 0;
      ids_out[i] = sqlite3_last_insert_rowid (self->db);
    }
  g_clear_pointer (&insert, sqlite3_finalize);
  g_clear_pointer (&touch, sqlite3_finalize);

  if (!vs_txn_commit (txn, error))
    return 0;
  return person_id;
}

static VsSample *
sample_from_row (sqlite3_stmt *stmt)
{
  VsSample *sample = g_new0 (VsSample, 1);
  const void *crop;

  sample->id = sqlite3_column_int64 (stmt, 0);
  sample->person_id = sqlite3_column_int64 (stmt, 1);
  sample->embedder = vs_sql_column_text (stmt, 2, "");
  sample->embedding = vs_sql_column_embedding (stmt, 3, &sample->dim);
  sample->quality = sqlite3_column_double (stmt, 4);
  crop = sqlite3_column_blob (stmt, 5);
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    sample->crop = g_bytes_new (crop, sqlite3_column_bytes (stmt, 5));
  sample->source = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  sample->created = sqlite3_column_int64 (stmt, 7);
  return sample;
}

#define SAMPLE_COLUMNS \
  "SELECT id, person_id, embedder, embedding, quality, crop, source, created FROM samples "

GPtrArray *
vs_store_sqlite_list_all_samples (VsStore  *self,
                                  GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = vs_sql_prepare (self, SAMPLE_COLUMNS "ORDER BY id", error);

  if (stmt == NULL)
    return NULL;
  return vs_sql_collect_rows (self, stmt, (VsRowFunc) sample_from_row,
                              (GDestroyNotify) vs_sample_free, error);
}

static GPtrArray *
sqlite_list_samples (VsStore  *self,
                     gint64    person_id,
                     GError  **error)
{
  /* One read transaction: the person and their samples from one snapshot. */
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_READ, error);
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  if (txn == NULL)
    return NULL;
  person = vs_store_sqlite_get_person (self, person_id, error);
  if (person == NULL)
    return NULL;
  stmt = vs_sql_prepare (self, SAMPLE_COLUMNS "WHERE person_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  samples = vs_sql_collect_rows (self, stmt, (VsRowFunc) sample_from_row,
                                 (GDestroyNotify) vs_sample_free, error);
  if (samples == NULL)
    return NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);
  vs_txn_commit (txn, NULL);
  return g_steal_pointer (&samples);
}

static gboolean
sqlite_delete_sample (VsStore  *self,
                      gint64    sample_id,
                      gint64   *person_id_out,
                      GError  **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 person_id;

  if (txn == NULL)
    return FALSE;
  stmt = vs_sql_prepare (self, "SELECT person_id FROM samples WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sample_id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      person_id = sqlite3_column_int64 (stmt, 0);
      break;
    case SQLITE_DONE:
      return vs_store_set_not_found (error, TRUE, sample_id);
    default:
      return vs_sql_error (self, sqlite3_errcode (self->db), error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = vs_sql_prepare (self, "UPDATE people SET updated = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, vs_store_now ());
  sqlite3_bind_int64 (stmt, 2, person_id);
  if (!vs_sql_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = vs_sql_prepare (self, "DELETE FROM samples WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sample_id);
  if (!vs_sql_step_changed (self, stmt, TRUE, sample_id, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  vs_txn_set_checkpoint (txn);
  if (!vs_txn_commit (txn, error))
    return FALSE;
  *person_id_out = person_id;
  return TRUE;
}

static GBytes *
sqlite_get_person_thumbnail (VsStore  *self,
                             gint64    person_id,
                             GError  **error)
{
  /* Only the crop column is read: lists ask for one picture per row. */
  g_autoptr(sqlite3_stmt) stmt =
    vs_sql_prepare (self,
                    "SELECT crop FROM samples WHERE person_id = ? AND crop IS NOT NULL"
                    " ORDER BY id LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) > 0)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    vs_sql_error (self, rc, error);
  return NULL;
}

static GArray *
sqlite_sample_ids (VsStore  *self,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) list = vs_sql_prepare (self, "SELECT id FROM samples ORDER BY id", error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (list == NULL)
    return NULL;
  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (list, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      vs_sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static gboolean
sqlite_reembed (VsStore         *self,
                const char      *embedder,
                guint            dim,
                VsReembedFunc    func,
                VsProgressFunc   progress,
                gpointer         user_data,
                GError         **error)
{
  /* The write lock is held throughout, so no sample can be added or removed
   * half-way; other writers wait (and time out on a very long run). */
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autofree float *embedding = NULL;

  if (txn == NULL)
    return FALSE;
  /* Ids first: the table is not updated under a running SELECT. */
  ids = sqlite_sample_ids (self, error);
  if (ids == NULL)
    return FALSE;
  read = vs_sql_prepare (self, "SELECT crop FROM samples WHERE id = ?", error);
  update = vs_sql_prepare (self, "UPDATE samples SET embedding = ?, dim = ?, embedder = ? WHERE id = ?", error);
  if (read == NULL || update == NULL)
    return FALSE;

  embedding = g_new (float, dim);
  if (progress != NULL)
    progress (0, ids->len, user_data);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(GBytes) crop = NULL;
      int rc;

      sqlite3_reset (read);
      sqlite3_bind_int64 (read, 1, id);
      rc = sqlite3_step (read);
      if (rc != SQLITE_ROW)
        return vs_sql_error (self, rc, error);
      if (sqlite3_column_type (read, 0) != SQLITE_NULL)
        crop = g_bytes_new (sqlite3_column_blob (read, 0), sqlite3_column_bytes (read, 0));
      sqlite3_reset (read);

      if (!vs_store_reembed_one (id, crop, dim, func, user_data, embedding, error))
        return FALSE;

      sqlite3_reset (update);
      vs_sql_bind_embedding (update, 1, embedding, dim);
      sqlite3_bind_int (update, 2, dim);
      vs_sql_bind_text (update, 3, embedder);
      sqlite3_bind_int64 (update, 4, id);
      if (!vs_sql_step_done (self, update, error))
        return FALSE;

      if (progress != NULL)
        progress (i + 1, ids->len, user_data);
    }

  g_clear_pointer (&read, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);
  /* The old embeddings were overwritten: flush their frames out too. */
  vs_txn_set_checkpoint (txn);
  return vs_txn_commit (txn, error);
}

static char *
sqlite_dup_embedder (VsStore  *self,
                     GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    vs_sql_prepare (self,
                    "SELECT embedder FROM samples GROUP BY embedder"
                    " ORDER BY count(*) DESC, max(id) DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    vs_sql_error (self, rc, error);
  return NULL;
}

/* Adds the rows (person_id, name, embedding) of stmt whose embedding has the
 * gallery's size and is valid; returns how many were skipped, -1 on error. */
static int
sqlite_add_gallery_rows (VsStore       *self,
                         VsGallery     *gallery,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  guint dim = vs_gallery_get_dim (gallery);
  gint64 last_person = 0;
  int n_skipped = 0;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 person_id = sqlite3_column_int64 (stmt, 0);
      const void *blob = sqlite3_column_blob (stmt, 2);
      int bytes = sqlite3_column_bytes (stmt, 2);
      g_autofree float *embedding = NULL;
      guint row_dim;

      if (blob == NULL || bytes != (gint64) dim * 4)
        {
          n_skipped++;
          continue;
        }
      embedding = vs_sql_column_embedding (stmt, 2, &row_dim);
      if (!vs_store_embedding_is_valid (embedding, row_dim))
        {
          n_skipped++;
          continue;
        }
      if (person_id != last_person)
        {
          g_autofree char *name = vs_sql_column_text (stmt, 1, "");
          vs_gallery_add_person (gallery, person_id, name);
          last_person = person_id;
        }
      vs_gallery_add_sample (gallery, person_id, embedding);
    }
  if (rc != SQLITE_DONE)
    {
      vs_sql_error (self, rc, error);
      return -1;
    }
  return n_skipped;
}

static VsGallery *
sqlite_load_gallery (VsStore     *self,
                     const char  *embedder,
                     GError     **error)
{
  /* One snapshot for the dimension and the rows. */
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_READ, error);
  g_autoptr(VsGallery) gallery = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 dim = 0;
  int n_skipped;
  int rc;

  if (txn == NULL)
    return NULL;
  /* The dimension most rows have; stray rows of another size are skipped. */
  stmt = vs_sql_prepare (self,
                         "SELECT dim FROM samples WHERE embedder = ?"
                         " GROUP BY dim ORDER BY count(*) DESC, dim LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  vs_sql_bind_text (stmt, 1, embedder);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    dim = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return vs_sql_error (self, rc, error), NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);

  gallery = vs_gallery_new (embedder, (guint) MAX (dim, 0));
  stmt = vs_sql_prepare (self,
                         "SELECT s.person_id, p.name, s.embedding FROM samples s"
                         " JOIN people p ON p.id = s.person_id"
                         " WHERE s.embedder = ? ORDER BY s.person_id, s.id", error);
  if (stmt == NULL)
    return NULL;
  vs_sql_bind_text (stmt, 1, embedder);
  n_skipped = sqlite_add_gallery_rows (self, gallery, stmt, error);
  if (n_skipped < 0)
    return NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);
  vs_txn_commit (txn, NULL);

  if (n_skipped > 0)
    g_debug ("Gallery %s: skipped %d samples that are not %" G_GINT64_FORMAT "-d or invalid",
             embedder, n_skipped, dim);
  return g_steal_pointer (&gallery);
}

static gboolean
sqlite_add_people_to_gallery (VsStore       *self,
                              VsGallery     *gallery,
                              const gint64  *person_ids,
                              guint          n_ids,
                              GError       **error)
{
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_READ, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (txn == NULL)
    return FALSE;
  stmt = vs_sql_prepare (self,
                         "SELECT s.person_id, p.name, s.embedding FROM samples s"
                         " JOIN people p ON p.id = s.person_id"
                         " WHERE s.embedder = ? AND s.person_id = ? ORDER BY s.id", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      vs_sql_bind_text (stmt, 1, vs_gallery_get_embedder (gallery));
      sqlite3_bind_int64 (stmt, 2, person_ids[i]);
      if (sqlite_add_gallery_rows (self, gallery, stmt, error) < 0)
        return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return vs_txn_commit (txn, error);
}

/* ---- The public calls ------------------------------------------------- */

gint64
vs_store_add_samples (VsStore     *self,
                      gint64       person_id,
                      const char  *name,
                      GPtrArray   *samples,
                      GError     **error)
{
  g_autofree char *normalized = NULL;
  g_autofree gint64 *ids = NULL;
  gint64 now = vs_store_now ();
  guint n = samples != NULL ? samples->len : 0;
  gboolean created = FALSE;
  GArray *changes;

  g_return_val_if_fail (VS_IS_STORE (self), 0);
  g_return_val_if_fail (person_id >= 0, 0);

  if (person_id == 0)
    {
      normalized = vs_person_name_normalize (name, error);
      if (normalized == NULL)
        return 0;
    }
  if (!check_samples (samples, error))
    return 0;

  ids = g_new0 (gint64, MAX (n, 1));
  person_id = self->pg != NULL
    ? vs_store_pg_add_samples (self->pg, person_id, normalized, samples, now, ids, &created, error)
    : sqlite_add_samples (self, person_id, normalized, samples, now, ids, &created, error);
  if (person_id == 0)
    return 0;

  /* Only now that they are stored do the samples learn their ids. */
  changes = vs_store_changes_new ();
  if (created)
    vs_store_changes_add (changes, VS_STORE_CHANGE_PERSON_ADDED, person_id, 0);
  for (guint i = 0; i < n; i++)
    {
      VsSample *sample = g_ptr_array_index (samples, i);

      sample->id = ids[i];
      sample->person_id = person_id;
      if (sample->created <= 0)
        sample->created = now;
      vs_store_changes_add (changes, VS_STORE_CHANGE_SAMPLES_ADDED, person_id, ids[i]);
    }
  vs_store_announce (self, changes);
  return person_id;
}

GPtrArray *
vs_store_list_samples (VsStore  *self,
                       gint64    person_id,
                       GError  **error)
{
  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  if (self->pg != NULL)
    return vs_store_pg_list_samples (self->pg, person_id, error);
  return sqlite_list_samples (self, person_id, error);
}

gboolean
vs_store_delete_sample (VsStore  *self,
                        gint64    sample_id,
                        GError  **error)
{
  gint64 person_id = 0;
  gboolean ok;
  GArray *changes;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  if (sample_id <= 0)
    return vs_store_set_not_found (error, TRUE, sample_id);
  ok = self->pg != NULL ? vs_store_pg_delete_sample (self->pg, sample_id, &person_id, error)
                        : sqlite_delete_sample (self, sample_id, &person_id, error);
  if (!ok)
    return FALSE;

  changes = vs_store_changes_new ();
  vs_store_changes_add (changes, VS_STORE_CHANGE_SAMPLES_REMOVED, person_id, sample_id);
  vs_store_announce (self, changes);
  return TRUE;
}

GBytes *
vs_store_get_person_thumbnail (VsStore  *self,
                               gint64    person_id,
                               GError  **error)
{
  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  if (self->pg != NULL)
    return vs_store_pg_get_person_thumbnail (self->pg, person_id, error);
  return sqlite_get_person_thumbnail (self, person_id, error);
}

gboolean
vs_store_reembed (VsStore         *self,
                  const char      *embedder,
                  guint            dim,
                  VsReembedFunc    func,
                  VsProgressFunc   progress,
                  gpointer         user_data,
                  GError         **error)
{
  gboolean ok;
  GArray *changes;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (embedder == NULL || *embedder == '\0' || dim == 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                   _("No model given to recompute the samples with"));
      return FALSE;
    }
  ok = self->pg != NULL ? vs_store_pg_reembed (self->pg, embedder, dim, func, progress, user_data, error)
                        : sqlite_reembed (self, embedder, dim, func, progress, user_data, error);
  if (!ok)
    return FALSE;

  changes = vs_store_changes_new ();
  vs_store_changes_add (changes, VS_STORE_CHANGE_EMBEDDER_CHANGED, 0, 0);
  vs_store_announce (self, changes);
  return TRUE;
}

char *
vs_store_dup_embedder (VsStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  if (self->pg != NULL)
    return vs_store_pg_dup_embedder (self->pg, error);
  return sqlite_dup_embedder (self, error);
}

VsGallery *
vs_store_load_gallery (VsStore     *self,
                       const char  *embedder,
                       GError     **error)
{
  VsGallery *gallery;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);
  g_return_val_if_fail (embedder != NULL, NULL);

  gallery = self->pg != NULL ? vs_store_pg_load_gallery (self->pg, embedder, error)
                             : sqlite_load_gallery (self, embedder, error);
  if (gallery != NULL)
    g_debug ("Gallery %s: %u samples of %u people", embedder,
             vs_gallery_get_n_samples (gallery), vs_gallery_get_n_people (gallery));
  return gallery;
}

gboolean
vs_store_add_people_to_gallery (VsStore       *self,
                                VsGallery     *gallery,
                                const gint64  *person_ids,
                                guint          n_ids,
                                GError       **error)
{
  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  g_return_val_if_fail (gallery != NULL, FALSE);
  g_return_val_if_fail (person_ids != NULL || n_ids == 0, FALSE);

  if (n_ids == 0)
    return TRUE;
  if (self->pg != NULL)
    return vs_store_pg_add_people_to_gallery (self->pg, gallery, person_ids, n_ids, error);
  return sqlite_add_people_to_gallery (self, gallery, person_ids, n_ids, error);
}

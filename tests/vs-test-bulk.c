/* vs-test-bulk.c: large synthetic galleries for tests (vs-test-bulk.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <sqlite3.h>

#include "vs-store.h"
#include "vs-test-bulk.h"

void
vs_test_bulk_insert_people (const char *path,
                            guint       n_people,
                            guint       n_samples,
                            const char *embedder,
                            guint       dim,
                            GBytes     *crop,
                            guint32     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (path, &error);   /* creates the schema */
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree float *embedding = g_new (float, dim);
  sqlite3 *db = NULL;
  sqlite3_stmt *person = NULL, *sample = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO people (name, created, updated) VALUES (?, ?, ?)",
                                       -1, &person, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO samples (person_id, embedder, dim, embedding, quality, crop, source, created)"
                                       " VALUES (?, ?, ?, ?, 0.9, ?, 'test', ?)",
                                       -1, &sample, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n_people; i++)
    {
      g_autofree char *name = g_strdup_printf ("Person %05u", i);
      gint64 id;

      sqlite3_reset (person);
      sqlite3_bind_text (person, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (person, 2, 1700000000 + i);
      sqlite3_bind_int64 (person, 3, 1700000000 + i);
      g_assert_cmpint (sqlite3_step (person), ==, SQLITE_DONE);
      id = sqlite3_last_insert_rowid (db);

      for (guint s = 0; s < n_samples; s++)
        {
          double norm = 0;

          for (guint k = 0; k < dim; k++)
            {
              embedding[k] = (float) g_rand_double_range (rand, -1, 1);
              norm += embedding[k] * embedding[k];
            }
          for (guint k = 0; k < dim; k++)
            embedding[k] /= (float) sqrt (norm);

          sqlite3_reset (sample);
          sqlite3_bind_int64 (sample, 1, id);
          sqlite3_bind_text (sample, 2, embedder, -1, SQLITE_STATIC);
          sqlite3_bind_int (sample, 3, (int) dim);
          sqlite3_bind_blob (sample, 4, embedding, (int) (dim * sizeof (float)), SQLITE_TRANSIENT);
          if (crop != NULL)
            sqlite3_bind_blob (sample, 5, g_bytes_get_data (crop, NULL), (int) g_bytes_get_size (crop), SQLITE_STATIC);
          else
            sqlite3_bind_null (sample, 5);
          sqlite3_bind_int64 (sample, 6, 1700000000 + i);
          g_assert_cmpint (sqlite3_step (sample), ==, SQLITE_DONE);
        }
    }
  sqlite3_finalize (person);
  sqlite3_finalize (sample);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

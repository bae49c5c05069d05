/* vs-store-private.h: what the store's files share, not for callers.
 *
 * The store is split by concern: vs-store.c (the object, opening, migrations,
 * transactions, announcing changes), vs-store-people.c, vs-store-samples.c
 * (samples, galleries, reembed), vs-store-events.c ("last seen") and
 * vs-store-copy.c (everything at once). Each public vs_store_* function
 * checks its arguments, hands them to the SQLite code here or to
 * vs-store-pg.c, and announces what changed; the backends assume valid
 * input.
 */
#pragma once

#include <sqlite3.h>

#include "vs-store.h"
#include "vs-store-pg.h"

G_BEGIN_DECLS

#define VS_STORE_BUSY_TIMEOUT_MS 10000

struct _VsStore
{
  GObject  parent_instance;

  char    *path;
  /* The database as VsStoreMonitor matches writers to it: the absolute file
   * name or the connection string; NULL in memory (nobody else sees it). */
  char    *key;
  sqlite3 *db;
  gint64   own_commits;   /* data_version ignores this connection's commits */
  gboolean checkpoint_pending;
  gboolean read_only;     /* never creates, converts or migrates */
  gboolean in_memory;     /* vs_store_open_empty */
  gboolean has_generation; /* schema 2: the generation row exists */
  VsStorePg *pg;          /* a PostgreSQL server instead: every call goes there */
  char    *open_file;     /* counted in the process's open SQLite files (vs-store.c) */
  gboolean reopened;      /* another connection of this process had the file open */
};

/* ---- Transactions (SQLite) ------------------------------------------------
 *
 * A VsTxn rolls back when it is freed unless vs_txn_commit() succeeded, so a
 * function takes one with g_autoptr and returns early on any error:
 *
 *   g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
 *   if (txn == NULL || !step (…))
 *     return FALSE;             // rolled back here
 *   return vs_txn_commit (txn, error);
 *
 * A write transaction takes the write lock at once (BEGIN IMMEDIATE: never
 * a read lock that fails to upgrade) and moves the database's generation
 * on commit, which is how VsStoreMonitor tells this process's writes from
 * another's. */
typedef enum {
  VS_TXN_READ,    /* one snapshot for several reads */
  VS_TXN_WRITE,
} VsTxnMode;

typedef struct _VsTxn VsTxn;

VsTxn    *vs_txn_begin           (VsStore   *store,
                                  VsTxnMode  mode,
                                  GError   **error);
/* The change overwrote or freed biometric data: checkpoint after commit so
 * no old byte stays in WAL frames. */
void      vs_txn_set_checkpoint  (VsTxn     *txn);
gboolean  vs_txn_commit          (VsTxn     *txn,
                                  GError   **error);
/* Rolls back unless committed. */
void      vs_txn_free            (VsTxn     *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsTxn, vs_txn_free)

/* ---- SQLite helpers (vs-store.c) ----------------------------------------- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

gboolean      vs_sql_error         (VsStore       *self,
                                    int            rc,
                                    GError       **error);
gboolean      vs_sql_exec          (VsStore       *self,
                                    const char    *sql,
                                    GError       **error);
sqlite3_stmt *vs_sql_prepare       (VsStore       *self,
                                    const char    *sql,
                                    GError       **error);
/* Runs a statement that returns no row. */
gboolean      vs_sql_step_done     (VsStore       *self,
                                    sqlite3_stmt  *stmt,
                                    GError       **error);
/* Runs a change that must touch a row: none touched means the id is
 * unknown (VS_STORE_ERROR_NOT_FOUND). */
gboolean      vs_sql_step_changed  (VsStore       *self,
                                    sqlite3_stmt  *stmt,
                                    gboolean       is_sample,
                                    gint64         id,
                                    GError       **error);
typedef gpointer (*VsRowFunc) (sqlite3_stmt *stmt);
GPtrArray    *vs_sql_collect_rows  (VsStore       *self,
                                    sqlite3_stmt  *stmt,
                                    VsRowFunc      from_row,
                                    GDestroyNotify free_func,
                                    GError       **error);
gint64        vs_sql_query_int64   (VsStore       *self,
                                    const char    *sql,
                                    gint64         fallback,
                                    GError       **error);
/* The first column of the first row of sql with one text parameter: 0 when
 * there is no row, -1 on error. */
gint64        vs_sql_query_int64_text (VsStore    *self,
                                       const char *sql,
                                       const char *text,
                                       GError    **error);
void          vs_sql_bind_text     (sqlite3_stmt  *stmt,
                                    int            index,
                                    const char    *text);
void          vs_sql_bind_embedding (sqlite3_stmt *stmt,
                                     int           index,
                                     const float  *embedding,
                                     guint         dim);
float        *vs_sql_column_embedding (sqlite3_stmt *stmt,
                                       int           index,
                                       guint        *dim_out);
/* Never NULL or invalid UTF-8, whatever a damaged database holds. */
char         *vs_sql_column_text   (sqlite3_stmt  *stmt,
                                    int            column,
                                    const char    *fallback);

gint64    vs_store_now             (void);
gboolean  vs_store_set_not_found   (GError       **error,
                                    gboolean       is_sample,
                                    gint64         id);
/* The message for two people whose names cannot be told apart. */
void      vs_store_set_name_taken  (GError       **error,
                                    const char    *name,
                                    const char    *other_name);
void      vs_store_set_dim_mismatch (GError      **error,
                                     guint         index,
                                     const VsSample *sample,
                                     guint         known_dim);

/* ---- Changes (vs-store.c, vs-store-monitor.c) ---------------------------- */

/* Emits VsStore::changed and posts the batch to this process's monitors of
 * the same database. Takes `changes` (VsStoreChange). */
void      vs_store_announce        (VsStore       *self,
                                    GArray        *changes);
GArray   *vs_store_changes_new     (void);
void      vs_store_changes_add     (GArray        *changes,
                                    VsStoreChangeKind kind,
                                    gint64         person_id,
                                    gint64         sample_id);
const char *vs_store_get_key       (VsStore       *self);
/* The SQLite database's generation and PRAGMA data_version, read from one
 * snapshot; FALSE when unknown (in memory, an old schema, an error). */
gboolean  vs_store_read_generation (VsStore       *self,
                                    gint64        *generation,
                                    gint64        *data_version);
/* The same without waiting for a lock: FALSE at once, with *busy set,
 * when the database is locked for a moment. */
gboolean  vs_store_try_read_generation (VsStore   *self,
                                        gint64    *generation,
                                        gint64    *data_version,
                                        gboolean  *busy);

/* vs-store-monitor.c: a write transaction holds generation `generation`
 * and is about to commit: monitors must not take it for another process's.
 * Withdrawn when the commit fails. */
void      vs_store_monitor_claim_generation    (const char *key,
                                                gint64      generation,
                                                VsStore    *writer);
void      vs_store_monitor_withdraw_generation (const char *key,
                                                gint64      generation);
void      vs_store_monitor_post    (const char    *key,
                                    GArray        *changes);

/* ---- The SQLite backend, one function per public call -------------------- */

GPtrArray *vs_store_sqlite_list_people   (VsStore *self, GError **error);
VsPerson  *vs_store_sqlite_get_person    (VsStore *self, gint64 person_id, GError **error);
gint64     vs_store_sqlite_find_person_id (VsStore *self, const char *normalized,
                                           gint64 except_id, GError **error);

GPtrArray *vs_store_sqlite_list_all_samples (VsStore *self, GError **error);

/* Checks of one sample's embedding (no embedding, invalid values), the
 * same words on both backends. */
gboolean   vs_store_embedding_check      (const VsSample *sample,
                                          guint           index,
                                          GError        **error);
/* One sample of a reembed: its crop through func into embedding (dim
 * floats), checked; both backends' errors in the same words. */
gboolean   vs_store_reembed_one          (gint64          sample_id,
                                          GBytes         *crop,
                                          guint           dim,
                                          VsReembedFunc   func,
                                          gpointer        user_data,
                                          float          *embedding,
                                          GError        **error);

G_END_DECLS

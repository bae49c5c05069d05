/* vs-store.c: the store itself — opening, migrations, transactions, and
 * announcing what changed.
 *
 * SQLite: WAL mode so that the GUI can read while the CLI writes; a busy
 * timeout so a second writer waits instead of failing; BEGIN IMMEDIATE for
 * every change so that a transaction never has to upgrade a read lock
 * (which fails at once). Embeddings are biometric data: secure_delete zeroes
 * freed content and every delete ends with a TRUNCATE checkpoint, so no copy
 * survives in the WAL.
 *
 * People, samples, events and copying live in vs-store-people.c,
 * vs-store-samples.c, vs-store-events.c and vs-store-copy.c; the server
 * backend in vs-store-pg.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vs-store-private.h"
#include "vs-store-monitor.h"

/* "Visg": marks the file as ours, so we never migrate someone else's. */
#define VS_STORE_APPLICATION_ID 0x56697367

G_DEFINE_QUARK (vs-store-error-quark, vs_store_error)

/* Each step runs in its own transaction and moves user_version from its
 * index to index + 1. Append only: never edit a released step. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE people ("
  "  id      INTEGER PRIMARY KEY,"
  "  name    TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL"
  ");"
  "CREATE INDEX people_name ON people(name);"
  "CREATE TABLE samples ("
  "  id        INTEGER PRIMARY KEY,"
  "  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
  "  embedder  TEXT NOT NULL,"
  "  dim       INTEGER NOT NULL,"
  "  embedding BLOB NOT NULL,"     /* dim float32, little-endian */
  "  quality   REAL,"
  "  crop      BLOB,"              /* PNG, aligned 112×112 face */
  "  source    TEXT,"
  "  created   INTEGER NOT NULL"
  ");"
  "CREATE INDEX samples_person ON samples(person_id);"
  "CREATE INDEX samples_embedder ON samples(embedder);"
  "CREATE TABLE events ("
  "  id        INTEGER PRIMARY KEY,"
  "  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
  "  seen      INTEGER NOT NULL"
  ");"
  "CREATE INDEX events_person_seen ON events(person_id, seen);",
  /* 1 → 2: every write transaction moves the generation by one, so a
   * monitor can tell whether writes it did not hear about (another
   * process's) happened, without a timer and without guessing. */
  "CREATE TABLE generation ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  n  INTEGER NOT NULL"
  ");"
  "INSERT INTO generation (id, n) VALUES (1, 0);",
};

#define SCHEMA_WITH_GENERATION 2

static void vs_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsStore, vs_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      vs_store_initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- SQLite helpers --------------------------------------------------- */

gboolean
vs_sql_error (VsStore     *self,
              int          rc,
              GError     **error)
{
  int ext = sqlite3_extended_errcode (self->db);
  const char *msg = sqlite3_errmsg (self->db);

  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS,
                 _("This entry already exists (%s)"), msg);
  else if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                 _("The database “%s” is damaged: %s"), self->path, msg);
  else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_IO,
                 _("The database “%s” is busy in another program; try again (%s)"),
                 self->path, msg);
  else if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_IO,
                 _("The disk holding “%s” is full"), self->path);
  else if ((rc & 0xff) == SQLITE_READONLY)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_IO,
                 _("The database “%s” cannot be written (read-only)"), self->path);
  else
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_IO,
                 _("Database error in “%s”: %s"), self->path, msg);
  return FALSE;
}

gboolean
vs_sql_exec (VsStore     *self,
             const char  *sql,
             GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return vs_sql_error (self, rc, error);
  return TRUE;
}

sqlite3_stmt *
vs_sql_prepare (VsStore     *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      vs_sql_error (self, rc, error);
      return NULL;
    }
  return stmt;
}

gboolean
vs_sql_step_done (VsStore       *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return vs_sql_error (self, rc, error);
  return TRUE;
}

gboolean
vs_store_set_not_found (GError  **error,
                        gboolean  is_sample,
                        gint64    id)
{
  if (is_sample)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND,
                 _("No sample with id %" PRId64), id);
  else
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND,
                 _("No person with id %" PRId64), id);
  return FALSE;
}

void
vs_store_set_name_taken (GError     **error,
                         const char  *name,
                         const char  *other_name)
{
  g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS,
               _("“%s” is already the name of someone else (“%s”); names that differ only in "
                 "case or accents are the same name"),
               name, other_name ? other_name : name);
}

void
vs_store_set_dim_mismatch (GError         **error,
                           guint            index,
                           const VsSample  *sample,
                           guint            known_dim)
{
  g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
               _("Sample %u has %u values, but the model “%s” gives %u"),
               index + 1, sample->dim, sample->embedder, known_dim);
}

gboolean
vs_sql_step_changed (VsStore       *self,
                     sqlite3_stmt  *stmt,
                     gboolean       is_sample,
                     gint64         id,
                     GError       **error)
{
  if (!vs_sql_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return vs_store_set_not_found (error, is_sample, id);
  return TRUE;
}

GPtrArray *
vs_sql_collect_rows (VsStore          *self,
                     sqlite3_stmt     *stmt,
                     VsRowFunc         from_row,
                     GDestroyNotify    free_func,
                     GError          **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vs_sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

gint64
vs_sql_query_int64 (VsStore     *self,
                    const char  *sql,
                    gint64       fallback,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = vs_sql_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return fallback;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    vs_sql_error (self, rc, error);
  return fallback;
}

gint64
vs_sql_query_int64_text (VsStore     *self,
                         const char  *sql,
                         const char  *text,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = vs_sql_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;
  vs_sql_bind_text (stmt, 1, text);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return 0;
  vs_sql_error (self, rc, error);
  return -1;
}

/* Moves every WAL frame into the database and empties the WAL, so the zeroed
 * pages replace the old ones and no old frame keeps deleted bytes. */
#define VS_STORE_CHECKPOINT_TIMEOUT_MS 2000

static void
checkpoint (VsStore *self)
{
  int n_log = -1, n_done = -1;
  int rc;

  /* A reader (the GUI's recognizer, say) can hold the WAL; do not freeze the
   * caller for the whole busy timeout: retry after the next commit and when
   * closing instead. */
  sqlite3_busy_timeout (self->db, VS_STORE_CHECKPOINT_TIMEOUT_MS);
  rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &n_log, &n_done);
  sqlite3_busy_timeout (self->db, VS_STORE_BUSY_TIMEOUT_MS);

  self->checkpoint_pending = rc != SQLITE_OK || n_log != n_done;
  if (self->checkpoint_pending)
    g_debug ("Checkpoint of %s incomplete (%s, %d of %d frames); will retry",
             self->path, sqlite3_errstr (rc), n_done, n_log);
}

gint64
vs_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
vs_sql_bind_text (sqlite3_stmt *stmt,
                  int           index,
                  const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Embeddings are stored as float32 little-endian whatever the host. */
void
vs_sql_bind_embedding (sqlite3_stmt *stmt,
                       int           index,
                       const float  *embedding,
                       guint         dim)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  sqlite3_bind_blob64 (stmt, index, embedding, (sqlite3_uint64) dim * 4, SQLITE_TRANSIENT);
#else
  guint32 *le = g_new (guint32, dim);

  for (guint i = 0; i < dim; i++)
    {
      guint32 bits;
      memcpy (&bits, &embedding[i], 4);
      le[i] = GUINT32_TO_LE (bits);
    }
  sqlite3_bind_blob64 (stmt, index, le, (sqlite3_uint64) dim * 4, g_free);
#endif
}

float *
vs_sql_column_embedding (sqlite3_stmt *stmt,
                         int           index,
                         guint        *dim_out)
{
  const void *blob = sqlite3_column_blob (stmt, index);
  guint dim = sqlite3_column_bytes (stmt, index) / 4;
  float *embedding = g_new (float, MAX (dim, 1));

  if (blob != NULL)
    memcpy (embedding, blob, (gsize) dim * 4);
#if G_BYTE_ORDER != G_LITTLE_ENDIAN
  for (guint i = 0; i < dim; i++)
    {
      guint32 bits;
      memcpy (&bits, &embedding[i], 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&embedding[i], &bits, 4);
    }
#endif
  *dim_out = dim;
  return embedding;
}

/* A damaged or hand-edited database can hold anything in a column: never
 * hand out NULL or invalid UTF-8 where a string is promised (fuzz-store
 * found a NULL name reaching g_utf8_casefold). */
char *
vs_sql_column_text (sqlite3_stmt *stmt,
                    int           column,
                    const char   *fallback)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? g_utf8_make_valid (text, -1) : g_strdup (fallback);
}

gboolean
vs_store_embedding_is_valid (const float *embedding,
                             guint        dim)
{
  gboolean nonzero = FALSE;

  for (guint i = 0; i < dim; i++)
    {
      if (!isfinite (embedding[i]))
        return FALSE;
      if (embedding[i] != 0)
        nonzero = TRUE;
    }
  return nonzero;
}

/* What every backend may assume of a sample it is given. */
gboolean
vs_store_embedding_check (const VsSample  *sample,
                          guint            index,
                          GError         **error)
{
  if (sample == NULL || sample->embedder == NULL || *sample->embedder == '\0' ||
      sample->embedding == NULL || sample->dim == 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                   _("Sample %u has no embedding"), index + 1);
      return FALSE;
    }
  if (!vs_store_embedding_is_valid (sample->embedding, sample->dim))
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                   _("Sample %u has an invalid embedding (zero or not a number)"), index + 1);
      return FALSE;
    }
  return TRUE;
}

/* ---- Transactions ----------------------------------------------------- */

struct _VsTxn
{
  VsStore   *store;
  VsTxnMode  mode;
  gboolean   done;         /* committed, or rolled back */
  gboolean   checkpoint;
};

VsTxn *
vs_txn_begin (VsStore    *store,
              VsTxnMode   mode,
              GError    **error)
{
  VsTxn *txn;

  g_return_val_if_fail (store->db != NULL, NULL);

  /* IMMEDIATE takes the write lock now, waiting up to the busy timeout. */
  if (!vs_sql_exec (store, mode == VS_TXN_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", error))
    return NULL;
  txn = g_new0 (VsTxn, 1);
  txn->store = store;
  txn->mode = mode;
  return txn;
}

void
vs_txn_set_checkpoint (VsTxn *txn)
{
  txn->checkpoint = TRUE;
}

/* Moves the generation inside the transaction; -1 when the schema has
 * none yet (while migrating to it) or on error. */
static gint64
bump_generation (VsStore  *self,
                 GError  **error)
{
  if (!self->has_generation)
    return -1;
  return vs_sql_query_int64 (self, "UPDATE generation SET n = n + 1 WHERE id = 1 RETURNING n", -1, error);
}

gboolean
vs_txn_commit (VsTxn   *txn,
               GError **error)
{
  VsStore *self = txn->store;
  gint64 generation = -1;
  int rc;

  g_return_val_if_fail (!txn->done, FALSE);

  if (txn->mode == VS_TXN_READ)
    {
      /* Nothing to keep: ending a read cannot lose anything. */
      txn->done = TRUE;
      sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
      return TRUE;
    }

  if (self->has_generation)
    {
      generation = bump_generation (self, error);
      if (generation < 0)
        return FALSE;
      /* Claimed before COMMIT: a monitor that sees it in the file a moment
       * later already knows it is ours. */
      if (self->key != NULL)
        vs_store_monitor_claim_generation (self->key, generation, self);
    }
  rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      if (generation >= 0 && self->key != NULL)
        vs_store_monitor_withdraw_generation (self->key, generation);
      return vs_sql_error (self, rc, error);
    }
  txn->done = TRUE;
  self->own_commits++;
  if (txn->checkpoint || self->checkpoint_pending)
    checkpoint (self);
  return TRUE;
}

void
vs_txn_free (VsTxn *txn)
{
  if (txn == NULL)
    return;
  if (!txn->done && !sqlite3_get_autocommit (txn->store->db))
    sqlite3_exec (txn->store->db, "ROLLBACK", NULL, NULL, NULL);
  g_free (txn);
}

gboolean
vs_store_read_generation (VsStore *self,
                          gint64  *generation,
                          gint64  *data_version)
{
  g_autoptr(VsTxn) txn = NULL;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  if (self->db == NULL || !self->has_generation)
    return FALSE;
  txn = vs_txn_begin (self, VS_TXN_READ, NULL);
  if (txn == NULL)
    return FALSE;
  *generation = vs_sql_query_int64 (self, "SELECT n FROM generation WHERE id = 1", -1, NULL);
  *data_version = vs_sql_query_int64 (self, "PRAGMA data_version", -1, NULL);
  vs_txn_commit (txn, NULL);
  return *generation >= 0 && *data_version >= 0;
}

gboolean
vs_store_try_read_generation (VsStore  *self,
                              gint64   *generation,
                              gint64   *data_version,
                              gboolean *busy)
{
  gboolean ok;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  *busy = FALSE;
  if (self->db == NULL || !self->has_generation)
    return FALSE;
  /* A reader can meet a lock for a moment (a checkpoint resetting the WAL):
   * no busy wait on the caller's thread, the caller tries again later. */
  sqlite3_busy_timeout (self->db, 0);
  ok = vs_store_read_generation (self, generation, data_version);
  if (!ok)
    *busy = (sqlite3_errcode (self->db) & 0xff) == SQLITE_BUSY ||
            (sqlite3_errcode (self->db) & 0xff) == SQLITE_LOCKED;
  sqlite3_busy_timeout (self->db, VS_STORE_BUSY_TIMEOUT_MS);
  return ok;
}

/* ---- Changes ---------------------------------------------------------- */

GArray *
vs_store_changes_new (void)
{
  return g_array_new (FALSE, TRUE, sizeof (VsStoreChange));
}

void
vs_store_changes_add (GArray            *changes,
                      VsStoreChangeKind  kind,
                      gint64             person_id,
                      gint64             sample_id)
{
  VsStoreChange change = { kind, person_id, sample_id };

  g_array_append_val (changes, change);
}

const char *
vs_store_get_key (VsStore *self)
{
  return self->key;
}

void
vs_store_announce (VsStore *self,
                   GArray  *changes)
{
  g_autoptr(GArray) owned = changes;

  if (changes->len == 0)
    return;
  g_signal_emit (self, signals[CHANGED], 0, changes);
  if (self->key != NULL)
    vs_store_monitor_post (self->key, changes);
}

/* ---- Names ------------------------------------------------------------ */

char *
vs_person_name_normalize (const char  *name,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *normalized = vs_name_normalize (name, &local_error);

  /* The store's callers tell bad arguments by VS_STORE_ERROR_INVALID. */
  if (normalized == NULL)
    g_set_error_literal (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID, local_error->message);
  return normalized;
}

/* ---- Opening ---------------------------------------------------------- */

char *
vs_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "visage", "visage.db", NULL);
}

/* What the first bytes of an existing file say, before SQLite touches it
 * (an SQLite open may chmod nothing but can create -wal and -shm files,
 * roll back a hot journal or recover a WAL: never on a file that is not
 * ours). */
typedef enum {
  FILE_EMPTY,        /* zero bytes, or an SQLite database without any table */
  FILE_VISAGE,       /* carries our application id */
  FILE_NOT_SQLITE,
  FILE_FOREIGN,      /* an SQLite database of another program */
  FILE_CUT_OFF,      /* shorter than its header says */
} FileKind;

#define SQLITE_HEADER_SIZE 100

static guint32
header_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static FileKind
classify_file (int          fd,
               const char  *path)
{
  guint8 header[SQLITE_HEADER_SIZE + 8];
  struct stat st;
  gssize n;
  guint32 page_size, n_pages;

  if (fstat (fd, &st) != 0 || st.st_size == 0)
    return FILE_EMPTY;
  n = pread (fd, header, sizeof header, 0);
  if (n < (gssize) sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    return FILE_NOT_SQLITE;

  /* The in-header size is valid when its change counter matches. */
  page_size = ((guint32) header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  n_pages = header_be32 (header + 28);
  if (header_be32 (header + 24) == header_be32 (header + 92) &&
      (guint64) st.st_size < (guint64) page_size * n_pages)
    return FILE_CUT_OFF;

  if (header_be32 (header + 68) == VS_STORE_APPLICATION_ID)
    return FILE_VISAGE;
  /* No application id, no user version, and page 1 (the schema table) an
   * empty leaf: an SQLite database with nothing in it, such as a Visage
   * database killed while it was being created. */
  if (header_be32 (header + 68) == 0 && header_be32 (header + 60) == 0 &&
      header[SQLITE_HEADER_SIZE] == 0x0d &&
      header[SQLITE_HEADER_SIZE + 3] == 0 && header[SQLITE_HEADER_SIZE + 4] == 0)
    return FILE_EMPTY;
  g_debug ("%s: application id %08x, not Visage’s", path, header_be32 (header + 68));
  return FILE_FOREIGN;
}

/* A path SQLite would take for something else (a URI) or that names no
 * file is refused before anything is created. */
static gboolean
check_path (const char  *path,
            GError     **error)
{
  g_autofree char *base = g_path_get_basename (path);

  if (*path == '\0' || strstr (path, "://") != NULL || g_str_has_prefix (path, "file:") ||
      g_str_has_suffix (path, G_DIR_SEPARATOR_S) || g_str_equal (base, ".") ||
      g_str_equal (base, "..") || g_str_equal (path, ":memory:"))
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                   _("“%s” is not a path to a database file"), path);
      return FALSE;
    }
  return TRUE;
}

/* The folder Visage keeps its database in by default is Visage's: it is
 * made private (0700), and refused when that is not possible. A folder the
 * user chose (--db) is left as it is; the files in it are private anyway. */
static gboolean
prepare_folder (const char  *dir,
                gboolean     may_create,
                gboolean    *created,
                GError     **error)
{
  g_autofree char *default_path = vs_store_default_path ();
  g_autofree char *default_dir = g_path_get_dirname (default_path);
  struct stat st;

  *created = FALSE;
  if (g_stat (dir, &st) != 0)
    {
      int saved = errno;

      if (saved != ENOENT || !may_create)
        {
          g_set_error (error, VS_STORE_ERROR,
                       saved == ENOENT ? VS_STORE_ERROR_NO_DATABASE : VS_STORE_ERROR_OPEN,
                       saved == ENOENT ? _("There is no database yet: the folder “%s” does not exist")
                                       : _("Cannot open the folder “%s”: %s"),
                       dir, g_strerror (saved));
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          saved = errno;
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                       _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));
          return FALSE;
        }
      *created = TRUE;
      if (g_stat (dir, &st) != 0)
        {
          saved = errno;
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                       _("Cannot open the folder “%s”: %s"), dir, g_strerror (saved));
          return FALSE;
        }
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                   _("“%s” is not a folder"), dir);
      return FALSE;
    }
  if (!*created && !g_str_equal (dir, default_dir))
    return TRUE;

  if (st.st_uid != getuid ())
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                   _("The folder “%s” belongs to another user: Visage keeps its data only in a "
                     "folder of yours"), dir);
      return FALSE;
    }
  /* mkdir applies the umask, and someone may have opened it up since. */
  if ((st.st_mode & 0777) != 0700)
    {
      g_debug ("Making %s private (was %04o)", dir, st.st_mode & 07777);
      if (g_chmod (dir, 0700) != 0)
        {
          int saved = errno;
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                       _("Cannot make the folder “%s” private (%s): other users could read "
                         "the faces in it"), dir, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

static const char * const side_suffixes[] = { "-wal", "-shm", "-journal" };

/* Which of the files SQLite keeps beside the database exist now (a bit per
 * side_suffixes entry). */
static guint
existing_side_files (const char *path)
{
  guint present = 0;

  for (guint i = 0; i < G_N_ELEMENTS (side_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, side_suffixes[i], NULL);
      if (g_file_test (file, G_FILE_TEST_EXISTS))
        present |= 1u << i;
    }
  return present;
}

/* After a failed open: removes the side files that were not there before. */
static void
remove_new_side_files (const char *path,
                       guint       present_before)
{
  for (guint i = 0; i < G_N_ELEMENTS (side_suffixes); i++)
    if (!(present_before & (1u << i)))
      {
        g_autofree char *file = g_strconcat (path, side_suffixes[i], NULL);
        if (g_unlink (file) == 0)
          g_debug ("Removed %s, created by a failed open", file);
      }
}

static gboolean
wal_is_empty (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  struct stat st;

  return g_stat (wal, &st) != 0 || st.st_size == 0;
}

/* Checks an existing database before SQLite opens it, or creates an empty
 * file (0600) for a new one. SQLite gives the -wal and -shm files the mode
 * of the database, so getting the database right (even under umask 0)
 * covers all three. */
static gboolean
check_file (VsStore     *self,
            gboolean    *is_new,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  gboolean dir_created;
  FileKind kind;
  int fd;

  if (!check_path (self->path, error) ||
      !prepare_folder (dir, !self->read_only, &dir_created, error))
    return FALSE;

  fd = open (self->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT)
    {
      if (self->read_only)
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NO_DATABASE,
                       _("There is no database at “%s” yet"), self->path);
          return FALSE;
        }
      fd = open (self->path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd >= 0)
        {
          if (fchmod (fd, 0600) != 0)
            g_debug ("Cannot set the mode of %s: %s", self->path, g_strerror (errno));
          close (fd);
          *is_new = TRUE;
          return TRUE;
        }
      if (errno == EEXIST)   /* created by another process meanwhile */
        fd = open (self->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    }
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                   _("Cannot open the database “%s”: %s"), self->path, g_strerror (saved));
      return FALSE;
    }

  {
    struct stat st;
    if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
      {
        close (fd);
        g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                     _("“%s” is not a file"), self->path);
        return FALSE;
      }
  }
  kind = classify_file (fd, self->path);
  close (fd);

  switch (kind)
    {
    case FILE_VISAGE:
      *is_new = FALSE;
      return TRUE;
    case FILE_EMPTY:
      /* Empty but for a WAL beside it: maybe a new database killed before
       * its first checkpoint, every commit still in the WAL. Opened to see
       * (without writing); refused below unless it proves ours. */
      if (self->read_only && !wal_is_empty (self->path))
        {
          *is_new = TRUE;
          return TRUE;
        }
      if (self->read_only)
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NO_DATABASE,
                       _("The database “%s” is empty"), self->path);
          return FALSE;
        }
      *is_new = TRUE;
      return TRUE;
    case FILE_NOT_SQLITE:
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                   _("“%s” is not a Visage database (it is not an SQLite database at all)"),
                   self->path);
      return FALSE;
    case FILE_FOREIGN:
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                   _("“%s” is a database of another program, not of Visage"), self->path);
      return FALSE;
    case FILE_CUT_OFF:
    default:
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                   _("The database “%s” is damaged: the file is shorter than its header says"),
                   self->path);
      return FALSE;
    }
}

/* An existing database readable by others is tightened: it holds
 * biometric data. The journal files follow if they exist. */
static void
make_files_private (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  struct stat st;

  if (g_stat (path, &st) != 0 || st.st_uid != getuid () || (st.st_mode & 077) == 0)
    return;
  g_debug ("Restricting permissions of %s", path);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      if (g_stat (file, &st) == 0)
        g_chmod (file, st.st_mode & 0700);
    }
}

/* user_version is a signed 32-bit field: a damaged or crafted header can
 * hold a negative one, which no Visage ever wrote. */
static gboolean
damaged_version (VsStore     *self,
                 gint64       version,
                 GError     **error)
{
  g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
               _("The database “%s” is damaged: schema version %" PRId64),
               self->path, version);
  return FALSE;
}

/* One step in its own transaction; TRUE without doing anything when
 * another process did it while we waited for the lock. */
static gboolean
migrate_step (VsStore     *self,
              guint        step,
              GError     **error)
{
  g_autofree char *set_version = NULL;
  g_autoptr(VsTxn) txn = vs_txn_begin (self, VS_TXN_WRITE, error);
  g_autoptr(GError) local_error = NULL;
  gint64 version;

  if (txn == NULL)
    return FALSE;

  /* Re-read inside the write lock: another process may have migrated
   * while we waited. */
  version = vs_sql_query_int64 (self, "PRAGMA user_version", -1, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Negative: written meanwhile by something that is not Visage (open
   * refused such a file already). */
  if (version < 0)
    return damaged_version (self, version, error);
  if (version > step)
    return TRUE;   /* the rollback ends the transaction */

  g_debug ("Migrating %s to schema %u", self->path, step + 1);
  set_version = g_strdup_printf ("PRAGMA user_version = %u", step + 1);
  if (!vs_sql_exec (self, migrations[step], error) || !vs_sql_exec (self, set_version, error))
    return FALSE;
  if (step == 0)
    {
      g_autofree char *set_app = g_strdup_printf ("PRAGMA application_id = %d",
                                                  VS_STORE_APPLICATION_ID);
      if (!vs_sql_exec (self, set_app, error))
        return FALSE;
    }
  if (step + 1 == SCHEMA_WITH_GENERATION)
    self->has_generation = TRUE;
  return vs_txn_commit (txn, error);
}

static gboolean
migrate (VsStore     *self,
         GError     **error)
{
  for (guint step = 0; step < G_N_ELEMENTS (migrations); step++)
    if (!migrate_step (self, step, error))
      {
        g_prefix_error (error, _("Cannot upgrade the database: "));
        return FALSE;
      }
  self->has_generation = TRUE;
  return TRUE;
}

/* While another connection creates the same file or switches it to WAL,
 * SQLite may answer SQLITE_BUSY without calling the busy handler (waiting
 * could deadlock there), so opening retries for as long as the timeout. */
static int
open_query_text (VsStore     *self,
                 const char  *sql,
                 char       **text_out)
{
  gint64 deadline = g_get_monotonic_time () + VS_STORE_BUSY_TIMEOUT_MS * (gint64) 1000;

  for (;;)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        {
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              if (text_out != NULL)
                *text_out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
              rc = SQLITE_OK;
            }
          else if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        }
      sqlite3_finalize (stmt);

      if ((rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time () > deadline)
        return rc;
      g_usleep (10 * 1000);
    }
}

static int
open_query (VsStore     *self,
            const char  *sql,
            gint64      *value_out)
{
  g_autofree char *text = NULL;
  int rc = open_query_text (self, sql, &text);

  if (rc == SQLITE_OK && value_out != NULL)
    *value_out = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
  return rc;
}

/* A WAL left non-empty means a process was killed (or is still running)
 * after a commit and before its checkpoint: a deletion's old pages may still
 * be in the database file and in older WAL frames. The first Visage process
 * to open the database finishes that checkpoint. */
static void
finish_left_checkpoint (VsStore *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  struct stat st;

  /* The first connection of this process did; a WAL now is this process's
   * or a running writer's, and a checkpoint here would only make writers
   * wait. */
  if (self->reopened)
    return;

  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    {
      g_debug ("%s: %" G_GINT64_FORMAT " bytes of WAL left by another process; checkpointing",
               self->path, (gint64) st.st_size);
      checkpoint (self);
    }
}

/* SQLite files this process has open: canonical name → number of
 * VsStores. POSIX locks belong to the process, not to a descriptor: close()
 * on any descriptor of a file drops every lock the process holds on it,
 * SQLite's included (sqlite.org/howtocorrupt.html, 2.2). Another process
 * could then take the database as unused: checkpoint it, delete the WAL
 * under us. So the header check above, which opens and closes the file
 * itself, runs only for the first VsStore of a file in this process; the
 * others (a second connection for a worker thread, say) rely on it. The
 * lock is held across the check, so no connection takes SQLite locks on a
 * file while another thread's check has a descriptor of it open. */
static GMutex open_files_lock;
static GHashTable *open_files;

static gboolean
prepare_file (VsStore     *self,
              gboolean    *is_new,
              GError     **error)
{
  g_autofree char *key = g_canonicalize_filename (self->path, NULL);
  gpointer count;
  gboolean ok = TRUE;

  g_mutex_lock (&open_files_lock);
  if (open_files == NULL)
    open_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  count = g_hash_table_lookup (open_files, key);
  if (count != NULL)
    {
      /* The first connection of this process checked the file: it is
       * ours, or new and being created by that connection, which may not
       * have committed the schema yet (the file then holds an empty WAL-mode
       * header, no application id). So no application id here means "not
       * created yet", never "someone else's"; and its side files are that
       * connection's, never to be removed if this open fails. */
      *is_new = TRUE;
      self->reopened = TRUE;
    }
  else
    ok = check_file (self, is_new, error);
  if (ok)
    {
      g_hash_table_insert (open_files, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
      self->open_file = g_steal_pointer (&key);
    }
  g_mutex_unlock (&open_files_lock);
  return ok;
}

/* After the connection is closed, or when opening failed. */
static void
release_file (VsStore *self)
{
  guint count;

  if (self->open_file == NULL)
    return;
  g_mutex_lock (&open_files_lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (open_files, self->open_file));
  if (count <= 1)
    g_hash_table_remove (open_files, self->open_file);
  else
    g_hash_table_insert (open_files, g_strdup (self->open_file), GUINT_TO_POINTER (count - 1));
  g_mutex_unlock (&open_files_lock);
  g_clear_pointer (&self->open_file, g_free);
}

static gboolean
open_database (VsStore     *self,
               gboolean     is_new,
               GError     **error)
{
  g_autofree char *journal_mode = NULL;
  gint64 version = 0, app_id = 0;
  int rc;

  rc = sqlite3_open_v2 (self->in_memory ? ":memory:" : self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
                        (self->in_memory ? SQLITE_OPEN_CREATE : 0), NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                   _("Cannot open the database “%s”: %s"), self->path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, VS_STORE_BUSY_TIMEOUT_MS);
  /* Until the file proves ours, closing must not checkpoint someone else's
   * WAL into their database. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  /* temp_store: sorts and temporary tables stay in memory, so no biometric
   * byte lands in a temporary file outside the database. */
  if (!vs_sql_exec (self, "PRAGMA foreign_keys = ON;"
                   "PRAGMA secure_delete = ON;"
                   "PRAGMA temp_store = MEMORY;", error))
    return FALSE;

  /* The first read checks the whole header (and recovers a WAL). */
  rc = open_query (self, "SELECT count(*) FROM sqlite_schema", NULL);
  if (rc != SQLITE_OK ||
      (rc = open_query (self, "PRAGMA user_version", &version)) != SQLITE_OK ||
      (rc = open_query (self, "PRAGMA application_id", &app_id)) != SQLITE_OK)
    {
      vs_sql_error (self, rc, error);
      g_prefix_error (error, _("Cannot open the database: "));
      return FALSE;
    }
  /* The header checked before may have been stale next to a WAL. */
  if ((app_id != 0 && app_id != VS_STORE_APPLICATION_ID) ||
      (app_id == 0 && !is_new && !self->in_memory))
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                   _("“%s” is a database of another program, not of Visage"), self->path);
      return FALSE;
    }
  if (self->read_only && app_id == 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NO_DATABASE,
                   _("The database “%s” is empty"), self->path);
      return FALSE;
    }
  /* Refused here, before anything (the switch to WAL) writes to it. */
  if (version < 0)
    return damaged_version (self, version, error);
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                   _("The database “%s” was written by a newer version of Visage "
                     "(schema %" PRId64 ", this version knows up to %u). "
                     "Update Visage to open it."),
                   self->path, version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  if (!self->in_memory)
    sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
  if (version >= SCHEMA_WITH_GENERATION)
    self->has_generation = TRUE;
  if (self->in_memory)
    return migrate (self, error);
  if (self->read_only)
    {
      if (version < (gint64) G_N_ELEMENTS (migrations))
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                       _("The database “%s” was written by an older version of Visage: open "
                         "it in Visage, or change something with visage-cli, to upgrade it"),
                       self->path);
          return FALSE;
        }
      finish_left_checkpoint (self);
      return TRUE;
    }

  rc = open_query_text (self, "PRAGMA journal_mode = WAL", &journal_mode);
  if (rc != SQLITE_OK)
    {
      vs_sql_error (self, rc, error);
      g_prefix_error (error, _("Cannot open the database: "));
      return FALSE;
    }
  if (g_strcmp0 (journal_mode, "wal") != 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                   _("Cannot use write-ahead logging for “%s” (journal mode is %s)"),
                   self->path, journal_mode ? journal_mode : "unknown");
      return FALSE;
    }
  finish_left_checkpoint (self);
  return migrate (self, error);
}

static gboolean
vs_store_initable_init (GInitable     *initable,
                        GCancellable  *cancellable,
                        GError       **error)
{
  VsStore *self = VS_STORE (initable);
  gboolean is_new = FALSE;
  guint side_files;

  if (self->path == NULL)
    self->path = vs_store_default_path ();

  if (vs_store_pg_is_conninfo (self->path) && !self->in_memory)
    {
      self->pg = vs_store_pg_open (self->path, error);
      if (self->pg == NULL)
        return FALSE;
      self->key = g_strdup (self->path);
      return TRUE;
    }

  if (!self->in_memory && !prepare_file (self, &is_new, error))
    return FALSE;

  side_files = self->in_memory ? 0 : existing_side_files (self->path);
  if (!open_database (self, is_new, error))
    {
      g_clear_pointer (&self->db, sqlite3_close_v2);
      release_file (self);
      /* Leave a file that turned out not to be ours as it was. */
      if ((!is_new || self->read_only) && !self->in_memory && !self->reopened)
        remove_new_side_files (self->path, side_files);
      return FALSE;
    }
  if (!self->in_memory)
    {
      make_files_private (self->path);
      self->key = g_canonicalize_filename (self->path, NULL);
    }

  g_debug ("Opened %s (schema %u%s)", self->path, (guint) G_N_ELEMENTS (migrations),
           self->read_only ? ", read only" : "");
  return TRUE;
}

static void
vs_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = vs_store_initable_init;
}

static void
vs_store_finalize (GObject *object)
{
  VsStore *self = VS_STORE (object);

  /* The last connection to close checkpoints and removes the WAL; while
   * others stay open, a deletion's checkpoint that was held off is retried. */
  if (self->db != NULL && self->checkpoint_pending)
    checkpoint (self);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  release_file (self);
  g_clear_pointer (&self->pg, vs_store_pg_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->key, g_free);

  G_OBJECT_CLASS (vs_store_parent_class)->finalize (object);
}

static void
vs_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VsStore *self = VS_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  VsStore *self = VS_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_store_class_init (VsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_store_finalize;
  object_class->get_property = vs_store_get_property;
  object_class->set_property = vs_store_set_property;

  /**
   * VsStore:path:
   *
   * The database file; NULL at construction means the default path.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VsStore::changed:
   * @changes: (element-type VsStoreChange): what one committed write changed
   *
   * Emitted after each write through this store commits, on the thread
   * that wrote. See vs-store.h; views listen to VsStoreMonitor instead.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
vs_store_init (VsStore *self)
{
}

VsStore *
vs_store_open (const char  *path,
               GError     **error)
{
  return g_initable_new (VS_TYPE_STORE, NULL, error, "path", path, NULL);
}

VsStore *
vs_store_open_existing (const char  *path,
                        GError     **error)
{
  g_autoptr(VsStore) self = g_object_new (VS_TYPE_STORE, "path", path, NULL);

  self->read_only = TRUE;
  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

VsStore *
vs_store_open_empty (GError **error)
{
  g_autoptr(VsStore) self = g_object_new (VS_TYPE_STORE, "path", ":memory:", NULL);

  self->in_memory = TRUE;
  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

VsStore *
vs_store_open_another (VsStore  *self,
                       GError  **error)
{
  g_autoptr(VsStore) other = NULL;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  if (self->in_memory)
    {
      g_set_error_literal (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                           _("A database in memory has only one connection"));
      return NULL;
    }
  other = g_object_new (VS_TYPE_STORE, "path", self->path, NULL);
  other->read_only = self->read_only;
  if (!g_initable_init (G_INITABLE (other), NULL, error))
    return NULL;
  return g_steal_pointer (&other);
}

gboolean
vs_store_is_shared (VsStore *self)
{
  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  return !self->in_memory;
}

const char *
vs_store_get_path (VsStore *self)
{
  g_return_val_if_fail (VS_IS_STORE (self), NULL);
  return self->path;
}

gint64
vs_store_get_data_version (VsStore *self)
{
  gint64 version;

  g_return_val_if_fail (VS_IS_STORE (self), 0);
  if (self->pg != NULL)
    return vs_store_pg_get_data_version (self->pg);

  /* Both counters only grow, so their sum changes on any commit. */
  version = vs_sql_query_int64 (self, "PRAGMA data_version", 0, NULL);
  return version + self->own_commits;
}

/* ---- The server backend (vs-store-pg.c) --------------------------------- */

VsStorePg *
vs_store_get_pg (VsStore *store)
{
  g_return_val_if_fail (VS_IS_STORE (store), NULL);
  return store->pg;
}

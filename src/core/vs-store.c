/* vs-store.c: people and face samples in SQLite.
 *
 * WAL mode so that the GUI can read while the CLI writes; a busy timeout so a
 * second writer waits instead of failing; BEGIN IMMEDIATE for every change so
 * that a transaction never has to upgrade a read lock (which fails at once).
 * Embeddings are biometric data: secure_delete zeroes freed content and every
 * delete ends with a TRUNCATE checkpoint, so no copy survives in the WAL.
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

#include "vs-store.h"
#include "vs-store-copy.h"
#include "vs-store-pg.h"

/* "Visg": marks the file as ours, so we never migrate someone else's. */
#define VS_STORE_APPLICATION_ID 0x56697367
#define VS_STORE_BUSY_TIMEOUT_MS 10000

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
};

struct _VsStore
{
  GObject  parent_instance;

  char    *path;
  sqlite3 *db;
  gint64   own_commits;   /* data_version ignores this connection's commits */
  gboolean checkpoint_pending;
  gboolean read_only;     /* never creates, converts or migrates */
  gboolean in_memory;     /* vs_store_open_empty */
  VsStorePg *pg;          /* a PostgreSQL server instead: every call goes there */
};

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

/* ---- Plain structs ---------------------------------------------------- */

VsPerson *
vs_person_copy (const VsPerson *person)
{
  VsPerson *copy;

  g_return_val_if_fail (person != NULL, NULL);

  copy = g_memdup2 (person, sizeof *person);
  copy->name = g_strdup (person->name);
  return copy;
}

void
vs_person_free (VsPerson *person)
{
  if (person == NULL)
    return;
  g_free (person->name);
  g_free (person);
}

VsSample *
vs_sample_new (const char  *embedder,
               const float *embedding,
               guint        dim,
               double       quality,
               GBytes      *crop,
               const char  *source)
{
  VsSample *sample = g_new0 (VsSample, 1);

  sample->embedder = g_strdup (embedder);
  sample->embedding = embedding != NULL ? g_memdup2 (embedding, (gsize) dim * sizeof (float)) : NULL;
  sample->dim = dim;
  sample->quality = quality;
  sample->crop = crop != NULL ? g_bytes_ref (crop) : NULL;
  sample->source = g_strdup (source);
  return sample;
}

void
vs_sample_free (VsSample *sample)
{
  if (sample == NULL)
    return;
  g_free (sample->embedder);
  if (sample->embedding != NULL)
    {
      /* Biometric data: do not leave it in freed heap memory. */
      memset (sample->embedding, 0, (gsize) sample->dim * sizeof (float));
      g_free (sample->embedding);
    }
  g_clear_pointer (&sample->crop, g_bytes_unref);
  g_free (sample->source);
  g_free (sample);
}

/* ---- SQLite helpers --------------------------------------------------- */

static gboolean
set_sqlite_error (VsStore     *self,
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

static gboolean
exec (VsStore     *self,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (VsStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Runs a statement that returns no row. */
static gboolean
step_done (VsStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_sqlite_error (self, rc, error);
  return TRUE;
}

typedef enum {
  ROW_PERSON,
  ROW_SAMPLE,
} RowKind;

static gboolean
set_not_found (GError  **error,
               RowKind   kind,
               gint64    id)
{
  if (kind == ROW_SAMPLE)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND,
                 _("No sample with id %" PRId64), id);
  else
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND,
                 _("No person with id %" PRId64), id);
  return FALSE;
}

/* Runs a change that must touch a row: none touched means the id is unknown. */
static gboolean
step_changed (VsStore       *self,
              sqlite3_stmt  *stmt,
              RowKind        kind,
              gint64         id,
              GError       **error)
{
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return set_not_found (error, kind, id);
  return TRUE;
}

typedef gpointer (*RowFunc) (sqlite3_stmt *stmt);

/* Every row of stmt, each made by from_row. */
static GPtrArray *
collect_rows (VsStore          *self,
              sqlite3_stmt     *stmt,
              RowFunc           from_row,
              GDestroyNotify    free_func,
              GError          **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static gint64
query_int64 (VsStore     *self,
             const char  *sql,
             gint64       fallback,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return fallback;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);
  return fallback;
}

static gboolean
begin (VsStore     *self,
       GError     **error)
{
  /* IMMEDIATE takes the write lock now, waiting up to the busy timeout. */
  return exec (self, "BEGIN IMMEDIATE", error);
}

static void checkpoint (VsStore *self);

static gboolean
commit (VsStore     *self,
        GError     **error)
{
  if (!exec (self, "COMMIT", error))
    return FALSE;
  self->own_commits++;
  if (self->checkpoint_pending)
    checkpoint (self);
  return TRUE;
}

/* For changes that overwrote or freed biometric data: their old bytes must
 * not stay behind in WAL frames. */
static gboolean
commit_and_checkpoint (VsStore     *self,
                       GError     **error)
{
  if (!commit (self, error))
    return FALSE;
  checkpoint (self);
  return TRUE;
}

static void
rollback (VsStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
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

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Embeddings are stored as float32 little-endian whatever the host. */
static void
bind_embedding (sqlite3_stmt *stmt,
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

static float *
column_embedding (sqlite3_stmt *stmt,
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

static gboolean
embedding_is_valid (const float *embedding,
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
prepare_file (VsStore     *self,
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

static gboolean
migrate (VsStore     *self,
         GError     **error)
{
  for (guint step = 0; step < G_N_ELEMENTS (migrations); step++)
    {
      g_autofree char *set_version = NULL;
      gint64 version;

      if (!begin (self, error))
        return FALSE;

      /* Re-read inside the write lock: another process may have migrated
       * while we waited. */
      version = query_int64 (self, "PRAGMA user_version", -1, error);
      if (version < 0)
        goto fail;
      if (version > step)
        {
          rollback (self);
          continue;
        }

      g_debug ("Migrating %s to schema %u", self->path, step + 1);
      set_version = g_strdup_printf ("PRAGMA user_version = %u", step + 1);
      if (!exec (self, migrations[step], error) || !exec (self, set_version, error))
        goto fail;
      if (step == 0)
        {
          g_autofree char *set_app = g_strdup_printf ("PRAGMA application_id = %d",
                                                      VS_STORE_APPLICATION_ID);
          if (!exec (self, set_app, error))
            goto fail;
        }
      if (!commit (self, error))
        goto fail;
      continue;

    fail:
      rollback (self);
      g_prefix_error (error, _("Cannot upgrade the database: "));
      return FALSE;
    }
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

  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    {
      g_debug ("%s: %" G_GINT64_FORMAT " bytes of WAL left by another process; checkpointing",
               self->path, (gint64) st.st_size);
      checkpoint (self);
    }
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
  if (!exec (self, "PRAGMA foreign_keys = ON;"
                   "PRAGMA secure_delete = ON;"
                   "PRAGMA temp_store = MEMORY;", error))
    return FALSE;

  /* The first read checks the whole header (and recovers a WAL). */
  rc = open_query (self, "SELECT count(*) FROM sqlite_schema", NULL);
  if (rc != SQLITE_OK ||
      (rc = open_query (self, "PRAGMA user_version", &version)) != SQLITE_OK ||
      (rc = open_query (self, "PRAGMA application_id", &app_id)) != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
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
      set_sqlite_error (self, rc, error);
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
      return self->pg != NULL;
    }

  if (!self->in_memory && !prepare_file (self, &is_new, error))
    return FALSE;

  side_files = self->in_memory ? 0 : existing_side_files (self->path);
  if (!open_database (self, is_new, error))
    {
      g_clear_pointer (&self->db, sqlite3_close_v2);
      /* Leave a file that turned out not to be ours as it was. */
      if ((!is_new || self->read_only) && !self->in_memory)
        remove_new_side_files (self->path, side_files);
      return FALSE;
    }
  if (!self->in_memory)
    make_files_private (self->path);

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
  g_clear_pointer (&self->pg, vs_store_pg_free);
  g_clear_pointer (&self->path, g_free);

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
  version = query_int64 (self, "PRAGMA data_version", 0, NULL);
  return version + self->own_commits;
}

/* ---- People ----------------------------------------------------------- */

#define PERSON_COLUMNS \
  "SELECT p.id, p.name, p.created, p.updated," \
  " (SELECT count(*) FROM samples s WHERE s.person_id = p.id)," \
  " coalesce((SELECT max(e.seen) FROM events e WHERE e.person_id = p.id), 0)" \
  " FROM people p "

/* A damaged or hand-edited database can hold anything in a column: never
 * hand out NULL or invalid UTF-8 where a string is promised (fuzz-store
 * found a NULL name reaching g_utf8_casefold). */
static char *
column_valid_text (sqlite3_stmt *stmt,
                   int           column,
                   const char   *fallback)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? g_utf8_make_valid (text, -1) : g_strdup (fallback);
}

static VsPerson *
person_from_row (sqlite3_stmt *stmt)
{
  VsPerson *person = g_new0 (VsPerson, 1);

  person->id = sqlite3_column_int64 (stmt, 0);
  person->name = column_valid_text (stmt, 1, "");
  person->created = sqlite3_column_int64 (stmt, 2);
  person->updated = sqlite3_column_int64 (stmt, 3);
  person->n_samples = sqlite3_column_int (stmt, 4);
  person->last_seen = sqlite3_column_int64 (stmt, 5);
  return person;
}

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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree SortEntry *entries = NULL;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);

  if (self->pg != NULL)
    people = vs_store_pg_list_people (self->pg, error);
  else if ((stmt = prepare (self, PERSON_COLUMNS, error)) != NULL)
    people = collect_rows (self, stmt, (RowFunc) person_from_row, (GDestroyNotify) vs_person_free, error);
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

static VsPerson *
get_person (VsStore     *self,
            gint64       person_id,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, PERSON_COLUMNS "WHERE p.id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return person_from_row (stmt);
  if (rc == SQLITE_DONE)
    set_not_found (error, ROW_PERSON, person_id);
  else
    set_sqlite_error (self, rc, error);
  return NULL;
}

VsPerson *
vs_store_get_person (VsStore  *self,
                     gint64    person_id,
                     GError  **error)
{
  g_return_val_if_fail (VS_IS_STORE (self), NULL);
  if (self->pg != NULL)
    return vs_store_pg_get_person (self->pg, person_id, error);
  return get_person (self, person_id, error);
}

/* The first column of the first row of sql with one text parameter: 0 when
 * there is no row, -1 on error. */
static gint64
query_int64_text (VsStore     *self,
                  const char  *sql,
                  const char  *text,
                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, text);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return 0;
  set_sqlite_error (self, rc, error);
  return -1;
}

/* The lowest id whose name is the same as `name` by vs_name_key() (case,
 * accents and invisible characters ignored), other than `except_id`; 0 when
 * none, -1 on error. The keys are computed here, not in SQL: SQLite folds
 * only ASCII, and a desk has hundreds of people, not millions. */
static gint64
find_person_id (VsStore     *self,
                const char  *name,
                gint64       except_id,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT id, name FROM people ORDER BY id", error);
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
  set_sqlite_error (self, rc, error);
  return -1;
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
  id = find_person_id (self, normalized, 0, error);
  if (id <= 0)
    return NULL;
  return get_person (self, id, error);
}

gboolean
vs_store_rename_person (VsStore     *self,
                        gint64       person_id,
                        const char  *new_name,
                        GError     **error)
{
  g_autofree char *normalized = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 same;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);

  normalized = vs_person_name_normalize (new_name, error);
  if (normalized == NULL)
    return FALSE;
  if (self->pg != NULL)
    return vs_store_pg_rename_person (self->pg, person_id, normalized, error);

  if (!begin (self, error))
    return FALSE;
  /* Two people with one name (or names a desk cannot tell apart) would be
   * confused on screen and when enrolling by name. */
  same = find_person_id (self, normalized, person_id, error);
  if (same < 0)
    goto fail;
  if (same > 0)
    {
      g_autoptr(VsPerson) other = get_person (self, same, NULL);

      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS,
                   _("“%s” is already the name of someone else (“%s”); names that differ only in "
                     "case or accents are the same name"),
                   normalized, other ? other->name : normalized);
      goto fail;
    }
  stmt = prepare (self, "UPDATE people SET name = ?, updated = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, normalized);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  sqlite3_bind_int64 (stmt, 3, person_id);
  if (!step_changed (self, stmt, ROW_PERSON, person_id, error))
    goto fail;
  if (!commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

gboolean
vs_store_delete_people (VsStore      *self,
                        const gint64 *person_ids,
                        guint         n_ids,
                        GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) seen = NULL;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  g_return_val_if_fail (person_ids != NULL || n_ids == 0, FALSE);

  if (n_ids == 0)
    return TRUE;
  if (self->pg != NULL)
    return vs_store_pg_delete_people (self->pg, person_ids, n_ids, error);

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM people WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;

  seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < n_ids; i++)
    {
      if (!g_hash_table_add (seen, (gpointer) &person_ids[i]))
        continue;   /* listed twice */
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, person_ids[i]);
      /* All or nothing: one unknown id cancels the whole deletion. */
      if (!step_changed (self, stmt, ROW_PERSON, person_ids[i], error))
        goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!commit_and_checkpoint (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

gboolean
vs_store_delete_person (VsStore  *self,
                        gint64    person_id,
                        GError  **error)
{
  return vs_store_delete_people (self, &person_id, 1, error);
}

/* ---- Samples ---------------------------------------------------------- */

/* The dimension already used by an embedder in the database, 0 if none, -1
 * on error. */
static gint64
embedder_dim (VsStore     *self,
              const char  *embedder,
              GError     **error)
{
  return query_int64_text (self, "SELECT dim FROM samples WHERE embedder = ? LIMIT 1", embedder, error);
}

static gboolean
check_samples (VsStore     *self,
               GPtrArray   *samples,
               GError     **error)
{
  g_autoptr(GHashTable) dims = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      gpointer known;

      if (sample == NULL || sample->embedder == NULL || *sample->embedder == '\0' ||
          sample->embedding == NULL || sample->dim == 0)
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                       _("Sample %u has no embedding"), i + 1);
          return FALSE;
        }
      if (!embedding_is_valid (sample->embedding, sample->dim))
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                       _("Sample %u has an invalid embedding (zero or not a number)"), i + 1);
          return FALSE;
        }

      known = g_hash_table_lookup (dims, sample->embedder);
      if (known == NULL)
        {
          gint64 dim = embedder_dim (self, sample->embedder, error);
          if (dim < 0)
            return FALSE;
          if (dim == 0)
            dim = sample->dim;
          known = GUINT_TO_POINTER ((guint) dim);
          g_hash_table_insert (dims, sample->embedder, known);
        }
      if (GPOINTER_TO_UINT (known) != sample->dim)
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                       _("Sample %u has %u values, but the model “%s” gives %u"),
                       i + 1, sample->dim, sample->embedder, GPOINTER_TO_UINT (known));
          return FALSE;
        }
    }
  return TRUE;
}

gint64
vs_store_add_samples (VsStore     *self,
                      gint64       person_id,
                      const char  *name,
                      GPtrArray   *samples,
                      GError     **error)
{
  g_autofree char *normalized = NULL;
  g_autofree gint64 *ids = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) touch = NULL;
  gint64 now = now_seconds ();
  guint n = samples != NULL ? samples->len : 0;

  g_return_val_if_fail (VS_IS_STORE (self), 0);
  g_return_val_if_fail (person_id >= 0, 0);

  if (person_id == 0)
    {
      normalized = vs_person_name_normalize (name, error);
      if (normalized == NULL)
        return 0;
    }
  if (self->pg != NULL)
    return vs_store_pg_add_samples (self->pg, person_id, normalized, samples, error);

  if (!begin (self, error))
    return 0;

  if (!check_samples (self, samples, error))
    goto fail;

  if (person_id == 0)
    {
      person_id = find_person_id (self, normalized, 0, error);
      if (person_id < 0)
        goto fail;
      if (person_id == 0)
        {
          g_autoptr(sqlite3_stmt) stmt =
            prepare (self, "INSERT INTO people (name, created, updated) VALUES (?, ?, ?)", error);
          if (stmt == NULL)
            goto fail;
          bind_text (stmt, 1, normalized);
          sqlite3_bind_int64 (stmt, 2, now);
          sqlite3_bind_int64 (stmt, 3, now);
          if (!step_done (self, stmt, error))
            goto fail;
          person_id = sqlite3_last_insert_rowid (self->db);
        }
    }

  touch = prepare (self, "UPDATE people SET updated = ? WHERE id = ?", error);
  if (touch == NULL)
    goto fail;
  sqlite3_bind_int64 (touch, 1, now);
  sqlite3_bind_int64 (touch, 2, person_id);
  if (!step_changed (self, touch, ROW_PERSON, person_id, error))
    goto fail;

  insert = prepare (self,
                    "INSERT INTO samples (person_id, embedder, dim, embedding, quality, crop, source, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    goto fail;

  ids = g_new (gint64, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);

      sqlite3_reset (insert);
      sqlite3_clear_bindings (insert);
      sqlite3_bind_int64 (insert, 1, person_id);
      bind_text (insert, 2, sample->embedder);
      sqlite3_bind_int (insert, 3, sample->dim);
      bind_embedding (insert, 4, sample->embedding, sample->dim);
      sqlite3_bind_double (insert, 5, sample->quality);
      if (sample->crop != NULL)
        {
          gsize size;
          const void *data = g_bytes_get_data (sample->crop, &size);
          sqlite3_bind_blob64 (insert, 6, data ? data : "", size, SQLITE_STATIC);
        }
      bind_text (insert, 7, sample->source);
      sqlite3_bind_int64 (insert, 8, sample->created > 0 ? sample->created : now);
      if (!step_done (self, insert, error))
        goto fail;
      ids[i] = sqlite3_last_insert_rowid (self->db);
    }
  g_clear_pointer (&insert, sqlite3_finalize);
  g_clear_pointer (&touch, sqlite3_finalize);

  if (!commit (self, error))
    goto fail;

  /* Only now that they are stored do the samples learn their ids. */
  for (guint i = 0; i < n; i++)
    {
      VsSample *sample = g_ptr_array_index (samples, i);
      sample->id = ids[i];
      sample->person_id = person_id;
      if (sample->created <= 0)
        sample->created = now;
    }
  return person_id;

fail:
  rollback (self);
  return 0;
}

static VsSample *
sample_from_row (sqlite3_stmt *stmt)
{
  VsSample *sample = g_new0 (VsSample, 1);
  const void *crop;

  sample->id = sqlite3_column_int64 (stmt, 0);
  sample->person_id = sqlite3_column_int64 (stmt, 1);
  sample->embedder = column_valid_text (stmt, 2, "");
  sample->embedding = column_embedding (stmt, 3, &sample->dim);
  sample->quality = sqlite3_column_double (stmt, 4);
  crop = sqlite3_column_blob (stmt, 5);
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    sample->crop = g_bytes_new (crop, sqlite3_column_bytes (stmt, 5));
  sample->source = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  sample->created = sqlite3_column_int64 (stmt, 7);
  return sample;
}

GPtrArray *
vs_store_list_samples (VsStore  *self,
                       gint64    person_id,
                       GError  **error)
{
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(VsPerson) person = NULL;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);
  if (self->pg != NULL)
    return vs_store_pg_list_samples (self->pg, person_id, error);

  /* One read transaction: the person and their samples from one snapshot. */
  if (!exec (self, "BEGIN", error))
    return NULL;

  person = get_person (self, person_id, error);
  if (person == NULL)
    goto fail;

  stmt = prepare (self,
                  "SELECT id, person_id, embedder, embedding, quality, crop, source, created"
                  " FROM samples WHERE person_id = ? ORDER BY id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, person_id);

  samples = collect_rows (self, stmt, (RowFunc) sample_from_row, (GDestroyNotify) vs_sample_free, error);
  if (samples == NULL)
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);
  exec (self, "COMMIT", NULL);
  return g_steal_pointer (&samples);

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return NULL;
}

gboolean
vs_store_delete_sample (VsStore  *self,
                        gint64    sample_id,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  if (self->pg != NULL)
    return vs_store_pg_delete_sample (self->pg, sample_id, error);

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "UPDATE people SET updated = ?1 WHERE id = (SELECT person_id FROM samples WHERE id = ?2)",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now_seconds ());
  sqlite3_bind_int64 (stmt, 2, sample_id);
  if (!step_done (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self, "DELETE FROM samples WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, sample_id);
  if (!step_changed (self, stmt, ROW_SAMPLE, sample_id, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!commit_and_checkpoint (self, error))
    goto fail;
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

GBytes *
vs_store_get_person_thumbnail (VsStore  *self,
                               gint64    person_id,
                               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);
  if (self->pg != NULL)
    return vs_store_pg_get_person_thumbnail (self->pg, person_id, error);

  /* Only the crop column is read: lists ask for one picture per row. */
  stmt = prepare (self,
                  "SELECT crop FROM samples WHERE person_id = ? AND crop IS NOT NULL"
                  " ORDER BY id LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) > 0)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);
  return NULL;
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
  g_autoptr(GArray) ids = NULL;
  g_autoptr(sqlite3_stmt) list = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autofree float *embedding = NULL;
  int rc;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (embedder == NULL || *embedder == '\0' || dim == 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                   _("No model given to recompute the samples with"));
      return FALSE;
    }
  if (self->pg != NULL)
    return vs_store_pg_reembed (self->pg, embedder, dim, func, progress, user_data, error);

  /* The write lock is held throughout, so no sample can be added or removed
   * half-way; other writers wait (and time out on a very long run). */
  if (!begin (self, error))
    return FALSE;

  /* Ids first: the table is not updated under a running SELECT. */
  list = prepare (self, "SELECT id FROM samples ORDER BY id", error);
  if (list == NULL)
    goto fail;
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (list, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&list, sqlite3_finalize);

  read = prepare (self, "SELECT crop FROM samples WHERE id = ?", error);
  update = prepare (self, "UPDATE samples SET embedding = ?, dim = ?, embedder = ? WHERE id = ?", error);
  if (read == NULL || update == NULL)
    goto fail;

  embedding = g_new (float, dim);
  if (progress != NULL)
    progress (0, ids->len, user_data);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(GBytes) crop = NULL;

      sqlite3_reset (read);
      sqlite3_bind_int64 (read, 1, id);
      rc = sqlite3_step (read);
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (self, rc, error);
          goto fail;
        }
      if (sqlite3_column_type (read, 0) == SQLITE_NULL || sqlite3_column_bytes (read, 0) == 0)
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                       _("Sample %" PRId64 " has no stored face picture, so it cannot be "
                         "recomputed; delete it and try again"), id);
          goto fail;
        }
      crop = g_bytes_new (sqlite3_column_blob (read, 0), sqlite3_column_bytes (read, 0));
      sqlite3_reset (read);

      memset (embedding, 0, (gsize) dim * sizeof (float));
      if (!func (crop, embedding, user_data, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                         _("Sample %" PRId64 " could not be recomputed"), id);
          goto fail;
        }
      if (!embedding_is_valid (embedding, dim))
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_INVALID,
                       _("Sample %" PRId64 " gave an invalid embedding"), id);
          goto fail;
        }

      sqlite3_reset (update);
      bind_embedding (update, 1, embedding, dim);
      sqlite3_bind_int (update, 2, dim);
      bind_text (update, 3, embedder);
      sqlite3_bind_int64 (update, 4, id);
      if (!step_done (self, update, error))
        goto fail;

      if (progress != NULL)
        progress (i + 1, ids->len, user_data);
    }

  g_clear_pointer (&read, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);
  /* The old embeddings were overwritten: flush their frames out too. */
  if (!commit_and_checkpoint (self, error))
    goto fail;
  return TRUE;

fail:
  g_clear_pointer (&list, sqlite3_finalize);
  g_clear_pointer (&read, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

gboolean
vs_store_record_seen (VsStore  *self,
                      gint64    person_id,
                      gint64    when,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  if (self->pg != NULL)
    return vs_store_pg_record_seen (self->pg, person_id, when, error);

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "INSERT INTO events (person_id, seen) VALUES (?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int64 (stmt, 2, when > 0 ? when : now_seconds ());
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      set_not_found (error, ROW_PERSON, person_id);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!commit (self, error))
    goto fail;
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

char *
vs_store_dup_embedder (VsStore  *self,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);
  if (self->pg != NULL)
    return vs_store_pg_dup_embedder (self->pg, error);

  stmt = prepare (self,
                  "SELECT embedder FROM samples GROUP BY embedder"
                  " ORDER BY count(*) DESC, max(id) DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);
  return NULL;
}

VsGallery *
vs_store_load_gallery (VsStore     *self,
                       const char  *embedder,
                       GError     **error)
{
  g_autoptr(VsGallery) gallery = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 dim = 0, last_person = 0;
  guint n_skipped = 0;
  int rc;

  g_return_val_if_fail (VS_IS_STORE (self), NULL);
  g_return_val_if_fail (embedder != NULL, NULL);
  if (self->pg != NULL)
    return vs_store_pg_load_gallery (self->pg, embedder, error);

  /* One snapshot for the dimension and the rows. */
  if (!exec (self, "BEGIN", error))
    return NULL;

  /* The dimension most rows have; stray rows of another size are skipped. */
  stmt = prepare (self,
                  "SELECT dim FROM samples WHERE embedder = ?"
                  " GROUP BY dim ORDER BY count(*) DESC, dim LIMIT 1", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, embedder);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    dim = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  gallery = vs_gallery_new (embedder, (guint) MAX (dim, 0));

  stmt = prepare (self,
                  "SELECT s.person_id, p.name, s.embedding FROM samples s"
                  " JOIN people p ON p.id = s.person_id"
                  " WHERE s.embedder = ? ORDER BY s.person_id, s.id", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, embedder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 person_id = sqlite3_column_int64 (stmt, 0);
      const void *blob = sqlite3_column_blob (stmt, 2);
      int bytes = sqlite3_column_bytes (stmt, 2);
      g_autofree float *embedding = NULL;
      guint row_dim;

      if (blob == NULL || bytes != dim * 4)
        {
          n_skipped++;
          continue;
        }
      embedding = column_embedding (stmt, 2, &row_dim);
      if (!embedding_is_valid (embedding, row_dim))
        {
          n_skipped++;
          continue;
        }
      if (person_id != last_person)
        {
          vs_gallery_add_person (gallery, person_id, (const char *) sqlite3_column_text (stmt, 1));
          last_person = person_id;
        }
      vs_gallery_add_sample (gallery, person_id, embedding);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  exec (self, "COMMIT", NULL);

  if (n_skipped > 0)
    g_debug ("Gallery %s: skipped %u samples that are not %" G_GINT64_FORMAT "-d or invalid",
             embedder, n_skipped, dim);
  g_debug ("Gallery %s: %u samples of %u people", embedder,
           vs_gallery_get_n_samples (gallery), vs_gallery_get_n_people (gallery));
  return g_steal_pointer (&gallery);

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return NULL;
}
/* ---- The server backend (vs-store-pg.c) --------------------------------- */

VsStorePg *
vs_store_get_pg (VsStore *store)
{
  g_return_val_if_fail (VS_IS_STORE (store), NULL);
  return store->pg;
}

gboolean
vs_store_embedding_is_valid (const float *embedding,
                             guint        dim)
{
  return embedding_is_valid (embedding, dim);
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

gboolean
vs_store_read_all (VsStore          *self,
                   VsStoreContents  *contents,
                   GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  if (self->pg != NULL)
    return vs_store_pg_read_all (self->pg, contents, error);

  /* One read transaction: one snapshot of the three tables. */
  if (!exec (self, "BEGIN", error))
    return FALSE;
  stmt = prepare (self, "SELECT id, name, created, updated FROM people ORDER BY id", error);
  if (stmt == NULL ||
      (contents->people = collect_rows (self, stmt, (RowFunc) plain_person_from_row,
                                        (GDestroyNotify) vs_person_free, error)) == NULL)
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = prepare (self,
                  "SELECT id, person_id, embedder, embedding, quality, crop, source, created"
                  " FROM samples ORDER BY id", error);
  if (stmt == NULL ||
      (contents->samples = collect_rows (self, stmt, (RowFunc) sample_from_row,
                                         (GDestroyNotify) vs_sample_free, error)) == NULL)
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = prepare (self, "SELECT id, person_id, seen FROM events ORDER BY id", error);
  if (stmt == NULL)
    goto fail;
  contents->events = g_array_new (FALSE, FALSE, sizeof (VsStoreEvent));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VsStoreEvent event = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2)
      };
      g_array_append_val (contents->events, event);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  exec (self, "COMMIT", NULL);
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  vs_store_contents_clear (contents);
  return FALSE;
}

gboolean
vs_store_write_all (VsStore                *self,
                    const VsStoreContents  *contents,
                    GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 n_people;

  g_return_val_if_fail (VS_IS_STORE (self), FALSE);
  if (self->pg != NULL)
    return vs_store_pg_write_all (self->pg, contents, error);

  if (!begin (self, error))
    return FALSE;
  n_people = query_int64 (self, "SELECT count(*) FROM people", -1, error);
  if (n_people < 0)
    goto fail;
  if (n_people > 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS,
                   _("“%s” already holds %" PRId64 " people; copy only into an empty "
                     "database"), self->path, n_people);
      goto fail;
    }

  stmt = prepare (self, "INSERT INTO people (id, name, created, updated) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < contents->people->len; i++)
    {
      const VsPerson *p = g_ptr_array_index (contents->people, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, p->id);
      bind_text (stmt, 2, p->name);
      sqlite3_bind_int64 (stmt, 3, p->created);
      sqlite3_bind_int64 (stmt, 4, p->updated);
      if (!step_done (self, stmt, error))
        goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self,
                  "INSERT INTO samples (id, person_id, embedder, dim, embedding, quality, crop, source, created)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < contents->samples->len; i++)
    {
      const VsSample *s = g_ptr_array_index (contents->samples, i);

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int64 (stmt, 1, s->id);
      sqlite3_bind_int64 (stmt, 2, s->person_id);
      bind_text (stmt, 3, s->embedder);
      sqlite3_bind_int (stmt, 4, s->dim);
      bind_embedding (stmt, 5, s->embedding, s->dim);
      sqlite3_bind_double (stmt, 6, s->quality);
      if (s->crop != NULL)
        {
          gsize size;
          const void *data = g_bytes_get_data (s->crop, &size);
          sqlite3_bind_blob64 (stmt, 7, data ? data : "", size, SQLITE_STATIC);
        }
      bind_text (stmt, 8, s->source);
      sqlite3_bind_int64 (stmt, 9, s->created);
      if (!step_done (self, stmt, error))
        goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self, "INSERT INTO events (id, person_id, seen) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < contents->events->len; i++)
    {
      const VsStoreEvent *e = &g_array_index (contents->events, VsStoreEvent, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, e->id);
      sqlite3_bind_int64 (stmt, 2, e->person_id);
      sqlite3_bind_int64 (stmt, 3, e->seen);
      if (!step_done (self, stmt, error))
        goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!commit (self, error))
    goto fail;
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

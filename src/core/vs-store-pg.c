/* vs-store-pg.c: people and face samples on a PostgreSQL server.
 *
 * The same tables as the SQLite store (ids, unix seconds, float32
 * little-endian embeddings, PNG crops), so that `visage-cli db copy` moves
 * them byte for byte. Every change is one transaction; migrations run under
 * an advisory lock, so stations starting together migrate once. Triggers
 * announce every change with NOTIFY, so a change made by any client —
 * another station, visage-cli, psql — reaches every listening station.
 */
#include "config.h"

#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <libpq-fe.h>

#include "vs-store-pg.h"
#include "vs-store-private.h"
#include "vs-store-copy.h"
#include "vs-name.h"

#define VS_STORE_PG_CHANNEL "visage"
/* "Visg", as the SQLite application_id: the key of the migration lock. */
#define VS_STORE_PG_LOCK_KEY 0x56697367
#define VS_STORE_PG_CONNECT_TIMEOUT "5"
/* How often the listener checks that an idle server is still there, and
 * how soon it retries after losing it. */
#define LISTENER_PING_MS 1000
#define LISTENER_RETRY_MS 250

/* Each step runs in the migration transaction and moves schema_version from
 * its index to index + 1. Append only: never edit a released step. */
static const char * const migrations[] = {
  /* 0 → 1: the SQLite schema 1, plus the notifications. */
  "CREATE TABLE people ("
  "  id      bigserial PRIMARY KEY,"
  "  name    text NOT NULL,"
  "  created bigint NOT NULL,"
  "  updated bigint NOT NULL"
  ");"
  "CREATE INDEX people_name ON people(name);"
  "CREATE TABLE samples ("
  "  id        bigserial PRIMARY KEY,"
  "  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
  "  embedder  text NOT NULL,"
  "  dim       integer NOT NULL,"
  "  embedding bytea NOT NULL,"     /* dim float32, little-endian */
  "  quality   double precision,"
  "  crop      bytea,"              /* PNG, aligned 112×112 face */
  "  source    text,"
  "  created   bigint NOT NULL"
  ");"
  "CREATE INDEX samples_person ON samples(person_id);"
  "CREATE INDEX samples_embedder ON samples(embedder);"
  "CREATE TABLE events ("
  "  id        bigserial PRIMARY KEY,"
  "  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
  "  seen      bigint NOT NULL"
  ");"
  "CREATE INDEX events_person_seen ON events(person_id, seen);"
  /* Identical notifications of one transaction are delivered once, so a
   * hundred samples of one person make one "samples_added". */
  "CREATE FUNCTION visage_notify_people() RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'INSERT' THEN"
  "    PERFORM pg_notify('" VS_STORE_PG_CHANNEL "', 'person_added ' || NEW.id);"
  "  ELSIF TG_OP = 'DELETE' THEN"
  "    PERFORM pg_notify('" VS_STORE_PG_CHANNEL "', 'person_deleted ' || OLD.id);"
  "  ELSIF NEW.name IS DISTINCT FROM OLD.name THEN"
  "    PERFORM pg_notify('" VS_STORE_PG_CHANNEL "', 'person_renamed ' || NEW.id);"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER people_notify AFTER INSERT OR UPDATE OR DELETE ON people"
  "  FOR EACH ROW EXECUTE FUNCTION visage_notify_people();"
  "CREATE FUNCTION visage_notify_samples() RETURNS trigger LANGUAGE plpgsql AS $$"
  "BEGIN"
  "  IF TG_OP = 'INSERT' THEN"
  "    PERFORM pg_notify('" VS_STORE_PG_CHANNEL "', 'samples_added ' || NEW.person_id);"
  "  ELSIF TG_OP = 'DELETE' THEN"
  "    PERFORM pg_notify('" VS_STORE_PG_CHANNEL "', 'samples_removed ' || OLD.person_id);"
  "  ELSIF NEW.embedding IS DISTINCT FROM OLD.embedding"
  "        OR NEW.embedder IS DISTINCT FROM OLD.embedder THEN"
  "    PERFORM pg_notify('" VS_STORE_PG_CHANNEL "', 'embedder_changed 0');"
  "  END IF;"
  "  RETURN NULL;"
  "END $$;"
  "CREATE TRIGGER samples_notify AFTER INSERT OR UPDATE OR DELETE ON samples"
  "  FOR EACH ROW EXECUTE FUNCTION visage_notify_samples();",
};

static const struct {
  const char        *word;
  VsStoreChangeKind  kind;
} change_words[] = {
  { "person_added",     VS_STORE_CHANGE_PERSON_ADDED },
  { "person_renamed",   VS_STORE_CHANGE_PERSON_RENAMED },
  { "person_deleted",   VS_STORE_CHANGE_PERSON_DELETED },
  { "samples_added",    VS_STORE_CHANGE_SAMPLES_ADDED },
  { "samples_removed",  VS_STORE_CHANGE_SAMPLES_REMOVED },
  { "embedder_changed", VS_STORE_CHANGE_EMBEDDER_CHANGED },
};

typedef struct {
  GMutex   lock;
  GCond    cond;
  GThread *thread;
  int      wake[2];      /* a byte here stops the thread */
  gboolean tried;        /* the first connection attempt is over */
  gboolean online;
  GArray  *changes;      /* VsStoreChange, not yet taken */
  GArray  *pids;         /* int per change: the server process that made it, 0 for RESYNC */
  gint64   version;      /* counts every change and every reconnection */
  VsStorePgWakeFunc wake_func;
  gpointer          wake_data;
  GDestroyNotify    wake_destroy;
} Listener;

/* The server processes serving this process's connections: their
 * notifications are this process's own writes. A closed connection's pid
 * stays for a while, since its notifications may still be on their way
 * (a worker thread that wrote and closed its store at once). */
#define LOCAL_PID_LINGER_US (30 * G_USEC_PER_SEC)

static GMutex local_pids_lock;
static GHashTable *local_pids;   /* pid → 0 while open, or when it closed (monotonic µs) */

static void
local_pid_set (int    pid,
               gint64 closed)
{
  g_mutex_lock (&local_pids_lock);
  if (local_pids == NULL)
    local_pids = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_hash_table_insert (local_pids, GINT_TO_POINTER (pid), g_memdup2 (&closed, sizeof closed));
  g_mutex_unlock (&local_pids_lock);
}

static void
local_pid_add (int pid)
{
  local_pid_set (pid, 0);
}

static void
local_pid_remove (int pid)
{
  local_pid_set (pid, g_get_monotonic_time ());
}

static gboolean
local_pid_contains (int pid)
{
  gint64 *closed;
  gboolean found = FALSE;

  g_mutex_lock (&local_pids_lock);
  closed = pid != 0 && local_pids != NULL ? g_hash_table_lookup (local_pids, GINT_TO_POINTER (pid)) : NULL;
  if (closed != NULL)
    {
      found = *closed == 0 || g_get_monotonic_time () - *closed < LOCAL_PID_LINGER_US;
      if (!found)   /* the server may give that pid to someone else now */
        g_hash_table_remove (local_pids, GINT_TO_POINTER (pid));
    }
  g_mutex_unlock (&local_pids_lock);
  return found;
}

struct _VsStorePg
{
  char     *conninfo;
  char     *server;      /* for messages: no password */
  PGconn   *conn;
  int       pid;         /* the server process of conn (0 before it is open) */
  gboolean  lost;        /* a statement found the connection dead */
  Listener  listener;
};

/* ---- Connection strings ------------------------------------------------ */

gboolean
vs_store_pg_is_conninfo (const char *db)
{
  g_autofree char *keyword = NULL;
  PQconninfoOption *defaults;
  gboolean known = FALSE;
  const char *p, *start;

  if (db == NULL)
    return FALSE;
  if (g_str_has_prefix (db, "postgresql://") || g_str_has_prefix (db, "postgres://"))
    return TRUE;

  /* key=value…: one of libpq's keywords, optional blanks, then '=' (so
   * that a file called "a=b.db" stays a file). */
  for (p = db; g_ascii_isspace (*p); p++)
    ;
  start = p;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  keyword = g_strndup (start, p - start);
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '=' || *keyword == '\0')
    return FALSE;

  defaults = PQconndefaults ();
  for (PQconninfoOption *o = defaults; o != NULL && o->keyword != NULL && !known; o++)
    known = g_str_equal (o->keyword, keyword);
  PQconninfoFree (defaults);
  return known;
}

char *
vs_store_pg_describe (const char *conninfo)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  const char *host = NULL, *port = NULL, *dbname = NULL, *user = NULL;
  GString *out;

  if (options == NULL)
    return g_strdup (_("the database server"));
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL || *o->val == '\0')
        continue;
      if (g_str_equal (o->keyword, "host") || (host == NULL && g_str_equal (o->keyword, "hostaddr")))
        host = o->val;
      else if (g_str_equal (o->keyword, "port"))
        port = o->val;
      else if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
      else if (g_str_equal (o->keyword, "user"))
        user = o->val;
    }
  out = g_string_new ("postgresql://");
  if (user != NULL)
    g_string_append_printf (out, "%s@", user);
  g_string_append (out, host != NULL ? host : "localhost");
  if (port != NULL)
    g_string_append_printf (out, ":%s", port);
  if (dbname != NULL)
    g_string_append_printf (out, "/%s", dbname);
  PQconninfoFree (options);
  return g_string_free (out, FALSE);
}

/* ---- Errors ------------------------------------------------------------- */

/* libpq reports failures to connect only as text; these are its wordings
 * (libpq 15, messages of the server in English as sent before login). */
static gboolean
set_connect_error (const char  *server,
                   PGconn      *conn,
                   GError     **error)
{
  const char *msg = conn != NULL ? PQerrorMessage (conn) : "out of memory";
  g_autofree char *first_line = g_strndup (msg, strcspn (msg, "\n"));

  if (strstr (msg, "password authentication failed") != NULL ||
      strstr (msg, "no password supplied") != NULL ||
      strstr (msg, "password is required") != NULL)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_DENIED,
                 _("Wrong user name or password for the database server %s"), server);
  else if (strstr (msg, "no pg_hba.conf entry") != NULL ||
           (strstr (msg, "role") != NULL && strstr (msg, "does not exist") != NULL) ||
           strstr (msg, "permission denied") != NULL)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_DENIED,
                 _("The database server %s does not let this user in (%s)"), server, first_line);
  else if (strstr (msg, "database") != NULL && strstr (msg, "does not exist") != NULL)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                 _("The database server %s has no such database; create it first (%s)"),
                 server, first_line);
  else if (strstr (msg, "SSL") != NULL || strstr (msg, "certificate") != NULL)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OPEN,
                 _("Cannot make a secure connection to the database server %s (%s)"),
                 server, first_line);
  else
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OFFLINE,
                 _("Cannot reach the database server %s; is it running and on the network? (%s)"),
                 server, first_line);
  return FALSE;
}

static gboolean
set_pg_error (VsStorePg       *self,
              const PGresult  *res,
              GError         **error)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

  if (msg == NULL)
    msg = PQerrorMessage (self->conn);
  g_debug ("%s: SQLSTATE %s: %s", self->server, state ? state : "none", PQerrorMessage (self->conn));

  if (self->lost || PQstatus (self->conn) == CONNECTION_BAD || state == NULL ||
      g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_OFFLINE,
                 _("The database server %s cannot be reached; nothing was changed "
                   "(try again when it is back)"), self->server);
  else if (g_str_equal (state, "23505"))
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS,
                 _("This entry already exists (%s)"), msg);
  else if (g_str_equal (state, "42501"))
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_DENIED,
                 _("Permission denied on the database server %s: this user may not do "
                   "that (deleting needs the admin role) (%s)"), self->server, msg);
  else if (g_str_has_prefix (state, "42") || g_str_has_prefix (state, "3F"))
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                 _("The database on %s does not have the tables this Visage expects "
                   "(incompatible schema: %s)"), self->server, msg);
  else if (g_str_equal (state, "40001") || g_str_equal (state, "40P01") ||
           g_str_equal (state, "55P03"))
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_IO,
                 _("The database server %s is busy with another change; try again (%s)"),
                 self->server, msg);
  else if (g_str_equal (state, "53100"))
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_IO,
                 _("The disk of the database server %s is full"), self->server);
  else
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_IO,
                 _("Database error on %s: %s"), self->server, msg);
  return FALSE;
}

static gboolean
set_not_found (GError **error,
               gboolean sample,
               gint64   id)
{
  if (sample)
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND,
                 _("No sample with id %" PRId64), id);
  else
    g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND,
                 _("No person with id %" PRId64), id);
  return FALSE;
}

/* ---- Queries ------------------------------------------------------------ */

#define MAX_PARAMS 10

/* Parameters of one statement: numbers and text as text, blobs binary. */
typedef struct {
  const char *values[MAX_PARAMS];
  int         lengths[MAX_PARAMS];
  int         formats[MAX_PARAMS];
  char       *owned[MAX_PARAMS];
  int         n;
} Params;

static void
params_clear (Params *p)
{
  for (int i = 0; i < p->n; i++)
    g_free (p->owned[i]);
  p->n = 0;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Params, params_clear)

static void
param_text (Params     *p,
            const char *text)
{
  g_assert (p->n < MAX_PARAMS);
  p->owned[p->n] = NULL;
  p->values[p->n] = text;
  p->lengths[p->n] = 0;
  p->formats[p->n] = 0;
  p->n++;
}

static void
param_int (Params *p,
           gint64  value)
{
  param_text (p, NULL);
  p->owned[p->n - 1] = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  p->values[p->n - 1] = p->owned[p->n - 1];
}

static void
param_double (Params *p,
              double  value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  param_text (p, NULL);
  p->owned[p->n - 1] = g_strdup (g_ascii_dtostr (buf, sizeof buf, value));
  p->values[p->n - 1] = p->owned[p->n - 1];
}

static void
param_bytes (Params     *p,
             const void *data,
             gsize       size)
{
  param_text (p, data != NULL ? data : "");
  p->lengths[p->n - 1] = (int) size;
  p->formats[p->n - 1] = 1;
}

/* Embeddings are stored as float32 little-endian whatever the host. */
static void
param_embedding (Params      *p,
                 const float *embedding,
                 guint        dim)
{
  guint32 *le = g_new (guint32, MAX (dim, 1));

  for (guint i = 0; i < dim; i++)
    {
      guint32 bits;
      memcpy (&bits, &embedding[i], 4);
      le[i] = GUINT32_TO_LE (bits);
    }
  param_bytes (p, le, (gsize) dim * 4);
  p->owned[p->n - 1] = (char *) le;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Runs sql: one statement with params and results in binary, or (simple)
 * several statements without. NULL with the error set when it failed.
 *
 * A connection found dead is re-established. The statement is sent again
 * only when nothing of it can have run: it opens a transaction or reads
 * outside one. So the first change after the server came back works, and
 * no change ever runs twice. */
static PGresult *
execute (VsStorePg     *self,
         const char    *sql,
         const Params  *params,
         gboolean       simple,
         GError       **error)
{
  gboolean lost = self->lost || PQstatus (self->conn) == CONNECTION_BAD;
  gboolean may_retry = (lost || PQtransactionStatus (self->conn) == PQTRANS_IDLE) &&
                       (g_str_has_prefix (sql, "BEGIN") || g_str_has_prefix (sql, "SELECT"));

  for (guint attempt = 0; ; attempt++)
    {
      PGresult *res;
      ExecStatusType status;

      if (self->lost || PQstatus (self->conn) == CONNECTION_BAD)
        {
          g_debug ("Reconnecting to %s", self->server);
          PQreset (self->conn);
          if (PQstatus (self->conn) != CONNECTION_OK)
            {
              set_pg_error (self, NULL, error);
              return NULL;
            }
          self->lost = FALSE;
          PQclear (PQexec (self->conn, "SET client_min_messages = warning"));
        }

      if (simple)
        res = PQexec (self->conn, sql);
      else
        res = PQexecParams (self->conn, sql,
                            params != NULL ? params->n : 0, NULL,
                            params != NULL ? params->values : NULL,
                            params != NULL ? params->lengths : NULL,
                            params != NULL ? params->formats : NULL,
                            1);
      status = PQresultStatus (res);
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return res;

      /* No SQLSTATE: the server did not answer; the connection is gone. */
      self->lost = PQstatus (self->conn) == CONNECTION_BAD ||
                   PQresultErrorField (res, PG_DIAG_SQLSTATE) == NULL;
      if (self->lost && may_retry && attempt == 0)
        {
          PQclear (res);
          continue;
        }
      set_pg_error (self, res, error);
      PQclear (res);
      return NULL;
    }
}

static PGresult *
run (VsStorePg    *self,
     const char   *sql,
     const Params *params,
     GError      **error)
{
  return execute (self, sql, params, FALSE, error);
}

/* Several statements, no parameters, no result (migrations, VACUUM). */
static gboolean
exec (VsStorePg   *self,
      const char  *sql,
      GError     **error)
{
  PGresult *res = execute (self, sql, NULL, TRUE, error);

  PQclear (res);
  return res != NULL;
}

static gint64
col_int64 (const PGresult *res,
           int             row,
           int             col)
{
  const guint8 *v = (const guint8 *) PQgetvalue (res, row, col);
  int len = PQgetlength (res, row, col);
  guint64 value = 0;

  if (PQgetisnull (res, row, col))
    return 0;
  for (int i = 0; i < len; i++)
    value = (value << 8) | v[i];
  if (len == 4)
    return (gint32) (guint32) value;
  if (len == 2)
    return (gint16) (guint16) value;
  return (gint64) value;
}

static double
col_double (const PGresult *res,
            int             row,
            int             col)
{
  guint64 bits = (guint64) col_int64 (res, row, col);
  double value;

  if (PQgetlength (res, row, col) != 8)
    return 0;
  memcpy (&value, &bits, 8);
  return value;
}

static char *
col_text (const PGresult *res,
          int             row,
          int             col)
{
  if (PQgetisnull (res, row, col))
    return NULL;
  return g_strndup (PQgetvalue (res, row, col), PQgetlength (res, row, col));
}

static GBytes *
col_bytes (const PGresult *res,
           int             row,
           int             col)
{
  if (PQgetisnull (res, row, col))
    return NULL;
  return g_bytes_new (PQgetvalue (res, row, col), PQgetlength (res, row, col));
}

static float *
col_embedding (const PGresult *res,
               int             row,
               int             col,
               guint          *dim_out)
{
  guint dim = PQgetlength (res, row, col) / 4;
  const char *blob = PQgetvalue (res, row, col);
  float *embedding = g_new (float, MAX (dim, 1));

  for (guint i = 0; i < dim; i++)
    {
      guint32 bits;
      memcpy (&bits, blob + 4 * i, 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&embedding[i], &bits, 4);
    }
  *dim_out = dim;
  return embedding;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
begin (VsStorePg  *self,
       GError    **error)
{
  return exec (self, "BEGIN", error);
}

/* One snapshot for several reads. */
static gboolean
begin_read (VsStorePg  *self,
            GError    **error)
{
  return exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
}

static gboolean
commit (VsStorePg  *self,
        GError    **error)
{
  return exec (self, "COMMIT", error);
}

static void
rollback (VsStorePg *self)
{
  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE &&
      PQstatus (self->conn) == CONNECTION_OK)
    exec (self, "ROLLBACK", NULL);
}

/* A transaction that rolls back unless committed (see VsTxn in
 * vs-store-private.h): take it with g_autoptr and return early on error. */
typedef struct {
  VsStorePg *pg;
  gboolean   done;
} PgTxn;

static PgTxn *
pg_txn_begin (VsStorePg  *self,
              gboolean    read_only,
              GError    **error)
{
  PgTxn *txn;

  if (!(read_only ? begin_read (self, error) : begin (self, error)))
    {
      rollback (self);
      return NULL;
    }
  txn = g_new0 (PgTxn, 1);
  txn->pg = self;
  return txn;
}

static gboolean
pg_txn_commit (PgTxn   *txn,
               GError **error)
{
  if (!commit (txn->pg, error))
    return FALSE;
  txn->done = TRUE;
  return TRUE;
}

static void
pg_txn_free (PgTxn *txn)
{
  if (txn == NULL)
    return;
  if (!txn->done)
    rollback (txn->pg);
  g_free (txn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PgTxn, pg_txn_free)

/* After a deletion: dead rows (and their TOASTed crops) are pruned and
 * their space marked free for reuse. Only the tables' owner may vacuum;
 * for others the server skips it with a warning, which is not an error
 * of the deletion. See README, "Privacy on a server". */
static void
vacuum (VsStorePg  *self,
        const char *tables)
{
  g_autofree char *sql = g_strdup_printf ("VACUUM %s", tables);
  g_autoptr(GError) error = NULL;

  if (!exec (self, sql, &error))
    g_debug ("VACUUM after a deletion failed: %s", error->message);
}

/* ---- Opening ------------------------------------------------------------ */

static void
quiet_notice (void       *arg,
              const char *message)
{
  g_debug ("Server: %s", message);
}

static PGconn *
connect_server (const char *conninfo,
                const char *timeout)
{
  /* Keywords before dbname are defaults that the string may override. */
  const char *keywords[] = { "connect_timeout", "fallback_application_name",
                             "keepalives_idle", "keepalives_interval", "keepalives_count",
                             "dbname", NULL };
  const char *values[] = { timeout, "visage", "5", "2", "2", conninfo, NULL };
  PGconn *conn = PQconnectdbParams (keywords, values, TRUE);

  if (conn != NULL)
    PQsetNoticeProcessor (conn, quiet_notice, NULL);
  return conn;
}

/* The schema version, 0 for an empty database, -1 on error. */
static gint64
read_version (VsStorePg  *self,
              GError    **error)
{
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) version = NULL;

  res = run (self,
             "SELECT to_regclass('schema_version') IS NOT NULL,"
             " (SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema())",
             NULL, error);
  if (res == NULL)
    return -1;
  if (!PQgetvalue (res, 0, 0)[0])
    {
      if (col_int64 (res, 0, 1) > 0)
        {
          g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                       _("The database on %s holds tables of another program, not of Visage; "
                         "use an empty database"), self->server);
          return -1;
        }
      return 0;
    }
  version = run (self, "SELECT max(version) FROM schema_version", NULL, error);
  if (version == NULL)
    return -1;
  return col_int64 (version, 0, 0);
}

static gboolean
check_version (VsStorePg  *self,
               gint64      version,
               GError    **error)
{
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA,
                   _("The database on %s was written by a newer version of Visage "
                     "(schema %" PRId64 ", this version knows up to %u). "
                     "Update Visage to use it."),
                   self->server, version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate_locked (VsStorePg  *self,
                GError    **error)
{
  g_autofree char *lock = g_strdup_printf ("SELECT pg_advisory_xact_lock(%d)", VS_STORE_PG_LOCK_KEY);
  g_autoptr(PgTxn) txn = pg_txn_begin (self, FALSE, error);
  gint64 version;

  if (txn == NULL || !exec (self, lock, error))
    return FALSE;
  /* Re-read under the lock: another station may have migrated meanwhile. */
  version = read_version (self, error);
  if (version < 0 || !check_version (self, version, error))
    return FALSE;
  if (version == 0 &&
      !exec (self, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);"
                   "INSERT INTO schema_version VALUES (0);", error))
    return FALSE;
  for (guint step = version; step < G_N_ELEMENTS (migrations); step++)
    {
      g_auto(Params) p = { 0 };
      g_autoptr(PGresult) res = NULL;

      g_debug ("Migrating %s to schema %u", self->server, step + 1);
      if (!exec (self, migrations[step], error))
        return FALSE;
      param_int (&p, step + 1);
      res = run (self, "UPDATE schema_version SET version = $1", &p, error);
      if (res == NULL)
        return FALSE;
    }
  return pg_txn_commit (txn, error);
}

static gboolean
migrate (VsStorePg  *self,
         GError    **error)
{
  gint64 version = read_version (self, error);

  if (version < 0 || !check_version (self, version, error))
    return FALSE;
  if (version == G_N_ELEMENTS (migrations))
    return TRUE;   /* a station role needs no right to create tables */
  if (!migrate_locked (self, error))
    {
      g_prefix_error (error, _("Cannot set up the database: "));
      return FALSE;
    }
  return TRUE;
}

VsStorePg *
vs_store_pg_open (const char  *conninfo,
                  GError     **error)
{
  VsStorePg *self = g_new0 (VsStorePg, 1);

  self->conninfo = g_strdup (conninfo);
  self->server = vs_store_pg_describe (conninfo);
  g_mutex_init (&self->listener.lock);
  g_cond_init (&self->listener.cond);
  self->listener.changes = g_array_new (FALSE, FALSE, sizeof (VsStoreChange));
  self->listener.pids = g_array_new (FALSE, FALSE, sizeof (int));
  self->listener.wake[0] = self->listener.wake[1] = -1;

  self->conn = connect_server (conninfo, VS_STORE_PG_CONNECT_TIMEOUT);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      set_connect_error (self->server, self->conn, error);
      vs_store_pg_free (self);
      return NULL;
    }
  if (!exec (self, "SET client_min_messages = warning", error) || !migrate (self, error))
    {
      vs_store_pg_free (self);
      return NULL;
    }
  self->pid = PQbackendPID (self->conn);
  local_pid_add (self->pid);
  g_debug ("Opened %s (schema %u, TLS %s)", self->server, (guint) G_N_ELEMENTS (migrations),
           PQsslInUse (self->conn) ? "on" : "off");
  return self;
}

void
vs_store_pg_free (VsStorePg *self)
{
  Listener *l;

  if (self == NULL)
    return;
  l = &self->listener;
  if (l->thread != NULL)
    {
      if (write (l->wake[1], "x", 1) != 1)
        g_debug ("Cannot wake the listener");
      g_thread_join (l->thread);
    }
  if (l->wake[0] >= 0)
    {
      close (l->wake[0]);
      close (l->wake[1]);
    }
  g_array_unref (l->changes);
  g_array_unref (l->pids);
  if (l->wake_destroy != NULL)
    l->wake_destroy (l->wake_data);
  if (self->pid != 0)
    local_pid_remove (self->pid);
  g_mutex_clear (&l->lock);
  g_cond_clear (&l->cond);
  g_clear_pointer (&self->conn, PQfinish);
  g_free (self->conninfo);
  g_free (self->server);
  g_free (self);
}

/* ---- People ------------------------------------------------------------- */

#define PERSON_COLUMNS \
  "SELECT p.id, p.name, p.created, p.updated," \
  " (SELECT count(*) FROM samples s WHERE s.person_id = p.id)," \
  " coalesce((SELECT max(e.seen) FROM events e WHERE e.person_id = p.id), 0)" \
  " FROM people p "

static VsPerson *
person_from_row (const PGresult *res,
                 int             row)
{
  VsPerson *person = g_new0 (VsPerson, 1);

  person->id = col_int64 (res, row, 0);
  person->name = col_text (res, row, 1);
  person->created = col_int64 (res, row, 2);
  person->updated = col_int64 (res, row, 3);
  person->n_samples = col_int64 (res, row, 4);
  person->last_seen = col_int64 (res, row, 5);
  return person;
}

GPtrArray *
vs_store_pg_list_people (VsStorePg  *self,
                         GError    **error)
{
  g_autoptr(PGresult) res = run (self, PERSON_COLUMNS, NULL, error);
  GPtrArray *people;

  if (res == NULL)
    return NULL;
  people = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_person_free);
  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (people, person_from_row (res, i));
  return people;
}

VsPerson *
vs_store_pg_get_person (VsStorePg  *self,
                        gint64      person_id,
                        GError    **error)
{
  g_auto(Params) p = { 0 };
  g_autoptr(PGresult) res = NULL;

  param_int (&p, person_id);
  res = run (self, PERSON_COLUMNS "WHERE p.id = $1", &p, error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      set_not_found (error, FALSE, person_id);
      return NULL;
    }
  return person_from_row (res, 0);
}

/* The lowest id whose name is the same by vs_name_key() (case, accents and
 * invisible characters ignored), other than except_id; 0 when none, -1 on
 * error. Compared here, as the SQLite store does, so both agree. */
static gint64
find_person_id (VsStorePg   *self,
                const char  *normalized,
                gint64       except_id,
                GError     **error)
{
  g_autoptr(PGresult) res = run (self, "SELECT id, name FROM people ORDER BY id", NULL, error);
  g_autofree char *key = vs_name_key (normalized);

  if (res == NULL)
    return -1;
  for (int i = 0; i < PQntuples (res); i++)
    {
      g_autofree char *name = col_text (res, i, 1);
      g_autofree char *other = vs_name_key (name);
      gint64 id = col_int64 (res, i, 0);

      if (id != except_id && g_strcmp0 (key, other) == 0)
        return id;
    }
  return 0;
}

VsPerson *
vs_store_pg_find_person_by_name (VsStorePg   *self,
                                 const char  *normalized,
                                 GError     **error)
{
  gint64 id = find_person_id (self, normalized, 0, error);

  if (id <= 0)
    return NULL;
  return vs_store_pg_get_person (self, id, error);
}

/* Runs a change that must touch a row: none touched means the id is unknown. */
static gboolean
run_changed (VsStorePg    *self,
             const char   *sql,
             const Params *params,
             gboolean      sample,
             gint64        id,
             GError      **error)
{
  g_autoptr(PGresult) res = run (self, sql, params, error);

  if (res == NULL)
    return FALSE;
  if (g_strcmp0 (PQcmdTuples (res), "0") == 0)
    return set_not_found (error, sample, id);
  return TRUE;
}

gboolean
vs_store_pg_rename_person (VsStorePg   *self,
                           gint64       person_id,
                           const char  *normalized,
                           GError     **error)
{
  g_autoptr(PgTxn) txn = pg_txn_begin (self, FALSE, error);
  g_auto(Params) p = { 0 };
  g_auto(Params) lock = { 0 };
  g_autoptr(PGresult) locked = NULL;
  g_autofree char *key = vs_name_key (normalized);
  gint64 same;

  if (txn == NULL)
    return FALSE;
  /* The same lock as enrolling under a new name: no two people end up with
   * one name. */
  param_text (&lock, key);
  locked = run (self, "SELECT pg_advisory_xact_lock(hashtext($1))", &lock, error);
  if (locked == NULL)
    return FALSE;
  same = find_person_id (self, normalized, person_id, error);
  if (same < 0)
    return FALSE;
  if (same > 0)
    {
      g_autoptr(VsPerson) other = vs_store_pg_get_person (self, same, NULL);

      vs_store_set_name_taken (error, normalized, other ? other->name : NULL);
      return FALSE;
    }
  param_text (&p, normalized);
  param_int (&p, now_seconds ());
  param_int (&p, person_id);
  if (!run_changed (self, "UPDATE people SET name = $1, updated = $2 WHERE id = $3",
                    &p, FALSE, person_id, error))
    return FALSE;
  return pg_txn_commit (txn, error);
}

gboolean
vs_store_pg_delete_people (VsStorePg    *self,
                           const gint64 *person_ids,
                           guint         n_ids,
                           GError      **error)
{
  g_autoptr(PgTxn) txn = pg_txn_begin (self, FALSE, error);

  if (txn == NULL)
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    {
      g_auto(Params) p = { 0 };

      param_int (&p, person_ids[i]);
      /* All or nothing: one unknown id cancels the whole deletion. */
      if (!run_changed (self, "DELETE FROM people WHERE id = $1", &p, FALSE, person_ids[i], error))
        return FALSE;
    }
  if (!pg_txn_commit (txn, error))
    return FALSE;
  vacuum (self, "samples, events, people");
  return TRUE;
}

/* ---- Samples ------------------------------------------------------------ */

/* The dimension already used by an embedder, 0 if none, -1 on error. */
static gint64
embedder_dim (VsStorePg   *self,
              const char  *embedder,
              GError     **error)
{
  g_auto(Params) p = { 0 };
  g_autoptr(PGresult) res = NULL;

  param_text (&p, embedder);
  res = run (self, "SELECT dim FROM samples WHERE embedder = $1 LIMIT 1", &p, error);
  if (res == NULL)
    return -1;
  return PQntuples (res) > 0 ? col_int64 (res, 0, 0) : 0;
}

/* The size the database already uses for each embedder of the batch (the
 * rest was checked by vs_store_add_samples()). */
static gboolean
check_dims (VsStorePg   *self,
            GPtrArray   *samples,
            GError     **error)
{
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      gint64 dim = embedder_dim (self, sample->embedder, error);

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

gint64
vs_store_pg_add_samples (VsStorePg   *self,
                         gint64       person_id,
                         const char  *normalized,
                         GPtrArray   *samples,
                         gint64       now,
                         gint64      *ids,
                         gboolean    *created,
                         GError     **error)
{
  g_autoptr(PgTxn) txn = pg_txn_begin (self, FALSE, error);
  guint n = samples != NULL ? samples->len : 0;

  if (txn == NULL || !check_dims (self, samples, error))
    return 0;

  if (person_id == 0)
    {
      g_auto(Params) p = { 0 };
      g_autoptr(PGresult) lock = NULL;
      g_autofree char *key = NULL;

      /* Two stations enrolling one new name at once make one person. */
      key = vs_name_key (normalized);
      param_text (&p, key);
      lock = run (self, "SELECT pg_advisory_xact_lock(hashtext($1))", &p, error);
      if (lock == NULL)
        return 0;
      person_id = find_person_id (self, normalized, 0, error);
      if (person_id < 0)
        return 0;
      if (person_id == 0)
        {
          g_autoptr(PGresult) res = NULL;

          params_clear (&p);
          param_text (&p, normalized);
          param_int (&p, now);
          res = run (self, "INSERT INTO people (name, created, updated) VALUES ($1, $2, $2) RETURNING id",
                     &p, error);
          if (res == NULL)
            return 0;
          person_id = col_int64 (res, 0, 0);
          *created = TRUE;
        }
    }

  {
    g_auto(Params) p = { 0 };

    param_int (&p, now);
    param_int (&p, person_id);
    if (!run_changed (self, "UPDATE people SET updated = $1 WHERE id = $2", &p, FALSE, person_id, error))
      return 0;
  }

  for (guint i = 0; i < n; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      g_auto(Params) p = { 0 };
      g_autoptr(PGresult) res = NULL;

      param_int (&p, person_id);
      param_text (&p, sample->embedder);
      param_int (&p, sample->dim);
      param_embedding (&p, sample->embedding, sample->dim);
      param_double (&p, sample->quality);
      if (sample->crop != NULL)
        {
          gsize size;
          const void *data = g_bytes_get_data (sample->crop, &size);
          param_bytes (&p, data, size);
        }
      else
        param_text (&p, NULL);
      param_text (&p, sample->source);
      param_int (&p, sample->created > 0 ? sample->created : now);
      res = run (self,
                 "INSERT INTO samples (person_id, embedder, dim, embedding, quality, crop, source, created)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", &p, error);
      if (res == NULL)
        return 0;
      ids[i] = col_int64 (res, 0, 0);
    }

  if (!pg_txn_commit (txn, error))
    return 0;
  return person_id;
}

static VsSample *
sample_from_row (const PGresult *res,
                 int             row)
{
  VsSample *sample = g_new0 (VsSample, 1);

  sample->id = col_int64 (res, row, 0);
  sample->person_id = col_int64 (res, row, 1);
  sample->embedder = col_text (res, row, 2);
  sample->embedding = col_embedding (res, row, 3, &sample->dim);
  sample->quality = col_double (res, row, 4);
  sample->crop = col_bytes (res, row, 5);
  sample->source = col_text (res, row, 6);
  sample->created = col_int64 (res, row, 7);
  return sample;
}

GPtrArray *
vs_store_pg_list_samples (VsStorePg  *self,
                          gint64      person_id,
                          GError    **error)
{
  /* One snapshot: the person and their samples. */
  g_autoptr(PgTxn) txn = pg_txn_begin (self, TRUE, error);
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(PGresult) res = NULL;
  g_auto(Params) p = { 0 };
  GPtrArray *samples;

  if (txn == NULL)
    return NULL;
  person = vs_store_pg_get_person (self, person_id, error);
  if (person == NULL)
    return NULL;
  param_int (&p, person_id);
  res = run (self,
             "SELECT id, person_id, embedder, embedding, quality, crop, source, created"
             " FROM samples WHERE person_id = $1 ORDER BY id", &p, error);
  if (res == NULL)
    return NULL;
  pg_txn_commit (txn, NULL);

  samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (samples, sample_from_row (res, i));
  return samples;
}

gboolean
vs_store_pg_delete_sample (VsStorePg  *self,
                           gint64      sample_id,
                           gint64     *person_id_out,
                           GError    **error)
{
  g_autoptr(PgTxn) txn = pg_txn_begin (self, FALSE, error);
  g_auto(Params) touch = { 0 };
  g_autoptr(PGresult) res = NULL;
  gint64 person_id;

  if (txn == NULL)
    return FALSE;
  param_int (&touch, now_seconds ());
  param_int (&touch, sample_id);
  res = run (self, "UPDATE people SET updated = $1 WHERE id = (SELECT person_id FROM samples WHERE id = $2)"
                   " RETURNING id", &touch, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    return set_not_found (error, TRUE, sample_id);
  person_id = col_int64 (res, 0, 0);
  {
    g_auto(Params) p = { 0 };

    param_int (&p, sample_id);
    if (!run_changed (self, "DELETE FROM samples WHERE id = $1", &p, TRUE, sample_id, error))
      return FALSE;
  }
  if (!pg_txn_commit (txn, error))
    return FALSE;
  vacuum (self, "samples");
  *person_id_out = person_id;
  return TRUE;
}

GBytes *
vs_store_pg_get_person_thumbnail (VsStorePg  *self,
                                  gint64      person_id,
                                  GError    **error)
{
  g_auto(Params) p = { 0 };
  g_autoptr(PGresult) res = NULL;

  param_int (&p, person_id);
  res = run (self,
             "SELECT crop FROM samples WHERE person_id = $1 AND crop IS NOT NULL"
             " AND length(crop) > 0 ORDER BY id LIMIT 1", &p, error);
  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  return col_bytes (res, 0, 0);
}

gboolean
vs_store_pg_reembed (VsStorePg       *self,
                     const char      *embedder,
                     guint            dim,
                     VsReembedFunc    func,
                     VsProgressFunc   progress,
                     gpointer         user_data,
                     GError         **error)
{
  g_autoptr(PGresult) list = NULL;
  g_autofree float *embedding = NULL;
  guint n;

  /* Writers wait until this is done, readers go on with the old rows: no
   * sample can be added or removed half-way. */
  g_autoptr(PgTxn) txn = pg_txn_begin (self, FALSE, error);

  if (txn == NULL || !exec (self, "LOCK TABLE samples IN EXCLUSIVE MODE", error))
    return FALSE;
  list = run (self, "SELECT id FROM samples ORDER BY id", NULL, error);
  if (list == NULL)
    return FALSE;
  n = PQntuples (list);
  embedding = g_new (float, dim);
  if (progress != NULL)
    progress (0, n, user_data);

  for (guint i = 0; i < n; i++)
    {
      gint64 id = col_int64 (list, i, 0);
      g_auto(Params) p = { 0 };
      g_auto(Params) u = { 0 };
      g_autoptr(PGresult) read = NULL;
      g_autoptr(PGresult) update = NULL;
      g_autoptr(GBytes) crop = NULL;

      param_int (&p, id);
      read = run (self, "SELECT crop FROM samples WHERE id = $1", &p, error);
      if (read == NULL)
        return FALSE;
      crop = PQntuples (read) > 0 ? col_bytes (read, 0, 0) : NULL;
      if (!vs_store_reembed_one (id, crop, dim, func, user_data, embedding, error))
        return FALSE;
      param_embedding (&u, embedding, dim);
      param_int (&u, dim);
      param_text (&u, embedder);
      param_int (&u, id);
      update = run (self, "UPDATE samples SET embedding = $1, dim = $2, embedder = $3 WHERE id = $4",
                    &u, error);
      if (update == NULL)
        return FALSE;
      if (progress != NULL)
        progress (i + 1, n, user_data);
    }
  if (!pg_txn_commit (txn, error))
    return FALSE;
  /* The old embeddings are dead rows now. */
  vacuum (self, "samples");
  return TRUE;
}

gboolean
vs_store_pg_record_seen (VsStorePg  *self,
                         gint64      person_id,
                         gint64      when,
                         GError    **error)
{
  g_auto(Params) p = { 0 };
  g_autoptr(PGresult) res = NULL;

  param_int (&p, person_id);
  param_int (&p, when);
  /* One statement, so one transaction; a person that is gone inserts no row. */
  res = run (self,
             "INSERT INTO events (person_id, seen) SELECT $1, $2"
             " WHERE EXISTS (SELECT 1 FROM people WHERE id = $1)", &p, error);
  if (res == NULL)
    return FALSE;
  if (g_strcmp0 (PQcmdTuples (res), "0") == 0)
    return set_not_found (error, FALSE, person_id);
  return TRUE;
}

char *
vs_store_pg_dup_embedder (VsStorePg  *self,
                          GError    **error)
{
  g_autoptr(PGresult) res = run (self,
                                 "SELECT embedder FROM samples GROUP BY embedder"
                                 " ORDER BY count(*) DESC, max(id) DESC LIMIT 1", NULL, error);

  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  return col_text (res, 0, 0);
}

/* Adds the rows (person_id, name, embedding) of res whose embedding has the
 * gallery's size and is valid; returns how many were skipped. */
static guint
add_gallery_rows (VsGallery      *gallery,
                  const PGresult *res)
{
  guint dim = vs_gallery_get_dim (gallery);
  gint64 last_person = 0;
  guint n_skipped = 0;

  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 person_id = col_int64 (res, i, 0);
      g_autofree float *embedding = NULL;
      g_autofree char *name = NULL;
      guint row_dim;

      embedding = col_embedding (res, i, 2, &row_dim);
      if (row_dim != dim || !vs_store_embedding_is_valid (embedding, row_dim))
        {
          n_skipped++;
          continue;
        }
      if (person_id != last_person)
        {
          name = col_text (res, i, 1);
          vs_gallery_add_person (gallery, person_id, name);
          last_person = person_id;
        }
      vs_gallery_add_sample (gallery, person_id, embedding);
    }
  return n_skipped;
}

VsGallery *
vs_store_pg_load_gallery (VsStorePg   *self,
                          const char  *embedder,
                          GError     **error)
{
  g_autoptr(VsGallery) gallery = NULL;
  g_autoptr(PGresult) dim = NULL;
  g_autoptr(PGresult) rows = NULL;
  g_auto(Params) p = { 0 };
  guint n_skipped;
  g_autoptr(PgTxn) txn = pg_txn_begin (self, TRUE, error);

  if (txn == NULL)
    return NULL;
  /* The dimension most rows have; stray rows of another size are skipped. */
  param_text (&p, embedder);
  dim = run (self,
             "SELECT dim FROM samples WHERE embedder = $1"
             " GROUP BY dim ORDER BY count(*) DESC, dim LIMIT 1", &p, error);
  if (dim == NULL)
    return NULL;
  rows = run (self,
              "SELECT s.person_id, p.name, s.embedding FROM samples s"
              " JOIN people p ON p.id = s.person_id"
              " WHERE s.embedder = $1 ORDER BY s.person_id, s.id", &p, error);
  if (rows == NULL)
    return NULL;
  pg_txn_commit (txn, NULL);

  gallery = vs_gallery_new (embedder, PQntuples (dim) > 0 ? (guint) col_int64 (dim, 0, 0) : 0);
  n_skipped = add_gallery_rows (gallery, rows);
  if (n_skipped > 0)
    g_debug ("Gallery %s: skipped %u samples of another size or invalid", embedder, n_skipped);
  return g_steal_pointer (&gallery);

}

gboolean
vs_store_pg_add_people_to_gallery (VsStorePg    *self,
                                   VsGallery    *gallery,
                                   const gint64 *person_ids,
                                   guint         n_ids,
                                   GError      **error)
{
  g_autoptr(GString) ids = g_string_new ("{");
  g_auto(Params) p = { 0 };
  g_autoptr(PGresult) rows = NULL;

  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", person_ids[i]);
  g_string_append_c (ids, '}');

  param_text (&p, vs_gallery_get_embedder (gallery));
  param_text (&p, ids->str);
  rows = run (self,
              "SELECT s.person_id, p.name, s.embedding FROM samples s"
              " JOIN people p ON p.id = s.person_id"
              " WHERE s.embedder = $1 AND s.person_id = ANY ($2::bigint[])"
              " ORDER BY s.person_id, s.id", &p, error);
  if (rows == NULL)
    return FALSE;
  add_gallery_rows (gallery, rows);
  return TRUE;
}

/* ---- Live updates ------------------------------------------------------- */

static void
push_change (Listener          *l,
             VsStoreChangeKind  kind,
             gint64             person_id,
             int                pid)
{
  VsStoreChange change = { kind, person_id, 0 };

  /* Nobody takes them (only the version is read): one resync says it all. */
  if (l->changes->len >= 10000)
    {
      g_array_set_size (l->changes, 0);
      g_array_set_size (l->pids, 0);
      change.kind = VS_STORE_CHANGE_RESYNC;
      change.person_id = 0;
      pid = 0;
    }
  g_array_append_val (l->changes, change);
  g_array_append_val (l->pids, pid);
  l->version++;
}

/* Under the lock: tells the monitor that something arrived. */
static void
wake_up (Listener *l)
{
  if (l->wake_func != NULL)
    l->wake_func (l->wake_data);
}

static void
set_online (Listener *l,
            gboolean  online)
{
  g_mutex_lock (&l->lock);
  /* Back after a gap: whatever changed meanwhile was not announced to us. */
  if (online && !l->online && l->tried)
    push_change (l, VS_STORE_CHANGE_RESYNC, 0, 0);
  if (online != l->online && l->tried)
    wake_up (l);
  if (online != l->online || !l->tried)
    g_debug ("Listener: server %s", online ? "online" : "offline");
  l->online = online;
  l->tried = TRUE;
  g_cond_broadcast (&l->cond);
  g_mutex_unlock (&l->lock);
}

static void
take_notifications (Listener *l,
                    PGconn   *conn)
{
  PGnotify *notify;

  gboolean any = FALSE;

  g_mutex_lock (&l->lock);
  while ((notify = PQnotifies (conn)) != NULL)
    {
      g_auto(GStrv) words = g_strsplit (notify->extra, " ", 2);

      for (guint i = 0; i < G_N_ELEMENTS (change_words); i++)
        if (g_strcmp0 (words[0], change_words[i].word) == 0)
          {
            push_change (l, change_words[i].kind,
                         words[1] != NULL ? g_ascii_strtoll (words[1], NULL, 10) : 0,
                         notify->be_pid);
            any = TRUE;
          }
      PQfreemem (notify);
    }
  if (any)
    wake_up (l);
  g_mutex_unlock (&l->lock);
}

/* Waits for the stop byte up to timeout_ms (or for conn's socket when it
 * is given); TRUE when asked to stop. */
static gboolean
listener_wait (Listener *l,
               PGconn   *conn,
               int       timeout_ms,
               gboolean *readable)
{
  struct pollfd fds[2] = {
    { l->wake[0], POLLIN, 0 },
    { conn != NULL ? PQsocket (conn) : -1, POLLIN, 0 },
  };
  int n = poll (fds, conn != NULL ? 2 : 1, timeout_ms);

  if (readable != NULL)
    *readable = n > 0 && conn != NULL && fds[1].revents != 0;
  return n > 0 && fds[0].revents != 0;
}

static gpointer
listener_thread (gpointer data)
{
  VsStorePg *self = data;
  Listener *l = &self->listener;
  PGconn *conn = NULL;

  for (;;)
    {
      gboolean readable = FALSE;

      if (conn == NULL)
        {
          g_autoptr(PGresult) res = NULL;

          conn = connect_server (self->conninfo, "2");
          if (PQstatus (conn) == CONNECTION_OK)
            res = PQexec (conn, "LISTEN " VS_STORE_PG_CHANNEL);
          if (PQresultStatus (res) != PGRES_COMMAND_OK)
            {
              g_clear_pointer (&conn, PQfinish);
              set_online (l, FALSE);
              if (listener_wait (l, NULL, LISTENER_RETRY_MS, NULL))
                break;
              continue;
            }
          set_online (l, TRUE);
        }

      if (listener_wait (l, conn, LISTENER_PING_MS, &readable))
        break;
      if (!readable)
        {
          /* Idle: a server that was killed may not have closed the socket. */
          g_autoptr(PGresult) res = PQexec (conn, "SELECT 1");
          if (PQresultStatus (res) != PGRES_TUPLES_OK)
            PQreset (conn);   /* fails fast when the server is gone */
        }
      if (PQstatus (conn) != CONNECTION_OK || !PQconsumeInput (conn))
        {
          g_clear_pointer (&conn, PQfinish);
          set_online (l, FALSE);
          continue;
        }
      take_notifications (l, conn);
    }

  g_clear_pointer (&conn, PQfinish);
  return NULL;
}

void
vs_store_pg_watch_changes (VsStorePg *self)
{
  Listener *l = &self->listener;
  gint64 deadline;

  if (l->thread != NULL)
    return;
  if (!g_unix_open_pipe (l->wake, FD_CLOEXEC, NULL))
    {
      g_warning ("Cannot watch %s for changes: no pipe", self->server);
      return;
    }
  l->thread = g_thread_new ("visage-listen", listener_thread, self);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  g_mutex_lock (&l->lock);
  while (!l->tried)
    if (!g_cond_wait_until (&l->cond, &l->lock, deadline))
      break;
  g_mutex_unlock (&l->lock);
}

gboolean
vs_store_pg_is_online (VsStorePg *self)
{
  gboolean online;

  g_mutex_lock (&self->listener.lock);
  online = self->listener.thread == NULL || self->listener.online;
  g_mutex_unlock (&self->listener.lock);
  return online;
}

GArray *
vs_store_pg_take_changes (VsStorePg *self)
{
  GArray *changes = g_array_new (FALSE, FALSE, sizeof (VsStoreChange));

  g_mutex_lock (&self->listener.lock);
  g_array_append_vals (changes, self->listener.changes->data, self->listener.changes->len);
  g_array_set_size (self->listener.changes, 0);
  g_array_set_size (self->listener.pids, 0);
  g_mutex_unlock (&self->listener.lock);
  return changes;
}

GArray *
vs_store_pg_take_foreign_changes (VsStorePg *self)
{
  GArray *changes = g_array_new (FALSE, FALSE, sizeof (VsStoreChange));
  Listener *l = &self->listener;

  g_mutex_lock (&l->lock);
  for (guint i = 0; i < l->changes->len; i++)
    if (!local_pid_contains (g_array_index (l->pids, int, i)))
      g_array_append_val (changes, g_array_index (l->changes, VsStoreChange, i));
  g_array_set_size (l->changes, 0);
  g_array_set_size (l->pids, 0);
  g_mutex_unlock (&l->lock);
  return changes;
}

void
vs_store_pg_set_wake_func (VsStorePg         *self,
                           VsStorePgWakeFunc  func,
                           gpointer           user_data,
                           GDestroyNotify     destroy)
{
  Listener *l = &self->listener;
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_mutex_lock (&l->lock);
  old_destroy = l->wake_destroy;
  old_data = l->wake_data;
  l->wake_func = func;
  l->wake_data = user_data;
  l->wake_destroy = destroy;
  g_mutex_unlock (&l->lock);
  if (old_destroy != NULL)
    old_destroy (old_data);
}

gint64
vs_store_pg_get_data_version (VsStorePg *self)
{
  gint64 version;

  vs_store_pg_watch_changes (self);
  g_mutex_lock (&self->listener.lock);
  version = self->listener.version;
  g_mutex_unlock (&self->listener.lock);
  return version;
}

/* ---- Everything at once (vs-store-copy.h) -------------------------------- */

gboolean
vs_store_pg_read_all (VsStorePg        *self,
                      VsStoreContents  *contents,
                      GError          **error)
{
  g_autoptr(PGresult) people = NULL;
  g_autoptr(PGresult) samples = NULL;
  g_autoptr(PGresult) events = NULL;

  g_autoptr(PgTxn) txn = pg_txn_begin (self, TRUE, error);

  if (txn == NULL)
    return FALSE;
  people = run (self, "SELECT id, name, created, updated FROM people ORDER BY id", NULL, error);
  if (people != NULL)
    samples = run (self,
                   "SELECT id, person_id, embedder, embedding, quality, crop, source, created"
                   " FROM samples ORDER BY id", NULL, error);
  if (samples != NULL)
    events = run (self, "SELECT id, person_id, seen FROM events ORDER BY id", NULL, error);
  if (events == NULL)
    return FALSE;
  pg_txn_commit (txn, NULL);

  contents->people = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_person_free);
  for (int i = 0; i < PQntuples (people); i++)
    {
      VsPerson *person = g_new0 (VsPerson, 1);

      person->id = col_int64 (people, i, 0);
      person->name = col_text (people, i, 1);
      person->created = col_int64 (people, i, 2);
      person->updated = col_int64 (people, i, 3);
      g_ptr_array_add (contents->people, person);
    }
  contents->samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  for (int i = 0; i < PQntuples (samples); i++)
    g_ptr_array_add (contents->samples, sample_from_row (samples, i));
  contents->events = g_array_new (FALSE, FALSE, sizeof (VsStoreEvent));
  for (int i = 0; i < PQntuples (events); i++)
    {
      VsStoreEvent event = { col_int64 (events, i, 0), col_int64 (events, i, 1), col_int64 (events, i, 2) };
      g_array_append_val (contents->events, event);
    }
  return TRUE;
}

gboolean
vs_store_pg_write_all (VsStorePg              *self,
                       const VsStoreContents  *contents,
                       GError                **error)
{
  g_autoptr(PGresult) count = NULL;
  g_autoptr(PGresult) sequences = NULL;
  gint64 n_people;
  g_autoptr(PgTxn) txn = pg_txn_begin (self, FALSE, error);

  if (txn == NULL)
    return FALSE;
  /* No one else adds people while we look and copy. */
  if (!exec (self, "LOCK TABLE people, samples, events IN EXCLUSIVE MODE", error))
    return FALSE;
  count = run (self, "SELECT count(*) FROM people", NULL, error);
  if (count == NULL)
    return FALSE;
  n_people = col_int64 (count, 0, 0);
  if (n_people > 0)
    {
      g_set_error (error, VS_STORE_ERROR, VS_STORE_ERROR_EXISTS,
                   _("The database on %s already holds %" PRId64 " people; copy only "
                     "into an empty database"), self->server, n_people);
      return FALSE;
    }

  for (guint i = 0; i < contents->people->len; i++)
    {
      const VsPerson *person = g_ptr_array_index (contents->people, i);
      g_auto(Params) p = { 0 };
      g_autoptr(PGresult) res = NULL;

      param_int (&p, person->id);
      param_text (&p, person->name);
      param_int (&p, person->created);
      param_int (&p, person->updated);
      res = run (self, "INSERT INTO people (id, name, created, updated) VALUES ($1, $2, $3, $4)", &p, error);
      if (res == NULL)
        return FALSE;
    }
  for (guint i = 0; i < contents->samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (contents->samples, i);
      g_auto(Params) p = { 0 };
      g_autoptr(PGresult) res = NULL;

      param_int (&p, sample->id);
      param_int (&p, sample->person_id);
      param_text (&p, sample->embedder);
      param_int (&p, sample->dim);
      param_embedding (&p, sample->embedding, sample->dim);
      param_double (&p, sample->quality);
      if (sample->crop != NULL)
        {
          gsize size;
          const void *data = g_bytes_get_data (sample->crop, &size);
          param_bytes (&p, data, size);
        }
      else
        param_text (&p, NULL);
      param_text (&p, sample->source);
      param_int (&p, sample->created);
      res = run (self,
                 "INSERT INTO samples (id, person_id, embedder, dim, embedding, quality, crop, source, created)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", &p, error);
      if (res == NULL)
        return FALSE;
    }
  for (guint i = 0; i < contents->events->len; i++)
    {
      const VsStoreEvent *event = &g_array_index (contents->events, VsStoreEvent, i);
      g_auto(Params) p = { 0 };
      g_autoptr(PGresult) res = NULL;

      param_int (&p, event->id);
      param_int (&p, event->person_id);
      param_int (&p, event->seen);
      res = run (self, "INSERT INTO events (id, person_id, seen) VALUES ($1, $2, $3)", &p, error);
      if (res == NULL)
        return FALSE;
    }

  /* New rows continue after the copied ids. */
  sequences = run (self,
                   "SELECT setval('people_id_seq', coalesce((SELECT max(id) FROM people), 0) + 1, false),"
                   " setval('samples_id_seq', coalesce((SELECT max(id) FROM samples), 0) + 1, false),"
                   " setval('events_id_seq', coalesce((SELECT max(id) FROM events), 0) + 1, false)",
                   NULL, error);
  if (sequences == NULL)
    return FALSE;
  return pg_txn_commit (txn, error);
}


/* test-store-kill.c: a deletion killed at every sync SQLite makes, before
 * and after each, by a VFS shim that counts xSync calls and sends the
 * process SIGKILL at the chosen one. After the kill, the next Visage
 * process to open the database must find the person either whole (the
 * deletion had not committed) or gone with no byte of their embeddings or
 * face crops left in any file of the folder. */
#define _GNU_SOURCE
#include "config.h"

#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-store.h"
#include "vs-test-util.h"

#define DIM 128
#define N_DOOMED 4

/* ---- The VFS shim: "unix" with a trap in xSync ----------------------- */

typedef struct {
  sqlite3_file  base;
  sqlite3_file *real;   /* follows this struct, base_vfs->szOsFile bytes */
} TrapFile;

static sqlite3_vfs *base_vfs;
static sqlite3_vfs trap_vfs;
static int n_syncs;
static int kill_at;          /* 0: never */
static gboolean kill_after;  /* after the sync instead of before it */

#define REAL(f) (((TrapFile *) (f))->real)

static int trap_close (sqlite3_file *f) { return REAL (f)->pMethods->xClose (REAL (f)); }
static int trap_read (sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL (f)->pMethods->xRead (REAL (f), b, n, o); }
static int trap_write (sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { return REAL (f)->pMethods->xWrite (REAL (f), b, n, o); }
static int trap_truncate (sqlite3_file *f, sqlite3_int64 n) { return REAL (f)->pMethods->xTruncate (REAL (f), n); }
static int trap_file_size (sqlite3_file *f, sqlite3_int64 *n) { return REAL (f)->pMethods->xFileSize (REAL (f), n); }
static int trap_lock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xLock (REAL (f), l); }
static int trap_unlock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xUnlock (REAL (f), l); }
static int trap_check_reserved (sqlite3_file *f, int *r) { return REAL (f)->pMethods->xCheckReservedLock (REAL (f), r); }
static int trap_file_control (sqlite3_file *f, int op, void *a) { return REAL (f)->pMethods->xFileControl (REAL (f), op, a); }
static int trap_sector_size (sqlite3_file *f) { return REAL (f)->pMethods->xSectorSize (REAL (f)); }
static int trap_device (sqlite3_file *f) { return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f)); }
static int trap_shm_map (sqlite3_file *f, int i, int sz, int w, void volatile **p) { return REAL (f)->pMethods->xShmMap (REAL (f), i, sz, w, p); }
static int trap_shm_lock (sqlite3_file *f, int o, int n, int fl) { return REAL (f)->pMethods->xShmLock (REAL (f), o, n, fl); }
static void trap_shm_barrier (sqlite3_file *f) { REAL (f)->pMethods->xShmBarrier (REAL (f)); }
static int trap_shm_unmap (sqlite3_file *f, int d) { return REAL (f)->pMethods->xShmUnmap (REAL (f), d); }
static int trap_fetch (sqlite3_file *f, sqlite3_int64 o, int n, void **p) { return REAL (f)->pMethods->xFetch (REAL (f), o, n, p); }
static int trap_unfetch (sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL (f)->pMethods->xUnfetch (REAL (f), o, p); }

static int
trap_sync (sqlite3_file *f,
           int           flags)
{
  int rc;

  n_syncs++;
  if (n_syncs == kill_at && !kill_after)
    raise (SIGKILL);
  rc = REAL (f)->pMethods->xSync (REAL (f), flags);
  if (n_syncs == kill_at && kill_after)
    raise (SIGKILL);
  return rc;
}

static const sqlite3_io_methods trap_io = {
  3, trap_close, trap_read, trap_write, trap_truncate, trap_sync, trap_file_size,
  trap_lock, trap_unlock, trap_check_reserved, trap_file_control, trap_sector_size,
  trap_device, trap_shm_map, trap_shm_lock, trap_shm_barrier, trap_shm_unmap,
  trap_fetch, trap_unfetch,
};

static int
trap_open (sqlite3_vfs  *vfs,
           const char   *name,
           sqlite3_file *file,
           int           flags,
           int          *out_flags)
{
  TrapFile *trap = (TrapFile *) file;
  int rc;

  trap->real = (sqlite3_file *) (trap + 1);
  memset (trap->real, 0, base_vfs->szOsFile);
  rc = base_vfs->xOpen (base_vfs, name, trap->real, flags, out_flags);
  file->pMethods = trap->real->pMethods != NULL ? &trap_io : NULL;
  return rc;
}

/* Makes the trap the default VFS (VsStore opens with the default). */
static void
install_trap (void)
{
  base_vfs = sqlite3_vfs_find (NULL);
  g_assert_nonnull (base_vfs);
  g_assert_cmpint (base_vfs->iVersion, >=, 3);
  trap_vfs = *base_vfs;
  trap_vfs.zName = "visage-test-trap";
  trap_vfs.szOsFile = (int) sizeof (TrapFile) + base_vfs->szOsFile;
  trap_vfs.xOpen = trap_open;
  trap_vfs.pNext = NULL;
  g_assert_cmpint (sqlite3_vfs_register (&trap_vfs, 1), ==, SQLITE_OK);
}

/* ---- The data ---------------------------------------------------------- */

typedef struct {
  GPtrArray *samples;   /* VsSample */
} Person;

static VsSample *
make_sample (void)
{
  float v[DIM];
  guint8 *crop = g_malloc (5000);
  double norm = 0;

  for (guint i = 0; i < DIM; i++)
    {
      v[i] = (float) g_test_rand_double_range (-1, 1);
      norm += v[i] * v[i];
    }
  for (guint i = 0; i < DIM; i++)
    v[i] /= (float) sqrt (norm);
  for (guint i = 0; i < 5000; i++)
    crop[i] = (guint8) g_test_rand_int ();
  return vs_sample_new ("sface", v, DIM, 0.9, g_bytes_new_take (crop, 5000), "test");
}

static GPtrArray *
make_samples (guint n)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (samples, make_sample ());
  return samples;
}

/* How many 64-byte pieces of the doomed samples (from each embedding and
 * each crop) are somewhere in the files of dir. */
static guint
count_doomed_pieces (const char *dir,
                     GPtrArray  *doomed)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint found = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      for (guint i = 0; i < doomed->len; i++)
        {
          VsSample *s = doomed->pdata[i];
          const guint8 *crop = g_bytes_get_data (s->crop, NULL);

          for (guint off = 0; off + 64 <= DIM * sizeof (float); off += 64)
            if (memmem (contents, len, (const guint8 *) s->embedding + off, 64) != NULL)
              found++;
          for (guint off = 0; off + 64 <= 5000; off += 500)
            if (memmem (contents, len, crop + off, 64) != NULL)
              found++;
        }
    }
  return found;
}

typedef struct {
  guint kills;
  guint deleted;      /* kills after which the person was gone */
  guint kept;         /* kills after which the person was whole */
  guint bytes_after_kill;   /* kills that left doomed bytes until the next open */
} Tally;

/* One run: a fresh database with "Doomed" and "Kept"; a child deletes
 * Doomed and is killed at sync `at`. Returns FALSE when the child finished
 * without reaching that sync. */
static gboolean
run_once (int      at,
          gboolean after,
          Tally   *tally)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GPtrArray) doomed = make_samples (N_DOOMED);
  g_autoptr(GPtrArray) kept = make_samples (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = NULL;
  VsStore *store;
  gint64 doomed_id, kept_id;
  int status;
  pid_t pid;
  guint left;

  store = vs_store_open (path, &error);
  g_assert_no_error (error);
  doomed_id = vs_store_add_samples (store, 0, "Doomed", doomed, &error);
  g_assert_no_error (error);
  kept_id = vs_store_add_samples (store, 0, "Kept", kept, &error);
  g_assert_no_error (error);
  g_object_unref (store);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      VsStore *child;

      n_syncs = 0;
      kill_at = at;
      kill_after = after;
      child = vs_store_open (path, NULL);
      if (child == NULL || !vs_store_delete_person (child, doomed_id, NULL))
        _exit (3);
      g_object_unref (child);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (WIFEXITED (status))
    {
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      return FALSE;
    }
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  tally->kills++;
  if (count_doomed_pieces (dir, doomed) > 0)
    tally->bytes_after_kill++;

  /* The next Visage process to open the database erases them as it opens,
   * not only when it closes (the user may keep the app open for days). */
  store = vs_store_open (path, &error);
  g_assert_no_error (error);
  left = count_doomed_pieces (dir, doomed);
  people = vs_store_list_people (store, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  g_assert_cmpuint (count_doomed_pieces (dir, doomed), <=, left);
  g_assert_true (people->len == 1 || people->len == 2);
  g_assert_cmpint (((VsPerson *) people->pdata[0])->id, ==, people->len == 2 ? doomed_id : kept_id);
  if (people->len == 1)
    {
      tally->deleted++;
      g_test_message ("kill %s sync %d: deleted, %u doomed pieces left", after ? "after" : "before",
                      at, left);
      g_assert_cmpuint (left, ==, 0);
    }
  else
    {
      VsPerson *p = people->pdata[0];
      tally->kept++;
      g_assert_cmpuint (p->n_samples, ==, N_DOOMED);
      g_test_message ("kill %s sync %d: not deleted yet, person whole", after ? "after" : "before", at);
    }
  g_assert_cmpuint (((VsPerson *) people->pdata[people->len - 1])->n_samples, ==, 3);
  return TRUE;
}

static void
test_delete_killed_at_every_sync (void)
{
  Tally tally = { 0 };
  int at;

  for (int after = 0; after < 2; after++)
    {
      for (at = 1; run_once (at, after, &tally); at++)
        ;
      g_test_message ("kill %s: the open and deletion made %d syncs", after ? "after" : "before", at - 1);
      g_assert_cmpint (at, >, 2);
    }
  g_test_message ("%u kills: %u left the person deleted, %u whole; %u left doomed bytes until the "
                  "next open, which erased them", tally.kills, tally.deleted, tally.kept,
                  tally.bytes_after_kill);
  g_assert_cmpuint (tally.deleted, >, 0);
  g_assert_cmpuint (tally.kept, >, 0);
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);
  install_trap ();
  g_test_add_func ("/store-kill/delete-at-every-sync", test_delete_killed_at_every_sync);
  return g_test_run ();
}

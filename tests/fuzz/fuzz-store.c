/* fuzz-store.c: libFuzzer harness for opening a database. The input is
 * written as visage.db (and, after a 0xFF 'W' 'A' 'L' marker, the rest as
 * visage.db-wal) in a fresh folder, then opened read-only and read-write,
 * listing people and loading the gallery. Checked beyond crashes: a file
 * refused as not a Visage database is left byte for byte as it was, with no
 * side file created. */
#define _GNU_SOURCE
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs-store.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *dir;
static char *db;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  dir = g_dir_make_tmp ("visage-fuzz-store-XXXXXX", NULL);
  db = g_build_filename (dir, "visage.db", NULL);
  return 0;
}

static void
clear_folder (void)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db, suffixes[i], NULL);
      g_unlink (file);
    }
}

static guint
count_files (void)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
try_open (gboolean     existing,
          const guint8 *main_bytes,
          gsize         main_len,
          guint         n_files)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = existing ? vs_store_open_existing (db, &error) : vs_store_open (db, &error);

  if (store != NULL)
    {
      g_autoptr(GPtrArray) people = vs_store_list_people (store, NULL);
      g_autoptr(VsGallery) gallery = vs_store_load_gallery (store, "mobilefacenet_paddlex", NULL);

      /* Whatever is in the file, names are text. */
      for (guint i = 0; people != NULL && i < people->len; i++)
        if (!g_utf8_validate (((VsPerson *) people->pdata[i])->name, -1, NULL))
          abort ();
      (void) gallery;
      return;
    }
  if (error == NULL || error->domain != VS_STORE_ERROR)
    abort ();
  if (g_error_matches (error, VS_STORE_ERROR, VS_STORE_ERROR_SCHEMA) &&
      strstr (error->message, "Visage database") != NULL)
    {
      g_autofree char *after = NULL;
      gsize len = 0;

      /* Hands off: not ours, so exactly as it was. */
      if (!g_file_get_contents (db, &after, &len, NULL) || len != main_len ||
          memcmp (after, main_bytes, len) != 0 || count_files () != n_files)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const guint8 *wal = memmem (data, size, "\xffWAL", 4);
  gsize main_len = wal != NULL ? (gsize) (wal - data) : size;
  guint n_files = 1;

  clear_folder ();
  g_file_set_contents (db, (const char *) data, (gssize) main_len, NULL);
  if (wal != NULL)
    {
      g_autofree char *wal_path = g_strconcat (db, "-wal", NULL);
      g_file_set_contents (wal_path, (const char *) wal + 4, (gssize) (size - main_len - 4), NULL);
      n_files++;
    }
  try_open (TRUE, data, main_len, n_files);
  try_open (FALSE, data, main_len, n_files);
  return 0;
}

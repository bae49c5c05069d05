/* fuzz-import.c: libFuzzer harness for `visage-cli import`'s folder walker.
 * The input describes a folder tree (names of any bytes, nesting, symbolic
 * links to parents, to themselves, to nowhere, pictures and junk files),
 * which is built in a fresh folder and imported into a fresh database. It
 * must never crash, and must end with one of the documented exit statuses
 * (0..7). */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "visage-cli.h"
#include "vs-cli-common.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define MAX_ENTRIES 48
#define MAX_DEPTH 6

static char *work;
static char *picture;     /* one LFW photo */
static gsize picture_len;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  const char *data_dir = g_getenv ("VISAGE_TEST_DATA");
  g_autofree char *photo = g_build_filename (data_dir ? data_dir : "../shared/faces",
                                             "lfw", "Tony_Blair", "Tony_Blair_0002.jpg", NULL);
  int null_fd = open ("/dev/null", O_WRONLY);

  if (!g_file_get_contents (photo, &picture, &picture_len, NULL))
    g_error ("fuzz-import needs %s ($VISAGE_TEST_DATA)", photo);
  /* The JSON report is not what is being checked. */
  dup2 (null_fd, STDOUT_FILENO);
  close (null_fd);
  work = g_dir_make_tmp ("visage-fuzz-import-XXXXXX", NULL);
  return 0;
}

static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      g_chmod (path, 0700);
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

typedef struct {
  const guint8 *p, *end;
} Reader;

static guint8
next_byte (Reader *r)
{
  return r->p < r->end ? *r->p++ : 0;
}

/* 1..24 bytes of anything but '/' and NUL; "." and ".." avoided. */
static char *
next_name (Reader *r)
{
  guint len = 1 + next_byte (r) % 24;
  GString *name = g_string_new (NULL);

  for (guint i = 0; i < len; i++)
    {
      guint8 c = next_byte (r);
      g_string_append_c (name, c == '/' || c == 0 ? '_' : (char) c);
    }
  if (g_str_equal (name->str, ".") || g_str_equal (name->str, ".."))
    g_string_append_c (name, 'x');
  return g_string_free (name, FALSE);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *root = g_build_filename (work, "people", NULL);
  g_autofree char *db = g_build_filename (work, "visage.db", NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  Reader r = { data, data + size };
  char *argv[] = { "import", "--json", "--db", db, root, NULL };
  int status;

  remove_tree (root);
  remove_tree (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    remove_tree (wal);
    remove_tree (shm);
  }
  g_mkdir (root, 0700);
  g_ptr_array_add (stack, g_strdup (root));

  for (guint n = 0; n < MAX_ENTRIES && r.p < r.end; n++)
    {
      const char *here = g_ptr_array_index (stack, stack->len - 1);
      guint8 op = next_byte (&r) % 7;
      g_autofree char *name = next_name (&r);
      g_autofree char *path = g_build_filename (here, name, NULL);

      switch (op)
        {
        case 0:   /* a folder, entered */
          if (g_mkdir (path, 0700) == 0 && stack->len < MAX_DEPTH)
            g_ptr_array_add (stack, g_steal_pointer (&path));
          break;
        case 1:   /* leave the folder */
          if (stack->len > 1)
            g_ptr_array_set_size (stack, stack->len - 1);
          break;
        case 2:   /* a picture, maybe cut short */
          {
            gsize len = picture_len;
            if (next_byte (&r) & 1)
              {
                guint8 cut = next_byte (&r);
                len = picture_len * cut / 256;
              }
            g_file_set_contents (path, picture, (gssize) len, NULL);
          }
          break;
        case 3:   /* a file of the input's bytes */
          {
            gsize want = (gsize) next_byte (&r) * 4;
            gsize len = MIN (want, (gsize) (r.end - r.p));
            g_file_set_contents (path, (const char *) r.p, (gssize) len, NULL);
            r.p += len;
          }
          break;
        case 4:   /* a link: to itself, its folder, the root, nowhere */
          {
            static const char * const targets[] = { ".", "..", "/nonexistent", "loop" };
            guint8 which = next_byte (&r) % (G_N_ELEMENTS (targets) + 1);
            const char *target = which < G_N_ELEMENTS (targets) ? targets[which] : root;
            symlink (g_str_equal (target, "loop") ? name : target, path);
          }
          break;
        case 5:   /* a folder nobody may read */
          if (g_mkdir (path, 0) != 0)
            g_chmod (path, 0);
          break;
        default:  /* an empty file */
          g_file_set_contents (path, "", 0, NULL);
          break;
        }
    }

  status = vs_cli_import (G_N_ELEMENTS (argv) - 1, argv);
  if (status < 0 || status > VS_EXIT_PARTIAL)
    abort ();
  return 0;
}

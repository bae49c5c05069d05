/* visage-cli-erase.c: `erase-all`, the way out. Everything Visage stored for
 * this user is the database (with its -wal, -shm and -journal files), the
 * default folder that holds it, and the app's settings; exports are the
 * user's own files and are left alone. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "visage-cli.h"
#include "vs-cli-common.h"

/* Overwrites the file with zeros and syncs before unlinking it, so its
 * bytes do not linger in the file system's free blocks on an ordinary
 * (non copy-on-write) file system. Returns the size, or -1 when it was not
 * there. */
static gint64
shred_file (const char  *path,
            GError     **error)
{
  static const guint8 zeros[64 * 1024];
  struct stat st;
  gint64 size;
  int fd;

  fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0 && errno == ENOENT)
    return -1;
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot erase “%s”: %s"), path, g_strerror (saved));
      return -2;
    }
  size = st.st_size;
  for (gint64 done = 0; done < size;)
    {
      gssize n = write (fd, zeros, (gsize) MIN ((gint64) sizeof zeros, size - done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot erase “%s”: %s"), path, g_strerror (saved));
          return -2;
        }
      done += n;
    }
  fsync (fd);
  close (fd);
  if (g_unlink (path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot remove “%s”: %s"), path, g_strerror (saved));
      return -2;
    }
  return size;
}

/* Resets every key the user changed; the number reset. */
static guint
reset_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_auto(GStrv) keys = NULL;
  guint n_reset = 0;

  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL)
    return 0;
  settings = g_settings_new_full (schema, NULL, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_user_value (settings, keys[i]);
      if (value != NULL)
        {
          g_settings_reset (settings, keys[i]);
          n_reset++;
        }
    }
  g_settings_sync ();
  return n_reset;
}

static gboolean
confirmed (const char *what)
{
  char answer[16] = "";

  if (!isatty (STDIN_FILENO))
    return FALSE;
  g_print (_("This erases %s, for good. Type “yes” to go on: "), what);
  fflush (stdout);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strchomp (answer);
  return g_ascii_strcasecmp (answer, "yes") == 0 || g_str_equal (answer, _("yes"));
}

int
vs_cli_erase_all (int    argc,
                  char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  gboolean yes = FALSE;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("— erase everything Visage stored for you"),
                        _("Deletes every person and face sample (the database pages are overwritten), "
                          "then overwrites and removes the database files and Visage’s own folder, "
                          "and resets Visage’s settings. Folders you exported are yours and stay. "
                          "Asks first unless --yes is given."),
                        entries, &opts);
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *default_path = vs_store_default_path ();
  g_autofree char *what = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) report = json_builder_new ();
  const char *suffixes[] = { "-wal", "-shm", "-journal", "" };
  guint n_people = 0, n_samples = 0, n_settings;
  gboolean dir_removed = FALSE;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (argc > 1)
    return vs_cli_usage (context, _("“erase-all” takes no arguments"));

  path = g_strdup (opts.db_path != NULL ? opts.db_path : default_path);
  dir = g_path_get_dirname (path);

  /* Refuses (and leaves alone) a file that is not a Visage database. */
  store = vs_store_open_existing (path, &error);
  if (store == NULL && !g_error_matches (error, VS_STORE_ERROR, VS_STORE_ERROR_NO_DATABASE))
    return vs_cli_fail (error);
  g_clear_error (&error);
  if (store != NULL)
    {
      people = vs_store_list_people (store, &error);
      if (people == NULL)
        return vs_cli_fail (error);
      for (guint i = 0; i < people->len; i++)
        n_samples += ((VsPerson *) people->pdata[i])->n_samples;
      n_people = people->len;
    }

  what = g_strdup_printf (_("%u people with %u face samples in “%s”, and Visage’s settings"),
                          n_people, n_samples, path);
  if (!yes && !confirmed (what))
    {
      g_printerr (_("visage-cli: nothing erased; to erase %s, run “visage-cli erase-all --yes”\n"), what);
      return VS_EXIT_USAGE;
    }

  /* First in SQLite, so secure_delete and the checkpoint zero the pages
   * even where the file system keeps old blocks. */
  if (store != NULL && people->len > 0)
    {
      g_autofree gint64 *ids = g_new (gint64, people->len);

      for (guint i = 0; i < people->len; i++)
        ids[i] = ((VsPerson *) people->pdata[i])->id;
      if (!vs_store_delete_people (store, ids, people->len, &error))
        return vs_cli_fail (error);
    }
  g_clear_object (&store);

  json_builder_begin_object (report);
  json_builder_set_member_name (report, "people_erased");
  json_builder_add_int_value (report, n_people);
  json_builder_set_member_name (report, "samples_erased");
  json_builder_add_int_value (report, n_samples);
  json_builder_set_member_name (report, "files_removed");
  json_builder_begin_array (report);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      gint64 size = shred_file (file, &error);

      if (size == -2)
        return vs_cli_fail (error);
      if (size < 0)
        continue;
      json_builder_begin_object (report);
      json_builder_set_member_name (report, "path");
      json_builder_add_string_value (report, file);
      json_builder_set_member_name (report, "bytes");
      json_builder_add_int_value (report, size);
      json_builder_end_object (report);
      if (!opts.json)
        g_print (_("Removed %s (%" PRId64 " bytes, overwritten first)\n"), file, size);
    }
  json_builder_end_array (report);

  /* Visage's own folder goes too when nothing else is in it. */
  {
    g_autofree char *default_dir = g_path_get_dirname (default_path);
    if (g_str_equal (dir, default_dir) && g_rmdir (dir) == 0)
      {
        dir_removed = TRUE;
        if (!opts.json)
          g_print (_("Removed the folder %s\n"), dir);
      }
  }
  json_builder_set_member_name (report, "folder_removed");
  if (dir_removed)
    json_builder_add_string_value (report, dir);
  else
    json_builder_add_null_value (report);

  n_settings = reset_settings ();
  json_builder_set_member_name (report, "settings_reset");
  json_builder_add_int_value (report, n_settings);
  json_builder_end_object (report);

  if (opts.json)
    vs_cli_print_json (json_builder_get_root (report));
  else
    g_print (_("Erased %u people and %u face samples; %u settings reset to their defaults\n"),
             n_people, n_samples, n_settings);
  return VS_EXIT_OK;
}

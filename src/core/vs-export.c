/* vs-export.c: a person's data into a folder of their own.
 *
 * person.json is written with json-glib. Files are created with O_EXCL |
 * O_NOFOLLOW and mode 0600 whatever the umask: they hold biometric data.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vs-export.h"

G_DEFINE_QUARK (vs-export-error-quark, vs_export_error)

#define FOLDER_NAME_MAX_CHARS 64
/* File systems limit a name to 255 bytes (NAME_MAX), and 64 characters of
 * 4 bytes each, plus "-<id>", would not fit. */
#define FOLDER_NAME_MAX_BYTES 200

char *
vs_export_folder_name (const char *name,
                       gint64      person_id)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n_chars = 0;

  for (const char *p = name; p != NULL && *p != '\0' && n_chars < FOLDER_NAME_MAX_CHARS;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Separators, control characters and what other systems refuse. */
      if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
          c == '<' || c == '>' || c == '|' || g_unichar_iscntrl (c))
        c = '_';
      /* No hidden folder, no "..". */
      if (out->len == 0 && c == '.')
        c = '_';
      if (out->len + g_unichar_to_utf8 (c, NULL) > FOLDER_NAME_MAX_BYTES)
        break;
      g_string_append_unichar (out, c);
      n_chars++;
    }
  if (out->len == 0)
    g_string_append (out, "person");
  g_string_append_printf (out, "-%" G_GINT64_FORMAT, person_id);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* ISO 8601 in UTC, or null for "never". */
static void
add_time (JsonBuilder *b,
          const char  *name,
          gint64       unix_seconds)
{
  g_autoptr(GDateTime) dt = unix_seconds > 0 ? g_date_time_new_from_unix_utc (unix_seconds) : NULL;
  g_autofree char *iso = dt != NULL ? g_date_time_format_iso8601 (dt) : NULL;

  add_string_or_null (b, name, iso);
}

static char *
sample_file_name (const VsSample *sample)
{
  return g_strdup_printf ("sample-%" G_GINT64_FORMAT ".png", sample->id);
}

/* person.json (format "visage-person" version 1, read back by
 * `visage-cli people import`). Floats become doubles exactly, so the
 * embeddings read back are the same floats. */
static char *
person_json (const VsPerson *person,
             GPtrArray      *samples,
             gsize          *length)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "visage-person");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, person->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, person->name);
  add_time (b, "created", person->created);
  add_time (b, "updated", person->updated);
  add_time (b, "last_seen", person->last_seen);
  json_builder_set_member_name (b, "samples");
  json_builder_begin_array (b);
  for (guint i = 0; i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      g_autofree char *crop = sample->crop != NULL ? sample_file_name (sample) : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, sample->id);
      json_builder_set_member_name (b, "embedder");
      json_builder_add_string_value (b, sample->embedder);
      json_builder_set_member_name (b, "dim");
      json_builder_add_int_value (b, sample->dim);
      json_builder_set_member_name (b, "quality");
      json_builder_add_double_value (b, sample->quality);
      add_string_or_null (b, "source", sample->source);
      add_time (b, "created", sample->created);
      add_string_or_null (b, "crop", crop);
      json_builder_set_member_name (b, "embedding");
      json_builder_begin_array (b);
      for (guint k = 0; k < sample->dim; k++)
        json_builder_add_double_value (b, sample->embedding[k]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, length);
}

/* Writes a new file (never follows or replaces one), mode 0600. */
static gboolean
write_private_file (const char    *path,
                    gconstpointer  data,
                    gsize          size,
                    GError       **error)
{
  const guint8 *p = data;
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  int saved;

  if (fd < 0)
    goto fail;
  /* The umask cannot widen 0600, but make it exact anyway. */
  if (fchmod (fd, 0600) != 0)
    goto fail;
  while (size > 0)
    {
      ssize_t n = write (fd, p, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      p += n;
      size -= (gsize) n;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  return TRUE;

fail:
  saved = errno;
  if (fd >= 0)
    {
      /* A file cut short (a full disk) is not left behind. */
      close (fd);
      g_unlink (path);
    }
  g_set_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_WRITE,
               _("Cannot write “%s”: %s"), path, g_strerror (saved));
  return FALSE;
}

/* A fresh folder named base (or base-2, base-3…) in dir. */
static char *
make_folder (const char  *dir,
             const char  *base,
             GError     **error)
{
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, n);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_mkdir (path, 0700) == 0)
        {
          g_chmod (path, 0700);   /* mkdir applies the umask */
          return g_steal_pointer (&path);
        }
      if (errno != EEXIST)
        {
          int saved = errno;
          g_set_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_WRITE,
                       _("Cannot create the folder “%s”: %s"), path, g_strerror (saved));
          return NULL;
        }
    }
  g_set_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_WRITE,
               _("Cannot create a new folder for “%s” in “%s”"), base, dir);
  return NULL;
}

char *
vs_export_person (VsStore     *store,
                  gint64       person_id,
                  const char  *dir,
                  GError     **error)
{
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) written = NULL;
  g_autofree char *base = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *json_path = NULL;
  char *json = NULL;
  gsize json_length = 0;
  gboolean ok;

  g_return_val_if_fail (VS_IS_STORE (store), NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, VS_EXPORT_ERROR, VS_EXPORT_ERROR_NOT_A_FOLDER,
                   _("“%s” is not a folder"), dir);
      return NULL;
    }

  person = vs_store_get_person (store, person_id, error);
  if (person == NULL)
    return NULL;
  samples = vs_store_list_samples (store, person_id, error);
  if (samples == NULL)
    return NULL;

  base = vs_export_folder_name (person->name, person->id);
  folder = make_folder (dir, base, error);
  if (folder == NULL)
    return NULL;

  written = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      g_autofree char *name = NULL;
      char *path;
      gsize size;
      gconstpointer data;

      if (sample->crop == NULL)
        continue;
      name = sample_file_name (sample);
      path = g_build_filename (folder, name, NULL);
      data = g_bytes_get_data (sample->crop, &size);
      if (!write_private_file (path, data, size, error))
        {
          g_free (path);
          goto fail;
        }
      g_ptr_array_add (written, path);
    }

  json = person_json (person, samples, &json_length);
  json_path = g_build_filename (folder, "person.json", NULL);
  ok = write_private_file (json_path, json, json_length, error);
  /* The embeddings were in this buffer: do not leave them in freed memory. */
  memset (json, 0, json_length);
  g_free (json);
  if (!ok)
    goto fail;

  g_debug ("Exported person %" G_GINT64_FORMAT " with %u samples to %s",
           person_id, samples->len, folder);
  return g_steal_pointer (&folder);

fail:
  for (guint i = 0; i < written->len; i++)
    g_unlink (g_ptr_array_index (written, i));
  g_rmdir (folder);
  return NULL;
}

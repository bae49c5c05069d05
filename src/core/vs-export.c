/* vs-export.c: a person's data into a folder of their own.
 *
 * The JSON is written by hand (core has no JSON library): strings are
 * escaped per RFC 8259 and numbers printed in the C locale. Files are
 * created with O_EXCL | O_NOFOLLOW and mode 0600 whatever the umask: they
 * hold biometric data.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

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
append_json_string (GString    *out,
                    const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);   /* UTF-8 passes through */
        }
    }
  g_string_append_c (out, '"');
}

static void
append_member (GString    *out,
               const char *indent,
               const char *name)
{
  g_string_append (out, indent);
  append_json_string (out, name);
  g_string_append (out, ": ");
}

static void
append_time (GString    *out,
             const char *indent,
             const char *name,
             gint64      unix_seconds)
{
  append_member (out, indent, name);
  if (unix_seconds > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);
      g_autofree char *iso = dt != NULL ? g_date_time_format_iso8601 (dt) : NULL;

      append_json_string (out, iso);
    }
  else
    g_string_append (out, "null");
  g_string_append (out, ",\n");
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* %.9g round-trips a float exactly. */
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

static char *
sample_file_name (const VsSample *sample)
{
  return g_strdup_printf ("sample-%" G_GINT64_FORMAT ".png", sample->id);
}

static GString *
person_json (const VsPerson *person,
             GPtrArray      *samples)
{
  GString *out = g_string_new ("{\n");

  append_member (out, "  ", "format");
  g_string_append (out, "\"visage-person\",\n");
  append_member (out, "  ", "version");
  g_string_append (out, "1,\n");
  append_member (out, "  ", "id");
  g_string_append_printf (out, "%" G_GINT64_FORMAT ",\n", person->id);
  append_member (out, "  ", "name");
  append_json_string (out, person->name);
  g_string_append (out, ",\n");
  append_time (out, "  ", "created", person->created);
  append_time (out, "  ", "updated", person->updated);
  append_time (out, "  ", "last_seen", person->last_seen);
  append_member (out, "  ", "samples");
  g_string_append (out, "[");

  for (guint i = 0; i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);

      g_string_append (out, i == 0 ? "\n    {\n" : ",\n    {\n");
      append_member (out, "      ", "id");
      g_string_append_printf (out, "%" G_GINT64_FORMAT ",\n", sample->id);
      append_member (out, "      ", "embedder");
      append_json_string (out, sample->embedder);
      g_string_append (out, ",\n");
      append_member (out, "      ", "dim");
      g_string_append_printf (out, "%u,\n", sample->dim);
      append_member (out, "      ", "quality");
      append_double (out, sample->quality);
      g_string_append (out, ",\n");
      append_member (out, "      ", "source");
      append_json_string (out, sample->source);
      g_string_append (out, ",\n");
      append_time (out, "      ", "created", sample->created);
      append_member (out, "      ", "crop");
      if (sample->crop != NULL)
        {
          g_autofree char *file = sample_file_name (sample);
          append_json_string (out, file);
        }
      else
        g_string_append (out, "null");
      g_string_append (out, ",\n");
      append_member (out, "      ", "embedding");
      g_string_append_c (out, '[');
      for (guint k = 0; k < sample->dim; k++)
        {
          if (k > 0)
            g_string_append (out, ", ");
          append_double (out, sample->embedding[k]);
        }
      g_string_append (out, "]\n    }");
    }
  g_string_append (out, samples->len > 0 ? "\n  ]\n}\n" : "]\n}\n");
  return out;
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
  GString *json = NULL;
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

  json = person_json (person, samples);
  json_path = g_build_filename (folder, "person.json", NULL);
  ok = write_private_file (json_path, json->str, json->len, error);
  /* The embeddings were in this buffer: do not leave them in freed memory. */
  memset (json->str, 0, json->len);
  g_string_free (json, TRUE);
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

/* visage-cli-people.c: managing enrolled people, and re-embedding. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "visage-cli.h"
#include "vs-cli-common.h"
#include "vs-export.h"

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0)
    return g_strdup (_("never"));
  dt = g_date_time_new_from_unix_local (unix_seconds);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static JsonNode *
person_to_json (const VsPerson *p)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, p->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, p->name);
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, p->n_samples);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, p->created);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, p->updated);
  json_builder_set_member_name (b, "last_seen");
  json_builder_add_int_value (b, p->last_seen);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  char *end = NULL;
  gint64 value;

  if (text == NULL || *text == '\0')
    return FALSE;
  value = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || value <= 0)
    return FALSE;
  *id = value;
  return TRUE;
}

static int
people_list (VsStore            *store,
             const VsCliOptions *opts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = vs_store_list_people (store, &error);

  if (people == NULL)
    return vs_cli_fail (error);

  if (opts->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "people");
      json_builder_begin_array (b);
      for (guint i = 0; i < people->len; i++)
        json_builder_add_value (b, person_to_json (g_ptr_array_index (people, i)));
      json_builder_end_array (b);
      json_builder_end_object (b);
      vs_cli_print_json (json_builder_get_root (b));
      return VS_EXIT_OK;
    }

  if (people->len == 0)
    g_print (_("Nobody is enrolled yet.\n"));
  for (guint i = 0; i < people->len; i++)
    {
      const VsPerson *p = g_ptr_array_index (people, i);
      g_autofree char *seen = format_time (p->last_seen);

      g_print ("%6" G_GINT64_FORMAT "  %-32s  ", p->id, p->name);
      g_print (g_dngettext (GETTEXT_PACKAGE, "%3u sample ", "%3u samples", p->n_samples), p->n_samples);
      g_print (_("  last seen %s\n"), seen);
    }
  return VS_EXIT_OK;
}

static int
people_show (VsStore            *store,
             const VsCliOptions *opts,
             gint64              id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPerson) person = vs_store_get_person (store, id, &error);
  g_autoptr(GPtrArray) samples = NULL;

  if (person == NULL)
    return vs_cli_fail (error);
  samples = vs_store_list_samples (store, id, &error);
  if (samples == NULL)
    return vs_cli_fail (error);

  if (opts->json)
    {
      JsonNode *node = person_to_json (person);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < samples->len; i++)
        {
          const VsSample *s = g_ptr_array_index (samples, i);
          JsonObject *o = json_object_new ();

          json_object_set_int_member (o, "id", s->id);
          json_object_set_string_member (o, "embedder", s->embedder);
          json_object_set_double_member (o, "quality", s->quality);
          json_object_set_string_member (o, "source", s->source);
          json_object_set_int_member (o, "created", s->created);
          json_array_add_object_element (array, o);
        }
      json_object_set_array_member (json_node_get_object (node), "sample_list", array);
      vs_cli_print_json (node);
      return VS_EXIT_OK;
    }

  {
    g_autofree char *created = format_time (person->created);
    g_autofree char *seen = format_time (person->last_seen);

    g_print (_("Name:      %s\n"), person->name);
    g_print (_("Id:        %" PRId64 "\n"), person->id);
    g_print (_("Created:   %s\n"), created);
    g_print (_("Last seen: %s\n"), seen);
    g_print (_("Samples:   %u\n"), samples->len);
    for (guint i = 0; i < samples->len; i++)
      {
        const VsSample *s = g_ptr_array_index (samples, i);
        g_autofree char *when = format_time (s->created);

        g_print ("  #%-6" G_GINT64_FORMAT " %-22s quality %.2f  %s  %s\n",
                 s->id, s->embedder, s->quality, when, s->source ? s->source : "");
      }
  }
  return VS_EXIT_OK;
}

/* ── import: what export wrote ──────────────────────────────────────── */

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* Limits against a hostile folder: person.json of 10,000 samples of 4,096
 * numbers stays under 1 GiB as text; a crop is a 112×112 PNG. */
#define IMPORT_JSON_MAX_BYTES  (1024 * 1024 * 1024)
#define IMPORT_CROP_MAX_BYTES  (4 * 1024 * 1024)
#define IMPORT_MAX_DIM         4096

static gboolean G_GNUC_PRINTF (3, 4)
import_invalid (GError    **error,
                const char *path,
                const char *format,
                ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("“%s” is not a Visage export: %s"), path, why);
  return FALSE;
}

static gboolean
read_limited (const char  *path,
              goffset      max_bytes,
              GBytes     **out,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                                 G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                                 G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, error);

  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return import_invalid (error, path, "%s", _("not a regular file"));
  if (g_file_info_get_size (info) > max_bytes)
    return import_invalid (error, path, "%s", _("the file is too large"));
  *out = g_file_load_bytes (file, NULL, NULL, error);
  return *out != NULL;
}

/* One sample of person.json; crops are read from folder. */
static VsSample *
sample_from_json (JsonNode    *node,
                  const char  *folder,
                  const char  *json_path,
                  GError     **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *embedding_node = o ? json_object_get_member (o, "embedding") : NULL;
  JsonArray *values;
  const char *embedder, *source = NULL, *crop_name = NULL;
  g_autofree float *embedding = NULL;
  g_autoptr(GBytes) crop = NULL;
  double quality = 0;
  guint dim;

  if (o == NULL || embedding_node == NULL || !JSON_NODE_HOLDS_ARRAY (embedding_node) ||
      (embedder = json_object_get_string_member_with_default (o, "embedder", NULL)) == NULL)
    {
      import_invalid (error, json_path, "%s", _("a sample lacks its embedder or embedding"));
      return NULL;
    }
  values = json_node_get_array (embedding_node);
  dim = json_array_get_length (values);
  if (dim == 0 || dim > IMPORT_MAX_DIM ||
      json_object_get_int_member_with_default (o, "dim", dim) != dim)
    {
      import_invalid (error, json_path, "%s", _("a sample’s embedding has the wrong length"));
      return NULL;
    }
  embedding = g_new (float, dim);
  for (guint k = 0; k < dim; k++)
    {
      JsonNode *value = json_array_get_element (values, k);
      GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        {
          import_invalid (error, json_path, "%s", _("a sample’s embedding holds something else than numbers"));
          return NULL;
        }
      embedding[k] = (float) json_node_get_double (value);
    }
  if (json_object_has_member (o, "quality"))
    quality = json_object_get_double_member_with_default (o, "quality", 0);
  source = json_object_get_string_member_with_default (o, "source", NULL);
  crop_name = json_object_get_string_member_with_default (o, "crop", NULL);

  if (crop_name != NULL)
    {
      g_autofree char *crop_path = NULL;
      gsize size;
      const guint8 *data;

      /* Only a file beside person.json: no path may lead elsewhere. */
      if (*crop_name == '\0' || *crop_name == '.' || strchr (crop_name, '/') != NULL)
        {
          import_invalid (error, json_path, _("the crop “%s” is not a file name"), crop_name);
          return NULL;
        }
      crop_path = g_build_filename (folder, crop_name, NULL);
      if (!read_limited (crop_path, IMPORT_CROP_MAX_BYTES, &crop, error))
        return NULL;
      data = g_bytes_get_data (crop, &size);
      if (size < 8 || memcmp (data, "\x89PNG\r\n\x1a\n", 8) != 0)
        {
          import_invalid (error, crop_path, "%s", _("not a PNG picture"));
          return NULL;
        }
    }

  return vs_sample_new (embedder, embedding, dim, quality, crop, source);
}

static gboolean
same_sample (const VsSample *a,
             const VsSample *b)
{
  return g_strcmp0 (a->embedder, b->embedder) == 0 && a->dim == b->dim &&
         memcmp (a->embedding, b->embedding, a->dim * sizeof (float)) == 0;
}

/* Reads folder/person.json and its crops and adds the person (or, when one
 * of that name exists, the samples it does not have yet) in one
 * transaction. Returns the person id, 0 on error. */
static gint64
import_person_folder (VsStore     *store,
                      const char  *folder,
                      char       **name_out,
                      guint       *n_added,
                      GError     **error)
{
  g_autofree char *json_path = g_build_filename (folder, "person.json", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autofree char *name = NULL;
  JsonObject *root;
  JsonNode *samples_node;
  JsonArray *array;
  gint64 person_id;
  gsize size;
  const char *data;

  if (!read_limited (json_path, IMPORT_JSON_MAX_BYTES, &bytes, error))
    return 0;
  data = g_bytes_get_data (bytes, &size);
  if (!json_parser_load_from_data (parser, data, (gssize) size, error))
    return 0;
  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
         ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  if (root == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (root, "format", NULL), "visage-person") != 0)
    {
      import_invalid (error, json_path, "%s", _("it is not a “visage-person” file"));
      return 0;
    }
  if (json_object_get_int_member_with_default (root, "version", 0) != 1)
    {
      import_invalid (error, json_path, "%s", _("it was written by a newer Visage"));
      return 0;
    }
  name = vs_person_name_normalize (json_object_get_string_member_with_default (root, "name", NULL), error);
  if (name == NULL)
    return 0;
  samples_node = json_object_get_member (root, "samples");
  if (samples_node == NULL || !JSON_NODE_HOLDS_ARRAY (samples_node))
    {
      import_invalid (error, json_path, "%s", _("it has no list of samples"));
      return 0;
    }
  array = json_node_get_array (samples_node);

  person = vs_store_find_person_by_name (store, name, error);
  if (person == NULL && error != NULL && *error != NULL)
    return 0;
  if (person != NULL && (existing = vs_store_list_samples (store, person->id, error)) == NULL)
    return 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      VsSample *sample = sample_from_json (json_array_get_element (array, i), folder, json_path, error);
      gboolean known = FALSE;

      if (sample == NULL)
        return 0;
      /* Importing the same export twice adds nothing the second time. */
      for (guint j = 0; existing != NULL && j < existing->len && !known; j++)
        known = same_sample (sample, g_ptr_array_index (existing, j));
      if (known)
        vs_sample_free (sample);
      else
        g_ptr_array_add (samples, sample);
    }

  if (person != NULL && samples->len == 0)
    person_id = person->id;
  else
    person_id = vs_store_add_samples (store, person ? person->id : 0, name, samples, error);
  if (person_id != 0)
    {
      *n_added = samples->len;
      *name_out = g_steal_pointer (&name);
    }
  return person_id;
}

/* The exported folders named: each DIR is one (it holds person.json) or
 * holds some, one level down. */
static GPtrArray *
collect_export_folders (char   **dirs,
                        GError **error)
{
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *json = g_build_filename (dirs[i], "person.json", NULL);
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GDir) dir = NULL;
      const char *entry;

      if (g_file_test (json, G_FILE_TEST_EXISTS))
        {
          g_ptr_array_add (folders, g_strdup (dirs[i]));
          continue;
        }
      dir = g_dir_open (dirs[i], 0, error);
      if (dir == NULL)
        return NULL;
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *sub = g_build_filename (dirs[i], entry, "person.json", NULL);

          if (g_file_test (sub, G_FILE_TEST_EXISTS))
            g_ptr_array_add (found, g_build_filename (dirs[i], entry, NULL));
        }
      if (found->len == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("“%s” holds no person.json, nor do its folders: name a folder "
                         "“visage-cli people export” wrote"), dirs[i]);
          return NULL;
        }
      g_ptr_array_sort (found, compare_paths);
      g_ptr_array_extend_and_steal (folders, g_steal_pointer (&found));
    }
  return g_steal_pointer (&folders);
}

static int
people_import (VsStore            *store,
               const VsCliOptions *opts,
               char              **dirs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = collect_export_folders (dirs, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  int worst = VS_EXIT_OK;

  if (folders == NULL)
    return vs_cli_fail (error);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "people");
  json_builder_begin_array (b);
  for (guint i = 0; i < folders->len; i++)
    {
      const char *folder = g_ptr_array_index (folders, i);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *name = NULL;
      guint n_added = 0;
      gint64 id = import_person_folder (store, folder, &name, &n_added, &local_error);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "folder");
      json_builder_add_string_value (b, folder);
      json_builder_set_member_name (b, "person_id");
      if (id != 0)
        json_builder_add_int_value (b, id);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "name");
      if (name != NULL)
        json_builder_add_string_value (b, name);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, n_added);
      if (local_error != NULL)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, local_error->message);
        }
      json_builder_end_object (b);

      if (id == 0)
        {
          int code = vs_cli_fail (local_error);   /* once: MAX evaluates twice */
          worst = MAX (worst, code);
        }
      else if (!opts->json)
        {
          /* The id as text: a G_GINT64_FORMAT would break the msgid. */
          g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

          g_print (g_dngettext (GETTEXT_PACKAGE, "%s (id %s): %u sample added\n",
                                "%s (id %s): %u samples added\n", n_added),
                   name, id_text, n_added);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (opts->json)
    vs_cli_print_json (json_builder_get_root (b));
  return worst;
}

int
vs_cli_people (int    argc,
               char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  gboolean yes = FALSE;
  g_auto(GStrv) args = NULL;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Delete without asking"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("list | show ID | rename ID NAME | delete ID… | export ID DIR | import DIR… — manage enrolled people"),
                        _("delete erases the person and all their samples for good: the database pages "
                          "that held them are overwritten.\n"
                          "export writes the person’s data (person.json with every embedding, and the "
                          "face pictures) into a new folder NAME-ID inside DIR, readable only by you.\n"
                          "import reads such folders back (DIR is one, or holds several): the same name, "
                          "samples and face pictures; samples the person already has are not added twice."),
                        entries, &opts);
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *verb;
  guint n_args;
  gint64 id = 0;
  gboolean read_only;
  int status;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  n_args = args ? g_strv_length (args) : 0;
  verb = n_args > 0 ? args[0] : "list";

  if (g_str_equal (verb, "list"))
    {
      if (n_args > 1)
        return vs_cli_usage (context, _("“people list” takes no arguments"));
    }
  else if (g_str_equal (verb, "show"))
    {
      if (n_args != 2 || !parse_id (args[1], &id))
        return vs_cli_usage (context, _("Usage: people show ID"));
    }
  else if (g_str_equal (verb, "rename"))
    {
      if (n_args != 3 || !parse_id (args[1], &id))
        return vs_cli_usage (context, _("Usage: people rename ID NAME"));
    }
  else if (g_str_equal (verb, "export"))
    {
      if (n_args != 3 || !parse_id (args[1], &id))
        return vs_cli_usage (context, _("Usage: people export ID DIR"));
    }
  else if (g_str_equal (verb, "import"))
    {
      if (n_args < 2)
        return vs_cli_usage (context, _("Usage: people import DIR…"));
    }
  else if (g_str_equal (verb, "delete"))
    {
      if (n_args < 2)
        return vs_cli_usage (context, _("Usage: people delete ID…"));
      for (guint i = 1; i < n_args; i++)
        if (!parse_id (args[i], &id))
          return vs_cli_usage (context, _("“%s” is not a person id"), args[i]);
    }
  else
    return vs_cli_usage (context, _("Unknown people command “%s”"), verb);

  read_only = g_str_equal (verb, "list") || g_str_equal (verb, "show") || g_str_equal (verb, "export");
  store = vs_cli_open_store (&opts, read_only ? VS_CLI_READ : VS_CLI_WRITE, &error);
  if (store == NULL)
    return vs_cli_fail (error);

  if (g_str_equal (verb, "list"))
    status = people_list (store, &opts);
  else if (g_str_equal (verb, "show"))
    status = people_show (store, &opts, id);
  else if (g_str_equal (verb, "rename"))
    {
      if (!vs_store_rename_person (store, id, args[2], &error))
        return vs_cli_fail (error);
      status = people_show (store, &opts, id);
    }
  else if (g_str_equal (verb, "import"))
    status = people_import (store, &opts, args + 1);
  else if (g_str_equal (verb, "export"))
    {
      g_autofree char *folder = vs_export_person (store, id, args[2], &error);

      if (folder == NULL)
        return vs_cli_fail (error);
      if (opts.json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, id);
          json_builder_set_member_name (b, "folder");
          json_builder_add_string_value (b, folder);
          json_builder_end_object (b);
          vs_cli_print_json (json_builder_get_root (b));
        }
      else
        g_print (_("Exported to %s\n"), folder);
      status = VS_EXIT_OK;
    }
  else
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint i = 1; i < n_args; i++)
        {
          g_autoptr(VsPerson) person = NULL;

          parse_id (args[i], &id);
          person = vs_store_get_person (store, id, &error);
          if (person == NULL)
            return vs_cli_fail (error);
          g_array_append_val (ids, id);
        }
      if (!vs_store_delete_people (store, (const gint64 *) ids->data, ids->len, &error))
        return vs_cli_fail (error);
      if (opts.json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "deleted");
          json_builder_begin_array (b);
          for (guint i = 0; i < ids->len; i++)
            json_builder_add_int_value (b, g_array_index (ids, gint64, i));
          json_builder_end_array (b);
          json_builder_end_object (b);
          vs_cli_print_json (json_builder_get_root (b));
        }
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "Deleted %u person\n", "Deleted %u people\n", ids->len), ids->len);
      status = VS_EXIT_OK;
    }

  return status;
}

/* ── reembed ────────────────────────────────────────────────────────── */

typedef struct {
  VsEngine *engine;
} ReembedData;

static gboolean
reembed_one (GBytes   *crop,
             float    *embedding_out,
             gpointer  user_data,
             GError  **error)
{
  ReembedData *data = user_data;
  g_autoptr(VsImage) aligned = NULL;

  if (crop == NULL)
    {
      g_set_error_literal (error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_FAILED,
                           _("A sample has no stored face crop and cannot be re-embedded"));
      return FALSE;
    }
  aligned = vs_image_decode (crop, "stored face crop", error);
  if (aligned == NULL)
    return FALSE;
  return vs_engine_embed_aligned (data->engine, aligned, embedding_out, error);
}

static void
reembed_progress (guint    done,
                  guint    total,
                  gpointer user_data)
{
  vs_cli_progress_set (done, total);
}

int
vs_cli_reembed (int    argc,
                char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("— recompute every sample with an embedder"),
                        _("Recomputes the embedding of every sample from its stored aligned face, with "
                          "--embedder (or the default), in one transaction: if anything fails, nothing "
                          "changes."),
                        NULL, &opts);
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  ReembedData data = { 0 };
  const VsModelInfo *info;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (argc > 1)
    return vs_cli_usage (context, _("“reembed” takes no arguments"));

  store = vs_cli_open_store (&opts, VS_CLI_WRITE, &error);
  if (store == NULL)
    return vs_cli_fail (error);
  engine = vs_cli_open_engine (&opts, &error);
  if (engine == NULL)
    return vs_cli_fail (error);

  info = vs_engine_get_embedder (engine);
  data.engine = engine;
  vs_cli_progress_begin (&opts, _("Re-embedding samples"), 0);
  if (!vs_store_reembed (store, info->id, info->dim, reembed_one, reembed_progress, &data, &error))
    return vs_cli_fail (error);
  vs_cli_progress_end ();

  if (opts.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "embedder");
      json_builder_add_string_value (b, info->id);
      json_builder_end_object (b);
      vs_cli_print_json (json_builder_get_root (b));
    }
  else
    g_print (_("Every sample now uses %s.\n"), info->id);
  return VS_EXIT_OK;
}

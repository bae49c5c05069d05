/* visage-cli-people.c: managing enrolled people, and re-embedding. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "visage-cli.h"
#include "vs-cli-common.h"
#include "vs-cli-json.h"
#include "vs-export.h"

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

/* ── people: parse → run → render ─────────────────────────────────────
 *
 * Each sub-command is a row of the table below: how many arguments it
 * takes and which of them are person ids (checked before the database is
 * opened), whether it writes, what it does (run: store calls only, the
 * outcome kept in the request) and how the outcome is shown (render: text
 * or JSON, nothing else). */

typedef struct {
  char    *folder;
  gint64   person_id;   /* 0: failed */
  char    *name;
  guint    n_added;
  GError  *error;
} ImportOutcome;

static void
import_outcome_free (gpointer data)
{
  ImportOutcome *outcome = data;

  g_free (outcome->folder);
  g_free (outcome->name);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

typedef struct _PeopleCommand PeopleCommand;

typedef struct {
  const PeopleCommand *command;
  char               **args;     /* after the verb; borrowed */
  guint                n_args;
  GArray              *ids;      /* gint64: the arguments that are ids */
  /* The outcome of run(), what render() shows. */
  GPtrArray           *people;   /* list: VsPerson */
  VsPerson            *person;   /* show, rename */
  GPtrArray           *samples;  /* show, rename: VsSample */
  char                *folder;   /* export */
  GPtrArray           *imported; /* import: ImportOutcome */
} PeopleRequest;

static void
people_request_clear (PeopleRequest *request)
{
  g_clear_pointer (&request->ids, g_array_unref);
  g_clear_pointer (&request->people, g_ptr_array_unref);
  g_clear_pointer (&request->person, vs_person_free);
  g_clear_pointer (&request->samples, g_ptr_array_unref);
  g_clear_pointer (&request->folder, g_free);
  g_clear_pointer (&request->imported, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PeopleRequest, people_request_clear)

typedef enum {
  IDS_NONE,    /* no argument is an id */
  IDS_FIRST,   /* the first one is */
  IDS_ALL,     /* every one is */
} IdArgs;

/* run: FALSE with error when the store refused. */
typedef gboolean (*PeopleRunFunc)    (VsStore *store, PeopleRequest *request, GError **error);
typedef int      (*PeopleRenderFunc) (const PeopleRequest *request, const VsCliOptions *opts);

struct _PeopleCommand {
  const char       *verb;
  guint             min_args;
  guint             max_args;
  IdArgs            ids;
  const char       *usage;       /* N_(): shown when the arguments are wrong */
  VsCliAccess       access;
  PeopleRunFunc     run;
  PeopleRenderFunc  render;
};

/* run ------------------------------------------------------------------- */

static gint64
request_id (const PeopleRequest *request)
{
  return g_array_index (request->ids, gint64, 0);
}

static gboolean
run_list (VsStore        *store,
          PeopleRequest  *request,
          GError        **error)
{
  request->people = vs_store_list_people (store, error);
  return request->people != NULL;
}

static gboolean
run_show (VsStore        *store,
          PeopleRequest  *request,
          GError        **error)
{
  request->person = vs_store_get_person (store, request_id (request), error);
  if (request->person == NULL)
    return FALSE;
  request->samples = vs_store_list_samples (store, request_id (request), error);
  return request->samples != NULL;
}

static gboolean
run_rename (VsStore        *store,
            PeopleRequest  *request,
            GError        **error)
{
  return vs_store_rename_person (store, request_id (request), request->args[1], error) &&
         run_show (store, request, error);
}

static gboolean
run_delete (VsStore        *store,
            PeopleRequest  *request,
            GError        **error)
{
  /* Every id first: an unknown one deletes nobody. */
  for (guint i = 0; i < request->ids->len; i++)
    {
      g_autoptr(VsPerson) person = vs_store_get_person (store, g_array_index (request->ids, gint64, i), error);

      if (person == NULL)
        return FALSE;
    }
  return vs_store_delete_people (store, (const gint64 *) (gpointer) request->ids->data,
                                 request->ids->len, error);
}

static gboolean
run_export (VsStore        *store,
            PeopleRequest  *request,
            GError        **error)
{
  request->folder = vs_export_person (store, request_id (request), request->args[1], error);
  return request->folder != NULL;
}

/* Each folder on its own: one that fails does not stop the others, and is
 * reported with them. */
static gboolean
run_import (VsStore        *store,
            PeopleRequest  *request,
            GError        **error)
{
  g_autoptr(GPtrArray) folders = collect_export_folders (request->args, error);

  if (folders == NULL)
    return FALSE;

  request->imported = g_ptr_array_new_with_free_func (import_outcome_free);
  for (guint i = 0; i < folders->len; i++)
    {
      ImportOutcome *outcome = g_new0 (ImportOutcome, 1);

      outcome->folder = g_strdup (g_ptr_array_index (folders, i));
      outcome->person_id = import_person_folder (store, outcome->folder, &outcome->name,
                                                 &outcome->n_added, &outcome->error);
      g_ptr_array_add (request->imported, outcome);
    }
  return TRUE;
}

/* render ---------------------------------------------------------------- */

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0)
    return g_strdup (_("never"));
  dt = g_date_time_new_from_unix_local (unix_seconds);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static int
render_list (const PeopleRequest *request,
             const VsCliOptions  *opts)
{
  GPtrArray *people = request->people;

  if (opts->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "people");
      json_builder_begin_array (b);
      for (guint i = 0; i < people->len; i++)
        json_builder_add_value (b, vs_cli_json_person (g_ptr_array_index (people, i)));
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
render_show (const PeopleRequest *request,
             const VsCliOptions  *opts)
{
  const VsPerson *person = request->person;
  GPtrArray *samples = request->samples;

  if (opts->json)
    {
      JsonNode *node = vs_cli_json_person (person);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < samples->len; i++)
        json_array_add_element (array, vs_cli_json_sample (g_ptr_array_index (samples, i)));
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

static int
render_delete (const PeopleRequest *request,
               const VsCliOptions  *opts)
{
  GArray *ids = request->ids;

  if (opts->json)
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
  return VS_EXIT_OK;
}

static int
render_export (const PeopleRequest *request,
               const VsCliOptions  *opts)
{
  if (opts->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, request_id (request));
      json_builder_set_member_name (b, "folder");
      json_builder_add_string_value (b, request->folder);
      json_builder_end_object (b);
      vs_cli_print_json (json_builder_get_root (b));
    }
  else
    g_print (_("Exported to %s\n"), request->folder);
  return VS_EXIT_OK;
}

static int
render_import (const PeopleRequest *request,
               const VsCliOptions  *opts)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  int worst = VS_EXIT_OK;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "people");
  json_builder_begin_array (b);
  for (guint i = 0; i < request->imported->len; i++)
    {
      const ImportOutcome *outcome = g_ptr_array_index (request->imported, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "folder");
      json_builder_add_string_value (b, outcome->folder);
      json_builder_set_member_name (b, "person_id");
      if (outcome->person_id != 0)
        json_builder_add_int_value (b, outcome->person_id);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "name");
      if (outcome->name != NULL)
        json_builder_add_string_value (b, outcome->name);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, outcome->n_added);
      if (outcome->error != NULL)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, outcome->error->message);
        }
      json_builder_end_object (b);

      if (outcome->person_id == 0)
        {
          int code = vs_cli_fail (outcome->error);   /* once: MAX evaluates twice */
          worst = MAX (worst, code);
        }
      else if (!opts->json)
        {
          /* The id as text: a G_GINT64_FORMAT would break the msgid. */
          g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, outcome->person_id);

          g_print (g_dngettext (GETTEXT_PACKAGE, "%s (id %s): %u sample added\n",
                                "%s (id %s): %u samples added\n", outcome->n_added),
                   outcome->name, id_text, outcome->n_added);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (opts->json)
    vs_cli_print_json (json_builder_get_root (b));
  return worst;
}

/* The table ------------------------------------------------------------- */

static const PeopleCommand people_commands[] = {
  { "list",   0, 0,         IDS_NONE,  N_("“people list” takes no arguments"),
    VS_CLI_READ,  run_list,   render_list },
  { "show",   1, 1,         IDS_FIRST, N_("Usage: people show ID"),
    VS_CLI_READ,  run_show,   render_show },
  { "rename", 2, 2,         IDS_FIRST, N_("Usage: people rename ID NAME"),
    VS_CLI_WRITE, run_rename, render_show },
  { "delete", 1, G_MAXUINT, IDS_ALL,   N_("Usage: people delete ID…"),
    VS_CLI_WRITE, run_delete, render_delete },
  { "export", 2, 2,         IDS_FIRST, N_("Usage: people export ID DIR"),
    VS_CLI_READ,  run_export, render_export },
  { "import", 1, G_MAXUINT, IDS_NONE,  N_("Usage: people import DIR…"),
    VS_CLI_WRITE, run_import, render_import },
};

/* parse: the command line into a request, or a usage error. */
static int
people_parse (GOptionContext *context,
              char          **args,
              PeopleRequest  *request)
{
  guint n = args != NULL ? g_strv_length (args) : 0;
  const char *verb = n > 0 ? args[0] : "list";

  for (guint i = 0; i < G_N_ELEMENTS (people_commands) && request->command == NULL; i++)
    if (g_str_equal (verb, people_commands[i].verb))
      request->command = &people_commands[i];
  if (request->command == NULL)
    return vs_cli_usage (context, _("Unknown people command “%s”"), verb);

  request->args = n > 0 ? args + 1 : args;
  request->n_args = n > 0 ? n - 1 : 0;
  if (request->n_args < request->command->min_args || request->n_args > request->command->max_args)
    return vs_cli_usage (context, "%s", _(request->command->usage));

  request->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < request->n_args; i++)
    {
      gint64 id;

      if (request->command->ids == IDS_NONE || (request->command->ids == IDS_FIRST && i > 0))
        break;
      if (!parse_id (request->args[i], &id))
        {
          if (request->command->ids == IDS_ALL)
            return vs_cli_usage (context, _("“%s” is not a person id"), request->args[i]);
          return vs_cli_usage (context, "%s", _(request->command->usage));
        }
      g_array_append_val (request->ids, id);
    }
  return VS_EXIT_OK;
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
  g_auto(PeopleRequest) request = { 0 };
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  status = people_parse (context, args, &request);
  if (status != VS_EXIT_OK)
    return status;

  store = vs_cli_open_store (&opts, request.command->access, &error);
  if (store == NULL || !request.command->run (store, &request, &error))
    return vs_cli_fail (error);

  return request.command->render (&request, &opts);
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

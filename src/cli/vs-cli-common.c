#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "vs-cli-common.h"

GOptionContext *
vs_cli_context_new (const char         *parameter_string,
                    const char         *summary,
                    const GOptionEntry *entries,
                    VsCliOptions       *opts)
{
  const GOptionEntry common[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opts->db_path,
      N_("Database file (default: $XDG_DATA_HOME/visage/visage.db)"), N_("PATH") },
    { "models", 0, 0, G_OPTION_ARG_FILENAME, &opts->models_dir,
      N_("Folder with the model files"), N_("DIR") },
    { "embedder", 0, 0, G_OPTION_ARG_STRING, &opts->embedder,
      N_("Face embedder model (default: mobilefacenet_paddlex; w600k_mbf is for non-commercial research only and fetched only on request: models/fetch --with w600k_mbf)"), N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opts->json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (parameter_string);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  return context;
}

gboolean
vs_cli_parse (GOptionContext   *context,
              int              *argc,
              char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("visage-cli: %s\n", error->message);
      g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
      return FALSE;
    }
  return TRUE;
}

void
vs_cli_options_clear (VsCliOptions *opts)
{
  g_clear_pointer (&opts->db_path, g_free);
  g_clear_pointer (&opts->models_dir, g_free);
  g_clear_pointer (&opts->embedder, g_free);
}

int
vs_cli_exit_code_for (const GError *error)
{
  if (error->domain == VS_IMAGE_ERROR || error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return VS_EXIT_INPUT;
  if (error->domain == VS_ENGINE_ERROR &&
      (error->code == VS_ENGINE_ERROR_NO_FACE || error->code == VS_ENGINE_ERROR_MANY_FACES))
    return VS_EXIT_INPUT;
  if (error->domain == VS_MODEL_ERROR)
    return VS_EXIT_MODEL;
  if (error->domain == VS_STORE_ERROR)
    {
      /* A bad name, or one someone else has: the user's to change. */
      if (error->code == VS_STORE_ERROR_INVALID || error->code == VS_STORE_ERROR_EXISTS)
        return VS_EXIT_USAGE;
      if (error->code == VS_STORE_ERROR_NOT_FOUND)
        return VS_EXIT_INPUT;
      return VS_EXIT_DATABASE;
    }
  if (error->domain == G_OPTION_ERROR)
    return VS_EXIT_USAGE;
  return VS_EXIT_FAILED;
}

int
vs_cli_fail (const GError *error)
{
  g_printerr ("visage-cli: %s\n", error->message);
  return vs_cli_exit_code_for (error);
}

int
vs_cli_usage (GOptionContext *context,
              const char     *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("visage-cli: %s\n", message);
  g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
  return VS_EXIT_USAGE;
}

VsStore *
vs_cli_open_store (const VsCliOptions  *opts,
                   VsCliAccess          access,
                   GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  VsStore *store;

  if (access == VS_CLI_WRITE)
    return vs_store_open (opts->db_path, error);

  /* A command that only reads creates nothing: with no database yet, it
   * reads an empty one that lives in memory. */
  store = vs_store_open_existing (opts->db_path, &local_error);
  if (store == NULL && g_error_matches (local_error, VS_STORE_ERROR, VS_STORE_ERROR_NO_DATABASE))
    {
      g_debug ("%s; reading an empty database", local_error->message);
      return vs_store_open_empty (error);
    }
  if (store == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return store;
}

void
vs_cli_use_store_embedder (VsCliOptions *opts,
                           VsStore      *store)
{
  g_autoptr(GError) error = NULL;

  if (opts->embedder != NULL)
    return;
  opts->embedder = vs_store_dup_embedder (store, &error);
  /* A read failure shows again, with its message, when the gallery loads. */
  if (error != NULL)
    g_debug ("Cannot tell the database's embedder: %s", error->message);
}

VsEngine *
vs_cli_open_engine (const VsCliOptions  *opts,
                    GError             **error)
{
  return vs_engine_new (opts->models_dir, opts->embedder, error);
}

static void make_valid_utf8 (JsonNode *node);

/* Valid UTF-8 kept, every other byte written \xNN (and a backslash \\). */
static char *
escape_invalid_bytes (const char *bytes)
{
  GString *out = g_string_new (NULL);
  const char *p = bytes;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guint8) *p);
          p++;
        }
      else
        {
          const char *next = g_utf8_next_char (p);
          if (c == '\\')
            g_string_append (out, "\\\\");
          else
            g_string_append_len (out, p, next - p);
          p = next;
        }
    }
  return g_string_free (out, FALSE);
}

static void
set_valid_string (JsonNode *node)
{
  g_autofree char *valid = g_utf8_make_valid (json_node_get_string (node), -1);

  json_node_set_string (node, valid);
}

/* A file name is bytes, and JSON is UTF-8: an invalid string is shown
 * converted for display (bytes that are not UTF-8 become U+FFFD), and an
 * object member keeps the raw bytes C-escaped (\351 for a Latin-1 é) in a
 * sibling member NAME_raw, so a script can still find the file. */
static void
make_valid_member (JsonObject  *object,
                   const char  *name,
                   JsonNode    *member,
                   gpointer     user_data)
{
  GPtrArray *raw_members = user_data;

  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING &&
      !g_utf8_validate (json_node_get_string (member), -1, NULL))
    {
      const char *bytes = json_node_get_string (member);

      g_ptr_array_add (raw_members, g_strconcat (name, "_raw", NULL));
      g_ptr_array_add (raw_members, escape_invalid_bytes (bytes));
      set_valid_string (member);
    }
  else
    make_valid_utf8 (member);
}

static void
make_valid_element (JsonArray *array,
                    guint      index,
                    JsonNode  *element,
                    gpointer   user_data)
{
  if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
      !g_utf8_validate (json_node_get_string (element), -1, NULL))
    set_valid_string (element);
  else
    make_valid_utf8 (element);
}

static void
make_valid_utf8 (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GPtrArray) raw_members = g_ptr_array_new_with_free_func (g_free);

      json_object_foreach_member (object, make_valid_member, raw_members);
      for (guint i = 0; i + 1 < raw_members->len; i += 2)
        json_object_set_string_member (object, raw_members->pdata[i], raw_members->pdata[i + 1]);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    json_array_foreach_element (json_node_get_array (node), make_valid_element, NULL);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
           !g_utf8_validate (json_node_get_string (node), -1, NULL))
    set_valid_string (node);
}

void
vs_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  make_valid_utf8 (node);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  json_node_unref (node);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static gboolean
is_picture_name (const char *name)
{
  static const char * const suffixes[] = { ".jpg", ".jpeg", ".png", ".webp", ".bmp" };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

GPtrArray *
vs_cli_collect_images (char **paths)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (!g_file_test (paths[i], G_FILE_TEST_IS_DIR))
        {
          g_ptr_array_add (files, g_strdup (paths[i]));
          continue;
        }

      /* A folder that cannot be listed is reported by the loader later. */
      dir = g_dir_open (paths[i], 0, NULL);
      if (dir == NULL)
        {
          g_ptr_array_add (files, g_strdup (paths[i]));
          continue;
        }
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (is_picture_name (name))
          g_ptr_array_add (names, g_build_filename (paths[i], name, NULL));
      g_ptr_array_sort (names, compare_paths);
      /* Nor is a folder without pictures silently skipped: the loader
       * reports it, so that the command fails instead of doing nothing. */
      if (names->len == 0)
        g_ptr_array_add (files, g_strdup (paths[i]));
      for (guint j = 0; j < names->len; j++)
        g_ptr_array_add (files, g_strdup (g_ptr_array_index (names, j)));
    }
  return files;
}

void
vs_cli_match_params (VsEngine      *engine,
                     float          threshold_override,
                     VsMatchParams *params)
{
  const VsModelInfo *info = vs_engine_get_embedder (engine);

  params->threshold = threshold_override > 0 ? threshold_override : info->threshold;
  params->margin = info->margin;
}

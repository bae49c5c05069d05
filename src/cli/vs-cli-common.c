#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vs-cli-common.h"

GOptionContext *
vs_cli_context_new (const char         *parameter_string,
                    const char         *summary,
                    const GOptionEntry *entries,
                    VsCliOptions       *opts)
{
  const GOptionEntry common[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opts->db_path,
      N_("Database file, or a PostgreSQL server as postgresql://… or “host=… dbname=…” "
         "(default: $XDG_DATA_HOME/visage/visage.db)"), N_("DB") },
    { "models", 0, 0, G_OPTION_ARG_FILENAME, &opts->models_dir,
      N_("Folder with the model files"), N_("DIR") },
    { "embedder", 0, 0, G_OPTION_ARG_STRING, &opts->embedder,
      N_("Face embedder model (default: mobilefacenet_paddlex; w600k_mbf is for non-commercial research only and fetched only on request: models/fetch --with w600k_mbf)"), N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opts->json,
      N_("Print the result as JSON"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opts->quiet,
      N_("Print no progress on stderr"), NULL },
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
  vs_cli_progress_end ();
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

/* How many decimals a number means, by the name of the member holding it
 * (array elements take their array's name). Negative: significant digits,
 * for rates like a false accept rate of 1e-5. */
static int
json_places (const char *key)
{
  static const struct { const char *key; int places; } exact[] = {
    { "box", 1 }, { "x", 1 }, { "y", 1 }, { "width", 1 }, { "height", 1 }, { "landmarks", 1 },
    { "far", -3 }, { "time", 3 },
  };

  if (key == NULL)
    return 4;
  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    if (g_str_equal (key, exact[i].key))
      return exact[i].places;
  if (g_str_has_suffix (key, "_ms"))
    return 3;
  if (g_str_has_suffix (key, "_fps"))
    return 2;
  if (g_str_has_suffix (key, "_s") || g_str_has_suffix (key, "_seconds"))
    return 3;
  /* similarity, score, threshold, quality, accuracy, tar… */
  return 4;
}

static void
append_number (GString *out,
               double   value,
               int      places)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gsize len;

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  if (places < 0)
    {
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, places == -3 ? "%.3g" : "%.6g", value));
      return;
    }
  /* Rounded, printed with that many decimals, trailing zeros dropped. */
  {
    char format[8];

    g_snprintf (format, sizeof format, "%%.%df", places);
    g_ascii_formatd (buf, sizeof buf, format, value);
  }
  len = strlen (buf);
  if (strchr (buf, '.') != NULL)
    {
      while (len > 0 && buf[len - 1] == '0')
        buf[--len] = '\0';
      if (len > 0 && buf[len - 1] == '.')
        buf[--len] = '\0';
    }
  g_string_append (out, g_str_equal (buf, "-0") ? "0" : buf);
}

/* json-glib writes doubles with 17 digits (0.45 as 0.45000000000000001):
 * this walks the tree itself for numbers and leaves strings to json-glib. */
static void
append_json (GString    *out,
             JsonNode   *node,
             const char *key)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            g_autoptr(JsonNode) name = json_node_init_string (json_node_alloc (), l->data);
            g_autofree char *quoted = json_to_string (name, FALSE);

            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            g_string_append (out, quoted);
            g_string_append_c (out, ':');
            append_json (out, json_object_get_member (object, l->data), l->data);
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_json (out, json_array_get_element (array, i), key);
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          append_number (out, json_node_get_double (node), json_places (key));
          break;
        }
      G_GNUC_FALLTHROUGH;
    case JSON_NODE_NULL:
    default:
      {
        g_autofree char *text = json_to_string (node, FALSE);
        g_string_append (out, text);
      }
      break;
    }
}

char *
vs_cli_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  append_json (out, node, NULL);
  return g_string_free (out, FALSE);
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
  g_autofree char *text = NULL;

  make_valid_utf8 (node);
  text = vs_cli_json_to_string (node);
  json_node_unref (node);
  /* Progress, if any, ends its line before the result appears. */
  vs_cli_progress_end ();
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

/* ── progress ───────────────────────────────────────────────────────── */

typedef struct {
  GMutex    lock;
  gboolean  active;
  gboolean  live;        /* stderr is a terminal: redraw one line */
  char     *what;
  guint     done;
  guint     total;
  guint     last_step;   /* plain lines: the last 5 % step printed */
  gint64    last_draw_us;
  gboolean  drawn;
} Progress;

static Progress progress;

static void
progress_draw_locked (const char *item)
{
  g_autofree char *count = NULL;
  /* A file name in another encoding than UTF-8 (café.jpg in Latin-1) is
   * shown as GLib displays file names, not as raw bytes. */
  g_autofree char *shown = item != NULL ? g_filename_display_name (item) : NULL;

  if (progress.total > 0)
    /* TRANSLATORS: progress on stderr, e.g. “1,234 of 13,233” */
    count = g_strdup_printf (_("%u of %u"), progress.done, progress.total);
  else
    count = g_strdup_printf ("%u", progress.done);

  if (progress.live)
    {
      gint64 now = g_get_monotonic_time ();

      /* A terminal redraws at most ten times a second, and always the end. */
      if (progress.drawn && progress.done != progress.total &&
          now - progress.last_draw_us < G_USEC_PER_SEC / 10)
        return;
      progress.last_draw_us = now;
      /* Carriage return and clear-to-end-of-line stay out of the messages. */
      fputs ("\r\033[K", stderr);
      fprintf (stderr, "%s: %s", progress.what, count);
      if (shown != NULL)
        fprintf (stderr, " — %s", shown);
      progress.drawn = TRUE;
    }
  else
    {
      guint step = progress.total > 0 ? (guint) ((guint64) progress.done * 20 / progress.total) : progress.done;

      /* Plain lines: the first, every 5 % and the last. */
      if (progress.drawn && step == progress.last_step && progress.done != progress.total)
        return;
      progress.last_step = step;
      fprintf (stderr, "%s: %s", progress.what, count);
      if (shown != NULL)
        fprintf (stderr, " — %s", shown);
      fputc ('\n', stderr);
      progress.drawn = TRUE;
    }
  fflush (stderr);
}

void
vs_cli_progress_begin (const VsCliOptions *opts,
                       const char         *what,
                       guint               total)
{
  vs_cli_progress_end ();
  if (opts->quiet)
    return;
  g_mutex_lock (&progress.lock);
  progress.active = TRUE;
  progress.live = isatty (fileno (stderr));
  progress.what = g_strdup (what);
  progress.done = 0;
  progress.total = total;
  progress.last_step = 0;
  progress.drawn = FALSE;
  g_mutex_unlock (&progress.lock);
}

void
vs_cli_progress_step (const char *item)
{
  g_mutex_lock (&progress.lock);
  if (progress.active)
    {
      progress.done++;
      progress_draw_locked (item);
    }
  g_mutex_unlock (&progress.lock);
}

void
vs_cli_progress_set (guint done,
                     guint total)
{
  g_mutex_lock (&progress.lock);
  if (progress.active)
    {
      progress.done = done;
      progress.total = total;
      progress_draw_locked (NULL);
    }
  g_mutex_unlock (&progress.lock);
}

void
vs_cli_progress_end (void)
{
  g_mutex_lock (&progress.lock);
  if (progress.active && progress.live && progress.drawn)
    {
      fputc ('\n', stderr);
      fflush (stderr);
    }
  progress.active = FALSE;
  g_clear_pointer (&progress.what, g_free);
  g_mutex_unlock (&progress.lock);
}

static gboolean
is_picture_name (const char *name)
{
  static const char * const suffixes[] = { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic", ".heif", ".avif" };
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

/* The app's strictness setting as a threshold for info, when its schema is
 * installed (or found through $GSETTINGS_SCHEMA_DIR); 0 otherwise. */
static double
threshold_from_settings (const VsModelInfo *info)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *level = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (info == NULL || schema == NULL || !g_settings_schema_has_key (schema, "match-strictness") ||
      !g_settings_schema_has_key (schema, "match-threshold"))
    return 0;
  settings = g_settings_new_full (schema, NULL, NULL);
  level = g_settings_get_string (settings, "match-strictness");
  return vs_models_threshold_for_level (info, level, g_settings_get_double (settings, "match-threshold"), NULL);
}

void
vs_cli_match_params_for (const char    *embedder,
                         float          threshold_override,
                         VsMatchParams *params)
{
  const VsModelInfo *info = vs_models_lookup (embedder, NULL);
  double from_settings;

  params->margin = info != NULL ? info->margin : 0.0f;
  if (threshold_override > 0)
    params->threshold = threshold_override;
  else if ((from_settings = threshold_from_settings (info)) > 0)
    params->threshold = (float) from_settings;
  else
    params->threshold = info != NULL ? info->threshold : 0.5f;
}

void
vs_cli_match_params (VsEngine      *engine,
                     float          threshold_override,
                     VsMatchParams *params)
{
  vs_cli_match_params_for (vs_engine_get_embedder (engine)->id, threshold_override, params);
}

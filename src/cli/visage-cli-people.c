/* visage-cli-people.c: managing enrolled people, and re-embedding. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

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
    g_print (_("Id:        %" G_GINT64_FORMAT "\n"), person->id);
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
    vs_cli_context_new (_("list | show ID | rename ID NAME | delete ID… | export ID DIR — manage enrolled people"),
                        _("delete erases the person and all their samples for good: the database pages "
                          "that held them are overwritten.\n"
                          "export writes the person’s data (person.json with every embedding, and the "
                          "face pictures) into a new folder NAME-ID inside DIR, readable only by you."),
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
  gboolean  quiet;
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
  ReembedData *data = user_data;

  if (!data->quiet && (done == total || done % 50 == 0))
    {
      /* \r stays out of the message: translators never see control codes. */
      g_printerr ("\r");
      g_printerr (_("Re-embedding: %u of %u samples"), done, total);
    }
  if (!data->quiet && done == total)
    g_printerr ("\n");
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
  data.quiet = opts.json;
  if (!vs_store_reembed (store, info->id, info->dim, reembed_one, reembed_progress, &data, &error))
    return vs_cli_fail (error);

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

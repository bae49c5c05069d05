/* visage-cli-db.c: `visage-cli db copy` — moves a whole gallery between an
 * SQLite file and a PostgreSQL server (either way), in one transaction on
 * the target, and proves the copy by counts and checksums read back. */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-cli.h"
#include "vs-cli-common.h"
#include "vs-store-copy.h"

static const char * const part_names[VS_STORE_N_PARTS] = { "people", "samples", "crops", "events" };

static guint
part_count (const VsStoreContents *contents,
            VsStorePart            part)
{
  switch (part)
    {
    case VS_STORE_PART_PEOPLE:
      return contents->people->len;
    case VS_STORE_PART_SAMPLES:
      return contents->samples->len;
    case VS_STORE_PART_CROPS:
      {
        guint n = 0;
        for (guint i = 0; i < contents->samples->len; i++)
          n += ((VsSample *) g_ptr_array_index (contents->samples, i))->crop != NULL;
        return n;
      }
    case VS_STORE_PART_EVENTS:
      return contents->events->len;
    default:
      g_return_val_if_reached (0);
    }
}

static int
db_copy (int    argc,
         char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      N_("The database to copy: a file or a postgresql:// connection string"), N_("DB") },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to,
      N_("Where to copy it: an empty (or new) database, file or server"), N_("DB") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("copy --from SRC --to DST — every person, sample, face picture and sighting"),
                        _("Copies SQLite → PostgreSQL or back, keeping every id, in one "
                          "transaction on the target, then reads the target back and compares "
                          "counts and SHA-256 checksums with the source."),
                        entries, &opts);
  g_autoptr(VsStore) source = NULL;
  g_autoptr(VsStore) target = NULL;
  g_auto(VsStoreContents) copied = { 0 };
  g_auto(VsStoreContents) read_back = { 0 };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;
  gboolean same = TRUE;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (from == NULL || to == NULL)
    return vs_cli_usage (context, _("Name both databases: --from SRC --to DST"));
  if (argc > 1)
    return vs_cli_usage (context, _("Unexpected argument “%s”"), argv[1]);
  if (g_str_equal (from, to))
    return vs_cli_usage (context, _("--from and --to are the same database"));

  source = vs_store_open (from, &error);
  if (source == NULL || !vs_store_read_all (source, &copied, &error))
    return vs_cli_fail (error);
  target = vs_store_open (to, &error);
  if (target == NULL || !vs_store_write_all (target, &copied, &error) ||
      !vs_store_read_all (target, &read_back, &error))
    return vs_cli_fail (error);

  json_builder_begin_object (b);
  for (VsStorePart part = 0; part < VS_STORE_N_PARTS; part++)
    {
      g_autofree char *sum_from = vs_store_contents_checksum (&copied, part);
      g_autofree char *sum_to = vs_store_contents_checksum (&read_back, part);
      guint n_from = part_count (&copied, part);
      guint n_to = part_count (&read_back, part);

      same = same && n_from == n_to && g_str_equal (sum_from, sum_to);
      json_builder_set_member_name (b, part_names[part]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, n_to);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, sum_to);
      json_builder_end_object (b);
      if (!opts.json)
        g_print ("%-8s %6u  %s%s\n", part_names[part], n_to, sum_to,
                 n_from == n_to && g_str_equal (sum_from, sum_to) ? "" : _("  DIFFERS from the source"));
    }
  json_builder_set_member_name (b, "identical");
  json_builder_add_boolean_value (b, same);
  json_builder_end_object (b);
  if (opts.json)
    vs_cli_print_json (json_builder_get_root (b));

  if (!same)
    {
      g_printerr (_("visage-cli: the copy differs from the source (see above); the target "
                    "was written, check it before use\n"));
      return VS_EXIT_DATABASE;
    }
  if (!opts.json)
    g_print (_("Copied and verified: identical.\n"));
  return VS_EXIT_OK;
}

int
vs_cli_db (int    argc,
           char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "copy"))
    return db_copy (argc - 1, argv + 1);
  /* copy is the only command: its help is the help of db. */
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    return db_copy (argc, argv);

  g_printerr (_("Usage: visage-cli db copy --from SRC --to DST\n"
                "  SRC and DST: an SQLite file, or a PostgreSQL server as postgresql://… "
                "or “host=… dbname=…”\n"));
  return VS_EXIT_USAGE;
}

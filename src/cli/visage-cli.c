/* visage-cli: the Visage engine and database for scripts and servers. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "visage-cli.h"
#include "vs-cli-common.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "detect",   vs_cli_detect,   N_("Find faces in pictures") },
  { "verify",   vs_cli_verify,   N_("Tell whether two pictures show the same person") },
  { "enroll",   vs_cli_enroll,   N_("Add face samples of one person from pictures") },
  { "import",   vs_cli_import,   N_("Enroll everybody from a folder per person") },
  { "identify", vs_cli_identify, N_("Name the enrolled people in pictures") },
  { "people",   vs_cli_people,   N_("List, show, rename or delete enrolled people") },
  { "reembed",  vs_cli_reembed,  N_("Recompute every sample with another embedder") },
  { "watch",    vs_cli_watch,    N_("Recognise faces live from a camera or video, without a window") },
  { "bench",    vs_cli_bench,    N_("Measure accuracy on LFW, or the speed of each stage") },
  { "erase-all", vs_cli_erase_all, N_("Erase everything Visage stored for you") },
};

static void
print_help (void)
{
  g_print (_("Usage: visage-cli COMMAND [OPTION…]\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-11s %s\n", commands[i].name, _(commands[i].summary));
  g_print (_("\nEvery command takes --help, --json, --db PATH, --models DIR and --embedder ID.\n"));
  g_print (_("\nExit status:\n"
             "  0  done; verify: same person; identify: somebody recognised\n"
             "  1  verify: different people; identify: nobody recognised\n"
             "  2  bad command line\n"
             "  3  a picture or file could not be read, or had no usable face; no such person\n"
             "  4  a model file is missing or damaged\n"
             "  5  the database could not be opened or changed\n"
             "  6  any other failure\n"
             "  7  import: some people were saved, others not (the output says which)\n"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help ();
      return argc < 2 ? VS_EXIT_USAGE : VS_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("visage-cli %s\n", PACKAGE_VERSION);
      return VS_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("visage-cli %s", commands[i].name);

        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }

  g_printerr (_("visage-cli: unknown command “%s”; run “visage-cli --help” to see the commands\n"), argv[1]);
  return VS_EXIT_USAGE;
}

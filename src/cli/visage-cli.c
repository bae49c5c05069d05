/* visage-cli: the Visage engine and database for scripts and servers. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

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
  { "people",   vs_cli_people,   N_("List, show, rename, delete, export or import enrolled people") },
  { "reembed",  vs_cli_reembed,  N_("Recompute every sample with another embedder") },
  { "watch",    vs_cli_watch,    N_("Recognise faces live from a camera or video, without a window") },
  { "bench",    vs_cli_bench,    N_("Measure accuracy on LFW, or the speed of each stage") },
  { "db",       vs_cli_db,       N_("Copy a whole gallery between a file and a PostgreSQL server") },
  { "erase-all", vs_cli_erase_all, N_("Erase everything Visage stored for you") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s", _("Usage: visage-cli COMMAND [OPTION…]\n"
                        "       visage-cli help COMMAND\n\n"));
  fprintf (out, "%s", _("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-11s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "%s", _("\nEvery command takes --help, --json, --quiet, --db PATH, --models DIR and --embedder ID.\n"
                        "The manual, man visage-cli, describes each command and its JSON.\n"));
  fprintf (out, "%s", _("\nExit status:\n"
                        "  0  done; verify: same person; identify: somebody recognised\n"
                        "  1  verify: different people; identify: nobody recognised\n"
                        "  2  bad command line\n"
                        "  3  a picture or file could not be read, or had no usable face; no such person\n"
                        "  4  a model file is missing or damaged\n"
                        "  5  the database could not be opened or changed\n"
                        "  6  any other failure\n"
                        "  7  import: some people were saved, others not (the output says which)\n"));
  fflush (out);
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      return &commands[i];
  return NULL;
}

static int
run_command (const Command  *command,
             int             argc,
             char          **argv)
{
  g_autofree char *prgname = g_strdup_printf ("visage-cli %s", command->name);

  g_set_prgname (prgname);
  return command->run (argc, argv);
}

static int
unknown_command (const char *name)
{
  g_printerr (_("visage-cli: unknown command “%s”; run “visage-cli help” to see the commands\n"), name);
  return VS_EXIT_USAGE;
}

int
main (int    argc,
      char **argv)
{
  const Command *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* No command is a usage error: the help goes to stderr, like any. */
  if (argc < 2)
    {
      print_help (stderr);
      return VS_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      (g_str_equal (argv[1], "help") && argc == 2))
    {
      print_help (stdout);
      return VS_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("visage-cli %s\n", PACKAGE_VERSION);
      return VS_EXIT_OK;
    }

  /* help COMMAND [SUB] is COMMAND [SUB] --help. */
  if (g_str_equal (argv[1], "help"))
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      command = find_command (argv[2]);
      if (command == NULL)
        return unknown_command (argv[2]);
      for (int i = 2; i < argc; i++)
        g_ptr_array_add (args, argv[i]);
      g_ptr_array_add (args, (char *) "--help");
      g_ptr_array_add (args, NULL);
      return run_command (command, (int) args->len - 1, (char **) args->pdata);
    }

  command = find_command (argv[1]);
  if (command == NULL)
    return unknown_command (argv[1]);
  return run_command (command, argc - 1, argv + 1);
}

/* main.c: the visage desktop app. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "visage-application.h"

/* Without a GPU render node, OpenGL is emulated on the CPU (llvmpipe) and
 * GTK's GL renderer then costs more than the Cairo one: on two cores it
 * halves the video frame rate while recognition runs. Prefer Cairo there,
 * unless the user chose a renderer. */
static void
prefer_cairo_without_gpu (void)
{
  g_autoptr(GDir) dri = NULL;
  const char *name;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  dri = g_dir_open ("/dev/dri", 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return;
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VisageApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  prefer_cairo_without_gpu ();
  app = visage_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}

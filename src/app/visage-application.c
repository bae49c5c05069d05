/* visage-application.c
 *
 * Options are parsed in the launching process (handle-local-options, so bad
 * arguments fail fast with a message) and acted upon in the primary instance
 * (command-line), where relative paths are resolved against the caller's
 * working directory.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-application.h"
#include "visage-enroll-window.h"
#include "visage-session.h"
#include "visage-window.h"
#include "vs-frame-worker.h"
#include "vs-models.h"
#include "vs-store-pg.h"

struct _VisageApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  /* "db\nmodels\nembedder" → VisageSession: the windows on one database
   * share one. Dropped when its last window goes. */
  GHashTable     *sessions;
};

G_DEFINE_FINAL_TYPE (VisageApplication, visage_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "source", 's', 0, G_OPTION_ARG_STRING, NULL,
    N_("Video source: test, file:PATH, images:DIR or device:ID"), N_("SOURCE") },
  { "fps", 0, 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Pictures per second for an images: source"), N_("N") },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Database of people (default: the user’s)"), N_("PATH") },
  { "models", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Folder with the recognition models"), N_("DIR") },
  { "embedder", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Face embedding model"), N_("ID") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

gboolean
visage_source_spec_validate (const char  *spec,
                             GError     **error)
{
  static const char * const prefixes[] = { "file:", "images:", "device:" };

  if (spec == NULL || *spec == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The source is empty"));
      return FALSE;
    }

  if (g_str_equal (spec, "test"))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      if (g_str_has_prefix (spec, prefixes[i]))
        {
          if (spec[strlen (prefixes[i])] == '\0')
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("“%s” needs a path or an id after the colon"), spec);
              return FALSE;
            }
          return TRUE;
        }
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Unknown source “%s”: use test, file:PATH, images:DIR or device:ID"),
               spec);
  return FALSE;
}

/* file: and images: paths are made absolute against the caller's folder: the
 * primary instance may run elsewhere. */
static char *
resolve_source (GApplicationCommandLine *cmdline,
                const char              *spec)
{
  static const char * const path_prefixes[] = { "file:", "images:" };

  for (guint i = 0; i < G_N_ELEMENTS (path_prefixes); i++)
    {
      if (g_str_has_prefix (spec, path_prefixes[i]))
        {
          const char *path = spec + strlen (path_prefixes[i]);
          g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, path);
          g_autofree char *abs = g_file_get_path (file);

          return g_strconcat (path_prefixes[i], abs ? abs : path, NULL);
        }
    }

  return g_strdup (spec);
}

static char *
resolve_path (GApplicationCommandLine *cmdline,
              const char              *path)
{
  g_autoptr(GFile) file = NULL;
  char *abs;

  if (path == NULL)
    return NULL;
  /* A server's connection string is not a file name. */
  if (vs_store_pg_is_conninfo (path))
    return g_strdup (path);

  file = g_application_command_line_create_file_for_arg (cmdline, path);
  abs = g_file_get_path (file);
  return abs ? abs : g_strdup (path);
}

static gint
visage_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  const char *source = NULL;
  double fps = 0;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "source", "&s", &source))
    {
      g_autoptr(GError) error = NULL;

      if (!visage_source_spec_validate (source, &error))
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return 1;
        }
    }

  if (g_variant_dict_lookup (options, "fps", "d", &fps) && !(fps > 0 && fps <= 240))
    {
      g_printerr ("%s: %s\n", g_get_prgname (),
                  _("--fps must be a number of pictures per second above 0"));
      return 1;
    }

  /* Go on: the options travel to the primary instance. */
  return -1;
}

static VisageWindow *
visage_application_get_any_window (VisageApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return VISAGE_IS_WINDOW (window) ? VISAGE_WINDOW (window) : NULL;
}

static int
visage_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *cmdline)
{
  VisageApplication *self = VISAGE_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  const char *source = NULL;
  const char *db = NULL;
  const char *models = NULL;
  const char *embedder = NULL;
  double fps = 0;
  g_autofree char *abs_source = NULL;
  g_autofree char *abs_db = NULL;
  g_autofree char *abs_models = NULL;
  VisageWindow *window;

  g_variant_dict_lookup (options, "source", "&s", &source);
  g_variant_dict_lookup (options, "fps", "d", &fps);
  g_variant_dict_lookup (options, "db", "^&ay", &db);
  g_variant_dict_lookup (options, "models", "^&ay", &models);
  g_variant_dict_lookup (options, "embedder", "&s", &embedder);

  if (source != NULL)
    abs_source = resolve_source (cmdline, source);
  abs_db = resolve_path (cmdline, db);
  if (abs_db == NULL)
    {
      /* Without --db, a shared gallery set in Preferences replaces the file. */
      g_autofree char *shared = g_settings_get_string (visage_application_get_settings (self),
                                                       "shared-gallery");
      g_strstrip (shared);
      if (*shared != '\0')
        abs_db = g_steal_pointer (&shared);
    }
  abs_models = resolve_path (cmdline, models);

  window = visage_application_get_any_window (self);

  /* A second launch with only a --source switches the running window. A
   * different database or model needs a window of its own. */
  if (window == NULL || db != NULL || models != NULL || embedder != NULL)
    {
      /* The same database again: the same session (no second model load,
       * store or monitor), in a window of its own. */
      g_autoptr(VisageSession) session = visage_application_dup_session (self, abs_db,
                                                                         abs_models, embedder);

      window = g_object_new (VISAGE_TYPE_WINDOW,
                             "application", self,
                             "session", session,
                             "source", abs_source,
                             "images-fps", fps,
                             NULL);
    }
  else if (abs_source != NULL)
    {
      visage_window_set_source (window, abs_source);
    }

  gtk_window_present (GTK_WINDOW (window));
  return 0;
}

static void
visage_application_activate (GApplication *app)
{
  VisageApplication *self = VISAGE_APPLICATION (app);
  VisageWindow *window = visage_application_get_any_window (self);

  if (window == NULL)
    {
      g_autoptr(VisageSession) session = visage_application_dup_session (self, NULL, NULL, NULL);

      window = g_object_new (VISAGE_TYPE_WINDOW,
                             "application", self,
                             "session", session,
                             NULL);
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
};

static void
visage_application_startup (GApplication *app)
{
  VisageApplication *self = VISAGE_APPLICATION (app);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.preferences", { "<Control>comma", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.help", { "F1", NULL } },
    { "win.fullscreen", { "F11", NULL } },
    { "win.open-video", { "<Control>o", NULL } },
    { "win.choose-camera", { "F9", NULL } },
    { "win.show-page('live')", { "<Alt>1", NULL } },
    { "win.show-page('people')", { "<Alt>2", NULL } },
  };

  G_APPLICATION_CLASS (visage_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (APP_ID);
}

/* Quitting (Ctrl+Q) does not destroy the windows: deletions still waiting
 * for their undo toast are erased now, not forgotten. */
static void
visage_application_shutdown (GApplication *app)
{
  VisageApplication *self = VISAGE_APPLICATION (app);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (VISAGE_IS_WINDOW (l->data))
      visage_window_flush_deletions (VISAGE_WINDOW (l->data));

  G_APPLICATION_CLASS (visage_application_parent_class)->shutdown (app);

  g_hash_table_remove_all (self->sessions);
  /* Closed windows stopped their recognition threads without waiting;
   * the program does not end under one still running. */
  vs_frame_worker_wait_stopping ();
}

static VisageSession *
session_of_window (GtkWindow *window)
{
  VisageSession *session = NULL;

  if (VISAGE_IS_WINDOW (window) || VISAGE_IS_ENROLL_WINDOW (window))
    g_object_get (window, "session", &session, NULL);
  if (session != NULL)
    g_object_unref (session);   /* the window keeps it alive */
  return session;
}

/* A session goes with the last window on its database: its store, monitor
 * and cameras are closed, not kept for a window that may never come. */
static void
visage_application_window_removed (GtkApplication *app,
                                   GtkWindow      *removed)
{
  VisageApplication *self = VISAGE_APPLICATION (app);
  GHashTableIter iter;
  gpointer value;

  GTK_APPLICATION_CLASS (visage_application_parent_class)->window_removed (app, removed);

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      gboolean used = FALSE;

      for (GList *l = gtk_application_get_windows (app); l != NULL && !used; l = l->next)
        used = session_of_window (l->data) == value;
      if (!used)
        g_hash_table_iter_remove (&iter);
    }
}

static void
visage_application_dispose (GObject *object)
{
  VisageApplication *self = VISAGE_APPLICATION (object);

  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (visage_application_parent_class)->dispose (object);
}

static void
visage_application_class_init (VisageApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  gtk_app_class->window_removed = visage_application_window_removed;

  object_class->dispose = visage_application_dispose;

  app_class->handle_local_options = visage_application_handle_local_options;
  app_class->command_line = visage_application_command_line;
  app_class->activate = visage_application_activate;
  app_class->startup = visage_application_startup;
  app_class->shutdown = visage_application_shutdown;
}

static void
visage_application_init (VisageApplication *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Recognize the people you know on your camera."));
}

/* An uninstalled build finds its compiled schema through
 * $GSETTINGS_SCHEMA_DIR (meson devenv, build-aux/run, the tests). */
static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    g_error ("The settings schema %s is not installed", APP_ID);

  return g_settings_new_full (schema, NULL, NULL);
}

GSettings *
visage_application_get_settings (VisageApplication *self)
{
  g_return_val_if_fail (VISAGE_IS_APPLICATION (self), NULL);

  if (self->settings == NULL)
    self->settings = new_settings ();

  return self->settings;
}

VisageSession *
visage_application_dup_session (VisageApplication *self,
                                const char        *db_path,
                                const char        *models_dir,
                                const char        *embedder)
{
  g_autofree char *key = NULL;
  VisageSession *session;

  g_return_val_if_fail (VISAGE_IS_APPLICATION (self), NULL);

  key = g_strdup_printf ("%s\n%s\n%s", db_path ? db_path : "",
                         models_dir ? models_dir : "", embedder ? embedder : "");
  session = g_hash_table_lookup (self->sessions, key);
  if (session == NULL)
    {
      session = visage_session_new (visage_application_get_settings (self),
                                    db_path, models_dir, embedder);
      g_hash_table_insert (self->sessions, g_steal_pointer (&key), session);
    }

  return g_object_ref (session);
}

float
visage_match_threshold_for_level (const VsModelInfo *info,
                                  const char        *level,
                                  double             custom,
                                  double            *far)
{
  /* In the vision library, so that visage-cli reads the setting alike. */
  return vs_models_threshold_for_level (info, level, custom, far);
}

gboolean
visage_match_params_from_settings (GSettings     *settings,
                                   const char    *embedder,
                                   VsMatchParams *params)
{
  const VsModelInfo *info;
  double threshold;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  info = embedder != NULL ? vs_models_lookup (embedder, NULL) : NULL;
  threshold = g_settings_get_double (settings, "match-threshold");
  if (info != NULL)
    {
      g_autofree char *level = g_settings_get_string (settings, "match-strictness");
      params->threshold = visage_match_threshold_for_level (info, level, threshold, NULL);
    }
  else
    params->threshold = threshold > 0 ? (float) threshold : 0.5f;
  params->margin = info ? info->margin : 0.0f;
  return info != NULL;
}

VisageApplication *
visage_application_new (GApplicationFlags extra_flags)
{
  return g_object_new (VISAGE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | extra_flags,
                       "resource-base-path", "/io/github/visage/Visage",
                       NULL);
}

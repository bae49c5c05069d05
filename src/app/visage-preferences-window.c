/* visage-preferences-window.c: every control is bound to GSettings, so the
 * live page follows the changes as they are made. */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-preferences-window.h"
#include "vs-store-pg.h"

struct _VisagePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSwitch            *show_scores_switch;
  GtkSpinButton        *threshold_spin;
  GtkAdjustment        *threshold_adjustment;
  GtkAdjustment        *images_fps_adjustment;
  AdwPreferencesPage   *general_page;
  AdwPreferencesGroup  *shared_group;
  AdwEntryRow          *shared_row;
  GCancellable         *test_cancellable;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (VisagePreferencesWindow, visage_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* 0 means "the model's default": say so instead of showing 0.00. */
static gboolean
threshold_output_cb (GtkSpinButton *spin,
                     gpointer       user_data)
{
  double value = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));

  if (value > 0.0)
    return FALSE;

  gtk_editable_set_text (GTK_EDITABLE (spin), C_("match threshold", "Default"));
  return TRUE;
}

static int
threshold_input_cb (GtkSpinButton *spin,
                    double        *new_value,
                    gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));

  if (g_str_equal (text, C_("match threshold", "Default")))
    {
      *new_value = 0.0;
      return TRUE;
    }

  return FALSE;
}

/* ---- Shared gallery: a PostgreSQL server instead of the local file ----- */

static void
open_store_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (task_data, &error);
  g_autoptr(GPtrArray) people = store != NULL ? vs_store_list_people (store, &error) : NULL;

  if (people == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, people->len);
}

static void
test_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gssize n_people = g_task_propagate_int (G_TASK (result), &error);
  VisagePreferencesWindow *self;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = VISAGE_PREFERENCES_WINDOW (source);
  if (error != NULL)
    message = g_strdup (error->message);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: %zd person in the gallery",
                                            "Connected: %zd people in the gallery", n_people),
                               n_people);
  adw_preferences_group_set_description (self->shared_group, message);
}

/* The test opens the store as a desk would (which also sets up an empty
 * database), in a thread: a server that does not answer must not freeze
 * the window. */
static void
test_connection_cb (GtkButton               *button,
                    VisagePreferencesWindow *self)
{
  const char *conninfo = gtk_editable_get_text (GTK_EDITABLE (self->shared_row));
  g_autoptr(GTask) task = NULL;

  if (!vs_store_pg_is_conninfo (conninfo))
    {
      adw_preferences_group_set_description (self->shared_group,
                                             _("Not a PostgreSQL connection string: use "
                                               "postgresql://user@host/database or host=… dbname=…"));
      return;
    }
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();
  adw_preferences_group_set_description (self->shared_group, _("Connecting…"));
  task = g_task_new (self, self->test_cancellable, test_done_cb, NULL);
  g_task_set_task_data (task, g_strdup (conninfo), g_free);
  g_task_run_in_thread (task, open_store_thread);
}

static void
add_shared_gallery_group (VisagePreferencesWindow *self)
{
  GtkWidget *test = gtk_button_new_with_label (_("Test"));

  self->shared_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->shared_group, _("Shared Gallery"));
  adw_preferences_group_set_description (self->shared_group,
                                         _("Several desks share one gallery on a PostgreSQL server. "
                                           "Empty: the database on this computer. Used from the next "
                                           "window on."));
  self->shared_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->shared_row), _("Server"));
  gtk_widget_set_valign (test, GTK_ALIGN_CENTER);
  g_signal_connect_object (test, "clicked", G_CALLBACK (test_connection_cb), self, 0);
  adw_entry_row_add_suffix (self->shared_row, test);
  adw_preferences_group_add (self->shared_group, GTK_WIDGET (self->shared_row));
  adw_preferences_page_add (self->general_page, self->shared_group);
  g_settings_bind (self->settings, "shared-gallery", self->shared_row, "text", G_SETTINGS_BIND_DEFAULT);
}

static void
visage_preferences_window_constructed (GObject *object)
{
  VisagePreferencesWindow *self = VISAGE_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (visage_preferences_window_parent_class)->constructed (object);

  g_settings_bind (self->settings, "show-scores",
                   self->show_scores_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "match-threshold",
                   self->threshold_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "images-fps",
                   self->images_fps_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  add_shared_gallery_group (self);
}

static void
visage_preferences_window_dispose (GObject *object)
{
  VisagePreferencesWindow *self = VISAGE_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (visage_preferences_window_parent_class)->dispose (object);
}

static void
visage_preferences_window_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  VisagePreferencesWindow *self = VISAGE_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_preferences_window_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  VisagePreferencesWindow *self = VISAGE_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_preferences_window_class_init (VisagePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = visage_preferences_window_constructed;
  object_class->dispose = visage_preferences_window_dispose;
  object_class->set_property = visage_preferences_window_set_property;
  object_class->get_property = visage_preferences_window_get_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, show_scores_switch);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, images_fps_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, general_page);
  gtk_widget_class_bind_template_callback (widget_class, threshold_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, threshold_input_cb);
}

static void
visage_preferences_window_init (VisagePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
visage_preferences_window_new (GtkWindow *parent,
                               GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (VISAGE_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
                       NULL);
}

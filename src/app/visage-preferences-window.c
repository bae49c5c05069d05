/* visage-preferences-window.c: every control is bound to GSettings, so the
 * live page follows the changes as they are made. */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-preferences-window.h"

struct _VisagePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSwitch            *show_scores_switch;
  GtkSpinButton        *threshold_spin;
  GtkAdjustment        *threshold_adjustment;
  GtkAdjustment        *images_fps_adjustment;

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
}

static void
visage_preferences_window_dispose (GObject *object)
{
  VisagePreferencesWindow *self = VISAGE_PREFERENCES_WINDOW (object);

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

/* visage-preferences-window.c: every control is bound to GSettings, so the
 * live page follows the changes as they are made. */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-application.h"
#include "visage-preferences-window.h"

/* The strictness levels, in the order of the combo row. */
static const char * const levels[] = { "strict", "balanced", "lenient", "custom" };
#define DEFAULT_LEVEL 1

struct _VisagePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSwitch            *show_scores_switch;
  AdwComboRow          *strictness_row;
  GtkButton            *reset_button;
  AdwActionRow         *threshold_row;
  GtkSpinButton        *threshold_spin;
  GtkAdjustment        *threshold_adjustment;
  GtkAdjustment        *images_fps_adjustment;

  GSettings            *settings;
  char                 *embedder;
};

G_DEFINE_FINAL_TYPE (VisagePreferencesWindow, visage_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_EMBEDDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const VsModelInfo *
embedder_info (VisagePreferencesWindow *self)
{
  return vs_models_lookup (self->embedder != NULL ? self->embedder : vs_models_get_default_embedder (), NULL);
}

static gboolean
level_to_index (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  const char *level = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_str_equal (level, levels[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_level (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  return index < G_N_ELEMENTS (levels) ? g_variant_new_string (levels[index]) : NULL;
}

/* The custom threshold: 0 in the settings means the model's default, shown
 * as that value so the spin button starts from something sensible. */
static gboolean
threshold_to_adjustment (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  VisagePreferencesWindow *self = user_data;
  double threshold = g_variant_get_double (variant);
  const VsModelInfo *info = embedder_info (self);

  g_value_set_double (value, threshold > 0 ? threshold : (info != NULL ? info->threshold : 0.5));
  return TRUE;
}

static GVariant *
adjustment_to_threshold (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  return g_variant_new_double (g_value_get_double (value));
}

/* A false-accept rate in words, for the levels the manifest measures. */
static char *
describe_far (double far)
{
  if (far >= 0.5e-4)
    return g_strdup (_("about once in 10,000 comparisons"));
  if (far >= 0.5e-5)
    return g_strdup (_("about once in 100,000 comparisons"));
  if (far >= 0.5e-6)
    return g_strdup (_("about once in a million comparisons"));
  return g_strdup_printf (_("about once in %.0f comparisons"), 1.0 / far);
}

/* The subtitle says what the level in use means, in words and numbers. */
static void
update_strictness (VisagePreferencesWindow *self)
{
  const VsModelInfo *info = embedder_info (self);
  g_autofree char *level = g_settings_get_string (self->settings, "match-strictness");
  g_autofree char *subtitle = NULL;
  double far = 0;
  float threshold;

  gtk_widget_set_visible (GTK_WIDGET (self->reset_button), !g_str_equal (level, levels[DEFAULT_LEVEL]));
  gtk_widget_set_sensitive (GTK_WIDGET (self->threshold_row), g_str_equal (level, "custom"));
  if (info == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->strictness_row),
                                   _("How alike a face must be to an enrolled person to be named"));
      return;
    }

  threshold = visage_match_threshold_for_level (info, level, g_settings_get_double (self->settings, "match-threshold"), &far);
  if (far > 0)
    {
      g_autofree char *rate = describe_far (far);

      /* Translators: %.0f: a similarity in percent; %s: e.g. "about once in
       * 100,000 comparisons" */
      subtitle = g_strdup_printf (_("Named from %.0f %% similarity; a stranger gets a name %s"),
                                  100.0 * threshold, rate);
    }
  else
    /* Translators: %.0f: a similarity in percent */
    subtitle = g_strdup_printf (_("Named from %.0f %% similarity; how often a stranger gets a name "
                                  "was not measured for this value"),
                                100.0 * threshold);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->strictness_row), subtitle);
  /* Translators: %s: the recognition model the thresholds belong to */
  {
    g_autofree char *tooltip = g_strdup_printf (_("Thresholds of the recognition model %s"), info->id);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->strictness_row), tooltip);
  }
}

static void
reset_clicked_cb (VisagePreferencesWindow *self)
{
  g_settings_reset (self->settings, "match-strictness");
  g_settings_reset (self->settings, "match-threshold");
}

static void
visage_preferences_window_constructed (GObject *object)
{
  VisagePreferencesWindow *self = VISAGE_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (visage_preferences_window_parent_class)->constructed (object);

  g_settings_bind (self->settings, "show-scores",
                   self->show_scores_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "match-strictness",
                                self->strictness_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                level_to_index, index_to_level, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "match-threshold",
                                self->threshold_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT,
                                threshold_to_adjustment, adjustment_to_threshold, self, NULL);
  g_signal_connect_object (self->settings, "changed::match-strictness",
                           G_CALLBACK (update_strictness), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::match-threshold",
                           G_CALLBACK (update_strictness), self, G_CONNECT_SWAPPED);
  update_strictness (self);
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
  g_clear_pointer (&self->embedder, g_free);

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

    case PROP_EMBEDDER:
      self->embedder = g_value_dup_string (value);
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

    case PROP_EMBEDDER:
      g_value_set_string (value, self->embedder);
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
  /* The embedder in use, whose thresholds the levels stand for (NULL: the
   * default one). */
  properties[PROP_EMBEDDER] =
    g_param_spec_string ("embedder", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, show_scores_switch);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, strictness_row);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, reset_button);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, threshold_row);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VisagePreferencesWindow, images_fps_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
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

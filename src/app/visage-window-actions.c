/* visage-window-actions.c: the window's actions (win.*), installed on the
 * class so they exist before the window is shown. */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-application.h"
#include "visage-enroll-window.h"
#include "visage-preferences-window.h"
#include "visage-window-private.h"

static void
visage_window_preferences_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);
  GtkWidget *prefs = visage_preferences_window_new (GTK_WINDOW (self), self->settings);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
visage_window_about_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  static const char *developers[] = { "The Visage developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", widget,
                        "application-icon", APP_ID,
                        "application-name", _("Visage"),
                        "developer-name", _("The Visage developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Recognize the people you know on your camera. "
                                      "Faces and names never leave this computer."),
                        "website", "https://github.com/visage/visage",
                        "issue-url", "https://github.com/visage/visage/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2024 The Visage developers",
                        "developers", developers,
                        /* Translators: put your name here, one a line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
visage_window_fullscreen_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
file_chooser_response_cb (VisageWindow    *self,
                          int              response,
                          GtkNativeDialog *dialog)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          g_autofree char *spec = g_strconcat ("file:", path, NULL);

          visage_window_switch_source (self, spec, TRUE);
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->file_chooser);
}

static void
visage_window_open_video_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);
  g_autoptr(GtkFileFilter) video_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->file_chooser != NULL)
    {
      gtk_native_dialog_show (self->file_chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Open Video File"),
                                         GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  gtk_file_filter_set_name (video_filter, _("Videos"));
  gtk_file_filter_add_mime_type (video_filter, "video/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), video_filter);
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all_filter);

  g_signal_connect_object (chooser, "response",
                           G_CALLBACK (file_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);

  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->file_chooser);
}

static void
visage_window_choose_camera_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);

  gtk_menu_button_popup (self->camera_button);
}

static void
visage_window_show_page_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (param, NULL));
}

/* win.show-person(x): the person's page. */
static void
visage_window_show_person_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "people");
  visage_people_page_show_person (self->people_page, g_variant_get_int64 (param));
}

/* Saving confirms: "NAME added", with a button to open the person. */
static void
enroll_saved_cb (VisageWindow       *self,
                 gint64              person_id,
                 const char         *name,
                 guint               n_samples,
                 VisageEnrollWindow *enroll)
{
  g_autofree char *title = g_strdup_printf (_("%s added"), name);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, _("_Open"));
  adw_toast_set_action_name (toast, "win.show-person");
  adw_toast_set_action_target_value (toast, g_variant_new_int64 (person_id));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* win.add-person, win.add-person-photos, win.add-samples(x): the enrollment
 * window, modal for this one, saving into this window's store. */
static void
visage_window_enroll_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);
  VisageEnrollWindow *enroll;

  if (self->store == NULL)
    return;

  if (param != NULL)
    enroll = visage_enroll_window_new_for_person (GTK_WINDOW (self), self->store,
                                                  g_variant_get_int64 (param));
  else
    enroll = visage_enroll_window_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (enroll, "saved", G_CALLBACK (enroll_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (enroll));

  if (g_str_equal (action_name, "win.add-person-photos"))
    visage_enroll_window_choose_photos (enroll);
}

void
visage_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-person", NULL,
                                   visage_window_enroll_action);
  gtk_widget_class_install_action (widget_class, "win.add-person-photos", NULL,
                                   visage_window_enroll_action);
  gtk_widget_class_install_action (widget_class, "win.add-samples", "x",
                                   visage_window_enroll_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-person", NULL);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL,
                                   visage_window_preferences_action);
  gtk_widget_class_install_action (widget_class, "win.about", NULL,
                                   visage_window_about_action);
  gtk_widget_class_install_action (widget_class, "win.fullscreen", NULL,
                                   visage_window_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "win.open-video", NULL,
                                   visage_window_open_video_action);
  gtk_widget_class_install_action (widget_class, "win.choose-camera", NULL,
                                   visage_window_choose_camera_action);
  gtk_widget_class_install_action (widget_class, "win.show-person", "x",
                                   visage_window_show_person_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s",
                                   visage_window_show_page_action);
  gtk_widget_class_install_property_action (widget_class, "win.camera", "camera");
}

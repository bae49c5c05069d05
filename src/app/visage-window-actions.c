/* visage-window-actions.c: the window's actions (win.*), installed on the
 * class so they exist before the window is shown. */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-application.h"
#include "visage-enroll-window.h"
#include "visage-preferences-window.h"
#include "visage-window-private.h"
#include "vs-models.h"

static void
visage_window_preferences_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);
  GtkWidget *prefs = visage_preferences_window_new (GTK_WINDOW (self), self->settings);

  gtk_window_present (GTK_WINDOW (prefs));
}

/* "github.com/owner/project" for a download address: where it comes from,
 * without the long tail. */
static char *
short_source (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_auto(GStrv) parts = NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);
  parts = g_strsplit (g_uri_get_path (uri) + (g_uri_get_path (uri)[0] == '/'), "/", 3);
  if (parts[0] == NULL || parts[1] == NULL)
    return g_strdup (g_uri_get_host (uri));
  return g_strdup_printf ("%s/%s/%s", g_uri_get_host (uri), parts[0], parts[1]);
}

/* One Legal section per model of the manifest, with its licence in the
 * manifest's words (some restrict use, e.g. to non-commercial research:
 * that must be read as written) and where it comes from. */
static void
add_model_legal_sections (AdwAboutWindow *about)
{
  g_autoptr(GPtrArray) models = vs_models_list ();

  for (guint i = 0; i < models->len; i++)
    {
      const VsModelInfo *info = g_ptr_array_index (models, i);
      g_autofree char *title = NULL;
      g_autofree char *from = short_source (info->url);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *licence = NULL;
      g_autofree char *source = NULL;

      /* Translators: a Legal section of About: "Face detector yunet_2022mar" */
      title = g_strdup_printf (info->role == VS_MODEL_ROLE_DETECTOR ? _("Face detector %s")
                                                                    : _("Face recognition model %s"),
                               info->id);
      /* Translators: the licence of a model, as its manifest states it */
      licence = g_markup_printf_escaped (_("Licence: %s"), info->license ? info->license : _("not stated"));
      /* Translators: where a model was downloaded from (a link) */
      source = g_markup_printf_escaped (_("From <a href=\"%s\">%s</a>"), info->url, from);
      g_string_append_printf (text, "%s\n%s", licence, source);
      if (info->optional)
        g_string_append_printf (text, "\n%s", _("Optional: used only when it was fetched and chosen."));
      adw_about_window_add_legal_section (about, title, NULL, GTK_LICENSE_CUSTOM, text->str);
    }
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
  add_model_legal_sections (ADW_ABOUT_WINDOW (about));
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
          const char *prefix = g_object_get_data (G_OBJECT (dialog), "source-prefix");
          g_autofree char *spec = g_strconcat (prefix, path, NULL);

          visage_window_switch_source (self, spec, TRUE);
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->file_chooser);
}

/* One chooser at a time; its answer becomes the source "prefix" + path. */
static GtkFileChooser *
new_source_chooser (VisageWindow         *self,
                    const char           *title,
                    GtkFileChooserAction  action,
                    const char           *prefix)
{
  GtkFileChooserNative *chooser;

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "source-prefix", (gpointer) prefix);
  g_signal_connect_object (chooser, "response",
                           G_CALLBACK (file_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  return GTK_FILE_CHOOSER (chooser);
}

static void
visage_window_open_video_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);
  g_autoptr(GtkFileFilter) video_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();
  GtkFileChooser *chooser = new_source_chooser (self, _("Open Video File"),
                                                GTK_FILE_CHOOSER_ACTION_OPEN, "file:");

  gtk_file_filter_set_name (video_filter, _("Videos"));
  gtk_file_filter_add_mime_type (video_filter, "video/*");
  gtk_file_chooser_add_filter (chooser, video_filter);
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (chooser, all_filter);
  gtk_native_dialog_show (self->file_chooser);
}

/* images:DIR plays the JPEG and PNG pictures of a folder, one after the
 * other (Preferences sets how many a second). */
static void
visage_window_open_images_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);

  new_source_chooser (self, _("Open Folder of Pictures"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "images:");
  gtk_native_dialog_show (self->file_chooser);
}

/* The user help when it is installed (issue 13 writes it); until then a
 * short help inside the app, with the way to the keyboard shortcuts. */
static void
help_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  VisageWindow     *self)
{
  if (g_str_equal (response, "shortcuts"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-help-overlay", NULL);
}

/* Where yelp looks for "help:visage". */
static gboolean
help_installed (void)
{
  const char * const *dirs = g_get_system_data_dirs ();

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *index = g_build_filename (dirs[i], "help", "C", PACKAGE_NAME, "index.page", NULL);

      if (g_file_test (index, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

static void
visage_window_help_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);
  const char *paragraphs[5] = { NULL };
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (help_installed ())
    {
      gtk_show_uri (GTK_WINDOW (self), "help:" PACKAGE_NAME, GDK_CURRENT_TIME);
      return;
    }

  /* One translatable string per paragraph: no control codes for the
   * translators. */
  paragraphs[0] = _("<b>Live</b> shows the camera with a box on every face: the person’s name once "
                    "Visage is sure, “Unknown” for anyone not enrolled. The camera button (F9) "
                    "chooses the camera, a video file or a folder of pictures.");
  paragraphs[1] = _("<b>Add a person</b> with the + button (Ctrl+N): they look at the camera for a "
                    "few seconds, or you pick a few photos of them.");
  paragraphs[2] = _("<b>People</b> (Alt+2) lists everyone enrolled. Search with Ctrl+F; open a person "
                    "to rename them (F2), add or remove face samples, export their data, or delete "
                    "them (Delete, with Undo).");
  paragraphs[3] = _("Faces and names stay on this computer.");
  body = g_strjoinv ("\n\n", (char **) paragraphs);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Using Visage"), NULL);
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), TRUE);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "shortcuts", _("_Keyboard Shortcuts"),
                                    "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (help_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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

/* ---- The enrollment window, made ahead ----------------------------------
 *
 * Building the enrollment window from its template takes a frame or more
 * of the main thread; "Add Person" shows one built a moment after the main
 * window appeared (or after the last one closed) instead. It is inert until
 * shown (capture starts on map), and for the source and rate it was built
 * for: after a change of source it is dropped, not shown. */

#define SPARE_ENROLL_DELAY_MS 1000

static void
spare_enroll_destroyed_cb (VisageWindow *self)
{
  /* Destroyed by someone else (every window closed at once). */
  g_clear_object (&self->spare_enroll);
}

static gboolean
make_spare_enroll_cb (gpointer data)
{
  VisageWindow *self = data;

  self->spare_enroll_timeout = 0;
  if (self->spare_enroll != NULL || self->store == NULL)
    return G_SOURCE_REMOVE;

  self->spare_enroll = g_object_ref (visage_enroll_window_new_ahead (GTK_WINDOW (self), self->session,
                                                                     self->camera, self->images_fps));
  g_signal_connect_object (self->spare_enroll, "destroy",
                           G_CALLBACK (spare_enroll_destroyed_cb), self, G_CONNECT_SWAPPED);
  g_debug ("Enrollment window made ahead for %s", self->camera ? self->camera : "no camera");
  return G_SOURCE_REMOVE;
}

void
visage_window_prepare_enroll (VisageWindow *self)
{
  g_return_if_fail (VISAGE_IS_WINDOW (self));

  if (self->spare_enroll != NULL || self->spare_enroll_timeout != 0 ||
      self->store == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  /* A timeout, not an idle: a low-priority idle starves behind a window
   * that draws every frame (the live view). */
  self->spare_enroll_timeout = g_timeout_add (SPARE_ENROLL_DELAY_MS, make_spare_enroll_cb, self);
  g_source_set_name_by_id (self->spare_enroll_timeout, "[visage] enrollment window made ahead");
}

void
visage_window_drop_spare_enroll (VisageWindow *self)
{
  g_autoptr(VisageEnrollWindow) spare = g_steal_pointer (&self->spare_enroll);

  g_clear_handle_id (&self->spare_enroll_timeout, g_source_remove);
  if (spare != NULL)
    {
      g_signal_handlers_disconnect_by_func (spare, spare_enroll_destroyed_cb, self);
      gtk_window_destroy (GTK_WINDOW (spare));
    }
}

/* The window made ahead when it is for the source shown now, else NULL
 * (and it is dropped). Belongs to the caller's application from now on. */
static VisageEnrollWindow *
take_spare_enroll (VisageWindow *self)
{
  VisageEnrollWindow *enroll;
  g_autofree char *source = NULL;
  double images_fps = 0;

  if (self->spare_enroll != NULL)
    g_object_get (self->spare_enroll, "source", &source, "images-fps", &images_fps, NULL);
  if (self->spare_enroll == NULL ||
      g_strcmp0 (source, self->camera) != 0 || images_fps != self->images_fps)
    {
      visage_window_drop_spare_enroll (self);
      return NULL;
    }

  g_signal_handlers_disconnect_by_func (self->spare_enroll, spare_enroll_destroyed_cb, self);
  enroll = g_steal_pointer (&self->spare_enroll);
  gtk_window_set_application (GTK_WINDOW (enroll), gtk_window_get_application (GTK_WINDOW (self)));
  /* GTK's list of toplevels keeps the window alive from here on. */
  g_object_unref (enroll);
  return enroll;
}

/* win.add-person, win.add-person-photos, win.add-samples(x): the enrollment
 * window, modal for this one, saving into this window's store. */
static void
visage_window_enroll_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  VisageWindow *self = VISAGE_WINDOW (widget);
  VisageEnrollWindow *enroll = NULL;

  if (self->store == NULL)
    return;

  /* The same session: the same store and models, and the camera the live
   * view shows (one pipeline per source). */
  if (param != NULL)
    enroll = visage_enroll_window_new_for_person (GTK_WINDOW (self), self->session,
                                                  self->camera, self->images_fps,
                                                  g_variant_get_int64 (param));
  else
    enroll = take_spare_enroll (self);
  if (enroll == NULL)
    enroll = visage_enroll_window_new (GTK_WINDOW (self), self->session,
                                       self->camera, self->images_fps);
  g_signal_connect_object (enroll, "saved", G_CALLBACK (enroll_saved_cb), self, G_CONNECT_SWAPPED);
  /* The next one is built once this one is gone, not while it captures. */
  g_signal_connect_object (enroll, "destroy", G_CALLBACK (visage_window_prepare_enroll), self,
                           G_CONNECT_SWAPPED);
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
  gtk_widget_class_install_action (widget_class, "win.open-images", NULL,
                                   visage_window_open_images_action);
  gtk_widget_class_install_action (widget_class, "win.help", NULL,
                                   visage_window_help_action);
  gtk_widget_class_install_action (widget_class, "win.choose-camera", NULL,
                                   visage_window_choose_camera_action);
  gtk_widget_class_install_action (widget_class, "win.show-person", "x",
                                   visage_window_show_person_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s",
                                   visage_window_show_page_action);
  gtk_widget_class_install_property_action (widget_class, "win.camera", "camera");
}

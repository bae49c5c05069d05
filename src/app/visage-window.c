/* visage-window.c
 *
 * The window picks the source (command line, remembered camera, first camera
 * found), follows the cameras coming and going and hands the session's
 * gallery snapshots to the live page. The store, its monitor, the device
 * list, the models and the cameras are the session's (VisageSession): shared
 * with the other windows on the same database.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-application.h"
#include "visage-live-page.h"
#include "visage-people-page.h"
#include "visage-window-private.h"
#include "vs-gallery-monitor.h"

G_DEFINE_FINAL_TYPE (VisageWindow, visage_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SOURCE,
  PROP_IMAGES_FPS,
  PROP_CAMERA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_device_spec (const char *spec)
{
  return spec != NULL && g_str_has_prefix (spec, "device:");
}

/* The camera item for a "device:ID" spec, when it is plugged in. */
static VsCameraItem *
find_camera (VisageWindow *self,
             const char   *spec)
{
  if (!is_device_spec (spec))
    return NULL;

  return vs_devices_find (self->devices, spec + strlen ("device:"));
}

static char *
display_name_for (VisageWindow *self,
                  const char   *spec)
{
  VsCameraItem *item = find_camera (self, spec);

  if (item != NULL)
    return g_strdup (vs_camera_item_get_display_name (item));

  return NULL;
}

static void rebuild_camera_menu (VisageWindow *self);

/* A camera is "disconnected" when it was there before: plugged in during
 * this session, or the one remembered from the last. Any other id names a
 * camera this computer does not have. */
static gboolean
camera_was_seen (VisageWindow *self,
                 const char   *spec)
{
  g_autofree char *remembered = g_settings_get_string (self->settings, "camera");

  return g_hash_table_contains (self->seen_cameras, spec) || g_strcmp0 (spec, remembered) == 0;
}

void
visage_window_switch_source (VisageWindow *self,
                             const char   *spec,
                             gboolean      remember)
{
  g_autofree char *display_name = NULL;

  g_assert (VISAGE_IS_WINDOW (self));

  display_name = display_name_for (self, spec);

  /* Only a camera that is there is remembered for the next start. */
  if (remember && spec != NULL && (!is_device_spec (spec) || display_name != NULL))
    g_settings_set_string (self->settings, "camera", spec);

  if (g_strcmp0 (self->camera, spec) != 0)
    {
      g_free (self->camera);
      self->camera = g_strdup (spec);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
      rebuild_camera_menu (self);
    }

  g_debug ("Source: %s", spec ? spec : "(none)");

  /* A camera that was there and is not plugged in any more is
   * "disconnected", not an error: the camera says so and starts by itself
   * when it is plugged back in (it watches the same device list). One this
   * computer never had is not found, with the way forward. */
  if (is_device_spec (spec) && display_name == NULL && !camera_was_seen (self, spec))
    visage_live_page_show_camera_not_found (self->live_page, spec,
                                            g_list_model_get_n_items (G_LIST_MODEL (self->devices)) > 0);
  else
    visage_live_page_set_source (self->live_page, spec, display_name);
}

/* The remembered camera when it is there, else the first camera found. */
static char *
pick_source (VisageWindow *self)
{
  g_autofree char *remembered = g_settings_get_string (self->settings, "camera");
  g_autoptr(VsCameraItem) first = NULL;

  if (is_device_spec (remembered) && find_camera (self, remembered) != NULL)
    return g_steal_pointer (&remembered);

  if (g_str_has_prefix (remembered, "file:") &&
      g_file_test (remembered + strlen ("file:"), G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&remembered);

  first = g_list_model_get_item (G_LIST_MODEL (self->devices), 0);
  if (first != NULL)
    return vs_camera_item_dup_source (first);

  return NULL;
}

/* The menu item's words for a source that is not a camera plugged in. */
static char *
describe_other_source (const char *spec)
{
  const char *colon = strchr (spec, ':');
  g_autofree char *name = colon != NULL ? g_path_get_basename (colon + 1) : NULL;

  if (is_device_spec (spec))
    /* Translators: the camera asked for, not plugged in, in the camera menu */
    return g_strdup_printf (_("Camera “%s” (not connected)"), colon + 1);
  if (g_str_has_prefix (spec, "file:"))
    /* Translators: the video file in use, in the camera menu */
    return g_strdup_printf (_("Video File “%s”"), name);
  if (g_str_has_prefix (spec, "images:"))
    /* Translators: the folder of pictures in use, in the camera menu */
    return g_strdup_printf (_("Pictures in “%s”"), name);
  if (g_str_equal (spec, "test"))
    return g_strdup (_("Test Pattern"));
  return g_strdup (spec);
}

/* GTK indents a section heading to line up with radio items. With no
 * camera there is none to line up with, and "No Cameras Found" says it
 * all: no heading then. */
static void
show_cameras_heading (VisageWindow *self,
                      gboolean      shown)
{
  g_autofree char *label = NULL;
  g_autoptr(GMenuItem) section = NULL;

  if (g_menu_model_get_item_attribute (G_MENU_MODEL (self->camera_menu), 0,
                                       G_MENU_ATTRIBUTE_LABEL, "s", &label) == shown)
    return;
  section = g_menu_item_new_section (shown ? _("Cameras") : NULL, G_MENU_MODEL (self->cameras_section));
  g_menu_remove (self->camera_menu, 0);
  g_menu_insert_item (self->camera_menu, 0, section);
}

/* Radio items on win.camera: the source in use is checked, a camera or
 * (in a section of its own) a video file, a folder, the test pattern or a
 * camera asked for that is not plugged in. */
static void
rebuild_camera_menu (VisageWindow *self)
{
  GListModel *devices = G_LIST_MODEL (self->devices);
  guint n;

  /* Built once the cameras are known (constructed()), then kept up. */
  if (devices == NULL)
    return;
  n = g_list_model_get_n_items (devices);
  g_menu_remove_all (self->cameras_section);
  g_menu_remove_all (self->other_source_section);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsCameraItem) item = g_list_model_get_item (devices, i);
      g_autofree char *source = vs_camera_item_dup_source (item);
      g_autoptr(GMenuItem) menu_item = NULL;

      menu_item = g_menu_item_new (vs_camera_item_get_display_name (item), NULL);
      g_menu_item_set_action_and_target (menu_item, "win.camera", "s", source);
      g_menu_append_item (self->cameras_section, menu_item);
    }

  if (n == 0)
    {
      /* No such action: the item shows greyed out. */
      g_menu_append (self->cameras_section, _("No Cameras Found"), "win.no-cameras");
    }

  show_cameras_heading (self, n > 0);

  if (self->camera != NULL && (!is_device_spec (self->camera) || find_camera (self, self->camera) == NULL))
    {
      g_autofree char *label = describe_other_source (self->camera);
      g_autoptr(GMenuItem) menu_item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (menu_item, "win.camera", "s", self->camera);
      g_menu_append_item (self->other_source_section, menu_item);
    }
}

static void
remember_cameras_seen (VisageWindow *self)
{
  GListModel *devices = G_LIST_MODEL (self->devices);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VsCameraItem) item = g_list_model_get_item (devices, i);

      g_hash_table_add (self->seen_cameras, vs_camera_item_dup_source (item));
    }
}

static void
devices_changed_cb (VisageWindow *self,
                    guint         position,
                    guint         removed,
                    guint         added,
                    GListModel   *devices)
{
  VisageLiveState state = visage_live_page_get_state (self->live_page);

  remember_cameras_seen (self);
  rebuild_camera_menu (self);

  /* Hot-plug of the camera in use is the camera's own business (VsCamera
   * watches this same list: unplugged, it reports DISCONNECTED; back, it
   * plays again). Only a camera not found, which has no VsCamera, is the
   * window's: it starts once plugged in, and its buttons follow the other
   * cameras coming and going. */
  if (is_device_spec (self->camera) && state == VISAGE_LIVE_STATE_CAMERA_NOT_FOUND)
    visage_window_switch_source (self, self->camera, FALSE);
  else if (self->camera == NULL && added > 0)
    {
      /* "No Camera Found" and one was plugged in: show it. */
      g_autofree char *spec = pick_source (self);

      if (spec != NULL)
        visage_window_switch_source (self, spec, FALSE);
    }
}

static void
live_page_retry_cb (VisageWindow   *self,
                    VisageLivePage *page)
{
  g_autofree char *spec = NULL;

  if (self->camera != NULL)
    spec = g_strdup (self->camera);
  else
    spec = pick_source (self);

  visage_window_switch_source (self, spec, FALSE);
}

/* The live view matches against the database's gallery minus the people
 * waiting in the undo toast to be deleted: deleted means no longer named. */
static void
update_live_gallery (VisageWindow *self)
{
  VsPeopleModel *people;
  VsGallery *gallery;
  g_autoptr(GArray) staged = NULL;

  /* Also called while the window is being disposed. */
  if (self->gallery_monitor == NULL || self->people_page == NULL || self->live_page == NULL)
    return;
  people = visage_people_page_get_model (self->people_page);
  gallery = vs_gallery_monitor_get_gallery (self->gallery_monitor);
  if (gallery != NULL && people != NULL)
    staged = vs_people_model_dup_all_staged_ids (people);
  /* The copy without them is made on a worker. */
  visage_live_page_set_gallery_without (self->live_page, gallery, staged);
}

static void
gallery_changed_cb (VisageWindow     *self,
                    VsGallery        *gallery,
                    VsGalleryMonitor *monitor)
{
  update_live_gallery (self);
  visage_people_page_reload (self->people_page);
}

/* A shared gallery's server went away or came back: said under the title.
 * Recognition goes on with the last gallery; changes are refused (each
 * with its own message) until the server is back. */
static void
gallery_online_cb (VisageWindow     *self,
                   GParamSpec       *pspec,
                   VsGalleryMonitor *monitor)
{
  gboolean online = vs_gallery_monitor_get_online (monitor);
  const char *message = _("Offline: the shared gallery’s server cannot be reached; "
                          "recognising with the last gallery, changes are not possible");
  GtkWidget *indicator = g_object_get_data (G_OBJECT (self), "visage-offline-indicator");

  /* The header bar shows it whatever the width; the subtitle where the
   * view switcher leaves room for the title. */
  if (indicator == NULL)
    {
      indicator = gtk_label_new (_("Offline"));
      gtk_widget_add_css_class (indicator, "error");
      gtk_widget_set_tooltip_text (indicator, message);
      adw_header_bar_pack_end (self->header_bar, indicator);
      g_object_set_data (G_OBJECT (self), "visage-offline-indicator", indicator);
    }
  gtk_widget_set_visible (indicator, !online);
  adw_view_switcher_title_set_subtitle (self->switcher_title, online ? NULL : message);
}

/* Written at most once a minute per person by the monitor. */
static void
live_page_recognized_cb (VisageWindow   *self,
                         gint64          person_id,
                         const char     *name,
                         VisageLivePage *page)
{
  /* On a worker: a busy database must not freeze the window. */
  if (self->gallery_monitor != NULL)
    vs_gallery_monitor_queue_seen (self->gallery_monitor, person_id);
}

/* The session's store and monitor: the People page lists the one, the live
 * page matches against the other. */
static void
follow_store (VisageWindow *self)
{
  self->store = visage_session_get_store (self->session);
  if (self->store == NULL)
    {
      visage_people_page_set_store (self->people_page, NULL,
                                    visage_session_get_store_error (self->session));
      return;
    }
  g_object_ref (self->store);

  {
    VsPeopleModel *people = visage_session_get_people_model (self->session);
    g_autoptr(GError) error = NULL;

    /* Shared with the other windows on the database and kept since: what
     * another program wrote meanwhile is read now, before the window shows. */
    if (!vs_people_model_refresh (people, FALSE, &error))
      g_debug ("Cannot read the people: %s", error->message);
    visage_people_page_set_model (self->people_page, people);
  }

  g_set_object (&self->gallery_monitor, visage_session_get_gallery_monitor (self->session));
  if (self->gallery_monitor == NULL)
    return;

  g_signal_connect_object (self->gallery_monitor, "gallery-changed",
                           G_CALLBACK (gallery_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->gallery_monitor, "notify::online",
                           G_CALLBACK (gallery_online_cb), self,
                           G_CONNECT_SWAPPED);
  if (visage_people_page_get_model (self->people_page) != NULL)
    g_signal_connect_object (visage_people_page_get_model (self->people_page), "staged-changed",
                             G_CALLBACK (update_live_gallery), self, G_CONNECT_SWAPPED);
  update_live_gallery (self);
  /* Another window may have seen the server go away already. */
  if (!vs_gallery_monitor_get_online (self->gallery_monitor))
    gallery_online_cb (self, NULL, self->gallery_monitor);
}

static void
visage_window_constructed (GObject *object)
{
  VisageWindow *self = VISAGE_WINDOW (object);
  g_autofree char *spec = NULL;

  G_OBJECT_CLASS (visage_window_parent_class)->constructed (object);

  /* "application" is set only after constructed(): without a session, the
   * default application's for the user's database. */
  if (self->session == NULL)
    {
      GApplication *app = g_application_get_default ();

      g_return_if_fail (VISAGE_IS_APPLICATION (app));
      self->session = visage_application_dup_session (VISAGE_APPLICATION (app), NULL, NULL, NULL);
    }
  self->settings = g_object_ref (visage_session_get_settings (self->session));

  /* Read once: the size is saved at closing, and only when it is not
   * maximised or full screen (a binding both ways would save those). */
  g_settings_bind (self->settings, "window-width", self, "default-width",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (self->settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);

  visage_live_page_set_session (self->live_page, self->session);
  visage_live_page_configure (self->live_page, self->settings,
                              visage_session_get_models_dir (self->session),
                              visage_session_get_embedder (self->session),
                              self->images_fps);
  g_signal_connect_object (self->live_page, "retry",
                           G_CALLBACK (live_page_retry_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->live_page, "recognized",
                           G_CALLBACK (live_page_recognized_cb), self,
                           G_CONNECT_SWAPPED);

  follow_store (self);

  self->devices = g_object_ref (visage_session_get_devices (self->session));
  g_signal_connect_object (self->devices, "items-changed",
                           G_CALLBACK (devices_changed_cb), self,
                           G_CONNECT_SWAPPED);
  remember_cameras_seen (self);
  rebuild_camera_menu (self);

  if (self->source_option != NULL)
    spec = g_strdup (self->source_option);
  else
    spec = pick_source (self);

  visage_window_switch_source (self, spec, FALSE);
  visage_window_prepare_enroll (self);
}

static gboolean
visage_window_close_request (GtkWindow *window)
{
  VisageWindow *self = VISAGE_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && !gtk_window_is_fullscreen (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);

  /* Stop the camera now: closing must not wait for the window's last ref. */
  visage_live_page_set_source (self->live_page, NULL, NULL);

  return GTK_WINDOW_CLASS (visage_window_parent_class)->close_request (window);
}

static void
visage_window_dispose (GObject *object)
{
  VisageWindow *self = VISAGE_WINDOW (object);

  visage_window_drop_spare_enroll (self);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_WINDOW);

  g_clear_object (&self->gallery_monitor);
  g_clear_object (&self->devices);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (visage_window_parent_class)->dispose (object);
}

static void
visage_window_finalize (GObject *object)
{
  VisageWindow *self = VISAGE_WINDOW (object);

  g_clear_pointer (&self->source_option, g_free);
  g_clear_pointer (&self->camera, g_free);
  g_clear_pointer (&self->seen_cameras, g_hash_table_unref);

  G_OBJECT_CLASS (visage_window_parent_class)->finalize (object);
}

static void
visage_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VisageWindow *self = VISAGE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source_option);
      break;

    case PROP_IMAGES_FPS:
      g_value_set_double (value, self->images_fps);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_CAMERA:
      /* The property action wants a string, even with no camera. */
      g_value_set_string (value, self->camera ? self->camera : "");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VisageWindow *self = VISAGE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      self->source_option = g_value_dup_string (value);
      break;

    case PROP_IMAGES_FPS:
      self->images_fps = g_value_get_double (value);
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_CAMERA:
      {
        const char *spec = g_value_get_string (value);

        /* Chosen in the camera menu: remembered for the next start. */
        visage_window_switch_source (self, spec && *spec ? spec : NULL, TRUE);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_window_class_init (VisageWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = visage_window_constructed;
  object_class->dispose = visage_window_dispose;
  object_class->finalize = visage_window_finalize;
  object_class->get_property = visage_window_get_property;
  object_class->set_property = visage_window_set_property;

  window_class->close_request = visage_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         VISAGE_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGES_FPS] =
    g_param_spec_double ("images-fps", NULL, NULL,
                         0.0, 240.0, 0.0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMERA] =
    g_param_spec_string ("camera", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VISAGE_TYPE_LIVE_PAGE);
  g_type_ensure (VISAGE_TYPE_PEOPLE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, camera_button);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, live_page);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, people_page);
  gtk_widget_class_bind_template_child (widget_class, VisageWindow, camera_menu);

  visage_window_class_install_actions (widget_class);
}

static void
visage_window_init (VisageWindow *self)
{
  GMenuModel *section;

  self->seen_cameras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The first section of the camera menu lists the cameras, the second
   * the source in use when it is not one. */
  section = g_menu_model_get_item_link (G_MENU_MODEL (self->camera_menu), 0, G_MENU_LINK_SECTION);
  self->cameras_section = G_MENU (section);
  g_object_unref (section);   /* the menu keeps it alive */
  section = g_menu_model_get_item_link (G_MENU_MODEL (self->camera_menu), 1, G_MENU_LINK_SECTION);
  self->other_source_section = G_MENU (section);
  g_object_unref (section);
}

void
visage_window_set_source (VisageWindow *self,
                          const char   *spec)
{
  g_return_if_fail (VISAGE_IS_WINDOW (self));

  visage_window_switch_source (self, spec, FALSE);
}

const char *
visage_window_get_camera (VisageWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_WINDOW (self), NULL);

  return self->camera;
}

VisageLivePage *
visage_window_get_live_page (VisageWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_WINDOW (self), NULL);

  return self->live_page;
}

VisageSession *
visage_window_get_session (VisageWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_WINDOW (self), NULL);

  return self->session;
}

void
visage_window_flush_deletions (VisageWindow *self)
{
  g_return_if_fail (VISAGE_IS_WINDOW (self));

  visage_people_page_flush_deletions (self->people_page);
}

const char *
visage_window_get_visible_page_name (VisageWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

/* vs-devices.c: camera list with hot-plug, from GstDeviceMonitor. */
#include "config.h"

#include "vs-devices.h"

/* Raw and motion-JPEG cameras: VsCamera decodes both. */
#define CAMERA_CLASSES "Video/Source"
#define CAMERA_CAPS    "video/x-raw; image/jpeg"

/* VsCameraItem ------------------------------------------------------------ */

struct _VsCameraItem
{
  GObject    parent_instance;

  char      *id;
  char      *display_name;
  GstDevice *device;
};

G_DEFINE_FINAL_TYPE (VsCameraItem, vs_camera_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_ID,
  ITEM_PROP_DISPLAY_NAME,
  ITEM_PROP_DEVICE,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
vs_camera_item_finalize (GObject *object)
{
  VsCameraItem *self = VS_CAMERA_ITEM (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (vs_camera_item_parent_class)->finalize (object);
}

static void
vs_camera_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VsCameraItem *self = VS_CAMERA_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case ITEM_PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case ITEM_PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_camera_item_class_init (VsCameraItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_camera_item_finalize;
  object_class->get_property = vs_camera_item_get_property;

  item_properties[ITEM_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_DEVICE] =
    g_param_spec_object ("device", NULL, NULL, GST_TYPE_DEVICE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
vs_camera_item_init (VsCameraItem *self)
{
}

static VsCameraItem *
vs_camera_item_new (GstDevice *device)
{
  VsCameraItem *self = g_object_new (VS_TYPE_CAMERA_ITEM, NULL);

  self->device = g_object_ref (device);
  self->display_name = gst_device_get_display_name (device);
  self->id = vs_devices_dup_device_id (device);
  return self;
}

const char *
vs_camera_item_get_id (VsCameraItem *self)
{
  g_return_val_if_fail (VS_IS_CAMERA_ITEM (self), NULL);
  return self->id;
}

const char *
vs_camera_item_get_display_name (VsCameraItem *self)
{
  g_return_val_if_fail (VS_IS_CAMERA_ITEM (self), NULL);
  return self->display_name;
}

GstDevice *
vs_camera_item_get_device (VsCameraItem *self)
{
  g_return_val_if_fail (VS_IS_CAMERA_ITEM (self), NULL);
  return self->device;
}

char *
vs_camera_item_dup_source (VsCameraItem *self)
{
  g_return_val_if_fail (VS_IS_CAMERA_ITEM (self), NULL);
  return g_strconcat ("device:", self->id, NULL);
}

/* Ids ---------------------------------------------------------------------- */

char *
vs_devices_dup_device_id (GstDevice *device)
{
  /* The device node is stable across replugging and unique; providers name it
   * differently (v4l2: device.path, PipeWire: api.v4l2.path). */
  static const char * const keys[] = { "device.path", "api.v4l2.path", "object.path" };
  g_autoptr(GstStructure) props = NULL;

  g_return_val_if_fail (GST_IS_DEVICE (device), NULL);

  props = gst_device_get_properties (device);
  for (guint i = 0; props != NULL && i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = gst_structure_get_string (props, keys[i]);
      if (value != NULL && *value != '\0')
        return g_strdup (value);
    }
  return gst_device_get_display_name (device);
}

static gboolean
device_matches (GstDevice  *device,
                const char *id)
{
  g_autofree char *device_id = vs_devices_dup_device_id (device);
  g_autofree char *name = gst_device_get_display_name (device);

  return g_strcmp0 (device_id, id) == 0 || g_strcmp0 (name, id) == 0;
}

static GstDeviceMonitor *
new_monitor (void)
{
  GstDeviceMonitor *monitor = gst_device_monitor_new ();
  g_autoptr(GstCaps) caps = gst_caps_from_string (CAMERA_CAPS);

  gst_device_monitor_add_filter (monitor, CAMERA_CLASSES, caps);
  return monitor;
}

/* Without a GstDeviceMonitor: creating one while another is running cuts
 * the running one off from the providers' hot-plug messages (the camera
 * list, and a playing camera, would no longer see a camera come or go). */
GstDevice *
vs_devices_lookup_device (const char *id)
{
  g_autoptr(GstCaps) caps = NULL;
  GList *factories;
  GstDevice *found = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  caps = gst_caps_from_string (CAMERA_CAPS);
  factories = gst_device_provider_factory_list_get_device_providers (GST_RANK_MARGINAL);
  for (GList *f = factories; f != NULL && found == NULL; f = f->next)
    {
      g_autoptr(GstDeviceProvider) provider = NULL;
      GList *devices;

      if (!gst_device_provider_factory_has_classes (f->data, CAMERA_CLASSES))
        continue;
      provider = gst_device_provider_factory_get (f->data);
      if (provider == NULL)
        continue;
      devices = gst_device_provider_get_devices (provider);
      for (GList *l = devices; l != NULL && found == NULL; l = l->next)
        {
          g_autoptr(GstCaps) device_caps = gst_device_get_caps (l->data);

          if (gst_device_has_classes (l->data, CAMERA_CLASSES) &&
              device_caps != NULL && gst_caps_can_intersect (caps, device_caps) &&
              device_matches (l->data, id))
            found = g_object_ref (l->data);
        }
      g_list_free_full (devices, gst_object_unref);
    }
  gst_plugin_feature_list_free (factories);
  return found;
}

/* VsDevices ---------------------------------------------------------------- */

struct _VsDevices
{
  GObject           parent_instance;

  GstDeviceMonitor *monitor;
  GSource          *bus_source;
  GPtrArray        *items;    /* VsCameraItem */
};

static void vs_devices_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsDevices, vs_devices, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      vs_devices_list_model_init))

static GType
vs_devices_get_item_type (GListModel *model)
{
  return VS_TYPE_CAMERA_ITEM;
}

static guint
vs_devices_get_n_items (GListModel *model)
{
  return VS_DEVICES (model)->items->len;
}

static gpointer
vs_devices_get_item (GListModel *model,
                     guint       position)
{
  VsDevices *self = VS_DEVICES (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
vs_devices_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vs_devices_get_item_type;
  iface->get_n_items = vs_devices_get_n_items;
  iface->get_item = vs_devices_get_item;
}

static gboolean
find_device (VsDevices *self,
             GstDevice *device,
             guint     *position)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      VsCameraItem *item = g_ptr_array_index (self->items, i);
      if (item->device == device)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
add_device (VsDevices *self,
            GstDevice *device)
{
  g_autoptr(VsCameraItem) item = NULL;
  guint position;

  /* Providers may announce a device both in get_devices() and on the bus. */
  if (find_device (self, device, &position))
    return;

  item = vs_camera_item_new (device);
  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (((VsCameraItem *) g_ptr_array_index (self->items, i))->id, item->id) == 0)
      {
        /* The same camera through another provider (v4l2 and PipeWire):
         * one entry is enough. */
        g_debug ("Camera %s listed twice, keeping the first", item->id);
        return;
      }

  g_debug ("Camera added: %s (%s)", item->display_name, item->id);
  g_ptr_array_add (self->items, g_steal_pointer (&item));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

static void
remove_device (VsDevices *self,
               GstDevice *device)
{
  guint position;

  if (!find_device (self, device, &position))
    return;

  g_debug ("Camera removed: %s",
           ((VsCameraItem *) g_ptr_array_index (self->items, position))->id);
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static gboolean
vs_devices_bus_cb (GstBus     *bus,
                   GstMessage *message,
                   gpointer    user_data)
{
  VsDevices *self = user_data;
  g_autoptr(GstDevice) device = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      add_device (self, device);
      break;
    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      remove_device (self, device);
      break;
    case GST_MESSAGE_DEVICE_CHANGED:
      {
        g_autoptr(GstDevice) old_device = NULL;
        gst_message_parse_device_changed (message, &device, &old_device);
        remove_device (self, old_device);
        add_device (self, device);
      }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static void
vs_devices_dispose (GObject *object)
{
  VsDevices *self = VS_DEVICES (object);

  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (self->monitor != NULL)
    gst_device_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (vs_devices_parent_class)->dispose (object);
}

static void
vs_devices_finalize (GObject *object)
{
  VsDevices *self = VS_DEVICES (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (vs_devices_parent_class)->finalize (object);
}

static void
vs_devices_class_init (VsDevicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_devices_dispose;
  object_class->finalize = vs_devices_finalize;
}

static void
vs_devices_init (VsDevices *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

static VsDevices *
devices_new_monitor (void)
{
  VsDevices *self;
  g_autoptr(GstBus) bus = NULL;
  GList *devices;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  self = g_object_new (VS_TYPE_DEVICES, NULL);
  self->monitor = new_monitor ();

  /* Watch the bus before starting so no hot-plug message is missed; the
   * watch runs on the caller's context, so items-changed is emitted there. */
  bus = gst_device_monitor_get_bus (self->monitor);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc) (void (*) (void)) vs_devices_bus_cb,
                         self, NULL);
  g_source_set_name (self->bus_source, "[visage] device monitor");
  g_source_attach (self->bus_source, g_main_context_get_thread_default ());

  if (!gst_device_monitor_start (self->monitor))
    g_debug ("No video device provider could be started: no camera will be listed");

  devices = gst_device_monitor_get_devices (self->monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    add_device (self, l->data);
  g_list_free_full (devices, gst_object_unref);

  return self;
}

VsCameraItem *
vs_devices_find (VsDevices  *self,
                 const char *id)
{
  g_return_val_if_fail (VS_IS_DEVICES (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      VsCameraItem *item = g_ptr_array_index (self->items, i);
      if (g_strcmp0 (item->id, id) == 0)
        return item;
    }
  for (guint i = 0; i < self->items->len; i++)
    {
      VsCameraItem *item = g_ptr_array_index (self->items, i);
      if (g_strcmp0 (item->display_name, id) == 0)
        return item;
    }
  return NULL;
}

/* One GstDeviceMonitor for the process: a second one would cut the first
 * off from the providers' hot-plug messages, and each would probe the
 * hardware again. Weak: the last user's unref stops monitoring. */
static VsDevices *default_devices;

VsDevices *
vs_devices_get_default (void)
{
  if (default_devices != NULL)
    return g_object_ref (default_devices);

  default_devices = devices_new_monitor ();
  g_object_add_weak_pointer (G_OBJECT (default_devices), (gpointer *) &default_devices);
  return default_devices;
}

VsDevices *
vs_devices_new (void)
{
  return vs_devices_get_default ();
}

GstDevice *
vs_devices_dup_device (VsDevices  *self,
                       const char *id)
{
  VsCameraItem *item;

  g_return_val_if_fail (VS_IS_DEVICES (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  item = vs_devices_find (self, id);
  if (item != NULL)
    return g_object_ref (item->device);
  /* Plugged in a moment ago, its hot-plug message not yet read: ask the
   * providers directly (no second monitor). */
  return vs_devices_lookup_device (id);
}

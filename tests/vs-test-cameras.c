/* vs-test-cameras.c: cameras to plug and unplug in a test process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-test-cameras.h"


/* A test device: its element is a bin made from a launch description. ------ */

struct _VsTestDevice {
  GstDevice   parent_instance;
  char       *description;
  GstElement *element;     /* the last element made (weak) */
};

typedef struct {
  GstDeviceClass parent_class;
} VsTestDeviceClass;

static GType vs_test_device_get_type (void);
G_DEFINE_TYPE (VsTestDevice, vs_test_device, GST_TYPE_DEVICE)

static GstElement *
vs_test_device_create_element (GstDevice  *device,
                               const char *name)
{
  VsTestDevice *self = (VsTestDevice *) device;
  g_autoptr(GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (self->description, TRUE, &error);

  g_assert_no_error (error);
  if (name != NULL)
    gst_object_set_name (GST_OBJECT (bin), name);
  g_set_weak_pointer (&self->element, bin);
  return bin;
}

static void
vs_test_device_finalize (GObject *object)
{
  VsTestDevice *self = (VsTestDevice *) object;

  g_clear_weak_pointer (&self->element);
  g_free (self->description);
  G_OBJECT_CLASS (vs_test_device_parent_class)->finalize (object);
}

static void
vs_test_device_class_init (VsTestDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_test_device_finalize;
  GST_DEVICE_CLASS (klass)->create_element = vs_test_device_create_element;
}

static void
vs_test_device_init (VsTestDevice *self)
{
}

static VsTestDevice *
vs_test_device_new (const char *path,
                    const char *description)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw; image/jpeg");
  g_autoptr(GstStructure) props = gst_structure_new ("properties", "device.path", G_TYPE_STRING, path, NULL);
  VsTestDevice *device = g_object_new (vs_test_device_get_type (),
                                       "display-name", TEST_NAME,
                                       "device-class", "Video/Source",
                                       "caps", caps,
                                       "properties", props,
                                       NULL);

  device->description = g_strdup (description);
  return device;
}

/* The provider: the devices plugged in right now. ---------------------------- */

typedef struct {
  GstDeviceProvider parent_instance;
} VsTestProvider;

typedef struct {
  GstDeviceProviderClass parent_class;
} VsTestProviderClass;

static GType vs_test_provider_get_type (void);
G_DEFINE_TYPE (VsTestProvider, vs_test_provider, GST_TYPE_DEVICE_PROVIDER)

/* What is plugged in (owned here), and the provider GStreamer made. */
static GList *plugged;
static GstDeviceProvider *provider;

static GList *
vs_test_provider_probe (GstDeviceProvider *self)
{
  GList *devices = NULL;

  for (GList *l = plugged; l != NULL; l = l->next)
    devices = g_list_append (devices, gst_object_ref (l->data));
  return devices;
}

static gboolean
vs_test_provider_start (GstDeviceProvider *self)
{
  provider = self;
  for (GList *l = plugged; l != NULL; l = l->next)
    gst_device_provider_device_add (self, gst_object_ref (l->data));
  return TRUE;
}

static void
vs_test_provider_stop (GstDeviceProvider *self)
{
}

static void
vs_test_provider_class_init (VsTestProviderClass *klass)
{
  GstDeviceProviderClass *provider_class = GST_DEVICE_PROVIDER_CLASS (klass);

  provider_class->probe = vs_test_provider_probe;
  provider_class->start = vs_test_provider_start;
  provider_class->stop = vs_test_provider_stop;
  gst_device_provider_class_set_static_metadata (provider_class, "Visage test cameras", "Source/Video",
                                                 "Cameras made of GStreamer test elements", "Visage");
}

static void
vs_test_provider_init (VsTestProvider *self)
{
}

static gboolean
plugin_init (GstPlugin *plugin)
{
  return gst_device_provider_register (plugin, "visagetestcameras", GST_RANK_PRIMARY,
                                       vs_test_provider_get_type ());
}

VsTestDevice *
vs_test_cameras_plug (const char *path,
      const char *description)
{
  VsTestDevice *device = vs_test_device_new (path, description);

  plugged = g_list_append (plugged, device);
  if (provider != NULL && gst_device_provider_is_started (provider))
    gst_device_provider_device_add (provider, gst_object_ref (GST_DEVICE (device)));
  return device;
}

void
vs_test_cameras_unplug (VsTestDevice *device)
{
  g_assert_nonnull (g_list_find (plugged, device));
  plugged = g_list_remove (plugged, device);
  if (provider != NULL && gst_device_provider_is_started (provider))
    gst_device_provider_device_remove (provider, GST_DEVICE (device));
  gst_object_unref (device);
}

void
vs_test_cameras_unplug_all (void)
{
  while (plugged != NULL)
    vs_test_cameras_unplug (plugged->data);
}

void
vs_test_cameras_register (void)
{
  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  g_assert_true (gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR, "visagetestcameras",
                                             "Test cameras for Visage's tests", plugin_init, "1.0",
                                             "LGPL", "visage", "visage", "https://example.invalid/visage"));
}

GstElement *
vs_test_device_get_element (VsTestDevice *device)
{
  return device->element;
}

/* vs-devices.h: the cameras plugged into this computer, as a GListModel of
 * VsCameraItem kept up to date by a GstDeviceMonitor (hot-plug). The
 * process has one such list (vs_devices_get_default()): every VsCamera of a
 * device source watches it for unplugging and returning, and the app shows
 * it (camera menu, Preferences). */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define VS_TYPE_CAMERA_ITEM (vs_camera_item_get_type ())
G_DECLARE_FINAL_TYPE (VsCameraItem, vs_camera_item, VS, CAMERA_ITEM, GObject)

/* Properties (read-only): "id" (string: the device node such as /dev/video0
 * when there is one, else the display name), "display-name" (string),
 * "device" (GstDevice). */
const char   *vs_camera_item_get_id           (VsCameraItem *self);
const char   *vs_camera_item_get_display_name (VsCameraItem *self);
GstDevice    *vs_camera_item_get_device       (VsCameraItem *self);
/* "device:ID", the string vs_camera_new() takes. */
char         *vs_camera_item_dup_source       (VsCameraItem *self);

#define VS_TYPE_DEVICES (vs_devices_get_type ())
G_DECLARE_FINAL_TYPE (VsDevices, vs_devices, VS, DEVICES, GObject)

/* The process's device list, a new reference: made (and monitoring
 * started) on the first call, shared by every later caller, stopped when
 * the last reference goes. "items-changed" is emitted on the main context
 * when a camera is plugged in or removed; call from the main thread only.
 * Calls gst_init() if nobody did. Never fails: no camera (or no device
 * provider) is an empty list. */
VsDevices    *vs_devices_get_default          (void);
/* The same as vs_devices_get_default() (kept for existing callers). */
VsDevices    *vs_devices_new                  (void);
/* The item whose id or display name is id, or NULL. Transfer none. */
VsCameraItem *vs_devices_find                 (VsDevices    *self,
                                               const char   *id);

/* The device to open for id (an id or display name): the listed one, or,
 * when the list has not heard of it yet, what the providers report now.
 * NULL when not plugged in. Transfer full. */
GstDevice    *vs_devices_dup_device           (VsDevices    *self,
                                               const char   *id);

/* One-shot lookup without a running monitor (probes the hardware): the
 * camera whose id or display name is id, or NULL. Transfer full. */
GstDevice    *vs_devices_lookup_device        (const char   *id);
/* The id vs-devices gives a GstDevice (see "id" above). */
char         *vs_devices_dup_device_id        (GstDevice    *device);

G_END_DECLS

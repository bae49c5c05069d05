/* vs-test-cameras.h: cameras a test plugs in and unplugs. A test
 * GstDeviceProvider, registered in the test process, offers "Video/Source"
 * devices built from GStreamer test elements (a launch description), so
 * that hot-plug and broken cameras can be tested on a machine without any.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define TEST_PATH "/dev/visage-test-camera"
#define TEST_NAME "Visage Test Camera"
/* A camera that works: a live 320×240 test pattern. */
#define TEST_CAPS "capsfilter caps=\"video/x-raw,width=320,height=240,framerate=30/1\""
#define WORKING_CAMERA "videotestsrc is-live=true ! " TEST_CAPS

typedef struct _VsTestDevice VsTestDevice;

/* Registers the provider (once per process; calls gst_init() if needed). */
void          vs_test_cameras_register   (void);
/* A camera named TEST_NAME at path whose element is made from description;
 * owned by the provider until unplugged. */
VsTestDevice *vs_test_cameras_plug       (const char   *path,
                                          const char   *description);
void          vs_test_cameras_unplug     (VsTestDevice *device);
void          vs_test_cameras_unplug_all (void);
/* The last element the device made (NULL once it is gone). */
GstElement   *vs_test_device_get_element (VsTestDevice *device);

G_END_DECLS

/* vs-camera.h: a video source (camera, file, slideshow, test pattern) as a
 * GStreamer pipeline with two outputs: the display (BGRA VsVideoFrames,
 * handed out on the main thread; the app turns them into textures) and the recognition frames (BGR, long side at
 * most "recognition-size", handed to a frame function on the streaming
 * thread, only the newest one unless VS_CAMERA_FAST). */
#pragma once

#include <glib-object.h>

#include "vs-video-frame.h"
#include "vs-image.h"

G_BEGIN_DECLS

#define VS_CAMERA_ERROR (vs_camera_error_quark ())
GQuark vs_camera_error_quark (void);

typedef enum {
  VS_CAMERA_ERROR_INVALID_SOURCE, /* the source string is not understood */
  VS_CAMERA_ERROR_NOT_FOUND,      /* no such file or folder */
  VS_CAMERA_ERROR_NO_PICTURES,    /* images:DIR holds no picture we can read */
  VS_CAMERA_ERROR_NOT_VIDEO,      /* the file is not a video we can play */
  VS_CAMERA_ERROR_MISSING_PLUGIN, /* a GStreamer plug-in is needed */
  VS_CAMERA_ERROR_OPEN,           /* the camera could not be opened */
  VS_CAMERA_ERROR_DISCONNECTED,   /* the camera is not (or no longer) plugged in */
  VS_CAMERA_ERROR_FAILED,         /* anything else the pipeline reports */
} VsCameraError;

typedef enum {
  VS_CAMERA_FLAGS_NONE = 0,
  /* Headless: no display branch, no "display-frame". */
  VS_CAMERA_NO_DISPLAY = 1 << 0,
  /* file: and images: only: run as fast as possible instead of in real time;
   * every frame reaches the frame function (which may block: that is the
   * back-pressure); the end of the file (or one pass over the pictures)
   * emits "eos" instead of looping. Ignored for test and device sources. */
  VS_CAMERA_FAST       = 1 << 1,
} VsCameraFlags;

typedef enum {
  VS_CAMERA_STATE_STOPPED,
  VS_CAMERA_STATE_STARTING,
  VS_CAMERA_STATE_PLAYING,
  /* device source unplugged, or not plugged in at start; the camera starts
   * again by itself when that device is plugged back in */
  VS_CAMERA_STATE_DISCONNECTED,
  VS_CAMERA_STATE_ERROR,        /* see vs_camera_get_error() */
} VsCameraState;

GType vs_camera_flags_get_type (void);
#define VS_TYPE_CAMERA_FLAGS (vs_camera_flags_get_type ())
GType vs_camera_state_get_type (void);
#define VS_TYPE_CAMERA_STATE (vs_camera_state_get_type ())

/* Default for "recognition-size": the long side of recognition frames. */
#define VS_CAMERA_RECOGNITION_SIZE 640

/* images: defaults: a camera at 10 frames per second, each picture in front
 * of it for 2 seconds. */
#define VS_CAMERA_IMAGES_FPS  10.0
#define VS_CAMERA_IMAGES_HOLD 2.0

/* How far the frame clock jumps at a discontinuity: more than the gap after
 * which a tracker continues no track (VsTrackerParams.max_gap_us), so
 * nothing carries over. */
#define VS_CAMERA_DISCONTINUITY_US (10 * G_USEC_PER_SEC)

/* Called on a GStreamer streaming thread for each recognition frame (in real
 * time: only when the previous call has returned, older frames are dropped).
 * frame: BGR, transfer none (vs_image_ref() it to keep it; it wraps the
 * GStreamer buffer without a copy). time_us: the frame's time in µs on the
 * camera's frame clock, from its timestamp (not its arrival, so that a file
 * gives the same times on every run): it never runs backwards and jumps
 * ahead by VS_CAMERA_DISCONTINUITY_US where the picture jumps (a new picture
 * of images:, a loop or seek of a file, a restart of the camera).
 * frame_number: position of the frame in the source since the start (0, 1,
 * 2… gaps are dropped frames). */
typedef void (*VsCameraFrameFunc) (VsImage  *frame,
                                   gint64    time_us,
                                   guint64   frame_number,
                                   gpointer  data);

#define VS_TYPE_CAMERA (vs_camera_get_type ())
G_DECLARE_FINAL_TYPE (VsCamera, vs_camera, VS, CAMERA, GObject)

/* source: "test" (moving ball; "test:PATTERN" for another videotestsrc
 * pattern such as smpte), "file:PATH" (a video, looped), "images:DIR" (the
 * JPEG/PNG pictures of DIR in name order, each for "hold" seconds at "fps"
 * frames per second, looped; all scaled and letterboxed to the size of the
 * first), "device:ID" (a camera: its id or
 * display name in VsDevices). Fails only when the string is not understood;
 * a missing file or camera is reported by "error" once started.
 * Signals and notifications are emitted on the thread-default main context of
 * the caller (keep it running). Calls gst_init() if nobody did. */
VsCamera         *vs_camera_new              (const char        *source,
                                              VsCameraFlags      flags,
                                              GError           **error);

/* Builds and starts the pipeline: state STARTING, then PLAYING, or ERROR /
 * DISCONNECTED with the "error" signal (GError, VS_CAMERA_ERROR domain, a
 * message for people). Restarting after an error or a disconnection is fine. */
void              vs_camera_start            (VsCamera          *self);
/* Stops and frees the pipeline (state STOPPED); waits for the streaming
 * threads, so a frame function blocked forever would block this too. The
 * "display-frame" stays the last one shown. */
void              vs_camera_stop             (VsCamera          *self);

/* Must be set before vs_camera_start() or while running; replacing it waits
 * for a running call to return. destroy(data) runs on replacement or when the
 * camera is finalized. */
void              vs_camera_set_frame_func   (VsCamera          *self,
                                              VsCameraFrameFunc  func,
                                              gpointer           data,
                                              GDestroyNotify     destroy);

/* Extra consumers of the same recognition frames, called after the frame
 * function on the streaming thread (keep them short): how the enrollment
 * window watches the camera the live view is already running, since a device
 * cannot be opened twice. Returns an id for vs_camera_remove_frame_tap(),
 * which waits for a running call and then runs destroy(data). */
guint             vs_camera_add_frame_tap    (VsCamera          *self,
                                              VsCameraFrameFunc  func,
                                              gpointer           data,
                                              GDestroyNotify     destroy);
void              vs_camera_remove_frame_tap (VsCamera          *self,
                                              guint              tap_id);

const char       *vs_camera_get_source       (VsCamera          *self);
VsCameraFlags     vs_camera_get_flags        (VsCamera          *self);
/* Property "display-name": the camera's name, the file or folder name. */
const char       *vs_camera_get_display_name (VsCamera          *self);
/* Property "state". */
VsCameraState     vs_camera_get_state        (VsCamera          *self);
/* The last error (state ERROR or DISCONNECTED), or NULL. */
const GError     *vs_camera_get_error        (VsCamera          *self);
/* Property "display-frame" (VsVideoFrame): the newest frame of the display
 * branch shown so far (NULL before the first, and always with
 * VS_CAMERA_NO_DISPLAY); kept after vs_camera_stop(). Not notified: listen
 * to the "display-frame" signal. Transfer none. */
VsVideoFrame     *vs_camera_get_display_frame (VsCamera         *self);
/* Property "source-fps": the source's nominal frame rate (0 while unknown or
 * for variable-rate cameras). */
double            vs_camera_get_source_fps   (VsCamera          *self);
/* Property "display-fps": frames shown per second over the last second. */
double            vs_camera_get_display_fps  (VsCamera          *self);
/* Properties "frame-width", "frame-height": the source's size (0 until the
 * stream started). */
void              vs_camera_get_frame_size   (VsCamera          *self,
                                              int               *width,
                                              int               *height);
/* Property "fps" (double, default VS_CAMERA_IMAGES_FPS): the frame rate of
 * images: slideshows; property "hold" (double, default
 * VS_CAMERA_IMAGES_HOLD): seconds each picture stays. Take effect at the
 * next start. */
double            vs_camera_get_fps          (VsCamera          *self);
void              vs_camera_set_fps          (VsCamera          *self,
                                              double             fps);
double            vs_camera_get_hold         (VsCamera          *self);
void              vs_camera_set_hold         (VsCamera          *self,
                                              double             seconds);
/* Property "recognition-size" (uint, default VS_CAMERA_RECOGNITION_SIZE):
 * the long side of recognition frames (smaller frames are not enlarged);
 * takes effect at the next start. */
guint             vs_camera_get_recognition_size (VsCamera      *self);
void              vs_camera_set_recognition_size (VsCamera      *self,
                                                  guint          size);
/* Frames handed to the frame function or the taps since the last start
 * (any thread). */
guint64           vs_camera_get_frames_delivered (VsCamera      *self);

/* Signals:
 *   "error" (GError *error): the pipeline failed; state is ERROR, or
 *     DISCONNECTED for VS_CAMERA_ERROR_DISCONNECTED.
 *   "display-frame" (VsVideoFrame *frame): a new display frame, on the
 *     camera's context; only the newest when the main loop is busy (the
 *     frame number then skips); "display-fps" counts these.
 *   "eos": VS_CAMERA_FAST only: the whole file (or one pass over the
 *     pictures) went through; every frame was delivered; state is STOPPED. */

G_END_DECLS

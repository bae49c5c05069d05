/* vs-camera.c: the video pipeline.
 *
 *   source → videoconvert → [clocksync] → tee ┬→ queue → videoscale → capsfilter → videoconvert → appsink (BGRA) → VsVideoFrame → "display-frame"
 *                                              └→ queue (leaky) → videoscale → capsfilter → videoconvert → appsink (BGR) → frame func
 *
 * Streaming threads never touch GObject state: the display frames and the
 * stream's caps go to the main thread through a small refcounted "Shared"
 * block, coalesced so a busy main loop sees only the newest frame. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#include "vs-camera.h"
#include "vs-devices.h"
#include "vs-image-pixbuf.h"

#define FPS_WINDOW_US     G_USEC_PER_SEC
/* The picture shown is scaled to at most this long side: a 1080p frame
 * costs the renderer 2.25 times a 720p one, and with software rendering on
 * two cores that is what keeps the display at the source rate while
 * recognition runs; a window seldom shows more. */
#define VS_CAMERA_DISPLAY_SIZE 1280
#define FPS_MAX_SAMPLES   256
#define SLIDESHOW_CACHE_BYTES (256u * 1024u * 1024u)

G_DEFINE_QUARK (vs-camera-error-quark, vs_camera_error)

G_DEFINE_ENUM_TYPE (VsCameraState, vs_camera_state,
  G_DEFINE_ENUM_VALUE (VS_CAMERA_STATE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (VS_CAMERA_STATE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (VS_CAMERA_STATE_PLAYING, "playing"),
  G_DEFINE_ENUM_VALUE (VS_CAMERA_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (VS_CAMERA_STATE_ERROR, "error"))

G_DEFINE_FLAGS_TYPE (VsCameraFlags, vs_camera_flags,
  G_DEFINE_ENUM_VALUE (VS_CAMERA_FLAGS_NONE, "none"),
  G_DEFINE_ENUM_VALUE (VS_CAMERA_NO_DISPLAY, "no-display"),
  G_DEFINE_ENUM_VALUE (VS_CAMERA_FAST, "fast"))

typedef enum {
  SOURCE_TEST,
  SOURCE_FILE,
  SOURCE_IMAGES,
  SOURCE_DEVICE,
} SourceKind;

/* Shared between the streaming threads and the main thread. ---------------- */

typedef struct {
  gatomicrefcount ref_count;
  GWeakRef        camera;
  GMainContext   *context;
  GMutex          lock;

  /* newest display frame, not yet shown */
  VsVideoFrame   *frame;
  gboolean        frame_scheduled;

  /* stream format, not yet published */
  int             width;
  int             height;
  double          fps;
  gboolean        info_scheduled;
} Shared;

static Shared *
shared_new (VsCamera     *camera,
            GMainContext *context)
{
  Shared *shared = g_new0 (Shared, 1);

  g_atomic_ref_count_init (&shared->ref_count);
  g_weak_ref_init (&shared->camera, camera);
  shared->context = g_main_context_ref (context);
  g_mutex_init (&shared->lock);
  return shared;
}

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref_count);
  return shared;
}

static void
shared_unref (gpointer data)
{
  Shared *shared = data;

  if (!g_atomic_ref_count_dec (&shared->ref_count))
    return;
  g_weak_ref_clear (&shared->camera);
  g_main_context_unref (shared->context);
  g_mutex_clear (&shared->lock);
  g_clear_pointer (&shared->frame, vs_video_frame_unref);
  g_free (shared);
}

/* Runs func on the camera's context, later. Not g_main_context_invoke(): it
 * would run func right here, on a streaming thread, whenever nobody happens
 * to be iterating the context. */
static void
shared_schedule (Shared      *shared,
                 GSourceFunc  func)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, shared_ref (shared), shared_unref);
  g_source_set_static_name (source, "[visage] camera to main thread");
  g_source_attach (source, shared->context);
  g_source_unref (source);
}

/* The slideshow behind images:DIR, used by appsrc's streaming thread. ------ */

typedef struct {
  GPtrArray   *paths;
  GPtrArray   *cache;      /* GstBuffer per path, or NULL */
  gboolean     use_cache;
  GstVideoInfo info;
  double       fps;
  guint64      hold_frames;  /* frames each picture stays, ≥ 1 */
  gboolean     once;
  guint        next;
  guint64      pushed;
  GstBuffer   *showing;      /* the picture being held */
  guint        showing_index;
  guint64      shown_frames; /* frames of it pushed so far */
} Slideshow;

static void
buffer_unref0 (gpointer buffer)
{
  if (buffer != NULL)
    gst_buffer_unref (buffer);
}

static void
slideshow_free (Slideshow *show)
{
  g_clear_pointer (&show->paths, g_ptr_array_unref);
  g_clear_pointer (&show->cache, g_ptr_array_unref);
  g_clear_pointer (&show->showing, gst_buffer_unref);
  g_free (show);
}

static gboolean
is_picture_name (const char *name)
{
  static const char * const extensions[] = {
    ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic", ".heif", ".avif",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (name[0] == '.')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The engine's decoder: the same formats, orientation and size limits. */
static GdkPixbuf *
load_picture (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = vs_image_load (path, &error);

  if (image == NULL)
    {
      g_debug ("Slideshow: skipping %s: %s", path, error->message);
      return NULL;
    }
  return vs_image_to_pixbuf (image);
}

/* The picture scaled to fit the slideshow's size, centred on black. */
static GstBuffer *
render_picture (const GstVideoInfo *info,
                GdkPixbuf          *picture)
{
  int width = GST_VIDEO_INFO_WIDTH (info);
  int height = GST_VIDEO_INFO_HEIGHT (info);
  int pw = gdk_pixbuf_get_width (picture);
  int ph = gdk_pixbuf_get_height (picture);
  double scale = MIN ((double) width / pw, (double) height / ph);
  int dw = CLAMP ((int) round (pw * scale), 1, width);
  int dh = CLAMP ((int) round (ph * scale), 1, height);
  int dx = (width - dw) / 2;
  int dy = (height - dh) / 2;
  g_autoptr(GdkPixbuf) canvas = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  const guint8 *pixels;
  int rowstride;
  GstBuffer *buffer;
  GstMapInfo map;

  gdk_pixbuf_fill (canvas, 0x000000ff);
  if (pw == width && ph == height && !gdk_pixbuf_get_has_alpha (picture))
    gdk_pixbuf_copy_area (picture, 0, 0, pw, ph, canvas, 0, 0);
  else
    gdk_pixbuf_composite (picture, canvas, dx, dy, dw, dh, dx, dy,
                          (double) dw / pw, (double) dh / ph, GDK_INTERP_BILINEAR, 255);

  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);
  if (!gst_buffer_map (buffer, &map, GST_MAP_WRITE))
    {
      gst_buffer_unref (buffer);
      return NULL;
    }
  pixels = gdk_pixbuf_read_pixels (canvas);
  rowstride = gdk_pixbuf_get_rowstride (canvas);
  for (int y = 0; y < height; y++)
    memcpy (map.data + GST_VIDEO_INFO_PLANE_OFFSET (info, 0) + (gsize) y * GST_VIDEO_INFO_PLANE_STRIDE (info, 0),
            pixels + (gsize) y * rowstride, (gsize) width * 3);
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

static GstBuffer *
slideshow_get (Slideshow *show,
               guint      index)
{
  g_autoptr(GdkPixbuf) picture = NULL;
  GstBuffer *buffer;

  if (show->use_cache && g_ptr_array_index (show->cache, index) != NULL)
    return gst_buffer_ref (g_ptr_array_index (show->cache, index));

  picture = load_picture (g_ptr_array_index (show->paths, index));
  if (picture == NULL)
    return NULL;
  buffer = render_picture (&show->info, picture);
  if (buffer != NULL && show->use_cache)
    g_ptr_array_index (show->cache, index) = gst_buffer_ref (buffer);
  return buffer;
}

/* Like a camera filming a slideshow: frames at the camera's rate, each
 * picture for hold_frames of them. The first frame of every new picture but
 * the first is marked DISCONT: the scene changed at once, no face moved. */
static void
slideshow_need_data (GstAppSrc *src,
                     guint      length,
                     gpointer   user_data)
{
  Slideshow *show = user_data;
  gboolean new_picture = FALSE;
  GstBuffer *buffer;

  if (show->showing == NULL || show->shown_frames >= show->hold_frames)
    {
      guint index = show->showing_index;

      g_clear_pointer (&show->showing, gst_buffer_unref);
      for (guint tries = 0; tries < show->paths->len && show->showing == NULL; tries++)
        {
          if (show->once && show->next >= show->paths->len)
            {
              gst_app_src_end_of_stream (src);
              return;
            }
          index = show->next % show->paths->len;
          show->next = show->once ? show->next + 1 : (show->next + 1) % show->paths->len;
          show->showing = slideshow_get (show, index);
        }
      if (show->showing == NULL)
        {
          GST_ELEMENT_ERROR (src, RESOURCE, READ, (_("None of the pictures could be read")), (NULL));
          return;
        }
      show->shown_frames = 0;
      /* The same picture again (a slideshow of one) changes nothing. */
      new_picture = show->pushed > 0 && index != show->showing_index;
      show->showing_index = index;
    }

  /* A shallow copy: the pixels are shared, the timestamps are not. */
  buffer = gst_buffer_copy (show->showing);
  GST_BUFFER_PTS (buffer) = (GstClockTime) llround (show->pushed * (double) GST_SECOND / show->fps);
  GST_BUFFER_DURATION (buffer) = (GstClockTime) llround ((double) GST_SECOND / show->fps);
  if (new_picture)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  else
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_DISCONT);
  show->pushed++;
  show->shown_frames++;
  gst_app_src_push_buffer (src, buffer);
}

/* VsCamera ------------------------------------------------------------------ */

struct _VsCamera
{
  GObject           parent_instance;

  char             *source;
  VsCameraFlags     flags;
  SourceKind        kind;
  char             *location;      /* path, folder, device id or test pattern */
  char             *display_name;
  double            fps;
  double            hold;          /* images: seconds per picture */
  guint             recognition_size;

  VsCameraState     state;
  GError           *error;
  VsVideoFrame     *display_frame; /* the newest shown, kept after a stop */
  double            source_fps;
  double            display_fps;
  int               frame_width;
  int               frame_height;
  gint64            shown_times[FPS_MAX_SAMPLES];
  guint             n_shown;       /* samples in the ring */
  guint             shown_head;    /* next slot */

  GMainContext     *context;
  Shared           *shared;
  VsDevices        *devices;       /* device sources: the process's list, for hot-plug */
  GstElement       *pipeline;
  GstElement       *link_target;   /* where dynamic source pads go */
  GstElement       *recognition_filter;
  GstElement       *display_filter;
  GSource          *bus_source;
  GSource          *fail_source;
  GSource          *start_watchdog;   /* file sources, while STARTING */
  Slideshow        *slideshow;
  gboolean          looping;       /* segment seeks are running */
  guint64           next_frame;    /* streaming thread */
  gsize             delivered;     /* atomic */
  /* The frame clock (recognition streaming thread, kept across restarts so
   * that it never runs backwards for one camera). */
  GMutex            cuts_lock;
  GArray           *cuts;          /* guint64: frames that start a new scene, not yet timed */
  gboolean          segment_seen;  /* streaming thread: a segment arrived since start */
  gboolean          clock_started;
  gboolean          run_started;   /* a frame of this run was timed */
  gint64            last_time_us;
  gint64            time_offset_us;

  GMutex            func_lock;
  VsCameraFrameFunc func;
  gpointer          func_data;
  GDestroyNotify    func_destroy;
  GArray           *taps;          /* FrameTap, under func_lock */
  guint             next_tap_id;
};

typedef struct {
  guint             id;
  VsCameraFrameFunc func;
  gpointer          data;
  GDestroyNotify    destroy;
} FrameTap;

G_DEFINE_FINAL_TYPE (VsCamera, vs_camera, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_FLAGS,
  PROP_DISPLAY_NAME,
  PROP_STATE,
  PROP_DISPLAY_FRAME,
  PROP_SOURCE_FPS,
  PROP_DISPLAY_FPS,
  PROP_FRAME_WIDTH,
  PROP_FRAME_HEIGHT,
  PROP_FPS,
  PROP_HOLD,
  PROP_RECOGNITION_SIZE,
  N_PROPS
};

enum {
  SIGNAL_ERROR,
  SIGNAL_EOS,
  SIGNAL_DISPLAY_FRAME,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
is_real_time (VsCamera *self)
{
  return !(self->flags & VS_CAMERA_FAST) ||
         self->kind == SOURCE_TEST || self->kind == SOURCE_DEVICE;
}

static void
clear_start_watchdog (VsCamera *self)
{
  if (self->start_watchdog != NULL)
    {
      g_source_destroy (self->start_watchdog);
      g_clear_pointer (&self->start_watchdog, g_source_unref);
    }
}

static void
set_state (VsCamera      *self,
           VsCameraState  state)
{
  if (self->state == state)
    return;
  g_debug ("%s: state %d → %d", self->source, self->state, state);
  self->state = state;
  if (state != VS_CAMERA_STATE_STARTING)
    clear_start_watchdog (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_display_fps (VsCamera *self,
                 double    fps)
{
  if (fabs (self->display_fps - fps) < 0.05)
    return;
  self->display_fps = fps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_FPS]);
}

/* TRUE when the pipeline and every element inside it are in NULL. */
static gboolean
all_elements_stopped (GstElement *pipeline)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  g_auto(GValue) item = G_VALUE_INIT;
  gboolean stopped = GST_STATE (pipeline) == GST_STATE_NULL;

  while (stopped)
    {
      GstIteratorResult res = gst_iterator_next (it, &item);

      if (res == GST_ITERATOR_RESYNC)
        {
          gst_iterator_resync (it);
          continue;
        }
      if (res != GST_ITERATOR_OK)
        break;
      stopped = GST_STATE (g_value_get_object (&item)) == GST_STATE_NULL;
      g_value_reset (&item);
    }
  return stopped;
}

static void
stop_element (const GValue *item,
              gpointer      user_data)
{
  gst_element_set_state (g_value_get_object (item), GST_STATE_NULL);
}

#define RELEASE_ATTEMPTS 5

/* Brings the pipeline to NULL before its last reference goes: disposing an
 * element in any other state is a GStreamer critical. Stopping joins the
 * streaming threads, so no callback runs after this. On a file that is not
 * a video, typefind's failed state change may still be unwinding on a
 * streaming thread and the change to NULL fails: wait for it and try again,
 * and in the end stop every element on its own. */
static void
release_pipeline (VsCamera   *self,
                  GstElement *pipeline)
{
  for (guint attempt = 0; attempt < RELEASE_ATTEMPTS; attempt++)
    {
      GstStateChangeReturn ret = gst_element_set_state (pipeline, GST_STATE_NULL);

      if (ret == GST_STATE_CHANGE_ASYNC)
        ret = gst_element_get_state (pipeline, NULL, NULL, GST_SECOND);
      if (ret != GST_STATE_CHANGE_FAILURE && ret != GST_STATE_CHANGE_ASYNC &&
          all_elements_stopped (pipeline))
        {
          gst_object_unref (pipeline);
          return;
        }
      g_debug ("%s: stopping the pipeline failed (attempt %u of %u)", self->source,
               attempt + 1, RELEASE_ATTEMPTS);
      g_usleep ((attempt + 1) * 20 * 1000);
    }

  {
    g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (pipeline));

    while (gst_iterator_foreach (it, stop_element, NULL) == GST_ITERATOR_RESYNC)
      gst_iterator_resync (it);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_debug ("%s: pipeline released after stopping its elements one by one", self->source);
  gst_object_unref (pipeline);
}

static void
teardown (VsCamera *self)
{
  clear_start_watchdog (self);
  if (self->fail_source != NULL)
    {
      g_source_destroy (self->fail_source);
      g_clear_pointer (&self->fail_source, g_source_unref);
    }
  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (self->pipeline != NULL)
    release_pipeline (self, g_steal_pointer (&self->pipeline));
  self->link_target = NULL;
  self->recognition_filter = NULL;
  self->display_filter = NULL;
  self->looping = FALSE;
  g_clear_pointer (&self->slideshow, slideshow_free);

  self->n_shown = 0;
  self->shown_head = 0;
  set_display_fps (self, 0.0);
}

/* Stops the pipeline and reports error: the end of a failed start or run. */
static void
fail (VsCamera *self,
      GError   *error)
{
  g_autoptr(GObject) guard = g_object_ref (G_OBJECT (self));

  g_debug ("%s: %s", self->source, error->message);
  teardown (self);
  g_clear_error (&self->error);
  self->error = error;
  set_state (self, g_error_matches (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_DISCONNECTED)
                   ? VS_CAMERA_STATE_DISCONNECTED : VS_CAMERA_STATE_ERROR);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, self->error);
}

typedef struct {
  VsCamera *camera;
  GError   *error;
} FailLater;

static void
fail_later_free (gpointer data)
{
  FailLater *later = data;

  g_clear_error (&later->error);
  g_free (later);
}

static gboolean
fail_later_cb (gpointer data)
{
  FailLater *later = data;
  VsCamera *self = later->camera;

  g_clear_pointer (&self->fail_source, g_source_unref);
  fail (self, g_steal_pointer (&later->error));
  return G_SOURCE_REMOVE;
}

/* Errors found while starting are reported from the main loop like the
 * pipeline's, so callers see one behaviour whatever went wrong. */
static void
fail_later (VsCamera *self,
            GError   *error)
{
  FailLater *later = g_new0 (FailLater, 1);

  later->camera = self;
  later->error = error;
  if (self->fail_source != NULL)
    {
      g_source_destroy (self->fail_source);
      g_source_unref (self->fail_source);
    }
  self->fail_source = g_idle_source_new ();
  /* Not below redrawing: a spinner animating on a slow renderer would
   * starve an idle-priority source, and the error would never show. */
  g_source_set_priority (self->fail_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->fail_source, fail_later_cb, later, fail_later_free);
  g_source_set_static_name (self->fail_source, "[visage] camera error");
  g_source_attach (self->fail_source, self->context);
}

/* Main-thread side of the hand-off. ----------------------------------------- */

static void
count_shown_frame (VsCamera *self,
                   gint64    now)
{
  guint oldest, n = 0;
  gint64 first = now;

  self->shown_times[self->shown_head] = now;
  self->shown_head = (self->shown_head + 1) % FPS_MAX_SAMPLES;
  self->n_shown = MIN (self->n_shown + 1, FPS_MAX_SAMPLES);

  oldest = (self->shown_head + FPS_MAX_SAMPLES - self->n_shown) % FPS_MAX_SAMPLES;
  for (guint i = 0; i < self->n_shown; i++)
    {
      gint64 t = self->shown_times[(oldest + i) % FPS_MAX_SAMPLES];
      if (now - t <= FPS_WINDOW_US)
        {
          if (n == 0)
            first = t;
          n++;
        }
    }
  /* Intervals over time: right from the second frame on, not only after a
   * whole second. */
  if (n >= 2 && now > first)
    set_display_fps (self, (n - 1) * (double) G_USEC_PER_SEC / (now - first));
}

static gboolean
show_frame_cb (gpointer data)
{
  Shared *shared = data;
  g_autoptr(VsCamera) self = g_weak_ref_get (&shared->camera);
  g_autoptr(VsVideoFrame) frame = NULL;

  g_mutex_lock (&shared->lock);
  frame = g_steal_pointer (&shared->frame);
  shared->frame_scheduled = FALSE;
  g_mutex_unlock (&shared->lock);

  if (self == NULL || frame == NULL || self->pipeline == NULL)
    return G_SOURCE_REMOVE;

  g_clear_pointer (&self->display_frame, vs_video_frame_unref);
  self->display_frame = vs_video_frame_ref (frame);
  count_shown_frame (self, g_get_monotonic_time ());
  g_signal_emit (self, signals[SIGNAL_DISPLAY_FRAME], 0, frame);
  return G_SOURCE_REMOVE;
}

static gboolean
publish_info_cb (gpointer data)
{
  Shared *shared = data;
  g_autoptr(VsCamera) self = g_weak_ref_get (&shared->camera);
  int width, height;
  double fps;

  g_mutex_lock (&shared->lock);
  width = shared->width;
  height = shared->height;
  fps = shared->fps;
  shared->info_scheduled = FALSE;
  g_mutex_unlock (&shared->lock);

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->frame_width != width)
    {
      self->frame_width = width;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME_WIDTH]);
    }
  if (self->frame_height != height)
    {
      self->frame_height = height;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME_HEIGHT]);
    }
  if (self->source_fps != fps)
    {
      self->source_fps = fps;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_FPS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return G_SOURCE_REMOVE;
}

/* Streaming threads. --------------------------------------------------------- */

typedef struct {
  GstVideoFrame frame;
} MappedFrame;

static void
mapped_frame_free (gpointer data)
{
  MappedFrame *mapped = data;

  gst_video_frame_unmap (&mapped->frame);
  g_free (mapped);
}

static MappedFrame *
map_sample (GstSample *sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  MappedFrame *mapped;
  GstVideoInfo info;

  if (buffer == NULL || caps == NULL || !gst_video_info_from_caps (&info, caps))
    return NULL;

  /* The mapping holds a reference on the buffer until unmapped. */
  mapped = g_new0 (MappedFrame, 1);
  if (!gst_video_frame_map (&mapped->frame, &info, buffer, GST_MAP_READ))
    {
      g_free (mapped);
      return NULL;
    }
  return mapped;
}

static guint64
frame_number_of (GstBuffer *buffer)
{
  return GST_BUFFER_OFFSET_IS_VALID (buffer) ? GST_BUFFER_OFFSET (buffer) : 0;
}

static GstFlowReturn
display_new_sample (GstAppSink *sink,
                    gpointer    user_data)
{
  VsCamera *self = user_data;
  Shared *shared = self->shared;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VsVideoFrame) shown = NULL;
  MappedFrame *mapped;
  GstVideoFrame *frame;
  gboolean schedule;
  gsize stride;
  int height;

  if (sample == NULL || (mapped = map_sample (sample)) == NULL)
    return GST_FLOW_OK;

  frame = &mapped->frame;
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  height = GST_VIDEO_FRAME_HEIGHT (frame);
  /* No copy: the bytes keep the mapped buffer alive (and so does the
   * texture the app makes of them). */
  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (frame, 0), stride * height,
                                      mapped_frame_free, mapped);
  shown = vs_video_frame_new (bytes, GST_VIDEO_FRAME_WIDTH (frame), height, stride,
                              (double) GST_VIDEO_INFO_PAR_N (&frame->info) /
                              MAX (GST_VIDEO_INFO_PAR_D (&frame->info), 1),
                              frame_number_of (frame->buffer), now);

  g_mutex_lock (&shared->lock);
  g_clear_pointer (&shared->frame, vs_video_frame_unref);
  shared->frame = g_steal_pointer (&shown);
  schedule = !shared->frame_scheduled;
  shared->frame_scheduled = TRUE;
  g_mutex_unlock (&shared->lock);

  if (schedule)
    shared_schedule (shared, show_frame_cb);
  return GST_FLOW_OK;
}

/* The frame's time on the camera's frame clock: its running time (so a
 * looping file or a slideshow keeps counting up), plus an offset that makes
 * the clock jump by VS_CAMERA_DISCONTINUITY_US at a discontinuity (a new
 * picture of images:, a loop or seek of a file, a restart) and never run
 * backwards. Recognition streaming thread. */
static gint64
frame_time_of (VsCamera  *self,
               GstSample *sample,
               GstBuffer *buffer,
               guint64    number,
               gint64     now)
{
  const GstSegment *segment = gst_sample_get_segment (sample);
  guint64 running = GST_CLOCK_TIME_NONE;
  gboolean cut = FALSE;
  gboolean discontinuity;
  gint64 time_us;

  /* A cut at this frame or at one dropped since the last: this frame is
   * the first of a new scene. */
  g_mutex_lock (&self->cuts_lock);
  while (self->cuts->len > 0 && g_array_index (self->cuts, guint64, 0) <= number)
    {
      cut = TRUE;
      g_array_remove_index (self->cuts, 0);
    }
  g_mutex_unlock (&self->cuts_lock);

  if (segment != NULL && segment->format == GST_FORMAT_TIME && GST_BUFFER_PTS_IS_VALID (buffer))
    running = gst_segment_to_running_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  /* Without timestamps, the arrival is the best guess. */
  time_us = (running != GST_CLOCK_TIME_NONE ? (gint64) (running / GST_USECOND) : now) + self->time_offset_us;

  discontinuity = self->clock_started &&
                  (!self->run_started || cut || time_us < self->last_time_us);
  if (discontinuity)
    {
      self->time_offset_us += self->last_time_us + VS_CAMERA_DISCONTINUITY_US - time_us;
      time_us = self->last_time_us + VS_CAMERA_DISCONTINUITY_US;
      g_debug ("%s: discontinuity at frame %" G_GUINT64_FORMAT, self->source, number);
    }
  self->clock_started = TRUE;
  self->run_started = TRUE;
  self->last_time_us = time_us;
  return time_us;
}

static GstFlowReturn
recognition_new_sample (GstAppSink *sink,
                        gpointer    user_data)
{
  VsCamera *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr(VsImage) image = NULL;
  MappedFrame *mapped;
  guint64 number;
  gint64 time_us;

  if (sample == NULL || (mapped = map_sample (sample)) == NULL)
    return GST_FLOW_OK;

  number = frame_number_of (mapped->frame.buffer);
  time_us = frame_time_of (self, sample, mapped->frame.buffer, number, now);
  image = vs_image_new_wrap (GST_VIDEO_FRAME_WIDTH (&mapped->frame),
                             GST_VIDEO_FRAME_HEIGHT (&mapped->frame),
                             GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0),
                             GST_VIDEO_FRAME_PLANE_DATA (&mapped->frame, 0),
                             mapped_frame_free, mapped);

  g_mutex_lock (&self->func_lock);
  if (self->func != NULL)
    self->func (image, time_us, number, self->func_data);
  /* Counted for the function or the taps: the app watches through taps. */
  if (self->func != NULL || self->taps->len > 0)
    g_atomic_pointer_add (&self->delivered, 1);
  for (guint i = 0; i < self->taps->len; i++)
    {
      const FrameTap *tap = &g_array_index (self->taps, FrameTap, i);
      tap->func (image, time_us, number, tap->data);
    }
  g_mutex_unlock (&self->func_lock);

  return GST_FLOW_OK;
}

/* The size for a branch that works on at most `limit` pixels on the long
 * side, aspect ratio (including non-square pixels) kept. */
static GstCaps *
scaled_caps (guint               limit,
             const GstVideoInfo *info)
{
  double width = (double) GST_VIDEO_INFO_WIDTH (info) * GST_VIDEO_INFO_PAR_N (info) /
                 MAX (GST_VIDEO_INFO_PAR_D (info), 1);
  double height = GST_VIDEO_INFO_HEIGHT (info);
  double scale = MIN (1.0, limit / MAX (width, height));

  return gst_caps_new_simple ("video/x-raw",
                              "width", G_TYPE_INT, MAX (1, (int) round (width * scale)),
                              "height", G_TYPE_INT, MAX (1, (int) round (height * scale)),
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
}

/* Frame `number` starts a new scene (tee probe, before any branch). */
static void
add_cut (VsCamera *self,
         guint64   number)
{
  g_mutex_lock (&self->cuts_lock);
  g_array_append_val (self->cuts, number);
  g_mutex_unlock (&self->cuts_lock);
}

static GstPadProbeReturn
tee_probe (GstPad          *pad,
           GstPadProbeInfo *info,
           gpointer         user_data)
{
  VsCamera *self = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      /* Number frames once, before the branches: both sinks see the same
       * number (filters copy the offset) so the worker's results can be
       * matched to the frame shown. */
      GstBuffer *buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));

      /* A slideshow marks its new pictures; a camera's DISCONT only means
       * dropped frames, the same faces are still there. */
      if (self->kind == SOURCE_IMAGES && GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT))
        add_cut (self, self->next_frame);
      GST_BUFFER_OFFSET (buffer) = self->next_frame++;
      GST_PAD_PROBE_INFO_DATA (info) = buffer;
    }
  else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_SEGMENT)
    {
      /* Every segment after the first is a seek or a loop of the file. */
      if (self->segment_seen)
        add_cut (self, self->next_frame);
      self->segment_seen = TRUE;
    }
  else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_CAPS)
    {
      GstCaps *caps;
      GstVideoInfo video;
      gboolean schedule;

      gst_event_parse_caps (GST_PAD_PROBE_INFO_EVENT (info), &caps);
      if (!gst_video_info_from_caps (&video, caps))
        return GST_PAD_PROBE_OK;

      /* Set before the caps event travels down the recognition branch, so
       * videoscale negotiates the new size directly. */
      {
        g_autoptr(GstCaps) target = scaled_caps (self->recognition_size, &video);
        g_object_set (self->recognition_filter, "caps", target, NULL);
      }
      if (self->display_filter != NULL)
        {
          g_autoptr(GstCaps) target = scaled_caps (VS_CAMERA_DISPLAY_SIZE, &video);
          g_object_set (self->display_filter, "caps", target, NULL);
        }

      g_mutex_lock (&self->shared->lock);
      self->shared->width = GST_VIDEO_INFO_WIDTH (&video);
      self->shared->height = GST_VIDEO_INFO_HEIGHT (&video);
      if (self->kind == SOURCE_IMAGES)
        self->shared->fps = self->fps;
      else
        self->shared->fps = GST_VIDEO_INFO_FPS_D (&video) > 0
                            ? (double) GST_VIDEO_INFO_FPS_N (&video) / GST_VIDEO_INFO_FPS_D (&video)
                            : 0.0;
      schedule = !self->shared->info_scheduled;
      self->shared->info_scheduled = TRUE;
      g_mutex_unlock (&self->shared->lock);

      if (schedule)
        shared_schedule (self->shared, publish_info_cb);
    }
  return GST_PAD_PROBE_OK;
}

static void
pad_added_cb (GstElement *element,
              GstPad     *pad,
              gpointer    user_data)
{
  VsCamera *self = user_data;
  g_autoptr(GstPad) sink = gst_element_get_static_pad (self->link_target, "sink");
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  GstPadLinkReturn ret;

  if (gst_pad_is_linked (sink))
    return;
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps == NULL || gst_caps_is_empty (caps) ||
      !g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/"))
    return;

  ret = gst_pad_link (pad, sink);
  if (GST_PAD_LINK_FAILED (ret))
    g_debug ("Could not link %s: %s", GST_PAD_NAME (pad), gst_pad_link_get_name (ret));
}

static void
no_more_pads_cb (GstElement *element,
                 gpointer    user_data)
{
  VsCamera *self = user_data;
  g_autoptr(GstPad) sink = gst_element_get_static_pad (self->link_target, "sink");

  if (!gst_pad_is_linked (sink))
    gst_element_post_message (element,
                              gst_message_new_application (GST_OBJECT (element),
                                                           gst_structure_new_empty ("visage-no-video")));
}

/* Building the pipeline. ----------------------------------------------------- */

static GstElement *
make_element (GstBin      *bin,
              const char  *factory,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_MISSING_PLUGIN,
                   _("The GStreamer element “%s” is missing: install the GStreamer plug-ins"),
                   factory);
      return NULL;
    }
  gst_bin_add (bin, element);
  return element;
}

static gboolean
link_elements (GError **error,
               GstElement *first,
               ...)
{
  GstElement *element = first;
  GstElement *next;
  va_list args;
  gboolean ok = TRUE;

  va_start (args, first);
  while (ok && (next = va_arg (args, GstElement *)) != NULL)
    {
      if (!gst_element_link (element, next))
        {
          g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_FAILED,
                       _("Could not build the video pipeline (%s ↛ %s)"),
                       GST_ELEMENT_NAME (element), GST_ELEMENT_NAME (next));
          ok = FALSE;
        }
      element = next;
    }
  va_end (args);
  return ok;
}

static GstElement *
build_test_source (VsCamera  *self,
                   GstBin    *bin,
                   GError   **error)
{
  GstElement *src, *filter;
  g_autoptr(GstCaps) caps = NULL;
  GParamSpec *pspec;

  if (!(src = make_element (bin, "videotestsrc", error)) ||
      !(filter = make_element (bin, "capsfilter", error)))
    return NULL;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (src), "pattern");
  if (pspec == NULL || !G_IS_PARAM_SPEC_ENUM (pspec) ||
      g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (pspec)->enum_class, self->location) == NULL)
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_INVALID_SOURCE,
                   _("Unknown test pattern “%s”"), self->location);
      return NULL;
    }
  gst_util_set_object_arg (G_OBJECT (src), "pattern", self->location);
  g_object_set (src, "is-live", TRUE, NULL);

  caps = gst_caps_from_string ("video/x-raw,width=1280,height=720,framerate=30/1,pixel-aspect-ratio=1/1");
  g_object_set (filter, "caps", caps, NULL);
  if (!link_elements (error, src, filter, NULL))
    return NULL;
  return filter;
}

static gboolean
build_file_source (VsCamera    *self,
                   GstBin      *bin,
                   GstElement  *target,
                   GError     **error)
{
  g_autofree char *uri = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstElement *decode;

  if (!g_file_test (self->location, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_FOUND,
                   _("Could not open the video “%s”: %s"), self->display_name, g_strerror (ENOENT));
      return FALSE;
    }
  if (!g_file_test (self->location, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_VIDEO,
                   _("This file is not a video Visage can play: “%s” is not a file"),
                   self->display_name);
      return FALSE;
    }

  if (!(decode = make_element (bin, "uridecodebin", error)))
    return FALSE;
  uri = gst_filename_to_uri (self->location, error);
  if (uri == NULL)
    return FALSE;
  /* Video only: other streams are neither decoded nor exposed. */
  /* "(ANY)": with plain video/x-raw and expose-all-streams off, decodebin
   * 1.22 refuses H.264 decoders and stalls. */
  caps = gst_caps_from_string ("video/x-raw(ANY)");
  g_object_set (decode, "uri", uri, "caps", caps, "expose-all-streams", FALSE, NULL);
  g_signal_connect (decode, "pad-added", G_CALLBACK (pad_added_cb), self);
  g_signal_connect (decode, "no-more-pads", G_CALLBACK (no_more_pads_cb), self);
  self->link_target = target;
  return TRUE;
}

static GstElement *
build_images_source (VsCamera  *self,
                     GstBin    *bin,
                     GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GdkPixbuf) first = NULL;
  g_autoptr(GstCaps) caps = NULL;
  Slideshow *show;
  GstElement *src;
  GstAppSrcCallbacks callbacks = { .need_data = slideshow_need_data };
  const char *name;
  int fps_n, fps_d;

  if (!g_file_test (self->location, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_FOUND,
                   _("Could not open the folder “%s”: %s"), self->display_name,
                   g_file_test (self->location, G_FILE_TEST_EXISTS) ? _("it is not a folder")
                                                                    : g_strerror (ENOENT));
      return NULL;
    }
  dir = g_dir_open (self->location, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_FOUND,
                   _("Could not open the folder “%s”: %s"), self->display_name, local_error->message);
      return NULL;
    }

  show = g_new0 (Slideshow, 1);
  self->slideshow = show;
  show->paths = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_picture_name (name))
      g_ptr_array_add (show->paths, g_build_filename (self->location, name, NULL));
  g_ptr_array_sort (show->paths, compare_paths);

  /* Caps must be fixed: every picture is shown at the size of the first. */
  while (show->paths->len > 0 && (first = load_picture (g_ptr_array_index (show->paths, 0))) == NULL)
    g_ptr_array_remove_index (show->paths, 0);
  if (first == NULL)
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NO_PICTURES,
                   _("There are no JPEG or PNG pictures in the folder “%s”"), self->display_name);
      return NULL;
    }

  show->fps = self->fps;
  show->hold_frames = (guint64) MAX (1, llround (self->hold * self->fps));
  show->once = !is_real_time (self);
  gst_video_info_set_format (&show->info, GST_VIDEO_FORMAT_RGB,
                             gdk_pixbuf_get_width (first), gdk_pixbuf_get_height (first));
  gst_util_double_to_fraction (self->fps, &fps_n, &fps_d);
  GST_VIDEO_INFO_FPS_N (&show->info) = fps_n;
  GST_VIDEO_INFO_FPS_D (&show->info) = fps_d;
  show->use_cache = (guint64) GST_VIDEO_INFO_SIZE (&show->info) * show->paths->len <= SLIDESHOW_CACHE_BYTES;
  show->cache = g_ptr_array_new_with_free_func (buffer_unref0);
  g_ptr_array_set_size (show->cache, show->paths->len);
  if (show->use_cache)
    g_ptr_array_index (show->cache, 0) = render_picture (&show->info, first);

  if (!(src = make_element (bin, "appsrc", error)))
    return NULL;
  caps = gst_video_info_to_caps (&show->info);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "is-live", FALSE, NULL);
  gst_app_src_set_callbacks (GST_APP_SRC (src), &callbacks, show, NULL);
  return src;
}

static gboolean
build_device_source (VsCamera    *self,
                     GstBin      *bin,
                     GstElement  *target,
                     GError     **error)
{
  g_autoptr(GstDevice) device = vs_devices_dup_device (self->devices, self->location);
  g_autoptr(GstCaps) caps = NULL;
  GstElement *src, *filter, *decode;

  if (device == NULL)
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_DISCONNECTED,
                   _("The camera “%s” is not connected"), self->display_name);
      return FALSE;
    }

  g_free (self->display_name);
  self->display_name = gst_device_get_display_name (device);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);

  src = gst_device_create_element (device, NULL);
  if (src == NULL)
    {
      g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_OPEN,
                   _("Could not open the camera: %s"), _("GStreamer has no element for it"));
      return FALSE;
    }
  gst_bin_add (bin, src);
  if (!(filter = make_element (bin, "capsfilter", error)) ||
      !(decode = make_element (bin, "decodebin", error)))
    return FALSE;

  /* Prefer a fluid HD-or-smaller mode; motion JPEG is decoded by decodebin.
   * The last structures accept whatever the camera offers otherwise. */
  caps = gst_caps_from_string ("video/x-raw,width=[1,1280],height=[1,720],framerate=[15/1,2147483647/1];"
                               "image/jpeg,width=[1,1280],height=[1,720],framerate=[15/1,2147483647/1];"
                               "video/x-raw;image/jpeg");
  g_object_set (filter, "caps", caps, NULL);
  if (!link_elements (error, src, filter, decode, NULL))
    return FALSE;
  g_signal_connect (decode, "pad-added", G_CALLBACK (pad_added_cb), self);
  self->link_target = target;
  return TRUE;
}

static GstElement *
build_pipeline (VsCamera  *self,
                GError   **error)
{
  g_autoptr(GstElement) pipeline = gst_pipeline_new ("visage-camera");
  GstBin *bin = GST_BIN (pipeline);
  gboolean real_time = is_real_time (self);
  GstElement *convert, *tee, *queue, *scale, *filter, *rconvert, *sink, *head = NULL;
  GstElement *pace = NULL;
  GstAppSinkCallbacks display_callbacks = { .new_sample = display_new_sample };
  GstAppSinkCallbacks recognition_callbacks = { .new_sample = recognition_new_sample };
  g_autoptr(GstCaps) bgra = gst_caps_from_string ("video/x-raw,format=BGRA");
  g_autoptr(GstCaps) bgr = gst_caps_from_string ("video/x-raw,format=BGR");
  g_autoptr(GstCaps) any = gst_caps_from_string ("video/x-raw");
  g_autoptr(GstPad) tee_sink = NULL;

  if (!(convert = make_element (bin, "videoconvert", error)) ||
      !(tee = make_element (bin, "tee", error)))
    return NULL;

  /* Files and slideshows run as fast as they can decode; in real time they
   * are paced here, once for both branches (the recognition sink does not
   * sync, to get each frame as soon as it exists). */
  if (real_time && (self->kind == SOURCE_FILE || self->kind == SOURCE_IMAGES))
    {
      if (!(pace = make_element (bin, "clocksync", error)))
        return NULL;
      if (!link_elements (error, convert, pace, tee, NULL))
        return NULL;
    }
  else if (!link_elements (error, convert, tee, NULL))
    return NULL;

  /* (a) display */
  if (!(self->flags & VS_CAMERA_NO_DISPLAY))
    {
      GstElement *dqueue, *dscale, *dfilter, *dconvert, *dsink;

      if (!(dqueue = make_element (bin, "queue", error)) ||
          !(dscale = make_element (bin, "videoscale", error)) ||
          !(dfilter = make_element (bin, "capsfilter", error)) ||
          !(dconvert = make_element (bin, "videoconvert", error)) ||
          !(dsink = make_element (bin, "appsink", error)))
        return NULL;
      g_object_set (dfilter, "caps", any, NULL);
      g_object_set (dqueue, "max-size-buffers", 3, "max-size-bytes", 0, "max-size-time", (guint64) 0, NULL);
      g_object_set (dsink,
                    "caps", bgra,
                    "max-buffers", 1,
                    "drop", TRUE,
                    "sync", real_time,
                    "enable-last-sample", FALSE,
                    NULL);
      gst_app_sink_set_callbacks (GST_APP_SINK (dsink), &display_callbacks, self, NULL);
      if (!link_elements (error, tee, dqueue, dscale, dfilter, dconvert, dsink, NULL))
        return NULL;
      self->display_filter = dfilter;
    }

  /* (b) recognition: the newest frame only, unless every frame must go. */
  if (!(queue = make_element (bin, "queue", error)) ||
      !(scale = make_element (bin, "videoscale", error)) ||
      !(filter = make_element (bin, "capsfilter", error)) ||
      !(rconvert = make_element (bin, "videoconvert", error)) ||
      !(sink = make_element (bin, "appsink", error)))
    return NULL;
  if (real_time)
    g_object_set (queue, "leaky", 2 /* downstream */, "max-size-buffers", 1,
                  "max-size-bytes", 0, "max-size-time", (guint64) 0, NULL);
  else
    g_object_set (queue, "max-size-buffers", 4, "max-size-bytes", 0, "max-size-time", (guint64) 0, NULL);
  g_object_set (filter, "caps", any, NULL);
  g_object_set (sink,
                "caps", bgr,
                "max-buffers", 1,
                "drop", real_time,
                "sync", FALSE,
                "enable-last-sample", FALSE,
                NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &recognition_callbacks, self, NULL);
  if (!link_elements (error, tee, queue, scale, filter, rconvert, sink, NULL))
    return NULL;
  self->recognition_filter = filter;

  tee_sink = gst_element_get_static_pad (tee, "sink");
  gst_pad_add_probe (tee_sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     tee_probe, self, NULL);

  /* the source */
  switch (self->kind)
    {
    case SOURCE_TEST:
      head = build_test_source (self, bin, error);
      break;
    case SOURCE_IMAGES:
      head = build_images_source (self, bin, error);
      break;
    case SOURCE_FILE:
      if (!build_file_source (self, bin, convert, error))
        return NULL;
      break;
    case SOURCE_DEVICE:
      if (!build_device_source (self, bin, convert, error))
        return NULL;
      break;
    default:
      g_assert_not_reached ();
    }
  if (head != NULL && !link_elements (error, head, convert, NULL))
    return NULL;
  if (head == NULL && self->link_target == NULL)
    return NULL;

  return g_steal_pointer (&pipeline);
}

/* The bus. ------------------------------------------------------------------- */

static void
start_looping (VsCamera *self)
{
  /* A segment seek ends with SEGMENT_DONE instead of EOS, and the next
   * non-flushing segment seek continues seamlessly. */
  self->looping = gst_element_seek (self->pipeline, 1.0, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_SEGMENT,
                                    GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
  g_debug ("%s: segment looping %s", self->source, self->looping ? "on" : "not supported");
}

static GError *
error_for_message (VsCamera *self,
                   GError   *gst_error,
                   gboolean  missing_plugin)
{
  switch (self->kind)
    {
    case SOURCE_FILE:
      if (missing_plugin)
        return g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_MISSING_PLUGIN,
                            _("This file is not a video Visage can play: %s"),
                            _("a GStreamer plug-in needed to decode it is not installed"));
      /* GStreamer's message is a sentence of its own: not glued on. */
      return g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_VIDEO,
                          _("This file is not a video Visage can play. %s"), gst_error->message);
    case SOURCE_DEVICE:
      if (self->state == VS_CAMERA_STATE_PLAYING && gst_error->domain == GST_RESOURCE_ERROR)
        return g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_DISCONNECTED,
                            _("The camera “%s” was disconnected"), self->display_name);
      return g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_OPEN,
                          _("Could not open the camera. %s"), gst_error->message);
    case SOURCE_IMAGES:
    case SOURCE_TEST:
    default:
      return g_error_new (VS_CAMERA_ERROR, missing_plugin ? VS_CAMERA_ERROR_MISSING_PLUGIN
                                                          : VS_CAMERA_ERROR_FAILED,
                          _("The video stopped. %s"), gst_error->message);
    }
}

static gboolean
video_linked (VsCamera *self)
{
  g_autoptr(GstPad) sink = NULL;

  if (self->link_target == NULL)
    return TRUE;
  sink = gst_element_get_static_pad (self->link_target, "sink");
  return gst_pad_is_linked (sink);
}

/* debug reads "…Missing decoder: H.264 (video/x-h264, …)". */
static GError *
missing_decoder_error (VsCamera   *self,
                       const char *debug)
{
  const char *start = strstr (debug, "Missing decoder: ");
  g_autofree char *what = NULL;
  g_autofree char *reason = NULL;

  if (start != NULL)
    {
      const char *end;

      start += strlen ("Missing decoder: ");
      end = strstr (start, " (");
      what = end != NULL ? g_strndup (start, end - start) : NULL;
    }
  if (what != NULL)
    /* Translators: %s is a video format, such as H.264 */
    reason = g_strdup_printf (_("the GStreamer plug-in that decodes %s is not installed"), what);
  else
    reason = g_strdup (_("a GStreamer plug-in needed to decode it is not installed"));

  return g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_MISSING_PLUGIN,
                      self->kind == SOURCE_DEVICE ? _("Could not open the camera: %s")
                                                  : _("This file is not a video Visage can play: %s"),
                      reason);
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  VsCamera *self = user_data;

  if (self->pipeline == NULL)
    return G_SOURCE_CONTINUE;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) gst_error = NULL;
        g_autofree char *debug = NULL;
        gboolean missing;

        gst_message_parse_error (message, &gst_error, &debug);
        g_debug ("%s: error from %s: %s (%s)", self->source, GST_MESSAGE_SRC_NAME (message),
                 gst_error->message, debug ? debug : "");
        missing = g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN) ||
                  g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND);
        fail (self, error_for_message (self, gst_error, missing));
      }
      break;

    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) warning = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_warning (message, &warning, &debug);
        g_debug ("%s: warning from %s: %s (%s)", self->source, GST_MESSAGE_SRC_NAME (message),
                 warning->message, debug ? debug : "");
        /* decodebin only warns when it has no decoder for the video, and
         * then may wait forever for a stream that never comes. */
        if (g_error_matches (warning, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND) &&
            debug != NULL && strstr (debug, "video/") != NULL && !video_linked (self))
          fail (self, missing_decoder_error (self, debug));
      }
      break;

    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (message, "visage-no-video"))
        fail (self, g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_VIDEO,
                                 _("This file is not a video Visage can play: %s"),
                                 _("it has no video track")));
      break;

    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->pipeline))
        {
          GstState new_state;

          gst_message_parse_state_changed (message, NULL, &new_state, NULL);
          if (new_state == GST_STATE_PLAYING && self->state == VS_CAMERA_STATE_STARTING)
            set_state (self, VS_CAMERA_STATE_PLAYING);
        }
      break;

    case GST_MESSAGE_ASYNC_DONE:
      if (self->kind == SOURCE_FILE && is_real_time (self) && !self->looping)
        start_looping (self);
      break;

    case GST_MESSAGE_SEGMENT_DONE:
      gst_element_seek (self->pipeline, 1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_SEGMENT,
                        GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
      break;

    case GST_MESSAGE_EOS:
      if (is_real_time (self))
        {
          /* Only when segment seeks are not supported by the demuxer. */
          g_debug ("%s: end of stream, starting over", self->source);
          gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH, 0);
        }
      else
        {
          g_autoptr(GObject) guard = g_object_ref (G_OBJECT (self));

          g_debug ("%s: end of stream after %" G_GUINT64_FORMAT " frames", self->source,
                   vs_camera_get_frames_delivered (self));
          teardown (self);
          set_state (self, VS_CAMERA_STATE_STOPPED);
          g_signal_emit (self, signals[SIGNAL_EOS], 0);
        }
      break;

    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* Device sources: unplugging is seen here even when the driver does not
 * report an error, and the camera restarts by itself when plugged back. */
static void
devices_changed_cb (VsCamera   *self,
                    guint       position,
                    guint       removed,
                    guint       added,
                    GListModel *devices)
{
  gboolean present = vs_devices_find (self->devices, self->location) != NULL;

  if (!present && self->pipeline != NULL)
    fail (self, g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_DISCONNECTED,
                             _("The camera “%s” was disconnected"), self->display_name));
  else if (present && self->state == VS_CAMERA_STATE_DISCONNECTED)
    {
      g_debug ("%s: camera is back", self->source);
      vs_camera_start (self);
    }
}

/* On some damaged files (an MP4 whose atoms are scrambled after the header)
 * the demuxer's error is swallowed inside decodebin3 and the pipeline waits
 * forever: a file that has not started playing after this long is not a
 * video Visage can play. Never reached by a file that plays, even on a busy
 * machine: prerolling a file takes well under a second. */
#define FILE_START_TIMEOUT_S 20

static gboolean
start_watchdog_cb (gpointer data)
{
  VsCamera *self = data;

  g_clear_pointer (&self->start_watchdog, g_source_unref);
  g_debug ("%s: not playing after %d s", self->source, FILE_START_TIMEOUT_S);
  fail (self, g_error_new (VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_VIDEO,
                           _("This file is not a video Visage can play: %s"),
                           _("it is damaged or incomplete")));
  return G_SOURCE_REMOVE;
}

/* Public API. ---------------------------------------------------------------- */

void
vs_camera_start (VsCamera *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;

  g_return_if_fail (VS_IS_CAMERA (self));

  if (self->pipeline != NULL || self->fail_source != NULL)
    return;

  if (self->kind == SOURCE_DEVICE && self->devices == NULL)
    {
      self->devices = vs_devices_get_default ();
      g_signal_connect_object (self->devices, "items-changed",
                               G_CALLBACK (devices_changed_cb), self, G_CONNECT_SWAPPED);
    }

  g_clear_error (&self->error);
  self->next_frame = 0;
  g_atomic_pointer_set (&self->delivered, 0);
  /* No streaming thread runs now. */
  g_array_set_size (self->cuts, 0);
  self->segment_seen = FALSE;
  self->run_started = FALSE;
  set_state (self, VS_CAMERA_STATE_STARTING);

  self->pipeline = build_pipeline (self, &error);
  if (self->pipeline == NULL)
    {
      g_clear_pointer (&self->slideshow, slideshow_free);
      self->link_target = NULL;
      self->recognition_filter = NULL;
      self->display_filter = NULL;
      fail_later (self, g_steal_pointer (&error));
      return;
    }
  gst_object_ref_sink (self->pipeline);

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc) (void (*) (void)) bus_cb, self, NULL);
  g_source_set_static_name (self->bus_source, "[visage] camera bus");
  g_source_attach (self->bus_source, self->context);

  if (self->kind == SOURCE_FILE)
    {
      self->start_watchdog = g_timeout_source_new_seconds (FILE_START_TIMEOUT_S);
      g_source_set_callback (self->start_watchdog, start_watchdog_cb, self, NULL);
      g_source_set_static_name (self->start_watchdog, "[visage] camera start watchdog");
      g_source_attach (self->start_watchdog, self->context);
    }

  /* A failure here is also posted on the bus, with the reason. */
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    g_debug ("%s: the pipeline refused to start", self->source);
}

void
vs_camera_stop (VsCamera *self)
{
  g_return_if_fail (VS_IS_CAMERA (self));

  teardown (self);
  set_state (self, VS_CAMERA_STATE_STOPPED);
}

void
vs_camera_set_frame_func (VsCamera          *self,
                          VsCameraFrameFunc  func,
                          gpointer           data,
                          GDestroyNotify     destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (VS_IS_CAMERA (self));

  g_mutex_lock (&self->func_lock);
  old_destroy = self->func_destroy;
  old_data = self->func_data;
  self->func = func;
  self->func_data = data;
  self->func_destroy = destroy;
  g_mutex_unlock (&self->func_lock);

  if (old_destroy != NULL)
    old_destroy (old_data);
}

guint
vs_camera_add_frame_tap (VsCamera          *self,
                         VsCameraFrameFunc  func,
                         gpointer           data,
                         GDestroyNotify     destroy)
{
  FrameTap tap = { 0, func, data, destroy };

  g_return_val_if_fail (VS_IS_CAMERA (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  g_mutex_lock (&self->func_lock);
  tap.id = ++self->next_tap_id;
  g_array_append_val (self->taps, tap);
  g_mutex_unlock (&self->func_lock);
  return tap.id;
}

void
vs_camera_remove_frame_tap (VsCamera *self,
                            guint     tap_id)
{
  FrameTap removed = { 0 };

  g_return_if_fail (VS_IS_CAMERA (self));

  g_mutex_lock (&self->func_lock);
  for (guint i = 0; i < self->taps->len; i++)
    if (g_array_index (self->taps, FrameTap, i).id == tap_id)
      {
        removed = g_array_index (self->taps, FrameTap, i);
        g_array_remove_index (self->taps, i);
        break;
      }
  g_mutex_unlock (&self->func_lock);

  if (removed.destroy != NULL)
    removed.destroy (removed.data);
}

const char *
vs_camera_get_source (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), NULL);
  return self->source;
}

VsCameraFlags
vs_camera_get_flags (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), 0);
  return self->flags;
}

const char *
vs_camera_get_display_name (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), NULL);
  return self->display_name;
}

VsCameraState
vs_camera_get_state (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), VS_CAMERA_STATE_STOPPED);
  return self->state;
}

const GError *
vs_camera_get_error (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), NULL);
  return self->error;
}

VsVideoFrame *
vs_camera_get_display_frame (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), NULL);
  return self->display_frame;
}

double
vs_camera_get_source_fps (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), 0.0);
  return self->source_fps;
}

double
vs_camera_get_display_fps (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), 0.0);
  return self->display_fps;
}

void
vs_camera_get_frame_size (VsCamera *self,
                          int      *width,
                          int      *height)
{
  g_return_if_fail (VS_IS_CAMERA (self));
  if (width != NULL)
    *width = self->frame_width;
  if (height != NULL)
    *height = self->frame_height;
}

double
vs_camera_get_fps (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), 0.0);
  return self->fps;
}

void
vs_camera_set_fps (VsCamera *self,
                   double    fps)
{
  g_return_if_fail (VS_IS_CAMERA (self));
  g_return_if_fail (fps > 0);

  if (self->fps == fps)
    return;
  self->fps = fps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FPS]);
}

double
vs_camera_get_hold (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), 0.0);
  return self->hold;
}

void
vs_camera_set_hold (VsCamera *self,
                    double    seconds)
{
  g_return_if_fail (VS_IS_CAMERA (self));
  g_return_if_fail (seconds > 0);

  if (self->hold == seconds)
    return;
  self->hold = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLD]);
}

guint
vs_camera_get_recognition_size (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), 0);
  return self->recognition_size;
}

void
vs_camera_set_recognition_size (VsCamera *self,
                                guint     size)
{
  g_return_if_fail (VS_IS_CAMERA (self));
  g_return_if_fail (size >= 16);

  if (self->recognition_size == size)
    return;
  self->recognition_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOGNITION_SIZE]);
}

guint64
vs_camera_get_frames_delivered (VsCamera *self)
{
  g_return_val_if_fail (VS_IS_CAMERA (self), 0);
  return (guint64) g_atomic_pointer_get (&self->delivered);
}

/* GObject. ------------------------------------------------------------------- */

static gboolean
parse_source (VsCamera    *self,
              const char  *source,
              GError     **error)
{
  const char *colon = strchr (source, ':');
  g_autofree char *scheme = colon ? g_strndup (source, colon - source) : g_strdup (source);
  const char *rest = colon ? colon + 1 : "";

  if (g_str_equal (scheme, "test"))
    {
      self->kind = SOURCE_TEST;
      self->location = g_strdup (*rest != '\0' ? rest : "ball");
      self->display_name = g_strdup (_("Test pattern"));
    }
  else if (g_str_equal (scheme, "file") && *rest != '\0')
    {
      self->kind = SOURCE_FILE;
      /* file:///path URIs too */
      if (g_str_has_prefix (rest, "//"))
        self->location = g_filename_from_uri (source, NULL, NULL);
      else
        self->location = g_canonicalize_filename (rest, NULL);
      if (self->location == NULL)
        goto invalid;
      self->display_name = g_filename_display_basename (self->location);
    }
  else if (g_str_equal (scheme, "images") && *rest != '\0')
    {
      self->kind = SOURCE_IMAGES;
      self->location = g_canonicalize_filename (rest, NULL);
      self->display_name = g_filename_display_basename (self->location);
    }
  else if (g_str_equal (scheme, "device") && *rest != '\0')
    {
      self->kind = SOURCE_DEVICE;
      self->location = g_strdup (rest);
      self->display_name = g_strdup (rest);
    }
  else
    goto invalid;

  return TRUE;

invalid:
  g_set_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_INVALID_SOURCE,
               _("Unknown video source “%s”: use test, file:PATH, images:FOLDER or device:ID"),
               source);
  return FALSE;
}

static void
vs_camera_dispose (GObject *object)
{
  VsCamera *self = VS_CAMERA (object);

  teardown (self);
  vs_camera_set_frame_func (self, NULL, NULL, NULL);
  while (self->taps->len > 0)
    vs_camera_remove_frame_tap (self, g_array_index (self->taps, FrameTap, 0).id);
  g_clear_pointer (&self->display_frame, vs_video_frame_unref);
  g_clear_object (&self->devices);

  G_OBJECT_CLASS (vs_camera_parent_class)->dispose (object);
}

static void
vs_camera_finalize (GObject *object)
{
  VsCamera *self = VS_CAMERA (object);

  g_clear_pointer (&self->shared, shared_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->location, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_mutex_clear (&self->func_lock);
  g_mutex_clear (&self->cuts_lock);
  g_clear_pointer (&self->cuts, g_array_unref);
  g_clear_pointer (&self->taps, g_array_unref);

  G_OBJECT_CLASS (vs_camera_parent_class)->finalize (object);
}

static void
vs_camera_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VsCamera *self = VS_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_DISPLAY_FRAME:
      g_value_set_boxed (value, self->display_frame);
      break;
    case PROP_SOURCE_FPS:
      g_value_set_double (value, self->source_fps);
      break;
    case PROP_DISPLAY_FPS:
      g_value_set_double (value, self->display_fps);
      break;
    case PROP_FRAME_WIDTH:
      g_value_set_int (value, self->frame_width);
      break;
    case PROP_FRAME_HEIGHT:
      g_value_set_int (value, self->frame_height);
      break;
    case PROP_FPS:
      g_value_set_double (value, self->fps);
      break;
    case PROP_HOLD:
      g_value_set_double (value, self->hold);
      break;
    case PROP_RECOGNITION_SIZE:
      g_value_set_uint (value, self->recognition_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_camera_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VsCamera *self = VS_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      self->source = g_value_dup_string (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_get_flags (value);
      break;
    case PROP_FPS:
      vs_camera_set_fps (self, g_value_get_double (value));
      break;
    case PROP_HOLD:
      vs_camera_set_hold (self, g_value_get_double (value));
      break;
    case PROP_RECOGNITION_SIZE:
      vs_camera_set_recognition_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_camera_class_init (VsCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_camera_dispose;
  object_class->finalize = vs_camera_finalize;
  object_class->get_property = vs_camera_get_property;
  object_class->set_property = vs_camera_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAGS] =
    g_param_spec_flags ("flags", NULL, NULL, VS_TYPE_CAMERA_FLAGS, VS_CAMERA_FLAGS_NONE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VS_TYPE_CAMERA_STATE, VS_CAMERA_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_FRAME] =
    g_param_spec_boxed ("display-frame", NULL, NULL, VS_TYPE_VIDEO_FRAME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE_FPS] =
    g_param_spec_double ("source-fps", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_FPS] =
    g_param_spec_double ("display-fps", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAME_WIDTH] =
    g_param_spec_int ("frame-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAME_HEIGHT] =
    g_param_spec_int ("frame-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FPS] =
    g_param_spec_double ("fps", NULL, NULL, 0.1, 120.0, VS_CAMERA_IMAGES_FPS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOLD] =
    g_param_spec_double ("hold", NULL, NULL, 0.001, 3600.0, VS_CAMERA_IMAGES_HOLD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECOGNITION_SIZE] =
    g_param_spec_uint ("recognition-size", NULL, NULL, 16, 8192, VS_CAMERA_RECOGNITION_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_EOS] =
    g_signal_new ("eos", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DISPLAY_FRAME] =
    g_signal_new ("display-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  VS_TYPE_VIDEO_FRAME | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
vs_camera_init (VsCamera *self)
{
  self->fps = VS_CAMERA_IMAGES_FPS;
  self->hold = VS_CAMERA_IMAGES_HOLD;
  self->recognition_size = VS_CAMERA_RECOGNITION_SIZE;
  g_mutex_init (&self->func_lock);
  g_mutex_init (&self->cuts_lock);
  self->cuts = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->taps = g_array_new (FALSE, FALSE, sizeof (FrameTap));
  self->context = g_main_context_ref_thread_default ();
  self->shared = shared_new (self, self->context);
}

VsCamera *
vs_camera_new (const char     *source,
               VsCameraFlags   flags,
               GError        **error)
{
  g_autoptr(VsCamera) self = NULL;

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  self = g_object_new (VS_TYPE_CAMERA, "source", source, "flags", flags, NULL);
  if (!parse_source (self, source, error))
    return NULL;
  return g_steal_pointer (&self);
}

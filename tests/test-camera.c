/* test-camera.c: VsCamera sources and branches, VsDevices; the app's
 * VsFramePaintable (frames, letterbox) and VsFaceOverlay (geometry, drawing,
 * stale boxes). */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include "vs-camera.h"
#include "vs-devices.h"
#include "vs-face-overlay.h"
#include "vs-frame-paintable.h"
#include "vs-live-model.h"
#include "vs-track-private.h"
#include "vs-test-util.h"

/* Helpers ------------------------------------------------------------------- */

typedef struct {
  GMutex    lock;
  guint     count;
  int       width;
  int       height;
  gboolean  in_order;       /* frame numbers strictly increasing */
  guint64   last_number;
  guint64   max_number;
  guint64   first_number;
  gint64    first_time;
  gint64    last_time;
  gboolean  bad_time;       /* the frame clock ran backwards */
  guint     jumps;          /* discontinuities: the clock jumped ahead */
  GArray   *times;          /* gint64, of the kept frames */
  GPtrArray *kept;          /* VsImage, the first keep_max frames */
  guint     keep_max;
} Frames;

static void
frames_init (Frames *frames,
             guint   keep_max)
{
  memset (frames, 0, sizeof *frames);
  g_mutex_init (&frames->lock);
  frames->in_order = TRUE;
  frames->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_image_unref);
  frames->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  frames->keep_max = keep_max;
}

static void
frames_clear (Frames *frames)
{
  g_ptr_array_unref (frames->kept);
  g_array_unref (frames->times);
  g_mutex_clear (&frames->lock);
}

static void
frame_cb (VsImage  *frame,
          gint64    time_us,
          guint64   frame_number,
          gpointer  data)
{
  Frames *frames = data;

  g_mutex_lock (&frames->lock);
  if (frames->count > 0 && frame_number <= frames->last_number)
    frames->in_order = FALSE;
  /* The frame clock never runs backwards. */
  if (frames->count > 0 && time_us < frames->last_time)
    frames->bad_time = TRUE;
  if (frames->count > 0 && time_us - frames->last_time >= VS_CAMERA_DISCONTINUITY_US)
    frames->jumps++;
  if (frames->count == 0)
    {
      frames->first_time = time_us;
      frames->first_number = frame_number;
    }
  frames->last_time = time_us;
  frames->last_number = frame_number;
  frames->max_number = MAX (frames->max_number, frame_number);
  frames->width = frame->width;
  frames->height = frame->height;
  if (frames->kept->len < frames->keep_max)
    {
      g_ptr_array_add (frames->kept, vs_image_ref (frame));
      g_array_append_val (frames->times, time_us);
    }
  frames->count++;
  g_mutex_unlock (&frames->lock);
}

static guint
frames_count (Frames *frames)
{
  guint count;

  g_mutex_lock (&frames->lock);
  count = frames->count;
  g_mutex_unlock (&frames->lock);
  return count;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default context until cond(data) or timeout_ms. */
static gboolean
wait_for (Condition cond,
          gpointer  data,
          guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static gboolean
is_playing (gpointer data)
{
  return vs_camera_get_state (data) == VS_CAMERA_STATE_PLAYING;
}

typedef struct {
  Frames *frames;
  guint   n;
} FramesAtLeast;

static gboolean
has_frames (gpointer data)
{
  FramesAtLeast *want = data;
  return frames_count (want->frames) >= want->n;
}

typedef struct {
  guint    errors;
  GError  *error;
  guint    eos;
  guint    frames_at_eos;
  Frames  *frames;
} Signals;

static void
error_cb (VsCamera     *camera,
          const GError *error,
          Signals      *signals)
{
  signals->errors++;
  g_clear_error (&signals->error);
  signals->error = g_error_copy (error);
}

static void
eos_cb (VsCamera *camera,
        Signals  *signals)
{
  signals->eos++;
  if (signals->frames != NULL)
    signals->frames_at_eos = frames_count (signals->frames);
}

static gboolean
has_error (gpointer data)
{
  return ((Signals *) data)->errors > 0;
}

static gboolean
has_eos (gpointer data)
{
  return ((Signals *) data)->eos > 0;
}

static void
connect_signals (VsCamera *camera,
                 Signals  *signals)
{
  g_signal_connect (camera, "error", G_CALLBACK (error_cb), signals);
  g_signal_connect (camera, "eos", G_CALLBACK (eos_cb), signals);
}

/* Letterbox and label geometry -------------------------------------------- */

static void
assert_rect (const graphene_rect_t *r,
             double x, double y, double w, double h)
{
  g_assert_cmpfloat_with_epsilon (r->origin.x, x, 1e-3);
  g_assert_cmpfloat_with_epsilon (r->origin.y, y, 1e-3);
  g_assert_cmpfloat_with_epsilon (r->size.width, w, 1e-3);
  g_assert_cmpfloat_with_epsilon (r->size.height, h, 1e-3);
}

static void
test_letterbox (void)
{
  graphene_rect_t lb, box;

  /* Wide video in a square area: bars above and below. */
  vs_frame_paintable_compute_letterbox (1920, 1080, 800, 800, &lb);
  assert_rect (&lb, 0, 175, 800, 450);
  /* 4:3 video in a wide area: bars left and right. */
  vs_frame_paintable_compute_letterbox (640, 480, 1000, 500, &lb);
  assert_rect (&lb, (1000 - 2000.0 / 3) / 2, 0, 2000.0 / 3, 500);
  /* Same aspect: the whole area, scaled up. */
  vs_frame_paintable_compute_letterbox (320, 180, 1280, 720, &lb);
  assert_rect (&lb, 0, 0, 1280, 720);
  /* Degenerate sizes: empty. */
  vs_frame_paintable_compute_letterbox (0, 1080, 800, 800, &lb);
  assert_rect (&lb, 0, 0, 0, 0);
  vs_frame_paintable_compute_letterbox (1920, 1080, 800, 0, &lb);
  assert_rect (&lb, 0, 0, 0, 0);

  /* A box in the frame's normalised coordinates lands on the same pixels of
   * the picture whatever the area. */
  vs_frame_paintable_compute_letterbox (1920, 1080, 800, 800, &lb);
  vs_face_overlay_map_box (&lb, 0.5f, 0.5f, 0.25f, 0.25f, &box);
  assert_rect (&box, 400, 175 + 225, 200, 112.5);
  vs_frame_paintable_compute_letterbox (1920, 1080, 1000, 300, &lb);
  vs_face_overlay_map_box (&lb, 0.f, 0.f, 1.f, 1.f, &box);
  assert_rect (&box, lb.origin.x, 0, 300 * 16.0 / 9, 300);
  g_assert_cmpfloat_with_epsilon (box.origin.x, (1000 - 300 * 16.0 / 9) / 2, 1e-3);
}

static void
test_label_placement (void)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 100, 800, 450);
  graphene_rect_t label;

  /* Room above: above, left-aligned. */
  vs_face_overlay_place_label (&bounds, &GRAPHENE_RECT_INIT (200, 300, 100, 100), 80, 20, 3, &label);
  assert_rect (&label, 200, 300 - 3 - 20, 80, 20);
  /* Box at the top of the picture: below it. */
  vs_face_overlay_place_label (&bounds, &GRAPHENE_RECT_INIT (200, 105, 100, 100), 80, 20, 3, &label);
  assert_rect (&label, 200, 105 + 100 + 3, 80, 20);
  /* Box filling the height: inside its top edge. */
  vs_face_overlay_place_label (&bounds, &GRAPHENE_RECT_INIT (200, 100, 100, 450), 80, 20, 3, &label);
  assert_rect (&label, 200, 103, 80, 20);
  /* Near the right edge: shifted left to stay in. */
  vs_face_overlay_place_label (&bounds, &GRAPHENE_RECT_INIT (760, 300, 40, 40), 120, 20, 3, &label);
  assert_rect (&label, 800 - 120, 277, 120, 20);
  /* Wider than the picture: starts at its left edge. */
  vs_face_overlay_place_label (&bounds, &GRAPHENE_RECT_INIT (10, 300, 40, 40), 900, 20, 3, &label);
  g_assert_cmpfloat (label.origin.x, ==, 0);
}

/* Overlay rendering ---------------------------------------------------------- */

static GdkTexture *
solid_texture (int    width,
               int    height,
               guint8 b,
               guint8 g,
               guint8 r)
{
  g_autoptr(GBytes) bytes = NULL;
  guint8 *data = g_malloc ((gsize) width * height * 4);

  for (int i = 0; i < width * height; i++)
    {
      data[4 * i + 0] = b;
      data[4 * i + 1] = g;
      data[4 * i + 2] = r;
      data[4 * i + 3] = 255;
    }
  bytes = g_bytes_new_take (data, (gsize) width * height * 4);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, width * 4);
}

/* Draws the paintable at width×height into an image surface, and the face
 * overlay over it as the live view stacks it (same area, same letterbox). */
static cairo_surface_t *
render (VsFramePaintable *paintable,
        GListModel       *tracks,
        gboolean          show_scores,
        int               width,
        int               height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  graphene_rect_t letterbox;

  gdk_paintable_snapshot (GDK_PAINTABLE (paintable), snapshot, width, height);
  if (vs_frame_paintable_get_letterbox (paintable, width, height, &letterbox))
    vs_face_overlay_draw (snapshot, NULL, tracks, &letterbox, show_scores);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y,
          guint8           rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 pixel = *(const guint32 *) (data + (gsize) y * cairo_image_surface_get_stride (surface) + 4 * x);

  rgb[0] = (pixel >> 16) & 0xff;
  rgb[1] = (pixel >> 8) & 0xff;
  rgb[2] = pixel & 0xff;
}

static gboolean
pixel_near (cairo_surface_t *surface,
            int              x,
            int              y,
            int              r,
            int              g,
            int              b,
            int              tolerance)
{
  guint8 rgb[3];

  pixel_at (surface, x, y, rgb);
  return ABS (rgb[0] - r) <= tolerance && ABS (rgb[1] - g) <= tolerance && ABS (rgb[2] - b) <= tolerance;
}

static guint
count_color (cairo_surface_t *surface,
             int              x0,
             int              y0,
             int              x1,
             int              y1,
             int              r,
             int              g,
             int              b,
             int              tolerance)
{
  guint n = 0;

  for (int y = MAX (y0, 0); y < MIN (y1, cairo_image_surface_get_height (surface)); y++)
    for (int x = MAX (x0, 0); x < MIN (x1, cairo_image_surface_get_width (surface)); x++)
      n += pixel_near (surface, x, y, r, g, b, tolerance);
  return n;
}

static void
count_invalidations (GdkPaintable *paintable,
                     guint        *count)
{
  (*count)++;
}

static void
test_overlay_drawing (void)
{
  g_autoptr(VsFramePaintable) paintable = vs_frame_paintable_new ();
  g_autoptr(GListStore) tracks = g_list_store_new (VS_TYPE_TRACK);
  g_autoptr(GdkTexture) texture = solid_texture (320, 180, 0x80, 0x80, 0x80);
  g_autoptr(VsTrack) known = NULL;
  g_autoptr(VsTrack) unknown = NULL;
  cairo_surface_t *surface;
  VsTrackInfo info = { 0 };
  guint invalidations = 0;
  graphene_rect_t lb, box, drawn;
  int bx, by;

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 0);
  vs_frame_paintable_set_texture (paintable, texture, 1.0, 7, 1234);
  g_assert_true (vs_frame_paintable_get_latest_texture (paintable) == texture);
  g_assert_cmpuint (vs_frame_paintable_get_frame_number (paintable), ==, 7);
  g_assert_cmpint (vs_frame_paintable_get_frame_time (paintable), ==, 1234);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 320);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (paintable)), ==, 180);
  g_assert_cmpfloat_with_epsilon (gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (paintable)),
                                  16.0 / 9, 1e-6);

  /* A new frame redraws the picture; the overlay letterboxes the same. */
  g_signal_connect (paintable, "invalidate-contents", G_CALLBACK (count_invalidations), &invalidations);
  vs_frame_paintable_set_texture (paintable, texture, 1.0, 8, 1240);
  g_assert_cmpuint (invalidations, ==, 1);
  g_assert_true (vs_frame_paintable_get_letterbox (paintable, 640, 560, &drawn));
  vs_frame_paintable_compute_letterbox (320, 180, 640, 560, &lb);
  g_assert_true (graphene_rect_equal (&drawn, &lb));

  info.id = 1;
  info.state = VS_TRACK_KNOWN;
  info.person_id = 3;
  info.name = (char *) "Ada";
  info.score = 0.71f;
  info.x = 0.5f + 0.5f / 640; info.y = 0.5f; info.width = 0.25f; info.height = 0.3f;
  known = vs_track_new (&info);
  info.id = 2;
  info.state = VS_TRACK_UNKNOWN;
  info.person_id = 0;
  info.name = NULL;
  info.x = 0.1f; info.y = 0.02f; info.width = 0.2f; info.height = 0.3f;
  unknown = vs_track_new (&info);

  g_list_store_append (tracks, known);
  g_list_store_append (tracks, unknown);

  /* A tall area: the 16:9 frame is letterboxed with black bars above and
   * below: 640×360 at y = 100. */
  surface = render (paintable, G_LIST_MODEL (tracks), FALSE, 640, 560);
  if (g_getenv ("VS_TEST_SAVE_PNG"))
    cairo_surface_write_to_png (surface, g_getenv ("VS_TEST_SAVE_PNG"));
  vs_frame_paintable_compute_letterbox (320, 180, 640, 560, &lb);
  assert_rect (&lb, 0, 100, 640, 360);
  g_assert_true (pixel_near (surface, 200, 10, 0, 0, 0, 2));                 /* bar */
  g_assert_true (pixel_near (surface, 200, 550, 0, 0, 0, 2));                /* bar */
  g_assert_true (pixel_near (surface, 20, 300, 0x80, 0x80, 0x80, 2));        /* frame */

  /* The known face's box, left edge at x = 320.5: its 3 px green stroke
   * covers pixels 319–321, the dark outline 318 and 322; grey around. */
  vs_face_overlay_map_box (&lb, 0.5f + 0.5f / 640, 0.5f, 0.25f, 0.3f, &box);
  g_assert_cmpfloat_with_epsilon (box.origin.x, 320.5, 1e-3);
  by = (int) (box.origin.y + box.size.height / 2);
  for (bx = 319; bx <= 321; bx++)
    g_assert_true (pixel_near (surface, bx, by, 0x33, 0xd1, 0x7a, 2));
  g_assert_true (pixel_near (surface, 318, by, 0, 0, 0, 0x60));
  g_assert_true (pixel_near (surface, 322, by, 0, 0, 0, 0x60));
  g_assert_true (pixel_near (surface, 310, by, 0x80, 0x80, 0x80, 2));
  g_assert_true (pixel_near (surface, 330, by, 0x80, 0x80, 0x80, 2));
  /* Its label sits above it (Green 5 background), none below. */
  g_assert_cmpuint (count_color (surface, 316, (int) box.origin.y - 40, 480, (int) box.origin.y,
                                 0x26, 0xa2, 0x69, 2), >, 200);
  g_assert_cmpuint (count_color (surface, 316, (int) (box.origin.y + box.size.height), 480,
                                 (int) (box.origin.y + box.size.height) + 40, 0x26, 0xa2, 0x69, 2), ==, 0);

  /* The unknown face touches the top of the picture: a calm grey box (Light
   * 4, not an alarm), its Dark 2 label below. */
  vs_face_overlay_map_box (&lb, 0.1f, 0.02f, 0.2f, 0.3f, &box);
  g_assert_true (pixel_near (surface, (int) box.origin.x, (int) (box.origin.y + box.size.height / 2),
                             0xc0, 0xbf, 0xbc, 40));
  g_assert_cmpuint (count_color (surface, (int) box.origin.x - 4, (int) (box.origin.y + box.size.height),
                                 (int) box.origin.x + 150, (int) (box.origin.y + box.size.height) + 40,
                                 0x5e, 0x5c, 0x64, 2), >, 200);
  g_assert_cmpuint (count_color (surface, 0, 0, 640, 100, 0x5e, 0x5c, 0x64, 2), ==, 0);
  cairo_surface_destroy (surface);

  /* A wide area: bars on the sides, the box follows the picture. */
  surface = render (paintable, G_LIST_MODEL (tracks), FALSE, 800, 200);
  vs_frame_paintable_compute_letterbox (320, 180, 800, 200, &lb);
  g_assert_true (pixel_near (surface, 10, 100, 0, 0, 0, 2));
  vs_face_overlay_map_box (&lb, 0.5f + 0.5f / 640, 0.5f, 0.25f, 0.3f, &box);
  g_assert_true (pixel_near (surface, (int) round (box.origin.x), (int) (box.origin.y + box.size.height / 2),
                             0x33, 0xd1, 0x7a, 8));
  cairo_surface_destroy (surface);

  /* Scores go into the labels: a wider label than without. */
  {
    cairo_surface_t *plain, *scored;

    info.state = VS_TRACK_KNOWN;
    info.person_id = 4;
    info.name = (char *) "Grace";
    g_assert_true (vs_track_update (unknown, &info));
    g_list_store_remove (tracks, 0);
    plain = render (paintable, G_LIST_MODEL (tracks), FALSE, 640, 560);
    scored = render (paintable, G_LIST_MODEL (tracks), TRUE, 640, 560);
    g_assert_cmpuint (count_color (scored, 0, 0, 640, 560, 0x26, 0xa2, 0x69, 2), >,
                      count_color (plain, 0, 0, 640, 560, 0x26, 0xa2, 0x69, 2) + 100);
    cairo_surface_destroy (plain);
    cairo_surface_destroy (scored);
  }

  /* No tracks, nothing over the frame. */
  surface = render (paintable, NULL, FALSE, 640, 560);
  g_assert_cmpuint (count_color (surface, 0, 100, 640, 460, 0x80, 0x80, 0x80, 2), ==, 640 * 360);
  cairo_surface_destroy (surface);
}

/* Boxes of a frame much older than the picture shown are not drawn, and
 * the count of faces says so. */
static void
test_stale_boxes (void)
{
  g_autoptr(VsFramePaintable) paintable = vs_frame_paintable_new ();
  GtkWidget *overlay;
  g_autoptr(VsLiveModel) model = vs_live_model_new ();
  g_autoptr(GBytes) pixels = g_bytes_new_take (g_malloc0 (64 * 48 * 4), 64 * 48 * 4);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (64, 48, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, pixels, 64 * 4);
  VsTrackInfo infos[2] = {
    { .id = 1, .state = VS_TRACK_KNOWN, .person_id = 7, .name = (char *) "Ada", .x = 0.1f, .y = 0.1f, .width = 0.2f, .height = 0.3f },
    { .id = 2, .state = VS_TRACK_UNKNOWN, .x = 0.6f, .y = 0.1f, .width = 0.2f, .height = 0.3f },
  };
  const gint64 t0 = 100 * G_USEC_PER_SEC;

  /* A widget needs a display (build-aux/test runs under Xvfb); the drawing
   * itself is checked without one by /camera/overlay-drawing. */
  if (gdk_display_get_default () == NULL)
    {
      g_test_skip ("no display for the overlay widget");
      return;
    }
  overlay = g_object_ref_sink (vs_face_overlay_new ());
  vs_face_overlay_set_paintable (VS_FACE_OVERLAY (overlay), paintable);
  vs_face_overlay_set_tracks (VS_FACE_OVERLAY (overlay), G_LIST_MODEL (model));
  g_assert_cmpuint (vs_face_overlay_get_n_boxes (VS_FACE_OVERLAY (overlay)), ==, 0);   /* no picture yet */
  vs_live_model_set_capture_time (model, t0);
  vs_live_model_update (model, infos, 2, 640, 480);

  vs_frame_paintable_set_texture (paintable, texture, 1.0, 10, t0 + 40 * 1000);
  g_assert_cmpuint (vs_face_overlay_get_n_boxes (VS_FACE_OVERLAY (overlay)), ==, 2);
  vs_frame_paintable_set_texture (paintable, texture, 1.0, 30, t0 + VS_FACE_OVERLAY_MAX_LAG_US - 1000);
  g_assert_cmpuint (vs_face_overlay_get_n_boxes (VS_FACE_OVERLAY (overlay)), ==, 2);
  /* Recognition fell behind: the picture moved on, the boxes are hidden… */
  vs_frame_paintable_set_texture (paintable, texture, 1.0, 40, t0 + VS_FACE_OVERLAY_MAX_LAG_US + 1000);
  g_assert_cmpuint (vs_face_overlay_get_n_boxes (VS_FACE_OVERLAY (overlay)), ==, 0);
  /* …until fresh results come, or when told not to care. */
  vs_live_model_set_capture_time (model, t0 + VS_FACE_OVERLAY_MAX_LAG_US);
  g_assert_cmpuint (vs_face_overlay_get_n_boxes (VS_FACE_OVERLAY (overlay)), ==, 2);
  vs_frame_paintable_set_texture (paintable, texture, 1.0, 90, t0 + 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (vs_face_overlay_get_n_boxes (VS_FACE_OVERLAY (overlay)), ==, 0);
  vs_face_overlay_set_max_lag (VS_FACE_OVERLAY (overlay), 0);
  g_assert_cmpuint (vs_face_overlay_get_n_boxes (VS_FACE_OVERLAY (overlay)), ==, 2);
  g_object_unref (overlay);
}

/* Labels of faces side by side never cover each other. */
static void
test_labels_apart (void)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, 640, 360);
  graphene_rect_t boxes[3] = {
    GRAPHENE_RECT_INIT (100, 150, 60, 70),
    GRAPHENE_RECT_INIT (130, 160, 60, 70),   /* its label would sit on the first */
    GRAPHENE_RECT_INIT (150, 140, 60, 70),
  };
  graphene_rect_t placed[3];

  for (guint i = 0; i < 3; i++)
    {
      vs_face_overlay_place_label_apart (&bounds, &boxes[i], 120, 24, 3, placed, i, &placed[i]);
      g_assert_true (graphene_rect_contains_rect (&bounds, &placed[i]));
      for (guint j = 0; j < i; j++)
        g_assert_false (graphene_rect_intersection (&placed[i], &placed[j], NULL));
    }
  /* The first goes where it always did: above its box. */
  g_assert_cmpfloat (placed[0].origin.y + placed[0].size.height, <=, boxes[0].origin.y);
  g_assert_cmpfloat (placed[0].origin.x, ==, boxes[0].origin.x);

  /* No room anywhere: the usual place rather than none. */
  {
    graphene_rect_t tiny = GRAPHENE_RECT_INIT (0, 0, 200, 30);
    graphene_rect_t box = GRAPHENE_RECT_INIT (10, 2, 50, 26);
    graphene_rect_t first, second, usual;

    vs_face_overlay_place_label_apart (&tiny, &box, 100, 24, 3, NULL, 0, &first);
    vs_face_overlay_place_label_apart (&tiny, &box, 100, 24, 3, &first, 1, &second);
    vs_face_overlay_place_label (&tiny, &box, 100, 24, 3, &usual);
    g_assert_true (graphene_rect_equal (&second, &usual));
  }
}

/* Source strings and devices ------------------------------------------------- */

static void
test_invalid_sources (void)
{
  static const char * const bad[] = { "", "webcam", "file:", "images:", "device:", "rtsp://x" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VsCamera) camera = vs_camera_new (bad[i], VS_CAMERA_FLAGS_NONE, &error);

      g_assert_null (camera);
      g_assert_error (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_INVALID_SOURCE);
    }
}

static void
test_devices (void)
{
  g_autoptr(VsDevices) devices = vs_devices_get_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = NULL;
  Signals signals = { 0 };
  guint n = g_list_model_get_n_items (G_LIST_MODEL (devices));

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (devices)) == VS_TYPE_CAMERA_ITEM);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsCameraItem) item = g_list_model_get_item (G_LIST_MODEL (devices), i);
      g_autofree char *source = vs_camera_item_dup_source (item);

      g_assert_true (g_str_has_prefix (source, "device:"));
      g_assert_nonnull (vs_camera_item_get_display_name (item));
      g_assert_true (vs_devices_find (devices, vs_camera_item_get_id (item)) == item);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (devices), n));
  g_assert_null (vs_devices_find (devices, "/dev/no-such-camera"));
  g_assert_null (vs_devices_lookup_device ("/dev/no-such-camera"));
  run_for (100);

  /* A camera that is not plugged in: disconnected, with a message. */
  camera = vs_camera_new ("device:/dev/no-such-camera", VS_CAMERA_FLAGS_NONE, &error);
  g_assert_no_error (error);
  connect_signals (camera, &signals);
  vs_camera_start (camera);
  g_assert_true (wait_for (has_error, &signals, 5000));
  g_assert_error (signals.error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_DISCONNECTED);
  g_assert_cmpint (vs_camera_get_state (camera), ==, VS_CAMERA_STATE_DISCONNECTED);
  g_assert_true (vs_camera_get_error (camera) != NULL);
  g_clear_error (&signals.error);
}

/* Test source ------------------------------------------------------------------ */

static void
test_test_source_headless (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = vs_camera_new ("test", VS_CAMERA_NO_DISPLAY, &error);
  Frames frames;
  FramesAtLeast want = { &frames, 20 };
  int width, height;

  g_assert_no_error (error);
  g_assert_null (vs_camera_get_display_frame (camera));
  frames_init (&frames, 0);
  vs_camera_set_frame_func (camera, frame_cb, &frames, NULL);
  g_assert_cmpint (vs_camera_get_state (camera), ==, VS_CAMERA_STATE_STOPPED);

  vs_camera_start (camera);
  g_assert_true (wait_for (is_playing, camera, 5000));
  g_assert_true (wait_for (has_frames, &want, 5000));

  /* 1280×720 source, recognition frames with a 640 long side. */
  vs_camera_get_frame_size (camera, &width, &height);
  g_assert_cmpint (width, ==, 1280);
  g_assert_cmpint (height, ==, 720);
  g_assert_cmpfloat_with_epsilon (vs_camera_get_source_fps (camera), 30.0, 1e-6);
  g_mutex_lock (&frames.lock);
  g_assert_cmpint (frames.width, ==, 640);
  g_assert_cmpint (frames.height, ==, 360);
  g_assert_true (frames.in_order);
  g_assert_false (frames.bad_time);
  /* Frame times are the timestamps, 1/30 s apart, whenever they arrive. */
  g_assert_cmpuint (frames.jumps, ==, 0);
  g_assert_cmpint (llabs (frames.last_time - frames.first_time -
                          (gint64) (frames.last_number - frames.first_number) * G_USEC_PER_SEC / 30),
                   <=, 1000);
  g_mutex_unlock (&frames.lock);
  g_assert_cmpfloat (vs_camera_get_display_fps (camera), ==, 0.0);
  g_assert_null (vs_camera_get_display_frame (camera));

  vs_camera_stop (camera);
  g_assert_cmpint (vs_camera_get_state (camera), ==, VS_CAMERA_STATE_STOPPED);
  g_assert_cmpuint (vs_camera_get_frames_delivered (camera), ==, frames_count (&frames));
  /* Stopped means no more frames. */
  want.n = frames_count (&frames);
  run_for (200);
  g_assert_cmpuint (frames_count (&frames), ==, want.n);
  frames_clear (&frames);
}

typedef struct {
  guint   shown;
  guint64 last_number;
  gint64  last_time;
} Shown;

static void
frame_shown_cb (VsFramePaintable *paintable,
                guint64           number,
                gint64            capture_time,
                Shown            *shown)
{
  shown->shown++;
  shown->last_number = number;
  shown->last_time = capture_time;
}

static gboolean
has_shown_30 (gpointer data)
{
  return ((Shown *) data)->shown >= 30;
}

static gboolean
has_texture (gpointer data)
{
  return vs_frame_paintable_get_latest_texture (data) != NULL;
}

static void
test_test_source_display (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = vs_camera_new ("test:smpte", VS_CAMERA_FLAGS_NONE, &error);
  g_autoptr(VsFramePaintable) paintable = vs_frame_paintable_new ();
  GdkTexture *texture;
  VsVideoFrame *shown_frame;
  Frames frames;
  Shown shown = { 0 };
  double fps;

  g_assert_no_error (error);
  vs_frame_paintable_set_camera (paintable, camera);
  g_signal_connect (paintable, "frame-shown", G_CALLBACK (frame_shown_cb), &shown);
  frames_init (&frames, 0);
  vs_camera_set_frame_func (camera, frame_cb, &frames, NULL);

  vs_camera_start (camera);
  g_assert_true (wait_for (has_texture, paintable, 5000));
  texture = vs_frame_paintable_get_latest_texture (paintable);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 1280);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 720);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 1280);
  /* The camera's own frame (media, no GTK): BGRA bytes the texture wraps. */
  shown_frame = vs_camera_get_display_frame (camera);
  g_assert_nonnull (shown_frame);
  g_assert_cmpint (vs_video_frame_get_width (shown_frame), ==, 1280);
  g_assert_cmpint (vs_video_frame_get_height (shown_frame), ==, 720);
  g_assert_cmpuint (vs_video_frame_get_stride (shown_frame), >=, 1280 * 4);
  g_assert_cmpfloat (vs_video_frame_get_pixel_aspect_ratio (shown_frame), ==, 1.0);
  /* PLAYING comes through the bus, which may be read after the first frame
   * is shown (it was, under AddressSanitizer). */
  g_assert_true (wait_for (is_playing, camera, 30000));

  /* smpte: the leftmost bar is white, the second one yellow. */
  {
    g_autofree guint8 *pixels = g_malloc (1280 * 720 * 4);
    const guint8 *p;

    gdk_texture_download (texture, pixels, 1280 * 4);
    p = pixels + 100 * 1280 * 4 + 4 * 10;           /* B, G, R, A */
    g_assert_cmpint (ABS (p[0] - 255), <=, 3);
    g_assert_cmpint (ABS (p[1] - 255), <=, 3);
    g_assert_cmpint (ABS (p[2] - 255), <=, 3);
    p = pixels + 100 * 1280 * 4 + 4 * (1280 / 7 + 10);
    g_assert_cmpint (p[0], <, 20);
    g_assert_cmpint (ABS (p[1] - 255), <=, 3);
    g_assert_cmpint (ABS (p[2] - 255), <=, 3);
  }

  /* Counts, not rates: a busy machine shows fewer frames a second, and
   * speed is measured by `visage-cli bench`. */
  {
    FramesAtLeast want = { &frames, 20 };
    g_assert_true (wait_for (has_shown_30, &shown, 30000));
    g_assert_true (wait_for (has_frames, &want, 30000));
  }
  fps = vs_camera_get_display_fps (camera);
  g_test_message ("display fps %.1f, %u frames shown, %u recognition frames", fps, shown.shown,
                  frames_count (&frames));
  g_assert_cmpfloat (fps, >, 0.0);
  g_assert_cmpuint (shown.shown, >=, 30);
  g_assert_cmpuint (frames_count (&frames), >=, 20);
  g_assert_cmpint (shown.last_time, ==, vs_frame_paintable_get_frame_time (paintable));
  g_assert_cmpint (shown.last_time, <=, g_get_monotonic_time ());
  /* Frame numbers count from 0 and only grow: the 30th shown is at least
   * number 29 (more when frames were skipped). */
  g_assert_cmpuint (shown.last_number + 1, >=, shown.shown);

  vs_camera_stop (camera);
  /* The last frame stays, and the paintable lets go of the camera. */
  g_assert_nonnull (vs_frame_paintable_get_latest_texture (paintable));
  g_assert_nonnull (vs_camera_get_display_frame (camera));
  vs_frame_paintable_set_camera (paintable, NULL);
  g_assert_nonnull (vs_frame_paintable_get_latest_texture (paintable));
  frames_clear (&frames);
}

/* Files ----------------------------------------------------------------------- */

static void
test_file_fast (void)
{
  g_autofree char *path = vs_test_data_path ("video/street.mp4");
  g_autofree char *source = g_strconcat ("file:", path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = vs_camera_new (source, VS_CAMERA_FAST | VS_CAMERA_NO_DISPLAY, &error);
  Signals signals = { 0 };
  Frames frames;
  gint64 start;

  g_assert_no_error (error);
  g_assert_cmpstr (vs_camera_get_display_name (camera), ==, "street.mp4");
  frames_init (&frames, 0);
  signals.frames = &frames;
  connect_signals (camera, &signals);
  vs_camera_set_frame_func (camera, frame_cb, &frames, NULL);

  start = g_get_monotonic_time ();
  vs_camera_start (camera);
  g_assert_true (wait_for (has_eos, &signals, 60000));
  g_test_message ("105 frames in %.2f s", (g_get_monotonic_time () - start) / 1e6);

  g_assert_cmpuint (signals.errors, ==, 0);
  g_assert_cmpuint (signals.eos, ==, 1);
  g_assert_cmpuint (signals.frames_at_eos, ==, 105);
  g_assert_cmpuint (frames_count (&frames), ==, 105);
  g_assert_cmpuint (vs_camera_get_frames_delivered (camera), ==, 105);
  g_assert_true (frames.in_order);
  g_assert_cmpuint (frames.max_number, ==, 104);
  g_assert_cmpint (frames.width, ==, 640);
  g_assert_cmpint (frames.height, ==, 360);
  g_assert_cmpint (vs_camera_get_state (camera), ==, VS_CAMERA_STATE_STOPPED);
  g_assert_cmpfloat_with_epsilon (vs_camera_get_source_fps (camera), 25.0, 1e-6);

  /* Again, from the start. */
  signals.eos = 0;
  vs_camera_start (camera);
  g_assert_true (wait_for (has_eos, &signals, 60000));
  g_assert_cmpuint (frames_count (&frames), ==, 210);
  frames_clear (&frames);
}

static double
process_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static gboolean
frame_number_past (gpointer data)
{
  Frames *frames = data;
  guint64 max;

  g_mutex_lock (&frames->lock);
  max = frames->max_number;
  g_mutex_unlock (&frames->lock);
  return max >= 110;
}

static void
test_file_real_time_loops (void)
{
  g_autofree char *path = vs_test_data_path ("video/street.mp4");
  g_autofree char *source = g_strconcat ("file:", path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = vs_camera_new (source, VS_CAMERA_FLAGS_NONE, &error);
  g_autoptr(VsFramePaintable) paintable = vs_frame_paintable_new ();
  Signals signals = { 0 };
  Frames frames;
  FramesAtLeast want = { &frames, 1 };
  gint64 start;
  guint count;
  double cpu;

  g_assert_no_error (error);
  vs_frame_paintable_set_camera (paintable, camera);
  frames_init (&frames, 0);
  connect_signals (camera, &signals);
  vs_camera_set_frame_func (camera, frame_cb, &frames, NULL);
  vs_camera_start (camera);
  g_assert_true (wait_for (has_frames, &want, 10000));
  start = g_get_monotonic_time ();
  g_assert_true (wait_for (has_texture, paintable, 5000));
  /* The 1080p video is shown at 1280×720 (the display branch's limit), and
   * the camera still reports the source size. */
  g_assert_cmpint (gdk_texture_get_width (vs_frame_paintable_get_latest_texture (paintable)), ==, 1280);
  g_assert_cmpint (gdk_texture_get_height (vs_frame_paintable_get_latest_texture (paintable)), ==, 720);
  {
    int width, height;
    vs_camera_get_frame_size (camera, &width, &height);
    g_assert_cmpint (width, ==, 1920);
    g_assert_cmpint (height, ==, 1080);
  }

  /* Real time: about 25 frames a second, not as fast as it decodes. */
  cpu = process_cpu_seconds ();
  run_for (2000);
  cpu = process_cpu_seconds () - cpu;
  count = frames_count (&frames);
  g_test_message ("%u recognition frames in 2 s, display %.1f fps, CPU %.0f%% of one core "
                  "(decoding 1080p, display and recognition branches)", count,
                  vs_camera_get_display_fps (camera), cpu / 2.0 * 100);
  g_assert_cmpfloat (vs_camera_get_display_fps (camera), >, 0.0);
  /* Never faster than real time (a busy machine can only make it slower). */
  g_assert_cmpuint (count, <=, 2 * 25 + 10);
  g_assert_cmpint (vs_camera_get_state (camera), ==, VS_CAMERA_STATE_PLAYING);

  /* 105 frames, 4.2 s: it goes on past the end. */
  g_assert_true (wait_for (frame_number_past, &frames, 10000));
  g_assert_cmpuint (signals.errors, ==, 0);
  g_assert_cmpuint (signals.eos, ==, 0);
  g_assert_true (frames.in_order);
  /* The loop is a discontinuity: the frame clock jumped, never went back. */
  g_mutex_lock (&frames.lock);
  g_assert_false (frames.bad_time);
  g_assert_cmpuint (frames.jumps, >=, 1);
  g_mutex_unlock (&frames.lock);
  g_test_message ("looped after %.2f s", (g_get_monotonic_time () - start) / 1e6);
  vs_camera_stop (camera);
  frames_clear (&frames);
}

static void
test_file_errors (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *text = g_build_filename (dir, "notes.mp4", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mp4", NULL);
  struct {
    const char *path;
    int         code;
    const char *prefix;
  } cases[] = {
    { missing, VS_CAMERA_ERROR_NOT_FOUND, "Could not open the video" },
    { text, VS_CAMERA_ERROR_NOT_VIDEO, "This file is not a video Visage can play" },
    { dir, VS_CAMERA_ERROR_NOT_VIDEO, "This file is not a video Visage can play" },
  };

  g_assert_true (g_file_set_contents (text, "This is not a video.\nJust some text.\n", -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source = g_strconcat ("file:", cases[i].path, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsCamera) camera = vs_camera_new (source, VS_CAMERA_FLAGS_NONE, &error);
      Signals signals = { 0 };

      g_assert_no_error (error);
      connect_signals (camera, &signals);
      vs_camera_start (camera);
      g_assert_true (wait_for (has_error, &signals, 10000));
      g_test_message ("%s: %s", cases[i].path, signals.error->message);
      g_assert_error (signals.error, VS_CAMERA_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (signals.error->message, cases[i].prefix));
      g_assert_cmpint (vs_camera_get_state (camera), ==, VS_CAMERA_STATE_ERROR);
      /* One error, and the pipeline is gone. */
      run_for (200);
      g_assert_cmpuint (signals.errors, ==, 1);
      g_clear_error (&signals.error);
    }
}

/* Slideshows --------------------------------------------------------------------- */

static char *
make_slideshow (gboolean with_group)
{
  static const char * const lfw[] = {
    "lfw/Colin_Powell/Colin_Powell_0001.jpg",
    "lfw/George_W_Bush/George_W_Bush_0001.jpg",
    "lfw/Tony_Blair/Tony_Blair_0001.jpg",
  };
  char *dir = vs_test_make_tmpdir ();

  for (guint i = 0; i < G_N_ELEMENTS (lfw); i++)
    {
      g_autofree char *from = vs_test_data_path (lfw[i]);
      g_autofree char *name = g_strdup_printf ("%c.jpg", 'a' + i);
      g_autofree char *to = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (to, contents, len, NULL));
    }
  if (with_group)
    {
      g_autofree char *from = vs_test_data_path ("groups/multiface.jpg");
      g_autofree char *to = g_build_filename (dir, "d-wide.jpg", NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (to, contents, len, NULL));
    }
  /* Not pictures: ignored, or skipped when they cannot be decoded. */
  {
    g_autofree char *readme = g_build_filename (dir, "README.txt", NULL);
    g_autofree char *broken = g_build_filename (dir, "zz-broken.png", NULL);
    g_assert_true (g_file_set_contents (readme, "pictures", -1, NULL));
    g_assert_true (g_file_set_contents (broken, "not a png", -1, NULL));
  }
  return dir;
}

static gboolean
same_image (VsImage *a,
            VsImage *b)
{
  if (a->width != b->width || a->height != b->height)
    return FALSE;
  for (int y = 0; y < a->height; y++)
    if (memcmp (a->data + (gsize) y * a->stride, b->data + (gsize) y * b->stride, (gsize) a->width * 3) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
is_black_row (VsImage *image,
              int      y)
{
  for (int x = 0; x < image->width * 3; x++)
    if (image->data[(gsize) y * image->stride + x] > 8)
      return FALSE;
  return TRUE;
}

static void
test_images_loop (void)
{
  g_autofree char *dir = make_slideshow (FALSE);
  g_autofree char *source = g_strconcat ("images:", dir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = vs_camera_new (source, VS_CAMERA_FLAGS_NONE, &error);
  g_autoptr(VsFramePaintable) paintable = vs_frame_paintable_new ();
  Signals signals = { 0 };
  Frames frames;
  FramesAtLeast want = { &frames, 7 };
  gint64 start;
  double seconds;

  g_assert_no_error (error);
  /* One frame per picture. */
  vs_camera_set_fps (camera, 10.0);
  vs_camera_set_hold (camera, 0.1);
  vs_frame_paintable_set_camera (paintable, camera);
  frames_init (&frames, 7);
  connect_signals (camera, &signals);
  vs_camera_set_frame_func (camera, frame_cb, &frames, NULL);

  vs_camera_start (camera);
  start = g_get_monotonic_time ();
  g_assert_true (wait_for (has_frames, &want, 10000));
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("7 pictures in %.2f s", seconds);

  g_assert_cmpuint (signals.errors, ==, 0);
  g_assert_cmpfloat_with_epsilon (vs_camera_get_source_fps (camera), 10.0, 1e-6);
  g_assert_true (wait_for (has_texture, paintable, 2000));
  g_assert_cmpint (gdk_texture_get_width (vs_frame_paintable_get_latest_texture (paintable)), ==, 250);

  g_mutex_lock (&frames.lock);
  /* 10 fps in real time: 7 pictures take about 0.6 s at least. */
  g_assert_cmpfloat (seconds, >=, 0.5);
  g_assert_true (frames.in_order);
  g_assert_cmpint (frames.width, ==, 250);
  g_assert_cmpint (frames.height, ==, 250);
  /* Three different faces, then the same three again. */
  g_assert_false (same_image (frames.kept->pdata[0], frames.kept->pdata[1]));
  g_assert_false (same_image (frames.kept->pdata[1], frames.kept->pdata[2]));
  g_assert_false (same_image (frames.kept->pdata[0], frames.kept->pdata[2]));
  g_assert_true (same_image (frames.kept->pdata[0], frames.kept->pdata[3]));
  g_assert_true (same_image (frames.kept->pdata[1], frames.kept->pdata[4]));
  g_assert_true (same_image (frames.kept->pdata[2], frames.kept->pdata[5]));
  g_assert_true (same_image (frames.kept->pdata[0], frames.kept->pdata[6]));
  g_mutex_unlock (&frames.lock);

  vs_camera_stop (camera);
  frames_clear (&frames);
}

static void
test_images_fast (void)
{
  g_autofree char *dir = make_slideshow (TRUE);
  g_autofree char *source = g_strconcat ("images:", dir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = vs_camera_new (source, VS_CAMERA_FAST | VS_CAMERA_NO_DISPLAY, &error);
  Signals signals = { 0 };
  Frames frames;
  VsImage *wide;

  g_assert_no_error (error);
  vs_camera_set_hold (camera, 1.0 / VS_CAMERA_IMAGES_FPS);
  frames_init (&frames, 10);
  signals.frames = &frames;
  connect_signals (camera, &signals);
  vs_camera_set_frame_func (camera, frame_cb, &frames, NULL);
  vs_camera_start (camera);
  g_assert_true (wait_for (has_eos, &signals, 10000));
  g_assert_cmpuint (signals.errors, ==, 0);

  /* One pass: three faces and the wide picture; the broken PNG is skipped. */
  g_assert_cmpuint (signals.frames_at_eos, ==, 4);
  g_assert_cmpuint (frames.kept->len, ==, 4);
  /* The wide 1200×630 picture is letterboxed into the first one's 250×250:
   * 250×131 in the middle, black above and below. */
  wide = frames.kept->pdata[3];
  g_assert_cmpint (wide->width, ==, 250);
  g_assert_cmpint (wide->height, ==, 250);
  g_assert_true (is_black_row (wide, 0));
  g_assert_true (is_black_row (wide, 55));
  g_assert_false (is_black_row (wide, 125));
  g_assert_true (is_black_row (wide, 194));
  g_assert_true (is_black_row (wide, 249));
  g_assert_false (is_black_row (frames.kept->pdata[0], 125));
  frames_clear (&frames);
}

/* Like a camera filming a slideshow: each picture held for "hold" seconds at
 * the camera's rate; the clock follows the timestamps within a picture and
 * jumps between pictures. */
static void
test_images_hold (void)
{
  g_autofree char *dir = make_slideshow (FALSE);
  g_autofree char *source = g_strconcat ("images:", dir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCamera) camera = vs_camera_new (source, VS_CAMERA_FAST | VS_CAMERA_NO_DISPLAY, &error);
  Signals signals = { 0 };
  Frames frames;

  g_assert_no_error (error);
  g_assert_cmpfloat (vs_camera_get_fps (camera), ==, VS_CAMERA_IMAGES_FPS);
  g_assert_cmpfloat (vs_camera_get_hold (camera), ==, VS_CAMERA_IMAGES_HOLD);
  vs_camera_set_fps (camera, 10.0);
  vs_camera_set_hold (camera, 0.3);
  frames_init (&frames, 20);
  signals.frames = &frames;
  connect_signals (camera, &signals);
  vs_camera_set_frame_func (camera, frame_cb, &frames, NULL);
  vs_camera_start (camera);
  g_assert_true (wait_for (has_eos, &signals, 10000));
  g_assert_cmpuint (signals.errors, ==, 0);

  /* Three pictures, three frames each. */
  g_assert_cmpuint (frames.kept->len, ==, 9);
  g_assert_false (frames.bad_time);
  g_assert_cmpuint (frames.jumps, ==, 2);
  for (guint i = 1; i < 9; i++)
    {
      gint64 step = g_array_index (frames.times, gint64, i) - g_array_index (frames.times, gint64, i - 1);

      if (i % 3 != 0)
        {
          g_assert_true (same_image (frames.kept->pdata[i - 1], frames.kept->pdata[i]));
          g_assert_cmpint (step, ==, 100 * 1000);
        }
      else
        {
          g_assert_false (same_image (frames.kept->pdata[i - 1], frames.kept->pdata[i]));
          g_assert_cmpint (step, ==, VS_CAMERA_DISCONTINUITY_US);
        }
    }
  frames_clear (&frames);
}

static void
test_images_errors (void)
{
  g_autofree char *empty = vs_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (empty, "nothing-here", NULL);
  struct {
    const char *dir;
    int         code;
  } cases[] = {
    { empty, VS_CAMERA_ERROR_NO_PICTURES },
    { missing, VS_CAMERA_ERROR_NOT_FOUND },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source = g_strconcat ("images:", cases[i].dir, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsCamera) camera = vs_camera_new (source, VS_CAMERA_FLAGS_NONE, &error);
      Signals signals = { 0 };

      g_assert_no_error (error);
      connect_signals (camera, &signals);
      vs_camera_start (camera);
      /* Reported from the main loop, not from inside start(). */
      g_assert_cmpuint (signals.errors, ==, 0);
      g_assert_true (wait_for (has_error, &signals, 5000));
      g_test_message ("%s", signals.error->message);
      g_assert_error (signals.error, VS_CAMERA_ERROR, cases[i].code);
      g_assert_cmpint (vs_camera_get_state (camera), ==, VS_CAMERA_STATE_ERROR);
      g_clear_error (&signals.error);
    }
}

int
main (int    argc,
      char **argv)
{
  gst_init (&argc, &argv);
  vs_test_init (&argc, &argv);
  /* With a display, the overlay widget can be made too; without one (no
   * gtk_init()), snapshots still work once the render node types are
   * registered (any node's get_type does it). */
  gtk_init_check ();
  g_type_ensure (GSK_TYPE_COLOR_NODE);

  g_test_add_func ("/camera/letterbox", test_letterbox);
  g_test_add_func ("/camera/label-placement", test_label_placement);
  g_test_add_func ("/camera/overlay-drawing", test_overlay_drawing);
  g_test_add_func ("/camera/overlay-stale-boxes", test_stale_boxes);
  g_test_add_func ("/camera/labels-apart", test_labels_apart);
  g_test_add_func ("/camera/invalid-sources", test_invalid_sources);
  g_test_add_func ("/camera/devices", test_devices);
  g_test_add_func ("/camera/test-source/headless", test_test_source_headless);
  g_test_add_func ("/camera/test-source/display", test_test_source_display);
  g_test_add_func ("/camera/file/fast", test_file_fast);
  g_test_add_func ("/camera/file/real-time-loops", test_file_real_time_loops);
  g_test_add_func ("/camera/file/errors", test_file_errors);
  g_test_add_func ("/camera/images/loop", test_images_loop);
  g_test_add_func ("/camera/images/fast", test_images_fast);
  g_test_add_func ("/camera/images/hold", test_images_hold);
  g_test_add_func ("/camera/images/errors", test_images_errors);

  return g_test_run ();
}

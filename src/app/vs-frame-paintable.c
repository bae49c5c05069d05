/* vs-frame-paintable.c: the newest camera frame as a GdkPaintable.
 *
 * Like GTK's own GStreamer paintable (modules/media/gtkgstsink.c), a frame
 * becomes a GdkMemoryTexture on the mapped buffer, swapped on the main
 * thread. The face boxes are drawn by VsFaceOverlay, stacked over the
 * picture, with the same letterbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "vs-frame-paintable.h"

struct _VsFramePaintable
{
  GObject       parent_instance;

  VsCamera     *camera;
  GdkTexture   *texture;
  double        pixel_aspect_ratio;
  guint64       frame_number;
  gint64        frame_time;
};

static void vs_frame_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsFramePaintable, vs_frame_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      vs_frame_paintable_paintable_init))

enum {
  PROP_0,
  PROP_CAMERA,
  N_PROPS
};

enum {
  FRAME_SHOWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const GdkRGBA black = { 0.f, 0.f, 0.f, 1.f };

/* Geometry ----------------------------------------------------------------- */

void
vs_frame_paintable_compute_letterbox (double           frame_width,
                                      double           frame_height,
                                      double           area_width,
                                      double           area_height,
                                      graphene_rect_t *out)
{
  double scale, w, h;

  g_return_if_fail (out != NULL);

  if (!(frame_width > 0 && frame_height > 0 && area_width > 0 && area_height > 0))
    {
      graphene_rect_init (out, 0, 0, 0, 0);
      return;
    }

  scale = MIN (area_width / frame_width, area_height / frame_height);
  w = frame_width * scale;
  h = frame_height * scale;
  graphene_rect_init (out, (area_width - w) / 2.0, (area_height - h) / 2.0, w, h);
}

/* GdkPaintable --------------------------------------------------------------- */

static double
frame_width (VsFramePaintable *self)
{
  return gdk_texture_get_width (self->texture) * self->pixel_aspect_ratio;
}

static void
vs_frame_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (paintable);
  graphene_rect_t letterbox;

  if (self->texture == NULL)
    return;

  vs_frame_paintable_compute_letterbox (frame_width (self), gdk_texture_get_height (self->texture),
                                        width, height, &letterbox);
  if (letterbox.size.width <= 0 || letterbox.size.height <= 0)
    return;

  if (letterbox.size.width < width - 0.5 || letterbox.size.height < height - 0.5)
    gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_texture (snapshot, self->texture, &letterbox);
}

static GdkPaintable *
vs_frame_paintable_get_current_image (GdkPaintable *paintable)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));
  return gdk_paintable_new_empty (0, 0);
}

static int
vs_frame_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (paintable);

  return self->texture != NULL ? (int) round (frame_width (self)) : 0;
}

static int
vs_frame_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (paintable);

  return self->texture != NULL ? gdk_texture_get_height (self->texture) : 0;
}

static double
vs_frame_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (paintable);

  if (self->texture == NULL)
    return 0.0;
  return frame_width (self) / gdk_texture_get_height (self->texture);
}

static void
vs_frame_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = vs_frame_paintable_snapshot;
  iface->get_current_image = vs_frame_paintable_get_current_image;
  iface->get_intrinsic_width = vs_frame_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = vs_frame_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = vs_frame_paintable_get_intrinsic_aspect_ratio;
}

gboolean
vs_frame_paintable_get_letterbox (VsFramePaintable *self,
                                  double            width,
                                  double            height,
                                  graphene_rect_t  *out)
{
  g_return_val_if_fail (VS_IS_FRAME_PAINTABLE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (self->texture == NULL)
    {
      graphene_rect_init (out, 0, 0, 0, 0);
      return FALSE;
    }
  vs_frame_paintable_compute_letterbox (frame_width (self), gdk_texture_get_height (self->texture),
                                        width, height, out);
  return out->size.width > 0 && out->size.height > 0;
}

/* Frames --------------------------------------------------------------------- */

void
vs_frame_paintable_set_texture (VsFramePaintable *self,
                                GdkTexture       *texture,
                                double            pixel_aspect_ratio,
                                guint64           frame_number,
                                gint64            capture_time_us)
{
  gboolean size_changed;

  g_return_if_fail (VS_IS_FRAME_PAINTABLE (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (!(pixel_aspect_ratio > 0))
    pixel_aspect_ratio = 1.0;

  size_changed = (self->texture == NULL) != (texture == NULL) ||
                 (texture != NULL &&
                  (gdk_texture_get_width (self->texture) != gdk_texture_get_width (texture) ||
                   gdk_texture_get_height (self->texture) != gdk_texture_get_height (texture) ||
                   self->pixel_aspect_ratio != pixel_aspect_ratio));

  g_set_object (&self->texture, texture);
  self->pixel_aspect_ratio = pixel_aspect_ratio;
  self->frame_number = frame_number;
  self->frame_time = capture_time_us;

  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));

  if (texture != NULL)
    g_signal_emit (self, signals[FRAME_SHOWN], 0, frame_number, capture_time_us);
}

GdkTexture *
vs_frame_paintable_get_latest_texture (VsFramePaintable *self)
{
  g_return_val_if_fail (VS_IS_FRAME_PAINTABLE (self), NULL);
  return self->texture;
}

gint64
vs_frame_paintable_get_frame_time (VsFramePaintable *self)
{
  g_return_val_if_fail (VS_IS_FRAME_PAINTABLE (self), 0);
  return self->frame_time;
}

guint64
vs_frame_paintable_get_frame_number (VsFramePaintable *self)
{
  g_return_val_if_fail (VS_IS_FRAME_PAINTABLE (self), 0);
  return self->frame_number;
}

void
vs_frame_paintable_set_frame (VsFramePaintable *self,
                              VsVideoFrame     *frame)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_if_fail (VS_IS_FRAME_PAINTABLE (self));

  if (frame == NULL)
    {
      vs_frame_paintable_set_texture (self, NULL, 1.0, 0, 0);
      return;
    }
  /* No copy: the texture holds the frame's bytes, which hold the mapped
   * GStreamer buffer. Opaque video, so premultiplied and straight alpha are
   * the same thing. */
  texture = gdk_memory_texture_new (vs_video_frame_get_width (frame),
                                    vs_video_frame_get_height (frame),
                                    GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                    vs_video_frame_get_pixels (frame),
                                    vs_video_frame_get_stride (frame));
  vs_frame_paintable_set_texture (self, texture,
                                  vs_video_frame_get_pixel_aspect_ratio (frame),
                                  vs_video_frame_get_number (frame),
                                  vs_video_frame_get_capture_time (frame));
}

static void
display_frame_cb (VsFramePaintable *self,
                  VsVideoFrame     *frame,
                  VsCamera         *camera)
{
  vs_frame_paintable_set_frame (self, frame);
}

void
vs_frame_paintable_set_camera (VsFramePaintable *self,
                               VsCamera         *camera)
{
  g_return_if_fail (VS_IS_FRAME_PAINTABLE (self));
  g_return_if_fail (camera == NULL || VS_IS_CAMERA (camera));

  if (self->camera == camera)
    return;

  if (self->camera != NULL)
    g_signal_handlers_disconnect_by_func (self->camera, display_frame_cb, self);
  g_set_object (&self->camera, camera);
  if (self->camera != NULL)
    {
      g_signal_connect_object (self->camera, "display-frame",
                               G_CALLBACK (display_frame_cb), self, G_CONNECT_SWAPPED);
      if (vs_camera_get_display_frame (self->camera) != NULL)
        vs_frame_paintable_set_frame (self, vs_camera_get_display_frame (self->camera));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
}

VsCamera *
vs_frame_paintable_get_camera (VsFramePaintable *self)
{
  g_return_val_if_fail (VS_IS_FRAME_PAINTABLE (self), NULL);
  return self->camera;
}

/* GObject -------------------------------------------------------------------- */

static void
vs_frame_paintable_dispose (GObject *object)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (object);

  if (self->camera != NULL)
    g_signal_handlers_disconnect_by_func (self->camera, display_frame_cb, self);
  g_clear_object (&self->camera);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (vs_frame_paintable_parent_class)->dispose (object);
}

static void
vs_frame_paintable_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      g_value_set_object (value, self->camera);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_frame_paintable_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VsFramePaintable *self = VS_FRAME_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      vs_frame_paintable_set_camera (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_frame_paintable_class_init (VsFramePaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_frame_paintable_dispose;
  object_class->get_property = vs_frame_paintable_get_property;
  object_class->set_property = vs_frame_paintable_set_property;

  properties[PROP_CAMERA] =
    g_param_spec_object ("camera", NULL, NULL, VS_TYPE_CAMERA,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* frame-shown (guint64 frame_number, gint64 capture_time_us): a new frame
   * is shown; capture_time_us is g_get_monotonic_time() at its arrival. */
  signals[FRAME_SHOWN] =
    g_signal_new ("frame-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_INT64);
}

static void
vs_frame_paintable_init (VsFramePaintable *self)
{
  self->pixel_aspect_ratio = 1.0;
}

VsFramePaintable *
vs_frame_paintable_new (void)
{
  return g_object_new (VS_TYPE_FRAME_PAINTABLE, NULL);
}

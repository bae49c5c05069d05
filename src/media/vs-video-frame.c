/* vs-video-frame.c: a display frame as refcounted bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-video-frame.h"

struct _VsVideoFrame
{
  gatomicrefcount ref_count;
  GBytes         *pixels;
  int             width;
  int             height;
  gsize           stride;
  double          pixel_aspect_ratio;
  guint64         number;
  gint64          capture_time_us;
};

G_DEFINE_BOXED_TYPE (VsVideoFrame, vs_video_frame, vs_video_frame_ref, vs_video_frame_unref)

VsVideoFrame *
vs_video_frame_new (GBytes  *pixels,
                    int      width,
                    int      height,
                    gsize    stride,
                    double   pixel_aspect_ratio,
                    guint64  number,
                    gint64   capture_time_us)
{
  VsVideoFrame *self;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (stride >= (gsize) width * 4, NULL);
  g_return_val_if_fail (g_bytes_get_size (pixels) >= stride * (gsize) (height - 1) + (gsize) width * 4, NULL);

  self = g_new0 (VsVideoFrame, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->pixels = g_bytes_ref (pixels);
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->pixel_aspect_ratio = pixel_aspect_ratio > 0 ? pixel_aspect_ratio : 1.0;
  self->number = number;
  self->capture_time_us = capture_time_us;
  return self;
}

VsVideoFrame *
vs_video_frame_ref (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vs_video_frame_unref (VsVideoFrame *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_bytes_unref (self->pixels);
  g_free (self);
}

GBytes *
vs_video_frame_get_pixels (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->pixels;
}

int
vs_video_frame_get_width (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->width;
}

int
vs_video_frame_get_height (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->height;
}

gsize
vs_video_frame_get_stride (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->stride;
}

double
vs_video_frame_get_pixel_aspect_ratio (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 1.0);
  return self->pixel_aspect_ratio;
}

guint64
vs_video_frame_get_number (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->number;
}

gint64
vs_video_frame_get_capture_time (VsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->capture_time_us;
}

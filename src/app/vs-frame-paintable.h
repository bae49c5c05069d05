/* vs-frame-paintable.h: the newest camera frame as a GdkPaintable, drawn
 * letterboxed (centred, aspect ratio kept, black bars). The face boxes are
 * not part of it: VsFaceOverlay draws them in a widget stacked over the
 * picture. Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "vs-camera.h"

G_BEGIN_DECLS

#define VS_TYPE_FRAME_PAINTABLE (vs_frame_paintable_get_type ())
G_DECLARE_FINAL_TYPE (VsFramePaintable, vs_frame_paintable, VS, FRAME_PAINTABLE, GObject)

VsFramePaintable *vs_frame_paintable_new                (void);

/* Property "camera": shows each of its display frames (and the one it shows
 * now, if any) until another camera or NULL is set. The camera's frames are
 * wrapped in textures without a copy. */
void              vs_frame_paintable_set_camera         (VsFramePaintable *self,
                                                         VsCamera         *camera);
VsCamera         *vs_frame_paintable_get_camera         (VsFramePaintable *self);

/* Shows frame (NULL: nothing), as a GdkMemoryTexture on its bytes. */
void              vs_frame_paintable_set_frame          (VsFramePaintable *self,
                                                         VsVideoFrame     *frame);
/* Shows texture (NULL: nothing). pixel_aspect_ratio is the video's (1.0 for
 * square pixels). Emits "frame-shown" (guint64 frame_number, gint64
 * capture_time_us) after the paintable was invalidated. */
void              vs_frame_paintable_set_texture        (VsFramePaintable *self,
                                                         GdkTexture       *texture,
                                                         double            pixel_aspect_ratio,
                                                         guint64           frame_number,
                                                         gint64            capture_time_us);
/* The texture shown now, or NULL. Transfer none. */
GdkTexture       *vs_frame_paintable_get_latest_texture (VsFramePaintable *self);
/* g_get_monotonic_time() when the frame shown now reached the camera's
 * display sink, and its number in the source; 0 before the first frame. */
gint64            vs_frame_paintable_get_frame_time     (VsFramePaintable *self);
guint64           vs_frame_paintable_get_frame_number   (VsFramePaintable *self);

/* Where the frame is drawn when the paintable is drawn at width×height
 * (what the overlay stacked over it needs). FALSE, and an empty rectangle,
 * when there is no frame. */
gboolean          vs_frame_paintable_get_letterbox      (VsFramePaintable *self,
                                                         double            width,
                                                         double            height,
                                                         graphene_rect_t  *out);

/* The largest rectangle with the aspect ratio of a frame_width×frame_height
 * picture that fits centred in an area_width×area_height area. Empty when
 * any size is not positive. Pure function. */
void              vs_frame_paintable_compute_letterbox  (double            frame_width,
                                                         double            frame_height,
                                                         double            area_width,
                                                         double            area_height,
                                                         graphene_rect_t  *out);

G_END_DECLS

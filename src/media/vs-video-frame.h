/* vs-video-frame.h: one picture of the display branch, as bytes: what the
 * camera hands to whoever shows it. The app wraps it in a GdkMemoryTexture
 * (as GTK's own GStreamer sink does); media itself knows nothing of GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Immutable and refcounted, so any thread may hold one. The pixels are
 * B, G, R, A bytes (A always 255: opaque video, so premultiplied and straight
 * alpha are the same), rows stride bytes apart; they usually wrap the mapped
 * GStreamer buffer, which stays alive as long as the bytes do. */
typedef struct _VsVideoFrame VsVideoFrame;

#define VS_TYPE_VIDEO_FRAME (vs_video_frame_get_type ())
GType         vs_video_frame_get_type               (void) G_GNUC_CONST;

/* pixels: width×height BGRA, at least stride × height bytes. pixel_aspect_ratio:
 * the video's (1.0 for square pixels; not positive means 1.0). number: the
 * frame's position in the source. capture_time_us: g_get_monotonic_time()
 * when it reached the sink. */
VsVideoFrame *vs_video_frame_new                    (GBytes       *pixels,
                                                     int           width,
                                                     int           height,
                                                     gsize         stride,
                                                     double        pixel_aspect_ratio,
                                                     guint64       number,
                                                     gint64        capture_time_us);
VsVideoFrame *vs_video_frame_ref                    (VsVideoFrame *self);
void          vs_video_frame_unref                  (VsVideoFrame *self);

/* Transfer none. */
GBytes       *vs_video_frame_get_pixels             (VsVideoFrame *self);
int           vs_video_frame_get_width              (VsVideoFrame *self);
int           vs_video_frame_get_height             (VsVideoFrame *self);
gsize         vs_video_frame_get_stride             (VsVideoFrame *self);
double        vs_video_frame_get_pixel_aspect_ratio (VsVideoFrame *self);
guint64       vs_video_frame_get_number             (VsVideoFrame *self);
gint64        vs_video_frame_get_capture_time       (VsVideoFrame *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsVideoFrame, vs_video_frame_unref)

G_END_DECLS

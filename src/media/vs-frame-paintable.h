/* vs-frame-paintable.h: the newest camera frame as a GdkPaintable, drawn
 * letterboxed (centred, aspect ratio kept) with the face overlay on top: a
 * box and a name label for every VsTrack of a GListModel. Main thread only. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VS_TYPE_FRAME_PAINTABLE (vs_frame_paintable_get_type ())
G_DECLARE_FINAL_TYPE (VsFramePaintable, vs_frame_paintable, VS, FRAME_PAINTABLE, GObject)

/* context: the Pango context the labels are laid out with; pass the widget's
 * (gtk_widget_create_pango_context()) so labels follow the desktop font and
 * scale; NULL makes a private one (works without a display, for tests). */
VsFramePaintable *vs_frame_paintable_new                (PangoContext     *context);
void              vs_frame_paintable_set_pango_context  (VsFramePaintable *self,
                                                         PangoContext     *context);

/* Shows texture (NULL: nothing). pixel_aspect_ratio is the video's (1.0 for
 * square pixels). Emits "frame-shown" (guint64 frame_number, gint64
 * capture_time_us) after the paintable was invalidated. VsCamera calls this. */
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

/* Property "tracks": a GListModel of VsTrack drawn over the frame; the
 * paintable redraws on items-changed and on any item's notify. NULL: none. */
void              vs_frame_paintable_set_tracks         (VsFramePaintable *self,
                                                         GListModel       *tracks);
GListModel       *vs_frame_paintable_get_tracks         (VsFramePaintable *self);

/* Property "show-scores": append the similarity to the labels, in percent. */
void              vs_frame_paintable_set_show_scores    (VsFramePaintable *self,
                                                         gboolean          show_scores);
gboolean          vs_frame_paintable_get_show_scores    (VsFramePaintable *self);

/* When the tracks are a VsLiveModel whose capture time is more than max_lag
 * (default VS_FRAME_PAINTABLE_MAX_LAG_US) older than the frame shown, no box
 * is drawn: recognition fell behind and the boxes would be where the faces
 * were, not where they are. 0: always draw. */
#define VS_FRAME_PAINTABLE_MAX_LAG_US G_USEC_PER_SEC
void              vs_frame_paintable_set_max_lag        (VsFramePaintable *self,
                                                         gint64            max_lag_us);
/* The boxes drawn over the frame shown now (0 when stale or no frame): what
 * a "N faces" count must say. */
guint             vs_frame_paintable_get_n_boxes        (VsFramePaintable *self);

/* Geometry, pure functions (exposed for tests). */

/* The largest rectangle with the aspect ratio of a frame_width×frame_height
 * picture that fits centred in an area_width×area_height area. Empty when
 * any size is not positive. */
void              vs_frame_paintable_compute_letterbox  (double            frame_width,
                                                         double            frame_height,
                                                         double            area_width,
                                                         double            area_height,
                                                         graphene_rect_t  *out);
/* A box normalised to the frame (0..1) in the coordinates of the area the
 * letterbox rectangle was computed for. */
void              vs_frame_paintable_map_box            (const graphene_rect_t *letterbox,
                                                         float             x,
                                                         float             y,
                                                         float             width,
                                                         float             height,
                                                         graphene_rect_t  *out);
/* Where a label_width×label_height label goes for a face box drawn inside
 * bounds: above the box, left-aligned with it; below it when there is no room
 * above; inside its top edge when there is room for neither; always shifted
 * to stay inside bounds horizontally. gap: space between box and label. */
void              vs_frame_paintable_place_label        (const graphene_rect_t *bounds,
                                                         const graphene_rect_t *box,
                                                         double            label_width,
                                                         double            label_height,
                                                         double            gap,
                                                         graphene_rect_t  *out);

/* Like place_label, but clear of the labels already placed (n_placed rects):
 * below the box, or moved up or down step by step, inside bounds; where no
 * place is free, the first one. */
void              vs_frame_paintable_place_label_apart  (const graphene_rect_t *bounds,
                                                         const graphene_rect_t *box,
                                                         double            label_width,
                                                         double            label_height,
                                                         double            gap,
                                                         const graphene_rect_t *placed,
                                                         guint             n_placed,
                                                         graphene_rect_t  *out);

G_END_DECLS

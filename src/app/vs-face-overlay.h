/* vs-face-overlay.h: the face boxes and name labels, as a widget stacked
 * over the picture (a GtkOverlay child over a GtkPicture showing a
 * VsFramePaintable with content-fit "fill"): a box and a label for every
 * VsTrack of a GListModel, placed on the letterboxed frame. Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "vs-frame-paintable.h"

G_BEGIN_DECLS

#define VS_TYPE_FACE_OVERLAY (vs_face_overlay_get_type ())
G_DECLARE_FINAL_TYPE (VsFaceOverlay, vs_face_overlay, VS, FACE_OVERLAY, GtkWidget)

GtkWidget        *vs_face_overlay_new                (void);

/* Property "paintable": the frames under the boxes, which give the
 * letterbox and the time of the frame shown. */
void              vs_face_overlay_set_paintable      (VsFaceOverlay         *self,
                                                      VsFramePaintable      *paintable);
VsFramePaintable *vs_face_overlay_get_paintable      (VsFaceOverlay         *self);

/* Property "tracks": a GListModel of VsTrack; redrawn on items-changed and
 * on any item's notify. NULL: none. */
void              vs_face_overlay_set_tracks         (VsFaceOverlay         *self,
                                                      GListModel            *tracks);
GListModel       *vs_face_overlay_get_tracks         (VsFaceOverlay         *self);

/* Property "show-scores": append the similarity to the labels, in percent. */
void              vs_face_overlay_set_show_scores    (VsFaceOverlay         *self,
                                                      gboolean               show_scores);
gboolean          vs_face_overlay_get_show_scores    (VsFaceOverlay         *self);

/* When the tracks are a VsLiveModel whose capture time is more than max_lag
 * (default VS_FACE_OVERLAY_MAX_LAG_US) older than the frame shown, no box is
 * drawn: recognition fell behind and the boxes would be where the faces
 * were, not where they are. 0: always draw. */
#define VS_FACE_OVERLAY_MAX_LAG_US G_USEC_PER_SEC
void              vs_face_overlay_set_max_lag        (VsFaceOverlay         *self,
                                                      gint64                 max_lag_us);
/* The boxes drawn over the frame shown now (0 when stale or no frame): what
 * a "N faces" count must say. */
guint             vs_face_overlay_get_n_boxes        (VsFaceOverlay         *self);

/* Drawing, without a widget (the widget's snapshot; tests): the boxes and
 * labels of tracks over a frame drawn at letterbox. context: the labels'
 * font (NULL: a private "Sans 11" one). */
void              vs_face_overlay_draw               (GtkSnapshot           *snapshot,
                                                      PangoContext          *context,
                                                      GListModel            *tracks,
                                                      const graphene_rect_t *letterbox,
                                                      gboolean               show_scores);

/* Geometry, pure functions. */

/* A box normalised to the frame (0..1) in the coordinates of the area the
 * letterbox rectangle was computed for. */
void              vs_face_overlay_map_box            (const graphene_rect_t *letterbox,
                                                      float                  x,
                                                      float                  y,
                                                      float                  width,
                                                      float                  height,
                                                      graphene_rect_t       *out);
/* Where a label_width×label_height label goes for a face box drawn inside
 * bounds: above the box, left-aligned with it; below it when there is no room
 * above; inside its top edge when there is room for neither; always shifted
 * to stay inside bounds horizontally. gap: space between box and label. */
void              vs_face_overlay_place_label        (const graphene_rect_t *bounds,
                                                      const graphene_rect_t *box,
                                                      double                 label_width,
                                                      double                 label_height,
                                                      double                 gap,
                                                      graphene_rect_t       *out);
/* Like place_label, but clear of the labels already placed (n_placed rects):
 * below the box, or moved up or down step by step, inside bounds; where no
 * place is free, the first one. */
void              vs_face_overlay_place_label_apart  (const graphene_rect_t *bounds,
                                                      const graphene_rect_t *box,
                                                      double                 label_width,
                                                      double                 label_height,
                                                      double                 gap,
                                                      const graphene_rect_t *placed,
                                                      guint                  n_placed,
                                                      graphene_rect_t       *out);

G_END_DECLS

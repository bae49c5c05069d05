/* vs-face-overlay.c: the face boxes and labels, a widget over the picture.
 *
 * The boxes used to be drawn by the frame paintable itself; as a widget of
 * the app (the way GNOME Snapshot stacks its overlays over the camera
 * picture) the media layer needs no GTK. Both the paintable and this widget
 * letterbox with vs_frame_paintable_compute_letterbox() over the same
 * allocation (the picture's content-fit is "fill"), so the boxes stay on the
 * faces; and the overlay is redrawn only when the tracks change, not on
 * every frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "vs-face-overlay.h"
#include "vs-live-model.h"
#include "vs-track.h"

/* Drawing sizes in logical pixels, for a picture REFERENCE_HEIGHT tall on
 * screen; labels and paddings scale with the picture shown (within limits),
 * so that a small window is not covered by labels and a big one can be read
 * from across the room. */
#define REFERENCE_HEIGHT 480.0
#define MIN_LABEL_SCALE  0.75
#define MAX_LABEL_SCALE  2.0
#define STROKE_WIDTH   3.0f
#define OUTLINE_WIDTH  1.0f   /* dark line on both sides of the stroke */
#define BOX_RADIUS     6.0f
#define LABEL_PAD_X    8.0
#define LABEL_PAD_Y    3.0
#define LABEL_GAP      3.0
#define LABEL_MAX_WIDTH 320.0

struct _VsFaceOverlay
{
  GtkWidget         parent_instance;

  VsFramePaintable *paintable;
  GListModel       *tracks;
  GPtrArray        *watched;    /* VsTrack whose notify we listen to */
  gint64            max_lag_us; /* hide boxes older than this against the picture */
  gboolean          show_scores;
  gboolean          drawn_visible;  /* boxes_visible() at the last redraw asked for */
};

G_DEFINE_FINAL_TYPE (VsFaceOverlay, vs_face_overlay, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PAINTABLE,
  PROP_TRACKS,
  PROP_SHOW_SCORES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GNOME palette. Stroke colour, label background, label text. A front desk
 * looks at this all day: a stranger is not an alarm, so "unknown" is a calm
 * neutral, and only a name gets colour. */
typedef struct {
  GdkRGBA stroke;
  GdkRGBA fill;
  GdkRGBA text;
} StateColors;

static const StateColors state_colors[] = {
  /* identifying: Blue 2 stroke, Blue 4 label, white text */
  [VS_TRACK_IDENTIFYING] = { { 0.384f, 0.627f, 0.918f, 1.f }, { 0.110f, 0.443f, 0.847f, 1.f }, { 1.f, 1.f, 1.f, 1.f } },
  /* known: Green 3 stroke, Green 5 label, white text */
  [VS_TRACK_KNOWN]       = { { 0.200f, 0.820f, 0.478f, 1.f }, { 0.149f, 0.635f, 0.412f, 1.f }, { 1.f, 1.f, 1.f, 1.f } },
  /* unknown: Light 4 stroke, Dark 2 label, white text */
  [VS_TRACK_UNKNOWN]     = { { 0.753f, 0.749f, 0.737f, 1.f }, { 0.369f, 0.361f, 0.392f, 1.f }, { 1.f, 1.f, 1.f, 1.f } },
};

static const GdkRGBA outline_color = { 0.f, 0.f, 0.f, 0.6f };

/* Geometry ----------------------------------------------------------------- */

void
vs_face_overlay_map_box (const graphene_rect_t *letterbox,
                            float                  x,
                            float                  y,
                            float                  width,
                            float                  height,
                            graphene_rect_t       *out)
{
  g_return_if_fail (letterbox != NULL && out != NULL);

  graphene_rect_init (out,
                      letterbox->origin.x + x * letterbox->size.width,
                      letterbox->origin.y + y * letterbox->size.height,
                      width * letterbox->size.width,
                      height * letterbox->size.height);
}

void
vs_face_overlay_place_label (const graphene_rect_t *bounds,
                                const graphene_rect_t *box,
                                double                 label_width,
                                double                 label_height,
                                double                 gap,
                                graphene_rect_t       *out)
{
  double left, top, right, bottom, x, y;

  g_return_if_fail (bounds != NULL && box != NULL && out != NULL);

  left = bounds->origin.x;
  top = bounds->origin.y;
  right = left + bounds->size.width;
  bottom = top + bounds->size.height;

  x = box->origin.x;
  if (x + label_width > right)
    x = right - label_width;
  if (x < left)
    x = left;

  y = box->origin.y - gap - label_height;
  if (y < top)
    {
      y = box->origin.y + box->size.height + gap;
      if (y + label_height > bottom)
        y = MAX (box->origin.y + gap, top);
    }

  graphene_rect_init (out, x, y, label_width, label_height);
}

static gboolean
overlaps_any (const graphene_rect_t *rect,
              const graphene_rect_t *placed,
              guint                  n_placed)
{
  for (guint i = 0; i < n_placed; i++)
    if (graphene_rect_intersection (rect, &placed[i], NULL))
      return TRUE;
  return FALSE;
}

void
vs_face_overlay_place_label_apart (const graphene_rect_t *bounds,
                                      const graphene_rect_t *box,
                                      double                 label_width,
                                      double                 label_height,
                                      double                 gap,
                                      const graphene_rect_t *placed,
                                      guint                  n_placed,
                                      graphene_rect_t       *out)
{
  graphene_rect_t first, candidate;
  double top, bottom, step;

  g_return_if_fail (bounds != NULL && box != NULL && out != NULL);
  g_return_if_fail (n_placed == 0 || placed != NULL);

  vs_face_overlay_place_label (bounds, box, label_width, label_height, gap, &first);
  *out = first;
  if (!overlaps_any (&first, placed, n_placed))
    return;

  /* Below the box, then further and further from the first place, up or
   * down, as long as it stays inside. */
  top = bounds->origin.y;
  bottom = top + bounds->size.height;
  candidate = first;
  candidate.origin.y = box->origin.y + box->size.height + gap;
  if (candidate.origin.y + label_height <= bottom && !overlaps_any (&candidate, placed, n_placed))
    {
      *out = candidate;
      return;
    }
  step = label_height + gap;
  for (guint k = 1; k <= 2 * n_placed + 2; k++)
    for (int sign = -1; sign <= 1; sign += 2)
      {
        candidate = first;
        candidate.origin.y = first.origin.y + sign * (double) k * step;
        if (candidate.origin.y >= top && candidate.origin.y + label_height <= bottom &&
            !overlaps_any (&candidate, placed, n_placed))
          {
            *out = candidate;
            return;
          }
      }
}

/* Drawing ------------------------------------------------------------------- */

static PangoContext *
make_private_context (void)
{
  PangoFontMap *font_map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (font_map);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 11");

  pango_context_set_font_description (context, font);
  return context;
}

static PangoLayout *
make_label_layout (PangoContext *context,
                   VsTrack      *track,
                   gboolean      show_scores,
                   double        scale,
                   double        max_width)
{
  g_autoptr(PangoFontDescription) font = NULL;
  g_autofree char *text = NULL;
  PangoLayout *layout;
  const char *label = vs_track_get_label (track);
  double size;

  if (label == NULL)
    label = "";
  if (show_scores && vs_track_get_state (track) != VS_TRACK_IDENTIFYING)
    /* Translators: a face label: the name (or Unknown), then how alike the
     * face and the closest enrolled person are, in percent. */
    text = g_strdup_printf (_("%s · %.0f %%"), label, 100.0 * CLAMP (vs_track_get_score (track), 0.f, 1.f));
  else
    text = g_strdup (label);

  layout = pango_layout_new (context);
  font = pango_font_description_copy (pango_context_get_font_description (context));
  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  /* The desktop's font size at the reference picture height. */
  size = pango_font_description_get_size (font);
  if (size <= 0)
    size = 11 * PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (font))
    pango_font_description_set_absolute_size (font, size * scale);
  else
    pango_font_description_set_size (font, (int) (size * scale));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (MAX (max_width, 1.0) * PANGO_SCALE));
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
append_rounded_border (GtkSnapshot           *snapshot,
                       const graphene_rect_t *rect,
                       float                  grow,
                       float                  radius,
                       float                  width,
                       const GdkRGBA         *color)
{
  const float widths[4] = { width, width, width, width };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };
  graphene_rect_t outer;
  GskRoundedRect rounded;

  graphene_rect_inset_r (rect, -grow, -grow, &outer);
  gsk_rounded_rect_init_from_rect (&rounded, &outer, radius + grow);
  gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

static const StateColors *
colors_for (VsTrack *track)
{
  VsTrackState state = vs_track_get_state (track);

  if ((guint) state >= G_N_ELEMENTS (state_colors))
    state = VS_TRACK_IDENTIFYING;
  return &state_colors[state];
}

static gboolean
track_box (VsTrack               *track,
           const graphene_rect_t *letterbox,
           graphene_rect_t       *box)
{
  float x, y, w, h;

  vs_track_get_box (track, &x, &y, &w, &h);
  vs_face_overlay_map_box (letterbox, x, y, w, h, box);
  return box->size.width > 0 && box->size.height > 0;
}

static void
draw_box (GtkSnapshot           *snapshot,
          const graphene_rect_t *box,
          const StateColors     *colors)
{
  float radius = MIN (BOX_RADIUS, MIN (box->size.width, box->size.height) / 4.f);

  /* The stroke is centred on the box edge; a dark line either side keeps it
   * visible over bright and dark pictures alike. */
  append_rounded_border (snapshot, box, STROKE_WIDTH / 2.f + OUTLINE_WIDTH, radius,
                         STROKE_WIDTH + 2.f * OUTLINE_WIDTH, &outline_color);
  append_rounded_border (snapshot, box, STROKE_WIDTH / 2.f, radius,
                         STROKE_WIDTH, &colors->stroke);
}

static void
draw_label (GtkSnapshot           *snapshot,
            const graphene_rect_t *label,
            PangoLayout           *layout,
            double                 pad_x,
            double                 pad_y,
            const StateColors     *colors)
{
  PangoRectangle ink, logical;
  GskRoundedRect pill;

  pango_layout_get_pixel_extents (layout, &ink, &logical);
  gsk_rounded_rect_init_from_rect (&pill, label, label->size.height / 2.0);
  gtk_snapshot_push_rounded_clip (snapshot, &pill);
  gtk_snapshot_append_color (snapshot, &colors->fill, label);
  gtk_snapshot_pop (snapshot);
  append_rounded_border (snapshot, label, 0.f, label->size.height / 2.0, OUTLINE_WIDTH, &outline_color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (label->origin.x + pad_x - logical.x,
                                                          label->origin.y + pad_y - logical.y));
  gtk_snapshot_append_layout (snapshot, layout, &colors->text);
  gtk_snapshot_restore (snapshot);
}

void
vs_face_overlay_draw (GtkSnapshot           *snapshot,
                      PangoContext          *context,
                      GListModel            *tracks,
                      const graphene_rect_t *letterbox,
                      gboolean               show_scores)
{
  /* no autoptr for PangoContext in Pango 1.50 */
  g_autoptr(GObject) private_context = NULL;
  g_autofree graphene_rect_t *placed = NULL;
  double scale, pad_x, pad_y, gap;
  guint n, n_placed = 0;

  g_return_if_fail (GTK_IS_SNAPSHOT (snapshot));
  g_return_if_fail (context == NULL || PANGO_IS_CONTEXT (context));
  g_return_if_fail (letterbox != NULL);

  if (tracks == NULL || (n = g_list_model_get_n_items (tracks)) == 0 ||
      letterbox->size.width <= 0 || letterbox->size.height <= 0)
    return;
  if (context == NULL)
    {
      context = make_private_context ();
      private_context = G_OBJECT (context);
    }

  scale = CLAMP (letterbox->size.height / REFERENCE_HEIGHT, MIN_LABEL_SCALE, MAX_LABEL_SCALE);
  pad_x = LABEL_PAD_X * scale;
  pad_y = LABEL_PAD_Y * scale;
  gap = LABEL_GAP * scale;
  placed = g_new0 (graphene_rect_t, n);

  gtk_snapshot_push_clip (snapshot, letterbox);

  /* All boxes first, so that no box is drawn over a label. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsTrack) track = g_list_model_get_item (tracks, i);
      graphene_rect_t box;

      if (VS_IS_TRACK (track) && track_box (track, letterbox, &box))
        draw_box (snapshot, &box, colors_for (track));
    }

  /* Then the labels, each clear of the ones placed before. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsTrack) track = g_list_model_get_item (tracks, i);
      g_autoptr(PangoLayout) layout = NULL;
      graphene_rect_t box, stroke_box, label;
      PangoRectangle ink, logical;
      double label_w, label_h;

      if (!VS_IS_TRACK (track) || !track_box (track, letterbox, &box))
        continue;

      layout = make_label_layout (context, track, show_scores, scale,
                                  MIN (LABEL_MAX_WIDTH * scale, letterbox->size.width) - 2 * pad_x);
      pango_layout_get_pixel_extents (layout, &ink, &logical);
      label_w = logical.width + 2 * pad_x;
      label_h = logical.height + 2 * pad_y;

      graphene_rect_inset_r (&box, -(STROKE_WIDTH / 2.f + OUTLINE_WIDTH),
                             -(STROKE_WIDTH / 2.f + OUTLINE_WIDTH), &stroke_box);
      vs_face_overlay_place_label_apart (letterbox, &stroke_box, label_w, label_h, gap,
                                         placed, n_placed, &label);
      placed[n_placed++] = label;
      draw_label (snapshot, &label, layout, pad_x, pad_y, colors_for (track));
    }

  gtk_snapshot_pop (snapshot);
}

/* The widget ---------------------------------------------------------------- */

/* Whether the boxes belong to a frame much older than the one shown: then
 * they are somewhere the faces no longer are, and are better not drawn. */
static gboolean
tracks_are_stale (VsFaceOverlay *self)
{
  gint64 boxes_time;

  if (!VS_IS_LIVE_MODEL (self->tracks) || self->max_lag_us <= 0 || self->paintable == NULL)
    return FALSE;
  boxes_time = vs_live_model_get_capture_time (VS_LIVE_MODEL (self->tracks));
  return boxes_time > 0 &&
         vs_frame_paintable_get_frame_time (self->paintable) - boxes_time > self->max_lag_us;
}

/* Boxes are drawn over a frame, and only over one they are not too old for. */
static gboolean
boxes_visible (VsFaceOverlay *self)
{
  return self->paintable != NULL && vs_frame_paintable_get_latest_texture (self->paintable) != NULL &&
         !tracks_are_stale (self);
}

static void
redraw (VsFaceOverlay *self)
{
  self->drawn_visible = boxes_visible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
vs_face_overlay_get_n_boxes (VsFaceOverlay *self)
{
  g_return_val_if_fail (VS_IS_FACE_OVERLAY (self), 0);

  if (self->tracks == NULL || !boxes_visible (self))
    return 0;
  return g_list_model_get_n_items (self->tracks);
}

static void
vs_face_overlay_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  VsFaceOverlay *self = VS_FACE_OVERLAY (widget);
  graphene_rect_t letterbox;

  if (vs_face_overlay_get_n_boxes (self) == 0 ||
      !vs_frame_paintable_get_letterbox (self->paintable,
                                         gtk_widget_get_width (widget),
                                         gtk_widget_get_height (widget),
                                         &letterbox))
    return;

  vs_face_overlay_draw (snapshot, gtk_widget_get_pango_context (widget), self->tracks,
                        &letterbox, self->show_scores);
}

static void
unwatch_tracks (VsFaceOverlay *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
watch_tracks (VsFaceOverlay *self)
{
  guint n = g_list_model_get_n_items (self->tracks);

  for (guint i = 0; i < n; i++)
    {
      GObject *item = g_list_model_get_item (self->tracks, i);

      g_signal_connect_swapped (item, "notify", G_CALLBACK (redraw), self);
      g_ptr_array_add (self->watched, item);
    }
}

static void
tracks_changed_cb (VsFaceOverlay *self,
                   guint          position,
                   guint          removed,
                   guint          added,
                   GListModel    *model)
{
  /* A handful of faces: re-watching all of them is simpler than splicing. */
  unwatch_tracks (self);
  watch_tracks (self);
  redraw (self);
}

/* A new frame: the boxes stay where they are, unless they just appeared
 * (first frame) or became stale (or fresh again) against it. A new frame
 * size moves them with the letterbox ("invalidate-size"). */
static void
frame_shown_cb (VsFaceOverlay *self)
{
  if (boxes_visible (self) != self->drawn_visible)
    redraw (self);
}

void
vs_face_overlay_set_paintable (VsFaceOverlay    *self,
                               VsFramePaintable *paintable)
{
  g_return_if_fail (VS_IS_FACE_OVERLAY (self));
  g_return_if_fail (paintable == NULL || VS_IS_FRAME_PAINTABLE (paintable));

  if (self->paintable == paintable)
    return;

  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);
  g_set_object (&self->paintable, paintable);
  if (self->paintable != NULL)
    {
      g_signal_connect_object (self->paintable, "frame-shown",
                               G_CALLBACK (frame_shown_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->paintable, "invalidate-size",
                               G_CALLBACK (redraw), self, G_CONNECT_SWAPPED);
    }
  redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
}

VsFramePaintable *
vs_face_overlay_get_paintable (VsFaceOverlay *self)
{
  g_return_val_if_fail (VS_IS_FACE_OVERLAY (self), NULL);
  return self->paintable;
}

void
vs_face_overlay_set_tracks (VsFaceOverlay *self,
                            GListModel    *tracks)
{
  g_return_if_fail (VS_IS_FACE_OVERLAY (self));
  g_return_if_fail (tracks == NULL || G_IS_LIST_MODEL (tracks));

  if (self->tracks == tracks)
    return;

  unwatch_tracks (self);
  if (self->tracks != NULL)
    g_signal_handlers_disconnect_by_func (self->tracks, tracks_changed_cb, self);
  g_set_object (&self->tracks, tracks);
  if (self->tracks != NULL)
    {
      g_signal_connect_object (self->tracks, "items-changed",
                               G_CALLBACK (tracks_changed_cb), self, G_CONNECT_SWAPPED);
      watch_tracks (self);
    }

  redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACKS]);
}

GListModel *
vs_face_overlay_get_tracks (VsFaceOverlay *self)
{
  g_return_val_if_fail (VS_IS_FACE_OVERLAY (self), NULL);
  return self->tracks;
}

void
vs_face_overlay_set_show_scores (VsFaceOverlay *self,
                                 gboolean       show_scores)
{
  g_return_if_fail (VS_IS_FACE_OVERLAY (self));

  show_scores = !!show_scores;
  if (self->show_scores == show_scores)
    return;
  self->show_scores = show_scores;
  redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SCORES]);
}

gboolean
vs_face_overlay_get_show_scores (VsFaceOverlay *self)
{
  g_return_val_if_fail (VS_IS_FACE_OVERLAY (self), FALSE);
  return self->show_scores;
}

void
vs_face_overlay_set_max_lag (VsFaceOverlay *self,
                             gint64         max_lag_us)
{
  g_return_if_fail (VS_IS_FACE_OVERLAY (self));

  if (self->max_lag_us == max_lag_us)
    return;
  self->max_lag_us = max_lag_us;
  redraw (self);
}

/* GObject -------------------------------------------------------------------- */

static void
vs_face_overlay_dispose (GObject *object)
{
  VsFaceOverlay *self = VS_FACE_OVERLAY (object);

  unwatch_tracks (self);
  if (self->tracks != NULL)
    g_signal_handlers_disconnect_by_func (self->tracks, tracks_changed_cb, self);
  g_clear_object (&self->tracks);
  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);
  g_clear_object (&self->paintable);

  G_OBJECT_CLASS (vs_face_overlay_parent_class)->dispose (object);
}

static void
vs_face_overlay_finalize (GObject *object)
{
  VsFaceOverlay *self = VS_FACE_OVERLAY (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (vs_face_overlay_parent_class)->finalize (object);
}

static void
vs_face_overlay_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VsFaceOverlay *self = VS_FACE_OVERLAY (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;
    case PROP_TRACKS:
      g_value_set_object (value, self->tracks);
      break;
    case PROP_SHOW_SCORES:
      g_value_set_boolean (value, self->show_scores);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_face_overlay_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VsFaceOverlay *self = VS_FACE_OVERLAY (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      vs_face_overlay_set_paintable (self, g_value_get_object (value));
      break;
    case PROP_TRACKS:
      vs_face_overlay_set_tracks (self, g_value_get_object (value));
      break;
    case PROP_SHOW_SCORES:
      vs_face_overlay_set_show_scores (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_face_overlay_class_init (VsFaceOverlayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_face_overlay_dispose;
  object_class->finalize = vs_face_overlay_finalize;
  object_class->get_property = vs_face_overlay_get_property;
  object_class->set_property = vs_face_overlay_set_property;

  widget_class->snapshot = vs_face_overlay_snapshot;

  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL, NULL, VS_TYPE_FRAME_PAINTABLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRACKS] =
    g_param_spec_object ("tracks", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_SCORES] =
    g_param_spec_boolean ("show-scores", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "face-overlay");
}

static void
vs_face_overlay_init (VsFaceOverlay *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_lag_us = VS_FACE_OVERLAY_MAX_LAG_US;
  /* Decoration: clicks and focus belong to the picture under it. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
}

GtkWidget *
vs_face_overlay_new (void)
{
  return g_object_new (VS_TYPE_FACE_OVERLAY, NULL);
}

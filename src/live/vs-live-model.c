/* vs-live-model.c: a GListModel of the current tracks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-live-model.h"
#include "vs-track-private.h"

struct _VsLiveModel
{
  GObject    parent_instance;
  GPtrArray *tracks;   /* VsTrack*, in the order the worker first saw them */
  int        frame_width;
  int        frame_height;
  gint64     capture_time;
};

static void vs_live_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsLiveModel, vs_live_model, G_TYPE_OBJECT,
  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, vs_live_model_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_FRAME_WIDTH,
  PROP_FRAME_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
vs_live_model_get_item_type (GListModel *model)
{
  return VS_TYPE_TRACK;
}

static guint
vs_live_model_get_n_items (GListModel *model)
{
  return VS_LIVE_MODEL (model)->tracks->len;
}

static gpointer
vs_live_model_get_item (GListModel *model,
                        guint       position)
{
  VsLiveModel *self = VS_LIVE_MODEL (model);

  if (position >= self->tracks->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->tracks, position));
}

static void
vs_live_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vs_live_model_get_item_type;
  iface->get_n_items = vs_live_model_get_n_items;
  iface->get_item = vs_live_model_get_item;
}

static void
vs_live_model_finalize (GObject *object)
{
  VsLiveModel *self = VS_LIVE_MODEL (object);

  g_clear_pointer (&self->tracks, g_ptr_array_unref);

  G_OBJECT_CLASS (vs_live_model_parent_class)->finalize (object);
}

static void
vs_live_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VsLiveModel *self = VS_LIVE_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->tracks != NULL ? self->tracks->len : 0);
      break;
    case PROP_FRAME_WIDTH:
      g_value_set_int (value, self->frame_width);
      break;
    case PROP_FRAME_HEIGHT:
      g_value_set_int (value, self->frame_height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_live_model_class_init (VsLiveModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_live_model_finalize;
  object_class->get_property = vs_live_model_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAME_WIDTH] =
    g_param_spec_int ("frame-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAME_HEIGHT] =
    g_param_spec_int ("frame-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_live_model_init (VsLiveModel *self)
{
  self->tracks = g_ptr_array_new_with_free_func (g_object_unref);
}

VsLiveModel *
vs_live_model_new (void)
{
  return g_object_new (VS_TYPE_LIVE_MODEL, NULL);
}

static gboolean
find_position (VsLiveModel *self,
               guint        track_id,
               guint       *position)
{
  for (guint i = 0; i < self->tracks->len; i++)
    if (vs_track_get_id (g_ptr_array_index (self->tracks, i)) == track_id)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

void
vs_live_model_update (VsLiveModel       *self,
                      const VsTrackInfo *tracks,
                      guint              n_tracks,
                      int                frame_width,
                      int                frame_height)
{
  guint old_len;

  g_return_if_fail (VS_IS_LIVE_MODEL (self));
  g_return_if_fail (tracks != NULL || n_tracks == 0);

  old_len = self->tracks->len;

  if (frame_width != self->frame_width)
    {
      self->frame_width = frame_width;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME_WIDTH]);
    }
  if (frame_height != self->frame_height)
    {
      self->frame_height = frame_height;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME_HEIGHT]);
    }

  /* Removed first, each as its own items-changed, backwards so positions of
   * the ones still to check do not move. */
  for (guint i = self->tracks->len; i > 0; i--)
    {
      guint id = vs_track_get_id (g_ptr_array_index (self->tracks, i - 1));
      gboolean alive = FALSE;

      for (guint j = 0; j < n_tracks && !alive; j++)
        alive = tracks[j].id == id;
      if (!alive)
        {
          g_ptr_array_remove_index (self->tracks, i - 1);
          g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
        }
    }

  /* Then updates in place, and new tracks appended together. */
  {
    guint first_new = self->tracks->len;

    for (guint j = 0; j < n_tracks; j++)
      {
        guint pos;

        if (find_position (self, tracks[j].id, &pos) && pos < first_new)
          vs_track_update (g_ptr_array_index (self->tracks, pos), &tracks[j]);
        else
          g_ptr_array_add (self->tracks, vs_track_new (&tracks[j]));
      }
    if (self->tracks->len > first_new)
      g_list_model_items_changed (G_LIST_MODEL (self), first_new, 0,
                                  self->tracks->len - first_new);
  }

  if (self->tracks->len != old_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
vs_live_model_clear (VsLiveModel *self)
{
  guint len;

  g_return_if_fail (VS_IS_LIVE_MODEL (self));

  len = self->tracks->len;
  if (len == 0)
    return;
  g_ptr_array_set_size (self->tracks, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, len, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

VsTrack *
vs_live_model_lookup (VsLiveModel *self,
                      guint        track_id)
{
  guint pos;

  g_return_val_if_fail (VS_IS_LIVE_MODEL (self), NULL);

  if (find_position (self, track_id, &pos))
    return g_ptr_array_index (self->tracks, pos);
  return NULL;
}

int
vs_live_model_get_frame_width (VsLiveModel *self)
{
  g_return_val_if_fail (VS_IS_LIVE_MODEL (self), 0);
  return self->frame_width;
}

int
vs_live_model_get_frame_height (VsLiveModel *self)
{
  g_return_val_if_fail (VS_IS_LIVE_MODEL (self), 0);
  return self->frame_height;
}

void
vs_live_model_set_capture_time (VsLiveModel *self,
                                gint64       capture_time_us)
{
  g_return_if_fail (VS_IS_LIVE_MODEL (self));
  self->capture_time = capture_time_us;
}

gint64
vs_live_model_get_capture_time (VsLiveModel *self)
{
  g_return_val_if_fail (VS_IS_LIVE_MODEL (self), 0);
  return self->capture_time;
}

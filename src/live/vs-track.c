/* vs-track.c: one followed face, as the main thread sees it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vs-track-private.h"

G_DEFINE_ENUM_TYPE (VsTrackState, vs_track_state,
  G_DEFINE_ENUM_VALUE (VS_TRACK_IDENTIFYING, "identifying"),
  G_DEFINE_ENUM_VALUE (VS_TRACK_KNOWN, "known"),
  G_DEFINE_ENUM_VALUE (VS_TRACK_UNKNOWN, "unknown"))

void
vs_track_info_clear (VsTrackInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->name, g_free);
}

void
vs_track_info_copy (VsTrackInfo       *dest,
                    const VsTrackInfo *src)
{
  *dest = *src;
  dest->name = g_strdup (src->name);
}

struct _VsTrack
{
  GObject     parent_instance;
  VsTrackInfo info;
};

G_DEFINE_FINAL_TYPE (VsTrack, vs_track, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_STATE,
  PROP_PERSON_ID,
  PROP_NAME,
  PROP_SCORE,
  PROP_LABEL,
  PROP_X,
  PROP_Y,
  PROP_WIDTH,
  PROP_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vs_track_finalize (GObject *object)
{
  VsTrack *self = VS_TRACK (object);

  vs_track_info_clear (&self->info);

  G_OBJECT_CLASS (vs_track_parent_class)->finalize (object);
}

static void
vs_track_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VsTrack *self = VS_TRACK (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint (value, self->info.id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->info.state);
      break;
    case PROP_PERSON_ID:
      g_value_set_int64 (value, self->info.person_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->info.name);
      break;
    case PROP_SCORE:
      g_value_set_float (value, self->info.score);
      break;
    case PROP_LABEL:
      g_value_set_string (value, vs_track_get_label (self));
      break;
    case PROP_X:
      g_value_set_float (value, self->info.x);
      break;
    case PROP_Y:
      g_value_set_float (value, self->info.y);
      break;
    case PROP_WIDTH:
      g_value_set_float (value, self->info.width);
      break;
    case PROP_HEIGHT:
      g_value_set_float (value, self->info.height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_track_class_init (VsTrackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_track_finalize;
  object_class->get_property = vs_track_get_property;

  properties[PROP_ID] =
    g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VS_TYPE_TRACK_STATE, VS_TRACK_IDENTIFYING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERSON_ID] =
    g_param_spec_int64 ("person-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCORE] =
    g_param_spec_float ("score", NULL, NULL, -1.f, 1.f, 0.f,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X] =
    g_param_spec_float ("x", NULL, NULL, -G_MAXFLOAT, G_MAXFLOAT, 0.f,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y] =
    g_param_spec_float ("y", NULL, NULL, -G_MAXFLOAT, G_MAXFLOAT, 0.f,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_float ("width", NULL, NULL, 0.f, G_MAXFLOAT, 0.f,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_float ("height", NULL, NULL, 0.f, G_MAXFLOAT, 0.f,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_track_init (VsTrack *self)
{
}

VsTrack *
vs_track_new (const VsTrackInfo *info)
{
  VsTrack *self = g_object_new (VS_TYPE_TRACK, NULL);

  g_return_val_if_fail (info != NULL, self);

  vs_track_info_copy (&self->info, info);
  return self;
}

gboolean
vs_track_update (VsTrack           *self,
                 const VsTrackInfo *info)
{
  gboolean changed = FALSE;
  gboolean label_changed = FALSE;

  g_return_val_if_fail (VS_IS_TRACK (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  g_object_freeze_notify (G_OBJECT (self));

#define UPDATE(field, prop) \
  if (self->info.field != info->field) \
    { \
      self->info.field = info->field; \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      changed = TRUE; \
    }

  if (self->info.id != info->id)
    {
      /* The model keeps one object per id; a different id is a bug there. */
      g_critical ("VsTrack %u updated with the info of track %u", self->info.id, info->id);
    }
  if (self->info.state != info->state)
    label_changed = TRUE;
  UPDATE (state, PROP_STATE);
  UPDATE (person_id, PROP_PERSON_ID);
  UPDATE (score, PROP_SCORE);
  UPDATE (x, PROP_X);
  UPDATE (y, PROP_Y);
  UPDATE (width, PROP_WIDTH);
  UPDATE (height, PROP_HEIGHT);
#undef UPDATE

  if (g_strcmp0 (self->info.name, info->name) != 0)
    {
      g_free (self->info.name);
      self->info.name = g_strdup (info->name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
      label_changed = TRUE;
      changed = TRUE;
    }
  if (memcmp (self->info.landmarks, info->landmarks, sizeof info->landmarks) != 0)
    {
      memcpy (self->info.landmarks, info->landmarks, sizeof info->landmarks);
      changed = TRUE;
    }
  if (label_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);

  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

guint
vs_track_get_id (VsTrack *self)
{
  g_return_val_if_fail (VS_IS_TRACK (self), 0);
  return self->info.id;
}

VsTrackState
vs_track_get_state (VsTrack *self)
{
  g_return_val_if_fail (VS_IS_TRACK (self), VS_TRACK_IDENTIFYING);
  return self->info.state;
}

gint64
vs_track_get_person_id (VsTrack *self)
{
  g_return_val_if_fail (VS_IS_TRACK (self), 0);
  return self->info.person_id;
}

const char *
vs_track_get_name (VsTrack *self)
{
  g_return_val_if_fail (VS_IS_TRACK (self), NULL);
  return self->info.name;
}

float
vs_track_get_score (VsTrack *self)
{
  g_return_val_if_fail (VS_IS_TRACK (self), 0.f);
  return self->info.score;
}

void
vs_track_get_box (VsTrack *self,
                  float   *x,
                  float   *y,
                  float   *width,
                  float   *height)
{
  g_return_if_fail (VS_IS_TRACK (self));

  if (x != NULL)
    *x = self->info.x;
  if (y != NULL)
    *y = self->info.y;
  if (width != NULL)
    *width = self->info.width;
  if (height != NULL)
    *height = self->info.height;
}

const char *
vs_track_get_label (VsTrack *self)
{
  g_return_val_if_fail (VS_IS_TRACK (self), NULL);

  switch (self->info.state)
    {
    case VS_TRACK_KNOWN:
      if (self->info.name != NULL)
        return self->info.name;
      return _("Unknown");
    case VS_TRACK_UNKNOWN:
      return _("Unknown");
    case VS_TRACK_IDENTIFYING:
    default:
      return _("Identifying…");
    }
}

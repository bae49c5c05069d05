/* vs-gallery-monitor.c: keeps the gallery snapshot in step with the
 * database, from the changes its VsStoreMonitor announces.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-gallery-monitor.h"
#include "vs-store-monitor.h"

#define SEEN_INTERVAL_US (60 * G_USEC_PER_SEC)

struct _VsGalleryMonitor
{
  GObject         parent_instance;

  VsStore        *store;
  VsStoreMonitor *monitor;
  char           *embedder;
  VsGallery      *gallery;
  GHashTable     *seen;      /* person id (gint64*) → monotonic time of the last write */
  gboolean        resync;    /* a change could not be applied: reload at the next one */
  guint           n_replaced;
};

G_DEFINE_FINAL_TYPE (VsGalleryMonitor, vs_gallery_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_GALLERY,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  GALLERY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
vs_gallery_monitor_dispose (GObject *object)
{
  VsGalleryMonitor *self = VS_GALLERY_MONITOR (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (vs_gallery_monitor_parent_class)->dispose (object);
}

static void
vs_gallery_monitor_finalize (GObject *object)
{
  VsGalleryMonitor *self = VS_GALLERY_MONITOR (object);

  g_clear_pointer (&self->gallery, vs_gallery_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_free (self->embedder);

  G_OBJECT_CLASS (vs_gallery_monitor_parent_class)->finalize (object);
}

static void
vs_gallery_monitor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VsGalleryMonitor *self = VS_GALLERY_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_GALLERY:
      g_value_set_pointer (value, self->gallery);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, vs_gallery_monitor_get_online (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_gallery_monitor_class_init (VsGalleryMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_gallery_monitor_dispose;
  object_class->finalize = vs_gallery_monitor_finalize;
  object_class->get_property = vs_gallery_monitor_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VS_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GALLERY] =
    g_param_spec_pointer ("gallery", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* FALSE while a shared store's server cannot be reached: the last
   * gallery stays in use and changes resume when it is back. */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[GALLERY_CHANGED] =
    g_signal_new ("gallery-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
vs_gallery_monitor_init (VsGalleryMonitor *self)
{
  self->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static void
replace_gallery (VsGalleryMonitor *self,
                 VsGallery        *gallery)
{
  g_clear_pointer (&self->gallery, vs_gallery_unref);
  self->gallery = gallery;
  self->n_replaced++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GALLERY]);
  g_signal_emit (self, signals[GALLERY_CHANGED], 0, self->gallery);
}

static gboolean
reload (VsGalleryMonitor  *self,
        GError           **error)
{
  VsGallery *gallery = vs_store_load_gallery (self->store, self->embedder, error);

  if (gallery == NULL)
    return FALSE;
  g_debug ("Gallery loaded: %u people, %u samples",
           vs_gallery_get_n_people (gallery), vs_gallery_get_n_samples (gallery));
  replace_gallery (self, gallery);
  return TRUE;
}

/* The people a batch of changes touched; NULL when the whole gallery must
 * be loaded again (another process's write, a reconnection, a reembed). */
static GArray *
changed_people (const GArray *changes)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < changes->len; i++)
    {
      const VsStoreChange *change = &g_array_index (changes, VsStoreChange, i);

      if (change->kind == VS_STORE_CHANGE_RESYNC || change->kind == VS_STORE_CHANGE_EMBEDDER_CHANGED)
        return NULL;
      if (change->kind == VS_STORE_CHANGE_PERSON_SEEN)
        continue;
      if (g_hash_table_add (seen, (gpointer) &change->person_id))
        g_array_append_val (ids, change->person_id);
    }
  return g_steal_pointer (&ids);
}

/* A new snapshot from the old one: the people the changes name are taken
 * out and read again (those that still exist); the rest is shared. */
static void
changed_cb (VsStoreMonitor   *monitor,
            GArray           *changes,
            VsGalleryMonitor *self)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(VsGallery) gallery = NULL;
  g_autoptr(GError) error = NULL;

  if (!vs_store_changes_touch_gallery (changes))
    return;

  ids = self->resync ? NULL : changed_people (changes);
  if (ids == NULL || vs_gallery_get_dim (self->gallery) == 0)
    {
      self->resync = !reload (self, &error);
      if (self->resync)
        g_debug ("Could not reload the gallery: %s", error->message);
      return;
    }

  g_debug ("Applying %u changes (%u people) to the gallery", changes->len, ids->len);
  gallery = vs_gallery_copy_without (self->gallery, (const gint64 *) ids->data, ids->len);
  if (!vs_store_add_people_to_gallery (self->store, gallery, (const gint64 *) ids->data, ids->len, &error))
    {
      /* These changes are taken: catch up with a full load next time. */
      g_debug ("Could not update the gallery: %s", error->message);
      self->resync = TRUE;
      return;
    }
  replace_gallery (self, g_steal_pointer (&gallery));
}

static void
online_cb (VsStoreMonitor   *monitor,
           GParamSpec       *pspec,
           VsGalleryMonitor *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

VsGalleryMonitor *
vs_gallery_monitor_new (VsStore     *store,
                        const char  *embedder,
                        GError     **error)
{
  g_autoptr(VsGalleryMonitor) self = NULL;

  g_return_val_if_fail (VS_IS_STORE (store), NULL);
  g_return_val_if_fail (embedder != NULL, NULL);

  self = g_object_new (VS_TYPE_GALLERY_MONITOR, NULL);
  self->store = g_object_ref (store);
  self->embedder = g_strdup (embedder);

  /* Listen before loading, so that no change made in between is missed
   * (at worst it is applied twice, which changes nothing). */
  self->monitor = vs_store_monitor_get_for_store (store);
  g_signal_connect (self->monitor, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect (self->monitor, "notify::online", G_CALLBACK (online_cb), self);

  self->gallery = vs_store_load_gallery (store, embedder, error);
  if (self->gallery == NULL)
    return NULL;
  g_debug ("Gallery loaded: %u people, %u samples",
           vs_gallery_get_n_people (self->gallery), vs_gallery_get_n_samples (self->gallery));
  return g_steal_pointer (&self);
}

VsStore *
vs_gallery_monitor_get_store (VsGalleryMonitor *self)
{
  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), NULL);
  return self->store;
}

VsGallery *
vs_gallery_monitor_get_gallery (VsGalleryMonitor *self)
{
  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), NULL);
  return self->gallery;
}

gboolean
vs_gallery_monitor_get_online (VsGalleryMonitor *self)
{
  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), FALSE);
  return self->monitor == NULL || vs_store_monitor_get_online (self->monitor);
}

gboolean
vs_gallery_monitor_check (VsGalleryMonitor  *self,
                          GError           **error)
{
  guint before;

  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), FALSE);

  before = self->n_replaced;
  if (self->monitor != NULL)
    vs_store_monitor_flush (self->monitor);
  return self->n_replaced != before;
}

gboolean
vs_gallery_monitor_record_seen (VsGalleryMonitor  *self,
                                gint64             person_id,
                                GError           **error)
{
  gint64 now = g_get_monotonic_time ();
  gint64 *last;

  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (self->store == NULL)
    return FALSE;

  last = g_hash_table_lookup (self->seen, &person_id);
  if (last != NULL && now - *last < SEEN_INTERVAL_US)
    return FALSE;

  /* Announced as PERSON_SEEN: no gallery reloads for it. */
  if (!vs_store_record_seen (self->store, person_id, g_get_real_time () / G_USEC_PER_SEC, error))
    return FALSE;

  if (last == NULL)
    {
      last = g_new (gint64, 1);
      g_hash_table_insert (self->seen, g_memdup2 (&person_id, sizeof person_id), last);
    }
  *last = now;
  return TRUE;
}

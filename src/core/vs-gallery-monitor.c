/* vs-gallery-monitor.c: reloads the gallery when the database changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-gallery-monitor.h"
#include "vs-store-pg.h"

#define SEEN_INTERVAL_US (60 * G_USEC_PER_SEC)

struct _VsGalleryMonitor
{
  GObject     parent_instance;

  VsStore    *store;
  char       *embedder;
  VsGallery  *gallery;
  gint64      data_version;
  guint       interval_ms;
  guint       timeout_id;
  GHashTable *seen;          /* person id (gint64*) → monotonic time of the last write */
  gboolean    online;        /* a shared store's server is reachable */
  gboolean    resync;        /* a shared store's change could not be applied */
};

G_DEFINE_FINAL_TYPE (VsGalleryMonitor, vs_gallery_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_GALLERY,
  PROP_INTERVAL,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  GALLERY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
poll_cb (gpointer data)
{
  VsGalleryMonitor *self = data;
  g_autoptr(GError) error = NULL;

  if (!vs_gallery_monitor_check (self, &error))
    {
      if (error != NULL)
        g_debug ("Could not reload the gallery: %s", error->message);
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_timeout (VsGalleryMonitor *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->interval_ms > 0 && self->store != NULL)
    {
      /* A shared store's check only looks at what its listener thread
       * collected (no I/O): look often, so a change shows within 0.1 s. */
      guint interval = vs_store_get_pg (self->store) != NULL ? MIN (self->interval_ms, 100) : self->interval_ms;

      self->timeout_id = g_timeout_add (interval, poll_cb, self);
      g_source_set_name_by_id (self->timeout_id, "[visage] gallery monitor");
    }
}

static void
vs_gallery_monitor_dispose (GObject *object)
{
  VsGalleryMonitor *self = VS_GALLERY_MONITOR (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
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
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_gallery_monitor_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VsGalleryMonitor *self = VS_GALLERY_MONITOR (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      vs_gallery_monitor_set_interval (self, g_value_get_uint (value));
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
  object_class->set_property = vs_gallery_monitor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VS_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GALLERY] =
    g_param_spec_pointer ("gallery", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 0, G_MAXUINT, 500,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
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
  self->interval_ms = 500;
  self->online = TRUE;
  self->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static gboolean
reload (VsGalleryMonitor  *self,
        GError           **error)
{
  /* Read the version first: a commit between the two is seen next time. */
  gint64 version = vs_store_get_data_version (self->store);
  VsGallery *gallery = vs_store_load_gallery (self->store, self->embedder, error);

  if (gallery == NULL)
    return FALSE;

  g_clear_pointer (&self->gallery, vs_gallery_unref);
  self->gallery = gallery;
  self->data_version = version;
  g_debug ("Gallery loaded: %u people, %u samples",
           vs_gallery_get_n_people (gallery), vs_gallery_get_n_samples (gallery));
  return TRUE;
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

  /* A shared store announces changes: listen before loading, so that none
   * made in between is missed. */
  if (vs_store_get_pg (store) != NULL)
    {
      vs_store_pg_watch_changes (vs_store_get_pg (store));
      self->online = vs_store_pg_is_online (vs_store_get_pg (store));
    }

  if (!reload (self, error))
    return NULL;

  restart_timeout (self);
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
  return self->online;
}

void
vs_gallery_monitor_set_interval (VsGalleryMonitor *self,
                                 guint             interval_ms)
{
  g_return_if_fail (VS_IS_GALLERY_MONITOR (self));

  if (self->interval_ms == interval_ms)
    return;
  self->interval_ms = interval_ms;
  restart_timeout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

/* The people a batch of changes touched; NULL when the whole gallery must
 * be reloaded (a reconnection, a reembed). */
static GArray *
changed_people (GArray *changes)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < changes->len; i++)
    {
      const VsStoreChange *change = &g_array_index (changes, VsStoreChange, i);

      if (change->kind == VS_STORE_CHANGE_RESYNC || change->kind == VS_STORE_CHANGE_EMBEDDER_CHANGED)
        return NULL;
      g_array_append_val (ids, change->person_id);
    }
  return g_steal_pointer (&ids);
}

/* A shared store: applies the announced changes to a copy of the gallery —
 * only the people they name are read again — or reloads it all after a
 * reconnection. While the server is away nothing changes. */
static gboolean
apply_shared_changes (VsGalleryMonitor  *self,
                      VsStorePg         *pg,
                      GError           **error)
{
  gboolean online = vs_store_pg_is_online (pg);
  g_autoptr(GArray) changes = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(VsGallery) gallery = NULL;

  if (online != self->online)
    {
      self->online = online;
      g_debug ("Shared gallery %s", online ? "online again" : "offline");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
    }
  if (!online)
    return FALSE;

  changes = vs_store_pg_take_changes (pg);
  if (changes->len == 0 && !self->resync)
    return FALSE;

  ids = self->resync ? NULL : changed_people (changes);
  if (ids == NULL || vs_gallery_get_dim (self->gallery) == 0)
    {
      g_debug ("Reloading the shared gallery");
      self->resync = !reload (self, error);
      return !self->resync;
    }

  g_debug ("Applying %u changes to the shared gallery", changes->len);
  gallery = vs_gallery_copy_without (self->gallery, (const gint64 *) ids->data, ids->len);
  if (!vs_store_pg_add_people_to_gallery (pg, gallery, (const gint64 *) ids->data, ids->len, error))
    {
      self->resync = TRUE;   /* these changes are taken: catch up with a reload */
      return FALSE;
    }
  g_clear_pointer (&self->gallery, vs_gallery_unref);
  self->gallery = g_steal_pointer (&gallery);
  return TRUE;
}

gboolean
vs_gallery_monitor_check (VsGalleryMonitor  *self,
                          GError           **error)
{
  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), FALSE);

  if (self->store != NULL && vs_store_get_pg (self->store) != NULL)
    {
      if (!apply_shared_changes (self, vs_store_get_pg (self->store), error))
        return FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GALLERY]);
      g_signal_emit (self, signals[GALLERY_CHANGED], 0, self->gallery);
      return TRUE;
    }

  if (self->store == NULL || vs_store_get_data_version (self->store) == self->data_version)
    return FALSE;
  if (!reload (self, error))
    return FALSE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GALLERY]);
  g_signal_emit (self, signals[GALLERY_CHANGED], 0, self->gallery);
  return TRUE;
}

gboolean
vs_gallery_monitor_record_seen (VsGalleryMonitor  *self,
                                gint64             person_id,
                                GError           **error)
{
  gint64 now = g_get_monotonic_time ();
  gint64 *last;
  gint64 before;

  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (self->store == NULL)
    return FALSE;

  last = g_hash_table_lookup (self->seen, &person_id);
  if (last != NULL && now - *last < SEEN_INTERVAL_US)
    return FALSE;

  before = vs_store_get_data_version (self->store);
  if (!vs_store_record_seen (self->store, person_id, g_get_real_time () / G_USEC_PER_SEC, error))
    return FALSE;

  /* Our own "last seen" write changes no embedding: do not reload for it,
   * unless someone else had committed before it. */
  if (before == self->data_version)
    self->data_version = vs_store_get_data_version (self->store);

  if (last == NULL)
    {
      last = g_new (gint64, 1);
      g_hash_table_insert (self->seen, g_memdup2 (&person_id, sizeof person_id), last);
    }
  *last = now;
  return TRUE;
}

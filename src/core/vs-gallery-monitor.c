/* vs-gallery-monitor.c: keeps the gallery snapshot in step with the
 * database, from the changes its VsStoreMonitor announces.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-gallery-monitor.h"
#include "vs-store-job.h"
#include "vs-store-monitor.h"

#define SEEN_INTERVAL_US (60 * G_USEC_PER_SEC)
/* Between two full loads (another process writing, e.g. an import: every
 * burst of its writes is a RESYNC). A load of 50,000 samples takes a core
 * for a few hundred milliseconds; back to back they would starve the
 * window's own thread of CPU. The first load after a quiet spell starts at
 * once. */
#define FULL_LOAD_INTERVAL_US (G_USEC_PER_SEC)

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

  /* Changes are applied on a worker thread, one update at a time, with a
   * connection of its own; what arrives meanwhile waits here and goes in
   * the next update. */
  VsStore        *worker;          /* the updates' connection (vs-store-job.h) */
  GArray         *pending;         /* gint64: people to read again */
  GHashTable     *pending_set;     /* the same ids */
  gboolean        pending_full;    /* load everything again */
  gboolean        updating;        /* an update is on a worker */
  struct _Update *in_flight;       /* what it applies */
  guint           generation;      /* moves when check() replaces the gallery itself */
  gboolean        in_check;        /* changes are applied at once, on this thread */
  gint64          last_full_load;  /* monotonic, when the last full load ended */
  guint           delay_id;        /* the next full load waits for FULL_LOAD_INTERVAL_US */
  GCancellable   *cancellable;

  /* "Last seen" written on a worker too (queue_seen()). */
  VsStore        *seen_worker;
  GArray         *seen_pending;    /* gint64 */
  gboolean        seen_writing;
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
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->delay_id, g_source_remove);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);
  g_clear_object (&self->seen_worker);

  G_OBJECT_CLASS (vs_gallery_monitor_parent_class)->dispose (object);
}

static void
vs_gallery_monitor_finalize (GObject *object)
{
  VsGalleryMonitor *self = VS_GALLERY_MONITOR (object);

  g_clear_pointer (&self->gallery, vs_gallery_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->pending_set, g_hash_table_unref);
  g_clear_pointer (&self->seen_pending, g_array_unref);
  g_clear_object (&self->cancellable);
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
  self->pending = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->pending_set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->seen_pending = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cancellable = g_cancellable_new ();
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

/* Adds a batch of changes to what the next update applies. */
static void
add_pending (VsGalleryMonitor *self,
             GArray           *changes)
{
  g_autoptr(GArray) ids = changed_people (changes);

  if (ids == NULL)
    {
      self->pending_full = TRUE;
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (g_hash_table_add (self->pending_set, g_memdup2 (&id, sizeof id)))
        g_array_append_val (self->pending, id);
    }
}

static gboolean
has_pending (VsGalleryMonitor *self)
{
  return self->pending_full || self->pending->len > 0;
}

/* What one update does, on whatever thread: a new snapshot from `base`
 * without the people in `ids`, who are read again (those that still exist);
 * or everything loaded again when base is NULL. */
typedef struct _Update {
  char      *embedder;
  VsGallery *base;
  GArray    *ids;
  guint      generation;
} Update;

static void
update_free (Update *update)
{
  g_free (update->embedder);
  g_clear_pointer (&update->base, vs_gallery_unref);
  g_clear_pointer (&update->ids, g_array_unref);
  g_free (update);
}

static Update *
take_pending (VsGalleryMonitor *self)
{
  Update *update = g_new0 (Update, 1);

  update->embedder = g_strdup (self->embedder);
  update->generation = self->generation;
  if (!self->pending_full && !self->resync && self->gallery != NULL &&
      vs_gallery_get_dim (self->gallery) > 0)
    {
      update->base = vs_gallery_ref (self->gallery);
      update->ids = g_array_ref (self->pending);
    }
  self->pending = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_remove_all (self->pending_set);
  self->pending_full = FALSE;
  return update;
}

static gpointer
run_update (VsStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Update *update = data;
  g_autoptr(VsGallery) gallery = NULL;

  if (update->base == NULL)
    return vs_store_load_gallery (store, update->embedder, error);

  gallery = vs_gallery_copy_without (update->base, (const gint64 *) update->ids->data, update->ids->len);
  if (!vs_store_add_people_to_gallery (store, gallery, (const gint64 *) update->ids->data,
                                       update->ids->len, error))
    return NULL;
  return g_steal_pointer (&gallery);
}

static void
applied (VsGalleryMonitor *self,
         Update           *update,
         VsGallery        *gallery,
         GError           *error)
{
  if (gallery == NULL)
    {
      /* These changes are taken: catch up with a full load next time. */
      if (self->gallery == NULL)
        g_warning ("Cannot load the people enrolled: %s", error->message);
      else
        g_debug ("Could not update the gallery: %s", error->message);
      self->resync = TRUE;
      return;
    }
  self->resync = FALSE;
  if (update->base == NULL)
    g_debug ("Gallery loaded: %u people, %u samples",
             vs_gallery_get_n_people (gallery), vs_gallery_get_n_samples (gallery));
  else
    g_debug ("Applied changes to %u people to the gallery", update->ids->len);
  replace_gallery (self, gallery);
}

static void start_update (VsGalleryMonitor *self);

static void
update_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VsGalleryMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  Update *update = g_steal_pointer (&self->in_flight);
  VsGallery *gallery = vs_store_job_finish (result, &error);

  self->updating = FALSE;
  if (update->base == NULL)
    self->last_full_load = g_get_monotonic_time ();
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store == NULL)
    g_clear_pointer (&gallery, vs_gallery_unref);
  /* check() replaced the gallery meanwhile, from everything: this older
   * result would undo that. */
  else if (update->generation != self->generation)
    g_clear_pointer (&gallery, vs_gallery_unref);
  else
    applied (self, update, gallery, error);
  update_free (update);
  start_update (self);
}

/* Hands what is pending to a worker unless one is busy: its callback starts
 * the next one, so a burst of changes costs at most two updates. The worker
 * only reads the Update (its base snapshot is immutable); the monitor keeps
 * it, and itself alive, until the callback. */
static gboolean
delay_done_cb (gpointer data)
{
  VsGalleryMonitor *self = data;

  self->delay_id = 0;
  start_update (self);
  return G_SOURCE_REMOVE;
}

static void
start_update (VsGalleryMonitor *self)
{
  gint64 wait;

  if (self->updating || self->delay_id != 0 || !has_pending (self) || self->store == NULL)
    return;
  wait = self->last_full_load + FULL_LOAD_INTERVAL_US - g_get_monotonic_time ();
  if ((self->pending_full || self->resync) && self->last_full_load != 0 && wait > 0)
    {
      self->delay_id = g_timeout_add_full (G_PRIORITY_DEFAULT, wait / 1000 + 1, delay_done_cb, self, NULL);
      g_source_set_name_by_id (self->delay_id, "[visage] gallery reload");
      return;
    }
  self->in_flight = take_pending (self);
  self->updating = TRUE;
  vs_store_job_run (self->store, &self->worker, run_update, self->in_flight, NULL,
                    (GDestroyNotify) vs_gallery_unref, self->cancellable,
                    update_done_cb, g_object_ref (self));
}

/* Changes are applied on a worker; within check() at once, here. */
static void
changed_cb (VsStoreMonitor   *monitor,
            GArray           *changes,
            VsGalleryMonitor *self)
{
  if (!vs_store_changes_touch_gallery (changes))
    return;
  add_pending (self, changes);
  if (!self->in_check)
    start_update (self);
}

static void
online_cb (VsStoreMonitor   *monitor,
           GParamSpec       *pspec,
           VsGalleryMonitor *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

/* A monitor without a gallery yet, already listening: no change made while
 * the first load runs is missed (at worst one is applied twice, which
 * changes nothing). */
static VsGalleryMonitor *
monitor_new_listening (VsStore    *store,
                       const char *embedder)
{
  VsGalleryMonitor *self = g_object_new (VS_TYPE_GALLERY_MONITOR, NULL);

  self->store = g_object_ref (store);
  self->embedder = g_strdup (embedder);
  self->monitor = vs_store_monitor_get_for_store (store);
  g_signal_connect (self->monitor, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect (self->monitor, "notify::online", G_CALLBACK (online_cb), self);
  return self;
}

VsGalleryMonitor *
vs_gallery_monitor_new (VsStore     *store,
                        const char  *embedder,
                        GError     **error)
{
  g_autoptr(VsGalleryMonitor) self = NULL;

  g_return_val_if_fail (VS_IS_STORE (store), NULL);
  g_return_val_if_fail (embedder != NULL, NULL);

  self = monitor_new_listening (store, embedder);
  self->gallery = vs_store_load_gallery (store, embedder, error);
  if (self->gallery == NULL)
    return NULL;
  g_debug ("Gallery loaded: %u people, %u samples",
           vs_gallery_get_n_people (self->gallery), vs_gallery_get_n_samples (self->gallery));
  return g_steal_pointer (&self);
}

VsGalleryMonitor *
vs_gallery_monitor_new_loading (VsStore    *store,
                                const char *embedder)
{
  VsGalleryMonitor *self;

  g_return_val_if_fail (VS_IS_STORE (store), NULL);
  g_return_val_if_fail (embedder != NULL, NULL);

  self = monitor_new_listening (store, embedder);
  /* The first load is a full update like any other: on a worker, with
   * changes made meanwhile applied after it. */
  self->pending_full = TRUE;
  start_update (self);
  return self;
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
  self->in_check = TRUE;
  if (self->monitor != NULL)
    vs_store_monitor_flush (self->monitor);
  self->in_check = FALSE;

  if (has_pending (self))
    {
      g_autoptr(GError) local_error = NULL;
      Update *update;
      VsGallery *gallery;

      /* An update on its way holds changes this one would miss: read
       * everything, and let the callback drop that older result. */
      if (self->updating)
        {
          self->pending_full = TRUE;
          self->generation++;
        }
      update = take_pending (self);
      gallery = run_update (self->store, update, NULL, &local_error);
      applied (self, update, gallery, local_error);
      update_free (update);
      if (gallery == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return self->n_replaced != before;
}

/* "Last seen" is written at most once per SEEN_INTERVAL_US per person. */
static gboolean
seen_is_due (VsGalleryMonitor *self,
             gint64            person_id)
{
  gint64 *last = g_hash_table_lookup (self->seen, &person_id);

  return last == NULL || g_get_monotonic_time () - *last >= SEEN_INTERVAL_US;
}

static void
mark_seen (VsGalleryMonitor *self,
           gint64            person_id)
{
  gint64 *last = g_hash_table_lookup (self->seen, &person_id);

  if (last == NULL)
    {
      last = g_new (gint64, 1);
      g_hash_table_insert (self->seen, g_memdup2 (&person_id, sizeof person_id), last);
    }
  *last = g_get_monotonic_time ();
}

gboolean
vs_gallery_monitor_record_seen (VsGalleryMonitor  *self,
                                gint64             person_id,
                                GError           **error)
{
  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (self->store == NULL || !seen_is_due (self, person_id))
    return FALSE;

  /* Announced as PERSON_SEEN: no gallery reloads for it. */
  if (!vs_store_record_seen (self->store, person_id, g_get_real_time () / G_USEC_PER_SEC, error))
    return FALSE;

  mark_seen (self, person_id);
  return TRUE;
}

typedef struct {
  GArray *ids;    /* gint64 */
  gint64  when;   /* unix seconds */
} SeenJob;

static void
seen_job_free (SeenJob *job)
{
  g_array_unref (job->ids);
  g_free (job);
}

static gpointer
write_seen (VsStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  SeenJob *job = data;

  /* One person failing (deleted meanwhile) does not stop the others. */
  for (guint i = 0; i < job->ids->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 id = g_array_index (job->ids, gint64, i);

      if (!vs_store_record_seen (store, id, job->when, &local_error))
        g_debug ("Cannot record that person %" G_GINT64_FORMAT " was seen: %s", id, local_error->message);
    }
  return GINT_TO_POINTER (1);
}

static void start_seen (VsGalleryMonitor *self);

static void
seen_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VsGalleryMonitor) self = user_data;
  g_autoptr(GError) error = NULL;

  self->seen_writing = FALSE;
  if (vs_store_job_finish (result, &error) == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Cannot record who was seen: %s", error->message);
  start_seen (self);
}

static void
start_seen (VsGalleryMonitor *self)
{
  SeenJob *job;

  if (self->seen_writing || self->seen_pending->len == 0 || self->store == NULL ||
      g_cancellable_is_cancelled (self->cancellable))
    return;
  job = g_new0 (SeenJob, 1);
  job->ids = g_steal_pointer (&self->seen_pending);
  job->when = g_get_real_time () / G_USEC_PER_SEC;
  self->seen_pending = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->seen_writing = TRUE;
  vs_store_job_run (self->store, &self->seen_worker, write_seen, job, (GDestroyNotify) seen_job_free,
                    NULL, self->cancellable, seen_done_cb, g_object_ref (self));
}

gboolean
vs_gallery_monitor_queue_seen (VsGalleryMonitor *self,
                               gint64            person_id)
{
  g_return_val_if_fail (VS_IS_GALLERY_MONITOR (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (self->store == NULL || !seen_is_due (self, person_id))
    return FALSE;

  /* Marked when queued: a write that fails is not retried at every frame. */
  mark_seen (self, person_id);
  g_array_append_val (self->seen_pending, person_id);
  start_seen (self);
  return TRUE;
}

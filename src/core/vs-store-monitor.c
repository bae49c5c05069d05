/* vs-store-monitor.c: every change to a database, heard in one place.
 *
 * Writers anywhere in this process post their changes through a small hub
 * (database key → mailboxes, one per monitor); a mailbox queues them and
 * wakes its monitor in the monitor's main context. Another process's writes
 * are noticed without a timer: an SQLite file's WAL is watched (GFileMonitor,
 * inotify) and the database's generation compared with the generations this
 * process claimed; a server's listener thread wakes the mailbox itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-store-job.h"
#include "vs-store-monitor.h"
#include "vs-store-private.h"

/* ---- Mailboxes and the hub ---------------------------------------------- */

typedef struct {
  gatomicrefcount  ref;
  GMutex           lock;
  char            *key;
  GMainContext    *context;
  GWeakRef         monitor;
  VsStore         *store;       /* the monitor's, only compared (no reference) */
  GArray          *pending;     /* VsStoreChange posted by this process */
  /* Generations this process wrote (gint64 in a pointer) → CLAIMED_BY_*. */
  GHashTable      *claimed;
  gboolean         scheduled;   /* an idle source is on its way */
} Mailbox;

static Mailbox *
mailbox_ref (Mailbox *mb)
{
  g_atomic_ref_count_inc (&mb->ref);
  return mb;
}

static void
mailbox_unref (Mailbox *mb)
{
  if (!g_atomic_ref_count_dec (&mb->ref))
    return;
  g_mutex_clear (&mb->lock);
  g_free (mb->key);
  g_main_context_unref (mb->context);
  g_weak_ref_clear (&mb->monitor);
  g_array_unref (mb->pending);
  g_hash_table_unref (mb->claimed);
  g_free (mb);
}

static GMutex hub_lock;
static GHashTable *hub;   /* key → GPtrArray of Mailbox* (a reference each) */

static void
hub_add (Mailbox *mb)
{
  GPtrArray *boxes;

  g_mutex_lock (&hub_lock);
  if (hub == NULL)
    hub = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  boxes = g_hash_table_lookup (hub, mb->key);
  if (boxes == NULL)
    {
      boxes = g_ptr_array_new_with_free_func ((GDestroyNotify) mailbox_unref);
      g_hash_table_insert (hub, g_strdup (mb->key), boxes);
    }
  g_ptr_array_add (boxes, mailbox_ref (mb));
  g_mutex_unlock (&hub_lock);
}

static void
hub_remove (Mailbox *mb)
{
  GPtrArray *boxes;

  g_mutex_lock (&hub_lock);
  boxes = hub != NULL ? g_hash_table_lookup (hub, mb->key) : NULL;
  if (boxes != NULL)
    {
      g_ptr_array_remove (boxes, mb);
      if (boxes->len == 0)
        g_hash_table_remove (hub, mb->key);
    }
  g_mutex_unlock (&hub_lock);
}

static gboolean dispatch_cb (gpointer data);

/* With mb->lock held: makes sure the monitor runs soon in its context.
 * Always through an idle source, never at once: a write must not re-enter
 * the code that made it. */
static void
mailbox_schedule_locked (Mailbox *mb)
{
  GSource *source;

  if (mb->scheduled)
    return;
  mb->scheduled = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_name (source, "[visage] store changes");
  g_source_set_callback (source, dispatch_cb, mailbox_ref (mb), (GDestroyNotify) mailbox_unref);
  g_source_attach (source, mb->context);
  g_source_unref (source);
}

typedef void (*MailboxFunc) (Mailbox *mb, gpointer data);

static void
hub_foreach (const char  *key,
             MailboxFunc  func,
             gpointer     data)
{
  GPtrArray *boxes;

  g_mutex_lock (&hub_lock);
  boxes = hub != NULL ? g_hash_table_lookup (hub, key) : NULL;
  for (guint i = 0; boxes != NULL && i < boxes->len; i++)
    {
      Mailbox *mb = g_ptr_array_index (boxes, i);

      g_mutex_lock (&mb->lock);
      func (mb, data);
      g_mutex_unlock (&mb->lock);
    }
  g_mutex_unlock (&hub_lock);
}

#define CLAIMED_BY_MONITOR_STORE 1
#define CLAIMED_BY_OTHER_STORE   2

typedef struct {
  gint64   generation;
  VsStore *writer;
} Claim;

static void
claim_one (Mailbox  *mb,
           gpointer  data)
{
  Claim *claim = data;

  g_hash_table_insert (mb->claimed, GSIZE_TO_POINTER ((gsize) claim->generation),
                       GINT_TO_POINTER (claim->writer == mb->store ? CLAIMED_BY_MONITOR_STORE
                                                                   : CLAIMED_BY_OTHER_STORE));
}

static void
withdraw_one (Mailbox  *mb,
              gpointer  data)
{
  g_hash_table_remove (mb->claimed, data);
}

static void
post_one (Mailbox  *mb,
          gpointer  data)
{
  GArray *changes = data;

  g_array_append_vals (mb->pending, changes->data, changes->len);
  mailbox_schedule_locked (mb);
}

/* Generations are small positive counters: they fit a pointer on every
 * platform GLib supports for 2^31 writes, far more than a desk makes. */
void
vs_store_monitor_claim_generation (const char *key,
                                   gint64      generation,
                                   VsStore    *writer)
{
  Claim claim = { generation, writer };

  hub_foreach (key, claim_one, &claim);
}

void
vs_store_monitor_withdraw_generation (const char *key,
                                      gint64      generation)
{
  hub_foreach (key, withdraw_one, GSIZE_TO_POINTER ((gsize) generation));
}

void
vs_store_monitor_post (const char *key,
                       GArray     *changes)
{
  hub_foreach (key, post_one, changes);
}

/* ---- The monitor -------------------------------------------------------- */

struct _VsStoreMonitor
{
  GObject       parent_instance;

  VsStore      *store;
  Mailbox      *mailbox;
  GFileMonitor *wal_monitor;   /* SQLite: the WAL grows on every commit */
  gint64        generation;    /* SQLite: the last generation accounted for */
  gint64        data_version;  /* SQLite: PRAGMA data_version then */
  gboolean      online;
  guint         retry_id;      /* SQLite: the generation could not be read: again soon */
  /* SQLite: the generation read on a worker after each write noticed, so
   * the main thread never meets the database's locks. */
  VsStore      *worker;
  gboolean      reading;
  gboolean      read_again;
  guint         n_accounted;   /* generations read and accounted for so far */
  gint64        worker_data_version;
  gboolean      worker_dv_known;
  gint64        by_others_since_main;  /* claims by other stores since flush() looked */
  gint64        claimed_since_worker;  /* claims since the worker looked */
  guint         read_from;     /* n_accounted when the read on its way began */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (VsStoreMonitor, vs_store_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void notice (VsStoreMonitor *self);

static gboolean
dispatch_cb (gpointer data)
{
  Mailbox *mb = data;
  g_autoptr(VsStoreMonitor) self = NULL;

  g_mutex_lock (&mb->lock);
  mb->scheduled = FALSE;
  g_mutex_unlock (&mb->lock);

  self = g_weak_ref_get (&mb->monitor);
  if (self != NULL)
    notice (self);
  return G_SOURCE_REMOVE;
}

/* Listener thread of a shared store: something arrived. */
static void
pg_wake_cb (gpointer data)
{
  Mailbox *mb = data;

  g_mutex_lock (&mb->lock);
  mailbox_schedule_locked (mb);
  g_mutex_unlock (&mb->lock);
}

static void
wal_changed_cb (GFileMonitor      *file_monitor,
                GFile             *file,
                GFile             *other,
                GFileMonitorEvent  event,
                gpointer           user_data)
{
  VsStoreMonitor *self = user_data;

  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_CREATED ||
      event == G_FILE_MONITOR_EVENT_DELETED || event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
    notice (self);
}

/* SQLite: whether someone outside this process wrote since the last look:
 * a generation between the last one and now that this process did not
 * claim. A program that is not Visage (sqlite3 by hand) moves no
 * generation; its writes show as a new data_version that no other
 * connection of this process explains. */
static gboolean
retry_cb (gpointer data)
{
  VsStoreMonitor *self = data;

  self->retry_id = 0;
  vs_store_monitor_flush (self);
  return G_SOURCE_REMOVE;
}

/* ---- The generation, read on a worker ------------------------------------ */

static gboolean account_generation (VsStoreMonitor *self,
                                    gint64          now,
                                    gint64          data_version,
                                    gboolean        on_worker);

static gpointer
read_generation (VsStore       *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  /* generation, data_version, and whether they could be read. On the
   * worker a busy wait is harmless. */
  gint64 *values = g_new0 (gint64, 3);

  values[2] = vs_store_read_generation (store, &values[0], &values[1]);
  return values;
}

static void emit_pending (VsStoreMonitor *self,
                          gboolean        foreign);
static void check_foreign_async (VsStoreMonitor *self);

static void
generation_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VsStoreMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *values = vs_store_job_finish (result, &error);

  self->reading = FALSE;
  if (self->mailbox == NULL)
    {
      /* Disposed meanwhile: the connection came back after dispose. */
      g_clear_object (&self->worker);
      return;
    }
  if (values == NULL || !values[2])
    g_debug ("Cannot read the generation%s%s", error ? ": " : "", error ? error->message : "");
  /* flush() read it here meanwhile: that reading is at least as new, and
   * accounting this older one after it would look like a replaced file. */
  else if (self->read_from != self->n_accounted)
    emit_pending (self, FALSE);
  else
    emit_pending (self, account_generation (self, values[0], values[1], TRUE));
  if (self->read_again)
    {
      self->read_again = FALSE;
      check_foreign_async (self);
    }
}

static void
check_foreign_async (VsStoreMonitor *self)
{
  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }
  self->reading = TRUE;
  self->read_from = self->n_accounted;
  vs_store_job_run (self->store, &self->worker, read_generation, NULL, NULL, g_free,
                    self->cancellable, generation_read_cb, g_object_ref (self));
}

/* This process's changes now, another's (RESYNC) when foreign. */
static void
emit_pending (VsStoreMonitor *self,
              gboolean        foreign)
{
  g_autoptr(GArray) changes = vs_store_changes_new ();

  if (foreign)
    vs_store_changes_add (changes, VS_STORE_CHANGE_RESYNC, 0, 0);
  g_mutex_lock (&self->mailbox->lock);
  g_array_append_vals (changes, self->mailbox->pending->data, self->mailbox->pending->len);
  g_array_set_size (self->mailbox->pending, 0);
  g_mutex_unlock (&self->mailbox->lock);
  if (changes->len > 0)
    g_signal_emit (self, signals[CHANGED], 0, changes);
}

/* What the main loop does when something was posted or the WAL moved: an
 * SQLite file's generation is read on a worker; the rest as flush(). */
static void
notice (VsStoreMonitor *self)
{
  if (self->mailbox == NULL || vs_store_get_pg (self->store) != NULL ||
      !vs_store_is_shared (self->store))
    {
      vs_store_monitor_flush (self);
      return;
    }
  /* This process's own changes need no reading: out at once. */
  emit_pending (self, FALSE);
  check_foreign_async (self);
}

static gboolean account_generation (VsStoreMonitor *self,
                                    gint64          now,
                                    gint64          data_version,
                                    gboolean        on_worker);

static gboolean
sqlite_foreign_writes (VsStoreMonitor *self)
{
  gint64 now, data_version;
  gboolean busy;

  /* Never a busy wait here (the main thread): a lock held for a moment
   * (a checkpoint resetting the WAL) means looking again shortly. */
  if (!vs_store_try_read_generation (self->store, &now, &data_version, &busy))
    {
      if (busy && self->retry_id == 0)
        {
          self->retry_id = g_timeout_add (50, retry_cb, self);
          g_source_set_name_by_id (self->retry_id, "[visage] store generation");
        }
      return FALSE;
    }
  return account_generation (self, now, data_version, FALSE);
}

/* Whether the generation and data_version read now mean writes by someone
 * outside this process. */
/* PRAGMA data_version is per connection: it moves when any other
 * connection commits. The main store's (flush()) and the worker's (the
 * reads after each notice) are followed apart: each explains its moves by
 * this process's claims accounted since that connection last looked, and
 * only an unexplained move (a program that moves no generation, sqlite3 by
 * hand) is a foreign write. */
static gboolean
account_generation (VsStoreMonitor *self,
                    gint64          now,
                    gint64          data_version,
                    gboolean        on_worker)
{
  gint64 n_claimed = 0, n_by_others = 0;
  gboolean foreign, dv_moved;
  GHashTableIter iter;
  gpointer key, value;

  self->n_accounted++;
  if (now != self->generation)
    {
      g_mutex_lock (&self->mailbox->lock);
      g_hash_table_iter_init (&iter, self->mailbox->claimed);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          gint64 generation = (gint64) GPOINTER_TO_SIZE (key);

          if (generation <= now)
            {
              if (generation > self->generation)
                {
                  n_claimed++;
                  if (GPOINTER_TO_INT (value) == CLAIMED_BY_OTHER_STORE)
                    n_by_others++;
                }
              g_hash_table_iter_remove (&iter);
            }
        }
      g_mutex_unlock (&self->mailbox->lock);
    }
  /* What each connection's data_version has to explain. */
  self->by_others_since_main += n_by_others;
  self->claimed_since_worker += n_claimed;

  if (on_worker)
    {
      dv_moved = self->worker_dv_known && data_version != self->worker_data_version &&
                 self->claimed_since_worker == 0;
      self->worker_data_version = data_version;
      self->worker_dv_known = TRUE;
      self->claimed_since_worker = 0;
    }
  else
    {
      dv_moved = data_version != self->data_version && self->by_others_since_main == 0;
      self->data_version = data_version;
      self->by_others_since_main = 0;
    }

  /* A generation below the last one means the file was replaced (a copy,
   * a restore): that is a foreign write too. */
  foreign = now < self->generation || n_claimed < now - self->generation || dv_moved;
  if (foreign)
    g_debug ("%s: written by another program", vs_store_get_path (self->store));
  self->generation = now;
  return foreign;
}

gboolean
vs_store_monitor_flush (VsStoreMonitor *self)
{
  g_autoptr(GArray) changes = NULL;
  VsStorePg *pg;

  g_return_val_if_fail (VS_IS_STORE_MONITOR (self), FALSE);

  changes = vs_store_changes_new ();
  pg = vs_store_get_pg (self->store);
  if (pg != NULL)
    {
      gboolean online = vs_store_pg_is_online (pg);
      g_autoptr(GArray) foreign = vs_store_pg_take_foreign_changes (pg);

      if (online != self->online)
        {
          self->online = online;
          g_debug ("Shared gallery %s", online ? "online again" : "offline");
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
        }
      g_array_append_vals (changes, foreign->data, foreign->len);
    }
  else if (self->mailbox != NULL && sqlite_foreign_writes (self))
    vs_store_changes_add (changes, VS_STORE_CHANGE_RESYNC, 0, 0);

  if (self->mailbox != NULL)
    {
      g_mutex_lock (&self->mailbox->lock);
      g_array_append_vals (changes, self->mailbox->pending->data, self->mailbox->pending->len);
      g_array_set_size (self->mailbox->pending, 0);
      g_mutex_unlock (&self->mailbox->lock);
    }

  if (changes->len == 0)
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0, changes);
  return TRUE;
}

static void
vs_store_monitor_dispose (GObject *object)
{
  VsStoreMonitor *self = VS_STORE_MONITOR (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->worker);
  if (self->wal_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->wal_monitor, self);
      g_file_monitor_cancel (self->wal_monitor);
      g_clear_object (&self->wal_monitor);
    }
  if (self->mailbox != NULL)
    {
      if (self->store != NULL && vs_store_get_pg (self->store) != NULL)
        vs_store_pg_set_wake_func (vs_store_get_pg (self->store), NULL, NULL, NULL);
      hub_remove (self->mailbox);
      g_weak_ref_set (&self->mailbox->monitor, NULL);
      g_clear_pointer (&self->mailbox, mailbox_unref);
    }
  g_clear_object (&self->store);

  G_OBJECT_CLASS (vs_store_monitor_parent_class)->dispose (object);
}

static void
vs_store_monitor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VsStoreMonitor *self = VS_STORE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_store_monitor_class_init (VsStoreMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_store_monitor_dispose;
  object_class->get_property = vs_store_monitor_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VS_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VsStoreMonitor::changed:
   * @changes: (element-type VsStoreChange): oldest first
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
vs_store_monitor_init (VsStoreMonitor *self)
{
  self->online = TRUE;
  self->cancellable = g_cancellable_new ();
}

static VsStoreMonitor *
find_existing (const char   *key,
               GMainContext *context)
{
  VsStoreMonitor *found = NULL;
  GPtrArray *boxes;

  g_mutex_lock (&hub_lock);
  boxes = hub != NULL ? g_hash_table_lookup (hub, key) : NULL;
  for (guint i = 0; found == NULL && boxes != NULL && i < boxes->len; i++)
    {
      Mailbox *mb = g_ptr_array_index (boxes, i);

      if (mb->context == context)
        found = g_weak_ref_get (&mb->monitor);
    }
  g_mutex_unlock (&hub_lock);
  return found;
}

static void
watch_wal (VsStoreMonitor *self)
{
  g_autofree char *wal_path = g_strconcat (vs_store_get_key (self->store), "-wal", NULL);
  g_autoptr(GFile) wal = g_file_new_for_path (wal_path);
  g_autoptr(GError) error = NULL;

  self->wal_monitor = g_file_monitor_file (wal, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->wal_monitor == NULL)
    {
      g_warning ("Cannot watch %s for other programs' changes: %s", wal_path, error->message);
      return;
    }
  /* A burst of commits (an import) is one resync per 100 ms at most. */
  g_file_monitor_set_rate_limit (self->wal_monitor, 100);
  g_signal_connect (self->wal_monitor, "changed", G_CALLBACK (wal_changed_cb), self);
}

VsStoreMonitor *
vs_store_monitor_get_for_store (VsStore *store)
{
  g_autoptr(GMainContext) context = NULL;
  VsStoreMonitor *self;
  const char *key;
  Mailbox *mb;

  g_return_val_if_fail (VS_IS_STORE (store), NULL);

  context = g_main_context_ref_thread_default ();
  key = vs_store_get_key (store);
  if (key != NULL && (self = find_existing (key, context)) != NULL)
    return self;

  self = g_object_new (VS_TYPE_STORE_MONITOR, NULL);
  self->store = g_object_ref (store);
  if (key == NULL)
    return self;   /* in memory: only this store writes, and it says nothing */

  mb = g_new0 (Mailbox, 1);
  g_atomic_ref_count_init (&mb->ref);
  g_mutex_init (&mb->lock);
  mb->key = g_strdup (key);
  mb->context = g_main_context_ref (context);
  mb->store = store;
  g_weak_ref_init (&mb->monitor, self);
  mb->pending = vs_store_changes_new ();
  mb->claimed = g_hash_table_new (NULL, NULL);
  self->mailbox = mb;
  hub_add (mb);

  if (vs_store_get_pg (store) != NULL)
    {
      VsStorePg *pg = vs_store_get_pg (store);

      /* Listen before anyone loads: no change after this is missed. */
      vs_store_pg_watch_changes (pg);
      vs_store_pg_set_wake_func (pg, pg_wake_cb, mailbox_ref (mb), (GDestroyNotify) mailbox_unref);
      self->online = vs_store_pg_is_online (pg);
      /* Whatever the listener heard before is older than what callers load now. */
      g_array_unref (vs_store_pg_take_foreign_changes (pg));
    }
  else
    {
      if (!vs_store_read_generation (store, &self->generation, &self->data_version))
        g_debug ("%s: no generation; other programs' writes go unnoticed", vs_store_get_path (store));
      watch_wal (self);
    }
  return self;
}

VsStore *
vs_store_monitor_get_store (VsStoreMonitor *self)
{
  g_return_val_if_fail (VS_IS_STORE_MONITOR (self), NULL);
  return self->store;
}

gboolean
vs_store_monitor_get_online (VsStoreMonitor *self)
{
  g_return_val_if_fail (VS_IS_STORE_MONITOR (self), FALSE);
  return self->online;
}

/* vs-people-model.c: the enrolled people as a GListModel that follows the
 * store. */
#include "config.h"

#include <string.h>

#include "vs-name.h"
#include "vs-people-model.h"
#include "vs-store-job.h"
#include "vs-store-monitor.h"

/* ---- VsPersonItem ----------------------------------------------------- */

struct _VsPersonItem
{
  GObject  parent_instance;

  gint64   id;
  char    *name;
  guint    n_samples;
  gint64   created;
  gint64   last_seen;

  guint    name_rank;    /* position in the store's name order */
  char    *search_key;   /* lazily, from name */
  gboolean dirty;        /* changed by the refresh in progress */
  guint    stamp;        /* the refresh that last saw it */
  guint    old_mark;     /* update_visible(): was shown before… */
  guint    new_mark;     /* …is shown after */
  gboolean moved;        /* update_visible(): announced removed, to be added again */
};

G_DEFINE_FINAL_TYPE (VsPersonItem, vs_person_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_ID,
  ITEM_PROP_NAME,
  ITEM_PROP_N_SAMPLES,
  ITEM_PROP_CREATED,
  ITEM_PROP_LAST_SEEN,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
vs_person_item_finalize (GObject *object)
{
  VsPersonItem *self = VS_PERSON_ITEM (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->search_key, g_free);

  G_OBJECT_CLASS (vs_person_item_parent_class)->finalize (object);
}

static void
vs_person_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VsPersonItem *self = VS_PERSON_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ITEM_PROP_N_SAMPLES:
      g_value_set_uint (value, self->n_samples);
      break;
    case ITEM_PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;
    case ITEM_PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_person_item_class_init (VsPersonItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vs_person_item_finalize;
  object_class->get_property = vs_person_item_get_property;

  item_properties[ITEM_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  item_properties[ITEM_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_N_SAMPLES] =
    g_param_spec_uint ("n-samples", NULL, NULL, 0, G_MAXUINT, 0, flags);
  item_properties[ITEM_PROP_CREATED] =
    g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0, flags);
  item_properties[ITEM_PROP_LAST_SEEN] =
    g_param_spec_int64 ("last-seen", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
vs_person_item_init (VsPersonItem *self)
{
}

/* Copies person into the item; TRUE when anything visible changed. */
static gboolean
vs_person_item_update (VsPersonItem   *self,
                       const VsPerson *person)
{
  gboolean changed = FALSE;

  /* Most people did not change: no notification machinery for them (a
   * refresh compares 10,000 on the main thread). */
  if (self->n_samples == person->n_samples && self->created == person->created &&
      self->last_seen == person->last_seen && g_strcmp0 (self->name, person->name) == 0)
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->name, person->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (person->name);
      g_clear_pointer (&self->search_key, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_NAME]);
      changed = TRUE;
    }
  if (self->n_samples != person->n_samples)
    {
      self->n_samples = person->n_samples;
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_N_SAMPLES]);
      changed = TRUE;
    }
  if (self->created != person->created)
    {
      self->created = person->created;
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_CREATED]);
      changed = TRUE;
    }
  if (self->last_seen != person->last_seen)
    {
      self->last_seen = person->last_seen;
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_LAST_SEEN]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));
  return changed;
}

static VsPersonItem *
vs_person_item_new (const VsPerson *person)
{
  VsPersonItem *self = g_object_new (VS_TYPE_PERSON_ITEM, NULL);

  self->id = person->id;
  self->name = g_strdup (person->name);
  self->n_samples = person->n_samples;
  self->created = person->created;
  self->last_seen = person->last_seen;
  return self;
}

gint64
vs_person_item_get_id (VsPersonItem *self)
{
  g_return_val_if_fail (VS_IS_PERSON_ITEM (self), 0);
  return self->id;
}

const char *
vs_person_item_get_name (VsPersonItem *self)
{
  g_return_val_if_fail (VS_IS_PERSON_ITEM (self), NULL);
  return self->name;
}

guint
vs_person_item_get_n_samples (VsPersonItem *self)
{
  g_return_val_if_fail (VS_IS_PERSON_ITEM (self), 0);
  return self->n_samples;
}

gint64
vs_person_item_get_created (VsPersonItem *self)
{
  g_return_val_if_fail (VS_IS_PERSON_ITEM (self), 0);
  return self->created;
}

gint64
vs_person_item_get_last_seen (VsPersonItem *self)
{
  g_return_val_if_fail (VS_IS_PERSON_ITEM (self), 0);
  return self->last_seen;
}

char *
vs_people_search_key (const char *text)
{
  /* A search finds a name the way names are compared (vs-name.h). */
  return vs_name_key (text);
}

gboolean
vs_person_item_matches (VsPersonItem *self,
                        const char   *key)
{
  g_return_val_if_fail (VS_IS_PERSON_ITEM (self), FALSE);

  if (key == NULL || *key == '\0')
    return TRUE;
  /* Computed once per name: typing filters 10,000 rows per keystroke. */
  if (self->search_key == NULL)
    self->search_key = vs_people_search_key (self->name);
  return strstr (self->search_key, key) != NULL;
}

static int
compare_int64_desc (gint64 a,
                    gint64 b)
{
  return a > b ? -1 : a < b;
}

int
vs_person_item_compare (VsPersonItem *a,
                        VsPersonItem *b,
                        VsPeopleSort  sort)
{
  int cmp = 0;

  g_return_val_if_fail (VS_IS_PERSON_ITEM (a) && VS_IS_PERSON_ITEM (b), 0);

  switch (sort)
    {
    case VS_PEOPLE_SORT_RECENTLY_ADDED:
      cmp = compare_int64_desc (a->created, b->created);
      if (cmp == 0)
        cmp = compare_int64_desc (a->id, b->id);   /* ids grow with time */
      break;
    case VS_PEOPLE_SORT_LAST_SEEN:
      cmp = compare_int64_desc (a->last_seen, b->last_seen);
      break;
    case VS_PEOPLE_SORT_NAME:
    default:
      break;
    }
  if (cmp == 0)
    cmp = a->name_rank < b->name_rank ? -1 : a->name_rank > b->name_rank;
  return cmp;
}

/* ---- VsPeopleModel ---------------------------------------------------- */

typedef struct {
  guint    token;
  GArray  *ids;          /* gint64 */
  gboolean committing;   /* being deleted on a worker: no undo any more */
} Staged;

static void
staged_free (Staged *staged)
{
  g_array_unref (staged->ids);
  g_free (staged);
}

struct _VsPeopleModel
{
  GObject     parent_instance;

  VsStore    *store;
  GPtrArray  *all;       /* VsPersonItem*, the store's name order */
  GHashTable *by_id;     /* gint64* → VsPersonItem* (in all) */
  /* The name key (vs_name_key()) of everyone in all → VsPersonItem*: the
   * enrollment window checks every keystroke against 10,000 names, which
   * must be one lookup, not a scan of the store. Keys are computed when a
   * person comes or is renamed, never all again. */
  GHashTable *by_key;
  GPtrArray  *visible;   /* all minus the staged ones: what the model shows */
  GHashTable *hidden;    /* gint64* (owned) → token */
  GList      *staged;    /* Staged*, oldest first */
  guint       next_token;
  gboolean    loaded;
  guint       stamp;     /* counts refreshes (VsPersonItem.stamp) */
  guint       mark;      /* counts update_visible() (VsPersonItem.old_mark, new_mark) */

  VsStoreMonitor *monitor;   /* what tells the model that something changed */

  /* Changes announced by the monitor are read on a worker (a connection of
   * its own, one read at a time) and applied here; what arrives meanwhile
   * waits for the next read. Within vs_people_model_refresh() they are
   * applied at once. */
  VsStore      *worker;
  GCancellable *cancellable;
  gboolean      reading;
  struct _Read *in_flight;
  gboolean      pending_all;    /* read everyone again */
  GArray       *pending_seen;   /* gint64: read these people again */
  guint         generation;     /* moves when a reload here makes a read on its way stale */
  gboolean      in_refresh;
  gint64        last_read;      /* monotonic, when the last full read ended */
  guint         delay_id;       /* the next full read waits for READ_INTERVAL_US */
};

/* Between two reads of everyone: another process writing (an import)
 * announces a burst after burst; reading 10,000 people back to back would
 * take CPU the window needs. The first read after a quiet spell starts at
 * once. */
#define READ_INTERVAL_US (G_USEC_PER_SEC / 2)

static void vs_people_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsPeopleModel, vs_people_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      vs_people_model_list_model_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REFRESHED,
  STAGED_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
vs_people_model_get_item_type (GListModel *list)
{
  return VS_TYPE_PERSON_ITEM;
}

static guint
vs_people_model_get_n_items (GListModel *list)
{
  return VS_PEOPLE_MODEL (list)->visible->len;
}

static gpointer
vs_people_model_get_item (GListModel *list,
                          guint       position)
{
  VsPeopleModel *self = VS_PEOPLE_MODEL (list);

  if (position >= self->visible->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->visible, position));
}

static void
vs_people_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vs_people_model_get_item_type;
  iface->get_n_items = vs_people_model_get_n_items;
  iface->get_item = vs_people_model_get_item;
}

static void
index_add (VsPeopleModel *self,
           VsPersonItem  *item)
{
  g_autofree char *key = vs_name_key (item->name);

  /* The search box compares the same key: computed once for both. */
  if (item->search_key == NULL)
    item->search_key = g_strdup (key);
  /* The store refuses two people with one key; should a database hold
   * them anyway, the first one keeps the key. */
  if (!g_hash_table_contains (self->by_key, key))
    g_hash_table_insert (self->by_key, g_steal_pointer (&key), item);
}

static void
index_remove (VsPeopleModel *self,
              VsPersonItem  *item)
{
  /* index_add() left the key in search_key; a rename clears it only after
   * this (update_item()). */
  g_autofree char *computed = item->search_key ? NULL : vs_name_key (item->name);
  const char *key = item->search_key ? item->search_key : computed;

  if (g_hash_table_lookup (self->by_key, key) == item)
    g_hash_table_remove (self->by_key, key);
}

/* vs_person_item_update(), keeping the name index right across a rename. */
static gboolean
update_item (VsPeopleModel  *self,
             VsPersonItem   *item,
             const VsPerson *person)
{
  gboolean renamed = g_strcmp0 (item->name, person->name) != 0;
  gboolean changed;

  if (renamed)
    index_remove (self, item);
  changed = vs_person_item_update (item, person);
  if (renamed)
    index_add (self, item);
  return changed;
}

/* More runs than this in one update: announced as one range instead (each
 * run is a signal through the filter, sort and selection models and the
 * list view; past a point one big range is cheaper). */
#define MAX_RUNS 64

/* Rebuilds the visible list from all and announces what differs: each run
 * of people that came, went or changed on its own, so that 50 people
 * imported among 10,000 make 50 small ::items-changed, not one range over
 * most of the list (which the list view would rebuild). */
static void
update_visible (VsPeopleModel *self)
{
  g_autoptr(GPtrArray) old = self->visible;
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (guint) * 3);
  GPtrArray *visible = g_ptr_array_new_full (self->all->len, g_object_unref);
  gboolean any_hidden = g_hash_table_size (self->hidden) > 0;
  guint mark = ++self->mark;
  guint old_n = old->len, new_n, i = 0, j = 0;
  guint run_pos = 0, run_removed = 0, run_added = 0;
  gboolean in_run = FALSE;

  for (guint k = 0; k < old_n; k++)
    VS_PERSON_ITEM (old->pdata[k])->old_mark = mark;
  for (guint k = 0; k < self->all->len; k++)
    {
      VsPersonItem *item = g_ptr_array_index (self->all, k);

      item->moved = FALSE;
      if (!any_hidden || !g_hash_table_contains (self->hidden, &item->id))
        {
          item->new_mark = mark;
          g_ptr_array_add (visible, g_object_ref (item));
        }
    }
  self->visible = visible;
  new_n = visible->len;

  /* Both lists are in one order over items that keep their identity: one
   * merge walk. What the listeners see after each run is new[0, j) followed
   * by old[i, …), so a run starts at j. An item found at another place (a
   * rename) is announced gone here and added where it is now. */
  while (i < old_n || j < new_n)
    {
      VsPersonItem *o = i < old_n ? old->pdata[i] : NULL;
      VsPersonItem *n = j < new_n ? visible->pdata[j] : NULL;

      if (o != NULL && o == n && !o->dirty)
        {
          if (in_run)
            {
              guint run[3] = { run_pos, run_removed, run_added };
              g_array_append_vals (runs, run, 1);
              in_run = FALSE;
            }
          i++, j++;
          continue;
        }
      if (!in_run)
        {
          in_run = TRUE;
          run_pos = j;
          run_removed = run_added = 0;
        }
      if (o != NULL && o == n)
        {
          /* Changed in place. */
          run_removed++, run_added++;
          i++, j++;
        }
      else if (n != NULL && (o == NULL || n->old_mark != mark || n->moved))
        {
          run_added++;
          j++;
        }
      else
        {
          /* o is gone, or shown later on (moved); n, when there is one,
           * comes further down the old list. */
          if (o->new_mark == mark)
            o->moved = TRUE;
          run_removed++;
          i++;
        }
    }
  if (in_run)
    {
      guint run[3] = { run_pos, run_removed, run_added };
      g_array_append_vals (runs, run, 1);
    }

  for (guint k = 0; k < self->all->len; k++)
    VS_PERSON_ITEM (self->all->pdata[k])->dirty = FALSE;

  if (runs->len == 0)
    return;

  if (runs->len > MAX_RUNS)
    {
      /* One range from the first run to the end of the last. */
      guint first = g_array_index (runs, guint, 0);
      guint last_end = g_array_index (runs, guint, (runs->len - 1) * 3) +
                       g_array_index (runs, guint, (runs->len - 1) * 3 + 2);
      guint run[3] = { first, old_n - first - (new_n - last_end), last_end - first };

      g_array_set_size (runs, 0);
      g_array_append_vals (runs, run, 1);
    }

  /* A listener may read the model while a run is announced (the list view
   * asks for the number of items): it must see the list as it is after
   * that run, not the final one. */
  {
    g_autoptr(GPtrArray) shown = g_ptr_array_sized_new (MAX (old_n, new_n));

    g_ptr_array_set_size (shown, old_n);
    if (old_n > 0)
      memcpy (shown->pdata, old->pdata, old_n * sizeof (gpointer));
    self->visible = shown;
    for (guint r = 0; r < runs->len; r++)
      {
        const guint *run = &g_array_index (runs, guint, r * 3);
        guint len = shown->len;

        if (run[2] > run[1])
          g_ptr_array_set_size (shown, len + run[2] - run[1]);
        memmove (shown->pdata + run[0] + run[2], shown->pdata + run[0] + run[1],
                 (len - run[0] - run[1]) * sizeof (gpointer));
        if (run[2] < run[1])
          g_ptr_array_set_size (shown, len + run[2] - run[1]);
        memcpy (shown->pdata + run[0], visible->pdata + run[0], run[2] * sizeof (gpointer));
        g_list_model_items_changed (G_LIST_MODEL (self), run[0], run[1], run[2]);
      }
    self->visible = visible;
  }
  if (old_n != new_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Diffs the people (the store's name order) into the model. */
static void
apply_people (VsPeopleModel *self,
              GPtrArray     *people)
{
  g_autoptr(GPtrArray) all = NULL;
  gboolean changed = FALSE;

  self->loaded = TRUE;
  self->stamp++;

  /* by_id is kept and only told who came and went: rebuilding it would be
   * 10,000 insertions for the usual one new person. */
  all = g_ptr_array_new_full (people->len, g_object_unref);
  for (guint i = 0; i < people->len; i++)
    {
      const VsPerson *person = g_ptr_array_index (people, i);
      VsPersonItem *item = g_hash_table_lookup (self->by_id, &person->id);

      if (item != NULL)
        {
          g_object_ref (item);
          if (update_item (self, item, person))
            item->dirty = TRUE;
        }
      else
        {
          item = vs_person_item_new (person);
          item->dirty = TRUE;
          g_hash_table_insert (self->by_id, &item->id, item);
          index_add (self, item);
        }
      item->stamp = self->stamp;
      /* A moved item is announced through the identity check. */
      if (item->name_rank != i)
        changed = TRUE;
      item->name_rank = i;
      changed |= item->dirty;
      g_ptr_array_add (all, item);
    }
  if (all->len != self->all->len)
    changed = TRUE;
  /* The people gone: out of by_id before their items go. */
  for (guint i = 0; i < self->all->len; i++)
    {
      VsPersonItem *item = g_ptr_array_index (self->all, i);

      if (item->stamp != self->stamp)
        {
          g_hash_table_remove (self->by_id, &item->id);
          index_remove (self, item);
        }
    }

  g_ptr_array_unref (self->all);
  self->all = g_steal_pointer (&all);

  update_visible (self);
  if (changed)
    g_signal_emit (self, signals[REFRESHED], 0);
}

/* Reads every person here and diffs them into the model. */
static gboolean
reload (VsPeopleModel  *self,
        GError        **error)
{
  g_autoptr(GPtrArray) people = vs_store_list_people (self->store, error);

  if (people == NULL)
    return FALSE;
  /* Whatever a worker is reading now is older than this. */
  self->generation++;
  apply_people (self, people);
  return TRUE;
}

/* "Last seen" of these people (VsPerson*, NULL for those gone) moved. */
static void
apply_seen (VsPeopleModel *self,
            GPtrArray     *people)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < people->len; i++)
    {
      const VsPerson *person = g_ptr_array_index (people, i);
      VsPersonItem *item = person ? g_hash_table_lookup (self->by_id, &person->id) : NULL;

      /* A rename may come with "last seen" too. */
      if (item != NULL && update_item (self, item, person))
        {
          item->dirty = TRUE;
          changed = TRUE;
        }
    }
  if (!changed)
    return;
  update_visible (self);
  g_signal_emit (self, signals[REFRESHED], 0);
}

/* ---- Reading on a worker ------------------------------------------------ */

typedef struct _Read {
  GArray    *seen_ids;   /* NULL: everyone */
  guint      generation;
} Read;

static void
read_free (Read *read)
{
  g_clear_pointer (&read->seen_ids, g_array_unref);
  g_free (read);
}

static gpointer
run_read (VsStore       *store,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Read *read = data;
  GPtrArray *people;

  if (read->seen_ids == NULL)
    return vs_store_list_people (store, error);

  people = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_person_free);
  for (guint i = 0; i < read->seen_ids->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 id = g_array_index (read->seen_ids, gint64, i);
      VsPerson *person = vs_store_get_person (store, id, &local_error);

      if (person == NULL)
        g_debug ("Cannot read person %" G_GINT64_FORMAT ": %s", id, local_error->message);
      g_ptr_array_add (people, person);
    }
  return people;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Read, read_free)

static void start_read (VsPeopleModel *self);

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VsPeopleModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Read) read = g_steal_pointer (&self->in_flight);
  g_autoptr(GPtrArray) people = vs_store_job_finish (result, &error);

  self->reading = FALSE;
  if (read->seen_ids == NULL)
    self->last_read = g_get_monotonic_time ();
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store == NULL)
    return;
  if (people == NULL)
    g_debug ("Cannot read the people: %s", error->message);
  else if (read->generation == self->generation)
    {
      if (read->seen_ids == NULL)
        apply_people (self, people);
      else
        apply_seen (self, people);
    }
  start_read (self);
}

static gboolean
delay_done_cb (gpointer data)
{
  VsPeopleModel *self = data;

  self->delay_id = 0;
  start_read (self);
  return G_SOURCE_REMOVE;
}

static void
start_read (VsPeopleModel *self)
{
  Read *read;
  gint64 wait;

  if (self->reading || self->delay_id != 0 || self->store == NULL ||
      (!self->pending_all && self->pending_seen->len == 0))
    return;
  wait = self->last_read + READ_INTERVAL_US - g_get_monotonic_time ();
  if (self->pending_all && self->last_read != 0 && wait > 0)
    {
      self->delay_id = g_timeout_add_full (G_PRIORITY_DEFAULT, wait / 1000 + 1, delay_done_cb, self, NULL);
      g_source_set_name_by_id (self->delay_id, "[visage] people reload");
      return;
    }

  read = g_new0 (Read, 1);
  read->generation = self->generation;
  if (!self->pending_all)
    {
      read->seen_ids = g_steal_pointer (&self->pending_seen);
      self->pending_seen = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  else
    /* Everyone read again covers who was seen. */
    g_array_set_size (self->pending_seen, 0);
  self->pending_all = FALSE;
  self->reading = TRUE;

  /* The worker only reads the request; the model keeps it (and itself
   * alive) until the callback. */
  self->in_flight = read;
  vs_store_job_run (self->store, &self->worker, run_read, read, NULL,
                    (GDestroyNotify) g_ptr_array_unref, self->cancellable,
                    read_done_cb, g_object_ref (self));
}

/* Only "last seen" moved: one row per person, no reload. Here, at once. */
static void
update_seen (VsPeopleModel *self,
             GArray        *changes)
{
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_person_free);

  for (guint i = 0; i < changes->len; i++)
    {
      const VsStoreChange *change = &g_array_index (changes, VsStoreChange, i);
      g_autoptr(GError) error = NULL;
      VsPerson *person;

      if (!g_hash_table_contains (self->by_id, &change->person_id))
        continue;
      person = vs_store_get_person (self->store, change->person_id, &error);
      if (person == NULL)
        g_debug ("Cannot read person %" G_GINT64_FORMAT ": %s", change->person_id, error->message);
      else
        g_ptr_array_add (people, person);
    }
  apply_seen (self, people);
}

static void
store_changed_cb (VsStoreMonitor *monitor,
                  GArray         *changes,
                  VsPeopleModel  *self)
{
  g_autoptr(GError) error = NULL;
  gboolean all = vs_store_changes_touch_gallery (changes);

  if (self->in_refresh)
    {
      if (!all)
        update_seen (self, changes);
      /* One reload for the whole batch, whatever it holds. */
      else if (!reload (self, &error))
        g_debug ("Cannot reload the people: %s", error->message);
      return;
    }

  /* Otherwise on a worker, applied when read. */
  if (all)
    self->pending_all = TRUE;
  else
    for (guint i = 0; i < changes->len; i++)
      {
        const VsStoreChange *change = &g_array_index (changes, VsStoreChange, i);

        if (g_hash_table_contains (self->by_id, &change->person_id))
          g_array_append_val (self->pending_seen, change->person_id);
      }
  start_read (self);
}

gboolean
vs_people_model_refresh (VsPeopleModel  *self,
                         gboolean        force,
                         GError        **error)
{
  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), FALSE);

  /* What is pending reaches store_changed_cb now, and is applied here. */
  self->in_refresh = TRUE;
  if (self->monitor != NULL && vs_store_monitor_flush (self->monitor) && !force)
    {
      self->in_refresh = FALSE;
      return TRUE;
    }
  self->in_refresh = FALSE;
  if (!force && self->loaded)
    return TRUE;
  return reload (self, error);
}

VsStore *
vs_people_model_get_store (VsPeopleModel *self)
{
  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), NULL);
  return self->store;
}

VsPersonItem *
vs_people_model_lookup (VsPeopleModel *self,
                        gint64         person_id)
{
  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), NULL);
  return g_hash_table_lookup (self->by_id, &person_id);
}

VsPersonItem *
vs_people_model_find_by_name (VsPeopleModel *self,
                              const char    *name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), NULL);

  key = vs_name_key (name);
  if (*key == '\0')
    return NULL;
  return g_hash_table_lookup (self->by_key, key);
}

/* ---- Staged deletions ------------------------------------------------- */

static Staged *
find_staged (VsPeopleModel *self,
             guint          token)
{
  for (GList *l = self->staged; l != NULL; l = l->next)
    {
      Staged *staged = l->data;
      if (staged->token == token)
        return staged;
    }
  return NULL;
}

static void
unstage (VsPeopleModel *self,
         Staged        *staged)
{
  for (guint i = 0; i < staged->ids->len; i++)
    g_hash_table_remove (self->hidden, &g_array_index (staged->ids, gint64, i));
  self->staged = g_list_remove (self->staged, staged);
  staged_free (staged);
}

guint
vs_people_model_stage_deletion (VsPeopleModel *self,
                                const gint64  *person_ids,
                                guint          n_ids)
{
  Staged *staged;

  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), 0);
  g_return_val_if_fail (person_ids != NULL || n_ids == 0, 0);

  staged = g_new0 (Staged, 1);
  staged->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < n_ids; i++)
    {
      if (!g_hash_table_contains (self->by_id, &person_ids[i]) ||
          g_hash_table_contains (self->hidden, &person_ids[i]))
        continue;
      g_array_append_val (staged->ids, person_ids[i]);
      g_hash_table_insert (self->hidden, g_memdup2 (&person_ids[i], sizeof (gint64)),
                           GUINT_TO_POINTER (self->next_token));
    }
  if (staged->ids->len == 0)
    {
      staged_free (staged);
      return 0;
    }

  staged->token = self->next_token++;
  self->staged = g_list_append (self->staged, staged);
  update_visible (self);
  g_signal_emit (self, signals[STAGED_CHANGED], 0);
  return staged->token;
}

gboolean
vs_people_model_undo_deletion (VsPeopleModel *self,
                               guint          token)
{
  Staged *staged;

  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), FALSE);

  staged = find_staged (self, token);
  if (staged == NULL || staged->committing)
    return FALSE;
  unstage (self, staged);
  update_visible (self);
  g_signal_emit (self, signals[STAGED_CHANGED], 0);
  return TRUE;
}

/* Deletes the ids of every staged entry in list, in one transaction. */
static gboolean
commit_staged (VsPeopleModel  *self,
               GList          *list,
               GError        **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  /* Someone else may have deleted some of them meanwhile; the store's
   * deletion is all or nothing, so ask only for those still there. */
  if (!vs_people_model_refresh (self, FALSE, &local_error))
    g_debug ("Cannot reload before deleting: %s", local_error->message);

  for (GList *l = list; l != NULL; l = l->next)
    {
      Staged *staged = l->data;

      for (guint i = 0; i < staged->ids->len; i++)
        {
          gint64 id = g_array_index (staged->ids, gint64, i);
          if (g_hash_table_contains (self->by_id, &id))
            g_array_append_val (ids, id);
        }
    }

  ok = vs_store_delete_people (self->store, (const gint64 *) ids->data, ids->len, error);

  while (list != NULL)
    {
      GList *next = list->next;
      unstage (self, list->data);
      list = next;
    }
  /* Done or failed, the rows stop being hidden: gone after a reload, or
   * back when the deletion failed. */
  /* The deletion's own announcement reloads the model, once. */
  if (ok && self->monitor != NULL)
    {
      self->in_refresh = TRUE;
      vs_store_monitor_flush (self->monitor);
      self->in_refresh = FALSE;
    }
  update_visible (self);
  g_signal_emit (self, signals[STAGED_CHANGED], 0);
  return ok;
}

gboolean
vs_people_model_commit_deletion (VsPeopleModel  *self,
                                 guint           token,
                                 GError        **error)
{
  Staged *staged;
  GList one = { 0 };

  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), FALSE);

  staged = find_staged (self, token);
  if (staged == NULL || staged->committing)
    return TRUE;   /* undone, committed, or being committed */
  one.data = staged;
  return commit_staged (self, &one, error);
}

gboolean
vs_people_model_commit_all (VsPeopleModel  *self,
                            GError        **error)
{
  g_autoptr(GList) list = NULL;

  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), FALSE);

  /* Those being deleted on a worker are left to it. */
  for (GList *l = self->staged; l != NULL; l = l->next)
    if (!((Staged *) l->data)->committing)
      list = g_list_append (list, l->data);
  if (list == NULL)
    return TRUE;
  return commit_staged (self, list, error);
}

/* ---- Deleting on a worker ------------------------------------------------ */

/* On the worker: the people still there (another process may have deleted
 * some: the store's deletion is all or nothing), deleted in one
 * transaction. */
static gpointer
run_delete (VsStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  GArray *ids = data;
  g_autoptr(GArray) present = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(VsPerson) person = vs_store_get_person (store, id, &local_error);

      if (person != NULL)
        g_array_append_val (present, id);
      else if (!g_error_matches (local_error, VS_STORE_ERROR, VS_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  if (present->len > 0 &&
      !vs_store_delete_people (store, (const gint64 *) present->data, present->len, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

/* The people are gone from the database: out of the model now, before
 * they stop being hidden (the reload the deletion announces agrees). */
static void
drop_people (VsPeopleModel *self,
             GArray        *ids)
{
  g_autoptr(GHashTable) gone = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) all = g_ptr_array_new_full (self->all->len, g_object_unref);

  for (guint i = 0; i < ids->len; i++)
    {
      g_hash_table_add (gone, &g_array_index (ids, gint64, i));
      g_hash_table_remove (self->by_id, &g_array_index (ids, gint64, i));
    }
  for (guint i = 0; i < self->all->len; i++)
    {
      VsPersonItem *item = g_ptr_array_index (self->all, i);

      if (!g_hash_table_contains (gone, &item->id))
        g_ptr_array_add (all, g_object_ref (item));
      else
        index_remove (self, item);
    }
  g_ptr_array_unref (self->all);
  self->all = g_steal_pointer (&all);
}

static void
delete_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VsPeopleModel *self = g_task_get_source_object (task);
  guint token = GPOINTER_TO_UINT (g_task_get_task_data (task));
  Staged *staged = find_staged (self, token);
  GError *error = NULL;

  vs_store_job_finish (result, &error);
  if (staged != NULL)
    {
      if (error == NULL)
        drop_people (self, staged->ids);
      /* Done or failed, the rows stop being hidden: gone, or back when the
       * deletion failed. */
      unstage (self, staged);
      update_visible (self);
      g_signal_emit (self, signals[STAGED_CHANGED], 0);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
vs_people_model_commit_deletion_async (VsPeopleModel       *self,
                                       guint                token,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Staged *staged;

  g_return_if_fail (VS_IS_PEOPLE_MODEL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_people_model_commit_deletion_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (token), NULL);
  staged = find_staged (self, token);
  if (staged == NULL || staged->committing || self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);   /* undone, or committed */
      return;
    }
  staged->committing = TRUE;
  /* A connection for this job alone: deletions are rare, and the model's
   * reading connection may be busy. */
  vs_store_job_run (self->store, NULL, run_delete, g_array_ref (staged->ids),
                    (GDestroyNotify) g_array_unref, NULL, NULL,
                    delete_done_cb, g_steal_pointer (&task));
}

gboolean
vs_people_model_commit_deletion_finish (VsPeopleModel  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
vs_people_model_get_n_staged (VsPeopleModel *self)
{
  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), 0);
  return g_hash_table_size (self->hidden);
}

GArray *
vs_people_model_dup_all_staged_ids (VsPeopleModel *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), ids);

  g_hash_table_iter_init (&iter, self->hidden);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  return ids;
}

const gint64 *
vs_people_model_get_staged_ids (VsPeopleModel *self,
                                guint          token,
                                guint         *n_ids)
{
  Staged *staged;

  g_return_val_if_fail (VS_IS_PEOPLE_MODEL (self), NULL);

  staged = find_staged (self, token);
  if (n_ids != NULL)
    *n_ids = staged != NULL ? staged->ids->len : 0;
  return staged != NULL ? (const gint64 *) staged->ids->data : NULL;
}

/* ---- GObject ---------------------------------------------------------- */

static void
vs_people_model_constructed (GObject *object)
{
  VsPeopleModel *self = VS_PEOPLE_MODEL (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (vs_people_model_parent_class)->constructed (object);

  g_return_if_fail (VS_IS_STORE (self->store));

  /* Listen before loading: a change in between is applied, not missed. */
  self->monitor = vs_store_monitor_get_for_store (self->store);
  g_signal_connect (self->monitor, "changed", G_CALLBACK (store_changed_cb), self);
  if (!reload (self, &error))
    g_debug ("Cannot load the people: %s", error->message);
}

static void
vs_people_model_dispose (GObject *object)
{
  VsPeopleModel *self = VS_PEOPLE_MODEL (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->delay_id, g_source_remove);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);

  G_OBJECT_CLASS (vs_people_model_parent_class)->dispose (object);
}

static void
vs_people_model_finalize (GObject *object)
{
  VsPeopleModel *self = VS_PEOPLE_MODEL (object);

  if (self->staged != NULL)
    g_debug ("%u staged deletions dropped, nothing deleted", g_list_length (self->staged));
  g_list_free_full (self->staged, (GDestroyNotify) staged_free);
  g_clear_pointer (&self->hidden, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->visible, g_ptr_array_unref);
  g_clear_pointer (&self->all, g_ptr_array_unref);
  g_clear_pointer (&self->pending_seen, g_array_unref);
  g_clear_pointer (&self->in_flight, read_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vs_people_model_parent_class)->finalize (object);
}

static void
vs_people_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VsPeopleModel *self = VS_PEOPLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->visible->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_people_model_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VsPeopleModel *self = VS_PEOPLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_people_model_class_init (VsPeopleModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vs_people_model_constructed;
  object_class->dispose = vs_people_model_dispose;
  object_class->finalize = vs_people_model_finalize;
  object_class->get_property = vs_people_model_get_property;
  object_class->set_property = vs_people_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         VS_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VsPeopleModel::refreshed:
   *
   * A reload found changes (people added, removed, renamed, seen…).
   */
  signals[REFRESHED] =
    g_signal_new ("refreshed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[STAGED_CHANGED] =
    g_signal_new ("staged-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
vs_people_model_init (VsPeopleModel *self)
{
  self->all = g_ptr_array_new_with_free_func (g_object_unref);
  self->visible = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->hidden = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->next_token = 1;
  self->pending_seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cancellable = g_cancellable_new ();
}

VsPeopleModel *
vs_people_model_new (VsStore *store)
{
  g_return_val_if_fail (VS_IS_STORE (store), NULL);

  return g_object_new (VS_TYPE_PEOPLE_MODEL, "store", store, NULL);
}

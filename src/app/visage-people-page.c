/* visage-people-page.c
 *
 * VsPeopleModel → GtkFilterListModel (search) → GtkSortListModel (sort) →
 * GtkMultiSelection → GtkListView. Rows are recycled by the list view, so
 * only the few dozen bound rows ever ask for a thumbnail; those are read
 * from the store and decoded on a worker thread (one batch at a time), and
 * kept in a bounded cache.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "visage-people-page.h"
#include "visage-person-page.h"
#include "visage-person-row.h"
#include "vs-export.h"
#include "vs-store-job.h"

#define THUMBNAIL_CACHE_MAX 2000
#define THUMBNAIL_BUDGET_US 6000
#define DEFAULT_UNDO_TIMEOUT 10

struct _VisagePeoplePage
{
  GtkWidget           parent_instance;

  /* Template children */
  AdwToastOverlay    *toast_overlay;
  GtkStack           *main_stack;
  GtkLabel           *count_label;
  GtkDropDown        *sort_dropdown;
  GtkToggleButton    *search_button;
  GtkToggleButton    *select_button;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkStack           *list_stack;
  VisagePeopleState   list_state;   /* the page list_stack shows */
  GtkListView        *list_view;
  AdwStatusPage      *error_page;
  GtkActionBar       *selection_bar;
  GtkLabel           *selection_label;
  GtkLabel           *person_title;
  VisagePersonPage   *person_page;

  VsStore            *store;
  VsPeopleModel      *model;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filter_model;
  GtkCustomSorter    *sorter;
  GtkSortListModel   *sort_model;
  GtkMultiSelection  *selection;

  char               *search_key;
  char               *error_message;
  VsPeopleSort        sort;
  gboolean            selection_mode;
  guint               undo_timeout;
  guint               n_people;

  GHashTable         *thumbnails;    /* gint64* (owned) → GdkPaintable* or NULL: none */
  GHashTable         *thumbnail_counts; /* gint64* (owned) → n_samples + 1 when it was asked for */
  GHashTable         *bound_rows;    /* VisagePersonRow* set */
  GHashTable         *pending_rows;  /* VisagePersonRow* set, want a thumbnail */
  guint               thumbnail_idle_id;
  /* Thumbnails are read and decoded on a worker (vs-store-job.h). */
  VsStore            *thumbnail_worker;
  VsStore            *thumbnail_store;  /* the store thumbnail_worker belongs to */
  gboolean            thumbnails_reading;
  GCancellable       *thumbnail_cancellable;
  guint               tick_id;

  GList              *toasts;        /* AdwToast*, newest first, undo still possible */
  GBinding           *title_binding;
  GtkNativeDialog    *export_chooser;
  gint64              export_person_id;
};

G_DEFINE_FINAL_TYPE (VisagePeoplePage, visage_people_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_PEOPLE,
  PROP_UNDO_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_state (VisagePeoplePage *self);

/* ---- Thumbnails ------------------------------------------------------- */

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void start_thumbnails (VisagePeoplePage *self);

static gboolean
thumbnail_idle_cb (gpointer data)
{
  VisagePeoplePage *self = data;

  self->thumbnail_idle_id = 0;
  start_thumbnails (self);
  return G_SOURCE_REMOVE;
}

/* On a worker, with the page's thumbnail connection: each person's
 * picture read and decoded (GdkTexture loading is thread-safe); NULL for
 * those without one. */
static gpointer
read_thumbnails (VsStore       *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GArray *ids = data;
  GHashTable *textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, unref_if_set);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(GBytes) png = NULL;
      g_autoptr(GError) local_error = NULL;
      GdkTexture *texture = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      png = vs_store_get_person_thumbnail (store, id, &local_error);
      if (png != NULL)
        texture = gdk_texture_new_from_bytes (png, &local_error);
      if (local_error != NULL)
        g_debug ("No thumbnail for person %" G_GINT64_FORMAT ": %s", id, local_error->message);
      g_hash_table_insert (textures, g_memdup2 (&id, sizeof id), texture);
    }
  return textures;
}

static void start_thumbnails (VisagePeoplePage *self);

static void
thumbnails_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VisagePeoplePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) textures = vs_store_job_finish (result, &error);
  GHashTableIter iter;
  gpointer key, value;

  self->thumbnails_reading = FALSE;
  /* Another database meanwhile, or the page is gone: not these. */
  if (self->store == NULL || self->thumbnail_store != self->store)
    {
      g_clear_object (&self->thumbnail_worker);
      g_clear_object (&self->thumbnail_store);
    }
  if (textures == NULL || self->store == NULL || self->thumbnail_store != self->store)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot read thumbnails: %s", error->message);
      start_thumbnails (self);
      return;
    }

  /* Bounded: a long scroll through 10,000 people must not keep 10,000
   * textures. Bound rows hold their own reference. */
  if (g_hash_table_size (self->thumbnails) + g_hash_table_size (textures) > THUMBNAIL_CACHE_MAX)
    g_hash_table_remove_all (self->thumbnails);
  g_hash_table_iter_init (&iter, textures);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (self->thumbnails, g_memdup2 (key, sizeof (gint64)),
                         value != NULL ? g_object_ref (value) : NULL);

  g_hash_table_iter_init (&iter, self->pending_rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      VisagePersonRow *row = key;
      VsPersonItem *item = visage_person_row_get_item (row);
      gint64 id = item != NULL ? vs_person_item_get_id (item) : 0;
      gpointer thumbnail;

      if (item == NULL)
        g_hash_table_iter_remove (&iter);
      else if (g_hash_table_lookup_extended (self->thumbnails, &id, NULL, &thumbnail))
        {
          visage_person_row_set_thumbnail (row, thumbnail);
          g_hash_table_iter_remove (&iter);
        }
    }
  start_thumbnails (self);
}

/* The pictures the pending rows want, read on a worker: one read at a
 * time, with a connection kept for the next ones. */
static void
start_thumbnails (VisagePeoplePage *self)
{
  g_autoptr(GArray) ids = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->thumbnails_reading || self->store == NULL || g_hash_table_size (self->pending_rows) == 0)
    return;

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_iter_init (&iter, self->pending_rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      VsPersonItem *item = visage_person_row_get_item (key);
      gint64 id;

      if (item == NULL)
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      id = vs_person_item_get_id (item);
      if (g_hash_table_contains (self->thumbnails, &id))
        {
          visage_person_row_set_thumbnail (key, g_hash_table_lookup (self->thumbnails, &id));
          g_hash_table_iter_remove (&iter);
          continue;
        }
      g_array_append_val (ids, id);
      g_hash_table_insert (self->thumbnail_counts, g_memdup2 (&id, sizeof id),
                           GUINT_TO_POINTER (vs_person_item_get_n_samples (item) + 1));
    }
  if (ids->len == 0)
    return;

  if (self->thumbnail_store != self->store)
    {
      g_clear_object (&self->thumbnail_worker);
      g_set_object (&self->thumbnail_store, self->store);
    }
  self->thumbnails_reading = TRUE;
  vs_store_job_run (self->store, &self->thumbnail_worker, read_thumbnails, g_steal_pointer (&ids),
                    (GDestroyNotify) g_array_unref, (GDestroyNotify) g_hash_table_unref,
                    self->thumbnail_cancellable, thumbnails_read_cb, g_object_ref (self));
}

static void
request_thumbnail (VisagePeoplePage *self,
                   VisagePersonRow  *row)
{
  VsPersonItem *item = visage_person_row_get_item (row);
  gint64 id;
  gpointer thumbnail;

  if (item == NULL)
    return;

  id = vs_person_item_get_id (item);
  if (g_hash_table_lookup_extended (self->thumbnails, &id, NULL, &thumbnail))
    {
      visage_person_row_set_thumbnail (row, thumbnail);
      return;
    }

  g_hash_table_add (self->pending_rows, row);
  /* Once the main loop is idle, so the rows bound in one go are read in
   * one go. */
  if (self->thumbnail_idle_id == 0)
    {
      self->thumbnail_idle_id = g_idle_add_full (G_PRIORITY_LOW, thumbnail_idle_cb, self, NULL);
      g_source_set_name_by_id (self->thumbnail_idle_id, "[visage] thumbnails");
    }
}

/* A person's first sample may have changed: forget and ask again. Only
 * for those whose samples changed (or who are gone): a refresh comes every
 * half second while another program imports, and decoding every row's
 * picture again, then freeing the old ones, each time is work the main
 * thread does not need. */
static void
reload_thumbnails (VisagePeoplePage *self)
{
  GHashTableIter iter;
  gpointer key, row;

  g_hash_table_iter_init (&iter, self->thumbnails);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      VsPersonItem *item = self->model ? vs_people_model_lookup (self->model, *(gint64 *) key) : NULL;
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->thumbnail_counts, key));

      if (item == NULL || count != vs_person_item_get_n_samples (item) + 1)
        {
          g_hash_table_remove (self->thumbnail_counts, key);
          g_hash_table_iter_remove (&iter);
        }
    }
  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    request_thumbnail (self, row);
}

/* ---- List rows -------------------------------------------------------- */

static void
check_toggled_cb (GtkCheckButton *check,
                  GtkListItem    *list_item)
{
  VisagePeoplePage *self = g_object_get_data (G_OBJECT (check), "people-page");
  guint position = gtk_list_item_get_position (list_item);
  gboolean active = gtk_check_button_get_active (check);

  if (self == NULL || position == GTK_INVALID_LIST_POSITION ||
      active == gtk_list_item_get_selected (list_item))
    return;

  if (active)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, FALSE);
  else
    gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->selection), position);
}

static void
factory_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  VisagePeoplePage         *self)
{
  GtkWidget *row = visage_person_row_new ();
  GtkCheckButton *check = visage_person_row_get_check_button (VISAGE_PERSON_ROW (row));

  g_object_set_data (G_OBJECT (check), "people-page", self);
  g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), list_item);
  gtk_list_item_set_child (list_item, row);
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 VisagePeoplePage         *self)
{
  VisagePersonRow *row = VISAGE_PERSON_ROW (gtk_list_item_get_child (list_item));
  GBinding *binding;

  visage_person_row_set_item (row, gtk_list_item_get_item (list_item));
  visage_person_row_set_selection_mode (row, self->selection_mode);
  binding = g_object_bind_property (list_item, "selected",
                                    visage_person_row_get_check_button (row), "active",
                                    G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (row), "selected-binding", binding);

  g_hash_table_add (self->bound_rows, row);
  request_thumbnail (self, row);
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   VisagePeoplePage         *self)
{
  VisagePersonRow *row = VISAGE_PERSON_ROW (gtk_list_item_get_child (list_item));
  GBinding *binding = g_object_steal_data (G_OBJECT (row), "selected-binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  g_hash_table_remove (self->bound_rows, row);
  g_hash_table_remove (self->pending_rows, row);
  visage_person_row_set_item (row, NULL);
}

static void
factory_teardown_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     VisagePeoplePage         *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  if (row != NULL)
    {
      g_hash_table_remove (self->bound_rows, row);
      g_hash_table_remove (self->pending_rows, row);
    }
}

static gboolean
tick_cb (gpointer data)
{
  VisagePeoplePage *self = data;
  GHashTableIter iter;
  gpointer row;

  /* "2 minutes ago" ages. */
  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    visage_person_row_update_text (row);
  return G_SOURCE_CONTINUE;
}

/* ---- Search, sort, count ---------------------------------------------- */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  VisagePeoplePage *self = user_data;

  return vs_person_item_matches (item, self->search_key);
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  VisagePeoplePage *self = user_data;

  return vs_person_item_compare ((VsPersonItem *) a, (VsPersonItem *) b, self->sort);
}

/* Without a search, or sorted by name (the model's own order), the filter
 * and sorter are taken out: 10,000 calls saved when the page opens. */
static void
update_filter (VisagePeoplePage *self,
               GtkFilterChange   change)
{
  gboolean searching = self->search_key != NULL && *self->search_key != '\0';

  if (self->filter_model == NULL)
    return;
  if (!searching)
    gtk_filter_list_model_set_filter (self->filter_model, NULL);
  else if (gtk_filter_list_model_get_filter (self->filter_model) == NULL)
    gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  else
    gtk_filter_changed (GTK_FILTER (self->filter), change);
}

static void
update_sorter (VisagePeoplePage *self)
{
  if (self->sort_model == NULL)
    return;
  if (self->sort == VS_PEOPLE_SORT_NAME)
    gtk_sort_list_model_set_sorter (self->sort_model, NULL);
  else if (gtk_sort_list_model_get_sorter (self->sort_model) == NULL)
    gtk_sort_list_model_set_sorter (self->sort_model, GTK_SORTER (self->sorter));
  else
    gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

static void
apply_search (VisagePeoplePage *self,
              const char       *text)
{
  g_autofree char *key = vs_people_search_key (text);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (key, self->search_key) == 0)
    return;

  /* Typing one more letter only removes rows: let the filter model keep
   * what it knows. */
  if (self->search_key != NULL && *self->search_key != '\0' && strstr (key, self->search_key) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (*key == '\0' || (self->search_key != NULL && strstr (self->search_key, key) != NULL))
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  g_free (self->search_key);
  self->search_key = g_steal_pointer (&key);
  update_filter (self, change);
}

static void
search_changed_cb (VisagePeoplePage *self)
{
  apply_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/* Closing the search (Escape, the button) clears it at once: the whole
 * list comes back, not after the entry's typing delay. */
static void
search_mode_changed_cb (VisagePeoplePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (gtk_search_bar_get_search_mode (self->search_bar))
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  apply_search (self, "");
  /* Not left in a hidden entry: back to the list. */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->search_bar)))
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
search_activate_cb (VisagePeoplePage *self)
{
  g_autoptr(VsPersonItem) first = NULL;

  /* Enter in the search opens the first match. */
  first = g_list_model_get_item (G_LIST_MODEL (self->selection), 0);
  if (first != NULL)
    visage_people_page_show_person (self, vs_person_item_get_id (first));
}

static void
sort_changed_cb (VisagePeoplePage *self)
{
  guint selected = gtk_drop_down_get_selected (self->sort_dropdown);
  VsPeopleSort sort = selected <= VS_PEOPLE_SORT_LAST_SEEN ? (VsPeopleSort) selected : VS_PEOPLE_SORT_NAME;

  if (sort == self->sort)
    return;
  self->sort = sort;
  update_sorter (self);
}

static void
update_selection_label (VisagePeoplePage *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  if (self->selection != NULL)
    {
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      n = (guint) gtk_bitset_get_size (selected);
    }

  if (n == 0)
    text = g_strdup (_("Select people to delete"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u selected", "%u selected", n), n);
  gtk_label_set_text (self->selection_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.delete-selected",
                                 self->selection_mode && n > 0);
}

G_DEFINE_ENUM_TYPE (VisagePeopleState, visage_people_state,
                    G_DEFINE_ENUM_VALUE (VISAGE_PEOPLE_STATE_LIST, "list"),
                    G_DEFINE_ENUM_VALUE (VISAGE_PEOPLE_STATE_EMPTY, "empty"),
                    G_DEFINE_ENUM_VALUE (VISAGE_PEOPLE_STATE_NO_RESULTS, "no-results"),
                    G_DEFINE_ENUM_VALUE (VISAGE_PEOPLE_STATE_ERROR, "error"),
                    G_DEFINE_ENUM_VALUE (VISAGE_PEOPLE_STATE_PERSON, "person"))

/* list_stack's page for each state but PERSON (ui/visage-people-page.ui). */
static void
set_list_state (VisagePeoplePage  *self,
                VisagePeopleState  state)
{
  static const char * const pages[] = {
    [VISAGE_PEOPLE_STATE_LIST]       = "list",
    [VISAGE_PEOPLE_STATE_EMPTY]      = "empty",
    [VISAGE_PEOPLE_STATE_NO_RESULTS] = "no-results",
    [VISAGE_PEOPLE_STATE_ERROR]      = "error",
  };

  g_return_if_fail (state < G_N_ELEMENTS (pages) && pages[state] != NULL);
  self->list_state = state;
  gtk_stack_set_visible_child_name (self->list_stack, pages[state]);
}

static void
update_state (VisagePeoplePage *self)
{
  g_autofree char *count = NULL;
  guint total, shown;

  if (self->model == NULL)
    {
      set_list_state (self, VISAGE_PEOPLE_STATE_ERROR);
      gtk_label_set_text (self->count_label, "");
      return;
    }

  total = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  if (self->search_key != NULL && *self->search_key != '\0' && total > 0)
    /* Translators: "2 of 10 people", while searching */
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u person", "%u of %u people", total),
                             shown, total);
  else
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person", "%u people", total), total);
  gtk_label_set_text (self->count_label, count);

  if (total == 0)
    set_list_state (self, VISAGE_PEOPLE_STATE_EMPTY);
  else if (shown == 0)
    set_list_state (self, VISAGE_PEOPLE_STATE_NO_RESULTS);
  else
    set_list_state (self, VISAGE_PEOPLE_STATE_LIST);

  /* Nothing to search or select among nobody. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), total > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->select_button), total > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sort_dropdown), total > 0);

  if (self->n_people != total)
    {
      self->n_people = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PEOPLE]);
    }
}

/* ---- Navigation ------------------------------------------------------- */

static gboolean
showing_person (VisagePeoplePage *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "person") == 0;
}

static void
update_key_capture (VisagePeoplePage *self)
{
  GtkWidget *capture = NULL;

  /* Type-to-search only where the list is what one looks at: not on the
   * Live page, not on a person's page (its name entry takes typing). */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && !showing_person (self) && self->model != NULL)
    capture = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  gtk_search_bar_set_key_capture_widget (self->search_bar, capture);
}

static void
main_stack_changed_cb (VisagePeoplePage *self)
{
  update_key_capture (self);
}

gboolean
visage_people_page_show_person (VisagePeoplePage *self,
                                gint64            person_id)
{
  VsPersonItem *item;

  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), FALSE);

  if (self->model == NULL)
    return FALSE;
  item = vs_people_model_lookup (self->model, person_id);
  if (item == NULL)
    return FALSE;

  g_clear_pointer (&self->title_binding, g_binding_unbind);
  self->title_binding = g_object_bind_property (item, "name", self->person_title, "label",
                                                G_BINDING_SYNC_CREATE);
  visage_person_page_set_person (self->person_page, self->store, item);
  gtk_stack_set_visible_child_name (self->main_stack, "person");
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_child_focus (GTK_WIDGET (self->person_page), GTK_DIR_TAB_FORWARD);
  return TRUE;
}

void
visage_people_page_show_list (VisagePeoplePage *self)
{
  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  gtk_stack_set_visible_child_name (self->main_stack, "list");
  g_clear_pointer (&self->title_binding, g_binding_unbind);
  visage_person_page_set_person (self->person_page, NULL, NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

VisagePeopleState
visage_people_page_get_state (VisagePeoplePage *self)
{
  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), VISAGE_PEOPLE_STATE_ERROR);

  return showing_person (self) ? VISAGE_PEOPLE_STATE_PERSON : self->list_state;
}

static void
list_activate_cb (VisagePeoplePage *self,
                  guint             position)
{
  g_autoptr(VsPersonItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item == NULL)
    return;

  if (self->selection_mode)
    {
      GtkSelectionModel *selection = GTK_SELECTION_MODEL (self->selection);

      if (gtk_selection_model_is_selected (selection, position))
        gtk_selection_model_unselect_item (selection, position);
      else
        gtk_selection_model_select_item (selection, position, FALSE);
      return;
    }

  visage_people_page_show_person (self, vs_person_item_get_id (item));
}

/* ---- Selection mode --------------------------------------------------- */

void
visage_people_page_set_selection_mode (VisagePeoplePage *self,
                                       gboolean          selection_mode)
{
  GHashTableIter iter;
  gpointer row;

  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  selection_mode = !!selection_mode;
  if (gtk_toggle_button_get_active (self->select_button) != selection_mode)
    {
      /* Comes back here through select_toggled_cb. */
      gtk_toggle_button_set_active (self->select_button, selection_mode);
      return;
    }
  self->selection_mode = selection_mode;

  /* Single click opens a person; in selection mode it must not (and the
   * hover selection of single-click mode would fight the check boxes). */
  gtk_list_view_set_single_click_activate (self->list_view, !selection_mode);
  if (self->selection != NULL)
    gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  gtk_action_bar_set_revealed (self->selection_bar, selection_mode);

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    visage_person_row_set_selection_mode (row, selection_mode);
  update_selection_label (self);
}

static void
select_toggled_cb (VisagePeoplePage *self)
{
  if (self->selection != NULL)
    visage_people_page_set_selection_mode (self, gtk_toggle_button_get_active (self->select_button));
}

/* ---- Deleting --------------------------------------------------------- */

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VisagePeoplePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vs_people_model_commit_deletion_finish (VS_PEOPLE_MODEL (source), result, &error) &&
      self->toast_overlay != NULL)
    {
      g_autoptr(AdwToast) failed = adw_toast_new (error->message);

      g_warning ("Cannot delete: %s", error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&failed));
    }
}

static void
toast_dismissed_cb (AdwToast         *toast,
                    VisagePeoplePage *self)
{
  guint token = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toast), "token"));
  GList *link = g_list_find (self->toasts, toast);

  if (link != NULL)
    {
      self->toasts = g_list_delete_link (self->toasts, link);
      g_object_unref (toast);
    }
  g_object_set_data (G_OBJECT (toast), "token", NULL);
  if (token == 0 || self->model == NULL)
    return;

  /* No undo any more: erase them for good, in one transaction, on a
   * worker (the database may be busy with another writer). */
  vs_people_model_commit_deletion_async (self->model, token, NULL, deleted_cb,
                                         g_object_ref (self));
}

static void
toast_undo_cb (AdwToast         *toast,
               VisagePeoplePage *self)
{
  guint token = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toast), "token"));

  g_object_set_data (G_OBJECT (toast), "token", NULL);
  if (token != 0 && self->model != NULL)
    vs_people_model_undo_deletion (self->model, token);
}

static const char *
person_name (VisagePeoplePage *self,
             gint64            person_id)
{
  VsPersonItem *item = vs_people_model_lookup (self->model, person_id);

  return item != NULL ? vs_person_item_get_name (item) : "?";
}

guint
visage_people_page_delete_people (VisagePeoplePage *self,
                                  const gint64     *person_ids,
                                  guint             n_ids)
{
  g_autofree char *title = NULL;
  const gint64 *staged_ids;
  guint token, n_staged;
  AdwToast *toast;

  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), 0);

  if (self->model == NULL)
    return 0;

  token = vs_people_model_stage_deletion (self->model, person_ids, n_ids);
  if (token == 0)
    return 0;
  staged_ids = vs_people_model_get_staged_ids (self->model, token, &n_staged);

  if (showing_person (self))
    {
      gint64 shown = visage_person_page_get_person_id (self->person_page);

      for (guint i = 0; i < n_staged; i++)
        if (staged_ids[i] == shown)
          visage_people_page_show_list (self);
    }
  visage_people_page_set_selection_mode (self, FALSE);

  if (n_staged == 1)
    title = g_strdup_printf (_("“%s” deleted"), person_name (self, staged_ids[0]));
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person deleted", "%u people deleted",
                                          n_staged), n_staged);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, self->undo_timeout);
  /* The newest deletion's Undo is the one in view. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data (G_OBJECT (toast), "token", GUINT_TO_POINTER (token));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (toast_undo_cb), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  self->toasts = g_list_prepend (self->toasts, g_object_ref (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);

  update_state (self);
  return token;
}

gboolean
visage_people_page_undo (VisagePeoplePage *self)
{
  AdwToast *toast;

  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), FALSE);

  if (self->toasts == NULL)
    return FALSE;

  toast = g_object_ref (self->toasts->data);
  toast_undo_cb (toast, self);
  adw_toast_dismiss (toast);
  g_object_unref (toast);
  return TRUE;
}

void
visage_people_page_flush_deletions (VisagePeoplePage *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  for (GList *l = self->toasts; l != NULL; l = l->next)
    g_object_set_data (G_OBJECT (l->data), "token", NULL);
  if (self->model != NULL && vs_people_model_get_n_staged (self->model) > 0 &&
      !vs_people_model_commit_all (self->model, &error))
    g_warning ("Cannot delete the people waiting for deletion: %s", error->message);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     VisagePeoplePage *self)
{
  GArray *ids = g_object_get_data (G_OBJECT (dialog), "ids");

  if (g_str_equal (response, "delete") && ids != NULL)
    visage_people_page_delete_people (self, (const gint64 *) ids->data, ids->len);
}

static void
confirm_delete (VisagePeoplePage *self,
                GArray           *ids)
{
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (ids->len == 0)
    return;

  if (ids->len == 1)
    heading = g_strdup_printf (_("Delete “%s”?"), person_name (self, g_array_index (ids, gint64, 0)));
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Person?", "Delete %u People?",
                                            ids->len), ids->len);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   heading,
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "Their face samples are erased from this computer and "
                                                "they will no longer be recognized. You can undo for a "
                                                "few seconds.",
                                                "Their face samples are erased from this computer and "
                                                "they will no longer be recognized. You can undo for a "
                                                "few seconds.",
                                                ids->len));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ids", g_array_ref (ids), (GDestroyNotify) g_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (widget);
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkBitsetIter iter;
  guint position;

  if (self->selection == NULL)
    return;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(VsPersonItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (item != NULL)
        {
          gint64 id = vs_person_item_get_id (item);
          g_array_append_val (ids, id);
        }
    }
  confirm_delete (self, ids);
}

static void
person_delete_requested_cb (VisagePeoplePage *self,
                            gint64            person_id)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_val (ids, person_id);
  confirm_delete (self, ids);
}

/* ---- Person page requests --------------------------------------------- */

static void
show_toast (VisagePeoplePage *self,
            const char       *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
person_error_cb (VisagePeoplePage *self,
                 const char       *message)
{
  show_toast (self, message);
}

static void
person_renamed_cb (VisagePeoplePage *self,
                   const char       *name)
{
  g_autofree char *message = g_strdup_printf (_("Renamed to “%s”"), name);

  show_toast (self, message);
}

static void
person_add_samples_requested_cb (VisagePeoplePage *self,
                                 gint64            person_id)
{
  /* The enrollment window offers the window action; until it exists the
   * user learns why nothing happens. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.add-samples", "x", person_id))
    show_toast (self, _("Adding samples is not available in this version"));
}

typedef struct {
  gint64  person_id;
  char   *path;
} Export;

static void
export_free (Export *export)
{
  g_free (export->path);
  g_free (export);
}

/* On a worker with a connection of its own: the files are written there. */
static gpointer
run_export (VsStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Export *export = data;

  return vs_export_person (store, export->person_id, export->path, error);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VisagePeoplePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = vs_store_job_finish (result, &error);

  if (self->toast_overlay == NULL)
    return;
  if (folder != NULL)
    {
      g_autofree char *basename = g_path_get_basename (folder);
      g_autofree char *message = g_strdup_printf (_("Exported to “%s”"), basename);

      show_toast (self, message);
    }
  else
    show_toast (self, error->message);
}

static void
export_response_cb (VisagePeoplePage *self,
                    int               response,
                    GtkNativeDialog  *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT && self->store != NULL)
    {
      g_autoptr(GFile) dir = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = dir ? g_file_get_path (dir) : NULL;

      if (path != NULL)
        {
          Export *export = g_new0 (Export, 1);

          export->person_id = self->export_person_id;
          export->path = g_steal_pointer (&path);
          vs_store_job_run (self->store, NULL, run_export, export, (GDestroyNotify) export_free,
                            g_free, NULL, exported_cb, g_object_ref (self));
        }
      else
        show_toast (self, _("The folder is not a local one"));
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->export_chooser);
}

static void
person_export_requested_cb (VisagePeoplePage *self,
                            gint64            person_id)
{
  GtkFileChooserNative *chooser;

  if (self->export_chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export Into Folder"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  self->export_person_id = person_id;
  self->export_chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->export_chooser);
}

/* ---- Model ------------------------------------------------------------ */

static void
model_refreshed_cb (VisagePeoplePage *self)
{
  reload_thumbnails (self);

  /* Deleted by another program while on their page. */
  if (showing_person (self) &&
      vs_people_model_lookup (self->model, visage_person_page_get_person_id (self->person_page)) == NULL)
    {
      visage_people_page_show_list (self);
      show_toast (self, _("This person was deleted by another program"));
    }
}

static void
clear_model (VisagePeoplePage *self)
{
  visage_people_page_flush_deletions (self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->model);
  g_hash_table_remove_all (self->thumbnails);
  g_hash_table_remove_all (self->thumbnail_counts);
}

static void set_model (VisagePeoplePage *self,
                       VsStore          *store,
                       VsPeopleModel    *model,
                       const char       *message);

void
visage_people_page_set_store (VisagePeoplePage *self,
                              VsStore          *store,
                              const char       *message)
{
  g_autoptr(VsPeopleModel) model = NULL;

  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  if (store == self->store && store != NULL)
    return;
  if (store != NULL)
    model = vs_people_model_new (store);
  set_model (self, store, model, message);
}

void
visage_people_page_set_model (VisagePeoplePage *self,
                              VsPeopleModel    *model)
{
  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));
  g_return_if_fail (VS_IS_PEOPLE_MODEL (model));

  if (model == self->model)
    return;
  set_model (self, vs_people_model_get_store (model), model, NULL);
}

static void
set_model (VisagePeoplePage *self,
           VsStore          *store,
           VsPeopleModel    *model,
           const char       *message)
{

  visage_people_page_show_list (self);
  clear_model (self);
  g_set_object (&self->store, store);

  if (store == NULL)
    {
      adw_status_page_set_description (self->error_page, message);
      update_state (self);
      update_key_capture (self);
      return;
    }

  self->model = g_object_ref (model);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)), NULL);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)), NULL);
  update_filter (self, GTK_FILTER_CHANGE_DIFFERENT);
  update_sorter (self);
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));

  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "refreshed", G_CALLBACK (model_refreshed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (update_selection_label),
                           self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  update_state (self);
  update_selection_label (self);
  update_key_capture (self);
}

void
visage_people_page_reload (VisagePeoplePage *self)
{
  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  /* The model's own read, on a worker, applies it: nothing to do here.
   * (vs_people_model_refresh() would read the whole list on this thread.) */
}

guint
visage_people_page_get_n_people (VisagePeoplePage *self)
{
  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), 0);
  return self->n_people;
}

void
visage_people_page_set_search_text (VisagePeoplePage *self,
                                    const char       *text)
{
  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  gtk_search_bar_set_search_mode (self->search_bar, text != NULL && *text != '\0');
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* search-changed comes after a delay; apply now. */
  apply_search (self, text);
}

void
visage_people_page_set_sort (VisagePeoplePage *self,
                             VsPeopleSort      sort)
{
  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));
  gtk_drop_down_set_selected (self->sort_dropdown, sort);
}

VsPeopleModel *
visage_people_page_get_model (VisagePeoplePage *self)
{
  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), NULL);
  return self->model;
}

GListModel *
visage_people_page_get_shown_model (VisagePeoplePage *self)
{
  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), NULL);
  return self->selection != NULL ? G_LIST_MODEL (self->selection) : NULL;
}

/* ---- Actions and shortcuts -------------------------------------------- */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  visage_people_page_show_list (VISAGE_PEOPLE_PAGE (widget));
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (widget);

  if (self->selection != NULL)
    gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  visage_people_page_undo (VISAGE_PEOPLE_PAGE (widget));
}

/* Window-wide shortcuts, only while the page is on screen. */
static gboolean
search_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (widget);

  if (!gtk_widget_get_mapped (widget) || self->model == NULL ||
      g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    return FALSE;
  if (showing_person (self))
    visage_people_page_show_list (self);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

static gboolean
back_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (widget);

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (showing_person (self))
    {
      visage_people_page_show_list (self);
      return TRUE;
    }
  if (self->selection_mode)
    {
      visage_people_page_set_selection_mode (self, FALSE);
      return TRUE;
    }
  if (gtk_search_bar_get_search_mode (self->search_bar))
    {
      gtk_search_bar_set_search_mode (self->search_bar, FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
      return TRUE;
    }
  return FALSE;
}

static gboolean
rename_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (widget);

  if (!gtk_widget_get_mapped (widget) || !showing_person (self))
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self->person_page), "person.rename", NULL);
}

static gboolean
undo_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (widget);

  if (!gtk_widget_get_mapped (widget) || self->toasts == NULL)
    return FALSE;
  return visage_people_page_undo (self);
}

/* The person of the list row that has the keyboard focus, or 0. */
static gint64
focused_row_person (VisagePeoplePage *self)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  GtkWidget *row;
  VsPersonItem *item;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    return 0;

  /* The focus is on the list's row widget (our row is its child) or inside
   * our row (its check button). */
  row = gtk_widget_get_ancestor (focus, VISAGE_TYPE_PERSON_ROW);
  if (row == NULL && VISAGE_IS_PERSON_ROW (gtk_widget_get_first_child (focus)))
    row = gtk_widget_get_first_child (focus);
  item = row != NULL ? visage_person_row_get_item (VISAGE_PERSON_ROW (row)) : NULL;
  return item != NULL ? vs_person_item_get_id (item) : 0;
}

/* Delete: the selection in selection mode, else the person whose page is
 * shown, else the person of the focused row; always after the
 * confirmation. A text entry with the focus keeps its Delete key. */
static gboolean
delete_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (widget);
  gint64 person_id;

  if (!gtk_widget_get_mapped (widget) || self->model == NULL)
    return FALSE;
  if (showing_person (self))
    return !visage_person_page_is_renaming (self->person_page) &&
           gtk_widget_activate_action (GTK_WIDGET (self->person_page), "person.delete", NULL);
  if (self->selection_mode)
    return gtk_widget_activate_action (widget, "people.delete-selected", NULL);

  person_id = focused_row_person (self);
  if (person_id == 0)
    return FALSE;
  person_delete_requested_cb (self, person_id);
  return TRUE;
}

static void
add_global_shortcut (GtkShortcutController *controller,
                     const char            *trigger,
                     GtkShortcutFunc        func)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                          gtk_callback_action_new (func, NULL, NULL)));
}

/* ---- GObject / GtkWidget ---------------------------------------------- */

static void
visage_people_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (visage_people_page_parent_class)->map (widget);
  update_key_capture (VISAGE_PEOPLE_PAGE (widget));
}

static void
visage_people_page_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (visage_people_page_parent_class)->unmap (widget);
  update_key_capture (VISAGE_PEOPLE_PAGE (widget));
}

static void
visage_people_page_dispose (GObject *object)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (object);

  /* Closing the window is quitting for this page: what is waiting for its
   * undo toast is erased now, not left behind. */
  visage_people_page_flush_deletions (self);
  g_list_free_full (g_steal_pointer (&self->toasts), g_object_unref);

  if (self->export_chooser != NULL)
    gtk_native_dialog_destroy (self->export_chooser);
  g_clear_object (&self->export_chooser);
  g_clear_handle_id (&self->thumbnail_idle_id, g_source_remove);
  g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_worker);
  g_clear_object (&self->thumbnail_store);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->title_binding, g_binding_unbind);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_PEOPLE_PAGE);

  clear_model (self);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorter);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (visage_people_page_parent_class)->dispose (object);
}

static void
visage_people_page_finalize (GObject *object)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (object);

  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->thumbnail_counts, g_hash_table_unref);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  g_clear_pointer (&self->pending_rows, g_hash_table_unref);
  g_clear_pointer (&self->search_key, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (visage_people_page_parent_class)->finalize (object);
}

static void
visage_people_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_PEOPLE:
      g_value_set_uint (value, self->n_people);
      break;
    case PROP_UNDO_TIMEOUT:
      g_value_set_uint (value, self->undo_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_people_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_UNDO_TIMEOUT:
      if (self->undo_timeout != g_value_get_uint (value))
        {
          self->undo_timeout = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_people_page_class_init (VisagePeoplePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = visage_people_page_dispose;
  object_class->finalize = visage_people_page_finalize;
  object_class->get_property = visage_people_page_get_property;
  object_class->set_property = visage_people_page_set_property;
  widget_class->map = visage_people_page_map;
  widget_class->unmap = visage_people_page_unmap;

  properties[PROP_N_PEOPLE] =
    g_param_spec_uint ("n-people", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VisagePeoplePage:undo-timeout:
   *
   * Seconds the undo toast stays (0: until dismissed).
   */
  properties[PROP_UNDO_TIMEOUT] =
    g_param_spec_uint ("undo-timeout", NULL, NULL,
                       0, 3600, DEFAULT_UNDO_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VISAGE_TYPE_PERSON_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-people-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, count_label);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, search_button);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, select_button);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, list_view);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, selection_bar);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, person_title);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, person_page);
  gtk_widget_class_bind_template_callback (widget_class, main_stack_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sort_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, select_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_delete_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_add_samples_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_export_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_renamed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_changed_cb);

  gtk_widget_class_install_action (widget_class, "people.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "people.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "people.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "people.undo", NULL, undo_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
visage_people_page_init (VisagePeoplePage *self)
{
  GtkListItemFactory *factory;
  GtkEventController *shortcuts;

  self->undo_timeout = DEFAULT_UNDO_TIMEOUT;
  self->thumbnails = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            unref_if_set);
  self->thumbnail_counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->pending_rows = g_hash_table_new (NULL, NULL);
  self->thumbnail_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The entry is inside a clamp, so the bar does not find it by itself;
   * connected, Escape in it closes the search. */
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->sorter = gtk_custom_sorter_new (sort_func, self, NULL);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (factory_teardown_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>f", search_shortcut_cb);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Alt>Left", back_shortcut_cb);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "Escape", back_shortcut_cb);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>z", undo_shortcut_cb);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "Delete", delete_shortcut_cb);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "KP_Delete", delete_shortcut_cb);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "F2", rename_shortcut_cb);
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->tick_id = g_timeout_add_seconds (60, tick_cb, self);
  g_source_set_name_by_id (self->tick_id, "[visage] last seen tick");

  update_state (self);
  update_selection_label (self);
}

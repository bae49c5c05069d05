/* test-people-model.c: VsPeopleModel on real SQLite stores: ten thousand
 * people load fast, search and sort orders, identity kept across reloads,
 * changes from another connection, staged deletion. */
#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "vs-people-model.h"
#include "vs-store.h"
#include "vs-test-bulk.h"
#include "vs-test-util.h"

#define DIM 128

static char *
new_db_path (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();

  return g_build_filename (dir, "people.db", NULL);
}

static void
random_embedding (GRand *rand,
                  float *out)
{
  double norm = 0;

  for (guint i = 0; i < DIM; i++)
    {
      out[i] = (float) g_rand_double_range (rand, -1, 1);
      norm += out[i] * out[i];
    }
  for (guint i = 0; i < DIM; i++)
    out[i] /= (float) sqrt (norm);
}

static gint64
add_person (VsStore    *store,
            const char *name,
            guint       seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GError) error = NULL;
  float embedding[DIM];
  gint64 id;

  random_embedding (rand, embedding);
  g_ptr_array_add (samples, vs_sample_new ("synthetic", embedding, DIM, 0.9, NULL, "test"));
  id = vs_store_add_samples (store, 0, name, samples, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Sets created (the store stamps "now", too coarse to order by). */
static void
set_created (const char *path,
             gint64      person_id,
             gint64      created)
{
  sqlite3 *db = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE people SET created = %" G_GINT64_FORMAT
                                          " WHERE id = %" G_GINT64_FORMAT, created, person_id);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

typedef struct {
  guint position, removed, added, count;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
  changes->count++;
}

static gint64
item_id_at (GListModel *model,
            guint       position)
{
  g_autoptr(VsPersonItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  return vs_person_item_get_id (item);
}

static void
test_load_10000 (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  g_autoptr(VsPersonItem) first = NULL;
  g_autoptr(VsPersonItem) last = NULL;

  /* How fast is for a benchmark; here: all of them, right, in order. */
  vs_test_bulk_insert_people (path, 10000, 1, "synthetic", DIM, NULL, 42);

  store = vs_store_open (path, NULL);
  g_assert_nonnull (store);
  model = vs_people_model_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10000);

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last = g_list_model_get_item (G_LIST_MODEL (model), 9999);
  g_assert_cmpstr (vs_person_item_get_name (first), ==, "Person 00000");
  g_assert_cmpstr (vs_person_item_get_name (last), ==, "Person 09999");
  g_assert_cmpuint (vs_person_item_get_n_samples (first), ==, 1);
  g_assert_cmpint (vs_person_item_get_last_seen (first), ==, 0);

  /* Nothing changed: a refresh keeps everything and announces nothing. */
  {
    Changes changes = { 0 };

    g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
    g_assert_true (vs_people_model_refresh (model, TRUE, NULL));
    g_assert_cmpuint (changes.count, ==, 0);
    g_signal_handlers_disconnect_by_data (model, &changes);
  }

  /* Searching 10,000 names. */
  {
    guint n = 0;
    g_autofree char *key = vs_people_search_key ("PERSON 0999");

    for (guint i = 0; i < 10000; i++)
      {
        g_autoptr(VsPersonItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);
        n += vs_person_item_matches (item, key);
      }
    g_assert_cmpuint (n, ==, 10);   /* 09990 … 09999 */
  }
}

static VsPeopleModel *
small_model (const char  *path,
             VsStore    **store_out,
             gint64      *ids)
{
  static const char *names[] = { "Grace Hopper", "Émile Zola", "ada lovelace", "Alan Turing", "Zoë Émilie" };
  VsStore *store = vs_store_open (path, NULL);
  VsPeopleModel *model;

  g_assert_nonnull (store);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    ids[i] = add_person (store, names[i], i + 1);
  model = vs_people_model_new (store);
  *store_out = store;
  return model;
}

static void
test_search (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  gint64 ids[5];
  struct { const char *query; const char *expected; } cases[] = {
    { "", "Ada,Alan,Emile,Grace,Zoe" },
    { "emil", "Emile,Zoe" },       /* accents and case ignored */
    { "emile", "Emile" },
    { " ÉMILE   Z ", "Emile" },        /* spaces as in names */
    { "a", "Ada,Alan,Emile,Grace" },
    { "ove", "Ada" },
    { "  ", "Ada,Alan,Emile,Grace,Zoe" },
    { "xyz", "" },
  };

  model = small_model (path, &store, ids);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *key = vs_people_search_key (cases[c].query);
      g_autoptr(GString) found = g_string_new (NULL);

      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
        {
          g_autoptr(VsPersonItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);
          g_autofree char *short_name = NULL;

          if (!vs_person_item_matches (item, key))
            continue;
          /* "Émile Zola" → "Emile" etc., for a readable expectation. */
          short_name = vs_people_search_key (vs_person_item_get_name (item));
          *strchr (short_name, ' ') = '\0';
          short_name[0] = g_ascii_toupper (short_name[0]);
          if (found->len > 0)
            g_string_append_c (found, ',');
          g_string_append (found, short_name);
        }
      g_test_message ("search “%s” → %s", cases[c].query, found->str);
      g_assert_cmpstr (found->str, ==, cases[c].expected);
    }
}

static int
compare_name (gconstpointer a, gconstpointer b)
{
  return vs_person_item_compare (*(VsPersonItem **) a, *(VsPersonItem **) b, VS_PEOPLE_SORT_NAME);
}

static int
compare_added (gconstpointer a, gconstpointer b)
{
  return vs_person_item_compare (*(VsPersonItem **) a, *(VsPersonItem **) b, VS_PEOPLE_SORT_RECENTLY_ADDED);
}

static int
compare_seen (gconstpointer a, gconstpointer b)
{
  return vs_person_item_compare (*(VsPersonItem **) a, *(VsPersonItem **) b, VS_PEOPLE_SORT_LAST_SEEN);
}

static char *
sorted_names (VsPeopleModel *model,
              GCompareFunc   compare)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (model), i));
  g_ptr_array_sort (items, compare);
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, vs_person_item_get_name (items->pdata[i]));
    }
  return g_string_free (out, FALSE);
}

static void
test_sort (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *by_added = NULL;
  g_autofree char *by_seen = NULL;
  gint64 ids[5];

  model = small_model (path, &store, ids);

  /* Added: Grace oldest … Zoë newest, but Émile forced newest of all. */
  for (guint i = 0; i < 5; i++)
    set_created (path, ids[i], 1700000000 + i * 100);
  set_created (path, ids[1], 1800000000);
  /* Seen: Alan long ago, Grace recently, the others never. */
  g_assert_true (vs_store_record_seen (store, ids[3], 1700000500, NULL));
  g_assert_true (vs_store_record_seen (store, ids[0], 1750000000, NULL));
  g_assert_true (vs_store_record_seen (store, ids[0], 1700000000, NULL));   /* older: max wins */
  g_assert_true (vs_people_model_refresh (model, FALSE, NULL));

  by_name = sorted_names (model, compare_name);
  by_added = sorted_names (model, compare_added);
  by_seen = sorted_names (model, compare_seen);
  g_test_message ("name: %s\nadded: %s\nseen: %s", by_name, by_added, by_seen);

  /* Name: case and accents ignored ("ada" before "Alan", "Émile" with E). */
  g_assert_cmpstr (by_name, ==, "ada lovelace,Alan Turing,Émile Zola,Grace Hopper,Zoë Émilie");
  g_assert_cmpstr (by_added, ==, "Émile Zola,Zoë Émilie,Alan Turing,ada lovelace,Grace Hopper");
  /* Never seen: last, in name order. */
  g_assert_cmpstr (by_seen, ==, "Grace Hopper,Alan Turing,ada lovelace,Émile Zola,Zoë Émilie");
  g_assert_cmpint (vs_person_item_get_last_seen (vs_people_model_lookup (model, ids[0])), ==, 1750000000);
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_rename_keeps_identity (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  Changes changes = { 0 };
  VsPersonItem *grace;
  guint n_notify = 0;
  gint64 ids[5];

  model = small_model (path, &store, ids);
  /* Order: ada, Alan, Émile, Grace, Zoë */
  grace = vs_people_model_lookup (model, ids[0]);
  g_assert_nonnull (grace);
  g_assert_cmpint (item_id_at (G_LIST_MODEL (model), 3), ==, ids[0]);
  g_signal_connect (grace, "notify::name", G_CALLBACK (notify_count_cb), &n_notify);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  g_assert_true (vs_store_rename_person (store, ids[0], "Amazing Grace", NULL));
  g_assert_true (vs_people_model_refresh (model, FALSE, NULL));

  /* Same object, new name, moved to its place by name (ada, Alan,
   * Amazing Grace, Émile, Zoë): only positions 2..3 are announced. */
  g_assert_true (vs_people_model_lookup (model, ids[0]) == grace);
  g_assert_cmpstr (vs_person_item_get_name (grace), ==, "Amazing Grace");
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpint (item_id_at (G_LIST_MODEL (model), 2), ==, ids[0]);
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_cmpuint (changes.position, ==, 2);
  g_assert_cmpuint (changes.removed, ==, 2);
  g_assert_cmpuint (changes.added, ==, 2);

  /* Seen: only that row is announced, in place. */
  changes.count = 0;
  g_assert_true (vs_store_record_seen (store, ids[4], 0, NULL));
  g_assert_true (vs_people_model_refresh (model, FALSE, NULL));
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_cmpuint (changes.position, ==, 4);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpint (vs_person_item_get_last_seen (vs_people_model_lookup (model, ids[4])), >, 0);

  g_signal_handlers_disconnect_by_data (model, &changes);
  g_signal_handlers_disconnect_by_data (grace, &n_notify);
}

static gboolean
n_items_is (VsPeopleModel *model,
            guint          n,
            guint          timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  /* Not blocking: with nothing announced, no source may ever fire. */
  while (g_list_model_get_n_items (G_LIST_MODEL (model)) != n && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  return g_list_model_get_n_items (G_LIST_MODEL (model)) == n;
}

static void
test_other_connection (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsStore) other = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  gint64 ids[5], new_id;
  gint64 start;

  model = small_model (path, &store, ids);
  other = vs_store_open (path, NULL);
  g_assert_nonnull (other);

  /* A plain refresh delivers the other connection's announced commit at
   * once. */
  new_id = add_person (other, "Barbara Liskov", 99);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);
  g_assert_true (vs_people_model_refresh (model, FALSE, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 6);
  g_assert_nonnull (vs_people_model_lookup (model, new_id));

  /* And by itself, without any timer: the change is announced. */
  g_assert_true (vs_store_delete_people (other, ids, 2, NULL));
  start = g_get_monotonic_time ();
  g_assert_true (n_items_is (model, 4, 3000));
  g_test_message ("Deletion by another connection seen after %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_null (vs_people_model_lookup (model, ids[0]));
}

/* Each change on its own: two people added at two places of the list are
 * two ::items-changed of one row each, not one range over everything in
 * between (a list view would rebind all of it). And a name is found by its
 * key, in any case or accents, renamed or not. */
typedef struct {
  GListModel *model;
  GArray     *runs;   /* guint triples */
  guint       n;      /* items after the changes so far */
} Runs;

static void
runs_cb (GListModel *model,
         guint       position,
         guint       removed,
         guint       added,
         Runs       *runs)
{
  guint run[3] = { position, removed, added };

  /* What a listener reads meanwhile is the list after this change, not
   * after the last one. */
  runs->n = runs->n - removed + added;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, runs->n);
  g_array_append_vals (runs->runs, run, 1);
}

static void
test_exact_changes (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  g_autoptr(GArray) array = g_array_new (FALSE, FALSE, sizeof (guint) * 3);
  Runs runs = { NULL, array, 5 };
  gint64 ids[5], aaron, zygmunt;

  model = small_model (path, &store, ids);
  /* Order: ada, Alan, Émile, Grace, Zoë */
  runs.model = G_LIST_MODEL (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (runs_cb), &runs);

  aaron = add_person (store, "Aaron Swartz", 10);
  zygmunt = add_person (store, "Zygmunt Bauman", 11);
  g_assert_true (vs_people_model_refresh (model, TRUE, NULL));

  /* Aaron, ada, Alan, Émile, Grace, Zoë, Zygmunt */
  g_assert_cmpuint (array->len, ==, 2);
  g_assert_cmpuint (g_array_index (array, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (array, guint, 1), ==, 0);
  g_assert_cmpuint (g_array_index (array, guint, 2), ==, 1);
  g_assert_cmpuint (g_array_index (array, guint, 3), ==, 6);
  g_assert_cmpuint (g_array_index (array, guint, 4), ==, 0);
  g_assert_cmpuint (g_array_index (array, guint, 5), ==, 1);
  g_assert_cmpint (item_id_at (G_LIST_MODEL (model), 0), ==, aaron);
  g_assert_cmpint (item_id_at (G_LIST_MODEL (model), 6), ==, zygmunt);

  g_assert_true (vs_people_model_find_by_name (model, "EMILE  ZOLA") ==
                 vs_people_model_lookup (model, ids[1]));
  g_assert_true (vs_people_model_find_by_name (model, "zoe emilie") ==
                 vs_people_model_lookup (model, ids[4]));
  g_assert_null (vs_people_model_find_by_name (model, "Emile"));
  g_assert_null (vs_people_model_find_by_name (model, "   "));

  g_assert_true (vs_store_rename_person (store, ids[1], "Émile Édouard Zola", NULL));
  g_assert_true (vs_people_model_refresh (model, FALSE, NULL));
  g_assert_null (vs_people_model_find_by_name (model, "Emile Zola"));
  g_assert_true (vs_people_model_find_by_name (model, "emile edouard zola") ==
                 vs_people_model_lookup (model, ids[1]));

  g_assert_true (vs_store_delete_people (store, &ids[4], 1, NULL));
  g_assert_true (vs_people_model_refresh (model, FALSE, NULL));
  g_assert_null (vs_people_model_find_by_name (model, "Zoë Émilie"));

  g_signal_handlers_disconnect_by_data (model, &runs);
}

static void
count_signal (guint *count)
{
  (*count)++;
}

static void
test_staged_deletion (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsStore) other = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) staged = NULL;
  gint64 ids[5];
  gint64 unknown = 12345;
  guint token, n_changed = 0;

  model = small_model (path, &store, ids);
  g_signal_connect_swapped (model, "staged-changed", G_CALLBACK (count_signal), &n_changed);

  g_assert_cmpuint (vs_people_model_stage_deletion (model, &unknown, 1), ==, 0);
  g_assert_cmpuint (n_changed, ==, 0);

  token = vs_people_model_stage_deletion (model, ids, 2);
  g_assert_cmpuint (token, >, 0);
  g_assert_cmpuint (n_changed, ==, 1);
  staged = vs_people_model_dup_all_staged_ids (model);
  g_assert_cmpuint (staged->len, ==, 2);
  g_assert_true ((g_array_index (staged, gint64, 0) == ids[0] && g_array_index (staged, gint64, 1) == ids[1]) ||
                 (g_array_index (staged, gint64, 0) == ids[1] && g_array_index (staged, gint64, 1) == ids[0]));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_cmpuint (vs_people_model_get_n_staged (model), ==, 2);
  /* Hidden, not deleted; a reload keeps them hidden. */
  person = vs_store_get_person (store, ids[0], &error);
  g_assert_no_error (error);
  g_clear_pointer (&person, vs_person_free);
  g_assert_true (vs_people_model_refresh (model, TRUE, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);

  g_assert_true (vs_people_model_undo_deletion (model, token));
  g_assert_cmpuint (n_changed, ==, 2);
  g_assert_false (vs_people_model_undo_deletion (model, token));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);
  g_assert_cmpuint (vs_people_model_get_n_staged (model), ==, 0);

  /* Commit, while another process deleted one of them meanwhile. */
  token = vs_people_model_stage_deletion (model, ids, 3);
  other = vs_store_open (path, NULL);
  g_assert_true (vs_store_delete_person (other, ids[1], NULL));
  g_assert_true (vs_people_model_commit_deletion (model, token, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_changed, ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  for (guint i = 0; i < 3; i++)
    {
      person = vs_store_get_person (store, ids[i], NULL);
      g_assert_null (person);
    }
  person = vs_store_get_person (store, ids[3], &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
}

/* Lets what is on its way arrive (the store monitor's idle, a second
 * notice within the file monitor's rate limit). */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
}

/* One write refreshes the model once, without a timer; "last seen" updates
 * the one item it is about. */
static void
test_each_change_once (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsStore) other = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  Changes log = { 0 };
  guint n_refreshed = 0;
  gint64 ids[5], new_id;
  VsPersonItem *item;

  model = small_model (path, &store, ids);
  other = vs_store_open (path, NULL);
  g_assert_nonnull (other);
  settle ();
  g_signal_connect_swapped (model, "refreshed", G_CALLBACK (count_signal), &n_refreshed);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &log);

  new_id = add_person (other, "Barbara Liskov", 99);
  g_assert_true (n_items_is (model, 6, 3000));
  settle ();
  g_assert_cmpuint (n_refreshed, ==, 1);
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_nonnull (vs_people_model_lookup (model, new_id));

  /* Seen, through this process's other connection: the one item changes. */
  item = vs_people_model_lookup (model, ids[3]);
  g_assert_cmpint (vs_person_item_get_last_seen (item), ==, 0);
  log.count = 0;
  g_assert_true (vs_store_record_seen (other, ids[3], 1750000000, NULL));
  settle ();
  g_assert_cmpint (vs_person_item_get_last_seen (item), ==, 1750000000);
  g_assert_cmpuint (n_refreshed, ==, 2);
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (model), log.position) == (gpointer) item);
  g_object_unref (item);   /* the reference get_item gave */
  g_assert_cmpuint (log.removed, ==, 1);
  g_assert_cmpuint (log.added, ==, 1);

  /* A refresh after that finds nothing new: no reload, no signal. */
  g_assert_true (vs_people_model_refresh (model, FALSE, NULL));
  g_assert_cmpuint (n_refreshed, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/people-model/load-10000", test_load_10000);
  g_test_add_func ("/people-model/search", test_search);
  g_test_add_func ("/people-model/sort", test_sort);
  g_test_add_func ("/people-model/rename-keeps-identity", test_rename_keeps_identity);
  g_test_add_func ("/people-model/other-connection", test_other_connection);
  g_test_add_func ("/people-model/exact-changes", test_exact_changes);
  g_test_add_func ("/people-model/staged-deletion", test_staged_deletion);
  g_test_add_func ("/people-model/each-change-once", test_each_change_once);

  return g_test_run ();
}

/* test-erase.c: deleting through the undo path (VsPeopleModel's staged
 * deletion, as the People page's toast drives it) leaves no byte of the
 * deleted person's embeddings or face crops in the database, its WAL or its
 * journal — while undo, and the people not deleted, keep theirs. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vs-people-model.h"
#include "vs-store.h"
#include "vs-test-util.h"

#define DIM 128
#define N_SAMPLES 3
#define CROP_SIZE 6000
#define FRAGMENT 16

typedef struct {
  char    *name;
  gint64   id;
  float    embeddings[N_SAMPLES][DIM];
  guint8   crops[N_SAMPLES][CROP_SIZE];
} Person;

static void
make_person (Person     *person,
             const char *name,
             guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  person->name = g_strdup (name);
  for (guint s = 0; s < N_SAMPLES; s++)
    {
      double norm = 0;

      for (guint i = 0; i < DIM; i++)
        {
          person->embeddings[s][i] = (float) g_rand_double_range (rand, -1, 1);
          norm += person->embeddings[s][i] * person->embeddings[s][i];
        }
      for (guint i = 0; i < DIM; i++)
        person->embeddings[s][i] /= (float) sqrt (norm);
      /* Random bytes stand for the PNG: what matters is finding them. */
      for (guint i = 0; i < CROP_SIZE; i++)
        person->crops[s][i] = (guint8) g_rand_int_range (rand, 0, 256);
    }
}

static void
enroll (VsStore *store,
        Person  *person)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GError) error = NULL;

  for (guint s = 0; s < N_SAMPLES; s++)
    {
      g_autoptr(GBytes) crop = g_bytes_new (person->crops[s], CROP_SIZE);
      g_ptr_array_add (samples, vs_sample_new ("synthetic", person->embeddings[s], DIM, 0.9,
                                               crop, "test"));
    }
  person->id = vs_store_add_samples (store, 0, person->name, samples, &error);
  g_assert_no_error (error);
  g_assert_cmpint (person->id, >, 0);
}

/* Every database file SQLite may have written. */
static GBytes *
read_db_files (const char *path)
{
  static const char *suffixes[] = { "", "-wal", "-journal", "-shm" };
  GByteArray *all = g_byte_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (file, &contents, &length, NULL))
        {
          g_test_message ("%s: %" G_GSIZE_FORMAT " bytes", file, length);
          g_byte_array_append (all, (const guint8 *) contents, length);
        }
    }
  return g_byte_array_free_to_bytes (all);
}

static gboolean
contains (const guint8 *data,
          gsize         size,
          const guint8 *needle,
          gsize         length)
{
  for (gsize i = 0; i + length <= size; i++)
    {
      const guint8 *p = memchr (data + i, needle[0], size - length - i + 1);

      if (p == NULL)
        return FALSE;
      i = p - data;
      if (memcmp (p, needle, length) == 0)
        return TRUE;
    }
  return FALSE;
}

/* How many of the person's byte fragments (every FRAGMENT bytes of every
 * embedding and crop) occur anywhere in the files. */
static guint
count_fragments (GBytes       *files,
                 const Person *person,
                 guint        *n_total)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (files, &size);
  guint found = 0, total = 0;

  for (guint s = 0; s < N_SAMPLES; s++)
    {
      const guint8 *embedding = (const guint8 *) person->embeddings[s];

      for (guint off = 0; off + FRAGMENT <= DIM * 4; off += FRAGMENT, total++)
        found += contains (data, size, embedding + off, FRAGMENT);
      for (guint off = 0; off + FRAGMENT <= CROP_SIZE; off += 25 * FRAGMENT, total++)
        found += contains (data, size, person->crops[s] + off, FRAGMENT);
    }
  if (n_total != NULL)
    *n_total = total;
  return found;
}

static guint
fragments_on_disk (const char   *path,
                   const Person *person)
{
  g_autoptr(GBytes) files = read_db_files (path);
  guint total = 0;
  guint found = count_fragments (files, person, &total);

  g_test_message ("%s: %u of %u fragments on disk", person->name, found, total);
  return found;
}

static guint
n_fragments (void)
{
  return N_SAMPLES * (DIM * 4 / FRAGMENT + (CROP_SIZE - FRAGMENT) / (25 * FRAGMENT) + 1);
}

static void
test_undo_then_expire (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "erase.db", NULL);
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsStore) reader = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsGallery) gallery = NULL;
  Person ada = { 0 }, alan = { 0 }, grace = { 0 };
  guint token;

  make_person (&ada, "Ada Lovelace", 1);
  make_person (&alan, "Alan Turing", 2);
  make_person (&grace, "Grace Hopper", 3);

  store = vs_store_open (path, &error);
  g_assert_no_error (error);
  enroll (store, &ada);
  enroll (store, &alan);
  enroll (store, &grace);

  /* A second connection, as the live view's gallery monitor has: it must
   * not keep the old pages alive. */
  reader = vs_store_open (path, &error);
  g_assert_no_error (error);
  gallery = vs_store_load_gallery (reader, "synthetic", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_gallery_get_n_people (gallery), ==, 3);

  model = vs_people_model_new (store);
  vs_people_model_set_poll_interval (model, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);

  /* The search works: every fragment is found before anything happens. */
  g_assert_cmpuint (fragments_on_disk (path, &ada), ==, n_fragments ());
  g_assert_cmpuint (fragments_on_disk (path, &alan), ==, n_fragments ());

  /* Delete, then Undo: nothing touched the database. */
  token = vs_people_model_stage_deletion (model, &ada.id, 1);
  g_assert_cmpuint (token, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_true (vs_people_model_undo_deletion (model, token));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  {
    g_autoptr(GPtrArray) samples = vs_store_list_samples (store, ada.id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (samples->len, ==, N_SAMPLES);
    g_assert_cmpmem (((VsSample *) samples->pdata[0])->embedding, DIM * 4, ada.embeddings[0], DIM * 4);
  }
  g_assert_cmpuint (fragments_on_disk (path, &ada), ==, n_fragments ());

  /* Delete, and let the toast expire: the commit erases Ada for good. */
  token = vs_people_model_stage_deletion (model, &ada.id, 1);
  g_assert_true (vs_people_model_commit_deletion (model, token, &error));
  g_assert_no_error (error);
  g_assert_null (vs_store_get_person (store, ada.id, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_cmpuint (fragments_on_disk (path, &ada), ==, 0);
  /* Only Ada. */
  g_assert_cmpuint (fragments_on_disk (path, &alan), ==, n_fragments ());
  g_assert_cmpuint (fragments_on_disk (path, &grace), ==, n_fragments ());

  /* Quitting with two deletions pending: both in one go. */
  g_assert_cmpuint (vs_people_model_stage_deletion (model, &alan.id, 1), >, 0);
  g_assert_cmpuint (vs_people_model_stage_deletion (model, &grace.id, 1), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_true (vs_people_model_commit_all (model, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vs_people_model_get_n_staged (model), ==, 0);
  g_assert_cmpuint (fragments_on_disk (path, &alan), ==, 0);
  g_assert_cmpuint (fragments_on_disk (path, &grace), ==, 0);

  /* And after every connection closed. */
  g_clear_object (&model);
  g_clear_object (&store);
  g_clear_pointer (&gallery, vs_gallery_unref);
  g_clear_object (&reader);
  g_assert_cmpuint (fragments_on_disk (path, &ada), ==, 0);
  g_assert_cmpuint (fragments_on_disk (path, &alan), ==, 0);

  g_free (ada.name);
  g_free (alan.name);
  g_free (grace.name);
}

/* Dropping the model without committing (a crash) deletes nothing. */
static void
test_uncommitted_is_kept (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "keep.db", NULL);
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsPeopleModel) model = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  Person ada = { 0 };

  make_person (&ada, "Ada Lovelace", 7);
  store = vs_store_open (path, &error);
  g_assert_no_error (error);
  enroll (store, &ada);

  model = vs_people_model_new (store);
  g_assert_cmpuint (vs_people_model_stage_deletion (model, &ada.id, 1), >, 0);
  g_clear_object (&model);

  person = vs_store_get_person (store, ada.id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (person->n_samples, ==, N_SAMPLES);
  g_assert_cmpuint (fragments_on_disk (path, &ada), ==, n_fragments ());
  g_free (ada.name);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/erase/undo-then-expire", test_undo_then_expire);
  g_test_add_func ("/erase/uncommitted-is-kept", test_uncommitted_is_kept);

  return g_test_run ();
}

/* test-erase.c: erasure of every kind leaves no byte of what was removed in
 * the database, its WAL, its shared memory or its journal — while the files
 * are still open, as they are in the running app — and keeps what was not
 * removed: deleting through the undo path (VsPeopleModel's staged deletion,
 * as the People page's toast drives it), removing one sample (the person
 * page's remove button), and re-embedding (the old embeddings go, a failure
 * changes nothing). */
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

/* How many byte fragments (every FRAGMENT bytes) of one embedding occur
 * anywhere in the files. */
static guint
count_embedding_fragments (GBytes      *files,
                           const float *embedding)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (files, &size);
  const guint8 *bytes = (const guint8 *) embedding;
  guint found = 0;

  for (guint off = 0; off + FRAGMENT <= DIM * 4; off += FRAGMENT)
    found += contains (data, size, bytes + off, FRAGMENT);
  return found;
}

/* The same for one sample's embedding and crop (every 25th fragment). */
static guint
count_sample_fragments (GBytes       *files,
                        const Person *person,
                        guint         s,
                        guint        *n_total)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (files, &size);
  guint found = count_embedding_fragments (files, person->embeddings[s]);
  guint total = DIM * 4 / FRAGMENT;

  for (guint off = 0; off + FRAGMENT <= CROP_SIZE; off += 25 * FRAGMENT, total++)
    found += contains (data, size, person->crops[s] + off, FRAGMENT);
  if (n_total != NULL)
    *n_total += total;
  return found;
}

/* How many of the person's byte fragments (every embedding and crop) occur
 * anywhere in the files. */
static guint
count_fragments (GBytes       *files,
                 const Person *person,
                 guint        *n_total)
{
  guint found = 0, total = 0;

  for (guint s = 0; s < N_SAMPLES; s++)
    found += count_sample_fragments (files, person, s, &total);
  if (n_total != NULL)
    *n_total = total;
  return found;
}

static guint
sample_fragments_on_disk (const char   *path,
                          const Person *person,
                          guint         s)
{
  g_autoptr(GBytes) files = read_db_files (path);
  guint total = 0;
  guint found = count_sample_fragments (files, person, s, &total);

  g_test_message ("%s, sample %u: %u of %u fragments on disk", person->name, s, found, total);
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
n_sample_fragments (void)
{
  return DIM * 4 / FRAGMENT + (CROP_SIZE - FRAGMENT) / (25 * FRAGMENT) + 1;
}

static guint
n_fragments (void)
{
  return N_SAMPLES * n_sample_fragments ();
}

static void
person_clear (Person *person)
{
  g_clear_pointer (&person->name, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Person, person_clear)

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

/* Two people enrolled, and a second connection holding a gallery, as the
 * live view's gallery monitor does while the person page erases. */
typedef struct {
  char      *path;
  VsStore   *store;
  VsStore   *reader;
  VsGallery *gallery;
  Person     ada;
  Person     alan;
} Enrolled;

static void
enrolled_init (Enrolled *e,
               guint32   seed)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;

  e->path = g_build_filename (dir, "erase.db", NULL);
  make_person (&e->ada, "Ada Lovelace", seed);
  make_person (&e->alan, "Alan Turing", seed + 1);
  e->store = vs_store_open (e->path, &error);
  g_assert_no_error (error);
  enroll (e->store, &e->ada);
  enroll (e->store, &e->alan);
  e->reader = vs_store_open (e->path, &error);
  g_assert_no_error (error);
  e->gallery = vs_store_load_gallery (e->reader, "synthetic", &error);
  g_assert_no_error (error);
}

static void
enrolled_clear (Enrolled *e)
{
  g_clear_pointer (&e->gallery, vs_gallery_unref);
  g_clear_object (&e->reader);
  g_clear_object (&e->store);
  g_clear_pointer (&e->path, g_free);
  person_clear (&e->ada);
  person_clear (&e->alan);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Enrolled, enrolled_clear)

/* The person page's remove button: one sample goes, for good, while the
 * database stays open with a reader (the live view's gallery monitor). */
static void
test_one_sample (void)
{
  g_auto(Enrolled) e = { 0 };
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;
  VsStore *store;
  Person *ada, *alan;
  gint64 removed = 0;

  enrolled_init (&e, 11);
  path = e.path;
  store = e.store;
  ada = &e.ada;
  alan = &e.alan;
  g_assert_cmpuint (sample_fragments_on_disk (path, ada, 1), ==, n_sample_fragments ());

  /* Ada's second sample, found by its embedding. */
  samples = vs_store_list_samples (store, ada->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, N_SAMPLES);
  for (guint i = 0; i < samples->len; i++)
    {
      VsSample *sample = g_ptr_array_index (samples, i);
      if (memcmp (sample->embedding, ada->embeddings[1], DIM * 4) == 0)
        removed = sample->id;
    }
  g_assert_cmpint (removed, >, 0);

  g_assert_true (vs_store_delete_sample (store, removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sample_fragments_on_disk (path, ada, 1), ==, 0);
  /* Only that sample: Ada's others and Alan stay whole. */
  g_assert_cmpuint (sample_fragments_on_disk (path, ada, 0), ==, n_sample_fragments ());
  g_assert_cmpuint (sample_fragments_on_disk (path, ada, 2), ==, n_sample_fragments ());
  g_assert_cmpuint (fragments_on_disk (path, alan), ==, n_fragments ());
  person = vs_store_get_person (store, ada->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (person->n_samples, ==, N_SAMPLES - 1);

  /* An unknown sample id is an error that changes nothing. */
  g_assert_false (vs_store_delete_sample (store, removed, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (fragments_on_disk (path, alan), ==, n_fragments ());
}

typedef struct {
  guint  calls;
  guint  fail_at;      /* 1-based call that fails; 0: none */
  GRand *rand;
  GPtrArray *made;     /* float[DIM] copies of what was returned */
} Reembedder;

static gboolean
reembed_random (GBytes   *crop,
                float    *embedding_out,
                gpointer  user_data,
                GError  **error)
{
  Reembedder *r = user_data;
  double norm = 0;

  if (++r->calls == r->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the embedder failed");
      return FALSE;
    }
  for (guint i = 0; i < DIM; i++)
    {
      embedding_out[i] = (float) g_rand_double_range (r->rand, -1, 1);
      norm += embedding_out[i] * embedding_out[i];
    }
  for (guint i = 0; i < DIM; i++)
    embedding_out[i] /= (float) sqrt (norm);
  g_ptr_array_add (r->made, g_memdup2 (embedding_out, DIM * sizeof (float)));
  return TRUE;
}

/* reembed replaces every embedding: the old ones are gone from the files,
 * the crops stay; a failure half-way changes nothing at all. */
static void
test_reembed (void)
{
  g_auto(Enrolled) e = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) files = NULL;
  Reembedder failing = { 0, 4, g_rand_new_with_seed (5), g_ptr_array_new_with_free_func (g_free) };
  Reembedder working = { 0, 0, g_rand_new_with_seed (6), g_ptr_array_new_with_free_func (g_free) };
  const char *path;
  VsStore *store;
  Person *ada, *alan;

  enrolled_init (&e, 21);
  path = e.path;
  store = e.store;
  ada = &e.ada;
  alan = &e.alan;

  /* The fourth of six samples fails: all or nothing. */
  g_assert_false (vs_store_reembed (store, "other", DIM, reembed_random, NULL, &failing, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (failing.calls, ==, 4);
  g_assert_cmpuint (fragments_on_disk (path, ada), ==, n_fragments ());
  g_assert_cmpuint (fragments_on_disk (path, alan), ==, n_fragments ());
  {
    g_autoptr(VsGallery) still = vs_store_load_gallery (store, "synthetic", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (vs_gallery_get_n_samples (still), ==, 2 * N_SAMPLES);
  }

  g_assert_true (vs_store_reembed (store, "other", DIM, reembed_random, NULL, &working, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (working.made->len, ==, 2 * N_SAMPLES);

  files = read_db_files (path);
  for (guint s = 0; s < N_SAMPLES; s++)
    {
      g_assert_cmpuint (count_embedding_fragments (files, ada->embeddings[s]), ==, 0);
      g_assert_cmpuint (count_embedding_fragments (files, alan->embeddings[s]), ==, 0);
    }
  /* The new embeddings are there (the search would find the old), and the
   * crops they came from stay. */
  for (guint i = 0; i < working.made->len; i++)
    g_assert_cmpuint (count_embedding_fragments (files, g_ptr_array_index (working.made, i)), ==,
                      DIM * 4 / FRAGMENT);
  g_assert_cmpuint (fragments_on_disk (path, ada), ==,
                    n_fragments () - N_SAMPLES * (DIM * 4 / FRAGMENT));
  {
    g_autoptr(VsGallery) now = vs_store_load_gallery (store, "other", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (vs_gallery_get_n_samples (now), ==, 2 * N_SAMPLES);
  }

  g_rand_free (failing.rand);
  g_rand_free (working.rand);
  g_ptr_array_unref (failing.made);
  g_ptr_array_unref (working.made);
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/erase/undo-then-expire", test_undo_then_expire);
  g_test_add_func ("/erase/uncommitted-is-kept", test_uncommitted_is_kept);
  g_test_add_func ("/erase/one-sample", test_one_sample);
  g_test_add_func ("/erase/reembed", test_reembed);

  return g_test_run ();
}

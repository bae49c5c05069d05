/* test-gallery.c: search order, identification rules and the SIMD kernel. */
#include "config.h"

#include <math.h>

#include "vs-gallery.h"
#include "vs-gallery-monitor.h"
#include "vs-store.h"
#include "vs-test-util.h"

#define DIM 8

/* A unit vector pointing mostly along axis `axis`, tilted towards axis+1 so
 * that its cosine with the pure axis is `cos_to_axis`. */
static void
make_vec (float *v,
          guint  dim,
          guint  axis,
          float  cos_to_axis)
{
  for (guint i = 0; i < dim; i++)
    v[i] = 0;
  v[axis] = cos_to_axis;
  v[(axis + 1) % dim] = sqrtf (MAX (0.0f, 1.0f - cos_to_axis * cos_to_axis));
}

static void
random_unit (float *v,
             guint  dim)
{
  for (guint i = 0; i < dim; i++)
    v[i] = (float) g_test_rand_double_range (-1.0, 1.0);
  vs_l2_normalize (v, dim);
}

static void
test_gallery_empty (void)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("test", DIM);
  float q[DIM];
  VsMatch out[4];
  VsMatchParams params = { 0.5f, 0.05f };
  VsIdentity id;

  make_vec (q, DIM, 0, 1.0f);
  g_assert_cmpuint (vs_gallery_get_n_samples (gallery), ==, 0);
  g_assert_cmpuint (vs_gallery_get_n_people (gallery), ==, 0);
  g_assert_cmpstr (vs_gallery_get_embedder (gallery), ==, "test");
  g_assert_cmpuint (vs_gallery_get_dim (gallery), ==, DIM);
  g_assert_cmpuint (vs_gallery_search (gallery, q, out, 4), ==, 0);

  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_UNKNOWN);
  g_assert_cmpint (id.best.person_id, ==, 0);
  g_assert_cmpint (id.second.person_id, ==, 0);

  /* A person without samples is never a match. */
  vs_gallery_add_person (gallery, 7, "Nobody");
  g_assert_cmpuint (vs_gallery_search (gallery, q, out, 4), ==, 0);
  g_assert_cmpstr (vs_gallery_get_name (gallery, 7), ==, "Nobody");
  g_assert_null (vs_gallery_get_name (gallery, 8));
}

static void
test_gallery_topk_order (void)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("test", DIM);
  float v[DIM], q[DIM];
  VsMatch out[8];
  guint n;

  /* Person p (1..5) has one sample whose cosine with axis 0 is 0.9 - 0.1 p,
   * added in scrambled order. */
  const gint64 order[] = { 3, 1, 5, 2, 4 };
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *name = g_strdup_printf ("P%" G_GINT64_FORMAT, order[i]);
      vs_gallery_add_person (gallery, order[i], name);
      make_vec (v, DIM, 0, 0.9f - 0.1f * order[i]);
      vs_gallery_add_sample (gallery, order[i], v);
    }
  make_vec (q, DIM, 0, 1.0f);

  n = vs_gallery_search (gallery, q, out, 3);
  g_assert_cmpuint (n, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("P%u", i + 1);
      g_assert_cmpint (out[i].person_id, ==, i + 1);
      g_assert_cmpstr (out[i].name, ==, name);
      g_assert_cmpfloat_with_epsilon (out[i].score, 0.9f - 0.1f * (i + 1), 1e-5);
    }

  /* k larger than the number of people: everyone, still sorted. */
  n = vs_gallery_search (gallery, q, out, 8);
  g_assert_cmpuint (n, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (out[i].person_id, ==, i + 1);

  g_assert_cmpuint (vs_gallery_search (gallery, q, out, 0), ==, 0);
}

static void
test_gallery_best_of_samples (void)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("test", DIM);
  float v[DIM], q[DIM];
  VsMatch out[2];

  vs_gallery_add_person (gallery, 1, "Many");
  vs_gallery_add_person (gallery, 2, "One");
  /* Person 1: many poor samples and one excellent one in the middle. */
  for (guint i = 0; i < 9; i++)
    {
      make_vec (v, DIM, 0, i == 4 ? 0.95f : 0.1f);
      vs_gallery_add_sample (gallery, 1, v);
    }
  make_vec (v, DIM, 0, 0.8f);
  vs_gallery_add_sample (gallery, 2, v);
  g_assert_cmpuint (vs_gallery_get_n_samples (gallery), ==, 10);
  g_assert_cmpuint (vs_gallery_get_n_people (gallery), ==, 2);

  make_vec (q, DIM, 0, 1.0f);
  g_assert_cmpuint (vs_gallery_search (gallery, q, out, 2), ==, 2);
  g_assert_cmpint (out[0].person_id, ==, 1);
  g_assert_cmpfloat_with_epsilon (out[0].score, 0.95f, 1e-5);
  g_assert_cmpint (out[1].person_id, ==, 2);
  g_assert_cmpfloat_with_epsilon (out[1].score, 0.8f, 1e-5);
}

static void
test_gallery_ties (void)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("test", DIM);
  float v[DIM], q[DIM];
  VsMatch out[4];

  /* Identical vectors, ids added in decreasing order: lower id must win. */
  make_vec (v, DIM, 2, 0.7f);
  for (gint64 id = 40; id >= 10; id -= 10)
    {
      vs_gallery_add_person (gallery, id, "Twin");
      vs_gallery_add_sample (gallery, id, v);
    }
  make_vec (q, DIM, 2, 1.0f);

  g_assert_cmpuint (vs_gallery_search (gallery, q, out, 4), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (out[i].person_id, ==, 10 * (i + 1));

  g_assert_cmpuint (vs_gallery_search (gallery, q, out, 1), ==, 1);
  g_assert_cmpint (out[0].person_id, ==, 10);
}

static void
test_gallery_identify (void)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("test", DIM);
  float v[DIM], q[DIM];
  VsMatchParams params = { 0.5f, 0.05f };
  VsIdentity id;

  vs_gallery_add_person (gallery, 1, "Alice");
  make_vec (v, DIM, 0, 1.0f);
  vs_gallery_add_sample (gallery, 1, v);
  vs_gallery_add_person (gallery, 2, "Bob");
  make_vec (v, DIM, 1, 1.0f);
  vs_gallery_add_sample (gallery, 2, v);

  /* Clearly Alice; Bob far below the threshold. */
  make_vec (q, DIM, 0, 0.9f);   /* Bob gets sqrt(1 - 0.81) ≈ 0.436 */
  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_KNOWN);
  g_assert_cmpint (id.best.person_id, ==, 1);
  g_assert_cmpstr (id.best.name, ==, "Alice");
  g_assert_cmpint (id.second.person_id, ==, 2);
  g_assert_cmpfloat (id.second.score, <, params.threshold);

  /* Below the threshold: unknown, yet the best guess is filled. */
  for (guint i = 0; i < DIM; i++)
    q[i] = 0;
  q[0] = 0.45f;
  q[1] = 0.3f;
  q[3] = sqrtf (1.0f - 0.45f * 0.45f - 0.3f * 0.3f);
  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_UNKNOWN);
  g_assert_cmpint (id.best.person_id, ==, 1);
  g_assert_cmpfloat_with_epsilon (id.best.score, 0.45f, 1e-5);

  /* Both above the threshold and within the margin: ambiguous. */
  q[0] = 0.70f;
  q[1] = 0.68f;
  q[3] = sqrtf (1.0f - 0.70f * 0.70f - 0.68f * 0.68f);
  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_AMBIGUOUS);
  g_assert_cmpint (id.best.person_id, ==, 1);
  g_assert_cmpint (id.second.person_id, ==, 2);

  /* Both above, but the lead is at least the margin: known. */
  q[0] = 0.72f;
  q[1] = 0.60f;
  q[3] = sqrtf (1.0f - 0.72f * 0.72f - 0.60f * 0.60f);
  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_KNOWN);
  g_assert_cmpint (id.best.person_id, ==, 1);

  /* The ambiguity rule (README, Thresholds): a name is withheld only when a
   * second person ALSO passes the threshold and scores within the margin.
   * A second person close behind but below the threshold is no rival. */
  params = (VsMatchParams) { 0.5f, 0.05f };
  q[0] = 0.52f;
  q[1] = 0.49f;
  q[3] = sqrtf (1.0f - 0.52f * 0.52f - 0.49f * 0.49f);
  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_KNOWN);
  g_assert_cmpint (id.best.person_id, ==, 1);
  g_assert_cmpint (id.second.person_id, ==, 2);
  g_assert_cmpfloat (id.best.score - id.second.score, <, params.margin);
  g_assert_cmpfloat (id.second.score, <, params.threshold);

  /* The same lead with both past the threshold: ambiguous. */
  params.threshold = 0.48f;
  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_AMBIGUOUS);

  /* Exactly at the threshold counts as passing. */
  q[0] = 0.72f;
  q[1] = 0.60f;
  q[3] = sqrtf (1.0f - 0.72f * 0.72f - 0.60f * 0.60f);
  params.threshold = 0.72f;
  params.margin = 0.0f;
  id = vs_gallery_identify (gallery, q, &params);
  g_assert_cmpint (id.kind, ==, VS_IDENTITY_KNOWN);

  /* One person only: no second, known when above the threshold. */
  {
    g_autoptr(VsGallery) solo = vs_gallery_new ("test", DIM);
    params = (VsMatchParams) { 0.5f, 0.05f };
    vs_gallery_add_person (solo, 9, "Solo");
    make_vec (v, DIM, 0, 1.0f);
    vs_gallery_add_sample (solo, 9, v);
    make_vec (q, DIM, 0, 0.6f);
    id = vs_gallery_identify (solo, q, &params);
    g_assert_cmpint (id.kind, ==, VS_IDENTITY_KNOWN);
    g_assert_cmpint (id.best.person_id, ==, 9);
    g_assert_cmpint (id.second.person_id, ==, 0);
  }
}

static void
test_gallery_refcount (void)
{
  VsGallery *gallery = vs_gallery_new ("x", 4);
  VsGallery *other = vs_gallery_ref (gallery);
  float v[4] = { 1, 0, 0, 0 };

  g_assert_true (other == gallery);
  vs_gallery_add_sample (gallery, 3, v);
  vs_gallery_unref (gallery);
  g_assert_cmpuint (vs_gallery_get_n_samples (other), ==, 1);
  /* A sample added before its person gets a name, not NULL. */
  g_assert_cmpstr (vs_gallery_get_name (other, 3), ==, "");
  vs_gallery_add_person (other, 3, "Late name");
  g_assert_cmpstr (vs_gallery_get_name (other, 3), ==, "Late name");
  vs_gallery_add_person (other, 3, NULL);
  g_assert_cmpstr (vs_gallery_get_name (other, 3), ==, "Late name");
  g_assert_cmpuint (vs_gallery_get_n_people (other), ==, 1);
  vs_gallery_unref (other);
}

static void
test_gallery_cosine (void)
{
  float a[13], b[13];
  double naive = 0;

  random_unit (a, 13);
  random_unit (b, 13);
  for (guint i = 0; i < 13; i++)
    naive += (double) a[i] * b[i];
  g_assert_cmpfloat_with_epsilon (vs_cosine (a, b, 13), naive, 1e-6);
  g_assert_cmpfloat_with_epsilon (vs_cosine (a, a, 13), 1.0, 1e-6);

  {
    float z[5] = { 0 };
    vs_l2_normalize (z, 5);
    for (guint i = 0; i < 5; i++)
      g_assert_cmpfloat (z[i], ==, 0.0f);
  }
}

typedef struct {
  gint64 id;
  double score;
} Naive;

static int
naive_compare (const void *pa, const void *pb)
{
  const Naive *a = pa, *b = pb;

  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* A unit vector: random, or within `spread` of base when base is given. */
static void
random_near (float       *v,
             const float *base,
             float        spread,
             guint        dim)
{
  random_unit (v, dim);
  if (base == NULL)
    return;
  for (guint j = 0; j < dim; j++)
    v[j] = base[j] + spread * v[j];
  vs_l2_normalize (v, dim);
}

/* The two-pass search (compact rows, then exact re-rank) against a plain
 * double-precision loop over every row. spread > 0 crowds every sample and
 * query around one direction, so that many people score within the compact
 * encoding's error of each other and only the re-rank can order them. */
static void
check_against_naive_spread (guint dim,
                            guint n_samples,
                            guint n_people,
                            guint k,
                            float spread)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("rand", dim);
  g_autofree float *rows = g_new (float, (gsize) n_samples * dim);
  g_autofree gint64 *owner = g_new (gint64, n_samples);
  g_autofree Naive *naive = g_new (Naive, n_people);
  g_autofree double *per_person = g_new (double, n_people);
  g_autofree VsMatch *out = g_new (VsMatch, k);
  g_autofree float *base = NULL;
  float *q = g_new (float, dim);
  guint n;

  if (spread > 0)
    {
      base = g_new (float, dim);
      random_unit (base, dim);
    }

  for (guint p = 0; p < n_people; p++)
    {
      g_autofree char *name = g_strdup_printf ("person %u", p);
      vs_gallery_add_person (gallery, 1000 + p, name);
    }
  for (guint i = 0; i < n_samples; i++)
    {
      random_near (rows + (gsize) i * dim, base, spread, dim);
      owner[i] = 1000 + g_test_rand_int_range (0, n_people);
      vs_gallery_add_sample (gallery, owner[i], rows + (gsize) i * dim);
    }

  for (guint trial = 0; trial < 5; trial++)
    {
      guint n_naive = 0;

      random_near (q, base, spread, dim);
      for (guint p = 0; p < n_people; p++)
        naive[p] = (Naive) { 1000 + p, -INFINITY };
      for (guint i = 0; i < n_samples; i++)
        {
          double s = 0;
          for (guint j = 0; j < dim; j++)
            s += (double) q[j] * rows[(gsize) i * dim + j];
          if (s > naive[owner[i] - 1000].score)
            naive[owner[i] - 1000].score = s;
        }
      for (guint p = 0; p < n_people; p++)
        {
          per_person[p] = naive[p].score;
          if (naive[p].score != -INFINITY)
            naive[n_naive++] = naive[p];
        }
      qsort (naive, n_naive, sizeof (Naive), naive_compare);

      n = vs_gallery_search (gallery, q, out, k);
      g_assert_cmpuint (n, ==, MIN (k, n_naive));
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpfloat_with_epsilon (out[i].score, naive[i].score, 1e-5);
          /* Float rounding may swap near-ties; otherwise the same person. */
          g_assert_cmpint (out[i].person_id, >=, 1000);
          g_assert_cmpint (out[i].person_id, <, 1000 + n_people);
          if (out[i].person_id != naive[i].id)
            g_assert_cmpfloat (fabs (per_person[out[i].person_id - 1000] - naive[i].score), <, 1e-5);
          if (i > 0)
            g_assert_cmpfloat (out[i - 1].score, >=, out[i].score);
        }
    }
  g_free (q);
}

static void
check_against_naive (guint dim,
                     guint n_samples,
                     guint n_people,
                     guint k)
{
  check_against_naive_spread (dim, n_samples, n_people, k, 0);
}

static void
test_gallery_random_vs_naive (void)
{
  /* Odd dimensions exercise the padding, odd counts the row tail. */
  check_against_naive (128, 10000, 2500, 10);
  check_against_naive (512, 10001, 3001, 5);
  check_against_naive (37, 1003, 50, 100);      /* k > insertion limit: sort path */
  check_against_naive (1500, 203, 17, 3);       /* larger than the stack scratch */
  check_against_naive (128, 5000, 2000, 2000);  /* everyone */
  /* Crowded: scores 1e-3 apart, below the compact encoding's resolution. */
  check_against_naive_spread (128, 4000, 1000, 10, 0.05f);
  check_against_naive_spread (512, 4000, 1000, 5, 0.05f);
}

typedef struct {
  VsGallery *gallery;
  const float *queries;
  guint n_queries;
  gint64 *expected;
  gboolean ok;
} ThreadData;

static gpointer
search_thread (gpointer data)
{
  ThreadData *td = data;
  guint dim = vs_gallery_get_dim (td->gallery);

  td->ok = TRUE;
  for (guint round = 0; round < 20; round++)
    for (guint i = 0; i < td->n_queries; i++)
      {
        VsMatch m;
        if (vs_gallery_search (td->gallery, td->queries + (gsize) i * dim, &m, 1) != 1 ||
            m.person_id != td->expected[i])
          td->ok = FALSE;
      }
  return NULL;
}

static void
test_gallery_threads (void)
{
  const guint dim = 64, n_queries = 16;
  g_autoptr(VsGallery) gallery = vs_gallery_new ("rand", dim);
  g_autofree float *queries = g_new (float, n_queries * dim);
  gint64 expected[16];
  float v[64];
  ThreadData td[4];
  GThread *threads[4];

  for (guint i = 0; i < 2000; i++)
    {
      random_unit (v, dim);
      vs_gallery_add_sample (gallery, 1 + i % 300, v);
    }
  for (guint i = 0; i < n_queries; i++)
    {
      VsMatch m;
      random_unit (queries + i * dim, dim);
      g_assert_cmpuint (vs_gallery_search (gallery, queries + i * dim, &m, 1), ==, 1);
      expected[i] = m.person_id;
    }

  for (guint t = 0; t < 4; t++)
    {
      td[t] = (ThreadData) { vs_gallery_ref (gallery), queries, n_queries, expected, FALSE };
      threads[t] = g_thread_new ("search", search_thread, &td[t]);
    }
  for (guint t = 0; t < 4; t++)
    {
      g_thread_join (threads[t]);
      g_assert_true (td[t].ok);
      vs_gallery_unref (td[t].gallery);
    }
}

/* People waiting to be deleted are left out of a copy, the rest matches as
 * before. */
static void
test_gallery_copy_without (void)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("test", 4);
  g_autoptr(VsGallery) copy = NULL;
  const float a[4] = { 1, 0, 0, 0 }, b[4] = { 0, 1, 0, 0 }, c[4] = { 0, 0, 1, 0 };
  const gint64 gone[] = { 2 };
  VsMatch match;

  vs_gallery_add_person (gallery, 1, "Ada");
  vs_gallery_add_person (gallery, 2, "Bob");
  vs_gallery_add_person (gallery, 3, "Cy");
  vs_gallery_add_sample (gallery, 1, a);
  vs_gallery_add_sample (gallery, 2, b);
  vs_gallery_add_sample (gallery, 2, a);
  vs_gallery_add_sample (gallery, 3, c);

  copy = vs_gallery_copy_without (gallery, gone, G_N_ELEMENTS (gone));
  g_assert_cmpuint (vs_gallery_get_n_people (copy), ==, 2);
  g_assert_cmpuint (vs_gallery_get_n_samples (copy), ==, 2);
  g_assert_null (vs_gallery_get_name (copy, 2));
  g_assert_cmpstr (vs_gallery_get_name (copy, 3), ==, "Cy");

  g_assert_cmpuint (vs_gallery_search (copy, b, &match, 1), ==, 1);
  g_assert_cmpint (match.person_id, !=, 2);
  g_assert_cmpuint (vs_gallery_search (copy, c, &match, 1), ==, 1);
  g_assert_cmpint (match.person_id, ==, 3);
  g_assert_cmpfloat (match.score, ==, 1.0f);
  /* The original is untouched. */
  g_assert_cmpuint (vs_gallery_search (gallery, b, &match, 1), ==, 1);
  g_assert_cmpint (match.person_id, ==, 2);
}

static GPtrArray *
unit_samples (guint n)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);

  for (guint i = 0; i < n; i++)
    {
      float v[DIM];

      random_unit (v, DIM);
      g_ptr_array_add (samples, vs_sample_new ("synthetic", v, DIM, 0.9, NULL, "test"));
    }
  return samples;
}

static void
count_gallery_cb (VsGalleryMonitor *monitor,
                  VsGallery        *gallery,
                  guint            *count)
{
  (*count)++;
}

/* The gallery monitor swaps in a new snapshot for each batch of changes
 * that touches it, rebuilt from the people they name; "last seen" writes
 * change nothing; the old snapshot stays valid for whoever holds it. */
static void
test_gallery_monitor_changes (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (path, &error);
  g_autoptr(VsStore) other = NULL;
  g_autoptr(VsGalleryMonitor) monitor = NULL;
  g_autoptr(VsGallery) before = NULL;
  g_autoptr(GPtrArray) ada = unit_samples (2);
  g_autoptr(GPtrArray) bob = unit_samples (3);
  g_autoptr(GPtrArray) more = unit_samples (1);
  guint changes = 0;
  gint64 ada_id, bob_id;

  g_assert_no_error (error);
  ada_id = vs_store_add_samples (store, 0, "Ada", ada, &error);
  g_assert_no_error (error);
  monitor = vs_gallery_monitor_new (store, "synthetic", &error);
  g_assert_no_error (error);
  g_signal_connect (monitor, "gallery-changed", G_CALLBACK (count_gallery_cb), &changes);
  g_assert_cmpuint (vs_gallery_get_n_samples (vs_gallery_monitor_get_gallery (monitor)), ==, 2);
  before = vs_gallery_ref (vs_gallery_monitor_get_gallery (monitor));

  /* Another connection of this process (a worker) enrolls Bob. */
  other = vs_store_open (path, &error);
  g_assert_no_error (error);
  bob_id = vs_store_add_samples (other, 0, "Bob", bob, &error);
  g_assert_no_error (error);
  g_assert_true (vs_gallery_monitor_check (monitor, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)), ==, 2);
  g_assert_cmpuint (vs_gallery_get_n_samples (vs_gallery_monitor_get_gallery (monitor)), ==, 5);
  g_assert_cmpstr (vs_gallery_get_name (vs_gallery_monitor_get_gallery (monitor), bob_id), ==, "Bob");
  /* The old snapshot is untouched. */
  g_assert_cmpuint (vs_gallery_get_n_samples (before), ==, 2);

  /* Seen: no new snapshot. */
  g_assert_true (vs_gallery_monitor_record_seen (monitor, ada_id, &error));
  g_assert_true (vs_store_record_seen (other, bob_id, 0, &error));
  g_assert_false (vs_gallery_monitor_check (monitor, &error));
  g_assert_cmpuint (changes, ==, 1);

  /* Several writes before the monitor looks: one new snapshot. */
  g_assert_true (vs_store_rename_person (other, ada_id, "Ada Lovelace", &error));
  g_assert_cmpint (vs_store_add_samples (other, ada_id, NULL, more, &error), ==, ada_id);
  g_assert_true (vs_store_delete_person (store, bob_id, &error));
  g_assert_no_error (error);
  g_assert_true (vs_gallery_monitor_check (monitor, &error));
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)), ==, 1);
  g_assert_cmpuint (vs_gallery_get_n_samples (vs_gallery_monitor_get_gallery (monitor)), ==, 3);
  g_assert_cmpstr (vs_gallery_get_name (vs_gallery_monitor_get_gallery (monitor), ada_id), ==, "Ada Lovelace");
  g_assert_false (vs_gallery_monitor_check (monitor, &error));
  g_assert_cmpuint (changes, ==, 2);
}

static gpointer main_thread;

static void
count_on_main_cb (VsGalleryMonitor *monitor,
                  VsGallery        *gallery,
                  guint            *count)
{
  /* Built on a worker, delivered here. */
  g_assert_true (g_thread_self () == main_thread);
  (*count)++;
}

static gboolean
count_at_least (guint  *count,
                guint   n,
                guint   timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (*count < n && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return *count >= n;
}

/* Without check(): the monitor hears the change, builds the new snapshot on
 * a worker and swaps it in on its own thread; a burst of writes costs at
 * most two builds. */
static void
test_gallery_monitor_follows (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (path, &error);
  g_autoptr(VsStore) other = NULL;
  g_autoptr(VsGalleryMonitor) monitor = NULL;
  g_autoptr(GPtrArray) ada = unit_samples (2);
  g_autoptr(GPtrArray) bob = unit_samples (3);
  guint changes = 0;
  gint64 bob_id = 0;

  main_thread = g_thread_self ();
  g_assert_no_error (error);
  g_assert_cmpint (vs_store_add_samples (store, 0, "Ada", ada, &error), >, 0);
  monitor = vs_gallery_monitor_new (store, "synthetic", &error);
  g_assert_no_error (error);
  g_signal_connect (monitor, "gallery-changed", G_CALLBACK (count_on_main_cb), &changes);

  other = vs_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Bob %u", i);

      bob_id = vs_store_add_samples (other, 0, name, bob, &error);
      g_assert_no_error (error);
    }
  g_assert_true (count_at_least (&changes, 1, 5000));
  /* What arrived while the first build ran goes in one more. */
  while (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)) < 6 &&
         count_at_least (&changes, changes + 1, 5000))
    ;
  g_assert_cmpuint (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)), ==, 6);
  g_assert_cmpuint (changes, <=, 2);
  g_assert_cmpstr (vs_gallery_get_name (vs_gallery_monitor_get_gallery (monitor), bob_id), ==, "Bob 4");

  /* Last seen, queued: written on a worker, no new snapshot. */
  g_assert_true (vs_gallery_monitor_queue_seen (monitor, bob_id));
  g_assert_false (vs_gallery_monitor_queue_seen (monitor, bob_id));
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    g_autoptr(VsPerson) person = NULL;

    while (g_get_monotonic_time () < end)
      {
        g_clear_pointer (&person, vs_person_free);
        person = vs_store_get_person (other, bob_id, &error);
        g_assert_no_error (error);
        if (person->last_seen > 0)
          break;
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (2000);
      }
    g_assert_cmpint (person->last_seen, >, 0);
  }
  count_at_least (&changes, 99, 300);
  g_assert_cmpuint (changes, <=, 2);
}

static gboolean
gallery_has_samples (VsGalleryMonitor *monitor,
                     guint             n)
{
  VsGallery *gallery = vs_gallery_monitor_get_gallery (monitor);

  return gallery != NULL && vs_gallery_get_n_samples (gallery) == n;
}

/* A monitor that loads on a worker returns at once, without a gallery,
 * then announces it; a person enrolled while it loads is in a later one. */
static void
test_gallery_monitor_loading (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (path, &error);
  g_autoptr(VsGalleryMonitor) monitor = NULL;
  g_autoptr(GPtrArray) ada = unit_samples (2);
  g_autoptr(GPtrArray) bob = unit_samples (3);
  guint changes = 0;
  gint64 deadline;

  g_assert_no_error (error);
  g_assert_cmpint (vs_store_add_samples (store, 0, "Ada", ada, &error), >, 0);
  g_assert_no_error (error);

  monitor = vs_gallery_monitor_new_loading (store, "synthetic");
  g_signal_connect (monitor, "gallery-changed", G_CALLBACK (count_gallery_cb), &changes);
  g_assert_null (vs_gallery_monitor_get_gallery (monitor));
  g_assert_cmpuint (changes, ==, 0);

  /* Enrolled while the first load is under way (or just after it). */
  g_assert_cmpint (vs_store_add_samples (store, 0, "Bob", bob, &error), >, 0);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!gallery_has_samples (monitor, 5) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gallery_has_samples (monitor, 5));
  g_assert_cmpuint (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)), ==, 2);
  g_assert_cmpuint (changes, >=, 1);
}

int
main (int argc, char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/gallery/empty", test_gallery_empty);
  g_test_add_func ("/gallery/copy-without", test_gallery_copy_without);
  g_test_add_func ("/gallery/topk-order", test_gallery_topk_order);
  g_test_add_func ("/gallery/best-of-samples", test_gallery_best_of_samples);
  g_test_add_func ("/gallery/ties", test_gallery_ties);
  g_test_add_func ("/gallery/identify", test_gallery_identify);
  g_test_add_func ("/gallery/refcount", test_gallery_refcount);
  g_test_add_func ("/gallery/cosine", test_gallery_cosine);
  g_test_add_func ("/gallery/random-vs-naive", test_gallery_random_vs_naive);
  g_test_add_func ("/gallery/threads", test_gallery_threads);
  g_test_add_func ("/gallery/monitor-changes", test_gallery_monitor_changes);
  g_test_add_func ("/gallery/monitor-follows", test_gallery_monitor_follows);
  g_test_add_func ("/gallery/monitor-loading", test_gallery_monitor_loading);

  return g_test_run ();
}

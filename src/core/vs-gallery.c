/* vs-gallery.c: an immutable snapshot of enrolled embeddings and its search.
 *
 * Rows live in one aligned matrix whose stride is the dimension rounded up
 * to VS_LANES floats (zero padded), so the inner loop needs no tail and GCC
 * emits plain SIMD loads. Search is memory-bound: 100,000 × 128 floats is
 * 51 MB per query, read once, and the kernel only has to keep up with
 * memory.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vs-gallery.h"

/* Floats per SIMD vector and per matrix row alignment unit. */
#define VS_LANES 4
#define VS_ALIGN 32
/* Queries this small keep their scratch on the stack. */
#define VS_STACK_FLOATS 1024
/* Up to this k the top-k is kept by insertion; above, candidates are sorted. */
#define VS_INSERTION_K 32

/* may_alias: the vectors are read straight out of float arrays. */
typedef float VsVec4 __attribute__ ((vector_size (VS_LANES * sizeof (float)), may_alias));

typedef struct {
  gint64  id;     /* first: the hash table key points here */
  char   *name;
} VsGalleryPerson;

struct _VsGallery {
  char        *embedder;
  guint        dim;
  guint        stride;        /* dim rounded up to VS_LANES */
  float       *matrix;        /* n_samples × stride, VS_ALIGN-aligned */
  guint32     *row_person;    /* index into people, per row */
  guint        n_samples;
  guint        capacity;
  GPtrArray   *people;        /* VsGalleryPerson* */
  GHashTable  *by_id;         /* &person->id → person index + 1 */
};

static void
vs_gallery_person_free (gpointer data)
{
  VsGalleryPerson *person = data;

  g_free (person->name);
  g_free (person);
}

VsGallery *
vs_gallery_new (const char *embedder,
                guint       dim)
{
  VsGallery *self = g_atomic_rc_box_new0 (VsGallery);

  self->embedder = g_strdup (embedder ? embedder : "");
  self->dim = dim;
  self->stride = (dim + VS_LANES - 1) / VS_LANES * VS_LANES;
  self->people = g_ptr_array_new_with_free_func (vs_gallery_person_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  return self;
}

static void
vs_gallery_clear (gpointer data)
{
  VsGallery *self = data;

  g_clear_pointer (&self->embedder, g_free);
  g_clear_pointer (&self->matrix, g_aligned_free);
  g_clear_pointer (&self->row_person, g_free);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
}

VsGallery *
vs_gallery_copy_without (const VsGallery *self,
                         const gint64    *person_ids,
                         guint            n_ids)
{
  g_autoptr(GHashTable) skip = g_hash_table_new (g_int64_hash, g_int64_equal);
  VsGallery *copy;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < n_ids; i++)
    g_hash_table_add (skip, (gpointer) &person_ids[i]);

  copy = vs_gallery_new (self->embedder, self->dim);
  for (guint p = 0; p < self->people->len; p++)
    {
      const VsGalleryPerson *person = g_ptr_array_index (self->people, p);
      if (!g_hash_table_contains (skip, &person->id))
        vs_gallery_add_person (copy, person->id, person->name);
    }
  for (guint r = 0; r < self->n_samples; r++)
    {
      const VsGalleryPerson *person = g_ptr_array_index (self->people, self->row_person[r]);
      if (!g_hash_table_contains (skip, &person->id))
        vs_gallery_add_sample (copy, person->id, self->matrix + (gsize) r * self->stride);
    }
  return copy;
}

VsGallery *
vs_gallery_ref (VsGallery *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
vs_gallery_unref (VsGallery *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, vs_gallery_clear);
}

static guint
vs_gallery_person_index (VsGallery  *self,
                         gint64      person_id,
                         const char *name)
{
  gpointer value = g_hash_table_lookup (self->by_id, &person_id);
  VsGalleryPerson *person;

  if (value != NULL)
    {
      guint index = GPOINTER_TO_UINT (value) - 1;

      if (name != NULL)
        {
          person = g_ptr_array_index (self->people, index);
          g_free (person->name);
          person->name = g_strdup (name);
        }
      return index;
    }

  person = g_new0 (VsGalleryPerson, 1);
  person->id = person_id;
  /* A sample added before its person still gets a printable name. */
  person->name = g_strdup (name ? name : "");
  g_ptr_array_add (self->people, person);
  g_hash_table_insert (self->by_id, &person->id, GUINT_TO_POINTER (self->people->len));
  return self->people->len - 1;
}

void
vs_gallery_add_person (VsGallery  *self,
                       gint64      person_id,
                       const char *name)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (person_id != 0);

  /* NULL keeps the name a person already has. */
  vs_gallery_person_index (self, person_id, name);
}

void
vs_gallery_add_sample (VsGallery   *self,
                       gint64       person_id,
                       const float *embedding)
{
  guint index;

  g_return_if_fail (self != NULL);
  g_return_if_fail (person_id != 0);
  g_return_if_fail (embedding != NULL);
  g_return_if_fail (self->dim > 0);

  index = vs_gallery_person_index (self, person_id, NULL);

  if (self->n_samples == self->capacity)
    {
      guint capacity = MAX (64, self->capacity * 2);
      float *matrix = g_aligned_alloc0 ((gsize) capacity * self->stride, sizeof (float), VS_ALIGN);

      if (self->matrix != NULL)
        memcpy (matrix, self->matrix, (gsize) self->n_samples * self->stride * sizeof (float));
      g_aligned_free (self->matrix);
      self->matrix = matrix;
      self->row_person = g_renew (guint32, self->row_person, capacity);
      self->capacity = capacity;
    }

  /* The padding after dim stays zero (aligned_alloc0), so it adds nothing. */
  memcpy (self->matrix + (gsize) self->n_samples * self->stride, embedding,
          self->dim * sizeof (float));
  self->row_person[self->n_samples] = index;
  self->n_samples++;
}

const char *
vs_gallery_get_embedder (const VsGallery *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->embedder;
}

guint
vs_gallery_get_dim (const VsGallery *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->dim;
}

guint
vs_gallery_get_n_samples (const VsGallery *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_samples;
}

guint
vs_gallery_get_n_people (const VsGallery *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->people->len;
}

const char *
vs_gallery_get_name (const VsGallery *self,
                     gint64           person_id)
{
  gpointer value;

  g_return_val_if_fail (self != NULL, NULL);

  value = g_hash_table_lookup (self->by_id, &person_id);
  if (value == NULL)
    return NULL;
  return ((VsGalleryPerson *) g_ptr_array_index (self->people, GPOINTER_TO_UINT (value) - 1))->name;
}

static inline float
vs_vec4_sum (VsVec4 v)
{
  return (v[0] + v[2]) + (v[1] + v[3]);
}

/* Dot product of the padded, aligned query with one row. Four independent
 * accumulators hide the add latency; scoring four rows per pass instead was
 * measured slower (the loop is bound by memory, not arithmetic). */
static inline float
vs_dot (const float *query,
        const float *row,
        guint        stride)
{
  VsVec4 a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
  guint j = 0;

  for (; j + 4 * VS_LANES <= stride; j += 4 * VS_LANES)
    {
      a0 += *(const VsVec4 *) (query + j) * *(const VsVec4 *) (row + j);
      a1 += *(const VsVec4 *) (query + j + VS_LANES) * *(const VsVec4 *) (row + j + VS_LANES);
      a2 += *(const VsVec4 *) (query + j + 2 * VS_LANES) * *(const VsVec4 *) (row + j + 2 * VS_LANES);
      a3 += *(const VsVec4 *) (query + j + 3 * VS_LANES) * *(const VsVec4 *) (row + j + 3 * VS_LANES);
    }
  for (; j < stride; j += VS_LANES)
    a0 += *(const VsVec4 *) (query + j) * *(const VsVec4 *) (row + j);
  return vs_vec4_sum ((a0 + a1) + (a2 + a3));
}

/* Whether a ranks before b: higher score, then lower id for determinism. */
static inline gboolean
vs_match_before (float  a_score,
                 gint64 a_id,
                 float  b_score,
                 gint64 b_id)
{
  return a_score > b_score || (a_score == b_score && a_id < b_id);
}

static int
vs_match_compare (const void *pa,
                  const void *pb)
{
  const VsMatch *a = pa;
  const VsMatch *b = pb;

  if (vs_match_before (a->score, a->person_id, b->score, b->person_id))
    return -1;
  if (vs_match_before (b->score, b->person_id, a->score, a->person_id))
    return 1;
  return 0;
}

guint
vs_gallery_search (const VsGallery *self,
                   const float     *query,
                   VsMatch         *out,
                   guint            k)
{
  float stack_query[VS_STACK_FLOATS] __attribute__ ((aligned (VS_ALIGN)));
  float stack_best[VS_STACK_FLOATS];
  float *padded = stack_query;
  float *best = stack_best;
  guint n_people;
  guint n_out = 0;
  guint i;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (query != NULL, 0);
  g_return_val_if_fail (out != NULL || k == 0, 0);

  n_people = self->people->len;
  if (k == 0 || self->n_samples == 0)
    return 0;

  /* Scratch per call, so concurrent searches share nothing writable. */
  if (self->stride > VS_STACK_FLOATS)
    padded = g_aligned_alloc (self->stride, sizeof (float), VS_ALIGN);
  if (n_people > VS_STACK_FLOATS)
    best = g_new (float, n_people);

  memcpy (padded, query, self->dim * sizeof (float));
  memset (padded + self->dim, 0, (self->stride - self->dim) * sizeof (float));
  for (i = 0; i < n_people; i++)
    best[i] = -INFINITY;

  for (i = 0; i < self->n_samples; i++)
    {
      float score = vs_dot (padded, self->matrix + (gsize) i * self->stride, self->stride);
      guint32 p = self->row_person[i];

      if (score > best[p])
        best[p] = score;
    }

  if (k <= VS_INSERTION_K)
    {
      /* out[0..n_out) stays sorted; most people fail the first comparison. */
      for (i = 0; i < n_people; i++)
        {
          const VsGalleryPerson *person;
          guint pos;

          if (best[i] == -INFINITY)
            continue;   /* no sample, or a NaN query */
          person = g_ptr_array_index (self->people, i);
          if (n_out == k &&
              !vs_match_before (best[i], person->id, out[k - 1].score, out[k - 1].person_id))
            continue;

          pos = MIN (n_out, k - 1);
          while (pos > 0 &&
                 vs_match_before (best[i], person->id, out[pos - 1].score, out[pos - 1].person_id))
            {
              out[pos] = out[pos - 1];
              pos--;
            }
          out[pos] = (VsMatch) { person->id, person->name, best[i] };
          if (n_out < k)
            n_out++;
        }
    }
  else
    {
      g_autofree VsMatch *all = g_new (VsMatch, n_people);
      guint n_all = 0;

      for (i = 0; i < n_people; i++)
        {
          const VsGalleryPerson *person = g_ptr_array_index (self->people, i);

          if (best[i] != -INFINITY)
            all[n_all++] = (VsMatch) { person->id, person->name, best[i] };
        }
      qsort (all, n_all, sizeof (VsMatch), vs_match_compare);
      n_out = MIN (k, n_all);
      memcpy (out, all, n_out * sizeof (VsMatch));
    }

  if (padded != stack_query)
    g_aligned_free (padded);
  if (best != stack_best)
    g_free (best);
  return n_out;
}

VsIdentity
vs_gallery_identify (const VsGallery     *self,
                     const float         *query,
                     const VsMatchParams *params)
{
  VsIdentity identity = {
    .kind = VS_IDENTITY_UNKNOWN,
    .best = { 0, NULL, -1.0f },
    .second = { 0, NULL, -1.0f },
  };
  VsMatch top[2];
  guint n;

  g_return_val_if_fail (self != NULL, identity);
  g_return_val_if_fail (query != NULL, identity);
  g_return_val_if_fail (params != NULL, identity);

  n = vs_gallery_search (self, query, top, 2);
  if (n >= 1)
    identity.best = top[0];
  if (n >= 2)
    identity.second = top[1];

  if (n == 0 || identity.best.score < params->threshold)
    identity.kind = VS_IDENTITY_UNKNOWN;
  else if (n >= 2 &&
           identity.second.score >= params->threshold &&
           identity.best.score - identity.second.score < params->margin)
    identity.kind = VS_IDENTITY_AMBIGUOUS;
  else
    identity.kind = VS_IDENTITY_KNOWN;

  return identity;
}

float
vs_cosine (const float *a,
           const float *b,
           guint        dim)
{
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  guint i = 0;

  g_return_val_if_fail (a != NULL && b != NULL, 0.0f);

  for (; i + 4 <= dim; i += 4)
    {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
  for (; i < dim; i++)
    s0 += a[i] * b[i];
  return (s0 + s2) + (s1 + s3);
}

void
vs_l2_normalize (float *v,
                 guint  dim)
{
  double sum = 0;

  g_return_if_fail (v != NULL || dim == 0);

  for (guint i = 0; i < dim; i++)
    sum += (double) v[i] * v[i];
  /* A zero vector has no direction: leave it zero rather than NaN. */
  if (sum > 0)
    {
      float inv = (float) (1.0 / sqrt (sum));
      for (guint i = 0; i < dim; i++)
        v[i] *= inv;
    }
}

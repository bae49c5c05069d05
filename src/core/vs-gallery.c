/* vs-gallery.c: an immutable snapshot of enrolled embeddings and its search.
 *
 * Rows live in one aligned float matrix whose stride is the dimension
 * rounded up to VS_LANES floats (zero padded), so the inner loop needs no
 * tail and GCC emits plain SIMD loads.
 *
 * Search is memory-bound: 1,000,000 × 512 floats would be 2 GB read per
 * query. So every row also has a compact copy, int8 with one scale per row
 * (a quarter of the bytes), and a query runs in two passes: the compact
 * rows give each person an approximate best score with a proven error
 * bound; then only the people whose bound still reaches the top k are
 * scored exactly from the float rows. The result is the same as scoring
 * every float row.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

#include "vs-gallery.h"

/* Floats per SIMD vector and per matrix row alignment unit. */
#define VS_LANES 4
#define VS_ALIGN 32
/* Up to this k the top-k is kept by insertion; above, candidates are sorted. */
#define VS_INSERTION_K 32

/* Compact rows: int8 components, each row padded to this many bytes. */
#define VS_CODE_LANES 32
/* Largest magnitude of a compact component, and of the quantised query
 * (int16: the product sums of a 4096-d row still fit in int32). */
#define VS_CODE_MAX 127.0f
#define VS_QUERY_MAX 16383.0f

/* may_alias: the vectors are read straight out of float arrays. */
typedef float VsVec4 __attribute__ ((vector_size (VS_LANES * sizeof (float)), may_alias));

typedef struct {
  gint64  id;     /* first: the hash table key points here */
  char   *name;
  GArray *rows;   /* guint32 row indices of this person's samples */
} VsGalleryPerson;

struct _VsGallery {
  char        *embedder;
  guint        dim;
  guint        stride;        /* dim rounded up to VS_LANES */
  float       *matrix;        /* n_samples × stride, VS_ALIGN-aligned */
  guint        code_stride;   /* dim rounded up to VS_CODE_LANES */
  gint8       *codes;         /* n_samples × code_stride, the compact rows */
  float       *code_scale;    /* per row: component = code × scale */
  float        code_error;    /* largest ‖row − code × scale‖ over all rows */
  float        row_norm;      /* largest ‖row‖ (1 for normalised rows) */
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
  g_array_unref (person->rows);
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
  self->code_stride = (dim + VS_CODE_LANES - 1) / VS_CODE_LANES * VS_CODE_LANES;
  self->people = g_ptr_array_new_with_free_func (vs_gallery_person_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  return self;
}

/* A gallery's memory, freed somewhere else than where its last reference
 * went. */
typedef struct {
  float      *matrix;
  gint8      *codes;
  float      *code_scale;
  guint32    *row_person;
  GHashTable *by_id;
  GPtrArray  *people;
} VsGalleryRemains;

static void
vs_gallery_remains_free (gpointer data,
                         gpointer user_data)
{
  VsGalleryRemains *remains = data;

  g_aligned_free (remains->matrix);
  g_aligned_free (remains->codes);
  g_free (remains->code_scale);
  g_free (remains->row_person);
  g_clear_pointer (&remains->by_id, g_hash_table_unref);
  g_clear_pointer (&remains->people, g_ptr_array_unref);
  g_free (remains);
}

/* Above this many samples a gallery is freed on a thread of its own: the
 * last reference often goes on the main thread (a new gallery replaces it),
 * and freeing 10,000 people and megabytes of rows there costs a frame or
 * more. */
#define VS_GALLERY_FREE_ASIDE 1000

static void
vs_gallery_clear (gpointer data)
{
  VsGallery *self = data;
  static GThreadPool *pool;
  VsGalleryRemains *remains = g_new0 (VsGalleryRemains, 1);

  g_clear_pointer (&self->embedder, g_free);
  remains->matrix = g_steal_pointer (&self->matrix);
  remains->codes = g_steal_pointer (&self->codes);
  remains->code_scale = g_steal_pointer (&self->code_scale);
  remains->row_person = g_steal_pointer (&self->row_person);
  remains->by_id = g_steal_pointer (&self->by_id);
  remains->people = g_steal_pointer (&self->people);

  if (self->n_samples >= VS_GALLERY_FREE_ASIDE)
    {
      if (g_once_init_enter (&pool))
        /* One thread, kept: it only frees, in order. */
        g_once_init_leave (&pool, g_thread_pool_new (vs_gallery_remains_free, NULL,
                                                     1, FALSE, NULL));
      g_thread_pool_push (pool, remains, NULL);
    }
  else
    vs_gallery_remains_free (remains, NULL);
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
  person->rows = g_array_new (FALSE, FALSE, sizeof (guint32));
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

/* The compact copy of row r: int8 with the row's own scale, and the error
 * that leaves, which bounds how far a compact score can be off. */
static void
vs_gallery_encode_row (VsGallery *self,
                       guint      r)
{
  const float *row = self->matrix + (gsize) r * self->stride;
  gint8 *code = self->codes + (gsize) r * self->code_stride;
  double error = 0, norm = 0;
  float largest = 0, scale;

  for (guint j = 0; j < self->dim; j++)
    if (isfinite (row[j]))
      {
        largest = MAX (largest, fabsf (row[j]));
        norm += (double) row[j] * row[j];
      }
  scale = largest > 0 ? largest / VS_CODE_MAX : 1.0f;
  for (guint j = 0; j < self->dim; j++)
    {
      float v = isfinite (row[j]) ? row[j] : 0.0f;
      float q = rintf (v / scale);

      code[j] = (gint8) CLAMP (q, -VS_CODE_MAX, VS_CODE_MAX);
      error += ((double) v - code[j] * (double) scale) * ((double) v - code[j] * (double) scale);
    }
  self->code_scale[r] = scale;
  self->code_error = MAX (self->code_error, (float) sqrt (error));
  self->row_norm = MAX (self->row_norm, (float) sqrt (norm));
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
      gint8 *codes;
      float *matrix = g_aligned_alloc0 ((gsize) capacity * self->stride, sizeof (float), VS_ALIGN);

      if (self->matrix != NULL)
        memcpy (matrix, self->matrix, (gsize) self->n_samples * self->stride * sizeof (float));
      g_aligned_free (self->matrix);
      self->matrix = matrix;

      codes = g_aligned_alloc0 ((gsize) capacity * self->code_stride, 1, VS_ALIGN);
      if (self->codes != NULL)
        memcpy (codes, self->codes, (gsize) self->n_samples * self->code_stride);
      g_aligned_free (self->codes);
      self->codes = codes;

      self->code_scale = g_renew (float, self->code_scale, capacity);
      self->row_person = g_renew (guint32, self->row_person, capacity);
      self->capacity = capacity;
    }

  /* The padding after dim stays zero (aligned_alloc0), so it adds nothing. */
  memcpy (self->matrix + (gsize) self->n_samples * self->stride, embedding,
          self->dim * sizeof (float));
  vs_gallery_encode_row (self, self->n_samples);
  self->row_person[self->n_samples] = index;
  g_array_append_val (((VsGalleryPerson *) g_ptr_array_index (self->people, index))->rows,
                      self->n_samples);
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

/* Σ code[j] × query[j] (int8 × int16, summed in int32) over n components,
 * n a multiple of VS_CODE_LANES. */
static inline __attribute__ ((target ("avx2"), always_inline)) gint32
vs_code_dot_avx2 (const gint8  *code,
                  const gint16 *query,
                  guint         n)
{
  __m256i a0 = _mm256_setzero_si256 (), a1 = _mm256_setzero_si256 ();
  __m128i sum;

  for (guint j = 0; j < n; j += 32)
    {
      __m256i c0 = _mm256_cvtepi8_epi16 (_mm_load_si128 ((const __m128i *) (code + j)));
      __m256i c1 = _mm256_cvtepi8_epi16 (_mm_load_si128 ((const __m128i *) (code + j + 16)));

      a0 = _mm256_add_epi32 (a0, _mm256_madd_epi16 (c0, _mm256_load_si256 ((const __m256i *) (query + j))));
      a1 = _mm256_add_epi32 (a1, _mm256_madd_epi16 (c1, _mm256_load_si256 ((const __m256i *) (query + j + 16))));
    }
  a0 = _mm256_add_epi32 (a0, a1);
  sum = _mm_add_epi32 (_mm256_castsi256_si128 (a0), _mm256_extracti128_si256 (a0, 1));
  sum = _mm_add_epi32 (sum, _mm_shuffle_epi32 (sum, _MM_SHUFFLE (1, 0, 3, 2)));
  sum = _mm_add_epi32 (sum, _mm_shuffle_epi32 (sum, _MM_SHUFFLE (2, 3, 0, 1)));
  return _mm_cvtsi128_si32 (sum);
}

static inline gint32
vs_code_dot_plain (const gint8  *code,
                   const gint16 *query,
                   guint         n)
{
  gint32 sum = 0;

  for (guint j = 0; j < n; j++)
    sum += code[j] * query[j];
  return sum;
}

/* Pass 1 of a search: each person's best compact score into coarse[]. The
 * same loop twice, so that the AVX2 one has its dot product inlined. */
__attribute__ ((target ("avx2"))) static void
vs_coarse_pass_avx2 (const VsGallery *self,
                     const gint16    *query,
                     float            query_scale,
                     float           *coarse)
{
  for (guint r = 0; r < self->n_samples; r++)
    {
      gint32 dot = vs_code_dot_avx2 (self->codes + (gsize) r * self->code_stride, query, self->code_stride);
      float score = (float) dot * self->code_scale[r] * query_scale;
      guint32 p = self->row_person[r];

      if (score > coarse[p])
        coarse[p] = score;
    }
}

static void
vs_coarse_pass_plain (const VsGallery *self,
                      const gint16    *query,
                      float            query_scale,
                      float           *coarse)
{
  for (guint r = 0; r < self->n_samples; r++)
    {
      gint32 dot = vs_code_dot_plain (self->codes + (gsize) r * self->code_stride, query, self->code_stride);
      float score = (float) dot * self->code_scale[r] * query_scale;
      guint32 p = self->row_person[r];

      if (score > coarse[p])
        coarse[p] = score;
    }
}

/* Scratch of one search; the gallery itself is never written. */
typedef struct {
  float   *padded;      /* the query, zero padded to the float stride */
  gint16  *code;        /* the query, quantised */
  float   *coarse;      /* per person: best compact score */
  float   *order;       /* compact scores, sorted for the candidate cut */
} VsSearchScratch;

/* Best exact score of one person over their float rows. */
static float
vs_gallery_person_best (const VsGallery *self,
                        const float     *padded,
                        guint            p)
{
  const VsGalleryPerson *person = g_ptr_array_index (self->people, p);
  float best = -INFINITY;

  for (guint i = 0; i < person->rows->len; i++)
    {
      guint32 r = g_array_index (person->rows, guint32, i);
      float score = vs_dot (padded, self->matrix + (gsize) r * self->stride, self->stride);

      if (score > best)   /* never a NaN */
        best = score;
    }
  return best;
}

static int
vs_float_desc (const void *pa,
               const void *pb)
{
  float a = *(const float *) pa, b = *(const float *) pb;
  return (a < b) - (a > b);
}

/* Fills best[p] with each person's exact best score, or -INFINITY for people
 * who cannot be among the top k (and people without samples). */
static void
vs_gallery_score_people (const VsGallery *self,
                         const float     *query,
                         guint            k,
                         VsSearchScratch *scratch,
                         float           *best)
{
  static gsize avx2_checked;
  static gboolean has_avx2;
  guint n_people = self->people->len;
  double query_norm = 0;
  float largest = 0, query_scale, query_error, bound, cut;
  double error = 0;
  guint n_scored = 0;

  if (g_once_init_enter (&avx2_checked))
    {
      has_avx2 = __builtin_cpu_supports ("avx2");
      g_once_init_leave (&avx2_checked, 1);
    }

  memcpy (scratch->padded, query, self->dim * sizeof (float));
  memset (scratch->padded + self->dim, 0, (self->stride - self->dim) * sizeof (float));
  for (guint p = 0; p < n_people; p++)
    best[p] = -INFINITY;

  for (guint j = 0; j < self->dim; j++)
    {
      if (!isfinite (query[j]))
        return;   /* a NaN query matches nobody */
      largest = MAX (largest, fabsf (query[j]));
      query_norm += (double) query[j] * query[j];
    }
  query_scale = largest > 0 ? largest / VS_QUERY_MAX : 1.0f;
  memset (scratch->code, 0, self->code_stride * sizeof (gint16));
  for (guint j = 0; j < self->dim; j++)
    {
      scratch->code[j] = (gint16) rintf (query[j] / query_scale);
      error += pow (query[j] - scratch->code[j] * (double) query_scale, 2);
    }
  query_error = (float) sqrt (error);

  /* Pass 1: each person's best compact score. */
  for (guint p = 0; p < n_people; p++)
    scratch->coarse[p] = -INFINITY;
  if (has_avx2)
    vs_coarse_pass_avx2 (self, scratch->code, query_scale, scratch->coarse);
  else
    vs_coarse_pass_plain (self, scratch->code, query_scale, scratch->coarse);

  /* With row = code·s + e_r and query = code_q·s_q + e_q,
   * |row·query − compact| ≤ ‖code·s‖·‖e_q‖ + ‖e_r‖·‖query‖, and
   * ‖code·s‖ ≤ ‖row‖ + ‖e_r‖; a little more for float rounding. */
  bound = (self->row_norm + self->code_error) * query_error +
          self->code_error * (float) sqrt (query_norm) + 1e-4f;

  /* The k-th best compact score less the bound is a score that k people
   * certainly reach; whoever cannot reach it is out. */
  cut = -INFINITY;
  if (k <= VS_INSERTION_K)
    {
      /* order[0..n) holds the k best compact scores, best first. */
      guint n = 0;

      for (guint p = 0; p < n_people; p++)
        {
          float c = scratch->coarse[p];
          guint pos;

          if (c == -INFINITY || (n == k && c <= scratch->order[k - 1]))
            continue;
          pos = MIN (n, k - 1);
          while (pos > 0 && c > scratch->order[pos - 1])
            {
              scratch->order[pos] = scratch->order[pos - 1];
              pos--;
            }
          scratch->order[pos] = c;
          n = MIN (n + 1, k);
        }
      if (n == k)
        cut = scratch->order[k - 1] - bound;
    }
  else
    {
      guint n = 0;

      for (guint p = 0; p < n_people; p++)
        if (scratch->coarse[p] != -INFINITY)
          scratch->order[n++] = scratch->coarse[p];
      if (n >= k)
        {
          qsort (scratch->order, n, sizeof (float), vs_float_desc);
          cut = scratch->order[k - 1] - bound;
        }
    }

  /* Pass 2: the exact score of every person still in the running. */
  for (guint p = 0; p < n_people; p++)
    if (scratch->coarse[p] != -INFINITY && scratch->coarse[p] + bound >= cut)
      {
        best[p] = vs_gallery_person_best (self, scratch->padded, p);
        n_scored++;
      }
  g_debug ("search: %u of %u people scored exactly (bound %.4f)", n_scored, n_people, bound);
}

guint
vs_gallery_search (const VsGallery *self,
                   const float     *query,
                   VsMatch         *out,
                   guint            k)
{
  VsSearchScratch scratch;
  g_autofree float *best = NULL;
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
  scratch.padded = g_aligned_alloc (self->stride, sizeof (float), VS_ALIGN);
  scratch.code = g_aligned_alloc (self->code_stride, sizeof (gint16), VS_ALIGN);
  scratch.coarse = g_new (float, n_people);
  scratch.order = g_new (float, n_people);
  best = g_new (float, n_people);

  vs_gallery_score_people (self, query, k, &scratch, best);

  if (k <= VS_INSERTION_K)
    {
      /* out[0..n_out) stays sorted; most people fail the first comparison. */
      for (i = 0; i < n_people; i++)
        {
          const VsGalleryPerson *person;
          guint pos;

          if (best[i] == -INFINITY)
            continue;   /* no sample, out of the running, or a NaN query */
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

  g_aligned_free (scratch.padded);
  g_aligned_free (scratch.code);
  g_free (scratch.coarse);
  g_free (scratch.order);
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

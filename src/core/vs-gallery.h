/* vs-gallery.h: an immutable, thread-safe snapshot of enrolled embeddings.
 *
 * One contiguous float matrix (rows = samples, L2-normalised), the person of
 * each row and their names. Built from the store, swapped whole when the
 * store changes; a worker keeps a reference while it searches.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VsGallery VsGallery;

typedef struct {
  gint64      person_id;
  const char *name;        /* owned by the gallery */
  float       score;       /* cosine similarity, best sample of the person */
} VsMatch;

typedef enum {
  VS_IDENTITY_KNOWN,
  VS_IDENTITY_UNKNOWN,     /* best score below the threshold */
  VS_IDENTITY_AMBIGUOUS,   /* two people above the threshold, too close */
} VsIdentityKind;

typedef struct {
  VsIdentityKind kind;
  VsMatch        best;     /* best person even when unknown (score < thr) */
  VsMatch        second;   /* person_id 0 when there is none */
} VsIdentity;

typedef struct {
  float threshold;  /* a person is named only at or above this score */
  float margin;     /* best must lead the second by this much when both pass */
} VsMatchParams;

VsGallery  *vs_gallery_new          (const char  *embedder,
                                     guint        dim);
/* Building (before the gallery is shared): rows are copied. */
void        vs_gallery_add_person   (VsGallery   *self,
                                     gint64       person_id,
                                     const char  *name);
void        vs_gallery_add_sample   (VsGallery   *self,
                                     gint64       person_id,
                                     const float *embedding);

/* A new gallery with everything but the samples of these people (people
 * waiting to be deleted must not be recognized any more). */
VsGallery  *vs_gallery_copy_without (const VsGallery *self,
                                     const gint64    *person_ids,
                                     guint            n_ids);

VsGallery  *vs_gallery_ref          (VsGallery   *self);
void        vs_gallery_unref        (VsGallery   *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsGallery, vs_gallery_unref)

const char *vs_gallery_get_embedder (const VsGallery *self);
guint       vs_gallery_get_dim      (const VsGallery *self);
guint       vs_gallery_get_n_samples (const VsGallery *self);
guint       vs_gallery_get_n_people (const VsGallery *self);
const char *vs_gallery_get_name     (const VsGallery *self,
                                     gint64           person_id);

/* Best k people for query (dim floats, L2-normalised), best first; returns
 * how many were written (≤ k, ≤ number of people). Thread-safe. */
guint       vs_gallery_search       (const VsGallery *self,
                                     const float     *query,
                                     VsMatch         *out,
                                     guint            k);

VsIdentity  vs_gallery_identify     (const VsGallery     *self,
                                     const float         *query,
                                     const VsMatchParams *params);

/* Cosine similarity of two L2-normalised vectors. */
float       vs_cosine               (const float *a,
                                     const float *b,
                                     guint        dim);
void        vs_l2_normalize         (float       *v,
                                     guint        dim);

G_END_DECLS

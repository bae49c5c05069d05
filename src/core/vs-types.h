/* vs-types.h: the plain types of Visage's core, shared by every layer.
 *
 * A person, a face sample and a change to the database, without the store
 * that keeps them: vision makes samples and the live view names people
 * without including vs-store.h.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64  id;
  char   *name;
  gint64  created;     /* unix seconds, UTC */
  gint64  updated;
  guint   n_samples;
  gint64  last_seen;   /* 0 when never seen */
} VsPerson;

VsPerson *vs_person_copy (const VsPerson *person);
void      vs_person_free (VsPerson *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsPerson, vs_person_free)

typedef struct {
  gint64  id;           /* 0 before it is stored */
  gint64  person_id;
  char   *embedder;     /* model id that produced the embedding */
  float  *embedding;    /* dim floats, L2-normalised */
  guint   dim;
  double  quality;      /* 0..1, detector score or capture quality */
  GBytes *crop;         /* aligned 112×112 face, PNG-encoded */
  char   *source;       /* file path, "camera", … (may be NULL) */
  gint64  created;
} VsSample;

VsSample *vs_sample_new  (const char   *embedder,
                          const float  *embedding,
                          guint         dim,
                          double        quality,
                          GBytes       *crop,
                          const char   *source);
void      vs_sample_free (VsSample *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsSample, vs_sample_free)

/* What one committed write changed (see VsStore::changed and
 * VsStoreMonitor::changed in vs-store.h / vs-store-monitor.h). */
typedef enum {
  /* Anything may have changed: another process wrote to an SQLite
   * database, or a shared store reconnected. Read everything again. */
  VS_STORE_CHANGE_RESYNC,
  VS_STORE_CHANGE_PERSON_ADDED,      /* person_id */
  VS_STORE_CHANGE_PERSON_RENAMED,    /* person_id */
  VS_STORE_CHANGE_PERSON_DELETED,    /* person_id; their samples went too */
  VS_STORE_CHANGE_SAMPLES_ADDED,     /* person_id, sample_id */
  VS_STORE_CHANGE_SAMPLES_REMOVED,   /* person_id, sample_id */
  VS_STORE_CHANGE_EMBEDDER_CHANGED,  /* reembed: every embedding changed */
  VS_STORE_CHANGE_PERSON_SEEN,       /* person_id: "last seen" written; no embedding changed */
} VsStoreChangeKind;

typedef struct {
  VsStoreChangeKind kind;
  gint64            person_id;   /* 0 for RESYNC and EMBEDDER_CHANGED */
  /* The sample for SAMPLES_ADDED/REMOVED when known: always for this
   * process's writes, 0 for another station's (a server only names the
   * person). */
  gint64            sample_id;
} VsStoreChange;

/* Whether a batch of changes (VsStoreChange) can change a gallery: FALSE
 * when it only records people being seen. */
gboolean vs_store_changes_touch_gallery (const GArray *changes);

G_END_DECLS

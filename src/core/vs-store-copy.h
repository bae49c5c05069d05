/* vs-store-copy.h: everything in a store at once, for `visage-cli db copy`
 * (SQLite → PostgreSQL and back): read in one snapshot, written in one
 * transaction with the same ids, and compared by checksums. */
#pragma once

#include "vs-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64 id;
  gint64 person_id;
  gint64 seen;
} VsStoreEvent;

typedef struct {
  GPtrArray *people;    /* VsPerson* by id (n_samples and last_seen unused) */
  GPtrArray *samples;   /* VsSample* by id, with id and person_id */
  GArray    *events;    /* VsStoreEvent by id */
} VsStoreContents;

void      vs_store_contents_clear    (VsStoreContents        *contents);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VsStoreContents, vs_store_contents_clear)

/* Every row, from one snapshot. */
gboolean  vs_store_read_all          (VsStore                *self,
                                      VsStoreContents        *contents,
                                      GError                **error);
/* Writes every row with its id into an empty store, in one transaction:
 * a store that already holds people is refused and left as it was. */
gboolean  vs_store_write_all         (VsStore                *self,
                                      const VsStoreContents  *contents,
                                      GError                **error);

typedef enum {
  VS_STORE_PART_PEOPLE,    /* id, name, created, updated */
  VS_STORE_PART_SAMPLES,   /* every column but the crop */
  VS_STORE_PART_CROPS,     /* sample id and crop bytes */
  VS_STORE_PART_EVENTS,
  VS_STORE_N_PARTS,
} VsStorePart;

/* SHA-256 (hex) of one part, computed on a canonical encoding, so equal
 * contents give equal sums whatever the backend. */
char     *vs_store_contents_checksum (const VsStoreContents  *contents,
                                      VsStorePart             part);

/* SQLite and server halves (vs-store.c, vs-store-pg.c). */
typedef struct _VsStorePg VsStorePg;
gboolean  vs_store_pg_read_all       (VsStorePg              *self,
                                      VsStoreContents        *contents,
                                      GError                **error);
gboolean  vs_store_pg_write_all      (VsStorePg              *self,
                                      const VsStoreContents  *contents,
                                      GError                **error);

G_END_DECLS

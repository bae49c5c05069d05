/* vs-store-pg.h: the store on a PostgreSQL 15 server, shared by several
 * stations (front desks).
 *
 * VsStore keeps one public API: when its path is a libpq connection string
 * (postgresql://… or key=value…), every vs_store_* call is handed to the
 * functions below. They keep the SQLite store's contract — one transaction
 * per change, migrations by version number, the same GError codes — and add
 * what a server needs: change notifications (LISTEN/NOTIFY), an offline
 * state, and errors that say whether the server is unreachable, the password
 * wrong or the role not allowed.
 */
#pragma once

#include "vs-store.h"

G_BEGIN_DECLS

typedef struct _VsStorePg VsStorePg;

/* Whether `db` names a server rather than a file: a postgresql:// or
 * postgres:// URI, or a key=value connection string. */
gboolean    vs_store_pg_is_conninfo        (const char   *db);

/* The connection string without its password, for messages. */
char       *vs_store_pg_describe           (const char   *conninfo);

VsStorePg  *vs_store_pg_open               (const char   *conninfo,
                                            GError      **error);
void        vs_store_pg_free               (VsStorePg    *self);

/* The server backend of a store, NULL for an SQLite one. */
VsStorePg  *vs_store_get_pg                (VsStore      *store);

/* One operation per vs_store_* function, same contract; the arguments were
 * checked by the vs_store_* function (names normalized, samples valid,
 * duplicate ids removed), and the change is announced by it. */
gint64      vs_store_pg_get_data_version   (VsStorePg    *self);
GPtrArray  *vs_store_pg_list_people        (VsStorePg    *self,
                                            GError      **error);
VsPerson   *vs_store_pg_get_person         (VsStorePg    *self,
                                            gint64        person_id,
                                            GError      **error);
VsPerson   *vs_store_pg_find_person_by_name (VsStorePg   *self,
                                             const char  *normalized,
                                             GError     **error);
gboolean    vs_store_pg_rename_person      (VsStorePg    *self,
                                            gint64        person_id,
                                            const char   *normalized,
                                            GError      **error);
gboolean    vs_store_pg_delete_people      (VsStorePg    *self,
                                            const gint64 *person_ids,
                                            guint         n_ids,
                                            GError      **error);
/* ids_out gets one id per sample; created is set when the person was made
 * (person_id 0 and no one of that name yet). */
gint64      vs_store_pg_add_samples        (VsStorePg    *self,
                                            gint64        person_id,
                                            const char   *normalized,
                                            GPtrArray    *samples,
                                            gint64        now,
                                            gint64       *ids_out,
                                            gboolean     *created,
                                            GError      **error);
GPtrArray  *vs_store_pg_list_samples       (VsStorePg    *self,
                                            gint64        person_id,
                                            GError      **error);
gboolean    vs_store_pg_delete_sample      (VsStorePg    *self,
                                            gint64        sample_id,
                                            gint64       *person_id_out,
                                            GError      **error);
GBytes     *vs_store_pg_get_person_thumbnail (VsStorePg  *self,
                                              gint64      person_id,
                                              GError    **error);
gboolean    vs_store_pg_reembed            (VsStorePg      *self,
                                            const char     *embedder,
                                            guint           dim,
                                            VsReembedFunc   func,
                                            VsProgressFunc  progress,
                                            gpointer        user_data,
                                            GError        **error);
gboolean    vs_store_pg_record_seen        (VsStorePg    *self,
                                            gint64        person_id,
                                            gint64        when,
                                            GError      **error);
char       *vs_store_pg_dup_embedder       (VsStorePg    *self,
                                            GError      **error);
VsGallery  *vs_store_pg_load_gallery       (VsStorePg    *self,
                                            const char   *embedder,
                                            GError      **error);

/* ---- Live updates ------------------------------------------------------ */

/* Starts the listener: a thread with its own connection that LISTENs for
 * the triggers' notifications and notices when the server goes away.
 * Waits (a few seconds at most) until it listens, so that no change made
 * after this returns is missed. Idempotent. */
void        vs_store_pg_watch_changes      (VsStorePg    *self);
/* FALSE while the listener cannot reach the server. */
gboolean    vs_store_pg_is_online          (VsStorePg    *self);
/* The changes announced since the last call, oldest first (VsStoreChange);
 * thread-safe. */
GArray     *vs_store_pg_take_changes       (VsStorePg    *self);
/* The same without the changes this process's own connections made (they
 * were announced exactly, by the store that wrote them). */
GArray     *vs_store_pg_take_foreign_changes (VsStorePg  *self);
/* Called on the listener's thread whenever a change arrives or the server
 * comes or goes. Replaces the previous one; NULL stops. */
typedef void (*VsStorePgWakeFunc) (gpointer user_data);
void        vs_store_pg_set_wake_func      (VsStorePg        *self,
                                            VsStorePgWakeFunc func,
                                            gpointer          user_data,
                                            GDestroyNotify    destroy);

/* Adds these people's samples of `embedder` (when they still exist) to a
 * gallery that is being built. */
gboolean    vs_store_pg_add_people_to_gallery (VsStorePg    *self,
                                               VsGallery    *gallery,
                                               const gint64 *person_ids,
                                               guint         n_ids,
                                               GError      **error);

/* Whether the embedding has only finite values and is not all zero (shared
 * with the SQLite store). */
gboolean    vs_store_embedding_is_valid    (const float  *embedding,
                                            guint         dim);

G_END_DECLS

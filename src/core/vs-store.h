/* vs-store.h: the database of people and face samples, the one truth.
 *
 * An SQLite file (the default) or a PostgreSQL server (vs-store-pg.h) behind
 * one API. Every change is one transaction. A VsStore is not thread-safe:
 * open one per thread that needs it (SQLite serialises writers across
 * connections and processes; a busy timeout makes a second writer wait
 * instead of failing).
 *
 * Arguments are checked here, once, before a backend sees them: an empty
 * name, an unknown-length or invalid embedding, a missing model give
 * VS_STORE_ERROR_INVALID whatever the backend.
 *
 * Changes are announced, not polled. After each write commits, the store
 * emits
 *
 *   VsStore::changed (GArray *changes)   -- VsStoreChange (vs-types.h)
 *
 * on the thread that wrote, with exactly what changed (person added,
 * renamed, deleted, samples added or removed with their ids, embedder
 * changed, person seen), and posts the same batch to every VsStoreMonitor
 * (vs-store-monitor.h) of this process that watches the same database, in
 * whatever thread or main context that monitor lives. Views should listen to
 * the monitor: it also reports other processes' writes, once.
 */
#pragma once

#include <gio/gio.h>
#include "vs-gallery.h"
#include "vs-name.h"
#include "vs-types.h"

G_BEGIN_DECLS

#define VS_STORE_ERROR (vs_store_error_quark ())
GQuark vs_store_error_quark (void);

typedef enum {
  VS_STORE_ERROR_OPEN,        /* cannot open or create the database */
  VS_STORE_ERROR_SCHEMA,      /* newer schema than we know, or a corrupt one */
  VS_STORE_ERROR_NOT_FOUND,   /* no such person or sample */
  VS_STORE_ERROR_INVALID,     /* bad argument: empty name, wrong dimension… */
  VS_STORE_ERROR_EXISTS,      /* unique constraint */
  VS_STORE_ERROR_IO,          /* any other SQLite failure */
  VS_STORE_ERROR_OFFLINE,     /* the database server cannot be reached */
  VS_STORE_ERROR_DENIED,      /* wrong password, or the role may not do this */
  VS_STORE_ERROR_NO_DATABASE, /* vs_store_open_existing: nothing there yet */
} VsStoreError;

/* Name limits shared by the CLI and the GUI (vs-name.h). */
#define VS_PERSON_NAME_MAX_CHARS VS_NAME_MAX_CHARS

#define VS_TYPE_STORE (vs_store_get_type ())
G_DECLARE_FINAL_TYPE (VsStore, vs_store, VS, STORE, GObject)

/* $XDG_DATA_HOME/visage/visage.db */
char     *vs_store_default_path        (void);

/* Creates the folder (0700) and the file (0600) when missing, migrates the
 * schema, and refuses a database from a newer Visage. path NULL = default.
 * A file that is not a Visage database (judged from its header before
 * SQLite opens it) is left exactly as it was: no mode change, no side file.
 * The default folder is made private (0700), or refused when it cannot be.
 * A WAL left by a process killed before its checkpoint is checkpointed. */
VsStore  *vs_store_open                (const char   *path,
                                        GError      **error);
/* The same for commands that only read: never creates a folder or file
 * (VS_STORE_ERROR_NO_DATABASE instead), never changes the journal mode,
 * never migrates; it still finishes a checkpoint a killed process left. */
VsStore  *vs_store_open_existing       (const char   *path,
                                        GError      **error);
/* An empty database in memory, for reading when there is none on disk. */
VsStore  *vs_store_open_empty          (GError      **error);
const char *vs_store_get_path          (VsStore      *self);

/* Another connection to the same database (file or server), opened the same
 * way (read-only stays read-only), for another thread: a VsStore is used by
 * one thread at a time. Callable from any thread. Opening a second
 * connection to a file this process already has open does not touch the
 * file outside SQLite, so the first connection's locks stay (see
 * vs-store.c). Fails for a database in memory, which has one connection:
 * vs_store_is_shared() tells beforehand. */
VsStore  *vs_store_open_another        (VsStore      *self,
                                        GError      **error);
gboolean  vs_store_is_shared           (VsStore      *self);

/* Changes whenever any connection (this process or another) commits.
 * Cheap, but prefer VsStoreMonitor::changed to polling it. */
gint64    vs_store_get_data_version    (VsStore      *self);

/* vs_name_normalize() with the error as VS_STORE_ERROR_INVALID. */
char     *vs_person_name_normalize     (const char   *name,
                                        GError      **error);

/* People. */
GPtrArray *vs_store_list_people        (VsStore      *self,
                                        GError      **error);   /* VsPerson*, by name */
VsPerson  *vs_store_get_person         (VsStore      *self,
                                        gint64        person_id,
                                        GError      **error);
/* The person whose name is the same by vs_name_key() (case, accents and
 * invisible characters ignored), the lowest id if several; NULL without
 * error when absent. */
VsPerson  *vs_store_find_person_by_name (VsStore     *self,
                                         const char  *name,
                                         GError     **error);
/* VS_STORE_ERROR_EXISTS when someone else has the same name by
 * vs_name_key(). */
gboolean   vs_store_rename_person      (VsStore      *self,
                                        gint64        person_id,
                                        const char   *new_name,
                                        GError      **error);
/* One transaction for all ids; samples go with their person. Pages that held
 * them are overwritten (secure_delete) and the WAL is checkpointed, so no
 * embedding byte survives in the files. */
gboolean   vs_store_delete_people      (VsStore      *self,
                                        const gint64 *person_ids,
                                        guint         n_ids,
                                        GError      **error);
gboolean   vs_store_delete_person      (VsStore      *self,
                                        gint64        person_id,
                                        GError      **error);

/* Adds samples to a person in one transaction. With person_id == 0 the
 * person named `name` is created (or reused when one already has that name)
 * in the same transaction. Returns the person id, 0 on error. */
gint64     vs_store_add_samples        (VsStore      *self,
                                        gint64        person_id,
                                        const char   *name,
                                        GPtrArray    *samples,   /* VsSample* */
                                        GError      **error);
GPtrArray *vs_store_list_samples       (VsStore      *self,
                                        gint64        person_id,
                                        GError      **error);   /* VsSample* */
gboolean   vs_store_delete_sample      (VsStore      *self,
                                        gint64        sample_id,
                                        GError      **error);
/* The face crop (PNG) of the person's first sample that has one: what a
 * list shows as their picture. NULL without error when they have none. */
GBytes    *vs_store_get_person_thumbnail (VsStore    *self,
                                          gint64      person_id,
                                          GError    **error);

/* Recomputes every sample's embedding from its stored crop, in one
 * transaction: either all samples change, or none. */
typedef gboolean (*VsReembedFunc) (GBytes      *crop,
                                   float       *embedding_out,  /* dim floats */
                                   gpointer     user_data,
                                   GError     **error);
typedef void     (*VsProgressFunc) (guint done, guint total, gpointer user_data);
gboolean   vs_store_reembed            (VsStore        *self,
                                        const char     *embedder,
                                        guint           dim,
                                        VsReembedFunc   func,
                                        VsProgressFunc  progress,
                                        gpointer        user_data,
                                        GError        **error);

/* Records that a person was recognized (rate-limited by the caller). */
gboolean   vs_store_record_seen        (VsStore      *self,
                                        gint64        person_id,
                                        gint64        when,
                                        GError      **error);

/* The embedder this database's faces are embedded with: the one most of its
 * samples were made by (`reembed --embedder X` makes it X), the newest on a
 * tie. NULL without error when there is no sample yet: the caller's
 * default applies. What the app, identify, watch and enrollment use unless
 * told otherwise. */
char      *vs_store_dup_embedder       (VsStore      *self,
                                        GError      **error);

/* An immutable snapshot of every sample of one embedder. */
VsGallery *vs_store_load_gallery       (VsStore      *self,
                                        const char   *embedder,
                                        GError      **error);
/* Adds these people's samples of the gallery's embedder (those that still
 * exist) to a gallery being built, e.g. a vs_gallery_copy_without() of the
 * current one: how a change updates a snapshot without a full reload. */
gboolean   vs_store_add_people_to_gallery (VsStore      *self,
                                           VsGallery    *gallery,
                                           const gint64 *person_ids,
                                           guint         n_ids,
                                           GError      **error);

G_END_DECLS

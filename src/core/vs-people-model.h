/* vs-people-model.h: the enrolled people as a GListModel, kept in step with
 * the store.
 *
 * Items are VsPersonItem objects in the store's name order. A refresh diffs
 * the new list against the old one by person id: items keep their identity
 * (a renamed person is the same object, with its "name" notified) and only
 * the range that changed is announced with ::items-changed, so list widgets
 * keep their selection and scroll position.
 *
 * Deleting can be staged: the people disappear from the model at once but
 * stay in the database until the deletion is committed (one transaction,
 * pages overwritten) or undone. This is what the undo toast drives.
 */
#pragma once

#include <gio/gio.h>

#include "vs-store.h"

G_BEGIN_DECLS

typedef enum {
  VS_PEOPLE_SORT_NAME,            /* the store's order: case and accents ignored */
  VS_PEOPLE_SORT_RECENTLY_ADDED,  /* newest first */
  VS_PEOPLE_SORT_LAST_SEEN,       /* most recently seen first, never seen last */
} VsPeopleSort;

#define VS_TYPE_PERSON_ITEM (vs_person_item_get_type ())
G_DECLARE_FINAL_TYPE (VsPersonItem, vs_person_item, VS, PERSON_ITEM, GObject)

/* Properties (read-only, notified when a refresh changes them): "id"
 * (gint64), "name" (string), "n-samples" (guint), "created" (gint64, unix
 * seconds), "last-seen" (gint64, unix seconds, 0 = never). */
gint64      vs_person_item_get_id          (VsPersonItem *self);
const char *vs_person_item_get_name        (VsPersonItem *self);
guint       vs_person_item_get_n_samples   (VsPersonItem *self);
gint64      vs_person_item_get_created     (VsPersonItem *self);
gint64      vs_person_item_get_last_seen   (VsPersonItem *self);

/* What a search compares: case-folded, accents removed, so "emile" finds
 * "Émile". */
char       *vs_people_search_key           (const char   *text);
/* TRUE when the name contains key (from vs_people_search_key()); an empty
 * or NULL key matches everyone. */
gboolean    vs_person_item_matches         (VsPersonItem *self,
                                            const char   *key);
/* For GtkCustomSorter and friends: <0, 0, >0. Ties fall back to the name
 * order, so every order is total and stable. */
int         vs_person_item_compare         (VsPersonItem *a,
                                            VsPersonItem *b,
                                            VsPeopleSort  sort);

#define VS_TYPE_PEOPLE_MODEL (vs_people_model_get_type ())
G_DECLARE_FINAL_TYPE (VsPeopleModel, vs_people_model, VS, PEOPLE_MODEL, GObject)

/* Loads the people at once (on error the model starts empty: a forced
 * vs_people_model_refresh() tells why) and follows the store's
 * VsStoreMonitor (vs-store-monitor.h) in the thread-default main context:
 * each batch of changes refreshes the model once; a person seen only
 * updates that item's "last-seen" (one row read, no reload). Nothing is
 * polled.
 * Properties: "store", "n-items" (guint).
 * Signal "refreshed" (): after every reload that changed something.
 * Signal "staged-changed" (): people were staged for deletion, restored or
 * deleted. */
VsPeopleModel *vs_people_model_new               (VsStore       *store);
VsStore       *vs_people_model_get_store         (VsPeopleModel *self);

/* Applies the store monitor's pending changes now (force: reload
 * anyway). FALSE with an error when the store cannot be read; the old items
 * stay. */
gboolean       vs_people_model_refresh           (VsPeopleModel *self,
                                                  gboolean       force,
                                                  GError       **error);

/* The item of a person, shown or staged for deletion; NULL when unknown.
 * No new reference. */
VsPersonItem  *vs_people_model_lookup            (VsPeopleModel *self,
                                                  gint64         person_id);

/* The person whose name is name by vs_name_key() (case, accents, width and
 * invisible characters ignored), shown or staged for deletion; NULL when
 * nobody is. One hash lookup: as fresh as the model, not as the store. No
 * new reference. */
VsPersonItem  *vs_people_model_find_by_name      (VsPeopleModel *self,
                                                  const char    *name);

/* Hides the people now and returns a token (> 0) for the deletion. Ids not
 * in the model are ignored; 0 when none is left. */
guint          vs_people_model_stage_deletion    (VsPeopleModel *self,
                                                  const gint64  *person_ids,
                                                  guint          n_ids);
/* Shows them again; nothing was deleted. FALSE for an unknown token. */
gboolean       vs_people_model_undo_deletion     (VsPeopleModel *self,
                                                  guint          token);
/* Deletes them from the database in one transaction (people another
 * process deleted meanwhile are skipped). On error they are shown again. */
gboolean       vs_people_model_commit_deletion   (VsPeopleModel *self,
                                                  guint          token,
                                                  GError       **error);
/* The same on a worker thread with a connection of its own (a busy
 * database does not hold up the caller): the people stay hidden until it is
 * done, then are gone from the model (or shown again when it failed);
 * undo is refused meanwhile. */
void           vs_people_model_commit_deletion_async  (VsPeopleModel       *self,
                                                       guint                token,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean       vs_people_model_commit_deletion_finish (VsPeopleModel       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Commits every staged deletion in one transaction: for quitting. Those a
 * worker is deleting are left to it. */
gboolean       vs_people_model_commit_all        (VsPeopleModel *self,
                                                  GError       **error);
guint          vs_people_model_get_n_staged      (VsPeopleModel *self);
/* Every person id staged for deletion now. */
GArray        *vs_people_model_dup_all_staged_ids (VsPeopleModel *self);
/* The ids a token hides (for messages); NULL for an unknown token. */
const gint64  *vs_people_model_get_staged_ids    (VsPeopleModel *self,
                                                  guint          token,
                                                  guint         *n_ids);

G_END_DECLS

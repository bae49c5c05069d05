/* visage-enroll-save.h: what enrollment's Save does with the database, on
 * worker threads (vs-store-job.h), so the window never waits for it: a
 * database busy with another writer (visage-cli import) or a gallery of
 * 50,000 samples costs the user a spinner, not a frozen window.
 *
 * 1. The check: who the samples go to (the person of the window, or the one
 *    already called by the name typed) and whether they look like someone
 *    else enrolled (compared with a gallery snapshot the caller has, or one
 *    loaded on the worker).
 * 2. The commit: the samples, and the person when new, in one transaction.
 *    The store monitor announces it: the gallery and the lists follow by
 *    themselves, nothing is reloaded here.
 */
#pragma once

#include <gio/gio.h>

#include "vs-gallery.h"
#include "vs-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  target_id;         /* 0: a new person */
  char   *target_name;       /* the name of target_id when it is someone */
  gint64  look_alike_id;     /* 0: nobody else */
  char   *look_alike_name;
} VisageEnrollCheck;

void               visage_enroll_check_free   (VisageEnrollCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VisageEnrollCheck, visage_enroll_check_free)

/* captures: VsEnrollCapture* (referenced for the job). gallery: the
 * caller's current snapshot (NULL, or of another embedder: loaded on the
 * worker). params: how to match (copied). */
void               visage_enroll_check_async  (VsStore             *store,
                                               gint64               person_id,
                                               const char          *name,
                                               GPtrArray           *captures,
                                               VsGallery           *gallery,
                                               const VsMatchParams *params,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
VisageEnrollCheck *visage_enroll_check_finish (GAsyncResult        *result,
                                               GError             **error);

/* Adds the samples of the captures to person_id, or to a new person called
 * name when person_id is 0. The result: the person (VsPerson*). */
void               visage_enroll_commit_async  (VsStore             *store,
                                                gint64               person_id,
                                                const char          *name,
                                                GPtrArray           *captures,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
VsPerson          *visage_enroll_commit_finish (GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS

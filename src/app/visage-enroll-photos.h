/* visage-enroll-photos.h: checks photos for enrollment in a worker thread.
 *
 * Each photo is loaded, checked (one face, quality) and, when good, turned
 * into a sample; every result reaches the main thread as soon as it is known,
 * then the whole batch completes. Nothing is written anywhere.
 */
#pragma once

#include <gio/gio.h>

#include "visage-session.h"
#include "vs-enroll-session.h"

G_BEGIN_DECLS

typedef struct {
  char            *path;
  char            *basename;    /* for display */
  VsEnrollCapture *capture;     /* NULL when the photo was refused */
  char            *reason;      /* why it was refused, for people; NULL when good */
  GBytes          *thumbnail;   /* PNG: the aligned face, or the photo scaled down */
  int              face_index;  /* the face asked for, -1: the only one */
  /* With several faces (VS_QUALITY_MANY_FACES), for the person to pick one:
   * the faces' boxes as fractions of the photo (x, y, width, height each),
   * drawn on `thumbnail`, the photo scaled down. */
  guint            n_faces;
  float           *face_boxes;
} VisagePhotoResult;

void visage_photo_result_free (VisagePhotoResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VisagePhotoResult, visage_photo_result_free)

/* Main thread, in the order of the paths; result is borrowed. */
typedef void (*VisagePhotoFunc) (const VisagePhotoResult *result,
                                 gpointer                 user_data);

/* paths: char* (copied); face_indexes (may be NULL): one int per path, the
 * face to take (-1: the photo must show one). Loads its own engine on its
 * worker, from the session's models and embedder; each_func runs for every photo on the caller's thread-default
 * main context; callback when all are done, cancelled or the models failed.
 * each_data must stay valid until callback runs. */
void     visage_enroll_photos_check_async  (GPtrArray           *paths,
                                            GArray              *face_indexes,
                                            VisageSession       *session,
                                            GCancellable        *cancellable,
                                            VisagePhotoFunc      each_func,
                                            gpointer             each_data,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The number of good photos, or -1 with an error. */
int      visage_enroll_photos_check_finish (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS

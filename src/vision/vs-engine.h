/* vs-engine.h: detect → align → embed, over the OpenCV shim.
 *
 * An engine holds OpenCV networks, which are not safe to share: use one
 * engine per thread. Creating one loads and verifies the models (~50 ms).
 */
#pragma once

#include <glib.h>
#include "vs-face.h"
#include "vs-image.h"
#include "vs-models.h"
#include "vs-store.h"

G_BEGIN_DECLS

#define VS_ENGINE_ERROR (vs_engine_error_quark ())
GQuark vs_engine_error_quark (void);

typedef enum {
  VS_ENGINE_ERROR_FAILED,     /* OpenCV raised */
  VS_ENGINE_ERROR_NO_FACE,
  VS_ENGINE_ERROR_MANY_FACES,
} VsEngineError;

typedef struct _VsEngine VsEngine;

/* models_dir NULL: vs_models_find_dir (NULL). embedder_id NULL: default. */
VsEngine          *vs_engine_new             (const char   *models_dir,
                                              const char   *embedder_id,
                                              GError      **error);
/* detector_id NULL: the manifest's detector. */
VsEngine          *vs_engine_new_full        (const char   *models_dir,
                                              const char   *detector_id,
                                              const char   *embedder_id,
                                              GError      **error);
void               vs_engine_free            (VsEngine     *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsEngine, vs_engine_free)

const VsModelInfo *vs_engine_get_embedder    (VsEngine     *self);
const VsModelInfo *vs_engine_get_detector    (VsEngine     *self);
guint              vs_engine_get_dim         (VsEngine     *self);

/* The longest side pictures are scaled down to before detection (default:
 * the manifest's working_size; 0 restores it). YuNet finds faces from about
 * 10 px at that size, so this sets the smallest face found. */
void               vs_engine_set_working_size (VsEngine    *self,
                                              int          working_size);
int                vs_engine_get_working_size (VsEngine    *self);

/* Faces in image coordinates, best score first. The picture is scaled down to
 * the working size first; implausible detections are dropped
 * (vs_faces_drop_implausible). */
GArray            *vs_engine_detect          (VsEngine      *self,
                                              const VsImage *image,
                                              GError       **error);  /* VsFace */

/* A square of the picture to look for faces in (image coordinates). */
typedef struct {
  float x, y;      /* top left; may lie partly outside the picture */
  float side;
} VsRegion;

/* Faces found in the regions only, in image coordinates, best score first,
 * none twice. The regions are scaled to VS_ENGINE_REGION_TILE pixels (never
 * up) and tiled side by side into one small picture: one detector run for
 * all of them, on a fraction of the area of the whole picture. A face counts
 * in the region its centre lies in, away from the region's border. Meant for
 * following faces already found; new faces need vs_engine_detect(). */
#define VS_ENGINE_REGION_TILE 96
#define VS_ENGINE_MAX_REGIONS 8
GArray            *vs_engine_detect_regions  (VsEngine       *self,
                                              const VsImage  *image,
                                              const VsRegion *regions,
                                              guint           n_regions,
                                              GError        **error);  /* VsFace */

/* The 112×112 aligned crop of a face. */
/* Replaces each face's landmarks by the landmark model's (the ones
 * alignment uses), for pose and quality checks that need them exact. */
void               vs_engine_refine_landmarks (VsEngine      *self,
                                               const VsImage *image,
                                               GArray        *faces);
VsImage           *vs_engine_align           (VsEngine      *self,
                                              const VsImage *image,
                                              const VsFace  *face,
                                              GError       **error);

/* L2-normalised embedding of an aligned crop into out (dim floats). */
gboolean           vs_engine_embed_aligned   (VsEngine      *self,
                                              const VsImage *aligned,
                                              float         *out,
                                              GError       **error);

/* align + embed; aligned_out (optional) receives the crop. */
gboolean           vs_engine_embed_face      (VsEngine      *self,
                                              const VsImage *image,
                                              const VsFace  *face,
                                              float         *out,
                                              VsImage      **aligned_out,
                                              GError       **error);

typedef enum {
  VS_FACE_PICK_ONLY,      /* exactly one face, else an error */
  VS_FACE_PICK_LARGEST,   /* the biggest box */
  VS_FACE_PICK_CENTRAL,   /* the box centre nearest the picture centre */
} VsFacePick;

/* The face to use from a picture, or -1 with VS_ENGINE_ERROR_NO_FACE or
 * VS_ENGINE_ERROR_MANY_FACES naming `name`. */
int                vs_faces_pick             (GArray        *faces,
                                              const VsImage *image,
                                              VsFacePick     pick,
                                              const char    *name,
                                              GError       **error);

/* A store sample for one face: embedding, PNG of the aligned crop, quality
 * (the detector score), source (may be NULL). */
VsSample          *vs_engine_make_sample     (VsEngine      *self,
                                              const VsImage *image,
                                              const VsFace  *face,
                                              const char    *source,
                                              GError       **error);

/* Drops, in place, detections that cannot be faces: boxes mostly outside the
 * picture and boxes without texture (black, dark or uniform patches).
 * Returns how many were dropped. */
guint              vs_faces_drop_implausible (GArray        *faces,
                                              const VsImage *image);

/* Index of the face whose box centre is nearest the image centre, or of the
 * largest; -1 when faces is empty. */
int                vs_faces_pick_central     (GArray        *faces,
                                              const VsImage *image);
int                vs_faces_pick_largest     (GArray        *faces);

G_END_DECLS

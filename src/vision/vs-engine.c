/* vs-engine.c: detect → align → embed.
 *
 * Not thread-safe by design: OpenCV's dnn::Net keeps per-forward state, so
 * each thread that recognises faces owns its own VsEngine.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "vs-align.h"
#include "vs-cv.h"
#include "vs-engine.h"
#include "vs-gallery.h"

G_DEFINE_QUARK (vs-engine-error-quark, vs_engine_error)

/* A detection is implausible, and dropped, when less than this share of its
 * box lies inside the picture… */
#define VS_MIN_INSIDE_SHARE 0.5
/* …or when the grey level inside its box varies less than this (0..255): a
 * black, dark or uniform patch has no face in it. Real faces measure 20 and
 * more; a face in a very dim room still measures above 6. */
#define VS_MIN_FACE_CONTRAST 3.0

struct _VsEngine
{
  const VsModelInfo *detector_info;
  const VsModelInfo *embedder_info;
  VsCvDetector      *detector;
  VsCvEmbedder      *embedder;
  VsCvLandmarker    *landmarker;   /* NULL: the detector's own landmarks */
  int                working_size;
  /* A second instance of the detector for tiled regions: cv::dnn re-plans a
   * network whenever its input size changes, which costs as much as a small
   * run; with its own instance each keeps its size. Made on first use. */
  char              *detector_path;
  VsCvDetector      *region_detector;
  GArray            *region_faces;  /* VsFace, scratch */
};

/* The landmark model sees a face this wide (in a VS_CV_LANDMARK_CROP
 * square), the size of the faces in LFW's 250 px photos. */
#define VS_LANDMARK_FACE_SIZE 100.0

VsEngine *
vs_engine_new (const char  *models_dir,
               const char  *embedder_id,
               GError     **error)
{
  return vs_engine_new_full (models_dir, NULL, embedder_id, error);
}

static const VsModelInfo *
lookup_role (const char   *id,
             VsModelRole   role,
             GError      **error)
{
  const VsModelInfo *info = vs_models_lookup (id, error);

  if (info != NULL && info->role != role)
    {
      g_set_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_UNKNOWN_ID,
                   role == VS_MODEL_ROLE_EMBEDDER ? _("“%s” is not a face embedder")
                                                  : _("“%s” is not a face detector"),
                   info->id);
      return NULL;
    }
  return info;
}

VsEngine *
vs_engine_new_full (const char  *models_dir,
                    const char  *detector_id,
                    const char  *embedder_id,
                    GError     **error)
{
  g_autoptr(VsEngine) self = g_new0 (VsEngine, 1);
  g_autofree char *dir = vs_models_find_dir (models_dir);
  g_autofree char *detector_path = NULL;
  g_autofree char *embedder_path = NULL;
  const VsModelInfo *e;

  self->detector_info = lookup_role (detector_id ? detector_id : vs_models_get_detector ()->id,
                                     VS_MODEL_ROLE_DETECTOR, error);
  if (self->detector_info == NULL)
    return NULL;
  self->working_size = self->detector_info->working_size;
  self->embedder_info = lookup_role (embedder_id ? embedder_id : vs_models_get_default_embedder (),
                                     VS_MODEL_ROLE_EMBEDDER, error);
  if (self->embedder_info == NULL)
    return NULL;

  detector_path = vs_models_locate (dir, self->detector_info, error);
  if (detector_path == NULL)
    return NULL;
  embedder_path = vs_models_locate (dir, self->embedder_info, error);
  if (embedder_path == NULL)
    return NULL;

  self->detector_path = g_strdup (detector_path);
  self->detector = vs_cv_detector_new (detector_path,
                                       self->detector_info->score_threshold,
                                       self->detector_info->nms_threshold,
                                       error);
  if (self->detector == NULL)
    return NULL;

  if (self->detector_info->landmarks != NULL)
    {
      const VsModelInfo *landmarks = vs_models_lookup (self->detector_info->landmarks, error);
      g_autofree char *landmarks_path = NULL;

      if (landmarks == NULL)
        return NULL;
      landmarks_path = vs_models_locate (dir, landmarks, error);
      if (landmarks_path == NULL)
        return NULL;
      self->landmarker = vs_cv_landmarker_new (landmarks_path, error);
      if (self->landmarker == NULL)
        return NULL;
    }

  e = self->embedder_info;
  self->embedder = vs_cv_embedder_new (embedder_path, e->input_width, e->input_height,
                                       e->swap_rb, e->mean, e->scale, e->dim, error);
  if (self->embedder == NULL)
    return NULL;

  g_debug ("Engine ready: %s + %s from %s", self->detector_info->id, e->id, dir);
  return g_steal_pointer (&self);
}

void
vs_engine_free (VsEngine *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->detector, vs_cv_detector_free);
  g_clear_pointer (&self->region_detector, vs_cv_detector_free);
  g_clear_pointer (&self->region_faces, g_array_unref);
  g_free (self->detector_path);
  g_clear_pointer (&self->embedder, vs_cv_embedder_free);
  g_clear_pointer (&self->landmarker, vs_cv_landmarker_free);
  g_free (self);
}

const VsModelInfo *
vs_engine_get_embedder (VsEngine *self)
{
  return self->embedder_info;
}

const VsModelInfo *
vs_engine_get_detector (VsEngine *self)
{
  return self->detector_info;
}

guint
vs_engine_get_dim (VsEngine *self)
{
  return self->embedder_info->dim;
}

void
vs_engine_set_working_size (VsEngine *self,
                            int       working_size)
{
  self->working_size = working_size > 0 ? working_size : self->detector_info->working_size;
}

int
vs_engine_get_working_size (VsEngine *self)
{
  return self->working_size;
}

guint
vs_faces_drop_implausible (GArray        *faces,
                           const VsImage *image)
{
  guint kept = 0, dropped;

  for (guint i = 0; i < faces->len; i++)
    {
      const VsFace *f = &g_array_index (faces, VsFace, i);
      double ix = MIN (f->x + f->width, image->width) - MAX (f->x, 0.0f);
      double iy = MIN (f->y + f->height, image->height) - MAX (f->y, 0.0f);
      double area = (double) f->width * f->height;
      gboolean plausible = f->width > 0 && f->height > 0 && ix > 0 && iy > 0 &&
                           isfinite (area) && ix * iy >= VS_MIN_INSIDE_SHARE * area;

      if (plausible)
        {
          double contrast = vs_cv_grey_stddev (image, (int) floor (f->x), (int) floor (f->y),
                                               (int) ceil (f->width), (int) ceil (f->height));
          plausible = contrast >= VS_MIN_FACE_CONTRAST;
          if (!plausible)
            g_debug ("Dropped a detection without texture (grey deviation %.1f) at %.0f,%.0f %.0f×%.0f",
                     contrast, f->x, f->y, f->width, f->height);
        }
      else
        g_debug ("Dropped a detection mostly outside the picture at %.0f,%.0f %.0f×%.0f",
                 f->x, f->y, f->width, f->height);

      if (plausible)
        g_array_index (faces, VsFace, kept++) = *f;
    }
  dropped = faces->len - kept;
  g_array_set_size (faces, kept);
  return dropped;
}

static int
compare_faces_by_score (gconstpointer a,
                        gconstpointer b)
{
  const VsFace *fa = a, *fb = b;

  return (fa->score < fb->score) - (fa->score > fb->score);
}

GArray *
vs_engine_detect (VsEngine       *self,
                  const VsImage  *image,
                  GError        **error)
{
  g_autoptr(GArray) faces = g_array_new (FALSE, FALSE, sizeof (VsFace));
  g_autoptr(VsImage) scaled = NULL;
  int longest = MAX (image->width, image->height);
  int limit = self->working_size;
  const VsImage *input = image;
  double factor = 1.0;

  /* The detector's cost grows with the area, and a face it can find at the
   * working size is big enough to recognise: detect on a bounded copy, map
   * back. */
  if (limit > 0 && longest > limit)
    {
      factor = (double) longest / limit;
      scaled = vs_cv_resize (image,
                             MAX (1, (int) lround (image->width / factor)),
                             MAX (1, (int) lround (image->height / factor)));
      input = scaled;
    }

  if (!vs_cv_detector_detect (self->detector, input, faces, error))
    return NULL;
  /* Judged on the picture the detector saw: the same verdict, less work. */
  vs_faces_drop_implausible (faces, input);

  if (factor != 1.0)
    for (guint i = 0; i < faces->len; i++)
      {
        VsFace *f = &g_array_index (faces, VsFace, i);

        f->x *= factor;
        f->y *= factor;
        f->width *= factor;
        f->height *= factor;
        for (int p = 0; p < 5; p++)
          {
            f->landmarks[p][0] *= factor;
            f->landmarks[p][1] *= factor;
          }
      }

  g_array_sort (faces, compare_faces_by_score);
  return g_steal_pointer (&faces);
}

static float
face_overlap (const VsFace *a,
              const VsFace *b)
{
  float ix = MIN (a->x + a->width, b->x + b->width) - MAX (a->x, b->x);
  float iy = MIN (a->y + a->height, b->y + b->height) - MAX (a->y, b->y);
  float inter, uni;

  if (ix <= 0 || iy <= 0)
    return 0;
  inter = ix * iy;
  uni = a->width * a->height + b->width * b->height - inter;
  return uni > 0 ? inter / uni : 0;
}

GArray *
vs_engine_detect_regions (VsEngine       *self,
                          const VsImage  *image,
                          const VsRegion *regions,
                          guint           n_regions,
                          GError        **error)
{
  g_autoptr(GArray) faces = g_array_new (FALSE, FALSE, sizeof (VsFace));
  g_autoptr(VsImage) mosaic = NULL;
  const int tile = VS_ENGINE_REGION_TILE;
  /* A face whose centre is this close to a tile's edge belongs to the next
   * region, or was cut by the edge. */
  const float border = tile / 10.f;
  guint cols, rows;
  GArray *found;

  g_return_val_if_fail (self != NULL && image != NULL, NULL);
  g_return_val_if_fail (n_regions <= VS_ENGINE_MAX_REGIONS, NULL);

  if (n_regions == 0)
    return g_steal_pointer (&faces);

  if (self->region_detector == NULL)
    {
      self->region_detector = vs_cv_detector_new (self->detector_path,
                                                  self->detector_info->score_threshold,
                                                  self->detector_info->nms_threshold,
                                                  error);
      if (self->region_detector == NULL)
        return NULL;
      self->region_faces = g_array_new (FALSE, FALSE, sizeof (VsFace));
    }

  /* At most four in a row: the shapes stay few, and so do re-plans. */
  cols = MIN (n_regions, 4);
  rows = (n_regions + cols - 1) / cols;
  mosaic = vs_image_new (cols * tile, rows * tile);
  for (guint r = 0; r < n_regions; r++)
    {
      const VsRegion *region = &regions[r];
      double s = MAX (region->side / tile, 1.0);  /* picture pixels per tile pixel */
      double m[2][3] = { { 1 / s, 0, -region->x / s }, { 0, 1 / s, -region->y / s } };
      g_autoptr(VsImage) part = vs_cv_warp_affine (image, m, tile, tile);
      guint8 *dst = mosaic->data + (r / cols) * tile * mosaic->stride + (r % cols) * tile * 3;

      for (int y = 0; y < tile; y++)
        memcpy (dst + y * mosaic->stride, part->data + y * part->stride, tile * 3);
    }

  found = self->region_faces;
  g_array_set_size (found, 0);
  if (!vs_cv_detector_detect (self->region_detector, mosaic, found, error))
    return NULL;
  vs_faces_drop_implausible (found, mosaic);
  g_array_sort (found, compare_faces_by_score);

  for (guint i = 0; i < found->len; i++)
    {
      VsFace f = g_array_index (found, VsFace, i);
      float cx = f.x + f.width / 2, cy = f.y + f.height / 2;
      int col = (int) floorf (cx / tile), row = (int) floorf (cy / tile);
      guint r = row * cols + col;
      const VsRegion *region;
      float ox, oy, s;
      gboolean duplicate = FALSE;

      if (col < 0 || row < 0 || col >= (int) cols || r >= n_regions ||
          cx - col * tile < border || (col + 1) * tile - cx < border ||
          cy - row * tile < border || (row + 1) * tile - cy < border)
        continue;
      region = &regions[r];
      s = MAX (region->side / tile, 1.f);
      ox = col * tile;
      oy = row * tile;
      f.x = region->x + (f.x - ox) * s;
      f.y = region->y + (f.y - oy) * s;
      f.width *= s;
      f.height *= s;
      for (int p = 0; p < 5; p++)
        {
          f.landmarks[p][0] = region->x + (f.landmarks[p][0] - ox) * s;
          f.landmarks[p][1] = region->y + (f.landmarks[p][1] - oy) * s;
        }
      /* Regions may overlap: the same face, seen twice, is kept once (the
       * better score came first). */
      for (guint k = 0; k < faces->len && !duplicate; k++)
        duplicate = face_overlap (&g_array_index (faces, VsFace, k), &f) > 0.3f;
      if (!duplicate)
        g_array_append_val (faces, f);
    }

  return g_steal_pointer (&faces);
}

/* Landmarks from the landmark model on a crop where the face is as big as
 * in an LFW photo; FALSE (and `out` untouched) when it finds nothing there. */
static gboolean
refine_landmarks (VsEngine      *self,
                  const VsImage *image,
                  const VsFace  *face,
                  float          out[5][2])
{
  double scale, crop[2][3];

  if (self->landmarker == NULL || face->width <= 0 || face->height <= 0)
    return FALSE;
  scale = VS_LANDMARK_FACE_SIZE / MAX (face->width, face->height);
  crop[0][0] = scale;
  crop[0][1] = 0;
  crop[0][2] = VS_CV_LANDMARK_CROP / 2.0 - scale * (face->x + face->width / 2);
  crop[1][0] = 0;
  crop[1][1] = scale;
  crop[1][2] = VS_CV_LANDMARK_CROP / 2.0 - scale * (face->y + face->height / 2);
  return vs_cv_landmarker_refine (self->landmarker, image, crop, out);
}

void
vs_engine_refine_landmarks (VsEngine      *self,
                            const VsImage *image,
                            GArray        *faces)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (image != NULL && faces != NULL);

  for (guint i = 0; i < faces->len; i++)
    {
      VsFace *face = &g_array_index (faces, VsFace, i);
      float refined[5][2];

      if (refine_landmarks (self, image, face, refined))
        memcpy (face->landmarks, refined, sizeof refined);
    }
}

VsImage *
vs_engine_align (VsEngine       *self,
                 const VsImage  *image,
                 const VsFace   *face,
                 GError        **error)
{
  double m[2][3];
  float refined[5][2];
  const float (*landmarks)[2] = face->landmarks;

  if (refine_landmarks (self, image, face, refined))
    landmarks = (const float (*)[2]) refined;

  /* Least median of squares as the reference pipeline; the closed-form
   * least-squares fit is the fallback when it finds no transform. */
  if (!vs_cv_estimate_similarity (landmarks, vs_align_template, m) &&
      !vs_align_similarity (landmarks, vs_align_template, m))
    {
      g_set_error_literal (error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_FAILED,
                           _("The face landmarks are degenerate"));
      return NULL;
    }
  return vs_cv_warp_affine (image, m, VS_ALIGN_SIZE, VS_ALIGN_SIZE);
}

gboolean
vs_engine_embed_aligned (VsEngine       *self,
                         const VsImage  *aligned,
                         float          *out,
                         GError        **error)
{
  if (!vs_cv_embedder_forward (self->embedder, aligned, out, error))
    return FALSE;
  vs_l2_normalize (out, self->embedder_info->dim);
  return TRUE;
}

gboolean
vs_engine_embed_face (VsEngine       *self,
                      const VsImage  *image,
                      const VsFace   *face,
                      float          *out,
                      VsImage       **aligned_out,
                      GError        **error)
{
  g_autoptr(VsImage) aligned = vs_engine_align (self, image, face, error);

  if (aligned == NULL || !vs_engine_embed_aligned (self, aligned, out, error))
    return FALSE;
  if (aligned_out != NULL)
    *aligned_out = g_steal_pointer (&aligned);
  return TRUE;
}

int
vs_faces_pick_central (GArray        *faces,
                       const VsImage *image)
{
  double best = G_MAXDOUBLE;
  int pick = -1;

  for (guint i = 0; i < faces->len; i++)
    {
      const VsFace *f = &g_array_index (faces, VsFace, i);
      double cx = f->x + f->width / 2 - image->width / 2.0;
      double cy = f->y + f->height / 2 - image->height / 2.0;
      double d = cx * cx + cy * cy;

      if (d < best)
        {
          best = d;
          pick = (int) i;
        }
    }
  return pick;
}

int
vs_faces_pick_largest (GArray *faces)
{
  double best = -1;
  int pick = -1;

  for (guint i = 0; i < faces->len; i++)
    {
      const VsFace *f = &g_array_index (faces, VsFace, i);
      double area = (double) f->width * f->height;

      if (area > best)
        {
          best = area;
          pick = (int) i;
        }
    }
  return pick;
}

int
vs_faces_pick (GArray         *faces,
               const VsImage  *image,
               VsFacePick      pick,
               const char     *name,
               GError        **error)
{
  if (faces->len == 0)
    {
      g_set_error (error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_NO_FACE,
                   _("No face found in “%s”"), name);
      return -1;
    }
  switch (pick)
    {
    case VS_FACE_PICK_LARGEST:
      return vs_faces_pick_largest (faces);
    case VS_FACE_PICK_CENTRAL:
      return vs_faces_pick_central (faces, image);
    case VS_FACE_PICK_ONLY:
    default:
      if (faces->len > 1)
        {
          g_set_error (error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_MANY_FACES,
                       _("%u faces found in “%s”, expected one"),
                       faces->len, name);
          return -1;
        }
      return 0;
    }
}

VsSample *
vs_engine_make_sample (VsEngine       *self,
                       const VsImage  *image,
                       const VsFace   *face,
                       const char     *source,
                       GError        **error)
{
  g_autofree float *embedding = g_new (float, self->embedder_info->dim);
  g_autoptr(VsImage) aligned = NULL;
  g_autoptr(GBytes) crop = NULL;

  if (!vs_engine_embed_face (self, image, face, embedding, &aligned, error))
    return NULL;
  crop = vs_image_encode_png (aligned, error);
  if (crop == NULL)
    return NULL;
  return vs_sample_new (self->embedder_info->id, embedding, self->embedder_info->dim,
                        CLAMP (face->score, 0.0, 1.0), crop, source);
}

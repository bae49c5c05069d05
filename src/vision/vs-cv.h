/* vs-cv.h: the one C++ file. A thin extern "C" shim over OpenCV; every
 * cv::Exception becomes a GError (VS_ENGINE_ERROR_FAILED or VS_IMAGE_ERROR). */
#pragma once

#include <glib.h>
#include "vs-face.h"
#include "vs-image.h"

G_BEGIN_DECLS

typedef struct _VsCvDetector VsCvDetector;
typedef struct _VsCvEmbedder VsCvEmbedder;
typedef struct _VsCvLandmarker VsCvLandmarker;

/* The square crop, in pixels, the landmark model looks at. */
#define VS_CV_LANDMARK_CROP 224

void          vs_cv_set_num_threads    (int n);

VsCvDetector *vs_cv_detector_new       (const char    *onnx_path,
                                        float          score_threshold,
                                        float          nms_threshold,
                                        GError       **error);
void          vs_cv_detector_free      (VsCvDetector  *self);
/* Appends VsFace to faces, coordinates in image pixels. */
gboolean      vs_cv_detector_detect    (VsCvDetector  *self,
                                        const VsImage *image,
                                        GArray        *faces,
                                        GError       **error);

VsCvLandmarker *vs_cv_landmarker_new  (const char    *onnx_path,
                                        GError       **error);
void          vs_cv_landmarker_free    (VsCvLandmarker *self);
/* Warps the picture by m into a VS_CV_LANDMARK_CROP square, finds the face
 * nearest its centre in the crop and in its mirror image, and writes the
 * mean of the two views' five landmarks, mapped back to picture coordinates
 * (the first view's alone when the mirror finds none); FALSE when the crop
 * has no such face. */
gboolean      vs_cv_landmarker_refine  (VsCvLandmarker *self,
                                        const VsImage  *image,
                                        const double    m[2][3],
                                        float           landmarks[5][2]);

VsCvEmbedder *vs_cv_embedder_new       (const char    *onnx_path,
                                        int            input_width,
                                        int            input_height,
                                        gboolean       swap_rb,
                                        const float    mean[3],
                                        float          scale,
                                        guint          dim,
                                        GError       **error);
void          vs_cv_embedder_free      (VsCvEmbedder  *self);
/* Raw (not normalised) network output, dim floats. */
gboolean      vs_cv_embedder_forward   (VsCvEmbedder  *self,
                                        const VsImage *aligned,
                                        float         *out,
                                        GError       **error);

/* reduce: 1, 2, 4 or 8 (JPEG decodes at that scale directly). */
VsImage      *vs_cv_decode             (const guint8  *data,
                                        gsize          len,
                                        int            reduce,
                                        GError       **error);
/* ext: ".png" or ".jpg". */
GBytes       *vs_cv_encode             (const VsImage *image,
                                        const char    *ext,
                                        GError       **error);
VsImage      *vs_cv_resize             (const VsImage *image,
                                        int            width,
                                        int            height);
VsImage      *vs_cv_warp_affine        (const VsImage *image,
                                        const double   m[2][3],
                                        int            width,
                                        int            height);
/* Variance of the Laplacian of the grey picture inside a box (sharpness), and
 * its mean brightness (0..255). */
void          vs_cv_sharpness_brightness (const VsImage *image,
                                          int x, int y, int width, int height,
                                          double *laplacian_variance,
                                          double *mean_brightness);

/* The similarity transform (rotation, uniform scale, translation) taking
 * src onto dst, by least median of squares; FALSE when OpenCV finds none. */
gboolean      vs_cv_estimate_similarity (const float src[5][2],
                                         const float dst[5][2],
                                         double      m[2][3]);

/* Standard deviation of the grey picture inside a box (0..255): how much
 * texture there is. The box is clipped to the picture; 0 when nothing is left. */
double        vs_cv_grey_stddev        (const VsImage *image,
                                        int x, int y, int width, int height);

G_END_DECLS

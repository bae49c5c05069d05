/* vs-quality.h: is this face good enough to enroll?
 *
 * Pure checks on one picture and its detections (no GTK, no engine): exactly
 * one face, big enough, sharp, well lit, roughly frontal. The first check
 * that fails names the issue; the figures measured are always filled in, so
 * a caller can show why and tests can calibrate.
 */
#pragma once

#include <glib.h>
#include "vs-face.h"
#include "vs-image.h"

G_BEGIN_DECLS

/* In the order the checks run: the report names the first that fails. */
typedef enum {
  VS_QUALITY_OK,
  VS_QUALITY_NO_FACE,
  VS_QUALITY_MANY_FACES,    /* more than one face of comparable size */
  VS_QUALITY_CUT_OFF,       /* the face box leaves the picture */
  VS_QUALITY_TOO_SMALL,     /* too far from the camera, or a tiny photo */
  VS_QUALITY_TOO_DARK,
  VS_QUALITY_TOO_BRIGHT,
  VS_QUALITY_BLURRY,
  VS_QUALITY_TILTED,        /* head rolled: eye line not level */
  VS_QUALITY_TURNED,        /* yaw or pitch too large: not looking at the camera */
  VS_QUALITY_N_ISSUES
} VsQualityIssue;

typedef struct {
  /* Faces smaller than this fraction of the largest (box height) are
   * ignored when counting: people far in the background. */
  float  ignore_fraction;
  /* Eye-to-mouth distance (pixels, from the landmarks): below min it is
   * always too small; at or above good it is always big enough; between,
   * the face box must be at least min_height_fraction of the picture's
   * height (the person is close enough to a low-resolution camera). */
  float  min_eye_mouth_px;
  float  good_eye_mouth_px;
  float  min_height_fraction;
  /* How much of the box may lie outside the picture (fraction of its area). */
  float  max_outside_fraction;
  /* Variance of the Laplacian over the face, scaled to a fixed size. */
  double min_sharpness;
  /* Mean grey level of the face, 0..255. */
  double min_brightness;
  double max_brightness;
  /* Degrees. */
  float  max_roll;
  float  max_yaw;
  float  max_pitch;
} VsQualityParams;

typedef struct {
  VsQualityIssue issue;
  int            face_index;      /* the face judged, -1 when none */
  guint          n_faces;         /* faces that counted */
  float          eye_mouth_px;
  float          height_fraction; /* face box height / picture height */
  float          outside_fraction;
  double         sharpness;
  double         brightness;
  float          roll, yaw, pitch; /* degrees, estimates from the landmarks */
} VsQualityReport;

/* The face height sharpness is measured at, whatever its size in the
 * picture, so that the threshold does not depend on the resolution. */
#define VS_QUALITY_SHARPNESS_SIZE 112

/* For a live camera: the person is guided until everything passes. */
void        vs_quality_params_init_camera (VsQualityParams       *params);
/* For photos the user picked: no closeness rule (a portrait may be a small
 * part of a big photo), a little more tolerance on pose. */
void        vs_quality_params_init_photo  (VsQualityParams       *params);

/* Head pose estimated from the five landmarks (degrees): roll from the eye
 * line, yaw from the nose's offset from the eyes' midpoint, pitch from the
 * nose's height between the eyes and the mouth. Positive yaw: the nose is
 * towards the picture's right; positive pitch: towards the mouth (looking
 * down). Rough, but monotonic: good for "roughly frontal" and for telling
 * poses apart. */
void        vs_quality_estimate_pose      (const VsFace          *face,
                                           float                 *roll,
                                           float                 *yaw,
                                           float                 *pitch);

/* Judges the picture and its detections (VsFace, as vs_engine_detect gives
 * them). Returns TRUE when report->issue is VS_QUALITY_OK. params NULL: the
 * camera defaults. */
gboolean    vs_quality_check              (const VsImage         *image,
                                           GArray                *faces,
                                           const VsQualityParams *params,
                                           VsQualityReport       *report);

/* A stable English identifier ("ok", "no-face", "blurry"…) for logs, JSON
 * and tests; people get translated hints from the app. */
const char *vs_quality_issue_to_string    (VsQualityIssue         issue);

G_END_DECLS

/* vs-quality.c
 *
 * Thresholds were calibrated on LFW (tests/test-quality.c prints the
 * figures): its 250×250 JPEGs are the softest pictures we want to accept, so
 * the sharpness bar sits below them and above the same faces box-blurred.
 */
#include "config.h"

#include <math.h>

#include "vs-cv.h"
#include "vs-quality.h"

/* Nose depth in front of the eyes over the distance between the eyes, for an
 * average head: turns the nose's sideways offset into a yaw angle. */
#define NOSE_DEPTH_RATIO 0.45f
/* Where the nose sits between the eye line (0) and the mouth line (1) when a
 * face looks straight at the camera (mean over LFW). */
#define NOSE_HEIGHT_FRONTAL 0.56f
/* How far that moves per radian of pitch (rough, from the same head model). */
#define NOSE_HEIGHT_PER_RADIAN 0.75f

void
vs_quality_params_init_camera (VsQualityParams *params)
{
  g_return_if_fail (params != NULL);

  params->ignore_fraction = 0.5f;
  params->min_eye_mouth_px = 24.0f;
  params->good_eye_mouth_px = 80.0f;
  params->min_height_fraction = 0.2f;
  params->max_outside_fraction = 0.1f;
  params->min_sharpness = 30.0;
  params->min_brightness = 50.0;
  params->max_brightness = 215.0;
  params->max_roll = 20.0f;
  params->max_yaw = 25.0f;
  params->max_pitch = 25.0f;
}

void
vs_quality_params_init_photo (VsQualityParams *params)
{
  vs_quality_params_init_camera (params);
  params->min_height_fraction = 0.0f;
  params->max_outside_fraction = 0.2f;
  params->max_roll = 25.0f;
  params->max_yaw = 35.0f;
  params->max_pitch = 30.0f;
}

static void
midpoint (const float a[2],
          const float b[2],
          float       out[2])
{
  out[0] = (a[0] + b[0]) / 2;
  out[1] = (a[1] + b[1]) / 2;
}

void
vs_quality_estimate_pose (const VsFace *face,
                          float        *roll,
                          float        *yaw,
                          float        *pitch)
{
  float eyes[2], mouth[2];
  float ex, ey, eye_dist, c, s;
  float nose_x, nose_y, mouth_y, ratio, height;

  g_return_if_fail (face != NULL);

  midpoint (face->landmarks[0], face->landmarks[1], eyes);
  midpoint (face->landmarks[3], face->landmarks[4], mouth);

  /* Landmark 0 is the subject's right eye: the viewer's left. */
  ex = face->landmarks[1][0] - face->landmarks[0][0];
  ey = face->landmarks[1][1] - face->landmarks[0][1];
  eye_dist = hypotf (ex, ey);

  if (roll != NULL)
    *roll = atan2f (ey, ex) * (float) (180.0 / G_PI);

  if (eye_dist < 1e-3f)
    {
      if (yaw != NULL)
        *yaw = 90.0f;
      if (pitch != NULL)
        *pitch = 90.0f;
      return;
    }

  /* Undo the roll: coordinates along the eye line and across it, from the
   * eyes' midpoint. */
  c = ex / eye_dist;
  s = ey / eye_dist;
  nose_x = (face->landmarks[2][0] - eyes[0]) * c + (face->landmarks[2][1] - eyes[1]) * s;
  nose_y = -(face->landmarks[2][0] - eyes[0]) * s + (face->landmarks[2][1] - eyes[1]) * c;
  mouth_y = -(mouth[0] - eyes[0]) * s + (mouth[1] - eyes[1]) * c;

  if (yaw != NULL)
    {
      ratio = nose_x / eye_dist;
      *yaw = atanf (ratio / NOSE_DEPTH_RATIO) * (float) (180.0 / G_PI);
    }

  if (pitch != NULL)
    {
      if (mouth_y < 1e-3f)
        *pitch = 90.0f;
      else
        {
          height = nose_y / mouth_y;
          *pitch = (height - NOSE_HEIGHT_FRONTAL) / NOSE_HEIGHT_PER_RADIAN * (float) (180.0 / G_PI);
          *pitch = CLAMP (*pitch, -90.0f, 90.0f);
        }
    }
}

static void
wrapped_unref (gpointer data)
{
  vs_image_unref (data);
}

/* Sharpness and brightness of the face box, scaled to a fixed height so that
 * a big face from a good camera and a small one are judged alike. */
static void
measure_face (const VsImage *image,
              const VsFace  *face,
              double        *sharpness,
              double        *brightness)
{
  int x0 = CLAMP ((int) floorf (face->x), 0, image->width - 1);
  int y0 = CLAMP ((int) floorf (face->y), 0, image->height - 1);
  int x1 = CLAMP ((int) ceilf (face->x + face->width), x0 + 1, image->width);
  int y1 = CLAMP ((int) ceilf (face->y + face->height), y0 + 1, image->height);
  int width = x1 - x0, height = y1 - y0;
  int scaled_width = MAX (1, (int) lround ((double) width * VS_QUALITY_SHARPNESS_SIZE / height));
  g_autoptr(VsImage) view = NULL;
  g_autoptr(VsImage) scaled = NULL;

  view = vs_image_new_wrap (width, height, image->stride,
                            image->data + (gsize) y0 * image->stride + (gsize) x0 * 3,
                            wrapped_unref, vs_image_ref ((VsImage *) image));
  scaled = vs_cv_resize (view, scaled_width, VS_QUALITY_SHARPNESS_SIZE);
  vs_cv_sharpness_brightness (scaled, 0, 0, scaled->width, scaled->height,
                              sharpness, brightness);
}

static float
outside_fraction (const VsImage *image,
                  const VsFace  *face)
{
  float ix0 = MAX (face->x, 0.0f);
  float iy0 = MAX (face->y, 0.0f);
  float ix1 = MIN (face->x + face->width, (float) image->width);
  float iy1 = MIN (face->y + face->height, (float) image->height);
  float area = face->width * face->height;
  float inside = MAX (ix1 - ix0, 0.0f) * MAX (iy1 - iy0, 0.0f);

  if (area <= 0)
    return 1.0f;
  return 1.0f - inside / area;
}

gboolean
vs_quality_check (const VsImage         *image,
                  GArray                *faces,
                  const VsQualityParams *params,
                  VsQualityReport       *report)
{
  VsQualityParams defaults;
  const VsFace *face;
  float eyes[2], mouth[2];
  float largest = 0;
  int best = -1;

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (faces != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  if (params == NULL)
    {
      vs_quality_params_init_camera (&defaults);
      params = &defaults;
    }

  memset (report, 0, sizeof *report);
  report->face_index = -1;

  for (guint i = 0; i < faces->len; i++)
    {
      const VsFace *f = &g_array_index (faces, VsFace, i);

      if (f->height > largest)
        {
          largest = f->height;
          best = (int) i;
        }
    }

  if (best < 0)
    {
      report->issue = VS_QUALITY_NO_FACE;
      return FALSE;
    }

  for (guint i = 0; i < faces->len; i++)
    if (g_array_index (faces, VsFace, i).height >= largest * params->ignore_fraction)
      report->n_faces++;

  face = &g_array_index (faces, VsFace, best);
  report->face_index = best;

  /* Measure everything first: the figures are useful even when an earlier
   * check fails. */
  midpoint (face->landmarks[0], face->landmarks[1], eyes);
  midpoint (face->landmarks[3], face->landmarks[4], mouth);
  report->eye_mouth_px = hypotf (mouth[0] - eyes[0], mouth[1] - eyes[1]);
  report->height_fraction = face->height / (float) image->height;
  report->outside_fraction = outside_fraction (image, face);
  measure_face (image, face, &report->sharpness, &report->brightness);
  vs_quality_estimate_pose (face, &report->roll, &report->yaw, &report->pitch);

  if (report->n_faces > 1)
    report->issue = VS_QUALITY_MANY_FACES;
  else if (report->outside_fraction > params->max_outside_fraction)
    report->issue = VS_QUALITY_CUT_OFF;
  else if (report->eye_mouth_px < params->min_eye_mouth_px ||
           (report->eye_mouth_px < params->good_eye_mouth_px &&
            report->height_fraction < params->min_height_fraction))
    report->issue = VS_QUALITY_TOO_SMALL;
  else if (report->brightness < params->min_brightness)
    report->issue = VS_QUALITY_TOO_DARK;
  else if (report->brightness > params->max_brightness)
    report->issue = VS_QUALITY_TOO_BRIGHT;
  else if (report->sharpness < params->min_sharpness)
    report->issue = VS_QUALITY_BLURRY;
  else if (fabsf (report->roll) > params->max_roll)
    report->issue = VS_QUALITY_TILTED;
  else if (fabsf (report->yaw) > params->max_yaw ||
           fabsf (report->pitch) > params->max_pitch)
    report->issue = VS_QUALITY_TURNED;
  else
    report->issue = VS_QUALITY_OK;

  return report->issue == VS_QUALITY_OK;
}

const char *
vs_quality_issue_to_string (VsQualityIssue issue)
{
  static const char *names[] = {
    [VS_QUALITY_OK] = "ok",
    [VS_QUALITY_NO_FACE] = "no-face",
    [VS_QUALITY_MANY_FACES] = "many-faces",
    [VS_QUALITY_CUT_OFF] = "cut-off",
    [VS_QUALITY_TOO_SMALL] = "too-small",
    [VS_QUALITY_TOO_DARK] = "too-dark",
    [VS_QUALITY_TOO_BRIGHT] = "too-bright",
    [VS_QUALITY_BLURRY] = "blurry",
    [VS_QUALITY_TILTED] = "tilted",
    [VS_QUALITY_TURNED] = "turned",
  };

  g_return_val_if_fail (issue < VS_QUALITY_N_ISSUES, "invalid");

  return names[issue];
}

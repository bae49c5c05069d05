/* Alignment maths: the similarity transform onto the ArcFace template. */
#include "config.h"

#include <math.h>

#include "vs-align.h"
#include "vs-test-util.h"
#include "vs-cv.h"

static void
transform_points (const float src[5][2], double angle, double scale, double tx, double ty, float dst[5][2])
{
  for (int i = 0; i < 5; i++)
    {
      dst[i][0] = (float) (scale * (cos (angle) * src[i][0] - sin (angle) * src[i][1]) + tx);
      dst[i][1] = (float) (scale * (sin (angle) * src[i][0] + cos (angle) * src[i][1]) + ty);
    }
}

/* A face rotated, scaled and moved is mapped exactly back onto the template. */
static void
test_align_recovers_similarity (void)
{
  const double angles[] = { 0, 0.3, -0.7, 1.5, 3.0 };

  for (guint a = 0; a < G_N_ELEMENTS (angles); a++)
    {
      float face[5][2];
      double m[2][3];

      transform_points (vs_align_template, angles[a], 2.7, 130.0, -40.0, face);
      g_assert_true (vs_align_similarity (face, vs_align_template, m));
      for (int i = 0; i < 5; i++)
        {
          float x, y;
          vs_align_apply (m, face[i][0], face[i][1], &x, &y);
          g_assert_cmpfloat_with_epsilon (x, vs_align_template[i][0], 1e-3);
          g_assert_cmpfloat_with_epsilon (y, vs_align_template[i][1], 1e-3);
        }
      /* The matrix is a similarity: [a -b; b a] with scale 1/2.7. */
      g_assert_cmpfloat_with_epsilon (m[0][0], m[1][1], 1e-9);
      g_assert_cmpfloat_with_epsilon (m[0][1], -m[1][0], 1e-9);
      g_assert_cmpfloat_with_epsilon (hypot (m[0][0], m[1][0]), 1 / 2.7, 1e-6);
    }
}

/* Noisy landmarks give the least-squares fit: the mean residual is zero and
 * the fit is better than any small perturbation of it. */
static void
test_align_least_squares (void)
{
  float face[5][2];
  double m[2][3];
  double best = 0, sx = 0, sy = 0;
  GRand *rand = g_rand_new_with_seed (7);

  transform_points (vs_align_template, 0.2, 1.3, 20, 30, face);
  for (int i = 0; i < 5; i++)
    {
      face[i][0] += (float) g_rand_double_range (rand, -2, 2);
      face[i][1] += (float) g_rand_double_range (rand, -2, 2);
    }
  g_assert_true (vs_align_similarity (face, vs_align_template, m));

  for (int i = 0; i < 5; i++)
    {
      float x, y;
      vs_align_apply (m, face[i][0], face[i][1], &x, &y);
      sx += x - vs_align_template[i][0];
      sy += y - vs_align_template[i][1];
      best += pow (x - vs_align_template[i][0], 2) + pow (y - vs_align_template[i][1], 2);
    }
  g_assert_cmpfloat_with_epsilon (sx, 0, 1e-3);
  g_assert_cmpfloat_with_epsilon (sy, 0, 1e-3);

  /* Nudge each of the four similarity parameters (a, b, tx, ty) both ways. */
  for (int k = 0; k < 8; k++)
    {
      double params[4] = { m[0][0], m[1][0], m[0][2], m[1][2] };
      double p[2][3];
      double err = 0;

      params[k / 2] += (k % 2 ? -1 : 1) * (k < 4 ? 1e-3 : 1e-2);
      p[0][0] = params[0]; p[0][1] = -params[1]; p[0][2] = params[2];
      p[1][0] = params[1]; p[1][1] = params[0];  p[1][2] = params[3];
      for (int i = 0; i < 5; i++)
        {
          float x, y;
          vs_align_apply (p, face[i][0], face[i][1], &x, &y);
          err += pow (x - vs_align_template[i][0], 2) + pow (y - vs_align_template[i][1], 2);
        }
      g_assert_cmpfloat (err, >, best);
    }
  g_rand_free (rand);
}

/* A mirrored face is not turned into a reflection: the fit stays a proper
 * rotation (det > 0), as a warp must not mirror the face. */
static void
test_align_no_reflection (void)
{
  float mirrored[5][2];
  double m[2][3];

  for (int i = 0; i < 5; i++)
    {
      mirrored[i][0] = 200 - vs_align_template[i][0];
      mirrored[i][1] = vs_align_template[i][1];
    }
  g_assert_true (vs_align_similarity (mirrored, vs_align_template, m));
  g_assert_cmpfloat (m[0][0] * m[1][1] - m[0][1] * m[1][0], >, 0);
}

static void
test_align_degenerate (void)
{
  float same[5][2] = { { 10, 10 }, { 10, 10 }, { 10, 10 }, { 10, 10 }, { 10, 10 } };
  double m[2][3];

  g_assert_false (vs_align_similarity (same, vs_align_template, m));
}

/* One landmark far off (a mouth corner under a hand): least median of
 * squares, what the engine aligns with, still maps the other four exactly
 * onto the template; least squares is pulled off by the outlier. */
static void
test_align_lmeds_ignores_outlier (void)
{
  float face[5][2];
  double m[2][3], lsq[2][3];
  double worst = 0, worst_lsq = 0;

  transform_points (vs_align_template, 0.4, 1.8, 60.0, 25.0, face);
  face[4][0] += 30;
  face[4][1] -= 25;

  g_assert_true (vs_cv_estimate_similarity (face, vs_align_template, m));
  g_assert_true (vs_align_similarity (face, vs_align_template, lsq));
  for (int i = 0; i < 4; i++)
    {
      float x, y;

      vs_align_apply (m, face[i][0], face[i][1], &x, &y);
      worst = MAX (worst, hypot (x - vs_align_template[i][0], y - vs_align_template[i][1]));
      vs_align_apply (lsq, face[i][0], face[i][1], &x, &y);
      worst_lsq = MAX (worst_lsq, hypot (x - vs_align_template[i][0], y - vs_align_template[i][1]));
    }
  g_test_message ("inliers off by at most %.4f px (LMEDS), %.2f px (least squares)", worst, worst_lsq);
  g_assert_cmpfloat (worst, <, 0.05);
  g_assert_cmpfloat (worst_lsq, >, 1.0);
}

int
main (int argc, char **argv)
{
  vs_test_init (&argc, &argv);
  g_test_add_func ("/align/recovers-similarity", test_align_recovers_similarity);
  g_test_add_func ("/align/least-squares", test_align_least_squares);
  g_test_add_func ("/align/no-reflection", test_align_no_reflection);
  g_test_add_func ("/align/degenerate", test_align_degenerate);
  g_test_add_func ("/align/lmeds-ignores-outlier", test_align_lmeds_ignores_outlier);
  return g_test_run ();
}

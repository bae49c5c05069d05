/* vs-align.c: the similarity transform behind face alignment.
 *
 * Least squares over the five landmarks, in closed form: with centred points
 * p and q written as complex numbers, the best rotation+scale is
 * a = Σ conj(p)·q / Σ |p|², and the translation follows from the means.
 */
#include "config.h"

#include "vs-align.h"

const float vs_align_template[5][2] = {
  { 38.2946f, 51.6963f },
  { 73.5318f, 51.5014f },
  { 56.0252f, 71.7366f },
  { 41.5493f, 92.3655f },
  { 70.7299f, 92.2041f },
};

gboolean
vs_align_similarity (const float src[5][2],
                     const float dst[5][2],
                     double      m[2][3])
{
  double sx = 0, sy = 0, dx = 0, dy = 0;
  double num_re = 0, num_im = 0, den = 0;
  double a, b;

  for (int i = 0; i < 5; i++)
    {
      sx += src[i][0];
      sy += src[i][1];
      dx += dst[i][0];
      dy += dst[i][1];
    }
  sx /= 5; sy /= 5; dx /= 5; dy /= 5;

  for (int i = 0; i < 5; i++)
    {
      double px = src[i][0] - sx, py = src[i][1] - sy;
      double qx = dst[i][0] - dx, qy = dst[i][1] - dy;

      num_re += px * qx + py * qy;
      num_im += px * qy - py * qx;
      den += px * px + py * py;
    }

  if (den < 1e-9)
    return FALSE;

  a = num_re / den;
  b = num_im / den;
  m[0][0] = a;
  m[0][1] = -b;
  m[0][2] = dx - (a * sx - b * sy);
  m[1][0] = b;
  m[1][1] = a;
  m[1][2] = dy - (b * sx + a * sy);
  return TRUE;
}

void
vs_align_apply (const double m[2][3],
                float        x,
                float        y,
                float       *ox,
                float       *oy)
{
  *ox = (float) (m[0][0] * x + m[0][1] * y + m[0][2]);
  *oy = (float) (m[1][0] * x + m[1][1] * y + m[1][2]);
}

/* vs-align.h: 5-point similarity alignment onto the 112×112 ArcFace template. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_ALIGN_SIZE 112

/* The standard ArcFace template: right eye, left eye (in the picture: the
 * subject's right eye is on the viewer's left), nose tip, mouth corners. */
extern const float vs_align_template[5][2];

/* A 2×3 affine matrix [a -b tx; b a ty] mapping src points onto dst points in
 * the least-squares sense (Umeyama, no reflection). Returns FALSE when the
 * points are degenerate (all equal). */
gboolean vs_align_similarity (const float src[5][2],
                              const float dst[5][2],
                              double      m[2][3]);

/* Applies m to (x, y). */
void     vs_align_apply      (const double m[2][3],
                              float        x,
                              float        y,
                              float       *ox,
                              float       *oy);

G_END_DECLS

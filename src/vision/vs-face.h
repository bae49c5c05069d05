/* vs-face.h: one detected face. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  float x, y, width, height;   /* box in image pixels */
  float landmarks[5][2];       /* right eye, left eye, nose, right/left mouth corner */
  float score;                 /* detector confidence, 0..1 */
} VsFace;

G_END_DECLS

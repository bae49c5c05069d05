/* vs-image-pixbuf.h: pictures OpenCV 4.6 cannot read — HEIC and AVIF from
 * phones — decoded by the GdkPixbuf loaders Debian ships for them
 * (heif-gdk-pixbuf, libavif-gdk-pixbuf). vs_image_decode() calls these, so
 * the engine, the CLI and the images: source share one decoder path and
 * its size limits. */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "vs-image.h"

G_BEGIN_DECLS

/* TRUE when data is an ISO media file with a HEIF or AVIF brand; width and
 * height are those of its largest image ("ispe"), 0 when it has none. */
gboolean   vs_image_pixbuf_probe      (const guint8   *data,
                                       gsize           len,
                                       int            *width,
                                       int            *height);
/* Decodes a picture vs_image_pixbuf_probe() accepted, with the rotation
 * and mirroring the file asks for, into 8-bit BGR. */
VsImage   *vs_image_pixbuf_decode     (const guint8   *data,
                                       gsize           len,
                                       GError        **error);
/* An RGB pixbuf with the picture's pixels (for drawing it). */
GdkPixbuf *vs_image_to_pixbuf         (const VsImage  *image);

G_END_DECLS

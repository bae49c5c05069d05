/* vs-image.h: an 8-bit BGR picture in memory, the engine's input. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_IMAGE_ERROR (vs_image_error_quark ())
GQuark vs_image_error_quark (void);

typedef enum {
  VS_IMAGE_ERROR_NOT_FOUND,   /* no such file */
  VS_IMAGE_ERROR_NOT_A_FILE,  /* a directory, a device… */
  VS_IMAGE_ERROR_EMPTY,       /* zero bytes */
  VS_IMAGE_ERROR_FORMAT,      /* not an image we can read, or truncated */
  VS_IMAGE_ERROR_TOO_LARGE,   /* more pixels than we are willing to decode */
  VS_IMAGE_ERROR_IO,
} VsImageError;

/* Images larger than this are decoded at a reduced scale (JPEG) or refused. */
#define VS_IMAGE_MAX_PIXELS (40u * 1000u * 1000u)
/* No decoder call may need more memory than this, all buffers counted. */
#define VS_IMAGE_MAX_DECODE_BYTES (320u * 1000u * 1000u)
/* Picture files are read into memory whole; larger ones are refused. */
#define VS_IMAGE_MAX_FILE_BYTES (256u * 1000u * 1000u)

typedef struct {
  int     width;
  int     height;
  int     stride;      /* bytes per row */
  guint8 *data;        /* BGR, 3 bytes per pixel */
  gatomicrefcount ref_count;
  GDestroyNotify  free_func;  /* frees data; NULL when owned by the image */
  gpointer        free_data;
} VsImage;

/* A new, zeroed width×height image. */
VsImage *vs_image_new           (int              width,
                                 int              height);
/* Wraps external BGR bytes without copying; free_func(free_data) runs when
 * the last reference goes. */
VsImage *vs_image_new_wrap      (int              width,
                                 int              height,
                                 int              stride,
                                 guint8          *data,
                                 GDestroyNotify   free_func,
                                 gpointer         free_data);
VsImage *vs_image_ref           (VsImage         *self);
void     vs_image_unref         (VsImage         *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsImage, vs_image_unref)

/* JPEG, PNG, WebP, BMP (OpenCV), HEIC, AVIF (GdkPixbuf); orientation
 * applied; grey, RGBA and 16-bit converted to 8-bit BGR. Never decodes more
 * than VS_IMAGE_MAX_PIXELS nor needs more than VS_IMAGE_MAX_DECODE_BYTES; the
 * file is read into memory first, so changing it meanwhile cannot crash the
 * process. */
VsImage *vs_image_load          (const char      *path,
                                 GError         **error);
VsImage *vs_image_decode        (GBytes          *bytes,
                                 const char      *name_for_errors,
                                 GError         **error);

/* Size from the file header alone (PNG, JPEG, WebP, BMP, HEIC, AVIF). FALSE if unknown. */
gboolean vs_image_probe_size    (const guint8    *data,
                                 gsize            len,
                                 int             *width,
                                 int             *height);

GBytes  *vs_image_encode_png    (const VsImage   *self,
                                 GError         **error);
gboolean vs_image_save          (const VsImage   *self,
                                 const char      *path,
                                 GError         **error);

G_END_DECLS

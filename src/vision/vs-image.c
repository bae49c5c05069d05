/* vs-image.c: loading pictures safely.
 *
 * The header is read first so that a 20000×20000 picture is never decoded at
 * full size: JPEGs are decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself,
 * anything else that large is refused.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "vs-cv.h"
#include "vs-image.h"
#include "vs-image-pixbuf.h"

G_DEFINE_QUARK (vs-image-error-quark, vs_image_error)

VsImage *
vs_image_new (int width,
              int height)
{
  VsImage *self;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_new0 (VsImage, 1);
  self->width = width;
  self->height = height;
  self->stride = width * 3;
  self->data = g_malloc0 ((gsize) self->stride * height);
  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

VsImage *
vs_image_new_wrap (int             width,
                   int             height,
                   int             stride,
                   guint8         *data,
                   GDestroyNotify  free_func,
                   gpointer        free_data)
{
  VsImage *self;

  g_return_val_if_fail (width > 0 && height > 0 && stride >= width * 3, NULL);

  self = g_new0 (VsImage, 1);
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->data = data;
  self->free_func = free_func;
  self->free_data = free_data;
  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

VsImage *
vs_image_ref (VsImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vs_image_unref (VsImage *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  if (self->free_func != NULL)
    self->free_func (self->free_data);
  else
    g_free (self->data);
  g_free (self);
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static gboolean
probe_jpeg (const guint8 *d, gsize len, int *w, int *h)
{
  gsize i = 2;

  while (i + 9 < len)
    {
      guint8 marker;
      gsize seg;

      if (d[i] != 0xFF)
        return FALSE;
      marker = d[i + 1];
      if (marker == 0xFF)
        {
          i++;
          continue;
        }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
        {
          i += 2;
          continue;
        }
      seg = ((gsize) d[i + 2] << 8) | d[i + 3];
      /* SOF0..SOF15 carry the size; C4 (DHT), C8 (JPG), CC (DAC) do not. */
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        {
          *h = (d[i + 5] << 8) | d[i + 6];
          *w = (d[i + 7] << 8) | d[i + 8];
          return *w > 0 && *h > 0;
        }
      if (marker == 0xDA || seg < 2)
        return FALSE;
      i += 2 + seg;
    }
  return FALSE;
}

gboolean
vs_image_probe_size (const guint8 *d,
                     gsize         len,
                     int          *width,
                     int          *height)
{
  int w = 0, h = 0;

  if (len >= 24 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp (d + 12, "IHDR", 4) == 0)
    {
      w = (int) MIN (be32 (d + 16), (guint32) G_MAXINT);
      h = (int) MIN (be32 (d + 20), (guint32) G_MAXINT);
    }
  else if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
    {
      if (!probe_jpeg (d, len, &w, &h))
        return FALSE;
    }
  else if (len >= 26 && d[0] == 'B' && d[1] == 'M')
    {
      gint32 bh = (gint32) le32 (d + 22);
      w = (int) MIN (le32 (d + 18), (guint32) G_MAXINT);
      h = bh == G_MININT32 ? G_MAXINT : ABS (bh);
    }
  else if (len >= 30 && memcmp (d, "RIFF", 4) == 0 && memcmp (d + 8, "WEBP", 4) == 0)
    {
      const guint8 *c = d + 12;

      if (memcmp (c, "VP8 ", 4) == 0 && c[11] == 0x9d && c[12] == 0x01 && c[13] == 0x2a)
        {
          w = (c[14] | (c[15] << 8)) & 0x3fff;
          h = (c[16] | (c[17] << 8)) & 0x3fff;
        }
      else if (memcmp (c, "VP8L", 4) == 0 && c[8] == 0x2f)
        {
          guint32 bits = le32 (c + 9);
          w = (int) (bits & 0x3fff) + 1;
          h = (int) ((bits >> 14) & 0x3fff) + 1;
        }
      else if (memcmp (c, "VP8X", 4) == 0)
        {
          w = (int) ((c[12] | (c[13] << 8) | (c[14] << 16)) + 1);
          h = (int) ((c[15] | (c[16] << 8) | (c[17] << 16)) + 1);
        }
    }

  else
    vs_image_pixbuf_probe (d, len, &w, &h);   /* HEIC, AVIF */

  if (w <= 0 || h <= 0)
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

/* libjpeg fills a cut-off JPEG with grey and only warns; a complete one has
 * an EOI marker after its last start-of-scan. */
static gboolean
jpeg_is_complete (const guint8 *d,
                  gsize         len)
{
  gsize last_sos = 0;

  for (gsize i = 2; i + 1 < len; i++)
    if (d[i] == 0xFF && d[i + 1] == 0xDA)
      last_sos = i;

  if (last_sos == 0)
    return FALSE;
  for (gsize i = last_sos + 2; i + 1 < len; i++)
    if (d[i] == 0xFF && d[i + 1] == 0xD9)
      return TRUE;
  return FALSE;
}

VsImage *
vs_image_decode (GBytes      *bytes,
                 const char  *name,
                 GError     **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr(GError) local_error = NULL;
  VsImage *image;
  int width, height, reduce = 1;
  guint64 pixels;

  if (name == NULL)
    name = "picture";

  if (len == 0)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_EMPTY, _("“%s” is empty"), name);
      return NULL;
    }
  if (!vs_image_probe_size (data, len, &width, &height))
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                   _("“%s” is not a JPEG, PNG, WebP, BMP, HEIC or AVIF picture, or it is damaged"), name);
      return NULL;
    }

  pixels = (guint64) width * height;
  if (pixels > VS_IMAGE_MAX_PIXELS && data[0] == 0xFF)
    while (reduce < 8 && pixels / ((guint64) reduce * reduce) > VS_IMAGE_MAX_PIXELS)
      reduce *= 2;
  if (pixels / ((guint64) reduce * reduce) > VS_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is %d×%d pixels, too large: Visage reads pictures of up to %u megapixels"),
                   name, width, height, VS_IMAGE_MAX_PIXELS / 1000000);
      return NULL;
    }

  if (data[0] == 0xFF && !jpeg_is_complete (data, len))
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                   _("“%s” is cut off: the JPEG data ends before the picture does"), name);
      return NULL;
    }

  if (vs_image_pixbuf_probe (data, len, &width, &height))
    image = vs_image_pixbuf_decode (data, len, &local_error);
  else
    image = vs_cv_decode (data, len, reduce, &local_error);
  if (image == NULL)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT, "“%s”: %s", name, local_error->message);
      return NULL;
    }
  if (reduce > 1)
    g_debug ("Decoded %s at 1/%d scale (%d×%d)", name, reduce, image->width, image->height);
  return image;
}

VsImage *
vs_image_load (const char  *path,
               GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_NOT_FOUND,
                   _("“%s” does not exist"), path);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_NOT_A_FILE,
                   S_ISDIR (st.st_mode) ? _("“%s” is a folder, not a picture")
                                        : _("“%s” is not a regular file"), path);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_EMPTY, _("“%s” is empty"), path);
      return NULL;
    }

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_IO, _("Could not read “%s”: %s"),
                   path, local_error->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  return vs_image_decode (bytes, path, error);
}

GBytes *
vs_image_encode_png (const VsImage  *self,
                     GError        **error)
{
  return vs_cv_encode (self, ".png", error);
}

gboolean
vs_image_save (const VsImage  *self,
               const char     *path,
               GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const char *ext = g_str_has_suffix (path, ".png") ? ".png" : ".jpg";

  bytes = vs_cv_encode (self, ext, error);
  if (bytes == NULL)
    return FALSE;
  return g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

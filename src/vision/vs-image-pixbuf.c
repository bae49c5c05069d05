/* vs-image-pixbuf.c: HEIC and AVIF through GdkPixbuf.
 *
 * The size is read from the file's "ispe" boxes before anything is decoded,
 * so vs_image_decode() refuses a decompression bomb here as it does for
 * JPEG or PNG; the loader's size-prepared signal checks it once more. Only
 * the HEIF and AVIF loaders are asked (by MIME type), never whatever
 * loader would claim the bytes.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vs-image-pixbuf.h"

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
has_brand (const guint8 *d,
           gsize         box_end,
           const char   *brand)
{
  /* The major brand at 8, the compatible ones from 16 (after the minor
   * version). */
  if (memcmp (d + 8, brand, 4) == 0)
    return TRUE;
  for (gsize at = 16; at + 4 <= box_end; at += 4)
    if (memcmp (d + at, brand, 4) == 0)
      return TRUE;
  return FALSE;
}

/* The MIME type of an ISO media file with a HEIF or AVIF brand, or NULL.
 * An AVIF may start with the generic "mif1": its "avif" brand decides. */
static const char *
brand_mime_type (const guint8 *d,
                 gsize         len)
{
  static const char * const heif_brands[] = {
    "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1",
  };
  gsize box_end;

  if (len < 16 || memcmp (d + 4, "ftyp", 4) != 0)
    return NULL;
  box_end = MIN ((gsize) be32 (d), MIN (len, (gsize) 4096));
  if (has_brand (d, box_end, "avif") || has_brand (d, box_end, "avis"))
    return "image/avif";
  for (guint i = 0; i < G_N_ELEMENTS (heif_brands); i++)
    if (has_brand (d, box_end, heif_brands[i]))
      return "image/heif";
  return NULL;
}

gboolean
vs_image_pixbuf_probe (const guint8 *d,
                       gsize         len,
                       int          *width,
                       int          *height)
{
  guint64 best = 0;

  if (brand_mime_type (d, len) == NULL)
    return FALSE;

  /* "ispe" (image spatial extents): size, type, version+flags, width,
   * height. A grid picture's own ispe is the largest. */
  *width = *height = 0;
  for (gsize i = 4; i + 16 <= len; i++)
    if (d[i] == 'i' && memcmp (d + i, "ispe", 4) == 0 && be32 (d + i - 4) >= 20)
      {
        guint32 w = be32 (d + i + 8), h = be32 (d + i + 12);

        if ((guint64) w * h > best)
          {
            best = (guint64) w * h;
            *width = (int) MIN (w, (guint32) G_MAXINT);
            *height = (int) MIN (h, (guint32) G_MAXINT);
          }
      }
  return TRUE;
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  gboolean *too_large = user_data;

  /* A size the boxes did not announce: keep the decoder from allocating it. */
  if (width <= 0 || height <= 0 || (guint64) width * height > VS_IMAGE_MAX_PIXELS)
    {
      *too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 1, 1);
    }
}

VsImage *
vs_image_pixbuf_decode (const guint8  *data,
                        gsize          len,
                        GError       **error)
{
  const char *mime = brand_mime_type (data, len);
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean too_large = FALSE;
  GdkPixbuf *pixbuf;
  const guint8 *pixels;
  int width, height, rowstride, channels;
  VsImage *image;

  g_return_val_if_fail (mime != NULL, NULL);

  loader = gdk_pixbuf_loader_new_with_mime_type (mime, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                   _("No decoder for %s pictures is installed (Debian: heif-gdk-pixbuf, "
                     "libavif-gdk-pixbuf)"), mime);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &too_large);

  if (!gdk_pixbuf_loader_write (loader, data, len, &local_error) ||
      !gdk_pixbuf_loader_close (loader, &local_error))
    {
      /* close() after a failed write only to release the decoder. */
      gdk_pixbuf_loader_close (loader, NULL);
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                   _("The picture could not be decoded: %s"), local_error->message);
      return NULL;
    }
  if (too_large)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_TOO_LARGE,
                   _("The picture is too large: Visage reads pictures of up to %u megapixels"),
                   VS_IMAGE_MAX_PIXELS / 1000000);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
    {
      g_set_error_literal (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                           _("The picture could not be decoded"));
      return NULL;
    }

  /* libheif applies the file's rotation and mirroring itself; a loader
   * that reports an EXIF orientation instead gets it applied here. */
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  width = gdk_pixbuf_get_width (oriented);
  height = gdk_pixbuf_get_height (oriented);
  rowstride = gdk_pixbuf_get_rowstride (oriented);
  channels = gdk_pixbuf_get_n_channels (oriented);
  pixels = gdk_pixbuf_read_pixels (oriented);

  /* RGB(A) to BGR; alpha is dropped, as OpenCV's decoder drops it. */
  image = vs_image_new (width, height);
  for (int y = 0; y < height; y++)
    {
      const guint8 *in = pixels + (gsize) y * rowstride;
      guint8 *out = image->data + (gsize) y * image->stride;

      for (int x = 0; x < width; x++, in += channels, out += 3)
        {
          out[0] = in[2];
          out[1] = in[1];
          out[2] = in[0];
        }
    }
  return image;
}

GdkPixbuf *
vs_image_to_pixbuf (const VsImage *image)
{
  GdkPixbuf *pixbuf;
  guint8 *pixels;
  int rowstride;

  g_return_val_if_fail (image != NULL, NULL);

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, image->width, image->height);
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *in = image->data + (gsize) y * image->stride;
      guint8 *out = pixels + (gsize) y * rowstride;

      for (int x = 0; x < image->width; x++, in += 3, out += 3)
        {
          out[0] = in[2];
          out[1] = in[1];
          out[2] = in[0];
        }
    }
  return pixbuf;
}

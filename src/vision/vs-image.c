/* vs-image.c: loading pictures safely.
 *
 * The header is read first so that a 20000×20000 picture is never decoded at
 * full size: JPEGs are decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself,
 * anything else that large is refused. Every decoder call is bounded before
 * it runs: the memory it will need (including the full-size coefficient
 * buffer of a progressive JPEG, which scaling does not shrink) must fit in
 * VS_IMAGE_MAX_DECODE_BYTES, and PNG chunks are checked against the file
 * size, with the text and profile chunks that libpng would inflate dropped.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* What the JPEG header says about the memory its decoding needs. */
typedef struct {
  int      width, height;
  int      n_components;
  int      h_samp[4], v_samp[4];
  gboolean progressive;
  gboolean buffered;      /* progressive, or the first scan lacks components */
} JpegHeader;

/* Reads the segments up to the first start-of-scan. FALSE if the frame
 * header is missing or damaged. */
static gboolean
parse_jpeg (const guint8 *d,
            gsize         len,
            JpegHeader   *hdr)
{
  gsize i = 2;
  gboolean have_frame = FALSE;

  memset (hdr, 0, sizeof *hdr);
  while (i + 3 < len)
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
      if (seg < 2)
        return FALSE;
      /* SOF0..SOF15 carry the size; C4 (DHT), C8 (JPG), CC (DAC) do not. */
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        {
          if (i + 10 > len)
            return FALSE;
          hdr->height = (d[i + 5] << 8) | d[i + 6];
          hdr->width = (d[i + 7] << 8) | d[i + 8];
          hdr->n_components = d[i + 9];
          /* SOF2, SOF6, SOF10, SOF14: every coefficient is kept until the
           * last scan. */
          hdr->progressive = (marker & 0x03) == 0x02;
          if (hdr->width <= 0 || hdr->height <= 0)
            return FALSE;
          /* Only the size is needed when the rest is not there yet. */
          if (hdr->n_components >= 1 && hdr->n_components <= 4 &&
              i + 10 + 3 * (gsize) hdr->n_components <= len && seg >= 8 + 3 * (gsize) hdr->n_components)
            for (int c = 0; c < hdr->n_components; c++)
              {
                hdr->h_samp[c] = d[i + 11 + 3 * c] >> 4;
                hdr->v_samp[c] = d[i + 11 + 3 * c] & 0x0f;
              }
          have_frame = TRUE;
        }
      else if (marker == 0xDA)
        {
          if (i + 4 < len && have_frame && d[i + 4] < hdr->n_components)
            hdr->buffered = TRUE;
          break;
        }
      i += 2 + seg;
    }
  if (hdr->progressive)
    hdr->buffered = TRUE;
  return have_frame;
}

/* Bytes libjpeg allocates for the whole-picture coefficient buffer that a
 * progressive (or non-interleaved) JPEG needs, whatever the output scale:
 * 64 16-bit coefficients per 8×8 block of every component. G_MAXUINT64 when
 * the sampling factors are invalid. */
static guint64
jpeg_coefficient_bytes (const JpegHeader *hdr)
{
  int h_max = 1, v_max = 1;
  guint64 total = 0;

  for (int c = 0; c < hdr->n_components; c++)
    {
      if (hdr->h_samp[c] < 1 || hdr->h_samp[c] > 4 || hdr->v_samp[c] < 1 || hdr->v_samp[c] > 4)
        return G_MAXUINT64;
      h_max = MAX (h_max, hdr->h_samp[c]);
      v_max = MAX (v_max, hdr->v_samp[c]);
    }
  for (int c = 0; c < hdr->n_components; c++)
    {
      /* Blocks per row and column, rounded up to whole MCUs. */
      guint64 mcu_w = (hdr->width + 8 * h_max - 1) / (8 * h_max);
      guint64 mcu_h = (hdr->height + 8 * v_max - 1) / (8 * v_max);
      total += mcu_w * hdr->h_samp[c] * mcu_h * hdr->v_samp[c] * 64 * 2;
    }
  return total;
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
      JpegHeader hdr;

      if (!parse_jpeg (d, len, &hdr))
        return FALSE;
      w = hdr.width;
      h = hdr.height;
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

/* PNG chunks that libpng inflates or buffers beyond the pixels: text and
 * colour profiles can claim gigabytes from a few kilobytes. Visage needs
 * none of them. */
static gboolean
png_chunk_is_dropped (const guint8 *type)
{
  return memcmp (type, "zTXt", 4) == 0 || memcmp (type, "iTXt", 4) == 0 ||
         memcmp (type, "tEXt", 4) == 0 || memcmp (type, "iCCP", 4) == 0;
}

/* Checks that every chunk lies inside the file (a length field is never
 * trusted to allocate) and returns the file without the dropped chunks, or
 * NULL when it is cut off or damaged. Each chunk keeps its own CRC. */
static GBytes *
png_sanitize (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  g_autoptr(GByteArray) kept = NULL;
  gboolean dropped = FALSE;
  gsize i = 8;

  kept = g_byte_array_sized_new (len);
  g_byte_array_append (kept, d, 8);
  for (;;)
    {
      guint32 chunk_len;
      gsize chunk_size;

      if (len - i < 12)
        return NULL;
      chunk_len = be32 (d + i);
      if (chunk_len > 0x7fffffffu || chunk_len > len - i - 12)
        return NULL;
      chunk_size = 12 + (gsize) chunk_len;
      if (png_chunk_is_dropped (d + i + 4))
        dropped = TRUE;
      else
        g_byte_array_append (kept, d + i, chunk_size);
      if (memcmp (d + i + 4, "IEND", 4) == 0)
        break;
      i += chunk_size;
    }
  if (!dropped)
    return g_bytes_ref (bytes);
  return g_byte_array_free_to_bytes (g_steal_pointer (&kept));
}

/* The most a decoder may need at once for the output picture, in bytes per
 * output pixel: OpenCV's 3-byte picture and our copy of it, and for WebP a
 * 4-byte picture before the alpha is dropped. */
static guint
decode_bytes_per_pixel (const guint8 *d)
{
  /* HEIC, AVIF: libheif's planes, the loader's RGBA and our BGR copy. */
  if (memcmp (d + 4, "ftyp", 4) == 0)
    return 12;
  return d[0] == 'R' ? 10 : 6;
}

VsImage *
vs_image_decode (GBytes      *bytes,
                 const char  *name,
                 GError     **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) decodable = NULL;
  VsImage *image;
  int width, height, reduce = 1;
  guint64 pixels, needed;
  gboolean is_jpeg;

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
  is_jpeg = data[0] == 0xFF;

  pixels = (guint64) width * height;
  if (pixels > VS_IMAGE_MAX_PIXELS && is_jpeg)
    while (reduce < 8 && pixels / ((guint64) reduce * reduce) > VS_IMAGE_MAX_PIXELS)
      reduce *= 2;
  if (pixels / ((guint64) reduce * reduce) > VS_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is %d×%d pixels, too large: Visage reads pictures of up to %u megapixels"),
                   name, width, height, VS_IMAGE_MAX_PIXELS / 1000000);
      return NULL;
    }

  /* Everything the decoder will allocate, known before it runs. */
  needed = pixels / ((guint64) reduce * reduce) * decode_bytes_per_pixel (data);
  if (is_jpeg)
    {
      JpegHeader hdr;

      parse_jpeg (data, len, &hdr);
      if (hdr.buffered)
        {
          guint64 coefficients = jpeg_coefficient_bytes (&hdr);

          if (coefficients == G_MAXUINT64)
            {
              g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                           _("“%s” is damaged: its JPEG header is invalid"), name);
              return NULL;
            }
          needed += coefficients;
        }
    }
  if (needed > VS_IMAGE_MAX_DECODE_BYTES)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” (%d×%d pixels) would need %" PRIu64 " MB to decode; "
                     "Visage uses at most %u MB for a picture"),
                   name, width, height, needed / 1000000, VS_IMAGE_MAX_DECODE_BYTES / 1000000);
      return NULL;
    }

  if (is_jpeg && !jpeg_is_complete (data, len))
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                   _("“%s” is cut off: the JPEG data ends before the picture does"), name);
      return NULL;
    }

  if (data[0] == 0x89)
    {
      decodable = png_sanitize (bytes);
      if (decodable == NULL)
        {
          g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                       _("“%s” is cut off or damaged: a PNG chunk runs past the end of the file"), name);
          return NULL;
        }
    }
  else
    decodable = g_bytes_ref (bytes);

  data = g_bytes_get_data (decodable, &len);
  if (vs_image_pixbuf_probe (data, len, &width, &height))
    {
      /* HEIC, AVIF: its messages (a missing loader, a size) are Visage's own. */
      image = vs_image_pixbuf_decode (data, len, &local_error);
      if (image == NULL)
        {
          g_set_error (error, VS_IMAGE_ERROR, local_error->code, "“%s”: %s", name, local_error->message);
          return NULL;
        }
    }
  else
    image = vs_cv_decode (data, len, reduce, &local_error);
  if (image == NULL)
    {
      /* OpenCV's text ("OpenCV(4.6.0) … Assertion failed …") means nothing
       * to the user; it goes to the debug log. */
      g_debug ("Decoding %s failed: %s", name, local_error->message);
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                   _("“%s” is damaged or in a form of JPEG, PNG, WebP or BMP that Visage cannot read"),
                   name);
      return NULL;
    }
  if (reduce > 1)
    g_debug ("Decoded %s at 1/%d scale (%d×%d)", name, reduce, image->width, image->height);
  return image;
}

/* Reads the whole file into memory: a mapping would turn a file truncated
 * while it is decoded into a SIGBUS. A file that changes meanwhile is read
 * as far as it goes and refused by the decoder if that is not a picture. */
static GBytes *
read_picture_file (const char  *path,
                   GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  struct stat st;
  gsize filled = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == ENOENT || saved == ELOOP || saved == ENOTDIR)
        g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_NOT_FOUND,
                     saved == ELOOP ? _("“%s” is a loop of symbolic links") : _("“%s” does not exist"),
                     path);
      else
        g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_IO, _("Could not read “%s”: %s"),
                     path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_IO, _("Could not read “%s”: %s"),
                   path, g_strerror (saved));
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_NOT_A_FILE,
                   S_ISDIR (st.st_mode) ? _("“%s” is a folder, not a picture")
                                        : _("“%s” is not a regular file"), path);
      close (fd);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_EMPTY, _("“%s” is empty"), path);
      close (fd);
      return NULL;
    }
  if ((guint64) st.st_size > VS_IMAGE_MAX_FILE_BYTES)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is %" PRIu64 " MB, too large: Visage reads picture files "
                     "of up to %u MB"),
                   path, (guint64) st.st_size / 1000000, VS_IMAGE_MAX_FILE_BYTES / 1000000);
      close (fd);
      return NULL;
    }

  buffer = g_malloc ((gsize) st.st_size);
  while (filled < (gsize) st.st_size)
    {
      gssize n = read (fd, buffer + filled, (gsize) st.st_size - filled);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_IO, _("Could not read “%s”: %s"),
                       path, g_strerror (saved));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;   /* shrank while we read */
      filled += (gsize) n;
    }
  close (fd);
  if (filled == 0)
    {
      g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_EMPTY, _("“%s” is empty"), path);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&buffer), filled);
}

VsImage *
vs_image_load (const char  *path,
               GError     **error)
{
  g_autoptr(GBytes) bytes = read_picture_file (path, error);

  if (bytes == NULL)
    return NULL;
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

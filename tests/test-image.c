/* test-image.c: the picture loader on odd but valid files (made at test time
 * from an LFW photo with ImageMagick) and on broken or enormous ones. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "vs-engine.h"
#include "vs-image.h"
#include "vs-test-images.h"
#include "vs-test-util.h"

#define SOURCE_PERSON "Tony_Blair"

static char *tmpdir;
static GHashTable *made;   /* variant name → path */
static VsEngine *engine;

static VsImage *
load_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  VsImage *image = vs_image_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpint (image->stride, >=, image->width * 3);
  return image;
}

static const char *
source_jpeg (void)
{
  static char *path;

  if (path == NULL)
    path = vs_test_lfw_path (SOURCE_PERSON, 1);
  return path;
}

/* The variant of the source photo called `name`, made once. */
static const char *
variant (const char *name)
{
  const char *src = source_jpeg ();
  char *path = g_hash_table_lookup (made, name);

  if (path != NULL)
    return path;

  if (g_str_equal (name, "webp"))
    {
      path = g_build_filename (tmpdir, "face.webp", NULL);
      vs_test_convert (src, "-quality", "90", path, NULL);
    }
  else if (g_str_equal (name, "rgba-png"))
    {
      g_autofree char *out = NULL;
      path = g_build_filename (tmpdir, "face-rgba.png", NULL);
      out = g_strconcat ("PNG32:", path, NULL);
      vs_test_convert (src, "-alpha", "set", out, NULL);
    }
  else if (g_str_equal (name, "png16"))
    {
      g_autofree char *out = NULL;
      path = g_build_filename (tmpdir, "face-16bit.png", NULL);
      out = g_strconcat ("PNG48:", path, NULL);
      vs_test_convert (src, "-depth", "16", out, NULL);
    }
  else if (g_str_equal (name, "grey-jpeg"))
    {
      path = g_build_filename (tmpdir, "face-grey.jpg", NULL);
      vs_test_convert (src, "-colorspace", "Gray", "-type", "Grayscale", "-quality", "95", path, NULL);
    }
  else if (g_str_equal (name, "grey-png"))
    {
      path = g_build_filename (tmpdir, "face-grey.png", NULL);
      vs_test_convert (src, "-colorspace", "Gray", "-type", "Grayscale", "-depth", "8", path, NULL);
    }
  else if (g_str_equal (name, "bmp"))
    {
      g_autofree char *out = NULL;
      path = g_build_filename (tmpdir, "face.bmp", NULL);
      out = g_strconcat ("BMP3:", path, NULL);
      vs_test_convert (src, out, NULL);
    }
  else if (g_str_equal (name, "upright"))
    {
      /* Not square, so that a rotation shows in the size. */
      path = g_build_filename (tmpdir, "face-upright.png", NULL);
      vs_test_convert (src, "-crop", "250x200+0+20", "+repage", path, NULL);
    }
  else if (g_str_has_prefix (name, "exif-"))
    {
      /* Orientation 6: the stored pixels must be turned 90° clockwise to be
       * upright, so store them turned 90° anticlockwise; 8 the other way. */
      guint16 orientation = (guint16) g_ascii_strtoull (name + 5, NULL, 10);
      g_autofree char *stored = g_strdup_printf ("%s/stored-%u.jpg", tmpdir, orientation);

      g_assert_true (orientation == 6 || orientation == 8);
      vs_test_convert (variant ("upright"), "-rotate", orientation == 6 ? "-90" : "90",
                       "-strip", "-quality", "95", stored, NULL);
      path = g_strdup_printf ("%s/face-exif-%u.jpg", tmpdir, orientation);
      vs_test_write_exif_jpeg (stored, path, orientation);
    }
  else if (g_str_equal (name, "big-jpeg"))
    {
      path = g_build_filename (tmpdir, "big-20000x20000.jpg", NULL);
      vs_test_write_big_jpeg (path, 20000, 20000);
    }
  else
    path = vs_test_make_bad_input (tmpdir, name);

  g_hash_table_insert (made, g_strdup (name), path);
  return path;
}

/* Mean absolute difference per channel value; both the same size. */
static double
mean_abs_diff (const VsImage *a,
               const VsImage *b)
{
  guint64 sum = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (int y = 0; y < a->height; y++)
    {
      const guint8 *pa = a->data + (gsize) y * a->stride;
      const guint8 *pb = b->data + (gsize) y * b->stride;
      for (int x = 0; x < a->width * 3; x++)
        sum += ABS ((int) pa[x] - (int) pb[x]);
    }
  return (double) sum / ((double) a->width * a->height * 3);
}

/* The one clear face of the photo, upright: both eyes above both mouth
 * corners and the nose in between. */
static VsFace
upright_face (const VsImage *image)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
  VsFace face;
  int pick;

  g_assert_no_error (error);
  pick = vs_faces_pick (faces, image, VS_FACE_PICK_CENTRAL, "test picture", &error);
  g_assert_no_error (error);
  face = g_array_index (faces, VsFace, pick);
  g_assert_cmpfloat (face.score, >, 0.9);
  for (int eye = 0; eye < 2; eye++)
    {
      g_assert_cmpfloat (face.landmarks[eye][1], <, face.landmarks[2][1]);
      for (int mouth = 3; mouth < 5; mouth++)
        g_assert_cmpfloat (face.landmarks[eye][1], <, face.landmarks[mouth][1]);
    }
  /* Right eye (of the person) on the left of the picture. */
  g_assert_cmpfloat (face.landmarks[0][0], <, face.landmarks[1][0]);
  return face;
}

static void
assert_same_face (const VsFace *a,
                  const VsFace *b)
{
  g_assert_cmpfloat (ABS ((a->x + a->width / 2) - (b->x + b->width / 2)), <, 5);
  g_assert_cmpfloat (ABS ((a->y + a->height / 2) - (b->y + b->height / 2)), <, 5);
}

static gboolean
is_grey (const VsImage *image)
{
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *p = image->data + (gsize) y * image->stride;
      for (int x = 0; x < image->width; x++, p += 3)
        if (p[0] != p[1] || p[1] != p[2])
          return FALSE;
    }
  return TRUE;
}

/* Luma of the original against the grey picture. */
static double
grey_diff (const VsImage *colour,
           const VsImage *grey)
{
  double sum = 0;

  for (int y = 0; y < colour->height; y++)
    {
      const guint8 *c = colour->data + (gsize) y * colour->stride;
      const guint8 *g = grey->data + (gsize) y * grey->stride;
      for (int x = 0; x < colour->width; x++, c += 3, g += 3)
        sum += ABS (0.114 * c[0] + 0.587 * c[1] + 0.299 * c[2] - g[0]);
    }
  return sum / ((double) colour->width * colour->height);
}

/* ── valid files ────────────────────────────────────────────────────── */

typedef struct {
  const char *name;
  double      max_diff;   /* mean absolute difference from the JPEG */
  gboolean    grey;
} Format;

static const Format formats[] = {
  { "webp", 4.0, FALSE },        /* lossy */
  { "rgba-png", 1.0, FALSE },    /* lossless copies of ImageMagick's decoding */
  { "png16", 1.0, FALSE },
  { "bmp", 1.0, FALSE },
  /* ImageMagick's grey is not exactly Rec. 601 luma. */
  { "grey-jpeg", 4.0, TRUE },
  { "grey-png", 4.0, TRUE },
};

/* The file really is what its name says (ImageMagick could have chosen
 * otherwise). */
static void
check_header (const char *name,
              const char *path)
{
  g_autofree char *contents = NULL;
  const guint8 *d;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 64);
  d = (const guint8 *) contents;
  if (g_str_has_suffix (name, "png"))
    {
      int depth = d[24], colour_type = d[25];

      g_assert_cmpmem (d + 12, 4, "IHDR", 4);
      if (g_str_equal (name, "rgba-png"))
        {
          g_assert_cmpint (colour_type, ==, 6);   /* RGBA */
          g_assert_cmpint (depth, ==, 8);
        }
      else if (g_str_equal (name, "png16"))
        {
          g_assert_cmpint (colour_type, ==, 2);   /* RGB */
          g_assert_cmpint (depth, ==, 16);
        }
      else
        {
          g_assert_cmpint (colour_type, ==, 0);   /* grey */
          g_assert_cmpint (depth, ==, 8);
        }
    }
  else if (g_str_equal (name, "webp"))
    {
      g_assert_cmpmem (d, 4, "RIFF", 4);
      g_assert_cmpmem (d + 8, 4, "WEBP", 4);
    }
  else if (g_str_equal (name, "bmp"))
    {
      g_assert_cmpmem (d, 2, "BM", 2);
      g_assert_cmpint (d[28], ==, 24);   /* bits per pixel */
    }
  else if (g_str_equal (name, "grey-jpeg"))
    {
      gboolean found = FALSE;

      /* One component in the frame header. */
      for (gsize i = 2; i + 9 < len && !found; i++)
        if (d[i] == 0xFF && (d[i + 1] == 0xC0 || d[i + 1] == 0xC2))
          {
            g_assert_cmpint (d[i + 9], ==, 1);
            found = TRUE;
          }
      g_assert_true (found);
    }
}

static void
test_format (gconstpointer data)
{
  const Format *format = data;
  g_autoptr(VsImage) original = load_ok (source_jpeg ());
  g_autoptr(VsImage) image = load_ok (variant (format->name));
  VsFace a, b;
  double diff;

  check_header (format->name, variant (format->name));
  g_assert_cmpint (image->width, ==, original->width);
  g_assert_cmpint (image->height, ==, original->height);
  if (format->grey)
    {
      g_assert_true (is_grey (image));
      diff = grey_diff (original, image);
    }
  else
    {
      g_assert_false (is_grey (image));
      diff = mean_abs_diff (original, image);
    }
  g_test_message ("%s: mean difference %.2f (bound %.1f)", format->name, diff, format->max_diff);
  g_assert_cmpfloat (diff, <=, format->max_diff);

  a = upright_face (original);
  b = upright_face (image);
  assert_same_face (&a, &b);
}

static void
test_exif (gconstpointer data)
{
  guint orientation = GPOINTER_TO_UINT (data);
  g_autofree char *name = g_strdup_printf ("exif-%u", orientation);
  g_autoptr(VsImage) upright = load_ok (variant ("upright"));
  g_autoptr(VsImage) image = load_ok (variant (name));
  g_autofree char *stored = g_strdup_printf ("%s/stored-%u.jpg", tmpdir, orientation);
  g_autoptr(VsImage) raw = load_ok (stored);
  VsFace a, b;
  double diff;

  /* Stored on its side, read upright. */
  g_assert_cmpint (raw->width, ==, upright->height);
  g_assert_cmpint (raw->height, ==, upright->width);
  g_assert_cmpint (image->width, ==, upright->width);
  g_assert_cmpint (image->height, ==, upright->height);
  diff = mean_abs_diff (upright, image);
  g_test_message ("orientation %u: mean difference from the upright picture %.2f", orientation, diff);
  g_assert_cmpfloat (diff, <, 3.0);

  a = upright_face (upright);
  b = upright_face (image);
  assert_same_face (&a, &b);
}

static void
test_probe (void)
{
  static const char * const names[] = {
    "webp", "rgba-png", "png16", "bmp", "grey-jpeg", "grey-png", "exif-6", "huge", "big-jpeg",
  };
  g_autofree char *jpeg = NULL;
  gsize len = 0;
  int w = 0, h = 0;

  g_assert_true (g_file_get_contents (source_jpeg (), &jpeg, &len, NULL));
  g_assert_true (vs_image_probe_size ((const guint8 *) jpeg, len, &w, &h));
  g_assert_cmpint (w, ==, 250);
  g_assert_cmpint (h, ==, 250);
  /* The header alone is enough. */
  g_assert_true (vs_image_probe_size ((const guint8 *) jpeg, len / 2, &w, &h));
  g_assert_cmpint (w, ==, 250);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *contents = NULL;
      int ew = 250, eh = 250;

      if (g_str_equal (names[i], "exif-6"))
        ew = 200;   /* the stored size, before orientation */
      else if (g_str_equal (names[i], "huge") || g_str_equal (names[i], "big-jpeg"))
        ew = eh = 20000;
      w = h = 0;
      g_assert_true (g_file_get_contents (variant (names[i]), &contents, &len, NULL));
      g_test_message ("probing %s", names[i]);
      g_assert_true (vs_image_probe_size ((const guint8 *) contents, len, &w, &h));
      g_assert_cmpint (w, ==, ew);
      g_assert_cmpint (h, ==, eh);
    }

  g_assert_false (vs_image_probe_size ((const guint8 *) "hello", 5, &w, &h));
  g_assert_false (vs_image_probe_size ((const guint8 *) "", 0, &w, &h));
  g_assert_false (vs_image_probe_size ((const guint8 *) "\x89PNG\r\n\x1a\n", 8, &w, &h));
}

/* ── broken files ───────────────────────────────────────────────────── */

typedef struct {
  const char   *kind;
  VsImageError  code;
} Bad;

static const Bad bad_inputs[] = {
  { "missing", VS_IMAGE_ERROR_NOT_FOUND },
  { "empty", VS_IMAGE_ERROR_EMPTY },
  { "truncated", VS_IMAGE_ERROR_FORMAT },
  { "text", VS_IMAGE_ERROR_FORMAT },
  { "folder", VS_IMAGE_ERROR_NOT_A_FILE },
  { "huge", VS_IMAGE_ERROR_TOO_LARGE },
};

static void
test_bad (gconstpointer data)
{
  const Bad *bad = data;
  const char *path = variant (bad->kind);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = NULL;
  struct rusage before, after;
  gint64 start;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &before), ==, 0);
  start = g_get_monotonic_time ();
  image = vs_image_load (path, &error);
  g_test_message ("%s: %s (%.1f ms)", bad->kind, error ? error->message : "loaded",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_error (error, VS_IMAGE_ERROR, (int) bad->code);
  g_assert_null (image);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (strchr (error->message, '\n'));

  /* Refused from the header: no 400 MB buffer touched. */
  g_assert_cmpint (getrusage (RUSAGE_SELF, &after), ==, 0);
  g_assert_cmpint (after.ru_maxrss - before.ru_maxrss, <, 50 * 1024);   /* KB */

  /* vs_image_decode refuses the same bytes the same way. */
  if (bad->code != VS_IMAGE_ERROR_NOT_FOUND && bad->code != VS_IMAGE_ERROR_NOT_A_FILE)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gsize len = 0;

      g_clear_error (&error);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      image = vs_image_decode (bytes, "the-name.jpg", &error);
      g_assert_error (error, VS_IMAGE_ERROR, (int) bad->code);
      g_assert_null (image);
      g_assert_nonnull (strstr (error->message, "the-name.jpg"));
    }
}

/* A JPEG too big to decode whole is decoded at a reduced scale. */
static void
test_big_jpeg (void)
{
  g_autoptr(VsImage) image = NULL;
  gint64 start = g_get_monotonic_time ();

  image = load_ok (variant ("big-jpeg"));
  g_test_message ("20000×20000 JPEG decoded as %d×%d in %.0f ms", image->width, image->height,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint ((guint64) image->width * image->height, <=, VS_IMAGE_MAX_PIXELS);
  /* 1/2 is still 100 MP; 1/4 fits. */
  g_assert_cmpint (image->width, ==, 5000);
  g_assert_cmpint (image->height, ==, 5000);
  /* Flat grey: DC 0 is level 128. */
  g_assert_cmpint (image->data[0], ==, 128);
  g_assert_cmpint (image->data[(gsize) 2500 * image->stride + 2500 * 3 + 1], ==, 128);
}

/* ── hostile files: tiny, but built to make a decoder take gigabytes ── */

static guint32
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
  return v;
}

/* `png` with the chunk `type` + `payload` inserted right after IHDR; the
 * length field says `claimed_len` (the real length when 0). */
static char *
write_png_with_chunk (const char   *name,
                      const char   *type,
                      const guint8 *payload,
                      gsize         payload_len,
                      guint32       claimed_len)
{
  g_autofree char *png = NULL;
  gsize len = 0;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 head[8], crc[4];
  guint32 c;
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_get_contents (variant ("grey-png"), &png, &len, NULL));
  g_assert_cmpmem (png + 12, 4, "IHDR", 4);
  g_byte_array_append (out, (guint8 *) png, 8 + 12 + 13);
  put_be32 (head, claimed_len ? claimed_len : (guint32) payload_len);
  memcpy (head + 4, type, 4);
  g_byte_array_append (out, head, 8);
  g_byte_array_append (out, payload, payload_len);
  c = crc32 (crc32 (0, (const guint8 *) type, 4), payload, payload_len);
  put_be32 (crc, c);
  g_byte_array_append (out, crc, 4);
  g_byte_array_append (out, (guint8 *) png + 33, len - 33);
  g_assert_true (g_file_set_contents (path, (char *) out->data, out->len, NULL));
  return path;
}

static gsize
proc_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen (field) + 1, NULL, 10);
}

#define HOSTILE_MAX_RSS_RISE_KB (200 * 1024)

/* Loads `path` with the peak RSS reset first, and (except under
 * AddressSanitizer, which reserves terabytes of address space) with an
 * address-space limit 256 MB above what the process uses now, so a decoder
 * that tries to take gigabytes fails instead of swapping the machine. */
static VsImage *
load_bounded (const char  *path,
              gsize       *peak_rise_kb,
              GError     **error)
{
  struct rlimit saved, limit;
  gsize base_kb;
  gint64 start;
  VsImage *image;
  gboolean limited = TRUE;

#if defined(__SANITIZE_ADDRESS__)
  limited = FALSE;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  limited = FALSE;
#endif
#endif
  g_assert_cmpint (getrlimit (RLIMIT_AS, &saved), ==, 0);
  limit = saved;
  limit.rlim_cur = (rlim_t) (proc_status_kb ("VmSize:") + 256 * 1024) * 1024;
  if (limited && (saved.rlim_cur == RLIM_INFINITY || limit.rlim_cur < saved.rlim_cur))
    g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);

  /* Writing 5 to clear_refs resets VmHWM, the peak resident size. */
  {
    FILE *clear_refs = fopen ("/proc/self/clear_refs", "w");
    g_assert_nonnull (clear_refs);
    g_assert_cmpint (fputs ("5", clear_refs), >=, 0);
    g_assert_cmpint (fclose (clear_refs), ==, 0);
  }
  base_kb = proc_status_kb ("VmRSS:");
  start = g_get_monotonic_time ();
  image = vs_image_load (path, error);
  *peak_rise_kb = proc_status_kb ("VmHWM:") - base_kb;
  g_assert_cmpint (setrlimit (RLIMIT_AS, &saved), ==, 0);
  g_test_message ("%s: %s in %.1f ms, peak RSS %zu KB, %zu KB above the %zu KB before", path,
                  image ? "loaded" : "refused", (g_get_monotonic_time () - start) / 1000.0,
                  proc_status_kb ("VmHWM:"), *peak_rise_kb, base_kb);
  return image;
}

/* A 74 KB PNG whose text chunk says it is 2 GiB long: libpng allocated the
 * claimed size before reading it. */
static void
test_png_chunk_length_bomb (void)
{
  g_autofree guint8 *filler = g_malloc (74 * 1024);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = NULL;
  gsize rise_kb;

  memset (filler, 'x', 74 * 1024);
  memcpy (filler, "Comment", 8);
  path = write_png_with_chunk ("text-chunk-2GiB.png", "iTXt", filler, 74 * 1024, 0x7ffffff0u);
  image = load_bounded (path, &rise_kb, &error);
  g_assert_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "runs past the end"));
  g_assert_null (image);
  g_assert_cmpuint (rise_kb, <, HOSTILE_MAX_RSS_RISE_KB);
}

/* A PNG with a compressed chunk of about 74 KB that inflates to 76 MB
 * (deflate's limit is about 1:1030): a zTXt text, or an iCCP colour profile
 * whose own header claims 2 GiB (libpng allocated the claimed size and
 * inflated into it). The picture loads; the chunk is never inflated. */
static void
test_png_inflate_bomb (gconstpointer data)
{
  const char *type = data;
  gsize inflated = 76 * 1000 * 1000;
  g_autofree guint8 *zeros = g_malloc0 (inflated);
  uLongf packed_len = compressBound (inflated);
  g_autofree guint8 *chunk = g_malloc (packed_len + 9);
  g_autofree char *name = g_strdup_printf ("%s-bomb.png", type);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = NULL;
  gsize rise_kb;

  /* The keyword (or profile name), its NUL, method 0 (deflate). */
  memcpy (chunk, "Comment\0\0", 9);
  if (g_str_equal (type, "iCCP"))
    {
      put_be32 (zeros, 0x7ffffff0u);   /* ICC header: profile size */
      memcpy (zeros + 36, "acsp", 4);
    }
  g_assert_cmpint (compress2 (chunk + 9, &packed_len, zeros, inflated, 9), ==, Z_OK);
  g_clear_pointer (&zeros, g_free);
  path = write_png_with_chunk (name, type, chunk, packed_len + 9, 0);
  g_test_message ("%s: %lu bytes of deflate", path, (gulong) packed_len);
  image = load_bounded (path, &rise_kb, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->width, ==, 250);
  g_assert_cmpuint (rise_kb, <, 32 * 1024);
}

/* An 8 KB progressive JPEG whose header says 40000×40000: even decoded at
 * 1/8 scale, libjpeg keeps every coefficient of the full picture (4.8 GB). */
static void
test_progressive_jpeg_bomb (void)
{
  g_autofree char *small = g_build_filename (tmpdir, "progressive.jpg", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "progressive-40000x40000.jpg", NULL);
  g_autofree char *jpeg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = NULL;
  gsize len = 0, rise_kb;
  gboolean patched = FALSE;

  vs_test_convert (source_jpeg (), "-interlace", "JPEG", "-quality", "90", small, NULL);
  g_assert_true (g_file_get_contents (small, &jpeg, &len, NULL));
  for (gsize i = 2; i + 9 < len && !patched; i++)
    if ((guint8) jpeg[i] == 0xFF && (guint8) jpeg[i + 1] == 0xC2)
      {
        jpeg[i + 5] = jpeg[i + 7] = (char) (40000 >> 8);
        jpeg[i + 6] = jpeg[i + 8] = (char) (40000 & 0xff);
        patched = TRUE;
      }
  g_assert_true (patched);
  g_assert_true (g_file_set_contents (path, jpeg, len, NULL));
  g_test_message ("%s: %zu bytes", path, len);

  image = load_bounded (path, &rise_kb, &error);
  g_assert_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "MB to decode"));
  g_assert_null (image);
  g_assert_cmpuint (rise_kb, <, HOSTILE_MAX_RSS_RISE_KB);

  /* The same picture at its real size still loads. */
  g_clear_error (&error);
  g_clear_pointer (&image, vs_image_unref);
  image = load_bounded (small, &rise_kb, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->width, ==, 250);
}

typedef struct {
  const char *path;
  gsize       cut;
  gulong      delay_us;
} Truncator;

static gpointer
truncate_later (gpointer data)
{
  Truncator *t = data;

  g_usleep (t->delay_us);
  g_assert_cmpint (truncate (t->path, (off_t) t->cut), ==, 0);
  return NULL;
}

/* A file cut short while it is being decoded (decoding a 16000×16000 JPEG
 * at 1/4 scale takes far longer than the delays here): with the file mapped
 * into memory, the decoder's next read of a vanished page was a SIGBUS.
 * Now the picture decodes whole, or is refused as cut off when the cut came
 * before it was read. */
static void
test_truncated_while_decoding (void)
{
  static const gulong delays_us[] = { 0, 5000, 20000, 50000, 100000 };
  g_autofree char *big = g_build_filename (tmpdir, "big-16000x16000.jpg", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "shrinking.jpg", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  guint n_loaded = 0, n_refused = 0;

  vs_test_write_big_jpeg (big, 16000, 16000);
  g_assert_true (g_file_get_contents (big, &contents, &len, NULL));
  for (guint round = 0; round < G_N_ELEMENTS (delays_us) + 1; round++)
    {
      /* The last round cuts it before it is read. */
      gboolean cut_first = round == G_N_ELEMENTS (delays_us);
      Truncator t = { path, len / 4, cut_first ? 0 : delays_us[round] };
      g_autoptr(GError) error = NULL;
      g_autoptr(VsImage) image = NULL;
      GThread *thread;
      gsize rise_kb;

      g_assert_true (g_file_set_contents_full (path, contents, len, G_FILE_SET_CONTENTS_NONE,
                                               0600, NULL));
      if (cut_first)
        truncate_later (&t);
      thread = g_thread_new ("truncate", truncate_later, &t);
      image = load_bounded (path, &rise_kb, &error);
      g_thread_join (thread);

      if (image != NULL)
        {
          g_assert_false (cut_first);
          g_assert_cmpint (image->width, ==, 4000);
          n_loaded++;
        }
      else
        {
          g_assert_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT);
          g_assert_nonnull (strstr (error->message, "cut off"));
          n_refused++;
        }
      g_assert_cmpuint (rise_kb, <, HOSTILE_MAX_RSS_RISE_KB);
    }
  g_test_message ("%u loaded whole, %u refused as cut off", n_loaded, n_refused);
  g_assert_cmpuint (n_loaded + n_refused, ==, G_N_ELEMENTS (delays_us) + 1);
  g_assert_cmpuint (n_refused, >=, 1);
}

/* A symbolic link to itself is said to be one, not "does not exist". */
static void
test_symlink_loop (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "loop.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = NULL;

  g_assert_cmpint (symlink ("loop.jpg", path), ==, 0);
  image = vs_image_load (path, &error);
  g_assert_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "loop"));
}

/* A file that is not a picture OpenCV can read never shows OpenCV's text. */
static void
test_decoder_error_is_ours (void)
{
  g_autofree char *webp = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "damaged.webp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (variant ("webp"), &webp, &len, NULL));
  /* Keep the header (so the size probe passes), scramble the bitstream. */
  for (gsize i = 40; i < len; i++)
    webp[i] = (char) (webp[i] ^ 0x5a);
  g_assert_true (g_file_set_contents (path, webp, len, NULL));
  image = vs_image_load (path, &error);
  g_assert_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, "OpenCV"));
  g_assert_null (strstr (error->message, "Assertion"));
  g_assert_nonnull (strstr (error->message, path));
}

static void
free_engine (void)
{
  g_clear_pointer (&engine, vs_engine_free);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  vs_test_init (&argc, &argv);

  tmpdir = vs_test_make_tmpdir ();
  made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_assert_no_error (error);
  atexit (free_engine);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("/image/format/%s", formats[i].name);
      g_test_add_data_func (name, &formats[i], test_format);
    }
  g_test_add_data_func ("/image/exif/orientation-6", GUINT_TO_POINTER (6), test_exif);
  g_test_add_data_func ("/image/exif/orientation-8", GUINT_TO_POINTER (8), test_exif);
  g_test_add_func ("/image/probe", test_probe);
  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *name = g_strdup_printf ("/image/bad/%s", bad_inputs[i].kind);
      g_test_add_data_func (name, &bad_inputs[i], test_bad);
    }
  g_test_add_func ("/image/big-jpeg", test_big_jpeg);
  g_test_add_func ("/image/hostile/png-chunk-length", test_png_chunk_length_bomb);
  g_test_add_data_func ("/image/hostile/png-ztxt", "zTXt", test_png_inflate_bomb);
  g_test_add_data_func ("/image/hostile/png-iccp", "iCCP", test_png_inflate_bomb);
  g_test_add_func ("/image/hostile/progressive-jpeg", test_progressive_jpeg_bomb);
  g_test_add_func ("/image/hostile/truncated-while-decoding", test_truncated_while_decoding);
  g_test_add_func ("/image/hostile/decoder-error", test_decoder_error_is_ours);
  g_test_add_func ("/image/symlink-loop", test_symlink_loop);

  return g_test_run ();
}

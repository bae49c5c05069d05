/* test-image.c: the picture loader on odd but valid files (made at test time
 * from an LFW photo with ImageMagick) and on broken or enormous ones. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

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

  /* Refused from the header: no time spent, no 400 MB buffer touched. */
  g_assert_cmpint (getrusage (RUSAGE_SELF, &after), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
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

  return g_test_run ();
}

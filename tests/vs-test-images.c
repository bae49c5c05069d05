/* vs-test-images.c: pictures made at test time (see vs-test-images.h). */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "vs-test-images.h"
#include "vs-test-util.h"

void
vs_test_convert (const char *first_arg,
                 ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;
  int status = 0;
  va_list ap;

  /* Debian's binary itself: a `convert` earlier on PATH may be something
   * else. */
  if (g_file_test ("/usr/bin/convert", G_FILE_TEST_IS_EXECUTABLE))
    program = g_strdup ("/usr/bin/convert");
  else
    program = g_find_program_in_path ("convert");
  if (program == NULL)
    g_error ("ImageMagick’s convert is missing: install the Debian package imagemagick "
             "(build-aux/setup does)");

  g_ptr_array_add (argv, program);
  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("convert %s failed: %s\n%s", first_arg, error->message, err);
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
write_chunk (FILE         *f,
             const char   *type,
             const guint8 *data,
             guint32       len)
{
  guint8 head[8], tail[4];
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  put_be32 (head, len);
  memcpy (head + 4, type, 4);
  if (len > 0)
    crc = crc32 (crc, data, len);
  put_be32 (tail, (guint32) crc);
  g_assert_cmpuint (fwrite (head, 1, 8, f), ==, 8);
  if (len > 0)
    g_assert_cmpuint (fwrite (data, 1, len, f), ==, len);
  g_assert_cmpuint (fwrite (tail, 1, 4, f), ==, 4);
}

void
vs_test_write_big_png (const char *path,
                       guint       width,
                       guint       height)
{
  FILE *f = g_fopen (path, "wb");
  guint8 ihdr[13] = { 0 };
  g_autofree guint8 *row = g_malloc0 (width + 1);   /* filter byte 0, then zeros */
  guint8 out[1 << 16];
  z_stream z = { 0 };

  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite ("\x89PNG\r\n\x1a\n", 1, 8, f), ==, 8);
  put_be32 (ihdr, width);
  put_be32 (ihdr + 4, height);
  ihdr[8] = 8;    /* bit depth */
  ihdr[9] = 0;    /* greyscale */
  write_chunk (f, "IHDR", ihdr, sizeof ihdr);

  g_assert_cmpint (deflateInit (&z, Z_BEST_COMPRESSION), ==, Z_OK);
  for (guint y = 0; y <= height; y++)
    {
      int flush = y == height ? Z_FINISH : Z_NO_FLUSH;
      int ret;

      z.next_in = row;
      z.avail_in = y == height ? 0 : width + 1;
      do
        {
          z.next_out = out;
          z.avail_out = sizeof out;
          ret = deflate (&z, flush);
          g_assert_cmpint (ret, !=, Z_STREAM_ERROR);
          if (sizeof out - z.avail_out > 0)
            write_chunk (f, "IDAT", out, sizeof out - z.avail_out);
        }
      while (z.avail_out == 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
    }
  deflateEnd (&z);
  write_chunk (f, "IEND", NULL, 0);
  g_assert_cmpint (fclose (f), ==, 0);
}

void
vs_test_write_big_jpeg (const char *path,
                        guint       width,
                        guint       height)
{
  static const guint8 dqt_head[] = { 0xFF, 0xDB, 0x00, 67, 0x00 };
  /* DC table 0 and AC table 0, each with a single 1-bit code "0" for
   * symbol 0 (DC: difference 0; AC: end of block). */
  static const guint8 dht[] = {
    0xFF, 0xC4, 0x00, 20, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
    0xFF, 0xC4, 0x00, 20, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
  };
  static const guint8 sos[] = { 0xFF, 0xDA, 0x00, 8, 1, 1, 0x00, 0, 63, 0 };
  guint8 sof[] = { 0xFF, 0xC0, 0x00, 11, 8, height >> 8, height & 0xFF, width >> 8, width & 0xFF,
                   1, 1, 0x11, 0 };
  guint8 ones[64];
  guint64 blocks = (guint64) ((width + 7) / 8) * ((height + 7) / 8);
  guint64 bytes = (blocks * 2 + 7) / 8;
  g_autofree guint8 *zeros = g_malloc0 (1 << 16);
  FILE *f = g_fopen (path, "wb");

  g_assert_nonnull (f);
  g_assert_cmpuint (width, <, 65536);
  g_assert_cmpuint (height, <, 65536);
  memset (ones, 1, sizeof ones);
  g_assert_cmpuint (fwrite ("\xFF\xD8", 1, 2, f), ==, 2);
  g_assert_cmpuint (fwrite (dqt_head, 1, sizeof dqt_head, f), ==, sizeof dqt_head);
  g_assert_cmpuint (fwrite (ones, 1, sizeof ones, f), ==, sizeof ones);
  g_assert_cmpuint (fwrite (sof, 1, sizeof sof, f), ==, sizeof sof);
  g_assert_cmpuint (fwrite (dht, 1, sizeof dht, f), ==, sizeof dht);
  g_assert_cmpuint (fwrite (sos, 1, sizeof sos, f), ==, sizeof sos);
  while (bytes > 0)
    {
      gsize n = MIN (bytes, (guint64) (1 << 16));
      g_assert_cmpuint (fwrite (zeros, 1, n, f), ==, n);
      bytes -= n;
    }
  g_assert_cmpuint (fwrite ("\xFF\xD9", 1, 2, f), ==, 2);
  g_assert_cmpint (fclose (f), ==, 0);
}

void
vs_test_write_exif_jpeg (const char *src,
                         const char *dst,
                         guint16     orientation)
{
  /* APP1: "Exif\0\0", a big-endian TIFF header, one IFD with one SHORT. */
  guint8 app1[] = {
    0xFF, 0xE1, 0x00, 34,
    'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
    0x00, 0x01,                                     /* one entry */
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, /* Orientation, SHORT, 1 */
    orientation >> 8, orientation & 0xFF, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,                         /* no next IFD */
  };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize len = 0;

  G_STATIC_ASSERT (sizeof app1 == 2 + 34);
  g_file_get_contents (src, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 4);
  g_assert_cmpint ((guint8) contents[0], ==, 0xFF);
  g_assert_cmpint ((guint8) contents[1], ==, 0xD8);

  g_byte_array_append (out, (const guint8 *) contents, 2);
  g_byte_array_append (out, app1, sizeof app1);
  g_byte_array_append (out, (const guint8 *) contents + 2, len - 2);
  g_file_set_contents (dst, (const char *) out->data, out->len, &error);
  g_assert_no_error (error);
}

char *
vs_test_make_bad_input (const char *dir,
                        const char *kind)
{
  g_autoptr(GError) error = NULL;
  char *path;

  if (g_str_equal (kind, "missing"))
    return g_build_filename (dir, "no-such-picture.jpg", NULL);

  if (g_str_equal (kind, "empty"))
    {
      path = g_build_filename (dir, "empty.jpg", NULL);
      g_file_set_contents (path, "", 0, &error);
    }
  else if (g_str_equal (kind, "truncated"))
    {
      g_autofree char *src = vs_test_lfw_path ("Tony_Blair", 1);
      g_autofree char *contents = NULL;
      gsize len = 0;

      path = g_build_filename (dir, "truncated.jpg", NULL);
      g_file_get_contents (src, &contents, &len, &error);
      g_assert_no_error (error);
      g_file_set_contents (path, contents, len / 2, &error);
    }
  else if (g_str_equal (kind, "text"))
    {
      path = g_build_filename (dir, "notes.jpg", NULL);
      g_file_set_contents (path, "These are not the pixels you are looking for.\n", -1, &error);
    }
  else if (g_str_equal (kind, "folder"))
    {
      path = g_build_filename (dir, "folder.jpg", NULL);
      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    }
  else if (g_str_equal (kind, "huge"))
    {
      path = g_build_filename (dir, "huge-20000x20000.png", NULL);
      vs_test_write_big_png (path, 20000, 20000);
    }
  else
    g_assert_not_reached ();

  g_assert_no_error (error);
  return path;
}

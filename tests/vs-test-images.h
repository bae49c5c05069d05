/* vs-test-images.h: odd, broken and enormous pictures made at test time
 * from the shared LFW photos, for the image loader and CLI tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs Debian's ImageMagick `convert` with the given arguments (NULL
 * terminated); the test fails with convert's stderr when it does. */
void  vs_test_convert              (const char *first_arg,
                                    ...) G_GNUC_NULL_TERMINATED;

/* A valid width×height 8-bit grey PNG of zeros, deflated while it is
 * written: 20000×20000 takes a few hundred KB and no big buffer. */
void  vs_test_write_big_png        (const char *path,
                                    guint       width,
                                    guint       height);

/* A valid baseline greyscale JPEG, flat grey: one-symbol Huffman tables make
 * every 8×8 block two zero bits (20000×20000 is 1.5 MB). */
void  vs_test_write_big_jpeg       (const char *path,
                                    guint       width,
                                    guint       height);

/* Copies the JPEG `src` to `dst` with an EXIF APP1 segment holding only the
 * Orientation tag (0x0112) inserted right after SOI. */
void  vs_test_write_exif_jpeg      (const char *src,
                                    const char *dst,
                                    guint16     orientation);

/* The pictures every loader must refuse, made in `dir`:
 * "missing", "empty", "truncated" (first half of an LFW JPEG), "text" (a text
 * file named .jpg), "folder", "huge" (the 20000×20000 PNG). */
char *vs_test_make_bad_input       (const char *dir,
                                    const char *kind);


G_END_DECLS

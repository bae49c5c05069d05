/* vs-test-util.h: where the tests find real faces and models. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Time bounds in tests are for a normal build on 2 cores; a sanitizer build
 * runs several times slower, so they are stretched there. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define VS_TEST_TIME_SCALE 10
#else
#define VS_TEST_TIME_SCALE 1
#endif

/* $VISAGE_TEST_DATA, else ../shared/faces beside the checkout. Aborts the
 * test with a message naming the data and where to get it when missing. */
const char *vs_test_data_dir      (void);
/* vs_test_data_dir()/relative; aborts when the file is missing. */
char       *vs_test_data_path     (const char *relative);
/* lfw/PERSON/PERSON_NNNN.jpg in the test data; aborts when missing. */
char       *vs_test_lfw_path      (const char *person,
                                   guint       number);
/* Copies photos first..last of an LFW person into dir (e.g. a slideshow). */
void        vs_test_copy_lfw      (const char *dir,
                                   const char *person,
                                   guint       first,
                                   guint       last);
/* The folder with verified models ($VISAGE_MODELS_DIR, set by meson). */
const char *vs_test_models_dir    (void);
/* A fresh private temporary folder, removed with its content at exit. */
char       *vs_test_make_tmpdir   (void);

G_END_DECLS

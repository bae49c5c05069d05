/* vs-test-util.h: where the tests find real faces and models, and the
 * isolation every test runs in. */
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

/* Replaces g_test_init in every test program: each test case runs with its
 * own empty HOME, XDG data, config, cache, state and runtime folders
 * (G_TEST_OPTION_ISOLATE_DIRS), all under one private folder of the process
 * that is removed at exit and also when a test aborts or is killed, so a
 * failed run leaves no database or face crop behind. */
void        vs_test_init          (int        *argc,
                                   char     ***argv);
/* g_test_add_func, but the test first checks that every folder it could
 * write to by default (home, XDG data, config, cache) is its own and not in
 * the real home; it aborts otherwise. The macro makes every test added with
 * g_test_add_func in a file that includes this header go through it. */
void        vs_test_add_func      (const char  *testpath,
                                   GTestFunc    test_func);
#define g_test_add_func vs_test_add_func
/* Aborts when path lies in the user's real home (outside the test folders). */
void        vs_test_assert_not_in_real_home (const char *path);

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
/* VS_SOURCE_ROOT/relative (e.g. "README.md"); aborts when missing. */
char       *vs_test_source_path   (const char *relative);
/* The folder with verified models ($VISAGE_MODELS_DIR, set by meson). */
const char *vs_test_models_dir    (void);
/* Runs the thread-default main context for ms milliseconds (to see that
 * something does NOT happen again, such as a second error). */
void        vs_test_run_main_context_for (guint ms);
/* A fresh private temporary folder inside the process's test folder,
 * removed with its content at exit, on abort and on a kill signal. */
char       *vs_test_make_tmpdir   (void);

G_END_DECLS

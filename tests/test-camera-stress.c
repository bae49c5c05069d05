/* test-camera-stress.c: a camera opened on files that are not videos, or
 * stop being one, again and again. Runs with G_DEBUG=fatal-criticals: a
 * GStreamer critical (an element disposed outside the NULL state, say) is an
 * abort. Suite `stress`. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "vs-camera.h"
#include "vs-test-util.h"

#define N_OPENS 200

typedef struct {
  guint   errors;
  guint   eos;
  GError *error;
} Signals;

static void
error_cb (VsCamera     *camera,
          const GError *error,
          Signals      *signals)
{
  signals->errors++;
  g_clear_error (&signals->error);
  signals->error = g_error_copy (error);
}

static void
eos_cb (VsCamera *camera,
        Signals  *signals)
{
  signals->eos++;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until the camera has said how it ended, for up
 * to timeout_ms (a liveness bound, not a speed claim). */
static gboolean
wait_for_end (Signals *signals,
              guint    timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (signals->errors + signals->eos == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return signals->errors + signals->eos > 0;
}

static char *
write_file (const char *dir,
            const char *name,
            const char *contents,
            gsize       len)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  return path;
}

/* 200 opens cycling through a text file named .mp4, an empty .mkv, a
 * folder, a video cut in half and a video whose middle is scrambled. Each
 * ends in one error (or the end of the stream for the damaged videos, which
 * may decode to their end), and the camera is dropped at once, while
 * GStreamer may still be unwinding a failed state change. */
static void
test_broken_files (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *street = vs_test_data_path ("video/street.mp4");
  g_autofree char *video = NULL;
  gsize len = 0;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint n_errors = 0, n_eos = 0;

  g_assert_true (g_file_get_contents (street, &video, &len, NULL));
  g_ptr_array_add (paths, write_file (dir, "notes.mp4", "This is not a video.\n", 21));
  g_ptr_array_add (paths, write_file (dir, "empty.mkv", "", 0));
  g_ptr_array_add (paths, g_strdup (dir));
  g_ptr_array_add (paths, write_file (dir, "cut.mp4", video, len / 2));
  /* The header kept, everything after the first 64 KB scrambled. */
  for (gsize i = 64 * 1024; i < len; i++)
    video[i] = (char) (video[i] * 31 + 7);
  g_ptr_array_add (paths, write_file (dir, "scrambled.mp4", video, len));

  for (guint i = 0; i < N_OPENS; i++)
    {
      const char *path = paths->pdata[i % paths->len];
      g_autofree char *source = g_strconcat ("file:", path, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsCamera) camera = NULL;
      Signals signals = { 0 };

      /* Damaged videos in fast mode run to their end instead of looping. */
      camera = vs_camera_new (source, VS_CAMERA_FAST | VS_CAMERA_NO_DISPLAY, &error);
      g_assert_no_error (error);
      g_signal_connect (camera, "error", G_CALLBACK (error_cb), &signals);
      g_signal_connect (camera, "eos", G_CALLBACK (eos_cb), &signals);
      vs_camera_start (camera);
      g_assert_true (wait_for_end (&signals, 30000));
      if (signals.errors > 0)
        {
          g_assert_cmpuint (signals.errors, ==, 1);
          g_assert_error (signals.error, VS_CAMERA_ERROR, signals.error->code);
          g_assert_null (strstr (signals.error->message, "GStreamer"));
          g_assert_cmpint (vs_camera_get_state (camera), !=, VS_CAMERA_STATE_PLAYING);
          n_errors++;
        }
      else
        n_eos++;
      /* Half the time stop explicitly, half the time just drop it. */
      if (i % 2 == 0)
        vs_camera_stop (camera);
      g_clear_error (&signals.error);
    }
  g_test_message ("%u opens: %u errors, %u ends of stream", N_OPENS, n_errors, n_eos);
  g_assert_cmpuint (n_errors, >=, 3 * N_OPENS / 5);
}

int
main (int    argc,
      char **argv)
{
  gst_init (&argc, &argv);
  vs_test_init (&argc, &argv);
  g_test_add_func ("/camera-stress/broken-files", test_broken_files);
  return g_test_run ();
}

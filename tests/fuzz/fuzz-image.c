/* fuzz-image.c: libFuzzer harness for picture decoding and face detection:
 * any bytes go through vs_image_decode, and a decoded picture through the
 * detector. The bounds of vs-image.c must hold: no crash, no sanitizer
 * report, no decoder allocation beyond VS_IMAGE_MAX_DECODE_BYTES (libFuzzer's
 * -rss_limit_mb catches that). */
#include "config.h"

#include <stdlib.h>

#include "vs-engine.h"
#include "vs-image.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static VsEngine *engine;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  engine = vs_engine_new (g_getenv ("VISAGE_MODELS_DIR"), NULL, &error);
  if (engine == NULL)
    g_error ("fuzz-image needs the models ($VISAGE_MODELS_DIR): %s", error->message);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsImage) image = vs_image_decode (bytes, "fuzz", &error);

  if (image == NULL)
    {
      /* Every refusal is a clear error of ours, never OpenCV's text. */
      if (error == NULL || error->domain != VS_IMAGE_ERROR || strstr (error->message, "OpenCV") != NULL)
        abort ();
      return 0;
    }
  if ((guint64) image->width * image->height > VS_IMAGE_MAX_PIXELS)
    abort ();
  {
    g_autoptr(GArray) faces = vs_engine_detect (engine, image, NULL);
  }
  return 0;
}

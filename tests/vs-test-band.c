/* vs-test-band.c */
#include "config.h"

#include <string.h>

#include "vs-engine.h"
#include "vs-gallery.h"
#include "vs-test-band.h"
#include "vs-test-util.h"

/* The only face of an LFW picture, embedded; FALSE when it has none or
 * several. */
static gboolean
embed_only_face (VsEngine   *engine,
                 const char *path,
                 float      *out)
{
  g_autoptr(VsImage) image = vs_image_load (path, NULL);
  g_autoptr(GArray) faces = NULL;

  if (image == NULL)
    return FALSE;
  faces = vs_engine_detect (engine, image, NULL);
  if (faces == NULL || faces->len != 1)
    return FALSE;
  return vs_engine_embed_face (engine, image, &g_array_index (faces, VsFace, 0), out, NULL, NULL);
}

void
vs_test_find_band_pair (const char     *embedder_id,
                        VsTestBandPair *pair)
{
  g_autofree char *pairs_path = vs_test_data_path ("pairs.txt");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *a = NULL, *b = NULL;
  const VsModelInfo *info;
  float low, high;
  guint tried = 0;

  memset (pair, 0, sizeof *pair);
  engine = vs_engine_new (vs_test_models_dir (), embedder_id, &error);
  g_assert_no_error (error);
  info = vs_engine_get_embedder (engine);
  /* The premise of every test built on this: the two thresholds differ. */
  g_assert_cmpfloat (info->verify_threshold, <, info->threshold);
  pair->verify_threshold = info->verify_threshold;
  pair->threshold = info->threshold;
  pair->margin = info->margin;
  /* The middle half of the band, so that the small differences between the
   * paths a picture takes (a still, a video frame) cannot move it out. */
  low = info->verify_threshold + (info->threshold - info->verify_threshold) / 4;
  high = info->threshold - (info->threshold - info->verify_threshold) / 4;

  a = g_new (float, vs_engine_get_dim (engine));
  b = g_new (float, vs_engine_get_dim (engine));
  g_file_get_contents (pairs_path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_autofree char *first = NULL, *second = NULL;
      float score;

      if (g_strv_length (f) != 3)
        continue;   /* a different-people line */
      first = vs_test_lfw_path (f[0], (guint) g_ascii_strtoull (f[1], NULL, 10));
      second = vs_test_lfw_path (f[0], (guint) g_ascii_strtoull (f[2], NULL, 10));
      if (!embed_only_face (engine, first, a) || !embed_only_face (engine, second, b))
        continue;
      tried++;
      score = vs_cosine (a, b, vs_engine_get_dim (engine));
      if (score >= low && score < high)
        {
          pair->person = g_strdup (f[0]);
          pair->enrolled = g_steal_pointer (&first);
          pair->probe = g_steal_pointer (&second);
          pair->score = score;
          g_test_message ("band pair (%s, %.3f ≤ s < %.3f): %s, %s: %.3f, after %u pairs",
                          info->id, info->verify_threshold, info->threshold,
                          pair->enrolled, pair->probe, score, tried);
          return;
        }
    }
  g_error ("No LFW same-person pair scores in [%.3f, %.3f) with %s", low, high, info->id);
}

void
vs_test_band_pair_clear (VsTestBandPair *pair)
{
  g_clear_pointer (&pair->person, g_free);
  g_clear_pointer (&pair->enrolled, g_free);
  g_clear_pointer (&pair->probe, g_free);
}

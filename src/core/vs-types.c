/* vs-types.c: the plain types of Visage's core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "vs-types.h"

VsPerson *
vs_person_copy (const VsPerson *person)
{
  VsPerson *copy;

  g_return_val_if_fail (person != NULL, NULL);

  copy = g_memdup2 (person, sizeof *person);
  copy->name = g_strdup (person->name);
  return copy;
}

void
vs_person_free (VsPerson *person)
{
  if (person == NULL)
    return;
  g_free (person->name);
  g_free (person);
}

VsSample *
vs_sample_new (const char  *embedder,
               const float *embedding,
               guint        dim,
               double       quality,
               GBytes      *crop,
               const char  *source)
{
  VsSample *sample = g_new0 (VsSample, 1);

  sample->embedder = g_strdup (embedder);
  sample->embedding = embedding != NULL ? g_memdup2 (embedding, (gsize) dim * sizeof (float)) : NULL;
  sample->dim = dim;
  sample->quality = quality;
  sample->crop = crop != NULL ? g_bytes_ref (crop) : NULL;
  sample->source = g_strdup (source);
  return sample;
}

void
vs_sample_free (VsSample *sample)
{
  if (sample == NULL)
    return;
  g_free (sample->embedder);
  if (sample->embedding != NULL)
    {
      /* Biometric data: do not leave it in freed heap memory. */
      memset (sample->embedding, 0, (gsize) sample->dim * sizeof (float));
      g_free (sample->embedding);
    }
  g_clear_pointer (&sample->crop, g_bytes_unref);
  g_free (sample->source);
  g_free (sample);
}

gboolean
vs_store_changes_touch_gallery (const GArray *changes)
{
  g_return_val_if_fail (changes != NULL, FALSE);

  for (guint i = 0; i < changes->len; i++)
    if (g_array_index (changes, VsStoreChange, i).kind != VS_STORE_CHANGE_PERSON_SEEN)
      return TRUE;
  return FALSE;
}

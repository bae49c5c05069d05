/* vs-store-copy.c: the contents of a store as one value, and its checksums. */
#include "config.h"

#include <string.h>

#include "vs-store-copy.h"

void
vs_store_contents_clear (VsStoreContents *contents)
{
  g_clear_pointer (&contents->people, g_ptr_array_unref);
  g_clear_pointer (&contents->samples, g_ptr_array_unref);
  g_clear_pointer (&contents->events, g_array_unref);
}

static void
update_int (GChecksum *sum,
            gint64     value)
{
  guint64 le = GUINT64_TO_LE ((guint64) value);

  g_checksum_update (sum, (const guchar *) &le, sizeof le);
}

/* Length first, so that ("ab", "c") and ("a", "bc") differ; -1 for NULL. */
static void
update_bytes (GChecksum  *sum,
              const void *data,
              gssize      size)
{
  update_int (sum, data != NULL ? size : -1);
  if (data != NULL && size > 0)
    g_checksum_update (sum, data, size);
}

static void
update_text (GChecksum  *sum,
             const char *text)
{
  update_bytes (sum, text, text != NULL ? (gssize) strlen (text) : 0);
}

char *
vs_store_contents_checksum (const VsStoreContents *contents,
                            VsStorePart            part)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  switch (part)
    {
    case VS_STORE_PART_PEOPLE:
      for (guint i = 0; i < contents->people->len; i++)
        {
          const VsPerson *p = g_ptr_array_index (contents->people, i);
          update_int (sum, p->id);
          update_text (sum, p->name);
          update_int (sum, p->created);
          update_int (sum, p->updated);
        }
      break;

    case VS_STORE_PART_SAMPLES:
      for (guint i = 0; i < contents->samples->len; i++)
        {
          const VsSample *s = g_ptr_array_index (contents->samples, i);
          guint32 le[1];

          update_int (sum, s->id);
          update_int (sum, s->person_id);
          update_text (sum, s->embedder);
          update_int (sum, s->dim);
          for (guint d = 0; d < s->dim; d++)
            {
              memcpy (le, &s->embedding[d], 4);
              le[0] = GUINT32_TO_LE (le[0]);
              g_checksum_update (sum, (const guchar *) le, 4);
            }
          update_int (sum, (gint64) (s->quality * 1e9));
          update_text (sum, s->source);
          update_int (sum, s->created);
        }
      break;

    case VS_STORE_PART_CROPS:
      for (guint i = 0; i < contents->samples->len; i++)
        {
          const VsSample *s = g_ptr_array_index (contents->samples, i);
          gsize size = 0;
          const void *data = s->crop != NULL ? g_bytes_get_data (s->crop, &size) : NULL;

          update_int (sum, s->id);
          update_bytes (sum, s->crop != NULL ? (data != NULL ? data : "") : NULL, size);
        }
      break;

    case VS_STORE_PART_EVENTS:
      for (guint i = 0; i < contents->events->len; i++)
        {
          const VsStoreEvent *e = &g_array_index (contents->events, VsStoreEvent, i);
          update_int (sum, e->id);
          update_int (sum, e->person_id);
          update_int (sum, e->seen);
        }
      break;

    default:
      g_return_val_if_reached (NULL);
    }
  return g_strdup (g_checksum_get_string (sum));
}

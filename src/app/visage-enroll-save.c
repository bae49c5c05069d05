/* visage-enroll-save.c: enrollment's Save on worker threads
 * (visage-enroll-save.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "visage-enroll-save.h"
#include "vs-enroll-session.h"
#include "vs-store-job.h"

void
visage_enroll_check_free (VisageEnrollCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->target_name);
  g_free (check->look_alike_name);
  g_free (check);
}

typedef struct {
  gint64         person_id;
  char          *name;
  GPtrArray     *captures;   /* VsEnrollCapture* */
  VsGallery     *gallery;
  VsMatchParams  params;
} Save;

static void
save_free (Save *save)
{
  g_free (save->name);
  g_ptr_array_unref (save->captures);
  g_clear_pointer (&save->gallery, vs_gallery_unref);
  g_free (save);
}

static Save *
save_new (gint64      person_id,
          const char *name,
          GPtrArray  *captures)
{
  Save *save = g_new0 (Save, 1);

  save->person_id = person_id;
  save->name = g_strdup (name);
  save->captures = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_enroll_capture_unref);
  for (guint i = 0; i < captures->len; i++)
    g_ptr_array_add (save->captures, vs_enroll_capture_ref (g_ptr_array_index (captures, i)));
  return save;
}

typedef struct {
  gint64 person_id;
  guint  votes;
  float  best;
} Vote;

/* The enrolled person other than target_id that any of the samples is
 * identified as — the one most of them are — or 0. One sample is enough to
 * ask: a gallery poisoned by someone else's face names the wrong person for
 * good. */
static gint64
find_look_alike (Save       *save,
                 VsGallery  *gallery,
                 gint64      target_id,
                 char      **name_out)
{
  g_autoptr(GArray) votes = g_array_new (FALSE, TRUE, sizeof (Vote));
  Vote *winner = NULL;

  if (vs_gallery_get_n_people (gallery) == 0)
    return 0;

  for (guint i = 0; i < save->captures->len; i++)
    {
      VsEnrollCapture *capture = g_ptr_array_index (save->captures, i);
      VsIdentity identity = vs_gallery_identify (gallery, capture->sample->embedding, &save->params);
      Vote *vote = NULL;

      if (identity.kind != VS_IDENTITY_KNOWN || identity.best.person_id == target_id)
        continue;

      for (guint v = 0; v < votes->len && vote == NULL; v++)
        if (g_array_index (votes, Vote, v).person_id == identity.best.person_id)
          vote = &g_array_index (votes, Vote, v);
      if (vote == NULL)
        {
          g_array_set_size (votes, votes->len + 1);
          vote = &g_array_index (votes, Vote, votes->len - 1);
          vote->person_id = identity.best.person_id;
        }
      vote->votes++;
      vote->best = MAX (vote->best, identity.best.score);
    }

  for (guint v = 0; v < votes->len; v++)
    if (winner == NULL || g_array_index (votes, Vote, v).votes > winner->votes)
      winner = &g_array_index (votes, Vote, v);

  if (winner == NULL)
    return 0;

  g_debug ("Samples look like person %" G_GINT64_FORMAT " (%u of %u, best %.2f)",
           winner->person_id, winner->votes, save->captures->len, winner->best);
  *name_out = g_strdup (vs_gallery_get_name (gallery, winner->person_id));
  return winner->person_id;
}

static gpointer
run_check (VsStore       *store,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Save *save = data;
  g_autoptr(VisageEnrollCheck) check = g_new0 (VisageEnrollCheck, 1);
  g_autoptr(VsGallery) loaded = NULL;
  VsGallery *gallery = save->gallery;

  /* Who the samples go to: the person of this window, or the one already
   * called by the name typed (any case or accents), or a new person. */
  check->target_id = save->person_id;
  if (check->target_id == 0 && save->name != NULL)
    {
      g_autoptr(VsPerson) named = vs_store_find_person_by_name (store, save->name, NULL);

      if (named != NULL)
        {
          check->target_id = named->id;
          check->target_name = g_strdup (named->name);
        }
    }
  else if (check->target_id != 0)
    {
      g_autoptr(VsPerson) person = vs_store_get_person (store, check->target_id, NULL);

      if (person != NULL)
        check->target_name = g_strdup (person->name);
    }

  if (save->captures->len == 0)
    return g_steal_pointer (&check);

  if (gallery == NULL)
    {
      g_autoptr(GError) local_error = NULL;
      const char *embedder = ((VsEnrollCapture *) g_ptr_array_index (save->captures, 0))->sample->embedder;

      loaded = vs_store_load_gallery (store, embedder, &local_error);
      if (loaded == NULL)
        {
          /* Saving goes on: the comparison is a help, not a condition. */
          g_warning ("Cannot compare with the people enrolled: %s", local_error->message);
          return g_steal_pointer (&check);
        }
      gallery = loaded;
    }
  check->look_alike_id = find_look_alike (save, gallery, check->target_id, &check->look_alike_name);
  return g_steal_pointer (&check);
}

void
visage_enroll_check_async (VsStore             *store,
                           gint64               person_id,
                           const char          *name,
                           GPtrArray           *captures,
                           VsGallery           *gallery,
                           const VsMatchParams *params,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Save *save = save_new (person_id, name, captures);

  save->params = *params;
  /* Only a snapshot of the samples' embedder can judge them. */
  if (gallery != NULL && captures->len > 0 &&
      g_strcmp0 (vs_gallery_get_embedder (gallery),
                 ((VsEnrollCapture *) g_ptr_array_index (captures, 0))->sample->embedder) == 0)
    save->gallery = vs_gallery_ref (gallery);
  vs_store_job_run (store, NULL, run_check, save, (GDestroyNotify) save_free,
                    (GDestroyNotify) visage_enroll_check_free, cancellable, callback, user_data);
}

VisageEnrollCheck *
visage_enroll_check_finish (GAsyncResult  *result,
                            GError       **error)
{
  return vs_store_job_finish (result, error);
}

static gpointer
run_commit (VsStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Save *save = data;
  g_autoptr(GPtrArray) samples = vs_enroll_captures_to_samples (save->captures);
  gint64 id;

  /* One transaction: the person (when new) and every sample. */
  id = vs_store_add_samples (store, save->person_id, save->person_id ? NULL : save->name, samples, error);
  if (id == 0)
    return NULL;
  return vs_store_get_person (store, id, error);
}

void
visage_enroll_commit_async (VsStore             *store,
                            gint64               person_id,
                            const char          *name,
                            GPtrArray           *captures,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  vs_store_job_run (store, NULL, run_commit, save_new (person_id, name, captures),
                    (GDestroyNotify) save_free, (GDestroyNotify) vs_person_free,
                    cancellable, callback, user_data);
}

VsPerson *
visage_enroll_commit_finish (GAsyncResult  *result,
                             GError       **error)
{
  return vs_store_job_finish (result, error);
}

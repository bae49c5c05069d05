/* visage-enroll-photos.c
 *
 * One GTask thread with its own engine goes through the photos in order;
 * results are posted to the task's main context one by one, so the list
 * fills in while the rest are still being checked.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-enroll-photos.h"
#include "vs-cv.h"

#define THUMBNAIL_SIZE 96
#define PICK_THUMBNAIL_SIZE 240   /* big enough to click a face in */

typedef struct {
  GPtrArray       *paths;
  GArray          *face_indexes;
  VisageSession   *session;       /* the engine factory */
  VisagePhotoFunc  each_func;
  gpointer         each_data;
  GMainContext    *context;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_ptr_array_unref (data->paths);
  g_array_unref (data->face_indexes);
  g_object_unref (data->session);
  g_main_context_unref (data->context);
  g_free (data);
}

void
visage_photo_result_free (VisagePhotoResult *result)
{
  if (result == NULL)
    return;

  g_free (result->path);
  g_free (result->basename);
  g_clear_pointer (&result->capture, vs_enroll_capture_unref);
  g_free (result->reason);
  g_clear_pointer (&result->thumbnail, g_bytes_unref);
  g_free (result->face_boxes);
  g_free (result);
}

typedef struct {
  GTask             *task;    /* keeps the task (and each_data's owner) alive */
  VisagePhotoResult *result;
} Delivery;

static gboolean
deliver_cb (gpointer user_data)
{
  Delivery *delivery = user_data;
  CheckData *data = g_task_get_task_data (delivery->task);
  GCancellable *cancellable = g_task_get_cancellable (delivery->task);

  if (!g_cancellable_is_cancelled (cancellable))
    data->each_func (delivery->result, data->each_data);

  visage_photo_result_free (delivery->result);
  g_object_unref (delivery->task);
  g_free (delivery);
  return G_SOURCE_REMOVE;
}

/* The whole photo scaled down, for a refused one: people see which it was. */
static GBytes *
photo_thumbnail (const char *path,
                 int         size)
{
  g_autoptr(VsImage) image = vs_image_load (path, NULL);
  g_autoptr(VsImage) small = NULL;
  double scale;

  if (image == NULL)
    return NULL;

  scale = (double) size / MAX (image->width, image->height);
  if (scale >= 1.0)
    return vs_image_encode_png (image, NULL);

  small = vs_cv_resize (image, MAX (1, (int) (image->width * scale)),
                        MAX (1, (int) (image->height * scale)));
  return vs_image_encode_png (small, NULL);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEngine) engine = NULL;
  int n_good = 0;

  /* Loaded here, on the worker that uses it. */
  engine = visage_session_new_engine (data->session, &error);
  if (engine == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < data->paths->len; i++)
    {
      const char *path = g_ptr_array_index (data->paths, i);
      VisagePhotoResult *result = g_new0 (VisagePhotoResult, 1);
      g_autoptr(GError) photo_error = NULL;
      g_autoptr(GArray) faces = NULL;
      VsQualityReport report;
      int size[2] = { 0, 0 };
      Delivery *delivery;
      GSource *source;

      if (g_task_return_error_if_cancelled (task))
        {
          visage_photo_result_free (result);
          return;
        }

      result->path = g_strdup (path);
      result->basename = g_path_get_basename (path);
      result->face_index = g_array_index (data->face_indexes, int, i);
      result->capture = vs_enroll_check_photo (engine, path, result->face_index, NULL, &report,
                                               &faces, size, &photo_error);
      if (result->capture != NULL)
        {
          result->thumbnail = g_bytes_ref (result->capture->sample->crop);
          n_good++;
        }
      else
        {
          g_debug ("Photo %s refused: %s", path, photo_error->message);
          if (g_error_matches (photo_error, VS_ENROLL_ERROR, VS_ENROLL_ERROR_QUALITY))
            result->reason = g_strdup (photo_error->message);
          else if (photo_error->domain == VS_IMAGE_ERROR)
            result->reason = g_strdup (_("Not a picture Visage can read"));
          else
            result->reason = g_strdup (photo_error->message);

          if (result->face_index < 0 && report.issue == VS_QUALITY_MANY_FACES && faces != NULL)
            {
              /* Which one is the person? They can say, by clicking it. */
              g_free (result->reason);
              result->reason = g_strdup_printf (_("%u faces: click the one to add"), faces->len);
              result->n_faces = faces->len;
              result->face_boxes = g_new (float, 4 * faces->len);
              for (guint f = 0; f < faces->len; f++)
                {
                  const VsFace *face = &g_array_index (faces, VsFace, f);

                  result->face_boxes[4 * f + 0] = face->x / size[0];
                  result->face_boxes[4 * f + 1] = face->y / size[1];
                  result->face_boxes[4 * f + 2] = face->width / size[0];
                  result->face_boxes[4 * f + 3] = face->height / size[1];
                }
              result->thumbnail = photo_thumbnail (path, PICK_THUMBNAIL_SIZE);
            }
          else
            result->thumbnail = photo_thumbnail (path, THUMBNAIL_SIZE);
        }

      delivery = g_new0 (Delivery, 1);
      delivery->task = g_object_ref (task);
      delivery->result = result;
      source = g_idle_source_new ();
      /* The task completes at this priority too: results come first. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_cb, delivery, NULL);
      g_source_set_static_name (source, "[visage] photo result");
      g_source_attach (source, data->context);
      g_source_unref (source);
    }

  g_task_return_int (task, n_good);
}

void
visage_enroll_photos_check_async (GPtrArray           *paths,
                                  GArray              *face_indexes,
                                  VisageSession       *session,
                                  GCancellable        *cancellable,
                                  VisagePhotoFunc      each_func,
                                  gpointer             each_data,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (paths != NULL);
  g_return_if_fail (VISAGE_IS_SESSION (session));
  g_return_if_fail (each_func != NULL);

  data = g_new0 (CheckData, 1);
  data->paths = g_ptr_array_new_with_free_func (g_free);
  data->face_indexes = g_array_sized_new (FALSE, FALSE, sizeof (int), paths->len);
  for (guint i = 0; i < paths->len; i++)
    {
      int face = face_indexes != NULL && i < face_indexes->len ? g_array_index (face_indexes, int, i) : -1;

      g_ptr_array_add (data->paths, g_strdup (g_ptr_array_index (paths, i)));
      g_array_append_val (data->face_indexes, face);
    }
  data->session = g_object_ref (session);
  data->each_func = each_func;
  data->each_data = each_data;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, visage_enroll_photos_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
}

int
visage_enroll_photos_check_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);

  return (int) g_task_propagate_int (G_TASK (result), error);
}

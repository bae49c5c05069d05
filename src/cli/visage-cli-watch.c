/* visage-cli watch: the live pipeline without a window.
 *
 * The camera's recognition frames go to the recognition worker; every track
 * event becomes one JSON line on stdout. The benchmark (--fast) decodes a
 * file as fast as the worker takes frames, none dropped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "visage-cli.h"
#include "vs-camera.h"
#include "vs-cli-common.h"
#include "vs-gallery-monitor.h"
#include "vs-recognizer.h"

typedef struct {
  VsCliOptions      opts;
  gboolean          stats;
  gboolean          fast;
  gboolean          classic;
  gint64            max_frames;

  GMainLoop        *loop;
  VsCamera         *camera;
  VsRecognizer     *recognizer;
  VsGalleryMonitor *monitor;

  /* Set on the streaming thread. */
  gint              frames_seen;       /* atomic */
  gint              have_first;        /* atomic: first_time_us is set */
  gint64            first_time_us;

  gint64            start_us;        /* main thread: when watching began */
  gint64            start_cpu_us;    /* the process's CPU time then */
  double            last_frame_time; /* frame time of the newest results */
  guint64           last_frame_number;
  GHashTable       *names;           /* track id → name of the decision, for "left" */
  GHashTable       *open_tracks;     /* ids of tracks that appeared and have not left */
  guint             n_tracks;
  gboolean          finishing;
  int               status;
} Watch;

/* Seconds since the start of the source: the frame's place in it when the
 * rate is known, else its time on the camera's frame clock. Never the
 * arrival time, so that the same file gives the same times on every run. */
static double
frame_time (Watch   *watch,
            guint64  frame_number,
            gint64   frame_time_us)
{
  double fps = vs_camera_get_source_fps (watch->camera);
  gint64 first = g_atomic_int_get (&watch->have_first) ? watch->first_time_us : frame_time_us;

  if (fps > 0)
    return frame_number / fps;
  return (frame_time_us - first) / (double) G_USEC_PER_SEC;
}

static const char *
event_name (VsTrackerEventType type)
{
  switch (type)
    {
    case VS_TRACKER_EVENT_ADDED:
      return "appeared";
    case VS_TRACKER_EVENT_DECIDED:
      return "decided";
    case VS_TRACKER_EVENT_REMOVED:
      return "left";
    default:
      g_assert_not_reached ();
    }
}

static void
add_identity (JsonBuilder  *b,
              VsTrackState  state,
              gint64        person_id,
              const char   *name,
              float         score)
{
  json_builder_set_member_name (b, "state");
  /* "identifying" only when a name was taken back without a new decision
   * (the gallery changed and now hesitates between two people). */
  json_builder_add_string_value (b, state == VS_TRACK_KNOWN ? "known" :
                                    state == VS_TRACK_IDENTIFYING ? "identifying" : "unknown");
  /* Nobody is null, never a name: a person may be called “unknown”. */
  json_builder_set_member_name (b, "name");
  if (state == VS_TRACK_KNOWN && name != NULL)
    json_builder_add_string_value (b, name);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "person_id");
  if (state == VS_TRACK_KNOWN)
    json_builder_add_int_value (b, person_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, (double) (gint64) (score * 1000 + (score >= 0 ? 0.5 : -0.5)) / 1000);
}

typedef struct {
  VsTrackState state;
  gint64       person_id;
  char        *name;
  float        score;
} Decision;

static void
decision_free (gpointer data)
{
  Decision *d = data;
  g_free (d->name);
  g_free (d);
}

static int
compare_track_ids (gconstpointer a,
                   gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (a), y = GPOINTER_TO_UINT (b);

  return (x > y) - (x < y);
}

static void
print_event (Watch                *watch,
             const VsTrackerEvent *event,
             double                time,
             gboolean              at_end)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const Decision *d = g_hash_table_lookup (watch->names, GUINT_TO_POINTER (event->track_id));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event_name (event->type));
  json_builder_set_member_name (b, "track");
  json_builder_add_int_value (b, event->track_id);
  json_builder_set_member_name (b, "time");
  json_builder_add_double_value (b, (double) (gint64) (time * 1000 + 0.5) / 1000);
  json_builder_set_member_name (b, "frame");
  json_builder_add_int_value (b, event->frame_number);

  if (event->type == VS_TRACKER_EVENT_DECIDED)
    add_identity (b, event->state, event->person_id, event->name, event->score);
  else if (event->type == VS_TRACKER_EVENT_REMOVED && d != NULL)
    /* Who left, as decided (the track may have been outvoted since). */
    add_identity (b, d->state, d->person_id, d->name, d->score);
  if (at_end)
    {
      json_builder_set_member_name (b, "end");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_end_object (b);

  vs_cli_print_json (json_builder_get_root (b));
}

static void
on_results (VsRecognizer         *recognizer,
            VsRecognitionResults *results,
            Watch                *watch)
{
  for (guint i = 0; i < results->events->len; i++)
    {
      const VsTrackerEvent *event = &g_array_index (results->events, VsTrackerEvent, i);
      double time = frame_time (watch, event->frame_number, event->time_us);

      switch (event->type)
        {
        case VS_TRACKER_EVENT_ADDED:
          watch->n_tracks++;
          g_hash_table_add (watch->open_tracks, GUINT_TO_POINTER (event->track_id));
          print_event (watch, event, time, FALSE);
          break;

        case VS_TRACKER_EVENT_DECIDED:
          {
            Decision *d = g_new0 (Decision, 1);

            d->state = event->state;
            d->person_id = event->person_id;
            d->name = g_strdup (event->name);
            d->score = event->score;
            g_hash_table_replace (watch->names, GUINT_TO_POINTER (event->track_id), d);
            print_event (watch, event, time, FALSE);

            if (event->state == VS_TRACK_KNOWN && watch->monitor != NULL)
              {
                g_autoptr(GError) error = NULL;

                if (!vs_gallery_monitor_record_seen (watch->monitor, event->person_id, &error) &&
                    error != NULL)
                  g_debug ("Could not record that %s was seen: %s", event->name, error->message);
              }
          }
          break;

        case VS_TRACKER_EVENT_REMOVED:
          g_hash_table_remove (watch->open_tracks, GUINT_TO_POINTER (event->track_id));
          print_event (watch, event, time, FALSE);
          g_hash_table_remove (watch->names, GUINT_TO_POINTER (event->track_id));
          break;

        default:
          g_assert_not_reached ();
        }
    }

  watch->last_frame_time = frame_time (watch, results->frame_number, results->frame_time_us);
  watch->last_frame_number = results->frame_number;
}

/* Streaming thread. */
static void
frame_func (VsImage  *frame,
            gint64    time_us,
            guint64   frame_number,
            gpointer  data);

static gboolean finish_cb (gpointer data);

static gboolean
max_frames_cb (gpointer data)
{
  Watch *watch = data;

  g_debug ("Reached --max-frames");
  finish_cb (watch);
  return G_SOURCE_REMOVE;
}

static void
frame_func (VsImage  *frame,
            gint64    time_us,
            guint64   frame_number,
            gpointer  data)
{
  Watch *watch = data;
  gint64 seen;

  if (!g_atomic_int_get (&watch->have_first))
    {
      watch->first_time_us = time_us;
      g_atomic_int_set (&watch->have_first, TRUE);
    }

  seen = (gint64) g_atomic_int_add (&watch->frames_seen, 1) + 1;
  if (watch->max_frames > 0 && seen > watch->max_frames)
    return;

  vs_recognizer_push_frame (watch->recognizer, frame, time_us, frame_number);

  if (watch->max_frames > 0 && seen == watch->max_frames)
    g_idle_add_full (G_PRIORITY_DEFAULT, max_frames_cb, watch, NULL);
}

static gboolean
quit_cb (gpointer data)
{
  Watch *watch = data;

  g_main_loop_quit (watch->loop);
  return G_SOURCE_REMOVE;
}

/* Stops the source, lets the worker finish what it has, and quits once its
 * last results were delivered. */
static gboolean
finish_cb (gpointer data)
{
  Watch *watch = data;

  if (watch->finishing)
    return G_SOURCE_REMOVE;
  watch->finishing = TRUE;

  vs_camera_stop (watch->camera);
  vs_recognizer_drain (watch->recognizer);
  /* After the deliveries already queued at default priority. */
  g_idle_add_full (G_PRIORITY_LOW, quit_cb, watch, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer data)
{
  Watch *watch = data;

  g_debug ("Interrupted");
  finish_cb (watch);
  return G_SOURCE_CONTINUE;
}

static void
on_eos (VsCamera *camera,
        Watch    *watch)
{
  g_debug ("End of the source");
  finish_cb (watch);
}

static int
exit_code_for_camera (const GError *error)
{
  if (error->domain != VS_CAMERA_ERROR)
    return vs_cli_exit_code_for (error);
  switch (error->code)
    {
    case VS_CAMERA_ERROR_INVALID_SOURCE:
      return VS_EXIT_USAGE;
    case VS_CAMERA_ERROR_NOT_FOUND:
    case VS_CAMERA_ERROR_NO_PICTURES:
    case VS_CAMERA_ERROR_NOT_VIDEO:
    case VS_CAMERA_ERROR_OPEN:
    case VS_CAMERA_ERROR_DISCONNECTED:
      return VS_EXIT_INPUT;
    default:
      return VS_EXIT_FAILED;
    }
}

static void
on_camera_error (VsCamera *camera,
                 GError   *error,
                 Watch    *watch)
{
  g_printerr ("visage-cli: %s\n", error->message);
  if (watch->status == VS_EXIT_OK)
    watch->status = exit_code_for_camera (error);
  finish_cb (watch);
}

static void
on_gallery_changed (VsGalleryMonitor *monitor,
                    VsGallery        *gallery,
                    Watch            *watch)
{
  g_autoptr(GError) error = NULL;

  if (!vs_recognizer_set_gallery (watch->recognizer, gallery, &error))
    g_printerr ("visage-cli: %s\n", error->message);
  else
    g_printerr (_("visage-cli: the database changed: %u people known now\n"),
                vs_gallery_get_n_people (gallery));
}

/* A shared gallery's server went away or came back: one JSON line, so a
 * supervisor sees it; recognition goes on with the last gallery. */
static void
on_online_changed (VsGalleryMonitor *monitor,
                   GParamSpec       *pspec,
                   Watch            *watch)
{
  gboolean online = vs_gallery_monitor_get_online (monitor);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, online ? "online" : "offline");
  json_builder_set_member_name (b, "people");
  json_builder_add_int_value (b, vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (monitor)));
  json_builder_end_object (b);
  vs_cli_print_json (json_builder_get_root (b));

  if (online)
    g_printerr (_("visage-cli: the database server is back; catching up\n"));
  else
    g_printerr (_("visage-cli: the database server cannot be reached; still recognising the "
                  "people known so far, enrolling is not possible until it is back\n"));
}

static double
delivered_fps (Watch *watch)
{
  double elapsed = (g_get_monotonic_time () - watch->start_us) / (double) G_USEC_PER_SEC;
  return elapsed > 0 ? vs_camera_get_frames_delivered (watch->camera) / elapsed : 0;
}

static gboolean
print_progress_cb (gpointer data)
{
  Watch *watch = data;
  VsRecognizerStats s;

  vs_recognizer_get_stats (watch->recognizer, &s);
  g_printerr (_("frames %" PRIu64 "  recognition %.1f fps  faces %u  "
                "latency p50 %.0f ms p95 %.0f ms\n"),
              s.frames_processed, s.recognition_fps, s.faces_last,
              s.latency_p50_ms, s.latency_p95_ms);
  return G_SOURCE_CONTINUE;
}

/* CPU time of the whole process, every thread: decoding, scaling,
 * recognition. */
static gint64
process_cpu_time_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static double
round3 (double v)
{
  return (double) (gint64) (v * 1000 + (v >= 0 ? 0.5 : -0.5)) / 1000;
}

static void
print_stats (Watch *watch)
{
  VsRecognizerStats s;
  double elapsed = (g_get_monotonic_time () - watch->start_us) / (double) G_USEC_PER_SEC;
  double source_fps = vs_camera_get_source_fps (watch->camera);
  double cpu_ms = (process_cpu_time_us () - watch->start_cpu_us) / 1000.0;
  double cpu_per_frame_ms;
  double load[3] = { 0 };

  vs_recognizer_get_stats (watch->recognizer, &s);
  cpu_per_frame_ms = s.frames_processed > 0 ? cpu_ms / s.frames_processed : 0;
  if (getloadavg (load, 3) < 1)
    load[0] = 0;

  if (watch->opts.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

#define MEMBER_INT(key, value) \
      json_builder_set_member_name (b, key); json_builder_add_int_value (b, value)
#define MEMBER_DOUBLE(key, value) \
      json_builder_set_member_name (b, key); json_builder_add_double_value (b, round3 (value))

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "stats");
      MEMBER_INT ("frames", s.frames_processed);
      MEMBER_INT ("frames_delivered", vs_camera_get_frames_delivered (watch->camera));
      MEMBER_INT ("frames_dropped", s.frames_dropped);
      MEMBER_DOUBLE ("source_fps", source_fps);
      MEMBER_DOUBLE ("camera_fps", delivered_fps (watch));
      MEMBER_DOUBLE ("recognition_fps", s.average_fps);
      MEMBER_DOUBLE ("process_mean_ms", s.process_mean_ms);
      MEMBER_DOUBLE ("detect_mean_ms", s.detect_mean_ms);
      MEMBER_DOUBLE ("embed_mean_ms", s.embed_mean_ms);
      MEMBER_DOUBLE ("match_mean_ms", s.match_mean_ms);
      MEMBER_DOUBLE ("worker_cpu_ms", s.cpu_mean_ms);
      MEMBER_DOUBLE ("cpu_per_frame_ms", cpu_per_frame_ms);
      MEMBER_INT ("full_detections", s.full_detections);
      MEMBER_INT ("region_detections", s.region_detections);
      json_builder_set_member_name (b, "classic");
      json_builder_add_boolean_value (b, watch->classic);
      MEMBER_DOUBLE ("latency_p50_ms", s.latency_p50_ms);
      MEMBER_DOUBLE ("latency_p95_ms", s.latency_p95_ms);
      MEMBER_DOUBLE ("latency_max_ms", s.latency_max_ms);
      MEMBER_INT ("faces_max", s.faces_max);
      MEMBER_INT ("tracks", watch->n_tracks);
      MEMBER_INT ("embeddings", s.embeddings);
      MEMBER_INT ("errors", s.errors);
      MEMBER_DOUBLE ("elapsed_s", elapsed);
      MEMBER_DOUBLE ("load_average", load[0]);
      json_builder_end_object (b);
#undef MEMBER_INT
#undef MEMBER_DOUBLE

      vs_cli_print_json (json_builder_get_root (b));
    }
  else
    {
      g_printerr (_("Frames processed:   %" PRIu64 " (%" PRIu64 " dropped)\n"),
                  s.frames_processed, s.frames_dropped);
      g_printerr (_("Source:             %.1f fps\n"), source_fps);
      g_printerr (_("Camera frames:      %.1f per second\n"), delivered_fps (watch));
      g_printerr (_("Recognition:        %.1f frames per second (%.1f ms per frame: "
                    "detection %.1f ms, %.1f ms per embedded face)\n"),
                  s.average_fps, s.process_mean_ms, s.detect_mean_ms, s.embed_mean_ms);
      g_printerr (_("Searched:           %" PRIu64 " frames whole, %" PRIu64 " around the faces "
                    "followed; %.3f ms per match\n"),
                  s.full_detections, s.region_detections, s.match_mean_ms);
      g_printerr (_("CPU:                %.1f ms per frame (recognition thread %.1f ms)\n"),
                  cpu_per_frame_ms, s.cpu_mean_ms);
      g_printerr (_("Latency:            p50 %.1f ms, p95 %.1f ms, max %.1f ms\n"),
                  s.latency_p50_ms, s.latency_p95_ms, s.latency_max_ms);
      g_printerr (_("Faces:              at most %u in a frame, %u tracks\n"),
                  s.faces_max, watch->n_tracks);
    }
}

/* "file:" for an existing file, "images:" for a folder, else as given. */
static char *
normalize_source (const char *source)
{
  if (strchr (source, ':') == NULL || g_file_test (source, G_FILE_TEST_EXISTS))
    {
      if (g_file_test (source, G_FILE_TEST_IS_DIR))
        return g_strconcat ("images:", source, NULL);
      if (g_file_test (source, G_FILE_TEST_IS_REGULAR))
        return g_strconcat ("file:", source, NULL);
    }
  return g_strdup (source);
}

int
vs_cli_watch (int    argc,
              char **argv)
{
  Watch watch = { .status = VS_EXIT_OK };
  double fps = 0;
  double hold = 0;
  int size = 0;
  int max_embeddings = -1;
  double threshold = 0;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "stats", 0, 0, G_OPTION_ARG_NONE, &watch.stats,
      N_("Print frame rates and latency every second (stderr) and at the end"), NULL },
    { "fast", 0, 0, G_OPTION_ARG_NONE, &watch.fast,
      N_("Process a file as fast as possible, every frame (benchmark)"), NULL },
    { "classic", 0, 0, G_OPTION_ARG_NONE, &watch.classic,
      N_("The classic loop, for comparison: search every frame whole, embed and match every "
         "face in it"), NULL },
    { "max-frames", 0, 0, G_OPTION_ARG_INT64, &watch.max_frames,
      N_("Stop after N frames"), N_("N") },
    { "fps", 0, 0, G_OPTION_ARG_DOUBLE, &fps,
      N_("Frames per second of an images: source, like a camera's (default 10)"), N_("FPS") },
    { "hold", 0, 0, G_OPTION_ARG_DOUBLE, &hold,
      N_("Seconds each picture of an images: source stays in front of the camera (default 2)"),
      N_("SECONDS") },
    { "size", 0, 0, G_OPTION_ARG_INT, &size,
      N_("Long side of the frames the recognition works on (default 640; smaller is faster, "
         "but misses small faces)"), N_("PIXELS") },
    { "max-embeddings", 0, 0, G_OPTION_ARG_INT, &max_embeddings,
      N_("Faces embedded per frame at most (default 4; 0: no limit)"), N_("N") },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      N_("Similarity a face needs to be named (default: the app’s setting, else the model’s)"), N_("T") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("SOURCE — recognise faces live, without a window"),
                        _("SOURCE is “test”, “file:PATH” (a video), “images:DIR” (a slideshow), "
                          "“device:ID” (a camera) or the path of a video or folder.\n"
                          "Prints one JSON line per event: a track appeared, was decided "
                          "(a name, or “unknown”), or left. Stop with Ctrl+C."),
                        entries, &watch.opts);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autofree char *source = NULL;
  VsCameraFlags flags = VS_CAMERA_NO_DISPLAY;
  guint sigint_id = 0, sigterm_id = 0, progress_id = 0;
  const char *problem = NULL;

  if (!vs_cli_parse (context, &argc, &argv))
    {
      vs_cli_options_clear (&watch.opts);
      return VS_EXIT_USAGE;
    }
  if (rest == NULL || rest[0] == NULL)
    problem = _("Name a source, for example “test” or “file:video.mp4”");
  else if (rest[1] != NULL)
    problem = _("Only one source, please");
  else if (watch.max_frames < 0)
    problem = _("--max-frames must be positive");
  else if (fps < 0 || fps > 120)
    problem = _("--fps must be between 0 and 120");
  else if (hold < 0 || hold > 3600)
    problem = _("--hold must be between 0 and 3600 seconds");
  else if (max_embeddings < -1 || max_embeddings > 1000)
    problem = _("--max-embeddings must be between 0 and 1000");
  else if (size != 0 && (size < 64 || size > 4096))
    problem = _("--size must be between 64 and 4096");
  else if (threshold < 0 || threshold > 1)
    problem = _("--threshold must be between 0 and 1");
  if (problem != NULL)
    {
      vs_cli_options_clear (&watch.opts);
      return vs_cli_usage (context, "%s", problem);
    }

  source = normalize_source (rest[0]);
  if (watch.fast)
    flags |= VS_CAMERA_FAST;

  watch.camera = vs_camera_new (source, flags, &error);
  if (watch.camera == NULL)
    {
      g_printerr ("visage-cli: %s\n", error->message);
      vs_cli_options_clear (&watch.opts);
      return exit_code_for_camera (error);
    }
  if (fps > 0)
    vs_camera_set_fps (watch.camera, fps);
  if (hold > 0)
    vs_camera_set_hold (watch.camera, hold);
  if (size > 0)
    vs_camera_set_recognition_size (watch.camera, size);

  /* The database first: it says which embedder its faces are in. */
  store = vs_cli_open_store (&watch.opts, VS_CLI_WRITE, &error);
  if (store != NULL)
    {
      vs_cli_use_store_embedder (&watch.opts, store);
      watch.recognizer = vs_recognizer_new (watch.opts.models_dir, watch.opts.embedder, &error);
      /* The models load on the recognizer's worker: a missing one is
       * still an error before anything starts. */
      if (watch.recognizer != NULL && !vs_recognizer_wait_ready (watch.recognizer, &error))
        g_clear_object (&watch.recognizer);
    }
  if (watch.recognizer == NULL)
    {
      int status = vs_cli_fail (error);
      g_clear_object (&watch.camera);
      vs_cli_options_clear (&watch.opts);
      return status;
    }
  vs_recognizer_set_lossless (watch.recognizer, watch.fast);
  vs_recognizer_set_classic (watch.recognizer, watch.classic);
  {
    VsMatchParams params;

    vs_cli_match_params_for (vs_recognizer_get_embedder (watch.recognizer), threshold, &params);
    vs_recognizer_set_match_params (watch.recognizer, &params);
  }
  if (max_embeddings >= 0)
    vs_recognizer_set_embed_policy (watch.recognizer, max_embeddings,
                                    VS_RECOGNIZER_DEFAULT_MIN_FACE_SIZE);

  watch.monitor = vs_gallery_monitor_new (store, vs_recognizer_get_embedder (watch.recognizer), &error);
  if (watch.monitor == NULL ||
      !vs_recognizer_set_gallery (watch.recognizer, vs_gallery_monitor_get_gallery (watch.monitor), &error))
    {
      int status = vs_cli_fail (error);
      g_clear_object (&watch.monitor);
      g_clear_object (&watch.recognizer);
      g_clear_object (&watch.camera);
      vs_cli_options_clear (&watch.opts);
      return status;
    }
  if (vs_gallery_get_n_people (vs_gallery_monitor_get_gallery (watch.monitor)) == 0)
    g_printerr (_("visage-cli: nobody is enrolled with the %s embedder yet; every face will be unknown\n"),
                vs_recognizer_get_embedder (watch.recognizer));

  watch.loop = g_main_loop_new (NULL, FALSE);
  watch.names = g_hash_table_new_full (NULL, NULL, NULL, decision_free);
  watch.open_tracks = g_hash_table_new (NULL, NULL);

  g_signal_connect (watch.recognizer, "results", G_CALLBACK (on_results), &watch);
  g_signal_connect (watch.monitor, "gallery-changed", G_CALLBACK (on_gallery_changed), &watch);
  g_signal_connect (watch.monitor, "notify::online", G_CALLBACK (on_online_changed), &watch);
  g_signal_connect (watch.camera, "eos", G_CALLBACK (on_eos), &watch);
  g_signal_connect (watch.camera, "error", G_CALLBACK (on_camera_error), &watch);
  vs_camera_set_frame_func (watch.camera, frame_func, &watch, NULL);

  sigint_id = g_unix_signal_add (SIGINT, on_signal, &watch);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &watch);
  if (watch.stats)
    progress_id = g_timeout_add_seconds (1, print_progress_cb, &watch);

  watch.start_us = g_get_monotonic_time ();
  watch.start_cpu_us = process_cpu_time_us ();
  vs_camera_start (watch.camera);
  g_main_loop_run (watch.loop);

  g_clear_handle_id (&sigint_id, g_source_remove);
  g_clear_handle_id (&sigterm_id, g_source_remove);
  g_clear_handle_id (&progress_id, g_source_remove);

  /* Tracks still there at the end leave too, so every track that appeared
   * has its "left" — every one printed, in id order, whatever the live
   * model still shows (it drops boxes that went stale). */
  {
    g_autoptr(GList) open = g_list_sort (g_hash_table_get_keys (watch.open_tracks), compare_track_ids);

    for (GList *l = open; l != NULL; l = l->next)
      {
        VsTrackerEvent event = {
          .type = VS_TRACKER_EVENT_REMOVED,
          .track_id = GPOINTER_TO_UINT (l->data),
          .frame_number = watch.last_frame_number,
        };

        print_event (&watch, &event, watch.last_frame_time, TRUE);
      }
  }

  vs_recognizer_stop (watch.recognizer);
  if (watch.stats)
    print_stats (&watch);

  vs_camera_set_frame_func (watch.camera, NULL, NULL, NULL);
  g_clear_object (&watch.camera);
  g_clear_object (&watch.recognizer);
  g_clear_object (&watch.monitor);
  g_clear_pointer (&watch.names, g_hash_table_unref);
  g_clear_pointer (&watch.open_tracks, g_hash_table_unref);
  g_clear_pointer (&watch.loop, g_main_loop_unref);
  vs_cli_options_clear (&watch.opts);

  return watch.status;
}

/* visage-cli-bench.c: `bench lfw` (the standard LFW verification protocol)
 * and `bench speed` (medians of each pipeline stage and of matching). */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "visage-cli.h"
#include "vs-cli-common.h"
#include "vs-cv.h"

/* ── shared maths ───────────────────────────────────────────────────── */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  if (values->len % 2)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* --detector picks any detector of the manifest; --embedder and --models come
 * from the common options. */
static VsEngine *
open_bench_engine (const VsCliOptions  *opts,
                   const char          *detector,
                   GError             **error)
{
  return vs_engine_new_full (opts->models_dir, detector, opts->embedder, error);
}

/* ── bench lfw ──────────────────────────────────────────────────────── */

typedef struct {
  float score;
  gboolean same;
} Pair;

typedef struct {
  int a, b;     /* image indices */
  gboolean same;
} PairSpec;

typedef struct {
  GPtrArray     *paths;        /* image paths */
  float         *embeddings;   /* n × dim */
  gboolean      *found;        /* a face was found */
  double        *ms;           /* wall time per image */
  guint          dim;
  gint           next;         /* atomic work counter */
  gint           done;
  const VsCliOptions *opts;
  const char    *detector;     /* NULL: the manifest's */
  VsFacePick     pick;
  GMutex         lock;
  GError        *error;        /* first fatal error */
} LfwJob;

static gpointer
lfw_worker (gpointer user_data)
{
  LfwJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEngine) engine = open_bench_engine (job->opts, job->detector, &error);

  if (engine == NULL)
    {
      g_mutex_lock (&job->lock);
      if (job->error == NULL)
        job->error = g_steal_pointer (&error);
      g_mutex_unlock (&job->lock);
      return NULL;
    }

  for (;;)
    {
      int i = g_atomic_int_add (&job->next, 1);
      const char *path;
      g_autoptr(VsImage) image = NULL;
      g_autoptr(GArray) faces = NULL;
      g_autoptr(GError) local_error = NULL;
      double start;
      int index;

      if (i >= (int) job->paths->len || job->error != NULL)
        break;
      path = g_ptr_array_index (job->paths, i);
      start = now_ms ();
      image = vs_image_load (path, &local_error);
      if (image != NULL)
        faces = vs_engine_detect (engine, image, &local_error);
      if (faces != NULL && (index = vs_faces_pick (faces, image, job->pick, path, &local_error)) >= 0)
        job->found[i] = vs_engine_embed_face (engine, image, &g_array_index (faces, VsFace, index),
                                              job->embeddings + (gsize) i * job->dim, NULL, &local_error);
      job->ms[i] = now_ms () - start;

      if (local_error != NULL && !g_error_matches (local_error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_NO_FACE))
        {
          g_mutex_lock (&job->lock);
          if (job->error == NULL)
            job->error = g_steal_pointer (&local_error);
          g_mutex_unlock (&job->lock);
        }
      g_atomic_int_inc (&job->done);
      vs_cli_progress_step (path);
    }
  return NULL;
}

static GArray *
read_pairs (const char  *root,
            const char  *pairs_file,
            GPtrArray   *paths,
            guint       *n_folds,
            GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (PairSpec));
  guint folds = 0, per_fold = 0;

  if (!g_file_get_contents (pairs_file, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL || sscanf (lines[0], "%u %u", &folds, &per_fold) != 2 || folds == 0 || per_fold == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” does not start with “FOLDS PAIRS”: is it LFW’s pairs.txt?"), pairs_file);
      return NULL;
    }

  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) f = g_strsplit_set (g_strstrip (lines[l]), " \t", -1);
      guint n = g_strv_length (f);
      char *names[2];
      int nums[2];
      PairSpec spec;

      if (n == 0 || (n == 1 && *f[0] == '\0'))
        continue;
      if (n == 3)
        {
          names[0] = names[1] = f[0];
          nums[0] = atoi (f[1]);
          nums[1] = atoi (f[2]);
          spec.same = TRUE;
        }
      else if (n == 4)
        {
          names[0] = f[0];
          nums[0] = atoi (f[1]);
          names[1] = f[2];
          nums[1] = atoi (f[3]);
          spec.same = FALSE;
        }
      else
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("%s:%u: expected 3 or 4 fields"), pairs_file, l + 1);
          return NULL;
        }

      for (int k = 0; k < 2; k++)
        {
          g_autofree char *file = g_strdup_printf ("%s_%04d.jpg", names[k], nums[k]);
          g_autofree char *path = g_build_filename (root, names[k], file, NULL);
          gpointer found;

          if (!g_hash_table_lookup_extended (index, path, NULL, &found))
            {
              if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
                {
                  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                               _("%s:%u names “%s”, which does not exist: is --root the LFW folder?"),
                               pairs_file, l + 1, path);
                  return NULL;
                }
              g_ptr_array_add (paths, g_strdup (path));
              found = GINT_TO_POINTER (paths->len - 1);
              g_hash_table_insert (index, g_ptr_array_index (paths, paths->len - 1), found);
            }
          if (k == 0)
            spec.a = GPOINTER_TO_INT (found);
          else
            spec.b = GPOINTER_TO_INT (found);
        }
      g_array_append_val (pairs, spec);
    }

  if (pairs->len != folds * per_fold * 2)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” announces %u folds of %u + %u pairs but holds %u pairs"),
                   pairs_file, folds, per_fold, per_fold, pairs->len);
      return NULL;
    }
  *n_folds = folds;
  return g_steal_pointer (&pairs);
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  float x = ((const Pair *) a)->score, y = ((const Pair *) b)->score;
  return (x > y) - (x < y);
}

/* The threshold (a midpoint between sorted training scores) that maximises
 * accuracy when "same" means score > threshold. */
static float
best_threshold (GArray *training)
{
  guint n = training->len, n_same = 0, same_below = 0, diff_below = 0;
  double best_acc = -1;
  float best = 0;

  g_array_sort (training, compare_pairs);
  for (guint i = 0; i < n; i++)
    n_same += g_array_index (training, Pair, i).same;

  /* Threshold below everything: all called "same". */
  best_acc = (double) n_same / n;
  best = g_array_index (training, Pair, 0).score - 1e-4f;

  for (guint i = 0; i < n; i++)
    {
      const Pair *p = &g_array_index (training, Pair, i);
      double acc;

      if (p->same)
        same_below++;
      else
        diff_below++;
      if (i + 1 < n && g_array_index (training, Pair, i + 1).score == p->score)
        continue;
      /* Threshold between p and the next: below it is "different". */
      acc = (double) (diff_below + (n_same - same_below)) / n;
      if (acc > best_acc)
        {
          best_acc = acc;
          best = i + 1 < n ? (p->score + g_array_index (training, Pair, i + 1).score) / 2 : p->score + 1e-4f;
        }
    }
  return best;
}

typedef struct {
  double accuracy_mean, accuracy_std, threshold_mean;
  double tar_at_far, far_threshold;
  double fold_acc[64];
} LfwResult;

static void
evaluate_folds (GArray    *pairs,  /* Pair, fold-major */
                guint      n_folds,
                LfwResult *r)
{
  guint per = pairs->len / n_folds;
  g_autoptr(GArray) impostors = g_array_new (FALSE, FALSE, sizeof (double));
  double sum = 0, sum_thr = 0, var = 0;
  guint tar = 0, genuine = 0;

  for (guint f = 0; f < n_folds; f++)
    {
      g_autoptr(GArray) training = g_array_new (FALSE, FALSE, sizeof (Pair));
      float thr;
      guint right = 0;

      for (guint i = 0; i < pairs->len; i++)
        if (i / per != f)
          g_array_append_val (training, g_array_index (pairs, Pair, i));
      thr = best_threshold (training);
      for (guint i = f * per; i < (f + 1) * per; i++)
        {
          const Pair *p = &g_array_index (pairs, Pair, i);
          right += (p->score > thr) == p->same;
        }
      r->fold_acc[f] = (double) right / per;
      sum += r->fold_acc[f];
      sum_thr += thr;
    }
  r->accuracy_mean = sum / n_folds;
  for (guint f = 0; f < n_folds; f++)
    var += (r->fold_acc[f] - r->accuracy_mean) * (r->fold_acc[f] - r->accuracy_mean);
  r->accuracy_std = sqrt (var / n_folds);
  r->threshold_mean = sum_thr / n_folds;

  /* TAR at FAR 0.1 %: the threshold lets exactly 0.1 % of impostors above. */
  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *p = &g_array_index (pairs, Pair, i);
      if (!p->same)
        {
          double s = p->score;
          g_array_append_val (impostors, s);
        }
    }
  g_array_sort (impostors, compare_doubles);
  {
    guint allowed = impostors->len / 1000;   /* 3 of 3,000 */
    r->far_threshold = g_array_index (impostors, double, impostors->len - 1 - allowed);
  }
  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *p = &g_array_index (pairs, Pair, i);
      if (p->same)
        {
          genuine++;
          tar += p->score > r->far_threshold;
        }
    }
  r->tar_at_far = (double) tar / MAX (genuine, 1);
}

static gboolean
write_roc (const char  *path,
           GArray      *pairs,
           GError     **error)
{
  g_autoptr(GArray) sorted = g_array_copy (pairs);
  g_autoptr(GString) csv = g_string_new ("threshold,far,tar\n");
  guint n_same = 0, n_diff = 0, same_above, diff_above;

  g_array_sort (sorted, compare_pairs);
  for (guint i = 0; i < sorted->len; i++)
    {
      if (g_array_index (sorted, Pair, i).same)
        n_same++;
      else
        n_diff++;
    }
  same_above = n_same;
  diff_above = n_diff;
  for (guint i = 0; i < sorted->len; i++)
    {
      const Pair *p = &g_array_index (sorted, Pair, i);
      char buf[3][G_ASCII_DTOSTR_BUF_SIZE];

      /* At threshold p->score, pairs scoring >= it are accepted. */
      g_string_append_printf (csv, "%s,%s,%s\n",
                              g_ascii_formatd (buf[0], sizeof buf[0], "%.6f", p->score),
                              g_ascii_formatd (buf[1], sizeof buf[1], "%.6f", (double) diff_above / MAX (n_diff, 1)),
                              g_ascii_formatd (buf[2], sizeof buf[2], "%.6f", (double) same_above / MAX (n_same, 1)));
      if (p->same)
        same_above--;
      else
        diff_above--;
    }
  return g_file_set_contents (path, csv->str, csv->len, error);
}

/* Impostor scores over every pair of images of different people: enough of
 * them (~30 million for LFW View 2) to read thresholds for the false-accept
 * rates that open-set identification needs. */
typedef struct {
  double far;
  double threshold;
  double tar;
} FarPoint;

static void
open_set_table (LfwJob     *job,
                GPtrArray  *identities,   /* per image: person name (borrowed) */
                GArray     *pairs,
                FarPoint   *points,
                guint       n_points)
{
  enum { BINS = 20000 };   /* score resolution 1e-4 over [-1, 1] */
  g_autofree guint64 *hist = g_new0 (guint64, BINS + 1);
  guint64 total = 0, above = 0;
  guint n = job->paths->len;

  for (guint i = 0; i < n; i++)
    {
      const float *a = job->embeddings + (gsize) i * job->dim;
      if (!job->found[i])
        continue;
      for (guint j = i + 1; j < n; j++)
        {
          float s;
          int bin;

          if (!job->found[j] || g_str_equal (g_ptr_array_index (identities, i), g_ptr_array_index (identities, j)))
            continue;
          s = vs_cosine (a, job->embeddings + (gsize) j * job->dim, job->dim);
          bin = CLAMP ((int) floor ((s + 1.0) / 2.0 * BINS), 0, BINS);
          hist[bin]++;
          total++;
        }
    }

  for (guint p = 0; p < n_points; p++)
    {
      /* Smallest threshold whose share of impostors at or above it is ≤ far. */
      guint64 allowed = (guint64) floor (points[p].far * total);
      int bin = BINS;

      above = hist[BINS];
      while (bin > 0 && above + hist[bin - 1] <= allowed)
        above += hist[--bin];
      points[p].threshold = bin * 2.0 / BINS - 1.0;
      {
        guint same = 0, accepted = 0;
        for (guint i = 0; i < pairs->len; i++)
          {
            const Pair *pp = &g_array_index (pairs, Pair, i);
            if (pp->same)
              {
                same++;
                accepted += pp->score >= points[p].threshold;
              }
          }
        points[p].tar = (double) accepted / MAX (same, 1);
      }
    }
  g_debug ("open-set table from %" G_GUINT64_FORMAT " impostor pairs", total);
}

static int
bench_lfw (int    argc,
           char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  g_autofree char *root = NULL, *pairs_file = NULL, *roc = NULL, *detector = NULL;
  int n_threads = 0;
  gboolean largest = FALSE;
  const GOptionEntry entries[] = {
    { "root", 0, 0, G_OPTION_ARG_FILENAME, &root, N_("The LFW folder (one sub-folder per person)"), N_("DIR") },
    { "pairs", 0, 0, G_OPTION_ARG_FILENAME, &pairs_file, N_("LFW’s pairs.txt (View 2)"), N_("FILE") },
    { "roc", 0, 0, G_OPTION_ARG_FILENAME, &roc, N_("Write the ROC points as CSV"), N_("FILE") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, N_("Worker threads (default: one per core)"), N_("N") },
    { "largest", 0, 0, G_OPTION_ARG_NONE, &largest, N_("Use the largest face instead of the most central"), NULL },
    { "detector", 0, 0, G_OPTION_ARG_STRING, &detector, N_("Face detector model (default: the manifest’s)"), N_("ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("lfw --root DIR --pairs FILE — LFW verification accuracy"),
                        _("The standard protocol: 10 folds; for each, the threshold is chosen on the other "
                          "nine and accuracy measured on it. Also reports TAR at FAR = 0.1 %, the time per "
                          "picture, and thresholds for open-set identification read from every impostor "
                          "pair of the pictures."),
                        entries, &opts);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) identities = NULL;
  g_autoptr(GArray) specs = NULL;
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(VsEngine) probe = NULL;
  FarPoint far_points[] = { { 1e-3 }, { 1e-4 }, { 1e-5 }, { 1e-6 } };
  LfwJob job = { 0 };
  LfwResult r = { 0 };
  guint n_folds = 0, missing = 0;
  double start, wall;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (root == NULL || pairs_file == NULL)
    return vs_cli_usage (context, _("bench lfw needs --root and --pairs"));
  if (argc > 1)
    return vs_cli_usage (context, _("Unexpected argument “%s”"), argv[1]);

  specs = read_pairs (root, pairs_file, paths, &n_folds, &error);
  if (specs == NULL)
    return vs_cli_fail (error);

  /* Load the models once up front so a missing one fails fast and clearly. */
  probe = open_bench_engine (&opts, detector, &error);
  if (probe == NULL)
    return vs_cli_fail (error);

  if (n_threads <= 0)
    n_threads = g_get_num_processors ();
  if (n_threads > 1)
    vs_cv_set_num_threads (1);   /* one engine per core, not cores × cores */

  job.paths = paths;
  job.dim = vs_engine_get_dim (probe);
  job.embeddings = g_new0 (float, (gsize) paths->len * job.dim);
  job.found = g_new0 (gboolean, paths->len);
  job.ms = g_new0 (double, paths->len);
  job.opts = &opts;
  job.detector = detector;
  job.pick = largest ? VS_FACE_PICK_LARGEST : VS_FACE_PICK_CENTRAL;
  g_mutex_init (&job.lock);

  if (!opts.json)
    g_printerr (_("Embedding %u pictures with %s on %d threads…\n"),
                paths->len, vs_engine_get_embedder (probe)->id, n_threads);
  start = now_ms ();
  vs_cli_progress_begin (&opts, _("Embedding"), paths->len);
  for (int t = 0; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("lfw", lfw_worker, &job));
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
  vs_cli_progress_end ();
  wall = now_ms () - start;

  if (job.error != NULL)
    {
      int status = vs_cli_fail (job.error);
      g_clear_error (&job.error);
      return status;
    }

  identities = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *dir = g_path_get_dirname (g_ptr_array_index (paths, i));
      g_ptr_array_add (identities, g_path_get_basename (dir));
      missing += !job.found[i];
      g_array_append_val (times, job.ms[i]);
    }

  for (guint i = 0; i < specs->len; i++)
    {
      const PairSpec *s = &g_array_index (specs, PairSpec, i);
      Pair p = { 0, s->same };

      /* A picture without a face cannot match anything. */
      if (job.found[s->a] && job.found[s->b])
        p.score = vs_cosine (job.embeddings + (gsize) s->a * job.dim,
                             job.embeddings + (gsize) s->b * job.dim, job.dim);
      else
        p.score = -1;
      g_array_append_val (pairs, p);
    }

  evaluate_folds (pairs, n_folds, &r);
  open_set_table (&job, identities, pairs, far_points, G_N_ELEMENTS (far_points));

  if (roc != NULL && !write_roc (roc, pairs, &error))
    return vs_cli_fail (error);

  if (opts.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "detector");
      json_builder_add_string_value (b, vs_engine_get_detector (probe)->id);
      json_builder_set_member_name (b, "embedder");
      json_builder_add_string_value (b, vs_engine_get_embedder (probe)->id);
      json_builder_set_member_name (b, "pairs");
      json_builder_add_int_value (b, pairs->len);
      json_builder_set_member_name (b, "images");
      json_builder_add_int_value (b, paths->len);
      json_builder_set_member_name (b, "images_without_face");
      json_builder_add_int_value (b, missing);
      json_builder_set_member_name (b, "accuracy");
      json_builder_add_double_value (b, r.accuracy_mean);
      json_builder_set_member_name (b, "accuracy_std");
      json_builder_add_double_value (b, r.accuracy_std);
      json_builder_set_member_name (b, "fold_accuracy");
      json_builder_begin_array (b);
      for (guint f = 0; f < n_folds; f++)
        json_builder_add_double_value (b, r.fold_acc[f]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "threshold");
      json_builder_add_double_value (b, r.threshold_mean);
      json_builder_set_member_name (b, "tar_at_far_0_1pct");
      json_builder_add_double_value (b, r.tar_at_far);
      json_builder_set_member_name (b, "far_0_1pct_threshold");
      json_builder_add_double_value (b, r.far_threshold);
      json_builder_set_member_name (b, "ms_per_image");
      json_builder_add_double_value (b, median (times));
      json_builder_set_member_name (b, "wall_seconds");
      json_builder_add_double_value (b, wall / 1000);
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, n_threads);
      json_builder_set_member_name (b, "open_set");
      json_builder_begin_array (b);
      for (guint p = 0; p < G_N_ELEMENTS (far_points); p++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "far");
          json_builder_add_double_value (b, far_points[p].far);
          json_builder_set_member_name (b, "threshold");
          json_builder_add_double_value (b, far_points[p].threshold);
          json_builder_set_member_name (b, "tar");
          json_builder_add_double_value (b, far_points[p].tar);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      vs_cli_print_json (json_builder_get_root (b));
    }
  else
    {
      g_print (_("LFW View 2, %u pairs, %u pictures (%u without a face), detector %s, embedder %s\n"),
               pairs->len, paths->len, missing, vs_engine_get_detector (probe)->id,
               vs_engine_get_embedder (probe)->id);
      g_print (_("Accuracy:        %.2f %% ± %.2f (10 folds)\n"), r.accuracy_mean * 100, r.accuracy_std * 100);
      g_print (_("Threshold:       %.3f (mean of the folds)\n"), r.threshold_mean);
      g_print (_("TAR @ FAR 0.1 %%: %.2f %% (threshold %.3f)\n"), r.tar_at_far * 100, r.far_threshold);
      g_print (_("Time per image:  %.1f ms median (decode + detect + align + embed; %d threads, %.1f s in all)\n"),
               median (times), n_threads, wall / 1000);
      g_print (_("Open-set thresholds (impostor pairs of different people):\n"));
      for (guint p = 0; p < G_N_ELEMENTS (far_points); p++)
        g_print (_("  FAR %.0e: threshold %.3f, TAR %.2f %%\n"),
                 far_points[p].far, far_points[p].threshold, far_points[p].tar * 100);
    }

  g_free (job.embeddings);
  g_free (job.found);
  g_free (job.ms);
  g_mutex_clear (&job.lock);
  return VS_EXIT_OK;
}

/* ── bench speed ────────────────────────────────────────────────────── */

static void
random_unit (GRand *rand,
             float *v,
             guint  dim)
{
  for (guint d = 0; d < dim; d++)
    v[d] = (float) g_rand_double_range (rand, -1, 1);
  vs_l2_normalize (v, dim);
}

/* CPU time of the calling thread: on a shared machine, wall time also counts
 * the time other programs had the core. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Median wall and CPU milliseconds of one top-5 search. */
static void
match_median (guint   n_samples,
              guint   dim,
              guint   n_queries,
              GRand  *rand,
              double *wall_ms,
              double *cpu_ms)
{
  g_autoptr(VsGallery) gallery = vs_gallery_new ("bench", dim);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree float *v = g_new (float, dim);
  guint per_person = 5, n_people = MAX (1, n_samples / per_person);
  VsMatch matches[5];

  for (guint p = 1; p <= n_people; p++)
    {
      g_autofree char *name = g_strdup_printf ("Person %u", p);
      vs_gallery_add_person (gallery, p, name);
      for (guint s = 0; s < per_person; s++)
        {
          random_unit (rand, v, dim);
          vs_gallery_add_sample (gallery, p, v);
        }
    }

  for (guint q = 0; q < n_queries; q++)
    {
      double start, cpu_start, ms;

      random_unit (rand, v, dim);
      start = now_ms ();
      cpu_start = thread_cpu_ms ();
      vs_gallery_search (gallery, v, matches, G_N_ELEMENTS (matches));
      ms = thread_cpu_ms () - cpu_start;
      g_array_append_val (cpu_times, ms);
      ms = now_ms () - start;
      g_array_append_val (times, ms);
    }
  *wall_ms = median (times);
  *cpu_ms = median (cpu_times);
}

typedef struct {
  const char *id;
  GArray     *ms;       /* double: align + embed, per face */
  GArray     *net_ms;   /* double: the network alone, per face */
} StageTimes;

static void
stage_times_clear (StageTimes *t)
{
  g_clear_pointer (&t->ms, g_array_unref);
  g_clear_pointer (&t->net_ms, g_array_unref);
}

static void
add_ms (GArray *times,
        double  ms)
{
  g_array_append_val (times, ms);
}

/* "key": { "128": { "1000": ms, … }, "512": { … } }; times[d * stride + s]. */
static void
add_match_table (JsonBuilder  *b,
                 const char   *key,
                 const guint  *dims,
                 guint         n_dims,
                 const guint  *sizes,
                 guint         n_sizes,
                 const double *times,
                 guint         stride)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  for (guint d = 0; d < n_dims; d++)
    {
      g_autofree char *dim_key = g_strdup_printf ("%u", dims[d]);

      json_builder_set_member_name (b, dim_key);
      json_builder_begin_object (b);
      for (guint s = 0; s < n_sizes; s++)
        {
          g_autofree char *size_key = g_strdup_printf ("%u", sizes[s]);

          json_builder_set_member_name (b, size_key);
          json_builder_add_double_value (b, times[d * stride + s]);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static int
bench_speed (int    argc,
             char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  g_autofree char *detector = NULL;
  int repeat = 30;
  gboolean skip_million = FALSE;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, N_("Rounds per measurement (default 30)"), N_("N") },
    { "no-million", 0, 0, G_OPTION_ARG_NONE, &skip_million,
      N_("Skip the 1,000,000-sample galleries (they need 0.6 GB at 128-d and 2.5 GB at 512-d)"), NULL },
    { "detector", 0, 0, G_OPTION_ARG_STRING, &detector, N_("Face detector model (default: the manifest’s)"), N_("ID") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("speed IMAGE… — median time of each stage"),
                        _("Decodes the pictures and detects their faces, then aligns and embeds every face "
                          "with each embedder whose model file is present (or only --embedder), and matches "
                          "against synthetic galleries of 1k, 10k, 100k and 1M samples at 128 and 512 "
                          "dimensions. One thread for matching; prints medians in milliseconds."),
                        entries, &opts);
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GPtrArray) models = vs_models_list ();
  g_autoptr(GArray) decode = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) detect = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) embedders = g_array_new (FALSE, TRUE, sizeof (StageTimes));
  g_autoptr(GArray) landmarks = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_image_unref);
  g_autoptr(GPtrArray) image_faces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const guint sizes[] = { 1000, 10000, 100000, 1000000 };
  const guint dims[] = { 128, 512 };
  double match_ms[G_N_ELEMENTS (dims)][G_N_ELEMENTS (sizes)] = { { 0 } };
  double match_cpu_ms[G_N_ELEMENTS (dims)][G_N_ELEMENTS (sizes)] = { { 0 } };
  guint n_sizes, n_faces = 0;

  g_array_set_clear_func (embedders, (GDestroyNotify) stage_times_clear);

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (files == NULL)
    return vs_cli_usage (context, _("Name at least one picture with a face"));
  if (repeat < 1)
    return vs_cli_usage (context, _("--repeat must be at least 1"));
  n_sizes = skip_million ? 3 : 4;

  engine = open_bench_engine (&opts, detector, &error);
  if (engine == NULL)
    return vs_cli_fail (error);
  paths = vs_cli_collect_images (files);

  /* Decode and detect; keep the pictures and faces for the embedders. */
  for (int round = 0; round < repeat; round++)
    for (guint i = 0; i < paths->len; i++)
      {
        const char *path = g_ptr_array_index (paths, i);
        g_autoptr(VsImage) image = NULL;
        g_autoptr(GArray) faces = NULL;
        double t0, t1, t2;

        t0 = now_ms ();
        image = vs_image_load (path, &error);
        if (image == NULL)
          return vs_cli_fail (error);
        t1 = now_ms ();
        faces = vs_engine_detect (engine, image, &error);
        if (faces == NULL)
          return vs_cli_fail (error);
        t2 = now_ms ();
        add_ms (decode, t1 - t0);
        add_ms (detect, t2 - t1);
        if (round == 0)
          {
            n_faces += faces->len;
            g_ptr_array_add (images, g_steal_pointer (&image));
            g_ptr_array_add (image_faces, g_steal_pointer (&faces));
          }
      }
  if (n_faces == 0)
    {
      g_printerr (_("visage-cli: no face in the pictures given, so embedding could not be timed\n"));
      return VS_EXIT_INPUT;
    }

  /* The landmark model on its own (alignment runs it on every face). */
  if (vs_engine_get_detector (engine)->landmarks != NULL)
    for (int round = 0; round < repeat; round++)
      for (guint i = 0; i < images->len; i++)
        {
          GArray *faces = g_ptr_array_index (image_faces, i);

          for (guint f = 0; f < faces->len; f++)
            {
              g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (VsFace));
              double l0;

              g_array_append_val (one, g_array_index (faces, VsFace, f));
              l0 = now_ms ();
              vs_engine_refine_landmarks (engine, g_ptr_array_index (images, i), one);
              add_ms (landmarks, now_ms () - l0);
            }
        }

  /* Every embedder that is here (an optional one may be absent), or the one
   * asked for. */
  for (guint m = 0; m < models->len; m++)
    {
      const VsModelInfo *info = g_ptr_array_index (models, m);
      g_autoptr(VsEngine) embedder_engine = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree float *v = NULL;
      StageTimes times = { info->id, NULL, NULL };

      if (info->role != VS_MODEL_ROLE_EMBEDDER ||
          (opts.embedder != NULL && !g_str_equal (opts.embedder, info->id)))
        continue;
      embedder_engine = vs_engine_new_full (opts.models_dir, detector, info->id, &local_error);
      if (embedder_engine == NULL)
        {
          if (opts.embedder != NULL || !info->optional)
            return vs_cli_fail (g_steal_pointer (&local_error));
          g_debug ("Not timing %s: %s", info->id, local_error->message);
          continue;
        }
      v = g_new (float, info->dim);
      times.ms = g_array_new (FALSE, FALSE, sizeof (double));
      times.net_ms = g_array_new (FALSE, FALSE, sizeof (double));
      for (int round = 0; round < repeat; round++)
        for (guint i = 0; i < images->len; i++)
          {
            GArray *faces = g_ptr_array_index (image_faces, i);

            for (guint f = 0; f < faces->len; f++)
              {
                g_autoptr(VsImage) aligned = NULL;
                double e0 = now_ms (), e1;

                if (!vs_engine_embed_face (embedder_engine, g_ptr_array_index (images, i),
                                           &g_array_index (faces, VsFace, f), v, &aligned, &error))
                  {
                    stage_times_clear (&times);
                    return vs_cli_fail (error);
                  }
                e1 = now_ms ();
                add_ms (times.ms, e1 - e0);
                /* The network alone, on the crop just aligned. */
                if (!vs_engine_embed_aligned (embedder_engine, aligned, v, &error))
                  {
                    stage_times_clear (&times);
                    return vs_cli_fail (error);
                  }
                add_ms (times.net_ms, now_ms () - e1);
              }
          }
      g_array_append_val (embedders, times);
    }

  for (guint d = 0; d < G_N_ELEMENTS (dims); d++)
    for (guint s = 0; s < n_sizes; s++)
      match_median (sizes[s], dims[d], sizes[s] >= 1000000 ? 21 : 101, rand,
                    &match_ms[d][s], &match_cpu_ms[d][s]);

  if (opts.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "detector");
      json_builder_add_string_value (b, vs_engine_get_detector (engine)->id);
      json_builder_set_member_name (b, "decode_ms");
      json_builder_add_double_value (b, median (decode));
      json_builder_set_member_name (b, "detect_ms");
      json_builder_add_double_value (b, median (detect));
      if (landmarks->len > 0)
        {
          json_builder_set_member_name (b, "landmarks");
          json_builder_add_string_value (b, vs_engine_get_detector (engine)->landmarks);
          json_builder_set_member_name (b, "landmarks_ms");
          json_builder_add_double_value (b, median (landmarks));
        }
      json_builder_set_member_name (b, "faces_timed");
      json_builder_add_int_value (b, n_faces * repeat);
      json_builder_set_member_name (b, "embed_ms");
      json_builder_begin_object (b);
      for (guint e = 0; e < embedders->len; e++)
        {
          StageTimes *t = &g_array_index (embedders, StageTimes, e);
          json_builder_set_member_name (b, t->id);
          json_builder_add_double_value (b, median (t->ms));
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "embed_net_ms");
      json_builder_begin_object (b);
      for (guint e = 0; e < embedders->len; e++)
        {
          StageTimes *t = &g_array_index (embedders, StageTimes, e);
          json_builder_set_member_name (b, t->id);
          json_builder_add_double_value (b, median (t->net_ms));
        }
      json_builder_end_object (b);
      add_match_table (b, "match_ms", dims, G_N_ELEMENTS (dims), sizes, n_sizes,
                       &match_ms[0][0], G_N_ELEMENTS (sizes));
      add_match_table (b, "match_cpu_ms", dims, G_N_ELEMENTS (dims), sizes, n_sizes,
                       &match_cpu_ms[0][0], G_N_ELEMENTS (sizes));
      json_builder_end_object (b);
      vs_cli_print_json (json_builder_get_root (b));
    }
  else
    {
      g_print (_("Medians over %d rounds, %u faces per round:\n"), repeat, n_faces);
      g_print (_("  decode                      %8.2f ms\n"), median (decode));
      g_print (_("  detect (%-18s) %8.2f ms at ≤ %d px\n"), vs_engine_get_detector (engine)->id,
               median (detect), vs_engine_get_working_size (engine));
      if (landmarks->len > 0)
        g_print (_("  landmarks (%-18s) %6.2f ms per face\n"),
                 vs_engine_get_detector (engine)->landmarks, median (landmarks));
      for (guint e = 0; e < embedders->len; e++)
        {
          StageTimes *t = &g_array_index (embedders, StageTimes, e);
          g_print (_("  align + embed (%-11s) %8.2f ms per face\n"), t->id, median (t->ms));
          g_print (_("    network alone (%-11s) %6.2f ms per face\n"), t->id, median (t->net_ms));
        }
      for (guint d = 0; d < G_N_ELEMENTS (dims); d++)
        for (guint s = 0; s < n_sizes; s++)
          g_print (_("  match %7u × %u-d        %8.3f ms (%.3f ms of CPU)\n"),
                   sizes[s], dims[d], match_ms[d][s], match_cpu_ms[d][s]);
    }
  return VS_EXIT_OK;
}

/* ── bench live ─────────────────────────────────────────────────────── */

typedef struct {
  JsonObject *stats;    /* watch's closing figures */
  GPtrArray  *named;    /* sorted names of the people decided known */
} LiveRun;

static void
live_run_clear (LiveRun *run)
{
  g_clear_pointer (&run->stats, json_object_unref);
  g_clear_pointer (&run->named, g_ptr_array_unref);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* One `watch --fast --stats --json` in its own process, so that each mode
 * has the process's CPU time to itself. */
static gboolean
run_watch (const VsCliOptions  *opts,
           const char          *source,
           gint64               max_frames,
           gboolean             classic,
           LiveRun             *run,
           GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  int status = 0;

  g_ptr_array_add (argv, g_strdup (self_exe != NULL ? self_exe : "visage-cli"));
  g_ptr_array_add (argv, g_strdup ("watch"));
  g_ptr_array_add (argv, g_strdup ("--fast"));
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  if (classic)
    g_ptr_array_add (argv, g_strdup ("--classic"));
  if (max_frames > 0)
    g_ptr_array_add (argv, g_strdup_printf ("--max-frames=%" G_GINT64_FORMAT, max_frames));
  if (opts->db_path != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--db=%s", opts->db_path));
  if (opts->models_dir != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--models=%s", opts->models_dir));
  if (opts->embedder != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--embedder=%s", opts->embedder));
  g_ptr_array_add (argv, g_strdup (source));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, error) ||
      !g_spawn_check_wait_status (status, error))
    return FALSE;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;
      const char *event;

      if (lines[i][0] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      obj = json_node_get_object (json_parser_get_root (parser));
      event = json_object_get_string_member_with_default (obj, "event", "");
      if (g_str_equal (event, "stats"))
        {
          g_clear_pointer (&run->stats, json_object_unref);
          run->stats = json_object_ref (obj);
        }
      else if (g_str_equal (event, "decided") &&
               g_strcmp0 (json_object_get_string_member_with_default (obj, "state", ""), "known") == 0 &&
               !json_object_get_null_member (obj, "name"))
        {
          const char *name = json_object_get_string_member (obj, "name");

          if (!g_hash_table_contains (named, name))
            g_hash_table_add (named, (gpointer) g_intern_string (name));
        }
    }
  if (run->stats == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("watch printed no figures for “%s”"), source);
      return FALSE;
    }

  run->named = g_ptr_array_new_with_free_func (g_free);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, named);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_ptr_array_add (run->named, g_strdup (key));
  }
  g_ptr_array_sort (run->named, compare_strings);
  return TRUE;
}

static double
stat_of (const LiveRun *run,
         const char    *key)
{
  return json_object_get_double_member_with_default (run->stats, key, 0);
}

static gboolean
same_names (const LiveRun *a,
            const LiveRun *b)
{
  if (a->named->len != b->named->len)
    return FALSE;
  for (guint i = 0; i < a->named->len; i++)
    if (!g_str_equal (g_ptr_array_index (a->named, i), g_ptr_array_index (b->named, i)))
      return FALSE;
  return TRUE;
}

static char *
names_text (const LiveRun *run)
{
  if (run->named->len == 0)
    return g_strdup (_("nobody"));
  g_ptr_array_add (run->named, NULL);
  g_ptr_array_set_size (run->named, run->named->len - 1);
  return g_strjoinv (", ", (char **) run->named->pdata);
}

static JsonNode *
names_node (const LiveRun *run)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < run->named->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (run->named, i));
  json_node_take_array (node, array);
  return node;
}

static int
bench_live (int    argc,
            char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  gint64 max_frames = 0;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "max-frames", 0, 0, G_OPTION_ARG_INT64, &max_frames, N_("Stop each run after N frames"), N_("N") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("live VIDEO — the live pipeline against the classic loop"),
                        _("Runs “watch --fast --stats” on VIDEO twice, one right after the other on the "
                          "same machine: as the app recognises (the whole frame searched every 100 ms, "
                          "only around the faces followed between; each face embedded when its track "
                          "needs it), then as the classic loop (every frame searched whole, every face "
                          "embedded and matched). Prints frames per second, milliseconds per stage and "
                          "CPU time per frame of both, their ratio, and who each named."),
                        entries, &opts);
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  LiveRun tracked = { 0 }, classic = { 0 };
  double load_before[3] = { 0 }, load_after[3] = { 0 };
  double fps_ratio, cpu_ratio;
  gboolean same;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return vs_cli_usage (context, "%s", _("Name one video file"));
  if (max_frames < 0)
    return vs_cli_usage (context, "%s", _("--max-frames must be positive"));
  source = strchr (files[0], ':') != NULL && !g_file_test (files[0], G_FILE_TEST_EXISTS)
           ? g_strdup (files[0]) : g_strconcat ("file:", files[0], NULL);

  if (getloadavg (load_before, 3) < 1)
    load_before[0] = 0;
  if (!run_watch (&opts, source, max_frames, FALSE, &tracked, &error) ||
      !run_watch (&opts, source, max_frames, TRUE, &classic, &error))
    {
      live_run_clear (&tracked);
      live_run_clear (&classic);
      return vs_cli_fail (error);
    }
  if (getloadavg (load_after, 3) < 1)
    load_after[0] = 0;

  fps_ratio = stat_of (&classic, "recognition_fps") > 0
              ? stat_of (&tracked, "recognition_fps") / stat_of (&classic, "recognition_fps") : 0;
  cpu_ratio = stat_of (&tracked, "cpu_per_frame_ms") > 0
              ? stat_of (&classic, "cpu_per_frame_ms") / stat_of (&tracked, "cpu_per_frame_ms") : 0;
  same = same_names (&tracked, &classic);

  if (opts.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tracked");
      json_builder_add_value (b, json_node_init_object (json_node_alloc (), tracked.stats));
      json_builder_set_member_name (b, "classic");
      json_builder_add_value (b, json_node_init_object (json_node_alloc (), classic.stats));
      json_builder_set_member_name (b, "fps_ratio");
      json_builder_add_double_value (b, round (fps_ratio * 100) / 100);
      json_builder_set_member_name (b, "cpu_ratio");
      json_builder_add_double_value (b, round (cpu_ratio * 100) / 100);
      json_builder_set_member_name (b, "named_tracked");
      json_builder_add_value (b, names_node (&tracked));
      json_builder_set_member_name (b, "named_classic");
      json_builder_add_value (b, names_node (&classic));
      json_builder_set_member_name (b, "same_names");
      json_builder_add_boolean_value (b, same);
      json_builder_set_member_name (b, "load_average_before");
      json_builder_add_double_value (b, load_before[0]);
      json_builder_set_member_name (b, "load_average_after");
      json_builder_add_double_value (b, load_after[0]);
      json_builder_end_object (b);
      vs_cli_print_json (json_builder_get_root (b));
    }
  else
    {
      g_autofree char *named_tracked = names_text (&tracked);
      g_autofree char *named_classic = names_text (&classic);
      double frames_t = MAX (stat_of (&tracked, "frames"), 1);
      double frames_c = MAX (stat_of (&classic, "frames"), 1);

      g_print (_("%s: %.0f frames; load average %.2f before, %.2f after\n"),
               files[0], stat_of (&tracked, "frames"), load_before[0], load_after[0]);
      g_print (_("                               live    classic\n"));
      g_print (_("  frames per second        %9.1f  %9.1f   %.2f×\n"),
               stat_of (&tracked, "recognition_fps"), stat_of (&classic, "recognition_fps"), fps_ratio);
      g_print (_("  CPU per frame, all (ms)  %9.1f  %9.1f   %.2f×\n"),
               stat_of (&tracked, "cpu_per_frame_ms"), stat_of (&classic, "cpu_per_frame_ms"), cpu_ratio);
      g_print (_("  recognition thread (ms)  %9.1f  %9.1f\n"),
               stat_of (&tracked, "worker_cpu_ms"), stat_of (&classic, "worker_cpu_ms"));
      g_print (_("  per frame (ms)           %9.1f  %9.1f\n"),
               stat_of (&tracked, "process_mean_ms"), stat_of (&classic, "process_mean_ms"));
      g_print (_("    detection (ms)         %9.1f  %9.1f\n"),
               stat_of (&tracked, "detect_mean_ms"), stat_of (&classic, "detect_mean_ms"));
      g_print (_("    searched whole         %9.0f  %9.0f\n"),
               stat_of (&tracked, "full_detections"), stat_of (&classic, "full_detections"));
      g_print (_("    searched in regions    %9.0f  %9.0f\n"),
               stat_of (&tracked, "region_detections"), stat_of (&classic, "region_detections"));
      g_print (_("    faces embedded/frame   %9.2f  %9.2f\n"),
               stat_of (&tracked, "embeddings") / frames_t, stat_of (&classic, "embeddings") / frames_c);
      g_print (_("    align+embed (ms/face)  %9.1f  %9.1f\n"),
               stat_of (&tracked, "embed_mean_ms"), stat_of (&classic, "embed_mean_ms"));
      g_print (_("    match (ms)             %9.3f  %9.3f\n"),
               stat_of (&tracked, "match_mean_ms"), stat_of (&classic, "match_mean_ms"));
      g_print (_("  named (live):    %s\n"), named_tracked);
      g_print (_("  named (classic): %s\n"), named_classic);
      g_print ("  %s\n", same ? _("Both named the same people.") : _("They named different people."));
    }

  live_run_clear (&tracked);
  live_run_clear (&classic);
  return VS_EXIT_OK;
}

int
vs_cli_bench (int    argc,
              char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "lfw"))
    return bench_lfw (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "speed"))
    return bench_speed (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "live"))
    return bench_live (argc - 1, argv + 1);
  /* The options of each are in its own --help (visage-cli help bench lfw). */
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print (_("Usage: visage-cli bench lfw --root DIR --pairs FILE [--detector ID] [--embedder ID] [--roc FILE] [--json]\n"
                 "       visage-cli bench speed IMAGE… [--detector ID] [--embedder ID] [--no-million] [--json]\n"
                 "       visage-cli bench live VIDEO [--db DB] [--max-frames N] [--json]\n"
                 "\n"
                 "The embedder w600k_mbf (512-d, the most accurate) is licensed for non-commercial\n"
                 "research only; it is fetched only on request: models/fetch --with w600k_mbf.\n"
                 "Run “visage-cli help bench lfw” or “visage-cli help bench speed” for every option.\n"));
      return VS_EXIT_OK;
    }
  g_printerr (_("visage-cli: bench needs “lfw”, “speed” or “live”; see “visage-cli help bench”\n"));
  return VS_EXIT_USAGE;
}

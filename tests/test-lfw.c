/* test-lfw.c (suite slow): the LFW View 2 protocol and the speed benchmark
 * through `visage-cli bench` ($VISAGE_CLI, set by meson). Several minutes
 * per embedder on 2 cores.
 *
 * Measured with yunet_2023mar (landmarks from yunet_2022mar on a crop and
 * its mirror image, averaged; LMEDS alignment), 7,701 pictures, all with a
 * face: paddlex accuracy 0.9958 ± 0.0033, TAR 0.9917 at FAR 0.1 %;
 * w600k_mbf 0.9967 ± 0.0026, TAR 0.9950. The results do not vary from run
 * to run (same pictures, same models). Bounds: the issue's, 99.43 % for
 * paddlex and 99.65 % for w600k_mbf (the reference pipeline's 99.68 %). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "vs-test-util.h"

static const char *cli;

/* Runs the CLI with `args` (NULL-terminated); returns the JSON object it
 * printed, after checking it exited 0. */
static JsonObject *
run_json (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL, *line = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status = 0;
  gint64 start = g_get_monotonic_time ();
  JsonNode *root;

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  line = g_strjoinv (" ", (char **) argv->pdata);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("“%s” failed: %s\n%s", line, error->message, err);
  g_test_message ("$ %s (%.0f s)\n%s", line, (g_get_monotonic_time () - start) / 1e6, out);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

typedef struct {
  const char *embedder;
  const char *file;       /* in the models folder */
  gboolean    on_request; /* fetched only when asked (-Dwith_models) */
  double      min_accuracy;
  double      min_tar;
  gboolean    in_readme;  /* README states its figures (models and open-set tables) */
} Bench;

/* The bounds: a plain reference pipeline reaches 99.43 % ± 0.36 with
 * paddlex, 99.68 % with w600k_mbf and 98.88 % ± 0.44 with foamliu; TAR at
 * FAR 0.1 % is 99.0 % for paddlex and 99.2 % for w600k_mbf. w600k_mbf is
 * fetched only on request: configured with -Dwith_models=w600k_mbf, its test
 * requires it; otherwise the test runs when the file is there and is
 * skipped, saying how to get it, when it is not. */
static const Bench benches[] = {
  { "mobilefacenet_paddlex", "mobilefacenet_paddlex.onnx", FALSE, 0.9943, 0.985, TRUE },
  { "w600k_mbf", "w600k_mbf.onnx", TRUE, 0.9965, 0.99, TRUE },
  /* README says it is not measured with this detector: only the bound. */
  { "mobilefacenet_foamliu", "mobilefacenet_foamliu.onnx", FALSE, 0.988, 0.95, FALSE },
};

/* Whether the build was configured to fetch `embedder` (-Dwith_models). */
static gboolean
configured_with (const char *embedder)
{
  g_auto(GStrv) ids = g_strsplit (g_getenv ("VISAGE_TEST_WITH_MODELS") ?: "", ",", -1);

  return g_strv_contains ((const char * const *) ids, embedder);
}

/* What README.md states about an embedder: its LFW accuracy (the models
 * table, "99.42 % ± 0.44") and its open-set figures at 1e-3 … 1e-6 false
 * accepts per comparison: thresholds and genuine pairs accepted (two
 * columns per embedder in the Thresholds table). */
typedef struct {
  double accuracy_pct;
  double std_pct;
  double thresholds[4];
  double tars_pct[4];
} ReadmeFigures;

static char *
read_readme (void)
{
  g_autofree char *path = vs_test_source_path ("README.md");
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The numbers matched by pattern (printf'd with the embedder id), in
 * order; fails the test when README no longer says it that way. */
static void
readme_numbers (const char *text,
                const char *pattern,
                const char *embedder,
                double     *out,
                guint       n)
{
  g_autofree char *escaped = g_regex_escape_string (embedder, -1);
  g_autofree char *full = g_strdup_printf (pattern, escaped);
  g_autoptr(GRegex) regex = g_regex_new (full, G_REGEX_MULTILINE | G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_nonnull (regex);
  if (!g_regex_match (regex, text, 0, &match))
    g_error ("README.md no longer states the figures of %s as /%s/", embedder, full);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *number = g_match_info_fetch (match, i + 1);
      out[i] = g_ascii_strtod (number, NULL);
    }
}

/* The cells of a Markdown table row, trimmed ("| a | b |" → a, b). */
static GStrv
table_cells (const char *line)
{
  g_auto(GStrv) raw = g_strsplit (line, "|", -1);
  g_autoptr(GStrvBuilder) cells = g_strv_builder_new ();
  guint n = g_strv_length (raw);

  /* The text before the first bar and after the last one is not a cell. */
  for (guint i = 1; i + 1 < n; i++)
    g_strv_builder_add (cells, g_strstrip (raw[i]));
  return g_strv_builder_end (cells);
}

static void
readme_figures (const char    *embedder,
                ReadmeFigures *figures)
{
  g_autofree char *text = read_readme ();
  g_autofree char *heading = g_strdup_printf ("`%s` threshold", embedder);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  double accuracy[2];
  int column = -1;
  guint rows = 0;

  readme_numbers (text, "^\\| `%s` \\|[^\n]*\\| ([0-9.]+) %% ± ([0-9.]+) \\|", embedder, accuracy, 2);
  figures->accuracy_pct = accuracy[0];
  figures->std_pct = accuracy[1];

  /* The open-set table: one threshold and one "genuine accepted" column per
   * embedder, one row per rate. */
  for (guint l = 0; lines[l] != NULL && rows < 4; l++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[l]));
      g_auto(GStrv) cells = NULL;

      if (!g_str_has_prefix (line, "| "))
        continue;
      cells = table_cells (line);
      if (column < 0 && g_strcmp0 (cells[0], "false accepts per comparison") == 0)
        {
          for (guint c = 1; cells[c] != NULL; c++)
            if (g_str_equal (cells[c], heading))
              column = (int) c;
          if (column < 0)
            g_error ("README.md's open-set table has no column “%s”", heading);
        }
      else if (column >= 0 && g_str_has_prefix (cells[0], "1e-"))
        {
          g_assert_cmpuint (g_strv_length (cells), >, (guint) column + 1);
          g_assert_cmpfloat (g_ascii_strtod (cells[0], NULL), ==, 1e-3 / pow (10, rows));
          figures->thresholds[rows] = g_ascii_strtod (cells[column], NULL);
          g_assert_true (g_str_has_suffix (cells[column + 1], " %"));
          figures->tars_pct[rows] = g_ascii_strtod (cells[column + 1], NULL);
          rows++;
        }
    }
  if (rows != 4)
    g_error ("README.md has no open-set table for %s (a column “%s”, rows 1e-3 to 1e-6)", embedder, heading);
}

/* The README figures can be read (a quick check of the reading itself). */
static void
test_readme_figures (void)
{
  const char *embedders[] = { "mobilefacenet_paddlex", "w600k_mbf" };

  for (guint e = 0; e < G_N_ELEMENTS (embedders); e++)
    {
      ReadmeFigures figures;

      readme_figures (embedders[e], &figures);
      g_test_message ("README %s: %.2f %% ± %.2f; %.3f %.3f %.3f %.3f; %.1f %.1f %.1f %.1f %%", embedders[e],
                      figures.accuracy_pct, figures.std_pct, figures.thresholds[0], figures.thresholds[1],
                      figures.thresholds[2], figures.thresholds[3], figures.tars_pct[0], figures.tars_pct[1],
                      figures.tars_pct[2], figures.tars_pct[3]);
      g_assert_cmpfloat (figures.accuracy_pct, >, 90);
      for (guint i = 1; i < 4; i++)
        {
          g_assert_cmpfloat (figures.thresholds[i], >, figures.thresholds[i - 1]);
          g_assert_cmpfloat (figures.tars_pct[i], <, figures.tars_pct[i - 1]);
        }
    }
}

static void
test_bench_lfw (gconstpointer data)
{
  const Bench *bench = data;
  g_autofree char *root = vs_test_data_path ("lfw");
  g_autofree char *pairs = vs_test_data_path ("pairs.txt");
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *roc = g_build_filename (tmp, "roc.csv", NULL);
  g_autofree char *csv = NULL;
  g_auto(GStrv) rows = NULL;
  const char *args[] = {
    "bench", "lfw", "--json", "--embedder", bench->embedder, "--root", root, "--pairs", pairs,
    "--roc", roc, NULL,
  };
  g_autofree char *model = g_build_filename (vs_test_models_dir (), bench->file, NULL);
  g_autoptr(JsonObject) result = NULL;
  double accuracy, std, threshold, tar, ms;
  guint n_rows = 0;

  if (bench->on_request && !g_file_test (model, G_FILE_TEST_IS_REGULAR))
    {
      if (configured_with (bench->embedder))
        g_error ("The build was configured with -Dwith_models=%s but %s is missing: run ninja again",
                 bench->embedder, model);
      g_autofree char *why = g_strdup_printf ("%s is fetched only on request: meson configure -Dwith_models=%s",
                                              bench->embedder, bench->embedder);

      g_test_skip (why);
      return;
    }
  result = run_json (args);
  accuracy = json_object_get_double_member (result, "accuracy");
  std = json_object_get_double_member (result, "accuracy_std");
  threshold = json_object_get_double_member (result, "threshold");
  tar = json_object_get_double_member (result, "tar_at_far_0_1pct");
  ms = json_object_get_double_member (result, "ms_per_image");

  g_test_message ("%s: accuracy %.4f ± %.4f (bound %.3f), threshold %.3f, TAR %.4f at FAR 0.1 %% "
                  "(bound %.2f), %.1f ms per picture", bench->embedder, accuracy, std,
                  bench->min_accuracy, threshold, tar, bench->min_tar, ms);
  g_assert_cmpstr (json_object_get_string_member (result, "embedder"), ==, bench->embedder);
  g_assert_cmpint (json_object_get_int_member (result, "pairs"), ==, 6000);
  g_assert_cmpfloat (accuracy, >=, bench->min_accuracy);
  g_assert_cmpfloat (accuracy, <=, 1.0);
  g_assert_cmpfloat (std, >, 0);
  g_assert_cmpfloat (std, <, 0.02);
  g_assert_cmpfloat (threshold, >, 0.1);
  g_assert_cmpfloat (threshold, <, 0.6);
  g_assert_cmpfloat (tar, >=, bench->min_tar);
  /* The README states exactly these figures, to its last digit. */
  if (bench->in_readme)
    {
      ReadmeFigures figures;
      JsonArray *open_set = json_object_get_array_member (result, "open_set");

      readme_figures (bench->embedder, &figures);
      g_assert_cmpfloat_with_epsilon (accuracy * 100, figures.accuracy_pct, 0.0051);
      g_assert_cmpfloat_with_epsilon (std * 100, figures.std_pct, 0.0051);
      g_assert_cmpuint (json_array_get_length (open_set), ==, 4);
      for (guint i = 0; i < 4; i++)
        {
          JsonObject *point = json_array_get_object_element (open_set, i);

          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (point, "far"), 1e-3 / pow (10, i), 1e-12);
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (point, "threshold"),
                                          figures.thresholds[i], 0.00051);
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (point, "tar") * 100,
                                          figures.tars_pct[i], 0.051);
        }
    }
  g_assert_cmpfloat (ms, >, 0);
  g_assert_cmpfloat (ms, <, 1000);

  /* The ROC: a header, then threshold,far,tar with rates in [0, 1]. */
  g_assert_true (g_file_get_contents (roc, &csv, NULL, NULL));
  rows = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (rows[0], ==, "threshold,far,tar");
  for (guint i = 1; rows[i] != NULL && rows[i][0] != '\0'; i++)
    {
      g_auto(GStrv) f = g_strsplit (rows[i], ",", -1);

      g_assert_cmpuint (g_strv_length (f), ==, 3);
      for (guint c = 1; c < 3; c++)
        {
          double v = g_ascii_strtod (f[c], NULL);
          g_assert_cmpfloat (v, >=, 0);
          g_assert_cmpfloat (v, <=, 1);
        }
      n_rows++;
    }
  g_assert_cmpuint (n_rows, >=, 100);
}

static void
test_bench_speed (void)
{
  g_autofree char *a = vs_test_data_path ("lfw/Tony_Blair/Tony_Blair_0002.jpg");
  g_autofree char *b = vs_test_data_path ("groups/2008_002506.jpg");
  const char *args[] = { "bench", "speed", "--json", "--no-million", "--repeat", "5", a, b, NULL };
  g_autoptr(JsonObject) result = run_json (args);
  static const char * const sizes[] = { "1000", "10000", "100000" };
  static const char * const dims[] = { "128", "512" };
  JsonObject *match, *embed;

  g_assert_cmpstr (json_object_get_string_member (result, "detector"), ==, "yunet_2023mar");
  g_assert_cmpfloat (json_object_get_double_member (result, "detect_ms"), >, 0);
  /* One time per embedder that is present; the default one always is. */
  embed = json_object_get_object_member (result, "embed_ms");
  g_assert_nonnull (embed);
  g_assert_cmpfloat (json_object_get_double_member (embed, "mobilefacenet_paddlex"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (embed, "mobilefacenet_foamliu"), >, 0);
  /* Each model on its own: the landmark model and each embedder's network. */
  g_assert_cmpstr (json_object_get_string_member (result, "landmarks"), ==, "yunet_2022mar");
  g_assert_cmpfloat (json_object_get_double_member (result, "landmarks_ms"), >, 0);
  embed = json_object_get_object_member (result, "embed_net_ms");
  g_assert_nonnull (embed);
  g_assert_cmpfloat (json_object_get_double_member (embed, "mobilefacenet_paddlex"), >, 0);
  g_assert_nonnull (json_object_get_object_member (result, "match_cpu_ms"));
  match = json_object_get_object_member (result, "match_ms");
  g_assert_nonnull (match);
  for (guint d = 0; d < G_N_ELEMENTS (dims); d++)
    {
      JsonObject *per_size = json_object_get_object_member (match, dims[d]);

      g_assert_nonnull (per_size);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        g_assert_cmpfloat (json_object_get_double_member (per_size, sizes[i]), >, 0);
      g_assert_false (json_object_has_member (per_size, "1000000"));   /* --no-million */
    }
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);

  cli = g_getenv ("VISAGE_CLI");
  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("$VISAGE_CLI must name the built visage-cli (meson test sets it), not “%s”",
             cli ? cli : "(unset)");
  vs_test_models_dir ();

  g_test_add_func ("/lfw/readme-figures", test_readme_figures);
  g_test_add_func ("/lfw/bench-speed", test_bench_speed);
  for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
    {
      g_autofree char *name = g_strdup_printf ("/lfw/bench-lfw/%s", benches[i].embedder);
      g_test_add_data_func (name, &benches[i], test_bench_lfw);
    }

  return g_test_run ();
}

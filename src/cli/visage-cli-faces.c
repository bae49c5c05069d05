/* visage-cli-faces.c: the commands that look at pictures — detect, verify,
 * enroll, import and identify. */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "visage-cli.h"
#include "vs-cli-common.h"
#include "vs-cli-json.h"
#include "vs-enroll-session.h"
#include "vs-store-job.h"

typedef struct {
  gboolean largest;
  gboolean central;
} PickOptions;

#define PICK_ENTRIES(p) \
  { "largest", 0, 0, G_OPTION_ARG_NONE, &(p).largest, \
    N_("When a picture has several faces, take the biggest"), NULL }, \
  { "central", 0, 0, G_OPTION_ARG_NONE, &(p).central, \
    N_("When a picture has several faces, take the one nearest the centre"), NULL }

static VsFacePick
pick_from_options (const PickOptions *p,
                   VsFacePick         fallback)
{
  if (p->largest)
    return VS_FACE_PICK_LARGEST;
  if (p->central)
    return VS_FACE_PICK_CENTRAL;
  return fallback;
}

/* Loads and detects; the error is ready to print. */
static GArray *
load_and_detect (VsEngine    *engine,
                 const char  *path,
                 VsImage    **image_out,
                 GError     **error)
{
  g_autoptr(VsImage) image = vs_image_load (path, error);
  GArray *faces;

  if (image == NULL)
    return NULL;
  faces = vs_engine_detect (engine, image, error);
  if (faces != NULL && image_out != NULL)
    *image_out = g_steal_pointer (&image);
  return faces;
}

/* Opens the JSON object of one picture. When it could not be read, reports
 * the error (stderr and JSON), closes the object and returns FALSE. */
static gboolean
begin_image_json (JsonBuilder  *b,
                  const char   *path,
                  GArray       *faces,
                  const GError *error,
                  int          *status)
{
  int code;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  if (faces != NULL)
    return TRUE;

  code = vs_cli_fail (error);
  *status = MAX (*status, code);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error->message);
  json_builder_end_object (b);
  return FALSE;
}

/* ── detect ─────────────────────────────────────────────────────────── */

int
vs_cli_detect (int    argc,
               char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("IMAGE… — find faces"),
                        _("Prints every face found: its box, five landmarks and score."),
                        entries, &opts);
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  int status = VS_EXIT_OK;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (files == NULL)
    return vs_cli_usage (context, _("Name at least one picture"));

  engine = vs_cli_open_engine (&opts, &error);
  if (engine == NULL)
    return vs_cli_fail (error);

  paths = vs_cli_collect_images (files);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(VsImage) image = NULL;
      g_autoptr(GArray) faces = load_and_detect (engine, path, &image, &local_error);

      if (!begin_image_json (b, path, faces, local_error, &status))
        continue;
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, image->width);
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, image->height);
      json_builder_set_member_name (b, "faces");
      json_builder_begin_array (b);
      for (guint f = 0; f < faces->len; f++)
        json_builder_add_value (b, vs_cli_json_face (&g_array_index (faces, VsFace, f)));
      json_builder_end_array (b);
      json_builder_end_object (b);

      if (!opts.json)
        {
          g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %u face\n", "%s: %u faces\n", faces->len),
                   path, faces->len);
          for (guint f = 0; f < faces->len; f++)
            {
              const VsFace *face = &g_array_index (faces, VsFace, f);
              g_print ("  %.0f,%.0f %.0f×%.0f  score %.3f\n",
                       face->x, face->y, face->width, face->height, face->score);
            }
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (opts.json)
    vs_cli_print_json (json_builder_get_root (b));
  return status;
}

/* ── verify ─────────────────────────────────────────────────────────── */

static gboolean
embed_one (VsEngine    *engine,
           const char  *path,
           VsFacePick   pick,
           float       *out,
           GError     **error)
{
  g_autoptr(VsImage) image = NULL;
  g_autoptr(GArray) faces = load_and_detect (engine, path, &image, error);
  int index;

  if (faces == NULL)
    return FALSE;
  index = vs_faces_pick (faces, image, pick, path, error);
  if (index < 0)
    return FALSE;
  return vs_engine_embed_face (engine, image, &g_array_index (faces, VsFace, index), out, NULL, error);
}

int
vs_cli_verify (int    argc,
               char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  PickOptions pick = { 0 };
  double threshold = 0;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      N_("Similarity at which two faces count as the same person (default: the model’s 1:1 threshold)"), N_("T") },
    PICK_ENTRIES (pick),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("IMAGE_A IMAGE_B — are they the same person?"),
                        _("Compares the face of two pictures. A picture with several faces uses the one "
                          "nearest its centre unless --largest is given. Exit status 0: same person, "
                          "1: different people."),
                        entries, &opts);
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *a = NULL, *b = NULL;
  gboolean same;
  float score;
  VsFacePick mode;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (files == NULL || g_strv_length (files) != 2)
    return vs_cli_usage (context, _("Name exactly two pictures"));

  engine = vs_cli_open_engine (&opts, &error);
  if (engine == NULL)
    return vs_cli_fail (error);

  mode = pick_from_options (&pick, VS_FACE_PICK_CENTRAL);
  a = g_new (float, vs_engine_get_dim (engine));
  b = g_new (float, vs_engine_get_dim (engine));
  if (!embed_one (engine, files[0], mode, a, &error) ||
      !embed_one (engine, files[1], mode, b, &error))
    return vs_cli_fail (error);

  if (threshold <= 0)
    threshold = vs_engine_get_embedder (engine)->verify_threshold;
  score = vs_cosine (a, b, vs_engine_get_dim (engine));
  same = score >= threshold;

  if (opts.json)
    {
      g_autoptr(JsonBuilder) jb = json_builder_new ();

      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "similarity");
      json_builder_add_double_value (jb, score);
      json_builder_set_member_name (jb, "threshold");
      json_builder_add_double_value (jb, threshold);
      json_builder_set_member_name (jb, "same");
      json_builder_add_boolean_value (jb, same);
      json_builder_set_member_name (jb, "embedder");
      json_builder_add_string_value (jb, vs_engine_get_embedder (engine)->id);
      json_builder_end_object (jb);
      vs_cli_print_json (json_builder_get_root (jb));
    }
  else
    g_print (same ? _("Same person (similarity %.3f, threshold %.3f)\n")
                  : _("Different people (similarity %.3f, threshold %.3f)\n"),
             score, threshold);

  return same ? VS_EXIT_OK : VS_EXIT_NO_MATCH;
}

/* ── enroll and import ──────────────────────────────────────────────── */

/* The pictures a person was already enrolled from (absolute paths), so that
 * enrolling or importing the same folder again adds nothing twice. */
static GHashTable *
enrolled_sources (VsStore     *store,
                  const char  *name,
                  gint64       person_id)
{
  GHashTable *sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(VsPerson) person = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  if (person_id == 0 && name != NULL)
    {
      person = vs_store_find_person_by_name (store, name, NULL);
      person_id = person ? person->id : 0;
    }
  if (person_id != 0)
    samples = vs_store_list_samples (store, person_id, NULL);
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      const VsSample *s = g_ptr_array_index (samples, i);
      if (s->source != NULL)
        g_hash_table_add (sources, g_strdup (s->source));
    }
  return sources;
}

static void
add_skipped (JsonBuilder *skipped,
             const char  *path,
             const char  *reason)
{
  json_builder_begin_object (skipped);
  json_builder_set_member_name (skipped, "path");
  json_builder_add_string_value (skipped, path);
  json_builder_set_member_name (skipped, "reason");
  json_builder_add_string_value (skipped, reason);
  json_builder_end_object (skipped);
}

/* One picture: the faces that may be the person, as samples. */
typedef struct {
  const char *path;
  GPtrArray  *candidates;   /* VsSample* */
  guint       n_faces;
} Picture;

static void
picture_clear (Picture *picture)
{
  g_clear_pointer (&picture->candidates, g_ptr_array_unref);
}

/* Embeds every usable picture of `paths` into samples; the others are added
 * to `skipped` (a JSON array builder, open) with the reason. Pictures listed
 * in `enrolled` are skipped too and counted in n_enrolled.
 *
 * The pictures are one person's: unless --largest or --central says which
 * face to take, every face of a picture with several is a candidate, and the
 * one that agrees with the person's other pictures is taken
 * (vs_enroll_pick_agreeing). A picture that agrees with none of them — a
 * bystander only, or someone else's photo in the folder — is reported. */
static GPtrArray *
make_samples (VsEngine    *engine,
              GPtrArray   *paths,
              VsFacePick   pick,
              GHashTable  *enrolled,
              JsonBuilder *skipped,
              gboolean     verbose,
              guint       *n_enrolled,
              int         *worst)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
  g_autoptr(GArray) pictures = g_array_new (FALSE, TRUE, sizeof (Picture));
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();   /* borrowed, per picture */
  g_autofree int *picks = NULL;

  g_array_set_clear_func (pictures, (GDestroyNotify) picture_clear);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *source = g_canonicalize_filename (path, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsImage) image = NULL;
      g_autoptr(GArray) faces = NULL;
      Picture picture = { path, g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free), 0 };

      vs_cli_progress_step (path);
      if (g_hash_table_contains (enrolled, source))
        {
          add_skipped (skipped, path, "already enrolled");
          (*n_enrolled)++;
          picture_clear (&picture);
          continue;
        }

      faces = load_and_detect (engine, path, &image, &error);
      if (faces != NULL && (faces->len == 1 || pick != VS_FACE_PICK_ONLY))
        {
          int index = vs_faces_pick (faces, image, pick, path, &error);
          VsSample *sample = NULL;

          if (index >= 0)
            sample = vs_engine_make_sample (engine, image, &g_array_index (faces, VsFace, index), source, &error);
          if (sample != NULL)
            g_ptr_array_add (picture.candidates, sample);
        }
      else if (faces != NULL && faces->len == 0)
        vs_faces_pick (faces, image, pick, path, &error);
      else if (faces != NULL)
        for (guint f = 0; f < faces->len; f++)
          {
            VsSample *sample = vs_engine_make_sample (engine, image, &g_array_index (faces, VsFace, f),
                                                      source, error ? NULL : &error);
            if (sample != NULL)
              g_ptr_array_add (picture.candidates, sample);
          }

      if (picture.candidates->len == 0)
        {
          add_skipped (skipped, path, error->message);
          if (verbose)
            g_printerr (_("Skipped: %s\n"), error->message);
          *worst = MAX (*worst, vs_cli_exit_code_for (error));
          picture_clear (&picture);
          continue;
        }
      picture.n_faces = faces->len;
      g_array_append_val (pictures, picture);
    }

  for (guint i = 0; i < pictures->len; i++)
    g_ptr_array_add (candidates, g_array_index (pictures, Picture, i).candidates);
  /* Against several photos the open-set threshold, so that a bystander
   * does not pass for the person; against one, the 1:1 threshold. */
  picks = vs_enroll_pick_agreeing (candidates, vs_engine_get_embedder (engine)->threshold,
                                   vs_engine_get_embedder (engine)->verify_threshold);

  for (guint i = 0; i < pictures->len; i++)
    {
      Picture *picture = &g_array_index (pictures, Picture, i);
      g_autofree char *reason = NULL;

      if (picks[i] >= 0)
        {
          g_ptr_array_add (samples, g_ptr_array_steal_index (picture->candidates, picks[i]));
          continue;
        }

      if (pictures->len == 1)
        {
          reason = g_strdup_printf (_("%u faces found in “%s”, expected one"), picture->n_faces, picture->path);
          if (verbose)
            g_printerr (_("Skipped: %s (use --largest or --central to pick one)\n"), reason);
        }
      else
        {
          if (picture->candidates->len > 1)
            reason = g_strdup_printf (_("%u faces found in “%s”, and none looks like the person in the other pictures"),
                                      picture->n_faces, picture->path);
          else
            reason = g_strdup_printf (_("“%s” looks like a different person from the other pictures"),
                                      picture->path);
          if (verbose)
            g_printerr (_("Skipped: %s (use --largest or --central to take a face anyway)\n"), reason);
        }
      add_skipped (skipped, picture->path, reason);
      *worst = MAX (*worst, (int) VS_EXIT_INPUT);
    }
  return samples;
}

/* enroll's JSON report; skipped is added by reference, not taken. */
static void
print_person_json (gint64       person_id,
                   const char  *name,
                   guint        added,
                   JsonNode    *skipped)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "person_id");
  json_builder_add_int_value (b, person_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "added");
  json_builder_add_int_value (b, added);
  json_builder_set_member_name (b, "skipped");
  json_builder_add_value (b, json_node_ref (skipped));
  json_builder_end_object (b);
  vs_cli_print_json (json_builder_get_root (b));
}

int
vs_cli_enroll (int    argc,
               char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  PickOptions pick = { 0 };
  g_autofree char *name = NULL;
  gint64 person_id_arg = 0;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("The person’s name (created if new)"), N_("NAME") },
    { "id", 0, 0, G_OPTION_ARG_INT64, &person_id_arg, N_("Add to the person with this id instead"), N_("ID") },
    PICK_ENTRIES (pick),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("--name NAME IMAGE_OR_DIR… — add face samples to a person"),
                        _("Every picture must show one face (or use --largest / --central); the others "
                          "are reported and skipped. The person and all samples are saved in one "
                          "transaction."),
                        entries, &opts);
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(JsonBuilder) skipped = json_builder_new ();
  g_autoptr(JsonNode) skipped_node = NULL;
  g_autoptr(VsPerson) person = NULL;
  g_autofree char *normalized = NULL;
  g_autoptr(GHashTable) enrolled = NULL;
  guint n_enrolled = 0;
  int worst = VS_EXIT_OK;
  const char *display_name;
  gint64 person_id;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if ((name == NULL) == (person_id_arg == 0))
    return vs_cli_usage (context, _("Give either --name or --id"));
  if (files == NULL)
    return vs_cli_usage (context, _("Name at least one picture or folder"));
  if (name != NULL && (normalized = vs_person_name_normalize (name, &error)) == NULL)
    return vs_cli_usage (context, "%s", error->message);

  store = vs_cli_open_store (&opts, VS_CLI_WRITE, &error);
  if (store == NULL)
    return vs_cli_fail (error);
  if (person_id_arg != 0 && (person = vs_store_get_person (store, person_id_arg, &error)) == NULL)
    return vs_cli_fail (error);
  /* A name someone already has, however it is spelt (case, accents), means
   * that person: say so under their own spelling. */
  if (person == NULL && (person = vs_store_find_person_by_name (store, normalized, &error)) != NULL)
    person_id_arg = person->id;
  else if (error != NULL)
    return vs_cli_fail (error);
  display_name = person ? person->name : normalized;
  vs_cli_use_store_embedder (&opts, store);
  engine = vs_cli_open_engine (&opts, &error);
  if (engine == NULL)
    return vs_cli_fail (error);

  paths = vs_cli_collect_images (files);
  enrolled = enrolled_sources (store, normalized, person_id_arg);
  json_builder_begin_array (skipped);
  if (paths->len > 1)
    vs_cli_progress_begin (&opts, _("Enrolling"), paths->len);
  samples = make_samples (engine, paths, pick_from_options (&pick, VS_FACE_PICK_ONLY), enrolled,
                          skipped, !opts.json, &n_enrolled, &worst);
  vs_cli_progress_end ();
  json_builder_end_array (skipped);
  skipped_node = json_builder_get_root (skipped);

  if (samples->len == 0 && n_enrolled > 0 && worst == VS_EXIT_OK)
    {
      g_printerr (_("visage-cli: every picture given is already enrolled for %s; nothing to add\n"),
                  display_name);
      if (opts.json)
        print_person_json (person_id_arg, display_name, 0, skipped_node);
      return VS_EXIT_OK;
    }
  if (samples->len == 0)
    {
      g_printerr (_("visage-cli: no usable face in the pictures given; nothing was saved\n"));
      if (opts.json)
        print_person_json (person_id_arg, display_name, 0, skipped_node);
      return worst != VS_EXIT_OK ? worst : VS_EXIT_INPUT;
    }

  person_id = vs_store_add_samples (store, person_id_arg, normalized, samples, &error);
  if (person_id == 0)
    return vs_cli_fail (error);

  if (opts.json)
    print_person_json (person_id, display_name, samples->len, skipped_node);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Added %u sample to %s (id %" PRId64 ")\n",
                          "Added %u samples to %s (id %" PRId64 ")\n", samples->len),
             samples->len, display_name, person_id);

  return VS_EXIT_OK;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* How many pictures import will go through, for its progress. */
static guint
count_pictures (const char *dir,
                GPtrArray  *folders)
{
  guint n = 0;

  for (guint i = 0; i < folders->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (folders, i), NULL);
      char *one[] = { path, NULL };
      g_autoptr(GPtrArray) paths = vs_cli_collect_images (one);

      n += paths->len;
    }
  return n;
}

int
vs_cli_import (int    argc,
               char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  PickOptions pick = { 0 };
  g_auto(GStrv) dirs = NULL;
  gboolean foreground = FALSE;
  const GOptionEntry entries[] = {
    PICK_ENTRIES (pick),
    { "foreground", 0, 0, G_OPTION_ARG_NONE, &foreground,
      N_("Run at normal priority instead of giving way to other programs"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("DIR — enroll one person per sub-folder"),
                        _("DIR/Ada_Lovelace/*.jpg becomes the person “Ada Lovelace” (underscores read as "
                          "spaces). Each person is saved in its own transaction. The import runs "
                          "at background priority (nice +10), so that a Visage window on the same "
                          "computer stays smooth; --foreground runs it at normal priority."),
                        entries, &opts);
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) report = json_builder_new ();
  const char *entry;
  int worst = VS_EXIT_OK;
  guint n_people = 0, n_samples = 0;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (dirs == NULL || g_strv_length (dirs) != 1)
    return vs_cli_usage (context, _("Name one folder"));

  dir = g_dir_open (dirs[0], 0, &error);
  if (dir == NULL)
    return vs_cli_fail (error);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = g_build_filename (dirs[0], entry, NULL);
      if (g_file_test (sub, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (people, g_strdup (entry));
    }
  g_ptr_array_sort (people, compare_names);
  if (people->len == 0)
    {
      g_printerr (_("visage-cli: “%s” has no sub-folders: put each person’s pictures in a folder named after them\n"),
                  dirs[0]);
      return VS_EXIT_INPUT;
    }

  /* A bulk import is minutes of neural network on every core; a window
   * recognising faces live on the same computer must not wait for a CPU
   * behind it. Threads the engine starts later inherit the priority. */
  if (!foreground)
    vs_thread_set_background ();

  store = vs_cli_open_store (&opts, VS_CLI_WRITE, &error);
  if (store == NULL)
    return vs_cli_fail (error);
  vs_cli_use_store_embedder (&opts, store);
  engine = vs_cli_open_engine (&opts, &error);
  if (engine == NULL)
    return vs_cli_fail (error);

  vs_cli_progress_begin (&opts, _("Importing"), count_pictures (dirs[0], people));
  json_builder_begin_object (report);
  json_builder_set_member_name (report, "people");
  json_builder_begin_array (report);
  for (guint i = 0; i < people->len; i++)
    {
      const char *folder = g_ptr_array_index (people, i);
      g_autofree char *raw_name = g_strdelimit (g_strdup (folder), "_", ' ');
      g_autofree char *name = NULL;
      g_autofree char *path = g_build_filename (dirs[0], folder, NULL);
      char *one[] = { path, NULL };
      g_autoptr(GPtrArray) paths = vs_cli_collect_images (one);
      g_autoptr(JsonBuilder) skipped = json_builder_new ();
      g_autoptr(JsonNode) skipped_node = NULL;
      g_autoptr(GPtrArray) samples = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GHashTable) enrolled = NULL;
      guint n_enrolled = 0;
      gint64 person_id = 0;

      name = vs_person_name_normalize (raw_name, &local_error);
      json_builder_begin_array (skipped);
      if (name != NULL)
        {
          enrolled = enrolled_sources (store, name, 0);
          samples = make_samples (engine, paths, pick_from_options (&pick, VS_FACE_PICK_ONLY), enrolled,
                                  skipped, FALSE, &n_enrolled, &worst);
        }
      json_builder_end_array (skipped);
      skipped_node = json_builder_get_root (skipped);

      if (samples != NULL && (samples->len > 0 || n_enrolled > 0))
        person_id = vs_store_add_samples (store, 0, name, samples, &local_error);
      else if (name != NULL && local_error == NULL)
        g_set_error (&local_error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_NO_FACE,
                     _("no usable face in “%s”"), path);

      if (person_id != 0)
        {
          n_people++;
          n_samples += samples->len;
        }
      else
        worst = MAX (worst, vs_cli_exit_code_for (local_error));

      json_builder_begin_object (report);
      json_builder_set_member_name (report, "folder");
      json_builder_add_string_value (report, folder);
      json_builder_set_member_name (report, "name");
      json_builder_add_string_value (report, name ? name : raw_name);
      json_builder_set_member_name (report, "person_id");
      json_builder_add_int_value (report, person_id);
      json_builder_set_member_name (report, "added");
      json_builder_add_int_value (report, person_id ? samples->len : 0);
      json_builder_set_member_name (report, "skipped");
      json_builder_add_value (report, json_node_ref (skipped_node));
      /* What happened to this person, in one word. */
      json_builder_set_member_name (report, "status");
      json_builder_add_string_value (report, person_id == 0 ? "failed"
                                             : samples->len > 0 ? "imported" : "unchanged");
      if (local_error != NULL)
        {
          json_builder_set_member_name (report, "error");
          json_builder_add_string_value (report, local_error->message);
        }
      json_builder_end_object (report);

      if (!opts.json)
        {
          JsonArray *skipped_array = json_node_get_array (skipped_node);
          guint n_skipped = json_array_get_length (skipped_array);

          if (person_id != 0)
            g_print (_("%s: %u added, %u skipped\n"), name, samples->len, n_skipped);
          else
            g_print (_("%s: not imported: %s\n"), name ? name : raw_name, local_error->message);
          /* Say which pictures were left out and why: a folder is often
           * meant to be used whole. */
          for (guint k = 0; k < n_skipped; k++)
            {
              JsonObject *skip = json_array_get_object_element (skipped_array, k);
              g_autofree char *base = g_path_get_basename (json_object_get_string_member (skip, "path"));

              g_print (_("  skipped %s: %s\n"), base, json_object_get_string_member (skip, "reason"));
            }
        }
    }
  vs_cli_progress_end ();
  json_builder_end_array (report);
  json_builder_set_member_name (report, "imported_people");
  json_builder_add_int_value (report, n_people);
  json_builder_set_member_name (report, "imported_samples");
  json_builder_add_int_value (report, n_samples);
  json_builder_end_object (report);

  if (opts.json)
    vs_cli_print_json (json_builder_get_root (report));
  else
    g_print (_("Imported %u people with %u samples\n"), n_people, n_samples);

  /* Skipped pictures are normal in a photo folder; only fail when a whole
   * person could not be imported, and tell "partly done" from "nothing
   * done": people already saved stay saved. */
  if (n_people == people->len)
    return VS_EXIT_OK;
  if (n_people > 0)
    return VS_EXIT_PARTIAL;
  return MAX (worst, (int) VS_EXIT_INPUT);
}

/* ── identify ───────────────────────────────────────────────────────── */

int
vs_cli_identify (int    argc,
                 char **argv)
{
  g_auto(VsCliOptions) opts = { 0 };
  int top = 1;
  double threshold = 0;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "top", 'k', 0, G_OPTION_ARG_INT, &top, N_("Also list the K best candidates"), N_("K") },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      N_("Similarity needed to name a person (default: the app’s setting, else the model’s open-set threshold)"), N_("T") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    vs_cli_context_new (_("IMAGE… — who is in these pictures?"),
                        _("For every face: the best enrolled person and the similarity, or “unknown”. "
                          "Exit status 0 when at least one face was recognised, 1 when none was."),
                        entries, &opts);
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(VsStore) store = NULL;
  g_autoptr(VsGallery) gallery = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree float *embedding = NULL;
  g_autofree VsMatch *matches = NULL;
  VsMatchParams params;
  gboolean any_known = FALSE;
  int worst = VS_EXIT_OK;

  if (!vs_cli_parse (context, &argc, &argv))
    return VS_EXIT_USAGE;
  if (files == NULL)
    return vs_cli_usage (context, _("Name at least one picture"));
  if (top < 1 || top > 1000)
    return vs_cli_usage (context, _("--top must be between 1 and 1000"));

  store = vs_cli_open_store (&opts, VS_CLI_READ, &error);
  if (store == NULL)
    return vs_cli_fail (error);
  vs_cli_use_store_embedder (&opts, store);
  engine = vs_cli_open_engine (&opts, &error);
  if (engine == NULL)
    return vs_cli_fail (error);
  gallery = vs_store_load_gallery (store, vs_engine_get_embedder (engine)->id, &error);
  if (gallery == NULL)
    return vs_cli_fail (error);
  if (vs_gallery_get_n_people (gallery) == 0)
    g_printerr (_("visage-cli: nobody is enrolled with the %s embedder yet; every face will be unknown\n"),
                vs_engine_get_embedder (engine)->id);

  vs_cli_match_params (engine, threshold, &params);
  embedding = g_new (float, vs_engine_get_dim (engine));
  matches = g_new0 (VsMatch, top);
  paths = vs_cli_collect_images (files);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, params.threshold);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(VsImage) image = NULL;
      g_autoptr(GArray) faces = load_and_detect (engine, path, &image, &local_error);

      if (!begin_image_json (b, path, faces, local_error, &worst))
        continue;
      if (!opts.json)
        g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %u face\n", "%s: %u faces\n", faces->len), path, faces->len);

      json_builder_set_member_name (b, "faces");
      json_builder_begin_array (b);
      for (guint f = 0; f < faces->len; f++)
        {
          const VsFace *face = &g_array_index (faces, VsFace, f);
          VsIdentity id;
          guint n;

          JsonNode *node = vs_cli_json_face (face);
          JsonObject *obj = json_node_get_object (node);
          g_autoptr(JsonArray) candidates = json_array_new ();
          static const char * const kinds[] = { "known", "unknown", "ambiguous" };

          if (!vs_engine_embed_face (engine, image, face, embedding, NULL, &local_error))
            {
              int code = vs_cli_fail (local_error);   /* once: MAX evaluates twice */

              worst = MAX (worst, code);
              json_object_set_string_member (obj, "error", local_error->message);
              json_builder_add_value (b, node);
              g_clear_error (&local_error);
              continue;
            }
          id = vs_gallery_identify (gallery, embedding, &params);
          n = vs_gallery_search (gallery, embedding, matches, top);

          json_object_set_string_member (obj, "identity", kinds[id.kind]);
          /* Nobody is null, never a name: a person may be called “unknown”. */
          if (id.kind == VS_IDENTITY_KNOWN)
            {
              json_object_set_string_member (obj, "name", id.best.name);
              json_object_set_int_member (obj, "person_id", id.best.person_id);
            }
          else
            {
              json_object_set_null_member (obj, "name");
              json_object_set_null_member (obj, "person_id");
            }
          json_object_set_double_member (obj, "similarity", id.best.person_id ? id.best.score : 0);
          for (guint m = 0; m < n; m++)
            json_array_add_element (candidates, vs_cli_json_match (&matches[m]));
          json_object_set_array_member (obj, "candidates", g_steal_pointer (&candidates));
          json_builder_add_value (b, node);
          any_known |= id.kind == VS_IDENTITY_KNOWN;

          if (!opts.json)
            {
              if (id.kind == VS_IDENTITY_KNOWN)
                g_print (_("  %.0f,%.0f %.0f×%.0f  %s (similarity %.3f)\n"),
                         face->x, face->y, face->width, face->height, id.best.name, id.best.score);
              else
                g_print (_("  %.0f,%.0f %.0f×%.0f  unknown\n"), face->x, face->y, face->width, face->height);
              for (guint m = 0; top > 1 && m < n; m++)
                g_print ("      %u. %s  %.3f\n", m + 1, matches[m].name, matches[m].score);
            }
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (opts.json)
    vs_cli_print_json (json_builder_get_root (b));
  if (worst != VS_EXIT_OK)
    return worst;
  return any_known ? VS_EXIT_OK : VS_EXIT_NO_MATCH;
}

/* test-engine.c: detect → align → embed → match on the shared real faces.
 *
 * Every bound below was measured on ../shared/faces with the models of
 * models/manifest.json; the figures are in the comments and are printed
 * again (g_test_message) on every run. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vs-cv.h"
#include "vs-engine.h"
#include "vs-gallery.h"
#include "vs-store.h"
#include "vs-test-util.h"

static VsEngine *engine;

static VsImage *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  VsImage *image = vs_image_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

/* The embedding of the central face of an LFW photo (dim floats). */
static float *
embed_lfw (const char *person,
           guint       number)
{
  g_autofree char *path = vs_test_lfw_path (person, number);
  g_autoptr(VsImage) image = load (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
  g_autofree float *out = g_new (float, vs_engine_get_dim (engine));
  int pick;

  g_assert_no_error (error);
  pick = vs_faces_pick (faces, image, VS_FACE_PICK_CENTRAL, path, &error);
  g_assert_no_error (error);
  g_assert_true (vs_engine_embed_face (engine, image, &g_array_index (faces, VsFace, pick), out, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

/* ── 1:1 verification on pairs.txt ──────────────────────────────────── */

#define PAIRS_PER_KIND 50

/* The first PAIRS_PER_KIND same-person and different-people lines of fold 1
 * at the model's 1:1 threshold. Measured: all 50 same pairs verify (lowest
 * similarity 0.440 against a threshold of 0.279) and all 50 different pairs
 * are told apart (highest 0.250). Bound: at most one error of each kind. */
static void
test_verify_pairs (void)
{
  g_autofree char *pairs_path = vs_test_data_path ("pairs.txt");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  float threshold = vs_engine_get_embedder (engine)->verify_threshold;
  guint dim = vs_engine_get_dim (engine);
  guint same_ok = 0, diff_ok = 0, n_same = 0, n_diff = 0;
  float lowest_same = 1, highest_diff = -1;

  g_file_get_contents (pairs_path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 1 + 2 * 300);

  /* Line 0 is "10\t300"; then 300 same lines, then 300 different ones. */
  for (guint i = 1; i <= 600; i++)
    {
      g_auto(GStrv) f = g_strsplit (g_strstrip (lines[i]), "\t", -1);
      g_autofree float *a = NULL, *b = NULL;
      gboolean same_person = g_strv_length (f) == 3;
      float score;

      if ((same_person && n_same >= PAIRS_PER_KIND) || (!same_person && n_diff >= PAIRS_PER_KIND))
        continue;
      g_assert_true (g_strv_length (f) == 3 || g_strv_length (f) == 4);
      if (same_person)
        {
          a = embed_lfw (f[0], atoi (f[1]));
          b = embed_lfw (f[0], atoi (f[2]));
        }
      else
        {
          a = embed_lfw (f[0], atoi (f[1]));
          b = embed_lfw (f[2], atoi (f[3]));
        }
      score = vs_cosine (a, b, dim);
      if (same_person)
        {
          n_same++;
          same_ok += score >= threshold;
          lowest_same = MIN (lowest_same, score);
        }
      else
        {
          n_diff++;
          diff_ok += score < threshold;
          highest_diff = MAX (highest_diff, score);
        }
    }

  g_test_message ("verify at %.3f: %u/%u same pairs verify (lowest %.3f), %u/%u different pairs "
                  "do not (highest %.3f)", threshold, same_ok, n_same, lowest_same, diff_ok, n_diff,
                  highest_diff);
  g_assert_cmpuint (n_same, ==, PAIRS_PER_KIND);
  g_assert_cmpuint (n_diff, ==, PAIRS_PER_KIND);
  g_assert_cmpuint (same_ok, >=, PAIRS_PER_KIND - 1);
  g_assert_cmpuint (diff_ok, >=, PAIRS_PER_KIND - 1);
}

/* ── detection against hand-labelled boxes ──────────────────────────── */

typedef struct {
  float x, y, w, h;
  float parts[68][2];   /* dlib's 68 landmarks, in the *_with_face_landmarks files */
  guint n_parts;
} Box;

typedef struct {
  char   *file;
  GArray *boxes;     /* Box, without the ignored ones */
  GArray *ignored;   /* Box */
  gboolean last_ignored;
} Labelled;

static void
labelled_free (Labelled *l)
{
  g_free (l->file);
  g_array_unref (l->boxes);
  g_array_unref (l->ignored);
  g_free (l);
}

static const char *
attr (const char **names,
      const char **values,
      const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
imglab_start (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  GPtrArray *images = user_data;

  if (g_str_equal (element, "image"))
    {
      Labelled *l = g_new0 (Labelled, 1);

      l->file = g_strdup (attr (names, values, "file"));
      l->boxes = g_array_new (FALSE, FALSE, sizeof (Box));
      l->ignored = g_array_new (FALSE, FALSE, sizeof (Box));
      g_assert_nonnull (l->file);
      g_ptr_array_add (images, l);
    }
  else if (g_str_equal (element, "box"))
    {
      Labelled *l = g_ptr_array_index (images, images->len - 1);
      const char *ignore = attr (names, values, "ignore");
      Box b = {
        .n_parts = 0,
        .x = g_ascii_strtod (attr (names, values, "left"), NULL),
        .y = g_ascii_strtod (attr (names, values, "top"), NULL),
        .w = g_ascii_strtod (attr (names, values, "width"), NULL),
        .h = g_ascii_strtod (attr (names, values, "height"), NULL),
      };

      g_assert_cmpfloat (b.w, >, 0);
      g_assert_cmpfloat (b.h, >, 0);
      g_array_append_val (ignore != NULL && g_str_equal (ignore, "1") ? l->ignored : l->boxes, b);
      l->last_ignored = ignore != NULL && g_str_equal (ignore, "1");
    }
  else if (g_str_equal (element, "part"))
    {
      Labelled *l = g_ptr_array_index (images, images->len - 1);
      GArray *boxes = l->last_ignored ? l->ignored : l->boxes;
      Box *b = &g_array_index (boxes, Box, boxes->len - 1);
      guint64 index = g_ascii_strtoull (attr (names, values, "name"), NULL, 10);

      g_assert_cmpuint (index, <, 68);
      b->parts[index][0] = g_ascii_strtod (attr (names, values, "x"), NULL);
      b->parts[index][1] = g_ascii_strtod (attr (names, values, "y"), NULL);
      b->n_parts++;
    }
}

static GPtrArray *
parse_imglab (const char *relative)
{
  static const GMarkupParser parser = { .start_element = imglab_start };
  g_autofree char *path = vs_test_data_path (relative);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *images = g_ptr_array_new_with_free_func ((GDestroyNotify) labelled_free);
  g_autoptr(GMarkupParseContext) context = NULL;
  char *body;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  /* GMarkup reads neither the XML declaration's encoding (the file is
   * ASCII) nor the stylesheet instruction: skip to the first element. */
  body = strstr (contents, "<dataset>");
  g_assert_nonnull (body);
  context = g_markup_parse_context_new (&parser, 0, images, NULL);
  g_markup_parse_context_parse (context, body, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  return images;
}

static float
iou (const Box *a,
     const Box *b)
{
  float ix = MAX (0, MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x));
  float iy = MAX (0, MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y));
  float inter = ix * iy;

  return inter / (a->w * a->h + b->w * b->h - inter);
}

/* The matching rule: a labelled face is found when a detection not yet used
 * has IoU ≥ MIN_IOU with it (greedy, best IoU first). dlib's labels are tight
 * boxes around eyebrows to chin; YuNet's boxes include the forehead and are
 * about 1.3× as tall, so even a perfect detection scores well below 1.
 *
 * Measured on the 9 labelled photos of testing.xml and training.xml: 43 of
 * 43 faces found (IoU of the matches: lowest 0.56, mean 0.70) and one
 * detection matching no label (15×18 px, a dim person in a doorway at the
 * back of 2008_002079, unlabelled). Bounds: recall ≥ 95 %, at most 3
 * unmatched detections. */
#define MIN_IOU 0.4f

static void
test_detect_groups (void)
{
  static const char * const sets[] = { "groups/testing.xml", "groups/training.xml" };
  guint total = 0, found = 0, extra = 0;
  double iou_sum = 0, iou_min = 1;

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_autoptr(GPtrArray) images = parse_imglab (sets[s]);

      g_assert_cmpuint (images->len, >=, 4);
      for (guint i = 0; i < images->len; i++)
        {
          Labelled *l = g_ptr_array_index (images, i);
          g_autofree char *relative = g_build_filename ("groups", l->file, NULL);
          g_autofree char *path = vs_test_data_path (relative);
          g_autoptr(VsImage) image = load (path);
          g_autoptr(GError) error = NULL;
          g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
          g_autofree gboolean *used = NULL;
          guint image_found = 0, image_extra = 0;

          g_assert_no_error (error);
          used = g_new0 (gboolean, faces->len + 1);
          for (guint b = 0; b < l->boxes->len; b++)
            {
              const Box *truth = &g_array_index (l->boxes, Box, b);
              float best = 0;
              int best_f = -1;

              for (guint f = 0; f < faces->len; f++)
                {
                  const VsFace *face = &g_array_index (faces, VsFace, f);
                  Box d = { face->x, face->y, face->width, face->height };
                  float v = iou (truth, &d);

                  if (!used[f] && v > best)
                    {
                      best = v;
                      best_f = (int) f;
                    }
                }
              if (best_f >= 0 && best >= MIN_IOU)
                {
                  used[best_f] = TRUE;
                  image_found++;
                  iou_sum += best;
                  iou_min = MIN (iou_min, best);
                }
              else
                g_test_message ("%s: missed the face at %.0f,%.0f %.0f×%.0f (best IoU %.2f)",
                                l->file, truth->x, truth->y, truth->w, truth->h, best);
            }
          /* Detections matching nothing, not even an ignored face. */
          for (guint f = 0; f < faces->len; f++)
            {
              const VsFace *face = &g_array_index (faces, VsFace, f);
              Box d = { face->x, face->y, face->width, face->height };
              gboolean ignored = FALSE;

              for (guint b = 0; b < l->ignored->len; b++)
                ignored |= iou (&g_array_index (l->ignored, Box, b), &d) >= MIN_IOU;
              if (!used[f] && !ignored)
                {
                  image_extra++;
                  g_test_message ("%s: detection matching no label at %.0f,%.0f %.0f×%.0f score %.2f",
                                  l->file, d.x, d.y, d.w, d.h, face->score);
                }
            }
          g_test_message ("%s: %u of %u faces found, %u other detections", l->file, image_found,
                          l->boxes->len, image_extra);
          total += l->boxes->len;
          found += image_found;
          extra += image_extra;
        }
    }

  g_test_message ("groups: recall %u/%u = %.1f %% at IoU ≥ %.1f (IoU of the matches: mean %.2f, "
                  "lowest %.2f), %u unmatched detections", found, total, 100.0 * found / total, MIN_IOU,
                  found ? iou_sum / found : 0, iou_min, extra);
  g_assert_cmpuint (total, >=, 40);
  g_assert_cmpfloat ((double) found / total, >=, 0.95);
  g_assert_cmpuint (extra, <=, 3);
}


/* YuNet's five landmarks against dlib's 68 on the same labelled faces: eye
 * centres (mean of each eye's six points), nose tip (30), mouth corners (48,
 * 54); the error of a face is the mean distance over the five points divided
 * by the distance between the eye centres.
 *
 * The two schemes do not put the points in quite the same places (dlib's
 * nose point 30 is the tip, its eye centres are means of the lids), so even
 * right landmarks are some way off. Measured (yunet_2023mar, 43 faces): mean
 * error 0.149, worst face 0.403 (a face turned sideways in 2008_004176).
 * Bounds: mean ≤ 0.2, every face ≤ 0.5; a swapped or misplaced point costs
 * more than that. */
static void
test_detect_landmarks (void)
{
  static const char * const sets[] = {
    "groups/testing_with_face_landmarks.xml", "groups/training_with_face_landmarks.xml",
  };
  guint n = 0;
  double sum = 0, worst = 0;

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_autoptr(GPtrArray) images = parse_imglab (sets[s]);

      for (guint i = 0; i < images->len; i++)
        {
          Labelled *l = g_ptr_array_index (images, i);
          g_autofree char *relative = g_build_filename ("groups", l->file, NULL);
          g_autofree char *path = vs_test_data_path (relative);
          g_autoptr(VsImage) image = load (path);
          g_autoptr(GError) error = NULL;
          g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);

          g_assert_no_error (error);
          for (guint b = 0; b < l->boxes->len; b++)
            {
              const Box *truth = &g_array_index (l->boxes, Box, b);
              float want[5][2] = { { 0 } };
              const VsFace *best = NULL;
              float best_iou = 0, eyes, err = 0;

              g_assert_cmpuint (truth->n_parts, ==, 68);
              for (guint f = 0; f < faces->len; f++)
                {
                  const VsFace *face = &g_array_index (faces, VsFace, f);
                  Box d = { .x = face->x, .y = face->y, .w = face->width, .h = face->height };
                  float v = iou (truth, &d);

                  if (v > best_iou)
                    {
                      best_iou = v;
                      best = face;
                    }
                }
              g_assert_nonnull (best);
              g_assert_cmpfloat (best_iou, >=, MIN_IOU);

              for (guint p = 0; p < 6; p++)
                for (guint c = 0; c < 2; c++)
                  {
                    want[0][c] += truth->parts[36 + p][c] / 6;
                    want[1][c] += truth->parts[42 + p][c] / 6;
                  }
              for (guint c = 0; c < 2; c++)
                {
                  want[2][c] = truth->parts[30][c];
                  want[3][c] = truth->parts[48][c];
                  want[4][c] = truth->parts[54][c];
                }
              eyes = hypotf (want[0][0] - want[1][0], want[0][1] - want[1][1]);
              for (guint p = 0; p < 5; p++)
                err += hypotf (best->landmarks[p][0] - want[p][0], best->landmarks[p][1] - want[p][1]) / 5;
              err /= eyes;
              g_test_message ("%s: face at %.0f,%.0f: landmark error %.3f of the eye distance",
                              l->file, truth->x, truth->y, err);
              sum += err;
              worst = MAX (worst, err);
              n++;
            }
        }
    }
  g_test_message ("landmarks: %u faces, mean error %.3f, worst %.3f (of the eye distance)",
                  n, sum / n, worst);
  g_assert_cmpuint (n, >=, 40);
  g_assert_cmpfloat (sum / n, <=, 0.2);
  g_assert_cmpfloat (worst, <=, 0.5);
}

/* ── frames without faces ───────────────────────────────────────────── */

typedef enum {
  FRAME_BLACK, FRAME_DARK_GREY, FRAME_GREY, FRAME_WHITE, FRAME_DARK_NOISE, FRAME_SNOW,
  FRAME_BARS, FRAME_CHECKERS, FRAME_GRADIENT, FRAME_RINGS, N_FRAMES
} FrameKind;

static const char * const frame_names[] = {
  "black", "dark grey", "mid grey", "white", "dark noise", "snow",
  "colour bars", "checkers", "gradient", "rings",
};

/* What a covered lens, a dark room, a camera warming up or a test pattern
 * (GStreamer's videotestsrc: smpte bars, snow, checkers, gradients, zone
 * plate) put in front of the detector. */
static VsImage *
make_frame (FrameKind kind,
            int       width,
            int       height)
{
  static const guint8 bars[7][3] = {   /* BGR: white yellow cyan green magenta red blue */
    { 192, 192, 192 }, { 0, 192, 192 }, { 192, 192, 0 }, { 0, 192, 0 },
    { 192, 0, 192 }, { 0, 0, 192 }, { 192, 0, 0 },
  };
  VsImage *image = vs_image_new (width, height);
  GRand *rand = g_rand_new_with_seed (7);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *px = image->data + (gsize) y * image->stride + 3 * x;
        guint8 v[3] = { 0, 0, 0 };

        switch (kind)
          {
          case FRAME_BLACK: break;
          case FRAME_DARK_GREY: v[0] = v[1] = v[2] = 30; break;
          case FRAME_GREY: v[0] = v[1] = v[2] = 128; break;
          case FRAME_WHITE: v[0] = v[1] = v[2] = 255; break;
          case FRAME_DARK_NOISE: v[0] = v[1] = v[2] = 12 + g_rand_int_range (rand, 0, 9); break;
          case FRAME_SNOW: for (int c = 0; c < 3; c++) v[c] = g_rand_int_range (rand, 0, 256); break;
          case FRAME_BARS: memcpy (v, bars[x * 7 / width], 3); break;
          case FRAME_CHECKERS: v[0] = v[1] = v[2] = ((x / 8 + y / 8) % 2) * 255; break;
          case FRAME_GRADIENT: v[0] = v[1] = v[2] = (guint8) (255 * y / height); break;
          case FRAME_RINGS:
            {
              double dx = x - width / 2.0, dy = y - height / 2.0;
              v[0] = v[1] = v[2] = (guint8) (127.5 + 127.5 * cos ((dx * dx + dy * dy) / 400.0));
            }
            break;
          case N_FRAMES:
          default: g_assert_not_reached ();
          }
        memcpy (px, v, 3);
      }
  g_rand_free (rand);
  return image;
}

static void
test_no_face_frames (void)
{
  static const int sizes[][2] = { { 640, 480 }, { 1280, 720 }, { 250, 250 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (FrameKind kind = 0; kind < N_FRAMES; kind++)
      {
        g_autoptr(VsImage) frame = make_frame (kind, sizes[s][0], sizes[s][1]);
        g_autoptr(GError) error = NULL;
        g_autoptr(GArray) faces = vs_engine_detect (engine, frame, &error);

        g_assert_no_error (error);
        for (guint f = 0; f < faces->len; f++)
          {
            const VsFace *face = &g_array_index (faces, VsFace, f);
            g_test_message ("%s %d×%d: face at %.0f,%.0f %.0f×%.0f score %.2f", frame_names[kind],
                            sizes[s][0], sizes[s][1], face->x, face->y, face->width, face->height,
                            face->score);
          }
        g_assert_cmpuint (faces->len, ==, 0);
      }
}

/* A face that fills a 1000 px picture is one face, not fragments. */
static void
test_face_filling_picture (void)
{
  g_autofree char *path = vs_test_lfw_path ("Tony_Blair", 2);
  g_autoptr(VsImage) photo = load (path);
  g_autoptr(VsImage) crop = vs_image_new_wrap (150, 150, photo->stride,
                                               photo->data + 55 * photo->stride + 50 * 3,
                                               (GDestroyNotify) vs_image_unref, vs_image_ref (photo));
  g_autoptr(VsImage) big = vs_cv_resize (crop, 1000, 1000);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = vs_engine_detect (engine, big, &error);
  const VsFace *face;

  g_assert_no_error (error);
  g_assert_cmpuint (faces->len, ==, 1);
  face = &g_array_index (faces, VsFace, 0);
  g_test_message ("face filling 1000×1000: %.0f,%.0f %.0f×%.0f score %.2f",
                  face->x, face->y, face->width, face->height, face->score);
  g_assert_cmpfloat (face->width, >, 500);
  g_assert_cmpfloat (face->height, >, 500);
}

/* Boxes mostly outside the picture, or on a patch without texture, are not
 * faces, whoever reports them. */
static void
test_drop_implausible (void)
{
  g_autofree char *path = vs_test_lfw_path ("Tony_Blair", 2);
  g_autoptr(VsImage) photo = load (path);
  g_autoptr(VsImage) canvas = make_frame (FRAME_BLACK, 500, 250);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = NULL;
  VsFace real, outside, flat, edge;

  /* The photo on the left half; the right half stays black. */
  for (int y = 0; y < 250; y++)
    memcpy (canvas->data + (gsize) y * canvas->stride, photo->data + (gsize) y * photo->stride, 250 * 3);
  faces = vs_engine_detect (engine, canvas, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (faces->len, ==, 1);
  real = g_array_index (faces, VsFace, 0);

  outside = real;
  outside.x = -0.8f * real.width;     /* 20 % of it inside */
  flat = real;
  flat.x += 300;                      /* on the black half */
  edge = real;
  edge.x = -0.3f * real.width;        /* 70 % inside: a face at the edge */

  g_array_append_val (faces, outside);
  g_array_append_val (faces, flat);
  g_array_append_val (faces, edge);
  g_assert_cmpuint (vs_faces_drop_implausible (faces, canvas), ==, 2);
  g_assert_cmpuint (faces->len, ==, 2);
  g_assert_cmpfloat (g_array_index (faces, VsFace, 0).x, ==, real.x);
  g_assert_cmpfloat (g_array_index (faces, VsFace, 1).x, ==, edge.x);
}

static int
compare_names (gconstpointer a,
         gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* ── pictures without people ────────────────────────────────────────── */

static void
collect_pictures (const char *dir,
                  GPtrArray  *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_pictures (path, out);
      else if (g_str_has_suffix (path, ".jpg") || g_str_has_suffix (path, ".png"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

/* Measured (yunet_2023mar): no face in any of the 22 pictures (2022mar found
 * the drawn portrait on the newspaper page of sudoku.png). Bound: none. */
static void
test_negatives (void)
{
  g_autofree char *dir = vs_test_data_path ("negatives");
  g_autoptr(GPtrArray) pictures = g_ptr_array_new_with_free_func (g_free);
  guint n_faces = 0, n_pictures_with = 0;

  collect_pictures (dir, pictures);
  g_assert_cmpuint (pictures->len, >=, 20);
  for (guint i = 0; i < pictures->len; i++)
    {
      const char *path = g_ptr_array_index (pictures, i);
      g_autoptr(VsImage) image = load (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);

      g_assert_no_error (error);
      for (guint f = 0; f < faces->len; f++)
        {
          const VsFace *face = &g_array_index (faces, VsFace, f);
          g_test_message ("%s: face at %.0f,%.0f %.0f×%.0f score %.2f", path + strlen (dir) + 1,
                          face->x, face->y, face->width, face->height, face->score);
        }
      n_faces += faces->len;
      n_pictures_with += faces->len > 0;
    }
  g_test_message ("negatives: %u faces in %u of %u pictures", n_faces, n_pictures_with, pictures->len);
  g_assert_cmpuint (n_faces, ==, 0);
}

/* ── 1:N identification ─────────────────────────────────────────────── */

#define N_PEOPLE 50
#define N_STRANGERS 50

typedef struct {
  char  *name;
  guint  n_photos;
} LfwPerson;

static void
lfw_person_free (LfwPerson *p)
{
  g_free (p->name);
  g_free (p);
}

/* Every LFW person, by name (byte order), with their number of photos. */
static GPtrArray *
list_lfw (void)
{
  g_autofree char *root = vs_test_data_path ("lfw");
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  GPtrArray *people = g_ptr_array_new_with_free_func ((GDestroyNotify) lfw_person_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, ==, 5749);

  for (guint i = 0; i < names->len; i++)
    {
      LfwPerson *p = g_new0 (LfwPerson, 1);
      g_autofree char *sub = g_build_filename (root, g_ptr_array_index (names, i), NULL);
      g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);

      g_assert_nonnull (d);
      while (g_dir_read_name (d) != NULL)
        p->n_photos++;
      p->name = g_strdup (g_ptr_array_index (names, i));
      g_ptr_array_add (people, p);
    }
  return people;
}

/* The first N_PEOPLE people (by name) with at least four photos are enrolled
 * with all their photos but the last one, through the store; the last photo
 * of each is identified against the gallery with the model's open-set
 * parameters. Then the only photo of the first N_STRANGERS people with a
 * single photo (so certainly not enrolled) must come out unknown.
 *
 * Measured: 50/50 enrolled people named right (bound 95 %), 50/50
 * strangers unknown (bound 90 %), 0 strangers given a name. */
static void
test_identify (void)
{
  g_autoptr(GPtrArray) lfw = list_lfw ();
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (tmp, "visage.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsStore) store = vs_store_open (db, &error);
  g_autoptr(VsGallery) gallery = NULL;
  g_autoptr(GPtrArray) enrolled = g_ptr_array_new ();   /* LfwPerson*, borrowed */
  g_autoptr(GPtrArray) strangers = g_ptr_array_new ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  const VsModelInfo *info = vs_engine_get_embedder (engine);
  VsMatchParams params = { info->threshold, info->margin };
  guint right = 0, wrong = 0, unknown = 0, ambiguous = 0;
  guint strangers_unknown = 0, strangers_named = 0, n_samples = 0;
  float lowest_right = 1, highest_stranger = -1;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  for (guint i = 0; i < lfw->len; i++)
    {
      LfwPerson *p = g_ptr_array_index (lfw, i);

      if (p->n_photos >= 4 && enrolled->len < N_PEOPLE)
        g_ptr_array_add (enrolled, p);
      else if (p->n_photos == 1 && strangers->len < N_STRANGERS)
        g_ptr_array_add (strangers, p);
    }
  g_assert_cmpuint (enrolled->len, ==, N_PEOPLE);
  g_assert_cmpuint (strangers->len, ==, N_STRANGERS);

  for (guint i = 0; i < enrolled->len; i++)
    {
      const LfwPerson *p = g_ptr_array_index (enrolled, i);
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_sample_free);
      g_autofree char *display = g_strdelimit (g_strdup (p->name), "_", ' ');
      gint64 id;

      for (guint n = 1; n < p->n_photos; n++)
        {
          g_autofree char *path = vs_test_lfw_path (p->name, n);
          g_autoptr(VsImage) image = load (path);
          g_autoptr(GArray) faces = vs_engine_detect (engine, image, &error);
          VsSample *sample;
          int pick;

          g_assert_no_error (error);
          pick = vs_faces_pick (faces, image, VS_FACE_PICK_CENTRAL, path, &error);
          if (pick < 0)
            {
              /* A handful of LFW photos have no face YuNet finds. */
              g_test_message ("not enrolled: %s", error->message);
              g_clear_error (&error);
              continue;
            }
          sample = vs_engine_make_sample (engine, image, &g_array_index (faces, VsFace, pick), path, &error);
          g_assert_no_error (error);
          g_assert_nonnull (sample);
          g_assert_cmpstr (sample->embedder, ==, info->id);
          g_assert_cmpuint (sample->dim, ==, info->dim);
          g_assert_nonnull (sample->crop);
          g_ptr_array_add (samples, sample);
        }
      g_assert_cmpuint (samples->len, >=, 3);
      n_samples += samples->len;
      id = vs_store_add_samples (store, 0, display, samples, &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, >, 0);
      g_array_append_val (ids, id);
    }

  gallery = vs_store_load_gallery (store, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_gallery_get_n_people (gallery), ==, N_PEOPLE);
  g_assert_cmpuint (vs_gallery_get_n_samples (gallery), ==, n_samples);

  for (guint i = 0; i < enrolled->len; i++)
    {
      const LfwPerson *p = g_ptr_array_index (enrolled, i);
      g_autofree float *query = embed_lfw (p->name, p->n_photos);
      VsIdentity who = vs_gallery_identify (gallery, query, &params);

      switch (who.kind)
        {
        case VS_IDENTITY_KNOWN:
          if (who.best.person_id == g_array_index (ids, gint64, i))
            {
              right++;
              lowest_right = MIN (lowest_right, who.best.score);
            }
          else
            {
              wrong++;
              g_test_message ("%s_%04u named %s (%.3f)", p->name, p->n_photos, who.best.name, who.best.score);
            }
          break;
        case VS_IDENTITY_UNKNOWN:
          unknown++;
          g_test_message ("%s_%04u unknown (best %s %.3f)", p->name, p->n_photos,
                          who.best.name ? who.best.name : "nobody", who.best.score);
          break;
        case VS_IDENTITY_AMBIGUOUS:
        default:
          ambiguous++;
          g_test_message ("%s_%04u ambiguous (%s %.3f, %s %.3f)", p->name, p->n_photos,
                          who.best.name, who.best.score, who.second.name, who.second.score);
          break;
        }
    }

  for (guint i = 0; i < strangers->len; i++)
    {
      const LfwPerson *p = g_ptr_array_index (strangers, i);
      g_autofree float *query = embed_lfw (p->name, 1);
      VsIdentity who = vs_gallery_identify (gallery, query, &params);

      highest_stranger = MAX (highest_stranger, who.best.score);
      if (who.kind == VS_IDENTITY_KNOWN)
        {
          strangers_named++;
          g_test_message ("stranger %s named %s (%.3f)", p->name, who.best.name, who.best.score);
        }
      else
        strangers_unknown++;
    }

  g_test_message ("identify (%s, threshold %.3f, margin %.3f): %u people, %u samples; held-back photos: "
                  "%u right (%.0f %%, lowest score %.3f), %u wrong, %u unknown, %u ambiguous; strangers: "
                  "%u/%u unknown (%.0f %%), %u named, highest score %.3f; %.1f s",
                  info->id, params.threshold, params.margin, N_PEOPLE, n_samples, right,
                  100.0 * right / N_PEOPLE, lowest_right, wrong, unknown, ambiguous, strangers_unknown,
                  N_STRANGERS, 100.0 * strangers_unknown / N_STRANGERS, strangers_named, highest_stranger,
                  (g_get_monotonic_time () - start) / 1e6);

  g_assert_cmpuint (right * 100, >=, 95 * N_PEOPLE);
  g_assert_cmpuint (wrong, <=, 1);
  g_assert_cmpuint (strangers_unknown * 100, >=, 90 * N_STRANGERS);
  /* Naming a stranger is the costly error: none (measured: none). */
  g_assert_cmpuint (strangers_named, ==, 0);
}

static void
free_engine (void)
{
  g_clear_pointer (&engine, vs_engine_free);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  vs_test_init (&argc, &argv);

  engine = vs_engine_new (vs_test_models_dir (), NULL, &error);
  g_assert_no_error (error);
  atexit (free_engine);

  g_test_add_func ("/engine/verify-pairs", test_verify_pairs);
  g_test_add_func ("/engine/detect/groups", test_detect_groups);
  g_test_add_func ("/engine/detect/landmarks", test_detect_landmarks);
  g_test_add_func ("/engine/detect/negatives", test_negatives);
  g_test_add_func ("/engine/detect/no-face-frames", test_no_face_frames);
  g_test_add_func ("/engine/detect/face-filling-picture", test_face_filling_picture);
  g_test_add_func ("/engine/detect/drop-implausible", test_drop_implausible);
  g_test_add_func ("/engine/identify", test_identify);

  return g_test_run ();
}

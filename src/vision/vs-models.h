/* vs-models.h: the model manifest (models/manifest.json, compiled in as a
 * resource) and finding verified model files on disk. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_MODEL_ERROR (vs_model_error_quark ())
GQuark vs_model_error_quark (void);

typedef enum {
  VS_MODEL_ERROR_UNKNOWN_ID,   /* no such model in the manifest */
  VS_MODEL_ERROR_MISSING,      /* file not found in any models folder */
  VS_MODEL_ERROR_CORRUPT,      /* wrong size or sha256 */
  VS_MODEL_ERROR_LOAD,         /* OpenCV refused it */
} VsModelErrorCode;

typedef enum {
  VS_MODEL_ROLE_DETECTOR,
  VS_MODEL_ROLE_EMBEDDER,
  VS_MODEL_ROLE_LANDMARKS,   /* five landmarks of a face already found */
} VsModelRole;

typedef struct {
  char        *id;
  VsModelRole  role;
  char        *file;          /* file name inside the models folder */
  char        *url;
  char        *sha256;        /* of the file as it lies in the models folder */
  char        *license;
  char        *description;
  int          input_width;   /* 0 for "any" (the detector) */
  int          input_height;
  gboolean     swap_rb;       /* TRUE when the network wants RGB */
  float        mean[3];       /* subtracted per channel, in network order */
  float        scale;         /* then multiplied */
  guint        dim;           /* embedding size */
  float        threshold;     /* default open-set match threshold (1:N) */
  float        verify_threshold; /* 1:1 threshold, from the LFW protocol */
  float        margin;        /* default lead over the second person */
  /* Open-set thresholds measured with `bench lfw` at 1e-4, 1e-5 and 1e-6
   * false accepts per comparison (VS_FAR_LEVELS); 0 where not measured. */
  float        far_thresholds[3];
  float        score_threshold; /* detector: minimum confidence */
  float        nms_threshold;   /* detector */
  int          working_size;    /* detector: longest side it runs at */
  char        *landmarks;       /* detector: id of the model that places the
                                 * landmarks used for alignment, or NULL */
  gboolean     optional;      /* not needed for the app to work */
  gboolean     on_request;    /* fetched only when asked for (its licence
                               * restricts use: see license) */
} VsModelInfo;

/* The false-accept rates per comparison of far_thresholds[]. */
#define VS_N_FAR_LEVELS 3
extern const double VS_FAR_LEVELS[VS_N_FAR_LEVELS];

/* The whole manifest, parsed once. */
const VsModelInfo *vs_models_lookup            (const char  *id,
                                                GError     **error);
const VsModelInfo *vs_models_get_detector      (void);
const char        *vs_models_get_default_embedder (void);
/* Every model in manifest order (const VsModelInfo *). */
GPtrArray         *vs_models_list              (void);

/* The folder to look in: override (--models), else $VISAGE_MODELS_DIR, else
 * the installed data folder. */
char              *vs_models_find_dir          (const char  *override_dir);

/* dir/file after checking that it exists and its sha256 matches; the error
 * names the file and how to get it. */
char              *vs_models_locate            (const char        *dir,
                                                const VsModelInfo *info,
                                                GError           **error);

/* The threshold a strictness level ("strict", "balanced", "lenient",
 * "custom") stands for with this embedder: far_thresholds at 1e-6 and 1e-4
 * false accepts per comparison, the default threshold, or custom (> 0; else
 * the default). *far: the false-accept rate of the value, 0 when unknown. */
float              vs_models_threshold_for_level (const VsModelInfo *info,
                                                  const char        *level,
                                                  double             custom,
                                                  double            *far);

G_END_DECLS

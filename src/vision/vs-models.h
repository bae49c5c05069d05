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
  float        score_threshold; /* detector: minimum confidence */
  float        nms_threshold;   /* detector */
  int          working_size;    /* detector: longest side it runs at */
  gboolean     optional;      /* not needed for the app to work */
  gboolean     on_request;    /* fetched only when asked for (its licence
                               * restricts use: see license) */
} VsModelInfo;

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

G_END_DECLS

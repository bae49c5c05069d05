/* visage-application.h: the Visage AdwApplication: command-line options,
 * application actions and accelerators, one window per activation. */
#pragma once

#include <adwaita.h>

#include "visage-session.h"
#include "vs-gallery.h"
#include "vs-models.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_APPLICATION (visage_application_get_type ())
G_DECLARE_FINAL_TYPE (VisageApplication, visage_application, VISAGE, APPLICATION, AdwApplication)

/* extra_flags are or-ed to the defaults (tests pass G_APPLICATION_NON_UNIQUE). */
VisageApplication *visage_application_new          (GApplicationFlags  extra_flags);
GSettings         *visage_application_get_settings (VisageApplication *self);
/* The session of a database (db_path NULL: the user's), with these models
 * (NULL: found) and embedder (NULL: the database's): the same one while a
 * window of the application uses it, else a new one. The application keeps
 * it until its last window is gone. Transfer full. */
VisageSession     *visage_application_dup_session  (VisageApplication *self,
                                                    const char        *db_path,
                                                    const char        *models_dir,
                                                    const char        *embedder);

/* Checks a --source argument: "test", "file:PATH", "images:DIR" or
 * "device:ID". Returns FALSE with a translated message otherwise. */
gboolean           visage_source_spec_validate     (const char        *spec,
                                                    GError           **error);

/* The threshold a strictness level ("strict", "balanced", "lenient",
 * "custom") stands for with this embedder: the manifest's thresholds at
 * 1e-6, the default (about 1e-5) and 1e-4 false accepts per comparison, or
 * custom (> 0; else the default). *far: the documented false-accept rate per
 * comparison of the value returned, 0 when there is none (custom, or a level
 * not measured for this embedder, which then falls back to the default). */
float              visage_match_threshold_for_level (const VsModelInfo *info,
                                                     const char        *level,
                                                     double             custom,
                                                     double            *far);

/* The match parameters the "match-strictness" (and for "custom",
 * "match-threshold") setting asks for with the embedder's defaults. FALSE
 * for an embedder Visage does not know: params then hold the custom setting
 * or 0.5, without margin. */
gboolean           visage_match_params_from_settings (GSettings      *settings,
                                                      const char     *embedder,
                                                      VsMatchParams  *params);

G_END_DECLS

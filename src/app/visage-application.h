/* visage-application.h: the Visage AdwApplication: command-line options,
 * application actions and accelerators, one window per activation. */
#pragma once

#include <adwaita.h>

#include "vs-gallery.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_APPLICATION (visage_application_get_type ())
G_DECLARE_FINAL_TYPE (VisageApplication, visage_application, VISAGE, APPLICATION, AdwApplication)

/* extra_flags are or-ed to the defaults (tests pass G_APPLICATION_NON_UNIQUE). */
VisageApplication *visage_application_new          (GApplicationFlags  extra_flags);
GSettings         *visage_application_get_settings (VisageApplication *self);

/* Checks a --source argument: "test", "file:PATH", "images:DIR" or
 * "device:ID". Returns FALSE with a translated message otherwise. */
gboolean           visage_source_spec_validate     (const char        *spec,
                                                    GError           **error);

/* The match parameters the "match-threshold" setting asks for with the
 * embedder's defaults. FALSE for an embedder Visage does not know: params
 * then hold the setting or 0.5, without margin. */
gboolean           visage_match_params_from_settings (GSettings      *settings,
                                                      const char     *embedder,
                                                      VsMatchParams  *params);

G_END_DECLS

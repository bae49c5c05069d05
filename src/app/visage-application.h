/* visage-application.h: the Visage AdwApplication: command-line options,
 * application actions and accelerators, one window per activation. */
#pragma once

#include <adwaita.h>

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

G_END_DECLS

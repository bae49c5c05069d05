/* visage-preferences-window.h: the settings a person may change. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VISAGE_TYPE_PREFERENCES_WINDOW (visage_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VisagePreferencesWindow, visage_preferences_window, VISAGE, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *visage_preferences_window_new (GtkWindow *parent,
                                          GSettings *settings);

G_END_DECLS

/* visage-window.h: the main window: header bar with the camera chooser and
 * the primary menu, the Live and People pages. */
#pragma once

#include <adwaita.h>

#include "visage-live-page.h"
#include "visage-session.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_WINDOW (visage_window_get_type ())
G_DECLARE_FINAL_TYPE (VisageWindow, visage_window, VISAGE, WINDOW, AdwApplicationWindow)

/* Construct properties (all optional): "session" (the database, models,
 * settings and cameras, shared with the other windows on the same database;
 * NULL: the default VisageApplication's session of the user's database),
 * "source" (the --source spec; NULL picks the remembered camera or the first
 * one found), "images-fps" (0: the setting).
 * Property "camera": the source shown now ("device:ID", "file:PATH", …;
 * NULL when none); the camera menu's radio items change it and remember it. */

/* Switches to spec without remembering it (a second `visage --source`). */
void            visage_window_set_source             (VisageWindow *self,
                                                      const char   *spec);
const char     *visage_window_get_camera             (VisageWindow *self);
VisageLivePage *visage_window_get_live_page          (VisageWindow *self);
/* The session given at construction. */
VisageSession  *visage_window_get_session            (VisageWindow *self);
/* Erases now the deletions still waiting for their undo toast (quitting). */
void            visage_window_flush_deletions        (VisageWindow *self);
/* "live" or "people". */
const char     *visage_window_get_visible_page_name  (VisageWindow *self);

G_END_DECLS

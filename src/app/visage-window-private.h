/* visage-window-private.h: shared by visage-window.c and its actions. */
#pragma once

#include "visage-window.h"
#include "visage-enroll-window.h"
#include "visage-people-page.h"
#include "visage-session.h"

G_BEGIN_DECLS

struct _VisageWindow
{
  AdwApplicationWindow   parent_instance;

  /* Template children */
  AdwHeaderBar          *header_bar;
  GtkMenuButton         *camera_button;
  GtkMenuButton         *primary_menu_button;
  AdwViewSwitcherTitle  *switcher_title;
  AdwViewStack          *stack;
  AdwToastOverlay       *toast_overlay;  /* over both pages: "NAME added" */
  VisageLivePage        *live_page;
  VisagePeoplePage      *people_page;
  GMenu                 *camera_menu;

  /* Construct options */
  VisageSession         *session;   /* the database's: store, models, cameras */
  char                  *source_option;
  double                 images_fps;

  /* The session's, for short: they live as long as it does. */
  GSettings             *settings;
  VsDevices             *devices;
  VsStore               *store;
  VsGalleryMonitor      *gallery_monitor;
  GMenu                 *cameras_section;
  GMenu                 *other_source_section;
  GHashTable            *seen_cameras;   /* "device:ID" plugged in at some point */
  GtkNativeDialog       *file_chooser;

  char                  *camera;   /* the source shown now, NULL: none */

  /* The next "Add Person" window, built while nobody waits for it
   * (visage-window-actions.c). */
  VisageEnrollWindow    *spare_enroll;
  guint                  spare_enroll_timeout;
};

void visage_window_class_install_actions (GtkWidgetClass *widget_class);
/* Builds the next enrollment window a moment from now, unless one waits
 * already; drops the one that waits (the window goes away). */
void visage_window_prepare_enroll        (VisageWindow   *self);
void visage_window_drop_spare_enroll     (VisageWindow   *self);
void visage_window_switch_source         (VisageWindow   *self,
                                          const char     *spec,
                                          gboolean        remember);

G_END_DECLS

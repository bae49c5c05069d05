/* visage-enroll-window.h: the modal window that enrolls a person, or adds
 * samples to one, from the camera (guided capture) or from photos.
 *
 * Nothing is written until Save, and then in one store transaction. Before
 * saving, the samples are compared with everyone enrolled: a look-alike is
 * offered as the person to add them to instead.
 */
#pragma once

#include <adwaita.h>

#include "visage-session.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_ENROLL_WINDOW (visage_enroll_window_get_type ())
G_DECLARE_FINAL_TYPE (VisageEnrollWindow, visage_enroll_window, VISAGE, ENROLL_WINDOW, AdwWindow)

/* A new person. parent: the window it is modal for. session: the database
 * to save into, its settings, models and gallery monitor (the live view
 * then names the person as soon as they are saved), and its camera of
 * source (the live view's: NULL, no camera). images_fps: an images:
 * source's rate (0: the setting). Call gtk_window_present() on the result. */
VisageEnrollWindow *visage_enroll_window_new            (GtkWindow          *parent,
                                                         VisageSession      *session,
                                                         const char         *source,
                                                         double              images_fps);

/* The same as visage_enroll_window_new(), made ahead of time: it belongs to
 * no application (so it is nobody's window) until the one who shows it
 * calls gtk_window_set_application(), and it takes no camera and loads no
 * model before it is first shown. */
VisageEnrollWindow *visage_enroll_window_new_ahead      (GtkWindow          *parent,
                                                         VisageSession      *session,
                                                         const char         *source,
                                                         double              images_fps);

/* More samples for an enrolled person (the People page's "Add Samples"):
 * no name to type; saving adds to person_id. */
VisageEnrollWindow *visage_enroll_window_new_for_person (GtkWindow          *parent,
                                                         VisageSession      *session,
                                                         const char         *source,
                                                         double              images_fps,
                                                         gint64              person_id);

/* Shows the Photos page and opens the file chooser ("Add from Photos…"). */
void                visage_enroll_window_choose_photos  (VisageEnrollWindow *self);
/* Checks these photos (char* paths) as if chosen in the file chooser. */
void                visage_enroll_window_add_photos     (VisageEnrollWindow *self,
                                                         GPtrArray          *paths);

/* The index-th row of the photo list: removes it (its sample is not saved),
 * or, in a photo with several faces, takes the face-th (as clicking it). */
void                visage_enroll_window_remove_photo   (VisageEnrollWindow *self,
                                                         guint               index);
void                visage_enroll_window_pick_face      (VisageEnrollWindow *self,
                                                         guint               index,
                                                         guint               face);

/* The name typed (NULL in person mode), and setting it as if typed. */
const char         *visage_enroll_window_get_name       (VisageEnrollWindow *self);
void                visage_enroll_window_set_name       (VisageEnrollWindow *self,
                                                         const char         *name);
/* 0 for a new person until saved. */
gint64              visage_enroll_window_get_person_id  (VisageEnrollWindow *self);
/* "camera" or "photos". */
const char         *visage_enroll_window_get_mode       (VisageEnrollWindow *self);
/* Samples ready to save in the current mode, and the target (camera). */
guint               visage_enroll_window_get_n_samples  (VisageEnrollWindow *self);
guint               visage_enroll_window_get_target     (VisageEnrollWindow *self);
/* Removes the i-th captured sample (it is taken again). */
void                visage_enroll_window_remove_sample  (VisageEnrollWindow *self,
                                                         guint               index);
/* Why guided capture last started over (another person stayed in front of
 * the camera), NULL when it never did. */
const char         *visage_enroll_window_get_restart_notice (VisageEnrollWindow *self);
/* The message under the name (invalid, or already enrolled), NULL when none. */
const char         *visage_enroll_window_get_name_message (VisageEnrollWindow *self);
/* Whether Save is enabled now. */
gboolean            visage_enroll_window_get_can_save   (VisageEnrollWindow *self);

/* Like the Save button: may ask about a look-alike first (an
 * AdwMessageDialog, responses "add", "new", "cancel"); "saved" follows. */
void                visage_enroll_window_save           (VisageEnrollWindow *self);

/* Signals:
 *   "saved" (gint64 person_id, const char *name, guint n_samples): after
 *     the commit, just before the window closes.
 * Properties (construct-only unless said): "session" (VisageSession),
 * "person-id", "source" (the camera spec; NULL: no camera), "images-fps"
 * (0: the setting), "mode" (read/write), "n-samples" (read, notified). */

G_END_DECLS

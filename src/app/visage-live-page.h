/* visage-live-page.h: the camera picture with the faces named, a status line
 * and the states around it (starting, no camera, disconnected, error).
 *
 * The page owns the recognition worker and watches the session's camera of
 * its source while it is on screen (the camera runs only while someone
 * looks); the window decides which source to show and hands over gallery
 * snapshots.
 */
#pragma once

#include <adwaita.h>

#include "visage-session.h"
#include "vs-camera.h"
#include "vs-gallery.h"
#include "vs-face-overlay.h"
#include "vs-frame-paintable.h"
#include "vs-live-model.h"
#include "vs-recognizer.h"

G_BEGIN_DECLS

/* What the live page shows. */
typedef enum {
  VISAGE_LIVE_STATE_STARTING,          /* the camera is starting (a spinner) */
  VISAGE_LIVE_STATE_VIDEO,             /* the picture */
  VISAGE_LIVE_STATE_NO_CAMERA,         /* no source at all */
  VISAGE_LIVE_STATE_DISCONNECTED,      /* the camera went away */
  VISAGE_LIVE_STATE_CAMERA_NOT_FOUND,  /* a camera this computer never had */
  VISAGE_LIVE_STATE_ERROR,             /* the source failed: why, and what to do */
} VisageLiveState;

GType visage_live_state_get_type (void);
#define VISAGE_TYPE_LIVE_STATE (visage_live_state_get_type ())

#define VISAGE_TYPE_LIVE_PAGE (visage_live_page_get_type ())
G_DECLARE_FINAL_TYPE (VisageLivePage, visage_live_page, VISAGE, LIVE_PAGE, GtkWidget)

/* Once, before the first source: where the cameras come from. Recognition
 * pauses while the session is capturing (guided enrollment). */
void         visage_live_page_set_session      (VisageLivePage *self,
                                                VisageSession  *session);

/* Once, before the first source: the settings (show-scores, match-threshold,
 * images-fps), and the models for the recognizer (NULL: defaults).
 * images_fps > 0 overrides the setting (--fps). */
void         visage_live_page_configure        (VisageLivePage *self,
                                                GSettings      *settings,
                                                const char     *models_dir,
                                                const char     *embedder,
                                                double          images_fps);

/* Starts spec ("test", "file:PATH", "images:DIR", "device:ID"), stopping the
 * previous one; NULL shows "No Camera Found". display_name names it in the
 * status line (NULL: derived from spec). */
void         visage_live_page_set_source       (VisageLivePage *self,
                                                const char     *spec,
                                                const char     *display_name);
const char  *visage_live_page_get_source       (VisageLivePage *self);

/* The camera went away: stop it and say so until set_source() again. */
void         visage_live_page_show_disconnected (VisageLivePage *self);
/* spec names a camera ("device:ID") this computer never had: stop and say
 * so, with the way forward (another camera if other_cameras, else a video
 * file) as the main button. */
void         visage_live_page_show_camera_not_found (VisageLivePage *self,
                                                     const char     *spec,
                                                     gboolean        other_cameras);

/* The gallery to match against (NULL: nobody). The hint "no one enrolled"
 * shows while it is empty. */
void         visage_live_page_set_gallery      (VisageLivePage *self,
                                                VsGallery      *gallery);
/* The same without these people (gint64 ids; NULL or empty: nobody left
 * out), e.g. those waiting in the undo toast to be deleted. The copy is
 * made on a worker thread (a gallery of 50,000 samples is 25 MB); the
 * newest request wins. */
void         visage_live_page_set_gallery_without (VisageLivePage *self,
                                                   VsGallery      *gallery,
                                                   GArray         *person_ids);

/* The recognizer's embedder id (load galleries for it), NULL when the models
 * failed to load. */
const char  *visage_live_page_get_embedder     (VisageLivePage *self);

/* The faces on screen now (never NULL). */
VsLiveModel *visage_live_page_get_live_model   (VisageLivePage *self);
/* The camera's frames, or NULL without a camera. Transfer none. */
VsFramePaintable *visage_live_page_get_paintable (VisageLivePage *self);
/* The face boxes stacked over the picture. Transfer none. */
VsFaceOverlay    *visage_live_page_get_face_overlay (VisageLivePage *self);

/* Signals: "retry": the person asked to try again (no camera / error);
 * "recognized" (gint64 person_id, const char *name): a face was first
 * decided to be this person (once per track and person).
 *
 * What the page shows. Property "state", notified. */
VisageLiveState visage_live_page_get_state     (VisageLivePage *self);

/* Where recognition is: STARTING while the recognizer loads its models on
 * its own thread (the status line says "Starting…"), RUNNING, or FAILED
 * (the hint says why; the picture still shows). Property "recognition",
 * notified. */
VsRecognizerState visage_live_page_get_recognition (VisageLivePage *self);

/* The text of the status line and of the last announcement (for tests). */
char        *visage_live_page_dup_status_text  (VisageLivePage *self);
const char  *visage_live_page_get_announcement (VisageLivePage *self);

G_END_DECLS

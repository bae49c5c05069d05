/* visage-session.h: what the windows on one database share. The application
 * owns one session per database (visage_application_dup_session()); every
 * window on that database, and the enrollment windows it opens, get it as a
 * construct-only "session" property and take the state below from it, never
 * from each other.
 *
 * A session holds: the typed settings (GSettings, app-wide), the store
 * (VsStore) and its gallery monitor (VsGalleryMonitor: one per database,
 * whatever the number of windows), the people model (VsPeopleModel: the
 * People pages list it, the enrollment windows check names against it), the
 * device list (vs_devices_get_default()), the models folder and the
 * embedder (the engine factory: a VsEngine for a worker, loaded on that
 * worker), and one VsCamera per source, which runs only while someone looks
 * at it (visage_session_look_at()).
 *
 * Main thread, except where said.
 */
#pragma once

#include <gio/gio.h>

#include "vs-camera.h"
#include "vs-devices.h"
#include "vs-engine.h"
#include "vs-gallery-monitor.h"
#include "vs-people-model.h"
#include "vs-store.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_SESSION (visage_session_get_type ())
G_DECLARE_FINAL_TYPE (VisageSession, visage_session, VISAGE, SESSION, GObject)

/* settings: the app's; db_path NULL: the user's database; models_dir NULL:
 * found as vs_models_find_dir() does; embedder NULL: the database's, else
 * the default. Opening the store may fail: the session then has no store
 * and says why (visage_session_get_store_error()). */
VisageSession    *visage_session_new                (GSettings     *settings,
                                                     const char    *db_path,
                                                     const char    *models_dir,
                                                     const char    *embedder);

GSettings        *visage_session_get_settings       (VisageSession *self);
const char       *visage_session_get_db_path        (VisageSession *self);
/* NULL when the database could not be opened: see get_store_error(). */
VsStore          *visage_session_get_store          (VisageSession *self);
const char       *visage_session_get_store_error    (VisageSession *self);
/* NULL without a store or when the gallery could not be read. */
VsGalleryMonitor *visage_session_get_gallery_monitor (VisageSession *self);
VsDevices        *visage_session_get_devices        (VisageSession *self);
/* The people of the store, kept in step with it (loaded on first call);
 * NULL without a store. Shared by every window on the database. */
VsPeopleModel    *visage_session_get_people_model   (VisageSession *self);

/* The engine factory's inputs (any thread: set once at construction). */
const char       *visage_session_get_models_dir     (VisageSession *self);
const char       *visage_session_get_embedder       (VisageSession *self);
/* Any thread: loads a detector and embedder for the caller's own use. Slow
 * (hundreds of ms): call it on the worker that will use the engine. */
VsEngine         *visage_session_new_engine         (VisageSession *self,
                                                     GError       **error);

/* The one camera for spec ("test", "file:PATH", "images:DIR",
 * "device:ID"), created on first use and shared while anyone holds it:
 * a device cannot stream to two pipelines. Not started: it runs while
 * someone looks at it. Fails only when spec is not understood. */
VsCamera         *visage_session_dup_camera         (VisageSession *self,
                                                     const char    *spec,
                                                     GError       **error);
/* The camera of spec if someone holds it, else NULL. Transfer none. */
VsCamera         *visage_session_lookup_camera      (VisageSession *self,
                                                     const char    *spec);
/* looker (any pointer, e.g. a widget) starts or stops looking at camera:
 * the camera starts with its first looker and stops (pipeline freed, light
 * off) when the last one looks away. Each looker counts once. */
void              visage_session_look_at            (VisageSession *self,
                                                     VsCamera      *camera,
                                                     gconstpointer  looker);
void              visage_session_look_away          (VisageSession *self,
                                                     VsCamera      *camera,
                                                     gconstpointer  looker);

/* Guided capture (the enrollment window) wants the cores: the live views
 * pause recognition while it runs. Counted; property "capturing". */
void              visage_session_begin_capture      (VisageSession *self);
void              visage_session_end_capture        (VisageSession *self);
gboolean          visage_session_get_capturing      (VisageSession *self);

G_END_DECLS

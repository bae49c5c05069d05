/* visage-live-page.c
 *
 * Wiring: the camera's frame function pushes recognition frames to the
 * recognizer (any thread, newest frame wins); the recognizer updates its live
 * model on the main thread; the face overlay draws that model over the
 * picture. The page only follows states and figures.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-application.h"
#include "visage-live-page.h"
#include "visage-session.h"
#include "vs-camera.h"
#include "vs-recognizer.h"

/* How long "NAME recognized" stays in the status line. */
#define ANNOUNCEMENT_SECONDS 6
#define STATUS_INTERVAL_MS   500

struct _VisageLivePage
{
  GtkWidget       parent_instance;

  gpointer        gallery_request;  /* the newest set_gallery_without() on a worker */
  VisageLiveState state;            /* which page of the stack shows */

  /* Template children */
  GtkStack       *stack;
  GtkSpinner     *spinner;
  GtkPicture     *picture;
  VsFaceOverlay  *face_overlay;
  GtkRevealer    *hint_revealer;
  GtkLabel       *hint_label;
  GtkLabel       *camera_label;
  GtkLabel       *announce_label;
  GtkLabel       *people_label;
  GtkLabel       *faces_label;
  GtkLabel       *camera_fps_label;
  GtkLabel       *recognition_fps_label;
  GtkLabel       *latency_label;
  AdwStatusPage  *error_page;
  GtkWidget      *error_open_video_button;
  GtkWidget      *error_open_folder_button;
  GtkWidget      *error_retry_button;
  AdwStatusPage  *camera_not_found_page;
  GtkWidget      *not_found_choose_button;
  GtkWidget      *not_found_open_button;

  GSettings      *settings;
  double          images_fps;        /* --fps, 0: the setting */

  VsRecognizer   *recognizer;        /* NULL when the models failed */
  char           *recognizer_error;
  VsLiveModel    *empty_model;       /* the live model without recognizer */
  VsGallery      *gallery;
  GHashTable     *announced;         /* track id → person id announced */
  char           *announcement;

  VisageSession  *session;           /* the cameras come from there */
  VsCamera       *camera;            /* the session's, shared */
  guint           tap_id;            /* our frames of it, for the recognizer */
  gboolean        looking;           /* shown: the camera runs for us */
  GdkSurface     *surface;           /* our toplevel's, while mapped: minimised? */
  VsFramePaintable *paintable;       /* the camera's frames, while there is a camera */
  char           *source;
  char           *display_name;

  guint           status_source;
  guint           announce_source;
};

G_DEFINE_FINAL_TYPE (VisageLivePage, visage_live_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATE,
  PROP_RECOGNITION,
  N_PROPS
};

enum {
  RETRY,
  RECOGNIZED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_ENUM_TYPE (VisageLiveState, visage_live_state,
                    G_DEFINE_ENUM_VALUE (VISAGE_LIVE_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (VISAGE_LIVE_STATE_VIDEO, "video"),
                    G_DEFINE_ENUM_VALUE (VISAGE_LIVE_STATE_NO_CAMERA, "no-camera"),
                    G_DEFINE_ENUM_VALUE (VISAGE_LIVE_STATE_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (VISAGE_LIVE_STATE_CAMERA_NOT_FOUND, "camera-not-found"),
                    G_DEFINE_ENUM_VALUE (VISAGE_LIVE_STATE_ERROR, "error"))

/* The stack's page for each state (ui/visage-live-page.ui). */
static const char * const state_pages[] = {
  [VISAGE_LIVE_STATE_STARTING]         = "starting",
  [VISAGE_LIVE_STATE_VIDEO]            = "video",
  [VISAGE_LIVE_STATE_NO_CAMERA]        = "no-camera",
  [VISAGE_LIVE_STATE_DISCONNECTED]     = "disconnected",
  [VISAGE_LIVE_STATE_CAMERA_NOT_FOUND] = "camera-not-found",
  [VISAGE_LIVE_STATE_ERROR]            = "error",
};

static void
set_state (VisageLivePage  *self,
           VisageLiveState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, state_pages[state]);
  gtk_spinner_set_spinning (self->spinner, state == VISAGE_LIVE_STATE_STARTING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Over the picture: why nobody can be named, if so. */
static void
update_hint (VisageLivePage *self)
{
  if (self->recognizer == NULL && self->recognizer_error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Face recognition is unavailable: %s"),
                                               self->recognizer_error);

      gtk_label_set_label (self->hint_label, text);
      gtk_revealer_set_reveal_child (self->hint_revealer, TRUE);
      return;
    }

  gtk_label_set_label (self->hint_label, _("No one is enrolled yet: add a person with the + button (Ctrl+N)"));
  /* No gallery yet is not an empty one: it is still being read. */
  gtk_revealer_set_reveal_child (self->hint_revealer,
                                 self->recognizer != NULL && self->gallery != NULL &&
                                 vs_gallery_get_n_people (self->gallery) == 0);
}

/* Who is in front of the camera, as the desk wants to know it: the names,
 * then how many are unknown or still being identified. n_boxes: the boxes
 * drawn now (0 when they are stale). */
static char *
describe_people (GListModel *model,
                 guint       n_boxes)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_unknown = 0, n_identifying = 0;

  if (n_boxes == 0)
    return g_strdup (_("No one in view"));

  for (guint i = 0; i < n_boxes; i++)
    {
      g_autoptr(VsTrack) track = g_list_model_get_item (model, i);

      switch (vs_track_get_state (track))
        {
        case VS_TRACK_KNOWN:
          if (text->len > 0)
            g_string_append (text, ", ");
          g_string_append (text, vs_track_get_name (track));
          break;
        case VS_TRACK_UNKNOWN:
          n_unknown++;
          break;
        case VS_TRACK_IDENTIFYING:
        default:
          n_identifying++;
          break;
        }
    }
  if (n_unknown > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: people in view that nobody enrolled */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u unknown", "%u unknown", n_unknown),
                              n_unknown);
    }
  if (n_identifying > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: faces in view that are still being recognized */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u being identified",
                                                "%u being identified", n_identifying),
                              n_identifying);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_status (VisageLivePage *self)
{
  VsLiveModel *model = visage_live_page_get_live_model (self);
  guint n_faces = 0;
  g_autofree char *faces = NULL;
  g_autofree char *people = NULL;
  g_autofree char *camera_fps = NULL;

  gtk_label_set_label (self->camera_label,
                       self->display_name ? self->display_name : "");

  /* What is drawn, not what the model holds: stale boxes are not drawn. */
  if (self->paintable != NULL)
    n_faces = vs_face_overlay_get_n_boxes (self->face_overlay);
  faces = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u face", "%u faces", n_faces), n_faces);
  gtk_label_set_label (self->faces_label, faces);
  people = describe_people (G_LIST_MODEL (model), n_faces);
  gtk_label_set_label (self->people_label, people);

  /* Translators: frames per second shown on screen */
  camera_fps = g_strdup_printf (_("Video %.1f fps"),
                                self->camera ? vs_camera_get_display_fps (self->camera) : 0.0);
  gtk_label_set_label (self->camera_fps_label, camera_fps);

  if (self->recognizer != NULL &&
      vs_recognizer_get_state (self->recognizer) == VS_RECOGNIZER_STATE_STARTING)
    {
      /* The models are loading on the recognizer's worker: no count of
       * faces yet, rather than a "0 faces" that is not true. */
      gtk_label_set_label (self->faces_label, _("Starting…"));
      gtk_label_set_label (self->people_label, "");
      gtk_label_set_label (self->recognition_fps_label, _("Recognition starting…"));
      gtk_widget_set_visible (GTK_WIDGET (self->latency_label), FALSE);
    }
  else if (self->recognizer != NULL)
    {
      VsRecognizerStats stats;
      g_autofree char *recognition = NULL;
      g_autofree char *latency = NULL;

      vs_recognizer_get_stats (self->recognizer, &stats);
      /* Translators: frames per second the face recognition processes */
      recognition = g_strdup_printf (_("Recognition %.1f fps"), stats.recognition_fps);
      gtk_label_set_label (self->recognition_fps_label, recognition);

      if (stats.latency_count > 0)
        /* Translators: time from a camera frame to its boxes on screen */
        latency = g_strdup_printf (_("Latency %.0f ms"), stats.latency_p50_ms);
      else
        latency = g_strdup (_("Latency –"));
      gtk_label_set_label (self->latency_label, latency);
      gtk_widget_set_visible (GTK_WIDGET (self->latency_label), TRUE);
    }
  else
    {
      gtk_label_set_label (self->recognition_fps_label, _("Recognition unavailable"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->recognition_fps_label), self->recognizer_error);
      gtk_widget_set_visible (GTK_WIDGET (self->latency_label), FALSE);
    }
}

static gboolean
status_timeout_cb (gpointer user_data)
{
  update_status (VISAGE_LIVE_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
start_status_updates (VisageLivePage *self)
{
  if (self->status_source == 0)
    self->status_source = g_timeout_add (STATUS_INTERVAL_MS, status_timeout_cb, self);
  update_status (self);
}

static gboolean
announce_timeout_cb (gpointer user_data)
{
  VisageLivePage *self = VISAGE_LIVE_PAGE (user_data);

  self->announce_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->announce_label), FALSE);
  return G_SOURCE_REMOVE;
}

/* GTK 4.8 has no gtk_accessible_announce(): the label has the ALERT role and
 * is shown anew for every announcement, which screen readers present
 * (object:state-changed:showing of an alert). Sighted people see it in the
 * status line too. */
static void
announce (VisageLivePage *self,
          const char     *text)
{
  g_free (self->announcement);
  self->announcement = g_strdup (text);

  gtk_widget_set_visible (GTK_WIDGET (self->announce_label), FALSE);
  gtk_label_set_label (self->announce_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->announce_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
  gtk_widget_set_visible (GTK_WIDGET (self->announce_label), TRUE);

  g_clear_handle_id (&self->announce_source, g_source_remove);
  self->announce_source = g_timeout_add_seconds (ANNOUNCEMENT_SECONDS, announce_timeout_cb, self);
}

static void
track_decided_cb (VisageLivePage *self,
                  guint           track_id,
                  VsTrackState    state,
                  gint64          person_id,
                  const char     *name,
                  float           score,
                  VsRecognizer   *recognizer)
{
  g_autofree char *text = NULL;
  gint64 *announced;

  if (state != VS_TRACK_KNOWN || name == NULL)
    return;

  /* Once per track and person: a face that stays in view is not announced
   * again, but one that turns out to be someone else is. */
  announced = g_hash_table_lookup (self->announced, GUINT_TO_POINTER (track_id));
  if (announced != NULL && *announced == person_id)
    return;
  g_hash_table_insert (self->announced, GUINT_TO_POINTER (track_id),
                       g_memdup2 (&person_id, sizeof person_id));

  /* Translators: said by the screen reader and shown in the status line */
  text = g_strdup_printf (_("%s recognized"), name);
  announce (self, text);

  g_signal_emit (self, signals[RECOGNIZED], 0, person_id, name);
}

static void
track_removed_cb (VisageLivePage *self,
                  guint           track_id,
                  VsRecognizer   *recognizer)
{
  g_hash_table_remove (self->announced, GUINT_TO_POINTER (track_id));
}

static void
apply_match_threshold (VisageLivePage *self)
{
  VsMatchParams params;

  if (self->recognizer == NULL)
    return;

  /* An unknown embedder keeps the recognizer's own parameters. */
  if (visage_match_params_from_settings (self->settings,
                                         vs_recognizer_get_embedder (self->recognizer),
                                         &params))
    vs_recognizer_set_match_params (self->recognizer, &params);
}

static void
apply_images_fps (VisageLivePage *self)
{
  double fps = self->images_fps;

  if (self->camera == NULL || !g_str_has_prefix (self->source, "images:"))
    return;

  if (fps <= 0)
    fps = g_settings_get_double (self->settings, "images-fps");
  /* The setting is the slideshow's speed; the camera filming it runs at a
   * camera's rate whatever that speed. */
  vs_camera_set_hold (self->camera, 1.0 / fps);
  vs_camera_set_fps (self->camera, MAX (fps, VS_CAMERA_IMAGES_FPS));
}

static void
settings_changed_cb (VisageLivePage *self,
                     const char     *key,
                     GSettings      *settings)
{
  if (g_str_equal (key, "match-threshold") || g_str_equal (key, "match-strictness"))
    apply_match_threshold (self);
  else if (g_str_equal (key, "images-fps"))
    apply_images_fps (self);
}

/* The title says what failed in the words of the source chosen. */
static const char *
error_title_for (const char   *source,
                 const GError *error)
{
  gboolean file = source != NULL && g_str_has_prefix (source, "file:");
  gboolean images = source != NULL && g_str_has_prefix (source, "images:");

  if (g_error_matches (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_FOUND))
    return images ? _("Folder Not Found") : _("Video File Not Found");
  if (g_error_matches (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_VIDEO))
    return _("Not a Video");
  if (g_error_matches (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NO_PICTURES))
    return _("No Pictures in the Folder");
  if (file)
    return _("Cannot Play the Video");
  if (images)
    return _("Cannot Show the Pictures");
  if (source != NULL && g_str_has_prefix (source, "device:"))
    return _("Cannot Use the Camera");
  return _("The Video Stopped");
}

static void
set_suggested (GtkWidget *button,
               gboolean   suggested)
{
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  else
    gtk_widget_remove_css_class (button, "suggested-action");
}

/* The way forward is the blue button: another file when this one cannot
 * be played (retrying changes nothing), Retry when the trouble may pass. */
static void
show_error (VisageLivePage *self,
            const GError   *error)
{
  gboolean images = self->source != NULL && g_str_has_prefix (self->source, "images:");
  gboolean wrong_source = error != NULL && error->domain == VS_CAMERA_ERROR &&
                          (error->code == VS_CAMERA_ERROR_NOT_FOUND ||
                           error->code == VS_CAMERA_ERROR_NOT_VIDEO ||
                           error->code == VS_CAMERA_ERROR_NO_PICTURES ||
                           error->code == VS_CAMERA_ERROR_MISSING_PLUGIN ||
                           error->code == VS_CAMERA_ERROR_INVALID_SOURCE);
  gboolean hopeless = g_error_matches (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_NOT_VIDEO) ||
                      g_error_matches (error, VS_CAMERA_ERROR, VS_CAMERA_ERROR_INVALID_SOURCE);
  GtkWidget *open_other = images ? self->error_open_folder_button : self->error_open_video_button;

  adw_status_page_set_title (self->error_page, error_title_for (self->source, error));
  adw_status_page_set_description (self->error_page,
                                   error ? error->message : _("The video stopped for an unknown reason."));

  gtk_widget_set_visible (self->error_open_folder_button, images);
  gtk_widget_set_visible (self->error_open_video_button, !images);
  gtk_widget_set_visible (self->error_retry_button, !hopeless);
  set_suggested (open_other, wrong_source);
  set_suggested (self->error_retry_button, !wrong_source);
  /* The blue button comes first. */
  gtk_box_reorder_child_after (GTK_BOX (gtk_widget_get_parent (open_other)),
                               self->error_retry_button, wrong_source ? open_other : NULL);
  set_state (self, VISAGE_LIVE_STATE_ERROR);
}

static void
camera_state_changed_cb (VisageLivePage *self,
                         GParamSpec     *pspec,
                         VsCamera       *camera)
{
  const GError *error = vs_camera_get_error (camera);

  switch (vs_camera_get_state (camera))
    {
    case VS_CAMERA_STATE_STARTING:
      /* Started again after nobody looked: the last picture stays until
       * the next one, rather than a spinner. */
      if (self->state != VISAGE_LIVE_STATE_VIDEO)
        set_state (self, VISAGE_LIVE_STATE_STARTING);
      break;

    case VS_CAMERA_STATE_PLAYING:
      set_state (self, VISAGE_LIVE_STATE_VIDEO);
      start_status_updates (self);
      break;

    case VS_CAMERA_STATE_DISCONNECTED:
      set_state (self, VISAGE_LIVE_STATE_DISCONNECTED);
      break;

    case VS_CAMERA_STATE_ERROR:
      show_error (self, error);
      break;

    case VS_CAMERA_STATE_STOPPED:
    default:
      break;
    }
}

static void
camera_error_cb (VisageLivePage *self,
                 const GError   *error,
                 VsCamera       *camera)
{
  g_debug ("Camera %s: %s", vs_camera_get_source (camera), error->message);
  camera_state_changed_cb (self, NULL, camera);
}

static void
camera_display_name_cb (VisageLivePage *self,
                        GParamSpec     *pspec,
                        VsCamera       *camera)
{
  const char *name = vs_camera_get_display_name (camera);

  if (name != NULL && *name != '\0')
    {
      g_free (self->display_name);
      self->display_name = g_strdup (name);
      update_status (self);
    }
}

/* Streaming thread: the recognizer keeps only the newest frame. */
static void
camera_frame_cb (VsImage  *frame,
                 gint64    capture_time_us,
                 guint64   frame_number,
                 gpointer  data)
{
  vs_recognizer_push_frame (VS_RECOGNIZER (data), frame, capture_time_us, frame_number);
}

/* Recognition works only for a picture someone sees, and gives the cores to
 * guided capture (the enrollment window) while it runs. */
static void
update_paused (VisageLivePage *self)
{
  gboolean capturing = self->session != NULL && visage_session_get_capturing (self->session);

  if (self->recognizer != NULL)
    vs_recognizer_set_paused (self->recognizer, !self->looking || capturing);
}

static gboolean
is_minimized (VisageLivePage *self)
{
  return self->surface != NULL && GDK_IS_TOPLEVEL (self->surface) &&
         (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0;
}

/* The camera runs while someone looks at it (the session counts): this page
 * looks while it is on screen, i.e. mapped (its window shown, the Live page
 * the visible one) and its window not minimised. */
static void
update_looking (VisageLivePage *self)
{
  gboolean looking = gtk_widget_get_mapped (GTK_WIDGET (self)) && !is_minimized (self);

  if (self->camera != NULL && self->session != NULL && looking != self->looking)
    {
      if (looking)
        visage_session_look_at (self->session, self->camera, self);
      else
        visage_session_look_away (self->session, self->camera, self);
    }
  if (looking != self->looking)
    g_debug ("Live page %s", looking ? "shown: camera on" : "not shown: camera off");
  self->looking = looking;
  update_paused (self);
}

static void
stop_camera (VisageLivePage *self)
{
  g_clear_handle_id (&self->status_source, g_source_remove);

  if (self->camera == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->camera, self);
  vs_camera_remove_frame_tap (self->camera, self->tap_id);
  self->tap_id = 0;
  /* Stops it, unless the enrollment window looks at it too. */
  if (self->looking)
    visage_session_look_away (self->session, self->camera, self);
  gtk_picture_set_paintable (self->picture, NULL);
  vs_face_overlay_set_paintable (self->face_overlay, NULL);
  g_clear_object (&self->paintable);
  g_clear_object (&self->camera);

  vs_live_model_clear (visage_live_page_get_live_model (self));
}



void
visage_live_page_set_source (VisageLivePage *self,
                             const char     *spec,
                             const char     *display_name)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VISAGE_IS_LIVE_PAGE (self));

  stop_camera (self);

  g_free (self->source);
  self->source = g_strdup (spec);
  g_free (self->display_name);
  self->display_name = g_strdup (display_name);

  if (spec == NULL)
    {
      set_state (self, VISAGE_LIVE_STATE_NO_CAMERA);
      return;
    }

  g_return_if_fail (VISAGE_IS_SESSION (self->session));
  self->camera = visage_session_dup_camera (self->session, spec, &error);
  if (self->camera == NULL)
    {
      show_error (self, error);
      return;
    }

  if (self->display_name == NULL)
    self->display_name = g_strdup (vs_camera_get_display_name (self->camera));

  if (self->recognizer != NULL)
    {
      /* Another picture altogether: no face of the old one carries over. */
      vs_recognizer_reset (self->recognizer);
      /* A tap, not the frame function: another window on the same source
       * shares this camera. */
      self->tap_id = vs_camera_add_frame_tap (self->camera, camera_frame_cb,
                                              g_object_ref (self->recognizer), g_object_unref);
    }

  self->paintable = vs_frame_paintable_new ();
  vs_frame_paintable_set_camera (self->paintable, self->camera);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->paintable));
  vs_face_overlay_set_paintable (self->face_overlay, self->paintable);
  vs_face_overlay_set_tracks (self->face_overlay, G_LIST_MODEL (visage_live_page_get_live_model (self)));

  apply_images_fps (self);

  g_signal_connect_object (self->camera, "notify::state",
                           G_CALLBACK (camera_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->camera, "notify::display-name",
                           G_CALLBACK (camera_display_name_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->camera, "error",
                           G_CALLBACK (camera_error_cb), self,
                           G_CONNECT_SWAPPED);

  set_state (self, VISAGE_LIVE_STATE_STARTING);
  /* Started if this page is on screen (else once it is), or already
   * running for the enrollment window. */
  if (self->looking)
    visage_session_look_at (self->session, self->camera, self);
  camera_state_changed_cb (self, NULL, self->camera);
}

void
visage_live_page_set_session (VisageLivePage *self,
                              VisageSession  *session)
{
  g_return_if_fail (VISAGE_IS_LIVE_PAGE (self));
  g_return_if_fail (VISAGE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::capturing",
                           G_CALLBACK (update_paused), self, G_CONNECT_SWAPPED);
}

const char *
visage_live_page_get_source (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), NULL);

  return self->source;
}

void
visage_live_page_show_disconnected (VisageLivePage *self)
{
  g_return_if_fail (VISAGE_IS_LIVE_PAGE (self));

  stop_camera (self);
  set_state (self, VISAGE_LIVE_STATE_DISCONNECTED);
}

void
visage_live_page_show_camera_not_found (VisageLivePage *self,
                                        const char     *spec,
                                        gboolean        other_cameras)
{
  g_autofree char *description = NULL;
  const char *id;

  g_return_if_fail (VISAGE_IS_LIVE_PAGE (self));
  g_return_if_fail (spec != NULL);

  stop_camera (self);
  g_free (self->source);
  self->source = g_strdup (spec);

  id = g_str_has_prefix (spec, "device:") ? spec + strlen ("device:") : spec;
  if (other_cameras)
    /* Translators: %s is a camera id such as /dev/video2 */
    description = g_strdup_printf (_("This computer has no camera “%s”. Choose one of its cameras, "
                                     "or open a video file."), id);
  else
    description = g_strdup_printf (_("This computer has no camera “%s”, and no other camera is "
                                     "connected. Connect one, or open a video file."), id);
  adw_status_page_set_description (self->camera_not_found_page, description);
  /* With no camera at all, a video file is the way forward. */
  gtk_widget_set_visible (self->not_found_choose_button, other_cameras);
  set_suggested (self->not_found_choose_button, other_cameras);
  set_suggested (self->not_found_open_button, !other_cameras);
  set_state (self, VISAGE_LIVE_STATE_CAMERA_NOT_FOUND);
}

void
visage_live_page_set_gallery (VisageLivePage *self,
                              VsGallery      *gallery)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VISAGE_IS_LIVE_PAGE (self));

  if (gallery != NULL)
    vs_gallery_ref (gallery);
  g_clear_pointer (&self->gallery, vs_gallery_unref);
  self->gallery = gallery;

  if (self->recognizer != NULL &&
      !vs_recognizer_set_gallery (self->recognizer, gallery, &error))
    g_warning ("Cannot match against the people enrolled: %s", error->message);

  update_hint (self);
}

typedef struct {
  VsGallery *gallery;
  GArray    *ids;
} Without;

static void
without_free (Without *without)
{
  vs_gallery_unref (without->gallery);
  g_array_unref (without->ids);
  g_free (without);
}

static void
copy_without_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Without *without = task_data;

  g_task_return_pointer (task,
                         vs_gallery_copy_without (without->gallery, (const gint64 *) without->ids->data,
                                                  without->ids->len),
                         (GDestroyNotify) vs_gallery_unref);
}

static void
copied_without_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VisageLivePage *self = VISAGE_LIVE_PAGE (source);
  g_autoptr(VsGallery) gallery = g_task_propagate_pointer (G_TASK (result), NULL);

  /* A newer request (or none) replaced this one meanwhile. */
  if (gallery == NULL || g_task_get_task_data (G_TASK (result)) != self->gallery_request)
    return;
  self->gallery_request = NULL;
  visage_live_page_set_gallery (self, gallery);
}

void
visage_live_page_set_gallery_without (VisageLivePage *self,
                                      VsGallery      *gallery,
                                      GArray         *person_ids)
{
  g_autoptr(GTask) task = NULL;
  Without *without;

  g_return_if_fail (VISAGE_IS_LIVE_PAGE (self));

  if (gallery == NULL || person_ids == NULL || person_ids->len == 0)
    {
      self->gallery_request = NULL;
      visage_live_page_set_gallery (self, gallery);
      return;
    }

  without = g_new0 (Without, 1);
  without->gallery = vs_gallery_ref (gallery);
  without->ids = g_array_ref (person_ids);
  /* Compared, never dereferenced: which request is the newest. */
  self->gallery_request = without;
  task = g_task_new (self, NULL, copied_without_cb, NULL);
  g_task_set_name (task, "[visage] gallery without staged people");
  g_task_set_task_data (task, without, (GDestroyNotify) without_free);
  g_task_run_in_thread (task, copy_without_thread);
}

const char *
visage_live_page_get_embedder (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), NULL);

  return self->recognizer ? vs_recognizer_get_embedder (self->recognizer) : NULL;
}

VsLiveModel *
visage_live_page_get_live_model (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), NULL);

  if (self->recognizer != NULL)
    return vs_recognizer_get_model (self->recognizer);

  if (self->empty_model == NULL)
    self->empty_model = vs_live_model_new ();
  return self->empty_model;
}

VisageLiveState
visage_live_page_get_state (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), VISAGE_LIVE_STATE_STARTING);

  return self->state;
}

char *
visage_live_page_dup_status_text (VisageLivePage *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), NULL);

  update_status (self);
  for (GtkWidget *child = gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (self->camera_label)));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      /* An empty label (the names while starting) shows nothing. */
      if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child) &&
          *gtk_label_get_label (GTK_LABEL (child)) != '\0')
        {
          if (text->len > 0)
            g_string_append (text, " · ");
          g_string_append (text, gtk_label_get_label (GTK_LABEL (child)));
        }
    }

  return g_string_free (text, FALSE);
}

VsFramePaintable *
visage_live_page_get_paintable (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), NULL);

  return self->paintable;
}

VsFaceOverlay *
visage_live_page_get_face_overlay (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), NULL);

  return self->face_overlay;
}

const char *
visage_live_page_get_announcement (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), NULL);

  return self->announcement;
}

/* The recognizer's models are loaded, or could not be: in that case the
 * picture still shows, recognition is what is missing (as without a
 * recognizer at all). */
static void
recognizer_state_cb (VisageLivePage *self,
                     GParamSpec     *pspec,
                     VsRecognizer   *recognizer)
{
  if (vs_recognizer_get_state (recognizer) == VS_RECOGNIZER_STATE_FAILED)
    {
      const GError *error = vs_recognizer_get_error (recognizer);

      g_warning ("Face recognition is unavailable: %s", error->message);
      g_free (self->recognizer_error);
      self->recognizer_error = g_strdup (error->message);
      if (self->camera != NULL && self->tap_id != 0)
        vs_camera_remove_frame_tap (self->camera, self->tap_id);
      self->tap_id = 0;
      g_signal_handlers_disconnect_by_data (recognizer, self);
      vs_recognizer_stop (recognizer);
      g_clear_object (&self->recognizer);
      vs_face_overlay_set_tracks (self->face_overlay,
                                  G_LIST_MODEL (visage_live_page_get_live_model (self)));
    }
  update_hint (self);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOGNITION]);
}

VsRecognizerState
visage_live_page_get_recognition (VisageLivePage *self)
{
  g_return_val_if_fail (VISAGE_IS_LIVE_PAGE (self), VS_RECOGNIZER_STATE_FAILED);

  if (self->recognizer != NULL)
    return vs_recognizer_get_state (self->recognizer);
  return self->recognizer_error != NULL ? VS_RECOGNIZER_STATE_FAILED
                                        : VS_RECOGNIZER_STATE_STARTING;
}

void
visage_live_page_configure (VisageLivePage *self,
                            GSettings      *settings,
                            const char     *models_dir,
                            const char     *embedder,
                            double          images_fps)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VISAGE_IS_LIVE_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  self->images_fps = images_fps;
  g_signal_connect_object (settings, "changed",
                           G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_settings_bind (settings, "show-scores", self->face_overlay, "show-scores", G_SETTINGS_BIND_GET);

  self->recognizer = vs_recognizer_new (models_dir, embedder, &error);
  if (self->recognizer == NULL)
    {
      /* The picture still shows: recognition is what is missing. */
      g_warning ("Face recognition is unavailable: %s", error->message);
      self->recognizer_error = g_strdup (error->message);
      update_hint (self);
      return;
    }

  /* The models load on the recognizer's worker: "Starting…" until then. */
  g_signal_connect_object (self->recognizer, "notify::state",
                           G_CALLBACK (recognizer_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recognizer, "track-decided",
                           G_CALLBACK (track_decided_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recognizer, "track-removed",
                           G_CALLBACK (track_removed_cb), self,
                           G_CONNECT_SWAPPED);
  /* The count and names follow every change of the boxes. */
  g_signal_connect_object (self->recognizer, "results",
                           G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  apply_match_threshold (self);
  update_paused (self);
  update_hint (self);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  g_signal_emit (widget, signals[RETRY], 0);
}

static void
visage_live_page_dispose (GObject *object)
{
  VisageLivePage *self = VISAGE_LIVE_PAGE (object);

  stop_camera (self);
  g_clear_handle_id (&self->announce_source, g_source_remove);
  if (self->recognizer != NULL)
    {
      /* Its last results may still arrive: not here any more. */
      g_signal_handlers_disconnect_by_data (self->recognizer, self);
      vs_recognizer_stop_in_background (self->recognizer);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_LIVE_PAGE);

  g_clear_object (&self->recognizer);
  g_clear_object (&self->empty_model);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_pointer (&self->gallery, vs_gallery_unref);

  G_OBJECT_CLASS (visage_live_page_parent_class)->dispose (object);
}

static void
visage_live_page_finalize (GObject *object)
{
  VisageLivePage *self = VISAGE_LIVE_PAGE (object);

  g_clear_pointer (&self->announced, g_hash_table_unref);
  g_clear_pointer (&self->announcement, g_free);
  g_clear_pointer (&self->recognizer_error, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (visage_live_page_parent_class)->finalize (object);
}

static void
visage_live_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VisageLivePage *self = VISAGE_LIVE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_RECOGNITION:
      g_value_set_enum (value, visage_live_page_get_recognition (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_live_page_map (GtkWidget *widget)
{
  VisageLivePage *self = VISAGE_LIVE_PAGE (widget);
  GtkNative *native;

  GTK_WIDGET_CLASS (visage_live_page_parent_class)->map (widget);

  /* GTK keeps a minimised window mapped: its surface says so. */
  native = gtk_widget_get_native (widget);
  self->surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  if (self->surface != NULL)
    g_signal_connect_object (self->surface, "notify::state",
                             G_CALLBACK (update_looking), self, G_CONNECT_SWAPPED);
  update_looking (self);
}

static void
visage_live_page_unmap (GtkWidget *widget)
{
  VisageLivePage *self = VISAGE_LIVE_PAGE (widget);

  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_func (self->surface, update_looking, self);
  self->surface = NULL;

  GTK_WIDGET_CLASS (visage_live_page_parent_class)->unmap (widget);
  update_looking (self);
}

static void
visage_live_page_class_init (VisageLivePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->map = visage_live_page_map;
  widget_class->unmap = visage_live_page_unmap;

  object_class->dispose = visage_live_page_dispose;
  object_class->finalize = visage_live_page_finalize;
  object_class->get_property = visage_live_page_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       VISAGE_TYPE_LIVE_STATE, VISAGE_LIVE_STATE_STARTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECOGNITION] =
    g_param_spec_enum ("recognition", NULL, NULL,
                       VS_TYPE_RECOGNIZER_STATE, VS_RECOGNIZER_STATE_STARTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RETRY] =
    g_signal_new ("retry",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[RECOGNIZED] =
    g_signal_new ("recognized",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  g_type_ensure (VS_TYPE_FACE_OVERLAY);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-live-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, stack);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, picture);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, face_overlay);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, hint_revealer);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, camera_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, announce_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, people_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, faces_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, camera_fps_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, recognition_fps_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, latency_label);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, error_open_video_button);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, error_open_folder_button);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, error_retry_button);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, camera_not_found_page);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, not_found_choose_button);
  gtk_widget_class_bind_template_child (widget_class, VisageLivePage, not_found_open_button);

  gtk_widget_class_install_action (widget_class, "live.retry", NULL, retry_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
visage_live_page_init (VisageLivePage *self)
{
  self->announced = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->state = VISAGE_LIVE_STATE_STARTING;
  gtk_stack_set_visible_child_name (self->stack, state_pages[self->state]);
}

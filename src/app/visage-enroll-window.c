/* visage-enroll-window.c
 *
 * The window watches the VisageSession's camera of the main window's source
 * (the live view's own, since a device cannot be opened twice: it runs while
 * this window looks at it) and feeds a VsEnrollSession, which does all the
 * work off the main thread; this file only shows what the session says.
 * Store, settings and models come from the VisageSession, never from the
 * window we were opened from.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "visage-application.h"
#include "visage-enroll-photos.h"
#include "visage-enroll-save.h"
#include "visage-enroll-window.h"
#include "visage-session.h"
#include "vs-camera.h"
#include "vs-enroll-session.h"
#include "vs-frame-paintable.h"
#include "vs-store-job.h"

#define THUMBNAIL_SIZE 64

struct _VisageEnrollWindow
{
  AdwWindow             parent_instance;

  /* Template children */
  AdwViewSwitcherTitle *switcher_title;
  AdwToastOverlay      *toast_overlay;
  GtkListBox           *name_list;
  AdwEntryRow          *name_row;
  AdwActionRow         *person_row;
  AdwAvatar            *person_avatar;
  GtkLabel             *name_message;
  AdwViewStack         *view_stack;
  GtkStack             *video_stack;
  GtkSpinner           *spinner;
  GtkPicture           *picture;
  AdwStatusPage        *camera_error_page;
  GtkDrawingArea       *guide;
  GtkLabel             *hint_label;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  GtkBox               *thumbnails;
  GtkStack             *photos_stack;
  GtkListBox           *photos_list;
  GtkSpinner           *photos_spinner;
  GtkLabel             *photos_status;

  /* Construct options */
  VisageSession        *app_session;
  gint64                person_id;
  char                 *source;
  double                images_fps;

  /* The session's, for short */
  VsStore              *store;
  GSettings            *settings;
  const char           *models_dir;
  const char           *embedder;

  char                 *person_name;     /* person mode */
  char                 *name;            /* normalised, NULL when not valid */

  VsCamera             *camera;
  VsEnrollSession      *session;
  VsEnrollFeedback      feedback;
  gboolean              has_feedback;
  GHashTable           *textures;        /* capture id → GdkTexture */
  guint                 n_shown;         /* samples shown (the session may be ahead) */
  char                 *restart_notice;  /* why capture last started over */
  gboolean              needs_distinct_name; /* "New Person…": the name typed is taken */
  gint64                notice_until_us; /* the hint shows it until then */
  gint64                opened_us;

  GPtrArray            *photo_captures;  /* VsEnrollCapture*, the good photos */
  GHashTable           *picking;         /* path → row waiting for its picked face */
  guint                 photos_checked;
  guint                 photos_total;
  guint                 photos_running;
  GCancellable         *cancellable;
  GtkNativeDialog      *chooser;

  guint                 tap_id;
  gboolean              capturing;       /* told the session (live views pause) */
  gboolean              saved;
  gboolean              saving;          /* Save is on a worker (visage-enroll-save.h) */
  guint                 n_saving;        /* samples being written */
};

G_DEFINE_FINAL_TYPE (VisageEnrollWindow, visage_enroll_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_PERSON_ID,
  PROP_SOURCE,
  PROP_IMAGES_FPS,
  PROP_MODE,
  PROP_N_SAMPLES,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_save (VisageEnrollWindow *self);

static gboolean
is_camera_mode (VisageEnrollWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "photos") != 0;
}

/* Hints. */

static const char *
issue_hint (VsQualityIssue issue)
{
  switch (issue)
    {
    case VS_QUALITY_NO_FACE:
      return _("Look at the camera");
    case VS_QUALITY_MANY_FACES:
      return _("Only one person in view, please");
    case VS_QUALITY_CUT_OFF:
      return _("Move your face into the oval");
    case VS_QUALITY_TOO_SMALL:
      return _("Come closer");
    case VS_QUALITY_TOO_DARK:
      return _("Too dark: turn towards the light");
    case VS_QUALITY_TOO_BRIGHT:
      return _("Too bright: avoid direct light");
    case VS_QUALITY_BLURRY:
      return _("Hold still");
    case VS_QUALITY_TILTED:
      return _("Keep your head straight");
    case VS_QUALITY_TURNED:
      return _("Look straight at the camera");
    case VS_QUALITY_OK:
    case VS_QUALITY_N_ISSUES:
    default:
      return _("Good, hold on");
    }
}

static const char *
feedback_hint (VisageEnrollWindow     *self,
               const VsEnrollFeedback *feedback)
{
  switch (feedback->verdict)
    {
    case VS_ENROLL_VERDICT_REJECTED:
      return issue_hint (feedback->report.issue);
    case VS_ENROLL_VERDICT_WAIT:
    case VS_ENROLL_VERDICT_CAPTURED:
      return _("Good, hold on");
    case VS_ENROLL_VERDICT_DUPLICATE:
      return _("Now turn your head a little");
    case VS_ENROLL_VERDICT_OTHER_PERSON:
      return _("This is not the person in the samples taken: only they should be in view");
    case VS_ENROLL_VERDICT_RESTARTED:
      return self->restart_notice;
    case VS_ENROLL_VERDICT_COMPLETE:
      if (self->person_id == 0 && self->name == NULL)
        return _("All samples taken: type the name, then save");
      return _("All samples taken: save to finish");
    case VS_ENROLL_VERDICT_ERROR:
    default:
      return _("Something went wrong with this picture");
    }
}

static void
set_hint (VisageEnrollWindow *self,
          const char         *hint)
{
  if (g_strcmp0 (gtk_label_get_label (self->hint_label), hint) != 0)
    gtk_label_set_label (self->hint_label, hint);
}

/* The guide: an oval where the face should be, the rest dimmed; green when
 * the face is good, blue when all samples are taken. */
static void
draw_guide (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (user_data);
  graphene_rect_t box;
  int frame_width = 0, frame_height = 0;
  double cx, cy, rx, ry;
  gboolean good = FALSE, complete = FALSE, face = FALSE;

  if (self->camera == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->video_stack), "video") != 0)
    return;

  vs_camera_get_frame_size (self->camera, &frame_width, &frame_height);
  if (frame_width <= 0 || frame_height <= 0)
    return;

  vs_frame_paintable_compute_letterbox (frame_width, frame_height, width, height, &box);
  cx = box.origin.x + box.size.width / 2;
  cy = box.origin.y + box.size.height * 0.48;
  ry = box.size.height * 0.34;
  rx = MIN (ry * 0.76, box.size.width * 0.45);

  if (self->has_feedback)
    {
      VsEnrollVerdict verdict = self->feedback.verdict;

      face = self->feedback.has_face;
      complete = verdict == VS_ENROLL_VERDICT_COMPLETE;
      good = verdict == VS_ENROLL_VERDICT_CAPTURED ||
             verdict == VS_ENROLL_VERDICT_WAIT ||
             verdict == VS_ENROLL_VERDICT_DUPLICATE;
    }

  /* Dim outside the oval. */
  cairo_save (cr);
  cairo_rectangle (cr, box.origin.x, box.origin.y, box.size.width, box.size.height);
  cairo_translate (cr, cx, cy);
  cairo_scale (cr, rx, ry);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
  cairo_fill (cr);

  /* The outline. */
  cairo_save (cr);
  cairo_translate (cr, cx, cy);
  cairo_scale (cr, rx, ry);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  if (complete)
    cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1.0);   /* blue 3 */
  else if (good)
    cairo_set_source_rgba (cr, 0.20, 0.82, 0.48, 1.0);   /* green 3 */
  else
    cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  if (!face && !complete)
    {
      static const double dashes[] = { 10, 8 };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
    }
  cairo_set_line_width (cr, 4);
  cairo_stroke (cr);
}

/* Progress and thumbnails. */

static GdkTexture *
capture_texture (VisageEnrollWindow *self,
                 VsEnrollCapture    *capture)
{
  GdkTexture *texture = g_hash_table_lookup (self->textures, GUINT_TO_POINTER (capture->id));

  if (texture == NULL)
    {
      g_autoptr(GError) error = NULL;

      texture = gdk_texture_new_from_bytes (capture->sample->crop, &error);
      if (texture == NULL)
        {
          g_warning ("Cannot show a sample: %s", error->message);
          return NULL;
        }
      g_hash_table_insert (self->textures, GUINT_TO_POINTER (capture->id), texture);
    }

  return texture;
}

static void
remove_clicked_cb (VisageEnrollWindow *self,
                   GtkButton          *button)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "capture-id"));

  vs_enroll_session_remove_capture (self->session, id);
  g_hash_table_remove (self->textures, GUINT_TO_POINTER (id));
}

static GtkWidget *
make_thumbnail (VisageEnrollWindow *self,
                VsEnrollCapture    *capture,
                guint               number)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (capture_texture (self, capture)));
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *label = g_strdup_printf (_("Sample %u"), number);
  g_autofree char *remove_label = g_strdup_printf (_("Remove sample %u"), number);

  gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), label);
  gtk_widget_add_css_class (overlay, "card");
  gtk_widget_set_overflow (overlay, GTK_OVERFLOW_HIDDEN);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);

  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  gtk_widget_set_valign (remove, GTK_ALIGN_START);
  gtk_widget_set_margin_top (remove, 2);
  gtk_widget_set_margin_end (remove, 2);
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_add_css_class (remove, "osd");
  gtk_widget_set_tooltip_text (remove, _("Remove and Take Again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  g_object_set_data (G_OBJECT (remove), "capture-id", GUINT_TO_POINTER (capture->id));
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);

  return overlay;
}

static GtkWidget *
make_empty_slot (void)
{
  GtkWidget *slot = gtk_image_new_from_icon_name ("avatar-default-symbolic");

  gtk_widget_set_size_request (slot, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_add_css_class (slot, "card");
  gtk_widget_add_css_class (slot, "dim-label");
  return slot;
}

static void
update_progress (VisageEnrollWindow *self)
{
  g_autoptr(GPtrArray) captures = NULL;
  guint target, n;
  GtkWidget *child;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;

  captures = vs_enroll_session_dup_captures (self->session);
  target = vs_enroll_session_get_target (self->session);
  n = captures->len;
  self->n_shown = n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->thumbnails))) != NULL)
    gtk_box_remove (self->thumbnails, child);
  for (guint i = 0; i < n; i++)
    gtk_box_append (self->thumbnails, make_thumbnail (self, g_ptr_array_index (captures, i), i + 1));
  for (guint i = n; i < target; i++)
    gtk_box_append (self->thumbnails, make_empty_slot ());

  gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) n / target));
  /* Translators: samples taken of the number wanted, e.g. "3 of 5" */
  text = g_strdup_printf (_("%u of %u"), MIN (n, target), target);
  gtk_label_set_label (self->progress_label, text);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
  update_save (self);
}

/* Session signals (main thread). */

static void
session_feedback_cb (VisageEnrollWindow     *self,
                     const VsEnrollFeedback *feedback,
                     VsEnrollSession        *session)
{
  self->feedback = *feedback;
  self->has_feedback = TRUE;
  /* Why capture started over stays readable for a moment. */
  if (is_camera_mode (self) && g_get_monotonic_time () >= self->notice_until_us)
    set_hint (self, feedback_hint (self, feedback));
  gtk_widget_queue_draw (GTK_WIDGET (self->guide));
}

static void
session_n_captured_cb (VisageEnrollWindow *self,
                       GParamSpec         *pspec,
                       VsEnrollSession    *session)
{
  update_progress (self);
}

static void
session_restarted_cb (VisageEnrollWindow *self,
                      guint               n_dropped,
                      VsEnrollSession    *session)
{
  g_clear_pointer (&self->restart_notice, g_free);
  self->restart_notice =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                  "Someone else is in front of the camera: capture started over (%u sample of the person before was dropped)",
                                  "Someone else is in front of the camera: capture started over (%u samples of the person before were dropped)",
                                  n_dropped),
                     n_dropped);
  g_debug ("%s", self->restart_notice);
  /* The dropped samples' pictures go with them. */
  g_hash_table_remove_all (self->textures);
  self->notice_until_us = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  if (is_camera_mode (self))
    set_hint (self, self->restart_notice);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (self->restart_notice));
}

static void
session_complete_cb (VisageEnrollWindow *self,
                     VsEnrollSession    *session)
{
  g_debug ("All %u samples taken %.1f s after opening",
           vs_enroll_session_get_n_captured (session),
           (g_get_monotonic_time () - self->opened_us) / 1e6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, _("All samples taken"),
                                  -1);

  /* Say so now, not at the next frame. */
  self->feedback.verdict = VS_ENROLL_VERDICT_COMPLETE;
  self->has_feedback = TRUE;
  if (is_camera_mode (self))
    set_hint (self, feedback_hint (self, &self->feedback));
  gtk_widget_queue_draw (GTK_WIDGET (self->guide));
}

/* Camera. */

static void
camera_frame_cb (VsImage  *frame,
                 gint64    capture_time_us,
                 guint64   frame_number,
                 gpointer  data)
{
  vs_enroll_session_push_frame (VS_ENROLL_SESSION (data), frame, capture_time_us, frame_number);
}

static void
show_camera_error (VisageEnrollWindow *self,
                   const char         *message)
{
  adw_status_page_set_description (self->camera_error_page, message);
  gtk_stack_set_visible_child_name (self->video_stack, "error");
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), FALSE);
}

static void
camera_state_cb (VisageEnrollWindow *self,
                 GParamSpec         *pspec,
                 VsCamera           *camera)
{
  const GError *error = vs_camera_get_error (camera);

  switch (vs_camera_get_state (camera))
    {
    case VS_CAMERA_STATE_PLAYING:
      gtk_stack_set_visible_child_name (self->video_stack, "video");
      gtk_spinner_set_spinning (self->spinner, FALSE);
      if (!self->has_feedback)
        set_hint (self, _("Look at the camera"));
      break;

    case VS_CAMERA_STATE_ERROR:
    case VS_CAMERA_STATE_DISCONNECTED:
      show_camera_error (self, error ? error->message : _("The camera stopped"));
      break;

    case VS_CAMERA_STATE_STARTING:
    case VS_CAMERA_STATE_STOPPED:
    default:
      break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->guide));
}

static void
camera_frame_size_cb (VisageEnrollWindow *self,
                      GParamSpec         *pspec,
                      VsCamera           *camera)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->guide));
}

/* Every handler has self as data: stop_capture() disconnects them all from
 * the shared camera, which the live view may go on watching. */
static void
watch_camera (VisageEnrollWindow *self)
{
  g_autoptr(VsFramePaintable) paintable = vs_frame_paintable_new ();

  /* The picture holds the only reference: unset, it lets go of the camera. */
  vs_frame_paintable_set_camera (paintable, self->camera);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (paintable));
  g_signal_connect_object (self->camera, "notify::state",
                           G_CALLBACK (camera_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->camera, "notify::frame-width",
                           G_CALLBACK (camera_frame_size_cb), self, G_CONNECT_SWAPPED);
}

static void
stop_capture (VisageEnrollWindow *self)
{
  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      gtk_picture_set_paintable (self->picture, NULL);
      vs_camera_remove_frame_tap (self->camera, self->tap_id);
      self->tap_id = 0;
      /* Stops it unless the live view looks at it too. */
      visage_session_look_away (self->app_session, self->camera, self);
      g_clear_object (&self->camera);
    }
  if (self->capturing)
    {
      self->capturing = FALSE;
      visage_session_end_capture (self->app_session);
    }

  /* Closing does not wait for the frame being processed, nor for the
   * models still loading when the window is closed at once. */
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      vs_enroll_session_stop_in_background (self->session);
    }

  g_cancellable_cancel (self->cancellable);
}

static void
start_capture (VisageEnrollWindow *self)
{
  g_autoptr(GError) error = NULL;
  double fps;

  self->session = vs_enroll_session_new (self->models_dir, self->embedder, &error);
  if (self->session == NULL)
    {
      g_warning ("Face capture is unavailable: %s", error->message);
      show_camera_error (self, error->message);
      return;
    }

  vs_enroll_session_set_target (self->session,
                                (guint) MAX (1, g_settings_get_int (self->settings, "enroll-samples")));
  g_signal_connect_object (self->session, "feedback",
                           G_CALLBACK (session_feedback_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::n-captured",
                           G_CALLBACK (session_n_captured_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "complete",
                           G_CALLBACK (session_complete_cb), self, G_CONNECT_SWAPPED);
  /* The models load on the session's worker; when they cannot: */
  g_signal_connect_object (self->session, "failed",
                           G_CALLBACK (show_camera_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "restarted",
                           G_CALLBACK (session_restarted_cb), self, G_CONNECT_SWAPPED);
  update_progress (self);

  if (self->source == NULL)
    {
      show_camera_error (self, _("There is no camera to take pictures with. Add the person from photos instead."));
      return;
    }

  /* A device cannot stream to two pipelines: the session's camera of this
   * source is the one the live view shows, if it does. */
  self->camera = visage_session_dup_camera (self->app_session, self->source, &error);
  if (self->camera == NULL)
    {
      show_camera_error (self, error->message);
      return;
    }

  /* Takes effect when it starts, i.e. unless the live view runs it. */
  fps = self->images_fps > 0 ? self->images_fps : g_settings_get_double (self->settings, "images-fps");
  if (g_str_has_prefix (self->source, "images:"))
    vs_camera_set_fps (self->camera, fps);

  /* The live views of this database give us the cores meanwhile. */
  self->capturing = TRUE;
  visage_session_begin_capture (self->app_session);

  self->tap_id = vs_camera_add_frame_tap (self->camera, camera_frame_cb,
                                          g_object_ref (self->session), g_object_unref);
  watch_camera (self);

  gtk_spinner_set_spinning (self->spinner, TRUE);
  /* Someone looks: it runs (or goes on running) while this window is open. */
  visage_session_look_at (self->app_session, self->camera, self);
  camera_state_cb (self, NULL, self->camera);
}

/* Name. */

static void
name_changed_cb (VisageEnrollWindow *self,
                 GtkEditable        *editable)
{
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(GError) error = NULL;
  VsPeopleModel *people = visage_session_get_people_model (self->app_session);
  VsPersonItem *existing = NULL;
  g_autofree char *message = NULL;
  const char *css = NULL;

  g_clear_pointer (&self->name, g_free);
  self->name = vs_person_name_normalize (text, &error);
  self->needs_distinct_name = FALSE;

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_message), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_message), "warning");

  if (self->name == NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (text));

      /* Nothing typed yet (or only spaces) is not an error worth shouting. */
      if (trimmed[0] != '\0')
        {
          message = g_strdup (error->message);
          css = "error";
          gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
        }
    }
  else
    {
      /* Every keystroke: the session's people by their name key, one
       * lookup (asking the store compares every name in it). Save asks
       * the store again, on a worker. */
      if (people != NULL)
        existing = vs_people_model_find_by_name (people, self->name);
      if (existing != NULL)
        {
          guint n_samples = vs_person_item_get_n_samples (existing);

          /* Not an error: the store adds to the person of that name. */
          message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "“%s” is already enrolled (%u sample): saving adds these samples to them.",
                                                  "“%s” is already enrolled (%u samples): saving adds these samples to them.",
                                                  n_samples),
                                     vs_person_item_get_name (existing), n_samples);
          css = "warning";
        }
    }

  gtk_label_set_label (self->name_message, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->name_message), message != NULL);
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_message), css);

  if (self->has_feedback && is_camera_mode (self))
    set_hint (self, feedback_hint (self, &self->feedback));
  update_save (self);
}

/* Photos. */

static void
update_photos_status (VisageEnrollWindow *self)
{
  g_autofree char *text = NULL;

  if (self->photos_running > 0)
    text = g_strdup_printf (_("Checking photo %u of %u…"),
                            MIN (self->photos_checked + 1, self->photos_total), self->photos_total);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u good photo of %u",
                                         "%u good photos of %u",
                                         self->photo_captures->len),
                            self->photo_captures->len, self->photos_total);

  gtk_label_set_label (self->photos_status, text);
  gtk_spinner_set_spinning (self->photos_spinner, self->photos_running > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->photos_spinner), self->photos_running > 0);
}

/* Each row of the photo list holds, as object data: */
#define ROW_PATH    "visage-path"      /* char*, the photo */
#define ROW_CAPTURE "visage-capture"   /* VsEnrollCapture*, when good */
#define ROW_STATUS  "visage-status"    /* GtkImage, the suffix icon */

static void check_photos (VisageEnrollWindow *self,
                          GPtrArray          *paths,
                          GArray             *face_indexes);

static GtkWidget *
nth_photo_row (VisageEnrollWindow *self,
               guint               index)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->photos_list, (int) index));
}

static void
set_row_status (GtkWidget  *row,
                gboolean    good,
                const char *subtitle)
{
  GtkWidget *status = g_object_get_data (G_OBJECT (row), ROW_STATUS);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_image_set_from_icon_name (GTK_IMAGE (status), good ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (status, good ? "warning" : "success");
  gtk_widget_add_css_class (status, good ? "success" : "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (status),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, good ? _("Good") : _("Not used"), -1);
}

static void
remove_photo_clicked_cb (VisageEnrollWindow *self,
                         GtkButton          *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  visage_enroll_window_remove_photo (self, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
}

static void
face_clicked_cb (VisageEnrollWindow *self,
                 GtkButton          *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  guint face = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "face-index"));

  visage_enroll_window_pick_face (self, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)), face);
}

/* The photo with a button on each face: the person clicks theirs. */
static GtkWidget *
make_face_picker (VisageEnrollWindow      *self,
                  const VisagePhotoResult *result,
                  GdkTexture              *texture)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);

  /* Shown at its own size, so that the boxes land on the faces. */
  gtk_widget_set_size_request (picture, width, height);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), result->basename);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
  gtk_widget_set_halign (overlay, GTK_ALIGN_START);
  gtk_widget_set_valign (overlay, GTK_ALIGN_CENTER);

  for (guint f = 0; f < result->n_faces; f++)
    {
      const float *box = &result->face_boxes[4 * f];
      GtkWidget *button = gtk_button_new ();
      g_autofree char *label = g_strdup_printf (_("Take Face %u"), f + 1);

      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_set_valign (button, GTK_ALIGN_START);
      gtk_widget_set_margin_start (button, MAX (0, (int) (box[0] * width)));
      gtk_widget_set_margin_top (button, MAX (0, (int) (box[1] * height)));
      gtk_widget_set_size_request (button, MAX (16, (int) (box[2] * width)), MAX (16, (int) (box[3] * height)));
      gtk_widget_add_css_class (button, "osd");
      gtk_widget_set_opacity (button, 0.6);
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data (G_OBJECT (button), "face-index", GUINT_TO_POINTER (f));
      g_signal_connect_object (button, "clicked", G_CALLBACK (face_clicked_cb), self, G_CONNECT_SWAPPED);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), button);
    }

  return overlay;
}

static void
photo_result_cb (const VisagePhotoResult *result,
                 gpointer                 user_data)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (user_data);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *status = gtk_image_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *picture = NULL;
  GtkWidget *replaced;
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), result->basename);

  self->photos_checked++;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), result->basename);
  gtk_widget_set_tooltip_text (row, result->path);
  g_object_set_data_full (G_OBJECT (row), ROW_PATH, g_strdup (result->path), g_free);

  if (result->thumbnail != NULL)
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (result->thumbnail, NULL);

      if (texture != NULL && result->n_faces > 1)
        picture = make_face_picker (self, result, texture);
      else if (texture != NULL)
        {
          picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
          gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
          gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
          gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
          gtk_picture_set_alternative_text (GTK_PICTURE (picture), result->basename);
          gtk_widget_set_size_request (picture, 48, 48);
        }
    }
  if (picture == NULL)
    {
      picture = gtk_image_new_from_icon_name ("image-missing-symbolic");
      gtk_image_set_pixel_size (GTK_IMAGE (picture), 32);
      gtk_widget_add_css_class (picture, "dim-label");
      gtk_widget_set_size_request (picture, 48, 48);
    }
  gtk_widget_set_margin_top (picture, 6);
  gtk_widget_set_margin_bottom (picture, 6);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), picture);

  g_object_set_data (G_OBJECT (row), ROW_STATUS, status);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);
  set_row_status (row, result->capture != NULL, result->reason ? result->reason : _("Good"));
  if (result->capture != NULL)
    {
      g_object_set_data_full (G_OBJECT (row), ROW_CAPTURE, vs_enroll_capture_ref (result->capture),
                              (GDestroyNotify) vs_enroll_capture_unref);
      g_ptr_array_add (self->photo_captures, vs_enroll_capture_ref (result->capture));
    }

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Photo"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_photo_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  /* A face picked in a photo with several: the new row takes the old one's
   * place; otherwise rows come in the order the photos were given. */
  replaced = result->face_index >= 0 ? g_hash_table_lookup (self->picking, result->path) : NULL;
  if (replaced != NULL)
    {
      gtk_list_box_insert (self->photos_list, row, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (replaced)));
      gtk_list_box_remove (self->photos_list, replaced);
      g_hash_table_remove (self->picking, result->path);
      self->photos_total--;   /* the same photo, counted once */
      self->photos_checked--;
    }
  else
    gtk_list_box_append (self->photos_list, row);

  update_photos_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
}

/* Photos that disagree with the rest (another person's, filed by mistake)
 * are flagged and left out of what is saved. */
static void
flag_different_people (VisageEnrollWindow *self)
{
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autofree int *picks = NULL;
  const VsModelInfo *info;
  g_autoptr(GPtrArray) flagged = g_ptr_array_new ();

  if (self->photo_captures->len < 3)
    return;

  for (guint i = 0; i < self->photo_captures->len; i++)
    {
      GPtrArray *one = g_ptr_array_new ();

      g_ptr_array_add (one, ((VsEnrollCapture *) g_ptr_array_index (self->photo_captures, i))->sample);
      g_ptr_array_add (photos, one);
    }
  info = vs_models_lookup (((VsEnrollCapture *) g_ptr_array_index (self->photo_captures, 0))->sample->embedder, NULL);
  if (info == NULL)
    return;
  picks = vs_enroll_pick_agreeing (photos, info->threshold, info->verify_threshold);
  for (guint i = 0; i < self->photo_captures->len; i++)
    if (picks[i] < 0)
      g_ptr_array_add (flagged, g_ptr_array_index (self->photo_captures, i));

  for (guint i = 0; i < flagged->len; i++)
    for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->photos_list));
         row != NULL;
         row = gtk_widget_get_next_sibling (row))
      if (g_object_get_data (G_OBJECT (row), ROW_CAPTURE) == g_ptr_array_index (flagged, i))
        {
          g_debug ("%s looks like a different person", (char *) g_object_get_data (G_OBJECT (row), ROW_PATH));
          set_row_status (row, FALSE, _("Looks like a different person"));
          g_ptr_array_remove (self->photo_captures, g_ptr_array_index (flagged, i));
          g_object_set_data (G_OBJECT (row), ROW_CAPTURE, NULL);
          break;
        }
}

void
visage_enroll_window_remove_photo (VisageEnrollWindow *self,
                                   guint               index)
{
  GtkWidget *row;
  VsEnrollCapture *capture;

  g_return_if_fail (VISAGE_IS_ENROLL_WINDOW (self));

  row = nth_photo_row (self, index);
  if (row == NULL)
    return;

  capture = g_object_get_data (G_OBJECT (row), ROW_CAPTURE);
  if (capture != NULL)
    g_ptr_array_remove (self->photo_captures, capture);
  g_hash_table_remove (self->picking, g_object_get_data (G_OBJECT (row), ROW_PATH));
  gtk_list_box_remove (self->photos_list, row);
  self->photos_total--;
  self->photos_checked--;

  update_photos_status (self);
  update_save (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
}

void
visage_enroll_window_pick_face (VisageEnrollWindow *self,
                                guint               index,
                                guint               face)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GArray) faces = g_array_new (FALSE, FALSE, sizeof (int));
  GtkWidget *row;
  const char *path;
  int face_index = (int) face;

  g_return_if_fail (VISAGE_IS_ENROLL_WINDOW (self));

  row = nth_photo_row (self, index);
  if (row == NULL || g_object_get_data (G_OBJECT (row), ROW_CAPTURE) != NULL)
    return;
  path = g_object_get_data (G_OBJECT (row), ROW_PATH);
  if (g_hash_table_contains (self->picking, path))
    return;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Checking the face…"));
  g_hash_table_insert (self->picking, g_strdup (path), row);
  g_ptr_array_add (paths, (gpointer) path);
  g_array_append_val (faces, face_index);
  check_photos (self, paths, faces);
}

static void
photos_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VisageEnrollWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->photos_running--;
  if (visage_enroll_photos_check_finish (result, &error) < 0 &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Closed meanwhile: the template children are gone. */
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->toast_overlay == NULL)
    return;

  if (error != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));

  if (self->photos_running == 0)
    flag_different_people (self);
  update_photos_status (self);
  update_save (self);
}

void
visage_enroll_window_add_photos (VisageEnrollWindow *self,
                                 GPtrArray          *paths)
{
  g_return_if_fail (VISAGE_IS_ENROLL_WINDOW (self));
  g_return_if_fail (paths != NULL);

  if (paths->len == 0)
    return;

  adw_view_stack_set_visible_child_name (self->view_stack, "photos");
  gtk_stack_set_visible_child_name (self->photos_stack, "list");

  check_photos (self, paths, NULL);
}

static void
check_photos (VisageEnrollWindow *self,
              GPtrArray          *paths,
              GArray             *face_indexes)
{
  self->photos_total += paths->len;
  self->photos_running++;
  update_photos_status (self);
  update_save (self);

  visage_enroll_photos_check_async (paths, face_indexes, self->app_session, self->cancellable,
                                    photo_result_cb, self,
                                    photos_checked_cb, g_object_ref (self));
}

static int
compare_file_names (gconstpointer a,
                    gconstpointer b)
{
  g_autofree char *name_a = g_path_get_basename (*(char * const *) a);
  g_autofree char *name_b = g_path_get_basename (*(char * const *) b);
  g_autofree char *key_a = g_utf8_collate_key_for_filename (name_a, -1);
  g_autofree char *key_b = g_utf8_collate_key_for_filename (name_b, -1);

  return strcmp (key_a, key_b);
}

static void
chooser_response_cb (VisageEnrollWindow *self,
                     int                 response,
                     GtkNativeDialog    *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          char *path = g_file_get_path (file);

          if (path != NULL)
            g_ptr_array_add (paths, path);
        }

      if (paths->len < n)
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_("Only photos on this computer can be used")));
      /* The chooser hands back the selection in no useful order (the last
       * clicked first): list the photos as the folder shows them. */
      g_ptr_array_sort (paths, compare_file_names);
      visage_enroll_window_add_photos (self, paths);
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

void
visage_enroll_window_choose_photos (VisageEnrollWindow *self)
{
  g_autoptr(GtkFileFilter) pictures = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  g_return_if_fail (VISAGE_IS_ENROLL_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "photos");

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (self->chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Choose Photos"),
                                         GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Add"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);

  gtk_file_filter_set_name (pictures, _("Pictures"));
  gtk_file_filter_add_mime_type (pictures, "image/jpeg");
  gtk_file_filter_add_mime_type (pictures, "image/png");
  gtk_file_filter_add_mime_type (pictures, "image/webp");
  gtk_file_filter_add_mime_type (pictures, "image/bmp");
  gtk_file_filter_add_mime_type (pictures, "image/heif");
  gtk_file_filter_add_mime_type (pictures, "image/avif");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pictures);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);

  g_signal_connect_object (chooser, "response",
                           G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* Saving. */

/* Samples ready to save, from both tabs: a person who posed for the camera
 * and also gave photos keeps all of them (new references). */
static GPtrArray *
dup_captures (VisageEnrollWindow *self)
{
  GPtrArray *copy;

  if (self->session != NULL)
    copy = vs_enroll_session_dup_captures (self->session);
  else
    copy = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_enroll_capture_unref);
  for (guint i = 0; i < self->photo_captures->len; i++)
    g_ptr_array_add (copy, vs_enroll_capture_ref (g_ptr_array_index (self->photo_captures, i)));
  return copy;
}

static gboolean
can_save (VisageEnrollWindow *self)
{
  if (self->saved || self->saving ||
      (self->person_id == 0 && (self->name == NULL || self->needs_distinct_name)))
    return FALSE;

  /* Either tab done is enough; what the other holds is saved too. */
  return self->photos_running == 0 &&
         (self->photo_captures->len > 0 ||
          (self->session != NULL && self->n_shown >= vs_enroll_session_get_target (self->session)));
}

static void
update_save (VisageEnrollWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.save", can_save (self));
}

static gboolean
close_idle_cb (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
committed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VisageEnrollWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPerson) person = visage_enroll_commit_finish (result, &error);

  self->saving = FALSE;
  /* Closed meanwhile: what was asked is saved all the same (nothing is
   * cancelled), there is only nobody left to tell. */
  if (self->toast_overlay == NULL)
    return;
  if (person == NULL)
    {
      g_warning ("Cannot save: %s", error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      update_save (self);
      return;
    }

  self->saved = TRUE;
  update_save (self);
  g_debug ("Saved %u samples for person %" G_GINT64_FORMAT " %.1f s after opening",
           self->n_saving, person->id, (g_get_monotonic_time () - self->opened_us) / 1e6);

  /* The live view learns of the person from the store's monitor: the
   * gallery monitor applies the change on a worker in a moment. */
  g_signal_emit (self, signals[SAVED], 0, person->id, person->name, self->n_saving);

  /* Not now: the look-alike dialog may be emitting its response and must
   * go before the window it is transient for. */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
}

/* Writes on a worker (visage-enroll-save.h): the window shows it is saving
 * and stays responsive while the database is busy. */
static void
commit (VisageEnrollWindow *self,
        gint64              person_id)
{
  g_autoptr(GPtrArray) captures = dup_captures (self);

  self->saving = TRUE;
  self->n_saving = captures->len;
  update_save (self);
  visage_enroll_commit_async (self->store, person_id, person_id ? NULL : self->name, captures,
                              NULL, committed_cb, g_object_ref (self));
}

static void
look_alike_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (user_data);
  gint64 look_alike = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "person-id"));

  gint64 target = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "target-id"));

  if (g_str_equal (response, "add"))
    commit (self, look_alike);
  else if (g_str_equal (response, "target"))
    commit (self, target);
  else if (g_str_equal (response, "new"))
    {
      /* A namesake of an enrolled person: two people cannot share a name,
       * so ask for one that tells them apart. */
      g_autofree char *message =
        g_strdup_printf (_("Someone else is already called “%s”: type a name that tells them apart, "
                           "for example with a middle name."), self->name);

      gtk_label_set_label (self->name_message, message);
      gtk_widget_set_visible (GTK_WIDGET (self->name_message), TRUE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->name_message), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->name_message), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      self->needs_distinct_name = TRUE;
      update_save (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    }
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VisageEnrollWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VisageEnrollCheck) check = visage_enroll_check_finish (result, &error);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *add_label = NULL;
  g_autofree char *target_label = NULL;
  const char *other_name;
  AdwMessageDialog *dialog;
  gint64 target_id;

  self->saving = FALSE;
  /* Closed meanwhile: nothing to save. */
  if (self->toast_overlay == NULL)
    return;
  if (check == NULL)
    {
      g_warning ("Cannot save: %s", error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      update_save (self);
      return;
    }

  target_id = check->target_id;
  if (check->look_alike_id == 0)
    {
      commit (self, target_id);
      return;
    }
  update_save (self);

  other_name = check->look_alike_name;
  /* Translators: the name of someone already enrolled */
  heading = g_strdup_printf (_("This Looks Like %s"), other_name);
  add_label = g_strdup_printf (_("_Add to %s"), other_name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  if (target_id != 0)
    {
      const char *target_name = self->person_id != 0 ? self->person_name : check->target_name;

      body = g_strdup_printf (_("Some of these samples match %s, not %s. Add them to %s instead?"),
                              other_name, target_name, other_name);
      /* Translators: add the samples to the person named, as asked */
      target_label = g_strdup_printf (_("Add to %s _Anyway"), target_name);
      adw_message_dialog_add_response (dialog, "target", target_label);
      /* Typed a name someone has, and the face is a third person's: maybe
       * a namesake, who needs a name of their own. */
      if (self->person_id == 0)
        adw_message_dialog_add_response (dialog, "new", _("_New Person…"));
    }
  else
    {
      body = g_strdup_printf (_("Some of these samples match %s, who is already enrolled. Add them to %s, "
                                "or save %s as a new person?"),
                              other_name, other_name, self->name);
      adw_message_dialog_add_response (dialog, "target", _("Save as _New Person"));
    }
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_add_responses (dialog,
                                    "add", add_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "person-id", GSIZE_TO_POINTER (check->look_alike_id));
  g_object_set_data (G_OBJECT (dialog), "target-id", GSIZE_TO_POINTER (target_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (look_alike_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
visage_enroll_window_save (VisageEnrollWindow *self)
{
  g_autoptr(GPtrArray) captures = NULL;
  VsGallery *gallery = NULL;
  VsMatchParams params;

  g_return_if_fail (VISAGE_IS_ENROLL_WINDOW (self));

  if (!can_save (self))
    return;

  captures = dup_captures (self);
  /* The live view's snapshot spares loading every sample again. */
  if (visage_session_get_gallery_monitor (self->app_session) != NULL)
    gallery = vs_gallery_monitor_get_gallery (visage_session_get_gallery_monitor (self->app_session));
  visage_match_params_from_settings (self->settings,
                                     captures->len > 0
                                       ? ((VsEnrollCapture *) g_ptr_array_index (captures, 0))->sample->embedder
                                       : NULL,
                                     &params);
  self->saving = TRUE;
  update_save (self);
  /* Who the samples go to and whether they look like someone else, on a
   * worker; checked_cb saves or asks. */
  visage_enroll_check_async (self->store, self->person_id, self->name, captures, gallery, &params,
                             NULL, checked_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  visage_enroll_window_save (VISAGE_ENROLL_WINDOW (widget));
}

static void
choose_photos_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  visage_enroll_window_choose_photos (VISAGE_ENROLL_WINDOW (widget));
}

static void
name_activated_cb (VisageEnrollWindow *self,
                   AdwEntryRow        *row)
{
  if (can_save (self))
    visage_enroll_window_save (self);
}

static void
mode_changed_cb (VisageEnrollWindow *self,
                 GParamSpec         *pspec,
                 AdwViewStack       *stack)
{
  gboolean camera = is_camera_mode (self);

  if (self->session != NULL)
    vs_enroll_session_set_paused (self->session, !camera);

  update_save (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
}

/* Construction. */

static void
show_person_name (VisageEnrollWindow *self,
                  const char         *name)
{
  g_free (self->person_name);
  self->person_name = g_strdup (name);
  adw_view_switcher_title_set_subtitle (self->switcher_title, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->person_row), name);
  adw_avatar_set_text (self->person_avatar, name);
}

static gpointer
run_read_person (VsStore       *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  return vs_store_get_person (store, *(gint64 *) data, error);
}

static void
person_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VisageEnrollWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPerson) person = vs_store_job_finish (result, &error);

  if (self->person_row == NULL ||   /* closed meanwhile */
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (person == NULL)
    {
      /* Deleted meanwhile (by another desk): saving says so. */
      g_warning ("Cannot add samples: %s", error->message);
      return;
    }
  show_person_name (self, person->name);
}

static void
read_person_name (VisageEnrollWindow *self)
{
  gint64 *person_id = g_new (gint64, 1);

  *person_id = self->person_id;
  vs_store_job_run (self->store, NULL, run_read_person, person_id, g_free,
                    (GDestroyNotify) vs_person_free, self->cancellable,
                    person_read_cb, g_object_ref (self));
}

static void
visage_enroll_window_constructed (GObject *object)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (object);

  G_OBJECT_CLASS (visage_enroll_window_parent_class)->constructed (object);

  g_return_if_fail (VISAGE_IS_SESSION (self->app_session));
  g_return_if_fail (VS_IS_STORE (visage_session_get_store (self->app_session)));

  self->store = g_object_ref (visage_session_get_store (self->app_session));
  self->settings = g_object_ref (visage_session_get_settings (self->app_session));
  self->models_dir = visage_session_get_models_dir (self->app_session);
  self->embedder = visage_session_get_embedder (self->app_session);

  if (self->person_id != 0)
    {
      VsPeopleModel *people = visage_session_get_people_model (self->app_session);
      VsPersonItem *item = people != NULL ? vs_people_model_lookup (people, self->person_id) : NULL;

      gtk_window_set_title (GTK_WINDOW (self), _("Add Samples"));
      adw_view_switcher_title_set_title (self->switcher_title, _("Add Samples"));
      /* Whose samples these are, instead of the name entry. */
      gtk_widget_set_visible (GTK_WIDGET (self->name_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->person_row), TRUE);
      /* The name from the people the app already holds; read from the
       * store on a worker only when they are not loaded yet. */
      if (item != NULL)
        show_person_name (self, vs_person_item_get_name (item));
      else
        {
          self->person_name = g_strdup ("");
          read_person_name (self);
        }
    }

  update_photos_status (self);
  update_save (self);

  if (self->person_id == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

/* Capture starts when the window is first shown, not when it is built: the
 * main window builds one ahead of time (visage-window-actions.c), which
 * must not take the camera or load a model while nobody sees it. */
static void
visage_enroll_window_map (GtkWidget *widget)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (widget);

  GTK_WIDGET_CLASS (visage_enroll_window_parent_class)->map (widget);

  if (self->opened_us == 0)
    {
      self->opened_us = g_get_monotonic_time ();
      start_capture (self);
    }
}

static gboolean
visage_enroll_window_close_request (GtkWindow *window)
{
  /* Stop the camera now: closing must not wait for the last reference. */
  stop_capture (VISAGE_ENROLL_WINDOW (window));

  return GTK_WINDOW_CLASS (visage_enroll_window_parent_class)->close_request (window);
}

static void
visage_enroll_window_dispose (GObject *object)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (object);

  stop_capture (self);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_ENROLL_WINDOW);

  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->app_session);

  G_OBJECT_CLASS (visage_enroll_window_parent_class)->dispose (object);
}

static void
visage_enroll_window_finalize (GObject *object)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (object);

  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->restart_notice, g_free);
  g_clear_pointer (&self->person_name, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  g_clear_pointer (&self->photo_captures, g_ptr_array_unref);
  g_clear_pointer (&self->picking, g_hash_table_unref);

  G_OBJECT_CLASS (visage_enroll_window_parent_class)->finalize (object);
}

static void
visage_enroll_window_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->app_session);
      break;

    case PROP_PERSON_ID:
      g_value_set_int64 (value, self->person_id);
      break;

    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;

    case PROP_IMAGES_FPS:
      g_value_set_double (value, self->images_fps);
      break;

    case PROP_MODE:
      g_value_set_string (value, visage_enroll_window_get_mode (self));
      break;

    case PROP_N_SAMPLES:
      g_value_set_uint (value, visage_enroll_window_get_n_samples (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_enroll_window_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VisageEnrollWindow *self = VISAGE_ENROLL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->app_session = g_value_dup_object (value);
      break;

    case PROP_PERSON_ID:
      self->person_id = g_value_get_int64 (value);
      break;

    case PROP_SOURCE:
      self->source = g_value_dup_string (value);
      break;

    case PROP_IMAGES_FPS:
      self->images_fps = g_value_get_double (value);
      break;

    case PROP_MODE:
      adw_view_stack_set_visible_child_name (self->view_stack, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_enroll_window_class_init (VisageEnrollWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = visage_enroll_window_constructed;
  object_class->dispose = visage_enroll_window_dispose;
  object_class->finalize = visage_enroll_window_finalize;
  object_class->get_property = visage_enroll_window_get_property;
  object_class->set_property = visage_enroll_window_set_property;

  window_class->close_request = visage_enroll_window_close_request;
  widget_class->map = visage_enroll_window_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         VISAGE_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERSON_ID] =
    g_param_spec_int64 ("person-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGES_FPS] =
    g_param_spec_double ("images-fps", NULL, NULL,
                         0.0, 240.0, 0.0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL,
                         "camera",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SAMPLES] =
    g_param_spec_uint ("n-samples", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-enroll-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, name_list);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, person_row);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, person_avatar);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, name_message);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, video_stack);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, picture);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, camera_error_page);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, guide);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, thumbnails);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, photos_stack);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, photos_list);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, photos_spinner);
  gtk_widget_class_bind_template_child (widget_class, VisageEnrollWindow, photos_status);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);

  gtk_widget_class_install_action (widget_class, "enroll.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "enroll.choose-photos", NULL, choose_photos_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "enroll.save", NULL);
}

static void
visage_enroll_window_init (VisageEnrollWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->textures = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->photo_captures = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_enroll_capture_unref);
  self->picking = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  gtk_drawing_area_set_draw_func (self->guide, draw_guide, self, NULL);
}

VisageEnrollWindow *
visage_enroll_window_new_ahead (GtkWindow     *parent,
                                VisageSession *session,
                                const char    *source,
                                double         images_fps)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VISAGE_IS_SESSION (session), NULL);

  return g_object_new (VISAGE_TYPE_ENROLL_WINDOW,
                       "transient-for", parent,
                       "session", session,
                       "source", source,
                       "images-fps", images_fps,
                       NULL);
}

VisageEnrollWindow *
visage_enroll_window_new (GtkWindow     *parent,
                          VisageSession *session,
                          const char    *source,
                          double         images_fps)
{
  VisageEnrollWindow *self = visage_enroll_window_new_ahead (parent, session, source, images_fps);

  if (self != NULL && parent != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  return self;
}

VisageEnrollWindow *
visage_enroll_window_new_for_person (GtkWindow     *parent,
                                     VisageSession *session,
                                     const char    *source,
                                     double         images_fps,
                                     gint64         person_id)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VISAGE_IS_SESSION (session), NULL);
  g_return_val_if_fail (person_id > 0, NULL);

  return g_object_new (VISAGE_TYPE_ENROLL_WINDOW,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       "session", session,
                       "person-id", person_id,
                       "source", source,
                       "images-fps", images_fps,
                       NULL);
}

const char *
visage_enroll_window_get_name (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), NULL);

  return self->person_id ? NULL : self->name;
}

void
visage_enroll_window_set_name (VisageEnrollWindow *self,
                               const char         *name)
{
  g_return_if_fail (VISAGE_IS_ENROLL_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
}

gint64
visage_enroll_window_get_person_id (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), 0);

  return self->person_id;
}

const char *
visage_enroll_window_get_mode (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), NULL);

  return is_camera_mode (self) ? "camera" : "photos";
}

guint
visage_enroll_window_get_n_samples (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), 0);

  if (is_camera_mode (self))
    return self->n_shown;
  return self->photo_captures->len;
}

guint
visage_enroll_window_get_target (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), 0);

  return self->session ? vs_enroll_session_get_target (self->session) : 0;
}

void
visage_enroll_window_remove_sample (VisageEnrollWindow *self,
                                    guint               index)
{
  g_autoptr(GPtrArray) captures = NULL;
  VsEnrollCapture *capture;

  g_return_if_fail (VISAGE_IS_ENROLL_WINDOW (self));

  if (self->session == NULL)
    return;

  captures = vs_enroll_session_dup_captures (self->session);
  g_return_if_fail (index < captures->len);
  capture = g_ptr_array_index (captures, index);
  vs_enroll_session_remove_capture (self->session, capture->id);
  g_hash_table_remove (self->textures, GUINT_TO_POINTER (capture->id));
}

const char *
visage_enroll_window_get_restart_notice (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), NULL);

  return self->restart_notice;
}

const char *
visage_enroll_window_get_name_message (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->name_message)))
    return NULL;
  return gtk_label_get_label (self->name_message);
}

gboolean
visage_enroll_window_get_can_save (VisageEnrollWindow *self)
{
  g_return_val_if_fail (VISAGE_IS_ENROLL_WINDOW (self), FALSE);

  return can_save (self);
}

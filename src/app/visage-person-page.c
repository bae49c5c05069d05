/* visage-person-page.c */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-person-page.h"
#include "visage-person-row.h"
#include "vs-store-job.h"

struct _VisagePersonPage
{
  GtkWidget        parent_instance;

  /* Template children */
  GtkScrolledWindow *scrolled;
  AdwAvatar       *avatar;
  GtkLabel        *title_label;
  GtkLabel        *subtitle_label;
  AdwActionRow    *name_row;
  GtkMenuButton   *rename_button;
  GtkEntry        *name_entry;
  GtkButton       *rename_confirm_button;
  GtkLabel        *name_error_label;
  AdwActionRow    *created_row;
  AdwActionRow    *last_seen_row;
  GtkFlowBox      *samples_box;
  GtkLabel        *no_samples_label;

  VsStore         *store;
  VsPersonItem    *item;
  guint            n_samples_shown;
  gint64           shown_id;      /* whose samples the tiles are */
  GCancellable    *reading;       /* the reload on its way */
  char            *name_error;
  gint64           renaming_id;   /* whose new name is being written, or 0 */
};

G_DEFINE_FINAL_TYPE (VisagePersonPage, visage_person_page, GTK_TYPE_WIDGET)

enum {
  DELETE_REQUESTED,
  ADD_SAMPLES_REQUESTED,
  EXPORT_REQUESTED,
  RENAMED,
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_date (gint64 when)
{
  g_autoptr(GDateTime) dt = NULL;

  if (when <= 0)
    return g_strdup (_("Unknown"));
  dt = g_date_time_new_from_unix_local (when);
  /* Translators: date and time a person was added, GDateTime format;
   * %-d is the day without padding ("1 December 2026, 09:05") */
  return g_date_time_format (dt, _("%-d %B %Y, %H:%M"));
}

static void
set_name_error (VisagePersonPage *self,
                const char       *message)
{
  g_free (self->name_error);
  self->name_error = g_strdup (message);

  gtk_label_set_text (self->name_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->name_error_label), message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->name_entry), "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->name_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->name_entry), "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->name_entry),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->name_entry),
                                  GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
update_text (VisagePersonPage *self)
{
  g_autofree char *samples = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *created = NULL;
  g_autofree char *seen = NULL;
  const char *name;
  gint64 last_seen;

  if (self->item == NULL)
    return;

  name = vs_person_item_get_name (self->item);
  last_seen = vs_person_item_get_last_seen (self->item);

  gtk_label_set_text (self->title_label, name);
  adw_avatar_set_text (self->avatar, name);
  adw_action_row_set_subtitle (self->name_row, name);
  /* Translators: accessible name of a person's face picture */
  photo = g_strdup_printf (_("Face of %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->avatar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, photo,
                                  -1);
  samples = visage_format_n_samples (vs_person_item_get_n_samples (self->item));
  gtk_label_set_text (self->subtitle_label, samples);

  created = format_date (vs_person_item_get_created (self->item));
  adw_action_row_set_subtitle (self->created_row, created);
  if (last_seen > 0)
    {
      g_autofree char *relative = visage_format_last_seen (last_seen, g_get_real_time () / G_USEC_PER_SEC);
      g_autofree char *date = format_date (last_seen);

      /* Translators: "2 minutes ago (24 November 2026, 10:31)" */
      seen = g_strdup_printf (_("%s (%s)"), relative, date);
    }
  else
    seen = g_strdup (C_("last seen", "Never"));
  adw_action_row_set_subtitle (self->last_seen_row, seen);
}

static GtkWidget *
create_sample_tile (VisagePersonPage *self,
                    const VsSample   *sample,
                    guint             index,
                    guint             n_samples,
                    GdkTexture       *texture)
{
  g_autofree char *label = NULL;
  g_autofree char *remove_label = NULL;
  g_autofree char *when = format_date (sample->created);
  GtkWidget *overlay = gtk_overlay_new ();

  gtk_widget_set_halign (overlay, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (overlay, GTK_ALIGN_CENTER);
  GtkWidget *picture;
  GtkWidget *remove;

  if (texture != NULL)
    {
      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
    }
  else
    {
      picture = gtk_image_new_from_icon_name ("image-missing-symbolic");
      gtk_image_set_pixel_size (GTK_IMAGE (picture), 48);
    }
  gtk_widget_set_size_request (picture, 112, 112);
  gtk_widget_add_css_class (picture, "card");
  gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
  /* Translators: accessible name of a face picture: "Face sample 2 of 5, added 24 November 2026" */
  label = g_strdup_printf (_("Face sample %u of %u, added %s"), index + 1, n_samples, when);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_tooltip_text (picture, sample->source);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  gtk_widget_set_valign (remove, GTK_ALIGN_START);
  gtk_widget_set_margin_top (remove, 6);
  gtk_widget_set_margin_end (remove, 6);
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_add_css_class (remove, "osd");
  gtk_widget_set_tooltip_text (remove, _("Remove Sample"));
  remove_label = g_strdup_printf (_("Remove face sample %u"), index + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "person.remove-sample");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "x", sample->id);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);

  return overlay;
}

/* What a reload reads, on a worker: the samples and their pictures decoded
 * (GdkTexture loading is thread-safe). */
typedef struct {
  GPtrArray *samples;    /* VsSample* */
  GPtrArray *textures;   /* GdkTexture* or NULL, one per sample */
} Pictures;

static void
pictures_free (Pictures *pictures)
{
  g_ptr_array_unref (pictures->samples);
  g_ptr_array_unref (pictures->textures);
  g_free (pictures);
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static gpointer
read_pictures (VsStore       *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  gint64 person_id = *(gint64 *) data;
  Pictures *pictures;
  GPtrArray *samples = vs_store_list_samples (store, person_id, error);

  if (samples == NULL)
    return NULL;
  pictures = g_new0 (Pictures, 1);
  pictures->samples = samples;
  pictures->textures = g_ptr_array_new_with_free_func (unref_if_set);
  for (guint i = 0; i < samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (samples, i);
      GdkTexture *texture = NULL;

      if (sample->crop != NULL && !g_cancellable_is_cancelled (cancellable))
        {
          g_autoptr(GError) local_error = NULL;

          texture = gdk_texture_new_from_bytes (sample->crop, &local_error);
          if (texture == NULL)
            g_debug ("Sample %" G_GINT64_FORMAT ": %s", sample->id, local_error->message);
        }
      g_ptr_array_add (pictures->textures, texture);
    }
  return pictures;
}

/* No tiles and no face in the avatar: before another person's pictures. */
static void
clear_pictures (VisagePersonPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->samples_box))) != NULL)
    gtk_flow_box_remove (self->samples_box, child);
  self->n_samples_shown = 0;
  adw_avatar_set_custom_image (self->avatar, NULL);
}

static void
pictures_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VisagePersonPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Pictures *pictures = vs_store_job_finish (result, &error);

  if (pictures == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->samples_box != NULL)
        g_signal_emit (self, signals[ERROR], 0, error->message);
      return;
    }
  /* Another person, or another reload, meanwhile: theirs will come. */
  if (self->samples_box == NULL || self->reading != g_task_get_cancellable (G_TASK (result)))
    {
      pictures_free (pictures);
      return;
    }
  g_clear_object (&self->reading);

  clear_pictures (self);
  for (guint i = 0; i < pictures->samples->len; i++)
    {
      const VsSample *sample = g_ptr_array_index (pictures->samples, i);
      GdkTexture *texture = g_ptr_array_index (pictures->textures, i);

      if (texture != NULL && adw_avatar_get_custom_image (self->avatar) == NULL)
        adw_avatar_set_custom_image (self->avatar, GDK_PAINTABLE (texture));
      gtk_flow_box_append (self->samples_box,
                           create_sample_tile (self, sample, i, pictures->samples->len, texture));
    }
  self->n_samples_shown = pictures->samples->len;
  gtk_widget_set_visible (GTK_WIDGET (self->samples_box), pictures->samples->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_samples_label), pictures->samples->len == 0);
  pictures_free (pictures);
}

void
visage_person_page_reload (VisagePersonPage *self)
{
  gint64 *person_id;

  g_return_if_fail (VISAGE_IS_PERSON_PAGE (self));

  /* A reload on its way is for what was shown before. */
  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);

  if (self->item == NULL || self->store == NULL)
    {
      clear_pictures (self);
      return;
    }

  update_text (self);

  /* The samples and their pictures are read and decoded on a worker; the
   * tiles shown are replaced when they arrive (the same person's stay
   * until then, another person's go now). */
  if (self->shown_id != vs_person_item_get_id (self->item))
    {
      clear_pictures (self);
      self->shown_id = vs_person_item_get_id (self->item);
    }
  self->reading = g_cancellable_new ();
  person_id = g_new (gint64, 1);
  *person_id = vs_person_item_get_id (self->item);
  vs_store_job_run (self->store, NULL, read_pictures, person_id, g_free,
                    (GDestroyNotify) pictures_free, self->reading,
                    pictures_read_cb, g_object_ref (self));
}

static void
item_notify_cb (VisagePersonPage *self,
                GParamSpec       *pspec,
                VsPersonItem     *item)
{
  /* A sample added or removed (here or by another program) changes the
   * count: read the pictures again. */
  if (g_str_equal (pspec->name, "n-samples"))
    visage_person_page_reload (self);
  else
    update_text (self);
}

void
visage_person_page_set_person (VisagePersonPage *self,
                               VsStore          *store,
                               VsPersonItem     *item)
{
  g_return_if_fail (VISAGE_IS_PERSON_PAGE (self));

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, item_notify_cb, self);
  g_set_object (&self->store, store);
  g_set_object (&self->item, item);
  set_name_error (self, NULL);
  gtk_menu_button_popdown (self->rename_button);

  if (item != NULL)
    g_signal_connect_object (item, "notify",
                             G_CALLBACK (item_notify_cb), self,
                             G_CONNECT_SWAPPED);

  visage_person_page_reload (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
}

VsPersonItem *
visage_person_page_get_item (VisagePersonPage *self)
{
  g_return_val_if_fail (VISAGE_IS_PERSON_PAGE (self), NULL);
  return self->item;
}

gint64
visage_person_page_get_person_id (VisagePersonPage *self)
{
  g_return_val_if_fail (VISAGE_IS_PERSON_PAGE (self), 0);
  return self->item != NULL ? vs_person_item_get_id (self->item) : 0;
}

typedef struct {
  gint64  person_id;
  char   *name;
} Rename;

static void
rename_free (Rename *rename)
{
  g_free (rename->name);
  g_free (rename);
}

/* On a worker: the store may wait for another program's write (an import)
 * for seconds, which the window must not. */
static gpointer
run_rename (VsStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Rename *rename = data;

  if (!vs_store_rename_person (store, rename->person_id, rename->name, error))
    return NULL;
  return g_strdup (rename->name);
}

static void
renamed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VisagePersonPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = vs_store_job_finish (result, &error);
  gint64 person_id = self->renaming_id;
  gboolean still_shown;

  self->renaming_id = 0;
  if (self->title_label == NULL)   /* disposed meanwhile */
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->rename_confirm_button), TRUE);
  still_shown = self->item != NULL && vs_person_item_get_id (self->item) == person_id;

  if (name == NULL)
    {
      /* Someone else has that name (or the database said no): said where
       * the name was typed, which stays open to correct it. */
      if (still_shown && gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (self->rename_button))))
        set_name_error (self, error->message);
      else
        g_signal_emit (self, signals[ERROR], 0, error->message);
      return;
    }
  if (!still_shown)
    return;   /* the list follows through the model */

  set_name_error (self, NULL);
  /* The item follows at the model's next refresh; the page at once. */
  gtk_label_set_text (self->title_label, name);
  adw_avatar_set_text (self->avatar, name);
  adw_action_row_set_subtitle (self->name_row, name);
  gtk_menu_button_popdown (self->rename_button);
  g_signal_emit (self, signals[RENAMED], 0, name);
}

/* A name that is not one is refused here and now (FALSE, the error shown
 * under the entry); a good one is written on a worker, and the page, the
 * popover and ::renamed follow when it is stored. FALSE too while the
 * previous rename is still being written. */
gboolean
visage_person_page_rename (VisagePersonPage *self,
                           const char       *new_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  Rename *rename;

  g_return_val_if_fail (VISAGE_IS_PERSON_PAGE (self), FALSE);

  if (self->item == NULL || self->store == NULL || self->renaming_id != 0)
    return FALSE;

  normalized = vs_person_name_normalize (new_name, &error);
  if (normalized == NULL)
    {
      set_name_error (self, error->message);
      return FALSE;
    }

  set_name_error (self, NULL);
  rename = g_new0 (Rename, 1);
  rename->person_id = vs_person_item_get_id (self->item);
  rename->name = g_steal_pointer (&normalized);
  self->renaming_id = rename->person_id;
  gtk_widget_set_sensitive (GTK_WIDGET (self->rename_confirm_button), FALSE);
  vs_store_job_run (self->store, NULL, run_rename, rename, (GDestroyNotify) rename_free, g_free,
                    NULL, renamed_cb, g_object_ref (self));
  return TRUE;
}

gboolean
visage_person_page_is_renaming (VisagePersonPage *self)
{
  g_return_val_if_fail (VISAGE_IS_PERSON_PAGE (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (self->rename_button)));
}

/* The popover opens on the current name, all of it selected: typing
 * replaces it, here where replacing it is what was asked for. */
static void
rename_popover_show_cb (VisagePersonPage *self)
{
  if (self->item == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), vs_person_item_get_name (self->item));
  set_name_error (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->name_entry), 0, -1);
}

static void
rename_confirm_cb (VisagePersonPage *self)
{
  visage_person_page_rename (self, gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));
}

static void
name_entry_changed_cb (VisagePersonPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  /* Say what is wrong while typing; an empty entry is only refused on
   * Rename, not shouted at after one backspace too many. */
  if (self->name_error != NULL || *text != '\0')
    {
      normalized = vs_person_name_normalize (text, &error);
      set_name_error (self, normalized == NULL ? error->message : NULL);
    }
}

/* ---- Actions ---------------------------------------------------------- */

static gpointer
run_delete_sample (VsStore       *store,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  return vs_store_delete_sample (store, *(gint64 *) data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
sample_deleted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VisagePersonPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->samples_box == NULL)   /* disposed meanwhile */
    return;
  if (vs_store_job_finish (result, &error) == NULL)
    {
      g_signal_emit (self, signals[ERROR], 0, error->message);
      return;
    }
  visage_person_page_reload (self);
}

/* The sample is erased on a worker (a secure delete and a checkpoint, and
 * maybe a wait for another program's write); the tiles follow. */
static void
remove_sample_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           VisagePersonPage *self)
{
  gint64 *sample_id;

  if (!g_str_equal (response, "remove") || self->store == NULL)
    return;

  sample_id = g_new (gint64, 1);
  *sample_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "sample-id"));
  vs_store_job_run (self->store, NULL, run_delete_sample, sample_id, g_free, NULL,
                    NULL, sample_deleted_cb, g_object_ref (self));
}

static void
remove_sample_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  VisagePersonPage *self = VISAGE_PERSON_PAGE (widget);
  gint64 sample_id = g_variant_get_int64 (param);
  GtkWidget *dialog;
  gboolean last = self->n_samples_shown <= 1;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Remove This Face Sample?"),
                                   last ? _("It is the last one: this person will not be recognized "
                                            "until you add samples again. The sample is erased "
                                            "from this computer.")
                                        : _("The sample is erased from this computer."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "sample-id", GSIZE_TO_POINTER ((gsize) sample_id));
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (remove_sample_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
emit_for_person (VisagePersonPage *self,
                 guint             signal_id)
{
  if (self->item != NULL)
    g_signal_emit (self, signals[signal_id], 0, vs_person_item_get_id (self->item));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  VisagePersonPage *self = VISAGE_PERSON_PAGE (widget);

  /* Delete pressed in the rename popover (on its button) is not meant for
   * the person. */
  if (visage_person_page_is_renaming (self))
    return;
  emit_for_person (self, DELETE_REQUESTED);
}

static void
add_samples_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  emit_for_person (VISAGE_PERSON_PAGE (widget), ADD_SAMPLES_REQUESTED);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  emit_for_person (VISAGE_PERSON_PAGE (widget), EXPORT_REQUESTED);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  VisagePersonPage *self = VISAGE_PERSON_PAGE (widget);

  if (self->item != NULL)
    gtk_menu_button_popup (self->rename_button);
}

/* ---- GObject ---------------------------------------------------------- */

static void
visage_person_page_dispose (GObject *object)
{
  VisagePersonPage *self = VISAGE_PERSON_PAGE (object);

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, item_notify_cb, self);
  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_PERSON_PAGE);
  g_clear_object (&self->item);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (visage_person_page_parent_class)->dispose (object);
}

static void
visage_person_page_finalize (GObject *object)
{
  VisagePersonPage *self = VISAGE_PERSON_PAGE (object);

  g_clear_pointer (&self->name_error, g_free);

  G_OBJECT_CLASS (visage_person_page_parent_class)->finalize (object);
}

static void
visage_person_page_class_init (VisagePersonPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = visage_person_page_dispose;
  object_class->finalize = visage_person_page_finalize;

  /**
   * VisagePersonPage::delete-requested:
   * @person_id: the person shown
   *
   * "Delete Person…" was chosen; confirming is up to the handler.
   */
  signals[DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[ADD_SAMPLES_REQUESTED] =
    g_signal_new ("add-samples-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[EXPORT_REQUESTED] =
    g_signal_new ("export-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * VisagePersonPage::renamed:
   * @name: the new name, as stored
   *
   * For the feedback: the rename popover closed by itself.
   */
  signals[RENAMED] =
    g_signal_new ("renamed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * VisagePersonPage::error:
   * @message: what went wrong, for a toast
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "person.remove-sample", "x", remove_sample_action);
  gtk_widget_class_install_action (widget_class, "person.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "person.add-samples", NULL, add_samples_action);
  gtk_widget_class_install_action (widget_class, "person.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "person.rename", NULL, rename_action);

  /* With the focus anywhere on the page; a text entry (the rename
   * popover's) handles Delete itself before this. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "person.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "person.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "person.delete", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-person-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, rename_button);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, rename_confirm_button);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, created_row);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, last_seen_row);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, name_error_label);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, samples_box);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonPage, no_samples_label);
  gtk_widget_class_bind_template_callback (widget_class, rename_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, rename_confirm_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_entry_changed_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
visage_person_page_init (VisagePersonPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* visage-person-row.c */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-person-row.h"

struct _VisagePersonRow
{
  GtkWidget       parent_instance;

  GtkBox         *box;
  GtkCheckButton *check_button;
  AdwAvatar      *avatar;
  GtkLabel       *name_label;
  GtkLabel       *details_label;
  GtkImage       *arrow;

  VsPersonItem   *item;
};

G_DEFINE_FINAL_TYPE (VisagePersonRow, visage_person_row, GTK_TYPE_WIDGET)

static guint32
day_number (GDateTime *date_time)
{
  g_autoptr(GDate) date = g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (date_time),
                                          (GDateMonth) g_date_time_get_month (date_time),
                                          (GDateYear) g_date_time_get_year (date_time));

  return g_date_get_julian (date);
}

char *
visage_format_last_seen (gint64 when,
                         gint64 now)
{
  gint64 ago = now - when;
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) today = NULL;
  int days;

  if (when <= 0)
    return g_strdup (C_("last seen", "Never"));
  if (ago < 60)
    return g_strdup (C_("last seen", "Just now"));
  if (ago < 60 * 60)
    {
      int minutes = (int) (ago / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", minutes),
                              minutes);
    }
  if (ago < 24 * 60 * 60)
    {
      int hours = (int) (ago / 3600);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours),
                              hours);
    }

  /* Beyond a day, count calendar days in local time. */
  then = g_date_time_new_from_unix_local (when);
  today = g_date_time_new_from_unix_local (now);
  if (then == NULL || today == NULL)
    return g_strdup (C_("last seen", "Long ago"));
  /* Julian days: a day count that also holds across leap years. */
  days = (int) (day_number (today) - day_number (then));
  if (days <= 1)
    return g_strdup (C_("last seen", "Yesterday"));
  if (days < 7)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days), days);
  /* Translators: a date, see the GDateTime format codes; %-d is the day
   * without padding ("1 December 2026", not " 1 December 2026") */
  return g_date_time_format (then, C_("last seen", "%-d %B %Y"));
}

char *
visage_format_n_samples (guint n_samples)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u face sample", "%u face samples", n_samples),
                          n_samples);
}

void
visage_person_row_update_text (VisagePersonRow *self)
{
  g_autofree char *samples = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *details = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *photo = NULL;
  const char *name;

  g_return_if_fail (VISAGE_IS_PERSON_ROW (self));

  if (self->item == NULL)
    return;

  name = vs_person_item_get_name (self->item);
  samples = visage_format_n_samples (vs_person_item_get_n_samples (self->item));
  seen = visage_format_last_seen (vs_person_item_get_last_seen (self->item),
                                  g_get_real_time () / G_USEC_PER_SEC);
  /* Translators: "4 face samples · Last seen 2 minutes ago" */
  details = g_strdup_printf (_("%s · Last seen %s"), samples,
                             vs_person_item_get_last_seen (self->item) > 0 ? seen : _("never"));

  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->details_label, details);
  adw_avatar_set_text (self->avatar, name);

  /* Screen readers: the whole row reads as one sentence; the picture has a
   * name of its own. */
  accessible = g_strdup_printf ("%s, %s", name, details);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  /* Translators: accessible name of a person's face picture */
  photo = g_strdup_printf (_("Face of %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->avatar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, photo,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->check_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
}

static void
item_notify_cb (VisagePersonRow *self)
{
  visage_person_row_update_text (self);
}

void
visage_person_row_set_item (VisagePersonRow *self,
                            VsPersonItem    *item)
{
  g_return_if_fail (VISAGE_IS_PERSON_ROW (self));
  g_return_if_fail (item == NULL || VS_IS_PERSON_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, item_notify_cb, self);
  g_set_object (&self->item, item);
  adw_avatar_set_custom_image (self->avatar, NULL);

  if (item != NULL)
    {
      g_signal_connect_object (item, "notify",
                               G_CALLBACK (item_notify_cb), self,
                               G_CONNECT_SWAPPED);
      visage_person_row_update_text (self);
    }
}

VsPersonItem *
visage_person_row_get_item (VisagePersonRow *self)
{
  g_return_val_if_fail (VISAGE_IS_PERSON_ROW (self), NULL);
  return self->item;
}

void
visage_person_row_set_thumbnail (VisagePersonRow *self,
                                 GdkPaintable    *thumbnail)
{
  g_return_if_fail (VISAGE_IS_PERSON_ROW (self));
  adw_avatar_set_custom_image (self->avatar, thumbnail);
}

void
visage_person_row_set_selection_mode (VisagePersonRow *self,
                                      gboolean         selection_mode)
{
  g_return_if_fail (VISAGE_IS_PERSON_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->check_button), selection_mode);
  gtk_widget_set_visible (GTK_WIDGET (self->arrow), !selection_mode);
}

GtkCheckButton *
visage_person_row_get_check_button (VisagePersonRow *self)
{
  g_return_val_if_fail (VISAGE_IS_PERSON_ROW (self), NULL);
  return self->check_button;
}

static void
visage_person_row_dispose (GObject *object)
{
  VisagePersonRow *self = VISAGE_PERSON_ROW (object);

  visage_person_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_PERSON_ROW);

  G_OBJECT_CLASS (visage_person_row_parent_class)->dispose (object);
}

static void
visage_person_row_class_init (VisagePersonRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = visage_person_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-person-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VisagePersonRow, box);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonRow, check_button);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, VisagePersonRow, arrow);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "visage-person-row");
}

static void
visage_person_row_init (VisagePersonRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
visage_person_row_new (void)
{
  return g_object_new (VISAGE_TYPE_PERSON_ROW, NULL);
}

/* visage-people-page.c */
#include "config.h"

#include <glib/gi18n.h>

#include "visage-people-page.h"

struct _VisagePeoplePage
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  GtkListBox     *list_box;
  AdwStatusPage  *error_page;

  VsStore        *store;
  guint           n_people;
};

G_DEFINE_FINAL_TYPE (VisagePeoplePage, visage_people_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_PEOPLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_row (const VsPerson *person)
{
  g_autofree char *title = g_markup_escape_text (person->name, -1);
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *avatar;

  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u face sample", "%u face samples",
                                           person->n_samples),
                              person->n_samples);

  row = adw_action_row_new ();
  /* AdwActionRow titles are markup in libadwaita 1.2. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  avatar = adw_avatar_new (32, person->name, TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);

  return row;
}

void
visage_people_page_reload (VisagePeoplePage *self)
{
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  if (self->store == NULL)
    return;

  people = vs_store_list_people (self->store, &error);
  if (people == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))))
    gtk_list_box_remove (self->list_box, child);

  for (guint i = 0; i < people->len; i++)
    gtk_list_box_append (self->list_box, create_row (g_ptr_array_index (people, i)));

  gtk_stack_set_visible_child_name (self->stack, people->len > 0 ? "list" : "empty");

  if (self->n_people != people->len)
    {
      self->n_people = people->len;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PEOPLE]);
    }
}

void
visage_people_page_set_store (VisagePeoplePage *self,
                              VsStore          *store,
                              const char       *message)
{
  g_return_if_fail (VISAGE_IS_PEOPLE_PAGE (self));

  if (!g_set_object (&self->store, store))
    return;

  if (store == NULL)
    {
      adw_status_page_set_description (self->error_page, message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  visage_people_page_reload (self);
}

guint
visage_people_page_get_n_people (VisagePeoplePage *self)
{
  g_return_val_if_fail (VISAGE_IS_PEOPLE_PAGE (self), 0);

  return self->n_people;
}

static void
visage_people_page_dispose (GObject *object)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VISAGE_TYPE_PEOPLE_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (visage_people_page_parent_class)->dispose (object);
}

static void
visage_people_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VisagePeoplePage *self = VISAGE_PEOPLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_PEOPLE:
      g_value_set_uint (value, self->n_people);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_people_page_class_init (VisagePeoplePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = visage_people_page_dispose;
  object_class->get_property = visage_people_page_get_property;

  properties[PROP_N_PEOPLE] =
    g_param_spec_uint ("n-people", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/visage/Visage/ui/visage-people-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, stack);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, list_box);
  gtk_widget_class_bind_template_child (widget_class, VisagePeoplePage, error_page);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
visage_people_page_init (VisagePeoplePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

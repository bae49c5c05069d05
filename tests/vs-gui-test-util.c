/* vs-gui-test-util.c */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>

#include "vs-gui-test-util.h"

void
vs_gui_test_init (int    *argc,
                  char ***argv)
{
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run the gui tests under xvfb-run -a\n");
      exit (1);
    }
  adw_init ();
}

gboolean
vs_gui_test_wait_for (VsGuiTestCondition  condition,
                      gpointer            data,
                      guint               timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return condition (data);

      /* Non-blocking, so the deadline is kept even when nothing happens. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  return TRUE;
}

void
vs_gui_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static gboolean
is_allocated (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) &&
         gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) > 0;
}

gboolean
vs_gui_test_wait_allocated (GtkWidget *widget,
                            guint      timeout_ms)
{
  if (!vs_gui_test_wait_for (is_allocated, widget, timeout_ms))
    return FALSE;

  /* A few more frames, so animations and late layouts settle. */
  vs_gui_test_run_for (200);
  return TRUE;
}

/* The widget's render node; NULL until it was drawn once. */
static GskRenderNode *
snapshot_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot,
                          gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  return gtk_snapshot_free_to_node (snapshot);
}

static gboolean
has_render_node (gpointer data)
{
  g_autoptr(GskRenderNode) node = snapshot_widget (data);

  return node != NULL;
}

GdkTexture *
vs_gui_test_render (GtkWidget *widget)
{
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width, height;

  g_assert_true (vs_gui_test_wait_allocated (widget, 5000));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  /* A new window may not have drawn its first frame yet. */
  g_assert_true (vs_gui_test_wait_for (has_render_node, widget, 5000));
  node = snapshot_widget (widget);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_assert_nonnull (renderer);

  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

char *
vs_gui_test_save_png (GtkWidget  *widget,
                      const char *filename)
{
  g_autoptr(GdkTexture) texture = vs_gui_test_render (widget);
  char *path = g_build_filename (VS_BUILD_ROOT, filename, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
  return path;
}

static void
fake_key (Display *xdisplay,
          KeySym   keysym,
          gboolean press)
{
  KeyCode keycode = XKeysymToKeycode (xdisplay, keysym);

  g_assert_cmpuint (keycode, !=, 0);
  XTestFakeKeyEvent (xdisplay, keycode, press, CurrentTime);
}

void
vs_gui_test_press_key (GtkWidget       *widget,
                       guint            keyval,
                       GdkModifierType  modifiers)
{
  static const struct { GdkModifierType mask; KeySym keysym; } modifier_keys[] = {
    { GDK_CONTROL_MASK, XK_Control_L },
    { GDK_SHIFT_MASK, XK_Shift_L },
    { GDK_ALT_MASK, XK_Alt_L },
  };
  GdkDisplay *display = gtk_widget_get_display (widget);
  GdkSurface *surface;
  Display *xdisplay;
  int event_base, error_base, major, minor;

  g_assert_true (GDK_IS_X11_DISPLAY (display));
  xdisplay = gdk_x11_display_get_xdisplay (display);
  g_assert_true (XTestQueryExtension (xdisplay, &event_base, &error_base, &major, &minor));
  g_assert_true (vs_gui_test_wait_allocated (widget, 5000));
  surface = gtk_native_get_surface (gtk_widget_get_native (widget));

  /* No window manager under Xvfb: give the window the focus ourselves. */
  XSetInputFocus (xdisplay, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XSync (xdisplay, False);
  vs_gui_test_run_for (100);

  for (guint i = 0; i < G_N_ELEMENTS (modifier_keys); i++)
    if (modifiers & modifier_keys[i].mask)
      fake_key (xdisplay, modifier_keys[i].keysym, TRUE);
  /* GDK key values are X key symbols. */
  fake_key (xdisplay, keyval, TRUE);
  fake_key (xdisplay, keyval, FALSE);
  for (guint i = G_N_ELEMENTS (modifier_keys); i-- > 0;)
    if (modifiers & modifier_keys[i].mask)
      fake_key (xdisplay, modifier_keys[i].keysym, FALSE);
  XSync (xdisplay, False);

  vs_gui_test_run_for (200);
}

GtkWindow *
vs_gui_test_find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* GTK keeps its own reference to every toplevel. One not shown is
       * not there for a user (the enrollment window made ahead). */
      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
no_toplevels (gpointer data)
{
  return g_list_model_get_n_items (gtk_window_get_toplevels ()) == 0;
}

void
vs_gui_test_destroy_all_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *window;

  while (g_list_model_get_n_items (toplevels) > 0 &&
         (window = g_list_model_get_item (toplevels, 0)) != NULL)
    {
      gtk_window_destroy (window);
      g_object_unref (window);
    }

  vs_gui_test_wait_for (no_toplevels, NULL, 2000);
}

const char *
vs_gui_test_enum_nick (GType type,
                       int   value)
{
  /* Enum classes of static types are never freed: keep the reference. */
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  return found != NULL ? found->value_nick : "(unknown)";
}

typedef gboolean (*WidgetTest) (GtkWidget *widget, gconstpointer data);

/* Depth first, root included; popovers are children of their button. */
static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetTest     test,
             gconstpointer  data)
{
  if (test (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, test, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_id (GtkWidget     *widget,
        gconstpointer  id)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

static gboolean
has_type (GtkWidget     *widget,
          gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *) type);
}

GtkWidget *
vs_gui_test_find_by_id (GtkWidget  *root,
                        const char *id)
{
  return find_widget (root, has_id, id);
}

GtkWidget *
vs_gui_test_find_by_type (GtkWidget *root,
                          GType      type)
{
  return find_widget (root, has_type, &type);
}

const char *
vs_gui_test_label_text (GtkWidget  *root,
                        const char *id)
{
  GtkWidget *label = vs_gui_test_find_by_id (root, id);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

guint
vs_gui_test_n_children (GtkWidget  *root,
                        const char *id)
{
  GtkWidget *widget = vs_gui_test_find_by_id (root, id);
  guint n = 0;

  g_assert_nonnull (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

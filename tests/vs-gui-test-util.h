/* vs-gui-test-util.h: helpers for the GUI tests (suite gui, under xvfb-run). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_init() and adw_init() after g_test_init(); fails the test when there is
 * no display (run the gui suite under xvfb-run). */
void      vs_gui_test_init         (int        *argc,
                                    char     ***argv);

typedef gboolean (*VsGuiTestCondition) (gpointer data);

/* Iterates the default main context until condition(data) is TRUE or
 * timeout_ms passed; returns the last value of the condition. */
gboolean  vs_gui_test_wait_for     (VsGuiTestCondition  condition,
                                    gpointer            data,
                                    guint               timeout_ms);
/* Iterates the default main context for ms milliseconds. */
void      vs_gui_test_run_for      (guint               ms);

/* Waits until widget is mapped with a size, then a little more for the
 * first frames; FALSE on timeout. */
gboolean  vs_gui_test_wait_allocated (GtkWidget        *widget,
                                      guint             timeout_ms);

/* Renders widget (realized and shown) to a PNG named filename in the build
 * folder, with the renderer of its window; returns the path. Like GNOME
 * Console's screenshot tests: gtk_widget_paintable_new() →
 * gsk_renderer_render_texture() → gdk_texture_save_to_png(). */
char     *vs_gui_test_save_png     (GtkWidget          *widget,
                                    const char         *filename);

/* The rendered widget as a texture (for assertions on pixels). */
GdkTexture *vs_gui_test_render     (GtkWidget          *widget);

/* The first shown toplevel window of this type, or NULL. */
GtkWindow *vs_gui_test_find_window (GType               type);
/* The nick of a value of an enum type ("video"): for messages. */
const char *vs_gui_test_enum_nick (GType               type,
                                   int                 value);

/* Tests see widgets as a user does, through what is on screen, not
 * through getters the app has only for them: the widget under root (root
 * included) whose id in its .ui template is id, or the first one of a
 * type; NULL when there is none. Ids repeat across templates: search from
 * the page or window meant. */
GtkWidget  *vs_gui_test_find_by_id    (GtkWidget  *root,
                                       const char *id);
GtkWidget  *vs_gui_test_find_by_type  (GtkWidget  *root,
                                       GType       type);
/* The text of the label with that id under root (the test fails when
 * there is none), or NULL when the label is hidden. */
const char *vs_gui_test_label_text    (GtkWidget  *root,
                                       const char *id);
/* How many children the widget with that id under root has. */
guint       vs_gui_test_n_children    (GtkWidget  *root,
                                       const char *id);

/* Presses and releases keyval with modifiers (Control, Shift, Alt) as a
 * user would: through the X server (XTest) to the window of widget, which
 * gets the X input focus first; then lets GTK handle the events. The key
 * goes to that window's focus widget. X11 only (the tests run under Xvfb). */
void      vs_gui_test_press_key    (GtkWidget          *widget,
                                    guint               keyval,
                                    GdkModifierType     modifiers);

/* Destroys every toplevel and lets the main context settle. */
void      vs_gui_test_destroy_all_windows (void);

G_END_DECLS

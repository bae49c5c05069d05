/* test-people-page.c: the People page in the Visage window, on a database
 * of LFW people enrolled by the built visage-cli ($VISAGE_CLI): search,
 * sort, rename shown everywhere, delete then undo, delete then expiry
 * erasing the bytes, changes made by visage-cli in another process, and ten
 * thousand people opening in under a second. Screenshots of the list, a
 * person, the undo toast and the empty state go to the build folder.
 * Runs under xvfb-run. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "visage-application.h"
#include "visage-enroll-window.h"
#include "visage-people-page.h"
#include "visage-person-page.h"
#include "visage-person-row.h"
#include "visage-window-private.h"
#include "vs-gui-test-util.h"
#include "vs-test-bulk.h"
#include "vs-test-util.h"

#define WAIT_MS 5000

static VisageApplication *app;
static char *lfw_db;   /* enrolled once by visage-cli, copied per test */

static const char *lfw_people[] = {
  "Colin_Powell", "Serena_Williams", "Hugo_Chavez", "Laura_Bush",
  "Ariel_Sharon", "Jennifer_Lopez", NULL,
};

/* ---- visage-cli ------------------------------------------------------- */

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("VISAGE_CLI");

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("VISAGE_CLI must name the built visage-cli (meson sets it)");
  return cli;
}

/* Runs visage-cli with the arguments (NULL-terminated); returns stdout and
 * asserts the exit status. */
static char *
run_cli (int         expected_status,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list args;

  g_ptr_array_add (argv, (char *) cli_path ());
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) || expected_status != 0)
    g_test_message ("visage-cli %s: %s", first, err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, expected_status);
  return g_steal_pointer (&out);
}

static void
make_lfw_db (void)
{
  g_autofree char *tmp = vs_test_make_tmpdir ();
  g_autofree char *photos = g_build_filename (tmp, "photos", NULL);
  g_autofree char *out = NULL;

  for (guint p = 0; lfw_people[p] != NULL; p++)
    {
      g_autofree char *dir = g_build_filename (photos, lfw_people[p], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      for (guint n = 1; n <= 3; n++)
        {
          g_autofree char *src = vs_test_lfw_path (lfw_people[p], n);
          g_autofree char *base = g_path_get_basename (src);
          g_autofree char *dst = g_build_filename (dir, base, NULL);

          g_assert_cmpint (symlink (src, dst), ==, 0);
        }
    }

  lfw_db = g_build_filename (tmp, "lfw.db", NULL);
  out = run_cli (0, "import", "--largest", "--db", lfw_db, photos, NULL);
  g_test_message ("%s", out);
}

static char *
copy_lfw_db (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autoptr(GFile) src = g_file_new_for_path (lfw_db);
  g_autofree char *path = g_build_filename (dir, "visage.db", NULL);
  g_autoptr(GFile) dst = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  /* visage-cli closed it: everything is in the main file. */
  g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* ---- Window ----------------------------------------------------------- */

static VisageWindow *
open_window (const char *db_path)
{
  g_autoptr(VisageSession) session = visage_application_dup_session (app, db_path, NULL, NULL);
  VisageWindow *window;

  window = g_object_new (VISAGE_TYPE_WINDOW,
                         "application", app,
                         "session", session,
                         "source", "test",
                         NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "people"));
  g_assert_true (vs_gui_test_wait_allocated (GTK_WIDGET (window->people_page), WAIT_MS));
  return window;
}

static void
close_window (VisageWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (100);
}

typedef struct {
  VisagePeoplePage *page;
  VisagePeopleState state;
  guint             n_shown;
  gint64            id;
  const char       *name;
} Want;

static gboolean
state_is (gpointer data)
{
  Want *want = data;

  return visage_people_page_get_state (want->page) == want->state;
}

static gboolean
n_shown_is (gpointer data)
{
  Want *want = data;
  GListModel *shown = visage_people_page_get_shown_model (want->page);

  return shown != NULL && g_list_model_get_n_items (shown) == want->n_shown;
}

static char *
shown_names (VisagePeoplePage *page)
{
  GListModel *shown = visage_people_page_get_shown_model (page);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(VsPersonItem) item = g_list_model_get_item (shown, i);

      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, vs_person_item_get_name (item));
    }
  return g_string_free (out, FALSE);
}

static gint64
id_of (VisagePeoplePage *page,
       const char       *name)
{
  GListModel *model = G_LIST_MODEL (visage_people_page_get_model (page));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsPersonItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (vs_person_item_get_name (item), name) == 0)
        return vs_person_item_get_id (item);
    }
  return 0;
}

static gboolean
shown_has_name (gpointer data)
{
  Want *want = data;
  g_autofree char *names = shown_names (want->page);
  g_autofree char *padded = g_strconcat (", ", names, ", ", NULL);
  g_autofree char *needle = g_strconcat (", ", want->name, ", ", NULL);

  return strstr (padded, needle) != NULL;
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      /* Not the sort drop-down's list. */
      if (GTK_IS_LIST_VIEW (w) && gtk_widget_has_css_class (w, "people-list"))
        return w;
      found = find_list_view (w);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Number of rows the list view shows (bound to people). */
static guint
n_rows (VisagePeoplePage *page)
{
  GtkWidget *list = find_list_view (GTK_WIDGET (page));
  guint n = 0;

  g_assert_nonnull (list);
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += gtk_widget_get_mapped (child);
  return n;
}

typedef struct {
  VisagePeoplePage *page;
  guint             n;
} WantRows;

static gboolean
n_rows_is (gpointer data)
{
  WantRows *want = data;

  return n_rows (want->page) == want->n;
}

/* ---- Tests ------------------------------------------------------------ */

static void
test_empty_state (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *png = NULL;
  VisageWindow *window = open_window (db);
  Want want = { .page = window->people_page, .state = VISAGE_PEOPLE_STATE_EMPTY };

  g_assert_true (vs_gui_test_wait_for (state_is, &want, WAIT_MS));
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (window->people_page), "count_label"), ==, "0 people");
  png = vs_gui_test_save_png (GTK_WIDGET (window), "people-empty.png");

  /* The first person enrolled by visage-cli shows up by itself. */
  {
    g_autofree char *photo = vs_test_data_path ("lfw/Colin_Powell/Colin_Powell_0001.jpg");
    g_autofree char *out = run_cli (0, "enroll", "--db", db, "--name", "Colin Powell", photo, NULL);
    gint64 start = g_get_monotonic_time ();

    want.state = VISAGE_PEOPLE_STATE_LIST;
    g_assert_true (vs_gui_test_wait_for (state_is, &want, WAIT_MS));
    g_test_message ("visage-cli enroll seen after %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
    g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (window->people_page), "count_label"), ==, "1 person");
  }
  close_window (window);
}

static void
test_list_search_sort (void)
{
  g_autofree char *db = copy_lfw_db ();
  g_autofree char *names = NULL;
  g_autofree char *png = NULL;
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST };
  g_autoptr(VsStore) store = NULL;

  g_assert_true (vs_gui_test_wait_for (state_is, &want, WAIT_MS));
  names = shown_names (page);
  g_test_message ("List: %s", names);
  g_assert_cmpstr (names, ==, "Ariel Sharon, Colin Powell, Hugo Chavez, Jennifer Lopez, Laura Bush, Serena Williams");
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (page), "count_label"), ==, "6 people");
  {
    WantRows rows = { page, 6 };
    gboolean ok = vs_gui_test_wait_for (n_rows_is, &rows, WAIT_MS);

    g_test_message ("%u rows shown", n_rows (page));
    if (!ok)
      g_free (vs_gui_test_save_png (GTK_WIDGET (window), "people-list-failed.png"));
    g_assert_true (ok);
  }
  vs_gui_test_run_for (500);   /* thumbnails */
  png = vs_gui_test_save_png (GTK_WIDGET (window), "people-list.png");

  /* Search: case and accents ignored, the count says so. */
  visage_people_page_set_search_text (page, " eR");
  want.n_shown = 2;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  g_clear_pointer (&names, g_free);
  names = shown_names (page);
  g_assert_cmpstr (names, ==, "Jennifer Lopez, Serena Williams");
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (page), "count_label"), ==, "2 of 6 people");

  visage_people_page_set_search_text (page, "nobody at all");
  want.state = VISAGE_PEOPLE_STATE_NO_RESULTS;
  g_assert_true (vs_gui_test_wait_for (state_is, &want, WAIT_MS));

  visage_people_page_set_search_text (page, "");
  want.n_shown = 6;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));

  /* Sort by last seen: the one seen comes first, within the poll. */
  store = vs_store_open (db, NULL);
  g_assert_true (vs_store_record_seen (store, id_of (page, "Laura Bush"), 0, NULL));
  visage_people_page_set_sort (page, VS_PEOPLE_SORT_LAST_SEEN);
  {
    gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;
    g_autoptr(VsPersonItem) first = NULL;

    while (g_get_monotonic_time () < end)
      {
        g_clear_object (&first);
        first = g_list_model_get_item (visage_people_page_get_shown_model (page), 0);
        if (g_str_equal (vs_person_item_get_name (first), "Laura Bush"))
          break;
        g_main_context_iteration (NULL, FALSE);
      }
    g_assert_cmpstr (vs_person_item_get_name (first), ==, "Laura Bush");
    g_assert_cmpint (vs_person_item_get_last_seen (first), >, 0);
  }

  /* Recently added: the last imported first (import order is the list's). */
  visage_people_page_set_sort (page, VS_PEOPLE_SORT_RECENTLY_ADDED);
  {
    g_autoptr(VsPersonItem) first = g_list_model_get_item (visage_people_page_get_shown_model (page), 0);
    g_autoptr(VsPersonItem) last = g_list_model_get_item (visage_people_page_get_shown_model (page), 5);

    g_assert_cmpint (vs_person_item_get_id (first), >, vs_person_item_get_id (last));
  }
  visage_people_page_set_sort (page, VS_PEOPLE_SORT_NAME);
  close_window (window);
}

static gboolean
three_samples_shown (gpointer data)
{
  return vs_gui_test_n_children (GTK_WIDGET (data), "samples_box") == 3;
}

static AdwMessageDialog *
find_confirmation (void)
{
  GtkWindow *dialog = vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL ? ADW_MESSAGE_DIALOG (dialog) : NULL;
}

static gboolean
has_confirmation (gpointer data)
{
  return find_confirmation () != NULL;
}

/* Answers the confirmation and closes it, as clicking a button does. */
static void
answer_confirmation (AdwMessageDialog *dialog,
                     const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  vs_gui_test_run_for (100);
}

typedef struct {
  VisagePersonPage *person_page;
  const char       *title;
  guint             n_samples;
} WantPerson;

static gboolean
title_is (gpointer data)
{
  WantPerson *want = data;

  return g_strcmp0 (vs_gui_test_label_text (GTK_WIDGET (want->person_page), "title_label"), want->title) == 0;
}

static gboolean
name_error_shown (gpointer data)
{
  return vs_gui_test_label_text (GTK_WIDGET (data), "name_error_label") != NULL;
}

static gboolean
n_samples_shown_is (gpointer data)
{
  WantPerson *want = data;

  return vs_gui_test_n_children (GTK_WIDGET (want->person_page), "samples_box") == want->n_samples;
}

static void
test_rename (void)
{
  g_autofree char *db = copy_lfw_db ();
  g_autofree char *png = NULL;
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  VisagePersonPage *person_page =
    VISAGE_PERSON_PAGE (vs_gui_test_find_by_type (GTK_WIDGET (page), VISAGE_TYPE_PERSON_PAGE));
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST };
  g_autoptr(VsStore) store = vs_store_open (db, NULL);
  g_autoptr(VsPerson) person = NULL;
  WantPerson want_person = { .person_page = person_page };
  gint64 id;

  g_assert_true (vs_gui_test_wait_for (state_is, &want, WAIT_MS));
  id = id_of (page, "Hugo Chavez");
  g_assert_cmpint (id, >, 0);

  g_assert_true (visage_people_page_show_person (page, id));
  g_assert_cmpint (visage_people_page_get_state (page), ==, VISAGE_PEOPLE_STATE_PERSON);
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (person_page), "title_label"), ==, "Hugo Chavez");
  /* The pictures are decoded on a worker. */
  g_assert_true (vs_gui_test_wait_for (three_samples_shown, person_page, WAIT_MS));

  /* A bad name is refused inline; nothing changes. */
  g_assert_false (visage_person_page_rename (person_page, "   "));
  g_assert_nonnull (vs_gui_test_label_text (GTK_WIDGET (person_page), "name_error_label"));
  g_test_message ("Inline error: %s", vs_gui_test_label_text (GTK_WIDGET (person_page), "name_error_label"));
  g_assert_false (visage_person_page_rename (person_page, "Hugo\tChavez"));
  person = vs_store_get_person (store, id, NULL);
  g_assert_cmpstr (person->name, ==, "Hugo Chavez");
  g_clear_pointer (&person, vs_person_free);

  /* Someone else's name (in other case): the store refuses it, on its
   * worker; said under the entry, which stays open; nothing changes. */
  g_assert_true (vs_gui_test_wait_allocated (GTK_WIDGET (person_page), WAIT_MS));
  vs_gui_test_run_for (400);   /* the slide */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (person_page), "person.rename", NULL));
  g_assert_true (visage_person_page_is_renaming (person_page));
  g_assert_true (visage_person_page_rename (person_page, "colin POWELL"));
  g_assert_true (vs_gui_test_wait_for (name_error_shown, person_page, WAIT_MS));
  g_test_message ("Taken: %s", vs_gui_test_label_text (GTK_WIDGET (person_page), "name_error_label"));
  g_assert_true (visage_person_page_is_renaming (person_page));
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (person_page), "title_label"), ==, "Hugo Chavez");
  person = vs_store_get_person (store, id, NULL);
  g_assert_cmpstr (person->name, ==, "Hugo Chavez");
  g_clear_pointer (&person, vs_person_free);

  /* A good one: normalised, stored (on a worker), then shown on the page
   * and in the list, the popover closed. */
  g_assert_true (visage_person_page_rename (person_page, "  Hugo   Rafael Chávez "));
  want_person.title = "Hugo Rafael Chávez";
  g_assert_true (vs_gui_test_wait_for (title_is, &want_person, WAIT_MS));
  g_assert_null (vs_gui_test_label_text (GTK_WIDGET (person_page), "name_error_label"));
  g_assert_false (visage_person_page_is_renaming (person_page));
  person = vs_store_get_person (store, id, NULL);
  g_assert_cmpstr (person->name, ==, "Hugo Rafael Chávez");
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (person_page), "title_label"), ==, "Hugo Rafael Chávez");
  want.name = "Hugo Rafael Chávez";
  g_assert_true (vs_gui_test_wait_for (shown_has_name, &want, WAIT_MS));
  vs_gui_test_run_for (400);
  png = vs_gui_test_save_png (GTK_WIDGET (window), "people-person.png");

  /* Remove a sample, confirmed: erased from the store on a worker, the
   * tiles follow. */
  {
    g_autoptr(GPtrArray) samples = vs_store_list_samples (store, id, NULL);
    g_autoptr(GPtrArray) left = NULL;
    gint64 sample_id;

    g_assert_nonnull (samples);
    g_assert_cmpuint (samples->len, ==, 3);
    sample_id = ((VsSample *) g_ptr_array_index (samples, 1))->id;
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (person_page), "person.remove-sample", "x", sample_id));
    g_assert_true (vs_gui_test_wait_for (has_confirmation, NULL, WAIT_MS));
    answer_confirmation (find_confirmation (), "remove");
    want_person.n_samples = 2;
    g_assert_true (vs_gui_test_wait_for (n_samples_shown_is, &want_person, WAIT_MS));
    left = vs_store_list_samples (store, id, NULL);
    g_assert_cmpuint (left->len, ==, 2);
    for (guint i = 0; i < left->len; i++)
      g_assert_cmpint (((VsSample *) g_ptr_array_index (left, i))->id, !=, sample_id);
  }

  /* Add Samples opens the enrollment window for this person. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (person_page), "person.add-samples", NULL));
  {
    GtkWindow *enroll = vs_gui_test_find_window (VISAGE_TYPE_ENROLL_WINDOW);

    g_assert_nonnull (enroll);
    g_assert_cmpint (visage_enroll_window_get_person_id (VISAGE_ENROLL_WINDOW (enroll)), ==, id);
    gtk_window_destroy (enroll);
    vs_gui_test_run_for (100);
  }

  /* Back (what Alt+Left, Escape and the back button do). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "people.back", NULL));
  g_assert_cmpint (visage_people_page_get_state (page), ==, VISAGE_PEOPLE_STATE_LIST);
  close_window (window);
}

static gboolean
person_gone (gpointer data)
{
  Want *want = data;
  g_autoptr(VsStore) store = vs_store_open (want->name, NULL);
  g_autoptr(VsPerson) person = vs_store_get_person (store, want->id, NULL);

  return person == NULL;
}

/* The raw embedding bytes of every sample, in the store's byte order. */
static GPtrArray *
embedding_blobs (const char *db,
                 gint64      person_id)
{
  g_autoptr(VsStore) store = vs_store_open (db, NULL);
  g_autoptr(GPtrArray) samples = vs_store_list_samples (store, person_id, NULL);
  GPtrArray *blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_assert_nonnull (samples);
  for (guint i = 0; i < samples->len; i++)
    {
      const VsSample *s = g_ptr_array_index (samples, i);
      g_ptr_array_add (blobs, g_bytes_new (s->embedding, s->dim * sizeof (float)));
    }
  return blobs;
}

static guint
blobs_on_disk (const char *db,
               GPtrArray  *blobs)
{
  static const char *suffixes[] = { "", "-wal", "-journal" };
  guint found = 0;

  for (guint f = 0; f < G_N_ELEMENTS (suffixes); f++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[f], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      for (guint i = 0; i < blobs->len; i++)
        {
          gsize size;
          const guint8 *blob = g_bytes_get_data (blobs->pdata[i], &size);

          /* The whole embedding, and its first 32 bytes alone. */
          for (gsize off = 0; off + 32 <= length; off++)
            {
              if (memcmp (contents + off, blob, 32) == 0)
                {
                  found++;
                  break;
                }
            }
        }
    }
  return found;
}

static void
test_delete_undo (void)
{
  g_autofree char *db = copy_lfw_db ();
  g_autofree char *png = NULL;
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST, .n_shown = 6 };
  g_autoptr(VsStore) store = vs_store_open (db, NULL);
  g_autoptr(VsPerson) person = NULL;
  gint64 ids[2];

  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  ids[0] = id_of (page, "Serena Williams");
  ids[1] = id_of (page, "Ariel Sharon");

  /* Multi-selection: select the two, Delete…, confirm. */
  visage_people_page_set_selection_mode (page, TRUE);
  {
    GtkSelectionModel *selection = GTK_SELECTION_MODEL (visage_people_page_get_shown_model (page));
    GtkWindow *dialog;

    /* By name: Ariel Sharon is first, Serena Williams last. */
    g_assert_true (gtk_selection_model_select_item (selection, 0, FALSE));
    g_assert_true (gtk_selection_model_select_item (selection, 5, FALSE));
    vs_gui_test_run_for (300);
    g_free (vs_gui_test_save_png (GTK_WIDGET (window), "people-selection.png"));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "people.delete-selected", NULL));
    dialog = vs_gui_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_nonnull (dialog);
    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Delete 2 People?");
    g_free (vs_gui_test_save_png (GTK_WIDGET (dialog), "people-confirm.png"));
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
    gtk_window_destroy (dialog);
  }
  want.n_shown = 4;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (page), "count_label"), ==, "4 people");
  /* Not deleted yet. */
  person = vs_store_get_person (store, ids[0], NULL);
  g_assert_nonnull (person);
  g_clear_pointer (&person, vs_person_free);
  vs_gui_test_run_for (600);   /* the toast slides in */
  png = vs_gui_test_save_png (GTK_WIDGET (window), "people-undo-toast.png");

  /* Undo: everything back, nothing was touched. */
  g_assert_true (visage_people_page_undo (page));
  want.n_shown = 6;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  person = vs_store_get_person (store, ids[0], NULL);
  g_assert_nonnull (person);
  g_assert_cmpuint (person->n_samples, ==, 3);
  g_clear_pointer (&person, vs_person_free);
  /* A reload a few seconds later does not bring the deletion back. */
  vs_gui_test_run_for (1500);
  g_assert_true (n_shown_is (&want));
  close_window (window);
}

static void
test_delete_expire (void)
{
  g_autofree char *db = copy_lfw_db ();
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST, .n_shown = 6 };
  g_autoptr(GPtrArray) gone = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  gint64 id, other, start;

  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  id = id_of (page, "Jennifer Lopez");
  other = id_of (page, "Colin Powell");
  gone = embedding_blobs (db, id);
  kept = embedding_blobs (db, other);
  g_assert_cmpuint (blobs_on_disk (db, gone), ==, 3);

  /* From her page, as "Delete Person…" does after the confirmation. */
  g_assert_true (visage_people_page_show_person (page, id));
  g_object_set (page, "undo-timeout", 1, NULL);
  start = g_get_monotonic_time ();
  g_assert_cmpuint (visage_people_page_delete_people (page, &id, 1), >, 0);
  g_assert_cmpint (visage_people_page_get_state (page), ==, VISAGE_PEOPLE_STATE_LIST);

  want.name = db;
  want.id = id;
  g_assert_true (vs_gui_test_wait_for (person_gone, &want, WAIT_MS));
  g_test_message ("Erased %.1f s after the delete (toast timeout 1 s)",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  /* While the window (its live view, its gallery monitor) is still open. */
  g_assert_cmpuint (blobs_on_disk (db, gone), ==, 0);
  g_assert_cmpuint (blobs_on_disk (db, kept), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (visage_people_page_get_shown_model (page)), ==, 5);

  /* Quitting with a deletion pending erases it too. */
  g_object_set (page, "undo-timeout", 60, NULL);
  g_assert_cmpuint (visage_people_page_delete_people (page, &other, 1), >, 0);
  close_window (window);
  want.id = other;
  g_assert_true (person_gone (&want));
  g_assert_cmpuint (blobs_on_disk (db, kept), ==, 0);
}

static void
test_cli_changes (void)
{
  g_autofree char *db = copy_lfw_db ();
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST, .n_shown = 6 };
  g_autofree char *id_text = NULL;
  g_autofree char *out = NULL;
  gint64 id, start;

  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  id = id_of (page, "Laura Bush");
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  /* Renamed by another process, while her page is open. */
  g_assert_true (visage_people_page_show_person (page, id));
  out = run_cli (0, "people", "rename", "--db", db, id_text, "Laura Welch Bush", NULL);
  start = g_get_monotonic_time ();
  want.name = "Laura Welch Bush";
  g_assert_true (vs_gui_test_wait_for (shown_has_name, &want, WAIT_MS));
  g_test_message ("visage-cli rename seen after %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpstr (vs_gui_test_label_text (vs_gui_test_find_by_type (GTK_WIDGET (page), VISAGE_TYPE_PERSON_PAGE), "title_label"), ==,
                   "Laura Welch Bush");

  /* Deleted by another process: the page goes back to the list. */
  g_clear_pointer (&out, g_free);
  out = run_cli (0, "people", "delete", "--yes", "--db", db, id_text, NULL);
  start = g_get_monotonic_time ();
  want.n_shown = 5;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  g_test_message ("visage-cli delete seen after %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  want.state = VISAGE_PEOPLE_STATE_LIST;
  g_assert_true (vs_gui_test_wait_for (state_is, &want, WAIT_MS));

  /* Exported by visage-cli: the same data the page's Export writes. */
  {
    g_autofree char *dir = vs_test_make_tmpdir ();
    g_autofree char *other = g_strdup_printf ("%" G_GINT64_FORMAT, id_of (page, "Colin Powell"));
    g_autofree char *folder = NULL;
    g_autofree char *json = NULL;
    struct stat st;

    g_clear_pointer (&out, g_free);
    out = run_cli (0, "people", "export", "--db", db, other, dir, NULL);
    folder = g_strdup_printf ("%s/Colin Powell-%s", dir, other);
    json = g_build_filename (folder, "person.json", NULL);
    g_assert_cmpint (g_stat (json, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (folder, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);

    /* The JSON holds what the store holds: every sample and its numbers,
     * and names the crop files written beside it. */
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(VsStore) store = vs_store_open (db, NULL);
      g_autoptr(GPtrArray) samples = vs_store_list_samples (store, g_ascii_strtoll (other, NULL, 10), NULL);
      JsonObject *root;
      JsonArray *list;

      json_parser_load_from_file (parser, json, &error);
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "Colin Powell");
      g_assert_cmpint (json_object_get_int_member (root, "id"), ==, g_ascii_strtoll (other, NULL, 10));
      list = json_object_get_array_member (root, "samples");
      g_assert_cmpuint (json_array_get_length (list), ==, samples->len);
      for (guint i = 0; i < samples->len; i++)
        {
          const VsSample *sample = g_ptr_array_index (samples, i);
          JsonObject *o = json_array_get_object_element (list, i);
          JsonArray *embedding = json_object_get_array_member (o, "embedding");
          g_autofree char *crop = g_build_filename (folder, json_object_get_string_member (o, "crop"), NULL);
          g_autofree char *png = NULL;
          gsize png_size;

          g_assert_cmpint (json_object_get_int_member (o, "id"), ==, sample->id);
          g_assert_cmpint (json_object_get_int_member (o, "dim"), ==, sample->dim);
          g_assert_cmpuint (json_array_get_length (embedding), ==, sample->dim);
          for (guint k = 0; k < sample->dim; k++)
            g_assert_cmpfloat ((float) json_array_get_double_element (embedding, k), ==, sample->embedding[k]);
          g_assert_true (g_file_get_contents (crop, &png, &png_size, NULL));
          g_assert_cmpmem (png, png_size, g_bytes_get_data (sample->crop, NULL), g_bytes_get_size (sample->crop));
          g_assert_cmpint (g_stat (crop, &st), ==, 0);
          g_assert_cmpint (st.st_mode & 0777, ==, 0600);
        }
    }
  }
  close_window (window);
}

/* ---- Keys, as a front desk uses them ---------------------------------- */

/* The confirmation dialog the Delete key opened, or NULL. */
static void
collect_focusable (GtkWidget *widget,
                   GPtrArray *out)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      if (!gtk_widget_get_mapped (w) || GTK_IS_POPOVER (w))
        continue;
      if (gtk_widget_get_focusable (w) && gtk_widget_is_sensitive (w))
        g_ptr_array_add (out, w);
      collect_focusable (w, out);
    }
}

static gboolean
focus_is_editable (GtkWidget *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT (focus) ||
                           gtk_widget_get_ancestor (focus, GTK_TYPE_TEXT) != NULL);
}

static char *
stored_name (const char *db,
             gint64      id)
{
  g_autoptr(VsStore) store = vs_store_open (db, NULL);
  g_autoptr(VsPerson) person = vs_store_get_person (store, id, NULL);

  return person != NULL ? g_strdup (person->name) : NULL;
}

static gboolean
not_renaming (gpointer data)
{
  return !visage_person_page_is_renaming (data);
}

/* On a person's page the focus is not in a text field, and Delete with the
 * focus on any widget of the page asks to delete the person; the name is
 * never edited by it. Renaming is asked for (F2) and closes by itself. */
static void
test_person_page_keys (void)
{
  g_autofree char *db = copy_lfw_db ();
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  VisagePersonPage *person_page =
    VISAGE_PERSON_PAGE (vs_gui_test_find_by_type (GTK_WIDGET (page), VISAGE_TYPE_PERSON_PAGE));
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST, .n_shown = 6 };
  g_autoptr(GPtrArray) focusable = g_ptr_array_new ();
  GtkWidget *back = NULL;
  gint64 id;

  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  id = id_of (page, "Hugo Chavez");
  g_assert_true (visage_people_page_show_person (page, id));
  g_assert_true (vs_gui_test_wait_allocated (GTK_WIDGET (person_page), WAIT_MS));
  vs_gui_test_run_for (400);   /* the slide */

  /* Where the focus landed is no text field. */
  g_assert_nonnull (gtk_root_get_focus (GTK_ROOT (window)));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (person_page)));
  g_assert_false (focus_is_editable (GTK_WIDGET (window)));
  /* As narrow as the window goes (the live page's status line sets it). */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  vs_gui_test_run_for (500);
  g_free (vs_gui_test_save_png (GTK_WIDGET (window), "people-person-narrow.png"));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  vs_gui_test_run_for (300);

  /* Every focusable widget of the person view, the back button included. */
  collect_focusable (gtk_widget_get_parent (GTK_WIDGET (person_page)), focusable);
  g_assert_cmpuint (focusable->len, >=, 6);
  for (guint i = 0; i < focusable->len; i++)
    {
      GtkWidget *w = focusable->pdata[i];
      AdwMessageDialog *dialog;
      g_autofree char *name = NULL;

      g_assert_true (gtk_widget_grab_focus (w));
      g_test_message ("Delete with the focus on a %s", G_OBJECT_TYPE_NAME (w));
      vs_gui_test_press_key (w, GDK_KEY_Delete, 0);
      g_assert_true (vs_gui_test_wait_for (has_confirmation, NULL, WAIT_MS));
      dialog = find_confirmation ();
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Hugo Chavez”?");
      answer_confirmation (dialog, "cancel");

      name = stored_name (db, id);
      g_assert_cmpstr (name, ==, "Hugo Chavez");
      g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (person_page), "title_label"), ==, "Hugo Chavez");
      g_assert_cmpint (visage_people_page_get_state (page), ==, VISAGE_PEOPLE_STATE_PERSON);
      if (gtk_widget_get_ancestor (w, GTK_TYPE_BUTTON) != NULL || GTK_IS_BUTTON (w))
        if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (GTK_IS_BUTTON (w) ? w : gtk_widget_get_ancestor (w, GTK_TYPE_BUTTON))),
                       "people.back") == 0)
          back = w;
    }
  g_assert_nonnull (back);

  /* F2 (here from the back button) opens the rename popover on the name,
   * selected; there, and only there, keys edit it: Delete empties the
   * entry and asks nothing. Escape leaves the name as it was. */
  vs_gui_test_press_key (back, GDK_KEY_F2, 0);
  g_assert_true (visage_person_page_is_renaming (person_page));
  g_assert_true (focus_is_editable (GTK_WIDGET (window)));
  vs_gui_test_run_for (300);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    GtkWidget *entry = gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY);
    g_autofree char *name = NULL;

    g_assert_nonnull (entry);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Hugo Chavez");
    /* The popover is a surface of its own: rendered by itself. */
    g_free (vs_gui_test_save_png (gtk_widget_get_ancestor (entry, GTK_TYPE_POPOVER),
                                  "people-person-rename-popover.png"));
    vs_gui_test_press_key (focus, GDK_KEY_Delete, 0);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
    g_assert_null (find_confirmation ());
    vs_gui_test_press_key (focus, GDK_KEY_Escape, 0);
    g_assert_false (visage_person_page_is_renaming (person_page));
    /* Escape closed the popover only, not the person's page. */
    g_assert_cmpint (visage_people_page_get_state (page), ==, VISAGE_PEOPLE_STATE_PERSON);
    name = stored_name (db, id);
    g_assert_cmpstr (name, ==, "Hugo Chavez");
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (person_page), "person.rename", NULL));
  g_assert_true (visage_person_page_rename (person_page, "Hugo Chávez"));
  /* Done: once stored, the popover closed by itself (nothing left to
   * apply). */
  g_assert_true (vs_gui_test_wait_for (not_renaming, person_page, WAIT_MS));
  {
    g_autofree char *name = stored_name (db, id);

    g_assert_cmpstr (name, ==, "Hugo Chávez");
  }
  want.name = "Hugo Chávez";
  g_assert_true (vs_gui_test_wait_for (shown_has_name, &want, WAIT_MS));

  /* Delete, confirmed: the person goes (with the undo toast), back to the
   * list. */
  g_assert_true (gtk_widget_grab_focus (focusable->pdata[focusable->len - 1]));
  vs_gui_test_press_key (focusable->pdata[focusable->len - 1], GDK_KEY_Delete, 0);
  g_assert_true (vs_gui_test_wait_for (has_confirmation, NULL, WAIT_MS));
  answer_confirmation (find_confirmation (), "delete");
  want.n_shown = 5;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  g_assert_cmpint (visage_people_page_get_state (page), ==, VISAGE_PEOPLE_STATE_LIST);
  close_window (window);
}

/* Dates read as written: "1 December 2026", no padded day. */
static void
test_dates (void)
{
  g_autoptr(GDateTime) first = g_date_time_new_local (2026, 12, 1, 9, 5, 0);
  g_autoptr(GDateTime) later = g_date_time_add_days (first, 30);
  g_autofree char *seen = visage_format_last_seen (g_date_time_to_unix (first), g_date_time_to_unix (later));

  g_assert_cmpstr (seen, ==, "1 December 2026");
}

/* An icon-only button or a picture that a screen reader would name by its
 * icon file, or not at all. */
static void
collect_unlabelled (GtkWidget *widget,
                    GPtrArray *out)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkAccessible *accessible = GTK_ACCESSIBLE (w);
      gboolean labelled = gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
                          gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gboolean icon_only = FALSE;

      if (!gtk_widget_get_mapped (w) || GTK_IS_WINDOW_CONTROLS (w))
        continue;
      /* The inner button of a menu or split button is named by its parent. */
      if (GTK_IS_MENU_BUTTON (widget) || ADW_IS_SPLIT_BUTTON (widget))
        continue;
      if (GTK_IS_MENU_BUTTON (w))
        icon_only = gtk_menu_button_get_label (GTK_MENU_BUTTON (w)) == NULL &&
                    gtk_menu_button_get_child (GTK_MENU_BUTTON (w)) == NULL;
      else if (ADW_IS_SPLIT_BUTTON (w))
        icon_only = adw_split_button_get_label (ADW_SPLIT_BUTTON (w)) == NULL &&
                    adw_split_button_get_child (ADW_SPLIT_BUTTON (w)) == NULL;
      else if (GTK_IS_BUTTON (w))
        icon_only = gtk_button_get_label (GTK_BUTTON (w)) == NULL &&
                    GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (w)));
      else if ((GTK_IS_PICTURE (w) || ADW_IS_AVATAR (w)) &&
               gtk_accessible_get_accessible_role (accessible) != GTK_ACCESSIBLE_ROLE_PRESENTATION)
        icon_only = TRUE;
      if (icon_only && !labelled)
        g_ptr_array_add (out, w);
      collect_unlabelled (w, out);
    }
}

static void
assert_all_labelled (GtkWidget  *window,
                     const char *where)
{
  g_autoptr(GPtrArray) unlabelled = g_ptr_array_new ();

  collect_unlabelled (window, unlabelled);
  for (guint i = 0; i < unlabelled->len; i++)
    {
      GtkWidget *w = unlabelled->pdata[i];

      g_test_message ("%s: a %s (tooltip “%s”) has no accessible label", where,
                      G_OBJECT_TYPE_NAME (w), gtk_widget_get_tooltip_text (w));
    }
  g_assert_cmpuint (unlabelled->len, ==, 0);
}

/* Every icon-only button and every picture has an accessible name: the
 * header bar's, the list's, a person's page. */
static void
test_accessible_labels (void)
{
  g_autofree char *db = copy_lfw_db ();
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST, .n_shown = 6 };

  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  vs_gui_test_run_for (300);
  assert_all_labelled (GTK_WIDGET (window), "People list");
  g_assert_true (visage_people_page_show_person (page, id_of (page, "Laura Bush")));
  vs_gui_test_run_for (500);
  assert_all_labelled (GTK_WIDGET (window), "Person page");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "live"));
  vs_gui_test_run_for (500);
  assert_all_labelled (GTK_WIDGET (window), "Live page");
  close_window (window);
}

/* Delete on the focused row of the list: that person, after the
 * confirmation. */
static void
test_list_row_delete (void)
{
  g_autofree char *db = copy_lfw_db ();
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST, .n_shown = 6 };
  WantRows rows = { page, 6 };
  GtkWidget *list, *row;
  AdwMessageDialog *dialog;

  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  g_assert_true (vs_gui_test_wait_for (n_rows_is, &rows, WAIT_MS));
  list = find_list_view (GTK_WIDGET (page));
  /* Rows in order: Ariel Sharon, Colin Powell, … */
  row = gtk_widget_get_next_sibling (gtk_widget_get_first_child (list));
  g_assert_true (gtk_widget_grab_focus (row));

  vs_gui_test_press_key (row, GDK_KEY_Delete, 0);
  g_assert_true (vs_gui_test_wait_for (has_confirmation, NULL, WAIT_MS));
  dialog = find_confirmation ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Colin Powell”?");
  answer_confirmation (dialog, "delete");
  want.n_shown = 5;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  want.name = "Colin Powell";
  g_assert_false (shown_has_name (&want));
  close_window (window);
}

static gboolean
search_closed (gpointer data)
{
  Want *want = data;

  return g_strcmp0 (vs_gui_test_label_text (GTK_WIDGET (want->page), "count_label"), "6 people") == 0;
}

/* Ctrl+F opens the search, Escape in it closes and clears it. */
static void
test_search_escape (void)
{
  g_autofree char *db = copy_lfw_db ();
  VisageWindow *window = open_window (db);
  VisagePeoplePage *page = window->people_page;
  Want want = { .page = page, .state = VISAGE_PEOPLE_STATE_LIST, .n_shown = 6 };
  GtkWidget *focus;

  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  vs_gui_test_press_key (GTK_WIDGET (window), GDK_KEY_f, GDK_CONTROL_MASK);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY));

  /* Typed into the entry. */
  vs_gui_test_press_key (focus, GDK_KEY_e, 0);
  vs_gui_test_press_key (focus, GDK_KEY_r, 0);
  want.n_shown = 2;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (page), "count_label"), ==, "2 of 6 people");
  g_free (vs_gui_test_save_png (GTK_WIDGET (window), "people-search.png"));

  vs_gui_test_press_key (focus, GDK_KEY_Escape, 0);
  want.n_shown = 6;
  g_assert_true (vs_gui_test_wait_for (n_shown_is, &want, WAIT_MS));
  g_assert_true (vs_gui_test_wait_for (search_closed, &want, WAIT_MS));
  g_assert_false (focus_is_editable (GTK_WIDGET (window)));
  {
    GtkWidget *entry = gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY);
    GtkWidget *bar = gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_BAR);

    g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  }
  close_window (window);
}

/* Ten thousand people, one sample each with the same small picture. */
static char *
make_big_db (guint n)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  char *path = g_build_filename (dir, "big.db", NULL);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *pixels = g_malloc (112 * 112 * 4);
  g_autoptr(GBytes) pixel_bytes = NULL;

  for (guint i = 0; i < 112 * 112; i++)
    {
      pixels[i * 4 + 0] = (guint8) (i % 112 * 2);
      pixels[i * 4 + 1] = (guint8) (i / 112 * 2);
      pixels[i * 4 + 2] = 160;
      pixels[i * 4 + 3] = 255;
    }
  pixel_bytes = g_bytes_new_take (g_steal_pointer (&pixels), 112 * 112 * 4);
  texture = gdk_memory_texture_new (112, 112, GDK_MEMORY_R8G8B8A8, pixel_bytes, 112 * 4);
  png = gdk_texture_save_to_png_bytes (texture);

  vs_test_bulk_insert_people (path, n, 1, "mobilefacenet_paddlex", 128, png, 6);
  return path;
}

static gboolean
rows_drawn (gpointer data)
{
  VisagePeoplePage *page = data;

  return n_rows (page) > 0 && gtk_widget_get_mapped (GTK_WIDGET (page));
}

static void
frame_cb (GdkFrameClock *clock,
          guint         *n_frames)
{
  (*n_frames)++;
}

static gboolean
frames_at_least (gpointer data)
{
  guint *n = data;
  return n[0] >= n[1];
}

static GtkScrolledWindow *
find_scrolled (GtkWidget *widget)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkScrolledWindow *found;

      if (GTK_IS_SCROLLED_WINDOW (w) && gtk_widget_has_css_class (w, "people-scrolled"))
        return GTK_SCROLLED_WINDOW (w);
      found = find_scrolled (w);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_ten_thousand (void)
{
  g_autofree char *db = make_big_db (10000);
  GtkWidget *window;
  VisagePeoplePage *page;
  g_autoptr(VsStore) store = NULL;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  GdkFrameClock *clock;
  guint frames[2] = { 0, 0 };
  gulong handler;
  gint64 start, opened, scroll_start;
  double open_ms, switch_ms, scroll_ms;
  g_autofree char *png = NULL;

  /* 1. The page alone: open the store, build the page, first frame with
   * rows on screen. GTK's own first-window costs (renderer, theme) are
   * paid by a warm-up window, as the Visage window has paid them when the
   * People page opens. */
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), g_object_new (VISAGE_TYPE_PEOPLE_PAGE, NULL));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (vs_gui_test_wait_allocated (window, WAIT_MS));
  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (100);

  start = g_get_monotonic_time ();
  store = vs_store_open (db, NULL);
  g_assert_nonnull (store);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 700);
  page = g_object_new (VISAGE_TYPE_PEOPLE_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  visage_people_page_set_store (page, store, NULL);
  g_test_message ("10,000 people: store opened, loaded, filtered and sorted in %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (vs_gui_test_wait_for (rows_drawn, page, WAIT_MS));
  clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_cb), &frames[0]);
  frames[1] = 1;
  g_assert_true (vs_gui_test_wait_for (frames_at_least, frames, WAIT_MS));
  opened = g_get_monotonic_time ();
  open_ms = (opened - start) / 1000.0;
  g_test_message ("People page with 10,000 people: open to first frame in %.0f ms (%u rows realized)",
                  open_ms, n_rows (page));
  g_assert_cmpuint (visage_people_page_get_n_people (page), ==, 10000);
  g_assert_cmpstr (vs_gui_test_label_text (GTK_WIDGET (page), "count_label"), ==, "10000 people");
  /* Far fewer rows than people: they are recycled. */
  g_assert_cmpuint (n_rows (page), <, 200);

  /* 2. Scrolling: 200 page-downs, each drawn. */
  scrolled = find_scrolled (GTK_WIDGET (page));
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  scroll_start = g_get_monotonic_time ();
  for (guint i = 0; i < 200; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) +
                                gtk_adjustment_get_page_size (adjustment));
      frames[1] = frames[0] + 1;
      g_assert_true (vs_gui_test_wait_for (frames_at_least, frames, WAIT_MS));
    }
  scroll_ms = (g_get_monotonic_time () - scroll_start) / 1000.0 / 200;
  g_test_message ("Scrolling: %.1f ms per page-down frame (200 pages, thumbnails loading)", scroll_ms);
  vs_gui_test_run_for (300);
  png = vs_gui_test_save_png (window, "people-10000.png");
  g_signal_handler_disconnect (clock, handler);
  gtk_window_destroy (GTK_WINDOW (window));
  vs_gui_test_run_for (100);

  /* 3. In the Visage window: switching from Live to People. */
  {
    g_autoptr(VisageSession) session = visage_application_dup_session (app, db, NULL, NULL);
    VisageWindow *visage = g_object_new (VISAGE_TYPE_WINDOW,
                                         "application", app,
                                         "session", session,
                                         "source", "test",
                                         NULL);

    gtk_window_present (GTK_WINDOW (visage));
    g_assert_true (vs_gui_test_wait_allocated (GTK_WIDGET (visage), WAIT_MS));
    frames[0] = 0;
    handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (visage)), "after-paint",
                                G_CALLBACK (frame_cb), &frames[0]);
    start = g_get_monotonic_time ();
    gtk_widget_activate_action (GTK_WIDGET (visage), "win.show-page", "s", "people");
    g_assert_true (vs_gui_test_wait_for (rows_drawn, visage->people_page, WAIT_MS));
    frames[1] = frames[0] + 1;
    g_assert_true (vs_gui_test_wait_for (frames_at_least, frames, WAIT_MS));
    switch_ms = (g_get_monotonic_time () - start) / 1000.0;
    g_test_message ("Switching to the People page with 10,000 people: %.0f ms", switch_ms);
    g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (visage)), handler);
    close_window (visage);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  vs_test_init (&argc, &argv);
  vs_gui_test_init (&argc, &argv);

  make_lfw_db ();

  app = visage_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/people-page/dates", test_dates);
  g_test_add_func ("/people-page/empty-state", test_empty_state);
  g_test_add_func ("/people-page/list-search-sort", test_list_search_sort);
  g_test_add_func ("/people-page/rename", test_rename);
  g_test_add_func ("/people-page/delete-undo", test_delete_undo);
  g_test_add_func ("/people-page/delete-expire", test_delete_expire);
  g_test_add_func ("/people-page/person-page-keys", test_person_page_keys);
  g_test_add_func ("/people-page/list-row-delete", test_list_row_delete);
  g_test_add_func ("/people-page/search-escape", test_search_escape);
  g_test_add_func ("/people-page/accessible-labels", test_accessible_labels);
  g_test_add_func ("/people-page/cli-changes", test_cli_changes);
  g_test_add_func ("/people-page/ten-thousand", test_ten_thousand);

  status = g_test_run ();

  vs_gui_test_destroy_all_windows ();
  g_clear_object (&app);
  g_free (lfw_db);
  return status;
}

/* visage-people-page.h: everyone enrolled: a searchable, sortable list
 * (thumbnails loaded lazily, so ten thousand people open at once), one
 * person's page, and deletion with an undo toast.
 *
 * The list follows the database by itself (VsPeopleModel polls its data
 * version), including changes made by visage-cli in another process.
 * Deleted people disappear at once but are erased from the database only
 * when the undo toast goes away — or when the page is destroyed or
 * visage_people_page_flush_deletions() is called (quitting).
 */
#pragma once

#include <adwaita.h>

#include "visage-person-page.h"
#include "vs-people-model.h"
#include "vs-store.h"

G_BEGIN_DECLS

typedef enum {
  VISAGE_PEOPLE_STATE_LIST,        /* the list of people */
  VISAGE_PEOPLE_STATE_EMPTY,       /* nobody enrolled yet */
  VISAGE_PEOPLE_STATE_NO_RESULTS,  /* nobody matches the search */
  VISAGE_PEOPLE_STATE_ERROR,       /* the database cannot be read */
  VISAGE_PEOPLE_STATE_PERSON,      /* one person's page */
} VisagePeopleState;

GType visage_people_state_get_type (void);
#define VISAGE_TYPE_PEOPLE_STATE (visage_people_state_get_type ())

#define VISAGE_TYPE_PEOPLE_PAGE (visage_people_page_get_type ())
G_DECLARE_FINAL_TYPE (VisagePeoplePage, visage_people_page, VISAGE, PEOPLE_PAGE, GtkWidget)

/* The store is read on the main thread; NULL shows the error state with
 * message. Properties: "n-people" (guint, read-only), "undo-timeout"
 * (guint seconds, default 10). */
void     visage_people_page_set_store   (VisagePeoplePage *self,
                                         VsStore          *store,
                                         const char       *message);
/* The same with a model someone shares (the session's): the page lists
 * it and stages its deletions there. */
void     visage_people_page_set_model   (VisagePeoplePage *self,
                                         VsPeopleModel    *model);
/* The page follows the database by itself (its model listens to the
 * store's monitor and reads on a worker): this only makes sure a change is
 * on its way, without reading anything on the caller's thread. */
void     visage_people_page_reload      (VisagePeoplePage *self);
guint    visage_people_page_get_n_people (VisagePeoplePage *self);

/* Erases every deletion still waiting for its undo toast, now. */
void     visage_people_page_flush_deletions (VisagePeoplePage *self);

/* Hides the people, shows the undo toast and erases them when it goes
 * (what "Delete" does after the confirmation). Returns the deletion's
 * token, 0 when none of the ids is shown. */
guint    visage_people_page_delete_people (VisagePeoplePage *self,
                                           const gint64     *person_ids,
                                           guint             n_ids);
/* Undoes the latest deletion still undoable (the toast's Undo, Ctrl+Z). */
gboolean visage_people_page_undo        (VisagePeoplePage *self);

/* Navigation. */
gboolean visage_people_page_show_person (VisagePeoplePage *self,
                                         gint64            person_id);
void     visage_people_page_show_list   (VisagePeoplePage *self);
/* What the page shows. */
VisagePeopleState visage_people_page_get_state (VisagePeoplePage *self);

/* For tests and the window. */
void     visage_people_page_set_search_text (VisagePeoplePage *self,
                                             const char       *text);
void     visage_people_page_set_sort    (VisagePeoplePage *self,
                                         VsPeopleSort      sort);
void     visage_people_page_set_selection_mode (VisagePeoplePage *self,
                                                gboolean          selection_mode);
VsPeopleModel    *visage_people_page_get_model       (VisagePeoplePage *self);
/* What the list shows (searched and sorted): a GtkSelectionModel. */
GListModel       *visage_people_page_get_shown_model (VisagePeoplePage *self);

G_END_DECLS

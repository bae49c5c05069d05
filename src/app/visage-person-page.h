/* visage-person-page.h: one enrolled person: their face samples (each can
 * be removed), their name (renamed in a popover: F2 or the pencil), when
 * they were added and last seen, and the buttons to add samples, export
 * their data or delete them. No text field is on the page itself: Delete
 * with the focus anywhere on it asks to delete the person.
 *
 * Actions (person.*): "add-samples", "export", "delete", "remove-sample"
 * (x: sample id), "rename". Deleting is not done here: the page emits
 * "delete-requested" (gint64 person_id) and the People page confirms it and
 * offers the undo. "renamed" (const char *name) follows a rename.
 */
#pragma once

#include <adwaita.h>

#include "vs-people-model.h"
#include "vs-store.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_PERSON_PAGE (visage_person_page_get_type ())
G_DECLARE_FINAL_TYPE (VisagePersonPage, visage_person_page, VISAGE, PERSON_PAGE, GtkWidget)

/* Shows the person of item (NULL: nobody) read from store. */
void          visage_person_page_set_person  (VisagePersonPage *self,
                                              VsStore          *store,
                                              VsPersonItem     *item);
VsPersonItem *visage_person_page_get_item    (VisagePersonPage *self);
gint64        visage_person_page_get_person_id (VisagePersonPage *self);
/* Reads the samples again (after a change in the database). */
void          visage_person_page_reload      (VisagePersonPage *self);

/* What the rename popover's Rename does: checks the name (FALSE and the
 * problem under the entry when it is not one), then renames in the store
 * on a worker; when stored, the page shows the name, the popover closes
 * and ::renamed is emitted; when refused (someone else has the name), the
 * problem shows under the entry. */
gboolean      visage_person_page_rename      (VisagePersonPage *self,
                                              const char       *new_name);
/* The rename popover is open. */
gboolean      visage_person_page_is_renaming (VisagePersonPage *self);

G_END_DECLS

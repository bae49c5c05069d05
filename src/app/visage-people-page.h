/* visage-people-page.h: the people enrolled (names only until the People
 * page gets its own issue). */
#pragma once

#include <adwaita.h>

#include "vs-store.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_PEOPLE_PAGE (visage_people_page_get_type ())
G_DECLARE_FINAL_TYPE (VisagePeoplePage, visage_people_page, VISAGE, PEOPLE_PAGE, GtkWidget)

/* The store is read on the main thread; NULL shows the error state with
 * message. */
void     visage_people_page_set_store   (VisagePeoplePage *self,
                                         VsStore          *store,
                                         const char       *message);
/* Reads the list again (the window calls it when the gallery changes). */
void     visage_people_page_reload      (VisagePeoplePage *self);
guint    visage_people_page_get_n_people (VisagePeoplePage *self);

G_END_DECLS

/* visage-person-row.h: one person in the People list: their face, name,
 * number of samples and when they were last seen. */
#pragma once

#include <adwaita.h>

#include "vs-people-model.h"

G_BEGIN_DECLS

#define VISAGE_TYPE_PERSON_ROW (visage_person_row_get_type ())
G_DECLARE_FINAL_TYPE (VisagePersonRow, visage_person_row, VISAGE, PERSON_ROW, GtkWidget)

GtkWidget    *visage_person_row_new            (void);
/* Follows the item's properties until another item (or NULL) is set. */
void          visage_person_row_set_item       (VisagePersonRow *self,
                                                VsPersonItem    *item);
VsPersonItem *visage_person_row_get_item       (VisagePersonRow *self);
/* The face picture; NULL shows the initials. */
void          visage_person_row_set_thumbnail  (VisagePersonRow *self,
                                                GdkPaintable    *thumbnail);
/* Shows the check button that mirrors the row's selection. */
void          visage_person_row_set_selection_mode (VisagePersonRow *self,
                                                    gboolean         selection_mode);
GtkCheckButton *visage_person_row_get_check_button (VisagePersonRow *self);
/* Rewrites "last seen" (relative times age). */
void          visage_person_row_update_text    (VisagePersonRow *self);

/* "Never", "Just now", "5 minutes ago", "Yesterday", or a date. */
char         *visage_format_last_seen          (gint64           when,
                                                gint64           now);
/* "4 face samples" */
char         *visage_format_n_samples          (guint            n_samples);

G_END_DECLS

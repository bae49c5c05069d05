/* vs-export.h: a person's data, as they may ask for it (the right of
 * access): one folder with person.json (name, dates, every sample with its
 * embedding as numbers) and the face crops as PNG files.
 *
 * Used by the People page and by `visage-cli people export ID DIR`.
 */
#pragma once

#include <gio/gio.h>

#include "vs-store.h"

G_BEGIN_DECLS

#define VS_EXPORT_ERROR (vs_export_error_quark ())
GQuark vs_export_error_quark (void);

typedef enum {
  VS_EXPORT_ERROR_NOT_A_FOLDER,   /* the destination is missing or not a folder */
  VS_EXPORT_ERROR_WRITE,          /* creating or writing a file failed */
} VsExportError;

/* "<name>-<id>" with characters that are unsafe in file names replaced. */
char *vs_export_folder_name (const char *name,
                             gint64      person_id);

/* Creates a new folder in dir (0700; "-2", "-3"… appended if the name is
 * taken) and writes person.json and sample-<id>.png into it (0600). On
 * error nothing is left behind. Returns the new folder's path. */
char *vs_export_person      (VsStore     *store,
                             gint64       person_id,
                             const char  *dir,
                             GError     **error);

G_END_DECLS

/* vs-name.h: people's names, the one place that says what a name may be and
 * when two names are the same person's.
 *
 * A name is shown to a front desk and typed back by it: it must look like
 * what it is. So a name needs a visible character, may not carry
 * bidirectional overrides (U+202E then “ecilA” displays as “Alice”), and two names that
 * differ only in case, accents, width or invisible characters are the same
 * name (the comparison key). The CLI, the GUI and the store all go through
 * these functions.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_NAME_ERROR (vs_name_error_quark ())
GQuark vs_name_error_quark (void);

typedef enum {
  VS_NAME_ERROR_INVALID,   /* the message says why, for the user */
} VsNameError;

/* Longest name, in characters after normalisation. */
#define VS_NAME_MAX_CHARS 100

/* Trims white space at both ends, makes every run of spaces one space,
 * composes (NFC). Refuses text that is not UTF-8, an empty name, control
 * characters, bidirectional controls, a name with no visible character and a
 * name longer than VS_NAME_MAX_CHARS. Returns the normalised copy. */
char     *vs_name_normalize (const char  *name,
                             GError     **error);

/* What two names are compared by: case-folded, compatibility-decomposed,
 * without combining accents and invisible format characters, single
 * spaces, no space at the ends. “Émile  Zola”, “emile zola” and
 * “EMILE\u200BZOLA” have one key. Also what a search box compares. NULL
 * gives "". */
char     *vs_name_key       (const char  *name);

/* TRUE when a and b are the same name by their keys. */
gboolean  vs_name_equal     (const char  *a,
                             const char  *b);

G_END_DECLS

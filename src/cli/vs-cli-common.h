/* vs-cli-common.h: what every visage-cli command shares — the global
 * options, exit codes, error reporting and JSON output. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vs-engine.h"
#include "vs-store.h"

G_BEGIN_DECLS

/* Documented in README.md and `visage-cli --help`. */
typedef enum {
  VS_EXIT_OK       = 0,  /* done; for verify/identify: a match */
  VS_EXIT_NO_MATCH = 1,  /* verify: different people; identify: nobody known */
  VS_EXIT_USAGE    = 2,  /* bad command line */
  VS_EXIT_INPUT    = 3,  /* a file could not be read or had no usable face; no such person */
  VS_EXIT_MODEL    = 4,  /* a model is missing, damaged or refused by OpenCV */
  VS_EXIT_DATABASE = 5,  /* the database could not be opened or changed */
  VS_EXIT_FAILED   = 6,  /* anything else */
  VS_EXIT_PARTIAL  = 7,  /* import: some people were saved, others failed (see the output) */
} VsExit;

typedef struct {
  char     *db_path;
  char     *models_dir;
  char     *embedder;
  gboolean  json;
  gboolean  quiet;
} VsCliOptions;

/* A GOptionContext whose main group holds `entries` plus --db, --models,
 * --embedder, --json and --quiet, stored in opts. */
GOptionContext *vs_cli_context_new    (const char          *parameter_string,
                                       const char          *summary,
                                       const GOptionEntry  *entries,
                                       VsCliOptions        *opts);
/* Parses; on failure prints the error and a hint to stderr and returns FALSE
 * (exit with VS_EXIT_USAGE). */
gboolean        vs_cli_parse          (GOptionContext      *context,
                                       int                 *argc,
                                       char              ***argv);
void            vs_cli_options_clear  (VsCliOptions        *opts);
/* g_auto(VsCliOptions): frees the options on every return path. */
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VsCliOptions, vs_cli_options_clear)

/* Prints "visage-cli: message" (to stderr) and returns the exit code for
 * the error's domain. */
int             vs_cli_fail           (const GError        *error);
int             vs_cli_usage          (GOptionContext      *context,
                                       const char          *format,
                                       ...) G_GNUC_PRINTF (2, 3);
int             vs_cli_exit_code_for  (const GError        *error);

typedef enum {
  VS_CLI_READ,    /* never creates, converts or migrates a database */
  VS_CLI_WRITE,
} VsCliAccess;

VsStore        *vs_cli_open_store     (const VsCliOptions  *opts,
                                       VsCliAccess          access,
                                       GError             **error);
VsEngine       *vs_cli_open_engine    (const VsCliOptions  *opts,
                                       GError             **error);
/* Unless --embedder was given, sets opts->embedder to the one the
 * database's faces are in (vs_store_dup_embedder), so that an engine opened
 * afterwards compares like with like. Call between opening the store and
 * the engine. */
void            vs_cli_use_store_embedder (VsCliOptions    *opts,
                                           VsStore         *store);

/* One JSON document on one line on stdout. Takes ownership of node.
 * Every fractional number is rounded to what it means, by its member name
 * (see json_places() in vs-cli-common.c: similarities and scores to 4
 * places, pixels to 1, milliseconds to 2); NaN and infinities are null. */
void            vs_cli_print_json     (JsonNode            *node);
/* The same text, for a caller that writes it somewhere else. */
char           *vs_cli_json_to_string (JsonNode            *node);

/* Progress on stderr for long commands (import, enroll, reembed, bench): a
 * line redrawn in place when stderr is a terminal, else a plain line every
 * 5 % (log files get no carriage returns); nothing with --quiet. One per
 * process; step and set may be called from any thread. */
void            vs_cli_progress_begin (const VsCliOptions  *opts,
                                       const char          *what,
                                       guint                total);
/* One more item done; item (a file name…) is shown beside the count. */
void            vs_cli_progress_step  (const char          *item);
void            vs_cli_progress_set   (guint                done,
                                       guint                total);
/* Ends the live line; a no-op when no progress was begun. */
void            vs_cli_progress_end   (void);

/* Expands folders (their pictures, sorted, not recursive) and keeps files. */
GPtrArray      *vs_cli_collect_images (char               **paths);

/* The match parameters for the engine's embedder: threshold_override when
 * positive (--threshold), else the GUI's setting when its schema is
 * installed and the user changed it, else the model's default. */
void            vs_cli_match_params   (VsEngine            *engine,
                                       float                threshold_override,
                                       VsMatchParams       *params);
void            vs_cli_match_params_for (const char        *embedder,
                                         float              threshold_override,
                                         VsMatchParams     *params);

G_END_DECLS

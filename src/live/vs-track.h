/* vs-track.h: one face followed across frames by the recognition worker, as
 * the main thread sees it. Items of the live model (a GListModel of VsTrack);
 * the overlay draws them, tests read them. Main thread only. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  VS_TRACK_IDENTIFYING,   /* not yet sure who it is */
  VS_TRACK_KNOWN,         /* name decided by the vote */
  VS_TRACK_UNKNOWN,       /* decided: nobody we know */
} VsTrackState;

GType vs_track_state_get_type (void);
#define VS_TYPE_TRACK_STATE (vs_track_state_get_type ())

/* What the worker sends for one track in one processed frame. Box in frame
 * coordinates normalised to 0..1, so the overlay is independent of the
 * recognition working size. */
typedef struct {
  guint         id;
  VsTrackState  state;
  gint64        person_id;   /* 0 unless KNOWN */
  char         *name;        /* NULL unless KNOWN */
  float         score;       /* similarity of the decided (or leading) person */
  float         x, y, width, height;
  float         landmarks[5][2];  /* normalised too */
} VsTrackInfo;

void vs_track_info_clear (VsTrackInfo *info);

#define VS_TYPE_TRACK (vs_track_get_type ())
G_DECLARE_FINAL_TYPE (VsTrack, vs_track, VS, TRACK, GObject)

/* Properties (all read-only, notified on change): "id" (guint), "state"
 * (VsTrackState), "person-id" (gint64), "name" (string, NULL unless known),
 * "score" (float), and the box via vs_track_get_box(). */
guint         vs_track_get_id        (VsTrack *self);
VsTrackState  vs_track_get_state     (VsTrack *self);
gint64        vs_track_get_person_id (VsTrack *self);
const char   *vs_track_get_name      (VsTrack *self);
float         vs_track_get_score     (VsTrack *self);
void          vs_track_get_box       (VsTrack *self,
                                      float   *x,
                                      float   *y,
                                      float   *width,
                                      float   *height);
/* The label a person sees: the name, "Unknown" or "Identifying…" (translated). */
const char   *vs_track_get_label     (VsTrack *self);

G_END_DECLS

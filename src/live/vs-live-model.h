/* vs-live-model.h: the faces on screen now, a GListModel of VsTrack.
 *
 * Updated in place on the main thread from the recognition results: a track
 * keeps its object while it lives (only changed properties are notified),
 * items-changed is emitted for tracks that come and go. The overlay draws it,
 * tests read it. Main thread only.
 */
#pragma once

#include <gio/gio.h>
#include "vs-track.h"

G_BEGIN_DECLS

#define VS_TYPE_LIVE_MODEL (vs_live_model_get_type ())
G_DECLARE_FINAL_TYPE (VsLiveModel, vs_live_model, VS, LIVE_MODEL, GObject)

VsLiveModel *vs_live_model_new          (void);

/* Replaces the content by these tracks (all living tracks of one processed
 * frame): matching ids are updated in place, others added or removed.
 * frame_width/height describe the frame the boxes come from (property
 * "frame-width"/"frame-height", for the aspect ratio). */
void         vs_live_model_update       (VsLiveModel       *self,
                                         const VsTrackInfo *tracks,
                                         guint              n_tracks,
                                         int                frame_width,
                                         int                frame_height);
void         vs_live_model_clear        (VsLiveModel       *self);

/* g_get_monotonic_time() when the frame the boxes belong to arrived (0:
 * none): the overlay hides boxes much older than the picture under them. */
void         vs_live_model_set_capture_time (VsLiveModel   *self,
                                             gint64         capture_time_us);
gint64       vs_live_model_get_capture_time (VsLiveModel   *self);

/* NULL when absent; no new reference. */
VsTrack     *vs_live_model_lookup       (VsLiveModel       *self,
                                         guint              track_id);
int          vs_live_model_get_frame_width  (VsLiveModel *self);
int          vs_live_model_get_frame_height (VsLiveModel *self);

G_END_DECLS

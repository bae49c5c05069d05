/* vs-track-private.h: how the live model creates and updates its tracks. */
#pragma once

#include "vs-track.h"

G_BEGIN_DECLS

VsTrack *vs_track_new    (const VsTrackInfo *info);
/* Copies info into the track, notifying only the properties that changed.
 * Returns TRUE when anything (the box included) changed. */
gboolean vs_track_update (VsTrack           *self,
                          const VsTrackInfo *info);
void     vs_track_info_copy (VsTrackInfo       *dest,
                             const VsTrackInfo *src);

G_END_DECLS

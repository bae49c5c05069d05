/* vs-tracker.h: follows faces across frames and votes on who each one is.
 *
 * Pure bookkeeping, no threads and no models: the recognition worker feeds it
 * the detections of every frame it processes and, for the tracks it says need
 * it, the gallery's answer for a fresh embedding. Unit-tested on its own.
 */
#pragma once

#include <glib.h>
#include "vs-face.h"
#include "vs-track.h"

G_BEGIN_DECLS

typedef struct {
  /* Association */
  float  iou_threshold;         /* same face when IoU ≥ this (0.3) */
  float  centre_distance;       /* …or centres closer than this × box size (0.5) */
  /* A new face becomes a track (an id, events, embeddings) once it was seen
   * in this many processed frames in a row: one-frame false detections
   * never show. */
  guint  min_hits;              /* 2 */
  /* Death: a track missed for this many processed frames or this long goes. */
  guint  max_missed_frames;     /* 8 */
  gint64 max_missed_us;         /* 1 s */
  /* Times are the frames' own (their timestamps): a frame more than
   * max_gap_us after a track was last seen, or before it, continues no track,
   * even with a face at the same place. That is how a discontinuity of the
   * source (a new picture, a seek, another camera: VsCamera's clock jumps)
   * starts new tracks, while a slow worker that sees a frame a second still
   * follows its faces. */
  gint64 max_gap_us;            /* 5 s */
  /* A box is shown while its face was seen this recently (frame time): a
   * face that left loses its box quickly, while the track lives on for
   * max_missed_us in case the face comes back. */
  gint64 box_timeout_us;        /* 250 ms */
  /* Voting over the last vote_window answers. */
  guint  vote_window;           /* n = 5 */
  guint  votes_to_know;         /* k = 3 votes for one person: KNOWN */
  guint  votes_to_unknown;      /* 3 "nobody" votes: UNKNOWN */
  guint  votes_to_switch;       /* 4 of n for another answer to replace a decision */
  /* Once decided (and the last answer agreed), embed again this often: a
   * name is checked at every processed frame (0), "unknown" less often. */
  gint64 recheck_known_us;      /* 0 */
  gint64 recheck_unknown_us;    /* 300 ms */
  /* Identity check: a new embedding whose cosine similarity to the track's
   * aggregate is below this is another face (someone stepped in where the
   * last person stood): the track ends and a new one starts. 0: no check;
   * the recognizer sets the embedder's 1:1 verify threshold. */
  float  same_face_similarity;  /* 0 */
} VsTrackerParams;

void vs_tracker_params_init (VsTrackerParams *params);

typedef enum {
  VS_TRACKER_EVENT_ADDED,
  VS_TRACKER_EVENT_DECIDED,     /* state or person changed to a decision */
  VS_TRACKER_EVENT_REMOVED,
} VsTrackerEventType;

typedef struct {
  VsTrackerEventType type;
  guint              track_id;
  VsTrackState       state;
  gint64             person_id;
  char              *name;       /* owned; NULL unless KNOWN */
  float              score;
  gint64             time_us;    /* time of the frame that caused it */
  guint64            frame_number;  /* set by the recognizer; 0 here */
} VsTrackerEvent;

void vs_tracker_event_clear (VsTrackerEvent *event);

/* One vote: what the gallery said about one embedding of the face. */
typedef enum {
  VS_VOTE_PERSON,       /* person_id, name, score */
  VS_VOTE_UNKNOWN,      /* nobody above the threshold */
  VS_VOTE_ABSTAIN,      /* ambiguous between two people: counts for nobody */
} VsVoteKind;

typedef struct {
  guint         id;              /* 0 while tentative */
  gboolean      confirmed;       /* seen min_hits times: reported and embedded */
  VsFace        face;            /* latest box, frame pixels */
  VsTrackState  state;
  gint64        person_id;       /* decided person (KNOWN), else 0 */
  char         *name;            /* decided person's name, else NULL */
  float         score;           /* best recent score of the decided/leading person */
  gint64        first_seen_us;
  gint64        last_seen_us;
  gint64        last_embed_us;   /* 0 before the first embedding */
  gint64        decided_us;      /* frame time of the last decision, 0 if none */
  guint         missed;          /* processed frames since last matched; 0 = in this frame */
  guint         n_embeds;
} VsTrackerTrack;

typedef struct _VsTracker VsTracker;

VsTracker   *vs_tracker_new            (const VsTrackerParams *params);  /* NULL: defaults */
void         vs_tracker_free           (VsTracker             *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsTracker, vs_tracker_free)

const VsTrackerParams *vs_tracker_get_params (VsTracker *self);

/* Associates the faces of one frame (VsFace, frame pixels) with the tracks:
 * matched tracks move, unmatched faces start tracks, tracks missed too long
 * die. time_us is the frame's time (monotonic). */
void         vs_tracker_update         (VsTracker             *self,
                                        const GArray          *faces,
                                        gint64                 time_us);

/* Living tracks, oldest first (including ones missed for a few frames, and
 * tentative ones: skip those that are not confirmed). */
guint                 vs_tracker_get_n_tracks (VsTracker *self);
const VsTrackerTrack *vs_tracker_get_track    (VsTracker *self,
                                               guint      index);
const VsTrackerTrack *vs_tracker_lookup       (VsTracker *self,
                                               guint      track_id);

/* Whether the worker should embed this track in the frame of time_us: it was
 * seen in this frame and it is new, still identifying, disputed (the last
 * vote disagreed with the decision), has too few votes, or its last embedding
 * is older than recheck_known_us / recheck_unknown_us. */
gboolean     vs_tracker_needs_embed    (VsTracker             *self,
                                        guint                  track_id,
                                        gint64                 time_us);

/* Adds a new embedding (dim values, unit length) of the face of the track to
 * the track's aggregate, weighted by its quality (weight > 0). When it
 * clearly disagrees with the aggregate (same_face_similarity), the face
 * changed: the track ends ("removed", with the name it had) and a new track
 * ("added", a new id, identifying) takes over the box with this embedding.
 * Returns the id of the track that now holds the face (0: no such track). */
guint        vs_tracker_add_embedding  (VsTracker             *self,
                                        guint                  track_id,
                                        const float           *embedding,
                                        guint                  dim,
                                        float                  weight,
                                        gint64                 time_us);
/* The quality-weighted mean of the track's embeddings since it started,
 * unit length (dim values), or NULL before the first. Valid until the next
 * call on the tracker. Identify this, not the single frame: the whole track
 * speaks for the face. */
const float *vs_tracker_get_aggregate  (VsTracker             *self,
                                        guint                  track_id);

/* Ends every track now ("removed" for the confirmed ones): the picture
 * jumped (another camera, a seek). */
void         vs_tracker_clear          (VsTracker             *self,
                                        gint64                 time_us);

/* Records the gallery's answer for a new embedding of the track and decides
 * with hysteresis. name is copied (may be NULL unless VS_VOTE_PERSON). */
void         vs_tracker_vote           (VsTracker             *self,
                                        guint                  track_id,
                                        VsVoteKind             kind,
                                        gint64                 person_id,
                                        const char            *name,
                                        float                  score,
                                        gint64                 time_us);

/* The gallery changed: forget every track's votes (decisions stay until the
 * new votes outvote them, or vs_tracker_redecide() replaces them), so they
 * are embedded again at once; names of decided people are refreshed through
 * lookup_name (NULL return keeps it). */
typedef const char *(*VsTrackerNameFunc) (gint64 person_id, gpointer user_data);
void         vs_tracker_reset_votes    (VsTracker             *self,
                                        VsTrackerNameFunc      lookup_name,
                                        gpointer               user_data);

/* After vs_tracker_reset_votes(): the new gallery's answer about the track's
 * aggregate decides at once, without waiting for new frames. The aggregate
 * holds every embedding of the track, so the answer counts as that many
 * votes (a decided track's whole window): a person enrolled while standing
 * in view is named at the very next frame, a deleted person's name drops at
 * once, and a track only one embedding old still needs its votes. A name the
 * gallery no longer gives clearly (VS_VOTE_ABSTAIN: now a look-alike's too)
 * goes back to identifying. Adds no embedding (n_embeds and last_embed_us
 * stay). */
void         vs_tracker_redecide       (VsTracker             *self,
                                        guint                  track_id,
                                        VsVoteKind             kind,
                                        gint64                 person_id,
                                        const char            *name,
                                        float                  score,
                                        gint64                 time_us);

/* Events since the last call (VsTrackerEvent, with a clear func); the caller
 * owns the array. */
GArray      *vs_tracker_take_events    (VsTracker             *self);

G_END_DECLS

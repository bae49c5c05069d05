/* vs-tracker.c: association of detections with tracks, and the identity vote.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vs-tracker.h"

typedef struct {
  VsVoteKind kind;
  gint64     person_id;
  char      *name;
  float      score;
} Vote;

typedef struct {
  VsTrackerTrack pub;
  /* Centre velocity in pixels per µs, to predict where a moving face is in a
   * later frame when recognition runs at a few frames per second. */
  double         vx, vy;
  gboolean       has_velocity;
  guint          hits;       /* frames matched in a row while tentative */
  Vote          *votes;      /* ring of params.vote_window */
  guint          n_votes;    /* filled entries, ≤ vote_window */
  guint          next_vote;  /* ring position of the next vote */
  gboolean       disputed;   /* last vote disagreed with the decision */
  /* The aggregate: quality-weighted sum of the embeddings, and its unit
   * length copy for callers. */
  double        *sum;
  float         *mean;
  guint          dim;
  double         total_weight;
} Track;

struct _VsTracker {
  VsTrackerParams params;
  GPtrArray      *tracks;     /* Track*, oldest first */
  GArray         *events;     /* VsTrackerEvent */
  guint           next_id;
};

void
vs_tracker_params_init (VsTrackerParams *params)
{
  g_return_if_fail (params != NULL);

  *params = (VsTrackerParams) {
    .iou_threshold = 0.3f,
    .centre_distance = 0.5f,
    .min_hits = 2,
    .max_missed_frames = 8,
    .max_missed_us = G_USEC_PER_SEC,
    .max_gap_us = 5 * G_USEC_PER_SEC,
    .box_timeout_us = 250 * 1000,
    .vote_window = 5,
    .votes_to_know = 3,
    .votes_to_unknown = 3,
    .votes_to_switch = 4,
    .recheck_known_us = 0,
    .recheck_unknown_us = 300 * 1000,
    .same_face_similarity = 0.f,
  };
}

void
vs_tracker_event_clear (VsTrackerEvent *event)
{
  g_clear_pointer (&event->name, g_free);
}

static void
vote_clear (Vote *vote)
{
  g_clear_pointer (&vote->name, g_free);
  vote->kind = VS_VOTE_ABSTAIN;
  vote->person_id = 0;
  vote->score = 0.f;
}

static void
track_free (gpointer data)
{
  Track *track = data;

  for (guint i = 0; track->votes != NULL && i < track->n_votes; i++)
    vote_clear (&track->votes[i]);
  g_free (track->votes);
  g_free (track->pub.name);
  g_free (track->sum);
  g_free (track->mean);
  g_free (track);
}

VsTracker *
vs_tracker_new (const VsTrackerParams *params)
{
  VsTracker *self = g_new0 (VsTracker, 1);

  if (params != NULL)
    self->params = *params;
  else
    vs_tracker_params_init (&self->params);

  /* Keep the vote meaningful whatever the caller asked for. */
  self->params.vote_window = MAX (self->params.vote_window, 1);
  self->params.votes_to_know = CLAMP (self->params.votes_to_know, 1, self->params.vote_window);
  self->params.votes_to_unknown = CLAMP (self->params.votes_to_unknown, 1, self->params.vote_window);
  self->params.votes_to_switch = CLAMP (self->params.votes_to_switch, 1, self->params.vote_window);
  self->params.max_missed_frames = MAX (self->params.max_missed_frames, 1);
  self->params.min_hits = MAX (self->params.min_hits, 1);

  self->tracks = g_ptr_array_new_with_free_func (track_free);
  self->events = g_array_new (FALSE, TRUE, sizeof (VsTrackerEvent));
  g_array_set_clear_func (self->events, (GDestroyNotify) vs_tracker_event_clear);
  self->next_id = 1;
  return self;
}

void
vs_tracker_free (VsTracker *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->tracks);
  g_array_unref (self->events);
  g_free (self);
}

const VsTrackerParams *
vs_tracker_get_params (VsTracker *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->params;
}

static void
push_event (VsTracker          *self,
            VsTrackerEventType  type,
            const Track        *track,
            gint64              time_us)
{
  VsTrackerEvent event = {
    .type = type,
    .track_id = track->pub.id,
    .state = track->pub.state,
    .person_id = track->pub.person_id,
    .name = g_strdup (track->pub.name),
    .score = track->pub.score,
    .time_us = time_us,
  };
  g_array_append_val (self->events, event);
}

/* Association */

typedef struct {
  guint track;   /* index in self->tracks */
  guint face;
  float score;   /* higher is better: 1 + IoU, or 1 − relative distance */
} Candidate;

static int
candidate_compare (gconstpointer a,
                   gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  if (ca->score != cb->score)
    return ca->score > cb->score ? -1 : 1;
  /* Stable for equal scores: older track, then earlier face. */
  if (ca->track != cb->track)
    return ca->track < cb->track ? -1 : 1;
  return ca->face < cb->face ? -1 : (ca->face > cb->face);
}

static float
box_iou (float ax, float ay, float aw, float ah,
         float bx, float by, float bw, float bh)
{
  float x0 = MAX (ax, bx), y0 = MAX (ay, by);
  float x1 = MIN (ax + aw, bx + bw), y1 = MIN (ay + ah, by + bh);
  float inter, uni;

  if (x1 <= x0 || y1 <= y0)
    return 0.f;
  inter = (x1 - x0) * (y1 - y0);
  uni = aw * ah + bw * bh - inter;
  return uni > 0.f ? inter / uni : 0.f;
}

static float
match_score_at (const VsTracker *self,
                const VsFace    *last,
                float            px,
                float            py,
                const VsFace    *face)
{
  float iou = box_iou (px, py, last->width, last->height,
                       face->x, face->y, face->width, face->height);
  float ratio, size, dx, dy, dist;

  if (iou >= self->params.iou_threshold)
    return 1.f + iou;

  if (last->width <= 0.f || face->width <= 0.f)
    return 0.f;
  ratio = face->width / last->width;
  if (ratio < 0.5f || ratio > 2.f)
    return 0.f;

  size = MAX (last->width, face->width);
  dx = (face->x + face->width / 2) - (px + last->width / 2);
  dy = (face->y + face->height / 2) - (py + last->height / 2);
  dist = sqrtf (dx * dx + dy * dy) / size;
  if (dist < self->params.centre_distance)
    return 1.f - dist;
  return 0.f;
}

static float
match_score (const VsTracker *self,
             const Track     *track,
             const VsFace    *face,
             gint64           time_us)
{
  const VsFace *last = &track->pub.face;
  /* Predict where the face is now, never further than a box away: frame
   * times can come in bursts, and a prediction is only a hint. The box where
   * it was last seen counts too, whichever matches better. */
  double dt = (double) CLAMP (time_us - track->pub.last_seen_us, 0, G_USEC_PER_SEC / 2);
  float mx = CLAMP ((float) (track->vx * dt), -last->width, last->width);
  float my = CLAMP ((float) (track->vy * dt), -last->height, last->height);
  float predicted = match_score_at (self, last, last->x + mx, last->y + my, face);
  float still = match_score_at (self, last, last->x, last->y, face);

  return MAX (predicted, still);
}

static void
track_move (Track        *track,
            const VsFace *face,
            gint64        time_us)
{
  /* Arrival times come in bursts: a velocity over a very short interval is
   * noise, so never divide by less than 20 ms. */
  double dt = (double) MAX (time_us - track->pub.last_seen_us, 20 * 1000);
  double cx0 = track->pub.face.x + track->pub.face.width / 2;
  double cy0 = track->pub.face.y + track->pub.face.height / 2;
  double cx1 = face->x + face->width / 2;
  double cy1 = face->y + face->height / 2;
  double ivx = (cx1 - cx0) / dt, ivy = (cy1 - cy0) / dt;

  /* Smoothed: detections jitter by a few pixels. */
  if (!track->has_velocity)
    {
      track->vx = ivx;
      track->vy = ivy;
      track->has_velocity = TRUE;
    }
  else
    {
      track->vx = 0.5 * track->vx + 0.5 * ivx;
      track->vy = 0.5 * track->vy + 0.5 * ivy;
    }

  track->pub.face = *face;
  track->pub.last_seen_us = time_us;
  track->pub.missed = 0;
}

/* One more frame where the track was seen: confirmed (an id, "added") once
 * it was seen often enough. */
static void
track_hit (VsTracker *self,
           Track     *track,
           gint64     time_us)
{
  if (track->pub.confirmed)
    return;
  if (++track->hits < self->params.min_hits)
    return;
  track->pub.confirmed = TRUE;
  track->pub.id = self->next_id++;
  push_event (self, VS_TRACKER_EVENT_ADDED, track, time_us);
}

void
vs_tracker_update (VsTracker    *self,
                   const GArray *faces,
                   gint64        time_us)
{
  g_autoptr(GArray) candidates = NULL;
  g_autofree gboolean *face_used = NULL;
  g_autofree gboolean *track_used = NULL;
  guint n_faces, n_tracks;

  g_return_if_fail (self != NULL);

  /* A frame from before a track was last seen, or too long after, cannot
   * continue it, even with a face at the same place: the source jumped. */
  for (guint t = self->tracks->len; t > 0; t--)
    {
      Track *track = g_ptr_array_index (self->tracks, t - 1);

      if (time_us >= track->pub.last_seen_us &&
          time_us - track->pub.last_seen_us < self->params.max_gap_us)
        continue;
      if (track->pub.confirmed)
        push_event (self, VS_TRACKER_EVENT_REMOVED, track, time_us);
      g_ptr_array_remove_index (self->tracks, t - 1);
    }

  n_faces = faces != NULL ? faces->len : 0;
  n_tracks = self->tracks->len;
  face_used = g_new0 (gboolean, MAX (n_faces, 1));
  track_used = g_new0 (gboolean, MAX (n_tracks, 1));
  candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  for (guint t = 0; t < n_tracks; t++)
    {
      const Track *track = g_ptr_array_index (self->tracks, t);

      for (guint f = 0; f < n_faces; f++)
        {
          const VsFace *face = &g_array_index (faces, VsFace, f);
          float score = match_score (self, track, face, time_us);

          if (score > 0.f)
            {
              Candidate c = { t, f, score };
              g_array_append_val (candidates, c);
            }
        }
    }

  /* Greedy: best pairs first, each track and face used once. */
  g_array_sort (candidates, candidate_compare);
  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, i);

      if (track_used[c->track] || face_used[c->face])
        continue;
      track_used[c->track] = TRUE;
      face_used[c->face] = TRUE;
      track_move (g_ptr_array_index (self->tracks, c->track),
                  &g_array_index (faces, VsFace, c->face), time_us);
    }

  /* Ids in the order the tracks started. */
  for (guint t = 0; t < n_tracks; t++)
    if (track_used[t])
      track_hit (self, g_ptr_array_index (self->tracks, t), time_us);

  /* Missed tracks age and die; iterate backwards to remove in place. A
   * tentative track missed once was a false detection: gone silently. */
  for (guint t = n_tracks; t > 0; t--)
    {
      Track *track = g_ptr_array_index (self->tracks, t - 1);

      if (track_used[t - 1])
        continue;
      if (!track->pub.confirmed)
        {
          g_ptr_array_remove_index (self->tracks, t - 1);
          continue;
        }
      track->pub.missed++;
      if (track->pub.missed >= self->params.max_missed_frames ||
          time_us - track->pub.last_seen_us >= self->params.max_missed_us)
        {
          push_event (self, VS_TRACKER_EVENT_REMOVED, track, time_us);
          g_ptr_array_remove_index (self->tracks, t - 1);
        }
    }

  for (guint f = 0; f < n_faces; f++)
    {
      Track *track;

      if (face_used[f])
        continue;
      track = g_new0 (Track, 1);
      track->pub.face = g_array_index (faces, VsFace, f);
      track->pub.state = VS_TRACK_IDENTIFYING;
      track->pub.first_seen_us = time_us;
      track->pub.last_seen_us = time_us;
      track->votes = g_new0 (Vote, self->params.vote_window);
      g_ptr_array_add (self->tracks, track);
      track_hit (self, track, time_us);
    }
}

guint
vs_tracker_get_n_tracks (VsTracker *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->tracks->len;
}

const VsTrackerTrack *
vs_tracker_get_track (VsTracker *self,
                      guint      index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->tracks->len, NULL);
  return &((Track *) g_ptr_array_index (self->tracks, index))->pub;
}

static Track *
find_track (VsTracker *self,
            guint      track_id)
{
  if (track_id == 0)
    return NULL;   /* tentative tracks have no id yet */
  for (guint i = 0; i < self->tracks->len; i++)
    {
      Track *track = g_ptr_array_index (self->tracks, i);
      if (track->pub.id == track_id)
        return track;
    }
  return NULL;
}

const VsTrackerTrack *
vs_tracker_lookup (VsTracker *self,
                   guint      track_id)
{
  Track *track;

  g_return_val_if_fail (self != NULL, NULL);
  track = find_track (self, track_id);
  return track != NULL ? &track->pub : NULL;
}

gboolean
vs_tracker_needs_embed (VsTracker *self,
                        guint      track_id,
                        gint64     time_us)
{
  Track *track;

  g_return_val_if_fail (self != NULL, FALSE);

  track = find_track (self, track_id);
  if (track == NULL || track->pub.missed > 0)
    return FALSE;
  if (track->pub.n_embeds == 0 ||
      track->pub.state == VS_TRACK_IDENTIFYING ||
      track->disputed)
    return TRUE;
  /* After a gallery change the window refills at once. */
  if (track->n_votes < MIN (self->params.votes_to_switch, self->params.vote_window))
    return TRUE;
  /* A wrong name is the costly error: names are checked more often. */
  if (track->pub.state == VS_TRACK_KNOWN)
    return time_us - track->pub.last_embed_us >= self->params.recheck_known_us;
  return time_us - track->pub.last_embed_us >= self->params.recheck_unknown_us;
}

/* The aggregate */

static void
track_forget_identity (VsTracker *self,
                       Track     *track)
{
  for (guint v = 0; v < self->params.vote_window; v++)
    vote_clear (&track->votes[v]);
  track->n_votes = 0;
  track->next_vote = 0;
  track->disputed = FALSE;
}

guint
vs_tracker_add_embedding (VsTracker   *self,
                          guint        track_id,
                          const float *embedding,
                          guint        dim,
                          float        weight,
                          gint64       time_us)
{
  Track *track;
  double norm = 0.0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (embedding != NULL && dim > 0, 0);

  track = find_track (self, track_id);
  if (track == NULL)
    return 0;

  if (track->dim != dim)
    {
      /* First embedding, or another embedder: start the aggregate anew. */
      g_free (track->sum);
      g_free (track->mean);
      track->sum = g_new0 (double, dim);
      track->mean = g_new0 (float, dim);
      track->dim = dim;
      track->total_weight = 0.0;
    }
  else if (track->total_weight > 0.0 && self->params.same_face_similarity > 0.f)
    {
      double dot = 0.0;

      for (guint i = 0; i < dim; i++)
        dot += (double) embedding[i] * track->mean[i];
      if (dot < self->params.same_face_similarity)
        {
          /* Someone else: the name (or "unknown") of the face before must
           * not stay on this one for a single frame more. */
          g_debug ("Track %u: embedding agrees %.2f with the track, a new face",
                   track->pub.id, dot);
          push_event (self, VS_TRACKER_EVENT_REMOVED, track, time_us);
          track->pub.id = self->next_id++;
          track->pub.state = VS_TRACK_IDENTIFYING;
          track->pub.person_id = 0;
          g_clear_pointer (&track->pub.name, g_free);
          track->pub.score = 0.f;
          track->pub.first_seen_us = time_us;
          track->pub.n_embeds = 0;
          track->pub.last_embed_us = 0;
          track->pub.decided_us = 0;
          track_forget_identity (self, track);
          memset (track->sum, 0, dim * sizeof (double));
          track->total_weight = 0.0;
          push_event (self, VS_TRACKER_EVENT_ADDED, track, time_us);
        }
    }

  weight = MAX (weight, 1e-3f);
  for (guint i = 0; i < dim; i++)
    {
      track->sum[i] += weight * (double) embedding[i];
      norm += track->sum[i] * track->sum[i];
    }
  track->total_weight += weight;
  norm = sqrt (norm);
  for (guint i = 0; i < dim; i++)
    track->mean[i] = norm > 0.0 ? (float) (track->sum[i] / norm) : 0.f;

  return track->pub.id;
}

const float *
vs_tracker_get_aggregate (VsTracker *self,
                          guint      track_id)
{
  Track *track;

  g_return_val_if_fail (self != NULL, NULL);

  track = find_track (self, track_id);
  if (track == NULL || track->total_weight <= 0.0)
    return NULL;
  return track->mean;
}

void
vs_tracker_clear (VsTracker *self,
                  gint64     time_us)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->tracks->len; i++)
    {
      Track *track = g_ptr_array_index (self->tracks, i);

      if (track->pub.confirmed)
        push_event (self, VS_TRACKER_EVENT_REMOVED, track, time_us);
    }
  g_ptr_array_set_size (self->tracks, 0);
}

/* The vote */

static void
track_add_vote (VsTracker  *self,
                Track      *track,
                VsVoteKind  kind,
                gint64      person_id,
                const char *name,
                float       score)
{
  Vote *vote = &track->votes[track->next_vote];

  vote_clear (vote);
  vote->kind = kind;
  vote->person_id = kind == VS_VOTE_PERSON ? person_id : 0;
  vote->name = kind == VS_VOTE_PERSON ? g_strdup (name) : NULL;
  vote->score = score;
  track->next_vote = (track->next_vote + 1) % self->params.vote_window;
  track->n_votes = MIN (track->n_votes + 1, self->params.vote_window);
}

typedef struct {
  gint64      person_id;
  const char *name;     /* of the newest vote for this person */
  float       score;    /* of the newest vote for this person */
  guint       count;
} Tally;

static void
decide (VsTracker *self,
        Track     *track,
        gint64     time_us)
{
  Tally people[16];
  guint n_people = 0, n_unknown = 0;
  const Tally *best = NULL;
  VsTrackState old_state = track->pub.state;
  gint64 old_person = track->pub.person_id;
  guint window = self->params.vote_window;
  const Vote *newest;

  /* Oldest to newest, so the newest name and score win. */
  for (guint i = 0; i < track->n_votes; i++)
    {
      guint pos = (track->next_vote + window - track->n_votes + i) % window;
      const Vote *vote = &track->votes[pos];
      guint j;

      if (vote->kind == VS_VOTE_UNKNOWN)
        n_unknown++;
      if (vote->kind != VS_VOTE_PERSON)
        continue;
      for (j = 0; j < n_people; j++)
        if (people[j].person_id == vote->person_id)
          break;
      if (j == n_people)
        {
          if (n_people == G_N_ELEMENTS (people))
            continue;
          people[n_people++] = (Tally) { vote->person_id, NULL, 0.f, 0 };
        }
      people[j].name = vote->name;
      people[j].score = vote->score;
      people[j].count++;
    }

  for (guint j = 0; j < n_people; j++)
    if (best == NULL || people[j].count > best->count ||
        (people[j].count == best->count && people[j].score > best->score))
      best = &people[j];

  newest = &track->votes[(track->next_vote + window - 1) % window];

  switch (track->pub.state)
    {
    case VS_TRACK_IDENTIFYING:
      if (best != NULL && best->count >= self->params.votes_to_know)
        track->pub.state = VS_TRACK_KNOWN;
      else if (n_unknown >= self->params.votes_to_unknown)
        track->pub.state = VS_TRACK_UNKNOWN;
      break;

    case VS_TRACK_KNOWN:
      /* Only a clear majority for another answer replaces a name. */
      if (best != NULL && best->person_id != track->pub.person_id &&
          best->count >= self->params.votes_to_switch)
        track->pub.state = VS_TRACK_KNOWN;
      else if (n_unknown >= self->params.votes_to_switch)
        track->pub.state = VS_TRACK_UNKNOWN;
      else
        best = NULL;   /* keep the decision */
      break;

    case VS_TRACK_UNKNOWN:
      if (best != NULL && best->count >= self->params.votes_to_switch)
        track->pub.state = VS_TRACK_KNOWN;
      else
        best = NULL;
      break;

    default:
      g_assert_not_reached ();
    }

  if (track->pub.state == VS_TRACK_KNOWN && best != NULL)
    {
      track->pub.person_id = best->person_id;
      g_free (track->pub.name);
      track->pub.name = g_strdup (best->name);
    }
  else if (track->pub.state == VS_TRACK_UNKNOWN)
    {
      track->pub.person_id = 0;
      g_clear_pointer (&track->pub.name, g_free);
    }

  /* The score shown: the newest vote that agrees with the decision, else
   * (identifying) the newest vote's. */
  if (track->pub.state == VS_TRACK_IDENTIFYING ||
      (track->pub.state == VS_TRACK_KNOWN && newest->kind == VS_VOTE_PERSON &&
       newest->person_id == track->pub.person_id) ||
      (track->pub.state == VS_TRACK_UNKNOWN && newest->kind == VS_VOTE_UNKNOWN))
    track->pub.score = newest->score;

  switch (track->pub.state)
    {
    case VS_TRACK_KNOWN:
      track->disputed = !(newest->kind == VS_VOTE_PERSON && newest->person_id == track->pub.person_id);
      break;
    case VS_TRACK_UNKNOWN:
      track->disputed = newest->kind != VS_VOTE_UNKNOWN;
      break;
    case VS_TRACK_IDENTIFYING:
    default:
      track->disputed = FALSE;
      break;
    }

  if (track->pub.state != old_state || track->pub.person_id != old_person)
    {
      track->pub.decided_us = time_us;
      push_event (self, VS_TRACKER_EVENT_DECIDED, track, time_us);
    }
}

void
vs_tracker_vote (VsTracker  *self,
                 guint       track_id,
                 VsVoteKind  kind,
                 gint64      person_id,
                 const char *name,
                 float       score,
                 gint64      time_us)
{
  Track *track;

  g_return_if_fail (self != NULL);
  g_return_if_fail (kind != VS_VOTE_PERSON || person_id != 0);

  track = find_track (self, track_id);
  if (track == NULL)
    return;

  track_add_vote (self, track, kind, person_id, name, score);
  track->pub.n_embeds++;
  track->pub.last_embed_us = time_us;

  decide (self, track, time_us);
}

void
vs_tracker_redecide (VsTracker  *self,
                     guint       track_id,
                     VsVoteKind  kind,
                     gint64      person_id,
                     const char *name,
                     float       score,
                     gint64      time_us)
{
  Track *track;
  guint n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (kind != VS_VOTE_PERSON || person_id != 0);

  track = find_track (self, track_id);
  if (track == NULL || track->pub.n_embeds == 0)
    return;

  /* As many votes as the embeddings behind the answer; a decision already
   * rested on enough of them to be replaced by a full window. */
  n = track->pub.state == VS_TRACK_IDENTIFYING ? track->pub.n_embeds : self->params.vote_window;
  n = MIN (n, self->params.vote_window);
  track_forget_identity (self, track);
  for (guint i = 0; i < n; i++)
    track_add_vote (self, track, kind, person_id, name, score);

  decide (self, track, time_us);

  /* An abstention keeps a decision in the vote; here it means the new
   * gallery no longer gives this name clearly: not a name to show. */
  if (kind == VS_VOTE_ABSTAIN && track->pub.state == VS_TRACK_KNOWN)
    {
      track->pub.state = VS_TRACK_IDENTIFYING;
      track->pub.person_id = 0;
      g_clear_pointer (&track->pub.name, g_free);
      track->pub.score = score;
      track->disputed = FALSE;
      track->pub.decided_us = time_us;
      push_event (self, VS_TRACKER_EVENT_DECIDED, track, time_us);
    }
}

void
vs_tracker_reset_votes (VsTracker         *self,
                        VsTrackerNameFunc  lookup_name,
                        gpointer           user_data)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->tracks->len; i++)
    {
      Track *track = g_ptr_array_index (self->tracks, i);

      track_forget_identity (self, track);

      if (lookup_name != NULL && track->pub.state == VS_TRACK_KNOWN)
        {
          const char *name = lookup_name (track->pub.person_id, user_data);
          if (name != NULL && g_strcmp0 (name, track->pub.name) != 0)
            {
              g_free (track->pub.name);
              track->pub.name = g_strdup (name);
            }
        }
    }
}

GArray *
vs_tracker_take_events (VsTracker *self)
{
  GArray *events;

  g_return_val_if_fail (self != NULL, NULL);

  events = g_steal_pointer (&self->events);
  self->events = g_array_new (FALSE, TRUE, sizeof (VsTrackerEvent));
  g_array_set_clear_func (self->events, (GDestroyNotify) vs_tracker_event_clear);
  return events;
}

/* test-tracker.c: association, track life and the identity vote. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vs-live-model.h"
#include "vs-tracker.h"
#include "vs-test-util.h"

#define MS (1000)

static VsFace
face_at (float x, float y, float size)
{
  VsFace face = { .x = x, .y = y, .width = size, .height = size * 1.2f, .score = 0.9f };
  return face;
}

static GArray *
faces_new (guint n, ...)
{
  GArray *faces = g_array_new (FALSE, FALSE, sizeof (VsFace));
  va_list args;

  va_start (args, n);
  for (guint i = 0; i < n; i++)
    {
      VsFace face = va_arg (args, VsFace);
      g_array_append_val (faces, face);
    }
  va_end (args);
  return faces;
}

static guint
count_events (GArray *events, VsTrackerEventType type)
{
  guint n = 0;
  for (guint i = 0; i < events->len; i++)
    n += g_array_index (events, VsTrackerEvent, i).type == type;
  return n;
}

/* The track whose box is nearest (x, y). */
static const VsTrackerTrack *
track_near (VsTracker *tracker, float x, float y)
{
  const VsTrackerTrack *best = NULL;
  float best_d = G_MAXFLOAT;

  for (guint i = 0; i < vs_tracker_get_n_tracks (tracker); i++)
    {
      const VsTrackerTrack *t = vs_tracker_get_track (tracker, i);
      float d = (t->face.x - x) * (t->face.x - x) + (t->face.y - y) * (t->face.y - y);
      if (d < best_d)
        {
          best_d = d;
          best = t;
        }
    }
  return best;
}

static void
test_association (void)
{
  g_autoptr(VsTracker) tracker = vs_tracker_new (NULL);
  g_autoptr(GArray) events = NULL;
  guint id_left, id_right;

  /* Two faces walking towards each other, slowly. */
  for (guint f = 0; f < 20; f++)
    {
      g_autoptr(GArray) faces = faces_new (2, face_at (100 + 3 * f, 100, 60),
                                           face_at (400 - 3 * f, 110, 50));
      vs_tracker_update (tracker, faces, f * 40 * MS);
      g_assert_cmpuint (vs_tracker_get_n_tracks (tracker), ==, 2);
    }

  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_ADDED), ==, 2);
  g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_REMOVED), ==, 0);

  id_left = track_near (tracker, 157, 100)->id;
  id_right = track_near (tracker, 343, 110)->id;
  g_assert_cmpuint (id_left, ==, 1);
  g_assert_cmpuint (id_right, ==, 2);
  g_assert_cmpfloat_with_epsilon (vs_tracker_lookup (tracker, 1)->face.x, 157, 0.01);
  g_assert_cmpfloat_with_epsilon (vs_tracker_lookup (tracker, 2)->face.x, 343, 0.01);

  /* Order of detections does not matter. */
  {
    g_autoptr(GArray) faces = faces_new (2, face_at (340, 110, 50), face_at (160, 100, 60));
    vs_tracker_update (tracker, faces, 20 * 40 * MS);
    g_assert_cmpfloat_with_epsilon (vs_tracker_lookup (tracker, 1)->face.x, 160, 0.01);
    g_assert_cmpfloat_with_epsilon (vs_tracker_lookup (tracker, 2)->face.x, 340, 0.01);
  }

  /* A third face far away: tentative in its first frame (no id, no event),
   * a track with the next id from its second. */
  for (guint f = 21; f <= 22; f++)
    {
      g_autoptr(GArray) faces = faces_new (3, face_at (340, 110, 50), face_at (160, 100, 60),
                                           face_at (600, 300, 40));
      g_autoptr(GArray) ev = NULL;

      vs_tracker_update (tracker, faces, f * 40 * MS);
      g_assert_cmpuint (vs_tracker_get_n_tracks (tracker), ==, 3);
      ev = vs_tracker_take_events (tracker);
      if (f == 21)
        {
          g_assert_cmpuint (ev->len, ==, 0);
          g_assert_false (vs_tracker_get_track (tracker, 2)->confirmed);
          g_assert_cmpuint (vs_tracker_get_track (tracker, 2)->id, ==, 0);
          continue;
        }
      g_assert_cmpuint (ev->len, ==, 1);
      g_assert_true (vs_tracker_get_track (tracker, 2)->confirmed);
      g_assert_cmpint (g_array_index (ev, VsTrackerEvent, 0).type, ==, VS_TRACKER_EVENT_ADDED);
      g_assert_cmpuint (g_array_index (ev, VsTrackerEvent, 0).track_id, ==, 3);
      g_assert_cmpint (g_array_index (ev, VsTrackerEvent, 0).time_us, ==, 22 * 40 * MS);
    }
}

static void
test_false_detection (void)
{
  g_autoptr(VsTracker) tracker = vs_tracker_new (NULL);
  g_autoptr(GArray) one = faces_new (1, face_at (100, 100, 50));
  g_autoptr(GArray) two = faces_new (2, face_at (100, 100, 50), face_at (400, 100, 30));
  g_autoptr(GArray) events = NULL;

  /* A detection that flashes for one frame never becomes a track: no id
   * used, no event, nothing to embed. */
  vs_tracker_update (tracker, one, 0);
  vs_tracker_update (tracker, two, 40 * MS);
  vs_tracker_update (tracker, one, 80 * MS);
  vs_tracker_update (tracker, one, 120 * MS);
  g_assert_cmpuint (vs_tracker_get_n_tracks (tracker), ==, 1);
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpuint (g_array_index (events, VsTrackerEvent, 0).track_id, ==, 1);
  g_assert_false (vs_tracker_needs_embed (tracker, 0, 120 * MS));

  /* The next real face gets id 2. */
  vs_tracker_update (tracker, two, 160 * MS);
  vs_tracker_update (tracker, two, 200 * MS);
  g_assert_nonnull (vs_tracker_lookup (tracker, 2));
  g_assert_cmpfloat (vs_tracker_lookup (tracker, 2)->face.x, ==, 400);
}

static void
test_fast_motion (void)
{
  g_autoptr(VsTracker) tracker = vs_tracker_new (NULL);
  g_autoptr(GArray) events = NULL;

  /* A 40 px face speeding up to 40 px per processed frame: from then on its
   * box never overlaps the last one (IoU 0, centres a box apart), but the
   * predicted position keeps it the same person. */
  static const float steps[] = { 0, 18, 24, 30, 36, 40, 40, 40, 40, 40 };
  float x = 50;

  for (guint f = 0; f < G_N_ELEMENTS (steps); f++)
    {
      g_autoptr(GArray) faces = NULL;

      x += steps[f];
      faces = faces_new (1, face_at (x, 200, 40));
      vs_tracker_update (tracker, faces, f * 200 * MS);
    }
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_ADDED), ==, 1);
  g_assert_cmpuint (vs_tracker_get_n_tracks (tracker), ==, 1);
  g_assert_cmpuint (vs_tracker_get_track (tracker, 0)->id, ==, 1);

  /* A face of a very different size at the same place is someone else. */
  {
    g_autoptr(GArray) faces = faces_new (1, face_at (x + 40, 200, 200));
    g_autoptr(GArray) ev = NULL;

    vs_tracker_update (tracker, faces, 10 * 200 * MS);
    vs_tracker_update (tracker, faces, 11 * 200 * MS);
    ev = vs_tracker_take_events (tracker);
    g_assert_cmpuint (count_events (ev, VS_TRACKER_EVENT_ADDED), ==, 1);
  }
}

static void
test_death (void)
{
  VsTrackerParams params;
  g_autoptr(VsTracker) tracker = NULL;
  g_autoptr(GArray) empty = g_array_new (FALSE, FALSE, sizeof (VsFace));
  g_autoptr(GArray) one = faces_new (1, face_at (100, 100, 50));
  gint64 t = 0;

  vs_tracker_params_init (&params);
  params.max_missed_frames = 3;
  params.max_missed_us = 10 * G_USEC_PER_SEC;
  tracker = vs_tracker_new (&params);

  vs_tracker_update (tracker, one, t += 40 * MS);
  vs_tracker_update (tracker, one, t += 40 * MS);
  /* Missed twice: still there, and not embedded while missed. */
  vs_tracker_update (tracker, empty, t += 40 * MS);
  vs_tracker_update (tracker, empty, t += 40 * MS);
  g_assert_cmpuint (vs_tracker_get_n_tracks (tracker), ==, 1);
  g_assert_cmpuint (vs_tracker_get_track (tracker, 0)->missed, ==, 2);
  g_assert_false (vs_tracker_needs_embed (tracker, 1, t));
  /* Back: same track. */
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_cmpuint (vs_tracker_get_track (tracker, 0)->id, ==, 1);
  g_assert_cmpuint (vs_tracker_get_track (tracker, 0)->missed, ==, 0);
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));

  /* Missed three times: gone. */
  for (guint i = 0; i < 3; i++)
    vs_tracker_update (tracker, empty, t += 40 * MS);
  g_assert_cmpuint (vs_tracker_get_n_tracks (tracker), ==, 0);
  g_assert_null (vs_tracker_lookup (tracker, 1));
  {
    g_autoptr(GArray) events = vs_tracker_take_events (tracker);
    g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_ADDED), ==, 1);
    g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_REMOVED), ==, 1);
    g_assert_cmpuint (g_array_index (events, VsTrackerEvent, events->len - 1).track_id, ==, 1);
  }

  /* A face at the same place now is a new track: ids are never reused. */
  vs_tracker_update (tracker, one, t += 40 * MS);
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_cmpuint (vs_tracker_get_track (tracker, 0)->id, ==, 2);

  /* Death by time: one missed frame, but two seconds later. */
  params.max_missed_frames = 100;
  params.max_missed_us = G_USEC_PER_SEC;
  {
    g_autoptr(VsTracker) slow = vs_tracker_new (&params);

    vs_tracker_update (slow, one, 0);
    vs_tracker_update (slow, one, 40 * MS);
    vs_tracker_update (slow, empty, 500 * MS);
    g_assert_cmpuint (vs_tracker_get_n_tracks (slow), ==, 1);
    vs_tracker_update (slow, empty, 2 * G_USEC_PER_SEC);
    g_assert_cmpuint (vs_tracker_get_n_tracks (slow), ==, 0);
  }
}

static const VsTrackerEvent *
last_decision (GArray *events)
{
  for (guint i = events->len; i > 0; i--)
    if (g_array_index (events, VsTrackerEvent, i - 1).type == VS_TRACKER_EVENT_DECIDED)
      return &g_array_index (events, VsTrackerEvent, i - 1);
  return NULL;
}

static void
test_vote_known (void)
{
  g_autoptr(VsTracker) tracker = vs_tracker_new (NULL);
  g_autoptr(GArray) one = faces_new (1, face_at (100, 100, 80));
  gint64 t = 0;
  const VsTrackerTrack *track;

  vs_tracker_update (tracker, one, t);
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_array_unref (vs_tracker_take_events (tracker));
  track = vs_tracker_lookup (tracker, 1);

  /* Identifying: embedded every frame; one stray vote does not decide. */
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
  vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.55f, t);
  g_assert_cmpint (track->state, ==, VS_TRACK_IDENTIFYING);
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
  vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 9, "Grace", 0.41f, t);
  vs_tracker_update (tracker, one, t += 40 * MS);
  vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.60f, t);
  g_assert_cmpint (track->state, ==, VS_TRACK_IDENTIFYING);
  vs_tracker_update (tracker, one, t += 40 * MS);
  vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.62f, t);

  /* 3 of the last 4 for Ada: known. */
  g_assert_cmpint (track->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpint (track->person_id, ==, 7);
  g_assert_cmpstr (track->name, ==, "Ada");
  g_assert_cmpfloat_with_epsilon (track->score, 0.62f, 1e-6);
  {
    g_autoptr(GArray) events = vs_tracker_take_events (tracker);
    const VsTrackerEvent *ev = last_decision (events);

    g_assert_cmpuint (events->len, ==, 1);
    g_assert_nonnull (ev);
    g_assert_cmpint (ev->state, ==, VS_TRACK_KNOWN);
    g_assert_cmpint (ev->person_id, ==, 7);
    g_assert_cmpstr (ev->name, ==, "Ada");
  }

  /* Decided: a name is checked again at every frame it is seen (a wrong
   * name is the costly error), not while the face is missed. */
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
  {
    g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (VsFace));
    vs_tracker_update (tracker, none, t += 40 * MS);
    g_assert_false (vs_tracker_needs_embed (tracker, 1, t));
  }
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));

  /* Two noisy answers (someone else, then nobody) do not flip the name, and
   * make the worker look again at once. */
  vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 9, "Grace", 0.50f, t);
  g_assert_cmpint (track->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpstr (track->name, ==, "Ada");
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
  vs_tracker_vote (tracker, 1, VS_VOTE_UNKNOWN, 0, NULL, 0.2f, t);
  g_assert_cmpint (track->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpint (track->person_id, ==, 7);
  {
    g_autoptr(GArray) events = vs_tracker_take_events (tracker);
    g_assert_null (last_decision (events));
  }

  /* Grace clearly wins over several frames: the name changes once. */
  for (guint i = 0; i < 3; i++)
    {
      vs_tracker_update (tracker, one, t += 40 * MS);
      g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
      vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 9, "Grace", 0.58f, t);
      if (i < 2)
        g_assert_cmpstr (track->name, ==, "Ada");
    }
  g_assert_cmpint (track->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpint (track->person_id, ==, 9);
  g_assert_cmpstr (track->name, ==, "Grace");
  {
    g_autoptr(GArray) events = vs_tracker_take_events (tracker);
    g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_DECIDED), ==, 1);
    g_assert_cmpstr (last_decision (events)->name, ==, "Grace");
  }
}

static void
test_vote_unknown (void)
{
  g_autoptr(VsTracker) tracker = vs_tracker_new (NULL);
  g_autoptr(GArray) one = faces_new (1, face_at (100, 100, 80));
  gint64 t = 0;
  const VsTrackerTrack *track;

  vs_tracker_update (tracker, one, t);
  vs_tracker_update (tracker, one, t += 40 * MS);
  track = vs_tracker_lookup (tracker, 1);

  /* A stranger: the gallery says nobody, with a weak best match. */
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (track->state, ==, VS_TRACK_IDENTIFYING);
      g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
      vs_tracker_vote (tracker, 1, VS_VOTE_UNKNOWN, 0, NULL, 0.15f, t);
      vs_tracker_update (tracker, one, t += 40 * MS);
    }
  g_assert_cmpint (track->state, ==, VS_TRACK_UNKNOWN);
  g_assert_cmpint (track->person_id, ==, 0);
  g_assert_null (track->name);
  {
    g_autoptr(GArray) events = vs_tracker_take_events (tracker);
    const VsTrackerEvent *ev = last_decision (events);

    g_assert_nonnull (ev);
    g_assert_cmpint (ev->state, ==, VS_TRACK_UNKNOWN);
    g_assert_null (ev->name);
  }

  /* "Unknown" is looked at again, less often than names (once the vote
   * window is full enough to change the decision). */
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
  vs_tracker_vote (tracker, 1, VS_VOTE_UNKNOWN, 0, NULL, 0.15f, t);
  g_assert_false (vs_tracker_needs_embed (tracker, 1, t));
  vs_tracker_update (tracker, one, t += 200 * MS);
  g_assert_false (vs_tracker_needs_embed (tracker, 1, t));
  vs_tracker_update (tracker, one, t += 200 * MS);
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));

  /* A lucky match now and then does not name a stranger. */
  vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.40f, t);
  vs_tracker_update (tracker, one, t += 40 * MS);
  vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.40f, t);
  g_assert_cmpint (track->state, ==, VS_TRACK_UNKNOWN);

  /* Ambiguous answers count for nobody: a track can stay identifying. */
  {
    g_autoptr(GArray) two = faces_new (1, face_at (500, 100, 80));
    const VsTrackerTrack *other;

    vs_tracker_update (tracker, two, t += 40 * MS);
    vs_tracker_update (tracker, two, t += 40 * MS);
    other = vs_tracker_lookup (tracker, 2);
    g_assert_nonnull (other);
    for (guint i = 0; i < 5; i++)
      vs_tracker_vote (tracker, 2, VS_VOTE_ABSTAIN, 0, NULL, 0.5f, t);
    g_assert_cmpint (other->state, ==, VS_TRACK_IDENTIFYING);
  }
}

static const char *
rename_lookup (gint64 person_id, gpointer user_data)
{
  return person_id == 7 ? "Ada Lovelace" : NULL;
}

static void
test_reset_votes (void)
{
  VsTrackerParams params;
  g_autoptr(VsTracker) tracker = NULL;
  g_autoptr(GArray) one = faces_new (1, face_at (100, 100, 80));
  gint64 t = 0;
  const VsTrackerTrack *track;

  /* Names checked only every 700 ms, to see the reset ask for more. */
  vs_tracker_params_init (&params);
  params.recheck_known_us = 700 * MS;
  tracker = vs_tracker_new (&params);
  vs_tracker_update (tracker, one, t);
  vs_tracker_update (tracker, one, t += 40 * MS);
  track = vs_tracker_lookup (tracker, 1);
  for (guint i = 0; i < 5; i++)
    vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  g_assert_cmpint (track->state, ==, VS_TRACK_KNOWN);
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_false (vs_tracker_needs_embed (tracker, 1, t));

  /* A new gallery (renamed person): re-embedded at once, name refreshed,
   * decision kept meanwhile. */
  vs_tracker_reset_votes (tracker, rename_lookup, NULL);
  g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
  g_assert_cmpint (track->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpstr (track->name, ==, "Ada Lovelace");

  /* The person was deleted: four "nobody" answers make it unknown. */
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (track->state, ==, VS_TRACK_KNOWN);
      g_assert_true (vs_tracker_needs_embed (tracker, 1, t));
      vs_tracker_vote (tracker, 1, VS_VOTE_UNKNOWN, 0, NULL, 0.1f, t);
      vs_tracker_update (tracker, one, t += 40 * MS);
    }
  g_assert_cmpint (track->state, ==, VS_TRACK_UNKNOWN);
}

/* The gallery changed: the answer about the whole track decides at once,
 * in one event, both ways, while a young track still needs its votes and a
 * decision made that way is as hard to overturn as a voted one. */
static void
test_redecide (void)
{
  g_autoptr(VsTracker) tracker = vs_tracker_new (NULL);
  g_autoptr(GArray) two = faces_new (2, face_at (100, 100, 80), face_at (400, 100, 80));
  g_autoptr(GArray) events = NULL;
  const VsTrackerTrack *old, *young;
  const VsTrackerEvent *ev;
  gint64 t = 0;

  vs_tracker_update (tracker, two, t);
  vs_tracker_update (tracker, two, t += 40 * MS);
  old = vs_tracker_lookup (tracker, 1);
  young = vs_tracker_lookup (tracker, 2);
  for (guint i = 0; i < 3; i++)
    vs_tracker_vote (tracker, 1, VS_VOTE_UNKNOWN, 0, NULL, 0.2f, t);
  vs_tracker_vote (tracker, 2, VS_VOTE_UNKNOWN, 0, NULL, 0.2f, t);
  g_assert_cmpint (old->state, ==, VS_TRACK_UNKNOWN);
  g_assert_cmpint (young->state, ==, VS_TRACK_IDENTIFYING);
  g_clear_pointer (&events, g_array_unref);
  events = vs_tracker_take_events (tracker);

  /* Enrolled: named now, one event, no embedding added. */
  vs_tracker_update (tracker, two, t += 40 * MS);
  vs_tracker_reset_votes (tracker, NULL, NULL);
  vs_tracker_redecide (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  vs_tracker_redecide (tracker, 2, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  g_clear_pointer (&events, g_array_unref);
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (events->len, ==, 1);
  ev = &g_array_index (events, VsTrackerEvent, 0);
  g_assert_cmpint (ev->type, ==, VS_TRACKER_EVENT_DECIDED);
  g_assert_cmpuint (ev->track_id, ==, 1);
  g_assert_cmpint (ev->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpint (ev->person_id, ==, 7);
  g_assert_cmpstr (ev->name, ==, "Ada");
  g_assert_cmpint (old->state, ==, VS_TRACK_KNOWN);
  g_assert_cmpuint (old->n_embeds, ==, 3);
  /* One embedding is one vote: two more agreeing ones name the young one. */
  g_assert_cmpint (young->state, ==, VS_TRACK_IDENTIFYING);
  g_assert_true (vs_tracker_needs_embed (tracker, 2, t));
  vs_tracker_vote (tracker, 2, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  g_assert_cmpint (young->state, ==, VS_TRACK_IDENTIFYING);
  vs_tracker_vote (tracker, 2, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  g_assert_cmpint (young->state, ==, VS_TRACK_KNOWN);

  /* A stray frame does not undo it: the hysteresis holds. */
  for (guint i = 0; i < 3; i++)
    {
      vs_tracker_update (tracker, two, t += 40 * MS);
      vs_tracker_vote (tracker, 1, VS_VOTE_UNKNOWN, 0, NULL, 0.2f, t);
      g_assert_cmpint (old->state, ==, VS_TRACK_KNOWN);
      vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
    }
  g_clear_pointer (&events, g_array_unref);
  events = vs_tracker_take_events (tracker);

  /* Deleted: the name drops now, on both. */
  vs_tracker_update (tracker, two, t += 40 * MS);
  vs_tracker_reset_votes (tracker, NULL, NULL);
  vs_tracker_redecide (tracker, 1, VS_VOTE_UNKNOWN, 0, NULL, 0.3f, t);
  vs_tracker_redecide (tracker, 2, VS_VOTE_UNKNOWN, 0, NULL, 0.3f, t);
  g_clear_pointer (&events, g_array_unref);
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_DECIDED), ==, 2);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (old->state, ==, VS_TRACK_UNKNOWN);
  g_assert_null (old->name);
  g_assert_cmpint (young->state, ==, VS_TRACK_UNKNOWN);

  /* Enrolled again, then a look-alike too: a name the gallery no longer
   * gives clearly is taken back. */
  vs_tracker_reset_votes (tracker, NULL, NULL);
  vs_tracker_redecide (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  g_assert_cmpint (old->state, ==, VS_TRACK_KNOWN);
  g_clear_pointer (&events, g_array_unref);
  events = vs_tracker_take_events (tracker);
  vs_tracker_reset_votes (tracker, NULL, NULL);
  vs_tracker_redecide (tracker, 1, VS_VOTE_ABSTAIN, 0, NULL, 0.6f, t);
  g_assert_cmpint (old->state, ==, VS_TRACK_IDENTIFYING);
  g_assert_null (old->name);
  g_assert_cmpint (old->person_id, ==, 0);
  g_clear_pointer (&events, g_array_unref);
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (g_array_index (events, VsTrackerEvent, 0).state, ==, VS_TRACK_IDENTIFYING);
}

/* A frame from before the tracks, or long after them, is another scene: a
 * face at the very same place is a new track. This is how a discontinuity of
 * the source reaches the tracker. */
static void
test_time_jump (void)
{
  g_autoptr(VsTracker) tracker = vs_tracker_new (NULL);
  g_autoptr(GArray) one = faces_new (1, face_at (100, 100, 80));
  g_autoptr(GArray) events = NULL;
  gint64 t = 5 * G_USEC_PER_SEC;

  vs_tracker_update (tracker, one, t);
  vs_tracker_update (tracker, one, t += 40 * MS);
  for (guint i = 0; i < 3; i++)
    vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  g_assert_cmpint (vs_tracker_lookup (tracker, 1)->state, ==, VS_TRACK_KNOWN);
  g_array_unref (vs_tracker_take_events (tracker));

  /* A slow worker: two seconds between frames, the same face goes on. */
  vs_tracker_update (tracker, one, t += 2 * G_USEC_PER_SEC);
  g_assert_nonnull (vs_tracker_lookup (tracker, 1));
  g_array_unref (vs_tracker_take_events (tracker));

  /* Forward by the tracker's max_gap_us: the track ends at once, a new
   * one starts (confirmed after min_hits frames) with no name. */
  vs_tracker_update (tracker, one, t += vs_tracker_get_params (tracker)->max_gap_us);
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (g_array_index (events, VsTrackerEvent, 0).type, ==, VS_TRACKER_EVENT_REMOVED);
  g_assert_cmpuint (g_array_index (events, VsTrackerEvent, 0).track_id, ==, 1);
  g_assert_cmpstr (g_array_index (events, VsTrackerEvent, 0).name, ==, "Ada");
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_null (vs_tracker_lookup (tracker, 1));
  g_assert_nonnull (vs_tracker_lookup (tracker, 2));
  g_assert_cmpint (vs_tracker_lookup (tracker, 2)->state, ==, VS_TRACK_IDENTIFYING);
  g_clear_pointer (&events, g_array_unref);

  /* Backwards (another camera whose clock started later): the same. */
  vs_tracker_update (tracker, one, 40 * MS);
  vs_tracker_update (tracker, one, 80 * MS);
  g_assert_null (vs_tracker_lookup (tracker, 2));
  g_assert_nonnull (vs_tracker_lookup (tracker, 3));

  /* And vs_tracker_clear() ends them whatever the time. */
  vs_tracker_clear (tracker, 120 * MS);
  g_assert_cmpuint (vs_tracker_get_n_tracks (tracker), ==, 0);
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (count_events (events, VS_TRACKER_EVENT_REMOVED), ==, 2);
}

static void
unit_vector (float *v, guint dim, guint axis, float tilt)
{
  float norm;

  memset (v, 0, dim * sizeof (float));
  v[axis] = 1.f;
  v[(axis + 1) % dim] = tilt;
  norm = sqrtf (1.f + tilt * tilt);
  v[axis] /= norm;
  v[(axis + 1) % dim] /= norm;
}

/* The identity of a track is checked with every embedding: a face that does
 * not look like the track's aggregate is someone else, at once. */
static void
test_identity_change (void)
{
  VsTrackerParams params;
  g_autoptr(VsTracker) tracker = NULL;
  g_autoptr(GArray) one = faces_new (1, face_at (100, 100, 80));
  g_autoptr(GArray) events = NULL;
  float ada[8], ada_turned[8], grace[8];
  const float *aggregate;
  gint64 t = 0;
  guint id;

  vs_tracker_params_init (&params);
  params.same_face_similarity = 0.3f;
  tracker = vs_tracker_new (&params);
  unit_vector (ada, 8, 0, 0.f);
  unit_vector (ada_turned, 8, 0, 0.5f);   /* cosine 0.89 with ada */
  unit_vector (grace, 8, 3, 0.f);         /* cosine 0 */

  vs_tracker_update (tracker, one, t);
  vs_tracker_update (tracker, one, t += 40 * MS);
  g_assert_null (vs_tracker_get_aggregate (tracker, 1));

  /* The aggregate is the weighted mean, unit length. */
  g_assert_cmpuint (vs_tracker_add_embedding (tracker, 1, ada, 8, 1.f, t), ==, 1);
  g_assert_cmpuint (vs_tracker_add_embedding (tracker, 1, ada_turned, 8, 3.f, t), ==, 1);
  aggregate = vs_tracker_get_aggregate (tracker, 1);
  g_assert_nonnull (aggregate);
  {
    /* (1, 0) + 3 (0.894, 0.447) = (3.683, 1.342) → (0.940, 0.342) */
    g_assert_cmpfloat_with_epsilon (aggregate[0], 0.940f, 0.002f);
    g_assert_cmpfloat_with_epsilon (aggregate[1], 0.342f, 0.002f);
    g_assert_cmpfloat_with_epsilon (aggregate[3], 0.f, 1e-6f);
  }
  for (guint i = 0; i < 3; i++)
    vs_tracker_vote (tracker, 1, VS_VOTE_PERSON, 7, "Ada", 0.6f, t);
  g_assert_cmpint (vs_tracker_lookup (tracker, 1)->state, ==, VS_TRACK_KNOWN);
  g_array_unref (vs_tracker_take_events (tracker));

  /* Grace steps in where Ada stood: same box, another face. */
  vs_tracker_update (tracker, one, t += 40 * MS);
  id = vs_tracker_add_embedding (tracker, 1, grace, 8, 1.f, t);
  g_assert_cmpuint (id, ==, 2);
  g_assert_null (vs_tracker_lookup (tracker, 1));
  g_assert_cmpint (vs_tracker_lookup (tracker, 2)->state, ==, VS_TRACK_IDENTIFYING);
  g_assert_null (vs_tracker_lookup (tracker, 2)->name);
  g_assert_true (vs_tracker_lookup (tracker, 2)->confirmed);
  g_assert_true (vs_tracker_needs_embed (tracker, 2, t));
  aggregate = vs_tracker_get_aggregate (tracker, 2);
  g_assert_cmpfloat_with_epsilon (aggregate[3], 1.f, 1e-6f);
  g_assert_cmpfloat_with_epsilon (aggregate[0], 0.f, 1e-6f);
  events = vs_tracker_take_events (tracker);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (g_array_index (events, VsTrackerEvent, 0).type, ==, VS_TRACKER_EVENT_REMOVED);
  g_assert_cmpuint (g_array_index (events, VsTrackerEvent, 0).track_id, ==, 1);
  g_assert_cmpstr (g_array_index (events, VsTrackerEvent, 0).name, ==, "Ada");
  g_assert_cmpint (g_array_index (events, VsTrackerEvent, 1).type, ==, VS_TRACKER_EVENT_ADDED);
  g_assert_cmpuint (g_array_index (events, VsTrackerEvent, 1).track_id, ==, 2);

  /* The same face again does not split. */
  g_assert_cmpuint (vs_tracker_add_embedding (tracker, 2, grace, 8, 1.f, t), ==, 2);
  /* Without a similarity to check, nothing splits. */
  {
    g_autoptr(VsTracker) unchecked = vs_tracker_new (NULL);

    vs_tracker_update (unchecked, one, 0);
    vs_tracker_update (unchecked, one, 40 * MS);
    vs_tracker_add_embedding (unchecked, 1, ada, 8, 1.f, 40 * MS);
    g_assert_cmpuint (vs_tracker_add_embedding (unchecked, 1, grace, 8, 1.f, 40 * MS), ==, 1);
  }
}

/* The live model */

typedef struct {
  guint position, removed, added;
} Change;

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, GArray *changes)
{
  Change c = { position, removed, added };
  g_array_append_val (changes, c);
}

static void
on_notify (GObject *object, GParamSpec *pspec, GPtrArray *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

static gboolean
has_name (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  return FALSE;
}

static VsTrackInfo
info_new (guint id, VsTrackState state, const char *name, float x)
{
  VsTrackInfo info = {
    .id = id, .state = state, .person_id = name != NULL ? 100 + id : 0,
    .name = (char *) name, .score = 0.5f, .x = x, .y = 0.2f, .width = 0.1f, .height = 0.12f,
  };
  return info;
}

static void
test_live_model (void)
{
  g_autoptr(VsLiveModel) model = vs_live_model_new ();
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VsTrack) first = NULL;
  VsTrack *second;
  float x;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == VS_TYPE_TRACK);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), changes);

  /* Two tracks arrive together. */
  {
    VsTrackInfo infos[] = { info_new (1, VS_TRACK_IDENTIFYING, NULL, 0.1f),
                            info_new (2, VS_TRACK_IDENTIFYING, NULL, 0.5f) };
    vs_live_model_update (model, infos, 2, 640, 360);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 2);
  g_assert_cmpint (vs_live_model_get_frame_width (model), ==, 640);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpuint (vs_track_get_id (first), ==, 1);
  g_assert_cmpstr (vs_track_get_label (first), ==, "Identifying…");
  g_signal_connect (first, "notify", G_CALLBACK (on_notify), names);

  /* Track 1 moves and is decided, track 2 only moves: same objects, no
   * items-changed, only what changed is notified. */
  g_array_set_size (changes, 0);
  {
    VsTrackInfo infos[] = { info_new (1, VS_TRACK_KNOWN, "Ada", 0.12f),
                            info_new (2, VS_TRACK_IDENTIFYING, NULL, 0.52f) };
    vs_live_model_update (model, infos, 2, 640, 360);
  }
  g_assert_cmpuint (changes->len, ==, 0);
  g_assert_true (vs_live_model_lookup (model, 1) == first);
  g_assert_cmpint (vs_track_get_state (first), ==, VS_TRACK_KNOWN);
  g_assert_cmpstr (vs_track_get_name (first), ==, "Ada");
  g_assert_cmpstr (vs_track_get_label (first), ==, "Ada");
  g_assert_cmpint (vs_track_get_person_id (first), ==, 101);
  vs_track_get_box (first, &x, NULL, NULL, NULL);
  g_assert_cmpfloat (x, ==, 0.12f);
  g_assert_true (has_name (names, "state"));
  g_assert_true (has_name (names, "name"));
  g_assert_true (has_name (names, "label"));
  g_assert_true (has_name (names, "x"));
  g_assert_false (has_name (names, "y"));
  g_assert_false (has_name (names, "score"));
  g_assert_false (has_name (names, "id"));

  /* Nothing changed: nothing notified. */
  g_ptr_array_set_size (names, 0);
  {
    VsTrackInfo infos[] = { info_new (1, VS_TRACK_KNOWN, "Ada", 0.12f),
                            info_new (2, VS_TRACK_IDENTIFYING, NULL, 0.52f) };
    vs_live_model_update (model, infos, 2, 640, 360);
  }
  g_assert_cmpuint (names->len, ==, 0);

  /* Track 1 leaves, track 3 arrives: one removal at 0, one addition at the
   * end; track 2 keeps its object. */
  second = vs_live_model_lookup (model, 2);
  {
    VsTrackInfo infos[] = { info_new (2, VS_TRACK_UNKNOWN, NULL, 0.54f),
                            info_new (3, VS_TRACK_IDENTIFYING, NULL, 0.8f) };
    vs_live_model_update (model, infos, 2, 640, 360);
  }
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 1).position, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 1).added, ==, 1);
  g_assert_true (vs_live_model_lookup (model, 2) == second);
  g_assert_cmpstr (vs_track_get_label (second), ==, "Unknown");
  g_assert_null (vs_live_model_lookup (model, 1));
  /* The overlay may still hold a removed track: it stays valid. */
  g_assert_cmpstr (vs_track_get_name (first), ==, "Ada");

  vs_live_model_clear (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_signal_handlers_disconnect_by_data (first, names);
}

int
main (int argc, char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/tracker/association", test_association);
  g_test_add_func ("/tracker/false-detection", test_false_detection);
  g_test_add_func ("/tracker/fast-motion", test_fast_motion);
  g_test_add_func ("/tracker/death", test_death);
  g_test_add_func ("/tracker/vote/known", test_vote_known);
  g_test_add_func ("/tracker/vote/unknown", test_vote_unknown);
  g_test_add_func ("/tracker/vote/reset", test_reset_votes);
  g_test_add_func ("/tracker/vote/redecide", test_redecide);
  g_test_add_func ("/tracker/time-jump", test_time_jump);
  g_test_add_func ("/tracker/identity-change", test_identity_change);
  g_test_add_func ("/live-model/update", test_live_model);

  return g_test_run ();
}

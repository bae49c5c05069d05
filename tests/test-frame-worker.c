/* test-frame-worker.c: VsFrameWorker, the thread plumbing the recognizer and
 * the enrollment session share: newest frame, one coalesced delivery on the
 * main context (never on the worker), stop and join, the owner kept alive
 * by a pending delivery. No models: the work is counting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "vs-frame-worker.h"
#include "vs-test-util.h"

typedef struct {
  VsFrameWorker worker;
  GMutex        lock;
  GCond         cond;
  GArray       *numbers;        /* guint64: frames processed, in order */
  gboolean      gate_closed;    /* process() waits while closed */
  gboolean      in_process;
  guint         deliveries;
  gboolean      delivered_off_main;
  GThread      *main_thread;
} Owner;

/* A GObject that embeds the worker, as VsRecognizer does; the state lives
 * in a plain struct the test keeps, so it outlives the object. */
#define TEST_TYPE_WORKER_OWNER (test_worker_owner_get_type ())
G_DECLARE_FINAL_TYPE (TestWorkerOwner, test_worker_owner, TEST, WORKER_OWNER, GObject)

struct _TestWorkerOwner
{
  GObject  parent_instance;
  Owner   *state;
};

G_DEFINE_FINAL_TYPE (TestWorkerOwner, test_worker_owner, G_TYPE_OBJECT)

static void
process (gpointer  data,
         VsImage  *frame,
         gint64    time_us,
         gint64    arrival_us,
         guint64   number)
{
  Owner *state = TEST_WORKER_OWNER (data)->state;

  g_assert_true (g_thread_self () != state->main_thread);
  g_mutex_lock (&state->lock);
  state->in_process = TRUE;
  g_cond_broadcast (&state->cond);
  while (state->gate_closed)
    g_cond_wait (&state->cond, &state->lock);
  g_array_append_val (state->numbers, number);
  state->in_process = FALSE;
  g_mutex_unlock (&state->lock);
  vs_frame_worker_post (&state->worker);
}

static void
deliver (gpointer data)
{
  Owner *state = TEST_WORKER_OWNER (data)->state;

  if (g_thread_self () != state->main_thread)
    state->delivered_off_main = TRUE;
  state->deliveries++;
}

static void
test_worker_owner_dispose (GObject *object)
{
  TestWorkerOwner *self = TEST_WORKER_OWNER (object);

  vs_frame_worker_stop (&self->state->worker);
  G_OBJECT_CLASS (test_worker_owner_parent_class)->dispose (object);
}

static void
test_worker_owner_class_init (TestWorkerOwnerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = test_worker_owner_dispose;
}

static void
test_worker_owner_init (TestWorkerOwner *self)
{
}

static TestWorkerOwner *
owner_new (Owner *state)
{
  TestWorkerOwner *owner = g_object_new (TEST_TYPE_WORKER_OWNER, NULL);

  memset (state, 0, sizeof *state);
  owner->state = state;
  g_mutex_init (&state->lock);
  g_cond_init (&state->cond);
  state->numbers = g_array_new (FALSE, FALSE, sizeof (guint64));
  state->main_thread = g_thread_self ();
  vs_frame_worker_init (&state->worker, G_OBJECT (owner), "test-worker", process, deliver);
  g_assert_true (vs_frame_worker_start (&state->worker, NULL));
  return owner;
}

static void
owner_state_clear (Owner *state)
{
  vs_frame_worker_clear (&state->worker);
  g_array_unref (state->numbers);
  g_mutex_clear (&state->lock);
  g_cond_clear (&state->cond);
}

static void
set_gate (Owner    *state,
          gboolean  closed)
{
  g_mutex_lock (&state->lock);
  state->gate_closed = closed;
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);
}

static void
wait_in_process (Owner *state)
{
  g_mutex_lock (&state->lock);
  while (!state->in_process)
    g_cond_wait (&state->cond, &state->lock);
  g_mutex_unlock (&state->lock);
}

static void
iterate_main (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The worker gets the newest frame; older waiting ones are dropped. */
static void
test_newest_frame (void)
{
  Owner state;
  g_autoptr(TestWorkerOwner) owner = owner_new (&state);
  g_autoptr(VsImage) image = vs_image_new (8, 8);

  set_gate (&state, TRUE);
  g_assert_cmpint (vs_frame_worker_push (&state.worker, image, 0, 0), ==, VS_FRAME_SLOT_STORED);
  wait_in_process (&state);           /* frame 0 taken, held at the gate */
  g_assert_cmpint (vs_frame_worker_push (&state.worker, image, 1, 1), ==, VS_FRAME_SLOT_STORED);
  g_assert_cmpint (vs_frame_worker_push (&state.worker, image, 2, 2), ==, VS_FRAME_SLOT_REPLACED);
  set_gate (&state, FALSE);
  vs_frame_worker_drain (&state.worker);

  g_assert_cmpuint (state.numbers->len, ==, 2);
  g_assert_cmpuint (g_array_index (state.numbers, guint64, 0), ==, 0);
  g_assert_cmpuint (g_array_index (state.numbers, guint64, 1), ==, 2);

  g_clear_object (&owner);
  iterate_main ();
  owner_state_clear (&state);
}

/* Lossless: every frame is processed; posts made while the main context is
 * busy (not iterated) become one delivery, on the main thread. */
static void
test_coalesced_delivery (void)
{
  Owner state;
  g_autoptr(TestWorkerOwner) owner = owner_new (&state);
  g_autoptr(VsImage) image = vs_image_new (8, 8);

  g_assert_true (vs_frame_worker_set_lossless (&state.worker, TRUE));
  g_assert_false (vs_frame_worker_set_lossless (&state.worker, TRUE));
  g_assert_true (vs_frame_worker_get_lossless (&state.worker));
  for (guint64 i = 0; i < 20; i++)
    g_assert_cmpint (vs_frame_worker_push (&state.worker, image, (gint64) i, i), !=, VS_FRAME_SLOT_REFUSED);
  vs_frame_worker_drain (&state.worker);
  g_assert_cmpuint (state.numbers->len, ==, 20);
  /* Twenty posts, the main context not iterated meanwhile: nothing ran on
   * the worker, one delivery waits. */
  g_assert_cmpuint (state.deliveries, ==, 0);
  iterate_main ();
  g_assert_cmpuint (state.deliveries, ==, 1);
  g_assert_false (state.delivered_off_main);

  /* A later post gets its own delivery. */
  vs_frame_worker_push (&state.worker, image, 20, 20);
  vs_frame_worker_drain (&state.worker);
  iterate_main ();
  g_assert_cmpuint (state.deliveries, ==, 2);

  g_clear_object (&owner);
  owner_state_clear (&state);
}

/* Stopping joins the thread and refuses frames; a paused worker drops
 * them; a delivery already posted keeps the owner alive until it ran. */
static void
test_stop_and_owner (void)
{
  Owner state;
  TestWorkerOwner *owner = owner_new (&state);
  g_autoptr(VsImage) image = vs_image_new (8, 8);
  gpointer weak = owner;

  g_object_add_weak_pointer (G_OBJECT (owner), &weak);

  vs_frame_worker_set_paused (&state.worker, TRUE);
  g_assert_cmpint (vs_frame_worker_push (&state.worker, image, 0, 0), ==, VS_FRAME_SLOT_REFUSED);
  vs_frame_worker_set_paused (&state.worker, FALSE);

  vs_frame_worker_push (&state.worker, image, 1, 1);
  vs_frame_worker_drain (&state.worker);
  vs_frame_worker_stop (&state.worker);
  vs_frame_worker_stop (&state.worker);
  g_assert_cmpint (vs_frame_worker_push (&state.worker, image, 2, 2), ==, VS_FRAME_SLOT_REFUSED);
  g_assert_cmpuint (state.numbers->len, ==, 1);

  /* The owner's last reference is gone, but the delivery is pending. */
  g_object_unref (owner);
  g_assert_nonnull (weak);
  g_assert_cmpuint (state.deliveries, ==, 0);
  iterate_main ();
  g_assert_cmpuint (state.deliveries, ==, 1);
  g_assert_null (weak);

  owner_state_clear (&state);
}

static void
note_finalized (gpointer  data,
                GObject  *where_the_object_was)
{
  GThread **finalized_on = data;

  *finalized_on = g_thread_self ();
}

/* Stopping in the background returns while the worker is still in the
 * middle of a frame (the window closing must not wait for it): frames are
 * refused at once, the owner stays alive until the thread has ended, and
 * its last reference goes on the main thread, not on the joining one;
 * wait_stopping() returns once nothing is left running. */
static void
test_stop_in_background (void)
{
  Owner state;
  TestWorkerOwner *owner = owner_new (&state);
  g_autoptr(VsImage) image = vs_image_new (8, 8);
  GThread *finalized_on = NULL;

  g_object_weak_ref (G_OBJECT (owner), note_finalized, &finalized_on);

  set_gate (&state, TRUE);
  vs_frame_worker_push (&state.worker, image, 0, 0);
  wait_in_process (&state);           /* frame 0 held at the gate */

  /* Would never return if it joined: the gate is still closed. */
  vs_frame_worker_stop_in_background (&state.worker);
  g_assert_cmpint (vs_frame_worker_push (&state.worker, image, 1, 1), ==, VS_FRAME_SLOT_REFUSED);
  vs_frame_worker_stop (&state.worker);   /* does not wait either */

  g_object_unref (owner);               /* the caller's last reference */
  iterate_main ();
  g_assert_null (finalized_on);         /* still processing: kept alive */
  g_assert_cmpuint (state.numbers->len, ==, 0);

  set_gate (&state, FALSE);
  vs_frame_worker_wait_stopping ();
  g_assert_cmpuint (state.numbers->len, ==, 1);
  g_assert_null (finalized_on);         /* released on the main context only */
  while (finalized_on == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (finalized_on == state.main_thread);

  owner_state_clear (&state);
}

int
main (int    argc,
      char **argv)
{
  vs_test_init (&argc, &argv);

  g_test_add_func ("/frame-worker/newest-frame", test_newest_frame);
  g_test_add_func ("/frame-worker/coalesced-delivery", test_coalesced_delivery);
  g_test_add_func ("/frame-worker/stop-and-owner", test_stop_and_owner);
  g_test_add_func ("/frame-worker/stop-in-background", test_stop_in_background);

  return g_test_run ();
}

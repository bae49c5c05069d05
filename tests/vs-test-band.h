/* vs-test-band.h: a real face whose score against an enrolled picture lies
 * between the embedder's 1:1 (verify_threshold) and open-set (threshold)
 * thresholds, both read from the manifest at run time.
 *
 * Such a face must never be named by a 1:N front end (identify, watch, the
 * live view, enrollment's look-alike check): it is the stranger the open-set
 * threshold exists to keep out. A front end that compared against the 1:1
 * threshold would name it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char  *person;          /* LFW name, e.g. "Abel_Pacheco" */
  char  *enrolled;        /* picture to enroll */
  char  *probe;           /* picture of the same person to show */
  float  score;           /* cosine of the two faces */
  float  verify_threshold;
  float  threshold;
  float  margin;
} VsTestBandPair;

/* Walks the LFW same-person pairs in order and returns the first one where
 * each picture holds exactly one face and the score lies in the middle half
 * of [verify_threshold, threshold) for embedder_id (NULL: the default).
 * Fails the test when there is none. */
void vs_test_find_band_pair  (const char     *embedder_id,
                              VsTestBandPair *pair);
void vs_test_band_pair_clear (VsTestBandPair *pair);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VsTestBandPair, vs_test_band_pair_clear)

G_END_DECLS

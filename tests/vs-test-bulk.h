/* vs-test-bulk.h: large synthetic galleries for tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Creates the store's schema at path (through VsStore, so it is the real
 * one), then writes people "Person 00000", "Person 00001"… each with
 * n_samples random unit embeddings of dim floats from embedder, crop (a
 * PNG, or NULL) as every sample's picture, created 1700000000 + i — all in
 * ONE SQLite transaction: vs_store_add_samples() is a transaction per
 * person, far too slow for 10,000. The same seed gives the same rows. */
void vs_test_bulk_insert_people (const char *path,
                                 guint       n_people,
                                 guint       n_samples,
                                 const char *embedder,
                                 guint       dim,
                                 GBytes     *crop,
                                 guint32     seed);

G_END_DECLS

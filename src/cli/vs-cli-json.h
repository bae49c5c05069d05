/* vs-cli-json.h: visage-cli's JSON, one writer per type, so that a person
 * (or a face, a sample) looks the same in every command's output.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "vs-face.h"
#include "vs-gallery.h"
#include "vs-types.h"

G_BEGIN_DECLS

/* {"id", "name", "samples" (how many), "created", "updated", "last_seen"} */
JsonNode *vs_cli_json_person (const VsPerson *person);
/* {"id", "embedder", "quality", "source", "created"}: no embedding, no
 * picture. */
JsonNode *vs_cli_json_sample (const VsSample *sample);
/* {"box": [x, y, w, h], "landmarks": [[x, y] × 5], "score"} in pixels of
 * the picture. */
JsonNode *vs_cli_json_face   (const VsFace   *face);
/* {"person_id", "name", "similarity"}: one of the closest people. */
JsonNode *vs_cli_json_match  (const VsMatch  *match);

G_END_DECLS

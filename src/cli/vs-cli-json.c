/* vs-cli-json.c: one JSON writer per type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "vs-cli-json.h"

JsonNode *
vs_cli_json_person (const VsPerson *p)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, p->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, p->name);
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, p->n_samples);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, p->created);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, p->updated);
  json_builder_set_member_name (b, "last_seen");
  json_builder_add_int_value (b, p->last_seen);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
vs_cli_json_sample (const VsSample *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, s->id);
  json_builder_set_member_name (b, "embedder");
  json_builder_add_string_value (b, s->embedder);
  json_builder_set_member_name (b, "quality");
  json_builder_add_double_value (b, s->quality);
  json_builder_set_member_name (b, "source");
  if (s->source != NULL)
    json_builder_add_string_value (b, s->source);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, s->created);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
vs_cli_json_face (const VsFace *f)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "box");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, f->x);
  json_builder_add_double_value (b, f->y);
  json_builder_add_double_value (b, f->width);
  json_builder_add_double_value (b, f->height);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "landmarks");
  json_builder_begin_array (b);
  for (int p = 0; p < 5; p++)
    {
      json_builder_begin_array (b);
      json_builder_add_double_value (b, f->landmarks[p][0]);
      json_builder_add_double_value (b, f->landmarks[p][1]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, f->score);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
vs_cli_json_match (const VsMatch *m)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "person_id");
  json_builder_add_int_value (b, m->person_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, m->name);
  json_builder_set_member_name (b, "similarity");
  json_builder_add_double_value (b, m->score);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

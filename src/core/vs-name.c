/* vs-name.c */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vs-name.h"

G_DEFINE_QUARK (vs-name-error-quark, vs_name_error)

/* Explicit directional embeddings, overrides and isolates, and the marks:
 * they reorder or hide what a name displays, and a name never needs them
 * (a right-to-left name displays right by itself). */
static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202A && c <= 0x202E) ||   /* LRE RLE PDF LRO RLO */
         (c >= 0x2066 && c <= 0x2069) ||   /* LRI RLI FSI PDI */
         c == 0x200E || c == 0x200F ||     /* LRM RLM */
         c == 0x061C;                      /* ARABIC LETTER MARK */
}

/* Something that leaves ink: a letter, digit, punctuation or symbol. White
 * space, format characters (U+200B…), lone combining marks and unassigned
 * code points do not. */
static gboolean
is_visible (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SPACE_SEPARATOR:
      return FALSE;
    default:
      return TRUE;
    }
}

/* Sets the error; returns NULL for vs_name_normalize() to return. */
static char *
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, VS_NAME_ERROR, VS_NAME_ERROR_INVALID, message);
  return NULL;
}

char *
vs_name_normalize (const char  *name,
                   GError     **error)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *nfc = NULL;
  const char *start, *end, *p;
  gboolean in_space = FALSE, any_visible = FALSE;
  glong n_chars;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return invalid (error, _("The name is not valid text"));

  /* Trim Unicode white space at both ends (no-break space included). */
  start = name;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);
      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  if (start == end)
    return invalid (error, _("The name is empty"));

  /* Inside, control characters (tabs, new lines…) are refused and runs of
   * spaces become one, so “Ada  Lovelace” and “Ada Lovelace” are the same
   * person when enrolling by name. */
  out = g_string_sized_new (end - start);
  for (p = start; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return invalid (error, _("The name contains a control character (such as a tab or a new line)"));
      if (is_bidi_control (c))
        return invalid (error, _("The name contains a text-direction control character, which can make it "
                                 "display as a different name"));
      if (g_unichar_isspace (c))
        {
          if (!in_space)
            g_string_append_c (out, ' ');
          in_space = TRUE;
          continue;
        }
      in_space = FALSE;
      any_visible |= is_visible (c);
      g_string_append_unichar (out, c);
    }

  if (!any_visible)
    return invalid (error, _("The name has no visible letter"));

  nfc = g_utf8_normalize (out->str, out->len, G_NORMALIZE_NFC);
  n_chars = g_utf8_strlen (nfc, -1);
  if (n_chars > VS_NAME_MAX_CHARS)
    {
      g_set_error (error, VS_NAME_ERROR, VS_NAME_ERROR_INVALID,
                   _("The name is too long (%ld characters; at most %d)"),
                   n_chars, VS_NAME_MAX_CHARS);
      return NULL;
    }
  return g_steal_pointer (&nfc);
}

char *
vs_name_key (const char *name)
{
  g_autofree char *folded = NULL;
  g_autofree char *decomposed = NULL;
  GString *out;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return g_strdup ("");

  /* Decompose before folding too: “ǅ” and “ﬁ” fold only once split. */
  decomposed = g_utf8_normalize (name, -1, G_NORMALIZE_ALL);
  folded = g_utf8_casefold (decomposed, -1);
  g_clear_pointer (&decomposed, g_free);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);

  out = g_string_new (NULL);
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK ||
          type == G_UNICODE_FORMAT || type == G_UNICODE_CONTROL)
        continue;
      if (g_unichar_isspace (c))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          continue;
        }
      g_string_append_unichar (out, c);
    }
  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

gboolean
vs_name_equal (const char *a,
               const char *b)
{
  g_autofree char *key_a = vs_name_key (a);
  g_autofree char *key_b = vs_name_key (b);

  return strcmp (key_a, key_b) == 0;
}

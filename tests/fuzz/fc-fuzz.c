/* fc-fuzz.c — a deterministic mutation fuzzer for GLib tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "fc-fuzz.h"
#include "fc-server-test-util.h"

/* Numbers that break parsers and range checks: beyond gint64 and double,
 * denormals, negative zero, and what JSON forbids but lenient parsers take. */
static const char * const interesting_numbers[] = {
  "0", "-1", "1", "3", "28", "29", "100", "101", "-0", "-0.0", "0.1", "1E2",
  "1e309", "-1e309", "1e-400", "4.9e-324", "1.7976931348623157e308",
  "9223372036854775807", "9223372036854775808", "-9223372036854775808",
  "-9223372036854775809", "18446744073709551616", "2147483648", "-2147483649",
  "4294967296", "1000000", "100000000000000000000000000000000000000000000000000",
  "123456789.123456789e-300", "01", "1.", ".5", "+1", "0x10", "1e", "--1", "NaN",
  "Infinity", "-Infinity",
};

/* Strings that break validators and encoders: escapes of NUL and lone
 * surrogates, invalid and overlong UTF-8, dates that do not exist. */
static const char * const interesting_strings[] = {
  "", " ", "\\u0000", "a\\u0000b", "\\ud800", "\\udfff\\ud800", "\xed\xa0\x80", "\xc0\x80",
  "\xf4\x90\x80\x80", "\xff\xfe", "\xe2\x82", "\x80", "\xf0\x9f\x8f\x8b\xef\xb8\x8f", "\\\"",
  "\\\\", "\\n\\r\\t", "%s%n%x", "../../etc/passwd", "<script>alert(1)</script>",
  "'; DROP TABLE users; --", "2026-02-30", "9999-12-31", "0000-00-00", "2026-12-05T25:61:61Z",
  "-1", "1e309", "NaN", "true", "null", "WL", "wl", "BF", "male", "admin@fitcore.local",
  "demo@fitcore.local", "HS256", "none", "access", "refresh",
};

static const char * const interesting_fragments[] = {
  "\"", "\\u0000", "\\ud800", "\\udfff\\ud800", "\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80",
  "\xff\xfe", "\xe2\x82", "null", "true", "-0", "1e999", "[]", "{}", ",", ":", "\"\":", "NaN",
  "Infinity", "\\", "/*", "//", "\r\n", "\xef\xbb\xbf",
};

static const guint8 interesting_bytes[] = {
  0x00, 0xff, 0x80, 0xc0, 0x7f, '"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', 'e', '.',
  ' ', '\n', 0x01, 0x1f, 0xed, 0xf4,
};

/* Member names of every write route, so that added members are ones the
 * server looks at. */
static const char * const field_names[] = {
  "id", "user", "user_id", "email", "password", "password1", "password2", "old_password",
  "new_password1", "new_password2", "refresh", "token", "uid", "key", "id_token",
  "access_token", "code", "name", "description", "calories", "protein", "carbohydrates", "fat",
  "fiber", "sugar", "sodium", "serving_quantity", "serving_unit", "food_category", "is_public",
  "meal_items", "food", "number_of_servings", "meal_time_category", "is_template", "goal",
  "duration_days", "start_date", "end_date", "target_daily_calories", "target_daily_protein",
  "target_daily_carbohydrates", "target_daily_fat", "scheduled_meals_payload", "scheduled_meals",
  "meal", "day_of_plan", "meals_per_day", "exclude_food_ids", "preferences", "vegetarian",
  "vegan", "activity", "seed", "title", "duration", "difficulty", "category", "goals",
  "is_premium", "slug", "workout", "progress_percentage", "last_video", "position_seconds",
  "order_index", "age", "weight", "height", "gender", "fitness_goal", "img", "first_name",
  "last_name", "is_staff", "has_premium", "completed_at", "status", "is_active", "",
  "\xff", "__proto__",
};

static const struct {
  const char *klass;
  const char *reason;
} known_issues[] = {
  /* Filled in when a defect outside tests/ is known and not yet fixed; empty
   * when the tree passes. Each entry is { input class or kind, reason }, for
   * example { "upload-names", "known defect: … (file)" }. */
  { NULL, NULL },
};

guint64
fc_fuzz_seed (void)
{
  static gsize once = 0;
  static guint64 seed;

  if (g_once_init_enter (&once)) {
    const char *text = g_getenv ("FITCORE_FUZZ_SEED");

    if (text != NULL && *text != '\0')
      seed = g_ascii_strtoull (text, NULL, 10);
    else
      seed = (guint64) g_get_real_time () ^ ((guint64) getpid () << 32);
    g_once_init_leave (&once, 1);
  }
  return seed;
}

double
fc_fuzz_seconds (double default_seconds)
{
  const char *text = g_getenv ("FITCORE_FUZZ_SECONDS");

  if (text != NULL && *text != '\0')
    return MAX (g_ascii_strtod (text, NULL), 0.0);
  return default_seconds;
}

gint64
fc_fuzz_max_cases (const char *klass)
{
  const char *text = g_getenv ("FITCORE_FUZZ_CASES");
  g_auto(GStrv) items = NULL;
  gint64 cases = -1;

  if (text == NULL || *text == '\0')
    return -1;
  /* "N" for every class, "klass=N" for one: "2000,deep-nesting=200". */
  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++) {
    const char *equals = strchr (items[i], '=');

    if (equals == NULL && cases < 0)
      cases = g_ascii_strtoll (items[i], NULL, 10);
    else if (equals != NULL && klass != NULL &&
             strncmp (items[i], klass, equals - items[i]) == 0 &&
             klass[equals - items[i]] == '\0')
      return MAX (g_ascii_strtoll (equals + 1, NULL, 10), 1);
  }
  return cases < 0 ? -1 : MAX (cases, 1);
}

gboolean
fc_fuzz_budget_spent (const char *klass,
                      guint64     cases_run,
                      gint64      start_us,
                      double      seconds)
{
  gint64 max_cases = fc_fuzz_max_cases (klass);

  if (max_cases > 0)
    return cases_run >= (guint64) max_cases;
  /* At least one case, however loaded the machine. */
  return cases_run > 0 && (g_get_monotonic_time () - start_us) / 1e6 >= seconds;
}

gint64
fc_fuzz_only_case (void)
{
  const char *text = g_getenv ("FITCORE_FUZZ_CASE");

  if (text != NULL && *text != '\0')
    return g_ascii_strtoll (text, NULL, 10);
  return -1;
}

GRand *
fc_fuzz_rand_for_case (const char *klass,
                       guint64     index)
{
  guint64 seed = fc_fuzz_seed ();
  guint32 array[5] = {
    (guint32) seed, (guint32) (seed >> 32), g_str_hash (klass), (guint32) index,
    (guint32) (index >> 32),
  };

  return g_rand_new_with_seed_array (array, G_N_ELEMENTS (array));
}

static void
seed_free (gpointer data)
{
  FcFuzzSeed *seed = data;

  g_free (seed->name);
  g_bytes_unref (seed->data);
  g_free (seed);
}

static int
seed_compare (gconstpointer a,
              gconstpointer b)
{
  const FcFuzzSeed *sa = *(const FcFuzzSeed * const *) a;
  const FcFuzzSeed *sb = *(const FcFuzzSeed * const *) b;

  return strcmp (sa->name, sb->name);
}

GPtrArray *
fc_fuzz_corpus_load (const char *subdir)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", subdir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  GPtrArray *corpus = g_ptr_array_new_with_free_func (seed_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *file = g_build_filename (path, name, NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;
    FcFuzzSeed *seed;

    if (name[0] == '.' || g_str_has_suffix (name, "~"))
      continue;
    g_file_get_contents (file, &contents, &length, &error);
    g_assert_no_error (error);
    seed = g_new0 (FcFuzzSeed, 1);
    seed->name = g_strdup (name);
    seed->data = g_bytes_new_take (g_steal_pointer (&contents), length);
    g_ptr_array_add (corpus, seed);
  }
  g_ptr_array_sort (corpus, seed_compare);
  g_assert_cmpuint (corpus->len, >, 0);
  return corpus;
}

const FcFuzzSeed *
fc_fuzz_corpus_pick (GPtrArray *corpus,
                     GRand     *rand)
{
  return g_ptr_array_index (corpus, g_rand_int_range (rand, 0, corpus->len));
}

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static gsize
random_position (GRand *rand,
                 gsize  length)
{
  return length == 0 ? 0 : (gsize) g_rand_int_range (rand, 0, (gint32) MIN (length + 1, G_MAXINT32));
}

static void
insert_text (GByteArray *bytes,
             gsize       position,
             const char *text,
             gsize       length)
{
  g_byte_array_set_size (bytes, bytes->len + length);
  memmove (bytes->data + position + length, bytes->data + position,
           bytes->len - length - position);
  memcpy (bytes->data + position, text, length);
}

/* A number token: a run of digits and the characters numbers contain. */
static gboolean
find_token (GRand       *rand,
            GByteArray  *bytes,
            gboolean     number,
            gsize       *out_start,
            gsize       *out_end)
{
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize start;

  for (gsize i = 0; i < bytes->len; i++) {
    guint8 c = bytes->data[i];

    if (number && (g_ascii_isdigit (c) || c == '-') &&
        (i == 0 || !(g_ascii_isalnum (bytes->data[i - 1]) || bytes->data[i - 1] == '.')))
      g_array_append_val (starts, i);
    else if (!number && c == '"' && (i == 0 || bytes->data[i - 1] != '\\'))
      g_array_append_val (starts, i);
  }
  if (starts->len == 0)
    return FALSE;

  start = g_array_index (starts, gsize, g_rand_int_range (rand, 0, starts->len));
  if (number) {
    gsize end = start + 1;

    while (end < bytes->len && (g_ascii_isdigit (bytes->data[end]) ||
                                strchr ("+-.eE", bytes->data[end]) != NULL))
      end++;
    *out_start = start;
    *out_end = end;
    return TRUE;
  }

  /* A string: from this quote to the next unescaped one. */
  for (gsize end = start + 1; end < bytes->len; end++) {
    if (bytes->data[end] == '"' && bytes->data[end - 1] != '\\') {
      *out_start = start + 1;
      *out_end = end;
      return TRUE;
    }
  }
  return FALSE;
}

static void
replace_range (GByteArray *bytes,
               gsize       start,
               gsize       end,
               const char *text,
               gsize       length)
{
  g_byte_array_remove_range (bytes, start, end - start);
  insert_text (bytes, start, text, length);
}

static void
mutate_once (GRand      *rand,
             GByteArray *bytes,
             GPtrArray  *corpus)
{
  gsize position = random_position (rand, bytes->len);
  gsize start, end;

  switch (g_rand_int_range (rand, 0, 11)) {
  case 0: /* flip a bit */
    if (bytes->len > 0) {
      position = MIN (position, bytes->len - 1);
      bytes->data[position] ^= 1 << g_rand_int_range (rand, 0, 8);
    }
    break;
  case 1: /* overwrite a byte with one that matters */
    if (bytes->len > 0)
      bytes->data[MIN (position, bytes->len - 1)] = PICK (rand, interesting_bytes);
    break;
  case 2: { /* insert a fragment */
    const char *text = PICK (rand, interesting_fragments);

    insert_text (bytes, position, text, strlen (text));
    break;
  }
  case 3: /* delete a range */
    if (bytes->len > 0) {
      gsize length;

      position = MIN (position, bytes->len - 1);
      length = g_rand_int_range (rand, 1, MIN (bytes->len - position, 64) + 1);
      g_byte_array_remove_range (bytes, position, length);
    }
    break;
  case 4: /* duplicate a range */
    if (bytes->len > 0) {
      gsize from = random_position (rand, bytes->len - 1);
      gsize length = g_rand_int_range (rand, 1, MIN (bytes->len - from, 256) + 1);
      g_autofree char *copy = g_memdup2 (bytes->data + from, length);

      insert_text (bytes, position, copy, length);
    }
    break;
  case 5: /* splice in part of another seed */
    if (corpus != NULL && corpus->len > 0) {
      const FcFuzzSeed *other = fc_fuzz_corpus_pick (corpus, rand);
      gsize size;
      const char *data = g_bytes_get_data (other->data, &size);

      if (size > 0) {
        gsize from = random_position (rand, size - 1);
        gsize length = g_rand_int_range (rand, 1, MIN (size - from, 512) + 1);

        insert_text (bytes, position, data + from, length);
      }
    }
    break;
  case 6: /* truncate */
    g_byte_array_set_size (bytes, position);
    break;
  case 7: /* an interesting number instead of a number */
  case 8: {
    if (find_token (rand, bytes, TRUE, &start, &end)) {
      const char *number = PICK (rand, interesting_numbers);

      replace_range (bytes, start, end, number, strlen (number));
    }
    break;
  }
  case 9: { /* an interesting, or a huge, string instead of a string */
    if (find_token (rand, bytes, FALSE, &start, &end)) {
      if (g_rand_int_range (rand, 0, 8) == 0) {
        gsize length = g_rand_boolean (rand) ? 70000 : (gsize) g_rand_int_range (rand, 100, 5000);
        g_autofree char *huge = g_malloc (length);

        memset (huge, g_rand_boolean (rand) ? 'A' : 0xe9, length);
        replace_range (bytes, start, end, huge, length);
      } else {
        const char *text = PICK (rand, interesting_strings);

        replace_range (bytes, start, end, text, strlen (text));
      }
    }
    break;
  }
  default: { /* a few random bytes */
    guint8 random[8];
    gsize length = g_rand_int_range (rand, 1, sizeof random + 1);

    for (gsize i = 0; i < length; i++)
      random[i] = (guint8) g_rand_int_range (rand, 0, 256);
    insert_text (bytes, position, (const char *) random, length);
    break;
  }
  }
}

GBytes *
fc_fuzz_mutate (GRand     *rand,
                GBytes    *input,
                GPtrArray *corpus)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (input, &size);
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (size + 64);
  guint rounds = g_rand_int_range (rand, 1, 5);

  g_byte_array_append (bytes, data, size);
  for (guint i = 0; i < rounds; i++)
    mutate_once (rand, bytes, corpus);
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static void
collect_nodes (JsonNode  *node,
               GPtrArray *nodes)
{
  g_ptr_array_add (nodes, node);
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

    for (GList *l = members; l != NULL; l = l->next)
      collect_nodes (l->data, nodes);
  } else if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++)
      collect_nodes (json_array_get_element (array, i), nodes);
  }
}

/* json_node_init_object() and _array() take a reference of their own. */
static JsonNode *
take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/* json_node_copy() shares containers; a borrowed ancestor put below itself
 * would make a cycle. */
static JsonNode *
deep_copy (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *copy = json_object_new ();
    JsonObject *object = json_node_get_object (node);
    g_autoptr(GList) names = json_object_get_members (object);

    for (GList *l = names; l != NULL; l = l->next)
      json_object_set_member (copy, l->data, deep_copy (json_object_get_member (object, l->data)));
    return take_object (copy);
  }
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *copy = json_array_new ();
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++)
      json_array_add_element (copy, deep_copy (json_array_get_element (array, i)));
    return take_array (copy);
  }
  return json_node_copy (node);
}

static JsonNode *
random_value (GRand    *rand,
              guint     max_depth,
              JsonNode *borrow)
{
  JsonNode *node;

  switch (g_rand_int_range (rand, 0, 12)) {
  case 0:
    return json_node_init_null (json_node_alloc ());
  case 1:
    return json_node_init_boolean (json_node_alloc (), g_rand_boolean (rand));
  case 2: {
    const char *text = PICK (rand, interesting_numbers);
    gint64 value = g_ascii_strtoll (text, NULL, 10);

    return json_node_init_int (json_node_alloc (), value);
  }
  case 3:
    return json_node_init_double (json_node_alloc (),
                                  g_rand_double_range (rand, -1e12, 1e12));
  case 4:
  case 5: {
    const char *text = PICK (rand, interesting_strings);

    /* The escapes in the table are for raw text; as a value they are taken
     * literally, and invalid UTF-8 goes out as the generator writes it. */
    return json_node_init_string (json_node_alloc (), text);
  }
  case 6:
    return take_object (json_object_new ());
  case 7:
    return take_array (json_array_new ());
  case 8: { /* a long array of one small value */
    JsonArray *array = json_array_new ();
    guint n = g_rand_boolean (rand) ? g_rand_int_range (rand, 2, 50) : g_rand_int_range (rand, 500, 5000);
    gint64 item = g_rand_int_range (rand, -2, 400);

    for (guint i = 0; i < n; i++) {
      if (g_rand_int_range (rand, 0, 4) == 0) {
        JsonObject *object = json_object_new ();

        json_object_set_int_member (object, PICK (rand, field_names), item);
        json_object_set_int_member (object, "day_of_plan", i % 40);
        json_array_add_object_element (array, object);
      } else {
        json_array_add_int_element (array, item + i % 3);
      }
    }
    return take_array (array);
  }
  case 9: { /* nested, within the bound */
    guint depth = g_rand_int_range (rand, 1, MAX (max_depth, 2));

    node = json_node_init_int (json_node_alloc (), 1);
    for (guint i = 0; i < depth; i++) {
      JsonArray *array = json_array_new ();

      json_array_add_element (array, node);
      node = take_array (array);
    }
    return node;
  }
  case 10: { /* an object with a member the server reads */
    JsonObject *object = json_object_new ();

    json_object_set_member (object, PICK (rand, field_names), random_value (rand, 0, NULL));
    return take_object (object);
  }
  default: /* a value from elsewhere in the document: right shape, wrong place */
    if (borrow != NULL)
      return deep_copy (borrow);
    return json_node_init_string (json_node_alloc (), "x");
  }
}

GBytes *
fc_fuzz_mutate_tree (GRand     *rand,
                     GBytes    *input,
                     guint      max_depth,
                     GPtrArray *corpus)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  JsonNode *root;
  gsize size;
  const char *data = g_bytes_get_data (input, &size);
  guint rounds = g_rand_int_range (rand, 1, 4);
  char *text;

  /* Only ever called on corpus seeds, which are shallow. */
  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return fc_fuzz_mutate (rand, input, corpus);

  root = json_parser_get_root (parser);
  for (guint round = 0; round < rounds; round++) {
    JsonNode *target;
    JsonNode *borrow;

    g_ptr_array_set_size (nodes, 0);
    collect_nodes (root, nodes);
    target = g_ptr_array_index (nodes, g_rand_int_range (rand, 0, nodes->len));
    borrow = g_ptr_array_index (nodes, g_rand_int_range (rand, 0, nodes->len));

    if (JSON_NODE_HOLDS_OBJECT (target) && g_rand_boolean (rand)) {
      JsonObject *object = json_node_get_object (target);
      g_autoptr(GList) names = json_object_get_members (object);

      if (names != NULL && g_rand_boolean (rand)) {
        const char *name = g_list_nth_data (names, g_rand_int_range (rand, 0, g_list_length (names)));

        if (g_rand_boolean (rand))
          json_object_remove_member (object, name);
        else
          json_object_set_member (object, name, random_value (rand, max_depth, borrow));
      } else {
        json_object_set_member (object, PICK (rand, field_names),
                                random_value (rand, max_depth, borrow));
      }
    } else if (JSON_NODE_HOLDS_ARRAY (target) && g_rand_boolean (rand)) {
      JsonArray *array = json_node_get_array (target);
      guint length = json_array_get_length (array);

      if (length > 0 && g_rand_boolean (rand))
        json_array_remove_element (array, g_rand_int_range (rand, 0, length));
      else
        json_array_add_element (array, random_value (rand, max_depth, borrow));
    } else if (target == root) {
      g_autoptr(JsonNode) value = random_value (rand, max_depth, NULL);

      generator = json_generator_new ();
      json_generator_set_root (generator, value);
      text = json_generator_to_data (generator, &size);
      return g_bytes_new_take (text, size);
    } else {
      /* Replace a scalar in place through its parent. */
      JsonNode *parent = json_node_get_parent (target);

      if (parent != NULL && JSON_NODE_HOLDS_OBJECT (parent)) {
        JsonObject *object = json_node_get_object (parent);
        g_autoptr(GList) names = json_object_get_members (object);

        for (GList *l = names; l != NULL; l = l->next) {
          if (json_object_get_member (object, l->data) == target) {
            json_object_set_member (object, l->data, random_value (rand, max_depth, NULL));
            break;
          }
        }
      } else if (parent != NULL && JSON_NODE_HOLDS_ARRAY (parent)) {
        json_array_add_element (json_node_get_array (parent), random_value (rand, max_depth, NULL));
      }
    }
  }

  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &size);
  return g_bytes_new_take (text, size);
}

GBytes *
fc_fuzz_deep_nesting (GRand *rand)
{
  static const guint depths[] = { 200, 1000, 10000, 60000, 80000, 100000, 200000 };
  static const char * const openers[] = { "[", "{\"a\":", "[{\"a\":", " [ ", "{\"\":[" };
  static const char * const closers[] = { "]", "}", "}]", " ] ", "]}" };
  guint depth = PICK (rand, depths);
  guint kind = g_rand_int_range (rand, 0, G_N_ELEMENTS (openers));
  GString *text = g_string_new (NULL);
  gboolean wrap = g_rand_int_range (rand, 0, 3) == 0;

  if (wrap)
    g_string_append (text, "{\"email\":\"a@b.c\",\"password\":");
  for (guint i = 0; i < depth; i++)
    g_string_append (text, openers[kind]);
  switch (g_rand_int_range (rand, 0, 3)) {
  case 0: /* open to the end of the body */
    break;
  case 1: /* balanced */
    g_string_append (text, "1");
    for (guint i = 0; i < depth; i++)
      g_string_append (text, closers[kind]);
    if (wrap)
      g_string_append_c (text, '}');
    break;
  default: /* closed by the wrong brackets */
    g_string_append (text, "null");
    for (guint i = 0; i < depth / 2; i++)
      g_string_append (text, closers[(kind + 1) % G_N_ELEMENTS (closers)]);
    break;
  }
  return g_string_free_to_bytes (text);
}

char *
fc_fuzz_preview (GBytes *data,
                 gsize   max)
{
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);
  GString *text = g_string_new (NULL);

  for (gsize i = 0; i < size && text->len < max; i++) {
    if (bytes[i] == '\\')
      g_string_append (text, "\\\\");
    else if (bytes[i] >= 0x20 && bytes[i] < 0x7f)
      g_string_append_c (text, bytes[i]);
    else if (bytes[i] == '\n')
      g_string_append (text, "\\n");
    else if (bytes[i] == '\r')
      g_string_append (text, "\\r");
    else
      g_string_append_printf (text, "\\x%02x", bytes[i]);
  }
  if (text->len >= max)
    g_string_append_printf (text, "… (%" G_GSIZE_FORMAT " bytes)", size);
  return g_string_free (text, FALSE);
}

char *
fc_fuzz_save_finding (const char *klass,
                      guint64     index,
                      const char *suffix,
                      GBytes     *data)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "fuzz", "findings", NULL);
  g_autofree char *name = g_strdup_printf ("%s-%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ".%s",
                                           klass, fc_fuzz_seed (), index, suffix);
  char *path = g_build_filename (dir, name, NULL);
  gsize size;
  const char *bytes = g_bytes_get_data (data, &size);

  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (path, bytes != NULL ? bytes : "", size, NULL))
    g_test_message ("could not write %s", path);
  return path;
}

char *
fc_fuzz_jwt_sign (const char *secret,
                  GBytes     *header,
                  GBytes     *payload)
{
  gsize header_size, payload_size;
  const char *header_data = g_bytes_get_data (header, &header_size);
  const char *payload_data = g_bytes_get_data (payload, &payload_size);
  /* fc_st_b64url() takes text: a NUL the mutator put in ends the part. */
  g_autofree char *header_text = g_strndup (header_data != NULL ? header_data : "", header_size);
  g_autofree char *payload_text = g_strndup (payload_data != NULL ? payload_data : "", payload_size);
  g_autofree char *header64 = fc_st_b64url (header_text);
  g_autofree char *payload64 = fc_st_b64url (payload_text);
  g_autofree char *input = g_strconcat (header64, ".", payload64, NULL);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autofree char *signature = NULL;

  g_hmac_update (hmac, (const guchar *) input, strlen (input));
  g_hmac_get_digest (hmac, digest, &digest_length);
  signature = g_base64_encode (digest, digest_length);
  g_strdelimit (signature, "+", '-');
  g_strdelimit (signature, "/", '_');
  g_strdelimit (signature, "=", '\0');
  return g_strconcat (input, ".", signature, NULL);
}

const char *
fc_fuzz_known_issue (const char *klass)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_issues); i++) {
    if (known_issues[i].klass != NULL && g_str_equal (known_issues[i].klass, klass))
      return known_issues[i].reason;
  }
  return NULL;
}

/* test-fuzz-json.c — fc_json_parse(), fc_json_scan_page() and fc_jwt_decode()
 * under mutated input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input class runs in a subprocess for its share of FITCORE_FUZZ_SECONDS
 * (default 30), so a crash fails that class alone and the parent can say
 * which case crashed: the child records the case it is on in a file, and the
 * parent regenerates that input from the seed and saves it.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fc-fuzz.h"
#include "fc-json.h"
#include "fc-jwt.h"

#define SECRET "fuzz-secret-key-0123456789"
/* A fixed clock, so a token's validity never depends on the date. */
#define NOW G_GINT64_CONSTANT (1800000000)
#define DEFAULT_SECONDS 30.0
#define N_CLASSES 5

typedef GBytes *(*MakeInput) (GRand *rand, guint64 index, char **out_note);
typedef void    (*CheckInput) (GBytes *input, GRand *rand);

typedef struct {
  const char *klass;
  const char *path;
  MakeInput   make;
  CheckInput  check;
} FuzzClass;

static GPtrArray *json_corpus;
/* Known defects (see fc_fuzz_known_issue()) this class hit: how often, and
 * the first case. */
typedef struct {
  const char *kind;
  guint64     hits;
  guint64     first;
} KnownHits;

static KnownHits known_hits[] = {
  { "lone-surrogate", 0, 0 },
  { "exponent-double", 0, 0 },
};
static guint64 current_case;
static GPtrArray *deep_corpus;
static GPtrArray *claims_corpus;

/* --- invariants --- */

static void
exercise_accessors (JsonObject *object)
{
  g_autoptr(GList) names = json_object_get_members (object);

  /* Untrusted documents must never make the typed accessors warn (warnings
   * are fatal in tests). */
  for (GList *l = names; l != NULL; l = l->next) {
    const char *name = l->data;
    gint64 i;
    double d;
    gboolean b;

    g_assert_true (fc_json_has_member (object, name));
    (void) fc_json_is_null (object, name);
    (void) fc_json_get_string (object, name);
    (void) fc_json_get_int (object, name, &i);
    (void) fc_json_get_double (object, name, &d);
    (void) fc_json_get_boolean (object, name, &b);
    (void) fc_json_get_object (object, name);
    (void) fc_json_get_array (object, name);
  }
}

/* Two defects this fuzzer found (fixed in 5cde11b), told apart from other
 * failures so that a return says what it is:
 * - "lone-surrogate": json-glib decodes a lone surrogate escape ("\\ud800x")
 *   to bytes that are not UTF-8, keeps them in the document and quotes them
 *   in its error message;
 * - "exponent-double": json-glib 1.6 writes 1e17 as "1e+17.0", which no JSON
 *   parser reads, so fc_json_to_string() could not round-trip it.
 * While one is listed in fc_fuzz_known_issue(), its cases are counted and the
 * class is reported as TODO; otherwise the case fails. */
static void
known_hit (const char *kind)
{
  if (fc_fuzz_known_issue (kind) == NULL)
    g_error ("the defect \"%s\" is back (see known_hit() in tests/fuzz/test-fuzz-json.c)", kind);
  for (guint i = 0; i < G_N_ELEMENTS (known_hits); i++) {
    if (g_str_equal (known_hits[i].kind, kind) && known_hits[i].hits++ == 0)
      known_hits[i].first = current_case;
  }
}

/* "1e+17.0": an exponent followed by a fraction. */
static gboolean
has_exponent_fraction (const char *text)
{
  for (const char *p = text; *p != '\0'; p++) {
    const char *q = p + 1;

    if (*p != 'e' && *p != 'E')
      continue;
    if (*q == '+' || *q == '-')
      q++;
    if (!g_ascii_isdigit (*q))
      continue;
    while (g_ascii_isdigit (*q))
      q++;
    if (*q == '.')
      return TRUE;
  }
  return FALSE;
}

/* json-glib reads 1e309 as infinity and writes it back as "inf", which no
 * JSON parser reads; such documents cannot round-trip, and what the server
 * does with them is checked by test-fuzz-server (every JSON answer must
 * parse). */
static gboolean
has_non_finite (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    g_autoptr(GList) values = json_object_get_values (json_node_get_object (node));

    for (GList *l = values; l != NULL; l = l->next) {
      if (has_non_finite (l->data))
        return TRUE;
    }
  } else if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++) {
      if (has_non_finite (json_array_get_element (array, i)))
        return TRUE;
    }
  } else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE) {
    return !isfinite (json_node_get_double (node));
  }
  return FALSE;
}

/* Every member of every item through the accessors a store reads them
 * with (fc_resource_upsert_json_page()): they must hold on whatever text
 * the scan let through. */
static gboolean
on_scanned_item_cb (const FcJsonMember *members,
                    guint               n_members,
                    gpointer            user_data)
{
  guint *n_items = user_data;

  (*n_items)++;
  for (guint i = 0; i < n_members; i++) {
    g_autofree char *text = fc_json_member_dup_string (&members[i]);
    g_autoptr(GArray) inner = fc_json_member_get_members (&members[i]);
    gint64 n;
    double d;

    g_assert_true (members[i].start <= members[i].end);
    g_assert_true (text == NULL || g_utf8_validate (text, -1, NULL));
    fc_json_member_get_int (&members[i], &n);
    fc_json_member_get_double (&members[i], &d);
    g_assert_true (members[i].kind == FC_JSON_KIND_OBJECT || inner->len == 0);
    fc_json_members_find ((const FcJsonMember *) inner->data, inner->len, "email");
  }
  g_assert_true (fc_json_members_find (members, n_members, "id") == NULL || n_members > 0);
  return TRUE;
}

/* A pull reads its pages with fc_json_scan_page(), not json-glib: it must
 * refuse cleanly, and take nothing json-glib refuses (it is the stricter:
 * RFC 8259). */
static void
check_scan_page (const char *data,
                 gsize       size,
                 JsonNode   *node)
{
  g_auto(FcJsonPage) page = { 0 };
  g_autoptr(GError) error = NULL;

  if (!fc_json_scan_page (data, size, &page, &error)) {
    g_assert_true (error != NULL && error->domain == FC_JSON_ERROR);
    g_assert_null (page.ids);
    return;
  }
  g_assert_nonnull (node);
  g_assert_cmpuint (page.ids->len, <=, page.n_items);
  {
    g_auto(FcJsonPage) again = { 0 };
    guint n_objects = 0;

    g_assert_true (fc_json_scan_items (data, size, on_scanned_item_cb, &n_objects, &again,
                                       &error));
    g_assert_cmpuint (n_objects, <=, again.n_items);
    g_assert_cmpuint (again.n_items, ==, page.n_items);
    g_assert_cmpuint (again.ids->len, ==, page.ids->len);
  }
  if (page.is_list) {
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    g_assert_cmpuint (page.n_items, ==, json_array_get_length (json_node_get_array (node)));
  } else {
    g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  }
}

static void
check_json (GBytes *input,
            GRand  *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) object = NULL;
  gsize size;
  const char *data = g_bytes_get_data (input, &size);
  g_autofree char *terminated = NULL;

  /* Half the time as a NUL-terminated string, as callers with -1 pass it. */
  const char *text_in = data != NULL ? data : "";
  gssize length_in = size;

  if (g_rand_boolean (rand)) {
    text_in = terminated = g_strndup (text_in, size);
    length_in = -1;
  }
  node = fc_json_parse (text_in, length_in, &error);
  if (length_in >= 0)
    check_scan_page (text_in, size, node);

  if (node == NULL) {
    g_assert_nonnull (error);
    /* A parse error or, for deep nesting, a depth error: never a type error. */
    g_assert_true (error->domain == FC_JSON_ERROR);
    g_assert_cmpint (error->code, !=, FC_JSON_ERROR_TYPE);
    /* The server copies parse errors into 400 bodies, which must be UTF-8,
     * and GError messages are UTF-8 by contract. */
    if (!g_utf8_validate (error->message, -1, NULL))
      known_hit ("lone-surrogate");
  } else {
    g_autofree char *text = NULL;
    g_autofree char *again = NULL;
    g_autoptr(JsonNode) reparsed = NULL;

    g_assert_no_error (error);
    text = fc_json_to_string (node, FALSE);
    g_assert_nonnull (text);
    /* What we accept we must be able to write back as valid UTF-8 JSON, and
     * that text must read back to the same document. */
    if (!g_utf8_validate (text, -1, NULL)) {
      known_hit ("lone-surrogate");
      return;
    }
    if (has_non_finite (node))
      goto accessors;
    reparsed = fc_json_parse (text, -1, &error);
    if (reparsed == NULL && has_exponent_fraction (text)) {
      known_hit ("exponent-double");
      g_clear_error (&error);
      goto accessors;
    }
    g_assert_no_error (error);
    g_assert_nonnull (reparsed);
    again = fc_json_to_string (reparsed, FALSE);
    g_assert_cmpstr (again, ==, text);

  accessors:
    if (JSON_NODE_HOLDS_OBJECT (node))
      exercise_accessors (json_node_get_object (node));
  }

  g_clear_error (&error);
  object = fc_json_parse_object (text_in, length_in, &error);
  if (object == NULL) {
    g_assert_nonnull (error);
    g_assert_true (error->domain == FC_JSON_ERROR);
    g_assert_true (node == NULL || !JSON_NODE_HOLDS_OBJECT (node));
  } else {
    g_assert_no_error (error);
    g_assert_true (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
  }
}

static void
check_jwt (GBytes *input,
           GRand  *rand)
{
  static const char * const types[] = { NULL, "access", "refresh" };
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;
  gsize size;
  const char *data = g_bytes_get_data (input, &size);
  g_autofree char *token = g_strndup (data != NULL ? data : "", size);
  const char *expected = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];

  claims = fc_jwt_decode (SECRET, token, expected, NOW, &error);
  if (claims == NULL) {
    g_assert_nonnull (error);
    g_assert_true (error->domain == FC_JWT_ERROR);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    return;
  }
  g_assert_no_error (error);
  g_assert_nonnull (claims->token_type);
  g_assert_nonnull (claims->jti);
  g_assert_cmpint (claims->exp, >, NOW);
  g_assert_cmpint (claims->iat, <=, NOW);
  if (expected != NULL)
    g_assert_cmpstr (claims->token_type, ==, expected);
}

/* --- input classes --- */

static GBytes *
make_mutated (GRand   *rand,
              guint64  index,
              char   **out_note)
{
  const FcFuzzSeed *seed = fc_fuzz_corpus_pick (json_corpus, rand);

  *out_note = g_strdup_printf ("bytes of %s", seed->name);
  return fc_fuzz_mutate (rand, seed->data, json_corpus);
}

static GBytes *
make_tree (GRand   *rand,
           guint64  index,
           char   **out_note)
{
  const FcFuzzSeed *seed = fc_fuzz_corpus_pick (json_corpus, rand);
  g_autoptr(GBytes) tree = fc_fuzz_mutate_tree (rand, seed->data, 64, json_corpus);

  *out_note = g_strdup_printf ("tree of %s", seed->name);
  /* Sometimes a byte mutation on top, to break what the tree made valid. */
  if (g_rand_int_range (rand, 0, 4) == 0)
    return fc_fuzz_mutate (rand, tree, NULL);
  return g_steal_pointer (&tree);
}

static char *
make_token_text (GRand *rand)
{
  gint64 iat = NOW - g_rand_int_range (rand, 0, 100);

  return fc_jwt_encode (SECRET, g_rand_boolean (rand) ? "access" : "refresh",
                        g_rand_int_range (rand, 1, 5), iat, iat + 1800, NULL);
}

static GBytes *
make_token (GRand   *rand,
            guint64  index,
            char   **out_note)
{
  g_autofree char *token = make_token_text (rand);
  g_autoptr(GBytes) bytes = g_bytes_new (token, strlen (token));

  *out_note = g_strdup ("bytes of a valid token");
  /* Case 0 is the valid token itself: the checks must hold for a success. */
  if (index == 0)
    return g_steal_pointer (&bytes);
  return fc_fuzz_mutate (rand, bytes, NULL);
}

static GBytes *
make_claims (GRand   *rand,
             guint64  index,
             char   **out_note)
{
  const FcFuzzSeed *header = g_ptr_array_index (claims_corpus, 0);
  const FcFuzzSeed *seed = fc_fuzz_corpus_pick (claims_corpus, rand);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) mutated_header = NULL;
  char *token;

  /* corpus/jwt/0-header.json sorts first; the rest are payloads. */
  g_assert_true (g_str_has_prefix (header->name, "0-header"));
  payload = g_rand_boolean (rand) ? fc_fuzz_mutate_tree (rand, seed->data, 16, claims_corpus)
                                  : fc_fuzz_mutate (rand, seed->data, claims_corpus);
  mutated_header = g_rand_int_range (rand, 0, 4) == 0
                   ? fc_fuzz_mutate (rand, header->data, claims_corpus)
                   : g_bytes_ref (header->data);
  *out_note = g_strdup_printf ("signed claims from %s", seed->name);
  token = fc_fuzz_jwt_sign (SECRET, mutated_header, payload);
  return g_bytes_new_take (token, strlen (token));
}

static GBytes *
make_deep (GRand   *rand,
           guint64  index,
           char   **out_note)
{
  /* The stored reproducers first, then generated ones. */
  if (index < deep_corpus->len) {
    const FcFuzzSeed *seed = g_ptr_array_index (deep_corpus, index);

    *out_note = g_strdup_printf ("corpus/deep-nesting/%s", seed->name);
    return g_bytes_ref (seed->data);
  }
  *out_note = g_strdup ("generated deep nesting");
  return fc_fuzz_deep_nesting (rand);
}

/* Deep nesting reaches fc_json_parse() directly and through a token's
 * header and payload, which are parsed before and after the signature. */
static void
check_deep (GBytes *input,
            GRand  *rand)
{
  if (g_rand_boolean (rand)) {
    check_json (input, rand);
  } else {
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    g_autoptr(GBytes) normal = g_bytes_new_static (header, strlen (header));
    g_autofree char *token = g_rand_boolean (rand) ? fc_fuzz_jwt_sign (SECRET, input, normal)
                                                   : fc_fuzz_jwt_sign (SECRET, normal, input);
    g_autoptr(GBytes) bytes = g_bytes_new (token, strlen (token));

    check_jwt (bytes, rand);
  }
}

static const FuzzClass classes[N_CLASSES] = {
  { "json-bytes", "/fuzz/json/bytes", make_mutated, check_json },
  { "json-tree", "/fuzz/json/tree", make_tree, check_json },
  { "jwt-token", "/fuzz/jwt/token", make_token, check_jwt },
  { "jwt-claims", "/fuzz/jwt/claims", make_claims, check_jwt },
  { "deep-nesting", "/fuzz/json/deep-nesting", make_deep, check_deep },
};

/* --- the loop (in the subprocess) and the report (in the parent) --- */

/* "case N" while running, "done N" (cases run) at the end; fixed width so
 * each write replaces the last. */
static void
write_progress (int         fd,
                const char *state,
                guint64     index)
{
  char text[40];
  int length = g_snprintf (text, sizeof text, "%s %20" G_GUINT64_FORMAT "\n", state, index);

  if (pwrite (fd, text, length, 0) != length)
    g_error ("progress file: %s", g_strerror (errno));
}

static void
run_class (const FuzzClass *fc,
           double           seconds)
{
  const char *progress = g_getenv ("FITCORE_FUZZ_PROGRESS");
  gint64 only = fc_fuzz_only_case ();
  gint64 start = g_get_monotonic_time ();
  guint64 index;
  int fd;

  g_assert_nonnull (progress);
  fd = g_open (progress, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);

  for (index = only >= 0 ? (guint64) only : 0; ; index++) {
    g_autoptr(GRand) rand = fc_fuzz_rand_for_case (fc->klass, index);
    g_autoptr(GBytes) input = NULL;
    g_autofree char *note = NULL;

    if (only < 0 && fc_fuzz_budget_spent (fc->klass, index, start, seconds))
      break;
    write_progress (fd, "case", index);
    current_case = index;
    input = fc->make (rand, index, &note);
    fc->check (input, rand);
    if (only >= 0) {
      index++;
      break;
    }
  }
  write_progress (fd, "done", index);
  {
    g_autoptr(GString) text = g_string_new (NULL);
    g_autofree char *path = g_strconcat (progress, ".known", NULL);

    for (guint i = 0; i < G_N_ELEMENTS (known_hits); i++) {
      if (known_hits[i].hits > 0)
        g_string_append_printf (text, "%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                                known_hits[i].kind, known_hits[i].hits, known_hits[i].first);
    }
    if (text->len > 0)
      g_file_set_contents (path, text->str, -1, NULL);
  }
  close (fd);
}

static guint64
read_progress (const char *path)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL) || strlen (text) < 5)
    return 0;
  return g_ascii_strtoull (text + 5, NULL, 10);
}

static void
test_class (gconstpointer data)
{
  const FuzzClass *fc = data;
  double seconds = fc_fuzz_seconds (DEFAULT_SECONDS) / N_CLASSES;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *known_path = NULL;
  g_autofree char *known_text = NULL;
  const char *known;
  gint64 start;
  guint64 index;
  double elapsed;

  if (g_test_subprocess ()) {
    run_class (fc, seconds);
    return;
  }

  dir = g_dir_make_tmp ("fitcore-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  progress = g_build_filename (dir, "progress", NULL);
  g_file_set_contents (progress, "case 0\n", -1, &error);
  g_assert_no_error (error);
  g_setenv ("FITCORE_FUZZ_PROGRESS", progress, TRUE);

  start = g_get_monotonic_time ();
  /* A generous timeout: a case that hangs is a finding too. */
  g_test_trap_subprocess (NULL, (guint64) (((fc_fuzz_max_cases (fc->klass) > 0 ? 600 : seconds) + 60) *
                                     G_USEC_PER_SEC),
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  index = read_progress (progress);
  known_path = g_strconcat (progress, ".known", NULL);
  g_file_get_contents (known_path, &known_text, NULL, NULL);
  g_unlink (known_path);
  g_unlink (progress);
  g_rmdir (dir);

  if (g_test_trap_has_passed ()) {
    g_test_message ("%s: %" G_GUINT64_FORMAT " cases in %.1f s (%.0f/s)",
                    fc->klass, index, elapsed, index / MAX (elapsed, 0.001));
    if (known_text != NULL) {
      g_auto(GStrv) lines = g_strsplit (g_strstrip (known_text), "\n", -1);
      g_autoptr(GString) reasons = g_string_new (NULL);

      for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) fields = g_strsplit (lines[i], " ", 3);
        guint64 first;
        g_autoptr(GRand) rand = NULL;
        g_autofree char *note = NULL;
        g_autoptr(GBytes) input = NULL;
        g_autofree char *saved = NULL;

        g_assert_cmpuint (g_strv_length (fields), ==, 3);
        first = g_ascii_strtoull (fields[2], NULL, 10);
        rand = fc_fuzz_rand_for_case (fc->klass, first);
        input = fc->make (rand, first, &note);
        saved = fc_fuzz_save_finding (fc->klass, first, "bin", input);
        g_test_message ("%s: %s cases hit the known defect \"%s\", first case %"
                        G_GUINT64_FORMAT " (saved to %s)", fc->klass, fields[1], fields[0],
                        first, saved);
        g_string_append_printf (reasons, "%s%s", reasons->len > 0 ? "; " : "",
                                fc_fuzz_known_issue (fields[0]));
      }
      g_test_incomplete (reasons->str);
    }
    return;
  }

  /* Say which input failed and keep it. */
  {
    g_autoptr(GRand) rand = fc_fuzz_rand_for_case (fc->klass, index);
    g_autofree char *note = NULL;
    g_autoptr(GBytes) input = fc->make (rand, index, &note);
    g_autofree char *preview = fc_fuzz_preview (input, 300);
    g_autofree char *saved = fc_fuzz_save_finding (fc->klass, index, "bin", input);

    g_test_message ("%s: FAILED at case %" G_GUINT64_FORMAT " (%s) after %.1f s; rerun with "
                    "FITCORE_FUZZ_SEED=%" G_GUINT64_FORMAT " FITCORE_FUZZ_CASE=%" G_GUINT64_FORMAT
                    " %s -p %s", fc->klass, index, note, elapsed, fc_fuzz_seed (), index,
                    g_get_prgname (), fc->path);
    g_test_message ("input saved to %s: %s", saved, preview);
  }

  known = fc_fuzz_known_issue (fc->klass);
  if (known != NULL) {
    g_test_incomplete (known);
    return;
  }
  g_test_fail ();
}

int
main (int   argc,
      char *argv[])
{
  /* No G_TEST_OPTION_ISOLATE_DIRS: nothing here reads the user's
   * directories. */
  g_test_init (&argc, &argv, NULL);

  g_test_message ("FITCORE_FUZZ_SEED=%" G_GUINT64_FORMAT, fc_fuzz_seed ());
  json_corpus = fc_fuzz_corpus_load ("json");
  deep_corpus = fc_fuzz_corpus_load ("deep-nesting");
  claims_corpus = fc_fuzz_corpus_load ("jwt");

  for (guint i = 0; i < N_CLASSES; i++)
    g_test_add_data_func (classes[i].path, &classes[i], test_class);

  return g_test_run ();
}

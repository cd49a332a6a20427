/* test-server-changes.c — GET /api/v1/changes/, the change feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One client writes through the ordinary routes; a second one, holding a
 * cursor, must get exactly those objects (deletions included), each as the
 * list routes show it to that caller, and nothing of anyone else's.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"
#include "nutrition-test-util.h"

#define CHANGES "/api/v1/changes/"
#define NUT "/api/v1/nutrition/"
#define WT "/api/v1/workouts/"

/* One page: the parsed answer, asserting 200. */
static JsonNode *
get_page (FcTestServer *srv,
          const char   *token,
          const char   *cursor,
          int           limit)
{
  g_autoptr(GString) path = g_string_new (CHANGES);
  g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;

  g_string_append_c (path, '?');
  if (escaped != NULL)
    g_string_append_printf (path, "since=%s&", escaped);
  if (limit > 0)
    g_string_append_printf (path, "limit=%d", limit);
  return nt_request (srv, "GET", path->str, token, NULL, 200);
}

/* The cursor of a reset: where a client starts before its full pull. */
static char *
start_cursor (FcTestServer *srv,
              const char   *token)
{
  g_autoptr(JsonNode) node = get_page (srv, token, NULL, 0);
  JsonObject *page = json_node_get_object (node);

  g_assert_true (json_object_get_boolean_member (page, "reset"));
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (page, "changes")), ==, 0);
  return g_strdup (fc_json_get_string (page, "cursor"));
}

/* Every page from *@cursor on, advancing it: "section:id" → the change
 * object (the last one wins, as a client applies them). */
static GHashTable *
pull (FcTestServer *srv,
      const char   *token,
      char        **cursor,
      int           limit,
      guint        *n_pages)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_node_unref);
  gboolean more = TRUE;

  if (n_pages != NULL)
    *n_pages = 0;
  while (more) {
    g_autoptr(JsonNode) node = get_page (srv, token, *cursor, limit);
    JsonObject *page = json_node_get_object (node);
    JsonArray *changes = fc_json_get_array (page, "changes");

    g_assert_false (json_object_get_boolean_member (page, "reset"));
    more = json_object_get_boolean_member (page, "has_more");
    if (limit > 0)
      g_assert_cmpuint (json_array_get_length (changes), <=, limit);
    for (guint i = 0; i < json_array_get_length (changes); i++) {
      JsonNode *change = json_array_get_element (changes, i);
      JsonObject *object = json_node_get_object (change);
      const char *op = fc_json_get_string (object, "op");

      g_assert_true (g_str_equal (op, "upsert") || g_str_equal (op, "delete"));
      g_assert_cmpint (g_str_equal (op, "upsert"), ==, json_object_has_member (object, "object"));
      g_hash_table_replace (seen,
                            g_strdup_printf ("%s:%" G_GINT64_FORMAT,
                                             fc_json_get_string (object, "section"),
                                             json_object_get_int_member (object, "id")),
                            json_node_ref (change));
    }
    g_free (*cursor);
    *cursor = g_strdup (fc_json_get_string (page, "cursor"));
    if (n_pages != NULL)
      (*n_pages)++;
  }
  return seen;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The sorted "section:id=op" of @seen, for one comparison per test. */
static char *
sorted_summary (GHashTable *seen)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (lines, g_strdup_printf ("%s=%s", (char *) key,
                                             fc_json_get_string (json_node_get_object (value),
                                                                 "op")));
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "", (char *) g_ptr_array_index (lines, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The change to @section's @id equals what GET @path_format (with the id
 * where it has a conversion) answers the same caller. */
static void
assert_same_as_get (FcTestServer *srv,
                    const char   *token,
                    GHashTable   *seen,
                    const char   *section,
                    gint64        id,
                    const char   *path_format)
{
  g_autofree char *key = g_strdup_printf ("%s:%" G_GINT64_FORMAT, section, id);
  g_autofree char *path = NULL;
  JsonNode *change = g_hash_table_lookup (seen, key);
  g_autoptr(JsonNode) got = NULL;
  g_autofree char *want = NULL;
  g_autofree char *have = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  path = g_strdup_printf (path_format, id);
#pragma GCC diagnostic pop
  got = nt_request (srv, "GET", path, token, NULL, 200);
  g_assert_nonnull (change);
  have = json_to_string (json_object_get_member (json_node_get_object (change), "object"), FALSE);
  want = json_to_string (got, FALSE);
  g_assert_cmpstr (have, ==, want);
}

/* Writes @sql into the running server's database (WAL: it reads the
 * change on its next request), as housekeeping or an admin would. */
static void
db_exec (FcTestServer *srv,
         const char   *sql)
{
  FcSql *db = nt_open_db (srv);

  fc_st_exec (db, sql);
  fc_sql_close (db);
}

static gint64
food (FcTestServer *srv,
      const char   *token,
      const char   *name,
      gboolean      is_public)
{
  g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"calories\":100,\"protein\":1,"
                                           "\"carbohydrates\":2,\"fat\":3,\"is_public\":%s}",
                                           name, is_public ? "true" : "false");

  return nt_create (srv, NUT "foods/", token, json);
}

static void
test_reset (NtFixture     *fixture,
            gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *cursor = start_cursor (srv, fixture->token_a);
  g_autofree char *idle = NULL;
  g_autofree char *expected = NULL;
  const char * const garbage[] = { "", "abc", "1.", "1.-3", "1.12x", "2.5", "1.99999999999" };

  /* The API root says the feed is there. */
  {
    g_autoptr(JsonNode) root = nt_request (srv, "GET", "/api/v1/", NULL, NULL, 200);
    JsonArray *sections = fc_json_get_array (json_node_get_object (root), "sections");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (sections); i++)
      found = found || g_str_equal (json_array_get_string_element (sections, i), "changes");
    g_assert_true (found);
  }
  nt_expect (srv, "GET", CHANGES, NULL, NULL, 401);
  nt_expect (srv, "POST", CHANGES, fixture->token_a, "{}", 405);

  /* Idle: one small answer with the same cursor. */
  expected = g_strdup_printf ("{\"cursor\":\"%s\",\"has_more\":false,\"reset\":false,"
                              "\"changes\":[]}", cursor);
  idle = g_strdup_printf (CHANGES "?since=%s", cursor);
  nt_assert_response (srv, "GET", idle, fixture->token_a, NULL, 200, expected);

  /* Not a cursor of this server (or one ahead of it): pull in full. */
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++) {
    g_autoptr(JsonNode) node = get_page (srv, fixture->token_a, garbage[i], 0);
    JsonObject *page = json_node_get_object (node);

    g_assert_true (json_object_get_boolean_member (page, "reset"));
    g_assert_cmpstr (fc_json_get_string (page, "cursor"), ==, cursor);
    g_assert_cmpuint (json_array_get_length (fc_json_get_array (page, "changes")), ==, 0);
  }

  /* A cursor older than what housekeeping kept: reset to the newest. */
  food (srv, fixture->token_a, "One", FALSE);
  food (srv, fixture->token_a, "Two", FALSE);
  db_exec (srv, "DELETE FROM changes WHERE seq < (SELECT MAX(seq) FROM changes)");
  {
    FcSql *db = nt_open_db (srv);
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *newest = g_strdup_printf ("1.%" G_GINT64_FORMAT,
                                               nt_query_int (db, "SELECT MAX(seq) FROM changes"));
    JsonObject *page;

    fc_sql_close (db);
    node = get_page (srv, fixture->token_a, cursor, 0);
    page = json_node_get_object (node);
    g_assert_true (json_object_get_boolean_member (page, "reset"));
    g_assert_cmpstr (fc_json_get_string (page, "cursor"), ==, newest);
  }
}

/* Housekeeping (at start, then hourly) drops marks older than 30 days but
 * the newest; a cursor from before them answers reset, a newer one goes on. */
static void
test_retention (NtFixture     *fixture,
                gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *old_cursor = start_cursor (srv, fixture->token_a);
  g_autofree char *kept_cursor = NULL;
  g_autoptr(FcTestServer) restarted = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *have = NULL;
  gint64 old_food, new_food, last;
  FcSql *db;

  old_food = food (srv, fixture->token_a, "Old", FALSE);
  kept_cursor = start_cursor (srv, fixture->token_a);
  new_food = food (srv, fixture->token_a, "New", FALSE);
  /* Everything up to the second cursor is two months old. */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE changes SET changed_at = '2000-01-01T00:00:00Z'"
                                            " WHERE seq <= %s", kept_cursor + 2);

    db_exec (srv, sql);
  }
  g_assert_cmpint (fc_test_server_stop (srv), ==, 0);
  restarted = fc_test_server_start_in (srv->data_dir, NT_CONFIG, NULL);

  db = nt_open_db (restarted);
  last = nt_query_int (db, "SELECT MAX(seq) FROM changes");
  g_assert_cmpint (nt_query_int (db, "SELECT COUNT(*) FROM changes WHERE changed_at < '2001'"), ==, 0);
  g_assert_cmpint (nt_query_int (db, "SELECT MIN(seq) FROM changes"), ==,
                   g_ascii_strtoll (kept_cursor + 2, NULL, 10) + 1);
  fc_sql_close (db);

  node = get_page (restarted, fixture->token_a, old_cursor, 0);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "reset"));
  seen = pull (restarted, fixture->token_a, &kept_cursor, 0, NULL);
  expected = g_strdup_printf ("foods:%" G_GINT64_FORMAT "=upsert", new_food);
  have = sorted_summary (seen);
  g_assert_cmpstr (have, ==, expected);
  g_assert_cmpint (g_ascii_strtoll (kept_cursor + 2, NULL, 10), ==, last);
  g_assert_cmpint (old_food, <, new_food);
}

/* Another device of A's, and B, each from a cursor taken before A and
 * staff wrote across the sections. */
static void
test_second_client (NtFixture     *fixture,
                    gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *a = fixture->token_a, *staff = fixture->token_staff;
  g_autofree char *cursor_a = start_cursor (srv, a);
  g_autofree char *cursor_b = start_cursor (srv, fixture->token_b);
  g_autofree char *cursor_b2 = NULL;
  g_autoptr(GHashTable) seen_a = NULL;
  g_autoptr(GHashTable) seen_b = NULL;
  g_autoptr(GHashTable) again = NULL;
  g_autofree char *expected_a = NULL;
  g_autofree char *expected_b = NULL;
  g_autofree char *have = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  gint64 pub, mine, gone, meal, dropped, plan, category, workout, profile;

  pub = food (srv, staff, "Public Oats", TRUE);
  mine = food (srv, a, "Alice Shake", FALSE);
  gone = food (srv, a, "Alice Gone", FALSE);
  json = g_strdup_printf ("{\"name\":\"Breakfast\",\"meal_items\":[{\"food\":%" G_GINT64_FORMAT
                          "},{\"food\":%" G_GINT64_FORMAT "}]}", pub, mine);
  meal = nt_create (srv, NUT "meals/", a, json);
  dropped = nt_create (srv, NUT "meals/", a, "{\"name\":\"Dropped\"}");
  g_free (json);
  json = g_strdup_printf ("{\"name\":\"Week\",\"scheduled_meals_payload\":[{\"meal\":%"
                          G_GINT64_FORMAT ",\"day_of_plan\":1}]}", meal);
  plan = nt_create (srv, NUT "meal-plans/", a, json);
  path = g_strdup_printf (NUT "meals/%" G_GINT64_FORMAT "/", meal);
  nt_expect (srv, "PATCH", path, a, "{\"name\":\"Big Breakfast\"}", 200);
  g_free (path);
  path = g_strdup_printf (NUT "meals/%" G_GINT64_FORMAT "/", dropped);
  nt_expect (srv, "DELETE", path, a, NULL, 204);
  g_free (path);
  path = g_strdup_printf (NUT "foods/%" G_GINT64_FORMAT "/", gone);
  nt_expect (srv, "DELETE", path, a, NULL, 204);
  category = nt_create (srv, WT "categories/", staff, "{\"name\":\"Strength\"}");
  g_free (json);
  json = g_strdup_printf ("{\"title\":\"Squats\",\"category\":%" G_GINT64_FORMAT "}", category);
  workout = nt_create (srv, WT "workouts/", staff, json);
  nt_expect (srv, "PATCH", "/api/v1/auth/profile/", a, "{\"age\":33}", 200);
  nt_expect (srv, "PATCH", "/api/v1/auth/oauth/user/", a, "{\"first_name\":\"Alice\"}", 200);
  {
    FcSql *db = nt_open_db (srv);

    profile = nt_query_int (db, "SELECT id FROM profiles WHERE user_id = 1");
    fc_sql_close (db);
  }

  /* A's other device: everything A may see that changed, deletions too. */
  seen_a = pull (srv, a, &cursor_a, 0, NULL);
  expected_a = g_strdup_printf ("account:1=upsert foods:%1$" G_GINT64_FORMAT "=upsert"
                                " foods:%2$" G_GINT64_FORMAT "=upsert foods:%3$" G_GINT64_FORMAT
                                "=delete meal_plans:%4$" G_GINT64_FORMAT "=upsert"
                                " meals:%5$" G_GINT64_FORMAT "=upsert meals:%6$" G_GINT64_FORMAT
                                "=delete profile:%7$" G_GINT64_FORMAT "=upsert"
                                " workout_categories:%8$" G_GINT64_FORMAT "=upsert"
                                " workouts:%9$" G_GINT64_FORMAT "=upsert",
                                pub, mine, gone, plan, meal, dropped, profile, category, workout);
  have = sorted_summary (seen_a);
  g_assert_cmpstr (have, ==, expected_a);

  /* Each object is what the detail route answers A now. */
  assert_same_as_get (srv, a, seen_a, "meals", meal, NUT "meals/%" G_GINT64_FORMAT "/");
  assert_same_as_get (srv, a, seen_a, "meal_plans", plan, NUT "meal-plans/%" G_GINT64_FORMAT "/");
  assert_same_as_get (srv, a, seen_a, "workouts", workout, WT "workouts/%" G_GINT64_FORMAT "/");
  assert_same_as_get (srv, a, seen_a, "workout_categories", category,
                      WT "categories/%" G_GINT64_FORMAT "/");
  assert_same_as_get (srv, a, seen_a, "account", 1, "/api/v1/auth/oauth/user/");
  assert_same_as_get (srv, a, seen_a, "profile", profile, "/api/v1/auth/profile/");

  /* B: only what is everyone's; none of A's ids, not even as deletes. */
  seen_b = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  expected_b = g_strdup_printf ("foods:%" G_GINT64_FORMAT "=upsert workout_categories:%"
                                G_GINT64_FORMAT "=upsert workouts:%" G_GINT64_FORMAT "=upsert",
                                pub, category, workout);
  g_free (have);
  have = sorted_summary (seen_b);
  g_assert_cmpstr (have, ==, expected_b);

  /* Caught up: the next pull is empty. */
  cursor_b2 = g_strdup (cursor_b);
  again = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  g_assert_cmpuint (g_hash_table_size (again), ==, 0);
  g_assert_cmpstr (cursor_b, ==, cursor_b2);
}

/* A public food made private is a delete for everyone but its owner. */
static void
test_made_private (NtFixture     *fixture,
                   gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *staff = fixture->token_staff;
  gint64 shared = food (srv, staff, "Shared Rice", TRUE);
  g_autofree char *cursor_b = start_cursor (srv, fixture->token_b);
  g_autofree char *cursor_staff = start_cursor (srv, staff);
  g_autofree char *path = g_strdup_printf (NUT "foods/%" G_GINT64_FORMAT "/", shared);
  g_autoptr(GHashTable) seen_b = NULL;
  g_autoptr(GHashTable) seen_staff = NULL;
  g_autoptr(GHashTable) seen_a = NULL;
  g_autofree char *cursor_a = NULL;
  g_autofree char *have = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *json = NULL;
  gint64 secret, meal;

  nt_expect (srv, "PATCH", path, staff, "{\"is_public\":false}", 200);
  secret = food (srv, fixture->token_a, "Alice Secret", FALSE);
  g_free (path);
  path = g_strdup_printf (NUT "foods/%" G_GINT64_FORMAT "/", secret);
  nt_expect (srv, "PATCH", path, fixture->token_a, "{\"calories\":5}", 200);
  json = g_strdup_printf ("{\"name\":\"Shake\",\"meal_items\":[{\"food\":%" G_GINT64_FORMAT "}]}",
                          secret);
  meal = nt_create (srv, NUT "meals/", fixture->token_a, json);
  cursor_a = start_cursor (srv, fixture->token_a);
  nt_expect (srv, "DELETE", path, fixture->token_a, NULL, 204);

  /* Its owner: the food is gone, and so is the meal's item (a cascade, no
   * route wrote the meal). */
  seen_a = pull (srv, fixture->token_a, &cursor_a, 0, NULL);
  expected = g_strdup_printf ("foods:%" G_GINT64_FORMAT "=delete meals:%" G_GINT64_FORMAT "=upsert",
                              secret, meal);
  have = sorted_summary (seen_a);
  g_assert_cmpstr (have, ==, expected);
  g_clear_pointer (&have, g_free);
  g_clear_pointer (&expected, g_free);

  seen_b = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  expected = g_strdup_printf ("foods:%" G_GINT64_FORMAT "=delete", shared);
  have = sorted_summary (seen_b);
  g_assert_cmpstr (have, ==, expected);

  seen_staff = pull (srv, staff, &cursor_staff, 0, NULL);
  g_free (expected);
  expected = g_strdup_printf ("foods:%" G_GINT64_FORMAT "=upsert", shared);
  g_free (have);
  have = sorted_summary (seen_staff);
  g_assert_cmpstr (have, ==, expected);
}

static gboolean
first_video_locked (GHashTable *seen,
                    const char *key)
{
  JsonNode *change = g_hash_table_lookup (seen, key);
  JsonObject *workout;
  JsonArray *videos;

  g_assert_nonnull (change);
  workout = json_object_get_object_member (json_node_get_object (change), "object");
  videos = fc_json_get_array (workout, "videos");
  g_assert_cmpuint (json_array_get_length (videos), ==, 1);
  return json_object_get_boolean_member (json_array_get_object_element (videos, 0), "locked");
}

/* Workouts are everyone's, their lock state and progress the caller's. */
static void
test_workouts_follow_caller (NtFixture     *fixture,
                             gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *a = fixture->token_a;
  g_autofree char *cursor_a = start_cursor (srv, a);
  g_autofree char *cursor_b = start_cursor (srv, fixture->token_b);
  g_autofree char *key = NULL;
  g_autofree char *json = NULL;
  g_autofree char *have = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GHashTable) seen_b = NULL;
  gint64 workout, progress;

  workout = nt_create (srv, WT "workouts/", fixture->token_staff,
                       "{\"title\":\"Premium Run\",\"is_premium\":true}");
  key = g_strdup_printf ("workouts:%" G_GINT64_FORMAT, workout);
  {
    /* A video row as an upload leaves it; the feed reads only the row. */
    g_autofree char *sql = g_strdup_printf ("INSERT INTO workout_videos (workout_id, title, file,"
                                            " created_at, updated_at) VALUES (%" G_GINT64_FORMAT
                                            ", 'Run', 'videos/run.webm', 'T', 'T')", workout);

    db_exec (srv, sql);
  }
  seen = pull (srv, a, &cursor_a, 0, NULL);
  g_assert_true (first_video_locked (seen, key));
  g_clear_pointer (&seen, g_hash_table_unref);
  seen_b = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  g_assert_true (first_video_locked (seen_b, key));
  g_clear_pointer (&seen_b, g_hash_table_unref);

  /* A turns premium: A's next pull opens the video; B hears nothing. */
  db_exec (srv, "UPDATE users SET has_premium = 1 WHERE id = 1");
  seen = pull (srv, a, &cursor_a, 0, NULL);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1);
  g_assert_false (first_video_locked (seen, key));
  g_clear_pointer (&seen, g_hash_table_unref);

  /* A's progress: A's progress and A's view of the workout; not B's. */
  json = g_strdup_printf ("{\"workout\":%" G_GINT64_FORMAT ",\"progress_percentage\":40}", workout);
  progress = nt_create (srv, WT "progress/", a, json);
  seen = pull (srv, a, &cursor_a, 0, NULL);
  expected = g_strdup_printf ("workout_progress:%" G_GINT64_FORMAT "=upsert workouts:%"
                              G_GINT64_FORMAT "=upsert", progress, workout);
  have = sorted_summary (seen);
  g_assert_cmpstr (have, ==, expected);
  {
    JsonObject *object = json_object_get_object_member (
      json_node_get_object (g_hash_table_lookup (seen, key)), "object");

    g_assert_false (json_object_get_null_member (object, "progress"));
  }
  seen_b = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  g_assert_cmpuint (g_hash_table_size (seen_b), ==, 0);
}

static void
test_paging (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *cursor = start_cursor (srv, fixture->token_a);
  g_autofree char *first = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *page;
  guint n_pages = 0;

  for (int i = 0; i < 7; i++) {
    g_autofree char *name = g_strdup_printf ("Food %d", i);

    food (srv, fixture->token_a, name, FALSE);
  }

  node = get_page (srv, fixture->token_a, cursor, 3);
  page = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (page, "has_more"));
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (page, "changes")), ==, 3);
  first = g_strdup (fc_json_get_string (page, "cursor"));
  g_assert_cmpstr (first, !=, cursor);

  seen = pull (srv, fixture->token_a, &cursor, 3, &n_pages);
  g_assert_cmpuint (n_pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 7);

  /* A limit above the maximum is the maximum; garbage is the default.
   * Since the start: the seven foods, and A's account and profile. */
  g_clear_pointer (&node, json_node_unref);
  node = nt_request (srv, "GET", CHANGES "?limit=100000", fixture->token_a, NULL, 200);
  g_clear_pointer (&node, json_node_unref);
  node = nt_request (srv, "GET", CHANGES "?limit=x&since=1.0", fixture->token_a, NULL, 200);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (json_node_get_object (node),
                                                              "changes")), ==, 9);
}

/* Writes that go past the plain create/update/delete routes: a generated
 * plan, a template copy, a meal's items edited. */
static void
test_every_write_route (NtFixture     *fixture,
                        gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *demo = fc_test_login (srv, "demo@fitcore.local", "fitcore-demo", NULL);
  g_autofree char *cursor = start_cursor (srv, demo);
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(JsonNode) generated = NULL;
  g_autoptr(JsonNode) templates = NULL;
  g_autoptr(JsonNode) copy = NULL;
  gint64 plan, copy_id, meal, template;
  JsonArray *schedule;
  guint n_meals = 0;
  GHashTableIter iter;
  gpointer k;

  generated = nt_request (srv, "POST", NUT "generate/", demo,
                          "{\"goal\":\"MN\",\"duration_days\":2,\"meals_per_day\":3}", 201);
  plan = json_object_get_int_member (json_node_get_object (generated), "id");
  schedule = fc_json_get_array (json_node_get_object (generated), "scheduled_meals");
  g_assert_cmpuint (json_array_get_length (schedule), >, 0);
  seen = pull (srv, demo, &cursor, 0, NULL);
  key = g_strdup_printf ("meal_plans:%" G_GINT64_FORMAT, plan);
  g_assert_true (g_hash_table_contains (seen, key));
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &k, NULL))
    n_meals += g_str_has_prefix (k, "meals:");
  g_assert_cmpuint (n_meals, >=, 1);
  for (guint i = 0; i < json_array_get_length (schedule); i++) {
    g_autofree char *meal_key = g_strdup_printf ("meals:%" G_GINT64_FORMAT,
      json_object_get_int_member (json_array_get_object_element (schedule, i), "meal"));

    g_assert_true (g_hash_table_contains (seen, meal_key));
  }
  g_clear_pointer (&seen, g_hash_table_unref);

  /* A template copy. */
  templates = nt_request (srv, "GET", NUT "meal-plans/templates/", demo, NULL, 200);
  template = json_object_get_int_member (
    json_array_get_object_element (fc_json_get_array (json_node_get_object (templates), "results"), 0),
    "id");
  path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/copy/", template);
  copy = nt_request (srv, "POST", path, demo, NULL, 201);
  copy_id = json_object_get_int_member (json_node_get_object (copy), "id");
  seen = pull (srv, demo, &cursor, 0, NULL);
  g_free (key);
  key = g_strdup_printf ("meal_plans:%" G_GINT64_FORMAT, copy_id);
  g_assert_true (g_hash_table_contains (seen, key));
  g_clear_pointer (&seen, g_hash_table_unref);

  /* The generated plan's first meal gets other items: the meal, and the
   * plan that shows it. */
  meal = json_object_get_int_member (json_array_get_object_element (schedule, 0), "meal");
  g_free (path);
  path = g_strdup_printf (NUT "meals/%" G_GINT64_FORMAT "/", meal);
  nt_expect (srv, "PATCH", path, demo, "{\"meal_items\":[{\"food\":1,\"number_of_servings\":3}]}",
             200);
  seen = pull (srv, demo, &cursor, 0, NULL);
  {
    g_autofree char *have = sorted_summary (seen);
    g_autofree char *expected = g_strdup_printf ("meal_plans:%" G_GINT64_FORMAT "=upsert meals:%"
                                                 G_GINT64_FORMAT "=upsert", plan, meal);

    g_assert_cmpstr (have, ==, expected);
  }
}

/* The object of @seen's change to template @id equals that template as
 * GET meal-plans/templates/ lists it to the same caller. */
static void
assert_same_as_listed (FcTestServer *srv,
                       const char   *token,
                       GHashTable   *seen,
                       gint64        id)
{
  g_autofree char *key = g_strdup_printf ("meal_plan_templates:%" G_GINT64_FORMAT, id);
  g_autoptr(JsonNode) list = nt_request (srv, "GET", NUT "meal-plans/templates/", token, NULL, 200);
  JsonArray *results = fc_json_get_array (json_node_get_object (list), "results");
  JsonNode *change = g_hash_table_lookup (seen, key);
  g_autofree char *have = NULL;

  g_assert_nonnull (change);
  have = json_to_string (json_object_get_member (json_node_get_object (change), "object"), FALSE);
  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonNode *item = json_array_get_element (results, i);

    if (json_object_get_int_member (json_node_get_object (item), "id") == id) {
      g_autofree char *want = json_to_string (item, FALSE);

      g_assert_cmpstr (have, ==, want);
      return;
    }
  }
  g_assert_not_reached ();
}

/* Meal-plan templates are everyone's: what staff do to one (publish, edit
 * its meal, rename, cancel) reaches every other account's feed, as the
 * templates list shows it, and its end is a delete; a plain plan of
 * someone else's never shows. */
static void
test_templates (NtFixture     *fixture,
                gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *staff = fixture->token_staff;
  gint64 oats = food (srv, staff, "Oats", TRUE);
  g_autofree char *cursor_b = start_cursor (srv, fixture->token_b);
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *have = NULL;
  g_autoptr(GHashTable) seen = NULL;
  gint64 meal, template;

  meal = nt_create (srv, NUT "meals/", staff, "{\"name\":\"Template Oats\"}");
  json = g_strdup_printf ("{\"name\":\"Lean Week\",\"is_template\":true,\"duration_days\":3,"
                          "\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT
                          ",\"day_of_plan\":1}]}", meal);
  template = nt_create (srv, NUT "meal-plans/", staff, json);
  nt_create (srv, NUT "meal-plans/", fixture->token_a, "{\"name\":\"Alice's own\"}");

  seen = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  expected = g_strdup_printf ("meal_plan_templates:%" G_GINT64_FORMAT "=upsert", template);
  have = sorted_summary (seen);
  g_assert_cmpstr (have, ==, expected);
  assert_same_as_listed (srv, fixture->token_b, seen, template);
  g_clear_pointer (&seen, g_hash_table_unref);
  g_clear_pointer (&have, g_free);

  /* The template's meal gets an item: the template shows it. */
  path = g_strdup_printf (NUT "meals/%" G_GINT64_FORMAT "/", meal);
  g_free (json);
  json = g_strdup_printf ("{\"meal_items\":[{\"food\":%" G_GINT64_FORMAT
                          ",\"number_of_servings\":2}]}", oats);
  nt_expect (srv, "PATCH", path, staff, json, 200);
  seen = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  have = sorted_summary (seen);
  g_assert_cmpstr (have, ==, expected);
  assert_same_as_listed (srv, fixture->token_b, seen, template);
  g_clear_pointer (&seen, g_hash_table_unref);
  g_clear_pointer (&have, g_free);

  g_free (path);
  path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/", template);
  nt_expect (srv, "PATCH", path, staff, "{\"name\":\"Lean Week 2\"}", 200);
  seen = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  assert_same_as_listed (srv, fixture->token_b, seen, template);
  g_clear_pointer (&seen, g_hash_table_unref);

  /* Cancelled, it leaves the templates list: a delete. */
  g_free (path);
  path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/cancel/", template);
  nt_expect (srv, "PATCH", path, staff, NULL, 200);
  seen = pull (srv, fixture->token_b, &cursor_b, 0, NULL);
  g_free (expected);
  expected = g_strdup_printf ("meal_plan_templates:%" G_GINT64_FORMAT "=delete", template);
  have = sorted_summary (seen);
  g_assert_cmpstr (have, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const demo_args[] = { "--demo", NULL };

  nt_test_init (&argc, &argv);

  g_test_add ("/server/changes/reset", NtFixture, NULL, nt_fixture_set_up, test_reset,
              nt_fixture_tear_down);
  g_test_add ("/server/changes/retention", NtFixture, NULL, nt_fixture_set_up, test_retention,
              nt_fixture_tear_down);
  g_test_add ("/server/changes/second-client", NtFixture, NULL, nt_fixture_set_up,
              test_second_client, nt_fixture_tear_down);
  g_test_add ("/server/changes/made-private", NtFixture, NULL, nt_fixture_set_up,
              test_made_private, nt_fixture_tear_down);
  g_test_add ("/server/changes/workouts-follow-caller", NtFixture, NULL, nt_fixture_set_up,
              test_workouts_follow_caller, nt_fixture_tear_down);
  g_test_add ("/server/changes/paging", NtFixture, NULL, nt_fixture_set_up, test_paging,
              nt_fixture_tear_down);
  g_test_add ("/server/changes/templates", NtFixture, NULL, nt_fixture_set_up, test_templates,
              nt_fixture_tear_down);
  g_test_add ("/server/changes/every-write-route", NtFixture, demo_args, nt_fixture_set_up,
              test_every_write_route, nt_fixture_tear_down);
  return g_test_run ();
}

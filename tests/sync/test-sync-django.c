/* test-sync-django.c — a sync against the Django backend's wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fitcore-server has no Django mode, so an in-process fake answers as the
 * Django backend does (../shared/fitcore-django-wire.md): no API root and
 * no change feed (HTML 404s), no nutrition/generate/ (HTML 404), pages of
 * 10 whatever ?page_size= says, with absolute `next` links, and meals in
 * Meal.Meta.ordering, created_at newest first. The account holds 1,000
 * meals (100 pages).
 *
 * Counted here: what the server offers is learned once per server and
 * version (a day later, or a second start, asks neither the root nor the
 * probes again: before, every day did), nothing goes without a token but
 * the root, and an idle sync is the account, the profile and the user's
 * own lists in full. In full on purpose (see list_due() in
 * fc-sync-engine.c): an edit deep in the list (page 50) and a deletion
 * must be seen, and in this order only a walk to the end sees them.
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fc-json.h"
#include "sync-test-util.h"

#define N_MEALS 1000
#define PAGE 10
#define HTML_404 "<!DOCTYPE html><html><body><h1>Page not found (404)</h1></body></html>"

typedef struct {
  SoupServer *server;
  char       *base_url;
  GPtrArray  *log;      /* "METHOD PATH STATUS auth|-" */
  GPtrArray  *meals;    /* JsonObject, newest first */
  char       *version;  /* the Server header */
} Django;

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *content_type,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  g_autofree char *text = fc_json_to_string (node, FALSE);

  respond (msg, status, "application/json", text);
}

/* A DRF PageNumberPagination page of @items (JsonObject). */
static void
respond_page (Django            *self,
              SoupServerMessage *msg,
              const char        *path,
              GPtrArray         *items)
{
  GHashTable *query = NULL;
  const char *page_text;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  guint64 page = 1;
  guint first, last;

  if (g_uri_get_query (soup_server_message_get_uri (msg)) != NULL)
    query = soup_form_decode (g_uri_get_query (soup_server_message_get_uri (msg)));
  page_text = query != NULL ? g_hash_table_lookup (query, "page") : NULL;
  if (page_text != NULL && !g_ascii_string_to_unsigned (page_text, 10, 1, G_MAXUINT, &page, NULL))
    page = 0;
  g_clear_pointer (&query, g_hash_table_unref);
  first = (guint) (page - 1) * PAGE;
  if (page == 0 || (first >= items->len && page > 1)) {
    respond (msg, 404, "application/json", "{\"detail\":\"Invalid page.\"}");
    return;
  }
  last = MIN (first + PAGE, items->len);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, items->len);
  json_builder_set_member_name (builder, "next");
  if (last < items->len) {
    g_autofree char *next = g_strdup_printf ("%s%s?page=%u", self->base_url, path + 1,
                                             (guint) page + 1);

    json_builder_add_string_value (builder, next);
  } else {
    json_builder_add_null_value (builder);
  }
  json_builder_set_member_name (builder, "previous");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = first; i < last; i++) {
    g_autoptr(JsonNode) item = json_node_init_object (json_node_alloc (), items->pdata[i]);

    json_builder_add_value (builder, json_node_copy (item));
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (msg, 200, node);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Django *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  gboolean authed = auth != NULL && g_str_equal (auth, "Bearer django-access");
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Server",
                                self->version);
  if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/nutrition/")) {
    respond (msg, 200, "application/json", "{\"foods\":\"x\",\"meals\":\"x\",\"meal-plans\":\"x\"}");
  } else if (g_str_has_prefix (path, "/api/v1/nutrition/") && g_str_equal (method, "GET") &&
             !authed) {
    /* Foods and templates are AllowAny there; nothing here reads them so. */
    respond (msg, 401, "application/json",
             "{\"detail\":\"Authentication credentials were not provided.\"}");
  } else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/nutrition/meals/")) {
    respond_page (self, msg, path, self->meals);
  } else if (g_str_equal (method, "GET") &&
             (g_str_equal (path, "/api/v1/nutrition/foods/") ||
              g_str_equal (path, "/api/v1/nutrition/meal-plans/") ||
              g_str_equal (path, "/api/v1/nutrition/meal-plans/templates/"))) {
    respond_page (self, msg, path, none);
  } else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/auth/oauth/user/")) {
    if (authed)
      respond (msg, 200, "application/json", "{\"pk\":2,\"email\":\"user@fitcore.test\","
               "\"first_name\":\"Normal\",\"last_name\":\"User\"}");
    else
      respond (msg, 401, "application/json",
               "{\"detail\":\"Authentication credentials were not provided.\"}");
  } else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/auth/profile/")) {
    if (authed)
      respond (msg, 200, "application/json", "{\"id\":2,\"user\":{\"email\":\"user@fitcore.test\","
               "\"first_name\":\"Normal\",\"last_name\":\"User\"},\"img\":null,\"age\":31,"
               "\"weight\":72.5,\"height\":178.0,\"gender\":\"male\",\"fitness_goal\":null}");
    else
      respond (msg, 401, "application/json",
               "{\"detail\":\"Authentication credentials were not provided.\"}");
  } else {
    /* The API root, changes/, nutrition/generate/: Django's debug 404. */
    respond (msg, 404, "text/html; charset=utf-8", HTML_404);
  }
  g_ptr_array_add (self->log, g_strdup_printf ("%s %s %u %s", method, path,
                                               soup_server_message_get_status (msg),
                                               authed ? "auth" : "-"));
}

static JsonObject *
meal_object (guint       id,
             const char *name,
             const char *updated_at)
{
  g_autofree char *json = g_strdup_printf (
    "{\"id\":%u,\"user\":2,\"user_detail\":{\"email\":\"user@fitcore.test\","
    "\"first_name\":\"Normal\",\"last_name\":\"User\"},\"name\":\"%s\","
    "\"meal_time_category\":\"SN\",\"description\":null,\"is_template\":false,"
    "\"total_calories\":0,\"total_protein\":0,\"total_carbohydrates\":0,\"total_fat\":0,"
    "\"created_at\":\"2026-11-%02uT10:00:00.%06u+06:00\",\"updated_at\":\"%s\","
    "\"meal_items\":[]}", id, name, 1 + id / 40, id, updated_at);

  return fc_json_parse_object (json, -1, NULL);
}

static Django *
django_start (void)
{
  Django *self = g_new0 (Django, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->log = g_ptr_array_new_with_free_func (g_free);
  self->meals = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->version = g_strdup ("WSGIServer/0.2 CPython/3.11.2");
  /* Newest first, as Meal.Meta.ordering = ['-created_at']. */
  for (guint id = N_MEALS; id >= 1; id--) {
    g_autofree char *name = g_strdup_printf ("Meal %u", id);

    g_ptr_array_add (self->meals, meal_object (id, name, "2026-11-25T14:12:51.569228+06:00"));
  }
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handler, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return self;
}

static void
django_free (Django *self)
{
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_ptr_array_unref (self->log);
  g_ptr_array_unref (self->meals);
  g_free (self->base_url);
  g_free (self->version);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Django, django_free)

static guint
count (Django     *self,
       const char *needle)
{
  return sync_test_lines_count (self->log, needle);
}

/* A start of the app: a client with the kept token, and its engine. */
static FcSyncEngine *
start (Django  *django,
       FcStore *store)
{
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = fc_api_client_new (django->base_url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (client, "django-access", NULL);
  return fc_sync_engine_new (client, store);
}

static gint64
clock_cb (gpointer user_data)
{
  return *(gint64 *) user_data;
}

/* One background sync on @engine; the log holds only its requests. */
static void
idle_sync (Django       *django,
           FcSyncEngine *engine,
           const char   *what)
{
  g_ptr_array_set_size (django->log, 0);
  fc_sync_engine_start (engine);
  sync_test_wait_quiet (engine, 500, 300);
  fc_sync_engine_stop (engine);
  g_assert_null (fc_sync_engine_get_last_error (engine));
  sync_test_log_lines (what, django->log);
}

static void
test_django (void)
{
  g_autoptr(Django) django = django_start ();
  g_autoptr(FcStore) store = sync_test_open_store (django->base_url, "user@fitcore.test");
  g_autoptr(FcSyncEngine) first = start (django, store);
  g_autoptr(FcSyncEngine) second = NULL;
  g_autoptr(FcSyncEngine) third = NULL;
  gint64 now = g_get_real_time ();
  guint pages = N_MEALS / PAGE;
  JsonObject *deep;

  /* The first start learns what the server offers: the root (HTML 404),
   * the two probes and generate/ (404), each but the root with the token. */
  fc_sync_engine_set_clock (first, clock_cb, &now);
  idle_sync (django, first, "first start");
  g_assert_cmpuint (count (django, "GET /api/v1/ 404"), ==, 1);
  g_assert_cmpuint (count (django, "POST /api/v1/nutrition/generate/ 404 auth"), ==, 1);
  g_assert_cmpuint (count (django, " -"), ==, 1);
  g_assert_cmpuint (count (django, "GET /api/v1/nutrition/meals/ 200"), ==, pages);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meals"), ==, N_MEALS);

  /* A second start a day later: nothing learned again (before, the root
   * and both probes every day); the account, the profile, the daily
   * everyone's lists (foods, templates) and the user's own lists whole. */
  now += (gint64) 25 * 3600 * G_USEC_PER_SEC;
  second = start (django, store);
  fc_sync_engine_set_clock (second, clock_cb, &now);
  idle_sync (django, second, "a day later");
  g_assert_cmpuint (count (django, "GET /api/v1/ "), ==, 0);
  g_assert_cmpuint (count (django, "GET /api/v1/nutrition/ "), ==, 0);
  g_assert_cmpuint (count (django, "POST "), ==, 0);
  g_assert_cmpuint (count (django, " -"), ==, 0);
  g_assert_cmpuint (count (django, " 404 "), ==, 0);
  g_assert_cmpuint (django->log->len, ==, 2 + 2 + pages + 1);

  /* Elsewhere: page 1's first meal renamed, page 50's edited, and one of
   * page 70's deleted. The next idle sync sees all three. */
  json_object_set_string_member (django->meals->pdata[0], "name", "Renamed on page 1");
  deep = django->meals->pdata[49 * PAGE + 3];
  json_object_set_string_member (deep, "name", "Edited on page 50");
  json_object_set_string_member (deep, "updated_at", "2026-11-26T09:00:00.000000+06:00");
  g_ptr_array_remove_index (django->meals, 69 * PAGE + 5);
  now += (gint64) 60 * G_USEC_PER_SEC;
  third = start (django, store);
  fc_sync_engine_set_clock (third, clock_cb, &now);
  idle_sync (django, third, "after changes elsewhere");
  g_assert_cmpuint (django->log->len, ==, 2 + pages + 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meals"), ==, N_MEALS - 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meals "
                                                 "WHERE name = 'Renamed on page 1'"), ==, 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meals "
                                                 "WHERE name = 'Edited on page 50'"), ==, 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meals WHERE id = 305"),
                   ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/django/offers-and-own-lists", test_django);

  return g_test_run ();
}

/* fc-server.c — the fitcore-server HTTP front: routing, auth, transactions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fc-admin.h"
#include "fc-json.h"
#include "fc-jwt.h"
#include "fc-time.h"
#include "fc-health-private.h"
#include "fc-media.h"
#include "fc-notifications.h"
#include "fc-payments.h"
#include "fc-sql.h"
#include "fc-server-listener.h"
#include "fc-server-private.h"
#include "fc-server-workers.h"

#define SHUTDOWN_GRACE_S 10
#define HOUSEKEEPING_INTERVAL_S 3600
#define IDEMPOTENCY_KEEP_S (24 * 3600)
/* A cursor older than this answers reset: the client pulls in full. */
#define CHANGES_KEEP_S (30 * 24 * 3600)
#define MAX_IDEMPOTENCY_KEY 255
#define ACCESS_COOKIE "fitcore-access-token"
/* Seconds a client is told to wait while its key's first request runs. */
#define IDEMPOTENCY_RETRY_AFTER "1"
/* A claimed key whose answer never came (its server was killed) is free
 * again after this long; longer than any handler runs. */
#define IDEMPOTENCY_PENDING_S 120
#define TOO_LARGE_BODY "{\"detail\":\"Request body too large.\"}"
#define BAD_LENGTH_BODY "{\"detail\":\"Content-Length must be one whole number of bytes.\"}"

typedef struct {
  const FcRoute *routes;
  gsize          n_routes;
  const char    *section;
} RouteModule;

struct _FcServer {
  GObject          parent_instance;

  /* owned */
  FcServerConfig  *config;
  FcSql         *db;
  SoupServer      *soup_server;
  FcServerListener *listener;
  GPtrArray       *routes;          /* borrowed const FcRoute * */
  GPtrArray       *sections;        /* const char *, NULL-terminated */
  GArray          *upload_limits;   /* UploadLimit */
  FcThrottle      *login_throttle;
  GTask           *shutdown_task;
  guint            shutdown_timeout_id;
  guint            housekeeping_id;

  guint            in_flight;
  gboolean         shutting_down;
  gboolean         shared_socket;   /* one of a supervisor's workers */
  char             worker_tag[16];  /* its pid, for the request log */
};

G_DEFINE_FINAL_TYPE (FcServer, fc_server, G_TYPE_OBJECT)

typedef struct {
  const char *path_prefix;
  gsize       limit;
  gboolean    multipart;
  gboolean    raw;         /* the handler parses the body */
} UploadLimit;

/* Data kept on each SoupServerMessage for the request log and the body
 * limit. */
typedef struct {
  gint64   started_us;
  gint64   user_id;
  gsize    body_limit;
  gsize    body_received;
  gboolean counted;
  guint    refused;      /* the status it was refused with early, or 0 */
  guint    answered;     /* the status the server answered with, or 0 */
} MessageLog;

/* Logged for a request whose client went away before the server answered
 * it (before it was even whole, or while a handler worked): libsoup marks
 * these 500, but they are not the server's errors. nginx's "client closed
 * request". */
#define LOG_STATUS_CLIENT_CLOSED 499

/* An Idempotency-Key this request claimed (its row in idempotency_keys
 * with status 0), kept on the request's message until its answer is
 * recorded. */
typedef struct {
  char     *hash;
} Reservation;

#define RESERVATION_DATA "fc-idempotency-reservation"

/* Routing. */

/* The '/' or NUL that ends the path segment at @p. */
static const char *
segment_end (const char *p)
{
  while (*p != '\0' && *p != '/')
    p++;
  return p;
}

/* Matches @path against @pattern, filling @params; "{id}" takes a positive
 * decimal integer and any other "{name}" one non-empty segment. Every
 * request tries every route: segments are compared in place, since
 * splitting both strings for each route was a quarter of the server's CPU
 * for a small GET. */
static gboolean
match_pattern (const char *pattern,
               const char *path,
               GHashTable *params)
{
  const char *want = pattern;
  const char *have = path;

  for (;;) {
    const char *want_end = segment_end (want);
    const char *have_end = segment_end (have);
    gsize want_len = want_end - want;
    gsize have_len = have_end - have;

    if (want_len > 2 && want[0] == '{' && want[want_len - 1] == '}') {
      gboolean is_id = want_len == 4 && strncmp (want, "{id}", 4) == 0;

      if (have_len == 0)
        return FALSE;
      if (is_id) {
        g_autofree char *text = g_strndup (have, have_len);
        gint64 value;

        if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &value, NULL) ||
            !g_ascii_isdigit (text[0]))
          return FALSE;
      }
    } else if (want_len != have_len || memcmp (want, have, want_len) != 0) {
      return FALSE;
    }
    if (*want_end == '\0' || *have_end == '\0') {
      if (*want_end != *have_end)
        return FALSE;
      break;
    }
    want = want_end + 1;
    have = have_end + 1;
  }

  /* Filled only once the whole path matched, as for the route chosen */
  for (want = pattern, have = path; params != NULL;) {
    const char *want_end = segment_end (want);
    const char *have_end = segment_end (have);
    gsize want_len = want_end - want;

    if (want_len > 2 && want[0] == '{' && want[want_len - 1] == '}')
      g_hash_table_replace (params, g_strndup (want + 1, want_len - 2),
                            g_strndup (have, have_end - have));
    if (*want_end == '\0')
      break;
    want = want_end + 1;
    have = have_end + 1;
  }
  return TRUE;
}

/* DRF's Allow header order: its http_method_names order. */
static const char * const method_order[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };

static gboolean
path_has_routes (FcServer   *self,
                 const char *path)
{
  for (guint i = 0; i < self->routes->len; i++) {
    const FcRoute *route = g_ptr_array_index (self->routes, i);

    if (match_pattern (route->pattern, path, NULL))
      return TRUE;
  }
  return g_str_equal (path, "/api/v1/");
}

/* Finds the route for @method; @out_allow gets the methods the path takes
 * and @out_auth the strictest authentication among them (DRF checks
 * permissions before it answers 405). */
static const FcRoute *
find_route (FcServer    *self,
            const char  *method,
            const char  *path,
            GHashTable  *params,
            char       **out_allow,
            FcAuthLevel *out_auth)
{
  const FcRoute *found = NULL;
  gboolean methods[G_N_ELEMENTS (method_order)] = { FALSE };
  g_autoptr(GStrvBuilder) allow = g_strv_builder_new ();
  g_auto(GStrv) allowed = NULL;
  gboolean any = FALSE;
  const char *lookup = g_str_equal (method, "HEAD") ? "GET" : method;

  *out_auth = FC_AUTH_NONE;
  for (guint i = 0; i < self->routes->len; i++) {
    const FcRoute *route = g_ptr_array_index (self->routes, i);

    if (!match_pattern (route->pattern, path, NULL))
      continue;
    any = TRUE;
    *out_auth = MAX (*out_auth, MIN (route->auth, FC_AUTH_REQUIRED));
    for (guint m = 0; m < G_N_ELEMENTS (method_order); m++) {
      if (g_str_equal (method_order[m], route->method))
        methods[m] = TRUE;
    }
    if (found == NULL && g_str_equal (route->method, lookup)) {
      found = route;
      match_pattern (route->pattern, path, params);
    }
  }

  if (!any) {
    *out_allow = NULL;
    return NULL;
  }
  if (methods[0])
    methods[5] = TRUE;
  methods[6] = TRUE;
  for (guint m = 0; m < G_N_ELEMENTS (method_order); m++) {
    if (methods[m])
      g_strv_builder_add (allow, method_order[m]);
  }
  allowed = g_strv_builder_end (allow);
  *out_allow = g_strjoinv (", ", allowed);
  if (found != NULL)
    *out_auth = found->auth;
  return found;
}

/* Responses the framework itself gives. */

static void
respond_token_error (FcServerRequest *request,
                     const char      *message)
{
  JsonObject *object = json_object_new ();
  JsonObject *entry = json_object_new ();
  JsonArray *messages = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "detail", "Given token not valid for any token type");
  json_object_set_string_member (object, "code", "token_not_valid");
  json_object_set_string_member (entry, "token_class", "AccessToken");
  json_object_set_string_member (entry, "token_type", "access");
  json_object_set_string_member (entry, "message", message);
  json_array_add_object_element (messages, entry);
  json_object_set_array_member (object, "messages", messages);
  json_node_take_object (node, object);

  fc_server_request_add_header (request, "WWW-Authenticate", "Bearer realm=\"api\"");
  fc_server_request_respond_json (request, SOUP_STATUS_UNAUTHORIZED, node);
}

static void
respond_coded (FcServerRequest *request,
               const char      *detail,
               const char      *code)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "detail", detail);
  json_object_set_string_member (object, "code", code);
  json_node_take_object (node, object);
  fc_server_request_add_header (request, "WWW-Authenticate", "Bearer realm=\"api\"");
  fc_server_request_respond_json (request, SOUP_STATUS_UNAUTHORIZED, node);
}

/* simplejwt's JWTAuthentication, then dj-rest-auth's cookie variant: the
 * header wins; a present but bad token is a 401 even where anonymous
 * callers are welcome. Returns FALSE after answering. */
static gboolean
authenticate (FcServer        *self,
              FcServerRequest *request)
{
  const char *header = fc_server_request_get_header (request, "Authorization");
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;
  g_autoptr(FcSqlCachedStmt) stmt = NULL;

  if (header != NULL) {
    g_auto(GStrv) parts = g_strsplit_set (header, " \t", -1);
    guint n = 0;

    /* Python's str.split(): runs of blanks separate, none are kept. */
    for (guint i = 0; parts[i] != NULL; i++) {
      if (*parts[i] != '\0')
        parts[n++] = parts[i];
      else
        g_free (parts[i]);
    }
    parts[n] = NULL;

    if (n > 0 && g_str_equal (parts[0], "Bearer")) {
      if (n != 2) {
        respond_coded (request, "Authorization header must contain two space-delimited values",
                       "bad_authorization_header");
        return FALSE;
      }
      token = g_strdup (parts[1]);
    }
  }
  if (token == NULL && fc_server_request_get_cookie (request, ACCESS_COOKIE) != NULL)
    token = g_strdup (fc_server_request_get_cookie (request, ACCESS_COOKIE));
  if (token == NULL)
    return TRUE;

  claims = fc_jwt_decode (self->config->secret_key, token, "access",
                          g_get_real_time () / G_USEC_PER_SEC, &error);
  if (claims == NULL) {
    if (g_error_matches (error, FC_JWT_ERROR, FC_JWT_ERROR_CLAIMS) &&
        g_str_has_prefix (error->message, "Token contained"))
      respond_coded (request, error->message, "token_not_valid");
    else
      respond_token_error (request, error->message);
    return FALSE;
  }

  /* Asked on every authenticated request: prepared once */
  stmt = fc_sql_stmt (self->db, "SELECT is_active, is_staff FROM users WHERE id = ?");
  fc_sql_bind_int64 (stmt, 1, claims->user_id);
  /* The route's reads go with this one: one round trip on PostgreSQL */
  if (request->route != NULL && request->route->prefetch != NULL) {
    fc_sql_prefetch (stmt);
    request->route->prefetch (request, claims->user_id);
  }
  switch (fc_sql_step (stmt)) {
  case FC_SQL_ROW:
    break;
  case FC_SQL_DONE:
    respond_coded (request, "User not found", "user_not_found");
    return FALSE;
  default:
    /* Not a verdict on the token: a 401 would sign the app out */
    g_warning ("Cannot read the token's user: %s", fc_sql_errmsg (self->db));
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The database is busy; try again.");
    return FALSE;
  }
  if (!fc_sql_column_int (stmt, 0)) {
    respond_coded (request, "User is inactive", "user_inactive");
    return FALSE;
  }

  request->user_id = claims->user_id;
  request->is_staff = fc_sql_column_int (stmt, 1) != 0;
  g_clear_pointer (&stmt, fc_sql_reset);
  fc_admin_note_activity (self, self->db, claims->user_id);
  return TRUE;
}

static gboolean
check_permission (FcServerRequest *request,
                  FcAuthLevel      level)
{
  if (level < FC_AUTH_REQUIRED)
    return TRUE;
  if (request->user_id == 0) {
    fc_server_request_add_header (request, "WWW-Authenticate", "Bearer realm=\"api\"");
    fc_server_request_respond_detail (request, SOUP_STATUS_UNAUTHORIZED,
                                      "Authentication credentials were not provided.");
    return FALSE;
  }
  if (level == FC_AUTH_STAFF && !request->is_staff) {
    fc_server_request_respond_detail (request, SOUP_STATUS_FORBIDDEN,
                                      "You do not have permission to perform this action.");
    return FALSE;
  }
  return TRUE;
}

/* CORS as django-cors-headers does it: only configured origins get
 * headers, never Allow-Credentials. Returns TRUE when it answered a
 * preflight. */
static gboolean
handle_cors (FcServer        *self,
             FcServerRequest *request)
{
  const char *origin = fc_server_request_get_header (request, "Origin");
  gboolean allowed = fc_server_config_allows_origin (self->config, origin);
  gboolean preflight = g_str_equal (fc_server_request_get_method (request), "OPTIONS") &&
                       fc_server_request_get_header (request, "Access-Control-Request-Method") != NULL;

  if (allowed)
    fc_server_request_add_header (request, "Access-Control-Allow-Origin", origin);
  if (!preflight)
    return FALSE;

  if (allowed) {
    fc_server_request_add_header (request, "Access-Control-Allow-Headers",
                                  "accept, authorization, content-type, user-agent, x-csrftoken, "
                                  "x-requested-with, idempotency-key");
    fc_server_request_add_header (request, "Access-Control-Allow-Methods",
                                  "DELETE, GET, OPTIONS, PATCH, POST, PUT");
    fc_server_request_add_header (request, "Access-Control-Max-Age", "86400");
  }
  fc_server_request_respond_raw (request, SOUP_STATUS_OK, "text/html; charset=utf-8", NULL);
  return TRUE;
}

/* Idempotency-Key, as Stripe has it: a key belongs to one signed-in user
 * and one request (method, path, query and body); a replay returns the
 * stored first response, the same key with another request is a 422, and
 * a retry while the first is still running a 409. Anonymous requests are
 * never stored: their answers (tokens) must not reach another caller. */

static void
reservation_free (gpointer data)
{
  Reservation *reservation = data;

  g_free (reservation->hash);
  g_free (reservation);
}

static char *
request_hash (FcServerRequest *request)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GUri *uri = soup_server_message_get_uri (request->message);
  const char *query = g_uri_get_query (uri);
  SoupMessageBody *body = soup_server_message_get_request_body (request->message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  const char *method = fc_server_request_get_method (request);
  const char *path = fc_server_request_get_path (request);

  /* NUL separators: no two different requests hash the same text. */
  g_checksum_update (checksum, (const guchar *) method, strlen (method) + 1);
  g_checksum_update (checksum, (const guchar *) path, strlen (path) + 1);
  if (query != NULL)
    g_checksum_update (checksum, (const guchar *) query, strlen (query));
  g_checksum_update (checksum, (const guchar *) "", 1);
  g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return g_strdup (g_checksum_get_string (checksum));
}

static void
respond_key_reused (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, 422,
                                    "This Idempotency-Key was already used for a different "
                                    "request (method, path or body); use a new key.");
}

static char *
iso8601_seconds_ago (gint64 seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, (double) -seconds);

  return fc_time_format_iso8601 (then);
}

/* A replay of the stored answer, a 422 for another request under the
 * key, a 409 while the first is running; TRUE when it answered. */
static gboolean
answer_from_key (FcServer        *self,
                 FcServerRequest *request,
                 const char      *key,
                 const char      *hash)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *stored_hash;

  stmt = fc_sql_prepare (self->db,
                         "SELECT method, path, status, content_type, body, request_hash, created_at "
                         "FROM idempotency_keys WHERE user_id = ? AND key = ?");
  fc_sql_bind_int64 (stmt, 1, request->user_id);
  fc_sql_bind_text (stmt, 2, key);
  if (!fc_sql_step_row (stmt))
    return FALSE;

  /* Rows from before hashes were kept are matched on method and path. */
  stored_hash = fc_sql_column_text (stmt, 5);
  if (!g_str_equal (fc_sql_column_text (stmt, 0), fc_server_request_get_method (request)) ||
      !g_str_equal (fc_sql_column_text (stmt, 1), fc_server_request_get_path (request)) ||
      (stored_hash != NULL && !g_str_equal (stored_hash, hash))) {
    respond_key_reused (request);
    return TRUE;
  }
  if (fc_sql_column_int (stmt, 2) == 0) {
    g_autofree char *abandoned = iso8601_seconds_ago (IDEMPOTENCY_PENDING_S);

    /* A claim whose server died before answering is taken over */
    if (g_strcmp0 (fc_sql_column_text (stmt, 6), abandoned) < 0)
      return FALSE;
    fc_server_request_add_header (request, "Retry-After", IDEMPOTENCY_RETRY_AFTER);
    fc_server_request_respond_detail (request, SOUP_STATUS_CONFLICT,
                                      "A request with this Idempotency-Key is still being "
                                      "processed; retry later to get its answer.");
    return TRUE;
  }
  if (!fc_sql_column_is_null (stmt, 4)) {
    gsize size = 0;
    gconstpointer data = fc_sql_column_blob (stmt, 4, &size);

    body = g_bytes_new (data, size);
  }
  fc_server_request_add_header (request, "Idempotent-Replayed", "true");
  fc_server_request_respond_raw (request, fc_sql_column_int (stmt, 2),
                                 fc_sql_column_text (stmt, 3), body);
  return TRUE;
}

/* Returns TRUE when it answered. */
static gboolean
handle_idempotency (FcServer        *self,
                    FcServerRequest *request)
{
  const char *key = fc_server_request_get_header (request, "Idempotency-Key");
  g_autofree char *hash = NULL;
  Reservation *reservation;

  if (key == NULL)
    return FALSE;
  if (*key == '\0' || strlen (key) > MAX_IDEMPOTENCY_KEY) {
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST,
                                      "Idempotency-Key must be 1 to 255 characters long.");
    return TRUE;
  }
  if (request->user_id == 0)
    return FALSE;

  hash = request_hash (request);
  if (answer_from_key (self, request, key, hash))
    return TRUE;

  reservation = g_new0 (Reservation, 1);
  reservation->hash = g_steal_pointer (&hash);
  g_object_set_data_full (G_OBJECT (request->message), RESERVATION_DATA, reservation,
                          reservation_free);
  request->idempotency_key = g_strdup (key);
  return FALSE;
}

/* In the request's transaction, before its handler: the key's row, status
 * 0 until the answer is recorded. Another server instance that got the
 * same key waits on this row until the transaction ends, then finds it
 * taken and answers from it (or with a 409 while an asynchronous handler
 * is still at work); a rollback frees the key. TRUE when it answered (and
 * the transaction is over). */
static gboolean
claim_idempotency_key (FcServer        *self,
                       FcServerRequest *request)
{
  Reservation *reservation = g_object_get_data (G_OBJECT (request->message), RESERVATION_DATA);
  g_autoptr(FcSqlStmt) drop = NULL;
  g_autoptr(FcSqlStmt) claim = NULL;
  g_autofree char *now = NULL;
  g_autofree char *abandoned = NULL;

  if (request->idempotency_key == NULL || reservation == NULL)
    return FALSE;

  abandoned = iso8601_seconds_ago (IDEMPOTENCY_PENDING_S);
  drop = fc_sql_prepare (self->db, "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?"
                                   " AND status = 0 AND created_at < ?");
  fc_sql_bind_int64 (drop, 1, request->user_id);
  fc_sql_bind_text (drop, 2, request->idempotency_key);
  fc_sql_bind_text (drop, 3, abandoned);
  now = fc_time_now_iso8601 ();
  claim = fc_sql_prepare (self->db,
                          "INSERT INTO idempotency_keys (user_id, key, method, path, status,"
                          " created_at, request_hash) VALUES (?, ?, ?, ?, 0, ?, ?)"
                          " ON CONFLICT DO NOTHING");
  fc_sql_bind_int64 (claim, 1, request->user_id);
  fc_sql_bind_text (claim, 2, request->idempotency_key);
  fc_sql_bind_text (claim, 3, fc_server_request_get_method (request));
  fc_sql_bind_text (claim, 4, fc_server_request_get_path (request));
  fc_sql_bind_text (claim, 5, now);
  fc_sql_bind_text (claim, 6, reservation->hash);
  if (fc_sql_step_done (drop) && fc_sql_step_done (claim) && fc_sql_changes (self->db) == 1)
    return FALSE;

  /* Taken meanwhile (by another instance), or the database failed */
  fc_sql_end (self->db, FALSE);
  if (!answer_from_key (self, request, request->idempotency_key, reservation->hash))
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The database is busy; try again.");
  g_object_set_data (G_OBJECT (request->message), RESERVATION_DATA, NULL);
  return TRUE;
}

void
fc_server_record_response (FcServer        *self,
                           FcServerRequest *request,
                           const char      *content_type,
                           GBytes          *body)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *now = NULL;
  Reservation *reservation;

  if (request->idempotency_key == NULL)
    return;
  reservation = g_object_get_data (G_OBJECT (request->message), RESERVATION_DATA);

  /* Only successes are kept: an error changed nothing, so repeating the
   * request is as safe as replaying it. The claim (claim_idempotency_key())
   * becomes the answer, in the handler's transaction or, for one that
   * answers later, on its own. */
  if (reservation != NULL && request->status < 400) {
    now = fc_time_now_iso8601 ();
    stmt = fc_sql_prepare (self->db,
                           "UPDATE idempotency_keys SET status = ?, content_type = ?, body = ?,"
                           " created_at = ? WHERE user_id = ? AND key = ? AND status = 0");
    fc_sql_bind_int64 (stmt, 1, request->status);
    fc_sql_bind_text (stmt, 2, content_type);
    if (body != NULL)
      fc_sql_bind_blob (stmt, 3, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    fc_sql_bind_text (stmt, 4, now);
    fc_sql_bind_int64 (stmt, 5, request->user_id);
    fc_sql_bind_text (stmt, 6, request->idempotency_key);
    fc_sql_step_done (stmt);
  } else if (reservation != NULL) {
    stmt = fc_sql_prepare (self->db, "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?"
                                     " AND status = 0");
    fc_sql_bind_int64 (stmt, 1, request->user_id);
    fc_sql_bind_text (stmt, 2, request->idempotency_key);
    fc_sql_step_done (stmt);
  }

  /* Answered: a retry now finds the stored answer (or runs again after an
   * error). */
  g_object_set_data (G_OBJECT (request->message), RESERVATION_DATA, NULL);
}

static void
respond_api_root (FcServer        *self,
                  FcServerRequest *request)
{
  JsonObject *object = json_object_new ();
  JsonArray *sections = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "version", "1");
  for (guint i = 0; i + 1 < self->sections->len; i++)
    json_array_add_string_element (sections, g_ptr_array_index (self->sections, i));
  json_object_set_array_member (object, "sections", sections);
  json_node_take_object (node, object);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

static void
respond_not_found_or_redirect (FcServer        *self,
                               FcServerRequest *request)
{
  const char *path = fc_server_request_get_path (request);
  const char *method = fc_server_request_get_method (request);
  g_autofree char *slashed = g_strconcat (path, "/", NULL);

  /* Django's APPEND_SLASH, minus its 500 for writes. */
  if (!g_str_has_suffix (path, "/") && path_has_routes (self, slashed)) {
    if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD")) {
      const char *query = g_uri_get_query (soup_server_message_get_uri (request->message));
      g_autofree char *location = g_strconcat (request->base_url, slashed,
                                               query != NULL ? "?" : "", query, NULL);

      fc_server_request_add_header (request, "Location", location);
      fc_server_request_respond_raw (request, SOUP_STATUS_MOVED_PERMANENTLY, NULL, NULL);
    } else {
      g_autofree char *detail = g_strdup_printf ("Not found. The path must end in '/': %s", slashed);

      fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, detail);
    }
    return;
  }
  fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, "Not found.");
}

static gboolean
is_write_method (const char *method)
{
  return g_str_equal (method, "POST") || g_str_equal (method, "PUT") ||
         g_str_equal (method, "PATCH") || g_str_equal (method, "DELETE");
}

static void
respond_options (FcServerRequest *request,
                 const char      *allow)
{
  JsonObject *object = json_object_new ();
  JsonArray *renders = json_array_new ();
  JsonArray *parses = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "name", "FitCore API");
  json_object_set_string_member (object, "description", "");
  json_array_add_string_element (renders, "application/json");
  json_object_set_array_member (object, "renders", renders);
  json_array_add_string_element (parses, "application/json");
  json_array_add_string_element (parses, "application/x-www-form-urlencoded");
  json_array_add_string_element (parses, "multipart/form-data");
  json_object_set_array_member (object, "parses", parses);
  json_node_take_object (node, object);
  fc_server_request_add_header (request, "Allow", allow);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* Runs one routed request through authentication, permissions, the
 * method check, idempotency, body parsing and the handler's transaction. */
static void
dispatch (FcServer        *self,
          FcServerRequest *request)
{
  const char *method = fc_server_request_get_method (request);
  const char *path = fc_server_request_get_path (request);
  g_autofree char *allow = NULL;
  const FcRoute *route;
  FcAuthLevel auth;
  gboolean write;

  if (g_str_has_prefix (path, "/media/") &&
      (g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))) {
    fc_media_serve (request, self->config->media_dir, path + strlen ("/media/"));
    return;
  }

  if (g_str_equal (path, "/api/v1/")) {
    if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD")) {
      respond_api_root (self, request);
    } else if (g_str_equal (method, "OPTIONS")) {
      respond_options (request, "GET, HEAD, OPTIONS");
    } else {
      g_autofree char *detail = g_strdup_printf ("Method \"%s\" not allowed.", method);

      fc_server_request_add_header (request, "Allow", "GET, HEAD, OPTIONS");
      fc_server_request_respond_detail (request, SOUP_STATUS_METHOD_NOT_ALLOWED, detail);
    }
    return;
  }

  route = find_route (self, method, path, request->params, &allow, &auth);
  if (allow == NULL) {
    respond_not_found_or_redirect (self, request);
    return;
  }

  request->route = route;
  if (auth != FC_AUTH_NONE && !authenticate (self, request))
    return;
  if (!check_permission (request, auth))
    return;

  if (g_str_equal (method, "OPTIONS")) {
    respond_options (request, allow);
    return;
  }
  if (route == NULL) {
    g_autofree char *detail = g_strdup_printf ("Method \"%s\" not allowed.", method);

    fc_server_request_add_header (request, "Allow", allow);
    fc_server_request_respond_detail (request, SOUP_STATUS_METHOD_NOT_ALLOWED, detail);
    return;
  }

  write = is_write_method (method);
  if (write && handle_idempotency (self, request))
    return;
  if (write && !fc_server_body_is_raw (self, path) &&
      g_object_get_data (G_OBJECT (request->message), FC_ADMIN_RAW_BODY_DATA) == NULL &&
      !fc_server_request_parse_body (request))
    return;

  if (write && !fc_sql_begin (self->db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The database is busy; try again.");
    return;
  }

  if (write && claim_idempotency_key (self, request))
    return;
  if (write && request->is_staff)
    fc_admin_set_actor (self->db, request->user_id);
  route->handler (request);

  if (write) {
    /* An async handler's synchronous part is kept; it opens its own
     * transaction for what it writes later. */
    gboolean commit = !request->responded || request->status < 400;

    if (request->is_staff)
      fc_admin_set_actor (self->db, 0);
    if (!fc_sql_end (self->db, commit) && commit && request->responded) {
      /* Nothing was written: the success must not go out. */
      g_warning ("%s %s: commit failed; answering 500 instead", method, path);
      request->responded = FALSE;
      fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                        "A server error occurred.");
    }
    /* A handler that committed part of its work (fc_server_request_commit())
     * and then failed rolled the clearing back with the rest. */
    if (request->is_staff)
      fc_admin_set_actor (self->db, 0);
  }
}

/* SoupServer plumbing. */

static void
on_message_finished_cb (SoupServerMessage *message,
                        gpointer           user_data)
{
  FcServer *self = FC_SERVER (user_data);
  MessageLog *log = g_object_get_data (G_OBJECT (message), "fc-log");
  g_autofree char *user = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%F %T");
  g_autofree char *line = NULL;
  guint status;

  /* libsoup makes the next message of a kept-alive connection before any
   * of it arrives; one that never got headers was no request. */
  if (log == NULL || !log->counted)
    return;

  user = log->user_id != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, log->user_id) : g_strdup ("-");
  /* The status the server gave: a refused request ends in a torn-down
   * connection, and an answer the client left before reading, even a
   * committed write's, in an I/O error, both of which libsoup marks 500. */
  status = soup_server_message_get_status (message);
  if (log->refused != 0)
    status = log->refused;
  else if (log->answered != 0)
    status = log->answered;
  else if (status == 0 || status == SOUP_STATUS_INTERNAL_SERVER_ERROR)
    status = LOG_STATUS_CLIENT_CLOSED;
  /* A worker's lines name it; each goes out in one write(), so the
   * workers' lines sharing one stderr never interleave. */
  line = g_strdup_printf ("%s %s %s %u %.1fms user=%s%s%s\n", stamp,
                          soup_server_message_get_method (message),
                          g_uri_get_path (soup_server_message_get_uri (message)), status,
                          (g_get_monotonic_time () - log->started_us) / 1000.0, user,
                          self->shared_socket ? " worker=" : "",
                          self->shared_socket ? self->worker_tag : "");
  fc_server_workers_write_log (line);

  g_assert (self->in_flight > 0);
  self->in_flight--;
  if (self->shutting_down && self->in_flight == 0 && self->shutdown_task != NULL) {
    g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
    g_task_return_boolean (g_steal_pointer (&self->shutdown_task), TRUE);
  }
}

void
fc_server_note_answer (SoupServerMessage *message,
                       guint              status)
{
  MessageLog *log = g_object_get_data (G_OBJECT (message), "fc-log");

  if (log != NULL)
    log->answered = status;
}

void
fc_server_forget_message (FcServer          *self,
                          SoupServerMessage *message)
{
  MessageLog *log = g_object_get_data (G_OBJECT (message), "fc-log");

  if (log == NULL || !log->counted)
    return;
  on_message_finished_cb (message, self);
  log->counted = FALSE;
}

/* Answers @message before its body is read, without reading (or keeping)
 * the rest, and closes the connection, since the rest of the body would
 * otherwise be read as the next request. */
static void
refuse (FcServer          *self,
        SoupServerMessage *message,
        MessageLog        *log,
        guint              status,
        const char        *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  g_autofree char *cors = NULL;
  g_autofree char *response = NULL;

  log->refused = status;
  if (origin != NULL && fc_server_config_allows_origin (self->config, origin))
    cors = g_strdup_printf ("Access-Control-Allow-Origin: %s\r\nVary: Accept, Origin\r\n", origin);
  response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                              "Content-Type: application/json\r\n"
                              "Content-Length: %zu\r\n"
                              "Connection: close\r\n"
                              "X-Content-Type-Options: nosniff\r\n"
                              "%s\r\n"
                              "%s",
                              status, soup_status_get_phrase (status), strlen (body),
                              cors != NULL ? cors : "", body);
  /* The status keeps the handler from running and goes in the log. */
  soup_server_message_set_status (message, status, NULL);
  fc_server_listener_refuse (self->listener, message, response);
}

/* A body over the limit is refused as soon as that is known, from its
 * Content-Length or once a chunked body passes it. */
static void
refuse_body (FcServer          *self,
             SoupServerMessage *message,
             MessageLog        *log)
{
  refuse (self, message, log, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, TOO_LARGE_BODY);
}

/* RFC 9112 §6.3: a Content-Length that is not one run of digits (two
 * values that differ, a sign) cannot frame the body, and a proxy in front
 * may have framed it otherwise. libsoup reads what its own parse gives
 * (the last of two; a negative length warns). */
static gboolean
content_length_valid (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_list (headers, "Content-Length");

  if (value == NULL)
    return TRUE;
  if (*value == '\0' || strlen (value) > 18)
    return FALSE;
  for (const char *c = value; *c != '\0'; c++) {
    if (!g_ascii_isdigit (*c))
      return FALSE;
  }
  return TRUE;
}

static void
on_message_got_chunk_cb (SoupServerMessage *message,
                         GBytes            *chunk,
                         gpointer           user_data)
{
  FcServer *self = FC_SERVER (user_data);
  MessageLog *log = g_object_get_data (G_OBJECT (message), "fc-log");

  if (log == NULL || log->refused)
    return;
  log->body_received += g_bytes_get_size (chunk);
  if (log->body_received > log->body_limit)
    refuse_body (self, message, log);
}

static void
on_message_got_headers_cb (SoupServerMessage *message,
                           gpointer           user_data)
{
  FcServer *self = FC_SERVER (user_data);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  gboolean multipart = type != NULL && g_ascii_strcasecmp (type, "multipart/form-data") == 0;
  MessageLog *log = g_object_get_data (G_OBJECT (message), "fc-log");
  const char *path = g_uri_get_path (soup_server_message_get_uri (message));

  if (log == NULL)
    return;

  /* A request in flight from here until "finished", which libsoup emits
   * for every message whose headers arrived, answered or aborted. */
  if (!log->counted) {
    log->counted = TRUE;
    log->started_us = g_get_monotonic_time ();
    self->in_flight++;
  }

  if (!content_length_valid (headers)) {
    g_autoptr(GIOStream) stream = NULL;

    refuse (self, message, log, SOUP_STATUS_BAD_REQUEST, BAD_LENGTH_BODY);
    /* libsoup would go on to read a body of the length it parsed (and
     * warn of a negative one): it gets the connection no more, and the
     * listener closes it once the client had time to read the answer. */
    stream = soup_server_message_steal_connection (message);
    fc_server_forget_message (self, message);
    return;
  }

  /* Admin mode's uploads set their own: a resumable upload's PATCH is
   * written to disk as it arrives, bounded by the upload's size. */
  if (!fc_admin_body_policy (self, message, &log->body_limit))
    log->body_limit = multipart ? fc_server_get_upload_limit (self, path)
                                : fc_server_get_body_limit (self, path);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) log->body_limit)
    refuse_body (self, message, log);
}

static void
on_request_started_cb (SoupServer        *soup_server,
                       SoupServerMessage *message,
                       gpointer           user_data)
{
  FcServer *self = FC_SERVER (user_data);
  MessageLog *log = g_new0 (MessageLog, 1);

  g_object_set_data_full (G_OBJECT (message), "fc-log", log, g_free);
  g_signal_connect_object (message, "got-headers", G_CALLBACK (on_message_got_headers_cb), self,
                           0);
  g_signal_connect_object (message, "got-chunk", G_CALLBACK (on_message_got_chunk_cb), self, 0);
  g_signal_connect_object (message, "finished", G_CALLBACK (on_message_finished_cb), self, 0);
}

static void
server_callback (SoupServer        *soup_server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FcServer *self = FC_SERVER (user_data);
  g_autoptr(FcServerRequest) request = NULL;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (message);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  MessageLog *log = g_object_get_data (G_OBJECT (message), "fc-log");
  guint round_trips = fc_sql_get_round_trips (self->db);
  static int testing = -1;
  const char *range;

  /* The body limit already answered 413. */
  if (soup_server_message_get_status (message) != 0)
    return;

  /* libsoup answers any Range request to a 200 with a 206 of the ranges
   * asked, overlapping or not. The header is put aside: only media files
   * take ranges, and fc_media_serve() checks them and puts them back. */
  range = soup_message_headers_get_one (request_headers, "Range");
  if (range != NULL) {
    g_object_set_data_full (G_OBJECT (message), FC_SERVER_RANGE_DATA, g_strdup (range), g_free);
    soup_message_headers_remove (request_headers, "Range");
  }

  request = fc_server_request_new (self, message);
  soup_message_headers_replace (response_headers, "Vary", "Accept, Origin");
  /* No browser may guess a type (an uploaded image read as HTML). */
  soup_message_headers_replace (response_headers, "X-Content-Type-Options", "nosniff");

  if (!handle_cors (self, request)) {
    if (self->shutting_down) {
      soup_message_headers_replace (response_headers, "Connection", "close");
      fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                        "The server is shutting down.");
    } else {
      dispatch (self, request);
    }
  }

  if (log != NULL)
    log->user_id = request->user_id;
  /* Tests only: what a request (its synchronous part) cost in round trips
   * to PostgreSQL. */
  if (testing < 0)
    testing = g_strcmp0 (g_getenv ("FITCORE_SERVER_TESTING"), "1") == 0;
  if (testing && fc_sql_get_backend (self->db) == FC_SQL_BACKEND_POSTGRESQL) {
    char count[16];

    g_snprintf (count, sizeof count, "%u", fc_sql_get_round_trips (self->db) - round_trips);
    soup_message_headers_replace (response_headers, "X-FitCore-Round-Trips", count);
  }

  /* An async handler holds its own reference and responds later. */
  if (!request->responded) {
    request->paused = TRUE;
    soup_server_message_pause (message);
  }
}

static void
fc_server_dispose (GObject *object)
{
  FcServer *self = FC_SERVER (object);

  if (self->listener != NULL)
    fc_server_listener_stop (self->listener);
  g_clear_object (&self->listener);
  if (self->soup_server != NULL)
    soup_server_disconnect (self->soup_server);
  g_clear_object (&self->soup_server);
  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  g_clear_handle_id (&self->housekeeping_id, g_source_remove);

  G_OBJECT_CLASS (fc_server_parent_class)->dispose (object);
}

static void
fc_server_finalize (GObject *object)
{
  FcServer *self = FC_SERVER (object);

  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_pointer (&self->upload_limits, g_array_unref);
  g_clear_pointer (&self->login_throttle, fc_throttle_free);
  g_clear_pointer (&self->db, fc_sql_close);
  g_clear_pointer (&self->config, fc_server_config_free);

  G_OBJECT_CLASS (fc_server_parent_class)->finalize (object);
}

static void
fc_server_class_init (FcServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_server_dispose;
  object_class->finalize = fc_server_finalize;
}

static void
fc_server_init (FcServer *self)
{
  self->routes = g_ptr_array_new ();
  self->sections = g_ptr_array_new ();
  self->upload_limits = g_array_new (FALSE, FALSE, sizeof (UploadLimit));
}

static void
add_module (FcServer      *self,
            const FcRoute *routes,
            gsize          n_routes,
            const char    *section)
{
  for (gsize i = 0; i < n_routes; i++)
    g_ptr_array_add (self->routes, (gpointer) &routes[i]);
  if (n_routes > 0 && section != NULL)
    g_ptr_array_add (self->sections, (gpointer) section);
}

/* Expired refresh tokens (blacklisted or not) can never be presented
 * again, and replays are promised for a day: neither table should grow
 * without bound. */
static gboolean
on_housekeeping_cb (gpointer user_data)
{
  FcServer *self = FC_SERVER (user_data);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) cutoff = g_date_time_add_seconds (now, -IDEMPOTENCY_KEEP_S);
  g_autofree char *cutoff_text = fc_time_format_iso8601 (cutoff);
  g_autoptr(FcSqlStmt) tokens = NULL;
  g_autoptr(FcSqlStmt) keys = NULL;
  g_autoptr(GDateTime) changes_cutoff = g_date_time_add_seconds (now, -CHANGES_KEEP_S);
  g_autofree char *changes_cutoff_text = fc_time_format_iso8601 (changes_cutoff);
  g_autoptr(FcSqlStmt) changes = NULL;

  if (!fc_sql_begin (self->db))
    return G_SOURCE_CONTINUE;
  tokens = fc_sql_prepare (self->db, "DELETE FROM outstanding_tokens WHERE expires_at < ?");
  fc_sql_bind_int64 (tokens, 1, g_date_time_to_unix (now));
  fc_sql_step_done (tokens);
  keys = fc_sql_prepare (self->db, "DELETE FROM idempotency_keys WHERE created_at < ?");
  fc_sql_bind_text (keys, 1, cutoff_text);
  fc_sql_step_done (keys);
  /* The newest row stays: the oldest retained row is how a cursor is known
   * to be too old, and the newest is the cursor of a reset. */
  changes = fc_sql_prepare (self->db, "DELETE FROM changes WHERE changed_at < ?"
                                            " AND seq < (SELECT MAX(seq) FROM changes)");
  fc_sql_bind_text (changes, 1, changes_cutoff_text);
  fc_sql_step_done (changes);
  fc_throttle_prune (self->login_throttle, self->db, g_date_time_to_unix (now));
  fc_sql_end (self->db, TRUE);
  fc_admin_housekeeping (self->db);
  fc_admin_uploads_sweep (self);
  return G_SOURCE_CONTINUE;
}

static void
on_ping_cb (FcServerRequest *request)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  /* Tests only: a handler that holds its process, as a slow one would. */
  fc_server_workers_test_hold (fc_server_request_get_query (request, "hold"));
  if (g_strcmp0 (g_getenv ("FITCORE_SERVER_TESTING"), "1") == 0 &&
      fc_sql_get_backend (fc_server_request_get_db (request)) == FC_SQL_BACKEND_SQLITE) {
    char count[32];

    /* Tests only: how often this process's writes found the database
     * locked by another (fc_sql_count_busy_waits()). */
    g_snprintf (count, sizeof count, "%" G_GUINT64_FORMAT,
                fc_sql_get_busy_waits (fc_server_request_get_db (request)));
    fc_server_request_add_header (request, "X-FitCore-Busy-Waits", count);
  }
  json_object_set_boolean_member (object, "ok", TRUE);
  json_node_take_object (node, object);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* A trivial handler that still goes through authentication: the baseline
 * for the benchmark. */
static const FcRoute server_routes[] = {
  { "GET", "/api/v1/ping/", FC_AUTH_OPTIONAL, on_ping_cb },
};

FcServer *
fc_server_new (FcServerConfig *config,
               FcSql        *db)
{
  FcServer *self;
  const FcRoute *routes;
  gsize n_routes = 0;

  g_return_val_if_fail (config != NULL && db != NULL, NULL);

  self = g_object_new (FC_TYPE_SERVER, NULL);
  self->config = config;
  self->db = db;
  self->login_throttle = fc_throttle_new (config->login_failures_limit,
                                          config->login_failures_window);

  add_module (self, server_routes, G_N_ELEMENTS (server_routes), NULL);
  routes = fc_accounts_routes (&n_routes);
  add_module (self, routes, n_routes, "auth");
  routes = fc_profile_routes (&n_routes);
  add_module (self, routes, n_routes, NULL);
  routes = fc_nutrition_routes (&n_routes);
  add_module (self, routes, n_routes, "nutrition");
  routes = fc_workouts_routes (&n_routes);
  add_module (self, routes, n_routes, "workouts");
  routes = fc_changes_routes (&n_routes);
  add_module (self, routes, n_routes, "changes");
  routes = fc_health_routes (&n_routes);
  add_module (self, routes, n_routes, "health");
  routes = fc_admin_routes (&n_routes);
  add_module (self, routes, n_routes, "admin");
  routes = fc_payments_routes (&n_routes);
  add_module (self, routes, n_routes, "payments");
  routes = fc_notifications_routes (&n_routes);
  add_module (self, routes, n_routes, "notifications");
  routes = fc_notifications_dashboard_routes (&n_routes);
  add_module (self, routes, n_routes, NULL);
  fc_server_set_upload_limit (self, "/api/v1/workouts/videos/", config->max_video_upload_size);
  /* A bulk upload of 10,000 health points is a few MiB of JSON. */
  fc_server_set_body_limit (self, "/api/v1/health/sync/",
                            MAX (config->max_body_size, FC_HEALTH_SYNC_MAX_BODY), TRUE);
  fc_server_set_body_limit (self, FC_PAYMENTS_WEBHOOK_PATH, FC_PAYMENTS_WEBHOOK_MAX_BODY, TRUE);
  fc_server_set_body_limit (self, FC_ADMIN_IMPORT_PATH,
                            MAX (config->max_body_size, FC_ADMIN_IMPORT_MAX_BODY), TRUE);
  g_ptr_array_add (self->sections, NULL);

  self->soup_server = soup_server_new ("server-header", "fitcore-server/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->soup_server, NULL, server_callback, self, NULL);
  fc_notifications_stream_attach (self, self->soup_server);
  on_housekeeping_cb (self);
  self->housekeeping_id = g_timeout_add_seconds (HOUSEKEEPING_INTERVAL_S, on_housekeeping_cb, self);
  g_signal_connect_object (self->soup_server, "request-started",
                           G_CALLBACK (on_request_started_cb), self, 0);
  self->listener = fc_server_listener_new (self->soup_server, config->max_connections,
                                           config->header_timeout, config->idle_timeout);
  return self;
}

FcServerConfig *
fc_server_get_config (FcServer *self)
{
  g_return_val_if_fail (FC_IS_SERVER (self), NULL);

  return self->config;
}

FcSql *
fc_server_get_db (FcServer *self)
{
  g_return_val_if_fail (FC_IS_SERVER (self), NULL);

  return self->db;
}

FcThrottle *
fc_server_get_login_throttle (FcServer *self)
{
  g_return_val_if_fail (FC_IS_SERVER (self), NULL);

  return self->login_throttle;
}

static void
add_limit (FcServer   *self,
           const char *path_prefix,
           gsize       limit,
           gboolean    multipart,
           gboolean    raw)
{
  UploadLimit entry = { path_prefix, limit, multipart, raw };

  g_array_append_val (self->upload_limits, entry);
}

/* The first limit of that kind whose prefix @path has, or NULL. */
static UploadLimit *
find_limit (FcServer   *self,
            const char *path,
            gboolean    multipart)
{
  for (guint i = 0; path != NULL && i < self->upload_limits->len; i++) {
    UploadLimit *entry = &g_array_index (self->upload_limits, UploadLimit, i);

    if (entry->multipart == multipart && g_str_has_prefix (path, entry->path_prefix))
      return entry;
  }
  return NULL;
}

void
fc_server_set_upload_limit (FcServer   *self,
                            const char *path_prefix,
                            gsize       limit)
{
  g_return_if_fail (FC_IS_SERVER (self));

  add_limit (self, path_prefix, limit, TRUE, FALSE);
}

void
fc_server_set_body_limit (FcServer   *self,
                          const char *path_prefix,
                          gsize       limit,
                          gboolean    raw)
{
  g_return_if_fail (FC_IS_SERVER (self));

  add_limit (self, path_prefix, limit, FALSE, raw);
}

gsize
fc_server_get_upload_limit (FcServer   *self,
                            const char *path)
{
  UploadLimit *entry;

  g_return_val_if_fail (FC_IS_SERVER (self), 0);

  entry = find_limit (self, path, TRUE);
  return entry != NULL ? entry->limit : self->config->max_upload_size;
}

gsize
fc_server_get_body_limit (FcServer   *self,
                          const char *path)
{
  UploadLimit *entry;

  g_return_val_if_fail (FC_IS_SERVER (self), 0);

  entry = find_limit (self, path, FALSE);
  return entry != NULL ? entry->limit : self->config->max_body_size;
}

gboolean
fc_server_body_is_raw (FcServer   *self,
                       const char *path)
{
  UploadLimit *entry;

  g_return_val_if_fail (FC_IS_SERVER (self), FALSE);

  entry = find_limit (self, path, FALSE);
  return entry != NULL && entry->raw;
}

const char * const *
fc_server_get_sections (FcServer *self)
{
  g_return_val_if_fail (FC_IS_SERVER (self), NULL);

  return (const char * const *) self->sections->pdata;
}

/* libsoup 3.2 keeps a connection alive only while the server has a
 * listener of its own; connections handed in through
 * soup_server_accept_iostream() would otherwise close after one request.
 * It gets one that never accepts: a socket closed as soon as it is added
 * (its watch fails once and is dropped). Without it the server still
 * works, one request a connection. */
static void
add_placeholder_listener (FcServer       *self,
                          GSocketFamily   family)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) placeholder = g_socket_new (family, G_SOCKET_TYPE_STREAM,
                                                 G_SOCKET_PROTOCOL_TCP, &error);

  if (placeholder == NULL ||
      !g_socket_bind (placeholder, address, FALSE, &error) ||
      !g_socket_listen (placeholder, &error) ||
      !soup_server_listen_socket (self->soup_server, placeholder, 0, &error)) {
    g_warning ("Connections will not be kept alive: %s", error->message);
    return;
  }
  g_socket_close (placeholder, NULL);
}

gboolean
fc_server_listen (FcServer    *self,
                  const char  *address,
                  guint        port,
                  char       **out_url,
                  GError     **error)
{
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (FC_IS_SERVER (self), FALSE);

  socket = fc_server_listener_bind (address, port, out_url, error);
  if (socket == NULL)
    return FALSE;
  fc_server_listen_socket (self, socket, FALSE);
  return TRUE;
}

void
fc_server_listen_socket (FcServer *self,
                         GSocket  *socket,
                         gboolean  shared)
{
  GSocketFamily family;

  g_return_if_fail (FC_IS_SERVER (self));
  g_return_if_fail (G_IS_SOCKET (socket));

  family = g_socket_get_family (socket);
  add_placeholder_listener (self, family == G_SOCKET_FAMILY_IPV6 ? family : G_SOCKET_FAMILY_IPV4);
  self->shared_socket = shared;
  g_snprintf (self->worker_tag, sizeof self->worker_tag, "%d", (int) getpid ());
  fc_server_listener_set_shared (self->listener, shared);
  fc_server_listener_start (self->listener, socket);
}

static gboolean
on_shutdown_timeout_cb (gpointer user_data)
{
  FcServer *self = FC_SERVER (user_data);

  self->shutdown_timeout_id = 0;
  g_warning ("%u requests still running after %d s; stopping anyway", self->in_flight,
             SHUTDOWN_GRACE_S);
  if (self->shutdown_task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->shutdown_task), TRUE);
  return G_SOURCE_REMOVE;
}

void
fc_server_shutdown_async (FcServer            *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_server_shutdown_async);

  if (self->shutdown_task != NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "Already shutting down");
    return;
  }

  /* No new connections; new requests on open connections get a 503;
   * those in flight finish. */
  self->shutting_down = TRUE;
  fc_server_listener_stop (self->listener);
  if (self->in_flight == 0) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  self->shutdown_task = g_steal_pointer (&task);
  self->shutdown_timeout_id = g_timeout_add_seconds (SHUTDOWN_GRACE_S, on_shutdown_timeout_cb, self);
}

gboolean
fc_server_shutdown_finish (FcServer      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

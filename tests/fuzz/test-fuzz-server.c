/* test-fuzz-server.c — the real fitcore-server under mutated requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts `fitcore-server --demo --port 0`, signs in as the demo user and as
 * staff, creates a few objects of each, and for FITCORE_FUZZ_SECONDS
 * (default 60) sends, one input class per test case:
 *   json-anon, json-user, json-staff  mutated JSON bodies to every write
 *       route (and a few reads with mutated queries), with ids of one's own
 *       objects, of other users' and ids that do not parse;
 *   json-tokens  the same with mutated, foreign or refresh tokens and cookies;
 *   json-parallel  six of those at once, from anonymous, user and staff;
 *   multipart  profile images and staff video uploads, the file mutated
 *       and the multipart structure broken;
 *   upload-names  the same with odd file names (traversal, no extension,
 *       invalid UTF-8, quotes, CR LF);
 *   deep-nesting  bodies and token headers nested thousands of levels deep;
 *   http-raw  malformed HTTP on a plain socket: broken request lines, huge
 *       and repeated headers, bad Content-Length, bad chunked encoding,
 *       Range on JSON and media, slow and abandoned partial requests,
 *       pipelining, protocol switches.
 * Every request goes over a plain socket with "Connection: close", so the
 * bytes sent are exactly the reproducer saved on a failure.
 *
 * An answer passes when it arrives within ANSWER_BOUND_S, its status is
 * below 500 or one of: 503 (overload, a busy database or a full password
 * queue: the server asks to retry; and Google sign-in's answer while its
 * provider, configured at a closed port, cannot be reached), and, for raw
 * HTTP only, 501 and 505, libsoup's answers to an unknown transfer coding
 * and an unsupported HTTP version
 * (RFC 9112 §6.1, §2.3); and, when it says it is JSON, its body is UTF-8
 * JSON. A Range answer may not exceed twice the whole resource plus 64 KiB.
 * The server must also survive: if it dies, the crash is a finding, its
 * stderr (the sanitizer's report) is printed, and a fresh server takes over
 * so that the other classes still run. The last case checks that the server
 * answers ping, exits 0 on SIGTERM and wrote no sanitizer report or GLib
 * critical to its stderr.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fc-fuzz.h"
#include "fc-fuzz-http.h"
#include "fc-json.h"

#define DEFAULT_SECONDS 60.0
/* Generous: the sanitizer build on a 2-core machine under a load of 14 took
 * 7.5 s for a video upload; the meal-plan stall of issue 10 §1.7 took 71 s. */
#define ANSWER_BOUND_S 30
#define START_TIMEOUT_S 60
#define MAX_REPORTED 5
#define MAX_PARKED 32
#define MAX_ANSWER_BYTES (16 * 1024 * 1024)
#define DEMO_EMAIL "demo@fitcore.local"
#define DEMO_PASSWORD "fitcore-demo"
#define STAFF_EMAIL "admin@fitcore.local"
#define STAFF_PASSWORD "fitcore-admin"

typedef enum {
  IDS_NONE,
  IDS_FOOD,
  IDS_MEAL,
  IDS_PLAN,
  IDS_WORKOUT,
  IDS_CATEGORY,
  IDS_VIDEO,
  IDS_PROGRESS,
  IDS_HEALTH,
  IDS_USER,     /* accounts, for admin/users/{id}/ */
  IDS_NOTIFICATION,
  N_IDS
} IdKind;

typedef struct {
  const char *method;
  const char *path;   /* "{id}" is replaced */
  IdKind      ids;
  const char *seed;   /* corpus/json file, or NULL for no body */
} Route;

/* From the route tables in src/server and ../shared/API.md: every write route. */
static const Route write_routes[] = {
  { "POST", "/api/v1/auth/registration/", IDS_NONE, "registration.json" },
  { "POST", "/api/v1/auth/registration/verify-email/", IDS_NONE, "verify-email.json" },
  { "POST", "/api/v1/auth/registration/account-confirm-email/", IDS_NONE, "verify-email.json" },
  { "POST", "/api/v1/auth/account-confirm-email/", IDS_NONE, "verify-email.json" },
  { "POST", "/api/v1/auth/registration/resend-email/", IDS_NONE, "resend-email.json" },
  { "POST", "/api/v1/auth/oauth/login/", IDS_NONE, "login.json" },
  { "POST", "/api/v1/auth/oauth/logout/", IDS_NONE, "token-refresh.json" },
  { "PUT", "/api/v1/auth/oauth/user/", IDS_NONE, "user.json" },
  { "PATCH", "/api/v1/auth/oauth/user/", IDS_NONE, "user.json" },
  { "POST", "/api/v1/auth/oauth/token/verify/", IDS_NONE, "token-verify.json" },
  { "POST", "/api/v1/auth/oauth/token/refresh/", IDS_NONE, "token-refresh.json" },
  { "POST", "/api/v1/auth/oauth/password/change/", IDS_NONE, "password-change.json" },
  { "POST", "/api/v1/auth/oauth/password/reset/", IDS_NONE, "password-reset.json" },
  { "POST", "/api/v1/auth/oauth/password/reset/confirm/", IDS_NONE, "password-reset-confirm.json" },
  { "POST", "/api/v1/auth/google/login/", IDS_NONE, "google-login.json" },
  { "PUT", "/api/v1/auth/profile/", IDS_NONE, "profile.json" },
  { "PATCH", "/api/v1/auth/profile/", IDS_NONE, "profile.json" },
  { "POST", "/api/v1/nutrition/foods/", IDS_NONE, "food.json" },
  { "PUT", "/api/v1/nutrition/foods/{id}/", IDS_FOOD, "food.json" },
  { "PATCH", "/api/v1/nutrition/foods/{id}/", IDS_FOOD, "food-patch.json" },
  { "DELETE", "/api/v1/nutrition/foods/{id}/", IDS_FOOD, NULL },
  { "POST", "/api/v1/nutrition/meals/", IDS_NONE, "meal.json" },
  { "PUT", "/api/v1/nutrition/meals/{id}/", IDS_MEAL, "meal.json" },
  { "PATCH", "/api/v1/nutrition/meals/{id}/", IDS_MEAL, "meal.json" },
  { "DELETE", "/api/v1/nutrition/meals/{id}/", IDS_MEAL, NULL },
  { "POST", "/api/v1/nutrition/meal-plans/", IDS_NONE, "meal-plan.json" },
  { "PUT", "/api/v1/nutrition/meal-plans/{id}/", IDS_PLAN, "meal-plan.json" },
  { "PATCH", "/api/v1/nutrition/meal-plans/{id}/", IDS_PLAN, "meal-plan.json" },
  { "DELETE", "/api/v1/nutrition/meal-plans/{id}/", IDS_PLAN, NULL },
  { "POST", "/api/v1/nutrition/meal-plans/{id}/copy/", IDS_PLAN, "meal-plan-copy.json" },
  { "PATCH", "/api/v1/nutrition/meal-plans/{id}/cancel/", IDS_PLAN, "meal-plan-cancel.json" },
  { "POST", "/api/v1/nutrition/generate/", IDS_NONE, "generate.json" },
  { "POST", "/api/v1/workouts/workouts/", IDS_NONE, "workout.json" },
  { "PUT", "/api/v1/workouts/workouts/{id}/", IDS_WORKOUT, "workout.json" },
  { "PATCH", "/api/v1/workouts/workouts/{id}/", IDS_WORKOUT, "workout.json" },
  { "DELETE", "/api/v1/workouts/workouts/{id}/", IDS_WORKOUT, NULL },
  { "POST", "/api/v1/workouts/categories/", IDS_NONE, "category.json" },
  { "PUT", "/api/v1/workouts/categories/{id}/", IDS_CATEGORY, "category.json" },
  { "PATCH", "/api/v1/workouts/categories/{id}/", IDS_CATEGORY, "category.json" },
  { "DELETE", "/api/v1/workouts/categories/{id}/", IDS_CATEGORY, NULL },
  { "POST", "/api/v1/workouts/videos/", IDS_NONE, "video-patch.json" },
  { "PUT", "/api/v1/workouts/videos/{id}/", IDS_VIDEO, "video-patch.json" },
  { "PATCH", "/api/v1/workouts/videos/{id}/", IDS_VIDEO, "video-patch.json" },
  { "POST", "/api/v1/workouts/progress/", IDS_NONE, "progress.json" },
  { "PUT", "/api/v1/workouts/progress/{id}/", IDS_PROGRESS, "progress.json" },
  { "PATCH", "/api/v1/workouts/progress/{id}/", IDS_PROGRESS, "progress.json" },
  { "DELETE", "/api/v1/workouts/progress/{id}/", IDS_PROGRESS, NULL },
  { "POST", "/api/v1/health/data/", IDS_NONE, "health-point.json" },
  { "PUT", "/api/v1/health/data/{id}/", IDS_HEALTH, "health-point.json" },
  { "PATCH", "/api/v1/health/data/{id}/", IDS_HEALTH, "health-point.json" },
  { "DELETE", "/api/v1/health/data/{id}/", IDS_HEALTH, NULL },
  { "POST", "/api/v1/health/sync/", IDS_NONE, "health-sync.json" },
  { "PUT", "/api/v1/health/goals/", IDS_NONE, "health-goals.json" },
  { "PATCH", "/api/v1/health/goals/", IDS_NONE, "health-goals.json" },
  { "POST", "/api/v1/payments/checkout/", IDS_NONE, "payments-checkout.json" },
  { "POST", "/api/v1/payments/subscription/cancel/", IDS_NONE, NULL },
  { "POST", "/api/v1/payments/portal/", IDS_NONE, NULL },
  { "POST", "/api/v1/payments/webhooks/stripe/", IDS_NONE, "stripe-event.json" },
  /* src/server/admin/fc-admin-routes.c: staff only, so json-staff (and
   * the staff slots of json-parallel) reach their handlers. */
  { "PATCH", "/api/v1/admin/users/{id}/", IDS_USER, "admin-user-patch.json" },
  { "POST", "/api/v1/admin/users/{id}/password-reset/", IDS_USER, NULL },
  { "PUT", "/api/v1/admin/workouts/{id}/video-order/", IDS_WORKOUT, "admin-video-order.json" },
  { "POST", "/api/v1/admin/foods/import/", IDS_NONE, "admin-foods-import.csv.json" },
  /* Resumable uploads: upload ids are strings, so a number is an unknown
   * one, which still takes the PATCH through the streaming body path. */
  { "POST", "/api/v1/admin/uploads/", IDS_NONE, "admin-upload-create.json" },
  { "PATCH", "/api/v1/admin/uploads/{id}/", IDS_USER, NULL },
  { "DELETE", "/api/v1/admin/uploads/{id}/", IDS_USER, NULL },
  { "POST", "/api/v1/admin/uploads/{id}/complete/", IDS_USER, "admin-upload-complete.json" },
  { "PUT", "/api/v1/admin/workouts/{id}/thumbnail/", IDS_WORKOUT, NULL },
  { "DELETE", "/api/v1/admin/workouts/{id}/thumbnail/", IDS_WORKOUT, NULL },
  { "POST", "/api/v1/admin/meal-plan-templates/", IDS_NONE, "admin-template-create.json" },
  { "PATCH", "/api/v1/admin/meal-plan-templates/{id}/", IDS_PLAN, "admin-template-patch.json" },
  { "PATCH", "/api/v1/admin/meal-plan-templates/{id}/", IDS_PLAN, "admin-template-create.json" },
  { "DELETE", "/api/v1/admin/meal-plan-templates/{id}/", IDS_PLAN, NULL },
  /* src/server/notifications/: the broadcast is staff only. */
  { "PATCH", "/api/v1/notifications/{id}/", IDS_NOTIFICATION, "notification-patch.json" },
  { "PUT", "/api/v1/notifications/{id}/", IDS_NOTIFICATION, "notification-patch.json" },
  { "DELETE", "/api/v1/notifications/{id}/", IDS_NOTIFICATION, NULL },
  { "POST", "/api/v1/notifications/mark-all-read/", IDS_NONE, NULL },
  { "POST", "/api/v1/notifications/broadcast/", IDS_NONE, "notification-broadcast.json" },
};

/* Reads, with mutated queries: filters and pages are input too. */
static const Route read_routes[] = {
  { "GET", "/api/v1/", IDS_NONE, NULL },
  { "GET", "/api/v1/ping/", IDS_NONE, NULL },
  { "GET", "/api/v1/auth/oauth/user/", IDS_NONE, NULL },
  { "GET", "/api/v1/auth/profile/", IDS_NONE, NULL },
  { "GET", "/api/v1/nutrition/", IDS_NONE, NULL },
  { "GET", "/api/v1/nutrition/foods/", IDS_NONE, NULL },
  { "GET", "/api/v1/nutrition/foods/{id}/", IDS_FOOD, NULL },
  { "GET", "/api/v1/nutrition/meals/", IDS_NONE, NULL },
  { "GET", "/api/v1/nutrition/meals/{id}/", IDS_MEAL, NULL },
  { "GET", "/api/v1/nutrition/meal-plans/", IDS_NONE, NULL },
  { "GET", "/api/v1/nutrition/meal-plans/templates/", IDS_NONE, NULL },
  { "GET", "/api/v1/nutrition/meal-plans/{id}/", IDS_PLAN, NULL },
  { "GET", "/api/v1/workouts/workouts/", IDS_NONE, NULL },
  { "GET", "/api/v1/workouts/workouts/{id}/", IDS_WORKOUT, NULL },
  { "GET", "/api/v1/workouts/categories/", IDS_NONE, NULL },
  { "GET", "/api/v1/workouts/videos/", IDS_NONE, NULL },
  { "GET", "/api/v1/workouts/videos/{id}/", IDS_VIDEO, NULL },
  { "GET", "/api/v1/workouts/videos/{id}/file/", IDS_VIDEO, NULL },
  { "GET", "/api/v1/workouts/progress/", IDS_NONE, NULL },
  { "GET", "/api/v1/auth/registration/account-confirm-email/{id}/", IDS_NONE, NULL },
  { "GET", "/api/v1/auth/password-reset-confirm/{id}/{id}/", IDS_NONE, NULL },
  { "GET", "/api/v1/changes/", IDS_NONE, NULL },
  { "GET", "/api/v1/health/data/", IDS_NONE, NULL },
  { "GET", "/api/v1/health/data/{id}/", IDS_HEALTH, NULL },
  { "GET", "/api/v1/health/metrics/", IDS_NONE, NULL },
  { "GET", "/api/v1/health/goals/", IDS_NONE, NULL },
  { "GET", "/api/v1/health/types/", IDS_NONE, NULL },
  { "GET", "/api/v1/payments/plans/", IDS_NONE, NULL },
  { "GET", "/api/v1/payments/subscription/", IDS_NONE, NULL },
  { "GET", "/api/v1/payments/transactions/", IDS_NONE, NULL },
  { "GET", "/api/v1/admin/users/", IDS_NONE, NULL },
  { "GET", "/api/v1/admin/users/{id}/", IDS_USER, NULL },
  { "GET", "/api/v1/admin/audit/", IDS_NONE, NULL },
  { "GET", "/api/v1/admin/stats/", IDS_NONE, NULL },
  { "GET", "/api/v1/admin/meal-plan-templates/", IDS_NONE, NULL },
  { "GET", "/api/v1/admin/meal-plan-templates/{id}/", IDS_PLAN, NULL },
  { "GET", "/api/v1/admin/uploads/{id}/", IDS_USER, NULL },
  { "GET", "/api/v1/notifications/", IDS_NONE, NULL },
  { "GET", "/api/v1/notifications/{id}/", IDS_NOTIFICATION, NULL },
  { "GET", "/api/v1/notifications/unread-count/", IDS_NONE, NULL },
  /* The stream's route as plain HTTP: no upgrade, so a 4xx. */
  { "GET", "/api/v1/notifications/stream/", IDS_NONE, NULL },
  { "GET", "/api/v1/users/dashboard/", IDS_NONE, NULL },
};

/* Ids that are not ids: beyond gint64, signs, encodings, traversal. */
static const char * const odd_ids[] = {
  "0", "-1", "999999999", "9223372036854775807", "9223372036854775808", "abc", "1e3", "%00",
  "1%2F..", "00001", "%EF%BC%91", "1.0", "%201", "..", "%FF", "1;2", "0x10",
};

static const char * const query_params[] = {
  "page", "page_size", "search", "category", "difficulty", "is_premium", "ordering", "limit",
  "offset", "format", "from", "to", "is_template", "user", "since", "cursor", "data_type",
  "bucket", "tz", "source", "is_staff", "has_premium", "is_active", "joined_from", "joined_to",
  "actor", "object_type", "object_id", "dry_run",
};

typedef enum {
  AUTH_ANON,
  AUTH_USER,
  AUTH_STAFF,
  AUTH_MUTATED,
} AuthKind;

typedef struct {
  GSubprocess *process;
  char        *dir;
  char        *stderr_path;
  guint16      port;
  guint        generation;   /* how many servers this run started */
  char        *user_token;
  char        *user_refresh;
  char        *staff_token;
  gint64       user_id;      /* the demo account's, which admin routes may change */
  GArray      *ids[N_IDS];   /* gint64: own and other users' objects */
  /* Range targets and their full sizes. */
  char        *media_path;
  gsize        media_size;
  char        *page_path;
  gsize        page_size;
} Server;

typedef struct {
  const char *klass;
  const char *path;
  double      share;         /* of the time budget */
} ServerClass;

typedef struct {
  guint64 requests;
  guint64 by_status[6];      /* 1xx..5xx, [0]: no answer */
  guint64 status_501;
  guint64 status_503;
  guint64 findings;
  double  slowest;
  guint64 bytes_sent;
} Stats;

/* A request as it goes out, and what decides whether its answer passes. */
typedef struct {
  GPtrArray  *pieces;        /* GBytes */
  guint       pause_ms;
  gboolean    head;
  guint       timeout_ms;
  gboolean    expect_answer; /* a complete request: no answer is a hang */
  gboolean    raw;           /* 501 and 505 are libsoup's protocol answers */
  gsize       range_limit;   /* a Range request: at most this many bytes back */
  gboolean    park;          /* keep the socket open (half-sent request) */
  char       *label;         /* "POST /api/v1/… as user", for the report */
} Request;

static Server *server;
static GPtrArray *json_corpus;
static GPtrArray *deep_corpus;
static GPtrArray *http_corpus;
static GPtrArray *media_corpus;
static GPtrArray *uploads_corpus;
static GArray *parked;

/* --- the server --- */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
server_alive (void)
{
  return server != NULL && server->process != NULL &&
         g_subprocess_get_identifier (server->process) != NULL;
}

static char *
read_stderr (void)
{
  g_autofree char *text = NULL;

  if (server == NULL || !g_file_get_contents (server->stderr_path, &text, NULL, NULL))
    return g_strdup ("");
  return g_steal_pointer (&text);
}

static void request_free (Request *request);
static FcFuzzAnswer *send_request (Request *request);

static Request *
request_new (const char  *method,
             const char  *path,
             const char  *token,
             const char  *content_type,
             GBytes      *body,
             const char  *extra_headers)
{
  Request *request = g_new0 (Request, 1);
  GString *head = g_string_new (NULL);
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;

  g_string_append_printf (head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n",
                          method, path, server->port);
  if (token != NULL)
    g_string_append_printf (head, "Authorization: Bearer %s\r\n", token);
  if (content_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  if (body != NULL)
    g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n", size);
  if (extra_headers != NULL)
    g_string_append (head, extra_headers);
  g_string_append (head, "\r\n");
  if (data != NULL)
    g_string_append_len (head, data, size);

  request->pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (request->pieces, g_string_free_to_bytes (head));
  request->head = g_str_equal (method, "HEAD");
  request->timeout_ms = ANSWER_BOUND_S * 1000;
  request->expect_answer = TRUE;
  request->label = g_strdup_printf ("%s %s", method, path);
  return request;
}

static void
request_free (Request *request)
{
  g_ptr_array_unref (request->pieces);
  g_free (request->label);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static JsonObject *
call_json (const char *method,
           const char *path,
           const char *token,
           const char *json,
           guint       expected_status)
{
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;
  g_autoptr(Request) request = request_new (method, path, token,
                                            json != NULL ? "application/json" : NULL, body, NULL);
  g_autoptr(FcFuzzAnswer) answer = send_request (request);
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data;

  g_assert_true (answer->complete);
  data = g_bytes_get_data (answer->body, &size);
  if (answer->status != expected_status)
    g_error ("setup: %s %s answered %u: %.*s", method, path, answer->status, (int) size, data);
  if (size == 0)
    return NULL;
  return fc_json_parse_object (data, size, &error);
}

static char *
login (const char *email,
       const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  g_autoptr(JsonObject) object = call_json ("POST", "/api/v1/auth/oauth/login/", NULL, body, 200);

  g_assert_nonnull (object);
  return g_strdup (fc_json_get_string (object, "access"));
}

/* A fuzzed logout or password change may end a session: sign in again, or
 * keep the old token if the login throttle says no. */
static void
ensure_token (char       **token,
              const char  *email,
              const char  *password)
{
  g_autoptr(Request) check = request_new ("GET", "/api/v1/auth/oauth/user/", *token, NULL, NULL, NULL);
  g_autoptr(FcFuzzAnswer) answer = send_request (check);
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(Request) again = NULL;
  g_autoptr(FcFuzzAnswer) fresh = NULL;
  g_autoptr(JsonObject) object = NULL;

  if (answer->status != 401)
    return;
  body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  bytes = g_bytes_new (body, strlen (body));
  again = request_new ("POST", "/api/v1/auth/oauth/login/", NULL, "application/json", bytes, NULL);
  fresh = send_request (again);
  if (fresh->status != 200 || fresh->body == NULL)
    return;
  object = fc_json_parse_object (g_bytes_get_data (fresh->body, NULL), g_bytes_get_size (fresh->body),
                                 NULL);
  if (object != NULL && fc_json_get_string (object, "access") != NULL) {
    g_free (*token);
    *token = g_strdup (fc_json_get_string (object, "access"));
  }
}

/* A fuzzed PATCH admin/users/{id}/ as staff may deactivate the demo
 * account or make it staff: json-user would then test only refusals.
 * Staff put it back (its own answer is not judged: the fuzzer's cases
 * are). */
static void
restore_demo_account (void)
{
  static const char body[] = "{\"is_active\":true,\"is_staff\":false}";
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/",
                                           server->user_id);
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(Request) request = request_new ("PATCH", path, server->staff_token,
                                            "application/json", bytes, NULL);
  g_autoptr(FcFuzzAnswer) answer = send_request (request);
}

static void
add_id (IdKind      kind,
        JsonObject *object)
{
  gint64 id;

  if (object != NULL && fc_json_get_int (object, "id", &id))
    g_array_append_val (server->ids[kind], id);
}

static void
add_list_ids (IdKind      kind,
              const char *path,
              const char *token)
{
  g_autoptr(JsonObject) page = call_json ("GET", path, token, NULL, 200);
  JsonArray *results = fc_json_get_array (page, "results");

  for (guint i = 0; results != NULL && i < json_array_get_length (results) && i < 4; i++) {
    JsonNode *node = json_array_get_element (results, i);

    if (JSON_NODE_HOLDS_OBJECT (node))
      add_id (kind, json_node_get_object (node));
  }
}

/* Objects of both accounts, so that each can be sent the other's ids. */
static void
seed_objects (void)
{
  const char *user = server->user_token;
  const char *staff = server->staff_token;
  JsonObject *object;
  gint64 workout, video_id;

  add_list_ids (IDS_FOOD, "/api/v1/nutrition/foods/?page_size=3", NULL);
  object = call_json ("POST", "/api/v1/nutrition/foods/", staff,
                      "{\"name\":\"Staff secret\",\"calories\":10,\"protein\":1,\"carbohydrates\":1,"
                      "\"fat\":1,\"is_public\":false}", 201);
  add_id (IDS_FOOD, object);
  g_clear_pointer (&object, json_object_unref);
  object = call_json ("POST", "/api/v1/nutrition/foods/", user,
                      "{\"name\":\"User food\",\"calories\":10,\"protein\":1,\"carbohydrates\":1,"
                      "\"fat\":1}", 201);
  add_id (IDS_FOOD, object);
  g_clear_pointer (&object, json_object_unref);

  for (guint i = 0; i < 2; i++) {
    const char *token = i == 0 ? user : staff;

    object = call_json ("POST", "/api/v1/nutrition/meals/", token,
                        "{\"name\":\"Lunch\",\"meal_time_category\":\"LN\",\"meal_items\":"
                        "[{\"food\":1,\"number_of_servings\":2}]}", 201);
    add_id (IDS_MEAL, object);
    g_clear_pointer (&object, json_object_unref);
    object = call_json ("POST", "/api/v1/nutrition/meal-plans/", token,
                        "{\"name\":\"Week\",\"goal\":\"WL\",\"duration_days\":7,"
                        "\"start_date\":\"2026-12-01\",\"target_daily_calories\":1800}", 201);
    add_id (IDS_PLAN, object);
    g_clear_pointer (&object, json_object_unref);
  }
  add_list_ids (IDS_MEAL, "/api/v1/nutrition/meals/?page_size=2", user);
  add_list_ids (IDS_PLAN, "/api/v1/nutrition/meal-plans/templates/?page_size=2", NULL);
  add_list_ids (IDS_WORKOUT, "/api/v1/workouts/workouts/?page_size=4", staff);
  add_list_ids (IDS_CATEGORY, "/api/v1/workouts/categories/", staff);
  add_list_ids (IDS_VIDEO, "/api/v1/workouts/videos/?page_size=4", staff);
  /* The newest accounts for admin/users/{id}/: one of no other use, which
   * a fuzzed PATCH may really deactivate, the demo's and staff's own. */
  object = call_json ("POST", "/api/v1/auth/registration/", NULL,
                      "{\"email\":\"fuzz-target@fitcore.test\",\"password1\":\"Fuzz-Target-77\","
                      "\"password2\":\"Fuzz-Target-77\",\"first_name\":\"Fuzz\",\"last_name\":\"Target\"}",
                      201);
  g_clear_pointer (&object, json_object_unref);
  add_list_ids (IDS_USER, "/api/v1/admin/users/?page_size=4", staff);
  object = call_json ("GET", "/api/v1/auth/oauth/user/", user, NULL, 200);
  g_assert_true (fc_json_get_int (object, "pk", &server->user_id));
  g_clear_pointer (&object, json_object_unref);

  if (server->ids[IDS_WORKOUT]->len > 0) {
    g_autofree char *body = NULL;

    workout = g_array_index (server->ids[IDS_WORKOUT], gint64, 0);
    body = g_strdup_printf ("{\"workout\":%" G_GINT64_FORMAT ",\"progress_percentage\":40}", workout);
    object = call_json ("POST", "/api/v1/workouts/progress/", user, body, 201);
    add_id (IDS_PROGRESS, object);
    g_clear_pointer (&object, json_object_unref);
  }

  /* Health points of the user's and of staff's: each other's are 404s. */
  for (guint i = 0; i < 2; i++) {
    object = call_json ("POST", "/api/v1/health/data/", i == 0 ? user : staff,
                        "{\"data_type\":\"weight\",\"value\":72.5,\"unit\":\"kg\","
                        "\"recorded_at\":\"2026-03-01T07:00:00Z\"}", 201);
    add_id (IDS_HEALTH, object);
    g_clear_pointer (&object, json_object_unref);
  }

  /* A broadcast gives every account a notification: the user's and staff's
   * own are each other's 404s. */
  object = call_json ("POST", "/api/v1/notifications/broadcast/", staff,
                      "{\"title\":\"Fuzz\",\"message\":\"Notifications to fuzz\"}", 201);
  g_clear_pointer (&object, json_object_unref);
  add_list_ids (IDS_NOTIFICATION, "/api/v1/notifications/?page_size=2", user);
  add_list_ids (IDS_NOTIFICATION, "/api/v1/notifications/?page_size=2", staff);

  /* Range targets: a media file (a video's file route), and a JSON page. */
  if (server->ids[IDS_VIDEO]->len > 0) {
    g_autofree char *path = NULL;
    g_autoptr(Request) request = NULL;
    g_autoptr(FcFuzzAnswer) answer = NULL;

    video_id = g_array_index (server->ids[IDS_VIDEO], gint64, 0);
    path = g_strdup_printf ("/api/v1/workouts/videos/%" G_GINT64_FORMAT "/file/", video_id);
    /* --demo renders its videos after it starts listening. */
    for (guint i = 0; i < START_TIMEOUT_S * 4; i++) {
      g_clear_pointer (&request, request_free);
      g_clear_pointer (&answer, fc_fuzz_answer_free);
      request = request_new ("GET", path, staff, NULL, NULL, NULL);
      answer = send_request (request);
      if (answer->status == 200)
        break;
      g_usleep (250 * 1000);
    }
    if (answer->status == 200 && answer->body != NULL) {
      server->media_path = g_steal_pointer (&path);
      server->media_size = g_bytes_get_size (answer->body);
    }
  }
  {
    g_autoptr(Request) request = request_new ("GET", "/api/v1/nutrition/foods/?page_size=100",
                                              NULL, NULL, NULL, NULL);
    g_autoptr(FcFuzzAnswer) answer = send_request (request);

    g_assert_cmpuint (answer->status, ==, 200);
    server->page_path = g_strdup ("/api/v1/nutrition/foods/?page_size=100");
    server->page_size = g_bytes_get_size (answer->body);
  }
  g_test_message ("server %u: ids food %u meal %u plan %u workout %u category %u video %u "
                  "progress %u health %u user %u notification %u; Range targets %s (%" G_GSIZE_FORMAT " bytes), %s (%"
                  G_GSIZE_FORMAT " bytes)", server->generation,
                  server->ids[IDS_FOOD]->len, server->ids[IDS_MEAL]->len,
                  server->ids[IDS_PLAN]->len, server->ids[IDS_WORKOUT]->len,
                  server->ids[IDS_CATEGORY]->len, server->ids[IDS_VIDEO]->len,
                  server->ids[IDS_PROGRESS]->len, server->ids[IDS_HEALTH]->len,
                  server->ids[IDS_USER]->len, server->ids[IDS_NOTIFICATION]->len,
                  server->media_path != NULL ? server->media_path : "(no video file)",
                  server->media_size, server->page_path, server->page_size);
}

static void
server_free (Server *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL && g_subprocess_get_identifier (self->process) != NULL) {
    g_subprocess_force_exit (self->process);
    g_subprocess_wait (self->process, NULL, NULL);
  }
  g_clear_object (&self->process);
  if (self->dir != NULL) {
    const char *argv[] = { "rm", "-rf", self->dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  for (guint i = 0; i < N_IDS; i++)
    g_clear_pointer (&self->ids[i], g_array_unref);
  g_free (self->user_token);
  g_free (self->user_refresh);
  g_free (self->staff_token);
  g_free (self->media_path);
  g_free (self->page_path);
  g_free (self->stderr_path);
  g_free (self->dir);
  g_free (self);
}

static void
server_start (void)
{
  static guint generation;
  const char *binary = g_getenv ("FITCORE_SERVER");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *config = NULL;
  g_autofree char *data_dir = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;

  g_assert_nonnull (binary);
  server = g_new0 (Server, 1);
  server->generation = ++generation;
  for (guint i = 0; i < N_IDS; i++)
    server->ids[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
  server->dir = g_dir_make_tmp ("fitcore-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (server->dir, "config.ini", NULL);
  data_dir = g_build_filename (server->dir, "data", NULL);
  server->stderr_path = g_build_filename (server->dir, "stderr.txt", NULL);
  /* Cheap hashing: the fuzzer signs in, it does not benchmark PBKDF2. */
  /* Google sign-in on, its provider at a port nobody listens on: tokens
   * are parsed and checked up to the key fetch, which fails (503). */
  g_file_set_contents (config, "[server]\npassword_iterations=1000\n"
                       "google_client_id=fuzz.apps.googleusercontent.com\n"
                       "google_issuer=http://127.0.0.1:1\n", -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, server->stderr_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawn (launcher, &error, binary, "--bind", "127.0.0.1",
                                                 "--port", "0", "--data-dir", data_dir,
                                                 "--config", config, "--demo", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  while (server->port == 0) {
    g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL);
    const char *found;

    if (line == NULL || g_get_monotonic_time () > deadline) {
      g_autofree char *text = read_stderr ();

      g_error ("fitcore-server did not start; its stderr:\n%s", text);
    }
    found = strstr (line, "listening on http://127.0.0.1:");
    if (found != NULL)
      server->port = (guint16) g_ascii_strtoull (found + strlen ("listening on http://127.0.0.1:"),
                                                 NULL, 10);
  }

  server->user_token = login (DEMO_EMAIL, DEMO_PASSWORD);
  server->staff_token = login (STAFF_EMAIL, STAFF_PASSWORD);
  g_assert_nonnull (server->user_token);
  g_assert_nonnull (server->staff_token);
  seed_objects ();
}

/* After a crash (reported with its stderr): start another. */
static void
server_restart (void)
{
  g_clear_pointer (&server, server_free);
  server_start ();
}

/* --- sending and judging --- */

static FcFuzzAnswer *
send_request (Request *request)
{
  int fd = -1;
  FcFuzzAnswer *answer = fc_fuzz_http_exchange (server->port, request->pieces, request->pause_ms,
                                                request->head, request->timeout_ms,
                                                request->park ? &fd : NULL);

  if (fd >= 0) {
    if (parked->len >= MAX_PARKED) {
      close (g_array_index (parked, int, 0));
      g_array_remove_index (parked, 0);
    }
    g_array_append_val (parked, fd);
  }
  return answer;
}

static void
close_parked (void)
{
  for (guint i = 0; i < parked->len; i++)
    close (g_array_index (parked, int, i));
  g_array_set_size (parked, 0);
}

static GBytes *
request_bytes (Request *request)
{
  GByteArray *all = g_byte_array_new ();

  for (guint i = 0; i < request->pieces->len; i++) {
    gsize size;
    const guint8 *data = g_bytes_get_data (g_ptr_array_index (request->pieces, i), &size);

    g_byte_array_append (all, data, size);
  }
  return g_byte_array_free_to_bytes (all);
}

/* libsoup drops, without a word, a connection whose request line and headers
 * exceed 64 KiB (measured: 64,000 bytes pass, 65,600 are dropped); that is a
 * refusal, not a fault. */
#define SOUP_HEADER_LIMIT (64 * 1024)

static gboolean
headers_over_limit (Request *request)
{
  g_autoptr(GBytes) bytes = request_bytes (request);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *end = g_strstr_len (data, MIN (size, SOUP_HEADER_LIMIT + 4), "\r\n\r\n");

  return end == NULL ? size >= SOUP_HEADER_LIMIT - 1024 : end - data >= SOUP_HEADER_LIMIT - 1024;
}

/* The problem with an answer, or NULL when it passes. */
static char *
judge (Request      *request,
       FcFuzzAnswer *answer)
{
  if (!answer->connected)
    return g_strdup ("could not connect");
  if (answer->answered) {
    guint status = answer->status;

    if (status >= 500 && status != 503 &&
        !(status == 501 && request->raw) &&
        !(status == 505 && request->raw))
      return g_strdup_printf ("status %u", status);
    if (answer->complete && !fc_fuzz_answer_json_ok (answer->content_type, answer->body))
      return g_strdup_printf ("status %u with a body that is not UTF-8 JSON", status);
    /* No request here may be answered with more than a few pages: the
     * meal-plan schedule once turned 104 KB into 181 MB (issue 10 §1.7). */
    if (answer->received > MAX_ANSWER_BYTES)
      return g_strdup_printf ("an answer of %" G_GSIZE_FORMAT " bytes", answer->received);
    if (request->range_limit > 0 && answer->received > request->range_limit)
      return g_strdup_printf ("Range answer of %" G_GSIZE_FORMAT " bytes for a %" G_GSIZE_FORMAT
                              "-byte resource", answer->received,
                              (request->range_limit - 65536) / 2);
  }
  if (answer->seconds > ANSWER_BOUND_S + 1 && (answer->answered || request->expect_answer))
    return g_strdup_printf ("answer took %.1f s", answer->seconds);
  if (request->expect_answer && !answer->answered && answer->timed_out)
    return g_strdup_printf ("no answer within %u ms", request->timeout_ms);
  /* A server may refuse a body early and close while it still comes (413
   * from the headers); a whole request closed without a word is a fault. */
  if (request->expect_answer && !answer->answered && answer->sent_all &&
      !headers_over_limit (request))
    return g_strdup ("the connection closed without an answer");
  return NULL;
}

static void
count (Stats        *stats,
       Request      *request,
       FcFuzzAnswer *answer)
{
  stats->requests++;
  stats->by_status[answer->answered ? MIN (answer->status / 100, 5) : 0]++;
  stats->status_501 += answer->answered && answer->status == 501;
  stats->status_503 += answer->answered && answer->status == 503;
  if (answer->answered)
    stats->slowest = MAX (stats->slowest, answer->seconds);
  for (guint i = 0; i < request->pieces->len; i++)
    stats->bytes_sent += g_bytes_get_size (g_ptr_array_index (request->pieces, i));
}

/* Records a failure: the input, where it went, what came back, and the
 * server's report if it died. */
static void
report (const char   *klass,
        guint64       index,
        Stats        *stats,
        Request      *request,
        FcFuzzAnswer *answer,
        const char   *problem)
{
  g_autoptr(GBytes) bytes = request_bytes (request);
  gboolean died, hung = TRUE;

  /* A dead server is found out by its process, not by one failed read; one
   * that is alive and does not answer ping is stuck, and is replaced so that
   * the run still ends in its time. */
  for (guint i = 0; i < 3 && server_alive (); i++) {
    g_autoptr(Request) ping = request_new ("GET", "/api/v1/ping/", NULL, NULL, NULL, NULL);
    g_autoptr(FcFuzzAnswer) pong = NULL;

    ping->timeout_ms = 10000;
    pong = send_request (ping);
    if (pong->answered) {
      hung = FALSE;
      break;
    }
    g_usleep (100 * 1000);
  }
  died = !server_alive ();
  if (!died && hung) {
    g_test_message ("FINDING %s case %" G_GUINT64_FORMAT ": the server no longer answers ping; "
                    "killing it", klass, index);
    g_subprocess_send_signal (server->process, SIGABRT);
    g_subprocess_wait (server->process, NULL, NULL);
    died = TRUE;
  }

  stats->findings++;
  if (stats->findings <= MAX_REPORTED || died) {
    g_autofree char *saved = fc_fuzz_save_finding (klass, index, "http", bytes);
    g_autofree char *preview = fc_fuzz_preview (bytes, 400);
    g_autofree char *answer_preview = answer->body != NULL ? fc_fuzz_preview (answer->body, 200)
                                                           : g_strdup ("(none)");

    g_test_message ("FINDING %s case %" G_GUINT64_FORMAT ": %s%s — %s; replay: "
                    "FITCORE_FUZZ_SEED=%" G_GUINT64_FORMAT " FITCORE_FUZZ_CASE=%" G_GUINT64_FORMAT
                    " -p /fuzz/server/%s, or send %s to the server (nc 127.0.0.1 PORT < file)",
                    klass, index, died ? "SERVER DIED, " : "", problem, request->label,
                    fc_fuzz_seed (), index, klass, saved);
    g_test_message ("  request: %s", preview);
    g_test_message ("  answer: status %u, %" G_GSIZE_FORMAT " bytes, %.2f s: %s", answer->status,
                    answer->received, answer->seconds, answer_preview);
  }
  if (died) {
    g_autofree char *text = read_stderr ();
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    guint shown = 0;

    /* The sanitizer's summary and the top of its stack say where. */
    for (guint i = 0; lines[i] != NULL && shown < 40; i++) {
      if (strstr (lines[i], "ERROR:") != NULL || strstr (lines[i], "SUMMARY") != NULL ||
          strstr (lines[i], "runtime error") != NULL || (shown > 0 && shown < 30)) {
        g_test_message ("  server: %s", lines[i]);
        shown++;
      }
    }
  }
}

/* --- JSON classes --- */

static const char *
pick_id_text (GRand  *rand,
              IdKind  kind,
              char    buffer[32])
{
  GArray *ids = kind != IDS_NONE ? server->ids[kind] : NULL;

  if (ids != NULL && ids->len > 0 && g_rand_int_range (rand, 0, 5) > 0) {
    g_snprintf (buffer, 32, "%" G_GINT64_FORMAT,
                g_array_index (ids, gint64, g_rand_int_range (rand, 0, ids->len)));
    return buffer;
  }
  if (g_rand_boolean (rand)) {
    g_snprintf (buffer, 32, "%d", g_rand_int_range (rand, 1, 400));
    return buffer;
  }
  return odd_ids[g_rand_int_range (rand, 0, G_N_ELEMENTS (odd_ids))];
}

static char *
build_path (GRand       *rand,
            const Route *route)
{
  GString *path = g_string_new (NULL);
  char buffer[32];

  for (const char *p = route->path; *p != '\0'; p++) {
    if (g_str_has_prefix (p, "{id}")) {
      g_string_append (path, pick_id_text (rand, route->ids, buffer));
      p += 3;
    } else {
      g_string_append_c (path, *p);
    }
  }

  /* Mutated queries on reads, now and then on writes. */
  if (g_str_equal (route->method, "GET") || g_rand_int_range (rand, 0, 10) == 0) {
    guint n = g_rand_int_range (rand, 0, 4);

    for (guint i = 0; i < n; i++) {
      const char *name = query_params[g_rand_int_range (rand, 0, G_N_ELEMENTS (query_params))];
      const char *value = odd_ids[g_rand_int_range (rand, 0, G_N_ELEMENTS (odd_ids))];

      g_string_append_printf (path, "%c%s=%s", i == 0 ? '?' : '&', name,
                              g_rand_boolean (rand) ? value : "2");
    }
  }
  switch (g_rand_int_range (rand, 0, 30)) {
  case 0: /* no trailing slash */
    if (path->len > 1 && path->str[path->len - 1] == '/')
      g_string_truncate (path, path->len - 1);
    break;
  case 1:
    g_string_prepend (path, "/");
    break;
  case 2:
    g_string_append (path, "../../api/v1/auth/profile/");
    break;
  default:
    break;
  }
  return g_string_free (path, FALSE);
}

static GBytes *
build_body (GRand       *rand,
            const Route *route)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  const FcFuzzSeed *seed = NULL;

  /* The route's seed "meal-plan.json" and its reproducers such as
   * "meal-plan.amplification.json". */
  if (route->seed != NULL) {
    g_autofree char *stem = g_strndup (route->seed, strlen (route->seed) - strlen ("json"));

    for (guint i = 0; i < json_corpus->len; i++) {
      const FcFuzzSeed *candidate = g_ptr_array_index (json_corpus, i);

      if (g_str_has_prefix (candidate->name, stem))
        g_ptr_array_add (candidates, (gpointer) candidate);
    }
  }
  if (candidates->len > 0)
    seed = g_ptr_array_index (candidates, g_rand_int_range (rand, 0, candidates->len));
  if (seed == NULL || g_rand_int_range (rand, 0, 10) == 0)
    seed = fc_fuzz_corpus_pick (json_corpus, rand);

  switch (g_rand_int_range (rand, 0, 10)) {
  case 0: /* as is: the success paths hold state the next mutations meet */
    return g_bytes_ref (seed->data);
  case 1:
  case 2:
  case 3:
    return fc_fuzz_mutate (rand, seed->data, json_corpus);
  case 4: {
    g_autoptr(GBytes) tree = fc_fuzz_mutate_tree (rand, seed->data, 32, json_corpus);

    return fc_fuzz_mutate (rand, tree, NULL);
  }
  case 5:
    if (g_rand_int_range (rand, 0, 4) == 0)
      return g_bytes_new_static ("", 0);
    return g_bytes_new_static ("email=a%40b.c&password=x", 24);
  default:
    return fc_fuzz_mutate_tree (rand, seed->data, 32, json_corpus);
  }
}

static char *
build_token (GRand    *rand,
             AuthKind  auth)
{
  switch (auth) {
  case AUTH_ANON:
    return NULL;
  case AUTH_USER:
    return g_strdup (server->user_token);
  case AUTH_STAFF:
    return g_strdup (server->staff_token);
  case AUTH_MUTATED:
  default: {
    const char *base = g_rand_boolean (rand) ? server->user_token : server->staff_token;
    g_autoptr(GBytes) bytes = g_bytes_new (base, strlen (base));
    g_autoptr(GBytes) mutated = NULL;
    gsize size;
    const char *data;
    GString *token;

    switch (g_rand_int_range (rand, 0, 4)) {
    case 0: { /* the header swapped for alg none or a different claim set */
      static const char * const headers[] = {
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0", "eyJhbGciOiJIUzI1NiJ9", "e30", "W10", "bnVsbA",
        "eyJhbGciOiJIUzI1NiIsImFsZyI6Im5vbmUifQ",
      };
      const char *dot = strchr (base, '.');

      return g_strconcat (headers[g_rand_int_range (rand, 0, G_N_ELEMENTS (headers))], dot, NULL);
    }
    case 1: /* a token with no signature, or no payload */
      return g_strndup (base, strrchr (base, '.') - base + (g_rand_boolean (rand) ? 1 : 0));
    default:
      mutated = fc_fuzz_mutate (rand, bytes, NULL);
      data = g_bytes_get_data (mutated, &size);
      /* Header values cannot hold CR or LF; other bytes go as they are. */
      token = g_string_new (NULL);
      for (gsize i = 0; i < size; i++) {
        if (data[i] != '\r' && data[i] != '\n' && data[i] != '\0')
          g_string_append_c (token, data[i]);
      }
      return g_string_free (token, FALSE);
    }
  }
  }
  g_assert_not_reached ();
}

static const char *
pick_content_type (GRand *rand)
{
  static const char * const types[] = {
    "application/json", "application/json; charset=utf-8", "application/json; charset=latin1",
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/json;;;", "", "APPLICATION/JSON",
  };

  if (g_rand_int_range (rand, 0, 4) > 0)
    return "application/json";
  if (g_rand_int_range (rand, 0, 8) == 0)
    return NULL;
  return types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
}

static char *
extra_headers (GRand *rand)
{
  GString *headers = g_string_new (NULL);

  /* Few keys, so that replays meet other users' and other bodies. */
  if (g_rand_int_range (rand, 0, 4) == 0)
    g_string_append_printf (headers, "Idempotency-Key: fuzz-key-%d\r\n", g_rand_int_range (rand, 0, 4));
  if (g_rand_int_range (rand, 0, 8) == 0)
    g_string_append (headers, "Origin: http://127.0.0.1:5500\r\n");
  if (g_rand_int_range (rand, 0, 8) == 0)
    g_string_append_printf (headers, "Cookie: fitcore-refresh-token=%s\r\n",
                            g_rand_boolean (rand) ? "x.y.z" : server->user_token);
  if (g_rand_int_range (rand, 0, 16) == 0)
    g_string_append (headers, "Accept: text/html\r\n");
  if (g_rand_int_range (rand, 0, 16) == 0)
    g_string_append (headers, "X-Forwarded-For: 10.0.0.1, 127.0.0.1\r\n");
  return g_string_free (headers, FALSE);
}

static Request *
make_json_request (GRand    *rand,
                   AuthKind  auth)
{
  const Route *route;
  const char *method;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *headers = NULL;
  g_autoptr(GBytes) body = NULL;
  Request *request;
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD" };
  static const char * const auth_names[] = { "anonymous", "as the demo user", "as staff",
                                             "with a mutated token" };

  if (g_rand_int_range (rand, 0, 6) == 0)
    route = &read_routes[g_rand_int_range (rand, 0, G_N_ELEMENTS (read_routes))];
  else
    route = &write_routes[g_rand_int_range (rand, 0, G_N_ELEMENTS (write_routes))];
  method = g_rand_int_range (rand, 0, 12) == 0 ? methods[g_rand_int_range (rand, 0, G_N_ELEMENTS (methods))]
                                               : route->method;
  path = build_path (rand, route);
  token = build_token (rand, auth);
  headers = extra_headers (rand);
  if (route->seed != NULL || g_rand_int_range (rand, 0, 4) == 0)
    body = build_body (rand, route);

  request = request_new (method, path, token, body != NULL ? pick_content_type (rand) : NULL,
                         body, headers);
  g_free (request->label);
  request->label = g_strdup_printf ("%s %s %s", method, path, auth_names[auth]);
  return request;
}

/* --- deep nesting --- */

static Request *
make_deep_request (GRand   *rand,
                   guint64  index)
{
  static const char * const paths[] = {
    "/api/v1/auth/oauth/login/", "/api/v1/auth/registration/", "/api/v1/auth/oauth/token/verify/",
    "/api/v1/auth/oauth/token/refresh/", "/api/v1/nutrition/meals/", "/api/v1/nutrition/meal-plans/",
    "/api/v1/auth/profile/", "/api/v1/nutrition/generate/",
  };
  const char *path = paths[g_rand_int_range (rand, 0, G_N_ELEMENTS (paths))];
  g_autoptr(GBytes) nested = NULL;
  const char *token = g_rand_boolean (rand) ? server->user_token : NULL;
  Request *request;

  if (index < deep_corpus->len) {
    const FcFuzzSeed *seed = g_ptr_array_index (deep_corpus, index);

    nested = g_bytes_ref (seed->data);
  } else {
    nested = fc_fuzz_deep_nesting (rand);
  }

  /* Every third case puts the nesting in a token's header or payload, which
   * the server parses before it checks the signature. */
  if (index >= deep_corpus->len && index % 3 == 2) {
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    g_autoptr(GBytes) normal = g_bytes_new_static (header, strlen (header));
    g_autofree char *forged = g_rand_boolean (rand) ? fc_fuzz_jwt_sign ("not-the-key", nested, normal)
                                                    : fc_fuzz_jwt_sign ("not-the-key", normal, nested);
    g_autofree char *body = g_strdup_printf ("{\"token\":\"%s\"}", forged);
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

    if (g_rand_boolean (rand))
      request = request_new ("GET", "/api/v1/auth/profile/", forged, NULL, NULL, NULL);
    else
      request = request_new ("POST", "/api/v1/auth/oauth/token/verify/", NULL, "application/json",
                             bytes, NULL);
    g_free (request->label);
    request->label = g_strdup_printf ("a token nesting %" G_GSIZE_FORMAT " bytes deep",
                                      g_bytes_get_size (nested));
    return request;
  }

  request = request_new ("POST", path, token, "application/json", nested, NULL);
  g_free (request->label);
  request->label = g_strdup_printf ("POST %s, a body nesting %" G_GSIZE_FORMAT " bytes deep", path,
                                    g_bytes_get_size (nested));
  return request;
}

/* --- multipart uploads --- */

/* A stored request, with the tokens it names ("{{STAFF_TOKEN}}",
 * "{{USER_TOKEN}}"), which change with every server. */
static GPtrArray *
stored_request (const FcFuzzSeed *seed)
{
  GString *bytes = g_string_new_len (g_bytes_get_data (seed->data, NULL),
                                     g_bytes_get_size (seed->data));
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_string_replace (bytes, "{{STAFF_TOKEN}}", server->staff_token, 0);
  g_string_replace (bytes, "{{USER_TOKEN}}", server->user_token, 0);
  g_ptr_array_add (pieces, g_string_free_to_bytes (bytes));
  return pieces;
}

static void
append_part (GString    *body,
             const char *boundary,
             const char *name,
             const char *filename,
             const char *type,
             GBytes     *content)
{
  gsize size;
  const char *data = g_bytes_get_data (content, &size);

  g_string_append_printf (body, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", boundary, name);
  if (filename != NULL)
    g_string_append_printf (body, "; filename=\"%s\"", filename);
  g_string_append (body, "\r\n");
  if (type != NULL)
    g_string_append_printf (body, "Content-Type: %s\r\n", type);
  g_string_append (body, "\r\n");
  g_string_append_len (body, data != NULL ? data : "", size);
  g_string_append (body, "\r\n");
}

/* Profile images and staff video uploads: the file mutated (images and
 * videos reach gdk-pixbuf and GStreamer's discoverer), and the multipart
 * structure broken now and then. */
static Request *
make_multipart_request (GRand    *rand,
                        gboolean  odd_names)
{
  static const char * const filenames[] = {
    "a.png", "v.webm", "../../secret_key", "", "\xff\xfe.png", "a\"b.png", "a.png\r\nX: y",
  };
  static const char * const types[] = { "image/png", "video/webm", "text/plain", NULL };
  const char *boundary = "fuzz0boundary";
  gboolean video = g_rand_boolean (rand);
  const FcFuzzSeed *media = fc_fuzz_corpus_pick (media_corpus, rand);
  g_autoptr(GBytes) file = g_rand_int_range (rand, 0, 10) < 7
                           ? fc_fuzz_mutate (rand, media->data, media_corpus)
                           : g_bytes_ref (media->data);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *path = NULL;
  const char *method;
  const char *filename = odd_names
                         ? filenames[g_rand_int_range (rand, 0, G_N_ELEMENTS (filenames))]
                         : (video ? "v.webm" : "a.png");
  const char *type = g_rand_int_range (rand, 0, 4) == 0
                     ? types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))]
                     : (video ? "video/webm" : "image/png");
  char id[32];
  Request *request;

  if (video) {
    GArray *workouts = server->ids[IDS_WORKOUT];
    g_autoptr(GBytes) workout = NULL;

    g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT,
                workouts->len > 0 ? g_array_index (workouts, gint64, 0) : 1);
    workout = g_bytes_new (id, strlen (id));
    if (g_rand_int_range (rand, 0, 4) > 0) {
      method = "POST";
      path = g_strdup ("/api/v1/workouts/videos/");
    } else {
      method = g_rand_boolean (rand) ? "PATCH" : "PUT";
      path = g_strdup_printf ("/api/v1/workouts/videos/%s/", pick_id_text (rand, IDS_VIDEO, id));
    }
    append_part (body, boundary, "workout", NULL, NULL, workout);
    {
      g_autoptr(GBytes) title = g_bytes_new_static ("Fuzzed", 6);

      append_part (body, boundary, "title", NULL, NULL, title);
    }
  } else {
    method = g_rand_boolean (rand) ? "PATCH" : "PUT";
    path = g_strdup ("/api/v1/auth/profile/");
  }
  append_part (body, boundary, video ? "file" : "img", filename, type, file);
  if (g_rand_int_range (rand, 0, 6) == 0)  /* the same field twice */
    append_part (body, boundary, video ? "file" : "img", filename, type, file);

  switch (g_rand_int_range (rand, 0, 8)) {
  case 0: /* no closing boundary */
    break;
  case 1: /* a boundary the header does not name */
    g_string_append (body, "--other--\r\n");
    break;
  default:
    g_string_append_printf (body, "--%s--\r\n", boundary);
    break;
  }
  switch (g_rand_int_range (rand, 0, 10)) {
  case 0:
    content_type = g_strdup ("multipart/form-data");
    break;
  case 1:
    content_type = g_strdup ("multipart/form-data; boundary=");
    break;
  case 2:
    content_type = g_strdup ("multipart/mixed; boundary=fuzz0boundary");
    break;
  default:
    content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
    break;
  }

  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  request = request_new (method, path, video ? server->staff_token : server->user_token,
                         content_type, bytes, NULL);
  g_free (request->label);
  request->label = g_strdup_printf ("%s %s as %s, a %" G_GSIZE_FORMAT "-byte %s from %s", method,
                                    path, video ? "staff" : "the demo user",
                                    g_bytes_get_size (file), video ? "video" : "image", media->name);
  return request;
}

/* upload-names: the stored reproducers first, then uploads with odd names. */
static Request *
make_upload_name_request (GRand   *rand,
                          guint64  index)
{
  Request *request;

  if (index < uploads_corpus->len) {
    const FcFuzzSeed *seed = g_ptr_array_index (uploads_corpus, index);

    request = g_new0 (Request, 1);
    request->pieces = stored_request (seed);
    request->timeout_ms = ANSWER_BOUND_S * 1000;
    request->expect_answer = TRUE;
    request->label = g_strdup (seed->name);
    return request;
  }
  return make_multipart_request (rand, TRUE);
}

/* --- raw HTTP --- */

static GBytes *
text_bytes (GString *text)
{
  return g_string_free_to_bytes (text);
}

static Request *
raw_request (GPtrArray  *pieces,
             const char *label)
{
  Request *request = g_new0 (Request, 1);

  request->pieces = pieces;
  request->raw = TRUE;
  request->timeout_ms = ANSWER_BOUND_S * 1000;
  request->expect_answer = TRUE;
  request->label = g_strdup (label);
  return request;
}

static GPtrArray *
one_piece (GString *text)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (pieces, text_bytes (text));
  return pieces;
}

static const char *
raw_target (GRand *rand)
{
  static const char * const targets[] = {
    "/api/v1/ping/", "/api/v1/auth/oauth/login/", "/api/v1/nutrition/foods/", "/media/",
    "/media/../secret_key", "/api/v1/nutrition/foods/?search=%ZZ", "*", "http://127.0.0.1/api/v1/",
    "/api/v1/%00/", "//", "/api/v1/auth/profile/", "/api/v1/workouts/videos/1/file/",
  };

  return targets[g_rand_int_range (rand, 0, G_N_ELEMENTS (targets))];
}

static GString *
valid_head (GRand      *rand,
            const char *method,
            const char *target)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n", method, target,
                          server->port);
  if (g_rand_boolean (rand))
    g_string_append_printf (text, "Authorization: Bearer %s\r\n", server->user_token);
  return text;
}

static Request *
make_raw_request (GRand   *rand,
                  guint64  index)
{
  static const char * const methods[] = {
    "GET", "POST", "get", "FOO", "CONNECT", "TRACE", "PRI", "G\x01T", "", "GET GET",
  };
  static const char * const versions[] = {
    "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/1.1 extra", "http/1.1", "HTTP/1.01",
    "HTTP/9.9", "", "HTTP/1.1\r",
  };
  static const char login[] = "{\"email\":\"demo@fitcore.local\",\"password\":\"x\"}";
  GString *text;
  GPtrArray *pieces;
  Request *request;

  if (index < http_corpus->len) {
    const FcFuzzSeed *seed = g_ptr_array_index (http_corpus, index);

    pieces = stored_request (seed);
    request = raw_request (pieces, seed->name);
    request->expect_answer = FALSE;
    request->timeout_ms = 1000;
    /* A stored Range request is judged like a generated one. */
    if (g_strstr_len (g_bytes_get_data (seed->data, NULL), g_bytes_get_size (seed->data),
                      "\r\nRange:") != NULL) {
      request->range_limit = 2 * MAX (server->page_size, server->media_size) + 65536;
      request->timeout_ms = ANSWER_BOUND_S * 1000;
    }
    return request;
  }

  switch (g_rand_int_range (rand, 0, 14)) {
  case 0: { /* a valid request, mutated byte by byte */
    g_autoptr(GBytes) valid = NULL;
    g_autoptr(GBytes) mutated = NULL;

    text = valid_head (rand, "POST", raw_target (rand));
    g_string_append_printf (text, "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                            "Connection: close\r\n\r\n%s", strlen (login), login);
    valid = text_bytes (text);
    mutated = fc_fuzz_mutate (rand, valid, http_corpus);
    pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_ptr_array_add (pieces, g_steal_pointer (&mutated));
    request = raw_request (pieces, "a mutated request");
    /* It may now be incomplete: the server may rightly wait for the rest. */
    request->expect_answer = FALSE;
    request->timeout_ms = 300;
    return request;
  }
  case 1: /* a broken request line */
    text = g_string_new (NULL);
    g_string_append_printf (text, "%s %s %s\r\nHost: x\r\nConnection: close\r\n\r\n",
                            methods[g_rand_int_range (rand, 0, G_N_ELEMENTS (methods))],
                            raw_target (rand),
                            versions[g_rand_int_range (rand, 0, G_N_ELEMENTS (versions))]);
    request = raw_request (one_piece (text), "a broken request line");
    request->expect_answer = FALSE;
    request->timeout_ms = 500;
    return request;
  case 2: { /* a huge URL or header */
    gsize size = g_rand_boolean (rand) ? g_rand_int_range (rand, 8000, 70000)
                                       : g_rand_int_range (rand, 200000, 2000000);

    text = valid_head (rand, "GET", "/api/v1/ping/");
    if (g_rand_boolean (rand)) {
      g_string_append (text, "X-Big: ");
      for (gsize i = 0; i < size; i++)
        g_string_append_c (text, 'a');
    } else {
      g_string_append (text, "Cookie: ");
      for (gsize i = 0; i < size / 8; i++)
        g_string_append (text, "c=xxxx; ");
    }
    g_string_append (text, "\r\nConnection: close\r\n\r\n");
    request = raw_request (one_piece (text), "a huge header");
    return request;
  }
  case 3: { /* many, or repeated, headers */
    guint n = g_rand_boolean (rand) ? g_rand_int_range (rand, 100, 1000) : g_rand_int_range (rand, 5000, 30000);
    const char *name = g_rand_boolean (rand) ? "X-Many" : "Authorization";

    text = valid_head (rand, "GET", "/api/v1/nutrition/foods/");
    for (guint i = 0; i < n; i++)
      g_string_append_printf (text, "%s: Bearer %u\r\n", name, i);
    g_string_append (text, "Connection: close\r\n\r\n");
    request = raw_request (one_piece (text), "many headers");
    return request;
  }
  case 4: { /* Content-Length: conflicting, negative, huge, not a number */
    static const char * const lengths[] = {
      "-1", "18446744073709551616", "99999999999", "abc", "4, 5", "0x10", " 47", "47 ", "+47", "",
      "1048577", "4294967297",
    };
    const char *value = lengths[g_rand_int_range (rand, 0, G_N_ELEMENTS (lengths))];

    text = valid_head (rand, "POST", "/api/v1/auth/oauth/login/");
    g_string_append_printf (text, "Content-Type: application/json\r\nContent-Length: %s\r\n", value);
    if (g_rand_boolean (rand))
      g_string_append_printf (text, "Content-Length: %zu\r\n", strlen (login));
    if (g_rand_int_range (rand, 0, 3) == 0)
      g_string_append (text, "Transfer-Encoding: chunked\r\n");
    g_string_append_printf (text, "Connection: close\r\n\r\n%s", login);
    request = raw_request (one_piece (text), "a bad Content-Length");
    request->expect_answer = FALSE;
    request->timeout_ms = 500;
    return request;
  }
  case 5: { /* chunked bodies, valid and not */
    static const char * const bodies[] = {
      "2d\r\n{\"email\":\"demo@fitcore.local\",\"password\":\"x\"}\r\n0\r\n\r\n",
      "2d;ext=1\r\n{\"email\":\"demo@fitcore.local\",\"password\":\"x\"}\r\n0\r\nX-Trailer: 1\r\n\r\n",
      "ffffffffffffffff\r\n{}\r\n0\r\n\r\n", "-5\r\n{}\r\n0\r\n\r\n", "zz\r\n{}\r\n0\r\n\r\n",
      "2\r\n{}0\r\n\r\n", "2\r\n{}\r\n", "1\r\n{\r\n1\r\n}\r\n0\r\n\r\n", "\r\n\r\n",
      "100000000\r\n", "2\n{}\n0\n\n",
    };
    guint which = g_rand_int_range (rand, 0, G_N_ELEMENTS (bodies));

    text = valid_head (rand, "POST", g_rand_boolean (rand) ? "/api/v1/auth/oauth/login/"
                                                            : "/api/v1/nutrition/meals/");
    g_string_append_printf (text, "Content-Type: application/json\r\nTransfer-Encoding: %s\r\n"
                            "Connection: close\r\n\r\n%s",
                            g_rand_int_range (rand, 0, 5) == 0 ? "gzip, chunked" : "chunked",
                            bodies[which]);
    request = raw_request (one_piece (text), "a chunked body");
    request->expect_answer = which <= 1;
    request->timeout_ms = which <= 1 ? ANSWER_BOUND_S * 1000 : 500;
    return request;
  }
  case 6:
  case 7: { /* Range on a JSON page and on a media file */
    gboolean media = server->media_path != NULL && g_rand_boolean (rand);
    gsize full = media ? server->media_size : server->page_size;
    guint n = g_rand_boolean (rand) ? g_rand_int_range (rand, 1, 10) : g_rand_int_range (rand, 100, 2000);

    text = valid_head (rand, "GET", media ? server->media_path : server->page_path);
    g_string_append (text, "Range: bytes=");
    for (guint i = 0; i < n; i++) {
      switch (g_rand_int_range (rand, 0, 6)) {
      case 0:
        g_string_append (text, "0-");
        break;
      case 1:
        g_string_append_printf (text, "-%d", g_rand_int_range (rand, 0, 100000));
        break;
      case 2:
        g_string_append (text, "999999999999999999999-");
        break;
      case 3:
        g_string_append (text, "5-1");
        break;
      default: {
        guint first = g_rand_int_range (rand, 0, MAX (full, 2));

        g_string_append_printf (text, "%u-%u", first, first + g_rand_int_range (rand, 0, 50000));
        break;
      }
      }
      if (i + 1 < n)
        g_string_append_c (text, ',');
    }
    g_string_append (text, "\r\nConnection: close\r\n\r\n");
    request = raw_request (one_piece (text), media ? "Range on a video file" : "Range on a JSON page");
    request->range_limit = 2 * full + 65536;
    return request;
  }
  case 8: { /* a valid request sent slowly, in pieces */
    g_autoptr(GBytes) whole = NULL;
    gsize size, at = 0;
    const char *data;
    guint n = g_rand_int_range (rand, 2, 6);

    text = valid_head (rand, "POST", "/api/v1/auth/oauth/login/");
    g_string_append_printf (text, "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                            "Connection: close\r\n\r\n%s", strlen (login), login);
    whole = text_bytes (text);
    data = g_bytes_get_data (whole, &size);
    pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    for (guint i = 0; i < n; i++) {
      gsize left = size - at > n - i ? size - at - (n - i) : 2;
      gsize end = i + 1 == n ? size : at + g_rand_int_range (rand, 1, MAX (left, 2));

      end = MIN (end, size);
      g_ptr_array_add (pieces, g_bytes_new (data + at, end - at));
      at = end;
    }
    request = raw_request (pieces, "a request in slow pieces");
    request->pause_ms = g_rand_int_range (rand, 20, 300);
    return request;
  }
  case 9: { /* a request abandoned halfway, sometimes left open */
    text = valid_head (rand, "POST", "/api/v1/auth/oauth/login/");
    g_string_append_printf (text, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                            strlen (login));
    if (g_rand_boolean (rand))
      g_string_append_printf (text, "\r\n%.*s", g_rand_int_range (rand, 0, (int) strlen (login)), login);
    request = raw_request (one_piece (text), "a half-sent request");
    request->expect_answer = FALSE;
    request->timeout_ms = g_rand_int_range (rand, 50, 300);
    request->park = g_rand_boolean (rand);
    return request;
  }
  case 10: { /* pipelined requests */
    guint n = g_rand_int_range (rand, 2, 20);

    text = g_string_new (NULL);
    for (guint i = 0; i < n; i++)
      g_string_append_printf (text, "GET /api/v1/ping/ HTTP/1.1\r\nHost: x\r\n%s\r\n",
                              i + 1 == n ? "Connection: close\r\n" : "");
    request = raw_request (one_piece (text), "pipelined requests");
    return request;
  }
  case 11: /* Expect: 100-continue, and the body never comes */
    text = valid_head (rand, "POST", "/api/v1/nutrition/foods/");
    g_string_append (text, "Content-Type: application/json\r\nContent-Length: 100\r\n"
                     "Expect: 100-continue\r\n\r\n");
    request = raw_request (one_piece (text), "Expect: 100-continue without a body");
    request->expect_answer = FALSE;
    request->timeout_ms = 500;
    return request;
  case 12: { /* another protocol on the port */
    static const char * const preludes[] = {
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
      "GET /api/v1/ping/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      "GET /api/v1/ping/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
      "\r\n\r\n\r\n\r\n", "\x00\x00\x00\x00",
    };

    text = g_string_new (preludes[g_rand_int_range (rand, 0, G_N_ELEMENTS (preludes))]);
    request = raw_request (one_piece (text), "another protocol");
    request->expect_answer = FALSE;
    request->timeout_ms = 500;
    return request;
  }
  default: { /* a body over the limit, declared in the headers */
    gsize declared = g_rand_boolean (rand) ? 5 * 1024 * 1024 : 300 * 1024 * 1024;

    text = valid_head (rand, "POST", "/api/v1/nutrition/foods/");
    g_string_append_printf (text, "Content-Type: application/json\r\nContent-Length: %"
                            G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n[", declared);
    for (guint i = 0; i < 65536; i++)
      g_string_append_c (text, ' ');
    request = raw_request (one_piece (text), "a body over max_body_size");
    request->expect_answer = FALSE;
    request->timeout_ms = 500;
    return request;
  }
  }
}

/* --- the classes --- */

static const ServerClass server_classes[] = {
  { "json-anon", "/fuzz/server/json-anon", 0.12 },
  { "json-user", "/fuzz/server/json-user", 0.24 },
  { "json-staff", "/fuzz/server/json-staff", 0.12 },
  { "json-tokens", "/fuzz/server/json-tokens", 0.08 },
  { "deep-nesting", "/fuzz/server/deep-nesting", 0.06 },
  { "json-parallel", "/fuzz/server/json-parallel", 0.10 },
  { "multipart", "/fuzz/server/multipart", 0.08 },
  { "upload-names", "/fuzz/server/upload-names", 0.04 },
  { "http-raw", "/fuzz/server/http-raw", 0.16 },
};

static Request *
make_request (const ServerClass *sc,
              GRand             *rand,
              guint64            index)
{
  if (g_str_equal (sc->klass, "json-anon"))
    return make_json_request (rand, AUTH_ANON);
  if (g_str_equal (sc->klass, "json-user"))
    return make_json_request (rand, AUTH_USER);
  if (g_str_equal (sc->klass, "json-staff"))
    return make_json_request (rand, AUTH_STAFF);
  if (g_str_equal (sc->klass, "json-tokens"))
    return make_json_request (rand, AUTH_MUTATED);
  if (g_str_equal (sc->klass, "deep-nesting"))
    return make_deep_request (rand, index);
  if (g_str_equal (sc->klass, "multipart"))
    return make_multipart_request (rand, FALSE);
  if (g_str_equal (sc->klass, "upload-names"))
    return make_upload_name_request (rand, index);
  return make_raw_request (rand, index);
}

/* A case of json-parallel is PARALLEL requests at once, each from its own
 * (case, slot) randomness, as anonymous, user or staff: races between
 * logins, the password queue, idempotent replays and writes to one object. */
#define PARALLEL 6

static GPtrArray *
make_batch (const ServerClass *sc,
            guint64            index)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);

  if (!g_str_equal (sc->klass, "json-parallel")) {
    g_autoptr(GRand) rand = fc_fuzz_rand_for_case (sc->klass, index);

    g_ptr_array_add (batch, make_request (sc, rand, index));
    return batch;
  }
  for (guint slot = 0; slot < PARALLEL; slot++) {
    g_autoptr(GRand) rand = fc_fuzz_rand_for_case (sc->klass, index * PARALLEL + slot);

    g_ptr_array_add (batch, make_json_request (rand, g_rand_int_range (rand, AUTH_ANON, AUTH_MUTATED)));
  }
  return batch;
}

static gpointer
send_in_thread (gpointer data)
{
  return send_request (data);
}

static GPtrArray *
send_batch (GPtrArray *batch)
{
  GPtrArray *answers = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_fuzz_answer_free);
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  if (batch->len == 1) {
    g_ptr_array_add (answers, send_request (g_ptr_array_index (batch, 0)));
    return answers;
  }
  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (threads, g_thread_new ("fuzz-client", send_in_thread, g_ptr_array_index (batch, i)));
  for (guint i = 0; i < threads->len; i++)
    g_ptr_array_add (answers, g_thread_join (g_ptr_array_index (threads, i)));
  return answers;
}

static void
test_server_class (gconstpointer data)
{
  const ServerClass *sc = data;
  double seconds = fc_fuzz_seconds (DEFAULT_SECONDS) * sc->share;
  gint64 only = fc_fuzz_only_case ();
  gint64 start;
  Stats stats = { 0 };
  double elapsed;
  const char *known;
  guint64 index;

  if (!server_alive ())
    server_restart ();
  start = g_get_monotonic_time ();

  for (index = only >= 0 ? (guint64) only : 0; ; index++) {
    g_autoptr(GPtrArray) batch = NULL;
    g_autoptr(GPtrArray) answers = NULL;

    if (only < 0 && fc_fuzz_budget_spent (sc->klass, index, start, seconds))
      break;
    if (only >= 0 && (guint64) only != index)
      break;
    /* A server that died (reported) is replaced before the next case. */
    if (!server_alive ())
      server_restart ();
    batch = make_batch (sc, index);
    answers = send_batch (batch);
    for (guint i = 0; i < batch->len; i++) {
      Request *request = g_ptr_array_index (batch, i);
      FcFuzzAnswer *answer = g_ptr_array_index (answers, i);
      g_autofree char *problem = judge (request, answer);

      count (&stats, request, answer);
      if (problem == NULL && !server_alive ())
        problem = g_strdup ("the server exited");
      if (problem != NULL) {
        report (sc->klass, index, &stats, request, answer, problem);
        break;
      }
    }

    /* Held-open connections must not stop the server answering others. */
    if (index % 50 == 49) {
      ensure_token (&server->staff_token, STAFF_EMAIL, STAFF_PASSWORD);
      restore_demo_account ();
      ensure_token (&server->user_token, DEMO_EMAIL, DEMO_PASSWORD);

      g_autoptr(Request) ping = request_new ("GET", "/api/v1/ping/", NULL, NULL, NULL, NULL);
      g_autoptr(FcFuzzAnswer) pong = send_request (ping);
      g_autofree char *ping_problem = judge (ping, pong);

      count (&stats, ping, pong);
      if (ping_problem == NULL && pong->status != 200)
        ping_problem = g_strdup_printf ("ping answered %u", pong->status);
      if (ping_problem != NULL) {
        g_autofree char *with_parked = g_strdup_printf ("%s, with %u connections held open",
                                                        ping_problem, parked->len);

        report (sc->klass, index, &stats, ping, pong, with_parked);
      }
    }
  }
  close_parked ();
  elapsed = (g_get_monotonic_time () - start) / 1e6;

  g_test_message ("%s: %" G_GUINT64_FORMAT " requests in %.1f s (%.1f/s), %" G_GUINT64_FORMAT
                  " bytes sent; answers 1xx %" G_GUINT64_FORMAT ", 2xx %" G_GUINT64_FORMAT
                  ", 3xx %" G_GUINT64_FORMAT ", 4xx %" G_GUINT64_FORMAT ", 5xx %" G_GUINT64_FORMAT
                  " (501: %" G_GUINT64_FORMAT ", 503: %" G_GUINT64_FORMAT "), none %"
                  G_GUINT64_FORMAT "; slowest %.2f s; %" G_GUINT64_FORMAT " findings",
                  sc->klass, stats.requests, elapsed, stats.requests / MAX (elapsed, 0.001),
                  stats.bytes_sent, stats.by_status[1], stats.by_status[2], stats.by_status[3],
                  stats.by_status[4], stats.by_status[5], stats.status_501, stats.status_503,
                  stats.by_status[0], stats.slowest,
                  stats.findings);

  if (stats.findings == 0)
    return;
  known = fc_fuzz_known_issue (sc->klass);
  if (known != NULL) {
    g_test_incomplete (known);
    return;
  }
  g_test_fail ();
}

/* The server still answers after all that, stops cleanly on SIGTERM, and
 * wrote no sanitizer report or GLib critical. */
static void
test_server_shutdown (void)
{
  g_autoptr(Request) ping = NULL;
  g_autoptr(FcFuzzAnswer) pong = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  static const char * const bad[] = {
    "AddressSanitizer", "UndefinedBehaviorSanitizer", "LeakSanitizer", "runtime error:",
    "-CRITICAL **", "-ERROR **",
  };

  if (!server_alive ())
    server_restart ();
  ping = request_new ("GET", "/api/v1/ping/", NULL, NULL, NULL, NULL);
  pong = send_request (ping);

  g_assert_true (pong->complete);
  g_assert_cmpuint (pong->status, ==, 200);
  g_assert_true (fc_fuzz_answer_json_ok (pong->content_type, pong->body));

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  text = read_stderr ();
  if (!g_subprocess_get_if_exited (server->process) ||
      g_subprocess_get_exit_status (server->process) != 0) {
    const char *report = strstr (text, "==ERROR:");
    g_auto(GStrv) lines = g_strsplit (report != NULL ? report : text, "\n", 60);

    g_test_message ("on SIGTERM the server %s %d; its stderr%s:",
                    g_subprocess_get_if_exited (server->process) ? "exited with" : "died of signal",
                    g_subprocess_get_if_exited (server->process)
                    ? g_subprocess_get_exit_status (server->process)
                    : g_subprocess_get_term_sig (server->process),
                    report != NULL ? " from its report" : "");
    /* The first frames of each leak or crash say whose it is. */
    for (guint i = 0; lines[i] != NULL && i < 59; i++)
      g_test_message ("  server: %s", lines[i]);
    g_test_fail ();
  }
  /* A server that died was reported, with its stderr, by the class that
   * killed it; this is the one that lived to the end. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    const char *found = strstr (text, bad[i]);

    if (found != NULL) {
      g_test_message ("a server's stderr holds \"%s\": %.500s", bad[i], found);
      g_test_fail ();
    }
  }
  g_test_message ("%u server(s) started; the last answered ping and exited 0 on SIGTERM",
                  server->generation);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* No G_TEST_OPTION_ISOLATE_DIRS: nothing here reads the user's
   * directories, and the server, started before the first case, runs in
   * temporary directories of its own. */
  g_test_init (&argc, &argv, NULL);

  g_test_message ("FITCORE_FUZZ_SEED=%" G_GUINT64_FORMAT " FITCORE_FUZZ_SECONDS=%.0f",
                  fc_fuzz_seed (), fc_fuzz_seconds (DEFAULT_SECONDS));
  json_corpus = fc_fuzz_corpus_load ("json");
  deep_corpus = fc_fuzz_corpus_load ("deep-nesting");
  http_corpus = fc_fuzz_corpus_load ("http");
  media_corpus = fc_fuzz_corpus_load ("media");
  uploads_corpus = fc_fuzz_corpus_load ("uploads");
  parked = g_array_new (FALSE, FALSE, sizeof (int));
  server_start ();

  for (guint i = 0; i < G_N_ELEMENTS (server_classes); i++)
    g_test_add_data_func (server_classes[i].path, &server_classes[i], test_server_class);
  g_test_add_func ("/fuzz/server/shutdown", test_server_shutdown);

  status = g_test_run ();
  g_clear_pointer (&server, server_free);
  return status;
}

/* test-server-instances.c — several fitcore-server instances on one
 * PostgreSQL database (issue 16)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real parts only: three real fitcore-server processes share a real
 * PostgreSQL database (tests/lib/fc-test-pg.h: the run's cluster, or one
 * of this test's own) and one secret key, so a token from one works on the
 * others. Clients are threads with their own HTTP sessions.
 */

#include "config.h"

#include <libpq-fe.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fc-test-pg.h"
#include "fc-test-server.h"

#define N_INSTANCES 3
#define N_CLIENTS 20
#define N_WRITES 10
#define MEALS "/api/v1/nutrition/meals/"
#define LOGIN "/api/v1/auth/oauth/login/"
#define PASSWORD "Sup3r-Secret-42"
#define CONFIG "[server]\npassword_iterations=1000\n" \
               "secret_key=instances-test-secret-0123456789abcdef\n%s"

typedef struct {
  GMutex        lock;
  FcTestServer *servers[N_INSTANCES];
  char         *urls[N_INSTANCES];    /* base URLs, changed by a restart */
  char         *database;
  char         *data_dir;             /* shared: media, uploads */
  char         *config;
  char         *token;
  gint          acknowledged;         /* atomic */
} Cluster;

static FcTestServer *
start_instance (Cluster  *cluster,
                gboolean  demo)
{
  const char * const args[] = { "--database", cluster->database, demo ? "--demo" : NULL, NULL };

  return fc_test_server_start_in (cluster->data_dir, cluster->config, args);
}

static void
cluster_init (Cluster    *cluster,
              FcTestPg   *pg,
              const char *extra_config)
{
  g_autoptr(GError) error = NULL;

  memset (cluster, 0, sizeof *cluster);
  g_mutex_init (&cluster->lock);
  cluster->database = g_strdup (fc_test_pg_get_uri (pg));
  /* One data dir for all, as the README's deployment shares one directory */
  cluster->data_dir = g_dir_make_tmp ("fitcore-instances-XXXXXX", &error);
  g_assert_no_error (error);
  cluster->config = g_strdup_printf (CONFIG, extra_config);
  /* The first one migrates and seeds; the others find it done */
  for (guint i = 0; i < N_INSTANCES; i++) {
    cluster->servers[i] = start_instance (cluster, i == 0);
    cluster->urls[i] = g_strdup (cluster->servers[i]->base_url);
  }
}

static void
cluster_clear (Cluster *cluster)
{
  for (guint i = 0; i < N_INSTANCES; i++) {
    /* the last one takes the shared data dir with it */
    cluster->servers[i]->owns_data_dir = i + 1 == N_INSTANCES;
    g_clear_pointer (&cluster->servers[i], fc_test_server_free);
    g_free (cluster->urls[i]);
  }
  g_free (cluster->data_dir);
  g_free (cluster->database);
  g_free (cluster->config);
  g_free (cluster->token);
  g_mutex_clear (&cluster->lock);
}

static char *
cluster_url (Cluster    *cluster,
             guint       instance,
             const char *path)
{
  char *url;

  g_mutex_lock (&cluster->lock);
  url = g_strconcat (cluster->urls[instance % N_INSTANCES], path, NULL);
  g_mutex_unlock (&cluster->lock);
  return url;
}

/* SIGKILL, then a new process on the same database (on a new port) */
static void
cluster_kill_and_restart (Cluster *cluster,
                          guint    instance)
{
  FcTestServer *fresh;

  fc_test_server_kill (cluster->servers[instance]);
  g_clear_pointer (&cluster->servers[instance], fc_test_server_free);
  fresh = start_instance (cluster, FALSE);
  g_mutex_lock (&cluster->lock);
  cluster->servers[instance] = fresh;
  g_free (cluster->urls[instance]);
  cluster->urls[instance] = g_strdup (fresh->base_url);
  g_mutex_unlock (&cluster->lock);
}

typedef struct {
  guint   status;        /* 0: no answer (the connection failed) */
  char   *body;
  gboolean replayed;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_free);
}

static void
http_send (SoupSession *session,
           const char  *method,
           const char  *url,
           const char  *token,
           const char  *key,
           const char  *json,
           Answer      *answer)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  memset (answer, 0, sizeof *answer);
  if (token != NULL) {
    g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

    soup_message_headers_replace (headers, "Authorization", bearer);
  }
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (json != NULL) {
    g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

    soup_message_set_request_body_from_bytes (message, "application/json", body);
  }
  bytes = soup_session_send_and_read (session, message, NULL, &error);
  if (bytes == NULL)
    return;
  answer->status = soup_message_get_status (message);
  answer->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  answer->replayed = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                               "Idempotent-Replayed"), "true") == 0;
}

/* ---- Interleaved idempotent writes while instances are killed ---- */

typedef struct {
  Cluster *cluster;
  guint    index;
  char    *first_body[N_WRITES];   /* the acknowledged answers */
  guint    attempts;
} Client;

static char *
meal_json (guint client,
           guint write)
{
  return g_strdup_printf ("{\"name\":\"c%02u-w%02u\",\"meal_time_category\":\"BF\","
                          "\"meal_items\":[{\"food\":1,\"number_of_servings\":1},"
                          "{\"food\":2,\"number_of_servings\":0.5}]}", client, write);
}

/* One write until it is acknowledged: round-robin from @first; a failure
 * (a killed instance, a key still being answered) is retried with the
 * same key on the next instance. Returns the answer's body. */
static char *
write_until_acknowledged (Cluster     *cluster,
                          SoupSession *session,
                          const char  *key,
                          const char  *json,
                          guint        first,
                          guint       *attempts)
{
  for (guint attempt = 0;; attempt++) {
    g_autofree char *url = cluster_url (cluster, first + attempt, MEALS);
    Answer answer;

    g_assert_cmpuint (attempt, <, 600);
    (*attempts)++;
    http_send (session, "POST", url, cluster->token, key, json, &answer);
    if (answer.status == 201)
      return g_steal_pointer (&answer.body);
    g_assert_true (answer.status == 0 || answer.status == 409 || answer.status >= 500);
    answer_clear (&answer);
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  }
}

typedef struct {
  Cluster    *cluster;
  const char *key;
  const char *json;
  guint       first;
  guint       attempts;
  char       *body;
} Twin;

static gpointer
twin_thread (gpointer data)
{
  Twin *twin = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);

  twin->body = write_until_acknowledged (twin->cluster, session, twin->key, twin->json,
                                         twin->first, &twin->attempts);
  return NULL;
}

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);

  for (guint w = 0; w < N_WRITES; w++) {
    g_autofree char *key = g_strdup_printf ("client-%u-write-%u", client->index, w);
    g_autofree char *json = meal_json (client->index, w);
    Twin twin = { client->cluster, key, json, client->index + w + 1, 0, NULL };
    GThread *thread = NULL;

    /* Every third write also goes, at the same moment, to the next
     * instance under the same key, as from a client that gave up
     * waiting: both must get the one answer */
    if (w % 3 == 0)
      thread = g_thread_new ("twin", twin_thread, &twin);
    client->first_body[w] = write_until_acknowledged (client->cluster, session, key, json,
                                                      client->index + w, &client->attempts);
    if (thread != NULL) {
      g_thread_join (thread);
      g_assert_cmpstr (twin.body, ==, client->first_body[w]);
      client->attempts += twin.attempts;
      g_free (twin.body);
    }
    g_atomic_int_inc (&client->cluster->acknowledged);
  }
  return NULL;
}

static void
wait_acknowledged (Cluster *cluster,
                   gint     count)
{
  while (g_atomic_int_get (&cluster->acknowledged) < count)
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
}

/* Every meal of the user, by name: its id and number of items */
static GHashTable *
list_meals (Cluster *cluster)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  GHashTable *meals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = g_strdup (MEALS "?page=1");

  while (path != NULL) {
    g_autofree char *url = cluster_url (cluster, 0, path);
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *page;
    JsonArray *results;
    const char *next;
    Answer answer;

    http_send (session, "GET", url, cluster->token, NULL, NULL, &answer);
    g_assert_cmpuint (answer.status, ==, 200);
    json_parser_load_from_data (parser, answer.body, -1, &error);
    g_assert_no_error (error);
    page = json_node_get_object (json_parser_get_root (parser));
    results = json_object_get_array_member (page, "results");
    for (guint i = 0; i < json_array_get_length (results); i++) {
      JsonObject *meal = json_array_get_object_element (results, i);
      const char *name = json_object_get_string_member (meal, "name");
      guint items = json_array_get_length (json_object_get_array_member (meal, "meal_items"));

      /* exactly once */
      g_assert_false (g_hash_table_contains (meals, name));
      g_hash_table_insert (meals, g_strdup (name), GUINT_TO_POINTER (items));
    }
    next = json_object_get_null_member (page, "next") ? NULL
                                                       : json_object_get_string_member (page, "next");
    g_clear_pointer (&path, g_free);
    if (next != NULL)
      path = g_strdup (strstr (next, MEALS));
    answer_clear (&answer);
  }
  return meals;
}

static char *
register_and_login (Cluster    *cluster,
                    guint       instance,
                    const char *email)
{
  g_autofree char *token = NULL;

  token = fc_test_register (cluster->servers[instance], email, PASSWORD, NULL);
  g_assert_nonnull (token);
  return g_steal_pointer (&token);
}

static void
test_idempotent_writes_survive_kills (void)
{
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autoptr(GHashTable) meals = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  Client clients[N_CLIENTS];
  GThread *threads[N_CLIENTS];
  guint attempts = 0;
  Cluster cluster;

  cluster_init (&cluster, pg, "");
  /* A token issued by one instance works on the others */
  cluster.token = register_and_login (&cluster, 1, "writer@fitcore.test");

  memset (clients, 0, sizeof clients);
  for (guint c = 0; c < N_CLIENTS; c++) {
    clients[c].cluster = &cluster;
    clients[c].index = c;
    threads[c] = g_thread_new ("client", client_thread, &clients[c]);
  }
  /* Killed twice while the writes go on */
  wait_acknowledged (&cluster, N_CLIENTS * N_WRITES / 4);
  cluster_kill_and_restart (&cluster, 1);
  wait_acknowledged (&cluster, N_CLIENTS * N_WRITES / 2);
  cluster_kill_and_restart (&cluster, 2);
  for (guint c = 0; c < N_CLIENTS; c++) {
    g_thread_join (threads[c]);
    attempts += clients[c].attempts;
  }
  g_test_message ("%u writes acknowledged after %u attempts", N_CLIENTS * N_WRITES, attempts);
  g_assert_cmpint (g_atomic_int_get (&cluster.acknowledged), ==, N_CLIENTS * N_WRITES);

  /* Every acknowledged write exactly once (list_meals() asserts the once),
   * none half-written */
  meals = list_meals (&cluster);
  g_assert_cmpuint (g_hash_table_size (meals), ==, N_CLIENTS * N_WRITES);
  for (guint c = 0; c < N_CLIENTS; c++) {
    for (guint w = 0; w < N_WRITES; w++) {
      g_autofree char *name = g_strdup_printf ("c%02u-w%02u", c, w);

      g_assert_true (g_hash_table_contains (meals, name));
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (meals, name)), ==, 2);
    }
  }

  /* A replay on another instance gives the first answer, byte for byte */
  for (guint c = 0; c < N_CLIENTS; c++) {
    g_autofree char *key = g_strdup_printf ("client-%u-write-%u", c, 0u);
    g_autofree char *json = meal_json (c, 0);
    g_autofree char *url = cluster_url (&cluster, c + 1, MEALS);
    Answer answer;

    http_send (session, "POST", url, cluster.token, key, json, &answer);
    g_assert_cmpuint (answer.status, ==, 201);
    g_assert_true (answer.replayed);
    g_assert_cmpstr (answer.body, ==, clients[c].first_body[0]);
    answer_clear (&answer);
  }

  for (guint c = 0; c < N_CLIENTS; c++)
    for (guint w = 0; w < N_WRITES; w++)
      g_free (clients[c].first_body[w]);
  cluster_clear (&cluster);
}

/* ---- Login throttling across instances ---- */

#define N_GUESSES 24
#define LIMIT 5

typedef struct {
  char  *url;
  char  *json;
  guint  status;
} Guess;

static gpointer
guess_thread (gpointer data)
{
  Guess *guess = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  Answer answer;

  http_send (session, "POST", guess->url, NULL, NULL, guess->json, &answer);
  guess->status = answer.status;
  answer_clear (&answer);
  return NULL;
}

/* @n_instances: how many of the cluster's instances the guesses are
 * spread over. Returns how many were evaluated (400); the rest must be
 * 429. */
static guint
guess_in_parallel (Cluster    *cluster,
                   const char *email,
                   guint       n_instances)
{
  Guess guesses[N_GUESSES];
  GThread *threads[N_GUESSES];
  guint evaluated = 0;

  for (guint i = 0; i < N_GUESSES; i++) {
    guesses[i].url = cluster_url (cluster, i % n_instances, LOGIN);
    guesses[i].json = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"wrong-%u\"}", email, i);
    threads[i] = g_thread_new ("guess", guess_thread, &guesses[i]);
  }
  for (guint i = 0; i < N_GUESSES; i++) {
    g_thread_join (threads[i]);
    g_assert_true (guesses[i].status == 400 || guesses[i].status == 429);
    evaluated += guesses[i].status == 400;
    g_free (guesses[i].url);
    g_free (guesses[i].json);
  }
  return evaluated;
}

static void
test_throttle_across_instances (void)
{
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autofree char *one = NULL;
  g_autofree char *three = NULL;
  guint on_one, on_three;
  Cluster cluster;

  cluster_init (&cluster, pg, "login_failures_limit=5\nlogin_failures_window=600\n");
  one = register_and_login (&cluster, 0, "one@fitcore.test");
  three = register_and_login (&cluster, 0, "three@fitcore.test");

  on_one = guess_in_parallel (&cluster, "one@fitcore.test", 1);
  on_three = guess_in_parallel (&cluster, "three@fitcore.test", N_INSTANCES);
  g_test_message ("%u of %u guesses evaluated on one instance, %u over three",
                  on_one, N_GUESSES, on_three);
  g_assert_cmpuint (on_one, ==, LIMIT);
  g_assert_cmpuint (on_three, ==, on_one);
  cluster_clear (&cluster);
}

/* ---- The notifications stream from any instance ---- */

typedef struct {
  SoupWebsocketConnection *conn;
  gboolean                 connected;
  gboolean                 hello;
  gboolean                 notified;
  char                    *title;    /* of the first notification.created */
} Stream;

static void
on_stream_message_cb (SoupWebsocketConnection *conn,
                      int                      type,
                      GBytes                  *message,
                      gpointer                 user_data)
{
  Stream *stream = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *frame;
  const char *kind;

  json_parser_load_from_data (parser, g_bytes_get_data (message, NULL),
                              (gssize) g_bytes_get_size (message), &error);
  g_assert_no_error (error);
  frame = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member (frame, "type");
  if (g_str_equal (kind, "hello"))
    stream->hello = TRUE;
  else if (g_str_equal (kind, "notification.created") && !stream->notified) {
    stream->title = g_strdup (json_object_get_string_member (
                                json_object_get_object_member (frame, "notification"), "title"));
    stream->notified = TRUE;
  }
}

static void
on_stream_connected_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Stream *stream = user_data;
  g_autoptr(GError) error = NULL;

  stream->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  g_signal_connect (stream->conn, "message", G_CALLBACK (on_stream_message_cb), stream);
  stream->connected = TRUE;
}

static gboolean
on_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *@flag (TRUE) or a minute passes */
static gboolean
run_until (const gboolean *flag)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (60, on_deadline_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *flag;
}

/* Ends every connection to the test's database but this one's. */
static void
terminate_backends (FcTestPg *pg)
{
  PGconn *conn = fc_test_pg_connect (pg);
  PGresult *result = PQexec (conn, "SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity"
                                   " WHERE datname = current_database () AND pid <> pg_backend_pid ()");

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10), >, 0);
  PQclear (result);
  PQfinish (conn);
}

/* Opens @stream on instance @instance as the holder of @token and waits
 * for its hello. */
static void
stream_open (Stream      *stream,
             SoupSession *ws_session,
             Cluster     *cluster,
             guint        instance,
             const char  *token)
{
  g_autofree char *url = cluster_url (cluster, instance, "/api/v1/notifications/stream/");
  g_autoptr(SoupMessage) upgrade = soup_message_new ("GET", url);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (upgrade), "Authorization", bearer);
  soup_session_websocket_connect_async (ws_session, upgrade, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_stream_connected_cb, stream);
  g_assert_true (run_until (&stream->connected));
  g_assert_true (run_until (&stream->hello));
}

static void
stream_close (Stream *stream)
{
  soup_websocket_connection_close (stream->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&stream->conn);
  g_clear_pointer (&stream->title, g_free);
}

/* A broadcast through instance 0 reaches a stream on instance 2. With
 * @data, every connection to PostgreSQL is dropped first, the instances'
 * listening ones too: each connects again, and the broadcast still
 * arrives at once. */
static void
test_stream_across_instances (gconstpointer data)
{
  gboolean drop = GPOINTER_TO_INT (data);
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupSession) ws_session = soup_session_new ();
  g_autofree char *user = NULL;
  g_autofree char *staff = NULL;
  g_autofree char *broadcast_url = NULL;
  Stream stream = { NULL, };
  Answer answer;
  Cluster cluster;

  /* The streams' own poll is ten minutes away: what arrives, arrives
   * because the writing instance told the others */
  cluster_init (&cluster, pg, "stream_poll_interval_ms=600000\n");
  user = register_and_login (&cluster, 1, "listener@fitcore.test");
  staff = fc_test_login (cluster.servers[0], "admin@fitcore.local", "fitcore-admin", NULL);

  stream_open (&stream, ws_session, &cluster, 2, user);
  if (drop)
    terminate_backends (pg);

  broadcast_url = cluster_url (&cluster, 0, "/api/v1/notifications/broadcast/");
  /* The request that meets instance 0's dropped connection may fail. */
  for (guint attempt = 0;; attempt++) {
    g_assert_cmpuint (attempt, <, drop ? 2 : 1);
    http_send (session, "POST", broadcast_url, staff, "stream-broadcast",
               "{\"title\":\"Across\",\"message\":\"From instance 0\"}", &answer);
    if (answer.status == 201) {
      answer_clear (&answer);
      break;
    }
    g_assert_cmpuint (answer.status, >=, 500);
    answer_clear (&answer);
  }

  g_assert_true (run_until (&stream.notified));
  g_assert_cmpstr (stream.title, ==, "Across");

  stream_close (&stream);
  cluster_clear (&cluster);
}

/* ---- One writer of an upload across instances ---- */

#define UPLOADS "/api/v1/admin/uploads/"
#define UPLOAD_SIZE 60

/* Whether the upload's lease is held, read from the database itself */
static gboolean
upload_leased (FcTestPg   *pg,
               const char *id)
{
  PGconn *conn = fc_test_pg_connect (pg);
  const char *values[] = { id };
  PGresult *result = PQexecParams (conn, "SELECT busy_until IS NOT NULL FROM admin_uploads"
                                         " WHERE id = $1", 1, NULL, values, NULL, NULL, 0);
  gboolean leased;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (result), ==, 1);
  leased = PQgetvalue (result, 0, 0)[0] == 't';
  PQclear (result);
  PQfinish (conn);
  return leased;
}

static void
test_upload_one_writer (void)
{
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GSocketConnection) raw = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FcTestResponse) created = NULL;
  g_autofree char *staff = NULL;
  g_autofree char *head = NULL;
  g_autofree char *other = NULL;
  g_autofree char *id = NULL;
  guint8 bytes[UPLOAD_SIZE];
  gint64 deadline;
  Answer answer;
  Cluster cluster;

  for (guint i = 0; i < UPLOAD_SIZE; i++)
    bytes[i] = (guint8) (i * 7);
  cluster_init (&cluster, pg, "");
  staff = fc_test_login (cluster.servers[0], "admin@fitcore.local", "fitcore-admin", NULL);
  created = fc_test_request (cluster.servers[0], "POST", UPLOADS, staff,
                             "{\"filename\": \"legs.webm\", \"size\": " G_STRINGIFY (UPLOAD_SIZE) "}");
  g_assert_cmpuint (created->status, ==, 201);
  id = g_strdup (json_object_get_string_member (fc_test_response_object (created), "id"));

  /* Instance 0 receives a PATCH whose body is slow to come */
  raw = fc_test_connect_raw (cluster.servers[0]->base_url);
  head = g_strdup_printf ("PATCH " UPLOADS "%s/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nContent-Type: application/offset+octet-stream\r\n"
                          "Upload-Offset: 0\r\nContent-Length: %d\r\n\r\n",
                          id, staff, UPLOAD_SIZE);
  fc_test_write_all (raw, head, strlen (head));
  fc_test_write_all (raw, bytes, 10);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!upload_leased (pg, id)) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  }

  /* Meanwhile the same upload from its start on instance 1: refused, not
   * written under the other */
  other = cluster_url (&cluster, 1, UPLOADS);
  {
    g_autofree char *url = g_strconcat (other, id, "/", NULL);
    g_autoptr(SoupMessage) message = soup_message_new ("PATCH", url);
    g_autoptr(GBytes) body = g_bytes_new (bytes, UPLOAD_SIZE);
    g_autoptr(GBytes) reply = NULL;
    g_autofree char *bearer = g_strconcat ("Bearer ", staff, NULL);
    SoupMessageHeaders *headers = soup_message_get_request_headers (message);

    soup_message_headers_replace (headers, "Authorization", bearer);
    soup_message_headers_replace (headers, "Upload-Offset", "0");
    soup_message_set_request_body_from_bytes (message, "application/offset+octet-stream", body);
    reply = soup_session_send_and_read (session, message, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (message), ==, 409);
    json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                (gssize) g_bytes_get_size (reply), &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (
                                       json_node_get_object (json_parser_get_root (parser)), "detail"),
                                     "Another request is writing"));
  }

  /* The first PATCH ends; its bytes are the upload's, and it is free */
  fc_test_write_all (raw, bytes + 10, UPLOAD_SIZE - 10);
  g_assert_cmpuint (fc_test_read_status (raw), ==, 204);
  g_assert_false (upload_leased (pg, id));
  {
    g_autofree char *url = g_strconcat (other, id, "/", NULL);

    http_send (session, "GET", url, staff, NULL, NULL, &answer);
    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_nonnull (strstr (answer.body, "\"offset\":" G_STRINGIFY (UPLOAD_SIZE)));
    answer_clear (&answer);
  }
  cluster_clear (&cluster);
}

/* ---- Behind a reverse proxy ---- */

static guint
login_from (FcTestServer *server,
            const char   *forwarded_for,
            const char   *email)
{
  g_autofree char *json = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"wrong\"}", email);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  const char * const headers[] = { "X-Forwarded-For", forwarded_for, NULL };
  g_autoptr(FcTestResponse) response =
    fc_test_request_full (server, "POST", LOGIN, headers, "application/json", body);

  return response->status;
}

/* The login limit counts the client a trusted proxy names, and only a
 * trusted proxy's word counts */
static void
test_behind_proxy (void)
{
  g_autoptr(FcTestServer) trusting =
    fc_test_server_start ("[server]\npassword_iterations=1000\nlogin_failures_limit=2\n"
                          "login_failures_window=600\ntrusted_proxies=127.0.0.1\n", NULL);
  g_autoptr(FcTestServer) plain =
    fc_test_server_start ("[server]\npassword_iterations=1000\nlogin_failures_limit=2\n"
                          "login_failures_window=600\n", NULL);

  g_free (fc_test_register (trusting, "proxied@fitcore.test", PASSWORD, NULL));
  g_assert_cmpuint (login_from (trusting, "203.0.113.1", "proxied@fitcore.test"), ==, 400);
  g_assert_cmpuint (login_from (trusting, "203.0.113.1", "proxied@fitcore.test"), ==, 400);
  g_assert_cmpuint (login_from (trusting, "203.0.113.1", "proxied@fitcore.test"), ==, 429);
  /* Another client behind the same proxy is not held back */
  g_assert_cmpuint (login_from (trusting, "203.0.113.2", "proxied@fitcore.test"), ==, 400);
  /* A hop the client wrote itself in front changes nothing */
  g_assert_cmpuint (login_from (trusting, "198.51.100.7, 203.0.113.1", "proxied@fitcore.test"),
                    ==, 429);

  /* Without trusted_proxies the header is the client's own word */
  g_free (fc_test_register (plain, "direct@fitcore.test", PASSWORD, NULL));
  g_assert_cmpuint (login_from (plain, "203.0.113.1", "direct@fitcore.test"), ==, 400);
  g_assert_cmpuint (login_from (plain, "203.0.113.2", "direct@fitcore.test"), ==, 400);
  g_assert_cmpuint (login_from (plain, "203.0.113.3", "direct@fitcore.test"), ==, 429);
}

/* ---- PostgreSQL drops the connections ---- */

/* The request that meets the dropped connection may fail; the next ones
 * are served again, reads and writes */
static void
test_connection_lost (void)
{
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = NULL;
  g_autofree char *meals_url = NULL;
  guint failed = 0;
  Answer answer;
  Cluster cluster;

  cluster_init (&cluster, pg, "");
  token = register_and_login (&cluster, 0, "survivor@fitcore.test");
  meals_url = cluster_url (&cluster, 0, MEALS);

  for (guint round = 0; round < 2; round++) {
    g_autofree char *json = meal_json (99, round);

    terminate_backends (pg);
    for (guint attempt = 0;; attempt++) {
      g_assert_cmpuint (attempt, <, 2);
      http_send (session, "GET", meals_url, token, NULL, NULL, &answer);
      failed += answer.status != 200;
      if (answer.status == 200) {
        answer_clear (&answer);
        break;
      }
      g_assert_cmpuint (answer.status, >=, 500);
      answer_clear (&answer);
    }
    http_send (session, "POST", meals_url, token, NULL, json, &answer);
    g_assert_cmpuint (answer.status, ==, 201);
    answer_clear (&answer);
  }
  g_test_message ("%u requests failed on a dropped connection", failed);
  cluster_clear (&cluster);
}

/* ---- The database fails under the token routes ---- */

static void
pg_exec (FcTestPg   *pg,
         const char *sql)
{
  PGconn *conn = fc_test_pg_connect (pg);
  PGresult *result = PQexec (conn, sql);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  PQfinish (conn);
}

/* A refresh, a verify or a logout that cannot read the blacklist is no
 * verdict on the token: 503, never a 401 (which signs the app out) nor a
 * "logged out" that revoked nothing; the same token works afterwards. */
static void
test_token_routes_database_error (void)
{
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *refresh_body = NULL;
  g_autofree char *verify_body = NULL;
  Cluster cluster;
  struct {
    const char *path;
    const char *body;
  } routes[2];

  cluster_init (&cluster, pg, "");
  access = fc_test_register (cluster.servers[0], "blacklist@fitcore.test", PASSWORD, &refresh);
  g_assert_nonnull (refresh);
  refresh_body = g_strdup_printf ("{\"refresh\":\"%s\"}", refresh);
  verify_body = g_strdup_printf ("{\"token\":\"%s\"}", refresh);
  routes[0].path = "/api/v1/auth/oauth/token/refresh/";
  routes[0].body = refresh_body;
  routes[1].path = "/api/v1/auth/oauth/token/verify/";
  routes[1].body = verify_body;

  pg_exec (pg, "ALTER TABLE blacklisted_tokens RENAME TO blacklisted_tokens_away");
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    g_autoptr(FcTestResponse) response = fc_test_request (cluster.servers[0], "POST",
                                                          routes[i].path, NULL, routes[i].body);

    g_test_message ("%s: %u", routes[i].path, response->status);
    g_assert_cmpuint (response->status, ==, 503);
  }
  {
    g_autoptr(FcTestResponse) response = fc_test_request (cluster.servers[0], "POST",
                                                          "/api/v1/auth/oauth/logout/", NULL,
                                                          refresh_body);
    g_assert_cmpuint (response->status, ==, 503);
  }
  pg_exec (pg, "ALTER TABLE blacklisted_tokens_away RENAME TO blacklisted_tokens");

  /* Nothing was revoked meanwhile. */
  {
    g_autoptr(FcTestResponse) response = fc_test_request (cluster.servers[0], "POST",
                                                          routes[0].path, NULL, refresh_body);
    g_assert_cmpuint (response->status, ==, 200);
  }
  cluster_clear (&cluster);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/instances/idempotent-writes-survive-kills", test_idempotent_writes_survive_kills);
  g_test_add_func ("/instances/throttle", test_throttle_across_instances);
  g_test_add_data_func ("/instances/stream", GINT_TO_POINTER (FALSE), test_stream_across_instances);
  g_test_add_data_func ("/instances/stream-after-connection-lost", GINT_TO_POINTER (TRUE),
                        test_stream_across_instances);
  g_test_add_func ("/instances/upload-one-writer", test_upload_one_writer);
  g_test_add_func ("/instances/behind-proxy", test_behind_proxy);
  g_test_add_func ("/instances/connection-lost", test_connection_lost);
  g_test_add_func ("/instances/token-routes-database-error", test_token_routes_database_error);
  return g_test_run ();
}

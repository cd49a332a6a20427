/* test-admin-uploads.c — admin/uploads/: resumable video uploads against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 64 MiB go up with the server's peak memory nearly flat (the body is
 * written to disk as it arrives, never held); a PATCH whose connection is
 * cut keeps what arrived, HEAD says how much, and the upload goes on to a
 * byte-identical file; every refusal (offset, size, type, owner, caller,
 * completion before the end, a file that is no video) answers as
 * docs/admin-wire.md says; a real video becomes the last of its workout
 * with the discoverer's duration, and complete/ replays with its
 * Idempotency-Key; uploads expire after a day (the server's clock moved);
 * and a PATCH sent at a trickle holds nobody else up.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "admin-test-util.h"
#include "fc-json.h"
#include "nutrition-test-util.h"

#define UPLOADS "/api/v1/admin/uploads/"
#define UPLOAD_TYPE "application/offset+octet-stream"
#define MIB (1024 * 1024)
#define INVALID_VIDEO "Upload a valid video. The file you uploaded was either not a video or a " \
                      "corrupted video."

/* ---- Helpers ------------------------------------------------------------ */

static char *
bearer (const char *token)
{
  return token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;
}

static FcTestResponse *
create_upload (FcTestServer *server,
               const char   *token,
               gint64        size)
{
  g_autofree char *json = g_strdup_printf ("{\"filename\": \"legs.webm\", \"size\": %" G_GINT64_FORMAT "}",
                                           size);

  return fc_test_request (server, "POST", UPLOADS, token, json);
}

/* A new upload of @size bytes by @token's staff member: its id. */
static char *
new_upload (FcTestServer *server,
            const char   *token,
            gint64        size)
{
  g_autoptr(FcTestResponse) response = create_upload (server, token, size);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 201);
  object = fc_test_response_object (response);
  g_assert_cmpint (json_object_get_int_member (object, "offset"), ==, 0);
  return g_strdup (json_object_get_string_member (object, "id"));
}

static char *
upload_path (const char *id,
             const char *suffix)
{
  return g_strconcat (UPLOADS, id, "/", suffix, NULL);
}

static FcTestResponse *
patch (FcTestServer *server,
       const char   *token,
       const char   *id,
       gint64        offset,
       const char   *content_type,
       GBytes       *body)
{
  g_autofree char *auth = bearer (token);
  g_autofree char *offset_text = g_strdup_printf ("%" G_GINT64_FORMAT, offset);
  g_autofree char *path = upload_path (id, "");
  const char *headers[] = { "Upload-Offset", offset_text, "Authorization", auth, NULL };

  return fc_test_request_full (server, "PATCH", path, headers, content_type, body);
}

/* PATCH @body at @offset, asserting 204 and the new offset. */
static void
send_bytes (FcTestServer *server,
            const char   *token,
            const char   *id,
            gint64        offset,
            GBytes       *body)
{
  g_autoptr(FcTestResponse) response = patch (server, token, id, offset, UPLOAD_TYPE, body);
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               offset + (gint64) g_bytes_get_size (body));

  g_assert_cmpuint (response->status, ==, 204);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Upload-Offset"), ==, expected);
}

/* HEAD's Upload-Offset, or -1 for a 404. */
static gint64
head_offset (FcTestServer *server,
             const char   *token,
             const char   *id)
{
  g_autofree char *auth = bearer (token);
  g_autofree char *path = upload_path (id, "");
  const char *headers[] = { "Authorization", auth, NULL };
  g_autoptr(FcTestResponse) response = fc_test_request_full (server, "HEAD", path, headers, NULL, NULL);
  const char *offset;

  if (response->status == 404)
    return -1;
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==, "no-store");
  g_assert_nonnull (soup_message_headers_get_one (response->headers, "Upload-Length"));
  offset = soup_message_headers_get_one (response->headers, "Upload-Offset");
  g_assert_nonnull (offset);
  return g_ascii_strtoll (offset, NULL, 10);
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  gint64 value = -1;

  g_assert_true (fc_json_get_int (object, name, &value));
  return value;
}

static GBytes *
random_bytes (gsize size)
{
  guint8 *data = g_malloc (size);
  GRand *rand = g_rand_new_with_seed (size);

  for (gsize i = 0; i < size; i += 4) {
    guint32 value = g_rand_int (rand);

    memcpy (data + i, &value, MIN (4, size - i));
  }
  g_rand_free (rand);
  return g_bytes_new_take (data, size);
}

static char *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static char *
part_file (FcTestServer *server,
           const char   *id)
{
  g_autofree char *name = g_strconcat (id, ".part", NULL);

  return g_build_filename (server->data_dir, "uploads", name, NULL);
}

static char *
file_sha256 (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &contents, &size, &error));
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, size);
}

/* A kB line of /proc/PID/status (VmRSS, VmHWM) of the server. */
static gint64
server_memory_kb (FcTestServer *server,
                  const char   *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (server->process));
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (g_str_has_prefix (lines[i], field) && lines[i][strlen (field)] == ':')
      return g_ascii_strtoll (lines[i] + strlen (field) + 1, NULL, 10);
  }
  g_assert_not_reached ();
}

/* PATCH headers announcing @length bytes at @offset. */
static void
write_patch_headers (GSocketConnection *connection,
                     const char        *token,
                     const char        *id,
                     gint64             offset,
                     gsize              length)
{
  g_autofree char *head =
    g_strdup_printf ("PATCH " UPLOADS "%s/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer %s\r\nContent-Type: " UPLOAD_TYPE "\r\n"
                     "Upload-Offset: %" G_GINT64_FORMAT "\r\nContent-Length: %zu\r\n\r\n",
                     id, token, offset, length);

  fc_test_write_all (connection, head, strlen (head));
}

/* A real video, 2 s at 24 frames a second (the workouts tests' recipe). */
static GBytes *
make_video (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ad-upload-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "v.webm", NULL);
  g_autofree char *location = g_strdup_printf ("location=%s", path);
  g_autofree char *contents = NULL;
  gsize size = 0;
  int status = 0;
  const char *argv[] = {
    "gst-launch-1.0", "-q", "-e", "videotestsrc", "num-buffers=48", "!",
    "video/x-raw,width=160,height=120,framerate=24/1", "!", "vp8enc", "deadline=1", "!",
    "webmmux", "!", "filesink", location, NULL,
  };

  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &size, &error));
  g_unlink (path);
  g_rmdir (dir);
  return g_bytes_new_take (g_steal_pointer (&contents), size);
}

static FcTestResponse *
complete (FcTestServer *server,
          const char   *token,
          const char   *id,
          const char   *key,
          const char   *json)
{
  g_autofree char *auth = bearer (token);
  g_autofree char *path = upload_path (id, "complete/");
  const char *headers[] = { "Authorization", auth, key != NULL ? "Idempotency-Key" : NULL, key, NULL };
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

  return fc_test_request_full (server, "POST", path, headers, "application/json", body);
}

static gint64
make_workout (NtFixture *fixture)
{
  return nt_create (fixture->server, "/api/v1/workouts/workouts/", fixture->token_staff,
                    "{\"title\": \"Legs\", \"difficulty\": \"beginner\"}");
}

/* ---- Tests -------------------------------------------------------------- */

/* 64 MiB: 32 one MiB at a time, then 32 in one body. A server that held a
 * body in memory would grow by 32 MiB at least (libsoup's flattening
 * doubles it); this one's peak may move by a few MiB of buffers. */
static void
test_memory (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(GBytes) file = random_bytes (64 * MIB);
  g_autofree char *id = new_upload (server, fixture->token_staff, 64 * MIB);
  g_autofree char *expected = sha256_of (file);
  g_autofree char *stored = NULL;
  g_autofree char *part = part_file (server, id);
  gint64 peak_before, rss_before, peak_after, rss_after;

  /* One small PATCH first, so whatever a first request allocates once is
   * in the baseline. */
  {
    g_autoptr(GBytes) first = g_bytes_new_from_bytes (file, 0, 4096);

    send_bytes (server, fixture->token_staff, id, 0, first);
  }
  peak_before = server_memory_kb (server, "VmHWM");
  rss_before = server_memory_kb (server, "VmRSS");

  for (gsize offset = 4096; offset < 32 * MIB; ) {
    gsize length = MIN ((gsize) MIB, 32 * MIB - offset);
    g_autoptr(GBytes) piece = g_bytes_new_from_bytes (file, offset, length);

    send_bytes (server, fixture->token_staff, id, offset, piece);
    offset += length;
  }
  {
    g_autoptr(GBytes) rest = g_bytes_new_from_bytes (file, 32 * MIB, 32 * MIB);

    send_bytes (server, fixture->token_staff, id, 32 * MIB, rest);
  }

  peak_after = server_memory_kb (server, "VmHWM");
  rss_after = server_memory_kb (server, "VmRSS");
  g_test_message ("server RSS %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT " kB, peak %" G_GINT64_FORMAT
                  " -> %" G_GINT64_FORMAT " kB", rss_before, rss_after, peak_before, peak_after);
  g_assert_cmpint (peak_after - peak_before, <, 24 * 1024);
  g_assert_cmpint (rss_after - rss_before, <, 24 * 1024);

  g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, 64 * MIB);
  stored = file_sha256 (part);
  g_assert_cmpstr (stored, ==, expected);
}

/* A connection closed halfway through a PATCH: HEAD tells how far it got,
 * and the rest goes on from there to a byte-identical video. */
static void
test_resume (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(GBytes) video = make_video ();
  gsize size = g_bytes_get_size (video);
  gsize half = size / 2;
  g_autofree char *id = new_upload (server, fixture->token_staff, size);
  g_autofree char *expected = sha256_of (video);
  g_autofree char *json = NULL;
  g_autoptr(FcTestResponse) done = NULL;
  gint64 workout = make_workout (fixture);
  gint64 offset = 0;

  {
    g_autoptr(GSocketConnection) connection = fc_test_connect_raw (server->base_url);

    write_patch_headers (connection, fixture->token_staff, id, 0, size);
    fc_test_write_all (connection, g_bytes_get_data (video, NULL), half);
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  }

  /* The server records the cut when it sees it; then the offset stays. */
  for (guint i = 0; i < 200 && (offset = head_offset (server, fixture->token_staff, id)) == 0; i++)
    g_usleep (100 * 1000);
  g_assert_cmpint (offset, ==, (gint64) half);

  {
    g_autoptr(GBytes) stale = g_bytes_new_from_bytes (video, 0, 10);
    g_autoptr(FcTestResponse) conflict = patch (server, fixture->token_staff, id, 0, UPLOAD_TYPE, stale);
    g_autofree char *current = g_strdup_printf ("%zu", half);

    g_assert_cmpuint (conflict->status, ==, 409);
    g_assert_cmpstr (soup_message_headers_get_one (conflict->headers, "Upload-Offset"), ==, current);
    g_assert_cmpint (int_member (fc_test_response_object (conflict), "offset"), ==, half);
  }
  {
    g_autoptr(GBytes) rest = g_bytes_new_from_bytes (video, half, size - half);

    send_bytes (server, fixture->token_staff, id, half, rest);
  }

  json = g_strdup_printf ("{\"workout\": %" G_GINT64_FORMAT ", \"title\": \"Squats\"}", workout);
  done = complete (server, fixture->token_staff, id, NULL, json);
  g_assert_cmpuint (done->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (fc_test_response_object (done), "checksum"), ==,
                   expected);
  g_assert_cmpint (json_object_get_int_member (fc_test_response_object (done), "file_size"), ==, size);
}

/* A real video goes last in its workout with the discoverer's duration,
 * with its audit row; complete/ again with the same key gives the same
 * answer and makes nothing. */
static void
test_complete (NtFixture     *fixture,
               gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(GBytes) video = make_video ();
  gsize size = g_bytes_get_size (video);
  g_autofree char *id = new_upload (server, fixture->token_staff, size);
  g_autofree char *json = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *part = part_file (server, id);
  g_autoptr(FcTestResponse) early = NULL;
  g_autoptr(FcTestResponse) done = NULL;
  g_autoptr(FcTestResponse) replay = NULL;
  gint64 workout = make_workout (fixture);
  JsonObject *object;

  sql = g_strdup_printf ("INSERT INTO workout_videos (workout_id, title, description, file, duration,"
                         " order_index, is_free, created_at, updated_at) VALUES"
                         " (%1$" G_GINT64_FORMAT ", 'One', '', 'videos/one.webm', 60, 0, 0, 'T', 'T'),"
                         " (%1$" G_GINT64_FORMAT ", 'Two', '', 'videos/two.webm', 60, 5, 0, 'T', 'T')",
                         workout);
  ad_db_exec (server, sql);
  json = g_strdup_printf ("{\"workout\": %" G_GINT64_FORMAT ", \"title\": \"Squats\", "
                          "\"description\": \"\", \"is_free\": true, \"order_index\": 0}", workout);

  /* Not yet all there. */
  {
    g_autoptr(GBytes) head = g_bytes_new_from_bytes (video, 0, size - 1);

    send_bytes (server, fixture->token_staff, id, 0, head);
  }
  early = complete (server, fixture->token_staff, id, NULL, json);
  g_assert_cmpuint (early->status, ==, 409);
  g_assert_cmpint (int_member (fc_test_response_object (early), "offset"), ==, size - 1);
  {
    g_autoptr(GBytes) last = g_bytes_new_from_bytes (video, size - 1, 1);

    send_bytes (server, fixture->token_staff, id, size - 1, last);
  }

  done = complete (server, fixture->token_staff, id, "complete-1", json);
  g_assert_cmpuint (done->status, ==, 201);
  object = fc_test_response_object (done);
  g_assert_cmpint (json_object_get_int_member (object, "workout"), ==, workout);
  g_assert_cmpint (json_object_get_int_member (object, "order_index"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (object, "duration"), ==, 2);
  g_assert_true (json_object_get_boolean_member (object, "is_free"));
  g_assert_cmpint (json_object_get_int_member (object, "file_size"), ==, size);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, -1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action = 'workout_video.create'"
                                      " AND actor_id = 3"), ==, 1);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/workouts/workouts/%" G_GINT64_FORMAT "/", workout);
    g_autoptr(JsonNode) detail = nt_request (server, "GET", path, fixture->token_a, NULL, 200);
    JsonArray *videos = fc_json_get_array (ad_object (detail), "videos");

    g_assert_cmpuint (json_array_get_length (videos), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (videos, 2), "title"),
                     ==, "Squats");
  }

  replay = complete (server, fixture->token_staff, id, "complete-1", json);
  g_assert_cmpuint (replay->status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_one (replay->headers, "Idempotent-Replayed"), ==, "true");
  g_assert_cmpint (g_bytes_compare (replay->body, done->body), ==, 0);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM workout_videos"), ==, 3);
}

/* Random bytes are no video: 400 with the workouts routes' text, and the
 * upload is gone, bytes and all. */
static void
test_not_video (NtFixture     *fixture,
                gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(GBytes) noise = random_bytes (100000);
  g_autofree char *id = new_upload (server, fixture->token_staff, 100000);
  g_autofree char *part = part_file (server, id);
  g_autofree char *json = NULL;
  g_autoptr(FcTestResponse) refused = NULL;
  JsonArray *messages;

  send_bytes (server, fixture->token_staff, id, 0, noise);
  json = g_strdup_printf ("{\"workout\": %" G_GINT64_FORMAT ", \"title\": \"Noise\"}",
                          make_workout (fixture));
  refused = complete (server, fixture->token_staff, id, NULL, json);
  g_assert_cmpuint (refused->status, ==, 400);
  messages = fc_json_get_array (fc_test_response_object (refused), "file");
  g_assert_nonnull (messages);
  g_assert_cmpstr (json_array_get_string_element (messages, 0), ==, INVALID_VIDEO);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, -1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM workout_videos"), ==, 0);
}

/* Who may, and every refusal the contract names. */
static void
test_refusals (NtFixture     *fixture,
               gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autofree char *id = new_upload (server, fixture->token_staff, 100);
  g_autofree char *path = upload_path (id, "");
  g_autoptr(GBytes) ten = random_bytes (10);
  g_autoptr(GBytes) hundred_one = random_bytes (101);

  /* Callers: anonymous 401, a user 403, another staff member 404. */
  {
    g_autoptr(FcTestResponse) anonymous = create_upload (server, NULL, 10);
    g_autoptr(FcTestResponse) user = create_upload (server, fixture->token_a, 10);
    g_autoptr(FcTestResponse) user_patch = patch (server, fixture->token_a, id, 0, UPLOAD_TYPE, ten);
    g_autoptr(FcTestResponse) anonymous_patch = patch (server, NULL, id, 0, UPLOAD_TYPE, ten);

    g_assert_cmpuint (anonymous->status, ==, 401);
    g_assert_cmpuint (user->status, ==, 403);
    g_assert_cmpuint (user_patch->status, ==, 403);
    g_assert_cmpuint (anonymous_patch->status, ==, 401);
    nt_expect (server, "GET", path, fixture->token_a, NULL, 403);
    nt_expect (server, "GET", path, NULL, NULL, 401);
  }
  nt_make_staff (server, NT_EMAIL_B);
  {
    g_autoptr(FcTestResponse) other = patch (server, fixture->token_b, id, 0, UPLOAD_TYPE, ten);
    g_autofree char *complete_path = upload_path (id, "complete/");

    g_assert_cmpuint (other->status, ==, 404);
    g_assert_cmpint (head_offset (server, fixture->token_b, id), ==, -1);
    nt_expect (server, "DELETE", path, fixture->token_b, NULL, 404);
    nt_expect (server, "POST", complete_path, fixture->token_b, "{}", 404);
  }
  g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, 0);

  /* Creation's fields. */
  {
    g_autoptr(JsonNode) too_big = nt_request (server, "POST", UPLOADS, fixture->token_staff,
                                              "{\"filename\": \"a.mp4\", \"size\": 3221225472}", 413);
    g_autoptr(JsonNode) zero = nt_request (server, "POST", UPLOADS, fixture->token_staff,
                                           "{\"filename\": \"a.mp4\", \"size\": 0}", 400);
    g_autoptr(JsonNode) types = nt_request (server, "POST", UPLOADS, fixture->token_staff,
                                            "{\"filename\": [], \"size\": \"big\"}", 400);

    g_assert_cmpint (int_member (ad_object (too_big), "max_size"), ==, G_GINT64_CONSTANT (2) << 30);
    g_assert_nonnull (fc_json_get_array (ad_object (zero), "size"));
    g_assert_nonnull (fc_json_get_array (ad_object (types), "size"));
    g_assert_nonnull (fc_json_get_array (ad_object (types), "filename"));
  }

  /* PATCH: type 415, no offset 400, past the size 413 (nothing other). */
  {
    g_autoptr(FcTestResponse) type = patch (server, fixture->token_staff, id, 0, "application/json", ten);
    g_autoptr(FcTestResponse) over = patch (server, fixture->token_staff, id, 0, UPLOAD_TYPE, hundred_one);
    g_autofree char *auth = bearer (fixture->token_staff);
    const char *headers[] = { "Authorization", auth, NULL };
    g_autoptr(FcTestResponse) no_offset = fc_test_request_full (server, "PATCH", path, headers,
                                                                 UPLOAD_TYPE, ten);

    g_assert_cmpuint (type->status, ==, 415);
    g_assert_cmpuint (over->status, ==, 413);
    g_assert_cmpstr (soup_message_headers_get_one (over->headers, "Upload-Offset"), ==, "0");
    g_assert_cmpuint (no_offset->status, ==, 400);
  }
  g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, 0);

  /* A wrong offset: 409 with the right one. */
  send_bytes (server, fixture->token_staff, id, 0, ten);
  {
    g_autoptr(FcTestResponse) ahead = patch (server, fixture->token_staff, id, 20, UPLOAD_TYPE, ten);

    g_assert_cmpuint (ahead->status, ==, 409);
    g_assert_cmpstr (soup_message_headers_get_one (ahead->headers, "Upload-Offset"), ==, "10");
  }

  /* An Idempotency-Key on a PATCH is ignored: the offset is what makes
   * it safe to repeat, so the same key with the next bytes is no replay. */
  for (guint i = 0; i < 2; i++) {
    g_autofree char *auth = bearer (fixture->token_staff);
    g_autofree char *offset = g_strdup_printf ("%u", 10 + 10 * i);
    g_autofree char *expected = g_strdup_printf ("%u", 20 + 10 * i);
    const char *headers[] = { "Authorization", auth, "Upload-Offset", offset,
                              "Idempotency-Key", "same-key", NULL };
    g_autoptr(FcTestResponse) keyed = fc_test_request_full (server, "PATCH", path, headers,
                                                            UPLOAD_TYPE, ten);

    g_assert_cmpuint (keyed->status, ==, 204);
    g_assert_cmpstr (soup_message_headers_get_one (keyed->headers, "Upload-Offset"), ==, expected);
    g_assert_null (soup_message_headers_get_one (keyed->headers, "Idempotent-Replayed"));
  }

  /* At most 20 open uploads each. */
  for (guint i = 1; i < 20; i++) {
    g_autofree char *more = new_upload (server, fixture->token_staff, 10);
  }
  {
    g_autoptr(FcTestResponse) one_more = create_upload (server, fixture->token_staff, 10);

    g_assert_cmpuint (one_more->status, ==, 429);
  }

  /* DELETE: gone, bytes and all; then there is room again. */
  {
    g_autofree char *part = part_file (server, id);

    g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
    nt_expect (server, "DELETE", path, fixture->token_staff, NULL, 204);
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
    g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, -1);
    g_free (new_upload (server, fixture->token_staff, 10));
  }
}

/* A day later (the server restarted with its clock 25 h on), the upload
 * is gone: 404, no row, no bytes. */
static void
test_expiry (NtFixture     *fixture,
             gconstpointer  data)
{
  g_autoptr(FcTestServer) old = fixture->server;
  g_autofree char *id = new_upload (old, fixture->token_staff, 100);
  g_autofree char *other = new_upload (old, fixture->token_staff, 100);
  g_autofree char *part = part_file (old, id);
  g_autoptr(GBytes) ten = random_bytes (10);

  send_bytes (old, fixture->token_staff, id, 0, ten);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpint (fc_test_server_stop (old), ==, 0);

  /* 23 h on: still there. */
  fixture->server = fc_test_server_start_in (old->data_dir, NT_CONFIG "test_clock_offset=82800\n", NULL);
  g_assert_cmpint (head_offset (fixture->server, fixture->token_staff, id), ==, 10);
  g_assert_cmpint (fc_test_server_stop (fixture->server), ==, 0);
  g_clear_pointer (&fixture->server, fc_test_server_free);

  fixture->server = fc_test_server_start_in (old->data_dir, NT_CONFIG "test_clock_offset=90000\n", NULL);
  g_assert_cmpint (head_offset (fixture->server, fixture->token_staff, id), ==, -1);
  g_assert_cmpint (head_offset (fixture->server, fixture->token_staff, other), ==, -1);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM admin_uploads"), ==, 0);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  /* Expired uploads no longer count against the limit either. */
  g_free (new_upload (fixture->server, fixture->token_staff, 10));
  /* The fixture frees the new server first; the old one owns the dir. */
  g_clear_pointer (&fixture->server, fc_test_server_free);
  fixture->server = g_steal_pointer (&old);
}

/* A PATCH whose body comes a few bytes at a time leaves the server
 * answering everyone else meanwhile; the body still arrives whole. */
static void
test_trickle (NtFixture     *fixture,
              gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(GBytes) body = random_bytes (60);
  g_autofree char *id = new_upload (server, fixture->token_staff, 60);
  g_autofree char *expected = sha256_of (body);
  g_autofree char *part = part_file (server, id);
  g_autofree char *stored = NULL;
  g_autoptr(GSocketConnection) connection = fc_test_connect_raw (server->base_url);
  const guint8 *bytes = g_bytes_get_data (body, NULL);

  write_patch_headers (connection, fixture->token_staff, id, 0, 60);
  for (guint i = 0; i < 6; i++) {
    fc_test_write_all (connection, bytes + i * 10, 10);
    if (i < 5) {
      g_autoptr(JsonNode) pong = NULL;
      gint64 started = g_get_monotonic_time ();

      /* The PATCH is open: others are served, and its offset is still
       * the old one. */
      pong = nt_request (server, "GET", "/api/v1/ping/", NULL, NULL, 200);
      g_assert_true (json_object_get_boolean_member (ad_object (pong), "ok"));
      /* Milliseconds when nothing holds the main loop; 10 s is for a
       * machine under any load. */
      g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
      g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, 0);
    }
  }
  g_assert_cmpuint (fc_test_read_status (connection), ==, 204);
  g_assert_cmpint (head_offset (server, fixture->token_staff, id), ==, 60);
  stored = file_sha256 (part);
  g_assert_cmpstr (stored, ==, expected);
}

/* Under AddressSanitizer, freed memory waits in a quarantine (256 MiB by
 * default) before it is reused, so every buffer libsoup reads a body into
 * would count as growth; with a small one, RSS measures the server's code
 * again. Set before the server starts; harmless without the sanitizer. */
static void
memory_set_up (NtFixture     *fixture,
               gconstpointer  data)
{
  const char *options = g_getenv ("ASAN_OPTIONS");
  g_autofree char *saved = g_strdup (options);
  g_autofree char *small = g_strconcat (options != NULL ? options : "",
                                        options != NULL ? ":" : "", "quarantine_size_mb=1", NULL);

  g_setenv ("ASAN_OPTIONS", small, TRUE);
  nt_fixture_set_up (fixture, data);
  if (saved != NULL)
    g_setenv ("ASAN_OPTIONS", saved, TRUE);
  else
    g_unsetenv ("ASAN_OPTIONS");
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/uploads/memory", NtFixture, NULL, memory_set_up, test_memory,
              nt_fixture_tear_down);
  g_test_add ("/admin/uploads/resume", NtFixture, NULL, nt_fixture_set_up, test_resume,
              nt_fixture_tear_down);
  g_test_add ("/admin/uploads/complete", NtFixture, NULL, nt_fixture_set_up, test_complete,
              nt_fixture_tear_down);
  g_test_add ("/admin/uploads/not-video", NtFixture, NULL, nt_fixture_set_up, test_not_video,
              nt_fixture_tear_down);
  g_test_add ("/admin/uploads/refusals", NtFixture, NULL, nt_fixture_set_up, test_refusals,
              nt_fixture_tear_down);
  g_test_add ("/admin/uploads/expiry", NtFixture, NULL, nt_fixture_set_up, test_expiry,
              nt_fixture_tear_down);
  g_test_add ("/admin/uploads/trickle", NtFixture, NULL, nt_fixture_set_up, test_trickle,
              nt_fixture_tear_down);
  return g_test_run ();
}

/* test-server-profile.c — /api/v1/auth/profile/ and /media/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"

#define PROFILE "/api/v1/auth/profile/"

static FcTestServer *shared;

static GBytes *
make_png (int width,
          int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize size = 0;

  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  gsize n = (gsize) gdk_pixbuf_get_rowstride (pixbuf) * height;

  /* Noise, so that the PNG does not compress to nothing. */
  for (gsize i = 0; i < n; i++)
    pixels[i] = g_test_rand_int_range (0, 256);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

/* A multipart PATCH with an optional file part and form fields. */
static FcTestResponse *
patch_multipart (FcTestServer *server,
                 const char   *token,
                 const char   *filename,
                 GBytes       *file,
                 ...)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  const char *request_headers[] = { "Authorization", authorization, NULL };
  g_autoptr(GBytes) body = NULL;
  g_autofree char *content_type = NULL;
  const char *name;
  va_list args;

  if (file != NULL)
    soup_multipart_append_form_file (multipart, "img", filename, "image/png", file);
  va_start (args, file);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_multipart_append_form_string (multipart, name, va_arg (args, const char *));
  va_end (args);

  soup_multipart_to_message (multipart, headers, &body);
  content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  return fc_test_request_full (server, "PATCH", PROFILE, request_headers, content_type, body);
}

static char *
profile_img (FcTestResponse *response)
{
  JsonObject *object = fc_test_response_object (response);

  return g_strdup (fc_json_get_string (object, "img"));
}

static void
test_fresh_profile (void)
{
  g_autofree char *token = fc_st_register (shared, "fresh@fitcore.test");
  g_autoptr(FcTestResponse) response = fc_test_request (shared, "GET", PROFILE, token, NULL);
  JsonObject *object = fc_test_response_object (response);
  g_autofree char *expected_tail = g_strdup (",\"user\":{\"email\":\"fresh@fitcore.test\",\"first_name\":\"Test\","
                                             "\"last_name\":\"User\"},\"img\":null,\"age\":null,\"weight\":null,"
                                             "\"height\":null,\"gender\":null,\"fitness_goal\":null}");
  g_autofree char *body = fc_st_body (response);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (fc_json_has_member (object, "id"));
  g_assert_true (g_str_has_prefix (body, "{\"id\":"));
  g_assert_true (g_str_has_suffix (body, expected_tail));
}

static void
test_json_update (void)
{
  g_autofree char *token = fc_st_register (shared, "json@fitcore.test");
  g_autoptr(FcTestResponse) patch = NULL;
  g_autoptr(FcTestResponse) put = NULL;
  g_autoptr(FcTestResponse) bad = NULL;
  g_autoptr(FcTestResponse) strings = NULL;
  g_autofree char *body = NULL;

  patch = fc_test_request (shared, "PATCH", PROFILE, token,
                           "{\"age\":29,\"weight\":72.5,\"height\":178,\"gender\":\"male\",\"fitness_goal\":\"Lose fat\"}");
  g_assert_cmpuint (patch->status, ==, 200);
  body = fc_st_body (patch);
  g_assert_true (g_str_has_suffix (body, "\"img\":null,\"age\":29,\"weight\":72.5,\"height\":178.0,"
                                         "\"gender\":\"male\",\"fitness_goal\":\"Lose fat\"}"));

  /* PUT is PATCH: every field is optional. Numeric strings are numbers. */
  put = fc_test_request (shared, "PUT", PROFILE, token, "{\"weight\":\"70.25\",\"gender\":null}");
  g_clear_pointer (&body, g_free);
  body = fc_st_body (put);
  g_assert_true (g_str_has_suffix (body, "\"img\":null,\"age\":29,\"weight\":70.25,\"height\":178.0,"
                                         "\"gender\":null,\"fitness_goal\":\"Lose fat\"}"));

  bad = fc_test_request (shared, "PATCH", PROFILE, token,
                         "{\"age\":-1,\"weight\":\"abc\",\"gender\":\"other\",\"height\":-2}");
  fc_st_assert_response (bad, 400, "{\"age\":[\"Ensure this value is greater than or equal to 0.\"],"
                                   "\"weight\":[\"A valid number is required.\"],"
                                   "\"height\":[\"Ensure this value is greater than or equal to 0.\"],"
                                   "\"gender\":[\"\\\"other\\\" is not a valid choice.\"]}");
  strings = fc_test_request (shared, "PATCH", PROFILE, token, "{\"img\":\"http://x/a.png\"}");
  g_assert_cmpuint (strings->status, ==, 400);
}

static void
test_multipart_image (void)
{
  g_autofree char *token = fc_st_register (shared, "img@fitcore.test");
  g_autoptr(GBytes) png = make_png (16, 12);
  g_autoptr(GBytes) fake = g_bytes_new_static ("not an image at all", 19);
  g_autoptr(FcTestResponse) upload = NULL;
  g_autoptr(FcTestResponse) second = NULL;
  g_autoptr(FcTestResponse) rejected = NULL;
  g_autoptr(FcTestResponse) disguised = NULL;
  g_autoptr(FcTestResponse) cleared = NULL;
  g_autoptr(FcTestResponse) untouched = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *url4 = NULL;
  g_autofree char *url = NULL;
  g_autofree char *url2 = NULL;
  g_autofree char *url3 = NULL;
  g_autofree char *prefix = g_strconcat (shared->base_url, "/media/profile/", NULL);
  JsonObject *object;
  gint64 age = 0;

  upload = patch_multipart (shared, token, "avatar.png", png, "age", "31", "gender", "female",
                            "weight", "", NULL);
  g_assert_cmpuint (upload->status, ==, 200);
  object = fc_test_response_object (upload);
  g_assert_true (fc_json_get_int (object, "age", &age));
  g_assert_cmpint (age, ==, 31);
  g_assert_cmpstr (fc_json_get_string (object, "gender"), ==, "female");
  g_assert_true (fc_json_is_null (object, "weight"));
  url = profile_img (upload);
  g_assert_true (g_str_has_prefix (url, prefix));
  g_assert_true (g_str_has_suffix (url, ".png"));

  /* A second upload of the same name gets a name of its own. */
  second = patch_multipart (shared, token, "avatar.png", png, NULL);
  url2 = profile_img (second);
  g_assert_true (g_str_has_prefix (url2, prefix));

  rejected = patch_multipart (shared, token, "avatar.png", fake, NULL);
  fc_st_assert_response (rejected, 400, "{\"img\":[\"Upload a valid image. The file you uploaded was either "
                                        "not an image or a corrupted image.\"]}");

  /* A real PNG called .html is stored as .png. */
  disguised = patch_multipart (shared, token, "page.html", png, NULL);
  url3 = profile_img (disguised);
  g_assert_true (g_str_has_suffix (url3, "/page.png"));

  /* A file input left empty changes nothing. */
  untouched = patch_multipart (shared, token, "", empty, NULL);
  g_assert_cmpuint (untouched->status, ==, 200);
  url4 = profile_img (untouched);
  g_assert_cmpstr (url4, ==, url3);

  cleared = patch_multipart (shared, token, NULL, NULL, "img", "", NULL);
  g_assert_cmpuint (cleared->status, ==, 200);
  g_assert_true (fc_json_is_null (fc_test_response_object (cleared), "img"));
}

static void
test_media (void)
{
  g_autofree char *token = fc_st_register (shared, "media@fitcore.test");
  g_autoptr(GBytes) png = make_png (40, 30);
  g_autoptr(FcTestResponse) upload = patch_multipart (shared, token, "me.png", png, NULL);
  g_autofree char *url = profile_img (upload);
  const char *path = url + strlen (shared->base_url);
  g_autofree char *etag = NULL;
  g_autofree char *traversal_body = NULL;
  g_autoptr(FcTestResponse) full = NULL;
  g_autoptr(FcTestResponse) range = NULL;
  g_autoptr(FcTestResponse) cached = NULL;
  g_autoptr(FcTestResponse) traversal = NULL;
  g_autoptr(FcTestResponse) missing = NULL;
  g_autoptr(FcTestResponse) json_null = NULL;
  gsize size;

  full = fc_test_request (shared, "GET", path, NULL, NULL);
  g_assert_cmpuint (full->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (full->headers, NULL), ==, "image/png");
  g_assert_true (g_bytes_equal (full->body, png));
  g_assert_cmpint (soup_message_headers_get_content_length (full->headers), ==, g_bytes_get_size (png));
  etag = g_strdup (soup_message_headers_get_one (full->headers, "ETag"));
  g_assert_nonnull (etag);

  range = fc_st_request (shared, "GET", path, NULL, NULL, "Range", "bytes=0-7", NULL);
  g_assert_cmpuint (range->status, ==, 206);
  g_assert_cmpmem (g_bytes_get_data (range->body, &size), size, "\x89PNG\r\n\x1a\n", 8);

  cached = fc_st_request (shared, "GET", path, NULL, NULL, "If-None-Match", etag, NULL);
  g_assert_cmpuint (cached->status, ==, 304);

  traversal = fc_test_request (shared, "GET", "/media/profile/%2e%2e/%2e%2e/secret_key", NULL, NULL);
  g_assert_cmpuint (traversal->status, >=, 400);
  g_assert_cmpuint (traversal->status, <, 500);
  traversal_body = fc_st_body (traversal);
  g_assert_null (strstr (traversal_body, "secret"));
  missing = fc_test_request (shared, "GET", "/media/profile/none.png", NULL, NULL);
  fc_st_assert_response (missing, 404, "{\"detail\":\"Not found.\"}");

  json_null = fc_test_request (shared, "PATCH", PROFILE, token, "{\"img\":null}");
  g_assert_true (fc_json_is_null (fc_test_response_object (json_null), "img"));
  /* The old file is gone with the reference. */
  {
    g_autoptr(FcTestResponse) gone = fc_test_request (shared, "GET", path, NULL, NULL);

    g_assert_cmpuint (gone->status, ==, 404);
  }
}

static void
test_methods_and_owners (void)
{
  g_autofree char *a = fc_st_register (shared, "owner-a@fitcore.test");
  g_autofree char *b = fc_st_register (shared, "owner-b@fitcore.test");
  g_autoptr(FcTestResponse) post = fc_test_request (shared, "POST", PROFILE, a, "{}");
  g_autoptr(FcTestResponse) delete = fc_test_request (shared, "DELETE", PROFILE, a, NULL);
  g_autoptr(FcTestResponse) anonymous = fc_test_request (shared, "GET", PROFILE, NULL, NULL);
  g_autoptr(FcTestResponse) anonymous_patch = fc_test_request (shared, "PATCH", PROFILE, NULL, "{\"age\":1}");
  g_autoptr(FcTestResponse) patch_a = fc_test_request (shared, "PATCH", PROFILE, a, "{\"fitness_goal\":\"A's goal\"}");
  g_autoptr(FcTestResponse) get_b = fc_test_request (shared, "GET", PROFILE, b, NULL);
  gint64 id_a = 0, id_b = 0;

  fc_st_assert_response (post, 405, "{\"detail\":\"Method \\\"POST\\\" not allowed.\"}");
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Allow"), ==, "GET, PUT, PATCH, HEAD, OPTIONS");
  g_assert_cmpuint (delete->status, ==, 405);
  fc_st_assert_response (anonymous, 401, "{\"detail\":\"Authentication credentials were not provided.\"}");
  g_assert_cmpuint (anonymous_patch->status, ==, 401);

  /* B never sees A's data, even right after A wrote it. */
  g_assert_cmpuint (patch_a->status, ==, 200);
  g_assert_true (fc_json_is_null (fc_test_response_object (get_b), "fitness_goal"));
  g_assert_cmpstr (fc_json_get_string (fc_json_get_object (fc_test_response_object (get_b), "user"), "email"),
                   ==, "owner-b@fitcore.test");
  g_assert_true (fc_json_get_int (fc_test_response_object (patch_a), "id", &id_a));
  g_assert_true (fc_json_get_int (fc_test_response_object (get_b), "id", &id_b));
  g_assert_cmpint (id_a, !=, id_b);
}

static void
test_idempotent_patch (void)
{
  g_autofree char *token = fc_st_register (shared, "idem-profile@fitcore.test");
  g_autoptr(FcTestResponse) first = fc_st_request (shared, "PATCH", PROFILE, token, "{\"age\":40}",
                                                   "Idempotency-Key", "p-1", NULL);
  g_autoptr(FcTestResponse) change = fc_test_request (shared, "PATCH", PROFILE, token, "{\"age\":41}");
  g_autoptr(FcTestResponse) replay = fc_st_request (shared, "PATCH", PROFILE, token, "{\"age\":40}",
                                                    "Idempotency-Key", "p-1", NULL);
  g_autoptr(FcTestResponse) now = fc_test_request (shared, "GET", PROFILE, token, NULL);
  g_autofree char *first_body = fc_st_body (first);
  gint64 age = 0;

  /* The replay returns the first answer and changes nothing. */
  fc_st_assert_response (replay, 200, first_body);
  g_assert_cmpstr (soup_message_headers_get_one (replay->headers, "Idempotent-Replayed"), ==, "true");
  g_assert_true (fc_json_get_int (fc_test_response_object (now), "age", &age));
  g_assert_cmpint (age, ==, 41);
  g_assert_cmpuint (change->status, ==, 200);
}

static void
test_upload_too_large (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("max_upload_size=4096", FALSE);
  g_autofree char *token = fc_st_register (server, "big@fitcore.test");
  g_autoptr(GBytes) png = make_png (400, 400);
  g_autoptr(FcTestResponse) response = NULL;

  g_assert_cmpuint (g_bytes_get_size (png), >, 4096);
  response = patch_multipart (server, token, "big.png", png, NULL);
  fc_st_assert_response (response, 413, "{\"detail\":\"Request body too large.\"}");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fc_st_init_environment ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/profile/fresh", test_fresh_profile);
  g_test_add_func ("/server/profile/json-update", test_json_update);
  g_test_add_func ("/server/profile/multipart-image", test_multipart_image);
  g_test_add_func ("/server/profile/media", test_media);
  g_test_add_func ("/server/profile/methods-and-owners", test_methods_and_owners);
  g_test_add_func ("/server/profile/idempotent-patch", test_idempotent_patch);
  g_test_add_func ("/server/profile/upload-too-large", test_upload_too_large);

  shared = fc_st_start (NULL, FALSE);
  status = g_test_run ();
  fc_test_server_free (shared);
  return status;
}

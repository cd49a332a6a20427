/* test-image-uploads.c — uploaded images are sized from their header and
 * decoded off the server's main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's one image upload is the profile picture (workout and video
 * thumbnails are made from the videos, on a worker thread already). A few
 * kilobytes of PNG can claim 40 megapixels: decoding one stalled every other
 * request for 0.7 s (issue 10, 1.11). The PNGs are written here, a solid
 * colour row after row, so that even a large one is a small file.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "nutrition-test-util.h"

#define PROFILE "/api/v1/auth/profile/"
#define PING "/api/v1/ping/"
#define INVALID_IMAGE "Upload a valid image. The file you uploaded was either not an image or a " \
                      "corrupted image."
/* The server's bound (src/server/fc-validate.h). */
#define PIXELS_MAX (16 * 1000 * 1000)

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  static guint32 table[256];

  if (table[1] == 0) {
    for (guint32 n = 0; n < 256; n++) {
      guint32 c = n;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[n] = c;
    }
  }
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         length)
{
  guint32 be = GUINT32_TO_BE ((guint32) length);
  guint32 crc;

  g_byte_array_append (png, (const guint8 *) &be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (png, data, (guint) length);
  crc = crc32_update (crc32_update (0, (const guint8 *) type, 4), data, length);
  be = GUINT32_TO_BE (crc);
  g_byte_array_append (png, (const guint8 *) &be, 4);
}

/* An 8-bit RGB PNG of one colour. */
static GBytes *
make_solid_png (guint32 width,
                guint32 height)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  g_autofree guint8 *row = g_malloc (1 + (gsize) width * 3);
  guint8 out[64 * 1024];
  guint8 ihdr[13];
  guint32 be;

  /* Filter "none", then a grey pixel after pixel. */
  row[0] = 0;
  memset (row + 1, 0x80, (gsize) width * 3);
  for (guint32 y = 0; y <= height; y++) {
    gboolean last = y == height;
    gsize length = last ? 0 : 1 + (gsize) width * 3;
    gsize offset = 0;
    GConverterResult result;

    do {
      gsize read = 0, written = 0;
      g_autoptr(GError) error = NULL;

      result = g_converter_convert (G_CONVERTER (compressor), row + offset, length - offset,
                                    out, sizeof out,
                                    last ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                    &read, &written, &error);
      g_assert_no_error (error);
      offset += read;
      g_byte_array_append (idat, out, (guint) written);
    } while (last ? result != G_CONVERTER_FINISHED : offset < length);
  }

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  be = GUINT32_TO_BE (width);
  memcpy (ihdr, &be, 4);
  be = GUINT32_TO_BE (height);
  memcpy (ihdr + 4, &be, 4);
  ihdr[8] = 8;   /* bit depth */
  ihdr[9] = 2;   /* RGB */
  ihdr[10] = 0;  /* deflate */
  ihdr[11] = 0;  /* adaptive filtering */
  ihdr[12] = 0;  /* not interlaced */
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

/* A multipart PATCH of the profile with @png as its image, on @session (the
 * test server's, or another thread's own). */
static guint
patch_image (SoupSession  *session,
             const char   *base_url,
             const char   *token,
             GBytes       *png,
             GBytes      **out_body)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *url = g_strconcat (base_url, PROFILE, NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) message = soup_message_new ("PATCH", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_multipart_append_form_file (multipart, "img", "big.png", "image/png", png);
  soup_multipart_to_message (multipart, headers, &body);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                authorization);
  soup_message_set_request_body_from_bytes (message,
                                            soup_message_headers_get_one (headers,
                                                                          "Content-Type"),
                                            body);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  if (out_body != NULL)
    *out_body = g_steal_pointer (&answer);
  return soup_message_get_status (message);
}

/* 40 megapixels in a small file: refused from its header, quickly. */
static void
test_too_many_pixels (NtFixture     *fixture,
                      gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(GBytes) png = make_solid_png (8000, 5000);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  gint64 start;
  guint status;

  g_assert_cmpuint (g_bytes_get_size (png), <, 1024 * 1024);
  start = g_get_monotonic_time ();
  status = patch_image (srv->session, srv->base_url, fixture->token_a, png, &body);
  g_test_message ("40 MP PNG of %zu bytes: %u in %.3f s", g_bytes_get_size (png), status,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (text, ==, "{\"img\":[\"" INVALID_IMAGE "\"]}");

  /* Nothing was kept. */
  {
    g_autoptr(JsonNode) profile = nt_request (srv, "GET", PROFILE, fixture->token_a, NULL, 200);

    g_assert_true (fc_json_is_null (json_node_get_object (profile), "img"));
  }
}

typedef struct {
  const char *base_url;
  const char *token;
  GBytes     *png;
  guint       status;
  gint64      duration;
  gint        done;      /* atomic */
} Upload;

static gpointer
upload_thread (gpointer user_data)
{
  Upload *upload = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  gint64 start;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 60, NULL);
  start = g_get_monotonic_time ();
  upload->status = patch_image (session, upload->base_url, upload->token, upload->png, NULL);
  upload->duration = g_get_monotonic_time () - start;
  g_atomic_int_set (&upload->done, 1);
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* The largest image allowed takes a while to decode; meanwhile the server
 * goes on answering others. */
static void
test_decoded_off_main_loop (NtFixture     *fixture,
                            gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(GBytes) png = make_solid_png (4000, PIXELS_MAX / 4000);
  Upload upload = { srv->base_url, fixture->token_a, png, 0, 0, 0 };
  GThread *thread;
  gint64 longest_ping = 0;
  guint pings = 0;

  thread = g_thread_new ("upload", upload_thread, &upload);
  while (!g_atomic_int_get (&upload.done)) {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(FcTestResponse) response = fc_test_request (srv, "GET", PING, NULL, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    if (!g_atomic_int_get (&upload.done)) {
      longest_ping = MAX (longest_ping, g_get_monotonic_time () - start);
      pings++;
    }
  }
  g_thread_join (thread);

  g_test_message ("16 MP PNG of %zu bytes: %u in %.3f s; %u pings meanwhile, the longest "
                  "%.3f s", g_bytes_get_size (png), upload.status,
                  upload.duration / (double) G_USEC_PER_SEC, pings,
                  longest_ping / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (upload.status, ==, 200);
  /* Decoding on the main loop held one ping for nearly all of it. */
  g_assert_cmpuint (pings, >=, 3);
  g_assert_cmpint (longest_ping * 2, <, upload.duration);
}

int
main (int    argc,
      char **argv)
{
  nt_test_init (&argc, &argv);

  g_test_add ("/images/too-many-pixels", NtFixture, NULL, nt_fixture_set_up,
              test_too_many_pixels, nt_fixture_tear_down);
  g_test_add ("/images/decoded-off-main-loop", NtFixture, NULL, nt_fixture_set_up,
              test_decoded_off_main_loop, nt_fixture_tear_down);

  return g_test_run ();
}

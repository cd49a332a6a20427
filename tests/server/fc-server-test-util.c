/* fc-server-test-util.c — shared steps of the server integration tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"

void
fc_st_init_environment (void)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
}

FcTestServer *
fc_st_start (const char *extra,
             gboolean    demo)
{
  g_autofree char *config = g_strdup_printf ("[server]\npassword_iterations=1000\n%s\n",
                                             extra != NULL ? extra : "");
  const char * const demo_args[] = { "--demo", NULL };

  return fc_test_server_start (config, demo ? demo_args : NULL);
}

char *
fc_st_body (FcTestResponse *response)
{
  gsize size = 0;
  const char *data = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;

  return g_strndup (data != NULL ? data : "", size);
}

void
fc_st_assert_response (FcTestResponse *response,
                       guint           status,
                       const char     *body)
{
  g_autofree char *text = fc_st_body (response);

  g_assert_cmpstr (text, ==, body);
  g_assert_cmpuint (response->status, ==, status);
}

FcTestResponse *
fc_st_request (FcTestServer *server,
               const char   *method,
               const char   *path,
               const char   *token,
               const char   *json,
               ...)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;
  const char *name;
  va_list args;

  if (token != NULL) {
    g_ptr_array_add (headers, g_strdup ("Authorization"));
    g_ptr_array_add (headers, g_strdup_printf ("Bearer %s", token));
  }
  va_start (args, json);
  while ((name = va_arg (args, const char *)) != NULL) {
    g_ptr_array_add (headers, g_strdup (name));
    g_ptr_array_add (headers, g_strdup (va_arg (args, const char *)));
  }
  va_end (args);
  g_ptr_array_add (headers, NULL);

  return fc_test_request_full (server, method, path, (const char * const *) headers->pdata,
                               "application/json", body);
}

typedef struct {
  GPtrArray *values;
} CookieCollector;

static void
collect_cookie (const char *name,
                const char *value,
                gpointer    user_data)
{
  GPtrArray *values = user_data;

  if (g_ascii_strcasecmp (name, "Set-Cookie") == 0)
    g_ptr_array_add (values, g_strdup (value));
}

GPtrArray *
fc_st_set_cookies (FcTestResponse *response)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  soup_message_headers_foreach (response->headers, collect_cookie, values);
  return values;
}

sqlite3 *
fc_st_open_db (FcTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "fitcore.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

gint64
fc_st_query_int (sqlite3    *db,
                 const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

gint64
fc_st_jwt_claim (const char *token,
                 const char *claim)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr(GString) padded = NULL;
  g_autofree guchar *json = NULL;
  g_autoptr(JsonObject) payload = NULL;
  gsize length = 0;
  gint64 value = -1;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  padded = g_string_new (parts[1]);
  g_strdelimit (padded->str, "-", '+');
  g_strdelimit (padded->str, "_", '/');
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  json = g_base64_decode (padded->str, &length);
  payload = fc_json_parse_object ((const char *) json, length, NULL);
  g_assert_nonnull (payload);
  g_assert_true (fc_json_get_int (payload, claim, &value));
  return value;
}

char *
fc_st_register (FcTestServer *server,
                const char   *email)
{
  return fc_test_register (server, email, FC_ST_PASSWORD, NULL);
}

char *
fc_st_b64url (const char *text)
{
  char *out = g_base64_encode ((const guchar *) text, strlen (text));
  gsize n = strlen (out);

  while (n > 0 && out[n - 1] == '=')
    out[--n] = '\0';
  g_strdelimit (out, "+", '-');
  g_strdelimit (out, "/", '_');
  return out;
}

/* fc-server-request.c — one HTTP request as a route handler sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "fc-json-out.h"
#include "fc-sql.h"
#include "fc-server-private.h"
#include "fc-validate.h"

#define MAX_PAGE_SIZE 100

/* Answers built off the main loop at once. Each holds its whole JSON tree
 * (tens of megabytes for the largest plan) until it is written out, so
 * more wait in line rather than all build together. */
#define BUILD_WORKERS 2
/* A worker's read connection waits this long for a lock (a checkpoint). */
#define READ_BUSY_TIMEOUT_MS 5000

static void
uploaded_file_free (gpointer data)
{
  FcUploadedFile *file = data;

  g_bytes_unref (file->data);
  g_free (file->filename);
  g_free (file->content_type);
  g_free (file);
}

/* The Host header names the server as the client reached it; Django builds
 * absolute links from it too. Anything that is not a plain host[:port] falls
 * back to the address the request came in on. */
static char *
build_base_url (SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *host = soup_message_headers_get_one (headers, "Host");
  gboolean valid = host != NULL && *host != '\0';

  for (const char *p = host; valid && *p != '\0'; p++)
    valid = g_ascii_isalnum (*p) || strchr (".-:[]", *p) != NULL;
  if (valid)
    return g_strdup_printf ("http://%s", host);

  return g_strdup_printf ("http://%s:%d", g_uri_get_host (soup_server_message_get_uri (message)),
                          g_uri_get_port (soup_server_message_get_uri (message)));
}

static void
on_message_finished_cb (FcServerRequest *self)
{
  self->finished = TRUE;
}

FcServerRequest *
fc_server_request_new (FcServer          *server,
                       SoupServerMessage *message)
{
  FcServerRequest *self = g_new0 (FcServerRequest, 1);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *query = g_uri_get_query (soup_server_message_get_uri (message));
  const char *cookie = soup_message_headers_get_one (headers, "Cookie");

  self->ref_count = 1;
  self->server = g_object_ref (server);
  self->message = g_object_ref (message);
  self->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->query = query != NULL ? soup_form_decode (query)
                              : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cookies = cookie != NULL ? soup_header_parse_semi_param_list (cookie)
                                 : g_hash_table_new (g_str_hash, g_str_equal);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, uploaded_file_free);
  self->body = json_object_new ();
  self->base_url = build_base_url (message);
  self->started_us = g_get_monotonic_time ();
  /* A client that hangs up while an async handler works must not be
   * answered on a dead message. */
  g_signal_connect_swapped (message, "finished", G_CALLBACK (on_message_finished_cb), self);
  return self;
}

FcServerRequest *
fc_server_request_ref (FcServerRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  self->ref_count++;
  return self;
}

void
fc_server_request_unref (FcServerRequest *self)
{
  g_return_if_fail (self != NULL);

  if (--self->ref_count > 0)
    return;

  if (!self->responded && !self->finished) {
    g_critical ("%s %s: the handler never responded", fc_server_request_get_method (self),
                fc_server_request_get_path (self));
    fc_server_request_respond_detail (self, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
  }

  if (self->prefetched_free != NULL)
    g_clear_pointer (&self->prefetched, self->prefetched_free);
  g_signal_handlers_disconnect_by_data (self->message, self);
  g_object_unref (self->server);
  g_object_unref (self->message);
  g_hash_table_unref (self->params);
  g_hash_table_unref (self->query);
  g_hash_table_unref (self->cookies);
  g_hash_table_unref (self->files);
  json_object_unref (self->body);
  g_free (self->base_url);
  g_free (self->idempotency_key);
  g_free (self->forwarded_for);
  g_free (self);
}

void
fc_server_request_set_prefetched (FcServerRequest *self,
                                  gpointer         data,
                                  GDestroyNotify   destroy)
{
  if (self->prefetched_free != NULL)
    g_clear_pointer (&self->prefetched, self->prefetched_free);
  self->prefetched = data;
  self->prefetched_free = destroy;
}

gpointer
fc_server_request_steal_prefetched (FcServerRequest *self)
{
  self->prefetched_free = NULL;
  return g_steal_pointer (&self->prefetched);
}

FcServer *
fc_server_request_get_server (FcServerRequest *self)
{
  return self->server;
}

FcSql *
fc_server_request_get_db (FcServerRequest *self)
{
  return fc_server_get_db (self->server);
}

const char *
fc_server_request_get_method (FcServerRequest *self)
{
  return soup_server_message_get_method (self->message);
}

const char *
fc_server_request_get_path (FcServerRequest *self)
{
  return g_uri_get_path (soup_server_message_get_uri (self->message));
}

const char *
fc_server_request_get_base_url (FcServerRequest *self)
{
  return self->base_url;
}

char *
fc_server_request_dup_local_url (FcServerRequest *self)
{
  GSocketAddress *local = soup_server_message_get_local_address (self->message);
  GInetSocketAddress *inet;
  g_autofree char *host = NULL;
  gboolean v6;

  if (!G_IS_INET_SOCKET_ADDRESS (local))
    return g_strdup ("http://localhost");
  inet = G_INET_SOCKET_ADDRESS (local);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  v6 = strchr (host, ':') != NULL;
  return g_strdup_printf ("http://%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
                          g_inet_socket_address_get_port (inet));
}

const char *
fc_server_request_get_header (FcServerRequest *self,
                              const char      *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (self->message),
                                       name);
}

const char *
fc_server_request_get_cookie (FcServerRequest *self,
                              const char      *name)
{
  return g_hash_table_lookup (self->cookies, name);
}

const char *
fc_server_request_get_client_address (FcServerRequest *self)
{
  const char *peer = soup_server_message_get_remote_host (self->message);
  char * const *proxies = fc_server_get_config (self->server)->trusted_proxies;
  const char *forwarded;
  g_auto(GStrv) hops = NULL;

  if (peer == NULL || !g_strv_contains ((const char * const *) proxies, peer))
    return peer;
  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (self->message),
                                             "X-Forwarded-For");
  if (forwarded == NULL)
    return peer;
  /* The nearest hop that is not a trusted proxy: those before it may be
   * made up by the client */
  hops = g_strsplit (forwarded, ",", -1);
  for (guint i = g_strv_length (hops); i > 0; i--) {
    const char *hop = g_strstrip (hops[i - 1]);

    if (*hop != '\0' && !g_strv_contains ((const char * const *) proxies, hop)) {
      g_free (self->forwarded_for);
      self->forwarded_for = g_strdup (hop);
      return self->forwarded_for;
    }
  }
  return peer;
}

const char *
fc_server_request_get_param (FcServerRequest *self,
                             const char      *name)
{
  return g_hash_table_lookup (self->params, name);
}

gint64
fc_server_request_get_id (FcServerRequest *self,
                          const char      *name)
{
  const char *text = g_hash_table_lookup (self->params, name);
  gint64 value = 0;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &value, NULL))
    return 0;
  return value;
}

const char *
fc_server_request_get_query (FcServerRequest *self,
                             const char      *name)
{
  return g_hash_table_lookup (self->query, name);
}

JsonObject *
fc_server_request_get_body (FcServerRequest *self)
{
  return self->body;
}

GBytes *
fc_server_request_dup_raw_body (FcServerRequest *self)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (self->message));
}

GBytes *
fc_server_request_get_file (FcServerRequest  *self,
                            const char       *name,
                            const char      **filename,
                            const char      **content_type)
{
  FcUploadedFile *file = g_hash_table_lookup (self->files, name);

  if (file == NULL)
    return NULL;
  if (filename != NULL)
    *filename = file->filename;
  if (content_type != NULL)
    *content_type = file->content_type;
  return file->data;
}

gint64
fc_server_request_get_user_id (FcServerRequest *self)
{
  return self->user_id;
}

gboolean
fc_server_request_is_staff (FcServerRequest *self)
{
  return self->user_id != 0 && self->is_staff;
}

void
fc_server_request_add_header (FcServerRequest *self,
                              const char      *name,
                              const char      *value)
{
  soup_message_headers_append (soup_server_message_get_response_headers (self->message), name,
                               value);
}

/* Body parsing. */

static gboolean
parse_multipart (FcServerRequest *self,
                 GBytes          *bytes)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (self->message);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, bytes);

  if (multipart == NULL) {
    fc_server_request_respond_detail (self, SOUP_STATUS_BAD_REQUEST,
                                      "Multipart form parse error - Invalid boundary in multipart: None");
    return FALSE;
  }

  for (int i = 0; i < soup_multipart_get_length (multipart); i++) {
    SoupMessageHeaders *part_headers = NULL;
    GBytes *part_body = NULL;
    g_autoptr(GHashTable) params = NULL;
    const char *name, *filename;

    if (!soup_multipart_get_part (multipart, i, &part_headers, &part_body) ||
        !soup_message_headers_get_content_disposition (part_headers, NULL, &params))
      continue;
    name = g_hash_table_lookup (params, "name");
    if (name == NULL)
      continue;
    filename = g_hash_table_lookup (params, "filename");

    /* A file input left empty: no file, as Django reads it (not a blank
     * value, which would clear the field). */
    if (filename != NULL && *filename == '\0')
      continue;
    if (filename != NULL) {
      FcUploadedFile *file = g_new0 (FcUploadedFile, 1);
      const char *type = soup_message_headers_get_content_type (part_headers, NULL);

      file->data = g_bytes_ref (part_body);
      file->filename = g_strdup (filename);
      file->content_type = g_strdup (type != NULL ? type : "application/octet-stream");
      g_hash_table_replace (self->files, g_strdup (name), file);
    } else {
      gsize size;
      const char *data = g_bytes_get_data (part_body, &size);
      g_autofree char *value = g_strndup (data, size);

      if (!g_utf8_validate (value, -1, NULL)) {
        fc_server_request_respond_detail (self, SOUP_STATUS_BAD_REQUEST,
                                          "Multipart form parse error - invalid UTF-8 in a field.");
        return FALSE;
      }
      json_object_set_string_member (self->body, name, value);
    }
  }
  return TRUE;
}

gboolean
fc_server_request_parse_body (FcServerRequest *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (self->message);
  SoupMessageBody *message_body = soup_server_message_get_request_body (self->message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (message_body);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  gsize size = g_bytes_get_size (bytes);
  const char *data = g_bytes_get_data (bytes, NULL);
  gboolean multipart = type != NULL && g_ascii_strcasecmp (type, "multipart/form-data") == 0;
  const char *path = fc_server_request_get_path (self);
  gsize limit = multipart ? fc_server_get_upload_limit (self->server, path)
                          : fc_server_get_body_limit (self->server, path);

  /* Bodies sent without a Content-Length reach here whole: check again. */
  if (size > limit) {
    fc_server_request_respond_detail (self, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                      "Request body too large.");
    return FALSE;
  }
  if (size == 0)
    return TRUE;

  if (type == NULL || g_ascii_strcasecmp (type, "application/json") == 0) {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) root = fc_json_parse (data, size, &error);

    if (root == NULL) {
      fc_server_request_respond_detail (self, SOUP_STATUS_BAD_REQUEST, error->message);
      return FALSE;
    }
    if (!JSON_NODE_HOLDS_OBJECT (root)) {
      g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
      const char *kind = JSON_NODE_HOLDS_ARRAY (root) ? "list"
                         : JSON_NODE_HOLDS_NULL (root) ? "NoneType"
                         : json_node_get_value_type (root) == G_TYPE_STRING ? "str"
                         : json_node_get_value_type (root) == G_TYPE_BOOLEAN ? "bool"
                         : json_node_get_value_type (root) == G_TYPE_INT64 ? "int" : "float";

      fc_field_errors_add (errors, "non_field_errors",
                           "Invalid data. Expected a dictionary, but got %s.", kind);
      fc_server_request_respond_errors (self, errors);
      return FALSE;
    }
    json_object_unref (self->body);
    self->body = json_object_ref (json_node_get_object (root));
    return TRUE;
  }

  if (g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") == 0) {
    g_autofree char *text = g_strndup (data, size);
    g_autoptr(GHashTable) fields = soup_form_decode (text);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, fields);
    while (g_hash_table_iter_next (&iter, &key, &value)) {
      if (g_utf8_validate (key, -1, NULL) && g_utf8_validate (value, -1, NULL))
        json_object_set_string_member (self->body, key, value);
    }
    return TRUE;
  }

  if (multipart)
    return parse_multipart (self, bytes);

  {
    g_autofree char *detail = g_strdup_printf ("Unsupported media type \"%s\" in request.", type);

    fc_server_request_respond_detail (self, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, detail);
  }
  return FALSE;
}

/* JSON output, byte-compatible with DRF's renderer: fc-json-out.c. */

char *
fc_server_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  fc_json_out_node (out, node);
  return g_string_free (out, FALSE);
}

/* Responding. */

void
fc_server_request_respond_raw (FcServerRequest *self,
                               guint            status,
                               const char      *content_type,
                               GBytes          *body)
{
  g_return_if_fail (!self->responded);

  /* A second answer replaces the first (the framework's 500 for a failed
   * commit): cookies the first one set would hand out tokens that were
   * never saved. */
  if (self->status != 0 && !self->finished)
    soup_message_headers_remove (soup_server_message_get_response_headers (self->message),
                                 "Set-Cookie");

  self->responded = TRUE;
  self->status = status;
  fc_server_note_answer (self->message, status);
  if (self->finished)
    return;

  /* libsoup 3.2 has no phrase for these. */
  soup_server_message_set_status (self->message, status,
                                  status == 429 ? "Too Many Requests"
                                  : status == 422 ? "Unprocessable Entity" : NULL);
  soup_message_body_truncate (soup_server_message_get_response_body (self->message));
  if (body != NULL) {
    SoupMessageHeaders *headers = soup_server_message_get_response_headers (self->message);

    if (content_type != NULL)
      soup_message_headers_replace (headers, "Content-Type", content_type);
    soup_message_body_append_bytes (soup_server_message_get_response_body (self->message), body);
  }
  fc_server_record_response (self->server, self, content_type, body);

  if (self->paused) {
    self->paused = FALSE;
    soup_server_message_unpause (self->message);
  }
}

void
fc_server_request_respond_json (FcServerRequest *self,
                                guint            status,
                                JsonNode        *node)
{
  g_autoptr(JsonNode) owned = node;
  g_autoptr(GBytes) body = NULL;
  char *text;

  g_return_if_fail (node != NULL);

  text = fc_server_json_to_string (node);
  body = g_bytes_new_take (text, strlen (text));
  fc_server_request_respond_raw (self, status, "application/json", body);
}

void
fc_server_request_respond_written (FcServerRequest *self,
                                   guint            status,
                                   GString         *body)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (body != NULL);

  bytes = g_string_free_to_bytes (body);
  fc_server_request_respond_raw (self, status, "application/json", bytes);
}

void
fc_server_request_respond_detail (FcServerRequest *self,
                                  guint            status,
                                  const char      *detail)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "detail", detail);
  json_node_take_object (node, object);
  fc_server_request_respond_json (self, status, node);
}

void
fc_server_request_respond_errors (FcServerRequest *self,
                                  FcFieldErrors   *errors)
{
  fc_server_request_respond_json (self, SOUP_STATUS_BAD_REQUEST, fc_field_errors_to_node (errors));
}

void
fc_server_request_respond_no_content (FcServerRequest *self)
{
  fc_server_request_respond_raw (self, SOUP_STATUS_NO_CONTENT, NULL, NULL);
}

gboolean
fc_server_request_has_responded (FcServerRequest *self)
{
  return self->responded;
}

/* Pagination, as DRF's PageNumberPagination with page_size_query_param. */

/* ?page_size=, as far as the config and the route allow. */
static gint64
page_size (FcServerRequest *self)
{
  FcServerConfig *config = fc_server_get_config (self->server);
  const char *size_text = fc_server_request_get_query (self, "page_size");
  gint64 page_size = config->page_size;

  if (size_text != NULL) {
    g_autofree char *stripped = g_strstrip (g_strdup (size_text));
    gint64 value;

    if (g_ascii_string_to_signed (stripped, 10, 1, G_MAXINT64, &value, NULL))
      page_size = MIN (value, self->max_page_size > 0 ? self->max_page_size : MAX_PAGE_SIZE);
  }
  return page_size;
}

/* ?page= as a number (none is 1); FALSE for "last" or what is no page
 * number at all. */
static gboolean
page_number (FcServerRequest *self,
             gint64          *page)
{
  const char *page_text = fc_server_request_get_query (self, "page");
  g_autofree char *stripped = NULL;

  *page = 1;
  if (page_text == NULL)
    return TRUE;
  stripped = g_strstrip (g_strdup (page_text));
  return g_ascii_string_to_signed (*stripped == '+' ? stripped + 1 : stripped, 10, 1,
                                   G_MAXINT64, page, NULL);
}

gboolean
fc_server_request_guess_page (FcServerRequest *self,
                              gint64          *limit,
                              gint64          *offset)
{
  gint64 size = page_size (self);
  gint64 page;

  if (!page_number (self, &page) || page - 1 > G_MAXINT64 / size)
    return FALSE;
  *limit = size;
  *offset = (page - 1) * size;
  return TRUE;
}

gboolean
fc_server_request_paginate (FcServerRequest *self,
                            gint64           count,
                            gint64          *limit,
                            gint64          *offset)
{
  const char *page_text = fc_server_request_get_query (self, "page");
  gint64 size = page_size (self);
  gint64 n_pages, page = 1;

  n_pages = MAX (1, (count + size - 1) / size);

  if (page_text != NULL) {
    g_autofree char *stripped = g_strstrip (g_strdup (page_text));

    if (g_str_equal (stripped, "last")) {
      page = n_pages;
    } else if (!page_number (self, &page) || page > n_pages) {
      fc_server_request_respond_detail (self, SOUP_STATUS_NOT_FOUND, "Invalid page.");
      return FALSE;
    }
  }

  self->page = page;
  self->page_size = size;
  *limit = size;
  *offset = (page - 1) * size;
  return TRUE;
}

/* Python's urllib.parse.quote_plus(). */
static void
append_quoted (GString    *out,
               const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++) {
    if (g_ascii_isalnum (*p) || strchr ("_.-~", *p) != NULL)
      g_string_append_c (out, *p);
    else if (*p == ' ')
      g_string_append_c (out, '+');
    else
      g_string_append_printf (out, "%%%02X", *p);
  }
}

/* Django's replace_query_param()/remove_query_param(): the other
 * parameters are kept, sorted by name. @page 0 removes "page". */
static char *
page_link (FcServerRequest *self,
           gint64           page)
{
  GString *url = g_string_new (self->base_url);
  g_autoptr(GList) keys = g_hash_table_get_keys (self->query);
  g_autofree char *page_text = g_strdup_printf ("%" G_GINT64_FORMAT, page);
  gboolean first = TRUE;

  g_string_append (url, fc_server_request_get_path (self));
  if (page > 0 && !g_hash_table_contains (self->query, "page"))
    keys = g_list_prepend (keys, (gpointer) "page");
  keys = g_list_sort (keys, (GCompareFunc) strcmp);

  for (GList *l = keys; l != NULL; l = l->next) {
    const char *key = l->data;
    const char *value = g_str_equal (key, "page") ? page_text
                                                  : g_hash_table_lookup (self->query, key);

    if (g_str_equal (key, "page") && page == 0)
      continue;
    g_string_append_c (url, first ? '?' : '&');
    first = FALSE;
    append_quoted (url, key);
    g_string_append_c (url, '=');
    append_quoted (url, value);
  }
  return g_string_free (url, FALSE);
}

/* A page's object up to its "results", which go last:
 * {"count":N,"next":…,"previous":…,"results": */
static void
write_page_head (FcServerRequest *self,
                 gint64           count,
                 GString         *out)
{
  gint64 n_pages = MAX (1, (count + self->page_size - 1) / self->page_size);
  g_autofree char *next = NULL;
  g_autofree char *previous = NULL;

  if (self->page < n_pages)
    next = page_link (self, self->page + 1);
  if (self->page > 1)
    previous = page_link (self, self->page == 2 ? 0 : self->page - 1);

  g_string_append_c (out, '{');
  fc_json_out_member (out, "count");
  fc_json_out_int (out, count);
  fc_json_out_member (out, "next");
  fc_json_out_string (out, next);
  fc_json_out_member (out, "previous");
  fc_json_out_string (out, previous);
  fc_json_out_member (out, "results");
}

void
fc_server_request_respond_page (FcServerRequest *self,
                                gint64           count,
                                JsonArray       *results)
{
  GString *out;
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (self->page_size > 0);

  out = fc_server_request_begin_page (self, count, 0);
  node = json_node_init_array (json_node_alloc (), results);
  fc_json_out_node (out, node);
  fc_server_request_respond_page_written (self, out);
}

GString *
fc_server_request_begin_page (FcServerRequest *self,
                              gint64           count,
                              gsize            reserve)
{
  GString *out = g_string_sized_new (256 + reserve);

  g_return_val_if_fail (self->page_size > 0, out);

  write_page_head (self, count, out);
  return out;
}

void
fc_server_request_respond_page_written (FcServerRequest *self,
                                        GString         *page)
{
  g_string_append_c (page, '}');
  fc_server_request_respond_written (self, SOUP_STATUS_OK, page);
}

gboolean
fc_server_request_commit (FcServerRequest *self)
{
  FcSql *db = fc_server_request_get_db (self);
  gboolean committed;

  if (!fc_sql_in_transaction (db))
    return TRUE;
  committed = fc_sql_end (db, TRUE);
  /* The framework ends the handler's transaction when it returns. Only
   * this connection writes, so nothing can hold the lock this waits for. */
  if (!fc_sql_begin (db))
    g_warning ("%s %s: cannot reopen the transaction after an early commit",
               fc_server_request_get_method (self), fc_server_request_get_path (self));
  return committed;
}

/* Answers built off the main loop: read connections, one per worker at a
 * time, kept on the server object for the next answer. */

#define READ_POOL_DATA "fc-read-pool"

typedef struct {
  GMutex     mutex;
  char      *path;
  GPtrArray *idle;   /* FcSql *, read-only */
} ReadPool;

static void
read_pool_clear (gpointer data)
{
  ReadPool *pool = data;

  for (guint i = 0; i < pool->idle->len; i++)
    fc_sql_close (g_ptr_array_index (pool->idle, i));
  g_ptr_array_unref (pool->idle);
  g_free (pool->path);
  g_mutex_clear (&pool->mutex);
}

static void
read_pool_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, read_pool_clear);
}

/* The server's pool, or NULL for a database in memory, which no second
 * connection can see. */
static ReadPool *
read_pool_get (FcServerRequest *self)
{
  ReadPool *pool = g_object_get_data (G_OBJECT (self->server), READ_POOL_DATA);
  const char *path;

  if (pool != NULL)
    return pool;
  path = fc_sql_get_location (fc_server_request_get_db (self));
  if (path == NULL || *path == '\0')
    return NULL;

  pool = g_atomic_rc_box_new0 (ReadPool);
  g_mutex_init (&pool->mutex);
  pool->path = g_strdup (path);
  pool->idle = g_ptr_array_new ();
  g_object_set_data_full (G_OBJECT (self->server), READ_POOL_DATA, pool, read_pool_unref);
  return pool;
}

/* On a worker: an idle connection, or a new one; NULL after logging. */
static FcSql *
read_pool_take (ReadPool *pool)
{
  g_autoptr(GError) error = NULL;
  FcSql *db = NULL;

  g_mutex_lock (&pool->mutex);
  if (pool->idle->len > 0)
    db = g_ptr_array_steal_index_fast (pool->idle, pool->idle->len - 1);
  g_mutex_unlock (&pool->mutex);
  if (db != NULL)
    return db;

  /* Through fc-db like the main connection, so the serializers' cached
   * statements (fc_sql_stmt()) work on a worker too. */
  db = fc_sql_open (pool->path, FC_SQL_OPEN_READ_ONLY, &error);
  if (db == NULL) {
    g_warning ("Cannot open the database for reading: %s", error->message);
    return NULL;
  }
  fc_sql_set_busy_timeout (db, READ_BUSY_TIMEOUT_MS);
  return db;
}

static void
read_pool_give_back (ReadPool *pool,
                     FcSql  *db)
{
  g_mutex_lock (&pool->mutex);
  if (pool->idle->len < BUILD_WORKERS) {
    g_ptr_array_add (pool->idle, db);
    db = NULL;
  }
  g_mutex_unlock (&pool->mutex);
  if (db != NULL)
    fc_sql_close (db);
}

typedef struct {
  ReadPool          *pool;     /* a reference */
  FcServerBuildFunc  build;
  gpointer           data;
  GDestroyNotify     destroy;
  char              *page;     /* a page's object up to its results, or NULL */
  guint              status;
} BuildJob;

static void
build_job_free (gpointer data)
{
  BuildJob *job = data;

  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job->page);
  read_pool_unref (job->pool);
  g_free (job);
}

typedef struct {
  guint   status;
  GBytes *body;      /* NULL: the build failed */
} BuildResult;

static void
build_result_free (gpointer data)
{
  BuildResult *result = data;

  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result);
}

/* Runs @build and writes its answer out, after @page (a page's head) when
 * not NULL; NULL when it fails. */
static GBytes *
build_body (FcSql             *db,
            FcServerBuildFunc  build,
            gpointer           data,
            const char        *page,
            guint             *status)
{
  g_autoptr(JsonNode) node = build (db, data, status);
  GString *out;

  if (node == NULL)
    return NULL;
  out = g_string_new (page);
  fc_json_out_node (out, node);
  if (page != NULL)
    g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

static void
build_worker_cb (gpointer data,
                 gpointer user_data)
{
  g_autoptr(GTask) task = data;
  BuildJob *job = g_task_get_task_data (task);
  BuildResult *result = g_new0 (BuildResult, 1);
  FcSql *db = read_pool_take (job->pool);

  result->status = job->status;
  if (db != NULL) {
    /* One snapshot for every query of the answer. */
    if (fc_sql_begin (db)) {
      result->body = build_body (db, job->build, job->data, job->page, &result->status);
      fc_sql_end (db, FALSE);
    }
    read_pool_give_back (job->pool, db);
  }
  g_task_return_pointer (task, result, build_result_free);
}

static GThreadPool *
build_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (build_worker_cb, NULL, BUILD_WORKERS, FALSE,
                                                 NULL));
  return pool;
}

static void
on_built_cb (GObject      *source,
             GAsyncResult *async_result,
             gpointer      user_data)
{
  g_autoptr(FcServerRequest) self = user_data;
  BuildResult *result = g_task_propagate_pointer (G_TASK (async_result), NULL);

  if (result == NULL || result->body == NULL)
    fc_server_request_respond_detail (self, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
  else
    fc_server_request_respond_raw (self, result->status, "application/json", result->body);
  if (result != NULL)
    build_result_free (result);
}

static void
respond_built (FcServerRequest   *self,
               guint              status,
               char              *page,
               FcServerBuildFunc  build,
               gpointer           data,
               GDestroyNotify     destroy)
{
  ReadPool *pool = read_pool_get (self);
  BuildJob *job;
  GTask *task;

  if (pool == NULL) {
    g_autoptr(GBytes) body = build_body (fc_server_request_get_db (self), build, data, page,
                                         &status);

    if (destroy != NULL)
      destroy (data);
    g_free (page);
    if (body == NULL)
      fc_server_request_respond_detail (self, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                        "A server error occurred.");
    else
      fc_server_request_respond_raw (self, status, "application/json", body);
    return;
  }

  /* The worker's connection sees only what is committed. */
  if (!fc_server_request_commit (self)) {
    if (destroy != NULL)
      destroy (data);
    g_free (page);
    fc_server_request_respond_detail (self, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
    return;
  }

  job = g_new0 (BuildJob, 1);
  job->pool = g_atomic_rc_box_acquire (pool);
  job->build = build;
  job->data = data;
  job->destroy = destroy;
  job->page = page;
  job->status = status;
  /* The request is the callback's: only the main thread touches it. */
  task = g_task_new (NULL, NULL, on_built_cb, fc_server_request_ref (self));
  g_task_set_source_tag (task, respond_built);
  g_task_set_task_data (task, job, build_job_free);
  g_thread_pool_push (build_pool (), task, NULL);
}

void
fc_server_request_respond_built (FcServerRequest   *self,
                                 guint              status,
                                 FcServerBuildFunc  build,
                                 gpointer           data,
                                 GDestroyNotify     destroy)
{
  g_return_if_fail (build != NULL);

  respond_built (self, status, NULL, build, data, destroy);
}

void
fc_server_request_respond_page_built (FcServerRequest   *self,
                                      gint64             count,
                                      FcServerBuildFunc  build,
                                      gpointer           data,
                                      GDestroyNotify     destroy)
{
  GString *head;

  g_return_if_fail (build != NULL);
  g_return_if_fail (self->page_size > 0);

  head = g_string_new (NULL);
  write_page_head (self, count, head);
  respond_built (self, SOUP_STATUS_OK, g_string_free (head, FALSE), build, data, destroy);
}

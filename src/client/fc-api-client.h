/* fc-api-client.h — the FitCore API v1 over one long-lived SoupSession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcApiClient speaks to fitcore-server and to the Django backend alike (the
 * wire contract, ../shared/API.md beside the repository, "What the app must
 * tolerate"). It holds the tokens of one signed-in account in memory; it
 * never writes them anywhere. Whoever owns the client (FcSession, in
 * src/sync/fc-session.c) persists them with FcCredentials when
 * #FcApiClient::tokens-changed fires, and hands them back after a restart
 * with fc_api_client_set_tokens().
 *
 * Every call is asynchronous on GTask, completes in the thread-default main
 * context of the caller, and takes a GCancellable; a cancelled call fails with
 * %G_IO_ERROR_CANCELLED. Other failures are %FC_API_ERROR errors. Calls that
 * reach the server and get an error answer also hand back an #FcApiProblem
 * (optional out parameter of the finish function) with the per-field messages.
 *
 * Authentication:
 * - Requests carry `Authorization: Bearer <access>` unless
 *   %FC_API_REQUEST_NO_AUTH. No cookie jar is kept: a stale
 *   `fitcore-access-token` cookie can never be sent.
 * - Sign-in and registration never carry a token (the Django backend refuses
 *   even a login that carries a stale one): the access token is dropped first.
 * - The refresh token is taken from the body (`refresh`, non-empty) or from
 *   the `fitcore-refresh-token` Set-Cookie, and sent back as the body
 *   `{"refresh": "..."}` (never as `""`).
 * - A 401 `token_not_valid` on an authenticated request starts one refresh;
 *   every request that fails the same way while it runs waits for it (single
 *   flight), then each is sent again once with the new access token. If the
 *   server rejects the refresh token (expired, blacklisted, revoked), the
 *   client forgets both tokens, emits #FcApiClient::signed-out with
 *   %FC_API_SIGN_OUT_REVOKED and fails the waiting requests with
 *   %FC_API_ERROR_UNAUTHORIZED.
 *
 * Retries: GET/HEAD are retried with exponential backoff (#FcApiClient:read-attempts
 * tries in all, first delay #FcApiClient:retry-delay ms, doubling) on network
 * errors, timeouts and 5xx answers. Writes are never retried here: the
 * outbox replays them with their Idempotency-Key.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fc-api-problem.h"

G_BEGIN_DECLS

#define FC_TYPE_API_CLIENT (fc_api_client_get_type ())

G_DECLARE_FINAL_TYPE (FcApiClient, fc_api_client, FC, API_CLIENT, GObject)

/**
 * FcApiRequestFlags:
 * @FC_API_REQUEST_NONE: an ordinary request
 * @FC_API_REQUEST_NO_AUTH: send no Authorization header and never refresh;
 *   for anonymous reads and the auth endpoints
 * @FC_API_REQUEST_NO_RETRY: do not retry this GET on network errors or 5xx
 */
typedef enum {
  FC_API_REQUEST_NONE     = 0,
  FC_API_REQUEST_NO_AUTH  = 1 << 0,
  FC_API_REQUEST_NO_RETRY = 1 << 1,
} FcApiRequestFlags;

/**
 * FcApiSignOutReason:
 * @FC_API_SIGN_OUT_REQUESTED: fc_api_client_sign_out_async() was called
 * @FC_API_SIGN_OUT_REVOKED: the server refused the refresh token (it expired,
 *   or the user signed out elsewhere or changed the password)
 * @FC_API_SIGN_OUT_DEACTIVATED: an authenticated request was answered 401
 *   `user_inactive`: staff deactivated the account (docs/admin-wire.md)
 */
typedef enum {
  FC_API_SIGN_OUT_REQUESTED,
  FC_API_SIGN_OUT_REVOKED,
  FC_API_SIGN_OUT_DEACTIVATED,
} FcApiSignOutReason;

/**
 * FcApiPageFunc:
 * @self: the client
 * @page: the `results` of the page just fetched
 * @fetched: how many items have been fetched so far, this page included
 * @count: the list's `count` as the server gave it on the last page (0 if it
 *   gave none)
 * @user_data: the data passed to fc_api_client_fetch_all_async()
 *
 * Called once per page, in order, for progress bars and for storing pages as
 * they come.
 */
typedef void (*FcApiPageFunc) (FcApiClient *self,
                               JsonArray   *page,
                               guint        fetched,
                               guint        count,
                               gpointer     user_data);

/**
 * FcApiRawPageFunc:
 * @self: the client
 * @page: the page's body as it came: JSON that fc_json_scan_page() checked
 *   is a list (an array, or an object whose `results` is one)
 * @ids: (element-type gint64): the ids of the page's items, in order
 *   (items that are no object or have no integral id are not in it)
 * @fetched: how many items have been fetched so far, this page included
 * @count: the list's `count` as the server gave it on the last page (0 if it
 *   gave none)
 * @user_data: the data passed to fc_api_client_fetch_pages_async()
 *
 * Called once per page, in order; @page and @ids are borrowed (ref them to
 * keep them).
 */
typedef void (*FcApiRawPageFunc) (FcApiClient *self,
                                  GBytes      *page,
                                  GArray      *ids,
                                  guint        fetched,
                                  guint        count,
                                  gpointer     user_data);

/* Checks a base URL: http or https with a host; plain http only for loopback
 * hosts (127.0.0.0/8, ::1, localhost). @out_normalized gets it with one
 * trailing slash. Pure, for settings forms too. */
gboolean      fc_api_client_check_base_url          (const char          *url,
                                                     char               **out_normalized,
                                                     GError             **error);

/* Fails with FC_API_ERROR_INSECURE_URL when the URL does not pass
 * fc_api_client_check_base_url(). */
FcApiClient  *fc_api_client_new                     (const char          *base_url,
                                                     GError             **error);

/* Setting a different server forgets the tokens (they belong to the old
 * one). An invalid URL is kept, and every request then fails with the
 * error this returns. */
gboolean      fc_api_client_set_base_url            (FcApiClient         *self,
                                                     const char          *base_url,
                                                     GError             **error);
const char   *fc_api_client_get_base_url            (FcApiClient         *self);

/* Restores tokens kept by FcCredentials. Either may be NULL. Does not emit
 * ::tokens-changed. */
void          fc_api_client_set_tokens              (FcApiClient         *self,
                                                     const char          *access,
                                                     const char          *refresh);
const char   *fc_api_client_get_access_token        (FcApiClient         *self);
const char   *fc_api_client_get_refresh_token       (FcApiClient         *self);
gboolean      fc_api_client_is_signed_in            (FcApiClient         *self);
const char   *fc_api_client_get_server_software     (FcApiClient         *self);
/* How many token refreshes this client has sent: for diagnostics and tests. */
guint         fc_api_client_get_refresh_count       (FcApiClient         *self);

/* Any request. @path is relative to <base>/api/v1/ ("nutrition/foods/?page=2").
 * @body: (nullable) is sent as JSON. @idempotency_key: (nullable) becomes the
 * Idempotency-Key header. The result is the parsed body (a JSON null node for
 * an empty body such as 204's); @out_status gets the HTTP status, 0 when the
 * server could not be reached. On an error answer @out_problem gets the
 * decoded body. */
void          fc_api_client_request_async           (FcApiClient         *self,
                                                     const char          *method,
                                                     const char          *path,
                                                     JsonNode            *body,
                                                     const char          *idempotency_key,
                                                     FcApiRequestFlags    flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonNode     *fc_api_client_request_finish          (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     guint               *out_status,
                                                     FcApiProblem       **out_problem,
                                                     GError             **error);

/* The object an answer must be (a new reference), or NULL with
 * FC_API_ERROR_BAD_RESPONSE; @node is unreffed either way. For the
 * services that take the answer of fc_api_client_request_finish() whole. */
JsonObject   *fc_api_answer_take_object             (JsonNode            *node,
                                                     GError             **error);

/* Like fc_api_client_request_async(), with the same authentication, token
 * refresh, retries and errors, but the body is multipart/form-data: each
 * member of @fields: (nullable) as a text part (a string as is, a number or
 * a boolean as JSON writes it, null as an empty value, which the server reads
 * as null), and the contents of @file as the part @file_field, named after
 * the file's basename, with the content type g_content_type_guess() gives.
 * A member of @fields named @file_field is left out. @file is read in full
 * before the request is sent; when it cannot be read the call fails with that
 * %G_IO_ERROR (%G_IO_ERROR_NOT_FOUND for a missing file) and nothing is
 * sent. */
void          fc_api_client_request_multipart_async (FcApiClient         *self,
                                                     const char          *method,
                                                     const char          *path,
                                                     JsonObject          *fields,
                                                     const char          *file_field,
                                                     GFile               *file,
                                                     const char          *idempotency_key,
                                                     FcApiRequestFlags    flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonNode     *fc_api_client_request_multipart_finish (FcApiClient         *self,
                                                      GAsyncResult        *result,
                                                      guint               *out_status,
                                                      FcApiProblem       **out_problem,
                                                      GError             **error);

/* Like fc_api_client_request_async(), with the same authentication, token
 * refresh, retries (of HEAD only) and errors, for the requests whose body is
 * no JSON: a chunk of a resumable upload (`PATCH admin/uploads/{id}/` with
 * `Upload-Offset` and `application/offset+octet-stream`), an image.
 * @body: (nullable) is sent as it is with @content_type; @headers:
 * (nullable) are added to the request as they are. The finish function
 * hands back the response's @out_headers (unref with
 * soup_message_headers_unref()) whether the answer was a success or not, so
 * a 409 still tells the offset the server has; they are NULL when no answer
 * came. The result is as fc_api_client_request_finish()'s. */
void          fc_api_client_request_raw_async       (FcApiClient         *self,
                                                     const char          *method,
                                                     const char          *path,
                                                     GBytes              *body,
                                                     const char          *content_type,
                                                     SoupMessageHeaders  *headers,
                                                     const char          *idempotency_key,
                                                     FcApiRequestFlags    flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonNode     *fc_api_client_request_raw_finish      (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     guint               *out_status,
                                                     SoupMessageHeaders **out_headers,
                                                     FcApiProblem       **out_problem,
                                                     GError             **error);

/* Files (videos, thumbnails): the same session, timeouts, User-Agent,
 * token refresh and GET retries as every other request, on an absolute
 * @url (an http or https address, as the server gives it in `file` or
 * `thumbnail`). The access token goes with it only when @url is on this
 * client's server (same scheme, host and port); elsewhere the request is
 * anonymous, as with %FC_API_REQUEST_NO_AUTH. */

/* A GET whose body is handed back unread, as a stream the caller reads at
 * its pace (a download writes it to disk a chunk at a time; nothing of it
 * is kept here). @headers: (nullable) are added to the request as they are
 * (`Range`, `If-Range`); the body is asked for and counted uncompressed.
 * Whatever the final status (206, 200, 403, 404, 416...), the finish
 * function hands back the body with @out_status and the response's
 * @out_headers (unref with soup_message_headers_unref()): a 401 that says
 * the access token expired is answered by a refresh and the request is
 * sent again, once, like any other; 5xx answers and network errors are
 * retried like any GET. Fails only when no answer came (%FC_API_ERROR_NETWORK,
 * %FC_API_ERROR_TIMEOUT), when the session could not be renewed
 * (%FC_API_ERROR_UNAUTHORIZED) or on cancellation. */
void          fc_api_client_open_async              (FcApiClient         *self,
                                                     const char          *url,
                                                     SoupMessageHeaders  *headers,
                                                     FcApiRequestFlags    flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GInputStream *fc_api_client_open_finish             (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     guint               *out_status,
                                                     SoupMessageHeaders **out_headers,
                                                     GError             **error);

/* A GET of a small file (a thumbnail) read whole into memory. Succeeds on
 * 2xx only; any other answer fails as fc_api_client_request_async() does
 * (%FC_API_ERROR_NOT_FOUND for a 404...). */
void          fc_api_client_get_bytes_async         (FcApiClient         *self,
                                                     const char          *url,
                                                     FcApiRequestFlags    flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GBytes       *fc_api_client_get_bytes_finish        (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     guint               *out_status,
                                                     GError             **error);

/* GETs a paginated list and follows its `next` links to the end. Each link is
 * followed on this client's own server (only its path and query are used),
 * so a token never goes elsewhere. @page_func: (nullable) runs per page and
 * then owns what it needs of it: with a page function the items are not
 * kept, and the result is an empty array (memory stays one page whatever
 * the length of the list). Without one, the result is every item of every
 * page. An unpaginated JSON list is accepted as one page. */
void          fc_api_client_fetch_all_async         (FcApiClient         *self,
                                                     const char          *path,
                                                     FcApiRequestFlags    flags,
                                                     FcApiPageFunc        page_func,
                                                     gpointer             page_data,
                                                     GDestroyNotify       page_data_destroy,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonArray    *fc_api_client_fetch_all_finish        (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     FcApiProblem       **out_problem,
                                                     GError             **error);

/* fc_api_client_fetch_all_async() for a consumer that reads each page's
 * text itself (the store, on its thread):
 * no page is parsed into a tree here, only scanned once for its `next`,
 * `count` and ids. A page that is not JSON, or holds no list, fails the
 * fetch with %FC_API_ERROR_BAD_RESPONSE before @page_func sees it. */
void          fc_api_client_fetch_pages_async       (FcApiClient         *self,
                                                     const char          *path,
                                                     FcApiRequestFlags    flags,
                                                     FcApiRawPageFunc     page_func,
                                                     gpointer             page_data,
                                                     GDestroyNotify       page_data_destroy,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean      fc_api_client_fetch_pages_finish      (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     FcApiProblem       **out_problem,
                                                     GError             **error);
/* From a page function: request no next page until _resume() (a consumer
 * with enough pages waiting). Identified by the fetch's page_data. */
void          fc_api_client_fetch_pages_hold        (FcApiClient         *self,
                                                     gpointer             page_data);
void          fc_api_client_fetch_pages_resume      (FcApiClient         *self,
                                                     gpointer             page_data);

/* POST auth/oauth/login/. On success the tokens are kept (::tokens-changed)
 * and the result is the `user` object ({pk, email, first_name, last_name}). */
void          fc_api_client_sign_in_async           (FcApiClient         *self,
                                                     const char          *email,
                                                     const char          *password,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonObject   *fc_api_client_sign_in_finish          (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     FcApiProblem       **out_problem,
                                                     GError             **error);

/* POST auth/google/login/ {id_token}: a Google ID token the app got through
 * the browser (src/sync/fc-google-sign-in.c) for a session, answered and
 * kept exactly as fc_api_client_sign_in_async()'s (docs/google-wire.md). */
void          fc_api_client_google_login_async      (FcApiClient         *self,
                                                     const char          *id_token,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonObject   *fc_api_client_google_login_finish     (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     FcApiProblem       **out_problem,
                                                     GError             **error);

/* POST auth/registration/; signs in like fc_api_client_sign_in_async(). */
void          fc_api_client_register_async          (FcApiClient         *self,
                                                     const char          *email,
                                                     const char          *password1,
                                                     const char          *password2,
                                                     const char          *first_name,
                                                     const char          *last_name,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonObject   *fc_api_client_register_finish         (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     FcApiProblem       **out_problem,
                                                     GError             **error);

/* Signs out locally at once (tokens forgotten, ::tokens-changed, then
 * ::signed-out with FC_API_SIGN_OUT_REQUESTED), then asks the server to
 * revoke the refresh token (POST auth/oauth/logout/ with the refresh cookie).
 * The finish function says whether the server confirmed; the local sign-out
 * stands whatever it answered (200, 401, 500, nothing). */
void          fc_api_client_sign_out_async          (FcApiClient         *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean      fc_api_client_sign_out_finish         (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* POST auth/oauth/password/reset/. Servers answer success for unknown
 * addresses too. */
void          fc_api_client_request_password_reset_async  (FcApiClient         *self,
                                                           const char          *email,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean      fc_api_client_request_password_reset_finish (FcApiClient         *self,
                                                           GAsyncResult        *result,
                                                           FcApiProblem       **out_problem,
                                                           GError             **error);

/* GET auth/oauth/user/ → {pk, email, first_name, last_name}. */
void          fc_api_client_get_user_async          (FcApiClient         *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonObject   *fc_api_client_get_user_finish         (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Which sections the server has, as a sorted list of names ("auth",
 * "nutrition", "workouts", "health", "payments", "notifications",
 * "dashboard", "admin"). From `GET api/v1/` → `sections` when the server
 * offers it; else (the Django backend answers 404 with HTML) by probing
 * `auth/profile/` and `nutrition/` (with the token when signed in): a section
 * that answers 404 is absent, any other answer means present, and every
 * other section is absent. Fails only
 * when the server cannot be reached or answers 5xx. */
void          fc_api_client_detect_sections_async   (FcApiClient         *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
char        **fc_api_client_detect_sections_finish  (FcApiClient         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS

/* fc-server-request.h — one HTTP request as a route handler sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The framework (fc-server.c) parses the body, authenticates the caller,
 * opens a write transaction for unsafe methods, handles Idempotency-Key
 * replays and CORS, and then calls the route's handler. A handler answers by
 * calling exactly one fc_server_request_respond_*() function.
 *
 * Transactions: for POST/PUT/PATCH/DELETE the handler runs inside
 * BEGIN IMMEDIATE. When the handler has responded by the time it returns, the
 * framework commits if the status is < 400 and rolls back otherwise, so a
 * handler never leaves half-written rows behind. A handler that goes async
 * (fc_server_request_ref() + respond later, e.g. after hashing a password on
 * a worker thread) gets its synchronous part committed when it returns, and
 * must wrap the writes of its continuation in fc_sql_begin()/_end().
 */

#pragma once

#include <json-glib/json-glib.h>
#include "fc-sql.h"

G_BEGIN_DECLS

typedef struct _FcServer FcServer;
typedef struct _FcServerRequest FcServerRequest;
typedef struct _FcFieldErrors FcFieldErrors;

typedef enum {
  FC_AUTH_NONE,     /* no authentication classes: tokens are not even looked at */
  FC_AUTH_OPTIONAL, /* anyone; a present but bad token is still a 401, as on Django */
  FC_AUTH_REQUIRED, /* IsAuthenticated */
  FC_AUTH_STAFF,    /* IsAdminUser */
} FcAuthLevel;

typedef void (*FcRouteHandler) (FcServerRequest *request);
/* Called, when a route has one, with the user a valid token names before
 * that user's row is read: it may send the handler's reads ahead
 * (fc_sql_prefetch()), so that on PostgreSQL they share the row's round
 * trip, and keep them with fc_server_request_set_prefetched(). Nothing it
 * does may be seen if the user is then refused. */
typedef void (*FcRoutePrefetch) (FcServerRequest *request,
                                 gint64           user_id);

/* Patterns are absolute paths ending in '/'. "{id}" matches a positive
 * decimal integer, any other "{name}" matches one non-empty path segment. A
 * path that matches some pattern but not for this method answers 405 with an
 * Allow header; a path that matches nothing answers a JSON 404. */
typedef struct {
  const char     *method;
  const char     *pattern;
  FcAuthLevel     auth;
  FcRouteHandler  handler;
  FcRoutePrefetch prefetch;   /* optional */
} FcRoute;

/* Each module exposes its routes; fc-server.c registers them all. */
const FcRoute   *fc_accounts_routes              (gsize           *n_routes);
const FcRoute   *fc_profile_routes               (gsize           *n_routes);
const FcRoute   *fc_nutrition_routes             (gsize           *n_routes);
const FcRoute   *fc_workouts_routes              (gsize           *n_routes);
const FcRoute   *fc_changes_routes               (gsize           *n_routes);
const FcRoute   *fc_health_routes                (gsize           *n_routes);
/* GET auth/profile/'s object for @user_id, NULL without one (the change
 * feed shares it). */
JsonNode        *fc_profile_to_json              (FcServerRequest *request,
                                                  gint64           user_id);

FcServerRequest *fc_server_request_ref           (FcServerRequest *self);
void             fc_server_request_unref         (FcServerRequest *self);
/* What a route's prefetch keeps for its handler; @destroy frees it with
 * the request if the handler never takes it. */
void             fc_server_request_set_prefetched (FcServerRequest *self,
                                                   gpointer         data,
                                                   GDestroyNotify   destroy);
/* The handler's: NULL when nothing was kept. */
gpointer         fc_server_request_steal_prefetched (FcServerRequest *self);

FcServer        *fc_server_request_get_server    (FcServerRequest *self);
FcSql         *fc_server_request_get_db        (FcServerRequest *self);
const char      *fc_server_request_get_method    (FcServerRequest *self);
const char      *fc_server_request_get_path      (FcServerRequest *self);
/* "http://127.0.0.1:8000", from the Host header, for absolute links. */
const char      *fc_server_request_get_base_url  (FcServerRequest *self);
/* "http://127.0.0.1:8000" from the socket the request came in on, whatever
 * its Host header says: for links that must not be steered by the client. */
char            *fc_server_request_dup_local_url (FcServerRequest *self);
const char      *fc_server_request_get_header    (FcServerRequest *self,
                                                  const char      *name);
const char      *fc_server_request_get_cookie    (FcServerRequest *self,
                                                  const char      *name);
const char      *fc_server_request_get_client_address (FcServerRequest *self);

/* A "{name}" path parameter: the string, or for "{id}" the integer. */
const char      *fc_server_request_get_param     (FcServerRequest *self,
                                                  const char      *name);
gint64           fc_server_request_get_id        (FcServerRequest *self,
                                                  const char      *name);
/* A query-string parameter, or NULL. */
const char      *fc_server_request_get_query     (FcServerRequest *self,
                                                  const char      *name);

/* The body as an object: JSON, application/x-www-form-urlencoded and
 * multipart/form-data fields (as strings) all end up here. Never NULL: an
 * empty body is an empty object. A malformed body or a non-object JSON root
 * was already answered with DRF's 400 before the handler ran. */
JsonObject      *fc_server_request_get_body      (FcServerRequest *self);
/* The body as it came, for the routes that parse it themselves
 * (fc_server_set_body_limit() with raw); their get_body() is empty. */
GBytes          *fc_server_request_dup_raw_body  (FcServerRequest *self);
/* A multipart file part, or NULL. */
GBytes          *fc_server_request_get_file      (FcServerRequest *self,
                                                  const char      *name,
                                                  const char     **filename,
                                                  const char     **content_type);

/* The authenticated caller; 0 when anonymous. */
gint64           fc_server_request_get_user_id   (FcServerRequest *self);
gboolean         fc_server_request_is_staff      (FcServerRequest *self);

void             fc_server_request_add_header    (FcServerRequest *self,
                                                  const char      *name,
                                                  const char      *value);

/* Responding. Each takes ownership of the node it is given. */
void             fc_server_request_respond_json  (FcServerRequest *self,
                                                  guint            status,
                                                  JsonNode        *node);
/* Answers @status with @body, JSON already written with fc_json_out_*()
 * (fc-json-out.h), as application/json; takes @body. For answers written
 * straight from a statement's columns, without a JsonNode per row. */
void             fc_server_request_respond_written (FcServerRequest *self,
                                                    guint            status,
                                                    GString         *body);
/* {"detail": "..."} */
void             fc_server_request_respond_detail (FcServerRequest *self,
                                                   guint            status,
                                                   const char      *detail);
/* 400 with the field errors object. */
void             fc_server_request_respond_errors (FcServerRequest *self,
                                                   FcFieldErrors   *errors);
/* 204, no body. */
void             fc_server_request_respond_no_content (FcServerRequest *self);
gboolean         fc_server_request_has_responded (FcServerRequest *self);

/* Pagination, DRF's PageNumberPagination: ?page=N|last and ?page_size= (up to
 * 100; default from the config, 10). Returns FALSE after answering
 * 404 {"detail":"Invalid page."}; else sets the LIMIT/OFFSET to use. */
gboolean         fc_server_request_paginate      (FcServerRequest *self,
                                                  gint64           count,
                                                  gint64          *limit,
                                                  gint64          *offset);
/* The LIMIT/OFFSET fc_server_request_paginate() will set if the page asked
 * for exists, to read it ahead of the count; FALSE when that depends on
 * the count (?page=last) or the page is no number. */
gboolean         fc_server_request_guess_page    (FcServerRequest *self,
                                                  gint64          *limit,
                                                  gint64          *offset);
/* 200 {"count","next","previous","results"} with absolute links that keep
 * the other query parameters, as DRF builds them. @results is not consumed:
 * the caller keeps (and drops) its own reference. */
void             fc_server_request_respond_page  (FcServerRequest *self,
                                                  gint64           count,
                                                  JsonArray       *results);
/* The same page written straight: a new string holding its object up to
 * "results": (count and links as fc_server_request_respond_page() writes
 * them), with @reserve more bytes allocated. Write the results array into
 * it with fc_json_out_*(), then answer with
 * fc_server_request_respond_page_written(), which closes the object and
 * takes the string. Call fc_server_request_paginate() first. */
GString         *fc_server_request_begin_page    (FcServerRequest *self,
                                                  gint64           count,
                                                  gsize            reserve);
void             fc_server_request_respond_page_written (FcServerRequest *self,
                                                         GString         *page);

/* Answers built off the main loop. A year-long meal plan is megabytes of
 * JSON and takes the better part of a second to read and write out; built
 * on the main loop, it would hold every other client for that long.
 *
 * @build runs on a worker thread with its own read-only connection to the
 * database, inside one read transaction, and returns the node to send
 * (NULL: the request answers 500). It may change *@status (a 404 when the
 * object went away meanwhile). @data goes to @build and then to @destroy,
 * on whichever thread: give it plain values, never the request.
 *
 * In a write's handler, the framework's transaction is committed first, so
 * that the worker reads what the request wrote and the answer still goes
 * out only after a successful commit (a failed one answers 500); the
 * request's Idempotency-Key record then follows in a transaction of its
 * own, as for any handler that answers asynchronously. Call it outside the
 * handler's own fc_sql_begin()/_end() pairs. A database kept in
 * memory has no second connection: the answer is then built at once. */
typedef JsonNode *(*FcServerBuildFunc) (FcSql  *db,
                                        gpointer  data,
                                        guint    *status);

void             fc_server_request_respond_built (FcServerRequest   *self,
                                                  guint              status,
                                                  FcServerBuildFunc  build,
                                                  gpointer           data,
                                                  GDestroyNotify     destroy);
/* fc_server_request_respond_page() for results that @build returns as an
 * array node, built the same way; call fc_server_request_paginate()
 * first. */
void             fc_server_request_respond_page_built (FcServerRequest   *self,
                                                       gint64             count,
                                                       FcServerBuildFunc  build,
                                                       gpointer           data,
                                                       GDestroyNotify     destroy);
/* Commits the framework's transaction before the handler returns, for work
 * that must follow a durable write and must not hold the write lock (a
 * mail, an answer built off the main loop), and opens a new one for the
 * rest of the handler. FALSE when the commit failed: nothing was written,
 * and the caller answers 500. TRUE at once outside a transaction (an
 * asynchronous continuation that committed its own). Not inside the
 * handler's own fc_sql_begin()/_end() pairs. */
gboolean         fc_server_request_commit        (FcServerRequest *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcServerRequest, fc_server_request_unref)

G_END_DECLS

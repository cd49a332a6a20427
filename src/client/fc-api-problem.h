/* fc-api-problem.h — what went wrong with an API request, for code and for forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_API_ERROR (fc_api_error_quark ())

/**
 * FcApiError:
 * @FC_API_ERROR_NETWORK: the server could not be reached (refused, unreachable,
 *   DNS failure, TLS failure, connection dropped)
 * @FC_API_ERROR_TIMEOUT: the server did not answer in time
 * @FC_API_ERROR_BAD_RESPONSE: the server answered something the client cannot
 *   use: malformed JSON, an HTML page where JSON was expected, a redirect, or a
 *   JSON document of the wrong shape. The message says what was received.
 * @FC_API_ERROR_UNAUTHORIZED: 401, or the session could not be renewed; the
 *   user must sign in again
 * @FC_API_ERROR_FORBIDDEN: 403
 * @FC_API_ERROR_NOT_FOUND: 404 (JSON or HTML alike: the Django backend answers
 *   unknown URLs with an HTML page)
 * @FC_API_ERROR_VALIDATION: 400; the #FcApiProblem holds the per-field messages
 * @FC_API_ERROR_THROTTLED: 429; see fc_api_problem_get_retry_after()
 * @FC_API_ERROR_SERVER: any 5xx, whatever its body (an HTML debug page from the
 *   Django backend, or JSON)
 * @FC_API_ERROR_INSECURE_URL: the base URL is not https and not a loopback
 *   address, or is not a usable http(s) URL at all
 *
 * Errors of every #FcApiClient call. A cancelled call fails with
 * %G_IO_ERROR_CANCELLED instead. Messages are translated sentences that can be
 * shown to the user as they are.
 */
typedef enum {
  FC_API_ERROR_NETWORK,
  FC_API_ERROR_TIMEOUT,
  FC_API_ERROR_BAD_RESPONSE,
  FC_API_ERROR_UNAUTHORIZED,
  FC_API_ERROR_FORBIDDEN,
  FC_API_ERROR_NOT_FOUND,
  FC_API_ERROR_VALIDATION,
  FC_API_ERROR_THROTTLED,
  FC_API_ERROR_SERVER,
  FC_API_ERROR_INSECURE_URL,
} FcApiError;

GQuark fc_api_error_quark (void);

#define FC_TYPE_API_PROBLEM (fc_api_problem_get_type ())

/**
 * FcApiProblem:
 *
 * An error answer from the server (status >= 300), decoded. Immutable and
 * reference counted. It keeps the DRF error body apart so that a form can show
 * each message beside its field:
 *
 * - `{"field": ["msg", ...]}` → fc_api_problem_get_field_messages ("field")
 * - `{"non_field_errors": [...]}` and a bare list `["msg", ...]` →
 *   fc_api_problem_get_non_field_messages()
 * - nested item errors `{"meal_items": [{}, {"food": ["msg"]}]}` → the field
 *   "meal_items.1.food"; `{"meal_items": {"non_field_errors": [...]}}` → the
 *   field "meal_items"
 * - `{"detail": "...", "code": "..."}` → fc_api_problem_get_detail() and
 *   fc_api_problem_get_server_code() (e.g. "token_not_valid")
 * - an HTML page or malformed JSON → no fields; the detail says what came back
 */
typedef struct _FcApiProblem FcApiProblem;

GType                fc_api_problem_get_type               (void) G_GNUC_CONST;

/* Decodes an error answer (or a success answer whose body is unusable).
 * Pure, no I/O. @content_type, @body and @retry_after may be NULL. */
FcApiProblem        *fc_api_problem_new_from_response      (guint          status,
                                                            const char    *content_type,
                                                            GBytes        *body,
                                                            const char    *retry_after);
FcApiProblem        *fc_api_problem_ref                    (FcApiProblem  *self);
void                 fc_api_problem_unref                  (FcApiProblem  *self);

guint                fc_api_problem_get_status             (FcApiProblem  *self);
/* The FcApiError this answer maps to (see FcApiError for the rules). */
FcApiError           fc_api_problem_get_code               (FcApiProblem  *self);
/* The server's `detail`, or for an HTML or malformed body a translated
 * sentence saying what came back; NULL if neither. */
const char          *fc_api_problem_get_detail             (FcApiProblem  *self);
/* The server's machine-readable `code` ("token_not_valid"), or NULL. */
const char          *fc_api_problem_get_server_code        (FcApiProblem  *self);
/* `non_field_errors` and bare-list messages; never NULL, maybe empty. */
const char * const  *fc_api_problem_get_non_field_messages (FcApiProblem  *self);
/* The messages for one field path ("email", "meal_items.1.food"), or NULL. */
const char * const  *fc_api_problem_get_field_messages     (FcApiProblem  *self,
                                                            const char    *field);
/* Every field path with messages, sorted. Free with g_strfreev(). */
char               **fc_api_problem_dup_field_names        (FcApiProblem  *self);
/* Field path → GStrv of messages; owned by @self. */
GHashTable          *fc_api_problem_get_fields             (FcApiProblem  *self);
/* The body as JSON, or NULL when it was not JSON. Owned by @self. */
JsonNode            *fc_api_problem_get_raw                (FcApiProblem  *self);
/* Seconds from Retry-After (429 only), 0 if none. */
guint                fc_api_problem_get_retry_after        (FcApiProblem  *self);
/* One translated or server-given sentence for a toast: object-level
 * messages, else detail, else "field: message" lines, else one for the
 * status. */
char                *fc_api_problem_dup_message            (FcApiProblem  *self);
/* An FC_API_ERROR with get_code() and dup_message(). */
GError              *fc_api_problem_to_error               (FcApiProblem  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcApiProblem, fc_api_problem_unref)

G_END_DECLS

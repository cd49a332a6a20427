/* fc-admin-private.h — what the admin routes share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include "fc-sql.h"

#include "fc-admin.h"
#include "fc-validate.h"

G_BEGIN_DECLS

#define FC_ADMIN_API "/api/v1/admin/"

/* A food import's most rows: a whole food table of a small service, in
 * one transaction of a few hundred milliseconds. */
#define FC_ADMIN_IMPORT_MAX_ROWS 10000

/* The longest range the statistics and the filters take, in days. */
#define FC_ADMIN_MAX_RANGE_DAYS 366

/* Writes one audit_log row for the caller (a staff member) in the current
 * transaction. @before and @after are JSON objects of the changed fields
 * or NULL; they are not consumed. FALSE when the row could not be written:
 * the caller then fails the request, so the change rolls back with it. */
gboolean    fc_admin_audit            (FcSql          *db,
                                       gint64            actor_id,
                                       const char       *action,
                                       const char       *object_type,
                                       gint64            object_id,
                                       JsonObject       *before,
                                       JsonObject       *after);

JsonNode   *fc_admin_object_node      (JsonObject       *object);
void        fc_admin_respond_server_error (FcServerRequest *request);

/* The query string as an object of strings, so that the body's validators
 * (fc-validate.h) check query parameters with the same messages. */
JsonObject *fc_admin_query_object     (FcServerRequest  *request,
                                       const char * const *names);

/* A date range from two "YYYY-MM-DD" fields of @query: both optional
 * unless @required; @from_field must not be after @to_field, nor the range
 * longer than @max_days (0: any). *@out_from/@out_to stay NULL for an
 * absent bound. Errors go to @errors under the fields' names. */
void        fc_admin_validate_range   (JsonObject       *query,
                                       const char       *from_field,
                                       const char       *to_field,
                                       guint             max_days,
                                       FcFieldErrors    *errors,
                                       GDate            *out_from,
                                       GDate            *out_to,
                                       gboolean         *out_has_from,
                                       gboolean         *out_has_to);
/* "YYYY-MM-DDT00:00:00.000000Z" of @date plus @add_days: the text bound
 * that stored ISO timestamps compare against. */
char       *fc_admin_day_start        (const GDate      *date,
                                       int               add_days);

/* One row of a list's SELECT as its object. */
typedef JsonObject *(*FcAdminRowFunc) (FcSqlStmt *stmt);

/* Answers a page (DRF's envelope, ?page= and ?page_size=) of @table's
 * rows matching @where, whose "?" parameters are the strings of @args in
 * order, as @columns ordered by @order_by, each row through @row_to_json.
 * The count uses @count_where (the same rows, other terms for the
 * planner, the same parameters) or, when NULL, @where. */
void        fc_admin_respond_list     (FcServerRequest  *request,
                                       const char       *table,
                                       const char       *columns,
                                       const char       *where,
                                       const char       *count_where,
                                       const char       *order_by,
                                       GPtrArray        *args,
                                       FcAdminRowFunc    row_to_json);

/* Handlers. */
void        fc_admin_users_list_cb    (FcServerRequest  *request);
void        fc_admin_user_get_cb      (FcServerRequest  *request);
void        fc_admin_user_patch_cb    (FcServerRequest  *request);
void        fc_admin_user_reset_cb    (FcServerRequest  *request);
void        fc_admin_audit_list_cb    (FcServerRequest  *request);
void        fc_admin_stats_cb         (FcServerRequest  *request);
void        fc_admin_video_order_cb   (FcServerRequest  *request);
void        fc_admin_foods_import_cb  (FcServerRequest  *request);
void        fc_admin_uploads_create_cb (FcServerRequest *request);
void        fc_admin_upload_get_cb    (FcServerRequest  *request);
void        fc_admin_upload_patch_cb  (FcServerRequest  *request);
void        fc_admin_upload_delete_cb (FcServerRequest  *request);
void        fc_admin_upload_complete_cb (FcServerRequest *request);
void        fc_admin_thumbnail_put_cb (FcServerRequest  *request);
void        fc_admin_thumbnail_delete_cb (FcServerRequest *request);
void        fc_admin_templates_list_cb (FcServerRequest *request);
void        fc_admin_templates_create_cb (FcServerRequest *request);
void        fc_admin_template_get_cb (FcServerRequest *request);
void        fc_admin_template_patch_cb (FcServerRequest *request);
void        fc_admin_template_delete_cb (FcServerRequest *request);

G_END_DECLS

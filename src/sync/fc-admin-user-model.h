/* fc-admin-user-model.h — admin/users/ as a GListModel that fetches pages on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sparse list of every account the search finds, for a GtkColumnView
 * over 100,000 accounts: the length comes from the first page's `count`;
 * g_list_model_get_item() answers at once with an FcAdminUser, a
 * placeholder until its page arrives, and asks for that page. Pages are
 * asked for from an idle, newest wish first, at most two at a time, and
 * only while they are among the @max_pages pages last touched (kept, least
 * recently used first out): a fast scroll over thousands of rows asks for
 * the pages it stops at, not every page it passed. Sorting and searching
 * are the server's (set "ordering" and "search"); a change of either
 * reloads from the first page.
 */

#pragma once

#include "fc-admin-service.h"
#include "fc-admin-user.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_USER_MODEL (fc_admin_user_model_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminUserModel, fc_admin_user_model, FC, ADMIN_USER_MODEL, GObject)

/* @page_size: accounts per request (at most 100, the server's limit);
 * @max_pages: pages kept (at least 2). */
FcAdminUserModel *fc_admin_user_model_new          (FcAdminService   *service,
                                                    guint             page_size,
                                                    guint             max_pages);

/* Properties "search" and "ordering" (admin/users/'s `ordering`, NULL for
 * the server's default, newest first); each change reloads. */
void              fc_admin_user_model_set_search   (FcAdminUserModel *self,
                                                    const char       *search);
const char       *fc_admin_user_model_get_search   (FcAdminUserModel *self);
void              fc_admin_user_model_set_ordering (FcAdminUserModel *self,
                                                    const char       *ordering);
const char       *fc_admin_user_model_get_ordering (FcAdminUserModel *self);
/* admin/users/'s filters as a query ("is_staff=true&is_active=false", see
 * fc_admin_service_list_users_async()), NULL for none; a change reloads. */
void              fc_admin_user_model_set_filters  (FcAdminUserModel *self,
                                                    const char       *filters);
const char       *fc_admin_user_model_get_filters  (FcAdminUserModel *self);
/* Drops every page and asks for the first again. */
void              fc_admin_user_model_reload       (FcAdminUserModel *self);

/* "loading": the first page of a (re)load has not come yet. "error": the
 * last failed request's error (NULL after a success), e.g.
 * %FC_API_ERROR_NOT_FOUND when the server has no admin routes. */
gboolean          fc_admin_user_model_get_loading  (FcAdminUserModel *self);
const GError     *fc_admin_user_model_get_error    (FcAdminUserModel *self);

/* An account changed (@detail is the server's object, as a PATCH answers):
 * its item, when a kept page has it, fills in again. */
void              fc_admin_user_model_update_user  (FcAdminUserModel *self,
                                                    JsonObject       *detail);

/* For tests and diagnostics: pages asked for since the last (re)load,
 * pages kept now, and requests on the way. */
guint             fc_admin_user_model_get_pages_fetched (FcAdminUserModel *self);
guint             fc_admin_user_model_get_pages_kept    (FcAdminUserModel *self);
guint             fc_admin_user_model_get_in_flight     (FcAdminUserModel *self);

G_END_DECLS

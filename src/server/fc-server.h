/* fc-server.h — the fitcore-server HTTP front: routing, auth, transactions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include "fc-sql.h"

#include "fc-server-config.h"
#include "fc-server-request.h"
#include "fc-throttle.h"

G_BEGIN_DECLS

#define FC_TYPE_SERVER (fc_server_get_type ())

G_DECLARE_FINAL_TYPE (FcServer, fc_server, FC, SERVER, GObject)

/* Takes ownership of @config and @db. */
FcServer       *fc_server_new             (FcServerConfig       *config,
                                           FcSql              *db);
FcServerConfig *fc_server_get_config      (FcServer             *self);
FcSql        *fc_server_get_db          (FcServer             *self);

/* Listens on @address:@port (0 picks a free port); the URL actually bound,
 * "http://127.0.0.1:PORT/", through @out_url. */
gboolean        fc_server_listen          (FcServer             *self,
                                           const char           *address,
                                           guint                 port,
                                           char                **out_url,
                                           GError              **error);

/* Serves connections accepted on @socket, bound and listening; @shared:
 * other processes (workers of the same supervisor) accept on it too. */
void            fc_server_listen_socket   (FcServer             *self,
                                           GSocket              *socket,
                                           gboolean              shared);

/* Stops accepting requests and completes once those in flight have been
 * answered (or after a grace period). */
void            fc_server_shutdown_async  (FcServer             *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean        fc_server_shutdown_finish (FcServer             *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Failed logins per e-mail address and per client address. */
FcThrottle     *fc_server_get_login_throttle (FcServer          *self);

/* Multipart bodies to paths under @path_prefix (a static string) may be up
 * to @limit bytes instead of max_upload_size: video uploads. */
void            fc_server_set_upload_limit (FcServer         *self,
                                            const char       *path_prefix,
                                            gsize             limit);
/* The multipart body limit for @path. */
gsize           fc_server_get_upload_limit (FcServer         *self,
                                            const char       *path);
/* Other bodies (JSON) to paths under @path_prefix may be up to @limit
 * bytes instead of max_body_size: bulk uploads. With @raw, their handlers
 * get them unparsed (fc_server_request_dup_raw_body()), to parse them off
 * the main loop: a few MiB of JSON take json-glib a good part of a
 * second on a busy machine. */
void            fc_server_set_body_limit   (FcServer         *self,
                                            const char       *path_prefix,
                                            gsize             limit,
                                            gboolean          raw);
gsize           fc_server_get_body_limit   (FcServer         *self,
                                            const char       *path);
gboolean        fc_server_body_is_raw      (FcServer         *self,
                                            const char       *path);

/* Section names ("auth", "nutrition") for GET /api/v1/, in order. */
const char * const *fc_server_get_sections (FcServer            *self);

G_END_DECLS

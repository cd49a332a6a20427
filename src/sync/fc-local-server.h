/* fc-local-server.h — the bundled fitcore-server, for "use this computer only"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FC_TYPE_LOCAL_SERVER (fc_local_server_get_type ())
G_DECLARE_FINAL_TYPE (FcLocalServer, fc_local_server, FC, LOCAL_SERVER, GObject)

/* @binary: the fitcore-server to run (NULL: $FITCORE_SERVER, else the one
 * installed next to the app). @data_dir: where it keeps its database. */
FcLocalServer *fc_local_server_new          (const char          *binary,
                                             const char          *data_dir);
/* Spawns it on 127.0.0.1 with --port 0 and waits for its "listening on"
 * line; the server is stopped (SIGTERM) when the object is finalized. */
void           fc_local_server_start_async  (FcLocalServer       *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       fc_local_server_start_finish (FcLocalServer       *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* "http://127.0.0.1:PORT/" once started, else NULL. */
const char    *fc_local_server_get_url      (FcLocalServer       *self);
/* SIGTERM, then waits (a few seconds at most, then SIGKILL). */
void           fc_local_server_stop         (FcLocalServer       *self);
const char    *fc_local_server_get_data_dir (FcLocalServer       *self);

/* Added for the session: makes @email a staff account with @password in the
 * data dir (`fitcore-server --create-staff`, the password on its stdin so it
 * never shows in `ps`), creating it if needed. Run it while the server is
 * stopped. The only account of a private server is its administrator, and
 * as the data dir is ours, a password the Secret Service lost can always be
 * set again this way. */
void           fc_local_server_create_account_async  (FcLocalServer       *self,
                                                      const char          *email,
                                                      const char          *password,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean       fc_local_server_create_account_finish (FcLocalServer       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS

/* fc-media.h — uploaded files: storing them and serving /media/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fc-server-request.h"

G_BEGIN_DECLS

/* Answers GET/HEAD /media/@relative_path from @media_dir with Content-Type,
 * Content-Length, ETag and Range support; 404 for anything outside the
 * media dir (no "..", no symlinks out). */
void  fc_media_serve (FcServerRequest  *request,
                      const char       *media_dir,
                      const char       *relative_path);

/* Stores @data as @subdir/@filename under @media_dir, picking another name
 * when that one is taken ("avatar_k3J9xQ2.png", as Django does). Returns the
 * path relative to @media_dir. @filename is reduced to a safe base name. */
char *fc_media_store (const char       *media_dir,
                      const char       *subdir,
                      const char       *filename,
                      GBytes           *data,
                      GError          **error);
/* Removes a stored file; a missing one is not an error. */
void  fc_media_remove (const char      *media_dir,
                       const char      *relative_path);

/* The absolute URL of a stored file, "http://host/media/profile/a.png". */
char *fc_media_url   (FcServerRequest  *request,
                      const char       *relative_path);

G_END_DECLS

/* fc-health-zip.h — one member of a zip file, as a stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Just enough of the zip format for Apple Health's export.zip: the central
 * directory (ZIP64 included: an export's XML passes 4 GiB), and a member
 * stored or deflated, inflated as it is read with GIO's own zlib
 * decompressor. No encryption, no other compression method.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean      fc_health_zip_is_zip      (GInputStream  *stream,
                                         GCancellable  *cancellable,
                                         GError       **error);
GInputStream *fc_health_zip_open_member (GInputStream  *stream,
                                         const char    *basename,
                                         guint64       *out_size,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS

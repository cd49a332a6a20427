/* fc-health-zip.c — one member of a zip file, as a stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-zip"

#include "config.h"

#include "fc-health-zip.h"

#include <string.h>

/* A central directory bigger than this is not an export's (Apple's has
 * one entry per workout route: thousands, a few hundred KiB). */
#define MAX_CENTRAL_DIRECTORY (64 * 1024 * 1024)
#define EOCD_SIZE 22
#define MAX_COMMENT 65535

static guint16
le16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

static guint32
le32 (const guint8 *p)
{
  return le16 (p) | ((guint32) le16 (p + 2) << 16);
}

static guint64
le64 (const guint8 *p)
{
  return le32 (p) | ((guint64) le32 (p + 4) << 32);
}

static gboolean
invalid (GError     **error,
         const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a readable zip file (%s)", what);
  return FALSE;
}

static gboolean
read_at (GInputStream  *stream,
         goffset        offset,
         void          *buffer,
         gsize          size,
         GCancellable  *cancellable,
         GError       **error)
{
  gsize n = 0;

  if (!g_seekable_seek (G_SEEKABLE (stream), offset, G_SEEK_SET, cancellable, error)
      || !g_input_stream_read_all (stream, buffer, size, &n, cancellable, error))
    return FALSE;
  if (n != size)
    return invalid (error, "cut short");
  return TRUE;
}

/**
 * fc_health_zip_is_zip:
 * @stream: a seekable stream at its start
 *
 * Returns: whether @stream begins as a zip file does; it is at its start
 *   again after
 */
gboolean
fc_health_zip_is_zip (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  guint8 magic[4] = { 0, };
  gsize n = 0;

  g_return_val_if_fail (G_IS_SEEKABLE (stream), FALSE);

  if (!g_input_stream_read_all (stream, magic, sizeof magic, &n, cancellable, error)
      || !g_seekable_seek (G_SEEKABLE (stream), 0, G_SEEK_SET, cancellable, error))
    return FALSE;
  return n == sizeof magic && memcmp (magic, "PK\3\4", 4) == 0;
}

/* Where the central directory is, from the end of the file */
static gboolean
find_central_directory (GInputStream  *stream,
                        guint64       *out_offset,
                        guint64       *out_size,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree guint8 *tail = NULL;
  goffset size, tail_len;
  const guint8 *eocd = NULL;
  guint8 locator[20], zip64[56];

  if (!g_seekable_seek (G_SEEKABLE (stream), 0, G_SEEK_END, cancellable, error))
    return FALSE;
  size = g_seekable_tell (G_SEEKABLE (stream));
  tail_len = MIN (size, EOCD_SIZE + MAX_COMMENT);
  if (tail_len < EOCD_SIZE)
    return invalid (error, "too short");
  tail = g_malloc (tail_len);
  if (!read_at (stream, size - tail_len, tail, tail_len, cancellable, error))
    return FALSE;
  for (goffset i = tail_len - EOCD_SIZE; i >= 0 && eocd == NULL; i--) {
    if (memcmp (tail + i, "PK\5\6", 4) == 0)
      eocd = tail + i;
  }
  if (eocd == NULL)
    return invalid (error, "no end of central directory");

  *out_size = le32 (eocd + 12);
  *out_offset = le32 (eocd + 16);
  if (*out_offset != 0xffffffff && *out_size != 0xffffffff && le16 (eocd + 10) != 0xffff)
    return TRUE;

  /* ZIP64: a locator just before the record names the real one */
  if (size - tail_len + (eocd - tail) < (goffset) sizeof locator)
    return invalid (error, "no ZIP64 locator");
  if (!read_at (stream, size - tail_len + (eocd - tail) - sizeof locator, locator,
                sizeof locator, cancellable, error))
    return FALSE;
  if (memcmp (locator, "PK\6\7", 4) != 0)
    return invalid (error, "no ZIP64 locator");
  if (!read_at (stream, le64 (locator + 8), zip64, sizeof zip64, cancellable, error))
    return FALSE;
  if (memcmp (zip64, "PK\6\6", 4) != 0)
    return invalid (error, "no ZIP64 end of central directory");
  *out_size = le64 (zip64 + 40);
  *out_offset = le64 (zip64 + 48);
  return TRUE;
}

/**
 * fc_health_zip_open_member:
 * @stream: a seekable stream of a whole zip file
 * @basename: the member's name, in any folder ("export.xml" finds
 *   "apple_health_export/export.xml")
 * @out_size: (out): the member's size once inflated
 *
 * Returns: (transfer full): the member's contents, read from @stream, or
 *   %NULL with G_IO_ERROR_NOT_FOUND when there is no such member,
 *   G_IO_ERROR_NOT_SUPPORTED when it is encrypted or compressed other than
 *   by deflate, G_IO_ERROR_INVALID_DATA when the file is damaged
 */
GInputStream *
fc_health_zip_open_member (GInputStream  *stream,
                           const char    *basename,
                           guint64       *out_size,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree guint8 *dir = NULL;
  guint64 dir_offset, dir_size;
  gsize base_len = strlen (basename);
  guint8 local[30];

  g_return_val_if_fail (G_IS_SEEKABLE (stream), NULL);

  if (!find_central_directory (stream, &dir_offset, &dir_size, cancellable, error))
    return NULL;
  if (dir_size > MAX_CENTRAL_DIRECTORY) {
    invalid (error, "central directory too large");
    return NULL;
  }
  dir = g_malloc (dir_size + 1);
  if (!read_at (stream, dir_offset, dir, dir_size, cancellable, error))
    return NULL;

  for (guint64 at = 0; at + 46 <= dir_size;) {
    const guint8 *e = dir + at;
    guint16 flags = le16 (e + 8), method = le16 (e + 10);
    guint64 usize = le32 (e + 24), offset = le32 (e + 42);
    guint16 name_len = le16 (e + 28), extra_len = le16 (e + 30), comment_len = le16 (e + 32);
    const char *name = (const char *) e + 46;
    const guint8 *extra = e + 46 + name_len;

    if (memcmp (e, "PK\1\2", 4) != 0 || at + 46 + name_len + extra_len + comment_len > dir_size) {
      invalid (error, "damaged central directory");
      return NULL;
    }
    at += 46 + name_len + extra_len + comment_len;

    if (!(name_len == base_len || (name_len > base_len && name[name_len - base_len - 1] == '/'))
        || memcmp (name + name_len - base_len, basename, base_len) != 0)
      continue;

    /* ZIP64's extra field holds what did not fit, in this order */
    for (guint i = 0; i + 4 <= extra_len;) {
      guint16 id = le16 (extra + i), len = le16 (extra + i + 2);
      const guint8 *f = extra + i + 4, *f_end = f + MIN (len, extra_len - i - 4);

      if (id == 1) {
        if (le32 (e + 24) == 0xffffffff && f + 8 <= f_end)
          usize = le64 (f), f += 8;
        if (le32 (e + 20) == 0xffffffff && f + 8 <= f_end)
          f += 8;
        if (le32 (e + 42) == 0xffffffff && f + 8 <= f_end)
          offset = le64 (f);
      }
      i += 4 + len;
    }

    if (flags & 1) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s is encrypted", basename);
      return NULL;
    }
    if (!read_at (stream, offset, local, sizeof local, cancellable, error))
      return NULL;
    if (memcmp (local, "PK\3\4", 4) != 0) {
      invalid (error, "damaged local header");
      return NULL;
    }
    if (!g_seekable_seek (G_SEEKABLE (stream), offset + sizeof local + le16 (local + 26)
                          + le16 (local + 28), G_SEEK_SET, cancellable, error))
      return NULL;

    *out_size = usize;
    if (method == 0)
      return g_object_ref (stream);
    if (method == 8) {
      g_autoptr(GZlibDecompressor) inflater = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
      return g_converter_input_stream_new (stream, G_CONVERTER (inflater));
    }
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "%s is compressed with method %u; only deflate is read", basename, method);
    return NULL;
  }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no %s in the zip file", basename);
  return NULL;
}

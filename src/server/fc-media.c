/* fc-media.c — uploaded files: storing them and serving /media/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-media"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc-media.h"
#include "fc-random.h"
#include "fc-server-private.h"

#define MAX_NAME 100
/* More ranges than a player asks for is an amplification attempt. */
#define MAX_RANGES 16

/* The types we store, by extension; the shared MIME database may be absent
 * on a server, and the stored names' extensions are ours anyway. */
static const struct {
  const char *extension;
  const char *type;
} media_types[] = {
  { ".png", "image/png" },
  { ".jpg", "image/jpeg" },
  { ".jpeg", "image/jpeg" },
  { ".gif", "image/gif" },
  { ".bmp", "image/bmp" },
  { ".webp", "image/webp" },
  { ".mp4", "video/mp4" },
  { ".webm", "video/webm" },
  { ".ogv", "video/ogg" },
};

static char *
media_type_for (const char *path)
{
  g_autofree char *guessed = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (media_types); i++) {
    if (g_str_has_suffix (path, media_types[i].extension))
      return g_strdup (media_types[i].type);
  }
  guessed = g_content_type_guess (path, NULL, 0, NULL);
  return g_content_type_get_mime_type (guessed);
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const SoupRange *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

/* libsoup answers a Range request itself, with every range asked for,
 * overlapping or not: a few bytes of header could ask for the file a
 * thousand times. Ranges are merged here, sorted, where they overlap or
 * touch, and more than MAX_RANGES, or more bytes asked than the file
 * holds, are refused. Returns FALSE after answering 416. */
static gboolean
check_ranges (FcServerRequest *request,
              goffset          size)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->message);
  const char *asked_for = g_object_get_data (G_OBJECT (request->message), FC_SERVER_RANGE_DATA);
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  goffset asked = 0;
  g_autoptr(GString) merged = NULL;
  int n_merged = 0;

  if (asked_for == NULL)
    return TRUE;
  /* Unparsable or unsatisfiable ranges are libsoup's to answer. */
  soup_message_headers_replace (headers, "Range", asked_for);
  if (size == 0 || !soup_message_headers_get_ranges (headers, size, &ranges, &n_ranges))
    return TRUE;

  for (int i = 0; i < n_ranges; i++)
    asked += ranges[i].end - ranges[i].start + 1;

  if (n_ranges > MAX_RANGES || asked > size) {
    g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, size);

    soup_message_headers_free_ranges (headers, ranges);
    fc_server_request_add_header (request, "Content-Range", content_range);
    fc_server_request_respond_detail (request, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE,
                                      "Too many or overlapping ranges.");
    return FALSE;
  }

  qsort (ranges, n_ranges, sizeof (SoupRange), compare_ranges);
  merged = g_string_new ("bytes=");
  for (int i = 0; i < n_ranges; i++) {
    goffset start = ranges[i].start, end = ranges[i].end;

    for (; i + 1 < n_ranges && ranges[i + 1].start <= end + 1; i++)
      end = MAX (end, ranges[i + 1].end);
    g_string_append_printf (merged, "%s%" G_GOFFSET_FORMAT "-%" G_GOFFSET_FORMAT,
                            n_merged++ > 0 ? "," : "", start, end);
  }
  soup_message_headers_free_ranges (headers, ranges);
  soup_message_headers_replace (headers, "Range", merged->str);
  return TRUE;
}

/* Resolves @relative_path inside @media_dir, following symlinks, and
 * refuses anything that lands outside it. */
static char *
resolve_inside (const char *media_dir,
                const char *relative_path)
{
  g_autofree char *root = realpath (media_dir, NULL);
  g_autofree char *joined = NULL;
  g_autofree char *real = NULL;
  g_autofree char *prefix = NULL;

  if (root == NULL || *relative_path == '\0' || g_path_is_absolute (relative_path))
    return NULL;

  joined = g_build_filename (root, relative_path, NULL);
  real = realpath (joined, NULL);
  if (real == NULL)
    return NULL;
  prefix = g_strconcat (root, G_DIR_SEPARATOR_S, NULL);
  if (!g_str_has_prefix (real, prefix) || !g_file_test (real, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&real);
}

void
fc_media_serve (FcServerRequest *request,
                const char      *media_dir,
                const char      *relative_path)
{
  g_autofree char *decoded = g_uri_unescape_string (relative_path, NULL);
  g_autofree char *path = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *mime = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *if_none_match;
  GStatBuf st;

  if (decoded != NULL && strstr (decoded, "..") == NULL)
    path = resolve_inside (media_dir, decoded);
  if (path == NULL || g_stat (path, &st) != 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, "Not found.");
    return;
  }

  etag = g_strdup_printf ("\"%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x\"",
                          (gint64) st.st_mtime, (gint64) st.st_size);
  fc_server_request_add_header (request, "ETag", etag);
  fc_server_request_add_header (request, "Accept-Ranges", "bytes");
  fc_server_request_add_header (request, "Cache-Control", "private, max-age=3600");

  if_none_match = fc_server_request_get_header (request, "If-None-Match");
  if (if_none_match != NULL && strstr (if_none_match, etag) != NULL) {
    fc_server_request_respond_raw (request, SOUP_STATUS_NOT_MODIFIED, NULL, NULL);
    return;
  }

  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, "Not found.");
    return;
  }
  bytes = g_mapped_file_get_bytes (mapped);
  if (!check_ranges (request, g_bytes_get_size (bytes)))
    return;
  mime = media_type_for (path);

  /* libsoup turns a full 200 into a 206 for the (checked) ranges itself. */
  fc_server_request_respond_raw (request, SOUP_STATUS_OK,
                                 mime != NULL ? mime : "application/octet-stream", bytes);
}

/* Django's get_valid_filename(), roughly: letters, digits, '-', '_', '.'. */
static char *
safe_name (const char *filename)
{
  g_autofree char *base = g_path_get_basename (filename != NULL ? filename : "");
  GString *out = g_string_new (NULL);

  for (const char *p = base; *p != '\0' && out->len < MAX_NAME; p++) {
    if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || (*p == '.' && out->len > 0))
      g_string_append_c (out, *p);
    else if (*p == ' ')
      g_string_append_c (out, '_');
  }
  if (out->len == 0 || g_str_equal (out->str, "."))
    g_string_assign (out, "upload");
  return g_string_free (out, FALSE);
}

char *
fc_media_store (const char  *media_dir,
                const char  *subdir,
                const char  *filename,
                GBytes      *data,
                GError     **error)
{
  g_autofree char *name = safe_name (filename);
  g_autofree char *dir = g_build_filename (media_dir, subdir, NULL);
  const char *dot = strrchr (name, '.');
  g_autofree char *stem = g_strndup (name, dot != NULL ? (gsize) (dot - name) : strlen (name));
  const char *extension = dot != NULL ? dot : "";

  if (g_mkdir_with_parents (dir, 0755) != 0) {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "Cannot create %s: %s",
                 dir, g_strerror (saved_errno));
    return NULL;
  }

  for (guint attempt = 0; attempt < 100; attempt++) {
    g_autofree char *suffix = attempt == 0 ? g_strdup ("")
                                           : fc_random_string (7, FC_RANDOM_ALPHANUMERIC);
    g_autofree char *candidate = g_strdup_printf ("%s%s%s%s", stem, attempt == 0 ? "" : "_",
                                                  suffix, extension);
    g_autofree char *path = g_build_filename (dir, candidate, NULL);
    gsize size;
    const guint8 *bytes = g_bytes_get_data (data, &size);
    int fd;

    /* O_EXCL makes the name ours even if two uploads race. */
    fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST)
        continue;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot create %s: %s", path,
                   g_strerror (errno));
      return NULL;
    }
    while (size > 0) {
      ssize_t n = write (fd, bytes, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        int saved_errno = errno;

        close (fd);
        g_unlink (path);
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "Cannot write %s: %s",
                     path, g_strerror (saved_errno));
        return NULL;
      }
      bytes += n;
      size -= n;
    }
    if (close (fd) != 0) {
      g_unlink (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", path);
      return NULL;
    }
    return g_build_filename (subdir, candidate, NULL);
  }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "No free name for %s", name);
  return NULL;
}

void
fc_media_remove (const char *media_dir,
                 const char *relative_path)
{
  g_autofree char *path = NULL;

  if (relative_path == NULL || *relative_path == '\0')
    return;
  path = resolve_inside (media_dir, relative_path);
  if (path != NULL)
    g_unlink (path);
}

char *
fc_media_url (FcServerRequest *request,
              const char      *relative_path)
{
  g_autofree char *escaped = g_uri_escape_string (relative_path, "/", FALSE);

  return g_strdup_printf ("%s/media/%s", fc_server_request_get_base_url (request), escaped);
}

/* fc-download-manager.c — the signed-in account's downloaded workouts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What is on disk is the truth: a workout directory holds workout.json (the
 * workout as it was downloaded, or as the last premium check left it) and
 * VIDEO_ID.media for each video that is complete and verified (FcDownloader
 * renames a file into place only after its size and SHA-256 matched), plus
 * the downloader's .part files while one is unfinished. The manager keeps
 * one Entry per workout directory and one FcDownloader while it fetches.
 */

#define G_LOG_DOMAIN "fc-media"

#include "config.h"

#include "fc-download-manager.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fc-downloader.h"
#include "fc-json.h"

#define MANIFEST_NAME "workout.json"
#define VIDEO_SUFFIX ".media"
/* "changed" for a fraction at most this often per workout. */
#define FRACTION_INTERVAL_US (G_USEC_PER_SEC / 4)

struct _FcDownloadManager
{
  GObject       parent_instance;

  /* owned */
  FcSession    *session;
  GHashTable   *entries;       /* gint64 * workout id → Entry */
  char         *server_url;    /* of the account whose downloads these are */
  GCancellable *cancellable;   /* store reads and token refreshes */
  FcSyncEngine *engine;        /* the session drops its own before it says so */

  gulong        engine_synced_id;

  guint64       used_bytes;
  guint         signed_in : 1;
};

G_DEFINE_FINAL_TYPE (FcDownloadManager, fc_download_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USED_BYTES,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  FcDownloadManager *self;     /* borrowed: the manager owns the entry */
  gint64             id;
  char              *dir;
  JsonObject        *workout;  /* the manifest */
  FcDownloader      *downloader;
  GError            *error;
  gint64             last_fraction_us;
  FcDownloadStatus   status;
} Entry;

static void entry_start (Entry *entry);

/* Helpers */

static void
entry_stop_downloader (Entry *entry)
{
  if (entry->downloader == NULL)
    return;
  g_signal_handlers_disconnect_by_data (entry->downloader, entry);
  /* A transfer in flight keeps the downloader alive until it has unwound. */
  fc_downloader_pause (entry->downloader);
  g_clear_object (&entry->downloader);
}

static void
entry_free (Entry *entry)
{
  entry_stop_downloader (entry);
  g_clear_pointer (&entry->workout, json_object_unref);
  g_clear_error (&entry->error);
  g_free (entry->dir);
  g_free (entry);
}

static char *
video_path (Entry  *entry,
            gint64  video_id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT VIDEO_SUFFIX, video_id);

  return g_build_filename (entry->dir, name, NULL);
}

/* The videos to fetch: those with a file URL (not locked), in order. */
static GPtrArray *
unlocked_videos (JsonObject *workout)
{
  GPtrArray *videos = g_ptr_array_new ();
  JsonArray *array = fc_json_get_array (workout, "videos");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++) {
    JsonObject *video = json_array_get_object_element (array, i);
    gboolean locked = FALSE;
    gint64 id = 0;

    if (video == NULL || !fc_json_get_int (video, "id", &id) || id <= 0)
      continue;
    fc_json_get_boolean (video, "locked", &locked);
    if (locked || fc_json_get_string (video, "file") == NULL)
      continue;
    g_ptr_array_add (videos, video);
  }
  return videos;
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return 0;
  return st.st_size;
}

/* The videos' bytes under @dir, finished and partial (the manifest and
 * the downloader's sidecars are a few hundred bytes, not "downloads"). */
static guint64
dir_size (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL) {
    g_autofree char *path = NULL;

    if (!g_str_has_suffix (name, VIDEO_SUFFIX) && !g_str_has_suffix (name, VIDEO_SUFFIX ".part"))
      continue;
    path = g_build_filename (dir, name, NULL);
    total += file_size (path);
  }
  return total;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);

    if (g_unlink (path) != 0 && errno != ENOENT)
      g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
  }
  if (g_rmdir (dir) != 0 && errno != ENOENT)
    g_warning ("Cannot remove %s: %s", dir, g_strerror (errno));
}

static void
remove_video_files (Entry  *entry,
                    gint64  video_id)
{
  g_autofree char *path = video_path (entry, video_id);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *sidecar = g_strconcat (path, ".part.json", NULL);

  g_unlink (path);
  g_unlink (part);
  g_unlink (sidecar);
}

static gboolean
write_manifest (Entry   *entry,
                GError **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), entry->workout);
  g_autofree char *text = fc_json_to_string (node, TRUE);
  g_autofree char *path = g_build_filename (entry->dir, MANIFEST_NAME, NULL);

  if (g_mkdir_with_parents (entry->dir, 0700) != 0) {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("Cannot make the folder for downloads: %s"), g_strerror (saved));
    return FALSE;
  }
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static gboolean
all_unlocked_on_disk (Entry   *entry,
                      guint64 *out_done,
                      guint64 *out_total)
{
  g_autoptr(GPtrArray) videos = unlocked_videos (entry->workout);
  gboolean complete = TRUE;
  guint64 done = 0, total = 0;

  for (guint i = 0; i < videos->len; i++) {
    JsonObject *video = videos->pdata[i];
    gint64 id = 0, size = 0;
    g_autofree char *path = NULL;
    g_autofree char *part = NULL;
    guint64 on_disk;

    fc_json_get_int (video, "id", &id);
    fc_json_get_int (video, "file_size", &size);
    path = video_path (entry, id);
    part = g_strconcat (path, ".part", NULL);
    on_disk = file_size (path);
    if (on_disk == 0 || (size > 0 && on_disk != (guint64) size)) {
      complete = FALSE;
      on_disk = file_size (part);
    }
    done += on_disk;
    total += size > 0 ? (guint64) size : on_disk;
  }
  if (out_done != NULL)
    *out_done = done;
  if (out_total != NULL)
    *out_total = total;
  return complete;
}

static void
update_used_bytes (FcDownloadManager *self)
{
  GHashTableIter iter;
  Entry *entry;
  guint64 used = 0;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    used += dir_size (entry->dir);
  if (used == self->used_bytes)
    return;
  self->used_bytes = used;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USED_BYTES]);
}

static void
emit_changed (FcDownloadManager *self,
              gint64             workout_id)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, workout_id);
}

/* The status from the downloader, or else from the disk. */
static void
entry_refresh (Entry *entry)
{
  FcDownloadStatus status;

  if (entry->downloader != NULL &&
      fc_downloader_get_state (entry->downloader) == FC_DOWNLOADER_STATE_RUNNING)
    status = FC_DOWNLOAD_RUNNING;
  else if (entry->error != NULL)
    status = FC_DOWNLOAD_FAILED;
  else if (all_unlocked_on_disk (entry, NULL, NULL))
    status = FC_DOWNLOAD_DONE;
  else
    status = FC_DOWNLOAD_PAUSED;
  entry->status = status;
}

static void
entry_changed (Entry *entry)
{
  FcDownloadManager *self = entry->self;

  entry_refresh (entry);
  update_used_bytes (self);
  emit_changed (self, entry->id);
}

static char *
server_dir (FcDownloadManager *self)
{
  g_autofree char *any = fc_downloader_workout_dir (self->server_url, "0");

  return g_path_get_dirname (any);
}

static Entry *
entry_new (FcDownloadManager *self,
           gint64             id,
           JsonObject        *workout)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  Entry *entry = g_new0 (Entry, 1);
  gint64 *key = g_new (gint64, 1);

  entry->self = self;
  entry->id = id;
  entry->dir = fc_downloader_workout_dir (self->server_url, name);
  entry->workout = json_object_ref (workout);
  *key = id;
  g_hash_table_replace (self->entries, key, entry);
  return entry;
}

static gboolean
is_online (FcDownloadManager *self)
{
  FcSyncEngine *engine = fc_session_get_sync_engine (self->session);

  if (!g_network_monitor_get_network_available (g_network_monitor_get_default ()))
    return FALSE;
  return engine == NULL || fc_sync_engine_get_state (engine) != FC_SYNC_STATE_OFFLINE;
}

/* Callbacks */

static void
on_fraction_cb (FcDownloader *downloader,
                GParamSpec   *pspec,
                Entry        *entry)
{
  gint64 now = g_get_monotonic_time ();

  if (now - entry->last_fraction_us < FRACTION_INTERVAL_US)
    return;
  entry->last_fraction_us = now;
  emit_changed (entry->self, entry->id);
}

/* A video is ready to play offline: that is news even between fractions. */
static void
on_item_finished_cb (FcDownloader *downloader,
                     guint         index,
                     Entry        *entry)
{
  update_used_bytes (entry->self);
  emit_changed (entry->self, entry->id);
}

static void
on_finished_cb (FcDownloader *downloader,
                const GError *error,
                Entry        *entry)
{
  g_clear_error (&entry->error);
  if (error != NULL)
    entry->error = g_error_copy (error);

  entry_changed (entry);
}

static void
on_state_cb (FcDownloader *downloader,
             GParamSpec   *pspec,
             Entry        *entry)
{
  FcDownloadStatus before = entry->status;

  entry_refresh (entry);
  if (entry->status != before)
    entry_changed (entry);
}

/* Starts or resumes fetching what is not on disk yet. */
static void
entry_start (Entry *entry)
{
  FcDownloadManager *self = entry->self;
  g_autoptr(GPtrArray) videos = unlocked_videos (entry->workout);
  FcApiClient *client = fc_session_get_client (self->session);

  g_clear_error (&entry->error);
  if (client == NULL)
    return;
  if (entry->downloader == NULL) {
    /* The session's client: the token, its refresh when it expires (even
     * mid-download), the timeouts and the User-Agent of every request. */
    entry->downloader = fc_downloader_new (client);
    for (guint i = 0; i < videos->len; i++) {
      JsonObject *video = videos->pdata[i];
      gint64 id = 0, size = -1;
      g_autofree char *destination = NULL;

      fc_json_get_int (video, "id", &id);
      if (!fc_json_get_int (video, "file_size", &size) || size <= 0)
        size = -1;
      destination = video_path (entry, id);
      fc_downloader_add (entry->downloader, fc_json_get_string (video, "file"), destination,
                         size, fc_json_get_string (video, "checksum"));
    }
    g_signal_connect (entry->downloader, "notify::fraction", G_CALLBACK (on_fraction_cb), entry);
    g_signal_connect (entry->downloader, "notify::state", G_CALLBACK (on_state_cb), entry);
    g_signal_connect (entry->downloader, "item-finished", G_CALLBACK (on_item_finished_cb),
                      entry);
    g_signal_connect (entry->downloader, "finished", G_CALLBACK (on_finished_cb), entry);
  }
  fc_downloader_start (entry->downloader);
  entry_changed (entry);
}

/* Sign-in: what is on disk for this server, resumed when online. */
static void
scan_disk (FcDownloadManager *self)
{
  g_autofree char *dir = server_dir (self);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  gboolean online = is_online (self);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL) {
    g_autofree char *manifest = g_build_filename (dir, name, MANIFEST_NAME, NULL);
    g_autofree char *text = NULL;
    g_autoptr(JsonObject) workout = NULL;
    g_autofree char *expected = NULL;
    gint64 id = 0;
    Entry *entry;

    if (!g_file_get_contents (manifest, &text, NULL, NULL) ||
        (workout = fc_json_parse_object (text, -1, NULL)) == NULL ||
        !fc_json_get_int (workout, "id", &id) || id <= 0)
      continue;
    /* The folder is named after the workout it holds, nothing else. */
    expected = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    if (!g_str_equal (name, expected))
      continue;
    entry = entry_new (self, id, workout);
    entry_refresh (entry);
    if (entry->status == FC_DOWNLOAD_PAUSED && online)
      entry_start (entry);
  }
  update_used_bytes (self);
}

typedef struct {
  FcDownloadManager *self;
  gint64             id;
} Recheck;

/* The store's copy after a sync: a video it now shows as locked (the
 * subscription ended) leaves the disk. */
static void
on_recheck_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Recheck *recheck = user_data;
  g_autoptr(FcDownloadManager) self = recheck->self;
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(GHashTable) allowed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         NULL);
  JsonArray *before;
  gint64 id = recheck->id;
  gboolean removed = FALSE;
  gboolean was_running;
  Entry *entry;

  g_free (recheck);
  current = fc_store_get_object_finish (FC_STORE (source), result, &error);
  entry = g_hash_table_lookup (self->entries, &id);
  if (current == NULL || entry == NULL)
    return;

  keep = unlocked_videos (current);
  for (guint i = 0; i < keep->len; i++) {
    gint64 *video_id = g_new (gint64, 1);

    fc_json_get_int (keep->pdata[i], "id", video_id);
    g_hash_table_add (allowed, video_id);
  }
  before = fc_json_get_array (entry->workout, "videos");
  for (guint i = 0; before != NULL && i < json_array_get_length (before); i++) {
    JsonObject *video = json_array_get_object_element (before, i);
    gint64 video_id = 0;
    g_autofree char *path = NULL;
    g_autofree char *part = NULL;

    if (video == NULL || !fc_json_get_int (video, "id", &video_id) ||
        g_hash_table_contains (allowed, &video_id))
      continue;
    path = video_path (entry, video_id);
    part = g_strconcat (path, ".part", NULL);
    if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (part, G_FILE_TEST_EXISTS)) {
      g_debug ("Video %" G_GINT64_FORMAT " of workout %" G_GINT64_FORMAT " is locked now",
               video_id, id);
      removed = TRUE;
    }
  }
  if (!removed)
    return;

  /* The downloader's list named the locked videos: a new one follows. */
  was_running = entry->downloader != NULL &&
                fc_downloader_get_state (entry->downloader) == FC_DOWNLOADER_STATE_RUNNING;
  entry_stop_downloader (entry);
  for (guint i = 0; before != NULL && i < json_array_get_length (before); i++) {
    gint64 video_id = 0;

    if (fc_json_get_int (json_array_get_object_element (before, i), "id", &video_id) &&
        !g_hash_table_contains (allowed, &video_id))
      remove_video_files (entry, video_id);
  }

  json_object_unref (entry->workout);
  entry->workout = json_object_ref (current);
  if (keep->len == 0) {
    /* Nothing of it may be watched any more. */
    remove_tree (entry->dir);
    g_hash_table_remove (self->entries, &id);
    update_used_bytes (self);
    emit_changed (self, id);
    return;
  }
  if (!write_manifest (entry, &error))
    g_warning ("Cannot update the downloaded workout %" G_GINT64_FORMAT ": %s", id,
               error->message);
  if (was_running)
    entry_start (entry);
  else
    entry_changed (entry);
}

static void
recheck_premium (FcDownloadManager *self)
{
  FcStore *store = fc_session_get_store (self->session);
  GHashTableIter iter;
  Entry *entry;

  if (store == NULL)
    return;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry)) {
    Recheck *recheck = g_new0 (Recheck, 1);

    recheck->self = g_object_ref (self);
    recheck->id = entry->id;
    fc_store_get_object_async (store, FC_STORE_WORKOUTS, entry->id, self->cancellable,
                               on_recheck_cb, recheck);
  }
}

static void
on_synced_cb (FcSyncEngine      *engine,
              GParamSpec        *pspec,
              FcDownloadManager *self)
{
  recheck_premium (self);
}

static void
follow_engine (FcDownloadManager *self)
{
  FcSyncEngine *engine = fc_session_get_sync_engine (self->session);

  if (engine == self->engine)
    return;
  if (self->engine != NULL)
    g_clear_signal_handler (&self->engine_synced_id, self->engine);
  g_set_object (&self->engine, engine);
  /* last-synced moves only when a run ends without an error. */
  if (engine != NULL)
    self->engine_synced_id = g_signal_connect (engine, "notify::last-synced",
                                               G_CALLBACK (on_synced_cb), self);
}

static void
on_engine_changed_cb (FcSession         *session,
                      GParamSpec        *pspec,
                      FcDownloadManager *self)
{
  follow_engine (self);
}

static void
on_session_state_cb (FcSession         *session,
                     GParamSpec        *pspec,
                     FcDownloadManager *self)
{
  gboolean signed_in = fc_session_get_state (session) == FC_SESSION_SIGNED_IN &&
                       fc_session_get_server_url (session) != NULL;

  if (signed_in == self->signed_in &&
      (!signed_in || g_strcmp0 (self->server_url, fc_session_get_server_url (session)) == 0))
    return;

  /* Signed out (or another account): stop, keep the bytes for next time. */
  g_hash_table_remove_all (self->entries);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->server_url, g_free);
  self->signed_in = signed_in;

  if (signed_in) {
    self->server_url = g_strdup (fc_session_get_server_url (session));
    scan_disk (self);
  } else if (self->used_bytes != 0) {
    self->used_bytes = 0;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USED_BYTES]);
  }
  follow_engine (self);
  emit_changed (self, 0);
}

/* Overrides */

static void
fc_download_manager_dispose (GObject *object)
{
  FcDownloadManager *self = (FcDownloadManager *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->entries != NULL)
    g_hash_table_remove_all (self->entries);
  if (self->engine != NULL)
    g_clear_signal_handler (&self->engine_synced_id, self->engine);
  g_clear_object (&self->engine);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fc_download_manager_parent_class)->dispose (object);
}

static void
fc_download_manager_finalize (GObject *object)
{
  FcDownloadManager *self = (FcDownloadManager *) object;

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->server_url);

  G_OBJECT_CLASS (fc_download_manager_parent_class)->finalize (object);
}

static void
fc_download_manager_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FcDownloadManager *self = FC_DOWNLOAD_MANAGER (object);

  switch (prop_id) {
    case PROP_USED_BYTES:
      g_value_set_uint64 (value, self->used_bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_download_manager_class_init (FcDownloadManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_download_manager_dispose;
  object_class->finalize = fc_download_manager_finalize;
  object_class->get_property = fc_download_manager_get_property;

  properties[PROP_USED_BYTES] =
    g_param_spec_uint64 ("used-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcDownloadManager::changed:
   * @workout_id: the workout whose status, fraction or error changed, or 0
   *   for "anything may have changed"
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
fc_download_manager_init (FcDownloadManager *self)
{
  self->entries = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) entry_free);
  self->cancellable = g_cancellable_new ();
}

/* Public API */

FcDownloadManager *
fc_download_manager_new (FcSession *session)
{
  FcDownloadManager *self;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_DOWNLOAD_MANAGER, NULL);
  self->session = g_object_ref (session);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_session_state_cb), self);
  g_signal_connect (session, "notify::server-url", G_CALLBACK (on_session_state_cb), self);
  g_signal_connect (session, "notify::sync-engine", G_CALLBACK (on_engine_changed_cb), self);
  on_session_state_cb (session, NULL, self);
  return self;
}

void
fc_download_manager_download (FcDownloadManager *self,
                              JsonObject        *workout)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) videos = NULL;
  Entry *entry;
  gint64 id = 0;

  g_return_if_fail (FC_IS_DOWNLOAD_MANAGER (self));
  g_return_if_fail (workout != NULL);
  g_return_if_fail (fc_json_get_int (workout, "id", &id) && id > 0);

  if (!self->signed_in) {
    g_warning ("Not downloading workout %" G_GINT64_FORMAT ": nobody is signed in", id);
    return;
  }

  entry = g_hash_table_lookup (self->entries, &id);
  if (entry == NULL)
    entry = entry_new (self, id, workout);
  else if (entry->downloader == NULL ||
           fc_downloader_get_state (entry->downloader) != FC_DOWNLOADER_STATE_RUNNING) {
    /* A newer copy of the workout (new videos, new URLs) replaces the list. */
    entry_stop_downloader (entry);
    json_object_unref (entry->workout);
    entry->workout = json_object_ref (workout);
  } else {
    return;
  }

  if (!write_manifest (entry, &error)) {
    g_clear_error (&entry->error);
    entry->error = g_steal_pointer (&error);
    entry_changed (entry);
    return;
  }
  entry_start (entry);
}

void
fc_download_manager_pause (FcDownloadManager *self,
                           gint64             workout_id)
{
  Entry *entry;

  g_return_if_fail (FC_IS_DOWNLOAD_MANAGER (self));

  entry = g_hash_table_lookup (self->entries, &workout_id);
  if (entry == NULL || entry->downloader == NULL)
    return;
  entry_stop_downloader (entry);
  entry_changed (entry);
}

void
fc_download_manager_resume (FcDownloadManager *self,
                            gint64             workout_id)
{
  Entry *entry;

  g_return_if_fail (FC_IS_DOWNLOAD_MANAGER (self));

  entry = g_hash_table_lookup (self->entries, &workout_id);
  if (entry == NULL)
    return;
  entry_start (entry);
}

void
fc_download_manager_remove (FcDownloadManager *self,
                            gint64             workout_id)
{
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  Entry *entry;

  g_return_if_fail (FC_IS_DOWNLOAD_MANAGER (self));

  if (!self->signed_in)
    return;
  entry = g_hash_table_lookup (self->entries, &workout_id);
  if (entry != NULL && entry->downloader != NULL) {
    g_signal_handlers_disconnect_by_data (entry->downloader, entry);
    /* Cancel, not pause: the transfer in flight deletes its own part. */
    fc_downloader_cancel (entry->downloader);
    g_clear_object (&entry->downloader);
  }
  name = g_strdup_printf ("%" G_GINT64_FORMAT, workout_id);
  dir = fc_downloader_workout_dir (self->server_url, name);
  remove_tree (dir);
  g_hash_table_remove (self->entries, &workout_id);
  update_used_bytes (self);
  emit_changed (self, workout_id);
}

void
fc_download_manager_remove_all (FcDownloadManager *self)
{
  g_autoptr(GArray) ids = NULL;

  g_return_if_fail (FC_IS_DOWNLOAD_MANAGER (self));

  ids = fc_download_manager_list_workouts (self);
  for (guint i = 0; i < ids->len; i++)
    fc_download_manager_remove (self, g_array_index (ids, gint64, i));
  emit_changed (self, 0);
}

FcDownloadStatus
fc_download_manager_get_status (FcDownloadManager *self,
                                gint64             workout_id)
{
  Entry *entry;

  g_return_val_if_fail (FC_IS_DOWNLOAD_MANAGER (self), FC_DOWNLOAD_NONE);

  entry = g_hash_table_lookup (self->entries, &workout_id);
  return entry != NULL ? entry->status : FC_DOWNLOAD_NONE;
}

double
fc_download_manager_get_fraction (FcDownloadManager *self,
                                  gint64             workout_id)
{
  Entry *entry;
  guint64 done = 0, total = 0;

  g_return_val_if_fail (FC_IS_DOWNLOAD_MANAGER (self), 0);

  entry = g_hash_table_lookup (self->entries, &workout_id);
  if (entry == NULL)
    return 0;
  if (entry->status == FC_DOWNLOAD_DONE)
    return 1;
  if (entry->downloader != NULL && fc_downloader_get_bytes_total (entry->downloader) > 0)
    return fc_downloader_get_fraction (entry->downloader);
  all_unlocked_on_disk (entry, &done, &total);
  return total > 0 ? CLAMP ((double) done / total, 0.0, 1.0) : 0;
}

const GError *
fc_download_manager_get_error (FcDownloadManager *self,
                               gint64             workout_id)
{
  Entry *entry;

  g_return_val_if_fail (FC_IS_DOWNLOAD_MANAGER (self), NULL);

  entry = g_hash_table_lookup (self->entries, &workout_id);
  return entry != NULL ? entry->error : NULL;
}

char *
fc_download_manager_get_local_uri (FcDownloadManager *self,
                                   gint64             workout_id,
                                   gint64             video_id)
{
  g_autoptr(GPtrArray) videos = NULL;
  Entry *entry;

  g_return_val_if_fail (FC_IS_DOWNLOAD_MANAGER (self), NULL);

  entry = g_hash_table_lookup (self->entries, &workout_id);
  if (entry == NULL)
    return NULL;
  /* Only a video the manifest still allows: a locked one never plays. */
  videos = unlocked_videos (entry->workout);
  for (guint i = 0; i < videos->len; i++) {
    gint64 id = 0, size = 0;
    g_autofree char *path = NULL;
    guint64 on_disk;

    if (!fc_json_get_int (videos->pdata[i], "id", &id) || id != video_id)
      continue;
    path = video_path (entry, id);
    on_disk = file_size (path);
    if (on_disk == 0 ||
        (fc_json_get_int (videos->pdata[i], "file_size", &size) && size > 0 &&
         on_disk != (guint64) size))
      return NULL;
    return g_filename_to_uri (path, NULL, NULL);
  }
  return NULL;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

GArray *
fc_download_manager_list_workouts (FcDownloadManager *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  Entry *entry;

  g_return_val_if_fail (FC_IS_DOWNLOAD_MANAGER (self), ids);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry)) {
    if (entry->status != FC_DOWNLOAD_NONE)
      g_array_append_val (ids, entry->id);
  }
  g_array_sort (ids, compare_ids);
  return ids;
}

guint64
fc_download_manager_get_used_bytes (FcDownloadManager *self)
{
  g_return_val_if_fail (FC_IS_DOWNLOAD_MANAGER (self), 0);

  return self->used_bytes;
}

char *
fc_download_manager_dup_authorization (FcDownloadManager *self)
{
  FcApiClient *client;
  const char *token;

  g_return_val_if_fail (FC_IS_DOWNLOAD_MANAGER (self), NULL);

  client = fc_session_get_client (self->session);
  if (client == NULL || !fc_api_client_is_signed_in (client) ||
      (token = fc_api_client_get_access_token (client)) == NULL)
    return NULL;
  return g_strconcat ("Bearer ", token, NULL);
}

static void
on_renew_user_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcDownloadManager *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_task_return_pointer (task, fc_download_manager_dup_authorization (self), g_free);
}

void
fc_download_manager_renew_authorization_async (FcDownloadManager   *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FcApiClient *client;

  g_return_if_fail (FC_IS_DOWNLOAD_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_download_manager_renew_authorization_async);

  client = fc_session_get_client (self->session);
  if (client == NULL || !fc_api_client_is_signed_in (client)) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             _("You are signed out."));
    return;
  }
  /* The cheapest authenticated request: the client refreshes an expired
   * access token on its 401 and sends it again, in one place. Asked even
   * when the client's token is no longer the player's: that one can have
   * expired too (the sync refreshed it a lifetime ago), and handing it
   * over unproven made the player's next try a second 401. */
  fc_api_client_request_async (client, "GET", "auth/oauth/user/", NULL, NULL,
                               FC_API_REQUEST_NONE, cancellable, on_renew_user_cb,
                               g_steal_pointer (&task));
}

char *
fc_download_manager_renew_authorization_finish (FcDownloadManager  *self,
                                                GAsyncResult       *result,
                                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

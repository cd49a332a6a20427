/* fc-player.c — a workout's videos played with GStreamer into a GdkPaintable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two halves share a Worker. The FcPlayer object lives in its owner's main
 * context and keeps the state the UI reads. The Worker owns the playbin and
 * runs on its own thread with its own GMainContext (as Clapper does): the
 * player sends it Commands, it sends back Events, both through
 * idle sources attached to the other side's context (post_to()), so neither
 * side ever blocks on the other.
 * Every load has a generation number; Events of an older load are dropped,
 * so a late EOS of the previous video cannot end the next one.
 */

#define G_LOG_DOMAIN "fc-player"

#include "config.h"

#include "fc-player.h"

#include <glib/gi18n-lib.h>
#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#define POSITION_INTERVAL_MS 250
/* Longer than souphttpsrc's own 15 s timeout, so a network error names
 * itself first; this only catches a pipeline that never answers. */
#define PREROLL_TIMEOUT_S 30
#define NO_SEEK (-1.0)

/* RGBA with straight alpha, measured (tests/media/bench-player.c,
 * /media/bench/texture-format): GTK 4.8 downloads a 640x360 straight-alpha
 * texture into cairo's format in ~0.46 ms against ~1.35 ms for any
 * premultiplied one, cairo's own BGRA included; RGBA is also what GL
 * uploads without a swizzle. Video is opaque, so no alpha is lost. */
#define FRAME_CAPS "video/x-raw,format=RGBA"
#define FRAME_FORMAT GDK_MEMORY_R8G8B8A8

typedef struct {
  /* owned, set once */
  GMainContext *context;         /* the pipeline thread's */
  GMainLoop    *loop;
  GMainContext *owner_context;   /* the FcPlayer's */
  GWeakRef      player;
  GstElement   *playbin;

  /* pipeline thread only */
  GSource      *bus_source;
  GSource      *position_source;
  GSource      *watchdog;        /* while a load prerolls */
  guint         generation;
  char         *uri;
  char         *name;            /* the video's title, or its file name */
  double        pending_seek;
  double        rate;
  gboolean      target_playing;
  gboolean      prerolled;
  gboolean      failed;

  /* under lock: read by streaming threads */
  GMutex        lock;
  char         *authorization;
  GstSample    *frame;
  gboolean      frame_posted;
} Worker;

typedef enum {
  COMMAND_LOAD,
  COMMAND_PLAY,
  COMMAND_PAUSE,
  COMMAND_SEEK,
  COMMAND_RATE,
  COMMAND_STOP,
  COMMAND_SHUTDOWN,
} CommandType;

typedef struct {
  Worker      *worker;
  CommandType  type;
  guint        generation;
  char        *uri;
  char        *title;
  char        *authorization;
  double       position;
  double       rate;
  gboolean     playing;
} Command;

typedef enum {
  EVENT_PREROLLED,
  EVENT_STATE,
  EVENT_POSITION,
  EVENT_EOS,
  EVENT_ERROR,
} EventType;

typedef struct {
  Worker        *worker;
  EventType      type;
  guint          generation;
  FcPlayerState  state;
  double         position;
  double         duration;
  GError        *error;
} Event;

struct _FcPlayer {
  GObject        parent_instance;

  /* owned */
  Worker        *worker;
  GThread       *thread;
  GstElement    *video_sink;
  GstElement    *audio_sink;
  GPtrArray     *uris;
  GPtrArray     *titles;          /* NULL entries for none */
  char          *authorization;
  GError        *error;
  GdkTexture    *texture;
  guint          rest_source;

  /* state, as last reported by the worker */
  FcPlayerState  state;
  guint          generation;
  guint          index;
  double         position;
  double         duration;
  double         rate;
  double         volume;
  gboolean       muted;
  gboolean       want_playing;
  guint          rest_seconds;
  guint          rest_remaining;
};

static void fc_player_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FcPlayer, fc_player, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      fc_player_paintable_init))

G_DEFINE_QUARK (fc-player-error-quark, fc_player_error)

G_DEFINE_ENUM_TYPE (FcPlayerState, fc_player_state,
                    G_DEFINE_ENUM_VALUE (FC_PLAYER_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (FC_PLAYER_STATE_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (FC_PLAYER_STATE_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (FC_PLAYER_STATE_PLAYING, "playing"),
                    G_DEFINE_ENUM_VALUE (FC_PLAYER_STATE_RESTING, "resting"),
                    G_DEFINE_ENUM_VALUE (FC_PLAYER_STATE_ENDED, "ended"),
                    G_DEFINE_ENUM_VALUE (FC_PLAYER_STATE_ERROR, "error"))

enum {
  PROP_0,
  PROP_VIDEO_SINK,
  PROP_AUDIO_SINK,
  PROP_STATE,
  PROP_N_ITEMS,
  PROP_INDEX,
  PROP_POSITION,
  PROP_DURATION,
  PROP_RATE,
  PROP_VOLUME,
  PROP_MUTED,
  PROP_REST_SECONDS,
  PROP_REST_REMAINING,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- Worker: lifetime and messages ------------------------------------ */

static Worker *
worker_ref (Worker *worker)
{
  return g_atomic_rc_box_acquire (worker);
}

static void
worker_clear (Worker *worker)
{
  g_clear_pointer (&worker->loop, g_main_loop_unref);
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_clear_pointer (&worker->owner_context, g_main_context_unref);
  g_weak_ref_clear (&worker->player);
  g_clear_object (&worker->playbin);
  g_clear_pointer (&worker->uri, g_free);
  g_clear_pointer (&worker->name, g_free);
  g_clear_pointer (&worker->authorization, g_free);
  g_clear_pointer (&worker->frame, gst_sample_unref);
  g_mutex_clear (&worker->lock);
}

static void
worker_unref (Worker *worker)
{
  g_atomic_rc_box_release_full (worker, (GDestroyNotify) worker_clear);
}

/* Queues @func on @context. Not g_main_context_invoke(): from a thread
 * without a thread-default context (a streaming thread) it runs @func right
 * there whenever it can acquire the default context, and @func must only
 * ever run in its context's own thread. */
static void
post_to (GMainContext   *context,
         GSourceFunc     func,
         gpointer        data,
         GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[fc-player] post");
  g_source_attach (source, context);
  g_source_unref (source);
}

static void
command_free (Command *command)
{
  worker_unref (command->worker);
  g_free (command->uri);
  g_free (command->title);
  g_free (command->authorization);
  g_free (command);
}

static void
event_free (Event *event)
{
  worker_unref (event->worker);
  g_clear_error (&event->error);
  g_free (event);
}

static gboolean event_dispatch_cb (gpointer data);

static Event *
event_new (Worker    *worker,
           EventType  type)
{
  Event *event = g_new0 (Event, 1);

  event->worker = worker_ref (worker);
  event->type = type;
  event->generation = worker->generation;
  return event;
}

static void
event_post (Event *event)
{
  post_to (event->worker->owner_context, event_dispatch_cb, event, (GDestroyNotify) event_free);
}

static void
post_state (Worker        *worker,
            FcPlayerState  state)
{
  Event *event = event_new (worker, EVENT_STATE);

  event->state = state;
  event_post (event);
}

static void
post_position (Worker *worker)
{
  Event *event;
  gint64 position = 0;
  gint64 duration = 0;

  if (!gst_element_query_position (worker->playbin, GST_FORMAT_TIME, &position))
    return;
  if (!gst_element_query_duration (worker->playbin, GST_FORMAT_TIME, &duration))
    duration = 0;
  event = event_new (worker, EVENT_POSITION);
  event->position = (double) position / GST_SECOND;
  event->duration = (double) duration / GST_SECOND;
  event_post (event);
}

static void
post_error (Worker *worker,
            GError *error)
{
  Event *event = event_new (worker, EVENT_ERROR);

  g_debug ("error: %s", error->message);
  event->error = error;
  event_post (event);
  /* READY, not NULL: the next load reuses the elements. */
  worker->failed = TRUE;
  worker->target_playing = FALSE;
  gst_element_set_state (worker->playbin, GST_STATE_READY);
}

/* ---- Worker: errors a user can read ------------------------------------ */

static char *
uri_display_name (const char *uri)
{
  g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);
  g_autofree char *base = NULL;

  if (path == NULL)
    return g_strdup (uri);
  base = g_path_get_basename (path);
  return g_filename_display_name (base);
}

static guint
http_status_of (GstMessage *message)
{
  const GstStructure *details = NULL;
  guint status = 0;

  gst_message_parse_error_details (message, &details);
  if (details != NULL && gst_structure_get_uint (details, "http-status-code", &status))
    return status;
  return 0;
}

/* Maps a pipeline error to FC_PLAYER_ERROR. GStreamer's own messages name
 * elements and caps; ours say what happened to the video. */
static GError *
map_error (Worker     *worker,
           GstMessage *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  const char *name = worker->name;
  gboolean is_http = worker->uri != NULL && (g_str_has_prefix (worker->uri, "http://") ||
                                             g_str_has_prefix (worker->uri, "https://"));
  guint status = http_status_of (message);

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("%s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), gst_error->message,
           debug != NULL ? debug : "");

  if (gst_error->domain == GST_CORE_ERROR && gst_error->code == GST_CORE_ERROR_MISSING_PLUGIN)
    return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_MISSING_CODEC,
                        _("“%s” needs a GStreamer plugin that is not installed: %s"), name,
                        gst_error->message);

  if (gst_error->domain == GST_RESOURCE_ERROR) {
    if (is_http) {
      if (status == 401 || status == 403 ||
          (status == 0 && gst_error->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED))
        return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_LOCKED,
                            _("“%s” is locked: the server refused it (HTTP %u)."), name,
                            status != 0 ? status : 403);
      if (status == 404 || (status == 0 && gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND))
        return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_NOT_FOUND,
                            _("The server no longer has “%s” (HTTP 404)."), name);
      return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_NETWORK,
                          _("“%s” stopped: the server could not be reached (%s)."), name,
                          gst_error->message);
    }
    if (gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND)
      return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_NOT_FOUND,
                          _("The video file “%s” is missing."), name);
    return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_FAILED,
                        _("The video file “%s” could not be read: %s"), name, gst_error->message);
  }

  /* The source's own error can reach the bus after the generic flow error
   * of the element it starved. */
  if (is_http && gst_error->domain == GST_STREAM_ERROR &&
      gst_error->code == GST_STREAM_ERROR_FAILED)
    return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_NETWORK,
                        _("“%s” stopped: the server could not be reached."), name);

  if (gst_error->domain == GST_STREAM_ERROR) {
    switch (gst_error->code) {
      case GST_STREAM_ERROR_CODEC_NOT_FOUND:
        return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_MISSING_CODEC,
                            _("“%s” needs a GStreamer plugin that is not installed: %s"), name,
                            gst_error->message);
      case GST_STREAM_ERROR_TYPE_NOT_FOUND:
      case GST_STREAM_ERROR_WRONG_TYPE:
      case GST_STREAM_ERROR_DEMUX:
      case GST_STREAM_ERROR_DECODE:
      case GST_STREAM_ERROR_FORMAT:
        return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_CORRUPT,
                            _("The video “%s” is damaged and cannot be played (%s)."), name,
                            gst_error->message);
      default:
        break;
    }
  }

  return g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_FAILED, _("“%s” could not be played: %s"),
                      name, gst_error->message);
}

/* ---- Worker: the pipeline thread --------------------------------------- */

static void
worker_seek (Worker *worker,
             double  position)
{
  gint64 start = position >= 0 ? (gint64) (position * GST_SECOND) : 0;

  if (position < 0 && !gst_element_query_position (worker->playbin, GST_FORMAT_TIME, &start))
    start = 0;
  if (!gst_element_seek (worker->playbin, worker->rate, GST_FORMAT_TIME,
                         GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET, start,
                         GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE))
    g_warning ("seek to %.2f s at %.2f× refused", (double) start / GST_SECOND, worker->rate);
}

static void
worker_stop_watchdog (Worker *worker)
{
  if (worker->watchdog != NULL) {
    g_source_destroy (worker->watchdog);
    g_clear_pointer (&worker->watchdog, g_source_unref);
  }
}

static gboolean
on_watchdog_cb (gpointer data)
{
  Worker *worker = data;
  const char *name = worker->name;

  g_clear_pointer (&worker->watchdog, g_source_unref);
  if (!worker->prerolled && !worker->failed)
    post_error (worker, g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_FAILED,
                                     _("“%s” did not start within %d seconds."), name,
                                     PREROLL_TIMEOUT_S));
  return G_SOURCE_REMOVE;
}

static void
worker_start_watchdog (Worker *worker)
{
  worker_stop_watchdog (worker);
  worker->watchdog = g_timeout_source_new_seconds (PREROLL_TIMEOUT_S);
  g_source_set_callback (worker->watchdog, on_watchdog_cb, worker, NULL);
  g_source_attach (worker->watchdog, worker->context);
}

static void
worker_prerolled (Worker *worker)
{
  Event *event = event_new (worker, EVENT_PREROLLED);
  gint64 duration = 0;

  worker->prerolled = TRUE;
  worker_stop_watchdog (worker);
  if (gst_element_query_duration (worker->playbin, GST_FORMAT_TIME, &duration))
    event->duration = (double) duration / GST_SECOND;
  event_post (event);

  if (worker->pending_seek > 0 || worker->rate != 1.0)
    worker_seek (worker, MAX (worker->pending_seek, 0));
  worker->pending_seek = NO_SEEK;
  if (worker->target_playing)
    gst_element_set_state (worker->playbin, GST_STATE_PLAYING);
  else
    post_state (worker, FC_PLAYER_STATE_PAUSED);
}

static void
worker_missing_plugin (Worker     *worker,
                       GstMessage *message)
{
  g_autofree char *description = gst_missing_plugin_message_get_description (message);
  const char *name = worker->name;

  if (worker->failed)
    return;
  /* A workout video without its picture or its sound is not worth playing:
   * stop at once rather than play what decodes. */
  post_error (worker, g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_MISSING_CODEC,
                                   _("“%s” cannot be played: GStreamer lacks the %s."), name,
                                   description));
}

static gboolean
is_resource_error (GstMessage *message)
{
  g_autoptr(GError) error = NULL;

  gst_message_parse_error (message, &error, NULL);
  return error->domain == GST_RESOURCE_ERROR;
}

static gboolean
on_bus_message_cb (GstBus     *bus,
                   GstMessage *message,
                   gpointer    data)
{
  Worker *worker = data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ASYNC_DONE:
      if (worker->failed)
        break;
      if (!worker->prerolled)
        worker_prerolled (worker);
      else
        post_position (worker);
      break;

    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (worker->playbin) && !worker->failed) {
        GstState old_state, new_state;

        gst_message_parse_state_changed (message, &old_state, &new_state, NULL);
        if (new_state == GST_STATE_PLAYING)
          post_state (worker, FC_PLAYER_STATE_PLAYING);
        else if (new_state == GST_STATE_PAUSED && old_state == GST_STATE_PLAYING &&
                 !worker->target_playing) /* not the dip of a flushing seek */
          post_state (worker, FC_PLAYER_STATE_PAUSED);
      }
      break;

    case GST_MESSAGE_DURATION_CHANGED:
      post_position (worker);
      break;

    case GST_MESSAGE_EOS:
      if (!worker->failed)
        event_post (event_new (worker, EVENT_EOS));
      break;

    case GST_MESSAGE_ELEMENT:
      if (gst_is_missing_plugin_message (message))
        worker_missing_plugin (worker, message);
      break;

    case GST_MESSAGE_ERROR:
      if (!worker->failed) {
        g_autoptr(GstMessage) source_error = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

        /* Of two errors queued together, the source's says more. */
        if (source_error != NULL && !is_resource_error (message) &&
            is_resource_error (source_error))
          message = source_error;
        post_error (worker, map_error (worker, message));
      }
      break;

    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) warning = NULL;

        gst_message_parse_warning (message, &warning, NULL);
        g_debug ("warning: %s", warning->message);
      }
      break;

    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_position_tick_cb (gpointer data)
{
  Worker *worker = data;

  if (worker->prerolled && !worker->failed && worker->target_playing)
    post_position (worker);
  return G_SOURCE_CONTINUE;
}

static void
worker_load (Worker  *worker,
             Command *command)
{
  GstBus *bus = gst_element_get_bus (worker->playbin);
  g_autofree char *path = NULL;
  gboolean failed = worker->failed;

  worker->generation = command->generation;
  worker->prerolled = FALSE;
  worker->failed = FALSE;
  worker->pending_seek = command->position;
  worker->target_playing = command->playing;
  worker->rate = command->rate;
  g_free (worker->uri);
  worker->uri = g_strdup (command->uri);
  g_free (worker->name);
  worker->name = command->title != NULL ? g_strdup (command->title)
                                        : uri_display_name (command->uri);
  g_mutex_lock (&worker->lock);
  g_free (worker->authorization);
  worker->authorization = g_strdup (command->authorization);
  g_mutex_unlock (&worker->lock);

  /* A failed load's source lingers in playbin at READY, and the next
   * load's state change starts it once more: one more request with the old
   * Authorization, whose 401 could come back after the flush below as the
   * new load's error. NULL takes it down. */
  gst_element_set_state (worker->playbin, failed ? GST_STATE_NULL : GST_STATE_READY);
  /* Drops what the previous video left queued (its EOS above all). */
  gst_bus_set_flushing (bus, TRUE);
  gst_bus_set_flushing (bus, FALSE);
  gst_object_unref (bus);

  /* filesrc says "Resource not found" and names no file; say which. */
  path = g_filename_from_uri (command->uri, NULL, NULL);
  if (path != NULL && !g_file_test (path, G_FILE_TEST_EXISTS)) {
    post_error (worker, g_error_new (FC_PLAYER_ERROR, FC_PLAYER_ERROR_NOT_FOUND,
                                     _("The video file “%s” is missing."), worker->name));
    return;
  }

  g_object_set (worker->playbin, "uri", command->uri, NULL);
  worker_start_watchdog (worker);
  gst_element_set_state (worker->playbin, GST_STATE_PAUSED);
}

static gboolean
worker_command_cb (gpointer data)
{
  Command *command = data;
  Worker *worker = command->worker;

  switch (command->type) {
    case COMMAND_LOAD:
      worker_load (worker, command);
      break;

    case COMMAND_PLAY:
      worker->target_playing = TRUE;
      if (worker->prerolled && !worker->failed)
        gst_element_set_state (worker->playbin, GST_STATE_PLAYING);
      break;

    case COMMAND_PAUSE:
      worker->target_playing = FALSE;
      if (worker->prerolled && !worker->failed) {
        gst_element_set_state (worker->playbin, GST_STATE_PAUSED);
        post_position (worker);
      }
      break;

    case COMMAND_SEEK:
      if (worker->prerolled && !worker->failed)
        worker_seek (worker, command->position);
      else
        worker->pending_seek = command->position;
      break;

    case COMMAND_RATE:
      worker->rate = command->rate;
      if (worker->prerolled && !worker->failed)
        worker_seek (worker, NO_SEEK);
      break;

    case COMMAND_STOP:
      worker_stop_watchdog (worker);
      worker->target_playing = FALSE;
      worker->prerolled = FALSE;
      gst_element_set_state (worker->playbin, GST_STATE_READY);
      break;

    case COMMAND_SHUTDOWN:
      g_main_loop_quit (worker->loop);
      break;

    default:
      g_assert_not_reached ();
  }
  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GstBus) bus = gst_element_get_bus (worker->playbin);

  g_main_context_push_thread_default (worker->context);

  worker->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (worker->bus_source, G_SOURCE_FUNC (on_bus_message_cb),
                         worker, NULL);
  g_source_attach (worker->bus_source, worker->context);
  worker->position_source = g_timeout_source_new (POSITION_INTERVAL_MS);
  g_source_set_callback (worker->position_source, on_position_tick_cb, worker, NULL);
  g_source_attach (worker->position_source, worker->context);

  g_main_loop_run (worker->loop);

  gst_element_set_state (worker->playbin, GST_STATE_NULL);
  worker_stop_watchdog (worker);
  g_source_destroy (worker->bus_source);
  g_clear_pointer (&worker->bus_source, g_source_unref);
  g_source_destroy (worker->position_source);
  g_clear_pointer (&worker->position_source, g_source_unref);
  /* Commands still queued hold references to the worker. */
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_main_context_pop_thread_default (worker->context);
  worker_unref (worker);
  return NULL;
}

/* ---- Worker: streaming threads ----------------------------------------- */

static gboolean on_frame_cb (gpointer data);

static GstFlowReturn
take_frame (Worker    *worker,
            GstSample *sample)
{
  gboolean post;

  if (sample == NULL)
    return GST_FLOW_ERROR;
  g_mutex_lock (&worker->lock);
  g_clear_pointer (&worker->frame, gst_sample_unref);
  worker->frame = sample;
  post = !worker->frame_posted;
  worker->frame_posted = TRUE;
  g_mutex_unlock (&worker->lock);

  /* One frame in flight at most: a slow main loop skips frames instead of
   * queueing them. */
  if (post)
    post_to (worker->owner_context, on_frame_cb, worker_ref (worker),
             (GDestroyNotify) worker_unref);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_appsink_new_sample_cb (GstAppSink *sink,
                          gpointer    data)
{
  return take_frame (data, gst_app_sink_pull_sample (sink));
}

static GstFlowReturn
on_appsink_new_preroll_cb (GstAppSink *sink,
                           gpointer    data)
{
  return take_frame (data, gst_app_sink_pull_preroll (sink));
}

static void
on_playbin_source_setup_cb (GstElement *playbin,
                            GstElement *source,
                            gpointer    data)
{
  Worker *worker = data;
  g_autofree char *authorization = NULL;

  g_mutex_lock (&worker->lock);
  authorization = g_strdup (worker->authorization);
  g_mutex_unlock (&worker->lock);

  if (authorization != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (source), "extra-headers") != NULL) {
    GstStructure *headers = gst_structure_new ("extra-headers", "Authorization", G_TYPE_STRING,
                                               authorization, NULL);

    g_object_set (source, "extra-headers", headers, NULL);
    gst_structure_free (headers);
  }
}

/* ---- Player: frames ---------------------------------------------------- */

typedef struct {
  GstVideoFrame frame;
  GstSample    *sample;
} MappedFrame;

static void
mapped_frame_free (MappedFrame *mapped)
{
  gst_video_frame_unmap (&mapped->frame);
  gst_sample_unref (mapped->sample);
  g_free (mapped);
}

/* Wraps the decoded buffer without copying it: the texture keeps the
 * buffer mapped for as long as it lives. */
static GdkTexture *
texture_from_sample (GstSample *sample)
{
  MappedFrame *mapped = g_new0 (MappedFrame, 1);
  GstVideoInfo info;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  g_autoptr(GBytes) bytes = NULL;
  gsize size;

  if (buffer == NULL || caps == NULL || !gst_video_info_from_caps (&info, caps) ||
      !gst_video_frame_map (&mapped->frame, &info, buffer, GST_MAP_READ)) {
    g_free (mapped);
    return NULL;
  }
  mapped->sample = gst_sample_ref (sample);
  size = (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0) * GST_VIDEO_INFO_HEIGHT (&info);
  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&mapped->frame, 0), size,
                                      (GDestroyNotify) mapped_frame_free, mapped);
  return gdk_memory_texture_new (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                 FRAME_FORMAT, bytes,
                                 GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0));
}

static gboolean
on_frame_cb (gpointer data)
{
  Worker *worker = data;
  g_autoptr(FcPlayer) self = g_weak_ref_get (&worker->player);
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gboolean resized;

  g_mutex_lock (&worker->lock);
  sample = g_steal_pointer (&worker->frame);
  worker->frame_posted = FALSE;
  g_mutex_unlock (&worker->lock);

  if (self == NULL || sample == NULL || (texture = texture_from_sample (sample)) == NULL)
    return G_SOURCE_REMOVE;

  resized = self->texture == NULL ||
            gdk_texture_get_width (self->texture) != gdk_texture_get_width (texture) ||
            gdk_texture_get_height (self->texture) != gdk_texture_get_height (texture);
  g_set_object (&self->texture, texture);
  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  return G_SOURCE_REMOVE;
}

/* ---- Player: state ----------------------------------------------------- */

static void
send_command (FcPlayer    *self,
              CommandType  type,
              double       position)
{
  Command *command;

  /* After dispose the pipeline thread is gone; there is nothing to do. */
  if (self->worker == NULL)
    return;
  command = g_new0 (Command, 1);
  command->worker = worker_ref (self->worker);
  command->type = type;
  command->generation = self->generation;
  command->position = position;
  command->rate = self->rate;
  command->playing = self->want_playing;
  if (type == COMMAND_LOAD) {
    command->uri = g_strdup (g_ptr_array_index (self->uris, self->index));
    command->title = g_strdup (g_ptr_array_index (self->titles, self->index));
    command->authorization = g_strdup (self->authorization);
  }
  post_to (self->worker->context, worker_command_cb, command, (GDestroyNotify) command_free);
}

static void
set_state (FcPlayer      *self,
           FcPlayerState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_times (FcPlayer *self,
           double    position,
           double    duration)
{
  if (self->position != position) {
    self->position = position;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  }
  if (self->duration != duration) {
    self->duration = duration;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  }
}

static void
set_rest_remaining (FcPlayer *self,
                    guint     seconds)
{
  if (self->rest_remaining == seconds)
    return;
  self->rest_remaining = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REST_REMAINING]);
}

static void
emit_progress (FcPlayer *self)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, self->index, self->position, self->duration);
}

static void
load_item (FcPlayer *self,
           guint     index,
           double    position,
           gboolean  playing)
{
  g_assert (index < self->uris->len);

  g_clear_handle_id (&self->rest_source, g_source_remove);
  set_rest_remaining (self, 0);
  g_clear_error (&self->error);
  self->generation++;
  self->want_playing = playing;
  if (self->index != index) {
    self->index = index;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INDEX]);
  }
  set_times (self, MAX (position, 0), 0);
  set_state (self, FC_PLAYER_STATE_LOADING);
  send_command (self, COMMAND_LOAD, position);
}

static gboolean
on_rest_tick_cb (gpointer data)
{
  FcPlayer *self = data;

  if (self->rest_remaining > 1) {
    set_rest_remaining (self, self->rest_remaining - 1);
    return G_SOURCE_CONTINUE;
  }
  self->rest_source = 0;
  load_item (self, self->index + 1, 0, TRUE);
  return G_SOURCE_REMOVE;
}

static void
start_rest (FcPlayer *self)
{
  set_rest_remaining (self, self->rest_seconds);
  set_state (self, FC_PLAYER_STATE_RESTING);
  /* Not g_timeout_add_seconds(): its first tick may come early. */
  self->rest_source = g_timeout_add (1000, on_rest_tick_cb, self);
}

static void
handle_eos (FcPlayer *self)
{
  /* The last report can lie past the container's duration (audio runs a
   * little longer): the end is whichever is later, so progress never goes
   * back. */
  if (self->duration > 0) {
    double end = MAX (self->duration, self->position);

    set_times (self, end, end);
  }
  emit_progress (self);

  if (self->index + 1 >= self->uris->len) {
    self->want_playing = FALSE;
    set_state (self, FC_PLAYER_STATE_ENDED);
  } else if (self->rest_seconds > 0) {
    start_rest (self);
  } else {
    load_item (self, self->index + 1, 0, TRUE);
  }
}

static gboolean
event_dispatch_cb (gpointer data)
{
  Event *event = data;
  g_autoptr(FcPlayer) self = g_weak_ref_get (&event->worker->player);

  if (self == NULL || event->generation != self->generation)
    return G_SOURCE_REMOVE;

  switch (event->type) {
    case EVENT_PREROLLED:
      set_times (self, self->position, event->duration);
      break;

    case EVENT_STATE:
      set_state (self, event->state);
      if (event->state == FC_PLAYER_STATE_PAUSED)
        emit_progress (self);
      break;

    case EVENT_POSITION:
      /* The sound can run a little past the container's duration (whole
       * Vorbis packets); while the picture still decodes, the pipeline
       * then stands past the end it gives. The end is the later of the
       * two, as at the EOS, so no report lies past its own duration. */
      set_times (self, event->position,
                 event->duration > 0 ? MAX (event->duration, event->position) : 0);
      if (self->state == FC_PLAYER_STATE_PLAYING)
        emit_progress (self);
      break;

    case EVENT_EOS:
      handle_eos (self);
      break;

    case EVENT_ERROR:
      g_clear_error (&self->error);
      self->error = g_error_copy (event->error);
      self->want_playing = FALSE;
      set_state (self, FC_PLAYER_STATE_ERROR);
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, event->error);
      break;

    default:
      g_assert_not_reached ();
  }
  return G_SOURCE_REMOVE;
}

/* ---- GdkPaintable ------------------------------------------------------ */

static void
fc_player_paintable_snapshot (GdkPaintable *paintable,
                              GdkSnapshot  *snapshot,
                              double        width,
                              double        height)
{
  FcPlayer *self = FC_PLAYER (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
fc_player_paintable_get_current_image (GdkPaintable *paintable)
{
  FcPlayer *self = FC_PLAYER (paintable);

  if (self->texture != NULL)
    return g_object_ref (GDK_PAINTABLE (self->texture));
  return gdk_paintable_new_empty (0, 0);
}

static int
fc_player_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  FcPlayer *self = FC_PLAYER (paintable);

  return self->texture != NULL ? gdk_texture_get_width (self->texture) : 0;
}

static int
fc_player_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  FcPlayer *self = FC_PLAYER (paintable);

  return self->texture != NULL ? gdk_texture_get_height (self->texture) : 0;
}

static double
fc_player_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  FcPlayer *self = FC_PLAYER (paintable);

  if (self->texture == NULL)
    return 0;
  return (double) gdk_texture_get_width (self->texture) / gdk_texture_get_height (self->texture);
}

static void
fc_player_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = fc_player_paintable_snapshot;
  iface->get_current_image = fc_player_paintable_get_current_image;
  iface->get_intrinsic_width = fc_player_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = fc_player_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = fc_player_paintable_get_intrinsic_aspect_ratio;
}

/* ---- GObject ----------------------------------------------------------- */

static GstElement *
make_video_sink (Worker *worker)
{
  GstAppSinkCallbacks callbacks = {
    .new_preroll = on_appsink_new_preroll_cb,
    .new_sample = on_appsink_new_sample_cb,
  };
  g_autoptr(GstCaps) caps = gst_caps_from_string (FRAME_CAPS);
  GstElement *sink = gst_element_factory_make ("appsink", "fc-video-sink");

  g_object_set (sink, "caps", caps, "sync", TRUE, "qos", TRUE, "max-buffers", 2,
                "enable-last-sample", FALSE, NULL);
  /* No reference: the worker owns the pipeline that owns this sink, and
   * stops the streaming threads before it goes. */
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, worker, NULL);
  return sink;
}

static void
fc_player_constructed (GObject *object)
{
  FcPlayer *self = FC_PLAYER (object);
  Worker *worker = g_atomic_rc_box_new0 (Worker);
  GstElement *scaletempo;

  G_OBJECT_CLASS (fc_player_parent_class)->constructed (object);

  g_mutex_init (&worker->lock);
  worker->context = g_main_context_new ();
  worker->loop = g_main_loop_new (worker->context, FALSE);
  worker->owner_context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&worker->player, self);
  worker->pending_seek = NO_SEEK;
  worker->rate = 1.0;
  worker->playbin = gst_object_ref_sink (gst_element_factory_make ("playbin", NULL));
  g_assert (worker->playbin != NULL);

  if (self->video_sink == NULL)
    self->video_sink = gst_object_ref_sink (make_video_sink (worker));
  g_object_set (worker->playbin, "video-sink", self->video_sink, NULL);
  if (self->audio_sink != NULL)
    g_object_set (worker->playbin, "audio-sink", self->audio_sink, NULL);
  /* Keeps the voice's pitch at 0.5–2×; without it the speed still changes. */
  scaletempo = gst_element_factory_make ("scaletempo", NULL);
  if (scaletempo != NULL)
    g_object_set (worker->playbin, "audio-filter", scaletempo, NULL);
  g_signal_connect (worker->playbin, "source-setup", G_CALLBACK (on_playbin_source_setup_cb),
                    worker);

  self->worker = worker;
  self->thread = g_thread_new ("fc-player", worker_thread, worker_ref (worker));
}

static void
fc_player_dispose (GObject *object)
{
  FcPlayer *self = FC_PLAYER (object);

  g_clear_handle_id (&self->rest_source, g_source_remove);
  if (self->worker != NULL) {
    send_command (self, COMMAND_SHUTDOWN, 0);
    /* The thread takes the pipeline down on its own; nobody waits for it. */
    g_clear_pointer (&self->thread, g_thread_unref);
    g_clear_pointer (&self->worker, worker_unref);
  }
  g_clear_object (&self->texture);
  g_clear_object (&self->video_sink);
  g_clear_object (&self->audio_sink);

  G_OBJECT_CLASS (fc_player_parent_class)->dispose (object);
}

static void
fc_player_finalize (GObject *object)
{
  FcPlayer *self = FC_PLAYER (object);

  g_clear_pointer (&self->uris, g_ptr_array_unref);
  g_clear_pointer (&self->titles, g_ptr_array_unref);
  g_clear_pointer (&self->authorization, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (fc_player_parent_class)->finalize (object);
}

static void
fc_player_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FcPlayer *self = FC_PLAYER (object);

  switch (prop_id) {
    case PROP_VIDEO_SINK:
      g_value_set_object (value, self->video_sink);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_object (value, self->audio_sink);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, fc_player_get_n_items (self));
      break;
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_POSITION:
      g_value_set_double (value, self->position);
      break;
    case PROP_DURATION:
      g_value_set_double (value, self->duration);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_VOLUME:
      g_value_set_double (value, self->volume);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_REST_SECONDS:
      g_value_set_uint (value, self->rest_seconds);
      break;
    case PROP_REST_REMAINING:
      g_value_set_uint (value, self->rest_remaining);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_player_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FcPlayer *self = FC_PLAYER (object);

  switch (prop_id) {
    case PROP_VIDEO_SINK:
      g_clear_object (&self->video_sink);
      if (g_value_get_object (value) != NULL)
        self->video_sink = gst_object_ref_sink (g_value_get_object (value));
      break;
    case PROP_AUDIO_SINK:
      g_clear_object (&self->audio_sink);
      if (g_value_get_object (value) != NULL)
        self->audio_sink = gst_object_ref_sink (g_value_get_object (value));
      break;
    case PROP_RATE:
      fc_player_set_rate (self, g_value_get_double (value));
      break;
    case PROP_VOLUME:
      fc_player_set_volume (self, g_value_get_double (value));
      break;
    case PROP_MUTED:
      fc_player_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_REST_SECONDS:
      fc_player_set_rest_seconds (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_player_class_init (FcPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fc_player_constructed;
  object_class->dispose = fc_player_dispose;
  object_class->finalize = fc_player_finalize;
  object_class->get_property = fc_player_get_property;
  object_class->set_property = fc_player_set_property;

  properties[PROP_VIDEO_SINK] =
    g_param_spec_object ("video-sink", NULL, NULL, GST_TYPE_ELEMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUDIO_SINK] =
    g_param_spec_object ("audio-sink", NULL, NULL, GST_TYPE_ELEMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FC_TYPE_PLAYER_STATE, FC_PLAYER_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, G_MAXUINT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] =
    g_param_spec_double ("position", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, FC_PLAYER_MIN_RATE, FC_PLAYER_MAX_RATE, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, NULL, 0, 1, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REST_SECONDS] =
    g_param_spec_uint ("rest-seconds", NULL, NULL, 0, FC_PLAYER_MAX_REST, 10,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REST_REMAINING] =
    g_param_spec_uint ("rest-remaining", NULL, NULL, 0, FC_PLAYER_MAX_REST, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcPlayer::progress:
   * @index: the video
   * @position: seconds into it
   * @duration: its length in seconds (0 while unknown)
   *
   * About four times a second while playing, on pause and at each video's
   * end: what the outbox writes as the user's progress.
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  /**
   * FcPlayer::error:
   * @error: a %FC_PLAYER_ERROR
   *
   * Playback stopped; the message is for the user.
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
fc_player_init (FcPlayer *self)
{
  self->uris = g_ptr_array_new_with_free_func (g_free);
  self->titles = g_ptr_array_new_with_free_func (g_free);
  self->index = G_MAXUINT;
  self->rate = 1.0;
  self->volume = 1.0;
  self->rest_seconds = 10;
}

/* ---- Public API -------------------------------------------------------- */

FcPlayer *
fc_player_new (GstElement *video_sink,
               GstElement *audio_sink)
{
  g_return_val_if_fail (video_sink == NULL || GST_IS_ELEMENT (video_sink), NULL);
  g_return_val_if_fail (audio_sink == NULL || GST_IS_ELEMENT (audio_sink), NULL);

  return g_object_new (FC_TYPE_PLAYER, "video-sink", video_sink, "audio-sink", audio_sink,
                       NULL);
}

void
fc_player_set_playlist (FcPlayer           *self,
                        const char * const *uris,
                        const char * const *titles,
                        const char         *authorization)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  fc_player_stop (self);
  g_ptr_array_set_size (self->uris, 0);
  g_ptr_array_set_size (self->titles, 0);
  for (guint i = 0; uris != NULL && uris[i] != NULL; i++) {
    g_ptr_array_add (self->uris, g_strdup (uris[i]));
    g_ptr_array_add (self->titles, g_strdup (titles != NULL ? titles[i] : NULL));
  }
  g_free (self->authorization);
  self->authorization = g_strdup (authorization);
  self->index = G_MAXUINT;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INDEX]);
}

void
fc_player_set_authorization (FcPlayer   *self,
                             const char *authorization)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  g_free (self->authorization);
  self->authorization = g_strdup (authorization);
}

const char *
fc_player_get_authorization (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), NULL);

  return self->authorization;
}

void
fc_player_start_at (FcPlayer *self,
                    guint     index,
                    double    position)
{
  g_return_if_fail (FC_IS_PLAYER (self));
  g_return_if_fail (index < self->uris->len);

  load_item (self, index, MAX (position, 0), TRUE);
}

void
fc_player_play (FcPlayer *self)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  if (self->uris->len == 0)
    return;
  switch (self->state) {
    case FC_PLAYER_STATE_STOPPED:
    case FC_PLAYER_STATE_ERROR:
      load_item (self, self->index < self->uris->len ? self->index : 0, self->position, TRUE);
      break;
    case FC_PLAYER_STATE_ENDED:
      load_item (self, 0, 0, TRUE);
      break;
    case FC_PLAYER_STATE_RESTING:
      /* Play during the rest: the user is ready for the next video now. */
      load_item (self, self->index + 1, 0, TRUE);
      break;
    case FC_PLAYER_STATE_LOADING:
    case FC_PLAYER_STATE_PAUSED:
    case FC_PLAYER_STATE_PLAYING:
    default:
      self->want_playing = TRUE;
      send_command (self, COMMAND_PLAY, 0);
      break;
  }
}

void
fc_player_pause (FcPlayer *self)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  self->want_playing = FALSE;
  if (self->state == FC_PLAYER_STATE_RESTING) {
    /* The countdown waits too; fc_player_play() goes on. */
    g_clear_handle_id (&self->rest_source, g_source_remove);
    return;
  }
  if (self->state == FC_PLAYER_STATE_LOADING || self->state == FC_PLAYER_STATE_PLAYING)
    send_command (self, COMMAND_PAUSE, 0);
}

void
fc_player_toggle (FcPlayer *self)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  if (self->want_playing && self->state != FC_PLAYER_STATE_RESTING)
    fc_player_pause (self);
  else
    fc_player_play (self);
}

void
fc_player_stop (FcPlayer *self)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  g_clear_handle_id (&self->rest_source, g_source_remove);
  set_rest_remaining (self, 0);
  self->generation++;
  self->want_playing = FALSE;
  send_command (self, COMMAND_STOP, 0);
  set_state (self, FC_PLAYER_STATE_STOPPED);
}

void
fc_player_seek (FcPlayer *self,
                double    position)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  if (self->state != FC_PLAYER_STATE_LOADING && self->state != FC_PLAYER_STATE_PAUSED &&
      self->state != FC_PLAYER_STATE_PLAYING)
    return;
  position = MAX (position, 0);
  if (self->duration > 0)
    position = MIN (position, self->duration);
  set_times (self, position, self->duration);
  send_command (self, COMMAND_SEEK, position);
}

void
fc_player_seek_by (FcPlayer *self,
                   double    offset)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  fc_player_seek (self, self->position + offset);
}

void
fc_player_select (FcPlayer *self,
                  guint     index)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  if (index < self->uris->len)
    load_item (self, index, 0, TRUE);
}

void
fc_player_next (FcPlayer *self)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  if (self->index != G_MAXUINT)
    fc_player_select (self, self->index + 1);
}

void
fc_player_previous (FcPlayer *self)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  if (self->index != G_MAXUINT && self->index > 0)
    fc_player_select (self, self->index - 1);
}

FcPlayerState
fc_player_get_state (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), FC_PLAYER_STATE_STOPPED);

  return self->state;
}

guint
fc_player_get_n_items (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), 0);

  return self->uris->len;
}

guint
fc_player_get_index (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), G_MAXUINT);

  return self->index;
}

double
fc_player_get_position (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), 0);

  return self->position;
}

double
fc_player_get_duration (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), 0);

  return self->duration;
}

double
fc_player_get_rate (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), 1.0);

  return self->rate;
}

void
fc_player_set_rate (FcPlayer *self,
                    double    rate)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  rate = CLAMP (rate, FC_PLAYER_MIN_RATE, FC_PLAYER_MAX_RATE);
  if (self->rate == rate)
    return;
  self->rate = rate;
  send_command (self, COMMAND_RATE, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

double
fc_player_get_volume (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), 1.0);

  return self->volume;
}

void
fc_player_set_volume (FcPlayer *self,
                      double    volume)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  volume = CLAMP (volume, 0, 1);
  if (self->volume == volume)
    return;
  self->volume = volume;
  /* playbin's volume is a property of its own lock, not of the pipeline
   * state: setting it never waits for streaming. */
  if (self->worker != NULL)
    g_object_set (self->worker->playbin, "volume", volume, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME]);
}

gboolean
fc_player_get_muted (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), FALSE);

  return self->muted;
}

void
fc_player_set_muted (FcPlayer *self,
                     gboolean  muted)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  muted = !!muted;
  if (self->muted == muted)
    return;
  self->muted = muted;
  if (self->worker != NULL)
    g_object_set (self->worker->playbin, "mute", muted, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

guint
fc_player_get_rest_seconds (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), 0);

  return self->rest_seconds;
}

void
fc_player_set_rest_seconds (FcPlayer *self,
                            guint     seconds)
{
  g_return_if_fail (FC_IS_PLAYER (self));

  seconds = MIN (seconds, FC_PLAYER_MAX_REST);
  if (self->rest_seconds == seconds)
    return;
  self->rest_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REST_SECONDS]);
}

guint
fc_player_get_rest_remaining (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), 0);

  return self->rest_remaining;
}

const GError *
fc_player_get_error (FcPlayer *self)
{
  g_return_val_if_fail (FC_IS_PLAYER (self), NULL);

  return self->error;
}

/* fc-fake-http.c — a SoupServer in its own thread, for the tests' fake services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-fake-http.h"

#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

struct _FcFakeHttp {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  SoupServerCallback callback;
  gpointer      user_data;

  GMutex        lock;         /* guards what follows */
  gboolean      holding;
  GPtrArray    *held;         /* SoupServerMessage, paused */
};

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  FcFakeHttp *self = data;

  g_mutex_lock (&self->lock);
  if (self->holding) {
    soup_server_message_pause (message);
    g_ptr_array_add (self->held, g_object_ref (message));
    g_mutex_unlock (&self->lock);
    return;
  }
  g_mutex_unlock (&self->lock);
  self->callback (server, message, path, query, self->user_data);
}

/* In the server's thread. */
static gboolean
release_cb (gpointer data)
{
  FcFakeHttp *self = data;
  g_autoptr(GPtrArray) held = NULL;

  g_mutex_lock (&self->lock);
  held = g_steal_pointer (&self->held);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < held->len; i++) {
    SoupServerMessage *message = held->pdata[i];
    GUri *uri = soup_server_message_get_uri (message);
    g_autoptr(GHashTable) query = g_uri_get_query (uri) != NULL
                                  ? soup_form_decode (g_uri_get_query (uri)) : NULL;

    self->callback (self->server, message, g_uri_get_path (uri), query, self->user_data);
    soup_server_message_unpause (message);
  }
  return G_SOURCE_REMOVE;
}

static gpointer
run_thread (gpointer data)
{
  FcFakeHttp *self = data;

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

FcFakeHttp *
fc_fake_http_new (const char         *name,
                  SoupServerCallback  callback,
                  gpointer            user_data)
{
  FcFakeHttp *self = g_new0 (FcFakeHttp, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_mutex_init (&self->lock);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->callback = callback;
  self->user_data = user_data;

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);

  /* The listening socket's sources go to the thread's context. */
  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, on_request_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_main_context_pop_thread_default (self->context);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->thread = g_thread_new (name, run_thread, self);
  return self;
}

static gboolean
quit_cb (gpointer data)
{
  FcFakeHttp *self = data;

  soup_server_disconnect (self->server);
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

void
fc_fake_http_free (FcFakeHttp *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_cb, self);
  g_thread_join (self->thread);
  g_clear_object (&self->server);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->held);
  g_mutex_clear (&self->lock);
  g_free (self->url);
  g_free (self);
}

const char *
fc_fake_http_get_url (FcFakeHttp *self)
{
  return self->url;
}

void
fc_fake_http_hold (FcFakeHttp *self,
                   gboolean    hold)
{
  g_mutex_lock (&self->lock);
  self->holding = hold;
  g_mutex_unlock (&self->lock);
  if (!hold)
    g_main_context_invoke (self->context, release_cb, self);
}

guint
fc_fake_http_held (FcFakeHttp *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->held->len;
  g_mutex_unlock (&self->lock);
  return n;
}

void
fc_fake_http_answer_text (SoupServerMessage *message,
                          guint              status,
                          const char        *text)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

static gboolean
on_quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin_cb (gint         fd,
             GIOCondition condition,
             gpointer     user_data)
{
  char buffer[256];

  /* Nothing is read from stdin but its end. */
  if (read (fd, buffer, sizeof buffer) > 0)
    return G_SOURCE_CONTINUE;
  return on_quit_cb (user_data);
}

void
fc_fake_http_run_until_stopped (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint sources[3];

  sources[0] = g_unix_signal_add (SIGTERM, on_quit_cb, loop);
  sources[1] = g_unix_signal_add (SIGINT, on_quit_cb, loop);
  sources[2] = g_unix_fd_add (0, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin_cb, loop);
  g_main_loop_run (loop);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_source_remove (sources[i]);
}

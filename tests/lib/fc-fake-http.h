/* fc-fake-http.h — a SoupServer in its own thread, for the tests' fake services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Listens on 127.0.0.1 (an ephemeral port) and runs in a thread with its
 * own main context, so a test blocked in a synchronous request to
 * fitcore-server, which is waiting on the fake, still gets the fake's
 * answers. The fake Stripe and the fake OpenID provider stand on it.
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _FcFakeHttp FcFakeHttp;

/* @callback answers every path, in the server's thread. @name names the
 * thread. */
FcFakeHttp   *fc_fake_http_new         (const char          *name,
                                        SoupServerCallback   callback,
                                        gpointer             user_data);
/* Stops the thread: @callback runs no more once this returns. */
void          fc_fake_http_free        (FcFakeHttp          *self);
/* "http://127.0.0.1:PORT". */
const char   *fc_fake_http_get_url     (FcFakeHttp          *self);
/* While @hold, requests are parked unanswered before the callback sees
 * them (a slow service); taking the hold off hands them to the callback,
 * in the order they came, and sends its answers. */
void          fc_fake_http_hold        (FcFakeHttp          *self,
                                        gboolean             hold);
/* How many requests are parked now. */
guint         fc_fake_http_held        (FcFakeHttp          *self);

/* For a fake run as a program (the UI tests'): answers @message @status
 * with @text as text/plain. */
void          fc_fake_http_answer_text (SoupServerMessage   *message,
                                        guint                status,
                                        const char          *text);
/* For a fake run as a program: runs the default main context until
 * SIGTERM, SIGINT or the end of stdin (the test that started it went
 * away). */
void          fc_fake_http_run_until_stopped (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcFakeHttp, fc_fake_http_free)

G_END_DECLS

/* fc-fake-oidc-main.c — the tests' fake OpenID provider as a program, for the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   fitcore-fake-oidc --client-id ID
 *
 * Starts fc-fake-oidc.c (the same fake the C Google tests use) and a small
 * control server beside it, then prints two lines on stdout:
 *
 *   issuer http://127.0.0.1:PORT     the server's google_issuer and the app's
 *   control http://127.0.0.1:PORT    what the "browser" asks of the fake
 *
 * The control server takes a POST to /consent whose body is the next
 * user's answer at the authorize endpoint: "allow SUB EMAIL" or "deny"
 * (Cancel); it answers 200 "ok", 400 otherwise. GET /count/ENDPOINT
 * answers how many requests "discovery", "jwks", "authorize" or "token"
 * took. It runs until SIGTERM, SIGINT or the end of its stdin.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fc-fake-http.h"
#include "fc-fake-oidc.h"

typedef struct {
  FcFakeOidc *oidc;
} Fake;

static gboolean
set_consent (Fake       *fake,
             const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);

  if (g_strv_length (words) == 1 && g_str_equal (words[0], "deny")) {
    fc_fake_oidc_set_consent (fake->oidc, FC_FAKE_OIDC_CONSENT_DENY, "0", "nobody@fitcore.test");
    return TRUE;
  }
  if (g_strv_length (words) == 3 && g_str_equal (words[0], "allow")) {
    fc_fake_oidc_set_consent (fake->oidc, FC_FAKE_OIDC_CONSENT_ALLOW, words[1], words[2]);
    return TRUE;
  }
  return FALSE;
}

/* In the control server's thread; the fake locks its own state. */
static void
on_control_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fake *fake = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) flat = soup_message_body_flatten (body);
  g_autofree char *text = g_strstrip (g_strndup (g_bytes_get_data (flat, NULL),
                                                 g_bytes_get_size (flat)));
  g_autofree char *count = NULL;

  if (g_str_equal (path, "/consent") &&
      g_strcmp0 (soup_server_message_get_method (message), "POST") == 0) {
    if (set_consent (fake, text))
      fc_fake_http_answer_text (message, 200, "ok");
    else
      fc_fake_http_answer_text (message, 400, "allow SUB EMAIL, or deny");
  } else if (g_str_has_prefix (path, "/count/")) {
    count = g_strdup_printf ("%u", fc_fake_oidc_count (fake->oidc, path + strlen ("/count/")));
    fc_fake_http_answer_text (message, 200, count);
  } else {
    fc_fake_http_answer_text (message, 404, "not found");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *client_id = NULL;
  GOptionEntry entries[] = {
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "The OAuth client it knows", "ID" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a fake OpenID provider");
  g_autoptr(GError) error = NULL;
  g_autoptr(FcFakeHttp) control = NULL;
  Fake fake = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || client_id == NULL) {
    g_printerr ("%s\n", error != NULL ? error->message : "--client-id is required");
    return 2;
  }

  fake.oidc = fc_fake_oidc_new (client_id);
  control = fc_fake_http_new ("fake-oidc-control", on_control_cb, &fake);
  printf ("issuer %s\ncontrol %s\n", fc_fake_oidc_get_issuer (fake.oidc),
          fc_fake_http_get_url (control));
  fflush (stdout);

  fc_fake_http_run_until_stopped ();

  g_clear_pointer (&control, fc_fake_http_free);
  fc_fake_oidc_free (fake.oidc);
  return 0;
}

/* fc-test-server-shim.h — stand-in for a helper tests/lib/fc-test-server.c calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/lib/fc-test-server.c calls soup_cookies_from_response_headers(),
 * which libsoup 3.2 does not have (it only reads a SoupMessage). Until that
 * file is fixed, tests/server/meson.build compiles its own copy with this
 * header forced in front; it goes away when the call does.
 */

#pragma once

#include <libsoup/soup.h>

static inline GSList *
soup_cookies_from_response_headers (SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GSList *cookies = NULL;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value)) {
    SoupCookie *cookie;

    if (g_ascii_strcasecmp (name, "Set-Cookie") != 0)
      continue;
    cookie = soup_cookie_parse (value, NULL);
    if (cookie != NULL)
      cookies = g_slist_prepend (cookies, cookie);
  }
  return g_slist_reverse (cookies);
}

/* admin-seed.h — many accounts written straight into a test server's database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-test-server.h"

G_BEGIN_DECLS

/* Inserts @n_users accounts in one transaction, as the server's own
 * INSERT would (its triggers run): "seed-NNNNNN@fitcore.test" with first
 * name "Seed" and last name "User NNNNNN" (i from 0), one joined per
 * minute back from 2026-01-01, every 7th premium, every 11th inactive,
 * every 1,000th staff, every 3rd seen on a day of 2025. Returns the first
 * new id. */
gint64 ad_seed_users (FcTestServer *server,
                      guint         n_users);

G_END_DECLS

/* payments-test-util.h — fitcore-server with a fake Stripe, for the payments tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-fake-stripe.h"
#include "nutrition-test-util.h"

G_BEGIN_DECLS

#define PT_API "/api/v1/payments/"
#define PT_SECRET_KEY "sk_test_FAKEfitcoreSecretKey4242"
#define PT_WEBHOOK_SECRET "whsec_FAKEfitcoreWebhookSecret4242"
#define PT_PRICE_MONTHLY "price_T_monthly_999"
#define PT_PRICE_LIFETIME "price_T_lifetime_14900"

typedef struct {
  NtFixture     nt;           /* users A (1), B (2), staff (3) */
  FcFakeStripe *stripe;
  char         *log_path;     /* the server's stderr */
  GString      *answers;      /* every payments answer the tests read */
  gboolean      expect_warnings; /* the test makes the server warn (Stripe down) */
} PtFixture;

void        pt_fixture_set_up    (PtFixture     *fixture,
                                  gconstpointer  data);
/* Checks that no secret reached the server's log or an answer. */
void        pt_fixture_tear_down (PtFixture     *fixture,
                                  gconstpointer  data);
/* Stops the server and starts it again on the same data dir with the
 * payments clock moved by @clock_offset seconds (the fake follows). */
void        pt_restart           (PtFixture     *fixture,
                                  gint64         clock_offset);

/* nt_request() that also keeps the answer's text for the secret check. */
JsonNode   *pt_request           (PtFixture     *fixture,
                                  const char    *method,
                                  const char    *path,
                                  const char    *token,
                                  const char    *json,
                                  guint          status);
/* POST checkout/ {plan} as @token: the checkout session's id. */
char       *pt_checkout          (PtFixture     *fixture,
                                  const char    *token,
                                  const char    *plan);
/* GET subscription/ as @token. */
JsonObject *pt_subscription      (PtFixture     *fixture,
                                  const char    *token);
gint64      pt_db_int            (PtFixture     *fixture,
                                  const char    *sql);
/* The rows of @sql, their first @n_columns columns joined by "|", one
 * line a row; "group_concat" in @sql becomes PostgreSQL's "string_agg". */
char       *pt_db_text           (PtFixture     *fixture,
                                  const char    *sql,
                                  int            n_columns);

G_END_DECLS

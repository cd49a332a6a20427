/* fc-payments-schema.c — the payments section's own migration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-server-schema.h"

/* 11: paid plans through Stripe.
 *
 * subscriptions: one row per user, made when the user first starts a
 * checkout (that is when the Stripe customer is created, so every webhook
 * about that customer finds its user). Periods and event times are Unix
 * seconds, as Stripe sends them. Webhooks come twice and out of order, so
 * every field keeps what decides it: period_end is the latest end seen
 * (period_start goes with it); status was set by the event created at
 * status_at and cancel_at_period_end by the one created at cancel_at (not
 * every event says whether the subscription is cancelling), and an older
 * event changes neither; a deleted subscription (deleted = 1) stays CANCELLED, whatever
 * older or equal events say. sub_since is the created time of the event
 * that linked stripe_subscription_id: a checkout of a newer subscription
 * replaces it, events of an older one touch only the ledger.
 *
 * payment_events: each Stripe event id applied once; a repeated delivery
 * finds its row and changes nothing.
 *
 * payment_transactions (migration 10) is rebuilt to take 'failure' rows
 * and the payment intent that ties a refund to its payment, and becomes
 * append-only: triggers refuse any UPDATE or DELETE, so the ledger is a
 * history, not a state (the subscription is the state). Its rows keep
 * their ids. Deleting an account would now have to go through the ledger
 * too (nothing deletes accounts today). */
const char fc_payments_schema_migration_11[] =
  "CREATE TABLE subscriptions ("
  "  id                     INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id                INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,"
  "  plan                   TEXT CHECK (plan IN ('MONTHLY', 'LIFETIME')),"
  "  status                 TEXT NOT NULL DEFAULT 'INACTIVE'"
  "    CHECK (status IN ('ACTIVE', 'INACTIVE', 'CANCELLED', 'PAST_DUE')),"
  "  period_start           INTEGER,"
  "  period_end             INTEGER,"           /* NULL: no end (lifetime) or none yet */
  "  cancel_at_period_end   INTEGER NOT NULL DEFAULT 0,"
  "  ended_at               INTEGER,"           /* a deleted subscription's end */
  "  status_at              INTEGER NOT NULL DEFAULT 0,"
  "  cancel_at              INTEGER NOT NULL DEFAULT 0,"
  "  deleted                INTEGER NOT NULL DEFAULT 0,"
  "  sub_since              INTEGER NOT NULL DEFAULT 0,"
  "  stripe_customer_id     TEXT UNIQUE,"
  "  stripe_subscription_id TEXT,"
  "  created_at             TEXT NOT NULL,"
  "  updated_at             TEXT NOT NULL"
  ");"

  "CREATE TABLE payment_events ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  event_id    TEXT NOT NULL UNIQUE,"
  "  type        TEXT NOT NULL,"
  "  created     INTEGER NOT NULL,"
  "  user_id     INTEGER,"
  "  received_at TEXT NOT NULL"
  ");"

  "CREATE TABLE payment_transactions_new ("
  "  id               INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  kind             TEXT NOT NULL"
  "    CHECK (kind IN ('grant', 'revoke', 'payment', 'refund', 'failure')),"
  "  plan             TEXT,"
  "  status           TEXT NOT NULL DEFAULT 'succeeded',"
  "  amount           INTEGER NOT NULL DEFAULT 0,"
  "  currency         TEXT NOT NULL DEFAULT '',"
  "  provider         TEXT NOT NULL DEFAULT 'admin',"
  "  provider_ref     TEXT,"
  "  provider_payment TEXT,"                     /* Stripe's payment intent */
  "  starts_at        TEXT NOT NULL,"
  "  ends_at          TEXT,"
  "  created_by       INTEGER,"
  "  note             TEXT NOT NULL DEFAULT '',"
  "  created_at       TEXT NOT NULL"
  ");"
  "INSERT INTO payment_transactions_new (id, user_id, kind, plan, status, amount, currency,"
  "  provider, provider_ref, starts_at, ends_at, created_by, note, created_at)"
  "  SELECT id, user_id, kind, plan, status, amount, currency, provider, provider_ref, starts_at,"
  "  ends_at, created_by, note, created_at FROM payment_transactions;"
  "DROP TABLE payment_transactions;"
  "ALTER TABLE payment_transactions_new RENAME TO payment_transactions;"
  "CREATE INDEX payment_transactions_user ON payment_transactions (user_id, id);"
  "CREATE UNIQUE INDEX payment_transactions_ref ON payment_transactions (provider, provider_ref)"
  "  WHERE provider_ref IS NOT NULL;"
  "CREATE INDEX payment_transactions_payment ON payment_transactions (provider_payment)"
  "  WHERE provider_payment IS NOT NULL;"
  "CREATE TRIGGER payment_transactions_no_update BEFORE UPDATE ON payment_transactions BEGIN"
  "  SELECT RAISE (ABORT, 'payment_transactions is append-only');"
  "END;"
  "CREATE TRIGGER payment_transactions_no_delete BEFORE DELETE ON payment_transactions BEGIN"
  "  SELECT RAISE (ABORT, 'payment_transactions is append-only');"
  "END;";

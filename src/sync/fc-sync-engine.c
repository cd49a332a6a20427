/* fc-sync-engine.c — fills the store from the API and drains the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run is a chain of callbacks on the main context (never a thread: the
 * client and the store are asynchronous already). A full run: what the
 * store remembers of earlier runs, sections, account, profile, foods,
 * meals, meal plans, workout categories, workouts and the user's workout
 * progress, then the outbox row by row. A push run is only the outbox: a
 * user write starts one on the next idle of the main loop (at
 * FcStore::write-submitted, so that its claim of the row waits on the
 * store's thread right behind the write; at FcStore::changed::outbox-queued
 * for the store's other writes), with no pull before it, and a full run
 * follows it a little later (PULL_AFTER_PUSH_MS) so that a burst of writes
 * is one pull.
 * Only one run goes at a time; asking for one meanwhile sets `again` (a
 * full run) or `push_again`, and that run follows.
 *
 * With a change feed (a server whose sections list "changes", as
 * fitcore-server's do) a full run after the sections is one GET
 * changes/?since=CURSOR, repeated while has_more: each page's upserts
 * and deletes and the next cursor go into the store in one transaction,
 * and no list is pulled. On the first run, when the server answers reset
 * (a cursor it does not know, too old, or from another data dir) or when
 * the user asks, the cursor the server answers is kept first and then
 * every list is pulled in full, so nothing written meanwhile is missed:
 * it comes with the next run's changes.
 *
 * Without a change feed every list is pulled whole, so what changes
 * rarely is pulled rarely: the sections a server offers are learned once
 * a day (kept in the store), and the foods list (mostly public foods, tens
 * of thousands on a big server) at most once a day, unless the user asks
 * (fc_sync_engine_request_full_sync(), fc_sync_engine_sync_async()). The
 * day is measured on the engine's clock, which tests replace.
 */

#define G_LOG_DOMAIN "fc-sync"

#include "config.h"

#include "fc-sync-engine.h"

#include <glib/gi18n-lib.h>

#include "fc-json.h"
#include "fc-store-notifications.h"
#include "fc-sync-health.h"
#include "fc-sync-notifications.h"

#define PERIODIC_INTERVAL_S (5 * 60)
#define BACKOFF_MAX_S       (5 * 60)
/* A first sync pulls tens of thousands of public foods: fitcore-server
 * answers up to 1000 of them a page (100 for the other lists); Django
 * ignores page_size and answers 10. */
#define PAGE_SIZE_DEFAULT   1000
/* The pull after a push waits this long for more writes. */
#define PULL_AFTER_PUSH_MS  2000
/* How long the sections and the foods list pulled stay fresh. */
#define FRESH_FOR_S         (24 * 60 * 60)

/* Keys of the store's sync_state, in unix seconds of the engine's clock. */
#define STATE_FOODS_PULLED     "engine-foods-pulled-at"
#define STATE_TEMPLATES_PULLED FC_SYNC_ENGINE_TEMPLATES_PULLED_KEY
#define STATE_NOTIFICATIONS_PULLED "engine-notifications-pulled-at"
/* What the server offers, learned once per server and version. */
#define STATE_OFFERS           FC_SYNC_ENGINE_OFFERS_KEY
/* Where the server's change feed goes on (opaque, the server's). */
#define STATE_CHANGES_CURSOR   "engine-changes-cursor"

/* Progress: where each step starts, of 1.0 for the run. */
#define PROGRESS_ACCOUNT    0.02
#define PROGRESS_FOODS      0.10
#define PROGRESS_MEALS      0.75
#define PROGRESS_MEAL_PLANS 0.82
#define PROGRESS_TEMPLATES  0.84
#define PROGRESS_WORKOUTS   0.85
#define PROGRESS_WORKOUT_PROGRESS 0.89
#define PROGRESS_PUSH       0.90

struct _FcSyncEngine
{
  GObject          parent_instance;

  /* owned */
  FcApiClient     *client;
  FcStore         *store;
  GCancellable    *run_cancellable;
  GPtrArray       *waiters;        /* GTask: sync_async callers of this run */
  GPtrArray       *next_waiters;   /* GTask: of the run after it */
  char            *last_error;
  GNetworkMonitor *monitor;
  guint            page_size;

  FcSyncClockFunc  clock;
  gpointer         clock_data;

  /* GSource ids */
  guint            idle_id;
  guint            periodic_id;
  guint            retry_id;
  guint            push_id;
  guint            pull_after_id;
  gulong           network_changed_id;
  gulong           store_changed_id;
  gulong           store_queued_id;
  gulong           store_submitted_id;

  FcSyncState      state;
  double           progress;
  guint            pending;
  guint            rejected;
  gint64           last_synced;
  guint            push_interval_ms;
  guint            queued_serial;  /* changed::outbox-queued seen so far */

  guint            running : 1;
  guint            forget_offers : 1;  /* learn what the server offers again */
  guint            again : 1;
  guint            again_forced : 1;  /* the full run after is on demand */
  guint            push_again : 1;
  guint            started : 1;
  guint            offline : 1;
  guint            network_available : 1;
  guint            counting : 1;
  guint            count_again : 1;
  guint            account_known : 1;  /* fc_sync_engine_skip_next_account() */
  guint            health_offered : 1; /* the last full run saw "health" */

  gint64           health_goals_pulled;  /* engine clock, 0 = not this session */
  gboolean         notifications_asked;  /* fc_sync_engine_request_notifications_pull() */
};

G_DEFINE_FINAL_TYPE (FcSyncEngine, fc_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_STORE,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_PENDING_COUNT,
  PROP_REJECTED_COUNT,
  PROP_LAST_SYNCED,
  PROP_LAST_ERROR,
  N_PROPS
};

enum {
  SIGNAL_REJECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef gboolean (*StoreFinishFunc) (FcStore       *store,
                                     GAsyncResult  *result,
                                     GError       **error);

/* One run's state, the data of its GTask. */
typedef struct {
  StoreFinishFunc finish;  /* of the store call on_stored_cb waits for */
  char       **sections;
  GArray      *ids;        /* gint64: server ids of the list being pulled */
  const char  *resource;   /* the list being pulled */
  double       step_start;
  double       step_end;
  guint        upserts;    /* pages handed to the store, not finished */
  gboolean     held;       /* the fetch waits for the store (PAGES_WAITING) */
  GError      *store_error;
  gboolean     list_done;
  FcOutboxItem *row;       /* the row being pushed */
  gboolean     push_only;  /* a push run: no pull */
  gboolean     forced;     /* asked for by the user: nothing is fresh enough */
  guint        pushed;     /* rows the server took */
  gboolean     peeked;     /* the outbox was read at least once */
  guint        queued_seen;  /* queued_serial when it was last read */
  JsonObject  *offers;            /* STATE_OFFERS, NULL = never learned */
  gboolean     offers_learned;    /* learned in this run */
  gboolean     version_checked;   /* the server's version compared */
  gint64       foods_pulled;      /* STATE_FOODS_PULLED, 0 = never */
  gint64       templates_pulled;  /* STATE_TEMPLATES_PULLED, 0 = never */
  gint64       notifications_pulled;  /* STATE_NOTIFICATIONS_PULLED, 0 = never */
  char        *cursor;            /* STATE_CHANGES_CURSOR, NULL = never */
  guint        state_read;        /* state_keys read so far */
  gboolean     feed_reset;        /* the feed said start over: pull all */
  gboolean     feed_done;         /* the feed brought every change: no list */
} Run;

static void
run_free (Run *run)
{
  g_strfreev (run->sections);
  g_clear_pointer (&run->offers, json_object_unref);
  g_free (run->cursor);
  g_clear_pointer (&run->ids, g_array_unref);
  g_clear_error (&run->store_error);
  g_clear_object (&run->row);
  g_free (run);
}

static void start_run (FcSyncEngine *self,
                       gboolean      push_only,
                       gboolean      forced);
static void pull_next (GTask *task);
static void push_next (GTask *task);
static void refresh_counts (FcSyncEngine *self);

/* Helpers */

static gint64
default_clock (gpointer user_data)
{
  return g_get_real_time ();
}

/* Unix seconds on the engine's clock. */
static gint64
now_s (FcSyncEngine *self)
{
  return self->clock (self->clock_data) / G_USEC_PER_SEC;
}

/* Whether @since (unix seconds, 0 = never) is less than a day ago; a time
 * in the future (the clock was set back) is not. */
static gboolean
is_fresh (FcSyncEngine *self,
          gint64        since)
{
  gint64 age = now_s (self) - since;

  return since > 0 && age >= 0 && age < FRESH_FOR_S;
}

static void
set_progress (FcSyncEngine *self,
              double        progress)
{
  progress = CLAMP (progress, 0.0, 1.0);
  if (progress == self->progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
set_last_error (FcSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (message, self->last_error) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
update_state (FcSyncEngine *self)
{
  FcSyncState state;

  if (self->running)
    state = FC_SYNC_STATE_SYNCING;
  else if (self->offline)
    state = FC_SYNC_STATE_OFFLINE;
  else if (self->rejected > 0)
    state = FC_SYNC_STATE_NEEDS_ATTENTION;
  else if (self->pending > 0)
    state = FC_SYNC_STATE_PENDING;
  else
    state = FC_SYNC_STATE_SYNCED;

  if (state == self->state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
is_offline_error (const GError *error)
{
  return g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NETWORK) ||
         g_error_matches (error, FC_API_ERROR, FC_API_ERROR_TIMEOUT);
}

static gboolean
has_section (Run        *run,
             const char *section)
{
  return run->sections != NULL && g_strv_contains ((const char * const *) run->sections, section);
}

static void
on_counts_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcSyncEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  guint pending = 0, rejected = 0;

  self->counting = FALSE;
  if (fc_store_outbox_counts_finish (FC_STORE (source), result, &pending, &rejected, &error)) {
    if (pending != self->pending) {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
    }
    if (rejected != self->rejected) {
      self->rejected = rejected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTED_COUNT]);
    }
    update_state (self);
  } else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_warning ("Cannot count the outbox: %s", error->message);
  }

  if (self->count_again) {
    self->count_again = FALSE;
    refresh_counts (self);
  }
}

/* Coalesced: a push changes the outbox hundreds of times. */
static void
refresh_counts (FcSyncEngine *self)
{
  if (self->counting) {
    self->count_again = TRUE;
    return;
  }
  self->counting = TRUE;
  fc_store_outbox_counts_async (self->store, NULL, on_counts_cb, g_object_ref (self));
}

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  FcSyncEngine *self = user_data;

  self->retry_id = 0;
  fc_sync_engine_request_sync (self);
  return G_SOURCE_REMOVE;
}

/* Seconds to wait before trying a row again: 2, 4, 8 ... 300. */
static guint
backoff_seconds (guint attempts)
{
  return MIN ((guint) BACKOFF_MAX_S, 1u << CLAMP (attempts, 1u, 9u));
}

static void
schedule_retry (FcSyncEngine *self,
                guint         seconds)
{
  if (!self->started)
    return;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (seconds, on_retry_timeout_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->retry_id),
                            "[fitcore] sync retry");
}

static void
complete_tasks (GPtrArray    *tasks,
                const GError *error)
{
  for (guint i = 0; i < tasks->len; i++) {
    GTask *task = g_ptr_array_index (tasks, i);

    if (error != NULL)
      g_task_return_error (task, g_error_copy (error));
    else
      g_task_return_boolean (task, TRUE);
  }
  g_ptr_array_set_size (tasks, 0);
}

static gboolean
on_pull_after_cb (gpointer user_data)
{
  FcSyncEngine *self = user_data;

  self->pull_after_id = 0;
  fc_sync_engine_request_sync (self);
  return G_SOURCE_REMOVE;
}

/* Ends the run. Takes @task; @error may be NULL. */
static void
finish_run (GTask  *task,
            GError *error)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) owned_error = error;
  gboolean peeked = run->peeked;
  guint queued_seen = run->queued_seen;

  /* Stopped because the server ended the session: say that, not
   * "cancelled", to whoever waited for the run. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !fc_api_client_is_signed_in (self->client)) {
    g_clear_error (&owned_error);
    error = owned_error = g_error_new_literal (FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED,
                                               _("You are signed out."));
  }

  self->running = FALSE;
  g_clear_object (&self->run_cancellable);

  if (error == NULL) {
    self->offline = FALSE;
    self->last_synced = now_s (self);
    set_progress (self, 1.0);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
  } else if (is_offline_error (error)) {
    self->offline = TRUE;
    set_last_error (self, error->message);
    schedule_retry (self, BACKOFF_MAX_S / 10);
  } else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    self->offline = FALSE;
    set_last_error (self, error->message);
  }
  if (error == NULL && self->retry_id == 0)
    set_last_error (self, NULL);

  g_debug ("Sync %s run ended (%u pushed; again %d, push again %d, writes %u/%u): %s",
           run->push_only ? "push" : "full", run->pushed, self->again, self->push_again,
           run->queued_seen, self->queued_serial, error != NULL ? error->message : "ok");
  /* What the server took may have changed what it lists (ids, totals):
   * a pull follows, once the burst of writes is over. */
  if (run->push_only && run->pushed > 0 && error == NULL && self->started &&
      self->pull_after_id == 0) {
    self->pull_after_id = g_timeout_add (PULL_AFTER_PUSH_MS, on_pull_after_cb, self);
    g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->pull_after_id),
                              "[fitcore] pull after push");
  }
  /* The run is gone with its task. */
  run = NULL;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);

  update_state (self);
  refresh_counts (self);
  complete_tasks (self->waiters, error);

  /* Every write announced before the last read of the outbox was in it:
   * a push for them would find nothing (or, after a failure, fail again
   * before its retry is due). */
  if (peeked && queued_seen == self->queued_serial) {
    self->push_again = FALSE;
    g_clear_handle_id (&self->push_id, g_source_remove);
  }

  /* A full run pushes too. */
  if (self->again) {
    gboolean forced = self->again_forced;

    self->again = FALSE;
    self->again_forced = FALSE;
    self->push_again = FALSE;
    start_run (self, FALSE, forced);
  } else if (self->push_again) {
    self->push_again = FALSE;
    start_run (self, TRUE, FALSE);
  }
}

/* Pull */

/* The lists a full run walks, in order. Everyone's lists (public foods,
 * templates) have a `pulled_key`: no server without a feed says they
 * changed, so they are pulled at most once a day (see list_due()). */
typedef struct {
  const char *resource;
  const char *path;
  const char *section;     /* the server section that has it */
  const char *pulled_key;  /* sync_state key of its last whole pull */
  double      progress;    /* where its step starts */
} PulledList;

static const PulledList lists[] = {
  { FC_STORE_FOODS, "nutrition/foods/", "nutrition", STATE_FOODS_PULLED, PROGRESS_FOODS },
  { FC_STORE_MEALS, "nutrition/meals/", "nutrition", NULL, PROGRESS_MEALS },
  { FC_STORE_MEAL_PLANS, "nutrition/meal-plans/", "nutrition", NULL, PROGRESS_MEAL_PLANS },
  { FC_STORE_MEAL_PLAN_TEMPLATES, "nutrition/meal-plans/templates/", "nutrition",
    STATE_TEMPLATES_PULLED, PROGRESS_TEMPLATES },
  { FC_STORE_WORKOUT_CATEGORIES, "workouts/categories/", "workouts", NULL, PROGRESS_WORKOUTS },
  { FC_STORE_WORKOUTS, "workouts/workouts/", "workouts", NULL, PROGRESS_WORKOUTS },
  { FC_STORE_WORKOUT_PROGRESS, "workouts/progress/", "workouts", NULL,
    PROGRESS_WORKOUT_PROGRESS },
};

/* Each step of the pull, in order: a step that is done moves `step` on.
 * STEP_LISTS + i pulls lists[i]. */
typedef enum {
  STEP_STATE,
  STEP_SECTIONS,
  STEP_CHANGES,
  STEP_ACCOUNT,
  STEP_PROFILE,
  STEP_LISTS,
} Step;

#define STEP_PUSH (STEP_LISTS + G_N_ELEMENTS (lists))

static void
set_step (GTask *task,
          guint  step)
{
  g_object_set_data (G_OBJECT (task), "step", GUINT_TO_POINTER (step));
}

static gint64
pulled_at (Run              *run,
           const PulledList *list)
{
  if (g_strcmp0 (list->pulled_key, STATE_FOODS_PULLED) == 0)
    return run->foods_pulled;
  if (g_strcmp0 (list->pulled_key, STATE_TEMPLATES_PULLED) == 0)
    return run->templates_pulled;
  return 0;
}

/* Whether this run pulls @list whole.
 *
 * With the change feed, the feed brought every change already: only an
 * everyone's list never pulled is (templates in a store from before they
 * were kept). The user's own request and a feed reset pull everything.
 * Everyone's lists: once a day.
 *
 * The user's own lists without a feed (the Django backend) are pulled
 * whole every time, on purpose. Pulling "page by page until the first
 * unchanged page" is sound only where every change moves its object to
 * the front of the list, as an order by updated_at, newest first, would;
 * Django orders meals and plans by created_at, newest first (the models'
 * Meta.ordering; the views have no OrderingFilter, so ?ordering= is
 * ignored). There a new object comes first, but an edit (from the web or
 * another device; a meal kept as a template is edited for months) stays
 * where it was, and a deletion only shifts what follows it: stopping at
 * the first unchanged page would keep a stale or deleted meal for good.
 * tests/sync/test-sync-django.c holds both to it. */
static gboolean
list_due (FcSyncEngine     *self,
          Run              *run,
          const PulledList *list)
{
  if (!has_section (run, list->section))
    return FALSE;
  if (run->feed_done)
    return list->pulled_key != NULL && pulled_at (run, list) == 0;
  if (run->forced || run->feed_reset)
    return TRUE;
  if (list->pulled_key != NULL && is_fresh (self, pulled_at (run, list))) {
    g_debug ("%s pulled less than a day ago: not again", list->resource);
    return FALSE;
  }
  return TRUE;
}

/* Pages handed to the store and not stored yet, at most: the next page is
 * requested as soon as one arrives, so the server prepares it while the
 * store saves the one before, but no faster than the store takes them,
 * so that memory does not grow with the list (the server answered 50,000
 * foods in a third of the time the store took to save them). */
#define PAGES_WAITING 2

static void
on_upsert_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_store_upsert_json_finish (FC_STORE (source), result, &error) && run->store_error == NULL)
    run->store_error = g_steal_pointer (&error);
  run->upserts--;
  if (run->held && run->upserts < PAGES_WAITING) {
    run->held = FALSE;
    fc_api_client_fetch_pages_resume (self->client, task);
  }
}

/* A page goes to the store as text, read there on the store's thread
 * straight into rows: parsing it into a tree here (json-glib, 18 MB of pages for
 * 50,000 foods) took as much CPU on the main thread as the store took to
 * save it. The client checked it is JSON and read its ids off it. */
static void
on_page_cb (FcApiClient *client,
            GBytes      *page,
            GArray      *ids,
            guint        fetched,
            guint        count,
            gpointer     user_data)
{
  GTask *task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  g_array_append_vals (run->ids, ids->data, ids->len);

  /* Jobs run in call order on the store's thread, so the pages land in
   * order and remove_missing (queued after the last) sees them all. */
  run->upserts++;
  fc_store_upsert_json_async (self->store, run->resource, page, NULL, on_upsert_done_cb,
                              g_object_ref (task));
  if (run->upserts >= PAGES_WAITING) {
    run->held = TRUE;
    fc_api_client_fetch_pages_hold (client, task);
  }

  if (count > 0)
    set_progress (self, run->step_start +
                  (run->step_end - run->step_start) * MIN (1.0, (double) fetched / count));
}

static void on_stored_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

/* Keeps the engine's now under @key, then goes on. Takes @task. */
static void
record_time (GTask      *task,
             const char *key)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, now_s (self));

  run->finish = fc_store_set_sync_value_finish;
  fc_store_set_sync_value_async (self->store, key, value, g_task_get_cancellable (task),
                                 on_stored_cb, task);
}

/* Learns what the server offers again, from STEP_SECTIONS on: it answered
 * 404 where it used to work, or runs another version. Callers check
 * run->offers_learned first (once a run). Takes @task. */
static void
relearn_offers (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  g_debug ("Learning what the server offers again");
  g_clear_pointer (&run->offers, json_object_unref);
  set_step (task, STEP_SECTIONS);
  pull_next (task);
}

static const PulledList *
find_list (const char *resource)
{
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++) {
    if (g_str_equal (lists[i].resource, resource))
      return &lists[i];
  }
  g_return_val_if_reached (NULL);
}

static void
on_remove_missing_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const PulledList *list = find_list (run->resource);

  if (!fc_store_remove_missing_finish (FC_STORE (source), result, &error) &&
      run->store_error == NULL)
    run->store_error = g_steal_pointer (&error);

  if (run->store_error != NULL) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&run->store_error));
    return;
  }
  if (list != NULL && list->pulled_key != NULL) {
    record_time (g_steal_pointer (&task), list->pulled_key);
    return;
  }
  pull_next (g_steal_pointer (&task));
}

static void
on_list_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_api_client_fetch_pages_finish (FC_API_CLIENT (source), result, NULL, &error)) {
    /* A list the server does not have (any more): what it offers is
     * learned again, once; then it is skipped, not an error. */
    if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
      g_debug ("No %s on this server", run->resource);
      if (!run->offers_learned)
        relearn_offers (g_steal_pointer (&task));
      else
        pull_next (g_steal_pointer (&task));
      return;
    }
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }

  /* Only a complete pull may remove what the server no longer lists. */
  fc_store_remove_missing_async (self->store, run->resource, run->ids,
                                 cancellable, on_remove_missing_cb,
                                 g_steal_pointer (&task));
}

static void
pull_list (GTask            *task,
           const PulledList *list,
           double            step_end)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *query = g_strdup_printf ("%s?page_size=%u", list->path, self->page_size);

  run->resource = list->resource;
  run->step_start = self->progress;
  run->step_end = step_end;
  g_clear_pointer (&run->ids, g_array_unref);
  run->ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* The page callback holds a plain pointer: the fetch ends before the
   * task can. */
  fc_api_client_fetch_pages_async (self->client, query, FC_API_REQUEST_NONE, on_page_cb, task,
                                   NULL, g_task_get_cancellable (task), on_list_fetched_cb,
                                   g_object_ref (task));
  g_object_unref (task);
}

static void
on_stored_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!run->finish (FC_STORE (source), result, &error)) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  pull_next (g_steal_pointer (&task));
}

static void
on_profile_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL) {
    if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
      if (!run->offers_learned)
        relearn_offers (g_steal_pointer (&task));
      else
        pull_next (g_steal_pointer (&task));
      return;
    }
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    finish_run (g_steal_pointer (&task),
                g_error_new_literal (FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                                     _("The server sent a profile that is not an object.")));
    return;
  }
  run->finish = fc_store_set_profile_finish;
  fc_store_set_profile_async (self->store, json_node_get_object (node),
                              cancellable, on_stored_cb,
                              g_steal_pointer (&task));
}

static void
on_user_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;

  user = fc_api_client_get_user_finish (FC_API_CLIENT (source), result, &error);
  if (user == NULL) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  run->finish = fc_store_set_account_finish;
  fc_store_set_account_async (self->store, user, cancellable, on_stored_cb,
                              g_steal_pointer (&task));
}

/* What the server offers: its sections, and whether it generates plans
 * (nutrition/generate/, which fitcore-server has and the Django backend
 * answers 404), kept in the store under STATE_OFFERS with the server's
 * address and version (its Server header), so that neither is asked
 * again until the version changes, an answer says 404 where it used to
 * work, or the user asks (Ctrl+R). */

static void
on_sections_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_store_set_sections_finish (FC_STORE (source), result, &error)) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  pull_next (g_steal_pointer (&task));
}

static void
on_offers_stored_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (!fc_store_set_sync_value_finish (FC_STORE (source), result, &error)) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  fc_store_set_sections_async (self->store, (const char * const *) run->sections, cancellable,
                               on_sections_stored_cb, g_steal_pointer (&task));
}

/* @generate: 1 or 0, or -1 when unknown. Takes @task. */
static void
keep_offers (GTask *task,
             int    generate)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  JsonArray *sections = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; run->sections[i] != NULL; i++)
    json_array_add_string_element (sections, run->sections[i]);
  g_clear_pointer (&run->offers, json_object_unref);
  run->offers = json_object_new ();
  json_object_set_string_member (run->offers, "server", fc_api_client_get_base_url (self->client));
  json_object_set_string_member (run->offers, "version",
                                 fc_api_client_get_server_software (self->client));
  json_object_set_array_member (run->offers, "sections", sections);
  if (generate >= 0)
    json_object_set_boolean_member (run->offers, "generate", generate);
  run->offers_learned = TRUE;
  self->forget_offers = FALSE;

  node = json_node_init_object (json_node_alloc (), run->offers);
  text = fc_json_to_string (node, FALSE);
  g_debug ("The server offers %s", text);
  fc_store_set_sync_value_async (self->store, STATE_OFFERS, text, g_task_get_cancellable (task),
                                 on_offers_stored_cb, task);
}

static void
on_generate_probed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, &status, NULL, &error);
  if (node == NULL && (is_offline_error (error) ||
                       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))) {
    finish_run (task, g_steal_pointer (&error));
    return;
  }
  /* An empty body fails validation (400) before anything is generated. */
  keep_offers (task, status == 404 ? 0 : status >= 200 && status < 500 ? 1 : -1);
}

static void
on_sections_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  run->sections = fc_api_client_detect_sections_finish (FC_API_CLIENT (source), result, &error);
  if (run->sections == NULL) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  if (has_section (run, "nutrition")) {
    g_autoptr(JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());
    GCancellable *cancellable = g_task_get_cancellable (task);

    fc_api_client_request_async (self->client, "POST", "nutrition/generate/", body, NULL,
                                 FC_API_REQUEST_NONE, cancellable, on_generate_probed_cb,
                                 g_steal_pointer (&task));
    return;
  }
  keep_offers (g_steal_pointer (&task), 0);
}

/* The sections of the offers kept, when they are this server's. */
static char **
kept_sections (FcSyncEngine *self,
               JsonObject   *offers)
{
  JsonArray *array = fc_json_get_array (offers, "sections");
  GPtrArray *names;

  if (array == NULL ||
      g_strcmp0 (fc_json_get_string (offers, "server"),
                 fc_api_client_get_base_url (self->client)) != 0)
    return NULL;
  names = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *element = json_array_get_element (array, i);

    if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
      g_ptr_array_add (names, g_strdup (json_node_get_string (element)));
  }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/* What the store remembers of earlier runs, one key after the other. */
static const char * const state_keys[] = {
  STATE_OFFERS, STATE_CHANGES_CURSOR, STATE_FOODS_PULLED, STATE_TEMPLATES_PULLED,
  STATE_NOTIFICATIONS_PULLED,
};

static void
on_state_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = fc_store_get_sync_value_finish (FC_STORE (source), result, &error);
  gint64 seconds;

  if (error != NULL) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  seconds = value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
  switch (run->state_read++) {
    case 0: {
      g_autoptr(JsonNode) node = value != NULL ? fc_json_parse (value, -1, NULL) : NULL;

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        run->offers = json_node_dup_object (node);
      break;
    }
    case 1:
      run->cursor = g_steal_pointer (&value);
      break;
    case 2:
      run->foods_pulled = seconds;
      break;
    case 3:
      run->templates_pulled = seconds;
      break;
    default:
      run->notifications_pulled = seconds;
      break;
  }
  if (run->state_read < G_N_ELEMENTS (state_keys)) {
    GCancellable *cancellable = g_task_get_cancellable (task);

    fc_store_get_sync_value_async (self->store, state_keys[run->state_read], cancellable,
                                   on_state_read_cb, g_steal_pointer (&task));
    return;
  }
  pull_next (g_steal_pointer (&task));
}

/* The change feed */

static void fetch_changes (GTask      *task,
                           const char *cursor);

static void
on_changes_applied_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean has_more = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "has-more"));

  if (!fc_store_apply_changes_finish (FC_STORE (source), result, &error)) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  if (has_more) {
    fetch_changes (g_steal_pointer (&task), run->cursor);
    return;
  }
  /* Everything that changed is in: no list to pull (list_due()). */
  run->feed_done = TRUE;
  pull_next (g_steal_pointer (&task));
}

static void
on_changes_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *answer;
  JsonArray *changes;
  const char *cursor;
  gboolean reset = FALSE, has_more = FALSE;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL) {
    /* The feed is gone (a server gone back to a version without it): what
     * the server offers is learned again; then everything is pulled, as
     * without one. */
    if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
      if (!run->offers_learned)
        relearn_offers (g_steal_pointer (&task));
      else
        pull_next (g_steal_pointer (&task));
      return;
    }
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  answer = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  cursor = fc_json_get_string (answer, "cursor");
  changes = fc_json_get_array (answer, "changes");
  if (cursor == NULL || *cursor == '\0' || changes == NULL) {
    finish_run (g_steal_pointer (&task),
                g_error_new_literal (FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                                     _("The server sent a change feed without a cursor.")));
    return;
  }
  fc_json_get_boolean (answer, "reset", &reset);
  fc_json_get_boolean (answer, "has_more", &has_more);
  g_free (run->cursor);
  run->cursor = g_strdup (cursor);

  if (reset) {
    /* The cursor first, then every list in full: what changes during the
     * pull comes again with the next sync, never goes missing. */
    g_debug ("Change feed reset: a full pull from cursor %s", cursor);
    run->feed_reset = TRUE;
    run->finish = fc_store_set_sync_value_finish;
    fc_store_set_sync_value_async (self->store, STATE_CHANGES_CURSOR, cursor, cancellable,
                                   on_stored_cb, g_steal_pointer (&task));
    return;
  }
  g_debug ("Change feed: %u changes, cursor %s%s", json_array_get_length (changes), cursor,
           has_more ? ", more" : "");
  g_object_set_data (G_OBJECT (task), "has-more", GUINT_TO_POINTER (has_more));
  fc_store_apply_changes_async (self->store, changes, STATE_CHANGES_CURSOR, cursor, cancellable,
                                on_changes_applied_cb, g_steal_pointer (&task));
}

/* GET changes/?since=@cursor (NULL: none, which the server answers with a
 * reset and its current cursor). Takes @task. */
static void
fetch_changes (GTask      *task,
               const char *cursor)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  g_autofree char *escaped = g_uri_escape_string (cursor != NULL ? cursor : "", NULL, FALSE);
  g_autofree char *path = g_strconcat ("changes/?since=", escaped, NULL);

  fc_api_client_request_async (self->client, "GET", path, NULL, NULL, FC_API_REQUEST_NONE,
                               g_task_get_cancellable (task), on_changes_cb, task);
}

/* Once a run, after an answer: offers learned from another version of the
 * server are learned again. Returns whether it went on doing that (and
 * took @task). */
static gboolean
check_version (GTask *task)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  const char *version = fc_api_client_get_server_software (self->client);

  if (run->offers_learned || run->version_checked || version == NULL)
    return FALSE;
  run->version_checked = TRUE;
  if (g_strcmp0 (version, fc_json_get_string (run->offers, "version")) == 0)
    return FALSE;
  g_debug ("The server is now %s, not %s", version, fc_json_get_string (run->offers, "version"));
  relearn_offers (task);
  return TRUE;
}

static void
pull_next (GTask *task)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint step = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "step"));

  set_step (task, step + 1);
  if (g_cancellable_is_cancelled (cancellable)) {
    finish_run (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The sync was stopped.")));
    return;
  }
  if (step > STEP_SECTIONS && check_version (task))
    return;

  if (step >= STEP_LISTS && step < STEP_PUSH) {
    const PulledList *list = &lists[step - STEP_LISTS];

    set_progress (self, list->progress);
    if (list_due (self, run, list)) {
      pull_list (task, list, step + 1 < STEP_PUSH ? lists[step + 1 - STEP_LISTS].progress
                                                  : PROGRESS_PUSH);
      return;
    }
    pull_next (task);
    return;
  }

  switch (step) {
    case STEP_STATE:
      run->state_read = 0;
      fc_store_get_sync_value_async (self->store, state_keys[0], cancellable, on_state_read_cb,
                                     task);
      return;
    case STEP_SECTIONS:
      g_clear_pointer (&run->sections, g_strfreev);
      if (!run->forced && !self->forget_offers && run->offers != NULL &&
          (run->sections = kept_sections (self, run->offers)) != NULL)
        break;
      fc_api_client_detect_sections_async (self->client, cancellable, on_sections_cb, task);
      return;
    case STEP_CHANGES:
      /* Without a feed (the Django backend) every list is pulled. The
       * user's own request pulls all too, from a new cursor. */
      if (!has_section (run, "changes") || run->feed_done)
        break;
      fetch_changes (task, run->forced ? NULL : run->cursor);
      return;
    case STEP_ACCOUNT:
      set_progress (self, PROGRESS_ACCOUNT);
      if (self->account_known) {
        self->account_known = FALSE;
        break;
      }
      if (run->feed_done)
        break;
      fc_api_client_get_user_async (self->client, cancellable, on_user_cb, task);
      return;
    case STEP_PROFILE:
      if (run->feed_done || !has_section (run, "auth"))
        break;
      fc_api_client_request_async (self->client, "GET", "auth/profile/", NULL, NULL,
                                   FC_API_REQUEST_NONE, cancellable, on_profile_cb, task);
      return;
    default:
      set_progress (self, PROGRESS_PUSH);
      push_next (task);
      return;
  }
  pull_next (task);
}

/* Push */

static void
on_row_settled_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!run->finish (FC_STORE (source), result, &error)) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  refresh_counts (self);
  push_next (g_steal_pointer (&task));
}

/* A failure that is not the write's fault: the row waits (with backoff)
 * and so does everything queued after it. */
static void
on_row_deferred_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *why = g_object_steal_data (G_OBJECT (task), "why");
  g_autoptr(GError) error = NULL;

  if (!fc_store_outbox_defer_finish (FC_STORE (source), result, &error)) {
    g_clear_error (&why);
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  finish_run (g_steal_pointer (&task), why);
}

static char *
problem_message (FcApiProblem *problem,
                 const GError *error)
{
  char *message = problem != NULL ? fc_api_problem_dup_message (problem) : NULL;

  if (message == NULL || *message == '\0') {
    g_free (message);
    message = g_strdup (error->message);
  }
  return message;
}

/* The row waits for the user with @message. Takes @task. */
static void
reject_row (GTask        *task,
            FcOutboxItem *row,
            guint         status,
            const char   *message,
            JsonNode     *fields)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  g_debug ("%s %s rejected (%u): %s", fc_outbox_item_get_method (row),
           fc_outbox_item_get_path (row), status, message);
  g_signal_emit (self, signals[SIGNAL_REJECTED], 0, row);
  run->finish = fc_store_outbox_reject_finish;
  fc_store_outbox_reject_async (self->store, fc_outbox_item_get_id (row), status, message,
                                fields, NULL, on_row_settled_cb, task);
}

/* The local file a profile write uploads: an `img` that is a file:// URL
 * (the profile editor's choice) goes as multipart; `img: null` (clear) and
 * an unchanged server URL stay JSON. */
static GFile *
photo_to_upload (JsonNode *body)
{
  const char *img;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  img = fc_json_get_string (json_node_get_object (body), "img");
  if (img == NULL || !g_str_has_prefix (img, "file://"))
    return NULL;
  return g_file_new_for_uri (img);
}

static void
on_row_sent_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(FcOutboxItem) row = g_steal_pointer (&run->row);
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  if (g_async_result_is_tagged (result, fc_api_client_request_multipart_async))
    response = fc_api_client_request_multipart_finish (FC_API_CLIENT (source), result, &status,
                                                       &problem, &error);
  else
    response = fc_api_client_request_finish (FC_API_CLIENT (source), result, &status, &problem,
                                             &error);
  if (response != NULL) {
    run->pushed++;
    run->finish = fc_store_outbox_complete_finish;
    fc_store_outbox_complete_async (self->store, fc_outbox_item_get_id (row), response, NULL,
                                    on_row_settled_cb, g_steal_pointer (&task));
    return;
  }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    /* The row stays SENDING and goes again, under the same key. */
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }

  /* The file to upload is gone or unreadable (the client's only
   * G_IO_ERROR besides cancellation): nothing was sent, and only the user
   * can fix it, so it waits in the attention list. */
  if (error->domain == G_IO_ERROR) {
    /* Translators: the reason (a sentence naming the file) follows. */
    g_autofree char *message = g_strdup_printf (_("The profile photo was not sent. %s"),
                                                error->message);

    reject_row (g_steal_pointer (&task), row, 0, message, NULL);
    return;
  }

  /* A notification that is gone from the server (deleted on another
   * device): deleting it, or marking it, is done; the stream's deleted
   * event (or the next pull) drops it here. So is deleting anything the
   * server no longer has (a workout another staff member deleted while
   * this one's deletion waited offline). */
  if (status == 404 &&
      (g_strcmp0 (fc_outbox_item_get_resource (row), FC_STORE_NOTIFICATIONS) == 0 ||
       g_strcmp0 (fc_outbox_item_get_method (row), "DELETE") == 0)) {
    run->finish = fc_store_outbox_complete_finish;
    fc_store_outbox_complete_async (self->store, fc_outbox_item_get_id (row), NULL, NULL,
                                    on_row_settled_cb, g_steal_pointer (&task));
    return;
  }

  /* The write's own fault: it waits for the user, the rest goes on. 401
   * is not among them: the client signs the user out, and the row waits
   * for the next sign-in. */
  if (status >= 400 && status < 500 && status != 401 && status != 408 && status != 429) {
    g_autofree char *message = problem_message (problem, error);

    reject_row (g_steal_pointer (&task), row, status, message,
                problem != NULL ? fc_api_problem_get_raw (problem) : NULL);
    return;
  }

  {
    guint delay = backoff_seconds (fc_outbox_item_get_attempts (row) + 1);
    gint64 next = g_get_real_time () + (gint64) delay * G_USEC_PER_SEC;
    g_autofree char *message = problem_message (problem, error);

    schedule_retry (self, delay);
    g_object_set_data_full (G_OBJECT (task), "why", g_steal_pointer (&error),
                            (GDestroyNotify) g_error_free);
    fc_store_outbox_defer_async (self->store, fc_outbox_item_get_id (row), next, message, NULL,
                                 on_row_deferred_cb, g_steal_pointer (&task));
  }
}

/* Health, after the outbox (whose rows hold the edits and deletions of
 * points the server has): the waiting points go up in bulk, and a full
 * run pulls what changed (src/sync/fc-sync-health.c). Only when the
 * server offers health: the Django backend is sent nothing. */

static void
on_health_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint uploaded = 0;

  if (!fc_sync_health_finish (result, &uploaded, &error) &&
      g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
    /* The health routes are gone (another server at this address): what
     * it offers is learned again on the next run. */
    self->forget_offers = TRUE;
    self->health_offered = FALSE;
    g_clear_error (&error);
  }
  run->pushed += uploaded;
  if (error == NULL && (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "health-flags")) &
                        FC_SYNC_HEALTH_GOALS))
    self->health_goals_pulled = now_s (self);
  finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
}

static void
health_step (GTask *task)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  FcSyncHealthFlags flags = FC_SYNC_HEALTH_UPLOAD;

  /* A push run knows the sections of the last full run. */
  if (!run->push_only)
    self->health_offered = has_section (run, "health");
  if (!self->health_offered) {
    finish_run (task, NULL);
    return;
  }
  if (!run->push_only) {
    flags |= FC_SYNC_HEALTH_PULL;
    /* Goals change rarely: once a session, then daily or when asked. */
    if (run->forced || self->health_goals_pulled == 0 ||
        now_s (self) - self->health_goals_pulled >= FRESH_FOR_S)
      flags |= FC_SYNC_HEALTH_GOALS;
  }
  g_object_set_data (G_OBJECT (task), "health-flags", GUINT_TO_POINTER (flags));
  fc_sync_health_async (self->client, self->store, flags, g_task_get_cancellable (task),
                        on_health_done_cb, task);
}

/* The notifications inbox, after the outbox (so that what the user
 * changed offline is on the server first): not in the change feed, so
 * pulled whole into a store that never had it, when the user asks, after
 * a feed reset, and when the stream asks (it missed events: a reset).
 * Between pulls the stream, which resumes from the last event the store
 * kept (across restarts too), keeps it current: a start or an idle sync
 * sends nothing more. */

static void
on_notifications_recorded_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_store_set_sync_value_finish (FC_STORE (source), result, &error)) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }
  health_step (g_steal_pointer (&task));
}

static void
on_notifications_pulled_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!fc_sync_notifications_pull_finish (result, &error)) {
    if (!g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
      finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }
    /* The route is gone (another server at this address). */
    self->forget_offers = TRUE;
  }
  {
    g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, now_s (self));
    GCancellable *cancellable = g_task_get_cancellable (task);

    fc_store_set_sync_value_async (self->store, STATE_NOTIFICATIONS_PULLED, value, cancellable,
                                   on_notifications_recorded_cb, g_steal_pointer (&task));
  }
}

static void
notifications_step (GTask *task)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  if (run->push_only || !has_section (run, "notifications") ||
      !(run->forced || run->feed_reset || self->notifications_asked ||
        run->notifications_pulled == 0)) {
    health_step (task);
    return;
  }
  self->notifications_asked = FALSE;
  fc_sync_notifications_pull_async (self->client, self->store, g_task_get_cancellable (task),
                                    on_notifications_pulled_cb, task);
}

static void
on_row_marked_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GFile) photo = NULL;
  const char *text;

  /* The next row, claimed as it is now (a progress write may have folded
   * newer values into it). A run is itself the retry: a WAITING row is
   * sent now, whatever its next-attempt time (the timer only decides when
   * we try on our own). None left: the run is over. */
  g_clear_object (&run->row);
  run->row = fc_store_outbox_claim_finish (FC_STORE (source), result, &error);
  if (run->row == NULL && error == NULL) {
    notifications_step (g_steal_pointer (&task));
    return;
  }
  if (run->row == NULL) {
    finish_run (g_steal_pointer (&task), g_steal_pointer (&error));
    return;
  }

  text = fc_outbox_item_get_body (run->row);
  if (text != NULL) {
    body = fc_json_parse (text, -1, NULL);
    if (body == NULL)
      g_warning ("Outbox row %" G_GINT64_FORMAT " has a body that is not JSON",
                 fc_outbox_item_get_id (run->row));
  }

  photo = photo_to_upload (body);
  if (photo != NULL) {
    fc_api_client_request_multipart_async (self->client, fc_outbox_item_get_method (run->row),
                                           fc_outbox_item_get_path (run->row),
                                           json_node_get_object (body), "img", photo,
                                           fc_outbox_item_get_idempotency_key (run->row),
                                           FC_API_REQUEST_NONE, cancellable,
                                           on_row_sent_cb, g_steal_pointer (&task));
    return;
  }
  fc_api_client_request_async (self->client, fc_outbox_item_get_method (run->row),
                               fc_outbox_item_get_path (run->row), body,
                               fc_outbox_item_get_idempotency_key (run->row),
                               FC_API_REQUEST_NONE, cancellable,
                               on_row_sent_cb, g_steal_pointer (&task));
}

static void
push_next (GTask *task)
{
  FcSyncEngine *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task))) {
    finish_run (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The sync was stopped.")));
    return;
  }
  /* The store runs its jobs in call order and announces them in that
   * order: every write announced by now is committed before this read.
   * Finding the next row and marking it SENDING are one job: one trip to
   * the store's thread between a write and its request. */
  run->peeked = TRUE;
  run->queued_seen = self->queued_serial;
  fc_store_outbox_claim_async (self->store, 0, g_task_get_cancellable (task), on_row_marked_cb,
                               task);
}

/* Runs */

static void
start_run (FcSyncEngine *self,
           gboolean      push_only,
           gboolean      forced)
{
  GTask *task;
  Run *run;

  g_assert (!self->running);

  self->running = TRUE;
  g_ptr_array_extend_and_steal (self->waiters, g_steal_pointer (&self->next_waiters));
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->run_cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_progress (self, 0.0);
  update_state (self);

  task = g_task_new (self, self->run_cancellable, NULL, NULL);
  g_task_set_source_tag (task, start_run);
  g_debug ("Sync %s run starts%s", push_only ? "push" : "full", forced ? " (asked for)" : "");
  run = g_new0 (Run, 1);
  run->push_only = push_only;
  run->forced = forced;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (!fc_api_client_is_signed_in (self->client)) {
    finish_run (task, g_error_new_literal (FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED,
                                           _("You are signed out.")));
    return;
  }
  if (push_only)
    push_next (task);
  else
    pull_next (task);
}

static gboolean
on_idle_sync_cb (gpointer user_data)
{
  FcSyncEngine *self = user_data;

  self->idle_id = 0;
  if (self->running) {
    self->again = TRUE;
  } else {
    gboolean forced = self->again_forced;

    self->again_forced = FALSE;
    start_run (self, FALSE, forced);
  }
  return G_SOURCE_REMOVE;
}

static gboolean
on_push_cb (gpointer user_data)
{
  FcSyncEngine *self = user_data;

  self->push_id = 0;
  if (self->running)
    self->push_again = TRUE;
  else
    start_run (self, TRUE, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
on_periodic_cb (gpointer user_data)
{
  fc_sync_engine_request_sync (FC_SYNC_ENGINE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
on_network_changed_cb (GNetworkMonitor *monitor,
                       gboolean         available,
                       FcSyncEngine    *self)
{
  gboolean was_available = self->network_available;

  self->network_available = available;
  if (available && (!was_available || self->offline))
    fc_sync_engine_request_sync (self);
}

static void
on_store_changed_cb (FcStore      *store,
                     const char   *resource,
                     FcSyncEngine *self)
{
  refresh_counts (self);
}

static void
schedule_push (FcSyncEngine *self)
{
  if (!self->started || self->push_id != 0)
    return;
  /* An idle at the announcements' own priority: the writes announced in
   * this turn of the main loop go in one push, and a lone write waits
   * neither for the views' redraw (a lower priority) nor for anything else. */
  self->push_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_push_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->push_id),
                            "[fitcore] push");
}

/* A user write committed: push it now, with the writes of the same
 * moment, and pull only after. */
static void
on_store_queued_cb (FcStore      *store,
                    const char   *resource,
                    FcSyncEngine *self)
{
  self->queued_serial++;
  schedule_push (self);
}

/* A user write is on its way to the store's thread: the push's claim
 * queued now runs right after its commit, with no trip back here between
 * them. Its announcement comes before the run's last claim (the one that
 * finds the outbox empty), so it starts no second push. */
static void
on_store_write_submitted_cb (FcStore      *store,
                             FcSyncEngine *self)
{
  schedule_push (self);
}

static void
on_cancel_run_cb (GCancellable *cancellable,
                  FcSyncEngine *self)
{
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

/* Overrides */

static void
fc_sync_engine_dispose (GObject *object)
{
  FcSyncEngine *self = (FcSyncEngine *) object;

  fc_sync_engine_stop (self);
  if (self->store != NULL) {
    g_clear_signal_handler (&self->store_changed_id, self->store);
    g_clear_signal_handler (&self->store_queued_id, self->store);
    g_clear_signal_handler (&self->store_submitted_id, self->store);
  }

  G_OBJECT_CLASS (fc_sync_engine_parent_class)->dispose (object);
}

static void
fc_sync_engine_finalize (GObject *object)
{
  FcSyncEngine *self = (FcSyncEngine *) object;

  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->run_cancellable);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);
  g_free (self->last_error);

  G_OBJECT_CLASS (fc_sync_engine_parent_class)->finalize (object);
}

static void
fc_sync_engine_constructed (GObject *object)
{
  FcSyncEngine *self = (FcSyncEngine *) object;

  G_OBJECT_CLASS (fc_sync_engine_parent_class)->constructed (object);

  g_assert (self->client != NULL && self->store != NULL);
  self->store_changed_id = g_signal_connect (self->store, "changed::" FC_STORE_OUTBOX,
                                             G_CALLBACK (on_store_changed_cb), self);
  self->store_queued_id = g_signal_connect (self->store, "changed::" FC_STORE_OUTBOX_QUEUED,
                                            G_CALLBACK (on_store_queued_cb), self);
  self->store_submitted_id = g_signal_connect (self->store, "write-submitted",
                                               G_CALLBACK (on_store_write_submitted_cb), self);
  refresh_counts (self);
}

static void
fc_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcSyncEngine *self = FC_SYNC_ENGINE (object);

  switch (prop_id) {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_REJECTED_COUNT:
      g_value_set_uint (value, self->rejected);
      break;
    case PROP_LAST_SYNCED:
      g_value_set_int64 (value, self->last_synced);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_sync_engine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FcSyncEngine *self = FC_SYNC_ENGINE (object);

  switch (prop_id) {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_sync_engine_class_init (FcSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fc_sync_engine_constructed;
  object_class->dispose = fc_sync_engine_dispose;
  object_class->finalize = fc_sync_engine_finalize;
  object_class->get_property = fc_sync_engine_get_property;
  object_class->set_property = fc_sync_engine_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, FC_TYPE_API_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* An FcSyncState; a plain uint because the core has no enum types. */
  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, FC_SYNC_STATE_SYNCED, FC_SYNC_STATE_NEEDS_ATTENTION,
                       FC_SYNC_STATE_SYNCED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REJECTED_COUNT] =
    g_param_spec_uint ("rejected-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNCED] =
    g_param_spec_int64 ("last-synced", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_REJECTED] =
    g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, FC_TYPE_OUTBOX_ITEM);
}

static void
fc_sync_engine_init (FcSyncEngine *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->network_available = TRUE;
  self->clock = default_clock;
  self->page_size = PAGE_SIZE_DEFAULT;
}

/* Public API */

FcSyncEngine *
fc_sync_engine_new (FcApiClient *client,
                    FcStore     *store)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (FC_IS_STORE (store), NULL);

  return g_object_new (FC_TYPE_SYNC_ENGINE, "client", client, "store", store, NULL);
}

FcSyncState
fc_sync_engine_get_state (FcSyncEngine *self)
{
  g_return_val_if_fail (FC_IS_SYNC_ENGINE (self), FC_SYNC_STATE_SYNCED);

  return self->state;
}

double
fc_sync_engine_get_progress (FcSyncEngine *self)
{
  g_return_val_if_fail (FC_IS_SYNC_ENGINE (self), 0.0);

  return self->progress;
}

guint
fc_sync_engine_get_pending_count (FcSyncEngine *self)
{
  g_return_val_if_fail (FC_IS_SYNC_ENGINE (self), 0);

  return self->pending;
}

guint
fc_sync_engine_get_rejected_count (FcSyncEngine *self)
{
  g_return_val_if_fail (FC_IS_SYNC_ENGINE (self), 0);

  return self->rejected;
}

gint64
fc_sync_engine_get_last_synced (FcSyncEngine *self)
{
  g_return_val_if_fail (FC_IS_SYNC_ENGINE (self), 0);

  return self->last_synced;
}

const char *
fc_sync_engine_get_last_error (FcSyncEngine *self)
{
  g_return_val_if_fail (FC_IS_SYNC_ENGINE (self), NULL);

  return self->last_error;
}

char *
fc_sync_engine_describe_state (FcSyncEngine *self)
{
  g_return_val_if_fail (FC_IS_SYNC_ENGINE (self), NULL);

  switch (self->state) {
    case FC_SYNC_STATE_SYNCING:
      return g_strdup (_("Syncing…"));
    case FC_SYNC_STATE_OFFLINE:
      if (self->pending == 0)
        return g_strdup (_("Offline"));
      /* Translators: the app cannot reach the server; %u writes wait. */
      return g_strdup_printf (ngettext ("Offline — %u change waiting",
                                        "Offline — %u changes waiting", self->pending),
                              self->pending);
    case FC_SYNC_STATE_PENDING:
      return g_strdup_printf (ngettext ("%u change waiting", "%u changes waiting",
                                        self->pending),
                              self->pending);
    case FC_SYNC_STATE_NEEDS_ATTENTION:
      /* Translators: the server refused %u of the user's changes. */
      return g_strdup_printf (ngettext ("%u change needs attention",
                                        "%u changes need attention", self->rejected),
                              self->rejected);
    case FC_SYNC_STATE_SYNCED:
    default:
      return g_strdup (_("Synced"));
  }
}

void
fc_sync_engine_start (FcSyncEngine *self)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  if (self->started)
    return;
  self->started = TRUE;

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_available = g_network_monitor_get_network_available (self->monitor);
  self->network_changed_id = g_signal_connect (self->monitor, "network-changed",
                                               G_CALLBACK (on_network_changed_cb), self);
  self->periodic_id = g_timeout_add_seconds (PERIODIC_INTERVAL_S, on_periodic_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->periodic_id),
                            "[fitcore] periodic sync");
  fc_sync_engine_request_sync (self);
}

void
fc_sync_engine_stop (FcSyncEngine *self)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  self->started = FALSE;
  self->again = FALSE;
  self->again_forced = FALSE;
  self->push_again = FALSE;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_handle_id (&self->push_id, g_source_remove);
  g_clear_handle_id (&self->pull_after_id, g_source_remove);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->network_changed_id, self->monitor);
  g_clear_object (&self->monitor);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

void
fc_sync_engine_request_sync (FcSyncEngine *self)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  /* Stopped (signed out, or never started): only sync_async() runs. */
  if (!self->started)
    return;
  if (self->running) {
    self->again = TRUE;
    return;
  }
  if (self->idle_id == 0) {
    self->idle_id = g_idle_add (on_idle_sync_cb, self);
    g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->idle_id),
                              "[fitcore] sync");
  }
}

void
fc_sync_engine_sync_async (FcSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_sync_engine_sync_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  /* Cancelling stops the run the caller waits for (and so any other
   * caller's); the handler goes with the engine. */
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_cancel_run_cb), self, 0);

  /* Whatever runs now may have read the store before the caller's last
   * write: the caller gets the run after it. */
  g_ptr_array_add (self->next_waiters, g_steal_pointer (&task));
  if (self->running) {
    self->again = TRUE;
    self->again_forced = TRUE;
  } else {
    g_clear_handle_id (&self->idle_id, g_source_remove);
    self->again_forced = FALSE;
    start_run (self, FALSE, TRUE);
  }
}

void
fc_sync_engine_skip_next_account (FcSyncEngine *self)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  self->account_known = TRUE;
}

void
fc_sync_engine_request_full_sync (FcSyncEngine *self)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  if (!self->started)
    return;
  self->again_forced = TRUE;
  fc_sync_engine_request_sync (self);
}

void
fc_sync_engine_request_notifications_pull (FcSyncEngine *self)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  self->notifications_asked = TRUE;
  fc_sync_engine_request_sync (self);
}

void
fc_sync_engine_forget_offers (FcSyncEngine *self)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  self->forget_offers = TRUE;
  fc_sync_engine_request_sync (self);
}

void
fc_sync_engine_set_clock (FcSyncEngine    *self,
                          FcSyncClockFunc  clock,
                          gpointer         user_data)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));

  self->clock = clock != NULL ? clock : default_clock;
  self->clock_data = clock != NULL ? user_data : NULL;
}

void
fc_sync_engine_set_page_size (FcSyncEngine *self,
                              guint         page_size)
{
  g_return_if_fail (FC_IS_SYNC_ENGINE (self));
  g_return_if_fail (page_size > 0);

  self->page_size = page_size;
}

gboolean
fc_sync_engine_sync_finish (FcSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

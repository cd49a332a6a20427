/* fc-health-page.c — the Health section: an overview of the user's metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-page"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "fc-health-page.h"

#include "fc-health-entry-dialog.h"
#include "fc-health-goals-dialog.h"
#include "fc-health-import-dialog.h"
#include "fc-health-metric-page.h"
#include "fc-health-ui.h"
#include "fc-json.h"
#include "fc-nutrition-ui.h"
#include "fc-settings.h"
#include "fc-store-health.h"
#include "fc-wrap-box.h"

#define SPARK_DAYS 30

/* One card of the overview, kept while its type is on show so a reload
 * updates the labels in place (the focus stays where it was). */
typedef struct {
  char      *data_type;
  GtkWidget *child;          /* the flow box child, which the box owns */
  GtkLabel  *value_label;
  GtkLabel  *when_label;
  GtkLabel  *change_label;
  GtkWidget *sparkline;
  double     spark[SPARK_DAYS];  /* NAN: no data that day */
  gboolean   bars;
} HealthCard;

/* The overview reads only aggregates: one types query, then per type 30
 * daily buckets (the sparkline, today's total) and four or five wide ones
 * (the change over 7 and 30 days), whatever the number of points. A
 * metric's page slides in over it in a leaflet that never unfolds. */
struct _FcHealthPage
{
  AdwBin              parent_instance;

  /* Template widgets */
  AdwToastOverlay    *toast_overlay;
  AdwLeaflet         *leaflet;
  GtkStack           *overview_stack;
  GtkLabel           *pending_label;
  GtkWidget          *today_group;
  AdwActionRow       *steps_row;
  GtkLevelBar        *steps_bar;
  GtkFlowBox         *cards_box;
  FcHealthMetricPage *metric_page;

  /* Owned */
  FcSession          *session;
  FcStore            *store;
  FcSyncEngine       *engine;
  GCancellable       *cancellable;
  GPtrArray          *cards;      /* HealthCard, in the overview's order */
  double              steps_goal;  /* NAN: none */
  double              steps_today; /* NAN: not known (yet) */
  gboolean            has_steps;
  guint               reload_id;
};

G_DEFINE_FINAL_TYPE (FcHealthPage, fc_health_page, ADW_TYPE_BIN)

static void
health_card_free (HealthCard *card)
{
  g_free (card->data_type);
  g_free (card);
}

static HealthCard *
find_card (FcHealthPage *self,
           const char   *data_type)
{
  for (guint i = 0; self->cards != NULL && i < self->cards->len; i++) {
    HealthCard *card = g_ptr_array_index (self->cards, i);

    if (g_str_equal (card->data_type, data_type))
      return card;
  }
  return NULL;
}

/* The card reads as one item to a screen reader: its labels joined. */
static void
health_card_update_label (HealthCard *card)
{
  g_autofree char *label = NULL;

  /* Translators: a health card read aloud: the metric, its latest value,
   * when, and how it changed, e.g. "Weight: 72.5 kg, 5 Dec 2026, 08:30.
   * 7 days: −0.4 kg · 30 days: −1.2 kg". */
  label = g_strdup_printf (_("%s: %s, %s. %s"), fc_health_ui_type_title (card->data_type),
                           gtk_label_get_text (card->value_label),
                           gtk_label_get_text (card->when_label),
                           gtk_label_get_text (card->change_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (card->child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/* The last 30 local days, one point per day: the average for levels, the
 * day's sum as a bar for amounts. Decorative: the card's label says what
 * matters and the metric's page has the chart and its table. */
static void
draw_sparkline (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  HealthCard *card = user_data;
  GdkRGBA color;
  double low = INFINITY;
  double high = -INFINITY;
  double step = (double) width / SPARK_DAYS;
  gboolean started = FALSE;

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (GTK_WIDGET (area), &color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
#endif

  for (guint i = 0; i < SPARK_DAYS; i++) {
    if (isnan (card->spark[i]))
      continue;
    low = MIN (low, card->spark[i]);
    high = MAX (high, card->spark[i]);
  }
  if (!isfinite (low))
    return;

  gdk_cairo_set_source_rgba (cr, &color);
  if (card->bars) {
    high = MAX (high, 1.0);
    for (guint i = 0; i < SPARK_DAYS; i++) {
      double h;

      if (isnan (card->spark[i]))
        continue;
      h = MAX (1.0, card->spark[i] / high * (height - 2));
      cairo_rectangle (cr, i * step + 1, height - h, MAX (1.0, step - 2), h);
    }
    cairo_fill (cr);
    return;
  }

  /* A single day is a dot: a line needs two. */
  {
    guint n = 0;

    for (guint i = 0; i < SPARK_DAYS; i++)
      n += !isnan (card->spark[i]);
    if (n == 1) {
      for (guint i = 0; i < SPARK_DAYS; i++) {
        if (!isnan (card->spark[i]))
          cairo_arc (cr, i * step + step / 2, height / 2.0, 3.0, 0, 2 * G_PI);
      }
      cairo_fill (cr);
      return;
    }
  }

  /* A flat line sits in the middle rather than on the floor. */
  if (high - low < 1e-9) {
    low -= 1.0;
    high += 1.0;
  }
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < SPARK_DAYS; i++) {
    double x, y;

    if (isnan (card->spark[i]))
      continue;
    x = i * step + step / 2;
    y = 2 + (high - card->spark[i]) / (high - low) * (height - 4);
    if (!started)
      cairo_move_to (cr, x, y);
    else
      cairo_line_to (cr, x, y);
    started = TRUE;
  }
  cairo_stroke (cr);
}

static GtkWidget *
add_label (GtkBox     *box,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return label;
}

static HealthCard *
health_card_new (const char *data_type)
{
  HealthCard *card = g_new0 (HealthCard, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title;

  card->data_type = g_strdup (data_type);
  card->bars = fc_health_ui_chart_kind (data_type) == FC_CHART_BARS;
  for (guint i = 0; i < SPARK_DAYS; i++)
    card->spark[i] = NAN;

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "health-card");
  title = add_label (GTK_BOX (box), "heading");
  gtk_label_set_text (GTK_LABEL (title), fc_health_ui_type_title (data_type));
  card->value_label = GTK_LABEL (add_label (GTK_BOX (box), "health-value"));
  card->when_label = GTK_LABEL (add_label (GTK_BOX (box), "dim-label"));
  gtk_widget_add_css_class (GTK_WIDGET (card->when_label), "caption");
  card->change_label = GTK_LABEL (add_label (GTK_BOX (box), "health-change"));
  gtk_widget_add_css_class (GTK_WIDGET (card->change_label), "caption");
  /* The average and both changes are the card's point: on a second line
   * in a narrow window rather than cut off. */
  gtk_label_set_ellipsize (card->change_label, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (card->change_label, TRUE);
  gtk_label_set_wrap_mode (card->change_label, PANGO_WRAP_WORD_CHAR);

  card->sparkline = g_object_new (GTK_TYPE_DRAWING_AREA,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  "content-height", 36,
                                  "hexpand", TRUE,
                                  NULL);
  gtk_widget_add_css_class (card->sparkline, "health-sparkline");
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (card->sparkline), draw_sparkline, card, NULL);
  gtk_box_append (GTK_BOX (box), card->sparkline);

  card->child = gtk_flow_box_child_new ();
  gtk_widget_set_name (card->child, data_type);
  gtk_widget_set_tooltip_text (card->child, _("Show the chart and the measurements"));
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (card->child), box);
  health_card_update_label (card);
  return card;
}

/* Per-request data: the page is held until the answer, which checks for
 * cancellation before it looks at anything else. */
typedef struct {
  FcHealthPage *self;
  char         *data_type;
  gint64        latest_at;
  double        latest;
} CardRequest;

static void
card_request_free (CardRequest *request)
{
  g_object_unref (request->self);
  g_free (request->data_type);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardRequest, card_request_free)

static CardRequest *
card_request_new (FcHealthPage *self,
                  const char   *data_type)
{
  CardRequest *request = g_new0 (CardRequest, 1);

  request->self = g_object_ref (self);
  request->data_type = g_strdup (data_type);
  return request;
}

/* A card's bucket answer: the buckets and the card they are for, or NULL
 * when the read was cancelled, failed (said in the log) or the card has
 * gone meanwhile. */
static GArray *
card_buckets_finish (CardRequest   *request,
                     GObject       *store,
                     GAsyncResult  *result,
                     const char    *what,
                     HealthCard   **out_card)
{
  g_autoptr(GArray) buckets = NULL;
  g_autoptr(GError) error = NULL;

  buckets = fc_store_health_buckets_finish (FC_STORE (store), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  if (buckets == NULL) {
    g_warning ("Cannot read %s's %s: %s", request->data_type, what, error->message);
    return NULL;
  }
  *out_card = find_card (request->self, request->data_type);
  return *out_card != NULL ? g_steal_pointer (&buckets) : NULL;
}

static void
fc_health_page_update_steps (FcHealthPage *self)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *today = NULL;
  double steps = isnan (self->steps_today) ? 0.0 : self->steps_today;

  gtk_widget_set_visible (self->today_group, self->has_steps || !isnan (self->steps_goal));
  today = fc_health_ui_format ("steps", steps);
  if (!isnan (self->steps_goal) && self->steps_goal > 0) {
    g_autofree char *goal = fc_health_ui_format ("steps", self->steps_goal);

    /* Translators: today's steps against the daily goal, e.g.
     * "6,240 steps of 10,000 steps". */
    subtitle = g_strdup_printf (_("%s of %s"), today, goal);
    gtk_level_bar_set_value (self->steps_bar, MIN (1.0, steps / self->steps_goal));
    gtk_widget_set_visible (GTK_WIDGET (self->steps_bar), TRUE);
  } else {
    /* Translators: today's steps when no daily goal is set. */
    subtitle = g_strdup_printf (_("%s, no daily goal set"), today);
    gtk_widget_set_visible (GTK_WIDGET (self->steps_bar), FALSE);
  }
  adw_action_row_set_subtitle (self->steps_row, subtitle);
}

static void
spark_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CardRequest) request = user_data;
  FcHealthPage *self = request->self;
  HealthCard *card = NULL;
  g_autoptr(GArray) buckets = card_buckets_finish (request, object, result, "last days", &card);

  if (buckets == NULL)
    return;

  for (guint i = 0; i < SPARK_DAYS && i < buckets->len; i++) {
    FcHealthBucket *bucket = &g_array_index (buckets, FcHealthBucket, i);

    card->spark[i] = bucket->count == 0 ? NAN : card->bars ? bucket->sum : bucket->avg;
  }
  gtk_widget_queue_draw (card->sparkline);

  /* Amounts show today's total rather than the last sample of it. */
  if (card->bars) {
    double today = isnan (card->spark[SPARK_DAYS - 1]) ? 0.0 : card->spark[SPARK_DAYS - 1];
    g_autofree char *value = fc_health_ui_format (card->data_type, today);

    gtk_label_set_text (card->value_label, value);
    gtk_label_set_text (card->when_label, _("Today"));
    health_card_update_label (card);
    if (g_str_equal (card->data_type, "steps")) {
      self->steps_today = today;
      fc_health_page_update_steps (self);
    }
  }
}

static double
bucket_last (GArray *buckets,
             guint   up_to)
{
  /* The latest value at or before the end of bucket @up_to. */
  for (int i = (int) up_to; i >= 0; i--) {
    FcHealthBucket *bucket = &g_array_index (buckets, FcHealthBucket, i);

    if (bucket->count > 0)
      return bucket->last;
  }
  return NAN;
}

static void
change_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CardRequest) request = user_data;
  HealthCard *card = NULL;
  g_autoptr(GArray) buckets = card_buckets_finish (request, object, result, "changes", &card);
  g_autofree char *week = NULL;
  g_autofree char *month = NULL;
  g_autofree char *text = NULL;

  if (buckets == NULL)
    return;

  if (card->bars && buckets->len == 4) {
    /* [-60, -30) [-30, -14) [-14, -7) [-7, today]: daily averages. */
    FcHealthBucket *b = (FcHealthBucket *) buckets->data;
    double last7 = b[3].sum / 7.0;
    double prev7 = b[2].sum / 7.0;
    double last30 = (b[1].sum + b[2].sum + b[3].sum) / 30.0;
    double prev30 = b[0].sum / 30.0;
    g_autofree char *average = fc_health_ui_format (card->data_type, last7);
    g_autofree char *c7 = fc_health_ui_format_change (card->data_type, last7 - prev7);
    g_autofree char *c30 = fc_health_ui_format_change (card->data_type, last30 - prev30);

    /* Translators: the daily average of the last 7 days, and how the
     * averages of the last 7 and 30 days changed from the periods before. */
    text = g_strdup_printf (_("%s a day · 7 days: %s · 30 days: %s"), average, c7, c30);
  } else if (!card->bars && buckets->len == 3) {
    /* [first, -30) [-30, -7) [-7, now]: the value as it was then. */
    double then30 = bucket_last (buckets, 0);
    double then7 = bucket_last (buckets, 1);

    week = isnan (then7) ? g_strdup ("—")
                         : fc_health_ui_format_change (card->data_type, request->latest - then7);
    month = isnan (then30) ? g_strdup ("—")
                           : fc_health_ui_format_change (card->data_type, request->latest - then30);
    /* Translators: how a level changed over the last 7 and 30 days. */
    text = g_strdup_printf (_("7 days: %s · 30 days: %s"), week, month);
  } else {
    return;
  }
  gtk_label_set_text (card->change_label, text);
  health_card_update_label (card);
}

static void
fc_health_page_load_card (FcHealthPage              *self,
                          const FcHealthTypeSummary *summary)
{
  HealthCard *card = find_card (self, summary->data_type);
  gint64 now = fc_health_ui_now ();
  gint64 spark_edges[SPARK_DAYS + 1];
  CardRequest *request;

  g_assert (card != NULL);

  if (!card->bars) {
    g_autofree char *value = fc_health_ui_format (summary->data_type, summary->last);
    g_autofree char *when = fc_health_ui_format_time (summary->last_at);

    gtk_label_set_text (card->value_label, value);
    gtk_label_set_text (card->when_label, when);
    health_card_update_label (card);
  }

  for (int i = 0; i <= SPARK_DAYS; i++)
    spark_edges[i] = fc_health_ui_day_start (now, i - SPARK_DAYS + 1);
  fc_store_health_buckets_async (self->store, summary->data_type, spark_edges, SPARK_DAYS + 1,
                                 self->cancellable, spark_loaded_cb,
                                 card_request_new (self, summary->data_type));

  request = card_request_new (self, summary->data_type);
  request->latest = summary->last;
  request->latest_at = summary->last_at;
  if (card->bars) {
    gint64 edges[5] = {
      fc_health_ui_day_start (now, -59), fc_health_ui_day_start (now, -29),
      fc_health_ui_day_start (now, -13), fc_health_ui_day_start (now, -6),
      fc_health_ui_day_start (now, 1),
    };

    fc_store_health_buckets_async (self->store, summary->data_type, edges, G_N_ELEMENTS (edges),
                                   self->cancellable, change_loaded_cb, request);
  } else {
    gint64 t30 = now - 30 * G_TIME_SPAN_DAY / G_USEC_PER_SEC;
    gint64 t7 = now - 7 * G_TIME_SPAN_DAY / G_USEC_PER_SEC;
    gint64 edges[4] = { MIN (summary->first_at, t30 - 1), t30, t7,
                        MAX (now, summary->last_at) + 1 };

    fc_store_health_buckets_async (self->store, summary->data_type, edges, G_N_ELEMENTS (edges),
                                   self->cancellable, change_loaded_cb, request);
  }
}

static guint
type_order (const char *data_type)
{
  const FcHealthTypeInfo *infos = fc_health_type_infos ();
  guint i;

  for (i = 0; infos[i].name != NULL; i++) {
    if (g_str_equal (infos[i].name, data_type))
      return i;
  }
  return i;
}

static int
compare_summaries (gconstpointer a,
                   gconstpointer b)
{
  const FcHealthTypeSummary *sa = *(FcHealthTypeSummary * const *) a;
  const FcHealthTypeSummary *sb = *(FcHealthTypeSummary * const *) b;
  guint oa = type_order (sa->data_type);
  guint ob = type_order (sb->data_type);

  return oa != ob ? (oa < ob ? -1 : 1) : g_strcmp0 (sa->data_type, sb->data_type);
}

static void
types_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcHealthPage) self = user_data;
  g_autoptr(GPtrArray) types = NULL;
  g_autoptr(GError) error = NULL;
  gboolean same = TRUE;

  types = fc_store_health_types_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (types == NULL) {
    g_warning ("Cannot read the health types: %s", error->message);
    return;
  }
  g_ptr_array_sort (types, compare_summaries);

  /* The same types as shown: update the cards in place, so the focus and
   * the scroll position stay. */
  same = types->len == self->cards->len;
  for (guint i = 0; same && i < types->len; i++) {
    FcHealthTypeSummary *summary = g_ptr_array_index (types, i);
    HealthCard *card = g_ptr_array_index (self->cards, i);

    same = g_str_equal (summary->data_type, card->data_type);
  }
  if (!same) {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box))) != NULL)
      gtk_flow_box_remove (self->cards_box, child);
    g_ptr_array_set_size (self->cards, 0);
    for (guint i = 0; i < types->len; i++) {
      FcHealthTypeSummary *summary = g_ptr_array_index (types, i);
      HealthCard *card = health_card_new (summary->data_type);

      g_ptr_array_add (self->cards, card);
      gtk_flow_box_append (self->cards_box, card->child);
    }
  }

  self->has_steps = find_card (self, "steps") != NULL;
  if (!self->has_steps)
    self->steps_today = NAN;
  for (guint i = 0; i < types->len; i++)
    fc_health_page_load_card (self, g_ptr_array_index (types, i));

  fc_health_page_update_steps (self);
  gtk_stack_set_visible_child_name (self->overview_stack, types->len > 0 ? "cards" : "empty");
}

static void
goals_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcHealthPage) self = user_data;
  g_autoptr(JsonObject) goals = NULL;
  g_autoptr(GError) error = NULL;
  double steps;

  goals = fc_store_health_get_goals_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_warning ("Cannot read the health goals: %s", error->message);
  self->steps_goal = goals != NULL && fc_json_get_double (goals, "daily_steps", &steps) ? steps
                                                                                      : NAN;
  fc_health_page_update_steps (self);
}

static void
pending_counted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcHealthPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 pending;

  pending = fc_store_health_count_pending_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL) {
    g_warning ("Cannot count the measurements waiting for upload: %s", error->message);
    return;
  }
  if (pending > 0) {
    gboolean offline = self->engine == NULL ||
                       fc_sync_engine_get_state (self->engine) == FC_SYNC_STATE_OFFLINE;

    text = g_strdup_printf (offline
                            /* Translators: measurements kept here while the server cannot be reached. */
                            ? g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " measurement will sync when online",
                                           "%" PRIu64 " measurements will sync when online",
                                           pending)
                            : g_dngettext (GETTEXT_PACKAGE,
                                           "%" PRIu64 " measurement is syncing…",
                                           "%" PRIu64 " measurements are syncing…",
                                           pending),
                            pending);
    gtk_label_set_text (self->pending_label, text);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), pending > 0);
}

static void
fc_health_page_reload (FcHealthPage *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  fc_store_health_types_async (self->store, self->cancellable, types_loaded_cb,
                               g_object_ref (self));
  fc_store_health_get_goals_async (self->store, self->cancellable, goals_loaded_cb,
                                   g_object_ref (self));
  fc_store_health_count_pending_async (self->store, self->cancellable, pending_counted_cb,
                                       g_object_ref (self));
}

static gboolean
reload_cb (gpointer user_data)
{
  FcHealthPage *self = user_data;

  self->reload_id = 0;
  fc_health_page_reload (self);
  return G_SOURCE_REMOVE;
}

/* An import commits a batch at a time and each commit says "changed":
 * one reload after a quiet moment answers a burst of them. */
static void
fc_health_page_queue_reload (FcHealthPage *self)
{
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (250, reload_cb, self);
}

static void
on_engine_state_cb (FcHealthPage *self)
{
  if (self->store != NULL)
    fc_store_health_count_pending_async (self->store, self->cancellable, pending_counted_cb,
                                         g_object_ref (self));
}

static void
on_session_store_changed_cb (FcHealthPage *self)
{
  FcStore *store = self->session != NULL ? fc_session_get_store (self->session) : NULL;
  FcSyncEngine *engine = self->session != NULL ? fc_session_get_sync_engine (self->session) : NULL;

  if (self->engine != engine) {
    if (self->engine != NULL)
      g_signal_handlers_disconnect_by_data (self->engine, self);
    g_set_object (&self->engine, engine);
    if (engine != NULL)
      g_signal_connect_object (engine, "notify::state", G_CALLBACK (on_engine_state_cb), self,
                               G_CONNECT_SWAPPED);
  }
  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL) {
    g_signal_connect_object (store, "changed::" FC_STORE_HEALTH,
                             G_CALLBACK (fc_health_page_queue_reload), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (store, "changed::" FC_STORE_HEALTH_GOALS,
                             G_CALLBACK (fc_health_page_queue_reload), self, G_CONNECT_SWAPPED);
  }

  /* Another account's cards must not linger while its store is read. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box))) != NULL)
      gtk_flow_box_remove (self->cards_box, child);
    g_ptr_array_set_size (self->cards, 0);
    self->steps_goal = NAN;
    self->steps_today = NAN;
    self->has_steps = FALSE;
    gtk_stack_set_visible_child_name (self->overview_stack, "empty");
    adw_leaflet_set_visible_child_name (self->leaflet, "overview");
    fc_health_metric_page_set_data_type (self->metric_page, NULL);
  }
  fc_health_page_reload (self);
}

static void
on_cards_box_child_activated_cb (FcHealthPage    *self,
                                 GtkFlowBoxChild *child)
{
  fc_health_metric_page_set_data_type (self->metric_page, gtk_widget_get_name (GTK_WIDGET (child)));
  adw_leaflet_set_visible_child_name (self->leaflet, "metric");
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcHealthPage *self = FC_HEALTH_PAGE (widget);
  const char *shown = fc_health_metric_page_get_data_type (self->metric_page);
  HealthCard *card = shown != NULL ? find_card (self, shown) : NULL;

  adw_leaflet_set_visible_child_name (self->leaflet, "overview");
  /* Back where the person left: on the card they opened. */
  if (card != NULL)
    gtk_widget_grab_focus (card->child);
}

static void
on_entry_saved_cb (FcHealthPage *self,
                   gint64        local_id,
                   const char   *data_type,
                   gint64        recorded_at)
{
  if (self->session != NULL)
    fc_health_ui_show_saved (self->toast_overlay, self->session, local_id, data_type, recorded_at);
}

static GtkWindow *
get_window (FcHealthPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
fc_health_page_add (FcHealthPage *self)
{
  const char *data_type = NULL;
  GtkWidget *dialog;

  if (self->session == NULL || self->store == NULL)
    return;
  /* On a metric's page, a new measurement is most likely one more of it. */
  if (g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "metric") == 0)
    data_type = fc_health_metric_page_get_data_type (self->metric_page);
  dialog = fc_health_entry_dialog_new (get_window (self), self->session, data_type, NULL);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_entry_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fc_health_page_import (FcHealthPage *self)
{
  if (self->session == NULL || self->store == NULL)
    return;
  gtk_window_present (GTK_WINDOW (fc_health_import_dialog_new (get_window (self), self->session)));
}

static void
goals_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FcHealthPage *self = FC_HEALTH_PAGE (widget);

  if (self->session == NULL || self->store == NULL)
    return;
  gtk_window_present (GTK_WINDOW (fc_health_goals_dialog_new (get_window (self), self->session)));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  fc_health_page_add (FC_HEALTH_PAGE (widget));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fc_health_page_import (FC_HEALTH_PAGE (widget));
}

static gboolean
add_shortcut_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  fc_health_page_add (FC_HEALTH_PAGE (widget));
  return TRUE;
}

static gboolean
import_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  fc_health_page_import (FC_HEALTH_PAGE (widget));
  return TRUE;
}

static void
on_units_changed_cb (FcHealthPage *self)
{
  fc_health_page_reload (self);
}

static void
fc_health_page_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fc_health_page_parent_class)->realize (widget);
  fc_health_ui_ensure_css (widget);
}

static void
fc_health_page_dispose (GObject *object)
{
  FcHealthPage *self = FC_HEALTH_PAGE (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->session);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_HEALTH_PAGE);
  g_clear_pointer (&self->cards, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_health_page_parent_class)->dispose (object);
}

static void
fc_health_page_class_init (FcHealthPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_health_page_dispose;
  widget_class->realize = fc_health_page_realize;

  g_type_ensure (FC_TYPE_HEALTH_METRIC_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/health/fc-health-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, overview_stack);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, today_group);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, steps_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, steps_bar);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, cards_box);
  gtk_widget_class_bind_template_child (widget_class, FcHealthPage, metric_page);
  gtk_widget_class_bind_template_callback (widget_class, on_cards_box_child_activated_cb);

  gtk_widget_class_install_action (widget_class, "health.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "health.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "health.goals", NULL, goals_action);
  gtk_widget_class_install_action (widget_class, "health.back", NULL, back_action);
}

static void
fc_health_page_init (FcHealthPage *self)
{
  g_type_ensure (FC_TYPE_WRAP_BOX);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cards = g_ptr_array_new_with_free_func ((GDestroyNotify) health_card_free);
  self->steps_goal = NAN;
  self->steps_today = NAN;
  fc_health_metric_page_set_toast_overlay (self->metric_page, self->toast_overlay);

  fc_nutrition_add_shortcut (GTK_WIDGET (self), "<Control>n", add_shortcut_cb);
  fc_nutrition_add_shortcut (GTK_WIDGET (self), "<Control>i", import_shortcut_cb);
  g_signal_connect_object (fc_settings_get_default (), "changed::" FC_SETTINGS_HEALTH_UNITS,
                           G_CALLBACK (on_units_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->overview_stack, "empty");
}

GtkWidget *
fc_health_page_new (void)
{
  return g_object_new (FC_TYPE_HEALTH_PAGE, NULL);
}

void
fc_health_page_set_session (FcHealthPage *self,
                            FcSession    *session)
{
  g_return_if_fail (FC_IS_HEALTH_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  fc_health_metric_page_set_session (self->metric_page, session);
  if (session != NULL) {
    g_signal_connect_object (session, "notify::store",
                             G_CALLBACK (on_session_store_changed_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (session, "notify::sync-engine",
                             G_CALLBACK (on_session_store_changed_cb), self, G_CONNECT_SWAPPED);
  }
  on_session_store_changed_cb (self);
}

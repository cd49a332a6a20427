/* fc-premium-page.c — FitCore Premium: plans, checkout in the browser, the subscription
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing is bought in the app: Subscribe asks the server for a Stripe
 * Checkout URL and opens it in the system browser (under Flatpak
 * gtk_show_uri_full() goes through the OpenURI portal). Access follows
 * Stripe's webhooks on the server, so while this window is open it looks
 * at the subscription every few seconds; when access opens or closes it
 * asks the sync engine for a full pull, which brings the workouts with
 * their videos' "locked" as the server now says, and the Workouts section
 * unlocks without a restart.
 */

#define G_LOG_DOMAIN "fc-premium"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-premium-page.h"

#include "fc-json.h"
#include "fc-payments-service.h"

struct _FcPremiumPage
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  GtkBox            *banner_slot;
  GtkStack          *stack;
  GtkLabel          *headline_label;
  AdwActionRow      *status_row;
  GtkSpinner        *waiting_spinner;
  AdwActionRow      *date_row;
  GtkWidget         *portal_button;
  GtkWidget         *cancel_button;
  GtkWidget         *plans_group;
  GtkListBox        *plans_list;
  GtkWidget         *history_group;
  GtkListBox        *history_list;

  /* Owned */
  FcSession         *session;
  FcPaymentsService *service;
  GCancellable      *cancellable;
  JsonObject        *subscription;   /* the last one shown */
  GtkWidget         *banner;
  guint              poll_id;

  int                access;         /* -1 unknown, else the last has_active_access seen */
  gboolean           have_plans;
  gboolean           have_history;
  gboolean           polling;        /* a subscription request is out */
  gboolean           waiting;        /* a checkout is open in the browser */
  gboolean           offline;
  gboolean           unavailable;
};

G_DEFINE_FINAL_TYPE (FcPremiumPage, fc_premium_page, ADW_TYPE_WINDOW)

static void refresh (FcPremiumPage *self);

static void
toast (FcPremiumPage *self,
       const char    *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A button named by its text: GTK 4.8 joins a button's accessible label
 * to its label's text ("Subscribe Subscribe"), so it has none. */
static GtkWidget *
text_button (const char *mnemonic)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), button);
  gtk_button_set_child (GTK_BUTTON (button), label);
  return button;
}

/* "$9.99", "€149.00", "CHF 9.99": @amount in minor units. */
static char *
format_money (gint64      amount,
              const char *currency)
{
  static const struct { const char *code, *symbol; } symbols[] = {
    { "usd", "$" }, { "eur", "€" }, { "gbp", "£" },
  };
  g_autofree char *code = g_ascii_strdown (currency != NULL ? currency : "", -1);
  g_autofree char *number = NULL;

  /* Stripe's zero-decimal currencies that a server could be set up with. */
  if (g_str_equal (code, "jpy") || g_str_equal (code, "krw"))
    number = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  else
    number = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", amount / 100, (int) ABS (amount % 100));

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++) {
    if (g_str_equal (code, symbols[i].code))
      return g_strconcat (symbols[i].symbol, number, NULL);
  }
  {
    g_autofree char *upper = g_ascii_strup (code, -1);

    return g_strdup_printf ("%s %s", upper, number);
  }
}

/* An ISO 8601 instant of the server as a local date ("December 5, 2026"),
 * or NULL. */
static char *
format_date (const char *iso)
{
  g_autoptr(GDateTime) utc = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  /* Translators: a date, see g_date_time_format() */
  return g_date_time_format (local, _("%B %-d, %Y"));
}

static gboolean
has_access (JsonObject *subscription)
{
  gboolean access = FALSE;

  return subscription != NULL && fc_json_get_boolean (subscription, "has_active_access", &access) &&
         access;
}

static void
show_banner (FcPremiumPage *self,
             gboolean       past_due)
{
  const char *text = _("Your last payment failed. Update your card to keep Premium.");

  if (self->banner == NULL) {
#if ADW_CHECK_VERSION (1, 3, 0)
    self->banner = adw_banner_new (text);
    adw_banner_set_button_label (ADW_BANNER (self->banner), _("_Update Card"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->banner), "premium.portal");
#else
    /* libadwaita 1.2 has no AdwBanner: a bar of the same look. */
    GtkWidget *label = gtk_label_new (text);
    GtkWidget *button = text_button (_("_Update Card"));

    self->banner = g_object_new (GTK_TYPE_BOX, "spacing", 12,
                                 "accessible-role", GTK_ACCESSIBLE_ROLE_ALERT, NULL);
    gtk_widget_add_css_class (self->banner, "premium-banner");
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_widget_set_hexpand (label, TRUE);
    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "premium.portal");
    gtk_box_append (GTK_BOX (self->banner), label);
    gtk_box_append (GTK_BOX (self->banner), button);
#endif
    gtk_box_append (self->banner_slot, self->banner);
  }
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_banner_set_revealed (ADW_BANNER (self->banner), past_due);
#else
  gtk_widget_set_visible (self->banner, past_due);
#endif
}

/* The plans can be bought unless the subscription already runs (or a
 * failed payment has to be fixed in the portal first). */
static gboolean
may_buy (JsonObject *subscription)
{
  const char *status = subscription != NULL ? fc_json_get_string (subscription, "status") : NULL;

  return status == NULL || g_str_equal (status, "INACTIVE") ||
         (g_str_equal (status, "CANCELLED") && !has_access (subscription));
}

static void
show_subscription (FcPremiumPage *self)
{
  JsonObject *sub = self->subscription;
  const char *status = sub != NULL ? fc_json_get_string (sub, "status") : NULL;
  const char *plan = sub != NULL ? fc_json_get_string (sub, "plan") : NULL;
  const char *end = sub != NULL ? fc_json_get_string (sub, "end_date") : NULL;
  g_autofree char *end_text = format_date (end);
  gboolean access = has_access (sub);
  gboolean lifetime = g_strcmp0 (plan, "LIFETIME") == 0;
  const char *subtitle;

  if (g_strcmp0 (status, "ACTIVE") == 0)
    subtitle = _("Active");
  else if (g_strcmp0 (status, "CANCELLED") == 0)
    subtitle = _("Cancelled");
  else if (g_strcmp0 (status, "PAST_DUE") == 0)
    subtitle = _("Payment Failed");
  else
    subtitle = _("Not Subscribed");

  if (self->waiting && !access)
    subtitle = _("Waiting for the payment in your browser…");
  if (self->offline) {
    g_autofree char *text = g_strdup_printf (_("%s (last known, offline)"), subtitle);

    adw_action_row_set_subtitle (self->status_row, text);
  } else {
    adw_action_row_set_subtitle (self->status_row, subtitle);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_spinner), self->waiting && !access);
  gtk_spinner_set_spinning (self->waiting_spinner, self->waiting && !access);

  if (access && lifetime)
    gtk_label_set_text (self->headline_label, _("You Have Premium for Life"));
  else if (access)
    gtk_label_set_text (self->headline_label, _("You Have Premium"));
  else if (g_strcmp0 (status, "PAST_DUE") == 0)
    gtk_label_set_text (self->headline_label, _("Premium Is Paused"));
  else
    gtk_label_set_text (self->headline_label, _("Get FitCore Premium"));

  gtk_widget_set_visible (GTK_WIDGET (self->date_row), end_text != NULL && !lifetime);
  if (end_text != NULL) {
    gboolean renews = g_strcmp0 (status, "ACTIVE") == 0 || g_strcmp0 (status, "PAST_DUE") == 0;

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->date_row),
                                   renews ? _("Renews On")
                                          : access ? _("Premium Until") : _("Ended On"));
    adw_action_row_set_subtitle (self->date_row, end_text);
  }

  /* Only a monthly plan that still renews can be cancelled. */
  gtk_widget_set_visible (self->cancel_button, !lifetime && !self->offline &&
                          (g_strcmp0 (status, "ACTIVE") == 0 || g_strcmp0 (status, "PAST_DUE") == 0));
  gtk_widget_set_visible (self->portal_button, !self->offline && sub != NULL &&
                          fc_json_get_string (sub, "plan") != NULL && !lifetime);
  gtk_widget_set_visible (self->plans_group, self->have_plans && may_buy (sub));
  show_banner (self, g_strcmp0 (status, "PAST_DUE") == 0);
}

static const char *
kind_title (const char *kind)
{
  if (g_strcmp0 (kind, "payment") == 0)
    return _("Payment");
  if (g_strcmp0 (kind, "refund") == 0)
    return _("Refund");
  if (g_strcmp0 (kind, "failure") == 0)
    return _("Failed Payment");
  if (g_strcmp0 (kind, "grant") == 0)
    return _("Granted by Staff");
  if (g_strcmp0 (kind, "revoke") == 0)
    return _("Revoked by Staff");
  return kind != NULL ? kind : _("Entry");
}

static void
on_transactions_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  guint n;

  rows = fc_payments_service_transactions_finish (FC_PAYMENTS_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (rows == NULL) {
    /* The status is what matters; the history waits for the next change. */
    g_debug ("No payment history: %s", error->message);
    return;
  }

  self->have_history = TRUE;
  clear_list (self->history_list);
  n = json_array_get_length (rows);
  for (guint i = 0; i < n; i++) {
    JsonObject *row = json_array_get_object_element (rows, i);
    const char *kind;
    gint64 amount = 0;
    g_autofree char *title = NULL;
    g_autofree char *date = NULL;
    g_autofree char *money = NULL;
    GtkWidget *widget;

    if (row == NULL)
      continue;
    kind = fc_json_get_string (row, "kind");
    fc_json_get_int (row, "amount", &amount);
    date = format_date (fc_json_get_string (row, "created_at"));
    widget = adw_action_row_new ();
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (widget), FALSE);
    if (amount != 0) {
      money = format_money (amount, fc_json_get_string (row, "currency"));
      /* Translators: a payment history entry: what happened and the amount */
      title = g_strdup_printf (_("%s · %s"), kind_title (kind), money);
    }
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget),
                                   title != NULL ? title : kind_title (kind));
    if (date != NULL)
      adw_action_row_set_subtitle (ADW_ACTION_ROW (widget), date);
    gtk_list_box_append (self->history_list, widget);
  }
  gtk_widget_set_visible (self->history_group, n > 0);
}

static void
on_subscription_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sub = NULL;
  const char *old_stamp, *new_stamp;
  gboolean changed;
  int access;

  sub = fc_payments_service_subscription_finish (FC_PAYMENTS_SERVICE (source), result, &error);
  self->polling = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (sub == NULL) {
    gboolean network = g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NETWORK) ||
                       g_error_matches (error, FC_API_ERROR, FC_API_ERROR_TIMEOUT);

    if (network && !self->offline) {
      self->offline = TRUE;
      show_subscription (self);
      toast (self, _("Offline — showing the last known status"));
    } else if (!network && g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
      self->unavailable = TRUE;
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
    } else if (!network) {
      toast (self, error->message);
    }
    if (self->subscription != NULL || self->offline)
      gtk_stack_set_visible_child_name (self->stack, "main");
    return;
  }

  old_stamp = self->subscription != NULL ? fc_json_get_string (self->subscription, "updated_at") : NULL;
  new_stamp = fc_json_get_string (sub, "updated_at");
  changed = self->subscription == NULL || self->offline ||
            g_strcmp0 (old_stamp, new_stamp) != 0 ||
            has_access (self->subscription) != has_access (sub);
  self->offline = FALSE;
  g_clear_pointer (&self->subscription, json_object_unref);
  self->subscription = g_steal_pointer (&sub);

  access = has_access (self->subscription);
  if (self->access != -1 && access != self->access) {
    FcSyncEngine *engine = fc_session_get_sync_engine (self->session);

    /* The workouts' "locked" comes from the server: pull them again. */
    if (engine != NULL)
      fc_sync_engine_request_full_sync (engine);
    if (access)
      toast (self, _("Premium is active — every workout is unlocked"));
    else if (g_strcmp0 (fc_json_get_string (self->subscription, "status"), "PAST_DUE") == 0)
      toast (self, _("Premium is paused until a payment goes through"));
    else
      toast (self, _("Premium has ended"));
  }
  if (access)
    self->waiting = FALSE;
  self->access = access;

  show_subscription (self);
  if (!self->unavailable)
    gtk_stack_set_visible_child_name (self->stack, "main");
  if (changed || !self->have_history)
    fc_payments_service_transactions_async (self->service, self->cancellable, on_transactions_cb,
                                            g_object_ref (self));
}

static void
on_cached_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autoptr(JsonObject) sub = NULL;

  sub = fc_payments_service_subscription_finish (FC_PAYMENTS_SERVICE (source), result, NULL);
  /* What the network answered first wins; the cache only fills the gap
   * and says what access the workouts were last pulled with. */
  if (sub == NULL || self->subscription != NULL)
    return;
  self->subscription = g_steal_pointer (&sub);
  if (self->access == -1)
    self->access = has_access (self->subscription);
  show_subscription (self);
}

static void
on_plans_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) plans = NULL;

  plans = fc_payments_service_plans_finish (FC_PAYMENTS_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
    /* The Django backend: no payments routes. Nothing to sell, no alarm. */
    self->unavailable = TRUE;
    gtk_stack_set_visible_child_name (self->stack, "unavailable");
    return;
  }
  if (plans == NULL)
    return; /* offline: the next look tries again */

  clear_list (self->plans_list);
  for (guint i = 0; i < json_array_get_length (plans); i++) {
    JsonObject *plan = json_array_get_object_element (plans, i);
    const char *id, *interval, *name;
    gboolean available = TRUE;
    gint64 amount = 0;
    g_autofree char *money = NULL;
    g_autofree char *price = NULL;
    g_autofree char *label = NULL;
    GtkWidget *row, *button;

    if (plan == NULL || (id = fc_json_get_string (plan, "plan")) == NULL)
      continue;
    name = fc_json_get_string (plan, "name");
    interval = fc_json_get_string (plan, "interval");
    fc_json_get_int (plan, "amount", &amount);
    fc_json_get_boolean (plan, "available", &available);
    money = format_money (amount, fc_json_get_string (plan, "currency"));
    if (g_strcmp0 (interval, "month") == 0)
      /* Translators: a plan's price, "$9.99 a month" */
      price = g_strdup_printf (_("%s a month, cancel any time"), money);
    else if (interval == NULL)
      /* Translators: a plan's price, "$149.00 once" */
      price = g_strdup_printf (_("%s once, Premium for life"), money);
    else
      price = g_strdup_printf ("%s / %s", money, interval);

    row = adw_action_row_new ();
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : id);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 available ? price : _("Not available on this server right now"));
    button = text_button (interval != NULL ? _("_Subscribe") : _("_Buy"));
    /* GTK 4.8 adds the button's own text to an accessible label, so the
     * plan a screen reader hears with it is the description:
     * "Monthly, $9.99 a month, cancel any time". */
    label = g_strdup_printf ("%s, %s", name != NULL ? name : id, price);
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    label, -1);
    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (button, "suggested-action");
    gtk_widget_set_sensitive (button, available);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "premium.subscribe");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    gtk_list_box_append (self->plans_list, row);
  }
  self->have_plans = json_array_get_length (plans) > 0;
  show_subscription (self);
}

static void
refresh (FcPremiumPage *self)
{
  if (self->unavailable || self->polling)
    return;
  if (!self->have_plans)
    fc_payments_service_plans_async (self->service, self->cancellable, on_plans_cb,
                                     g_object_ref (self));
  self->polling = TRUE;
  fc_payments_service_subscription_async (self->service, self->cancellable, on_subscription_cb,
                                          g_object_ref (self));
}

static gboolean
on_poll_cb (gpointer user_data)
{
  refresh (FC_PREMIUM_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
on_uri_shown_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error)) {
    self->waiting = FALSE;
    show_subscription (self);
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      toast (self, _("No web browser could be opened"));
    g_debug ("Could not open the browser: %s", error->message);
  }
}

static void
open_in_browser (FcPremiumPage *self,
                 const char    *url)
{
  gtk_show_uri_full (GTK_WINDOW (self), url, GDK_CURRENT_TIME, self->cancellable, on_uri_shown_cb,
                     g_object_ref (self));
}

/* The URL a checkout or portal call answered, or NULL after saying why;
 * @action, off while the call ran, is on again. */
static char *
finish_url (FcPremiumPage *self,
            GObject       *source,
            GAsyncResult  *result,
            const char    *action)
{
  g_autoptr(GError) error = NULL;
  char *url = fc_payments_service_url_finish (FC_PAYMENTS_SERVICE (source), result, &error);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), action, TRUE);
  if (url == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
  return url;
}

static void
on_checkout_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autofree char *url = finish_url (self, source, result, "premium.subscribe");

  if (url == NULL)
    return;
  self->waiting = TRUE;
  show_subscription (self);
  open_in_browser (self, url);
}

static void
on_portal_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autofree char *url = finish_url (self, source, result, "premium.portal");

  if (url != NULL)
    open_in_browser (self, url);
}

static void
on_cancelled_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcPremiumPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sub = NULL;

  sub = fc_payments_service_subscription_finish (FC_PAYMENTS_SERVICE (source), result, &error);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "premium.cancel", TRUE);
  if (sub == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      toast (self, error->message);
    return;
  }
  g_clear_pointer (&self->subscription, json_object_unref);
  self->subscription = g_steal_pointer (&sub);
  show_subscription (self);
  toast (self, _("Subscription cancelled — it will not renew"));
  fc_payments_service_transactions_async (self->service, self->cancellable, on_transactions_cb,
                                          g_object_ref (self));
}

static void
on_cancel_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       FcPremiumPage    *self)
{
  if (!g_str_equal (response, "cancel"))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "premium.cancel", FALSE);
  fc_payments_service_cancel_async (self->service, self->cancellable, on_cancelled_cb,
                                    g_object_ref (self));
}

static void
subscribe_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcPremiumPage *self = FC_PREMIUM_PAGE (widget);

  gtk_widget_action_set_enabled (widget, "premium.subscribe", FALSE);
  fc_payments_service_checkout_async (self->service, g_variant_get_string (parameter, NULL),
                                      self->cancellable, on_checkout_cb, g_object_ref (self));
}

static void
portal_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcPremiumPage *self = FC_PREMIUM_PAGE (widget);

  gtk_widget_action_set_enabled (widget, "premium.portal", FALSE);
  fc_payments_service_portal_async (self->service, self->cancellable, on_portal_cb,
                                    g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcPremiumPage *self = FC_PREMIUM_PAGE (widget);
  const char *end = self->subscription != NULL ? fc_json_get_string (self->subscription, "end_date")
                                               : NULL;
  g_autofree char *end_text = format_date (end);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (end_text != NULL)
    body = g_strdup_printf (_("It will not renew. You keep Premium until %s."), end_text);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cancel Premium?"),
                                   body != NULL ? body : _("It will not renew."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Premium"),
                                    "cancel", _("_Cancel Subscription"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fc_premium_page_dispose (GObject *object)
{
  FcPremiumPage *self = FC_PREMIUM_PAGE (object);

  /* Closed: no more looks at the subscription. */
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_PREMIUM_PAGE);

  G_OBJECT_CLASS (fc_premium_page_parent_class)->dispose (object);
}

static void
fc_premium_page_finalize (GObject *object)
{
  FcPremiumPage *self = FC_PREMIUM_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_clear_object (&self->session);
  g_clear_pointer (&self->subscription, json_object_unref);

  G_OBJECT_CLASS (fc_premium_page_parent_class)->finalize (object);
}

static void
fc_premium_page_class_init (FcPremiumPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_premium_page_dispose;
  object_class->finalize = fc_premium_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-premium-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, banner_slot);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, headline_label);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, waiting_spinner);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, date_row);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, portal_button);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, plans_group);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, plans_list);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, history_group);
  gtk_widget_class_bind_template_child (widget_class, FcPremiumPage, history_list);

  gtk_widget_class_install_action (widget_class, "premium.subscribe", "s", subscribe_action);
  gtk_widget_class_install_action (widget_class, "premium.portal", NULL, portal_action);
  gtk_widget_class_install_action (widget_class, "premium.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fc_premium_page_init (FcPremiumPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->access = -1;
  gtk_widget_set_visible (self->history_group, FALSE);
  gtk_widget_set_visible (self->plans_group, FALSE);
}

/* Signed out: the page belonged to the account that left. */
static void
on_session_state_cb (FcPremiumPage *self)
{
  if (fc_session_get_state (self->session) == FC_SESSION_SIGNED_OUT)
    gtk_window_destroy (GTK_WINDOW (self));
}

GtkWidget *
fc_premium_page_new (GtkWindow *parent,
                     FcSession *session)
{
  FcPremiumPage *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_PREMIUM_PAGE,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state_cb), self,
                           G_CONNECT_SWAPPED);
  self->service = fc_payments_service_new_for_session (session);
  if (self->service == NULL) {
    self->unavailable = TRUE;
    gtk_stack_set_visible_child_name (self->stack, "unavailable");
    return GTK_WIDGET (self);
  }

  fc_payments_service_cached_subscription_async (self->service, self->cancellable, on_cached_cb,
                                                 g_object_ref (self));
  refresh (self);
  self->poll_id = g_timeout_add_seconds (FC_PREMIUM_PAGE_POLL_SECONDS, on_poll_cb, self);
  return GTK_WIDGET (self);
}

static void
on_page_destroy_cb (GtkWidget *page,
                    GtkWindow *parent)
{
  g_object_set_data (G_OBJECT (parent), "fc-premium-page", NULL);
}

void
fc_premium_page_present (GtkWindow *parent,
                         FcSession *session)
{
  GtkWidget *page = g_object_get_data (G_OBJECT (parent), "fc-premium-page");

  g_return_if_fail (GTK_IS_WINDOW (parent));

  if (page == NULL) {
    page = fc_premium_page_new (parent, session);
    /* Forgotten when closed (destroyed), so the next open starts afresh. */
    g_object_set_data (G_OBJECT (parent), "fc-premium-page", page);
    g_signal_connect_object (page, "destroy", G_CALLBACK (on_page_destroy_cb), parent, 0);
  }
  gtk_window_present (GTK_WINDOW (page));
}

/* fc-admin-user-detail.c — one account in the Admin section: its details, actions and audit trail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-user-detail"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "fc-admin-user-detail.h"

#include "fc-json.h"

/* Premium granted from the dialog ends this many days on by default. */
#define GRANT_DAYS 30

struct _FcAdminUserDetail
{
  AdwBin           parent_instance;

  /* Template widgets */
  GtkStack        *stack;
  GtkLabel        *name_label;
  GtkLabel        *email_label;
  GtkLabel        *error_label;
  AdwActionRow    *status_row;
  GtkButton       *active_button;
  AdwActionRow    *staff_row;
  GtkButton       *staff_button;
  AdwActionRow    *joined_row;
  AdwActionRow    *last_seen_row;
  AdwActionRow    *premium_row;
  GtkWidget       *grant_button;
  GtkWidget       *revoke_button;
  AdwActionRow    *profile_row;
  AdwActionRow    *meals_row;
  AdwActionRow    *workouts_row;
  GtkListBox      *audit_list;

  /* Owned */
  FcAdminService  *service;
  GCancellable    *cancellable;   /* this account's requests */
  JsonObject      *detail;

  /* Borrowed */
  AdwToastOverlay *toast_overlay;

  gint64           id;
  gboolean         busy;
};

G_DEFINE_FINAL_TYPE (FcAdminUserDetail, fc_admin_user_detail, ADW_TYPE_BIN)

enum {
  SIGNAL_USER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A change on its way: what to send and what to say once it is done. */
typedef struct {
  FcAdminUserDetail *self;
  gint64             id;
  char              *done;
} Change;

static void
change_free (Change *change)
{
  g_object_unref (change->self);
  g_free (change->done);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static void
toast (FcAdminUserDetail *self,
       const char        *text)
{
  if (self->toast_overlay != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
show_error (FcAdminUserDetail *self,
            const char        *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    toast (self, message);
}

static void
set_busy (FcAdminUserDetail *self,
          gboolean           busy)
{
  gboolean have = self->detail != NULL && !busy;
  gboolean premium = FALSE;

  self->busy = busy;
  if (self->detail != NULL)
    fc_json_get_boolean (self->detail, "has_premium", &premium);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-user.toggle-active", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-user.toggle-staff", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-user.grant-premium", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-user.revoke-premium", have && premium);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-user.password-reset", have);
}

/* The day of an ISO 8601 time ("2026-12-05"), or NULL. */
static char *
day_of (const char *iso)
{
  return iso != NULL && strlen (iso) >= 10 ? g_strndup (iso, 10) : NULL;
}

static const char *
email_of (FcAdminUserDetail *self)
{
  const char *email = self->detail != NULL ? fc_json_get_string (self->detail, "email") : NULL;

  return email != NULL ? email : "";
}

static char *
premium_text (JsonObject *detail)
{
  JsonObject *grant = fc_json_get_object (detail, "premium_grant");
  g_autofree char *ends = NULL;
  gboolean premium = FALSE;

  fc_json_get_boolean (detail, "has_premium", &premium);
  if (!premium)
    return g_strdup (_("No premium"));
  if (grant != NULL && g_strcmp0 (fc_json_get_string (grant, "kind"), "grant") == 0) {
    ends = day_of (fc_json_get_string (grant, "ends_at"));
    /* Translators: %s is a day, 2027-06-30 */
    return ends != NULL ? g_strdup_printf (_("Granted by staff until %s"), ends)
                        : g_strdup (_("Granted by staff, no end date"));
  }
  return g_strdup (_("Premium"));
}

static void
apply_detail (FcAdminUserDetail *self,
              JsonObject        *detail)
{
  JsonObject *counts = fc_json_get_object (detail, "counts");
  JsonObject *profile = fc_json_get_object (detail, "profile");
  const char *first = fc_json_get_string (detail, "first_name");
  const char *last = fc_json_get_string (detail, "last_name");
  g_autofree char *name = g_strstrip (g_strdup_printf ("%s %s", first ?: "", last ?: ""));
  g_autofree char *joined = day_of (fc_json_get_string (detail, "date_joined"));
  g_autofree char *seen = day_of (fc_json_get_string (detail, "last_seen"));
  g_autofree char *premium = premium_text (detail);
  g_autofree char *meals = NULL;
  g_autofree char *workouts = NULL;
  g_autofree char *age = NULL;
  gint64 n_meals = 0, n_plans = 0, started = 0, completed = 0, years = 0;
  gboolean active = FALSE, staff = FALSE;

  g_clear_pointer (&self->detail, json_object_unref);
  self->detail = json_object_ref (detail);

  fc_json_get_boolean (detail, "is_active", &active);
  fc_json_get_boolean (detail, "is_staff", &staff);

  gtk_label_set_text (self->name_label, *name != '\0' ? name : _("No Name"));
  gtk_label_set_text (self->email_label, email_of (self));

  adw_action_row_set_subtitle (self->status_row,
                               active ? _("Active") : _("Deactivated: cannot sign in"));
  gtk_button_set_label (self->active_button, active ? _("Deactivate…") : _("Reactivate"));
  if (active)
    gtk_widget_add_css_class (GTK_WIDGET (self->active_button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->active_button), "destructive-action");

  adw_action_row_set_subtitle (self->staff_row, staff ? _("Staff member") : _("Not staff"));
  gtk_button_set_label (self->staff_button, staff ? _("Remove Staff…") : _("Make Staff…"));

  adw_action_row_set_subtitle (self->joined_row, joined != NULL ? joined : "");
  adw_action_row_set_subtitle (self->last_seen_row, seen != NULL ? seen : _("Never"));
  adw_action_row_set_subtitle (self->premium_row, premium);

  if (profile != NULL && fc_json_get_int (profile, "age", &years) && years > 0)
    /* Translators: a person's age in years */
    age = g_strdup_printf (g_dngettext (NULL, "%" PRId64 " year old",
                                        "%" PRId64 " years old", years), years);
  adw_action_row_set_subtitle (self->profile_row, age != NULL ? age : _("No age given"));

  if (counts != NULL) {
    fc_json_get_int (counts, "meals", &n_meals);
    fc_json_get_int (counts, "meal_plans", &n_plans);
    fc_json_get_int (counts, "workouts_started", &started);
    fc_json_get_int (counts, "workouts_completed", &completed);
  }
  /* Translators: counts of an account's meals and meal plans */
  meals = g_strdup_printf (_("%" PRId64 " meals, %" PRId64 " meal plans"),
                           n_meals, n_plans);
  /* Translators: counts of workouts an account started and completed */
  workouts = g_strdup_printf (_("%" PRId64 " started, %" PRId64 " completed"),
                              started, completed);
  adw_action_row_set_subtitle (self->meals_row, meals);
  adw_action_row_set_subtitle (self->workouts_row, workouts);

  set_busy (self, self->busy);
}

/* ----- The audit trail ----- */

static char *
value_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("none"));
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return fc_json_to_string (node, FALSE);
}

static char *
describe_entry (JsonObject *entry)
{
  JsonObject *before = fc_json_get_object (entry, "before");
  JsonObject *after = fc_json_get_object (entry, "after");
  JsonObject *actor = fc_json_get_object (entry, "actor");
  g_autofree char *when = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *created = fc_json_get_string (entry, "created_at");
  const char *who = actor != NULL ? fc_json_get_string (actor, "email") : NULL;

  if (after != NULL) {
    g_autoptr(GList) members = json_object_get_members (after);

    for (GList *l = members; l != NULL; l = l->next) {
      g_autofree char *was = value_text (before != NULL ? json_object_get_member (before, l->data)
                                                        : NULL);
      g_autofree char *now = value_text (json_object_get_member (after, l->data));

      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a field of an account that changed: "has_premium: false → true" */
      g_string_append_printf (text, _("%s: %s → %s"), (const char *) l->data, was, now);
    }
  }
  when = created != NULL && strlen (created) >= 16 ? g_strndup (created, 16) : g_strdup ("");
  g_strdelimit (when, "T", ' ');
  if (text->len > 0)
    g_string_append_c (text, '\n');
  /* Translators: who made a change and when (UTC): "admin@example.org, 2026-12-05 12:20" */
  g_string_append_printf (text, _("%s, %s UTC"), who != NULL ? who : _("the server"), when);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
action_title (const char *action)
{
  if (g_strcmp0 (action, "user.update") == 0)
    return _("Account changed");
  if (g_strcmp0 (action, "user.password_reset") == 0)
    return _("Password reset sent");
  if (g_strcmp0 (action, "premium.expire") == 0)
    return _("Premium ended");
  return action != NULL ? action : "";
}

static void
clear_audit (FcAdminUserDetail *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->audit_list))) != NULL)
    gtk_list_box_remove (self->audit_list, child);
}

static void
add_audit_row (FcAdminUserDetail *self,
               const char        *title,
               const char        *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_append (self->audit_list, row);
}

static void
on_audit_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcAdminUserDetail) self = user_data;
  g_autoptr(JsonArray) trail = NULL;
  g_autoptr(GError) error = NULL;

  trail = fc_admin_service_user_audit_finish (FC_ADMIN_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  clear_audit (self);
  if (trail == NULL) {
    add_audit_row (self, _("The audit trail could not be read"), error->message);
    return;
  }
  if (json_array_get_length (trail) == 0)
    add_audit_row (self, _("No changes by staff yet"), "");
  for (guint i = 0; i < json_array_get_length (trail); i++) {
    JsonNode *node = json_array_get_element (trail, i);
    g_autofree char *subtitle = NULL;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    subtitle = describe_entry (json_node_get_object (node));
    add_audit_row (self, action_title (fc_json_get_string (json_node_get_object (node), "action")),
                   subtitle);
  }
}

static void
load_audit (FcAdminUserDetail *self)
{
  fc_admin_service_user_audit_async (self->service, self->id, self->cancellable, on_audit_cb,
                                     g_object_ref (self));
}

/* ----- Loading and changing the account ----- */

static void
on_user_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FcAdminUserDetail) self = user_data;
  g_autoptr(JsonObject) detail = NULL;
  g_autoptr(GError) error = NULL;

  detail = fc_admin_service_user_finish (FC_ADMIN_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (detail == NULL) {
    show_error (self, error->message);
    return;
  }
  apply_detail (self, detail);
}

static void
on_changed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  FcAdminUserDetail *self = change->self;
  g_autoptr(JsonObject) detail = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dirty = FALSE;

  detail = fc_admin_service_user_finish (FC_ADMIN_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (detail == NULL) {
    show_error (self, error->message);
    return;
  }
  g_signal_emit (self, signals[SIGNAL_USER_CHANGED], 0, detail);
  if (change->id != self->id)
    return;
  show_error (self, NULL);
  apply_detail (self, detail);
  /* Offline the change waits in the outbox (src/store/fc-store-admin.h). */
  if (fc_json_get_boolean (detail, "dirty", &dirty) && dirty) {
    toast (self, _("Saved — will sync when online"));
    return;
  }
  toast (self, change->done);
  load_audit (self);
}

/* Sends @changes (taken) for the account on show; @done is said once the
 * server has it. */
static void
send_change (FcAdminUserDetail *self,
             JsonObject        *changes,
             const char        *done)
{
  g_autoptr(JsonObject) owned = changes;
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->id = self->id;
  change->done = g_strdup (done);
  set_busy (self, TRUE);
  fc_admin_service_update_user_async (self->service, self->id, owned, self->cancellable,
                                      on_changed_cb, change);
}

static void
on_reset_sent_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FcAdminUserDetail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_admin_service_send_password_reset_finish (FC_ADMIN_SERVICE (source), result, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    set_busy (self, FALSE);
    show_error (self, error->message);
    return;
  }
  set_busy (self, FALSE);
  show_error (self, NULL);
  toast (self, _("Password reset e-mail sent"));
  load_audit (self);
}

/* ----- Actions ----- */

/* Every action of the detail, one row each. A widget action with two
 * rows (a toggle) takes the row whose @member is now the opposite of
 * @value. Headings and "done" sentences say "%s" for the account's
 * e-mail address. */
typedef struct {
  const char *action;       /* the widget action, "admin-user.…" */
  const char *member;       /* the PATCH's member, NULL: a password reset */
  gboolean    value;        /* what the PATCH sets @member to */
  gboolean    toggles;      /* chosen when @member is now !@value */
  const char *heading;      /* NULL: sent without asking (easy to undo) */
  const char *body;
  const char *verb;         /* the confirming response, with a mnemonic */
  gboolean    destructive;
  gboolean    asks_end_day; /* the grant: an entry for the end day */
  const char *done;         /* said once the server has it, or NULL */
} Action;

static const Action actions[] = {
  { "admin-user.toggle-active", "is_active", FALSE, TRUE,
    /* Translators: %s is an e-mail address */
    N_("Deactivate %s?"),
    N_("The account is signed out on every device at once and cannot sign in until it is "
       "reactivated. Nothing of theirs is deleted."),
    N_("_Deactivate"), TRUE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("%s deactivated") },
  { "admin-user.toggle-active", "is_active", TRUE, TRUE,
    NULL, NULL, NULL, FALSE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("%s reactivated") },
  { "admin-user.toggle-staff", "is_staff", FALSE, TRUE,
    /* Translators: %s is an e-mail address */
    N_("Remove Staff Rights from %s?"),
    N_("They lose the Admin section and every staff right at once."),
    N_("_Remove Staff"), TRUE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("%s is no longer staff") },
  { "admin-user.toggle-staff", "is_staff", TRUE, TRUE,
    /* Translators: %s is an e-mail address */
    N_("Make %s Staff?"),
    N_("Staff can see and change every account, the content and the statistics."),
    N_("_Make Staff"), FALSE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("%s is now staff") },
  { "admin-user.grant-premium", "has_premium", TRUE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("Grant Premium to %s"),
    N_("Premium ends at the start of the day below (UTC). Leave it empty for no end date."),
    N_("_Grant"), FALSE, TRUE,
    /* Translators: %s is an e-mail address */
    N_("Premium granted to %s") },
  { "admin-user.revoke-premium", "has_premium", FALSE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("Revoke Premium from %s?"),
    N_("Premium workouts are locked for them from their next request."),
    N_("_Revoke"), TRUE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("Premium revoked from %s") },
  { "admin-user.password-reset", NULL, FALSE, FALSE,
    /* Translators: %s is an e-mail address */
    N_("Send a Password Reset to %s?"),
    N_("They get an e-mail with a link to set a new password. Their password works until they "
       "do."),
    N_("_Send"), FALSE, FALSE, NULL },
};

/* @template (translated here) with its "%s" replaced by the account's
 * e-mail address: the table's sentences are not printf formats the
 * compiler can check. */
static char *
with_email (FcAdminUserDetail *self,
            const char        *template)
{
  g_autoptr(GString) text = NULL;

  if (template == NULL)
    return NULL;
  text = g_string_new (_(template));
  g_string_replace (text, "%s", email_of (self), 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The end day typed in the grant dialog: empty for no end, else a valid
 * YYYY-MM-DD (the server checks that it is after today). */
static gboolean
parse_end_day (const char  *text,
               char       **out_day)
{
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (*stripped == '\0') {
    *out_day = NULL;
    return TRUE;
  }
  iso = g_strconcat (stripped, "T00:00:00Z", NULL);
  parsed = g_date_time_new_from_iso8601 (iso, NULL);
  if (parsed == NULL || strlen (stripped) != 10)
    return FALSE;
  *out_day = g_steal_pointer (&stripped);
  return TRUE;
}

/* Does @action, confirmed: @entry is the grant dialog's end day. */
static void
perform (FcAdminUserDetail *self,
         const Action      *action,
         GtkEditable       *entry)
{
  g_autofree char *done = with_email (self, action->done);
  g_autofree char *day = NULL;
  JsonObject *changes;

  if (action->member == NULL) {
    set_busy (self, TRUE);
    fc_admin_service_send_password_reset_async (self->service, self->id, self->cancellable,
                                                on_reset_sent_cb, g_object_ref (self));
    return;
  }
  if (action->asks_end_day && !parse_end_day (gtk_editable_get_text (entry), &day)) {
    show_error (self, _("The end date must be a day such as 2027-06-30, or empty for no end."));
    return;
  }
  changes = json_object_new ();
  json_object_set_boolean_member (changes, action->member, action->value);
  if (action->asks_end_day && day != NULL)
    json_object_set_string_member (changes, "premium_until", day);
  else if (action->asks_end_day)
    json_object_set_null_member (changes, "premium_until");
  send_change (self, changes, done);
}

static void
on_confirm_response_cb (AdwMessageDialog  *dialog,
                        const char        *response,
                        FcAdminUserDetail *self)
{
  const Action *action = g_object_get_data (G_OBJECT (dialog), "action");

  if (!g_str_equal (response, "confirm") || self->detail == NULL)
    return;
  perform (self, action, g_object_get_data (G_OBJECT (dialog), "entry"));
}

/* Asks before @action: hard to undo, or (the grant) in need of a day. */
static void
confirm (FcAdminUserDetail *self,
         const Action      *action)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = with_email (self, action->heading);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                             : NULL,
                                                       heading, _(action->body)));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "confirm", _(action->verb),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm",
                                              action->destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                                  : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");
  if (action->asks_end_day) {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) end = g_date_time_add_days (now, GRANT_DAYS);
    g_autofree char *initial = g_date_time_format (end, "%Y-%m-%d");
    GtkWidget *entry = gtk_entry_new ();

    gtk_editable_set_text (GTK_EDITABLE (entry), initial);
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("YYYY-MM-DD"));
    gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
    gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Premium end date"), -1);
    adw_message_dialog_set_extra_child (dialog, entry);
    g_object_set_data (G_OBJECT (dialog), "entry", entry);
    /* Enter in the day's entry grants: the day is what was asked for. */
    adw_message_dialog_set_default_response (dialog, "confirm");
  } else {
    adw_message_dialog_set_default_response (dialog, "cancel");
  }
  g_object_set_data (G_OBJECT (dialog), "action", (gpointer) action);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Every action of the detail: its row of actions[], asked first when it
 * has a heading, else done at once. */
static void
action_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  FcAdminUserDetail *self = FC_ADMIN_USER_DETAIL (widget);

  if (self->detail == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++) {
    const Action *action = &actions[i];
    gboolean now = FALSE;

    if (!g_str_equal (action->action, action_name))
      continue;
    if (action->toggles) {
      /* A member the detail lacks reads as false, as it always has. */
      fc_json_get_boolean (self->detail, action->member, &now);
      if (now == action->value)
        continue;
    }
    if (action->heading != NULL)
      confirm (self, action);
    else
      perform (self, action, NULL);
    return;
  }
}

/* ----- GObject ----- */

static void
fc_admin_user_detail_dispose (GObject *object)
{
  FcAdminUserDetail *self = FC_ADMIN_USER_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_clear_pointer (&self->detail, json_object_unref);

  G_OBJECT_CLASS (fc_admin_user_detail_parent_class)->dispose (object);
}

static void
fc_admin_user_detail_class_init (FcAdminUserDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_user_detail_dispose;

  signals[SIGNAL_USER_CHANGED] =
    g_signal_new ("user-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-user-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, email_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, error_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, status_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, active_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, staff_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, staff_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, joined_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, last_seen_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, premium_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, grant_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, revoke_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, profile_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, meals_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, workouts_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUserDetail, audit_list);

  /* Each action once, though a toggle has two rows. */
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++) {
    if (i == 0 || !g_str_equal (actions[i].action, actions[i - 1].action))
      gtk_widget_class_install_action (widget_class, actions[i].action, NULL, action_cb);
  }
}

static void
fc_admin_user_detail_init (FcAdminUserDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE);
}

GtkWidget *
fc_admin_user_detail_new (void)
{
  return g_object_new (FC_TYPE_ADMIN_USER_DETAIL, NULL);
}

void
fc_admin_user_detail_set_service (FcAdminUserDetail *self,
                                  FcAdminService    *service)
{
  g_return_if_fail (FC_IS_ADMIN_USER_DETAIL (self));
  g_return_if_fail (service == NULL || FC_IS_ADMIN_SERVICE (service));

  g_set_object (&self->service, service);
  fc_admin_user_detail_show_user (self, 0);
}

void
fc_admin_user_detail_set_toast_overlay (FcAdminUserDetail *self,
                                        AdwToastOverlay   *overlay)
{
  g_return_if_fail (FC_IS_ADMIN_USER_DETAIL (self));

  self->toast_overlay = overlay;
}

void
fc_admin_user_detail_show_user (FcAdminUserDetail *self,
                                gint64             id)
{
  g_return_if_fail (FC_IS_ADMIN_USER_DETAIL (self));

  if (id == self->id && id != 0)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->detail, json_object_unref);
  self->id = id;
  show_error (self, NULL);
  clear_audit (self);
  set_busy (self, FALSE);

  if (id == 0 || self->service == NULL) {
    self->id = 0;
    gtk_stack_set_visible_child_name (self->stack, "none");
    return;
  }
  gtk_label_set_text (self->name_label, "");
  gtk_label_set_text (self->email_label, "");
  gtk_stack_set_visible_child_name (self->stack, "user");
  set_busy (self, TRUE);
  fc_admin_service_get_user_async (self->service, id, self->cancellable, on_user_cb,
                                   g_object_ref (self));
  load_audit (self);
}

gint64
fc_admin_user_detail_get_user_id (FcAdminUserDetail *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_DETAIL (self), 0);

  return self->id;
}

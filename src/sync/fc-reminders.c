/* fc-reminders.c — workout, weigh-in and meal reminders on a local clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In src/sync rather than src/core: it sends GNotifications through the
 * application, follows logind on the system bus and reads the settings,
 * which are services, not models; and it stays free of GTK so that its
 * scheduling is tested without a display. The meal times and the active
 * plan come from the app (fc_reminders_set_meals()), which owns the one
 * meal-time table and reads the plan from the store.
 *
 * Stored in GSettings, not in the account's store: a reminder is an alarm
 * of this computer (the server has no reminders and would not carry them
 * to another device), and the application started at login must read
 * them before anyone's store is open — or while nobody is signed in. The
 * meal reminders follow the plan of whoever is signed in.
 */

#define G_LOG_DOMAIN "fc-reminders"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-reminders.h"

/* Fires more than this late were missed (the computer slept, or the app
 * was held up): several of them become one summary. */
#define MISSED_AFTER_USEC (10 * G_TIME_SPAN_MINUTE)
/* The timer wakes at least this often: a wall clock set by hand or a
 * resume logind did not announce is noticed within it. */
#define MAX_SLEEP_MSEC (5 * 60 * 1000)
/* A wall clock that moved this much more than the monotonic one jumped. */
#define JUMP_USEC (30 * G_TIME_SPAN_SECOND)
/* How far ahead a meal reminder is looked for, in days. */
#define MEAL_HORIZON_DAYS 400

struct _FcReminders
{
  GObject                parent_instance;

  /* Owned */
  GSettings             *settings;
  GTimeZone             *zone;
  GFileMonitor          *zone_monitor;
  GDBusConnection       *system_bus;
  GCancellable          *cancellable;
  FcRemindersMeal       *meals;
  guint                  n_meals;
  FcRemindersMealsFunc   meals_func;
  gpointer               meals_data;
  GDestroyNotify         meals_destroy;

  /* Borrowed (weak) */
  GApplication          *app;

  FcRemindersClock       clock;
  gpointer               clock_data;

  gint64                 checked_until;   /* fires up to here are handled */
  gint64                 next_fire;
  gint64                 armed_real;
  gint64                 armed_monotonic;
  guint                  timeout_id;
  guint                  sleep_id;
  gboolean               has_enabled;
};

G_DEFINE_FINAL_TYPE (FcReminders, fc_reminders, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HAS_ENABLED,
  N_PROPS
};

enum {
  SIGNAL_FIRED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char * const kind_nicks[] = { "workout", "weigh-in", "meal" };

/* One thing that fires: a stored reminder or an enabled meal time. */
typedef struct {
  FcReminderKind  kind;
  char           *notification_id;
  guint8          days;         /* workout and weigh-in */
  int             meal;         /* index into self->meals, or -1 */
  guint8          hour;
  guint8          minute;
} Slot;

typedef struct {
  const Slot *slot;
  gint64      when;
} Fire;

static void
slot_clear (Slot *slot)
{
  g_clear_pointer (&slot->notification_id, g_free);
}

static gint64
system_real_time (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
system_monotonic_time (gpointer user_data)
{
  return g_get_monotonic_time ();
}

/* Not g_time_zone_new_local(): GLib reads the local zone once per process,
 * and a laptop carried to another zone changes /etc/localtime under the
 * running app. Named zones are read again when the name changes. */
static GTimeZone *
system_timezone (gpointer user_data)
{
  const char *tz = g_getenv ("TZ");
  g_autofree char *target = NULL;
  GTimeZone *zone = NULL;

  if (tz != NULL && *tz != '\0')
    zone = g_time_zone_new_identifier (tz[0] == ':' ? tz + 1 : tz);

  if (zone == NULL && (target = g_file_read_link ("/etc/localtime", NULL)) != NULL) {
    const char *name = strstr (target, "zoneinfo/");

    if (name != NULL)
      zone = g_time_zone_new_identifier (name + strlen ("zoneinfo/"));
  }

  return zone != NULL ? zone : g_time_zone_new_local ();
}

static const FcRemindersClock system_clock = {
  .get_real_time = system_real_time,
  .get_monotonic_time = system_monotonic_time,
  .get_timezone = system_timezone,
};

static int
kind_from_nick (const char *nick)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_nicks); i++) {
    if (g_str_equal (nick, kind_nicks[i]))
      return (int) i;
  }
  return -1;
}

static GDateTime *
date_time_from_usec (GTimeZone *zone,
                     gint64     usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return utc != NULL ? g_date_time_to_timezone (utc, zone) : NULL;
}

static gboolean
date_time_is (GDateTime   *dt,
              const GDate *date,
              int          hour,
              int          minute)
{
  return dt != NULL &&
         g_date_time_get_year (dt) == g_date_get_year (date) &&
         g_date_time_get_month (dt) == (int) g_date_get_month (date) &&
         g_date_time_get_day_of_month (dt) == g_date_get_day (date) &&
         g_date_time_get_hour (dt) == hour && g_date_time_get_minute (dt) == minute;
}

/* The instant @date at @hour:@minute is in @zone, UTC microseconds; -1
 * when the day has no such minute nor one after it. A time in a
 * spring-forward gap is the first minute after the gap; a time the
 * autumn repeats is its first occurrence, so it fires once. */
static gint64
resolve_wall_clock (GTimeZone   *zone,
                    const GDate *date,
                    int          hour,
                    int          minute)
{
  static const int repeats[] = { 3600, 1800 };

  for (int wanted = hour * 60 + minute; wanted < 24 * 60; wanted++) {
    g_autoptr(GDateTime) dt = g_date_time_new (zone, g_date_get_year (date),
                                               g_date_get_month (date), g_date_get_day (date),
                                               wanted / 60, wanted % 60, 0);

    if (!date_time_is (dt, date, wanted / 60, wanted % 60))
      continue;

    for (guint i = 0; i < G_N_ELEMENTS (repeats); i++) {
      g_autoptr(GDateTime) earlier = g_date_time_add_seconds (dt, -repeats[i]);

      if (date_time_is (earlier, date, wanted / 60, wanted % 60))
        return g_date_time_to_unix (earlier) * G_USEC_PER_SEC;
    }
    return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
  }

  return -1;
}

static void
local_date (GTimeZone *zone,
            gint64     usec,
            GDate     *out_date)
{
  g_autoptr(GDateTime) dt = date_time_from_usec (zone, usec);

  g_date_clear (out_date, 1);
  if (dt != NULL)
    g_date_set_dmy (out_date, (GDateDay) g_date_time_get_day_of_month (dt),
                    (GDateMonth) g_date_time_get_month (dt), (GDateYear) g_date_time_get_year (dt));
}

static gboolean
fc_reminders_slot_is_on (FcReminders *self,
                         const Slot  *slot,
                         const GDate *date)
{
  if (slot->meal < 0)
    return (slot->days & FC_REMINDER_DAY (g_date_get_weekday (date))) != 0;

  return self->meals_func != NULL &&
         (self->meals_func (date, self->meals_data) & (1u << slot->meal)) != 0;
}

static GArray *
fc_reminders_read (FcReminders *self)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, "reminders");
  GArray *reminders = g_array_new (FALSE, TRUE, sizeof (FcReminder));
  GVariantIter iter;
  const char *id;
  const char *kind;
  gboolean enabled;
  guint8 days, hour, minute;

  g_array_set_clear_func (reminders, (GDestroyNotify) fc_reminder_clear);
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&sbyyy)", &id, &kind, &enabled, &days, &hour, &minute)) {
    FcReminder reminder = { 0 };
    int k = kind_from_nick (kind);

    /* A key edited by hand may hold anything: skip what cannot fire. */
    if (k != FC_REMINDER_WORKOUT && k != FC_REMINDER_WEIGH_IN)
      continue;
    if (hour > 23 || minute > 59 || *id == '\0')
      continue;

    reminder.id = g_strdup (id);
    reminder.kind = k;
    reminder.enabled = enabled;
    reminder.days = days & FC_REMINDER_EVERY_DAY;
    reminder.hour = hour;
    reminder.minute = minute;
    g_array_append_val (reminders, reminder);
  }

  return reminders;
}

static void
fc_reminders_write (FcReminders *self,
                    GArray      *reminders)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssbyyy)"));
  for (guint i = 0; i < reminders->len; i++) {
    const FcReminder *r = &g_array_index (reminders, FcReminder, i);

    g_variant_builder_add (&builder, "(ssbyyy)", r->id, kind_nicks[r->kind], r->enabled,
                           r->days, r->hour, r->minute);
  }
  g_settings_set_value (self->settings, "reminders", g_variant_builder_end (&builder));
}

static GArray *
fc_reminders_get_slots (FcReminders *self)
{
  g_autoptr(GArray) reminders = fc_reminders_read (self);
  g_auto(GStrv) meal_codes = g_settings_get_strv (self->settings, "meal-reminders");
  GArray *slots = g_array_new (FALSE, TRUE, sizeof (Slot));

  g_array_set_clear_func (slots, (GDestroyNotify) slot_clear);

  for (guint i = 0; i < reminders->len; i++) {
    const FcReminder *r = &g_array_index (reminders, FcReminder, i);
    Slot slot = { 0 };

    if (!r->enabled || r->days == 0)
      continue;
    slot.kind = r->kind;
    slot.notification_id = g_strconcat ("reminder-", r->id, NULL);
    slot.days = r->days;
    slot.meal = -1;
    slot.hour = r->hour;
    slot.minute = r->minute;
    g_array_append_val (slots, slot);
  }

  for (guint i = 0; i < self->n_meals && i < 32; i++) {
    Slot slot = { 0 };

    if (!g_strv_contains ((const char * const *) meal_codes, self->meals[i].code))
      continue;
    slot.kind = FC_REMINDER_MEAL;
    slot.notification_id = g_strconcat ("reminder-meal-", self->meals[i].code, NULL);
    slot.meal = (int) i;
    slot.hour = self->meals[i].hour;
    slot.minute = self->meals[i].minute;
    g_array_append_val (slots, slot);
  }

  return slots;
}

static void
fc_reminders_update_has_enabled (FcReminders *self)
{
  g_autoptr(GArray) reminders = fc_reminders_read (self);
  g_auto(GStrv) meal_codes = g_settings_get_strv (self->settings, "meal-reminders");
  gboolean has_enabled = meal_codes[0] != NULL;

  for (guint i = 0; !has_enabled && i < reminders->len; i++) {
    const FcReminder *r = &g_array_index (reminders, FcReminder, i);

    has_enabled = r->enabled && r->days != 0;
  }

  if (self->has_enabled == has_enabled)
    return;
  self->has_enabled = has_enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ENABLED]);
}

/* The slot's first fire after @after; -1 when none is near. */
static gint64
fc_reminders_slot_next (FcReminders *self,
                        const Slot  *slot,
                        gint64       after)
{
  guint horizon = slot->meal < 0 ? 9 : MEAL_HORIZON_DAYS;
  GDate date;

  local_date (self->zone, after, &date);
  if (!g_date_valid (&date))
    return -1;

  for (guint d = 0; d < horizon; d++) {
    if (fc_reminders_slot_is_on (self, slot, &date)) {
      gint64 when = resolve_wall_clock (self->zone, &date, slot->hour, slot->minute);

      if (when > after)
        return when;
    }
    g_date_add_days (&date, 1);
  }

  return -1;
}

static int
fire_compare (gconstpointer a,
              gconstpointer b)
{
  const Fire *fa = a;
  const Fire *fb = b;

  return (fa->when > fb->when) - (fa->when < fb->when);
}

static char *
fc_reminders_slot_title (FcReminders *self,
                         const Slot  *slot)
{
  switch (slot->kind) {
    case FC_REMINDER_WORKOUT:
      return g_strdup (_("Time for Your Workout"));
    case FC_REMINDER_WEIGH_IN:
      return g_strdup (_("Time to Weigh In"));
    case FC_REMINDER_MEAL:
    default:
      /* Translators: %s is a meal time, "Breakfast" or "Lunch" */
      return g_strdup_printf (_("Time for %s"), self->meals[slot->meal].label);
  }
}

static void
fc_reminders_send (FcReminders *self,
                   const char  *id,
                   const char  *title,
                   const char  *body,
                   const char  *target)
{
  g_autoptr(GNotification) notification = g_notification_new (title);

  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.open-reminder", "s", target);
  g_signal_emit (self, signals[SIGNAL_FIRED], 0, id, title, body, notification);
  if (self->app != NULL)
    g_application_send_notification (self->app, id, notification);
}

static void
fc_reminders_fire (FcReminders *self,
                   const Slot  *slot)
{
  static const char * const targets[] = { "workouts", "weigh-in", "meals" };
  g_autofree char *title = fc_reminders_slot_title (self, slot);
  const char *body;

  switch (slot->kind) {
    case FC_REMINDER_WORKOUT:
      body = _("Your planned workout is waiting.");
      break;
    case FC_REMINDER_WEIGH_IN:
      body = _("Add today’s weight to keep your trend up to date.");
      break;
    case FC_REMINDER_MEAL:
    default:
      body = _("Your meal plan has a meal for it today.");
      break;
  }
  fc_reminders_send (self, slot->notification_id, title, body, targets[slot->kind]);
}

static void
fc_reminders_fire_summary (FcReminders *self,
                           GArray      *missed)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *title = NULL;

  for (guint i = 0; i < missed->len; i++) {
    const Fire *fire = &g_array_index (missed, Fire, i);
    g_autofree char *what = fc_reminders_slot_title (self, fire->slot);
    g_autoptr(GDateTime) when = date_time_from_usec (self->zone, fire->when);
    g_autofree char *at = when != NULL ? g_date_time_format (when, "%a %H:%M") : g_strdup ("");

    if (i > 0)
      g_string_append (body, ", ");
    /* Translators: a missed reminder and when it was due, "Time to Weigh In (Mon 07:00)" */
    g_string_append_printf (body, _("%s (%s)"), what, at);
  }

  /* Translators: followed by the list of the missed reminders */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "You missed %u reminder while away",
                                        "You missed %u reminders while away", missed->len),
                           missed->len);
  fc_reminders_send (self, "reminders-missed", title, body->str, "today");
}

static gboolean on_timeout_cb (gpointer user_data);

static void
fc_reminders_arm (FcReminders *self,
                  GArray      *slots,
                  gint64       now)
{
  gint64 next = -1;
  gint64 delay_msec;

  for (guint i = 0; i < slots->len; i++) {
    gint64 when = fc_reminders_slot_next (self, &g_array_index (slots, Slot, i), now);

    if (when > 0 && (next < 0 || when < next))
      next = when;
  }

  self->next_fire = next > 0 ? next : 0;
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  /* One timeout for the next fire only; the wake-up rereads everything. */
  delay_msec = next > 0 ? MIN ((next - now) / 1000 + 1, MAX_SLEEP_MSEC) : MAX_SLEEP_MSEC;
  self->armed_real = now;
  self->armed_monotonic = self->clock.get_monotonic_time (self->clock_data);
  if (next > 0 || self->system_bus != NULL || self->zone_monitor != NULL)
    self->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) delay_msec, on_timeout_cb,
                                           self, NULL);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  FcReminders *self = user_data;
  gint64 real = self->clock.get_real_time (self->clock_data);
  gint64 monotonic = self->clock.get_monotonic_time (self->clock_data);
  gint64 drift = (real - self->armed_real) - (monotonic - self->armed_monotonic);

  self->timeout_id = 0;

  /* The monotonic clock stops while the computer sleeps and does not see
   * the wall clock set: either shows as a drift, the fallback for a
   * resume logind did not announce. */
  if (drift > JUMP_USEC || drift < -JUMP_USEC)
    g_debug ("The wall clock moved %" G_GINT64_FORMAT " s against the monotonic clock",
             drift / G_USEC_PER_SEC);

  fc_reminders_check (self);
  return G_SOURCE_REMOVE;
}

static void
on_settings_changed_cb (FcReminders *self)
{
  fc_reminders_update_has_enabled (self);
  fc_reminders_check (self);
}

static void
on_prepare_for_sleep_cb (GDBusConnection *connection,
                         const char      *sender_name,
                         const char      *object_path,
                         const char      *interface_name,
                         const char      *signal_name,
                         GVariant        *parameters,
                         gpointer         user_data)
{
  FcReminders *self = user_data;
  gboolean sleeping = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &sleeping);
  /* FALSE: the computer has woken up, and the timer's monotonic clock has
   * not counted the time asleep. */
  if (!sleeping)
    fc_reminders_check (self);
}

static void
system_bus_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcReminders) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL) {
    /* Without logind the timer's wall-clock check still sees a resume. */
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_debug ("No system bus, no sleep signal: %s", error->message);
    return;
  }

  self->system_bus = bus;
  self->sleep_id = g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                                       "org.freedesktop.login1.Manager",
                                                       "PrepareForSleep",
                                                       "/org/freedesktop/login1", NULL,
                                                       G_DBUS_SIGNAL_FLAGS_NONE,
                                                       on_prepare_for_sleep_cb, self, NULL);
}

static void
on_zone_changed_cb (FcReminders *self)
{
  fc_reminders_check (self);
}

static void
fc_reminders_clear_meals (FcReminders *self)
{
  for (guint i = 0; i < self->n_meals; i++) {
    g_free ((char *) self->meals[i].code);
    g_free ((char *) self->meals[i].label);
  }
  g_clear_pointer (&self->meals, g_free);
  self->n_meals = 0;
}

static void
fc_reminders_dispose (GObject *object)
{
  FcReminders *self = (FcReminders *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->sleep_id != 0) {
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_id);
    self->sleep_id = 0;
  }
  g_clear_object (&self->system_bus);
  g_clear_object (&self->zone_monitor);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->app);
  if (self->meals_destroy != NULL)
    self->meals_destroy (self->meals_data);
  self->meals_destroy = NULL;
  self->meals_func = NULL;

  G_OBJECT_CLASS (fc_reminders_parent_class)->dispose (object);
}

static void
fc_reminders_finalize (GObject *object)
{
  FcReminders *self = (FcReminders *) object;

  fc_reminders_clear_meals (self);
  g_clear_pointer (&self->zone, g_time_zone_unref);

  G_OBJECT_CLASS (fc_reminders_parent_class)->finalize (object);
}

static void
fc_reminders_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FcReminders *self = FC_REMINDERS (object);

  switch (prop_id) {
    case PROP_HAS_ENABLED:
      g_value_set_boolean (value, self->has_enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_reminders_class_init (FcRemindersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_reminders_dispose;
  object_class->finalize = fc_reminders_finalize;
  object_class->get_property = fc_reminders_get_property;

  /* Whether any reminder can fire: the application runs in the
   * background only then. */
  properties[PROP_HAS_ENABLED] =
    g_param_spec_boolean ("has-enabled", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcReminders::fired:
   * @id: the notification id (one per reminder; "reminders-missed" for
   *   the summary)
   * @title: the notification's title
   * @body: its body
   * @notification: what is sent (GNotification has no public getters)
   *
   * Emitted for each notification, before it is sent to the application.
   */
  signals[SIGNAL_FIRED] =
    g_signal_new ("fired",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_NOTIFICATION);
}

static void
fc_reminders_init (FcReminders *self)
{
  self->clock = system_clock;
  self->cancellable = g_cancellable_new ();
}

FcReminders *
fc_reminders_new (GSettings *settings)
{
  FcReminders *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FC_TYPE_REMINDERS, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::reminders", G_CALLBACK (on_settings_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::meal-reminders",
                           G_CALLBACK (on_settings_changed_cb), self, G_CONNECT_SWAPPED);
  fc_reminders_update_has_enabled (self);
  return self;
}

void
fc_reminders_set_clock (FcReminders            *self,
                        const FcRemindersClock *clock,
                        gpointer                user_data)
{
  g_return_if_fail (FC_IS_REMINDERS (self));

  self->clock = clock != NULL ? *clock : system_clock;
  self->clock_data = clock != NULL ? user_data : NULL;
  /* A new clock starts a new history: nothing before it is "missed". */
  self->checked_until = 0;
  fc_reminders_check (self);
}

void
fc_reminders_set_application (FcReminders  *self,
                              GApplication *app)
{
  g_return_if_fail (FC_IS_REMINDERS (self));
  g_return_if_fail (app == NULL || G_IS_APPLICATION (app));

  g_set_weak_pointer (&self->app, app);
}

void
fc_reminders_watch_system (FcReminders *self)
{
  g_autoptr(GFile) localtime = g_file_new_for_path ("/etc/localtime");

  g_return_if_fail (FC_IS_REMINDERS (self));

  if (self->zone_monitor != NULL || self->sleep_id != 0)
    return;

  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref (self));

  /* A symbolic link replaced (timedatectl set-timezone): watch the link,
   * not the zone file it points to. */
  self->zone_monitor = g_file_monitor_file (localtime, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->zone_monitor != NULL)
    g_signal_connect_object (self->zone_monitor, "changed", G_CALLBACK (on_zone_changed_cb), self,
                             G_CONNECT_SWAPPED);
  fc_reminders_check (self);
}

void
fc_reminders_set_meals (FcReminders           *self,
                        const FcRemindersMeal *meals,
                        guint                  n_meals,
                        FcRemindersMealsFunc   func,
                        gpointer               user_data,
                        GDestroyNotify         destroy)
{
  g_return_if_fail (FC_IS_REMINDERS (self));
  g_return_if_fail (n_meals <= 32);

  fc_reminders_clear_meals (self);
  if (self->meals_destroy != NULL)
    self->meals_destroy (self->meals_data);

  self->meals = g_new0 (FcRemindersMeal, n_meals);
  self->n_meals = n_meals;
  for (guint i = 0; i < n_meals; i++) {
    self->meals[i] = meals[i];
    self->meals[i].code = g_strdup (meals[i].code);
    self->meals[i].label = g_strdup (meals[i].label);
  }
  self->meals_func = func;
  self->meals_data = user_data;
  self->meals_destroy = destroy;
  fc_reminders_check (self);
}

void
fc_reminders_plan_changed (FcReminders *self)
{
  g_return_if_fail (FC_IS_REMINDERS (self));

  fc_reminders_check (self);
}

void
fc_reminders_check (FcReminders *self)
{
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GArray) due = NULL;
  g_autoptr(GArray) missed = NULL;
  gint64 now;

  g_return_if_fail (FC_IS_REMINDERS (self));

  g_clear_pointer (&self->zone, g_time_zone_unref);
  self->zone = self->clock.get_timezone (self->clock_data);
  now = self->clock.get_real_time (self->clock_data);
  slots = fc_reminders_get_slots (self);

  /* The first check, or a clock set back: nothing before now is due. */
  if (self->checked_until == 0 || now < self->checked_until)
    self->checked_until = now;

  due = g_array_new (FALSE, FALSE, sizeof (Fire));
  for (guint i = 0; i < slots->len; i++) {
    const Slot *slot = &g_array_index (slots, Slot, i);
    gint64 after = self->checked_until;
    gint64 when;

    /* At most a year of one reminder, for a clock that jumped years. */
    for (guint n = 0; n < 366 && (when = fc_reminders_slot_next (self, slot, after)) > 0 &&
                      when <= now; n++) {
      Fire fire = { slot, when };

      g_array_append_val (due, fire);
      after = when;
    }
  }
  g_array_sort (due, fire_compare);

  missed = g_array_new (FALSE, FALSE, sizeof (Fire));
  for (guint i = 0; i < due->len; i++) {
    const Fire *fire = &g_array_index (due, Fire, i);

    if (now - fire->when > MISSED_AFTER_USEC)
      g_array_append_val (missed, *fire);
  }

  /* After a sleep over several fire times: one summary, not a burst. */
  if (missed->len >= 2)
    fc_reminders_fire_summary (self, missed);

  for (guint i = 0; i < due->len; i++) {
    const Fire *fire = &g_array_index (due, Fire, i);

    if (missed->len >= 2 && now - fire->when > MISSED_AFTER_USEC)
      continue;
    fc_reminders_fire (self, fire->slot);
  }

  self->checked_until = now;
  fc_reminders_arm (self, slots, now);
}

gint64
fc_reminders_get_next_fire (FcReminders *self)
{
  g_return_val_if_fail (FC_IS_REMINDERS (self), 0);

  return self->next_fire;
}

gboolean
fc_reminders_get_has_enabled (FcReminders *self)
{
  g_return_val_if_fail (FC_IS_REMINDERS (self), FALSE);

  return self->has_enabled;
}

GArray *
fc_reminders_list (FcReminders *self)
{
  g_return_val_if_fail (FC_IS_REMINDERS (self), NULL);

  return fc_reminders_read (self);
}

char *
fc_reminders_add (FcReminders    *self,
                  FcReminderKind  kind,
                  guint8          days,
                  guint8          hour,
                  guint8          minute)
{
  g_autoptr(GArray) reminders = NULL;
  FcReminder reminder = { 0 };

  g_return_val_if_fail (FC_IS_REMINDERS (self), NULL);
  g_return_val_if_fail (kind == FC_REMINDER_WORKOUT || kind == FC_REMINDER_WEIGH_IN, NULL);
  g_return_val_if_fail (hour <= 23 && minute <= 59, NULL);

  reminders = fc_reminders_read (self);
  reminder.id = g_uuid_string_random ();
  reminder.kind = kind;
  reminder.enabled = TRUE;
  reminder.days = days & FC_REMINDER_EVERY_DAY;
  reminder.hour = hour;
  reminder.minute = minute;
  g_array_append_val (reminders, reminder);
  fc_reminders_write (self, reminders);

  return g_strdup (reminder.id);
}

gboolean
fc_reminders_update (FcReminders      *self,
                     const FcReminder *reminder)
{
  g_autoptr(GArray) reminders = NULL;

  g_return_val_if_fail (FC_IS_REMINDERS (self), FALSE);
  g_return_val_if_fail (reminder != NULL && reminder->id != NULL, FALSE);
  g_return_val_if_fail (reminder->hour <= 23 && reminder->minute <= 59, FALSE);

  reminders = fc_reminders_read (self);
  for (guint i = 0; i < reminders->len; i++) {
    FcReminder *r = &g_array_index (reminders, FcReminder, i);

    if (!g_str_equal (r->id, reminder->id))
      continue;
    r->kind = reminder->kind;
    r->enabled = reminder->enabled;
    r->days = reminder->days & FC_REMINDER_EVERY_DAY;
    r->hour = reminder->hour;
    r->minute = reminder->minute;
    fc_reminders_write (self, reminders);
    return TRUE;
  }

  return FALSE;
}

gboolean
fc_reminders_remove (FcReminders *self,
                     const char  *id)
{
  g_autoptr(GArray) reminders = NULL;

  g_return_val_if_fail (FC_IS_REMINDERS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  reminders = fc_reminders_read (self);
  for (guint i = 0; i < reminders->len; i++) {
    if (g_str_equal (g_array_index (reminders, FcReminder, i).id, id)) {
      g_array_remove_index (reminders, i);
      fc_reminders_write (self, reminders);
      return TRUE;
    }
  }

  return FALSE;
}

gboolean
fc_reminders_get_meal_enabled (FcReminders *self,
                               const char  *code)
{
  g_auto(GStrv) codes = NULL;

  g_return_val_if_fail (FC_IS_REMINDERS (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  codes = g_settings_get_strv (self->settings, "meal-reminders");
  return g_strv_contains ((const char * const *) codes, code);
}

void
fc_reminders_set_meal_enabled (FcReminders *self,
                               const char  *code,
                               gboolean     enabled)
{
  g_auto(GStrv) codes = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) result = NULL;

  g_return_if_fail (FC_IS_REMINDERS (self));
  g_return_if_fail (code != NULL);

  codes = g_settings_get_strv (self->settings, "meal-reminders");
  if (g_strv_contains ((const char * const *) codes, code) == enabled)
    return;

  for (guint i = 0; codes[i] != NULL; i++) {
    if (!g_str_equal (codes[i], code))
      g_strv_builder_add (builder, codes[i]);
  }
  if (enabled)
    g_strv_builder_add (builder, code);
  result = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "meal-reminders", (const char * const *) result);
}

void
fc_reminder_clear (FcReminder *reminder)
{
  g_clear_pointer (&reminder->id, g_free);
}

gboolean
fc_reminders_test_clock_enabled (void)
{
#ifdef FC_TEST_CLOCK
  return g_strcmp0 (g_getenv ("FITCORE_TEST_CLOCK"), "1") == 0;
#else
  return FALSE;
#endif
}

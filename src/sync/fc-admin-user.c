/* fc-admin-user.c — one account as admin/users/ lists it, or a placeholder for one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore-admin"

#include "config.h"

#include "fc-admin-user.h"

#include <string.h>

#include "fc-json.h"

struct _FcAdminUser
{
  GObject   parent_instance;

  gint64    id;
  char     *email;
  char     *name;
  char     *joined;
  char     *last_seen;
  gboolean  is_staff;
  gboolean  has_premium;
  gboolean  is_active;
  gboolean  loaded;
};

G_DEFINE_FINAL_TYPE (FcAdminUser, fc_admin_user, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_EMAIL,
  PROP_NAME,
  PROP_JOINED,
  PROP_LAST_SEEN,
  PROP_IS_STAFF,
  PROP_HAS_PREMIUM,
  PROP_IS_ACTIVE,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (FcAdminUser *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_boolean (FcAdminUser *self,
             gboolean    *field,
             gboolean     value,
             guint        prop)
{
  if (*field == !!value)
    return;
  *field = !!value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* The UTC day of an ISO 8601 time, "" for none. */
static char *
day_of (const char *iso)
{
  if (iso == NULL || strlen (iso) < 10)
    return g_strdup ("");
  return g_strndup (iso, 10);
}

static void
fc_admin_user_finalize (GObject *object)
{
  FcAdminUser *self = FC_ADMIN_USER (object);

  g_free (self->email);
  g_free (self->name);
  g_free (self->joined);
  g_free (self->last_seen);

  G_OBJECT_CLASS (fc_admin_user_parent_class)->finalize (object);
}

static void
fc_admin_user_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FcAdminUser *self = FC_ADMIN_USER (object);

  switch (prop_id) {
  case PROP_ID:
    g_value_set_int64 (value, self->id);
    break;
  case PROP_EMAIL:
    g_value_set_string (value, self->email);
    break;
  case PROP_NAME:
    g_value_set_string (value, self->name);
    break;
  case PROP_JOINED:
    g_value_set_string (value, self->joined);
    break;
  case PROP_LAST_SEEN:
    g_value_set_string (value, self->last_seen);
    break;
  case PROP_IS_STAFF:
    g_value_set_boolean (value, self->is_staff);
    break;
  case PROP_HAS_PREMIUM:
    g_value_set_boolean (value, self->has_premium);
    break;
  case PROP_IS_ACTIVE:
    g_value_set_boolean (value, self->is_active);
    break;
  case PROP_LOADED:
    g_value_set_boolean (value, self->loaded);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_admin_user_class_init (FcAdminUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_admin_user_finalize;
  object_class->get_property = fc_admin_user_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, "", flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_JOINED] = g_param_spec_string ("joined", NULL, NULL, "", flags);
  properties[PROP_LAST_SEEN] = g_param_spec_string ("last-seen", NULL, NULL, "", flags);
  properties[PROP_IS_STAFF] = g_param_spec_boolean ("is-staff", NULL, NULL, FALSE, flags);
  properties[PROP_HAS_PREMIUM] = g_param_spec_boolean ("has-premium", NULL, NULL, FALSE, flags);
  properties[PROP_IS_ACTIVE] = g_param_spec_boolean ("is-active", NULL, NULL, FALSE, flags);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_admin_user_init (FcAdminUser *self)
{
  self->email = g_strdup ("");
  self->name = g_strdup ("");
  self->joined = g_strdup ("");
  self->last_seen = g_strdup ("");
}

FcAdminUser *
fc_admin_user_new (void)
{
  return g_object_new (FC_TYPE_ADMIN_USER, NULL);
}

void
fc_admin_user_update (FcAdminUser *self,
                      JsonObject  *object)
{
  const char *first, *last;
  g_autofree char *name = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *last_seen = NULL;
  gint64 id = 0;
  gboolean flag;

  g_return_if_fail (FC_IS_ADMIN_USER (self));
  g_return_if_fail (object != NULL);

  g_object_freeze_notify (G_OBJECT (self));

  if (fc_json_get_int (object, "id", &id) && id != self->id) {
    self->id = id;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
  }
  set_string (self, &self->email, fc_json_get_string (object, "email") ?: "", PROP_EMAIL);

  first = fc_json_get_string (object, "first_name");
  last = fc_json_get_string (object, "last_name");
  name = g_strstrip (g_strdup_printf ("%s %s", first ?: "", last ?: ""));
  set_string (self, &self->name, name, PROP_NAME);

  joined = day_of (fc_json_get_string (object, "date_joined"));
  set_string (self, &self->joined, joined, PROP_JOINED);
  last_seen = day_of (fc_json_get_string (object, "last_seen"));
  set_string (self, &self->last_seen, last_seen, PROP_LAST_SEEN);

  if (fc_json_get_boolean (object, "is_staff", &flag))
    set_boolean (self, &self->is_staff, flag, PROP_IS_STAFF);
  if (fc_json_get_boolean (object, "has_premium", &flag))
    set_boolean (self, &self->has_premium, flag, PROP_HAS_PREMIUM);
  if (fc_json_get_boolean (object, "is_active", &flag))
    set_boolean (self, &self->is_active, flag, PROP_IS_ACTIVE);
  set_boolean (self, &self->loaded, TRUE, PROP_LOADED);

  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
fc_admin_user_get_loaded (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), FALSE);
  return self->loaded;
}

gint64
fc_admin_user_get_id (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), 0);
  return self->id;
}

const char *
fc_admin_user_get_email (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), NULL);
  return self->email;
}

const char *
fc_admin_user_get_name (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), NULL);
  return self->name;
}

const char *
fc_admin_user_get_joined (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), NULL);
  return self->joined;
}

gboolean
fc_admin_user_get_is_staff (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), FALSE);
  return self->is_staff;
}

gboolean
fc_admin_user_get_has_premium (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), FALSE);
  return self->has_premium;
}

gboolean
fc_admin_user_get_is_active (FcAdminUser *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER (self), FALSE);
  return self->is_active;
}

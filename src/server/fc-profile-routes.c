/* fc-profile-routes.c — /api/v1/auth/profile/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The caller's own profile only, in JSON or multipart. An uploaded image is
 * decoded in full on a worker thread before it is kept (the Django backend
 * uses Pillow's verify() for the same), stored under the media dir with the
 * extension of the format it really is, and served back under /media/.
 */

#define G_LOG_DOMAIN "fc-profile"

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "fc-media.h"
#include "fc-sql.h"
#include "fc-server.h"
#include "fc-time.h"
#include "fc-users.h"
#include "fc-validate.h"

#define PROFILE_DIR "profile"
#define FITNESS_GOAL_MAX_LENGTH 255
#define INVALID_IMAGE "Upload a valid image. The file you uploaded was either not an image or a " \
                      "corrupted image."

static const char * const genders[] = { "male", "female", NULL };

static void
ensure_profile (FcSql *db,
                gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO profiles (user_id, updated_at) VALUES (?, ?)"
                              " ON CONFLICT DO NOTHING");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, now);
  fc_sql_step_done (stmt);
}

static void
set_nullable_double (JsonObject   *object,
                     const char   *name,
                     FcSqlStmt *stmt,
                     int           column)
{
  if (fc_sql_column_is_null (stmt, column))
    json_object_set_null_member (object, name);
  else
    json_object_set_double_member (object, name, fc_sql_column_double (stmt, column));
}

static void
set_nullable_text (JsonObject   *object,
                   const char   *name,
                   FcSqlStmt *stmt,
                   int           column)
{
  const char *text = fc_sql_column_text (stmt, column);

  if (text == NULL)
    json_object_set_null_member (object, name);
  else
    json_object_set_string_member (object, name, text);
}

JsonNode *
fc_profile_to_json (FcServerRequest *request,
                    gint64           user_id)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcSqlStmt) stmt = NULL;
  JsonObject *object;
  JsonNode *node;
  JsonNode *user;
  const char *img;

  stmt = fc_sql_prepare (db, "SELECT id, img, age, weight, height, gender, fitness_goal "
                                   "FROM profiles WHERE user_id = ?");
  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return NULL;

  object = json_object_new ();
  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  user = fc_users_to_json (db, user_id, FALSE);
  json_object_set_member (object, "user", user != NULL ? user : json_node_new (JSON_NODE_NULL));
  img = fc_sql_column_text (stmt, 1);
  if (img != NULL && *img != '\0') {
    g_autofree char *url = fc_media_url (request, img);

    json_object_set_string_member (object, "img", url);
  } else {
    json_object_set_null_member (object, "img");
  }
  if (fc_sql_column_is_null (stmt, 2))
    json_object_set_null_member (object, "age");
  else
    json_object_set_int_member (object, "age", fc_sql_column_int64 (stmt, 2));
  set_nullable_double (object, "weight", stmt, 3);
  set_nullable_double (object, "height", stmt, 4);
  set_nullable_text (object, "gender", stmt, 5);
  set_nullable_text (object, "fitness_goal", stmt, 6);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

static void
respond_profile (FcServerRequest *request)
{
  JsonNode *node = fc_profile_to_json (request, fc_server_request_get_user_id (request));

  if (node == NULL)
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, "Not found.");
  else
    fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

static gboolean
is_form_body (FcServerRequest *request)
{
  const char *type = fc_server_request_get_header (request, "Content-Type");

  return type != NULL && (g_ascii_strncasecmp (type, "multipart/form-data", 19) == 0 ||
                          g_ascii_strncasecmp (type, "application/x-www-form-urlencoded", 33) == 0);
}

/* DRF reads an empty form value of a nullable field as null. */
static JsonObject *
normalize_form (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  JsonObject *copy;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!is_form_body (request))
    return json_object_ref (body);

  copy = json_object_new ();
  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &value)) {
    const char *text = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_string (value) : NULL;

    if (text != NULL && *text == '\0')
      json_object_set_null_member (copy, name);
    else
      json_object_set_member (copy, name, json_node_copy (value));
  }
  return copy;
}

typedef struct {
  gboolean     has_age, age_null;
  gint64       age;
  gboolean     has_weight, weight_null;
  double       weight;
  gboolean     has_height, height_null;
  double       height;
  gboolean     has_gender;
  const char  *gender;
  gboolean     has_goal;
  const char  *goal;
  gboolean     clear_img;
  GBytes      *img;
  const char  *img_name;
  const char  *img_extension;
} ProfileUpdate;

static void
validate_update (FcServerRequest *request,
                 JsonObject      *body,
                 FcFieldErrors   *errors,
                 ProfileUpdate   *update)
{
  update->has_age = fc_validate_integer (body, "age", FALSE, TRUE, 0, G_MAXINT32, errors,
                                         &update->age, &update->age_null);
  update->has_weight = fc_validate_number (body, "weight", FALSE, TRUE, 0, INFINITY, errors,
                                           &update->weight, &update->weight_null);
  update->has_height = fc_validate_number (body, "height", FALSE, TRUE, 0, INFINITY, errors,
                                           &update->height, &update->height_null);
  if (fc_json_is_null (body, "gender"))
    update->has_gender = TRUE;
  else
    update->has_gender = fc_validate_choice (body, "gender", FALSE, TRUE, genders, errors,
                                             &update->gender);
  if (fc_json_is_null (body, "fitness_goal"))
    update->has_goal = TRUE;
  else
    update->has_goal = fc_validate_string (body, "fitness_goal", FALSE, TRUE,
                                           FITNESS_GOAL_MAX_LENGTH, errors, &update->goal);

  /* An image is checked afterwards, off the main loop (update_profile()). */
  update->img = fc_server_request_get_file (request, "img", &update->img_name, NULL);
  if (update->img == NULL && fc_json_has_member (body, "img")) {
    if (fc_json_is_null (body, "img"))
      update->clear_img = TRUE;
    else
      fc_field_errors_add (errors, "img", "The submitted data was not a file. Check the encoding "
                                          "type on the form.");
  }
}

static char *
current_image (FcSql *db,
               gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "SELECT img FROM profiles WHERE user_id = ?");

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return NULL;
  return g_strdup (fc_sql_column_text (stmt, 0));
}

static void
bind_nullable_int (FcSqlStmt *stmt,
                   int           index,
                   gboolean      is_null,
                   gint64        value)
{
  if (is_null)
    fc_sql_bind_null (stmt, index);
  else
    fc_sql_bind_int64 (stmt, index, value);
}

static void
bind_nullable_double (FcSqlStmt *stmt,
                      int           index,
                      gboolean      is_null,
                      double        value)
{
  if (is_null)
    fc_sql_bind_null (stmt, index);
  else
    fc_sql_bind_double (stmt, index, value);
}

/* Writes a validated update whose image, if any, was checked. FALSE after
 * answering with an error. */
static gboolean
write_profile (FcServerRequest *request,
               ProfileUpdate   *update_in)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_img = NULL;
  g_autofree char *new_img = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  ProfileUpdate update = *update_in;

  ensure_profile (db, user_id);
  old_img = current_image (db, user_id);

  if (update.img != NULL) {
    g_autofree char *base = g_path_get_basename (update.img_name);
    char *dot = strrchr (base, '.');
    g_autofree char *name = NULL;

    if (dot != NULL && dot != base)
      *dot = '\0';
    name = g_strconcat (base, update.img_extension, NULL);
    new_img = fc_media_store (config->media_dir, PROFILE_DIR, name, update.img, &error);
    if (new_img == NULL) {
      g_warning ("Cannot store a profile image: %s", error->message);
      fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                        "A server error occurred.");
      return FALSE;
    }
  }

  /* The flags are integers, which PostgreSQL's CASE WHEN does not take as
   * conditions: compare them. */
  stmt = fc_sql_prepare (db,
                         "UPDATE profiles SET "
                         "age = CASE WHEN ?1 <> 0 THEN ?2 ELSE age END, "
                         "weight = CASE WHEN ?3 <> 0 THEN ?4 ELSE weight END, "
                         "height = CASE WHEN ?5 <> 0 THEN ?6 ELSE height END, "
                         "gender = CASE WHEN ?7 <> 0 THEN ?8 ELSE gender END, "
                         "fitness_goal = CASE WHEN ?9 <> 0 THEN ?10 ELSE fitness_goal END, "
                         "img = CASE WHEN ?11 <> 0 THEN ?12 ELSE img END, "
                         "updated_at = ?13 WHERE user_id = ?14");
  fc_sql_bind_int64 (stmt, 1, update.has_age);
  bind_nullable_int (stmt, 2, update.age_null, update.age);
  fc_sql_bind_int64 (stmt, 3, update.has_weight);
  bind_nullable_double (stmt, 4, update.weight_null, update.weight);
  fc_sql_bind_int64 (stmt, 5, update.has_height);
  bind_nullable_double (stmt, 6, update.height_null, update.height);
  fc_sql_bind_int64 (stmt, 7, update.has_gender);
  fc_sql_bind_text (stmt, 8, update.gender);
  fc_sql_bind_int64 (stmt, 9, update.has_goal);
  fc_sql_bind_text (stmt, 10, update.goal);
  fc_sql_bind_int64 (stmt, 11, new_img != NULL || update.clear_img);
  fc_sql_bind_text (stmt, 12, new_img);
  fc_sql_bind_text (stmt, 13, now);
  fc_sql_bind_int64 (stmt, 14, user_id);
  if (!fc_sql_step_done (stmt)) {
    fc_media_remove (config->media_dir, new_img);
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
    return FALSE;
  }

  /* The replaced file is no longer referenced by anyone. */
  if ((new_img != NULL || update.clear_img) && old_img != NULL)
    fc_media_remove (config->media_dir, old_img);
  return TRUE;
}

/* Main thread again, after the image was decoded: the continuation writes
 * in a transaction of its own. */
static void
on_image_checked_cb (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FcServerRequest) request = user_data;
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(JsonObject) body = normalize_form (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  ProfileUpdate update = { 0 };

  /* Valid before; validated again only to point into this body. */
  validate_update (request, body, errors, &update);
  update.img_extension = fc_validate_image_finish (result);
  if (update.img_extension == NULL)
    fc_field_errors_add (errors, "img", INVALID_IMAGE);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The database is busy; try again.");
    return;
  }
  if (!fc_sql_end (db, write_profile (request, &update))) {
    if (!fc_server_request_has_responded (request))
      fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                        "A server error occurred.");
    return;
  }
  if (!fc_server_request_has_responded (request))
    respond_profile (request);
}

static void
update_profile (FcServerRequest *request)
{
  g_autoptr(JsonObject) body = normalize_form (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  ProfileUpdate update = { 0 };

  validate_update (request, body, errors, &update);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  /* Decoding a large image takes a while: never on the main loop. */
  if (update.img != NULL) {
    fc_validate_image_async (update.img, NULL, on_image_checked_cb,
                             fc_server_request_ref (request));
    return;
  }
  if (write_profile (request, &update))
    respond_profile (request);
}

static void
profile_cb (FcServerRequest *request)
{
  if (g_str_equal (fc_server_request_get_method (request), "GET"))
    respond_profile (request);
  else
    update_profile (request);
}

static const FcRoute routes[] = {
  { "GET", "/api/v1/auth/profile/", FC_AUTH_REQUIRED, profile_cb },
  { "PUT", "/api/v1/auth/profile/", FC_AUTH_REQUIRED, profile_cb },
  { "PATCH", "/api/v1/auth/profile/", FC_AUTH_REQUIRED, profile_cb },
};

const FcRoute *
fc_profile_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}

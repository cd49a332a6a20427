/* fc-workouts-page.c — the Workouts section: a grid of workouts, their
 * details and downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything shown comes from the store (FcWorkoutListModel), so the grid
 * is there offline; thumbnails come from the session's media cache, fetched
 * once. Downloads are FcDownloadManager's, shared with Preferences.
 */

#define G_LOG_DOMAIN "fc-workouts-page"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-application.h"
#include "fc-accessible.h"
#include "fc-gstreamer.h"
#include "fc-json.h"
#include "fc-player-window.h"
#include "fc-workout-card.h"
#include "fc-workout-detail.h"
#include "fc-workout-format.h"
#include "fc-workout-list-model.h"
#include "fc-workouts-page.h"
#include "fc-wrap-box.h"

/* The access filter's entries, in FcWorkoutPremiumFilter order. */
static const char * const access_labels[] = {
  N_("Free and Premium"), N_("Free"), N_("Premium"),
};

struct _FcWorkoutsPage
{
  AdwBin              parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *category_dropdown;
  GtkDropDown        *difficulty_dropdown;
  GtkDropDown        *access_dropdown;
  GtkToggleButton    *downloaded_button;
  GtkStack           *content_stack;
  GtkGridView        *grid_view;
  AdwStatusPage      *empty_page;
  FcWorkoutDetail    *detail;

  /* Owned */
  FcSession          *session;
  FcDownloadManager  *downloads;
  FcWorkoutListModel *model;
  GtkFilterListModel *filtered;
  GtkCustomFilter    *downloaded_filter;
  GSignalGroup       *store_signals;
  GArray             *category_ids;   /* gint64, the drop-down's order after "All" */
  GHashTable         *thumbnails;     /* url → GdkTexture, or a NULL value while loading */
  GPtrArray          *cards;          /* the grid's cards, to fill in thumbnails; a ref each,
                                       * so that a card the grid dropped is never a dangling
                                       * pointer here */
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (FcWorkoutsPage, fc_workouts_page, ADW_TYPE_BIN)

/* The thumbnail table holds NULL while a texture loads. */
static void
unref_texture (gpointer texture)
{
  if (texture != NULL)
    g_object_unref (texture);
}

static FcStore *
get_store (FcWorkoutsPage *self)
{
  return self->session != NULL ? fc_session_get_store (self->session) : NULL;
}

typedef struct {
  FcWorkoutsPage *self;
  char           *url;
} ThumbnailLoad;

static void
thumbnail_load_free (ThumbnailLoad *load)
{
  g_object_unref (load->self);
  g_free (load->url);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbnailLoad, thumbnail_load_free)

static void
apply_thumbnail (FcWorkoutsPage *self,
                 const char     *url,
                 GdkTexture     *texture)
{
  FcWorkoutItem *shown = fc_workout_detail_get_item (self->detail);

  for (guint i = 0; i < self->cards->len; i++) {
    FcWorkoutCard *card = g_ptr_array_index (self->cards, i);
    FcWorkoutItem *item = fc_workout_card_get_item (card);

    if (item != NULL && g_strcmp0 (fc_workout_item_get_thumbnail_url (item), url) == 0)
      fc_workout_card_set_thumbnail (card, GDK_PAINTABLE (texture));
  }
  if (shown != NULL && g_strcmp0 (fc_workout_item_get_thumbnail_url (shown), url) == 0)
    fc_workout_detail_set_thumbnail (self->detail, GDK_PAINTABLE (texture));
}

static void
thumbnail_bytes_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ThumbnailLoad) load = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  if (bytes != NULL)
    texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_debug ("No thumbnail %s: %s", load->url, error->message);
    /* Forget the failure: the next bind may find the network back. */
    g_hash_table_remove (load->self->thumbnails, load->url);
    return;
  }

  g_hash_table_replace (load->self->thumbnails, g_strdup (load->url), g_object_ref (texture));
  apply_thumbnail (load->self, load->url, texture);
}

static void
thumbnail_fetched_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ThumbnailLoad) load = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  file = fc_session_fetch_media_finish (FC_SESSION (object), result, &error);
  if (file == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_hash_table_remove (load->self->thumbnails, load->url);
    return;
  }

  /* A small PNG: read off the main thread, decoded on it. The cancellable
   * is read before the steal: argument order is unspecified. */
  cancellable = load->self->cancellable;
  g_file_load_bytes_async (file, cancellable, thumbnail_bytes_cb, g_steal_pointer (&load));
}

/* Returns the texture when it is loaded; otherwise starts loading it once
 * and apply_thumbnail() fills it in. */
static GdkTexture *
lookup_thumbnail (FcWorkoutsPage *self,
                  const char     *url)
{
  ThumbnailLoad *load;
  gpointer texture = NULL;

  if (url == NULL || self->session == NULL)
    return NULL;
  if (g_hash_table_lookup_extended (self->thumbnails, url, NULL, &texture))
    return texture;

  g_hash_table_insert (self->thumbnails, g_strdup (url), NULL);
  load = g_new0 (ThumbnailLoad, 1);
  load->self = g_object_ref (self);
  load->url = g_strdup (url);
  fc_session_fetch_media_async (self->session, url, self->cancellable, thumbnail_fetched_cb, load);
  return NULL;
}

static FcDownloadStatus
download_status (FcWorkoutsPage *self,
                 FcWorkoutItem  *item)
{
  if (self->downloads == NULL)
    return FC_DOWNLOAD_NONE;
  return fc_download_manager_get_status (self->downloads, fc_workout_item_get_id (item));
}

static void
setup_card_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               FcWorkoutsPage           *self)
{
  GtkWidget *card = fc_workout_card_new ();

  gtk_list_item_set_child (list_item, card);
  /* GtkSignalListItemFactory emits "teardown" after it has unset the
   * child, so the card is remembered on the list item to be found then. */
  g_object_set_data (G_OBJECT (list_item), "fc-workout-card", card);
  g_ptr_array_add (self->cards, g_object_ref (card));
}

static void
teardown_card_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  FcWorkoutsPage           *self)
{
  GtkWidget *card = g_object_steal_data (G_OBJECT (list_item), "fc-workout-card");

  if (card != NULL && self->cards != NULL)
    g_ptr_array_remove_fast (self->cards, card);
}

static void
bind_card_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              FcWorkoutsPage           *self)
{
  FcWorkoutCard *card = FC_WORKOUT_CARD (gtk_list_item_get_child (list_item));
  FcWorkoutItem *item = gtk_list_item_get_item (list_item);
  GdkTexture *texture;

  fc_workout_card_set_item (card, item, download_status (self, item));
  /* The grid's cell (a GtkListItemWidget, the card's parent) is what a
   * screen reader lands on first: without a name it reads its type. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (card))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, fc_workout_item_get_title (item),
                                  -1);
  texture = lookup_thumbnail (self, fc_workout_item_get_thumbnail_url (item));
  fc_workout_card_set_thumbnail (card, texture != NULL ? GDK_PAINTABLE (texture) : NULL);
}

static gboolean
filters_active (FcWorkoutsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return (text != NULL && *text != '\0') ||
         gtk_drop_down_get_selected (self->category_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->difficulty_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->access_dropdown) > 0;
}

static void
update_empty_state (FcWorkoutsPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;

  if (self->model != NULL && fc_store_model_get_loading (FC_STORE_MODEL (self->model)) && empty)
    return;   /* keep what is shown until the first answer */

  if (!empty) {
    gtk_stack_set_visible_child_name (self->content_stack, "grid");
    return;
  }

  if (gtk_toggle_button_get_active (self->downloaded_button) && !filters_active (self)) {
    adw_status_page_set_icon_name (self->empty_page, "folder-download-symbolic");
    adw_status_page_set_title (self->empty_page, _("No Downloaded Workouts"));
    adw_status_page_set_description (self->empty_page,
                                     _("Download a workout to watch it without a connection."));
  } else if (filters_active (self) || gtk_toggle_button_get_active (self->downloaded_button)) {
    adw_status_page_set_icon_name (self->empty_page, "system-search-symbolic");
    adw_status_page_set_title (self->empty_page, _("No Matching Workouts"));
    adw_status_page_set_description (self->empty_page, _("Try another search or fewer filters."));
  } else {
    adw_status_page_set_icon_name (self->empty_page, "fc-workouts-symbolic");
    adw_status_page_set_title (self->empty_page, _("No Workouts Yet"));
    adw_status_page_set_description (self->empty_page,
                                     _("Workouts appear here once FitCore has synced with the "
                                       "server. They stay readable without a connection."));
  }
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

/* The store changed a workout (progress, a re-pull): show the new copy. */
static void
refresh_detail (FcWorkoutsPage *self)
{
  FcWorkoutItem *shown = fc_workout_detail_get_item (self->detail);
  guint n;

  if (shown == NULL || self->model == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  for (guint i = 0; i < n; i++) {
    g_autoptr(FcWorkoutItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), i);

    if (fc_workout_item_get_id (item) == fc_workout_item_get_id (shown)) {
      if (item != shown)
        fc_workout_detail_set_item (self->detail, item);
      return;
    }
  }
}

static void
on_items_changed_cb (FcWorkoutsPage *self)
{
  update_empty_state (self);
  refresh_detail (self);
}

static void
show_detail (FcWorkoutsPage *self,
             FcWorkoutItem  *item)
{
  GdkTexture *texture = lookup_thumbnail (self, fc_workout_item_get_thumbnail_url (item));

  fc_workout_detail_set_item (self->detail, item);
  fc_workout_detail_set_thumbnail (self->detail, texture != NULL ? GDK_PAINTABLE (texture) : NULL);
  gtk_stack_set_visible_child_name (self->stack, "detail");
  gtk_widget_grab_focus (GTK_WIDGET (self->detail));
}

static void
on_grid_activate_cb (FcWorkoutsPage *self,
                     guint           position)
{
  g_autoptr(FcWorkoutItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (item != NULL)
    show_detail (self, item);
}

static void
on_detail_back_cb (FcWorkoutsPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, "browse");
  gtk_widget_grab_focus (GTK_WIDGET (self->grid_view));
}

typedef struct {
  FcWorkoutsPage *self;
  FcWorkoutItem  *item;
  guint           index;
} PlayRequest;

static void
play_request_free (PlayRequest *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->item);
  g_free (request);
}

static void
open_player (FcWorkoutsPage *self,
             FcWorkoutItem  *item,
             guint           index)
{
  GtkApplication *app = GTK_APPLICATION (g_application_get_default ());
  GtkWidget *window;

  if (self->session == NULL)
    return;
  window = fc_player_window_new (app, self->session, self->downloads, item, index);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_gstreamer_ready_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  PlayRequest *request = user_data;
  g_autoptr(GError) error = NULL;

  if (fc_gstreamer_init_finish (result, &error))
    open_player (request->self, request->item, request->index);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("GStreamer cannot start, the workout cannot play: %s", error->message);
  play_request_free (request);
}

static void
on_detail_play_cb (FcWorkoutsPage *self,
                   guint           index)
{
  FcWorkoutItem *item = fc_workout_detail_get_item (self->detail);
  PlayRequest *request;

  if (item == NULL || self->session == NULL)
    return;

  /* Usually loaded since the window appeared; if not (Play within the
   * first seconds of a first run), the player opens when it is. */
  if (fc_gstreamer_is_ready ()) {
    open_player (self, item, index);
    return;
  }
  request = g_new0 (PlayRequest, 1);
  request->self = g_object_ref (self);
  request->item = g_object_ref (item);
  request->index = index;
  fc_gstreamer_init_async (self->cancellable, on_gstreamer_ready_cb, request);
}

static void
on_search_changed_cb (FcWorkoutsPage *self)
{
  if (self->model != NULL)
    fc_workout_list_model_set_search (self->model,
                                      gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_filters_changed_cb (FcWorkoutsPage *self)
{
  guint category = gtk_drop_down_get_selected (self->category_dropdown);
  guint difficulty = gtk_drop_down_get_selected (self->difficulty_dropdown);
  guint access = gtk_drop_down_get_selected (self->access_dropdown);

  if (self->model == NULL)
    return;

  fc_workout_list_model_set_category_id (self->model,
                                         category > 0 && category <= self->category_ids->len
                                           ? g_array_index (self->category_ids, gint64, category - 1)
                                           : 0);
  fc_workout_list_model_set_difficulty (self->model,
                                        difficulty > 0 && difficulty <= FC_WORKOUT_N_DIFFICULTIES
                                          ? fc_workout_difficulty_code (difficulty - 1) : NULL);
  fc_workout_list_model_set_premium (self->model,
                                     access < G_N_ELEMENTS (access_labels)
                                       ? (FcWorkoutPremiumFilter) access : FC_WORKOUT_PREMIUM_ANY);
  update_empty_state (self);
}

static gboolean
downloaded_filter_func (gpointer item,
                        gpointer user_data)
{
  FcWorkoutsPage *self = user_data;

  return !gtk_toggle_button_get_active (self->downloaded_button) ||
         download_status (self, item) != FC_DOWNLOAD_NONE;
}

static void
on_downloaded_toggled_cb (FcWorkoutsPage *self)
{
  gtk_filter_changed (GTK_FILTER (self->downloaded_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_empty_state (self);
}

static void
on_downloads_changed_cb (FcWorkoutsPage *self,
                         gint64          workout_id)
{
  /* The downloaded badge on the cards, and the filter when it is on. */
  for (guint i = 0; i < self->cards->len; i++) {
    FcWorkoutCard *card = g_ptr_array_index (self->cards, i);
    FcWorkoutItem *item = fc_workout_card_get_item (card);

    if (item != NULL && (workout_id == 0 || fc_workout_item_get_id (item) == workout_id))
      fc_workout_card_set_item (card, item, download_status (self, item));
  }
  if (gtk_toggle_button_get_active (self->downloaded_button))
    gtk_filter_changed (GTK_FILTER (self->downloaded_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
categories_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FcWorkoutsPage) self = user_data;
  g_autoptr(JsonArray) categories = NULL;
  g_autoptr(GtkStringList) names = NULL;
  g_autoptr(GError) error = NULL;
  gint64 selected_id = 0;
  guint selected = gtk_drop_down_get_selected (self->category_dropdown);

  categories = fc_store_list_objects_finish (FC_STORE (object), result, &error);
  if (categories == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot read the workout categories: %s", error->message);
    return;
  }

  if (selected > 0 && selected <= self->category_ids->len)
    selected_id = g_array_index (self->category_ids, gint64, selected - 1);

  names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("All Categories"));
  g_array_set_size (self->category_ids, 0);
  selected = 0;
  for (guint i = 0; i < json_array_get_length (categories); i++) {
    JsonObject *category = json_array_get_object_element (categories, i);
    gint64 id = 0;

    if (category == NULL || !fc_json_get_int (category, "id", &id) ||
        fc_json_get_string (category, "name") == NULL)
      continue;
    g_array_append_val (self->category_ids, id);
    gtk_string_list_append (names, fc_json_get_string (category, "name"));
    if (id == selected_id)
      selected = self->category_ids->len;
  }

  g_signal_handlers_block_by_func (self->category_dropdown, on_filters_changed_cb, self);
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->category_dropdown, selected);
  g_signal_handlers_unblock_by_func (self->category_dropdown, on_filters_changed_cb, self);
  on_filters_changed_cb (self);
}

static void
load_categories (FcWorkoutsPage *self)
{
  FcStore *store = get_store (self);

  if (store != NULL)
    fc_store_list_objects_async (store, FC_STORE_WORKOUT_CATEGORIES, self->cancellable,
                                 categories_loaded_cb, g_object_ref (self));
}

static void
on_store_changed_cb (FcWorkoutsPage *self)
{
  FcStore *store = get_store (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->thumbnails);
  g_signal_group_set_target (self->store_signals, store);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  gtk_stack_set_visible_child_name (self->stack, "browse");
  fc_workout_detail_set_item (self->detail, NULL);

  if (store != NULL) {
    self->model = fc_workout_list_model_new (store);
    g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_items_changed_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_empty_state),
                             self, G_CONNECT_SWAPPED);
    on_search_changed_cb (self);
    load_categories (self);
  }
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->model));
  update_empty_state (self);
}

static void
fc_workouts_page_dispose (GObject *object)
{
  FcWorkoutsPage *self = FC_WORKOUTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->downloads != NULL)
    g_signal_handlers_disconnect_by_data (self->downloads, self);
  g_clear_object (&self->session);
  g_clear_object (&self->downloads);
  g_clear_object (&self->model);
  g_clear_object (&self->store_signals);
  g_clear_pointer (&self->category_ids, g_array_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);

  /* The stack is both AdwBin's child and a template child: take it from
   * the bin first, or it is unparented twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_WORKOUTS_PAGE);

  g_clear_object (&self->filtered);
  g_clear_pointer (&self->cards, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_workouts_page_parent_class)->dispose (object);
}

static void
fc_workouts_page_class_init (FcWorkoutsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_workouts_page_dispose;

  g_type_ensure (FC_TYPE_WORKOUT_DETAIL);
  g_type_ensure (FC_TYPE_WRAP_BOX);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/workouts/fc-workouts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, difficulty_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, access_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, downloaded_button);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutsPage, detail);
}

static void
fc_workouts_page_init (FcWorkoutsPage *self)
{
  g_autoptr(GtkStringList) difficulties = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) access = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);
  g_autoptr(GtkNoSelection) selection = NULL;
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->category_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_texture);
  self->cards = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  gtk_string_list_append (difficulties, _("All Levels"));
  for (guint i = 0; i < FC_WORKOUT_N_DIFFICULTIES; i++)
    gtk_string_list_append (difficulties,
                            fc_workout_difficulty_label (fc_workout_difficulty_code (i)));
  gtk_drop_down_set_model (self->difficulty_dropdown, G_LIST_MODEL (difficulties));
  for (guint i = 0; i < G_N_ELEMENTS (access_labels); i++)
    gtk_string_list_append (access, _(access_labels[i]));
  gtk_drop_down_set_model (self->access_dropdown, G_LIST_MODEL (access));
  gtk_string_list_append (categories, _("All Categories"));
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (categories));
  /* The button inside each drop-down is what Tab and Orca reach. */
  fc_accessible_name_buttons (GTK_WIDGET (self->category_dropdown), _("Category"));
  fc_accessible_name_buttons (GTK_WIDGET (self->difficulty_dropdown), _("Difficulty"));
  fc_accessible_name_buttons (GTK_WIDGET (self->access_dropdown), _("Free or premium"));

  self->downloaded_filter = gtk_custom_filter_new (downloaded_filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->downloaded_filter));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_empty_state), self,
                           G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_card_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_card_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_card_cb), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (selection));

  self->store_signals = g_signal_group_new (FC_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals, "changed::" FC_STORE_WORKOUT_CATEGORIES,
                                 G_CALLBACK (load_categories), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->grid_view, "activate", G_CALLBACK (on_grid_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->detail, "back", G_CALLBACK (on_detail_back_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->detail, "play", G_CALLBACK (on_detail_play_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (on_search_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->category_dropdown, "notify::selected",
                           G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->difficulty_dropdown, "notify::selected",
                           G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->access_dropdown, "notify::selected",
                           G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->downloaded_button, "toggled",
                           G_CALLBACK (on_downloaded_toggled_cb), self, G_CONNECT_SWAPPED);

  update_empty_state (self);
}

GtkWidget *
fc_workouts_page_new (void)
{
  return g_object_new (FC_TYPE_WORKOUTS_PAGE, NULL);
}

void
fc_workouts_page_set_session (FcWorkoutsPage *self,
                              FcSession      *session)
{
  g_return_if_fail (FC_IS_WORKOUTS_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);

  if (self->downloads == NULL) {
    GApplication *app = g_application_get_default ();

    if (FC_IS_APPLICATION (app))
      self->downloads = g_object_ref (fc_application_get_downloads (FC_APPLICATION (app)));
    if (self->downloads != NULL)
      g_signal_connect_object (self->downloads, "changed", G_CALLBACK (on_downloads_changed_cb),
                               self, G_CONNECT_SWAPPED);
    fc_workout_detail_set_downloads (self->detail, self->downloads);
  }

  if (session != NULL)
    g_signal_connect_object (session, "notify::store", G_CALLBACK (on_store_changed_cb), self,
                             G_CONNECT_SWAPPED);
  on_store_changed_cb (self);
}

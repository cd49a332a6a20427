/* fc-admin-user-model.c — admin/users/ as a GListModel that fetches pages on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore-admin"

#include "config.h"

#include "fc-admin-user-model.h"

#include "fc-json.h"

#define MAX_IN_FLIGHT 2

typedef struct {
  guint      index;
  GPtrArray *items;     /* FcAdminUser, placeholders until loaded */
  guint64    stamp;     /* when it was last touched, for the LRU */
  gboolean   loaded;
  gboolean   fetching;
} Page;

struct _FcAdminUserModel
{
  GObject         parent_instance;

  /* Owned */
  FcAdminService *service;
  GCancellable   *cancellable;   /* this load's requests */
  GHashTable     *pages;         /* index → Page */
  GQueue          wanted;        /* page indexes, newest wish first */
  char           *search;
  char           *ordering;
  char           *filters;
  GError         *error;

  guint           page_size;
  guint           max_pages;
  guint           n_items;
  guint           generation;
  guint64         clock;
  guint           in_flight;
  guint           pages_fetched;
  guint           pump_id;
  gboolean        loading;
};

static void fc_admin_user_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FcAdminUserModel, fc_admin_user_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      fc_admin_user_model_list_model_init))

enum {
  PROP_0,
  PROP_SEARCH,
  PROP_ORDERING,
  PROP_LOADING,
  PROP_ERROR,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  FcAdminUserModel *self;
  guint             generation;
  guint             index;
} Fetch;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page);
}

static Page *
page_new (FcAdminUserModel *self,
          guint             index)
{
  Page *page = g_new0 (Page, 1);
  guint first = index * self->page_size;
  guint n = first < self->n_items ? MIN (self->page_size, self->n_items - first) : 0;

  page->index = index;
  page->items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (page->items, fc_admin_user_new ());
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  return page;
}

static void
set_loading (FcAdminUserModel *self,
             gboolean          loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (FcAdminUserModel *self,
           const GError     *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Keeps at most max_pages pages: the least recently touched go first,
 * never one whose request is on the way (its answer has a home). */
static void
evict (FcAdminUserModel *self)
{
  while (g_hash_table_size (self->pages) > self->max_pages) {
    GHashTableIter iter;
    Page *page, *oldest = NULL;

    g_hash_table_iter_init (&iter, self->pages);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page)) {
      if (!page->fetching && (oldest == NULL || page->stamp < oldest->stamp))
        oldest = page;
    }
    if (oldest == NULL)
      return;
    g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest->index));
  }
}

static void on_page_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
start_fetch (FcAdminUserModel *self,
             Page             *page)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = g_object_ref (self);
  fetch->generation = self->generation;
  fetch->index = page->index;
  page->fetching = TRUE;
  self->in_flight++;
  self->pages_fetched++;
  fc_admin_service_list_users_async (self->service, self->search, self->ordering, self->filters,
                                     page->index + 1, self->page_size, self->cancellable,
                                     on_page_cb, fetch);
}

/* Asks for the pages still wanted, newest wish first. A wish whose page
 * was dropped meanwhile (scrolled far past) is forgotten. */
static gboolean
pump_cb (gpointer user_data)
{
  FcAdminUserModel *self = user_data;

  self->pump_id = 0;
  while (self->in_flight < MAX_IN_FLIGHT && !g_queue_is_empty (&self->wanted)) {
    guint index = GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted));
    Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

    if (page != NULL && !page->loaded && !page->fetching)
      start_fetch (self, page);
  }
  return G_SOURCE_REMOVE;
}

static void
schedule_pump (FcAdminUserModel *self)
{
  if (self->pump_id == 0)
    self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pump_cb, self, NULL);
}

static void
fill_page (Page      *page,
           JsonArray *results)
{
  guint n = MIN (page->items->len, json_array_get_length (results));

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (results, i);

    if (JSON_NODE_HOLDS_OBJECT (node))
      fc_admin_user_update (g_ptr_array_index (page->items, i), json_node_get_object (node));
  }
  page->loaded = TRUE;
}

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(FcAdminUserModel) self = fetch->self;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint index = fetch->index;
  gboolean current = fetch->generation == self->generation;
  Page *page;

  g_free (fetch);
  answer = fc_admin_service_list_users_finish (FC_ADMIN_SERVICE (source), result, &error);
  if (!current)
    return;  /* a search or an ordering since: the load that asked is gone */

  self->in_flight--;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  g_assert (page != NULL);
  page->fetching = FALSE;

  if (answer == NULL) {
    g_debug ("Page %u of the accounts failed: %s", index + 1, error->message);
    /* Dropped, so the row's next bind asks again. */
    g_hash_table_remove (self->pages, GUINT_TO_POINTER (index));
    set_error (self, error);
    set_loading (self, FALSE);
  } else if (self->loading) {
    /* The first page of a load: it says how long the list is. */
    gint64 count = 0;

    fc_json_get_int (answer, "count", &count);
    self->n_items = (guint) CLAMP (count, 0, G_MAXINT);
    g_ptr_array_set_size (page->items, 0);
    for (guint i = 0; i < MIN (self->page_size, self->n_items); i++)
      g_ptr_array_add (page->items, fc_admin_user_new ());
    fill_page (page, fc_json_get_array (answer, "results"));
    set_error (self, NULL);
    set_loading (self, FALSE);
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
    if (self->n_items > 0)
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  } else {
    /* A count that changed since the first page (an account joined) is
     * left for the next load: the rows on screen keep their places. */
    fill_page (page, fc_json_get_array (answer, "results"));
    set_error (self, NULL);
  }

  evict (self);
  schedule_pump (self);
}

static GType
fc_admin_user_model_get_item_type (GListModel *model)
{
  return FC_TYPE_ADMIN_USER;
}

static guint
fc_admin_user_model_get_n_items (GListModel *model)
{
  return FC_ADMIN_USER_MODEL (model)->n_items;
}

static gpointer
fc_admin_user_model_get_item (GListModel *model,
                              guint       position)
{
  FcAdminUserModel *self = FC_ADMIN_USER_MODEL (model);
  guint index;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  index = position / self->page_size;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL)
    page = page_new (self, index);
  page->stamp = ++self->clock;

  if (!page->loaded && !page->fetching) {
    g_queue_remove (&self->wanted, GUINT_TO_POINTER (index));
    g_queue_push_head (&self->wanted, GUINT_TO_POINTER (index));
    schedule_pump (self);
  }
  evict (self);

  g_assert (position % self->page_size < page->items->len);
  return g_object_ref (g_ptr_array_index (page->items, position % self->page_size));
}

static void
fc_admin_user_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fc_admin_user_model_get_item_type;
  iface->get_n_items = fc_admin_user_model_get_n_items;
  iface->get_item = fc_admin_user_model_get_item;
}

static void
fc_admin_user_model_dispose (GObject *object)
{
  FcAdminUserModel *self = FC_ADMIN_USER_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (fc_admin_user_model_parent_class)->dispose (object);
}

static void
fc_admin_user_model_finalize (GObject *object)
{
  FcAdminUserModel *self = FC_ADMIN_USER_MODEL (object);

  g_hash_table_unref (self->pages);
  g_queue_clear (&self->wanted);
  g_free (self->search);
  g_free (self->ordering);
  g_free (self->filters);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (fc_admin_user_model_parent_class)->finalize (object);
}

static void
fc_admin_user_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FcAdminUserModel *self = FC_ADMIN_USER_MODEL (object);

  switch (prop_id) {
  case PROP_SEARCH:
    g_value_set_string (value, self->search);
    break;
  case PROP_ORDERING:
    g_value_set_string (value, self->ordering);
    break;
  case PROP_LOADING:
    g_value_set_boolean (value, self->loading);
    break;
  case PROP_ERROR:
    g_value_set_string (value, self->error != NULL ? self->error->message : NULL);
    break;
  case PROP_N_ITEMS:
    g_value_set_uint (value, self->n_items);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_admin_user_model_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FcAdminUserModel *self = FC_ADMIN_USER_MODEL (object);

  switch (prop_id) {
  case PROP_SEARCH:
    fc_admin_user_model_set_search (self, g_value_get_string (value));
    break;
  case PROP_ORDERING:
    fc_admin_user_model_set_ordering (self, g_value_get_string (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_admin_user_model_class_init (FcAdminUserModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_admin_user_model_dispose;
  object_class->finalize = fc_admin_user_model_finalize;
  object_class->get_property = fc_admin_user_model_get_property;
  object_class->set_property = fc_admin_user_model_set_property;

  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORDERING] =
    g_param_spec_string ("ordering", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_admin_user_model_init (FcAdminUserModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  g_queue_init (&self->wanted);
  self->cancellable = g_cancellable_new ();
}

FcAdminUserModel *
fc_admin_user_model_new (FcAdminService *service,
                         guint           page_size,
                         guint           max_pages)
{
  FcAdminUserModel *self;

  g_return_val_if_fail (FC_IS_ADMIN_SERVICE (service), NULL);
  g_return_val_if_fail (page_size >= 1 && page_size <= 100, NULL);
  g_return_val_if_fail (max_pages >= 2, NULL);

  self = g_object_new (FC_TYPE_ADMIN_USER_MODEL, NULL);
  self->service = g_object_ref (service);
  self->page_size = page_size;
  self->max_pages = max_pages;
  fc_admin_user_model_reload (self);
  return self;
}

void
fc_admin_user_model_reload (FcAdminUserModel *self)
{
  guint removed;

  g_return_if_fail (FC_IS_ADMIN_USER_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->in_flight = 0;
  self->pages_fetched = 0;
  g_queue_clear (&self->wanted);
  g_hash_table_remove_all (self->pages);

  removed = self->n_items;
  self->n_items = 0;
  if (removed > 0) {
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  }

  set_loading (self, TRUE);
  start_fetch (self, page_new (self, 0));
}

/* Sets a part of the list's query (search, ordering, filters); "" is
 * none. TRUE when it changed, and the list must load again. */
static gboolean
replace_query (char       **field,
               const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
fc_admin_user_model_set_search (FcAdminUserModel *self,
                                const char       *search)
{
  g_return_if_fail (FC_IS_ADMIN_USER_MODEL (self));

  if (!replace_query (&self->search, search))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
  fc_admin_user_model_reload (self);
}

const char *
fc_admin_user_model_get_search (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), NULL);
  return self->search;
}

void
fc_admin_user_model_set_ordering (FcAdminUserModel *self,
                                  const char       *ordering)
{
  g_return_if_fail (FC_IS_ADMIN_USER_MODEL (self));

  if (!replace_query (&self->ordering, ordering))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORDERING]);
  fc_admin_user_model_reload (self);
}

void
fc_admin_user_model_set_filters (FcAdminUserModel *self,
                                 const char       *filters)
{
  g_return_if_fail (FC_IS_ADMIN_USER_MODEL (self));

  if (replace_query (&self->filters, filters))
    fc_admin_user_model_reload (self);
}

const char *
fc_admin_user_model_get_filters (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), NULL);
  return self->filters;
}

const char *
fc_admin_user_model_get_ordering (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), NULL);
  return self->ordering;
}

gboolean
fc_admin_user_model_get_loading (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), FALSE);
  return self->loading;
}

const GError *
fc_admin_user_model_get_error (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), NULL);
  return self->error;
}

void
fc_admin_user_model_update_user (FcAdminUserModel *self,
                                 JsonObject       *detail)
{
  GHashTableIter iter;
  Page *page;
  gint64 id = 0;

  g_return_if_fail (FC_IS_ADMIN_USER_MODEL (self));
  g_return_if_fail (detail != NULL);

  if (!fc_json_get_int (detail, "id", &id))
    return;
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page)) {
    for (guint i = 0; page->loaded && i < page->items->len; i++) {
      FcAdminUser *user = g_ptr_array_index (page->items, i);

      if (fc_admin_user_get_id (user) == id)
        fc_admin_user_update (user, detail);
    }
  }
}

guint
fc_admin_user_model_get_pages_fetched (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), 0);
  return self->pages_fetched;
}

guint
fc_admin_user_model_get_pages_kept (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), 0);
  return g_hash_table_size (self->pages);
}

guint
fc_admin_user_model_get_in_flight (FcAdminUserModel *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USER_MODEL (self), 0);
  return self->in_flight;
}

/* fc-store-model.c — a GListModel over one store query, read in windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-model.h"
#include "fc-store-private.h"

/* Windows kept beyond those whose items someone else holds: a list view
 * holds the rows it shows, and scrolling back a little finds them read. */
#define MAX_WINDOWS 4

/* The reads run on a connection of their own, one per store, on its own
 * thread: a list scrolled during a pull does not wait behind the pull's
 * writes on the store's thread, and WAL lets it read beside them. Every
 * read is one transaction, so a count and the windows read with it agree. */
typedef struct {
  GThreadPool *pool;       /* one thread: the connection is used by one at a time */
  char        *path;
  FcStoreDb    db;         /* opened by the first read */
  GError      *open_error;
} Reader;

typedef GPtrArray *(*ReadFunc) (gpointer, const FcStoreModelFilter *, guint, guint, gpointer,
                                guint *, GError **);

typedef struct {
  GTask              *task;
  Reader             *reader;
  ReadFunc            read;
  FcStoreModelFilter  filter;
  /* A refresh: count, then read a window at each of these starts; with
   * @whole, every window when the list is short enough to keep whole. */
  GArray             *starts;
  gboolean            whole;
  /* A window: [start, start + limit), after the item @after. */
  guint               start;
  guint               limit;
  GObject            *after;
  guint               filter_serial;
  /* The answer, taken on the model's context. */
  gpointer            result;
  GError             *error;
} ReadJob;

typedef struct {
  guint      n_items;
  GArray    *starts;       /* where each window read starts */
  GPtrArray *windows;      /* GPtrArray of items (or NULL past the end), as starts */
  gboolean   whole;        /* the windows hold the whole list */
} RefreshResult;

typedef struct {
  guint      start;
  GPtrArray *items;        /* one slot per row; NULL: not handed out yet */
  guint64    used;
  gboolean   pending;      /* the slots hold placeholders; the rows are on their way */
  gboolean   refreshed;    /* scratch, for apply_refresh() */
} Window;

typedef struct {
  /* owned */
  FcStore      *store;
  GCancellable *cancellable;         /* everything, at dispose */
  GCancellable *refresh_cancellable; /* the refresh in flight */

  /* whole-list subclasses */
  GPtrArray    *items;

  /* windowed subclasses */
  GPtrArray    *windows;             /* Window */
  guint         n_items;
  guint64       tick;
  guint         filter_serial;       /* reads for an older filter are dropped */

  guint         loading : 1;
  guint         refreshing : 1;
  guint         dirty : 1;           /* the store changed during the refresh */
} FcStoreModelPrivate;

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (FcStoreModel, fc_store_model, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (FcStoreModel)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_refresh (FcStoreModel *self);

/* Reader */

static void
filter_clear (FcStoreModelFilter *filter)
{
  g_clear_pointer (&filter->text, g_free);
  g_clear_pointer (&filter->text2, g_free);
}

static void refresh_result_free (RefreshResult *result);

static void
read_job_free (ReadJob *job)
{
  g_assert (job->result == NULL);
  g_clear_error (&job->error);
  filter_clear (&job->filter);
  g_clear_pointer (&job->starts, g_array_unref);
  g_clear_object (&job->after);
  g_clear_object (&job->task);
  g_free (job);
}

/* Windows past the end are NULL. */
static void
items_free (gpointer items)
{
  if (items != NULL)
    g_ptr_array_unref (items);
}

static void
refresh_result_free (RefreshResult *result)
{
  g_clear_pointer (&result->starts, g_array_unref);
  g_clear_pointer (&result->windows, g_ptr_array_unref);
  g_free (result);
}

static gboolean
reader_open (Reader  *reader,
             GError **error)
{
  if (reader->db.handle != NULL)
    return TRUE;
  if (reader->open_error != NULL) {
    g_propagate_error (error, g_error_copy (reader->open_error));
    return FALSE;
  }

  /* The writer's page cache size: a search through the model walks the
   * same pages as one through the store (bench-store-search compares the
   * two). query_only: this connection never writes, whatever a
   * subclass's SQL says. No mmap: a window of 200 foods by name touches
   * about 200 pages spread over the table, and each fault on a mapped file
   * maps its neighbours too (the kernel's fault-around, 64 KiB), so the
   * Foods list put 8 MiB of the store's file into the app's memory at
   * 50,000 foods against under 1 MiB read into the page cache. */
  if (!fc_store_db_open (&reader->db, reader->path, &reader->open_error) ||
      !fc_store_db_exec (&reader->db,
                         "PRAGMA query_only = 1; PRAGMA cache_size = -16384; "
                         "PRAGMA mmap_size = 0;",
                         &reader->open_error)) {
    fc_store_db_close (&reader->db);
    g_propagate_error (error, g_error_copy (reader->open_error));
    return FALSE;
  }
  return TRUE;
}

static gpointer
run_read (Reader   *reader,
          ReadJob  *job,
          GError  **error)
{
  FcStoreDb *db = &reader->db;

  if (job->starts != NULL) {
    RefreshResult *result = g_new0 (RefreshResult, 1);
    GArray *starts = job->starts;

    result->windows = g_ptr_array_new_with_free_func (items_free);
    /* The first start is always 0 and carries the count. */
    result->starts = g_array_new (FALSE, FALSE, sizeof (guint));
    for (guint i = 0; i < starts->len; i++) {
      guint start = g_array_index (starts, guint, i);
      guint *count = i == 0 ? &result->n_items : NULL;
      GPtrArray *items = NULL;

      if (i == 0 || start < result->n_items) {
        gpointer after = NULL;
        GPtrArray *previous = i > 0 ? result->windows->pdata[i - 1] : NULL;

        /* Keyset from the window just read when they touch. */
        if (previous != NULL && previous->len == FC_STORE_MODEL_WINDOW &&
            g_array_index (result->starts, guint, i - 1) + FC_STORE_MODEL_WINDOW == start)
          after = previous->pdata[previous->len - 1];
        items = job->read (db, &job->filter, start, FC_STORE_MODEL_WINDOW, after, count, error);
        if (items == NULL) {
          refresh_result_free (result);
          return NULL;
        }
      }
      g_ptr_array_add (result->windows, items);
      g_array_append_val (result->starts, start);

      /* A short list is read whole, so that a change is told exactly. */
      if (i == 0 && job->whole && result->n_items <= MAX_WINDOWS * FC_STORE_MODEL_WINDOW) {
        starts = g_array_new (FALSE, FALSE, sizeof (guint));
        for (guint s = 0; s < result->n_items; s += FC_STORE_MODEL_WINDOW)
          g_array_append_val (starts, s);
        g_array_unref (job->starts);
        job->starts = starts;
        result->whole = TRUE;
      }
    }
    return result;
  }

  return job->read (db, &job->filter, job->start, job->limit, job->after, NULL, error);
}

/* Back on the model's context, where the task is answered and freed: the
 * task holds the model, which must not be let go on the reader thread. */
static gboolean
read_complete_cb (gpointer user_data)
{
  ReadJob *job = user_data;

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else if (job->starts != NULL)
    g_task_return_pointer (job->task, g_steal_pointer (&job->result),
                           (GDestroyNotify) refresh_result_free);
  else
    g_task_return_pointer (job->task, g_steal_pointer (&job->result),
                           (GDestroyNotify) g_ptr_array_unref);
  read_job_free (job);
  return G_SOURCE_REMOVE;
}

static void
reader_thread_func (gpointer data,
                    gpointer user_data)
{
  ReadJob *job = data;
  Reader *reader = user_data;

  /* A cancelled read never starts. */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (job->task), &job->error)) {
    /* answered below */
  } else if (reader_open (reader, &job->error) &&
             fc_store_db_exec (&reader->db, "BEGIN", &job->error)) {
    job->result = run_read (reader, job, &job->error);
    sqlite3_exec (reader->db.handle, job->result != NULL ? "COMMIT" : "ROLLBACK", NULL, NULL,
                  NULL);
  }

  g_main_context_invoke_full (g_task_get_context (job->task), G_PRIORITY_DEFAULT,
                              read_complete_cb, job, NULL);
}

static void
reader_free (Reader *reader)
{
  /* Runs the reads still queued (their tasks hold their models), then
   * closes the file with the store. */
  g_thread_pool_free (reader->pool, FALSE, TRUE);
  fc_store_db_close (&reader->db);
  g_clear_error (&reader->open_error);
  g_free (reader->path);
  g_free (reader);
}

static Reader *
reader_get (FcStore *store)
{
  Reader *reader = g_object_get_data (G_OBJECT (store), "fc-store-model-reader");

  if (reader == NULL) {
    reader = g_new0 (Reader, 1);
    reader->path = g_strdup (fc_store_get_path (store));
    reader->pool = g_thread_pool_new (reader_thread_func, reader, 1, FALSE, NULL);
    g_object_set_data_full (G_OBJECT (store), "fc-store-model-reader", reader,
                            (GDestroyNotify) reader_free);
  }
  return reader;
}

static void
submit_read (FcStoreModel        *self,
             ReadJob             *job,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  FcStoreModelClass *klass = FC_STORE_MODEL_GET_CLASS (self);

  job->reader = reader_get (priv->store);
  job->read = klass->read;
  job->filter_serial = priv->filter_serial;
  if (klass->get_filter != NULL)
    klass->get_filter (self, &job->filter);
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_task_data (job->task, GUINT_TO_POINTER (job->filter_serial), NULL);
  g_thread_pool_push (job->reader->pool, job, NULL);
}

/* Windows */

static void
window_free (Window *window)
{
  g_clear_pointer (&window->items, g_ptr_array_unref);
  g_free (window);
}

static gboolean
is_windowed (FcStoreModel *self)
{
  return FC_STORE_MODEL_GET_CLASS (self)->read != NULL;
}

static Window *
find_window (FcStoreModel *self,
             guint         start)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  for (guint i = 0; i < priv->windows->len; i++) {
    Window *window = priv->windows->pdata[i];

    if (window->start == start)
      return window;
  }
  return NULL;
}

static guint
window_length (guint n_items,
               guint start)
{
  return start < n_items ? MIN (FC_STORE_MODEL_WINDOW, n_items - start) : 0;
}

/* Whether someone besides the model holds an item of @window: then it
 * must stay, for a change to reach them through items-changed. There is
 * no API for a reference count; GObject's field is read atomically. */
static gboolean
window_is_held (Window *window)
{
  for (guint i = 0; i < window->items->len; i++) {
    GObject *item = window->items->pdata[i];

    if (item != NULL && g_atomic_int_get ((int *) &item->ref_count) > 1)
      return TRUE;
  }
  return FALSE;
}

static void
evict_windows (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  while (priv->windows->len > MAX_WINDOWS) {
    Window *oldest = NULL;

    for (guint i = 0; i < priv->windows->len; i++) {
      Window *window = priv->windows->pdata[i];

      if (!window_is_held (window) && (oldest == NULL || window->used < oldest->used))
        oldest = window;
    }
    if (oldest == NULL)
      break;
    g_ptr_array_remove_fast (priv->windows, oldest);
  }
}

/* Emits items-changed (position, 1, 1) for each position in @changed,
 * runs of neighbours as one. */
static void
emit_replaced (FcStoreModel *self,
               GArray       *changed)
{
  guint i = 0;

  while (i < changed->len) {
    guint first = g_array_index (changed, guint, i);
    guint n = 1;

    while (i + n < changed->len && g_array_index (changed, guint, i + n) == first + n)
      n++;
    g_list_model_items_changed (G_LIST_MODEL (self), first, n, n);
    i += n;
  }
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return (x > y) - (x < y);
}

static void
set_loading (FcStoreModel *self,
             gboolean      loading)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  if (priv->loading == !!loading)
    return;
  priv->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
window_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  FcStoreModel *self = FC_STORE_MODEL (object);
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  guint serial = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  guint start = GPOINTER_TO_UINT (user_data);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) changed = NULL;
  g_autoptr(GError) error = NULL;
  Window *window;

  items = g_task_propagate_pointer (G_TASK (result), &error);
  if (items == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot read %s: %s", FC_STORE_MODEL_GET_CLASS (self)->resource, error->message);
    return;
  }

  /* Read for another filter, or for a count the store has changed since:
   * the refresh that follows the change fills the window. */
  window = find_window (self, start);
  if (serial != priv->filter_serial || window == NULL || !window->pending ||
      items->len != window->items->len)
    return;

  changed = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < items->len; i++) {
    if (window->items->pdata[i] != NULL)
      g_array_append_val (changed, (guint) { start + i });
    g_clear_object (&window->items->pdata[i]);
    window->items->pdata[i] = g_object_ref (items->pdata[i]);
  }
  window->pending = FALSE;
  emit_replaced (self, changed);
}

static void
request_window (FcStoreModel *self,
                Window       *window)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  ReadJob *job = g_new0 (ReadJob, 1);
  Window *previous = window->start > 0 ? find_window (self, window->start - FC_STORE_MODEL_WINDOW)
                                       : NULL;

  job->start = window->start;
  job->limit = window->items->len;
  /* Keyset after the window before, when it is read and whole. */
  if (previous != NULL && !previous->pending && previous->items->len == FC_STORE_MODEL_WINDOW)
    job->after = g_object_ref (previous->items->pdata[previous->items->len - 1]);
  submit_read (self, job, priv->cancellable, window_read_cb, GUINT_TO_POINTER (window->start));
}

static gpointer
make_placeholder (FcStoreModel *self)
{
  FcStoreModelClass *klass = FC_STORE_MODEL_GET_CLASS (self);

  if (klass->placeholder != NULL)
    return klass->placeholder (self);
  return g_object_new (klass->item_type, NULL);
}

/* Whether every row is read and kept. */
static gboolean
is_whole (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  for (guint start = 0; start < priv->n_items; start += FC_STORE_MODEL_WINDOW) {
    Window *window = find_window (self, start);

    if (window == NULL || window->pending)
      return FALSE;
  }
  return TRUE;
}

/* A short list, read whole before and now: the unchanged head and tail
 * stay, and one items-changed replaces the middle. */
static void
apply_whole (FcStoreModel  *self,
             RefreshResult *result)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  FcStoreModelClass *klass = FC_STORE_MODEL_GET_CLASS (self);
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  guint old_n = priv->n_items;
  guint new_n = result->n_items;
  guint prefix = 0;
  guint suffix = 0;

  for (guint start = 0; start < old_n; start += FC_STORE_MODEL_WINDOW) {
    Window *window = find_window (self, start);

    for (guint i = 0; i < window->items->len; i++)
      g_ptr_array_add (old, g_object_ref (window->items->pdata[i]));
  }
  for (guint k = 0; k < result->windows->len; k++) {
    GPtrArray *items = result->windows->pdata[k];

    for (guint i = 0; items != NULL && i < items->len; i++)
      g_ptr_array_add (fresh, items->pdata[i]);
  }
  g_assert (old->len == old_n && fresh->len == new_n);

  while (prefix < old_n && prefix < new_n && klass->equal (old->pdata[prefix], fresh->pdata[prefix]))
    prefix++;
  while (suffix < old_n - prefix && suffix < new_n - prefix &&
         klass->equal (old->pdata[old_n - 1 - suffix], fresh->pdata[new_n - 1 - suffix]))
    suffix++;

  g_ptr_array_set_size (priv->windows, 0);
  for (guint start = 0; start < new_n; start += FC_STORE_MODEL_WINDOW) {
    Window *window = g_new0 (Window, 1);

    window->start = start;
    window->items = g_ptr_array_new_with_free_func (g_object_unref);
    window->used = ++priv->tick;
    for (guint i = start; i < start + window_length (new_n, start); i++) {
      gpointer item;

      if (i < prefix)
        item = old->pdata[i];
      else if (i >= new_n - suffix)
        item = old->pdata[old_n - (new_n - i)];
      else
        item = fresh->pdata[i];
      g_ptr_array_add (window->items, g_object_ref (item));
    }
    g_ptr_array_add (priv->windows, window);
  }

  priv->n_items = new_n;
  if (old_n - prefix - suffix > 0 || new_n - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_n - prefix - suffix,
                                new_n - prefix - suffix);
}

/* Counts again and re-reads the kept windows (and the first, which a new
 * list shows at once), then tells what changed: each kept row that now
 * reads differently is replaced in place, and the end of the list grows
 * or shrinks. No one holds a row outside the kept windows (they are never
 * dropped while held), so that is all a view needs to be right. */
static void
apply_refresh (FcStoreModel  *self,
               RefreshResult *result)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  FcStoreModelClass *klass = FC_STORE_MODEL_GET_CLASS (self);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *starts = result->starts;
  guint old_n = priv->n_items;
  guint new_n = result->n_items;
  guint common = MIN (old_n, new_n);

  if (result->whole && is_whole (self)) {
    apply_whole (self, result);
    return;
  }

  for (guint k = 0; k < starts->len; k++) {
    guint start = g_array_index (starts, guint, k);
    GPtrArray *fresh = result->windows->pdata[k];
    Window *window = find_window (self, start);

    if (fresh == NULL)
      continue;
    if (window == NULL) {
      /* The first window, read ahead; or one evicted meanwhile. */
      if (start != 0)
        continue;
      window = g_new0 (Window, 1);
      window->start = 0;
      window->items = g_ptr_array_new_with_free_func (g_object_unref);
      window->used = ++priv->tick;
      g_ptr_array_add (priv->windows, window);
    }

    for (guint i = 0; i < fresh->len; i++) {
      gpointer old = i < window->items->len ? window->items->pdata[i] : NULL;
      gpointer item = fresh->pdata[i];

      if (old != NULL && !window->pending && klass->equal (old, item))
        continue;
      if (old != NULL && start + i < common)
        g_array_append_val (changed, (guint) { start + i });
      if (i < window->items->len) {
        g_clear_object (&window->items->pdata[i]);
        window->items->pdata[i] = g_object_ref (item);
      } else {
        g_ptr_array_add (window->items, g_object_ref (item));
      }
    }
    g_ptr_array_set_size (window->items, fresh->len);
    window->pending = FALSE;
    window->refreshed = TRUE;
  }

  /* Windows past the new end go. Windows the refresh did not read (asked
   * for while it ran) take the new length and are read again if it
   * changed: their read on its way is for the old one. */
  for (guint i = priv->windows->len; i > 0; i--) {
    Window *window = priv->windows->pdata[i - 1];
    guint length = window_length (new_n, window->start);
    gboolean refreshed = window->refreshed;

    window->refreshed = FALSE;
    if (length == 0) {
      g_ptr_array_remove_index_fast (priv->windows, i - 1);
    } else if (!refreshed && window->items->len != length) {
      g_ptr_array_set_size (window->items, length);
      window->pending = TRUE;
      request_window (self, window);
    }
  }

  priv->n_items = new_n;
  g_array_sort (changed, compare_positions);
  emit_replaced (self, changed);
  if (old_n != new_n)
    g_list_model_items_changed (G_LIST_MODEL (self), common, old_n - common, new_n - common);
  evict_windows (self);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  FcStoreModel *self = FC_STORE_MODEL (object);
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  RefreshResult *answer;

  answer = g_task_propagate_pointer (G_TASK (result), &error);
  /* A new filter cancelled this one and has its own refresh out. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  priv->refreshing = FALSE;
  g_clear_object (&priv->refresh_cancellable);
  if (answer == NULL) {
    g_warning ("Cannot list %s: %s", FC_STORE_MODEL_GET_CLASS (self)->resource, error->message);
  } else {
    apply_refresh (self, answer);
    refresh_result_free (answer);
  }

  if (priv->dirty)
    start_refresh (self);
  else
    set_loading (self, FALSE);
}

static void
start_refresh (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (guint));
  ReadJob *job = g_new0 (ReadJob, 1);
  guint zero = 0;

  g_array_append_val (starts, zero);
  for (guint i = 0; i < priv->windows->len; i++) {
    Window *window = priv->windows->pdata[i];

    if (window->start != 0)
      g_array_append_val (starts, window->start);
  }
  g_array_sort (starts, compare_positions);

  priv->dirty = FALSE;
  priv->refreshing = TRUE;
  priv->refresh_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);

  job->starts = starts;
  job->whole = is_whole (self);
  submit_read (self, job, priv->refresh_cancellable, refresh_cb, NULL);
}

/* GListModel */

static GType
fc_store_model_get_item_type (GListModel *model)
{
  return FC_STORE_MODEL_GET_CLASS (model)->item_type;
}

static guint
fc_store_model_get_n_items (GListModel *model)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (FC_STORE_MODEL (model));

  if (!is_windowed (FC_STORE_MODEL (model)))
    return priv->items->len;
  return priv->n_items;
}

static gpointer
fc_store_model_get_item (GListModel *model,
                         guint       position)
{
  FcStoreModel *self = FC_STORE_MODEL (model);
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  Window *window;
  gpointer item;
  gboolean created;
  guint start;

  if (!is_windowed (self)) {
    if (position >= priv->items->len)
      return NULL;
    return g_object_ref (priv->items->pdata[position]);
  }

  if (position >= priv->n_items)
    return NULL;

  start = position - position % FC_STORE_MODEL_WINDOW;
  window = find_window (self, start);
  created = window == NULL;
  if (created) {
    window = g_new0 (Window, 1);
    window->start = start;
    window->items = g_ptr_array_new_with_free_func (g_object_unref);
    g_ptr_array_set_size (window->items, window_length (priv->n_items, start));
    window->pending = TRUE;
    g_ptr_array_add (priv->windows, window);
    request_window (self, window);
  }
  window->used = ++priv->tick;

  if (window->items->pdata[position - start] == NULL)
    window->items->pdata[position - start] = make_placeholder (self);
  item = g_object_ref (window->items->pdata[position - start]);
  /* After the reference: the new window is held, and stays. */
  if (created)
    evict_windows (self);
  return item;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fc_store_model_get_item_type;
  iface->get_n_items = fc_store_model_get_n_items;
  iface->get_item = fc_store_model_get_item;
}

/* Whole-list subclasses */

/* Keeps the unchanged head and tail and replaces only the middle. */
static void
replace_items (FcStoreModel *self,
               GPtrArray    *items)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  FcStoreModelClass *klass = FC_STORE_MODEL_GET_CLASS (self);
  g_autoptr(GPtrArray) old = g_steal_pointer (&priv->items);
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < old->len && prefix < items->len &&
         klass->equal (old->pdata[prefix], items->pdata[prefix]))
    prefix++;
  while (suffix < old->len - prefix && suffix < items->len - prefix &&
         klass->equal (old->pdata[old->len - 1 - suffix], items->pdata[items->len - 1 - suffix]))
    suffix++;

  priv->items = g_ptr_array_ref (items);
  if (old->len - prefix - suffix > 0 || items->len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old->len - prefix - suffix,
                                items->len - prefix - suffix);
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FcStoreModel) self = user_data;
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  items = FC_STORE_MODEL_GET_CLASS (self)->query_finish (self, FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&priv->refresh_cancellable);
  if (items == NULL)
    g_warning ("Cannot list %s: %s", FC_STORE_MODEL_GET_CLASS (self)->resource, error->message);
  else
    replace_items (self, items);
  set_loading (self, FALSE);
}

/* Overrides */

static void
on_store_changed_cb (FcStore      *store,
                     const char   *resource,
                     FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  if (!is_windowed (self)) {
    fc_store_model_reload (self);
    return;
  }

  /* A pull announces every page: one refresh at a time, and one more
   * after it for whatever came meanwhile. */
  if (priv->refreshing)
    priv->dirty = TRUE;
  else
    start_refresh (self);
}

static void
fc_store_model_constructed (GObject *object)
{
  FcStoreModel *self = (FcStoreModel *) object;
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  G_OBJECT_CLASS (fc_store_model_parent_class)->constructed (object);

  g_return_if_fail (FC_IS_STORE (priv->store));

  fc_store_model_follow (self, FC_STORE_MODEL_GET_CLASS (self)->resource);
  fc_store_model_reload (self);
}

static void
fc_store_model_dispose (GObject *object)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (FC_STORE_MODEL (object));

  g_cancellable_cancel (priv->cancellable);
  g_cancellable_cancel (priv->refresh_cancellable);
  g_clear_object (&priv->refresh_cancellable);
  g_clear_object (&priv->store);

  G_OBJECT_CLASS (fc_store_model_parent_class)->dispose (object);
}

static void
fc_store_model_finalize (GObject *object)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (FC_STORE_MODEL (object));

  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->items, g_ptr_array_unref);
  g_clear_pointer (&priv->windows, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_store_model_parent_class)->finalize (object);
}

static void
fc_store_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcStoreModel *self = FC_STORE_MODEL (object);
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  switch (prop_id) {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, priv->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_store_model_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FcStoreModel *self = FC_STORE_MODEL (object);
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  switch (prop_id) {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_store_model_class_init (FcStoreModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fc_store_model_constructed;
  object_class->dispose = fc_store_model_dispose;
  object_class->finalize = fc_store_model_finalize;
  object_class->get_property = fc_store_model_get_property;
  object_class->set_property = fc_store_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* TRUE while a query is out; the list shows the previous answer meanwhile. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_store_model_init (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  priv->items = g_ptr_array_new_with_free_func (g_object_unref);
  priv->windows = g_ptr_array_new_with_free_func ((GDestroyNotify) window_free);
  priv->cancellable = g_cancellable_new ();
}

/* Public API */

FcStore *
fc_store_model_get_store (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  g_return_val_if_fail (FC_IS_STORE_MODEL (self), NULL);

  return priv->store;
}

gboolean
fc_store_model_get_loading (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  g_return_val_if_fail (FC_IS_STORE_MODEL (self), FALSE);

  return priv->loading;
}

void
fc_store_model_follow (FcStoreModel *self,
                       const char   *resource)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  g_autofree char *signal = NULL;

  g_return_if_fail (FC_IS_STORE_MODEL (self));
  g_return_if_fail (resource != NULL);

  signal = g_strconcat ("changed::", resource, NULL);
  g_signal_connect_object (priv->store, signal, G_CALLBACK (on_store_changed_cb), self, 0);
}

/* Asks again with the current filters; an answer still on its way for the
 * old ones is dropped. */
void
fc_store_model_reload (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  g_return_if_fail (FC_IS_STORE_MODEL (self));

  if (priv->store == NULL)
    return;

  g_cancellable_cancel (priv->refresh_cancellable);
  g_clear_object (&priv->refresh_cancellable);

  if (is_windowed (self)) {
    priv->filter_serial++;
    start_refresh (self);
    return;
  }

  priv->refresh_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  FC_STORE_MODEL_GET_CLASS (self)->query_async (self, priv->store, priv->refresh_cancellable,
                                                query_cb, g_object_ref (self));
}

gboolean
fc_store_model_set_filter (FcStoreModel  *self,
                           char         **slot,
                           const char    *value)
{
  g_return_val_if_fail (FC_IS_STORE_MODEL (self), FALSE);
  g_return_val_if_fail (slot != NULL, FALSE);

  /* g_set_str() is GLib 2.76. */
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  fc_store_model_reload (self);
  return TRUE;
}

guint
fc_store_model_get_n_cached (FcStoreModel *self,
                             guint        *n_windows)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  guint n = 0;

  g_return_val_if_fail (FC_IS_STORE_MODEL (self), 0);

  if (!is_windowed (self)) {
    if (n_windows != NULL)
      *n_windows = 1;
    return priv->items->len;
  }

  for (guint i = 0; i < priv->windows->len; i++) {
    Window *window = priv->windows->pdata[i];

    if (!window->pending)
      n += window->items->len;
  }
  if (n_windows != NULL)
    *n_windows = priv->windows->len;
  return n;
}

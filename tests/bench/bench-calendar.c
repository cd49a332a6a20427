/* bench-calendar.c — the plan calendar's month view with 6 meals a day for
 * 31 days against an empty month, snapshot time per frame, in one run
 *
 * Both calendars sit in real windows (Xvfb under tests/run), so CSS, fonts
 * and allocation are the app's. A frame is every cell and chip asked to
 * redraw, then the calendar snapshotted into a render node; the node is
 * also rendered to a texture by the window's renderer, timed apart. With
 * FITCORE_TEST_ARTIFACTS set the bench saves what it measured, plus the
 * week, dark and 360 px narrow looks, as PNGs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "fc-plan-calendar.h"
#include "fc-plan-chip.h"
#include "fc-plan-day-cell.h"
#include "fc-plan-layout.h"

#define N_FRAMES   300
#define N_WARMUP   20
#define PLAN_DAYS  31

static const struct {
  const char *name;
  const char *category;
  double      kcal, protein, carbohydrates, fat;
} meals[] = {
  { "Oat porridge with berries", "BF", 420, 14, 70, 9 },
  { "Scrambled eggs on toast", "BF", 480, 26, 38, 24 },
  { "Greek yogurt, honey, walnuts", "SN", 260, 15, 24, 12 },
  { "Apple and peanut butter", "SN", 210, 6, 24, 11 },
  { "Chicken salad", "LN", 520, 42, 30, 24 },
  { "Lentil soup, rye bread", "LN", 460, 24, 68, 8 },
  { "Tuna wrap", "LN", 540, 36, 52, 18 },
  { "Salmon, rice, broccoli", "DN", 640, 42, 62, 22 },
  { "Beef chili", "DN", 610, 44, 48, 24 },
  { "Tofu stir-fry, noodles", "DN", 580, 28, 76, 18 },
  { "Protein shake", "POST", 180, 30, 8, 3 },
  { "Cottage cheese, pineapple", "other", 190, 20, 18, 4 },
};

/* Each day: breakfast, snack, lunch, snack, dinner and a late snack; the
 * choice shifts with the day so totals (and the red bars) vary. */
static const guint day_slots[][6] = {
  { 0, 2, 4, 3, 7, 10 },
  { 1, 3, 5, 2, 8, 11 },
  { 0, 10, 6, 3, 9, 2 },
  { 1, 2, 4, 11, 7, 3 },
  { 0, 3, 5, 10, 9, 11 },
};

static JsonArray *
make_meals (void)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (meals); i++) {
    JsonObject *meal = json_object_new ();

    json_object_set_int_member (meal, "id", 100 + i);
    json_object_set_string_member (meal, "name", meals[i].name);
    json_object_set_string_member (meal, "meal_time_category", meals[i].category);
    json_object_set_double_member (meal, "total_calories", meals[i].kcal);
    json_object_set_double_member (meal, "total_protein", meals[i].protein);
    json_object_set_double_member (meal, "total_carbohydrates", meals[i].carbohydrates);
    json_object_set_double_member (meal, "total_fat", meals[i].fat);
    json_array_add_object_element (array, meal);
  }
  return array;
}

/* A plan of PLAN_DAYS days from day @start_mday of this month (so today
 * shows) with @schedule (the layout's payload shape) as its meals. */
static FcPlanLayout *
make_scheduled_layout (JsonArray *schedule,
                       guint      start_mday)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(JsonObject) plan = json_object_new ();
  g_autoptr(JsonArray) meal_array = make_meals ();
  g_autofree char *start = g_strdup_printf ("%04d-%02d-%02u", g_date_time_get_year (now),
                                            g_date_time_get_month (now), start_mday);

  json_object_set_int_member (plan, "id", 1);
  json_object_set_string_member (plan, "name", "Lean month");
  json_object_set_string_member (plan, "start_date", start);
  json_object_set_int_member (plan, "duration_days", PLAN_DAYS);
  json_object_set_double_member (plan, "target_daily_calories", 2300);
  json_object_set_double_member (plan, "target_daily_protein", 150);
  json_object_set_double_member (plan, "target_daily_carbohydrates", 250);
  json_object_set_double_member (plan, "target_daily_fat", 75);
  json_object_set_array_member (plan, "scheduled_meals", json_array_ref (schedule));
  return fc_plan_layout_new (plan, meal_array);
}

/* The same with @per_day meals a day; @shift moves every day onto another
 * day's menu. */
static FcPlanLayout *
make_shifted_layout (guint per_day,
                     guint shift,
                     guint start_mday)
{
  g_autoptr(JsonArray) scheduled = json_array_new ();

  for (guint day = 1; day <= PLAN_DAYS; day++) {
    for (guint k = 0; k < per_day; k++) {
      JsonObject *item = json_object_new ();

      json_object_set_int_member (item, "meal",
                                  100 + day_slots[(day + shift) % G_N_ELEMENTS (day_slots)][k]);
      json_object_set_int_member (item, "day_of_plan", day);
      json_array_add_object_element (scheduled, item);
    }
  }
  return make_scheduled_layout (scheduled, start_mday);
}

static FcPlanLayout *
make_layout (guint per_day)
{
  return make_shifted_layout (per_day, 0, 1);
}

static gboolean
quit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms, so windows map and frames settle. */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, quit_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static GtkWidget *
show_calendar (FcPlanLayout       *layout,
               FcPlanCalendarMode  mode,
               int                 width,
               int                 height,
               GtkWidget         **out_calendar)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *calendar = fc_plan_calendar_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  fc_plan_calendar_set_layout (FC_PLAN_CALENDAR (calendar), layout);
  fc_plan_calendar_set_mode (FC_PLAN_CALENDAR (calendar), mode);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), calendar);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));

  for (guint i = 0; i < 200 && gtk_widget_get_width (calendar) == 0; i++)
    run_for (10);
  run_for (200);
  g_assert_cmpint (gtk_widget_get_width (calendar), >, 0);
  *out_calendar = calendar;
  return window;
}

static void
invalidate_all (GtkWidget *calendar)
{
  gtk_widget_queue_draw (calendar);
  for (GtkWidget *child = gtk_widget_get_first_child (calendar); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_queue_draw (child);
}

/* One frame: the snapshot (ms) into @snapshot_ms, the render into @render_ms. */
static void
frame (GtkWidget *calendar,
       double    *snapshot_ms,
       double    *render_ms)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (calendar));
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 start, middle;

  invalidate_all (calendar);
  start = g_get_monotonic_time ();
  snapshot = gtk_snapshot_new ();
  gtk_widget_snapshot_child (gtk_widget_get_parent (calendar), calendar, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  middle = g_get_monotonic_time ();
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (calendar),
                                                              gtk_widget_get_height (calendar)));
  *snapshot_ms = (middle - start) / 1000.0;
  *render_ms = (g_get_monotonic_time () - middle) / 1000.0;
}

/* One store change that moves every meal: a fresh layout of @per_day meals
 * a day, laid out at the calendar's size and snapshotted; returns the
 * milliseconds. */
static double
update (GtkWidget *calendar,
        guint      per_day,
        guint      shift)
{
  g_autoptr(FcPlanLayout) layout = make_shifted_layout (per_day, shift, 1);
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  graphene_rect_t bounds;
  GtkAllocation alloc;
  gint64 start;

  g_assert_true (gtk_widget_compute_bounds (calendar, gtk_widget_get_parent (calendar), &bounds));
  alloc = (GtkAllocation) { (int) bounds.origin.x, (int) bounds.origin.y,
                            (int) bounds.size.width, (int) bounds.size.height };
  start = g_get_monotonic_time ();
  fc_plan_calendar_set_layout (FC_PLAN_CALENDAR (calendar), layout);
  gtk_widget_measure (calendar, GTK_ORIENTATION_VERTICAL, alloc.width, NULL, NULL, NULL, NULL);
  gtk_widget_size_allocate (calendar, &alloc, -1);
  snapshot = gtk_snapshot_new ();
  gtk_widget_snapshot_child (gtk_widget_get_parent (calendar), calendar, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static guint
count_shown_chips (GtkWidget *calendar)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (calendar); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (g_str_equal (gtk_widget_get_css_name (child), "chip") && gtk_widget_get_child_visible (child))
      n++;
  }
  return n;
}

static void
save_png (GtkWidget  *window,
          const char *name)
{
  const char *dir = g_getenv ("FITCORE_TEST_ARTIFACTS");
  GtkWidget *child = gtk_window_get_child (GTK_WINDOW (window));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GdkRGBA background;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  if (dir == NULL)
    return;
  /* The window's own background, then its content as the screen shows it. */
  snapshot = gtk_snapshot_new ();
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (window), "window_bg_color",
                                       &background))
    gdk_rgba_parse (&background, "white");
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_widget_queue_draw (child);
  gtk_widget_snapshot_child (window, child, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

static void
bench_month (void)
{
  g_autoptr(FcPlanLayout) full = make_layout (6);
  g_autoptr(FcPlanLayout) empty = make_layout (0);
  g_autoptr(GArray) full_snap = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty_snap = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) full_render = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty_render = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWidget *full_calendar, *empty_calendar;
  GtkWidget *full_window = show_calendar (full, FC_PLAN_CALENDAR_MONTH, 1000, 720, &full_calendar);
  GtkWidget *empty_window = show_calendar (empty, FC_PLAN_CALENDAR_MONTH, 1000, 720, &empty_calendar);
  double fs, fr, es, er, ratio;
  guint full_children = 0;

  g_assert_cmpuint (fc_plan_layout_get_n_entries (full, 1), ==, 6);
  g_assert_cmpuint (count_shown_chips (full_calendar), >, 31);
  g_assert_cmpuint (count_shown_chips (empty_calendar), ==, 0);
  for (GtkWidget *child = gtk_widget_get_first_child (full_calendar); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    full_children++;
  g_test_message ("full month: %u chips on show, %u child widgets (42 days + the chip pool)",
                  count_shown_chips (full_calendar), full_children);

  for (guint i = 0; i < N_WARMUP; i++) {
    frame (full_calendar, &fs, &fr);
    frame (empty_calendar, &es, &er);
  }
  /* Interleaved, so both see the same machine load. */
  for (guint i = 0; i < N_FRAMES; i++) {
    frame (full_calendar, &fs, &fr);
    frame (empty_calendar, &es, &er);
    g_array_append_val (full_snap, fs);
    g_array_append_val (full_render, fr);
    g_array_append_val (empty_snap, es);
    g_array_append_val (empty_render, er);
  }

  fs = median (full_snap);
  es = median (empty_snap);
  fr = median (full_render);
  er = median (empty_render);
  ratio = fs / es;
  g_test_message ("month view %dx%d, %u frames each, GSK_RENDERER=%s",
                  gtk_widget_get_width (full_calendar), gtk_widget_get_height (full_calendar),
                  N_FRAMES, g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  g_test_message ("snapshot per frame (median): 6 meals x 31 days %.3f ms, empty month %.3f ms",
                  fs, es);
  g_test_message ("render of that node (median): full %.3f ms, empty %.3f ms, ratio %.2f",
                  fr, er, fr / er);
  g_test_message ("RATIO month view snapshot, 6 meals x 31 days / empty month (medians): %.2f",
                  ratio);

  /* A full month must still draw within a 60 Hz frame. */
  g_assert_cmpfloat (fs, <, 16.7);
  g_assert_cmpfloat (ratio, >=, 1.0);

  save_png (full_window, "calendar-month.png");

  /* What a store change costs: a new layout, the chips handed out again,
   * the grid allocated and snapshotted. */
  g_array_set_size (full_snap, 0);
  g_array_set_size (empty_snap, 0);
  for (guint i = 0; i < N_FRAMES / 3; i++) {
    fs = update (full_calendar, 6, 1 + i % 2);
    es = update (empty_calendar, 0, 1 + i % 2);
    g_array_append_val (full_snap, fs);
    g_array_append_val (empty_snap, es);
  }
  fs = median (full_snap);
  es = median (empty_snap);
  g_test_message ("new layout, relayout and snapshot (median): full %.3f ms, empty %.3f ms, "
                  "ratio %.2f", fs, es, fs / es);
  g_assert_cmpuint (count_shown_chips (full_calendar), >, 31);
  g_assert_cmpfloat (fs, <, 16.7);

  gtk_window_destroy (GTK_WINDOW (full_window));
  gtk_window_destroy (GTK_WINDOW (empty_window));
}

static void
shoot (FcPlanLayout       *layout,
       FcPlanCalendarMode  mode,
       int                 width,
       int                 height,
       const char         *name)
{
  GtkWidget *calendar;
  GtkWidget *window = show_calendar (layout, mode, width, height, &calendar);

  save_png (window, name);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
screenshots (void)
{
  g_autoptr(FcPlanLayout) full = make_layout (6);
  AdwStyleManager *style = adw_style_manager_get_default ();

  if (g_getenv ("FITCORE_TEST_ARTIFACTS") == NULL) {
    g_test_skip ("FITCORE_TEST_ARTIFACTS is not set");
    return;
  }
  shoot (full, FC_PLAN_CALENDAR_WEEK, 1000, 720, "calendar-week.png");
  shoot (full, FC_PLAN_CALENDAR_MONTH, 360, 640, "calendar-month-narrow.png");
  shoot (full, FC_PLAN_CALENDAR_WEEK, 360, 640, "calendar-week-narrow.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  shoot (full, FC_PLAN_CALENDAR_MONTH, 1000, 720, "calendar-month-dark.png");
  shoot (full, FC_PLAN_CALENDAR_WEEK, 1000, 720, "calendar-week-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

typedef struct {
  guint  meal_activated;
  gint64 activated_meal_id;
  int    activated_meal_day;
  guint  moved;
  gint64 meal_id;
  int    from_day;
  int    to_day;
  guint  activated;
  int    activated_day;
} Seen;

static void
on_meal_moved_cb (FcPlanCalendar *calendar,
                  gint64          meal_id,
                  int             from_day,
                  int             to_day,
                  Seen           *seen)
{
  seen->moved++;
  seen->meal_id = meal_id;
  seen->from_day = from_day;
  seen->to_day = to_day;
}

static void
on_meal_activated_cb (FcPlanCalendar *calendar,
                      gint64          meal_id,
                      int             day,
                      Seen           *seen)
{
  seen->meal_activated++;
  seen->activated_meal_id = meal_id;
  seen->activated_meal_day = day;
}

static void
on_day_activated_cb (FcPlanCalendar *calendar,
                     int             day,
                     Seen           *seen)
{
  seen->activated++;
  seen->activated_day = day;
}

static void
subprocess_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Runs xdotool with @args (a shell-free argv after "xdotool"), keeping the
 * main loop turning so the window sees the events as they come. */
static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  gboolean done = FALSE;

  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, subprocess_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_successful (process));
}

static char *
window_xid (GtkWidget *window)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (GDK_IS_X11_SURFACE (surface))
    return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
#endif
  return NULL;
}

/* The month in a window that xdotool can reach, or NULL (and the test
 * skipped) without xdotool or an X11 display. */
static GtkWidget *
show_for_xtest (FcPlanLayout  *layout,
                GtkWidget    **out_calendar,
                char         **out_xid)
{
  g_autofree char *program = g_find_program_in_path ("xdotool");
  GtkWidget *window;

  if (program == NULL) {
    g_test_skip ("xdotool is not installed");
    return NULL;
  }
  window = show_calendar (layout, FC_PLAN_CALENDAR_MONTH, 1000, 720, out_calendar);
  *out_xid = window_xid (window);
  if (*out_xid == NULL) {
    g_test_skip ("not an X11 display");
    gtk_window_destroy (GTK_WINDOW (window));
    return NULL;
  }
  return window;
}

static FcPlanChip *
find_chip (GtkWidget *calendar,
           guint      day)
{
  for (GtkWidget *child = gtk_widget_get_first_child (calendar); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (FC_IS_PLAN_CHIP (child) && gtk_widget_get_child_visible (child) &&
        !fc_plan_chip_is_more (FC_PLAN_CHIP (child)) && fc_plan_chip_get_day (FC_PLAN_CHIP (child)) == day)
      return FC_PLAN_CHIP (child);
  }
  return NULL;
}

static FcPlanDayCell *
find_cell (GtkWidget *calendar,
           guint      day)
{
  for (GtkWidget *child = gtk_widget_get_first_child (calendar); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (FC_IS_PLAN_DAY_CELL (child) && gtk_widget_get_child_visible (child) &&
        fc_plan_day_cell_get_day (FC_PLAN_DAY_CELL (child)) == day)
      return FC_PLAN_DAY_CELL (child);
  }
  return NULL;
}

/* @widget's center, or with @top_only a point on its top line (a day's
 * number, above its chips), in @window's coordinates. */
static void
point_in (GtkWidget *widget,
          GtkWidget *window,
          gboolean   top_only,
          char     **out_x,
          char     **out_y)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, window,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.f,
                                                                 top_only ? 6.f :
                                                                 gtk_widget_get_height (widget) / 2.f),
                                           &point));
  *out_x = g_strdup_printf ("%d", (int) point.x);
  *out_y = g_strdup_printf ("%d", (int) point.y);
}

/* A person's drag, through the X server's XTest like the AT-SPI tests do:
 * press on a chip, move past the threshold, over another day, release. */
static void
test_drag_xtest (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (6);
  g_autofree char *xid = NULL;
  g_autofree char *cx = NULL, *cy = NULL, *tx = NULL, *ty = NULL, *tx2 = NULL;
  g_autofree char *cx2 = NULL;
  GtkWidget *calendar, *window;
  FcPlanChip *chip;
  FcPlanDayCell *target = NULL;
  Seen seen = { 0 };
  guint to_day = 0;

  window = show_for_xtest (layout, &calendar, &xid);
  if (window == NULL)
    return;
  g_signal_connect (calendar, "meal-moved", G_CALLBACK (on_meal_moved_cb), &seen);

  chip = find_chip (calendar, 2);
  g_assert_nonnull (chip);
  for (guint day = 9; day <= PLAN_DAYS && target == NULL; day++) {
    if (!fc_plan_layout_day_has_meal (layout, day, fc_plan_chip_get_meal_id (chip)))
      target = find_cell (calendar, to_day = day);
  }
  g_assert_nonnull (target);

  point_in (GTK_WIDGET (chip), window, FALSE, &cx, &cy);
  point_in (GTK_WIDGET (target), window, FALSE, &tx, &ty);
  cx2 = g_strdup_printf ("%d", atoi (cx) + 12);
  tx2 = g_strdup_printf ("%d", atoi (tx) + 3);
  xdotool ((const char *[]) { "mousemove", "--window", xid, cx, cy, NULL });
  run_for (100);
  xdotool ((const char *[]) { "mousedown", "1", NULL });
  run_for (100);
  xdotool ((const char *[]) { "mousemove", "--window", xid, cx2, cy, NULL });
  run_for (150);
  xdotool ((const char *[]) { "mousemove", "--window", xid, tx, ty, NULL });
  run_for (150);
  xdotool ((const char *[]) { "mousemove", "--window", xid, tx2, ty, NULL });
  run_for (150);
  xdotool ((const char *[]) { "mouseup", "1", NULL });
  for (guint i = 0; i < 100 && seen.moved == 0; i++)
    run_for (20);

  g_assert_cmpuint (seen.moved, ==, 1);
  g_assert_cmpint (seen.meal_id, ==, fc_plan_chip_get_meal_id (chip));
  g_assert_cmpint (seen.from_day, ==, 2);
  g_assert_cmpint (seen.to_day, ==, to_day);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Arrows, Page Down and Enter through the X server. */
static void
test_keyboard_xtest (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (6);
  g_autofree char *xid = NULL;
  GtkWidget *calendar, *window;
  Seen seen = { 0 };
  GDate date, expected;

  window = show_for_xtest (layout, &calendar, &xid);
  if (window == NULL)
    return;
  g_signal_connect (calendar, "day-activated", G_CALLBACK (on_day_activated_cb), &seen);

  g_assert_true (fc_plan_layout_get_date (layout, 1, &date));
  fc_plan_calendar_set_focused_date (FC_PLAN_CALENDAR (calendar), &date);
  g_assert_true (gtk_widget_grab_focus (calendar));
  xdotool ((const char *[]) { "windowfocus", "--sync", xid, NULL });
  run_for (100);
  xdotool ((const char *[]) { "key", "--delay", "60", "Right", "Right", "Down", "Left", NULL });
  run_for (200);

  /* Day 1 + 2 - 1 + 7: day 9. */
  fc_plan_calendar_get_focused_date (FC_PLAN_CALENDAR (calendar), &date);
  g_assert_true (fc_plan_layout_get_date (layout, 9, &expected));
  g_assert_cmpint (g_date_compare (&date, &expected), ==, 0);
  g_assert_cmpuint (fc_plan_calendar_get_focused_day (FC_PLAN_CALENDAR (calendar)), ==, 9);

  xdotool ((const char *[]) { "key", "Return", NULL });
  for (guint i = 0; i < 50 && seen.activated == 0; i++)
    run_for (20);
  g_assert_cmpuint (seen.activated, ==, 1);
  g_assert_cmpint (seen.activated_day, ==, 9);

  /* Page Down: the same day a month on, and the title follows. */
  xdotool ((const char *[]) { "key", "Page_Down", NULL });
  run_for (200);
  fc_plan_calendar_get_focused_date (FC_PLAN_CALENDAR (calendar), &date);
  g_date_add_months (&expected, 1);
  g_assert_cmpint (g_date_compare (&date, &expected), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
click (const char *xid,
       GtkWidget  *widget,
       GtkWidget  *window,
       const char *repeat)
{
  g_autofree char *x = NULL, *y = NULL;

  /* Days are clicked on their number: their middle is full of chips. */
  point_in (widget, window, FC_IS_PLAN_DAY_CELL (widget), &x, &y);
  xdotool ((const char *[]) { "mousemove", "--window", xid, x, y, NULL });
  run_for (50);
  xdotool ((const char *[]) { "click", "--repeat", repeat, "--delay", "80", "1", NULL });
  run_for (300);
}

/* A click on a chip opens its meal and focuses its day; a double click on a
 * day activates it; a click on a dimmed day of the next month focuses it
 * without turning the page. */
static void
test_click_xtest (void)
{
  g_autoptr(FcPlanLayout) layout = make_shifted_layout (6, 0, 15);
  g_autofree char *xid = NULL;
  g_autofree char *title = NULL;
  GtkWidget *calendar, *window;
  FcPlanChip *chip;
  FcPlanDayCell *last;
  Seen seen = { 0 };
  guint next_first;
  GDate date;

  window = show_for_xtest (layout, &calendar, &xid);
  if (window == NULL)
    return;
  g_signal_connect (calendar, "meal-activated", G_CALLBACK (on_meal_activated_cb), &seen);
  g_signal_connect (calendar, "day-activated", G_CALLBACK (on_day_activated_cb), &seen);
  g_assert_true (fc_plan_layout_get_date (layout, 1, &date));
  fc_plan_calendar_set_focused_date (FC_PLAN_CALENDAR (calendar), &date);
  run_for (100);
  title = g_strdup (fc_plan_calendar_get_title (FC_PLAN_CALENDAR (calendar)));

  chip = find_chip (calendar, 3);
  g_assert_nonnull (chip);
  click (xid, GTK_WIDGET (chip), window, "1");
  g_assert_cmpuint (seen.meal_activated, ==, 1);
  g_assert_cmpint (seen.activated_meal_id, ==, fc_plan_chip_get_meal_id (chip));
  g_assert_cmpint (seen.activated_meal_day, ==, 3);
  g_assert_cmpuint (fc_plan_calendar_get_focused_day (FC_PLAN_CALENDAR (calendar)), ==, 3);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (chip)));

  click (xid, GTK_WIDGET (find_cell (calendar, 5)), window, "2");
  g_assert_cmpuint (seen.activated, ==, 1);
  g_assert_cmpint (seen.activated_day, ==, 5);

  /* The plan goes on into the next month, whose first days the grid shows
   * dimmed (six weeks always reach past a month's end). */
  g_date_set_day (&date, 1);
  g_date_add_months (&date, 1);
  next_first = fc_plan_layout_day_for_date (layout, &date);
  g_assert_cmpuint (next_first, >, 0);
  last = find_cell (calendar, next_first);
  g_assert_nonnull (last);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (last), "other-month"));
  click (xid, GTK_WIDGET (last), window, "1");
  g_assert_cmpuint (fc_plan_calendar_get_focused_day (FC_PLAN_CALENDAR (calendar)), ==, next_first);
  g_assert_cmpstr (fc_plan_calendar_get_title (FC_PLAN_CALENDAR (calendar)), ==, title);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (last)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Ctrl+Right on a focused chip moves its meal to the next day, and once
 * the host hands over the moved plan the chip on its new day has the focus. */
static void
test_move_by_key_xtest (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (6);
  g_autoptr(FcPlanLayout) moved = NULL;
  g_autoptr(JsonArray) payload = NULL;
  g_autofree char *xid = NULL;
  GtkWidget *calendar, *window, *focus;
  FcPlanChip *chip = NULL;
  Seen seen = { 0 };
  GDate date;

  window = show_for_xtest (layout, &calendar, &xid);
  if (window == NULL)
    return;
  g_signal_connect (calendar, "meal-moved", G_CALLBACK (on_meal_moved_cb), &seen);
  g_assert_true (fc_plan_layout_get_date (layout, 2, &date));
  fc_plan_calendar_set_focused_date (FC_PLAN_CALENDAR (calendar), &date);
  run_for (100);

  /* A chip of day 2 whose meal day 3 does not have yet. */
  for (GtkWidget *child = gtk_widget_get_first_child (calendar); child != NULL && chip == NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (FC_IS_PLAN_CHIP (child) && gtk_widget_get_child_visible (child) &&
        !fc_plan_chip_is_more (FC_PLAN_CHIP (child)) && fc_plan_chip_get_day (FC_PLAN_CHIP (child)) == 2 &&
        !fc_plan_layout_day_has_meal (layout, 3, fc_plan_chip_get_meal_id (FC_PLAN_CHIP (child))))
      chip = FC_PLAN_CHIP (child);
  }
  g_assert_nonnull (chip);
  xdotool ((const char *[]) { "windowfocus", "--sync", xid, NULL });
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (chip)));
  run_for (100);
  xdotool ((const char *[]) { "key", "ctrl+Right", NULL });
  for (guint i = 0; i < 50 && seen.moved == 0; i++)
    run_for (20);

  g_assert_cmpuint (seen.moved, ==, 1);
  g_assert_cmpint (seen.meal_id, ==, fc_plan_chip_get_meal_id (chip));
  g_assert_cmpint (seen.from_day, ==, 2);
  g_assert_cmpint (seen.to_day, ==, 3);
  g_assert_cmpuint (fc_plan_calendar_get_focused_day (FC_PLAN_CALENDAR (calendar)), ==, 3);

  /* The host writes the move and builds the layout anew from the store. */
  payload = fc_plan_layout_move_meal (layout, seen.meal_id, 2, 3);
  g_assert_nonnull (payload);
  moved = make_scheduled_layout (payload, 1);
  fc_plan_calendar_set_layout (FC_PLAN_CALENDAR (calendar), moved);
  run_for (100);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (FC_IS_PLAN_CHIP (focus));
  g_assert_cmpint (fc_plan_chip_get_meal_id (FC_PLAN_CHIP (focus)), ==, seen.meal_id);
  g_assert_cmpuint (fc_plan_chip_get_day (FC_PLAN_CHIP (focus)), ==, 3);

  /* And back: day 2 no longer holds the meal, so it may go there again. */
  seen.moved = 0;
  xdotool ((const char *[]) { "key", "ctrl+Left", NULL });
  run_for (200);
  g_assert_cmpuint (seen.moved, ==, 1);
  g_assert_cmpint (seen.to_day, ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every day of the plan accounts for all its meals: chips on show plus
 * "+N more" (month), or all of them (week), at any width. */
static void
check_days_account_for_meals (FcPlanLayout       *layout,
                              FcPlanCalendarMode  mode,
                              int                 width,
                              int                 height)
{
  GtkWidget *calendar;
  GtkWidget *window = show_calendar (layout, mode, width, height, &calendar);
  GDate date;
  guint checked = 0;

  /* Day 8's week lies within the plan whatever day the month and the
   * locale's week begin on. */
  g_assert_true (fc_plan_layout_get_date (layout, mode == FC_PLAN_CALENDAR_WEEK ? 8 : 1, &date));
  fc_plan_calendar_set_focused_date (FC_PLAN_CALENDAR (calendar), &date);
  run_for (100);

  for (guint day = 1; day <= PLAN_DAYS; day++) {
    guint shown = 0, more = 0;
    gboolean on_show = find_cell (calendar, day) != NULL;

    for (GtkWidget *child = gtk_widget_get_first_child (calendar); child != NULL;
         child = gtk_widget_get_next_sibling (child)) {
      FcPlanChip *chip;

      if (!FC_IS_PLAN_CHIP (child) || !gtk_widget_get_child_visible (child) ||
          fc_plan_chip_get_day (FC_PLAN_CHIP (child)) != day)
        continue;
      chip = FC_PLAN_CHIP (child);
      /* A chip on show is inside the calendar, at least a line tall. */
      g_assert_cmpint (gtk_widget_get_height (child), >=, 8);
      if (fc_plan_chip_is_more (chip))
        more += fc_plan_chip_get_n_more (chip);
      else
        shown++;
    }
    if (!on_show) {
      g_assert_cmpuint (shown + more, ==, 0);
      continue;
    }
    g_assert_cmpuint (shown + more, ==, fc_plan_layout_get_n_entries (layout, day));
    g_assert_cmpuint (shown, >, 0);
    if (mode == FC_PLAN_CALENDAR_WEEK)
      g_assert_cmpuint (more, ==, 0);
    checked++;
  }
  g_assert_cmpuint (checked, >=, mode == FC_PLAN_CALENDAR_WEEK ? 7 : 28);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_more (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (6);

  check_days_account_for_meals (layout, FC_PLAN_CALENDAR_MONTH, 1000, 720);
  check_days_account_for_meals (layout, FC_PLAN_CALENDAR_MONTH, 1000, 460);
  check_days_account_for_meals (layout, FC_PLAN_CALENDAR_MONTH, 360, 640);
  check_days_account_for_meals (layout, FC_PLAN_CALENDAR_WEEK, 1000, 720);
  check_days_account_for_meals (layout, FC_PLAN_CALENDAR_WEEK, 360, 640);
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* Months come and go; the chips stay: the pool only grows to the busiest
 * view, and nothing is left behind when the calendar goes. */
static void
test_pool (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (6);
  FcPlanCalendar *calendar = g_object_ref_sink (FC_PLAN_CALENDAR (fc_plan_calendar_new ()));
  g_autofree char *title = NULL;
  GDate date;
  guint n;

  g_assert_true (fc_plan_layout_get_date (layout, 1, &date));
  fc_plan_calendar_set_focused_date (calendar, &date);
  fc_plan_calendar_set_layout (calendar, layout);
  n = count_children (GTK_WIDGET (calendar));
  /* 42 days and, for 31 days of 6 meals, at most 31 × 7 chips (with "+N more"). */
  g_assert_cmpuint (n, >, 42 + 31 * 6);
  g_assert_cmpuint (n, <=, 42 + 31 * 7);
  g_assert_cmpuint (fc_plan_calendar_get_focused_day (calendar), ==, 1);

  title = g_strdup (fc_plan_calendar_get_title (calendar));
  for (guint i = 0; i < 3; i++) {
    fc_plan_calendar_go_next (calendar);
    fc_plan_calendar_set_mode (calendar, FC_PLAN_CALENDAR_WEEK);
    fc_plan_calendar_set_mode (calendar, FC_PLAN_CALENDAR_MONTH);
    fc_plan_calendar_go_previous (calendar);
    g_assert_cmpuint (count_children (GTK_WIDGET (calendar)), ==, n);
  }
  g_assert_cmpstr (fc_plan_calendar_get_title (calendar), ==, title);

  fc_plan_calendar_set_layout (calendar, NULL);
  g_assert_cmpuint (fc_plan_calendar_get_focused_day (calendar), ==, 0);
  fc_plan_calendar_set_layout (calendar, layout);
  g_assert_finalize_object (calendar);
  /* The calendar's reference on the layout went with it. */
  g_assert_cmpuint (G_OBJECT (layout)->ref_count, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/bench/calendar/month-snapshot", bench_month);
  g_test_add_func ("/bench/calendar/screenshots", screenshots);
  g_test_add_func ("/calendar/widget/pool", test_pool);
  g_test_add_func ("/calendar/widget/more", test_more);
  g_test_add_func ("/calendar/widget/drag-xtest", test_drag_xtest);
  g_test_add_func ("/calendar/widget/keyboard-xtest", test_keyboard_xtest);
  g_test_add_func ("/calendar/widget/click-xtest", test_click_xtest);
  g_test_add_func ("/calendar/widget/move-by-key-xtest", test_move_by_key_xtest);

  return g_test_run ();
}

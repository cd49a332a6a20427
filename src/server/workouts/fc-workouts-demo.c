/* fc-workouts-demo.c — demo workouts for `fitcore-server --demo`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo videos are made with GStreamer at first start rather than
 * shipped: seventeen WebM files would add megabytes of binary blobs to the
 * repository and the installed package for what a pipeline renders in a few
 * seconds, and rendering them also proves, on each new machine, that the
 * codecs the app needs (VP8, Vorbis, WebM) are installed.
 */

#define G_LOG_DOMAIN "fc-workouts"

#include "config.h"

#include <glib/gstdio.h>

#include "fc-sql.h"
#include "fc-time.h"
#include "fc-workouts-demo.h"
#include "fc-workouts-media.h"
#include "fc-workouts-private.h"

#define DEMO_DIR "demo"
#define MAX_VIDEOS 4
#define MAX_LANES 4

G_DEFINE_QUARK (fc-workouts-demo-error-quark, fc_workouts_demo_error)

typedef struct {
  const char *name;
  const char *slug;
  const char *description;
} DemoCategory;

typedef struct {
  const char *title;
  guint       seconds;
  gboolean    is_free;
} DemoVideo;

typedef struct {
  const char *slug;
  const char *title;
  const char *description;
  const char *category;
  const char *difficulty;
  const char *goals;        /* JSON */
  gboolean    is_premium;
  guint       palette;      /* the first of its patterns in palette[] */
  DemoVideo   videos[MAX_VIDEOS];
} DemoWorkout;

static const DemoCategory demo_categories[] = {
  { "Strength", "strength", "Build muscle with body-weight moves." },
  { "Cardio", "cardio", "Raise your heart rate and burn energy." },
  { "Mobility & Yoga", "mobility-yoga", "Move freely: stretches and flows." },
};

/* videotestsrc patterns that show something moving or coloured: no black
 * frames (tests look for a picture) and no noise (it encodes to megabytes).
 * smpte, ball, smpte75, pinwheel, circular, spokes, colors, smpte100,
 * gradient, checkers-8. */
static const guint palette[] = { 0, 18, 13, 21, 11, 22, 24, 19, 23, 10 };

static const DemoWorkout demo_workouts[] = {
  { "full-body-basics", "Full-Body Strength Basics",
    "Three foundational moves for your whole body, done slowly and well.", "strength",
    "beginner", "[\"Build muscle\",\"Learn the basics\"]", FALSE, 0,
    { { "Squats", 6 }, { "Push-Ups", 6 }, { "Glute Bridges", 5 } } },
  { "upper-body-power", "Upper-Body Power",
    "An advanced push session for chest, shoulders and triceps.", "strength", "advanced",
    "[\"Build muscle\",\"Upper-body strength\"]", TRUE, 2,
    { { "Pike Push-Ups", 5, TRUE }, { "Diamond Push-Ups", 6 }, { "Plank Shoulder Taps", 6 },
      { "Bench Dips", 5 } } },
  { "cardio-kickstart", "Cardio Kickstart",
    "A gentle start to cardio training, no equipment needed.", "cardio", "beginner",
    "[\"Lose weight\",\"Endurance\"]", FALSE, 4,
    { { "Jumping Jacks", 6 }, { "High Knees", 6 } } },
  { "hiit-burner", "HIIT Burner",
    "Short, hard intervals to burn energy fast.", "cardio", "intermediate",
    "[\"Lose weight\",\"Endurance\"]", TRUE, 6,
    { { "Burpees", 5, TRUE }, { "Mountain Climbers", 6 }, { "Squat Jumps", 5 } } },
  { "morning-mobility", "Morning Mobility",
    "Wake your joints up: neck, hips and spine.", "mobility-yoga", "beginner",
    "[\"Flexibility\",\"Feel better\"]", FALSE, 8,
    { { "Neck Rolls", 5 }, { "Hip Circles", 5 }, { "Cat-Cow", 6 } } },
  { "yoga-flow", "Yoga Flow",
    "A short standing flow linking breath and movement.", "mobility-yoga", "intermediate",
    "[\"Flexibility\",\"Balance\"]", FALSE, 5,
    { { "Sun Salutation", 7 }, { "Warrior II", 6 } } },
};

/* One file to make on a worker thread. */
typedef struct {
  char     *path;          /* absolute */
  char     *relative;      /* as the row stores it */
  char     *text;
  guint     pattern;
  guint     seconds;       /* 0: a still PNG */

  /* out */
  gboolean  made;
  double    duration;
  gint64    size;
  char     *checksum;
} Job;

typedef struct {
  FcSql   *db;           /* borrowed: the server's, which outlives the loop */
  GPtrArray *jobs;         /* Job */
  gint       next;         /* the next job a lane takes, atomically */
  gint64     started_us;
} Batch;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_free (job->relative);
  g_free (job->text);
  g_free (job->checksum);
  g_free (job);
}

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->jobs);
  g_free (batch);
}

static char *
slug_of (const char *title)
{
  GString *slug = g_string_new (NULL);

  for (const char *p = title; *p != '\0'; p++) {
    if (g_ascii_isalnum (*p))
      g_string_append_c (slug, g_ascii_tolower (*p));
    else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
      g_string_append_c (slug, '-');
  }
  return g_string_free (slug, FALSE);
}

static guint
pattern (const DemoWorkout *workout,
         guint              index)
{
  return palette[(workout->palette + index) % G_N_ELEMENTS (palette)];
}

static char *
video_file (const DemoWorkout *workout,
            guint              index)
{
  g_autofree char *slug = slug_of (workout->videos[index].title);

  return g_strdup_printf (FC_WORKOUTS_VIDEO_DIR "/" DEMO_DIR "/%s-%u-%s.webm", workout->slug,
                          index + 1, slug);
}

static char *
video_thumbnail (const DemoWorkout *workout,
                 guint              index)
{
  g_autofree char *slug = slug_of (workout->videos[index].title);

  return g_strdup_printf (FC_WORKOUTS_THUMBNAIL_DIR "/" DEMO_DIR "/%s-%u-%s.png", workout->slug,
                          index + 1, slug);
}

static char *
workout_thumbnail (const DemoWorkout *workout)
{
  return g_strdup_printf (FC_WORKOUTS_THUMBNAIL_DIR "/" DEMO_DIR "/%s.png", workout->slug);
}

/* ---- Rows -------------------------------------------------------------- */

static gint64
insert (FcSql     *db,
        const char  *table,
        JsonObject  *row,
        GError     **error)
{
  gint64 id = fc_workouts_row_insert (db, table, row);

  if (id == 0)
    g_set_error (error, FC_WORKOUTS_DEMO_ERROR, FC_WORKOUTS_DEMO_ERROR_DATABASE,
                 "Cannot insert into %s: %s", table, fc_sql_errmsg (db));
  return id;
}

static gboolean
insert_rows (FcSql  *db,
             GError  **error)
{
  g_autofree char *now = fc_time_now_iso8601 ();
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (demo_categories); i++) {
    g_autoptr(JsonObject) row = json_object_new ();
    gint64 id;

    json_object_set_string_member (row, "name", demo_categories[i].name);
    json_object_set_string_member (row, "slug", demo_categories[i].slug);
    json_object_set_string_member (row, "description", demo_categories[i].description);
    json_object_set_string_member (row, "created_at", now);
    json_object_set_string_member (row, "updated_at", now);
    id = insert (db, "workout_categories", row, error);
    if (id == 0)
      return FALSE;
    g_hash_table_insert (categories, (gpointer) demo_categories[i].slug, GSIZE_TO_POINTER (id));
  }

  for (guint i = 0; i < G_N_ELEMENTS (demo_workouts); i++) {
    const DemoWorkout *workout = &demo_workouts[i];
    g_autoptr(JsonObject) row = json_object_new ();
    g_autofree char *thumbnail = workout_thumbnail (workout);
    guint seconds = 0;
    gint64 id;

    for (guint v = 0; v < MAX_VIDEOS && workout->videos[v].title != NULL; v++)
      seconds += workout->videos[v].seconds;

    json_object_set_string_member (row, "title", workout->title);
    json_object_set_string_member (row, "description", workout->description);
    json_object_set_int_member (row, "duration", (seconds + 59) / 60);
    json_object_set_string_member (row, "difficulty", workout->difficulty);
    json_object_set_int_member (row, "category_id",
                                GPOINTER_TO_SIZE (g_hash_table_lookup (categories,
                                                                       workout->category)));
    json_object_set_string_member (row, "goals", workout->goals);
    json_object_set_boolean_member (row, "is_premium", workout->is_premium);
    json_object_set_string_member (row, "thumbnail", thumbnail);
    json_object_set_string_member (row, "created_at", now);
    json_object_set_string_member (row, "updated_at", now);
    id = insert (db, "workouts", row, error);
    if (id == 0)
      return FALSE;

    for (guint v = 0; v < MAX_VIDEOS && workout->videos[v].title != NULL; v++) {
      g_autoptr(JsonObject) video = json_object_new ();
      g_autofree char *file = video_file (workout, v);
      g_autofree char *still = video_thumbnail (workout, v);
      g_autofree char *description = g_strdup_printf ("%s, part %u of “%s”.",
                                                      workout->videos[v].title, v + 1,
                                                      workout->title);

      json_object_set_int_member (video, "workout_id", id);
      json_object_set_string_member (video, "title", workout->videos[v].title);
      json_object_set_string_member (video, "description", description);
      json_object_set_string_member (video, "file", file);
      json_object_set_string_member (video, "thumbnail", still);
      json_object_set_int_member (video, "duration", workout->videos[v].seconds);
      json_object_set_int_member (video, "order_index", v);
      json_object_set_boolean_member (video, "is_free", workout->videos[v].is_free);
      json_object_set_string_member (video, "created_at", now);
      json_object_set_string_member (video, "updated_at", now);
      if (insert (db, "workout_videos", video, error) == 0)
        return FALSE;
    }
  }
  return TRUE;
}

/* ---- Files ------------------------------------------------------------- */

static void
add_job (GPtrArray  *jobs,
         const char *root,
         char       *relative,
         const char *text,
         guint       pattern,
         guint       seconds)
{
  Job *job = g_new0 (Job, 1);

  job->path = g_build_filename (root, relative, NULL);
  job->relative = relative;
  job->text = g_strdup (text);
  job->pattern = pattern;
  job->seconds = seconds;
  /* A file under its final name is complete: files are renamed into place. */
  if (g_file_test (job->path, G_FILE_TEST_EXISTS) && seconds == 0)
    job_free (job);
  else
    g_ptr_array_add (jobs, job);
}

static void
run_job (Job *job)
{
  g_autoptr(GError) error = NULL;

  if (job->seconds == 0) {
    job->made = fc_workouts_media_make_still (job->path, job->text, job->pattern, &error);
  } else {
    /* An existing video is only measured again, for its row. */
    job->made = (g_file_test (job->path, G_FILE_TEST_EXISTS) ||
                 fc_workouts_media_make_video (job->path, job->text, job->pattern, job->seconds,
                                               &error)) &&
                fc_workouts_media_probe (job->path, &job->duration, &error) &&
                (job->checksum = fc_workouts_media_checksum (job->path, &job->size,
                                                             &error)) != NULL;
  }
  if (!job->made)
    g_warning ("Demo media %s: %s", job->relative, error->message);
}

static gpointer
lane_thread (gpointer data)
{
  Batch *batch = data;

  for (;;) {
    guint index = g_atomic_int_add (&batch->next, 1);

    if (index >= batch->jobs->len)
      return NULL;
    run_job (g_ptr_array_index (batch->jobs, index));
  }
}

/* As many encoders at once as there are cores: VP8 at these settings is
 * one thread each. */
static void
make_files_thread_cb (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  Batch *batch = task_data;
  guint n_lanes = CLAMP (g_get_num_processors (), 1, MAX_LANES);
  GThread *lanes[MAX_LANES];

  for (guint i = 0; i < n_lanes; i++)
    lanes[i] = g_thread_new ("fc-demo-media", lane_thread, batch);
  for (guint i = 0; i < n_lanes; i++)
    g_thread_join (lanes[i]);
  g_task_return_boolean (task, TRUE);
}

static void
on_files_made_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Batch *batch = g_task_get_task_data (G_TASK (result));
  guint made = 0;

  if (!fc_sql_begin (batch->db)) {
    g_warning ("Demo media: the database is busy; rows keep their planned durations");
    return;
  }
  for (guint i = 0; i < batch->jobs->len; i++) {
    Job *job = g_ptr_array_index (batch->jobs, i);
    g_autoptr(FcSqlStmt) stmt = NULL;

    made += job->made;
    if (!job->made || job->seconds == 0)
      continue;
    stmt = fc_sql_prepare (batch->db,
                                 "UPDATE workout_videos SET duration = ?, file_size = ?,"
                                 " checksum = ? WHERE file = ?");
    fc_sql_bind_int64 (stmt, 1, MAX (1, (gint64) (job->duration + 0.5)));
    fc_sql_bind_int64 (stmt, 2, job->size);
    fc_sql_bind_text (stmt, 3, job->checksum);
    fc_sql_bind_text (stmt, 4, job->relative);
    fc_sql_step_done (stmt);
  }
  fc_sql_end (batch->db, TRUE);
  g_printerr ("fitcore-server: demo media ready (%u of %u files) in %.1f s\n", made,
              batch->jobs->len, (g_get_monotonic_time () - batch->started_us) / 1e6);
}

static void
start_files (FcSql        *db,
             FcServerConfig *config)
{
  g_autofree char *protected_dir = fc_workouts_protected_dir (config);
  g_autoptr(GTask) task = NULL;
  Batch *batch = g_new0 (Batch, 1);

  batch->db = db;
  batch->jobs = g_ptr_array_new_with_free_func (job_free);
  batch->started_us = g_get_monotonic_time ();

  /* Videos first: they take the time, thumbnails are instant. */
  for (guint i = 0; i < G_N_ELEMENTS (demo_workouts); i++) {
    const DemoWorkout *workout = &demo_workouts[i];

    for (guint v = 0; v < MAX_VIDEOS && workout->videos[v].title != NULL; v++)
      add_job (batch->jobs, protected_dir, video_file (workout, v), workout->videos[v].title,
               pattern (workout, v), workout->videos[v].seconds);
  }
  for (guint i = 0; i < G_N_ELEMENTS (demo_workouts); i++) {
    const DemoWorkout *workout = &demo_workouts[i];

    add_job (batch->jobs, config->media_dir, workout_thumbnail (workout), workout->title,
             pattern (workout, 0), 0);
    for (guint v = 0; v < MAX_VIDEOS && workout->videos[v].title != NULL; v++)
      add_job (batch->jobs, config->media_dir, video_thumbnail (workout, v),
               workout->videos[v].title, pattern (workout, v), 0);
  }

  task = g_task_new (NULL, NULL, on_files_made_cb, NULL);
  g_task_set_source_tag (task, start_files);
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);
  g_task_run_in_thread (task, make_files_thread_cb);
}

gboolean
fc_workouts_seed_demo (FcSql         *db,
                       FcServerConfig  *config,
                       GError         **error)
{
  g_autoptr(FcSqlStmt) count = NULL;
  gint64 n_workouts;
  gboolean ok;

  if (!fc_workouts_media_init (error))
    return FALSE;

  count = fc_sql_prepare (db, "SELECT COUNT(*) FROM workouts");
  if (!fc_sql_step_row (count)) {
    g_set_error_literal (error, FC_WORKOUTS_DEMO_ERROR, FC_WORKOUTS_DEMO_ERROR_DATABASE,
                         fc_sql_errmsg (db));
    return FALSE;
  }
  n_workouts = fc_sql_column_int64 (count, 0);
  g_clear_pointer (&count, fc_sql_finalize);

  if (n_workouts == 0) {
    if (!fc_sql_begin (db)) {
      g_set_error_literal (error, FC_WORKOUTS_DEMO_ERROR, FC_WORKOUTS_DEMO_ERROR_DATABASE,
                           fc_sql_errmsg (db));
      return FALSE;
    }
    ok = insert_rows (db, error);
    if (!fc_sql_end (db, ok) || !ok) {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, FC_WORKOUTS_DEMO_ERROR, FC_WORKOUTS_DEMO_ERROR_DATABASE,
                             fc_sql_errmsg (db));
      return FALSE;
    }
  }

  start_files (db, config);
  return TRUE;
}

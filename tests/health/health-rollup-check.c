/* health-rollup-check.c — the metrics rollups against their points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Made here without SQL's help, so that a mistake in the migration's
 * triggers or backfill is not repeated in the check.
 */

#include "config.h"

#include "health-rollup-check.h"

#define SLOT_S (15 * 60)

typedef struct {
  gint64 n;
  double min, max, sum, last_value;
  gint64 last_at, last_id;
  gboolean seen;
} MSlot;

guint
hr_assert_rollups_match_points (FcSql *db)
{
  g_autoptr(GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(FcSqlStmt) points = NULL;
  g_autoptr(FcSqlStmt) rollups = NULL;
  guint rows = 0;

  FcSqlStmt *stmt;

  stmt = points = fc_sql_prepare (db, "SELECT id, user_id, data_type, value, recorded_at, stage"
                                      " FROM health_data");
  while (fc_sql_step_row (stmt)) {
    const char *type = fc_sql_column_text (stmt, 2);
    const char *stage = fc_sql_column_text (stmt, 5);
    gint64 at = fc_sql_column_int64 (stmt, 4);
    gint64 slot_length = (gint64) SLOT_S * G_USEC_PER_SEC;
    gint64 slot = (at >= 0 ? at / slot_length : -((-at + slot_length - 1) / slot_length)) *
                  slot_length;
    double value = fc_sql_column_double (stmt, 3);
    gint64 id = fc_sql_column_int64 (stmt, 0);
    char *key;
    MSlot *entry;

    if (g_str_equal (type, "sleep") && stage != NULL &&
        (g_str_equal (stage, "awake") || g_str_equal (stage, "in_bed")))
      continue;
    key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%" G_GINT64_FORMAT,
                           (gint64) fc_sql_column_int64 (stmt, 1), type, slot);
    entry = g_hash_table_lookup (slots, key);
    if (entry == NULL) {
      entry = g_new0 (MSlot, 1);
      entry->min = entry->max = value;
      g_hash_table_insert (slots, key, entry);
    } else {
      g_free (key);
    }
    entry->n++;
    entry->min = MIN (entry->min, value);
    entry->max = MAX (entry->max, value);
    entry->sum += value;
    if (entry->n == 1 || at > entry->last_at || (at == entry->last_at && id > entry->last_id)) {
      entry->last_at = at;
      entry->last_id = id;
      entry->last_value = value;
    }
  }

  stmt = rollups = fc_sql_prepare (db, "SELECT user_id, data_type, slot, n, min_value,"
                                       " max_value, sum_value, last_at, last_id, last_value"
                                       " FROM health_rollups");
  while (fc_sql_step_row (stmt)) {
    g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%" G_GINT64_FORMAT,
                                            (gint64) fc_sql_column_int64 (stmt, 0),
                                            fc_sql_column_text (stmt, 1),
                                            (gint64) fc_sql_column_int64 (stmt, 2));
    MSlot *entry = g_hash_table_lookup (slots, key);

    if (entry == NULL)
      g_error ("health_rollups has a slot %s with no points", key);
    g_assert_false (entry->seen);
    entry->seen = TRUE;
    g_assert_cmpint (fc_sql_column_int64 (stmt, 3), ==, entry->n);
    g_assert_cmpfloat (fc_sql_column_double (stmt, 4), ==, entry->min);
    g_assert_cmpfloat (fc_sql_column_double (stmt, 5), ==, entry->max);
    g_assert_cmpfloat_with_epsilon (fc_sql_column_double (stmt, 6), entry->sum, 1e-6);
    g_assert_cmpint (fc_sql_column_int64 (stmt, 7), ==, entry->last_at);
    g_assert_cmpint (fc_sql_column_int64 (stmt, 8), ==, entry->last_id);
    g_assert_cmpfloat (fc_sql_column_double (stmt, 9), ==, entry->last_value);
    rows++;
  }
  g_assert_cmpuint (rows, ==, g_hash_table_size (slots));
  return rows;
}

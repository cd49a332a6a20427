/* fc-fuzz.h — a deterministic mutation fuzzer for GLib tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gcc has no libFuzzer, so this is a small mutation engine of our own. Every
 * case draws its randomness from a GRand seeded with (run seed, class, case
 * index) alone, so case N of class C is the same input in any run with the
 * same seed, however long the run lasted or whatever the server answered
 * before. A failure prints the seed and the case; FITCORE_FUZZ_SEED=S
 * FITCORE_FUZZ_CASE=N reruns exactly that input, and the input itself is
 * written under the build dir's fuzz-findings/ to be added to the corpus.
 *
 * Environment:
 *   FITCORE_FUZZ_SEED     run seed (default: from the clock, printed)
 *   FITCORE_FUZZ_SECONDS  time budget of one test binary
 *   FITCORE_FUZZ_CASE     run only this case index of each class
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char   *name;   /* file name, e.g. "login.json" */
  GBytes *data;
} FcFuzzSeed;

guint64      fc_fuzz_seed               (void);
double       fc_fuzz_seconds            (double        default_seconds);
/* The single case to run, or -1 to run cases until the time is up. */
gint64       fc_fuzz_only_case          (void);
/* FITCORE_FUZZ_CASES ("N" for every class, "klass=N" for one, e.g.
 * "2000,deep-nesting=200"): exactly that many cases whatever the time, so a
 * run is the same exploration on any machine (CI); without it the budget
 * is FITCORE_FUZZ_SECONDS. -1 when unset. */
gint64       fc_fuzz_max_cases          (const char   *klass);
gboolean     fc_fuzz_budget_spent       (const char   *klass,
                                         guint64       cases_run,
                                         gint64        start_us,
                                         double        seconds);
GRand       *fc_fuzz_rand_for_case      (const char   *klass,
                                         guint64       index);

/* Every file of tests/fuzz/corpus/@subdir, sorted by name. */
GPtrArray   *fc_fuzz_corpus_load        (const char   *subdir);
const FcFuzzSeed *fc_fuzz_corpus_pick   (GPtrArray    *corpus,
                                         GRand        *rand);

/* One to four byte- and token-level mutations (flips, inserts, deletes,
 * splices from @corpus, interesting numbers and strings, invalid UTF-8,
 * truncation). Never nests deeper than @input already does plus a few. */
GBytes      *fc_fuzz_mutate             (GRand        *rand,
                                         GBytes       *input,
                                         GPtrArray    *corpus);
/* Parses @input and replaces, drops or retypes random members and array
 * items, nesting at most @max_depth levels; falls back to fc_fuzz_mutate()
 * when @input is not JSON. */
GBytes      *fc_fuzz_mutate_tree        (GRand        *rand,
                                         GBytes       *input,
                                         guint         max_depth,
                                         GPtrArray    *corpus);
/* JSON nested thousands of levels deep, balanced or not. */
GBytes      *fc_fuzz_deep_nesting       (GRand        *rand);

/* At most @max printable characters of @data, escaped. */
char        *fc_fuzz_preview            (GBytes       *data,
                                         gsize         max);
/* Writes @data to BUILDDIR/fuzz-findings/KLASS-SEED-CASE.SUFFIX and returns
 * the path. */
char        *fc_fuzz_save_finding       (const char   *klass,
                                         guint64       index,
                                         const char   *suffix,
                                         GBytes       *data);

/* A JWT signed with @secret over arbitrary header and payload bytes (so
 * mutated claims reach the payload parser). */
char        *fc_fuzz_jwt_sign           (const char   *secret,
                                         GBytes       *header,
                                         GBytes       *payload);

/* Known defects that belong to another part of the tree, by input class:
 * the reason, or NULL. A failure in such a class is reported as TODO
 * (an expected failure) instead of failing CI; see tests/fuzz/README.md. */
const char  *fc_fuzz_known_issue        (const char   *klass);

G_END_DECLS

/* fc-meal-plan-llm.h — a meal plan proposed by an OpenAI-compatible chat model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Configured from the environment (the server's key file belongs to another
 * module, and API keys are better kept out of files anyway):
 *   OPENAI_API_KEY   enables it
 *   OPENAI_BASE_URL  default https://api.openai.com/v1
 *   OPENAI_MODEL     default gpt-4o-mini
 *   OPENAI_TIMEOUT   seconds, default 30
 * The model gets the targets, the meal slots and a compact list of the foods
 * the caller may use, and answers with food ids and servings per meal per
 * day. Its answer is only a proposal: the caller validates it against the
 * database and the targets, and falls back to the optimizer.
 */

#pragma once

#include <libsoup/soup.h>

#include "fc-meal-plan-generator.h"

G_BEGIN_DECLS

typedef struct {
  char  *api_key;
  char  *base_url;   /* without a trailing '/' */
  char  *model;
  guint  timeout;    /* seconds */
} FcLlmConfig;

/* NULL when OPENAI_API_KEY is unset or empty. */
FcLlmConfig *fc_llm_config_from_env       (void);
void         fc_llm_config_free           (FcLlmConfig          *config);

/* Asks the model for a plan of @spec from @foods (only those @spec allows
 * are offered). */
void         fc_meal_plan_llm_propose_async  (SoupSession          *session,
                                              const FcLlmConfig    *config,
                                              GArray               *foods,
                                              const FcMealPlanSpec *spec,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
/* The proposed plan, unvalidated, or NULL (a transport error, an HTTP
 * error, an answer that is not a plan of the right shape). */
FcMealPlan  *fc_meal_plan_llm_propose_finish (GAsyncResult         *result,
                                              GError              **error);

/* Reads the model's answer, the chat completion's message content: a JSON
 * object (possibly in a ```json fence) {"days": [{"meals": [{"items":
 * [{"food_id", "servings"}]}]}]} with @days days of @meals_per_day meals. */
FcMealPlan  *fc_meal_plan_llm_parse       (const char           *content,
                                           guint                 days,
                                           guint                 meals_per_day,
                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcLlmConfig, fc_llm_config_free)

G_END_DECLS

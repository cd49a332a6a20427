/* fc-validate.h — DRF-style validation of request fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Field errors accumulate into an object shaped like DRF's:
 *   {"field": ["msg", ...], "non_field_errors": [...],
 *    "items": [{}, {"food": ["..."]}]}
 * with DRF's exact English wording, so that clients written against the
 * Django backend show the same messages.
 *
 * The fc_validate_*() readers share one contract:
 *   - member absent: if @required, adds "This field is required."; returns FALSE;
 *   - member present and valid: stores it in @out, returns TRUE;
 *   - member present and invalid: adds DRF's message; returns FALSE.
 * Use fc_json_has_member() to tell "absent" from "invalid" for PATCH.
 * Numbers also accept numeric strings ("95.5"), as DRF does; form-encoded and
 * multipart bodies arrive as strings, so this matters.
 *
 * Strings handed back through @out point into @in or, when the reader had to
 * convert them (a trimmed string, a number given for a string), into
 * @errors: both must outlive their use.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _FcFieldErrors FcFieldErrors;

FcFieldErrors *fc_field_errors_new         (void);
void           fc_field_errors_free        (FcFieldErrors *errors);
void           fc_field_errors_add         (FcFieldErrors *errors,
                                            const char    *field,
                                            const char    *format,
                                            ...) G_GNUC_PRINTF (3, 4);
/* Sets @field to an arbitrary node (nested item errors); takes ownership. */
void           fc_field_errors_set_node    (FcFieldErrors *errors,
                                            const char    *field,
                                            JsonNode      *node);
gboolean       fc_field_errors_is_empty    (FcFieldErrors *errors);
gboolean       fc_field_errors_has         (FcFieldErrors *errors,
                                            const char    *field);
JsonNode      *fc_field_errors_to_node     (FcFieldErrors *errors);

gboolean fc_validate_string   (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               gboolean             allow_blank,
                               guint                max_length,   /* 0: none */
                               FcFieldErrors       *errors,
                               const char         **out);
/* @nullable: JSON null is accepted and reported through @out_is_null. */
gboolean fc_validate_number   (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               gboolean             nullable,
                               double               min,          /* -INFINITY: none */
                               double               max,          /* INFINITY: none */
                               FcFieldErrors       *errors,
                               double              *out,
                               gboolean            *out_is_null);
gboolean fc_validate_integer  (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               gboolean             nullable,
                               gint64               min,
                               gint64               max,
                               FcFieldErrors       *errors,
                               gint64              *out,
                               gboolean            *out_is_null);
/* true/false, and DRF's strings: "true", "false", "1", "0", "on", "off"... */
gboolean fc_validate_boolean  (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               FcFieldErrors       *errors,
                               gboolean            *out);
/* @choices is NULL-terminated; comparison is case-sensitive. */
gboolean fc_validate_choice   (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               gboolean             nullable,
                               const char * const  *choices,
                               FcFieldErrors       *errors,
                               const char         **out);
/* "YYYY-MM-DD", a real calendar date. @out gets the string back. */
gboolean fc_validate_date     (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               gboolean             nullable,
                               FcFieldErrors       *errors,
                               const char         **out,
                               gboolean            *out_is_null);
gboolean fc_validate_email    (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               FcFieldErrors       *errors,
                               const char         **out);
/* A primary key: a positive integer or its string ("Incorrect type. Expected
 * pk value, received str." otherwise). Existence is the caller's check:
 * "Invalid pk \"%s\" - object does not exist." */
gboolean fc_validate_pk       (JsonObject          *in,
                               const char          *field,
                               gboolean             required,
                               FcFieldErrors       *errors,
                               gint64              *out);

/* DRF's SearchFilter: ?search= split into terms on blanks and commas, every
 * one to match. DRF takes any length; each term costs a LIKE over every row
 * (and two SQL parameters), so past FC_SEARCH_MAX_LENGTH characters it is
 * "search": ["Ensure this field has no more than 254 characters."] in
 * @errors and no terms. An empty vector for NULL or blanks. */
#define FC_SEARCH_MAX_LENGTH 254
char      **fc_validate_search_terms (const char          *search,
                                      FcFieldErrors       *errors);

/* A nested list (DRF's ListSerializer): absent → required rule; not an array →
 * {"field": {"non_field_errors": ["Expected a list of items but got type
 * \"dict\"."]}}; null → "This field may not be null.". Returns the array or
 * NULL. */
JsonArray  *fc_validate_list      (JsonObject          *in,
                                   const char          *field,
                                   gboolean             required,
                                   FcFieldErrors       *errors);
/* One element of such a list as an object, or NULL after adding "Invalid
 * data. Expected a dictionary, but got int." to @item_errors. */
JsonObject *fc_validate_list_item (JsonArray           *array,
                                   guint                index,
                                   FcFieldErrors       *item_errors);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcFieldErrors, fc_field_errors_free)

/* Most pixels an uploaded image may have: a 16-megapixel photo. Decoded,
 * that is 64 MB; a few kilobytes of PNG can claim far more. */
#define FC_VALIDATE_IMAGE_PIXELS_MAX (16 * 1000 * 1000)

/* Checks on a worker thread that @data is an image we take (PNG, JPEG, GIF,
 * BMP or WebP, recognised by its bytes) by decoding it completely, as
 * Django's ImageField does with Pillow; its size is read from its header
 * first, and more than FC_VALIDATE_IMAGE_PIXELS_MAX pixels are refused
 * before any of them is decoded. */
void        fc_validate_image_async  (GBytes              *data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* The extension a stored file of that format gets (".png"), or NULL when
 * the bytes are not an image we take. */
const char *fc_validate_image_finish (GAsyncResult        *result);

G_END_DECLS

/* vs-gallery-monitor.h: keeps the gallery snapshot in step with the database.
 *
 * Owns a VsStore on the main thread and polls its data version (cheap) every
 * half second: when anything committed — this process or another, such as
 * visage-cli — the gallery is reloaded and "gallery-changed" emitted. Also
 * records when people were last seen, at most once a minute per person.
 */
#pragma once

#include <glib-object.h>
#include "vs-gallery.h"
#include "vs-store.h"

G_BEGIN_DECLS

#define VS_TYPE_GALLERY_MONITOR (vs_gallery_monitor_get_type ())
G_DECLARE_FINAL_TYPE (VsGalleryMonitor, vs_gallery_monitor, VS, GALLERY_MONITOR, GObject)

/* Loads the gallery of `embedder` at once (errors reported here) and starts
 * polling in the thread-default main context.
 * Signal "gallery-changed" (VsGallery *gallery).
 * Properties: "store" (VsStore), "gallery" (boxed pointer, read-only),
 * "interval" (guint ms, default 500), "online" (gboolean, read-only).
 * With a shared store the changes its server announces are applied (only
 * the people they name are read again), checked at the same interval. */
VsGalleryMonitor *vs_gallery_monitor_new          (VsStore          *store,
                                                   const char       *embedder,
                                                   GError          **error);

VsStore          *vs_gallery_monitor_get_store    (VsGalleryMonitor *self);
/* The current snapshot; no new reference. */
VsGallery        *vs_gallery_monitor_get_gallery  (VsGalleryMonitor *self);
/* FALSE while a shared (PostgreSQL) store's server cannot be reached. */
gboolean          vs_gallery_monitor_get_online   (VsGalleryMonitor *self);
void              vs_gallery_monitor_set_interval (VsGalleryMonitor *self,
                                                   guint             interval_ms);

/* Checks the data version now and reloads when it changed; TRUE when the
 * gallery was replaced. Errors leave the old snapshot in place. */
gboolean          vs_gallery_monitor_check        (VsGalleryMonitor *self,
                                                   GError          **error);

/* Writes "last seen" for the person unless it was written less than a
 * minute ago; TRUE when written. */
gboolean          vs_gallery_monitor_record_seen  (VsGalleryMonitor *self,
                                                   gint64            person_id,
                                                   GError          **error);

G_END_DECLS

/* vs-gallery-monitor.h: keeps the gallery snapshot in step with the database.
 *
 * Listens to the database's VsStoreMonitor (vs-store-monitor.h), so nothing
 * is polled: a change names the people it touched and only they are read
 * again into a new immutable snapshot, swapped in; a RESYNC (another
 * process wrote to an SQLite file, a server came back) or a reembed loads
 * it all again. "Last seen" writes change no embedding and are ignored.
 * The new snapshot is built on a worker thread with a connection of its own
 * (vs-store-job.h), one at a time, and swapped in on the monitor's thread:
 * a burst of changes costs at most two builds, and none of them the
 * caller's time.
 * Also records when people were last seen, at most once a minute per person.
 */
#pragma once

#include <glib-object.h>
#include "vs-gallery.h"
#include "vs-store.h"

G_BEGIN_DECLS

#define VS_TYPE_GALLERY_MONITOR (vs_gallery_monitor_get_type ())
G_DECLARE_FINAL_TYPE (VsGalleryMonitor, vs_gallery_monitor, VS, GALLERY_MONITOR, GObject)

/* Loads the gallery of `embedder` at once (errors reported here) and
 * follows the store's monitor in the thread-default main context.
 * Signal "gallery-changed" (VsGallery *gallery): once per batch of changes
 * that touched the gallery.
 * Properties: "store" (VsStore), "gallery" (pointer, read-only), "online"
 * (gboolean, read-only: the store monitor's). */
VsGalleryMonitor *vs_gallery_monitor_new          (VsStore          *store,
                                                   const char       *embedder,
                                                   GError          **error);

/* The same without waiting (for the main thread: 50,000 samples take
 * 150 ms to read): the gallery is NULL until the first load, done on a
 * worker, is announced with "gallery-changed". A failed load is logged
 * and tried again at the next change. */
VsGalleryMonitor *vs_gallery_monitor_new_loading  (VsStore          *store,
                                                   const char       *embedder);

VsStore          *vs_gallery_monitor_get_store    (VsGalleryMonitor *self);
/* The current snapshot (NULL while the first load of a monitor made with
 * new_loading() is under way); no new reference. */
VsGallery        *vs_gallery_monitor_get_gallery  (VsGalleryMonitor *self);
/* FALSE while a shared (PostgreSQL) store's server cannot be reached. */
gboolean          vs_gallery_monitor_get_online   (VsGalleryMonitor *self);

/* Applies what the store monitor has pending now (vs_store_monitor_flush())
 * instead of at the next main loop iteration; TRUE when the gallery was
 * replaced. Errors leave the old snapshot in place. */
gboolean          vs_gallery_monitor_check        (VsGalleryMonitor *self,
                                                   GError          **error);

/* Writes "last seen" for the person unless it was written less than a
 * minute ago; TRUE when written. */
gboolean          vs_gallery_monitor_record_seen  (VsGalleryMonitor *self,
                                                   gint64            person_id,
                                                   GError          **error);

/* The same without waiting: written on a worker thread with a connection of
 * its own, so a busy database (another process importing) never holds up
 * the caller. TRUE when queued (not written less than a minute ago). */
gboolean          vs_gallery_monitor_queue_seen   (VsGalleryMonitor *self,
                                                   gint64            person_id);

G_END_DECLS

/* vs-store-monitor.h: one place where every change to a database is heard.
 *
 * There is one monitor per database in a main context:
 * vs_store_monitor_get_for_store() hands out the same object to everyone who
 * asks from that context (the session, the gallery monitor, the people
 * model), so one write is noticed once, not once per view.
 *
 * Signal "changed" (GArray *changes): VsStoreChange (vs-types.h), oldest
 * first, emitted in the monitor's main context:
 *  - for every write committed by any VsStore of this process on the same
 *    database, on whatever thread it wrote: exactly what changed, with ids,
 *    nothing read back;
 *  - for another process's writes: a shared (PostgreSQL) store names them
 *    (LISTEN/NOTIFY; sample_id 0); an SQLite file only knows that someone
 *    wrote, which is one VS_STORE_CHANGE_RESYNC per burst of writes. SQLite
 *    writes are noticed from the file (no timer): every write moves a
 *    generation counter inside the database, and the monitor compares it
 *    with the generations this process wrote itself.
 * A batch that only holds VS_STORE_CHANGE_PERSON_SEEN changes no embedding
 * (vs_store_changes_touch_gallery()).
 *
 * Property "online" (gboolean, read-only): FALSE while a shared store's
 * server cannot be reached; a RESYNC follows when it is back.
 *
 * Not thread-safe: use a monitor in the context it was made in. Writers on
 * other threads use their own VsStore; their changes arrive here by
 * themselves.
 */
#pragma once

#include <glib-object.h>
#include "vs-store.h"

G_BEGIN_DECLS

#define VS_TYPE_STORE_MONITOR (vs_store_monitor_get_type ())
G_DECLARE_FINAL_TYPE (VsStoreMonitor, vs_store_monitor, VS, STORE_MONITOR, GObject)

/* The monitor of store's database in the thread-default main context: a new
 * reference to the existing one, or a new one that keeps `store` (used to
 * read the SQLite generation and to listen to a server). */
VsStoreMonitor *vs_store_monitor_get_for_store (VsStore        *store);
VsStore        *vs_store_monitor_get_store     (VsStoreMonitor *self);
gboolean        vs_store_monitor_get_online    (VsStoreMonitor *self);

/* Emits what is pending now instead of at the next main loop iteration:
 * this process's posted changes, and another process's writes (the SQLite
 * generation is read now). TRUE when "changed" was emitted. */
gboolean        vs_store_monitor_flush         (VsStoreMonitor *self);

G_END_DECLS

/* visage-session.c
 *
 * What used to live in each window (store, gallery monitor, device list,
 * models, camera) lives here once per database, so that a second window on
 * the same database loads nothing twice and opens no second pipeline on a
 * device. The camera runs only while someone looks: the looker bookkeeping
 * is the one place that starts and stops the pipelines of the app.
 */
#include "config.h"

#include "visage-session.h"
#include "vs-models.h"

struct _VisageSession
{
  GObject           parent_instance;

  GSettings        *settings;
  char             *db_path;
  char             *models_dir;
  char             *embedder;

  VsStore          *store;
  char             *store_error;
  VsGalleryMonitor *gallery_monitor;
  VsPeopleModel    *people;      /* lazily: every window's People page and name check */
  VsDevices        *devices;

  GHashTable       *cameras;     /* spec → CameraEntry; the holders own the camera */
  guint             capturing;
};

G_DEFINE_FINAL_TYPE (VisageSession, visage_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_DB_PATH,
  PROP_MODELS_DIR,
  PROP_EMBEDDER,
  PROP_STORE,
  PROP_GALLERY_MONITOR,
  PROP_CAPTURING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A camera someone holds, and who looks at it now. */
typedef struct {
  VisageSession *session;
  char          *spec;
  VsCamera      *camera;    /* weak: the entry goes with the camera */
  GHashTable    *lookers;   /* set of gconstpointer */
} CameraEntry;

static void
camera_entry_free (gpointer data)
{
  CameraEntry *entry = data;

  g_hash_table_unref (entry->lookers);
  g_free (entry->spec);
  g_free (entry);
}

static void
camera_finalized_cb (gpointer  data,
                     GObject  *where_the_camera_was)
{
  CameraEntry *entry = data;

  g_debug ("Camera %s: nobody holds it any more", entry->spec);
  g_hash_table_remove (entry->session->cameras, entry->spec);
}

static CameraEntry *
find_entry (VisageSession *self,
            VsCamera      *camera)
{
  CameraEntry *entry = g_hash_table_lookup (self->cameras, vs_camera_get_source (camera));

  return entry != NULL && entry->camera == camera ? entry : NULL;
}

static char *
store_embedder (VsStore *store)
{
  g_autoptr(GError) error = NULL;
  char *embedder = store ? vs_store_dup_embedder (store, &error) : NULL;

  if (error != NULL)
    g_debug ("Cannot tell the database's embedder: %s", error->message);
  return embedder;
}

static void
visage_session_constructed (GObject *object)
{
  VisageSession *self = VISAGE_SESSION (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (visage_session_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));

  self->devices = vs_devices_get_default ();

  self->store = vs_store_open (self->db_path, &error);
  if (self->store == NULL)
    {
      g_warning ("Cannot open the database: %s", error->message);
      self->store_error = g_strdup (error->message);
      g_clear_error (&error);
    }

  /* Unless --embedder says otherwise, the database says which embedder its
   * faces are in (`visage-cli reembed --embedder X` makes it X). */
  if (self->embedder == NULL)
    self->embedder = store_embedder (self->store);
  if (self->embedder == NULL)
    self->embedder = g_strdup (vs_models_get_default_embedder ());

  if (self->store == NULL)
    return;

  /* The gallery is read on a worker: the window shows meanwhile, and the
   * live view names people once it is there. */
  self->gallery_monitor = vs_gallery_monitor_new_loading (self->store, self->embedder);
}

static void
visage_session_dispose (GObject *object)
{
  VisageSession *self = VISAGE_SESSION (object);
  GHashTableIter iter;
  gpointer value;

  /* The cameras may outlive the session (a window still closing). */
  g_hash_table_iter_init (&iter, self->cameras);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CameraEntry *entry = value;

      g_object_weak_unref (G_OBJECT (entry->camera), camera_finalized_cb, entry);
      g_hash_table_iter_remove (&iter);
    }

  g_clear_object (&self->people);
  g_clear_object (&self->gallery_monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->devices);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (visage_session_parent_class)->dispose (object);
}

static void
visage_session_finalize (GObject *object)
{
  VisageSession *self = VISAGE_SESSION (object);

  g_clear_pointer (&self->cameras, g_hash_table_unref);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->models_dir, g_free);
  g_clear_pointer (&self->embedder, g_free);
  g_clear_pointer (&self->store_error, g_free);

  G_OBJECT_CLASS (visage_session_parent_class)->finalize (object);
}

static void
visage_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VisageSession *self = VISAGE_SESSION (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;

    case PROP_MODELS_DIR:
      g_value_set_string (value, self->models_dir);
      break;

    case PROP_EMBEDDER:
      g_value_set_string (value, self->embedder);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_GALLERY_MONITOR:
      g_value_set_object (value, self->gallery_monitor);
      break;

    case PROP_CAPTURING:
      g_value_set_boolean (value, self->capturing > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VisageSession *self = VISAGE_SESSION (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_DB_PATH:
      self->db_path = g_value_dup_string (value);
      break;

    case PROP_MODELS_DIR:
      self->models_dir = g_value_dup_string (value);
      break;

    case PROP_EMBEDDER:
      self->embedder = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
visage_session_class_init (VisageSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = visage_session_constructed;
  object_class->dispose = visage_session_dispose;
  object_class->finalize = visage_session_finalize;
  object_class->get_property = visage_session_get_property;
  object_class->set_property = visage_session_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODELS_DIR] =
    g_param_spec_string ("models-dir", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Written the embedder asked for, read the one in use. */
  properties[PROP_EMBEDDER] =
    g_param_spec_string ("embedder", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         VS_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GALLERY_MONITOR] =
    g_param_spec_object ("gallery-monitor", NULL, NULL,
                         VS_TYPE_GALLERY_MONITOR,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAPTURING] =
    g_param_spec_boolean ("capturing", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
visage_session_init (VisageSession *self)
{
  self->cameras = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, camera_entry_free);
}

VisageSession *
visage_session_new (GSettings  *settings,
                    const char *db_path,
                    const char *models_dir,
                    const char *embedder)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (VISAGE_TYPE_SESSION,
                       "settings", settings,
                       "db-path", db_path,
                       "models-dir", models_dir,
                       "embedder", embedder,
                       NULL);
}

GSettings *
visage_session_get_settings (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->settings;
}

const char *
visage_session_get_db_path (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->db_path;
}

VsStore *
visage_session_get_store (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->store;
}

const char *
visage_session_get_store_error (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->store_error;
}

VsGalleryMonitor *
visage_session_get_gallery_monitor (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->gallery_monitor;
}

VsPeopleModel *
visage_session_get_people_model (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  /* One model per database: each keeps 10,000 items in step with the store
   * on the main thread, so a second one would double that work. */
  if (self->people == NULL && self->store != NULL)
    self->people = vs_people_model_new (self->store);
  return self->people;
}

VsDevices *
visage_session_get_devices (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->devices;
}

const char *
visage_session_get_models_dir (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->models_dir;
}

const char *
visage_session_get_embedder (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  return self->embedder;
}

VsEngine *
visage_session_new_engine (VisageSession  *self,
                           GError        **error)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  /* Only construct-time fields: safe from any thread. */
  return vs_engine_new (self->models_dir, self->embedder, error);
}

VsCamera *
visage_session_dup_camera (VisageSession  *self,
                           const char     *spec,
                           GError        **error)
{
  CameraEntry *entry;
  VsCamera *camera;

  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  entry = g_hash_table_lookup (self->cameras, spec);
  if (entry != NULL)
    return g_object_ref (entry->camera);

  camera = vs_camera_new (spec, VS_CAMERA_FLAGS_NONE, error);
  if (camera == NULL)
    return NULL;

  entry = g_new0 (CameraEntry, 1);
  entry->session = self;
  /* The camera's own copy of the spec is the one looked up by. */
  entry->spec = g_strdup (vs_camera_get_source (camera));
  entry->camera = camera;
  entry->lookers = g_hash_table_new (NULL, NULL);
  g_object_weak_ref (G_OBJECT (camera), camera_finalized_cb, entry);
  g_hash_table_replace (self->cameras, entry->spec, entry);
  g_debug ("Camera %s: created", entry->spec);

  return camera;
}

VsCamera *
visage_session_lookup_camera (VisageSession *self,
                              const char    *spec)
{
  CameraEntry *entry;

  g_return_val_if_fail (VISAGE_IS_SESSION (self), NULL);

  entry = spec != NULL ? g_hash_table_lookup (self->cameras, spec) : NULL;
  return entry != NULL ? entry->camera : NULL;
}

void
visage_session_look_at (VisageSession *self,
                        VsCamera      *camera,
                        gconstpointer  looker)
{
  CameraEntry *entry;

  g_return_if_fail (VISAGE_IS_SESSION (self));
  g_return_if_fail (VS_IS_CAMERA (camera));

  entry = find_entry (self, camera);
  g_return_if_fail (entry != NULL);

  if (!g_hash_table_add (entry->lookers, (gpointer) looker))
    return;
  if (g_hash_table_size (entry->lookers) == 1)
    {
      g_debug ("Camera %s: someone looks, starting", entry->spec);
      vs_camera_start (camera);
    }
}

void
visage_session_look_away (VisageSession *self,
                          VsCamera      *camera,
                          gconstpointer  looker)
{
  CameraEntry *entry;

  g_return_if_fail (VISAGE_IS_SESSION (self));
  g_return_if_fail (VS_IS_CAMERA (camera));

  entry = find_entry (self, camera);
  if (entry == NULL || !g_hash_table_remove (entry->lookers, looker))
    return;
  /* Nobody looks: no picture, no light, no recognition. */
  if (g_hash_table_size (entry->lookers) == 0)
    {
      g_debug ("Camera %s: nobody looks, stopping", entry->spec);
      vs_camera_stop (camera);
    }
}

void
visage_session_begin_capture (VisageSession *self)
{
  g_return_if_fail (VISAGE_IS_SESSION (self));

  if (self->capturing++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPTURING]);
}

void
visage_session_end_capture (VisageSession *self)
{
  g_return_if_fail (VISAGE_IS_SESSION (self));
  g_return_if_fail (self->capturing > 0);

  if (--self->capturing == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPTURING]);
}

gboolean
visage_session_get_capturing (VisageSession *self)
{
  g_return_val_if_fail (VISAGE_IS_SESSION (self), FALSE);

  return self->capturing > 0;
}

/* vs-cv.cpp: the only C++ in Visage, a thin shim over OpenCV 4.6.
 *
 * Every entry point catches cv::Exception (and std::exception) and turns it
 * into a GError, so no C++ exception ever crosses into C.
 */
#include "config.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <cstring>

#include <glib/gi18n-lib.h>

#include "vs-cv.h"
#include "vs-engine.h"

struct _VsCvDetector
{
  cv::Ptr<cv::FaceDetectorYN> yunet;
  cv::Size input_size;
};

struct _VsCvEmbedder
{
  cv::dnn::Net net;
  cv::Size input_size;
  bool swap_rb;
  cv::Scalar mean;
  double scale;
  guint dim;
};

/* A cv::Mat header over a VsImage, no copy. */
static cv::Mat
image_to_mat (const VsImage *image)
{
  return cv::Mat (image->height, image->width, CV_8UC3, image->data, (size_t) image->stride);
}

static VsImage *
mat_to_image (const cv::Mat &mat)
{
  VsImage *image = vs_image_new (mat.cols, mat.rows);
  cv::Mat dst = image_to_mat (image);

  mat.copyTo (dst);
  return image;
}

static void
set_error (GError **error, GQuark domain, int code, const char *what, const std::exception &e)
{
  g_set_error (error, domain, code, "%s: %s", what, e.what ());
}

static void
quiet_opencv_logs (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      /* OpenCV's own INFO/WARNING lines would end up in the CLI's output. */
      cv::utils::logging::setLogLevel (cv::utils::logging::LOG_LEVEL_ERROR);
      g_debug ("OpenCV runs %d threads", cv::getNumThreads ());
      g_once_init_leave (&once, 1);
    }
}

extern "C" void
vs_cv_set_num_threads (int n)
{
  cv::setNumThreads (n);
}

extern "C" VsCvDetector *
vs_cv_detector_new (const char *onnx_path,
                    float       score_threshold,
                    float       nms_threshold,
                    GError    **error)
{
  quiet_opencv_logs ();
  try
    {
      auto *self = new _VsCvDetector ();
      self->input_size = cv::Size (320, 320);
      self->yunet = cv::FaceDetectorYN::create (onnx_path, "", self->input_size,
                                                score_threshold, nms_threshold, 5000);
      return self;
    }
  catch (const std::exception &e)
    {
      g_set_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_LOAD,
                   _("OpenCV could not load the face detector “%s”: %s"), onnx_path, e.what ());
      return nullptr;
    }
}

extern "C" void
vs_cv_detector_free (VsCvDetector *self)
{
  delete self;
}

extern "C" gboolean
vs_cv_detector_detect (VsCvDetector  *self,
                       const VsImage *image,
                       GArray        *faces,
                       GError       **error)
{
  try
    {
      cv::Mat mat = image_to_mat (image);
      cv::Mat out;

      /* YuNet's last pooling layers need about 64 px each way: a smaller
       * (or very flat, once scaled) picture is padded at the right and
       * bottom, which keeps the coordinates, instead of making OpenCV raise. */
      if (mat.cols < 64 || mat.rows < 64)
        {
          cv::Mat padded;
          cv::copyMakeBorder (mat, padded, 0, MAX (0, 64 - mat.rows), 0, MAX (0, 64 - mat.cols),
                              cv::BORDER_CONSTANT, cv::Scalar::all (0));
          mat = padded;
        }

      if (self->input_size != mat.size ())
        {
          self->input_size = mat.size ();
          self->yunet->setInputSize (self->input_size);
        }
      self->yunet->detect (mat, out);

      for (int i = 0; i < out.rows; i++)
        {
          const float *row = out.ptr<float> (i);
          VsFace face;

          face.x = row[0];
          face.y = row[1];
          face.width = row[2];
          face.height = row[3];
          for (int p = 0; p < 5; p++)
            {
              face.landmarks[p][0] = row[4 + 2 * p];
              face.landmarks[p][1] = row[5 + 2 * p];
            }
          face.score = row[14];
          g_array_append_val (faces, face);
        }
      return TRUE;
    }
  catch (const std::exception &e)
    {
      set_error (error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_FAILED, _("Face detection failed"), e);
      return FALSE;
    }
}

extern "C" VsCvEmbedder *
vs_cv_embedder_new (const char  *onnx_path,
                    int          input_width,
                    int          input_height,
                    gboolean     swap_rb,
                    const float  mean[3],
                    float        scale,
                    guint        dim,
                    GError     **error)
{
  quiet_opencv_logs ();
  try
    {
      auto *self = new _VsCvEmbedder ();
      self->net = cv::dnn::readNetFromONNX (onnx_path);
      self->input_size = cv::Size (input_width, input_height);
      self->swap_rb = swap_rb;
      self->mean = cv::Scalar (mean[0], mean[1], mean[2]);
      self->scale = scale;
      self->dim = dim;
      self->net.setPreferableBackend (cv::dnn::DNN_BACKEND_OPENCV);
      self->net.setPreferableTarget (cv::dnn::DNN_TARGET_CPU);
      return self;
    }
  catch (const std::exception &e)
    {
      g_set_error (error, VS_MODEL_ERROR, VS_MODEL_ERROR_LOAD,
                   _("OpenCV could not load the face embedder “%s”: %s"), onnx_path, e.what ());
      return nullptr;
    }
}

extern "C" void
vs_cv_embedder_free (VsCvEmbedder *self)
{
  delete self;
}

extern "C" gboolean
vs_cv_embedder_forward (VsCvEmbedder  *self,
                        const VsImage *aligned,
                        float         *out,
                        GError       **error)
{
  try
    {
      cv::Mat blob = cv::dnn::blobFromImage (image_to_mat (aligned), self->scale,
                                             self->input_size, self->mean,
                                             self->swap_rb, false, CV_32F);
      self->net.setInput (blob);
      cv::Mat result = self->net.forward ();

      if (result.total () != self->dim || result.type () != CV_32F)
        {
          g_set_error (error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_FAILED,
                       _("The embedder produced %zu values instead of %u"),
                       (size_t) result.total (), self->dim);
          return FALSE;
        }
      std::memcpy (out, result.ptr<float> (), self->dim * sizeof (float));
      return TRUE;
    }
  catch (const std::exception &e)
    {
      set_error (error, VS_ENGINE_ERROR, VS_ENGINE_ERROR_FAILED, _("Face embedding failed"), e);
      return FALSE;
    }
}

extern "C" VsImage *
vs_cv_decode (const guint8 *data,
              gsize         len,
              int           reduce,
              GError      **error)
{
  int flags;

  switch (reduce)
    {
    case 2: flags = cv::IMREAD_REDUCED_COLOR_2; break;
    case 4: flags = cv::IMREAD_REDUCED_COLOR_4; break;
    case 8: flags = cv::IMREAD_REDUCED_COLOR_8; break;
    default: flags = cv::IMREAD_COLOR; break;
    }

  quiet_opencv_logs ();
  try
    {
      /* IMREAD_COLOR applies EXIF orientation and turns grey, alpha and
       * 16-bit pictures into 8-bit BGR. */
      cv::Mat buf (1, (int) len, CV_8UC1, (void *) data);
      cv::Mat mat = cv::imdecode (buf, flags);

      if (mat.empty ())
        {
          g_set_error_literal (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT,
                               _("The picture is damaged or in a format Visage cannot read"));
          return nullptr;
        }
      return mat_to_image (mat);
    }
  catch (const std::exception &e)
    {
      set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_FORMAT, _("The picture could not be decoded"), e);
      return nullptr;
    }
}

extern "C" GBytes *
vs_cv_encode (const VsImage *image,
              const char    *ext,
              GError       **error)
{
  try
    {
      std::vector<uchar> buf;
      std::vector<int> params;

      if (g_str_equal (ext, ".png"))
        params = { cv::IMWRITE_PNG_COMPRESSION, 6 };
      else
        params = { cv::IMWRITE_JPEG_QUALITY, 92 };

      if (!cv::imencode (ext, image_to_mat (image), buf, params))
        {
          g_set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_IO, _("Could not encode a %s picture"), ext);
          return nullptr;
        }
      return g_bytes_new (buf.data (), buf.size ());
    }
  catch (const std::exception &e)
    {
      set_error (error, VS_IMAGE_ERROR, VS_IMAGE_ERROR_IO, _("Could not encode the picture"), e);
      return nullptr;
    }
}

extern "C" VsImage *
vs_cv_resize (const VsImage *image,
              int            width,
              int            height)
{
  VsImage *out = vs_image_new (width, height);
  cv::Mat dst = image_to_mat (out);

  /* Straight into the new image: dst already has the size and type, so
   * OpenCV writes in place and the frame is not copied a second time. */
  cv::resize (image_to_mat (image), dst, dst.size (), 0, 0,
              width < image->width ? cv::INTER_AREA : cv::INTER_LINEAR);
  g_assert (dst.data == out->data);
  return out;
}

extern "C" VsImage *
vs_cv_warp_affine (const VsImage *image,
                   const double   m[2][3],
                   int            width,
                   int            height)
{
  cv::Mat matrix (2, 3, CV_64F, (void *) m);
  VsImage *out = vs_image_new (width, height);
  cv::Mat dst = image_to_mat (out);

  cv::warpAffine (image_to_mat (image), dst, matrix, dst.size (), cv::INTER_LINEAR,
                  cv::BORDER_CONSTANT, cv::Scalar (0, 0, 0));
  return out;
}

extern "C" void
vs_cv_sharpness_brightness (const VsImage *image,
                            int x, int y, int width, int height,
                            double *laplacian_variance,
                            double *mean_brightness)
{
  cv::Rect roi = cv::Rect (x, y, width, height) & cv::Rect (0, 0, image->width, image->height);
  cv::Mat grey, lap;
  cv::Scalar mean, stddev;

  if (roi.area () == 0)
    {
      *laplacian_variance = 0;
      *mean_brightness = 0;
      return;
    }
  cv::cvtColor (image_to_mat (image) (roi), grey, cv::COLOR_BGR2GRAY);
  *mean_brightness = cv::mean (grey)[0];
  cv::Laplacian (grey, lap, CV_64F);
  cv::meanStdDev (lap, mean, stddev);
  *laplacian_variance = stddev[0] * stddev[0];
}

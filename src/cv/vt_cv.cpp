// vt_cv.cpp — thin wrappers over OpenCV for the C code (see vt_cv.h); the only other C++ is the assimp bridge.
// No logic lives here: each function converts types, calls OpenCV and catches its exceptions.
#include "cv/vt_cv.h"

#include <opencv2/aruco.hpp>
#include <opencv2/aruco/charuco.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <mutex>

struct vtcv_mat { cv::Mat m; };
struct vtcv_video { cv::VideoCapture cap; };
struct vtcv_writer { cv::VideoWriter w; cv::Mat bgr; };

static void set_err(char *err, size_t n, const char *fmt, const char *a)
{
    if (err && n) snprintf(err, n, fmt, a);
}

// Called inside a catch block: turns whatever OpenCV (or the C++ library under it) threw into a
// result and a one-line reason, so nothing escapes into the C callers.
static vt_result failed(char *err, size_t errlen, const char *doing, vt_result code)   /* doing: N_("cannot ...") */
{
    try {
        throw;
    } catch (const cv::Exception &e) {
        if (err && errlen) snprintf(err, errlen, "%s: %s", _(doing), e.err.c_str());
    } catch (const std::exception &e) {
        if (err && errlen) snprintf(err, errlen, "%s: %s", _(doing), e.what());
    } catch (...) {
        if (err && errlen) snprintf(err, errlen, _("%s (library error)"), _(doing));
    }
    return code;
}

// Vitrine reports every failure itself, in one line naming the file; OpenCV's own log is noise.
// FFmpeg (through OpenCV's videoio) prints its own errors unless OPENCV_FFMPEG_LOGLEVEL says
// otherwise: -8 is AV_LOG_QUIET (a value the user set is kept). OpenCV reads the variable when it
// first opens a video; setenv must not race with threads reading the environment, hence once.
static std::once_flag s_init_once;
static void quiet_libraries()
{
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
}

static cv::Mat as_mat(const vt_image *im)
{
    int type = im->format == VT_PIX_GREY8 ? CV_8UC1 : im->format == VT_PIX_BGR8 ? CV_8UC3 : CV_8UC4;
    return cv::Mat(im->height, im->width, type, im->data, (size_t)im->stride);
}

extern "C" {

void vtcv_init(void)
{
    try { std::call_once(s_init_once, quiet_libraries); } catch (...) {}
}

vtcv_mat *vtcv_mat_create(void)
{
    vtcv_init();
    try { return new vtcv_mat(); } catch (...) { return nullptr; }
}

void vtcv_mat_destroy(vtcv_mat *m)
{
    try { delete m; } catch (...) {}
}

vt_image vtcv_mat_view(const vtcv_mat *m)
{
    vt_image im = { VT_PIX_NONE, 0, 0, 0, nullptr };
    try {
        if (!m || m->m.empty()) return im;
        vt_pixel_format f = m->m.channels() == 1 ? VT_PIX_GREY8 : m->m.channels() == 3 ? VT_PIX_BGR8 : VT_PIX_RGBA8;
        return vt_image_wrap(f, m->m.cols, m->m.rows, (int)m->m.step[0], m->m.data);
    } catch (...) { return im; }
}

vt_result vtcv_mat_copy(vtcv_mat *dst, const vt_image *src)
{
    try { as_mat(src).copyTo(dst->m); return VT_OK; } catch (...) { return VT_ERR_NO_MEMORY; }
}

vt_result vtcv_mat_alloc(vtcv_mat *m, vt_pixel_format f, int width, int height)
{
    int type = f == VT_PIX_GREY8 ? CV_8UC1 : f == VT_PIX_BGR8 ? CV_8UC3 : CV_8UC4;
    try { m->m.create(height, width, type); return VT_OK; } catch (...) { return VT_ERR_NO_MEMORY; }
}

vt_result vtcv_imread(const char *path, int grey, vtcv_mat *out, char *err, size_t errlen)
{
    vtcv_init();
    try {
        out->m = cv::imread(path, grey ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    } catch (...) {
        return failed(err, errlen, N_("cannot decode"), VT_ERR_FORMAT);
    }
    if (out->m.empty()) { set_err(err, errlen, "%s", _("not a readable image (unknown format or corrupt data)")); return VT_ERR_FORMAT; }
    return VT_OK;
}

vt_result vtcv_letterbox(vtcv_mat *m, vtcv_mat *scratch, int w, int h)
{
    try {
        double k = std::min((double)w / m->m.cols, (double)h / m->m.rows);
        int sw = std::max(1, std::min(w, (int)std::lround(m->m.cols * k)));
        int sh = std::max(1, std::min(h, (int)std::lround(m->m.rows * k)));
        scratch->m.create(h, w, m->m.type());
        scratch->m.setTo(cv::Scalar::all(0));
        cv::Mat roi = scratch->m(cv::Rect((w - sw) / 2, (h - sh) / 2, sw, sh));
        cv::resize(m->m, roi, roi.size(), 0, 0, k < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::swap(m->m, scratch->m);
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

vt_result vtcv_imdecode(const void *data, size_t len, int grey, vtcv_mat *out, char *err, size_t errlen)
{
    vtcv_init();
    if (len > (size_t)INT_MAX) { set_err(err, errlen, "%s", _("too large an image file")); return VT_ERR_FORMAT; }
    try {
        out->m = cv::imdecode(cv::Mat(1, (int)len, CV_8U, (void *)data), grey ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
        // Some decoders (Radiance HDR) ignore the flags: bytes, and grey or BGR as asked, are what
        // every stage reads.
        cv::Mat &m = out->m;
        if (!m.empty() && m.depth() != CV_8U) m.convertTo(m, CV_8U, m.depth() == CV_32F ? 255.0 : 1.0);
        int want = grey ? 1 : 3;
        if (!m.empty() && m.channels() != want)
            cv::cvtColor(m, m, grey ? (m.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY)
                                    : (m.channels() == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR));
    } catch (...) {
        return failed(err, errlen, N_("cannot decode"), VT_ERR_FORMAT);
    }
    if (out->m.empty()) { set_err(err, errlen, "%s", _("not a readable image (unknown format or corrupt data)")); return VT_ERR_FORMAT; }
    return VT_OK;
}

vt_result vtcv_imwrite(const char *path, const vt_image *im, char *err, size_t errlen)
{
    vtcv_init();
    try {
        cv::Mat m = as_mat(im), conv;
        if (im->format == VT_PIX_RGBA8) { cv::cvtColor(m, conv, cv::COLOR_RGBA2BGRA); m = conv; }
        if (!cv::imwrite(path, m)) { set_err(err, errlen, "%s", _("cannot write the image")); return VT_ERR_IO; }
    } catch (...) {
        return failed(err, errlen, N_("cannot write"), VT_ERR_IO);
    }
    return VT_OK;
}

vt_result vtcv_decode_rgba(const char *path, const void *data, size_t size, vtcv_mat *out, char *err, size_t errlen)
{
    vtcv_init();
    try {
        cv::Mat m = path ? cv::imread(path, cv::IMREAD_UNCHANGED)
                         : cv::imdecode(cv::Mat(1, (int)size, CV_8U, (void *)data), cv::IMREAD_UNCHANGED);
        if (m.empty()) { set_err(err, errlen, "%s", _("not a readable image (unknown format or corrupt data)")); return VT_ERR_FORMAT; }
        if (m.depth() != CV_8U) m.convertTo(m, CV_8U, m.depth() == CV_16U ? 1.0 / 257 : 255.0);
        int code = m.channels() == 1 ? cv::COLOR_GRAY2RGBA : m.channels() == 3 ? cv::COLOR_BGR2RGBA : cv::COLOR_BGRA2RGBA;
        cv::cvtColor(m, out->m, code);
        return VT_OK;
    } catch (...) {
        return failed(err, errlen, N_("cannot decode"), VT_ERR_FORMAT);
    }
}

vt_result vtcv_warp_perspective(const vt_image *src, vt_image *dst, const double H[9])
{
    try {
        cv::Mat d = as_mat(dst);
        cv::warpPerspective(as_mat(src), d, cv::Mat(3, 3, CV_64F, (void *)H), d.size(), cv::INTER_LINEAR,
                            cv::BORDER_TRANSPARENT);
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

vt_result vtcv_to_grey(const vt_image *src, vtcv_mat *out)
{
    try {
        cv::Mat m = as_mat(src);
        if (src->format == VT_PIX_GREY8) m.copyTo(out->m);
        else cv::cvtColor(m, out->m, src->format == VT_PIX_BGR8 ? cv::COLOR_BGR2GRAY : cv::COLOR_RGBA2GRAY);
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

vt_result vtcv_video_open_file(const char *path, vtcv_video **out, char *err, size_t errlen)
{
    vtcv_init();
    *out = nullptr;
    vtcv_video *v = nullptr;
    try {
        v = new vtcv_video();
        // FFmpeg only: other back-ends read "name_%d.png" patterns or GStreamer URIs into a path.
        if (v->cap.open(path, cv::CAP_FFMPEG) && v->cap.isOpened()) { *out = v; return VT_OK; }
    } catch (...) {}
    set_err(err, errlen, "%s", _("not a readable image or video (unknown format or corrupt data)"));
    vtcv_video_close(v);
    return VT_ERR_FORMAT;
}

vt_result vtcv_video_read(vtcv_video *v, vtcv_mat *bgr)
{
    try {
        if (!v->cap.read(bgr->m) || bgr->m.empty()) return VT_END;
        return VT_OK;
    } catch (...) { return VT_ERR_IO; }
}

void vtcv_video_size(const vtcv_video *v, int *width, int *height)
{
    try {
        *width = (int)v->cap.get(cv::CAP_PROP_FRAME_WIDTH);
        *height = (int)v->cap.get(cv::CAP_PROP_FRAME_HEIGHT);
    } catch (...) { *width = *height = 0; }
}

double vtcv_video_fps(const vtcv_video *v)
{
    try { return v->cap.get(cv::CAP_PROP_FPS); } catch (...) { return 0; }
}

int vtcv_video_frame_count(const vtcv_video *v)
{
    try {
        double n = v->cap.get(cv::CAP_PROP_FRAME_COUNT);
        return n > 0 ? (int)n : -1;
    } catch (...) { return -1; }
}

void vtcv_video_close(vtcv_video *v)
{
    try { delete v; } catch (...) {}
}

vt_result vtcv_writer_open(const char *path, double fps, int width, int height, vtcv_writer **out, char *err,
                           size_t errlen)
{
    vtcv_init();
    *out = nullptr;
    vtcv_writer *w = nullptr;
    try {
        w = new vtcv_writer();
        if (w->w.open(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, cv::Size(width, height)) &&
            w->w.isOpened()) {
            *out = w;
            return VT_OK;
        }
    } catch (...) {}
    set_err(err, errlen, "%s", _("cannot create the video file (check the folder exists and is writable)"));
    vtcv_writer_close(w);
    return VT_ERR_IO;
}

vt_result vtcv_writer_write(vtcv_writer *w, const vt_image *frame)
{
    try {
        cv::Mat m = as_mat(frame);
        if (frame->format == VT_PIX_RGBA8) { cv::cvtColor(m, w->bgr, cv::COLOR_RGBA2BGR); m = w->bgr; }
        w->w.write(m);
        return VT_OK;
    } catch (...) { return VT_ERR_IO; }
}

void vtcv_writer_close(vtcv_writer *w)
{
    try { delete w; } catch (...) {}
}

void vtcv_set_threads(int n)
{
    try { cv::setNumThreads(n >= 1 ? n : -1); } catch (...) {}
}

int vtcv_get_threads(void)
{
    try { return cv::getNumThreads(); } catch (...) { return 1; }
}

vt_result vtcv_aruco_dict_info(int dict, int *count, int *bits)
{
    if (dict < cv::aruco::DICT_4X4_50 || dict > cv::aruco::DICT_APRILTAG_36h11) return VT_ERR_UNSUPPORTED;
    try {
        cv::Ptr<cv::aruco::Dictionary> d = cv::aruco::getPredefinedDictionary(dict);
        if (count) *count = d->bytesList.rows;
        if (bits) *bits = d->markerSize;
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

int vtcv_aruco_detect(const vt_image *grey, int dict, const vtcv_aruco_params *p, vtcv_quad *out, int max)
{
    try {
        // Dictionaries and parameters are cached per thread: building them costs more than a frame.
        thread_local int cached_dict = -1;
        thread_local cv::Ptr<cv::aruco::Dictionary> d;
        thread_local cv::Ptr<cv::aruco::DetectorParameters> prm = cv::aruco::DetectorParameters::create();
        if (dict != cached_dict) { d = cv::aruco::getPredefinedDictionary(dict); cached_dict = dict; }
        prm->cornerRefinementMethod = p->refine;
        if (p->refine_win > 0) prm->cornerRefinementWinSize = p->refine_win;
        if (p->min_perimeter_rate > 0) prm->minMarkerPerimeterRate = p->min_perimeter_rate;
        if (p->error_correction_rate >= 0) prm->errorCorrectionRate = p->error_correction_rate;
        std::vector<std::vector<cv::Point2f>> corners;
        std::vector<int> ids;
        cv::aruco::detectMarkers(as_mat(grey), d, corners, ids, prm);
        int n = (int)ids.size() < max ? (int)ids.size() : max;
        for (int i = 0; i < n; i++) {
            out[i].id = ids[i];
            for (int k = 0; k < 4; k++) { out[i].c[k][0] = corners[i][k].x; out[i].c[k][1] = corners[i][k].y; }
        }
        return n;
    } catch (...) { return -1; }
}

vt_result vtcv_aruco_dict_bits(int dict, uint8_t *out, size_t size, int *max_correction)
{
    try {
        cv::Ptr<cv::aruco::Dictionary> d = cv::aruco::getPredefinedDictionary(dict);
        if (max_correction) *max_correction = d->maxCorrectionBits;
        int n = d->markerSize, count = d->bytesList.rows;
        if ((size_t)count * n * n > size) return VT_ERR_ARG;
        for (int i = 0; i < count; i++) {
            cv::Mat bits = cv::aruco::Dictionary::getBitsFromByteList(d->bytesList.rowRange(i, i + 1), n);
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) out[((size_t)i * n + y) * n + x] = bits.at<uint8_t>(y, x);
        }
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

vt_result vtcv_resize_area(const vt_image *src, vt_image *dst)
{
    try {
        cv::Mat d = as_mat(dst);
        cv::resize(as_mat(src), d, d.size(), 0, 0, cv::INTER_AREA);
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

vt_result vtcv_adaptive_threshold(const vt_image *src, vt_image *dst, int block, double c)
{
    try {
        cv::Mat d = as_mat(dst);
        cv::adaptiveThreshold(as_mat(src), d, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, c);
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

int vtcv_find_contours(const vt_image *binary, int min_points, int max_points, int (*pts)[2], int max_pts, int *counts,
                       int max_contours)
{
    try {
        // findContours modifies nothing in 4.x, but takes a non-const Mat.
        std::vector<std::vector<cv::Point>> cs;
        cv::findContours(as_mat(binary), cs, cv::RETR_LIST, cv::CHAIN_APPROX_NONE);
        int n = 0, used = 0;
        for (const auto &c : cs) {
            int k = (int)c.size();
            if (k < min_points || k > max_points || n >= max_contours || used + k > max_pts) continue;
            for (int i = 0; i < k; i++) { pts[used + i][0] = c[i].x; pts[used + i][1] = c[i].y; }
            counts[n++] = k;
            used += k;
        }
        return n;
    } catch (...) { return -1; }
}

int vtcv_approx_poly(const int (*pts)[2], int n, double eps, int *out_index, int max)
{
    try {
        // A header over the caller's points (no copy) and an output reused across calls: this
        // runs for every contour of every frame.
        thread_local std::vector<cv::Point> poly;
        cv::approxPolyDP(cv::Mat(n, 1, CV_32SC2, (void *)pts), poly, eps, true);
        int k = (int)poly.size() < max ? (int)poly.size() : max;
        // Report vertices as indices into the contour, so the caller can fit its segments.
        for (int i = 0, j = 0; i < k; i++) {
            int s = 0;
            while (s < n && (pts[j][0] != poly[i].x || pts[j][1] != poly[i].y)) { j = (j + 1) % n; s++; }
            if (s == n) return -1;
            out_index[i] = j;
        }
        return (int)poly.size();
    } catch (...) { return -1; }
}

vt_result vtcv_aruco_marker_image(int dict, int id, int side_px, vtcv_mat *out)
{
    try {
        cv::aruco::drawMarker(cv::aruco::getPredefinedDictionary(dict), id, side_px, out->m, 1);
        return VT_OK;
    } catch (...) { return VT_ERR_ARG; }
}

int vtcv_chessboard_find(const vt_image *grey, int cols, int rows, int win, float (*out)[2], int max)
{
    try {
        std::vector<cv::Point2f> c;
        cv::Mat g = as_mat(grey);
        if (!cv::findChessboardCorners(g, cv::Size(cols, rows), c,
                                       cv::CALIB_CB_ADAPTIVE_THRESH | cv::CALIB_CB_NORMALIZE_IMAGE))
            return 0;
        cv::cornerSubPix(g, c, cv::Size(win, win), cv::Size(-1, -1),
                         cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 40, 0.001));
        int n = (int)c.size() < max ? (int)c.size() : max;
        for (int i = 0; i < n; i++) { out[i][0] = c[i].x; out[i][1] = c[i].y; }
        return n;
    } catch (...) { return 0; }
}

static cv::Ptr<cv::aruco::CharucoBoard> charuco(int sx, int sy, float square, float marker, int dict)
{
    return cv::aruco::CharucoBoard::create(sx, sy, square, marker, cv::aruco::getPredefinedDictionary(dict));
}

int vtcv_charuco_find(const vt_image *grey, int sx, int sy, float square, float marker, int dict, float (*out)[2], int *ids, int max)
{
    try {
        cv::Ptr<cv::aruco::CharucoBoard> b = charuco(sx, sy, square, marker, dict);
        cv::Mat g = as_mat(grey);
        std::vector<std::vector<cv::Point2f>> mc;
        std::vector<int> mid;
        cv::aruco::detectMarkers(g, b->dictionary, mc, mid);
        if (mid.empty()) return 0;
        std::vector<cv::Point2f> cc;
        std::vector<int> cid;
        cv::aruco::interpolateCornersCharuco(mc, mid, g, b, cc, cid);
        int n = (int)cc.size() < max ? (int)cc.size() : max;
        for (int i = 0; i < n; i++) { out[i][0] = cc[i].x; out[i][1] = cc[i].y; ids[i] = cid[i]; }
        return n;
    } catch (...) { return 0; }
}

int vtcv_charuco_corners(int sx, int sy, float square, float marker, int dict, float (*out)[3], int max)
{
    try {
        cv::Ptr<cv::aruco::CharucoBoard> b = charuco(sx, sy, square, marker, dict);
        int n = (int)b->chessboardCorners.size() < max ? (int)b->chessboardCorners.size() : max;
        for (int i = 0; i < n; i++) {
            out[i][0] = b->chessboardCorners[i].x; out[i][1] = b->chessboardCorners[i].y; out[i][2] = b->chessboardCorners[i].z;
        }
        return n;
    } catch (...) { return 0; }
}

vt_result vtcv_charuco_draw(int sx, int sy, float square, float marker, int dict, int width, int height, int margin, vtcv_mat *out)
{
    try {
        charuco(sx, sy, square, marker, dict)->draw(cv::Size(width, height), out->m, margin, 1);
        return VT_OK;
    } catch (...) { return VT_ERR_ARG; }
}

vt_result vtcv_calibrate(const float (*obj)[3], const float (*img)[2], const int *counts, int nviews, int width,
                         int height, double K[9], double dist[5], double *view_err, double (*rvecs)[3],
                         double (*tvecs)[3], double *rms_out)
{
    try {
        std::vector<std::vector<cv::Point3f>> o(nviews);
        std::vector<std::vector<cv::Point2f>> q(nviews);
        int k = 0;
        for (int v = 0; v < nviews; v++)
            for (int i = 0; i < counts[v]; i++, k++) {
                o[v].push_back(cv::Point3f(obj[k][0], obj[k][1], obj[k][2]));
                q[v].push_back(cv::Point2f(img[k][0], img[k][1]));
            }
        cv::Mat Km, D, sdi, sde, pve;
        std::vector<cv::Mat> rv, tv;
        double rms = cv::calibrateCamera(o, q, cv::Size(width, height), Km, D, rv, tv, sdi, sde, pve, 0);
        for (int i = 0; i < 9; i++) K[i] = Km.at<double>(i / 3, i % 3);
        for (int i = 0; i < 5; i++) dist[i] = i < (int)D.total() ? D.at<double>(i) : 0;
        for (int v = 0; v < nviews; v++) {
            view_err[v] = pve.at<double>(v);
            for (int i = 0; i < 3; i++) { rvecs[v][i] = rv[v].at<double>(i); tvecs[v][i] = tv[v].at<double>(i); }
        }
        *rms_out = rms;
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

vt_result vtcv_calib_write(const char *path, const vtcv_calib *c, char *err, size_t errlen)
{
    vtcv_init();
    try {
        cv::FileStorage fs(path, cv::FileStorage::WRITE);
        if (!fs.isOpened()) { set_err(err, errlen, "%s", _("cannot be written")); return VT_ERR_IO; }
        fs << "image_width" << c->width << "image_height" << c->height;
        fs << "camera_matrix" << cv::Mat(3, 3, CV_64F, (void *)c->K);
        fs << "distortion_coefficients" << cv::Mat(1, c->ndist, CV_64F, (void *)c->dist);
        fs << "rms" << c->rms;
        fs.release();
        return VT_OK;
    } catch (...) {
        return failed(err, errlen, N_("cannot write"), VT_ERR_IO);
    }
}

vt_result vtcv_draw_points(vt_image *bgr, const float (*pts)[2], int n, const uint8_t c[3], int radius)
{
    try {
        cv::Mat m = as_mat(bgr);
        for (int i = 0; i < n; i++)
            cv::circle(m, cv::Point2f(pts[i][0], pts[i][1]), radius, cv::Scalar(c[0], c[1], c[2]), -1, cv::LINE_AA);
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}


int vtcv_solve_pnp(const double (*obj)[3], const float (*img)[2], int n, const double K[9],
                   const double *dist, int ndist, int method,
                   double rvec[][3], double tvec[][3], double reproj_err[])
{
    try {
        std::vector<cv::Point3d> o(n);
        std::vector<cv::Point2d> q(n);
        for (int i = 0; i < n; i++) { o[i] = cv::Point3d(obj[i][0], obj[i][1], obj[i][2]); q[i] = cv::Point2d(img[i][0], img[i][1]); }
        cv::Mat Km(3, 3, CV_64F, (void *)K);
        cv::Mat D = ndist > 0 ? cv::Mat(1, ndist, CV_64F, (void *)dist) : cv::Mat();
        std::vector<cv::Mat> rv, tv;
        cv::Mat err;
        int s = cv::solvePnPGeneric(o, q, Km, D, rv, tv, false, (cv::SolvePnPMethod)method,
                                    cv::noArray(), cv::noArray(), err);
        if (s > 2) s = 2;
        for (int i = 0; i < s; i++) {
            for (int k = 0; k < 3; k++) { rvec[i][k] = rv[i].at<double>(k); tvec[i][k] = tv[i].at<double>(k); }
            reproj_err[i] = err.empty() ? 0 : err.at<double>(i);
        }
        return s;
    } catch (...) { return 0; }
}

vt_result vtcv_refine_pnp(const double (*obj)[3], const float (*img)[2], int n, const double K[9], const double *dist,
                          int ndist, double rvec[3], double tvec[3], double *reproj_err)
{
    try {
        std::vector<cv::Point3d> o(n);
        std::vector<cv::Point2d> q(n), p;
        for (int i = 0; i < n; i++) { o[i] = cv::Point3d(obj[i][0], obj[i][1], obj[i][2]); q[i] = cv::Point2d(img[i][0], img[i][1]); }
        cv::Mat Km(3, 3, CV_64F, (void *)K);
        cv::Mat D = ndist > 0 ? cv::Mat(1, ndist, CV_64F, (void *)dist) : cv::Mat();
        cv::Mat rv(3, 1, CV_64F, rvec), tv(3, 1, CV_64F, tvec);
        cv::solvePnPRefineLM(o, q, Km, D, rv, tv);
        cv::projectPoints(o, rv, tv, Km, D, p);
        double se = 0;
        for (int i = 0; i < n; i++) se += (p[i].x - q[i].x) * (p[i].x - q[i].x) + (p[i].y - q[i].y) * (p[i].y - q[i].y);
        *reproj_err = std::sqrt(se / n);
        return VT_OK;
    } catch (...) { return VT_ERR_INTERNAL; }
}

vt_result vtcv_project_points(const double (*obj)[3], int n, const double rvec[3], const double tvec[3],
                              const double K[9], const double *dist, int ndist, double (*out)[2])
{
    try {
        std::vector<cv::Point3d> o(n);
        for (int i = 0; i < n; i++) o[i] = cv::Point3d(obj[i][0], obj[i][1], obj[i][2]);
        std::vector<cv::Point2d> q;
        cv::Mat Km(3, 3, CV_64F, (void *)K);
        cv::Mat D = ndist > 0 ? cv::Mat(1, ndist, CV_64F, (void *)dist) : cv::Mat();
        cv::projectPoints(o, cv::Mat(3, 1, CV_64F, (void *)rvec), cv::Mat(3, 1, CV_64F, (void *)tvec), Km, D, q);
        for (int i = 0; i < n; i++) { out[i][0] = q[i].x; out[i][1] = q[i].y; }
        return VT_OK;
    } catch (...) {
        for (int i = 0; i < n; i++) out[i][0] = out[i][1] = NAN;
        return VT_ERR_INTERNAL;
    }
}

vt_result vtcv_rodrigues(const double rvec[3], double R[9])
{
    try {
        cv::Mat r(3, 3, CV_64F, R);
        cv::Rodrigues(cv::Mat(3, 1, CV_64F, (void *)rvec), r);
        return VT_OK;
    } catch (...) {
        for (int i = 0; i < 9; i++) R[i] = i % 4 == 0 ? 1 : 0;
        return VT_ERR_INTERNAL;
    }
}

vt_result vtcv_calib_read(const char *path, vtcv_calib *out, char *err, size_t errlen)
{
    vtcv_init();
    try {
        cv::FileStorage fs(path, cv::FileStorage::READ);
        if (!fs.isOpened()) { set_err(err, errlen, "%s", _("not an OpenCV FileStorage file (YAML, XML or JSON)")); return VT_ERR_FORMAT; }
        // Reading a matrix allocates rows x cols first: a broken file could ask for gigabytes.
        // Intrinsics are 3x3 and distortion at most 14 values, so anything larger is refused.
        for (const char *key : { "camera_matrix", "distortion_coefficients" }) {
            cv::FileNode nd = fs[key];
            if (nd.isMap()) {
                cv::FileNode r = nd["rows"], c = nd["cols"];
                double rows = r.isInt() || r.isReal() ? (double)r : -1, cols = c.isInt() || c.isReal() ? (double)c : -1;
                if (!(rows >= 1 && rows <= 16 && cols >= 1 && cols <= 16)) {
                    set_err(err, errlen, "%s has an impossible size", key);
                    return VT_ERR_FORMAT;
                }
            } else if (nd.isSeq() && nd.size() > 16) {
                set_err(err, errlen, "%s has too many values", key);
                return VT_ERR_FORMAT;
            }
        }
        cv::Mat K, D;
        fs["camera_matrix"] >> K;
        fs["distortion_coefficients"] >> D;
        if (K.empty()) { set_err(err, errlen, "%s", _("no camera_matrix")); return VT_ERR_FORMAT; }
        if (K.rows != 3 || K.cols != 3) { set_err(err, errlen, "%s", _("camera_matrix is not 3x3")); return VT_ERR_FORMAT; }
        K.convertTo(K, CV_64F);
        for (int i = 0; i < 9; i++) out->K[i] = K.at<double>(i / 3, i % 3);
        out->ndist = 0;
        if (!D.empty()) {
            D.convertTo(D, CV_64F);
            // The caller checks the count; only what fits is copied.
            int n = (int)D.total();
            for (int i = 0; i < n && i < 14; i++) out->dist[i] = D.at<double>(i);
            out->ndist = n;
        }
        int w = 0, h = 0; double rms = -1;
        if (!fs["image_width"].empty()) fs["image_width"] >> w;
        if (!fs["image_height"].empty()) fs["image_height"] >> h;
        if (!fs["rms"].empty()) fs["rms"] >> rms;
        else if (!fs["avg_reprojection_error"].empty()) fs["avg_reprojection_error"] >> rms;
        out->width = w; out->height = h; out->rms = rms;
        return VT_OK;
    } catch (...) {
        return failed(err, errlen, N_("cannot parse"), VT_ERR_FORMAT);
    }
}

}  // extern "C"

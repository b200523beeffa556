/* Reading video files: demux the best video stream, decode, convert to RGB. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "video/video_impl.h"

struct siamcl_video {
    char *path;
    AVFormatContext *fmt;
    AVCodecContext *dec;
    int stream;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws;
    int flushing, ended;
    int64_t position;
    int64_t skipped; /* packets the decoder refused as invalid data */
    siamcl_video_info info;
};

void siamcl_video_free(siamcl_video *v) {
    if (!v) return;
    sws_freeContext(v->sws);
    av_frame_free(&v->frame);
    av_packet_free(&v->pkt);
    avcodec_free_context(&v->dec);
    avformat_close_input(&v->fmt);
    scl_free(v->path);
    scl_free(v);
}

static siamcl_status open_fail(siamcl_video *v, const char *path, int err, const char *what) {
    char eb[128];
    struct stat st;
    siamcl_status s = SIAMCL_ERR_FORMAT;
    if (stat(path, &st) != 0)
        s = scl_fail(SIAMCL_ERR_IO, "video '%s': %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
        s = scl_fail(SIAMCL_ERR_IO, "video '%s': not a file", path);
    else if (err)
        s = scl_fail(SIAMCL_ERR_FORMAT, "video '%s': %s: %s", path, what, scl_av_err(err, eb, sizeof eb));
    else
        s = scl_fail(SIAMCL_ERR_FORMAT, "video '%s': %s", path, what);
    siamcl_video_free(v);
    return s;
}

static void fill_info(siamcl_video *v) {
    AVStream *s = v->fmt->streams[v->stream];
    siamcl_video_info *in = &v->info;
    in->width = v->dec->width;
    in->height = v->dec->height;
    in->frame_count = s->nb_frames > 0 ? s->nb_frames : -1;
    AVRational r = s->avg_frame_rate.num > 0 ? s->avg_frame_rate : s->r_frame_rate;
    in->fps = r.num > 0 && r.den > 0 ? av_q2d(r) : 0;
    if (s->duration > 0 && s->time_base.den > 0)
        in->duration_s = (double)s->duration * av_q2d(s->time_base);
    else if (v->fmt->duration > 0)
        in->duration_s = (double)v->fmt->duration / AV_TIME_BASE;
    snprintf(in->codec, sizeof in->codec, "%s", v->dec->codec ? v->dec->codec->name : "?");
    snprintf(in->format, sizeof in->format, "%s", v->fmt->iformat ? v->fmt->iformat->name : "?");
}

siamcl_status siamcl_video_open(const char *path, siamcl_video **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_video_open: NULL out");
    *out = NULL;
    if (!path || !*path) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_video_open: no file given");
    scl_video_log_init();
    siamcl_video *v = scl_calloc(1, sizeof *v);
    if (!v || !(v->path = scl_strdup(path))) {
        scl_free(v);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "video '%s': out of memory", path);
    }
    struct stat st;
    if (stat(path, &st) != 0 || S_ISDIR(st.st_mode)) return open_fail(v, path, 0, "cannot open");
    int err = avformat_open_input(&v->fmt, path, NULL, NULL);
    if (err < 0) return open_fail(v, path, err, "not a video FFmpeg can read");
    if ((err = avformat_find_stream_info(v->fmt, NULL)) < 0)
        return open_fail(v, path, err, "cannot read its streams");
    const AVCodec *codec = NULL;
    v->stream = av_find_best_stream(v->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (v->stream == AVERROR_DECODER_NOT_FOUND) return open_fail(v, path, 0, "no decoder for its video stream");
    if (v->stream < 0) return open_fail(v, path, 0, "no video stream");
    if (!(v->dec = avcodec_alloc_context3(codec)) || !(v->pkt = av_packet_alloc()) ||
        !(v->frame = av_frame_alloc())) {
        siamcl_video_free(v);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "video '%s': out of memory", path);
    }
    if ((err = avcodec_parameters_to_context(v->dec, v->fmt->streams[v->stream]->codecpar)) < 0)
        return open_fail(v, path, err, "bad stream parameters");
    v->dec->thread_count = 0; /* FFmpeg picks; the output does not depend on it */
    if ((err = avcodec_open2(v->dec, codec, NULL)) < 0) return open_fail(v, path, err, "cannot open the decoder");
    if (v->dec->width <= 0 || v->dec->height <= 0) return open_fail(v, path, 0, "video stream without a frame size");
    fill_info(v);
    *out = v;
    return SIAMCL_OK;
}

siamcl_status siamcl_video_get_info(const siamcl_video *v, siamcl_video_info *out) {
    if (!v || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_video_get_info: NULL argument");
    *out = v->info;
    return SIAMCL_OK;
}

int64_t siamcl_video_position(const siamcl_video *v) { return v ? v->position : 0; }

/* Feed the decoder one packet of our stream (or the flush at the end). 1 fed, 0 at the end. */
static siamcl_status feed(siamcl_video *v, int *fed) {
    char eb[128];
    *fed = 0;
    if (v->flushing) return SIAMCL_OK;
    for (;;) {
        int err = av_read_frame(v->fmt, v->pkt);
        if (err == AVERROR_EOF || (err == AVERROR(EIO) && v->fmt->pb && avio_feof(v->fmt->pb))) {
            v->flushing = 1;
            avcodec_send_packet(v->dec, NULL);
            *fed = 1;
            return SIAMCL_OK;
        }
        if (err < 0)
            return scl_fail(SIAMCL_ERR_FORMAT, "video '%s': reading after frame %lld: %s", v->path,
                            (long long)v->position, scl_av_err(err, eb, sizeof eb));
        if (v->pkt->stream_index != v->stream) {
            av_packet_unref(v->pkt);
            continue;
        }
        err = avcodec_send_packet(v->dec, v->pkt);
        av_packet_unref(v->pkt);
        if (err == AVERROR_INVALIDDATA) { /* damaged packet: the decoder conceals what follows */
            if (v->skipped++ == 0)
                scl_log(SIAMCL_LOG_WARN, "video '%s': damaged data after frame %lld skipped", v->path,
                        (long long)v->position);
            continue;
        }
        if (err < 0 && err != AVERROR(EAGAIN))
            return scl_fail(SIAMCL_ERR_FORMAT, "video '%s': decoding after frame %lld: %s", v->path,
                            (long long)v->position, scl_av_err(err, eb, sizeof eb));
        *fed = 1;
        return SIAMCL_OK;
    }
}

static void set_colorspace(struct SwsContext *sws, const AVFrame *f) {
    int cs = f->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : (int)f->colorspace;
    int full = f->color_range == AVCOL_RANGE_JPEG;
    int *inv, *tab, srange, drange, bri, con, sat;
    if (sws_getColorspaceDetails(sws, &inv, &srange, &tab, &drange, &bri, &con, &sat) >= 0)
        sws_setColorspaceDetails(sws, sws_getCoefficients(cs), full, tab, 1, bri, con, sat);
}

/* Convert the decoded frame to RGB into img. */
static siamcl_status to_rgb(siamcl_video *v, siamcl_image *img) {
    AVFrame *f = v->frame;
    if (f->width <= 0 || f->height <= 0)
        return scl_fail(SIAMCL_ERR_FORMAT, "video '%s': frame %lld has no size", v->path, (long long)v->position);
    SCL_TRY(scl_video_image_fit(img, f->width, f->height));
    v->sws = sws_getCachedContext(v->sws, f->width, f->height, (enum AVPixelFormat)f->format, f->width, f->height,
                                  AV_PIX_FMT_RGB24, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL,
                                  NULL, NULL);
    if (!v->sws)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "video '%s': cannot convert pixel format %s to RGB", v->path,
                        av_get_pix_fmt_name((enum AVPixelFormat)f->format));
    /* a YUV stream's colour matrix and range (BT.601 limited unless it says otherwise) */
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get((enum AVPixelFormat)f->format);
    if (desc && !(desc->flags & AV_PIX_FMT_FLAG_RGB) && desc->nb_components >= 3) set_colorspace(v->sws, f);
    uint8_t *dst[4] = {img->data, NULL, NULL, NULL};
    int dst_stride[4] = {3 * img->width, 0, 0, 0};
    sws_scale(v->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dst_stride);
    return SIAMCL_OK;
}

siamcl_status siamcl_video_read(siamcl_video *v, siamcl_image *frame, int *got) {
    if (got) *got = 0;
    if (!v || !frame || !got) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_video_read: NULL argument");
    if (v->ended) return SIAMCL_OK;
    char eb[128];
    for (;;) {
        int err = avcodec_receive_frame(v->dec, v->frame);
        if (err == 0) {
            siamcl_status st = to_rgb(v, frame);
            av_frame_unref(v->frame);
            if (st != SIAMCL_OK) return st;
            v->position++;
            *got = 1;
            return SIAMCL_OK;
        }
        if (err == AVERROR_EOF) break;
        if (err != AVERROR(EAGAIN))
            return scl_fail(SIAMCL_ERR_FORMAT, "video '%s': decoding frame %lld: %s", v->path,
                            (long long)v->position + 1, scl_av_err(err, eb, sizeof eb));
        int fed;
        SCL_TRY(feed(v, &fed));
        if (!fed) break;
    }
    v->ended = 1;
    if (v->info.frame_count > 0 && v->position < v->info.frame_count)
        scl_log(SIAMCL_LOG_WARN, "video '%s' ended after %lld of the %lld frames it declares (truncated?)", v->path,
                (long long)v->position, (long long)v->info.frame_count);
    return SIAMCL_OK;
}

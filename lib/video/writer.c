/* Writing video files: RGB frames -> encoder pixel format -> encoder -> muxer. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "video/video_impl.h"

struct siamcl_video_writer {
    char *path;
    AVFormatContext *oc;
    AVCodecContext *enc;
    AVStream *st;
    AVFrame *frame;
    AVPacket *pkt;
    struct SwsContext *sws;
    uint8_t *pad;       /* an RGB copy at the encoder's (even) size, when that differs */
    int width, height;  /* what the caller writes */
    int64_t next_pts;
    int header_written;
};

static void writer_free(siamcl_video_writer *w) {
    if (!w) return;
    sws_freeContext(w->sws);
    av_frame_free(&w->frame);
    av_packet_free(&w->pkt);
    avcodec_free_context(&w->enc);
    if (w->oc) {
        if (w->oc->pb && !(w->oc->oformat->flags & AVFMT_NOFILE)) avio_closep(&w->oc->pb);
        avformat_free_context(w->oc);
    }
    scl_free(w->pad);
    scl_free(w->path);
    scl_free(w);
}

static siamcl_status av_fail(siamcl_video_writer *w, siamcl_status s, const char *what, int err) {
    char eb[128];
    return scl_fail(s, "video '%s': %s%s%s", w->path, what, err ? ": " : "", err ? scl_av_err(err, eb, sizeof eb) : "");
}

/* The encoder: by name, else the container's default (libx264 for H.264). */
static const AVCodec *pick_encoder(const AVOutputFormat *of, const char *name) {
    if (name) return avcodec_find_encoder_by_name(name);
    const AVCodec *c = NULL;
    if (of->video_codec == AV_CODEC_ID_H264) c = avcodec_find_encoder_by_name("libx264");
    if (!c && of->video_codec != AV_CODEC_ID_NONE) c = avcodec_find_encoder(of->video_codec);
    if (!c) c = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    return c;
}

static int fits(enum AVPixelFormat f, int w, int h) {
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f);
    return d && w % (1 << d->log2_chroma_w) == 0 && h % (1 << d->log2_chroma_h) == 0;
}

/* An RGB format the encoder takes losslessly, else 4:2:0 (what players expect),
 * else 4:4:4 when the size is odd, else its first (the frame is then padded). */
static enum AVPixelFormat pick_format(const AVCodec *c, int w, int h) {
    static const enum AVPixelFormat pref[] = {AV_PIX_FMT_RGB24, AV_PIX_FMT_GBRP, AV_PIX_FMT_BGR0, AV_PIX_FMT_BGR24,
                                              AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV444P};
    if (!c->pix_fmts) return AV_PIX_FMT_YUV420P;
    for (size_t i = 0; i < sizeof pref / sizeof pref[0]; i++)
        for (const enum AVPixelFormat *p = c->pix_fmts; *p != AV_PIX_FMT_NONE; p++)
            if (*p == pref[i] && fits(*p, w, h)) return *p;
    return c->pix_fmts[0];
}

static void quality(AVCodecContext *enc) {
    if (enc->codec_id == AV_CODEC_ID_H264 && enc->priv_data) {
        av_opt_set(enc->priv_data, "preset", "veryfast", 0);
        av_opt_set(enc->priv_data, "crf", "20", 0);
    } else if (enc->codec_id == AV_CODEC_ID_MPEG4 || enc->codec_id == AV_CODEC_ID_MPEG2VIDEO) {
        enc->flags |= AV_CODEC_FLAG_QSCALE; /* constant quality instead of the 200 kbit/s default */
        enc->global_quality = FF_QP2LAMBDA * 3;
    }
}

static siamcl_status setup_encoder(siamcl_video_writer *w, const AVCodec *codec, double fps) {
    const AVOutputFormat *of = w->oc->oformat;
    if (!(w->st = avformat_new_stream(w->oc, NULL)) || !(w->enc = avcodec_alloc_context3(codec)) ||
        !(w->frame = av_frame_alloc()) || !(w->pkt = av_packet_alloc()))
        return av_fail(w, SIAMCL_ERR_OUT_OF_MEMORY, "out of memory", 0);
    AVCodecContext *e = w->enc;
    e->pix_fmt = pick_format(codec, w->width, w->height);
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(e->pix_fmt);
    int sub_w = d ? d->log2_chroma_w : 0, sub_h = d ? d->log2_chroma_h : 0;
    e->width = (w->width + (1 << sub_w) - 1) & ~((1 << sub_w) - 1);
    e->height = (w->height + (1 << sub_h) - 1) & ~((1 << sub_h) - 1);
    e->time_base = av_inv_q(av_d2q(fps, 100000));
    e->framerate = av_d2q(fps, 100000);
    e->gop_size = 12;
    if (of->flags & AVFMT_GLOBALHEADER) e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    quality(e);
    int err = avcodec_open2(e, codec, NULL);
    if (err < 0) return av_fail(w, SIAMCL_ERR_UNSUPPORTED, "cannot open the encoder", err);
    if ((err = avcodec_parameters_from_context(w->st->codecpar, e)) < 0)
        return av_fail(w, SIAMCL_ERR_INTERNAL, "stream parameters", err);
    w->st->time_base = e->time_base;
    w->frame->format = e->pix_fmt;
    w->frame->width = e->width;
    w->frame->height = e->height;
    if ((err = av_frame_get_buffer(w->frame, 0)) < 0) return av_fail(w, SIAMCL_ERR_OUT_OF_MEMORY, "frame buffer", err);
    if ((e->width != w->width || e->height != w->height) &&
        !(w->pad = scl_malloc((size_t)e->width * (size_t)e->height * 3)))
        return av_fail(w, SIAMCL_ERR_OUT_OF_MEMORY, "out of memory", 0);
    w->sws = sws_getContext(e->width, e->height, AV_PIX_FMT_RGB24, e->width, e->height, e->pix_fmt,
                            SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, NULL, NULL, NULL);
    if (!w->sws) return av_fail(w, SIAMCL_ERR_UNSUPPORTED, "no conversion from RGB to the encoder's format", 0);
    return SIAMCL_OK;
}

siamcl_status siamcl_video_writer_open(const char *path, int width, int height, double fps, const char *codec,
                                       siamcl_video_writer **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_video_writer_open: NULL out");
    *out = NULL;
    if (!path || !*path) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_video_writer_open: no file given");
    if (width < 1 || height < 1 || width > 16384 || height > 16384 || !(fps > 0 && fps <= 1000))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "video '%s': bad size %d x %d or frame rate %g", path, width,
                        height, fps);
    scl_video_log_init();
    siamcl_video_writer *w = scl_calloc(1, sizeof *w);
    if (!w || !(w->path = scl_strdup(path))) {
        scl_free(w);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "video '%s': out of memory", path);
    }
    w->width = width;
    w->height = height;
    siamcl_status s = SIAMCL_OK;
    int err = avformat_alloc_output_context2(&w->oc, NULL, NULL, path);
    const AVCodec *c = NULL;
    if (err < 0 || !w->oc)
        s = av_fail(w, SIAMCL_ERR_UNSUPPORTED, "no container for this file name (use .mp4, .mkv or .avi)", err);
    else if (!(c = pick_encoder(w->oc->oformat, codec)) || c->type != AVMEDIA_TYPE_VIDEO)
        s = scl_fail(SIAMCL_ERR_UNSUPPORTED, "video '%s': no video encoder '%s' in this FFmpeg", path,
                     codec ? codec : "(default)");
    if (s == SIAMCL_OK) s = setup_encoder(w, c, fps);
    if (s == SIAMCL_OK && !(w->oc->oformat->flags & AVFMT_NOFILE) &&
        (err = avio_open(&w->oc->pb, path, AVIO_FLAG_WRITE)) < 0)
        s = av_fail(w, SIAMCL_ERR_IO, "cannot create the file", err);
    if (s == SIAMCL_OK && (err = avformat_write_header(w->oc, NULL)) < 0)
        s = av_fail(w, SIAMCL_ERR_FORMAT, "cannot write the header", err);
    if (s != SIAMCL_OK) {
        writer_free(w);
        return s;
    }
    w->header_written = 1;
    *out = w;
    return SIAMCL_OK;
}

/* Send a frame (NULL flushes) and write every packet the encoder has ready. */
static siamcl_status encode(siamcl_video_writer *w, AVFrame *f) {
    int err = avcodec_send_frame(w->enc, f);
    if (err < 0) return av_fail(w, SIAMCL_ERR_FORMAT, "encoding", err);
    for (;;) {
        err = avcodec_receive_packet(w->enc, w->pkt);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return SIAMCL_OK;
        if (err < 0) return av_fail(w, SIAMCL_ERR_FORMAT, "encoding", err);
        av_packet_rescale_ts(w->pkt, w->enc->time_base, w->st->time_base);
        w->pkt->stream_index = w->st->index;
        err = av_interleaved_write_frame(w->oc, w->pkt);
        if (err < 0) return av_fail(w, SIAMCL_ERR_IO, "writing", err);
    }
}

/* The frame at the encoder's size: edge columns/rows repeated into the padding. */
static const uint8_t *padded(siamcl_video_writer *w, const siamcl_image *img) {
    if (!w->pad) return img->data;
    int ew = w->enc->width, eh = w->enc->height;
    for (int y = 0; y < eh; y++) {
        const uint8_t *src = img->data + (size_t)(y < img->height ? y : img->height - 1) * img->width * 3;
        uint8_t *dst = w->pad + (size_t)y * ew * 3;
        memcpy(dst, src, (size_t)img->width * 3);
        for (int x = img->width; x < ew; x++) memcpy(dst + x * 3, src + (img->width - 1) * 3, 3);
    }
    return w->pad;
}

siamcl_status siamcl_video_writer_write(siamcl_video_writer *w, const siamcl_image *frame) {
    if (!w || !frame || !frame->data)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_video_writer_write: NULL argument");
    if (frame->width != w->width || frame->height != w->height)
        return scl_fail(SIAMCL_ERR_SHAPE, "video '%s': frame %lld is %d x %d, the video %d x %d", w->path,
                        (long long)w->next_pts + 1, frame->width, frame->height, w->width, w->height);
    int err = av_frame_make_writable(w->frame);
    if (err < 0) return av_fail(w, SIAMCL_ERR_OUT_OF_MEMORY, "frame buffer", err);
    const uint8_t *src[4] = {padded(w, frame), NULL, NULL, NULL};
    int src_stride[4] = {3 * w->enc->width, 0, 0, 0};
    sws_scale(w->sws, src, src_stride, 0, w->enc->height, w->frame->data, w->frame->linesize);
    w->frame->pts = w->next_pts++;
    return encode(w, w->frame);
}

siamcl_status siamcl_video_writer_close(siamcl_video_writer *w) {
    if (!w) return SIAMCL_OK;
    siamcl_status s = encode(w, NULL);
    if (w->header_written) {
        int err = av_write_trailer(w->oc);
        if (err < 0 && s == SIAMCL_OK) s = av_fail(w, SIAMCL_ERR_IO, "finishing the file", err);
    }
    writer_free(w);
    return s;
}

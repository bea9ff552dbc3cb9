/* Prints the offsets and sizes of every FFmpeg struct field Media.FFmpegInterop touches, and the constants it uses,
   from the installed headers. StructLayoutTests compiles it with gcc and compares each line with the C# declarations. */
#include <stddef.h>
#include <stdio.h>
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/rational.h>
#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
#define F(T, f) printf("field %s.%s %zu %zu\n", #T, #f, offsetof(T, f), sizeof(((T*)0)->f));
#define S(T) printf("sizeof %s %zu\n", #T, sizeof(T));
int main(void) {
  F(AVCodecContext, codec_type) F(AVCodecContext, codec_id) F(AVCodecContext, bit_rate) F(AVCodecContext, flags)
  F(AVCodecContext, time_base) F(AVCodecContext, width) F(AVCodecContext, height) F(AVCodecContext, gop_size)
  F(AVCodecContext, pix_fmt) F(AVCodecContext, max_b_frames) F(AVCodecContext, framerate) F(AVCodecContext, thread_count)
  F(AVCodecContext, thread_type) F(AVCodecContext, hw_device_ctx) F(AVCodecContext, extradata) F(AVCodecContext, extradata_size)
  F(AVFrame, data) F(AVFrame, linesize) F(AVFrame, width) F(AVFrame, height) F(AVFrame, format) F(AVFrame, key_frame) F(AVFrame, pict_type) F(AVFrame, pts) F(AVFrame, quality)
  F(AVPacket, buf) F(AVPacket, pts) F(AVPacket, dts) F(AVPacket, data) F(AVPacket, size) F(AVPacket, flags)
  F(AVCodec, name) F(AVCodec, long_name) F(AVCodec, type) F(AVCodec, id) F(AVCodec, capabilities) F(AVCodec, wrapper_name)
  F(AVRational, num) F(AVRational, den)
  S(AVRational)
  printf("const AV_PIX_FMT_YUV420P %d\n", (int)(AV_PIX_FMT_YUV420P));
  printf("const AV_PIX_FMT_YUVJ420P %d\n", (int)(AV_PIX_FMT_YUVJ420P));
  printf("const AV_PIX_FMT_GRAY8 %d\n", (int)(AV_PIX_FMT_GRAY8));
  printf("const AV_PIX_FMT_NV12 %d\n", (int)(AV_PIX_FMT_NV12));
  printf("const AV_PIX_FMT_VAAPI %d\n", (int)(AV_PIX_FMT_VAAPI));
  printf("const AV_PIX_FMT_CUDA %d\n", (int)(AV_PIX_FMT_CUDA));
  printf("const AV_PIX_FMT_NONE %d\n", (int)(AV_PIX_FMT_NONE));
  printf("const AVERROR_EAGAIN %d\n", (int)(AVERROR(EAGAIN)));
  printf("const AVERROR_EOF %d\n", (int)(AVERROR_EOF));
  printf("const AV_CODEC_ID_H264 %d\n", (int)(AV_CODEC_ID_H264));
  printf("const AV_CODEC_ID_HEVC %d\n", (int)(AV_CODEC_ID_HEVC));
  printf("const AV_CODEC_ID_MJPEG %d\n", (int)(AV_CODEC_ID_MJPEG));
  printf("const AV_CODEC_FLAG_GLOBAL_HEADER %d\n", (int)(AV_CODEC_FLAG_GLOBAL_HEADER));
  printf("const AV_CODEC_FLAG_LOW_DELAY %d\n", (int)(AV_CODEC_FLAG_LOW_DELAY));
  printf("const SWS_BILINEAR %d\n", (int)(SWS_BILINEAR));
  printf("const SWS_FAST_BILINEAR %d\n", (int)(SWS_FAST_BILINEAR));
  printf("const SWS_AREA %d\n", (int)(SWS_AREA));
  printf("const FF_THREAD_FRAME %d\n", (int)(FF_THREAD_FRAME));
  printf("const FF_THREAD_SLICE %d\n", (int)(FF_THREAD_SLICE));
  printf("const AV_PKT_FLAG_KEY %d\n", (int)(AV_PKT_FLAG_KEY));
  printf("const AV_HWDEVICE_TYPE_CUDA %d\n", (int)(AV_HWDEVICE_TYPE_CUDA));
  printf("const AV_HWDEVICE_TYPE_VAAPI %d\n", (int)(AV_HWDEVICE_TYPE_VAAPI));
  printf("const AV_OPT_SEARCH_CHILDREN %d\n", (int)(AV_OPT_SEARCH_CHILDREN));
  printf("const AV_LOG_QUIET %d\n", (int)(AV_LOG_QUIET));
  printf("const AV_LOG_ERROR %d\n", (int)(AV_LOG_ERROR));
  printf("version avcodec %d\nversion avutil %d\nversion swscale %d\n", LIBAVCODEC_VERSION_MAJOR, LIBAVUTIL_VERSION_MAJOR, LIBSWSCALE_VERSION_MAJOR);
  return 0;
}

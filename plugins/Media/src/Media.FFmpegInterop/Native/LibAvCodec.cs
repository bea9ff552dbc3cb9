using System.Runtime.InteropServices;

namespace Appliance.Plugins.Media.FFmpegInterop.Native;

/// <summary>The libavcodec 59 functions this layer calls. Raw: callers go through the handles and wrappers.</summary>
public static unsafe class LibAvCodec
{
    private const string Lib = LibraryNames.AvCodec;

    [DllImport(Lib)] public static extern uint avcodec_version();
    [DllImport(Lib)] public static extern AVCodec* avcodec_find_decoder_by_name([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Lib)] public static extern AVCodec* avcodec_find_encoder_by_name([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [DllImport(Lib)] public static extern AVCodec* av_codec_iterate(IntPtr* opaque);
    [DllImport(Lib)] public static extern int av_codec_is_decoder(AVCodec* codec);
    [DllImport(Lib)] public static extern int av_codec_is_encoder(AVCodec* codec);
    [DllImport(Lib)] public static extern AVCodecContext* avcodec_alloc_context3(AVCodec* codec);
    [DllImport(Lib)] public static extern void avcodec_free_context(AVCodecContext** context);
    [DllImport(Lib)] public static extern int avcodec_open2(AVCodecContext* context, AVCodec* codec, IntPtr** options);
    [DllImport(Lib)] public static extern int avcodec_send_packet(AVCodecContext* context, AVPacket* packet);
    [DllImport(Lib)] public static extern int avcodec_receive_frame(AVCodecContext* context, AVFrame* frame);
    [DllImport(Lib)] public static extern int avcodec_send_frame(AVCodecContext* context, AVFrame* frame);
    [DllImport(Lib)] public static extern int avcodec_receive_packet(AVCodecContext* context, AVPacket* packet);
    [DllImport(Lib)] public static extern void avcodec_flush_buffers(AVCodecContext* context);
    [DllImport(Lib)] public static extern AVPacket* av_packet_alloc();
    [DllImport(Lib)] public static extern void av_packet_free(AVPacket** packet);
    [DllImport(Lib)] public static extern int av_new_packet(AVPacket* packet, int size);
    [DllImport(Lib)] public static extern void av_packet_unref(AVPacket* packet);
}

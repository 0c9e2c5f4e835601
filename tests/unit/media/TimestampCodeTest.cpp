// SPDX-License-Identifier: GPL-2.0-or-later
// The burned-in frame counter and capture time: written, read back, rejected when damaged, and
// read back after a real libx264 encode and decode of the test pattern.
#include "hoststudio/media/TimestampCode.hpp"
#include "hoststudio/media/TestSources.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
}

namespace hoststudio::media {
namespace {

struct Size {
    int width;
    int height;
};

class TimestampRoundTrip : public ::testing::TestWithParam<Size> {};

TEST_P(TimestampRoundTrip, ReadsWhatWasBurned)
{
    const auto [width, height] = GetParam();
    std::vector<std::uint8_t> luma(static_cast<std::size_t>(width * height), 77);
    const std::vector<TimestampStamp> stamps{
        {0, 0}, {1, 1}, {0xFFFFFFFFU, (std::uint64_t{1} << 48U) - 1U}, {123456, 1795400000123}};
    for (const TimestampStamp& stamp : stamps) {
        ASSERT_TRUE(burnTimestamp({luma.data(), width, width, height}, stamp));
        const auto read = readTimestamp({luma.data(), width, width, height});
        ASSERT_TRUE(read.has_value()) << stamp.frameCounter;
        EXPECT_EQ(*read, stamp);
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, TimestampRoundTrip,
                         ::testing::Values(Size{256, 64}, Size{640, 360}, Size{1280, 720}, Size{1920, 1080}));

TEST(TimestampCode, TooSmallFramesCarryNoStamp)
{
    std::vector<std::uint8_t> luma(200 * 200, 0);
    EXPECT_FALSE(burnTimestamp({luma.data(), 200, 200, 200}, {1, 2}));
    EXPECT_FALSE(readTimestamp({luma.data(), 200, 200, 200}).has_value());
}

TEST(TimestampCode, PlainPictureHasNoStamp)
{
    for (const std::uint8_t value : {std::uint8_t{0}, std::uint8_t{128}, std::uint8_t{255}}) {
        std::vector<std::uint8_t> luma(1280 * 720, value);
        EXPECT_FALSE(readTimestamp({luma.data(), 1280, 1280, 720}).has_value()) << int{value};
    }
}

TEST(TimestampCode, DamagedStampIsRejected)
{
    std::vector<std::uint8_t> luma(1280 * 720, 0);
    ASSERT_TRUE(burnTimestamp({luma.data(), 1280, 1280, 720}, {42, 1795400000123}));
    // Flip one time bit (row 1, data bit 47: the last block).
    const int size = timestampBlockSize(1280, 720);
    const int x = (3 + 47) * size + size / 2;
    const int y = 2 * size + size / 2;
    const std::uint8_t old = luma[static_cast<std::size_t>(y * 1280 + x)];
    for (int row = 2 * size; row < 3 * size; ++row) {
        for (int column = (3 + 47) * size; column < (4 + 47) * size; ++column) {
            luma[static_cast<std::size_t>(row * 1280 + column)] = old > 128 ? 16 : 235;
        }
    }
    EXPECT_FALSE(readTimestamp({luma.data(), 1280, 1280, 720}).has_value());
}

TEST(TestTone, IsAContinuousSineAcrossChunks)
{
    TestTone tone(48000, 2, 1000.0, 0.5F);
    std::vector<float> left(48000);
    std::vector<float> right(48000);
    for (int chunk = 0; chunk < 48000 / 1024; ++chunk) {
        float* planes[2] = {left.data() + chunk * 1024, right.data() + chunk * 1024};
        tone.fill(planes, 1024);
    }
    EXPECT_EQ(tone.samplesSoFar(), 46 * 1024);
    for (std::size_t index = 0; index < 46U * 1024U; ++index) {
        const double expected = 0.5 * std::sin(2.0 * 3.14159265358979 * 1000.0 * static_cast<double>(index) / 48000.0);
        ASSERT_NEAR(left[index], expected, 1e-4) << index;
        ASSERT_EQ(left[index], right[index]);
    }
}

// The stamp survives libx264 at a streaming bitrate (the latency benchmark depends on it).
TEST(TimestampCode, SurvivesH264EncodeAndDecode)
{
    constexpr int width = 1280;
    constexpr int height = 720;
    const AVCodec* encoderCodec = avcodec_find_encoder_by_name("libx264");
    const AVCodec* decoderCodec = avcodec_find_decoder(AV_CODEC_ID_H264);
    ASSERT_NE(encoderCodec, nullptr);
    ASSERT_NE(decoderCodec, nullptr);
    AVCodecContext* encoder = avcodec_alloc_context3(encoderCodec);
    encoder->width = width;
    encoder->height = height;
    encoder->pix_fmt = AV_PIX_FMT_YUV420P;
    encoder->time_base = AVRational{1, 30};
    encoder->bit_rate = 2500000;
    encoder->rc_max_rate = 2500000;
    encoder->rc_buffer_size = 2500000;
    encoder->gop_size = 60;
    av_opt_set(encoder->priv_data, "preset", "veryfast", 0);
    av_opt_set(encoder->priv_data, "tune", "zerolatency", 0);
    ASSERT_EQ(avcodec_open2(encoder, encoderCodec, nullptr), 0);
    AVCodecContext* decoder = avcodec_alloc_context3(decoderCodec);
    ASSERT_EQ(avcodec_open2(decoder, decoderCodec, nullptr), 0);

    AVFrame* frame = av_frame_alloc();
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = width;
    frame->height = height;
    ASSERT_EQ(av_frame_get_buffer(frame, 0), 0);
    AVFrame* decoded = av_frame_alloc();
    AVPacket* packet = av_packet_alloc();
    TestPattern pattern(width, height);
    int readBack = 0;
    std::uint32_t expectedCounter = 0;
    const auto collect = [&] {
        while (avcodec_receive_frame(decoder, decoded) == 0) {
            const auto stamp = readTimestamp({decoded->data[0], decoded->linesize[0], width, height});
            ASSERT_TRUE(stamp.has_value()) << "frame " << expectedCounter;
            EXPECT_EQ(stamp->frameCounter, expectedCounter);
            EXPECT_EQ(stamp->captureTimeMs, 1795400000000U + expectedCounter * 33U);
            ++expectedCounter;
            ++readBack;
        }
    };
    for (int index = 0; index < 45; ++index) {
        ASSERT_EQ(av_frame_make_writable(frame), 0);
        Yuv420Picture picture;
        for (std::size_t plane = 0; plane < 3; ++plane) {
            picture.planes[plane] = frame->data[plane];
            picture.strides[plane] = frame->linesize[plane];
        }
        picture.width = width;
        picture.height = height;
        pattern.render(picture, static_cast<std::uint32_t>(index),
                       1795400000000U + static_cast<std::uint64_t>(index) * 33U);
        frame->pts = index;
        ASSERT_EQ(avcodec_send_frame(encoder, frame), 0);
        while (avcodec_receive_packet(encoder, packet) == 0) {
            ASSERT_EQ(avcodec_send_packet(decoder, packet), 0);
            av_packet_unref(packet);
            collect();
        }
    }
    avcodec_send_frame(encoder, nullptr);
    while (avcodec_receive_packet(encoder, packet) == 0) {
        avcodec_send_packet(decoder, packet);
        av_packet_unref(packet);
    }
    avcodec_send_packet(decoder, nullptr);
    collect();
    EXPECT_EQ(readBack, 45);
    av_packet_free(&packet);
    av_frame_free(&decoded);
    av_frame_free(&frame);
    avcodec_free_context(&decoder);
    avcodec_free_context(&encoder);
}

} // namespace
} // namespace hoststudio::media

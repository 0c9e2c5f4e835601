// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/MediaLibraries.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <string_view>

namespace hoststudio::media {

namespace {

std::string versionText(unsigned packed)
{
    return std::to_string(packed >> 16U) + "." + std::to_string((packed >> 8U) & 0xffU) + "." +
           std::to_string(packed & 0xffU);
}

bool hasProtocol(std::string_view wanted)
{
    void* opaque = nullptr;
    while (const char* name = avio_enum_protocols(&opaque, 1)) {
        if (wanted == name) {
            return true;
        }
    }
    return false;
}

} // namespace

std::vector<LibraryVersion> ffmpegLibraryVersions()
{
    return {
        {"libavcodec", versionText(avcodec_version())}, {"libavformat", versionText(avformat_version())},
        {"libavutil", versionText(avutil_version())},   {"libavdevice", versionText(avdevice_version())},
        {"libswscale", versionText(swscale_version())}, {"libswresample", versionText(swresample_version())},
    };
}

std::vector<Capability> requiredCapabilities()
{
    return {
        {"encoder libx264", avcodec_find_encoder_by_name("libx264") != nullptr},
        {"encoder aac", avcodec_find_encoder_by_name("aac") != nullptr},
        {"muxer flv", av_guess_format("flv", nullptr, nullptr) != nullptr},
        {"muxer matroska", av_guess_format("matroska", nullptr, nullptr) != nullptr},
        {"protocol rtmp", hasProtocol("rtmp")},
        {"protocol rtmps", hasProtocol("rtmps")},
    };
}

} // namespace hoststudio::media

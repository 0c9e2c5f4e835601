// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/MediaLibraries.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace hoststudio::media {
namespace {

TEST(MediaLibraries, ReportsEveryFfmpegLibraryWithAVersion)
{
    const std::vector<LibraryVersion> versions = ffmpegLibraryVersions();
    ASSERT_EQ(versions.size(), 6U);
    const std::regex dotted(R"(\d+\.\d+\.\d+)");
    for (const LibraryVersion& library : versions) {
        EXPECT_TRUE(std::regex_match(library.version, dotted)) << library.name << " " << library.version;
    }
    EXPECT_EQ(versions.front().name, "libavcodec");
    EXPECT_GE(std::stoi(versions.front().version), 59) << "FFmpeg 5.1 or newer is required";
}

TEST(MediaLibraries, EverythingStreamingNeedsIsPresent)
{
    for (const Capability& capability : requiredCapabilities()) {
        EXPECT_TRUE(capability.available) << capability.name << " is missing from this FFmpeg build";
    }
}

} // namespace
} // namespace hoststudio::media

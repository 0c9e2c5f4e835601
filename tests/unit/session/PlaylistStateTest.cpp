// SPDX-License-Identifier: GPL-2.0-or-later
// What an HLS playlist lists, as the Go Live wait reads it: segments, variants, the end.
#include "hoststudio/session/HttpPlaybackCheck.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace hoststudio::session {
namespace {

struct PlaylistCase {
    const char* name;
    const char* text;
    int status;
    int segments;
    int variants;
    bool ended;
    bool playable;
};

class PlaylistStateTest : public ::testing::TestWithParam<PlaylistCase> {};

TEST_P(PlaylistStateTest, CountsWhatIsListed)
{
    const PlaylistCase& c = GetParam();
    const PlaylistState state = parsePlaylist(c.text, c.status);
    EXPECT_EQ(state.httpStatus, c.status);
    EXPECT_EQ(state.segmentCount, c.segments);
    EXPECT_EQ(state.variantCount, c.variants);
    EXPECT_EQ(state.ended, c.ended);
    EXPECT_EQ(state.playable(), c.playable);
}

INSTANTIATE_TEST_SUITE_P(
    Playlists, PlaylistStateTest,
    ::testing::Values(
        // The seed backend's stub, written before its encoder runs.
        PlaylistCase{"stub",
                     "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
                     "#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n",
                     200, 0, 0, false, false},
        PlaylistCase{"its placeholder, no newline at the end",
                     "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
                     "#EXT-X-PLAYLIST-TYPE:EVENT",
                     200, 0, 0, false, false},
        PlaylistCase{"two segments, CRLF",
                     "#EXTM3U\r\n#EXT-X-TARGETDURATION:2\r\n#EXTINF:2.000000,\r\nsegment_0.ts\r\n"
                     "#EXTINF:2.000000,\r\nsegment_1.ts\r\n",
                     200, 2, 0, false, true},
        PlaylistCase{"ended", "#EXTM3U\n#EXTINF:2.0,\nsegment_0.ts\n\n#EXT-X-ENDLIST\n", 200, 1, 0, true, false},
        PlaylistCase{"a master playlist", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2500000\n720p/stream.m3u8\n", 200, 0, 1,
                     false, true},
        PlaylistCase{"a tag between EXTINF and its URI", "#EXTM3U\n#EXTINF:2,\n#EXT-X-BYTERANGE:100@0\nseg.ts\n", 200,
                     1, 0, false, true},
        PlaylistCase{"a 404 with JSON", "{\"error\":\"Stream not found or not started\"}", 404, 0, 0, false, false},
        PlaylistCase{"segments, but not 200", "#EXTM3U\n#EXTINF:2,\nsegment_0.ts\n", 503, 1, 0, false, false},
        PlaylistCase{"not a playlist", "segment_0.ts\n#EXTINF:2,\nsegment_1.ts\n", 200, 0, 0, false, false},
        PlaylistCase{"empty", "", 200, 0, 0, false, false}),
    [](const ::testing::TestParamInfo<PlaylistCase>& parameter) {
        std::string name;
        for (const char* character = parameter.param.name; *character != '\0'; ++character) {
            name += std::isalnum(static_cast<unsigned char>(*character)) != 0 ? *character : '_';
        }
        return name;
    });

} // namespace
} // namespace hoststudio::session

// SPDX-License-Identifier: GPL-2.0-or-later
// Service presets as data: the shipped file parses, malformed ones are named precisely.
#include "hoststudio/media/EncoderSettings.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <gtest/gtest.h>

namespace hoststudio::media {
namespace {

TEST(Presets, ShippedFileHasTheThreePresets)
{
    const auto presets = loadPresetsFile(std::string(HOSTSTUDIO_SOURCE_DIR) + "/resources/presets/services.json");
    ASSERT_TRUE(presets.ok()) << presets.error().describe();
    ASSERT_EQ(presets->size(), 3U);

    const auto hd = findPreset(*presets, "720p30");
    ASSERT_TRUE(hd.ok());
    EXPECT_EQ(hd->settings.width, 1280);
    EXPECT_EQ(hd->settings.height, 720);
    EXPECT_EQ(hd->settings.fps, 30);
    EXPECT_EQ(hd->settings.videoBitrateKbps, 2500);
    EXPECT_EQ(hd->settings.keyframeIntervalFrames(), 60);
    EXPECT_EQ(hd->settings.x264Preset, "veryfast");

    const auto fullHd = findPreset(*presets, "1080p30");
    ASSERT_TRUE(fullHd.ok());
    EXPECT_EQ(fullHd->settings.width, 1920);
    EXPECT_EQ(fullHd->settings.audioBitrateKbps, 160);

    const auto cloudinary = findPreset(*presets, "cloudinary");
    ASSERT_TRUE(cloudinary.ok());
    EXPECT_EQ(cloudinary->settings.profile, "main");
    EXPECT_EQ(cloudinary->maxVideoBitrateKbps, 4000);
}

TEST(Presets, UnknownIdNamesTheKnownOnes)
{
    const auto presets = loadPresetsFile(std::string(HOSTSTUDIO_SOURCE_DIR) + "/resources/presets/services.json");
    ASSERT_TRUE(presets.ok());
    const auto missing = findPreset(*presets, "4k60");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), MediaErrc::invalidSettings);
    EXPECT_NE(missing.error().detail().find("720p30, 1080p30, cloudinary"), std::string::npos);
}

struct MalformedCase {
    const char* name;
    const char* json;
    const char* detailContains;
};

class MalformedPresets : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedPresets, AreRejectedWithAReason)
{
    const auto parsed = parsePresets(GetParam().json);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error(), MediaErrc::presetsMalformed);
    EXPECT_NE(parsed.error().detail().find(GetParam().detailContains), std::string::npos) << parsed.error().detail();
}

#define PRESET_FIELDS "\"width\": 1280, \"height\": 720, \"fps\": 30, \"videoBitrateKbps\": 2500"

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedPresets,
    ::testing::Values(
        MalformedCase{"notJson", "{", "not a JSON object"},
        MalformedCase{"wrongVersion", R"({"version": 2, "presets": []})", "version"},
        MalformedCase{"noPresets", R"({"version": 1})", "presets"},
        MalformedCase{"emptyPresets", R"({"version": 1, "presets": []})", "no presets"},
        MalformedCase{"noId", R"({"version": 1, "presets": [{"width": 1}]})", "id"},
        MalformedCase{"missingWidth",
                      R"({"version": 1, "presets": [{"id": "a", "height": 720, "fps": 30, "videoBitrateKbps": 1}]})",
                      "preset a"},
        MalformedCase{
            "wrongType",
            R"({"version": 1, "presets": [{"id": "a", "width": "1280", "height": 720, "fps": 30, "videoBitrateKbps": 2500}]})",
            "preset a"},
        MalformedCase{
            "oddWidth",
            R"({"version": 1, "presets": [{"id": "a", "width": 1281, "height": 720, "fps": 30, "videoBitrateKbps": 2500}]})",
            "width"},
        MalformedCase{"badX264Preset",
                      R"({"version": 1, "presets": [{"id": "a", )" PRESET_FIELDS R"(, "x264Preset": "ludicrous"}]})",
                      "x264Preset"},
        MalformedCase{"badProfile",
                      R"({"version": 1, "presets": [{"id": "a", )" PRESET_FIELDS R"(, "profile": "high10"}]})",
                      "profile"},
        MalformedCase{"aboveCeiling",
                      R"({"version": 1, "presets": [{"id": "a", )" PRESET_FIELDS R"(, "maxVideoBitrateKbps": 2000}]})",
                      "above"},
        MalformedCase{"duplicate",
                      R"({"version": 1, "presets": [{"id": "a", )" PRESET_FIELDS R"(}, {"id": "a", )" PRESET_FIELDS
                      R"(}]})",
                      "duplicate"}),
    [](const ::testing::TestParamInfo<MalformedCase>& paramInfo) { return std::string(paramInfo.param.name); });

TEST(EncoderSettings, DefaultsAreValidAndOBSLike)
{
    const EncoderSettings settings = EncoderSettings::defaults();
    EXPECT_EQ(settings.validationError(), "");
    EXPECT_EQ(settings.keyframeIntervalFrames(), 60);
    EXPECT_EQ(settings.audioSampleRate, 48000);
    EXPECT_EQ(settings.audioChannels, 2);
}

} // namespace
} // namespace hoststudio::media

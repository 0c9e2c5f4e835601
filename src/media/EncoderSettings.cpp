// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/EncoderSettings.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <fstream>
#include <sstream>

namespace hoststudio::media {

namespace {

bool isOneOf(const std::string& value, std::initializer_list<std::string_view> allowed)
{
    for (const std::string_view candidate : allowed) {
        if (value == candidate) {
            return true;
        }
    }
    return false;
}

} // namespace

std::string EncoderSettings::validationError() const
{
    if (width < 16 || width > 7680 || width % 2 != 0) {
        return "width must be an even number from 16 to 7680";
    }
    if (height < 16 || height > 4320 || height % 2 != 0) {
        return "height must be an even number from 16 to 4320";
    }
    if (fps < 1 || fps > 120) {
        return "fps must be 1–120";
    }
    if (videoBitrateKbps < 50 || videoBitrateKbps > 100000) {
        return "videoBitrateKbps must be 50–100000";
    }
    if (audioBitrateKbps < 32 || audioBitrateKbps > 512) {
        return "audioBitrateKbps must be 32–512";
    }
    if (audioSampleRate != 44100 && audioSampleRate != 48000) {
        return "audioSampleRate must be 44100 or 48000";
    }
    if (audioChannels != 1 && audioChannels != 2) {
        return "audioChannels must be 1 or 2";
    }
    if (keyframeIntervalSeconds < 1 || keyframeIntervalSeconds > 10) {
        return "keyframeIntervalSeconds must be 1–10";
    }
    if (!isOneOf(x264Preset,
                 {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"})) {
        return "x264Preset '" + x264Preset + "' is not an x264 preset";
    }
    if (!isOneOf(profile, {"baseline", "main", "high"})) {
        return "profile '" + profile + "' must be baseline, main or high";
    }
    return {};
}

core::Result<std::vector<ServicePreset>> parsePresets(std::string_view jsonText)
{
    const nlohmann::json document = nlohmann::json::parse(jsonText, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return {MediaErrc::presetsMalformed, "not a JSON object"};
    }
    if (document.value("version", 0) != 1) {
        return {MediaErrc::presetsMalformed, "unsupported version (expected 1)"};
    }
    const auto found = document.find("presets");
    if (found == document.end() || !found->is_array()) {
        return {MediaErrc::presetsMalformed, "no \"presets\" array"};
    }
    std::vector<ServicePreset> presets;
    for (const nlohmann::json& entry : *found) {
        if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_string()) {
            return {MediaErrc::presetsMalformed, "a preset without a string \"id\""};
        }
        ServicePreset preset;
        preset.id = entry["id"].get<std::string>();
        try {
            EncoderSettings& settings = preset.settings;
            preset.name = entry.value("name", preset.id);
            settings.width = entry.at("width").get<int>();
            settings.height = entry.at("height").get<int>();
            settings.fps = entry.at("fps").get<int>();
            settings.videoBitrateKbps = entry.at("videoBitrateKbps").get<int>();
            preset.maxVideoBitrateKbps = entry.value("maxVideoBitrateKbps", settings.videoBitrateKbps);
            settings.audioBitrateKbps = entry.value("audioBitrateKbps", settings.audioBitrateKbps);
            settings.audioSampleRate = entry.value("audioSampleRate", settings.audioSampleRate);
            settings.audioChannels = entry.value("audioChannels", settings.audioChannels);
            settings.keyframeIntervalSeconds = entry.value("keyframeIntervalSeconds", settings.keyframeIntervalSeconds);
            settings.x264Preset = entry.value("x264Preset", settings.x264Preset);
            settings.profile = entry.value("profile", settings.profile);
        } catch (const nlohmann::json::exception& error) {
            return {MediaErrc::presetsMalformed, "preset " + preset.id + ": " + error.what()};
        }
        if (const std::string problem = preset.settings.validationError(); !problem.empty()) {
            return {MediaErrc::presetsMalformed, "preset " + preset.id + ": " + problem};
        }
        if (preset.settings.videoBitrateKbps > preset.maxVideoBitrateKbps) {
            return {MediaErrc::presetsMalformed,
                    "preset " + preset.id + ": videoBitrateKbps above maxVideoBitrateKbps"};
        }
        for (const ServicePreset& earlier : presets) {
            if (earlier.id == preset.id) {
                return {MediaErrc::presetsMalformed, "duplicate preset id " + preset.id};
            }
        }
        presets.push_back(std::move(preset));
    }
    if (presets.empty()) {
        return {MediaErrc::presetsMalformed, "no presets"};
    }
    return presets;
}

core::Result<std::vector<ServicePreset>> loadPresetsFile(const std::string& filePath)
{
    std::ifstream file(filePath, std::ios::binary);
    if (!file) {
        return {MediaErrc::presetsMalformed, "cannot read " + filePath};
    }
    std::ostringstream text;
    text << file.rdbuf();
    return parsePresets(text.str());
}

core::Result<ServicePreset> findPreset(const std::vector<ServicePreset>& presets, std::string_view id)
{
    std::string known;
    for (const ServicePreset& preset : presets) {
        if (preset.id == id) {
            return preset;
        }
        known += (known.empty() ? "" : ", ") + preset.id;
    }
    return {MediaErrc::invalidSettings, "unknown preset '" + std::string(id) + "' (known: " + known + ")"};
}

} // namespace hoststudio::media

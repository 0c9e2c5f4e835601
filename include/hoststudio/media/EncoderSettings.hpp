// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the encoders produce: one plain struct the upper layers fill (from a service preset, the
// settings, or the command line), and the service presets kept as data (resources/presets/
// services.json; upper layers read it from the Qt resource and hand the text to parsePresets()).
//
// Thread safety: value types and pure functions.

#include "hoststudio/core/Result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::media {

enum class X264Tune {
    none,        // x264's defaults for the preset (B-frames, lookahead): cheaper per bit
    zeroLatency, // no B-frames, no lookahead, sliced threads: lowest delay
};

struct EncoderSettings {
    int width = 1280;
    int height = 720;
    int fps = 30;
    int videoBitrateKbps = 2500; // CBR: maxrate = bufsize = bitrate, HRD filler (nal-hrd=cbr)
    int audioBitrateKbps = 128;  // AAC-LC
    int audioSampleRate = 48000;
    int audioChannels = 2;
    int keyframeIntervalSeconds = 2; // keyint = seconds × fps, scenecut=0
    std::string x264Preset = "veryfast";
    std::string profile = "high";
    X264Tune tune = X264Tune::zeroLatency;

    // The studio's default: 720p30 at 2500 kbps, AAC 128 kbps, veryfast, zerolatency.
    [[nodiscard]] static EncoderSettings defaults() { return {}; }
    // Empty when valid, else what is wrong ("fps must be 1–120").
    [[nodiscard]] std::string validationError() const;
    [[nodiscard]] int keyframeIntervalFrames() const noexcept { return keyframeIntervalSeconds * fps; }
};

struct ServicePreset {
    std::string id;   // "720p30"
    std::string name; // "720p, 30 fps"
    int maxVideoBitrateKbps = 0;
    EncoderSettings settings;
};

// Parses the presets JSON ({"version": 1, "presets": [...]}); every preset is validated.
[[nodiscard]] core::Result<std::vector<ServicePreset>> parsePresets(std::string_view jsonText);
// Reads and parses a presets file.
[[nodiscard]] core::Result<std::vector<ServicePreset>> loadPresetsFile(const std::string& filePath);
// The preset with that id; MediaErrc::invalidSettings naming the known ids when there is none.
[[nodiscard]] core::Result<ServicePreset> findPreset(const std::vector<ServicePreset>& presets, std::string_view id);

} // namespace hoststudio::media

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The media module's own source factories (not installed) and small shared helpers.
//
// Thread safety: see each source; the factories run on the caller's thread.

#include "hoststudio/media/Sources.hpp"

#include <memory>

extern "C" {
#include <libavutil/frame.h>
}

namespace hoststudio::media::detail {

// An AVFrame owned by a shared_ptr (freed with av_frame_free).
[[nodiscard]] std::shared_ptr<AVFrame> makeSharedFrame(AVFrame* frame);
// A new picture buffer of that size and format.
[[nodiscard]] std::shared_ptr<AVFrame> allocatePicture(int width, int height, int pixelFormat);

[[nodiscard]] core::Result<OpenedSource> openFileSource(const std::string& path, const FileSourceOptions& options);
[[nodiscard]] core::Result<OpenedSource> openImageSource(const std::string& path);
[[nodiscard]] core::Result<OpenedSource> openScreenSource(const ScreenCaptureOptions& options);
[[nodiscard]] core::Result<OpenedSource> openCameraSource(const std::string& cameraId);
// The size of the X11 screen at `display`, by opening it with x11grab (for the device list).
[[nodiscard]] core::Result<std::pair<int, int>> probeScreen(const std::string& display);

} // namespace hoststudio::media::detail

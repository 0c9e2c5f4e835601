// SPDX-License-Identifier: GPL-2.0-or-later
// Writes the studio's test pattern as a YUV4MPEG2 stream, so that the media benchmark can hand the
// ffmpeg CLI the very frames `hoststudio live --source testpattern` encodes.
//
//   hoststudio-render-pattern WIDTH HEIGHT FPS FRAMES > pattern.y4m
#include "hoststudio/media/TestSources.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool parsePositive(const char* text, long maximum, long& value)
{
    char* end = nullptr;
    errno = 0;
    value = std::strtol(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && value > 0 && value <= maximum;
}

bool writeAll(const void* data, std::size_t size)
{
    return std::fwrite(data, 1, size, stdout) == size;
}

} // namespace

int main(int argc, char** argv)
{
    long width = 0;
    long height = 0;
    long fps = 0;
    long frames = 0;
    if (argc != 5 || !parsePositive(argv[1], 7680, width) || !parsePositive(argv[2], 4320, height) ||
        !parsePositive(argv[3], 240, fps) || !parsePositive(argv[4], 10'000'000, frames) || width % 2 != 0 ||
        height % 2 != 0) {
        std::fprintf(stderr, "usage: %s WIDTH HEIGHT FPS FRAMES > pattern.y4m (even sizes)\n", argv[0]);
        return 2;
    }
    const auto lumaSize = static_cast<std::size_t>(width * height);
    const std::size_t chromaSize = lumaSize / 4;
    std::vector<std::uint8_t> buffer(lumaSize + 2 * chromaSize);
    hoststudio::media::Yuv420Picture picture;
    picture.planes[0] = buffer.data();
    picture.planes[1] = buffer.data() + lumaSize;
    picture.planes[2] = buffer.data() + lumaSize + chromaSize;
    picture.strides[0] = width;
    picture.strides[1] = width / 2;
    picture.strides[2] = width / 2;
    picture.width = static_cast<int>(width);
    picture.height = static_cast<int>(height);

    const hoststudio::media::TestPattern pattern(picture.width, picture.height);
    const std::string header = "YUV4MPEG2 W" + std::to_string(width) + " H" + std::to_string(height) + " F" +
                               std::to_string(fps) + ":1 Ip A1:1 C420jpeg\n";
    if (!writeAll(header.data(), header.size())) {
        std::fprintf(stderr, "cannot write: %s\n", std::strerror(errno));
        return 1;
    }
    for (long frame = 0; frame < frames; ++frame) {
        // The stamp's time advances with the frame, as on the output clock.
        pattern.render(picture, static_cast<std::uint32_t>(frame), static_cast<std::uint64_t>(frame * 1000 / fps));
        if (!writeAll("FRAME\n", 6) || !writeAll(buffer.data(), buffer.size())) {
            std::fprintf(stderr, "cannot write frame %ld: %s\n", frame, std::strerror(errno));
            return 1;
        }
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What changed on an X11 screen between two grabs, from the X server itself: a DAMAGE object on
// the root window (drawing anywhere on the screen, windows included), fetched as an XFixes region
// after each grab; with the cursor drawn into the pictures, its moves and shape changes too.
//
// After grab N the tracker fetches and clears the damage D(N) gathered since the fetch after grab
// N-1. Drawing that the server did between grab N-1 and that fetch is in D(N-1) though grab N is
// the first to show it, so the rows changed between grabs N-1 and N are within D(N-1) ∪ D(N).
// A new damage object holds the whole window, so the first two grabs count as changed everywhere;
// so does a moving pointer (or a new cursor shape), for that grab and the next. Without DAMAGE or
// XFixes every picture counts as changed.
//
// Thread safety: one thread (the screen source's capture thread) after open().

#include "hoststudio/media/Sources.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace hoststudio::media::detail {

class ScreenChanges {
public:
    // A connection of its own to `display`; null (and a log line) when the server has no DAMAGE or
    // XFixes or cannot be reached: then the caller treats every picture as changed.
    // `window` (not 0): that window is grabbed, its own rows; else the root window, or `region` of it.
    [[nodiscard]] static std::unique_ptr<ScreenChanges> open(const std::string& display,
                                                             const std::optional<ScreenRegion>& region,
                                                             bool cursorDrawn, std::uint32_t window = 0);
    ~ScreenChanges();
    ScreenChanges(const ScreenChanges&) = delete;
    ScreenChanges& operator=(const ScreenChanges&) = delete;

    // Call right after each grab: the rows of the grabbed area that may differ from the previous
    // grab (the first: all of them).
    [[nodiscard]] ChangedRows afterGrab();

private:
    struct Connection;
    explicit ScreenChanges(std::unique_ptr<Connection> connection);
    std::unique_ptr<Connection> connection_;
};

} // namespace hoststudio::media::detail

// SPDX-License-Identifier: GPL-2.0-or-later
// Keeps an X11 screen moving: takes the root window's picture as it is, then every frame (FPS a
// second) draws it scrolled STEP rows further (wrapping around), the whole screen each time. The
// X server does the copying; this process only asks, so it costs the benchmark next to nothing.
//
//   hoststudio-scroll-screen [FPS [STEP]]     (DISPLAY from the environment; runs until killed)
#include <xcb/xcb.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv)
{
    const int fps = argc > 1 ? std::atoi(argv[1]) : 30;
    const int step = argc > 2 ? std::atoi(argv[2]) : 8;
    if (fps <= 0 || fps > 240 || step <= 0) {
        std::fprintf(stderr, "usage: hoststudio-scroll-screen [FPS (1-240) [STEP (rows, > 0)]]\n");
        return 2;
    }
    xcb_connection_t* xcb = xcb_connect(nullptr, nullptr);
    if (xcb_connection_has_error(xcb) != 0) {
        std::fprintf(stderr, "hoststudio-scroll-screen: cannot open the X display (is DISPLAY set?)\n");
        return 1;
    }
    const xcb_screen_t* screen = xcb_setup_roots_iterator(xcb_get_setup(xcb)).data;
    const std::uint16_t width = screen->width_in_pixels;
    const std::uint16_t height = screen->height_in_pixels;
    // The picture twice, one above the other: any `height` rows of it are the picture scrolled.
    const xcb_pixmap_t twice = xcb_generate_id(xcb);
    xcb_create_pixmap(xcb, screen->root_depth, twice, screen->root, width, static_cast<std::uint16_t>(height * 2));
    const xcb_gcontext_t gc = xcb_generate_id(xcb);
    const std::uint32_t includeInferiors = XCB_SUBWINDOW_MODE_INCLUDE_INFERIORS;
    xcb_create_gc(xcb, gc, screen->root, XCB_GC_SUBWINDOW_MODE, &includeInferiors);
    xcb_copy_area(xcb, screen->root, twice, gc, 0, 0, 0, 0, width, height);
    xcb_copy_area(xcb, screen->root, twice, gc, 0, 0, 0, static_cast<std::int16_t>(height), width, height);
    const auto period = std::chrono::microseconds(1000000 / fps);
    auto next = std::chrono::steady_clock::now();
    for (int offset = 0;; offset = (offset + step) % height) {
        xcb_copy_area(xcb, twice, screen->root, gc, 0, static_cast<std::int16_t>(offset), 0, 0, width, height);
        // Wait for the server to have drawn it, so frames never queue up.
        std::free(
            xcb_get_input_focus_reply(xcb, xcb_get_input_focus(xcb), nullptr)); // NOLINT(cppcoreguidelines-no-malloc)
        if (xcb_connection_has_error(xcb) != 0) {
            return 0; // the server went away: the benchmark is over
        }
        next += period;
        std::this_thread::sleep_until(next);
    }
}

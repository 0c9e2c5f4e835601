// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Small helpers for the media module's own X11 connections (xcb): replies and connections owned,
// the screen of a connection by number.

#include <cstdlib>
#include <memory>

#include <xcb/xcb.h>

namespace hoststudio::media::detail {

struct XcbFree {
    void operator()(void* reply) const noexcept { std::free(reply); } // NOLINT(cppcoreguidelines-no-malloc)
};
// An xcb reply (or event), freed with free().
template <typename Reply> using XcbReply = std::unique_ptr<Reply, XcbFree>;

struct XcbDisconnect {
    void operator()(xcb_connection_t* connection) const noexcept { xcb_disconnect(connection); }
};
using XcbConnection = std::unique_ptr<xcb_connection_t, XcbDisconnect>;

// Screen `number` of the connection (as xcb_connect reported it), or null.
inline const xcb_screen_t* xcbScreen(xcb_connection_t* connection, int number)
{
    xcb_screen_iterator_t screens = xcb_setup_roots_iterator(xcb_get_setup(connection));
    for (int index = 0; index < number && screens.rem > 0; ++index) {
        xcb_screen_next(&screens);
    }
    return screens.rem > 0 ? screens.data : nullptr;
}

} // namespace hoststudio::media::detail

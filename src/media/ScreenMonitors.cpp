// SPDX-License-Identifier: GPL-2.0-or-later
// The monitors of an X11 screen (RandR 1.5 GetMonitors) and X window ids as users write them.
#include "XcbSupport.hpp"

#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/Sources.hpp"

#include <charconv>

#include <xcb/randr.h>

namespace hoststudio::media {

namespace {

using detail::XcbConnection;
using detail::XcbReply;

std::string atomName(xcb_connection_t* connection, xcb_atom_t atom)
{
    const XcbReply<xcb_get_atom_name_reply_t> reply(
        xcb_get_atom_name_reply(connection, xcb_get_atom_name(connection, atom), nullptr));
    if (!reply) {
        return "monitor-" + std::to_string(atom);
    }
    return {xcb_get_atom_name_name(reply.get()), static_cast<std::size_t>(xcb_get_atom_name_name_length(reply.get()))};
}

} // namespace

core::Result<std::vector<ScreenMonitor>> listScreenMonitors(const std::string& display)
{
    const char* name = display.empty() ? nullptr : display.c_str();
    int screenNumber = 0;
    const XcbConnection connection(xcb_connect(name, &screenNumber));
    if (xcb_connection_has_error(connection.get()) != 0) {
        return core::Error{MediaErrc::deviceUnavailable,
                           "cannot open the X11 display " + (display.empty() ? std::string("$DISPLAY") : display)};
    }
    const xcb_screen_t* screen = detail::xcbScreen(connection.get(), screenNumber);
    const xcb_query_extension_reply_t* randr = xcb_get_extension_data(connection.get(), &xcb_randr_id);
    const XcbReply<xcb_randr_query_version_reply_t> version(
        xcb_randr_query_version_reply(connection.get(), xcb_randr_query_version(connection.get(), 1, 5), nullptr));
    std::vector<ScreenMonitor> monitors;
    if (screen == nullptr || randr == nullptr || randr->present == 0 || !version ||
        (version->major_version == 1 && version->minor_version < 5)) {
        return monitors; // no RandR 1.5: no monitors to name (the whole screen still works)
    }
    const XcbReply<xcb_randr_get_monitors_reply_t> reply(xcb_randr_get_monitors_reply(
        connection.get(), xcb_randr_get_monitors(connection.get(), screen->root, 1), nullptr));
    if (!reply) {
        return monitors;
    }
    for (auto info = xcb_randr_get_monitors_monitors_iterator(reply.get()); info.rem > 0;
         xcb_randr_monitor_info_next(&info)) {
        ScreenMonitor monitor;
        monitor.name = atomName(connection.get(), info.data->name);
        monitor.area = ScreenRegion{info.data->x, info.data->y, info.data->width, info.data->height};
        monitor.primary = info.data->primary != 0;
        monitors.push_back(std::move(monitor));
    }
    return monitors;
}

core::Result<std::uint32_t> parseWindowId(std::string_view text)
{
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const std::string_view digits = hex ? text.substr(2) : text;
    std::uint32_t id = 0;
    const auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), id, hex ? 16 : 10);
    if (digits.empty() || status != std::errc{} || end != digits.data() + digits.size() || id == 0) {
        return core::Error{MediaErrc::invalidSettings,
                           "invalid window id '" + std::string(text) +
                               "': give the X window's id in decimal or 0x hexadecimal (xwininfo shows it)"};
    }
    return id;
}

} // namespace hoststudio::media

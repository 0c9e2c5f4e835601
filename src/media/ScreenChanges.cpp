// SPDX-License-Identifier: GPL-2.0-or-later
#include "ScreenChanges.hpp"

#include "XcbSupport.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <algorithm>

#include <xcb/damage.h>
#include <xcb/xfixes.h>

namespace hoststudio::media::detail {

namespace {

constexpr ChangedRows kEverything{};

ChangedRows unite(ChangedRows a, ChangedRows b)
{
    if (a.empty()) {
        return b;
    }
    if (b.empty()) {
        return a;
    }
    return ChangedRows{std::min(a.top, b.top), std::max(a.bottom, b.bottom)};
}

} // namespace

struct ScreenChanges::Connection {
    XcbConnection xcb;
    xcb_window_t root = 0;
    xcb_damage_damage_t damage = 0;
    xcb_xfixes_region_t region = 0;
    std::uint8_t cursorEvent = 0; // XFixes CursorNotify's response type
    bool cursorDrawn = false;
    int top = 0; // the grabbed area's rows on the screen
    int bottom = 0;
    ChangedRows previous = ChangedRows::none(); // D(N-1), in the grabbed area's rows
    int pointerX = -1;
    int pointerY = -1;
    int wholeFor = 1; // grabs still counted as changed everywhere (the first; the cursor; lost track)
};

std::unique_ptr<ScreenChanges> ScreenChanges::open(const std::string& display,
                                                   const std::optional<ScreenRegion>& region, bool cursorDrawn,
                                                   std::uint32_t window)
{
    auto connection = std::make_unique<Connection>();
    int screenNumber = 0;
    connection->xcb.reset(xcb_connect(display.c_str(), &screenNumber));
    xcb_connection_t* const xcb = connection->xcb.get();
    const auto unavailable = [&](const char* why) {
        qCInfo(lcMedia) << "screen capture: every picture converted whole:" << why;
        return std::unique_ptr<ScreenChanges>();
    };
    if (xcb_connection_has_error(xcb) != 0) {
        return unavailable("no second connection to the X server");
    }
    const xcb_screen_t* screen = xcbScreen(xcb, screenNumber);
    if (screen == nullptr) {
        return unavailable("no such X screen");
    }
    connection->root = screen->root;
    const xcb_query_extension_reply_t* damage = xcb_get_extension_data(xcb, &xcb_damage_id);
    const xcb_query_extension_reply_t* fixes = xcb_get_extension_data(xcb, &xcb_xfixes_id);
    if (damage == nullptr || damage->present == 0 || fixes == nullptr || fixes->present == 0) {
        return unavailable("the X server has no DAMAGE or XFixes extension");
    }
    // Each extension needs its version asked before its first request.
    const auto fixesVersion = xcb_xfixes_query_version(xcb, 4, 0);
    const auto damageVersion = xcb_damage_query_version(xcb, 1, 1);
    const XcbReply<xcb_xfixes_query_version_reply_t> fixesReply(
        xcb_xfixes_query_version_reply(xcb, fixesVersion, nullptr));
    const XcbReply<xcb_damage_query_version_reply_t> damageReply(
        xcb_damage_query_version_reply(xcb, damageVersion, nullptr));
    if (!fixesReply || fixesReply->major_version < 2 || !damageReply) {
        return unavailable("the X server's XFixes is older than version 2");
    }
    int drawableHeight = screen->height_in_pixels;
    if (window != 0) {
        const XcbReply<xcb_get_geometry_reply_t> geometry(
            xcb_get_geometry_reply(xcb, xcb_get_geometry(xcb, window), nullptr));
        if (!geometry) {
            return unavailable("no such window");
        }
        drawableHeight = geometry->height;
    }
    connection->damage = xcb_generate_id(xcb);
    xcb_damage_create(xcb, connection->damage, window != 0 ? window : connection->root,
                      XCB_DAMAGE_REPORT_LEVEL_NON_EMPTY);
    connection->region = xcb_generate_id(xcb);
    xcb_xfixes_create_region(xcb, connection->region, 0, nullptr);
    connection->cursorDrawn = cursorDrawn;
    if (cursorDrawn) {
        connection->cursorEvent = static_cast<std::uint8_t>(fixes->first_event + XCB_XFIXES_CURSOR_NOTIFY);
        xcb_xfixes_select_cursor_input(xcb, connection->root, XCB_XFIXES_CURSOR_NOTIFY_MASK_DISPLAY_CURSOR);
    }
    connection->top = region && window == 0 ? region->y : 0;
    connection->bottom = region && window == 0 ? region->y + region->height : drawableHeight;
    xcb_flush(xcb);
    if (xcb_connection_has_error(xcb) != 0) {
        return unavailable("the X server closed the connection");
    }
    return std::unique_ptr<ScreenChanges>(new ScreenChanges(std::move(connection)));
}

ScreenChanges::ScreenChanges(std::unique_ptr<Connection> connection) : connection_(std::move(connection))
{}

ScreenChanges::~ScreenChanges() = default;

ChangedRows ScreenChanges::afterGrab()
{
    Connection& c = *connection_;
    xcb_connection_t* const xcb = c.xcb.get();
    xcb_damage_subtract(xcb, c.damage, XCB_NONE, c.region);
    const auto regionCookie = xcb_xfixes_fetch_region(xcb, c.region);
    xcb_query_pointer_cookie_t pointerCookie{};
    if (c.cursorDrawn) {
        pointerCookie = xcb_query_pointer(xcb, c.root);
    }
    const XcbReply<xcb_xfixes_fetch_region_reply_t> region(xcb_xfixes_fetch_region_reply(xcb, regionCookie, nullptr));
    bool cursorChanged = false;
    if (c.cursorDrawn) {
        const XcbReply<xcb_query_pointer_reply_t> pointer(xcb_query_pointer_reply(xcb, pointerCookie, nullptr));
        if (!pointer || pointer->root_x != c.pointerX || pointer->root_y != c.pointerY) {
            cursorChanged = true;
            c.pointerX = pointer ? pointer->root_x : -1;
            c.pointerY = pointer ? pointer->root_y : -1;
        }
    }
    // The damage events only say "there is damage": dropped. A cursor event: a new shape.
    while (xcb_generic_event_t* event = xcb_poll_for_event(xcb)) {
        if (c.cursorDrawn && (event->response_type & 0x7F) == c.cursorEvent) {
            cursorChanged = true;
        }
        XcbFree{}(event);
    }
    if (!region || xcb_connection_has_error(xcb) != 0) {
        c.wholeFor = std::max(c.wholeFor, 1); // lost track: everything, and for the grab after it
        return kEverything;
    }
    ChangedRows now = ChangedRows::none();
    const xcb_rectangle_t extents = region->extents;
    if (extents.width > 0 && extents.height > 0) {
        const int top = std::max<int>(extents.y, c.top);
        const int bottom = std::min<int>(extents.y + extents.height, c.bottom);
        if (bottom > top) {
            now = ChangedRows{top - c.top, bottom - c.top};
        }
    }
    const ChangedRows changed = unite(c.previous, now);
    c.previous = now;
    if (cursorChanged) {
        c.wholeFor = 2;
    }
    if (c.wholeFor > 0) {
        --c.wholeFor;
        return kEverything;
    }
    return changed;
}

} // namespace hoststudio::media::detail

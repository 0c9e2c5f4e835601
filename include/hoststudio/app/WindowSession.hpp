// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The studio window's sessions, assembled from the settings exactly as `hoststudio live` assembles
// its own (provider, relays, host key, media, real-time channel, crash journal).
//
// Owner and thread: the Qt main thread. `settings` must outlive the factory.

#include "hoststudio/ui/StudioSession.hpp"

namespace hoststudio::core {
class Settings;
}

namespace hoststudio::app {

[[nodiscard]] ui::StudioSessionFactory makeWindowSessionFactory(const core::Settings& settings);

// The host's own live events from the relays of the settings (the key read where `hoststudio live`
// reads it), queried off the main thread.
[[nodiscard]] ui::HostEventsLister makeHostEventsLister(const core::Settings& settings);

} // namespace hoststudio::app

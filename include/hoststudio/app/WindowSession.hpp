// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The studio window's sessions, assembled from the settings exactly as `hoststudio live` assembles
// its own (provider, relays, host key, media, real-time channel, crash journal).
//
// Owner and thread: the Qt main thread. `settings` must outlive the factory.

#include "hoststudio/ui/StudioSession.hpp"

#include <functional>
#include <thread>

namespace hoststudio::core {
class Settings;
}

namespace hoststudio::app {

[[nodiscard]] ui::StudioSessionFactory makeWindowSessionFactory(const core::Settings& settings);

// The window's studio: the scene's sources running with the settings' encoder preset, composed for
// the preview and mixed for the meters until a Go Live takes them over.
[[nodiscard]] ui::StudioFactory makeStudioFactory(const core::Settings& settings);

// The host's own live events from the relays of the settings (the key read where `hoststudio live`
// reads it), queried off the main thread.
[[nodiscard]] ui::HostEventsLister makeHostEventsLister(const core::Settings& settings);

// Whether a Nostr key is where a window session looks for one (the environment, the default key
// file, the secret store): false only when none is configured at all; a key that is there but
// unusable counts as there (Go Live then says what is wrong with it).
[[nodiscard]] std::function<bool()> makeNostrKeyCheck(const core::Settings& settings);

// Makes the TLS context of the settings (the system CA store, tens of milliseconds to load, and the
// extra CA) on a thread of its own, so that Go Live finds it made instead of loading it on the UI
// thread. Keep the returned thread until the window closes (it joins on destruction).
[[nodiscard]] std::jthread preloadTlsContext(const core::Settings& settings);

} // namespace hoststudio::app

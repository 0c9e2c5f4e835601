// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// ChatHub: the host's one live chat, merged from the backend's channel (channel-message) and the
// NIP-53 chat of the live activity (kind 1311 on its relays, subscribed by `#a`).
//
//   ChatHubSettings settings;
//   settings.activityAddress = live.aTag(hostPublicKey);       // "30311:<host hex>:<d>"
//   settings.relayHint = relayUrls.front();
//   settings.hostKey = hostSecretKey;                          // signs the host's 1311 replies
//   settings.backendChannel = "general";
//   settings.backendSender = "host";
//   RelayPoolChatLink nostrLink(*pool);                        // or nullptr: no Nostr side
//   BackendChannelChatLink backendLink(*channel);              // or nullptr: no backend side
//   auto hub = ChatHub::create(settings, &nostrLink, &backendLink).value();
//   handlers.onChannelMessage = [&](const ChannelMessage& m) { hub->addBackendMessage(m); };
//   hub->start();                                              // subscribes the activity's chat
//   hub->setUpdateNotifier([&] { QMetaObject::invokeMethod(view, [&] { view.apply(hub->takeUpdates()); }); });
//   auto sent = hub->send("Welcome!");                          // rateLimited: see retryAfter
//
// The timeline: one list ordered by time (Nostr created_at, the backend message's arrival time,
// the host's send time), equal times kept in arrival order; at most `historyCapacity` entries, the
// oldest dropped first. Every entry has its source, author (the npub, then the kind-0 profile's
// display_name or name once it arrived; the backend's sender), time, text and id.
//
// Dedupe: a Nostr event id is taken once, whichever relays deliver it. The host's own 1311 coming
// back from a relay, and its own channel-message echoed by the backend (same sender and content),
// are matched to the host's entry and only mark its delivery; they never add a second entry.
//
// Sending: send() signs a 1311 with the host key (the activity's `a` tag with the relay hint and
// "root") and publishes it on the relays, and emits a channel-message; each destination has its
// own delivery state (pending → sent with the number of relays that accepted, or failed with the
// reason; the backend's echo marks it `echoed`). A token bucket limits sending (default: bursts of
// 5, one more every 2 s); a refused send says when the next one can go.
//
// Text: never markup. Entries hold plain text: invalid UTF-8 is refused (logged, counted in
// stats()), a text above `maxDisplayBytes` is cut at a UTF-8 boundary and ends with "…". A view
// shows it with renderPlainText() (a QLabel, a QTextDocument or a text edit).
//
// Threading: the add*() inputs and the links' callbacks run on the network thread; the consumer
// (a Qt thread) calls send() and takeUpdates(). Changes are queued as a coalesced set of changed
// entry ids (bounded by the history), and the notifier is called once when the queue turns
// non-empty (and again after a takeUpdates() that left some behind); it runs on the thread that
// made the change and must only post to the consumer. takeUpdates() takes at most `batchLimit`
// entries so the consumer never works long in one go.
//
// Owner: any thread; destroy it before the links, and after the backend channel stopped calling
// addBackendMessage(). Destroying it closes its relay subscriptions (stop()); a publish answered
// after it is gone is ignored, and the notifier is never called again. Thread safety: every public
// method may be called from any thread; the state is guarded by one mutex, never held while
// calling a link or the notifier.

#include "hoststudio/chat/BackendChannel.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Filter.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/RelayBookkeeping.hpp"
#include "hoststudio/nostr/RelayPool.hpp"

#include <QString>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::chat {

// What the hub needs from the relays: RelayPoolChatLink wraps a RelayPool; tests drive a fake.
class NostrChatLink {
public:
    virtual ~NostrChatLink() = default;
    [[nodiscard]] virtual core::Result<nostr::SubscriptionId> subscribe(std::vector<nostr::Filter> filters,
                                                                        nostr::SubscriptionHandlers handlers) = 0;
    virtual void close(const nostr::SubscriptionId& subscription) = 0;
    virtual void publish(const nostr::Event& event, std::function<void(std::vector<nostr::PublishOutcome>)> onDone) = 0;
};

// What the hub needs from the backend: BackendChannelChatLink wraps a BackendChannel.
class BackendChatLink {
public:
    virtual ~BackendChatLink() = default;
    [[nodiscard]] virtual core::Status sendChannelMessage(const ChannelMessage& message) = 0;
};

class RelayPoolChatLink final : public NostrChatLink {
public:
    explicit RelayPoolChatLink(nostr::RelayPool& pool, std::chrono::milliseconds timeout = std::chrono::seconds(10))
        : pool_(pool), timeout_(timeout)
    {}
    core::Result<nostr::SubscriptionId> subscribe(std::vector<nostr::Filter> filters,
                                                  nostr::SubscriptionHandlers handlers) override;
    void close(const nostr::SubscriptionId& subscription) override;
    void publish(const nostr::Event& event, std::function<void(std::vector<nostr::PublishOutcome>)> onDone) override;

private:
    nostr::RelayPool& pool_;
    std::chrono::milliseconds timeout_;
};

class BackendChannelChatLink final : public BackendChatLink {
public:
    explicit BackendChannelChatLink(BackendChannel& channel) : channel_(channel) {}
    core::Status sendChannelMessage(const ChannelMessage& message) override;

private:
    BackendChannel& channel_;
};

enum class ChatSource { backend, nostr, host };
enum class DeliveryState { pending, sent, failed };

[[nodiscard]] std::string_view toString(ChatSource source) noexcept;
[[nodiscard]] std::string_view toString(DeliveryState state) noexcept;

// One destination of a host message.
struct Delivery {
    DeliveryState state = DeliveryState::pending;
    int acceptedBy = 0;  // Nostr: relays that accepted (OK true or duplicate)
    int relayCount = 0;  // Nostr: relays asked
    bool echoed = false; // the message came back (backend echo, or the event from a relay)
    std::string reason;  // why it failed (each relay's answer), empty otherwise
};

struct ChatEntry {
    std::uint64_t sequence = 0; // unique and increasing in arrival order; the key of updates
    ChatSource source = ChatSource::backend;
    std::string id;           // Nostr event id; "backend:<sequence>" for backend messages
    std::string authorPubkey; // 64 hex for Nostr and host entries; empty for the backend
    std::string author;       // profile name, else npub (Nostr); the sender (backend)
    std::int64_t timeMs = 0;  // Unix milliseconds
    std::string text;         // plain UTF-8, at most maxDisplayBytes (+ "…")
    bool truncated = false;
    std::optional<Delivery> nostr;   // host entries sent to the relays
    std::optional<Delivery> backend; // host entries sent to the backend
};

struct ChatUpdate {
    std::vector<ChatEntry> changed;     // new or updated entries, in timeline order
    std::vector<std::uint64_t> removed; // entries dropped from the history (oldest first)
    bool more = false;                  // more changes wait: call takeUpdates() again
};

struct ChatHubStats {
    std::uint64_t accepted = 0;      // entries added
    std::uint64_t duplicates = 0;    // Nostr events seen again, echoes of the host's messages
    std::uint64_t rejectedUtf8 = 0;  // refused: invalid UTF-8
    std::uint64_t rejectedOther = 0; // refused: wrong kind, other activity, other channel, empty
    std::uint64_t dropped = 0;       // entries pushed out of the history
    std::uint64_t profiles = 0;      // kind-0 profiles applied
};

struct ChatHubSettings {
    std::string activityAddress;             // "30311:<64 hex>:<d>"; empty: no Nostr side
    std::string relayHint;                   // the a tag's relay (the activity's first relay)
    std::optional<nostr::SecretKey> hostKey; // signs the host's 1311; none: the Nostr side is read-only
    std::string backendChannel = "general";  // the room; messages of other rooms are ignored
    std::string backendSender = "host";      // the host's sender name on the backend
    std::size_t historyCapacity = 1000;
    std::size_t maxDisplayBytes = 4096;                // longer texts are cut (at a UTF-8 boundary) + "…"
    std::size_t maxSendBytes = std::size_t{16} * 1024; // host messages above are refused (messageTooLarge)
    std::size_t batchLimit = 200;                      // entries per takeUpdates()
    std::size_t maxProfileAuthors = 1000;              // authors whose kind 0 is asked for
    int sendBurst = 5;                                 // token bucket: capacity
    std::chrono::milliseconds sendRefill{2000};        // one token back per this
    // Clocks, replaceable in tests.
    std::function<std::chrono::steady_clock::time_point()> steadyClock;
    std::function<std::int64_t()> unixMillisClock;

    [[nodiscard]] static ChatHubSettings defaults() { return {}; }
};

struct SendReceipt {
    std::uint64_t sequence = 0;
    std::string id; // the 1311 event id, or "host:<sequence>" without a Nostr side
};

class ChatHub {
public:
    // invalidArgument for an activity address that is not a 30311 coordinate, a zero capacity or
    // batch, a bucket without tokens, or neither link.
    [[nodiscard]] static core::Result<std::unique_ptr<ChatHub>>
    create(ChatHubSettings settings, NostrChatLink* nostrLink, BackendChatLink* backendLink);
    ~ChatHub();
    ChatHub(const ChatHub&) = delete;
    ChatHub& operator=(const ChatHub&) = delete;
    ChatHub(ChatHub&&) = delete;
    ChatHub& operator=(ChatHub&&) = delete;

    // Subscribes the activity's chat ({"kinds":[1311],"#a":[address]}) on the Nostr link.
    [[nodiscard]] core::Status start();
    // Closes the subscriptions; nothing comes in from the relays afterwards.
    void stop();

    // Inputs (any thread; normally the network thread). addNostrEvent() takes events whose id and
    // signature were verified (RelayPool delivers only such): kind 1311 of the activity, and kind 0
    // of the authors the hub asked for; anything else is counted in rejectedOther.
    void addBackendMessage(const ChannelMessage& message);
    void addNostrEvent(const nostr::Event& event);

    // invalidArgument for an empty text; invalidUtf8; messageTooLarge above maxSendBytes;
    // rateLimited ("… the next can go in 1.6 s"; retryAfter() says the same) when the bucket is
    // empty; a destination that cannot be reached fails in the entry's delivery, not here.
    [[nodiscard]] core::Result<SendReceipt> send(std::string_view text);
    // How long until send() is allowed again; zero when it is now.
    [[nodiscard]] std::chrono::milliseconds retryAfter() const;

    void setUpdateNotifier(std::function<void()> notifier);
    [[nodiscard]] ChatUpdate takeUpdates();
    [[nodiscard]] std::vector<ChatEntry> snapshot() const;
    [[nodiscard]] ChatHubStats stats() const;

    class State;

private:
    ChatHub(ChatHubSettings settings, NostrChatLink* nostrLink, BackendChatLink* backendLink);
    void onProfileSubscriptionDone();
    void subscribeProfilesIfNeeded();
    static void notifyIfNeeded(State& state, bool shouldNotify);
    static void applyPublishOutcomes(State& state, std::uint64_t sequence,
                                     const std::vector<nostr::PublishOutcome>& outcomes);

    std::shared_ptr<State> state_; // shared with outstanding publish callbacks
    NostrChatLink* nostrLink_;
    BackendChatLink* backendLink_;
};

// `text` cut to at most `maxBytes` bytes at a UTF-8 code point boundary, with "…" appended when
// it was cut. `text` must be valid UTF-8.
[[nodiscard]] std::string truncateForDisplay(std::string_view text, std::size_t maxBytes);
// The byte offset of the first invalid UTF-8 sequence (overlong, surrogate, above U+10FFFF,
// truncated), or nullopt when valid.
[[nodiscard]] std::optional<std::size_t> firstInvalidUtf8(std::string_view text) noexcept;
// Shows `text` (an entry's text or author) in a Qt text widget or document as plain text, so
// HTML and Qt rich-text markup stay literal: a QLabel (anything with setTextFormat) is switched to
// Qt::PlainText before its text is set, never left to guess; a QTextDocument, QTextEdit or
// QPlainTextEdit gets setPlainText(). Header-only, so this module needs no QtGui or QtWidgets.
template <typename Target> void renderPlainText(Target& target, std::string_view text)
{
    const QString plain = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
    if constexpr (requires { target.setTextFormat(Qt::PlainText); }) {
        target.setTextFormat(Qt::PlainText);
        target.setText(plain);
    } else {
        target.setPlainText(plain);
    }
}

} // namespace hoststudio::chat

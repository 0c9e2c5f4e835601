// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/chat/ChatHub.hpp"

#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/nostr/ChatMessage.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace hoststudio::chat {

namespace {

constexpr std::string_view ellipsis = "\xE2\x80\xA6"; // U+2026
constexpr std::size_t maxProfileNameBytes = 64;
constexpr std::size_t maxPendingEchoes = 256;

std::int64_t systemUnixMillis()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The length of the code point starting at text[index] when it is a valid one, else 0.
std::size_t validSequenceLength(std::string_view text, std::size_t index) noexcept
{
    const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned char lead = byte(index);
    if (lead < 0x80U) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80U;
    unsigned char high = 0xBFU;
    if (lead >= 0xC2U && lead <= 0xDFU) {
        length = 2;
    } else if (lead >= 0xE0U && lead <= 0xEFU) {
        length = 3;
        if (lead == 0xE0U) {
            low = 0xA0U; // no overlong forms
        } else if (lead == 0xEDU) {
            high = 0x9FU; // no surrogates
        }
    } else if (lead >= 0xF0U && lead <= 0xF4U) {
        length = 4;
        if (lead == 0xF0U) {
            low = 0x90U;
        } else if (lead == 0xF4U) {
            high = 0x8FU; // nothing above U+10FFFF
        }
    } else {
        return 0;
    }
    if (index + length > text.size()) {
        return 0;
    }
    if (byte(index + 1) < low || byte(index + 1) > high) {
        return 0;
    }
    for (std::size_t next = 2; next < length; ++next) {
        if (byte(index + next) < 0x80U || byte(index + next) > 0xBFU) {
            return 0;
        }
    }
    return length;
}

// A profile name fit for one line: control characters become spaces, at most 64 bytes.
std::string cleanProfileName(std::string_view name)
{
    std::string result;
    result.reserve(name.size());
    for (const char character : name) {
        const auto code = static_cast<unsigned char>(character);
        result.push_back(code < 0x20U || code == 0x7FU ? ' ' : character);
    }
    const auto first = result.find_first_not_of(' ');
    if (first == std::string::npos) {
        return {};
    }
    result = result.substr(first, result.find_last_not_of(' ') - first + 1);
    return truncateForDisplay(result, maxProfileNameBytes);
}

// The display name of a kind-0 profile: display_name, else name; empty when it has neither.
std::string profileName(const nostr::Event& event)
{
    const nlohmann::json content = nlohmann::json::parse(event.content, nullptr, false);
    if (!content.is_object()) {
        return {};
    }
    for (const char* key : {"display_name", "displayName", "name"}) {
        const auto found = content.find(key);
        if (found != content.end() && found->is_string()) {
            std::string name = cleanProfileName(found->get<std::string>());
            if (!name.empty()) {
                return name;
            }
        }
    }
    return {};
}

std::string npubOf(const std::string& pubkeyHex)
{
    const auto key = nostr::PublicKey::fromHex(pubkeyHex);
    return key.ok() ? key->toNpub() : pubkeyHex;
}

} // namespace

std::optional<std::size_t> firstInvalidUtf8(std::string_view text) noexcept
{
    std::size_t index = 0;
    while (index < text.size()) {
        const std::size_t length = validSequenceLength(text, index);
        if (length == 0) {
            return index;
        }
        index += length;
    }
    return std::nullopt;
}

std::string truncateForDisplay(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes) {
        return std::string(text);
    }
    std::size_t cut = maxBytes;
    // Back up to the start of a code point: continuation bytes are 10xxxxxx.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    std::string result(text.substr(0, cut));
    result += ellipsis;
    return result;
}

std::string_view toString(ChatSource source) noexcept
{
    switch (source) {
    case ChatSource::backend: return "backend";
    case ChatSource::nostr: return "nostr";
    case ChatSource::host: return "host";
    }
    return "unknown";
}

std::string_view toString(DeliveryState state) noexcept
{
    switch (state) {
    case DeliveryState::pending: return "pending";
    case DeliveryState::sent: return "sent";
    case DeliveryState::failed: return "failed";
    }
    return "unknown";
}

core::Result<nostr::SubscriptionId> RelayPoolChatLink::subscribe(std::vector<nostr::Filter> filters,
                                                                 nostr::SubscriptionHandlers handlers)
{
    return pool_.subscribe(std::move(filters), std::move(handlers), timeout_);
}

void RelayPoolChatLink::close(const nostr::SubscriptionId& subscription)
{
    pool_.close(subscription);
}

void RelayPoolChatLink::publish(const nostr::Event& event,
                                std::function<void(std::vector<nostr::PublishOutcome>)> onDone)
{
    pool_.publish(event, timeout_, std::move(onDone));
}

core::Status BackendChannelChatLink::sendChannelMessage(const ChannelMessage& message)
{
    return channel_.sendChannelMessage(message);
}

// Everything behind the hub's mutex.
class ChatHub::State {
public:
    using Key = std::pair<std::int64_t, std::uint64_t>; // (time, sequence): the timeline order

    struct Item {
        ChatEntry entry;
        bool delivered = false; // the consumer has seen this entry (so its removal must be told)
    };

    struct Profile {
        std::int64_t createdAt = 0;
        std::string name;
    };

    explicit State(ChatHubSettings hubSettings)
        : settings(std::move(hubSettings)), seenEvents(settings.historyCapacity * 10)
    {
        tokens = static_cast<double>(settings.sendBurst);
        lastRefill = settings.steadyClock();
    }

    // Inserts `entry` (its sequence set) and drops the oldest entries beyond the capacity.
    void insert(ChatEntry entry)
    {
        const Key key{entry.timeMs, entry.sequence};
        timeOf.emplace(entry.sequence, entry.timeMs);
        dirty.insert(entry.sequence);
        timeline.emplace(key, Item{std::move(entry), false});
        ++stats.accepted;
        while (timeline.size() > settings.historyCapacity) {
            auto oldest = timeline.begin();
            const std::uint64_t sequence = oldest->first.second;
            if (oldest->second.delivered) {
                removed.push_back(sequence);
            }
            dirty.erase(sequence);
            timeOf.erase(sequence);
            if (oldest->second.entry.source == ChatSource::host) {
                ownEvents.erase(oldest->second.entry.id);
            }
            timeline.erase(oldest);
            ++stats.dropped;
        }
    }

    Item* find(std::uint64_t sequence)
    {
        const auto time = timeOf.find(sequence);
        if (time == timeOf.end()) {
            return nullptr;
        }
        const auto found = timeline.find(Key{time->second, sequence});
        return found == timeline.end() ? nullptr : &found->second;
    }

    void markDirty(std::uint64_t sequence) { dirty.insert(sequence); }

    // The backend sent back one of the host's messages: marks the oldest pending one with that
    // text as echoed. False when no host message waits for this text.
    bool matchBackendEcho(const std::string& content)
    {
        const auto pending = std::find_if(ownBackendPending.begin(), ownBackendPending.end(),
                                          [&](const auto& own) { return own.second == content; });
        if (pending == ownBackendPending.end()) {
            return false;
        }
        const std::uint64_t sequence = pending->first;
        ownBackendPending.erase(pending);
        ++stats.duplicates;
        if (Item* item = find(sequence); item != nullptr && item->entry.backend) {
            item->entry.backend->echoed = true;
            item->entry.backend->state = DeliveryState::sent;
            item->entry.backend->reason.clear();
            markDirty(sequence);
        }
        return true;
    }

    // True when the notifier should be called now (the queue just turned non-empty).
    bool claimNotification()
    {
        if (notified || (dirty.empty() && removed.empty())) {
            return false;
        }
        notified = true;
        return true;
    }

    void refill()
    {
        const auto now = settings.steadyClock();
        if (now > lastRefill) {
            const double elapsed = std::chrono::duration<double, std::milli>(now - lastRefill).count();
            tokens = std::min(static_cast<double>(settings.sendBurst),
                              tokens + elapsed / static_cast<double>(settings.sendRefill.count()));
        }
        lastRefill = now;
    }

    std::chrono::milliseconds untilNextToken()
    {
        refill();
        if (tokens >= 1.0) {
            return std::chrono::milliseconds(0);
        }
        const double missing = (1.0 - tokens) * static_cast<double>(settings.sendRefill.count());
        return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(missing)));
    }

    std::string authorName(const std::string& pubkey)
    {
        const auto profile = profiles.find(pubkey);
        if (profile != profiles.end() && !profile->second.name.empty()) {
            return profile->second.name;
        }
        return npubOf(pubkey);
    }

    ChatHubSettings settings;
    std::map<Key, Item> timeline;
    std::unordered_map<std::uint64_t, std::int64_t> timeOf;
    std::set<std::uint64_t> dirty;
    std::vector<std::uint64_t> removed;
    bool notified = false;
    std::function<void()> notifier;
    std::uint64_t nextSequence = 1;
    ChatHubStats stats;

    nostr::EventDeduplicator seenEvents;
    std::unordered_map<std::string, std::uint64_t> ownEvents;            // the host's 1311 ids → entry
    std::deque<std::pair<std::uint64_t, std::string>> ownBackendPending; // waiting for the echo

    std::vector<std::string> profileAuthors; // asked for, in order seen
    std::unordered_set<std::string> profileAuthorSet;
    std::unordered_map<std::string, Profile> profiles;
    bool profilesDirty = false;   // authors were added since the last profile REQ
    bool profileInFlight = false; // the last profile REQ has not reached EOSE yet
    bool authorCapLogged = false;
    std::optional<nostr::SubscriptionId> chatSubscription;
    std::optional<nostr::SubscriptionId> profileSubscription;
    bool started = false;
    bool stopped = false;

    double tokens = 0;
    std::chrono::steady_clock::time_point lastRefill;

    mutable std::mutex mutex;
};

core::Result<std::unique_ptr<ChatHub>> ChatHub::create(ChatHubSettings settings, NostrChatLink* nostrLink,
                                                       BackendChatLink* backendLink)
{
    if (nostrLink == nullptr && backendLink == nullptr) {
        return {ChatErrc::invalidArgument, "the chat hub needs a relay link, a backend link or both"};
    }
    if (nostrLink != nullptr && !nostr::isLiveActivityAddress(settings.activityAddress)) {
        return {ChatErrc::invalidArgument,
                "the activity address must be 30311:<64 lower-case hex>:<d>, got \"" + settings.activityAddress + "\""};
    }
    if (settings.historyCapacity == 0 || settings.batchLimit == 0 || settings.maxDisplayBytes == 0) {
        return {ChatErrc::invalidArgument, "historyCapacity, batchLimit and maxDisplayBytes must be at least 1"};
    }
    if (settings.sendBurst < 1 || settings.sendRefill.count() < 1) {
        return {ChatErrc::invalidArgument, "sendBurst must be at least 1 and sendRefill at least 1 ms"};
    }
    if (settings.hostKey && nostrLink != nullptr) {
        const auto publicKey = settings.hostKey->publicKey();
        if (!publicKey.ok()) {
            return publicKey.error();
        }
        if (settings.activityAddress.compare(6, 64, publicKey->toHex()) != 0) {
            return {ChatErrc::invalidArgument,
                    "the host key is not the activity's author: sign chat with the key that published it"};
        }
    }
    if (!settings.steadyClock) {
        settings.steadyClock = [] { return std::chrono::steady_clock::now(); };
    }
    if (!settings.unixMillisClock) {
        settings.unixMillisClock = systemUnixMillis;
    }
    return std::unique_ptr<ChatHub>(new ChatHub(std::move(settings), nostrLink, backendLink));
}

ChatHub::ChatHub(ChatHubSettings settings, NostrChatLink* nostrLink, BackendChatLink* backendLink)
    : state_(std::make_shared<State>(std::move(settings))), nostrLink_(nostrLink), backendLink_(backendLink)
{}

ChatHub::~ChatHub()
{
    stop();
    const std::lock_guard lock(state_->mutex);
    state_->notifier = nullptr; // a publish answer after this point must not wake a gone consumer
}

core::Status ChatHub::start()
{
    if (nostrLink_ == nullptr) {
        return {};
    }
    std::string address;
    {
        const std::lock_guard lock(state_->mutex);
        if (state_->started) {
            return {};
        }
        state_->started = true;
        state_->stopped = false;
        // After a stop(): ask again for the profiles of the authors already seen.
        state_->profileInFlight = false;
        state_->profilesDirty = !state_->profileAuthors.empty();
        address = state_->settings.activityAddress;
    }
    nostr::SubscriptionHandlers handlers;
    handlers.onEvent = [this](const nostr::Event& event, const std::string& /*relayUrl*/) { addNostrEvent(event); };
    handlers.onClosed = [](const std::string& relayUrl, const nostr::Reason& reason) {
        qCWarning(lcChat) << "chat hub: relay" << relayUrl.c_str()
                          << "closed the chat subscription:" << reason.text.c_str();
    };
    auto subscription = nostrLink_->subscribe({nostr::chatMessagesFilter(address)}, std::move(handlers));
    if (!subscription.ok()) {
        const std::lock_guard lock(state_->mutex);
        state_->started = false;
        return subscription.error();
    }
    {
        const std::lock_guard lock(state_->mutex);
        state_->chatSubscription = subscription.value();
    }
    subscribeProfilesIfNeeded();
    return {};
}

void ChatHub::stop()
{
    std::optional<nostr::SubscriptionId> chat;
    std::optional<nostr::SubscriptionId> profiles;
    {
        const std::lock_guard lock(state_->mutex);
        state_->stopped = true;
        state_->started = false;
        chat = std::exchange(state_->chatSubscription, std::nullopt);
        profiles = std::exchange(state_->profileSubscription, std::nullopt);
    }
    if (nostrLink_ != nullptr) {
        if (chat) {
            nostrLink_->close(*chat);
        }
        if (profiles) {
            nostrLink_->close(*profiles);
        }
    }
}

void ChatHub::addBackendMessage(const ChannelMessage& message)
{
    bool notify = false;
    {
        const std::lock_guard lock(state_->mutex);
        State& state = *state_;
        if (const auto bad = firstInvalidUtf8(message.content); bad || firstInvalidUtf8(message.sender)) {
            ++state.stats.rejectedUtf8;
            qCWarning(lcChat) << "chat hub: dropped a backend message that is not UTF-8 (" << message.content.size()
                              << "bytes)";
            return;
        }
        if ((!state.settings.backendChannel.empty() && message.channel != state.settings.backendChannel) ||
            message.content.empty()) {
            ++state.stats.rejectedOther;
            qCDebug(lcChat) << "chat hub: ignored a backend message (other room or empty)";
            return;
        }
        if (message.sender == state.settings.backendSender && state.matchBackendEcho(message.content)) {
            notify = state.claimNotification();
        } else {
            ChatEntry entry;
            entry.sequence = state.nextSequence++;
            entry.source = ChatSource::backend;
            entry.id = "backend:" + std::to_string(entry.sequence);
            entry.author = message.sender.empty() ? std::string("anonymous")
                                                  : truncateForDisplay(message.sender, maxProfileNameBytes);
            entry.timeMs = state.settings.unixMillisClock();
            entry.truncated = message.content.size() > state.settings.maxDisplayBytes;
            entry.text = truncateForDisplay(message.content, state.settings.maxDisplayBytes);
            state.insert(std::move(entry));
            notify = state.claimNotification();
        }
    }
    notifyIfNeeded(*state_, notify);
}

void ChatHub::addNostrEvent(const nostr::Event& event)
{
    bool notify = false;
    bool newAuthor = false;
    {
        const std::lock_guard lock(state_->mutex);
        State& state = *state_;
        if (state.stopped) {
            return;
        }
        if (event.kind == nostr::eventKinds::metadata) {
            if (!state.profileAuthorSet.contains(event.pubkey)) {
                ++state.stats.rejectedOther;
                return;
            }
            const auto known = state.profiles.find(event.pubkey);
            if (known != state.profiles.end() && event.createdAtUnixSeconds <= known->second.createdAt) {
                return; // the same or an older version of the profile
            }
            auto& profile = state.profiles[event.pubkey];
            profile.createdAt = event.createdAtUnixSeconds;
            profile.name = profileName(event);
            ++state.stats.profiles;
            const std::string author = state.authorName(event.pubkey);
            for (auto& [key, item] : state.timeline) {
                if (item.entry.authorPubkey == event.pubkey && item.entry.source == ChatSource::nostr &&
                    item.entry.author != author) {
                    item.entry.author = author;
                    state.markDirty(key.second);
                }
            }
            notify = state.claimNotification();
        } else if (event.kind != nostr::eventKinds::liveChatMessage) {
            ++state.stats.rejectedOther;
            return;
        } else {
            // The host's own events first: send() marked them seen, and every relay's echo counts.
            if (const auto own = state.ownEvents.find(event.id); own != state.ownEvents.end()) {
                ++state.stats.duplicates;
                if (State::Item* item = state.find(own->second); item != nullptr && item->entry.nostr) {
                    item->entry.nostr->echoed = true;
                    state.markDirty(own->second);
                    notify = state.claimNotification();
                }
            } else if (!state.seenEvents.firstSighting(event.id)) {
                ++state.stats.duplicates;
                return;
            } else {
                const auto message = nostr::ChatMessage::fromEvent(event);
                if (!message.ok() || message->activityAddress != state.settings.activityAddress ||
                    event.content.empty()) {
                    ++state.stats.rejectedOther;
                    return;
                }
                if (const auto bad = firstInvalidUtf8(event.content)) {
                    ++state.stats.rejectedUtf8;
                    qCWarning(lcChat) << "chat hub: dropped event" << event.id.c_str() << ": its content is not UTF-8";
                    return;
                }
                ChatEntry entry;
                entry.sequence = state.nextSequence++;
                entry.source = ChatSource::nostr;
                entry.id = event.id;
                entry.authorPubkey = event.pubkey;
                entry.author = state.authorName(event.pubkey);
                // A created_at far in the future must not overflow the milliseconds.
                constexpr std::int64_t latestSeconds = std::numeric_limits<std::int64_t>::max() / 1000;
                entry.timeMs = std::clamp<std::int64_t>(event.createdAtUnixSeconds, 0, latestSeconds) * 1000;
                entry.truncated = event.content.size() > state.settings.maxDisplayBytes;
                entry.text = truncateForDisplay(event.content, state.settings.maxDisplayBytes);
                state.insert(std::move(entry));
                if (!state.profileAuthorSet.contains(event.pubkey)) {
                    if (state.profileAuthors.size() < state.settings.maxProfileAuthors) {
                        state.profileAuthors.push_back(event.pubkey);
                        state.profileAuthorSet.insert(event.pubkey);
                        state.profilesDirty = true;
                        newAuthor = true;
                    } else if (!state.authorCapLogged) {
                        state.authorCapLogged = true;
                        qCInfo(lcChat) << "chat hub: more than" << state.settings.maxProfileAuthors
                                       << "authors: the newest are shown by npub only";
                    }
                }
                notify = state.claimNotification();
            }
        }
    }
    notifyIfNeeded(*state_, notify);
    if (newAuthor) {
        subscribeProfilesIfNeeded();
    }
}

void ChatHub::subscribeProfilesIfNeeded()
{
    if (nostrLink_ == nullptr) {
        return;
    }
    nostr::Filter filter;
    std::optional<nostr::SubscriptionId> previous;
    {
        const std::lock_guard lock(state_->mutex);
        State& state = *state_;
        if (state.stopped || !state.profilesDirty || state.profileInFlight) {
            return;
        }
        state.profilesDirty = false;
        state.profileInFlight = true;
        filter.kinds = std::vector<nostr::EventKind>{nostr::eventKinds::metadata};
        filter.authors = state.profileAuthors;
        previous = std::exchange(state.profileSubscription, std::nullopt);
    }
    if (previous) {
        nostrLink_->close(*previous);
    }
    nostr::SubscriptionHandlers handlers;
    handlers.onEvent = [this](const nostr::Event& event, const std::string& /*relayUrl*/) { addNostrEvent(event); };
    handlers.onAllEose = [this](bool /*timedOut*/) { onProfileSubscriptionDone(); };
    auto subscription = nostrLink_->subscribe({std::move(filter)}, std::move(handlers));
    bool closeNow = false;
    {
        const std::lock_guard lock(state_->mutex);
        if (!subscription.ok()) {
            state_->profileInFlight = false;
            qCWarning(lcChat) << "chat hub: could not ask for profiles:" << subscription.error().describe().c_str();
            return;
        }
        if (state_->stopped) {
            closeNow = true;
        } else {
            state_->profileSubscription = subscription.value();
        }
    }
    if (closeNow) {
        nostrLink_->close(subscription.value());
    }
}

void ChatHub::onProfileSubscriptionDone()
{
    {
        const std::lock_guard lock(state_->mutex);
        state_->profileInFlight = false;
    }
    subscribeProfilesIfNeeded();
}

core::Result<SendReceipt> ChatHub::send(std::string_view text)
{
    if (text.empty()) {
        return {ChatErrc::invalidArgument, "the message is empty: type something to send"};
    }
    if (const auto bad = firstInvalidUtf8(text)) {
        return {ChatErrc::invalidUtf8, "the message is not UTF-8 (byte " + std::to_string(*bad) + "): retype it"};
    }
    ChatHubSettings settingsCopy;
    {
        const std::lock_guard lock(state_->mutex);
        if (text.size() > state_->settings.maxSendBytes) {
            return {ChatErrc::messageTooLarge, "the message has " + std::to_string(text.size()) + " bytes; at most " +
                                                   std::to_string(state_->settings.maxSendBytes) + " can be sent"};
        }
        const auto wait = state_->untilNextToken();
        if (wait.count() > 0) {
            qCInfo(lcChat) << "chat hub: a message was refused: sending too fast (next in" << wait.count() << "ms)";
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(wait.count()) / 1000.0);
            return {ChatErrc::rateLimited, "at most " + std::to_string(state_->settings.sendBurst) +
                                               " messages in a row, then one every " +
                                               std::to_string(state_->settings.sendRefill.count()) +
                                               " ms: the next can go in " + seconds + " s"};
        }
        state_->tokens -= 1.0; // given back below when the message cannot be built
        settingsCopy.activityAddress = state_->settings.activityAddress;
        settingsCopy.relayHint = state_->settings.relayHint;
        settingsCopy.hostKey = state_->settings.hostKey;
        settingsCopy.backendChannel = state_->settings.backendChannel;
        settingsCopy.backendSender = state_->settings.backendSender;
        settingsCopy.unixMillisClock = state_->settings.unixMillisClock;
    }
    const auto refund = [this] {
        const std::lock_guard lock(state_->mutex);
        state_->tokens += 1.0;
    };
    const bool toNostr = nostrLink_ != nullptr && settingsCopy.hostKey.has_value();
    const bool toBackend = backendLink_ != nullptr;
    if (!toNostr && !toBackend) {
        refund();
        return {ChatErrc::notConnected,
                "no backend channel, and no host key for the relays: set the host's Nostr key to send"};
    }
    const std::int64_t nowMs = settingsCopy.unixMillisClock();
    std::optional<nostr::Event> event;
    std::string hostPubkey;
    if (toNostr) {
        nostr::ChatMessage message;
        message.activityAddress = settingsCopy.activityAddress;
        message.relayHint = settingsCopy.relayHint;
        message.content = std::string(text);
        auto eventTemplate = message.toEventTemplate(nowMs / 1000);
        if (!eventTemplate.ok()) {
            refund();
            return eventTemplate.error();
        }
        auto signedEvent = nostr::sign(eventTemplate.value(), *settingsCopy.hostKey);
        if (!signedEvent.ok()) {
            refund();
            return signedEvent.error();
        }
        event = std::move(signedEvent.value());
        hostPubkey = event->pubkey;
    }

    SendReceipt receipt;
    bool notify = false;
    {
        const std::lock_guard lock(state_->mutex);
        State& state = *state_;
        ChatEntry entry;
        entry.sequence = state.nextSequence++;
        entry.source = ChatSource::host;
        entry.id = event ? event->id : "host:" + std::to_string(entry.sequence);
        entry.authorPubkey = hostPubkey;
        entry.author = state.settings.backendSender;
        // Ordered with the relays' messages, which carry seconds: the host's entry keeps its
        // milliseconds (it sorts after same-second messages that came in before it).
        entry.timeMs = nowMs;
        entry.truncated = text.size() > state.settings.maxDisplayBytes;
        entry.text = truncateForDisplay(text, state.settings.maxDisplayBytes);
        if (event) {
            entry.nostr = Delivery{};
            state.ownEvents.emplace(event->id, entry.sequence);
            (void)state.seenEvents.firstSighting(event->id);
        }
        if (toBackend) {
            entry.backend = Delivery{};
            state.ownBackendPending.emplace_back(entry.sequence, std::string(text));
            while (state.ownBackendPending.size() > maxPendingEchoes) {
                state.ownBackendPending.pop_front();
            }
        }
        receipt.sequence = entry.sequence;
        receipt.id = entry.id;
        state.insert(std::move(entry));
        notify = state.claimNotification();
    }
    notifyIfNeeded(*state_, notify);

    if (toBackend) {
        ChannelMessage message{settingsCopy.backendChannel, std::string(text), settingsCopy.backendSender};
        const core::Status sent = backendLink_->sendChannelMessage(message);
        bool changed = false;
        {
            const std::lock_guard lock(state_->mutex);
            if (State::Item* item = state_->find(receipt.sequence); item != nullptr && item->entry.backend) {
                if (!sent.ok()) {
                    item->entry.backend->state = DeliveryState::failed;
                    item->entry.backend->reason = sent.error().describe();
                    changed = true;
                } else if (!item->entry.backend->echoed) {
                    // The channel has no acknowledgement: written to the socket is "sent"; the
                    // backend's echo sets `echoed`.
                    item->entry.backend->state = DeliveryState::sent;
                    changed = true;
                }
                if (changed) {
                    state_->markDirty(receipt.sequence);
                }
            }
            notify = changed && state_->claimNotification();
        }
        if (!sent.ok()) {
            qCWarning(lcChat) << "chat hub: the backend did not take the message:" << sent.error().describe().c_str();
        }
        notifyIfNeeded(*state_, notify);
    }
    if (event) {
        const std::uint64_t sequence = receipt.sequence;
        // The pool answers up to its timeout later, possibly after the hub is gone.
        nostrLink_->publish(*event, [weak = std::weak_ptr<State>(state_),
                                     sequence](const std::vector<nostr::PublishOutcome>& outcomes) {
            if (const std::shared_ptr<State> state = weak.lock()) {
                applyPublishOutcomes(*state, sequence, outcomes);
            }
        });
    }
    return receipt;
}

void ChatHub::applyPublishOutcomes(State& state, std::uint64_t sequence,
                                   const std::vector<nostr::PublishOutcome>& outcomes)
{
    bool notify = false;
    {
        const std::lock_guard lock(state.mutex);
        State::Item* item = state.find(sequence);
        if (item == nullptr || !item->entry.nostr) {
            return; // already dropped from the history
        }
        Delivery& delivery = *item->entry.nostr;
        delivery.relayCount = static_cast<int>(outcomes.size());
        delivery.acceptedBy = 0;
        delivery.reason.clear();
        for (const nostr::PublishOutcome& outcome : outcomes) {
            if (outcome.succeeded()) {
                ++delivery.acceptedBy;
                continue;
            }
            if (!delivery.reason.empty()) {
                delivery.reason += "; ";
            }
            delivery.reason += outcome.relayUrl + ": " + std::string(nostr::toString(outcome.kind));
            if (!outcome.reason.empty()) {
                delivery.reason += " (" + outcome.reason + ")";
            }
        }
        if (outcomes.empty()) {
            delivery.reason = "no relay to publish to";
        }
        delivery.state = delivery.acceptedBy > 0 ? DeliveryState::sent : DeliveryState::failed;
        state.markDirty(sequence);
        notify = state.claimNotification();
    }
    notifyIfNeeded(state, notify);
}

std::chrono::milliseconds ChatHub::retryAfter() const
{
    const std::lock_guard lock(state_->mutex);
    return state_->untilNextToken();
}

void ChatHub::setUpdateNotifier(std::function<void()> notifier)
{
    bool notify = false;
    {
        const std::lock_guard lock(state_->mutex);
        state_->notifier = std::move(notifier);
        state_->notified = false;
        notify = state_->claimNotification();
    }
    notifyIfNeeded(*state_, notify);
}

void ChatHub::notifyIfNeeded(State& state, bool shouldNotify)
{
    if (!shouldNotify) {
        return;
    }
    std::function<void()> notifier;
    {
        const std::lock_guard lock(state.mutex);
        notifier = state.notifier;
        if (!notifier) {
            state.notified = false; // nobody to tell yet: setUpdateNotifier tells the first one
        }
    }
    if (notifier) {
        notifier();
    }
}

ChatUpdate ChatHub::takeUpdates()
{
    ChatUpdate update;
    bool notify = false;
    {
        const std::lock_guard lock(state_->mutex);
        State& state = *state_;
        update.removed = std::move(state.removed);
        state.removed.clear();
        std::vector<State::Key> keys;
        keys.reserve(std::min(state.dirty.size(), state.settings.batchLimit));
        auto dirty = state.dirty.begin();
        while (dirty != state.dirty.end() && keys.size() < state.settings.batchLimit) {
            keys.emplace_back(state.timeOf.at(*dirty), *dirty);
            dirty = state.dirty.erase(dirty);
        }
        std::sort(keys.begin(), keys.end());
        update.changed.reserve(keys.size());
        for (const State::Key& key : keys) {
            State::Item& item = state.timeline.at(key);
            item.delivered = true;
            update.changed.push_back(item.entry);
        }
        update.more = !state.dirty.empty();
        state.notified = false;
        notify = update.more && state.claimNotification();
    }
    notifyIfNeeded(*state_, notify);
    return update;
}

std::vector<ChatEntry> ChatHub::snapshot() const
{
    const std::lock_guard lock(state_->mutex);
    std::vector<ChatEntry> entries;
    entries.reserve(state_->timeline.size());
    for (const auto& [key, item] : state_->timeline) {
        entries.push_back(item.entry);
    }
    return entries;
}

ChatHubStats ChatHub::stats() const
{
    const std::lock_guard lock(state_->mutex);
    return state_->stats;
}

} // namespace hoststudio::chat

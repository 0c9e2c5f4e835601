// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/LiveActivity.hpp"

#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/nostr/NostrError.hpp"
#include "hoststudio/nostr/Sha256.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace hoststudio::nostr {

namespace {

constexpr std::size_t maximumRelayHintsInNaddr = 3;

bool equalsIgnoringAsciiCase(std::string_view left, std::string_view right) noexcept
{
    return left.size() == right.size() &&
           std::equal(left.begin(), left.end(), right.begin(), [](char leftCharacter, char rightCharacter) {
               auto lower = [](char character) {
                   return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a') : character;
               };
               return lower(leftCharacter) == lower(rightCharacter);
           });
}

// A NIP-53 number: decimal digits only, no sign, no spaces, within `maximum`.
template <typename Integer> core::Result<Integer> parseDecimal(std::string_view text, std::string_view tagName)
{
    Integer value{};
    const bool allDigits =
        !text.empty() && std::all_of(text.begin(), text.end(), [](char digit) { return digit >= '0' && digit <= '9'; });
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!allDigits || error != std::errc{} || end != text.data() + text.size()) {
        return {NostrErrc::invalidLiveActivity, "\"" + std::string(tagName) +
                                                    "\" is not a non-negative decimal integer: \"" + std::string(text) +
                                                    "\""};
    }
    return value;
}

void appendTextTag(Tags& tags, std::string_view name, const std::string& value)
{
    if (!value.empty()) {
        tags.push_back({std::string(name), value});
    }
}

} // namespace

std::string_view toString(LiveStatus status) noexcept
{
    switch (status) {
    case LiveStatus::planned: return "planned";
    case LiveStatus::live: return "live";
    case LiveStatus::ended: return "ended";
    }
    return "planned";
}

std::optional<LiveStatus> liveStatusFromString(std::string_view text) noexcept
{
    if (text == "planned") {
        return LiveStatus::planned;
    }
    if (text == "live") {
        return LiveStatus::live;
    }
    if (text == "ended") {
        return LiveStatus::ended;
    }
    return std::nullopt;
}

bool LiveParticipant::isHost() const noexcept
{
    return equalsIgnoringAsciiCase(role, hostRole);
}

core::Result<Signature> makeParticipantProof(const SecretKey& participantKey, std::string_view activityAddress,
                                             std::optional<AuxRandomness> auxRandomness)
{
    auto digest = sha256(activityAddress);
    if (!digest) {
        return digest.error();
    }
    return sign(participantKey, digest.value(), auxRandomness);
}

bool verifyParticipantProof(const LiveParticipant& participant, std::string_view activityAddress)
{
    auto publicKey = PublicKey::fromHex(participant.publicKeyHex);
    auto signature = Signature::fromHex(participant.proofHex);
    auto digest = sha256(activityAddress);
    if (!publicKey || !signature || !digest) {
        return false;
    }
    return verify(publicKey.value(), digest.value(), signature.value());
}

std::string liveActivityAddress(std::string_view authorPublicKeyHex, std::string_view identifier)
{
    return std::to_string(eventKinds::liveActivity) + ":" + std::string(authorPublicKeyHex) + ":" +
           std::string(identifier);
}

core::Status LiveActivity::goLive(std::int64_t nowUnixSeconds, std::string hlsStreamingUrl)
{
    if (status != LiveStatus::planned) {
        return {NostrErrc::invalidStatusTransition,
                "cannot go live from status " + std::string(toString(status)) + " (only from planned)"};
    }
    if (hlsStreamingUrl.empty()) {
        return {NostrErrc::invalidLiveActivity, "going live needs a streaming URL"};
    }
    status = LiveStatus::live;
    startsAtUnixSeconds = nowUnixSeconds;
    endsAtUnixSeconds.reset();
    streamingUrl = std::move(hlsStreamingUrl);
    recordingUrl.clear();
    return {};
}

core::Status LiveActivity::end(std::int64_t nowUnixSeconds, std::optional<std::string> recordingUrlWhenKnown)
{
    if (status == LiveStatus::ended) {
        return {NostrErrc::invalidStatusTransition, "the activity has already ended"};
    }
    status = LiveStatus::ended;
    endsAtUnixSeconds = nowUnixSeconds;
    streamingUrl.clear();
    currentParticipants.reset();
    if (recordingUrlWhenKnown && !recordingUrlWhenKnown->empty()) {
        recordingUrl = std::move(*recordingUrlWhenKnown);
    }
    return {};
}

void LiveActivity::setHost(std::string hostPublicKeyHex, std::string relayHint, std::string proofHex)
{
    std::erase_if(participants, [&hostPublicKeyHex](const LiveParticipant& participant) {
        return participant.isHost() || participant.publicKeyHex == hostPublicKeyHex;
    });
    participants.insert(participants.begin(), LiveParticipant{std::move(hostPublicKeyHex), std::move(relayHint),
                                                              std::string(hostRole), std::move(proofHex)});
}

core::Status LiveActivity::validateForPublishing() const
{
    if (identifier.empty()) {
        return {NostrErrc::invalidLiveActivity, "missing identifier (d tag)"};
    }
    for (const LiveParticipant& participant : participants) {
        if (!isLowerHex(participant.publicKeyHex, PublicKey::byteCount)) {
            return {NostrErrc::invalidLiveActivity,
                    "participant pubkey is not 64 lower-case hex digits: \"" + participant.publicKeyHex + "\""};
        }
        if (!participant.proofHex.empty() && !isLowerHex(participant.proofHex, Signature::byteCount)) {
            return {NostrErrc::invalidLiveActivity,
                    "proof of participant " + participant.publicKeyHex + " is not 128 lower-case hex digits"};
        }
    }
    if (!pinnedEventId.empty() && !isLowerHex(pinnedEventId, 32)) {
        return {NostrErrc::invalidLiveActivity, "pinned event id is not 64 lower-case hex digits"};
    }
    if (std::none_of(participants.begin(), participants.end(),
                     [](const LiveParticipant& participant) { return participant.isHost(); })) {
        return {NostrErrc::invalidLiveActivity, "no participant with role Host"};
    }
    if (startsAtUnixSeconds && *startsAtUnixSeconds < 0) {
        return {NostrErrc::invalidLiveActivity, "negative starts"};
    }
    if (endsAtUnixSeconds && *endsAtUnixSeconds < 0) {
        return {NostrErrc::invalidLiveActivity, "negative ends"};
    }
    switch (status) {
    case LiveStatus::planned: break;
    case LiveStatus::live:
        if (!startsAtUnixSeconds) {
            return {NostrErrc::invalidLiveActivity, "live without starts"};
        }
        if (endsAtUnixSeconds) {
            return {NostrErrc::invalidLiveActivity, "live with ends (viewers would hide chat after it)"};
        }
        if (streamingUrl.find(".m3u8") == std::string::npos) {
            return {NostrErrc::invalidLiveActivity, "live without an HLS (.m3u8) streaming URL"};
        }
        if (relays.empty()) {
            return {NostrErrc::invalidLiveActivity, "live without relays"};
        }
        break;
    case LiveStatus::ended:
        if (!endsAtUnixSeconds) {
            return {NostrErrc::invalidLiveActivity, "ended without ends"};
        }
        if (!streamingUrl.empty()) {
            return {NostrErrc::invalidLiveActivity, "ended with a streaming URL"};
        }
        break;
    }
    return {};
}

core::Result<EventTemplate> LiveActivity::toEventTemplate(std::int64_t createdAtUnixSeconds) const
{
    if (auto validation = validateForPublishing(); !validation) {
        return validation.error();
    }
    EventTemplate eventTemplate;
    eventTemplate.createdAtUnixSeconds = createdAtUnixSeconds;
    eventTemplate.kind = eventKinds::liveActivity;
    Tags& tags = eventTemplate.tags;
    tags.push_back({"d", identifier});
    appendTextTag(tags, "title", title);
    appendTextTag(tags, "summary", summary);
    appendTextTag(tags, "image", imageUrl);
    appendTextTag(tags, "streaming", streamingUrl);
    if (startsAtUnixSeconds) {
        tags.push_back({"starts", std::to_string(*startsAtUnixSeconds)});
    }
    if (endsAtUnixSeconds) {
        tags.push_back({"ends", std::to_string(*endsAtUnixSeconds)});
    }
    tags.push_back({"status", std::string(toString(status))});
    appendTextTag(tags, "recording", recordingUrl);
    if (currentParticipants) {
        tags.push_back({"current_participants", std::to_string(*currentParticipants)});
    }
    if (totalParticipants) {
        tags.push_back({"total_participants", std::to_string(*totalParticipants)});
    }
    for (const std::string& hashtag : hashtags) {
        tags.push_back({"t", hashtag});
    }
    std::vector<const LiveParticipant*> ordered;
    ordered.reserve(participants.size());
    for (const LiveParticipant& participant : participants) {
        ordered.push_back(&participant);
    }
    std::stable_partition(ordered.begin(), ordered.end(),
                          [](const LiveParticipant* participant) { return participant->isHost(); });
    for (const LiveParticipant* participant : ordered) {
        Tag tag{"p", participant->publicKeyHex, participant->relayHint, participant->role};
        if (!participant->proofHex.empty()) {
            tag.push_back(participant->proofHex);
        }
        tags.push_back(std::move(tag));
    }
    if (!relays.empty()) {
        Tag tag{"relays"};
        tag.insert(tag.end(), relays.begin(), relays.end());
        tags.push_back(std::move(tag));
    }
    appendTextTag(tags, "pinned", pinnedEventId);
    tags.insert(tags.end(), otherTags.begin(), otherTags.end());
    return eventTemplate;
}

std::string LiveActivity::aTag(const PublicKey& author) const
{
    return liveActivityAddress(author.toHex(), identifier);
}

core::Result<std::string> LiveActivity::naddr(const PublicKey& author) const
{
    NaddrEntity address;
    address.identifier = identifier;
    address.author = author.bytes();
    address.kind = eventKinds::liveActivity;
    const std::size_t hintCount = std::min(relays.size(), maximumRelayHintsInNaddr);
    address.relays.assign(relays.begin(), relays.begin() + static_cast<std::ptrdiff_t>(hintCount));
    return encodeNip19(address);
}

Filter LiveActivity::lookupFilter(const PublicKey& author) const
{
    Filter filter;
    filter.kinds = std::vector<EventKind>{eventKinds::liveActivity};
    filter.authors = std::vector<std::string>{author.toHex()};
    filter.tagValues['d'] = {identifier};
    return filter;
}

const LiveParticipant* LiveActivity::host() const noexcept
{
    for (const LiveParticipant& participant : participants) {
        if (participant.isHost()) {
            return &participant;
        }
    }
    return participants.empty() ? nullptr : &participants.front();
}

core::Result<LiveActivity> LiveActivity::fromEvent(const Event& event)
{
    if (event.kind != eventKinds::liveActivity) {
        return {NostrErrc::invalidLiveActivity, "kind " + std::to_string(event.kind) + ", expected 30311"};
    }
    LiveActivity activity;
    bool hasIdentifier = false;
    bool hasStatus = false;
    // Singular tags: the first occurrence wins, as in most clients.
    auto takeFirst = [](std::string& field, bool& seen, const Tag& tag) {
        if (!seen) {
            field = tag[1];
            seen = true;
        }
    };
    bool seenTitle = false;
    bool seenSummary = false;
    bool seenImage = false;
    bool seenStreaming = false;
    bool seenRecording = false;
    bool seenPinned = false;
    for (const Tag& tag : event.tags) {
        if (tag.size() < 2) {
            activity.otherTags.push_back(tag);
            continue;
        }
        const std::string& name = tag[0];
        const std::string& value = tag[1];
        if (name == "d") {
            takeFirst(activity.identifier, hasIdentifier, tag);
        } else if (name == "title") {
            takeFirst(activity.title, seenTitle, tag);
        } else if (name == "summary") {
            takeFirst(activity.summary, seenSummary, tag);
        } else if (name == "image") {
            takeFirst(activity.imageUrl, seenImage, tag);
        } else if (name == "streaming") {
            takeFirst(activity.streamingUrl, seenStreaming, tag);
        } else if (name == "recording") {
            takeFirst(activity.recordingUrl, seenRecording, tag);
        } else if (name == "pinned") {
            takeFirst(activity.pinnedEventId, seenPinned, tag);
        } else if (name == "t") {
            activity.hashtags.push_back(value);
        } else if (name == "starts" || name == "ends") {
            auto seconds = parseDecimal<std::int64_t>(value, name);
            if (!seconds) {
                return seconds.error();
            }
            auto& field = name == "starts" ? activity.startsAtUnixSeconds : activity.endsAtUnixSeconds;
            if (!field) {
                field = seconds.value();
            }
        } else if (name == "current_participants" || name == "total_participants") {
            auto count = parseDecimal<std::uint64_t>(value, name);
            if (!count) {
                return count.error();
            }
            auto& field = name == "current_participants" ? activity.currentParticipants : activity.totalParticipants;
            if (!field) {
                field = count.value();
            }
        } else if (name == "status") {
            const auto parsedStatus = liveStatusFromString(value);
            if (!parsedStatus) {
                return {NostrErrc::invalidLiveActivity, "unknown status \"" + value + "\""};
            }
            if (!hasStatus) {
                activity.status = *parsedStatus;
                hasStatus = true;
            }
        } else if (name == "p") {
            if (!isLowerHex(value, PublicKey::byteCount)) {
                return {NostrErrc::invalidLiveActivity, "p tag pubkey is not 64 lower-case hex digits"};
            }
            LiveParticipant participant;
            participant.publicKeyHex = value;
            participant.relayHint = tag.size() > 2 ? tag[2] : std::string();
            participant.role = tag.size() > 3 ? tag[3] : std::string();
            participant.proofHex = tag.size() > 4 ? tag[4] : std::string();
            if (!participant.proofHex.empty() && !isLowerHex(participant.proofHex, Signature::byteCount) &&
                !fromHex(participant.proofHex, Signature::byteCount)) {
                return {NostrErrc::invalidLiveActivity, "p tag proof is not 128 hex digits"};
            }
            activity.participants.push_back(std::move(participant));
        } else if (name == "relays") {
            activity.relays.insert(activity.relays.end(), tag.begin() + 1, tag.end());
        } else {
            activity.otherTags.push_back(tag);
        }
    }
    if (!hasIdentifier) {
        return {NostrErrc::invalidLiveActivity, "missing d tag"};
    }
    return activity;
}

} // namespace hoststudio::nostr

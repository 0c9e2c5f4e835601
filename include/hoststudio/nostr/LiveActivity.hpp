// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A NIP-53 live activity (kind 30311, addressable by `30311:<author pubkey>:<d>`): the draft the
// host edits, the status machine planned → live → ended, and the event template built from it
// following the publisher checklist (what zap.stream, nostrudel and Amethyst read):
//
// - tags in the order d, title, summary, image, streaming, starts, ends, status, recording,
//   current_participants, total_participants, t…, p… (Host first), relays, pinned, then any
//   tags this model does not know, kept from a parsed event;
// - live: `starts` set, no `ends`, an HLS (.m3u8) `streaming` URL, at least one relay (primary
//   first: zap.stream reads only the first) and a participant with role Host (nostrudel takes the
//   first `p` as host, Amethyst the one with role host);
// - ended: `ends` set, no `streaming`; `recording` when known.
// An empty string field means "no such tag".
//
// Participant proofs: the participant's BIP-340 signature over SHA-256 of the a-tag string.
//
// Thread safety: a value type.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Filter.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::nostr {

enum class LiveStatus {
    planned,
    live,
    ended,
};

[[nodiscard]] std::string_view toString(LiveStatus status) noexcept;
[[nodiscard]] std::optional<LiveStatus> liveStatusFromString(std::string_view text) noexcept;

inline constexpr std::string_view hostRole = "Host";

// One `["p", pubkey, relay, role, proof?]` tag.
struct LiveParticipant {
    std::string publicKeyHex; // 64 lower-case hex digits
    std::string relayHint;    // may be empty
    std::string role;         // "Host", "Speaker", "Participant", …
    std::string proofHex;     // 128 hex digits, or empty when the participant gave no proof

    [[nodiscard]] bool isHost() const noexcept; // role "host", any case (as Amethyst reads it)
    friend bool operator==(const LiveParticipant&, const LiveParticipant&) = default;
};

// The proof `participantKey` gives for joining the activity `activityAddress` (an a-tag string).
[[nodiscard]] core::Result<Signature> makeParticipantProof(const SecretKey& participantKey,
                                                           std::string_view activityAddress,
                                                           std::optional<AuxRandomness> auxRandomness = std::nullopt);

// True when `participant.proofHex` is that participant's signature over SHA-256 of `activityAddress`.
[[nodiscard]] bool verifyParticipantProof(const LiveParticipant& participant, std::string_view activityAddress);

// `30311:<author pubkey hex>:<d>`: the `a` tag value and coordinate of an activity.
[[nodiscard]] std::string liveActivityAddress(std::string_view authorPublicKeyHex, std::string_view identifier);

struct LiveActivity {
    std::string identifier; // the `d` tag
    std::string title;
    std::string summary;
    std::string imageUrl;
    std::vector<std::string> hashtags; // `t` tags
    std::string streamingUrl;
    std::string recordingUrl;
    std::optional<std::int64_t> startsAtUnixSeconds;
    std::optional<std::int64_t> endsAtUnixSeconds;
    LiveStatus status = LiveStatus::planned;
    std::optional<std::uint64_t> currentParticipants;
    std::optional<std::uint64_t> totalParticipants;
    std::vector<LiveParticipant> participants; // emitted with Host roles first, otherwise in order
    std::vector<std::string> relays;           // primary first
    std::string pinnedEventId;
    Tags otherTags; // unknown tags of a parsed event, re-emitted unchanged

    // planned → live: starts = now, no ends, the HLS URL as `streaming`, no recording yet.
    [[nodiscard]] core::Status goLive(std::int64_t nowUnixSeconds, std::string hlsStreamingUrl);
    // live (or planned, i.e. cancelled) → ended: ends = now, `streaming` dropped, `recording`
    // set when known, `current_participants` dropped (nobody is watching any more).
    [[nodiscard]] core::Status end(std::int64_t nowUnixSeconds, std::optional<std::string> recordingUrlWhenKnown);

    // Adds or replaces the host entry and moves it to the front.
    void setHost(std::string hostPublicKeyHex, std::string relayHint, std::string proofHex = {});

    // Checks the publisher checklist for the current status; invalidLiveActivity names the defect.
    [[nodiscard]] core::Status validateForPublishing() const;
    // The kind-30311 template (content ""), after validateForPublishing().
    [[nodiscard]] core::Result<EventTemplate> toEventTemplate(std::int64_t createdAtUnixSeconds) const;

    [[nodiscard]] std::string aTag(const PublicKey& author) const;
    // naddr with kind 30311, the author, `d` and up to the first three relays as hints.
    [[nodiscard]] core::Result<std::string> naddr(const PublicKey& author) const;

    // The REQ filter for the current version of this activity: kind 30311 AND the author AND
    // `#d`; never `#d` alone (anyone can publish a 30311 with the same `d`).
    [[nodiscard]] Filter lookupFilter(const PublicKey& author) const;

    // The host as viewers see it: the first participant with role Host, else the first `p`.
    [[nodiscard]] const LiveParticipant* host() const noexcept;

    // Reads a kind-30311 event written by any client. Strict on structure (kind, `d` present,
    // numbers decimal, pubkeys and proofs hex, status known); lenient on the checklist.
    [[nodiscard]] static core::Result<LiveActivity> fromEvent(const Event& event);

    friend bool operator==(const LiveActivity&, const LiveActivity&) = default;
};

} // namespace hoststudio::nostr

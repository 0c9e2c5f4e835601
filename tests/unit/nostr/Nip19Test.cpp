// SPDX-License-Identifier: GPL-2.0-or-later
// NIP-19: every vector of nip19.json decoded to its fields and encoded back, plus the refusals.

#include "hoststudio/nostr/Nip19.hpp"
#include "TestVectors.hpp"
#include "hoststudio/nostr/Bech32.hpp"
#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

namespace hoststudio::nostr {
namespace {

struct Nip19Vector {
    std::string name;
    nlohmann::json data;
};

std::vector<Nip19Vector> loadNip19Vectors()
{
    const nlohmann::json file = test::readJsonVectors("nip19.json");
    std::vector<Nip19Vector> vectors;
    for (const char* section : {"valid", "generated"}) {
        if (!file.is_object() || !file.contains(section)) {
            continue;
        }
        std::size_t index = 0;
        for (const nlohmann::json& entry : file[section]) {
            vectors.push_back({std::string(section) + std::to_string(index++) + "_" + entry.value("kind", ""), entry});
        }
    }
    return vectors;
}

std::vector<std::string> relaysOf(const nlohmann::json& fields)
{
    return fields.value("relays", std::vector<std::string>{});
}

// Whether the vector's raw TLV records are already in the order our encoder emits (0, 1…, 2, 3).
bool tlvInAscendingOrder(const nlohmann::json& vector)
{
    if (!vector.contains("tlv")) {
        return true;
    }
    int previousType = -1;
    for (const nlohmann::json& record : vector["tlv"]) {
        const int type = record["type"].get<int>();
        if (type < previousType || type > 3) {
            return false;
        }
        previousType = type;
    }
    return true;
}

class Nip19VectorTest : public ::testing::TestWithParam<Nip19Vector> {};

TEST_P(Nip19VectorTest, DecodesToTheGivenFieldsAndEncodesBack)
{
    const nlohmann::json& vector = GetParam().data;
    const std::string bech32 = vector["bech32"].get<std::string>();
    const std::string kind = vector["kind"].get<std::string>();
    const auto decoded = decodeNip19(bech32);
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
    EXPECT_EQ(humanReadablePartOf(decoded.value()), kind);

    if (kind == "npub") {
        EXPECT_EQ(toHex(std::get<NpubEntity>(decoded.value()).publicKey), vector["hex"].get<std::string>());
    } else if (kind == "nsec") {
        EXPECT_EQ(toHex(std::get<NsecEntity>(decoded.value()).secretKey), vector["hex"].get<std::string>());
    } else if (kind == "note") {
        EXPECT_EQ(toHex(std::get<NoteEntity>(decoded.value()).eventId), vector["hex"].get<std::string>());
    } else if (kind == "nprofile") {
        const auto& profile = std::get<NprofileEntity>(decoded.value());
        EXPECT_EQ(toHex(profile.publicKey), vector["fields"]["pubkey"].get<std::string>());
        EXPECT_EQ(profile.relays, relaysOf(vector["fields"]));
    } else if (kind == "nevent") {
        const auto& event = std::get<NeventEntity>(decoded.value());
        const nlohmann::json& fields = vector["fields"];
        EXPECT_EQ(toHex(event.eventId), fields["id"].get<std::string>());
        EXPECT_EQ(event.relays, relaysOf(fields));
        if (fields.contains("author") && !fields["author"].is_null()) {
            ASSERT_TRUE(event.author.has_value());
            EXPECT_EQ(toHex(*event.author), fields["author"].get<std::string>());
        } else {
            EXPECT_FALSE(event.author.has_value());
        }
        if (fields.contains("kind") && !fields["kind"].is_null()) {
            ASSERT_TRUE(event.kind.has_value());
            EXPECT_EQ(*event.kind, fields["kind"].get<std::uint32_t>());
        } else {
            EXPECT_FALSE(event.kind.has_value());
        }
    } else if (kind == "naddr") {
        const auto& address = std::get<NaddrEntity>(decoded.value());
        const nlohmann::json& fields = vector["fields"];
        EXPECT_EQ(address.identifier, fields["identifier"].get<std::string>());
        EXPECT_EQ(toHex(address.author), fields["pubkey"].get<std::string>());
        EXPECT_EQ(address.kind, fields["kind"].get<std::uint32_t>());
        EXPECT_EQ(address.relays, relaysOf(fields));
    } else {
        FAIL() << "unexpected kind " << kind;
    }

    const auto reencoded = encodeNip19(decoded.value());
    ASSERT_TRUE(reencoded.ok()) << reencoded.error().describe();
    const bool vectorSaysEqual =
        vector.contains("nostr_tools_reencode") && vector["nostr_tools_reencode"]["equal"].get<bool>();
    if (vectorSaysEqual || tlvInAscendingOrder(vector)) {
        EXPECT_EQ(reencoded.value(), bech32);
    }
    const auto decodedAgain = decodeNip19(reencoded.value());
    ASSERT_TRUE(decodedAgain.ok());
    EXPECT_EQ(decodedAgain.value(), decoded.value());
    // nostr-tools' own re-encoding (another TLV order) decodes to the same fields.
    if (vector.contains("nostr_tools_reencode") && vector["nostr_tools_reencode"].contains("string")) {
        const auto theirs = decodeNip19(vector["nostr_tools_reencode"]["string"].get<std::string>());
        ASSERT_TRUE(theirs.ok());
        EXPECT_EQ(theirs.value(), decoded.value());
    }
}

INSTANTIATE_TEST_SUITE_P(Nip19, Nip19VectorTest, ::testing::ValuesIn(loadNip19Vectors()),
                         [](const ::testing::TestParamInfo<Nip19Vector>& paramInfo) {
                             return test::testNameFrom(paramInfo.param.name);
                         });

TEST(Nip19Vectors, AllVectorsAreLoaded)
{
    EXPECT_EQ(loadNip19Vectors().size(), 24U); // 22 valid + 2 generated
}

// ---- refusals -----------------------------------------------------------------------------------

std::string bech32Of(std::string_view prefix, const std::vector<std::uint8_t>& payload)
{
    return encodeBech32(prefix, bytesToFiveBitGroups(payload)).value();
}

std::vector<std::uint8_t> record(std::uint8_t type, const std::vector<std::uint8_t>& value)
{
    std::vector<std::uint8_t> bytes{type, static_cast<std::uint8_t>(value.size())};
    bytes.insert(bytes.end(), value.begin(), value.end());
    return bytes;
}

std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts)
{
    std::vector<std::uint8_t> bytes;
    for (const auto& part : parts) {
        bytes.insert(bytes.end(), part.begin(), part.end());
    }
    return bytes;
}

std::vector<std::uint8_t> key32()
{
    return std::vector<std::uint8_t>(32, 0x11);
}

std::vector<std::uint8_t> kind30311()
{
    return {0x00, 0x00, 0x76, 0x67};
}

struct InvalidNip19Case {
    std::string name;
    std::string text;
    NostrErrc expectedCode;
    std::string detailFragment;
};

std::vector<InvalidNip19Case> invalidNip19Cases()
{
    const std::string npub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
    std::string badChecksum = npub;
    badChecksum.back() = badChecksum.back() == 'q' ? 'p' : 'q';
    std::string mixedCase = npub;
    mixedCase[0] = 'N';
    return {
        {"badChecksum", badChecksum, NostrErrc::invalidBech32, "bad checksum"},
        {"truncatedString", npub.substr(0, npub.size() - 10), NostrErrc::invalidBech32, "bad checksum"},
        {"onlyPrefix", "npub1", NostrErrc::invalidBech32, "truncated"},
        {"mixedCase", mixedCase, NostrErrc::invalidBech32, "mixed"},
        {"unknownPrefix", bech32Of("nfoo", key32()), NostrErrc::invalidBech32, "unknown NIP-19 prefix"},
        {"npubOf31Bytes", bech32Of("npub", std::vector<std::uint8_t>(31, 1)), NostrErrc::invalidBech32,
         "31 bytes, expected 32"},
        {"noteOf33Bytes", bech32Of("note", std::vector<std::uint8_t>(33, 1)), NostrErrc::invalidBech32,
         "33 bytes, expected 32"},
        {"nprofileSpecialOf31Bytes", bech32Of("nprofile", record(0, std::vector<std::uint8_t>(31, 1))),
         NostrErrc::invalidTlv, "31 bytes, expected 32"},
        {"nprofileWithoutSpecial", bech32Of("nprofile", record(1, {'w', 's', 's'})), NostrErrc::invalidTlv,
         "missing the special record"},
        {"tlvLengthBeyondData", bech32Of("nprofile", concat({record(0, key32()), {1, 10, 'w', 's'}})),
         NostrErrc::invalidTlv, "claims 10 bytes, only 2 left"},
        {"tlvHeaderTruncated", bech32Of("nprofile", concat({record(0, key32()), {1}})), NostrErrc::invalidTlv,
         "truncated record header"},
        {"relayNotUtf8", bech32Of("nprofile", concat({record(0, key32()), record(1, {0xff, 0xfe})})),
         NostrErrc::invalidTlv, "not valid UTF-8"},
        {"neventAuthorOf31Bytes",
         bech32Of("nevent", concat({record(0, key32()), record(2, std::vector<std::uint8_t>(31, 2))})),
         NostrErrc::invalidTlv, "author record"},
        {"neventKindOf2Bytes", bech32Of("nevent", concat({record(0, key32()), record(3, {0, 1})})),
         NostrErrc::invalidTlv, "kind record"},
        {"naddrWithoutKind", bech32Of("naddr", concat({record(0, {'d'}), record(2, key32())})), NostrErrc::invalidTlv,
         "without a kind"},
        {"naddrWithoutAuthor", bech32Of("naddr", concat({record(0, {'d'}), record(3, kind30311())})),
         NostrErrc::invalidTlv, "without an author"},
        {"naddrIdentifierNotUtf8",
         bech32Of("naddr", concat({record(0, {0xc3}), record(2, key32()), record(3, kind30311())})),
         NostrErrc::invalidTlv, "not valid UTF-8"},
        {"empty", "", NostrErrc::invalidBech32, "no separator"},
    };
}

class Nip19InvalidTest : public ::testing::TestWithParam<InvalidNip19Case> {};

TEST_P(Nip19InvalidTest, IsRefusedWithTheRightCode)
{
    const auto decoded = decodeNip19(GetParam().text);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(), GetParam().expectedCode) << decoded.error().describe();
    EXPECT_NE(decoded.error().detail().find(GetParam().detailFragment), std::string::npos) << decoded.error().detail();
}

INSTANTIATE_TEST_SUITE_P(Nip19, Nip19InvalidTest, ::testing::ValuesIn(invalidNip19Cases()),
                         [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(Nip19, UnknownTlvTypesAreIgnored)
{
    const std::string text = bech32Of(
        "nprofile", concat({record(9, {1, 2, 3}), record(0, key32()), record(1, {'w', 's', 's'}), record(200, {})}));
    const auto decoded = decodeNip19(text);
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
    const auto& profile = std::get<NprofileEntity>(decoded.value());
    EXPECT_EQ(toHex(profile.publicKey), toHex(key32()));
    EXPECT_EQ(profile.relays, std::vector<std::string>{"wss"});
}

TEST(Nip19, UpperCaseIsAccepted)
{
    std::string upper = "NPUB180CVV07TJDRRGPA0J7J7TMNYL2YR6YR7L8J4S3EVF6U64TH6GKWSYJH6W6";
    const auto decoded = decodeNip19(upper);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(toHex(std::get<NpubEntity>(decoded.value()).publicKey),
              "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d");
}

TEST(Nip19, EncodesTlvInAscendingOrder)
{
    NaddrEntity address;
    address.identifier = "stream-1";
    address.author = Bytes32{};
    address.author.fill(0x22);
    address.kind = 30311;
    address.relays = {"wss://one.example", "wss://two.example"};
    const auto encoded = encodeNip19(address);
    ASSERT_TRUE(encoded.ok());
    const auto groups = decodeBech32(encoded.value());
    ASSERT_TRUE(groups.ok());
    const auto payload = fiveBitGroupsToBytes(groups->fiveBitGroups).value();
    std::vector<std::uint8_t> types;
    for (std::size_t offset = 0; offset + 1 < payload.size(); offset += 2U + payload[offset + 1]) {
        types.push_back(payload[offset]);
    }
    EXPECT_EQ(types, (std::vector<std::uint8_t>{0, 1, 1, 2, 3}));
}

TEST(Nip19, EncoderRefusesARelayLongerThan255Bytes)
{
    NprofileEntity profile;
    profile.relays = {"wss://" + std::string(250, 'a')};
    const auto encoded = encodeNip19(profile);
    ASSERT_FALSE(encoded.ok());
    EXPECT_EQ(encoded.error(), NostrErrc::invalidTlv);
}

} // namespace
} // namespace hoststudio::nostr

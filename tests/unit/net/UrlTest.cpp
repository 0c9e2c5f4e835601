// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/Url.hpp"

#include "hoststudio/net/NetError.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::net {
namespace {

struct ValidCase {
    const char* text;
    const char* scheme;
    const char* host;
    std::uint16_t port;
    const char* target;
    bool secure;
    const char* normalised;
};

TEST(Url, ParsesWhatTheStudioDials)
{
    const std::vector<ValidCase> rows{
        {"rtmp://127.0.0.1:1935/live", "rtmp", "127.0.0.1", 1935, "/live", false, "rtmp://127.0.0.1:1935/live"},
        {"RTMPS://Live.Cloudinary.com/streams", "rtmps", "live.cloudinary.com", 443, "/streams", true,
         "rtmps://live.cloudinary.com/streams"},
        {"wss://relay.damus.io", "wss", "relay.damus.io", 443, "/", true, "wss://relay.damus.io/"},
        {"ws://[::1]:7447/", "ws", "::1", 7447, "/", false, "ws://[::1]:7447/"},
        {"https://api.cloudinary.com/v2/demo/video/live_streams?max=10#x", "https", "api.cloudinary.com", 443,
         "/v2/demo/video/live_streams?max=10", true, "https://api.cloudinary.com/v2/demo/video/live_streams?max=10"},
        {"http://user:pw@localhost:8080/hls", "http", "localhost", 8080, "/hls", false, "http://localhost:8080/hls"},
    };
    for (const ValidCase& row : rows) {
        const core::Result<Url> url = Url::parse(row.text);
        ASSERT_TRUE(url.ok()) << row.text << ": " << url.error().describe();
        EXPECT_EQ(url->scheme(), row.scheme) << row.text;
        EXPECT_EQ(url->host(), row.host) << row.text;
        EXPECT_EQ(url->port(), row.port) << row.text;
        EXPECT_EQ(url->target(), row.target) << row.text;
        EXPECT_EQ(url->isSecure(), row.secure) << row.text;
        EXPECT_EQ(url->toString(), row.normalised) << row.text;
    }
}

struct InvalidCase {
    const char* text;
    NetErrc code;
    const char* fragment;
};

TEST(Url, NamesWhatIsWrong)
{
    const std::vector<InvalidCase> rows{
        {"", NetErrc::invalidUrl, "empty"},
        {"127.0.0.1:1935/live", NetErrc::invalidUrl, "missing scheme"},
        {"ftp://example.com", NetErrc::unsupportedScheme, "use http, https, ws, wss, rtmp or rtmps"},
        {"rtmp:///live", NetErrc::invalidUrl, "missing host"},
        {"rtmp://host:0/live", NetErrc::invalidUrl, "port"},
        {"rtmp://host:65536/live", NetErrc::invalidUrl, "port"},
        {"rtmp://host:12ab/live", NetErrc::invalidUrl, "port"},
        {"rtmp://host:/live", NetErrc::invalidUrl, "port"},
        {"rtmp://ho st/live", NetErrc::invalidUrl, "spaces"},
        {"ws://[::1/", NetErrc::invalidUrl, "unclosed"},
        {"ws://[zz]/", NetErrc::invalidUrl, "IPv6"},
        {"ws://a!b/", NetErrc::invalidUrl, "invalid character"},
    };
    for (const InvalidCase& row : rows) {
        const core::Result<Url> url = Url::parse(row.text);
        ASSERT_FALSE(url.ok()) << row.text;
        EXPECT_EQ(url.error(), row.code) << row.text;
        EXPECT_NE(url.error().detail().find(row.fragment), std::string::npos)
            << row.text << " -> " << url.error().detail();
    }
}

TEST(Url, LongInputIsRefusedNotParsed)
{
    const std::string huge = "ws://" + std::string(10000, 'a');
    const core::Result<Url> url = Url::parse(huge);
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.error(), NetErrc::invalidUrl);
}

// Found by fuzz_url: "[666…F169.0.06]" has no colon, was taken for IPv6, and printed without brackets.
TEST(Url, RegressionBracketedHostWithoutColonIsNotIpv6)
{
    const core::Result<Url> url = Url::parse("wss://[6666F169.0.06]/s");
    ASSERT_FALSE(url.ok());
    EXPECT_NE(url.error().detail().find("IPv6"), std::string::npos);
    EXPECT_FALSE(Url::parse("ws://[]/").ok());
}

TEST(Url, PrintedUrlParsesBackToItself)
{
    for (const char* text : {"WS://[::FFFF:127.0.0.1]:80/x", "rtmp://Host.Example:1935/app?k=v", "https://a/"}) {
        const core::Result<Url> url = Url::parse(text);
        ASSERT_TRUE(url.ok()) << text;
        const core::Result<Url> again = Url::parse(url->toString());
        ASSERT_TRUE(again.ok()) << text;
        EXPECT_EQ(again->toString(), url->toString()) << text;
    }
}

TEST(Url, LoopbackDetection)
{
    EXPECT_TRUE(Url::parse("ws://127.0.0.1:7447").value().isLoopback());
    EXPECT_TRUE(Url::parse("ws://localhost").value().isLoopback());
    EXPECT_TRUE(Url::parse("ws://[::1]").value().isLoopback());
    EXPECT_FALSE(Url::parse("wss://relay.example").value().isLoopback());
}

// Regression: a host was loopback when its name started with "127.", so http:// (no TLS) was allowed
// to a name anyone can point anywhere.
TEST(Url, LoopbackIsDecidedOnTheParsedAddress)
{
    struct Case {
        const char* url;
        bool loopback;
    };
    for (const Case& c :
         {Case{"http://127.evil.example/", false}, Case{"http://127.0.0.1.evil.example", false},
          Case{"http://127.example:8080", false}, Case{"http://127.1.2.3:3001", true},
          Case{"http://127.255.255.254", true}, Case{"http://128.0.0.1", false}, Case{"http://[::1]:5050", true},
          Case{"http://[::ffff:127.0.0.1]", true}, Case{"http://[::ffff:10.0.0.1]", false}, Case{"http://[::2]", false},
          Case{"http://localhost.:3001", true}, Case{"http://localhost.evil.example", false}}) {
        const auto url = Url::parse(c.url);
        ASSERT_TRUE(url.ok()) << c.url;
        EXPECT_EQ(url->isLoopback(), c.loopback) << c.url;
    }
}

TEST(NetError, CategoryAndMessages)
{
    const std::error_code code = make_error_code(NetErrc::certificateRejected);
    EXPECT_STREQ(code.category().name(), "hoststudio.net");
    EXPECT_EQ(code.message(), "server certificate rejected");
}

} // namespace
} // namespace hoststudio::net

// SPDX-License-Identifier: GPL-2.0-or-later
#include "HttpWire.hpp"

#include "ErrorMapping.hpp"
#include "hoststudio/core/Version.hpp"
#include "hoststudio/net/NetError.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace hoststudio::net::detail {
namespace {

namespace http = boost::beast::http;

std::string serialized(const HttpRequest& request, std::string_view userAgent = "HostStudio/test")
{
    const core::Result<Url> url = Url::parse(request.url);
    EXPECT_TRUE(url.ok()) << request.url;
    std::ostringstream text;
    text << buildHttpRequest(request, url.value(), userAgent);
    return text.str();
}

struct WireCase {
    const char* name;
    HttpRequest request;
    std::string expected;
};

TEST(HttpWire, BuildsTheRequestThatGoesOnTheWire)
{
    const std::vector<WireCase> rows{
        {"plain GET, default port", HttpRequest::make(HttpMethod::get, "http://example.com/a?b=1"),
         "GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: HostStudio/test\r\n\r\n"},
        {"explicit port in Host", HttpRequest::make(HttpMethod::get, "https://127.0.0.1:8443/"),
         "GET / HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nUser-Agent: HostStudio/test\r\n\r\n"},
        {"IPv6 host in brackets", HttpRequest::make(HttpMethod::get, "http://[::1]:8080/x"),
         "GET /x HTTP/1.1\r\nHost: [::1]:8080\r\nUser-Agent: HostStudio/test\r\n\r\n"},
        {"POST with a body has Content-Length",
         HttpRequest::make(HttpMethod::post, "http://h/p").withHeader("X-Id", "7").withBody("abc"),
         "POST /p HTTP/1.1\r\nHost: h\r\nUser-Agent: HostStudio/test\r\nX-Id: 7\r\nContent-Length: 3\r\n\r\nabc"},
        {"empty POST says Content-Length: 0", HttpRequest::make(HttpMethod::post, "http://h/p"),
         "POST /p HTTP/1.1\r\nHost: h\r\nUser-Agent: HostStudio/test\r\nContent-Length: 0\r\n\r\n"},
        {"user info becomes Basic auth", HttpRequest::make(HttpMethod::delete_, "http://Aladdin:open%20sesame@h/r"),
         "DELETE /r HTTP/1.1\r\nHost: h\r\nUser-Agent: HostStudio/test\r\n"
         "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"},
        {"a caller's header replaces ours",
         HttpRequest::make(HttpMethod::get, "http://h/").withHeader("User-Agent", "Other/1"),
         "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: Other/1\r\n\r\n"},
    };
    for (const WireCase& row : rows) {
        EXPECT_EQ(serialized(row.request), row.expected) << row.name;
    }
}

struct HeaderCase {
    HttpHeader header;
    bool valid;
};

TEST(HttpWire, HeadersCannotInjectLines)
{
    const std::vector<HeaderCase> rows{
        {{"X-Token", "abc"}, true},  {{"Content-Type", "application/json; charset=utf-8"}, true},
        {{"X-Empty", ""}, true},     {{"X-Evil", "a\r\nInjected: yes"}, false},
        {{"X-Evil", "a\nb"}, false}, {{"X-Nul", std::string("a\0b", 3)}, false},
        {{"Bad Name", "v"}, false},  {{"Bad:Name", "v"}, false},
        {{"", "v"}, false},
    };
    for (const HeaderCase& row : rows) {
        const core::Status status = validateHeaders({row.header});
        EXPECT_EQ(status.ok(), row.valid) << row.header.name;
        if (!status.ok()) {
            EXPECT_EQ(status.error(), core::CoreErrc::invalidArgument);
        }
    }
}

TEST(HttpWire, DefaultUserAgentNamesTheVersion)
{
    EXPECT_EQ(defaultUserAgent(), std::string("HostStudio/") + core::kVersion);
    const std::string text = serialized(HttpRequest::make(HttpMethod::get, "http://h/"), "");
    EXPECT_NE(text.find("User-Agent: HostStudio/" + std::string(core::kVersion) + "\r\n"), std::string::npos);
}

struct AuthCase {
    const char* user;
    const char* password;
    const char* expected;
};

TEST(HttpWire, BasicAuthorizationKnownAnswers)
{
    const std::vector<AuthCase> rows{
        {"Aladdin", "open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}, // RFC 7617 2
        {"", "", "Basic Og=="},
        {"a", "", "Basic YTo="},
        {"ab", "c", "Basic YWI6Yw=="},
        {"test", "123\xC2\xA3", "Basic dGVzdDoxMjPCow=="}, // RFC 7617 2.1 (UTF-8)
    };
    for (const AuthCase& row : rows) {
        EXPECT_EQ(basicAuthorization(row.user, row.password), row.expected) << row.user;
    }
}

TEST(HttpWire, JsonBodyAndHeaderHelpers)
{
    HttpRequest request = HttpRequest::make(HttpMethod::post, "https://h/j");
    request.withJsonBody(nlohmann::json{{"live", true}}).withBasicAuth("u", "p").withHeader("content-type", "text/x");
    EXPECT_EQ(request.body, R"({"live":true})");
    EXPECT_EQ(findHeader(request.headers, "Content-Type"), "text/x") << "withHeader replaces case-insensitively";
    EXPECT_EQ(findHeader(request.headers, "authorization"), "Basic dTpw");
    EXPECT_EQ(std::count_if(request.headers.begin(), request.headers.end(),
                            [](const HttpHeader& header) {
                                return header.name == "Content-Type" || header.name == "content-type";
                            }),
              1);
}

TEST(HttpWire, ResponseJson)
{
    HttpResponse response{.status = 200, .headers = {{"Content-Type", "application/json"}}, .body = R"({"a":[1,2]})"};
    ASSERT_TRUE(response.json().ok());
    EXPECT_EQ(response.json().value()["a"][1], 2);
    EXPECT_EQ(response.header("content-type"), "application/json");
    response.body = "<html>";
    EXPECT_EQ(response.json().error(), NetErrc::protocolError);
}

struct ReadCase {
    const char* name;
    std::string wire;
    std::size_t maxBody;
    NetErrc expected; // 0: read fine
};

// The parser settings of HttpClient, fed by Beast's in-memory test stream.
TEST(HttpWire, ResponseLimitsAndTruncation)
{
    const std::vector<ReadCase> rows{
        {"fits", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 5, NetErrc{}},
        {"declared body over the cap", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!", 5,
         NetErrc::messageTooLarge},
        {"body over the cap until EOF", "HTTP/1.1 200 OK\r\n\r\nhello!", 5, NetErrc::messageTooLarge},
        {"chunked body over the cap", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello!\r\n0\r\n\r\n",
         5, NetErrc::messageTooLarge},
        {"header over 64 KiB", "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n", 5,
         NetErrc::messageTooLarge},
        {"truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", 1000, NetErrc::connectionClosed},
        {"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", 1000, NetErrc::protocolError},
    };
    for (const ReadCase& row : rows) {
        boost::asio::io_context ioContext;
        boost::beast::test::stream client(ioContext);
        boost::beast::test::stream server(ioContext);
        client.connect(server);
        server.write_some(boost::asio::buffer(row.wire));
        server.close();
        http::response_parser<http::string_body> parser;
        configureResponseParser(parser, HttpMethod::get, row.maxBody);
        boost::beast::flat_buffer buffer;
        boost::system::error_code error;
        http::read_header(client, buffer, parser, error); // as HttpClient does
        if (!error) {
            error = checkDeclaredLength(parser, row.maxBody);
        }
        if (!error) {
            http::read(client, buffer, parser, error);
        }
        if (row.expected == NetErrc{}) {
            EXPECT_FALSE(error) << row.name << ": " << error.message();
            EXPECT_EQ(toHttpResponse(parser.release()).body, "hello") << row.name;
        } else {
            EXPECT_EQ(mapNetError(error, NetStage::read, "http://h/"), row.expected)
                << row.name << ": " << error.message();
        }
    }
}

} // namespace
} // namespace hoststudio::net::detail
